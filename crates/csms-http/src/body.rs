//! The body types: what the stack reads and what it answers.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;

/// The error type of bodies inside the stack.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The request body inside the stack: hyper's own body as it is (what `serve` hands over), or whatever
/// else the caller's body type was, boxed once at the front door.
pub(crate) enum RequestBody {
    Incoming(hyper::body::Incoming),
    Boxed(UnsyncBoxBody<Bytes, BoxError>),
}

/// Any request body as the stack's [`RequestBody`]; hyper's `Incoming` is kept unboxed (as axum's
/// `Body::new` does).
pub(crate) fn request_body<B>(body: B) -> RequestBody
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let mut slot = Some(body);
    if let Some(incoming) =
        (&mut slot as &mut dyn std::any::Any).downcast_mut::<Option<hyper::body::Incoming>>()
    {
        return RequestBody::Incoming(incoming.take().expect("the slot is full"));
    }
    let body = slot.expect("the slot is full");
    RequestBody::Boxed(
        body.map_frame(|frame| frame.map_data(|mut data| data.copy_to_bytes(data.remaining())))
            .map_err(Into::into)
            .boxed_unsync(),
    )
}

impl http_body::Body for RequestBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        match self.get_mut() {
            RequestBody::Incoming(body) => Pin::new(body).poll_frame(cx).map_err(Into::into),
            RequestBody::Boxed(body) => Pin::new(body).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            RequestBody::Incoming(body) => body.is_end_stream(),
            RequestBody::Boxed(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            RequestBody::Incoming(body) => body.size_hint(),
            RequestBody::Boxed(body) => body.size_hint(),
        }
    }
}

/// The body of every response: bytes (JSON, or nothing) made whole by the service, handed out in chunks of
/// at most 64 KiB so that the connection asks for the next one only when it has written the last. A
/// large answer holds its share of the service's answer budget ([`CsmsServiceBuilder::answer_budget`](crate::CsmsServiceBuilder::answer_budget)) until its last chunk is
/// taken (or the connection is dropped): what waits for a client that does not read is counted.
#[derive(Debug, Default)]
pub struct ResponseBody {
    data: Bytes,
    hold: Option<tokio::sync::OwnedSemaphorePermit>,
}

/// The most bytes a response body hands out at once.
pub(crate) const CHUNK: usize = 64 * 1024;

impl ResponseBody {
    /// A body of these bytes.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        ResponseBody { data: bytes.into(), hold: None }
    }

    /// No body.
    pub fn empty() -> Self {
        Self::new(Bytes::new())
    }

    /// Bytes not yet handed out.
    pub(crate) fn len(&self) -> usize {
        self.data.len()
    }
}

impl http_body::Body for ResponseBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        if self.data.is_empty() {
            self.hold = None;
            return Poll::Ready(None);
        }
        let chunk =
            if self.data.len() <= CHUNK { std::mem::take(&mut self.data) } else { self.data.split_to(CHUNK) };
        if self.data.is_empty() {
            // The last chunk is out of the body: what it held is the connection's to write now.
            self.hold = None;
        }
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.len() as u64)
    }
}

/// What the answers waiting for their clients may hold in all: an answer larger than [`CHUNK`] takes its
/// size from the budget until it is handed out; when the budget cannot give it, the answer is dropped at
/// once and the request refused 503 `CSMS.9503` with `Retry-After`, so that clients that send requests
/// and never read cannot make the service hold more than the budget (HTTP/1.1 has no flow control of its
/// own; HTTP/2's bounds what it buffers per stream, not the answer).
#[derive(Debug, Clone)]
pub(crate) struct AnswerBudget {
    bytes: std::sync::Arc<tokio::sync::Semaphore>,
    total: usize,
}

impl AnswerBudget {
    /// A budget of `total` bytes.
    pub(crate) fn new(total: usize) -> Self {
        let total = total.max(CHUNK);
        AnswerBudget { bytes: std::sync::Arc::new(tokio::sync::Semaphore::new(total)), total }
    }

    /// `response` with its share of the budget, or `None` when the budget cannot give it now.
    pub(crate) fn admit(
        &self,
        mut response: http::Response<ResponseBody>,
    ) -> Option<http::Response<ResponseBody>> {
        let size = response.body().len();
        if size <= CHUNK {
            return Some(response);
        }
        let share = u32::try_from(size.min(self.total)).unwrap_or(u32::MAX);
        let permit = std::sync::Arc::clone(&self.bytes).try_acquire_many_owned(share).ok()?;
        response.body_mut().hold = Some(permit);
        Some(response)
    }

    /// Bytes of the budget held by answers not yet handed out.
    pub(crate) fn held(&self) -> usize {
        self.total - self.bytes.available_permits()
    }
}

/// A response with a JSON body already written, and its status: the one way the service builds a JSON
/// answer.
pub(crate) fn raw_json(status: http::StatusCode, body: impl Into<Bytes>) -> http::Response<ResponseBody> {
    let mut response = http::Response::new(ResponseBody::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    response
}
