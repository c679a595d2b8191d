//! Customer master keys: their members (every one a string), states and the operations on them.

use serde::{Deserialize, Serialize};

/// A key's state, as KMS numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// `"1"`: waiting to be activated.
    PendingActivation,
    /// `"2"`: enabled: it seals and opens.
    Enabled,
    /// `"3"`: disabled: what it protects cannot be read.
    Disabled,
    /// `"4"`: scheduled for deletion: unusable until the deletion is cancelled (then disabled).
    PendingDeletion,
    /// `"5"`: waiting for imported material.
    PendingImport,
}

impl KeyState {
    /// The state on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::PendingActivation => "1",
            KeyState::Enabled => "2",
            KeyState::Disabled => "3",
            KeyState::PendingDeletion => "4",
            KeyState::PendingImport => "5",
        }
    }

    /// The state of a wire value, if it is one.
    pub fn from_wire(value: &str) -> Option<Self> {
        match value {
            "1" => Some(KeyState::PendingActivation),
            "2" => Some(KeyState::Enabled),
            "3" => Some(KeyState::Disabled),
            "4" => Some(KeyState::PendingDeletion),
            "5" => Some(KeyState::PendingImport),
            _ => None,
        }
    }
}

/// create-key's body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateKeyRequestBody {
    /// The alias: see [`crate::limits::KEY_ALIAS_PATTERN`].
    pub key_alias: String,
    /// A description (at most 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_description: Option<String>,
    /// The key spec (`AES_256` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_spec: Option<String>,
    /// The usage (`ENCRYPT_DECRYPT` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<String>,
    /// `kms` (by default) or `external`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The key store (`"0"`, the default one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keystore_id: Option<String>,
    /// The enterprise project (`"0"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// A request sequence number (36 characters; kept for nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
    /// The virtual machine the key is made for (level-4 cryptography only; accepted and not used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vm_id: Option<String>,
}

/// A key just created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreatedKey {
    /// Its id.
    pub key_id: String,
    /// Its owner's domain (the project's account here).
    pub domain_id: String,
}

/// create-key's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateKeyResponse {
    /// The key.
    pub key_info: CreatedKey,
}

/// The body of the operations on one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct OperateKeyRequestBody {
    /// The key.
    pub key_id: String,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}

/// A key, every member a string as upstream writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KeyDetails {
    /// Its id.
    pub key_id: String,
    /// Its owner's domain.
    pub domain_id: String,
    /// Its alias.
    pub key_alias: String,
    /// Its region.
    pub realm: String,
    /// Its description (`""` for none).
    pub key_description: String,
    /// When it was made, epoch milliseconds (13 digits).
    pub creation_date: String,
    /// When its scheduled deletion comes, epoch milliseconds, or `""`.
    pub scheduled_deletion_date: String,
    /// `"1"` to `"5"`: see [`KeyState`].
    pub key_state: String,
    /// `"1"` for a default key, else `"0"`.
    pub default_key_flag: String,
    /// `"1"`.
    pub key_type: String,
    /// When imported material expires, or `""`.
    pub expiration_time: String,
    /// `kms` or `external`.
    pub origin: String,
    /// `"true"` or `"false"`.
    pub key_rotation_enabled: String,
    /// Its enterprise project (`"0"`).
    pub sys_enterprise_project_id: String,
    /// Its key store (`"0"`).
    #[serde(default)]
    pub keystore_id: String,
    /// Its key spec.
    pub key_spec: String,
    /// Its usage.
    pub key_usage: String,
}

/// describe-key's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct DescribeKeyResponse {
    /// The key.
    pub key_info: KeyDetails,
}

/// list-keys' body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListKeysRequestBody {
    /// Most keys, as a decimal string (1 to 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// Where the page starts, as a decimal string (the previous page's `next_marker`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Only keys in this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_state: Option<String>,
    /// Only keys of this spec (`ALL` for every spec; `AES_256` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_spec: Option<String>,
    /// Only keys of this enterprise project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}

/// list-keys' answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListKeysResponse {
    /// The page's key ids.
    pub keys: Vec<String>,
    /// The page's keys.
    pub key_details: Vec<KeyDetails>,
    /// Where the next page starts (`""` after the last).
    pub next_marker: String,
    /// `"true"` when more pages follow.
    pub truncated: String,
    /// How many keys match, whatever the page.
    pub total: i32,
}

/// A key's id and state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KeyStatusInfo {
    /// The key.
    pub key_id: String,
    /// Its state.
    pub key_state: String,
}

/// enable-key's and disable-key's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KeyStatusResponse {
    /// The key and its state.
    pub key_info: KeyStatusInfo,
}

/// schedule-key-deletion's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ScheduleKeyDeletionRequestBody {
    /// The key.
    pub key_id: String,
    /// Days until the deletion, as a decimal string (7 to 1096).
    pub pending_days: String,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}

/// update-key-alias' body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateKeyAliasRequestBody {
    /// The key.
    pub key_id: String,
    /// Its new alias.
    pub key_alias: String,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}

/// A key's id and alias.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KeyAliasInfo {
    /// The key.
    pub key_id: String,
    /// Its alias.
    pub key_alias: String,
}

/// update-key-alias' answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KeyAliasResponse {
    /// The key and its alias.
    pub key_info: KeyAliasInfo,
}

/// update-key-description's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateKeyDescriptionRequestBody {
    /// The key.
    pub key_id: String,
    /// Its new description.
    pub key_description: String,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}

/// A key's id and description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KeyDescriptionInfo {
    /// The key.
    pub key_id: String,
    /// Its description.
    pub key_description: String,
}

/// update-key-description's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KeyDescriptionResponse {
    /// The key and its description.
    pub key_info: KeyDescriptionInfo,
}

/// get-key-rotation-status' answer (the one with typed members: a boolean and integers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KeyRotationStatusResponse {
    /// Whether the key rotates.
    pub key_rotation_enabled: bool,
    /// Its rotation interval, in days.
    pub rotation_interval: i32,
    /// When it last rotated, epoch milliseconds, or `""`.
    pub last_rotation_time: String,
    /// How many times it rotated.
    pub number_of_rotations: i32,
    /// The key's materials: the one it was made with, and one more per rotation.
    #[serde(default)]
    pub key_materials: Vec<KeyMaterial>,
}

/// One material of a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KeyMaterial {
    /// Its id.
    pub material_id: String,
    /// When it was made, epoch milliseconds.
    pub create_time: String,
    /// When it expires (`""`: never).
    pub expiration_time: String,
    /// 1: in use.
    pub state: i32,
    /// A billing id (`""` here).
    pub charge_id: String,
}

/// update-key-rotation-interval's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateKeyRotationIntervalRequestBody {
    /// The key.
    pub key_id: String,
    /// The interval, in days (30 to 365).
    pub rotation_interval: i32,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}
