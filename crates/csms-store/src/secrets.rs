//! The secrets' rules, written once for every backend: each operation is a function over a [`SecretTx`],
//! the few primitive reads and writes a backend offers inside one of its transactions (a locked map, a
//! SQLite savepoint, a PostgreSQL transaction). Every check comes before the first write, so an operation
//! that fails changes nothing even where the backend cannot roll back.

use csms_model::limits::MAX_VERSIONS_PER_SECRET;
use csms_model::{
    LATEST, SYSCURRENT, SYSPREVIOUS, Secret, SecretState, SecretValue, UpdateSecretRequestBody, Version,
    VersionMetadata,
};
use serde::{Deserialize, Serialize};

use crate::cipher::{Cipher, value_aad};
use crate::{StoreError, StoreResult};

/// A version's value as given: text (`secret_string`) or base64 (`secret_binary`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// UTF-8 text.
    String(SecretValue),
    /// Base64 of binary data, kept as given.
    Binary(SecretValue),
}

impl Payload {
    fn value(&self) -> &SecretValue {
        match self {
            Payload::String(v) | Payload::Binary(v) => v,
        }
    }
}

/// A version as stored, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct VersionRow {
    /// `n` of the id `vn`: the creation order.
    #[serde(skip)]
    pub(crate) seq: i64,
    #[serde(flatten)]
    pub(crate) meta: VersionMetadata,
    /// Whether the value was given as `secret_binary`.
    pub(crate) binary: bool,
}

/// The primitive reads and writes of one backend transaction. A read of a row the operation may write
/// locks it where the backend locks rows.
pub(crate) trait SecretTx {
    /// The secret of that name, locked for update.
    async fn secret(&mut self, project: &str, name: &str) -> StoreResult<Option<Secret>>;
    /// How many secrets the project holds; serialises secret creation in the project.
    async fn secret_count(&mut self, project: &str) -> StoreResult<u64>;
    /// Whether the project has an event of that name; keeps it from being deleted until the end.
    async fn event_exists(&mut self, project: &str, event: &str) -> StoreResult<bool>;
    /// Inserts (`new`) or replaces a secret.
    async fn put_secret(&mut self, project: &str, secret: &Secret, new: bool) -> StoreResult<()>;
    /// Removes a secret and all its versions.
    async fn remove_secret(&mut self, project: &str, name: &str) -> StoreResult<()>;
    /// Every version of the secret, oldest first.
    async fn versions(&mut self, project: &str, secret: &str) -> StoreResult<Vec<VersionRow>>;
    /// The sealed value of one version.
    async fn sealed_value(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<Option<Vec<u8>>>;
    /// Inserts a version with its sealed value (`Some`), or replaces a version's metadata (`None`).
    async fn put_version(
        &mut self,
        project: &str,
        secret: &str,
        row: &VersionRow,
        sealed: Option<&[u8]>,
    ) -> StoreResult<()>;
    /// Removes one version.
    async fn remove_version(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<()>;
}

fn version_id(seq: i64) -> String {
    format!("v{seq}")
}

/// `expire_time` as stored: whole seconds, the milliseconds truncated.
fn to_seconds(ms: i64) -> i64 {
    ms - ms.rem_euclid(1000)
}

async fn existing<T: SecretTx>(tx: &mut T, project: &str, name: &str) -> StoreResult<Secret> {
    tx.secret(project, name).await?.ok_or(StoreError::NotFound)
}

/// The secret, unless its deletion is scheduled.
async fn usable<T: SecretTx>(tx: &mut T, project: &str, name: &str) -> StoreResult<Secret> {
    let secret = existing(tx, project, name).await?;
    if secret.state == SecretState::PendingDelete {
        return Err(StoreError::PendingDeletion);
    }
    Ok(secret)
}

async fn check_subscriptions<T: SecretTx>(tx: &mut T, project: &str, events: &[String]) -> StoreResult<()> {
    for event in events {
        if !tx.event_exists(project, event).await? {
            return Err(StoreError::UnknownEvent(event.clone()));
        }
    }
    Ok(())
}

pub(crate) async fn create_secret<T: SecretTx>(
    tx: &mut T,
    cipher: &Cipher,
    project: &str,
    secret: Secret,
    payload: Payload,
    quota: u64,
) -> StoreResult<Secret> {
    let count = tx.secret_count(project).await?;
    if tx.secret(project, &secret.name).await?.is_some() {
        return Err(StoreError::AlreadyExists);
    }
    if count >= quota {
        return Err(StoreError::SecretQuotaExceeded);
    }
    check_subscriptions(tx, project, &secret.event_subscriptions).await?;
    let first = VersionRow {
        seq: 1,
        meta: VersionMetadata {
            id: version_id(1),
            create_time: secret.create_time,
            expire_time: None,
            kms_key_id: secret.kms_key_id.clone(),
            secret_name: secret.name.clone(),
            version_stages: vec![SYSCURRENT.to_owned()],
        },
        binary: matches!(payload, Payload::Binary(_)),
    };
    let sealed = seal(cipher, project, &secret, &first, &payload);
    tx.put_secret(project, &secret, true).await?;
    tx.put_version(project, &secret.name, &first, Some(&sealed)).await?;
    Ok(secret)
}

fn seal(cipher: &Cipher, project: &str, secret: &Secret, row: &VersionRow, payload: &Payload) -> Vec<u8> {
    cipher.seal(&value_aad(project, &secret.id, &row.meta.id), payload.value().expose().as_bytes())
}

pub(crate) async fn update_secret<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    patch: UpdateSecretRequestBody,
    now: i64,
) -> StoreResult<Secret> {
    let mut secret = usable(tx, project, name).await?;
    if let Some(events) = &patch.event_subscriptions {
        check_subscriptions(tx, project, events).await?;
    }
    let UpdateSecretRequestBody {
        kms_key_id,
        description,
        auto_rotation,
        rotation_period,
        event_subscriptions,
        rotation_func_urn,
    } = patch;
    let mut changed = false;
    let mut set = |field: &mut Option<_>, value: Option<_>| {
        if value.is_some() {
            *field = value;
            changed = true;
        }
    };
    set(&mut secret.kms_key_id, kms_key_id);
    set(&mut secret.description, description);
    set(&mut secret.rotation_period, rotation_period);
    set(&mut secret.rotation_func_urn, rotation_func_urn);
    if let Some(on) = auto_rotation {
        secret.auto_rotation = Some(on);
        changed = true;
    }
    if let Some(events) = event_subscriptions {
        secret.event_subscriptions = events;
        changed = true;
    }
    if changed {
        secret.update_time = now;
        tx.put_secret(project, &secret, false).await?;
    }
    Ok(secret)
}

pub(crate) async fn delete_secret<T: SecretTx>(tx: &mut T, project: &str, name: &str) -> StoreResult<Secret> {
    let secret = existing(tx, project, name).await?;
    tx.remove_secret(project, name).await?;
    Ok(secret)
}

pub(crate) async fn schedule_deletion<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    at: i64,
    now: i64,
) -> StoreResult<Secret> {
    let mut secret = usable(tx, project, name).await?;
    secret.state = SecretState::PendingDelete;
    secret.scheduled_delete_time = Some(at);
    secret.update_time = now;
    tx.put_secret(project, &secret, false).await?;
    Ok(secret)
}

pub(crate) async fn restore<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    now: i64,
) -> StoreResult<Secret> {
    let mut secret = existing(tx, project, name).await?;
    if secret.state != SecretState::PendingDelete {
        return Err(StoreError::NotPendingDeletion);
    }
    secret.state = SecretState::Enabled;
    secret.scheduled_delete_time = None;
    secret.update_time = now;
    tx.put_secret(project, &secret, false).await?;
    Ok(secret)
}

/// What a new version asks for besides its value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewVersion {
    /// The stages the new version takes (`SYSCURRENT` when absent).
    pub version_stages: Option<Vec<String>>,
    /// When it expires, epoch milliseconds (stored with second precision).
    pub expire_time: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn create_version<T: SecretTx>(
    tx: &mut T,
    cipher: &Cipher,
    project: &str,
    name: &str,
    payload: Payload,
    new: NewVersion,
    now: i64,
) -> StoreResult<VersionMetadata> {
    let mut secret = usable(tx, project, name).await?;
    let mut versions = tx.versions(project, name).await?;
    let (seq, create_time) = match versions.last() {
        Some(last) => (last.seq + 1, now.max(last.meta.create_time + 1)),
        None => (1, now),
    };
    let stages = new.version_stages.unwrap_or_else(|| vec![SYSCURRENT.to_owned()]);
    let takes_current = stages.iter().any(|s| s == SYSCURRENT);
    // The stages move: the new version takes its stages from whoever held them, and the version that
    // loses SYSCURRENT to it becomes SYSPREVIOUS.
    let mut changed = Vec::new();
    for (i, row) in versions.iter_mut().enumerate() {
        let before = row.meta.version_stages.clone();
        let was_current = before.iter().any(|s| s == SYSCURRENT);
        row.meta.version_stages.retain(|s| !(stages.contains(s) || (takes_current && s == SYSPREVIOUS)));
        if takes_current && was_current {
            row.meta.version_stages.push(SYSPREVIOUS.to_owned());
        }
        if row.meta.version_stages != before {
            changed.push(i);
        }
    }
    let row = VersionRow {
        seq,
        meta: VersionMetadata {
            id: version_id(seq),
            create_time,
            expire_time: new.expire_time.map(to_seconds),
            kms_key_id: secret.kms_key_id.clone(),
            secret_name: secret.name.clone(),
            version_stages: stages,
        },
        binary: matches!(payload, Payload::Binary(_)),
    };
    // At most MAX_VERSIONS_PER_SECRET: the oldest versions that hold no stage make room.
    let excess = (versions.len() + 1).saturating_sub(MAX_VERSIONS_PER_SECRET);
    let pruned: Vec<usize> = versions
        .iter()
        .enumerate()
        .filter(|(_, v)| v.meta.version_stages.is_empty())
        .map(|(i, _)| i)
        .take(excess)
        .collect();
    if pruned.len() < excess {
        return Err(StoreError::Invalid(format!(
            "The secret '{name}' has {MAX_VERSIONS_PER_SECRET} versions and every one holds a stage: \
             move a stage off an old version before adding one."
        )));
    }
    // Checks done: the writes.
    let sealed = seal(cipher, project, &secret, &row, &payload);
    for &i in &pruned {
        tx.remove_version(project, name, versions[i].seq).await?;
    }
    for &i in changed.iter().filter(|i| !pruned.contains(i)) {
        tx.put_version(project, name, &versions[i], None).await?;
    }
    tx.put_version(project, name, &row, Some(&sealed)).await?;
    secret.update_time = now;
    tx.put_secret(project, &secret, false).await?;
    Ok(row.meta)
}

pub(crate) async fn list_versions<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    after: Option<i64>,
    limit: usize,
) -> StoreResult<Vec<VersionMetadata>> {
    usable(tx, project, name).await?;
    let after = after.unwrap_or(0);
    Ok(tx
        .versions(project, name)
        .await?
        .into_iter()
        .filter(|v| v.seq > after)
        .take(limit)
        .map(|v| v.meta)
        .collect())
}

/// The version that `id` names: `vn`, or `latest` for the holder of SYSCURRENT.
fn find(versions: Vec<VersionRow>, id: &str) -> StoreResult<VersionRow> {
    versions
        .into_iter()
        .find(|v| {
            if id == LATEST { v.meta.version_stages.iter().any(|s| s == SYSCURRENT) } else { v.meta.id == id }
        })
        .ok_or(StoreError::VersionNotFound)
}

pub(crate) async fn show_version<T: SecretTx>(
    tx: &mut T,
    cipher: &Cipher,
    project: &str,
    name: &str,
    id: &str,
) -> StoreResult<Version> {
    let secret = usable(tx, project, name).await?;
    let row = find(tx.versions(project, name).await?, id)?;
    let sealed = tx.sealed_value(project, name, row.seq).await?.ok_or(StoreError::VersionNotFound)?;
    let plain = cipher.open(&value_aad(project, &secret.id, &row.meta.id), &sealed)?;
    let value = SecretValue::new(
        String::from_utf8(plain).map_err(|_| StoreError::backend("a stored value is not UTF-8"))?,
    );
    let (secret_string, secret_binary) = if row.binary { (None, Some(value)) } else { (Some(value), None) };
    Ok(Version { version_metadata: row.meta, secret_string, secret_binary })
}

pub(crate) async fn update_version<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    id: &str,
    expire_time: i64,
    _now: i64,
) -> StoreResult<VersionMetadata> {
    usable(tx, project, name).await?;
    let mut row = find(tx.versions(project, name).await?, id)?;
    row.meta.expire_time = Some(to_seconds(expire_time));
    tx.put_version(project, name, &row, None).await?;
    Ok(row.meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_ids_and_expiry_seconds() {
        assert_eq!(csms_model::version_number(&version_id(20)), Some(20));
        for bad in ["v0", "v01", "v", "1", "vx", "v-1", "latest", "v99999999999999999999"] {
            assert_eq!(csms_model::version_number(bad), None, "{bad}");
        }
        assert_eq!(to_seconds(1_700_000_000_999), 1_700_000_000_000);
        assert_eq!(to_seconds(-1), -1000);
    }
}
