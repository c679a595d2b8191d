//! Topics (CreateTopic, ListTopics, ListTopicDetails, UpdateTopic, DeleteTopic), their attributes, and
//! their tags (by `topic_id`, or by name with `X-SMN-RESOURCEID-TYPE: name`).

use std::collections::BTreeMap;

use csms_store::{TagAction, TopicRecord};
use csms_validate::smn as rules;
use http::StatusCode;
use smn_model::limits::ATTRIBUTE_NAMES;
use smn_model::{
    CreateTopicResponse, ListInstancesRequestBody, ListProjectTagsResponse, ListResourceTagsResponse,
    ListTopicAttributesResponse, ListTopicsResponse, ProjectTag, RequestIdResponse, ResourceDetail,
    ResourceTag, TagResource, TopicAttributes, TopicDetailsResponse,
};

use super::{TopicRef, request_id, store_error, together};
use crate::error::ApiError;
use crate::ops::{Call, Input, Json, JsonStatus, NoContent, State};

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

/// The topic of a tag operation: `{resource_id}` is its `topic_id`, or its name with
/// `X-SMN-RESOURCEID-TYPE: name`.
pub(crate) struct OnTags {
    project: String,
    resource: String,
    by_name: bool,
}

impl OnTags {
    fn of(call: &mut Call) -> Result<Self, ApiError> {
        let by_name = call
            .parts
            .headers
            .get("x-smn-resourceid-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("name"));
        Ok(OnTags { project: call.project()?, resource: call.route.take("resource_id")?, by_name })
    }
}

impl Input for OnTags {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        OnTags::of(call)
    }
}

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<ResourceTag> {
    tags.iter().map(|(key, value)| ResourceTag { key: key.clone(), value: value.clone() }).collect()
}

/// `GET /{resource_type}/{resource_id}/tags`.
pub(crate) async fn tags(state: &State, input: OnTags) -> Result<Json<ListResourceTagsResponse>, ApiError> {
    let topic = state.store.tagged_topic(&input.project, &input.resource, input.by_name).await;
    let topic = topic.map_err(store_error)?;
    Ok(Json(ListResourceTagsResponse { tags: tag_list(&topic.tags) }))
}

/// `POST /{resource_type}/{resource_id}/tags`.
pub(crate) struct CreateTag {
    on: OnTags,
    tag: ResourceTag,
}

impl Input for CreateTag {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), rules::parse_resource_tag_body(&call.body))?;
        Ok(CreateTag { on: OnTags::of(call)?, tag: body.tag })
    }
}

/// Sets one tag: 204.
pub(crate) async fn create_tag(state: &State, input: CreateTag) -> Result<NoContent, ApiError> {
    let CreateTag { on, tag } = input;
    let tags = vec![(tag.key, tag.value)];
    let changed =
        state.store.change_topic_tags(&on.project, &on.resource, on.by_name, TagAction::Create, tags, false);
    changed.await.map_err(store_error)?;
    Ok(NoContent)
}

/// `DELETE /{resource_type}/{resource_id}/tags/{key}`.
pub(crate) struct DeleteTag {
    on: OnTags,
    key: String,
}

impl Input for DeleteTag {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        Ok(DeleteTag { key: call.tag_key()?, on: OnTags::of(call)? })
    }
}

/// Removes one tag (a key the topic does not carry is refused): 204.
pub(crate) async fn delete_tag(state: &State, input: DeleteTag) -> Result<NoContent, ApiError> {
    let DeleteTag { on, key } = input;
    let tags = vec![(key, String::new())];
    let changed =
        state.store.change_topic_tags(&on.project, &on.resource, on.by_name, TagAction::Delete, tags, true);
    changed.await.map_err(store_error)?;
    Ok(NoContent)
}

/// `POST /{resource_type}/{resource_id}/tags/action`.
pub(crate) struct BatchTags {
    on: OnTags,
    body: smn_model::BatchResourceTagsRequestBody,
}

impl Input for BatchTags {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), rules::parse_batch_resource_tags_body(&call.body))?;
        Ok(BatchTags { on: OnTags::of(call)?, body })
    }
}

/// Sets or removes several tags (removing a key the topic does not carry is passed over): 204.
pub(crate) async fn batch_tags(state: &State, input: BatchTags) -> Result<NoContent, ApiError> {
    let BatchTags { on, body } = input;
    let action = if body.action == "delete" { TagAction::Delete } else { TagAction::Create };
    let tags = body.tags.into_iter().map(|t| (t.key, t.value)).collect();
    let changed = state.store.change_topic_tags(&on.project, &on.resource, on.by_name, action, tags, false);
    changed.await.map_err(store_error)?;
    Ok(NoContent)
}

/// `GET /{resource_type}/tags`.
pub(crate) struct ProjectTags {
    project: String,
}

impl Input for ProjectTags {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        Ok(ProjectTags { project: call.project()? })
    }
}

/// Every tag key of the project's topics, with its values.
pub(crate) async fn project_tags(
    state: &State,
    input: ProjectTags,
) -> Result<Json<ListProjectTagsResponse>, ApiError> {
    let topics = state.store.topics(&input.project).await.map_err(store_error)?;
    let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, value) in topics.iter().flat_map(|t| t.tags.iter()) {
        let values = keys.entry(key.clone()).or_default();
        if !values.contains(value) {
            values.push(value.clone());
        }
    }
    let tags = keys.into_iter().map(|(key, values)| ProjectTag { key, values }).collect();
    Ok(Json(ListProjectTagsResponse { tags }))
}

/// `POST /{resource_type}/resource_instances/action`.
pub(crate) struct Instances {
    project: String,
    body: ListInstancesRequestBody,
}

impl Input for Instances {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), rules::parse_instances_body(&call.body))?;
        Ok(Instances { project: call.project()?, body })
    }
}

/// Whether `tags` carries a key of `filter` with one of its values (any value when it lists none).
fn carries(tags: &BTreeMap<String, String>, filter: &ProjectTag) -> bool {
    tags.get(&filter.key).is_some_and(|v| filter.values.is_empty() || filter.values.contains(v))
}

/// The topics that match every filter: `tags` (all), `tags_any` (one), `not_tags` (not all), `not_tags_any`
/// (none), `without_any_tag`, and `matches` on the name (a substring); `count` answers only the total.
pub(crate) async fn instances(
    state: &State,
    input: Instances,
) -> Result<Json<smn_model::ListInstancesResponse>, ApiError> {
    let body = input.body;
    let topics = state.store.topics(&input.project).await.map_err(store_error)?;
    let none = Vec::new();
    let matching: Vec<&TopicRecord> = topics
        .iter()
        .filter(|t| {
            let tags = &t.tags;
            body.tags.as_ref().unwrap_or(&none).iter().all(|f| carries(tags, f))
                && body
                    .tags_any
                    .as_ref()
                    .is_none_or(|any| any.is_empty() || any.iter().any(|f| carries(tags, f)))
                && body
                    .not_tags
                    .as_ref()
                    .is_none_or(|all| all.is_empty() || !all.iter().all(|f| carries(tags, f)))
                && !body.not_tags_any.as_ref().unwrap_or(&none).iter().any(|f| carries(tags, f))
                && (body.without_any_tag != Some(true) || tags.is_empty())
                && body.matches.iter().flatten().all(|m| t.name.contains(m.value.as_str()))
        })
        .collect();
    let total_count = matching.len() as i32;
    if body.action == "count" {
        return Ok(Json(smn_model::ListInstancesResponse { resources: Vec::new(), total_count }));
    }
    let offset = body.offset.as_deref().and_then(|o| o.parse().ok()).unwrap_or(0);
    let limit = body.limit.as_deref().and_then(|l| l.parse().ok()).unwrap_or(1000);
    let resources = matching
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|t| TagResource {
            resource_id: t.topic_id.clone(),
            resource_name: t.name.clone(),
            resource_detail: ResourceDetail {
                detail_id: state.topic_urn(&input.project, &t.name),
                display_name: t.display_name.clone(),
                enterprise_project_id: t.enterprise_project_id.clone(),
                topic_urn: state.topic_urn(&input.project, &t.name),
            },
            tags: tag_list(&t.tags),
        })
        .collect();
    Ok(Json(smn_model::ListInstancesResponse { resources, total_count }))
}
