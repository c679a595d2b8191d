//! Backup and restore (DownloadSecretBlob, UploadSecretBlob): a secret with all its versions, sealed
//! under the master key for its project. The blob is opaque to the caller; neither it nor the values
//! in it are logged.

use csms_model::{SecretBlobResponse, SecretResponse, SecretValue};

use super::secrets::{OnSecret, secret};
use super::{Call, Input, Json, NoStore, State, together};
use crate::error::ApiError;

/// `POST /secrets/{secret_name}/backup` (a body, if any, is not read).
pub(crate) async fn download(
    state: &State,
    input: OnSecret,
) -> Result<NoStore<SecretBlobResponse>, ApiError> {
    let blob = state.store.backup_secret(&input.project, &input.name).await;
    let blob = blob.map_err(|e| ApiError::secret(e, &input.name, None))?;
    Ok(NoStore(SecretBlobResponse { secret_blob: SecretValue::new(blob) }))
}

/// `POST /secrets/restore`.
pub(crate) struct Upload {
    project: String,
    blob: SecretValue,
}

impl Input for Upload {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_blob_body(&call.body))?;
        Ok(Upload { project: call.project()?, blob: body.secret_blob })
    }
}

/// Restores the secret of a blob, if its name is free: its metadata in the answer, never a value.
pub(crate) async fn upload(state: &State, input: Upload) -> Result<Json<SecretResponse>, ApiError> {
    let now = state.clock.now_ms();
    let restored =
        state.store.restore_secret_blob(&input.project, input.blob.expose(), state.secret_quota, now).await;
    let restored = restored.map_err(|e| match e {
        csms_store::StoreError::AlreadyExists => ApiError::new(
            csms_model::ErrorCode::AlreadyExists,
            "The blob's secret exists in this project: a backup restores only a secret that no longer exists.",
        ),
        other => ApiError::secret(other, "", None),
    })?;
    Ok(secret(restored))
}
