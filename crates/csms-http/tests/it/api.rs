//! Every operation through the service, without a socket.

use serde_json::{Value, json};

use crate::harness::*;

const SEED_REQUEST: &str = include_str!("../../../../fixtures/examples/update-request.seed.json");
const SEED_RESPONSE: &str = include_str!("../../../../fixtures/examples/update-response.seed.json");

/// The shape of a JSON value: objects keep their keys, arrays their first item, scalars their type.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().take(1).map(shape).collect()),
        Value::String(_) => json!("string"),
        Value::Number(n) if n.is_i64() => json!("integer"),
        Value::Number(_) => json!("number"),
        Value::Bool(_) => json!("bool"),
        Value::Null => json!("null"),
    }
}

#[tokio::test]
async fn create_answers_the_event_with_etag_and_request_id() {
    let h = Harness::new();
    let reply = h.create("event-test").await;
    let body = reply.json();
    insta::assert_json_snapshot!("create", body, {
        ".event.event_id" => "[uuid]", ".event.create_time" => "[ms]", ".event.update_time" => "[ms]"
    });
    let event = &body["event"];
    assert_eq!(event["create_time"], event["update_time"]);
    let id = event["event_id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok() && id == id.to_lowercase() && id.len() == 36, "{id}");
    assert_eq!(event["create_time"], START_MS, "create_time is the clock's epoch milliseconds");
    let request_id = reply.headers["x-request-id"].to_str().unwrap();
    assert!(request_id.len() == 32 && request_id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(reply.headers["etag"].to_str().unwrap().starts_with(&format!("\"{id}.")));
    assert_eq!(reply.headers["content-type"], "application/json");
}

#[tokio::test]
async fn the_seed_request_gives_the_seed_response_shape() {
    let h = Harness::new();
    h.create("event-test").await;
    let reply = h
        .call_with(
            "PUT",
            &event("event-test"),
            &[("x-auth-token", TOKEN)],
            Some(SEED_REQUEST.as_bytes().to_vec()),
        )
        .await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    let seed: Value = serde_json::from_str(SEED_RESPONSE).unwrap();
    assert_eq!(shape(&body), shape(&seed));
    let request: Value = serde_json::from_str(SEED_REQUEST).unwrap();
    assert_eq!(body["event"]["notification"], request["notification"]);
    assert_eq!(body["event"]["name"], "event-test");
    // Fields the seed body left out are unchanged.
    assert_eq!(body["event"]["event_types"], json!(["SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED"]));
    assert_eq!(body["event"]["state"], "ENABLED");
}

#[tokio::test]
async fn show_and_delete() {
    let h = Harness::new();
    let created = h.create("e1").await;
    let shown = h.call("GET", &event("e1"), None).await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.json(), created.json());
    assert_eq!(shown.headers["etag"], created.headers["etag"]);

    let deleted = h.call("DELETE", &event("e1"), None).await;
    assert_eq!(deleted.status, 204);
    assert!(deleted.body.is_empty());
    assert!(deleted.headers.contains_key("x-request-id"));
    h.call("GET", &event("e1"), None).await.error(404, "CSMS.0005");
    h.call("DELETE", &event("e1"), None).await.error(404, "CSMS.0005");
}

#[tokio::test]
async fn partial_update_semantics() {
    let h = Harness::new();
    let created = h.create("e").await.json()["event"].clone();

    let noop = h.call("PUT", &event("e"), Some(&json!({}))).await;
    assert_eq!(noop.status, 200);
    assert_eq!(noop.json()["event"], created, "{{}} changes nothing, not even update_time");
    let nulls = json!({"state": null, "event_types": null, "notification": null});
    assert_eq!(h.call("PUT", &event("e"), Some(&nulls)).await.json()["event"], created);

    h.clock.advance(std::time::Duration::from_millis(2));
    let body = json!({"state": "DISABLED", "event_types": ["SECRET_DELETED"], "name": "ignored", "extra": 1});
    let updated = h.call("PUT", &event("e"), Some(&body)).await.json()["event"].clone();
    assert_eq!(updated["state"], "DISABLED");
    assert_eq!(updated["event_types"], json!(["SECRET_DELETED"]));
    assert_eq!(updated["name"], "e");
    assert_eq!(updated["event_id"], created["event_id"]);
    assert_eq!(updated["create_time"], created["create_time"]);
    assert_eq!(updated["notification"], created["notification"]);
    assert_eq!(updated["update_time"], START_MS + 2);
}

#[tokio::test]
async fn if_match_makes_writes_conditional() {
    let h = Harness::new();
    let etag = h.create("e").await.headers["etag"].to_str().unwrap().to_owned();
    let stale = "\"00000000-0000-4000-8000-000000000000.1\"";
    let body = Some(br#"{"state": "DISABLED"}"#.to_vec());
    let refused =
        h.call_with("PUT", &event("e"), &[("x-auth-token", TOKEN), ("if-match", stale)], body.clone()).await;
    refused.error(412, "CSMS.9006");
    assert_eq!(h.call("GET", &event("e"), None).await.json()["event"]["state"], "ENABLED", "nothing changed");
    // A weak tag never matches.
    let weak = format!("W/{etag}");
    h.call_with("PUT", &event("e"), &[("x-auth-token", TOKEN), ("if-match", &weak)], body.clone())
        .await
        .error(412, "CSMS.9006");

    let list = format!("{stale}, {etag}");
    let ok = h.call_with("PUT", &event("e"), &[("x-auth-token", TOKEN), ("if-match", &list)], body).await;
    assert_eq!(ok.status, 200);
    let new_etag = ok.headers["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    h.call_with("DELETE", &event("e"), &[("x-auth-token", TOKEN), ("if-match", &etag)], None)
        .await
        .error(412, "CSMS.9006");
    // An empty If-Match is no condition; one of malformed tags only matches nothing.
    let auth = ("x-auth-token", TOKEN);
    let noop = h.call_with("PUT", &event("e"), &[auth, ("if-match", " ")], Some(b"{}".to_vec())).await;
    assert_eq!(noop.status, 200);
    let garbage = h.call_with("PUT", &event("e"), &[auth, ("if-match", "abc")], Some(b"{}".to_vec())).await;
    garbage.error(412, "CSMS.9006");
    let deleted =
        h.call_with("DELETE", &event("e"), &[("x-auth-token", TOKEN), ("if-match", "*")], None).await;
    assert_eq!(deleted.status, 204);
}

fn names(body: &Value) -> Vec<String> {
    body["events"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn listing_pages_by_name_with_an_exclusive_marker() {
    let h = Harness::new();
    for n in ["delta", "alpha", "echo", "charlie", "bravo"] {
        h.create(n).await;
    }
    let first = h.call("GET", &format!("{}?limit=2", events()), None).await.json();
    assert_eq!(names(&first), ["alpha", "bravo"]);
    assert_eq!(
        first["page_info"],
        json!({"current_count": 2, "previous_marker": "alpha", "next_marker": "bravo"})
    );
    let second = h.call("GET", &format!("{}?limit=2&marker=bravo", events()), None).await.json();
    assert_eq!(names(&second), ["charlie", "delta"]);
    let last = h.call("GET", &format!("{}?limit=2&marker=delta", events()), None).await.json();
    assert_eq!(names(&last), ["echo"]);
    assert_eq!(
        last["page_info"],
        json!({"current_count": 1, "previous_marker": "echo"}),
        "no next_marker at the end"
    );
    let past = h.call("GET", &format!("{}?marker=echo", events()), None).await.json();
    assert_eq!(past, json!({"events": [], "page_info": {"current_count": 0}}));
    let exact = h.call("GET", &format!("{}?limit=5", events()), None).await.json();
    assert_eq!(exact["page_info"]["next_marker"], Value::Null, "a full last page has no next_marker");
    let all = h.call("GET", &events(), None).await.json();
    assert_eq!(names(&all), ["alpha", "bravo", "charlie", "delta", "echo"]);
    // Unknown query parameters are ignored; an empty marker is the first page.
    let ignored = h.call("GET", &format!("{}?marker=&offset=3", events()), None).await.json();
    assert_eq!(names(&ignored).len(), 5);
}

#[tokio::test]
async fn terraform_style_paging_with_marker_only_terminates() {
    let h = Harness::new();
    for i in 0..7 {
        h.create(&format!("ev{i}")).await;
    }
    let (mut marker, mut seen, mut requests) = (String::new(), Vec::new(), 0);
    loop {
        requests += 1;
        assert!(requests < 10, "paging must stop");
        let page = h.call("GET", &format!("{}?marker={marker}", events()), None).await.json();
        let page_names = names(&page);
        if page_names.is_empty() {
            break;
        }
        marker = page_names.last().unwrap().clone();
        seen.extend(page_names);
    }
    assert_eq!(seen.len(), 7);
}

#[tokio::test]
async fn projects_are_separate_namespaces() {
    let h = Harness::new();
    h.create("shared-name").await;
    let other = format!("/v1/{P2}/csms/events");
    assert_eq!(h.call("GET", &other, None).await.json()["events"], json!([]));
    let mut body = create_body("shared-name");
    body["notification"]["target_id"] = json!(format!("urn:smn:cn-north-4:{P2}:topic"));
    let reply = h.call("POST", &other, Some(&body)).await;
    assert_eq!(reply.status, 200, "the same name in another project");
    h.call("GET", &format!("/v1/{P2}/csms/events/only-here"), None).await.error(404, "CSMS.0005");
}

#[tokio::test]
async fn notification_records_are_listed_newest_first() {
    let h = Harness::new();
    let path = format!("/v1/{P}/csms/notification-records");
    let empty = h.call("GET", &path, None).await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.json(), json!({"records": [], "page_info": {"current_count": 0}}));

    let example: Value = serde_json::from_str(include_str!(
        "../../../../fixtures/examples/list-records-response.upstream.json"
    ))
    .unwrap();
    const DAY_MS: i64 = 24 * 3600 * 1000;
    let retention = csms_model::limits::RECORD_RETENTION_DAYS * DAY_MS;
    let ages =
        [("older", 2 * DAY_MS), ("newer", DAY_MS), ("oldest-kept", retention), ("expired", retention + 1)];
    for (name, age_ms) in ages {
        let mut record: csms_model::Record = serde_json::from_value(example["records"][0].clone()).unwrap();
        record.event_name = name.into();
        record.create_time = START_MS - age_ms;
        h.store.append_record(P, record).await.unwrap();
    }
    let names = |body: &Value| -> Vec<Value> {
        body["records"].as_array().unwrap().iter().map(|r| r["event_name"].clone()).collect()
    };
    let body = h.call("GET", &format!("{path}?limit=1&marker=x"), None).await.json();
    assert_eq!(
        names(&body),
        [json!("newer"), json!("older"), json!("oldest-kept")],
        "newest first, 90 days kept, unknown params ignored"
    );
    assert_eq!(body["page_info"], json!({"current_count": 3}));
    assert_eq!(body["records"][0]["notification_status"], "SUCCESS");
    // A millisecond later, the oldest record is past the retention period.
    h.clock.advance(std::time::Duration::from_millis(1));
    let body = h.call("GET", &path, None).await.json();
    assert_eq!(names(&body), [json!("newer"), json!("older")]);
    h.call_with("GET", &path, &[], None).await.error(401, "APIGW.0301");
}

#[tokio::test]
async fn percent_encoded_names_and_trailing_slashes() {
    let h = Harness::new();
    h.create("a_b-c").await;
    assert_eq!(h.call("GET", &event("a%5Fb%2Dc"), None).await.status, 200);
    assert_eq!(h.call("GET", &format!("{}/", event("a_b-c")), None).await.status, 200);
    assert_eq!(h.call("GET", &format!("{}/", events()), None).await.status, 200);
}

#[tokio::test]
async fn openapi_and_health_need_no_credentials() {
    let h = Harness::new();
    let doc = h.call_with("GET", "/openapi.json", &[], None).await;
    assert_eq!(doc.status, 200);
    let doc = doc.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for op in [
        "CreateSecretEvent",
        "ListSecretEvents",
        "ShowSecretEvent",
        "UpdateSecretEvent",
        "DeleteSecretEvent",
        "ListNotificationRecords",
    ] {
        assert!(doc.to_string().contains(&format!("\"operationId\":\"{op}\"")), "{op}");
    }
    assert_eq!(h.call_with("GET", "/healthz", &[], None).await.json(), json!({"status": "ok"}));
}

#[tokio::test]
async fn the_service_mounts_as_a_tower_service() {
    use tower::Service as _;
    let h = Harness::new();
    let mut service = h.service.clone();
    let request = http::Request::get(events())
        .header("x-auth-token", TOKEN)
        .body(http_body_util::Empty::<bytes::Bytes>::new())
        .unwrap();
    std::future::poll_fn(|cx| {
        tower::Service::<http::Request<http_body_util::Empty<bytes::Bytes>>>::poll_ready(&mut service, cx)
    })
    .await
    .unwrap();
    let response = service.call(request).await.unwrap();
    assert_eq!(response.status(), 200);
}

/// Every row of the route table reaches a handler: a request to each, with or without a body, answers
/// in the documented shape and never 500 (a row without a handler answers 500 "no handler").
#[tokio::test]
async fn every_operation_has_a_handler() {
    let h = Harness::new();
    for op in csms_model::Operation::ALL {
        let path = op
            .path()
            .replace("{project_id}", P)
            .replace("{event_name}", "some-event")
            .replace("{secret_name}", "some-secret")
            .replace("{version_id}", "v1");
        let body = matches!(op.method(), "POST" | "PUT").then(|| b"{}".to_vec());
        let reply = h.call_with(op.method(), &path, &[("x-auth-token", TOKEN)], body).await;
        assert_ne!(reply.status, 500, "{}: {}", op.id(), String::from_utf8_lossy(&reply.body));
        assert!(reply.status.is_success() || reply.json()["error"]["error_code"].is_string(), "{}", op.id());
    }
}
