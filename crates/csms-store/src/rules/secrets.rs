//! Secrets and their versions: create under the quota, subscriptions checked against the project's
//! events, stage moves, pruning beyond the version limit, scheduled deletion; values sealed to their place.

use csms_model::limits::MAX_VERSIONS_PER_SECRET;
use csms_model::{
    EventType, LATEST, SYSCURRENT, SYSPREVIOUS, Secret, SecretState, SecretValue, UpdateSecretRequestBody,
    Version, VersionMetadata,
};
use serde::{Deserialize, Serialize};

use super::outbox::fire;
use super::paged;
use crate::backend::{Page, SecretRow, Tx, VersionRecord};
use crate::cipher::value_aad;
use crate::rows::decode_secret;
use crate::store::Cx;
use crate::{Cipher, NewVersion, Origin, Payload, Store, StoreError, StoreResult};

/// A version as stored, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct VersionRow {
    /// `n` of the id `vn`: the creation order.
    #[serde(skip)]
    pub(super) seq: i64,
    #[serde(flatten)]
    pub(super) meta: VersionMetadata,
    /// Whether the value was given as `secret_binary`.
    binary: bool,
    /// Whether the expiry in `meta.expire_time` has fired (UpdateVersion re-arms it).
    #[serde(default)]
    expiry_fired: bool,
    /// The request that set the expiry.
    #[serde(default)]
    expiry_request_id: Option<String>,
    /// When each of its stages was put on it, epoch milliseconds (absent: its creation).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub(super) stage_times: std::collections::BTreeMap<String, i64>,
}

impl VersionRow {
    /// When the expiry scan must fire for this version: its expiry, unless that has fired.
    fn expiry_due(&self) -> Option<i64> {
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

    fn decode(record: VersionRecord) -> StoreResult<Self> {
        Ok(VersionRow { seq: record.seq, ..serde_json::from_str(&record.doc)? })
    }

    /// When `stage` was put on this version.
    pub(super) fn stage_time(&self, stage: &str) -> i64 {
        self.stage_times.get(stage).copied().unwrap_or(self.meta.create_time)
    }

    /// Puts `stage` on this version at `now`.
    pub(super) fn add_stage(&mut self, stage: &str, now: i64) {
        if !self.meta.version_stages.iter().any(|s| s == stage) {
            self.meta.version_stages.push(stage.to_owned());
        }
        self.stage_times.insert(stage.to_owned(), now);
    }

    /// Takes `stage` off this version; whether it held it.
    pub(super) fn remove_stage(&mut self, stage: &str) -> bool {
        self.stage_times.remove(stage);
        let held = self.meta.version_stages.len();
        self.meta.version_stages.retain(|s| s != stage);
        held != self.meta.version_stages.len()
    }
}

/// The id of a project's default key, `csms/default`, which seals the secrets that name no key: a UUID
/// derived from the project, the same on every instance and every restart.
pub(crate) fn default_key_id(project: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("csms/default/{project}").as_bytes())
        .hyphenated()
        .to_string()
}

/// A secret as read, with what an earlier version of the service left unset: its key (the project's
/// default), `auto_rotation` (off) and the enterprise project (`0`, the default one).
pub(super) fn completed_doc(project: &str, secret: Secret) -> Secret {
    completed(project, secret)
}

fn completed(project: &str, mut secret: Secret) -> Secret {
    secret.kms_key_id.get_or_insert_with(|| default_key_id(project));
    secret.auto_rotation.get_or_insert(false);
    secret.enterprise_project_id.get_or_insert_with(|| DEFAULT_ENTERPRISE_PROJECT.to_owned());
    secret
}

/// The enterprise project of a secret that names none.
const DEFAULT_ENTERPRISE_PROJECT: &str = "0";

/// When a secret's scheduled rotation is due, for the scan's index: only while it is on and the secret
/// enabled.
fn rotate_at(secret: &Secret) -> Option<i64> {
    let on = secret.auto_rotation == Some(true) && secret.state == SecretState::Enabled;
    secret.next_rotation_time.filter(|_| on)
}

/// The next rotation of `secret` after `from`: `from` plus its period, if rotation is on.
pub(super) fn schedule(secret: &mut Secret, from: i64) -> StoreResult<()> {
    secret.next_rotation_time = None;
    if secret.auto_rotation != Some(true) {
        return Ok(());
    }
    let period =
        secret.rotation_period.as_deref().and_then(csms_model::limits::period_seconds).ok_or_else(|| {
            StoreError::Invalid("Automatic rotation needs a rotation_period (such as 30d or 12h).".into())
        })?;
    secret.next_rotation_time = Some(from + period * 1000);
    Ok(())
}

/// The key of the master key's check among the store's settings.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
const KEY_CHECK: &str = "key_check";

/// Checks the master key against the one a database's values were sealed with, or records it: run by
/// each durable backend as it opens.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) async fn check_key(tx: &mut dyn Tx, cipher: &Cipher) -> StoreResult<()> {
    tx.init_meta(KEY_CHECK, &cipher.key_check()).await?;
    let stored = tx.meta(KEY_CHECK).await?.ok_or_else(|| StoreError::backend("the key check is missing"))?;
    cipher.verify_key_check(&stored)
}

fn version_id(seq: i64) -> String {
    format!("v{seq}")
}

/// `expire_time` as stored: whole seconds, the milliseconds truncated.
fn to_seconds(ms: i64) -> i64 {
    ms - ms.rem_euclid(1000)
}

/// When a scheduled deletion of `secret` is due, for the scan's index.
fn delete_at(secret: &Secret) -> Option<i64> {
    secret.scheduled_delete_time.filter(|_| secret.state == SecretState::PendingDelete)
}

pub(super) async fn load(tx: &mut dyn Tx, project: &str, name: &str) -> StoreResult<Option<Secret>> {
    let doc = tx.secret(project, name).await?;
    Ok(doc.map(|doc| decode_secret(&doc)).transpose()?.map(|s| completed(project, s)))
}

/// The secret of that id.
pub(super) async fn by_id(tx: &mut dyn Tx, project: &str, id: &str) -> StoreResult<Secret> {
    let doc = tx.secret_by_id(project, id).await?.ok_or(StoreError::NotFound)?;
    Ok(completed(project, decode_secret(&doc)?))
}

pub(super) async fn existing(tx: &mut dyn Tx, project: &str, name: &str) -> StoreResult<Secret> {
    load(tx, project, name).await?.ok_or(StoreError::NotFound)
}

/// The secret, unless its deletion is scheduled.
pub(super) async fn usable(tx: &mut dyn Tx, project: &str, name: &str) -> StoreResult<Secret> {
    let secret = existing(tx, project, name).await?;
    if secret.state == SecretState::PendingDelete {
        return Err(StoreError::PendingDeletion);
    }
    Ok(secret)
}

pub(super) async fn put(tx: &mut dyn Tx, project: &str, secret: &Secret, new: bool) -> StoreResult<()> {
    let doc = serde_json::to_string(secret)?;
    let row = SecretRow {
        name: &secret.name,
        id: &secret.id,
        event_name: secret.event_subscriptions.first().map(String::as_str),
        delete_at: delete_at(secret),
        rotate_at: rotate_at(secret),
        doc: &doc,
    };
    tx.put_secret(project, row, new).await
}

pub(super) async fn versions(tx: &mut dyn Tx, project: &str, name: &str) -> StoreResult<Vec<VersionRow>> {
    let rows = tx.versions(project, name).await?.into_iter().map(VersionRow::decode);
    rows.map(|row| {
        let mut row = row?;
        row.meta.kms_key_id.get_or_insert_with(|| default_key_id(project));
        Ok(row)
    })
    .collect()
}

/// Inserts `row` with its sealed value, or replaces its metadata (`sealed` is `None`).
pub(super) async fn put_version(
    tx: &mut dyn Tx,
    project: &str,
    name: &str,
    row: &VersionRow,
    sealed: Option<Vec<u8>>,
) -> StoreResult<()> {
    tx.put_version(project, name, &row.record(sealed)?).await
}

async fn check_subscriptions(tx: &mut dyn Tx, project: &str, events: &[String]) -> StoreResult<()> {
    for event in events {
        if !tx.event_exists(project, event).await? {
            return Err(StoreError::UnknownEvent(event.clone()));
        }
    }
    Ok(())
}

fn seal(cipher: &Cipher, project: &str, secret: &Secret, row: &VersionRow, payload: &Payload) -> Vec<u8> {
    cipher.seal(&value_aad(project, &secret.id, &row.meta.id), payload.value().expose().as_bytes())
}

async fn create_secret(
    cx: &mut Cx<'_>,
    project: &str,
    secret: Secret,
    payload: Payload,
    quota: u64,
    origin: &Origin,
) -> StoreResult<Secret> {
    let mut secret = completed(project, secret);
    let created = secret.create_time;
    schedule(&mut secret, created)?;
    let count = cx.tx.secret_count(project).await?;
    if cx.tx.secret(project, &secret.name).await?.is_some() {
        return Err(StoreError::AlreadyExists);
    }
    if count >= quota {
        return Err(StoreError::SecretQuotaExceeded);
    }
    check_subscriptions(cx.tx, project, &secret.event_subscriptions).await?;
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
        expiry_fired: false,
        expiry_request_id: None,
        stage_times: Default::default(),
    };
    let sealed = seal(cx.cipher, project, &secret, &first, &payload);
    put(cx.tx, project, &secret, true).await?;
    put_version(cx.tx, project, &secret.name, &first, Some(sealed)).await?;
    fire(cx, origin, project, &secret, EventType::SecretVersionCreated, Some(&first.meta)).await?;
    Ok(secret)
}

async fn update_secret(
    tx: &mut dyn Tx,
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
    set(&mut secret.rotation_func_urn, rotation_func_urn);
    // A new schedule (turned on, or a new period) counts its first period from now.
    let reschedule = auto_rotation.is_some() || rotation_period.is_some();
    set(&mut secret.rotation_period, rotation_period);
    if let Some(on) = auto_rotation {
        secret.auto_rotation = Some(on);
        changed = true;
    }
    if reschedule {
        schedule(&mut secret, now)?;
    }
    if let Some(events) = event_subscriptions {
        secret.event_subscriptions = events;
        changed = true;
    }
    if changed {
        secret.update_time = now;
        put(tx, project, &secret, false).await?;
    }
    Ok(secret)
}

async fn delete_secret(cx: &mut Cx<'_>, project: &str, name: &str, origin: &Origin) -> StoreResult<Secret> {
    let secret = existing(cx.tx, project, name).await?;
    // Fired before the row goes: the notification is written in the same transaction as the delete.
    fire(cx, origin, project, &secret, EventType::SecretDeleted, None).await?;
    cx.tx.remove_secret(project, name).await?;
    // Its grants go with it, whether they name it by name or by id.
    for resource in [&secret.name, &secret.id] {
        cx.tx.remove_setting(project, &super::grants::grant_key(resource)).await?;
    }
    Ok(secret)
}

/// The scheduled deletion of `name`, if it is still due at `now` (a restore may have come first).
pub(super) async fn execute_deletion(
    cx: &mut Cx<'_>,
    project: &str,
    name: &str,
    now: i64,
) -> StoreResult<bool> {
    let Some(secret) = load(cx.tx, project, name).await? else { return Ok(false) };
    let due =
        secret.state == SecretState::PendingDelete && secret.scheduled_delete_time.is_some_and(|t| t <= now);
    if due {
        delete_secret(cx, project, name, &Origin::new(now, None)).await?;
    }
    Ok(due)
}

/// The expiry of version `seq` of `name`, if it is still due at `now`: fires once per expiry.
pub(super) async fn expire_version(
    cx: &mut Cx<'_>,
    project: &str,
    name: &str,
    seq: i64,
    now: i64,
) -> StoreResult<bool> {
    let Some(secret) = load(cx.tx, project, name).await? else { return Ok(false) };
    let Some(mut row) = versions(cx.tx, project, name).await?.into_iter().find(|v| v.seq == seq) else {
        return Ok(false);
    };
    if row.expiry_due().is_none_or(|t| t > now) {
        return Ok(false);
    }
    row.expiry_fired = true;
    put_version(cx.tx, project, name, &row, None).await?;
    // Only an ENABLED secret's versions fire; the expiry counts as handled either way.
    if secret.state == SecretState::Enabled {
        let origin = Origin::new(now, row.expiry_request_id.clone());
        fire(cx, &origin, project, &secret, EventType::SecretVersionExpired, Some(&row.meta)).await?;
    }
    Ok(true)
}

async fn schedule_deletion(
    tx: &mut dyn Tx,
    project: &str,
    name: &str,
    at: i64,
    now: i64,
) -> StoreResult<Secret> {
    let mut secret = usable(tx, project, name).await?;
    secret.state = SecretState::PendingDelete;
    secret.scheduled_delete_time = Some(at);
    secret.update_time = now;
    put(tx, project, &secret, false).await?;
    Ok(secret)
}

async fn restore(tx: &mut dyn Tx, project: &str, name: &str, now: i64) -> StoreResult<Secret> {
    let mut secret = existing(tx, project, name).await?;
    if secret.state != SecretState::PendingDelete {
        return Err(StoreError::NotPendingDeletion);
    }
    secret.state = SecretState::Enabled;
    secret.scheduled_delete_time = None;
    secret.update_time = now;
    put(tx, project, &secret, false).await?;
    Ok(secret)
}

/// The number of the secret's next version: after its newest, and after the one its waiting rotation
/// reserved, if any.
pub(super) async fn next_seq(tx: &mut dyn Tx, project: &str, name: &str) -> StoreResult<i64> {
    let newest = versions(tx, project, name).await?.last().map_or(0, |v| v.seq);
    let reserved = tx.pending_task(project, name).await?.and_then(|t| t.version_seq).unwrap_or(0);
    Ok(newest.max(reserved) + 1)
}

/// Adds a version: number `reserved` (a rotation's), or the next one; the checks, then the writes (see
/// [`Store::create_version`]).
pub(super) async fn create_version(
    cx: &mut Cx<'_>,
    project: &str,
    name: &str,
    payload: Payload,
    new: NewVersion,
    reserved: Option<i64>,
    origin: &Origin,
) -> StoreResult<VersionMetadata> {
    let now = origin.now;
    let mut secret = usable(cx.tx, project, name).await?;
    let mut versions = versions(cx.tx, project, name).await?;
    let seq = match reserved {
        Some(seq) if versions.iter().all(|v| v.seq != seq) => seq,
        _ => next_seq(cx.tx, project, name).await?,
    };
    let create_time = versions.iter().map(|v| v.meta.create_time + 1).max().map_or(now, |t| now.max(t));
    let stages = new.version_stages.unwrap_or_else(|| vec![SYSCURRENT.to_owned()]);
    let takes_current = stages.iter().any(|s| s == SYSCURRENT);
    // The stages move: the new version takes its stages from whoever held them, and the version that
    // loses SYSCURRENT to it becomes SYSPREVIOUS.
    let mut changed = Vec::new();
    for (i, row) in versions.iter_mut().enumerate() {
        let before = row.meta.version_stages.clone();
        let was_current = before.iter().any(|s| s == SYSCURRENT);
        for stage in stages.iter().map(String::as_str).chain(takes_current.then_some(SYSPREVIOUS)) {
            row.remove_stage(stage);
        }
        if takes_current && was_current {
            row.add_stage(SYSPREVIOUS, now);
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
        expiry_fired: false,
        expiry_request_id: new.expire_time.and(origin.request_id.clone()),
        stage_times: Default::default(),
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
    let mut held: std::collections::BTreeSet<&str> =
        versions.iter().flat_map(|v| v.meta.version_stages.iter().map(String::as_str)).collect();
    held.extend(row.meta.version_stages.iter().map(String::as_str));
    if held.len() > csms_model::limits::MAX_STAGES_PER_SECRET {
        return Err(StoreError::Invalid(format!(
            "The secret '{name}' would carry {} stages: at most {} are allowed.",
            held.len(),
            csms_model::limits::MAX_STAGES_PER_SECRET
        )));
    }
    if pruned.len() < excess {
        return Err(StoreError::Invalid(format!(
            "The secret '{name}' has {MAX_VERSIONS_PER_SECRET} versions and every one holds a stage: \
             move a stage off an old version before adding one."
        )));
    }
    // Checks done: the writes.
    let sealed = seal(cx.cipher, project, &secret, &row, &payload);
    for &i in &pruned {
        cx.tx.remove_version(project, name, versions[i].seq).await?;
    }
    for &i in changed.iter().filter(|i| !pruned.contains(i)) {
        put_version(cx.tx, project, name, &versions[i], None).await?;
    }
    put_version(cx.tx, project, name, &row, Some(sealed)).await?;
    secret.update_time = now;
    put(cx.tx, project, &secret, false).await?;
    fire(cx, origin, project, &secret, EventType::SecretVersionCreated, Some(&row.meta)).await?;
    Ok(row.meta)
}

/// The version that `id` names: `vn`, or `latest` for the holder of SYSCURRENT.
pub(super) fn find(versions: Vec<VersionRow>, id: &str) -> StoreResult<VersionRow> {
    versions
        .into_iter()
        .find(|v| {
            if id == LATEST { v.meta.version_stages.iter().any(|s| s == SYSCURRENT) } else { v.meta.id == id }
        })
        .ok_or(StoreError::VersionNotFound)
}

async fn show_version(cx: &mut Cx<'_>, project: &str, name: &str, id: &str) -> StoreResult<Version> {
    let secret = usable(cx.tx, project, name).await?;
    let row = find(versions(cx.tx, project, name).await?, id)?;
    let sealed = cx.tx.sealed_value(project, name, row.seq).await?.ok_or(StoreError::VersionNotFound)?;
    let plain = cx.cipher.open(&value_aad(project, &secret.id, &row.meta.id), &sealed)?;
    let value = SecretValue::new(
        String::from_utf8(plain).map_err(|_| StoreError::backend("a stored value is not UTF-8"))?,
    );
    let (secret_string, secret_binary) = if row.binary { (None, Some(value)) } else { (Some(value), None) };
    Ok(Version { version_metadata: row.meta, secret_string, secret_binary })
}

async fn update_version(
    tx: &mut dyn Tx,
    project: &str,
    name: &str,
    id: &str,
    expire_time: i64,
    origin: &Origin,
) -> StoreResult<VersionMetadata> {
    usable(tx, project, name).await?;
    let mut row = find(versions(tx, project, name).await?, id)?;
    row.meta.expire_time = Some(to_seconds(expire_time));
    // Every new expiry fires once, when the scan finds it due.
    row.expiry_fired = false;
    row.expiry_request_id = origin.request_id.clone();
    put_version(tx, project, name, &row, None).await?;
    Ok(row.meta)
}

impl Store {
    /// Stores a new secret with its first version `v1` (stage `SYSCURRENT`, created at the secret's
    /// `create_time`), unless the name exists ([`StoreError::AlreadyExists`]), the project holds `quota`
    /// secrets ([`StoreError::SecretQuotaExceeded`]) or a subscription names no event of the project
    /// ([`StoreError::UnknownEvent`]). The value is stored encrypted.
    pub async fn create_secret(
        &self,
        project: &str,
        secret: Secret,
        value: Payload,
        quota: u64,
        origin: Origin,
    ) -> StoreResult<Secret> {
        let project = project.to_owned();
        self.write(move |cx| {
            Box::pin(async move { create_secret(cx, &project, secret, value, quota, &origin).await })
        })
        .await
    }

    /// The secret of that name ([`StoreError::NotFound`] if none).
    pub async fn secret(&self, project: &str, name: &str) -> StoreResult<Secret> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.read(move |cx| Box::pin(async move { existing(cx.tx, &project, &name).await })).await
    }

    /// Up to `limit` secrets of the project with names strictly after `after`, in ascending byte order;
    /// with `event`, only the secrets subscribed to it. A row that cannot be read is logged and skipped.
    pub async fn list_secrets(
        &self,
        project: &str,
        after: Option<&str>,
        limit: usize,
        event: Option<&str>,
    ) -> StoreResult<Vec<Secret>> {
        let (project, after, event) =
            (project.to_owned(), after.map(str::to_owned), event.map(str::to_owned));
        self.read(move |cx| {
            Box::pin(async move {
                let after = after.as_deref().unwrap_or("");
                let page = Page { project: &project, after, limit, event: event.as_deref() };
                paged(
                    cx.tx,
                    "secret",
                    page,
                    |tx, page| tx.secrets(page),
                    |(name, doc)| (name, decode_secret(&doc)),
                )
                .await
            })
        })
        .await
    }

    /// Applies a partial update of a secret's metadata; a present `event_subscriptions` replaces the
    /// subscription. Refused for a secret pending deletion ([`StoreError::PendingDeletion`]).
    pub async fn update_secret(
        &self,
        project: &str,
        name: &str,
        patch: UpdateSecretRequestBody,
        now: i64,
    ) -> StoreResult<Secret> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |cx| Box::pin(async move { update_secret(cx.tx, &project, &name, patch, now).await }))
            .await
    }

    /// Deletes a secret and its versions at once (firing SECRET_DELETED); returns it as it was.
    pub async fn delete_secret(&self, project: &str, name: &str, origin: Origin) -> StoreResult<Secret> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |cx| Box::pin(async move { delete_secret(cx, &project, &name, &origin).await })).await
    }

    /// Marks the secret `PENDING_DELETE`, to be deleted at `at`.
    pub async fn schedule_secret_deletion(
        &self,
        project: &str,
        name: &str,
        at: i64,
        now: i64,
    ) -> StoreResult<Secret> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |cx| {
            Box::pin(async move { schedule_deletion(cx.tx, &project, &name, at, now).await })
        })
        .await
    }

    /// Cancels a scheduled deletion: the secret is `ENABLED` again ([`StoreError::NotPendingDeletion`]
    /// if no deletion was scheduled).
    pub async fn restore_secret(&self, project: &str, name: &str, now: i64) -> StoreResult<Secret> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |cx| Box::pin(async move { restore(cx.tx, &project, &name, now).await })).await
    }

    /// Adds the next version `v{n}`: it takes its stages (`SYSCURRENT` by default) from the versions
    /// that held them, the former `SYSCURRENT` becomes `SYSPREVIOUS`, and beyond
    /// [`MAX_VERSIONS_PER_SECRET`](csms_model::limits::MAX_VERSIONS_PER_SECRET) the oldest versions
    /// without a stage are removed.
    pub async fn create_version(
        &self,
        project: &str,
        name: &str,
        value: Payload,
        new: NewVersion,
        origin: Origin,
    ) -> StoreResult<VersionMetadata> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.write(move |cx| {
            Box::pin(async move { create_version(cx, &project, &name, value, new, None, &origin).await })
        })
        .await
    }

    /// Up to `limit` versions of the secret after the `after`-th, oldest first (never their values).
    pub async fn list_versions(
        &self,
        project: &str,
        name: &str,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<VersionMetadata>> {
        let (project, name) = (project.to_owned(), name.to_owned());
        self.read(move |cx| {
            Box::pin(async move {
                usable(cx.tx, &project, &name).await?;
                let after = after.unwrap_or(0);
                let all = versions(cx.tx, &project, &name).await?;
                Ok(all.into_iter().filter(|v| v.seq > after).take(limit).map(|v| v.meta).collect())
            })
        })
        .await
    }

    /// One version with its value, decrypted: `id` is `v{n}` or [`csms_model::LATEST`].
    pub async fn version(&self, project: &str, name: &str, id: &str) -> StoreResult<Version> {
        let (project, name, id) = (project.to_owned(), name.to_owned(), id.to_owned());
        self.read(move |cx| Box::pin(async move { show_version(cx, &project, &name, &id).await })).await
    }

    /// The SYSCURRENT version of each named secret, with its value, in one read: a name that is unknown,
    /// pending deletion or without a current version is passed over (each is answered or refused on its
    /// own), and a name given twice is answered once.
    pub async fn current_versions(&self, project: &str, names: Vec<String>) -> StoreResult<Vec<Version>> {
        let project = project.to_owned();
        self.read(move |cx| {
            Box::pin(async move {
                let mut out: Vec<Version> = Vec::with_capacity(names.len());
                for name in names {
                    if out.iter().any(|v| v.version_metadata.secret_name == name) {
                        continue;
                    }
                    match show_version(cx, &project, &name, LATEST).await {
                        Ok(version) => out.push(version),
                        Err(
                            StoreError::NotFound | StoreError::PendingDeletion | StoreError::VersionNotFound,
                        ) => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(out)
            })
        })
        .await
    }

    /// Sets a version's `expire_time` (stored in whole seconds), which fires once when the scan finds it
    /// due.
    pub async fn update_version(
        &self,
        project: &str,
        name: &str,
        id: &str,
        expire_time: i64,
        origin: Origin,
    ) -> StoreResult<VersionMetadata> {
        let (project, name, id) = (project.to_owned(), name.to_owned(), id.to_owned());
        self.write(move |cx| {
            Box::pin(async move { update_version(cx.tx, &project, &name, &id, expire_time, &origin).await })
        })
        .await
    }
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
