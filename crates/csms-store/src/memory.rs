//! The in-memory backend: for tests and for embedders who keep nothing across restarts.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::StoreResult;
use crate::backend::{
    Backend, ClaimedTaskRow, Due, EventRow, Job, Lease, NoticeRow, Page, RecordRow, SecretRow, TagRow,
    TaskQuery, TaskRow, Tx, VersionRecord,
};

/// Who holds a claim, and until when.
type Claim = Option<(String, i64)>;

fn claimable(claim: &Claim, now: i64) -> bool {
    claim.as_ref().is_none_or(|(_, until)| *until < now)
}

fn held_by(claim: &Claim, owner: &str) -> bool {
    claim.as_ref().is_some_and(|(o, _)| o == owner)
}

struct StoredSecret {
    id: String,
    event_name: Option<String>,
    delete_at: Option<i64>,
    rotate_at: Option<i64>,
    doc: String,
    stages: Option<String>,
}

struct Queued {
    doc: String,
    next_at: i64,
    attempts: u32,
    claim: Claim,
}

#[derive(Default)]
struct Project {
    /// Events by name: version and document.
    events: BTreeMap<String, EventRow>,
    /// Records in the order appended: creation time and document.
    records: Vec<(i64, RecordRow)>,
    secrets: BTreeMap<String, StoredSecret>,
    /// Per secret name: its versions by number, each with its sealed value.
    versions: HashMap<String, BTreeMap<i64, (VersionRecord, Vec<u8>)>>,
    /// Notifications waiting for delivery, by id.
    outbox: BTreeMap<i64, Queued>,
    /// Rotation tasks by id, with their claim.
    tasks: BTreeMap<String, (TaskRow, Claim)>,
    /// Tags by secret name and key.
    tags: BTreeMap<(String, String), String>,
}

#[derive(Default)]
struct State {
    projects: HashMap<String, Project>,
    next_notice: i64,
    meta: HashMap<String, Vec<u8>>,
    /// Settings by scope and key.
    settings: BTreeMap<(String, String), String>,
}

impl State {
    fn project(&mut self, project: &str) -> &mut Project {
        self.projects.entry(project.to_owned()).or_default()
    }
}

/// Rows in maps behind one lock; nothing survives the process. A job runs whole under the lock, so jobs
/// are serialised; it cannot roll back, which the rules never need: all their checks come before their
/// first write.
#[derive(Default)]
pub struct MemoryBackend {
    state: Mutex<State>,
}

impl MemoryBackend {
    /// An empty backend.
    pub fn new() -> Self {
        Self::default()
    }

    fn run(&self, job: Job) -> StoreResult<()> {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        job(&mut MemoryTx(&mut state))
    }
}

#[async_trait]
impl Backend for MemoryBackend {
    async fn write(&self, job: Job) -> StoreResult<()> {
        self.run(job)
    }

    async fn read(&self, job: Job) -> StoreResult<()> {
        self.run(job)
    }

    fn describe(&self) -> String {
        "memory (nothing is kept across restarts)".to_owned()
    }
}

/// The state, as one transaction.
struct MemoryTx<'a>(&'a mut State);

/// The entries of `map` with keys after `after`, in key order.
fn after<'m, V>(map: &'m BTreeMap<String, V>, after: &str) -> impl Iterator<Item = (&'m String, &'m V)> {
    map.range::<str, _>((Bound::Excluded(after), Bound::Unbounded))
}

/// An event's row as stored.
fn event_row(name: &str, row: &EventRow) -> EventRow {
    EventRow { name: name.to_owned(), ..row.clone() }
}

impl Tx for MemoryTx<'_> {
    fn event(&mut self, project: &str, name: &str) -> StoreResult<Option<EventRow>> {
        Ok(self.0.project(project).events.get(name).map(|row| event_row(name, row)))
    }
    fn events(&mut self, page: Page<'_>) -> StoreResult<Vec<EventRow>> {
        let events = after(&self.0.project(page.project).events, page.after).take(page.limit);
        Ok(events.map(|(name, row)| event_row(name, row)).collect())
    }
    fn event_count(&mut self, project: &str) -> StoreResult<u64> {
        Ok(self.0.project(project).events.len() as u64)
    }
    fn add_event_count(&mut self, _: &str, _: i64) -> StoreResult<()> {
        // The count is the map's length.
        Ok(())
    }
    fn put_event(&mut self, project: &str, row: &EventRow, _new: bool) -> StoreResult<()> {
        self.0.project(project).events.insert(row.name.clone(), row.clone());
        Ok(())
    }
    fn remove_event(&mut self, project: &str, name: &str) -> StoreResult<()> {
        self.0.project(project).events.remove(name);
        Ok(())
    }
    fn event_exists(&mut self, project: &str, name: &str) -> StoreResult<bool> {
        Ok(self.0.project(project).events.contains_key(name))
    }
    fn subscribed(&mut self, project: &str, event: &str) -> StoreResult<bool> {
        Ok(self.0.project(project).secrets.values().any(|s| s.event_name.as_deref() == Some(event)))
    }

    fn put_record(&mut self, project: &str, create_time: i64, row: &RecordRow) -> StoreResult<()> {
        self.0.project(project).records.push((create_time, row.clone()));
        Ok(())
    }
    fn records(&mut self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<RecordRow>> {
        let records = &self.0.project(project).records;
        let mut found: Vec<&(i64, RecordRow)> =
            records.iter().rev().filter(|(time, _)| *time >= since).collect();
        // Newest first; among equal times, the later append first (the sort is stable).
        found.sort_by_key(|(time, _)| std::cmp::Reverse(*time));
        Ok(found.into_iter().take(limit).map(|(_, doc)| doc.clone()).collect())
    }
    fn purge_records(&mut self, before: i64) -> StoreResult<u64> {
        let mut purged = 0;
        for p in self.0.projects.values_mut() {
            let kept = p.records.len();
            p.records.retain(|(time, _)| *time >= before);
            purged += (kept - p.records.len()) as u64;
        }
        Ok(purged)
    }

    fn secret(&mut self, project: &str, name: &str) -> StoreResult<Option<String>> {
        Ok(self.0.project(project).secrets.get(name).map(|s| s.doc.clone()))
    }
    fn secret_staged(&mut self, project: &str, name: &str) -> StoreResult<Option<(String, Option<String>)>> {
        Ok(self.0.project(project).secrets.get(name).map(|s| (s.doc.clone(), s.stages.clone())))
    }
    fn secrets(&mut self, page: Page<'_>) -> StoreResult<Vec<(String, String)>> {
        let subscribed = |s: &StoredSecret| page.event.is_none_or(|e| s.event_name.as_deref() == Some(e));
        let secrets = after(&self.0.project(page.project).secrets, page.after).filter(|(_, s)| subscribed(s));
        Ok(secrets.take(page.limit).map(|(n, s)| (n.clone(), s.doc.clone())).collect())
    }
    fn secret_count(&mut self, project: &str) -> StoreResult<u64> {
        Ok(self.0.project(project).secrets.len() as u64)
    }
    fn put_secret(&mut self, project: &str, row: SecretRow<'_>, new: bool) -> StoreResult<()> {
        let secrets = &mut self.0.project(project).secrets;
        // As the SQL backends do: an update without stages keeps the stored ones.
        let kept = if new { None } else { secrets.get(row.name).and_then(|s| s.stages.clone()) };
        let stored = StoredSecret {
            id: row.id.to_owned(),
            event_name: row.event_name.map(str::to_owned),
            delete_at: row.delete_at,
            rotate_at: row.rotate_at,
            doc: row.doc.to_owned(),
            stages: row.stages.map(str::to_owned).or(kept),
        };
        secrets.insert(row.name.to_owned(), stored);
        Ok(())
    }
    fn put_secret_doc(&mut self, project: &str, name: &str, doc: &str, stages: &str) -> StoreResult<()> {
        if let Some(secret) = self.0.project(project).secrets.get_mut(name) {
            secret.doc = doc.to_owned();
            secret.stages = Some(stages.to_owned());
        }
        Ok(())
    }
    fn secret_by_id(&mut self, project: &str, id: &str) -> StoreResult<Option<String>> {
        Ok(self.0.project(project).secrets.values().find(|s| s.id == id).map(|s| s.doc.clone()))
    }
    fn remove_secret(&mut self, project: &str, name: &str) -> StoreResult<()> {
        let p = self.0.project(project);
        p.secrets.remove(name);
        p.versions.remove(name);
        p.tags.retain(|(secret, _), _| secret != name);
        Ok(())
    }
    fn versions(&mut self, project: &str, secret: &str) -> StoreResult<Vec<VersionRecord>> {
        let versions = self.0.project(project).versions.get(secret);
        Ok(versions.map(|v| v.values().map(|(row, _)| row.clone()).collect()).unwrap_or_default())
    }
    fn version_seqs(&mut self, project: &str, secret: &str) -> StoreResult<Vec<i64>> {
        let versions = self.0.project(project).versions.get(secret);
        Ok(versions.map(|v| v.keys().copied().collect()).unwrap_or_default())
    }
    fn sealed_value(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<Option<Vec<u8>>> {
        let versions = self.0.project(project).versions.get(secret);
        Ok(versions.and_then(|v| v.get(&seq)).map(|(_, sealed)| sealed.clone()))
    }
    fn put_version(&mut self, project: &str, secret: &str, row: &VersionRecord) -> StoreResult<()> {
        let versions = self.0.project(project).versions.entry(secret.to_owned()).or_default();
        let stored = VersionRecord { sealed: None, ..row.clone() };
        match &row.sealed {
            Some(sealed) => {
                versions.insert(row.seq, (stored, sealed.clone()));
            }
            None => {
                if let Some((kept, _)) = versions.get_mut(&row.seq) {
                    *kept = stored;
                }
            }
        }
        Ok(())
    }
    fn remove_version(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<()> {
        if let Some(versions) = self.0.project(project).versions.get_mut(secret) {
            versions.remove(&seq);
        }
        Ok(())
    }

    fn tags(&mut self, project: &str, secret: Option<&str>) -> StoreResult<Vec<TagRow>> {
        let tags = self.0.project(project).tags.iter();
        let ours = tags.filter(|((s, _), _)| secret.is_none_or(|name| s == name));
        Ok(ours.map(|((s, k), v)| TagRow { secret: s.clone(), key: k.clone(), value: v.clone() }).collect())
    }
    fn put_tag(&mut self, project: &str, tag: &TagRow) -> StoreResult<()> {
        self.0.project(project).tags.insert((tag.secret.clone(), tag.key.clone()), tag.value.clone());
        Ok(())
    }
    fn remove_tag(&mut self, project: &str, secret: &str, key: &str) -> StoreResult<bool> {
        Ok(self.0.project(project).tags.remove(&(secret.to_owned(), key.to_owned())).is_some())
    }

    fn enqueue(&mut self, project: &str, doc: &str, next_at: i64) -> StoreResult<()> {
        self.0.next_notice += 1;
        let id = self.0.next_notice;
        let queued = Queued { doc: doc.to_owned(), next_at, attempts: 0, claim: None };
        self.0.project(project).outbox.insert(id, queued);
        Ok(())
    }
    fn setting(&mut self, scope: &str, key: &str) -> StoreResult<Option<String>> {
        Ok(self.0.settings.get(&(scope.to_owned(), key.to_owned())).cloned())
    }
    fn settings(&mut self, scope: &str, prefix: &str) -> StoreResult<Vec<(String, String)>> {
        let from = (scope.to_owned(), prefix.to_owned());
        Ok(self
            .0
            .settings
            .range(from..)
            .take_while(|((s, k), _)| s == scope && k.starts_with(prefix))
            .map(|((_, k), doc)| (k.clone(), doc.clone()))
            .collect())
    }
    fn put_setting(&mut self, scope: &str, key: &str, doc: &str) -> StoreResult<()> {
        self.0.settings.insert((scope.to_owned(), key.to_owned()), doc.to_owned());
        Ok(())
    }
    fn remove_setting(&mut self, scope: &str, key: &str) -> StoreResult<bool> {
        Ok(self.0.settings.remove(&(scope.to_owned(), key.to_owned())).is_some())
    }
    fn outbox_stats(&mut self, now: i64) -> StoreResult<(u64, Option<i64>)> {
        let queued = self.0.projects.values().flat_map(|p| p.outbox.values());
        let (depth, oldest) = queued.fold((0u64, None::<i64>), |(n, oldest), q| {
            let due = (q.next_at <= now).then_some(q.next_at);
            (n + 1, oldest.into_iter().chain(due).min())
        });
        Ok((depth, oldest))
    }
    fn claim_notices(&mut self, lease: Lease<'_>, limit: usize) -> StoreResult<Vec<NoticeRow>> {
        let mut due: Vec<(i64, &String, &mut Queued)> = Vec::new();
        for (project, p) in &mut self.0.projects {
            for (id, queued) in &mut p.outbox {
                if queued.next_at <= lease.now && claimable(&queued.claim, lease.now) {
                    due.push((*id, project, queued));
                }
            }
        }
        due.sort_by_key(|(id, _, _)| *id);
        Ok(due
            .into_iter()
            .take(limit)
            .map(|(id, project, queued)| {
                queued.claim = Some((lease.owner.to_owned(), lease.until));
                NoticeRow { id, project: project.clone(), attempts: queued.attempts, doc: queued.doc.clone() }
            })
            .collect())
    }
    fn dequeue(&mut self, owner: &str, id: i64) -> StoreResult<bool> {
        for p in self.0.projects.values_mut() {
            if p.outbox.get(&id).is_some_and(|q| held_by(&q.claim, owner)) {
                p.outbox.remove(&id);
                return Ok(true);
            }
        }
        Ok(false)
    }
    fn requeue(&mut self, owner: &str, id: i64, attempts: u32, next_at: i64) -> StoreResult<()> {
        for p in self.0.projects.values_mut() {
            if let Some(queued) = p.outbox.get_mut(&id).filter(|q| held_by(&q.claim, owner)) {
                (queued.attempts, queued.next_at, queued.claim) = (attempts, next_at, None);
            }
        }
        Ok(())
    }

    fn task(&mut self, project: &str, id: &str) -> StoreResult<Option<TaskRow>> {
        Ok(self.0.project(project).tasks.get(id).map(|(row, _)| row.clone()))
    }
    fn pending_task(&mut self, project: &str, secret: &str) -> StoreResult<Option<TaskRow>> {
        let tasks = self.0.project(project).tasks.values();
        Ok(tasks.map(|(row, _)| row).find(|row| row.secret == secret && row.status == "PENDING").cloned())
    }
    fn task_page(&mut self, query: TaskQuery<'_>) -> StoreResult<(Vec<String>, u64)> {
        let (project, limit) = (query.project, query.limit);
        let matches = |row: &TaskRow| {
            query.secret.is_none_or(|s| row.secret == s)
                && query.status.is_none_or(|s| row.status == s)
                && query.id.is_none_or(|id| row.id == id)
        };
        let tasks = &self.0.project(project).tasks;
        let total = tasks.values().filter(|(row, _)| matches(row)).count() as u64;
        let page = after(tasks, query.after).map(|(_, (row, _))| row).filter(|row| matches(row));
        Ok((page.take(limit).map(|row| row.doc.clone()).collect(), total))
    }
    fn put_task(&mut self, project: &str, row: &TaskRow, new: bool) -> StoreResult<()> {
        let tasks = &mut self.0.project(project).tasks;
        match tasks.get_mut(&row.id) {
            Some((stored, _)) if !new => {
                (stored.status, stored.finished_at, stored.doc) =
                    (row.status.clone(), row.finished_at, row.doc.clone());
            }
            _ => {
                tasks.insert(row.id.clone(), (row.clone(), None));
            }
        }
        Ok(())
    }
    fn trim_tasks(&mut self, project: &str, keep: usize) -> StoreResult<u64> {
        let tasks = &mut self.0.project(project).tasks;
        let mut ended: Vec<(i64, String)> =
            tasks.values().filter_map(|(row, _)| Some((row.finished_at?, row.id.clone()))).collect();
        ended.sort_by(|a, b| b.cmp(a));
        let gone: Vec<String> = ended.into_iter().skip(keep).map(|(_, id)| id).collect();
        for id in &gone {
            tasks.remove(id);
        }
        Ok(gone.len() as u64)
    }
    fn purge_tasks(&mut self, before: i64) -> StoreResult<u64> {
        let mut purged = 0;
        for p in self.0.projects.values_mut() {
            let kept = p.tasks.len();
            p.tasks.retain(|_, (row, _)| row.finished_at.is_none_or(|t| t >= before));
            purged += (kept - p.tasks.len()) as u64;
        }
        Ok(purged)
    }
    fn claim_tasks(&mut self, lease: Lease<'_>, limit: usize) -> StoreResult<Vec<ClaimedTaskRow>> {
        let mut claimed = Vec::new();
        for (project, p) in &mut self.0.projects {
            for (row, claim) in p.tasks.values_mut() {
                if claimed.len() < limit && row.status == "PENDING" && claimable(claim, lease.now) {
                    *claim = Some((lease.owner.to_owned(), lease.until));
                    claimed.push(ClaimedTaskRow { project: project.clone(), row: row.clone() });
                }
            }
        }
        Ok(claimed)
    }

    fn due(&mut self, now: i64, limit: usize) -> StoreResult<Due> {
        let mut due = Due::default();
        for (project, p) in &self.0.projects {
            for (name, versions) in &p.versions {
                for (row, _) in versions.values() {
                    if row.expire_at.is_some_and(|t| t <= now) && due.expiries.len() < limit {
                        due.expiries.push((project.clone(), name.clone(), row.seq));
                    }
                }
            }
            for (name, secret) in &p.secrets {
                if secret.delete_at.is_some_and(|t| t <= now) && due.deletions.len() < limit {
                    due.deletions.push((project.clone(), name.clone()));
                }
                if secret.rotate_at.is_some_and(|t| t <= now) && due.rotations.len() < limit {
                    due.rotations.push((project.clone(), name.clone()));
                }
            }
        }
        Ok(due)
    }

    fn meta(&mut self, name: &str) -> StoreResult<Option<Vec<u8>>> {
        Ok(self.0.meta.get(name).cloned())
    }
    fn init_meta(&mut self, name: &str, value: &[u8]) -> StoreResult<()> {
        self.0.meta.entry(name.to_owned()).or_insert_with(|| value.to_vec());
        Ok(())
    }
}
