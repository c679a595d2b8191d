//! Secrets: create under the quota (with their first version), subscriptions checked against the
//! project's events, partial update, delete, and the scheduled deletion and its cancellation.

use csms_model::{EventType, SYSCURRENT, Secret, SecretState, UpdateSecretRequestBody, VersionMetadata};

use super::shared::fire::fire;
use super::shared::kms;
use super::shared::paged;
use super::shared::secret::{self, check_subscriptions, completed, existing, put, schedule, usable};
use super::shared::stages::{Stages, insert_staged};
use super::shared::version::{VersionRow, put_version, seal, version_id};
use crate::backend::{Page, Tx};
use crate::rows::decode_secret;
use crate::store::{Cx, job};
use crate::{Origin, Payload, Store, StoreError, StoreResult};

fn create_secret(
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
    let count = cx.tx.secret_count(project)?;
    if cx.tx.secret(project, &secret.name)?.is_some() {
        return Err(StoreError::AlreadyExists);
    }
    if count >= quota {
        return Err(StoreError::SecretQuotaExceeded);
    }
    check_subscriptions(cx.tx, project, &secret.event_subscriptions)?;
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
    let sealed = seal(cx, project, &secret, &first, &payload, secret.create_time)?;
    insert_staged(cx.tx, project, &secret, &Stages::first(secret.create_time))?;
    put_version(cx.tx, project, &secret.name, &first, Some(sealed))?;
    fire(cx, origin, project, &secret, EventType::SecretVersionCreated, Some(&first.meta))?;
    Ok(secret)
}

fn update_secret(
    tx: &mut dyn Tx,
    cipher: &crate::Cipher,
    project: &str,
    name: &str,
    patch: UpdateSecretRequestBody,
    now: i64,
) -> StoreResult<Secret> {
    let mut secret = usable(tx, project, name)?;
    if let Some(events) = &patch.event_subscriptions {
        check_subscriptions(tx, project, events)?;
    }
    // A new key must be one of the project's that seals now: it seals the next versions.
    if let Some(key) = &patch.kms_key_id {
        kms::secret_key(tx, cipher, project, key, now)?.usable().map_err(StoreError::Key)?;
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
        put(tx, project, &secret, false)?;
    }
    Ok(secret)
}

fn schedule_deletion(tx: &mut dyn Tx, project: &str, name: &str, at: i64, now: i64) -> StoreResult<Secret> {
    let mut secret = usable(tx, project, name)?;
    secret.state = SecretState::PendingDelete;
    secret.scheduled_delete_time = Some(at);
    secret.update_time = now;
    put(tx, project, &secret, false)?;
    Ok(secret)
}

fn restore(tx: &mut dyn Tx, project: &str, name: &str, now: i64) -> StoreResult<Secret> {
    let mut secret = existing(tx, project, name)?;
    if secret.state != SecretState::PendingDelete {
        return Err(StoreError::NotPendingDeletion);
    }
    secret.state = SecretState::Enabled;
    secret.scheduled_delete_time = None;
    secret.update_time = now;
    put(tx, project, &secret, false)?;
    Ok(secret)
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
        job!(self.write(project), |cx| create_secret(cx, project, secret, value, quota, &origin))
    }

    /// The secret of that name ([`StoreError::NotFound`] if none).
    pub async fn secret(&self, project: &str, name: &str) -> StoreResult<Secret> {
        job!(self.read(project, name), |cx| existing(cx.tx, project, name))
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
        let (after, event) = (after.unwrap_or(""), event.map(str::to_owned));
        job!(self.read(project, after), |cx| {
            let page = Page { project, after, limit, event: event.as_deref() };
            let decode = |(name, doc): (String, String)| (name, decode_secret(&doc));
            paged(cx.tx, "secret", page, |tx, page| tx.secrets(page), decode)
        })
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
        job!(self.write(project, name), |cx| update_secret(cx.tx, cx.cipher, project, name, patch, now))
    }

    /// Deletes a secret and its versions at once (firing SECRET_DELETED); returns it as it was.
    pub async fn delete_secret(&self, project: &str, name: &str, origin: Origin) -> StoreResult<Secret> {
        job!(self.write(project, name), |cx| secret::delete(cx, project, name, &origin))
    }

    /// Marks the secret `PENDING_DELETE`, to be deleted at `at`.
    pub async fn schedule_secret_deletion(
        &self,
        project: &str,
        name: &str,
        at: i64,
        now: i64,
    ) -> StoreResult<Secret> {
        job!(self.write(project, name), |cx| schedule_deletion(cx.tx, project, name, at, now))
    }

    /// Cancels a scheduled deletion: the secret is `ENABLED` again ([`StoreError::NotPendingDeletion`]
    /// if no deletion was scheduled).
    pub async fn restore_secret(&self, project: &str, name: &str, now: i64) -> StoreResult<Secret> {
        job!(self.write(project, name), |cx| restore(cx.tx, project, name, now))
    }
}
