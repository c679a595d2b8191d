//! Operations on several secrets at once, backups, and random passwords.

use serde::{Deserialize, Serialize};

use crate::secrets::{CreateSecretRequestBody, SecretValue, Version};

/// Body of BatchGetSecretValue (`POST /v1/{project_id}/secrets/batch-get-secret-value`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct BatchGetSecretValueRequestBody {
    /// Up to 20 secret names (`null`: none).
    #[serde(default, deserialize_with = "crate::tags::null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::batch_get_names"))]
    pub secret_name_list: Vec<String>,
}

/// Response of BatchGetSecretValue: the SYSCURRENT version of each secret asked for, with its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct BatchGetSecretValueResponse {
    /// How many versions are answered.
    pub total_count: i64,
    /// The versions, in the order asked.
    pub versions: Vec<Version>,
}

/// Body of BatchImportSecrets (`POST /v1/{project_id}/secrets/batch-import`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct BatchImportSecretsRequestBody {
    /// The secrets to create, each as CreateSecret's body.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::import_items"))]
    pub secrets: Vec<CreateSecretRequestBody>,
}

/// A secret a batch import did not create, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ImportError {
    /// The secret's name, as given.
    pub name: String,
    /// Why it was not created.
    pub error_msg: String,
}

/// Response of BatchImportSecrets: each item created or refused on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct BatchImportSecretsResponse {
    /// Items given.
    pub total: i64,
    /// Items created.
    pub success: i64,
    /// Items refused.
    pub failed: i64,
    /// Why each refused item was refused.
    pub error_list: Vec<ImportError>,
}

/// What every backup blob starts with: upstream's own prefix (its blobs go on with a JWE, ours with
/// the service's sealed form, base64url).
pub const SECRET_BLOB_PREFIX: &str = ")CloudSecretManagementBackupV1.com";

/// Response of DownloadSecretBlob (`POST /v1/{project_id}/secrets/{secret_name}/backup`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SecretBlobResponse {
    /// The secret with every version, sealed: opaque, restorable only into its project.
    pub secret_blob: SecretValue,
}

/// Body of UploadSecretBlob (`POST /v1/{project_id}/secrets/restore`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UploadSecretBlobRequestBody {
    /// A blob DownloadSecretBlob made.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::secret_blob"))]
    pub secret_blob: SecretValue,
}

/// Body of GenerateRandomPassword (`POST /v1/{project_id}/csms/generate-password`); every member is
/// optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreatePasswordRequestBody {
    /// The password's length (default 32).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::password_length"))]
    pub length: Option<i64>,
    /// Characters that must not appear.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_characters: Option<String>,
    /// No `a-z`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_lowercase: Option<bool>,
    /// No `A-Z`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_uppercase: Option<bool>,
    /// No `0-9`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_numbers: Option<bool>,
    /// No punctuation (the printable ASCII symbols).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_punctuation: Option<bool>,
    /// The space may appear.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_space: Option<bool>,
    /// At least one character of each class not excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_each_included_type: Option<bool>,
    /// A policy name (accepted, not used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_policy_name: Option<String>,
}

/// Response of GenerateRandomPassword.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreatePasswordResponse {
    /// The password.
    pub password: SecretValue,
}
