//! The HTTP side of every call: the URL from the route table, the signature, the pooled connection,
//! the timeout, the retries and their budget, and the answer read into a value or an [`Error`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use bytes::Bytes;
use csms_model::{ErrorCode, ErrorResponse, Operation};
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rustls_pki_types::CertificateDer;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, describe};
use crate::{Client, Credentials};

/// The most bytes of an answer read (a backup blob of 20 versions of the largest value fits).
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
/// The first retry's longest wait; each next one doubles it, up to [`MAX_BACKOFF`].
const BASE_BACKOFF: Duration = Duration::from_millis(100);
/// The longest wait before a retry, `Retry-After` included.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Everything but the unreserved characters (RFC 3986) is encoded in a path segment or a query value.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The pooled HTTP/1.1 client, `http://` and `https://` (rustls, the Mozilla roots and any given).
#[derive(Clone)]
pub(crate) struct Transport {
    client: HyperClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl Transport {
    pub(crate) fn new(extra_roots: Vec<CertificateDer<'static>>) -> Result<Self, Error> {
        let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        for certificate in extra_roots {
            roots.add(certificate).map_err(|e| Error::Config(format!("a CA certificate: {e}")))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = HyperClient::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        Ok(Transport { client })
    }
}

/// A retry budget shared by every call of a client, so that a failing service is not hit by a
/// multiple of the load (the token bucket of the AWS SDKs): it starts full, a retry takes
/// [`RETRY_COST`] (a retry after a timeout twice that), a call answered at its first attempt gives one
/// back. Empty, a failed attempt is final.
#[derive(Debug)]
pub(crate) struct RetryBudget(AtomicU32);

const BUDGET: u32 = 500;
const RETRY_COST: u32 = 5;

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget(AtomicU32::new(BUDGET))
    }
}

impl RetryBudget {
    fn withdraw(&self, cost: u32) -> bool {
        self.0.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(cost)).is_ok()
    }

    fn deposit(&self) {
        let _ = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| (left < BUDGET).then_some(left + 1));
    }
}

/// A call's target: its row, its path values in the template's order, its query.
pub(crate) struct Call<'a> {
    pub(crate) op: Operation,
    pub(crate) path: &'a [&'a str],
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Vec<u8>>,
}

impl<'a> Call<'a> {
    pub(crate) fn new(op: Operation, path: &'a [&'a str]) -> Self {
        Call { op, path, query: Vec::new(), body: None }
    }

    /// Adds `name=value` to the query if `value` is given.
    pub(crate) fn query(mut self, name: &'static str, value: Option<impl ToString>) -> Self {
        if let Some(value) = value {
            self.query.push((name, value.to_string()));
        }
        self
    }

    /// The JSON body.
    pub(crate) fn json(mut self, body: &impl serde::Serialize) -> Result<Self, Error> {
        self.body =
            Some(serde_json::to_vec(body).map_err(|e| Error::Config(format!("the request body: {e}")))?);
        Ok(self)
    }
}

/// What an attempt ended in, for the retry decision.
enum Attempt {
    Answered(StatusCode, HeaderMap, Bytes),
    Broken(String),
    TimedOut,
}

impl Client {
    /// The request URL: the template's `{project_id}` is the client's project, every other `{...}` the
    /// next of `values`, each encoded as one segment.
    fn url(&self, call: &Call<'_>) -> Result<String, Error> {
        let mut url = self.inner.base.clone();
        let mut values = call.path.iter();
        for segment in call.op.path().split('/').skip(1) {
            url.push('/');
            if segment == "{project_id}" {
                let project = self.project.as_deref().ok_or_else(|| {
                    Error::Config(format!(
                        "{} needs a project: set HUAWEICLOUD_SDK_PROJECT_ID or the builder's project",
                        call.op.id()
                    ))
                })?;
                url.extend(utf8_percent_encode(project, COMPONENT));
            } else if segment.starts_with('{') {
                let value = values
                    .next()
                    .ok_or_else(|| Error::Config(format!("{} needs {segment}", call.op.id())))?;
                if value.is_empty() {
                    return Err(Error::Config(format!("{} needs a non-empty {segment}", call.op.id())));
                }
                url.extend(utf8_percent_encode(value, COMPONENT));
            } else {
                url.push_str(segment);
            }
        }
        for (i, (name, value)) in call.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(name);
            url.push('=');
            url.extend(utf8_percent_encode(value, COMPONENT));
        }
        Ok(url)
    }

    fn request(&self, method: &Method, url: &str, body: &Bytes) -> Result<Request<Full<Bytes>>, Error> {
        let uri: http::Uri = url.parse().map_err(|e| Error::Config(format!("the URL {url}: {e}")))?;
        let mut headers = HeaderMap::new();
        if !body.is_empty() {
            headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        match &self.inner.credentials {
            Credentials::Token(token) => {
                let value = HeaderValue::from_str(token)
                    .map_err(|_| Error::Config("the token is not a header value".into()))?;
                headers.insert("x-auth-token", value);
            }
            Credentials::AccessKey { ak, sk } => {
                headers.insert("x-sdk-date", csms_sign::sdk_date(time::OffsetDateTime::now_utc()));
                let authorization = csms_sign::sign(method, &uri, &headers, body, ak, sk);
                let value = HeaderValue::from_str(&authorization)
                    .map_err(|_| Error::Config("the access key is not a header value".into()))?;
                headers.insert(http::header::AUTHORIZATION, value);
            }
        }
        let mut request = Request::builder().method(method.clone()).uri(uri);
        if let Some(all) = request.headers_mut() {
            all.extend(headers);
        }
        request.body(Full::new(body.clone())).map_err(|e| Error::Config(e.to_string()))
    }

    async fn attempt(&self, method: &Method, url: &str, body: &Bytes) -> Result<Attempt, Error> {
        let request = self.request(method, url, body)?;
        let exchange = async {
            let response = self.inner.transport.client.request(request).await.map_err(|e| describe(&e))?;
            let (parts, body) = response.into_parts();
            let bytes = Limited::new(body, MAX_ANSWER_BYTES).collect().await.map_err(|e| describe(&*e))?;
            Ok::<_, String>((parts.status, parts.headers, bytes.to_bytes()))
        };
        Ok(match tokio::time::timeout(self.inner.timeout, exchange).await {
            Ok(Ok((status, headers, bytes))) => Attempt::Answered(status, headers, bytes),
            Ok(Err(why)) => Attempt::Broken(why),
            Err(_) => Attempt::TimedOut,
        })
    }

    /// Sends a call, retrying an idempotent one within the attempts and the budget, and answers the
    /// success's body or the error.
    pub(crate) async fn send(&self, call: Call<'_>) -> Result<Bytes, Error> {
        let method =
            Method::from_bytes(call.op.method().as_bytes()).expect("the route table's methods are valid");
        let url = self.url(&call)?;
        // Made once; each attempt's request shares it.
        let body = Bytes::from(call.body.unwrap_or_default());
        let idempotent = matches!(method, Method::GET | Method::PUT | Method::DELETE);
        let mut tries = 0;
        loop {
            tries += 1;
            let outcome = self.attempt(&method, &url, &body).await?;
            let (retryable, wait_hint, cost) = match &outcome {
                Attempt::Answered(status, headers, _) => {
                    let retryable = matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504);
                    (retryable, retry_after(headers), RETRY_COST)
                }
                Attempt::Broken(_) => (true, None, RETRY_COST),
                Attempt::TimedOut => (true, None, 2 * RETRY_COST),
            };
            let last = !idempotent || tries >= self.inner.attempts || !retryable;
            if last || !self.inner.budget.withdraw(cost) {
                return match outcome {
                    Attempt::Answered(status, _, bytes) if status.is_success() => {
                        if tries == 1 {
                            self.inner.budget.deposit();
                        }
                        Ok(bytes)
                    }
                    Attempt::Answered(status, headers, bytes) => Err(api_error(status, &headers, &bytes)),
                    Attempt::Broken(why) => Err(Error::Transport(why)),
                    Attempt::TimedOut => Err(Error::Timeout),
                };
            }
            tokio::time::sleep(backoff(tries, wait_hint)).await;
        }
    }

    /// Sends a call and reads its answer as `R`.
    pub(crate) async fn call<R: DeserializeOwned>(&self, call: Call<'_>) -> Result<R, Error> {
        let op = call.op;
        let bytes = self.send(call).await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Decode(format!("{}: {e}", op.id())))
    }

    /// Sends a call whose success has no body (204).
    pub(crate) async fn call_empty(&self, call: Call<'_>) -> Result<(), Error> {
        self.send(call).await.map(drop)
    }
}

/// The wait before retry number `tries` (from 1): full jitter over an exponential bound, or the
/// service's `Retry-After`, within [`MAX_BACKOFF`].
fn backoff(tries: u32, hint: Option<Duration>) -> Duration {
    if let Some(hint) = hint {
        return hint.min(MAX_BACKOFF);
    }
    let bound = BASE_BACKOFF.saturating_mul(1 << tries.saturating_sub(1).min(16)).min(MAX_BACKOFF);
    let mut random = [0u8; 4];
    let fraction = match getrandom::fill(&mut random) {
        Ok(()) => f64::from(u32::from_le_bytes(random)) / f64::from(u32::MAX),
        Err(_) => 0.5,
    };
    bound.mul_f64(fraction)
}

/// `Retry-After` in seconds, if the answer says.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim().parse::<u64>().ok()?;
    Some(Duration::from_secs(seconds))
}

fn api_error(status: StatusCode, headers: &HeaderMap, bytes: &[u8]) -> Error {
    let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (error_code, message) = match serde_json::from_slice::<ErrorResponse>(bytes) {
        Ok(body) => (body.error.error_code, body.error.error_msg),
        Err(_) => (String::new(), String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).into_owned()),
    };
    Error::Api(ApiError {
        status: status.as_u16(),
        code: ErrorCode::from_code(&error_code),
        error_code,
        message,
        request_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_and_grows() {
        for tries in 1..40 {
            let wait = backoff(tries, None);
            assert!(wait <= MAX_BACKOFF, "{wait:?}");
            assert!(wait <= BASE_BACKOFF * (1 << (tries - 1).min(16)), "{tries}: {wait:?}");
        }
        assert_eq!(backoff(1, Some(Duration::from_secs(1))), Duration::from_secs(1));
        assert_eq!(backoff(1, Some(Duration::from_secs(600))), MAX_BACKOFF);
    }

    #[test]
    fn the_budget_runs_out_and_refills_by_successes() {
        let budget = RetryBudget::default();
        let retries = std::iter::from_fn(|| budget.withdraw(RETRY_COST).then_some(())).count();
        assert_eq!(retries as u32, BUDGET / RETRY_COST);
        for _ in 0..RETRY_COST {
            budget.deposit();
        }
        assert!(budget.withdraw(RETRY_COST) && !budget.withdraw(RETRY_COST));
        for _ in 0..2 * BUDGET {
            budget.deposit();
        }
        assert_eq!(budget.0.load(Ordering::Relaxed), BUDGET, "never above full");
    }
}
