//! The connection I/O, rewriting the bare answers hyper writes on its own for a request it cannot parse
//! (400, 414 or 431, no body, no request id: no service ever sees such a request) into the documented
//! shape: an `X-Request-Id`, and the error envelope as a JSON body. Every other byte passes unchanged.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};

use crate::io_forward::forward_read;
use bytes::Bytes;
use csms_model::{ErrorCode, ErrorResponse};
use hyper::rt::Write;

pin_project_lite::pin_project! {
    pub(crate) struct EnvelopeIo<T> {
        #[pin]
        io: T,
        peer: std::net::SocketAddr,
        // Whether a line has ended among the bytes read since the last answer (see [`LineWatch`]).
        line_ended: std::sync::Arc<AtomicBool>,
        // The rewritten answer still being written, and how much of it is out.
        pending: Option<(Bytes, usize)>,
        // A parser answer was rewritten and written: should hyper hand the same answer again, it is not
        // written twice (the connection closes after it anyway).
        answered: bool,
    }
}

impl<T> EnvelopeIo<T> {
    /// The connection `io` of `peer`; `line_ended` is its [`LineWatch`]'s.
    pub(crate) fn new(io: T, peer: std::net::SocketAddr, line_ended: Arc<AtomicBool>) -> Self {
        EnvelopeIo { io, peer, line_ended, pending: None, answered: false }
    }
}

pin_project_lite::pin_project! {
    /// The raw stream of a connection, watching whether a line has ended among the bytes read since the
    /// last answer began: a request head over the size limit whose request line never ended is a request
    /// target too long (414), not a head too large (431). Once a line has ended, reads are not looked at.
    pub(crate) struct LineWatch<S> {
        #[pin]
        stream: S,
        line_ended: Arc<AtomicBool>,
    }
}

impl<S> LineWatch<S> {
    pub(crate) fn new(stream: S) -> (Self, Arc<AtomicBool>) {
        let line_ended = Arc::new(AtomicBool::new(false));
        (LineWatch { stream, line_ended: Arc::clone(&line_ended) }, line_ended)
    }
}

impl<S: tokio::io::AsyncRead> tokio::io::AsyncRead for LineWatch<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.project();
        let before = buf.filled().len();
        let outcome = this.stream.poll_read(cx, buf);
        if !this.line_ended.load(Ordering::Relaxed) && buf.filled()[before..].contains(&b'\n') {
            this.line_ended.store(true, Ordering::Relaxed);
        }
        outcome
    }
}

impl<S: tokio::io::AsyncWrite> tokio::io::AsyncWrite for LineWatch<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.project().stream.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().stream.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().stream.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().stream.poll_shutdown(cx)
    }
}

/// The error code of a bare answer of hyper's, if `head` is one: a complete head whose status is one of
/// the parser's and whose body is empty (the service's own 400s always carry a body).
fn parser_answer(head: &[u8]) -> Option<ErrorCode> {
    if !head.ends_with(b"\r\n\r\n")
        || !head.windows(20).any(|w| w.eq_ignore_ascii_case(b"\r\ncontent-length: 0\r"))
    {
        return None;
    }
    match head.get(..13)? {
        b"HTTP/1.1 400 " | b"HTTP/1.0 400 " => Some(ErrorCode::MalformedRequest),
        b"HTTP/1.1 431 " | b"HTTP/1.0 431 " => Some(ErrorCode::HeadTooLarge),
        b"HTTP/1.1 414 " | b"HTTP/1.0 414 " => Some(ErrorCode::UriTooLong),
        _ => None,
    }
}

/// `head` with an `X-Request-Id`, a JSON content type and the envelope as its body.
fn rewrite(head: &[u8], code: ErrorCode, peer: std::net::SocketAddr) -> Bytes {
    let request_id = crate::request_id::new_request_id();
    tracing::info!(request_id, %peer, status = code.http_status(), "request refused by the HTTP parser");
    let body = serde_json::to_vec(&ErrorResponse::new(code, code.default_message())).unwrap_or_default();
    let text = String::from_utf8_lossy(&head[..head.len() - 4]);
    let mut out = String::with_capacity(head.len() + body.len() + 128);
    for line in text.split("\r\n").filter(|l| !l.to_ascii_lowercase().starts_with("content-length:")) {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(&format!(
        "content-type: application/json\r\nx-request-id: {request_id}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    ));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&body);
    Bytes::from(bytes)
}

forward_read!(EnvelopeIo);

impl<T: Write> EnvelopeIo<T> {
    /// Writes the pending rewritten answer; ready once all of it is out.
    fn poll_pending(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut this = self.project();
        while let Some((bytes, written)) = this.pending.as_mut() {
            if *written == bytes.len() {
                *this.pending = None;
                *this.answered = true;
                break;
            }
            let n = ready!(this.io.as_mut().poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: Write> Write for EnvelopeIo<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.pending.is_none()
            && let Some(code) = parser_answer(buf)
        {
            if self.answered {
                return Poll::Ready(Ok(buf.len()));
            }
            // Over the head limit before its request line ended: the request target is what is too long.
            let code = match code {
                ErrorCode::HeadTooLarge if !self.line_ended.load(Ordering::Relaxed) => ErrorCode::UriTooLong,
                code => code,
            };
            let peer = self.peer;
            let answer = if code == ErrorCode::UriTooLong && buf.get(9..12) != Some(b"414") {
                // hyper's 431 head, under the status line of a 414.
                let rest = &buf[buf.iter().position(|b| *b == b'\r').unwrap_or(buf.len())..];
                rewrite(&[&b"HTTP/1.1 414 URI Too Long"[..], rest].concat(), code, peer)
            } else {
                rewrite(buf, code, peer)
            };
            *self.as_mut().project().pending = Some((answer, 0));
        }
        // An answer begins: the next request's lines are watched anew.
        self.line_ended.store(false, Ordering::Relaxed);
        if self.pending.is_some() {
            ready!(self.as_mut().poll_pending(cx))?;
            return Poll::Ready(Ok(buf.len()));
        }
        self.project().io.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        // A bare answer of the parser is one buffer: look at it as such.
        if let [only] = bufs
            && (self.pending.is_some() || parser_answer(only).is_some())
        {
            return self.poll_write(cx, only);
        }
        self.project().io.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().poll_pending(cx))?;
        self.project().io.poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().poll_pending(cx))?;
        self.project().io.poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Should hyper hand the same bare answer again, the rewritten answer is not written twice.
    #[tokio::test]
    async fn a_bare_answer_is_rewritten_once() {
        let (ours, mut theirs) = tokio::io::duplex(1 << 16);
        let (ours, line_ended) = LineWatch::new(ours);
        let mut io =
            EnvelopeIo::new(hyper_util::rt::TokioIo::new(ours), "127.0.0.1:1".parse().unwrap(), line_ended);
        let bare = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
        for _ in 0..2 {
            let n = std::future::poll_fn(|cx| Pin::new(&mut io).poll_write(cx, bare)).await.unwrap();
            assert_eq!(n, bare.len());
        }
        drop(io);
        let mut received = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut theirs, &mut received).await.unwrap();
        assert_eq!(received.matches("HTTP/1.1 400").count(), 1, "{received}");
        assert!(received.contains("CSMS.9007"), "{received}");
    }

    #[test]
    fn only_the_parsers_bare_answers_are_rewritten() {
        let bare = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(parser_answer(bare), Some(ErrorCode::HeadTooLarge));
        let ours =
            b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 70\r\n\r\n";
        assert_eq!(parser_answer(ours), None);
        assert_eq!(parser_answer(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"), None);
        let rewritten = rewrite(bare, ErrorCode::HeadTooLarge, "127.0.0.1:1".parse().unwrap());
        let text = std::str::from_utf8(&rewritten).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(
            head.starts_with("HTTP/1.1 431 ")
                && head.contains("\r\ndate: x")
                && head.contains("x-request-id: ")
        );
        assert!(
            head.contains(&format!("content-length: {}", body.len())) && !head.contains("content-length: 0")
        );
        let parsed: ErrorResponse = serde_json::from_str(body).unwrap();
        assert_eq!(parsed.error.error_code, "CSMS.9008");
    }
}
