//! `--peer etcd`: etcd 3.4 on loopback, driven through its JSON gateway by the same load generator and
//! connections, in alternating rounds beside the matching scenarios of ours.

use super::*;
use crate::load::{Measured, connect, drive, summary};
use crate::scenarios::{Req, Rng, Scenario};
use crate::seed::event_name;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PeerKind {
    Etcd,
}

/// A free loopback port (bound and let go: another process may take it in between, rarely).
fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// etcd on loopback with its data in `dir`, once its client port answers.
fn start_etcd(dir: &Path) -> anyhow::Result<(Child, SocketAddr)> {
    let (client, peer) = (free_port()?, free_port()?);
    let client_url = format!("http://127.0.0.1:{client}");
    let peer_url = format!("http://127.0.0.1:{peer}");
    let child = Command::new("etcd")
        .args(["--name", "bench", "--log-level", "error", "--data-dir"])
        .arg(dir)
        .args(["--listen-client-urls", &client_url, "--advertise-client-urls", &client_url])
        .args(["--listen-peer-urls", &peer_url, "--initial-advertise-peer-urls", &peer_url])
        .args(["--initial-cluster", &format!("bench={peer_url}")])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.with_extension("log"))?)
        .spawn()
        .context("starting etcd (is it on the PATH? Debian: apt-get install etcd-server)")?;
    let addr: SocketAddr = format!("127.0.0.1:{client}").parse()?;
    for _ in 0..100 {
        if std::net::TcpStream::connect(addr).is_ok() {
            return Ok((child, addr));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("etcd did not listen on {addr}")
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// etcd's scenarios through its JSON gateway: a put (durable: etcd syncs its WAL before it answers) of
/// a value the size of the seed PUT's body, and a serializable (local, no quorum round) range of one key.
fn etcd_scenarios(keys: usize) -> Vec<Scenario> {
    let json_headers = || vec![(CONTENT_TYPE, HeaderValue::from_static("application/json"))];
    let key = move |rng: &mut Rng| b64(event_name(rng.below(keys)).as_bytes());
    let value = b64(SEED_PUT.as_bytes());
    vec![
        Scenario {
            name: "etcd durable put",
            make: Arc::new(move |rng, _, _| Req {
                method: Method::POST,
                path: "/v3/kv/put".into(),
                headers: json_headers(),
                body: Bytes::from(json!({"key": key(rng), "value": value}).to_string()),
                kind: 0,
            }),
        },
        Scenario {
            name: "etcd serializable range",
            make: Arc::new(move |rng, _, _| Req {
                method: Method::POST,
                path: "/v3/kv/range".into(),
                headers: json_headers(),
                body: Bytes::from(json!({"key": key(rng), "serializable": true}).to_string()),
                kind: 0,
            }),
        },
    ]
}

/// Our scenario and the peer's, measured in alternating rounds in one run.
pub(crate) struct PeerRow {
    pub(crate) ours: &'static str,
    pub(crate) peer: &'static str,
    pub(crate) ours_runs: Vec<Measured>,
    pub(crate) peer_runs: Vec<Measured>,
}

/// Starts etcd, writes `keys` keys, and measures each of its scenarios against ours in alternating rounds.
pub(crate) fn peer_rows(
    args: &RunArgs,
    runtime: &tokio::runtime::Runtime,
    work: &Path,
    ours: &[Scenario],
    server: SocketAddr,
    keys: usize,
) -> anyhow::Result<Vec<PeerRow>> {
    let (mut etcd, addr) = start_etcd(&work.join("etcd"))?;
    let result = (|| {
        let peer = etcd_scenarios(keys);
        // The keys the range reads: written once, through the gateway.
        runtime.block_on(async {
            let mut sender = connect(addr).await?;
            for i in 0..keys {
                let body = json!({"key": b64(event_name(i).as_bytes()), "value": b64(SEED_PUT.as_bytes())});
                let request = Request::post("/v3/kv/put")
                    .header(HOST, addr.to_string())
                    .header(CONTENT_TYPE, "application/json")
                    .body(Full::new(Bytes::from(body.to_string())))?;
                sender.ready().await?;
                let response = sender.send_request(request).await?;
                if response.status() != StatusCode::OK {
                    bail!("etcd refused a put: {}", response.status());
                }
                let _ = response.into_body().collect().await;
            }
            anyhow::Ok(())
        })?;
        let pairs = [("seed PUT", &peer[0]), ("show one event", &peer[1])];
        let mut rows = Vec::new();
        for (name, peer_scenario) in pairs {
            let Some(our_scenario) = ours.iter().find(|s| s.name == name) else { continue };
            let mut row = PeerRow {
                ours: name,
                peer: peer_scenario.name,
                ours_runs: Vec::new(),
                peer_runs: Vec::new(),
            };
            for round in 0..args.rounds {
                let order = if round % 2 == 0 { [true, false] } else { [false, true] };
                for ours_first in order {
                    if ours_first {
                        row.ours_runs.push(runtime.block_on(drive(
                            server,
                            our_scenario,
                            args.connections,
                            args.seconds,
                            None,
                        ))?);
                    } else {
                        row.peer_runs.push(runtime.block_on(drive(
                            addr,
                            peer_scenario,
                            args.connections,
                            args.seconds,
                            None,
                        ))?);
                    }
                }
            }
            let (rps, _, _, errors) = summary(&row.peer_runs);
            eprintln!("{keys:>9} keys    {:<24} {rps:>9.0} req/s  ({errors} errors)", peer_scenario.name);
            rows.push(row);
        }
        Ok(rows)
    })();
    let _ = etcd.kill();
    let _ = etcd.wait();
    result
}
