//! [`CsmsService`]: the assembled tower stack, the front door of the crate.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use csms_model::Accounts;
use csms_model::limits::{
    DEFAULT_ANSWER_BUDGET_BYTES, DEFAULT_EVENT_QUOTA, DEFAULT_GRANT_QUOTA, DEFAULT_SECRET_QUOTA,
};
use csms_store::{Clock, Store, SystemClock};
use http::{HeaderName, Request, Response};
use tower::ServiceBuilder;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};

use crate::access::{AccessLayer, AccessLog, TracingAccessLog};
use crate::auth::Authenticator;
use crate::body::{BoxError, RequestBody, ResponseBody, request_body};
use crate::layers::{self, AuthenticateLayer, Check};
use crate::ops::{self, State};
use crate::request_id::HexRequestId;
use crate::router::Router;

/// The header carrying the request id on every response.
pub const REQUEST_ID: &str = "x-request-id";

/// The CSMS event API as a tower `Service` over `http::Request`, cheap to clone.
///
/// It is the whole stack (request id, access log and panic catching, routing, body limit, authentication,
/// content type, then the operations; see `ARCHITECTURE.md`) behind one value. It accepts any request
/// body type, so it mounts in a hyper or axum server, under layers of your own; [`crate::serve`] runs it
/// (or any such service) on a listener.
#[derive(Clone)]
pub struct CsmsService {
    config: Arc<Config>,
    /// The assembled stack, type-erased. Every layer of it is always ready, so one clone per request
    /// (cheap: reference counts) replaces tower's readiness dance, and a clone of the service is one
    /// reference count.
    stack: Arc<Stack>,
}

type Stack = dyn Fn(Request<RequestBody>) -> BoxFuture + Send + Sync;
type BoxFuture = Pin<Box<dyn Future<Output = Result<Response<ResponseBody>, Infallible>> + Send>>;

#[derive(Clone)]
struct Config {
    store: Store,
    auth: Arc<dyn Authenticator>,
    clock: Arc<dyn Clock>,
    event_quota: u64,
    secret_quota: u64,
    grant_quota: u64,
    answer_budget: usize,
    region: String,
    body_timeout: Duration,
    rotate_common: bool,
    accounts: Accounts,
    metrics: bool,
    directory: crate::Directory,
    access_log: Arc<dyn AccessLog>,
}

/// How long a request body may take to arrive, unless configured otherwise.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

impl CsmsService {
    /// A service over `store`, admitting the callers `auth` accepts, with every other setting at its
    /// default: [`CsmsService::builder`] with nothing more set.
    pub fn new(store: Store, auth: Arc<dyn Authenticator>) -> Self {
        Self::builder(store, auth).build()
    }

    /// A builder of a service over `store`, admitting the callers `auth` accepts: set what differs from
    /// the defaults, then [`CsmsServiceBuilder::build`] assembles the stack once.
    pub fn builder(store: Store, auth: Arc<dyn Authenticator>) -> CsmsServiceBuilder {
        CsmsServiceBuilder {
            config: Config {
                store,
                auth,
                clock: Arc::new(SystemClock),
                event_quota: DEFAULT_EVENT_QUOTA,
                secret_quota: DEFAULT_SECRET_QUOTA,
                grant_quota: DEFAULT_GRANT_QUOTA,
                answer_budget: DEFAULT_ANSWER_BUDGET_BYTES,
                region: smn_model::limits::DEFAULT_REGION.to_owned(),
                rotate_common: false,
                accounts: Accounts::default(),
                body_timeout: DEFAULT_BODY_TIMEOUT,
                metrics: false,
                directory: crate::Directory::default(),
                access_log: Arc::new(TracingAccessLog),
            },
        }
    }

    /// A builder that starts from this service's settings, to make a service that differs in some.
    pub fn to_builder(&self) -> CsmsServiceBuilder {
        CsmsServiceBuilder { config: (*self.config).clone() }
    }

    /// The stack, assembled from `config`.
    fn assemble(config: Config) -> Self {
        let state = Arc::new(State {
            store: config.store.clone(),
            clock: Arc::clone(&config.clock),
            event_quota: config.event_quota,
            secret_quota: config.secret_quota,
            grant_quota: config.grant_quota,
            rotate_common: config.rotate_common,
            accounts: config.accounts.clone(),
            directory: config.directory.clone(),
            passwords: crate::guard::PasswordGuard::for_this_machine(),
            answers: crate::body::AnswerBudget::new(config.answer_budget),
            region: config.region.clone(),
        });
        let router = Arc::new(Router::new());
        let auth = Arc::clone(&config.auth);
        let request_id = HeaderName::from_static(REQUEST_ID);
        let stack = ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), HexRequestId))
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(AccessLayer { log: Arc::clone(&config.access_log) })
            .layer(layers::routing(router))
            .option_layer(config.metrics.then_some(crate::metrics::MetricsLayer))
            .layer(AuthenticateLayer { auth, body_timeout: config.body_timeout })
            .layer(Check(layers::content_type))
            .service_fn(move |request| ops::dispatch(Arc::clone(&state), request));
        let stack: Arc<Stack> = Arc::new(move |request| {
            let future = tower::Service::call(&mut stack.clone(), request);
            Box::pin(future) as BoxFuture
        });
        CsmsService { config: Arc::new(config), stack }
    }

    /// Handles one request. Never fails: every error is a response in the documented shape, and every
    /// response carries `X-Request-Id`.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<ResponseBody>
    where
        B: http_body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        match tower::ServiceExt::oneshot(self.clone(), request).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }
}

/// Settings of a [`CsmsService`], from [`CsmsService::builder`]; [`CsmsServiceBuilder::build`] assembles
/// the stack once.
#[derive(Clone)]
#[must_use = "a builder does nothing until it is built"]
pub struct CsmsServiceBuilder {
    config: Config,
}

impl CsmsServiceBuilder {
    /// How many events a project may hold (default
    /// [`DEFAULT_EVENT_QUOTA`](csms_model::limits::DEFAULT_EVENT_QUOTA)); more creates get 400 `CSMS.9003`.
    pub fn event_quota(mut self, quota: u64) -> Self {
        self.config.event_quota = quota;
        self
    }

    /// How many secrets a project may hold (default
    /// [`DEFAULT_SECRET_QUOTA`](csms_model::limits::DEFAULT_SECRET_QUOTA)); more creates get 400 `CSMS.0202`.
    pub fn secret_quota(mut self, quota: u64) -> Self {
        self.config.secret_quota = quota;
        self
    }

    /// How many resources (secrets and groups) of a project may carry grants (default
    /// [`DEFAULT_GRANT_QUOTA`](csms_model::limits::DEFAULT_GRANT_QUOTA)); a grant on one more is refused
    /// 400 `CSMS.0002`.
    pub fn grant_quota(mut self, quota: u64) -> Self {
        self.config.grant_quota = quota;
        self
    }

    /// Bytes that answers larger than 64 KiB may hold in all while their clients do not read them
    /// (default [`DEFAULT_ANSWER_BUDGET_BYTES`](csms_model::limits::DEFAULT_ANSWER_BUDGET_BYTES), 64 MiB); a
    /// large answer beyond it is refused 503 `CSMS.9503` with `Retry-After`.
    pub fn answer_budget(mut self, bytes: usize) -> Self {
        self.config.answer_budget = bytes;
        self
    }

    /// Whether RotateSecret accepts COMMON secrets (upstream refuses them: 400 `CSMS.0002`): on when the
    /// worker beside the service has a rotator for them.
    pub fn rotate_common(mut self, rotate_common: bool) -> Self {
        self.config.rotate_common = rotate_common;
        self
    }

    /// The accounts that group projects: an event's SMN topic must be of its own project or of another
    /// project of the same account (else 400 `CSMS.0002` at `/notification/target_id`).
    pub fn accounts(mut self, accounts: Accounts) -> Self {
        self.config.accounts = accounts;
        self
    }

    /// Whether each request's operation, status and latency, and the requests in flight, are recorded in
    /// `csms_metrics::metrics()` (off by default; `csms-server` turns it on with its admin listener).
    pub fn metrics(mut self, on: bool) -> Self {
        self.config.metrics = on;
        self
    }

    /// The user directory of ListUsers, ShowUserDetail and UpdateUserPassword (default: none).
    pub fn directory(mut self, directory: crate::Directory) -> Self {
        self.config.directory = directory;
        self
    }

    /// Where each answered request's access line goes (default: [`TracingAccessLog`], an INFO event of
    /// target `csms_http::access`; [`crate::NoAccessLog`] for none).
    pub fn access_log(mut self, access_log: Arc<dyn AccessLog>) -> Self {
        self.config.access_log = access_log;
        self
    }

    /// The clock the service reads (default: the system clock), for tests that move time.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.config.clock = clock;
        self
    }

    /// How long a request body may take to arrive (default [`DEFAULT_BODY_TIMEOUT`]); a slower one is
    /// answered 400 `CSMS.0004` and its connection closed.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.config.body_timeout = timeout;
        self
    }

    /// The region of the SMN topics served here (default
    /// [`DEFAULT_REGION`](smn_model::limits::DEFAULT_REGION)): a topic's URN is
    /// `urn:smn:{region}:{project_id}:{name}`, and a URN of another region names no topic here.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = region.into();
        self
    }

    /// The service: its stack assembled once, from these settings.
    pub fn build(self) -> CsmsService {
        CsmsService::assemble(self.config)
    }
}

impl<B> tower::Service<Request<B>> for CsmsService
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = Response<ResponseBody>;
    type Error = Infallible;
    type Future = BoxFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        // The service names its own requests: an id sent by the client is not trusted.
        request.headers_mut().remove(REQUEST_ID);
        (self.stack)(request.map(request_body))
    }
}
