//! [`Error`]: what a call can end in besides its answer.

use csms_model::ErrorCode;

/// Why a call did not answer what it asked for.
///
/// ```
/// use csms_client::Error;
/// use csms_model::ErrorCode;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
/// match client.show_secret("nope").await {
///     Err(Error::Api(api)) => {
///         assert_eq!((api.status, api.code, api.error_code.as_str()), (404, Some(ErrorCode::NotFound), "CSMS.0005"));
///         assert!(api.request_id.is_some());
///     }
///     other => panic!("{other:?}"),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The service answered an error (`{"error": {"error_code", "error_msg"}}`).
    Api(ApiError),
    /// No answer: the connection failed or broke (after the retries an idempotent call is allowed).
    Transport(String),
    /// No answer within the call's timeout (after the retries an idempotent call is allowed).
    Timeout,
    /// An answer that is not what the operation documents (not JSON, or not its shape).
    Decode(String),
    /// The client is not set up to make the call (no endpoint, no credentials, no project, a bad URL).
    Config(String),
}

/// An error the service answered.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
/// let error = client.show_secret_event("nope").await.unwrap_err();
/// let csms_client::Error::Api(api) = &error else { panic!("{error}") };
/// assert!(error.to_string().starts_with("404 CSMS.0005: "), "{error}");
/// assert_eq!(api.request_id.as_deref().map(str::len), Some(32));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The row of the error table, if the wire code is one this crate knows.
    pub code: Option<ErrorCode>,
    /// The wire code as answered (`CSMS.0005`), whether known or not.
    pub error_code: String,
    /// The service's message.
    pub message: String,
    /// The request id the service answered with (`X-Request-Id`), to quote in a support request.
    pub request_id: Option<String>,
}

impl Error {
    /// The row of the error table the service answered, if any.
    ///
    /// ```
    /// use csms_client::{ApiError, Error};
    /// use csms_model::ErrorCode;
    /// let gone = Error::Api(ApiError { status: 404, code: Some(ErrorCode::NotFound), error_code: "CSMS.0005".into(),
    ///     message: "The secret 'db' does not exist in this project.".into(), request_id: None });
    /// assert_eq!((gone.code(), Error::Timeout.code()), (Some(ErrorCode::NotFound), None));
    /// ```
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Api(api) => api.code,
            _ => None,
        }
    }

    /// The HTTP status the service answered, if it answered.
    ///
    /// ```
    /// use csms_client::{ApiError, Error};
    /// use csms_model::ErrorCode;
    /// let gone = Error::Api(ApiError { status: 404, code: Some(ErrorCode::NotFound), error_code: "CSMS.0005".into(),
    ///     message: "The secret 'db' does not exist in this project.".into(), request_id: None });
    /// assert_eq!((gone.status(), Error::Timeout.status()), (Some(404), None));
    /// ```
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            _ => None,
        }
    }

    /// Whether the service answered that the resource does not exist (404).
    ///
    /// ```
    /// use csms_client::{ApiError, Error};
    /// use csms_model::ErrorCode;
    /// let gone = Error::Api(ApiError { status: 404, code: Some(ErrorCode::NotFound), error_code: "CSMS.0005".into(),
    ///     message: "The secret 'db' does not exist in this project.".into(), request_id: None });
    /// assert!(gone.is_not_found() && !Error::Timeout.is_not_found());
    /// ```
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Api(api) => {
                write!(f, "{} {}: {}", api.status, api.error_code, api.message)?;
                match &api.request_id {
                    Some(id) => write!(f, " (request {id})"),
                    None => Ok(()),
                }
            }
            Error::Transport(why) => write!(f, "no answer: {why}"),
            Error::Timeout => f.write_str("no answer within the timeout"),
            Error::Decode(why) => write!(f, "an answer not as documented: {why}"),
            Error::Config(why) => write!(f, "client set-up: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// An error with its causes: hyper's own message alone ("client error (Connect)") says little.
pub(crate) fn describe(error: &dyn std::error::Error) -> String {
    let chain = std::iter::successors(Some(error), |e| e.source());
    chain.map(ToString::to_string).collect::<Vec<_>>().join(": ")
}
