//! The scenarios: each a request maker (token or AK/SK signed) over the seeded data.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST};
use http::{HeaderName, HeaderValue, Method, Uri};
use serde_json::json;

use crate::seed::event_name;
use crate::{AK, PROJECT, SECRETS, SEED_PUT, SK, TOKEN};

/// One request of a scenario, with what the reference answers in its place.
#[derive(Clone)]
pub(crate) struct Req {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Bytes,
    /// The kind of answer (for the reference): an index into the scenario's probed answers.
    pub(crate) kind: usize,
}

pub(crate) type Maker = Arc<dyn Fn(&mut Rng, usize, u64) -> Req + Send + Sync>;

pub(crate) struct Scenario {
    pub(crate) name: &'static str,
    pub(crate) make: Maker,
}

/// xorshift64*: enough to pick names.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    }
}

pub(crate) fn token_headers(body: bool) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = vec![(HeaderName::from_static("x-auth-token"), HeaderValue::from_static(TOKEN))];
    if body {
        headers.push((CONTENT_TYPE, HeaderValue::from_static("application/json")));
    }
    headers
}

/// AK/SK-signed headers of a request to `addr`, as the SDKs sign (host, content type, date).
pub(crate) fn signed_headers(
    method: &Method,
    path: &str,
    body: &[u8],
    addr: &str,
) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = http::HeaderMap::new();
    headers.insert(HOST, HeaderValue::from_str(addr).expect("an address"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(
        HeaderName::from_static(csms_sign::DATE_HEADER),
        csms_sign::sdk_date(time::OffsetDateTime::now_utc()),
    );
    let uri: Uri = path.parse().expect("a path");
    let authorization = csms_sign::sign(method, &uri, &headers, body, AK, SK);
    headers.insert(http::header::AUTHORIZATION, HeaderValue::from_str(&authorization).expect("ASCII"));
    headers.into_iter().filter_map(|(k, v)| k.map(|k| (k, v))).collect()
}

impl Req {
    /// A request with the bench's token; a body is JSON.
    fn token(method: Method, path: String, body: Option<Bytes>) -> Req {
        let headers = token_headers(body.is_some());
        Req { method, path, headers, body: body.unwrap_or_default(), kind: 0 }
    }

    /// A request signed with the bench's access key, for the server at `host`.
    fn signed(method: Method, path: String, body: Bytes, host: &str) -> Req {
        let headers = signed_headers(&method, &path, &body, host);
        Req { method, path, headers, body, kind: 0 }
    }

    /// The same request, answered by the reference as the scenario's answer of kind `kind`.
    fn kind(self, kind: usize) -> Req {
        Req { kind, ..self }
    }
}

pub(crate) fn scenarios(events: usize, server: SocketAddr) -> Vec<Scenario> {
    let base = format!("/v1/{PROJECT}");
    let host = server.to_string();
    let pick = move |rng: &mut Rng| event_name(rng.below(events));
    let seed_put = || Some(Bytes::from_static(SEED_PUT.as_bytes()));
    let mut out: Vec<Scenario> = Vec::new();
    let mut add = |name: &'static str, make: Maker| out.push(Scenario { name, make });
    let b = base.clone();
    add(
        "show one event",
        Arc::new(move |rng, _, _| Req::token(Method::GET, format!("{b}/csms/events/{}", pick(rng)), None)),
    );
    let b = base.clone();
    add(
        "seed PUT",
        Arc::new(move |rng, _, _| {
            Req::token(Method::PUT, format!("{b}/csms/events/{}", pick(rng)), seed_put())
        }),
    );
    let b = base.clone();
    add(
        "create then delete",
        Arc::new(move |_, connection, k| {
            let name = format!("cd-{connection:03}-{:016x}", k / 2);
            if k % 2 == 0 {
                let topic = format!("urn:smn:r:{PROJECT}:t");
                let body = json!({"name": name, "event_types": ["SECRET_ROTATED"], "state": "ENABLED",
                    "notification": {"target_type": "SMN", "target_id": topic, "target_name": "t"}});
                Req::token(Method::POST, format!("{b}/csms/events"), Some(Bytes::from(body.to_string())))
            } else {
                Req::token(Method::DELETE, format!("{b}/csms/events/{name}"), None).kind(1)
            }
        }),
    );
    let b = base.clone();
    add(
        "list page of 50",
        Arc::new(move |rng, _, _| {
            let marker = event_name(rng.below(events.saturating_sub(50)));
            Req::token(Method::GET, format!("{b}/csms/events?limit=50&marker={marker}"), None)
        }),
    );
    let b = base.clone();
    add(
        "ListNotificationRecords",
        Arc::new(move |_, _, _| Req::token(Method::GET, format!("{b}/csms/notification-records"), None)),
    );
    let (b, h) = (base.clone(), host.clone());
    add(
        "AK/SK-signed show",
        Arc::new(move |rng, _, _| {
            Req::signed(Method::GET, format!("{b}/csms/events/{}", pick(rng)), Bytes::new(), &h)
        }),
    );
    let (b, h) = (base.clone(), host);
    add(
        "AK/SK-signed seed PUT",
        Arc::new(move |rng, _, _| {
            let body = seed_put().unwrap_or_default();
            Req::signed(Method::PUT, format!("{b}/csms/events/{}", pick(rng)), body, &h)
        }),
    );
    let show_version: Maker = {
        let b = base.clone();
        Arc::new(move |rng, _, _| {
            let path = format!("{b}/secrets/sec-{:04}/versions/latest", rng.below(SECRETS));
            Req::token(Method::GET, path, None)
        })
    };
    add("ShowSecretVersion", Arc::clone(&show_version));
    let b = base;
    add(
        "CreateSecretVersion",
        Arc::new(move |rng, _, _| {
            let path = format!("{b}/secrets/sec-{:04}/versions", rng.below(SECRETS));
            Req::token(
                Method::POST,
                path,
                Some(Bytes::from_static(br#"{"secret_string":"a new value of the secret"}"#)),
            )
        }),
    );
    // The same read once CreateSecretVersion has given every secret its twenty versions: reading the
    // current value must not depend on how many a secret keeps.
    add("ShowSecretVersion, 20 versions", show_version);
    out
}
