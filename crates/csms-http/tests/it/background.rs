//! The paths behind the requests, against a hostile tenant and broken targets: another owner's topic, an
//! endless reply, a stalled target, an attempt longer than its lease, a long scan, a rotation flood.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use csms_model::Accounts;
use csms_store::{Backend, Cipher, MemoryBackend, Store, StoreResult, backend};
use csms_worker::{Attempt, Delivery, Endpoint, HttpClient, MAX_REPLY_BYTES, Smn, Target, Webhook, Worker};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::*;
use crate::notify::*;

/// Waits up to `limit` for `done`.
async fn eventually(limit: Duration, mut done: impl AsyncFnMut() -> bool) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done().await
}

/// A tenant cannot make the server publish to another owner's SMN topic with the service's key: the
/// event is refused when written, and one stored before the rule is INVALID and never sent. A project
/// of the same account may use the account's topics.
#[tokio::test]
async fn topics_of_other_owners_are_refused_and_never_sent_to() {
    let smn = Receiver::start().await;
    let endpoint = Endpoint::parse(&format!("http://{}", smn.addr)).unwrap();
    let target = Arc::new(Smn::new(endpoint, "AK".into(), "SK".into(), HttpClient::new(None).unwrap()));
    let accounts = Accounts::default().with_account("acme", [P, P2]);
    let (mut h, worker) = with_worker(target, |w| w.with_accounts(accounts.clone()));
    h.service = h.service.clone().to_builder().accounts(accounts).build();
    let victim = "urn:smn:cn-north-4:99999999999999999999999999999999:victim-topic";
    let msg = h.call("POST", &events(), Some(&event_body("steal", victim))).await.error(400, "CSMS.0002");
    assert!(msg.contains("'/notification/target_id'"), "{msg}");
    let sibling = format!("urn:smn:cn-north-4:{P2}:shared-topic");
    ok(h.call("POST", &events(), Some(&event_body("sibling", &sibling))).await).await;
    let patch = json!({"notification": {"target_type": "SMN", "target_id": victim, "target_name": "v"}});
    h.call("PUT", &event("sibling"), Some(&patch)).await.error(400, "CSMS.0002");
    let kept = ok(h.call("GET", &event("sibling"), None).await).await;
    assert_eq!(
        kept["event"]["notification"]["target_id"],
        sibling.as_str(),
        "the refused update changed nothing"
    );

    // An event stored before the rule existed: its notification is INVALID at delivery, and not sent.
    let old: csms_model::Event = serde_json::from_value(json!({
        "name": "old", "event_id": "bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e", "event_types": ["SECRET_VERSION_CREATED"],
        "state": "ENABLED", "create_time": 1, "update_time": 1,
        "notification": {"target_type": "SMN", "target_id": victim, "target_name": "v"}}))
    .unwrap();
    h.store.create(P, old, 100).await.unwrap();
    let body = json!({"name": "s", "secret_string": "x", "event_subscriptions": ["old"]});
    ok(h.call("POST", &format!("/v1/{P}/secrets"), Some(&body)).await).await;
    worker.deliver_due().await.unwrap();
    assert!(smn.hits().is_empty(), "nothing was published to the victim's topic");
    let records = records(&h).await;
    assert_eq!(records[0]["notification_status"], "INVALID");
}

// The bound the next test relies on: a reply is read no further than a few socket buffers.
const _: () = assert!(MAX_REPLY_BYTES <= 64 * 1024);

/// A target answering 200 with a 4 GB body is read no further than `MAX_REPLY_BYTES`: the delivery is
/// SUCCESS, and the server stops reading (so the target can write no more than the socket buffers hold).
#[tokio::test]
async fn an_endless_reply_is_read_no_further() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = Arc::new(AtomicU64::new(0));
    let written = Arc::clone(&sent);
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = vec![0; 64 * 1024];
        let _ = stream.read(&mut request).await;
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 4000000000\r\n\r\n";
        if stream.write_all(head).await.is_err() {
            return;
        }
        let zeros = vec![0u8; 64 * 1024];
        // At most 256 MiB, in case the server reads all it is given.
        for _ in 0..4096 {
            match tokio::time::timeout(Duration::from_secs(2), stream.write_all(&zeros)).await {
                Ok(Ok(())) => written.fetch_add(zeros.len() as u64, Ordering::SeqCst),
                _ => return,
            };
        }
    });
    let target = Arc::new(Webhook::new(
        Endpoint::parse(&format!("http://{addr}/hook")).unwrap(),
        HttpClient::new(None).unwrap(),
    ));
    let (h, worker) = with_worker(target, |w| w);
    setup(&h, URN).await;
    let handled = tokio::time::timeout(Duration::from_secs(20), worker.deliver_due()).await;
    assert_eq!(handled.expect("the delivery ended").unwrap(), 1);
    assert_eq!(records(&h).await[0]["notification_status"], "SUCCESS", "the status decided");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = sent.load(Ordering::SeqCst);
    assert!(sent < 32 * 1024 * 1024, "the server stopped reading ({sent} bytes written to it)");
}

/// A topic whose target never answers holds at most its share of the attempts in flight: the other
/// targets' notifications go out at once, however many of the stalled one's are due first.
#[tokio::test]
async fn a_stalled_target_holds_only_its_share() {
    let webhook = Receiver::start().await;
    let slow = format!("urn:smn:cn-north-4:{P}:slow");
    *webhook.stall.lock().unwrap() = Some(slow.clone());
    let (h, worker) = with_worker(webhook_to(&webhook), |w| w);
    ok(h.call("POST", &events(), Some(&event_body("slow", &slow))).await).await;
    ok(h.call("POST", &events(), Some(&event_body("fast", URN))).await).await;
    let secrets = format!("/v1/{P}/secrets");
    ok(h.call(
        "POST",
        &secrets,
        Some(&json!({"name": "a", "secret_string": "x", "event_subscriptions": ["slow"]})),
    )
    .await)
    .await;
    for i in 0..100 {
        let version = json!({"secret_string": format!("v{i}")});
        ok(h.call("POST", &format!("{secrets}/a/versions"), Some(&version)).await).await;
    }
    ok(h.call(
        "POST",
        &secrets,
        Some(&json!({"name": "b", "secret_string": "x", "event_subscriptions": ["fast"]})),
    )
    .await)
    .await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(Arc::clone(&worker).run(async move {
        let _ = stopped.await;
    }));
    let fast_went = eventually(Duration::from_secs(5), async || {
        webhook.hits().iter().any(|hit| hit.headers["x-smn-topic-urn"] == URN)
    })
    .await;
    let to_slow = webhook.hits().iter().filter(|hit| hit.headers["x-smn-topic-urn"] == slow.as_str()).count();
    assert!(fast_went, "the other target's notification went out while {to_slow} attempts were held");
    assert!(to_slow <= csms_worker::PER_TARGET_IN_FLIGHT, "{to_slow} attempts held by one target");
    let _ = stop.send(());
    running.await.unwrap();
}

/// A target that takes 3 s, counting how many of its deliveries overlap.
#[derive(Default)]
struct SlowTarget {
    in_flight: AtomicUsize,
    most: AtomicUsize,
}

#[async_trait]
impl Target for SlowTarget {
    fn describe(&self) -> String {
        "slow".into()
    }

    async fn deliver(&self, _: &Delivery<'_>) -> Attempt {
        struct Leave<'a>(&'a AtomicUsize);
        impl Drop for Leave<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        let _leave = Leave(&self.in_flight);
        tokio::time::sleep(Duration::from_secs(3)).await;
        Attempt::Delivered
    }
}

/// With a 2 s lease an attempt may take 1 s: it has ended (and been put back) before its claim lapses,
/// so a round after the lapse never delivers the notification a second time alongside the first.
#[tokio::test]
async fn an_attempt_never_outlives_its_lease() {
    let target = Arc::new(SlowTarget::default());
    let (h, worker) = with_worker(target.clone(), |w| w.with_lease(Duration::from_secs(2)));
    assert_eq!(worker.attempt_timeout(), Duration::from_secs(1));
    setup(&h, URN).await;
    let first = tokio::spawn({
        let worker = Arc::clone(&worker);
        async move { worker.deliver_due().await }
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    h.clock.advance(Duration::from_secs(3));
    worker.deliver_due().await.unwrap();
    first.await.unwrap().unwrap();
    assert_eq!(target.most.load(Ordering::SeqCst), 1, "never two attempts of one notification at once");
}

/// A backend whose reads take 5 s once `slow` is set: the scan's query of what is due is a read, the
/// outbox's claims and settlements are writes.
struct SlowReads {
    inner: MemoryBackend,
    slow: Arc<AtomicBool>,
}

#[async_trait]
impl Backend for SlowReads {
    async fn write(&self, job: backend::Job) -> StoreResult<()> {
        self.inner.write(job).await
    }
    async fn read(&self, job: backend::Job) -> StoreResult<()> {
        if self.slow.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        self.inner.read(job).await
    }
    fn describe(&self) -> String {
        "slow reads".into()
    }
}

/// A long scan never holds deliveries back: with the scan's query taking 5 s, a notification is
/// delivered at once.
#[tokio::test]
async fn a_long_scan_holds_no_delivery() {
    let webhook = Receiver::start().await;
    let slow = Arc::new(AtomicBool::new(false));
    let store =
        Store::new(SlowReads { inner: MemoryBackend::new(), slow: Arc::clone(&slow) }, Cipher::ephemeral());
    let h = Harness::with_store(store.clone());
    let worker = Arc::new(Worker::new(store, webhook_to(&webhook)).with_clock(h.clock.clone()));
    slow.store(true, Ordering::SeqCst);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(Arc::clone(&worker).run(async move {
        let _ = stopped.await;
    }));
    // The worker's first scan is now waiting on its query; a change fires meanwhile.
    tokio::time::sleep(Duration::from_millis(200)).await;
    setup(&h, URN).await;
    let delivered = eventually(Duration::from_secs(3), async || !webhook.hits().is_empty()).await;
    assert!(delivered, "the notification went out while the scan was still running");
    let _ = stop.send(());
    running.await.unwrap();
}

/// RotateSecret answers the version its task will make, and a secret has one rotation waiting at most:
/// a flood of them is refused with 409 `CSMS.9010`, and queues nothing.
#[tokio::test]
async fn a_rotation_flood_queues_one_task() {
    let (h, _worker) = with_worker(Arc::new(csms_worker::LogTarget), |w| w);
    let h = Harness { service: h.service.clone().to_builder().rotate_common(true).build(), ..h };
    setup(&h, URN).await;
    let rotate = format!("/v1/{P}/secrets/db/rotate");
    let first = ok(h.call("POST", &rotate, None).await).await;
    assert_eq!(first["version_id"], "v2");
    for _ in 0..20 {
        let msg = h.call("POST", &rotate, None).await.error(409, "CSMS.9010");
        assert!(msg.contains("'db'"), "{msg}");
    }
    let tasks = ok(h.call("GET", &format!("/v1/{P}/csms/tasks"), None).await).await;
    assert_eq!(tasks["total"], 1, "{tasks}");
}
