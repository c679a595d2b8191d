//! PostgreSQL: several server instances on one database behave as one service.
//!
//! Name uniqueness is the primary key; every write is one transaction that locks what it reads
//! (`FOR UPDATE`), so `If-Match` and the quota are checked inside the write. Creates and deletes of a
//! project serialise on its row in `project_counts`, which makes the quota exact under concurrency.

use async_trait::async_trait;
use csms_model::{Event, Record, UpdateSecretEventRequestBody};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Transaction};
use tokio_postgres::NoTls;

use crate::{EventStore, Precondition, StoreError, StoreResult, Stored, apply_update, decode};

/// Schema migrations, applied in order and recorded in `schema_migrations`.
const MIGRATIONS: &[(&str, &str)] = &[(
    "events, per-project counts and notification records",
    r#"CREATE TABLE events (
           project TEXT NOT NULL,
           name    TEXT COLLATE "C" NOT NULL,
           version BIGINT NOT NULL,
           doc     TEXT NOT NULL,
           PRIMARY KEY (project, name)
       );
       CREATE TABLE project_counts (
           project TEXT PRIMARY KEY,
           events  BIGINT NOT NULL
       );
       CREATE TABLE records (
           id          BIGSERIAL PRIMARY KEY,
           project     TEXT NOT NULL,
           create_time BIGINT NOT NULL,
           doc         TEXT NOT NULL
       );
       CREATE INDEX records_by_time ON records (project, create_time DESC, id DESC);"#,
)];

/// Key of the advisory lock that serialises migrations of concurrently starting instances.
const MIGRATION_LOCK: i64 = 0x6373_6d73_6576_0001;

/// Events in a PostgreSQL database, through a connection pool.
pub struct PostgresStore {
    pool: Pool,
    description: String,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`), with at most `max_connections`
    /// connections, and applies pending migrations.
    pub async fn connect(url: &str, max_connections: usize) -> StoreResult<Self> {
        let config: tokio_postgres::Config = url.parse().map_err(StoreError::backend)?;
        let description = describe(&config);
        let manager =
            Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager).max_size(max_connections).build().map_err(StoreError::backend)?;
        let store = PostgresStore { pool, description };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> StoreResult<()> {
        let mut client = self.pool.get().await.map_err(StoreError::backend)?;
        let tx = client.transaction().await.map_err(StoreError::backend)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(StoreError::backend)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version     INTEGER PRIMARY KEY,
                 description TEXT NOT NULL,
                 applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await
        .map_err(StoreError::backend)?;
        let applied: i32 = tx
            .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[])
            .await
            .map_err(StoreError::backend)?
            .get(0);
        for (i, (description, sql)) in MIGRATIONS.iter().enumerate() {
            let version = i as i32 + 1;
            if version > applied {
                tx.batch_execute(sql).await.map_err(StoreError::backend)?;
                tx.execute(
                    "INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
                    &[&version, description],
                )
                .await
                .map_err(StoreError::backend)?;
                tracing::info!(version, description, "applied PostgreSQL migration");
            }
        }
        tx.commit().await.map_err(StoreError::backend)
    }
}

/// Runs `$body` (an async block using the transaction `$tx`) and commits if it succeeds; a failure rolls
/// back when the transaction is dropped.
macro_rules! in_transaction {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let mut client = $store.pool.get().await.map_err(StoreError::backend)?;
        let $tx = client.transaction().await.map_err(StoreError::backend)?;
        let value = $body.await?;
        $tx.commit().await.map_err(StoreError::backend)?;
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

async fn load_for_update(tx: &Transaction<'_>, project: &str, name: &str) -> StoreResult<Option<Stored>> {
    let row = tx
        .query_opt(
            "SELECT version, doc FROM events WHERE project = $1 AND name = $2 FOR UPDATE",
            &[&project, &name],
        )
        .await
        .map_err(StoreError::backend)?;
    row.map(|r| decode(r.get(0), r.get(1))).transpose()
}

/// Locks the project's count row (creating it), serialising creates and deletes of the project.
async fn lock_count(tx: &Transaction<'_>, project: &str) -> StoreResult<i64> {
    tx.execute(
        "INSERT INTO project_counts (project, events) VALUES ($1, 0) ON CONFLICT (project) DO NOTHING",
        &[&project],
    )
    .await
    .map_err(StoreError::backend)?;
    let row = tx
        .query_one("SELECT events FROM project_counts WHERE project = $1 FOR UPDATE", &[&project])
        .await
        .map_err(StoreError::backend)?;
    Ok(row.get(0))
}

async fn add_count(tx: &Transaction<'_>, project: &str, delta: i64) -> StoreResult<()> {
    tx.execute("UPDATE project_counts SET events = events + $2 WHERE project = $1", &[&project, &delta])
        .await
        .map_err(StoreError::backend)?;
    Ok(())
}

#[async_trait]
impl EventStore for PostgresStore {
    async fn create(&self, project: &str, event: Event, quota: u64) -> StoreResult<Stored> {
        in_transaction!(self, |tx| {
            async {
                let tx = &tx;
                let count = lock_count(tx, project).await?;
                let exists = tx
                    .query_opt(
                        "SELECT 1 FROM events WHERE project = $1 AND name = $2",
                        &[&project, &event.name],
                    )
                    .await
                    .map_err(StoreError::backend)?;
                if exists.is_some() {
                    return Err(StoreError::AlreadyExists);
                }
                if count as u64 >= quota {
                    return Err(StoreError::QuotaExceeded);
                }
                let doc = serde_json::to_string(&event).map_err(StoreError::backend)?;
                tx.execute(
                    "INSERT INTO events (project, name, version, doc) VALUES ($1, $2, 1, $3)",
                    &[&project, &event.name, &doc],
                )
                .await
                .map_err(|e| match e.code() {
                    Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => StoreError::AlreadyExists,
                    _ => StoreError::backend(e),
                })?;
                add_count(tx, project, 1).await?;
                Ok(Stored { event, version: 1 })
            }
        })
    }

    async fn get(&self, project: &str, name: &str) -> StoreResult<Option<Stored>> {
        let client = self.pool.get().await.map_err(StoreError::backend)?;
        let row = client
            .query_opt("SELECT version, doc FROM events WHERE project = $1 AND name = $2", &[&project, &name])
            .await
            .map_err(StoreError::backend)?;
        row.map(|r| decode(r.get(0), r.get(1))).transpose()
    }

    async fn update(
        &self,
        project: &str,
        name: &str,
        patch: UpdateSecretEventRequestBody,
        precondition: Precondition,
        now: i64,
    ) -> StoreResult<Stored> {
        in_transaction!(self, |tx| {
            async {
                let tx = &tx;
                let mut current = load_for_update(tx, project, name).await?.ok_or(StoreError::NotFound)?;
                if !precondition.holds(&current) {
                    return Err(StoreError::PreconditionFailed);
                }
                if apply_update(&mut current, patch, now) {
                    let doc = serde_json::to_string(&current.event).map_err(StoreError::backend)?;
                    tx.execute(
                        "UPDATE events SET version = $3, doc = $4 WHERE project = $1 AND name = $2",
                        &[&project, &name, &(current.version as i64), &doc],
                    )
                    .await
                    .map_err(StoreError::backend)?;
                }
                Ok(current)
            }
        })
    }

    async fn delete(&self, project: &str, name: &str, precondition: Precondition) -> StoreResult<()> {
        in_transaction!(self, |tx| {
            async {
                let tx = &tx;
                lock_count(tx, project).await?;
                let current = load_for_update(tx, project, name).await?.ok_or(StoreError::NotFound)?;
                if !precondition.holds(&current) {
                    return Err(StoreError::PreconditionFailed);
                }
                tx.execute("DELETE FROM events WHERE project = $1 AND name = $2", &[&project, &name])
                    .await
                    .map_err(StoreError::backend)?;
                add_count(tx, project, -1).await
            }
        })
    }

    async fn list(&self, project: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<Stored>> {
        let client = self.pool.get().await.map_err(StoreError::backend)?;
        let rows = client
            .query(
                "SELECT version, doc FROM events WHERE project = $1 AND name > $2 ORDER BY name LIMIT $3",
                &[&project, &after.unwrap_or(""), &(limit as i64)],
            )
            .await
            .map_err(StoreError::backend)?;
        rows.iter().map(|r| decode(r.get(0), r.get(1))).collect()
    }

    async fn append_record(&self, project: &str, record: Record) -> StoreResult<()> {
        let client = self.pool.get().await.map_err(StoreError::backend)?;
        let doc = serde_json::to_string(&record).map_err(StoreError::backend)?;
        client
            .execute(
                "INSERT INTO records (project, create_time, doc) VALUES ($1, $2, $3)",
                &[&project, &record.create_time, &doc],
            )
            .await
            .map_err(StoreError::backend)?;
        Ok(())
    }

    async fn records(&self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<Record>> {
        let client = self.pool.get().await.map_err(StoreError::backend)?;
        let rows = client
            .query(
                "SELECT doc FROM records WHERE project = $1 AND create_time >= $2
                 ORDER BY create_time DESC, id DESC LIMIT $3",
                &[&project, &since, &(limit as i64)],
            )
            .await
            .map_err(StoreError::backend)?;
        rows.iter().map(|r| serde_json::from_str(r.get(0)).map_err(StoreError::backend)).collect()
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}
