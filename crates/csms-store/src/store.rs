//! [`Store`]: the service's state (events, secrets, the outbox, rotation tasks) on any [`Backend`].
//!
//! Every operation is a job of the rules layer run in one backend transaction. The store wakes the
//! delivery worker itself once a commit has queued a notification or a task, so no caller can forget to.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::Notify;

use crate::backend::{Backend, Job, JobFuture, Output, Tx};
use crate::{Cipher, StoreResult};

/// The service's state on one backend: cheap to clone, every clone the same store.
///
/// Writes are atomic and resolve `Ok` only once durable; see the crate's documentation for the
/// operations, grouped by resource.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    backend: Box<dyn Backend>,
    /// Held apart from the backend: a job in flight keeps the key, never the backend, alive.
    cipher: Arc<Cipher>,
    work: Notify,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.describe()).finish_non_exhaustive()
    }
}

/// What a rule runs with: the transaction, the key of the secret values, and whether it queued work
/// for the worker (a notification or a rotation task).
pub(crate) struct Cx<'t> {
    pub(crate) tx: &'t mut dyn Tx,
    pub(crate) cipher: &'t Cipher,
    pub(crate) queued: bool,
}

/// The future of a rule's job, borrowing its context.
pub(crate) type Step<'a, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 'a>>;

/// Boxes a job, fixing its signature so that it borrows its transaction for any lifetime.
fn job(f: impl for<'t> FnOnce(&'t mut dyn Tx) -> JobFuture<'t> + Send + 'static) -> Job {
    Box::new(f)
}

impl Store {
    /// A store on `backend`, sealing secret values with `cipher` (the key the backend's values were
    /// sealed with: the durable backends check it when they open).
    pub fn new(backend: impl Backend, cipher: Cipher) -> Self {
        Store {
            inner: Arc::new(Inner {
                backend: Box::new(backend),
                cipher: Arc::new(cipher),
                work: Notify::new(),
            }),
        }
    }

    /// An empty store in memory, under a key made for the process: nothing survives it.
    pub fn memory() -> Self {
        Store::new(crate::MemoryBackend::new(), Cipher::ephemeral())
    }

    /// The store in the SQLite file at `path` (created if needed), its values sealed with `cipher`.
    #[cfg(feature = "sqlite")]
    pub fn sqlite(path: impl AsRef<std::path::Path>, cipher: Cipher) -> StoreResult<Self> {
        Store::sqlite_with(path, cipher, crate::SqliteOptions::default())
    }

    /// [`Store::sqlite`] with `options`.
    #[cfg(feature = "sqlite")]
    pub fn sqlite_with(
        path: impl AsRef<std::path::Path>,
        cipher: Cipher,
        options: crate::SqliteOptions,
    ) -> StoreResult<Self> {
        let backend = crate::SqliteBackend::open(path, &cipher, options)?;
        Ok(Store::new(backend, cipher))
    }

    /// The store in the PostgreSQL database at `url`, with at most `max_connections` connections, its
    /// values sealed with `cipher` (every instance on one database shares it).
    #[cfg(feature = "postgres")]
    pub async fn postgres(url: &str, max_connections: usize, cipher: Cipher) -> StoreResult<Self> {
        let backend = crate::PostgresBackend::connect(url, max_connections, &cipher).await?;
        Ok(Store::new(backend, cipher))
    }

    /// A short description for logs: the backend and where its data lives.
    pub fn describe(&self) -> String {
        self.inner.backend.describe()
    }

    /// Whether the store can serve: `Err` says why not (its database file was removed or replaced, the
    /// database does not answer). `GET /healthz` answers 503 with it.
    pub async fn health(&self) -> StoreResult<()> {
        self.inner.backend.health().await
    }

    /// Resolves once a commit of this store has queued a notification or a rotation task since the last
    /// time it resolved (the delivery worker waits on it). Notifications queued by another instance on
    /// the same database are not signalled: the worker polls for those.
    pub async fn work_queued(&self) {
        self.inner.work.notified().await;
    }

    /// Runs `op` in one write transaction; resolves once it is durable, and then wakes the worker if it
    /// queued work.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        op: impl for<'a, 'b> FnOnce(&'a mut Cx<'b>) -> Step<'a, T> + Send + 'static,
    ) -> StoreResult<T> {
        let (value, queued) = self.run(op, true).await?;
        if queued {
            self.inner.work.notify_one();
        }
        Ok(value)
    }

    /// Runs `op` on a consistent view of committed data.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        op: impl for<'a, 'b> FnOnce(&'a mut Cx<'b>) -> Step<'a, T> + Send + 'static,
    ) -> StoreResult<T> {
        Ok(self.run(op, false).await?.0)
    }

    async fn run<T: Send + 'static>(
        &self,
        op: impl for<'a, 'b> FnOnce(&'a mut Cx<'b>) -> Step<'a, T> + Send + 'static,
        write: bool,
    ) -> StoreResult<(T, bool)> {
        let cipher = Arc::clone(&self.inner.cipher);
        let job = job(move |tx| {
            Box::pin(async move {
                let mut cx = Cx { tx, cipher: &cipher, queued: false };
                let value = op(&mut cx).await?;
                Ok(Box::new((value, cx.queued)) as Output)
            })
        });
        let backend = &self.inner.backend;
        let output = if write { backend.write(job).await? } else { backend.read(job).await? };
        Ok(*output.downcast::<(T, bool)>().expect("a job answers the type the store made it with"))
    }
}
