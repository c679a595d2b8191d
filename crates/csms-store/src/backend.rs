//! The narrow seam between the rules and a database: a [`Backend`] runs jobs in its transactions, and a
//! [`Tx`] is what one transaction offers, primitive reads and writes of rows and their JSON documents.
//!
//! A backend knows no rule: no quota, no precondition, no stage, no notification. Every rule is written
//! once in the crate's rules layer, as jobs over a [`Tx`], and runs unchanged on every backend. So a
//! backend is its transaction runner, these primitives and its lease queries, nothing more:
//! [`crate::MemoryBackend`], and behind their features `SqliteBackend` and `PostgresBackend`.
//!
//! Writes of a job are one transaction: they all happen or none does. A backend that cannot roll back
//! (the memory backend) relies on the rule every job keeps: all its checks come before its first write.

use async_trait::async_trait;

use crate::StoreResult;

/// Work to run inside one transaction: its writes all happen if it answers `Ok`, none if it answers
/// `Err`. It is synchronous: a job never waits, so it runs whole on the thread that runs it (the caller's
/// for a SQLite read, the writer thread for a SQLite write, a blocking thread for PostgreSQL), and what
/// it answers is handed back by the store that made it (`Store`), typed.
pub type Job = Box<dyn FnOnce(&mut dyn Tx) -> StoreResult<()> + Send>;

/// A database the store runs on.
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Runs `job` in one write transaction and commits it if the job succeeds; resolves only once the
    /// commit is durable. A job that fails changes nothing.
    async fn write(&self, job: Job) -> StoreResult<()>;

    /// Runs `job` on one consistent view of committed data: every statement of it sees the same
    /// committed state (a write committed while it runs is seen by the next job). It writes nothing.
    async fn read(&self, job: Job) -> StoreResult<()>;

    /// A short description for logs: the backend and where its data lives.
    fn describe(&self) -> String;

    /// Whether the backend can serve: `Err` says why not (its file was removed, the database does not
    /// answer).
    async fn health(&self) -> StoreResult<()> {
        Ok(())
    }
}

/// A notification record's row: its JSON document and the document's checksum (`rows::doc_sum`; `None`
/// in a row written before the column existed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    /// The record as JSON.
    pub doc: String,
    /// The document's checksum as the rules layer wrote it.
    pub sum: Option<i64>,
}

/// An event's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// The event's name, its key in the project.
    pub name: String,
    /// Its version (1 at creation).
    pub version: i64,
    /// The event as JSON.
    pub doc: String,
    /// The document's checksum as the rules layer wrote it (`rows::doc_sum`); `None` in a row written
    /// before the column existed.
    pub sum: Option<i64>,
}

/// A secret's row, with the columns the indexes read.
#[derive(Debug, Clone, Copy)]
pub struct SecretRow<'a> {
    /// The secret's name, its key in the project.
    pub name: &'a str,
    /// The secret's id (the tag operations find it by id).
    pub id: &'a str,
    /// When its scheduled rotation is due (for the scan).
    pub rotate_at: Option<i64>,
    /// The event it subscribes to (for ListSecrets by event and the event-in-use check).
    pub event_name: Option<&'a str>,
    /// When its scheduled deletion is due (for the scan).
    pub delete_at: Option<i64>,
    /// The secret as JSON.
    pub doc: &'a str,
    /// The secret's stages as JSON (`rules::shared::stages`), when this write sets them: `None` keeps
    /// the stored ones.
    pub stages: Option<&'a str>,
}

/// A version's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    /// `n` of the id `vn`: the creation order, its key in the secret.
    pub seq: i64,
    /// When its expiry is due and has not fired (for the scan).
    pub expire_at: Option<i64>,
    /// The version's metadata as JSON.
    pub doc: String,
    /// The sealed value: given when a version is inserted with it; `None` when a row is read (see
    /// [`Tx::sealed_value`]) or its metadata replaced.
    pub sealed: Option<Vec<u8>>,
}

/// One page of a listing: up to `limit` rows of the project with names after `after`, in name order.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    /// The project listed.
    pub project: &'a str,
    /// The exclusive marker: the last name of the page before (`""` for the first page).
    pub after: &'a str,
    /// Most rows.
    pub limit: usize,
    /// Secrets only: just those subscribed to this event.
    pub event: Option<&'a str>,
}

/// A claim: who takes work, when, and until when nobody else may.
#[derive(Debug, Clone, Copy)]
pub struct Lease<'a> {
    /// The claiming instance.
    pub owner: &'a str,
    /// Now, epoch milliseconds: work due by then, and claims lapsed by then, are taken.
    pub now: i64,
    /// When the claim lapses.
    pub until: i64,
}

impl<'a> Lease<'a> {
    /// A claim by `owner` at `now` for `for_ms` milliseconds.
    pub fn new(owner: &'a str, now: i64, for_ms: i64) -> Self {
        Lease { owner, now, until: now + for_ms }
    }
}

/// A rotation task's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    /// The task's id, its key in the project.
    pub id: String,
    /// The name of the secret it rotates.
    pub secret: String,
    /// The id of the secret it rotates: a task acts on that secret only (`None` in a row written before
    /// the column existed).
    pub secret_id: Option<String>,
    /// Its status (`PENDING` tasks are claimed).
    pub status: String,
    /// The request that created it.
    pub request_id: Option<String>,
    /// The version number the rotation makes, reserved when the task was created.
    pub version_seq: Option<i64>,
    /// When it ended (SUCCESS or FAILED), epoch milliseconds.
    pub finished_at: Option<i64>,
    /// The task as JSON.
    pub doc: String,
}

/// Which tasks a page lists: up to `limit` of the project's after `after` in id order, each filter
/// applied.
#[derive(Debug, Clone, Copy)]
pub struct TaskQuery<'a> {
    /// The project listed.
    pub project: &'a str,
    /// Only the tasks of this secret.
    pub secret: Option<&'a str>,
    /// Only the tasks in this status.
    pub status: Option<&'a str>,
    /// Only this task.
    pub id: Option<&'a str>,
    /// The exclusive marker: the last task id of the page before (`""` for the first page).
    pub after: &'a str,
    /// Most tasks.
    pub limit: usize,
}

/// A claimed outbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    /// The row's id.
    pub id: i64,
    /// The project whose event fired.
    pub project: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// The notification as JSON.
    pub doc: String,
}

/// A claimed task row, with its project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedTaskRow {
    /// The task's project.
    pub project: String,
    /// The task.
    pub row: TaskRow,
}

/// What the scan finds due.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Due {
    /// Versions whose expiry is due: `(project, secret, seq)`.
    pub expiries: Vec<(String, String, i64)>,
    /// Secrets whose scheduled deletion is due: `(project, name)`.
    pub deletions: Vec<(String, String)>,
    /// Secrets whose scheduled rotation is due: `(project, name)`.
    pub rotations: Vec<(String, String)>,
}

/// One tag of a secret.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TagRow {
    /// The secret's name.
    pub secret: String,
    /// The key.
    pub key: String,
    /// The value (`""` for none).
    pub value: String,
}

/// The primitive reads and writes of one transaction. In a write transaction, a read of a row the job
/// may write locks it where the backend locks rows; names compare byte by byte.
pub trait Tx: Send {
    // Events.
    /// The event of that name.
    fn event(&mut self, project: &str, name: &str) -> StoreResult<Option<EventRow>>;
    /// A page of the project's events.
    fn events(&mut self, page: Page<'_>) -> StoreResult<Vec<EventRow>>;
    /// How many events the project holds. In a write, creates and deletes of the project's events
    /// serialise on it.
    fn event_count(&mut self, project: &str) -> StoreResult<u64>;
    /// Adds `delta` to the project's event count.
    fn add_event_count(&mut self, project: &str, delta: i64) -> StoreResult<()>;
    /// Inserts (`new`) or replaces an event.
    fn put_event(&mut self, project: &str, row: &EventRow, new: bool) -> StoreResult<()>;
    /// Removes an event.
    fn remove_event(&mut self, project: &str, name: &str) -> StoreResult<()>;
    /// Whether the project has an event of that name; in a write, it cannot be deleted until the end.
    fn event_exists(&mut self, project: &str, name: &str) -> StoreResult<bool>;
    /// Whether any secret of the project subscribes to `event`.
    fn subscribed(&mut self, project: &str, event: &str) -> StoreResult<bool>;

    // Records.
    /// Appends a notification record.
    fn put_record(&mut self, project: &str, create_time: i64, row: &RecordRow) -> StoreResult<()>;
    /// Up to `limit` record documents of the project created at or after `since`, newest first (among
    /// equal times, the later append first).
    fn records(&mut self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<RecordRow>>;
    /// Removes every record created before `before`; returns how many.
    fn purge_records(&mut self, before: i64) -> StoreResult<u64>;

    // Secrets and versions.
    /// The secret of that name, as JSON.
    fn secret(&mut self, project: &str, name: &str) -> StoreResult<Option<String>>;
    /// The secret of that name as JSON, with its stages as JSON (`None` in a row written before they
    /// were kept with the secret, or inserted without them).
    fn secret_staged(&mut self, project: &str, name: &str) -> StoreResult<Option<(String, Option<String>)>>;
    /// A page of the project's secrets `(name, document)`; with `page.event`, only those subscribed to it.
    fn secrets(&mut self, page: Page<'_>) -> StoreResult<Vec<(String, String)>>;
    /// The secret of that id, as JSON.
    fn secret_by_id(&mut self, project: &str, id: &str) -> StoreResult<Option<String>>;
    /// How many secrets the project holds; in a write, creates of the project's secrets serialise on it.
    fn secret_count(&mut self, project: &str) -> StoreResult<u64>;
    /// Inserts (`new`) or replaces a secret.
    fn put_secret(&mut self, project: &str, row: SecretRow<'_>, new: bool) -> StoreResult<()>;
    /// Replaces a secret's document and its stages alone, when nothing an index reads changes (a new
    /// version, a stage moved): no index is written.
    fn put_secret_doc(&mut self, project: &str, name: &str, doc: &str, stages: &str) -> StoreResult<()>;
    /// Removes a secret, all its versions and its tags.
    fn remove_secret(&mut self, project: &str, name: &str) -> StoreResult<()>;
    /// Every version of the secret, oldest first, without their values.
    fn versions(&mut self, project: &str, secret: &str) -> StoreResult<Vec<VersionRecord>>;
    /// The numbers of the secret's versions, in order: their keys alone, no document read.
    fn version_seqs(&mut self, project: &str, secret: &str) -> StoreResult<Vec<i64>>;
    /// The sealed value of one version.
    fn sealed_value(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<Option<Vec<u8>>>;
    /// Version `seq` of the secret with its sealed value: one row read, however many versions the secret
    /// keeps (the default reads them all: a backend overrides it with one query).
    fn version_with_value(
        &mut self,
        project: &str,
        secret: &str,
        seq: i64,
    ) -> StoreResult<Option<VersionRecord>> {
        let Some(row) = self.versions(project, secret)?.into_iter().find(|r| r.seq == seq) else {
            return Ok(None);
        };
        let sealed = self.sealed_value(project, secret, row.seq)?;
        Ok(sealed.map(|sealed| VersionRecord { sealed: Some(sealed), ..row }))
    }
    /// Inserts a version with its sealed value (`row.sealed`), or replaces a version's row and keeps its
    /// value (no `row.sealed`).
    fn put_version(&mut self, project: &str, secret: &str, row: &VersionRecord) -> StoreResult<()>;
    /// Removes one version.
    fn remove_version(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<()>;

    // Tags.
    /// The tags of one secret (`Some`) or of every secret of the project, in secret then key order.
    fn tags(&mut self, project: &str, secret: Option<&str>) -> StoreResult<Vec<TagRow>>;
    /// Sets a secret's tag (its value replaced if the key is set).
    fn put_tag(&mut self, project: &str, tag: &TagRow) -> StoreResult<()>;
    /// Removes a secret's tag; whether there was one.
    fn remove_tag(&mut self, project: &str, secret: &str, key: &str) -> StoreResult<bool>;

    // The outbox.
    /// Adds a notification to the outbox, to deliver from `next_at`.
    fn enqueue(&mut self, project: &str, doc: &str, next_at: i64) -> StoreResult<()>;
    /// The document of `key` in `scope` (a project, or an account's scope).
    fn setting(&mut self, scope: &str, key: &str) -> StoreResult<Option<String>>;
    /// The documents of `scope` whose key starts with `prefix`, in key order.
    fn settings(&mut self, scope: &str, prefix: &str) -> StoreResult<Vec<(String, String)>>;
    /// Writes the document of `key` in `scope`, replacing it.
    fn put_setting(&mut self, scope: &str, key: &str, doc: &str) -> StoreResult<()>;
    /// Removes `key` from `scope`; whether it was there.
    fn remove_setting(&mut self, scope: &str, key: &str) -> StoreResult<bool>;

    /// How many notifications the outbox holds, and the earliest `next_at` of those due at `now`.
    fn outbox_stats(&mut self, now: i64) -> StoreResult<(u64, Option<i64>)>;
    /// Claims up to `limit` notifications due at `lease.now`: unclaimed ones, and those whose claim has
    /// lapsed; in id order. Concurrent claims take different rows.
    fn claim_notices(&mut self, lease: Lease<'_>, limit: usize) -> StoreResult<Vec<NoticeRow>>;
    /// Removes notification `id` if `owner` holds its claim; whether it did.
    fn dequeue(&mut self, owner: &str, id: i64) -> StoreResult<bool>;
    /// Puts notification `id` back, unclaimed, after `attempts` attempts, due at `next_at`, if `owner`
    /// holds its claim.
    fn requeue(&mut self, owner: &str, id: i64, attempts: u32, next_at: i64) -> StoreResult<()>;

    // Rotation tasks.
    /// The task of that id.
    fn task(&mut self, project: &str, id: &str) -> StoreResult<Option<TaskRow>>;
    /// The `PENDING` task of the secret, if any.
    fn pending_task(&mut self, project: &str, secret: &str) -> StoreResult<Option<TaskRow>>;
    /// The task documents `query` asks for, in id order, and how many tasks of the project match its
    /// filters in all (whatever the marker).
    fn task_page(&mut self, query: TaskQuery<'_>) -> StoreResult<(Vec<String>, u64)>;
    /// Inserts (`new`) or replaces a task (its status, end and document).
    fn put_task(&mut self, project: &str, row: &TaskRow, new: bool) -> StoreResult<()>;
    /// Removes the project's ended tasks but the `keep` that ended last; returns how many.
    fn trim_tasks(&mut self, project: &str, keep: usize) -> StoreResult<u64>;
    /// Removes every task that ended before `before`; returns how many.
    fn purge_tasks(&mut self, before: i64) -> StoreResult<u64>;
    /// Claims up to `limit` `PENDING` tasks, as [`Tx::claim_notices`] claims notifications.
    fn claim_tasks(&mut self, lease: Lease<'_>, limit: usize) -> StoreResult<Vec<ClaimedTaskRow>>;

    // The scan.
    /// Up to `limit` each of the expiries, scheduled deletions and scheduled rotations due at `now`.
    fn due(&mut self, now: i64, limit: usize) -> StoreResult<Due>;

    // The store's own settings.
    /// A setting of the store (the master key's check).
    fn meta(&mut self, name: &str) -> StoreResult<Option<Vec<u8>>>;
    /// Sets a setting unless it is set.
    fn init_meta(&mut self, name: &str, value: &[u8]) -> StoreResult<()>;
}
