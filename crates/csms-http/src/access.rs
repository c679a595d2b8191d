//! The access log and the panic guard: the outermost step of a request's own handling.
//!
//! Every answered request makes one [`AccessRecord`], handed to the service's [`AccessLog`] when its
//! response head is ready. The default, [`TracingAccessLog`], makes it a `tracing` event; a server that
//! owns its log output can format the line itself (`csms-server` writes it straight into its batched log
//! buffer: through `tracing`'s span and formatter machinery a line cost about a fifth of a show).
//!
//! A panicking handler answers 500 `CSMS.9500`; the panic is logged, never sent, and the answer is
//! logged like any other.

use std::any::Any;
use std::convert::Infallible;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use csms_model::ErrorCode;
use http::{HeaderValue, Method, Request, Response, StatusCode, Uri};
use tower::{Layer, Service};
use tower_http::request_id::RequestId;

use crate::body::ResponseBody;
use crate::error::ApiError;
use crate::request_id::{as_current, id_text};

/// One answered request, as the access log records it.
#[derive(Debug, Clone, Copy)]
pub struct AccessRecord<'a> {
    /// The request's id, as its response's `X-Request-Id` says.
    pub request_id: &'a str,
    /// The request's method.
    pub method: &'a Method,
    /// The request's path, without its query (the query may carry names a log should not keep).
    pub path: &'a str,
    /// The answer's status.
    pub status: StatusCode,
    /// From the request's head to its response's head.
    pub latency: Duration,
}

/// Where the access log's lines go: one [`AccessRecord`] per answered request.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use csms_http::{AccessLog, AccessRecord};
///
/// /// Keeps each line's status and path.
/// #[derive(Default)]
/// struct Kept(Mutex<Vec<(u16, String)>>);
///
/// impl AccessLog for Kept {
///     fn record(&self, r: &AccessRecord<'_>) {
///         self.0.lock().unwrap().push((r.status.as_u16(), r.path.to_owned()));
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let kept = Arc::new(Kept::default());
/// let credentials = csms_http::auth::StaticCredentials::new();
/// let service = csms_http::CsmsService::builder(csms_store::Store::memory(), Arc::new(credentials))
///     .access_log(kept.clone())
///     .build();
/// let request = http::Request::get("/no/such/path").body(http_body_util::Empty::<bytes::Bytes>::new());
/// let response = service.handle(request.unwrap()).await;
/// assert_eq!(response.status(), 404);
/// assert_eq!(*kept.0.lock().unwrap(), [(404, "/no/such/path".to_owned())]);
/// # });
/// ```
pub trait AccessLog: Send + Sync + 'static {
    /// Records one answered request. It runs on the request's task: it must not block for long.
    fn record(&self, record: &AccessRecord<'_>);
}

/// The target of the access log's lines, by which `RUST_LOG` filters them.
pub const ACCESS_TARGET: &str = "csms_http::access";

/// The default access log: an INFO event of target [`ACCESS_TARGET`], message `request`, with the
/// record's fields (`request_id`, `method`, `path`, `status`, `latency_ms`).
#[derive(Debug, Clone, Copy, Default)]
pub struct TracingAccessLog;

impl AccessLog for TracingAccessLog {
    fn record(&self, r: &AccessRecord<'_>) {
        tracing::info!(
            target: ACCESS_TARGET,
            request_id = r.request_id,
            method = r.method.as_str(),
            path = r.path,
            status = r.status.as_u16(),
            latency_ms = r.latency.as_secs_f64() * 1000.0,
            "request"
        );
    }
}

/// No access log.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAccessLog;

impl AccessLog for NoAccessLog {
    fn record(&self, _: &AccessRecord<'_>) {}
}

/// Step 2 of the stack: times the request, catches a panic below it, and records the answer.
#[derive(Clone)]
pub(crate) struct AccessLayer {
    pub(crate) log: Arc<dyn AccessLog>,
}

impl<S> Layer<S> for AccessLayer {
    type Service = Access<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Access { inner, log: Arc::clone(&self.log) }
    }
}

#[derive(Clone)]
pub(crate) struct Access<S> {
    inner: S,
    log: Arc<dyn AccessLog>,
}

type Answer = Response<ResponseBody>;

impl<S, B> Service<Request<B>> for Access<S>
where
    S: Service<Request<B>, Response = Answer, Error = Infallible>,
{
    type Response = Answer;
    type Error = Infallible;
    type Future = AccessFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let started = Instant::now();
        let request_id = request.extensions().get::<RequestId>().map(|id| id.header_value().clone());
        let (method, uri) = (request.method().clone(), request.uri().clone());
        let mut seen = Seen { started, request_id, method, uri, log: Arc::clone(&self.log) };
        let called =
            as_current(&mut seen.request_id, || catch_unwind(AssertUnwindSafe(|| self.inner.call(request))));
        match called {
            Ok(inner) => AccessFuture { inner: Some(inner), early: None, seen },
            Err(panic) => {
                let answer = panic_response(panic, id_text(&seen.request_id));
                AccessFuture { inner: None, early: Some(answer), seen }
            }
        }
    }
}

/// What the access line needs of the request, kept until its answer.
struct Seen {
    started: Instant,
    request_id: Option<HeaderValue>,
    method: Method,
    uri: Uri,
    log: Arc<dyn AccessLog>,
}

impl Seen {
    fn record(&self, answer: &Answer) {
        self.log.record(&AccessRecord {
            request_id: id_text(&self.request_id),
            method: &self.method,
            path: self.uri.path(),
            status: answer.status(),
            latency: self.started.elapsed(),
        });
    }
}

pin_project_lite::pin_project! {
    /// The next service's future, watched for a panic; its answer is recorded once ready. `inner` is
    /// `None` once it panicked (or when the call itself did: `early` holds that answer).
    pub(crate) struct AccessFuture<F> {
        #[pin]
        inner: Option<F>,
        early: Option<Answer>,
        seen: Seen,
    }
}

impl<F> Future for AccessFuture<F>
where
    F: Future<Output = Result<Answer, Infallible>>,
{
    type Output = Result<Answer, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let answer = match this.inner.as_mut().as_pin_mut() {
            Some(inner) => {
                let id = &mut this.seen.request_id;
                match as_current(id, || catch_unwind(AssertUnwindSafe(|| inner.poll(cx)))) {
                    Ok(Poll::Pending) => return Poll::Pending,
                    Ok(Poll::Ready(Ok(answer))) => answer,
                    Ok(Poll::Ready(Err(never))) => match never {},
                    Err(panic) => {
                        this.inner.set(None);
                        panic_response(panic, id_text(&this.seen.request_id))
                    }
                }
            }
            None => this.early.take().expect("an ended AccessFuture is not polled again"),
        };
        // Ready once: the answer is recorded once.
        this.seen.record(&answer);
        Poll::Ready(Ok(answer))
    }
}

/// A panicking handler answers 500 `CSMS.9500`; the panic message is logged, never sent.
fn panic_response(panic: Box<dyn Any + Send>, request_id: &str) -> Answer {
    let cause = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned());
    tracing::error!(request_id, cause, "request handler panicked");
    ApiError::new(ErrorCode::Internal, ErrorCode::Internal.default_message()).into_response()
}
