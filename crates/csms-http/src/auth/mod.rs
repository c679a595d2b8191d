//! Who is calling, and which projects they may use.
//!
//! [`Authenticator`] is the seam: an embedder can check credentials against a real IAM. The provided
//! [`StaticCredentials`] knows a fixed set of tokens (`X-Auth-Token`) and access keys (AK/SK signatures,
//! `SDK-HMAC-SHA256`, as the official SDKs send), each bound to a [`ProjectScope`].

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use http::HeaderMap;
use subtle::ConstantTimeEq;

pub use csms_sign as signing;

/// The projects a credential may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectScope {
    /// Every project (`"*"` in the credentials file).
    All,
    /// Only these project ids.
    Only(BTreeSet<String>),
}

impl ProjectScope {
    /// Builds a scope from a list where `"*"` means every project.
    pub fn from_list<I: IntoIterator<Item = S>, S: Into<String>>(projects: I) -> Self {
        let set: BTreeSet<String> = projects.into_iter().map(Into::into).collect();
        if set.contains("*") { ProjectScope::All } else { ProjectScope::Only(set) }
    }

    /// The account these credentials act for in the account-level operations (`/v1/csms/...`): `*` for
    /// every project; else the `[[account]]` of the first of its projects that has one, else
    /// `project:<id>` of its first project (in id order).
    pub fn account(&self, accounts: &csms_model::Accounts) -> String {
        match self {
            ProjectScope::All => "*".to_owned(),
            ProjectScope::Only(projects) => {
                match (projects.iter().find_map(|p| accounts.account_of(p)), projects.iter().next()) {
                    (Some(account), _) => account.to_owned(),
                    (None, Some(project)) => format!("project:{project}"),
                    (None, None) => "-".to_owned(),
                }
            }
        }
    }

    /// Whether `project` is in the scope.
    pub fn allows(&self, project: &str) -> bool {
        match self {
            ProjectScope::All => true,
            ProjectScope::Only(set) => set.contains(project),
        }
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// How the caller is named in logs: never a secret (`token#1`, `ak:AK...`).
    pub id: String,
    /// What the caller may use.
    pub scope: ProjectScope,
    /// The user of the directory these credentials are (for UpdateUserPassword), if any.
    pub user: Option<String>,
}

/// Why a caller was not authenticated; answered 401 `APIGW.0301` with this message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError(pub String);

/// What an [`Authenticator`] sees of a request: everything needed to check a signature (the method, the
/// target as received, the headers and the body).
pub type AuthRequest<'a> = csms_sign::SignedRequest<'a>;

/// Checks a request's credentials.
#[async_trait]
pub trait Authenticator: Send + Sync + 'static {
    /// The caller, decided from the request's head alone where the credentials need no body (a token):
    /// then an unauthenticated caller's body is never read. `None` (the default) when the body is needed
    /// (a signature covers it), and [`Authenticator::authenticate`] decides once the body is read.
    fn authenticate_head(&self, _head: &http::request::Parts) -> Option<Result<Principal, AuthError>> {
        None
    }

    /// The caller, or why not. The project check (403) is the service's, against [`Principal::scope`].
    async fn authenticate(&self, request: &AuthRequest<'_>) -> Result<Principal, AuthError>;
}

struct AccessKey {
    secret: signing::SecretKey,
    principal: Principal,
}

/// A fixed set of tokens and access keys.
///
/// ```
/// use csms_http::auth::{ProjectScope, StaticCredentials};
///
/// let credentials = StaticCredentials::new()
///     .with_token("a-long-random-token", ProjectScope::All)
///     .with_access_key("AKEXAMPLE", "SKEXAMPLE", ProjectScope::from_list(["0123456789abcdef"]));
/// # let _ = credentials;
/// ```
#[derive(Default)]
pub struct StaticCredentials {
    tokens: Vec<(Vec<u8>, Principal)>,
    access_keys: HashMap<String, AccessKey>,
}

impl StaticCredentials {
    /// No credentials: every request is refused.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts `X-Auth-Token: token` for the projects of `scope`.
    pub fn with_token(self, token: impl Into<String>, scope: ProjectScope) -> Self {
        self.with_user_token(token, scope, None)
    }

    /// [`StaticCredentials::with_token`] for the directory's user `user`.
    pub fn with_user_token(
        mut self,
        token: impl Into<String>,
        scope: ProjectScope,
        user: Option<String>,
    ) -> Self {
        let id = format!("token#{}", self.tokens.len() + 1);
        self.tokens.push((token.into().into_bytes(), Principal { id, scope, user }));
        self
    }

    /// Accepts requests signed with the access key `ak` and secret key `sk` for the projects of `scope`.
    pub fn with_access_key(self, ak: impl Into<String>, sk: impl Into<String>, scope: ProjectScope) -> Self {
        self.with_user_access_key(ak, sk, scope, None)
    }

    /// [`StaticCredentials::with_access_key`] for the directory's user `user`.
    pub fn with_user_access_key(
        mut self,
        ak: impl Into<String>,
        sk: impl Into<String>,
        scope: ProjectScope,
        user: Option<String>,
    ) -> Self {
        let ak = ak.into();
        let principal = Principal { id: format!("ak:{ak}"), scope, user };
        let secret = signing::SecretKey::new(&sk.into());
        self.access_keys.insert(ak, AccessKey { secret, principal });
        self
    }

    fn check_token(&self, token: &[u8]) -> Result<Principal, AuthError> {
        // Every token is compared, each in constant time, so timing tells nothing about which matched.
        let mut found = None;
        for (candidate, principal) in &self.tokens {
            if bool::from(candidate.as_slice().ct_eq(token)) {
                found = Some(principal);
            }
        }
        found.cloned().ok_or_else(|| AuthError("The X-Auth-Token is invalid.".into()))
    }
}

impl StaticCredentials {
    /// A token (or no credentials at all) is decided from the headers; a signature needs the body.
    fn check_headers(&self, headers: &HeaderMap) -> Option<Result<Principal, AuthError>> {
        if headers.contains_key(http::header::AUTHORIZATION) {
            return None;
        }
        Some(match headers.get("x-auth-token") {
            Some(token) => self.check_token(token.as_bytes()),
            None => Err(AuthError(
                "No credentials: send X-Auth-Token or an SDK-HMAC-SHA256 Authorization header.".into(),
            )),
        })
    }
}

#[async_trait]
impl Authenticator for StaticCredentials {
    fn authenticate_head(&self, head: &http::request::Parts) -> Option<Result<Principal, AuthError>> {
        self.check_headers(&head.headers)
    }

    async fn authenticate(&self, request: &AuthRequest<'_>) -> Result<Principal, AuthError> {
        if let Some(decided) = self.check_headers(request.headers) {
            return decided;
        }
        let now = time::OffsetDateTime::now_utc();
        signing::verify(request, now, |ak| self.access_keys.get(ak).map(|k| (&k.secret, &k.principal)))
            .map_err(|e| AuthError(e.0))
    }
}
