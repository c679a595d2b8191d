//! [`Store`]: the service's state (events, secrets, the outbox, rotation tasks) on any [`Backend`].
//!
//! Every operation is a job of the rules layer run in one backend transaction. The store wakes the
//! delivery worker itself once a commit has queued a notification or a task, so no caller can forget to.

use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use crate::backend::{Backend, Job, Tx};
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
    backend: Arc<dyn Backend>,
    /// The thread of long reads (see `scans.rs`).
    scans: crate::scans::Scans,
    /// Held apart from the backend: a job in flight keeps the key, never the backend, alive.
    cipher: Arc<Cipher>,
    /// KMS keys as last read, their material unwrapped (see `rules::shared::kms::KeyCache`).
    keys: Arc<crate::rules::KeyCache>,
    work: Notify,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.describe()).finish_non_exhaustive()
    }
}

/// How a job runs: a write transaction, a read where the caller is, or a long read on its own thread.
#[derive(Clone, Copy)]
enum Mode {
    Write,
    Read,
    Scan,
}

/// What a rule runs with: the transaction, the key of the secret values, and whether it queued work
/// for the worker (a notification or a rotation task).
pub(crate) struct Cx<'t> {
    pub(crate) tx: &'t mut dyn Tx,
    pub(crate) cipher: &'t Cipher,
    pub(crate) keys: &'t crate::rules::KeyCache,
    pub(crate) queued: bool,
}

/// Runs a job of a store method: `$store.write(args..)` or `$store.read(args..)`, where each argument is
/// a `&str` that the job owns (it may outlive the call: a SQLite write runs on the writer thread) and
/// borrows again under the same name inside `$body`. The one shape of every store method:
///
/// ```text
/// job!(self.read(project, name), |cx| existing(cx.tx, project, name))
/// ```
macro_rules! job {
    ($store:ident.$mode:ident($($arg:ident),* $(,)?), |$cx:ident| $body:expr) => {{
        $(let $arg = $arg.to_owned();)*
        $store.$mode(move |$cx| { $(let $arg: &str = &$arg;)* $body }).await
    }};
}
pub(crate) use job;

impl Store {
    /// A store on `backend`, sealing secret values with `cipher` (the key the backend's values were
    /// sealed with: the durable backends check it when they open).
    pub fn new(backend: impl Backend, cipher: Cipher) -> Self {
        Store {
            inner: Arc::new(Inner {
                backend: Arc::new(backend),
                scans: crate::scans::Scans::default(),
                cipher: Arc::new(cipher),
                keys: Arc::default(),
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
        op: impl FnOnce(&mut Cx<'_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let (value, queued) = self.run(op, Mode::Write).await?;
        if queued {
            self.inner.work.notify_one();
        }
        Ok(value)
    }

    /// Runs `op` on a consistent view of committed data.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        op: impl FnOnce(&mut Cx<'_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        Ok(self.run(op, Mode::Read).await?.0)
    }

    /// Runs `op`, a read that walks a whole project, on the thread of long reads (see `scans.rs`), so
    /// that it delays no point read.
    pub(crate) async fn scan<T: Send + 'static>(
        &self,
        op: impl FnOnce(&mut Cx<'_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        Ok(self.run(op, Mode::Scan).await?.0)
    }

    /// Runs `op` as a backend job. The backend's job answers nothing but success or failure; what `op`
    /// answers waits in a slot of its own type until the backend has committed (or failed), so no value
    /// crosses the backend untyped.
    async fn run<T: Send + 'static>(
        &self,
        op: impl FnOnce(&mut Cx<'_>) -> StoreResult<T> + Send + 'static,
        mode: Mode,
    ) -> StoreResult<(T, bool)> {
        let slot = Arc::new(Mutex::new(None));
        let (cipher, keys, answer) =
            (Arc::clone(&self.inner.cipher), Arc::clone(&self.inner.keys), Arc::clone(&slot));
        let job: Job = Box::new(move |tx: &mut dyn Tx| {
            let mut cx = Cx { tx, cipher: &cipher, keys: &keys, queued: false };
            let value = op(&mut cx)?;
            *answer.lock().unwrap_or_else(|p| p.into_inner()) = Some((value, cx.queued));
            Ok(())
        });
        let backend = &self.inner.backend;
        match mode {
            Mode::Write => backend.write(job).await?,
            Mode::Read => backend.read(job).await?,
            Mode::Scan => self.inner.scans.read(backend, job).await?,
        }
        let answered = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
        answered.ok_or_else(|| crate::StoreError::backend("a job ended without answering"))
    }
}
