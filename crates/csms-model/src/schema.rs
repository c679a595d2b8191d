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

pub(crate) fn optional_rotation_period(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["string", "null"],
        "maxLength": limits::ROTATION_PERIOD_MAX_LEN,
        "pattern": limits::ROTATION_PERIOD_PATTERN,
    })
}

/// A tag key: its length, no whitespace at either end, not the reserved prefix. Its character class
/// (Unicode letters, separators and digits, and `_ . : = + - @`) is in the member's description only:
/// `\p{..}` classes are outside the regular-expression dialect that OpenAPI tools (and Python's `re`)
/// accept.
fn tag_key() -> Schema {
    json_schema!({
        "type": "string",
        "minLength": 1,
        "maxLength": limits::TAG_KEY_MAX_CHARS,
        "pattern": "^\\S(.*\\S)?$",
        "not": { "pattern": format!("^{}", limits::TAG_RESERVED_PREFIX) },
    })
}

fn tag_value() -> Schema {
    json_schema!({
        "type": "string",
        "maxLength": limits::TAG_VALUE_MAX_CHARS,
    })
}

pub(crate) fn tag_key_member(_: &mut SchemaGenerator) -> Schema {
    tag_key()
}

pub(crate) fn optional_tag_value(_: &mut SchemaGenerator) -> Schema {
    nullable(tag_value(), "string")
}

pub(crate) fn tag_values(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["array", "null"],
        "items": tag_value(),
        "maxItems": limits::RESOURCE_FILTERS_MAX,
        "uniqueItems": true,
    })
}

pub(crate) fn tag_list(generator: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": generator.subschema_for::<crate::TagItem>(),
        "minItems": 1,
        "maxItems": limits::MAX_TAGS_PER_SECRET,
        "uniqueItems": true,
    })
}

pub(crate) fn tag_action(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "enum": limits::TAG_ACTIONS })
}

pub(crate) fn resource_action(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "enum": limits::RESOURCE_ACTIONS })
}

pub(crate) fn sequence(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": ["string", "null"], "maxLength": limits::SEQUENCE_MAX_LEN })
}

/// A count given as a number or as a string of digits: `limit` (1 to 1000) or `offset` (0 to 9999).
fn count(min: i64, max: i64, digits: &str) -> Schema {
    json_schema!({
        "anyOf": [
            { "type": "integer", "minimum": min, "maximum": max },
            { "type": "string", "maxLength": 4, "pattern": digits },
            { "type": "null" },
        ]
    })
}

pub(crate) fn resource_limit(_: &mut SchemaGenerator) -> Schema {
    count(*limits::RESOURCE_LIMIT.start(), *limits::RESOURCE_LIMIT.end(), "^0*([1-9][0-9]{0,2}|1000)$")
}

pub(crate) fn resource_offset(_: &mut SchemaGenerator) -> Schema {
    count(0, limits::RESOURCE_OFFSET_MAX, "^[0-9]{1,4}$")
}

pub(crate) fn tag_filters(generator: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["array", "null"],
        "items": generator.subschema_for::<crate::TagFilter>(),
        "minItems": 1,
        "maxItems": limits::RESOURCE_FILTERS_MAX,
        "uniqueItems": true,
    })
}

pub(crate) fn tag_matches(generator: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["array", "null"],
        "items": generator.subschema_for::<crate::TagMatch>(),
        "maxItems": limits::RESOURCE_FILTERS_MAX,
        "uniqueItems": true,
    })
}

pub(crate) fn match_key(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "enum": [limits::MATCH_KEY] })
}

pub(crate) fn match_value(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": ["string", "null"], "maxLength": limits::TAG_VALUE_MAX_CHARS })
}

pub(crate) fn stage_version_id(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "minLength": 1,
        "maxLength": limits::STAGE_NAME.max_len,
        "pattern": limits::STAGE_VERSION_ID_PATTERN,
    })
}

pub(crate) fn secret_blob(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "maxLength": limits::SECRET_BLOB_MAX_BYTES })
}

pub(crate) fn password_length(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["integer", "null"],
        "minimum": limits::PASSWORD_LENGTH.start(),
        "maximum": limits::PASSWORD_LENGTH.end(),
    })
}

pub(crate) fn batch_get_names(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["array", "null"],
        "items": { "type": "string", "minLength": 1, "maxLength": limits::BATCH_GET_NAME_MAX_LEN },
        "maxItems": limits::BATCH_GET_MAX_NAMES,
    })
}

pub(crate) fn import_items(generator: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": generator.subschema_for::<crate::CreateSecretRequestBody>(),
        "minItems": 1,
        "maxItems": limits::BATCH_IMPORT_MAX_ITEMS,
    })
}

pub(crate) fn rotated_secret_type(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "enum": limits::ROTATED_SECRET_TYPES })
}

pub(crate) fn check_type(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "enum": limits::CHECK_TYPES })
}

pub(crate) fn grant_resource(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "minLength": 1, "maxLength": limits::GRANT_ID_MAX_CHARS })
}

pub(crate) fn grant_type(_: &mut SchemaGenerator) -> Schema {
    // Any case: upstream's own example writes `group`.
    json_schema!({ "type": "string", "pattern": "^([Ss][Ee][Cc][Rr][Ee][Tt]|[Gg][Rr][Oo][Uu][Pp])$" })
}

pub(crate) fn grantee_type(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "enum": limits::GRANTEE_TYPES })
}

pub(crate) fn optional_date(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": ["string", "null"], "format": "date" })
}

pub(crate) fn user_password(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "minLength": limits::USER_PASSWORD_CHARS.start(),
        "maxLength": limits::USER_PASSWORD_CHARS.end(),
    })
}

pub(crate) fn old_password(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "maxLength": limits::USER_PASSWORD_CHARS.end() })
}
