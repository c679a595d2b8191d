//! A rotation task's row, and the one way a task is queued (by RotateSecret, or by the scan for a
//! scheduled rotation): PENDING, reserving the version it will make.

use csms_model::limits::ENDED_TASKS_PER_PROJECT;
use csms_model::{ErrorCode, Secret, SecretTask, StringEnum, TaskStatus};

use crate::backend::{TaskRow, Tx};
use crate::store::Cx;
use crate::{Origin, StoreResult};

/// A task's `operate_type` when RotateSecret started it.
pub const MANUAL_ROTATION: &str = "MANUAL_ROTATION";
/// A task's `operate_type` when the secret's schedule (`auto_rotation`) started it.
pub const SCHEDULED_ROTATION: &str = "AUTO_ROTATION";

/// A task's row: its document, and the columns the indexes read.
fn row(
    task: &SecretTask,
    secret_id: Option<String>,
    request_id: Option<String>,
    version_seq: Option<i64>,
    finished_at: Option<i64>,
) -> StoreResult<TaskRow> {
    Ok(TaskRow {
        id: task.task_id.clone(),
        secret: task.secret_name.clone(),
        secret_id,
        status: task.task_status.as_str().to_owned(),
        request_id,
        version_seq,
        finished_at,
        doc: serde_json::to_string(task)?,
    })
}

/// A PENDING task for the secret (by its id: the task acts on this secret only), reserving version `seq`,
/// the one it will make.
pub(in crate::rules) fn queue(
    cx: &mut Cx<'_>,
    project: &str,
    secret: &Secret,
    task_id: String,
    operate_type: &str,
    seq: i64,
    origin: &Origin,
) -> StoreResult<(SecretTask, String)> {
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
    let row = row(&task, Some(secret.id.clone()), origin.request_id.clone(), Some(seq), None)?;
    cx.tx.put_task(project, &row, true)?;
    cx.queued = true;
    Ok((task, format!("v{seq}")))
}

/// Writes a task that ended at `now`, and lets the project keep only its last [`ENDED_TASKS_PER_PROJECT`]
/// ended tasks.
pub(in crate::rules) fn end(
    tx: &mut dyn Tx,
    project: &str,
    task: &SecretTask,
    was: TaskRow,
    now: i64,
) -> StoreResult<()> {
    tx.put_task(project, &row(task, was.secret_id, was.request_id, was.version_seq, Some(now))?, false)?;
    tx.trim_tasks(project, ENDED_TASKS_PER_PROJECT)?;
    Ok(())
}

/// A task that ended FAILED at `now`, with `code` and `message`.
pub(in crate::rules) fn failed(mut task: SecretTask, code: ErrorCode, message: String) -> SecretTask {
    task.task_status = TaskStatus::Failed;
    task.task_error_code = Some(code.code().to_owned());
    task.task_error_msg = Some(message);
    task
}

/// Ends the rotation waiting for `secret`, if one is, FAILED `CSMS.0005`: its secret is being deleted, so
/// it never runs (and never acts on a later secret of the same name).
pub(in crate::rules) fn end_waiting(
    tx: &mut dyn Tx,
    project: &str,
    secret: &Secret,
    now: i64,
) -> StoreResult<()> {
    let Some(row) = tx.pending_task(project, &secret.name)? else { return Ok(()) };
    let task: SecretTask = serde_json::from_str(&row.doc)?;
    let message = format!("The secret '{}' was deleted before its rotation ran.", secret.name);
    end(tx, project, &failed(task, ErrorCode::NotFound, message), row, now)
}
