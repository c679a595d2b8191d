//! The canonical request of `SDK-HMAC-SHA256`, as the official SDKs build it: the re-encoded path and
//! query, the signed headers, and the string to sign.

use http::{HeaderMap, Method, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};
use sha2::{Digest, Sha256};

use crate::{ALGORITHM, SignatureError};

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
pub(crate) fn canonical_headers(
    headers: &HeaderMap,
    uri: &Uri,
    signed: &[&str],
) -> Result<Vec<u8>, SignatureError> {
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

pub(crate) fn hex_sha256(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

pub(crate) fn string_to_sign(
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
    fn canonical_query_sorts_decoded_pairs() {
        assert_eq!(canonical_query(None), "");
        assert_eq!(canonical_query(Some("b=2&a=1&a=0&c")), "a=0&a=1&b=2&c=");
        assert_eq!(canonical_query(Some("m=a%2Fb&k=x+y")), "k=x%2By&m=a%2Fb");
    }
}
