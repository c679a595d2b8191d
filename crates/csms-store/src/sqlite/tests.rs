//! The SQLite store's own tests: its file checks, its query plans and its read path.

use csms_model::Event;

use super::schema::APPLICATION_ID;
use super::tx::{
    DUE_DELETIONS_SQL, DUE_EXPIRIES_SQL, LIST_SQL, RECORDS_SQL, SECRETS_BY_EVENT_SQL, SECRETS_SQL,
};
use super::*;
use crate::SqliteOptions;
use crate::{Store, Stored};

fn plan(conn: &Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let values: [&dyn rusqlite::ToSql; 3] = [&"p", &"m", &50];
    let n = stmt.parameter_count();
    let rows = stmt.query_map(&values[..n], |r| r.get::<_, String>(3)).unwrap();
    rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
}

fn event(name: &str) -> Event {
    serde_json::from_value(serde_json::json!({
        "name": name, "event_id": "bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e", "event_types": ["SECRET_ROTATED"],
        "state": "ENABLED", "create_time": 1, "update_time": 1,
        "notification": {"target_type": "SMN", "target_id": "urn:smn:r:p:t", "target_name": "t"}
    }))
    .unwrap()
}

#[test]
fn a_file_that_is_not_ours_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let error = Store::sqlite(&empty, Cipher::ephemeral()).expect_err("an empty file is refused").to_string();
    assert!(error.contains("empty (0 bytes)"), "{error}");

    let foreign = dir.path().join("foreign.db");
    Connection::open(&foreign).unwrap().execute_batch("CREATE TABLE customers (id INTEGER)").unwrap();
    let error =
        Store::sqlite(&foreign, Cipher::ephemeral()).expect_err("a foreign database is refused").to_string();
    assert!(error.contains("not a database of this service"), "{error}");

    // Ours opens again, marked; a fresh file is created and marked.
    let ours = dir.path().join("events.db");
    let key = Cipher::ephemeral();
    drop(Store::sqlite(&ours, key.clone()).unwrap());
    drop(Store::sqlite(&ours, key).unwrap());
    let id: i32 =
        Connection::open(&ours).unwrap().pragma_query_value(None, "application_id", |r| r.get(0)).unwrap();
    assert_eq!(id, APPLICATION_ID);
}

#[cfg(unix)]
#[tokio::test]
async fn no_write_is_acknowledged_once_the_file_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let store = Store::sqlite(&path, Cipher::ephemeral()).unwrap();
    store.create("p", event("kept"), 10).await.unwrap();
    assert!(store.health().await.is_ok());
    std::fs::remove_file(&path).unwrap();
    let lost = store.create("p", event("lost"), 10).await;
    assert!(matches!(lost, Err(StoreError::Backend(_))), "a write into a removed file is not acknowledged");
    assert!(store.health().await.unwrap_err().to_string().contains("removed or replaced"));
    // And it stays refused, even if a file appears again at the path.
    std::fs::write(&path, b"").unwrap();
    assert!(store.create("p", event("later"), 10).await.is_err());
}

/// One damaged or tampered row is logged and skipped: listing pages past it, a point read of it fails
/// instead of serving it as stored.
#[tokio::test]
async fn damaged_rows_never_stop_paging() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let store = Store::sqlite(&path, Cipher::ephemeral()).unwrap();
    for name in ["a", "b", "c", "d", "e"] {
        store.create("p", event(name), 10).await.unwrap();
    }
    let raw = Connection::open(&path).unwrap();
    raw.execute("UPDATE events SET doc = '{\"name\": \"b\", broken' WHERE name = 'b'", []).unwrap();
    raw.execute("UPDATE events SET doc = replace(doc, '\"ENABLED\"', '\"BOGUS\"') WHERE name = 'c'", [])
        .unwrap();
    let names = |page: &[Stored]| page.iter().map(|s| s.event.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&store.list("p", None, 2).await.unwrap()), ["a", "d"]);
    assert_eq!(names(&store.list("p", Some("a"), 2).await.unwrap()), ["d", "e"]);
    assert_eq!(names(&store.list("p", None, 10).await.unwrap()), ["a", "d", "e"]);
    assert!(store.get("p", "c").await.is_err(), "a tampered value is not served as stored");
    assert!(store.get("p", "b").await.is_err());
    // Documents are served as stored only when they are exactly what the service writes.
    raw.execute(
        "UPDATE events SET doc = replace(doc, '\"name\"', '\"extra\":1,\"name\"') WHERE name = 'd'",
        [],
    )
    .unwrap();
    let documents = store.list_documents("p", None, 10).await.unwrap();
    let names: Vec<_> = documents.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["a", "e"]);
    let a: Event = serde_json::from_str(&documents[0].json).unwrap();
    assert_eq!(serde_json::to_string(&a).unwrap(), documents[0].json);
    // A point read of a document checks it as listing does.
    for damaged in ["b", "c", "d"] {
        assert!(store.get_document("p", damaged).await.is_err(), "{damaged} served as stored");
    }
    assert_eq!(store.get_document("p", "a").await.unwrap().unwrap().json, documents[0].json);
}

/// A listed document whose checksum matches is served without being parsed again; one without a checksum
/// (a row written before the column) is checked, and served if it is well formed.
#[tokio::test]
async fn a_listed_document_is_trusted_by_its_checksum_and_checked_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let store = Store::sqlite(&path, Cipher::ephemeral()).unwrap();
    for name in ["a", "b", "c"] {
        store.create("p", event(name), 10).await.unwrap();
    }
    let raw = Connection::open(&path).unwrap();
    // "b": a document the check refuses, with its own checksum beside it, is taken as written (only the
    // service writes both); "c": no checksum, so it is checked, and served.
    let odd = r#"{"name":"b","unchecked":true}"#;
    raw.execute(
        "UPDATE events SET doc = ?1, doc_sum = ?2 WHERE name = 'b'",
        rusqlite::params![odd, crate::rows::doc_sum(odd)],
    )
    .unwrap();
    raw.execute("UPDATE events SET doc_sum = NULL WHERE name = 'c'", []).unwrap();
    let documents = store.list_documents("p", None, 10).await.unwrap();
    let served: Vec<_> = documents.iter().map(|d| (d.name.as_str(), d.json.as_str())).collect();
    assert_eq!(served.len(), 3, "{served:?}");
    assert_eq!(served[1], ("b", odd));
    // The same odd document under a stale checksum is checked, and skipped.
    raw.execute("UPDATE events SET doc_sum = doc_sum + 1 WHERE name = 'b'", []).unwrap();
    let names: Vec<_> =
        store.list_documents("p", None, 10).await.unwrap().into_iter().map(|d| d.name).collect();
    assert_eq!(names, ["a", "c"]);
}

/// A record document is served as stored only when it is exactly what the service writes; one that is
/// not is logged and skipped, as a record that does not decode is.
#[tokio::test]
async fn damaged_record_documents_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let store = Store::sqlite(&path, Cipher::ephemeral()).unwrap();
    for (i, name) in ["a", "b", "c", "d"].into_iter().enumerate() {
        let record: csms_model::Record = serde_json::from_value(serde_json::json!({
            "event_name": name, "trigger_event_type": "SECRET_ROTATED", "create_time": 10 + i,
            "secret_name": "s", "secret_type": "COMMON", "notification_target_name": "t",
            "notification_target_id": "urn:smn:r:p:t", "notification_content": "{\"a\":\"b\"}",
            "notification_status": "SUCCESS"
        }))
        .unwrap();
        store.append_record("p", record).await.unwrap();
    }
    let raw = Connection::open(&path).unwrap();
    raw.execute("UPDATE records SET doc = '{\"event_name\": \"b\", broken' WHERE doc LIKE '%\"b\"%'", [])
        .unwrap();
    raw.execute(
        "UPDATE records SET doc = replace(doc, '\"event_name\"', '\"extra\":1,\"event_name\"') WHERE doc LIKE '%\"c\"%'",
        [],
    )
    .unwrap();
    let documents = store.record_documents("p", 0, 10).await.unwrap();
    let names: Vec<String> =
        documents.iter().map(|d| serde_json::from_str::<csms_model::Record>(d).unwrap().event_name).collect();
    assert_eq!(names, ["d", "a"]);
    let records = store.records("p", 0, 10).await.unwrap();
    let encoded: Vec<String> = records.iter().map(|r| serde_json::to_string(r).unwrap()).collect();
    assert_eq!(documents, encoded[..].iter().filter(|d| !d.contains("\"c\"")).cloned().collect::<Vec<_>>());
}

/// A record document, like an event's, is trusted by its checksum and checked without one.
#[tokio::test]
async fn a_record_document_is_trusted_by_its_checksum_and_checked_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let store = Store::sqlite(&path, Cipher::ephemeral()).unwrap();
    for (i, name) in ["a", "b"].into_iter().enumerate() {
        let record: csms_model::Record = serde_json::from_value(serde_json::json!({
            "event_name": name, "trigger_event_type": "SECRET_ROTATED", "create_time": 10 + i,
            "secret_name": "s", "secret_type": "COMMON", "notification_target_name": "t",
            "notification_target_id": "urn:smn:r:p:t", "notification_content": "{}",
            "notification_status": "SUCCESS"
        }))
        .unwrap();
        store.append_record("p", record).await.unwrap();
    }
    let raw = Connection::open(&path).unwrap();
    let odd = r#"{"event_name":"b","unchecked":true}"#;
    raw.execute(
        "UPDATE records SET doc = ?1, doc_sum = ?2 WHERE create_time = 11",
        rusqlite::params![odd, crate::rows::doc_sum(odd)],
    )
    .unwrap();
    raw.execute("UPDATE records SET doc_sum = NULL WHERE create_time = 10", []).unwrap();
    let documents = store.record_documents("p", 0, 10).await.unwrap();
    assert_eq!(documents.len(), 2, "{documents:?}");
    assert_eq!(documents[0], odd, "taken as written under its own checksum");
    assert!(documents[1].contains("\"event_name\":\"a\""), "checked without a checksum: {documents:?}");
    raw.execute("UPDATE records SET doc_sum = doc_sum + 1 WHERE create_time = 11", []).unwrap();
    assert_eq!(
        store.record_documents("p", 0, 10).await.unwrap().len(),
        1,
        "a stale checksum: checked, skipped"
    );
}

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

/// The database and its WAL are the owner's alone (0600), as the master key beside them is; a file left
/// readable by an earlier version is made private when opened.
#[cfg(unix)]
#[tokio::test]
async fn the_database_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let key = Cipher::ephemeral();
    {
        let store = Store::sqlite(&path, key.clone()).unwrap();
        store.create("p", event("a"), 10).await.unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("events.db-wal")), 0o600);
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(Store::sqlite(&path, key).unwrap());
    assert_eq!(mode(&path), 0o600);
}

/// Sustained writes never grow the WAL much past its bound: past it, the writer checkpoints and empties
/// it. Without the bound (the passive checkpoints alone, which a busy reader or writer outruns) it grew
/// to gigabytes under a write flood.
#[tokio::test]
async fn the_wal_stays_within_its_bound_under_sustained_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let limit = 512 * 1024;
    let store = Store::sqlite_with(
        &path,
        Cipher::ephemeral(),
        SqliteOptions { wal_limit: limit, ..SqliteOptions::default() },
    )
    .unwrap();
    let secret = |name: &str| {
        serde_json::from_value::<csms_model::Secret>(serde_json::json!({
            "id": "2d1152f2-290d-4756-a1d2-e12c14992416", "name": name, "state": "ENABLED",
            "create_time": 1, "update_time": 1, "secret_type": "COMMON"}))
        .unwrap()
    };
    let value = || crate::Payload::String("v".repeat(32 * 1024).into());
    store.create_secret("p", secret("s"), value(), 10, crate::Origin::new(1, None)).await.unwrap();
    let wal = dir.path().join("events.db-wal");
    let (mut largest, mut emptied) = (0, false);
    for i in 0..200 {
        let origin = crate::Origin::new(2 + i, None);
        store.create_version("p", "s", value(), crate::NewVersion::default(), origin).await.unwrap();
        let size = std::fs::metadata(&wal).map_or(0, |m| m.len());
        emptied |= size < largest;
        largest = largest.max(size);
    }
    // A commit may cross the bound by its own size (a 32 KiB value is about nine pages) before the
    // checkpoint that follows it.
    assert!(largest <= limit + 128 * 1024, "the WAL reached {largest} bytes, bound {limit}");
    assert!(emptied && largest > limit / 2, "the WAL grew to its bound and was emptied: {largest}");
}

/// Under writes that never pause (so the checkpointer thread never catches up on its own), the WAL starts
/// again from its beginning instead of growing to its bound: the writer checkpoints once it is past an
/// eighth of the bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sustained_writes_restart_the_wal_well_before_its_bound() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let limit = 8 * 1024 * 1024;
    let options = SqliteOptions { wal_limit: limit, ..SqliteOptions::default() };
    let store = Store::sqlite_with(&path, Cipher::ephemeral(), options).unwrap();
    let secret = |name: &str| {
        serde_json::from_value::<csms_model::Secret>(serde_json::json!({
            "id": "2d1152f2-290d-4756-a1d2-e12c14992416", "name": name, "state": "ENABLED",
            "create_time": 1, "update_time": 1, "secret_type": "COMMON"}))
        .unwrap()
    };
    let value = || crate::Payload::String("v".repeat(8 * 1024).into());
    let wal = dir.path().join("events.db-wal");
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let store = store.clone();
            let name = format!("s{w}");
            tokio::spawn(async move {
                store
                    .create_secret("p", secret(&name), value(), 10, crate::Origin::new(1, None))
                    .await
                    .unwrap();
                for i in 0..150 {
                    let origin = crate::Origin::new(2 + i, None);
                    store
                        .create_version("p", &name, value(), crate::NewVersion::default(), origin)
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    let mut largest = 0;
    while writers.iter().any(|w| !w.is_finished()) {
        largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    for writer in writers {
        writer.await.unwrap();
    }
    // 1,208 versions of 8 KiB wrote well over 8 MiB of frames in all.
    assert!(largest > limit / 8, "the WAL passed an eighth of its bound: {largest}");
    assert!(largest < limit / 2, "the WAL started again instead of growing to its bound: {largest} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn both_sync_modes_keep_every_acknowledged_write_across_a_reopen() {
    for pipelined_sync in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.db");
        let cipher = Cipher::new([7; 32]);
        let options = SqliteOptions { pipelined_sync, ..SqliteOptions::default() };
        let store = Store::sqlite_with(&path, cipher.clone(), options).unwrap();
        let writes: Vec<_> = (0..200)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move { store.create("p", event(&format!("e{i:03}")), u64::MAX).await })
            })
            .collect();
        for write in writes {
            write.await.unwrap().unwrap();
        }
        drop(store);
        let reopened = Store::sqlite_with(&path, cipher, options).unwrap();
        let listed = reopened.list("p", None, 1000).await.unwrap();
        assert_eq!(listed.len(), 200, "pipelined_sync = {pipelined_sync}");
    }
}
