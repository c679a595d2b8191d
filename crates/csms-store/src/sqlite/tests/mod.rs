//! The SQLite store's own tests, a file each: its file checks (`files`), stored documents as read
//! (`documents`), its read path and query plans (`reads`), and the WAL and its syncs (`wal`).

use csms_model::Event;

use super::schema::APPLICATION_ID;
use super::tx::{
    DUE_DELETIONS_SQL, DUE_EXPIRIES_SQL, LIST_SQL, RECORDS_SQL, SECRETS_BY_EVENT_SQL, SECRETS_SQL,
};
use super::*;
use crate::SqliteOptions;
use crate::{Store, Stored};

mod documents;
mod files;
mod reads;
mod wal;

fn event(name: &str) -> Event {
    serde_json::from_value(serde_json::json!({
        "name": name, "event_id": "bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e", "event_types": ["SECRET_ROTATED"],
        "state": "ENABLED", "create_time": 1, "update_time": 1,
        "notification": {"target_type": "SMN", "target_id": "urn:smn:r:p:t", "target_name": "t"}
    }))
    .unwrap()
}
