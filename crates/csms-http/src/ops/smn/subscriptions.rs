//! Subscriptions (AddSubscription, ListSubscriptions, ListSubscriptionsByTopic, UpdateSubscription,
//! CancelSubscription) and the public links a subscriber's messages carry (confirm, unsubscribe).

use csms_store::{NewSubscription, SubscriptionRecord};
use csms_validate::smn as rules;
use http::StatusCode;
use smn_model::{
    ConfirmResponse, ListSubscriptionsResponse, RequestIdResponse, SubscriptionExtension, SubscriptionItem,
    SubscriptionUrnResponse, TopicUrn, UnsubscribeResponse,
};

use super::topics::TopicPath;
use super::{TopicRef, request_id, store_error, together, violations};
use crate::error::ApiError;
use crate::ops::{Call, Input, Json, JsonStatus, State};

/// `POST /topics/{topic_urn}/subscriptions`.
pub(crate) struct AddSubscription {
    path: TopicPath,
    body: smn_model::AddSubscriptionRequestBody,
}

impl Input for AddSubscription {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), rules::parse_add_subscription_body(&call.body))?;
        Ok(AddSubscription { path: TopicPath::of(call)?, body })
    }
}

/// Subscribes the endpoint (and each of `subscriptions`): 201 when the first is new, 200 when it was
/// there already; the answer names the first's URN.
pub(crate) async fn add(
    state: &State,
    input: AddSubscription,
) -> Result<JsonStatus<SubscriptionUrnResponse>, ApiError> {
    let on = input.path.topic(state)?;
    let new = input
        .body
        .all()
        .into_iter()
        .map(|s| NewSubscription {
            headers: s.extension.as_ref().and_then(|e| e.header.clone()).unwrap_or_default(),
            extension: s.extension.as_ref().and_then(|e| serde_json::to_value(e).ok()),
            protocol: s.protocol,
            endpoint: s.endpoint,
            remark: s.remark.unwrap_or_default(),
        })
        .collect();
    let origin = state.origin(Some(on.request_id.clone()));
    let topic = &on.topic;
    let added = state.store.add_subscriptions(&topic.project, &topic.name, &topic.urn, new, origin).await;
    let added = added.map_err(store_error)?;
    let (id, made) =
        added.into_iter().next().ok_or_else(|| ApiError::internal("no subscription was added"))?;
    let status = if made { StatusCode::CREATED } else { StatusCode::OK };
    let subscription_urn = format!("{}:{id}", topic.urn);
    Ok(JsonStatus(status, SubscriptionUrnResponse { request_id: on.request_id, subscription_urn }))
}

/// `GET /subscriptions` and `GET /topics/{topic_urn}/subscriptions`, with their filters.
pub(crate) struct ListSubscriptions {
    project: String,
    topic_urn: Option<String>,
    query: rules::OffsetQuery,
    request_id: String,
}

/// The filters of the project's listing; the topic's has only `fuzzy_remark` (the last).
const FILTERS: [&str; 4] = ["protocol", "status", "endpoint", "fuzzy_remark"];

impl Input for ListSubscriptions {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let by_topic = call.route.get("topic_urn").is_some();
        let filters: &[&str] = if by_topic { &FILTERS[3..] } else { &FILTERS };
        let query = rules::parse_offset_query(call.parts.uri.query(), filters);
        let mut query = together(call.path_violations(), query.map_err(Into::into))?;
        if by_topic {
            query.filters = [vec![None, None, None], std::mem::take(&mut query.filters)].concat();
        }
        let topic_urn = if by_topic { Some(call.route.take("topic_urn")?) } else { None };
        Ok(ListSubscriptions { project: call.project()?, topic_urn, query, request_id: request_id(call) })
    }
}

impl State {
    /// A subscription as SMN lists it.
    fn subscription(&self, project: &str, sub: SubscriptionRecord) -> SubscriptionItem {
        let topic_urn = self.topic_urn(project, &sub.topic);
        SubscriptionItem {
            subscription_urn: format!("{topic_urn}:{}", sub.id),
            topic_urn,
            protocol: sub.protocol,
            endpoint: sub.endpoint,
            remark: sub.remark,
            status: sub.status,
            owner: project.to_owned(),
            extension: sub.extension.and_then(|e| serde_json::from_value::<SubscriptionExtension>(e).ok()),
        }
    }
}

/// The subscriptions that pass the filters, oldest first, a page by offset.
pub(crate) async fn list(
    state: &State,
    input: ListSubscriptions,
) -> Result<Json<ListSubscriptionsResponse>, ApiError> {
    let topic = match &input.topic_urn {
        Some(urn) => Some(TopicRef::of(state, &input.project, urn)?.name),
        None => None,
    };
    let subs = state.store.subscriptions(&input.project, topic.as_deref()).await.map_err(store_error)?;
    let f = &input.query.filters;
    let passing: Vec<SubscriptionRecord> = subs
        .into_iter()
        .filter(|s| {
            f[0].as_ref().is_none_or(|v| &s.protocol == v)
                && f[1].as_ref().is_none_or(|v| v.parse() == Ok(s.status))
                && f[2].as_ref().is_none_or(|v| &s.endpoint == v)
                && f[3].as_ref().is_none_or(|v| s.remark.contains(v.as_str()))
        })
        .collect();
    let count = passing.len() as i64;
    let page = passing.into_iter().skip(input.query.offset).take(input.query.limit);
    Ok(Json(ListSubscriptionsResponse {
        request_id: input.request_id,
        subscription_count: count,
        subscriptions: page.map(|s| state.subscription(&input.project, s)).collect(),
    }))
}

/// A subscription named by its URN in a path: its topic and id.
fn subscription_ref(state: &State, project: &str, urn: &str) -> Result<(TopicRef, String), ApiError> {
    rules::subscription_urn(urn).map_err(violations)?;
    let (topic, id) = TopicUrn::of_subscription(urn).ok_or_else(|| ApiError::internal("a checked URN"))?;
    let topic = TopicRef::of(state, project, &topic.to_string())
        .map_err(|_| ApiError::of(smn_model::ErrorCode::SubscriptionNotFound))?;
    Ok((topic, id))
}

/// `PUT /topics/{topic_urn}/subscriptions/{subscription_urn}`.
pub(crate) struct UpdateSubscription {
    path: TopicPath,
    subscription_urn: String,
    body: smn_model::UpdateSubscriptionRequestBody,
}

impl Input for UpdateSubscription {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), rules::parse_update_subscription_body(&call.body))?;
        let subscription_urn = call.route.take("subscription_urn")?;
        Ok(UpdateSubscription { path: TopicPath::of(call)?, subscription_urn, body })
    }
}

pub(crate) async fn update(
    state: &State,
    input: UpdateSubscription,
) -> Result<Json<SubscriptionUrnResponse>, ApiError> {
    let on = input.path.topic(state)?;
    let (topic, id) = subscription_ref(state, &on.topic.project, &input.subscription_urn)?;
    if topic.name != on.topic.name {
        return Err(store_error(csms_store::StoreError::Smn(csms_store::SmnRefusal::SubscriptionNotFound)));
    }
    let remark = input.body.remark.unwrap_or_default();
    state.store.update_subscription(&topic.project, &topic.name, &id, &remark).await.map_err(store_error)?;
    Ok(Json(SubscriptionUrnResponse { request_id: on.request_id, subscription_urn: input.subscription_urn }))
}

/// `DELETE /subscriptions/{subscription_urn}`.
pub(crate) struct CancelSubscription {
    project: String,
    subscription_urn: String,
    request_id: String,
}

impl Input for CancelSubscription {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        Ok(CancelSubscription {
            project: call.project()?,
            subscription_urn: call.route.take("subscription_urn")?,
            request_id: request_id(call),
        })
    }
}

/// Removes the subscription: 200 with the request id.
pub(crate) async fn cancel(
    state: &State,
    input: CancelSubscription,
) -> Result<Json<RequestIdResponse>, ApiError> {
    let (topic, id) = subscription_ref(state, &input.project, &input.subscription_urn)?;
    state.store.cancel_subscription(&topic.project, &topic.name, &id).await.map_err(store_error)?;
    Ok(Json(RequestIdResponse { request_id: input.request_id }))
}

/// The confirmation link: `?token=&topic_urn=`.
pub(crate) struct Confirm {
    token: String,
    topic_urn: Option<String>,
    request_id: String,
}

impl Input for Confirm {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let (token, topic_urn) = rules::parse_confirm_query(call.parts.uri.query()).map_err(violations)?;
        Ok(Confirm { token, topic_urn, request_id: request_id(call) })
    }
}

/// Confirms the subscription the token names: from now on it receives the topic's messages.
pub(crate) async fn confirm(state: &State, input: Confirm) -> Result<Json<ConfirmResponse>, ApiError> {
    if let Some(urn) = &input.topic_urn {
        rules::topic_urn(urn).map_err(violations)?;
    }
    let topic = match input.topic_urn.as_deref().map(TopicUrn::parse) {
        None | Some(None) => None,
        Some(Some(urn)) if urn.region != state.region => {
            return Err(ApiError::new(
                smn_model::ErrorCode::InvalidToken,
                "The token confirms no subscription of this topic.",
            ));
        }
        Some(Some(urn)) => Some((urn.project, urn.name)),
    };
    let now = state.clock.now_ms();
    let (project, sub) =
        state.store.confirm_subscription(&input.token, topic, now).await.map_err(store_error)?;
    let subscription_urn = format!("{}:{}", state.topic_urn(&project, &sub.topic), sub.id);
    Ok(Json(ConfirmResponse { request_id: input.request_id, subscription_urn }))
}

/// The unsubscribe link: `?subscription_urn=`.
pub(crate) struct Unsubscribe {
    subscription_urn: String,
    request_id: String,
}

impl Input for Unsubscribe {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let urn = rules::parse_unsubscribe_query(call.parts.uri.query()).map_err(violations)?;
        Ok(Unsubscribe { subscription_urn: urn, request_id: request_id(call) })
    }
}

/// Unsubscribes: the subscription is kept, receives nothing more, and an HTTP(S) endpoint is sent an
/// `UnsubscribeConfirmation` whose link subscribes it again.
pub(crate) async fn unsubscribe(
    state: &State,
    input: Unsubscribe,
) -> Result<Json<UnsubscribeResponse>, ApiError> {
    let not_found = || ApiError::of(smn_model::ErrorCode::SubscriptionNotFound);
    let (topic, id) = TopicUrn::of_subscription(&input.subscription_urn).ok_or_else(not_found)?;
    if topic.region != state.region {
        return Err(not_found());
    }
    let origin = state.origin(Some(input.request_id));
    let urn = topic.to_string();
    state.store.unsubscribe(&topic.project, &topic.name, &urn, &id, origin).await.map_err(store_error)?;
    Ok(Json(UnsubscribeResponse {
        message: format!("You have successfully canceled your subscription to topic {urn}."),
    }))
}
