//! The documentation of SMN's operations as this service serves them.

use schemars::generate::SchemaGenerator;
use serde_json::{Value, json};
use smn_model::limits as smn;
use smn_model::*;

use super::neighbours::{Foreign, of, query};

/// One operation's documentation.
fn f(
    op: Operation,
    summary: &'static str,
    description: &'static str,
    query: Vec<Value>,
    request: Option<Value>,
    success: Vec<(&'static str, Option<Value>)>,
    errors: Vec<(u16, &'static str, &'static str)>,
) -> Foreign {
    Foreign {
        id: op.id(),
        method: op.method(),
        path: op.path(),
        summary,
        description,
        query,
        request,
        success,
        public: op.is_public(),
        errors,
    }
}

/// SMN's operations, in its route table's order; every row of the table is documented (a test below).
pub(super) fn docs(generator: &mut SchemaGenerator) -> Vec<Foreign> {
    let offset = query("offset", "Items skipped (from 0).", json!({"type": "string", "pattern": "^[0-9]+$"}));
    let limit = query(
        "limit",
        "Most items (1 to 100, 100 when absent).",
        json!({"type": "string", "pattern": "^[0-9]+$"}),
    );
    let text = |name: &str, description: &str| query(name, description, json!({"type": "string"}));
    let topic_not_found = (404, "SMN.0006", "Topic not found.");
    let invalid = (400, "SMN.0024", "Parameter: content is invalid.");
    let request_id = of::<RequestIdResponse>(generator);
    let error = |code: ErrorCode| (code.http_status(), code.code(), code.default_message());
    use ErrorCode::*;
    let attribute_or_none: Vec<&str> = smn::ATTRIBUTE_NAMES.iter().copied().chain([""]).collect();
    let topic_errors = vec![error(InvalidTopicUrn), topic_not_found, invalid];
    let with = |mut base: Vec<(u16, &'static str, &'static str)>, more: &[ErrorCode]| {
        base.extend(more.iter().map(|c| error(*c)));
        base
    };
    let list_subs = of::<ListSubscriptionsResponse>(generator);
    let sub_urn = of::<SubscriptionUrnResponse>(generator);
    vec![
        f(
            Operation::CreateTopic,
            "Create a topic",
            "Creates a topic; a topic of that name already there is answered as it is (200). A missing `display_name` is stored as `\"\"`.",
            vec![],
            Some(of::<CreateTopicRequestBody>(generator)),
            vec![
                ("201", Some(of::<CreateTopicResponse>(generator))),
                ("200", Some(of::<CreateTopicResponse>(generator))),
            ],
            vec![error(InvalidName), error(InvalidDisplayName), error(TopicLimit), invalid],
        ),
        f(
            Operation::ListTopics,
            "List topics",
            "The project's topics, newest first, a page by offset; `topic_count` counts every topic that passes the filters.",
            vec![
                offset.clone(),
                limit.clone(),
                text("enterprise_project_id", "Only the topics of this enterprise project."),
                text("name", "Only the topic of this name."),
                text("fuzzy_name", "Only the topics whose name contains this."),
                text("topic_id", "Only the topic of this id."),
                text("fuzzy_display_name", "Only the topics whose display name contains this."),
            ],
            None,
            vec![("200", Some(of::<ListTopicsResponse>(generator)))],
            vec![error(InvalidOffsetOrLimit)],
        ),
        f(
            Operation::ListTopicDetails,
            "Show a topic",
            "One topic.",
            vec![],
            None,
            vec![("200", Some(of::<TopicDetailsResponse>(generator)))],
            topic_errors.clone(),
        ),
        f(
            Operation::UpdateTopic,
            "Update a topic",
            "Sets the topic's display name.",
            vec![],
            Some(of::<UpdateTopicRequestBody>(generator)),
            vec![("200", Some(request_id.clone()))],
            with(topic_errors.clone(), &[InvalidDisplayName]),
        ),
        f(
            Operation::DeleteTopic,
            "Delete a topic",
            "Deletes the topic and its subscriptions; messages already accepted are still delivered.",
            vec![],
            None,
            vec![("200", Some(request_id.clone()))],
            topic_errors.clone(),
        ),
        f(
            Operation::ListTopicAttributes,
            "List a topic's attributes",
            "`access_policy` and `introduction` (`\"\"` when not set), or the one `name` asks for.",
            vec![query(
                "name",
                "Only this attribute (empty: both).",
                json!({"type": "string", "enum": attribute_or_none}),
            )],
            None,
            vec![("200", Some(of::<ListTopicAttributesResponse>(generator)))],
            with(topic_errors.clone(), &[InvalidAttributeName]),
        ),
        f(
            Operation::UpdateTopicAttribute,
            "Set a topic attribute",
            "Sets `access_policy` (a policy document as a string, or `\"\"`) or `introduction`.",
            vec![],
            Some(of::<UpdateTopicAttributeRequestBody>(generator)),
            vec![("200", Some(request_id.clone()))],
            with(topic_errors.clone(), &[InvalidAttributeName, InvalidAccessPolicy]),
        ),
        f(
            Operation::DeleteTopicAttributeByName,
            "Clear a topic attribute",
            "Clears one attribute.",
            vec![],
            None,
            vec![("200", Some(request_id.clone()))],
            with(topic_errors.clone(), &[InvalidAttributeName]),
        ),
        f(
            Operation::DeleteTopicAttributes,
            "Clear a topic's attributes",
            "Clears every attribute.",
            vec![],
            None,
            vec![("200", Some(request_id.clone()))],
            topic_errors.clone(),
        ),
        f(
            Operation::ListResourceTags,
            "List a topic's tags",
            "The topic's tags.",
            vec![],
            None,
            vec![("200", Some(of::<ListResourceTagsResponse>(generator)))],
            vec![topic_not_found, invalid],
        ),
        f(
            Operation::CreateResourceTag,
            "Tag a topic",
            "Sets one tag (a key already set takes the new value); at most 10 per topic.",
            vec![],
            Some(of::<CreateResourceTagRequestBody>(generator)),
            vec![("204", None)],
            vec![topic_not_found, error(InvalidTag), error(TooManyTags), invalid],
        ),
        f(
            Operation::DeleteResourceTag,
            "Untag a topic",
            "Removes one tag; a key the topic does not carry is refused.",
            vec![],
            None,
            vec![("204", None)],
            vec![topic_not_found, error(InvalidTag), invalid],
        ),
        f(
            Operation::BatchCreateOrDeleteResourceTags,
            "Tag or untag a topic",
            "Sets (`create`) or removes (`delete`) several tags; removing a key the topic does not carry is passed over.",
            vec![],
            Some(of::<BatchResourceTagsRequestBody>(generator)),
            vec![("204", None)],
            vec![topic_not_found, error(InvalidTag), error(TooManyTags), invalid],
        ),
        f(
            Operation::ListProjectTags,
            "List the project's topic tags",
            "Every tag key of the project's topics, with its values.",
            vec![],
            None,
            vec![("200", Some(of::<ListProjectTagsResponse>(generator)))],
            vec![invalid],
        ),
        f(
            Operation::ListResourceInstances,
            "Find topics by tag",
            "The topics matching every filter, a page by offset; `count` answers only the total.",
            vec![],
            Some(of::<ListInstancesRequestBody>(generator)),
            vec![("200", Some(of::<ListInstancesResponse>(generator)))],
            vec![error(InvalidTag), invalid],
        ),
        f(
            Operation::AddSubscription,
            "Subscribe to a topic",
            "Subscribes an endpoint (and each of `subscriptions`): 201 when the first is new, 200 when it was there. An HTTP(S) endpoint is sent a signed SubscriptionConfirmation whose `subscribe_url` confirms it; other protocols are kept and listed, and their messages recorded as not sent. Loopback endpoints are accepted.",
            vec![],
            Some(of::<AddSubscriptionRequestBody>(generator)),
            vec![("201", Some(sub_urn.clone())), ("200", Some(sub_urn.clone()))],
            with(
                topic_errors.clone(),
                &[InvalidProtocol, InvalidEndpoint, InvalidRemark, InvalidSubscription, SubscriptionLimit],
            ),
        ),
        f(
            Operation::ListSubscriptions,
            "List subscriptions",
            "The project's subscriptions, oldest first, a page by offset.",
            vec![
                offset.clone(),
                limit.clone(),
                text("protocol", "Only this protocol's."),
                query(
                    "status",
                    "Only those of this status.",
                    json!({"type": "string", "pattern": "^[0-4]?$"}),
                ),
                text("endpoint", "Only this endpoint's."),
                text("fuzzy_remark", "Only those whose remark contains this."),
            ],
            None,
            vec![("200", Some(list_subs.clone()))],
            vec![error(InvalidOffsetOrLimit)],
        ),
        f(
            Operation::ListSubscriptionsByTopic,
            "List a topic's subscriptions",
            "The topic's subscriptions, oldest first, a page by offset.",
            vec![offset, limit, text("fuzzy_remark", "Only those whose remark contains this.")],
            None,
            vec![("200", Some(list_subs))],
            with(topic_errors.clone(), &[InvalidOffsetOrLimit]),
        ),
        f(
            Operation::UpdateSubscription,
            "Update a subscription",
            "Sets the subscription's remark.",
            vec![],
            Some(of::<UpdateSubscriptionRequestBody>(generator)),
            vec![("200", Some(sub_urn.clone()))],
            with(topic_errors.clone(), &[InvalidSubscriptionUrn, SubscriptionNotFound, InvalidRemark]),
        ),
        f(
            Operation::CancelSubscription,
            "Cancel a subscription",
            "Removes the subscription.",
            vec![],
            None,
            vec![("200", Some(request_id.clone()))],
            vec![error(InvalidSubscriptionUrn), error(SubscriptionNotFound), invalid],
        ),
        confirm(Operation::ConfirmSubscription, generator),
        confirm(Operation::SubscribeTopic, generator),
        unsubscribe(Operation::UnsubscribeSubscription, generator),
        unsubscribe(Operation::UnsubscribeTopic, generator),
        f(
            Operation::PublishMessage,
            "Publish a message",
            "Publishes to the topic's confirmed subscriptions: `message_structure`'s text for a subscription's protocol, else its `default`; else `message`. Message templates are not served.",
            vec![],
            Some(of::<PublishMessageRequestBody>(generator)),
            vec![("200", Some(of::<PublishMessageResponse>(generator)))],
            with(topic_errors, &[InvalidMessageStructure, InvalidSubject, InvalidMessage]),
        ),
        certificate(Operation::DownloadHttpCert),
        certificate(Operation::DownloadHttpSignCert),
        f(
            Operation::ListMessageDeliveries,
            "List message deliveries",
            "What became of each message to each subscription, newest first (this service's own operation, as ListNotificationRecords is for CSMS events): SUCCESS, FAIL after the last attempt or a refusal, NOT_SENT for protocols not delivered to.",
            vec![
                text("topic_urn", "Only this topic's."),
                query(
                    "limit",
                    "Most records (1 to 1000, 50 when absent).",
                    json!({"type": "string", "pattern": "^[0-9]+$"}),
                ),
            ],
            None,
            vec![("200", Some(of::<ListDeliveriesResponse>(generator)))],
            vec![error(InvalidTopicUrn), error(InvalidOffsetOrLimit)],
        ),
    ]
}

fn confirm(op: Operation, generator: &mut SchemaGenerator) -> Foreign {
    let text = |name: &str, description: &str| query(name, description, json!({"type": "string"}));
    f(
        op,
        "Confirm a subscription",
        "The link of a SubscriptionConfirmation (public: the token is the credential): confirms the subscription, which from then on receives the topic's messages. The token is valid for 48 hours.",
        vec![
            text("token", "The token of the link."),
            text("topic_urn", "The topic's URN."),
            text("endpoint", "The endpoint (SMS and email subscriptions; not needed here)."),
        ],
        None,
        vec![("200", Some(of::<ConfirmResponse>(generator)))],
        vec![
            (403, "SMN.0022", "Parameter: token is invalid."),
            (400, "SMN.0005", "Parameter: TopicUrn is invalid."),
        ],
    )
}

fn unsubscribe(op: Operation, generator: &mut SchemaGenerator) -> Foreign {
    f(
        op,
        "Unsubscribe",
        "The `unsubscribe_url` of a Notification (public): the subscription is kept with status 3 and receives nothing more; an HTTP(S) endpoint is sent an UnsubscribeConfirmation whose link subscribes it again.",
        vec![query("subscription_urn", "The subscription's URN.", json!({"type": "string"}))],
        None,
        vec![("200", Some(of::<UnsubscribeResponse>(generator)))],
        vec![
            (400, "SMN.0014", "Parameter: SubscriptionUrn is invalid."),
            (404, "SMN.0013", "Subscription resource not found."),
        ],
    )
}

fn certificate(op: Operation) -> Foreign {
    f(
        op,
        "Download the signing certificate",
        "The certificate (PEM, public) whose key signs every message to an HTTP(S) subscriber (SHA256withRSA); `signing_cert_url` names it.",
        vec![],
        None,
        vec![("200", None)],
        vec![(404, "APIGW.0101", "No signing certificate of that id.")],
    )
}

/// SMN's public link errors' shape.
pub(super) fn link_error(generator: &mut SchemaGenerator) -> Value {
    of::<UnsubscribeErrorResponse>(generator)
}

/// SMN's error shape.
pub(super) fn error_shape(generator: &mut SchemaGenerator) -> Value {
    of::<SmnErrorResponse>(generator)
}
