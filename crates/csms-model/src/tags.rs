//! Tags on secrets (addressed by the secret's id) and the search of secrets by tags.

use serde::{Deserialize, Serialize};

use crate::secrets::Secret;

/// One tag: a key and its value (one value per key per secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TagItem {
    /// The key: 1 to 128 letters, digits, separators or `_ . : = + - @`, no leading or trailing
    /// whitespace, not starting with `_sys_`.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::tag_key_member"))]
    pub key: String,
    /// The value: at most 255 of the same characters and `/` (absent: empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::optional_tag_value"))]
    pub value: Option<String>,
}

/// A system tag (none are set here; the member is upstream's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SysTag {
    /// The key.
    pub key: String,
    /// The value.
    #[serde(default)]
    pub value: String,
}

/// Response of ListSecretTags (`GET /v1/{project_id}/csms/{secret_id}/tags`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListSecretTagsResponse {
    /// The secret's tags, by key.
    #[serde(default)]
    pub tags: Vec<TagItem>,
    /// System tags: always empty here (upstream also answers `null`, read as empty).
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<Vec<SysTag>>"))]
    pub sys_tags: Vec<SysTag>,
}

/// A member that may come as `null` (upstream answers lists so; a client may send them so): read as
/// its default, an empty list or string.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Body of CreateSecretTag (`POST /v1/{project_id}/csms/{secret_id}/tags`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateSecretTagRequestBody {
    /// The tag to add (a key already set gets the new value).
    pub tag: TagItem,
}

/// Body of BatchCreateOrDeleteTags (`POST /v1/{project_id}/csms/{secret_id}/tags/action`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct BatchCreateOrDeleteTagsRequestBody {
    /// `create` (set each tag) or `delete` (remove each key).
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::tag_action"))]
    pub action: String,
    /// 1 to 20 tags, each key once.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::tag_list"))]
    pub tags: Vec<TagItem>,
    /// A request sequence number (accepted, not used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::sequence"))]
    pub sequence: Option<String>,
}

/// One key used on a project's secrets, with its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ProjectTag {
    /// The key.
    pub key: String,
    /// Its values on the project's secrets, each once.
    pub values: Vec<String>,
}

/// Response of ListProjectSecretsTags (`GET /v1/{project_id}/csms/tags`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListProjectSecretsTagsResponse {
    /// Every key used on the project's secrets, in key order.
    pub tags: Vec<ProjectTag>,
}

/// A page size or offset as a client sends it: upstream documents a string, the Terraform provider sends
/// a number. A number written with a zero fraction (`2.0`) is that integer, as JSON Schema counts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Count {
    /// A JSON number.
    Number(i64),
    /// A string of digits.
    Text(String),
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Count;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer or a string")
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Count, E> {
                Ok(Count::Number(n))
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Count, E> {
                i64::try_from(n).map(Count::Number).map_err(|_| E::custom("a count out of range"))
            }

            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Count, E> {
                let integral = n.fract() == 0.0 && n.abs() < 9.0e15;
                integral
                    .then_some(Count::Number(n as i64))
                    .ok_or_else(|| E::custom("a count with a fraction"))
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Count, E> {
                Ok(Count::Text(s.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A tag filter of ListResourceInstances: the key, with any of `values` (none: any value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TagFilter {
    /// The key a secret must have.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::tag_key_member"))]
    pub key: String,
    /// Values OR-ed: a secret matches with any of them; an empty list matches any value.
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::tag_values"))]
    pub values: Vec<String>,
}

/// A match of ListResourceInstances: `key` is `resource_name`, `value` a part of the secret's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TagMatch {
    /// `resource_name`.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::match_key"))]
    pub key: String,
    /// What the name contains.
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::match_value"))]
    pub value: String,
}

/// Body of ListResourceInstances (`POST /v1/{project_id}/csms/resource_instances/action`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListResourceInstancesRequestBody {
    /// `filter` (a page of secrets) or `count` (how many match).
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::resource_action"))]
    pub action: String,
    /// Page size, 1 to 1000 (default 10); a string or a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::resource_limit"))]
    pub limit: Option<Count>,
    /// Secrets to skip, 0 or more (default 0); a string or a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::resource_offset"))]
    pub offset: Option<Count>,
    /// Tag filters, AND-ed across keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::tag_filters"))]
    pub tags: Option<Vec<TagFilter>>,
    /// Name matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::tag_matches"))]
    pub matches: Option<Vec<TagMatch>>,
    /// A request sequence number (accepted, not used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::sequence"))]
    pub sequence: Option<String>,
}

/// One secret found by ListResourceInstances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ResourceInstance {
    /// The secret's id.
    pub resource_id: String,
    /// The secret's name.
    pub resource_name: String,
    /// The secret's metadata, as ShowSecret answers it.
    pub resource_detail: Secret,
    /// Its tags.
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<Vec<TagItem>>"))]
    pub tags: Vec<TagItem>,
    /// System tags: always empty here (upstream also answers `null`, read as empty).
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<Vec<SysTag>>"))]
    pub sys_tags: Vec<SysTag>,
}

/// Response of ListResourceInstances.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListResourceInstancesResponse {
    /// The page (`filter`); empty for `count` and past the end.
    #[serde(default)]
    pub resources: Vec<ResourceInstance>,
    /// How many secrets match.
    pub total_count: i64,
}

impl Count {
    /// The count as a number (a string of digits read as one); `None` if it is not one.
    pub fn value(&self) -> Option<i64> {
        match self {
            Count::Number(n) => Some(*n),
            Count::Text(s) => s.parse().ok(),
        }
    }
}
