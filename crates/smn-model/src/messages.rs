//! Messages: PublishMessage, what an HTTP(S) subscriber receives and how it is signed, and the record of
//! each delivery.

use serde::{Deserialize, Serialize};

/// A message attribute (for subscription filters upstream; kept with the message here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct MessageAttribute {
    /// Its name (1 to 32 characters).
    pub name: String,
    /// `STRING`, `STRING_ARRAY` or `PROTOCOL`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its value.
    pub value: serde_json::Value,
}

/// PublishMessage's body: at least one of `message_structure`, `message_template_name` and `message`, in
/// that precedence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PublishMessageRequestBody {
    /// The subject (at most 512 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The message (at most 256 KB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A JSON object, as a string, of a message per protocol: `default` (required), `http`, `https`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_structure: Option<String>,
    /// A message template's name (templates are not served here: refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_template_name: Option<String>,
    /// The template's variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<serde_json::Value>,
    /// How long the message may wait for delivery, in seconds, as a string (`"3600"` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_to_live: Option<String>,
    /// Attributes (at most 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_attributes: Option<Vec<MessageAttribute>>,
    /// The template's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// PublishMessage's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PublishMessageResponse {
    /// The request's id.
    pub request_id: String,
    /// The message's id: what every subscriber receives it as.
    pub message_id: String,
}

/// The kind of message an HTTP(S) subscriber receives (`X-SMN-MESSAGE-TYPE`, and `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageType {
    /// The confirmation a new subscription receives: its `subscribe_url` confirms it.
    SubscriptionConfirmation,
    /// A published message.
    Notification,
    /// Sent when a subscription is cancelled: its `subscribe_url` subscribes again.
    UnsubscribeConfirmation,
}

impl MessageType {
    /// Its name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::SubscriptionConfirmation => "SubscriptionConfirmation",
            MessageType::Notification => "Notification",
            MessageType::UnsubscribeConfirmation => "UnsubscribeConfirmation",
        }
    }
}

/// What an HTTP(S) subscriber receives, POSTed as JSON, every value a string. `signature` is SHA256withRSA
/// over [`HttpMessage::canonical`], Base64; the certificate at `signing_cert_url` verifies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpMessage {
    /// The kind of message.
    #[serde(rename = "type")]
    pub kind: MessageType,
    /// The topic's URN.
    pub topic_urn: String,
    /// The message's id (the same on every attempt).
    pub message_id: String,
    /// The message.
    pub message: String,
    /// The subject, when one was published (never `""`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The link that confirms (or, after an unsubscribe, renews) the subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribe_url: Option<String>,
    /// The link that cancels the subscription (on a notification).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe_url: Option<String>,
    /// When it was sent, UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub timestamp: String,
    /// Where the certificate that verifies `signature` is.
    pub signing_cert_url: String,
    /// `v1`.
    pub signature_version: String,
    /// The signature, once signed.
    #[serde(default)]
    pub signature: String,
}

impl HttpMessage {
    /// A notification of a published message.
    pub fn notification(
        topic_urn: &str,
        message_id: &str,
        message: &str,
        subject: Option<&str>,
        timestamp: &str,
        unsubscribe_url: &str,
        signing_cert_url: &str,
    ) -> Self {
        HttpMessage {
            kind: MessageType::Notification,
            topic_urn: topic_urn.to_owned(),
            message_id: message_id.to_owned(),
            message: message.to_owned(),
            subject: subject.filter(|s| !s.is_empty()).map(str::to_owned),
            subscribe_url: None,
            unsubscribe_url: Some(unsubscribe_url.to_owned()),
            timestamp: timestamp.to_owned(),
            signing_cert_url: signing_cert_url.to_owned(),
            signature_version: "v1".to_owned(),
            signature: String::new(),
        }
    }

    /// A confirmation (`SubscriptionConfirmation` or `UnsubscribeConfirmation`).
    pub fn confirmation(
        kind: MessageType,
        topic_urn: &str,
        message_id: &str,
        message: &str,
        timestamp: &str,
        subscribe_url: &str,
        signing_cert_url: &str,
    ) -> Self {
        HttpMessage {
            kind,
            topic_urn: topic_urn.to_owned(),
            message_id: message_id.to_owned(),
            message: message.to_owned(),
            subject: None,
            subscribe_url: Some(subscribe_url.to_owned()),
            unsubscribe_url: None,
            timestamp: timestamp.to_owned(),
            signing_cert_url: signing_cert_url.to_owned(),
            signature_version: "v1".to_owned(),
            signature: String::new(),
        }
    }

    /// What is signed: the signed members in dictionary order, each name on a line and its value on the
    /// next, every line ending in `\n`. A notification signs `message`, `message_id`, `subject` (when
    /// there is one), `timestamp`, `topic_urn` and `type`; a confirmation signs `subscribe_url` in place
    /// of `subject`.
    pub fn canonical(&self) -> String {
        let mut members: Vec<(&str, &str)> = vec![
            ("message", &self.message),
            ("message_id", &self.message_id),
            ("timestamp", &self.timestamp),
            ("topic_urn", &self.topic_urn),
            ("type", self.kind.as_str()),
        ];
        match self.kind {
            MessageType::Notification => {
                if let Some(subject) = self.subject.as_deref().filter(|s| !s.is_empty()) {
                    members.push(("subject", subject));
                }
            }
            _ => members.push(("subscribe_url", self.subscribe_url.as_deref().unwrap_or_default())),
        }
        members.sort_by_key(|(name, _)| *name);
        let mut out = String::new();
        for (name, value) in members {
            out.push_str(name);
            out.push('\n');
            out.push_str(value);
            out.push('\n');
        }
        out
    }
}

/// What became of one message to one subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct DeliveryRecord {
    /// The message's id.
    pub message_id: String,
    /// `SubscriptionConfirmation`, `Notification` or `UnsubscribeConfirmation`.
    pub message_type: String,
    /// The topic's URN.
    pub topic_urn: String,
    /// The subscription's URN.
    pub subscription_urn: String,
    /// Its protocol.
    pub protocol: String,
    /// Its endpoint.
    pub endpoint: String,
    /// `SUCCESS` (the endpoint answered 2xx), `FAIL` (it refused, or every attempt failed) or `NOT_SENT`
    /// (a protocol this service does not deliver to).
    pub status: String,
    /// Attempts made.
    pub attempts: u32,
    /// Why it failed, or why it was not sent (`""` on success).
    pub reason: String,
    /// When the message was published, epoch milliseconds.
    pub create_time: i64,
    /// When the delivery ended, epoch milliseconds.
    pub end_time: i64,
}

/// ListMessageDeliveries' answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListDeliveriesResponse {
    /// The request's id.
    pub request_id: String,
    /// The deliveries, newest first.
    pub deliveries: Vec<DeliveryRecord>,
}

/// Epoch milliseconds as SMN writes times: UTC `YYYY-MM-DDTHH:MM:SSZ` (the proleptic Gregorian
/// calendar; times before 1970 are written as 1970-01-01T00:00:00Z).
///
/// ```
/// assert_eq!(smn_model::smn_time(0), "1970-01-01T00:00:00Z");
/// assert_eq!(smn_model::smn_time(1_796_638_400_123), "2026-12-07T10:13:20Z");
/// ```
pub fn smn_time(ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}
