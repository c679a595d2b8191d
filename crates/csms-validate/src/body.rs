//! Request bodies: walked as JSON values so that type errors, missing fields and rule violations are all
//! reported together with their paths; the typed body is built only once the walk finds nothing.

use csms_model::limits;
use csms_model::{
    CreateSecretEventRequestBody, EventState, EventType, StringEnum, TargetType, UpdateSecretEventRequestBody,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::rules::{Compiled, EVENT_NAME, TARGET_ID, TARGET_NAME};
use crate::violation::{Rejection, ViolationKind, Violations};

/// Parses and checks a CreateSecretEvent body: every field is required.
pub fn parse_create_body(bytes: &[u8]) -> Result<CreateSecretEventRequestBody, Rejection> {
    let object = parse_object(bytes)?;
    check_create(&object).map_err(Rejection::Invalid)?;
    build(object)
}

/// Parses and checks an UpdateSecretEvent body: every field optional, `null` meaning absent.
pub fn parse_update_body(bytes: &[u8]) -> Result<UpdateSecretEventRequestBody, Rejection> {
    let object = parse_object(bytes)?;
    check_update(&object).map_err(Rejection::Invalid)?;
    build(object)
}

/// Checks an already typed create body (as a client might before sending it).
pub fn validate_create_body(body: &CreateSecretEventRequestBody) -> Result<(), Violations> {
    check_create(&to_object(body))
}

/// Checks an already typed update body.
pub fn validate_update_body(body: &UpdateSecretEventRequestBody) -> Result<(), Violations> {
    check_update(&to_object(body))
}

fn to_object<T: serde::Serialize>(body: &T) -> Map<String, Value> {
    match serde_json::to_value(body) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

pub(crate) fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, Rejection> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Rejection::Malformed("The request body is missing; a JSON object is required.".into()));
    }
    match serde_json::from_slice::<Strict>(bytes).map(|s| s.0) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Rejection::Malformed("The request body must be a JSON object.".into())),
        Err(e) => Err(Rejection::Malformed(format!("The request body is not valid JSON: {e}."))),
    }
}

/// A JSON value whose objects repeat no key. A repeated key is malformed input: a gateway in front that
/// reads the first and a service that read the last would act on different requests.
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!("the key '{key}' is repeated")));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// A body parsed and checked by `check`, which reports every violation of the members at once; only a
/// body without violations is typed: the one shape of every body parser.
pub(crate) fn checked_body<T: DeserializeOwned>(
    bytes: &[u8],
    check: impl FnOnce(&Map<String, Value>, &mut Violations),
) -> Result<T, Rejection> {
    let object = parse_object(bytes)?;
    let mut out = Violations::default();
    check(&object, &mut out);
    out.into_result(()).map_err(Rejection::Invalid)?;
    build(object)
}

pub(crate) fn build<T: DeserializeOwned>(object: Map<String, Value>) -> Result<T, Rejection> {
    // The walk has checked every field this type reads, so this cannot fail; map it anyway.
    serde_json::from_value(Value::Object(object)).map_err(|e| {
        let mut v = Violations::default();
        v.push("", ViolationKind::Type, format!("Value at '' failed to satisfy constraint: {e}"));
        Rejection::Invalid(v)
    })
}

fn check_create(body: &Map<String, Value>) -> Result<(), Violations> {
    let mut out = Violations::default();
    required(body, "name", &mut out, |v, p, o| string(v, p, &EVENT_NAME, o), "");
    required(body, "event_types", &mut out, event_types, "");
    required(body, "state", &mut out, enumeration::<EventState>, "");
    required(body, "notification", &mut out, notification, "");
    out.into_result(())
}

fn check_update(body: &Map<String, Value>) -> Result<(), Violations> {
    let mut out = Violations::default();
    optional(body, "event_types", &mut out, event_types);
    optional(body, "state", &mut out, enumeration::<EventState>);
    optional(body, "notification", &mut out, notification);
    out.into_result(())
}

pub(crate) type Check = fn(&Value, &str, &mut Violations);

pub(crate) fn required(
    body: &Map<String, Value>,
    key: &str,
    out: &mut Violations,
    check: impl Fn(&Value, &str, &mut Violations),
    parent: &str,
) {
    let path = format!("{parent}/{key}");
    match body.get(key).filter(|v| !v.is_null()) {
        None => out.missing(&path),
        Some(v) => check(v, &path, out),
    }
}

pub(crate) fn optional(
    body: &Map<String, Value>,
    key: &str,
    out: &mut Violations,
    check: impl Fn(&Value, &str, &mut Violations),
) {
    if let Some(v) = body.get(key).filter(|v| !v.is_null()) {
        check(v, &format!("/{key}"), out);
    }
}

pub(crate) fn string(value: &Value, path: &str, rule: &Compiled, out: &mut Violations) {
    match value.as_str() {
        Some(s) => rule.check(path, s, out),
        None => out.wrong_type(path, "a string"),
    }
}

/// A string enum value, which must be one of the known values (`Unknown` is rejected here).
pub(crate) fn enumeration<E: StringEnum>(value: &Value, path: &str, out: &mut Violations) {
    match value.as_str() {
        Some(s) if E::from(s).is_known() => {}
        _ => out.enumeration(path, E::KNOWN),
    }
}

fn event_types(value: &Value, path: &str, out: &mut Violations) {
    let bounds = (limits::EVENT_TYPES_MIN_ITEMS, limits::EVENT_TYPES_MAX_ITEMS);
    unique_items(value, path, bounds, enumeration::<EventType>, out);
}

/// An array of `min..=max` distinct items, each checked by `item` at its own path.
pub(crate) fn unique_items(
    value: &Value,
    path: &str,
    (min, max): (usize, usize),
    item: Check,
    out: &mut Violations,
) {
    let Some(items) = value.as_array() else {
        return out.wrong_type(path, "an array");
    };
    if items.len() < min || items.len() > max {
        out.length(path, items.len(), min, max);
    }
    for (i, value) in items.iter().enumerate() {
        item(value, &format!("{path}/{i}"), out);
    }
    if items.iter().enumerate().any(|(i, value)| items[..i].contains(value)) {
        out.unique(path);
    }
}

fn notification(value: &Value, path: &str, out: &mut Violations) {
    let Some(fields) = value.as_object() else {
        return out.wrong_type(path, "an object");
    };
    let checks: [(&str, Check); 3] = [
        ("target_type", enumeration::<TargetType>),
        ("target_id", |v, p, o| string(v, p, &TARGET_ID, o)),
        ("target_name", |v, p, o| string(v, p, &TARGET_NAME, o)),
    ];
    for (key, check) in checks {
        required(fields, key, out, check, path);
    }
}

/// A member of a nested object, checked when present (at `{parent}/{key}`).
pub(crate) fn optional_in(
    fields: &Map<String, Value>,
    key: &str,
    out: &mut Violations,
    check: impl Fn(&Value, &str, &mut Violations),
    parent: &str,
) {
    if let Some(v) = fields.get(key).filter(|v| !v.is_null()) {
        check(v, &format!("{parent}/{key}"), out);
    }
}

/// A string that is one of `known`.
pub(crate) fn one_of(value: &Value, path: &str, known: &[&str], out: &mut Violations) {
    if !value.as_str().is_some_and(|s| known.contains(&s)) {
        out.enumeration(path, known);
    }
}

/// A string of `min` to `max` characters.
pub(crate) fn chars(value: &Value, path: &str, (min, max): (usize, usize), out: &mut Violations) {
    match value.as_str() {
        Some(s) => {
            let len = s.chars().count();
            if len < min || len > max {
                out.length(path, len, min, max);
            }
        }
        None => out.wrong_type(path, "a string"),
    }
}

/// A string of `min` to `max` bytes in UTF-8.
pub(crate) fn bytes_between(value: &Value, path: &str, (min, max): (usize, usize), out: &mut Violations) {
    match value.as_str() {
        Some(s) if s.len() > max => out.byte_size(path, s.len(), max),
        Some(s) if s.len() < min => out.length(path, s.chars().count(), min, max),
        Some(_) => {}
        None => out.wrong_type(path, "a string"),
    }
}

/// A string matching `pattern` (compiled once by the caller).
pub(crate) fn matching(value: &Value, path: &str, regex: &regex::Regex, out: &mut Violations) {
    match value.as_str() {
        Some(s) if regex.is_match(s) => {}
        Some(_) => out.pattern(path, regex.as_str()),
        None => out.wrong_type(path, "a string"),
    }
}

/// A decimal integer written as a string (`"100"`), from `min` to `max`; its value.
pub(crate) fn decimal(
    value: &Value,
    path: &str,
    (min, max): (i64, i64),
    out: &mut Violations,
) -> Option<i64> {
    let parsed = value
        .as_str()
        .filter(|s| !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|n| (min..=max).contains(n));
    if parsed.is_none() {
        out.integer_range(path, min, max);
    }
    parsed
}

/// An integer (a JSON number), from `min` to `max`.
pub(crate) fn integer(value: &Value, path: &str, (min, max): (i64, i64), out: &mut Violations) {
    if !value.as_i64().is_some_and(|n| (min..=max).contains(&n)) {
        out.integer_range(path, min, max);
    }
}

/// An array of `min` to `max` items, each checked at its own path.
pub(crate) fn items(
    value: &Value,
    path: &str,
    (min, max): (usize, usize),
    item: impl Fn(&Value, &str, &mut Violations),
    out: &mut Violations,
) {
    let Some(list) = value.as_array() else {
        return out.wrong_type(path, "an array");
    };
    if list.len() < min || list.len() > max {
        out.length(path, list.len(), min, max);
    }
    for (i, value) in list.iter().enumerate() {
        item(value, &format!("{path}/{i}"), out);
    }
}

/// An object, whose members `check` looks at.
pub(crate) fn object(
    value: &Value,
    path: &str,
    out: &mut Violations,
    check: impl FnOnce(&Map<String, Value>, &mut Violations),
) {
    match value.as_object() {
        Some(fields) => check(fields, out),
        None => out.wrong_type(path, "an object"),
    }
}
