//! Agencies (the delegations rotation needs, per secret type) and rotation function templates.

use serde::{Deserialize, Serialize};

/// Body of CreateAgency (`POST /v1/csms/agencies`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateAgencyRequestBody {
    /// `RDS-FG` or `GaussDB-FG`.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::rotated_secret_type"))]
    pub secret_type: String,
}

/// One agency and how its creation went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Agency {
    /// Its name.
    pub agency_name: String,
    /// Its id, when it exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<String>,
    /// Why it could not be created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
}

/// Response of CreateAgency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateAgencyResponse {
    /// Each agency the secret type's rotation needs.
    #[serde(default)]
    pub agencies: Vec<Agency>,
}

/// Response of ShowAgency: `"true"` or `"false"`, a string as upstream answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ShowAgencyResponse {
    /// Whether the account granted the secret type's agencies.
    pub agency_granted: String,
}

/// Response of ShowSecretFunctionTemplates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct FunctionTemplatesResponse {
    /// The rotation function's source, to deploy as a FunctionGraph function.
    pub function_templates: String,
}
