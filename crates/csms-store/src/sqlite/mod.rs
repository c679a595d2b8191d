//! SQLite: the embedded default.
//!
//! One file in WAL mode with `synchronous=FULL`, so a commit survives power loss once acknowledged. All
//! writes go through one writer thread that takes every write waiting in its queue, runs each in its own
//! savepoint inside one transaction, and commits them together: concurrent writers share one fsync
//! (group commit), and a write that fails rolls back alone. Reads run where they are called, on
//! that thread's read-only connection, and, thanks to WAL, never wait behind the writer.

use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

use async_trait::async_trait;
use csms_model::{
    Event, NotificationStatus, Record, Secret, SecretTask, UpdateSecretEventRequestBody,
    UpdateSecretRequestBody, Version, VersionMetadata,
};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use tokio::sync::oneshot;

mod files;
mod schema;
mod secrets;
mod writer;

use files::Files;
use schema::{claim, migrate};
use writer::{Job, Reply, write_loop};

use crate::secrets as rules;
use crate::{
    Cipher, ClaimedTask, EventDocument, EventStore, NewVersion, Notice, Origin, Payload, Precondition,
    Revision, RotationOutcome, StoreError, StoreResult, Stored, StoredDocument, TaskFilter, check_document,
    decode, plan_delete, plan_update, read_pages, readable_record, readable_record_document,
};
use secrets::SqliteTx;

/// One page of a project's events after a marker: a range scan of the primary key.
const LIST_SQL: &str =
    "SELECT name, version, doc FROM events WHERE project = ?1 AND name > ?2 ORDER BY name LIMIT ?3";
/// Versions whose expiry is due: a range scan of the partial index `versions_due_expiry`.
const DUE_EXPIRIES_SQL: &str = "SELECT project, secret, seq FROM secret_versions
                                WHERE expire_at IS NOT NULL AND expire_at <= ?1 LIMIT ?2";
/// Secrets whose scheduled deletion is due: a range scan of the partial index `secrets_due_deletion`.
const DUE_DELETIONS_SQL: &str =
    "SELECT project, name FROM secrets WHERE delete_at IS NOT NULL AND delete_at <= ?1 LIMIT ?2";
/// The newest records of a project since a time: a range scan of `records_by_time`.
const RECORDS_SQL: &str = "SELECT doc FROM records WHERE project = ?1 AND create_time >= ?2
                           ORDER BY create_time DESC, id DESC LIMIT ?3";

/// Events in one SQLite file.
pub struct SqliteStore {
    id: u64,
    path: PathBuf,
    writer: mpsc::Sender<Job>,
    /// Joined on drop, after the writes queued before it: the file is closed when the store is gone.
    writer_thread: Option<std::thread::JoinHandle<()>>,
    files: Arc<Files>,
    cipher: Cipher,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, applies pending migrations and starts the
    /// writer thread. Secret values are sealed with `cipher`.
    ///
    /// A file that is not a database of this service is refused, never started on: an empty (0-byte)
    /// file, or a database with other tables and no record of this service's migrations. So is a
    /// `cipher` whose key is not the one the database's values were sealed with.
    pub fn open(path: impl AsRef<Path>, cipher: Cipher) -> StoreResult<Self> {
        let path = path.as_ref().to_path_buf();
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == 0) {
            return Err(StoreError::backend(format!(
                "{} is empty (0 bytes), not a database of this service: refusing to start on it \
                 (move it away to start with a fresh database)",
                path.display()
            )));
        }
        let mut conn = connect(&path, OpenFlags::default())?;
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
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrate(&mut conn)?;
        secrets::check_key(&conn, &cipher)?;
        // One process serves a SQLite file: claims left in it are a dead process's, free them at once.
        conn.execute_batch(
            "UPDATE outbox SET claim_owner = NULL, claim_until = NULL WHERE claim_owner IS NOT NULL;
             UPDATE tasks SET claim_owner = NULL, claim_until = NULL WHERE claim_owner IS NOT NULL;",
        )?;
        // Checkpoints run on a thread of their own, never inside a commit: an automatic checkpoint in the
        // writer stalls every write waiting behind it (tens of milliseconds on a large file).
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
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
        let (writer, jobs) = mpsc::channel::<Job>();
        let writer_files = Arc::clone(&files);
        let writer_thread = std::thread::Builder::new()
            .name("csms-sqlite-writer".into())
            .spawn(move || {
                write_loop(conn, jobs, &writer_files, &checkpoint);
                drop(checkpoint);
                let _ = checkpointer.join();
            })
            .map_err(StoreError::backend)?;
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(SqliteStore { id, path, writer, writer_thread: Some(writer_thread), files, cipher })
    }

    /// Runs `f` in the writer, inside a savepoint of the next group commit; resolves after the commit.
    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = f(conn);
            let ok = result.is_ok();
            let reply: Reply = Box::new(move |commit| {
                let _ = tx.send(match commit {
                    Ok(()) => result,
                    Err(e) => Err(StoreError::backend(format!("commit failed: {e}"))),
                });
            });
            (ok, reply)
        });
        self.writer.send(job).map_err(|_| StoreError::backend("the SQLite writer has stopped"))?;
        rx.await.map_err(|_| StoreError::backend("the SQLite writer dropped a write"))?
    }

    /// Runs `f` on this thread's read-only connection to the file, where the caller is: a read is a few
    /// B-tree page visits in WAL mode (it never waits for the writer), cheaper than the two thread
    /// hand-offs of moving it to a blocking pool and back. Each thread keeps one connection per store.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        READERS.with(|readers| {
            let mut readers = readers.borrow_mut();
            let conn = match readers.iter().position(|(id, _)| *id == self.id) {
                Some(i) => &readers[i].1,
                None => {
                    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                    let conn = connect(&self.path, flags)?;
                    conn.busy_timeout(std::time::Duration::from_secs(10))?;
                    readers.push((self.id, conn));
                    &readers[readers.len() - 1].1
                }
            };
            f(conn)
        })
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        // This thread's connection goes now; other threads' go with the threads.
        let _ = READERS.try_with(|readers| readers.borrow_mut().retain(|(id, _)| *id != self.id));
        // The writer ends once its queue is empty and closed; it closes its connection, and the
        // checkpointer's, before it ends. A store opened again on the file then finds it free.
        self.writer = mpsc::channel().0;
        if let Some(thread) = self.writer_thread.take() {
            let _ = thread.join();
        }
    }
}

thread_local! {
    /// Per thread: a read-only connection per open store (by the store's id).
    static READERS: std::cell::RefCell<Vec<(u64, Connection)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Ids of open stores, for their threads' connections.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

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

fn encode(event: &Event) -> StoreResult<String> {
    Ok(serde_json::to_string(event)?)
}

/// One event's row `(version, document)`, if the event exists.
fn event_row(conn: &Connection, project: &str, name: &str) -> StoreResult<Option<(i64, String)>> {
    Ok(conn
        .prepare_cached("SELECT version, doc FROM events WHERE project = ?1 AND name = ?2")?
        .query_row(params![project, name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

fn load(conn: &Connection, project: &str, name: &str) -> StoreResult<Option<Stored>> {
    event_row(conn, project, name)?.map(|(v, doc)| decode(v, &doc)).transpose()
}

/// The next `wanted` event rows `(name, version, document)` of a project after `after`, by [`LIST_SQL`]: a
/// range scan of the primary key from the marker, so the cost follows the page, not the table.
fn event_rows(
    stmt: &mut rusqlite::CachedStatement<'_>,
    project: &str,
    after: &str,
    wanted: usize,
) -> StoreResult<Vec<(String, i64, String)>> {
    let rows =
        stmt.query_map(params![project, after, wanted as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The stored documents of a project's newest records since a time (epoch ms), newest first.
fn record_rows(conn: &Connection, project: &str, since: i64, limit: usize) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached(RECORDS_SQL)?;
    let rows = stmt.query_map(params![project, since, limit as i64], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn adjust_count(conn: &Connection, project: &str, delta: i64) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO project_counts (project, events) VALUES (?1, ?2)
         ON CONFLICT (project) DO UPDATE SET events = events + excluded.events",
    )?
    .execute(params![project, delta])?;
    Ok(())
}

#[async_trait]
impl EventStore for SqliteStore {
    async fn create(&self, project: &str, event: Event, quota: u64) -> StoreResult<Stored> {
        let project = project.to_owned();
        self.write(move |conn| {
            if load(conn, &project, &event.name)?.is_some() {
                return Err(StoreError::AlreadyExists);
            }
            let count: i64 = conn
                .query_row("SELECT events FROM project_counts WHERE project = ?1", [&project], |r| r.get(0))
                .optional()?
                .unwrap_or(0);
            if count as u64 >= quota {
                return Err(StoreError::QuotaExceeded);
            }
            let stored = Stored { event, version: 1 };
            conn.prepare_cached("INSERT INTO events (project, name, version, doc) VALUES (?1, ?2, ?3, ?4)")?
                .execute(params![project, stored.event.name, 1, encode(&stored.event)?])?;
            adjust_count(conn, &project, 1)?;
            Ok(stored)
        })
        .await
    }

    async fn get(&self, project: &str, name: &str) -> StoreResult<Option<Stored>> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.read(move |conn| load(conn, &project, &name)).await
    }

    async fn get_document(&self, project: &str, name: &str) -> StoreResult<Option<StoredDocument>> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.read(move |conn| {
            event_row(conn, &project, &name)?
                .map(|(version, json)| {
                    let event_id = check_document(&json)?;
                    Ok(StoredDocument { json, revision: Revision { event_id, version: version as u64 } })
                })
                .transpose()
        })
        .await
    }

    async fn update(
        &self,
        project: &str,
        name: &str,
        patch: UpdateSecretEventRequestBody,
        precondition: Precondition,
        now: i64,
    ) -> StoreResult<Stored> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |conn| {
            let (next, changed) = plan_update(load(conn, &project, &name)?, patch, &precondition, now)?;
            if changed {
                conn.prepare_cached(
                    "UPDATE events SET version = ?3, doc = ?4 WHERE project = ?1 AND name = ?2",
                )?
                .execute(params![
                    project,
                    name,
                    next.version as i64,
                    encode(&next.event)?
                ])?;
            }
            Ok(next)
        })
        .await
    }

    async fn delete(&self, project: &str, name: &str, precondition: Precondition) -> StoreResult<()> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |conn| {
            plan_delete(load(conn, &project, &name)?, &precondition)?;
            if secrets::subscribed(conn, &project, &name)? {
                return Err(StoreError::InUse);
            }
            conn.execute("DELETE FROM events WHERE project = ?1 AND name = ?2", params![project, name])?;
            adjust_count(conn, &project, -1)
        })
        .await
    }

    async fn list(&self, project: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<Stored>> {
        let (project, after) = (project.to_owned(), after.map(str::to_owned));
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(LIST_SQL)?;
            read_pages(&project, "event", after, limit, |after, wanted| {
                let rows = event_rows(&mut stmt, &project, after, wanted)?;
                Ok(rows.into_iter().map(|(name, version, doc)| (name, decode(version, &doc))).collect())
            })
        })
        .await
    }

    async fn list_documents(
        &self,
        project: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<EventDocument>> {
        let (project, after) = (project.to_owned(), after.map(str::to_owned));
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(LIST_SQL)?;
            read_pages(&project, "event", after, limit, |after, wanted| {
                let rows = event_rows(&mut stmt, &project, after, wanted)?;
                let documents = rows.into_iter().map(|(name, _, json)| {
                    let document = check_document(&json).map(|_| EventDocument { name: name.clone(), json });
                    (name, document)
                });
                Ok(documents.collect())
            })
        })
        .await
    }

    async fn append_record(&self, project: &str, record: Record) -> StoreResult<()> {
        let project = project.to_owned();
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO records (project, create_time, doc) VALUES (?1, ?2, ?3)",
                params![project, record.create_time, serde_json::to_string(&record)?],
            )?;
            Ok(())
        })
        .await
    }

    async fn records(&self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<Record>> {
        let project = project.to_owned();
        self.read(move |conn| {
            let docs = record_rows(conn, &project, since, limit)?;
            Ok(docs.iter().filter_map(|doc| readable_record(&project, doc)).collect())
        })
        .await
    }

    async fn record_documents(&self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<String>> {
        let project = project.to_owned();
        self.read(move |conn| {
            let docs = record_rows(conn, &project, since, limit)?;
            Ok(docs.into_iter().filter_map(|doc| readable_record_document(&project, doc)).collect())
        })
        .await
    }

    async fn create_secret(
        &self,
        project: &str,
        secret: Secret,
        value: Payload,
        quota: u64,
        origin: Origin,
    ) -> StoreResult<Secret> {
        let (project, cipher) = (project.to_owned(), self.cipher.clone());
        self.write(move |conn| {
            let tx = &mut SqliteTx(conn);
            crate::ready(rules::create_secret(tx, &cipher, &project, secret, value, quota, &origin))
        })
        .await
    }

    async fn secret(&self, project: &str, name: &str) -> StoreResult<Secret> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.read(move |conn| secrets::load(conn, &project, &name)?.ok_or(StoreError::NotFound)).await
    }

    async fn list_secrets(
        &self,
        project: &str,
        after: Option<&str>,
        limit: usize,
        event: Option<&str>,
    ) -> StoreResult<Vec<Secret>> {
        let (project, after, event) =
            (project.to_owned(), after.map(str::to_owned), event.map(str::to_owned));
        self.read(move |conn| secrets::list(conn, &project, after, limit, event.as_deref())).await
    }

    async fn update_secret(
        &self,
        project: &str,
        name: &str,
        patch: UpdateSecretRequestBody,
        now: i64,
    ) -> StoreResult<Secret> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |conn| {
            crate::ready(rules::update_secret(&mut SqliteTx(conn), &project, &name, patch, now))
        })
        .await
    }

    async fn delete_secret(&self, project: &str, name: &str, origin: Origin) -> StoreResult<Secret> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |conn| {
            crate::ready(rules::delete_secret(&mut SqliteTx(conn), &project, &name, &origin))
        })
        .await
    }

    async fn schedule_secret_deletion(
        &self,
        project: &str,
        name: &str,
        at: i64,
        now: i64,
    ) -> StoreResult<Secret> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |conn| {
            crate::ready(rules::schedule_deletion(&mut SqliteTx(conn), &project, &name, at, now))
        })
        .await
    }

    async fn restore_secret(&self, project: &str, name: &str, now: i64) -> StoreResult<Secret> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |conn| crate::ready(rules::restore(&mut SqliteTx(conn), &project, &name, now))).await
    }

    async fn create_version(
        &self,
        project: &str,
        name: &str,
        value: Payload,
        new: NewVersion,
        origin: Origin,
    ) -> StoreResult<VersionMetadata> {
        let (project, name, cipher) = (project.to_owned(), name.to_owned(), self.cipher.clone());
        self.write(move |conn| {
            let tx = &mut SqliteTx(conn);
            crate::ready(rules::create_version(tx, &cipher, &project, &name, value, new, &origin))
        })
        .await
    }

    async fn list_versions(
        &self,
        project: &str,
        name: &str,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<VersionMetadata>> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.read(move |conn| {
            crate::ready(rules::list_versions(&mut SqliteTx(conn), &project, &name, after, limit))
        })
        .await
    }

    async fn version(&self, project: &str, name: &str, id: &str) -> StoreResult<Version> {
        let (project, name, id, cipher) =
            (project.to_owned(), name.to_owned(), id.to_owned(), self.cipher.clone());
        self.read(move |conn| {
            crate::ready(rules::show_version(&mut SqliteTx(conn), &cipher, &project, &name, &id))
        })
        .await
    }

    async fn update_version(
        &self,
        project: &str,
        name: &str,
        id: &str,
        expire_time: i64,
        origin: Origin,
    ) -> StoreResult<VersionMetadata> {
        let (project, name, id) = (project.to_owned(), name.to_owned(), id.to_owned());
        self.write(move |conn| {
            let tx = &mut SqliteTx(conn);
            crate::ready(rules::update_version(tx, &project, &name, &id, expire_time, &origin))
        })
        .await
    }

    async fn claim_notices(
        &self,
        owner: &str,
        now: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<Notice>> {
        let owner = owner.to_owned();
        self.write(move |conn| {
            let rows = conn
                .prepare_cached(
                    "UPDATE outbox SET claim_owner = ?1, claim_until = ?2 + ?3
                     WHERE id IN (SELECT id FROM outbox WHERE next_at <= ?2
                                  AND (claim_until IS NULL OR claim_until < ?2) ORDER BY id LIMIT ?4)
                     RETURNING id, project, attempts, doc",
                )?
                .query_map(params![owner, now, lease_ms, limit as i64], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, u32>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut notices = rows
                .into_iter()
                .map(|(id, project, attempts, doc)| {
                    Ok(Notice { id, project, attempts, ..serde_json::from_str::<Notice>(&doc)? })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            notices.sort_by_key(|n| n.id);
            Ok(notices)
        })
        .await
    }

    async fn settle_notice(
        &self,
        owner: &str,
        notice: &Notice,
        status: NotificationStatus,
    ) -> StoreResult<()> {
        let (owner, notice) = (owner.to_owned(), notice.clone());
        self.write(move |conn| {
            let removed = conn
                .prepare_cached("DELETE FROM outbox WHERE id = ?1 AND claim_owner = ?2")?
                .execute(params![notice.id, owner])?;
            if removed == 1 {
                let record = Record { notification_status: status, ..notice.record };
                conn.prepare_cached("INSERT INTO records (project, create_time, doc) VALUES (?1, ?2, ?3)")?
                    .execute(params![notice.project, record.create_time, serde_json::to_string(&record)?])?;
            }
            Ok(())
        })
        .await
    }

    async fn retry_notice(&self, owner: &str, id: i64, attempts: u32, next_at: i64) -> StoreResult<()> {
        let owner = owner.to_owned();
        self.write(move |conn| {
            conn.prepare_cached(
                "UPDATE outbox SET attempts = ?3, next_at = ?4, claim_owner = NULL, claim_until = NULL
                 WHERE id = ?1 AND claim_owner = ?2",
            )?
            .execute(params![id, owner, attempts, next_at])?;
            Ok(())
        })
        .await
    }

    async fn run_due(&self, now: i64, limit: usize) -> StoreResult<usize> {
        let (expiries, deletions) = self
            .read(move |conn| {
                let expiries = conn
                    .prepare_cached(DUE_EXPIRIES_SQL)?
                    .query_map(params![now, limit as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<Vec<(String, String, i64)>>>()?;
                let deletions = conn
                    .prepare_cached(DUE_DELETIONS_SQL)?
                    .query_map(params![now, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
                Ok((expiries, deletions))
            })
            .await?;
        let mut ran = 0;
        for (project, name, seq) in expiries {
            let fired = self
                .write(move |conn| {
                    crate::ready(rules::expire_version(&mut SqliteTx(conn), &project, &name, seq, now))
                })
                .await?;
            ran += usize::from(fired);
        }
        for (project, name) in deletions {
            let deleted = self
                .write(move |conn| {
                    crate::ready(rules::execute_deletion(&mut SqliteTx(conn), &project, &name, now))
                })
                .await?;
            ran += usize::from(deleted);
        }
        Ok(ran)
    }

    async fn purge_records(&self, before: i64) -> StoreResult<u64> {
        self.write(move |conn| {
            Ok(conn.execute("DELETE FROM records WHERE create_time < ?1", [before])? as u64)
        })
        .await
    }

    async fn create_task(
        &self,
        project: &str,
        name: &str,
        task_id: String,
        origin: Origin,
    ) -> StoreResult<(SecretTask, String)> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |conn| {
            crate::ready(rules::create_task(&mut SqliteTx(conn), &project, &name, task_id, &origin))
        })
        .await
    }

    async fn claim_tasks(
        &self,
        owner: &str,
        now: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<ClaimedTask>> {
        let owner = owner.to_owned();
        self.write(move |conn| {
            let rows = conn
                .prepare_cached(
                    "UPDATE tasks SET claim_owner = ?1, claim_until = ?2 + ?3
                     WHERE status = 'PENDING' AND (claim_until IS NULL OR claim_until < ?2)
                       AND rowid IN (SELECT rowid FROM tasks WHERE status = 'PENDING'
                                     AND (claim_until IS NULL OR claim_until < ?2) LIMIT ?4)
                     RETURNING project, doc, request_id",
                )?
                .query_map(params![owner, now, lease_ms, limit as i64], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter()
                .map(|(project, doc, request_id)| {
                    Ok(ClaimedTask { project, task: serde_json::from_str(&doc)?, request_id })
                })
                .collect()
        })
        .await
    }

    async fn finish_task(
        &self,
        project: &str,
        task_id: &str,
        outcome: RotationOutcome,
        now: i64,
    ) -> StoreResult<SecretTask> {
        let (project, task_id, cipher) = (project.to_owned(), task_id.to_owned(), self.cipher.clone());
        self.write(move |conn| {
            let tx = &mut SqliteTx(conn);
            crate::ready(rules::finish_task(tx, &cipher, &project, &task_id, outcome, now))
        })
        .await
    }

    async fn tasks(
        &self,
        project: &str,
        filter: TaskFilter,
        limit: usize,
    ) -> StoreResult<(Vec<SecretTask>, u64)> {
        let project = project.to_owned();
        self.read(move |conn| {
            let docs = conn
                .prepare_cached("SELECT doc FROM tasks WHERE project = ?1 ORDER BY id")?
                .query_map([&project], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let tasks = docs.iter().map(|doc| serde_json::from_str(doc)).collect::<Result<Vec<_>, _>>()?;
            Ok(filter.page(tasks, limit))
        })
        .await
    }

    fn describe(&self) -> String {
        format!("sqlite at {}", self.path.display())
    }

    async fn health(&self) -> StoreResult<()> {
        self.files.check().map_err(StoreError::backend)
    }
}

#[cfg(test)]
mod tests;
