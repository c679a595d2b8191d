//! The admin listener (`--admin-listen`, off unless given): `/metrics` (Prometheus), `/healthz` (the
//! process is alive) and `/readyz` (it should take traffic). It takes no credentials: bind it to a
//! loopback or private address that only the operator's scrapers reach.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use csms_http::ResponseBody;
use csms_store::Store;
use http::{Method, Request, Response, StatusCode, header};

/// What `/readyz` answers from: the store (asked at each probe), whether the worker runs and whether the
/// server is draining.
#[derive(Clone)]
pub(crate) struct Readiness {
    store: Store,
    worker_running: Arc<AtomicBool>,
    draining: Arc<AtomicBool>,
}

impl Readiness {
    pub(crate) fn new(store: Store) -> Self {
        Readiness { store, worker_running: Arc::default(), draining: Arc::default() }
    }

    /// The flag the worker's task holds up while it runs.
    pub(crate) fn worker_running(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.worker_running)
    }

    /// The server stops taking new requests: not ready from now on, so load balancers drain it.
    pub(crate) fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    /// Why the instance is not ready, if it is not; the readiness gauges are set to what was found.
    async fn not_ready(&self) -> Option<String> {
        // Opening the store applied the migrations; a store that answers now can serve.
        let store = self.store.health().await;
        if let Err(e) = &store {
            tracing::warn!(reason = %e, "readiness: the store cannot serve");
        }
        let why = if self.draining.load(Ordering::SeqCst) {
            Some("shutting down")
        } else if !self.worker_running.load(Ordering::SeqCst) {
            Some("the worker is not running")
        } else if store.is_err() {
            Some("the store cannot serve")
        } else {
            None
        };
        csms_metrics::metrics().readiness(store.is_ok(), why.is_none());
        why.map(str::to_owned)
    }
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response<ResponseBody> {
    let mut response = Response::new(ResponseBody::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
    response
}

/// Answers one admin request.
pub(crate) async fn handle<B>(
    readiness: Readiness,
    request: Request<B>,
) -> Result<Response<ResponseBody>, Infallible> {
    const PLAIN: &str = "text/plain; charset=utf-8";
    if request.method() != Method::GET {
        return Ok(text(StatusCode::METHOD_NOT_ALLOWED, PLAIN, "GET only\n".into()));
    }
    Ok(match request.uri().path() {
        "/metrics" => {
            // The readiness gauges as of this scrape.
            readiness.not_ready().await;
            text(StatusCode::OK, csms_metrics::CONTENT_TYPE, csms_metrics::encode())
        }
        "/healthz" => text(StatusCode::OK, PLAIN, "ok\n".into()),
        "/readyz" => match readiness.not_ready().await {
            None => text(StatusCode::OK, PLAIN, "ready\n".into()),
            Some(why) => text(StatusCode::SERVICE_UNAVAILABLE, PLAIN, format!("not ready: {why}\n")),
        },
        _ => text(StatusCode::NOT_FOUND, PLAIN, "/metrics, /healthz or /readyz\n".into()),
    })
}
