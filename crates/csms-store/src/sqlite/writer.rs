//! The one writer thread: every write waiting in its queue runs in its own savepoint of one transaction,
//! committed together (group commit), and is acknowledged only once committed to the files on disk.
//!
//! Pipelined (the default), the writer commits without waiting for the disk (`synchronous=NORMAL`: the
//! WAL frames are written, not synced) and takes the next batch at once, while the syncer thread makes
//! the WAL durable (`fdatasync`) and acknowledges every batch whose commit had finished before that sync
//! began. A write waits about one sync, not the one in flight and then its own; the writer's cycle is the
//! longer of a sync and an apply, not their sum. Acknowledged still means durable: the reasoning is in
//! docs/decisions.md ("Durable writes, pipelined").

use std::sync::{Arc, Condvar, Mutex, mpsc};

use rusqlite::Connection;

use super::files::Files;

/// Most writes committed together.
pub(super) const MAX_BATCH: usize = 256;
pub(super) type Reply = Box<dyn FnOnce(Result<(), String>) + Send>;
pub(super) type Job = Box<dyn FnOnce(&mut Connection) -> (bool, Reply) + Send>;

/// Commits between two checkpoint requests while writes keep coming.
const COMMITS_PER_CHECKPOINT: u32 = 64;

/// Fewest commits between two checkpoint requests the writer makes when it finds its queue empty.
///
/// A checkpoint asked for whenever the writer is idle keeps the checkpointer just behind the writer, so
/// that the writer's own checkpoint past [`restart_size`] finds little left to copy: at 1,000,000 events
/// the seed PUT's p99 fell from about 10 ms to 2.4 ms, but at 1,000 events (the same hundred pages
/// rewritten over and over, each checkpoint syncing twice) its rate fell 17%. After at least this many
/// commits, the p99 at 1,000,000 events is 4.5 ms and the rate at 1,000 unchanged (docs/decisions.md,
/// "Performance, fourth pass").
const COMMITS_PER_IDLE_CHECKPOINT: u32 = 16;

/// The batches committed but not yet synced, handed from the writer to the syncer.
#[derive(Default)]
pub(super) struct Syncer {
    state: Mutex<Pending>,
    wake: Condvar,
}

#[derive(Default)]
struct Pending {
    /// The replies of every batch whose commit has returned, in commit order.
    replies: Vec<Reply>,
    /// The writer has stopped: sync what is left, then end.
    closed: bool,
}

impl Syncer {
    /// Hands over a committed batch's replies (its commit has returned: its frames are in the WAL).
    fn committed(&self, replies: Vec<Reply>) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.replies.extend(replies);
        self.wake.notify_one();
    }

    fn close(&self) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).closed = true;
        self.wake.notify_one();
    }

    /// The syncer thread: takes every batch committed so far, syncs the WAL once, answers them all.
    pub(super) fn run(&self, files: &Files) {
        loop {
            let replies = {
                let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                while state.replies.is_empty() && !state.closed {
                    state = self.wake.wait(state).unwrap_or_else(|p| p.into_inner());
                }
                if state.replies.is_empty() {
                    return;
                }
                std::mem::take(&mut state.replies)
            };
            // Every commit taken above returned before this sync begins: the sync covers its frames.
            let outcome = files.sync_wal();
            if outcome.is_err() {
                csms_metrics::metrics().store_error("files");
            }
            for reply in replies {
                reply(outcome.clone());
            }
        }
    }
}

/// How the writer makes a commit durable before acknowledging it.
pub(super) enum Durability {
    /// `synchronous=FULL`: the commit syncs the WAL itself.
    InCommit,
    /// `synchronous=NORMAL`, and the syncer thread syncs after the commit.
    Pipelined(Arc<Syncer>),
}

pub(super) fn write_loop(
    mut conn: Connection,
    jobs: mpsc::Receiver<Job>,
    files: &Files,
    checkpoint: &mpsc::SyncSender<()>,
    wal_limit: u64,
    durability: &Durability,
) {
    let (mut commits, mut restarted, mut asked) = (0u32, 0u32, 0u32);
    loop {
        let first = match jobs.try_recv() {
            Ok(job) => job,
            Err(mpsc::TryRecvError::Disconnected) => break,
            Err(mpsc::TryRecvError::Empty) => {
                if commits.wrapping_sub(asked) >= COMMITS_PER_IDLE_CHECKPOINT {
                    // Idle: the checkpointer copies what is committed while no write waits.
                    let _ = checkpoint.try_send(());
                    asked = commits;
                }
                match jobs.recv() {
                    Ok(job) => job,
                    Err(_) => break,
                }
            }
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut replies = Vec::with_capacity(batch.len());
        if let Err(reason) = files.known_broken() {
            // Jobs dropped unrun: their callers see the store's failure, and nothing is written.
            tracing::warn!(writes = batch.len(), reason, "SQLite write refused");
            csms_metrics::metrics().store_error("files");
            continue;
        }
        let (writes, started) = (batch.len(), std::time::Instant::now());
        let outcome = (|| -> rusqlite::Result<()> {
            run(&conn, "BEGIN IMMEDIATE")?;
            for job in batch.drain(..) {
                run(&conn, "SAVEPOINT job")?;
                let (ok, reply) = job(&mut conn);
                replies.push(reply);
                if !ok {
                    run(&conn, "ROLLBACK TO job")?;
                }
                run(&conn, "RELEASE job")?;
            }
            run(&conn, "COMMIT")
        })();
        let committed = outcome.map_err(|e| {
            tracing::error!(error = %e, "SQLite group commit failed");
            csms_metrics::metrics().store_error("commit");
            let _ = conn.execute_batch("ROLLBACK");
            e.to_string()
        });
        match (committed, durability) {
            (Ok(()), Durability::Pipelined(syncer)) => {
                csms_metrics::metrics().commit(writes, started.elapsed());
                syncer.committed(replies);
            }
            (outcome, _) => {
                // Committed (and synced), but acknowledged only if it went to the files that are on disk.
                let outcome = outcome.and_then(|()| files.check());
                match &outcome {
                    Ok(()) => csms_metrics::metrics().commit(writes, started.elapsed()),
                    Err(_) => csms_metrics::metrics().store_error("files"),
                }
                // Jobs never run (the batch failed before them) drop their reply sender: the caller sees
                // an error.
                for reply in replies {
                    reply(outcome.clone());
                }
            }
        }
        commits = commits.wrapping_add(1);
        let wal_len = files.wal_len();
        if wal_len > wal_limit {
            truncate_wal(&conn, wal_limit);
            continue;
        }
        if wal_len > restart_size(wal_limit) && commits.wrapping_sub(restarted) >= COMMITS_PER_RESTART {
            restart_wal(&conn);
            restarted = commits;
        }
        if commits.is_multiple_of(COMMITS_PER_CHECKPOINT) {
            // The checkpointer is busy or already asked: it goes on after its current checkpoint.
            let _ = checkpoint.try_send(());
        }
    }
    if let Durability::Pipelined(syncer) = durability {
        syncer.close();
    }
}

/// Runs one statement of the transaction's frame, prepared once per connection, not parsed per job.
fn run(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

/// The size past which the writer checkpoints the WAL itself (see [`restart_wal`]): an eighth of its
/// bound. It is also the WAL's `journal_size_limit`: when SQLite starts the WAL again, it cuts a longer
/// file back to this size, so the file's size tells how far the WAL has grown since it started again.
pub(super) fn restart_size(wal_limit: u64) -> u64 {
    wal_limit / 8
}

/// Fewest commits between two of the writer's own checkpoints: a checkpoint that could not copy every
/// frame (a reader still needs them) is not tried again after every commit.
const COMMITS_PER_RESTART: u32 = 8;

/// Checkpoints (passively) here in the writer, between two commits, so that the next commit finds every
/// frame copied into the database and SQLite starts the WAL again from its beginning.
///
/// The checkpointer thread alone never gets there under sustained writes: by the time its checkpoint has
/// copied the frames it saw, the writer has appended more, and SQLite starts the WAL again only when all
/// of it is copied. The WAL then grew to its bound every second or so, and [`truncate_wal`] stalled every
/// write for 20 to 100 ms (the seed PUT's p99 was 16 ms under `wrk`). Here the checkpoint copies only
/// what the checkpointer has not yet, a few milliseconds once the WAL is past [`restart_size`]. Durability
/// is as for any checkpoint: SQLite syncs the WAL before it copies frames, and the database after.
fn restart_wal(conn: &Connection) {
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        tracing::warn!(error = %e, "SQLite checkpoint in the writer failed");
    }
}

/// Catches the checkpoint up and empties the WAL, here in the writer: writes wait meanwhile (tens of
/// milliseconds), so that sustained writes cannot outrun the passive checkpoints and grow the WAL without
/// bound. A checkpoint held back by a reader is tried again after the next commit.
fn truncate_wal(conn: &Connection, wal_limit: u64) {
    let started = std::time::Instant::now();
    let result: rusqlite::Result<(i64, i64, i64)> =
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)));
    match result {
        Ok((0, _, _)) => tracing::info!(
            wal_limit,
            millis = started.elapsed().as_millis() as u64,
            "SQLite WAL past its bound: checkpointed and truncated"
        ),
        Ok(_) => tracing::debug!("SQLite WAL truncation waits for a reader"),
        Err(e) => tracing::warn!(error = %e, "SQLite WAL truncation failed"),
    }
}
