//! The scan: what comes due with time (version expiries, scheduled deletions, scheduled rotations),
//! each in a transaction of its own that checks again that it is still due, so that instances scanning
//! at once run it once.

use csms_model::{EventType, SecretState};

use super::shared::fire::fire;
use super::shared::secret::{self, load, put, schedule};
use super::shared::task::{SCHEDULED_ROTATION, queue};
use super::shared::version::{next_seq, put_version, versions};
use crate::store::{Cx, job};
use crate::{Origin, Store, StoreResult};

/// The scheduled deletion of `name`, if it is still due at `now` (a restore may have come first).
fn delete(cx: &mut Cx<'_>, project: &str, name: &str, now: i64) -> StoreResult<bool> {
    let Some(secret) = load(cx.tx, project, name)? else { return Ok(false) };
    let due =
        secret.state == SecretState::PendingDelete && secret.scheduled_delete_time.is_some_and(|t| t <= now);
    if due {
        secret::delete(cx, project, name, &Origin::new(now, None))?;
    }
    Ok(due)
}

/// The expiry of version `seq` of `name`, if it is still due at `now`: fires once per expiry.
fn expire(cx: &mut Cx<'_>, project: &str, name: &str, seq: i64, now: i64) -> StoreResult<bool> {
    let Some(secret) = load(cx.tx, project, name)? else { return Ok(false) };
    let Some(mut row) = versions(cx.tx, project, name)?.into_iter().find(|v| v.seq == seq) else {
        return Ok(false);
    };
    if row.expiry_due().is_none_or(|t| t > now) {
        return Ok(false);
    }
    row.expiry_fired = true;
    put_version(cx.tx, project, name, &row, None)?;
    // Only an ENABLED secret's versions fire; the expiry counts as handled either way.
    if secret.state == SecretState::Enabled {
        let origin = Origin::new(now, row.expiry_request_id.clone());
        fire(cx, &origin, project, &secret, EventType::SecretVersionExpired, Some(&row.meta))?;
    }
    Ok(true)
}

/// The scheduled rotation of `name`, if it is still due at `now`: queues a task (unless one waits
/// already, which then stands for this one) and moves `next_rotation_time` on by one period, or to a
/// period after `now` when the service was down for longer: one rotation per due time, never a backlog.
fn rotate(cx: &mut Cx<'_>, project: &str, name: &str, now: i64) -> StoreResult<bool> {
    let Some(mut secret) = load(cx.tx, project, name)? else { return Ok(false) };
    let on = secret.auto_rotation == Some(true) && secret.state == SecretState::Enabled;
    let Some(due) = secret.next_rotation_time.filter(|&t| on && t <= now) else { return Ok(false) };
    if cx.tx.pending_task(project, name)?.is_none() {
        let id = uuid::Uuid::new_v4().to_string();
        let seq = next_seq(cx.tx, project, name)?;
        queue(cx, project, &secret, id, SCHEDULED_ROTATION, seq, &Origin::new(now, None))?;
    }
    schedule(&mut secret, due)?;
    if secret.next_rotation_time.is_some_and(|t| t <= now) {
        schedule(&mut secret, now)?;
    }
    put(cx.tx, project, &secret, false)?;
    Ok(true)
}

impl Store {
    /// Runs what is due at `now`: up to `limit` expiries that have not fired, up to `limit` scheduled
    /// deletions and up to `limit` scheduled rotations, each in its own transaction; returns how many ran
    /// (and counts each kind in `csms_scan_items_total`).
    pub async fn run_due(&self, now: i64, limit: usize) -> StoreResult<usize> {
        let due = job!(self.read(), |cx| cx.tx.due(now, limit))?;
        let mut ran = [0u64; 3];
        for (project, name, seq) in due.expiries {
            ran[0] += u64::from(job!(self.write(project, name), |cx| expire(cx, project, name, seq, now))?);
        }
        for (project, name) in due.deletions {
            ran[1] += u64::from(job!(self.write(project, name), |cx| delete(cx, project, name, now))?);
        }
        let keys = self.delete_due_keys(now, limit).await?;
        for (project, name) in due.rotations {
            ran[2] += u64::from(job!(self.write(project, name), |cx| rotate(cx, project, name, now))?);
        }
        let metrics = csms_metrics::metrics();
        for (kind, n) in ["expiry", "deletion", "rotation"].into_iter().zip(ran) {
            metrics.scanned(kind, n);
        }
        metrics.scanned("key_deletion", keys as u64);
        Ok(ran.iter().sum::<u64>() as usize + keys)
    }
}
