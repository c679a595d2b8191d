//! The secrets checker (ShowSecretsConfig, UpdateSecretsConfig, CheckSecrets): the project's setting, and
//! the strength of a value, which is never stored, logged or answered.

use csms_model::{CheckSecretsResponse, SecretsConfig, UpdateSecretsConfigRequestBody};

use super::tags::OnProject;
use super::{Call, Input, Json, State, together};
use crate::error::ApiError;

/// `GET /secrets/checker/config`.
pub(crate) async fn show_config(state: &State, input: OnProject) -> Result<Json<SecretsConfig>, ApiError> {
    let config = state.store.checker_config(&input.project).await.map_err(ApiError::internal)?;
    Ok(Json(config))
}

/// `POST /secrets/checker/config`.
pub(crate) struct UpdateConfig {
    project: String,
    body: UpdateSecretsConfigRequestBody,
}

impl Input for UpdateConfig {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_secrets_config_body(&call.body))?;
        Ok(UpdateConfig { project: call.project()?, body })
    }
}

pub(crate) async fn update_config(
    state: &State,
    input: UpdateConfig,
) -> Result<Json<SecretsConfig>, ApiError> {
    let on = input.body.checking_secret_strength;
    let config = state.store.update_checker_config(&input.project, on).await.map_err(ApiError::internal)?;
    Ok(Json(config))
}

/// `POST /secrets/checker/check`.
pub(crate) struct Check {
    kind: String,
    value: csms_model::SecretValue,
}

impl Input for Check {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_check_body(&call.body))?;
        // The rules made `data.secret_string` required.
        let value = body.data.secret_string.unwrap_or_else(|| csms_model::SecretValue::new(""));
        Ok(Check { kind: body.r#type, value })
    }
}

/// Scores the value's strength (the one check there is), whether or not the project's setting is on.
pub(crate) async fn check(_: &State, input: Check) -> Result<Json<CheckSecretsResponse>, ApiError> {
    let data = csms_validate::strength(input.value.expose());
    Ok(Json(CheckSecretsResponse { r#type: input.kind, data }))
}
