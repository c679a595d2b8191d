//! Wire types of the secrets that subscribe to events: secrets, their versions, and the request and
//! response bodies of their operations, in the shapes of the official SDK models (`huaweicloudsdkcsms`:
//! `Secret`, `VersionMetadata`, `Version`, ...).
//!
//! A secret's value is a [`SecretValue`]: it serialises as the plain string the wire carries, but its
//! `Debug` never shows it, so a value cannot reach a log line through a `{:?}`.
//!
//! ```
//! use csms_model::{SecretState, ShowSecretVersionResponse};
//!
//! let body = r#"{"version": {"secret_string": "hunter2",
//!     "version_metadata": {"id": "v1", "create_time": 1581507580000, "secret_name": "db-password",
//!                          "version_stages": ["SYSCURRENT"]}}}"#;
//! let parsed: ShowSecretVersionResponse = serde_json::from_str(body).unwrap();
//! assert_eq!(parsed.version.secret_string.as_ref().unwrap().expose(), "hunter2");
//! assert!(!format!("{parsed:?}").contains("hunter2"));
//! assert_eq!(SecretState::from("PENDING_DELETE"), SecretState::PendingDelete);
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::enums::{SecretState, SecretType};
use crate::types::PageInfo;

/// The stage of a secret's current version.
pub const SYSCURRENT: &str = "SYSCURRENT";
/// The stage the current version gets when a new version takes [`SYSCURRENT`].
pub const SYSPREVIOUS: &str = "SYSPREVIOUS";
/// The version id that names the version holding [`SYSCURRENT`].
pub const LATEST: &str = "latest";

/// A version id `vn` as a pattern (unanchored): `v`, then a number from 1, at most 18 digits.
pub const VERSION_NUMBER: &str = "v[1-9][0-9]{0,17}";

/// The `n` of a version id `vn` (`v1`, `v2`, ..., no leading zero, at most 18 digits), if it is one.
///
/// ```
/// assert_eq!(csms_model::version_number("v7"), Some(7));
/// assert_eq!(csms_model::version_number("v07"), None);
/// assert_eq!(csms_model::version_number("latest"), None);
/// ```
pub fn version_number(id: &str) -> Option<i64> {
    let digits = id.strip_prefix('v')?;
    let plain = !digits.is_empty() && !digits.starts_with('0') && digits.len() <= 18;
    if !plain || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A secret's value as the wire carries it (`secret_string`, or base64 in `secret_binary`). `Debug`
/// shows `***`, never the value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct SecretValue(String);

impl SecretValue {
    /// A value.
    pub fn new(value: impl Into<String>) -> Self {
        SecretValue(value.into())
    }

    /// The value itself: only for the places that must send or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for SecretValue {
    fn from(value: String) -> Self {
        SecretValue(value)
    }
}

impl From<&str> for SecretValue {
    fn from(value: &str) -> Self {
        SecretValue(value.to_owned())
    }
}

/// A secret: its metadata and subscription (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Secret {
    /// A UUID given at creation, never changed.
    pub id: String,
    /// The secret's name, unique in its project.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::secret_name"))]
    pub name: String,
    /// The lifecycle state.
    pub state: SecretState,
    /// The KMS key the value is said to be encrypted with (accepted and echoed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Creation time, epoch milliseconds.
    pub create_time: i64,
    /// Time of the last change, epoch milliseconds.
    pub update_time: i64,
    /// When a scheduled deletion executes, epoch milliseconds; absent unless `PENDING_DELETE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_delete_time: Option<i64>,
    /// The kind of secret (`COMMON` when absent).
    #[serde(default)]
    pub secret_type: SecretType,
    /// Whether the secret is rotated on a schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_rotation: Option<bool>,
    /// The rotation period, such as `30d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_period: Option<String>,
    /// The rotation configuration (a JSON document as a string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_config: Option<String>,
    /// Time of the last rotation, epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_time: Option<i64>,
    /// Time of the next scheduled rotation, epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_rotation_time: Option<i64>,
    /// The events the secret subscribes to: at most one name; `[]` when none.
    #[serde(default)]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::event_subscriptions"))]
    pub event_subscriptions: Vec<String>,
    /// The enterprise project (accepted and echoed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// The FunctionGraph function that rotates the secret (accepted and echoed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_func_urn: Option<String>,
}

impl Secret {
    /// An `ENABLED` `COMMON` secret made at `now` (epoch milliseconds), with nothing else set: the base
    /// that a creation fills in.
    pub fn new(id: String, name: String, now: i64) -> Self {
        Secret {
            id,
            name,
            state: SecretState::Enabled,
            kms_key_id: None,
            description: None,
            create_time: now,
            update_time: now,
            scheduled_delete_time: None,
            secret_type: SecretType::Common,
            auto_rotation: None,
            rotation_period: None,
            rotation_config: None,
            rotation_time: None,
            next_rotation_time: None,
            event_subscriptions: Vec::new(),
            enterprise_project_id: None,
            rotation_func_urn: None,
        }
    }
}

/// One version of a secret, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct VersionMetadata {
    /// `v1`, `v2`, ... in creation order.
    pub id: String,
    /// Creation time, epoch milliseconds.
    pub create_time: i64,
    /// When the version expires, epoch milliseconds (second precision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<i64>,
    /// The KMS key of the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// The secret's name.
    pub secret_name: String,
    /// The stages this version holds (`SYSCURRENT`, `SYSPREVIOUS`, ...).
    #[serde(default)]
    pub version_stages: Vec<String>,
}

/// One version of a secret with its value: exactly one of `secret_string` and `secret_binary`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Version {
    /// The version's metadata.
    pub version_metadata: VersionMetadata,
    /// The value, base64, when it was given as binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_binary: Option<SecretValue>,
    /// The value, when it was given as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_string: Option<SecretValue>,
}

/// Body of CreateSecret (`POST /v1/{project_id}/secrets`): a name, and exactly one of `secret_string` and
/// `secret_binary`.
// `Default` is for struct update syntax (`..Default::default()`): an empty name is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schemars",
    schemars(extend("oneOf" = [{"required": ["secret_string"]}, {"required": ["secret_binary"]}]))
)]
pub struct CreateSecretRequestBody {
    /// The new secret's name.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::secret_name"))]
    pub name: String,
    /// The KMS key (accepted and echoed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::optional_description"))]
    pub description: Option<String>,
    /// The first version's value, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_binary: Option<SecretValue>,
    /// The first version's value, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_string: Option<SecretValue>,
    /// The kind of secret (`COMMON` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_type: Option<SecretType>,
    /// Whether to rotate on a schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_rotation: Option<bool>,
    /// The rotation period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::optional_rotation_period"))]
    pub rotation_period: Option<String>,
    /// The rotation configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_config: Option<String>,
    /// The event to subscribe to: at most one name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::optional_event_subscriptions"))]
    pub event_subscriptions: Option<Vec<String>>,
    /// The enterprise project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// The rotating function.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_func_urn: Option<String>,
}

/// Body of UpdateSecret (`PUT /v1/{project_id}/secrets/{secret_name}`): metadata only; an absent field is
/// left as it is, and a present `event_subscriptions` replaces the subscription (`[]` removes it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateSecretRequestBody {
    /// The KMS key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::optional_description"))]
    pub description: Option<String>,
    /// Whether to rotate on a schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_rotation: Option<bool>,
    /// The rotation period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::optional_rotation_period"))]
    pub rotation_period: Option<String>,
    /// The event to subscribe to: at most one name; `[]` unsubscribes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::optional_event_subscriptions"))]
    pub event_subscriptions: Option<Vec<String>>,
    /// The rotating function.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_func_urn: Option<String>,
}

/// Body of CreateSecretVersion (`POST .../secrets/{secret_name}/versions`): exactly one of `secret_string`
/// and `secret_binary`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schemars",
    schemars(extend("oneOf" = [{"required": ["secret_string"]}, {"required": ["secret_binary"]}]))
)]
pub struct CreateSecretVersionRequestBody {
    /// The value, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_binary: Option<SecretValue>,
    /// The value, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_string: Option<SecretValue>,
    /// The stages the new version takes (`SYSCURRENT` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::optional_version_stages"))]
    pub version_stages: Option<Vec<String>>,
    /// When the version expires, epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::optional_expire_time"))]
    pub expire_time: Option<i64>,
}

/// Body of UpdateVersion (`PUT .../versions/{version_id}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(extend("required" = ["expire_time"])))]
pub struct UpdateVersionRequestBody {
    /// The new expiry, epoch milliseconds (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::optional_expire_time"))]
    pub expire_time: Option<i64>,
}

/// Body of DeleteSecretForSchedule (`POST .../scheduled-deleted-tasks/create`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct DeleteSecretForScheduleRequestBody {
    /// Days until the deletion executes.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::recovery_window"))]
    pub recovery_window_in_days: i64,
}

/// Response of CreateSecret, ShowSecret, UpdateSecret and the scheduled-deletion operations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SecretResponse {
    /// The secret after the operation.
    pub secret: Secret,
}

/// Response of ListSecrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListSecretsResponse {
    /// The page of secrets, in ascending name order.
    pub secrets: Vec<Secret>,
    /// Where the page sits.
    pub page_info: PageInfo,
}

/// Response of CreateSecretVersion and UpdateVersion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct VersionMetadataResponse {
    /// The version's metadata after the operation.
    pub version_metadata: VersionMetadata,
}

/// Response of ListSecretVersions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListSecretVersionsResponse {
    /// The page of versions.
    pub version_metadatas: Vec<VersionMetadata>,
    /// Where the page sits.
    pub page_info: PageInfo,
}

/// Response of ShowSecretVersion: the one response that carries a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ShowSecretVersionResponse {
    /// The version with its value.
    pub version: Version,
}
