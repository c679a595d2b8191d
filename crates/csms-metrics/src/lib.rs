//! The service's metrics, in the Prometheus text format (OpenMetrics), from the Prometheus project's own
//! client (`prometheus-client`).
//!
//! One process-wide set, [`metrics()`]: the HTTP service, the worker and the store record into it with
//! atomic operations, whether or not anything scrapes it; [`encode`] writes it out for `/metrics`. Label
//! values come from bounded sets only (operation ids, HTTP statuses, target kinds, outcomes), never from
//! what a client sends.
//!
//! ```
//! csms_metrics::metrics().request("ShowSecretEvent", 200, std::time::Duration::from_millis(3));
//! let text = csms_metrics::encode();
//! assert!(text.contains(r#"csms_http_requests_total{operation="ShowSecretEvent",status="200"}"#));
//! assert!(text.contains("csms_build_info"));
//! ```

use std::sync::LazyLock;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

mod process;

/// The content type of [`encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    operation: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabel {
    operation: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    target: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TargetLabel {
    target: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

type Seconds = Family<OperationLabel, Histogram, fn() -> Histogram>;

/// Latency buckets, in seconds: 100 µs to about 26 s.
fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.0001, 4.0, 10))
}

/// Size buckets: 1 to 4,096.
fn sizes() -> Histogram {
    Histogram::new(exponential_buckets(1.0, 2.0, 13))
}

/// Every metric of the service. Get it with [`metrics()`].
#[derive(Debug)]
pub struct Metrics {
    requests: Family<RequestLabels, Counter>,
    request_seconds: Seconds,
    in_flight: Gauge,
    connections_open: Gauge,
    connections_waited: Counter,
    accept_errors: Counter,
    deliveries: Family<DeliveryLabels, Counter>,
    delivery_seconds: Family<TargetLabel, Histogram, fn() -> Histogram>,
    attempts: Family<TargetLabel, Counter>,
    outbox_depth: Gauge,
    outbox_oldest_due: Gauge<f64, AtomicU64>,
    rotations: Family<OutcomeLabel, Counter>,
    scans: Counter,
    scan_seconds: Histogram,
    scanned: Family<KindLabel, Counter>,
    commit_batch: Histogram,
    commit_seconds: Histogram,
    pool_in_use: Gauge,
    pool_waiting: Gauge,
    store_errors: Family<KindLabel, Counter>,
    store_up: Gauge,
    ready: Gauge,
}

static METRICS: LazyLock<(Metrics, Registry)> = LazyLock::new(Metrics::registered);

/// The process's metrics.
pub fn metrics() -> &'static Metrics {
    &METRICS.0
}

/// Every metric in the OpenMetrics text format ([`CONTENT_TYPE`]).
pub fn encode() -> String {
    let mut text = String::with_capacity(16 * 1024);
    prometheus_client::encoding::text::encode(&mut text, &METRICS.1)
        .expect("writing to a String cannot fail");
    text
}

impl Metrics {
    fn registered() -> (Metrics, Registry) {
        let m = Metrics {
            requests: Family::default(),
            request_seconds: Family::new_with_constructor(latency),
            in_flight: Gauge::default(),
            connections_open: Gauge::default(),
            connections_waited: Counter::default(),
            accept_errors: Counter::default(),
            deliveries: Family::default(),
            delivery_seconds: Family::new_with_constructor(latency),
            attempts: Family::default(),
            outbox_depth: Gauge::default(),
            outbox_oldest_due: Gauge::default(),
            rotations: Family::default(),
            scans: Counter::default(),
            scan_seconds: latency(),
            scanned: Family::default(),
            commit_batch: sizes(),
            commit_seconds: latency(),
            pool_in_use: Gauge::default(),
            pool_waiting: Gauge::default(),
            store_errors: Family::default(),
            store_up: Gauge::default(),
            ready: Gauge::default(),
        };
        let mut root = Registry::default();
        // The process's metrics under the names every Prometheus client uses; the service's under `csms_`.
        root.register_collector(Box::new(process::Process));
        let r = root.sub_registry_with_prefix("csms");
        r.register(
            "http_requests",
            "API requests answered, by operation and HTTP status",
            m.requests.clone(),
        );
        r.register(
            "http_request_duration_seconds",
            "Time from a request's head to its response's head, by operation",
            m.request_seconds.clone(),
        );
        r.register("http_requests_in_flight", "API requests being answered", m.in_flight.clone());
        r.register(
            "http_connections_open",
            "Connections open on the API listener",
            m.connections_open.clone(),
        );
        r.register(
            "http_connections_waited",
            "Connections that waited in the listen backlog because the connection cap was reached",
            m.connections_waited.clone(),
        );
        r.register("http_accept_errors", "Failed accepts on the API listener", m.accept_errors.clone());
        r.register(
            "deliveries",
            "Delivery attempts that ended, by target kind and outcome (SUCCESS, INVALID, RETRIED, FAIL)",
            m.deliveries.clone(),
        );
        r.register(
            "delivery_latency_seconds",
            "Time from a happening to the target's answer, for notifications that ended SUCCESS",
            m.delivery_seconds.clone(),
        );
        r.register("delivery_attempts", "Delivery attempts made, by target kind", m.attempts.clone());
        r.register(
            "outbox_depth",
            "Notifications waiting in the outbox (as of the last scan)",
            m.outbox_depth.clone(),
        );
        r.register(
            "outbox_oldest_due_age_seconds",
            "Age of the oldest notification due for delivery (0: none due), as of the last scan",
            m.outbox_oldest_due.clone(),
        );
        r.register(
            "rotation_tasks",
            "Rotation tasks that ended, by outcome (SUCCESS, FAILED)",
            m.rotations.clone(),
        );
        r.register(
            "scan_runs",
            "Scans run (expiries, scheduled deletions and rotations, purges)",
            m.scans.clone(),
        );
        r.register("scan_duration_seconds", "Time a scan took", m.scan_seconds.clone());
        r.register(
            "scan_items",
            "What the scans ran, by kind (expiry, deletion, rotation)",
            m.scanned.clone(),
        );
        r.register("store_commit_batch_size", "Writes in one SQLite group commit", m.commit_batch.clone());
        r.register(
            "store_commit_seconds",
            "Time of one SQLite group commit, fsync included",
            m.commit_seconds.clone(),
        );
        r.register("store_pool_in_use", "PostgreSQL connections in use", m.pool_in_use.clone());
        r.register(
            "store_pool_waiting",
            "Requests waiting for a PostgreSQL connection",
            m.pool_waiting.clone(),
        );
        r.register(
            "store_errors",
            "Store operations that failed in the backend, by kind",
            m.store_errors.clone(),
        );
        r.register("store_up", "1 when the store answered at the last scrape, else 0", m.store_up.clone());
        r.register(
            "ready",
            "1 when the instance takes traffic (as /readyz answers) at the last scrape, else 0",
            m.ready.clone(),
        );
        r.register("build", "The running build", Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]));
        (m, root)
    }

    /// An API request answered: its operation id (from the route table) and status, and how long it took.
    pub fn request(&self, operation: &'static str, status: u16, elapsed: Duration) {
        self.requests.get_or_create(&RequestLabels { operation, status }).inc();
        self.request_seconds.get_or_create(&OperationLabel { operation }).observe(elapsed.as_secs_f64());
    }

    /// A request begins (the returned guard ends it).
    pub fn in_flight(&self) -> InFlight<'_> {
        self.in_flight.inc();
        InFlight(&self.in_flight)
    }

    /// A connection is open (the returned guard closes it).
    pub fn connection(&self) -> InFlight<'_> {
        self.connections_open.inc();
        InFlight(&self.connections_open)
    }

    /// A connection waited for the connection cap.
    pub fn connection_waited(&self) {
        self.connections_waited.inc();
    }

    /// An accept failed.
    pub fn accept_error(&self) {
        self.accept_errors.inc();
    }

    /// A delivery attempt to a target of kind `target` (`log`, `webhook`, `smn`) ended with `outcome`.
    pub fn delivery(&self, target: &'static str, outcome: &'static str) {
        self.attempts.get_or_create(&TargetLabel { target }).inc();
        self.deliveries.get_or_create(&DeliveryLabels { target, outcome }).inc();
    }

    /// A notification reached its target `latency` after its happening.
    pub fn delivered(&self, target: &'static str, latency: Duration) {
        self.delivery_seconds.get_or_create(&TargetLabel { target }).observe(latency.as_secs_f64());
    }

    /// The outbox as the last scan found it.
    pub fn outbox(&self, depth: u64, oldest_due: Duration) {
        self.outbox_depth.set(i64::try_from(depth).unwrap_or(i64::MAX));
        self.outbox_oldest_due.set(oldest_due.as_secs_f64());
    }

    /// A rotation task ended (`SUCCESS` or `FAILED`).
    pub fn rotation(&self, outcome: &'static str) {
        self.rotations.get_or_create(&OutcomeLabel { outcome }).inc();
    }

    /// A scan ran for `elapsed`.
    pub fn scan(&self, elapsed: Duration) {
        self.scans.inc();
        self.scan_seconds.observe(elapsed.as_secs_f64());
    }

    /// A scan ran `n` items of `kind` (`expiry`, `deletion`, `rotation`).
    pub fn scanned(&self, kind: &'static str, n: u64) {
        self.scanned.get_or_create(&KindLabel { kind }).inc_by(n);
    }

    /// A SQLite group commit of `writes` writes took `elapsed`.
    pub fn commit(&self, writes: usize, elapsed: Duration) {
        self.commit_batch.observe(writes as f64);
        self.commit_seconds.observe(elapsed.as_secs_f64());
    }

    /// The PostgreSQL pool's state.
    pub fn pool(&self, in_use: usize, waiting: usize) {
        self.pool_in_use.set(i64::try_from(in_use).unwrap_or(i64::MAX));
        self.pool_waiting.set(i64::try_from(waiting).unwrap_or(i64::MAX));
    }

    /// What the admin listener found at a scrape: whether the store answers, whether the instance is
    /// ready.
    pub fn readiness(&self, store_up: bool, ready: bool) {
        self.store_up.set(i64::from(store_up));
        self.ready.set(i64::from(ready));
    }

    /// A store operation failed in its backend; `kind` is a bounded name (`io`, `timeout`, ...).
    pub fn store_error(&self, kind: &'static str) {
        self.store_errors.get_or_create(&KindLabel { kind }).inc();
    }
}

/// Decrements its gauge when dropped.
#[must_use = "the gauge goes down when this is dropped"]
pub struct InFlight<'a>(&'a Gauge);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_is_written_with_its_help() {
        let m = metrics();
        m.delivery("webhook", "SUCCESS");
        m.delivered("webhook", Duration::from_millis(20));
        m.rotation("FAILED");
        m.scan(Duration::from_millis(5));
        m.scanned("expiry", 2);
        m.commit(3, Duration::from_millis(2));
        m.outbox(7, Duration::from_secs(90));
        m.store_error("io");
        {
            let _guard = m.in_flight();
            assert!(encode().contains("csms_http_requests_in_flight 1"));
        }
        let text = encode();
        for line in [
            r#"csms_deliveries_total{target="webhook",outcome="SUCCESS"}"#,
            r#"csms_delivery_attempts_total{target="webhook"}"#,
            r#"csms_rotation_tasks_total{outcome="FAILED"}"#,
            r#"csms_scan_items_total{kind="expiry"}"#,
            "csms_outbox_depth 7",
            "csms_outbox_oldest_due_age_seconds 90.0",
            r#"csms_store_errors_total{kind="io"}"#,
            "csms_store_commit_batch_size_count",
            "csms_http_requests_in_flight 0",
            r#"csms_build_info{version=""#,
            "\nprocess_resident_memory_bytes ",
            "\nprocess_open_fds ",
            "\nprocess_cpu_seconds_total ",
        ] {
            assert!(text.contains(line), "{line} missing in:\n{text}");
        }
        assert!(text.ends_with("# EOF\n"));
    }
}
