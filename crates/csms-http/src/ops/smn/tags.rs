//! Topic tags (ListResourceTags, CreateResourceTag, DeleteResourceTag, BatchCreateOrDeleteResourceTags,
//! ListProjectTags) and the search of topics by tag (ListResourceInstances): a topic is named by its
//! `topic_id`, or by its name with `X-SMN-RESOURCEID-TYPE: name`.

use std::collections::BTreeMap;

use csms_store::{TagAction, TopicRecord};
use csms_validate::smn as rules;
use smn_model::{
    ListInstancesRequestBody, ListProjectTagsResponse, ListResourceTagsResponse, ProjectTag, ResourceDetail,
    ResourceTag, TagResource,
};

use super::{store_error, together};
use crate::error::ApiError;
use crate::ops::{Call, Input, Json, NoContent, State};

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
