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

/// A database as the builds before migrations 10 and 11 left it (versions in a rowid table, each
/// version's stages in its own document) keeps them all: migration 10 moves the versions into the key's
/// own B-tree, migration 11 gathers the stages into the secret's row. Values open, `latest` is the
/// version that held SYSCURRENT, an expiry still fires from its index, and a new version moves the
/// stages on from where they were.
#[tokio::test]
async fn a_database_before_migrations_10_and_11_keeps_its_versions_and_stages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let cipher = || Cipher::new([0x42; 32]);
    let value = |v: &str| crate::Payload::String(csms_model::SecretValue::new(v));
    {
        let store = Store::sqlite(&path, cipher()).unwrap();
        let secret = csms_model::Secret::new("2d1152f2-290d-4756-a1d2-e12c14992416".into(), "s".into(), 1);
        store.create_secret("p", secret, value("one"), 10, crate::Origin::new(1, None)).await.unwrap();
        let expiring = crate::NewVersion { expire_time: Some(5_000), ..Default::default() };
        store.create_version("p", "s", value("two"), expiring, crate::Origin::new(2, None)).await.unwrap();
    }
    // The table as migrations 2 and 3 left it, the stages in the versions' documents (a time for
    // SYSPREVIOUS's move), none in the secret's row, and the database marked as before migration 10.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "UPDATE secret_versions SET doc = json_set(doc, '$.version_stages', json('[\"SYSPREVIOUS\"]'),
                                                   '$.stage_times', json('{\"SYSPREVIOUS\": 7}'))
             WHERE seq = 1;
         UPDATE secret_versions SET doc = json_set(doc, '$.version_stages', json('[\"SYSCURRENT\"]'))
             WHERE seq = 2;
         ALTER TABLE secrets DROP COLUMN stages;
         CREATE TABLE old_versions (project TEXT NOT NULL, secret TEXT NOT NULL, seq INTEGER NOT NULL,
             doc TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (project, secret, seq));
         ALTER TABLE old_versions ADD COLUMN expire_at INTEGER;
         INSERT INTO old_versions SELECT project, secret, seq, doc, value, expire_at FROM secret_versions;
         DROP TABLE secret_versions;
         ALTER TABLE old_versions RENAME TO secret_versions;
         CREATE INDEX versions_due_expiry ON secret_versions (expire_at) WHERE expire_at IS NOT NULL;
         DELETE FROM schema_migrations WHERE version >= 10;",
    )
    .unwrap();
    drop(conn);

    let store = Store::sqlite(&path, cipher()).unwrap();
    let table: String = Connection::open(&path)
        .unwrap()
        .query_row("SELECT sql FROM sqlite_master WHERE name = 'secret_versions'", [], |r| r.get(0))
        .unwrap();
    assert!(table.contains("WITHOUT ROWID"), "{table}");
    assert_eq!(store.version("p", "s", "v1").await.unwrap().secret_string.unwrap().expose(), "one");
    assert_eq!(store.version("p", "s", "latest").await.unwrap().secret_string.unwrap().expose(), "two");
    assert_eq!(store.run_due(10_000, 10).await.unwrap(), 1, "the expiry's index came along");
    let previous = store.stage("p", "s", "SYSPREVIOUS").await.unwrap();
    assert_eq!((previous.version_id.as_str(), previous.update_time), ("v1", 7));
    let third = store
        .create_version("p", "s", value("three"), crate::NewVersion::default(), crate::Origin::new(3, None))
        .await
        .unwrap();
    assert_eq!(
        (third.id.as_str(), third.version_stages.as_slice()),
        ("v3", ["SYSCURRENT".to_owned()].as_slice())
    );
    let listed = store.list_versions("p", "s", None, 10).await.unwrap();
    let stages: Vec<(&str, Vec<String>)> =
        listed.iter().map(|v| (v.id.as_str(), v.version_stages.clone())).collect();
    assert_eq!(
        stages,
        [("v1", vec![]), ("v2", vec!["SYSPREVIOUS".to_owned()]), ("v3", vec!["SYSCURRENT".to_owned()])]
    );
}
