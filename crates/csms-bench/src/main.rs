//! `csms-bench`: the end-to-end benchmark behind `cargo xtask bench`.
//!
//! For each scale (events in one project, filled through the store, not the API), it starts a release
//! `csms-server` on that data and a bare-hyper reference server (`csms-bench reference`, which answers a
//! fixed body of a requested size), and drives both with one closed-loop load generator: the same
//! connections, the same duration, the same requests (the reference gets the size and status of the real
//! answer in its query). Rounds alternate between the two. It prints, per scenario, throughput, p50 and p99
//! latency and the ratio to the reference, as a table and as JSON, and the server's RSS at each scale.
//!
//! Nothing here asserts a speed: the figures are for people (the README's Performance section).

mod peer;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use clap::{Parser, Subcommand, ValueEnum};
use csms_model::{
    Event, EventState, EventType, Notification, NotificationStatus, Record, Secret, SecretType, TargetType,
};
use csms_store::{Cipher, Origin, Payload, Store, StoreError};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST};
use http::{HeaderName, HeaderValue, Method, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use serde_json::json;

use peer::{PeerKind, PeerRow, peer_rows};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "bench-token-0123456789abcdef01234567";
const AK: &str = "BENCHACCESSKEY000001";
const SK: &str = "bench-secret-key-0123456789abcdefghijkl";
/// The master key of the bench's databases (a fixed one: PostgreSQL keeps its check across runs).
const KEY_HEX: &str = "4242424242424242424242424242424242424242424242424242424242424242";
const SECRETS: usize = 100;
const RECORDS: usize = 50;
const SEED_PUT: &str =
    r#"{"notification":{"target_type":"SMN","target_id":"demo-smn-id","target_name":"demo-smn-name"}}"#;

#[derive(Parser)]
#[command(about = "End-to-end benchmark of csms-server against a bare-hyper reference")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Runs the benchmark.
    Run(RunArgs),
    /// The reference server: answers `?n=SIZE&s=STATUS` with SIZE bytes and STATUS, on a free port.
    Reference,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StoreKind {
    Sqlite,
    Postgres,
}

#[derive(Parser)]
struct RunArgs {
    /// A second or so per scenario, one round, 1,000 events only: to check the harness, not to measure.
    #[arg(long)]
    quick: bool,
    /// The store of the server under test.
    #[arg(long, value_enum, default_value_t = StoreKind::Sqlite)]
    store: StoreKind,
    /// PostgreSQL URL for `--store postgres`.
    #[arg(long, env = "CSMS_BENCH_DATABASE_URL")]
    database_url: Option<String>,
    /// Rounds per scenario (each runs both servers, alternating which goes first).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Seconds per run.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Concurrent connections of the load generator.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Events in the project, one scale after the other.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000usize, 1_000_000])]
    scales: Vec<usize>,
    /// The csms-server binary (a release build).
    #[arg(long, default_value = "target/release/csms-server")]
    server: PathBuf,
    /// Also write the JSON result here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Only the scenarios whose names contain this (to profile one).
    #[arg(long)]
    only: Option<String>,
    /// Also drive a peer service with the same load generator and connections, side by side with the
    /// matching scenarios, at the smallest scale: `etcd` (3.4, on the PATH) on loopback through its JSON
    /// gateway, a durable put against the seed PUT and a serializable range against show.
    #[arg(long, value_enum)]
    peer: Option<PeerKind>,
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Cmd::Reference => reference(),
        Cmd::Run(mut args) => {
            if args.quick {
                (args.rounds, args.seconds, args.scales) = (1, 1.0, vec![1_000]);
            }
            run(args)
        }
    }
}

// ---------------------------------------------------------------- the reference server

fn reference() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("reference listening on http://{}", listener.local_addr()?);
        let bodies: Arc<std::sync::Mutex<HashMap<usize, Bytes>>> = Arc::default();
        loop {
            let (stream, _) = listener.accept().await?;
            let _ = stream.set_nodelay(true);
            let bodies = Arc::clone(&bodies);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                    let bodies = Arc::clone(&bodies);
                    async move {
                        let query = request.uri().query().unwrap_or("").to_owned();
                        let _ = request.into_body().collect().await;
                        let param = |key: &str| -> Option<usize> {
                            query.split('&').find_map(|p| p.strip_prefix(key)).and_then(|v| v.parse().ok())
                        };
                        let size = param("n=").unwrap_or(0);
                        let status = u16::try_from(param("s=").unwrap_or(200)).unwrap_or(200);
                        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                        let body = bodies
                            .lock()
                            .unwrap()
                            .entry(size)
                            .or_insert_with(|| Bytes::from(vec![b'x'; size]))
                            .clone();
                        let mut response = Response::new(Full::new(body));
                        *response.status_mut() = status;
                        response
                            .headers_mut()
                            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

// ---------------------------------------------------------------- filling the store

fn event(name: String) -> Event {
    Event {
        name,
        event_id: "bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e".into(),
        event_types: vec![EventType::SecretVersionCreated, EventType::SecretRotated],
        state: EventState::Enabled,
        create_time: 1_700_000_000_000,
        update_time: 1_700_000_000_000,
        notification: Notification {
            target_type: TargetType::Smn,
            target_id: format!("urn:smn:cn-north-4:{PROJECT}:topic"),
            target_name: "topic".into(),
        },
    }
}

fn event_name(i: usize) -> String {
    format!("ev-{i:07}")
}

/// Creates the events `ev-0000000`.. up to `to` (from `from`), the secrets and the records.
async fn fill(store: Store, from: usize, to: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(from));
    let workers: Vec<_> = (0..256)
        .map(|_| {
            let (store, next) = (store.clone(), Arc::clone(&next));
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= to {
                        return anyhow::Ok(());
                    }
                    // On PostgreSQL an earlier run's events may be there already.
                    match store.create(PROJECT, event(event_name(i)), u64::MAX).await {
                        Ok(_) | Err(StoreError::AlreadyExists) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.await??;
    }
    if from == 0 {
        for i in 0..SECRETS {
            let id = format!("00000000-0000-4000-8000-{i:012}");
            let secret = Secret::new(id, format!("sec-{i:04}"), 1_700_000_000_000);
            let value =
                Payload::String("a-64-byte-secret-value-0123456789abcdef0123456789abcdef01234567".into());
            let origin = Origin::new(1_700_000_000_000, None);
            match store.create_secret(PROJECT, secret, value, u64::MAX, origin).await {
                Ok(_) | Err(StoreError::AlreadyExists) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
        for i in 0..RECORDS {
            let record = Record {
                event_name: event_name(i),
                trigger_event_type: EventType::SecretVersionCreated,
                create_time: now - i as i64,
                secret_name: "sec-0000".into(),
                secret_type: SecretType::Common,
                notification_target_name: "topic".into(),
                notification_target_id: format!("urn:smn:cn-north-4:{PROJECT}:topic"),
                notification_content: r#"{"eventName":"ev","eventType":"SECRET_VERSION_CREATED"}"#.into(),
                notification_status: NotificationStatus::Success,
            };
            store.append_record(PROJECT, record).await?;
        }
    }
    eprintln!("filled {} events in {:.1} s", to - from, started.elapsed().as_secs_f64());
    Ok(())
}

// ---------------------------------------------------------------- processes

struct Process {
    child: Child,
    addr: SocketAddr,
}

impl Process {
    fn spawn(mut command: Command, prefix: &str) -> anyhow::Result<Process> {
        let mut child = command.stdout(Stdio::piped()).spawn().context("starting a server")?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)?;
        let Some(addr) = line.trim().strip_prefix(prefix).and_then(|a| a.parse().ok()) else {
            bail!("unexpected first line: {line:?}");
        };
        Ok(Process { child, addr })
    }

    /// Resident, peak resident, anonymous resident (the process's own) and file-backed resident
    /// (mapped files: the OS cache) memory, KiB.
    fn rss_kib(&self) -> (u64, u64, u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"), field("RssAnon:"), field("RssFile:"))
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(args: &RunArgs, data: &Path) -> anyhow::Result<Process> {
    std::fs::write(
        data.join("credentials.toml"),
        format!(
            "[[token]]\ntoken = \"{TOKEN}\"\nprojects = [\"*\"]\n\n[[access_key]]\nak = \"{AK}\"\nsk = \"{SK}\"\nprojects = [\"{PROJECT}\"]\n"
        ),
    )?;
    let mut command = Command::new(&args.server);
    command
        .args(["--listen", "127.0.0.1:0", "--event-quota", "100000000", "--secret-quota", "100000"])
        .arg("--data-dir")
        .arg(data)
        .arg("--credentials")
        .arg(data.join("credentials.toml"))
        .arg("--master-key-file")
        .arg(data.join("master.key"))
        .stderr(std::fs::File::create(data.join("server.log"))?);
    if args.store == StoreKind::Postgres {
        command.args(["--database-url", args.database_url.as_deref().context("--database-url")?]);
    }
    Process::spawn(command, "csms-server listening on http://")
}

// ---------------------------------------------------------------- the load

/// One request of a scenario, with what the reference answers in its place.
#[derive(Clone)]
struct Req {
    method: Method,
    path: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
    /// The kind of answer (for the reference): an index into the scenario's probed answers.
    kind: usize,
}

type Maker = Arc<dyn Fn(&mut Rng, usize, u64) -> Req + Send + Sync>;

struct Scenario {
    name: &'static str,
    make: Maker,
}

/// xorshift64*: enough to pick names.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    }
}

fn token_headers(body: bool) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = vec![(HeaderName::from_static("x-auth-token"), HeaderValue::from_static(TOKEN))];
    if body {
        headers.push((CONTENT_TYPE, HeaderValue::from_static("application/json")));
    }
    headers
}

/// AK/SK-signed headers of a request to `addr`, as the SDKs sign (host, content type, date).
fn signed_headers(method: &Method, path: &str, body: &[u8], addr: &str) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = http::HeaderMap::new();
    headers.insert(HOST, HeaderValue::from_str(addr).expect("an address"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(
        HeaderName::from_static(csms_sign::DATE_HEADER),
        csms_sign::sdk_date(time::OffsetDateTime::now_utc()),
    );
    let uri: Uri = path.parse().expect("a path");
    let authorization = csms_sign::sign(method, &uri, &headers, body, AK, SK);
    headers.insert(http::header::AUTHORIZATION, HeaderValue::from_str(&authorization).expect("ASCII"));
    headers.into_iter().filter_map(|(k, v)| k.map(|k| (k, v))).collect()
}

fn scenarios(events: usize, server: SocketAddr) -> Vec<Scenario> {
    let base = format!("/v1/{PROJECT}");
    let host = server.to_string();
    let pick = move |rng: &mut Rng| event_name(rng.below(events));
    let mut out: Vec<Scenario> = Vec::new();
    let b = base.clone();
    out.push(Scenario {
        name: "show one event",
        make: Arc::new(move |rng, _, _| Req {
            method: Method::GET,
            path: format!("{b}/csms/events/{}", pick(rng)),
            headers: token_headers(false),
            body: Bytes::new(),
            kind: 0,
        }),
    });
    let b = base.clone();
    out.push(Scenario {
        name: "seed PUT",
        make: Arc::new(move |rng, _, _| Req {
            method: Method::PUT,
            path: format!("{b}/csms/events/{}", pick(rng)),
            headers: token_headers(true),
            body: Bytes::from_static(SEED_PUT.as_bytes()),
            kind: 0,
        }),
    });
    let b = base.clone();
    out.push(Scenario {
        name: "create then delete",
        make: Arc::new(move |_, connection, k| {
            let name = format!("cd-{connection:03}-{:016x}", k / 2);
            if k % 2 == 0 {
                let topic = format!("urn:smn:r:{PROJECT}:t");
                let body = json!({"name": name, "event_types": ["SECRET_ROTATED"], "state": "ENABLED",
                    "notification": {"target_type": "SMN", "target_id": topic, "target_name": "t"}});
                Req {
                    method: Method::POST,
                    path: format!("{b}/csms/events"),
                    headers: token_headers(true),
                    body: Bytes::from(body.to_string()),
                    kind: 0,
                }
            } else {
                Req {
                    method: Method::DELETE,
                    path: format!("{b}/csms/events/{name}"),
                    headers: token_headers(false),
                    body: Bytes::new(),
                    kind: 1,
                }
            }
        }),
    });
    let b = base.clone();
    out.push(Scenario {
        name: "list page of 50",
        make: Arc::new(move |rng, _, _| Req {
            method: Method::GET,
            path: format!(
                "{b}/csms/events?limit=50&marker={}",
                event_name(rng.below(events.saturating_sub(50)))
            ),
            headers: token_headers(false),
            body: Bytes::new(),
            kind: 0,
        }),
    });
    let b = base.clone();
    out.push(Scenario {
        name: "ListNotificationRecords",
        make: Arc::new(move |_, _, _| Req {
            method: Method::GET,
            path: format!("{b}/csms/notification-records"),
            headers: token_headers(false),
            body: Bytes::new(),
            kind: 0,
        }),
    });
    let (b, h) = (base.clone(), host.clone());
    out.push(Scenario {
        name: "AK/SK-signed show",
        make: Arc::new(move |rng, _, _| {
            let path = format!("{b}/csms/events/{}", pick(rng));
            Req {
                headers: signed_headers(&Method::GET, &path, b"", &h),
                method: Method::GET,
                path,
                body: Bytes::new(),
                kind: 0,
            }
        }),
    });
    let (b, h) = (base.clone(), host);
    out.push(Scenario {
        name: "AK/SK-signed seed PUT",
        make: Arc::new(move |rng, _, _| {
            let path = format!("{b}/csms/events/{}", pick(rng));
            let body = Bytes::from_static(SEED_PUT.as_bytes());
            Req {
                headers: signed_headers(&Method::PUT, &path, &body, &h),
                method: Method::PUT,
                path,
                body,
                kind: 0,
            }
        }),
    });
    let b = base;
    out.push(Scenario {
        name: "ShowSecretVersion",
        make: Arc::new(move |rng, _, _| Req {
            method: Method::GET,
            path: format!("{b}/secrets/sec-{:04}/versions/latest", rng.below(SECRETS)),
            headers: token_headers(false),
            body: Bytes::new(),
            kind: 0,
        }),
    });
    out
}

/// Runs so far, for fresh request numbers.
static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// What one run measured.
#[derive(Default, Clone)]
struct Measured {
    requests: u64,
    seconds: f64,
    latencies_us: Vec<u32>,
    errors: u64,
}

impl Measured {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((p / 100.0) * (sorted.len() - 1) as f64).round() as usize]
}

async fn connect(addr: SocketAddr) -> anyhow::Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// Closed loop: `connections` connections, each sending its next request when the last is answered,
/// for `seconds`. `answers` turns a request into the reference's (its probed size and status).
async fn drive(
    addr: SocketAddr,
    scenario: &Scenario,
    connections: usize,
    seconds: f64,
    answers: Option<&[(usize, u16)]>,
) -> anyhow::Result<Measured> {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for connection in 0..connections {
        let make = Arc::clone(&scenario.make);
        let answers: Option<Vec<(usize, u16)>> = answers.map(<[_]>::to_vec);
        let host = HeaderValue::from_str(&addr.to_string())?;
        tasks.push(tokio::spawn(async move {
            let mut sender = connect(addr).await?;
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ ((connection as u64 + 1) * 0x1000_0001));
            let mut out = Measured::default();
            // A fresh range of request numbers per run: names made from them (create then delete) are
            // new in every run, even when a run ended between a create and its delete.
            let mut k = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) << 32;
            while Instant::now() < deadline {
                let req = make(&mut rng, connection, k);
                k += 1;
                let path = match &answers {
                    Some(answers) => {
                        let (size, status) = answers[req.kind];
                        format!("/reference?n={size}&s={status}&p={}", req.path.len())
                    }
                    None => req.path,
                };
                let mut request = Request::builder().method(req.method).uri(path);
                if !req.headers.iter().any(|(name, _)| name == HOST) {
                    request = request.header(HOST, host.clone());
                }
                for (k, v) in req.headers {
                    request = request.header(k, v);
                }
                let request = request.header(CONTENT_LENGTH, req.body.len()).body(Full::new(req.body))?;
                let sent = Instant::now();
                if sender.ready().await.is_err() {
                    sender = connect(addr).await?;
                }
                match sender.send_request(request).await {
                    Ok(response) => {
                        let ok = response.status().as_u16() < 400;
                        let _ = response.into_body().collect().await;
                        out.latencies_us.push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
                        out.requests += 1;
                        out.errors += u64::from(!ok);
                    }
                    Err(_) => {
                        out.errors += 1;
                        sender = connect(addr).await?;
                    }
                }
            }
            anyhow::Ok(out)
        }));
    }
    let mut total = Measured::default();
    for task in tasks {
        let m = task.await??;
        total.requests += m.requests;
        total.errors += m.errors;
        total.latencies_us.extend(m.latencies_us);
    }
    total.seconds = started.elapsed().as_secs_f64();
    Ok(total)
}

/// The size and status of each kind of answer of `scenario` from the real server.
async fn probe(addr: SocketAddr, scenario: &Scenario) -> anyhow::Result<Vec<(usize, u16)>> {
    let mut sender = connect(addr).await?;
    let mut rng = Rng(7);
    let mut answers: Vec<(usize, u16)> = Vec::new();
    for k in 0..2u64 {
        let req = (scenario.make)(&mut rng, 999, k);
        let kind = req.kind;
        let mut request = Request::builder().method(req.method).uri(req.path);
        if !req.headers.iter().any(|(name, _)| name == HOST) {
            request = request.header(HOST, addr.to_string());
        }
        for (name, value) in req.headers {
            request = request.header(name, value);
        }
        sender.ready().await?;
        let response = sender.send_request(request.body(Full::new(req.body))?).await?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        if status >= 400 {
            bail!("{}: the probe got {status}: {}", scenario.name, String::from_utf8_lossy(&body));
        }
        let size = body.len();
        if answers.len() <= kind {
            answers.resize(kind + 1, (size, status));
        }
        answers[kind] = (size, status);
    }
    Ok(answers)
}

// ---------------------------------------------------------------- the run

struct Row {
    scale: usize,
    scenario: &'static str,
    ours: Vec<Measured>,
    reference: Vec<Measured>,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn summary(runs: &[Measured]) -> (f64, u32, u32, u64) {
    let rps = median(runs.iter().map(Measured::rps).collect());
    let mut all: Vec<u32> = runs.iter().flat_map(|m| m.latencies_us.iter().copied()).collect();
    all.sort_unstable();
    (rps, percentile(&all, 50.0), percentile(&all, 99.0), runs.iter().map(|m| m.errors).sum())
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    if !args.server.exists() {
        bail!("{} is missing: build it with `cargo build --release -p csms-server`", args.server.display());
    }
    // One thread of load: on a small machine the server keeps the other cores.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    let me = std::env::current_exe()?;
    let reference = Process::spawn(
        {
            let mut c = Command::new(me);
            c.arg("reference");
            c
        },
        "reference listening on http://",
    )?;
    let work = std::env::temp_dir().join(format!("csms-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    std::fs::write(work.join("master.key"), KEY_HEX)?;
    let cipher = Cipher::from_key_file(&work.join("master.key"))?;
    let mut rows: Vec<Row> = Vec::new();
    let mut memory: Vec<Memory> = Vec::new();
    let mut peers: Vec<PeerRow> = Vec::new();
    let mut filled = 0;
    let mut scales = args.scales.clone();
    scales.sort_unstable();
    if args.store == StoreKind::Postgres && args.database_url.is_none() {
        bail!("--store postgres needs --database-url (or CSMS_BENCH_DATABASE_URL)");
    }
    for &scale in &scales {
        // Fill through the store, then hand the data to the server.
        runtime.block_on(async {
            let store = match args.store {
                StoreKind::Sqlite => Store::sqlite(work.join("events.db"), cipher.clone())?,
                StoreKind::Postgres => {
                    let url = args.database_url.as_deref().unwrap_or_default();
                    Store::postgres(url, 16, cipher.clone()).await?
                }
            };
            fill(store, filled, scale).await
        })?;
        filled = scale;
        std::thread::sleep(Duration::from_millis(200));
        let server = start_server(&args, &work)?;
        let wal = WalWatch::start(work.join("events.db-wal"));
        let list = scenarios(scale, server.addr);
        let only = args.only.as_deref().unwrap_or("");
        for scenario in list.iter().filter(|s| s.name.contains(only)) {
            let answers = runtime.block_on(probe(server.addr, scenario))?;
            let mut row = Row { scale, scenario: scenario.name, ours: Vec::new(), reference: Vec::new() };
            for round in 0..args.rounds {
                let order = if round % 2 == 0 { [true, false] } else { [false, true] };
                for ours in order {
                    let measured = runtime.block_on(if ours {
                        drive(server.addr, scenario, args.connections, args.seconds, None)
                    } else {
                        drive(reference.addr, scenario, args.connections, args.seconds, Some(&answers))
                    })?;
                    if ours { row.ours.push(measured) } else { row.reference.push(measured) }
                }
            }
            let (rps, _, _, errors) = summary(&row.ours);
            eprintln!("{scale:>9} events  {:<24} {rps:>9.0} req/s  ({errors} errors)", scenario.name);
            rows.push(row);
        }
        memory.push((scale, server.rss_kib(), wal.stop()));
        if args.peer == Some(PeerKind::Etcd) && scale == scales[0] {
            peers = peer_rows(&args, &runtime, &work, &list, server.addr, scale)?;
        }
        // The create-then-delete scenario leaves nothing; the PUTs changed only existing events.
        drop(server);
    }
    report(&args, &rows, &memory, &peers)?;
    if args.store == StoreKind::Sqlite {
        let _ = std::fs::remove_dir_all(&work);
    }
    Ok(())
}

/// The largest size the SQLite WAL reached, sampled every 50 ms while the scenarios run.
struct WalWatch {
    largest: Arc<std::sync::atomic::AtomicU64>,
    done: Arc<std::sync::atomic::AtomicBool>,
}

impl WalWatch {
    fn start(path: PathBuf) -> WalWatch {
        use std::sync::atomic::Ordering;
        let watch = WalWatch { largest: Arc::default(), done: Arc::default() };
        let (largest, done) = (Arc::clone(&watch.largest), Arc::clone(&watch.done));
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let size = std::fs::metadata(&path).map_or(0, |m| m.len());
                largest.fetch_max(size, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        watch
    }

    /// The largest WAL seen, in bytes.
    fn stop(&self) -> u64 {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        self.largest.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Per scale: the server's RSS and peak RSS (KiB), and the largest WAL seen (bytes).
type Memory = (usize, (u64, u64, u64, u64), u64);

fn report(args: &RunArgs, rows: &[Row], memory: &[Memory], peers: &[PeerRow]) -> anyhow::Result<()> {
    let store = match args.store {
        StoreKind::Sqlite => "sqlite",
        StoreKind::Postgres => "postgres",
    };
    println!(
        "\ncsms-server ({store}) vs bare hyper, {} connections, {} x {} s per server, medians\n",
        args.connections, args.rounds, args.seconds
    );
    println!("| events | scenario | req/s | p50 ms | p99 ms | reference req/s | ratio |");
    println!("|---|---|---|---|---|---|---|");
    let mut json_rows = Vec::new();
    for row in rows {
        let (rps, p50, p99, errors) = summary(&row.ours);
        let (ref_rps, ref_p50, ref_p99, _) = summary(&row.reference);
        let ratio = rps / ref_rps;
        println!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} |",
            row.scale,
            row.scenario,
            rps,
            f64::from(p50) / 1000.0,
            f64::from(p99) / 1000.0,
            ref_rps,
            ratio
        );
        json_rows.push(json!({
            "events": row.scale, "scenario": row.scenario, "rps": rps.round(), "p50_ms": f64::from(p50) / 1000.0,
            "p99_ms": f64::from(p99) / 1000.0, "errors": errors, "reference_rps": ref_rps.round(),
            "reference_p50_ms": f64::from(ref_p50) / 1000.0, "reference_p99_ms": f64::from(ref_p99) / 1000.0,
            "ratio": (ratio * 1000.0).round() / 1000.0,
        }));
    }
    println!(
        "\n| events | server RSS MiB | of it anonymous (RssAnon) | file-backed (RssFile) | peak RSS MiB | largest SQLite WAL MiB |"
    );
    println!("|---|---|---|---|---|---|");
    let mib = |kib: u64| kib as f64 / 1024.0;
    for (scale, (rss, peak, anon, file), wal) in memory {
        let wal = *wal as f64 / 1024.0 / 1024.0;
        println!(
            "| {scale} | {:.1} | {:.1} | {:.1} | {:.1} | {wal:.1} |",
            mib(*rss),
            mib(*anon),
            mib(*file),
            mib(*peak)
        );
    }
    let mut peer_json = Vec::new();
    if !peers.is_empty() {
        println!("\n| ours | req/s | peer | req/s | ours / peer |");
        println!("|---|---|---|---|---|");
        for row in peers {
            let (ours, peer) = (summary(&row.ours_runs).0, summary(&row.peer_runs).0);
            println!("| {} | {ours:.0} | {} | {peer:.0} | {:.2} |", row.ours, row.peer, ours / peer);
            peer_json.push(
                json!({"ours": row.ours, "rps": ours.round(), "peer": row.peer, "peer_rps": peer.round(),
                "ratio": (ours / peer * 100.0).round() / 100.0}),
            );
        }
    }
    let scales: Vec<usize> = memory.iter().map(|(s, _, _)| *s).collect();
    if let (Some(&small), Some(&large)) = (scales.first(), scales.last())
        && small != large
    {
        println!("\n| scenario | req/s at {small} / at {large} events |");
        println!("|---|---|");
        for row in rows.iter().filter(|r| r.scale == small) {
            if let Some(big) = rows.iter().find(|r| r.scale == large && r.scenario == row.scenario) {
                println!("| {} | {:.2} |", row.scenario, summary(&row.ours).0 / summary(&big.ours).0);
            }
        }
    }
    let result = json!({
        "store": store, "connections": args.connections, "rounds": args.rounds, "seconds": args.seconds,
        "rows": json_rows,
        "memory": memory.iter().map(|(s, (rss, peak, anon, file), wal)| json!({"events": s, "rss_kib": rss, "peak_rss_kib": peak, "rss_anon_kib": anon, "rss_file_kib": file, "largest_wal_bytes": wal})).collect::<Vec<_>>(),
        "peers": peer_json,
    });
    println!("\n{result}");
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&result)?)?;
    }
    Ok(())
}
