//! AK/SK request signatures, `SDK-HMAC-SHA256`, as the official Huawei Cloud SDKs compute them.
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
//! StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(sha256(CanonicalRequest))
//! Signature        = hex(hmac_sha256(SK, StringToSign))
//! Authorization    = SDK-HMAC-SHA256 Access=AK, SignedHeaders=h1;h2, Signature=hex
//! ```
//!
//! The canonical URI is the decoded path with each segment re-encoded and a trailing `/`; the canonical
//! query is the decoded pairs sorted by key then value, re-encoded; only the headers named in
//! SignedHeaders are used. [`sign`] is the client side (the notification worker's SMN target, the
//! benchmark, Rust callers); [`verify`] the server side. Both live here, apart from the HTTP service
//! and the worker, so that each reaches them without depending on the other.
//!
//! ```
//! use csms_sign as signing;
//! use http::{HeaderMap, HeaderValue, Method, Uri};
//!
//! let uri: Uri = "/v1/0123/csms/events?limit=10".parse().unwrap();
//! let mut headers = HeaderMap::new();
//! headers.insert("x-sdk-date", HeaderValue::from_static("20250101T093000Z"));
//! let authorization = signing::sign(&Method::GET, &uri, &headers, b"", "AK", "SK");
//! assert!(authorization.starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature="));
//! ```

#![warn(missing_docs)]

use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderValue, Method, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use time::macros::format_description;

/// Why a signature was refused: the message says which check failed, never what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureError(pub String);

impl std::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SignatureError {}

/// What a signature is checked against: the request as received.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The method.
    pub method: &'a Method,
    /// The request target as received (path and query still percent-encoded).
    pub uri: &'a Uri,
    /// The headers.
    pub headers: &'a HeaderMap,
    /// The body, whole.
    pub body: &'a [u8],
}

/// The only algorithm accepted.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Header carrying the signing time, `YYYYMMDDTHHMMSSZ` in UTC.
pub const DATE_HEADER: &str = "x-sdk-date";
/// Header that may carry the body's hash instead of the body being hashed.
pub const CONTENT_HASH_HEADER: &str = "x-sdk-content-sha256";
/// How far `X-Sdk-Date` may be from the server's clock.
pub const MAX_CLOCK_SKEW: time::Duration =
    time::Duration::minutes(csms_model::limits::SIGNATURE_MAX_SKEW_MINUTES);

const EMPTY_BODY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Python's `quote(s, safe='~')`: everything but `A-Za-z0-9-_.~` is percent-encoded (upper-case hex).
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

fn encode(bytes: &[u8]) -> String {
    percent_encode(bytes, ENCODE).to_string()
}

fn decode(s: &str) -> Vec<u8> {
    percent_decode_str(s).collect()
}

/// The canonical URI of a request path: decoded, each segment re-encoded, with a trailing `/`.
pub fn canonical_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 1);
    write_canonical_uri(&mut out, path);
    out
}

/// [`canonical_uri`], appended to `out`.
fn write_canonical_uri(out: &mut String, path: &str) {
    use std::fmt::Write;
    let start = out.len();
    let decoded = percent_decode_str(path);
    // A path without escapes decodes to itself: no copy of it is needed.
    let decoded: std::borrow::Cow<'_, [u8]> = decoded.into();
    for (i, segment) in decoded.split(|b| *b == b'/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        let _ = write!(out, "{}", percent_encode(segment, ENCODE));
    }
    if !out[start..].ends_with('/') {
        out.push('/');
    }
}

/// The canonical query: pairs decoded, sorted by key then value, re-encoded, joined with `&`.
pub fn canonical_query(query: Option<&str>) -> String {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), Vec::new()),
        })
        .collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &bytes[start..end]
}

/// `name:value\n` for each signed header; a repeated header gives one line per value, sorted.
fn canonical_headers(headers: &HeaderMap, uri: &Uri, signed: &[&str]) -> Result<Vec<u8>, SignatureError> {
    let mut out = Vec::new();
    for name in signed {
        let mut values: Vec<&[u8]> = headers.get_all(*name).iter().map(|v| trim(v.as_bytes())).collect();
        if values.is_empty() && *name == "host" {
            // HTTP/2 carries the host in the request target, not in a header.
            values.extend(uri.authority().map(|a| a.as_str().as_bytes()));
        }
        if values.is_empty() {
            return Err(SignatureError(format!("The signed header '{name}' is missing from the request.")));
        }
        if values.len() > 1 {
            values.sort();
        }
        for value in values {
            out.extend_from_slice(name.as_bytes());
            out.push(b':');
            out.extend_from_slice(value);
            out.push(b'\n');
        }
    }
    Ok(out)
}

fn hex_sha256(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn string_to_sign(
    method: &Method,
    uri: &Uri,
    canonical_headers: &[u8],
    signed_headers: &str,
    payload_hash: &str,
    date: &str,
) -> Vec<u8> {
    let mut canonical = String::with_capacity(256 + canonical_headers.len());
    canonical.push_str(method.as_str());
    canonical.push('\n');
    write_canonical_uri(&mut canonical, uri.path());
    canonical.push('\n');
    if let Some(query) = uri.query().filter(|q| !q.is_empty()) {
        canonical.push_str(&canonical_query(Some(query)));
    }
    canonical.push('\n');
    let mut hasher = Sha256::new();
    hasher.update(canonical.as_bytes());
    hasher.update(canonical_headers);
    hasher.update(b"\n");
    hasher.update(signed_headers.as_bytes());
    hasher.update(b"\n");
    hasher.update(payload_hash.as_bytes());
    let mut out = Vec::with_capacity(ALGORITHM.len() + date.len() + 66);
    out.extend_from_slice(ALGORITHM.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(date.as_bytes());
    out.push(b'\n');
    let mut digest = [0u8; 64];
    hex::encode_to_slice(hasher.finalize(), &mut digest).expect("64 hex digits for 32 bytes");
    out.extend_from_slice(&digest);
    out
}

/// A secret key (SK) made ready to sign with once: HMAC's key schedule (the key's inner and outer pads,
/// each a SHA-256 block) is done here, not again for every request it verifies.
///
/// ```
/// use csms_sign::{SecretKey, SigningSecret};
/// let key = SecretKey::new("SKEXAMPLE");
/// assert_eq!(key.mac(b"message"), "SKEXAMPLE".mac(b"message"));
/// ```
#[derive(Clone)]
pub struct SecretKey(Hmac<Sha256>);

impl SecretKey {
    /// The key of the secret `sk`.
    pub fn new(sk: &str) -> Self {
        SecretKey(Hmac::<Sha256>::new_from_slice(sk.as_bytes()).expect("HMAC takes any key length"))
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// A secret that signs: a [`SecretKey`], or the secret's text (its key schedule made on each use).
pub trait SigningSecret {
    /// HMAC-SHA256 of `message` under this secret.
    fn mac(&self, message: &[u8]) -> [u8; 32];
}

impl SigningSecret for SecretKey {
    fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut mac = self.0.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }
}

impl SigningSecret for str {
    fn mac(&self, message: &[u8]) -> [u8; 32] {
        SecretKey::new(self).mac(message)
    }
}

/// Computes the `Authorization` value for a request, signing every header present (as the Python SDK
/// does, except names containing `_`). `X-Sdk-Date` must already be among the headers.
pub fn sign(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8], ak: &str, sk: &str) -> String {
    let mut names: Vec<&str> = headers.keys().map(|k| k.as_str()).filter(|k| !k.contains('_')).collect();
    names.sort_unstable();
    names.dedup();
    let signed = names.join(";");
    let date = headers.get(DATE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let canonical = canonical_headers(headers, uri, &names).unwrap_or_default();
    let payload = if body.is_empty() { EMPTY_BODY_HASH.to_owned() } else { hex_sha256(body) };
    let to_sign = string_to_sign(method, uri, &canonical, &signed, &payload, date);
    format!("{ALGORITHM} Access={ak}, SignedHeaders={signed}, Signature={}", hex::encode(sk.mac(&to_sign)))
}

/// The current time as an `X-Sdk-Date` value.
pub fn sdk_date(now: OffsetDateTime) -> HeaderValue {
    let text = now
        .to_offset(time::UtcOffset::UTC)
        .format(format_description!("[year][month][day]T[hour][minute][second]Z"))
        .expect("a UTC time formats");
    HeaderValue::from_str(&text).expect("digits and letters are a valid header value")
}

struct Authorization<'a> {
    access: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, SignatureError> {
    let malformed = || {
        SignatureError(format!(
            "The Authorization header is malformed; expected '{ALGORITHM} Access=..., SignedHeaders=..., Signature=...'."
        ))
    };
    let (algorithm, rest) = value.trim().split_once(' ').ok_or_else(malformed)?;
    if algorithm != ALGORITHM {
        return Err(SignatureError(format!(
            "The signing algorithm '{algorithm}' is not supported; use {ALGORITHM}."
        )));
    }
    let (mut access, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("Access", v)) => access = Some(v),
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => return Err(malformed()),
        }
    }
    match (access, signed_headers, signature) {
        (Some(access), Some(signed_headers), Some(signature))
            if !access.is_empty() && !signed_headers.is_empty() =>
        {
            Ok(Authorization { access, signed_headers, signature })
        }
        _ => Err(malformed()),
    }
}

/// `YYYYMMDDTHHMMSSZ`, read by hand: a format description is parsed and walked on every call.
fn parse_date(value: &str) -> Option<OffsetDateTime> {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let date = time::Date::from_calendar_date(
        i32::try_from(number(0..4)?).ok()?,
        time::Month::try_from(u8::try_from(number(4..6)?).ok()?).ok()?,
        u8::try_from(number(6..8)?).ok()?,
    )
    .ok()?;
    let time = time::Time::from_hms(
        u8::try_from(number(9..11)?).ok()?,
        u8::try_from(number(11..13)?).ok()?,
        u8::try_from(number(13..15)?).ok()?,
    )
    .ok()?;
    Some(time::PrimitiveDateTime::new(date, time).assume_utc())
}

/// Verifies the signature of `request` at time `now`; `secret_of` finds the secret key and principal of
/// an access key. Every failure says which check failed, never what the expected signature was.
pub fn verify<'k, P: Clone + 'k, K: SigningSecret + ?Sized + 'k>(
    request: &SignedRequest<'_>,
    now: OffsetDateTime,
    secret_of: impl FnOnce(&str) -> Option<(&'k K, &'k P)>,
) -> Result<P, SignatureError> {
    let authorization = request
        .headers
        .get(http::header::AUTHORIZATION)
        .ok_or_else(|| SignatureError("The Authorization header is missing.".into()))?
        .to_str()
        .map_err(|_| SignatureError("The Authorization header is not valid ASCII.".into()))
        .and_then(parse_authorization)?;

    let signed: Vec<&str> = authorization.signed_headers.split(';').collect();
    if !signed.contains(&DATE_HEADER) {
        return Err(SignatureError("SignedHeaders must include x-sdk-date.".into()));
    }
    if signed.iter().any(|h| h.is_empty() || h.bytes().any(|b| b.is_ascii_uppercase())) {
        return Err(SignatureError("SignedHeaders must be lower-case header names separated by ';'.".into()));
    }
    let date_text = request
        .headers
        .get(DATE_HEADER)
        .ok_or_else(|| SignatureError("The X-Sdk-Date header is missing.".into()))?
        .to_str()
        .unwrap_or_default();
    let date = parse_date(date_text).ok_or_else(|| {
        SignatureError("The X-Sdk-Date header is malformed; expected YYYYMMDDTHHMMSSZ (UTC).".into())
    })?;
    if (now - date).abs() > MAX_CLOCK_SKEW {
        return Err(SignatureError(format!(
            "The X-Sdk-Date '{date_text}' is more than {} minutes from the server time; the signature has expired.",
            MAX_CLOCK_SKEW.whole_minutes()
        )));
    }

    let (secret, principal) = secret_of(authorization.access)
        .ok_or_else(|| SignatureError("The access key (AK) does not exist.".into()))?;

    let payload_hash = if request.body.is_empty() {
        EMPTY_BODY_HASH.to_owned()
    } else {
        let actual = hex_sha256(request.body);
        if let Some(declared) = request.headers.get(CONTENT_HASH_HEADER) {
            if declared.as_bytes() == b"UNSIGNED-PAYLOAD" {
                return Err(SignatureError("Unsigned payloads are not accepted; sign the body.".into()));
            }
            if !declared.as_bytes().eq_ignore_ascii_case(actual.as_bytes()) {
                return Err(SignatureError("The body does not match X-Sdk-Content-Sha256.".into()));
            }
        }
        actual
    };
    let canonical = canonical_headers(request.headers, request.uri, &signed)?;
    let to_sign = string_to_sign(
        request.method,
        request.uri,
        &canonical,
        authorization.signed_headers,
        &payload_hash,
        date_text,
    );
    let expected = secret.mac(&to_sign);
    let mut given = [0u8; 32];
    let decoded = hex::decode_to_slice(authorization.signature, &mut given).is_ok();
    if decoded && bool::from(given.ct_eq(&expected)) {
        Ok(principal.clone())
    } else {
        Err(SignatureError(
            "The signature does not match: the request (method, path, query, signed headers or body) \
             differs from what was signed, or the secret key (SK) is wrong."
                .into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_uri_reencodes_segments_and_appends_a_slash() {
        assert_eq!(canonical_uri("/v1/p/csms/events"), "/v1/p/csms/events/");
        assert_eq!(canonical_uri("/v1/p/csms/events/"), "/v1/p/csms/events/");
        assert_eq!(canonical_uri("/v1/p/csms/events/a%20b~c"), "/v1/p/csms/events/a%20b~c/");
        assert_eq!(canonical_uri("/v1/p/csms/events/%7e%2a"), "/v1/p/csms/events/~%2A/");
    }

    #[test]
    fn dates_are_read_exactly_in_their_one_form() {
        let date = parse_date("20250101T093005Z").unwrap();
        assert_eq!(date, time::macros::datetime!(2025-01-01 09:30:05 UTC));
        assert_eq!(parse_date("20240229T235959Z").unwrap(), time::macros::datetime!(2024-02-29 23:59:59 UTC));
        for bad in [
            "",
            "20250101T093005",
            "2025-01-01T09:30:05Z",
            "20250101 093005Z",
            "20251301T093005Z",
            "20230229T000000Z",
            "20250101T246000Z",
            "2025010aT093005Z",
            "+0250101T093005Z",
            "20250101T093005Zx",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn canonical_query_sorts_decoded_pairs() {
        assert_eq!(canonical_query(None), "");
        assert_eq!(canonical_query(Some("b=2&a=1&a=0&c")), "a=0&a=1&b=2&c=");
        assert_eq!(canonical_query(Some("m=a%2Fb&k=x+y")), "k=x%2By&m=a%2Fb");
    }
}
