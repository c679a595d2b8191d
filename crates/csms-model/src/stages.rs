//! Version stages: a named mark on exactly one version of a secret.

use serde::{Deserialize, Serialize};

/// A stage and the version it marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Stage {
    /// The stage's name.
    pub name: String,
    /// The secret.
    pub secret_name: String,
    /// When the stage was last set, epoch milliseconds.
    pub update_time: i64,
    /// The version it marks.
    pub version_id: String,
}

/// Response of ShowSecretStage and UpdateSecretStage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StageResponse {
    /// The stage.
    pub stage: Stage,
}

/// Body of UpdateSecretStage (`PUT /v1/{project_id}/secrets/{secret_name}/stages/{stage_name}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateSecretStageRequestBody {
    /// The version the stage moves to.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::stage_version_id"))]
    pub version_id: String,
}
