//! The SQLite side of the secrets: the primitive reads and writes the shared rules run on, in the
//! writer's savepoint or on a read connection, the paged listing and the master key's check.

use csms_model::{Event, Secret, SecretTask, StringEnum};
use rusqlite::{Connection, OptionalExtension, params};

use crate::secrets::{Notice, SecretTx, VersionRow, delete_at};
use crate::{Cipher, StoreResult, decode_secret, read_pages};

/// A page of a project's secrets after a marker: a range scan of the primary key.
pub(super) const LIST_SQL: &str =
    "SELECT name, doc FROM secrets WHERE project = ?1 AND name > ?2 ORDER BY name LIMIT ?3";
/// A page of the secrets subscribed to one event: a range scan of `secrets_by_event`.
pub(super) const LIST_BY_EVENT_SQL: &str = "SELECT name, doc FROM secrets
     WHERE project = ?1 AND event_name = ?4 AND name > ?2 ORDER BY name LIMIT ?3";

/// One connection, inside the writer's savepoint or on a read-only connection.
pub(super) struct SqliteTx<'a>(pub(super) &'a Connection);

pub(super) fn load(conn: &Connection, project: &str, name: &str) -> StoreResult<Option<Secret>> {
    let doc = conn
        .prepare_cached("SELECT doc FROM secrets WHERE project = ?1 AND name = ?2")?
        .query_row(params![project, name], |r| r.get::<_, String>(0))
        .optional()?;
    doc.map(|doc| decode_secret(&doc)).transpose()
}

/// Whether any secret of the project subscribes to `event`.
pub(super) fn subscribed(conn: &Connection, project: &str, event: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM secrets WHERE project = ?1 AND event_name = ?2 LIMIT 1")?
        .exists(params![project, event])?)
}

pub(super) fn list(
    conn: &Connection,
    project: &str,
    after: Option<String>,
    limit: usize,
    event: Option<&str>,
) -> StoreResult<Vec<Secret>> {
    let mut stmt = conn.prepare_cached(if event.is_some() { LIST_BY_EVENT_SQL } else { LIST_SQL })?;
    read_pages(project, "secret", after, limit, |after, wanted| {
        let map = |r: &rusqlite::Row<'_>| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?));
        let rows = match event {
            Some(event) => stmt.query_map(params![project, after, wanted as i64, event], map)?,
            None => stmt.query_map(params![project, after, wanted as i64], map)?,
        }
        .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows.into_iter().map(|(name, doc)| (name, decode_secret(&doc))).collect())
    })
}

/// Checks the master key against the one the database's values were sealed with, or records it.
pub(super) fn check_key(conn: &Connection, cipher: &Cipher) -> StoreResult<()> {
    let stored: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM store_meta WHERE name = 'key_check'", [], |r| r.get(0))
        .optional()?;
    match stored {
        Some(check) => cipher.verify_key_check(&check),
        None => {
            conn.execute(
                "INSERT INTO store_meta (name, value) VALUES ('key_check', ?1)",
                [cipher.key_check()],
            )?;
            Ok(())
        }
    }
}

fn decode_version(seq: i64, doc: &str) -> StoreResult<VersionRow> {
    let mut row: VersionRow = serde_json::from_str(doc)?;
    row.seq = seq;
    Ok(row)
}

impl SecretTx for SqliteTx<'_> {
    async fn secret(&mut self, project: &str, name: &str) -> StoreResult<Option<Secret>> {
        load(self.0, project, name)
    }

    async fn secret_count(&mut self, project: &str) -> StoreResult<u64> {
        let count: i64 = self
            .0
            .prepare_cached("SELECT count(*) FROM secrets WHERE project = ?1")?
            .query_row([project], |r| r.get(0))?;
        Ok(count as u64)
    }

    async fn event_exists(&mut self, project: &str, event: &str) -> StoreResult<bool> {
        Ok(self
            .0
            .prepare_cached("SELECT 1 FROM events WHERE project = ?1 AND name = ?2")?
            .exists(params![project, event])?)
    }

    async fn put_secret(&mut self, project: &str, secret: &Secret, new: bool) -> StoreResult<()> {
        let sql = if new {
            "INSERT INTO secrets (project, name, event_name, doc, delete_at) VALUES (?1, ?2, ?3, ?4, ?5)"
        } else {
            "UPDATE secrets SET event_name = ?3, doc = ?4, delete_at = ?5 WHERE project = ?1 AND name = ?2"
        };
        self.0.prepare_cached(sql)?.execute(params![
            project,
            secret.name,
            secret.event_subscriptions.first(),
            serde_json::to_string(secret)?,
            delete_at(secret)
        ])?;
        Ok(())
    }

    async fn remove_secret(&mut self, project: &str, name: &str) -> StoreResult<()> {
        self.0.execute("DELETE FROM secrets WHERE project = ?1 AND name = ?2", params![project, name])?;
        self.0.execute(
            "DELETE FROM secret_versions WHERE project = ?1 AND secret = ?2",
            params![project, name],
        )?;
        Ok(())
    }

    async fn versions(&mut self, project: &str, secret: &str) -> StoreResult<Vec<VersionRow>> {
        let mut stmt = self.0.prepare_cached(
            "SELECT seq, doc FROM secret_versions WHERE project = ?1 AND secret = ?2 ORDER BY seq",
        )?;
        let rows =
            stmt.query_map(params![project, secret], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|row| {
            let (seq, doc) = row?;
            decode_version(seq, &doc)
        })
        .collect()
    }

    async fn sealed_value(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<Option<Vec<u8>>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT value FROM secret_versions WHERE project = ?1 AND secret = ?2 AND seq = ?3",
            )?
            .query_row(params![project, secret, seq], |r| r.get(0))
            .optional()?)
    }

    async fn put_version(
        &mut self,
        project: &str,
        secret: &str,
        row: &VersionRow,
        sealed: Option<&[u8]>,
    ) -> StoreResult<()> {
        let doc = serde_json::to_string(row)?;
        match sealed {
            Some(sealed) => self
                .0
                .prepare_cached(
                    "INSERT INTO secret_versions (project, secret, seq, doc, value, expire_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![project, secret, row.seq, doc, sealed, row.expiry_due()])?,
            None => self
                .0
                .prepare_cached(
                    "UPDATE secret_versions SET doc = ?4, expire_at = ?5
                     WHERE project = ?1 AND secret = ?2 AND seq = ?3",
                )?
                .execute(params![project, secret, row.seq, doc, row.expiry_due()])?,
        };
        Ok(())
    }

    async fn remove_version(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<()> {
        self.0.execute(
            "DELETE FROM secret_versions WHERE project = ?1 AND secret = ?2 AND seq = ?3",
            params![project, secret, seq],
        )?;
        Ok(())
    }

    async fn event(&mut self, project: &str, name: &str) -> StoreResult<Option<Event>> {
        Ok(super::load(self.0, project, name)?.map(|stored| stored.event))
    }

    async fn enqueue(&mut self, project: &str, notice: &Notice, next_at: i64) -> StoreResult<()> {
        self.0
            .prepare_cached("INSERT INTO outbox (project, doc, next_at) VALUES (?1, ?2, ?3)")?
            .execute(params![project, serde_json::to_string(notice)?, next_at])?;
        Ok(())
    }

    async fn task(&mut self, project: &str, id: &str) -> StoreResult<Option<(SecretTask, Option<String>)>> {
        let row = self
            .0
            .prepare_cached("SELECT doc, request_id FROM tasks WHERE project = ?1 AND id = ?2")?
            .query_row(params![project, id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))
            .optional()?;
        row.map(|(doc, request_id)| Ok((serde_json::from_str(&doc)?, request_id))).transpose()
    }

    async fn put_task(
        &mut self,
        project: &str,
        task: &SecretTask,
        request_id: Option<&str>,
        new: bool,
    ) -> StoreResult<()> {
        let doc = serde_json::to_string(task)?;
        let status = task.task_status.as_str();
        if new {
            self.0
                .prepare_cached(
                    "INSERT INTO tasks (project, id, status, request_id, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![project, task.task_id, status, request_id, doc])?;
        } else {
            self.0
                .prepare_cached("UPDATE tasks SET status = ?3, doc = ?4 WHERE project = ?1 AND id = ?2")?
                .execute(params![project, task.task_id, status, doc])?;
        }
        Ok(())
    }
}
