//! Keys: create-key, describe-key, list-keys, enable/disable-key, schedule/cancel-key-deletion,
//! update-key-alias/-description, the rotation settings, and key tags. Every success is 200 with a JSON
//! body (the Terraform provider accepts nothing else), tags' writes 204.

use csms_store::{KeyChange, KeyRecord, NewKey, TagAction};
use csms_validate::kms as rules;
use kms_model::limits::{LIST_LIMIT_MAX, SERVED_KEY_SPEC};
use kms_model::{
    BatchCreateKmsTagsRequestBody, CreateKeyRequestBody, CreateKeyResponse, CreateKmsTagRequestBody,
    CreatedKey, DescribeKeyResponse, KeyAliasInfo, KeyAliasResponse, KeyDescriptionInfo,
    KeyDescriptionResponse, KeyRotationStatusResponse, KeyStatusInfo, KeyStatusResponse, KmsResource, KmsTag,
    KmsTagValues, ListKeysRequestBody, ListKeysResponse, ListKmsByTagsRequestBody, ListKmsByTagsResponse,
    ListKmsTagsResponse, OperateKeyRequestBody, ScheduleKeyDeletionRequestBody, ShowKmsTagsResponse,
    UpdateKeyAliasRequestBody, UpdateKeyDescriptionRequestBody, UpdateKeyRotationIntervalRequestBody,
};

use super::{kms_input, store_error, together};
use crate::error::ApiError;
use crate::ops::{Call, Input, Json, NoContent, State};

kms_input!(
    /// `create-key`.
    CreateKey, CreateKey, CreateKeyRequestBody, rules::parse_create_key_body
);
kms_input!(
    /// `describe-key`.
    DescribeKey, ListKeyDetail, OperateKeyRequestBody, rules::parse_operate_key_body
);
kms_input!(
    /// `list-keys`.
    ListKeys, ListKeys, ListKeysRequestBody, rules::parse_list_keys_body
);
kms_input!(
    /// `enable-key`.
    EnableKey, EnableKey, OperateKeyRequestBody, rules::parse_operate_key_body
);
kms_input!(
    /// `disable-key`.
    DisableKey, DisableKey, OperateKeyRequestBody, rules::parse_operate_key_body
);
kms_input!(
    /// `schedule-key-deletion`.
    ScheduleDeletion, DeleteKey, ScheduleKeyDeletionRequestBody, rules::parse_schedule_deletion_body
);
kms_input!(
    /// `cancel-key-deletion`.
    CancelDeletion, CancelKeyDeletion, OperateKeyRequestBody, rules::parse_operate_key_body
);
kms_input!(
    /// `update-key-alias`.
    UpdateAlias, UpdateKeyAlias, UpdateKeyAliasRequestBody, rules::parse_update_alias_body
);
kms_input!(
    /// `update-key-description`.
    UpdateDescription, UpdateKeyDescription, UpdateKeyDescriptionRequestBody, rules::parse_update_description_body
);
kms_input!(
    /// `get-key-rotation-status`.
    RotationStatus, ShowKeyRotationStatus, OperateKeyRequestBody, rules::parse_operate_key_body
);
kms_input!(
    /// `enable-key-rotation`.
    EnableRotation, EnableKeyRotation, OperateKeyRequestBody, rules::parse_operate_key_body
);
kms_input!(
    /// `disable-key-rotation`.
    DisableRotation, DisableKeyRotation, OperateKeyRequestBody, rules::parse_operate_key_body
);
kms_input!(
    /// `update-key-rotation-interval`.
    RotationInterval, UpdateKeyRotationInterval, UpdateKeyRotationIntervalRequestBody,
    rules::parse_rotation_interval_body
);
kms_input!(
    /// `POST resource_instances/action`.
    ByTags, ListKmsByTags, ListKmsByTagsRequestBody, rules::parse_list_by_tags_body
);

/// Makes a key (enabled at once; an `external` one waits for its material, as upstream).
pub(crate) async fn create(state: &State, input: CreateKey) -> Result<Json<CreateKeyResponse>, ApiError> {
    let (project, body) = (input.0.project, input.0.body);
    let new = NewKey {
        alias: body.key_alias,
        description: body.key_description.unwrap_or_default(),
        spec: body.key_spec.unwrap_or_else(|| SERVED_KEY_SPEC.to_owned()),
        usage: body.key_usage.unwrap_or_else(|| "ENCRYPT_DECRYPT".to_owned()),
        origin: body.origin.unwrap_or_else(|| "kms".to_owned()),
        enterprise_project_id: body.enterprise_project_id.unwrap_or_else(|| "0".to_owned()),
    };
    let key = state.store.create_key(&project, new, state.clock.now_ms()).await.map_err(store_error)?;
    Ok(Json(CreateKeyResponse { key_info: CreatedKey { key_id: key.key_id, domain_id: project } }))
}

/// Describes a key.
pub(crate) async fn describe(
    state: &State,
    input: DescribeKey,
) -> Result<Json<DescribeKeyResponse>, ApiError> {
    let project = &input.0.project;
    let key = state.store.key(project, &input.0.body.key_id).await.map_err(store_error)?;
    Ok(Json(DescribeKeyResponse { key_info: state.key_details(project, &key) }))
}

/// The project's keys, oldest first, filtered by state and spec (`AES_256` unless asked otherwise; `ALL`
/// for every spec); `marker` is an offset, and `truncated` says whether more follow.
pub(crate) async fn list(state: &State, input: ListKeys) -> Result<Json<ListKeysResponse>, ApiError> {
    let (project, body) = (&input.0.project, input.0.body);
    let keys = state.store.keys(project).await.map_err(store_error)?;
    let spec = body.key_spec.unwrap_or_else(|| SERVED_KEY_SPEC.to_owned());
    let passing: Vec<KeyRecord> = keys
        .into_iter()
        .filter(|k| spec == "ALL" || k.spec == spec)
        .filter(|k| body.key_state.as_ref().is_none_or(|s| &k.state == s))
        .collect();
    let offset: usize = body.marker.as_deref().and_then(|m| m.parse().ok()).unwrap_or(0);
    let limit: usize = body.limit.as_deref().and_then(|l| l.parse().ok()).unwrap_or(LIST_LIMIT_MAX);
    let total = passing.len();
    let page: Vec<KeyRecord> = passing.into_iter().skip(offset).take(limit).collect();
    let next = offset + page.len();
    let truncated = next < total;
    Ok(Json(ListKeysResponse {
        keys: page.iter().map(|k| k.key_id.clone()).collect(),
        key_details: page.iter().map(|k| state.key_details(project, k)).collect(),
        next_marker: if truncated { next.to_string() } else { String::new() },
        truncated: truncated.to_string(),
        total: total as i32,
    }))
}

async fn change(state: &State, project: &str, id: &str, change: KeyChange) -> Result<KeyRecord, ApiError> {
    state.store.change_key(project, id, change, state.clock.now_ms()).await.map_err(store_error)
}

fn status(key: KeyRecord) -> Json<KeyStatusResponse> {
    Json(KeyStatusResponse { key_info: KeyStatusInfo { key_id: key.key_id, key_state: key.state } })
}

/// Enables a disabled key.
pub(crate) async fn enable(state: &State, input: EnableKey) -> Result<Json<KeyStatusResponse>, ApiError> {
    Ok(status(change(state, &input.0.project, &input.0.body.key_id, KeyChange::Enable).await?))
}

/// Disables an enabled key: what it sealed cannot be read until it is enabled again.
pub(crate) async fn disable(state: &State, input: DisableKey) -> Result<Json<KeyStatusResponse>, ApiError> {
    Ok(status(change(state, &input.0.project, &input.0.body.key_id, KeyChange::Disable).await?))
}

/// Schedules a key's deletion after `pending_days`: `{key_id, key_state: "4"}` at the top level.
pub(crate) async fn schedule_deletion(
    state: &State,
    input: ScheduleDeletion,
) -> Result<Json<KeyStatusInfo>, ApiError> {
    let body = input.0.body;
    let days = body.pending_days.parse().map_err(ApiError::internal)?;
    let key = change(state, &input.0.project, &body.key_id, KeyChange::ScheduleDeletion(days)).await?;
    Ok(Json(KeyStatusInfo { key_id: key.key_id, key_state: key.state }))
}

/// Cancels a scheduled deletion: the key is disabled (`"3"`).
pub(crate) async fn cancel_deletion(
    state: &State,
    input: CancelDeletion,
) -> Result<Json<KeyStatusInfo>, ApiError> {
    let key = change(state, &input.0.project, &input.0.body.key_id, KeyChange::CancelDeletion).await?;
    Ok(Json(KeyStatusInfo { key_id: key.key_id, key_state: key.state }))
}

/// Renames a key (unique in the project).
pub(crate) async fn update_alias(
    state: &State,
    input: UpdateAlias,
) -> Result<Json<KeyAliasResponse>, ApiError> {
    let body = input.0.body;
    let key = change(state, &input.0.project, &body.key_id, KeyChange::Alias(body.key_alias)).await?;
    Ok(Json(KeyAliasResponse { key_info: KeyAliasInfo { key_id: key.key_id, key_alias: key.alias } }))
}

/// Sets a key's description.
pub(crate) async fn update_description(
    state: &State,
    input: UpdateDescription,
) -> Result<Json<KeyDescriptionResponse>, ApiError> {
    let body = input.0.body;
    let key =
        change(state, &input.0.project, &body.key_id, KeyChange::Description(body.key_description)).await?;
    Ok(Json(KeyDescriptionResponse {
        key_info: KeyDescriptionInfo { key_id: key.key_id, key_description: key.description },
    }))
}

/// A key's rotation settings. The interval reads 0 while the rotation is off (it is kept, and shows
/// again once the rotation is on): the Terraform provider refuses to update a key whose state holds an
/// interval without the rotation.
pub(crate) async fn rotation_status(
    state: &State,
    input: RotationStatus,
) -> Result<Json<KeyRotationStatusResponse>, ApiError> {
    let key = state.store.key(&input.0.project, &input.0.body.key_id).await.map_err(store_error)?;
    Ok(Json(KeyRotationStatusResponse {
        key_rotation_enabled: key.rotation_enabled,
        rotation_interval: if key.rotation_enabled { key.rotation_interval } else { 0 },
        last_rotation_time: key.last_rotation.map(|t| t.to_string()).unwrap_or_default(),
        number_of_rotations: key.rotations,
        key_materials: vec![kms_model::KeyMaterial {
            material_id: key.key_id.clone(),
            create_time: key.created.to_string(),
            expiration_time: String::new(),
            state: 1,
            charge_id: String::new(),
        }],
    }))
}

/// The rotation calls answer `{}`: upstream's definitions give no body, and the provider decodes one.
#[derive(serde::Serialize)]
pub(crate) struct Empty {}

/// Turns rotation on.
pub(crate) async fn enable_rotation(state: &State, input: EnableRotation) -> Result<Json<Empty>, ApiError> {
    change(state, &input.0.project, &input.0.body.key_id, KeyChange::Rotation(true)).await?;
    Ok(Json(Empty {}))
}

/// Turns rotation off.
pub(crate) async fn disable_rotation(state: &State, input: DisableRotation) -> Result<Json<Empty>, ApiError> {
    change(state, &input.0.project, &input.0.body.key_id, KeyChange::Rotation(false)).await?;
    Ok(Json(Empty {}))
}

/// Sets the rotation interval.
pub(crate) async fn rotation_interval(
    state: &State,
    input: RotationInterval,
) -> Result<Json<Empty>, ApiError> {
    let body = input.0.body;
    change(state, &input.0.project, &body.key_id, KeyChange::RotationInterval(body.rotation_interval))
        .await?;
    Ok(Json(Empty {}))
}

/// The key of a tag operation's path (`{key_id}`).
pub(crate) struct OnKey {
    project: String,
    key_id: String,
}

impl Input for OnKey {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(kms_model::Operation::ShowKmsTags, call.path_violations(), Ok(()))?;
        Ok(OnKey { project: call.project()?, key_id: call.route.take("key_id")? })
    }
}

fn tag_list(key: &KeyRecord) -> Vec<KmsTag> {
    key.tags.iter().map(|(k, v)| KmsTag { key: k.clone(), value: v.clone() }).collect()
}

/// `GET {key_id}/tags`: `{"tags":[], "existTagsNum":0}` for a key without tags.
pub(crate) async fn tags(state: &State, input: OnKey) -> Result<Json<ShowKmsTagsResponse>, ApiError> {
    let key = state.store.key(&input.project, &input.key_id).await.map_err(store_error)?;
    let tags = tag_list(&key);
    Ok(Json(ShowKmsTagsResponse { exist_tags_num: tags.len() as i32, tags }))
}

impl OnKey {
    /// The key's path and the body, in the words of `op`.
    fn with<T>(
        call: &mut Call,
        op: kms_model::Operation,
        body: impl FnOnce(&[u8]) -> Result<T, csms_validate::Rejection>,
    ) -> Result<(Self, T), ApiError> {
        let body = together(op, call.path_violations(), body(&call.body))?;
        Ok((OnKey { project: call.project()?, key_id: call.route.take("key_id")? }, body))
    }
}

/// `POST {key_id}/tags`.
pub(crate) struct CreateTag {
    on: OnKey,
    body: CreateKmsTagRequestBody,
}

impl Input for CreateTag {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let (on, body) = OnKey::with(call, kms_model::Operation::CreateKmsTag, rules::parse_create_tag_body)?;
        Ok(CreateTag { on, body })
    }
}

/// Sets one tag: 204.
pub(crate) async fn create_tag(state: &State, input: CreateTag) -> Result<NoContent, ApiError> {
    let (on, tag) = (input.on, input.body.tag);
    let tags = vec![(tag.key, tag.value)];
    state
        .store
        .change_key_tags(&on.project, &on.key_id, TagAction::Create, tags)
        .await
        .map_err(store_error)?;
    Ok(NoContent)
}

/// `DELETE {key_id}/tags/{key}`: 204.
pub(crate) struct DeleteTag {
    on: OnKey,
    key: String,
}

impl Input for DeleteTag {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let on = OnKey::parse(call)?;
        Ok(DeleteTag { on, key: call.tag_key()? })
    }
}

pub(crate) async fn delete_tag(state: &State, input: DeleteTag) -> Result<NoContent, ApiError> {
    let on = input.on;
    state.store.delete_key_tag(&on.project, &on.key_id, &input.key).await.map_err(store_error)?;
    Ok(NoContent)
}

/// `POST {key_id}/tags/action`.
pub(crate) struct BatchTags {
    on: OnKey,
    body: BatchCreateKmsTagsRequestBody,
}

impl Input for BatchTags {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let (on, body) =
            OnKey::with(call, kms_model::Operation::BatchCreateKmsTags, rules::parse_batch_tags_body)?;
        Ok(BatchTags { on, body })
    }
}

/// Sets or removes several tags: 204.
pub(crate) async fn batch_tags(state: &State, input: BatchTags) -> Result<NoContent, ApiError> {
    let (key_id, project, body) = (input.on.key_id, input.on.project, input.body);
    let action = if body.action == "delete" { TagAction::Delete } else { TagAction::Create };
    let tags = body.tags.into_iter().map(|t| (t.key, t.value)).collect();
    state.store.change_key_tags(&project, &key_id, action, tags).await.map_err(store_error)?;
    Ok(NoContent)
}

/// `GET tags`.
pub(crate) struct ProjectTags {
    project: String,
}

impl Input for ProjectTags {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(kms_model::Operation::ListKmsTags, call.path_violations(), Ok(()))?;
        Ok(ProjectTags { project: call.project()? })
    }
}

/// Every tag key of the project's keys, with its values.
pub(crate) async fn project_tags(
    state: &State,
    input: ProjectTags,
) -> Result<Json<ListKmsTagsResponse>, ApiError> {
    let tags = state.store.key_project_tags(&input.project).await.map_err(store_error)?;
    Ok(Json(ListKmsTagsResponse {
        tags: tags.into_iter().map(|(key, values)| KmsTagValues { key, values }).collect(),
    }))
}

/// The keys carrying every tag of `tags` (a key with one of its values), and whose alias contains each of
/// `matches`' values; `count` answers only the total.
pub(crate) async fn by_tags(state: &State, input: ByTags) -> Result<Json<ListKmsByTagsResponse>, ApiError> {
    let (project, body) = (&input.0.project, input.0.body);
    let keys = state.store.keys(project).await.map_err(store_error)?;
    let matching: Vec<&KeyRecord> = keys
        .iter()
        .filter(|k| {
            body.tags
                .iter()
                .flatten()
                .all(|f| k.tags.get(&f.key).is_some_and(|v| f.values.is_empty() || f.values.contains(v)))
                && body.matches.iter().flatten().all(|m| k.alias.contains(m.value.as_str()))
        })
        .collect();
    let total_count = matching.len() as i32;
    if body.action.as_deref() == Some("count") {
        return Ok(Json(ListKmsByTagsResponse { resources: Vec::new(), total_count }));
    }
    let offset = body.offset.as_deref().and_then(|o| o.parse().ok()).unwrap_or(0);
    let limit = body.limit.as_deref().and_then(|l| l.parse().ok()).unwrap_or(LIST_LIMIT_MAX);
    let resources = matching
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|k| KmsResource {
            resource_id: k.key_id.clone(),
            resource_name: k.alias.clone(),
            resource_detail: state.key_details(project, k),
            tags: tag_list(k),
        })
        .collect();
    Ok(Json(ListKmsByTagsResponse { resources, total_count }))
}
