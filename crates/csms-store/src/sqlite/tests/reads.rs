//! The read path: bounded concurrent reads, index range scans, statements prepared once.

use super::*;

fn threads() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("Threads:")).map_or(0, |n| n.trim().parse().unwrap_or(0))
}

/// 400 concurrent reads take no thread of their own: each runs on the runtime thread that asks, on
/// that thread's connection (when reads went to Tokio's blocking pool without a bound, the same reads
/// took about 350 threads).
#[cfg(target_os = "linux")]
#[test]
fn concurrent_reads_are_bounded() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::sqlite(dir.path().join("events.db"), Cipher::ephemeral()).unwrap();
    runtime.block_on(store.create("p", event("a"), 10)).unwrap();
    let before = threads();
    let reads: Vec<_> = (0..400)
        .map(|_| {
            let store = store.clone();
            runtime.spawn(async move { store.list("p", None, 50).await.unwrap().len() })
        })
        .collect();
    for read in reads {
        assert_eq!(runtime.block_on(read).unwrap(), 1);
    }
    let grown = threads().saturating_sub(before);
    // Other tests of this binary may start threads meanwhile: allow for them, far below 400.
    assert!(grown < 100, "{grown} threads for 400 reads");
}

fn plan(conn: &Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let values: [&dyn rusqlite::ToSql; 3] = [&"p", &"m", &50];
    let n = stmt.parameter_count();
    let rows = stmt.query_map(&values[..n], |r| r.get::<_, String>(3)).unwrap();
    rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
}

/// A connection to a fresh database of the store's, opened as the store opens its connections (with
/// the stability guarantee on: see `connect`); the directory holds the file.
fn fresh_connection() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    drop(Store::sqlite(&path, Cipher::ephemeral()).unwrap());
    let conn = connect(&path, OpenFlags::default()).unwrap();
    (dir, conn)
}

#[test]
fn listing_and_records_are_index_range_scans() {
    let (_dir, conn) = fresh_connection();
    let list = plan(&conn, LIST_SQL);
    assert!(list.contains("SEARCH events USING PRIMARY KEY (project=? AND name>?)"), "{list}");
    assert!(!list.contains("TEMP B-TREE"), "no sort: {list}");
    let records = plan(&conn, RECORDS_SQL);
    assert!(records.contains("USING INDEX records_by_time (project=? AND create_time>?)"), "{records}");
    assert!(!records.contains("TEMP B-TREE"), "no sort: {records}");
    let expiries = plan(&conn, DUE_EXPIRIES_SQL);
    assert!(expiries.contains("INDEX versions_due_expiry ("), "{expiries}");
    let deletions = plan(&conn, DUE_DELETIONS_SQL);
    assert!(deletions.contains("INDEX secrets_due_deletion ("), "{deletions}");
}

/// A listing's statement is prepared once per connection: binding new values (as every page does,
/// after the statement cache cleared the last ones) never makes SQLite prepare it again.
#[test]
fn listing_statements_are_not_prepared_again_per_page() {
    let (_dir, conn) = fresh_connection();
    for sql in [LIST_SQL, RECORDS_SQL, SECRETS_SQL, SECRETS_BY_EVENT_SQL] {
        for page in 0..3_i64 {
            let mut stmt = conn.prepare_cached(sql).unwrap();
            let values: [&dyn rusqlite::ToSql; 4] = [&"p", &format!("m{page}"), &(50 + page), &"e"];
            let n = stmt.parameter_count();
            let _ = stmt.query(&values[..n]).unwrap().next().unwrap();
            let reprepared = stmt.get_status(rusqlite::StatementStatus::RePrepare);
            assert_eq!(reprepared, 0, "page {page} of {sql}");
        }
    }
}
