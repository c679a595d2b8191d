//! Why a store operation failed.

use std::fmt;

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
    /// A rotation of the secret is waiting: another is refused until it ends.
    RotationInProgress,
    /// The secret has no such stage.
    StageNotFound,
    /// The secret has no tag of that key.
    TagNotFound,
    /// A backup blob that is not one of this project's, or was altered; nothing was restored.
    InvalidBlob,
    /// The request breaks a rule of the stored state (the message says which); nothing was changed.
    Invalid(String),
    /// The master key is not the one the database's secret values were sealed with.
    WrongKey,
    /// A KMS key cannot do what was asked (it is missing, disabled, scheduled for deletion, ...).
    Key(KeyRefusal),
    /// An SMN operation the stored state refuses.
    Smn(SmnRefusal),
    /// The backend failed (I/O, connection, corruption); the write may not have happened.
    Backend(Box<dyn std::error::Error + Send + Sync>),
}

/// Why a KMS key cannot do what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyRefusal {
    /// No key of that id (or alias) in the project.
    NotFound,
    /// The key is disabled.
    Disabled,
    /// The key is scheduled for deletion.
    PendingDeletion,
    /// The key is neither enabled nor disabled (waiting for imported material).
    NotEnabled,
    /// A default key (`*/default`) cannot be disabled, deleted, renamed or described.
    DefaultKey,
    /// Another key of the project has the alias.
    DuplicateAlias,
    /// Enabling a key that is not disabled.
    NotDisabled,
    /// The key is scheduled for deletion already.
    AlreadyPendingDeletion,
    /// Cancelling the deletion of a key that is not scheduled for deletion.
    NotPendingDeletion,
    /// The project holds as many keys as its quota allows.
    TooManyKeys,
    /// An external key cannot rotate.
    External,
    /// The key's rotation is not on.
    RotationNotEnabled,
    /// A ciphertext that is not one of this key's (altered, or of another key or project).
    BadCiphertext,
    /// More tags than a key may carry.
    TooManyTags,
    /// A key spec this service cannot seal and open with.
    UnsupportedSpec,
}

/// Why the stored state refuses an SMN operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SmnRefusal {
    /// No topic of that name in the project.
    TopicNotFound,
    /// No subscription of that URN.
    SubscriptionNotFound,
    /// The project holds as many topics as its quota allows.
    TopicLimit,
    /// The topic holds as many subscriptions as its quota allows.
    SubscriptionLimit,
    /// More tags than a topic may carry.
    TooManyTags,
    /// A confirmation token that confirms nothing (unknown, or past its 48 hours).
    InvalidToken,
    /// An attribute the topic does not have.
    AttributeNotFound,
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
            StoreError::RotationInProgress => f.write_str("a rotation of the secret is in progress"),
            StoreError::StageNotFound => f.write_str("stage not found"),
            StoreError::TagNotFound => f.write_str("tag not found"),
            StoreError::InvalidBlob => {
                f.write_str("the blob is not a backup of this project, or was altered")
            }
            StoreError::Invalid(message) => f.write_str(message),
            StoreError::Key(refusal) => write!(f, "KMS key: {refusal:?}"),
            StoreError::Smn(refusal) => write!(f, "SMN: {refusal:?}"),
            StoreError::WrongKey => f.write_str(
                "the master key is not the one this database's secret values were encrypted with: \
                 start with the original key file (--master-key-file), or with a new database",
            ),
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

/// The result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

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
