//! A secret's versions: their rows (metadata, the value sealed apart; the stages are the secret's, see
//! `stages.rs`), the next number, the one way a version is added (stages moved, the oldest pruned past
//! the bound, SECRET_VERSION_CREATED fired) and the one way a value is opened.

use csms_model::limits::MAX_VERSIONS_PER_SECRET;
use csms_model::{EventType, LATEST, SYSCURRENT, Secret, SecretValue, Version, VersionMetadata};
use serde::{Deserialize, Serialize};

use super::fire::fire;
use super::kms;
use super::secret::completed;
use super::secret::default_key_id;
use super::stages::{Stages, restage};
use crate::backend::{Tx, VersionRecord};
use crate::cipher::value_aad;
use crate::rows::decode_secret;
use crate::store::Cx;
use crate::{NewVersion, Origin, Payload, StoreError, StoreResult};

/// A version as stored, without its value. Its document is one flat object (the metadata's members, then
/// the row's own), read and written through [`StoredVersion`]: the same bytes a `#[serde(flatten)]`
/// writes, without flatten's buffering of every member on each read (a tenth of the writer's time).
/// `meta.version_stages` is filled from the secret's [`Stages`] when a row is answered; a document is
/// written without stages (documents written before migration 11 hold those of their time, read only
/// by [`gathered`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredVersion", into = "StoredVersion")]
pub(in crate::rules) struct VersionRow {
    /// `n` of the id `vn`: the creation order.
    pub(in crate::rules) seq: i64,
    pub(in crate::rules) meta: VersionMetadata,
    /// Whether the value was given as `secret_binary`.
    pub(in crate::rules) binary: bool,
    /// Whether the expiry in `meta.expire_time` has fired (UpdateVersion re-arms it).
    pub(in crate::rules) expiry_fired: bool,
    /// The request that set the expiry.
    pub(in crate::rules) expiry_request_id: Option<String>,
    /// When each of its stages was put on it, epoch milliseconds (absent: its creation), in documents
    /// written before migration 11.
    pub(in crate::rules) stage_times: std::collections::BTreeMap<String, i64>,
}

/// A version's document, member by member.
#[derive(Serialize, Deserialize)]
struct StoredVersion {
    id: String,
    create_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expire_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kms_key_id: Option<String>,
    secret_name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    version_stages: Vec<String>,
    binary: bool,
    #[serde(default)]
    expiry_fired: bool,
    #[serde(default)]
    expiry_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    stage_times: std::collections::BTreeMap<String, i64>,
}

impl From<StoredVersion> for VersionRow {
    fn from(s: StoredVersion) -> Self {
        VersionRow {
            seq: 0,
            meta: VersionMetadata {
                id: s.id,
                create_time: s.create_time,
                expire_time: s.expire_time,
                kms_key_id: s.kms_key_id,
                secret_name: s.secret_name,
                version_stages: s.version_stages,
            },
            binary: s.binary,
            expiry_fired: s.expiry_fired,
            expiry_request_id: s.expiry_request_id,
            stage_times: s.stage_times,
        }
    }
}

impl From<VersionRow> for StoredVersion {
    /// The stages stay out: they are the secret's.
    fn from(row: VersionRow) -> Self {
        let m = row.meta;
        StoredVersion {
            id: m.id,
            create_time: m.create_time,
            expire_time: m.expire_time,
            kms_key_id: m.kms_key_id,
            secret_name: m.secret_name,
            version_stages: Vec::new(),
            binary: row.binary,
            expiry_fired: row.expiry_fired,
            expiry_request_id: row.expiry_request_id,
            stage_times: Default::default(),
        }
    }
}

impl VersionRow {
    /// When the expiry scan must fire for this version: its expiry, unless that has fired.
    pub(in crate::rules) fn expiry_due(&self) -> Option<i64> {
        self.meta.expire_time.filter(|_| !self.expiry_fired)
    }

    /// The row, with its sealed value when it is inserted.
    fn record(&self, sealed: Option<Vec<u8>>) -> StoreResult<VersionRecord> {
        Ok(VersionRecord {
            seq: self.seq,
            expire_at: self.expiry_due(),
            doc: serde_json::to_string(self)?,
            sealed,
        })
    }

    /// The row of `record`, of a secret of `project` (a version that names no key was sealed under the
    /// project's default key).
    pub(in crate::rules) fn decode(record: &VersionRecord, project: &str) -> StoreResult<Self> {
        let mut row = VersionRow { seq: record.seq, ..serde_json::from_str(&record.doc)? };
        row.meta.kms_key_id.get_or_insert_with(|| default_key_id(project));
        Ok(row)
    }

    /// Whether `id` names this version: `vn`, or `latest` for the holder of SYSCURRENT.
    fn is(&self, id: &str) -> bool {
        if id == LATEST {
            self.meta.version_stages.iter().any(|s| s == SYSCURRENT)
        } else {
            self.meta.id == id
        }
    }

    /// When `stage` was put on this version, as a document written before migration 11 says.
    pub(in crate::rules) fn stage_time(&self, stage: &str) -> i64 {
        self.stage_times.get(stage).copied().unwrap_or(self.meta.create_time)
    }
}

pub(in crate::rules) fn version_id(seq: i64) -> String {
    format!("v{seq}")
}

/// `expire_time` as stored: whole seconds, the milliseconds truncated.
pub(in crate::rules) fn to_seconds(ms: i64) -> i64 {
    ms - ms.rem_euclid(1000)
}

/// Every version of the secret, oldest first, without their values (and without their stages: see
/// [`staged_versions`]).
pub(in crate::rules) fn versions(tx: &mut dyn Tx, project: &str, name: &str) -> StoreResult<Vec<VersionRow>> {
    tx.versions(project, name)?.iter().map(|record| VersionRow::decode(record, project)).collect()
}

/// Every version of the secret, oldest first, each with the stages it holds.
pub(in crate::rules) fn staged_versions(
    tx: &mut dyn Tx,
    project: &str,
    name: &str,
    stages: &Stages,
) -> StoreResult<Vec<VersionRow>> {
    let mut rows = versions(tx, project, name)?;
    for row in &mut rows {
        row.meta.version_stages = stages.of(row.seq);
    }
    Ok(rows)
}

/// The stages that the versions' own documents hold, as stores kept them before migration 11 (and
/// backups made then).
pub(in crate::rules) fn gathered(versions: &[VersionRow]) -> Stages {
    let stages = versions
        .iter()
        .flat_map(|v| v.meta.version_stages.iter().map(|s| (s.clone(), v.seq, v.stage_time(s))))
        .collect();
    Stages::from_parts(stages, versions.iter().map(|v| v.meta.create_time).max())
}

/// The secret of that name with its stages, if any (a row written without them takes them from its
/// versions' documents).
pub(in crate::rules) fn load_staged(
    tx: &mut dyn Tx,
    project: &str,
    name: &str,
) -> StoreResult<Option<(Secret, Stages)>> {
    let Some((doc, stages)) = tx.secret_staged(project, name)? else { return Ok(None) };
    let secret = completed(project, decode_secret(&doc)?);
    let stages = match stages {
        Some(json) => serde_json::from_str(&json)?,
        None => gathered(&versions(tx, project, name)?),
    };
    Ok(Some((secret, stages)))
}

/// The secret with its stages, unless it is missing or its deletion is scheduled.
pub(in crate::rules) fn usable_staged(
    tx: &mut dyn Tx,
    project: &str,
    name: &str,
) -> StoreResult<(Secret, Stages)> {
    let (secret, stages) = load_staged(tx, project, name)?.ok_or(StoreError::NotFound)?;
    if secret.state == csms_model::SecretState::PendingDelete {
        return Err(StoreError::PendingDeletion);
    }
    Ok((secret, stages))
}

/// Inserts `row` with its sealed value, or replaces its metadata (`sealed` is `None`).
pub(in crate::rules) fn put_version(
    tx: &mut dyn Tx,
    project: &str,
    name: &str,
    row: &VersionRow,
    sealed: Option<Vec<u8>>,
) -> StoreResult<()> {
    tx.put_version(project, name, &row.record(sealed)?)
}

/// `payload` sealed to its place (the project, the secret's id and the version's id) under the KMS key the
/// version names (`csms/default`, made on first use, when it names none): refused while that key is
/// missing, disabled or scheduled for deletion.
pub(in crate::rules) fn seal(
    cx: &mut Cx<'_>,
    project: &str,
    secret: &Secret,
    row: &VersionRow,
    payload: &Payload,
    now: i64,
) -> StoreResult<Vec<u8>> {
    let named = row.meta.kms_key_id.clone().unwrap_or_else(|| default_key_id(project));
    let aad = value_aad(project, &secret.id, &row.meta.id);
    kms::seal_value(cx, project, &named, &aad, payload.value().expose().as_bytes(), now)
}

/// The number of the secret's next version: after its newest, and after the one its waiting rotation
/// reserved, if any.
pub(in crate::rules) fn next_seq(tx: &mut dyn Tx, project: &str, name: &str) -> StoreResult<i64> {
    let newest = tx.version_seqs(project, name)?.last().copied().unwrap_or(0);
    next_after(tx, project, name, newest)
}

/// The number after `newest` (the secret's newest version's), and after the one its waiting rotation
/// reserved, if any.
fn next_after(tx: &mut dyn Tx, project: &str, name: &str, newest: i64) -> StoreResult<i64> {
    let reserved = tx.pending_task(project, name)?.and_then(|t| t.version_seq).unwrap_or(0);
    Ok(newest.max(reserved) + 1)
}

/// Adds a version: number `reserved` (a rotation's), or the next one; the checks, then the writes (see
/// [`Store::create_version`]). It reads the secret's row (with its stages) and the versions' numbers,
/// no version's document, and writes the new version, the pruned one (past the bound) and the secret.
pub(in crate::rules) fn add(
    cx: &mut Cx<'_>,
    project: &str,
    name: &str,
    payload: Payload,
    new: NewVersion,
    reserved: Option<i64>,
    origin: &Origin,
) -> StoreResult<VersionMetadata> {
    let now = origin.now;
    let (mut secret, mut stages) = usable_staged(cx.tx, project, name)?;
    let seqs = cx.tx.version_seqs(project, name)?;
    let seq = match reserved {
        Some(seq) if !seqs.contains(&seq) => seq,
        _ => next_after(cx.tx, project, name, seqs.last().copied().unwrap_or(0))?,
    };
    let create_time = if seqs.is_empty() { now } else { now.max(stages.created() + 1) };
    // The stages move: the new version takes its stages from whoever held them, and the version that
    // loses SYSCURRENT to it becomes SYSPREVIOUS.
    let wanted = new.version_stages.unwrap_or_else(|| vec![SYSCURRENT.to_owned()]);
    for stage in &wanted {
        stages.put(stage, seq, now);
    }
    stages.stamp(seq, create_time);
    if stages.len() > csms_model::limits::MAX_STAGES_PER_SECRET {
        return Err(StoreError::Invalid(format!(
            "The secret '{name}' would carry {} stages: at most {} are allowed.",
            stages.len(),
            csms_model::limits::MAX_STAGES_PER_SECRET
        )));
    }
    // At most MAX_VERSIONS_PER_SECRET: the oldest versions that hold no stage make room.
    let excess = (seqs.len() + 1).saturating_sub(MAX_VERSIONS_PER_SECRET);
    let pruned: Vec<i64> = seqs.iter().copied().filter(|&s| !stages.holds(s)).take(excess).collect();
    if pruned.len() < excess {
        return Err(StoreError::Invalid(format!(
            "The secret '{name}' has {MAX_VERSIONS_PER_SECRET} versions and every one holds a stage: \
             move a stage off an old version before adding one."
        )));
    }
    let row = VersionRow {
        seq,
        meta: VersionMetadata {
            id: version_id(seq),
            create_time,
            expire_time: new.expire_time.map(to_seconds),
            kms_key_id: secret.kms_key_id.clone(),
            secret_name: secret.name.clone(),
            version_stages: stages.of(seq),
        },
        binary: matches!(payload, Payload::Binary(_)),
        expiry_fired: false,
        expiry_request_id: new.expire_time.and(origin.request_id.clone()),
        stage_times: Default::default(),
    };
    // Checks done: the writes.
    let sealed = seal(cx, project, &secret, &row, &payload, now)?;
    for &old in &pruned {
        cx.tx.remove_version(project, name, old)?;
    }
    put_version(cx.tx, project, name, &row, Some(sealed))?;
    stages.made(create_time);
    secret.update_time = now;
    restage(cx.tx, project, &secret, &stages)?;
    fire(cx, origin, project, &secret, EventType::SecretVersionCreated, Some(&row.meta))?;
    Ok(row.meta)
}

/// The version that `id` names: `vn`, or `latest` for the holder of SYSCURRENT.
pub(in crate::rules) fn find(versions: Vec<VersionRow>, id: &str) -> StoreResult<VersionRow> {
    versions.into_iter().find(|v| v.is(id)).ok_or(StoreError::VersionNotFound)
}

/// The row `id` names with its sealed value and its stages, in one read of one row (so that reading the
/// current value costs the same however many versions the secret keeps): `vn` by its number, `latest`
/// by the number SYSCURRENT marks.
fn row_with_value(
    tx: &mut dyn Tx,
    project: &str,
    name: &str,
    id: &str,
    stages: &Stages,
) -> StoreResult<(VersionRow, Vec<u8>)> {
    let seq = if id == LATEST { stages.holder(SYSCURRENT) } else { csms_model::version_number(id) };
    let seq = seq.ok_or(StoreError::VersionNotFound)?;
    let record = tx.version_with_value(project, name, seq)?.ok_or(StoreError::VersionNotFound)?;
    let mut row = VersionRow::decode(&record, project)?;
    row.meta.version_stages = stages.of(row.seq);
    Ok((row, record.sealed.unwrap_or_default()))
}

/// The version `id` of the secret with its value, opened.
pub(in crate::rules) fn open(cx: &mut Cx<'_>, project: &str, name: &str, id: &str) -> StoreResult<Version> {
    let (secret, stages) = usable_staged(cx.tx, project, name)?;
    let (row, sealed) = row_with_value(cx.tx, project, name, id, &stages)?;
    let aad = value_aad(project, &secret.id, &row.meta.id);
    let plain = kms::open_value(cx, project, &aad, &sealed)?;
    let value = SecretValue::new(
        String::from_utf8(plain).map_err(|_| StoreError::backend("a stored value is not UTF-8"))?,
    );
    let (secret_string, secret_binary) = if row.binary { (None, Some(value)) } else { (Some(value), None) };
    Ok(Version { version_metadata: row.meta, secret_string, secret_binary })
}

#[cfg(test)]
mod tests {
    use csms_model::SecretValue;

    use super::*;
    use crate::store::job;
    use crate::{Payload, Store};

    /// A version's document is the flat object stores have always held (written before by a flattened
    /// struct), without the stages since migration 11 (they are the secret's); a document written
    /// before, with its stages and their times, still reads whole.
    #[test]
    fn a_version_document_keeps_its_stored_form() {
        let row = VersionRow {
            seq: 3,
            meta: VersionMetadata {
                id: "v3".into(),
                create_time: 10,
                expire_time: Some(20_000),
                kms_key_id: None,
                secret_name: "s".into(),
                version_stages: vec!["SYSCURRENT".into()],
            },
            binary: false,
            expiry_fired: true,
            expiry_request_id: None,
            stage_times: [("SYSCURRENT".to_owned(), 11)].into(),
        };
        let doc = serde_json::to_string(&row).unwrap();
        assert_eq!(
            doc,
            r#"{"id":"v3","create_time":10,"expire_time":20000,"secret_name":"s","binary":false,"expiry_fired":true,"expiry_request_id":null}"#
        );
        let back: VersionRow = serde_json::from_str(&doc).unwrap();
        let unstaged = VersionRow {
            seq: 0,
            meta: VersionMetadata { version_stages: vec![], ..row.meta.clone() },
            stage_times: Default::default(),
            ..row.clone()
        };
        assert_eq!(back, unstaged);
        // A document of before, with its stages.
        let before = r#"{"id":"v3","create_time":10,"expire_time":20000,"secret_name":"s","version_stages":["SYSCURRENT"],"binary":false,"expiry_fired":true,"expiry_request_id":null,"stage_times":{"SYSCURRENT":11}}"#;
        let old: VersionRow = serde_json::from_str(before).unwrap();
        assert_eq!(old, VersionRow { seq: 0, ..row });
        assert_eq!(old.stage_time("SYSCURRENT"), 11);
        // Older still, without the later members: their defaults.
        let old: VersionRow =
            serde_json::from_str(r#"{"id":"v1","create_time":1,"secret_name":"s","binary":true}"#).unwrap();
        assert!(old.binary && !old.expiry_fired && old.meta.version_stages.is_empty());
    }

    /// A value written before KMS keys existed (sealed under the master key alone, no envelope) reads as
    /// it did; the next version is sealed under the secret's key.
    #[tokio::test]
    async fn values_sealed_before_keys_existed_keep_reading() {
        let store = Store::memory();
        let secret = Secret::new("00000000-0000-4000-9000-000000000001".into(), "s".into(), 1);
        let value = |v: &str| Payload::String(SecretValue::new(v));
        store.create_secret("p", secret.clone(), value("enveloped"), 10, Origin::new(1, None)).await.unwrap();
        // Rewrite v1 as the service wrote values before: the master key over the value, bound to its place.
        let id = secret.id.clone();
        job!(store.write(), |cx| {
            let mut row = cx.tx.versions("p", "s")?.remove(0);
            row.sealed = Some(cx.cipher.seal(&value_aad("p", &id, "v1"), b"legacy"));
            cx.tx.put_version("p", "s", &row)
        })
        .unwrap();
        let read = store.version("p", "s", "v1").await.unwrap();
        assert_eq!(read.secret_string.unwrap().expose(), "legacy");
        store
            .create_version("p", "s", value("new"), NewVersion::default(), Origin::new(2, None))
            .await
            .unwrap();
        assert_eq!(store.version("p", "s", LATEST).await.unwrap().secret_string.unwrap().expose(), "new");
        let stored = job!(store.read(), |cx| cx.tx.sealed_value("p", "s", 2)).unwrap().unwrap();
        assert!(stored.starts_with(b"CSMS-KMS1"), "the new version is sealed in an envelope");
    }
}
