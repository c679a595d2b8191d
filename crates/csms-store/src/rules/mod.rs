//! The rules, written once for every backend: each operation of [`Store`](crate::Store) is a job over a
//! [`Tx`](crate::backend::Tx), grouped by resource, one file each. Every job makes all its checks before
//! its first write, so one that fails changes nothing even where the backend cannot roll back.
//!
//! What several resources share (a secret's row, its versions, the notifications a happening fires, the
//! rotation tasks, the paging loop) is in `shared/`; a rule file builds on `shared/`, never on another
//! rule file.

mod backup;
mod events;
mod grants;
mod keys;
mod messages;
mod outbox;
mod records;
mod scan;
mod secrets;
mod settings;
mod shared;
mod stages;
mod subscriptions;
mod tags;
mod tasks;
mod topics;
mod versions;

pub use events::apply_update;
pub use grants::NewGrant;
pub use keys::{KeyChange, NewKey};
pub use messages::{Publication, SigningIdentity};
pub use settings::PasswordRecord;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use shared::check_key;
pub(crate) use shared::kms::KeyCache;
pub use shared::kms::KeyRecord;
pub use shared::smn::{SubscriptionRecord, TopicRecord};
pub use shared::task::{MANUAL_ROTATION, SCHEDULED_ROTATION};
pub use subscriptions::NewSubscription;
pub use tags::{TagAction, TagQuery};
