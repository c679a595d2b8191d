//! AK/SK signatures: vectors computed by the official Python SDK's signer, and the service's answers.

use bytes::Bytes;
use csms_http::auth::signing;
use csms_http::auth::{AuthRequest, Principal, ProjectScope};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri};
use http_body_util::Full;
use serde_json::Value;

use crate::harness::*;

struct Vector {
    name: String,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Vec<u8>,
    ak: String,
    sk: String,
}

fn vectors() -> Vec<Vector> {
    let all: Vec<Value> =
        serde_json::from_str(include_str!("../../../../fixtures/signing/vectors.json")).unwrap();
    assert!(all.len() >= 5);
    all.into_iter()
        .map(|v| {
            let mut headers = HeaderMap::new();
            for (k, value) in v["headers"].as_object().unwrap() {
                headers.insert(
                    HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    HeaderValue::from_str(value.as_str().unwrap()).unwrap(),
                );
            }
            Vector {
                name: v["name"].as_str().unwrap().into(),
                method: v["method"].as_str().unwrap().parse().unwrap(),
                uri: v["uri"].as_str().unwrap().parse().unwrap(),
                headers,
                body: v["body"].as_str().unwrap().as_bytes().to_vec(),
                ak: v["ak"].as_str().unwrap().into(),
                sk: v["sk"].as_str().unwrap().into(),
            }
        })
        .collect()
}

fn date_of(v: &Vector) -> time::OffsetDateTime {
    let text = v.headers["x-sdk-date"].to_str().unwrap();
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::PrimitiveDateTime::parse(text, format).unwrap().assume_utc()
}

fn principal() -> Principal {
    Principal { id: "ak".into(), scope: ProjectScope::All, user: None }
}

fn check(v: &Vector, headers: &HeaderMap, uri: &Uri, body: &[u8], sk: &str) -> Result<Principal, String> {
    let request = AuthRequest { method: &v.method, uri, headers, body };
    let p = principal();
    signing::verify(&request, date_of(v), |ak| (ak == v.ak).then_some((sk, &p))).map_err(|e| e.0)
}

#[test]
fn python_sdk_vectors_verify() {
    for v in vectors() {
        assert_eq!(check(&v, &v.headers, &v.uri, &v.body, &v.sk), Ok(principal()), "{}", v.name);
    }
}

#[test]
fn signing_reproduces_the_python_sdk_exactly() {
    for v in vectors() {
        let mut headers = v.headers.clone();
        let expected = headers.remove("authorization").unwrap();
        let ours = signing::sign(&v.method, &v.uri, &headers, &v.body, &v.ak, &v.sk);
        assert_eq!(ours, expected.to_str().unwrap(), "{}", v.name);
    }
}

#[test]
fn any_tampering_fails_and_says_what() {
    let vs = vectors();
    let create = vs.iter().find(|v| !v.body.is_empty()).unwrap();
    let list = vs.iter().find(|v| v.uri.query().is_some()).unwrap();
    let signature = create.headers["authorization"].to_str().unwrap().rsplit('=').next().unwrap().to_owned();

    let mut body = create.body.clone();
    body[10] ^= 1;
    let err = check(create, &create.headers, &create.uri, &body, &create.sk).unwrap_err();
    assert!(err.contains("signature does not match"), "{err}");
    assert!(!err.contains(&signature));

    let err = check(create, &create.headers, &create.uri, &create.body, "wrong-sk").unwrap_err();
    assert!(err.contains("signature does not match"), "{err}");

    let tampered: Uri = list.uri.to_string().replace("limit=10", "limit=11").parse().unwrap();
    assert!(check(list, &list.headers, &tampered, &list.body, &list.sk).is_err(), "query");

    let mut headers = create.headers.clone();
    headers.insert("x-project-id", HeaderValue::from_static("fedcba9876543210fedcba9876543210"));
    assert!(check(create, &headers, &create.uri, &create.body, &create.sk).is_err(), "signed header");

    // An unsigned header may change freely.
    let mut headers = create.headers.clone();
    headers.insert("user-agent", HeaderValue::from_static("something-else"));
    assert!(check(create, &headers, &create.uri, &create.body, &create.sk).is_ok());

    let mut headers = create.headers.clone();
    headers.insert("x-sdk-content-sha256", HeaderValue::from_static("UNSIGNED-PAYLOAD"));
    assert!(check(create, &headers, &create.uri, &create.body, &create.sk).unwrap_err().contains("Unsigned"));

    let mut headers = create.headers.clone();
    headers.remove("x-project-id");
    let err = check(create, &headers, &create.uri, &create.body, &create.sk).unwrap_err();
    assert!(err.contains("'x-project-id' is missing"), "{err}");
}

#[test]
fn dates_algorithms_and_malformed_headers() {
    let v = &vectors()[0];
    let run = |headers: &HeaderMap, now: time::OffsetDateTime| {
        let request = AuthRequest { method: &v.method, uri: &v.uri, headers, body: &v.body };
        let p = principal();
        signing::verify(&request, now, |ak| (ak == v.ak).then_some((v.sk.as_str(), &p))).map_err(|e| e.0)
    };
    let at = date_of(v);
    assert!(run(&v.headers, at + time::Duration::minutes(15)).is_ok());
    assert!(run(&v.headers, at - time::Duration::minutes(14)).is_ok());
    assert!(run(&v.headers, at + time::Duration::minutes(16)).unwrap_err().contains("15 minutes"));
    assert!(run(&v.headers, at - time::Duration::minutes(16)).unwrap_err().contains("15 minutes"));

    let mut h = v.headers.clone();
    h.insert("x-sdk-date", HeaderValue::from_static("2025-01-01T09:30:00Z"));
    assert!(run(&h, at).unwrap_err().contains("malformed"));
    h.remove("x-sdk-date");
    assert!(run(&h, at).unwrap_err().contains("X-Sdk-Date header is missing"));

    let authorization = v.headers["authorization"].to_str().unwrap().to_owned();
    let cases = [
        (authorization.replace("SDK-HMAC-SHA256", "SDK-HMAC-SM3"), "not supported"),
        (authorization.replace(&v.ak, "UNKNOWNAK"), "does not exist"),
        ("SDK-HMAC-SHA256 garbage".to_owned(), "malformed"),
        ("SDK-HMAC-SHA256".to_owned(), "malformed"),
        (authorization.replace("x-sdk-date", "x-other"), "x-sdk-date"),
        (authorization.replace("Signature=", "Signature=zz"), "signature does not match"),
    ];
    for (value, expect) in cases {
        let mut h = v.headers.clone();
        h.insert("authorization", HeaderValue::from_str(&value).unwrap());
        let err = run(&h, at).unwrap_err();
        assert!(err.contains(expect), "{value}: {err}");
    }
}

/// Signs a request for the service at the current time.
fn signed(method: &str, path: &str, body: &[u8], sk: &str) -> Request<Full<Bytes>> {
    let uri: Uri = path.parse().unwrap();
    let method: Method = method.parse().unwrap();
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
    headers.insert("content-type", HeaderValue::from_static("application/json;charset=UTF-8"));
    headers.insert("x-sdk-date", signing::sdk_date(time::OffsetDateTime::now_utc()));
    let authorization = signing::sign(&method, &uri, &headers, body, AK, sk);
    headers.insert("authorization", HeaderValue::from_str(&authorization).unwrap());
    let mut request =
        Request::builder().method(method).uri(uri).body(Full::new(Bytes::from(body.to_vec()))).unwrap();
    *request.headers_mut() = headers;
    request
}

#[tokio::test]
async fn the_service_accepts_signed_requests_for_the_keys_projects() {
    let h = Harness::new();
    let body = create_body("signed").to_string();
    let reply = h.send(signed("POST", &events(), body.as_bytes(), SK)).await;
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    assert_eq!(h.send(signed("GET", &format!("{}?limit=5&marker=a", events()), b"", SK)).await.status, 200);
    h.send(signed("GET", &events(), b"", "wrong-secret")).await.error(401, "APIGW.0301");
    h.send(signed("GET", &format!("/v1/{P2}/csms/events"), b"", SK)).await.error(403, "APIGW.0302");
    let mut tampered = signed("POST", &events(), create_body("x").to_string().as_bytes(), SK);
    *tampered.body_mut() = Full::new(Bytes::from(create_body("y").to_string()));
    h.send(tampered).await.error(401, "APIGW.0301");
}
