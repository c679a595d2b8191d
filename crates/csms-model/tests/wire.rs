//! Round trips of the documented examples and forward compatibility.

use csms_model::*;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

macro_rules! example {
    ($file:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/examples/", $file))
    };
}

/// Parses `text` as `T`, writes it back, and checks the result equals the original as a JSON value.
fn round_trip<T: Serialize + DeserializeOwned>(text: &str) -> T {
    let parsed: T = serde_json::from_str(text).expect("example parses");
    let written = serde_json::to_value(&parsed).unwrap();
    let original: Value = serde_json::from_str(text).unwrap();
    assert_eq!(written, original, "written back differs from the original");
    parsed
}

#[test]
fn seed_request_round_trips() {
    let body: UpdateSecretEventRequestBody = round_trip(example!("update-request.seed.json"));
    assert_eq!(body.state, None);
    assert_eq!(body.event_types, None);
    let n = body.notification.unwrap();
    assert_eq!(n.target_type, TargetType::Smn);
    assert_eq!(n.target_id, "demo-smn-id");
}

#[test]
fn seed_response_round_trips() {
    let body: SecretEventResponse = round_trip(example!("update-response.seed.json"));
    assert_eq!(body.event.name, "event-test");
    assert_eq!(body.event.state, EventState::Enabled);
    assert_eq!(body.event.event_types, vec![EventType::SecretVersionExpired]);
    assert_eq!(body.event.create_time, 1_581_507_580_000);
}

#[test]
fn upstream_examples_round_trip() {
    let create: CreateSecretEventRequestBody = round_trip(example!("create-request.upstream.json"));
    assert_eq!(create.event_types.len(), 2);
    let list: ListSecretEventsResponse = round_trip(example!("list-events-response.upstream.json"));
    assert_eq!(list.page_info.current_count, 2);
    assert_eq!(list.page_info.next_marker.as_deref(), Some("TestEvent2"));
    let records: ListNotificationRecordsResponse =
        round_trip(example!("list-records-response.upstream.json"));
    assert_eq!(records.records[0].notification_status, NotificationStatus::Success);
    assert_eq!(records.records[0].secret_type, SecretType::Common);
    assert_eq!(records.page_info.next_marker, None);
    let error: ErrorResponse = round_trip(example!("error-response.upstream.json"));
    assert_eq!(error.error.error_code, ErrorCode::NotFound.code());
}

#[test]
fn gateway_flat_error_parses_as_detail() {
    // The API gateway answers authentication failures with a flat body and an extra request_id.
    let flat = r#"{"error_msg":"Incorrect IAM authentication information: verify aksk signature fail","error_code":"APIGW.0301","request_id":"abc"}"#;
    let detail: ErrorDetail = serde_json::from_str(flat).unwrap();
    assert_eq!(detail.error_code, "APIGW.0301");
}

#[test]
fn unknown_enum_values_round_trip_unchanged() {
    let text = json!({
        "name": "e", "event_id": "bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e",
        "event_types": ["SECRET_VERSION_NEAR_EXPIRY", "SECRET_ROTATED"],
        "state": "PAUSED", "create_time": 1, "update_time": 2,
        "notification": {"target_type": "KAFKA", "target_id": "t", "target_name": "n"}
    });
    let event: Event = serde_json::from_value(text.clone()).unwrap();
    assert_eq!(event.event_types[0], EventType::Unknown("SECRET_VERSION_NEAR_EXPIRY".into()));
    assert!(!event.event_types[0].is_known());
    assert!(event.event_types[1].is_known());
    assert_eq!(event.state, EventState::Unknown("PAUSED".into()));
    assert_eq!(event.notification.target_type.as_str(), "KAFKA");
    assert_eq!(serde_json::to_value(&event).unwrap(), text);
}

#[test]
fn unknown_fields_are_ignored_and_absent_fields_stay_absent() {
    let text = r#"{"state": "DISABLED", "colour": "blue", "nested": {"x": 1}}"#;
    let body: UpdateSecretEventRequestBody = serde_json::from_str(text).unwrap();
    assert_eq!(body.state, Some(EventState::Disabled));
    assert_eq!(serde_json::to_value(&body).unwrap(), json!({"state": "DISABLED"}));
    // null is "absent" on update and is not written back.
    let body: UpdateSecretEventRequestBody = serde_json::from_str(r#"{"event_types": null}"#).unwrap();
    assert!(body.is_empty());
    assert_eq!(serde_json::to_string(&body).unwrap(), "{}");
    let page: PageInfo = serde_json::from_str(r#"{"current_count": 0}"#).unwrap();
    assert_eq!(serde_json::to_value(&page).unwrap(), json!({"current_count": 0}));
}

#[test]
fn enum_known_lists_match_variants() {
    for s in EventType::KNOWN {
        assert_eq!(EventType::from(*s).as_str(), *s);
        assert!(EventType::from(*s).is_known());
    }
    assert_eq!(EventType::KNOWN.len(), 5);
    assert_eq!(EventState::KNOWN, ["ENABLED", "DISABLED"]);
    assert_eq!(TargetType::KNOWN, ["SMN"]);
    assert_eq!(SecretType::from("RDS-FG"), SecretType::RdsFg);
}

#[test]
fn error_table_is_complete_and_consistent() {
    let codes: Vec<_> = ErrorCode::ALL.iter().map(|c| (c.code(), c.http_status())).collect();
    assert_eq!(
        codes,
        [
            ("CSMS.0002", 400),
            ("CSMS.0004", 400),
            ("CSMS.0005", 404),
            ("CSMS.0202", 400),
            ("CSMS.0107", 400),
            ("CSMS.0108", 400),
            ("CSMS.0405", 400),
            ("APIGW.0101", 404),
            ("APIGW.0301", 401),
            ("APIGW.0302", 403),
            ("CSMS.9001", 409),
            ("CSMS.9002", 409),
            ("CSMS.9003", 400),
            ("CSMS.9004", 413),
            ("CSMS.9005", 415),
            ("CSMS.9006", 412),
            ("CSMS.9007", 400),
            ("CSMS.9008", 431),
            ("CSMS.9009", 414),
            ("CSMS.9010", 409),
            ("APIGW.0308", 429),
            ("CSMS.9011", 429),
            ("CSMS.9503", 503),
            ("CSMS.0401", 400),
            ("CSMS.9500", 500),
        ]
    );
    let body = ErrorResponse::new(ErrorCode::NotFound, "gone");
    assert_eq!(
        serde_json::to_value(body).unwrap(),
        json!({"error": {"error_code": "CSMS.0005", "error_msg": "gone"}})
    );
}

/// [`round_trip`] of a JSON value.
fn round_trip_value<T: Serialize + DeserializeOwned>(value: Value) -> T {
    round_trip(&value.to_string())
}

/// Secret documents in the shapes of the official SDK's models parse and are written back as they came;
/// a secret always carries `event_subscriptions`, `[]` when it has none.
#[test]
fn secret_documents_round_trip() {
    let secret = json!({
        "id": "7d3c7c0f-6c0a-4c5e-9f4b-1d2b3c4d5e6f", "name": "db-password", "state": "ENABLED",
        "kms_key_id": "b168fe00ff56492495a7d22974df2d0b", "description": "the database's",
        "create_time": 1581507580000_i64, "update_time": 1581507580000_i64, "secret_type": "COMMON",
        "event_subscriptions": ["rotation-alerts"], "enterprise_project_id": "0"
    });
    round_trip_value::<SecretResponse>(json!({"secret": secret}));
    let mut bare = secret.clone();
    bare.as_object_mut().unwrap().remove("event_subscriptions");
    let parsed: Secret = serde_json::from_value(bare).unwrap();
    assert_eq!(serde_json::to_value(&parsed).unwrap()["event_subscriptions"], json!([]));
    let pending: Secret = serde_json::from_value(json!({
        "id": "i", "name": "n", "state": "PENDING_DELETE", "create_time": 1, "update_time": 2,
        "scheduled_delete_time": 3, "secret_type": "RDS-FG", "event_subscriptions": []
    }))
    .unwrap();
    assert_eq!((pending.state, pending.secret_type), (SecretState::PendingDelete, SecretType::RdsFg));
    assert_eq!(SecretState::from("MELTED"), SecretState::Unknown("MELTED".into()));

    let metadata = json!({"id": "v2", "create_time": 1581507580000_i64, "expire_time": 1696838472000_i64,
                          "kms_key_id": "k", "secret_name": "db-password", "version_stages": ["SYSCURRENT"]});
    round_trip_value::<VersionMetadataResponse>(json!({"version_metadata": metadata}));
    round_trip_value::<ListSecretVersionsResponse>(
        json!({"version_metadatas": [metadata], "page_info": {"next_marker": "v2", "current_count": 1}}),
    );
    round_trip_value::<ShowSecretVersionResponse>(
        json!({"version": {"version_metadata": metadata, "secret_binary": "aGk="}}),
    );
    round_trip_value::<CreateSecretRequestBody>(
        json!({"name": "n", "secret_string": "s", "event_subscriptions": []}),
    );
    round_trip_value::<UpdateSecretRequestBody>(json!({"description": "d", "event_subscriptions": ["e"]}));
    round_trip_value::<CreateSecretVersionRequestBody>(
        json!({"secret_string": "s", "expire_time": 1696838472000_i64}),
    );
    round_trip_value::<DeleteSecretForScheduleRequestBody>(json!({"recovery_window_in_days": 7}));
}

/// A value never reaches a log line through `{:?}`: request bodies and versions print `***` for it.
#[test]
fn secret_values_never_show_in_debug() {
    let create: CreateSecretRequestBody =
        serde_json::from_value(json!({"name": "n", "secret_string": "hunter2-value"})).unwrap();
    let version: CreateSecretVersionRequestBody =
        serde_json::from_value(json!({"secret_binary": "aHVudGVyMg=="})).unwrap();
    for debug in [format!("{create:?}"), format!("{version:?}"), format!("{:#?}", create.secret_string)] {
        assert!(!debug.contains("hunter2") && !debug.contains("aHVudGVyMg"), "{debug}");
        assert!(debug.contains("***"), "{debug}");
    }
    assert_eq!(create.secret_string.unwrap().expose(), "hunter2-value");
}
