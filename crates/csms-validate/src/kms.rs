//! The rules of the KMS operations: key ids and aliases, the lifecycle bodies, data keys, small-data
//! encryption, random bytes and key tags. The HTTP layer answers violations with KMS's codes
//! (`KMS.0205` for `/key_id`, `KMS.0204` for a missing member, ...).

use std::sync::LazyLock;

use kms_model::limits as kms;
use kms_model::{
    BatchCreateKmsTagsRequestBody, CreateDatakeyRequestBody, CreateKeyRequestBody, CreateKmsTagRequestBody,
    DecryptDataRequestBody, DecryptDatakeyRequestBody, EncryptDataRequestBody, EncryptDatakeyRequestBody,
    GenRandomRequestBody, ListKeysRequestBody, ListKmsByTagsRequestBody, OperateKeyRequestBody,
    ScheduleKeyDeletionRequestBody, UpdateKeyAliasRequestBody, UpdateKeyDescriptionRequestBody,
    UpdateKeyRotationIntervalRequestBody,
};
use regex::Regex;
use serde_json::{Map, Value};

use crate::body::{
    bytes_between, chars, checked_body, decimal, integer, items, matching, object, one_of, optional, required,
};
use crate::violation::{Rejection, Violations};

static KEY_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(kms::KEY_ID_PATTERN).expect("a pattern"));
static KEY_ALIAS: LazyLock<Regex> = LazyLock::new(|| Regex::new(kms::KEY_ALIAS_PATTERN).expect("a pattern"));
static HEX: LazyLock<Regex> = LazyLock::new(|| Regex::new("^([0-9a-fA-F]{2})+$").expect("a pattern"));
static BASE64: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("^[0-9a-zA-Z+/=]{128,5648}$").expect("a pattern"));

fn key_id(value: &Value, path: &str, out: &mut Violations) {
    matching(value, path, &KEY_ID, out);
}

/// A `{key_id}` path parameter.
pub fn key_id_path(id: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    key_id(&Value::String(id.to_owned()), "/key_id", &mut out);
    out.into_result(())
}

/// A tag `{key}` path parameter.
pub fn tag_key_path(key: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    chars(&Value::String(key.to_owned()), "/key", (1, 255), &mut out);
    out.into_result(())
}

/// An alias of a custom key: the pattern, and not a default key's (`*/default`).
fn alias(value: &Value, path: &str, out: &mut Violations) {
    matching(value, path, &KEY_ALIAS, out);
    if value.as_str().is_some_and(|a| a.ends_with(kms::DEFAULT_ALIAS_SUFFIX)) {
        out.unknown_reference(path, "alias of a custom key (one ending in /default is a default key's)");
    }
}

fn description(value: &Value, path: &str, out: &mut Violations) {
    chars(value, path, (0, kms::DESCRIPTION_MAX_CHARS), out);
}

fn sequence(fields: &Map<String, Value>, out: &mut Violations) {
    optional(fields, "sequence", out, |v, p, o| chars(v, p, (0, kms::SEQUENCE_MAX_CHARS), o));
}

/// The level-4 members: a PIN and its form (accepted, not used).
fn pin(fields: &Map<String, Value>, out: &mut Violations) {
    optional(fields, "pin", out, |v, p, o| chars(v, p, (0, 64), o));
    optional(fields, "pin_type", out, |v, p, o| one_of(v, p, &["CipherText", "PlainText"], o));
}

fn aad(fields: &Map<String, Value>, out: &mut Violations) {
    optional(fields, "additional_authenticated_data", out, |v, p, o| chars(v, p, (1, kms::AAD_MAX_CHARS), o));
}

/// create-key's body.
pub fn parse_create_key_body(bytes: &[u8]) -> Result<CreateKeyRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "key_alias", out, alias, "");
        optional(fields, "key_description", out, description);
        optional(fields, "key_spec", out, |v, p, o| one_of(v, p, kms::KEY_SPECS, o));
        optional(fields, "key_usage", out, |v, p, o| one_of(v, p, kms::KEY_USAGES, o));
        optional(fields, "origin", out, |v, p, o| one_of(v, p, kms::ORIGINS, o));
        optional(fields, "keystore_id", out, |v, p, o| chars(v, p, (0, 64), o));
        optional(fields, "enterprise_project_id", out, |v, p, o| chars(v, p, (0, 36), o));
        optional(fields, "vm_id", out, |v, p, o| chars(v, p, (0, 64), o));
        sequence(fields, out);
    })
}

/// The body of the operations on one key: `key_id`.
pub fn parse_operate_key_body(bytes: &[u8]) -> Result<OperateKeyRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "key_id", out, key_id, "");
        sequence(fields, out);
    })
}

/// schedule-key-deletion's body: `key_id` and `pending_days` (7 to 1096, a string).
pub fn parse_schedule_deletion_body(bytes: &[u8]) -> Result<ScheduleKeyDeletionRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "key_id", out, key_id, "");
        let (min, max) = kms::PENDING_DAYS;
        required(
            fields,
            "pending_days",
            out,
            |v, p, o| {
                decimal(v, p, (i64::from(min), i64::from(max)), o);
            },
            "",
        );
        sequence(fields, out);
    })
}

/// update-key-alias' body.
pub fn parse_update_alias_body(bytes: &[u8]) -> Result<UpdateKeyAliasRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "key_id", out, key_id, "");
        required(fields, "key_alias", out, alias, "");
        sequence(fields, out);
    })
}

/// update-key-description's body.
pub fn parse_update_description_body(bytes: &[u8]) -> Result<UpdateKeyDescriptionRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "key_id", out, key_id, "");
        required(fields, "key_description", out, description, "");
        sequence(fields, out);
    })
}

/// update-key-rotation-interval's body: `rotation_interval` an integer of days, 30 to 365.
pub fn parse_rotation_interval_body(bytes: &[u8]) -> Result<UpdateKeyRotationIntervalRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "key_id", out, key_id, "");
        let (min, max) = kms::ROTATION_INTERVAL_DAYS;
        required(
            fields,
            "rotation_interval",
            out,
            |v, p, o| integer(v, p, (i64::from(min), i64::from(max)), o),
            "",
        );
        sequence(fields, out);
    })
}

/// list-keys' body: `limit` (1 to 1000) and `marker` (from 0) as decimal strings, `key_state` `"1"` to
/// `"5"`, `key_spec` a spec or `ALL`.
pub fn parse_list_keys_body(bytes: &[u8]) -> Result<ListKeysRequestBody, Rejection> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { bytes };
    checked_body(bytes, |fields, out| {
        optional(fields, "limit", out, |v, p, o| {
            decimal(v, p, (1, kms::LIST_LIMIT_MAX as i64), o);
        });
        optional(fields, "marker", out, |v, p, o| {
            if v.as_str() != Some("") {
                decimal(v, p, (0, i64::from(i32::MAX)), o);
            }
        });
        optional(fields, "key_state", out, |v, p, o| one_of(v, p, &["1", "2", "3", "4", "5"], o));
        let mut specs = kms::KEY_SPECS.to_vec();
        specs.push("ALL");
        optional(fields, "key_spec", out, |v, p, o| one_of(v, p, &specs, o));
        optional(fields, "enterprise_project_id", out, |v, p, o| chars(v, p, (0, 64), o));
        sequence(fields, out);
    })
}

/// create-datakey's body: `key_spec` `AES_256` or `AES_128`, or `datakey_length` (8 to 8192 bits, a
/// multiple of 8).
pub fn parse_create_datakey_body(bytes: &[u8]) -> Result<CreateDatakeyRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "key_id", out, key_id, "");
        let specs: Vec<&str> = kms::DATAKEY_SPECS.iter().map(|(s, _)| *s).collect();
        optional(fields, "key_spec", out, |v, p, o| one_of(v, p, &specs, o));
        let (min, max, _) = kms::DATAKEY_BITS;
        optional(fields, "datakey_length", out, |v, p, o| {
            if decimal(v, p, (i64::from(min), i64::from(max)), o).is_some_and(|n| n % 8 != 0) {
                o.constraint(p, crate::ViolationKind::Range, "be a multiple of 8");
            }
        });
        aad(fields, out);
        pin(fields, out);
        sequence(fields, out);
    })
}

fn hex(value: &Value, path: &str, out: &mut Violations) {
    bytes_between(value, path, (8, 8192), out);
    if value.as_str().is_some_and(|s| !HEX.is_match(s)) {
        out.pattern(path, "^([0-9a-fA-F]{2})+$");
    }
}

/// encrypt-datakey's body: `plain_text` hex of the data key and its SHA-256 digest,
/// `datakey_plain_length` the data key's bytes (a string).
pub fn parse_encrypt_datakey_body(bytes: &[u8]) -> Result<EncryptDatakeyRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "key_id", out, key_id, "");
        required(fields, "plain_text", out, hex, "");
        required(
            fields,
            "datakey_plain_length",
            out,
            |v, p, o| {
                decimal(v, p, (1, 1024), o);
            },
            "",
        );
        optional(fields, "key_spec", out, |v, p, o| one_of(v, p, &["SM2", "RSA"], o));
        aad(fields, out);
        pin(fields, out);
        sequence(fields, out);
    })
}

/// decrypt-datakey's body: `cipher_text` (hex), `datakey_cipher_length` the data key's bytes.
pub fn parse_decrypt_datakey_body(bytes: &[u8]) -> Result<DecryptDatakeyRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "key_id", out, key_id, "");
        required(fields, "cipher_text", out, hex, "");
        required(
            fields,
            "datakey_cipher_length",
            out,
            |v, p, o| {
                decimal(v, p, (1, 1024), o);
            },
            "",
        );
        aad(fields, out);
        sequence(fields, out);
    })
}

/// encrypt-data's body: `plain_text` of 1 to 4096 bytes.
pub fn parse_encrypt_data_body(bytes: &[u8]) -> Result<EncryptDataRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "key_id", out, key_id, "");
        required(
            fields,
            "plain_text",
            out,
            |v, p, o| bytes_between(v, p, (1, kms::PLAIN_TEXT_MAX_BYTES), o),
            "",
        );
        optional(fields, "encryption_algorithm", out, |v, p, o| {
            one_of(v, p, &kms::ENCRYPTION_ALGORITHMS[..1], o)
        });
        aad(fields, out);
        sequence(fields, out);
    })
}

/// decrypt-data's body: `cipher_text` Base64, 128 to 5648 characters; `key_id`, when given.
pub fn parse_decrypt_data_body(bytes: &[u8]) -> Result<DecryptDataRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "cipher_text", out, |v, p, o| matching(v, p, &BASE64, o), "");
        optional(fields, "key_id", out, key_id);
        optional(fields, "encryption_algorithm", out, |v, p, o| {
            one_of(v, p, &kms::ENCRYPTION_ALGORITHMS[..1], o)
        });
        aad(fields, out);
        sequence(fields, out);
    })
}

/// gen-random's body: `random_data_length` in bits, 8 to 8192, a multiple of 8.
pub fn parse_gen_random_body(bytes: &[u8]) -> Result<GenRandomRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        let (min, max) = kms::RANDOM_BITS;
        required(
            fields,
            "random_data_length",
            out,
            |v, p, o| {
                if decimal(v, p, (i64::from(min), i64::from(max)), o).is_some_and(|n| n % 8 != 0) {
                    o.constraint(p, crate::ViolationKind::Range, "be a multiple of 8");
                }
            },
            "",
        );
        sequence(fields, out);
    })
}

fn tag(value: &Value, path: &str, out: &mut Violations) {
    object(value, path, out, |fields, out| {
        required(fields, "key", out, |v, p, o| chars(v, p, (1, kms::TAG_KEY_MAX_CHARS), o), path);
        crate::body::optional_in(
            fields,
            "value",
            out,
            |v, p, o| chars(v, p, (0, kms::TAG_VALUE_MAX_CHARS), o),
            path,
        );
    });
}

/// The body that adds one tag to a key.
pub fn parse_create_tag_body(bytes: &[u8]) -> Result<CreateKmsTagRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "tag", out, tag, "");
        sequence(fields, out);
    })
}

/// The body that sets or removes several tags: `action` and 1 to 20 `tags` whose keys differ.
pub fn parse_batch_tags_body(bytes: &[u8]) -> Result<BatchCreateKmsTagsRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "action", out, |v, p, o| one_of(v, p, kms::TAG_ACTIONS, o), "");
        required(
            fields,
            "tags",
            out,
            |v, p, o| {
                items(v, p, (1, kms::TAGS_PER_KEY), tag, o);
                let keys: Vec<_> = v.as_array().into_iter().flatten().filter_map(|t| t.get("key")).collect();
                if keys.iter().enumerate().any(|(i, k)| keys[..i].contains(k)) {
                    o.unique(p);
                }
            },
            "",
        );
        sequence(fields, out);
    })
}

/// The search of keys by tag.
pub fn parse_list_by_tags_body(bytes: &[u8]) -> Result<ListKmsByTagsRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        optional(fields, "action", out, |v, p, o| one_of(v, p, kms::RESOURCE_ACTIONS, o));
        optional(fields, "tags", out, |v, p, o| {
            items(
                v,
                p,
                (0, 10),
                |v, p, o| {
                    object(v, p, o, |f, o| {
                        required(f, "key", o, |v, p, o| chars(v, p, (1, kms::TAG_KEY_MAX_CHARS), o), p);
                        required(
                            f,
                            "values",
                            o,
                            |v, p, o| {
                                items(
                                    v,
                                    p,
                                    (0, 10),
                                    |v, p, o| chars(v, p, (0, kms::TAG_VALUE_MAX_CHARS), o),
                                    o,
                                )
                            },
                            p,
                        );
                    })
                },
                o,
            )
        });
        optional(fields, "matches", out, |v, p, o| items(v, p, (0, 10), tag, o));
        optional(fields, "offset", out, |v, p, o| {
            decimal(v, p, (0, i64::from(i32::MAX)), o);
        });
        optional(fields, "limit", out, |v, p, o| {
            decimal(v, p, (1, 1000), o);
        });
        sequence(fields, out);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(result: Result<impl std::fmt::Debug, Rejection>) -> Vec<String> {
        match result {
            Err(Rejection::Invalid(v)) => v.iter().map(|v| v.path.clone()).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn key_bodies_are_checked_member_by_member() {
        assert!(parse_create_key_body(br#"{"key_alias": "my-key"}"#).is_ok());
        assert_eq!(paths(parse_create_key_body(br#"{"key_alias": "x/default"}"#)), ["/key_alias"]);
        assert_eq!(paths(parse_operate_key_body(br#"{"key_id": "nope"}"#)), ["/key_id"]);
        let id = "bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e";
        let days = |d: &str| format!(r#"{{"key_id": "{id}", "pending_days": "{d}"}}"#);
        assert!(parse_schedule_deletion_body(days("7").as_bytes()).is_ok());
        assert_eq!(paths(parse_schedule_deletion_body(days("6").as_bytes())), ["/pending_days"]);
        assert_eq!(paths(parse_gen_random_body(br#"{"random_data_length": "12"}"#)), ["/random_data_length"]);
        assert!(parse_list_keys_body(b"").is_ok(), "an empty body lists the first page");
        assert_eq!(
            paths(parse_list_keys_body(br#"{"limit": "0", "key_state": "9"}"#)),
            ["/limit", "/key_state"]
        );
    }
}
