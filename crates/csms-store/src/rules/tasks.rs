//! Rotation tasks: RotateSecret queues one, reserving the version it will make; the worker claims it,
//! makes the value and ends it here, where the new version (or the failure) and its notifications are
//! written together. A secret has at most one task waiting; a project keeps its last
//! [`ENDED_TASKS_PER_PROJECT`](csms_model::limits::ENDED_TASKS_PER_PROJECT) ended tasks, for [`TASK_RETENTION_DAYS`] at most.

use csms_model::limits::{MS_PER_DAY, TASK_RETENTION_DAYS};
use csms_model::{ErrorCode, EventType, SecretState, SecretTask, StringEnum, TaskStatus};

use super::shared::fire::fire;
use super::shared::secret::{existing, load, put, usable};
use super::shared::task::{MANUAL_ROTATION, end, failed, queue};
use super::shared::version::{add, find, load_staged, next_seq, staged_versions};
use crate::backend::{ClaimedTaskRow, Lease, TaskQuery, TaskRow};
use crate::store::{Cx, job};
use crate::{
    ClaimedTask, NewVersion, Origin, RotationError, RotationOutcome, Store, StoreError, StoreResult,
    TaskFilter,
};

/// Ends a task: a new value becomes the secret's SYSCURRENT version, the one the task reserved (firing
/// SECRET_VERSION_CREATED and SECRET_ROTATED), or the task fails (firing SECRET_ROTATED_FAILED); the task
/// and the notifications are written together.
fn finish_task(
    cx: &mut Cx<'_>,
    project: &str,
    task_id: &str,
    outcome: RotationOutcome,
    now: i64,
) -> StoreResult<SecretTask> {
    let row = cx.tx.task(project, task_id)?.ok_or(StoreError::NotFound)?;
    let mut task: SecretTask = serde_json::from_str(&row.doc)?;
    if task.task_status != TaskStatus::Pending {
        return Ok(task);
    }
    let origin = Origin::new(now, row.request_id.clone());
    let name = task.secret_name.clone();
    task.attempt_nums += 1;
    // The task's own secret only: a secret of the same name made after it (another id) is not its.
    let secret =
        load(cx.tx, project, &name)?.filter(|s| row.secret_id.as_deref().is_none_or(|id| id == s.id));
    let outcome = match (outcome, &secret) {
        (_, None) => {
            Err(RotationError::new(ErrorCode::NotFound, format!("The secret '{name}' no longer exists.")))
        }
        (_, Some(s)) if s.state == SecretState::PendingDelete => Err(RotationError::new(
            ErrorCode::SecretPendingDeletion,
            format!("The secret '{name}' is scheduled for deletion."),
        )),
        (outcome, Some(_)) => outcome,
    };
    let value = match outcome {
        Ok(value) => value,
        Err(error) => return fail_with(cx, project, secret.as_ref(), task, row, &origin, error),
    };
    let made = add(cx, project, &name, value, NewVersion::default(), row.version_seq, &origin);
    match made {
        Err(StoreError::Backend(e)) => return Err(StoreError::Backend(e)),
        // Refused by a rule (every version holds a stage): nothing was written, the task fails.
        Err(refused) => {
            let error = RotationError::new(ErrorCode::InvalidParameter, refused.to_string());
            return fail_with(cx, project, secret.as_ref(), task, row, &origin, error);
        }
        Ok(_) => {}
    }
    let mut secret = existing(cx.tx, project, &name)?;
    secret.rotation_time = Some(now);
    put(cx.tx, project, &secret, false)?;
    let (_, stages) = load_staged(cx.tx, project, &name)?.ok_or(StoreError::NotFound)?;
    let current = find(staged_versions(cx.tx, project, &name, &stages)?, csms_model::LATEST)?;
    fire(cx, &origin, project, &secret, EventType::SecretRotated, Some(&current.meta))?;
    task.task_status = TaskStatus::Success;
    end(cx.tx, project, &task, row, now)?;
    Ok(task)
}

/// Ends a task FAILED with `error`, firing SECRET_ROTATED_FAILED on its secret (if it still exists).
fn fail_with(
    cx: &mut Cx<'_>,
    project: &str,
    secret: Option<&csms_model::Secret>,
    task: SecretTask,
    row: TaskRow,
    origin: &Origin,
    error: RotationError,
) -> StoreResult<SecretTask> {
    if let Some(secret) = secret {
        fire(cx, origin, project, secret, EventType::SecretRotatedFailed, None)?;
    }
    let task = failed(task, error.code, error.message);
    end(cx.tx, project, &task, row, origin.now)?;
    Ok(task)
}

/// A claimed task row as the task it holds.
fn claimed(claimed: ClaimedTaskRow) -> StoreResult<ClaimedTask> {
    let (project, request_id) = (claimed.project, claimed.row.request_id);
    Ok(ClaimedTask { project, task: serde_json::from_str(&claimed.row.doc)?, request_id })
}

impl Store {
    /// Creates a PENDING rotation task for the secret, reserving the version it will make; returns it
    /// with that version's id. Refused while the secret's deletion is scheduled, and while another of its
    /// rotations waits ([`StoreError::RotationInProgress`]).
    pub async fn create_task(
        &self,
        project: &str,
        name: &str,
        task_id: String,
        origin: Origin,
    ) -> StoreResult<(SecretTask, String)> {
        job!(self.write(project, name), |cx| {
            let secret = usable(cx.tx, project, name)?;
            if cx.tx.pending_task(project, name)?.is_some() {
                return Err(StoreError::RotationInProgress);
            }
            let seq = next_seq(cx.tx, project, name)?;
            queue(cx, project, &secret, task_id, MANUAL_ROTATION, seq, &origin)
        })
    }

    /// Claims up to `limit` PENDING tasks for `lease.owner`.
    pub async fn claim_tasks(&self, lease: Lease<'_>, limit: usize) -> StoreResult<Vec<ClaimedTask>> {
        self.claim(lease, limit, |tx, lease, limit| tx.claim_tasks(lease, limit), claimed).await
    }

    /// Ends a task with the rotation's outcome: the new version, or the failure, and their notifications.
    pub async fn finish_task(
        &self,
        project: &str,
        task_id: &str,
        outcome: RotationOutcome,
        now: i64,
    ) -> StoreResult<SecretTask> {
        job!(self.write(project, task_id), |cx| finish_task(cx, project, task_id, outcome, now))
    }

    /// Up to `limit` tasks of the project in ascending id order after `filter.after`, filtered, and how
    /// many match the filters in all: a range of an index, never the project's every task.
    pub async fn tasks(
        &self,
        project: &str,
        filter: TaskFilter,
        limit: usize,
    ) -> StoreResult<(Vec<SecretTask>, u64)> {
        job!(self.read(project), |cx| {
            let query = TaskQuery {
                project,
                secret: filter.secret_name.as_deref(),
                status: filter.status.as_ref().map(StringEnum::as_str),
                id: filter.task_id.as_deref(),
                after: filter.after.as_deref().unwrap_or(""),
                limit,
            };
            let (docs, total) = cx.tx.task_page(query)?;
            let tasks = docs.iter().map(|doc| serde_json::from_str(doc)).collect::<Result<_, _>>()?;
            Ok((tasks, total))
        })
    }

    /// Removes the tasks that ended more than [`TASK_RETENTION_DAYS`] before `now`; returns how many.
    pub async fn purge_tasks(&self, now: i64) -> StoreResult<u64> {
        let before = now - TASK_RETENTION_DAYS * MS_PER_DAY;
        job!(self.write(), |cx| cx.tx.purge_tasks(before))
    }
}
