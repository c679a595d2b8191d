//! Events that fire: the worker that delivers the outbox, runs rotation tasks and scans for what is due.
//!
//! A happening's notification is written by the store in the same transaction as the change (the
//! outbox). [`Notifier`] claims due notifications (a claim is a lease: if its holder dies, another
//! instance takes the notification over when the lease lapses), delivers each to the [`Target`] chosen at
//! start, and settles it: the outbox row goes and the record is written, with its status, at once.
//!
//! - accepted (2xx): `SUCCESS`;
//! - a `target_id` that is not an SMN topic URN, or a target answering 403 or 404: `INVALID`, at once;
//! - anything else (a refused connection, a timeout, 429, 5xx, another status): tried again on a fixed
//!   schedule, at most [`DELIVERY_MAX_ATTEMPTS`] attempts, all started within
//!   [`DELIVERY_WINDOW_SECONDS`] of the happening; then `FAIL`.
//!
//! Delivery runs off the request path: a slow or dead target holds a worker task, never a request.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use csms_model::limits::{DELIVERY_MAX_ATTEMPTS, DELIVERY_WINDOW_SECONDS, MS_PER_DAY, RECORD_RETENTION_DAYS};
use csms_model::{NotificationStatus, Secret, SecretType, StringEnum, Version};
use csms_store::{Clock, EventStore, Notice, Payload, StoreResult, SystemClock};
use http::{HeaderValue, Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use tokio::sync::{Notify, Semaphore};

use crate::auth::signing;

/// When each attempt of a notification may start, in seconds after the happening: five attempts within
/// the two-minute window.
const ATTEMPT_OFFSETS_SECONDS: [u64; DELIVERY_MAX_ATTEMPTS as usize] = [0, 2, 10, 40, 110];
const _: () = assert!(ATTEMPT_OFFSETS_SECONDS[DELIVERY_MAX_ATTEMPTS as usize - 1] < DELIVERY_WINDOW_SECONDS);

/// How long one delivery attempt may take (and at most half the lease, so that a claim always outlives
/// the attempt made under it).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Most deliveries in flight in one instance.
const MAX_IN_FLIGHT: usize = 64;
/// Where notifications go, chosen at start.
#[derive(Debug, Clone)]
pub enum Target {
    /// Written to the log, one structured line each, and counted as delivered.
    Log,
    /// POSTed to this URL in the shape an SMN HTTP subscription receives.
    Webhook(Endpoint),
    /// Published with SMN's PublishMessage at this endpoint, signed with the access key.
    Smn {
        /// The SMN endpoint (`http://host:port`).
        endpoint: Endpoint,
        /// The access key to sign with.
        ak: String,
        /// Its secret key.
        sk: String,
    },
}

/// An `http://` URL a notification is sent to.
#[derive(Debug, Clone)]
pub struct Endpoint {
    authority: String,
    path: String,
}

impl Endpoint {
    /// Parses an `http://host:port/path` URL. `https` is refused: put a TLS-terminating proxy in front.
    pub fn parse(url: &str) -> Result<Self, String> {
        let uri: Uri = url.parse().map_err(|e| format!("'{url}' is not a URL: {e}"))?;
        if uri.scheme_str() != Some("http") {
            return Err(format!(
                "'{url}': only http:// targets are supported (put a TLS-terminating proxy in front of an https one)"
            ));
        }
        let authority = uri.authority().ok_or_else(|| format!("'{url}' has no host"))?;
        let authority = match authority.port_u16() {
            Some(_) => authority.to_string(),
            None => format!("{}:80", authority.host()),
        };
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).trim_end_matches('/').to_owned();
        Ok(Endpoint { authority, path })
    }

    fn uri(&self, path: &str) -> Result<Uri, http::Error> {
        Uri::builder().scheme("http").authority(self.authority.as_str()).path_and_query(path).build()
    }
}

/// Why a rotation failed: the task's `task_error_code` and `task_error_msg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationError {
    /// A short code.
    pub code: String,
    /// What went wrong (never a value).
    pub message: String,
}

/// Makes a secret's next value: implement it for your own secret types and give it to
/// [`Notifier::with_rotator`].
#[async_trait]
pub trait Rotator: Send + Sync + 'static {
    /// The new value for `secret`, whose current version is `current`.
    async fn rotate(&self, secret: &Secret, current: &Version) -> Result<Payload, RotationError>;
}

/// The built-in rotator of `COMMON` secrets (`--rotate-common`): a new random value, 32 random bytes in
/// hexadecimal, of the same kind (text or binary) as the current one.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomValue;

#[async_trait]
impl Rotator for RandomValue {
    async fn rotate(&self, _: &Secret, current: &Version) -> Result<Payload, RotationError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| RotationError {
            code: "CSMS.9500".into(),
            message: format!("no randomness: {e}"),
        })?;
        let text = hex::encode(bytes);
        Ok(match current.secret_binary {
            Some(_) => Payload::Binary(csms_model::SecretValue::new(BASE64.encode(text.as_bytes()))),
            None => Payload::String(csms_model::SecretValue::new(text)),
        })
    }
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Attempt {
    Delivered,
    Unusable(String),
    Failed(String),
}

/// The worker of one instance: delivers the outbox, runs rotation tasks and the scan. Run it with
/// [`Notifier::run`]; tests call its steps ([`Notifier::deliver_due`], [`Notifier::run_tasks`],
/// [`Notifier::scan`]) with a clock they move.
pub struct Notifier {
    store: Arc<dyn EventStore>,
    clock: Arc<dyn Clock>,
    target: Target,
    rotators: HashMap<String, Arc<dyn Rotator>>,
    owner: String,
    lease: Duration,
    scan_interval: Duration,
    poll: Duration,
    wake: Arc<Notify>,
    in_flight: Arc<Semaphore>,
}

impl Notifier {
    /// A worker over `store`, delivering to `target`, on the system clock, scanning every minute.
    pub fn new(store: Arc<dyn EventStore>, target: Target) -> Self {
        Notifier {
            store,
            clock: Arc::new(SystemClock),
            target,
            rotators: HashMap::new(),
            owner: crate::layers::new_request_id(),
            lease: Duration::from_secs(30),
            scan_interval: Duration::from_secs(csms_model::limits::DEFAULT_SCAN_INTERVAL_SECONDS),
            poll: Duration::from_millis(250),
            wake: Arc::new(Notify::new()),
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
        }
    }

    /// Reads `clock` (a test's, moved by hand) instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Rotates secrets of `kind` with `rotator`; a kind without one fails its tasks.
    pub fn with_rotator(mut self, kind: SecretType, rotator: Arc<dyn Rotator>) -> Self {
        self.rotators.insert(kind.as_str().to_owned(), rotator);
        self
    }

    /// How long a claim lasts before another instance may take the work over (default 30 s). An attempt
    /// may take at most half of it (and at most 10 s).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How often the expiry scan, the scheduled-deletion executor and the record purge run.
    pub fn with_scan_interval(mut self, interval: Duration) -> Self {
        self.scan_interval = interval;
        self
    }

    /// How often the outbox and the tasks are polled besides being woken (default 250 ms): the delay
    /// before another instance's notifications, or a retry, are picked up.
    pub fn with_poll(mut self, poll: Duration) -> Self {
        self.poll = poll;
        self
    }

    /// Whether secrets of `kind` can be rotated here.
    pub fn rotates(&self, kind: &SecretType) -> bool {
        self.rotators.contains_key(kind.as_str())
    }

    /// The signal that work is waiting: give it to [`crate::CsmsService::with_notifier`] so that a
    /// request's notifications go out at once, not at the next poll.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// This instance's name on its claims.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Claims the notifications due now and delivers them, each in its own task; resolves once all
    /// are settled or put back for another attempt. Returns how many were handled.
    pub async fn deliver_due(self: &Arc<Self>) -> StoreResult<usize> {
        let handles = self.start_due().await?;
        let handled = handles.len();
        for handle in handles {
            match handle.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "a delivery could not be settled"),
                Err(e) => tracing::error!(error = %e, "a delivery task failed"),
            }
        }
        Ok(handled)
    }

    /// Claims as many due notifications as there are free delivery slots and starts delivering each in
    /// its own task. A claimed notification is nobody else's until its lease lapses, which is longer
    /// than an attempt may take, so rounds never deliver one twice.
    async fn start_due(self: &Arc<Self>) -> StoreResult<Vec<tokio::task::JoinHandle<StoreResult<()>>>> {
        let mut handles = Vec::new();
        loop {
            let free = self.in_flight.available_permits();
            if free == 0 {
                break;
            }
            let now = self.clock.now_ms();
            let claimed =
                self.store.claim_notices(&self.owner, now, self.lease.as_millis() as i64, free).await?;
            let full = claimed.len() == free;
            for notice in claimed {
                let permit = Arc::clone(&self.in_flight).acquire_owned().await.expect("never closed");
                let this = Arc::clone(self);
                handles.push(tokio::spawn(async move {
                    let _permit = permit;
                    this.deliver(notice).await
                }));
            }
            if !full {
                break;
            }
        }
        Ok(handles)
    }

    async fn deliver(&self, notice: Notice) -> StoreResult<()> {
        let started = Instant::now();
        let attempts = notice.attempts + 1;
        let outcome = match topic_project(&notice.record.notification_target_id) {
            None => Attempt::Unusable(
                "the target id is not an SMN topic URN (urn:smn:region:project:topic)".into(),
            ),
            Some(topic_project) => {
                match tokio::time::timeout(ATTEMPT_TIMEOUT, self.send(&notice, topic_project)).await {
                    Ok(outcome) => outcome,
                    Err(_) => Attempt::Failed(format!("no answer within {} s", ATTEMPT_TIMEOUT.as_secs())),
                }
            }
        };
        let record = &notice.record;
        let status = match &outcome {
            Attempt::Delivered => Some(NotificationStatus::Success),
            Attempt::Unusable(_) => Some(NotificationStatus::Invalid),
            Attempt::Failed(_) if attempts >= DELIVERY_MAX_ATTEMPTS => Some(NotificationStatus::Fail),
            Attempt::Failed(_) => None,
        };
        let reason = match &outcome {
            Attempt::Delivered => "",
            Attempt::Unusable(r) | Attempt::Failed(r) => r,
        };
        tracing::info!(
            request_id = notice.request_id.as_deref().unwrap_or("-"),
            project = %notice.project,
            event = %record.event_name,
            secret = %record.secret_name,
            r#type = record.trigger_event_type.as_str(),
            target = %record.notification_target_id,
            status = status.as_ref().map_or("RETRY", |s| s.as_str()),
            attempts,
            latency_ms = started.elapsed().as_millis() as u64,
            reason,
            "notification delivery"
        );
        match status {
            Some(status) => self.store.settle_notice(&self.owner, &notice, status).await,
            None => {
                let offset = ATTEMPT_OFFSETS_SECONDS[attempts as usize] as i64 * 1000;
                let next_at = (record.create_time + offset).max(self.clock.now_ms());
                self.store.retry_notice(&self.owner, notice.id, attempts, next_at).await
            }
        }
    }

    async fn send(&self, notice: &Notice, topic_project: &str) -> Attempt {
        let record = &notice.record;
        let message_id = format!("{:032x}", notice.id);
        let request = match &self.target {
            Target::Log => {
                tracing::info!(
                    request_id = notice.request_id.as_deref().unwrap_or("-"),
                    message_id,
                    topic_urn = %record.notification_target_id,
                    subject = %notice.subject,
                    message = %record.notification_content,
                    "notification"
                );
                return Attempt::Delivered;
            }
            Target::Webhook(endpoint) => {
                let body = serde_json::json!({
                    "type": "Notification",
                    "message_id": message_id,
                    "topic_urn": record.notification_target_id,
                    "subject": notice.subject,
                    "message": record.notification_content,
                    "timestamp": csms_store::iso_millis(self.clock.now_ms()),
                    "signature_version": "v1",
                });
                let path = if endpoint.path.is_empty() { "/" } else { endpoint.path.as_str() };
                let urn = &record.notification_target_id;
                Request::post(match endpoint.uri(path) {
                    Ok(uri) => uri,
                    Err(e) => return Attempt::Unusable(e.to_string()),
                })
                .header(http::header::CONTENT_TYPE, "application/json")
                .header("x-smn-message-type", "Notification")
                .header("x-smn-message-id", &message_id)
                .header("x-smn-topic-urn", urn.as_str())
                .header("x-smn-subscription-urn", format!("{urn}:csms-webhook"))
                .body(Bytes::from(body.to_string()))
            }
            Target::Smn { endpoint, ak, sk } => {
                let urn = percent_encoding::utf8_percent_encode(
                    &record.notification_target_id,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                let path = format!("{}/v2/{topic_project}/notifications/topics/{urn}/publish", endpoint.path);
                let body =
                    serde_json::json!({"subject": notice.subject, "message": record.notification_content});
                let uri = match endpoint.uri(&path) {
                    Ok(uri) => uri,
                    Err(e) => return Attempt::Unusable(e.to_string()),
                };
                let body = Bytes::from(body.to_string());
                let mut request = Request::post(uri.clone()).body(body.clone()).expect("a valid request");
                let headers = request.headers_mut();
                headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                headers.insert(
                    http::header::HOST,
                    HeaderValue::from_str(&endpoint.authority).expect("an authority"),
                );
                headers.insert(signing::DATE_HEADER, signing::sdk_date(time::OffsetDateTime::now_utc()));
                let authorization = signing::sign(&Method::POST, &uri, request.headers(), &body, ak, sk);
                match HeaderValue::from_str(&authorization) {
                    Ok(value) => request.headers_mut().insert(http::header::AUTHORIZATION, value),
                    Err(e) => return Attempt::Unusable(e.to_string()),
                };
                Ok(request)
            }
        };
        let request = match request {
            Ok(request) => request,
            Err(e) => return Attempt::Unusable(e.to_string()),
        };
        match post(request).await {
            Ok(status) if status.is_success() => Attempt::Delivered,
            Ok(status @ (StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)) => {
                Attempt::Unusable(format!("the target answered {status}"))
            }
            Ok(status) => Attempt::Failed(format!("the target answered {status}")),
            Err(e) => Attempt::Failed(e),
        }
    }

    /// Runs the rotation tasks waiting now, each to its end (SUCCESS or FAILED). Returns how many ran.
    pub async fn run_tasks(&self) -> StoreResult<usize> {
        let now = self.clock.now_ms();
        let claimed = self.store.claim_tasks(&self.owner, now, self.lease.as_millis() as i64, 16).await?;
        let ran = claimed.len();
        for claimed in claimed {
            let (project, task) = (&claimed.project, &claimed.task);
            let outcome = self.rotate(project, &task.secret_name).await;
            let finished =
                self.store.finish_task(project, &task.task_id, outcome, self.clock.now_ms()).await?;
            tracing::info!(
                request_id = claimed.request_id.as_deref().unwrap_or("-"),
                project,
                secret = %task.secret_name,
                task = %task.task_id,
                status = finished.task_status.as_str(),
                "rotation task finished"
            );
        }
        if ran > 0 {
            self.wake.notify_one();
        }
        Ok(ran)
    }

    async fn rotate(&self, project: &str, name: &str) -> csms_store::RotationOutcome {
        let secret =
            self.store.secret(project, name).await.map_err(|e| ("CSMS.0005".to_owned(), e.to_string()))?;
        let Some(rotator) = self.rotators.get(secret.secret_type.as_str()) else {
            return Err((
                "CSMS.0405".to_owned(),
                format!(
                    "No rotator is configured for {} secrets on this server.",
                    secret.secret_type.as_str()
                ),
            ));
        };
        let current = self
            .store
            .version(project, name, csms_model::LATEST)
            .await
            .map_err(|e| ("CSMS.0005".to_owned(), e.to_string()))?;
        rotator.rotate(&secret, &current).await.map_err(|e| (e.code, e.message))
    }

    /// Fires what is due now (expiries, scheduled deletions) and purges records past their retention.
    /// Returns how many happenings ran.
    pub async fn scan(&self) -> StoreResult<usize> {
        let now = self.clock.now_ms();
        let mut ran = 0;
        loop {
            let batch = self.store.run_due(now, 500).await?;
            ran += batch;
            if batch < 500 {
                break;
            }
        }
        let purged = self.store.purge_records(now - RECORD_RETENTION_DAYS * MS_PER_DAY).await?;
        if ran > 0 || purged > 0 {
            tracing::info!(happenings = ran, purged_records = purged, "scan");
            self.wake.notify_one();
        }
        Ok(ran)
    }

    /// Runs the worker until `shutdown` resolves: deliveries and tasks when woken or polled, the scan
    /// every scan interval. Deliveries run in their own tasks, so a slow target holds only its own.
    pub async fn run(self: Arc<Self>, shutdown: impl Future<Output = ()>) {
        let mut shutdown = std::pin::pin!(shutdown);
        let mut last_scan: Option<Instant> = None;
        loop {
            if last_scan.is_none_or(|t| t.elapsed() >= self.scan_interval) {
                last_scan = Some(Instant::now());
                if let Err(e) = self.scan().await {
                    tracing::error!(error = %e, "the scan failed");
                }
            }
            if let Err(e) = self.run_tasks().await {
                tracing::error!(error = %e, "running rotation tasks failed");
            }
            // The deliveries run on by themselves; their outcomes are logged by each.
            if let Err(e) = self.start_due().await {
                tracing::error!(error = %e, "claiming notifications failed");
            }
            tokio::select! {
                _ = &mut shutdown => break,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.poll) => {}
            }
        }
    }
}

/// The project of an SMN topic URN `urn:smn:{region}:{project}:{topic}`, if `urn` is one.
fn topic_project(urn: &str) -> Option<&str> {
    let parts: Vec<&str> = urn.split(':').collect();
    let [urn_, smn, region, project, topic] = parts.as_slice() else { return None };
    let name_ok = topic.len() <= 255
        && topic.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && topic.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    (*urn_ == "urn" && *smn == "smn" && !region.is_empty() && !project.is_empty() && name_ok)
        .then_some(project)
}

/// POSTs `request` on a connection of its own; the status, or why there is none.
async fn post(request: Request<Bytes>) -> Result<StatusCode, String> {
    let authority = request.uri().authority().map(|a| a.to_string()).ok_or("no host")?;
    let stream =
        tokio::net::TcpStream::connect(&authority).await.map_err(|e| format!("connect {authority}: {e}"))?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let (mut parts, body) = request.into_parts();
    if !parts.headers.contains_key(http::header::HOST)
        && let Ok(host) = HeaderValue::from_str(&authority)
    {
        parts.headers.insert(http::header::HOST, host);
    }
    // Origin form on the wire.
    if let Some(path) = parts.uri.path_and_query() {
        parts.uri = path.as_str().parse().unwrap_or_default();
    }
    let response = sender
        .send_request(Request::from_parts(parts, Full::new(body)))
        .await
        .map_err(|e| format!("request: {e}"))?;
    let status = response.status();
    let _ = response.into_body().collect().await;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_urns() {
        assert_eq!(topic_project("urn:smn:cn-north-4:0123abc:topic-1"), Some("0123abc"));
        for bad in [
            "demo-smn-id",
            "urn:smn:r:p",
            "urn:smn:r:p:t:x",
            "urn:sns:r:p:t",
            "urn:smn::p:t",
            "urn:smn:r:p:-t",
        ] {
            assert_eq!(topic_project(bad), None, "{bad}");
        }
    }

    #[test]
    fn endpoints() {
        let e = Endpoint::parse("http://127.0.0.1:9000/hook/").unwrap();
        assert_eq!((e.authority.as_str(), e.path.as_str()), ("127.0.0.1:9000", "/hook"));
        assert_eq!(Endpoint::parse("http://localhost").unwrap().authority, "localhost:80");
        assert!(Endpoint::parse("https://smn.example.com").unwrap_err().contains("only http://"));
    }
}
