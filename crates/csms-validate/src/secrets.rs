//! The rules of the secrets' request bodies and path parameters (part 2 of the contract), walked as JSON
//! values like the events' bodies: every violation at once, each with its JSON-pointer path.

use std::sync::LazyLock;

use csms_model::limits::{self, SECRET_DESCRIPTION_MAX_CHARS, SECRET_VALUE_MAX_BYTES};
use csms_model::{
    CreateSecretRequestBody, CreateSecretVersionRequestBody, DeleteSecretForScheduleRequestBody, SecretType,
    UpdateSecretRequestBody, UpdateVersionRequestBody,
};
use serde_json::{Map, Value};

use crate::body::{checked_body, enumeration, optional, required, string, unique_items};
use crate::rules::{Compiled, EVENT_NAME, query_params};
use crate::violation::{Rejection, Violations};

static SECRET_NAME: LazyLock<Compiled> = LazyLock::new(|| Compiled::new(limits::SECRET_NAME));
static VERSION_STAGE: LazyLock<Compiled> = LazyLock::new(|| Compiled::new(limits::VERSION_STAGE));

/// The two members that carry a value, of which exactly one is given.
const VALUE_MEMBERS: [&str; 2] = ["secret_string", "secret_binary"];

/// Checks a `{secret_name}` path parameter; reported at `/secret_name`.
///
/// ```
/// assert!(csms_validate::secret_name("db-password").is_ok());
/// assert!(csms_validate::secret_name("db password").is_err());
/// ```
pub fn secret_name(name: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    SECRET_NAME.check("/secret_name", name, &mut out);
    out.into_result(())
}

/// Checks a `{version_id}` path parameter: `v1`, `v2`, ... or `latest`; reported at `/version_id`.
///
/// ```
/// assert!(csms_validate::version_id("v12").is_ok() && csms_validate::version_id("latest").is_ok());
/// assert!(csms_validate::version_id("v0").is_err() && csms_validate::version_id("12").is_err());
/// ```
pub fn version_id(id: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    if id != csms_model::LATEST && csms_model::version_number(id).is_none() {
        out.pattern("/version_id", &format!("^({}|{})$", csms_model::VERSION_NUMBER, csms_model::LATEST));
    }
    out.into_result(())
}

/// The query of ListSecrets: `limit`, `marker` (a secret name) and `event_name`, each at most once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretListQuery {
    /// `limit` and `marker`, as for every list.
    pub page: crate::ListQuery,
    /// Only the secrets subscribed to this event.
    pub event_name: Option<String>,
}

/// Parses the query of ListSecrets.
///
/// ```
/// let q = csms_validate::parse_secret_list_query(Some("event_name=alerts&limit=5")).unwrap();
/// assert_eq!((q.page.limit, q.event_name.as_deref()), (5, Some("alerts")));
/// assert!(csms_validate::parse_secret_list_query(Some("event_name=a&event_name=b")).is_err());
/// assert!(csms_validate::parse_secret_list_query(Some("event_name=a%20b")).is_err());
/// ```
pub fn parse_secret_list_query(query: Option<&str>) -> Result<SecretListQuery, Violations> {
    let mut out = Violations::default();
    let page = crate::parse_list_query(query).map_err(|v| out.extend(v)).ok();
    let [event_name] = query_params(query, ["event_name"], &mut out);
    let event_name = event_name.filter(|e| !e.is_empty());
    if let Some(name) = &event_name {
        EVENT_NAME.check("/event_name", name, &mut out);
    }
    match page {
        Some(page) if out.is_empty() => Ok(SecretListQuery { page, event_name }),
        _ => Err(out),
    }
}

/// Parses the query of ListSecretVersions: `limit`, and `marker` a version id (`v3`: the page starts
/// after it). Returns the limit and the marker's number.
///
/// ```
/// assert_eq!(csms_validate::parse_version_list_query(Some("marker=v3&limit=2")).unwrap(), (2, Some(3)));
/// assert!(csms_validate::parse_version_list_query(Some("marker=three")).is_err());
/// ```
pub fn parse_version_list_query(query: Option<&str>) -> Result<(u32, Option<i64>), Violations> {
    let page = crate::parse_list_query(query)?;
    let mut out = Violations::default();
    let marker = page.marker.as_deref().map(|m| csms_model::version_number(m).ok_or(()));
    if let Some(Err(())) = marker {
        out.pattern("/marker", &format!("^{}$", csms_model::VERSION_NUMBER));
    }
    out.into_result((page.limit, marker.and_then(Result::ok)))
}

/// The query of ListSecretTask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskListQuery {
    /// Page size, 1 to 1000 (50 when absent).
    pub limit: u32,
    /// The last task id of the previous page.
    pub marker: Option<String>,
    /// Only this secret's tasks.
    pub secret_name: Option<String>,
    /// Only tasks in this state.
    pub status: Option<csms_model::TaskStatus>,
    /// Only this task.
    pub task_id: Option<String>,
}

/// Parses the query of ListSecretTask: `secret_name`, `status` (PENDING, SUCCESS, FAILED), `task_id`,
/// `limit` and `marker` (a task id), each at most once.
///
/// ```
/// let q = csms_validate::parse_task_list_query(Some("task_id=abc&status=SUCCESS")).unwrap();
/// assert_eq!((q.task_id.as_deref(), q.limit), (Some("abc"), 50));
/// assert!(csms_validate::parse_task_list_query(Some("status=DONE")).is_err());
/// // 64 characters of four bytes each: within the bound, which counts characters.
/// let long = "%F0%9D%95%BF".repeat(64);
/// assert!(csms_validate::parse_task_list_query(Some(&format!("task_id={long}"))).is_ok());
/// assert!(csms_validate::parse_task_list_query(Some(&format!("task_id={long}x"))).is_err());
/// ```
pub fn parse_task_list_query(query: Option<&str>) -> Result<TaskListQuery, Violations> {
    use csms_model::StringEnum;
    let mut out = Violations::default();
    let found = query_params(query, ["limit", "marker", "secret_name", "status", "task_id"], &mut out);
    // An empty filter or marker is the same as none; an empty limit is not a number (as for every list).
    let [limit, marker, secret_name, status, task_id] = found;
    let [marker, secret_name, status, task_id] =
        [marker, secret_name, status, task_id].map(|v| v.filter(|v| !v.is_empty()));
    let page = crate::list_query(limit.as_deref(), None).map_err(|v| out.extend(v)).ok();
    if let Some(name) = &secret_name {
        SECRET_NAME.check("/secret_name", name, &mut out);
    }
    let status = status.map(|s| csms_model::TaskStatus::from(s.as_str()));
    if status.as_ref().is_some_and(|s| !s.is_known()) {
        out.enumeration("/status", csms_model::TaskStatus::KNOWN);
    }
    // Lengths in characters, as the schema's maxLength counts them.
    for (path, value) in [("/marker", &marker), ("/task_id", &task_id)] {
        let len = value.as_deref().map_or(0, |v| v.chars().count());
        if len > limits::TASK_ID_MAX_LEN {
            out.length(path, len, 1, limits::TASK_ID_MAX_LEN);
        }
    }
    match page {
        Some(page) if out.is_empty() => {
            Ok(TaskListQuery { limit: page.limit, marker, secret_name, status, task_id })
        }
        _ => Err(out),
    }
}

/// Parses and checks a CreateSecret body: a name and exactly one value.
///
/// ```
/// let body = br#"{"name": "db-password", "secret_string": "hunter2", "event_subscriptions": ["alerts"]}"#;
/// assert_eq!(csms_validate::parse_create_secret_body(body).unwrap().name, "db-password");
/// assert!(csms_validate::parse_create_secret_body(br#"{"name": "db-password"}"#).is_err());
/// ```
pub fn parse_create_secret_body(bytes: &[u8]) -> Result<CreateSecretRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        required(object, "name", out, |v, p, o| string(v, p, &SECRET_NAME, o), "");
        value(object, out);
        optional(object, "secret_type", out, enumeration::<SecretType>);
        metadata(object, out);
        if object.get("auto_rotation") == Some(&Value::Bool(true)) {
            // A schedule needs its period.
            required(object, "rotation_period", out, |_, _, _| {}, "");
        }
    })
}

/// Parses and checks an UpdateSecret body: metadata only, every member optional.
pub fn parse_update_secret_body(bytes: &[u8]) -> Result<UpdateSecretRequestBody, Rejection> {
    checked_body(bytes, metadata)
}

/// Parses and checks a CreateSecretVersion body: exactly one value, optional stages and expiry.
pub fn parse_create_version_body(bytes: &[u8]) -> Result<CreateSecretVersionRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        value(object, out);
        optional(object, "version_stages", out, version_stages);
        optional(object, "expire_time", out, expire_time);
    })
}

/// Parses and checks an UpdateVersion body: `expire_time` is required.
pub fn parse_update_version_body(bytes: &[u8]) -> Result<UpdateVersionRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        required(object, "expire_time", out, expire_time, "");
    })
}

/// Parses and checks the body of a scheduled deletion: `recovery_window_in_days`, 7 to 30.
pub fn parse_schedule_deletion_body(bytes: &[u8]) -> Result<DeleteSecretForScheduleRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        required(object, "recovery_window_in_days", out, recovery_window, "");
    })
}

/// Exactly one of `secret_string` (at most 32 KiB of UTF-8) and `secret_binary` (base64 of at most
/// 32 KiB).
fn value(object: &Map<String, Value>, out: &mut Violations) {
    let given: Vec<&str> =
        VALUE_MEMBERS.into_iter().filter(|k| object.get(*k).is_some_and(|v| !v.is_null())).collect();
    match given.as_slice() {
        [] => out.exactly_one_of("/secret_string", &VALUE_MEMBERS),
        [_, second] => out.exactly_one_of(&format!("/{second}"), &VALUE_MEMBERS),
        _ => {}
    }
    optional(object, "secret_string", out, |v, path, out| match v.as_str() {
        Some(s) if s.len() > SECRET_VALUE_MAX_BYTES => out.byte_size(path, s.len(), SECRET_VALUE_MAX_BYTES),
        Some(_) => {}
        None => out.wrong_type(path, "a string"),
    });
    optional(object, "secret_binary", out, |v, path, out| match v.as_str().map(base64_len) {
        Some(Some(n)) if n > SECRET_VALUE_MAX_BYTES => out.byte_size(path, n, SECRET_VALUE_MAX_BYTES),
        Some(Some(_)) => {}
        Some(None) => out.wrong_type(path, "standard base64 (A-Z, a-z, 0-9, +, / and = padding)"),
        None => out.wrong_type(path, "a string"),
    });
}

/// The decoded length of canonical standard, padded base64, or `None` when `s` is not that. Canonical:
/// the bits of the last character that encode nothing are zero (`YQ==`, never `YR==`), so one value has
/// one encoding, as a strict decoder requires.
fn base64_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let padding = bytes.iter().rev().take_while(|b| **b == b'=').count();
    let body = &bytes[..bytes.len() - padding];
    let alphabet = |b: &u8| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/';
    let sextet = |b: u8| match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    // One padding character leaves 2 bits of the last unused, two leave 4.
    let unused = match padding {
        1 => 0b11,
        2 => 0b1111,
        _ => 0,
    };
    let canonical = body.last().is_none_or(|b| sextet(*b) & unused == 0);
    (padding <= 2 && body.iter().all(alphabet) && canonical).then(|| bytes.len() / 4 * 3 - padding)
}

/// The metadata members of CreateSecret and UpdateSecret.
fn metadata(object: &Map<String, Value>, out: &mut Violations) {
    optional(object, "description", out, |v, path, out| match v.as_str() {
        Some(s) if s.chars().count() > SECRET_DESCRIPTION_MAX_CHARS => {
            out.length(path, s.chars().count(), 0, SECRET_DESCRIPTION_MAX_CHARS)
        }
        Some(_) => {}
        None => out.wrong_type(path, "a string"),
    });
    optional(object, "rotation_period", out, crate::family::rotation_period);
    for key in ["kms_key_id", "rotation_config", "enterprise_project_id", "rotation_func_urn"] {
        optional(object, key, out, |v, path, out| {
            if !v.is_string() {
                out.wrong_type(path, "a string");
            }
        });
    }
    optional(object, "auto_rotation", out, |v, path, out| {
        if !v.is_boolean() {
            out.wrong_type(path, "a boolean");
        }
    });
    optional(object, "event_subscriptions", out, event_subscriptions);
}

/// At most one event name (`[]` is no subscription).
fn event_subscriptions(value: &Value, path: &str, out: &mut Violations) {
    let Some(items) = value.as_array() else {
        return out.wrong_type(path, "an array");
    };
    if items.len() > limits::EVENT_SUBSCRIPTIONS_MAX_ITEMS {
        out.length(path, items.len(), 0, limits::EVENT_SUBSCRIPTIONS_MAX_ITEMS);
    }
    for (i, item) in items.iter().enumerate() {
        string(item, &format!("{path}/{i}"), &EVENT_NAME, out);
    }
}

/// 1 to 12 stage names, each a [`limits::VERSION_STAGE`].
fn version_stages(value: &Value, path: &str, out: &mut Violations) {
    let bounds = (limits::VERSION_STAGES_MIN_ITEMS, limits::VERSION_STAGES_MAX_ITEMS);
    unique_items(value, path, bounds, |v, p, o| string(v, p, &VERSION_STAGE, o), out);
}

fn integer_in(value: &Value, path: &str, min: i64, max: i64, out: &mut Violations) {
    if !value.as_i64().is_some_and(|n| (min..=max).contains(&n)) {
        out.integer_range(path, min, max);
    }
}

fn expire_time(value: &Value, path: &str, out: &mut Violations) {
    integer_in(value, path, 0, limits::EXPIRE_TIME_MAX, out);
}

fn recovery_window(value: &Value, path: &str, out: &mut Violations) {
    let window = &limits::RECOVERY_WINDOW_DAYS;
    integer_in(value, path, *window.start(), *window.end(), out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_lengths() {
        assert_eq!(base64_len(""), Some(0));
        assert_eq!(base64_len("aGk="), Some(2));
        // Non-canonical: bits the padding leaves unused are set.
        assert_eq!(base64_len("YQ=="), Some(1));
        assert_eq!(base64_len("YR=="), None);
        assert_eq!(base64_len("aGl="), None);
        assert_eq!(base64_len("aGk="), Some(2));
        assert_eq!(base64_len("aGVsbG8="), Some(5));
        assert_eq!(base64_len("aGVsbG8h"), Some(6));
        for bad in ["aGk", "aG=k", "a===", "aGk*", "aGk=\n"] {
            assert_eq!(base64_len(bad), None, "{bad}");
        }
    }
}
