//! Embedding the service in your own tower stack, with a layer of your own.
//!
//! `CsmsService` is a tower `Service`; here it sits under a layer that counts the requests per method
//! (a stand-in for your metrics, rate limits or tenancy checks), and `csms_http::serve` runs the whole
//! stack on a loopback listener. The example sends itself two requests and shuts down:
//!
//! ```sh
//! cargo run -p csms-http --example embed
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use csms_http::CsmsService;
use csms_http::auth::{ProjectScope, StaticCredentials};
use csms_store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKEN: &str = "example-token-0123456789";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let credentials = StaticCredentials::new().with_token(TOKEN, ProjectScope::All);
    let csms = CsmsService::new(Store::memory(), Arc::new(credentials));

    // Your own layer, outside the service's: it sees every request, the service's answers included.
    let counts: Arc<Mutex<BTreeMap<String, u64>>> = Arc::default();
    let seen = Arc::clone(&counts);
    let stack = tower::ServiceBuilder::new()
        .map_request(move |request: http::Request<hyper::body::Incoming>| {
            *seen.lock().unwrap().entry(request.method().to_string()).or_default() += 1;
            request
        })
        .service(csms);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move { stopped.await.unwrap_or_default() };
    let server = tokio::spawn(csms_http::serve(listener, stack, shutdown, Duration::from_secs(5)));

    let body = format!(
        r#"{{"name": "rotation-alerts", "event_types": ["SECRET_ROTATED"], "state": "ENABLED",
        "notification": {{"target_type": "SMN", "target_id": "urn:smn:cn-north-4:{PROJECT}:alerts", "target_name": "t"}}}}"#
    );
    let created = http1(
        addr,
        &format!(
            "POST /v1/{PROJECT}/csms/events HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
    .await?;
    let listed = http1(
        addr,
        &format!(
            "GET /v1/{PROJECT}/csms/events HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\n\
             Connection: close\r\n\r\n"
        ),
    )
    .await?;
    println!("POST: {}", created.lines().next().unwrap_or_default());
    println!("GET:  {}", listed.lines().next().unwrap_or_default());
    println!("requests counted by the embedder's layer: {:?}", counts.lock().unwrap());

    let _ = stop.send(());
    server.await.expect("the server task ends")?;
    assert!(created.starts_with("HTTP/1.1 200") && listed.contains("rotation-alerts"));
    assert_eq!(counts.lock().unwrap().values().sum::<u64>(), 2);
    Ok(())
}

/// One HTTP/1.1 exchange over a fresh connection.
async fn http1(addr: std::net::SocketAddr, request: &str) -> std::io::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    Ok(response)
}
