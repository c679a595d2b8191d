//! The secret resource: secrets (CreateSecret, ListSecrets, ShowSecret, UpdateSecret, DeleteSecret, the
//! scheduled deletion and its cancel) and their versions (CreateSecretVersion, ListSecretVersions,
//! ShowSecretVersion, UpdateVersion). A value leaves only in ShowSecretVersion's, BatchGetSecretValue's and
//! (sealed) DownloadSecretBlob's responses, each marked `Cache-Control: no-store`.

use csms_model::{
    CreateSecretRequestBody, CreateSecretVersionRequestBody, ErrorCode, ListSecretTaskResponse,
    ListSecretVersionsResponse, ListSecretsResponse, PageInfo, RotateSecretResponse, Secret, SecretResponse,
    SecretType, ShowSecretVersionResponse, UpdateSecretRequestBody, VersionMetadata, VersionMetadataResponse,
};
use csms_store::{NewVersion, Origin, Payload, TaskFilter};
use csms_validate::SecretListQuery;

use super::{Call, Input, Json, NoContent, NoStore, State, together};
use crate::error::ApiError;

/// The value of a body that carries exactly one (the rules checked it).
fn payload(string: Option<csms_model::SecretValue>, binary: Option<csms_model::SecretValue>) -> Payload {
    match (string, binary) {
        (Some(value), _) => Payload::String(value),
        (None, Some(value)) => Payload::Binary(value),
        (None, None) => Payload::String(csms_model::SecretValue::new("")),
    }
}

/// A secret in its response.
pub(crate) fn secret(secret: Secret) -> Json<SecretResponse> {
    Json(SecretResponse { secret })
}

/// The path of an operation on one secret, validated, and the request's id.
pub(crate) struct OnSecret {
    pub(crate) project: String,
    pub(crate) name: String,
    pub(crate) request_id: Option<String>,
}

impl OnSecret {
    pub(crate) fn of(call: &mut Call) -> Result<Self, ApiError> {
        Ok(OnSecret { project: call.project()?, name: call.secret_name()?, request_id: call.request_id() })
    }
}

impl Input for OnSecret {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        OnSecret::of(call)
    }
}

/// `POST /secrets`.
pub(crate) struct CreateSecret {
    project: String,
    body: CreateSecretRequestBody,
    request_id: Option<String>,
}

impl Input for CreateSecret {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_create_secret_body(&call.body))?;
        Ok(CreateSecret { project: call.project()?, body, request_id: call.request_id() })
    }
}

pub(crate) async fn create(state: &State, input: CreateSecret) -> Result<Json<SecretResponse>, ApiError> {
    Ok(secret(create_one(state, &input.project, input.body, input.request_id).await?))
}

/// Refuses scheduled rotation of a secret this server does not rotate: COMMON secrets rotate only with
/// `--rotate-common`, as for RotateSecret.
fn check_rotatable(
    state: &State,
    secret_type: &SecretType,
    auto_rotation: Option<bool>,
) -> Result<(), ApiError> {
    if auto_rotation == Some(true) && *secret_type == SecretType::Common && !state.rotate_common {
        return Err(ApiError::new(ErrorCode::InvalidParameter, COMMON_NOT_ROTATED));
    }
    Ok(())
}

const COMMON_NOT_ROTATED: &str = "COMMON secrets are not rotated (as upstream); start the server with \
                                  --rotate-common to rotate them with random values.";

/// CreateSecret's work, shared with BatchImportSecrets: one secret, created in one transaction.
pub(crate) async fn create_one(
    state: &State,
    project: &str,
    body: CreateSecretRequestBody,
    request_id: Option<String>,
) -> Result<Secret, ApiError> {
    let now = state.clock.now_ms();
    let CreateSecretRequestBody {
        name,
        kms_key_id,
        description,
        secret_binary,
        secret_string,
        secret_type,
        auto_rotation,
        rotation_period,
        rotation_config,
        event_subscriptions,
        enterprise_project_id,
        rotation_func_urn,
    } = body;
    let secret_type = secret_type.unwrap_or(SecretType::Common);
    check_rotatable(state, &secret_type, auto_rotation)?;
    let new = Secret {
        kms_key_id,
        description,
        secret_type,
        auto_rotation,
        rotation_period,
        rotation_config,
        event_subscriptions: event_subscriptions.unwrap_or_default(),
        enterprise_project_id,
        rotation_func_urn,
        ..Secret::new(uuid::Uuid::new_v4().hyphenated().to_string(), name, now)
    };
    let name = new.name.clone();
    state
        .store
        .create_secret(
            project,
            new,
            payload(secret_string, secret_binary),
            state.secret_quota,
            Origin::new(now, request_id),
        )
        .await
        .map_err(|e| ApiError::secret(e, &name, None))
}

/// `GET /secrets?limit=&marker=&event_name=`.
pub(crate) struct ListSecrets {
    project: String,
    query: SecretListQuery,
}

impl Input for ListSecrets {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let query = together(
            call.path_violations(),
            csms_validate::parse_secret_list_query(call.parts.uri.query()).map_err(Into::into),
        )?;
        Ok(ListSecrets { project: call.project()?, query })
    }
}

pub(crate) async fn list(state: &State, input: ListSecrets) -> Result<Json<ListSecretsResponse>, ApiError> {
    let SecretListQuery { page, event_name } = input.query;
    let limit = page.limit as usize;
    // One more than the page, to know whether another page follows.
    let mut secrets = state
        .store
        .list_secrets(&input.project, page.marker.as_deref(), limit + 1, event_name.as_deref())
        .await
        .map_err(ApiError::internal)?;
    let more = secrets.len() > limit;
    secrets.truncate(limit);
    let page_info = PageInfo {
        next_marker: more.then(|| secrets.last().map(|s| s.name.clone())).flatten(),
        previous_marker: secrets.first().map(|s| s.name.clone()),
        current_count: secrets.len() as i32,
    };
    Ok(Json(ListSecretsResponse { secrets, page_info }))
}

/// `GET /secrets/{secret_name}`.
pub(crate) async fn show(state: &State, input: OnSecret) -> Result<Json<SecretResponse>, ApiError> {
    let found = state.store.secret(&input.project, &input.name).await;
    Ok(secret(found.map_err(|e| ApiError::secret(e, &input.name, None))?))
}

/// `PUT /secrets/{secret_name}`.
pub(crate) struct UpdateSecret {
    on: OnSecret,
    patch: UpdateSecretRequestBody,
}

impl Input for UpdateSecret {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let patch = together(call.path_violations(), csms_validate::parse_update_secret_body(&call.body))?;
        Ok(UpdateSecret { on: OnSecret::of(call)?, patch })
    }
}

pub(crate) async fn update(state: &State, input: UpdateSecret) -> Result<Json<SecretResponse>, ApiError> {
    let UpdateSecret { on, patch } = input;
    if patch.auto_rotation == Some(true) {
        let found = state.store.secret(&on.project, &on.name).await;
        let found = found.map_err(|e| ApiError::secret(e, &on.name, None))?;
        check_rotatable(state, &found.secret_type, patch.auto_rotation)?;
    }
    let updated = state.store.update_secret(&on.project, &on.name, patch, state.clock.now_ms()).await;
    Ok(secret(updated.map_err(|e| ApiError::secret(e, &on.name, None))?))
}

/// `DELETE /secrets/{secret_name}`: the secret and every version, at once.
pub(crate) async fn delete(state: &State, input: OnSecret) -> Result<NoContent, ApiError> {
    state
        .store
        .delete_secret(&input.project, &input.name, state.origin(input.request_id))
        .await
        .map_err(|e| ApiError::secret(e, &input.name, None))?;
    Ok(NoContent)
}

/// `POST /secrets/{secret_name}/scheduled-deleted-tasks/create`.
pub(crate) struct ScheduleDeletion {
    on: OnSecret,
    days: i64,
}

impl Input for ScheduleDeletion {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_schedule_deletion_body(&call.body))?;
        let on = OnSecret::of(call)?;
        Ok(ScheduleDeletion { on, days: body.recovery_window_in_days })
    }
}

pub(crate) async fn schedule_deletion(
    state: &State,
    input: ScheduleDeletion,
) -> Result<Json<SecretResponse>, ApiError> {
    let ScheduleDeletion { on, days } = input;
    let now = state.clock.now_ms();
    let scheduled = state
        .store
        .schedule_secret_deletion(&on.project, &on.name, now + days * csms_model::limits::MS_PER_DAY, now)
        .await;
    Ok(secret(scheduled.map_err(|e| ApiError::secret(e, &on.name, None))?))
}

/// `POST /secrets/{secret_name}/scheduled-deleted-tasks/cancel` (a body, if any, is not read).
pub(crate) async fn restore(state: &State, input: OnSecret) -> Result<Json<SecretResponse>, ApiError> {
    let restored = state.store.restore_secret(&input.project, &input.name, state.clock.now_ms()).await;
    Ok(secret(restored.map_err(|e| ApiError::secret(e, &input.name, None))?))
}

/// `POST /secrets/{secret_name}/versions`.
pub(crate) struct CreateVersion {
    on: OnSecret,
    body: CreateSecretVersionRequestBody,
}

impl Input for CreateVersion {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_create_version_body(&call.body))?;
        Ok(CreateVersion { on: OnSecret::of(call)?, body })
    }
}

fn version_metadata(version_metadata: VersionMetadata) -> Json<VersionMetadataResponse> {
    Json(VersionMetadataResponse { version_metadata })
}

pub(crate) async fn create_version(
    state: &State,
    input: CreateVersion,
) -> Result<Json<VersionMetadataResponse>, ApiError> {
    let CreateVersion { on, body } = input;
    let CreateSecretVersionRequestBody { secret_binary, secret_string, version_stages, expire_time } = body;
    let new = NewVersion { version_stages, expire_time };
    let created = state
        .store
        .create_version(
            &on.project,
            &on.name,
            payload(secret_string, secret_binary),
            new,
            state.origin(on.request_id.clone()),
        )
        .await;
    let created = created.map_err(|e| ApiError::secret(e, &on.name, None))?;
    Ok(version_metadata(created))
}

/// `GET /secrets/{secret_name}/versions?limit=&marker=`.
pub(crate) struct ListVersions {
    on: OnSecret,
    limit: u32,
    after: Option<i64>,
}

impl Input for ListVersions {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let (limit, after) = together(
            call.path_violations(),
            csms_validate::parse_version_list_query(call.parts.uri.query()).map_err(Into::into),
        )?;
        Ok(ListVersions { on: OnSecret::of(call)?, limit, after })
    }
}

pub(crate) async fn list_versions(
    state: &State,
    input: ListVersions,
) -> Result<Json<ListSecretVersionsResponse>, ApiError> {
    let ListVersions { on, limit, after } = input;
    let limit = limit as usize;
    let mut versions = state
        .store
        .list_versions(&on.project, &on.name, after, limit + 1)
        .await
        .map_err(|e| ApiError::secret(e, &on.name, None))?;
    let more = versions.len() > limit;
    versions.truncate(limit);
    let page_info = PageInfo {
        next_marker: more.then(|| versions.last().map(|v| v.id.clone())).flatten(),
        previous_marker: versions.first().map(|v| v.id.clone()),
        current_count: versions.len() as i32,
    };
    Ok(Json(ListSecretVersionsResponse { version_metadatas: versions, page_info }))
}

/// The path of an operation on one version, validated.
pub(crate) struct OnVersion {
    on: OnSecret,
    id: String,
}

impl Input for OnVersion {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        let on = OnSecret::of(call)?;
        Ok(OnVersion { on, id: call.version_id()? })
    }
}

/// `GET /secrets/{secret_name}/versions/{version_id}` (`latest`: the SYSCURRENT version).
pub(crate) async fn show_version(
    state: &State,
    input: OnVersion,
) -> Result<NoStore<ShowSecretVersionResponse>, ApiError> {
    let OnVersion { on, id } = input;
    let version = state
        .store
        .version(&on.project, &on.name, &id)
        .await
        .map_err(|e| ApiError::secret(e, &on.name, Some(&id)))?;
    Ok(NoStore(ShowSecretVersionResponse { version }))
}

/// `PUT /secrets/{secret_name}/versions/{version_id}`.
pub(crate) struct UpdateVersion {
    version: OnVersion,
    expire_time: i64,
}

impl Input for UpdateVersion {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_update_version_body(&call.body))?;
        let on = OnSecret::of(call)?;
        let version = OnVersion { on, id: call.version_id()? };
        // The rules make `expire_time` required.
        Ok(UpdateVersion { version, expire_time: body.expire_time.unwrap_or_default() })
    }
}

pub(crate) async fn update_version(
    state: &State,
    input: UpdateVersion,
) -> Result<Json<VersionMetadataResponse>, ApiError> {
    let UpdateVersion { version: OnVersion { on, id }, expire_time } = input;
    let updated = state
        .store
        .update_version(&on.project, &on.name, &id, expire_time, state.origin(on.request_id.clone()))
        .await
        .map_err(|e| ApiError::secret(e, &on.name, Some(&id)))?;
    Ok(version_metadata(updated))
}

/// `POST /secrets/{secret_name}/rotate`: a task that makes the next version, run by the worker.
pub(crate) async fn rotate(state: &State, input: OnSecret) -> Result<Json<RotateSecretResponse>, ApiError> {
    let found = state.store.secret(&input.project, &input.name).await;
    let found = found.map_err(|e| ApiError::secret(e, &input.name, None))?;
    check_rotatable(state, &found.secret_type, Some(true))?;
    let task_id = uuid::Uuid::new_v4().hyphenated().to_string();
    let (task, version_id) = state
        .store
        .create_task(&input.project, &input.name, task_id, state.origin(input.request_id))
        .await
        .map_err(|e| ApiError::secret(e, &input.name, None))?;
    Ok(Json(RotateSecretResponse {
        version_id,
        secret_name: task.secret_name,
        rotation_task_id: task.task_id,
    }))
}

/// `GET /csms/tasks?secret_name=&status=&task_id=&limit=&marker=`.
pub(crate) struct ListTasks {
    project: String,
    limit: u32,
    filter: TaskFilter,
}

impl Input for ListTasks {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let query = together(
            call.path_violations(),
            csms_validate::parse_task_list_query(call.parts.uri.query()).map_err(Into::into),
        )?;
        let filter = TaskFilter {
            secret_name: query.secret_name,
            status: query.status,
            task_id: query.task_id,
            after: query.marker,
        };
        Ok(ListTasks { project: call.project()?, limit: query.limit, filter })
    }
}

pub(crate) async fn list_tasks(
    state: &State,
    input: ListTasks,
) -> Result<Json<ListSecretTaskResponse>, ApiError> {
    let limit = input.limit as usize;
    let (mut tasks, total) =
        state.store.tasks(&input.project, input.filter, limit + 1).await.map_err(ApiError::internal)?;
    let more = tasks.len() > limit;
    tasks.truncate(limit);
    let next_marker = more.then(|| tasks.last().map(|t| t.task_id.clone())).flatten();
    Ok(Json(ListSecretTaskResponse { tasks, total: total as i64, next_marker }))
}
