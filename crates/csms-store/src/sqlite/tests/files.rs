//! The database files: a foreign file refused, a removed file failing writes, private permissions.

use super::*;

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
