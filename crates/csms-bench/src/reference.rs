//! The reference server: bare hyper answering a body of a requested size and status, the ceiling the
//! service is measured against.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};

pub(crate) fn reference() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("reference listening on http://{}", listener.local_addr()?);
        let bodies: Arc<std::sync::Mutex<HashMap<usize, Bytes>>> = Arc::default();
        loop {
            let (stream, _) = listener.accept().await?;
            let _ = stream.set_nodelay(true);
            let bodies = Arc::clone(&bodies);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                    let bodies = Arc::clone(&bodies);
                    async move {
                        let query = request.uri().query().unwrap_or("").to_owned();
                        let _ = request.into_body().collect().await;
                        let param = |key: &str| -> Option<usize> {
                            query.split('&').find_map(|p| p.strip_prefix(key)).and_then(|v| v.parse().ok())
                        };
                        let size = param("n=").unwrap_or(0);
                        let status = u16::try_from(param("s=").unwrap_or(200)).unwrap_or(200);
                        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                        let body = bodies
                            .lock()
                            .unwrap()
                            .entry(size)
                            .or_insert_with(|| Bytes::from(vec![b'x'; size]))
                            .clone();
                        let mut response = Response::new(Full::new(body));
                        *response.status_mut() = status;
                        response
                            .headers_mut()
                            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}
