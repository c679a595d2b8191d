//! The scan: what comes due with time (version expiries, scheduled deletions, scheduled rotations),
//! each in a transaction of its own that checks again that it is still due, so that instances scanning
//! at once run it once.

use super::secrets::{execute_deletion, expire_version};
use super::tasks::scheduled_rotation;
use crate::{Store, StoreResult};

impl Store {
    /// Runs what is due at `now`: up to `limit` expiries that have not fired, up to `limit` scheduled
    /// deletions and up to `limit` scheduled rotations, each in its own transaction; returns how many ran
    /// (and counts each kind in `csms_scan_items_total`).
    pub async fn run_due(&self, now: i64, limit: usize) -> StoreResult<usize> {
        let due = self.read(move |cx| Box::pin(async move { cx.tx.due(now, limit).await })).await?;
        let mut ran = [0u64; 3];
        for (project, name, seq) in due.expiries {
            let fired = self
                .write(move |cx| Box::pin(async move { expire_version(cx, &project, &name, seq, now).await }))
                .await?;
            ran[0] += u64::from(fired);
        }
        for (project, name) in due.deletions {
            let deleted = self
                .write(move |cx| Box::pin(async move { execute_deletion(cx, &project, &name, now).await }))
                .await?;
            ran[1] += u64::from(deleted);
        }
        for (project, name) in due.rotations {
            let queued = self
                .write(move |cx| Box::pin(async move { scheduled_rotation(cx, &project, &name, now).await }))
                .await?;
            ran[2] += u64::from(queued);
        }
        let metrics = csms_metrics::metrics();
        for (kind, n) in ["expiry", "deletion", "rotation"].into_iter().zip(ran) {
            metrics.scanned(kind, n);
        }
        Ok(ran.iter().sum::<u64>() as usize)
    }
}
