//! The outbox: a happening's notification is written in the same transaction as the change (see
//! `shared/fire.rs`), and the worker claims, settles and retries it here.

use csms_model::{NotificationStatus, Record};
use smn_model::DeliveryRecord;

use super::shared::smn::put_record;
use crate::backend::{Lease, NoticeRow, Tx};
use crate::rows::record_row;
use crate::store::job;
use crate::types::OutboxDoc;
use crate::{Notice, Outgoing, SmnDelivery, Store, StoreResult};

/// A claimed outbox row as what it holds.
fn outgoing(row: NoticeRow) -> StoreResult<Outgoing> {
    Ok(match serde_json::from_str(&row.doc)? {
        OutboxDoc::Notice(notice) => {
            Outgoing::Notice(Notice { id: row.id, project: row.project, attempts: row.attempts, ..notice })
        }
        OutboxDoc::Smn { smn } => {
            Outgoing::Smn(SmnDelivery { id: row.id, project: row.project, attempts: row.attempts, ..smn })
        }
    })
}

impl Store {
    /// How many notifications wait in the outbox, and how long the oldest due at `now` has been due
    /// (zero when none is), for the operator's metrics.
    pub async fn outbox_stats(&self, now: i64) -> StoreResult<(u64, std::time::Duration)> {
        let (depth, oldest) = job!(self.read(), |cx| cx.tx.outbox_stats(now))?;
        let age = oldest.map_or(0, |at| (now - at).max(0));
        Ok((depth, std::time::Duration::from_millis(age as u64)))
    }

    /// Claims up to `limit` rows with `fetch`, each turned into what it holds by `open`: the one shape of
    /// every claim.
    pub(crate) async fn claim<R: 'static, T: Send + 'static>(
        &self,
        lease: Lease<'_>,
        limit: usize,
        fetch: fn(&mut dyn Tx, Lease<'_>, usize) -> StoreResult<Vec<R>>,
        open: fn(R) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let (owner, now, until) = (lease.owner, lease.now, lease.until);
        job!(self.write(owner), |cx| {
            fetch(cx.tx, Lease { owner, now, until }, limit)?.into_iter().map(open).collect()
        })
    }

    /// Claims up to `limit` outbox rows (CSMS notifications and SMN messages) due at `now` for `owner`,
    /// for `lease_ms`: unclaimed ones, and those whose claim has lapsed (their owner died); in the order
    /// they were queued.
    pub async fn claim_outbox(&self, lease: Lease<'_>, limit: usize) -> StoreResult<Vec<Outgoing>> {
        self.claim(lease, limit, |tx, lease, limit| tx.claim_notices(lease, limit), outgoing).await
    }

    /// Ends a claimed notification: it leaves the outbox and its record is written with `status`, at
    /// once; nothing happens if `owner` no longer holds its claim.
    pub async fn settle_notice(
        &self,
        owner: &str,
        notice: &Notice,
        status: NotificationStatus,
    ) -> StoreResult<()> {
        let notice = notice.clone();
        job!(self.write(owner), |cx| {
            if cx.tx.dequeue(owner, notice.id)? {
                let record = Record { notification_status: status, ..notice.record };
                cx.tx.put_record(&notice.project, record.create_time, &record_row(&record)?)?;
            }
            Ok(())
        })
    }

    /// Ends a claimed SMN message: it leaves the outbox and its delivery record is written with `status`
    /// (`SUCCESS` or `FAIL`), after `attempts` attempts, with `reason`; nothing happens if `owner` no
    /// longer holds its claim.
    pub async fn settle_smn(
        &self,
        owner: &str,
        delivery: &SmnDelivery,
        status: &str,
        attempts: u32,
        reason: String,
        now: i64,
    ) -> StoreResult<()> {
        let record = DeliveryRecord {
            message_id: delivery.message_id.clone(),
            message_type: delivery.kind.as_str().to_owned(),
            topic_urn: delivery.topic_urn.clone(),
            subscription_urn: delivery.subscription_urn.clone(),
            protocol: delivery.protocol.clone(),
            endpoint: delivery.endpoint.clone(),
            status: status.to_owned(),
            attempts,
            reason,
            create_time: delivery.create_time,
            end_time: now,
        };
        let (id, project) = (delivery.id, delivery.project.clone());
        job!(self.write(owner), |cx| {
            if cx.tx.dequeue(owner, id)? {
                put_record(cx.tx, &project, &record)?;
            }
            Ok(())
        })
    }

    /// Puts a claimed row (a notification or an SMN message) back, to try again at `next_at` after `attempts` attempts.
    pub async fn retry_notice(&self, owner: &str, id: i64, attempts: u32, next_at: i64) -> StoreResult<()> {
        job!(self.write(owner), |cx| cx.tx.requeue(owner, id, attempts, next_at))
    }
}
