//! `csms-server`: the CSMS secret-event API over HTTP.
//!
//! Runs [`csms_http::CsmsService`] on SQLite in the data directory by default, or on PostgreSQL when
//! `--database-url` is given (several instances may share one database).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use csms_http::{AccessLog, CsmsService, Limits, NoAccessLog};
use csms_model::SecretType;
use csms_store::{Cipher, KeySource, SqliteOptions, Store};
use csms_worker::{Endpoint, HttpClient, LogTarget, RandomValue, Smn, Target, Webhook, Worker};

mod access_log;
mod admin;
mod credentials;
mod log_writer;

/// mimalloc: a request allocates and frees dozens of small blocks (JSON, headers, strings), which
/// glibc's allocator spent a tenth of a list request on.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The Huawei Cloud CSMS secret-event API: create, list, show, update and delete events, and list
/// notification records, under /v1/{project_id}/csms.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on (port 0 picks a free port; the bound address is printed).
    #[arg(long, env = "CSMS_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,

    /// PEM certificate chain of the API listener: with --tls-key, the API is served over TLS (HTTPS and
    /// HTTP/2 by ALPN) instead of plain HTTP.
    #[arg(long, env = "CSMS_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,

    /// PEM private key of --tls-cert.
    #[arg(long, env = "CSMS_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,

    /// Address of the admin listener: /metrics (Prometheus), /healthz and /readyz, without credentials;
    /// off unless given. Giving it turns the request metrics on. Bind it where only operators reach.
    #[arg(long, env = "CSMS_ADMIN_LISTEN")]
    admin_listen: Option<SocketAddr>,

    /// Directory for the SQLite database and the generated development credentials.
    #[arg(long, env = "CSMS_DATA_DIR", default_value = "./csms-data")]
    data_dir: PathBuf,

    /// TOML file of `[[token]]`, `[[access_key]]` and `[[account]]` entries. Without it, development credentials valid for
    /// every project are made in the data directory and printed at start.
    #[arg(long, env = "CSMS_CREDENTIALS")]
    credentials: Option<PathBuf>,

    /// PostgreSQL URL (postgres://user:password@host:port/db) to store events there instead of SQLite.
    #[arg(long, env = "CSMS_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,

    /// The SQLite WAL's bound in bytes: past it the writer checkpoints and empties the WAL (writes wait a
    /// moment), so sustained writes never grow it without end.
    #[arg(long, env = "CSMS_SQLITE_WAL_LIMIT", default_value_t = csms_store::DEFAULT_WAL_LIMIT)]
    sqlite_wal_limit: u64,

    /// How a SQLite commit is made durable before it is acknowledged: `pipelined` (Linux; the default
    /// there) syncs the WAL on a thread of its own while the next batch is applied; `full` syncs inside
    /// the commit (synchronous=FULL). Both acknowledge only durable writes.
    #[arg(long, env = "CSMS_SQLITE_SYNC", value_enum, default_value_t = SqliteSync::default())]
    sqlite_sync: SqliteSync,

    /// Bytes of the SQLite file each read connection maps into memory (0: none; reads then `pread`
    /// pages the SQLite cache does not hold). Mapped pages are the OS's file cache, not the process's own.
    #[arg(long, env = "CSMS_SQLITE_MMAP_SIZE", default_value_t = 0)]
    sqlite_mmap_size: u64,

    /// Most PostgreSQL connections this instance opens.
    #[arg(long, env = "CSMS_DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    database_max_connections: usize,

    /// Most events one project may hold; more creates are refused with 400 CSMS.9003.
    #[arg(long, env = "CSMS_EVENT_QUOTA", default_value_t = csms_model::limits::DEFAULT_EVENT_QUOTA)]
    event_quota: u64,

    /// Most secrets one project may hold; more creates are refused with 400 CSMS.0202.
    #[arg(long, env = "CSMS_SECRET_QUOTA", default_value_t = csms_model::limits::DEFAULT_SECRET_QUOTA)]
    secret_quota: u64,

    /// File of the master key that encrypts secret values at rest: 64 hexadecimal digits
    /// (`openssl rand -hex 32`). Without it, `master.key` in the data directory is used, and generated
    /// (mode 0600) on first start. Every instance on one PostgreSQL database needs the same key.
    #[arg(long, env = "CSMS_MASTER_KEY_FILE")]
    master_key_file: Option<PathBuf>,

    /// Deliver notifications to this URL (http:// or https://), in the shape an SMN HTTP subscription
    /// receives.
    #[arg(long, env = "CSMS_NOTIFY_WEBHOOK", conflicts_with = "smn_endpoint")]
    notify_webhook: Option<String>,

    /// Publish notifications to this SMN endpoint (http:// or https://), signed with --smn-ak and
    /// --smn-sk. Without it and without --notify-webhook, notifications are written to the log.
    #[arg(long, env = "CSMS_SMN_ENDPOINT", requires_all = ["smn_ak", "smn_sk"])]
    smn_endpoint: Option<String>,

    /// The access key SMN publications are signed with.
    #[arg(long, env = "CSMS_SMN_AK")]
    smn_ak: Option<String>,

    /// The secret key SMN publications are signed with.
    #[arg(long, env = "CSMS_SMN_SK", hide_env_values = true)]
    smn_sk: Option<String>,

    /// PEM file of certificate authorities to trust for https:// targets, besides the Mozilla roots
    /// (a private endpoint's, or a test CA).
    #[arg(long, env = "CSMS_CA_BUNDLE")]
    ca_bundle: Option<PathBuf>,

    /// Rotate COMMON secrets with random values (upstream refuses to rotate them: 400 CSMS.0002 without it).
    #[arg(long, env = "CSMS_ROTATE_COMMON")]
    rotate_common: bool,

    /// Seconds between runs of the expiry scan, the scheduled-deletion executor and the record purge.
    #[arg(long, env = "CSMS_SCAN_INTERVAL", default_value_t = csms_model::limits::DEFAULT_SCAN_INTERVAL_SECONDS)]
    scan_interval: u64,

    /// Seconds a delivery or rotation claim lasts: after an instance dies, others take its work over then.
    #[arg(long, env = "CSMS_DELIVERY_LEASE", default_value_t = 30)]
    delivery_lease: u64,

    /// Seconds to let requests in flight finish after SIGINT or SIGTERM.
    #[arg(long, env = "CSMS_SHUTDOWN_GRACE", default_value_t = 30)]
    shutdown_grace: u64,

    /// Seconds to receive a request's head (HTTP/1.1); also how long an idle keep-alive connection is kept.
    #[arg(long, env = "CSMS_HEADER_READ_TIMEOUT", default_value_t = Limits::default().header_read_timeout.as_secs())]
    header_read_timeout: u64,

    /// Seconds for a request body to arrive; a slower one is refused (400 CSMS.0004) and its connection closed.
    #[arg(long, env = "CSMS_BODY_TIMEOUT", default_value_t = csms_http::DEFAULT_BODY_TIMEOUT.as_secs())]
    body_timeout: u64,

    /// Largest request head in bytes (HTTP/1.1 request line and headers, HTTP/2 header list).
    #[arg(long, env = "CSMS_MAX_HEADER_BYTES", default_value_t = Limits::default().max_header_bytes)]
    max_header_bytes: usize,

    /// Most connections served at once; more wait in the listen backlog.
    #[arg(long, env = "CSMS_MAX_CONNECTIONS", default_value_t = Limits::default().max_connections)]
    max_connections: usize,

    /// Most concurrent HTTP/2 streams per connection.
    #[arg(long, env = "CSMS_H2_MAX_STREAMS", default_value_t = Limits::default().h2_max_concurrent_streams)]
    h2_max_streams: u32,

    /// Most response bytes buffered per HTTP/2 stream that the client does not read.
    #[arg(long, env = "CSMS_H2_MAX_SEND_BUFFER", default_value_t = Limits::default().h2_max_send_buf_size)]
    h2_max_send_buffer: usize,

    /// Seconds between HTTP/2 keep-alive pings; a connection that leaves one unanswered as long is closed.
    #[arg(long, env = "CSMS_H2_KEEP_ALIVE", default_value_t = Limits::default().h2_keep_alive_interval.as_secs())]
    h2_keep_alive: u64,

    /// Seconds a connection may go without accepting a written byte (a client that stops reading).
    #[arg(long, env = "CSMS_WRITE_TIMEOUT", default_value_t = Limits::default().write_timeout.as_secs())]
    write_timeout: u64,

    /// Log format: human-readable text or one JSON object per line. The level comes from RUST_LOG.
    #[arg(long, env = "CSMS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// Logs to standard error through [`log_writer`]'s thread, so that no request waits on a write to it.
/// Nothing is dropped: when the output falls behind, logging waits for it. The returned guard writes out
/// what is left when it is dropped, at the end of `main`. The access log's lines go into the same
/// buffer, formatted by [`access_log`] (none when `RUST_LOG` turns `csms_http::access` below INFO).
fn init_logging(format: LogFormat) -> anyhow::Result<(log_writer::Guard, Arc<dyn AccessLog>)> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (writer, guard) = log_writer::spawn(std::io::stderr()).context("starting the log's writer thread")?;
    let builder =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer.clone()).with_ansi(ansi);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
    let access: Arc<dyn AccessLog> = if tracing::enabled!(target: csms_http::ACCESS_TARGET, tracing::Level::INFO)
    {
        let json = matches!(format, LogFormat::Json);
        Arc::new(access_log::LineAccessLog { writer, json, ansi })
    } else {
        Arc::new(NoAccessLog)
    };
    Ok((guard, access))
}

/// The master key: the given file (which must exist), else the data directory's, generated if absent.
fn master_key(args: &Args) -> anyhow::Result<(Cipher, PathBuf, KeySource)> {
    match &args.master_key_file {
        Some(path) => {
            let cipher = Cipher::from_key_file(path).context("reading --master-key-file")?;
            Ok((cipher, path.clone(), KeySource::Read))
        }
        None => {
            let path = args.data_dir.join("master.key");
            let (cipher, source) = Cipher::load_or_generate(&path)?;
            Ok((cipher, path, source))
        }
    }
}

async fn open_store(args: &Args) -> anyhow::Result<Store> {
    let (cipher, key_path, source) = master_key(args)?;
    let opened = match &args.database_url {
        Some(url) => Store::postgres(url, args.database_max_connections, cipher)
            .await
            .context("connecting to PostgreSQL (--database-url)"),
        None => {
            let path = args.data_dir.join("events.db");
            let options = SqliteOptions {
                wal_limit: args.sqlite_wal_limit,
                pipelined_sync: args.sqlite_sync == SqliteSync::Pipelined,
                mmap_size: args.sqlite_mmap_size,
            };
            Store::sqlite_with(&path, cipher, options).with_context(|| format!("opening {}", path.display()))
        }
    };
    match (opened, source) {
        (Ok(store), KeySource::Generated) => {
            tracing::info!(path = %key_path.display(), "generated a new master key for secret values: keep this file");
            Ok(store)
        }
        (Ok(store), KeySource::Read) => {
            tracing::info!(path = %key_path.display(), "master key for secret values read");
            Ok(store)
        }
        (Err(e), KeySource::Generated) => {
            // The database was written under another key: the key just made is of no use, and leaving it
            // would only hide, at the next start, that the original key is missing.
            let _ = std::fs::remove_file(&key_path);
            Err(e.context(format!(
                "{} was missing, so a new master key was made, but the database's values were sealed \
                 with another key: put the original key file back (or give it with --master-key-file)",
                key_path.display()
            )))
        }
        (Err(e), KeySource::Read) => Err(e),
    }
}

/// Where notifications go, from the flags: a webhook, SMN, or the log.
fn target(args: &Args) -> anyhow::Result<Arc<dyn Target>> {
    let client =
        || HttpClient::new(args.ca_bundle.as_deref()).map_err(anyhow::Error::msg).context("--ca-bundle");
    let endpoint =
        |url: &str, flag: &str| Endpoint::parse(url).map_err(anyhow::Error::msg).context(flag.to_owned());
    Ok(match (&args.notify_webhook, &args.smn_endpoint) {
        (Some(url), _) => Arc::new(Webhook::new(endpoint(url, "--notify-webhook")?, client()?)),
        (None, Some(url)) => Arc::new(Smn::new(
            endpoint(url, "--smn-endpoint")?,
            args.smn_ak.clone().unwrap_or_default(),
            args.smn_sk.clone().unwrap_or_default(),
            client()?,
        )),
        (None, None) => Arc::new(LogTarget),
    })
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is called, not when the future is
/// first polled: a signal that arrives after the server said it listens is never the default action.
/// SIGHUP and SIGXFSZ are logged and ignored.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        /// SIGXFSZ on Linux.
        const SIGXFSZ: i32 = 25;
        let mut interrupt = signal(SignalKind::interrupt()).ok();
        let mut terminate = signal(SignalKind::terminate()).ok();
        let mut hangup = signal(SignalKind::hangup()).ok();
        let mut file_size = signal(SignalKind::from_raw(SIGXFSZ)).ok();
        async move {
            loop {
                tokio::select! {
                    Some(()) = async { interrupt.as_mut()?.recv().await } => {
                        tracing::info!("SIGINT received");
                        return;
                    }
                    Some(()) = async { terminate.as_mut()?.recv().await } => {
                        tracing::info!("SIGTERM received");
                        return;
                    }
                    Some(()) = async { hangup.as_mut()?.recv().await } => {
                        tracing::warn!("SIGHUP received: ignored (nothing to reload)");
                    }
                    Some(()) = async { file_size.as_mut()?.recv().await } => {
                        tracing::error!(
                            "SIGXFSZ received: a file reached the size limit (ulimit -f); writes fail until it is raised"
                        );
                    }
                    else => std::future::pending::<()>().await,
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("SIGINT received");
    }
}

/// Binds the admin listener and serves it until the process ends.
async fn start_admin(
    at: SocketAddr,
    readiness: admin::Readiness,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(at)
        .await
        .with_context(|| format!("binding the admin listener {at}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "admin listening");
    println!("csms-server admin listening on http://{addr}");
    let service = tower::service_fn(move |request| admin::handle(readiness.clone(), request));
    let mut limits = Limits::default();
    limits.count_connections = false;
    Ok(tokio::spawn(async move {
        let forever = std::future::pending::<()>();
        if let Err(e) =
            csms_http::serve_with_limits(listener, service, forever, Duration::ZERO, &limits).await
        {
            tracing::error!(error = %e, "the admin listener failed");
        }
    }))
}

fn print_development_help(scheme: &str, addr: SocketAddr, path: &Path, file: &credentials::CredentialsFile) {
    let host = if addr.ip().is_unspecified() { "127.0.0.1".to_owned() } else { addr.ip().to_string() };
    let base = format!("{scheme}://{host}:{}", addr.port());
    let project = "0123456789abcdef0123456789abcdef";
    let token = &file.tokens[0].token;
    println!("Development credentials (valid for every project) are in {}:", path.display());
    println!("  token:  {token}");
    println!("  try:    curl -s -H 'X-Auth-Token: {token}' {base}/v1/{project}/csms/events");
    if let Some(key) = file.access_keys.first() {
        println!("  AK/SK:  {} / {}", key.ak, key.sk);
        println!("  Python SDK (pip install huaweicloudsdkcsms):");
        println!("    from huaweicloudsdkcore.auth.credentials import BasicCredentials");
        println!("    from huaweicloudsdkcsms.v1 import CsmsClient, ListSecretEventsRequest");
        println!(
            "    client = CsmsClient.new_builder().with_credentials(BasicCredentials(\"{}\", \"{}\", \"{project}\")) \\",
            key.ak, key.sk
        );
        println!("        .with_endpoint(\"{base}\").build()");
        println!("    print(client.list_secret_events(ListSecretEventsRequest()))");
        println!("  csms command line (cargo install --path crates/csms-cli), and the Rust client:");
        println!(
            "    export CSMS_ENDPOINT={base} HUAWEICLOUD_SDK_AK={} HUAWEICLOUD_SDK_SK={} HUAWEICLOUD_SDK_PROJECT_ID={project}",
            key.ak, key.sk
        );
        println!("    csms events list");
    }
}

/// `--sqlite-sync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SqliteSync {
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let (_log_writer, access_log) = init_logging(args.log_format)?;
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating the data directory {}", args.data_dir.display()))?;

    let (credentials, development) = match &args.credentials {
        Some(path) => (credentials::CredentialsFile::load(path)?, None),
        None => {
            let (path, file) = credentials::development(&args.data_dir)?;
            (file.clone(), Some((path, file)))
        }
    };
    let store = open_store(&args).await?;
    tracing::info!(store = %store.describe(), "store opened");

    let target = target(&args)?;
    tracing::info!(target = %target.describe(), "notifications");
    let accounts = credentials.to_accounts();
    let mut notifier = Worker::new(store.clone(), target)
        .with_accounts(accounts.clone())
        .with_scan_interval(Duration::from_secs(args.scan_interval.max(1)))
        .with_lease(Duration::from_secs(args.delivery_lease.max(1)));
    if args.rotate_common {
        notifier = notifier.with_rotator(SecretType::Common, Arc::new(RandomValue));
    }
    let notifier = Arc::new(notifier);
    let readiness = admin::Readiness::new(store.clone());
    let service = CsmsService::new(store, Arc::new(credentials.to_static()))
        .with_metrics(args.admin_listen.is_some())
        .with_access_log(access_log)
        .with_rotate_common(notifier.rotates(&SecretType::Common))
        .with_accounts(accounts)
        .with_directory(credentials.to_directory())
        .with_event_quota(args.event_quota)
        .with_secret_quota(args.secret_quota)
        .with_body_timeout(Duration::from_secs(args.body_timeout));
    let mut limits = Limits::default();
    limits.header_read_timeout = Duration::from_secs(args.header_read_timeout);
    limits.max_header_bytes = args.max_header_bytes;
    limits.max_connections = args.max_connections;
    limits.h2_max_concurrent_streams = args.h2_max_streams;
    limits.h2_max_send_buf_size = args.h2_max_send_buffer;
    limits.h2_keep_alive_interval = Duration::from_secs(args.h2_keep_alive);
    limits.write_timeout = Duration::from_secs(args.write_timeout);
    let draining = readiness.clone();
    // The handlers are installed now, before anything is served: a signal sent as soon as the server
    // says it listens finds them.
    let signal = shutdown_signal();
    let shutdown = async move {
        signal.await;
        draining.drain();
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(csms_http::TlsConfig::from_pem_files(cert, key)?),
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "listening");
    // The worker is running from its spawn below, before anything serves: /readyz, asked as soon as the
    // admin listener is up, sees it so.
    let running = readiness.worker_running();
    running.store(true, std::sync::atomic::Ordering::SeqCst);
    println!("csms-server listening on {scheme}://{addr}");
    // The API's address is the first line; the admin listener's follows.
    let admin = match args.admin_listen {
        Some(at) => Some(start_admin(at, readiness.clone()).await?),
        None => None,
    };
    if let Some((path, file)) = &development {
        print_development_help(scheme, addr, path, file);
    }
    let grace = Duration::from_secs(args.shutdown_grace);
    let (stop_worker, worker_stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(async move {
        Arc::clone(&notifier)
            .run(async move {
                let _ = worker_stopped.await;
            })
            .await;
        running.store(false, std::sync::atomic::Ordering::SeqCst);
    });
    match tls {
        Some(tls) => csms_http::serve_tls(listener, tls, service, shutdown, grace, &limits).await?,
        None => csms_http::serve_with_limits(listener, service, shutdown, grace, &limits).await?,
    }
    let _ = stop_worker.send(());
    let _ = worker.await;
    if let Some(admin) = admin {
        admin.abort();
    }
    tracing::info!("stopped");
    Ok(())
}
