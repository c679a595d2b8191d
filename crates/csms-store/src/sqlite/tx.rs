//! The SQLite side of a transaction: the primitive reads and writes the rules run on, in the writer's
//! savepoint or on a read connection, synchronously, as every job runs.

use rusqlite::{Connection, OptionalExtension, params};

use crate::StoreResult;
use crate::backend::{
    ClaimedTaskRow, Due, EventRow, Lease, NoticeRow, Page, RecordRow, SecretRow, TagRow, TaskQuery, TaskRow,
    Tx, VersionRecord,
};

/// One page of a project's events after a marker: a range scan of the primary key.
pub(super) const LIST_SQL: &str =
    "SELECT name, version, doc, doc_sum FROM events WHERE project = ?1 AND name > ?2 ORDER BY name LIMIT ?3";
/// A page of a project's secrets after a marker: a range scan of the primary key.
pub(super) const SECRETS_SQL: &str =
    "SELECT name, doc FROM secrets WHERE project = ?1 AND name > ?2 ORDER BY name LIMIT ?3";
/// A page of the secrets subscribed to one event: a range scan of `secrets_by_event`.
pub(super) const SECRETS_BY_EVENT_SQL: &str = "SELECT name, doc FROM secrets
     WHERE project = ?1 AND event_name = ?4 AND name > ?2 ORDER BY name LIMIT ?3";
/// Versions whose expiry is due: a range scan of the partial index `versions_due_expiry`.
pub(super) const DUE_EXPIRIES_SQL: &str = "SELECT project, secret, seq FROM secret_versions
                                WHERE expire_at IS NOT NULL AND expire_at <= ?1 LIMIT ?2";
/// Secrets whose scheduled deletion is due: a range scan of the partial index `secrets_due_deletion`.
pub(super) const DUE_DELETIONS_SQL: &str =
    "SELECT project, name FROM secrets WHERE delete_at IS NOT NULL AND delete_at <= ?1 LIMIT ?2";
/// Secrets whose scheduled rotation is due: a range scan of the partial index `secrets_due_rotation`.
pub(super) const DUE_ROTATIONS_SQL: &str =
    "SELECT project, name FROM secrets WHERE rotate_at IS NOT NULL AND rotate_at <= ?1 LIMIT ?2";
/// The newest records of a project since a time: a range scan of `records_by_time`.
pub(super) const RECORDS_SQL: &str =
    "SELECT doc, doc_sum FROM records WHERE project = ?1 AND create_time >= ?2
                           ORDER BY create_time DESC, id DESC LIMIT ?3";

/// A page of a project's tasks, filtered: a range scan of the primary key from the marker.
pub(super) const TASKS_SQL: &str = "SELECT doc FROM tasks WHERE project = ?1 AND id > ?5
     AND (?2 IS NULL OR secret = ?2) AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR id = ?4)
     ORDER BY id LIMIT ?6";
/// How many of a project's tasks match the filters.
pub(super) const TASK_COUNT_SQL: &str = "SELECT count(*) FROM tasks WHERE project = ?1
     AND (?2 IS NULL OR secret = ?2) AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR id = ?4)";
/// The columns of a task's row, in [`task_row`]'s order.
const TASK_FIELDS: &str = "id, secret, status, request_id, version_seq, finished_at, doc, secret_id";

/// A task's row from the columns [`TASK_FIELDS`], the first at `at`.
fn task_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<TaskRow> {
    Ok(TaskRow {
        id: r.get(at)?,
        secret: r.get(at + 1)?,
        status: r.get(at + 2)?,
        request_id: r.get(at + 3)?,
        version_seq: r.get(at + 4)?,
        finished_at: r.get(at + 5)?,
        doc: r.get(at + 6)?,
        secret_id: r.get(at + 7)?,
    })
}

/// One connection, inside the writer's savepoint or on a read-only connection.
pub(super) struct SqliteTx<'a>(pub(super) &'a mut Connection);

impl SqliteTx<'_> {
    /// Runs a cached statement that writes; how many rows it changed.
    fn execute(&self, sql: &str, params: impl rusqlite::Params) -> StoreResult<usize> {
        Ok(self.0.prepare_cached(sql)?.execute(params)?)
    }

    /// Runs a cached statement that writes.
    fn run(&self, sql: &str, params: impl rusqlite::Params) -> StoreResult<()> {
        self.execute(sql, params).map(drop)
    }

    /// The rows of a cached query, each mapped by `f`.
    fn rows<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> StoreResult<Vec<T>> {
        let mut stmt = self.0.prepare_cached(sql)?;
        let rows = stmt.query_map(params, f)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The one row of a cached query, if any.
    fn row<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> StoreResult<Option<T>> {
        Ok(self.0.prepare_cached(sql)?.query_row(params, f).optional()?)
    }
}

impl Tx for SqliteTx<'_> {
    fn event(&mut self, project: &str, name: &str) -> StoreResult<Option<EventRow>> {
        self.row(
            "SELECT version, doc, doc_sum FROM events WHERE project = ?1 AND name = ?2",
            params![project, name],
            |r| Ok(EventRow { name: name.to_owned(), version: r.get(0)?, doc: r.get(1)?, sum: r.get(2)? }),
        )
    }
    fn events(&mut self, page: Page<'_>) -> StoreResult<Vec<EventRow>> {
        self.rows(LIST_SQL, params![page.project, page.after, page.limit as i64], |r| {
            Ok(EventRow { name: r.get(0)?, version: r.get(1)?, doc: r.get(2)?, sum: r.get(3)? })
        })
    }
    fn event_count(&mut self, project: &str) -> StoreResult<u64> {
        let count =
            self.row("SELECT events FROM project_counts WHERE project = ?1", [project], |r| r.get(0))?;
        Ok(count.unwrap_or(0_i64) as u64)
    }
    fn add_event_count(&mut self, project: &str, delta: i64) -> StoreResult<()> {
        self.run(
            "INSERT INTO project_counts (project, events) VALUES (?1, ?2)
             ON CONFLICT (project) DO UPDATE SET events = events + excluded.events",
            params![project, delta],
        )
    }
    fn put_event(&mut self, project: &str, row: &EventRow, new: bool) -> StoreResult<()> {
        let sql = if new {
            "INSERT INTO events (project, name, version, doc, doc_sum) VALUES (?1, ?2, ?3, ?4, ?5)"
        } else {
            "UPDATE events SET version = ?3, doc = ?4, doc_sum = ?5 WHERE project = ?1 AND name = ?2"
        };
        self.run(sql, params![project, row.name, row.version, row.doc, row.sum])
    }
    fn remove_event(&mut self, project: &str, name: &str) -> StoreResult<()> {
        self.run("DELETE FROM events WHERE project = ?1 AND name = ?2", params![project, name])
    }
    fn event_exists(&mut self, project: &str, name: &str) -> StoreResult<bool> {
        Ok(self
            .0
            .prepare_cached("SELECT 1 FROM events WHERE project = ?1 AND name = ?2")?
            .exists(params![project, name])?)
    }
    fn subscribed(&mut self, project: &str, event: &str) -> StoreResult<bool> {
        let sql = "SELECT 1 FROM secrets WHERE project = ?1 AND event_name = ?2 LIMIT 1";
        Ok(self.0.prepare_cached(sql)?.exists(params![project, event])?)
    }

    fn put_record(&mut self, project: &str, create_time: i64, row: &RecordRow) -> StoreResult<()> {
        self.run(
            "INSERT INTO records (project, create_time, doc, doc_sum) VALUES (?1, ?2, ?3, ?4)",
            params![project, create_time, row.doc, row.sum],
        )
    }
    fn records(&mut self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<RecordRow>> {
        self.rows(RECORDS_SQL, params![project, since, limit as i64], |r| {
            Ok(RecordRow { doc: r.get(0)?, sum: r.get(1)? })
        })
    }
    fn purge_records(&mut self, before: i64) -> StoreResult<u64> {
        Ok(self.execute("DELETE FROM records WHERE create_time < ?1", [before])? as u64)
    }

    fn secret(&mut self, project: &str, name: &str) -> StoreResult<Option<String>> {
        self.row("SELECT doc FROM secrets WHERE project = ?1 AND name = ?2", params![project, name], |r| {
            r.get(0)
        })
    }
    fn secret_staged(&mut self, project: &str, name: &str) -> StoreResult<Option<(String, Option<String>)>> {
        let sql = "SELECT doc, stages FROM secrets WHERE project = ?1 AND name = ?2";
        self.row(sql, params![project, name], |r| Ok((r.get(0)?, r.get(1)?)))
    }
    fn secrets(&mut self, page: Page<'_>) -> StoreResult<Vec<(String, String)>> {
        let map = |r: &rusqlite::Row<'_>| Ok((r.get(0)?, r.get(1)?));
        let (project, after, limit) = (page.project, page.after, page.limit as i64);
        match page.event {
            Some(event) => self.rows(SECRETS_BY_EVENT_SQL, params![project, after, limit, event], map),
            None => self.rows(SECRETS_SQL, params![project, after, limit], map),
        }
    }
    fn secret_count(&mut self, project: &str) -> StoreResult<u64> {
        let count = self.row("SELECT count(*) FROM secrets WHERE project = ?1", [project], |r| r.get(0))?;
        Ok(count.unwrap_or(0_i64) as u64)
    }
    fn secret_by_id(&mut self, project: &str, id: &str) -> StoreResult<Option<String>> {
        self.row("SELECT doc FROM secrets WHERE project = ?1 AND id = ?2", params![project, id], |r| r.get(0))
    }
    fn put_secret(&mut self, project: &str, row: SecretRow<'_>, new: bool) -> StoreResult<()> {
        let sql = if new {
            "INSERT INTO secrets (project, name, event_name, doc, delete_at, id, rotate_at, stages)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        } else {
            "UPDATE secrets SET event_name = ?3, doc = ?4, delete_at = ?5, id = ?6, rotate_at = ?7,
                                stages = COALESCE(?8, stages)
             WHERE project = ?1 AND name = ?2"
        };
        let values = params![
            project,
            row.name,
            row.event_name,
            row.doc,
            row.delete_at,
            row.id,
            row.rotate_at,
            row.stages
        ];
        self.run(sql, values)
    }
    fn put_secret_doc(&mut self, project: &str, name: &str, doc: &str, stages: &str) -> StoreResult<()> {
        let sql = "UPDATE secrets SET doc = ?3, stages = ?4 WHERE project = ?1 AND name = ?2";
        self.run(sql, params![project, name, doc, stages])
    }
    fn remove_secret(&mut self, project: &str, name: &str) -> StoreResult<()> {
        for table in [
            "DELETE FROM secrets WHERE project = ?1 AND name = ?2",
            "DELETE FROM secret_versions WHERE project = ?1 AND secret = ?2",
            "DELETE FROM secret_tags WHERE project = ?1 AND secret = ?2",
        ] {
            self.run(table, params![project, name])?;
        }
        Ok(())
    }
    fn versions(&mut self, project: &str, secret: &str) -> StoreResult<Vec<VersionRecord>> {
        self.rows(
            "SELECT seq, expire_at, doc FROM secret_versions WHERE project = ?1 AND secret = ?2 ORDER BY seq",
            params![project, secret],
            |r| Ok(VersionRecord { seq: r.get(0)?, expire_at: r.get(1)?, doc: r.get(2)?, sealed: None }),
        )
    }
    fn version_seqs(&mut self, project: &str, secret: &str) -> StoreResult<Vec<i64>> {
        let sql = "SELECT seq FROM secret_versions WHERE project = ?1 AND secret = ?2 ORDER BY seq";
        self.rows(sql, params![project, secret], |r| r.get(0))
    }
    fn sealed_value(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<Option<Vec<u8>>> {
        self.row(
            "SELECT value FROM secret_versions WHERE project = ?1 AND secret = ?2 AND seq = ?3",
            params![project, secret, seq],
            |r| r.get(0),
        )
    }
    fn version_with_value(
        &mut self,
        project: &str,
        secret: &str,
        seq: i64,
    ) -> StoreResult<Option<VersionRecord>> {
        self.row(
            "SELECT seq, expire_at, doc, value FROM secret_versions WHERE project = ?1 AND secret = ?2 AND seq = ?3",
            params![project, secret, seq],
            |r| Ok(VersionRecord { seq: r.get(0)?, expire_at: r.get(1)?, doc: r.get(2)?, sealed: Some(r.get(3)?) }),
        )
    }
    fn put_version(&mut self, project: &str, secret: &str, row: &VersionRecord) -> StoreResult<()> {
        let values: [&dyn rusqlite::ToSql; 6] =
            [&project, &secret, &row.seq, &row.doc, &row.expire_at, &row.sealed];
        match row.sealed {
            Some(_) => self.execute(
                "INSERT INTO secret_versions (project, secret, seq, doc, expire_at, value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                &values[..],
            )?,
            None => self.execute(
                "UPDATE secret_versions SET doc = ?4, expire_at = ?5 WHERE project = ?1 AND secret = ?2 AND seq = ?3",
                &values[..5],
            )?,
        };
        Ok(())
    }
    fn remove_version(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<()> {
        self.run(
            "DELETE FROM secret_versions WHERE project = ?1 AND secret = ?2 AND seq = ?3",
            params![project, secret, seq],
        )
    }

    fn tags(&mut self, project: &str, secret: Option<&str>) -> StoreResult<Vec<TagRow>> {
        let map = |r: &rusqlite::Row<'_>| Ok(TagRow { secret: r.get(0)?, key: r.get(1)?, value: r.get(2)? });
        match secret {
            Some(secret) => self.rows(
                "SELECT secret, key, value FROM secret_tags WHERE project = ?1 AND secret = ?2 ORDER BY key",
                params![project, secret],
                map,
            ),
            None => self.rows(
                "SELECT secret, key, value FROM secret_tags WHERE project = ?1 ORDER BY secret, key",
                [project],
                map,
            ),
        }
    }
    fn put_tag(&mut self, project: &str, tag: &TagRow) -> StoreResult<()> {
        self.run(
            "INSERT INTO secret_tags (project, secret, key, value) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (project, secret, key) DO UPDATE SET value = excluded.value",
            params![project, tag.secret, tag.key, tag.value],
        )
    }
    fn remove_tag(&mut self, project: &str, secret: &str, key: &str) -> StoreResult<bool> {
        let sql = "DELETE FROM secret_tags WHERE project = ?1 AND secret = ?2 AND key = ?3";
        Ok(self.execute(sql, params![project, secret, key])? == 1)
    }

    fn enqueue(&mut self, project: &str, doc: &str, next_at: i64) -> StoreResult<()> {
        self.run(
            "INSERT INTO outbox (project, doc, next_at) VALUES (?1, ?2, ?3)",
            params![project, doc, next_at],
        )
    }
    fn setting(&mut self, scope: &str, key: &str) -> StoreResult<Option<String>> {
        self.row("SELECT doc FROM settings WHERE scope = ?1 AND key = ?2", params![scope, key], |r| r.get(0))
    }
    fn settings(&mut self, scope: &str, prefix: &str) -> StoreResult<Vec<(String, String)>> {
        // Keys from `prefix` on, in byte order, while they start with it.
        let rows = self.rows(
            "SELECT key, doc FROM settings WHERE scope = ?1 AND key >= ?2 ORDER BY key",
            params![scope, prefix],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )?;
        Ok(rows.into_iter().take_while(|(k, _)| k.starts_with(prefix)).collect())
    }
    fn put_setting(&mut self, scope: &str, key: &str, doc: &str) -> StoreResult<()> {
        self.run(
            "INSERT INTO settings (scope, key, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (scope, key) DO UPDATE SET doc = excluded.doc",
            params![scope, key, doc],
        )
    }
    fn remove_setting(&mut self, scope: &str, key: &str) -> StoreResult<bool> {
        Ok(self.execute("DELETE FROM settings WHERE scope = ?1 AND key = ?2", params![scope, key])? == 1)
    }
    fn outbox_stats(&mut self, now: i64) -> StoreResult<(u64, Option<i64>)> {
        let stats = self.row(
            "SELECT COUNT(*), MIN(CASE WHEN next_at <= ?1 THEN next_at END) FROM outbox",
            params![now],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, Option<i64>>(1)?)),
        )?;
        Ok(stats.unwrap_or((0, None)))
    }
    fn claim_notices(&mut self, lease: Lease<'_>, limit: usize) -> StoreResult<Vec<NoticeRow>> {
        let mut rows = self.rows(
            "UPDATE outbox SET claim_owner = ?1, claim_until = ?3
             WHERE id IN (SELECT id FROM outbox WHERE next_at <= ?2
                          AND (claim_until IS NULL OR claim_until < ?2) ORDER BY id LIMIT ?4)
             RETURNING id, project, attempts, doc",
            params![lease.owner, lease.now, lease.until, limit as i64],
            |r| Ok(NoticeRow { id: r.get(0)?, project: r.get(1)?, attempts: r.get(2)?, doc: r.get(3)? }),
        )?;
        rows.sort_by_key(|n| n.id);
        Ok(rows)
    }
    fn dequeue(&mut self, owner: &str, id: i64) -> StoreResult<bool> {
        Ok(self.execute("DELETE FROM outbox WHERE id = ?1 AND claim_owner = ?2", params![id, owner])? == 1)
    }
    fn requeue(&mut self, owner: &str, id: i64, attempts: u32, next_at: i64) -> StoreResult<()> {
        self.run(
            "UPDATE outbox SET attempts = ?3, next_at = ?4, claim_owner = NULL, claim_until = NULL
             WHERE id = ?1 AND claim_owner = ?2",
            params![id, owner, attempts, next_at],
        )
    }

    fn task(&mut self, project: &str, id: &str) -> StoreResult<Option<TaskRow>> {
        let sql = format!("SELECT {TASK_FIELDS} FROM tasks WHERE project = ?1 AND id = ?2");
        self.row(&sql, params![project, id], |r| task_row(r, 0))
    }
    fn pending_task(&mut self, project: &str, secret: &str) -> StoreResult<Option<TaskRow>> {
        let sql = format!(
            "SELECT {TASK_FIELDS} FROM tasks WHERE project = ?1 AND secret = ?2 AND status = 'PENDING' LIMIT 1"
        );
        self.row(&sql, params![project, secret], |r| task_row(r, 0))
    }
    fn task_page(&mut self, query: TaskQuery<'_>) -> StoreResult<(Vec<String>, u64)> {
        let (project, limit) = (query.project, query.limit);
        let filters = params![project, query.secret, query.status, query.id];
        let total: i64 = self.row(TASK_COUNT_SQL, filters, |r| r.get(0))?.unwrap_or(0);
        let page = params![project, query.secret, query.status, query.id, query.after, limit as i64];
        Ok((self.rows(TASKS_SQL, page, |r| r.get(0))?, total as u64))
    }
    fn put_task(&mut self, project: &str, row: &TaskRow, new: bool) -> StoreResult<()> {
        if new {
            self.run(
                "INSERT INTO tasks (project, id, secret, status, request_id, version_seq, finished_at, doc, secret_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    project,
                    row.id,
                    row.secret,
                    row.status,
                    row.request_id,
                    row.version_seq,
                    row.finished_at,
                    row.doc,
                    row.secret_id
                ],
            )
        } else {
            self.run(
                "UPDATE tasks SET status = ?3, finished_at = ?4, doc = ?5 WHERE project = ?1 AND id = ?2",
                params![project, row.id, row.status, row.finished_at, row.doc],
            )
        }
    }
    fn trim_tasks(&mut self, project: &str, keep: usize) -> StoreResult<u64> {
        let sql = "DELETE FROM tasks WHERE rowid IN (SELECT rowid FROM tasks
                   WHERE project = ?1 AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT -1 OFFSET ?2)";
        Ok(self.execute(sql, params![project, keep as i64])? as u64)
    }
    fn purge_tasks(&mut self, before: i64) -> StoreResult<u64> {
        Ok(self.execute("DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at < ?1", [before])?
            as u64)
    }
    fn claim_tasks(&mut self, lease: Lease<'_>, limit: usize) -> StoreResult<Vec<ClaimedTaskRow>> {
        let sql = format!(
            "UPDATE tasks SET claim_owner = ?1, claim_until = ?3
             WHERE status = 'PENDING' AND (claim_until IS NULL OR claim_until < ?2)
               AND rowid IN (SELECT rowid FROM tasks WHERE status = 'PENDING'
                             AND (claim_until IS NULL OR claim_until < ?2) LIMIT ?4)
             RETURNING project, {TASK_FIELDS}"
        );
        self.rows(&sql, params![lease.owner, lease.now, lease.until, limit as i64], |r| {
            Ok(ClaimedTaskRow { project: r.get(0)?, row: task_row(r, 1)? })
        })
    }

    fn due(&mut self, now: i64, limit: usize) -> StoreResult<Due> {
        let expiries = self
            .rows(DUE_EXPIRIES_SQL, params![now, limit as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let pair = |r: &rusqlite::Row<'_>| Ok((r.get(0)?, r.get(1)?));
        let deletions = self.rows(DUE_DELETIONS_SQL, params![now, limit as i64], pair)?;
        let rotations = self.rows(DUE_ROTATIONS_SQL, params![now, limit as i64], pair)?;
        Ok(Due { expiries, deletions, rotations })
    }

    fn meta(&mut self, name: &str) -> StoreResult<Option<Vec<u8>>> {
        self.row("SELECT value FROM store_meta WHERE name = ?1", [name], |r| r.get(0))
    }
    fn init_meta(&mut self, name: &str, value: &[u8]) -> StoreResult<()> {
        self.run(
            "INSERT INTO store_meta (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            params![name, value],
        )
    }
}
