//! Rotation tasks: RotateSecret queues one; the worker claims it, makes the value and ends it here, where
//! the new version (or the failure) and its notifications are written together.

use csms_model::{ErrorCode, EventType, SecretState, SecretTask, StringEnum, TaskStatus};

use super::outbox::fire;
use super::secrets::{create_version, existing, find, load, put, usable, versions};
use crate::backend::{ClaimedTaskRow, Lease, TaskRow, Tx};
use crate::store::Cx;
use crate::{
    ClaimedTask, NewVersion, Origin, RotationError, RotationOutcome, Store, StoreError, StoreResult,
    TaskFilter,
};

async fn put_task(
    tx: &mut dyn Tx,
    project: &str,
    task: &SecretTask,
    request_id: Option<&str>,
    new: bool,
) -> StoreResult<()> {
    let row = TaskRow {
        id: task.task_id.clone(),
        status: task.task_status.as_str().to_owned(),
        request_id: request_id.map(str::to_owned),
        doc: serde_json::to_string(task)?,
    };
    tx.put_task(project, &row, new).await
}

/// Ends a task: a new value becomes the secret's SYSCURRENT version (firing SECRET_VERSION_CREATED and
/// SECRET_ROTATED), or the task fails (firing SECRET_ROTATED_FAILED); the task and the notifications are
/// written together.
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
    let origin = Origin::new(now, row.request_id);
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
        Err(error) => return fail_with(cx, project, task, &name, &origin, error).await,
    };
    match create_version(cx, project, &name, value, NewVersion::default(), &origin).await {
        Err(StoreError::Backend(e)) => return Err(StoreError::Backend(e)),
        // Refused by a rule (every version holds a stage): nothing was written, the task fails.
        Err(refused) => {
            let error = RotationError::new(ErrorCode::InvalidParameter, refused.to_string());
            return fail_with(cx, project, task, &name, &origin, error).await;
        }
        Ok(_) => {}
    }
    let mut secret = existing(cx.tx, project, &name).await?;
    secret.rotation_time = Some(now);
    put(cx.tx, project, &secret, false).await?;
    let current = find(versions(cx.tx, project, &name).await?, csms_model::LATEST)?;
    fire(cx, &origin, project, &secret, EventType::SecretRotated, Some(&current.meta)).await?;
    task.task_status = TaskStatus::Success;
    put_task(cx.tx, project, &task, None, false).await?;
    Ok(task)
}

async fn fail_with(
    cx: &mut Cx<'_>,
    project: &str,
    mut task: SecretTask,
    name: &str,
    origin: &Origin,
    error: RotationError,
) -> StoreResult<SecretTask> {
    if let Some(secret) = load(cx.tx, project, name).await? {
        fire(cx, origin, project, &secret, EventType::SecretRotatedFailed, None).await?;
    }
    task.task_status = TaskStatus::Failed;
    task.task_error_code = Some(error.code.code().to_owned());
    task.task_error_msg = Some(error.message);
    put_task(cx.tx, project, &task, None, false).await?;
    Ok(task)
}

/// A claimed task row as the task it holds.
fn claimed(claimed: ClaimedTaskRow) -> StoreResult<ClaimedTask> {
    let (project, request_id) = (claimed.project, claimed.row.request_id);
    Ok(ClaimedTask { project, task: serde_json::from_str(&claimed.row.doc)?, request_id })
}

impl Store {
    /// Creates a PENDING rotation task for the secret (refused while its deletion is scheduled); returns
    /// it and the id of the version it will make.
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
                let next = versions(cx.tx, &project, &name).await?.last().map_or(1, |v| v.seq + 1);
                let task = SecretTask {
                    task_id,
                    secret_name: name,
                    rotation_func_urn: secret.rotation_func_urn,
                    task_status: TaskStatus::Pending,
                    operate_type: "MANUAL_ROTATION".to_owned(),
                    task_time: origin.now,
                    attempt_nums: 0,
                    task_error_code: None,
                    task_error_msg: None,
                };
                put_task(cx.tx, &project, &task, origin.request_id.as_deref(), true).await?;
                cx.queued = true;
                Ok((task, format!("v{next}")))
            })
        })
        .await
    }

    /// Claims up to `limit` PENDING tasks for `owner`, for `lease_ms`.
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
    /// many match the filters in all.
    pub async fn tasks(
        &self,
        project: &str,
        filter: TaskFilter,
        limit: usize,
    ) -> StoreResult<(Vec<SecretTask>, u64)> {
        let project = project.to_owned();
        self.read(move |cx| {
            Box::pin(async move {
                let docs = cx.tx.tasks(&project).await?;
                let tasks =
                    docs.iter().map(|doc| serde_json::from_str(doc)).collect::<Result<Vec<_>, _>>()?;
                Ok(filter.page(tasks, limit))
            })
        })
        .await
    }
}
