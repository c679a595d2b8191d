//! Faults around the server: signals that would kill it without a word (SIGHUP, SIGXFSZ), a file-size
//! limit, a removed or empty database file, a second server on one file, a missing or wrong master key,
//! a frozen PostgreSQL.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::*;

fn alive(server: &mut Server) -> bool {
    server.child.try_wait().unwrap().is_none()
}

/// SIGHUP (say, the terminal closed) is logged and ignored: the server goes on serving.
#[test]
fn sighup_leaves_the_server_serving() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), None);
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-HUP", &pid]).status().unwrap().success());
    std::thread::sleep(Duration::from_millis(300));
    assert!(alive(&mut server), "SIGHUP killed the server");
    let (status, _) = request(
        server.addr,
        "POST",
        &format!("/v1/{}/csms/events", unique_project()),
        Some(&create_body("after-hup")),
    )
    .unwrap();
    assert_eq!(status, 200);
}

/// A file-size limit (`ulimit -f`) fails the write that crosses it instead of killing the server with
/// SIGXFSZ: that request is answered 500, the server lives on, and every acknowledged write is there after
/// a restart without the limit.
#[test]
fn a_file_size_limit_fails_writes_without_killing_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let project = unique_project();
    let path = format!("/v1/{project}/csms/events");
    let mut server = Server::start_with(dir.path(), None, Some(256));
    let mut acked = Vec::new();
    let mut refused = 0;
    for i in 0..3000 {
        let name = format!("e{i}");
        match request(server.addr, "POST", &path, Some(&create_body(&name))) {
            Ok((200, _)) => acked.push(name),
            Ok((500, body)) => {
                assert!(body.contains("CSMS.9500"), "{body}");
                refused += 1;
                if refused == 3 {
                    break;
                }
            }
            other => panic!("unexpected answer to write {i}: {other:?}"),
        }
    }
    assert!(refused > 0, "the limit was never reached ({} writes acknowledged)", acked.len());
    assert!(!acked.is_empty());
    assert!(alive(&mut server), "SIGXFSZ killed the server");
    assert_eq!(request(server.addr, "GET", "/healthz", None).unwrap().0, 200);
    let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
    assert!(
        log.contains("SIGXFSZ") || log.is_empty(),
        "the limit is logged (when the log itself fits): {log}"
    );
    server.kill9();
    drop(server);

    let server = Server::start(dir.path(), None);
    for name in &acked {
        let (status, body) = request(server.addr, "GET", &format!("{path}/{name}"), None).unwrap();
        assert_eq!(status, 200, "acknowledged {name} was lost: {body}");
    }
}

/// A file-size limit smaller than what the first start writes (the migrations) stops the server with an
/// error that says so, not with SIGXFSZ's silent death.
#[test]
fn a_file_size_limit_at_the_first_start_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let binary = env!("CARGO_BIN_EXE_csms-server");
    let output = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 8; exec \"$0\" \"$@\"")
        .arg(binary)
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(output.status.signal(), None, "killed by a signal: {:?}", output.status);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ulimit -f"), "the error says which limit: {stderr}");
}

/// `rm events.db` under a running server: no write is acknowledged any more (500), and `/healthz` says
/// the store cannot serve (503), until the server is restarted.
#[test]
fn a_removed_database_file_acknowledges_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let path = format!("/v1/{}/csms/events", unique_project());
    let server = Server::start(dir.path(), None);
    assert_eq!(request(server.addr, "GET", "/healthz", None).unwrap().0, 200);
    assert_eq!(request(server.addr, "POST", &path, Some(&create_body("before"))).unwrap().0, 200);
    std::fs::remove_file(dir.path().join("events.db")).unwrap();
    for i in 0..3 {
        let (status, body) =
            request(server.addr, "POST", &path, Some(&create_body(&format!("after{i}")))).unwrap();
        assert_eq!(status, 500, "a write into a removed file must not be acknowledged: {body}");
    }
    assert_eq!(request(server.addr, "GET", "/healthz", None).unwrap().0, 503);
}

/// A zero-length `events.db` is not a database of this service: the server refuses to start on it.
#[test]
fn an_empty_database_file_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("events.db"), b"").unwrap();
    let credentials = dir.path().join("credentials.toml");
    std::fs::write(&credentials, format!("[[token]]\ntoken = \"{TOKEN}\"\nprojects = [\"*\"]\n")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_csms-server"))
        .args(["--listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--credentials")
        .arg(&credentials)
        .output()
        .unwrap();
    assert!(!output.status.success(), "the server started on an empty database file");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("empty (0 bytes)"), "{stderr}");
    assert_eq!(
        std::fs::metadata(dir.path().join("events.db")).unwrap().len(),
        0,
        "the file is left as it was"
    );
}

/// A SQLite database is served by one process: a second server on the same data directory is refused
/// at once, with the reason, and the first goes on serving what it acknowledged.
#[test]
fn a_second_server_on_the_same_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let first = Server::start(dir.path(), None);
    let events = format!("/v1/{}/csms/events", unique_project());
    assert_eq!(request(first.addr, "POST", &events, Some(&create_body("kept"))).unwrap().0, 200);
    let started = std::time::Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_csms-server"))
        .args(["--listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--credentials")
        .arg(dir.path().join("credentials.toml"))
        .output()
        .unwrap();
    assert!(!output.status.success(), "a second server started on the same database");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is open in another process"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(5), "refused only after {:?}", started.elapsed());
    let (status, body) = request(first.addr, "GET", &format!("{events}/kept"), None).unwrap();
    assert_eq!(status, 200, "{body}");
}

/// The master key survives a restart; a missing or wrong one stops the start with an error that says
/// what to do, never serving unreadable or empty values, and a key generated in vain is not left behind.
#[test]
fn a_missing_or_wrong_master_key_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = format!("/v1/{}/secrets", unique_project());
    let latest = format!("{secrets}/kept/versions/latest");
    {
        let server = Server::start(dir.path(), None);
        let body = r#"{"name":"kept","secret_string":"the-kept-value"}"#;
        assert_eq!(request(server.addr, "POST", &secrets, Some(body)).unwrap().0, 200);
    }
    let key = dir.path().join("master.key");
    {
        let server = Server::start(dir.path(), None);
        let (status, body) = request(server.addr, "GET", &latest, None).unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("the-kept-value"), "{body}");
    }
    let start = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_csms-server"))
            .args(["--listen", "127.0.0.1:0"])
            .arg("--data-dir")
            .arg(dir.path())
            .arg("--credentials")
            .arg(dir.path().join("credentials.toml"))
            .args(extra)
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap()
    };
    std::fs::rename(&key, dir.path().join("saved.key")).unwrap();
    let missing = start(&[]);
    assert!(!missing.status.success(), "the server started without its master key");
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("put the original key file back"), "{stderr}");
    assert!(!key.exists(), "the key generated in vain is removed");

    let other = dir.path().join("other.key");
    std::fs::write(&other, "17".repeat(32)).unwrap();
    let wrong = start(&["--master-key-file", other.to_str().unwrap()]);
    assert!(!wrong.status.success(), "the server started with another master key");
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("master key is not the one"));

    let saved = dir.path().join("saved.key");
    std::fs::write(&other, "not hex").unwrap();
    let malformed = start(&["--master-key-file", other.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&malformed.stderr).contains("64 hexadecimal digits"));
    std::fs::rename(&saved, &key).unwrap();
    let server = Server::start(dir.path(), None);
    assert!(request(server.addr, "GET", &latest, None).unwrap().1.contains("the-kept-value"));
}

/// A throwaway PostgreSQL cluster of this test's own (`scripts/pg-throwaway`), stopped when dropped.
struct Cluster {
    dir: String,
    url: String,
}

impl Cluster {
    /// `None` where PostgreSQL 15 cannot be started here (skipped loudly; CI must have it).
    fn start(port: u16) -> Option<Cluster> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pg-throwaway");
        let output = Command::new(&script).args(["start", &port.to_string()]).output().unwrap();
        if !output.status.success() {
            assert!(std::env::var_os("CI").is_none(), "CI must run the frozen-PostgreSQL test: {output:?}");
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                b"!!! SKIPPED: frozen-PostgreSQL test (PostgreSQL 15 could not be started) !!!\n",
            );
            return None;
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let dir = stderr.lines().find_map(|l| l.strip_prefix("throwaway PostgreSQL cluster in ")).unwrap();
        let dir = dir.split(' ').next().unwrap().to_owned();
        let url = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        Some(Cluster { dir, url })
    }

    /// Sends `signal` (`-STOP`, `-CONT`) to the cluster's postmaster and every backend it forked.
    fn signal(&self, signal: &str) {
        let pid_file = std::fs::read_to_string(Path::new(&self.dir).join("data/postmaster.pid")).unwrap();
        let postmaster = pid_file.lines().next().unwrap().trim().to_owned();
        assert!(Command::new("kill").args([signal, &postmaster]).status().unwrap().success());
        // The backends (pkill finds none only if there are none).
        let _ = Command::new("pkill").args([signal, "-P", &postmaster]).status();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Never left stopped, even when the test failed half-way.
        if let Ok(pid_file) = std::fs::read_to_string(Path::new(&self.dir).join("data/postmaster.pid"))
            && let Some(postmaster) = pid_file.lines().next()
        {
            let _ = Command::new("kill").args(["-CONT", postmaster.trim()]).status();
            let _ = Command::new("pkill").args(["-CONT", "-P", postmaster.trim()]).status();
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pg-throwaway");
        let _ = Command::new(script).args(["stop", &self.dir]).output();
    }
}

/// A PostgreSQL that stops answering (SIGSTOP: a stall, a partition) fails requests within the store's
/// deadline instead of holding them, `/healthz` says so, and everything recovers without a restart.
#[test]
fn a_frozen_postgres_fails_fast_and_recovers() {
    let Some(cluster) = Cluster::start(55499) else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), Some(&cluster.url));
    let path = format!("/v1/{}/csms/events", unique_project());
    assert_eq!(request(server.addr, "POST", &path, Some(&create_body("before"))).unwrap().0, 200);

    cluster.signal("-STOP");
    let started = Instant::now();
    let (status, body) = request(server.addr, "POST", &path, Some(&create_body("frozen"))).unwrap();
    let took = started.elapsed();
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("CSMS.9500"), "{body}");
    assert!(took < Duration::from_secs(9), "answered within the deadline, not after the stall: {took:?}");
    let started = Instant::now();
    assert_eq!(request(server.addr, "GET", "/healthz", None).unwrap().0, 503);
    assert!(started.elapsed() < Duration::from_secs(9));

    cluster.signal("-CONT");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match request(server.addr, "POST", &path, Some(&create_body("after"))) {
            Ok((200, _)) => break,
            other => {
                assert!(Instant::now() < deadline, "no recovery 20 s after the database came back: {other:?}")
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(request(server.addr, "GET", "/healthz", None).unwrap().0, 200);
    assert_eq!(request(server.addr, "GET", &format!("{path}/before"), None).unwrap().0, 200);
}
