//! Storage of CSMS secret events, of the secrets that subscribe to them, and of what they fire.
//!
//! [`Store`] is the one surface the HTTP layer and the worker use: events (create-if-absent under a
//! per-project quota, a partial update checked against an optional precondition, delete, an ordered
//! scan from an exclusive marker), secrets and their versions (values sealed with a [`Cipher`]), the
//! notification records, the outbox of notifications and the rotation tasks, and the scan of what comes
//! due. A write is acknowledged (its future resolves `Ok`) only once it is durable.
//!
//! Three layers, one way down:
//! - [`Store`] (`store.rs`): runs each operation as one job in one backend transaction, and wakes the
//!   delivery worker after a commit that queued work ([`Store::work_queued`]);
//! - the rules (`rules/`, one file per resource): every rule written once, as jobs over a [`backend::Tx`];
//! - a [`Backend`] (`backend.rs`): a transaction runner and the primitive reads and writes of rows, no
//!   rule. [`MemoryBackend`] (always), `SqliteBackend` (feature `sqlite`, the server's default) and
//!   `PostgresBackend` (feature `postgres`, for several instances on one database).
//!
//! ```
//! use csms_model::{Event, EventState, EventType, Notification, TargetType, UpdateSecretEventRequestBody};
//! use csms_store::{Precondition, Store};
//!
//! # tokio_test_block_on(async {
//! let store = Store::memory();
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

//! ## Features
#![cfg_attr(feature = "document-features", doc = document_features::document_features!())]
#![cfg_attr(
    not(feature = "document-features"),
    doc = "See `Cargo.toml`'s `[features]`, each with its comment."
)]
#![warn(missing_docs)]

pub mod backend;
mod cipher;
mod clock;
mod error;
mod memory;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod migrate;
#[cfg(feature = "postgres")]
mod postgres;
mod rows;
mod rules;
mod scans;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;
mod types;

pub use backend::{Backend, Lease};
pub use cipher::{Cipher, KeySource};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{KeyRefusal, SmnRefusal, StoreError, StoreResult};
pub use memory::MemoryBackend;
#[cfg(feature = "postgres")]
pub use postgres::PostgresBackend;
pub use rules::{
    KeyChange, KeyRecord, MANUAL_ROTATION, NewGrant, NewKey, NewSubscription, PasswordRecord, Publication,
    SCHEDULED_ROTATION, SigningIdentity, SubscriptionRecord, TagAction, TagQuery, TopicRecord, apply_update,
};
#[cfg(feature = "sqlite")]
pub use sqlite::{DEFAULT_WAL_LIMIT, SqliteBackend, SqliteOptions};
pub use store::Store;
pub use types::{
    ClaimedTask, EventDocument, NewVersion, Notice, Origin, Outgoing, Payload, Precondition, Revision,
    RotationError, RotationOutcome, SmnDelivery, Stored, StoredDocument, TaskFilter, iso_millis,
};
