//! Grants: who a resource (a secret, or a group of them) is granted to, with an optional expiry. A
//! record only: a grant changes nobody's access here (upstream states no enforcement).

use serde::{Deserialize, Serialize};

/// Body of CreateGrants and UpdateGrant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct GrantSecretRequestBody {
    /// The resource: a secret's name or id (`SECRET`), or a group's id (`GROUP`).
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::grant_resource"))]
    pub resource_id: String,
    /// `SECRET` or `GROUP` (in any case).
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::grant_type"))]
    pub r#type: String,
    /// `"0"`: a user; `"2"`: a group of users.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::grantee_type"))]
    pub grantee_type: String,
    /// The grantee's id.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::grant_resource"))]
    pub grantee_target_id: String,
    /// The last day of the grant, `YYYY-MM-DD` (UTC); absent: no expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::optional_date"))]
    pub validity_time: Option<String>,
}

/// One grant, as CreateGrants and UpdateGrant answer it (upstream writes its members in camelCase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct GrantData {
    /// The grant's id.
    pub uuid: String,
    /// The resource.
    pub resource_id: String,
    /// `SECRET` or `GROUP`.
    pub r#type: String,
    /// The grantee's id.
    pub grantee_user: String,
    /// When the grant was made, epoch milliseconds.
    pub create_time: i64,
    /// When it last changed, epoch milliseconds.
    pub update_time: i64,
    /// When it expires (the end of its last day), epoch milliseconds; absent: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_time: Option<i64>,
    /// 0: in force; 1: expired.
    pub state: i32,
    /// Always empty here (upstream's member).
    #[serde(default)]
    pub signature: String,
}

/// Response of CreateGrants and UpdateGrant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct GrantDataResponse {
    /// The grant.
    pub data: GrantData,
}

/// A grantee of a resource, as ListGrants answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct GrantUserInfo {
    /// The grantee's id.
    pub user_id: String,
    /// The grantee's name (its id when the directory does not know it).
    pub user_name: String,
    /// When the grant was made, epoch milliseconds.
    pub create_time: i64,
    /// When it expires, epoch milliseconds; absent: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_time: Option<i64>,
}

/// The grants of one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct GrantDto {
    /// The resource.
    pub id: String,
    /// The resource's name (a secret's name), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `SECRET` or `GROUP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// When the resource was first granted, epoch milliseconds.
    pub create_time: i64,
    /// When its grants last changed, epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<i64>,
    /// Its grantees.
    #[serde(default)]
    pub grantee_user: Vec<GrantUserInfo>,
}

/// Response of ListGrants: one object, as upstream answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListGrantsResponse {
    /// The resource's grants.
    pub data: GrantDto,
}
