//! The server binary under faults: `kill -9` in the middle of concurrent writes (`crash`), signals, full
//! disks, removed files and frozen databases (`faults`), and delivery to webhooks across crashes and
//! over TLS (`delivery`).
//!
//! SQLite always runs. The PostgreSQL tests run when `CSMS_TEST_DATABASE_URL` is set; locally they are
//! skipped loudly, in CI (`CI` set) a missing URL fails.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod admin;
mod crash;
mod delivery;
mod faults;

const TOKEN: &str = "crash-test-token-0123456789abcdef";
const CLIENTS: usize = 6;
/// Bounds of the write stream before the kill.
const MAX_OPS: usize = 3000;
const KILL_AFTER: Duration = Duration::from_millis(1500);

struct Server {
    child: Child,
    addr: SocketAddr,
    /// The admin listener's address, when `--admin-listen` was given.
    admin: Option<SocketAddr>,
}

impl Server {
    fn start(data_dir: &Path, database_url: Option<&str>) -> Server {
        Self::start_with(data_dir, database_url, None)
    }

    /// `file_size_blocks`: a `ulimit -f` (1 KiB blocks) on the server's process.
    fn start_with(data_dir: &Path, database_url: Option<&str>, file_size_blocks: Option<u64>) -> Server {
        Self::start_full(data_dir, database_url, file_size_blocks, &[])
    }

    /// With more flags (a notification target, a lease).
    fn start_args(data_dir: &Path, database_url: Option<&str>, args: &[&str]) -> Server {
        Self::start_full(data_dir, database_url, None, args)
    }

    fn start_full(
        data_dir: &Path,
        database_url: Option<&str>,
        file_size_blocks: Option<u64>,
        args: &[&str],
    ) -> Server {
        std::fs::create_dir_all(data_dir).unwrap();
        let credentials = data_dir.join("credentials.toml");
        std::fs::write(&credentials, format!("[[token]]\ntoken = \"{TOKEN}\"\nprojects = [\"*\"]\n"))
            .unwrap();
        let binary = env!("CARGO_BIN_EXE_csms-server");
        let mut command = match file_size_blocks {
            None => Command::new(binary),
            Some(blocks) => {
                let mut shell = Command::new("bash");
                shell.arg("-c").arg(format!("ulimit -f {blocks}; exec \"$0\" \"$@\"")).arg(binary);
                shell
            }
        };
        command
            .args(["--listen", "127.0.0.1:0", "--shutdown-grace", "1"])
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--credentials")
            .arg(&credentials)
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(data_dir.join("server.log")).unwrap());
        if let Some(url) = database_url {
            // Every instance on one database shares its master key: the test suites' fixed key.
            std::fs::write(data_dir.join("master.key"), "42".repeat(32)).unwrap();
            command.args(["--database-url", url]);
        }
        let mut child = command.spawn().expect("start csms-server");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = lines.next().expect("csms-server printed its address").unwrap();
        let addr = line.strip_prefix("csms-server listening on http://").expect(&line).parse().unwrap();
        // The admin listener's address follows the API's.
        let admin = args.contains(&"--admin-listen").then(|| {
            let line = lines.next().expect("csms-server printed its admin address").unwrap();
            line.strip_prefix("csms-server admin listening on http://").expect(&line).parse().unwrap()
        });
        Server { child, addr, admin }
    }

    fn kill9(&mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on its own connection; the status and body, or an I/O error (server gone).
fn request(addr: SocketAddr, method: &str, path: &str, body: Option<&str>) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nX-Auth-Token: {TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line: {response:?}")))?;
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, body))
}

fn create_body(name: &str) -> String {
    format!(
        r#"{{"name":"{name}","event_types":["SECRET_ROTATED"],"state":"ENABLED",
            "notification":{{"target_type":"SMN","target_id":"demo-smn-id","target_name":"v0"}}}}"#
    )
}

fn update_body(version: u32) -> String {
    format!(
        r#"{{"notification":{{"target_type":"SMN","target_id":"demo-smn-id","target_name":"v{version}"}}}}"#
    )
}

fn create_secret_body(name: &str) -> String {
    format!(r#"{{"name":"{name}","secret_string":"v0"}}"#)
}

fn version_body(version: u32) -> String {
    format!(r#"{{"secret_string":"v{version}"}}"#)
}

fn unique_project() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("crash{nanos:x}")
}

/// `CSMS_TEST_DATABASE_URL` for the PostgreSQL `what` test; without it the test is skipped loudly, and in
/// CI (`CI` set) it fails instead.
fn database_url(what: &str) -> Option<String> {
    match std::env::var("CSMS_TEST_DATABASE_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CSMS_TEST_DATABASE_URL is not set: CI must run the PostgreSQL {what} test")
        }
        Err(_) => {
            // Written to stderr directly, past the test harness's capture, so that the skip is seen.
            let line =
                format!("!!! SKIPPED: PostgreSQL {what} test (set CSMS_TEST_DATABASE_URL to run it) !!!\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
            None
        }
    }
}

/// Waits up to `limit` for `done`.
fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    done()
}
