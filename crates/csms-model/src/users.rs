//! The user directory of an account (ListUsers, ShowUserDetail, UpdateUserPassword): the users the
//! credentials file declares. No password is ever answered.

use serde::{Deserialize, Serialize};

use crate::secrets::SecretValue;

/// A user's link to an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UserOrgRelation {
    /// The organisation.
    pub org_id: String,
    /// How the user belongs to it (`1`: its own).
    pub relation_type: String,
}

/// A user as ListUsers answers it: every member a string but `pwd_must_modify`, as upstream's schema
/// writes them (each may be absent when read).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UserSummary {
    /// The user's id.
    #[serde(default)]
    pub user_id: String,
    /// The login name.
    #[serde(default)]
    pub user_name: String,
    /// The display name.
    #[serde(default)]
    pub name: String,
    /// The user's organisation.
    #[serde(default)]
    pub org_id: String,
    /// A phone number, or empty.
    #[serde(default)]
    pub mobile: String,
    /// An e-mail address, or empty.
    #[serde(default)]
    pub email: String,
    /// When the user was created, `YYYY-MM-DD HH:MM:SS.mmm` (UTC).
    #[serde(default)]
    pub created_at: String,
    /// When the user last changed.
    #[serde(default)]
    pub updated_at: String,
    /// When the password last changed (empty: never).
    #[serde(default)]
    pub pwd_change_at: String,
    /// Whether the password must be changed (none was ever set).
    #[serde(default)]
    pub pwd_must_modify: bool,
    /// `"false"`, or `"true"` for a disabled user.
    #[serde(default)]
    pub disabled: String,
    /// `"false"`, or `"true"` for a locked user.
    #[serde(default)]
    pub locked: String,
    /// The trust level, as a string.
    #[serde(default)]
    pub grade: String,
    /// Extension attributes, as JSON text (`"{}"`).
    #[serde(default)]
    pub extension: String,
    /// The user's organisations.
    #[serde(default)]
    pub user_org_relation_list: Vec<UserOrgRelation>,
}

/// Response of ListUsers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListUsersResponse {
    /// How many users match.
    pub total: i64,
    /// The page.
    pub users: Vec<UserSummary>,
}

/// Extension attributes: none are kept here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UserExtension {}

/// Response of ShowUserDetail: the user, flat, typed as upstream's schema types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UserDetail {
    /// The user's id.
    #[serde(default)]
    pub user_id: String,
    /// The login name.
    #[serde(default)]
    pub user_name: String,
    /// The display name.
    #[serde(default)]
    pub name: String,
    /// The user's organisation.
    #[serde(default)]
    pub org_id: String,
    /// The account the user belongs to.
    #[serde(default)]
    pub domain_id: String,
    /// A phone number, or empty.
    #[serde(default)]
    pub mobile: String,
    /// An e-mail address, or empty.
    #[serde(default)]
    pub email: String,
    /// When the user was created, `YYYY-MM-DD HH:MM:SS.mmm` (UTC).
    #[serde(default)]
    pub created_at: String,
    /// When the user last changed.
    #[serde(default)]
    pub updated_at: String,
    /// When the password last changed (empty: never).
    #[serde(default)]
    pub pwd_change_at: String,
    /// Whether the password must be changed.
    #[serde(default)]
    pub pwd_must_modify: bool,
    /// Whether the user is disabled.
    #[serde(default)]
    pub disabled: bool,
    /// `"false"`, or `"true"` for a locked user.
    #[serde(default)]
    pub locked: String,
    /// The trust level.
    #[serde(default)]
    pub grade: i64,
    /// Extension attributes.
    #[serde(default)]
    pub extension: UserExtension,
    /// The user's organisations.
    #[serde(default)]
    pub user_org_relation_list: Vec<UserOrgRelation>,
}

/// Body of UpdateUserPassword (`POST /v1/csms/users/change-password`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateUserPasswordRequestBody {
    /// The new password.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::user_password"))]
    pub password: SecretValue,
    /// The current password (empty for a user who never had one).
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::old_password"))]
    pub old_password: SecretValue,
}

/// Response of UpdateUserPassword.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateUserPasswordResponse {
    /// Whose password changed.
    pub user_id: String,
}
