//! Hostile clients over a real listener, with short limits: slow and oversized heads, idle keep-alive,
//! slow bodies, credentials checked before a body is read, and the connection cap. Every loop is bounded
//! and every socket is on loopback.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use csms_http::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::harness::*;

/// A server with `limits` and a body timeout; stops when the returned sender is dropped.
async fn start(limits: Limits, body_timeout: Duration) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    start_with(Harness::new(), limits, body_timeout).await
}

async fn start_with(
    harness: Harness,
    limits: Limits,
    body_timeout: Duration,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let service = harness.service.to_builder().body_timeout(body_timeout).build();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.await;
        };
        csms_http::serve_with_limits(listener, service, shutdown, Duration::from_secs(1), &limits).await
    });
    (addr, stop)
}

fn short_limits() -> Limits {
    let mut limits = Limits::default();
    limits.header_read_timeout = Duration::from_millis(300);
    limits
}

/// Reads until the server closes the connection (or 5 s pass); returns what arrived and how long it took.
async fn read_until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => {
                panic!("the server kept the connection open for 5 s: {}", String::from_utf8_lossy(&out))
            }
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), started.elapsed())
}

fn list_request(addr: SocketAddr, keep_alive: bool) -> String {
    let connection = if keep_alive { "keep-alive" } else { "close" };
    format!(
        "GET {} HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\nConnection: {connection}\r\n\r\n",
        events()
    )
}

#[tokio::test]
async fn a_slow_head_is_cut_off() {
    let (addr, _stop) = start(short_limits(), Duration::from_secs(5)).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // Half a head, then nothing: a slowloris.
    stream.write_all(format!("GET {} HTTP/1.1\r\nHost: {addr}\r\n", events()).as_bytes()).await.unwrap();
    let (_, took) = read_until_closed(&mut stream).await;
    assert!(took < Duration::from_secs(3), "closed after the header timeout, not later: {took:?}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let (addr, _stop) = start(short_limits(), Duration::from_secs(5)).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(list_request(addr, true).as_bytes()).await.unwrap();
    let (response, took) = read_until_closed(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(took < Duration::from_secs(3), "the idle connection was closed: {took:?}");
}

/// The head deadline is for heads: a request whose body takes longer than it (within the body timeout)
/// is answered, and the connection serves another request after it.
#[tokio::test]
async fn a_request_longer_than_the_head_deadline_is_answered() {
    let (addr, _stop) = start(short_limits(), Duration::from_secs(5)).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let body = create_body("slow-body").to_string();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        events(),
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The body in three parts over 750 ms, two and a half head deadlines.
    let third = body.len() / 3;
    for part in [&body[..third], &body[third..2 * third], &body[2 * third..]] {
        tokio::time::sleep(Duration::from_millis(250)).await;
        stream.write_all(part.as_bytes()).await.unwrap();
    }
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer)).await.unwrap().unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    // Still open: the next request is answered, then the idle connection is closed.
    stream.write_all(list_request(addr, true).as_bytes()).await.unwrap();
    let (response, took) = read_until_closed(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(took < Duration::from_secs(3), "the idle connection was closed: {took:?}");
}

#[tokio::test]
async fn an_oversized_head_is_refused() {
    let (addr, _stop) = start(short_limits(), Duration::from_secs(5)).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let big = "a".repeat(Limits::default().max_header_bytes + 1024);
    let request = format!("GET {} HTTP/1.1\r\nHost: {addr}\r\nX-Padding: {big}\r\n\r\n", events());
    let _ = stream.write_all(request.as_bytes()).await;
    let (response, _) = read_until_closed(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 431"), "{response}");
    assert_parser_answer(&response, "CSMS.9008");
}

/// A request line longer than the head limit is a request target too long: 414, as README's Limits
/// table says, not the 431 of a head whose headers are too large.
#[tokio::test]
async fn an_oversized_request_line_is_414() {
    let (addr, _stop) = start(short_limits(), Duration::from_secs(5)).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let long = "a".repeat(70 * 1024);
    let request = format!("GET {}?marker={long} HTTP/1.1\r\nHost: {addr}\r\n\r\n", events());
    let _ = stream.write_all(request.as_bytes()).await;
    let (response, _) = read_until_closed(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{response}");
    assert_parser_answer(&response, "CSMS.9009");
    // A short request line on a fresh connection, then a header over the limit: 431 still.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let padding = "b".repeat(Limits::default().max_header_bytes + 1024);
    let request = format!("GET {} HTTP/1.1\r\nHost: {addr}\r\nX-Padding: {padding}\r\n\r\n", events());
    let _ = stream.write_all(request.as_bytes()).await;
    let (response, _) = read_until_closed(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 431"), "{response}");
}

/// The answers hyper writes itself for what it cannot parse carry a request id and the error envelope.
fn assert_parser_answer(response: &str, code: &str) {
    let (head, body) = response.split_once("\r\n\r\n").expect("a head and a body");
    let head = head.to_ascii_lowercase();
    assert!(head.contains("x-request-id: ") && head.contains("content-type: application/json"), "{response}");
    let body: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {response}"));
    assert_eq!(body["error"]["error_code"], code, "{response}");
    assert!(head.contains(&format!("content-length: {}", body.to_string().len())), "{response}");
}

#[tokio::test]
async fn a_malformed_head_is_refused_in_the_envelope() {
    let (addr, _stop) = start(short_limits(), Duration::from_secs(5)).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET /v1 HTTP/1.1\r\nBad Header Line\r\n\r\n").await.unwrap();
    let (response, _) = read_until_closed(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert_parser_answer(&response, "CSMS.9007");
}

#[tokio::test]
async fn a_slow_body_is_refused_in_the_envelope() {
    let (addr, _stop) = start(Limits::default(), Duration::from_millis(300)).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"name\":",
        events()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (response, took) = read_until_closed(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(response.contains("CSMS.0004") && response.contains("did not arrive"), "{response}");
    assert!(response.to_ascii_lowercase().contains("x-request-id: "), "{response}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn a_bad_token_is_refused_before_the_body_is_read() {
    let (addr, _stop) = start(Limits::default(), Duration::from_secs(30)).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // A body is announced and never sent: only the head can be judged.
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: wrong-token\r\nContent-Type: application/json\r\n\
         Content-Length: 60000\r\n\r\n",
        events()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (response, took) = read_until_closed(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert!(response.contains("APIGW.0301"), "{response}");
    assert!(took < Duration::from_secs(3), "answered at once, not after the body timeout: {took:?}");
}

/// With every place taken, a new connection takes the place of the one idle the longest (one that never
/// spoke): a real client is answered at once however many silent connections hold places; when every
/// place is answering a request, the new connection waits its turn.
#[tokio::test]
async fn silent_connections_give_way_and_busy_ones_keep_their_place() {
    let mut limits = Limits::default();
    limits.max_connections = 16;
    let (addr, _stop) = start(limits, Duration::from_secs(5)).await;
    // More silent connections than places (the extra ones make room by closing the oldest).
    let mut silent = Vec::new();
    for _ in 0..24 {
        silent.push(TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let mut real = TcpStream::connect(addr).await.unwrap();
    real.write_all(list_request(addr, false).as_bytes()).await.unwrap();
    let (response, _) = read_until_closed(&mut real).await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(started.elapsed() < Duration::from_secs(1), "answered in {:?}", started.elapsed());
    // The oldest silent connection was closed to make room.
    let mut buf = [0u8; 16];
    let first = tokio::time::timeout(Duration::from_secs(1), silent[0].read(&mut buf)).await;
    assert!(matches!(first, Ok(Ok(0)) | Ok(Err(_))), "the longest idle gave way: {first:?}");
    drop(silent);

    // Two places, both answering a request (a body still on its way): the third waits.
    let mut limits = Limits::default();
    limits.max_connections = 2;
    let (addr, _stop) = start(limits, Duration::from_secs(5)).await;
    let slow_head = format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{{",
        events()
    );
    let mut busy = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(slow_head.as_bytes()).await.unwrap();
        busy.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = TcpStream::connect(addr).await.unwrap();
    third.write_all(list_request(addr, false).as_bytes()).await.unwrap();
    let early = tokio::time::timeout(Duration::from_millis(300), third.read(&mut buf)).await;
    assert!(early.is_err(), "not served while both places answer requests");
    drop(busy.remove(0));
    let (response, _) = read_until_closed(&mut third).await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "served once a place is free: {response}");
}

/// A client that asks for large pages and stops reading is disconnected after the write timeout, instead
/// of holding its responses in the server forever.
#[tokio::test]
async fn a_client_that_stops_reading_is_disconnected() {
    let h = Harness::new();
    for i in 0..300 {
        h.create(&format!("event-{i:03}")).await;
    }
    let mut limits = Limits::default();
    limits.write_timeout = Duration::from_millis(500);
    let (addr, _stop) = start_with(h, limits, Duration::from_secs(5)).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // 400 pipelined pages of 300 events (about 40 MB of answers), and nothing read for a while.
    let page =
        format!("GET {}?limit=1000 HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\n\r\n", events());
    let _ = stream.write_all(page.repeat(400).as_bytes()).await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let mut total = 0usize;
    let mut buf = vec![0u8; 1 << 16];
    let closed = loop {
        match tokio::time::timeout(Duration::from_secs(3), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(n)) => total += n,
            Err(_) => break false,
        }
        assert!(total < 30 << 20, "the server went on writing to a client that had stopped reading");
    };
    assert!(closed, "the connection was closed ({total} bytes had been sent)");
}

/// A stalled connection does not hold up shutdown for the whole grace period: its head times out.
#[tokio::test]
async fn a_stalled_connection_does_not_hold_up_shutdown() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let service = Harness::new().service;
    let server = tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.await;
        };
        csms_http::serve_with_limits(listener, service, shutdown, Duration::from_secs(30), &short_limits())
            .await
    });
    let mut stalled = TcpStream::connect(addr).await.unwrap();
    stalled.write_all(format!("GET {} HTTP/1.1\r\nHost: {addr}\r\n", events()).as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), server).await.expect("serve returned").unwrap().unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "not the 30 s grace period: {:?}", started.elapsed());
}

/// Large answers held for clients that send a request and never read count against the answer budget:
/// past it, a large answer is refused 503 `CSMS.9503` with `Retry-After` (and dropped at once), small
/// answers go on; once a reader takes its answer (or goes), the budget serves the next.
#[tokio::test]
async fn unread_large_answers_are_bounded_by_the_budget() {
    let mut h = Harness::new();
    h.service = h.service.to_builder().answer_budget(2 << 20).build();
    // 20 secrets at the value limit, each byte escaped six-fold in JSON: a 3.9 MB answer for 200 bytes.
    let value: String = std::iter::repeat_n('\u{1}', 32 * 1024).collect();
    let mut names = Vec::new();
    for i in 0..20 {
        let name = format!("big-{i:02}");
        let created = h
            .call(
                "POST",
                &format!("/v1/{P}/secrets"),
                Some(&serde_json::json!({
            "name": name, "secret_string": value})),
            )
            .await;
        assert_eq!(created.status, 200, "{:?}", created.body);
        names.push(name);
    }
    let (addr, _stop) = start_with(h, short_limits(), Duration::from_secs(5)).await;
    let body = serde_json::json!({"secret_name_list": names}).to_string();
    let request = format!(
        "POST /v1/{P}/secrets/batch-get-secret-value HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    // A client that asks and never reads, with a small receive window.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut hoarder = socket.connect(addr).await.unwrap();
    hoarder.write_all(request.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Another client: its large answer does not fit, it is told to come back.
    let mut next = TcpStream::connect(addr).await.unwrap();
    next.write_all(request.as_bytes()).await.unwrap();
    let mut head = vec![0u8; 8192];
    let n = tokio::time::timeout(Duration::from_secs(5), next.read(&mut head)).await.unwrap().unwrap();
    let answer = String::from_utf8_lossy(&head[..n]).to_ascii_lowercase();
    assert!(answer.starts_with("http/1.1 503"), "{answer}");
    assert!(answer.contains("retry-after: 1") && answer.contains("csms.9503"), "{answer}");
    // A small answer is served meanwhile.
    let mut small = TcpStream::connect(addr).await.unwrap();
    small.write_all(list_request(addr, false).as_bytes()).await.unwrap();
    let (listed, _) = read_until_closed(&mut small).await;
    assert!(listed.starts_with("HTTP/1.1 200"), "{listed}");
    // The hoarder goes: its share comes back, and the large answer is served again.
    drop(hoarder);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut again = TcpStream::connect(addr).await.unwrap();
    again.write_all(request.as_bytes()).await.unwrap();
    let n = tokio::time::timeout(Duration::from_secs(5), again.read(&mut head)).await.unwrap().unwrap();
    assert!(head[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&head[..n]));
}
