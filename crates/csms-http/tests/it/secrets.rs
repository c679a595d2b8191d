//! The secrets and their versions through the service: the walk a user takes, and every error case of
//! part 2 of the contract.

use csms_store::Store;
use serde_json::{Value, json};

use crate::harness::*;

fn secrets() -> String {
    format!("/v1/{P}/secrets")
}

fn secret(name: &str) -> String {
    format!("/v1/{P}/secrets/{name}")
}

fn versions(name: &str) -> String {
    format!("/v1/{P}/secrets/{name}/versions")
}

fn ok(reply: &Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    reply.json()
}

#[tokio::test]
async fn a_secret_subscribes_gets_versions_and_is_deleted() {
    let h = Harness::new();
    h.create("alerts").await;
    h.create("audit").await;
    let key = h.key("kms-1").await;
    let body = json!({"name": "db-password", "secret_string": "hunter2", "event_subscriptions": ["alerts"],
                      "description": "the database", "kms_key_id": key});
    let created = ok(&h.call("POST", &secrets(), Some(&body)).await)["secret"].clone();
    assert_eq!(created["name"], "db-password");
    assert_eq!(created["state"], "ENABLED");
    assert_eq!(created["secret_type"], "COMMON");
    assert_eq!(created["event_subscriptions"], json!(["alerts"]));
    assert_eq!(
        (created["create_time"].as_i64(), created["update_time"].as_i64()),
        (Some(START_MS), Some(START_MS))
    );
    assert_eq!(created["id"].as_str().unwrap().len(), 36);
    assert!(!created.to_string().contains("hunter2"), "no value outside ShowSecretVersion");
    assert_eq!(ok(&h.call("GET", &secret("db-password"), None).await)["secret"], created);

    // The value, by `latest` and by id; never cached.
    let shown = h.call("GET", &format!("{}/latest", versions("db-password")), None).await;
    assert_eq!(shown.headers["cache-control"], "no-store");
    let version = ok(&shown)["version"].clone();
    assert_eq!(version["secret_string"], "hunter2");
    assert_eq!(version["version_metadata"]["id"], "v1");
    assert_eq!(version["version_metadata"]["version_stages"], json!(["SYSCURRENT"]));
    assert_eq!(
        ok(&h.call("GET", &format!("{}/v1", versions("db-password")), None).await)["version"],
        version
    );

    // A new version moves the stages; its expiry keeps whole seconds.
    h.clock.advance(std::time::Duration::from_millis(5));
    let v2 = json!({"secret_binary": "AAECAw==", "expire_time": START_MS + 60_123});
    let meta = ok(&h.call("POST", &versions("db-password"), Some(&v2)).await)["version_metadata"].clone();
    assert_eq!(meta["id"], "v2");
    assert_eq!(meta["expire_time"], START_MS + 60_000);
    let latest = ok(&h.call("GET", &format!("{}/latest", versions("db-password")), None).await);
    assert_eq!(latest["version"]["secret_binary"], "AAECAw==");
    assert!(latest["version"].get("secret_string").is_none());
    let listed = ok(&h.call("GET", &versions("db-password"), None).await);
    let stages: Vec<_> = listed["version_metadatas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["id"].as_str().unwrap().to_owned(), v["version_stages"].clone()))
        .collect();
    assert_eq!(stages, [("v1".into(), json!(["SYSPREVIOUS"])), ("v2".into(), json!(["SYSCURRENT"]))]);
    assert_eq!(listed["page_info"]["current_count"], 2);
    let page = ok(&h.call("GET", &format!("{}?limit=1", versions("db-password")), None).await);
    assert_eq!(page["page_info"]["next_marker"], "v1");
    let next = ok(&h.call("GET", &format!("{}?limit=1&marker=v1", versions("db-password")), None).await);
    assert_eq!(next["version_metadatas"][0]["id"], "v2");
    assert!(next["page_info"].get("next_marker").is_none_or(Value::is_null));
    let expiry = json!({"expire_time": START_MS - 1_500});
    let updated = ok(&h.call("PUT", &format!("{}/v1", versions("db-password")), Some(&expiry)).await);
    assert_eq!(updated["version_metadata"]["expire_time"], START_MS - 2_000);

    // Switch the subscription, list by event, unsubscribe.
    let switch = json!({"event_subscriptions": ["audit"]});
    let switched = ok(&h.call("PUT", &secret("db-password"), Some(&switch)).await);
    assert_eq!(switched["secret"]["event_subscriptions"], json!(["audit"]));
    assert_eq!(switched["secret"]["description"], "the database");
    let by_event = ok(&h.call("GET", &format!("{}?event_name=audit", secrets()), None).await);
    assert_eq!(by_event["secrets"][0]["name"], "db-password");
    let none = ok(&h.call("GET", &format!("{}?event_name=alerts", secrets()), None).await);
    assert_eq!(none["secrets"], json!([]));
    // The event in use cannot be deleted, and stays.
    let msg = h.call("DELETE", &event("audit"), None).await.error(409, "CSMS.9002");
    assert!(msg.contains("audit"), "{msg}");
    ok(&h.call("GET", &event("audit"), None).await);
    let cleared = ok(&h.call("PUT", &secret("db-password"), Some(&json!({"event_subscriptions": []}))).await);
    assert_eq!(cleared["secret"]["event_subscriptions"], json!([]));
    assert_eq!(h.call("DELETE", &event("audit"), None).await.status, 204);

    // Scheduled deletion and its cancel.
    let tasks = format!("{}/scheduled-deleted-tasks", secret("db-password"));
    let pending =
        ok(&h.call("POST", &format!("{tasks}/create"), Some(&json!({"recovery_window_in_days": 7}))).await);
    assert_eq!(pending["secret"]["state"], "PENDING_DELETE");
    assert_eq!(pending["secret"]["scheduled_delete_time"], START_MS + 5 + 7 * 86_400_000);
    h.call("GET", &format!("{}/latest", versions("db-password")), None).await.error(400, "CSMS.0107");
    h.call("POST", &versions("db-password"), Some(&json!({"secret_string": "x"})))
        .await
        .error(400, "CSMS.0107");
    h.call("PUT", &secret("db-password"), Some(&json!({"description": "x"}))).await.error(400, "CSMS.0107");
    let restored = ok(&h.call("POST", &format!("{tasks}/cancel"), None).await);
    assert_eq!(restored["secret"]["state"], "ENABLED");
    assert!(restored["secret"].get("scheduled_delete_time").is_none());
    h.call("POST", &format!("{tasks}/cancel"), None).await.error(400, "CSMS.0108");

    assert_eq!(h.call("DELETE", &secret("db-password"), None).await.status, 204);
    h.call("GET", &secret("db-password"), None).await.error(404, "CSMS.0005");
    h.call("GET", &format!("{}/v1", versions("db-password")), None).await.error(404, "CSMS.0005");
}

#[tokio::test]
async fn secret_errors_in_the_documented_shape() {
    let h = Harness::with_store(Store::memory());
    let body = |name: &str| json!({"name": name, "secret_string": "s3cr3t-value"});
    ok(&h.call("POST", &secrets(), Some(&body("a"))).await);
    h.call("POST", &secrets(), Some(&body("a"))).await.error(409, "CSMS.9001");
    // Unknown event: 400 at the subscription's path, and nothing is created.
    let msg = h
        .call(
            "POST",
            &secrets(),
            Some(&json!({"name": "b", "secret_string": "x", "event_subscriptions": ["nope"]})),
        )
        .await
        .error(400, "CSMS.0002");
    assert!(msg.contains("/event_subscriptions/0"), "{msg}");
    h.call("GET", &secret("b"), None).await.error(404, "CSMS.0005");
    // Two values, none, two events, bad names: every violation at once, and no value in the message.
    let msg = h
        .call(
            "POST",
            &secrets(),
            Some(&json!({"name": "bad name", "secret_string": "s3cr3t-value", "secret_binary": "AA==",
                         "event_subscriptions": ["a", "b"]})),
        )
        .await
        .error(400, "CSMS.0002");
    for path in ["/name", "/secret_binary", "/event_subscriptions"] {
        assert!(msg.contains(path), "{path}: {msg}");
    }
    assert!(!msg.contains("s3cr3t-value"), "{msg}");
    h.call("POST", &secrets(), Some(&json!({"name": "c"}))).await.error(400, "CSMS.0002");
    h.call("GET", &format!("{}/v0", versions("a")), None).await.error(400, "CSMS.0002");
    h.call("GET", &format!("{}/v9", versions("a")), None).await.error(404, "CSMS.0005");
    h.call("GET", &format!("{}?marker=nine", versions("a")), None).await.error(400, "CSMS.0002");
    h.call("GET", &format!("{}?event_name=a&event_name=b", secrets()), None).await.error(400, "CSMS.0002");
    h.call("PUT", &format!("{}/v1", versions("a")), Some(&json!({}))).await.error(400, "CSMS.0002");
    let window = json!({"recovery_window_in_days": 3});
    h.call("POST", &format!("{}/scheduled-deleted-tasks/create", secret("a")), Some(&window))
        .await
        .error(400, "CSMS.0002");
    h.call("POST", &versions("a"), Some(&json!({"secret_string": "x", "version_stages": ["s", "s"]})))
        .await
        .error(400, "CSMS.0002");
    h.call("DELETE", &secret("missing"), None).await.error(404, "CSMS.0005");
    h.call("PUT", &secret("missing"), Some(&json!({"description": "x"}))).await.error(404, "CSMS.0005");
}

#[tokio::test]
async fn the_secret_quota_csms_0202() {
    let store = Store::memory();
    let mut h = Harness::with_store(store);
    h.service = h.service.clone().to_builder().secret_quota(2).build();
    for name in ["a", "b"] {
        ok(&h.call("POST", &secrets(), Some(&json!({"name": name, "secret_string": "x"}))).await);
    }
    h.call("POST", &secrets(), Some(&json!({"name": "c", "secret_string": "x"})))
        .await
        .error(400, "CSMS.0202");
    let listed = ok(&h.call("GET", &format!("{}?limit=1", secrets()), None).await);
    assert_eq!(
        (listed["secrets"][0]["name"].as_str(), listed["page_info"]["next_marker"].as_str()),
        (Some("a"), Some("a"))
    );
}

/// The largest value the 32 KiB rule admits is accepted however a client escapes it: every byte as a
/// six-byte `\u0001`, or every non-ASCII character as `\uXXXX` (Python's `json.dumps` default); one
/// byte more is the rule's 400, not the body limit's 413.
#[tokio::test]
async fn the_largest_values_are_accepted_however_json_escapes_them() {
    let h = Harness::new();
    let max = csms_model::limits::SECRET_VALUE_MAX_BYTES;
    let control = "\u{1}".repeat(max);
    let body = json!({"name": "escaped", "secret_string": control});
    assert!(body.to_string().len() > 6 * max, "every byte escaped");
    ok(&h.call("POST", &secrets(), Some(&body)).await);
    let read = ok(&h.call("GET", &format!("{}/escaped/versions/latest", secrets()), None).await);
    assert_eq!(read["version"]["secret_string"].as_str().map(str::len), Some(max));

    let accents = format!(r#"{{"name": "accents", "secret_string": "{}"}}"#, "\\u00e9".repeat(max / 2));
    let reply = h.call_with("POST", &secrets(), &[("x-auth-token", TOKEN)], Some(accents.into_bytes())).await;
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));

    let over = json!({"name": "over", "secret_string": "\u{1}".repeat(max + 1)});
    h.call("POST", &secrets(), Some(&over)).await.error(400, "CSMS.0002");
}

/// `secret_binary` is canonical base64: `YR==` (whose unused bits are set) is refused, `YQ==` accepted.
#[tokio::test]
async fn binary_values_are_canonical_base64() {
    let h = Harness::new();
    let msg = h
        .call("POST", &secrets(), Some(&json!({"name": "b", "secret_binary": "YR=="})))
        .await
        .error(400, "CSMS.0002");
    assert!(msg.contains("/secret_binary"), "{msg}");
    ok(&h.call("POST", &secrets(), Some(&json!({"name": "b", "secret_binary": "YQ=="}))).await);
}
