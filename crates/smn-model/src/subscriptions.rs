//! Subscriptions: an endpoint subscribed to a topic by a protocol, confirmed through a link before it
//! receives messages.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A subscription's state, as SMN numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionStatus {
    /// 0: waiting for its confirmation link to be visited.
    Unconfirmed = 0,
    /// 1: confirmed: it receives messages.
    Confirmed = 1,
    /// 3: unsubscribed through its link (kept, listed, sent nothing).
    Cancelled = 3,
}

impl SubscriptionStatus {
    /// The number on the wire.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The state of a number on the wire, if it is one this service gives.
    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            0 => Some(Self::Unconfirmed),
            1 => Some(Self::Confirmed),
            3 => Some(Self::Cancelled),
            _ => None,
        }
    }
}

/// What an HTTP(S) subscription carries besides its endpoint: headers sent with every message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SubscriptionExtension {
    /// Headers sent with every message to the endpoint (at most 10; not `x-smn-*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<BTreeMap<String, String>>,
    /// Members of other protocols' extensions (`client_id`, `keyword`, ...): kept as given.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// One subscription to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SubscriptionRequest {
    /// How messages reach the endpoint: one of [`crate::limits::PROTOCOLS`].
    pub protocol: String,
    /// Where messages go (`http://...` or `https://...` for those protocols).
    pub endpoint: String,
    /// A note (at most 128 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// Headers and other protocols' settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<SubscriptionExtension>,
}

/// AddSubscription's body: one subscription, and possibly more in `subscriptions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct AddSubscriptionRequestBody {
    /// How messages reach the endpoint.
    pub protocol: String,
    /// Where messages go.
    pub endpoint: String,
    /// A note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// Headers and other protocols' settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<SubscriptionExtension>,
    /// More subscriptions to make at once (1 to 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriptions: Option<Vec<SubscriptionRequest>>,
}

impl AddSubscriptionRequestBody {
    /// Every subscription the body asks for: its own, then those of `subscriptions`.
    pub fn all(&self) -> Vec<SubscriptionRequest> {
        let first = SubscriptionRequest {
            protocol: self.protocol.clone(),
            endpoint: self.endpoint.clone(),
            remark: self.remark.clone(),
            extension: self.extension.clone(),
        };
        std::iter::once(first).chain(self.subscriptions.iter().flatten().cloned()).collect()
    }
}

/// The answer of AddSubscription and UpdateSubscription: the subscription's URN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SubscriptionUrnResponse {
    /// The request's id.
    pub request_id: String,
    /// The subscription's URN (of the first, for several).
    pub subscription_urn: String,
}

/// A subscription as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SubscriptionItem {
    /// Its topic's URN.
    pub topic_urn: String,
    /// Its URN: the topic's, then 32 hexadecimal characters.
    pub subscription_urn: String,
    /// Its protocol, as given.
    pub protocol: String,
    /// Its endpoint, as given.
    pub endpoint: String,
    /// Its note (`""` for none).
    pub remark: String,
    /// 0 unconfirmed, 1 confirmed, 3 unsubscribed.
    pub status: i32,
    /// The project that owns it.
    pub owner: String,
    /// Its settings, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<SubscriptionExtension>,
}

/// ListSubscriptions' and ListSubscriptionsByTopic's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListSubscriptionsResponse {
    /// The request's id.
    pub request_id: String,
    /// How many subscriptions match, whatever the page.
    pub subscription_count: i64,
    /// The page, oldest first.
    pub subscriptions: Vec<SubscriptionItem>,
}

/// UpdateSubscription's body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateSubscriptionRequestBody {
    /// The new note (at most 128 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// A verification code (for protocols that have one; accepted and ignored here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_code: Option<String>,
}

/// The answer of a confirmation link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ConfirmResponse {
    /// The request's id.
    pub request_id: String,
    /// The subscription confirmed.
    pub subscription_urn: String,
}

/// The answer of an unsubscribe link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UnsubscribeResponse {
    /// What happened.
    pub message: String,
}
