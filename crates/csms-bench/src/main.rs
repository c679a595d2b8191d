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

mod load;
mod peer;
mod process;
mod reference;
mod report;
mod scenarios;
mod seed;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use bytes::Bytes;
use clap::{Parser, Subcommand, ValueEnum};
use csms_store::{Cipher, Store};
use http::header::{CONTENT_TYPE, HOST};
use http::{HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use serde_json::json;

use crate::load::{drive, probe, summary};
use crate::peer::{PeerKind, PeerRow, peer_rows};
use crate::process::{Process, WalWatch, start_server};
use crate::report::{Memory, Row, report};
use crate::scenarios::scenarios;
use crate::seed::fill;

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
    /// Also drive a peer service (repeat for several) with the same load generator and connections, side
    /// by side with the matching scenarios, at the smallest scale: `etcd` (3.4, on the PATH) through its
    /// JSON gateway (a durable put against the seed PUT, a serializable range against show); `openbao`
    /// (installed from PyPI on first use; raft storage, kv-v2: a write against CreateSecretVersion, a read
    /// against ShowSecretVersion); `moto` (AWS Secrets Manager's emulator, in memory; the same pair).
    #[arg(long, value_enum)]
    peer: Vec<PeerKind>,
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Cmd::Reference => reference::reference(),
        Cmd::Run(mut args) => {
            if args.quick {
                (args.rounds, args.seconds, args.scales) = (1, 1.0, vec![1_000]);
            }
            run(args)
        }
    }
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
        if scale == scales[0] {
            for kind in &args.peer {
                peers.extend(peer_rows(*kind, &args, &runtime, &work, &list, server.addr, scale)?);
            }
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
