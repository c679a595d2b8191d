//! The in-memory store: for tests and for embedders who keep nothing across restarts.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::RwLock;

use async_trait::async_trait;
use csms_model::{
    Event, Record, Secret, UpdateSecretEventRequestBody, UpdateSecretRequestBody, Version, VersionMetadata,
};

use crate::secrets::{self, SecretTx, VersionRow};
use crate::{
    Cipher, EventStore, NewVersion, Payload, Precondition, StoreError, StoreResult, Stored, plan_delete,
    plan_update,
};

#[derive(Default)]
struct Project {
    events: BTreeMap<String, Stored>,
    records: Vec<Record>,
    secrets: BTreeMap<String, Secret>,
    /// Per secret name: its versions by number, each with its sealed value.
    versions: HashMap<String, BTreeMap<i64, (VersionRow, Vec<u8>)>>,
}

/// Events and secrets in maps behind one lock; nothing survives the process. Values are sealed all the
/// same, under a key made for the process, so every backend runs the same code.
pub struct MemoryStore {
    projects: RwLock<HashMap<String, Project>>,
    cipher: Cipher,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore { projects: RwLock::default(), cipher: Cipher::ephemeral() }
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
            crate::ready(op(&mut MemoryTx(project)))
        })
    }
}

/// A project's maps, as a secret transaction.
struct MemoryTx<'a>(&'a mut Project);

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
    ) -> StoreResult<Secret> {
        self.secrets(project, async |tx| {
            secrets::create_secret(tx, &self.cipher, project, secret, value, quota).await
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

    async fn delete_secret(&self, project: &str, name: &str) -> StoreResult<Secret> {
        self.secrets(project, async |tx| secrets::delete_secret(tx, project, name).await)
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
        now: i64,
    ) -> StoreResult<VersionMetadata> {
        self.secrets(project, async |tx| {
            secrets::create_version(tx, &self.cipher, project, name, value, new, now).await
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
        now: i64,
    ) -> StoreResult<VersionMetadata> {
        self.secrets(project, async |tx| {
            secrets::update_version(tx, project, name, id, expire_time, now).await
        })
    }

    fn describe(&self) -> String {
        "memory (nothing is kept across restarts)".to_owned()
    }
}
