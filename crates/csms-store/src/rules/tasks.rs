//! Rotation tasks: RotateSecret queues one, reserving the version it will make; the worker claims it,
//! makes the value and ends it here, where the new version (or the failure) and its notifications are
//! written together. A secret has at most one task waiting; a project keeps its last
//! [`ENDED_TASKS_PER_PROJECT`] ended tasks, for [`TASK_RETENTION_DAYS`] at most.

use csms_model::limits::{ENDED_TASKS_PER_PROJECT, MS_PER_DAY, TASK_RETENTION_DAYS};
use csms_model::{ErrorCode, EventType, SecretState, SecretTask, StringEnum, TaskStatus};

use super::outbox::fire;
use super::secrets::{create_version, existing, find, load, next_seq, put, schedule, usable, versions};
use crate::backend::{ClaimedTaskRow, Lease, TaskQuery, TaskRow, Tx};
use crate::store::Cx;
use crate::{
    ClaimedTask, NewVersion, Origin, RotationError, RotationOutcome, Store, StoreError, StoreResult,
    TaskFilter,
};

/// A task's row: its document, and the columns the indexes read.
fn row(
    task: &SecretTask,
    request_id: Option<String>,
    version_seq: Option<i64>,
    finished_at: Option<i64>,
) -> StoreResult<TaskRow> {
    Ok(TaskRow {
        id: task.task_id.clone(),
        secret: task.secret_name.clone(),
        status: task.task_status.as_str().to_owned(),
        request_id,
        version_seq,
        finished_at,
        doc: serde_json::to_string(task)?,
    })
}

/// Ends a task: a new value becomes the secret's SYSCURRENT version, the one the task reserved (firing
/// SECRET_VERSION_CREATED and SECRET_ROTATED), or the task fails (firing SECRET_ROTATED_FAILED); the task
/// and the notifications are written together.
async fn finish_task(
    cx: &mut Cx<'_>,
    project: &str,
    task_id: &str,
    outcome: RotationOutcome,
    now: i64,
) -> StoreResult<SecretTask> {
    let row = cx.tx.task(project, task_id).await?.ok_or(StoreError::NotFound)?;
    let mut task: SecretTask = serde_json::from_str(&row.doc)?;
    if task.task_status != TaskStatus::Pending {
        return Ok(task);
    }
    let origin = Origin::new(now, row.request_id.clone());
    let name = task.secret_name.clone();
    task.attempt_nums += 1;
    let outcome = match (outcome, load(cx.tx, project, &name).await?) {
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
        Err(error) => return fail_with(cx, project, task, row, &origin, error).await,
    };
    let made =
        create_version(cx, project, &name, value, NewVersion::default(), row.version_seq, &origin).await;
    match made {
        Err(StoreError::Backend(e)) => return Err(StoreError::Backend(e)),
        // Refused by a rule (every version holds a stage): nothing was written, the task fails.
        Err(refused) => {
            let error = RotationError::new(ErrorCode::InvalidParameter, refused.to_string());
            return fail_with(cx, project, task, row, &origin, error).await;
        }
        Ok(_) => {}
    }
    let mut secret = existing(cx.tx, project, &name).await?;
    secret.rotation_time = Some(now);
    put(cx.tx, project, &secret, false).await?;
    let current = find(versions(cx.tx, project, &name).await?, csms_model::LATEST)?;
    fire(cx, &origin, project, &secret, EventType::SecretRotated, Some(&current.meta)).await?;
    task.task_status = TaskStatus::Success;
    end(cx.tx, project, &task, row, now).await?;
    Ok(task)
}

async fn fail_with(
    cx: &mut Cx<'_>,
    project: &str,
    mut task: SecretTask,
    row: TaskRow,
    origin: &Origin,
    error: RotationError,
) -> StoreResult<SecretTask> {
    if let Some(secret) = load(cx.tx, project, &task.secret_name).await? {
        fire(cx, origin, project, &secret, EventType::SecretRotatedFailed, None).await?;
    }
    task.task_status = TaskStatus::Failed;
    task.task_error_code = Some(error.code.code().to_owned());
    task.task_error_msg = Some(error.message);
    end(cx.tx, project, &task, row, origin.now).await?;
    Ok(task)
}

/// Writes a task that ended at `now`, and lets the project keep only its last [`ENDED_TASKS_PER_PROJECT`]
/// ended tasks.
async fn end(tx: &mut dyn Tx, project: &str, task: &SecretTask, was: TaskRow, now: i64) -> StoreResult<()> {
    tx.put_task(project, &row(task, was.request_id, was.version_seq, Some(now))?, false).await?;
    tx.trim_tasks(project, ENDED_TASKS_PER_PROJECT).await?;
    Ok(())
}

/// A claimed task row as the task it holds.
fn claimed(claimed: ClaimedTaskRow) -> StoreResult<ClaimedTask> {
    let (project, request_id) = (claimed.project, claimed.row.request_id);
    Ok(ClaimedTask { project, task: serde_json::from_str(&claimed.row.doc)?, request_id })
}

/// A task's `operate_type` when RotateSecret started it.
pub const MANUAL_ROTATION: &str = "MANUAL_ROTATION";
/// A task's `operate_type` when the secret's schedule (`auto_rotation`) started it.
pub const SCHEDULED_ROTATION: &str = "AUTO_ROTATION";

/// A PENDING task for the secret, reserving the version it will make.
async fn queue_task(
    cx: &mut Cx<'_>,
    project: &str,
    secret: &csms_model::Secret,
    task_id: String,
    operate_type: &str,
    origin: &Origin,
) -> StoreResult<(SecretTask, String)> {
    let seq = next_seq(cx.tx, project, &secret.name).await?;
    let task = SecretTask {
        task_id,
        secret_name: secret.name.clone(),
        rotation_func_urn: secret.rotation_func_urn.clone(),
        task_status: TaskStatus::Pending,
        operate_type: operate_type.to_owned(),
        task_time: origin.now,
        attempt_nums: 0,
        task_error_code: None,
        task_error_msg: None,
    };
    cx.tx.put_task(project, &row(&task, origin.request_id.clone(), Some(seq), None)?, true).await?;
    cx.queued = true;
    Ok((task, format!("v{seq}")))
}

/// The scheduled rotation of `name`, if it is still due at `now`: queues a task (unless one waits
/// already, which then stands for this one) and moves `next_rotation_time` on by one period, or to a
/// period after `now` when the service was down for longer: one rotation per due time, never a backlog.
pub(super) async fn scheduled_rotation(
    cx: &mut Cx<'_>,
    project: &str,
    name: &str,
    now: i64,
) -> StoreResult<bool> {
    let Some(mut secret) = load(cx.tx, project, name).await? else { return Ok(false) };
    let on = secret.auto_rotation == Some(true) && secret.state == SecretState::Enabled;
    let Some(due) = secret.next_rotation_time.filter(|&t| on && t <= now) else { return Ok(false) };
    if cx.tx.pending_task(project, name).await?.is_none() {
        let id = uuid::Uuid::new_v4().to_string();
        queue_task(cx, project, &secret, id, SCHEDULED_ROTATION, &Origin::new(now, None)).await?;
    }
    schedule(&mut secret, due)?;
    if secret.next_rotation_time.is_some_and(|t| t <= now) {
        schedule(&mut secret, now)?;
    }
    put(cx.tx, project, &secret, false).await?;
    Ok(true)
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
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |cx| {
            Box::pin(async move {
                let secret = usable(cx.tx, &project, &name).await?;
                if cx.tx.pending_task(&project, &name).await?.is_some() {
                    return Err(StoreError::RotationInProgress);
                }
                queue_task(cx, &project, &secret, task_id, MANUAL_ROTATION, &origin).await
            })
        })
        .await
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
        let (project, task_id) = (project.to_owned(), task_id.to_owned());
        self.write(move |cx| Box::pin(async move { finish_task(cx, &project, &task_id, outcome, now).await }))
            .await
    }

    /// Up to `limit` tasks of the project in ascending id order after `filter.after`, filtered, and how
    /// many match the filters in all: a range of an index, never the project's every task.
    pub async fn tasks(
        &self,
        project: &str,
        filter: TaskFilter,
        limit: usize,
    ) -> StoreResult<(Vec<SecretTask>, u64)> {
        let project = project.to_owned();
        self.read(move |cx| {
            Box::pin(async move {
                let query = TaskQuery {
                    project: &project,
                    secret: filter.secret_name.as_deref(),
                    status: filter.status.as_ref().map(StringEnum::as_str),
                    id: filter.task_id.as_deref(),
                    after: filter.after.as_deref().unwrap_or(""),
                    limit,
                };
                let (docs, total) = cx.tx.task_page(query).await?;
                let tasks = docs.iter().map(|doc| serde_json::from_str(doc)).collect::<Result<_, _>>()?;
                Ok((tasks, total))
            })
        })
        .await
    }

    /// Removes the tasks that ended more than [`TASK_RETENTION_DAYS`] before `now`; returns how many.
    pub async fn purge_tasks(&self, now: i64) -> StoreResult<u64> {
        let before = now - TASK_RETENTION_DAYS * MS_PER_DAY;
        self.write(move |cx| Box::pin(async move { cx.tx.purge_tasks(before).await })).await
    }
}
