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
