//! Store benchmarks, printed as figures and compared as ratios measured in one run (the machines are
//! shared and noisy; nothing here asserts a time).
//!
//! - Listing cost against table size: a page of 50 from a random marker, in a project of 1,000 events
//!   and in one of 50,000. A range scan from the marker makes the ratio close to 1.
//! - Group commit: creates per second from one client, then from 32 concurrent clients. Sharing fsyncs
//!   makes the concurrent rate a multiple of the sequential one.
//!
//! - SQLite's two ways to make a commit durable, in alternating rounds: the sync inside the commit
//!   (`synchronous=FULL`) against the pipelined sync (a syncer thread syncs while the writer applies).
//!
//! Run: `cargo bench -p csms-store` (PostgreSQL too when CSMS_TEST_DATABASE_URL is set).

use std::time::{Duration, Instant};

use csms_model::*;
use csms_store::*;

const SMALL: usize = 1_000;
const LARGE: usize = 50_000;
const LIST_CALLS: usize = 300;
const WRITES: usize = 2_000;
const WRITERS: usize = 32;

fn event(name: String) -> Event {
    Event {
        name,
        event_id: "00000000-0000-4000-8000-000000000000".into(),
        event_types: vec![EventType::SecretRotated],
        state: EventState::Enabled,
        create_time: 1,
        update_time: 1,
        notification: Notification {
            target_type: TargetType::Smn,
            target_id: "urn:smn:r:p:topic".into(),
            target_name: "topic".into(),
        },
    }
}

/// Creates `count` events named `prefix-{i:06}` in `project` from `clients` concurrent tasks.
async fn fill(store: &Store, project: &str, prefix: &str, count: usize, clients: usize) -> Duration {
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let (store, project, prefix) = (store.clone(), project.to_owned(), prefix.to_owned());
            tokio::spawn(async move {
                for i in (c..count).step_by(clients) {
                    store.create(&project, event(format!("{prefix}-{i:06}")), u64::MAX).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    started.elapsed()
}

/// Median time of one page of 50 after a pseudo-random marker.
async fn list_median(store: &Store, project: &str, size: usize) -> Duration {
    let mut times = Vec::with_capacity(LIST_CALLS);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..LIST_CALLS {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let marker = format!("e-{:06}", x as usize % size);
        let started = Instant::now();
        let page = store.list(project, Some(&marker), 50).await.unwrap();
        times.push(started.elapsed());
        assert!(page.len() <= 50);
    }
    times.sort();
    times[times.len() / 2]
}

async fn bench(name: &str, store: Store) {
    let run = std::process::id();
    let (small, large) = (format!("bench-small-{run}"), format!("bench-large-{run}"));
    fill(&store, &small, "e", SMALL, WRITERS).await;
    let fill_large = fill(&store, &large, "e", LARGE, WRITERS).await;
    let (t_small, t_large) =
        (list_median(&store, &small, SMALL).await, list_median(&store, &large, LARGE).await);
    println!(
        "{name}: list page of 50, median of {LIST_CALLS}: {:.1} us at {SMALL} events, {:.1} us at {LARGE} events \
         (ratio {:.2} for {}x the events)",
        t_small.as_secs_f64() * 1e6,
        t_large.as_secs_f64() * 1e6,
        t_large.as_secs_f64() / t_small.as_secs_f64(),
        LARGE / SMALL
    );
    println!("{name}: filled {LARGE} events from {WRITERS} clients in {:.2} s", fill_large.as_secs_f64());

    let sequential = fill(&store, &format!("bench-seq-{run}"), "w", WRITES, 1).await;
    let concurrent = fill(&store, &format!("bench-conc-{run}"), "w", WRITES, WRITERS).await;
    let (rate_1, rate_n) =
        (WRITES as f64 / sequential.as_secs_f64(), WRITES as f64 / concurrent.as_secs_f64());
    println!(
        "{name}: {WRITES} durable creates: {rate_1:.0}/s from 1 client, {rate_n:.0}/s from {WRITERS} clients \
         (ratio {:.1})",
        rate_n / rate_1
    );
}

/// Durable creates per second from 1 and from [`WRITERS`] clients, SQLite with the sync in the commit
/// and pipelined, alternating over `rounds` rounds (a fresh file each); prints the medians and ratios.
async fn sync_modes(rounds: usize) {
    let mut rates: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        for (mode, pipelined) in [false, true].into_iter().enumerate() {
            let dir = tempfile::tempdir().unwrap();
            let options = SqliteOptions { pipelined_sync: pipelined, ..SqliteOptions::default() };
            let store = Store::sqlite_with(dir.path().join("sync.db"), Cipher::ephemeral(), options).unwrap();
            let project = format!("sync-{round}-{mode}");
            let one = fill(&store, &project, "a", WRITES / 4, 1).await;
            let many = fill(&store, &project, "b", WRITES, WRITERS).await;
            rates[mode].push(((WRITES / 4) as f64 / one.as_secs_f64(), WRITES as f64 / many.as_secs_f64()));
        }
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let [full, piped] =
        rates.map(|r| (median(r.iter().map(|x| x.0).collect()), median(r.iter().map(|x| x.1).collect())));
    println!(
        "sqlite sync, median of {rounds} alternating rounds: in the commit {:.0}/s from 1 client, {:.0}/s from \
         {WRITERS}; pipelined {:.0}/s from 1, {:.0}/s from {WRITERS} (ratios {:.2} and {:.2})",
        full.0,
        full.1,
        piped.0,
        piped.1,
        piped.0 / full.0,
        piped.1 / full.1
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        sync_modes(3).await;
        let dir = tempfile::tempdir().unwrap();
        let sqlite = Store::sqlite(dir.path().join("bench.db"), Cipher::ephemeral()).unwrap();
        bench("sqlite", sqlite).await;
        #[cfg(feature = "postgres")]
        match std::env::var("CSMS_TEST_DATABASE_URL") {
            Ok(url) => {
                bench("postgres", Store::postgres(&url, 32, Cipher::new([0x42; 32])).await.unwrap()).await
            }
            Err(_) => println!("postgres: skipped (set CSMS_TEST_DATABASE_URL)"),
        }
    });
}
