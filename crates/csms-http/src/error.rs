//! Errors answered to the client, in the `{"error": {...}}` shape.

use csms_model::{ErrorCode, ErrorResponse};
use csms_store::StoreError;
use csms_validate::{Rejection, Violations};
use http::{Response, StatusCode};

use crate::body::ResponseBody;

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

    /// The response in the documented shape; the cause of a 500 is logged (inside the request's span, so
    /// with its request id), never sent.
    pub(crate) fn into_response(self) -> Response<ResponseBody> {
        if let Some(cause) = &self.cause {
            tracing::error!(cause, "request failed unexpectedly");
        }
        let status =
            StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = serde_json::to_vec(&self.body()).unwrap_or_default();
        crate::layers::raw_json(status, bytes)
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
