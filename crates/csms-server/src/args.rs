//! The server's command line: every flag, with its environment variable and default.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use csms_http::Limits;
use csms_store::SqliteOptions;

/// The Huawei Cloud CSMS secret-event API: create, list, show, update and delete events, and list
/// notification records, under /v1/{project_id}/csms.
#[derive(Debug, Parser)]
#[command(version, about)]
pub(crate) struct Args {
    /// Address to listen on (port 0 picks a free port; the bound address is printed).
    #[arg(long, env = "CSMS_LISTEN", default_value = "127.0.0.1:8080")]
    pub(crate) listen: SocketAddr,

    /// PEM certificate chain of the API listener: with --tls-key, the API is served over TLS (HTTPS and
    /// HTTP/2 by ALPN) instead of plain HTTP.
    #[arg(long, env = "CSMS_TLS_CERT", requires = "tls_key")]
    pub(crate) tls_cert: Option<PathBuf>,

    /// PEM private key of --tls-cert.
    #[arg(long, env = "CSMS_TLS_KEY", requires = "tls_cert")]
    pub(crate) tls_key: Option<PathBuf>,

    /// Address of the admin listener: /metrics (Prometheus), /healthz and /readyz, without credentials;
    /// off unless given. Giving it turns the request metrics on. Bind it where only operators reach.
    #[arg(long, env = "CSMS_ADMIN_LISTEN")]
    pub(crate) admin_listen: Option<SocketAddr>,

    /// Directory for the SQLite database and the generated development credentials.
    #[arg(long, env = "CSMS_DATA_DIR", default_value = "./csms-data")]
    pub(crate) data_dir: PathBuf,

    /// TOML file of `[[token]]`, `[[access_key]]` and `[[account]]` entries. Without it, development credentials valid for
    /// every project are made in the data directory and printed at start.
    #[arg(long, env = "CSMS_CREDENTIALS")]
    pub(crate) credentials: Option<PathBuf>,

    /// PostgreSQL URL (postgres://user:password@host:port/db) to store events there instead of SQLite.
    #[arg(long, env = "CSMS_DATABASE_URL", hide_env_values = true)]
    pub(crate) database_url: Option<String>,

    /// The SQLite WAL's bound in bytes: past it the writer checkpoints and empties the WAL (writes wait a
    /// moment), so sustained writes never grow it without end.
    #[arg(long, env = "CSMS_SQLITE_WAL_LIMIT", default_value_t = csms_store::DEFAULT_WAL_LIMIT)]
    pub(crate) sqlite_wal_limit: u64,

    /// How a SQLite commit is made durable before it is acknowledged: `pipelined` (Linux; the default
    /// there) syncs the WAL on a thread of its own while the next batch is applied; `full` syncs inside
    /// the commit (synchronous=FULL). Both acknowledge only durable writes.
    #[arg(long, env = "CSMS_SQLITE_SYNC", value_enum, default_value_t = SqliteSync::default())]
    pub(crate) sqlite_sync: SqliteSync,

    /// Bytes of the SQLite file each read connection maps into memory (0: none; reads then `pread`
    /// pages the SQLite cache does not hold). Mapped pages are the OS's file cache, not the process's own.
    #[arg(long, env = "CSMS_SQLITE_MMAP_SIZE", default_value_t = 0)]
    pub(crate) sqlite_mmap_size: u64,

    /// Most PostgreSQL connections this instance opens.
    #[arg(long, env = "CSMS_DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    pub(crate) database_max_connections: usize,

    /// Most events one project may hold; more creates are refused with 400 CSMS.9003.
    #[arg(long, env = "CSMS_EVENT_QUOTA", default_value_t = csms_model::limits::DEFAULT_EVENT_QUOTA)]
    pub(crate) event_quota: u64,

    /// Most secrets one project may hold; more creates are refused with 400 CSMS.0202.
    #[arg(long, env = "CSMS_SECRET_QUOTA", default_value_t = csms_model::limits::DEFAULT_SECRET_QUOTA)]
    pub(crate) secret_quota: u64,

    /// Most resources (secrets and groups) of one project that may carry grants; a grant on one more is
    /// refused with 400 CSMS.0002.
    #[arg(long, env = "CSMS_GRANT_QUOTA", default_value_t = csms_model::limits::DEFAULT_GRANT_QUOTA)]
    pub(crate) grant_quota: u64,

    /// Bytes that answers larger than 64 KiB may hold in all while their clients do not read them; a large
    /// answer beyond it is refused with 503 CSMS.9503 and Retry-After.
    #[arg(long, env = "CSMS_ANSWER_BUDGET", default_value_t = csms_model::limits::DEFAULT_ANSWER_BUDGET_BYTES)]
    pub(crate) answer_budget: usize,

    /// File of the master key that encrypts secret values at rest: 64 hexadecimal digits
    /// (`openssl rand -hex 32`). Without it, `master.key` in the data directory is used, and generated
    /// (mode 0600) on first start. Every instance on one PostgreSQL database needs the same key.
    #[arg(long, env = "CSMS_MASTER_KEY_FILE")]
    pub(crate) master_key_file: Option<PathBuf>,

    /// Deliver notifications to this URL (http:// or https://), in the shape an SMN HTTP subscription
    /// receives.
    #[arg(long, env = "CSMS_NOTIFY_WEBHOOK", conflicts_with = "smn_endpoint")]
    pub(crate) notify_webhook: Option<String>,

    /// Publish notifications to this SMN endpoint (http:// or https://), signed with --smn-ak and
    /// --smn-sk. Without it and without --notify-webhook, notifications are written to the log.
    #[arg(long, env = "CSMS_SMN_ENDPOINT", requires_all = ["smn_ak", "smn_sk"])]
    pub(crate) smn_endpoint: Option<String>,

    /// The access key SMN publications are signed with.
    #[arg(long, env = "CSMS_SMN_AK")]
    pub(crate) smn_ak: Option<String>,

    /// The secret key SMN publications are signed with.
    #[arg(long, env = "CSMS_SMN_SK", hide_env_values = true)]
    pub(crate) smn_sk: Option<String>,

    /// The region of this service's SMN topics: a topic's URN is `urn:smn:{region}:{project_id}:{name}`.
    /// A CSMS event whose topic is one of these publishes into it; another topic keeps going to
    /// --smn-endpoint, --notify-webhook or the log.
    #[arg(long, env = "CSMS_REGION", default_value = smn_model::limits::DEFAULT_REGION)]
    pub(crate) region: String,

    /// The address subscribers reach this service at, for the links of the messages they receive
    /// (confirm, unsubscribe, the signing certificate). Default: the listener's own address.
    #[arg(long, env = "CSMS_PUBLIC_URL")]
    pub(crate) public_url: Option<String>,

    /// PEM file of certificate authorities to trust for https:// targets, besides the Mozilla roots
    /// (a private endpoint's, or a test CA).
    #[arg(long, env = "CSMS_CA_BUNDLE")]
    pub(crate) ca_bundle: Option<PathBuf>,

    /// Rotate COMMON secrets with random values (upstream refuses to rotate them: 400 CSMS.0002 without it).
    #[arg(long, env = "CSMS_ROTATE_COMMON")]
    pub(crate) rotate_common: bool,

    /// Seconds between runs of the expiry scan, the scheduled-deletion executor and the record purge.
    #[arg(long, env = "CSMS_SCAN_INTERVAL", default_value_t = csms_model::limits::DEFAULT_SCAN_INTERVAL_SECONDS)]
    pub(crate) scan_interval: u64,

    /// Seconds a delivery or rotation claim lasts: after an instance dies, others take its work over then.
    #[arg(long, env = "CSMS_DELIVERY_LEASE", default_value_t = 30)]
    pub(crate) delivery_lease: u64,

    /// Seconds to let requests in flight finish after SIGINT or SIGTERM.
    #[arg(long, env = "CSMS_SHUTDOWN_GRACE", default_value_t = 30)]
    pub(crate) shutdown_grace: u64,

    /// Seconds to receive a request's head (HTTP/1.1); also how long an idle keep-alive connection is kept.
    #[arg(long, env = "CSMS_HEADER_READ_TIMEOUT", default_value_t = Limits::default().header_read_timeout.as_secs())]
    pub(crate) header_read_timeout: u64,

    /// Seconds for a request body to arrive; a slower one is refused (400 CSMS.0004) and its connection closed.
    #[arg(long, env = "CSMS_BODY_TIMEOUT", default_value_t = csms_http::DEFAULT_BODY_TIMEOUT.as_secs())]
    pub(crate) body_timeout: u64,

    /// Largest request head in bytes (HTTP/1.1 request line and headers, HTTP/2 header list).
    #[arg(long, env = "CSMS_MAX_HEADER_BYTES", default_value_t = Limits::default().max_header_bytes)]
    pub(crate) max_header_bytes: usize,

    /// Most connections served at once; more wait in the listen backlog.
    #[arg(long, env = "CSMS_MAX_CONNECTIONS", default_value_t = Limits::default().max_connections)]
    pub(crate) max_connections: usize,

    /// Most concurrent HTTP/2 streams per connection.
    #[arg(long, env = "CSMS_H2_MAX_STREAMS", default_value_t = Limits::default().h2_max_concurrent_streams)]
    pub(crate) h2_max_streams: u32,

    /// Most response bytes buffered per HTTP/2 stream that the client does not read.
    #[arg(long, env = "CSMS_H2_MAX_SEND_BUFFER", default_value_t = Limits::default().h2_max_send_buf_size)]
    pub(crate) h2_max_send_buffer: usize,

    /// Seconds between HTTP/2 keep-alive pings; a connection that leaves one unanswered as long is closed.
    #[arg(long, env = "CSMS_H2_KEEP_ALIVE", default_value_t = Limits::default().h2_keep_alive_interval.as_secs())]
    pub(crate) h2_keep_alive: u64,

    /// Seconds a connection may go without accepting a written byte (a client that stops reading).
    #[arg(long, env = "CSMS_WRITE_TIMEOUT", default_value_t = Limits::default().write_timeout.as_secs())]
    pub(crate) write_timeout: u64,

    /// Log format: human-readable text or one JSON object per line. The level comes from RUST_LOG.
    #[arg(long, env = "CSMS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum LogFormat {
    Text,
    Json,
}

/// `--sqlite-sync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SqliteSync {
    /// The syncer thread syncs the WAL while the writer applies the next batch.
    Pipelined,
    /// Every commit syncs the WAL itself (synchronous=FULL).
    Full,
}

impl Default for SqliteSync {
    fn default() -> Self {
        if SqliteOptions::default().pipelined_sync { SqliteSync::Pipelined } else { SqliteSync::Full }
    }
}
