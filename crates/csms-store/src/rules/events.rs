//! Events: create under the project's quota, partial update and delete under a precondition, and the
//! in-use check that keeps a subscribed event from being deleted.

use csms_model::{Event, UpdateSecretEventRequestBody};

use super::shared::paged;
use crate::backend::{EventRow, Page, Tx};
use crate::rows::{check_document, checked_document, decode, summed_doc};
use crate::store::job;
use crate::{EventDocument, Precondition, Revision, Store, StoreError, StoreResult, Stored, StoredDocument};

/// Applies a partial update to `current`, the one definition of its semantics.
///
/// An absent field is left as it is; a present `event_types` or `notification` replaces the whole stored
/// value. An empty patch changes nothing (not even `update_time` or the version); any present field sets
/// `update_time` to `now` and increments the version. Returns whether anything was written.
pub fn apply_update(current: &mut Stored, patch: UpdateSecretEventRequestBody, now: i64) -> bool {
    if patch.is_empty() {
        return false;
    }
    let event = &mut current.event;
    if let Some(state) = patch.state {
        event.state = state;
    }
    if let Some(types) = patch.event_types {
        event.event_types = types;
    }
    if let Some(notification) = patch.notification {
        event.notification = notification;
    }
    event.update_time = now;
    current.version += 1;
    true
}

fn row(stored: &Stored) -> StoreResult<EventRow> {
    let (doc, sum) = summed_doc(&stored.event)?;
    Ok(EventRow { name: stored.event.name.clone(), version: stored.version as i64, doc, sum })
}

/// An event's row as its checked document, for a page of documents.
fn document(r: EventRow) -> (String, StoreResult<EventDocument>) {
    let checked =
        checked_document(&r.doc, r.sum).map(|()| EventDocument { name: r.name.clone(), json: r.doc });
    (r.name, checked)
}

/// The event as read inside the transaction, checked against the precondition.
fn current(tx: &mut dyn Tx, project: &str, name: &str, precondition: &Precondition) -> StoreResult<Stored> {
    let row = tx.event(project, name)?.ok_or(StoreError::NotFound)?;
    let current = decode(row.version, &row.doc)?;
    if precondition.holds(&current) { Ok(current) } else { Err(StoreError::PreconditionFailed) }
}

impl Store {
    /// Stores a new event unless one of that name exists in the project ([`StoreError::AlreadyExists`])
    /// or the project already holds `quota` events ([`StoreError::QuotaExceeded`]).
    pub async fn create(&self, project: &str, event: Event, quota: u64) -> StoreResult<Stored> {
        job!(self.write(project), |cx| {
            let tx = &mut *cx.tx;
            let count = tx.event_count(project)?;
            if tx.event(project, &event.name)?.is_some() {
                return Err(StoreError::AlreadyExists);
            }
            if count >= quota {
                return Err(StoreError::QuotaExceeded);
            }
            let stored = Stored { event, version: 1 };
            tx.put_event(project, &row(&stored)?, true)?;
            tx.add_event_count(project, 1)?;
            Ok(stored)
        })
    }

    /// The event of that name, if any.
    pub async fn get(&self, project: &str, name: &str) -> StoreResult<Option<Stored>> {
        job!(self.read(project, name), |cx| {
            let row = cx.tx.event(project, name)?;
            row.map(|row| decode(row.version, &row.doc)).transpose()
        })
    }

    /// The event [`Store::get`] reads, as its JSON document (exactly what `Event` serialises to, checked
    /// to be exactly what the service writes), for answering without decoding and encoding it again.
    pub async fn get_document(&self, project: &str, name: &str) -> StoreResult<Option<StoredDocument>> {
        job!(self.read(project, name), |cx| {
            let Some(row) = cx.tx.event(project, name)? else { return Ok(None) };
            let event_id = check_document(&row.doc)?;
            let revision = Revision { event_id, version: row.version as u64 };
            Ok(Some(StoredDocument { json: row.doc, revision }))
        })
    }

    /// Applies a partial update (see [`apply_update`]) if `precondition` holds, atomically.
    pub async fn update(
        &self,
        project: &str,
        name: &str,
        patch: UpdateSecretEventRequestBody,
        precondition: Precondition,
        now: i64,
    ) -> StoreResult<Stored> {
        job!(self.write(project, name), |cx| {
            let mut stored = current(cx.tx, project, name, &precondition)?;
            if apply_update(&mut stored, patch, now) {
                cx.tx.put_event(project, &row(&stored)?, false)?;
            }
            Ok(stored)
        })
    }

    /// Deletes the event if `precondition` holds and no secret subscribes to it ([`StoreError::InUse`]).
    pub async fn delete(&self, project: &str, name: &str, precondition: Precondition) -> StoreResult<()> {
        job!(self.write(project, name), |cx| {
            let tx = &mut *cx.tx;
            // Creates and deletes of the project serialise here; the event's row is locked next, so a
            // subscription that has not committed yet (it holds the row shared) is waited for.
            tx.event_count(project)?;
            current(tx, project, name, &precondition)?;
            if tx.subscribed(project, name)? {
                return Err(StoreError::InUse);
            }
            tx.remove_event(project, name)?;
            tx.add_event_count(project, -1)
        })
    }

    /// Up to `limit` events of the project with names strictly after `after`, in ascending byte order. A
    /// row that cannot be read is logged and skipped.
    pub async fn list(&self, project: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<Stored>> {
        let (project, after) = (project.to_owned(), after.map(str::to_owned));
        job!(self.read(), |cx| {
            let page = Page { project: &project, after: after.as_deref().unwrap_or(""), limit, event: None };
            paged(cx.tx, "event", page, |tx, page| tx.events(page), |r| (r.name, decode(r.version, &r.doc)))
        })
    }

    /// The page [`Store::list`] reads, each event as its JSON document (exactly what `Event` serialises
    /// to, checked as [`Store::get_document`] checks), for answering a page without decoding and encoding
    /// every event again.
    pub async fn list_documents(
        &self,
        project: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<EventDocument>> {
        let (project, after) = (project.to_owned(), after.map(str::to_owned));
        job!(self.read(), |cx| {
            let page = Page { project: &project, after: after.as_deref().unwrap_or(""), limit, event: None };
            paged(cx.tx, "event", page, |tx, page| tx.events(page), document)
        })
    }
}
