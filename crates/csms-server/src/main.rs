//! `csms-server`: the CSMS secret-event API over HTTP.
//!
//! Runs [`csms_http::CsmsService`] on SQLite in the data directory by default, or on PostgreSQL when
//! `--database-url` is given (several instances may share one database).

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use args::{Args, LogFormat, SqliteSync};
use clap::Parser;
use csms_http::{AccessLog, CsmsService, Limits, NoAccessLog};
use csms_model::SecretType;
use csms_store::{Cipher, KeySource, SqliteOptions, Store, StoreError};
use csms_worker::{Endpoint, HttpClient, LogTarget, RandomValue, Smn, Subscribers, Target, Webhook, Worker};

mod access_log;
mod admin;
mod args;
mod console;
mod credentials;
mod log_writer;

/// mimalloc: a request allocates and frees dozens of small blocks (JSON, headers, strings), which
/// glibc's allocator spent a tenth of a list request on.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
            // The key just made sealed nothing: it goes, so that the next start makes its own (or, when
            // the database was written under another key, does not hide that the original is missing).
            let _ = std::fs::remove_file(&key_path);
            let wrong_key = e.chain().any(|c| matches!(c.downcast_ref(), Some(StoreError::WrongKey)));
            if !wrong_key {
                return Err(e);
            }
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

/// Delivery to the SMN topics' subscribers: signed with the store's identity (made on first start, in
/// the background of nothing: the listener waits for it), links to `--public-url` or the listener.
async fn subscribers(
    args: &Args,
    store: &Store,
    scheme: &str,
    addr: std::net::SocketAddr,
) -> anyhow::Result<Subscribers> {
    let stored = store.stored_identity().await.context(
        "reading the SMN signing identity kept in the store (it is sealed under the master key: is this the key the store was made with?)",
    )?;
    let identity = match stored {
        Some(identity) => identity,
        None => {
            let made = tokio::task::spawn_blocking(csms_worker::make_identity).await??;
            store.signing_identity(move || Ok(made)).await?
        }
    };
    let signer = csms_worker::Signer::new(&identity)?;
    let public_url = match &args.public_url {
        Some(url) => url.clone(),
        None => {
            let host =
                if addr.ip().is_unspecified() { std::net::Ipv4Addr::LOCALHOST.into() } else { addr.ip() };
            format!("{scheme}://{}", std::net::SocketAddr::new(host, addr.port()))
        }
    };
    let client =
        HttpClient::new(args.ca_bundle.as_deref()).map_err(anyhow::Error::msg).context("--ca-bundle")?;
    tracing::info!(%public_url, region = %args.region, "smn subscribers");
    Ok(Subscribers::new(client, signer, &public_url, &args.region))
}

/// SIGXFSZ on Linux: a write crossed the process's file-size limit.
#[cfg(unix)]
const SIGXFSZ: i32 = 25;

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is called, not when the future is
/// first polled: a signal that arrives after the server said it listens is never the default action.
/// SIGHUP and SIGXFSZ are logged and ignored.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
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

/// Connections the admin listener serves at once (the API listener's are `--max-connections`).
const ADMIN_MAX_CONNECTIONS: usize = 64;

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
    // Places of its own, apart from the API listener's: a scrape is answered whatever the API's clients
    // hold (and silent connections give way here too).
    let mut limits = Limits::default();
    limits.count_connections = false;
    limits.max_connections = ADMIN_MAX_CONNECTIONS;
    Ok(tokio::spawn(async move {
        let forever = std::future::pending::<()>();
        if let Err(e) =
            csms_http::serve_with_limits(listener, service, forever, Duration::ZERO, &limits).await
        {
            tracing::error!(error = %e, "the admin listener failed");
        }
    }))
}

/// The console's address as a browser on this machine reaches it.
fn console_url(scheme: &str, addr: SocketAddr) -> String {
    let host = if addr.ip().is_unspecified() { "127.0.0.1".to_owned() } else { addr.ip().to_string() };
    let host = if addr.is_ipv6() && !addr.ip().is_unspecified() { format!("[{host}]") } else { host };
    format!("{scheme}://{host}:{}{}", addr.port(), console::PREFIX)
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let (_log_writer, access_log) = init_logging(args.log_format)?;
    // The handlers are installed first, before any file is written: SIGXFSZ from the first migration
    // under a small `ulimit -f` fails that write (a clear error) instead of killing the process, and a
    // signal sent as soon as the server says it listens finds them.
    let signal = shutdown_signal();
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating the data directory {}", args.data_dir.display()))?;

    let (credentials, development) = match &args.credentials {
        Some(path) => (credentials::CredentialsFile::load(path)?, None),
        None => {
            let (path, file) = credentials::development(&args.data_dir)?;
            (file.clone(), Some((path, file)))
        }
    };
    #[cfg(unix)]
    let mut file_size = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::from_raw(SIGXFSZ)).ok();
    let store = match open_store(&args).await {
        Ok(store) => store,
        #[cfg(unix)]
        Err(e) => {
            // A write that crossed `ulimit -f` fails as an I/O error; the signal says why.
            let crossed = async { file_size.as_mut()?.recv().await };
            if let Ok(Some(())) = tokio::time::timeout(Duration::from_millis(100), crossed).await {
                return Err(e.context(
                    "a file reached the size limit of this process (ulimit -f): raise the limit, or start \
                     with a data directory on which the files fit",
                ));
            }
            return Err(e);
        }
        #[cfg(not(unix))]
        Err(e) => return Err(e),
    };
    tracing::info!(store = %store.describe(), "store opened");

    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(csms_http::TlsConfig::from_pem_files(cert, key)?),
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr()?;

    let target = target(&args)?;
    tracing::info!(target = %target.describe(), "notifications");
    let subscribers = subscribers(&args, &store, scheme, addr).await?;
    let accounts = credentials.to_accounts();
    let mut notifier = Worker::new(store.clone(), target)
        .with_accounts(accounts.clone())
        .with_scan_interval(Duration::from_secs(args.scan_interval.max(1)))
        .with_lease(Duration::from_secs(args.delivery_lease.max(1)))
        .with_subscribers(subscribers);
    if args.rotate_common {
        notifier = notifier.with_rotator(SecretType::Common, Arc::new(RandomValue));
    }
    let notifier = Arc::new(notifier);
    let readiness = admin::Readiness::new(store.clone());
    let service = CsmsService::builder(store, Arc::new(credentials.to_static()))
        .metrics(args.admin_listen.is_some())
        .access_log(access_log)
        .rotate_common(notifier.rotates(&SecretType::Common))
        .accounts(accounts)
        .directory(credentials.to_directory())
        .event_quota(args.event_quota)
        .secret_quota(args.secret_quota)
        .grant_quota(args.grant_quota)
        .answer_budget(args.answer_budget)
        .region(args.region.clone())
        .body_timeout(Duration::from_secs(args.body_timeout))
        .build();
    let service = console::WithConsole::new(service);
    let mut limits = Limits::default();
    limits.header_read_timeout = Duration::from_secs(args.header_read_timeout);
    limits.max_header_bytes = args.max_header_bytes;
    limits.max_connections = args.max_connections;
    limits.h2_max_concurrent_streams = args.h2_max_streams;
    limits.h2_max_send_buf_size = args.h2_max_send_buffer;
    limits.h2_keep_alive_interval = Duration::from_secs(args.h2_keep_alive);
    limits.write_timeout = Duration::from_secs(args.write_timeout);
    let draining = readiness.clone();
    let shutdown = async move {
        signal.await;
        draining.drain();
    };
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
    // Written, not printed: whoever reads the lines above may have stopped reading (a closed pipe is
    // no reason to stop serving).
    let _ = writeln!(std::io::stdout(), "csms-server console on {}", console_url(scheme, addr));
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
