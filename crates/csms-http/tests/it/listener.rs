//! One test over a real listener, including graceful shutdown with a request in flight.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::harness::*;

async fn http1(addr: std::net::SocketAddr, request: String) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test]
async fn serves_http1_and_finishes_requests_in_flight_on_shutdown() {
    let h = Harness::new();
    // An embedder's own layer around the service: every answer takes a while, so that a request is in
    // flight when shutdown begins.
    let slow = tower::ServiceBuilder::new()
        .and_then(|response| async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            Ok::<_, std::convert::Infallible>(response)
        })
        .service(h.service.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move { stopped.await.unwrap_or_default() };
    let server = tokio::spawn(csms_http::serve(listener, slow, shutdown, Duration::from_secs(10)));

    let body = create_body("over-the-wire").to_string();
    let created = http1(
        addr,
        format!(
            "POST {} HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            events(),
            body.len()
        ),
    )
    .await;
    assert!(created.starts_with("HTTP/1.1 200 OK\r\n"), "{created}");
    assert!(created.to_ascii_lowercase().contains("x-request-id: "));
    assert!(created.contains("\"name\":\"over-the-wire\""));

    // A slow listing is in flight when shutdown begins; it must still complete.
    let list = format!(
        "GET {} HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\nConnection: close\r\n\r\n",
        events()
    );
    let in_flight = tokio::spawn(http1(addr, list));
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let listed = in_flight.await.unwrap();
    assert!(listed.starts_with("HTTP/1.1 200 OK\r\n"), "{listed}");
    assert!(listed.contains("over-the-wire"));
    tokio::time::timeout(Duration::from_secs(5), server).await.expect("serve returns").unwrap().unwrap();
    assert!(TcpStream::connect(addr).await.is_err(), "the listener is closed");
}
