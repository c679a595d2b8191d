//! A secret's stages, kept with the secret: which version each stage marks and since when, in the order
//! they were put, and when the secret's newest version was made. (Reading them with the secret, and
//! from the version documents of stores before migration 11, is `version.rs`'s.)
//!
//! A stage is the secret's pointer to one version (upstream's ShowSecretStage answers it so), so moving
//! one rewrites the secret's row alone, and adding a version reads no other version's document: it
//! writes the new version, the pruned one and the secret. Stores written before migration 11 kept each
//! version's stages in its own document; the migration gathered them, and a row without them (written
//! since by an earlier build) is read from those documents as before.

use csms_model::{SYSCURRENT, SYSPREVIOUS, Secret};
use serde::{Deserialize, Serialize};

use super::secret::put_with;
use crate::StoreResult;
use crate::backend::Tx;

/// The stages of one secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(in crate::rules) struct Stages {
    /// `(stage, version number, when it was put there)`, in the order the stages were put.
    stages: Vec<(String, i64, i64)>,
    /// When the newest version was made (a new one is made after it).
    #[serde(default)]
    created: Option<i64>,
}

impl Stages {
    /// The first version's stages: SYSCURRENT on version 1, made at `now`.
    pub(in crate::rules) fn first(now: i64) -> Self {
        Stages { stages: vec![(SYSCURRENT.to_owned(), 1, now)], created: Some(now) }
    }

    /// Stages as they were gathered from elsewhere: `(stage, version number, since when)` in the order
    /// they were put, and when the newest version was made.
    pub(in crate::rules) fn from_parts(stages: Vec<(String, i64, i64)>, created: Option<i64>) -> Self {
        Stages { stages, created }
    }

    /// The number of the version that `stage` marks.
    pub(in crate::rules) fn holder(&self, stage: &str) -> Option<i64> {
        self.stages.iter().find(|(s, ..)| s == stage).map(|(_, seq, _)| *seq)
    }

    /// When `stage` was put on the version it marks.
    pub(in crate::rules) fn time(&self, stage: &str) -> Option<i64> {
        self.stages.iter().find(|(s, ..)| s == stage).map(|(.., at)| *at)
    }

    /// The stages of version `seq`, in the order they were put.
    pub(in crate::rules) fn of(&self, seq: i64) -> Vec<String> {
        self.stages.iter().filter(|(_, v, _)| *v == seq).map(|(s, ..)| s.clone()).collect()
    }

    /// Whether version `seq` holds a stage.
    pub(in crate::rules) fn holds(&self, seq: i64) -> bool {
        self.stages.iter().any(|(_, v, _)| *v == seq)
    }

    /// How many stages the secret carries.
    pub(in crate::rules) fn len(&self) -> usize {
        self.stages.len()
    }

    /// When the newest version was made (0 when unknown).
    pub(in crate::rules) fn created(&self) -> i64 {
        self.created.unwrap_or(0)
    }

    /// Records that a version was made at `at`.
    pub(in crate::rules) fn made(&mut self, at: i64) {
        self.created = Some(self.created().max(at));
    }

    /// Takes `stage` off its version; whether it was on one.
    pub(in crate::rules) fn remove(&mut self, stage: &str) -> bool {
        let before = self.stages.len();
        self.stages.retain(|(s, ..)| s != stage);
        before != self.stages.len()
    }

    /// Puts `stage` on version `seq` at `now`, taking it off the version that held it; moving SYSCURRENT
    /// makes its former holder SYSPREVIOUS (as a new version and UpdateSecretStage both do).
    pub(in crate::rules) fn put(&mut self, stage: &str, seq: i64, now: i64) {
        if self.holder(stage) == Some(seq) {
            return;
        }
        let former = self.holder(stage);
        self.remove(stage);
        if stage == SYSCURRENT
            && let Some(former) = former
        {
            self.remove(SYSPREVIOUS);
            self.stages.push((SYSPREVIOUS.to_owned(), former, now));
        }
        self.stages.push((stage.to_owned(), seq, now));
    }

    /// Dates every stage of version `seq` at `at` (a new version's stages date from its creation).
    pub(in crate::rules) fn stamp(&mut self, seq: i64, at: i64) {
        for (_, v, time) in &mut self.stages {
            if *v == seq {
                *time = at;
            }
        }
    }

    pub(in crate::rules) fn to_json(&self) -> StoreResult<String> {
        Ok(serde_json::to_string(self)?)
    }
}

/// Inserts the secret's row with these stages.
pub(in crate::rules) fn insert_staged(
    tx: &mut dyn Tx,
    project: &str,
    secret: &Secret,
    stages: &Stages,
) -> StoreResult<()> {
    put_with(tx, project, secret, true, Some(&stages.to_json()?))
}

/// Replaces the secret's document and its stages, when nothing its indexes read has changed (its
/// subscription, id, scheduled deletion and rotation: those go through `secret::put`).
pub(in crate::rules) fn restage(
    tx: &mut dyn Tx,
    project: &str,
    secret: &Secret,
    stages: &Stages,
) -> StoreResult<()> {
    tx.put_secret_doc(project, &secret.name, &serde_json::to_string(secret)?, &stages.to_json()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_syscurrent_makes_its_former_holder_sysprevious() {
        let mut stages = Stages::first(10);
        stages.put("SYSCURRENT", 2, 20);
        assert_eq!(
            (stages.of(1), stages.of(2)),
            (vec!["SYSPREVIOUS".to_owned()], vec!["SYSCURRENT".to_owned()])
        );
        stages.put("SYSCURRENT", 3, 30);
        assert_eq!(stages.holder("SYSPREVIOUS"), Some(2), "the one before moves on");
        assert!(!stages.holds(1));
        // Putting a stage where it is changes nothing, not even its time.
        stages.put("SYSCURRENT", 3, 40);
        assert_eq!(stages.time("SYSCURRENT"), Some(30));
        // A stage of one's own moves alone.
        stages.put("mine", 1, 50);
        stages.put("mine", 2, 60);
        assert_eq!((stages.of(1), stages.of(2)), (vec![], vec!["SYSPREVIOUS".to_owned(), "mine".to_owned()]));
        assert_eq!(stages.len(), 3);
        assert!(stages.remove("mine") && !stages.remove("mine"));
    }

    #[test]
    fn the_stored_form_is_stable() {
        let mut stages = Stages::first(10);
        stages.put("SYSCURRENT", 2, 20);
        stages.made(20);
        let json = stages.to_json().unwrap();
        assert_eq!(json, r#"{"stages":[["SYSPREVIOUS",1,20],["SYSCURRENT",2,20]],"created":20}"#);
        assert_eq!(serde_json::from_str::<Stages>(&json).unwrap(), stages);
        // As migration 11 writes a secret without versions.
        let empty: Stages = serde_json::from_str(r#"{"stages":[],"created":null}"#).unwrap();
        assert_eq!((empty.len(), empty.created()), (0, 0));
    }
}
