//! Request and response bodies of the six operations.

use serde::{Deserialize, Serialize};

#[cfg(feature = "validator")]
use validator::Validate;

use crate::enums::{EventState, EventType, NotificationStatus, SecretType, TargetType};
#[cfg(feature = "validator")]
use crate::limits;

/// Where an event's notifications go. When the object is present, all three fields are required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "validator", derive(validator::Validate))]
pub struct Notification {
    /// The kind of target; only `SMN` is accepted.
    #[cfg_attr(feature = "validator", validate(custom(function = crate::validation::known_target_type)))]
    pub target_type: TargetType,
    /// The target's id, usually a topic URN `urn:smn:{region}:{project_id}:{topic}`.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::target_id"))]
    #[cfg_attr(feature = "validator", validate(custom(function = crate::validation::target_id)))]
    pub target_id: String,
    /// The target's name, the SMN topic name.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::target_name"))]
    #[cfg_attr(feature = "validator", validate(custom(function = crate::validation::target_name)))]
    pub target_name: String,
}

/// A named subscription: which event types notify which target, and whether it is enabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "validator", derive(validator::Validate))]
pub struct Event {
    /// The event's name, unique in its project, never changed.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::event_name"))]
    #[cfg_attr(feature = "validator", validate(custom(function = crate::validation::event_name)))]
    pub name: String,
    /// A lower-case UUID given at creation, never changed.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::event_id"))]
    pub event_id: String,
    /// The basic event types that trigger a notification: unique, 1 to 12 items.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::event_types"))]
    #[cfg_attr(feature = "validator", validate(length(min = crate::validation::count(limits::EVENT_TYPES_MIN_ITEMS), max = crate::validation::count(limits::EVENT_TYPES_MAX_ITEMS)), custom(function = crate::validation::known_event_types), custom(function = crate::validation::unique_event_types)))]
    pub event_types: Vec<EventType>,
    /// Whether the event produces notifications.
    #[cfg_attr(feature = "validator", validate(custom(function = crate::validation::known_state)))]
    pub state: EventState,
    /// Creation time, epoch milliseconds.
    pub create_time: i64,
    /// Time of the last change, epoch milliseconds.
    pub update_time: i64,
    /// The notification target.
    #[cfg_attr(feature = "validator", validate(nested))]
    pub notification: Notification,
}

/// Body of CreateSecretEvent (`POST /v1/{project_id}/csms/events`). Every field is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "validator", derive(validator::Validate))]
pub struct CreateSecretEventRequestBody {
    /// The new event's name.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::event_name"))]
    #[cfg_attr(feature = "validator", validate(custom(function = crate::validation::event_name)))]
    pub name: String,
    /// The basic event types: unique, 1 to 12 items.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::event_types"))]
    #[cfg_attr(feature = "validator", validate(length(min = crate::validation::count(limits::EVENT_TYPES_MIN_ITEMS), max = crate::validation::count(limits::EVENT_TYPES_MAX_ITEMS)), custom(function = crate::validation::known_event_types), custom(function = crate::validation::unique_event_types)))]
    pub event_types: Vec<EventType>,
    /// Whether the event is enabled.
    #[cfg_attr(feature = "validator", validate(custom(function = crate::validation::known_state)))]
    pub state: EventState,
    /// The notification target.
    #[cfg_attr(feature = "validator", validate(nested))]
    pub notification: Notification,
}

/// Body of UpdateSecretEvent (`PUT /v1/{project_id}/csms/events/{event_name}`): a partial update.
///
/// An absent (or `null`) field leaves the stored value as it is; a present `event_types` or
/// `notification` replaces the whole stored value. `{}` is a valid no-op.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "validator", derive(validator::Validate))]
pub struct UpdateSecretEventRequestBody {
    /// The new state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "validator", validate(custom(function = crate::validation::known_state)))]
    pub state: Option<EventState>,
    /// The new list of basic event types: unique, 1 to 12 items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::optional_event_types"))]
    #[cfg_attr(feature = "validator", validate(length(min = crate::validation::count(limits::EVENT_TYPES_MIN_ITEMS), max = crate::validation::count(limits::EVENT_TYPES_MAX_ITEMS)), custom(function = crate::validation::known_event_types), custom(function = crate::validation::unique_event_types)))]
    pub event_types: Option<Vec<EventType>>,
    /// The new notification target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "validator", validate(nested))]
    pub notification: Option<Notification>,
}

impl UpdateSecretEventRequestBody {
    /// Whether the update changes nothing (every field absent).
    pub fn is_empty(&self) -> bool {
        self.state.is_none() && self.event_types.is_none() && self.notification.is_none()
    }
}

/// Response of CreateSecretEvent, ShowSecretEvent and UpdateSecretEvent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SecretEventResponse {
    /// The event as stored after the operation.
    pub event: Event,
}

/// Paging state of a list response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PageInfo {
    /// Name of the last item on this page, present only when more items follow: pass it as `marker`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    /// Name of the first item on this page, absent on an empty page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_marker: Option<String>,
    /// Number of items on this page.
    pub current_count: i32,
}

/// Response of ListSecretEvents (`GET /v1/{project_id}/csms/events`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListSecretEventsResponse {
    /// The page of events, in ascending name order.
    pub events: Vec<Event>,
    /// Where the page sits.
    pub page_info: PageInfo,
}

/// One notification an event produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Record {
    /// Name of the event that fired.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "crate::schema::event_name"))]
    pub event_name: String,
    /// The basic event type that fired.
    pub trigger_event_type: EventType,
    /// When the notification was sent, epoch milliseconds.
    pub create_time: i64,
    /// The secret the event happened to.
    pub secret_name: String,
    /// The secret's type.
    pub secret_type: SecretType,
    /// Copy of the event's `notification.target_name` at the time.
    pub notification_target_name: String,
    /// Copy of the event's `notification.target_id` at the time.
    pub notification_target_id: String,
    /// The JSON document that was sent.
    pub notification_content: String,
    /// The outcome.
    pub notification_status: NotificationStatus,
}

/// Response of ListNotificationRecords (`GET /v1/{project_id}/csms/notification-records`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListNotificationRecordsResponse {
    /// Records, newest first, at most 1000.
    pub records: Vec<Record>,
    /// Where the page sits (always sent; upstream's example leaves it out).
    #[serde(default)]
    pub page_info: PageInfo,
}
