//! KMS's operations, on the CSMS listener as upstream serves both from one endpoint: keys, their states,
//! aliases, descriptions, rotation settings and tags (`keys.rs`), and the encryption keys do for callers:
//! data keys, small data, random bytes (`crypto.rs`). Every error is answered in KMS's shape
//! (`{"error":{"error_code","error_msg"}}`) with KMS's codes: a rule's violation is answered with the code
//! of the member it names ([`code_of`]).

use csms_store::{KeyRecord, KeyRefusal, StoreError};
use csms_validate::{Rejection, ViolationKind, Violations};
use kms_model::{ErrorCode, Operation};

use super::{Call, State, run};
use crate::body::ResponseBody;
use crate::error::{ApiError, refusal_code};

mod crypto;
mod keys;

/// The KMS code of a violation of `kind` at `path`, in a request to `op`.
fn code_of(op: Operation, path: &str, kind: ViolationKind) -> ErrorCode {
    if kind == ViolationKind::Missing {
        return ErrorCode::MissingParameter;
    }
    let last = path.rsplit('/').next().unwrap_or("");
    match path {
        "/key_id" => ErrorCode::InvalidKeyId,
        "/key_alias" => ErrorCode::InvalidAlias,
        "/key_description" => ErrorCode::InvalidDescription,
        "/sequence" => ErrorCode::InvalidSequence,
        "/pending_days" => ErrorCode::InvalidPendingDays,
        "/limit" => ErrorCode::InvalidLimit,
        "/marker" => ErrorCode::InvalidMarker,
        "/random_data_length" => ErrorCode::InvalidRandomLength,
        "/datakey_length" => ErrorCode::InvalidDatakeyLength,
        "/key_spec" if matches!(op, Operation::CreateDatakey | Operation::CreateDatakeyWithoutPlaintext) => {
            ErrorCode::InvalidDatakeySpec
        }
        "/plain_text" | "/datakey_plain_length" => ErrorCode::InvalidPlainText,
        "/cipher_text" | "/datakey_cipher_length" => ErrorCode::InvalidCipherText,
        "/action" => ErrorCode::InvalidTagAction,
        "/tags" => ErrorCode::InvalidTagList,
        p if p.starts_with("/tag") && last == "key" => ErrorCode::InvalidTagKey,
        p if p.starts_with("/tag") && last == "value" => ErrorCode::InvalidTagValue,
        p if p.starts_with("/tag") => ErrorCode::InvalidTagList,
        _ => ErrorCode::InvalidParameter,
    }
}

/// Violations in KMS's words: the code of the first, the message of all.
fn violations(op: Operation, v: Violations) -> ApiError {
    let code =
        v.iter().next().map_or(ErrorCode::InvalidParameter, |first| code_of(op, &first.path, first.kind));
    ApiError::new(code, v.to_string())
}

/// Path violations and a body's result reported together, in KMS's words: a body that is not JSON is
/// `KMS.0202`.
fn together<T>(op: Operation, path: Violations, body: Result<T, Rejection>) -> Result<T, ApiError> {
    super::together_as(path, body, |r| match r {
        Rejection::Invalid(v) => violations(op, v),
        other => ApiError::new(ErrorCode::MalformedBody, other.to_string()),
    })
}

/// A store error of a KMS operation.
fn store_error(error: StoreError) -> ApiError {
    match error {
        StoreError::Key(KeyRefusal::UnsupportedSpec) => ApiError::new(
            ErrorCode::InvalidParameter,
            "This service encrypts with AES_256 keys only; the key has another key_spec.",
        ),
        StoreError::Key(refusal) => {
            let code = refusal_code(refusal);
            ApiError::of(code)
        }
        StoreError::TagNotFound => ApiError::new(ErrorCode::InvalidTagKey, "The key has no tag of that key."),
        other => ApiError::internal(other),
    }
}

impl State {
    /// A key as KMS describes it: every member a string.
    fn key_details(&self, project: &str, key: &KeyRecord) -> kms_model::KeyDetails {
        let ms = |t: Option<i64>| t.map(|t| t.to_string()).unwrap_or_default();
        kms_model::KeyDetails {
            key_id: key.key_id.clone(),
            domain_id: project.to_owned(),
            key_alias: key.alias.clone(),
            realm: self.region.clone(),
            key_description: key.description.clone(),
            creation_date: key.created.to_string(),
            scheduled_deletion_date: ms(key.delete_at),
            key_state: key.state.clone(),
            default_key_flag: if key.default { "1" } else { "0" }.to_owned(),
            key_type: "1".to_owned(),
            expiration_time: String::new(),
            origin: key.origin.clone(),
            key_rotation_enabled: key.rotation_enabled.to_string(),
            sys_enterprise_project_id: key.enterprise_project_id.clone(),
            keystore_id: "0".to_owned(),
            key_spec: key.spec.clone(),
            key_usage: key.usage.clone(),
        }
    }
}

/// A request's project and body, in KMS's words.
struct KmsCall<T> {
    project: String,
    body: T,
}

impl<T> KmsCall<T> {
    fn parse(
        call: &mut Call,
        op: Operation,
        body: impl FnOnce(&[u8]) -> Result<T, Rejection>,
    ) -> Result<Self, ApiError> {
        let body = together(op, call.path_violations(), body(&call.body))?;
        Ok(KmsCall { project: call.project()?, body })
    }
}

/// An operation's input: its project and body, read in KMS's words by `$parse`.
macro_rules! kms_input {
    ($(#[$doc:meta])* $name:ident, $op:ident, $body:ty, $parse:path) => {
        $(#[$doc])*
        pub(crate) struct $name(super::KmsCall<$body>);

        impl crate::ops::Input for $name {
            fn parse(call: &mut crate::ops::Call) -> Result<Self, crate::error::ApiError> {
                super::KmsCall::parse(call, kms_model::Operation::$op, $parse).map($name)
            }
        }
    };
}
use kms_input;

/// Runs the KMS operation `op`.
pub(crate) async fn dispatch(
    state: &State,
    call: &mut Call,
    op: Operation,
) -> Result<http::Response<ResponseBody>, ApiError> {
    match op {
        Operation::CreateKey => run(state, call, keys::create).await,
        Operation::ListKeyDetail => run(state, call, keys::describe).await,
        Operation::ListKeys => run(state, call, keys::list).await,
        Operation::EnableKey => run(state, call, keys::enable).await,
        Operation::DisableKey => run(state, call, keys::disable).await,
        Operation::DeleteKey => run(state, call, keys::schedule_deletion).await,
        Operation::CancelKeyDeletion => run(state, call, keys::cancel_deletion).await,
        Operation::UpdateKeyAlias => run(state, call, keys::update_alias).await,
        Operation::UpdateKeyDescription => run(state, call, keys::update_description).await,
        Operation::ShowKeyRotationStatus => run(state, call, keys::rotation_status).await,
        Operation::EnableKeyRotation => run(state, call, keys::enable_rotation).await,
        Operation::DisableKeyRotation => run(state, call, keys::disable_rotation).await,
        Operation::UpdateKeyRotationInterval => run(state, call, keys::rotation_interval).await,
        Operation::ShowKmsTags => run(state, call, keys::tags).await,
        Operation::CreateKmsTag => run(state, call, keys::create_tag).await,
        Operation::DeleteTag => run(state, call, keys::delete_tag).await,
        Operation::BatchCreateKmsTags => run(state, call, keys::batch_tags).await,
        Operation::ListKmsTags => run(state, call, keys::project_tags).await,
        Operation::ListKmsByTags => run(state, call, keys::by_tags).await,
        Operation::CreateDatakey => run(state, call, crypto::create_datakey).await,
        Operation::CreateDatakeyWithoutPlaintext => {
            run(state, call, crypto::create_datakey_without_plaintext).await
        }
        Operation::EncryptDatakey => run(state, call, crypto::encrypt_datakey).await,
        Operation::DecryptDatakey => run(state, call, crypto::decrypt_datakey).await,
        Operation::EncryptData => run(state, call, crypto::encrypt_data).await,
        Operation::DecryptData => run(state, call, crypto::decrypt_data).await,
        Operation::CreateRandom => run(state, call, crypto::gen_random).await,
        other => Err(ApiError::internal(format!("no handler for {}", other.id()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_take_the_code_of_their_member() {
        let op = Operation::CreateKey;
        assert_eq!(code_of(op, "/key_alias", ViolationKind::Missing), ErrorCode::MissingParameter);
        assert_eq!(code_of(op, "/key_alias", ViolationKind::Pattern), ErrorCode::InvalidAlias);
        assert_eq!(code_of(op, "/key_spec", ViolationKind::Enum), ErrorCode::InvalidParameter);
        assert_eq!(
            code_of(Operation::CreateDatakey, "/key_spec", ViolationKind::Enum),
            ErrorCode::InvalidDatakeySpec
        );
        assert_eq!(code_of(op, "/tags/0/key", ViolationKind::Length), ErrorCode::InvalidTagKey);
        assert_eq!(code_of(op, "/tag/value", ViolationKind::Length), ErrorCode::InvalidTagValue);
        assert_eq!(code_of(op, "/pending_days", ViolationKind::Range), ErrorCode::InvalidPendingDays);
    }
}
