//! Events that fire, through the service and the worker, to a real webhook listener and an SMN stub on
//! loopback. The clock is the harness's: tests move it for retries and the scan, never sleep for them.

use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use csms_http::auth::{AuthRequest, Principal, ProjectScope};
use csms_model::SecretType;
use csms_worker::{Endpoint, HttpClient, LogTarget, RandomValue, Smn, Target, Webhook, Worker};
use http::{HeaderMap, Request, Response, Uri};
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::harness::*;

pub(crate) const URN: &str = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:topic";

/// The receiver's permits: all of them taken holds every request.
const HOLD_PERMITS: u32 = 1_000_000;

/// One request a receiver got.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) uri: Uri,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Value,
}

/// A loopback HTTP receiver: records what it gets and answers `status` after `delay`; while `hold` is
/// taken, it holds every request until released, and it holds for good the requests to the topic in
/// `stall`. It counts the requests in flight, and the most at once.
#[derive(Clone)]
pub(crate) struct Receiver {
    pub(crate) addr: std::net::SocketAddr,
    hits: Arc<Mutex<Vec<Hit>>>,
    status: Arc<AtomicU16>,
    hold: Arc<tokio::sync::Semaphore>,
    pub(crate) stall: Arc<Mutex<Option<String>>>,
    pub(crate) delay: Arc<Mutex<std::time::Duration>>,
    in_flight: Arc<AtomicUsize>,
    pub(crate) most_in_flight: Arc<AtomicUsize>,
}

impl Receiver {
    pub(crate) async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let receiver = Receiver {
            addr: listener.local_addr().unwrap(),
            hits: Arc::default(),
            status: Arc::new(AtomicU16::new(200)),
            hold: Arc::new(tokio::sync::Semaphore::new(HOLD_PERMITS as usize)),
            stall: Arc::default(),
            delay: Arc::default(),
            in_flight: Arc::default(),
            most_in_flight: Arc::default(),
        };
        let r = receiver.clone();
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let r = r.clone();
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                            let r = r.clone();
                            async move {
                                let (parts, body) = request.into_parts();
                                let bytes = body.collect().await.unwrap().to_bytes();
                                let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                                let topic = parts.headers.get("x-smn-topic-urn").cloned();
                                r.hits.lock().unwrap().push(Hit {
                                    uri: parts.uri,
                                    headers: parts.headers,
                                    body,
                                });
                                let now = r.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                                r.most_in_flight.fetch_max(now, Ordering::SeqCst);
                                let stalled = r.stall.lock().unwrap().clone();
                                if stalled
                                    .is_some_and(|t| topic.is_some_and(|h| h.as_bytes() == t.as_bytes()))
                                {
                                    std::future::pending::<()>().await;
                                }
                                let delay = *r.delay.lock().unwrap();
                                tokio::time::sleep(delay).await;
                                let _permit = r.hold.acquire().await.unwrap();
                                r.in_flight.fetch_sub(1, Ordering::SeqCst);
                                let mut response =
                                    Response::new(Full::new(Bytes::from_static(br#"{"message_id":"m"}"#)));
                                *response.status_mut() =
                                    http::StatusCode::from_u16(r.status.load(Ordering::SeqCst)).unwrap();
                                Ok::<_, std::convert::Infallible>(response)
                            }
                        });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        receiver
    }

    /// Answers `status` from now on.
    pub(crate) fn set_status(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub(crate) fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

/// A webhook target POSTing to `receiver`.
pub(crate) fn webhook_to(receiver: &Receiver) -> Arc<dyn Target> {
    Arc::new(Webhook::new(Endpoint::parse(&receiver.url()).unwrap(), HttpClient::new(None).unwrap()))
}

/// The harness with a worker delivering to `target`, on the harness's clock.
pub(crate) fn with_worker(
    target: Arc<dyn Target>,
    configure: impl FnOnce(Worker) -> Worker,
) -> (Harness, Arc<Worker>) {
    let mut h = Harness::new();
    let worker = Worker::new(h.store.clone(), target).with_clock(h.clock.clone());
    let worker = Arc::new(configure(worker));
    h.service = h.service.clone().to_builder().rotate_common(worker.rotates(&SecretType::Common)).build();
    (h, worker)
}

pub(crate) fn event_body(name: &str, target_id: &str) -> Value {
    json!({
        "name": name,
        "event_types": ["SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED", "SECRET_ROTATED",
                        "SECRET_DELETED", "SECRET_ROTATED_FAILED"],
        "state": "ENABLED",
        "notification": {"target_type": "SMN", "target_id": target_id, "target_name": "topic"}
    })
}

/// The value of a series in the process's metrics (0 when absent).
pub(crate) fn metric(series: &str) -> f64 {
    let page = csms_metrics::encode();
    page.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok()).unwrap_or(0.0)
}

pub(crate) async fn ok(reply: Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    reply.json()
}

pub(crate) async fn records(h: &Harness) -> Vec<Value> {
    let reply = h.call("GET", &format!("/v1/{P}/csms/notification-records"), None).await;
    ok(reply).await["records"].as_array().unwrap().clone()
}

pub(crate) async fn setup(h: &Harness, target_id: &str) -> String {
    ok(h.call("POST", &events(), Some(&event_body("fires", target_id))).await).await;
    let body = json!({"name": "db", "secret_string": "s3cr3t", "event_subscriptions": ["fires"]});
    let reply = h.call("POST", &format!("/v1/{P}/secrets"), Some(&body)).await;
    let id = reply.headers["x-request-id"].to_str().unwrap().to_owned();
    ok(reply).await;
    id
}

#[tokio::test]
async fn a_new_version_reaches_the_webhook_in_the_smn_shape_and_is_recorded() {
    let webhook = Receiver::start().await;
    let (h, notifier) = with_worker(webhook_to(&webhook), |n| n);
    let request_id = setup(&h, URN).await;
    let delivered = || metric(r#"csms_deliveries_total{target="webhook",outcome="SUCCESS"}"#);
    let before = delivered();
    assert_eq!(notifier.deliver_due().await.unwrap(), 1);
    // The metrics are the process's: other tests deliver too, so at least this one is counted.
    assert!(delivered() > before, "the delivery is counted");
    assert!(metric(r#"csms_delivery_latency_seconds_count{target="webhook"}"#) >= 1.0);

    let hits = webhook.hits();
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(hit.uri.path(), "/hook");
    assert_eq!(hit.headers["x-smn-message-type"], "Notification");
    assert_eq!(hit.headers["x-smn-topic-urn"], URN);
    assert_eq!(hit.body["type"], "Notification");
    assert_eq!(hit.body["topic_urn"], URN);
    assert_eq!(hit.body["subject"], "CSMS SECRET_VERSION_CREATED db");
    assert_eq!(hit.body["message_id"], hit.headers["x-smn-message-id"].to_str().unwrap());
    let message: Value = serde_json::from_str(hit.body["message"].as_str().unwrap()).unwrap();
    assert_eq!(message["eventName"], "fires");
    assert_eq!(message["eventType"], "SECRET_VERSION_CREATED");
    assert_eq!(message["data"]["versionId"], "v1");
    assert!(!hit.body.to_string().contains("s3cr3t"), "no value in a notification");

    let records = records(&h).await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["notification_status"], "SUCCESS");
    assert_eq!(records[0]["trigger_event_type"], "SECRET_VERSION_CREATED");
    assert_eq!(records[0]["notification_content"], hit.body["message"]);
    assert_eq!(records[0]["notification_target_id"], URN);
    assert_eq!(records[0]["secret_type"], "COMMON");
    // Delivered once: nothing is left to deliver.
    assert_eq!(notifier.deliver_due().await.unwrap(), 0);
    assert_eq!(webhook.hits().len(), 1);
    let _ = request_id;
}

#[tokio::test]
async fn failures_are_retried_on_schedule_then_fail() {
    let webhook = Receiver::start().await;
    webhook.status.store(503, Ordering::SeqCst);
    let (h, notifier) = with_worker(webhook_to(&webhook), |n| n);
    setup(&h, URN).await;
    assert_eq!(notifier.deliver_due().await.unwrap(), 1);
    // Not again before its time.
    assert_eq!(notifier.deliver_due().await.unwrap(), 0);
    for (seconds, attempts) in [(2, 2), (10, 3), (40, 4)] {
        h.clock.set(START_MS + seconds * 1000 - 1);
        assert_eq!(notifier.deliver_due().await.unwrap(), 0, "before {seconds} s");
        h.clock.set(START_MS + seconds * 1000);
        assert_eq!(notifier.deliver_due().await.unwrap(), 1);
        assert_eq!(webhook.hits().len(), attempts);
        assert!(records(&h).await.is_empty(), "no record while attempts remain");
    }
    h.clock.set(START_MS + 110_000);
    assert_eq!(notifier.deliver_due().await.unwrap(), 1);
    assert_eq!(webhook.hits().len(), 5, "five attempts within two minutes");
    let records = records(&h).await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["notification_status"], "FAIL");
    h.clock.set(START_MS + 600_000);
    assert_eq!(notifier.deliver_due().await.unwrap(), 0);
}

#[tokio::test]
async fn an_unusable_target_is_invalid_at_once() {
    let webhook = Receiver::start().await;
    let (h, notifier) = with_worker(webhook_to(&webhook), |n| n);
    // Not a topic URN: nothing is sent.
    setup(&h, "demo-smn-id").await;
    notifier.deliver_due().await.unwrap();
    assert!(webhook.hits().is_empty());
    assert_eq!(records(&h).await[0]["notification_status"], "INVALID");
    // A target answering 404: one attempt, INVALID.
    webhook.status.store(404, Ordering::SeqCst);
    ok(h.call(
        "PUT",
        &event("fires"),
        Some(&json!({"notification": {
        "target_type": "SMN", "target_id": URN, "target_name": "topic"}})),
    )
    .await)
    .await;
    ok(h.call("POST", &format!("/v1/{P}/secrets/db/versions"), Some(&json!({"secret_string": "x"}))).await)
        .await;
    notifier.deliver_due().await.unwrap();
    assert_eq!(webhook.hits().len(), 1);
    let records = records(&h).await;
    assert_eq!(records[0]["notification_status"], "INVALID");
    // The record keeps the target as it was when the event fired.
    assert_eq!(records[1]["notification_target_id"], "demo-smn-id");
}

#[tokio::test]
async fn a_disabled_event_sends_and_records_nothing() {
    let webhook = Receiver::start().await;
    let (h, notifier) = with_worker(webhook_to(&webhook), |n| n);
    let mut body = event_body("quiet", URN);
    body["state"] = json!("DISABLED");
    ok(h.call("POST", &events(), Some(&body)).await).await;
    let secret = json!({"name": "db", "secret_string": "x", "event_subscriptions": ["quiet"]});
    ok(h.call("POST", &format!("/v1/{P}/secrets"), Some(&secret)).await).await;
    assert_eq!(h.call("DELETE", &format!("/v1/{P}/secrets/db"), None).await.status, 204);
    assert_eq!(notifier.deliver_due().await.unwrap(), 0);
    assert!(webhook.hits().is_empty() && records(&h).await.is_empty());
}

/// The SMN stub checks the publication's signature with the server's own verifier, and its path.
#[tokio::test]
async fn smn_publications_are_signed_as_the_sdks_sign() {
    let smn = Receiver::start().await;
    let target = Arc::new(Smn::new(
        Endpoint::parse(&format!("http://{}", smn.addr)).unwrap(),
        "SMNPUBLISHERAK0000001".into(),
        "smn-publisher-secret-key-0123456789".into(),
        HttpClient::new(None).unwrap(),
    ));
    let (h, notifier) = with_worker(target, |n| n);
    setup(&h, URN).await;
    notifier.deliver_due().await.unwrap();
    let hits = smn.hits();
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(
        hit.uri.path(),
        "/v2/0123456789abcdef0123456789abcdef/notifications/topics/urn%3Asmn%3Acn%2Dnorth%2D4%3A0123456789abcdef0123456789abcdef%3Atopic/publish"
    );
    assert_eq!(hit.body["subject"], "CSMS SECRET_VERSION_CREATED db");
    let body = serde_json::to_vec(&hit.body).unwrap();
    let principal = Principal { id: "smn".into(), scope: ProjectScope::All, user: None };
    let request =
        AuthRequest { method: &http::Method::POST, uri: &hit.uri, headers: &hit.headers, body: &body };
    // The body as sent is what was signed: re-serialised JSON of the same object has the same bytes here
    // because the publisher writes it compactly in this key order.
    let verified = csms_http::auth::signing::verify(&request, time::OffsetDateTime::now_utc(), |ak| {
        (ak == "SMNPUBLISHERAK0000001").then_some(("smn-publisher-secret-key-0123456789", &principal))
    });
    assert!(verified.is_ok(), "{verified:?}");
    let tampered = AuthRequest { body: b"{}", ..request };
    assert!(
        csms_http::auth::signing::verify(&tampered, time::OffsetDateTime::now_utc(), |_| Some((
            "smn-publisher-secret-key-0123456789",
            &principal
        )))
        .is_err()
    );
    assert_eq!(records(&h).await[0]["notification_status"], "SUCCESS");
}

#[tokio::test]
async fn expiries_and_scheduled_deletions_fire_from_the_scan() {
    let webhook = Receiver::start().await;
    let (h, notifier) = with_worker(webhook_to(&webhook), |n| n);
    setup(&h, URN).await;
    let versions = format!("/v1/{P}/secrets/db/versions");
    ok(h.call("PUT", &format!("{versions}/v1"), Some(&json!({"expire_time": START_MS + 60_000}))).await)
        .await;
    notifier.scan().await.unwrap();
    h.clock.set(START_MS + 60_000);
    assert_eq!(notifier.scan().await.unwrap(), 1);
    assert_eq!(notifier.scan().await.unwrap(), 0, "once per expiry");
    let tasks = format!("/v1/{P}/secrets/db/scheduled-deleted-tasks/create");
    ok(h.call("POST", &tasks, Some(&json!({"recovery_window_in_days": 7}))).await).await;
    h.clock.set(START_MS + 60_000 + 7 * 86_400_000);
    assert_eq!(notifier.scan().await.unwrap(), 1);
    h.call("GET", &format!("/v1/{P}/secrets/db"), None).await.error(404, "CSMS.0005");
    notifier.deliver_due().await.unwrap();
    let types: Vec<_> = records(&h).await.iter().map(|r| r["trigger_event_type"].clone()).collect();
    assert_eq!(
        types,
        [json!("SECRET_DELETED"), json!("SECRET_VERSION_EXPIRED"), json!("SECRET_VERSION_CREATED")]
    );
}

#[tokio::test]
async fn rotation_tasks_run_and_fire() {
    let webhook = Receiver::start().await;
    let (h, notifier) =
        with_worker(webhook_to(&webhook), |n| n.with_rotator(SecretType::Common, Arc::new(RandomValue)));
    setup(&h, URN).await;
    let started = ok(h.call("POST", &format!("/v1/{P}/secrets/db/rotate"), None).await).await;
    assert_eq!(started["version_id"], "v2");
    let task = started["rotation_task_id"].as_str().unwrap().to_owned();
    let tasks = format!("/v1/{P}/csms/tasks?task_id={task}");
    assert_eq!(ok(h.call("GET", &tasks, None).await).await["tasks"][0]["task_status"], "PENDING");
    assert_eq!(notifier.run_tasks().await.unwrap(), 1);
    let listed = ok(h.call("GET", &tasks, None).await).await;
    assert_eq!(
        (listed["tasks"][0]["task_status"].as_str(), listed["total"].as_i64()),
        (Some("SUCCESS"), Some(1))
    );
    let latest = ok(h.call("GET", &format!("/v1/{P}/secrets/db/versions/latest"), None).await).await;
    assert_eq!(latest["version"]["version_metadata"]["id"], "v2");
    assert_ne!(latest["version"]["secret_string"], "s3cr3t");

    // A type without a rotator fails its task, which fires SECRET_ROTATED_FAILED.
    let rds = json!({"name": "rds", "secret_string": "x", "secret_type": "RDS-FG", "event_subscriptions": ["fires"]});
    ok(h.call("POST", &format!("/v1/{P}/secrets"), Some(&rds)).await).await;
    let failing = ok(h.call("POST", &format!("/v1/{P}/secrets/rds/rotate"), None).await).await;
    notifier.run_tasks().await.unwrap();
    let id = failing["rotation_task_id"].as_str().unwrap();
    let failed = ok(h.call("GET", &format!("/v1/{P}/csms/tasks?task_id={id}"), None).await).await;
    assert_eq!(failed["tasks"][0]["task_status"], "FAILED");
    assert_eq!(failed["tasks"][0]["task_error_code"], "CSMS.0405");
    assert!(failed["tasks"][0]["task_error_msg"].as_str().unwrap().contains("RDS-FG"));
    let by_status = ok(h.call("GET", &format!("/v1/{P}/csms/tasks?status=FAILED"), None).await).await;
    assert_eq!(by_status["total"], 1);

    notifier.deliver_due().await.unwrap();
    let mut types: Vec<String> =
        records(&h).await.iter().map(|r| r["trigger_event_type"].as_str().unwrap().to_owned()).collect();
    types.sort();
    assert_eq!(
        types,
        [
            "SECRET_ROTATED",
            "SECRET_ROTATED_FAILED",
            "SECRET_VERSION_CREATED",
            "SECRET_VERSION_CREATED",
            "SECRET_VERSION_CREATED"
        ]
    );
}

/// A secret with `auto_rotation` rotates when the scan finds it due, through the same task and
/// notifications as RotateSecret, once per due time.
#[tokio::test]
async fn scheduled_rotation_runs_through_the_task_path() {
    let webhook = Receiver::start().await;
    let (h, notifier) =
        with_worker(webhook_to(&webhook), |n| n.with_rotator(SecretType::Common, Arc::new(RandomValue)));
    ok(h.call("POST", &events(), Some(&event_body("fires", URN))).await).await;
    let body = json!({"name": "db", "secret_string": "s3cr3t", "event_subscriptions": ["fires"],
                      "auto_rotation": true, "rotation_period": "6h"});
    let made = ok(h.call("POST", &format!("/v1/{P}/secrets"), Some(&body)).await).await;
    assert_eq!(made["secret"]["next_rotation_time"].as_i64(), Some(START_MS + 6 * 3_600_000));
    notifier.scan().await.unwrap();
    assert_eq!(notifier.run_tasks().await.unwrap(), 0, "not due yet");

    h.clock.advance(std::time::Duration::from_secs(6 * 3600));
    notifier.scan().await.unwrap();
    notifier.scan().await.unwrap();
    let (rotated, scanned) = (
        || metric(r#"csms_rotation_tasks_total{outcome="SUCCESS"}"#),
        || metric(r#"csms_scan_items_total{kind="rotation"}"#),
    );
    let (rotated_before, scanned_before) = (rotated(), scanned());
    assert!(scanned_before >= 1.0, "the scan's rotation is counted");
    assert_eq!(notifier.run_tasks().await.unwrap(), 1, "one task per due time");
    assert!(rotated() > rotated_before, "the rotation task is counted");
    let tasks = ok(h.call("GET", &format!("/v1/{P}/csms/tasks"), None).await).await;
    assert_eq!(
        (tasks["tasks"][0]["operate_type"].as_str(), tasks["tasks"][0]["task_status"].as_str()),
        (Some(csms_store::SCHEDULED_ROTATION), Some("SUCCESS"))
    );
    let secret = ok(h.call("GET", &format!("/v1/{P}/secrets/db"), None).await).await["secret"].clone();
    let now = START_MS + 6 * 3_600_000;
    assert_eq!(
        (secret["rotation_time"].as_i64(), secret["next_rotation_time"].as_i64()),
        (Some(now), Some(now + 6 * 3_600_000))
    );
    let latest = ok(h.call("GET", &format!("/v1/{P}/secrets/db/versions/latest"), None).await).await;
    assert_eq!(latest["version"]["version_metadata"]["id"], "v2");
    notifier.deliver_due().await.unwrap();
    let mut types: Vec<String> =
        records(&h).await.iter().map(|r| r["trigger_event_type"].as_str().unwrap().to_owned()).collect();
    types.sort();
    assert_eq!(types, ["SECRET_ROTATED", "SECRET_VERSION_CREATED", "SECRET_VERSION_CREATED"]);
}

#[tokio::test]
async fn common_secrets_are_not_rotated_without_a_rotator() {
    let (h, _notifier) = with_worker(Arc::new(LogTarget), |n| n);
    let body = json!({"name": "db", "secret_string": "x"});
    ok(h.call("POST", &format!("/v1/{P}/secrets"), Some(&body)).await).await;
    let msg = h.call("POST", &format!("/v1/{P}/secrets/db/rotate"), None).await.error(400, "CSMS.0002");
    assert!(msg.contains("--rotate-common"), "{msg}");
    h.call("POST", &format!("/v1/{P}/secrets/none/rotate"), None).await.error(404, "CSMS.0005");
    h.call("GET", &format!("/v1/{P}/csms/tasks?status=DONE"), None).await.error(400, "CSMS.0002");
}

/// A target that does not answer holds its delivery, never a request: with the webhook holding every
/// delivery, requests that fire keep being answered, and the target holds at most its share of the
/// worker's attempts in flight.
#[tokio::test]
async fn a_stalled_target_never_holds_a_request() {
    let webhook = Receiver::start().await;
    let _held = webhook.hold.acquire_many(HOLD_PERMITS).await.unwrap();
    let (h, notifier) = with_worker(webhook_to(&webhook), |n| n);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(Arc::clone(&notifier).run(async move {
        let _ = stopped.await;
    }));
    setup(&h, URN).await;
    // Wait until the worker's first delivery is stuck at the webhook.
    for _ in 0..200 {
        if !webhook.hits().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(webhook.hits().len(), 1, "the first delivery reached the webhook and is held there");
    for i in 0..20 {
        let body = json!({"secret_string": format!("v{i}")});
        ok(h.call("POST", &format!("/v1/{P}/secrets/db/versions"), Some(&body)).await).await;
    }
    // The worker keeps claiming while the first delivery is held: others reach the webhook too, up to the
    // target's share; the rest wait for a slot, their attempts not counted.
    let share = csms_worker::PER_TARGET_IN_FLIGHT;
    for _ in 0..200 {
        if webhook.hits().len() == share {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(webhook.hits().len(), share, "the target's share of attempts in flight, no more");
    assert!(records(&h).await.is_empty(), "every delivery is still held");
    let _ = stop.send(());
    worker.await.unwrap();
}

/// Every log line of a delivery carries the id of the request that caused it.
#[tokio::test]
async fn delivery_log_lines_carry_the_causing_request_id() {
    let captured = crate::errors::captured_logs();
    let (h, notifier) = with_worker(Arc::new(LogTarget), |n| n);
    let request_id = setup(&h, URN).await;
    notifier.deliver_due().await.unwrap();
    let logs = String::from_utf8(captured.lock().unwrap().clone()).unwrap();
    let delivery = logs
        .lines()
        .find(|l| l.contains("notification delivery") && l.contains(&request_id))
        .unwrap_or_else(|| panic!("no delivery line with {request_id}: {logs}"));
    for field in [
        "event=fires",
        "secret=db",
        "type=\"SECRET_VERSION_CREATED\"",
        "status=\"SUCCESS\"",
        "attempts=1",
        "latency_ms=",
    ] {
        assert!(delivery.contains(field), "{field} in {delivery}");
    }
    assert!(!logs.contains("s3cr3t"), "no value in the log");
}
