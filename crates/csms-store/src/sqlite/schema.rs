//! Which databases are this service's, and the SQLite side of the migration runner.

use std::path::Path;

use rusqlite::{Connection, params};

use crate::migrate::{self, Migration, Migrator};
use crate::{StoreError, StoreResult};

/// `PRAGMA application_id` of this service's databases ("csms").
pub(super) const APPLICATION_ID: i32 = 0x6373_6d73;

/// The SQLite side of the migration runner, inside one `IMMEDIATE` transaction.
struct SqliteMigrator<'a>(&'a rusqlite::Transaction<'a>);

impl Migrator for SqliteMigrator<'_> {
    fn applied(&mut self) -> StoreResult<i64> {
        self.0.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version     INTEGER PRIMARY KEY,
                 description TEXT NOT NULL,
                 applied_at  INTEGER NOT NULL DEFAULT (unixepoch())
             )",
        )?;
        Ok(self.0.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?)
    }

    fn apply(&mut self, version: i64, migration: &Migration) -> StoreResult<()> {
        self.0.execute_batch(migration.sqlite)?;
        self.0.execute(
            "INSERT INTO schema_migrations (version, description) VALUES (?1, ?2)",
            params![version, migration.description],
        )?;
        Ok(())
    }
}

/// Makes sure the database is this service's: new (no tables), marked with [`APPLICATION_ID`], or one
/// written by an earlier version (with `schema_migrations`); marks it. Anything else is refused.
pub(super) fn claim(conn: &Connection, path: &Path) -> StoreResult<()> {
    let id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if id == APPLICATION_ID {
        return Ok(());
    }
    let tables: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))?;
    let ours: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        [],
        |r| r.get(0),
    )?;
    if id != 0 || (tables > 0 && ours == 0) {
        return Err(StoreError::backend(format!(
            "{} is not a database of this service (application_id {id:#x}, {tables} tables, no schema_migrations): \
             refusing to start on it",
            path.display()
        )));
    }
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    Ok(())
}

pub(super) fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    migrate::run(&mut SqliteMigrator(&tx), "sqlite")?;
    Ok(tx.commit()?)
}
