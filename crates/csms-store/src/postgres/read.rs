//! A read's transaction on PostgreSQL: one read-only `REPEATABLE READ` snapshot per job, begun with the
//! job's first statement (`tx::PostgresTx::on`) and ended when the job's [`ReadEnd`] is dropped.

/// What begins a read's snapshot.
pub(super) const BEGIN_READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// A read's connection, whose transaction it ends when dropped, even when the job failed or panicked, so
/// that the pool's next user of the connection never finds it open: `ROLLBACK` is sent without waiting
/// for its answer (a read-only transaction has nothing to commit), and the connection runs it before
/// anything sent after it. A connection that cannot take it any more is closed, and the pool drops it.
pub(super) struct ReadEnd<'c> {
    client: &'c tokio_postgres::Client,
    /// Whether `BEGIN` has been sent.
    begun: std::sync::atomic::AtomicBool,
}

impl<'c> ReadEnd<'c> {
    pub(super) fn new(client: &'c tokio_postgres::Client) -> Self {
        ReadEnd { client, begun: false.into() }
    }

    /// The connection.
    pub(super) fn client(&self) -> &'c tokio_postgres::Client {
        self.client
    }

    /// Whether `BEGIN` has been sent: set by the read's first statement.
    pub(super) fn begun(&self) -> &std::sync::atomic::AtomicBool {
        &self.begun
    }
}

impl Drop for ReadEnd<'_> {
    fn drop(&mut self) {
        if !self.begun.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        // The first poll sends the statement; its answer is left to the connection, which drops it.
        let mut rollback = std::pin::pin!(self.client.batch_execute("ROLLBACK"));
        let _ = rollback.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
    }
}
