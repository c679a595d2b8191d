//! Wire types of Huawei Cloud's Key Management Service (KMS), as the CSMS server of this workspace serves it
//! beside CSMS: the keys a secret's versions are sealed with. Every member of a key is a string, as
//! upstream writes it (`key_state: "2"`), because the Terraform provider decodes them as strings.
//!
//! ```
//! use kms_model::{KeyState, Operation};
//!
//! assert_eq!(KeyState::Enabled.as_str(), "2");
//! assert_eq!(KeyState::from_wire("4"), Some(KeyState::PendingDeletion));
//! assert_eq!(Operation::CreateKey.path(), "/v1.0/{project_id}/kms/create-key");
//! ```

//! ## Features
#![cfg_attr(feature = "document-features", doc = document_features::document_features!())]
#![cfg_attr(
    not(feature = "document-features"),
    doc = "See `Cargo.toml`'s `[features]`, each with its comment."
)]
#![warn(missing_docs)]

mod crypto;
mod error;
mod keys;
pub mod limits;
mod operation;
mod tags;

pub use crypto::{
    CreateDatakeyRequestBody, CreateDatakeyResponse, CreateDatakeyWithoutPlaintextResponse,
    DecryptDataRequestBody, DecryptDataResponse, DecryptDatakeyRequestBody, DecryptDatakeyResponse,
    EncryptDataRequestBody, EncryptDataResponse, EncryptDatakeyRequestBody, EncryptDatakeyResponse,
    GenRandomRequestBody, GenRandomResponse,
};
pub use error::{ErrorCode, KmsErrorDetail, KmsErrorResponse};
pub use keys::{
    CreateKeyRequestBody, CreateKeyResponse, CreatedKey, DescribeKeyResponse, KeyAliasInfo, KeyAliasResponse,
    KeyDescriptionInfo, KeyDescriptionResponse, KeyDetails, KeyMaterial, KeyRotationStatusResponse, KeyState,
    KeyStatusInfo, KeyStatusResponse, ListKeysRequestBody, ListKeysResponse, OperateKeyRequestBody,
    ScheduleKeyDeletionRequestBody, UpdateKeyAliasRequestBody, UpdateKeyDescriptionRequestBody,
    UpdateKeyRotationIntervalRequestBody,
};
pub use operation::Operation;
pub use tags::{
    BatchCreateKmsTagsRequestBody, CreateKmsTagRequestBody, KmsResource, KmsTag, KmsTagValues,
    ListKmsByTagsRequestBody, ListKmsByTagsResponse, ListKmsTagsResponse, ShowKmsTagsResponse,
};
