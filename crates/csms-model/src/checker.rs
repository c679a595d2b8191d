//! The secrets checker: a project's setting, and the strength check of a value.

use serde::{Deserialize, Serialize};

use crate::secrets::SecretValue;

/// Response of ShowSecretsConfig and UpdateSecretsConfig.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SecretsConfig {
    /// Whether the credential strength check is on for the project.
    pub checking_secret_strength: bool,
}

/// Body of UpdateSecretsConfig (`POST /v1/{project_id}/secrets/checker/config`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateSecretsConfigRequestBody {
    /// The new setting (absent: unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checking_secret_strength: Option<bool>,
}

/// What CheckSecrets checks: a value, given as `secret_string`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CheckData {
    /// The value to check; it is never stored, logged or answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_string: Option<SecretValue>,
}

/// Body of CheckSecrets (`POST /v1/{project_id}/secrets/checker/check`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CheckSecretsRequestBody {
    /// The check: `STRENGTH` (the one this service knows).
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::check_type"))]
    pub r#type: String,
    /// What to check.
    pub data: CheckData,
}

/// What the strength check found, never the value itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StrengthReport {
    /// `WEAK`, `MEDIUM` or `STRONG`.
    pub strength: String,
    /// 0 to 4: one point each for 12 characters or more, 16 or more, three classes of characters or
    /// more, and no run of one character or of a sequence.
    pub score: i64,
    /// The value's length, in characters.
    pub length: i64,
    /// What would make it stronger.
    #[serde(default)]
    pub suggestions: Vec<String>,
}

/// Response of CheckSecrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CheckSecretsResponse {
    /// The check made.
    pub r#type: String,
    /// What it found.
    pub data: StrengthReport,
}
