//! PostgreSQL: several server instances on one database behave as one service.
//!
//! Name uniqueness is the primary key; every write is one transaction that locks what it reads
//! (`FOR UPDATE`), so `If-Match` and the quota are checked inside the write. Creates and deletes of a
//! project serialise on its row in `project_counts`, which makes the quota exact under concurrency.

use std::time::Duration;

use async_trait::async_trait;
use csms_model::{
    Event, NotificationStatus, Record, Secret, SecretTask, UpdateSecretEventRequestBody,
    UpdateSecretRequestBody, Version, VersionMetadata,
};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Transaction};
use tokio_postgres::NoTls;

mod secrets;

use secrets::PostgresTx;

use crate::migrate::{self, Migration, Migrator};
use crate::secrets::{self as rules};
use crate::{
    Cipher, ClaimedTask, EventStore, NewVersion, Notice, Origin, Payload, Precondition, RotationOutcome,
    StoreError, StoreResult, Stored, TaskFilter, decode, decode_secret, plan_delete, plan_update,
    readable_page, readable_record, readable_rows,
};

/// How long one store operation may take, waiting for a connection included: a stalled or partitioned
/// database fails the request (500 `CSMS.9500`) within this time instead of holding it, and the pool
/// recovers by itself when the database answers again.
pub(crate) const OPERATION_TIMEOUT: Duration = Duration::from_secs(5);

/// Key of the advisory lock that serialises migrations of concurrently starting instances.
const MIGRATION_LOCK: i64 = 0x6373_6d73_6576_0001;

/// Events in a PostgreSQL database, through a connection pool.
pub struct PostgresStore {
    pool: Pool,
    description: String,
    cipher: Cipher,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`), with at most `max_connections`
    /// connections, and applies pending migrations. Secret values are sealed with `cipher`, whose key
    /// must be the one the database's values were sealed with (every instance on one database shares it).
    pub async fn connect(url: &str, max_connections: usize, cipher: Cipher) -> StoreResult<Self> {
        let mut config: tokio_postgres::Config = url.parse()?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(OPERATION_TIMEOUT);
        }
        let description = describe(&config);
        let manager =
            Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(max_connections)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(OPERATION_TIMEOUT))
            .create_timeout(Some(OPERATION_TIMEOUT))
            .recycle_timeout(Some(OPERATION_TIMEOUT))
            .build()?;
        let store = PostgresStore { pool, description, cipher };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> StoreResult<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
        migrate::run(&mut PostgresMigrator(&tx), "postgresql").await?;
        let check = self.cipher.key_check();
        tx.execute(
            "INSERT INTO store_meta (name, value) VALUES ('key_check', $1) ON CONFLICT (name) DO NOTHING",
            &[&check],
        )
        .await?;
        let stored: Vec<u8> =
            tx.query_one("SELECT value FROM store_meta WHERE name = 'key_check'", &[]).await?.get(0);
        self.cipher.verify_key_check(&stored)?;
        Ok(tx.commit().await?)
    }
}

/// The PostgreSQL side of the migration runner, inside one transaction holding the migration lock.
struct PostgresMigrator<'a>(&'a Transaction<'a>);

impl Migrator for PostgresMigrator<'_> {
    async fn applied(&mut self) -> StoreResult<i64> {
        self.0
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                     version     INTEGER PRIMARY KEY,
                     description TEXT NOT NULL,
                     applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
                 )",
            )
            .await?;
        let applied: i32 =
            self.0.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[]).await?.get(0);
        Ok(applied.into())
    }

    async fn apply(&mut self, version: i64, migration: &Migration) -> StoreResult<()> {
        self.0.batch_execute(migration.postgres).await?;
        self.0
            .execute(
                "INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
                &[&(version as i32), &migration.description],
            )
            .await?;
        Ok(())
    }
}

/// Runs `$body` (an async block using the transaction `$tx`) and commits if it succeeds; a failure rolls
/// back when the transaction is dropped.
macro_rules! in_transaction {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let mut client = $store.pool.get().await?;
        let $tx = client.transaction().await?;
        let value = $body.await?;
        $tx.commit().await?;
        Ok(value)
    }};
}

fn describe(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .zip(config.get_ports().iter().chain(std::iter::repeat(&5432)))
        .map(|(h, p)| match h {
            tokio_postgres::config::Host::Tcp(h) => format!("{h}:{p}"),
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(path) => format!("{}:{p}", path.display()),
        })
        .collect();
    format!("postgresql at {}/{}", hosts.join(","), config.get_dbname().unwrap_or("postgres"))
}

impl PostgresStore {
    /// `operation`, failed with a backend error after [`OPERATION_TIMEOUT`].
    async fn timed<T>(&self, operation: impl std::future::Future<Output = StoreResult<T>>) -> StoreResult<T> {
        match tokio::time::timeout(OPERATION_TIMEOUT, operation).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::backend(format!(
                "PostgreSQL did not answer within {} s",
                OPERATION_TIMEOUT.as_secs()
            ))),
        }
    }
}

impl PostgresStore {
    /// Runs one secret operation in its own transaction, within the operation deadline.
    async fn secrets<T>(
        &self,
        op: impl AsyncFnOnce(&mut PostgresTx<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.timed(async move {
            let mut client = self.pool.get().await?;
            let tx = client.transaction().await?;
            let value = op(&mut PostgresTx(&tx)).await?;
            tx.commit().await?;
            Ok(value)
        })
        .await
    }
}

async fn load_for_update(tx: &Transaction<'_>, project: &str, name: &str) -> StoreResult<Option<Stored>> {
    let row = tx
        .query_opt(
            "SELECT version, doc FROM events WHERE project = $1 AND name = $2 FOR UPDATE",
            &[&project, &name],
        )
        .await?;
    row.map(|r| decode(r.get(0), r.get(1))).transpose()
}

/// Locks the project's count row (creating it), serialising creates and deletes of the project.
async fn lock_count(tx: &Transaction<'_>, project: &str) -> StoreResult<i64> {
    tx.execute(
        "INSERT INTO project_counts (project, events) VALUES ($1, 0) ON CONFLICT (project) DO NOTHING",
        &[&project],
    )
    .await?;
    let row =
        tx.query_one("SELECT events FROM project_counts WHERE project = $1 FOR UPDATE", &[&project]).await?;
    Ok(row.get(0))
}

async fn add_count(tx: &Transaction<'_>, project: &str, delta: i64) -> StoreResult<()> {
    tx.execute("UPDATE project_counts SET events = events + $2 WHERE project = $1", &[&project, &delta])
        .await?;
    Ok(())
}

#[async_trait]
impl EventStore for PostgresStore {
    async fn create(&self, project: &str, event: Event, quota: u64) -> StoreResult<Stored> {
        self.timed(async move {
            in_transaction!(self, |tx| {
                async {
                    let tx = &tx;
                    let count = lock_count(tx, project).await?;
                    let exists = tx
                        .query_opt(
                            "SELECT 1 FROM events WHERE project = $1 AND name = $2",
                            &[&project, &event.name],
                        )
                        .await?;
                    if exists.is_some() {
                        return Err(StoreError::AlreadyExists);
                    }
                    if count as u64 >= quota {
                        return Err(StoreError::QuotaExceeded);
                    }
                    let doc = serde_json::to_string(&event)?;
                    tx.execute(
                        "INSERT INTO events (project, name, version, doc) VALUES ($1, $2, 1, $3)",
                        &[&project, &event.name, &doc],
                    )
                    .await
                    .map_err(|e| match e.code() {
                        Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => StoreError::AlreadyExists,
                        _ => e.into(),
                    })?;
                    add_count(tx, project, 1).await?;
                    Ok(Stored { event, version: 1 })
                }
            })
        })
        .await
    }

    async fn get(&self, project: &str, name: &str) -> StoreResult<Option<Stored>> {
        self.timed(async move {
            let client = self.pool.get().await?;
            let row = client
                .query_opt(
                    "SELECT version, doc FROM events WHERE project = $1 AND name = $2",
                    &[&project, &name],
                )
                .await?;
            row.map(|r| decode(r.get(0), r.get(1))).transpose()
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
        self.timed(async move {
            in_transaction!(self, |tx| {
                async {
                    let tx = &tx;
                    let (next, changed) =
                        plan_update(load_for_update(tx, project, name).await?, patch, &precondition, now)?;
                    if changed {
                        let doc = serde_json::to_string(&next.event)?;
                        tx.execute(
                            "UPDATE events SET version = $3, doc = $4 WHERE project = $1 AND name = $2",
                            &[&project, &name, &(next.version as i64), &doc],
                        )
                        .await?;
                    }
                    StoreResult::Ok(next)
                }
            })
        })
        .await
    }

    async fn delete(&self, project: &str, name: &str, precondition: Precondition) -> StoreResult<()> {
        self.timed(async move {
            in_transaction!(self, |tx| {
                async {
                    let tx = &tx;
                    lock_count(tx, project).await?;
                    plan_delete(load_for_update(tx, project, name).await?, &precondition)?;
                    // The event row is locked: a subscribe that has not committed yet holds it shared
                    // and is waited for, so this sees every subscription that will exist.
                    let subscribed = tx
                        .query_opt(
                            "SELECT 1 FROM secrets WHERE project = $1 AND event_name = $2 LIMIT 1",
                            &[&project, &name],
                        )
                        .await?;
                    if subscribed.is_some() {
                        return Err(StoreError::InUse);
                    }
                    tx.execute("DELETE FROM events WHERE project = $1 AND name = $2", &[&project, &name])
                        .await?;
                    add_count(tx, project, -1).await
                }
            })
        })
        .await
    }

    async fn list(&self, project: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<Stored>> {
        self.timed(async move {
            let client = self.pool.get().await?;
            let (mut out, mut after) = (Vec::with_capacity(limit), after.unwrap_or("").to_owned());
            while out.len() < limit {
                let wanted = limit - out.len();
                let rows = client
                    .query(
                        "SELECT name, version, doc FROM events WHERE project = $1 AND name > $2 ORDER BY name LIMIT $3",
                        &[&project, &after, &(wanted as i64)],
                    )
                    .await?;
                let rows = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
                match readable_rows(project, rows, wanted, &mut out) {
                    Some(last) => after = last,
                    None => break,
                }
            }
            Ok(out)
        })
        .await
    }

    async fn append_record(&self, project: &str, record: Record) -> StoreResult<()> {
        self.timed(async move {
            let client = self.pool.get().await?;
            let doc = serde_json::to_string(&record)?;
            client
                .execute(
                    "INSERT INTO records (project, create_time, doc) VALUES ($1, $2, $3)",
                    &[&project, &record.create_time, &doc],
                )
                .await?;
            Ok(())
        })
        .await
    }

    async fn records(&self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<Record>> {
        self.timed(async move {
            let client = self.pool.get().await?;
            let rows = client
                .query(
                    "SELECT doc FROM records WHERE project = $1 AND create_time >= $2
                     ORDER BY create_time DESC, id DESC LIMIT $3",
                    &[&project, &since, &(limit as i64)],
                )
                .await?;
            Ok(rows.iter().filter_map(|r| readable_record(project, r.get(0))).collect())
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
        let cipher = &self.cipher;
        self.secrets(async |tx| {
            rules::create_secret(tx, cipher, project, secret, value, quota, &origin).await
        })
        .await
    }

    async fn secret(&self, project: &str, name: &str) -> StoreResult<Secret> {
        self.timed(async move {
            let client = self.pool.get().await?;
            let row = client
                .query_opt("SELECT doc FROM secrets WHERE project = $1 AND name = $2", &[&project, &name])
                .await?;
            row.map(|r| decode_secret(r.get(0))).transpose()?.ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn list_secrets(
        &self,
        project: &str,
        after: Option<&str>,
        limit: usize,
        event: Option<&str>,
    ) -> StoreResult<Vec<Secret>> {
        self.timed(async move {
            let client = self.pool.get().await?;
            let (mut out, mut after) = (Vec::with_capacity(limit), after.unwrap_or("").to_owned());
            while out.len() < limit {
                let wanted = (limit - out.len()) as i64;
                let rows = match event {
                    Some(event) => {
                        client
                            .query(
                                "SELECT name, doc FROM secrets WHERE project = $1 AND event_name = $4 AND name > $2
                                 ORDER BY name LIMIT $3",
                                &[&project, &after, &wanted, &event],
                            )
                            .await?
                    }
                    None => {
                        client
                            .query(
                                "SELECT name, doc FROM secrets WHERE project = $1 AND name > $2 ORDER BY name LIMIT $3",
                                &[&project, &after, &wanted],
                            )
                            .await?
                    }
                };
                let rows = rows.iter().map(|r| (r.get(0), decode_secret(r.get(1))));
                match readable_page(project, "secret", rows, wanted as usize, &mut out) {
                    Some(last) => after = last,
                    None => break,
                }
            }
            Ok(out)
        })
        .await
    }

    async fn update_secret(
        &self,
        project: &str,
        name: &str,
        patch: UpdateSecretRequestBody,
        now: i64,
    ) -> StoreResult<Secret> {
        self.secrets(async |tx| rules::update_secret(tx, project, name, patch, now).await).await
    }

    async fn delete_secret(&self, project: &str, name: &str, origin: Origin) -> StoreResult<Secret> {
        self.secrets(async |tx| rules::delete_secret(tx, project, name, &origin).await).await
    }

    async fn schedule_secret_deletion(
        &self,
        project: &str,
        name: &str,
        at: i64,
        now: i64,
    ) -> StoreResult<Secret> {
        self.secrets(async |tx| rules::schedule_deletion(tx, project, name, at, now).await).await
    }

    async fn restore_secret(&self, project: &str, name: &str, now: i64) -> StoreResult<Secret> {
        self.secrets(async |tx| rules::restore(tx, project, name, now).await).await
    }

    async fn create_version(
        &self,
        project: &str,
        name: &str,
        value: Payload,
        new: NewVersion,
        origin: Origin,
    ) -> StoreResult<VersionMetadata> {
        let cipher = &self.cipher;
        self.secrets(async |tx| rules::create_version(tx, cipher, project, name, value, new, &origin).await)
            .await
    }

    async fn list_versions(
        &self,
        project: &str,
        name: &str,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<VersionMetadata>> {
        self.secrets(async |tx| rules::list_versions(tx, project, name, after, limit).await).await
    }

    async fn version(&self, project: &str, name: &str, id: &str) -> StoreResult<Version> {
        let cipher = &self.cipher;
        self.secrets(async |tx| rules::show_version(tx, cipher, project, name, id).await).await
    }

    async fn update_version(
        &self,
        project: &str,
        name: &str,
        id: &str,
        expire_time: i64,
        origin: Origin,
    ) -> StoreResult<VersionMetadata> {
        self.secrets(async |tx| rules::update_version(tx, project, name, id, expire_time, &origin).await)
            .await
    }

    async fn claim_notices(
        &self,
        owner: &str,
        now: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<Notice>> {
        self.timed(async move {
            let client = self.pool.get().await?;
            // SKIP LOCKED: instances claiming at once take different rows; a lapsed claim is taken over.
            let rows = client
                .query(
                    "UPDATE outbox SET claim_owner = $1, claim_until = $2 + $3
                     WHERE id IN (SELECT id FROM outbox WHERE next_at <= $2
                                  AND (claim_until IS NULL OR claim_until < $2)
                                  ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
                     RETURNING id, project, attempts, doc",
                    &[&owner, &now, &lease_ms, &(limit as i64)],
                )
                .await?;
            let mut notices = rows
                .iter()
                .map(|r| {
                    let notice: Notice = serde_json::from_str(r.get(3))?;
                    Ok(Notice {
                        id: r.get(0),
                        project: r.get(1),
                        attempts: r.get::<_, i32>(2) as u32,
                        ..notice
                    })
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
        self.timed(async move {
            in_transaction!(self, |tx| {
                async {
                    let removed = tx
                        .execute(
                            "DELETE FROM outbox WHERE id = $1 AND claim_owner = $2",
                            &[&notice.id, &owner],
                        )
                        .await?;
                    if removed == 1 {
                        let record = Record { notification_status: status, ..notice.record.clone() };
                        tx.execute(
                            "INSERT INTO records (project, create_time, doc) VALUES ($1, $2, $3)",
                            &[&notice.project, &record.create_time, &serde_json::to_string(&record)?],
                        )
                        .await?;
                    }
                    StoreResult::Ok(())
                }
            })
        })
        .await
    }

    async fn retry_notice(&self, owner: &str, id: i64, attempts: u32, next_at: i64) -> StoreResult<()> {
        self.timed(async move {
            self.pool
                .get()
                .await?
                .execute(
                    "UPDATE outbox SET attempts = $3, next_at = $4, claim_owner = NULL, claim_until = NULL
                     WHERE id = $1 AND claim_owner = $2",
                    &[&id, &owner, &(attempts as i32), &next_at],
                )
                .await?;
            Ok(())
        })
        .await
    }

    async fn run_due(&self, now: i64, limit: usize) -> StoreResult<usize> {
        let (expiries, deletions) = self
            .timed(async move {
                let client = self.pool.get().await?;
                let expiries = client
                    .query(
                        "SELECT project, secret, seq FROM secret_versions
                         WHERE expire_at IS NOT NULL AND expire_at <= $1 LIMIT $2",
                        &[&now, &(limit as i64)],
                    )
                    .await?;
                let deletions = client
                    .query(
                        "SELECT project, name FROM secrets WHERE delete_at IS NOT NULL AND delete_at <= $1 LIMIT $2",
                        &[&now, &(limit as i64)],
                    )
                    .await?;
                let expiries: Vec<(String, String, i64)> =
                    expiries.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
                let deletions: Vec<(String, String)> = deletions.iter().map(|r| (r.get(0), r.get(1))).collect();
                StoreResult::Ok((expiries, deletions))
            })
            .await?;
        let mut ran = 0;
        // Each in its own transaction, which locks the secret and checks again that it is still due: two
        // instances scanning at once fire it once.
        for (project, name, seq) in expiries {
            let fired =
                self.secrets(async |tx| rules::expire_version(tx, &project, &name, seq, now).await).await?;
            ran += usize::from(fired);
        }
        for (project, name) in deletions {
            let deleted =
                self.secrets(async |tx| rules::execute_deletion(tx, &project, &name, now).await).await?;
            ran += usize::from(deleted);
        }
        Ok(ran)
    }

    async fn purge_records(&self, before: i64) -> StoreResult<u64> {
        self.timed(async move {
            Ok(self
                .pool
                .get()
                .await?
                .execute("DELETE FROM records WHERE create_time < $1", &[&before])
                .await?)
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
        self.secrets(async |tx| rules::create_task(tx, project, name, task_id, &origin).await).await
    }

    async fn claim_tasks(
        &self,
        owner: &str,
        now: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<ClaimedTask>> {
        self.timed(async move {
            let rows = self
                .pool
                .get()
                .await?
                .query(
                    "UPDATE tasks SET claim_owner = $1, claim_until = $2 + $3
                     WHERE (project, id) IN (SELECT project, id FROM tasks WHERE status = 'PENDING'
                                             AND (claim_until IS NULL OR claim_until < $2)
                                             LIMIT $4 FOR UPDATE SKIP LOCKED)
                     RETURNING project, doc, request_id",
                    &[&owner, &now, &lease_ms, &(limit as i64)],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(ClaimedTask {
                        project: r.get(0),
                        task: serde_json::from_str(r.get(1))?,
                        request_id: r.get(2),
                    })
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
        let cipher = &self.cipher;
        self.secrets(async |tx| rules::finish_task(tx, cipher, project, task_id, outcome, now).await).await
    }

    async fn tasks(
        &self,
        project: &str,
        filter: TaskFilter,
        limit: usize,
    ) -> StoreResult<(Vec<SecretTask>, u64)> {
        self.timed(async move {
            let rows = self
                .pool
                .get()
                .await?
                .query("SELECT doc FROM tasks WHERE project = $1 ORDER BY id", &[&project])
                .await?;
            let tasks = rows.iter().map(|r| serde_json::from_str(r.get(0))).collect::<Result<Vec<_>, _>>()?;
            Ok(filter.page(tasks, limit))
        })
        .await
    }

    fn describe(&self) -> String {
        self.description.clone()
    }

    async fn health(&self) -> StoreResult<()> {
        self.timed(async move {
            self.pool.get().await?.simple_query("SELECT 1").await?;
            Ok(())
        })
        .await
    }
}
