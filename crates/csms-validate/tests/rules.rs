//! Every rule at its boundaries.

use csms_model::{EventState, EventType, StringEnum};
use csms_validate::*;
use serde_json::{Value, json};

const TYPES: &[&str] = csms_model::EventType::KNOWN;

fn valid_create() -> Value {
    json!({
        "name": "demo-event",
        "event_types": ["SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED"],
        "state": "ENABLED",
        "notification": {"target_type": "SMN", "target_id": "urn:smn:cn-north-4:abc:topic", "target_name": "topic"}
    })
}

fn create(v: &Value) -> Result<csms_model::CreateSecretEventRequestBody, Rejection> {
    parse_create_body(v.to_string().as_bytes())
}

fn update(v: &Value) -> Result<csms_model::UpdateSecretEventRequestBody, Rejection> {
    parse_update_body(v.to_string().as_bytes())
}

/// The (path, message) pairs of an Invalid rejection; panics on anything else.
fn violations<T: std::fmt::Debug>(r: Result<T, Rejection>) -> Vec<(String, String)> {
    match r {
        Err(Rejection::Invalid(v)) => v.iter().map(|v| (v.path.clone(), v.message.clone())).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn paths<T: std::fmt::Debug>(r: Result<T, Rejection>) -> Vec<String> {
    violations(r).into_iter().map(|(p, _)| p).collect()
}

/// `n` event types; items beyond the five distinct values repeat (so n > 5 also breaks uniqueness).
fn types(n: usize) -> Value {
    json!((0..n).map(|i| TYPES[i % TYPES.len()]).collect::<Vec<_>>())
}

#[test]
fn valid_create_parses_into_typed_body() {
    let body = create(&valid_create()).unwrap();
    assert_eq!(body.name, "demo-event");
    assert_eq!(body.state, EventState::Enabled);
    assert_eq!(body.event_types[1], EventType::SecretVersionExpired);
    assert!(validate_create_body(&body).is_ok());
}

#[test]
fn event_type_count_bounds() {
    for (n, ok) in [(0, false), (1, true), (5, true)] {
        let mut v = valid_create();
        v["event_types"] = types(n);
        assert_eq!(create(&v).is_ok(), ok, "{n} items");
        assert_eq!(update(&json!({"event_types": types(n)})).is_ok(), ok, "{n} items on update");
    }
    let mut v = valid_create();
    v["event_types"] = json!([]);
    assert_eq!(
        violations(create(&v)),
        [(
            "/event_types".to_owned(),
            "Value with length 0 at '/event_types' failed to satisfy constraint: \
             Member must have length between 1 and 12, inclusive"
                .to_owned()
        )]
    );
}

#[test]
fn twelve_items_pass_the_count_and_thirteen_do_not() {
    // Only five distinct values exist, so 12 items necessarily repeat: the count rule alone is tested
    // by looking at which violations are reported.
    let twelve = paths(update(&json!({"event_types": types(12)})));
    assert_eq!(twelve, ["/event_types"]);
    let msgs = violations(update(&json!({"event_types": types(12)})));
    assert!(msgs[0].1.contains("unique values"), "{msgs:?}");
    let thirteen = violations(update(&json!({"event_types": types(13)})));
    assert_eq!(thirteen.len(), 2, "{thirteen:?}");
    assert!(thirteen[0].1.starts_with("Value with length 13 at '/event_types'"));
    assert!(thirteen[1].1.contains("unique values"));
}

#[test]
fn duplicate_type_is_rejected() {
    let v = json!({"event_types": ["SECRET_ROTATED", "SECRET_DELETED", "SECRET_ROTATED"]});
    assert_eq!(
        violations(update(&v)),
        [(
            "/event_types".to_owned(),
            "Value with repeated values at '/event_types' failed to satisfy constraint: \
             Member must have unique values"
                .to_owned()
        )]
    );
}

#[test]
fn unknown_type_is_rejected_with_its_index() {
    let v = json!({"event_types": ["SECRET_ROTATED", "SECRET_VERSION_NEAR_EXPIRY", 7]});
    let found = violations(update(&v));
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].0, "/event_types/1");
    assert_eq!(found[1].0, "/event_types/2");
    assert_eq!(
        found[0].1,
        "Value at '/event_types/1' failed to satisfy constraint: Member must satisfy enum value set: \
         [SECRET_VERSION_CREATED, SECRET_VERSION_EXPIRED, SECRET_ROTATED, SECRET_DELETED, SECRET_ROTATED_FAILED]"
    );
}

#[test]
fn name_length_boundaries() {
    for (len, ok) in [(1, true), (64, true), (65, false)] {
        let mut v = valid_create();
        v["name"] = json!("a".repeat(len));
        assert_eq!(create(&v).is_ok(), ok, "length {len}");
        assert_eq!(event_name(&"a".repeat(len)).is_ok(), ok, "path name length {len}");
    }
    let mut v = valid_create();
    v["name"] = json!("");
    assert_eq!(paths(create(&v)), ["/name"]);
    v["name"] = json!("a".repeat(65));
    assert_eq!(
        violations(create(&v))[0].1,
        "Value with length 65 at '/name' failed to satisfy constraint: \
         Member must have length between 1 and 64, inclusive"
    );
}

#[test]
fn name_pattern() {
    for bad in ["has space", "dot.ted", "sl/ash", "ünï", "a\n"] {
        let mut v = valid_create();
        v["name"] = json!(bad);
        let found = violations(create(&v));
        assert_eq!(found[0].0, "/name", "{bad}");
        assert!(
            found[0].1.ends_with("Member must satisfy regular expression pattern: ^[a-zA-Z0-9_-]{1,64}$")
        );
        assert!(event_name(bad).is_err());
    }
    assert!(event_name("Under_score-and-dash-09").is_ok());
}

#[test]
fn each_missing_notification_field_is_named() {
    for field in ["target_type", "target_id", "target_name"] {
        let mut v = valid_create();
        v["notification"].as_object_mut().unwrap().remove(field);
        let found = violations(create(&v));
        let path = format!("/notification/{field}");
        assert_eq!(
            found,
            [(
                path.clone(),
                format!("Value at '{path}' failed to satisfy constraint: Member must not be null")
            )]
        );
        // null counts as missing too, on update as well.
        let mut n = valid_create()["notification"].clone();
        n[field] = Value::Null;
        assert_eq!(paths(update(&json!({"notification": n}))), [path]);
    }
}

#[test]
fn target_type_must_be_smn() {
    let v = json!({"notification": {"target_type": "SNS", "target_id": "x", "target_name": "y"}});
    assert_eq!(
        violations(update(&v)),
        [(
            "/notification/target_type".to_owned(),
            "Value at '/notification/target_type' failed to satisfy constraint: \
             Member must satisfy enum value set: [SMN]"
                .to_owned()
        )]
    );
}

#[test]
fn target_id_and_name_bounds() {
    let n = |id: String, name: String| {
        update(&json!({"notification": {"target_type": "SMN", "target_id": id, "target_name": name}}))
    };
    assert!(n("i".repeat(256), "n".repeat(64)).is_ok());
    assert_eq!(
        paths(n("i".repeat(257), "n".repeat(65))),
        ["/notification/target_id", "/notification/target_name"]
    );
    assert!(n("urn:smn:cn-north-4:0123:topic.v1".into(), "t".into()).is_ok());
    assert_eq!(paths(n("has space".into(), "ok".into())), ["/notification/target_id"]);
}

#[test]
fn create_reports_every_violation_at_once() {
    let v = json!({"event_types": "SECRET_ROTATED", "state": "on", "notification": []});
    assert_eq!(paths(create(&v)), ["/name", "/event_types", "/state", "/notification"]);
    let msgs = violations(create(&v));
    assert!(msgs[1].1.ends_with("Member must be an array"));
    assert!(msgs[3].1.ends_with("Member must be an object"));
    let err = create(&v).unwrap_err().to_error_response();
    assert_eq!(err.error.error_code, "CSMS.0002");
    assert!(err.error.error_msg.starts_with("4 validation errors detected. "), "{}", err.error.error_msg);
}

#[test]
fn update_accepts_empty_and_null_fields_and_ignores_unknown_ones() {
    assert!(update(&json!({})).unwrap().is_empty());
    assert!(update(&json!({"state": null, "event_types": null, "notification": null})).unwrap().is_empty());
    let body = update(&json!({"state": "DISABLED", "name": "cannot-rename", "future": 1})).unwrap();
    assert_eq!(body.state, Some(EventState::Disabled));
}

#[test]
fn malformed_bodies_are_csms_0004() {
    for bad in [&b""[..], b"   ", b"{", b"[]", b"\"text\"", b"null", b"{\"state\": }"] {
        for r in [parse_create_body(bad).err(), parse_update_body(bad).err()] {
            let r = r.expect("rejected");
            assert!(matches!(r, Rejection::Malformed(_)), "{bad:?}: {r:?}");
            assert_eq!(r.to_error_response().error.error_code, "CSMS.0004");
        }
    }
}

#[test]
fn list_limit_boundaries() {
    for (raw, ok) in [
        ("0", false),
        ("1", true),
        ("1000", true),
        ("1001", false),
        ("abc", false),
        ("-1", false),
        ("", false),
        ("+5", false),
        (" 5", false),
        ("99999999999", false),
    ] {
        let r = list_query(Some(raw), None);
        assert_eq!(r.is_ok(), ok, "limit {raw:?}");
        if let Err(v) = r {
            assert_eq!(v.iter().next().unwrap().path, "/limit");
            assert_eq!(
                v.iter().next().unwrap().message,
                "Value at '/limit' failed to satisfy constraint: Member must be an integer between 1 and 1000, inclusive"
            );
        }
    }
    assert_eq!(list_query(Some("1000"), None).unwrap().limit, 1000);
    assert_eq!(list_query(None, None).unwrap().limit, 50);
}

#[test]
fn list_marker() {
    assert_eq!(list_query(None, Some("")).unwrap().marker, None);
    assert_eq!(list_query(None, Some("a.b")).unwrap().marker.as_deref(), Some("a.b"));
    let both = list_query(Some("0"), Some(&"m".repeat(65))).unwrap_err();
    let p: Vec<_> = both.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(p, ["/limit", "/marker"]);
    assert!(list_query(None, Some("bad marker")).is_err());
}

#[test]
fn project_id_rule() {
    assert!(project_id("0123456789abcdef0123456789abcdef").is_ok());
    assert!(project_id(&"p".repeat(64)).is_ok());
    assert!(project_id(&"p".repeat(65)).is_err());
    assert!(project_id("").is_err());
    assert_eq!(project_id("a b").unwrap_err().iter().next().unwrap().path, "/project_id");
}

#[test]
fn a_flood_of_bad_items_gets_a_bounded_message_that_counts_them_all() {
    let items: Vec<String> = (0..5000).map(|i| format!("BAD{i}")).collect();
    let rejection = update(&json!({"event_types": items})).unwrap_err();
    let Rejection::Invalid(all) = &rejection else { panic!("{rejection:?}") };
    assert_eq!(all.len(), 5001, "5000 bad items and the count");
    let message = rejection.to_error_response().error.error_msg;
    assert!(message.starts_with("5001 validation errors detected. "), "{message}");
    assert!(message.ends_with(&format!("; and {} more", 5001 - MAX_LISTED_VIOLATIONS)), "{message}");
    assert!(message.len() < 4096, "{} bytes", message.len());
}

/// Every violation says which kind of rule it broke, so that machines need not read the sentence.
#[test]
fn violations_carry_their_kind() {
    let body = json!({
        "name": "a".repeat(65),
        "event_types": ["SECRET_ROTATED", "SECRET_ROTATED", "NOPE"],
        "state": 5,
        "notification": {"target_type": "SMN", "target_id": "has space"}
    });
    let Err(Rejection::Invalid(found)) = create(&body) else { panic!("invalid") };
    let kinds: Vec<(&str, ViolationKind)> = found.iter().map(|v| (v.path.as_str(), v.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("/name", ViolationKind::Length),
            ("/event_types/2", ViolationKind::Enum),
            ("/event_types", ViolationKind::Unique),
            ("/state", ViolationKind::Enum),
            ("/notification/target_id", ViolationKind::Pattern),
            ("/notification/target_name", ViolationKind::Missing),
        ]
    );
    let Err(Rejection::Invalid(found)) = update(&json!({"notification": "SMN", "event_types": {}})) else {
        panic!("invalid")
    };
    assert!(found.iter().all(|v| v.kind == ViolationKind::Type), "{found:?}");
    let range = list_query(Some("0"), None).unwrap_err();
    assert_eq!(range.iter().map(|v| v.kind).collect::<Vec<_>>(), [ViolationKind::Range]);
}

/// The secrets' bodies: each document with the (path, kind) of every violation it holds.
#[test]
fn secret_bodies_report_every_violation_with_its_kind() {
    let big = "x".repeat(csms_model::limits::SECRET_VALUE_MAX_BYTES + 1);
    let big_binary = "A".repeat((csms_model::limits::SECRET_VALUE_MAX_BYTES / 3 + 2) * 4);
    type Parse = fn(&[u8]) -> Result<(), Rejection>;
    let create: Parse = |b| parse_create_secret_body(b).map(drop);
    let update: Parse = |b| parse_update_secret_body(b).map(drop);
    let version: Parse = |b| parse_create_version_body(b).map(drop);
    let expire: Parse = |b| parse_update_version_body(b).map(drop);
    let schedule: Parse = |b| parse_schedule_deletion_body(b).map(drop);
    use ViolationKind::*;
    /// (what, parser, document, the (path, kind) of each violation).
    type Case = (&'static str, Parse, Value, Vec<(&'static str, ViolationKind)>);
    let cases: Vec<Case> = vec![
        (
            "a plain create",
            create,
            json!({"name": "db", "secret_string": "s", "event_subscriptions": ["e"]}),
            vec![],
        ),
        (
            "a binary create",
            create,
            json!({"name": "db", "secret_binary": "aGk=", "secret_type": "RDS-FG"}),
            vec![],
        ),
        ("no value", create, json!({"name": "db"}), vec![("/secret_string", Exclusive)]),
        (
            "two values",
            create,
            json!({"name": "db", "secret_string": "s", "secret_binary": "aGk="}),
            vec![("/secret_binary", Exclusive)],
        ),
        (
            "everything wrong",
            create,
            json!({"name": "a b", "secret_string": big, "secret_type": "PLAIN", "description": "d".repeat(2049),
                   "event_subscriptions": ["a", "b c"], "auto_rotation": "yes", "kms_key_id": 5}),
            vec![
                ("/name", Pattern),
                ("/secret_string", Length),
                ("/secret_type", Enum),
                ("/description", Length),
                ("/kms_key_id", Type),
                ("/auto_rotation", Type),
                ("/event_subscriptions", Length),
                ("/event_subscriptions/1", Pattern),
            ],
        ),
        (
            "bad base64",
            create,
            json!({"name": "db", "secret_binary": "not base64!"}),
            vec![("/secret_binary", Type)],
        ),
        (
            "too much binary",
            create,
            json!({"name": "db", "secret_binary": big_binary}),
            vec![("/secret_binary", Length)],
        ),
        ("an unsubscribe", update, json!({"event_subscriptions": []}), vec![]),
        (
            "an update with a value",
            update,
            json!({"secret_string": "ignored", "description": 1}),
            vec![("/description", Type)],
        ),
        (
            "a version",
            version,
            json!({"secret_string": "s", "version_stages": ["STAGE-1"], "expire_time": 1}),
            vec![],
        ),
        (
            "a bad version",
            version,
            json!({"version_stages": [], "expire_time": -1}),
            vec![("/secret_string", Exclusive), ("/version_stages", Length), ("/expire_time", Range)],
        ),
        ("an expiry", expire, json!({"expire_time": 1696838472000_i64}), vec![]),
        ("no expiry", expire, json!({}), vec![("/expire_time", Missing)]),
        ("a schedule", schedule, json!({"recovery_window_in_days": 7}), vec![]),
        (
            "too short a schedule",
            schedule,
            json!({"recovery_window_in_days": 6}),
            vec![("/recovery_window_in_days", Range)],
        ),
    ];
    for (what, parse, document, expected) in cases {
        let found = match parse(document.to_string().as_bytes()) {
            Ok(()) => vec![],
            Err(Rejection::Invalid(v)) => v.iter().map(|v| (v.path.clone(), v.kind)).collect(),
            Err(other) => panic!("{what}: {other}"),
        };
        let expected: Vec<(String, ViolationKind)> =
            expected.into_iter().map(|(p, k)| (p.to_owned(), k)).collect();
        assert_eq!(found, expected, "{what}");
    }
    assert!(secret_name("db-password").is_ok());
    assert_eq!(secret_name("").unwrap_err().iter().next().unwrap().path, "/secret_name");
}

/// No message names a value: a rejected secret string or binary is never echoed back.
#[test]
fn secret_values_are_never_echoed() {
    let body = json!({"name": "db", "secret_string": "hunter2-".repeat(5000), "secret_binary": "aHVudGVy"});
    let Err(rejection) = parse_create_secret_body(body.to_string().as_bytes()) else { panic!("invalid") };
    let message = rejection.to_string();
    assert!(!message.contains("hunter2") && !message.contains("aHVudGVy"), "{message}");
}
