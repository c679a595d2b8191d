//! The request metrics (on with [`crate::CsmsServiceBuilder::metrics`]): per operation of the route table, its
//! count by status and its latency, and the requests in flight; recorded into `csms_metrics::metrics()`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use http::{Request, Response};
use tower::{Layer, Service};

use crate::router::RouteMatch;

/// The label of a request's operation: its id in the route table, or the service's own paths.
fn operation(request_extensions: &http::Extensions) -> &'static str {
    request_extensions.get::<RouteMatch>().map_or("unrouted", |r| r.target.id())
}

/// Records each routed request (it sits below the routing step).
#[derive(Clone, Copy, Debug)]
pub(crate) struct MetricsLayer;

impl<S> Layer<S> for MetricsLayer {
    type Service = Measured<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Measured { inner }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Measured<S> {
    inner: S,
}

impl<S, B, RB> Service<Request<B>> for Measured<S>
where
    S: Service<Request<B>, Response = Response<RB>>,
{
    type Response = Response<RB>;
    type Error = S::Error;
    type Future = MeasuredFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let operation = operation(request.extensions());
        let metrics = csms_metrics::metrics();
        let in_flight = metrics.in_flight();
        MeasuredFuture {
            inner: self.inner.call(request),
            operation,
            started: Instant::now(),
            _in_flight: in_flight,
        }
    }
}

pin_project_lite::pin_project! {
    pub(crate) struct MeasuredFuture<F> {
        #[pin]
        inner: F,
        operation: &'static str,
        started: Instant,
        _in_flight: csms_metrics::InFlight<'static>,
    }
}

impl<F, RB, E> Future for MeasuredFuture<F>
where
    F: Future<Output = Result<Response<RB>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let output = std::task::ready!(this.inner.poll(cx));
        if let Ok(response) = &output {
            csms_metrics::metrics().request(
                this.operation,
                response.status().as_u16(),
                this.started.elapsed(),
            );
        }
        Poll::Ready(output)
    }
}
