//! [`Worker`]: the outbox step and its leases, rotation tasks, and the scan.
//!
//! A notification's outcome:
//! - accepted (2xx): `SUCCESS`;
//! - a `target_id` that is not an SMN topic URN, or a target answering 403 or 404: `INVALID`, at once;
//! - anything else (a refused connection, a timeout, 429, 5xx, another status): tried again on a fixed
//!   schedule, at most [`DELIVERY_MAX_ATTEMPTS`] attempts, all started within
//!   [`DELIVERY_WINDOW_SECONDS`] of the happening; then `FAIL`.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use csms_model::limits::{DELIVERY_MAX_ATTEMPTS, DELIVERY_WINDOW_SECONDS, MS_PER_DAY, RECORD_RETENTION_DAYS};
use csms_model::{Accounts, ErrorCode, NotificationStatus, SecretType, StringEnum};
use csms_store::{
    Clock, Lease, Notice, Origin, Outgoing, Publication, RotationError, RotationOutcome, SmnDelivery, Store,
    StoreError, StoreResult, SystemClock,
};
use tokio::sync::Semaphore;

use crate::rotate::Rotator;
use crate::subscribers::Subscribers;
use crate::target::{Attempt, Delivery, Target};
use crate::throttle::{Admission, Throttle};

/// When each attempt of a notification may start, in seconds after the happening: five attempts within
/// the two-minute window.
const ATTEMPT_OFFSETS_SECONDS: [u64; DELIVERY_MAX_ATTEMPTS as usize] = [0, 2, 10, 40, 110];
const _: () = assert!(ATTEMPT_OFFSETS_SECONDS[DELIVERY_MAX_ATTEMPTS as usize - 1] < DELIVERY_WINDOW_SECONDS);

/// How long one delivery attempt may take at most; with a lease shorter than twice this, half the lease
/// (see [`Worker::attempt_timeout`]).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Most deliveries in flight in one instance.
const MAX_IN_FLIGHT: usize = 64;
/// How long a notification whose target is at its share of attempts in flight waits, in milliseconds.
const BUSY_DEFER_MS: i64 = 1_000;
/// How long one attempt to an SMN subscriber may take (SMN's own timeout), or half the lease when shorter.
const SMN_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
use smn_model::limits::{
    DELIVERY_ATTEMPT_OFFSETS_SECONDS as SMN_ATTEMPT_OFFSETS_SECONDS,
    DELIVERY_MAX_ATTEMPTS as SMN_MAX_ATTEMPTS,
};
/// Most expiries and deletions one scan step runs.
const SCAN_BATCH: usize = 500;

/// The worker of one instance: delivers the outbox, runs rotation tasks and the scan. Run it with
/// [`Worker::run`]; tests call its steps ([`Worker::deliver_due`], [`Worker::run_tasks`],
/// [`Worker::scan`]) with a clock they move.
pub struct Worker {
    store: Store,
    clock: Arc<dyn Clock>,
    target: Arc<dyn Target>,
    rotators: HashMap<String, Arc<dyn Rotator>>,
    owner: String,
    lease: Duration,
    scan_interval: Duration,
    poll: Duration,
    in_flight: Arc<Semaphore>,
    throttle: Throttle,
    accounts: Accounts,
    subscribers: Option<Arc<Subscribers>>,
}

impl Worker {
    /// A worker over `store`, delivering to `target`, on the system clock, scanning every minute.
    pub fn new(store: Store, target: Arc<dyn Target>) -> Self {
        Worker {
            store,
            clock: Arc::new(SystemClock),
            target,
            rotators: HashMap::new(),
            owner: uuid::Uuid::new_v4().simple().to_string(),
            lease: Duration::from_secs(30),
            scan_interval: Duration::from_secs(csms_model::limits::DEFAULT_SCAN_INTERVAL_SECONDS),
            poll: Duration::from_millis(250),
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            throttle: Throttle::default(),
            accounts: Accounts::default(),
            subscribers: None,
        }
    }

    /// Delivers the messages of this store's SMN topics to their HTTP(S) subscriptions with
    /// `subscribers`; and a notification whose target is a topic of this store (of `subscribers`'
    /// region) is published into it instead of going to the target. Without it, SMN messages end `FAIL`.
    pub fn with_subscribers(mut self, subscribers: Subscribers) -> Self {
        self.subscribers = Some(Arc::new(subscribers));
        self
    }

    /// Reads `clock` (a test's, moved by hand) instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The accounts that group projects: a notification goes only to a topic of its event's project or of
    /// another project of the same account; any other is INVALID and never sent.
    pub fn with_accounts(mut self, accounts: Accounts) -> Self {
        self.accounts = accounts;
        self
    }

    /// Rotates secrets of `kind` with `rotator`; a kind without one fails its tasks.
    pub fn with_rotator(mut self, kind: SecretType, rotator: Arc<dyn Rotator>) -> Self {
        self.rotators.insert(kind.as_str().to_owned(), rotator);
        self
    }

    /// How long a claim lasts before another instance may take the work over (default 30 s). An attempt
    /// may take at most half of it (and at most 10 s), so a claim always outlives the attempt made under
    /// it.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How often the expiry scan, the scheduled-deletion executor and the record purge run.
    pub fn with_scan_interval(mut self, interval: Duration) -> Self {
        self.scan_interval = interval;
        self
    }

    /// How often the outbox and the tasks are polled besides being woken by the store (default 250 ms):
    /// the delay before another instance's notifications, or a retry, are picked up.
    pub fn with_poll(mut self, poll: Duration) -> Self {
        self.poll = poll;
        self
    }

    /// Whether secrets of `kind` can be rotated here.
    pub fn rotates(&self, kind: &SecretType) -> bool {
        self.rotators.contains_key(kind.as_str())
    }

    /// Where notifications go, for logs.
    pub fn describe_target(&self) -> String {
        self.target.describe()
    }

    /// A claim of this instance's at `now`.
    fn lease_at(&self, now: i64) -> Lease<'_> {
        Lease::new(&self.owner, now, self.lease.as_millis() as i64)
    }

    /// How long one attempt may take: 10 s, or half the lease when that is shorter, so that no attempt
    /// outlives the claim it runs under (which would let another round deliver the notification again).
    pub fn attempt_timeout(&self) -> Duration {
        ATTEMPT_TIMEOUT.min(self.lease / 2)
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
            let claimed = self.store.claim_outbox(self.lease_at(now), free).await?;
            let full = claimed.len() == free;
            for outgoing in claimed {
                let (target, attempts) = match &outgoing {
                    Outgoing::Notice(n) => (n.record.notification_target_id.clone(), n.attempts),
                    Outgoing::Smn(d) => (d.subscription_urn.clone(), d.attempts),
                };
                let later = match self.throttle.admit(&target, now) {
                    Admission::Go => None,
                    Admission::Busy => Some(now + BUSY_DEFER_MS),
                    Admission::Open(until) => Some(until),
                };
                if let Some(next_at) = later {
                    // Not an attempt: the row waits, its attempts unchanged, and frees its slot.
                    self.store.retry_notice(&self.owner, outgoing.id(), attempts, next_at).await?;
                    continue;
                }
                let permit = Arc::clone(&self.in_flight).acquire_owned().await.expect("never closed");
                let this = Arc::clone(self);
                handles.push(tokio::spawn(async move {
                    let _permit = permit;
                    let started = Instant::now();
                    match outgoing {
                        Outgoing::Notice(notice) => {
                            let (attempt, kind) = this.attempt(&notice).await;
                            this.throttle.finish(&target, &attempt, this.clock.now_ms());
                            this.settle(notice, attempt, kind, started.elapsed()).await
                        }
                        Outgoing::Smn(delivery) => {
                            let attempt = this.attempt_smn(&delivery).await;
                            this.throttle.finish(&target, &attempt, this.clock.now_ms());
                            this.settle_smn(delivery, attempt, started.elapsed()).await
                        }
                    }
                }));
            }
            if !full {
                break;
            }
        }
        Ok(handles)
    }

    /// One attempt to deliver `notice`, bounded in time, and the kind of target it went to: published
    /// into the topic when it is one of this store's, else to the worker's target.
    async fn attempt(&self, notice: &Notice) -> (Attempt, &'static str) {
        let urn = &notice.record.notification_target_id;
        let kind = self.target.kind();
        match csms_model::topic_project(urn) {
            None => (
                Attempt::Unusable(
                    "the target id is not an SMN topic URN (urn:smn:region:project:topic)".into(),
                ),
                kind,
            ),
            Some(topic) if !self.accounts.same_owner(&notice.project, topic) => (
                Attempt::Unusable(format!(
                    "the topic belongs to project {topic}, not to the event's project or its account: not sent"
                )),
                kind,
            ),
            Some(topic_project) => {
                if let Some(attempt) = self.publish_locally(notice).await {
                    return (attempt, "topic");
                }
                let delivery = Delivery {
                    notice,
                    topic_project,
                    message_id: format!("{:032x}", notice.id),
                    now: self.clock.now_ms(),
                };
                let timeout = self.attempt_timeout();
                let attempt = match tokio::time::timeout(timeout, self.target.deliver(&delivery)).await {
                    Ok(outcome) => outcome,
                    Err(_) => Attempt::Failed(format!("no answer within {} ms", timeout.as_millis())),
                };
                (attempt, kind)
            }
        }
    }

    /// Publishes `notice` into its target topic when the topic is one of this store's (its URN's region
    /// is the subscribers' and the topic exists): `None` when it is not.
    async fn publish_locally(&self, notice: &Notice) -> Option<Attempt> {
        let subscribers = self.subscribers.as_ref()?;
        let urn = smn_model::TopicUrn::parse(&notice.record.notification_target_id)?;
        if urn.region != subscribers.region() {
            return None;
        }
        // A point read first: a topic that is not here (the common case of a target elsewhere) costs no
        // write transaction.
        match self.store.topic(&urn.project, &urn.name).await {
            Ok(_) => {}
            Err(StoreError::Smn(_)) => return None,
            Err(e) => return Some(Attempt::Failed(format!("reading the topic failed: {e}"))),
        }
        let publication = Publication {
            subject: Some(notice.subject.clone()),
            message: [("default".to_owned(), notice.record.notification_content.clone())].into(),
        };
        let origin = Origin::new(self.clock.now_ms(), notice.request_id.clone());
        let urn_text = urn.to_string();
        match self.store.publish(&urn.project, &urn.name, &urn_text, publication, origin).await {
            Ok(_) => Some(Attempt::Delivered),
            Err(StoreError::Smn(_)) => None,
            Err(e) => Some(Attempt::Failed(format!("publishing into the topic failed: {e}"))),
        }
    }

    /// One attempt to deliver an SMN message to its subscription, bounded in time.
    async fn attempt_smn(&self, delivery: &SmnDelivery) -> Attempt {
        let Some(subscribers) = &self.subscribers else {
            return Attempt::Unusable("this instance delivers no SMN messages".into());
        };
        let timeout = SMN_ATTEMPT_TIMEOUT.min(self.lease / 2);
        match tokio::time::timeout(timeout, subscribers.deliver(delivery, self.clock.now_ms())).await {
            Ok(outcome) => outcome,
            Err(_) => Attempt::Failed(format!("no answer within {} ms", timeout.as_millis())),
        }
    }

    /// Settles an SMN message after an attempt: its record is written (`SUCCESS`, or `FAIL` when the
    /// subscriber refused it or after the last attempt), or it is put back for the next attempt.
    async fn settle_smn(&self, delivery: SmnDelivery, outcome: Attempt, took: Duration) -> StoreResult<()> {
        let attempts = delivery.attempts + 1;
        let (status, reason) = match &outcome {
            Attempt::Delivered => (Some("SUCCESS"), ""),
            Attempt::Unusable(r) => (Some("FAIL"), r.as_str()),
            Attempt::Failed(r) if attempts >= SMN_MAX_ATTEMPTS => (Some("FAIL"), r.as_str()),
            Attempt::Failed(r) => (None, r.as_str()),
        };
        tracing::info!(
            request_id = delivery.request_id.as_deref().unwrap_or("-"),
            project = %delivery.project,
            subscription = %delivery.subscription_urn,
            r#type = delivery.kind.as_str(),
            status = status.unwrap_or("RETRY"),
            attempts,
            latency_ms = took.as_millis() as u64,
            reason,
            "smn delivery"
        );
        csms_metrics::metrics().delivery("subscription", status.unwrap_or("RETRIED"));
        let now = self.clock.now_ms();
        match status {
            Some(status) => {
                self.store.settle_smn(&self.owner, &delivery, status, attempts, reason.to_owned(), now).await
            }
            None => {
                let offset = SMN_ATTEMPT_OFFSETS_SECONDS[attempts as usize] as i64 * 1000;
                let next_at = (delivery.create_time + offset).max(now);
                self.store.retry_notice(&self.owner, delivery.id, attempts, next_at).await
            }
        }
    }

    /// Settles `notice` after an attempt that took `took`: its record is written (SUCCESS, INVALID, or
    /// FAIL after the last attempt), or it is put back for the next attempt.
    async fn settle(
        &self,
        notice: Notice,
        outcome: Attempt,
        kind: &'static str,
        took: Duration,
    ) -> StoreResult<()> {
        let attempts = notice.attempts + 1;
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
            latency_ms = took.as_millis() as u64,
            reason,
            "notification delivery"
        );
        let metrics = csms_metrics::metrics();
        metrics.delivery(kind, status.as_ref().map_or("RETRIED", StringEnum::known_str));
        if status == Some(NotificationStatus::Success) {
            let since = (self.clock.now_ms() - record.create_time).max(0) as u64;
            metrics.delivered(kind, Duration::from_millis(since));
        }
        match status {
            Some(status) => self.store.settle_notice(&self.owner, &notice, status).await,
            None => {
                let offset = ATTEMPT_OFFSETS_SECONDS[attempts as usize] as i64 * 1000;
                let next_at = (record.create_time + offset).max(self.clock.now_ms());
                self.store.retry_notice(&self.owner, notice.id, attempts, next_at).await
            }
        }
    }

    /// Runs the rotation tasks waiting now, each to its end (SUCCESS or FAILED). Returns how many ran.
    pub async fn run_tasks(&self) -> StoreResult<usize> {
        let now = self.clock.now_ms();
        let claimed = self.store.claim_tasks(self.lease_at(now), 16).await?;
        let ran = claimed.len();
        for claimed in claimed {
            let (project, task) = (&claimed.project, &claimed.task);
            let outcome = self.rotate(project, &task.secret_name).await;
            let finished =
                self.store.finish_task(project, &task.task_id, outcome, self.clock.now_ms()).await?;
            csms_metrics::metrics().rotation(finished.task_status.known_str());
            tracing::info!(
                request_id = claimed.request_id.as_deref().unwrap_or("-"),
                project,
                secret = %task.secret_name,
                task = %task.task_id,
                status = finished.task_status.as_str(),
                "rotation task finished"
            );
        }
        Ok(ran)
    }

    async fn rotate(&self, project: &str, name: &str) -> RotationOutcome {
        let gone = |e: csms_store::StoreError| RotationError::new(ErrorCode::NotFound, e.to_string());
        let secret = self.store.secret(project, name).await.map_err(gone)?;
        let Some(rotator) = self.rotators.get(secret.secret_type.as_str()) else {
            let kind = secret.secret_type.as_str();
            return Err(RotationError::new(
                ErrorCode::NoRotator,
                format!("No rotator is configured for {kind} secrets on this server."),
            ));
        };
        let current = self.store.version(project, name, csms_model::LATEST).await.map_err(gone)?;
        rotator.rotate(&secret, &current).await
    }

    /// Fires what is due now (expiries, scheduled deletions) and purges records and ended tasks past their
    /// retention.
    /// Returns how many happenings ran.
    pub async fn scan(&self) -> StoreResult<usize> {
        let (now, started) = (self.clock.now_ms(), Instant::now());
        let mut ran = 0;
        loop {
            let batch = self.store.run_due(now, SCAN_BATCH).await?;
            ran += batch;
            if batch < SCAN_BATCH {
                break;
            }
        }
        let purged = self.store.purge_records(now - RECORD_RETENTION_DAYS * MS_PER_DAY).await?;
        let purged_tasks = self.store.purge_tasks(now).await?;
        if ran > 0 || purged > 0 || purged_tasks > 0 {
            tracing::info!(happenings = ran, purged_records = purged, purged_tasks, "scan");
        }
        let (depth, oldest_due) = self.store.outbox_stats(self.clock.now_ms()).await?;
        let metrics = csms_metrics::metrics();
        metrics.outbox(depth, oldest_due);
        metrics.scan(started.elapsed());
        Ok(ran)
    }

    /// Runs the worker until `shutdown` resolves: deliveries and tasks when the store says work was
    /// queued, or at each poll; the scan every scan interval, in a task of its own, so that a large scan
    /// never holds deliveries back. Deliveries run in their own tasks, so a slow target holds only its
    /// own.
    pub async fn run(self: Arc<Self>, shutdown: impl Future<Output = ()>) {
        let mut shutdown = std::pin::pin!(shutdown);
        let scanner = tokio::spawn(Arc::clone(&self).scan_forever());
        loop {
            if let Err(e) = self.run_tasks().await {
                tracing::error!(error = %e, "running rotation tasks failed");
            }
            // The deliveries run on by themselves; their outcomes are logged by each.
            if let Err(e) = self.start_due().await {
                tracing::error!(error = %e, "claiming notifications failed");
            }
            tokio::select! {
                _ = &mut shutdown => break,
                _ = self.store.work_queued() => {}
                _ = tokio::time::sleep(self.poll) => {}
            }
        }
        scanner.abort();
    }

    /// The scan, every scan interval, until aborted.
    async fn scan_forever(self: Arc<Self>) {
        let mut ticks = tokio::time::interval(self.scan_interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = self.scan().await {
                tracing::error!(error = %e, "the scan failed");
            }
        }
    }
}
