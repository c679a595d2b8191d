//! JSON Schema fragments built from [`crate::limits`], used by the schemars derives.

use schemars::{Schema, SchemaGenerator, json_schema};

use crate::enums::EventType;
use crate::limits::{self, StringRule};

fn string(rule: StringRule) -> Schema {
    json_schema!({
        "type": "string",
        "minLength": rule.min_len,
        "maxLength": rule.max_len,
        "pattern": rule.pattern(),
    })
}

pub(crate) fn event_name(_: &mut SchemaGenerator) -> Schema {
    string(limits::EVENT_NAME)
}

pub(crate) fn target_id(_: &mut SchemaGenerator) -> Schema {
    string(limits::TARGET_ID)
}

pub(crate) fn target_name(_: &mut SchemaGenerator) -> Schema {
    string(limits::TARGET_NAME)
}

pub(crate) fn event_id(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "format": "uuid" })
}

pub(crate) fn event_types(generator: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": generator.subschema_for::<EventType>(),
        "minItems": limits::EVENT_TYPES_MIN_ITEMS,
        "maxItems": limits::EVENT_TYPES_MAX_ITEMS,
        "uniqueItems": true,
    })
}

pub(crate) fn optional_event_types(generator: &mut SchemaGenerator) -> Schema {
    // `null` means "leave as it is" on update.
    let mut schema = event_types(generator);
    schema.insert("type".into(), serde_json::json!(["array", "null"]));
    schema
}

fn nullable(mut schema: Schema, kind: &str) -> Schema {
    // Absent and `null` mean "not given".
    schema.insert("type".into(), serde_json::json!([kind, "null"]));
    schema
}

pub(crate) fn secret_name(_: &mut SchemaGenerator) -> Schema {
    string(limits::SECRET_NAME)
}

fn subscriptions() -> Schema {
    json_schema!({
        "type": "array",
        "items": string(limits::EVENT_NAME),
        "maxItems": limits::EVENT_SUBSCRIPTIONS_MAX_ITEMS,
    })
}

pub(crate) fn event_subscriptions(_: &mut SchemaGenerator) -> Schema {
    subscriptions()
}

pub(crate) fn optional_event_subscriptions(_: &mut SchemaGenerator) -> Schema {
    nullable(subscriptions(), "array")
}

pub(crate) fn optional_description(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": ["string", "null"], "maxLength": limits::SECRET_DESCRIPTION_MAX_CHARS })
}

pub(crate) fn optional_version_stages(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["array", "null"],
        "items": string(limits::VERSION_STAGE),
        "minItems": limits::VERSION_STAGES_MIN_ITEMS,
        "maxItems": limits::VERSION_STAGES_MAX_ITEMS,
        "uniqueItems": true,
    })
}

pub(crate) fn optional_expire_time(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": ["integer", "null"], "minimum": 0, "maximum": limits::EXPIRE_TIME_MAX })
}

pub(crate) fn recovery_window(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "integer",
        "minimum": limits::RECOVERY_WINDOW_DAYS.start(),
        "maximum": limits::RECOVERY_WINDOW_DAYS.end(),
    })
}
