//! [`Endpoint`]: where an HTTP target sends, `http://` or `https://`.

use http::Uri;

/// An `http://` or `https://` URL a notification is sent to: the scheme, the host and port, and a path
/// prefix (without its trailing `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: &'static str,
    authority: String,
    path: String,
}

impl Endpoint {
    /// Parses an `http://host[:port]/path` or `https://host[:port]/path` URL.
    pub fn parse(url: &str) -> Result<Self, String> {
        let uri: Uri = url.parse().map_err(|e| format!("'{url}' is not a URL: {e}"))?;
        let (scheme, default_port) = match uri.scheme_str() {
            Some("http") => ("http", 80),
            Some("https") => ("https", 443),
            _ => return Err(format!("'{url}': only http:// and https:// targets are supported")),
        };
        let authority = uri.authority().ok_or_else(|| format!("'{url}' has no host"))?;
        let authority = match authority.port_u16() {
            Some(_) => authority.to_string(),
            None => format!("{}:{default_port}", authority.host()),
        };
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).trim_end_matches('/').to_owned();
        Ok(Endpoint { scheme, authority, path })
    }

    /// `host:port`.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The URL of `path` (which starts with `/`) below the endpoint's own path; the endpoint's own path
    /// (or `/`) when `path` is empty.
    pub fn uri(&self, path: &str) -> Result<Uri, http::Error> {
        let full = format!("{}{path}", self.path);
        let full = if full.is_empty() { "/" } else { full.as_str() };
        Uri::builder().scheme(self.scheme).authority(self.authority.as_str()).path_and_query(full).build()
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}://{}{}",
            self.scheme,
            self.authority,
            if self.path.is_empty() { "/" } else { &self.path }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let e = Endpoint::parse("http://127.0.0.1:9000/hook/").unwrap();
        assert_eq!(
            (e.authority(), e.uri("").unwrap().to_string().as_str()),
            ("127.0.0.1:9000", "http://127.0.0.1:9000/hook")
        );
        assert_eq!(e.uri("/v2/x").unwrap().to_string(), "http://127.0.0.1:9000/hook/v2/x");
        assert_eq!(Endpoint::parse("http://localhost").unwrap().authority(), "localhost:80");
        let tls = Endpoint::parse("https://smn.example.com").unwrap();
        assert_eq!(
            (tls.authority(), tls.uri("").unwrap().to_string().as_str()),
            ("smn.example.com:443", "https://smn.example.com:443/")
        );
        assert_eq!(tls.to_string(), "https://smn.example.com:443/");
        assert!(Endpoint::parse("ftp://x").unwrap_err().contains("only http:// and https://"));
        assert!(Endpoint::parse("not a url").is_err());
    }
}
