//! SMN's operations, on the same listener and store as CSMS: topics, their attributes and tags
//! (`topics.rs`, `tags.rs`), subscriptions and their public links (`subscriptions.rs`), publishing, the delivery
//! records and the signing certificate (`messages.rs`). Every error is answered in SMN's shape
//! (`{"request_id","code","message"}`, or `{"message"}` from a public link) with SMN's codes: a rule's
//! violation is answered with the code of the member it names ([`code_of`]).

use csms_store::{SmnRefusal, StoreError, TopicRecord};
use csms_validate::{Rejection, Violations};
use smn_model::{ErrorCode, Operation, TopicUrn};

use super::{Call, State, run};
use crate::body::ResponseBody;
use crate::error::ApiError;

mod messages;
mod subscriptions;
mod tags;
mod topics;

/// The SMN code of a violation at `path` (the first one decides).
fn code_of(path: &str) -> ErrorCode {
    let last = path.rsplit('/').find(|s| !s.is_empty() && s.parse::<usize>().is_err()).unwrap_or("");
    match path {
        "/name" => ErrorCode::InvalidName,
        "/display_name" => ErrorCode::InvalidDisplayName,
        "/topic_urn" => ErrorCode::InvalidTopicUrn,
        "/subscription_urn" => ErrorCode::InvalidSubscriptionUrn,
        "/offset" | "/limit" | "/status" => ErrorCode::InvalidOffsetOrLimit,
        "/subject" => ErrorCode::InvalidSubject,
        "/message" => ErrorCode::InvalidMessage,
        "/token" => ErrorCode::InvalidToken,
        "/attribute_name" => ErrorCode::InvalidAttributeName,
        "/value" => ErrorCode::InvalidAccessPolicy,
        p if p.starts_with("/message_structure") => ErrorCode::InvalidMessageStructure,
        p if p.starts_with("/tag")
            || p == "/action"
            || p.starts_with("/matches")
            || p.starts_with("/not_tags") =>
        {
            ErrorCode::InvalidTag
        }
        _ if last == "protocol" => ErrorCode::InvalidProtocol,
        _ if last == "endpoint" => ErrorCode::InvalidEndpoint,
        _ if last == "remark" => ErrorCode::InvalidRemark,
        p if p.starts_with("/subscriptions") || p.starts_with("/extension") => ErrorCode::InvalidSubscription,
        _ => ErrorCode::InvalidContent,
    }
}

/// Violations in SMN's words: the code of the first, the message of all.
fn violations(v: Violations) -> ApiError {
    let code = v.iter().next().map_or(ErrorCode::InvalidContent, |first| code_of(&first.path));
    ApiError::new(code, v.to_string())
}

/// A body SMN cannot read, or its violations.
fn rejection(r: Rejection) -> ApiError {
    match r {
        Rejection::Invalid(v) => violations(v),
        other => ApiError::new(ErrorCode::InvalidContent, other.to_string()),
    }
}

/// Path violations and a body's result reported together, in SMN's words.
fn together<T>(path: Violations, body: Result<T, Rejection>) -> Result<T, ApiError> {
    super::together_as(path, body, rejection)
}

/// A store error of an SMN operation.
fn store_error(error: StoreError) -> ApiError {
    let code = match error {
        StoreError::Smn(SmnRefusal::TopicNotFound) => ErrorCode::TopicNotFound,
        StoreError::Smn(SmnRefusal::SubscriptionNotFound) => ErrorCode::SubscriptionNotFound,
        StoreError::Smn(SmnRefusal::TopicLimit) => ErrorCode::TopicLimit,
        StoreError::Smn(SmnRefusal::SubscriptionLimit) => ErrorCode::SubscriptionLimit,
        StoreError::Smn(SmnRefusal::TooManyTags) => ErrorCode::TooManyTags,
        StoreError::Smn(SmnRefusal::InvalidToken) => ErrorCode::InvalidToken,
        StoreError::Smn(SmnRefusal::AttributeNotFound) => ErrorCode::AttributeNotFound,
        StoreError::TagNotFound => {
            return ApiError::new(
                ErrorCode::InvalidTag,
                "Parameter: tag is invalid: the topic has no tag of that key.",
            );
        }
        other => return ApiError::internal(other),
    };
    ApiError::of(code)
}

/// A topic named by its URN in a path of `project`: a URN of another project, or of another region than
/// this service's, names no topic here.
struct TopicRef {
    project: String,
    name: String,
    urn: String,
}

impl TopicRef {
    fn of(state: &State, project: &str, urn: &str) -> Result<Self, ApiError> {
        let parsed =
            TopicUrn::parse(urn).ok_or_else(|| ApiError::new(ErrorCode::InvalidTopicUrn, "Invalid URN."))?;
        if parsed.project != project || parsed.region != state.region {
            return Err(ApiError::of(ErrorCode::TopicNotFound));
        }
        Ok(TopicRef { project: project.to_owned(), name: parsed.name, urn: urn.to_owned() })
    }
}

impl State {
    /// The URN of the topic `name` of `project`.
    pub(crate) fn topic_urn(&self, project: &str, name: &str) -> String {
        TopicUrn::new(&self.region, project, name).to_string()
    }

    /// A topic as SMN answers it.
    fn topic(&self, project: &str, topic: &TopicRecord) -> smn_model::Topic {
        smn_model::Topic {
            topic_urn: self.topic_urn(project, &topic.name),
            topic_id: topic.topic_id.clone(),
            name: topic.name.clone(),
            display_name: topic.display_name.clone(),
            push_policy: 0,
            enterprise_project_id: topic.enterprise_project_id.clone(),
            create_time: smn_model::smn_time(topic.created),
            update_time: smn_model::smn_time(topic.updated),
        }
    }
}

/// The request's id, as SMN answers it in every body.
fn request_id(call: &Call) -> String {
    call.request_id().unwrap_or_default()
}

/// Runs the SMN operation `op`.
pub(crate) async fn dispatch(
    state: &State,
    call: &mut Call,
    op: Operation,
) -> Result<http::Response<ResponseBody>, ApiError> {
    match op {
        Operation::CreateTopic => run(state, call, topics::create).await,
        Operation::ListTopics => run(state, call, topics::list).await,
        Operation::ListTopicDetails => run(state, call, topics::show).await,
        Operation::UpdateTopic => run(state, call, topics::update).await,
        Operation::DeleteTopic => run(state, call, topics::delete).await,
        Operation::ListTopicAttributes => run(state, call, topics::attributes).await,
        Operation::UpdateTopicAttribute => run(state, call, topics::update_attribute).await,
        Operation::DeleteTopicAttributeByName | Operation::DeleteTopicAttributes => {
            run(state, call, topics::delete_attributes).await
        }
        Operation::ListResourceTags => run(state, call, tags::tags).await,
        Operation::CreateResourceTag => run(state, call, tags::create_tag).await,
        Operation::DeleteResourceTag => run(state, call, tags::delete_tag).await,
        Operation::BatchCreateOrDeleteResourceTags => run(state, call, tags::batch_tags).await,
        Operation::ListProjectTags => run(state, call, tags::project_tags).await,
        Operation::ListResourceInstances => run(state, call, tags::instances).await,
        Operation::AddSubscription => run(state, call, subscriptions::add).await,
        Operation::ListSubscriptions | Operation::ListSubscriptionsByTopic => {
            run(state, call, subscriptions::list).await
        }
        Operation::UpdateSubscription => run(state, call, subscriptions::update).await,
        Operation::CancelSubscription => run(state, call, subscriptions::cancel).await,
        Operation::ConfirmSubscription | Operation::SubscribeTopic => {
            run(state, call, subscriptions::confirm).await
        }
        Operation::UnsubscribeSubscription | Operation::UnsubscribeTopic => {
            run(state, call, subscriptions::unsubscribe).await
        }
        Operation::PublishMessage => run(state, call, messages::publish).await,
        Operation::DownloadHttpCert | Operation::DownloadHttpSignCert => {
            run(state, call, messages::certificate).await
        }
        Operation::ListMessageDeliveries => run(state, call, messages::deliveries).await,
        other => Err(ApiError::internal(format!("no handler for {}", other.id()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_take_the_code_of_their_member() {
        for (path, code) in [
            ("/name", ErrorCode::InvalidName),
            ("/display_name", ErrorCode::InvalidDisplayName),
            ("/protocol", ErrorCode::InvalidProtocol),
            ("/subscriptions/3/endpoint", ErrorCode::InvalidEndpoint),
            ("/subscriptions/0/remark", ErrorCode::InvalidRemark),
            ("/extension/header/x-smn-a", ErrorCode::InvalidSubscription),
            ("/message_structure/http", ErrorCode::InvalidMessageStructure),
            ("/tags/0/key", ErrorCode::InvalidTag),
            ("/limit", ErrorCode::InvalidOffsetOrLimit),
            ("/whatever", ErrorCode::InvalidContent),
        ] {
            assert_eq!(code_of(path), code, "{path}");
        }
    }
}
