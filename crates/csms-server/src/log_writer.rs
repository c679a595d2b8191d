//! The log's writer: a request appends its lines to a buffer in memory, and a thread writes the buffer
//! out, many lines in one write, a few milliseconds after the first of them came.
//!
//! A write system call per line (or a wake-up of a writer thread per line, as a channel to one costs)
//! was the largest single cost of a request after the network's own (`cargo xtask bench`). Here a line
//! costs a lock and a copy. Nothing is dropped: when the output falls [`MAX_BUFFERED`] bytes behind,
//! logging waits for it. The [`Guard`] writes out what is left when it is dropped, at the end of `main`.

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long the thread gathers lines after the first one, before it writes them out.
pub(crate) const GATHER: Duration = Duration::from_millis(5);
/// Past this many bytes waiting to be written, logging waits for the output.
pub(crate) const MAX_BUFFERED: usize = 8 << 20;

/// The writer the log's formatter writes each line to (a `MakeWriter`).
#[derive(Clone)]
pub(crate) struct BatchWriter {
    shared: Arc<Shared>,
}

/// Stops the thread, after it has written everything out, when dropped.
pub(crate) struct Guard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    /// Wakes the thread: lines came into an empty buffer, or the end.
    lines: Condvar,
    /// Wakes loggers that wait for room.
    room: Condvar,
}

#[derive(Default)]
struct State {
    buffer: Vec<u8>,
    closed: bool,
    waiting_for_room: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Starts the thread that writes to `out`.
pub(crate) fn spawn(out: impl Write + Send + 'static) -> io::Result<(BatchWriter, Guard)> {
    let shared = Arc::new(Shared { state: Mutex::default(), lines: Condvar::new(), room: Condvar::new() });
    let thread = std::thread::Builder::new().name("csms-log-writer".into()).spawn({
        let shared = Arc::clone(&shared);
        move || write_out(&shared, out)
    })?;
    Ok((BatchWriter { shared: Arc::clone(&shared) }, Guard { shared, thread: Some(thread) }))
}

fn write_out(shared: &Shared, mut out: impl Write) {
    let mut batch = Vec::new();
    loop {
        let mut state = shared.lock();
        while state.buffer.is_empty() && !state.closed {
            state = shared.lines.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        if !state.closed {
            drop(state);
            std::thread::sleep(GATHER);
            state = shared.lock();
        }
        std::mem::swap(&mut state.buffer, &mut batch);
        let (closed, waiting) = (state.closed, state.waiting_for_room);
        drop(state);
        if waiting > 0 {
            shared.room.notify_all();
        }
        // A failing output (a closed pipe) cannot be logged to; the lines are dropped, as any writer would.
        let _ = out.write_all(&batch).and_then(|()| out.flush());
        batch.clear();
        // Keep a burst's buffer from holding memory for good.
        batch.shrink_to(1 << 20);
        if closed && shared.lock().buffer.is_empty() {
            return;
        }
    }
}

impl BatchWriter {
    /// Appends what `write` writes (whole lines) to the buffer, under its lock: a line formatted in place,
    /// without a copy of its own.
    pub(crate) fn append(&self, write: impl FnOnce(&mut Vec<u8>)) {
        let mut state = self.shared.lock();
        if state.closed {
            drop(state);
            let mut line = Vec::new();
            write(&mut line);
            let _ = io::stderr().write_all(&line);
            return;
        }
        while state.buffer.len() >= MAX_BUFFERED && !state.closed {
            state.waiting_for_room += 1;
            state = self.shared.room.wait(state).unwrap_or_else(PoisonError::into_inner);
            state.waiting_for_room -= 1;
        }
        let was_empty = state.buffer.is_empty();
        write(&mut state.buffer);
        drop(state);
        if was_empty {
            self.shared.lines.notify_one();
        }
    }
}

impl Write for &BatchWriter {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        self.append(|buffer| buffer.extend_from_slice(line));
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for BatchWriter {
    type Writer = &'a BatchWriter;

    fn make_writer(&'a self) -> Self::Writer {
        self
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.lines.notify_one();
        self.shared.room.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output that keeps what it is given and counts the writes.
    #[derive(Clone, Default)]
    struct Kept(Arc<Mutex<(Vec<u8>, usize)>>);

    impl Write for Kept {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            let mut kept = self.0.lock().unwrap();
            kept.0.extend_from_slice(bytes);
            kept.1 += 1;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_is_written_in_order_in_few_writes_and_the_guard_writes_the_rest() {
        let kept = Kept::default();
        let (writer, guard) = spawn(kept.clone()).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let writer = writer.clone();
                std::thread::spawn(move || {
                    for i in 0..5_000 {
                        (&writer).write_all(format!("t{t} line {i}\n").as_bytes()).unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        drop(guard);
        let (bytes, writes) = kept.0.lock().unwrap().clone();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text.lines().count(), 20_000);
        for t in 0..4 {
            let numbers: Vec<usize> = text
                .lines()
                .filter_map(|l| l.strip_prefix(&format!("t{t} line ")))
                .map(|n| n.parse().unwrap())
                .collect();
            assert_eq!(numbers, (0..5_000).collect::<Vec<_>>(), "thread {t}'s lines, in order");
        }
        assert!(writes < 1_000, "{writes} writes for 20,000 lines");
    }

    #[test]
    fn a_line_is_written_soon_without_more_lines_or_the_end() {
        let kept = Kept::default();
        let (writer, _guard) = spawn(kept.clone()).unwrap();
        (&writer).write_all(b"alone\n").unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while kept.0.lock().unwrap().0.is_empty() {
            assert!(std::time::Instant::now() < deadline, "the line was not written");
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(kept.0.lock().unwrap().0, b"alone\n");
    }

    /// An output that writes nothing until it is let go.
    struct Held(std::sync::mpsc::Receiver<()>, Kept);

    impl Write for Held {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            let _ = self.0.recv();
            self.1.write(bytes)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stalled_output_makes_logging_wait_and_loses_nothing() {
        let (release, held) = std::sync::mpsc::channel();
        let kept = Kept::default();
        let (writer, guard) = spawn(Held(held, kept.clone())).unwrap();
        let line = [b'x'; 1023].iter().chain(b"\n").copied().collect::<Vec<u8>>();
        let lines = 3 * MAX_BUFFERED / line.len();
        let logger = std::thread::spawn(move || {
            for _ in 0..lines {
                (&writer).write_all(&line).unwrap();
            }
        });
        std::thread::sleep(Duration::from_millis(300));
        assert!(!logger.is_finished(), "logging went on past the bound while the output was stalled");
        drop(release);
        logger.join().unwrap();
        drop(guard);
        assert_eq!(kept.0.lock().unwrap().0.len(), lines * 1024);
    }
}
