//! Stored documents as read: damaged rows skipped, checksums trusted, documents without one checked.

use super::*;

/// A store in a new file with a record per name in `names`, created at 10, 11, ...
async fn with_records(dir: &tempfile::TempDir, names: &[&str], content: &str) -> Store {
    let store = Store::sqlite(dir.path().join("events.db"), Cipher::ephemeral()).unwrap();
    for (i, name) in names.iter().enumerate() {
        let record: csms_model::Record = serde_json::from_value(serde_json::json!({
            "event_name": name, "trigger_event_type": "SECRET_ROTATED", "create_time": 10 + i,
            "secret_name": "s", "secret_type": "COMMON", "notification_target_name": "t",
            "notification_target_id": "urn:smn:r:p:t", "notification_content": content,
            "notification_status": "SUCCESS"
        }))
        .unwrap();
        store.append_record("p", record).await.unwrap();
    }
    store
}

/// Replaces the document of the rows of `table` that `row` selects by `odd`, with `odd`'s own checksum
/// beside it: what only the service writes.
fn replace_checked(raw: &Connection, table: &str, row: &str, odd: &str) {
    let sql = format!("UPDATE {table} SET doc = ?1, doc_sum = ?2 WHERE {row}");
    raw.execute(&sql, rusqlite::params![odd, crate::rows::doc_sum(odd)]).unwrap();
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
    replace_checked(&raw, "events", "name = 'b'", odd);
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
    let store = with_records(&dir, &["a", "b", "c", "d"], "{\"a\":\"b\"}").await;
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
    let store = with_records(&dir, &["a", "b"], "{}").await;
    let raw = Connection::open(&path).unwrap();
    let odd = r#"{"event_name":"b","unchecked":true}"#;
    replace_checked(&raw, "records", "create_time = 11", odd);
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
