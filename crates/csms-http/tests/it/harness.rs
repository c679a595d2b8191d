use std::sync::Arc;

use bytes::Bytes;
use csms_http::CsmsService;
use csms_http::auth::{ProjectScope, StaticCredentials};
use csms_store::{ManualClock, Store};
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};

pub(crate) const P: &str = "0123456789abcdef0123456789abcdef";
pub(crate) const P2: &str = "fedcba9876543210fedcba9876543210";
/// A token valid for every project.
pub(crate) const TOKEN: &str = "token-for-every-project-0123456789";
/// A token valid for project P2 only.
pub(crate) const TOKEN_P2: &str = "token-for-p2-only-0123456789abcdef";
pub(crate) const AK: &str = "HPUAEXAMPLEAK0000001";
pub(crate) const SK: &str = "exampleSecretKey0123456789abcdefEXAMPLE0";

/// Where the harness's clock starts: 2023-11-14T22:13:20Z, in epoch milliseconds.
pub(crate) const START_MS: i64 = 1_700_000_000_000;

pub(crate) struct Harness {
    pub(crate) service: CsmsService,
    pub(crate) store: Store,
    /// The service's clock, moved by the tests.
    pub(crate) clock: Arc<ManualClock>,
}

pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    /// Asserts the error shape, status and code, and returns the message.
    #[track_caller]
    pub(crate) fn error(&self, status: u16, code: &str) -> String {
        assert_eq!(self.status.as_u16(), status, "body: {}", String::from_utf8_lossy(&self.body));
        let body = self.json();
        assert_eq!(body["error"]["error_code"], code, "{body}");
        assert_eq!(body.as_object().unwrap().len(), 1, "only the error envelope: {body}");
        assert!(self.headers.contains_key("x-request-id"));
        body["error"]["error_msg"].as_str().unwrap().to_owned()
    }
}

pub(crate) fn credentials() -> StaticCredentials {
    StaticCredentials::new()
        .with_token(TOKEN, ProjectScope::All)
        .with_token(TOKEN_P2, ProjectScope::from_list([P2]))
        .with_access_key(AK, SK, ProjectScope::from_list([P]))
}

impl Harness {
    pub(crate) fn new() -> Self {
        Self::with_store(Store::memory())
    }

    pub(crate) fn with_store(store: Store) -> Self {
        let clock = Arc::new(ManualClock::new(START_MS));
        let service =
            CsmsService::builder(store.clone(), Arc::new(credentials())).clock(clock.clone()).build();
        Harness { service, store, clock }
    }

    /// The same service with another secret quota.
    pub(crate) fn with_secret_quota(self, quota: u64) -> Self {
        Harness { service: self.service.to_builder().secret_quota(quota).build(), ..self }
    }

    /// The same service, rotating COMMON secrets (`--rotate-common`).
    pub(crate) fn with_rotate_common(self, on: bool) -> Self {
        Harness { service: self.service.to_builder().rotate_common(on).build(), ..self }
    }

    pub(crate) async fn send(&self, request: Request<Full<Bytes>>) -> Reply {
        let response = self.service.handle(request).await;
        let (parts, body) = response.into_parts();
        Reply { status: parts.status, headers: parts.headers, body: body.collect().await.unwrap().to_bytes() }
    }

    /// A request with the all-projects token and a JSON content type when there is a body.
    pub(crate) async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Reply {
        self.call_with(method, path, &[("x-auth-token", TOKEN)], body.map(|b| b.to_string().into_bytes()))
            .await
    }

    pub(crate) async fn call_with(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(path);
        if body.is_some() {
            builder = builder.header("content-type", "application/json;charset=UTF-8");
        }
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        self.send(builder.body(Full::new(Bytes::from(body.unwrap_or_default()))).unwrap()).await
    }

    /// A new KMS key of project P with `alias`: its id.
    pub(crate) async fn key(&self, alias: &str) -> String {
        let reply = self.call("POST", &kms("create-key"), Some(&json!({"key_alias": alias}))).await;
        assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
        reply.json()["key_info"]["key_id"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn create(&self, name: &str) -> Reply {
        let reply = self.call("POST", &events(), Some(&create_body(name))).await;
        assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
        reply
    }
}

/// A KMS action's path in project P.
pub(crate) fn kms(action: &str) -> String {
    format!("/v1.0/{P}/kms/{action}")
}

pub(crate) fn events() -> String {
    format!("/v1/{P}/csms/events")
}

pub(crate) fn event(name: &str) -> String {
    format!("/v1/{P}/csms/events/{name}")
}

pub(crate) fn create_body(name: &str) -> Value {
    json!({
        "name": name,
        "event_types": ["SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED"],
        "state": "ENABLED",
        "notification": {
            "target_type": "SMN",
            "target_id": "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:topic",
            "target_name": "topic"
        }
    })
}
