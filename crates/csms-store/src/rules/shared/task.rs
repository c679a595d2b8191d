//! A rotation task's row, and the one way a task is queued (by RotateSecret, or by the scan for a
//! scheduled rotation): PENDING, reserving the version it will make.

use csms_model::{SecretTask, StringEnum, TaskStatus};

use super::version::next_seq;
use crate::backend::TaskRow;
use crate::store::Cx;
use crate::{Origin, StoreResult};

/// A task's `operate_type` when RotateSecret started it.
pub const MANUAL_ROTATION: &str = "MANUAL_ROTATION";
/// A task's `operate_type` when the secret's schedule (`auto_rotation`) started it.
pub const SCHEDULED_ROTATION: &str = "AUTO_ROTATION";

/// A task's row: its document, and the columns the indexes read.
pub(in crate::rules) fn row(
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

/// A PENDING task for the secret, reserving the version it will make.
pub(in crate::rules) fn queue(
    cx: &mut Cx<'_>,
    project: &str,
    secret: &csms_model::Secret,
    task_id: String,
    operate_type: &str,
    origin: &Origin,
) -> StoreResult<(SecretTask, String)> {
    let seq = next_seq(cx.tx, project, &secret.name)?;
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
    cx.tx.put_task(project, &row(&task, origin.request_id.clone(), Some(seq), None)?, true)?;
    cx.queued = true;
    Ok((task, format!("v{seq}")))
}
