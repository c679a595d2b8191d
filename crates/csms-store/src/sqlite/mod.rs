//! SQLite: the embedded default.
//!
//! One file in WAL mode; a commit is acknowledged only once it survives power loss. All writes go through
//! one writer thread that takes every write waiting in its queue, runs each in its own savepoint inside
//! one transaction, and commits them together: concurrent writers share one fsync (group commit), and a
//! write that fails rolls back alone. On Linux the fsync is pipelined: a syncer thread syncs the WAL
//! while the writer applies the next batch (`writer.rs`); elsewhere the commit syncs
//! (`synchronous=FULL`). Reads run where they are called, on
//! that thread's read-only connection, each job in one read transaction (`snapshot`), and, thanks to
//! WAL, never wait behind the writer.

use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;

mod files;
mod schema;
mod tx;
mod writer;

use files::Files;
use schema::{claim, migrate};
use tx::SqliteTx;
use writer::{Reply, write_loop};

use crate::backend::{Backend, Job};
use crate::{Cipher, StoreError, StoreResult};

/// How a SQLite database is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    /// The WAL's bound, in bytes: past it, the writer checkpoints and empties the WAL before the next
    /// batch (writes wait meanwhile), so sustained writes never grow it without end. Past an eighth of
    /// it, the writer checkpoints itself, so that SQLite starts the WAL again from its beginning, and the
    /// bound is seldom reached.
    pub wal_limit: u64,
    /// Whether a commit's sync runs on a thread of its own while the writer applies the next batch
    /// (the default), or inside the commit (`synchronous=FULL`). Either way a write is acknowledged
    /// only once durable; pipelined, a concurrent read can see a commit up to one sync before it is
    /// acknowledged (docs/decisions.md).
    pub pipelined_sync: bool,
    /// Bytes of the database file that each connection maps into memory (`PRAGMA mmap_size`; 0: none,
    /// every page not in SQLite's cache is a `pread`). Mapped pages are the OS's file cache, shared by
    /// the connections; they count as file-backed resident memory, not the process's own.
    pub mmap_size: u64,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            wal_limit: DEFAULT_WAL_LIMIT,
            pipelined_sync: cfg!(target_os = "linux"),
            mmap_size: 0,
        }
    }
}

/// The WAL's bound unless configured otherwise: 64 MiB.
pub const DEFAULT_WAL_LIMIT: u64 = 64 * 1024 * 1024;

/// Events, secrets and what they fire, in one SQLite file.
pub struct SqliteBackend {
    id: u64,
    path: PathBuf,
    mmap_size: u64,
    writer: mpsc::Sender<writer::Job>,
    /// Joined on drop, after the writes queued before it: the file is closed when the backend is gone.
    writer_thread: Option<std::thread::JoinHandle<()>>,
    files: Arc<Files>,
}

impl SqliteBackend {
    /// Opens (creating if needed) the database at `path`, applies pending migrations and starts the
    /// writer thread.
    ///
    /// A file that is not a database of this service is refused, never started on: an empty (0-byte)
    /// file, or a database with other tables and no record of this service's migrations. So is a
    /// `cipher` whose key is not the one the database's values were sealed with.
    pub fn open(path: impl AsRef<Path>, cipher: &Cipher, options: SqliteOptions) -> StoreResult<Self> {
        let path = path.as_ref().to_path_buf();
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == 0) {
            return Err(StoreError::backend(format!(
                "{} is empty (0 bytes), not a database of this service: refusing to start on it \
                 (move it away to start with a fresh database)",
                path.display()
            )));
        }
        let mut conn = connect(&path, OpenFlags::default())?;
        private(&path)?;
        // The first read takes the process's lock on the file: another process holding it is told within
        // a second (a store of this process closing the file lets go in milliseconds).
        conn.busy_timeout(std::time::Duration::from_secs(1))?;
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::DatabaseBusy => {
                return Err(StoreError::backend(format!(
                    "{} is open in another process: a SQLite database is served by one process at a time \
                     (several instances share a PostgreSQL database, --database-url)",
                    path.display()
                )));
            }
            other => other?,
        };
        claim(&conn, &path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // Pipelined, the syncer thread syncs the WAL after each commit; SQLite still syncs around every
        // checkpoint and when the WAL restarts (synchronous=NORMAL in WAL mode).
        let pipelined = options.pipelined_sync && cfg!(target_os = "linux");
        conn.pragma_update(None, "synchronous", if pipelined { "NORMAL" } else { "FULL" })?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrate(&mut conn)?;
        crate::rules::check_key(&mut SqliteTx(&mut conn), cipher)?;
        // One process serves a SQLite file: claims left in it are a dead process's, free them at once.
        conn.execute_batch(
            "UPDATE outbox SET claim_owner = NULL, claim_until = NULL WHERE claim_owner IS NOT NULL;
             UPDATE tasks SET claim_owner = NULL, claim_until = NULL WHERE claim_owner IS NOT NULL;",
        )?;
        // Checkpoints run on a thread of their own, never inside a commit: an automatic checkpoint in the
        // writer stalls every write waiting behind it (tens of milliseconds on a large file).
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let restart_size = i64::try_from(writer::restart_size(options.wal_limit)).unwrap_or(i64::MAX);
        conn.pragma_update(None, "journal_size_limit", restart_size)?;
        let checkpointer = connect(&path, OpenFlags::default())?;
        checkpointer.busy_timeout(std::time::Duration::from_secs(10))?;
        let (checkpoint, checkpoints) = mpsc::sync_channel::<()>(1);
        let checkpointer = std::thread::Builder::new()
            .name("csms-sqlite-checkpointer".into())
            .spawn(move || {
                while checkpoints.recv().is_ok() {
                    // PASSIVE: copies what no reader needs, waits for nobody; the next one goes on.
                    if let Err(e) = checkpointer.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                        tracing::warn!(error = %e, "SQLite checkpoint failed");
                    }
                }
            })
            .map_err(StoreError::backend)?;
        let files = Arc::new(Files::capture(&path));
        let (writer, jobs) = mpsc::channel::<writer::Job>();
        let writer_files = Arc::clone(&files);
        let (durability, syncer) = if pipelined {
            let syncer = Arc::new(writer::Syncer::default());
            let (run, files) = (Arc::clone(&syncer), Arc::clone(&files));
            let thread = std::thread::Builder::new()
                .name("csms-sqlite-syncer".into())
                .spawn(move || run.run(&files))
                .map_err(StoreError::backend)?;
            (writer::Durability::Pipelined(syncer), Some(thread))
        } else {
            (writer::Durability::InCommit, None)
        };
        let writer_thread = std::thread::Builder::new()
            .name("csms-sqlite-writer".into())
            .spawn(move || {
                write_loop(conn, jobs, &writer_files, &checkpoint, options.wal_limit, &durability);
                // The syncer answers what the writer committed last, then ends.
                if let Some(syncer) = syncer {
                    let _ = syncer.join();
                }
                drop(checkpoint);
                let _ = checkpointer.join();
            })
            .map_err(StoreError::backend)?;
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(SqliteBackend {
            id,
            path,
            mmap_size: options.mmap_size,
            writer,
            writer_thread: Some(writer_thread),
            files,
        })
    }
}

#[async_trait]
impl Backend for SqliteBackend {
    /// Runs `job` in the writer, inside a savepoint of the next group commit; resolves after the commit.
    async fn write(&self, job: Job) -> StoreResult<()> {
        let (tx, rx) = oneshot::channel();
        let run: writer::Job = Box::new(move |conn| {
            let result = job(&mut SqliteTx(conn));
            let ok = result.is_ok();
            let reply: Reply = Box::new(move |commit| {
                let _ = tx.send(match commit {
                    Ok(()) => result,
                    Err(e) => Err(StoreError::backend(format!("commit failed: {e}"))),
                });
            });
            (ok, reply)
        });
        self.writer.send(run).map_err(|_| StoreError::backend("the SQLite writer has stopped"))?;
        rx.await.map_err(|_| StoreError::backend("the SQLite writer dropped a write"))?
    }

    /// Runs `job` on this thread's read-only connection to the file, where the caller is: a read is a few
    /// B-tree page visits in WAL mode (it never waits for the writer), cheaper than the two thread
    /// hand-offs of moving it to a blocking pool and back. Each thread keeps one connection per backend.
    async fn read(&self, job: Job) -> StoreResult<()> {
        READERS.with(|readers| {
            let mut readers = readers.borrow_mut();
            let i = match readers.iter().position(|(id, _)| *id == self.id) {
                Some(i) => i,
                None => {
                    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                    let conn = connect(&self.path, flags)?;
                    conn.busy_timeout(std::time::Duration::from_secs(10))?;
                    if self.mmap_size > 0 {
                        conn.pragma_update(
                            None,
                            "mmap_size",
                            i64::try_from(self.mmap_size).unwrap_or(i64::MAX),
                        )?;
                    }
                    readers.push((self.id, conn));
                    readers.len() - 1
                }
            };
            snapshot(&mut readers[i].1, job)
        })
    }

    fn describe(&self) -> String {
        format!("sqlite at {}", self.path.display())
    }

    async fn health(&self) -> StoreResult<()> {
        self.files.check().map_err(StoreError::backend)
    }
}

/// Runs `job` in one read transaction on `conn`: every statement of the job reads the same committed
/// state (a job that reads a secret and then its version never sees a write land between the two). The
/// WAL's read lock is then taken once per job, not once per statement; the two statements more cost
/// about what that spares (no change in show's or ShowSecretVersion's rate, docs/decisions.md).
fn snapshot(conn: &mut Connection, job: Job) -> StoreResult<()> {
    conn.prepare_cached("BEGIN")?.execute([])?;
    let outcome = job(&mut SqliteTx(conn));
    // A read-only transaction: ending it cannot lose anything, and fails only when a statement of the
    // job is still running, which the job's end has finished.
    let end = conn.prepare_cached("COMMIT").and_then(|mut s| s.execute([]));
    if end.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    outcome.and(end.map(drop).map_err(StoreError::from))
}

impl Drop for SqliteBackend {
    fn drop(&mut self) {
        // This thread's connection goes now; other threads' go with the threads.
        let _ = READERS.try_with(|readers| readers.borrow_mut().retain(|(id, _)| *id != self.id));
        // The writer ends once its queue is empty and closed; it closes its connection, and the
        // checkpointer's, before it ends. A backend opened again on the file then finds it free.
        self.writer = mpsc::channel().0;
        if let Some(thread) = self.writer_thread.take() {
            let _ = thread.join();
        }
    }
}

thread_local! {
    /// Per thread: a read-only connection per open backend (by the backend's id).
    static READERS: std::cell::RefCell<Vec<(u64, Connection)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Ids of open backends, for their threads' connections.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Makes the database file (and its WAL, if there is one yet) readable and writable by the owner alone:
/// it holds sealed values and every event, as the master key file beside it is 0600. SQLite gives the WAL
/// it creates the database file's mode.
fn private(path: &Path) -> StoreResult<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        for file in [path, Path::new(&wal)] {
            match std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(StoreError::backend(e)),
                _ => {}
            }
        }
    }
    let _ = path;
    Ok(())
}

/// The VFS of every connection: `unix-excl`, where the platform has it. The first connection takes a
/// lock on the file for the whole process, so no other process can open it while this one serves it,
/// and the connections of the process share the WAL index in memory: beginning and ending a read
/// transaction takes no `fcntl` lock (that was a fifth of a read's cost). Durability is the same: the
/// WAL is a file, and a restart rebuilds the index from it.
#[cfg(unix)]
const VFS: Option<&str> = Some("unix-excl");
#[cfg(not(unix))]
const VFS: Option<&str> = None;

/// Opens a connection to the file at `path` through [`VFS`], with the query planner's stability
/// guarantee on: a statement's plan never depends on the values bound to it. Without it, SQLite plans
/// a `LIMIT ?` or an `ORDER BY` under `project = ?` on the bound value and prepares the statement again
/// whenever that value is bound anew, and the statement cache clears bindings: a parse and a plan per
/// listed page (a seventh of a list request). Every statement here has one right plan anyway.
fn connect(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    let conn = match VFS {
        Some(vfs) => Connection::open_with_flags_and_vfs(path, flags, vfs),
        None => Connection::open_with_flags(path, flags),
    }?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(conn)
}

#[cfg(test)]
mod tests;
