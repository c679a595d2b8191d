//! The error envelope and the table of error codes, defined once for every crate.

use serde::{Deserialize, Serialize};

/// What went wrong (`{"error_code": ..., "error_msg": ...}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ErrorDetail {
    /// A code of the error table, such as `CSMS.0005`.
    pub error_code: String,
    /// A human-readable explanation.
    pub error_msg: String,
}

/// Every error response body: `{"error": {"error_code": ..., "error_msg": ...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ErrorResponse {
    /// The error.
    pub error: ErrorDetail,
}

impl ErrorResponse {
    /// An error body with the given code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { error: ErrorDetail { error_code: code.code().to_owned(), error_msg: message.into() } }
    }
}

/// Writes a family's error table: `ErrorCode`, an enum of rows, each a wire code, its HTTP status and its
/// default message, with `ALL`, `code()`, `http_status()`, `default_message()` and `from_code()`. CSMS's
/// table is [`ErrorCode`]; the neighbouring families (SMN, KMS) write theirs with it in their own crates.
///
/// ```
/// mod smn {
///     csms_model::error_table! {
///         /// No such topic.
///         TopicNotFound => ("SMN.0006", 404, "Topic not found."),
///     }
/// }
/// assert_eq!(smn::ErrorCode::TopicNotFound.http_status(), 404);
/// assert_eq!(smn::ErrorCode::from_code("SMN.0006"), Some(smn::ErrorCode::TopicNotFound));
/// ```
#[macro_export]
macro_rules! error_table {
    ($( $(#[$doc:meta])* $variant:ident => ($code:literal, $status:literal, $msg:literal), )+) => {
        /// A row of the error table: a code, its HTTP status and its default message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )+
        }

        impl ErrorCode {
            /// Every row of the table, in order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The wire code, such as `CSMS.0002`.
            pub const fn code(self) -> &'static str {
                match self { $( ErrorCode::$variant => $code, )+ }
            }

            /// The HTTP status that carries this code.
            pub const fn http_status(self) -> u16 {
                match self { $( ErrorCode::$variant => $status, )+ }
            }

            /// The message used when nothing more specific is known.
            pub const fn default_message(self) -> &'static str {
                match self { $( ErrorCode::$variant => $msg, )+ }
            }

            /// The row of a wire code (`CSMS.0005`), if the table has it: what a client reads back.
            pub fn from_code(code: &str) -> Option<ErrorCode> {
                match code { $( $code => Some(ErrorCode::$variant), )+ _ => None }
            }
        }
    };
}

error_table! {
    /// An invalid field, path or query value; the message lists every violation.
    InvalidParameter => ("CSMS.0002", 400, "The value of parameter is invalid."),
    /// Malformed JSON, a body that is not an object, or a missing body.
    MalformedBody => ("CSMS.0004", 400, "The requested body format is wrong."),
    /// No event, secret, version or task of that name in the project.
    NotFound => ("CSMS.0005", 404, "The resource does not exist."),
    /// The project holds as many secrets as its quota allows.
    SecretQuotaExceeded => ("CSMS.0202", 400, "The secret quota of this project has been reached."),
    /// The operation is not allowed on a secret whose deletion is scheduled.
    SecretPendingDeletion => ("CSMS.0107", 400, "The secret is in schedule delete state."),
    /// A restore of a secret whose deletion is not scheduled.
    SecretNotPendingDeletion => ("CSMS.0108", 400, "The secret is not in schedule delete state."),
    /// A rotation of a secret type this server has no rotator for: a failed rotation task's
    /// `task_error_code`.
    NoRotator => ("CSMS.0405", 400, "No rotator is configured for this secret type on this server."),
    /// No route for this method and path.
    RouteNotFound => ("APIGW.0101", 404, "The API does not exist or has not been published."),
    /// Missing or invalid token, bad or expired signature, unknown access key.
    Unauthenticated => ("APIGW.0301", 401, "Incorrect IAM authentication information."),
    /// A valid credential that may not use the path's project.
    Forbidden => ("APIGW.0302", 403, "The credential is not allowed to access this project."),
    /// The event or secret name already exists in the project.
    AlreadyExists => ("CSMS.9001", 409, "A resource with this name already exists."),
    /// The event is still subscribed by a secret.
    EventInUse => ("CSMS.9002", 409, "The event is subscribed by a secret and cannot be deleted."),
    /// The project holds as many events as its quota allows.
    QuotaExceeded => ("CSMS.9003", 400, "The event quota of this project has been reached."),
    /// The body is larger than [`MAX_BODY_BYTES`](crate::limits::MAX_BODY_BYTES).
    BodyTooLarge => ("CSMS.9004", 413, "The request body exceeds the size limit."),
    /// The content type is not JSON.
    UnsupportedMediaType => ("CSMS.9005", 415, "The content type must be application/json."),
    /// `If-Match` does not match the event's current version.
    PreconditionFailed => ("CSMS.9006", 412, "The event has changed since the given version (If-Match)."),
    /// A request that is not valid HTTP (a malformed request line or header), refused before any API.
    MalformedRequest => ("CSMS.9007", 400, "The request is not valid HTTP."),
    /// A request head larger than the server's limit.
    HeadTooLarge => ("CSMS.9008", 431, "The request head is larger than the server accepts."),
    /// A request target longer than the server's limit.
    UriTooLong => ("CSMS.9009", 414, "The request target is longer than the server accepts."),
    /// RotateSecret while a rotation of the secret waits to run.
    RotationInProgress => ("CSMS.9010", 409, "A rotation of this secret is in progress."),
    /// Work that costs the service dearly (a password hash) while its bounded pool is full: try again
    /// after `Retry-After` seconds. API Gateway's own code for a throttled call.
    Throttled => ("APIGW.0308", 429, "The throttling threshold has been reached."),
    /// UpdateUserPassword for a user whose recent wrong old passwords locked the change for a while: try
    /// again after `Retry-After` seconds.
    PasswordChangeLocked => ("CSMS.9011", 429, "Too many wrong old passwords: the change is locked for a while."),
    /// A large answer while the answers waiting for slow readers hold the service's whole budget: try
    /// again after `Retry-After` seconds.
    Busy => ("CSMS.9503", 503, "The service is busy with large answers that are not read yet."),
    /// The secret's KMS key cannot protect or open its value: it does not exist in the project, is
    /// disabled, or is scheduled for deletion.
    KmsKeyUnusable => ("CSMS.0401", 400, "Can not get the protected secret value using the provided KMS key."),
    /// Anything unexpected inside the service.
    Internal => ("CSMS.9500", 500, "Internal service error."),
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn every_wire_code_reads_back_as_its_row() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(code.code()), Some(*code));
        }
        assert_eq!(ErrorCode::from_code("CSMS.99999"), None);
    }
}
