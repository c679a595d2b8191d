//! Running a service on a listener: HTTP/1.1 and HTTP/2, bounded per client, with graceful shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::body::BoxError;
use crate::envelope_io::{EnvelopeIo, LineWatch};
use crate::head_deadline::{Activity, HeadDeadlineIo, Tracked};
use crate::write_timeout::WriteTimeoutIo;

/// What one client can hold of the server. [`Limits::default`] gives the documented defaults; every field
/// is a flag of `csms-server`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Time to receive a request's head on HTTP/1.1, from the moment the connection waits for it: so it is
    /// also how long an idle keep-alive connection is kept. A slower client is disconnected.
    pub header_read_timeout: Duration,
    /// Largest request head (request line and headers, or the HTTP/2 header list), in bytes. HTTP/1.1
    /// answers a larger one 431; HTTP/2 resets the stream.
    pub max_header_bytes: usize,
    /// Most connections served at once. When every slot is taken, a new connection takes the place of
    /// the one idle the longest (one that has not sent a request head yet, or is between requests);
    /// when every connection is answering a request, the new one waits.
    pub max_connections: usize,
    /// Most concurrent HTTP/2 streams on one connection.
    pub h2_max_concurrent_streams: u32,
    /// Most response bytes buffered per HTTP/2 stream while the client does not read them.
    pub h2_max_send_buf_size: usize,
    /// Interval of HTTP/2 keep-alive pings; a connection whose ping goes unanswered for as long is closed.
    pub h2_keep_alive_interval: Duration,
    /// How long a connection may go without accepting a written byte (a client that stops reading)
    /// before it is closed.
    pub write_timeout: Duration,
    /// Whether this listener's connections are counted in `csms_metrics` (the API listener's are; an
    /// admin listener's are not).
    pub count_connections: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            max_header_bytes: 16 * 1024,
            max_connections: 1024,
            h2_max_concurrent_streams: 8,
            h2_max_send_buf_size: 64 * 1024,
            h2_keep_alive_interval: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            count_connections: true,
        }
    }
}

/// hyper's HTTP/1.1 read buffer, which bounds the head, cannot be smaller than this.
const MIN_H1_BUFFER: usize = 8192;

/// What [`serve`] runs: a cloneable tower service over hyper's requests whose future and response body
/// can move between threads. [`crate::CsmsService`] is one, and so is any tower stack over it.
pub trait HttpService:
    tower::Service<
        Request<Incoming>,
        Response = Response<Self::ResponseBody>,
        Future: Send + 'static,
        Error: Into<BoxError>,
    > + Clone
    + Send
    + 'static
{
    /// The body of its responses.
    type ResponseBody: http_body::Body<Data: Send, Error: Into<BoxError>> + Send + 'static;
}

impl<S, B> HttpService for S
where
    S: tower::Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type ResponseBody = B;
}

/// Serves `service` on `listener` with the default [`Limits`] until `shutdown` resolves; then stops
/// accepting, lets requests in flight finish (at most `grace`), and returns.
///
/// `service` is a [`crate::CsmsService`], or any tower service over it with layers of your own (rate
/// limits, metrics): see `examples/embed.rs`.
///
/// ```no_run
/// # async fn run(service: csms_http::CsmsService) -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// csms_http::serve(listener, service, async { let _ = tokio::signal::ctrl_c().await; },
///                  std::time::Duration::from_secs(30)).await
/// # }
/// ```
pub async fn serve(
    listener: TcpListener,
    service: impl HttpService,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> std::io::Result<()> {
    serve_with_limits(listener, service, shutdown, grace, &Limits::default()).await
}

/// [`serve`] with the given [`Limits`].
pub async fn serve_with_limits(
    listener: TcpListener,
    service: impl HttpService,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
    limits: &Limits,
) -> std::io::Result<()> {
    serve_inner(listener, None, service, shutdown, grace, limits).await
}

/// [`serve_with_limits`] over TLS: each connection's handshake (ALPN `h2` or `http/1.1`) must end
/// within the header-read timeout, in the connection's own task.
pub async fn serve_tls(
    listener: TcpListener,
    tls: TlsConfig,
    service: impl HttpService,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
    limits: &Limits,
) -> std::io::Result<()> {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls.0);
    serve_inner(listener, Some(acceptor), service, shutdown, grace, limits).await
}

/// A TLS server configuration: a certificate chain and its private key (PEM), with rustls.
#[derive(Clone, Debug)]
pub struct TlsConfig(Arc<rustls::ServerConfig>);

impl TlsConfig {
    /// Reads a PEM certificate chain (the server's first) and its PEM private key (PKCS#8, PKCS#1 or
    /// SEC1).
    pub fn from_pem_files(cert: &std::path::Path, key: &std::path::Path) -> std::io::Result<Self> {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer};
        let bad = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| bad(format!("reading the certificate chain {}: {e}", cert.display())))?;
        if chain.is_empty() {
            return Err(bad(format!("{} holds no certificate", cert.display())));
        }
        let key = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| bad(format!("reading the private key {}: {e}", key.display())))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| bad(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| bad(format!("the certificate and key do not make a TLS identity: {e}")))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(TlsConfig(Arc::new(config)))
    }
}

async fn serve_inner(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    service: impl HttpService,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
    limits: &Limits,
) -> std::io::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        // The head deadline is the connection's own (`head_deadline`): one timer per connection.
        .header_read_timeout(None)
        .max_buf_size(limits.max_header_bytes.max(MIN_H1_BUFFER));
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX))
        .max_concurrent_streams(limits.h2_max_concurrent_streams)
        .max_send_buf_size(limits.h2_max_send_buf_size)
        .keep_alive_interval(limits.h2_keep_alive_interval)
        .keep_alive_timeout(limits.h2_keep_alive_interval);
    let builder = Arc::new(builder);
    let connections = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let open = Arc::new(Open::default());
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let metrics = limits.count_connections.then(csms_metrics::metrics);
    let (head_timeout, write_timeout) = (limits.header_read_timeout, limits.write_timeout);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    if let Some(metrics) = metrics {
                        metrics.accept_error();
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Every slot taken: the connection idle the longest (one that never sent a request, or is between
        // requests) gives way to the new one; when all are answering requests, the new one waits.
        let permit = match Arc::clone(&connections).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if let Some(metrics) = metrics {
                    metrics.connection_waited();
                }
                open.close_longest_idle();
                tokio::select! {
                    permit = Arc::clone(&connections).acquire_owned() => permit.expect("the semaphore is never closed"),
                    () = &mut shutdown => break,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let activity = Activity::new();
        let (slot, close) = open.enter(Arc::clone(&activity));
        let connection = Connection {
            builder: Arc::clone(&builder),
            watcher: graceful.watcher(),
            service: service.clone(),
            peer,
            head_timeout,
            write_timeout,
            activity,
        };
        let (tls, open) = (tls.clone(), Arc::clone(&open));
        tokio::spawn(async move {
            let _open = metrics.map(csms_metrics::Metrics::connection);
            let served = async {
                match tls {
                    None => connection.serve(stream).await,
                    Some(acceptor) => match tokio::time::timeout(head_timeout, acceptor.accept(stream)).await
                    {
                        Ok(Ok(stream)) => connection.serve(stream).await,
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    },
                }
            };
            tokio::select! {
                () = served => {}
                () = close.notified() => tracing::debug!(%peer, "idle connection closed to make room for a new one"),
            }
            open.leave(slot);
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing requests in flight");
    if tokio::time::timeout(grace, graceful.shutdown()).await.is_err() {
        tracing::warn!(?grace, "requests still in flight after the grace period; closing them");
    }
    Ok(())
}

/// An open connection: whether it is idle, and what tells it to close.
type OpenConnection = (Arc<Activity>, Arc<tokio::sync::Notify>);

/// The open connections of a listener: whether each is idle (its [`Activity`]), and how to close it.
#[derive(Default)]
struct Open {
    next: std::sync::atomic::AtomicU64,
    connections: std::sync::Mutex<std::collections::HashMap<u64, OpenConnection>>,
}

impl Open {
    /// Registers a connection; its slot, and what tells it to close.
    fn enter(&self, activity: Arc<Activity>) -> (u64, Arc<tokio::sync::Notify>) {
        let slot = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let close = Arc::new(tokio::sync::Notify::new());
        let mut connections = self.connections.lock().unwrap_or_else(|p| p.into_inner());
        connections.insert(slot, (activity, Arc::clone(&close)));
        (slot, close)
    }

    fn leave(&self, slot: u64) {
        self.connections.lock().unwrap_or_else(|p| p.into_inner()).remove(&slot);
    }

    /// Tells the connection idle the longest to close; whether there was one. A connection answering a
    /// request is never closed here.
    fn close_longest_idle(&self) -> bool {
        let mut connections = self.connections.lock().unwrap_or_else(|p| p.into_inner());
        let longest = connections
            .iter()
            .filter_map(|(slot, (activity, _))| Some((activity.idle_since()?, *slot)))
            .min();
        let Some((_, slot)) = longest else { return false };
        if let Some((_, close)) = connections.remove(&slot) {
            close.notify_one();
        }
        true
    }
}

/// One accepted connection, served in its own task once its stream is ready (after TLS, if any).
struct Connection<S> {
    builder: Arc<auto::Builder<TokioExecutor>>,
    watcher: hyper_util::server::graceful::Watcher,
    service: S,
    peer: std::net::SocketAddr,
    head_timeout: Duration,
    write_timeout: Duration,
    /// Made at the accept, so that a connection still in its TLS handshake counts as idle.
    activity: Arc<Activity>,
}

impl<S: HttpService> Connection<S> {
    async fn serve<IO>(self, stream: IO)
    where
        IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let Connection { builder, watcher, service, peer, head_timeout, write_timeout, activity } = self;
        let service = TowerToHyperService::new(Tracked { inner: service, activity: Arc::clone(&activity) });
        let (stream, line_ended) = LineWatch::new(stream);
        let io = EnvelopeIo::new(TokioIo::new(stream), peer, line_ended);
        let io = HeadDeadlineIo::new(WriteTimeoutIo::new(io, write_timeout), activity, head_timeout);
        let connection = watcher.watch(builder.serve_connection(io, service).into_owned());
        if let Err(e) = connection.await {
            tracing::debug!(%peer, error = %e, "connection ended with an error");
        }
    }
}
