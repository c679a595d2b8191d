//! The in-memory store: for tests and for embedders who keep nothing across restarts.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::RwLock;

use async_trait::async_trait;
use std::sync::atomic::{AtomicI64, Ordering};

use csms_model::{
    Event, NotificationStatus, Record, Secret, SecretTask, TaskStatus, UpdateSecretEventRequestBody,
    UpdateSecretRequestBody, Version, VersionMetadata,
};

use crate::secrets::{self, SecretTx, VersionRow};
use crate::{
    Cipher, ClaimedTask, EventStore, NewVersion, Notice, Origin, Payload, Precondition, RotationOutcome,
    StoreError, StoreResult, Stored, TaskFilter, plan_delete, plan_update,
};

/// Who holds a claim, and until when.
type Claim = Option<(String, i64)>;

fn claimable(claim: &Claim, now: i64) -> bool {
    claim.as_ref().is_none_or(|(_, until)| *until < now)
}

#[derive(Default)]
struct Project {
    events: BTreeMap<String, Stored>,
    records: Vec<Record>,
    secrets: BTreeMap<String, Secret>,
    /// Per secret name: its versions by number, each with its sealed value.
    versions: HashMap<String, BTreeMap<i64, (VersionRow, Vec<u8>)>>,
    /// Notifications waiting for delivery, by id: the notice, when it is due, its claim.
    outbox: BTreeMap<i64, (Notice, i64, Claim)>,
    /// Rotation tasks by id, with the request that created them and their claim.
    tasks: BTreeMap<String, (SecretTask, Option<String>, Claim)>,
}

/// Events and secrets in maps behind one lock; nothing survives the process. Values are sealed all the
/// same, under a key made for the process, so every backend runs the same code.
pub struct MemoryStore {
    projects: RwLock<HashMap<String, Project>>,
    cipher: Cipher,
    next_notice: AtomicI64,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore {
            projects: RwLock::default(),
            cipher: Cipher::ephemeral(),
            next_notice: AtomicI64::new(1),
        }
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn read<T>(&self, f: impl FnOnce(&HashMap<String, Project>) -> T) -> T {
        f(&self.projects.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    fn write<T>(&self, f: impl FnOnce(&mut HashMap<String, Project>) -> T) -> T {
        f(&mut self.projects.write().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Runs one secret operation on the project's maps under the write lock: all its checks come
    /// before its first write, so a failed operation changes nothing.
    fn secrets<T>(
        &self,
        project: &str,
        op: impl AsyncFnOnce(&mut MemoryTx<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.write(|projects| {
            let project = projects.entry(project.to_owned()).or_default();
            crate::ready(op(&mut MemoryTx(project, &self.next_notice)))
        })
    }
}

/// A project's maps, as a secret transaction, with the store's outbox id counter.
struct MemoryTx<'a>(&'a mut Project, &'a AtomicI64);

impl SecretTx for MemoryTx<'_> {
    async fn secret(&mut self, _: &str, name: &str) -> StoreResult<Option<Secret>> {
        Ok(self.0.secrets.get(name).cloned())
    }
    async fn secret_count(&mut self, _: &str) -> StoreResult<u64> {
        Ok(self.0.secrets.len() as u64)
    }
    async fn event_exists(&mut self, _: &str, event: &str) -> StoreResult<bool> {
        Ok(self.0.events.contains_key(event))
    }
    async fn put_secret(&mut self, _: &str, secret: &Secret, _new: bool) -> StoreResult<()> {
        self.0.secrets.insert(secret.name.clone(), secret.clone());
        Ok(())
    }
    async fn remove_secret(&mut self, _: &str, name: &str) -> StoreResult<()> {
        self.0.secrets.remove(name);
        self.0.versions.remove(name);
        Ok(())
    }
    async fn versions(&mut self, _: &str, secret: &str) -> StoreResult<Vec<VersionRow>> {
        Ok(self
            .0
            .versions
            .get(secret)
            .map(|v| v.values().map(|(row, _)| row.clone()).collect())
            .unwrap_or_default())
    }
    async fn sealed_value(&mut self, _: &str, secret: &str, seq: i64) -> StoreResult<Option<Vec<u8>>> {
        Ok(self.0.versions.get(secret).and_then(|v| v.get(&seq)).map(|(_, sealed)| sealed.clone()))
    }
    async fn put_version(
        &mut self,
        _: &str,
        secret: &str,
        row: &VersionRow,
        sealed: Option<&[u8]>,
    ) -> StoreResult<()> {
        let versions = self.0.versions.entry(secret.to_owned()).or_default();
        match sealed {
            Some(sealed) => {
                versions.insert(row.seq, (row.clone(), sealed.to_vec()));
            }
            None => {
                if let Some((stored, _)) = versions.get_mut(&row.seq) {
                    *stored = row.clone();
                }
            }
        }
        Ok(())
    }
    async fn remove_version(&mut self, _: &str, secret: &str, seq: i64) -> StoreResult<()> {
        if let Some(versions) = self.0.versions.get_mut(secret) {
            versions.remove(&seq);
        }
        Ok(())
    }
    async fn event(&mut self, _: &str, name: &str) -> StoreResult<Option<Event>> {
        Ok(self.0.events.get(name).map(|s| s.event.clone()))
    }
    async fn enqueue(&mut self, project: &str, notice: &Notice, next_at: i64) -> StoreResult<()> {
        let id = self.1.fetch_add(1, Ordering::Relaxed);
        let notice = Notice { id, project: project.to_owned(), ..notice.clone() };
        self.0.outbox.insert(id, (notice, next_at, None));
        Ok(())
    }
    async fn task(&mut self, _: &str, id: &str) -> StoreResult<Option<(SecretTask, Option<String>)>> {
        Ok(self.0.tasks.get(id).map(|(task, request, _)| (task.clone(), request.clone())))
    }
    async fn put_task(
        &mut self,
        _: &str,
        task: &SecretTask,
        request_id: Option<&str>,
        new: bool,
    ) -> StoreResult<()> {
        match self.0.tasks.get_mut(&task.task_id) {
            Some(entry) if !new => entry.0 = task.clone(),
            _ => {
                self.0
                    .tasks
                    .insert(task.task_id.clone(), (task.clone(), request_id.map(str::to_owned), None));
            }
        }
        Ok(())
    }
}

#[async_trait]
impl EventStore for MemoryStore {
    async fn create(&self, project: &str, event: Event, quota: u64) -> StoreResult<Stored> {
        self.write(|projects| {
            let events = &mut projects.entry(project.to_owned()).or_default().events;
            if events.contains_key(&event.name) {
                return Err(StoreError::AlreadyExists);
            }
            if events.len() as u64 >= quota {
                return Err(StoreError::QuotaExceeded);
            }
            let stored = Stored { event, version: 1 };
            events.insert(stored.event.name.clone(), stored.clone());
            Ok(stored)
        })
    }

    async fn get(&self, project: &str, name: &str) -> StoreResult<Option<Stored>> {
        Ok(self.read(|projects| projects.get(project).and_then(|p| p.events.get(name)).cloned()))
    }

    async fn update(
        &self,
        project: &str,
        name: &str,
        patch: UpdateSecretEventRequestBody,
        precondition: Precondition,
        now: i64,
    ) -> StoreResult<Stored> {
        self.write(|projects| {
            let current = projects.get_mut(project).and_then(|p| p.events.get_mut(name));
            let (current, _) = plan_update(current, patch, &precondition, now)?;
            Ok(current.clone())
        })
    }

    async fn delete(&self, project: &str, name: &str, precondition: Precondition) -> StoreResult<()> {
        self.write(|projects| {
            let project = projects.get_mut(project).ok_or(StoreError::NotFound)?;
            plan_delete(project.events.get(name), &precondition)?;
            if project.secrets.values().any(|s| s.event_subscriptions.iter().any(|e| e == name)) {
                return Err(StoreError::InUse);
            }
            project.events.remove(name);
            Ok(())
        })
    }

    async fn list(&self, project: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<Stored>> {
        Ok(self.read(|projects| {
            let Some(p) = projects.get(project) else { return Vec::new() };
            let start = match after {
                Some(m) => Bound::Excluded(m),
                None => Bound::Unbounded,
            };
            p.events
                .range::<str, _>((start, Bound::Unbounded))
                .take(limit)
                .map(|(_, stored)| stored.clone())
                .collect()
        }))
    }

    async fn append_record(&self, project: &str, record: Record) -> StoreResult<()> {
        self.write(|projects| projects.entry(project.to_owned()).or_default().records.push(record));
        Ok(())
    }

    async fn records(&self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<Record>> {
        Ok(self.read(|projects| {
            let Some(p) = projects.get(project) else { return Vec::new() };
            let mut found: Vec<Record> =
                p.records.iter().filter(|r| r.create_time >= since).cloned().collect();
            // Newest first; among equal times, the later append first.
            found.reverse();
            found.sort_by_key(|r| std::cmp::Reverse(r.create_time));
            found.truncate(limit);
            found
        }))
    }

    async fn create_secret(
        &self,
        project: &str,
        secret: Secret,
        value: Payload,
        quota: u64,
        origin: Origin,
    ) -> StoreResult<Secret> {
        self.secrets(project, async |tx| {
            secrets::create_secret(tx, &self.cipher, project, secret, value, quota, &origin).await
        })
    }

    async fn secret(&self, project: &str, name: &str) -> StoreResult<Secret> {
        self.read(|projects| {
            projects.get(project).and_then(|p| p.secrets.get(name)).cloned().ok_or(StoreError::NotFound)
        })
    }

    async fn list_secrets(
        &self,
        project: &str,
        after: Option<&str>,
        limit: usize,
        event: Option<&str>,
    ) -> StoreResult<Vec<Secret>> {
        Ok(self.read(|projects| {
            let Some(p) = projects.get(project) else { return Vec::new() };
            let start = after.map_or(Bound::Unbounded, Bound::Excluded);
            p.secrets
                .range::<str, _>((start, Bound::Unbounded))
                .map(|(_, s)| s)
                .filter(|s| event.is_none_or(|e| s.event_subscriptions.iter().any(|x| x == e)))
                .take(limit)
                .cloned()
                .collect()
        }))
    }

    async fn update_secret(
        &self,
        project: &str,
        name: &str,
        patch: UpdateSecretRequestBody,
        now: i64,
    ) -> StoreResult<Secret> {
        self.secrets(project, async |tx| secrets::update_secret(tx, project, name, patch, now).await)
    }

    async fn delete_secret(&self, project: &str, name: &str, origin: Origin) -> StoreResult<Secret> {
        self.secrets(project, async |tx| secrets::delete_secret(tx, project, name, &origin).await)
    }

    async fn schedule_secret_deletion(
        &self,
        project: &str,
        name: &str,
        at: i64,
        now: i64,
    ) -> StoreResult<Secret> {
        self.secrets(project, async |tx| secrets::schedule_deletion(tx, project, name, at, now).await)
    }

    async fn restore_secret(&self, project: &str, name: &str, now: i64) -> StoreResult<Secret> {
        self.secrets(project, async |tx| secrets::restore(tx, project, name, now).await)
    }

    async fn create_version(
        &self,
        project: &str,
        name: &str,
        value: Payload,
        new: NewVersion,
        origin: Origin,
    ) -> StoreResult<VersionMetadata> {
        self.secrets(project, async |tx| {
            secrets::create_version(tx, &self.cipher, project, name, value, new, &origin).await
        })
    }

    async fn list_versions(
        &self,
        project: &str,
        name: &str,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<VersionMetadata>> {
        self.secrets(project, async |tx| secrets::list_versions(tx, project, name, after, limit).await)
    }

    async fn version(&self, project: &str, name: &str, id: &str) -> StoreResult<Version> {
        self.secrets(project, async |tx| secrets::show_version(tx, &self.cipher, project, name, id).await)
    }

    async fn update_version(
        &self,
        project: &str,
        name: &str,
        id: &str,
        expire_time: i64,
        origin: Origin,
    ) -> StoreResult<VersionMetadata> {
        self.secrets(project, async |tx| {
            secrets::update_version(tx, project, name, id, expire_time, &origin).await
        })
    }

    async fn claim_notices(
        &self,
        owner: &str,
        now: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<Notice>> {
        Ok(self.write(|projects| {
            let mut claimed = Vec::new();
            for p in projects.values_mut() {
                for (notice, next_at, claim) in p.outbox.values_mut() {
                    if claimed.len() < limit && *next_at <= now && claimable(claim, now) {
                        *claim = Some((owner.to_owned(), now + lease_ms));
                        claimed.push(notice.clone());
                    }
                }
            }
            claimed.sort_by_key(|n| n.id);
            claimed
        }))
    }

    async fn settle_notice(
        &self,
        owner: &str,
        notice: &Notice,
        status: NotificationStatus,
    ) -> StoreResult<()> {
        self.write(|projects| {
            let Some(p) = projects.get_mut(&notice.project) else { return };
            let owned =
                p.outbox.get(&notice.id).is_some_and(|(_, _, c)| c.as_ref().is_some_and(|(o, _)| o == owner));
            if owned {
                p.outbox.remove(&notice.id);
                p.records.push(Record { notification_status: status, ..notice.record.clone() });
            }
        });
        Ok(())
    }

    async fn retry_notice(&self, owner: &str, id: i64, attempts: u32, next_at: i64) -> StoreResult<()> {
        self.write(|projects| {
            for p in projects.values_mut() {
                if let Some((notice, due, claim)) = p.outbox.get_mut(&id)
                    && claim.as_ref().is_some_and(|(o, _)| o == owner)
                {
                    (notice.attempts, *due, *claim) = (attempts, next_at, None);
                }
            }
        });
        Ok(())
    }

    async fn run_due(&self, now: i64, limit: usize) -> StoreResult<usize> {
        let (expiries, deletions) = self.read(|projects| {
            let mut expiries = Vec::new();
            let mut deletions = Vec::new();
            for (project, p) in projects {
                for (name, versions) in &p.versions {
                    for (seq, (row, _)) in versions {
                        if row.expiry_due().is_some_and(|t| t <= now) {
                            expiries.push((project.clone(), name.clone(), *seq));
                        }
                    }
                }
                for (name, secret) in &p.secrets {
                    if secret.scheduled_delete_time.is_some_and(|t| t <= now) {
                        deletions.push((project.clone(), name.clone()));
                    }
                }
            }
            (expiries, deletions)
        });
        let mut ran = 0;
        for (project, name, seq) in expiries.into_iter().take(limit) {
            let fired = self
                .secrets(&project, async |tx| secrets::expire_version(tx, &project, &name, seq, now).await)?;
            ran += usize::from(fired);
        }
        for (project, name) in deletions.into_iter().take(limit) {
            let deleted =
                self.secrets(&project, async |tx| secrets::execute_deletion(tx, &project, &name, now).await)?;
            ran += usize::from(deleted);
        }
        Ok(ran)
    }

    async fn purge_records(&self, before: i64) -> StoreResult<u64> {
        Ok(self.write(|projects| {
            let mut purged = 0;
            for p in projects.values_mut() {
                let kept = p.records.len();
                p.records.retain(|r| r.create_time >= before);
                purged += (kept - p.records.len()) as u64;
            }
            purged
        }))
    }

    async fn create_task(
        &self,
        project: &str,
        name: &str,
        task_id: String,
        origin: Origin,
    ) -> StoreResult<(SecretTask, String)> {
        self.secrets(project, async |tx| secrets::create_task(tx, project, name, task_id, &origin).await)
    }

    async fn claim_tasks(
        &self,
        owner: &str,
        now: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<ClaimedTask>> {
        Ok(self.write(|projects| {
            let mut claimed = Vec::new();
            for (project, p) in projects.iter_mut() {
                for (task, request_id, claim) in p.tasks.values_mut() {
                    if claimed.len() < limit
                        && task.task_status == TaskStatus::Pending
                        && claimable(claim, now)
                    {
                        *claim = Some((owner.to_owned(), now + lease_ms));
                        let request_id = request_id.clone();
                        claimed.push(ClaimedTask {
                            project: project.clone(),
                            task: task.clone(),
                            request_id,
                        });
                    }
                }
            }
            claimed
        }))
    }

    async fn finish_task(
        &self,
        project: &str,
        task_id: &str,
        outcome: RotationOutcome,
        now: i64,
    ) -> StoreResult<SecretTask> {
        self.secrets(project, async |tx| {
            secrets::finish_task(tx, &self.cipher, project, task_id, outcome, now).await
        })
    }

    async fn tasks(
        &self,
        project: &str,
        filter: TaskFilter,
        limit: usize,
    ) -> StoreResult<(Vec<SecretTask>, u64)> {
        Ok(self.read(|projects| {
            let Some(p) = projects.get(project) else { return (Vec::new(), 0) };
            filter.page(p.tasks.values().map(|(t, _, _)| t.clone()), limit)
        }))
    }

    fn describe(&self) -> String {
        "memory (nothing is kept across restarts)".to_owned()
    }
}
