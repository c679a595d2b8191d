//! A write timeout on a connection: a client that stops reading (its socket buffer full, so every write
//! waits) is disconnected once no byte could be written for the timeout, freeing what its responses hold.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::io_forward::forward_read;
use hyper::rt::Write;
use tokio::time::Sleep;

pin_project_lite::pin_project! {
    pub(crate) struct WriteTimeoutIo<T> {
        #[pin]
        io: T,
        timeout: Duration,
        // Started when a write first waits; cleared by any progress.
        stalled: Option<Pin<Box<Sleep>>>,
    }
}

impl<T> WriteTimeoutIo<T> {
    pub(crate) fn new(io: T, timeout: Duration) -> Self {
        WriteTimeoutIo { io, timeout, stalled: None }
    }
}

forward_read!(WriteTimeoutIo);

impl<T> WriteTimeoutIo<T> {
    /// Passes a write's outcome through: progress clears the clock, waiting starts it, and a wait past the
    /// timeout fails the write.
    fn watch<R>(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        outcome: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        let this = self.project();
        if outcome.is_ready() {
            *this.stalled = None;
            return outcome;
        }
        let timeout = *this.timeout;
        let stalled = this.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the client read nothing for {} s", timeout.as_secs_f64()),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: Write> Write for WriteTimeoutIo<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let outcome = self.as_mut().project().io.poll_write(cx, buf);
        self.watch(cx, outcome)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let outcome = self.as_mut().project().io.poll_write_vectored(cx, bufs);
        self.watch(cx, outcome)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let outcome = self.as_mut().project().io.poll_flush(cx);
        self.watch(cx, outcome)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().io.poll_shutdown(cx)
    }
}
