//! Every row of the error table.

use std::sync::Arc;

use async_trait::async_trait;
use csms_model::ErrorCode;
use csms_store::{Backend, Cipher, Store, StoreError, StoreResult, backend};
use serde_json::json;

use crate::harness::*;

#[tokio::test]
async fn invalid_body_lists_every_violation_csms_0002() {
    let h = Harness::new();
    let body = json!({"name": "bad name", "event_types": ["SECRET_ROTATED", "SECRET_ROTATED", "NOPE"],
                      "state": "ON", "notification": {"target_type": "SNS", "target_id": "x"}});
    let msg = h.call("POST", &events(), Some(&body)).await.error(400, "CSMS.0002");
    insta::assert_snapshot!("create_violations", msg);
    for path in [
        "'/name'",
        "'/event_types'",
        "'/event_types/2'",
        "'/state'",
        "'/notification/target_type'",
        "'/notification/target_name'",
    ] {
        assert!(msg.contains(path), "{path} in {msg}");
    }
    assert_eq!(h.call("GET", &events(), None).await.json()["events"], json!([]), "nothing stored");
}

#[tokio::test]
async fn invalid_path_and_query_values_csms_0002() {
    let h = Harness::new();
    let long = "n".repeat(65);
    let msg = h.call("GET", &event(&long), None).await.error(400, "CSMS.0002");
    assert!(msg.contains("'/event_name'"), "{msg}");
    let msg = h.call("GET", &event("has%20space"), None).await.error(400, "CSMS.0002");
    assert!(msg.contains("regular expression pattern"), "{msg}");
    h.call("DELETE", &event("dot.ted"), None).await.error(400, "CSMS.0002");
    // Path and body violations together.
    let msg = h.call("PUT", &event("dot.ted"), Some(&json!({"state": "x"}))).await.error(400, "CSMS.0002");
    assert!(msg.starts_with("2 validation errors detected."), "{msg}");
    for limit in ["0", "1001", "abc", "-1", ""] {
        let msg = h.call("GET", &format!("{}?limit={limit}", events()), None).await.error(400, "CSMS.0002");
        assert!(msg.contains("'/limit'"), "{msg}");
    }
    h.call("GET", &format!("{}?marker=no%20spaces", events()), None).await.error(400, "CSMS.0002");
    let bad_project = "/v1/not%20a%20project/csms/events";
    assert!(h.call("GET", bad_project, None).await.error(400, "CSMS.0002").contains("'/project_id'"));
}

#[tokio::test]
async fn malformed_or_missing_body_csms_0004() {
    let h = Harness::new();
    h.create("e").await;
    for body in [&b""[..], b"{", b"[1]", b"null", b"\"s\""] {
        h.call_with("POST", &events(), &[("x-auth-token", TOKEN)], Some(body.to_vec()))
            .await
            .error(400, "CSMS.0004");
        h.call_with("PUT", &event("e"), &[("x-auth-token", TOKEN)], Some(body.to_vec()))
            .await
            .error(400, "CSMS.0004");
    }
    h.call_with("PUT", &event("e"), &[("x-auth-token", TOKEN)], None).await.error(400, "CSMS.0004");
}

/// A repeated key is malformed: a gateway that reads the first and the service that would read the last
/// would act on different requests.
#[tokio::test]
async fn repeated_json_keys_csms_0004() {
    let h = Harness::new();
    h.create("e").await;
    let body = br#"{"state": "BOGUS", "state": "ENABLED"}"#.to_vec();
    let msg =
        h.call_with("PUT", &event("e"), &[("x-auth-token", TOKEN)], Some(body)).await.error(400, "CSMS.0004");
    assert!(msg.contains("'state' is repeated"), "{msg}");
    let nested = br#"{"notification": {"target_type": "SMN", "target_id": "a", "target_id": "b", "target_name": "n"}}"#;
    h.call_with("PUT", &event("e"), &[("x-auth-token", TOKEN)], Some(nested.to_vec()))
        .await
        .error(400, "CSMS.0004");
    assert_eq!(h.call("GET", &event("e"), None).await.json()["event"]["state"], "ENABLED", "nothing changed");
}

/// A repeated `limit` or `marker` is refused: a signature sorts the query, so which came first is unsigned.
#[tokio::test]
async fn repeated_query_parameters_csms_0002() {
    let h = Harness::new();
    let msg = h.call("GET", &format!("{}?limit=5&limit=6", events()), None).await.error(400, "CSMS.0002");
    assert!(msg.contains("'/limit'") && msg.contains("at most once"), "{msg}");
    let msg =
        h.call("GET", &format!("{}?marker=a&limit=1&marker=b", events()), None).await.error(400, "CSMS.0002");
    assert!(msg.contains("'/marker'"), "{msg}");
    assert_eq!(h.call("GET", &format!("{}?limit=5&other=1&other=2", events()), None).await.status, 200);
}

#[tokio::test]
async fn missing_event_csms_0005() {
    let h = Harness::new();
    let msg = h.call("GET", &event("nope"), None).await.error(404, "CSMS.0005");
    assert_eq!(msg, "The event 'nope' does not exist in this project.");
    h.call("PUT", &event("nope"), Some(&json!({"state": "DISABLED"}))).await.error(404, "CSMS.0005");
    h.call("DELETE", &event("nope"), None).await.error(404, "CSMS.0005");
}

#[tokio::test]
async fn no_route_apigw_0101() {
    let h = Harness::new();
    for (method, path) in [
        ("GET", "/"),
        ("GET", "/v1/p/csms/secrets"),
        ("PATCH", "/v1/p/csms/events/e"),
        ("DELETE", "/v1/p/csms/events"),
        ("POST", "/v1/p/csms/events/e"),
        ("GET", "/v1//csms/events"),
    ] {
        h.call_with(method, path, &[], None).await.error(404, "APIGW.0101");
    }
}

#[tokio::test]
async fn missing_or_wrong_token_apigw_0301() {
    let h = Harness::new();
    let msg = h.call_with("GET", &events(), &[], None).await.error(401, "APIGW.0301");
    assert!(msg.contains("X-Auth-Token"), "{msg}");
    h.call_with("GET", &events(), &[("x-auth-token", "wrong")], None).await.error(401, "APIGW.0301");
    h.call_with("GET", &events(), &[("x-auth-token", &TOKEN[..TOKEN.len() - 1])], None)
        .await
        .error(401, "APIGW.0301");
    // Authentication comes before validation: nothing about the body leaks to an anonymous caller.
    h.call_with("POST", &events(), &[], Some(b"{".to_vec())).await.error(401, "APIGW.0301");
}

#[tokio::test]
async fn project_outside_the_credential_apigw_0302() {
    let h = Harness::new();
    h.call_with("GET", &events(), &[("x-auth-token", TOKEN_P2)], None).await.error(403, "APIGW.0302");
    let own = h.call_with("GET", &format!("/v1/{P2}/csms/events"), &[("x-auth-token", TOKEN_P2)], None).await;
    assert_eq!(own.status, 200);
}

#[tokio::test]
async fn duplicate_name_csms_9001() {
    let h = Harness::new();
    h.create("twice").await;
    let msg = h.call("POST", &events(), Some(&create_body("twice"))).await.error(409, "CSMS.9001");
    assert!(msg.contains("'twice'"));
}

#[tokio::test]
async fn quota_csms_9003() {
    let store = Store::memory();
    let mut h = Harness::with_store(store.clone());
    h.service = h.service.clone().to_builder().event_quota(2).build();
    h.create("one").await;
    h.create("two").await;
    h.call("POST", &events(), Some(&create_body("three"))).await.error(400, "CSMS.9003");
    assert_eq!(h.call("GET", &events(), None).await.json()["page_info"]["current_count"], 2);
}

#[tokio::test]
async fn body_too_large_csms_9004() {
    let h = Harness::new();
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(csms_model::limits::MAX_BODY_BYTES));
    h.call_with("POST", &events(), &[("x-auth-token", TOKEN)], Some(big.into_bytes()))
        .await
        .error(413, "CSMS.9004");
    let exact = vec![b' '; csms_model::limits::MAX_BODY_BYTES + 1];
    h.call_with("POST", &events(), &[("x-auth-token", TOKEN)], Some(exact)).await.error(413, "CSMS.9004");
    // A declared length over the limit is refused before the body is read, in the same envelope.
    let declared = (csms_model::limits::MAX_BODY_BYTES + 1).to_string();
    let headers = [("x-auth-token", TOKEN), ("content-length", declared.as_str())];
    let msg = h.call_with("POST", &events(), &headers, Some(b"{}".to_vec())).await.error(413, "CSMS.9004");
    assert!(msg.contains(&csms_model::limits::MAX_BODY_BYTES.to_string()), "{msg}");
    // A route that does not exist is 404 before the body's size matters.
    let headers = [("x-auth-token", TOKEN), ("content-length", declared.as_str())];
    h.call_with("POST", "/v1/p/nothing", &headers, Some(b"{}".to_vec())).await.error(404, "APIGW.0101");
}

#[tokio::test]
async fn unsupported_content_type_csms_9005() {
    let h = Harness::new();
    let body = create_body("e").to_string().into_bytes();
    for ct in ["text/plain", "application/xml", "application/jsonx", "multipart/form-data; boundary=x"] {
        let reply = h
            .send(
                http::Request::post(events())
                    .header("x-auth-token", TOKEN)
                    .header("content-type", ct)
                    .body(http_body_util::Full::new(bytes::Bytes::from(body.clone())))
                    .unwrap(),
            )
            .await;
        reply.error(415, "CSMS.9005");
    }
    for ct in ["application/json", "Application/JSON; charset=utf-8", "application/json;charset=UTF-8"] {
        let name = format!("ct{}", ct.len());
        let reply = h
            .send(
                http::Request::post(events())
                    .header("x-auth-token", TOKEN)
                    .header("content-type", ct)
                    .body(http_body_util::Full::new(bytes::Bytes::from(create_body(&name).to_string())))
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, 200, "{ct}");
    }
    // No content type at all is fine.
    let reply = h.call_with("PUT", &event("ct16"), &[("x-auth-token", TOKEN)], Some(b"{}".to_vec())).await;
    assert_eq!(reply.status, 200);
}

/// A backend whose every write fails like a broken disk, and whose every read panics like a bug.
struct BrokenBackend;

#[async_trait]
impl Backend for BrokenBackend {
    async fn write(&self, _: backend::Job) -> StoreResult<()> {
        Err(StoreError::Backend("disk /dev/sda1 on fire: secret internals".into()))
    }
    async fn read(&self, _: backend::Job) -> StoreResult<()> {
        panic!("a bug in the store")
    }
    fn describe(&self) -> String {
        "broken".into()
    }
    async fn health(&self) -> StoreResult<()> {
        Err(StoreError::Backend("the disk is on fire".into()))
    }
}

#[tokio::test]
async fn unexpected_failures_csms_9500_without_internals() {
    let h = Harness::with_store(Store::new(BrokenBackend, Cipher::ephemeral()));
    let msg = h.call("POST", &events(), Some(&create_body("e"))).await.error(500, "CSMS.9500");
    assert_eq!(msg, ErrorCode::Internal.default_message());
    // A panic inside the handler is a 500 too, not a dropped connection.
    let msg = h.call("GET", &event("e"), None).await.error(500, "CSMS.9500");
    assert!(!msg.contains("bug"));
    h.call("GET", &events(), None).await.error(500, "CSMS.9500");
    h.call("DELETE", &event("e"), None).await.error(500, "CSMS.9500");
    h.call("GET", &format!("/v1/{P}/csms/notification-records"), None).await.error(500, "CSMS.9500");
    h.call("GET", &format!("/v1/{P}/secrets/s/versions/latest"), None).await.error(500, "CSMS.9500");
    h.call("GET", &format!("/v1/{P}/secrets"), None).await.error(500, "CSMS.9500");
    // The health check tells it, without credentials and without the reason.
    let health = h.call_with("GET", "/healthz", &[], None).await;
    assert_eq!(health.status, 503);
    assert_eq!(health.json(), json!({"status": "unavailable"}));
    assert!(health.headers.contains_key("x-request-id"));
}

/// The log output of this test binary: one global subscriber (a scoped one would race with the other
/// tests' threads over which callsites are enabled); each test finds its lines by request id.
pub(crate) fn captured_logs() -> &'static Arc<std::sync::Mutex<Vec<u8>>> {
    static LOGS: std::sync::OnceLock<Arc<std::sync::Mutex<Vec<u8>>>> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        struct Writer(Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Writer {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let logs = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = Arc::clone(&logs);
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || Writer(Arc::clone(&sink)))
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber of this binary");
        logs
    })
}

/// Every log line of a request carries its request id, as the response's `X-Request-Id` says it.
#[tokio::test]
async fn log_lines_of_a_request_carry_its_request_id() {
    let captured = captured_logs();
    let h = Harness::with_store(Store::new(BrokenBackend, Cipher::ephemeral()));
    let reply = h.call("POST", &events(), Some(&create_body("e"))).await;
    reply.error(500, "CSMS.9500");
    let id = reply.headers["x-request-id"].to_str().unwrap().to_owned();
    let panicked = h.call("GET", &event("e"), None).await;
    let panic_id = panicked.headers["x-request-id"].to_str().unwrap().to_owned();

    let logs = String::from_utf8(captured.lock().unwrap().clone()).unwrap();
    let lines_of = |id: &str| logs.lines().filter(|l| l.contains(id)).collect::<Vec<_>>();
    let lines = lines_of(&id);
    assert_eq!(lines.len(), 2, "the failure and the access log line: {logs}");
    assert!(
        lines[0].contains("ERROR")
            && lines[0].contains("request failed unexpectedly")
            && lines[0].contains("on fire")
    );
    assert!(lines[1].contains("status=500") && lines[1].contains("latency_ms"), "{logs}");
    let lines = lines_of(&panic_id);
    assert_eq!(lines.len(), 2, "the panic and the access log line: {logs}");
    assert!(
        lines[0].contains("ERROR")
            && lines[0].contains("request handler panicked")
            && lines[0].contains("a bug")
    );
    assert!(lines[1].contains("status=500"), "{logs}");
}

#[tokio::test]
async fn the_service_names_its_own_requests() {
    let h = Harness::new();
    let reply =
        h.call_with("GET", &events(), &[("x-auth-token", TOKEN), ("x-request-id", "forged")], None).await;
    let id = reply.headers["x-request-id"].to_str().unwrap();
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{id}");
}

#[test]
fn every_error_code_is_exercised_here_or_noted() {
    let tested = [
        "CSMS.0002",
        "CSMS.0107",
        "CSMS.0108",
        "CSMS.0202",
        "CSMS.0405",
        "CSMS.9002",
        "CSMS.0004",
        "CSMS.0005",
        "APIGW.0101",
        "APIGW.0301",
        "APIGW.0302",
        "CSMS.9001",
        "CSMS.9003",
        "CSMS.9004",
        "CSMS.9005",
        "CSMS.9006",
        "CSMS.9007",
        "CSMS.9008",
        "CSMS.9009",
        "CSMS.9010",
        "CSMS.9011",
        "CSMS.9503",
        "CSMS.9500",
        // A KMS key that cannot be used (`kms.rs`).
        "CSMS.0401",
    ];
    // APIGW.0308 (the password hashing pool is full) is tested with the pool itself (`guard.rs`): filling
    // it over HTTP would take more concurrent hashes than a test should run.
    let noted = ["APIGW.0308"];
    let source = include_str!("errors.rs").to_owned()
        + include_str!("api.rs")
        + include_str!("hostile.rs")
        + include_str!("secrets.rs")
        + include_str!("notify.rs")
        + include_str!("background.rs")
        + include_str!("account.rs")
        + include_str!("kms.rs");
    for code in ErrorCode::ALL.iter().map(|c| c.code()).filter(|c| !noted.contains(c)) {
        assert!(tested.contains(&code), "{code} has no test");
        assert!(source.matches(code).count() >= 2, "{code} is asserted somewhere");
    }
}
