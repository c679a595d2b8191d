//! Wire types of the Huawei Cloud CSMS secret-event API.
//!
//! This crate is what a Rust client needs to talk to the service, and nothing more: it depends on serde
//! alone (plus schemars behind the `schemars` feature). It parses anything well-formed: an enum value it
//! does not know becomes an `Unknown` variant that is written back unchanged, unknown fields are ignored,
//! and optional fields that were absent stay absent. Rules live in `csms-validate`, not here.
//!
//! ```
//! use csms_model::{EventType, SecretEventResponse};
//!
//! let body = r#"{"event": {"name": "event-test", "event_id": "bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e",
//!     "state": "ENABLED", "event_types": ["SECRET_VERSION_EXPIRED", "SECRET_FROM_THE_FUTURE"],
//!     "create_time": 1581507580000, "update_time": 1581507580000,
//!     "notification": {"target_type": "SMN", "target_id": "urn:smn:cn-north-4:Topic",
//!                      "target_name": "Topic"}}}"#;
//! let parsed: SecretEventResponse = serde_json::from_str(body).unwrap();
//! assert_eq!(parsed.event.event_types[0], EventType::SecretVersionExpired);
//! assert_eq!(parsed.event.event_types[1], EventType::Unknown("SECRET_FROM_THE_FUTURE".into()));
//! ```

//! ## Features
#![cfg_attr(feature = "document-features", doc = document_features::document_features!())]
#![cfg_attr(
    not(feature = "document-features"),
    doc = "See `Cargo.toml`'s `[features]`, each with its comment."
)]
#![warn(missing_docs)]

mod accounts;
mod agencies;
mod batch;
mod checker;
mod enums;
mod error;
mod grants;
pub mod limits;
pub mod operation;
#[cfg(feature = "schemars")]
mod schema;
mod secrets;
mod stages;
mod tags;
mod tasks;
mod types;
mod users;
#[cfg(feature = "validator")]
pub mod validation;

pub use accounts::{Accounts, topic_project};
pub use agencies::{
    Agency, CreateAgencyRequestBody, CreateAgencyResponse, FunctionTemplatesResponse, ShowAgencyResponse,
};
pub use batch::{
    BatchGetSecretValueRequestBody, BatchGetSecretValueResponse, BatchImportSecretsRequestBody,
    BatchImportSecretsResponse, CreatePasswordRequestBody, CreatePasswordResponse, ImportError,
    SECRET_BLOB_PREFIX, SecretBlobResponse, UploadSecretBlobRequestBody,
};
pub use checker::{
    CheckData, CheckSecretsRequestBody, CheckSecretsResponse, SecretsConfig, StrengthReport,
    UpdateSecretsConfigRequestBody,
};
pub use enums::{
    EventState, EventType, NotificationStatus, SecretState, SecretType, StringEnum, TargetType, TaskStatus,
};
pub use error::{ErrorCode, ErrorDetail, ErrorResponse};
pub use grants::{
    GrantData, GrantDataResponse, GrantDto, GrantSecretRequestBody, GrantUserInfo, ListGrantsResponse,
};
pub use operation::Operation;
pub use secrets::{
    CreateSecretRequestBody, CreateSecretVersionRequestBody, DeleteSecretForScheduleRequestBody, LATEST,
    ListSecretVersionsResponse, ListSecretsResponse, SYSCURRENT, SYSPREVIOUS, Secret, SecretResponse,
    SecretValue, ShowSecretVersionResponse, UpdateSecretRequestBody, UpdateVersionRequestBody,
    VERSION_NUMBER, Version, VersionMetadata, VersionMetadataResponse, version_number,
};
pub use stages::{Stage, StageResponse, UpdateSecretStageRequestBody};
pub use tags::{
    BatchCreateOrDeleteTagsRequestBody, Count, CreateSecretTagRequestBody, ListProjectSecretsTagsResponse,
    ListResourceInstancesRequestBody, ListResourceInstancesResponse, ListSecretTagsResponse, ProjectTag,
    ResourceInstance, SysTag, TagFilter, TagItem, TagMatch,
};
pub use tasks::{
    ListSecretTaskResponse, NotificationData, NotificationMessage, RotateSecretResponse, SecretTask,
};
pub use types::{
    CreateSecretEventRequestBody, Event, ListNotificationRecordsResponse, ListSecretEventsResponse,
    Notification, PageInfo, Record, SecretEventResponse, UpdateSecretEventRequestBody,
};
pub use users::{
    ListUsersResponse, UpdateUserPasswordRequestBody, UpdateUserPasswordResponse, UserDetail, UserExtension,
    UserOrgRelation, UserSummary,
};
