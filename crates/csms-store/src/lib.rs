//! Storage of CSMS secret events.
//!
//! [`EventStore`] is the one trait every backend implements and the HTTP layer depends on. Its writes are
//! atomic: create-if-absent under a per-project quota, a partial update checked against an optional
//! precondition, delete; reads are an ordered scan from an exclusive marker, a point lookup, and the
//! notification records. A write is acknowledged (its future resolves `Ok`) only once it is durable.
//!
//! Backends: [`MemoryStore`] (always), `SqliteStore` (feature `sqlite`, the server's default) and
//! `PostgresStore` (feature `postgres`, for several instances on one database).
//!
//! ```
//! use csms_model::{Event, EventState, EventType, Notification, TargetType, UpdateSecretEventRequestBody};
//! use csms_store::{EventStore, MemoryStore, Precondition};
//!
//! # tokio_test_block_on(async {
//! let store = MemoryStore::new();
//! let event = Event {
//!     name: "rotation-alerts".into(),
//!     event_id: "bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e".into(),
//!     event_types: vec![EventType::SecretRotated],
//!     state: EventState::Enabled,
//!     create_time: 1_000,
//!     update_time: 1_000,
//!     notification: Notification {
//!         target_type: TargetType::Smn,
//!         target_id: "urn:smn:cn-north-4:p:topic".into(),
//!         target_name: "topic".into(),
//!     },
//! };
//! store.create("project", event, 100).await.unwrap();
//! let patch = UpdateSecretEventRequestBody { state: Some(EventState::Disabled), ..Default::default() };
//! let updated = store.update("project", "rotation-alerts", patch, Precondition::None, 2_000).await.unwrap();
//! assert_eq!((updated.event.state, updated.event.update_time, updated.version), (EventState::Disabled, 2_000, 2));
//! # });
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

#![warn(missing_docs)]

use std::fmt;

use async_trait::async_trait;
use csms_model::{Event, Record, UpdateSecretEventRequestBody};

mod memory;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

/// An event as stored, with the version that changes on every write to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The event.
    pub event: Event,
    /// 1 at creation, incremented by every update that changes something.
    pub version: u64,
}

impl Stored {
    /// The strong entity tag of this version: `"{event_id}.{version}"`, unique across a delete and a
    /// re-creation under the same name since the event id is new each time.
    pub fn etag(&self) -> String {
        format!("\"{}.{}\"", self.event.event_id, self.version)
    }
}

/// A condition an update or delete must meet (from `If-Match`), checked inside the write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Precondition {
    /// No condition.
    #[default]
    None,
    /// `If-Match: *`: the event must exist (it must anyway).
    Any,
    /// `If-Match: "a", "b"`: the current entity tag must be one of these (strong comparison).
    OneOf(Vec<String>),
}

impl Precondition {
    /// Whether `current` satisfies the condition.
    pub fn holds(&self, current: &Stored) -> bool {
        match self {
            Precondition::None | Precondition::Any => true,
            Precondition::OneOf(tags) => tags.contains(&current.etag()),
        }
    }
}

/// Why a store operation failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// No event of that name in the project.
    NotFound,
    /// An event of that name already exists in the project.
    AlreadyExists,
    /// The project holds as many events as the quota allows.
    QuotaExceeded,
    /// The precondition does not hold; nothing was changed.
    PreconditionFailed,
    /// The backend failed (I/O, connection, corruption); the write may not have happened.
    Backend(Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    pub(crate) fn backend(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        StoreError::Backend(e.into())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound => f.write_str("event not found"),
            StoreError::AlreadyExists => f.write_str("event already exists"),
            StoreError::QuotaExceeded => f.write_str("event quota reached"),
            StoreError::PreconditionFailed => f.write_str("precondition failed"),
            StoreError::Backend(e) => write!(f, "storage backend failed: {e}"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Backend(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

/// The result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// Storage of events and notification records, namespaced by project.
///
/// Every method is atomic. A write's future resolves `Ok` only once the write is durable in the backend.
#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Stores a new event unless one of that name exists in the project ([`StoreError::AlreadyExists`])
    /// or the project already holds `quota` events ([`StoreError::QuotaExceeded`]).
    async fn create(&self, project: &str, event: Event, quota: u64) -> StoreResult<Stored>;

    /// The event of that name, if any.
    async fn get(&self, project: &str, name: &str) -> StoreResult<Option<Stored>>;

    /// Applies a partial update (see [`apply_update`]) if `precondition` holds, atomically.
    async fn update(
        &self,
        project: &str,
        name: &str,
        patch: UpdateSecretEventRequestBody,
        precondition: Precondition,
        now: i64,
    ) -> StoreResult<Stored>;

    /// Deletes the event if `precondition` holds.
    async fn delete(&self, project: &str, name: &str, precondition: Precondition) -> StoreResult<()>;

    /// Up to `limit` events of the project with names strictly after `after`, in ascending byte order.
    async fn list(&self, project: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<Stored>>;

    /// Appends a notification record.
    async fn append_record(&self, project: &str, record: Record) -> StoreResult<()>;

    /// Up to `limit` records of the project created at or after `since` (epoch ms), newest first.
    async fn records(&self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<Record>>;

    /// A short description for logs: the backend and where its data lives.
    fn describe(&self) -> String;
}

/// An event row of a durable backend: its version and its JSON document.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn decode(version: i64, doc: &str) -> StoreResult<Stored> {
    let event = serde_json::from_str(doc).map_err(StoreError::backend)?;
    Ok(Stored { event, version: version as u64 })
}

/// Applies a partial update to `current`, the one definition every backend uses.
///
/// An absent field is left as it is; a present `event_types` or `notification` replaces the whole stored
/// value. An empty patch changes nothing (not even `update_time` or the version); any present field sets
/// `update_time` to `now` and increments the version. Returns whether anything was written.
pub fn apply_update(current: &mut Stored, patch: UpdateSecretEventRequestBody, now: i64) -> bool {
    if patch.is_empty() {
        return false;
    }
    let event = &mut current.event;
    if let Some(state) = patch.state {
        event.state = state;
    }
    if let Some(types) = patch.event_types {
        event.event_types = types;
    }
    if let Some(notification) = patch.notification {
        event.notification = notification;
    }
    event.update_time = now;
    current.version += 1;
    true
}
