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

mod canonical;
mod key;

use canonical::{canonical_headers, hex_sha256, string_to_sign};
pub use canonical::{canonical_query, canonical_uri};
pub use key::{SecretKey, SigningSecret};

use http::{HeaderMap, HeaderValue, Method, Uri};
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
}
