//! Notification records: what became of each notification, newest first, kept for a retention period.

use csms_model::Record;

use crate::backend::RecordRow;
use crate::rows::{readable_record, readable_record_document, record_row};
use crate::store::job;
use crate::{Store, StoreResult};

impl Store {
    /// Appends a notification record.
    pub async fn append_record(&self, project: &str, record: Record) -> StoreResult<()> {
        job!(self.write(project), |cx| cx.tx.put_record(project, record.create_time, &record_row(&record)?))
    }

    /// Up to `limit` records of the project created at or after `since` (epoch ms), newest first. A record
    /// that cannot be read is logged and skipped.
    pub async fn records(&self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<Record>> {
        let rows = self.record_rows(project, since, limit).await?;
        Ok(rows.iter().filter_map(|row| readable_record(project, &row.doc)).collect())
    }

    /// The records [`Store::records`] reads, each as its JSON document (exactly what `Record` serialises
    /// to, checked to be exactly what the service writes), for answering without decoding and encoding
    /// each again.
    pub async fn record_documents(
        &self,
        project: &str,
        since: i64,
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        let rows = self.record_rows(project, since, limit).await?;
        Ok(rows.into_iter().filter_map(|row| readable_record_document(project, row)).collect())
    }

    async fn record_rows(&self, project: &str, since: i64, limit: usize) -> StoreResult<Vec<RecordRow>> {
        job!(self.read(project), |cx| cx.tx.records(project, since, limit))
    }

    /// Removes the records created before `before`; returns how many.
    pub async fn purge_records(&self, before: i64) -> StoreResult<u64> {
        job!(self.write(), |cx| cx.tx.purge_records(before))
    }
}
