//! Key tags, and the search of keys by tag.

use serde::{Deserialize, Serialize};

use crate::KeyDetails;

/// One tag of a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KmsTag {
    /// Its key (1 to 36 characters).
    pub key: String,
    /// Its value (at most 43 characters; absent is empty).
    #[serde(default)]
    pub value: String,
}

/// A key's tags: `{"tags": [...], "existTagsNum": n}` (an empty list for a key without tags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ShowKmsTagsResponse {
    /// The tags, in key order.
    pub tags: Vec<KmsTag>,
    /// How many.
    #[serde(rename = "existTagsNum")]
    pub exist_tags_num: i32,
}

/// The body that adds one tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateKmsTagRequestBody {
    /// The tag.
    pub tag: KmsTag,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}

/// The body that sets or removes several tags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct BatchCreateKmsTagsRequestBody {
    /// `create` or `delete`.
    pub action: String,
    /// The tags (1 to 20).
    pub tags: Vec<KmsTag>,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}

/// A tag key with its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KmsTagValues {
    /// The key.
    pub key: String,
    /// Its values.
    pub values: Vec<String>,
}

/// The project's tag keys with their values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListKmsTagsResponse {
    /// The keys, in order.
    pub tags: Vec<KmsTagValues>,
}

/// The search of keys by tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListKmsByTagsRequestBody {
    /// `filter` (a page) or `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Every tag's key set with one of its values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<KmsTagValues>>,
    /// Matches on the alias (`resource_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<KmsTag>>,
    /// The page's first index, as a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    /// Most keys, as a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}

/// A key found by tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KmsResource {
    /// The key's id.
    pub resource_id: String,
    /// Its alias.
    pub resource_name: String,
    /// The key.
    pub resource_detail: KeyDetails,
    /// Its tags.
    pub tags: Vec<KmsTag>,
}

/// The search's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListKmsByTagsResponse {
    /// The page (empty for `count`).
    pub resources: Vec<KmsResource>,
    /// How many keys match.
    pub total_count: i32,
}
