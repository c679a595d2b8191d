//! Backups: a secret, all its versions (values still sealed) and its tags in one blob, sealed again under
//! the master key for its project. A blob restores only a secret that no longer exists, in the project
//! it came from.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use csms_model::{Secret, SecretState};
use serde::{Deserialize, Serialize};

use super::shared::secret::{existing, schedule};
use super::shared::stages::{Stages, insert_staged};
use super::shared::version::{VersionRow, gathered, usable_staged};
use crate::backend::{TagRow, VersionRecord};
use crate::rows::decode_secret;
use crate::store::{Cx, job};
use crate::{Cipher, Store, StoreError, StoreResult};

use csms_model::SECRET_BLOB_PREFIX as BLOB_PREFIX;

/// The associated data of a blob: it names its format and its project.
fn blob_aad(project: &str) -> Vec<u8> {
    format!("csms/backup/v1\0{project}").into_bytes()
}

/// A blob's content, before sealing.
#[derive(Serialize, Deserialize)]
struct Backup {
    /// The secret's stored document.
    secret: String,
    versions: Vec<BackupVersion>,
    #[serde(default)]
    tags: Vec<(String, String)>,
    /// The secret's stages (absent from blobs made before they were kept with the secret: those take
    /// them from the version documents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stages: Option<Stages>,
}

#[derive(Serialize, Deserialize)]
struct BackupVersion {
    seq: i64,
    expire_at: Option<i64>,
    doc: String,
    /// The value as stored: sealed to the project, the secret's id and the version's id.
    sealed: String,
}

fn seal_backup(cipher: &Cipher, project: &str, backup: &Backup) -> StoreResult<String> {
    let json = serde_json::to_vec(backup)?;
    Ok(format!("{BLOB_PREFIX}{}", URL_SAFE_NO_PAD.encode(cipher.seal(&blob_aad(project), &json))))
}

fn open_backup(cipher: &Cipher, project: &str, blob: &str) -> StoreResult<Backup> {
    let body = blob.strip_prefix(BLOB_PREFIX).ok_or(StoreError::InvalidBlob)?;
    let sealed = URL_SAFE_NO_PAD.decode(body).map_err(|_| StoreError::InvalidBlob)?;
    let json = cipher.open(&blob_aad(project), &sealed).map_err(|_| StoreError::InvalidBlob)?;
    serde_json::from_slice(&json).map_err(|_| StoreError::InvalidBlob)
}

fn backup(cx: &mut Cx<'_>, project: &str, name: &str) -> StoreResult<String> {
    let (_, stages) = usable_staged(cx.tx, project, name)?;
    let secret = cx.tx.secret(project, name)?.ok_or(StoreError::NotFound)?;
    let mut versions = Vec::new();
    for record in cx.tx.versions(project, name)? {
        let sealed = cx.tx.sealed_value(project, name, record.seq)?.ok_or(StoreError::VersionNotFound)?;
        versions.push(BackupVersion {
            seq: record.seq,
            expire_at: record.expire_at,
            doc: record.doc,
            sealed: URL_SAFE_NO_PAD.encode(sealed),
        });
    }
    let tags = cx.tx.tags(project, Some(name))?.into_iter().map(|t| (t.key, t.value)).collect();
    seal_backup(cx.cipher, project, &Backup { secret, versions, tags, stages: Some(stages) })
}

fn restore(cx: &mut Cx<'_>, project: &str, blob: &str, quota: u64, now: i64) -> StoreResult<Secret> {
    let backup = open_backup(cx.cipher, project, blob)?;
    let mut secret = decode_secret(&backup.secret).map_err(|_| StoreError::InvalidBlob)?;
    let mut versions = Vec::with_capacity(backup.versions.len());
    for v in backup.versions {
        let sealed = URL_SAFE_NO_PAD.decode(&v.sealed).map_err(|_| StoreError::InvalidBlob)?;
        versions.push(VersionRecord { seq: v.seq, expire_at: v.expire_at, doc: v.doc, sealed: Some(sealed) });
    }
    let stages = match backup.stages {
        Some(stages) => stages,
        None => {
            let rows: StoreResult<Vec<VersionRow>> =
                versions.iter().map(|record| VersionRow::decode(record, project)).collect();
            gathered(&rows.map_err(|_| StoreError::InvalidBlob)?)
        }
    };
    // The checks.
    if cx.tx.secret(project, &secret.name)?.is_some() || cx.tx.secret_by_id(project, &secret.id)?.is_some() {
        return Err(StoreError::AlreadyExists);
    }
    if cx.tx.secret_count(project)? >= quota {
        return Err(StoreError::SecretQuotaExceeded);
    }
    // A subscription is kept only while its event exists.
    let mut subscriptions = Vec::new();
    for event in std::mem::take(&mut secret.event_subscriptions) {
        if cx.tx.event_exists(project, &event)? {
            subscriptions.push(event);
        }
    }
    secret.event_subscriptions = subscriptions;
    secret.state = SecretState::Enabled;
    secret.scheduled_delete_time = None;
    secret.update_time = now;
    // A rotation that came due while the secret was gone starts its period again, from now.
    if secret.next_rotation_time.is_some_and(|t| t <= now) {
        schedule(&mut secret, now)?;
    }
    // The writes.
    insert_staged(cx.tx, project, &secret, &stages)?;
    for record in &versions {
        cx.tx.put_version(project, &secret.name, record)?;
    }
    for (key, value) in backup.tags {
        cx.tx.put_tag(project, &TagRow { secret: secret.name.clone(), key, value })?;
    }
    existing(cx.tx, project, &secret.name)
}

impl Store {
    /// A backup of the secret: its metadata, all its versions with their values and stages, and its
    /// tags, sealed under the master key for this project (see [`csms_model::SECRET_BLOB_PREFIX`]).
    pub async fn backup_secret(&self, project: &str, name: &str) -> StoreResult<String> {
        job!(self.read(project, name), |cx| backup(cx, project, name))
    }

    /// Restores a backup made by [`Store::backup_secret`] in this project: the secret comes back
    /// `ENABLED` with its id, versions, stages and tags, and the subscriptions whose events still exist.
    /// A blob that is not this project's or was altered is [`StoreError::InvalidBlob`]; a secret of that
    /// name (or id) that exists is [`StoreError::AlreadyExists`]; the quota holds as at creation.
    pub async fn restore_secret_blob(
        &self,
        project: &str,
        blob: &str,
        quota: u64,
        now: i64,
    ) -> StoreResult<Secret> {
        job!(self.write(project, blob), |cx| restore(cx, project, blob, quota, now))
    }
}
