//! Stages (ShowSecretStage, UpdateSecretStage, DeleteSecretStage): a named mark on one version of a
//! secret. Moving SYSCURRENT makes its former holder SYSPREVIOUS, as a new version does.

use csms_model::{StageResponse, UpdateSecretStageRequestBody};

use super::secrets::OnSecret;
use super::{Call, Input, Json, NoContent, State, together};
use crate::error::ApiError;

/// The path of an operation on one stage, validated.
pub(crate) struct OnStage {
    on: OnSecret,
    stage: String,
}

impl Input for OnStage {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        let stage = call.stage_name()?;
        Ok(OnStage { on: OnSecret::of(call)?, stage })
    }
}

/// `GET /secrets/{secret_name}/stages/{stage_name}`.
pub(crate) async fn show(state: &State, input: OnStage) -> Result<Json<StageResponse>, ApiError> {
    let OnStage { on, stage } = input;
    let found = state.store.stage(&on.project, &on.name, &stage).await;
    Ok(Json(StageResponse { stage: found.map_err(|e| ApiError::secret(e, &on.name, None))? }))
}

/// `PUT /secrets/{secret_name}/stages/{stage_name}`.
pub(crate) struct UpdateStage {
    stage: OnStage,
    body: UpdateSecretStageRequestBody,
}

impl Input for UpdateStage {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_update_stage_body(&call.body))?;
        let stage = call.stage_name()?;
        Ok(UpdateStage { stage: OnStage { on: OnSecret::of(call)?, stage }, body })
    }
}

pub(crate) async fn update(state: &State, input: UpdateStage) -> Result<Json<StageResponse>, ApiError> {
    let UpdateStage { stage: OnStage { on, stage }, body } = input;
    let now = state.clock.now_ms();
    let moved = state.store.update_stage(&on.project, &on.name, &stage, &body.version_id, now).await;
    let moved = moved.map_err(|e| ApiError::secret(e, &on.name, Some(&body.version_id)))?;
    Ok(Json(StageResponse { stage: moved }))
}

/// `DELETE /secrets/{secret_name}/stages/{stage_name}`: 204.
pub(crate) async fn delete(state: &State, input: OnStage) -> Result<NoContent, ApiError> {
    let OnStage { on, stage } = input;
    state
        .store
        .delete_stage(&on.project, &on.name, &stage)
        .await
        .map_err(|e| ApiError::secret(e, &on.name, None))?;
    Ok(NoContent)
}
