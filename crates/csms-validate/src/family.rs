//! The rules of the secret family's requests: stages, tags and the search by tags, backups, random
//! passwords, the batch operations, and scheduled rotation's period.

use std::sync::LazyLock;

use csms_model::limits;
use csms_model::{
    BatchCreateOrDeleteTagsRequestBody, BatchGetSecretValueRequestBody, CreatePasswordRequestBody,
    CreateSecretRequestBody, CreateSecretTagRequestBody, ListResourceInstancesRequestBody,
    UpdateSecretStageRequestBody, UploadSecretBlobRequestBody,
};
use regex::Regex;
use serde_json::Value;

use crate::body::{checked_body, one_of, optional, parse_object, required, unique_items};
use crate::rules::Compiled;
use crate::violation::{Rejection, ViolationKind, Violations};

static STAGE_NAME: LazyLock<Compiled> = LazyLock::new(|| Compiled::new(limits::STAGE_NAME));
static STAGE_VERSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(limits::STAGE_VERSION_ID_PATTERN).expect("a valid pattern"));
static TAG_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^{}*$", limits::TAG_KEY_CHARSET)).expect("a valid class"));
static TAG_VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^{}*$", limits::TAG_VALUE_CHARSET)).expect("a valid class"));

/// Checks a `{stage_name}` path parameter; reported at `/stage_name`.
///
/// ```
/// assert!(csms_validate::stage_name("SYSCURRENT").is_ok() && csms_validate::stage_name("a b").is_err());
/// ```
pub fn stage_name(name: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    STAGE_NAME.check("/stage_name", name, &mut out);
    out.into_result(())
}

/// Checks a `{secret_id}` path parameter: 36 characters (a UUID); reported at `/secret_id`.
pub fn secret_id(id: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    let len = id.chars().count();
    if len != limits::SECRET_ID_LEN {
        out.length("/secret_id", len, limits::SECRET_ID_LEN, limits::SECRET_ID_LEN);
    }
    out.into_result(())
}

/// Checks the `{key}` path parameter of DeleteSecretTag: 1 to 255 characters; reported at `/key`.
pub fn tag_key_path(key: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    let len = key.chars().count();
    if len == 0 || len > limits::TAG_PATH_KEY_MAX_CHARS {
        out.length("/key", len, 1, limits::TAG_PATH_KEY_MAX_CHARS);
    }
    out.into_result(())
}

/// Parses and checks UpdateSecretStage's body: `version_id` as upstream writes it (`^v[0-9]{0,63}`).
pub fn parse_update_stage_body(bytes: &[u8]) -> Result<UpdateSecretStageRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        required(object, "version_id", out, stage_version, "");
    })
}

fn stage_version(value: &Value, path: &str, out: &mut Violations) {
    match value.as_str() {
        Some(s) if s.is_empty() || s.chars().count() > limits::STAGE_NAME.max_len => {
            out.length(path, s.chars().count(), 1, limits::STAGE_NAME.max_len)
        }
        Some(s) if !STAGE_VERSION.is_match(s) => out.pattern(path, limits::STAGE_VERSION_ID_PATTERN),
        Some(_) => {}
        None => out.wrong_type(path, "a string"),
    }
}

fn text(value: &Value, path: &str, max: usize, charset: &Regex, class: &str, out: &mut Violations) -> bool {
    let Some(s) = value.as_str() else {
        out.wrong_type(path, "a string");
        return false;
    };
    let len = s.chars().count();
    if len > max {
        out.length(path, len, 0, max);
    } else if !charset.is_match(s) {
        out.constraint(path, ViolationKind::Pattern, &format!("hold only {class}"));
    } else {
        return true;
    }
    false
}

/// A tag key: 1 to 128 letters, separators, digits or `_ . : = + - @`, no leading or trailing
/// whitespace, not starting with `_sys_`.
fn tag_key(value: &Value, path: &str, out: &mut Violations) {
    let class = "letters, separators, digits and _ . : = + - @";
    if !text(value, path, limits::TAG_KEY_MAX_CHARS, &TAG_KEY, class, out) {
        return;
    }
    let key = value.as_str().unwrap_or_default();
    if key.is_empty() {
        out.length(path, 0, 1, limits::TAG_KEY_MAX_CHARS);
    } else if key.starts_with(char::is_whitespace) || key.ends_with(char::is_whitespace) {
        out.constraint(path, ViolationKind::Pattern, "not begin or end with whitespace");
    } else if key.starts_with(limits::TAG_RESERVED_PREFIX) {
        out.constraint(
            path,
            ViolationKind::Pattern,
            &format!("not begin with {}", limits::TAG_RESERVED_PREFIX),
        );
    }
}

/// A tag value: at most 255 of a key's characters and `/`.
fn tag_value(value: &Value, path: &str, out: &mut Violations) {
    text(
        value,
        path,
        limits::TAG_VALUE_MAX_CHARS,
        &TAG_VALUE,
        "letters, separators, digits and _ . : / = + - @",
        out,
    );
}

/// A TagItem: a key, and a value if any.
fn tag_item(value: &Value, path: &str, out: &mut Violations) {
    let Some(object) = value.as_object() else {
        return out.wrong_type(path, "an object");
    };
    required(object, "key", out, tag_key, path);
    if let Some(v) = object.get("value").filter(|v| !v.is_null()) {
        tag_value(v, &format!("{path}/value"), out);
    }
}

/// Parses and checks CreateSecretTag's body: `{"tag": TagItem}`.
pub fn parse_create_tag_body(bytes: &[u8]) -> Result<CreateSecretTagRequestBody, Rejection> {
    checked_body(bytes, |object, out| required(object, "tag", out, tag_item, ""))
}

fn sequence(value: &Value, path: &str, out: &mut Violations) {
    match value.as_str() {
        Some(s) if s.chars().count() > limits::SEQUENCE_MAX_LEN => {
            out.length(path, s.chars().count(), 0, limits::SEQUENCE_MAX_LEN)
        }
        Some(_) => {}
        None => out.wrong_type(path, "a string"),
    }
}

/// Parses and checks BatchCreateOrDeleteTags' body: `action` `create` or `delete`, 1 to 20 tags whose
/// keys differ.
pub fn parse_batch_tags_body(bytes: &[u8]) -> Result<BatchCreateOrDeleteTagsRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        required(object, "action", out, |v, p, o| one_of(v, p, limits::TAG_ACTIONS, o), "");
        required(object, "tags", out, tags, "");
        optional(object, "sequence", out, sequence);
    })
}

/// 1 to 20 tags, each key once.
fn tags(value: &Value, path: &str, out: &mut Violations) {
    unique_items(value, path, (1, limits::MAX_TAGS_PER_SECRET), tag_item, out);
    let keys: Vec<&Value> = value.as_array().into_iter().flatten().filter_map(|t| t.get("key")).collect();
    if keys.iter().enumerate().any(|(i, k)| keys[..i].contains(k)) {
        out.constraint(path, ViolationKind::Unique, "have each key once");
    }
}

/// The members of a count (`limit`, `offset`): a number, or a string of at most 4 digits.
fn count(value: &Value, path: &str, range: std::ops::RangeInclusive<i64>, out: &mut Violations) {
    let n = match value {
        // An integer, also written with a zero fraction (`2.0`), as JSON Schema counts integers.
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64)),
        Value::String(s) if s.len() <= 4 && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    };
    if !n.is_some_and(|n| range.contains(&n)) {
        out.integer_range(path, *range.start(), *range.end());
    }
}

/// Parses and checks ListResourceInstances' body: `action` `filter` or `count`; `limit` (1 to 1000) and
/// `offset` (0 or more) as numbers or strings; up to 10 tag filters, each a key with up to 10 distinct
/// values; up to 10 matches on `resource_name`.
pub fn parse_resource_instances_body(bytes: &[u8]) -> Result<ListResourceInstancesRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        required(object, "action", out, |v, p, o| one_of(v, p, limits::RESOURCE_ACTIONS, o), "");
        optional(object, "limit", out, |v, p, o| count(v, p, limits::RESOURCE_LIMIT, o));
        optional(object, "offset", out, |v, p, o| count(v, p, 0..=limits::RESOURCE_OFFSET_MAX, o));
        optional(object, "tags", out, |v, p, o| {
            unique_items(v, p, (1, limits::RESOURCE_FILTERS_MAX), tag_filter, o);
        });
        optional(object, "matches", out, |v, p, o| {
            unique_items(v, p, (0, limits::RESOURCE_FILTERS_MAX), tag_match, o);
        });
        optional(object, "sequence", out, sequence);
    })
}

fn tag_filter(value: &Value, path: &str, out: &mut Violations) {
    let Some(object) = value.as_object() else {
        return out.wrong_type(path, "an object");
    };
    required(object, "key", out, tag_key, path);
    if let Some(values) = object.get("values").filter(|v| !v.is_null()) {
        unique_items(values, &format!("{path}/values"), (0, limits::RESOURCE_FILTERS_MAX), tag_value, out);
    }
}

fn tag_match(value: &Value, path: &str, out: &mut Violations) {
    let Some(object) = value.as_object() else {
        return out.wrong_type(path, "an object");
    };
    required(object, "key", out, |v, p, o| one_of(v, p, &[limits::MATCH_KEY], o), path);
    if let Some(v) = object.get("value").filter(|v| !v.is_null()) {
        match v.as_str() {
            Some(s) if s.chars().count() > limits::TAG_VALUE_MAX_CHARS => {
                out.length(&format!("{path}/value"), s.chars().count(), 0, limits::TAG_VALUE_MAX_CHARS)
            }
            Some(_) => {}
            None => out.wrong_type(&format!("{path}/value"), "a string"),
        }
    }
}

/// Parses and checks UploadSecretBlob's body: `secret_blob`, a string of at most 5 MiB.
pub fn parse_blob_body(bytes: &[u8]) -> Result<UploadSecretBlobRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        required(
            object,
            "secret_blob",
            out,
            |v, p, o| match v.as_str() {
                Some(s) if s.len() > limits::SECRET_BLOB_MAX_BYTES => {
                    o.byte_size(p, s.len(), limits::SECRET_BLOB_MAX_BYTES)
                }
                Some(_) => {}
                None => o.wrong_type(p, "a string"),
            },
            "",
        );
    })
}

/// Parses and checks GenerateRandomPassword's body, which may be empty: `length` 1 to 4096, the
/// booleans, `exclude_characters` and `password_policy_name` strings. Whether the classes left can make
/// the password is the generator's to say.
pub fn parse_password_body(bytes: &[u8]) -> Result<CreatePasswordRequestBody, Rejection> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(CreatePasswordRequestBody::default());
    }
    checked_body(bytes, |object, out| {
        optional(object, "length", out, |v, p, o| {
            let range = &limits::PASSWORD_LENGTH;
            if !v.as_i64().is_some_and(|n| range.contains(&n)) {
                o.integer_range(p, *range.start(), *range.end());
            }
        });
        for key in [
            "exclude_lowercase",
            "exclude_uppercase",
            "exclude_numbers",
            "exclude_punctuation",
            "include_space",
            "require_each_included_type",
        ] {
            optional(object, key, out, |v, p, o| {
                if !v.is_boolean() {
                    o.wrong_type(p, "a boolean");
                }
            });
        }
        for key in ["exclude_characters", "password_policy_name"] {
            optional(object, key, out, |v, p, o| {
                if !v.is_string() {
                    o.wrong_type(p, "a string");
                }
            });
        }
    })
}

/// Parses and checks BatchGetSecretValue's body, which may be empty: up to 20 names of 1 to 255
/// characters.
pub fn parse_batch_get_body(bytes: &[u8]) -> Result<BatchGetSecretValueRequestBody, Rejection> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(BatchGetSecretValueRequestBody::default());
    }
    checked_body(bytes, |object, out| {
        optional(object, "secret_name_list", out, |v, p, o| {
            let name = |v: &Value, p: &str, o: &mut Violations| match v.as_str() {
                Some(s) if s.is_empty() || s.chars().count() > limits::BATCH_GET_NAME_MAX_LEN => {
                    o.length(p, s.chars().count(), 1, limits::BATCH_GET_NAME_MAX_LEN)
                }
                Some(_) => {}
                None => o.wrong_type(p, "a string"),
            };
            let Some(items) = v.as_array() else {
                return o.wrong_type(p, "an array");
            };
            if items.len() > limits::BATCH_GET_MAX_NAMES {
                o.length(p, items.len(), 0, limits::BATCH_GET_MAX_NAMES);
            }
            for (i, item) in items.iter().enumerate() {
                name(item, &format!("{p}/{i}"), o);
            }
        });
    })
}

/// Parses and checks BatchImportSecrets' body: `secrets`, 1 to 20 objects, each checked as CreateSecret's
/// body, its violations reported under its index (`/secrets/3/name`). A body with any violation is
/// refused whole; what only the stored state can refuse (a name taken, the quota) is each item's own.
pub fn parse_batch_import_body(bytes: &[u8]) -> Result<Vec<CreateSecretRequestBody>, Rejection> {
    let object = parse_object(bytes)?;
    let mut out = Violations::default();
    required(
        &object,
        "secrets",
        &mut out,
        |v, p, o| match v.as_array() {
            Some(items) if items.is_empty() || items.len() > limits::BATCH_IMPORT_MAX_ITEMS => {
                o.length(p, items.len(), 1, limits::BATCH_IMPORT_MAX_ITEMS)
            }
            Some(_) => {}
            None => o.wrong_type(p, "an array"),
        },
        "",
    );
    if !out.is_empty() {
        return Err(Rejection::Invalid(out));
    }
    let items = object.get("secrets").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut parsed = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let at = format!("/secrets/{i}");
        match item {
            Value::Object(fields) => {
                let bytes = serde_json::to_vec(&Value::Object(fields)).unwrap_or_default();
                match crate::parse_create_secret_body(&bytes) {
                    Ok(body) => parsed.push(body),
                    Err(Rejection::Invalid(v)) => out.extend(v.nested(&at)),
                    // The item was JSON a moment ago: its text cannot be malformed.
                    Err(Rejection::Malformed(m)) => out.constraint(&at, ViolationKind::Type, &m),
                }
            }
            _ => out.wrong_type(&at, "an object"),
        }
    }
    out.into_result(parsed).map_err(Rejection::Invalid)
}

/// A rotation period, `<n><unit>` with a unit of `d`, `h`, `m` or `s`, from 6 hours to 8,760 hours.
pub(crate) fn rotation_period(value: &Value, path: &str, out: &mut Violations) {
    let Some(s) = value.as_str() else {
        return out.wrong_type(path, "a string");
    };
    let range = &limits::ROTATION_PERIOD_SECONDS;
    match limits::period_seconds(s) {
        _ if s.len() > limits::ROTATION_PERIOD_MAX_LEN => {
            out.length(path, s.len(), 1, limits::ROTATION_PERIOD_MAX_LEN)
        }
        None => {
            out.constraint(path, ViolationKind::Pattern, "be a number and a unit: d, h, m or s (30d, 12h)")
        }
        Some(n) if !range.contains(&n) => {
            out.constraint(path, ViolationKind::Range, "be from 6 hours to 8760 hours (365 days)")
        }
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(result: Result<impl std::fmt::Debug, Rejection>) -> Vec<String> {
        match result {
            Ok(_) => Vec::new(),
            Err(Rejection::Invalid(v)) => v.iter().map(|v| v.path.clone()).collect(),
            Err(other) => panic!("not a rule violation: {other}"),
        }
    }

    #[test]
    fn tag_keys_and_values_follow_upstreams_classes() {
        let tag = |key: &str, value: &str| {
            let body = serde_json::json!({"tag": {"key": key, "value": value}}).to_string();
            paths(parse_create_tag_body(body.as_bytes()))
        };
        // Letters of any script, separators, digits and the listed marks.
        assert!(tag("Team-名前_1.a:b=c+d@e", "a/b Ж").is_empty());
        for (key, value, at) in [
            ("_sys_key", "v", "/tag/key"),
            (" lead", "v", "/tag/key"),
            ("trail ", "v", "/tag/key"),
            ("a/b", "v", "/tag/key"),
            ("", "v", "/tag/key"),
            ("k", "a*b", "/tag/value"),
        ] {
            assert_eq!(tag(key, value), [at], "{key:?} {value:?}");
        }
        assert_eq!(tag(&"k".repeat(129), "v"), ["/tag/key"]);
        assert_eq!(tag("k", &"v".repeat(256)), ["/tag/value"]);
    }

    #[test]
    fn searches_take_counts_as_numbers_or_strings() {
        let search =
            |body: serde_json::Value| paths(parse_resource_instances_body(body.to_string().as_bytes()));
        assert!(search(serde_json::json!({"action": "filter", "limit": 1, "offset": "20"})).is_empty());
        let typed =
            parse_resource_instances_body(br#"{"action": "filter", "limit": 2.0, "offset": 0}"#).unwrap();
        assert_eq!(typed.limit.and_then(|c| c.value()), Some(2));
        assert_eq!(search(serde_json::json!({"action": "filter", "limit": 2.5})), ["/limit"]);
        assert!(
            search(serde_json::json!({"action": "count", "tags": [{"key": "k", "values": []}]})).is_empty()
        );
        assert_eq!(search(serde_json::json!({"action": "filter", "limit": "0"})), ["/limit"]);
        assert_eq!(search(serde_json::json!({"action": "filter", "offset": "x"})), ["/offset"]);
        assert_eq!(search(serde_json::json!({"action": "list"})), ["/action"]);
    }

    #[test]
    fn a_batch_import_is_checked_item_by_item_and_refused_whole() {
        let body = serde_json::json!({"secrets": [
            {"name": "ok", "secret_string": "x"},
            {"name": "bad name", "secret_string": "x"},
            "not an object",
            {"name": "two", "secret_string": "x", "secret_binary": "AA=="},
        ]});
        let found = paths(parse_batch_import_body(body.to_string().as_bytes()));
        assert_eq!(found, ["/secrets/1/name", "/secrets/2", "/secrets/3/secret_binary"]);
        let Err(Rejection::Invalid(v)) = parse_batch_import_body(body.to_string().as_bytes()) else {
            panic!("refused")
        };
        assert!(v.to_string().contains("'/secrets/1/name'"), "{v}");
        let good = serde_json::json!({"secrets": [{"name": "a", "secret_string": "x"}, {"name": "b", "secret_binary": "AA=="}]});
        assert_eq!(parse_batch_import_body(good.to_string().as_bytes()).unwrap().len(), 2);
        for bad in
            [serde_json::json!({}), serde_json::json!({"secrets": []}), serde_json::json!({"secrets": {}})]
        {
            assert_eq!(paths(parse_batch_import_body(bad.to_string().as_bytes())), ["/secrets"]);
        }
    }

    #[test]
    fn rotation_periods_are_six_hours_to_a_year() {
        let period = |p: &str| {
            let mut out = Violations::default();
            rotation_period(&Value::String(p.into()), "/rotation_period", &mut out);
            out.is_empty()
        };
        for good in ["6h", "360m", "21600s", "1d", "365d", "8760h"] {
            assert!(period(good), "{good}");
        }
        // A unit of more than one byte (once a panic of the period's parser).
        for bad in ["5h", "366d", "8761h", "1w", "h", "", "-1d", "1.5d", "6ж", "ж", "1日"] {
            assert!(!period(bad), "{bad}");
        }
    }
}
