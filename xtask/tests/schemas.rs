//! The published schemas: fresh, snapshotted, accepting every documented example, and agreeing with the
//! validator on valid and invalid documents.

use csms_model::StringEnum;
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
fn every_documented_example_validates_against_its_schema() {
    for (file, name) in [
        ("update-request.seed.json", "UpdateSecretEventRequestBody"),
        ("update-response.seed.json", "SecretEventResponse"),
        ("create-request.upstream.json", "CreateSecretEventRequestBody"),
        ("list-events-response.upstream.json", "ListSecretEventsResponse"),
        ("list-records-response.upstream.json", "ListNotificationRecordsResponse"),
        ("error-response.upstream.json", "ErrorResponse"),
        ("create-secret-request.upstream.json", "CreateSecretRequestBody"),
        ("secret-response.upstream.json", "SecretResponse"),
        ("update-secret-request.upstream.json", "UpdateSecretRequestBody"),
        ("show-secret-version-response.upstream.json", "ShowSecretVersionResponse"),
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
const C: &str = "CreateSecretEventRequestBody";
const U: &str = "UpdateSecretEventRequestBody";

/// The shared table: (description, schema, document, the JSON-pointer paths of its violations).
fn documents() -> Vec<(&'static str, &'static str, Value, &'static [&'static str])> {
    vec![
        ("the documented create", C, create(|_| {}), &[]),
        ("one type", C, create(|b| b["event_types"] = json!(["SECRET_ROTATED"])), &[]),
        ("all five types", C, create(|b| b["event_types"] = json!(TYPES)), &[]),
        ("a 64-character name", C, create(|b| b["name"] = json!("n".repeat(64))), &[]),
        (
            "13 types",
            C,
            create(|b| b["event_types"] = json!((0..13).map(|i| TYPES[i % TYPES.len()]).collect::<Vec<_>>())),
            &["/event_types"],
        ),
        ("no types", C, create(|b| b["event_types"] = json!([])), &["/event_types"]),
        (
            "a duplicate type",
            C,
            create(|b| b["event_types"] = json!(["SECRET_ROTATED", "SECRET_ROTATED"])),
            &["/event_types"],
        ),
        (
            "an unknown type",
            C,
            create(|b| b["event_types"] = json!(["SECRET_ROTATED", "SECRET_VERSION_NEAR_EXPIRY"])),
            &["/event_types/1"],
        ),
        (
            "a missing notification field",
            C,
            create(|b| {
                b["notification"].as_object_mut().unwrap().remove("target_id");
            }),
            &["/notification/target_id"],
        ),
        ("a 65-character name", C, create(|b| b["name"] = json!("n".repeat(65))), &["/name"]),
        ("a name with a dot", C, create(|b| b["name"] = json!("a.b")), &["/name"]),
        (
            "a non-SMN target",
            C,
            create(|b| b["notification"]["target_type"] = json!("SNS")),
            &["/notification/target_type"],
        ),
        ("an unknown state", C, create(|b| b["state"] = json!("PAUSED")), &["/state"]),
        (
            "a missing name",
            C,
            create(|b| {
                b.as_object_mut().unwrap().remove("name");
            }),
            &["/name"],
        ),
        (
            "a 257-character target id",
            C,
            create(|b| b["notification"]["target_id"] = json!("t".repeat(257))),
            &["/notification/target_id"],
        ),
        (
            "many violations at once",
            C,
            create(|b| {
                b["name"] = json!("a b");
                b["event_types"] = json!(["X", "X"]);
                b["notification"]["target_name"] = json!("n".repeat(65));
            }),
            &["/event_types", "/event_types/0", "/event_types/1", "/name", "/notification/target_name"],
        ),
        ("the seed update", U, example("update-request.seed.json"), &[]),
        ("an empty update", U, json!({}), &[]),
        ("an update of nulls", U, json!({"state": null, "event_types": null, "notification": null}), &[]),
        ("an update with no types", U, json!({"event_types": []}), &["/event_types"]),
        ("an update with an unknown state", U, json!({"state": "PAUSED"}), &["/state"]),
        ("an update with a state of the wrong type", U, json!({"state": 5}), &["/state"]),
        (
            "an update with a non-SMN target",
            U,
            json!({"notification": {"target_type": "SNS", "target_id": "i", "target_name": "n"}}),
            &["/notification/target_type"],
        ),
        (
            "an update missing target_name",
            U,
            json!({"notification": {"target_type": "SMN", "target_id": "i"}}),
            &["/notification/target_name"],
        ),
    ]
}

type Paths = std::collections::BTreeSet<String>;

/// The paths of a JSON Schema error: a missing property is reported at the property (as the walker does),
/// and an `anyOf` of a type and `null` at the errors of the type's branch.
fn schema_paths(error: &jsonschema::ValidationError<'_>, out: &mut Paths) {
    use jsonschema::error::ValidationErrorKind;
    let path = error.instance_path().as_str().to_owned();
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            out.insert(format!("{path}/{}", property.as_str().unwrap_or_default()));
        }
        ValidationErrorKind::AnyOf { context } => {
            let mut inner = Paths::new();
            for branch in context {
                for e in branch {
                    let is_null_branch = matches!(e.kind(), ValidationErrorKind::Type { .. })
                        && e.instance_path().as_str() == path;
                    if !is_null_branch {
                        schema_paths(e, &mut inner);
                    }
                }
            }
            if inner.is_empty() {
                inner.insert(path);
            }
            out.extend(inner);
        }
        _ => {
            out.insert(path);
        }
    }
}

fn paths_of(violations: &csms_validate::Violations) -> Paths {
    violations.iter().map(|v| v.path.clone()).collect()
}

/// The walker (wire input), the `validator` derives (typed values) and the JSON Schema report the same
/// paths for every document of the table; the derives only see the documents that type-check.
#[test]
fn walker_derives_and_schema_report_the_same_paths() {
    let mut typed = 0;
    for (what, name, document, expected) in documents() {
        let expected: Paths = expected.iter().map(|p| p.to_string()).collect();
        let bytes = document.to_string().into_bytes();

        let walked = match name {
            C => csms_validate::parse_create_body(&bytes).map(drop),
            _ => csms_validate::parse_update_body(&bytes).map(drop),
        };
        let walked = match walked {
            Ok(()) => Paths::new(),
            Err(csms_validate::Rejection::Invalid(v)) => paths_of(&v),
            Err(other) => panic!("walker on {what}: {other}"),
        };
        assert_eq!(walked, expected, "walker on {what}");

        let mut by_schema = Paths::new();
        for error in validator(name).iter_errors(&document) {
            schema_paths(&error, &mut by_schema);
        }
        assert_eq!(by_schema, expected, "schema on {what}");

        let derived = match name {
            C => serde_json::from_value::<csms_model::CreateSecretEventRequestBody>(document)
                .ok()
                .map(|body| csms_validate::validate_typed(&body)),
            _ => serde_json::from_value::<csms_model::UpdateSecretEventRequestBody>(document)
                .ok()
                .map(|body| csms_validate::validate_typed(&body)),
        };
        if let Some(result) = derived {
            typed += 1;
            let derived = result.map_or_else(|v| paths_of(&v), |()| Paths::new());
            assert_eq!(derived, expected, "derive on {what}");
        }
    }
    assert!(typed >= 18, "most documents type-check and go through the derives too ({typed})");
}

/// The derives report the walker's kinds and sentences, not just its paths.
#[test]
fn derive_violations_read_like_the_walkers() {
    let (_, _, document, _) =
        documents().into_iter().find(|(what, ..)| *what == "many violations at once").unwrap();
    let walked = match csms_validate::parse_create_body(document.to_string().as_bytes()) {
        Err(csms_validate::Rejection::Invalid(mut v)) => {
            v.sort_by_path();
            v
        }
        other => panic!("{other:?}"),
    };
    let body: csms_model::CreateSecretEventRequestBody = serde_json::from_value(document).unwrap();
    let derived = csms_validate::validate_typed(&body).unwrap_err();
    let summary = |v: &csms_validate::Violations| {
        let mut all: Vec<_> = v.iter().map(|v| (v.path.clone(), v.kind, v.message.clone())).collect();
        all.sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
        all
    };
    assert_eq!(summary(&derived), summary(&walked));
}
