//! The PostgreSQL side of the secrets: the primitive reads and writes the shared rules run on, in one
//! transaction that locks what it reads to write.

use csms_model::{Event, Secret, SecretTask, StringEnum};
use deadpool_postgres::Transaction;

use super::lock_count;
use crate::secrets::{self as rules, Notice, SecretTx, VersionRow};
use crate::{StoreError, StoreResult, decode, decode_secret};

/// One PostgreSQL transaction, as a secret transaction: the rows it reads to write are locked.
pub(super) struct PostgresTx<'a>(pub(super) &'a Transaction<'a>);

impl SecretTx for PostgresTx<'_> {
    async fn secret(&mut self, project: &str, name: &str) -> StoreResult<Option<Secret>> {
        let row = self
            .0
            .query_opt(
                "SELECT doc FROM secrets WHERE project = $1 AND name = $2 FOR UPDATE",
                &[&project, &name],
            )
            .await?;
        row.map(|r| decode_secret(r.get(0))).transpose()
    }

    async fn secret_count(&mut self, project: &str) -> StoreResult<u64> {
        // Creates of the project serialise on its count row.
        lock_count(self.0, project).await?;
        let count: i64 =
            self.0.query_one("SELECT count(*) FROM secrets WHERE project = $1", &[&project]).await?.get(0);
        Ok(count as u64)
    }

    async fn event_exists(&mut self, project: &str, event: &str) -> StoreResult<bool> {
        // FOR SHARE: a concurrent DeleteSecretEvent (FOR UPDATE) waits for this transaction, and then sees
        // its subscription; or it deleted first, and the row is not found here.
        let row = self
            .0
            .query_opt("SELECT 1 FROM events WHERE project = $1 AND name = $2 FOR SHARE", &[&project, &event])
            .await?;
        Ok(row.is_some())
    }

    async fn put_secret(&mut self, project: &str, secret: &Secret, new: bool) -> StoreResult<()> {
        let sql = if new {
            "INSERT INTO secrets (project, name, event_name, doc, delete_at) VALUES ($1, $2, $3, $4, $5)"
        } else {
            "UPDATE secrets SET event_name = $3, doc = $4, delete_at = $5 WHERE project = $1 AND name = $2"
        };
        let doc = serde_json::to_string(secret)?;
        let delete_at = rules::delete_at(secret);
        self.0
            .execute(sql, &[&project, &secret.name, &secret.event_subscriptions.first(), &doc, &delete_at])
            .await
            .map_err(|e| match e.code() {
                Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => StoreError::AlreadyExists,
                _ => e.into(),
            })?;
        Ok(())
    }

    async fn remove_secret(&mut self, project: &str, name: &str) -> StoreResult<()> {
        self.0.execute("DELETE FROM secrets WHERE project = $1 AND name = $2", &[&project, &name]).await?;
        self.0
            .execute("DELETE FROM secret_versions WHERE project = $1 AND secret = $2", &[&project, &name])
            .await?;
        Ok(())
    }

    async fn versions(&mut self, project: &str, secret: &str) -> StoreResult<Vec<VersionRow>> {
        let rows = self
            .0
            .query(
                "SELECT seq, doc FROM secret_versions WHERE project = $1 AND secret = $2 ORDER BY seq",
                &[&project, &secret],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let mut row: VersionRow = serde_json::from_str(r.get(1))?;
                row.seq = r.get(0);
                Ok(row)
            })
            .collect()
    }

    async fn sealed_value(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<Option<Vec<u8>>> {
        let row = self
            .0
            .query_opt(
                "SELECT value FROM secret_versions WHERE project = $1 AND secret = $2 AND seq = $3",
                &[&project, &secret, &seq],
            )
            .await?;
        Ok(row.map(|r| r.get(0)))
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
            Some(sealed) => {
                self.0
                    .execute(
                        "INSERT INTO secret_versions (project, secret, seq, doc, value, expire_at)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                        &[&project, &secret, &row.seq, &doc, &sealed, &row.expiry_due()],
                    )
                    .await?
            }
            None => {
                self.0
                    .execute(
                        "UPDATE secret_versions SET doc = $4, expire_at = $5
                         WHERE project = $1 AND secret = $2 AND seq = $3",
                        &[&project, &secret, &row.seq, &doc, &row.expiry_due()],
                    )
                    .await?
            }
        };
        Ok(())
    }

    async fn remove_version(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<()> {
        self.0
            .execute(
                "DELETE FROM secret_versions WHERE project = $1 AND secret = $2 AND seq = $3",
                &[&project, &secret, &seq],
            )
            .await?;
        Ok(())
    }

    async fn event(&mut self, project: &str, name: &str) -> StoreResult<Option<Event>> {
        let row = self
            .0
            .query_opt("SELECT version, doc FROM events WHERE project = $1 AND name = $2", &[&project, &name])
            .await?;
        Ok(row.map(|r| decode(r.get(0), r.get(1))).transpose()?.map(|stored| stored.event))
    }

    async fn enqueue(&mut self, project: &str, notice: &Notice, next_at: i64) -> StoreResult<()> {
        self.0
            .execute(
                "INSERT INTO outbox (project, doc, next_at) VALUES ($1, $2, $3)",
                &[&project, &serde_json::to_string(notice)?, &next_at],
            )
            .await?;
        Ok(())
    }

    async fn task(&mut self, project: &str, id: &str) -> StoreResult<Option<(SecretTask, Option<String>)>> {
        let row = self
            .0
            .query_opt(
                "SELECT doc, request_id FROM tasks WHERE project = $1 AND id = $2 FOR UPDATE",
                &[&project, &id],
            )
            .await?;
        row.map(|r| Ok((serde_json::from_str(r.get(0))?, r.get(1)))).transpose()
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
                .execute(
                    "INSERT INTO tasks (project, id, status, request_id, doc) VALUES ($1, $2, $3, $4, $5)",
                    &[&project, &task.task_id, &status, &request_id, &doc],
                )
                .await?;
        } else {
            self.0
                .execute(
                    "UPDATE tasks SET status = $3, doc = $4 WHERE project = $1 AND id = $2",
                    &[&project, &task.task_id, &status, &doc],
                )
                .await?;
        }
        Ok(())
    }
}
