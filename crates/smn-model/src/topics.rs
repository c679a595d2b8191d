//! Topics: a named channel of a project, `urn:smn:{region}:{project}:{name}`, with its attributes.

use serde::{Deserialize, Serialize};

/// A topic's URN, `urn:smn:{region}:{project_id}:{name}`: the id the API names a topic by, and what a
/// CSMS event's `notification.target_id` points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TopicUrn {
    /// The region (a server setting here).
    pub region: String,
    /// The project that owns the topic.
    pub project: String,
    /// The topic's name.
    pub name: String,
}

impl TopicUrn {
    /// The URN of topic `name` of `project` in `region`.
    pub fn new(region: &str, project: &str, name: &str) -> Self {
        TopicUrn { region: region.to_owned(), project: project.to_owned(), name: name.to_owned() }
    }

    /// `urn` as a topic URN, if it is one (exactly five `:`-separated parts, none empty).
    pub fn parse(urn: &str) -> Option<Self> {
        let mut parts = urn.split(':');
        let (Some("urn"), Some("smn"), Some(region), Some(project), Some(name), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        (![region, project, name].iter().any(|p| p.is_empty())).then(|| TopicUrn::new(region, project, name))
    }

    /// The URN of a subscription of this topic: the topic's URN, then the subscription's id.
    pub fn subscription(&self, id: &str) -> String {
        format!("{self}:{id}")
    }

    /// The topic of a subscription URN and the subscription's id, if `urn` is one.
    pub fn of_subscription(urn: &str) -> Option<(TopicUrn, String)> {
        let (topic, id) = urn.rsplit_once(':')?;
        let topic = TopicUrn::parse(topic)?;
        (!id.is_empty()).then(|| (topic, id.to_owned()))
    }
}

impl std::fmt::Display for TopicUrn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "urn:smn:{}:{}:{}", self.region, self.project, self.name)
    }
}

/// CreateTopic's body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateTopicRequestBody {
    /// The topic's name: see [`crate::limits::TOPIC_NAME_PATTERN`].
    #[cfg_attr(feature = "schemars", schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$")))]
    pub name: String,
    /// The name shown as an email's sender (at most 192 bytes; absent is empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(length(min = 1, max = 192)))]
    pub display_name: Option<String>,
    /// The enterprise project (`"0"`, the default one, when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
}

/// CreateTopic's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateTopicResponse {
    /// The request's id.
    pub request_id: String,
    /// The topic's URN.
    pub topic_urn: String,
}

/// A topic as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Topic {
    /// Its URN.
    pub topic_urn: String,
    /// Its id: 32 hexadecimal characters.
    pub topic_id: String,
    /// Its name.
    pub name: String,
    /// Its display name (`""` for none).
    pub display_name: String,
    /// What happens to a message that fails: 0 (kept), always here.
    pub push_policy: i32,
    /// Its enterprise project.
    pub enterprise_project_id: String,
    /// When it was made, UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub create_time: String,
    /// When it last changed, the same form.
    pub update_time: String,
}

/// ListTopics' answer: a page, and how many topics the filters match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListTopicsResponse {
    /// The request's id.
    pub request_id: String,
    /// How many topics match, whatever the page.
    pub topic_count: i64,
    /// The page, newest first.
    pub topics: Vec<Topic>,
}

/// ListTopicDetails' answer: the topic, with the request's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TopicDetailsResponse {
    /// The request's id.
    pub request_id: String,
    /// The topic.
    #[serde(flatten)]
    pub topic: Topic,
}

/// UpdateTopic's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateTopicRequestBody {
    /// The new display name.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1, max = 192)))]
    pub display_name: String,
}

/// The answer of the operations that answer nothing but the request's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RequestIdResponse {
    /// The request's id.
    pub request_id: String,
}

/// A topic's attributes: each present when asked for (all, or the one `?name=` names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TopicAttributes {
    /// The topic's access policy (a policy document as a JSON string; `""` for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_policy: Option<String>,
    /// The topic's introduction (`""` for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<String>,
    /// When the topic was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// When the attributes last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
}

/// ListTopicAttributes' answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListTopicAttributesResponse {
    /// The request's id.
    pub request_id: String,
    /// The attributes.
    pub attributes: TopicAttributes,
}

/// UpdateTopicAttribute's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateTopicAttributeRequestBody {
    /// The attribute's new value (`""` clears it).
    pub value: String,
}
