//! [`HttpClient`]: the one pooled client of every outgoing call, over HTTP or HTTPS.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

/// The most bytes of a reply read: its status decides the outcome, and the rest is dropped with the
/// connection (a target answering an endless body costs this much, never more).
pub const MAX_REPLY_BYTES: usize = 16 * 1024;

/// How long an idle pooled connection is kept for the next notification to the same target.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// A pooled HTTP/1.1 client for `http://` and `https://` targets: connections to a target are kept
/// and reused, TLS is rustls, trusting the Mozilla roots (`webpki-roots`) and any extra certificate
/// authorities given (a private endpoint's).
#[derive(Clone)]
pub struct HttpClient {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient").finish_non_exhaustive()
    }
}

impl HttpClient {
    /// A client trusting the Mozilla roots and the certificates of `extra_ca` (a PEM file), if given.
    pub fn new(extra_ca: Option<&Path>) -> Result<Self, String> {
        let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        if let Some(path) = extra_ca {
            let certificates = CertificateDer::pem_file_iter(path)
                .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("reading the certificate authorities in {}: {e}", path.display()))?;
            if certificates.is_empty() {
                return Err(format!("{} holds no PEM certificate", path.display()));
            }
            for certificate in certificates {
                roots.add(certificate).map_err(|e| format!("a certificate in {}: {e}", path.display()))?;
            }
        }
        let tls =
            rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_root_certificates(roots)
                .with_no_client_auth();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(Duration::from_secs(5)));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new()).pool_idle_timeout(IDLE_TIMEOUT).build(connector);
        Ok(HttpClient { client })
    }

    /// Sends `request` (an absolute URI) and returns the answer's status, or why there is none. At most
    /// [`MAX_REPLY_BYTES`] of the reply are read: a reply within them leaves its connection in the pool
    /// for the next call, a longer one closes it.
    pub async fn send(&self, request: Request<Bytes>) -> Result<StatusCode, String> {
        let response = self.client.request(request.map(Full::new)).await.map_err(|e| describe(&e))?;
        let status = response.status();
        // Read within the bound, then drop: an endless or huge reply is cut off here.
        let _ = Limited::new(response.into_body(), MAX_REPLY_BYTES).collect().await;
        Ok(status)
    }
}

/// An error with its causes, for the log: hyper's own message alone ("client error (Connect)") says
/// little.
fn describe(error: &dyn std::error::Error) -> String {
    let chain = std::iter::successors(Some(error), |e| e.source());
    chain.map(ToString::to_string).collect::<Vec<_>>().join(": ")
}
