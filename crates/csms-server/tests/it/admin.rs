//! The admin listener: metrics after real requests, liveness, and readiness that turns off as soon as
//! the server starts draining.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::*;

/// The value of the sample `series` (its whole name and labels) in a Prometheus text page.
fn sample(page: &str, series: &str) -> Option<f64> {
    page.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn the_admin_listener_serves_metrics_liveness_and_readiness() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start_args(dir.path(), None, &["--admin-listen", "127.0.0.1:0"]);
    let admin = server.admin.expect("the admin address is printed");
    assert_eq!(request(admin, "GET", "/healthz", None).unwrap().0, 200);
    assert_eq!(request(admin, "GET", "/readyz", None).unwrap(), (200, "ready\n".into()));
    assert_eq!(request(admin, "GET", "/nope", None).unwrap().0, 404);
    assert_eq!(request(admin, "POST", "/metrics", None).unwrap().0, 405);
    // The admin port takes no credentials and serves no API.
    assert_eq!(request(admin, "GET", "/v1/p/csms/events", None).unwrap().0, 404);

    let events = "/v1/0123456789abcdef0123456789abcdef/csms/events";
    for _ in 0..3 {
        assert_eq!(request(server.addr, "GET", events, None).unwrap().0, 200);
    }
    assert_eq!(request(server.addr, "POST", events, Some("{")).unwrap().0, 400);
    assert_eq!(request(server.addr, "GET", "/no/such/path", None).unwrap().0, 404);
    let (status, page) = request(admin, "GET", "/metrics", None).unwrap();
    assert_eq!(status, 200);
    let at = |series: &str| sample(&page, series).unwrap_or_else(|| panic!("{series} missing:\n{page}"));
    assert_eq!(at(r#"csms_http_requests_total{operation="ListSecretEvents",status="200"}"#), 3.0);
    assert_eq!(at(r#"csms_http_requests_total{operation="CreateSecretEvent",status="400"}"#), 1.0);
    assert_eq!(at(r#"csms_http_requests_total{operation="unrouted",status="404"}"#), 1.0);
    assert_eq!(at(r#"csms_http_request_duration_seconds_count{operation="ListSecretEvents"}"#), 3.0);
    assert!(at("process_resident_memory_bytes") > 1e6);
    assert_eq!((at("csms_store_up"), at("csms_ready")), (1.0, 1.0));
    assert!(page.contains(r#"csms_build_info{version=""#));
    // No label carries what a client sent: the project id appears nowhere.
    assert!(!page.contains("0123456789abcdef0123456789abcdef"));

    // A request holding its connection open (a body that never comes) keeps the server draining after
    // SIGTERM: meanwhile /readyz says not ready, so a load balancer stops sending traffic.
    let mut slow = TcpStream::connect(server.addr).unwrap();
    write!(
        slow,
        "POST {events} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {TOKEN}\r\nContent-Length: 100\r\n\r\n{{"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let started = Instant::now();
    let mut draining = None;
    while started.elapsed() < Duration::from_secs(5) {
        match request(admin, "GET", "/readyz", None) {
            Ok((503, body)) => {
                draining = Some(body);
                break;
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break,
        }
    }
    assert_eq!(draining.as_deref(), Some("not ready: shutting down\n"));
    drop(slow);
    let _ = server.child.wait();
}
