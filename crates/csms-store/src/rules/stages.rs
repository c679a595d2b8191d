//! Stages: a named mark on exactly one version of a secret, kept with the secret. Moving a stage takes
//! it off the version that held it; moving SYSCURRENT makes its former holder SYSPREVIOUS, as a new
//! version does.

use csms_model::{SYSCURRENT, SYSPREVIOUS, Stage};

use super::shared::stages::{Stages, restage};
use super::shared::version::{usable_staged, version_id};
use crate::store::job;
use crate::{Store, StoreError, StoreResult};

/// The stage `stage` of the secret `name` as `stages` hold it.
fn stage_of(name: &str, stage: &str, stages: &Stages) -> StoreResult<Stage> {
    let (seq, time) = stages.holder(stage).zip(stages.time(stage)).ok_or(StoreError::StageNotFound)?;
    Ok(Stage {
        name: stage.to_owned(),
        secret_name: name.to_owned(),
        update_time: time,
        version_id: version_id(seq),
    })
}

impl Store {
    /// The stage `stage` of the secret and the version it marks ([`StoreError::StageNotFound`] if none).
    pub async fn stage(&self, project: &str, name: &str, stage: &str) -> StoreResult<Stage> {
        job!(self.read(project, name, stage), |cx| {
            let (_, stages) = usable_staged(cx.tx, project, name)?;
            stage_of(name, stage, &stages)
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
            let (secret, mut stages) = usable_staged(cx.tx, project, name)?;
            let seq = csms_model::version_number(id).ok_or(StoreError::VersionNotFound)?;
            if !cx.tx.version_seqs(project, name)?.contains(&seq) {
                return Err(StoreError::VersionNotFound);
            }
            if stages.holder(stage) == Some(seq) {
                return stage_of(name, stage, &stages);
            }
            if stages.holder(stage).is_none() && stages.len() >= csms_model::limits::MAX_STAGES_PER_SECRET {
                return Err(StoreError::Invalid(format!(
                    "The secret '{name}' carries {} stages already: at most {} are allowed.",
                    stages.len(),
                    csms_model::limits::MAX_STAGES_PER_SECRET
                )));
            }
            stages.put(stage, seq, now);
            restage(cx.tx, project, &secret, &stages)?;
            stage_of(name, stage, &stages)
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
            let (secret, mut stages) = usable_staged(cx.tx, project, name)?;
            if !stages.remove(stage) {
                return Err(StoreError::StageNotFound);
            }
            restage(cx.tx, project, &secret, &stages)
        })
    }
}
