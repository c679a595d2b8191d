//! Tags (ListSecretTags, CreateSecretTag, DeleteSecretTag, BatchCreateOrDeleteTags,
//! ListProjectSecretsTags) and the search of secrets by tag (ListResourceInstances). Tags are addressed by
//! the secret's id, not its name, and go with the secret.

use csms_model::limits::{self, RESOURCE_LIMIT_DEFAULT};
use csms_model::{
    BatchCreateOrDeleteTagsRequestBody, CreateSecretTagRequestBody, ListProjectSecretsTagsResponse,
    ListResourceInstancesRequestBody, ListSecretTagsResponse, TagItem,
};
use csms_store::{TagAction, TagQuery};

use super::{Call, Input, Json, NoContent, RawJson, State, together};
use crate::error::ApiError;

/// The path of an operation on one secret's tags, validated.
pub(crate) struct OnTags {
    project: String,
    id: String,
}

impl OnTags {
    fn of(call: &mut Call) -> Result<Self, ApiError> {
        Ok(OnTags { project: call.project()?, id: call.secret_id()? })
    }
}

impl Input for OnTags {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        OnTags::of(call)
    }
}

/// `GET /csms/{secret_id}/tags`.
pub(crate) async fn list(state: &State, input: OnTags) -> Result<Json<ListSecretTagsResponse>, ApiError> {
    let tags = state.store.tags(&input.project, &input.id).await;
    let tags = tags.map_err(|e| ApiError::secret_by_id(e, &input.id))?;
    Ok(Json(ListSecretTagsResponse { tags, sys_tags: Vec::new() }))
}

/// `POST /csms/{secret_id}/tags`.
pub(crate) struct CreateTag {
    on: OnTags,
    tag: TagItem,
}

impl Input for CreateTag {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body: CreateSecretTagRequestBody =
            together(call.path_violations(), csms_validate::parse_create_tag_body(&call.body))?;
        Ok(CreateTag { on: OnTags::of(call)?, tag: body.tag })
    }
}

/// Sets one tag (a key already set takes the new value): 204.
pub(crate) async fn create(state: &State, input: CreateTag) -> Result<NoContent, ApiError> {
    let CreateTag { on, tag } = input;
    let changed = state.store.change_tags(&on.project, &on.id, TagAction::Create, vec![tag]).await;
    changed.map_err(|e| ApiError::secret_by_id(e, &on.id))?;
    Ok(NoContent)
}

/// `DELETE /csms/{secret_id}/tags/{key}`.
pub(crate) struct DeleteTag {
    on: OnTags,
    key: String,
}

impl Input for DeleteTag {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        let key = call.tag_key()?;
        Ok(DeleteTag { on: OnTags::of(call)?, key })
    }
}

/// Removes one tag: 204, or 404 when the secret has no tag of that key.
pub(crate) async fn delete(state: &State, input: DeleteTag) -> Result<NoContent, ApiError> {
    let DeleteTag { on, key } = input;
    state.store.delete_tag(&on.project, &on.id, &key).await.map_err(|e| ApiError::secret_by_id(e, &on.id))?;
    Ok(NoContent)
}

/// `POST /csms/{secret_id}/tags/action`.
pub(crate) struct BatchTags {
    on: OnTags,
    body: BatchCreateOrDeleteTagsRequestBody,
}

impl Input for BatchTags {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_batch_tags_body(&call.body))?;
        Ok(BatchTags { on: OnTags::of(call)?, body })
    }
}

/// Sets (`create`) or removes (`delete`, a key not set is passed over) every tag at once: 204.
pub(crate) async fn batch(state: &State, input: BatchTags) -> Result<NoContent, ApiError> {
    let BatchTags { on, body } = input;
    // The rules admit `create` and `delete` only.
    let action = if body.action == limits::TAG_ACTIONS[1] { TagAction::Delete } else { TagAction::Create };
    let changed = state.store.change_tags(&on.project, &on.id, action, body.tags).await;
    changed.map_err(|e| ApiError::secret_by_id(e, &on.id))?;
    Ok(NoContent)
}

/// The project of a project-wide call, validated.
pub(crate) struct OnProject {
    pub(crate) project: String,
}

impl Input for OnProject {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        Ok(OnProject { project: call.project()? })
    }
}

/// `GET /csms/tags`: every key used in the project, with its values.
pub(crate) async fn project_tags(
    state: &State,
    input: OnProject,
) -> Result<Json<ListProjectSecretsTagsResponse>, ApiError> {
    let tags = state.store.project_tags(&input.project).await.map_err(ApiError::internal)?;
    Ok(Json(ListProjectSecretsTagsResponse { tags }))
}

/// `POST /csms/resource_instances/action`.
pub(crate) struct FindByTags {
    project: String,
    body: ListResourceInstancesRequestBody,
}

impl Input for FindByTags {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body =
            together(call.path_violations(), csms_validate::parse_resource_instances_body(&call.body))?;
        Ok(FindByTags { project: call.project()?, body })
    }
}

/// `filter`: a page of the secrets found, and how many there are; `count`: only how many. An offset past
/// the end is an empty page.
pub(crate) async fn resource_instances(state: &State, input: FindByTags) -> Result<RawJson, ApiError> {
    let FindByTags { project, body } = input;
    let count_only = body.action == limits::RESOURCE_ACTIONS[1];
    // The rules checked both counts.
    let limit = body.limit.as_ref().and_then(|c| c.value()).unwrap_or(RESOURCE_LIMIT_DEFAULT);
    let offset = body.offset.as_ref().and_then(|c| c.value()).unwrap_or(0);
    let query = TagQuery {
        tags: body.tags.unwrap_or_default(),
        matches: body.matches.unwrap_or_default(),
        offset: offset as usize,
        limit: if count_only { 0 } else { limit as usize },
    };
    // Written by the store where it searched (off the runtime's threads): exactly what
    // `ListResourceInstancesResponse` serialises to.
    let body = state.store.find_by_tags_response(&project, query).await.map_err(ApiError::internal)?;
    Ok(RawJson(body))
}
