//! The scan: what comes due with time (version expiries, scheduled deletions), each in a transaction of
//! its own that checks again that it is still due, so that instances scanning at once run it once.

use super::secrets::{execute_deletion, expire_version};
use crate::{Store, StoreResult};

impl Store {
    /// Runs what is due at `now`: up to `limit` expiries that have not fired and up to `limit` scheduled
    /// deletions, each in its own transaction; returns how many ran.
    pub async fn run_due(&self, now: i64, limit: usize) -> StoreResult<usize> {
        let due = self.read(move |cx| Box::pin(async move { cx.tx.due(now, limit).await })).await?;
        let mut ran = 0;
        for (project, name, seq) in due.expiries {
            let fired = self
                .write(move |cx| Box::pin(async move { expire_version(cx, &project, &name, seq, now).await }))
                .await?;
            ran += usize::from(fired);
        }
        for (project, name) in due.deletions {
            let deleted = self
                .write(move |cx| Box::pin(async move { execute_deletion(cx, &project, &name, now).await }))
                .await?;
            ran += usize::from(deleted);
        }
        Ok(ran)
    }
}
