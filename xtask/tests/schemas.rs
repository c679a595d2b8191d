//! The published schemas: fresh, snapshotted, accepting every documented example, and agreeing with the
//! validator on valid and invalid documents.

use serde_json::{Value, json};

fn schema(name: &str) -> Value {
    xtask::schemas().into_iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no schema {name}")).1
}

fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema(name)).unwrap_or_else(|e| panic!("{name} is a valid schema: {e}"))
}

fn example(file: &str) -> Value {
    let path = xtask::workspace_root().join("fixtures/examples").join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn committed_files_are_fresh() {
    if let Err(e) = xtask::check(&xtask::workspace_root()) {
        panic!("{e:#}");
    }
}

#[test]
fn schema_snapshots() {
    for (name, schema) in xtask::schemas() {
        insta::assert_json_snapshot!(name, schema);
    }
    let openapi: Value = serde_json::from_str(
        &xtask::generate().into_iter().find(|(p, _)| p.ends_with("openapi.json")).unwrap().1,
    )
    .unwrap();
    insta::assert_json_snapshot!("openapi", openapi);
}

#[test]
fn every_documented_example_validates_against_its_schema() {
    for (file, name) in [
        ("update-request.seed.json", "UpdateSecretEventRequestBody"),
        ("update-response.seed.json", "SecretEventResponse"),
        ("create-request.upstream.json", "CreateSecretEventRequestBody"),
        ("list-events-response.upstream.json", "ListSecretEventsResponse"),
        ("list-records-response.upstream.json", "ListNotificationRecordsResponse"),
        ("error-response.upstream.json", "ErrorResponse"),
    ] {
        let instance = example(file);
        let errors: Vec<String> = validator(name).iter_errors(&instance).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{file} against {name}: {errors:?}");
    }
}

#[test]
fn unknown_enum_values_are_in_no_schema() {
    let all = serde_json::to_string(&xtask::schemas()).unwrap();
    assert!(!all.contains("Unknown"));
    assert_eq!(schema("EventType")["enum"], json!(csms_model::EventType::KNOWN));
    assert_eq!(schema("TargetType")["enum"], json!(["SMN"]));
}

fn create(mutate: impl FnOnce(&mut Value)) -> Value {
    let mut body = example("create-request.upstream.json");
    mutate(&mut body);
    body
}

const TYPES: &[&str] = csms_model::EventType::KNOWN;

/// (description, schema, document, valid?)
fn documents() -> Vec<(&'static str, &'static str, Value, bool)> {
    let c = "CreateSecretEventRequestBody";
    let u = "UpdateSecretEventRequestBody";
    vec![
        ("the documented create", c, create(|_| {}), true),
        ("one type", c, create(|b| b["event_types"] = json!(["SECRET_ROTATED"])), true),
        ("all five types", c, create(|b| b["event_types"] = json!(TYPES)), true),
        ("a 64-character name", c, create(|b| b["name"] = json!("n".repeat(64))), true),
        (
            "13 types",
            c,
            create(|b| b["event_types"] = json!((0..13).map(|i| TYPES[i % TYPES.len()]).collect::<Vec<_>>())),
            false,
        ),
        ("no types", c, create(|b| b["event_types"] = json!([])), false),
        (
            "a duplicate type",
            c,
            create(|b| b["event_types"] = json!(["SECRET_ROTATED", "SECRET_ROTATED"])),
            false,
        ),
        ("an unknown type", c, create(|b| b["event_types"] = json!(["SECRET_VERSION_NEAR_EXPIRY"])), false),
        (
            "a missing notification field",
            c,
            create(|b| {
                b["notification"].as_object_mut().unwrap().remove("target_id");
            }),
            false,
        ),
        ("a 65-character name", c, create(|b| b["name"] = json!("n".repeat(65))), false),
        ("a name with a dot", c, create(|b| b["name"] = json!("a.b")), false),
        ("a non-SMN target", c, create(|b| b["notification"]["target_type"] = json!("SNS")), false),
        ("an unknown state", c, create(|b| b["state"] = json!("PAUSED")), false),
        (
            "a missing name",
            c,
            create(|b| {
                b.as_object_mut().unwrap().remove("name");
            }),
            false,
        ),
        (
            "a 257-character target id",
            c,
            create(|b| b["notification"]["target_id"] = json!("t".repeat(257))),
            false,
        ),
        ("the seed update", u, example("update-request.seed.json"), true),
        ("an empty update", u, json!({}), true),
        ("an update of nulls", u, json!({"state": null, "event_types": null, "notification": null}), true),
        ("an update with no types", u, json!({"event_types": []}), false),
        (
            "an update with a non-SMN target",
            u,
            json!({"notification": {"target_type": "SNS", "target_id": "i", "target_name": "n"}}),
            false,
        ),
        (
            "an update missing target_name",
            u,
            json!({"notification": {"target_type": "SMN", "target_id": "i"}}),
            false,
        ),
    ]
}

#[test]
fn schema_and_validator_agree_on_every_document() {
    for (what, name, document, valid) in documents() {
        let by_schema = validator(name).is_valid(&document);
        let bytes = document.to_string().into_bytes();
        let by_validator = match name {
            "CreateSecretEventRequestBody" => csms_validate::parse_create_body(&bytes).is_ok(),
            _ => csms_validate::parse_update_body(&bytes).is_ok(),
        };
        assert_eq!(by_schema, valid, "schema on {what}");
        assert_eq!(by_validator, valid, "validator on {what}");
    }
}
