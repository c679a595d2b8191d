//! The head deadline of an HTTP/1.1 connection, on one timer per connection instead of one per request.
//!
//! A connection waiting for a request (just opened, or its last answer given) must deliver the next
//! request's head within `Limits::header_read_timeout`, or it is closed: so a slow head (a slowloris) and
//! an idle keep-alive connection are cut off. hyper's own `header_read_timeout` does this with a new
//! timer for every request (an allocation and two updates of the runtime's timer wheel, about 5% of a
//! show on two cores); here the connection's service marks when it is busy and when it went idle, and the
//! connection's I/O keeps one timer that it moves only when the timer fires early, about once per
//! timeout per connection.
//!
//! HTTP/2 connections (known from their first request's version) are left to HTTP/2's own pings.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use crate::io_forward::forward_write;
use http::{Request, Version};
use hyper::rt::{Read, ReadBufCursor};
use tokio::time::{Instant, Sleep};
use tower::Service;

/// What a connection's service tells its I/O: requests being answered, and since when none is.
#[derive(Debug)]
pub(crate) struct Activity {
    opened: Instant,
    in_flight: AtomicU32,
    /// Microseconds from `opened` to the end of the last answer (0: none yet).
    idle_since: AtomicU64,
    http2: AtomicBool,
}

impl Activity {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Activity {
            opened: Instant::now(),
            in_flight: AtomicU32::new(0),
            idle_since: AtomicU64::new(0),
            http2: AtomicBool::new(false),
        })
    }

    /// Since when no request has been answered on the connection (its opening, or its last answer's end),
    /// if none is now: a connection that never spoke, or one idle between requests.
    pub(crate) fn idle_since(&self) -> Option<Instant> {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        Some(self.opened + Duration::from_micros(self.idle_since.load(Ordering::Acquire)))
    }

    /// When the connection must have delivered a head, if it is waiting for one now.
    fn deadline(&self, timeout: Duration) -> Option<Instant> {
        if self.in_flight.load(Ordering::Acquire) > 0 || self.http2.load(Ordering::Relaxed) {
            return None;
        }
        let idle_since = self.opened + Duration::from_micros(self.idle_since.load(Ordering::Acquire));
        Some(idle_since + timeout)
    }
}

/// A request being answered: the connection is busy until it is dropped (answered or abandoned).
pub(crate) struct Busy(Arc<Activity>);

impl Busy {
    fn new(activity: &Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
        Busy(Arc::clone(activity))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let since = self.0.opened.elapsed().as_micros().max(1) as u64;
        self.0.idle_since.fetch_max(since, Ordering::AcqRel);
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A connection's service, marking its [`Activity`].
#[derive(Clone)]
pub(crate) struct Tracked<S> {
    pub(crate) inner: S,
    pub(crate) activity: Arc<Activity>,
}

impl<S, B> Service<Request<B>> for Tracked<S>
where
    S: Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = TrackedFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        if request.version() == Version::HTTP_2 {
            self.activity.http2.store(true, Ordering::Relaxed);
        }
        let busy = Busy::new(&self.activity);
        TrackedFuture { inner: self.inner.call(request), busy: Some(busy) }
    }
}

pin_project_lite::pin_project! {
    pub(crate) struct TrackedFuture<F> {
        #[pin]
        inner: F,
        busy: Option<Busy>,
    }
}

impl<F: Future> Future for TrackedFuture<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let output = std::task::ready!(this.inner.poll(cx));
        this.busy.take();
        Poll::Ready(output)
    }
}

pin_project_lite::pin_project! {
    /// A connection's I/O: a read that waits past the head deadline fails, which ends the connection.
    pub(crate) struct HeadDeadlineIo<T> {
        #[pin]
        io: T,
        activity: Arc<Activity>,
        timeout: Duration,
        // One timer for the connection's life, moved only when it fires before the deadline.
        alarm: Option<Pin<Box<Sleep>>>,
    }
}

impl<T> HeadDeadlineIo<T> {
    pub(crate) fn new(io: T, activity: Arc<Activity>, timeout: Duration) -> Self {
        HeadDeadlineIo { io, activity, timeout, alarm: None }
    }
}

impl<T: Read> Read for HeadDeadlineIo<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: ReadBufCursor<'_>) -> Poll<io::Result<()>> {
        let this = self.project();
        let outcome = this.io.poll_read(cx, buf);
        if outcome.is_ready() {
            return outcome;
        }
        let Some(deadline) = this.activity.deadline(*this.timeout) else {
            return Poll::Pending;
        };
        let alarm = this.alarm.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        loop {
            if alarm.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            // The alarm rang: at the deadline, or at an older one the connection has since moved past.
            match this.activity.deadline(*this.timeout) {
                Some(deadline) if deadline <= Instant::now() => {
                    let seconds = this.timeout.as_secs_f64();
                    let message = format!("no request head arrived within {seconds} s");
                    return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, message)));
                }
                Some(deadline) => alarm.as_mut().reset(deadline),
                // Busy again: look once more a timeout from now.
                None => alarm.as_mut().reset(Instant::now() + *this.timeout),
            }
        }
    }
}

forward_write!(HeadDeadlineIo);
