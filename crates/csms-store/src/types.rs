//! The values the store takes and answers, besides the wire types of `csms-model`.

use csms_model::{Event, Record, SecretTask, SecretValue, TargetType, TaskStatus};
use serde::{Deserialize, Serialize};

/// An event as stored, with the version that changes on every write to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The event.
    pub event: Event,
    /// 1 at creation, incremented by every update that changes something.
    pub version: u64,
}

impl Stored {
    /// Which version of which event this is.
    pub fn revision(&self) -> Revision {
        Revision { event_id: self.event.event_id.clone(), version: self.version }
    }
}

/// One version of one event: the event id (new at every creation, so a deleted and re-created event never
/// matches) and the version number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Revision {
    /// The event's id.
    pub event_id: String,
    /// The event's version.
    pub version: u64,
}

impl Revision {
    /// Whether `stored` is this revision.
    pub fn is(&self, stored: &Stored) -> bool {
        self.version == stored.version && self.event_id == stored.event.event_id
    }
}

/// A condition an update or delete must meet, checked inside the write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Precondition {
    /// No condition.
    #[default]
    None,
    /// The event must exist (it must anyway).
    Exists,
    /// The event's current revision must be one of these; an empty list matches nothing.
    OneOf(Vec<Revision>),
}

impl Precondition {
    /// Whether `current` satisfies the condition.
    pub fn holds(&self, current: &Stored) -> bool {
        match self {
            Precondition::None | Precondition::Exists => true,
            Precondition::OneOf(revisions) => revisions.iter().any(|r| r.is(current)),
        }
    }
}

/// One event as its JSON document, with its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDocument {
    /// The event's name.
    pub name: String,
    /// The event, as `Event` serialises to JSON.
    pub json: String,
}

/// One event as its JSON document, with its revision (for its entity tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    /// The event, as `Event` serialises to JSON.
    pub json: String,
    /// Which version of which event this is.
    pub revision: Revision,
}

/// Which tasks ListSecretTask asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskFilter {
    /// Only the tasks of this secret.
    pub secret_name: Option<String>,
    /// Only the tasks in this state.
    pub status: Option<TaskStatus>,
    /// Only this task.
    pub task_id: Option<String>,
    /// Only the tasks with ids after this one.
    pub after: Option<String>,
}

/// A version's value as given: text (`secret_string`) or base64 (`secret_binary`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// UTF-8 text.
    String(SecretValue),
    /// Base64 of binary data, kept as given.
    Binary(SecretValue),
}

impl Payload {
    pub(crate) fn value(&self) -> &SecretValue {
        match self {
            Payload::String(v) | Payload::Binary(v) => v,
        }
    }
}

/// What caused a change: when, and the request it came from (whose id the delivery of its notifications
/// logs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The time of the change, epoch milliseconds.
    pub now: i64,
    /// The id of the request that made it, if a request did.
    pub request_id: Option<String>,
}

impl Origin {
    /// A change at `now` made by the request `request_id`.
    pub fn new(now: i64, request_id: Option<String>) -> Self {
        Origin { now, request_id }
    }
}

/// What a new version asks for besides its value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewVersion {
    /// The stages the new version takes (`SYSCURRENT` when absent).
    pub version_stages: Option<Vec<String>>,
    /// When it expires, epoch milliseconds (stored with second precision).
    pub expire_time: Option<i64>,
}

/// A notification waiting in the outbox: the record it becomes once delivered (its status is set then),
/// and how to deliver it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The outbox row.
    #[serde(skip)]
    pub id: i64,
    /// The project whose event fired.
    #[serde(skip)]
    pub project: String,
    /// Delivery attempts made so far.
    #[serde(skip)]
    pub attempts: u32,
    /// The record, with the event's target as it was when it fired and the published message.
    pub record: Record,
    /// The target's type (`SMN`).
    pub target_type: TargetType,
    /// The subject published with the message.
    pub subject: String,
    /// The request that caused it.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// A message to one SMN subscription waiting in the outbox: what is POSTed to its endpoint, and the
/// record it becomes once its delivery ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmnDelivery {
    /// The outbox row.
    #[serde(skip)]
    pub id: i64,
    /// The project of the topic.
    #[serde(skip)]
    pub project: String,
    /// Delivery attempts made so far.
    #[serde(skip)]
    pub attempts: u32,
    /// What kind of message it is.
    pub kind: smn_model::MessageType,
    /// The topic's URN.
    pub topic_urn: String,
    /// The subscription's URN.
    pub subscription_urn: String,
    /// The subscription's protocol (`http` or `https`).
    pub protocol: String,
    /// Where it goes.
    pub endpoint: String,
    /// The subscription's extension headers.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    /// The message's id: the same on every attempt, and to every subscription of one publish.
    pub message_id: String,
    /// The subject published, if any.
    #[serde(default)]
    pub subject: Option<String>,
    /// The message for the subscription's protocol.
    pub message: String,
    /// The subscription's confirmation token, when it had one (the links of a confirmation carry it).
    #[serde(default)]
    pub token: Option<String>,
    /// When it was published, epoch milliseconds.
    pub create_time: i64,
    /// The request that published it.
    #[serde(default)]
    pub request_id: Option<String>,
}

impl SmnDelivery {
    /// The outbox document of `delivery`: `{"smn": {...}}`, told apart from a notification's by its one
    /// member.
    pub(crate) fn outbox_doc(delivery: &SmnDelivery) -> serde_json::Result<String> {
        serde_json::to_string(&OutboxDoc::Smn { smn: delivery.clone() })
    }
}

/// What an outbox row holds.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum OutboxDoc {
    /// A message to an SMN subscription.
    Smn {
        /// The message.
        smn: SmnDelivery,
    },
    /// A CSMS notification.
    Notice(Notice),
}

/// A claimed outbox row: a CSMS notification to its target, or a message to one SMN subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// A CSMS event's notification.
    Notice(Notice),
    /// A message to one SMN subscription.
    Smn(SmnDelivery),
}

impl Outgoing {
    /// The notification, if it is one.
    pub fn notice(self) -> Option<Notice> {
        match self {
            Outgoing::Notice(notice) => Some(notice),
            Outgoing::Smn(_) => None,
        }
    }

    /// The outbox row's id.
    pub fn id(&self) -> i64 {
        match self {
            Outgoing::Notice(n) => n.id,
            Outgoing::Smn(d) => d.id,
        }
    }
}

/// A rotation task claimed for running, with the request that started it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedTask {
    /// The secret's project.
    pub project: String,
    /// The task.
    pub task: SecretTask,
    /// The RotateSecret request that created it.
    pub request_id: Option<String>,
}

/// Why a rotation produced no value: a code of the error table and what went wrong (never a value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationError {
    /// The task's `task_error_code`.
    pub code: csms_model::ErrorCode,
    /// The task's `task_error_msg`.
    pub message: String,
}

impl RotationError {
    /// A failure with `code` and `message`.
    pub fn new(code: csms_model::ErrorCode, message: impl Into<String>) -> Self {
        RotationError { code, message: message.into() }
    }
}

/// How a rotation ended: the new value, or why there is none.
pub type RotationOutcome = Result<Payload, RotationError>;

/// Epoch milliseconds as upstream's messages write times: ISO-8601 UTC with milliseconds.
pub fn iso_millis(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}
