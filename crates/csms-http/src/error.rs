//! Errors answered to the client, in the `{"error": {...}}` shape.

use csms_model::{ErrorCode, ErrorResponse};
use csms_store::StoreError;
use csms_validate::{Rejection, Violations};

/// An error response waiting to be written, with what to log about it.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
    /// The internal cause of a 500: logged with the request id, never sent.
    pub(crate) cause: Option<String>,
}

impl ApiError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into(), cause: None }
    }

    pub(crate) fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError {
            code: ErrorCode::Internal,
            message: ErrorCode::Internal.default_message().into(),
            cause: Some(cause.to_string()),
        }
    }

    pub(crate) fn body(&self) -> ErrorResponse {
        ErrorResponse::new(self.code, self.message.clone())
    }

    pub(crate) fn store(error: StoreError, name: &str) -> Self {
        match error {
            StoreError::NotFound => ApiError::new(
                ErrorCode::EventNotFound,
                format!("The event '{name}' does not exist in this project."),
            ),
            StoreError::AlreadyExists => ApiError::new(
                ErrorCode::EventAlreadyExists,
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
            other => ApiError::internal(other),
        }
    }
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

/// Path violations and a body's result reported together: a body's rule violations join those of the
/// path; a malformed body alone is `CSMS.0004`.
pub(crate) fn together<T>(mut path: Violations, body: Result<T, Rejection>) -> Result<T, ApiError> {
    if path.is_empty() {
        return body.map_err(ApiError::from);
    }
    if let Err(Rejection::Invalid(more)) = body {
        path.extend(more);
    }
    Err(path.into())
}
