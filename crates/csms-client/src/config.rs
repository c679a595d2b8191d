//! [`ClientBuilder`] and [`Credentials`]: where the client sends its calls and how it signs them, from
//! code, from the environment and from the official SDKs' profile file.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::Client;
use crate::error::Error;
use crate::transport::{RetryBudget, Transport};

/// The endpoint, as the service's own tools name it (`http://127.0.0.1:8080`).
pub const ENDPOINT_VAR: &str = "CSMS_ENDPOINT";
/// An `X-Auth-Token` to send instead of an AK/SK signature.
pub const TOKEN_VAR: &str = "CSMS_TOKEN";
/// The access key, as the official SDKs read it.
pub const AK_VAR: &str = "HUAWEICLOUD_SDK_AK";
/// The secret key, as the official SDKs read it.
pub const SK_VAR: &str = "HUAWEICLOUD_SDK_SK";
/// The project id, as the official SDKs read it.
pub const PROJECT_VAR: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// The profile file, as the official SDKs read it (default `~/.huaweicloud/credentials`).
pub const PROFILE_VAR: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

/// The default time a call may take, each attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default number of attempts of an idempotent call (the first and its retries).
pub const DEFAULT_ATTEMPTS: u32 = 3;

/// How the client proves who it is.
///
/// ```
/// use csms_client::{ClientBuilder, Credentials};
/// let builder = ClientBuilder::new().access_key("MYAK", "my-secret-key");
/// let Some(Credentials::AccessKey { ak, .. }) = builder.credentials() else { unreachable!() };
/// assert_eq!(ak, "MYAK");
/// assert!(!format!("{:?}", builder.credentials()).contains("my-secret-key"), "never printed");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// An access key pair: every request is signed (`SDK-HMAC-SHA256`), as the official SDKs sign.
    AccessKey {
        /// The access key id.
        ak: String,
        /// The secret key (never sent).
        sk: String,
    },
    /// A token, sent as `X-Auth-Token`.
    Token(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::AccessKey { ak, .. } => write!(f, "AccessKey {{ ak: {ak:?}, sk: <redacted> }}"),
            Credentials::Token(_) => f.write_str("Token(<redacted>)"),
        }
    }
}

/// Builds a [`Client`]: the endpoint, the credentials and the project, then the timeouts and retries.
///
/// ```
/// let client = csms_client::Client::builder()
///     .endpoint("http://127.0.0.1:8080")
///     .access_key("AK", "SK")
///     .project("0123456789abcdef0123456789abcdef")
///     .timeout(std::time::Duration::from_secs(5))
///     .build()
///     .unwrap();
/// assert_eq!(client.project(), Some("0123456789abcdef0123456789abcdef"));
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    endpoint: Option<String>,
    project: Option<String>,
    credentials: Option<Credentials>,
    timeout: Duration,
    attempts: u32,
    roots: Vec<CertificateDer<'static>>,
    problem: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            endpoint: None,
            project: None,
            credentials: None,
            timeout: DEFAULT_TIMEOUT,
            attempts: DEFAULT_ATTEMPTS,
            roots: Vec::new(),
            problem: None,
        }
    }
}

impl ClientBuilder {
    /// A builder with nothing set.
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// assert!(ClientBuilder::new().credentials().is_none());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder set from the environment, then the profile file, as the official SDKs read them:
    /// `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` and `HUAWEICLOUD_SDK_PROJECT_ID`, else the `[basic]`
    /// section's `ak`, `sk` and `project_id` of `HUAWEICLOUD_SDK_CREDENTIALS_FILE` (default
    /// `~/.huaweicloud/credentials`); `CSMS_TOKEN` when there is no key; `CSMS_ENDPOINT`. Anything set
    /// on the builder afterwards wins.
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// // CSMS_ENDPOINT, HUAWEICLOUD_SDK_AK/SK/PROJECT_ID, else ~/.huaweicloud/credentials; then flags win:
    /// let builder = ClientBuilder::from_env().endpoint("http://127.0.0.1:8080");
    /// assert_eq!(builder.endpoint_url(), Some("http://127.0.0.1:8080"));
    /// ```
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// [`from_env`](Self::from_env) over any source of variables (a test's, say).
    ///
    /// ```
    /// use csms_client::{ClientBuilder, Credentials};
    /// let vars = |name: &str| match name {
    ///     "CSMS_ENDPOINT" => Some("http://127.0.0.1:8080".to_owned()),
    ///     "CSMS_TOKEN" => Some("a-long-random-string".to_owned()),
    ///     _ => None,
    /// };
    /// let builder = ClientBuilder::from_vars(vars);
    /// assert_eq!(builder.credentials(), Some(&Credentials::Token("a-long-random-string".into())));
    /// ```
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let profile = var(PROFILE_VAR)
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".huaweicloud").join("credentials")))
            .and_then(|path| std::fs::read_to_string(path).ok())
            .map(|text| basic_section(&text))
            .unwrap_or_default();
        let from_profile = |key: &str| profile.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let mut builder = ClientBuilder::new();
        builder.endpoint = var(ENDPOINT_VAR);
        builder.project = var(PROJECT_VAR).or_else(|| from_profile("project_id"));
        builder.credentials = match (var(AK_VAR), var(SK_VAR)) {
            (Some(ak), Some(sk)) => Some(Credentials::AccessKey { ak, sk }),
            _ => match (from_profile("ak"), from_profile("sk")) {
                (Some(ak), Some(sk)) => Some(Credentials::AccessKey { ak, sk }),
                _ => var(TOKEN_VAR).map(Credentials::Token),
            },
        };
        builder
    }

    /// The service's base URL (`http://host:port` or `https://host:port`, optionally with a path prefix).
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// let client = ClientBuilder::new().endpoint("https://csms.example.com/").token("t").build().unwrap();
    /// assert_eq!(client.endpoint(), "https://csms.example.com", "a trailing slash is dropped");
    /// ```
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The project the project-level operations act on.
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// assert_eq!(ClientBuilder::new().project("p1").project_id(), Some("p1"));
    /// ```
    pub fn project(mut self, id: impl Into<String>) -> Self {
        self.project = Some(id.into());
        self
    }

    /// Signs every request with this access key pair.
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// use csms_client::Credentials;
    /// let builder = ClientBuilder::new().access_key("MYAK", "my-secret-key");
    /// assert!(matches!(builder.credentials(), Some(Credentials::AccessKey { .. })));
    /// ```
    pub fn access_key(mut self, ak: impl Into<String>, sk: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::AccessKey { ak: ak.into(), sk: sk.into() });
        self
    }

    /// Sends this token (`X-Auth-Token`) with every request.
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// use csms_client::Credentials;
    /// let builder = ClientBuilder::new().access_key("MYAK", "sk").token("a-long-random-string");
    /// assert_eq!(builder.credentials(), Some(&Credentials::Token("a-long-random-string".into())), "the last one set");
    /// ```
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Token(token.into()));
        self
    }

    /// The credentials set so far.
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// assert!(ClientBuilder::new().token("t").credentials().is_some());
    /// ```
    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// The project set so far.
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// assert_eq!(ClientBuilder::new().project_id(), None);
    /// ```
    pub fn project_id(&self) -> Option<&str> {
        self.project.as_deref()
    }

    /// The endpoint set so far.
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// assert_eq!(ClientBuilder::new().endpoint("http://127.0.0.1:8080").endpoint_url(), Some("http://127.0.0.1:8080"));
    /// ```
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// How long each attempt of a call may take, answer read (default 30 s).
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// let builder = ClientBuilder::new().timeout(std::time::Duration::from_millis(500));
    /// assert!(builder.endpoint("http://127.0.0.1:8080").token("t").build().is_ok());
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many attempts an idempotent call (GET, PUT, DELETE) makes at most on 429, 5xx, a timeout
    /// or a broken connection (default 3; 1 turns retries off). Other calls are never retried.
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// // One attempt: never retried, even a GET answered 503.
    /// let client = ClientBuilder::new().endpoint("http://127.0.0.1:8080").token("t").max_attempts(1).build();
    /// assert!(client.is_ok());
    /// ```
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// Trusts the certificate authorities of a PEM bundle too (besides the Mozilla roots): a private
    /// endpoint's.
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// let refused = ClientBuilder::new().endpoint("https://127.0.0.1:8443").token("t").ca_pem(b"not a certificate").build();
    /// assert!(refused.unwrap_err().to_string().contains("no PEM certificate"));
    /// ```
    pub fn ca_pem(mut self, pem: &[u8]) -> Self {
        match CertificateDer::pem_slice_iter(pem).collect::<Result<Vec<_>, _>>() {
            Ok(certificates) if !certificates.is_empty() => self.roots.extend(certificates),
            Ok(_) => self.problem = Some("the CA bundle holds no PEM certificate".into()),
            Err(e) => self.problem = Some(format!("the CA bundle: {e}")),
        }
        self
    }

    /// The client. [`Error::Config`] without an endpoint or credentials, or with a bad endpoint.
    ///
    /// ```
    /// use csms_client::ClientBuilder;
    /// let error = ClientBuilder::new().token("t").build().unwrap_err();
    /// assert!(matches!(error, csms_client::Error::Config(_)), "no endpoint");
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        if let Some(problem) = self.problem {
            return Err(Error::Config(problem));
        }
        let endpoint = self.endpoint.ok_or_else(|| {
            Error::Config(format!("no endpoint: set {ENDPOINT_VAR} or the builder's endpoint"))
        })?;
        let base = endpoint.trim_end_matches('/').to_owned();
        let uri: http::Uri = base.parse().map_err(|e| Error::Config(format!("the endpoint {base}: {e}")))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.authority().is_none() {
            return Err(Error::Config(format!("the endpoint {base} is not an http:// or https:// URL")));
        }
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config(format!(
                "no credentials: set {AK_VAR} and {SK_VAR}, {TOKEN_VAR}, or a profile file"
            ))
        })?;
        let transport = Transport::new(self.roots)?;
        Ok(Client {
            inner: Arc::new(crate::Inner {
                transport,
                base,
                credentials,
                timeout: self.timeout,
                attempts: self.attempts,
                budget: RetryBudget::default(),
            }),
            project: self.project.map(Arc::from),
        })
    }
}

/// The `key = value` pairs of an INI file's `[basic]` section, keys lower case: the subset of Python's
/// `configparser` the official SDKs' profile files use (comments with `#` or `;`, `=` or `:`).
fn basic_section(text: &str) -> Vec<(String, String)> {
    let mut in_basic = false;
    let mut pairs = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_basic = section.trim() == "basic";
            continue;
        }
        let split = line.find(['=', ':']);
        if let (true, Some(at)) = (in_basic, split) {
            let (key, value) = (line[..at].trim().to_lowercase(), line[at + 1..].trim().to_owned());
            pairs.push((key, value));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_wins_over_the_profile_and_a_key_over_a_token() {
        let dir = std::env::temp_dir().join(format!("csms-client-profile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let profile = dir.join("credentials");
        std::fs::write(
            &profile,
            "[global]\nak = GLOBAL\n\n[basic]\n# the SDK's profile\nak = PROFILEAK\nsk = profile-sk\nproject_id: p-profile\n",
        )
        .unwrap();
        let path = profile.to_str().unwrap().to_owned();
        let vars = |extra: &'static [(&'static str, &'static str)]| {
            let path = path.clone();
            move |name: &str| {
                if name == PROFILE_VAR {
                    return Some(path.clone());
                }
                extra.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
            }
        };
        let from_profile = ClientBuilder::from_vars(vars(&[("CSMS_TOKEN", "token")]));
        assert_eq!(
            from_profile.credentials(),
            Some(&Credentials::AccessKey { ak: "PROFILEAK".into(), sk: "profile-sk".into() })
        );
        assert_eq!(from_profile.project.as_deref(), Some("p-profile"));
        let from_env = ClientBuilder::from_vars(vars(&[
            (AK_VAR, "ENVAK"),
            (SK_VAR, "env-sk"),
            (PROJECT_VAR, "p-env"),
            (ENDPOINT_VAR, "http://127.0.0.1:1"),
        ]));
        assert_eq!(
            from_env.credentials(),
            Some(&Credentials::AccessKey { ak: "ENVAK".into(), sk: "env-sk".into() })
        );
        assert_eq!(
            (from_env.project.as_deref(), from_env.endpoint_url()),
            (Some("p-env"), Some("http://127.0.0.1:1"))
        );
        assert!(!format!("{:?}", from_env.credentials()).contains("env-sk"), "the secret key is not printed");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_build_says_what_is_missing() {
        let no_endpoint = ClientBuilder::new().token("t").build().unwrap_err();
        assert!(no_endpoint.to_string().contains("CSMS_ENDPOINT"), "{no_endpoint}");
        let no_credentials = ClientBuilder::new().endpoint("http://127.0.0.1:1").build().unwrap_err();
        assert!(no_credentials.to_string().contains("no credentials"), "{no_credentials}");
        let bad = ClientBuilder::new().endpoint("ftp://host").token("t").build().unwrap_err();
        assert!(bad.to_string().contains("not an http"), "{bad}");
        let pem = ClientBuilder::new().endpoint("http://127.0.0.1:1").token("t").ca_pem(b"nothing").build();
        assert!(pem.unwrap_err().to_string().contains("no PEM"));
    }
}
