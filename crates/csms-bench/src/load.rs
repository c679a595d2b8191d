//! The closed-loop load generator: connections, the drive, the latencies.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use bytes::Bytes;
use http::header::{CONTENT_LENGTH, HOST};
use http::{HeaderValue, Request};
use http_body_util::{BodyExt, Full};

use crate::scenarios::{Rng, Scenario};

/// Runs so far, for fresh request numbers.
pub(crate) static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// What one run measured.
#[derive(Default, Clone)]
pub(crate) struct Measured {
    pub(crate) requests: u64,
    pub(crate) seconds: f64,
    pub(crate) latencies_us: Vec<u32>,
    pub(crate) errors: u64,
}

impl Measured {
    pub(crate) fn rps(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

pub(crate) fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((p / 100.0) * (sorted.len() - 1) as f64).round() as usize]
}

pub(crate) async fn connect(
    addr: SocketAddr,
) -> anyhow::Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>> {
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
pub(crate) async fn drive(
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
pub(crate) async fn probe(addr: SocketAddr, scenario: &Scenario) -> anyhow::Result<Vec<(usize, u16)>> {
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

/// The median of `values`.
pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The median throughput of `runs`, their p50 and p99 latencies (µs) and their errors.
pub(crate) fn summary(runs: &[Measured]) -> (f64, u32, u32, u64) {
    let rps = median(runs.iter().map(Measured::rps).collect());
    let mut all: Vec<u32> = runs.iter().flat_map(|m| m.latencies_us.iter().copied()).collect();
    all.sort_unstable();
    (rps, percentile(&all, 50.0), percentile(&all, 99.0), runs.iter().map(|m| m.errors).sum())
}
