//! A Rust client for Huawei Cloud's Cloud Secret Management Service (CSMS) and services compatible
//! with it, such as this workspace's `csms-server`.
//!
//! - One typed method per operation (46): the request bodies and answers are `csms-model`'s types, the
//!   paths and methods its route table ([`csms_model::Operation`]).
//! - AK/SK signing exactly as the official SDKs sign (`csms-sign`, the one signer the service verifies
//!   with), or a token; from code, the official SDKs' environment variables or their profile file
//!   ([`ClientBuilder::from_env`]). `http://` and `https://` (rustls).
//! - Every paged list as a `Stream` ([`Client::events`], [`Client::secrets`], [`Client::versions`],
//!   [`Client::tasks`], [`Client::users`], [`Client::resource_instances`]): the caller never sees a
//!   marker or an offset.
//! - Errors typed by the service's error table ([`Error::Api`] with the status, the code, the message
//!   and the request id). Idempotent calls (GET, PUT, DELETE) are retried on 429, 5xx, timeouts and
//!   broken connections, with exponential backoff and full jitter, within a budget the client's calls
//!   share; others are never retried. Every attempt has a timeout.
//!
//! ```
//! use csms_client::Client;
//! use csms_model::{CreateSecretRequestBody, SecretValue};
//! use futures_util::TryStreamExt;
//! # use std::{sync::Arc, time::Duration};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! # let endpoint = format!("http://{}", listener.local_addr()?);
//! # let scope = csms_http::auth::ProjectScope::All;
//! # let credentials = csms_http::auth::StaticCredentials::new().with_access_key("MYAK", "my-secret-key", scope);
//! # let service = csms_http::CsmsService::new(csms_store::Store::memory(), Arc::new(credentials));
//! # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
//!
//! let client = Client::builder()
//!     .endpoint(endpoint) // "http://127.0.0.1:8080", say
//!     .access_key("MYAK", "my-secret-key")
//!     .project("0123456789abcdef0123456789abcdef")
//!     .build()?;
//!
//! let created = client
//!     .create_secret(&CreateSecretRequestBody {
//!         name: "db-password".into(),
//!         secret_string: Some(SecretValue::new("correct horse battery staple")),
//!         ..Default::default()
//!     })
//!     .await?;
//! assert_eq!(created.secret.name, "db-password");
//!
//! let version = client.show_secret_version("db-password", "latest").await?;
//! assert_eq!(version.version.secret_string.unwrap().expose(), "correct horse battery staple");
//!
//! let names: Vec<String> = client.secrets(None).map_ok(|s| s.name).try_collect().await?;
//! assert_eq!(names, ["db-password"]);
//!
//! let missing = client.show_secret("nope").await.unwrap_err();
//! assert_eq!(missing.code(), Some(csms_model::ErrorCode::NotFound));
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod config;
mod error;
mod ops;
mod paging;
mod transport;

use std::sync::Arc;
use std::time::Duration;

pub use config::{
    AK_VAR, ClientBuilder, Credentials, DEFAULT_ATTEMPTS, DEFAULT_TIMEOUT, ENDPOINT_VAR, PROFILE_VAR,
    PROJECT_VAR, SK_VAR, TOKEN_VAR,
};
pub use error::{ApiError, Error};
pub use ops::{PageQuery, SecretsQuery, TasksQuery, TemplateQuery, UsersQuery};

/// A client of one service endpoint, for one project (see [`Client::in_project`] for another). Cheap to
/// clone: clones share the connection pool and the retry budget.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    project: Option<Arc<str>>,
}

struct Inner {
    transport: transport::Transport,
    base: String,
    credentials: Credentials,
    timeout: Duration,
    attempts: u32,
    budget: transport::RetryBudget,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.base)
            .field("project", &self.project)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A [`ClientBuilder`] with nothing set.
    ///
    /// ```
    /// let client = csms_client::Client::builder().endpoint("http://127.0.0.1:8080").token("t").project("p1").build().unwrap();
    /// assert_eq!(client.project(), Some("p1"));
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The endpoint the calls go to.
    ///
    /// ```
    /// let client = csms_client::Client::builder().endpoint("http://127.0.0.1:8080").token("t").project("p1").build().unwrap();
    /// assert_eq!(client.endpoint(), "http://127.0.0.1:8080");
    /// ```
    pub fn endpoint(&self) -> &str {
        &self.inner.base
    }

    /// The project the project-level operations act on.
    ///
    /// ```
    /// let client = csms_client::Client::builder().endpoint("http://127.0.0.1:8080").token("t").project("p1").build().unwrap();
    /// assert_eq!(client.project(), Some("p1"));
    /// ```
    pub fn project(&self) -> Option<&str> {
        self.project.as_deref()
    }

    /// The same client (pool, credentials, budget) for another project.
    ///
    /// ```
    /// let client = csms_client::Client::builder().endpoint("http://127.0.0.1:8080").token("t").project("p1").build().unwrap();
    /// let other = client.in_project("p2");
    /// assert_eq!((client.project(), other.project()), (Some("p1"), Some("p2")));
    /// ```
    pub fn in_project(&self, project: &str) -> Client {
        Client { inner: Arc::clone(&self.inner), project: Some(Arc::from(project)) }
    }
}
