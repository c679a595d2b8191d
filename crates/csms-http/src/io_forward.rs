//! The halves of a connection wrapper that pass I/O through untouched: each wrapper (`EnvelopeIo`,
//! `HeadDeadlineIo`, `WriteTimeoutIo`) changes one direction and forwards the other with these, so the
//! forwarding is written once. A wrapper is a `pin_project` struct whose wrapped I/O is its pinned field
//! `io`.

/// `impl hyper::rt::Read for $wrapper<T>`: every read goes to `io` as it is.
macro_rules! forward_read {
    ($wrapper:ident) => {
        impl<T: hyper::rt::Read> hyper::rt::Read for $wrapper<T> {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: hyper::rt::ReadBufCursor<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.project().io.poll_read(cx, buf)
            }
        }
    };
}

/// `impl hyper::rt::Write for $wrapper<T>`: every write, flush and shutdown goes to `io` as it is.
macro_rules! forward_write {
    ($wrapper:ident) => {
        impl<T: hyper::rt::Write> hyper::rt::Write for $wrapper<T> {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.project().io.poll_write(cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.project().io.poll_write_vectored(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                self.io.is_write_vectored()
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.project().io.poll_flush(cx)
            }

            fn poll_shutdown(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.project().io.poll_shutdown(cx)
            }
        }
    };
}

pub(crate) use {forward_read, forward_write};
