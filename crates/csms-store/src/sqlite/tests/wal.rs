//! The WAL: its bound, its restart under sustained writes, and both sync modes across a reopen.

use super::*;

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
