//! Topics (CreateTopic, ListTopics, ListTopicDetails, UpdateTopic, DeleteTopic) and their attributes.

use csms_store::TopicRecord;
use csms_validate::smn as rules;
use http::StatusCode;
use smn_model::limits::ATTRIBUTE_NAMES;
use smn_model::{
    CreateTopicResponse, ListTopicAttributesResponse, ListTopicsResponse, RequestIdResponse, TopicAttributes,
    TopicDetailsResponse,
};

use super::{TopicRef, request_id, store_error, together};
use crate::error::ApiError;
use crate::ops::{Call, Input, Json, JsonStatus, State};

/// `POST /topics`.
pub(crate) struct CreateTopic {
    project: String,
    body: smn_model::CreateTopicRequestBody,
    request_id: String,
}

impl Input for CreateTopic {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), rules::parse_create_topic_body(&call.body))?;
        Ok(CreateTopic { project: call.project()?, body, request_id: request_id(call) })
    }
}

/// A new topic is 201; a topic of that name already there is answered as it is, 200.
pub(crate) async fn create(
    state: &State,
    input: CreateTopic,
) -> Result<JsonStatus<CreateTopicResponse>, ApiError> {
    let body = input.body;
    let (topic, made) = state
        .store
        .create_topic(
            &input.project,
            &body.name,
            body.display_name.as_deref().unwrap_or_default(),
            body.enterprise_project_id.as_deref().unwrap_or("0"),
            state.clock.now_ms(),
        )
        .await
        .map_err(store_error)?;
    let status = if made { StatusCode::CREATED } else { StatusCode::OK };
    let topic_urn = state.topic_urn(&input.project, &topic.name);
    Ok(JsonStatus(status, CreateTopicResponse { request_id: input.request_id, topic_urn }))
}

/// `GET /topics?offset=&limit=&name=&fuzzy_name=&topic_id=&enterprise_project_id=&fuzzy_display_name=`.
pub(crate) struct ListTopics {
    project: String,
    query: rules::OffsetQuery,
    request_id: String,
}

const TOPIC_FILTERS: [&str; 5] =
    ["name", "fuzzy_name", "topic_id", "enterprise_project_id", "fuzzy_display_name"];

impl Input for ListTopics {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let query = rules::parse_offset_query(call.parts.uri.query(), &TOPIC_FILTERS);
        let query = together(call.path_violations(), query.map_err(Into::into))?;
        Ok(ListTopics { project: call.project()?, query, request_id: request_id(call) })
    }
}

/// The project's topics that pass the filters, newest first, a page by offset: `topic_count` counts all
/// that pass.
pub(crate) async fn list(state: &State, input: ListTopics) -> Result<Json<ListTopicsResponse>, ApiError> {
    let topics = state.store.topics(&input.project).await.map_err(store_error)?;
    let f = &input.query.filters;
    let passes = |t: &TopicRecord| {
        f[0].as_ref().is_none_or(|v| &t.name == v)
            && f[1].as_ref().is_none_or(|v| t.name.contains(v.as_str()))
            && f[2].as_ref().is_none_or(|v| &t.topic_id == v)
            && f[3].as_ref().is_none_or(|v| &t.enterprise_project_id == v)
            && f[4].as_ref().is_none_or(|v| t.display_name.contains(v.as_str()))
    };
    let passing: Vec<&TopicRecord> = topics.iter().filter(|t| passes(t)).collect();
    let page = passing.iter().skip(input.query.offset).take(input.query.limit);
    Ok(Json(ListTopicsResponse {
        request_id: input.request_id,
        topic_count: passing.len() as i64,
        topics: page.map(|t| state.topic(&input.project, t)).collect(),
    }))
}

/// A topic named by the path's URN.
pub(crate) struct OnTopic {
    pub(super) topic: TopicRef,
    pub(super) request_id: String,
}

/// What the path gives, checked; the topic is resolved against the region by each handler.
pub(crate) struct TopicPath {
    project: String,
    urn: String,
    request_id: String,
}

impl Input for TopicPath {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        TopicPath::of(call)
    }
}

impl TopicPath {
    /// The path's parameters, taken (after their violations were reported).
    pub(super) fn of(call: &mut Call) -> Result<Self, ApiError> {
        Ok(TopicPath {
            project: call.project()?,
            urn: call.route.take("topic_urn")?,
            request_id: request_id(call),
        })
    }

    pub(super) fn topic(self, state: &State) -> Result<OnTopic, ApiError> {
        Ok(OnTopic { topic: TopicRef::of(state, &self.project, &self.urn)?, request_id: self.request_id })
    }
}

/// `GET /topics/{topic_urn}`.
pub(crate) async fn show(state: &State, input: TopicPath) -> Result<Json<TopicDetailsResponse>, ApiError> {
    let on = input.topic(state)?;
    let topic = state.store.topic(&on.topic.project, &on.topic.name).await.map_err(store_error)?;
    Ok(Json(TopicDetailsResponse {
        request_id: on.request_id,
        topic: state.topic(&on.topic.project, &topic),
    }))
}

/// `DELETE /topics/{topic_urn}`: the topic and its subscriptions; 200 with the request id.
pub(crate) async fn delete(state: &State, input: TopicPath) -> Result<Json<RequestIdResponse>, ApiError> {
    let on = input.topic(state)?;
    state.store.delete_topic(&on.topic.project, &on.topic.name).await.map_err(store_error)?;
    Ok(Json(RequestIdResponse { request_id: on.request_id }))
}

/// `PUT /topics/{topic_urn}`.
pub(crate) struct UpdateTopic {
    path: TopicPath,
    display_name: String,
}

impl Input for UpdateTopic {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), rules::parse_update_topic_body(&call.body))?;
        Ok(UpdateTopic { path: TopicPath::of(call)?, display_name: body.display_name })
    }
}

pub(crate) async fn update(state: &State, input: UpdateTopic) -> Result<Json<RequestIdResponse>, ApiError> {
    let OnTopic { topic, request_id } = input.path.topic(state)?;
    let now = state.clock.now_ms();
    state
        .store
        .update_topic(&topic.project, &topic.name, &input.display_name, now)
        .await
        .map_err(store_error)?;
    Ok(Json(RequestIdResponse { request_id }))
}

/// `GET /topics/{topic_urn}/attributes?name=`.
pub(crate) struct Attributes {
    path: TopicPath,
    name: Option<String>,
}

impl Input for Attributes {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let query = rules::parse_attributes_query(call.parts.uri.query());
        let name = together(call.path_violations(), query.map_err(Into::into))?;
        let path = TopicPath::of(call)?;
        Ok(Attributes { path, name })
    }
}

/// Both attributes (`""` when not set), or the one `name` asks for.
pub(crate) async fn attributes(
    state: &State,
    input: Attributes,
) -> Result<Json<ListTopicAttributesResponse>, ApiError> {
    let on = input.path.topic(state)?;
    let topic = state.store.topic(&on.topic.project, &on.topic.name).await.map_err(store_error)?;
    let value = |attribute: &str| {
        let wanted = input.name.as_deref().is_none_or(|n| n == attribute);
        wanted.then(|| topic.attributes.get(attribute).cloned().unwrap_or_default())
    };
    let times = topic.attributes_updated.map(smn_model::smn_time);
    let attributes = TopicAttributes {
        access_policy: value(ATTRIBUTE_NAMES[0]),
        introduction: value(ATTRIBUTE_NAMES[1]),
        create_time: times.clone(),
        update_time: times,
    };
    Ok(Json(ListTopicAttributesResponse { request_id: on.request_id, attributes }))
}

/// `PUT /topics/{topic_urn}/attributes/{name}`.
pub(crate) struct UpdateAttribute {
    path: TopicPath,
    name: String,
    value: String,
}

impl Input for UpdateAttribute {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let name = call.route.get("name").unwrap_or_default().to_owned();
        let body = together(call.path_violations(), rules::parse_topic_attribute_body(&name, &call.body))?;
        let path = TopicPath::of(call)?;
        Ok(UpdateAttribute { path, name, value: body.value })
    }
}

pub(crate) async fn update_attribute(
    state: &State,
    input: UpdateAttribute,
) -> Result<Json<RequestIdResponse>, ApiError> {
    let on = input.path.topic(state)?;
    let now = state.clock.now_ms();
    let set = state.store.set_topic_attribute(
        &on.topic.project,
        &on.topic.name,
        Some(input.name),
        Some(input.value),
        now,
    );
    set.await.map_err(store_error)?;
    Ok(Json(RequestIdResponse { request_id: on.request_id }))
}

/// `DELETE /topics/{topic_urn}/attributes[/{name}]`.
pub(crate) struct DeleteAttributes {
    path: TopicPath,
    name: Option<String>,
}

impl Input for DeleteAttributes {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        let name = call.route.get("name").map(str::to_owned);
        let path = TopicPath::of(call)?;
        Ok(DeleteAttributes { path, name })
    }
}

pub(crate) async fn delete_attributes(
    state: &State,
    input: DeleteAttributes,
) -> Result<Json<RequestIdResponse>, ApiError> {
    let on = input.path.topic(state)?;
    let now = state.clock.now_ms();
    let set = state.store.set_topic_attribute(&on.topic.project, &on.topic.name, input.name, None, now);
    set.await.map_err(store_error)?;
    Ok(Json(RequestIdResponse { request_id: on.request_id }))
}
