//! Stages: a named mark on exactly one version of a secret. Moving a stage takes it off the version
//! that held it; moving SYSCURRENT makes its former holder SYSPREVIOUS, as a new version does.

use csms_model::{SYSCURRENT, SYSPREVIOUS, Stage};

use super::shared::secret::usable;
use super::shared::version::{VersionRow, put_version, versions};
use crate::store::job;
use crate::{Store, StoreError, StoreResult};

/// The stage `stage` as it stands on `row`.
fn stage_of(name: &str, stage: &str, row: &VersionRow) -> Stage {
    Stage {
        name: stage.to_owned(),
        secret_name: name.to_owned(),
        update_time: row.stage_time(stage),
        version_id: row.meta.id.clone(),
    }
}

fn holder<'v>(versions: &'v [VersionRow], stage: &str) -> Option<&'v VersionRow> {
    versions.iter().find(|v| v.meta.version_stages.iter().any(|s| s == stage))
}

impl Store {
    /// The stage `stage` of the secret and the version it marks ([`StoreError::StageNotFound`] if none).
    pub async fn stage(&self, project: &str, name: &str, stage: &str) -> StoreResult<Stage> {
        job!(self.read(project, name, stage), |cx| {
            usable(cx.tx, project, name)?;
            let versions = versions(cx.tx, project, name)?;
            let row = holder(&versions, stage).ok_or(StoreError::StageNotFound)?;
            Ok(stage_of(name, stage, row))
        })
    }

    /// Puts the stage on version `id` at `now` (creating the stage), taking it off the version that held
    /// it; moving SYSCURRENT makes its former holder SYSPREVIOUS. At most
    /// [`MAX_STAGES_PER_SECRET`](csms_model::limits::MAX_STAGES_PER_SECRET) stages per secret.
    pub async fn update_stage(
        &self,
        project: &str,
        name: &str,
        stage: &str,
        id: &str,
        now: i64,
    ) -> StoreResult<Stage> {
        job!(self.write(project, name, stage, id), |cx| {
            usable(cx.tx, project, name)?;
            let mut versions = versions(cx.tx, project, name)?;
            let target = versions.iter().position(|v| v.meta.id == id).ok_or(StoreError::VersionNotFound)?;
            if versions[target].meta.version_stages.iter().any(|s| s == stage) {
                return Ok(stage_of(name, stage, &versions[target]));
            }
            let held: std::collections::BTreeSet<&str> =
                versions.iter().flat_map(|v| v.meta.version_stages.iter().map(String::as_str)).collect();
            if !held.contains(stage) && held.len() >= csms_model::limits::MAX_STAGES_PER_SECRET {
                return Err(StoreError::Invalid(format!(
                    "The secret '{name}' carries {} stages already: at most {} are allowed.",
                    held.len(),
                    csms_model::limits::MAX_STAGES_PER_SECRET
                )));
            }
            let before: Vec<Vec<String>> = versions.iter().map(|v| v.meta.version_stages.clone()).collect();
            let former = holder(&versions, stage).map(|v| v.meta.id.clone());
            for row in versions.iter_mut() {
                row.remove_stage(stage);
            }
            if stage == SYSCURRENT
                && let Some(former) = former
            {
                for row in versions.iter_mut() {
                    row.remove_stage(SYSPREVIOUS);
                }
                if let Some(row) = versions.iter_mut().find(|v| v.meta.id == former) {
                    row.add_stage(SYSPREVIOUS, now);
                }
            }
            versions[target].add_stage(stage, now);
            for (row, before) in versions.iter().zip(&before) {
                if row.meta.version_stages != *before || row.seq == versions[target].seq {
                    put_version(cx.tx, project, name, row, None)?;
                }
            }
            Ok(stage_of(name, stage, &versions[target]))
        })
    }

    /// Removes a stage (SYSCURRENT and SYSPREVIOUS cannot be removed).
    pub async fn delete_stage(&self, project: &str, name: &str, stage: &str) -> StoreResult<()> {
        job!(self.write(project, name, stage), |cx| {
            if stage == SYSCURRENT || stage == SYSPREVIOUS {
                return Err(StoreError::Invalid(format!(
                    "{stage} is a stage of the service's own: it cannot be deleted."
                )));
            }
            usable(cx.tx, project, name)?;
            let versions = versions(cx.tx, project, name)?;
            let mut row = holder(&versions, stage).cloned().ok_or(StoreError::StageNotFound)?;
            row.remove_stage(stage);
            put_version(cx.tx, project, name, &row, None)
        })
    }
}
