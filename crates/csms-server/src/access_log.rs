//! The access log's lines, formatted straight into the log's batched buffer.
//!
//! Through `tracing`, each line cost a span, a filter's look-ups and the formatter's field visitors:
//! together about a fifth of a show (`cargo xtask bench`). Here a line is a few integer and string
//! copies under the buffer's lock. The lines read as `tracing`'s own (the same timestamp, level and
//! target, the same fields in the same order), in the text and the JSON format, so a reader of the log
//! cannot tell them apart; `RUST_LOG` decides once, at start, whether they are written
//! (`csms_http::access` at INFO).

use std::cell::RefCell;
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use csms_http::{ACCESS_TARGET, AccessLog, AccessRecord};

use crate::log_writer::BatchWriter;

/// Writes each record as one line, in the log's format.
pub(crate) struct LineAccessLog {
    pub(crate) writer: BatchWriter,
    pub(crate) json: bool,
    /// Colours the level, as `tracing`'s formatter does on a terminal.
    pub(crate) ansi: bool,
}

impl AccessLog for LineAccessLog {
    fn record(&self, r: &AccessRecord<'_>) {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let micros = r.latency.as_micros();
        let (ms, frac) = (micros / 1000, micros % 1000);
        let fields = [("request_id", r.request_id), ("method", r.method.as_str()), ("path", r.path)];
        self.writer.append(|out| {
            if self.json {
                out.extend_from_slice(b"{\"timestamp\":\"");
                timestamp(out, now);
                out.extend_from_slice(b"\",\"level\":\"INFO\",\"message\":\"request\"");
                for (name, value) in fields {
                    let _ = write!(out, ",\"{name}\":");
                    json_string(out, value);
                }
                let _ = write!(out, ",\"status\":{},\"latency_ms\":{ms}.{frac:03}", r.status.as_u16());
                out.extend_from_slice(b",\"target\":\"");
                out.extend_from_slice(ACCESS_TARGET.as_bytes());
                out.extend_from_slice(b"\"}\n");
            } else {
                timestamp(out, now);
                out.extend_from_slice(if self.ansi { b" \x1b[32m INFO\x1b[0m " } else { b"  INFO " });
                out.extend_from_slice(ACCESS_TARGET.as_bytes());
                out.extend_from_slice(b": request");
                for (name, value) in fields {
                    let _ = write!(out, " {name}=");
                    text_string(out, value);
                }
                let _ = writeln!(out, " status={} latency_ms={ms}.{frac:03}", r.status.as_u16());
            }
        });
    }
}

/// RFC 3339 in UTC with microseconds, as `tracing`'s formatter writes it: the date and time of day are
/// made once a second per thread.
fn timestamp(out: &mut Vec<u8>, now: std::time::Duration) {
    thread_local! {
        static SECOND: RefCell<(u64, [u8; 19])> = const { RefCell::new((u64::MAX, [0; 19])) };
    }
    let secs = now.as_secs();
    SECOND.with_borrow_mut(|(second, text)| {
        if *second != secs {
            let at = time::OffsetDateTime::from_unix_timestamp(secs as i64)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
            let mut cursor = &mut text[..];
            let _ = write!(
                cursor,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                at.year(),
                u8::from(at.month()),
                at.day(),
                at.hour(),
                at.minute(),
                at.second()
            );
            *second = secs;
        }
        out.extend_from_slice(text);
    });
    let _ = write!(out, ".{:06}Z", now.subsec_micros());
}

/// A string as a JSON string.
fn json_string(out: &mut Vec<u8>, s: &str) {
    let _ = serde_json::to_writer(&mut *out, s);
}

/// A string as `tracing`'s text format writes a `&str` field: quoted and escaped (`Debug`).
fn text_string(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        let _ = write!(out, "{s:?}");
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use http::{Method, StatusCode};
    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    /// A writer `tracing`'s formatter writes into, kept for the test.
    #[derive(Clone, Default)]
    struct Kept(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Kept {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Kept {
        type Writer = Kept;
        fn make_writer(&'a self) -> Kept {
            self.clone()
        }
    }

    /// The line `tracing` makes of a record, and the line of [`LineAccessLog`].
    fn both(json: bool, record: &AccessRecord<'_>) -> (String, String) {
        let kept = Kept::default();
        let builder = tracing_subscriber::fmt().with_writer(kept.clone()).with_ansi(false);
        let dispatch: tracing::Dispatch =
            if json { builder.json().flatten_event(true).into() } else { builder.into() };
        tracing::dispatcher::with_default(&dispatch, || csms_http::TracingAccessLog.record(record));
        let traced = String::from_utf8(kept.0.lock().unwrap().clone()).unwrap();

        let (writer, guard) = crate::log_writer::spawn(kept.clone()).unwrap();
        kept.0.lock().unwrap().clear();
        LineAccessLog { writer, json, ansi: false }.record(record);
        drop(guard);
        let direct = String::from_utf8(kept.0.lock().unwrap().clone()).unwrap();
        (traced, direct)
    }

    /// The parts of a line after its timestamp, which differs by the microseconds between the two.
    fn after_timestamp(line: &str, json: bool) -> String {
        if json {
            let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
            let stamp = value.as_object_mut().unwrap().remove("timestamp").unwrap();
            assert!(
                time::OffsetDateTime::parse(
                    stamp.as_str().unwrap(),
                    &time::format_description::well_known::Rfc3339
                )
                .is_ok()
            );
            value.to_string()
        } else {
            let (stamp, rest) = line.split_once(' ').unwrap();
            assert!(
                time::OffsetDateTime::parse(stamp, &time::format_description::well_known::Rfc3339).is_ok(),
                "{stamp}"
            );
            assert_eq!(stamp.len(), "2026-11-30T04:58:11.009763Z".len(), "{stamp}");
            rest.to_owned()
        }
    }

    #[test]
    fn a_line_reads_as_tracings_own_in_both_formats() {
        let method = Method::PUT;
        let record = AccessRecord {
            request_id: "97cb1453b48e450ce220a8397b1dcdaf",
            method: &method,
            path: "/v1/0123456789abcdef0123456789abcdef/csms/events/odd\"name",
            status: StatusCode::NOT_FOUND,
            latency: Duration::from_micros(1_250),
        };
        for json in [false, true] {
            let (traced, direct) = both(json, &record);
            assert_eq!(direct.lines().count(), 1, "{direct}");
            let (traced, direct) =
                (after_timestamp(traced.trim_end(), json), after_timestamp(direct.trim_end(), json));
            // tracing writes the latency as the float it is given (1.25); here it is milliseconds to the
            // microsecond (1.250), the same number (the JSON lines are compared as values).
            assert_eq!(traced.replace("latency_ms=1.25", "latency_ms=1.250"), direct, "json: {json}");
        }
    }

    #[test]
    fn the_timestamp_is_utc_to_the_microsecond() {
        let mut out = Vec::new();
        timestamp(&mut out, Duration::new(1_796_014_691, 9_763_000));
        assert_eq!(String::from_utf8(out).unwrap(), "2026-11-30T04:58:11.009763Z");
        let mut out = Vec::new();
        timestamp(&mut out, Duration::new(1_796_014_692, 0));
        assert_eq!(String::from_utf8(out).unwrap(), "2026-11-30T04:58:12.000000Z");
    }
}
