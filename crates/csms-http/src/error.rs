//! Errors answered to the client, each in its family's shape: CSMS and KMS `{"error": {"error_code",
//! "error_msg"}}`, SMN `{"request_id", "code", "message"}`, and SMN's public links `{"message"}`.

use csms_model::{ErrorCode, ErrorResponse};
use csms_store::{KeyRefusal, StoreError};
use csms_validate::{Rejection, Violations};
use http::{Response, StatusCode};
use kms_model::ErrorCode as KmsCode;

use crate::body::ResponseBody;

/// A row of one family's error table: the family decides the body's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Code {
    /// CSMS's table (and API Gateway's codes, which every family answers alike).
    Csms(ErrorCode),
    /// SMN's table.
    Smn(smn_model::ErrorCode),
    /// SMN's table, answered by a public link (`{"message"}`).
    SmnLink(smn_model::ErrorCode),
    /// KMS's table.
    Kms(kms_model::ErrorCode),
}

impl Code {
    /// The wire code (`CSMS.0002`, `SMN.0006`, `KMS.0207`).
    pub(crate) fn code(self) -> &'static str {
        match self {
            Code::Csms(c) => c.code(),
            Code::Smn(c) | Code::SmnLink(c) => c.code(),
            Code::Kms(c) => c.code(),
        }
    }

    /// Its row's message, for when nothing more specific is known.
    pub(crate) fn default_message(self) -> &'static str {
        match self {
            Code::Csms(c) => c.default_message(),
            Code::Smn(c) | Code::SmnLink(c) => c.default_message(),
            Code::Kms(c) => c.default_message(),
        }
    }

    /// The HTTP status that carries it.
    pub(crate) fn http_status(self) -> u16 {
        match self {
            Code::Csms(c) => c.http_status(),
            Code::Smn(c) | Code::SmnLink(c) => c.http_status(),
            Code::Kms(c) => c.http_status(),
        }
    }
}

impl From<ErrorCode> for Code {
    fn from(code: ErrorCode) -> Self {
        Code::Csms(code)
    }
}

impl From<smn_model::ErrorCode> for Code {
    fn from(code: smn_model::ErrorCode) -> Self {
        Code::Smn(code)
    }
}

impl From<kms_model::ErrorCode> for Code {
    fn from(code: kms_model::ErrorCode) -> Self {
        Code::Kms(code)
    }
}

impl PartialEq<ErrorCode> for Code {
    fn eq(&self, other: &ErrorCode) -> bool {
        *self == Code::Csms(*other)
    }
}

/// An error response waiting to be written, with what to log about it.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) code: Code,
    pub(crate) message: String,
    /// The internal cause of a 500: logged with the request id, never sent.
    pub(crate) cause: Option<String>,
    /// Seconds after which a refused request may be made again (`Retry-After`).
    pub(crate) retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(code: impl Into<Code>, message: impl Into<String>) -> Self {
        ApiError { code: code.into(), message: message.into(), cause: None, retry_after: None }
    }

    /// The same error answered in a family's shape: a CSMS row the family has an equal of (the
    /// service's own failure) becomes that row; the others (API Gateway's, the limits every family
    /// shares) stay as they are.
    pub(crate) fn in_family(self, family: Family) -> Self {
        let code = match (family, self.code) {
            (Family::Smn, Code::Csms(ErrorCode::Internal)) => Code::Smn(smn_model::ErrorCode::Internal),
            (Family::SmnLink, Code::Csms(ErrorCode::Internal)) => {
                Code::SmnLink(smn_model::ErrorCode::Internal)
            }
            (Family::SmnLink, Code::Smn(code)) => Code::SmnLink(code),
            (Family::Kms, Code::Csms(ErrorCode::Internal)) => Code::Kms(kms_model::ErrorCode::Internal),
            (_, code) => code,
        };
        ApiError { code, ..self }
    }

    /// The error of a row, with the row's own message.
    pub(crate) fn of(code: impl Into<Code>) -> Self {
        let code = code.into();
        ApiError::new(code, code.default_message())
    }

    /// The same error, with `Retry-After: seconds`.
    pub(crate) fn retry_after(self, seconds: u64) -> Self {
        ApiError { retry_after: Some(seconds.max(1)), ..self }
    }

    pub(crate) fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError {
            code: Code::Csms(ErrorCode::Internal),
            message: ErrorCode::Internal.default_message().into(),
            cause: Some(cause.to_string()),
            retry_after: None,
        }
    }

    /// The body, in the shape of the code's family.
    pub(crate) fn body(&self) -> Vec<u8> {
        let body = match self.code {
            Code::Csms(_) | Code::Kms(_) => serde_json::to_vec(&ErrorResponse {
                error: csms_model::ErrorDetail {
                    error_code: self.code.code().to_owned(),
                    error_msg: self.message.clone(),
                },
            }),
            Code::Smn(code) => serde_json::to_vec(&smn_model::SmnErrorResponse {
                request_id: crate::request_id::current_request_id(),
                code: code.code().to_owned(),
                message: self.message.clone(),
            }),
            Code::SmnLink(_) => {
                serde_json::to_vec(&smn_model::UnsubscribeErrorResponse { message: self.message.clone() })
            }
        };
        body.unwrap_or_default()
    }

    /// The response in the documented shape; the cause of a 500 is logged with the request's id, never
    /// sent.
    pub(crate) fn into_response(self) -> Response<ResponseBody> {
        if let Some(cause) = &self.cause {
            match ERROR_LINES.take() {
                Budget::Log { suppressed: 0 } => tracing::error!(
                    request_id = crate::request_id::current_request_id(),
                    cause,
                    "request failed unexpectedly"
                ),
                Budget::Log { suppressed } => {
                    tracing::error!(
                        request_id = crate::request_id::current_request_id(),
                        cause,
                        suppressed,
                        "request failed unexpectedly (and more not logged before)"
                    );
                }
                Budget::Suppress => {}
            }
        }
        let status =
            StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = crate::body::raw_json(status, self.body());
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
        response
    }

    pub(crate) fn store(error: StoreError, name: &str) -> Self {
        match error {
            StoreError::NotFound => ApiError::new(
                ErrorCode::NotFound,
                format!("The event '{name}' does not exist in this project."),
            ),
            StoreError::AlreadyExists => ApiError::new(
                ErrorCode::AlreadyExists,
                format!("An event named '{name}' already exists in this project."),
            ),
            StoreError::QuotaExceeded => ApiError::new(
                ErrorCode::QuotaExceeded,
                "The event quota of this project has been reached; delete an event first.",
            ),
            StoreError::PreconditionFailed => ApiError::new(
                ErrorCode::PreconditionFailed,
                format!("The event '{name}' has changed: If-Match does not match its current ETag."),
            ),
            StoreError::InUse => ApiError::new(
                ErrorCode::EventInUse,
                format!(
                    "The event '{name}' is subscribed by a secret: remove the subscription \
                     (UpdateSecret with another event_subscriptions) before deleting it."
                ),
            ),
            other => ApiError::internal(other),
        }
    }

    /// A store error of an operation on the secret `name` (and its version `version`, if any).
    pub(crate) fn secret(error: StoreError, name: &str, version: Option<&str>) -> Self {
        match error {
            StoreError::NotFound => ApiError::new(
                ErrorCode::NotFound,
                format!("The secret '{name}' does not exist in this project."),
            ),
            StoreError::VersionNotFound => ApiError::new(
                ErrorCode::NotFound,
                format!("The secret '{name}' has no version '{}'.", version.unwrap_or_default()),
            ),
            StoreError::AlreadyExists => ApiError::new(
                ErrorCode::AlreadyExists,
                format!("A secret named '{name}' already exists in this project."),
            ),
            StoreError::SecretQuotaExceeded => ApiError::new(
                ErrorCode::SecretQuotaExceeded,
                "The secret quota of this project has been reached; delete a secret first.",
            ),
            StoreError::PendingDeletion => ApiError::new(
                ErrorCode::SecretPendingDeletion,
                format!(
                    "The secret '{name}' is scheduled for deletion: restore it \
                     (scheduled-deleted-tasks/cancel) before using it."
                ),
            ),
            StoreError::NotPendingDeletion => ApiError::new(
                ErrorCode::SecretNotPendingDeletion,
                format!("The secret '{name}' is not scheduled for deletion: there is nothing to restore."),
            ),
            StoreError::UnknownEvent(_) => {
                let mut violations = Violations::default();
                violations.unknown_reference("/event_subscriptions/0", "event of this project");
                violations.into()
            }
            StoreError::RotationInProgress => ApiError::new(
                ErrorCode::RotationInProgress,
                format!(
                    "A rotation of the secret '{name}' is in progress: poll its task (ListSecretTask) until it \
                     ends, then rotate again."
                ),
            ),
            StoreError::StageNotFound => {
                ApiError::new(ErrorCode::NotFound, format!("The secret '{name}' has no such stage."))
            }
            StoreError::TagNotFound => {
                ApiError::new(ErrorCode::NotFound, format!("The secret '{name}' has no tag of that key."))
            }
            StoreError::InvalidBlob => ApiError::new(
                ErrorCode::InvalidParameter,
                "The secret_blob is not a backup of a secret of this project (DownloadSecretBlob), or it was \
                 altered; nothing was restored.",
            ),
            StoreError::Invalid(message) => ApiError::new(ErrorCode::InvalidParameter, message),
            StoreError::Key(refusal) => {
                let why = refusal_code(refusal);
                ApiError::new(
                    ErrorCode::KmsKeyUnusable,
                    format!(
                        "{} The KMS key of the secret '{name}' cannot be used: {} ({})",
                        ErrorCode::KmsKeyUnusable.default_message(),
                        why.default_message(),
                        why.code()
                    ),
                )
            }
            other => ApiError::internal(other),
        }
    }

    /// A store error of an operation on the secret of id `id` (the tag operations).
    pub(crate) fn secret_by_id(error: StoreError, id: &str) -> Self {
        match error {
            StoreError::NotFound => {
                ApiError::new(ErrorCode::NotFound, format!("No secret of id '{id}' exists in this project."))
            }
            other => ApiError::secret(other, id, None),
        }
    }
}

/// Whose error shape an answer takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// SMN's API.
    Smn,
    /// SMN's public links.
    SmnLink,
    /// KMS's API.
    Kms,
}

impl From<Violations> for ApiError {
    fn from(v: Violations) -> Self {
        ApiError::new(ErrorCode::InvalidParameter, v.to_string())
    }
}

impl From<Rejection> for ApiError {
    fn from(r: Rejection) -> Self {
        ApiError::new(r.error_code(), r.to_string())
    }
}

/// Most "request failed unexpectedly" lines in one second: an outage of the store fails every request,
/// and its cause is told by the first few; the others are counted, and the count is logged with the next
/// line that is.
const ERROR_LINES_PER_SECOND: u32 = 10;

static ERROR_LINES: LogBudget = LogBudget::new();

enum Budget {
    Log { suppressed: u64 },
    Suppress,
}

struct LogBudget(std::sync::Mutex<(u64, u32, u64)>);

impl LogBudget {
    const fn new() -> Self {
        LogBudget(std::sync::Mutex::new((0, 0, 0)))
    }

    fn take(&self) -> Budget {
        let second =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let mut state = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (window, used, suppressed) = &mut *state;
        if *window != second {
            (*window, *used) = (second, 0);
        }
        if *used < ERROR_LINES_PER_SECOND {
            *used += 1;
            Budget::Log { suppressed: std::mem::take(suppressed) }
        } else {
            *suppressed += 1;
            Budget::Suppress
        }
    }
}

/// The KMS answer to a key's refusal.
pub(crate) fn refusal_code(refusal: KeyRefusal) -> KmsCode {
    match refusal {
        KeyRefusal::NotFound => KmsCode::KeyNotFound,
        KeyRefusal::Disabled => KmsCode::KeyDisabled,
        KeyRefusal::PendingDeletion => KmsCode::KeyPendingDeletion,
        KeyRefusal::NotEnabled => KmsCode::NotEnabled,
        KeyRefusal::DefaultKey => KmsCode::DefaultKey,
        KeyRefusal::DuplicateAlias => KmsCode::DuplicateAlias,
        KeyRefusal::NotDisabled => KmsCode::NotDisabled,
        KeyRefusal::AlreadyPendingDeletion => KmsCode::AlreadyPendingDeletion,
        KeyRefusal::NotPendingDeletion => KmsCode::NotPendingDeletion,
        KeyRefusal::TooManyKeys => KmsCode::TooManyKeys,
        KeyRefusal::External => KmsCode::ExternalRotation,
        KeyRefusal::RotationNotEnabled => KmsCode::RotationNotEnabled,
        KeyRefusal::BadCiphertext => KmsCode::InvalidCipherText,
        KeyRefusal::TooManyTags => KmsCode::TooManyTags,
        _ => KmsCode::InvalidParameter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_are_bounded_per_second_and_counted() {
        let budget = LogBudget::new();
        let logged = (0..50).filter(|_| matches!(budget.take(), Budget::Log { .. })).count();
        // 50 takes span at most two seconds: at most two windows' worth are logged.
        assert!(
            (ERROR_LINES_PER_SECOND as usize..=2 * ERROR_LINES_PER_SECOND as usize).contains(&logged),
            "{logged}"
        );
        std::thread::sleep(std::time::Duration::from_millis(1100));
        match budget.take() {
            Budget::Log { suppressed } => assert_eq!(suppressed as usize, 50 - logged),
            Budget::Suppress => panic!("a new second has a new budget"),
        }
    }
}
