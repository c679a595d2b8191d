//! The console: a page at `/console/` on the API listener, for people to watch and change what the API
//! holds.
//!
//! It is a client of the public API and nothing else. The three assets in `console/` (HTML, CSS and
//! JavaScript, no build step) are built into the binary and served here; everything the page shows or
//! changes goes through the same operations the SDKs call, signed with a token or an access key that
//! the page keeps for its tab. Every other path goes on to the API service untouched.
//!
//! Its answers forbid what a page must not do: a Content-Security-Policy that allows only these assets
//! and calls to this origin (no inline script or style, no frames), `X-Frame-Options: DENY`, no
//! referrer, no sniffing.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use csms_http::ResponseBody;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};

/// Where the console lives; `/console` alone is redirected here.
pub(crate) const PREFIX: &str = "/console/";

/// The page's policy: its own scripts, styles and calls only; `data:` for the empty favicon.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// One built-in asset: its path under [`PREFIX`], its type and its bytes.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset { path: "", content_type: "text/html; charset=utf-8", body: include_str!("../console/index.html") },
    Asset {
        path: "index.html",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../console/index.html"),
    },
    Asset {
        path: "console.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../console/console.js"),
    },
    Asset {
        path: "console.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../console/console.css"),
    },
];

type BoxFuture = Pin<Box<dyn Future<Output = Result<Response<ResponseBody>, Infallible>> + Send>>;

/// The API service with the console in front of it: requests under `/console` are answered here, the
/// rest by `inner`.
#[derive(Clone, Debug)]
pub(crate) struct WithConsole<S> {
    inner: S,
}

impl<S> WithConsole<S> {
    pub(crate) fn new(inner: S) -> Self {
        WithConsole { inner }
    }
}

impl<S, B> tower::Service<Request<B>> for WithConsole<S>
where
    S: tower::Service<Request<B>, Response = Response<ResponseBody>, Error = Infallible, Future = BoxFuture>,
{
    type Response = Response<ResponseBody>;
    type Error = Infallible;
    type Future = BoxFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> BoxFuture {
        let path = request.uri().path();
        if path == "/console" || path.starts_with(PREFIX) {
            let response = answer(request.method(), path);
            Box::pin(std::future::ready(Ok(response)))
        } else {
            self.inner.call(request)
        }
    }
}

/// The console's answer to `method` on `path` (which is `/console` or under [`PREFIX`]).
fn answer(method: &Method, path: &str) -> Response<ResponseBody> {
    let Some(rest) = path.strip_prefix(PREFIX) else {
        let mut response = plain(StatusCode::PERMANENT_REDIRECT, "");
        response.headers_mut().insert(header::LOCATION, HeaderValue::from_static(PREFIX));
        return response;
    };
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "The console's pages are read with GET.\n");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    match ASSETS.iter().find(|a| a.path == rest) {
        Some(asset) => {
            let body = if method == Method::HEAD { "" } else { asset.body };
            let mut response = with_headers(StatusCode::OK, asset.content_type, body);
            if method == Method::HEAD {
                response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(asset.body.len()));
            }
            response
        }
        None => plain(StatusCode::NOT_FOUND, "No such page in the console.\n"),
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<ResponseBody> {
    with_headers(status, "text/plain; charset=utf-8", text)
}

/// A response with the console's security headers.
fn with_headers(
    status: StatusCode,
    content_type: &'static str,
    body: &'static str,
) -> Response<ResponseBody> {
    let mut response = Response::new(ResponseBody::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    // The assets change with the binary: a browser asks again rather than keep an old page.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;
    use tower::{Service, ServiceExt};

    /// The API stand-in: answers 299 to whatever reaches it.
    fn console() -> WithConsole<
        impl tower::Service<
            Request<()>,
            Response = Response<ResponseBody>,
            Error = Infallible,
            Future = BoxFuture,
        > + Clone,
    > {
        WithConsole::new(tower::service_fn(|_: Request<()>| {
            let mut response = Response::new(ResponseBody::empty());
            *response.status_mut() = StatusCode::from_u16(299).expect("a status");
            Box::pin(std::future::ready(Ok(response))) as BoxFuture
        }))
    }

    async fn get(method: Method, path: &str) -> (Response<ResponseBody>, String) {
        let request = Request::builder().method(method).uri(path).body(()).expect("a request");
        let response = console().ready().await.expect("ready").call(request).await.expect("infallible");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("a body").to_bytes();
        let text = String::from_utf8(bytes.to_vec()).expect("utf-8");
        (Response::from_parts(parts, ResponseBody::empty()), text)
    }

    #[tokio::test]
    async fn the_page_and_its_assets_are_served_with_the_security_headers() {
        for (path, kind) in [
            ("/console/", "text/html"),
            ("/console/index.html", "text/html"),
            ("/console/console.js", "text/javascript"),
            ("/console/console.css", "text/css"),
        ] {
            let (response, body) = get(Method::GET, path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let headers = response.headers();
            assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with(kind), "{path}");
            let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
            assert!(csp.contains("script-src 'self';") && !csp.contains("unsafe"), "{csp}");
            assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
            assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
            assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
            assert!(!body.is_empty(), "{path}");
        }
        let (head, body) = get(Method::HEAD, "/console/console.js").await;
        assert_eq!(head.status(), StatusCode::OK);
        assert!(body.is_empty());
        assert_eq!(
            head.headers()[header::CONTENT_LENGTH],
            include_str!("../console/console.js").len().to_string()
        );
    }

    #[tokio::test]
    async fn the_bare_path_redirects_others_are_refused_and_the_api_is_untouched() {
        let (redirect, _) = get(Method::GET, "/console").await;
        assert_eq!(redirect.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(redirect.headers()[header::LOCATION], "/console/");
        let (missing, _) = get(Method::GET, "/console/../v1/p/csms/events").await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert!(missing.headers().contains_key(header::CONTENT_SECURITY_POLICY));
        let (post, _) = get(Method::POST, "/console/").await;
        assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(post.headers()[header::ALLOW], "GET, HEAD");
        for path in ["/v1/p/csms/events", "/consoles", "/", "/v2/p/notifications/topics"] {
            let (api, _) = get(Method::GET, path).await;
            assert_eq!(api.status().as_u16(), 299, "{path} goes to the API");
        }
    }

    /// The policy forbids inline script, inline style and handlers in attributes: the page has none, so
    /// that it works under it (a browser would silently drop them).
    #[test]
    fn the_page_has_nothing_inline_that_its_policy_would_block() {
        let html = include_str!("../console/index.html");
        let lower = html.to_ascii_lowercase();
        for (at, _) in lower.match_indices("<script") {
            let tag = &lower[at..at + lower[at..].find('>').expect("a closed tag")];
            assert!(tag.contains(" src="), "inline script: {tag}");
        }
        assert!(!lower.contains("<style"), "inline style element");
        assert!(!lower.contains(" style="), "inline style attribute");
        let handler = regex_free_handler(&lower);
        assert!(handler.is_none(), "an inline event handler: {handler:?}");
        let js = include_str!("../console/console.js");
        for forbidden in
            ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "localStorage"]
        {
            assert!(!js.contains(forbidden), "console.js uses {forbidden}");
        }
    }

    /// The first ` on…=` attribute in `html`, if any.
    fn regex_free_handler(html: &str) -> Option<String> {
        html.match_indices(" on").find_map(|(at, _)| {
            let rest = &html[at + 3..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            let after = rest[name.len()..].trim_start();
            (!name.is_empty() && after.starts_with('=')).then(|| format!("on{name}"))
        })
    }
}
