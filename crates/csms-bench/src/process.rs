//! Child processes (the release server), their RSS, and the WAL watch.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::{AK, PROJECT, RunArgs, SK, StoreKind, TOKEN};

pub(crate) struct Process {
    pub(crate) child: Child,
    pub(crate) addr: SocketAddr,
}

impl Process {
    pub(crate) fn spawn(mut command: Command, prefix: &str) -> anyhow::Result<Process> {
        let mut child = command.stdout(Stdio::piped()).spawn().context("starting a server")?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)?;
        let Some(addr) = line.trim().strip_prefix(prefix).and_then(|a| a.parse().ok()) else {
            bail!("unexpected first line: {line:?}");
        };
        Ok(Process { child, addr })
    }

    /// Resident, peak resident, anonymous resident (the process's own) and file-backed resident
    /// (mapped files: the OS cache) memory, KiB.
    pub(crate) fn rss_kib(&self) -> (u64, u64, u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"), field("RssAnon:"), field("RssFile:"))
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start_server(args: &RunArgs, data: &Path) -> anyhow::Result<Process> {
    std::fs::write(
        data.join("credentials.toml"),
        format!(
            "[[token]]\ntoken = \"{TOKEN}\"\nprojects = [\"*\"]\n\n[[access_key]]\nak = \"{AK}\"\nsk = \"{SK}\"\nprojects = [\"{PROJECT}\"]\n"
        ),
    )?;
    let mut command = Command::new(&args.server);
    command
        .args(["--listen", "127.0.0.1:0", "--event-quota", "100000000", "--secret-quota", "100000"])
        .arg("--data-dir")
        .arg(data)
        .arg("--credentials")
        .arg(data.join("credentials.toml"))
        .arg("--master-key-file")
        .arg(data.join("master.key"))
        .stderr(std::fs::File::create(data.join("server.log"))?);
    if args.store == StoreKind::Postgres {
        command.args(["--database-url", args.database_url.as_deref().context("--database-url")?]);
    }
    Process::spawn(command, "csms-server listening on http://")
}

/// The largest size the SQLite WAL reached, sampled every 50 ms while the scenarios run.
pub(crate) struct WalWatch {
    pub(crate) largest: Arc<std::sync::atomic::AtomicU64>,
    pub(crate) done: Arc<std::sync::atomic::AtomicBool>,
}

impl WalWatch {
    pub(crate) fn start(path: PathBuf) -> WalWatch {
        use std::sync::atomic::Ordering;
        let watch = WalWatch { largest: Arc::default(), done: Arc::default() };
        let (largest, done) = (Arc::clone(&watch.largest), Arc::clone(&watch.done));
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let size = std::fs::metadata(&path).map_or(0, |m| m.len());
                largest.fetch_max(size, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        watch
    }

    /// The largest WAL seen, in bytes.
    pub(crate) fn stop(&self) -> u64 {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        self.largest.load(std::sync::atomic::Ordering::Relaxed)
    }
}
