//! Delivery through the binary: the outbox across `kill -9`, two PostgreSQL instances sharing the work,
//! and an `https://` webhook trusted through `--ca-bundle`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::*;

/// What webhooks saw: the receiving webhook's tag, the notification's secret, when.
type Seen = Arc<Mutex<Vec<(String, String, Instant)>>>;

/// A webhook on loopback that counts what it receives: the secret of each notification, in arrival
/// order, under the webhook's tag. With `hang` it never answers (the delivery stays in flight); with
/// `delay` it answers 200 after that long. With `tls` it serves HTTPS with that configuration.
struct Webhook {
    addr: SocketAddr,
    seen: Seen,
    /// While set, requests are recorded and never answered.
    hang: Arc<AtomicBool>,
    scheme: &'static str,
}

/// What a webhook needs to answer a connection.
#[derive(Clone)]
struct Answer {
    seen: Seen,
    tag: String,
    hang: Arc<AtomicBool>,
    delay: Duration,
}

impl Answer {
    /// Reads one request from `stream`, records it, and answers 200 (unless hanging).
    fn serve(&self, stream: impl Read + Write) {
        let mut reader = BufReader::new(stream);
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        // An SMN confirmation is recorded by its link.
        if let Some(link) = body["subscribe_url"].as_str() {
            self.seen.lock().unwrap().push((self.tag.clone(), format!("confirm:{link}"), Instant::now()));
        }
        let message: serde_json::Value =
            serde_json::from_str(body["message"].as_str().unwrap_or("{}")).unwrap_or_default();
        let secret = message["data"]["secretName"].as_str().unwrap_or_default().to_owned();
        self.seen.lock().unwrap().push((self.tag.clone(), secret, Instant::now()));
        if self.hang.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_secs(600));
            return;
        }
        std::thread::sleep(self.delay);
        let stream = reader.get_mut();
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        let _ = stream.flush();
    }
}

impl Webhook {
    fn start(hang: bool, delay: Duration) -> Webhook {
        Self::start_tagged(Seen::default(), "", hang, delay)
    }

    fn start_tagged(seen: Seen, tag: &str, hang: bool, delay: Duration) -> Webhook {
        Self::start_full(seen, tag, hang, delay, None)
    }

    fn start_full(
        seen: Seen,
        tag: &str,
        hang: bool,
        delay: Duration,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> Webhook {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let hanging = Arc::new(AtomicBool::new(hang));
        let answer =
            Answer { seen: Arc::clone(&seen), tag: tag.to_owned(), hang: Arc::clone(&hanging), delay };
        let scheme = if tls.is_some() { "https" } else { "http" };
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (answer, tls) = (answer.clone(), tls.clone());
                std::thread::spawn(move || match tls {
                    None => answer.serve(stream),
                    Some(config) => {
                        let connection = rustls::ServerConnection::new(config).unwrap();
                        answer.serve(rustls::StreamOwned::new(connection, stream));
                    }
                });
            }
        });
        Webhook { addr, seen, hang: hanging, scheme }
    }

    fn url(&self) -> String {
        format!("{}://{}/", self.scheme, self.addr)
    }

    fn seen(&self) -> Vec<(String, String, Instant)> {
        self.seen.lock().unwrap().clone()
    }
}

/// Four clients POST to `path` the body `body_of(name)` of new names (`{prefix}{client}-{k}`) until the
/// server is killed with SIGKILL 400 ms in: the names attempted, and those acknowledged (200).
fn post_then_kill9(
    server: &mut Server,
    path: &str,
    prefix: &str,
    body_of: fn(&str) -> String,
) -> (Vec<String>, Vec<String>) {
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let attempted: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (acked, attempted, stop) = (Arc::clone(&acked), Arc::clone(&attempted), Arc::clone(&stop));
            let (path, prefix, addr) = (path.to_owned(), prefix.to_owned(), server.addr);
            std::thread::spawn(move || {
                for k in 0..1000 {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let name = format!("{prefix}{c}-{k}");
                    attempted.lock().unwrap().push(name.clone());
                    match request(addr, "POST", &path, Some(&body_of(&name))) {
                        Ok((200, _)) => acked.lock().unwrap().push(name),
                        Ok((status, body)) => panic!("{status}: {body}"),
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(400));
    server.kill9();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let names = |list: Arc<Mutex<Vec<String>>>| list.lock().unwrap().clone();
    (names(attempted), names(acked))
}

/// An event of `project` firing on creates and deletes, to a topic of the project.
fn all_types_event(project: &str, name: &str) -> String {
    format!(
        r#"{{"name":"{name}","event_types":["SECRET_VERSION_CREATED","SECRET_DELETED"],"state":"ENABLED",
            "notification":{{"target_type":"SMN","target_id":"urn:smn:r:{project}:topic","target_name":"topic"}}}}"#
    )
}

/// The outbox across `kill -9`: the first server acknowledges changes but cannot deliver (its webhook
/// never answers) and is killed; the restarted one delivers every change that happened exactly once,
/// and nothing for a change that did not.
#[test]
fn every_acknowledged_change_is_delivered_once_after_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let project = unique_project();
    let hanging = Webhook::start(true, Duration::ZERO);
    let mut server = Server::start_args(
        dir.path(),
        None,
        &["--notify-webhook", &hanging.url(), "--secret-quota", "100000"],
    );
    let secrets = format!("/v1/{project}/secrets");
    assert_eq!(
        request(
            server.addr,
            "POST",
            &format!("/v1/{project}/csms/events"),
            Some(&all_types_event(&project, "e"))
        )
        .unwrap()
        .0,
        200
    );
    let body = |name: &str| format!(r#"{{"name":"{name}","secret_string":"x","event_subscriptions":["e"]}}"#);
    let (attempted, acked) = post_then_kill9(&mut server, &secrets, "s", body);
    assert!(acked.len() >= 4, "changes were acknowledged before the kill: {}", acked.len());

    let counting = Webhook::start(false, Duration::ZERO);
    let restarted = Server::start_args(dir.path(), None, &["--notify-webhook", &counting.url()]);
    let delivered_all = wait_for(Duration::from_secs(20), || {
        let seen: std::collections::HashSet<String> =
            counting.seen().into_iter().map(|(_, s, _)| s).collect();
        acked.iter().all(|name| seen.contains(name))
    });
    assert!(delivered_all, "every acknowledged change was delivered after the restart");
    std::thread::sleep(Duration::from_millis(500));
    let seen = counting.seen();
    let mut per_secret: HashMap<String, usize> = HashMap::new();
    for (_, secret, _) in &seen {
        *per_secret.entry(secret.clone()).or_default() += 1;
    }
    assert!(per_secret.values().all(|n| *n == 1), "each change delivered once: {per_secret:?}");
    // A change whose acknowledgement was lost in the kill was delivered exactly when it happened.
    for name in &attempted {
        let (status, _) = request(restarted.addr, "GET", &format!("{secrets}/{name}"), None).unwrap();
        assert_eq!(
            per_secret.contains_key(name),
            status == 200,
            "{name}: delivered iff it exists ({status})"
        );
    }
    eprintln!(
        "outbox crash test: {} changes acknowledged, {} delivered once after kill -9",
        acked.len(),
        seen.len()
    );
}

/// SMN's delivery across `kill -9`: a subscriber confirmed through its link stops answering, messages
/// are published and acknowledged, the server is killed; restarted, it delivers every acknowledged
/// message (at least once: one sent before the kill and never answered goes again), and its delivery
/// records say so.
#[test]
fn every_acknowledged_publish_reaches_the_subscriber_after_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let project = unique_project();
    let hook = Webhook::start(false, Duration::ZERO);
    let mut server = Server::start(dir.path(), None);
    let smn = format!("/v2/{project}/notifications");
    let urn = format!("urn:smn:cn-north-4:{project}:t");
    assert_eq!(
        request(server.addr, "POST", &format!("{smn}/topics"), Some(r#"{"name":"t"}"#)).unwrap().0,
        201
    );
    let subscribe = format!(r#"{{"protocol":"http","endpoint":"{}"}}"#, hook.url());
    let added = request(server.addr, "POST", &format!("{smn}/topics/{urn}/subscriptions"), Some(&subscribe));
    assert_eq!(added.unwrap().0, 201);
    let link = || hook.seen().into_iter().find_map(|(_, s, _)| s.strip_prefix("confirm:").map(str::to_owned));
    assert!(wait_for(Duration::from_secs(10), || link().is_some()), "the confirmation arrived");
    let link = link().unwrap();
    let path = &link[link.find("/v2/").unwrap()..];
    assert_eq!(request(server.addr, "GET", path, None).unwrap().0, 200, "the link confirms");

    hook.hang.store(true, Ordering::SeqCst);
    let publish = format!("{smn}/topics/{urn}/publish");
    // The subscriber's recorder reads data.secretName of the message: name it so.
    let body = |name: &str| {
        let message = serde_json::json!({"data": {"secretName": name}}).to_string();
        serde_json::json!({"subject": "s", "message": message}).to_string()
    };
    let (_, acked) = post_then_kill9(&mut server, &publish, "m", body);
    assert!(acked.len() >= 4, "publishes were acknowledged before the kill: {}", acked.len());

    hook.hang.store(false, Ordering::SeqCst);
    let restarted = Server::start(dir.path(), None);
    let delivered_all = wait_for(Duration::from_secs(30), || {
        let seen: std::collections::HashSet<String> = hook.seen().into_iter().map(|(_, s, _)| s).collect();
        acked.iter().all(|name| seen.contains(name))
    });
    assert!(delivered_all, "every acknowledged publish was delivered after the restart");
    let recorded = wait_for(Duration::from_secs(10), || {
        let (_, body) =
            request(restarted.addr, "GET", &format!("{smn}/deliveries?limit=1000"), None).unwrap();
        let records: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let done = records["deliveries"].as_array().into_iter().flatten();
        done.filter(|d| d["message_type"] == "Notification" && d["status"] == "SUCCESS").count()
            >= acked.len()
    });
    assert!(recorded, "each acknowledged publish has its SUCCESS record");
    eprintln!("smn crash test: {} publishes acknowledged, each delivered after kill -9", acked.len());
}

/// Two instances on one PostgreSQL deliver each notification once between them; when one is killed
/// mid-delivery, the other takes its notifications over once their lease lapses. A notification is
/// delivered twice only if the killed instance had already sent it (the receiver had it before the kill).
#[test]
fn postgres_two_instances_deliver_each_notification_once_and_take_over() {
    let Some(url) = database_url("delivery") else { return };
    let dir = tempfile::tempdir().unwrap();
    let project = unique_project();
    let prefix = format!("{}-", &project[project.len() - 8..]);
    // Each instance delivers to its own webhook, both counting into one list: who delivered is known.
    let seen = Seen::default();
    let (to_a, to_b) = (
        Webhook::start_tagged(Arc::clone(&seen), "a", false, Duration::from_millis(300)),
        Webhook::start_tagged(Arc::clone(&seen), "b", false, Duration::from_millis(300)),
    );
    let flags = |hook: &Webhook| {
        ["--notify-webhook", &hook.url(), "--delivery-lease", "2", "--secret-quota", "100000"]
            .map(str::to_owned)
    };
    let (flags_a, flags_b) = (flags(&to_a), flags(&to_b));
    let mut a =
        Server::start_args(&dir.path().join("a"), Some(&url), &flags_a.each_ref().map(String::as_str));
    let b = Server::start_args(&dir.path().join("b"), Some(&url), &flags_b.each_ref().map(String::as_str));
    let events = format!("/v1/{project}/csms/events");
    assert_eq!(request(a.addr, "POST", &events, Some(&all_types_event(&project, "e"))).unwrap().0, 200);
    let secrets = format!("/v1/{project}/secrets");
    let create = |addr: SocketAddr, name: &str| {
        let body = format!(r#"{{"name":"{name}","secret_string":"x","event_subscriptions":["e"]}}"#);
        assert_eq!(request(addr, "POST", &secrets, Some(&body)).unwrap().0, 200);
    };
    let ours = |phase: &str| {
        let all = seen.lock().unwrap().clone();
        all.into_iter().filter(|(_, s, _)| s.starts_with(&format!("{prefix}{phase}"))).collect::<Vec<_>>()
    };
    let signal = |pid: u32, signal: &str| {
        assert!(Command::new("kill").args([signal, &pid.to_string()]).status().unwrap().success());
    };

    // Both instances write and deliver: each notification arrives once.
    for i in 0..40 {
        create(if i % 2 == 0 { a.addr } else { b.addr }, &format!("{prefix}one-{i}"));
    }
    assert!(wait_for(Duration::from_secs(30), || ours("one-").len() >= 40));
    std::thread::sleep(Duration::from_millis(500));
    let first = ours("one-");
    let distinct: std::collections::HashSet<_> = first.iter().map(|(_, s, _)| s.clone()).collect();
    assert_eq!(
        (first.len(), distinct.len()),
        (40, 40),
        "each notification delivered by exactly one instance"
    );
    let by_a = first.iter().filter(|(tag, _, _)| tag == "a").count();

    // b is stopped while a takes the next notifications, whose webhook now never answers; a is killed with
    // them in its hands. b, continued, takes them over when a's lease lapses.
    signal(b.child.id(), "-STOP");
    to_a.hang.store(true, Ordering::SeqCst);
    for i in 0..20 {
        create(a.addr, &format!("{prefix}two-{i}"));
    }
    let reached = wait_for(Duration::from_secs(10), || !ours("two-").is_empty());
    a.kill9();
    let killed_at = Instant::now();
    signal(b.child.id(), "-CONT");
    assert!(reached, "a took notifications before it was killed");
    let by = |tag: &str| ours("two-").into_iter().filter(|(t, _, _)| t == tag).collect::<Vec<_>>();
    let taken_over = wait_for(Duration::from_secs(30), || by("b").len() >= 20);
    assert!(taken_over, "b delivered every notification a left: {:?}", by("b").len());
    std::thread::sleep(Duration::from_millis(500));
    let from_b = by("b");
    let distinct: std::collections::HashSet<_> = from_b.iter().map(|(_, s, _)| s.clone()).collect();
    assert_eq!((from_b.len(), distinct.len()), (20, 20), "b delivered each once");
    assert!(from_b.iter().all(|(_, _, at)| *at > killed_at), "b delivered them after the kill");
    let sent_by_a = by("a").len();
    assert!(by("a").iter().all(|(_, _, at)| *at < killed_at), "a sent nothing after it died");
    eprintln!(
        "postgres delivery test: 40 notifications once each ({by_a} by a, {} by b); a killed with 20 in its \
         hands ({sent_by_a} at its unanswering webhook): b delivered all 20 once, after the lease",
        40 - by_a
    );
    drop(b);
}

/// A certificate authority of the test's own, and a server certificate it issued for 127.0.0.1.
fn test_ca() -> (String, Arc<rustls::ServerConfig>) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name.push(rcgen::DnType::CommonName, "csms test CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    let der = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
    let config =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone()], der)
            .unwrap();
    (ca_cert.pem(), Arc::new(config))
}

/// An `https://` webhook whose certificate a test CA issued: with the CA given by `--ca-bundle`, every
/// notification arrives over TLS and is recorded SUCCESS; without it, the server refuses the certificate
/// and sends nothing.
#[test]
fn an_https_webhook_is_trusted_through_a_ca_given_by_flag() {
    let dir = tempfile::tempdir().unwrap();
    let (ca_pem, tls) = test_ca();
    let ca = dir.path().join("test-ca.pem");
    std::fs::write(&ca, ca_pem).unwrap();
    let hook = Webhook::start_full(Seen::default(), "tls", false, Duration::ZERO, Some(tls));
    assert!(hook.url().starts_with("https://127.0.0.1:"));
    let project = unique_project();
    let create = |server: &Server, name: &str| {
        let events = format!("/v1/{project}/csms/events");
        assert_eq!(
            request(server.addr, "POST", &events, Some(&all_types_event(&project, name))).unwrap().0,
            200
        );
        let body =
            format!(r#"{{"name":"{name}-secret","secret_string":"x","event_subscriptions":["{name}"]}}"#);
        assert_eq!(
            request(server.addr, "POST", &format!("/v1/{project}/secrets"), Some(&body)).unwrap().0,
            200
        );
    };

    // Without the CA: the certificate is refused, nothing is sent, the record is not SUCCESS.
    let untrusted = Server::start_args(&dir.path().join("a"), None, &["--notify-webhook", &hook.url()]);
    create(&untrusted, "untrusted");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(hook.seen().is_empty(), "nothing crossed an untrusted TLS connection: {:?}", hook.seen());
    drop(untrusted);

    let ca_flag = ca.to_str().unwrap();
    let server = Server::start_args(
        &dir.path().join("b"),
        None,
        &["--notify-webhook", &hook.url(), "--ca-bundle", ca_flag],
    );
    create(&server, "trusted");
    assert!(wait_for(Duration::from_secs(10), || !hook.seen().is_empty()), "the https webhook got it");
    assert_eq!(hook.seen()[0].1, "trusted-secret");
    let records = format!("/v1/{project}/csms/notification-records");
    let delivered = wait_for(Duration::from_secs(5), || {
        request(server.addr, "GET", &records, None).unwrap().1.contains(r#""notification_status":"SUCCESS""#)
    });
    assert!(delivered, "recorded SUCCESS");
}
