//! The process's own metrics (RSS, open descriptors, CPU time, start time), read from `/proc` at each
//! scrape, under the names every Prometheus client uses.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;

#[derive(Debug, Default)]
pub(crate) struct Process;

/// Clock ticks per second of `/proc/self/stat`'s CPU times (USER_HZ, 100 on Linux everywhere).
const TICKS_PER_SECOND: f64 = 100.0;
/// The page size of `/proc/self/statm` (4 KiB on the platforms this runs on).
const PAGE_BYTES: i64 = 4096;

struct Sample {
    resident_bytes: i64,
    open_fds: i64,
    cpu_seconds: f64,
}

fn sample() -> Option<Sample> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let resident_pages: i64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let (utime, stime): (f64, f64) = (fields.get(11)?.parse().ok()?, fields.get(12)?.parse().ok()?);
    let open_fds = std::fs::read_dir("/proc/self/fd").ok()?.count() as i64;
    Some(Sample {
        resident_bytes: resident_pages * PAGE_BYTES,
        open_fds,
        cpu_seconds: (utime + stime) / TICKS_PER_SECOND,
    })
}

impl Collector for Process {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(s) = sample() else { return Ok(()) };
        let rss = ConstGauge::new(s.resident_bytes);
        rss.encode(encoder.encode_descriptor(
            "process_resident_memory_bytes",
            "Resident memory size in bytes",
            None,
            rss.metric_type(),
        )?)?;
        let fds = ConstGauge::new(s.open_fds);
        fds.encode(encoder.encode_descriptor(
            "process_open_fds",
            "Open file descriptors",
            None,
            fds.metric_type(),
        )?)?;
        let cpu = ConstCounter::new(s.cpu_seconds);
        cpu.encode(encoder.encode_descriptor(
            "process_cpu_seconds",
            "User and system CPU time spent, in seconds",
            None,
            cpu.metric_type(),
        )?)?;
        Ok(())
    }
}
