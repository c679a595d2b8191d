//! A secret's row: read (with what an earlier version of the service left unset filled in), checked,
//! written with the columns its indexes read, and deleted with everything that goes with it.

use csms_model::{EventType, Secret, SecretState};

use super::fire::fire;
use super::task::end_waiting;
use crate::backend::{SecretRow, Tx};
use crate::rows::decode_secret;
use crate::store::Cx;
use crate::{Origin, StoreError, StoreResult};

/// The id of a project's default key, `csms/default`, which seals the secrets that name no key: a UUID
/// derived from the project, the same on every instance and every restart.
pub(in crate::rules) fn default_key_id(project: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("csms/default/{project}").as_bytes())
        .hyphenated()
        .to_string()
}

/// A secret as read, with what an earlier version of the service left unset: its key (the project's
/// default), `auto_rotation` (off) and the enterprise project (`0`, the default one).
pub(in crate::rules) fn completed(project: &str, mut secret: Secret) -> Secret {
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

/// When a scheduled deletion of `secret` is due, for the scan's index.
fn delete_at(secret: &Secret) -> Option<i64> {
    secret.scheduled_delete_time.filter(|_| secret.state == SecretState::PendingDelete)
}

/// The next rotation of `secret` after `from`: `from` plus its period, if rotation is on.
pub(in crate::rules) fn schedule(secret: &mut Secret, from: i64) -> StoreResult<()> {
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

/// The secret of that name, if any.
pub(in crate::rules) fn load(tx: &mut dyn Tx, project: &str, name: &str) -> StoreResult<Option<Secret>> {
    let doc = tx.secret(project, name)?;
    Ok(doc.map(|doc| decode_secret(&doc)).transpose()?.map(|s| completed(project, s)))
}

/// The secret of that id.
pub(in crate::rules) fn by_id(tx: &mut dyn Tx, project: &str, id: &str) -> StoreResult<Secret> {
    let doc = tx.secret_by_id(project, id)?.ok_or(StoreError::NotFound)?;
    Ok(completed(project, decode_secret(&doc)?))
}

/// The secret of that name ([`StoreError::NotFound`] if none).
pub(in crate::rules) fn existing(tx: &mut dyn Tx, project: &str, name: &str) -> StoreResult<Secret> {
    load(tx, project, name)?.ok_or(StoreError::NotFound)
}

/// The secret, unless its deletion is scheduled.
pub(in crate::rules) fn usable(tx: &mut dyn Tx, project: &str, name: &str) -> StoreResult<Secret> {
    let secret = existing(tx, project, name)?;
    if secret.state == SecretState::PendingDelete {
        return Err(StoreError::PendingDeletion);
    }
    Ok(secret)
}

/// Inserts (`new`) or replaces the secret's row; a replaced row keeps its stages (`stages.rs` writes
/// them).
pub(in crate::rules) fn put(tx: &mut dyn Tx, project: &str, secret: &Secret, new: bool) -> StoreResult<()> {
    put_with(tx, project, secret, new, None)
}

/// [`put`], with the secret's stages as JSON when the write sets them.
pub(in crate::rules) fn put_with(
    tx: &mut dyn Tx,
    project: &str,
    secret: &Secret,
    new: bool,
    stages: Option<&str>,
) -> StoreResult<()> {
    let doc = serde_json::to_string(secret)?;
    let row = SecretRow {
        name: &secret.name,
        id: &secret.id,
        event_name: secret.event_subscriptions.first().map(String::as_str),
        delete_at: delete_at(secret),
        rotate_at: rotate_at(secret),
        doc: &doc,
        stages,
    };
    tx.put_secret(project, row, new)
}

/// Refuses a subscription to an event the project does not have.
pub(in crate::rules) fn check_subscriptions(
    tx: &mut dyn Tx,
    project: &str,
    events: &[String],
) -> StoreResult<()> {
    for event in events {
        if !tx.event_exists(project, event)? {
            return Err(StoreError::UnknownEvent(event.clone()));
        }
    }
    Ok(())
}

/// The prefix of every key of grants in a project's settings.
pub(in crate::rules) const GRANTS_PREFIX: &str = "grant:";

/// A grant's `type` that names a secret.
pub(in crate::rules) const SECRET: &str = "SECRET";

/// The key of a secret's grants, by the secret's id (whether a grant named it by name or id).
pub(in crate::rules) fn secret_grants_key(id: &str) -> String {
    format!("{GRANTS_PREFIX}secret:{id}")
}

/// The key of a group's grants.
pub(in crate::rules) fn group_grants_key(resource: &str) -> String {
    format!("{GRANTS_PREFIX}group:{resource}")
}

/// The key of a resource's grants in a store written before grants were kept by kind.
pub(in crate::rules) fn legacy_grants_key(resource: &str) -> String {
    format!("{GRANTS_PREFIX}{resource}")
}

/// Deletes the secret `name` with its versions, tags and grants (firing SECRET_DELETED); answers it as it
/// was.
pub(in crate::rules) fn delete(
    cx: &mut Cx<'_>,
    project: &str,
    name: &str,
    origin: &Origin,
) -> StoreResult<Secret> {
    let secret = existing(cx.tx, project, name)?;
    // Fired before the row goes: the notification is written in the same transaction as the delete.
    fire(cx, origin, project, &secret, EventType::SecretDeleted, None)?;
    // A rotation still waiting ends with it.
    end_waiting(cx.tx, project, &secret, origin.now)?;
    cx.tx.remove_secret(project, name)?;
    // Its grants go with it, and only its: a group's grants of the same id stay.
    cx.tx.remove_setting(project, &secret_grants_key(&secret.id))?;
    for resource in [&secret.name, &secret.id] {
        let legacy = legacy_grants_key(resource);
        let kind = cx.tx.setting(project, &legacy)?.and_then(|doc| {
            serde_json::from_str::<serde_json::Value>(&doc).ok()?.get("kind")?.as_str().map(str::to_owned)
        });
        if kind.as_deref() == Some(SECRET) {
            cx.tx.remove_setting(project, &legacy)?;
        }
    }
    Ok(secret)
}
