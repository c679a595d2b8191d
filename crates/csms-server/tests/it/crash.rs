//! `kill -9` in the middle of concurrent writes: every acknowledged write is there after the restart,
//! with its acknowledged value.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::*;

/// What a client knows of one event (named `c…`) or secret (named `s…`, or `b…` when a batch import
/// made it): the last acknowledged version (of the event's update, or of the secret's value), and a
/// write in flight at the crash.
#[derive(Debug, Clone, Copy)]
struct Known {
    acked: Option<u32>,
    in_flight: Option<u32>,
}

type Ledger = Arc<Mutex<HashMap<String, Known>>>;

/// The clients make up to `MAX_OPS` secrets (a batch import makes three in one write): past the default
/// quota.
const QUOTA: &[&str] = &["--secret-quota", "10000"];

/// Drives creates and updates from `CLIENTS` threads; client `i` talks to `servers[i % len]`. Each client
/// owns its events, so its own ledger entries are exact; it stops at its first I/O error (its server is
/// gone), when `stop` is set, or after `MAX_OPS` writes in all.
fn run_clients(
    servers: &[SocketAddr],
    project: &str,
    ledger: &Ledger,
    stop: &Arc<AtomicBool>,
    ops: &Arc<AtomicUsize>,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..CLIENTS)
        .map(|i| {
            let addr = servers[i % servers.len()];
            let (ledger, stop, ops) = (Arc::clone(ledger), Arc::clone(stop), Arc::clone(ops));
            let events = format!("/v1/{project}/csms/events");
            let secrets = format!("/v1/{project}/secrets");
            std::thread::spawn(move || {
                for k in 0.. {
                    if k % 3 == 2 {
                        // A batch import of three secrets: each item is its own transaction.
                        if stop.load(Ordering::Relaxed) || ops.fetch_add(1, Ordering::Relaxed) >= MAX_OPS {
                            return;
                        }
                        let names: Vec<String> = (0..3).map(|j| format!("b{i}-{k}-{j}")).collect();
                        for name in &names {
                            ledger
                                .lock()
                                .unwrap()
                                .insert(name.clone(), Known { acked: None, in_flight: Some(0) });
                        }
                        let items: Vec<String> = names.iter().map(|n| create_secret_body(n)).collect();
                        let body = format!(r#"{{"secrets":[{}]}}"#, items.join(","));
                        match request(addr, "POST", &format!("{secrets}/batch-import"), Some(&body)) {
                            Ok((200, reply)) => {
                                assert!(
                                    reply.contains(r#""success":3"#),
                                    "a batch item was refused: {reply}"
                                );
                                let mut l = ledger.lock().unwrap();
                                for name in &names {
                                    *l.get_mut(name).unwrap() = Known { acked: Some(0), in_flight: None };
                                }
                            }
                            Ok((status, reply)) => panic!("unexpected {status} for a batch import: {reply}"),
                            Err(_) => return,
                        }
                        continue;
                    }
                    // Events and secrets in turn: a secret's writes create it, then add versions.
                    let secret = k % 3 == 1;
                    let name = if secret { format!("s{i}-{k}") } else { format!("c{i}-{k}") };
                    ledger.lock().unwrap().insert(name.clone(), Known { acked: None, in_flight: Some(0) });
                    for version in 0..4u32 {
                        if stop.load(Ordering::Relaxed) || ops.fetch_add(1, Ordering::Relaxed) >= MAX_OPS {
                            return;
                        }
                        ledger.lock().unwrap().get_mut(&name).unwrap().in_flight = Some(version);
                        let result = match (secret, version) {
                            (false, 0) => request(addr, "POST", &events, Some(&create_body(&name))),
                            (false, _) => {
                                request(addr, "PUT", &format!("{events}/{name}"), Some(&update_body(version)))
                            }
                            (true, 0) => request(addr, "POST", &secrets, Some(&create_secret_body(&name))),
                            (true, _) => request(
                                addr,
                                "POST",
                                &format!("{secrets}/{name}/versions"),
                                Some(&version_body(version)),
                            ),
                        };
                        match result {
                            Ok((200, _)) => {
                                let mut l = ledger.lock().unwrap();
                                *l.get_mut(&name).unwrap() = Known { acked: Some(version), in_flight: None };
                            }
                            Ok((status, body)) => panic!("unexpected {status} for {name}: {body}"),
                            Err(_) => return, // the server is gone; this write stays in flight
                        }
                    }
                }
            })
        })
        .collect()
}

/// Checks every event and secret of the ledger through `addr`: acknowledged writes are there with their
/// value (or with the value of the one write that was in flight after them); a secret's value is read
/// back decrypted, so the master key survived the crash too.
fn verify(addr: SocketAddr, project: &str, ledger: &Ledger) -> usize {
    let mut acknowledged = 0;
    for (name, known) in ledger.lock().unwrap().iter() {
        let secret = !name.starts_with('c');
        let path = if secret {
            format!("/v1/{project}/secrets/{name}/versions/latest")
        } else {
            format!("/v1/{project}/csms/events/{name}")
        };
        let (status, body) = request(addr, "GET", &path, None).unwrap();
        match known.acked {
            None => assert!(status == 404 || status == 200, "{name}: {status}"),
            Some(acked) => {
                acknowledged += 1;
                assert_eq!(status, 200, "acknowledged event {name} lost: {body}");
                let value: serde_json::Value = serde_json::from_str(&body).unwrap();
                let stored = if secret {
                    value["version"]["secret_string"].as_str().unwrap()
                } else {
                    value["event"]["notification"]["target_name"].as_str().unwrap()
                };
                let stored: u32 = stored[1..].parse().unwrap();
                let allowed = [Some(acked), known.in_flight];
                assert!(
                    allowed.contains(&Some(stored)),
                    "{name}: stored v{stored}, acknowledged v{acked}, in flight {:?}",
                    known.in_flight
                );
            }
        }
    }
    acknowledged
}

/// Lets the clients write until `KILL_AFTER` or `MAX_OPS`, then kills `victim` with SIGKILL.
fn write_then_kill(
    victim: &mut Server,
    handles: Vec<std::thread::JoinHandle<()>>,
    stop: &Arc<AtomicBool>,
    ops: &Arc<AtomicUsize>,
) {
    let started = Instant::now();
    while started.elapsed() < KILL_AFTER && ops.load(Ordering::Relaxed) < MAX_OPS / 2 {
        std::thread::sleep(Duration::from_millis(20));
    }
    victim.kill9();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn sqlite_keeps_every_acknowledged_write_across_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let data: PathBuf = dir.path().join("data");
    let project = unique_project();
    let mut server = Server::start_args(&data, None, QUOTA);
    let (ledger, stop, ops): (Ledger, _, _) =
        (Arc::default(), Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let handles = run_clients(&[server.addr], &project, &ledger, &stop, &ops);
    write_then_kill(&mut server, handles, &stop, &ops);

    let restarted = Server::start_args(&data, None, QUOTA);
    let acknowledged = verify(restarted.addr, &project, &ledger);
    eprintln!(
        "sqlite crash test: {} writes sent, {acknowledged} acknowledged events verified after kill -9",
        ops.load(Ordering::Relaxed)
    );
    assert!(acknowledged >= CLIENTS, "the clients got writes acknowledged before the kill");
    let secrets =
        ledger.lock().unwrap().iter().filter(|(n, k)| n.starts_with('s') && k.acked.is_some()).count();
    assert!(secrets >= 1, "secret writes were acknowledged before the kill, and verified");
    let imported =
        ledger.lock().unwrap().iter().filter(|(n, k)| n.starts_with('b') && k.acked.is_some()).count();
    assert!(imported >= 3, "a batch import was acknowledged before the kill, and verified");
}

#[test]
fn postgres_two_instances_keep_every_acknowledged_write_when_one_is_killed() {
    let Some(url) = database_url("crash") else { return };
    let dir = tempfile::tempdir().unwrap();
    let project = unique_project();
    let mut a = Server::start_args(&dir.path().join("a"), Some(&url), QUOTA);
    let b = Server::start_args(&dir.path().join("b"), Some(&url), QUOTA);

    // Name uniqueness holds across instances: a race gives one 200 and the rest 409, never a duplicate.
    let events = format!("/v1/{project}/csms/events");
    let racers: Vec<_> = (0..8)
        .map(|i| {
            let addr = if i % 2 == 0 { a.addr } else { b.addr };
            let events = events.clone();
            std::thread::spawn(move || request(addr, "POST", &events, Some(&create_body("raced"))).unwrap().0)
        })
        .collect();
    let statuses: Vec<u16> = racers.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 7, "{statuses:?}");

    let (ledger, stop, ops): (Ledger, _, _) =
        (Arc::default(), Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let handles = run_clients(&[a.addr, b.addr], &project, &ledger, &stop, &ops);
    write_then_kill(&mut a, handles, &stop, &ops);

    let through_b = verify(b.addr, &project, &ledger);
    let restarted = Server::start_args(&dir.path().join("a"), Some(&url), QUOTA);
    let through_a = verify(restarted.addr, &project, &ledger);
    assert_eq!(through_a, through_b);
    eprintln!(
        "postgres crash test: {} writes sent, {through_b} acknowledged events verified through both instances",
        ops.load(Ordering::Relaxed)
    );
    assert!(through_b >= CLIENTS);
}
