//! The in-memory store: for tests and for embedders who keep nothing across restarts.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::RwLock;

use async_trait::async_trait;
use csms_model::{Event, Record, UpdateSecretEventRequestBody};

use crate::{EventStore, Precondition, StoreError, StoreResult, Stored, plan_delete, plan_update};

#[derive(Default)]
struct Project {
    events: BTreeMap<String, Stored>,
    records: Vec<Record>,
}

/// Events in a map behind a lock; nothing survives the process.
#[derive(Default)]
pub struct MemoryStore {
    projects: RwLock<HashMap<String, Project>>,
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
            let events = &mut projects.get_mut(project).ok_or(StoreError::NotFound)?.events;
            plan_delete(events.get(name), &precondition)?;
            events.remove(name);
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

    fn describe(&self) -> String {
        "memory (nothing is kept across restarts)".to_owned()
    }
}
