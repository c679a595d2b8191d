//! Topic tags, and the search of topics by tag.

use serde::{Deserialize, Serialize};

/// One tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ResourceTag {
    /// Its key (at most 128 characters).
    pub key: String,
    /// Its value (at most 256 characters).
    pub value: String,
}

/// ListResourceTags' answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListResourceTagsResponse {
    /// The tags, in key order.
    pub tags: Vec<ResourceTag>,
}

/// CreateResourceTag's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateResourceTagRequestBody {
    /// The tag.
    pub tag: ResourceTag,
}

/// BatchCreateOrDeleteResourceTags' body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct BatchResourceTagsRequestBody {
    /// `create` or `delete`.
    pub action: String,
    /// The tags.
    pub tags: Vec<ResourceTag>,
}

/// A key with its values, across the project's topics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ProjectTag {
    /// The key.
    pub key: String,
    /// Its values (in a filter: any of them; none: any value).
    pub values: Vec<String>,
}

/// ListProjectTags' answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListProjectTagsResponse {
    /// The keys, in order.
    pub tags: Vec<ProjectTag>,
}

/// A match on a topic's name (`key` `resource_name`): the value is part of the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TagMatch {
    /// `resource_name`.
    pub key: String,
    /// What the name holds.
    pub value: String,
}

/// ListResourceInstances' body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListInstancesRequestBody {
    /// `filter` (a page) or `count`.
    pub action: String,
    /// Every tag's key must be set with one of its values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<ProjectTag>>,
    /// Any one tag of these must be set (accepted, read as `tags` of one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags_any: Option<Vec<ProjectTag>>,
    /// No tag of these may be set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_tags: Option<Vec<ProjectTag>>,
    /// Not any one of these (accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_tags_any: Option<Vec<ProjectTag>>,
    /// Only topics without a tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without_any_tag: Option<bool>,
    /// Matches on the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<TagMatch>>,
    /// The page's first index, as a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    /// Most topics, as a decimal string (1 to 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// A found topic's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ResourceDetail {
    /// The topic's id.
    #[serde(rename = "detailId")]
    pub detail_id: String,
    /// Its display name.
    pub display_name: String,
    /// Its enterprise project.
    pub enterprise_project_id: String,
    /// Its URN.
    pub topic_urn: String,
}

/// A found topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TagResource {
    /// The topic's id.
    pub resource_id: String,
    /// Its name.
    pub resource_name: String,
    /// Its details.
    pub resource_detail: ResourceDetail,
    /// Its tags.
    pub tags: Vec<ResourceTag>,
}

/// ListResourceInstances' answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListInstancesResponse {
    /// The page (empty for `count`).
    pub resources: Vec<TagResource>,
    /// How many topics match.
    pub total_count: i32,
}
