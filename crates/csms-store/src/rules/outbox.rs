//! The outbox: a happening's notification is written in the same transaction as the change (`fire`), and
//! the worker claims, settles and retries it.

use csms_model::{
    EventState, EventType, NotificationData, NotificationMessage, NotificationStatus, Record, Secret,
    StringEnum, VersionMetadata,
};

use crate::backend::{Lease, NoticeRow, Tx};
use crate::rows::{decode, record_row};
use crate::store::{Cx, Step};
use crate::{Notice, Origin, Store, StoreResult, iso_millis};

/// A happening on `secret`: when the secret subscribes to an ENABLED event whose types include `kind`, its
/// notification joins the outbox in the same transaction; otherwise nothing is written.
pub(super) async fn fire(
    cx: &mut Cx<'_>,
    origin: &Origin,
    project: &str,
    secret: &Secret,
    kind: EventType,
    version: Option<&VersionMetadata>,
) -> StoreResult<()> {
    let Some(name) = secret.event_subscriptions.first() else { return Ok(()) };
    let Some(row) = cx.tx.event(project, name).await? else { return Ok(()) };
    let event = decode(row.version, &row.doc)?.event;
    if event.state != EventState::Enabled || !event.event_types.contains(&kind) {
        return Ok(());
    }
    let message = NotificationMessage {
        event_name: event.name.clone(),
        event_type: kind.clone(),
        event_time: iso_millis(origin.now),
        data: NotificationData {
            secret_id: secret.id.clone(),
            secret_name: secret.name.clone(),
            create_time: iso_millis(secret.create_time),
            update_time: iso_millis(secret.update_time),
            version_id: version.map(|v| v.id.clone()),
            version_expire_time: version.and_then(|v| v.expire_time).map(iso_millis),
        },
    };
    let notice = Notice {
        id: 0,
        project: project.to_owned(),
        attempts: 0,
        subject: format!("CSMS {} {}", kind.as_str(), secret.name),
        record: Record {
            event_name: event.name,
            trigger_event_type: kind,
            create_time: origin.now,
            secret_name: secret.name.clone(),
            secret_type: secret.secret_type.clone(),
            notification_target_name: event.notification.target_name,
            notification_target_id: event.notification.target_id,
            notification_content: serde_json::to_string(&message)?,
            // Set when the delivery ends.
            notification_status: NotificationStatus::Success,
        },
        target_type: event.notification.target_type,
        request_id: origin.request_id.clone(),
    };
    cx.tx.enqueue(project, &serde_json::to_string(&notice)?, origin.now).await?;
    cx.queued = true;
    Ok(())
}

/// A claimed outbox row as the notification it holds.
fn notice(row: NoticeRow) -> StoreResult<Notice> {
    let notice: Notice = serde_json::from_str(&row.doc)?;
    Ok(Notice { id: row.id, project: row.project, attempts: row.attempts, ..notice })
}

impl Store {
    /// How many notifications wait in the outbox, and how long the oldest due at `now` has been due
    /// (zero when none is), for the operator's metrics.
    pub async fn outbox_stats(&self, now: i64) -> StoreResult<(u64, std::time::Duration)> {
        let (depth, oldest) =
            self.read(move |cx| Box::pin(async move { cx.tx.outbox_stats(now).await })).await?;
        let age = oldest.map_or(0, |at| (now - at).max(0));
        Ok((depth, std::time::Duration::from_millis(age as u64)))
    }

    /// Claims up to `limit` rows with `fetch`, each turned into what it holds by `open`: the one shape of
    /// every claim.
    pub(super) async fn claim<R: 'static, T: Send + 'static>(
        &self,
        lease: Lease<'_>,
        limit: usize,
        fetch: for<'a> fn(&'a mut dyn Tx, Lease<'a>, usize) -> Step<'a, Vec<R>>,
        open: fn(R) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let (owner, now, until) = (lease.owner.to_owned(), lease.now, lease.until);
        self.write(move |cx| {
            Box::pin(async move {
                let lease = Lease { owner: &owner, now, until };
                fetch(cx.tx, lease, limit).await?.into_iter().map(open).collect()
            })
        })
        .await
    }

    /// Claims up to `limit` notifications due at `now` for `owner`, for `lease_ms`: unclaimed ones, and
    /// those whose claim has lapsed (their owner died); in the order they were queued.
    pub async fn claim_notices(&self, lease: Lease<'_>, limit: usize) -> StoreResult<Vec<Notice>> {
        self.claim(lease, limit, |tx, lease, limit| tx.claim_notices(lease, limit), notice).await
    }

    /// Ends a claimed notification: it leaves the outbox and its record is written with `status`, at
    /// once; nothing happens if `owner` no longer holds its claim.
    pub async fn settle_notice(
        &self,
        owner: &str,
        notice: &Notice,
        status: NotificationStatus,
    ) -> StoreResult<()> {
        let (owner, notice) = (owner.to_owned(), notice.clone());
        self.write(move |cx| {
            Box::pin(async move {
                if cx.tx.dequeue(&owner, notice.id).await? {
                    let record = Record { notification_status: status, ..notice.record };
                    cx.tx.put_record(&notice.project, record.create_time, &record_row(&record)?).await?;
                }
                Ok(())
            })
        })
        .await
    }

    /// Puts a claimed notification back, to try again at `next_at` after `attempts` attempts.
    pub async fn retry_notice(&self, owner: &str, id: i64, attempts: u32, next_at: i64) -> StoreResult<()> {
        let owner = owner.to_owned();
        self.write(move |cx| Box::pin(async move { cx.tx.requeue(&owner, id, attempts, next_at).await }))
            .await
    }
}
