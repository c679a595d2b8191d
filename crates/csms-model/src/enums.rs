//! String enumerations that keep values they do not know.
//!
//! A client must not break when the service adds a value, so every enum has an `Unknown` variant holding
//! the string as received; it is written back unchanged. The validator rejects `Unknown` on input.

use std::fmt;

/// What every string enum of the model shares: the values this version knows, and the value as sent.
///
/// The validator (`csms-validate`), the JSON Schemas and the docs read [`StringEnum::KNOWN`]; no other
/// list of enum values exists.
///
/// ```
/// use csms_model::{EventState, StringEnum};
///
/// assert_eq!(EventState::KNOWN, ["ENABLED", "DISABLED"]);
/// assert!(EventState::from("ENABLED").is_known());
/// assert_eq!(EventState::from("PAUSED").as_str(), "PAUSED");
/// ```
pub trait StringEnum: for<'a> From<&'a str> {
    /// Every value this version knows, in documentation order (the enum value set of the schemas).
    const KNOWN: &'static [&'static str];

    /// The value as it appears on the wire.
    fn as_str(&self) -> &str;

    /// Whether this is one of the [`KNOWN`](Self::KNOWN) values (not `Unknown`).
    fn is_known(&self) -> bool;

    /// The value as one of [`KNOWN`](Self::KNOWN), or `"UNKNOWN"`: a label from a bounded set.
    ///
    /// ```
    /// use csms_model::{StringEnum, TaskStatus};
    /// assert_eq!(TaskStatus::Success.known_str(), "SUCCESS");
    /// assert_eq!(TaskStatus::from("LATER").known_str(), "UNKNOWN");
    /// ```
    fn known_str(&self) -> &'static str {
        Self::KNOWN.iter().copied().find(|k| *k == self.as_str()).unwrap_or("UNKNOWN")
    }
}

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept as received.
            Unknown(String),
        }

        impl StringEnum for $name {
            const KNOWN: &'static [&'static str] = &[$($wire),+];

            fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(s) => s.as_str(),
                }
            }

            fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match Self::from(s.as_str()) {
                    Self::Unknown(_) => Self::Unknown(s),
                    known => known,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(Self::from)
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                // Only the known values: the schema says what the service accepts and writes.
                schemars::json_schema!({ "type": "string", "enum": Self::KNOWN })
            }
        }
    };
}

string_enum! {
    /// Whether an event produces notifications (`state`).
    EventState {
        /// The event produces notifications.
        Enabled => "ENABLED",
        /// The event is kept but produces nothing.
        Disabled => "DISABLED",
    }
}

string_enum! {
    /// A basic secret-lifecycle event type (`event_types` items, `trigger_event_type`).
    EventType {
        /// A new secret version was created.
        SecretVersionCreated => "SECRET_VERSION_CREATED",
        /// A secret version expired.
        SecretVersionExpired => "SECRET_VERSION_EXPIRED",
        /// The secret was rotated.
        SecretRotated => "SECRET_ROTATED",
        /// The secret was deleted.
        SecretDeleted => "SECRET_DELETED",
        /// A rotation of the secret failed (added upstream after the seed document).
        SecretRotatedFailed => "SECRET_ROTATED_FAILED",
    }
}

string_enum! {
    /// The kind of notification target (`notification.target_type`).
    TargetType {
        /// A Simple Message Notification topic, the only kind upstream supports.
        Smn => "SMN",
    }
}

string_enum! {
    /// The outcome of one notification (`Record.notification_status`).
    NotificationStatus {
        /// The notification was delivered to the topic.
        Success => "SUCCESS",
        /// Delivery failed.
        Fail => "FAIL",
        /// The topic configuration is invalid, so nothing could be sent.
        Invalid => "INVALID",
    }
}

string_enum! {
    /// The type of the secret whose event fired (`Record.secret_type`).
    SecretType {
        /// An ordinary secret.
        Common => "COMMON",
        /// An RDS secret rotated by FunctionGraph.
        RdsFg => "RDS-FG",
        /// A GaussDB secret rotated by FunctionGraph.
        GaussDbFg => "GaussDB-FG",
    }
}

string_enum! {
    /// The lifecycle state of a secret (`Secret.state`).
    SecretState {
        /// The secret can be read and changed.
        Enabled => "ENABLED",
        /// The secret is kept but its value cannot be read.
        Disabled => "DISABLED",
        /// A deletion is scheduled (`scheduled_delete_time`); it can still be restored.
        PendingDelete => "PENDING_DELETE",
        /// The secret is frozen by the cloud and cannot be used.
        Frozen => "FROZEN",
    }
}

string_enum! {
    /// The state of a rotation task (`SecretTask.task_status`).
    TaskStatus {
        /// Created, not finished yet.
        Pending => "PENDING",
        /// The rotation made a new version.
        Success => "SUCCESS",
        /// The rotation failed; `task_error_code` and `task_error_msg` say why.
        Failed => "FAILED",
    }
}

impl Default for SecretType {
    /// `COMMON`, as CreateSecret assumes when no type is given.
    fn default() -> Self {
        SecretType::Common
    }
}
