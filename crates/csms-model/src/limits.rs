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

/// Bytes that answers larger than 64 KiB may hold in all while their clients have not read them, unless
/// configured otherwise; a large answer beyond it is refused 503 with `Retry-After`.
pub const DEFAULT_ANSWER_BUDGET_BYTES: usize = 64 * 1024 * 1024;

/// How many resources (secrets and groups) of a project may carry grants, unless configured otherwise.
pub const DEFAULT_GRANT_QUOTA: u64 = 1_000;
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

// The secret family: stages, tags, backups, passwords, batches, scheduled rotation.

/// A stage's name, in the path (`{stage_name}`).
pub const STAGE_NAME: StringRule = StringRule { min_len: 1, max_len: 64, charset: "[a-zA-Z0-9_-]" };
/// Most stages one secret carries (SYSCURRENT and SYSPREVIOUS included).
pub const MAX_STAGES_PER_SECRET: usize = 12;
/// The `version_id` of UpdateSecretStage, as upstream writes it (no end anchor: `v`, digits, anything).
pub const STAGE_VERSION_ID_PATTERN: &str = "^v[0-9]{0,63}";

/// A secret's id, as the tag operations address it (a UUID: 36 characters).
pub const SECRET_ID_LEN: usize = 36;
/// Longest tag key, in characters.
pub const TAG_KEY_MAX_CHARS: usize = 128;
/// Longest tag value, in characters.
pub const TAG_VALUE_MAX_CHARS: usize = 255;
/// Longest `{key}` of DeleteSecretTag, in characters.
pub const TAG_PATH_KEY_MAX_CHARS: usize = 255;
/// The characters of a tag key: letters, separators, digits and `_ . : = + - @`.
pub const TAG_KEY_CHARSET: &str = r"[\p{L}\p{Z}\p{N}_.:=+\-@]";
/// The characters of a tag value: a key's, and `/`.
pub const TAG_VALUE_CHARSET: &str = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]";
/// The prefix no tag key may have (the system's).
pub const TAG_RESERVED_PREFIX: &str = "_sys_";
/// Most tags one secret carries, and most tags in one BatchCreateOrDeleteTags.
pub const MAX_TAGS_PER_SECRET: usize = 20;
/// ListResourceInstances: the page size's range and its default.
pub const RESOURCE_LIMIT: std::ops::RangeInclusive<i64> = 1..=1000;
/// ListResourceInstances: the page size when none is given.
pub const RESOURCE_LIMIT_DEFAULT: i64 = 10;
/// The largest `offset` of ListResourceInstances (four digits, as upstream bounds its string).
pub const RESOURCE_OFFSET_MAX: i64 = 9999;
/// The actions of BatchCreateOrDeleteTags.
pub const TAG_ACTIONS: &[&str] = &["create", "delete"];
/// The actions of ListResourceInstances: a page of the secrets found, or only how many.
pub const RESOURCE_ACTIONS: &[&str] = &["filter", "count"];
/// ListResourceInstances: most tag filters, most values in one, most name matches.
pub const RESOURCE_FILTERS_MAX: usize = 10;
/// The one key a ListResourceInstances match may have.
pub const MATCH_KEY: &str = "resource_name";
/// Longest `sequence` of the tag operations.
pub const SEQUENCE_MAX_LEN: usize = 36;

/// GenerateRandomPassword: the length when none is given.
pub const PASSWORD_LENGTH_DEFAULT: i64 = 32;
/// GenerateRandomPassword: the lengths accepted.
pub const PASSWORD_LENGTH: std::ops::RangeInclusive<i64> = 1..=4096;
/// GenerateRandomPassword: the punctuation class, the printable ASCII symbols.
pub const PASSWORD_PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// BatchGetSecretValue: most names in one call, and the longest name.
pub const BATCH_GET_MAX_NAMES: usize = 20;
/// BatchGetSecretValue: the longest name accepted (names of secrets are shorter).
pub const BATCH_GET_NAME_MAX_LEN: usize = 255;
/// BatchImportSecrets: most secrets in one call.
pub const BATCH_IMPORT_MAX_ITEMS: usize = 20;
/// Largest backup blob, in bytes.
pub const SECRET_BLOB_MAX_BYTES: usize = 5 * 1024 * 1024;

/// A rotation period `<n><unit>` (`d`, `h`, `m`, `s`): its longest text.
pub const ROTATION_PERIOD_MAX_LEN: usize = 50;
/// The rotation periods accepted, in seconds: 6 hours to 8,760 hours (365 days).
pub const ROTATION_PERIOD_SECONDS: std::ops::RangeInclusive<i64> = 6 * 3600..=8760 * 3600;

/// The form of a rotation period, for schemas (the bounds are [`ROTATION_PERIOD_SECONDS`]).
pub const ROTATION_PERIOD_PATTERN: &str = "^[0-9]{1,12}[dhms]$";

/// The seconds of a rotation period `<n><unit>` (`30d`, `6h`, `360m`, `21600s`), whatever its bounds.
///
/// ```
/// assert_eq!(csms_model::limits::period_seconds("1d"), Some(86_400));
/// assert_eq!(csms_model::limits::period_seconds("6x"), None);
/// ```
pub fn period_seconds(period: &str) -> Option<i64> {
    // The unit is the last character, whatever its width.
    let (at, _) = period.char_indices().last()?;
    let (digits, unit) = period.split_at(at);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 12 {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    let unit = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => return None,
    };
    n.checked_mul(unit)
}

/// The largest body of an operation, in bytes: [`MAX_BODY_BYTES`] but for the two that carry more (a
/// backup blob; a batch of secrets).
pub fn max_body_bytes(operation: crate::Operation) -> usize {
    match operation {
        crate::Operation::UploadSecretBlob => SECRET_BLOB_MAX_BYTES + 16 * 1024,
        crate::Operation::BatchImportSecrets => BATCH_IMPORT_MAX_ITEMS * MAX_BODY_BYTES,
        _ => MAX_BODY_BYTES,
    }
}

/// The secret types whose rotation needs agencies and a function (CreateAgency, ShowAgency,
/// ShowSecretFunctionTemplates).
pub const ROTATED_SECRET_TYPES: &[&str] = &["RDS-FG", "GaussDB-FG"];
/// The account kinds of a rotation function template.
pub const SECRET_SUB_TYPES: &[&str] = &["SingleUser", "MultiUser"];
/// The database engines of an RDS-FG rotation function template (required for RDS-FG, refused for others).
pub const TEMPLATE_ENGINES: &[&str] = &["mysql", "postgresql", "sqlserver"];
/// The checks CheckSecrets makes.
pub const CHECK_TYPES: &[&str] = &["STRENGTH"];

/// A grant's resource and grantee ids: 1 to 64 characters.
pub const GRANT_ID_MAX_CHARS: usize = 64;
/// The kinds of granted resources (matched in any case, stored in upper case).
pub const GRANT_TYPES: &[&str] = &["SECRET", "GROUP"];
/// The kinds of grantees: `"0"` a user, `"2"` a group of users.
pub const GRANTEE_TYPES: &[&str] = &["0", "2"];
/// Most grantees of one resource.
pub const MAX_GRANTEES_PER_RESOURCE: usize = 100;

/// ListUsers' page size.
pub const USERS_LIMIT: std::ops::RangeInclusive<i64> = 10..=100;
/// ListUsers' largest `offset` (a page number).
pub const USERS_OFFSET_MAX: i64 = u32::MAX as i64;
/// The longest `user_info` of ListUsers.
pub const USER_INFO_MAX_CHARS: usize = 64;
/// A new user password's length, in characters.
pub const USER_PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 8..=128;
