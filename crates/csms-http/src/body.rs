//! The body types: what the stack reads and what it answers.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use http_body::{Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};

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

/// The body of every response: one chunk of bytes (JSON, or nothing) made by the service, as the stack's
/// layers hand it out.
#[derive(Debug)]
pub struct ResponseBody(Full<Bytes>);

impl Default for ResponseBody {
    fn default() -> Self {
        Self::empty()
    }
}

impl ResponseBody {
    /// A body of these bytes.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        ResponseBody(Full::new(bytes.into()))
    }

    /// No body.
    pub fn empty() -> Self {
        Self::new(Bytes::new())
    }
}

impl http_body::Body for ResponseBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.0).poll_frame(cx).map_err(|never| match never {})
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.0.size_hint()
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
