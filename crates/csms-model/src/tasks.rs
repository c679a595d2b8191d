//! Rotation tasks (RotateSecret, ListSecretTask) and the message an event publishes when it fires.

use serde::{Deserialize, Serialize};

use crate::enums::{EventType, TaskStatus};

/// A rotation task, as ListSecretTask shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SecretTask {
    /// The task's id, a UUID.
    pub task_id: String,
    /// The secret being rotated.
    pub secret_name: String,
    /// The secret's rotating function (echoed from the secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_func_urn: Option<String>,
    /// PENDING, then SUCCESS or FAILED.
    pub task_status: TaskStatus,
    /// How the rotation was started (`MANUAL_ROTATION`).
    pub operate_type: String,
    /// When the task was created, epoch milliseconds.
    pub task_time: i64,
    /// Rotation attempts made.
    pub attempt_nums: i64,
    /// Why the task failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_error_code: Option<String>,
    /// Why the task failed, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_error_msg: Option<String>,
}

/// Response of RotateSecret (`POST /v1/{project_id}/secrets/{secret_name}/rotate`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RotateSecretResponse {
    /// The version the rotation makes when it succeeds.
    #[serde(default)]
    pub version_id: String,
    /// The secret being rotated.
    #[serde(default)]
    pub secret_name: String,
    /// The task to poll with ListSecretTask.
    pub rotation_task_id: String,
}

/// Response of ListSecretTask (`GET /v1/{project_id}/csms/tasks`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ListSecretTaskResponse {
    /// The page of tasks, in ascending task id order.
    pub tasks: Vec<SecretTask>,
    /// How many tasks match the filters.
    pub total: i64,
    /// The marker of the next page, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

/// What an event publishes when it fires (and what its record's `notification_content` holds, as a
/// string): camelCase, times in ISO-8601 UTC with milliseconds, as upstream's example.
///
/// ```
/// use csms_model::{EventType, NotificationMessage, NotificationData};
///
/// let message = NotificationMessage {
///     event_name: "alerts".into(),
///     event_type: EventType::SecretVersionCreated,
///     event_time: "2023-03-29T21:00:42.308Z".into(),
///     data: NotificationData {
///         secret_id: "fde3d6ba-cb31-40b0-b6c4-78757050f8c8".into(),
///         secret_name: "db".into(),
///         create_time: "2023-03-22T20:43:04.000Z".into(),
///         update_time: "2023-03-29T17:02:13.000Z".into(),
///         version_id: Some("v2".into()),
///         version_expire_time: None,
///     },
/// };
/// let json = serde_json::to_string(&message).unwrap();
/// assert!(json.starts_with(r#"{"eventName":"alerts","eventType":"SECRET_VERSION_CREATED","eventTime":"#));
/// assert!(json.contains(r#""versionId":"v2""#) && !json.contains("versionExpireTime"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationMessage {
    /// The event that fired.
    pub event_name: String,
    /// The basic event type.
    pub event_type: EventType,
    /// When it fired.
    pub event_time: String,
    /// The secret it fired on.
    pub data: NotificationData,
}

/// The `data` of a [`NotificationMessage`]: the secret, and the version where the type has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationData {
    /// The secret's id.
    pub secret_id: String,
    /// The secret's name.
    pub secret_name: String,
    /// The secret's creation time.
    pub create_time: String,
    /// The secret's last change.
    pub update_time: String,
    /// The version concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// The version's expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_expire_time: Option<String>,
}
