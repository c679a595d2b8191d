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
        let mut pinned = Vec::new();
        if let Some(path) = extra_ca {
            let certificates = CertificateDer::pem_file_iter(path)
                .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("reading the certificate authorities in {}: {e}", path.display()))?;
            if certificates.is_empty() {
                return Err(format!("{} holds no PEM certificate", path.display()));
            }
            for certificate in certificates {
                pinned.push(certificate.clone());
                roots.add(certificate).map_err(|e| format!("a certificate in {}: {e}", path.display()))?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let chains =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| e.to_string())?;
        let verifier = Arc::new(BundleVerifier { chains, pinned });
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
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

/// The server certificates the client accepts: a chain to a trusted root (the Mozilla roots and the
/// bundle's), or a certificate of the bundle itself, trusted as it is.
///
/// A self-signed certificate made the usual way (`openssl req -x509`) is marked a certificate authority,
/// and webpki refuses a CA as a server's own certificate (`CaUsedAsEndEntity`); curl, Python and Go
/// accept such a certificate when it is given as the trust anchor. So does this client: a server that
/// presents exactly a certificate of the `--ca-bundle` file is trusted when the certificate names the
/// server (its validity dates are not checked: the operator chose that very certificate). The handshake
/// signatures are checked as for any server.
#[derive(Debug)]
struct BundleVerifier {
    chains: Arc<rustls::client::WebPkiServerVerifier>,
    pinned: Vec<CertificateDer<'static>>,
}

impl rustls::client::danger::ServerCertVerifier for BundleVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &rustls_pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls_pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        let chained =
            self.chains.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        if chained.is_ok() || !self.pinned.iter().any(|pinned| pinned.as_ref() == end_entity.as_ref()) {
            return chained;
        }
        let certificate = webpki::EndEntityCert::try_from(end_entity).map_err(|e| {
            rustls::Error::InvalidCertificate(rustls::CertificateError::Other(rustls::OtherError(Arc::new(
                e,
            ))))
        })?;
        match certificate.verify_is_valid_for_subject_name(server_name) {
            Ok(()) => Ok(rustls::client::danger::ServerCertVerified::assertion()),
            Err(_) => Err(rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName)),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.chains.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.chains.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.chains.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A self-signed certificate marked a certificate authority (what `openssl req -x509` makes) for
    /// `names`, and a TLS server with it on loopback answering 200 to every request.
    async fn self_signed_server(names: &[&str]) -> (String, String) {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).unwrap();
        let der = rustls_pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
        let config =
            rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![cert.der().clone()], der)
                .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(stream).await else { return };
                    let mut buf = [0u8; 4096];
                    let _ = tls.read(&mut buf).await;
                    let _ = tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        (url, cert.pem())
    }

    async fn post(client: &HttpClient, url: &str) -> Result<StatusCode, String> {
        let request = Request::post(url).body(Bytes::from_static(b"{}")).unwrap();
        client.send(request).await
    }

    /// A self-signed certificate given in the bundle is trusted as itself, as curl, Python and Go trust
    /// it, but only for the names it carries; another bundle's certificate is not.
    #[tokio::test]
    async fn a_bundle_certificate_is_trusted_as_itself() {
        let dir = tempfile::tempdir().unwrap();
        let (url, pem) = self_signed_server(&["127.0.0.1"]).await;
        let bundle = dir.path().join("self-signed.pem");
        std::fs::write(&bundle, &pem).unwrap();
        assert_eq!(post(&HttpClient::new(Some(&bundle)).unwrap(), &url).await, Ok(StatusCode::OK));
        assert!(post(&HttpClient::new(None).unwrap(), &url).await.is_err(), "not trusted without the bundle");

        let (elsewhere, other_pem) = self_signed_server(&["localhost"]).await;
        let other = dir.path().join("other.pem");
        std::fs::write(&other, &other_pem).unwrap();
        let for_localhost = HttpClient::new(Some(&other)).unwrap();
        assert!(post(&for_localhost, &elsewhere).await.is_err(), "its names do not include 127.0.0.1");
        assert!(post(&for_localhost, &url).await.is_err(), "a certificate not in the bundle");
    }
}
