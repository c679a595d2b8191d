//! PostgreSQL: several server instances on one database behave as one service.
//!
//! Name uniqueness is the primary key; every write is one transaction that locks what it reads
//! (`FOR UPDATE`), so `If-Match` and the quota are checked inside the write. Creates and deletes of a
//! project serialise on its row in `project_counts`, which makes the quota exact under concurrency.

use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Transaction};
use tokio_postgres::NoTls;

mod read;
mod tx;

use tx::PostgresTx;

use crate::backend::{Backend, Job};
use crate::migrate::{self, Migration, Migrator};
use crate::{Cipher, StoreError, StoreResult};

/// How long one store operation may take, waiting for a connection included: a stalled or partitioned
/// database fails the request (500 `CSMS.9500`) within this time instead of holding it, and the pool
/// recovers by itself when the database answers again.
pub(crate) const OPERATION_TIMEOUT: Duration = Duration::from_secs(5);

/// Key of the advisory lock that serialises migrations of concurrently starting instances.
const MIGRATION_LOCK: i64 = 0x6373_6d73_6576_0001;

/// Waits for a statement from a blocking thread, until the deadline of the operation it belongs to.
#[derive(Clone, Copy)]
pub(crate) struct Wait<'a> {
    runtime: &'a tokio::runtime::Handle,
    deadline: tokio::time::Instant,
}

impl Wait<'_> {
    /// The outcome of `statement`, or a backend error once the deadline has passed.
    pub(crate) fn on<T, E>(
        self,
        statement: impl std::future::Future<Output = Result<T, E>>,
        error: impl FnOnce(E) -> StoreError,
    ) -> StoreResult<T> {
        match self.runtime.block_on(tokio::time::timeout_at(self.deadline, statement)) {
            Ok(outcome) => outcome.map_err(error),
            Err(_) => Err(StoreError::backend(format!(
                "PostgreSQL did not answer within {} s",
                OPERATION_TIMEOUT.as_secs()
            ))),
        }
    }
}

/// Events, secrets and what they fire, in a PostgreSQL database, through a connection pool.
pub struct PostgresBackend {
    pool: Pool,
    description: String,
}

impl PostgresBackend {
    /// Connects to `url` (`postgres://user:password@host:port/database`), with at most `max_connections`
    /// connections, and applies pending migrations. `cipher`'s key must be the one the database's values
    /// were sealed with (every instance on one database shares it).
    pub async fn connect(url: &str, max_connections: usize, cipher: &Cipher) -> StoreResult<Self> {
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
        let backend = PostgresBackend { pool, description };
        backend.migrate(cipher).await?;
        Ok(backend)
    }

    /// Applies pending migrations and checks the master key, in one transaction holding the migration
    /// lock.
    async fn migrate(&self, cipher: &Cipher) -> StoreResult<()> {
        let key_check = cipher.clone();
        self.blocking(
            true,
            move |tx| crate::rules::check_key(tx, &key_check),
            |tx, wait| {
                wait.on(
                    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]),
                    StoreError::from,
                )?;
                migrate::run(&mut PostgresMigrator(tx, wait), "postgresql")
            },
        )
        .await
    }

    /// Runs `job` on a blocking thread with a pooled connection (a transaction when `write`, after
    /// `before` has run in it), within the operation deadline: a job is synchronous, so each statement
    /// is waited for there, not on the runtime's threads.
    async fn blocking(
        &self,
        write: bool,
        job: impl FnOnce(&mut dyn crate::backend::Tx) -> StoreResult<()> + Send + 'static,
        before: impl FnOnce(&Transaction<'_>, Wait<'_>) -> StoreResult<()> + Send + 'static,
    ) -> StoreResult<()> {
        let deadline = tokio::time::Instant::now() + OPERATION_TIMEOUT;
        self.timed(async move {
            let mut client = self.pool.get().await?;
            let runtime = tokio::runtime::Handle::current();
            let work = tokio::task::spawn_blocking(move || {
                let wait = Wait { runtime: &runtime, deadline };
                if !write {
                    let end = read::ReadEnd::new(&client);
                    return job(&mut PostgresTx::read(&end, wait));
                }
                let tx = wait.on(client.transaction(), StoreError::from)?;
                before(&tx, wait)?;
                job(&mut PostgresTx::write(&tx, wait))?;
                wait.on(tx.commit(), StoreError::from)
            });
            work.await.map_err(|e| StoreError::backend(format!("a PostgreSQL job did not end: {e}")))?
        })
        .await
    }
}

/// The PostgreSQL side of the migration runner, inside one transaction holding the migration lock.
struct PostgresMigrator<'a>(&'a Transaction<'a>, Wait<'a>);

impl Migrator for PostgresMigrator<'_> {
    fn applied(&mut self) -> StoreResult<i64> {
        self.1.on(
            self.0.batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                     version     INTEGER PRIMARY KEY,
                     description TEXT NOT NULL,
                     applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
                 )",
            ),
            StoreError::from,
        )?;
        let sql = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        let applied: i32 = self.1.on(self.0.query_one(sql, &[]), StoreError::from)?.get(0);
        Ok(applied.into())
    }

    fn apply(&mut self, version: i64, migration: &Migration) -> StoreResult<()> {
        self.1.on(self.0.batch_execute(migration.postgres), StoreError::from)?;
        let sql = "INSERT INTO schema_migrations (version, description) VALUES ($1, $2)";
        self.1.on(self.0.execute(sql, &[&(version as i32), &migration.description]), StoreError::from)?;
        Ok(())
    }
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

impl PostgresBackend {
    /// `operation`, failed with a backend error after [`OPERATION_TIMEOUT`].
    async fn timed<T>(&self, operation: impl std::future::Future<Output = StoreResult<T>>) -> StoreResult<T> {
        let metrics = csms_metrics::metrics();
        let status = self.pool.status();
        metrics.pool(status.size.saturating_sub(status.available), status.waiting);
        match tokio::time::timeout(OPERATION_TIMEOUT, operation).await {
            Ok(result) => {
                if let Err(StoreError::Backend(_)) = &result {
                    metrics.store_error("postgres");
                }
                result
            }
            Err(_) => {
                metrics.store_error("timeout");
                Err(StoreError::backend(format!(
                    "PostgreSQL did not answer within {} s",
                    OPERATION_TIMEOUT.as_secs()
                )))
            }
        }
    }
}

#[async_trait]
impl Backend for PostgresBackend {
    /// Runs `job` in one transaction, within the operation deadline; the rows it reads to write are
    /// locked (`FOR UPDATE`), so concurrent instances serialise on them.
    async fn write(&self, job: Job) -> StoreResult<()> {
        self.blocking(true, job, |_, _| Ok(())).await
    }

    /// Runs `job` on a pooled connection, each statement on its own, within the operation deadline.
    async fn read(&self, job: Job) -> StoreResult<()> {
        self.blocking(false, job, |_, _| Ok(())).await
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
