//! The PostgreSQL side of a transaction: the primitive reads and writes the rules run on. In a write, the
//! rows read to be written are locked (`FOR UPDATE`), an event a subscription names is held shared
//! (`FOR SHARE`), and the creates and deletes of a project serialise on its row in `project_counts`.

use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Row};

use super::Wait;
use super::read::{BEGIN_READ, ReadEnd};
use crate::backend::{
    ClaimedTaskRow, Due, EventRow, Lease, NoticeRow, Page, RecordRow, SecretRow, TagRow, TaskQuery, TaskRow,
    Tx, VersionRecord,
};
use crate::{StoreError, StoreResult};

/// A write's transaction (`lock`: its reads lock what they read) or a read's connection, used from a
/// blocking thread: each statement's future is driven to its end there, within the operation's deadline
/// (`wait`), while the connection's own task runs on the runtime.
///
/// A read runs in one read-only `REPEATABLE READ` transaction, so that every statement of the job sees
/// the same snapshot. Its `BEGIN` is sent with its first statement, in the same round trip (pipelined,
/// [`PostgresTx::on`]), and [`ReadEnd`] ends it without waiting: a read costs no round trip more than a
/// statement without a transaction did.
pub(super) struct PostgresTx<'a, C> {
    conn: &'a C,
    lock: bool,
    wait: Wait<'a>,
    /// A read's end, which knows whether its `BEGIN` is still to be sent; `None` in a write.
    read: Option<&'a ReadEnd<'a>>,
}

impl<'a> PostgresTx<'a, tokio_postgres::Transaction<'a>> {
    /// The primitives of a write transaction.
    pub(super) fn write(tx: &'a tokio_postgres::Transaction<'a>, wait: Wait<'a>) -> Self {
        PostgresTx { conn: tx, lock: true, wait, read: None }
    }
}

impl<'a> PostgresTx<'a, tokio_postgres::Client> {
    /// The primitives of a read on `end`'s connection, on one snapshot begun with its first statement.
    pub(super) fn read(end: &'a ReadEnd<'a>, wait: Wait<'a>) -> Self {
        PostgresTx { conn: end.client(), lock: false, wait, read: Some(end) }
    }
}

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

/// A task's row from the columns `id, secret, status, request_id, version_seq, finished_at, doc,
/// secret_id`, the
/// first at `at`.
fn task_row(r: &Row, at: usize) -> TaskRow {
    TaskRow {
        id: r.get(at),
        secret: r.get(at + 1),
        status: r.get(at + 2),
        request_id: r.get(at + 3),
        version_seq: r.get(at + 4),
        finished_at: r.get(at + 5),
        doc: r.get(at + 6),
        secret_id: r.get(at + 7),
    }
}

/// A name already taken is a refusal, not a failure of the backend.
fn taken(e: tokio_postgres::Error) -> StoreError {
    match e.code() {
        Some(&SqlState::UNIQUE_VIOLATION) => StoreError::AlreadyExists,
        _ => e.into(),
    }
}

impl<C: GenericClient + Sync> PostgresTx<'_, C> {
    /// `sql`, with ` FOR UPDATE` in a write.
    fn locked<'s>(&self, sql: &'s str, locked: &'s str) -> &'s str {
        if self.lock { locked } else { sql }
    }

    /// Waits for `statement`; a read's first is sent right behind its transaction's `BEGIN`, whose
    /// answer is then waited for too.
    fn on<T>(
        &self,
        statement: impl std::future::Future<Output = Result<T, tokio_postgres::Error>>,
        error: impl FnOnce(tokio_postgres::Error) -> StoreError,
    ) -> StoreResult<T> {
        match self.read {
            Some(read) if !read.begun().swap(true, std::sync::atomic::Ordering::Relaxed) => {}
            _ => return self.wait.on(statement, error),
        }
        self.wait.on(
            async {
                let mut begin = std::pin::pin!(self.conn.batch_execute(BEGIN_READ));
                // Its first poll sends `BEGIN`; the statement goes out after it, in the same round trip.
                let begun = std::future::poll_fn(|cx| std::task::Poll::Ready(begin.as_mut().poll(cx))).await;
                let outcome = statement.await;
                match begun {
                    std::task::Poll::Ready(begun) => begun?,
                    std::task::Poll::Pending => begin.await?,
                }
                outcome
            },
            error,
        )
    }

    fn execute(&self, sql: &str, params: Params<'_>) -> StoreResult<u64> {
        self.on(self.conn.execute(sql, params), StoreError::from)
    }

    /// [`Self::execute`] where a name already taken is [`StoreError::AlreadyExists`].
    fn insert(&self, sql: &str, params: Params<'_>) -> StoreResult<()> {
        self.on(self.conn.execute(sql, params), taken).map(drop)
    }

    fn run(&self, sql: &str, params: Params<'_>) -> StoreResult<()> {
        self.execute(sql, params).map(drop)
    }

    fn query(&self, sql: &str, params: Params<'_>) -> StoreResult<Vec<Row>> {
        self.on(self.conn.query(sql, params), StoreError::from)
    }

    fn query_opt(&self, sql: &str, params: Params<'_>) -> StoreResult<Option<Row>> {
        self.on(self.conn.query_opt(sql, params), StoreError::from)
    }

    /// Locks the project's count row (creating it) in a write; its count of events.
    fn lock_count(&self, project: &str) -> StoreResult<i64> {
        if self.lock {
            self.execute(
                "INSERT INTO project_counts (project, events) VALUES ($1, 0) ON CONFLICT (project) DO NOTHING",
                &[&project],
            )
            ?;
        }
        let sql = self.locked(
            "SELECT events FROM project_counts WHERE project = $1",
            "SELECT events FROM project_counts WHERE project = $1 FOR UPDATE",
        );
        Ok(self.query_opt(sql, &[&project])?.map_or(0, |r| r.get(0)))
    }
}

impl<C: GenericClient + Sync> Tx for PostgresTx<'_, C> {
    fn event(&mut self, project: &str, name: &str) -> StoreResult<Option<EventRow>> {
        let sql = self.locked(
            "SELECT version, doc, doc_sum FROM events WHERE project = $1 AND name = $2",
            "SELECT version, doc, doc_sum FROM events WHERE project = $1 AND name = $2 FOR UPDATE",
        );
        let row = self.query_opt(sql, &[&project, &name])?;
        Ok(row.map(|r| EventRow { name: name.to_owned(), version: r.get(0), doc: r.get(1), sum: r.get(2) }))
    }
    fn events(&mut self, page: Page<'_>) -> StoreResult<Vec<EventRow>> {
        let rows = self
            .query(
                "SELECT name, version, doc, doc_sum FROM events WHERE project = $1 AND name > $2 ORDER BY name LIMIT $3",
                &[&page.project, &page.after, &(page.limit as i64)],
            )
            ?;
        Ok(rows
            .iter()
            .map(|r| EventRow { name: r.get(0), version: r.get(1), doc: r.get(2), sum: r.get(3) })
            .collect())
    }
    fn event_count(&mut self, project: &str) -> StoreResult<u64> {
        Ok(self.lock_count(project)? as u64)
    }
    fn add_event_count(&mut self, project: &str, delta: i64) -> StoreResult<()> {
        self.run("UPDATE project_counts SET events = events + $2 WHERE project = $1", &[&project, &delta])
    }
    fn put_event(&mut self, project: &str, row: &EventRow, new: bool) -> StoreResult<()> {
        let sql = if new {
            "INSERT INTO events (project, name, version, doc, doc_sum) VALUES ($1, $2, $3, $4, $5)"
        } else {
            "UPDATE events SET version = $3, doc = $4, doc_sum = $5 WHERE project = $1 AND name = $2"
        };
        let params: [&(dyn tokio_postgres::types::ToSql + Sync); 5] =
            [&project, &row.name, &row.version, &row.doc, &row.sum];
        self.insert(sql, &params)?;
        Ok(())
    }
    fn remove_event(&mut self, project: &str, name: &str) -> StoreResult<()> {
        self.run("DELETE FROM events WHERE project = $1 AND name = $2", &[&project, &name])
    }
    fn event_exists(&mut self, project: &str, name: &str) -> StoreResult<bool> {
        // FOR SHARE: a concurrent DeleteSecretEvent (FOR UPDATE) waits for this transaction, and then sees
        // its subscription; or it deleted first, and the row is not found here.
        let sql = self.locked(
            "SELECT 1 FROM events WHERE project = $1 AND name = $2",
            "SELECT 1 FROM events WHERE project = $1 AND name = $2 FOR SHARE",
        );
        Ok(self.query_opt(sql, &[&project, &name])?.is_some())
    }
    fn subscribed(&mut self, project: &str, event: &str) -> StoreResult<bool> {
        let sql = "SELECT 1 FROM secrets WHERE project = $1 AND event_name = $2 LIMIT 1";
        Ok(self.query_opt(sql, &[&project, &event])?.is_some())
    }

    fn put_record(&mut self, project: &str, create_time: i64, row: &RecordRow) -> StoreResult<()> {
        self.run(
            "INSERT INTO records (project, create_time, doc, doc_sum) VALUES ($1, $2, $3, $4)",
            &[&project, &create_time, &row.doc, &row.sum],
        )
    }
    fn records(&mut self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<RecordRow>> {
        let rows = self.query(
            "SELECT doc, doc_sum FROM records WHERE project = $1 AND create_time >= $2
                 ORDER BY create_time DESC, id DESC LIMIT $3",
            &[&project, &since, &(limit as i64)],
        )?;
        Ok(rows.iter().map(|r| RecordRow { doc: r.get(0), sum: r.get(1) }).collect())
    }
    fn purge_records(&mut self, before: i64) -> StoreResult<u64> {
        self.execute("DELETE FROM records WHERE create_time < $1", &[&before])
    }

    fn secret(&mut self, project: &str, name: &str) -> StoreResult<Option<String>> {
        let sql = self.locked(
            "SELECT doc FROM secrets WHERE project = $1 AND name = $2",
            "SELECT doc FROM secrets WHERE project = $1 AND name = $2 FOR UPDATE",
        );
        Ok(self.query_opt(sql, &[&project, &name])?.map(|r| r.get(0)))
    }
    fn secret_staged(&mut self, project: &str, name: &str) -> StoreResult<Option<(String, Option<String>)>> {
        let sql = self.locked(
            "SELECT doc, stages FROM secrets WHERE project = $1 AND name = $2",
            "SELECT doc, stages FROM secrets WHERE project = $1 AND name = $2 FOR UPDATE",
        );
        Ok(self.query_opt(sql, &[&project, &name])?.map(|r| (r.get(0), r.get(1))))
    }
    fn secrets(&mut self, page: Page<'_>) -> StoreResult<Vec<(String, String)>> {
        let values: [&(dyn ToSql + Sync); 4] =
            [&page.project, &page.after, &(page.limit as i64), &page.event];
        let rows = match page.event {
            Some(_) => {
                let sql = "SELECT name, doc FROM secrets WHERE project = $1 AND event_name = $4 AND name > $2
                           ORDER BY name LIMIT $3";
                self.query(sql, &values)?
            }
            None => {
                let sql =
                    "SELECT name, doc FROM secrets WHERE project = $1 AND name > $2 ORDER BY name LIMIT $3";
                self.query(sql, &values[..3])?
            }
        };
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }
    fn secret_count(&mut self, project: &str) -> StoreResult<u64> {
        // Creates of the project serialise on its count row.
        self.lock_count(project)?;
        let row = self.query_opt("SELECT count(*) FROM secrets WHERE project = $1", &[&project])?;
        Ok(row.map_or(0, |r| r.get::<_, i64>(0)) as u64)
    }
    fn secret_by_id(&mut self, project: &str, id: &str) -> StoreResult<Option<String>> {
        let sql = self.locked(
            "SELECT doc FROM secrets WHERE project = $1 AND id = $2",
            "SELECT doc FROM secrets WHERE project = $1 AND id = $2 FOR UPDATE",
        );
        Ok(self.query_opt(sql, &[&project, &id])?.map(|r| r.get(0)))
    }
    fn put_secret(&mut self, project: &str, row: SecretRow<'_>, new: bool) -> StoreResult<()> {
        let sql = if new {
            "INSERT INTO secrets (project, name, event_name, doc, delete_at, id, rotate_at, stages)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        } else {
            "UPDATE secrets SET event_name = $3, doc = $4, delete_at = $5, id = $6, rotate_at = $7,
                                stages = COALESCE($8, stages)
             WHERE project = $1 AND name = $2"
        };
        let params: Params<'_> = &[
            &project,
            &row.name,
            &row.event_name,
            &row.doc,
            &row.delete_at,
            &row.id,
            &row.rotate_at,
            &row.stages,
        ];
        self.insert(sql, params)?;
        Ok(())
    }
    fn put_secret_doc(&mut self, project: &str, name: &str, doc: &str, stages: &str) -> StoreResult<()> {
        let sql = "UPDATE secrets SET doc = $3, stages = $4 WHERE project = $1 AND name = $2";
        self.run(sql, &[&project, &name, &doc, &stages])
    }
    fn remove_secret(&mut self, project: &str, name: &str) -> StoreResult<()> {
        for sql in [
            "DELETE FROM secrets WHERE project = $1 AND name = $2",
            "DELETE FROM secret_versions WHERE project = $1 AND secret = $2",
            "DELETE FROM secret_tags WHERE project = $1 AND secret = $2",
        ] {
            self.run(sql, &[&project, &name])?;
        }
        Ok(())
    }
    fn versions(&mut self, project: &str, secret: &str) -> StoreResult<Vec<VersionRecord>> {
        let rows = self.query(
            "SELECT seq, expire_at, doc FROM secret_versions WHERE project = $1 AND secret = $2 ORDER BY seq",
            &[&project, &secret],
        )?;
        Ok(rows
            .iter()
            .map(|r| VersionRecord { seq: r.get(0), expire_at: r.get(1), doc: r.get(2), sealed: None })
            .collect())
    }
    fn version_seqs(&mut self, project: &str, secret: &str) -> StoreResult<Vec<i64>> {
        let sql = "SELECT seq FROM secret_versions WHERE project = $1 AND secret = $2 ORDER BY seq";
        Ok(self.query(sql, &[&project, &secret])?.iter().map(|r| r.get(0)).collect())
    }
    fn sealed_value(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<Option<Vec<u8>>> {
        let sql = "SELECT value FROM secret_versions WHERE project = $1 AND secret = $2 AND seq = $3";
        Ok(self.query_opt(sql, &[&project, &secret, &seq])?.map(|r| r.get(0)))
    }
    fn version_with_value(
        &mut self,
        project: &str,
        secret: &str,
        seq: i64,
    ) -> StoreResult<Option<VersionRecord>> {
        let row = self.query_opt(
            "SELECT seq, expire_at, doc, value FROM secret_versions WHERE project = $1 AND secret = $2 AND seq = $3",
            &[&project, &secret, &seq],
        )?;
        Ok(row.map(|r| VersionRecord {
            seq: r.get(0),
            expire_at: r.get(1),
            doc: r.get(2),
            sealed: Some(r.get(3)),
        }))
    }
    fn put_version(&mut self, project: &str, secret: &str, row: &VersionRecord) -> StoreResult<()> {
        let values: [&(dyn ToSql + Sync); 6] =
            [&project, &secret, &row.seq, &row.doc, &row.expire_at, &row.sealed];
        match row.sealed {
            Some(_) => {
                let sql = "INSERT INTO secret_versions (project, secret, seq, doc, expire_at, value)
                           VALUES ($1, $2, $3, $4, $5, $6)";
                self.execute(sql, &values)?
            }
            None => {
                let sql = "UPDATE secret_versions SET doc = $4, expire_at = $5
                           WHERE project = $1 AND secret = $2 AND seq = $3";
                self.execute(sql, &values[..5])?
            }
        };
        Ok(())
    }
    fn remove_version(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<()> {
        self.run(
            "DELETE FROM secret_versions WHERE project = $1 AND secret = $2 AND seq = $3",
            &[&project, &secret, &seq],
        )
    }

    fn tags(&mut self, project: &str, secret: Option<&str>) -> StoreResult<Vec<TagRow>> {
        let rows = match secret {
            Some(secret) => {
                let sql = "SELECT secret, key, value FROM secret_tags WHERE project = $1 AND secret = $2 ORDER BY key";
                self.query(sql, &[&project, &secret])?
            }
            None => {
                let sql =
                    "SELECT secret, key, value FROM secret_tags WHERE project = $1 ORDER BY secret, key";
                self.query(sql, &[&project])?
            }
        };
        Ok(rows.iter().map(|r| TagRow { secret: r.get(0), key: r.get(1), value: r.get(2) }).collect())
    }
    fn put_tag(&mut self, project: &str, tag: &TagRow) -> StoreResult<()> {
        self.run(
            "INSERT INTO secret_tags (project, secret, key, value) VALUES ($1, $2, $3, $4)
             ON CONFLICT (project, secret, key) DO UPDATE SET value = excluded.value",
            &[&project, &tag.secret, &tag.key, &tag.value],
        )
    }
    fn remove_tag(&mut self, project: &str, secret: &str, key: &str) -> StoreResult<bool> {
        let sql = "DELETE FROM secret_tags WHERE project = $1 AND secret = $2 AND key = $3";
        Ok(self.execute(sql, &[&project, &secret, &key])? == 1)
    }

    fn enqueue(&mut self, project: &str, doc: &str, next_at: i64) -> StoreResult<()> {
        self.run(
            "INSERT INTO outbox (project, doc, next_at) VALUES ($1, $2, $3)",
            &[&project, &doc, &next_at],
        )
    }
    fn setting(&mut self, scope: &str, key: &str) -> StoreResult<Option<String>> {
        let sql = self.locked(
            "SELECT doc FROM settings WHERE scope = $1 AND key = $2",
            "SELECT doc FROM settings WHERE scope = $1 AND key = $2 FOR UPDATE",
        );
        Ok(self.query_opt(sql, &[&scope, &key])?.map(|r| r.get(0)))
    }
    fn settings(&mut self, scope: &str, prefix: &str) -> StoreResult<Vec<(String, String)>> {
        let rows = self.query(
            "SELECT key, doc FROM settings WHERE scope = $1 AND key >= $2 ORDER BY key",
            &[&scope, &prefix],
        )?;
        let rows = rows.iter().map(|r| (r.get::<_, String>(0), r.get::<_, String>(1)));
        Ok(rows.take_while(|(k, _)| k.starts_with(prefix)).collect())
    }
    fn put_setting(&mut self, scope: &str, key: &str, doc: &str) -> StoreResult<()> {
        self.run(
            "INSERT INTO settings (scope, key, doc) VALUES ($1, $2, $3)
             ON CONFLICT (scope, key) DO UPDATE SET doc = excluded.doc",
            &[&scope, &key, &doc],
        )
    }
    fn remove_setting(&mut self, scope: &str, key: &str) -> StoreResult<bool> {
        Ok(self.execute("DELETE FROM settings WHERE scope = $1 AND key = $2", &[&scope, &key])? == 1)
    }
    fn outbox_stats(&mut self, now: i64) -> StoreResult<(u64, Option<i64>)> {
        let sql = "SELECT COUNT(*), MIN(CASE WHEN next_at <= $1 THEN next_at END) FROM outbox";
        let row = self.query_opt(sql, &[&now])?;
        Ok(row.map_or((0, None), |r| (r.get::<_, i64>(0) as u64, r.get::<_, Option<i64>>(1))))
    }
    fn claim_notices(&mut self, lease: Lease<'_>, limit: usize) -> StoreResult<Vec<NoticeRow>> {
        // SKIP LOCKED: instances claiming at once take different rows; a lapsed claim is taken over.
        let rows = self.query(
            "UPDATE outbox SET claim_owner = $1, claim_until = $3
                 WHERE id IN (SELECT id FROM outbox WHERE next_at <= $2
                              AND (claim_until IS NULL OR claim_until < $2)
                              ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
                 RETURNING id, project, attempts, doc",
            &[&lease.owner, &lease.now, &lease.until, &(limit as i64)],
        )?;
        let mut rows: Vec<NoticeRow> = rows
            .iter()
            .map(|r| NoticeRow {
                id: r.get(0),
                project: r.get(1),
                attempts: r.get::<_, i32>(2) as u32,
                doc: r.get(3),
            })
            .collect();
        rows.sort_by_key(|n| n.id);
        Ok(rows)
    }
    fn dequeue(&mut self, owner: &str, id: i64) -> StoreResult<bool> {
        Ok(self.execute("DELETE FROM outbox WHERE id = $1 AND claim_owner = $2", &[&id, &owner])? == 1)
    }
    fn requeue(&mut self, owner: &str, id: i64, attempts: u32, next_at: i64) -> StoreResult<()> {
        self.run(
            "UPDATE outbox SET attempts = $3, next_at = $4, claim_owner = NULL, claim_until = NULL
             WHERE id = $1 AND claim_owner = $2",
            &[&id, &owner, &(attempts as i32), &next_at],
        )
    }

    fn task(&mut self, project: &str, id: &str) -> StoreResult<Option<TaskRow>> {
        let sql = self.locked(
            "SELECT id, secret, status, request_id, version_seq, finished_at, doc, secret_id FROM tasks
             WHERE project = $1 AND id = $2",
            "SELECT id, secret, status, request_id, version_seq, finished_at, doc, secret_id FROM tasks
             WHERE project = $1 AND id = $2 FOR UPDATE",
        );
        Ok(self.query_opt(sql, &[&project, &id])?.map(|r| task_row(&r, 0)))
    }
    fn pending_task(&mut self, project: &str, secret: &str) -> StoreResult<Option<TaskRow>> {
        let sql = "SELECT id, secret, status, request_id, version_seq, finished_at, doc, secret_id FROM tasks
                   WHERE project = $1 AND secret = $2 AND status = 'PENDING' LIMIT 1";
        Ok(self.query_opt(sql, &[&project, &secret])?.map(|r| task_row(&r, 0)))
    }
    fn task_page(&mut self, query: TaskQuery<'_>) -> StoreResult<(Vec<String>, u64)> {
        let (project, limit) = (query.project, query.limit);
        let filters = "($2::text IS NULL OR secret = $2) AND ($3::text IS NULL OR status = $3)
                       AND ($4::text IS NULL OR id = $4)";
        let count = format!("SELECT count(*) FROM tasks WHERE project = $1 AND {filters}");
        let total: i64 = self
            .query_opt(&count, &[&project, &query.secret, &query.status, &query.id])?
            .map_or(0, |r| r.get(0));
        let page = format!(
            "SELECT doc FROM tasks WHERE project = $1 AND {filters} AND id > $5 ORDER BY id LIMIT $6"
        );
        let values: Params<'_> =
            &[&project, &query.secret, &query.status, &query.id, &query.after, &(limit as i64)];
        let rows = self.query(&page, values)?;
        Ok((rows.iter().map(|r| r.get(0)).collect(), total as u64))
    }
    fn put_task(&mut self, project: &str, row: &TaskRow, new: bool) -> StoreResult<()> {
        if new {
            self.run(
                "INSERT INTO tasks (project, id, secret, status, request_id, version_seq, finished_at, doc, secret_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    &project,
                    &row.id,
                    &row.secret,
                    &row.status,
                    &row.request_id,
                    &row.version_seq,
                    &row.finished_at,
                    &row.doc,
                    &row.secret_id,
                ],
            )
        } else {
            self.run(
                "UPDATE tasks SET status = $3, finished_at = $4, doc = $5 WHERE project = $1 AND id = $2",
                &[&project, &row.id, &row.status, &row.finished_at, &row.doc],
            )
        }
    }
    fn trim_tasks(&mut self, project: &str, keep: usize) -> StoreResult<u64> {
        self.execute(
            "DELETE FROM tasks WHERE project = $1 AND id IN (SELECT id FROM tasks
             WHERE project = $1 AND finished_at IS NOT NULL ORDER BY finished_at DESC OFFSET $2)",
            &[&project, &(keep as i64)],
        )
    }
    fn purge_tasks(&mut self, before: i64) -> StoreResult<u64> {
        self.execute("DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at < $1", &[&before])
    }
    fn claim_tasks(&mut self, lease: Lease<'_>, limit: usize) -> StoreResult<Vec<ClaimedTaskRow>> {
        let rows = self.query(
            "UPDATE tasks SET claim_owner = $1, claim_until = $3
                 WHERE (project, id) IN (SELECT project, id FROM tasks WHERE status = 'PENDING'
                                         AND (claim_until IS NULL OR claim_until < $2)
                                         LIMIT $4 FOR UPDATE SKIP LOCKED)
                 RETURNING project, id, secret, status, request_id, version_seq, finished_at, doc, secret_id",
            &[&lease.owner, &lease.now, &lease.until, &(limit as i64)],
        )?;
        Ok(rows.iter().map(|r| ClaimedTaskRow { project: r.get(0), row: task_row(r, 1) }).collect())
    }

    fn due(&mut self, now: i64, limit: usize) -> StoreResult<Due> {
        let limit = limit as i64;
        let expiries = self
            .query(
                "SELECT project, secret, seq FROM secret_versions WHERE expire_at IS NOT NULL AND expire_at <= $1 LIMIT $2",
                &[&now, &limit],
            )
            ?;
        let deletions = self.query(
            "SELECT project, name FROM secrets WHERE delete_at IS NOT NULL AND delete_at <= $1 LIMIT $2",
            &[&now, &limit],
        )?;
        let rotations = self.query(
            "SELECT project, name FROM secrets WHERE rotate_at IS NOT NULL AND rotate_at <= $1 LIMIT $2",
            &[&now, &limit],
        )?;
        Ok(Due {
            expiries: expiries.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect(),
            deletions: deletions.iter().map(|r| (r.get(0), r.get(1))).collect(),
            rotations: rotations.iter().map(|r| (r.get(0), r.get(1))).collect(),
        })
    }

    fn meta(&mut self, name: &str) -> StoreResult<Option<Vec<u8>>> {
        Ok(self.query_opt("SELECT value FROM store_meta WHERE name = $1", &[&name])?.map(|r| r.get(0)))
    }
    fn init_meta(&mut self, name: &str, value: &[u8]) -> StoreResult<()> {
        self.run(
            "INSERT INTO store_meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            &[&name, &value],
        )
    }
}
