//! Every bound, pattern and size of the interface, written once.
//!
//! The validator (`csms-validate`), the JSON Schemas (`cargo xtask schemas`) and the HTTP layer all read
//! these constants; nothing else in the project spells out a bound or a pattern.

/// A string rule: a length range and the class every character must belong to.
///
/// The regular expression of a rule is derived, never written by hand: see [`StringRule::pattern`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringRule {
    /// Shortest allowed length, in characters.
    pub min_len: usize,
    /// Longest allowed length, in characters.
    pub max_len: usize,
    /// A regular-expression character class (the same in Rust's `regex` and in ECMA-262).
    pub charset: &'static str,
}

impl StringRule {
    /// The anchored pattern `^{charset}{min,max}$`, as published in the schemas.
    ///
    /// ```
    /// assert_eq!(csms_model::limits::EVENT_NAME.pattern(), "^[a-zA-Z0-9_-]{1,64}$");
    /// ```
    pub fn pattern(&self) -> String {
        format!("^{}{{{},{}}}$", self.charset, self.min_len, self.max_len)
    }
}

/// An event name, in the request body (`name`) and in the path (`{event_name}`).
pub const EVENT_NAME: StringRule = StringRule { min_len: 1, max_len: 64, charset: "[a-zA-Z0-9_-]" };

/// The `{project_id}` path parameter (real project ids are 32 hex characters).
pub const PROJECT_ID: StringRule = StringRule { min_len: 1, max_len: 64, charset: "[a-zA-Z0-9_-]" };

/// The `marker` query parameter of ListSecretEvents: a position in name order. Upstream allows a dot here.
pub const MARKER: StringRule = StringRule { min_len: 1, max_len: 64, charset: "[a-zA-Z0-9._-]" };

/// `notification.target_id`, usually an SMN topic URN.
pub const TARGET_ID: StringRule = StringRule { min_len: 1, max_len: 256, charset: "[a-zA-Z0-9._:-]" };

/// `notification.target_name`, the SMN topic name.
pub const TARGET_NAME: StringRule = StringRule { min_len: 1, max_len: 64, charset: "[a-zA-Z0-9_-]" };

/// Fewest items of `event_types`, on create, on update and in every stored event.
pub const EVENT_TYPES_MIN_ITEMS: usize = 1;
/// Most items of `event_types`.
pub const EVENT_TYPES_MAX_ITEMS: usize = 12;

/// Smallest `limit` of ListSecretEvents.
pub const LIST_LIMIT_MIN: u32 = 1;
/// Largest `limit` of ListSecretEvents, and the most events in one page.
pub const LIST_LIMIT_MAX: u32 = 1000;
/// The page size when `limit` is absent.
pub const LIST_LIMIT_DEFAULT: u32 = 50;

/// Most notification records in one ListNotificationRecords response.
pub const RECORDS_MAX: usize = 1000;
/// How long notification records are kept, in days.
pub const RECORD_RETENTION_DAYS: i64 = 90;

/// How far the `X-Sdk-Date` of an AK/SK-signed request may be from the server's clock, in minutes.
pub const SIGNATURE_MAX_SKEW_MINUTES: i64 = 15;

/// Largest request body accepted, in bytes; a larger one is answered 413 without being read further. It
/// admits every body the value rule admits: the largest value (`SECRET_VALUE_MAX_BYTES`) written with
/// every byte escaped as JSON allows (`\u0000`, six bytes for one), and 16 KiB for the other members.
pub const MAX_BODY_BYTES: usize = 6 * SECRET_VALUE_MAX_BYTES + 16 * 1024;

/// Events a project may hold unless configured otherwise.
pub const DEFAULT_EVENT_QUOTA: u64 = 10_000;

// Secrets (part 2 of the contract).

/// A secret name, in the body (`name`) and in the path (`{secret_name}`).
pub const SECRET_NAME: StringRule = StringRule { min_len: 1, max_len: 64, charset: "[a-zA-Z0-9_-]" };
/// Largest secret value: `secret_string` in UTF-8 bytes, `secret_binary` decoded.
pub const SECRET_VALUE_MAX_BYTES: usize = 32 * 1024;
/// Longest secret `description`, in characters.
pub const SECRET_DESCRIPTION_MAX_CHARS: usize = 2048;
/// Most items of a secret's `event_subscriptions`.
pub const EVENT_SUBSCRIPTIONS_MAX_ITEMS: usize = 1;
/// Most versions a secret keeps: a new one beyond removes the oldest version that holds no stage.
pub const MAX_VERSIONS_PER_SECRET: usize = 20;
/// Fewest and most days of a scheduled deletion's `recovery_window_in_days`.
pub const RECOVERY_WINDOW_DAYS: std::ops::RangeInclusive<i64> = 7..=30;
/// Secrets a project may hold unless configured otherwise.
pub const DEFAULT_SECRET_QUOTA: u64 = 500;
/// Fewest and most items of a version's `version_stages`.
pub const VERSION_STAGES_MIN_ITEMS: usize = 1;
/// Most items of a version's `version_stages`.
pub const VERSION_STAGES_MAX_ITEMS: usize = 12;
/// Longest `task_id` or task `marker` of ListSecretTask (a UUID is 36).
pub const TASK_ID_MAX_LEN: usize = 64;
/// Milliseconds in a day: the unit of the recovery window and the record retention.
pub const MS_PER_DAY: i64 = 24 * 3600 * 1000;
/// Latest `expire_time` accepted, as upstream documents it (epoch milliseconds, 13 digits).
pub const EXPIRE_TIME_MAX: i64 = 9_999_999_999_999;
/// A version stage name (`SYSCURRENT`, `SYSPREVIOUS` or one of the caller's); upstream documents no
/// pattern, so this service takes the one of names.
pub const VERSION_STAGE: StringRule = StringRule { min_len: 1, max_len: 64, charset: "[a-zA-Z0-9_-]" };

// Events that fire (part 2 of the contract).

/// Most delivery attempts of one notification before it is `FAIL`.
pub const DELIVERY_MAX_ATTEMPTS: u32 = 5;
/// The time within which a notification's attempts are made, in seconds: the backoff fits them in it.
pub const DELIVERY_WINDOW_SECONDS: u64 = 120;
/// Seconds between two runs of the expiry scan, the scheduled-deletion executor and the record purge,
/// unless configured otherwise.
pub const DEFAULT_SCAN_INTERVAL_SECONDS: u64 = 60;

/// How long an ended rotation task is kept for ListSecretTask, in days; the scan purges older ones.
pub const TASK_RETENTION_DAYS: i64 = 7;
/// Most ended rotation tasks a project keeps: past it, the oldest ended one goes when another ends.
pub const ENDED_TASKS_PER_PROJECT: usize = 1000;
