//! Storage of CSMS secret events, and of the secrets that subscribe to them.
//!
//! [`EventStore`] is the one trait every backend implements and the HTTP layer depends on. Its writes are
//! atomic: create-if-absent under a per-project quota, a partial update checked against an optional
//! precondition, delete; reads are an ordered scan from an exclusive marker, a point lookup, and the
//! notification records. Secrets and their versions follow the same rules; their values are sealed
//! with a [`Cipher`]. A write is acknowledged (its future resolves `Ok`) only once it is durable.
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
//!
//! // A secret subscribed to the event: its value is sealed at rest and read back by `latest`.
//! let secret: csms_model::Secret = serde_json::from_value(serde_json::json!({
//!     "id": "2d1152f2-290d-4756-a1d2-e12c14992416", "name": "db-password", "state": "ENABLED",
//!     "create_time": 3_000, "update_time": 3_000, "secret_type": "COMMON",
//!     "event_subscriptions": ["rotation-alerts"]})).unwrap();
//! let value = csms_store::Payload::String("hunter2".into());
//! store.create_secret("project", secret, value, 500, csms_store::Origin::new(3_000, None)).await.unwrap();
//! let latest = store.version("project", "db-password", "latest").await.unwrap();
//! assert_eq!(latest.secret_string.unwrap().expose(), "hunter2");
//! // The event is in use now.
//! let in_use = store.delete("project", "rotation-alerts", Precondition::None).await;
//! assert!(matches!(in_use, Err(csms_store::StoreError::InUse)));
//! # });
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

#![warn(missing_docs)]

use std::fmt;

use async_trait::async_trait;
use csms_model::{
    Event, NotificationStatus, Record, Secret, SecretTask, TaskStatus, UpdateSecretEventRequestBody,
    UpdateSecretRequestBody, Version, VersionMetadata,
};

mod cipher;
mod clock;
mod memory;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod migrate;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod rows;
mod secrets;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use cipher::{Cipher, KeySource};
pub use clock::{Clock, ManualClock, SystemClock};
pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub(crate) use rows::{check_document, read_pages, readable_record_document};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use rows::{decode, decode_secret, readable_record};
#[cfg(feature = "postgres")]
pub(crate) use rows::{readable_page, readable_rows};
pub use secrets::{ClaimedTask, NewVersion, Notice, Origin, Payload, RotationOutcome, iso_millis};
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
    /// Which version of which event this is.
    pub fn revision(&self) -> Revision {
        Revision { event_id: self.event.event_id.clone(), version: self.version }
    }
}

/// One version of one event: the event id (new at every creation, so a deleted and re-created event never
/// matches) and the version number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Revision {
    /// The event's id.
    pub event_id: String,
    /// The event's version.
    pub version: u64,
}

impl Revision {
    /// Whether `stored` is this revision.
    pub fn is(&self, stored: &Stored) -> bool {
        self.version == stored.version && self.event_id == stored.event.event_id
    }
}

/// A condition an update or delete must meet, checked inside the write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Precondition {
    /// No condition.
    #[default]
    None,
    /// The event must exist (it must anyway).
    Exists,
    /// The event's current revision must be one of these; an empty list matches nothing.
    OneOf(Vec<Revision>),
}

impl Precondition {
    /// Whether `current` satisfies the condition.
    pub fn holds(&self, current: &Stored) -> bool {
        match self {
            Precondition::None | Precondition::Exists => true,
            Precondition::OneOf(revisions) => revisions.iter().any(|r| r.is(current)),
        }
    }
}

/// Why a store operation failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// No event (or secret) of that name in the project.
    NotFound,
    /// An event (or secret) of that name already exists in the project.
    AlreadyExists,
    /// The project holds as many events as the quota allows.
    QuotaExceeded,
    /// The precondition does not hold; nothing was changed.
    PreconditionFailed,
    /// The event is subscribed by a secret, so it cannot be deleted; nothing was changed.
    InUse,
    /// The project holds as many secrets as the quota allows.
    SecretQuotaExceeded,
    /// The secret's deletion is scheduled: it cannot be changed or read until it is restored.
    PendingDeletion,
    /// A restore of a secret whose deletion is not scheduled.
    NotPendingDeletion,
    /// A subscription names an event the project does not have.
    UnknownEvent(String),
    /// The secret exists but has no such version.
    VersionNotFound,
    /// The request breaks a rule of the stored state (the message says which); nothing was changed.
    Invalid(String),
    /// The backend failed (I/O, connection, corruption); the write may not have happened.
    Backend(Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// A backend failure from any error.
    pub fn backend(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        StoreError::Backend(e.into())
    }
}

/// Backend errors convert with `?`; a failure a caller must tell apart (a unique violation, say) is matched
/// before the conversion.
macro_rules! backend_errors {
    ($($(#[$cfg:meta])* $error:ty,)+) => {$(
        $(#[$cfg])*
        impl From<$error> for StoreError {
            fn from(e: $error) -> Self {
                StoreError::backend(e)
            }
        }
    )+};
}

backend_errors! {
    serde_json::Error,
    #[cfg(feature = "sqlite")]
    rusqlite::Error,
    #[cfg(feature = "postgres")]
    tokio_postgres::Error,
    #[cfg(feature = "postgres")]
    deadpool_postgres::PoolError,
    #[cfg(feature = "postgres")]
    deadpool_postgres::BuildError,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound => f.write_str("not found"),
            StoreError::AlreadyExists => f.write_str("already exists"),
            StoreError::QuotaExceeded => f.write_str("event quota reached"),
            StoreError::PreconditionFailed => f.write_str("precondition failed"),
            StoreError::InUse => f.write_str("the event is subscribed by a secret"),
            StoreError::SecretQuotaExceeded => f.write_str("secret quota reached"),
            StoreError::PendingDeletion => f.write_str("the secret's deletion is scheduled"),
            StoreError::NotPendingDeletion => f.write_str("the secret's deletion is not scheduled"),
            StoreError::UnknownEvent(name) => write!(f, "no event named '{name}'"),
            StoreError::VersionNotFound => f.write_str("version not found"),
            StoreError::Invalid(message) => f.write_str(message),
            StoreError::Backend(e) => write!(f, "storage backend failed: {e}"),
        }
    }
}

impl std::error::Error for StoreError {
    /// A backend failure's message already holds its cause's (see `Display`): the chain goes on from the
    /// cause's own source, so that a report of the chain names each cause once.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Backend(e) => e.source(),
            _ => None,
        }
    }
}

/// One event as its JSON document, with its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDocument {
    /// The event's name.
    pub name: String,
    /// The event, as `Event` serialises to JSON.
    pub json: String,
}

/// One event as its JSON document, with its revision (for its entity tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    /// The event, as `Event` serialises to JSON.
    pub json: String,
    /// Which version of which event this is.
    pub revision: Revision,
}

/// Which tasks ListSecretTask asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskFilter {
    /// Only the tasks of this secret.
    pub secret_name: Option<String>,
    /// Only the tasks in this state.
    pub status: Option<TaskStatus>,
    /// Only this task.
    pub task_id: Option<String>,
    /// Only the tasks with ids after this one.
    pub after: Option<String>,
}

impl TaskFilter {
    /// Whether `task` passes every filter but the page's start.
    pub fn matches(&self, task: &SecretTask) -> bool {
        self.secret_name.as_ref().is_none_or(|s| *s == task.secret_name)
            && self.status.as_ref().is_none_or(|s| *s == task.task_status)
            && self.task_id.as_ref().is_none_or(|t| *t == task.task_id)
    }

    /// The page of `tasks` (a project's tasks in ascending id order) this filter asks for, at most
    /// `limit`, and how many match in all: the one definition every backend answers with.
    pub fn page(&self, tasks: impl IntoIterator<Item = SecretTask>, limit: usize) -> (Vec<SecretTask>, u64) {
        let after = self.after.as_deref().unwrap_or("");
        let (mut page, mut total) = (Vec::new(), 0);
        for task in tasks.into_iter().filter(|t| self.matches(t)) {
            total += 1;
            if page.len() < limit && task.task_id.as_str() > after {
                page.push(task);
            }
        }
        (page, total)
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

    /// Deletes the event if `precondition` holds and no secret subscribes to it ([`StoreError::InUse`]).
    async fn delete(&self, project: &str, name: &str, precondition: Precondition) -> StoreResult<()>;

    /// The event [`EventStore::get`] reads, as its JSON document (exactly what `Event` serialises to),
    /// for answering without decoding and encoding it again. A backend that keeps documents returns it as
    /// stored, once checked; the default encodes what `get` reads.
    async fn get_document(&self, project: &str, name: &str) -> StoreResult<Option<StoredDocument>> {
        match self.get(project, name).await? {
            Some(stored) => Ok(Some(StoredDocument {
                json: serde_json::to_string(&stored.event)?,
                revision: stored.revision(),
            })),
            None => Ok(None),
        }
    }

    /// Up to `limit` events of the project with names strictly after `after`, in ascending byte order.
    async fn list(&self, project: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<Stored>>;

    /// The page [`EventStore::list`] reads, each event as its JSON document (exactly what `Event`
    /// serialises to), for answering a page without decoding and encoding every event again. A backend
    /// that keeps documents returns them as stored, once checked; the default encodes what `list` reads.
    async fn list_documents(
        &self,
        project: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<EventDocument>> {
        let page = self.list(project, after, limit).await?;
        page.into_iter()
            .map(|s| Ok(EventDocument { json: serde_json::to_string(&s.event)?, name: s.event.name }))
            .collect()
    }

    /// Appends a notification record.
    async fn append_record(&self, project: &str, record: Record) -> StoreResult<()>;

    /// Up to `limit` records of the project created at or after `since` (epoch ms), newest first.
    async fn records(&self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<Record>>;

    /// The records [`EventStore::records`] reads, each as its JSON document (exactly what `Record`
    /// serialises to), for answering without decoding and encoding each again. A backend that keeps
    /// documents returns them as stored, once checked; the default encodes what `records` reads.
    async fn record_documents(&self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<String>> {
        let records = self.records(project, since, limit).await?;
        records.iter().map(|r| Ok(serde_json::to_string(r)?)).collect()
    }

    /// Stores a new secret with its first version `v1` (stage `SYSCURRENT`, created at the secret's
    /// `create_time`), unless the name exists ([`StoreError::AlreadyExists`]), the project holds `quota`
    /// secrets ([`StoreError::SecretQuotaExceeded`]) or a subscription names no event of the project
    /// ([`StoreError::UnknownEvent`]). The value is stored encrypted.
    async fn create_secret(
        &self,
        project: &str,
        secret: Secret,
        value: Payload,
        quota: u64,
        origin: Origin,
    ) -> StoreResult<Secret>;

    /// The secret of that name ([`StoreError::NotFound`] if none).
    async fn secret(&self, project: &str, name: &str) -> StoreResult<Secret>;

    /// Up to `limit` secrets of the project with names strictly after `after`, in ascending byte order;
    /// with `event`, only the secrets subscribed to it.
    async fn list_secrets(
        &self,
        project: &str,
        after: Option<&str>,
        limit: usize,
        event: Option<&str>,
    ) -> StoreResult<Vec<Secret>>;

    /// Applies a partial update of a secret's metadata; a present `event_subscriptions` replaces the
    /// subscription. Refused for a secret pending deletion ([`StoreError::PendingDeletion`]).
    async fn update_secret(
        &self,
        project: &str,
        name: &str,
        patch: UpdateSecretRequestBody,
        now: i64,
    ) -> StoreResult<Secret>;

    /// Deletes a secret and its versions at once (firing SECRET_DELETED); returns it as it was.
    async fn delete_secret(&self, project: &str, name: &str, origin: Origin) -> StoreResult<Secret>;

    /// Marks the secret `PENDING_DELETE`, to be deleted at `at`.
    async fn schedule_secret_deletion(
        &self,
        project: &str,
        name: &str,
        at: i64,
        now: i64,
    ) -> StoreResult<Secret>;

    /// Cancels a scheduled deletion: the secret is `ENABLED` again ([`StoreError::NotPendingDeletion`]
    /// if no deletion was scheduled).
    async fn restore_secret(&self, project: &str, name: &str, now: i64) -> StoreResult<Secret>;

    /// Adds the next version `v{n}`: it takes its stages (`SYSCURRENT` by default) from the versions
    /// that held them, the former `SYSCURRENT` becomes `SYSPREVIOUS`, and beyond
    /// [`MAX_VERSIONS_PER_SECRET`](csms_model::limits::MAX_VERSIONS_PER_SECRET) the oldest versions
    /// without a stage are removed.
    async fn create_version(
        &self,
        project: &str,
        name: &str,
        value: Payload,
        new: NewVersion,
        origin: Origin,
    ) -> StoreResult<VersionMetadata>;

    /// Up to `limit` versions of the secret after the `after`-th, oldest first (never their values).
    async fn list_versions(
        &self,
        project: &str,
        name: &str,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<VersionMetadata>>;

    /// One version with its value, decrypted: `id` is `v{n}` or [`csms_model::LATEST`].
    async fn version(&self, project: &str, name: &str, id: &str) -> StoreResult<Version>;

    /// Sets a version's `expire_time` (stored in whole seconds), which fires once when the scan finds it due.
    async fn update_version(
        &self,
        project: &str,
        name: &str,
        id: &str,
        expire_time: i64,
        origin: Origin,
    ) -> StoreResult<VersionMetadata>;

    /// Claims up to `limit` notifications due at `now` for `owner`, for `lease_ms`: unclaimed ones, and
    /// those whose claim has lapsed (their owner died).
    async fn claim_notices(
        &self,
        owner: &str,
        now: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<Notice>>;

    /// Ends a claimed notification: it leaves the outbox and its record is written with `status`, at once.
    async fn settle_notice(
        &self,
        owner: &str,
        notice: &Notice,
        status: NotificationStatus,
    ) -> StoreResult<()>;

    /// Puts a claimed notification back, to try again at `next_at` after `attempts` attempts.
    async fn retry_notice(&self, owner: &str, id: i64, attempts: u32, next_at: i64) -> StoreResult<()>;

    /// Runs what is due at `now`: expiries that have not fired and scheduled deletions, each in its own
    /// transaction; returns how many ran.
    async fn run_due(&self, now: i64, limit: usize) -> StoreResult<usize>;

    /// Removes the records created before `before`; returns how many.
    async fn purge_records(&self, before: i64) -> StoreResult<u64>;

    /// Creates a PENDING rotation task for the secret; returns it and the version it will make.
    async fn create_task(
        &self,
        project: &str,
        name: &str,
        task_id: String,
        origin: Origin,
    ) -> StoreResult<(SecretTask, String)>;

    /// Claims up to `limit` PENDING tasks for `owner`, for `lease_ms`.
    async fn claim_tasks(
        &self,
        owner: &str,
        now: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<ClaimedTask>>;

    /// Ends a task with the rotation's outcome (see the crate's secrets rules).
    async fn finish_task(
        &self,
        project: &str,
        task_id: &str,
        outcome: RotationOutcome,
        now: i64,
    ) -> StoreResult<SecretTask>;

    /// Up to `limit` tasks of the project in ascending id order after `after`, filtered, and how many
    /// match the filters in all.
    async fn tasks(
        &self,
        project: &str,
        filter: TaskFilter,
        limit: usize,
    ) -> StoreResult<(Vec<SecretTask>, u64)>;

    /// A short description for logs: the backend and where its data lives.
    fn describe(&self) -> String;

    /// Whether the store can serve: `Err` says why not (its database file was removed or replaced, the
    /// database does not answer). `GET /healthz` answers 503 with it.
    async fn health(&self) -> StoreResult<()> {
        Ok(())
    }
}

/// A shared store is a store: an `Arc<MemoryStore>` can be handed to the service and kept for a test to
/// look into, and `Arc<dyn EventStore>` is a store too.
#[async_trait]
impl<S: EventStore + ?Sized> EventStore for std::sync::Arc<S> {
    async fn create(&self, project: &str, event: Event, quota: u64) -> StoreResult<Stored> {
        (**self).create(project, event, quota).await
    }
    async fn get(&self, project: &str, name: &str) -> StoreResult<Option<Stored>> {
        (**self).get(project, name).await
    }
    async fn update(
        &self,
        project: &str,
        name: &str,
        patch: UpdateSecretEventRequestBody,
        precondition: Precondition,
        now: i64,
    ) -> StoreResult<Stored> {
        (**self).update(project, name, patch, precondition, now).await
    }
    async fn delete(&self, project: &str, name: &str, precondition: Precondition) -> StoreResult<()> {
        (**self).delete(project, name, precondition).await
    }
    async fn list(&self, project: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<Stored>> {
        (**self).list(project, after, limit).await
    }
    async fn get_document(&self, project: &str, name: &str) -> StoreResult<Option<StoredDocument>> {
        (**self).get_document(project, name).await
    }

    async fn list_documents(
        &self,
        project: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<EventDocument>> {
        (**self).list_documents(project, after, limit).await
    }
    async fn append_record(&self, project: &str, record: Record) -> StoreResult<()> {
        (**self).append_record(project, record).await
    }
    async fn records(&self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<Record>> {
        (**self).records(project, since, limit).await
    }
    async fn record_documents(&self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<String>> {
        (**self).record_documents(project, since, limit).await
    }
    async fn create_secret(
        &self,
        project: &str,
        secret: Secret,
        value: Payload,
        quota: u64,
        origin: Origin,
    ) -> StoreResult<Secret> {
        (**self).create_secret(project, secret, value, quota, origin).await
    }
    async fn secret(&self, project: &str, name: &str) -> StoreResult<Secret> {
        (**self).secret(project, name).await
    }
    async fn list_secrets(
        &self,
        project: &str,
        after: Option<&str>,
        limit: usize,
        event: Option<&str>,
    ) -> StoreResult<Vec<Secret>> {
        (**self).list_secrets(project, after, limit, event).await
    }
    async fn update_secret(
        &self,
        project: &str,
        name: &str,
        patch: UpdateSecretRequestBody,
        now: i64,
    ) -> StoreResult<Secret> {
        (**self).update_secret(project, name, patch, now).await
    }
    async fn delete_secret(&self, project: &str, name: &str, origin: Origin) -> StoreResult<Secret> {
        (**self).delete_secret(project, name, origin).await
    }
    async fn schedule_secret_deletion(
        &self,
        project: &str,
        name: &str,
        at: i64,
        now: i64,
    ) -> StoreResult<Secret> {
        (**self).schedule_secret_deletion(project, name, at, now).await
    }
    async fn restore_secret(&self, project: &str, name: &str, now: i64) -> StoreResult<Secret> {
        (**self).restore_secret(project, name, now).await
    }
    async fn create_version(
        &self,
        project: &str,
        name: &str,
        value: Payload,
        new: NewVersion,
        origin: Origin,
    ) -> StoreResult<VersionMetadata> {
        (**self).create_version(project, name, value, new, origin).await
    }
    async fn list_versions(
        &self,
        project: &str,
        name: &str,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<VersionMetadata>> {
        (**self).list_versions(project, name, after, limit).await
    }
    async fn version(&self, project: &str, name: &str, id: &str) -> StoreResult<Version> {
        (**self).version(project, name, id).await
    }
    async fn update_version(
        &self,
        project: &str,
        name: &str,
        id: &str,
        expire_time: i64,
        origin: Origin,
    ) -> StoreResult<VersionMetadata> {
        (**self).update_version(project, name, id, expire_time, origin).await
    }
    async fn claim_notices(
        &self,
        owner: &str,
        now: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<Notice>> {
        (**self).claim_notices(owner, now, lease_ms, limit).await
    }
    async fn settle_notice(
        &self,
        owner: &str,
        notice: &Notice,
        status: NotificationStatus,
    ) -> StoreResult<()> {
        (**self).settle_notice(owner, notice, status).await
    }
    async fn retry_notice(&self, owner: &str, id: i64, attempts: u32, next_at: i64) -> StoreResult<()> {
        (**self).retry_notice(owner, id, attempts, next_at).await
    }
    async fn run_due(&self, now: i64, limit: usize) -> StoreResult<usize> {
        (**self).run_due(now, limit).await
    }
    async fn purge_records(&self, before: i64) -> StoreResult<u64> {
        (**self).purge_records(before).await
    }
    async fn create_task(
        &self,
        project: &str,
        name: &str,
        task_id: String,
        origin: Origin,
    ) -> StoreResult<(SecretTask, String)> {
        (**self).create_task(project, name, task_id, origin).await
    }
    async fn claim_tasks(
        &self,
        owner: &str,
        now: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<ClaimedTask>> {
        (**self).claim_tasks(owner, now, lease_ms, limit).await
    }
    async fn finish_task(
        &self,
        project: &str,
        task_id: &str,
        outcome: RotationOutcome,
        now: i64,
    ) -> StoreResult<SecretTask> {
        (**self).finish_task(project, task_id, outcome, now).await
    }
    async fn tasks(
        &self,
        project: &str,
        filter: TaskFilter,
        limit: usize,
    ) -> StoreResult<(Vec<SecretTask>, u64)> {
        (**self).tasks(project, filter, limit).await
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
    async fn health(&self) -> StoreResult<()> {
        (**self).health().await
    }
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

/// Checks an update against the event as read inside its transaction (absent: [`StoreError::NotFound`])
/// and the precondition, and applies the patch: the one read-check-apply step of every backend, which
/// then writes the event if the returned flag says it changed. Works on an owned or a borrowed event.
pub(crate) fn plan_update<S: std::borrow::BorrowMut<Stored>>(
    current: Option<S>,
    patch: UpdateSecretEventRequestBody,
    precondition: &Precondition,
    now: i64,
) -> StoreResult<(S, bool)> {
    let mut current = plan_delete(current, precondition)?;
    let changed = apply_update(current.borrow_mut(), patch, now);
    Ok((current, changed))
}

/// Checks a delete against the event as read and the precondition; returns the event to delete.
pub(crate) fn plan_delete<S: std::borrow::Borrow<Stored>>(
    current: Option<S>,
    precondition: &Precondition,
) -> StoreResult<S> {
    let current = current.ok_or(StoreError::NotFound)?;
    if precondition.holds(current.borrow()) { Ok(current) } else { Err(StoreError::PreconditionFailed) }
}

/// The output of a future that never waits (the memory and SQLite sides of an async interface), polled
/// once.
pub(crate) fn ready<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => unreachable!("memory and SQLite work never waits"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report of a backend failure's chain (as anyhow prints it) names the cause once.
    #[test]
    fn a_backend_failure_names_its_cause_once_in_its_chain() {
        #[derive(Debug)]
        struct Root;
        impl std::fmt::Display for Root {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("disk on fire")
            }
        }
        impl std::error::Error for Root {}
        #[derive(Debug)]
        struct Cause(Root);
        impl std::fmt::Display for Cause {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("the file is locked")
            }
        }
        impl std::error::Error for Cause {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let error = StoreError::backend(Cause(Root));
        let mut chain = vec![error.to_string()];
        let mut next = std::error::Error::source(&error);
        while let Some(e) = next {
            chain.push(e.to_string());
            next = e.source();
        }
        assert_eq!(chain, ["storage backend failed: the file is locked", "disk on fire"]);
    }
}
