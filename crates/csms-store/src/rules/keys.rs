//! KMS keys: create under the project's quota with a unique alias, the state machine (enabled, disabled,
//! scheduled for deletion), aliases and descriptions, rotation settings, tags, and the encryption a key
//! does for callers (data keys, small data). Default keys (`csms/default`) are made by CSMS on first use
//! and can be neither disabled, deleted, renamed nor described.

use std::collections::BTreeMap;

use super::shared::documents;
use super::shared::kms::{
    self, KEYS_PREFIX, KMS_SCOPE, KeyRecord, alias_name, due_name, load_key, new_key, put_key, remove_key,
};
use crate::backend::Tx;
use crate::store::{Cx, job};
use crate::{KeyRefusal, Store, StoreError, StoreResult, TagAction};

/// A key to create: what create-key carries, with its defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    /// Its alias.
    pub alias: String,
    /// Its description.
    pub description: String,
    /// Its key spec.
    pub spec: String,
    /// Its usage.
    pub usage: String,
    /// `kms` or `external`.
    pub origin: String,
    /// Its enterprise project.
    pub enterprise_project_id: String,
}

/// A change to a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChange {
    /// Enables a disabled key.
    Enable,
    /// Disables an enabled key.
    Disable,
    /// Schedules the key's deletion after this many days.
    ScheduleDeletion(u32),
    /// Cancels a scheduled deletion: the key is disabled.
    CancelDeletion,
    /// Sets the alias (unique in the project).
    Alias(String),
    /// Sets the description.
    Description(String),
    /// Turns rotation on (at the longest interval unless set) or off.
    Rotation(bool),
    /// Sets the rotation interval, in days.
    RotationInterval(i32),
}

const MS_PER_DAY: i64 = 86_400_000;

fn refuse<T>(refusal: KeyRefusal) -> StoreResult<T> {
    Err(StoreError::Key(refusal))
}

fn existing(tx: &mut dyn Tx, project: &str, id: &str) -> StoreResult<KeyRecord> {
    load_key(tx, project, id)?.ok_or(StoreError::Key(KeyRefusal::NotFound))
}

fn all_keys(tx: &mut dyn Tx, project: &str) -> StoreResult<Vec<KeyRecord>> {
    let mut keys: Vec<KeyRecord> = documents(tx, project, KEYS_PREFIX)?;
    keys.sort_by(|a, b| (a.created, &a.key_id).cmp(&(b.created, &b.key_id)));
    Ok(keys)
}

fn create(cx: &mut Cx<'_>, project: &str, new: NewKey, now: i64) -> StoreResult<KeyRecord> {
    if cx.tx.setting(project, &alias_name(&new.alias))?.is_some() {
        return refuse(KeyRefusal::DuplicateAlias);
    }
    if cx.tx.settings(project, KEYS_PREFIX)?.len() >= kms_model::limits::KEYS_PER_PROJECT {
        return refuse(KeyRefusal::TooManyKeys);
    }
    let id = uuid::Uuid::new_v4().hyphenated().to_string();
    let key = new_key(
        cx.cipher,
        project,
        id.clone(),
        new.alias.clone(),
        new.description,
        new.spec,
        new.usage,
        new.origin,
        new.enterprise_project_id,
        false,
        now,
    )?;
    put_key(cx.tx, project, &key)?;
    cx.tx.put_setting(project, &alias_name(&new.alias), &id)?;
    Ok(key)
}

fn change(tx: &mut dyn Tx, project: &str, id: &str, change: KeyChange, now: i64) -> StoreResult<KeyRecord> {
    let mut key = existing(tx, project, id)?;
    let pending = key.state == "4";
    match change {
        KeyChange::Enable => {
            if key.state != "3" {
                return refuse(if pending { KeyRefusal::PendingDeletion } else { KeyRefusal::NotDisabled });
            }
            key.state = "2".into();
        }
        KeyChange::Disable => {
            if key.default {
                return refuse(KeyRefusal::DefaultKey);
            }
            if key.state != "2" {
                return refuse(if pending { KeyRefusal::PendingDeletion } else { KeyRefusal::NotEnabled });
            }
            key.state = "3".into();
        }
        KeyChange::ScheduleDeletion(days) => {
            if key.default {
                return refuse(KeyRefusal::DefaultKey);
            }
            if pending {
                return refuse(KeyRefusal::AlreadyPendingDeletion);
            }
            let at = now + i64::from(days) * MS_PER_DAY;
            key.state = "4".into();
            key.delete_at = Some(at);
            tx.put_setting(KMS_SCOPE, &due_name(at, project, id), "")?;
        }
        KeyChange::CancelDeletion => {
            let Some(at) = key.delete_at.filter(|_| pending) else {
                return refuse(KeyRefusal::NotPendingDeletion);
            };
            tx.remove_setting(KMS_SCOPE, &due_name(at, project, id))?;
            key.state = "3".into();
            key.delete_at = None;
        }
        KeyChange::Alias(alias) => {
            if key.default {
                return refuse(KeyRefusal::DefaultKey);
            }
            if pending {
                return refuse(KeyRefusal::PendingDeletion);
            }
            if alias != key.alias {
                if tx.setting(project, &alias_name(&alias))?.is_some() {
                    return refuse(KeyRefusal::DuplicateAlias);
                }
                tx.remove_setting(project, &alias_name(&key.alias))?;
                tx.put_setting(project, &alias_name(&alias), id)?;
                key.alias = alias;
            }
        }
        KeyChange::Description(description) => {
            if key.default {
                return refuse(KeyRefusal::DefaultKey);
            }
            if pending {
                return refuse(KeyRefusal::PendingDeletion);
            }
            key.description = description;
        }
        KeyChange::Rotation(on) => {
            if key.default {
                return refuse(KeyRefusal::DefaultKey);
            }
            if key.origin == "external" {
                return refuse(KeyRefusal::External);
            }
            key.usable().map_err(StoreError::Key)?;
            key.rotation_enabled = on;
        }
        KeyChange::RotationInterval(days) => {
            if !key.rotation_enabled {
                return refuse(KeyRefusal::RotationNotEnabled);
            }
            key.rotation_interval = days;
        }
    }
    put_key(tx, project, &key)?;
    Ok(key)
}

fn change_tags(
    tx: &mut dyn Tx,
    project: &str,
    id: &str,
    action: TagAction,
    tags: Vec<(String, String)>,
) -> StoreResult<()> {
    let mut key = existing(tx, project, id)?;
    match action {
        TagAction::Create => {
            for (k, v) in tags {
                key.tags.insert(k, v);
            }
            if key.tags.len() > kms_model::limits::TAGS_PER_KEY {
                return refuse(KeyRefusal::TooManyTags);
            }
        }
        TagAction::Delete => {
            for (k, _) in tags {
                key.tags.remove(&k);
            }
        }
    }
    put_key(tx, project, &key)
}

impl Store {
    /// Creates a key with fresh material (enabled; `external` keys wait for material), under the
    /// project's quota and with an alias no other key of the project has.
    pub async fn create_key(&self, project: &str, new: NewKey, now: i64) -> StoreResult<KeyRecord> {
        job!(self.write(project), |cx| create(cx, project, new, now))
    }

    /// The key of that id (`StoreError::Key(KeyRefusal::NotFound)` if none).
    pub async fn key(&self, project: &str, id: &str) -> StoreResult<KeyRecord> {
        job!(self.read(project, id), |cx| existing(cx.tx, project, id))
    }

    /// Every key of the project, oldest first (at most its quota).
    pub async fn keys(&self, project: &str) -> StoreResult<Vec<KeyRecord>> {
        job!(self.read(project), |cx| all_keys(cx.tx, project))
    }

    /// Changes a key's state or settings at `now`, as KMS allows (see [`KeyChange`]); answers it changed.
    pub async fn change_key(
        &self,
        project: &str,
        id: &str,
        key_change: KeyChange,
        now: i64,
    ) -> StoreResult<KeyRecord> {
        job!(self.write(project, id), |cx| change(cx.tx, project, id, key_change, now))
    }

    /// Sets ([`TagAction::Create`]) or removes ([`TagAction::Delete`]) tags of a key, at most
    /// [`TAGS_PER_KEY`](kms_model::limits::TAGS_PER_KEY) in all.
    pub async fn change_key_tags(
        &self,
        project: &str,
        id: &str,
        action: TagAction,
        tags: Vec<(String, String)>,
    ) -> StoreResult<()> {
        job!(self.write(project, id), |cx| change_tags(cx.tx, project, id, action, tags))
    }

    /// Removes one tag of a key (`StoreError::TagNotFound` if it has none of that key).
    pub async fn delete_key_tag(&self, project: &str, id: &str, tag: &str) -> StoreResult<()> {
        job!(self.write(project, id, tag), |cx| {
            let mut key = existing(cx.tx, project, id)?;
            if key.tags.remove(tag).is_none() {
                return Err(StoreError::TagNotFound);
            }
            put_key(cx.tx, project, &key)
        })
    }

    /// Every tag key of the project's keys, with its values.
    pub async fn key_project_tags(&self, project: &str) -> StoreResult<BTreeMap<String, Vec<String>>> {
        job!(self.read(project), |cx| {
            let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for key in all_keys(cx.tx, project)? {
                for (k, v) in key.tags {
                    let values = out.entry(k).or_default();
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
            }
            Ok(out)
        })
    }

    /// `plaintext` encrypted under the key (enabled), bound to `aad`: the ciphertext names its key.
    pub async fn encrypt_with_key(
        &self,
        project: &str,
        id: &str,
        aad: Vec<u8>,
        plaintext: Vec<u8>,
    ) -> StoreResult<Vec<u8>> {
        job!(self.read(project, id), |cx| {
            let key = existing(cx.tx, project, id)?;
            if key.spec != kms_model::limits::SERVED_KEY_SPEC {
                return refuse(KeyRefusal::UnsupportedSpec);
            }
            kms::encrypt(cx.cipher, project, &key, &aad, &plaintext)
        })
    }

    /// The key a ciphertext names and its plaintext, with `aad` as it was bound; refused for another
    /// project's ciphertext, an altered one, and while the key is unusable.
    pub async fn decrypt_with_key(
        &self,
        project: &str,
        ciphertext: Vec<u8>,
        aad: Vec<u8>,
    ) -> StoreResult<(String, Vec<u8>)> {
        job!(self.read(project), |cx| {
            let id = kms::ciphertext_key(&ciphertext)
                .ok_or(StoreError::Key(KeyRefusal::BadCiphertext))?
                .to_owned();
            let key = load_key(cx.tx, project, &id)?.ok_or(StoreError::Key(KeyRefusal::BadCiphertext))?;
            let plain = kms::decrypt(cx.cipher, project, &key, &aad, &ciphertext)?;
            Ok((id, plain))
        })
    }

    /// Deletes the keys whose scheduled deletion is due at `now` (at most `limit`), each in its own
    /// transaction that checks again that it is due; returns how many went.
    pub(crate) async fn delete_due_keys(&self, now: i64, limit: usize) -> StoreResult<usize> {
        let due = job!(self.read(), |cx| cx.tx.settings(KMS_SCOPE, "due:"))?;
        let mut deleted = 0;
        for (entry, _) in due.into_iter().take(limit) {
            let mut parts = entry.splitn(4, ':').skip(1);
            let (Some(at), Some(project), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            if at.parse::<i64>().is_ok_and(|at| at > now) {
                break;
            }
            let gone = job!(self.write(project, id, entry), |cx| {
                let key = load_key(cx.tx, project, id)?;
                match key {
                    Some(key) if key.state == "4" && key.delete_at.is_some_and(|at| at <= now) => {
                        remove_key(cx.tx, project, &key)?;
                        Ok(true)
                    }
                    // Cancelled, or already gone: the entry was left behind.
                    _ => {
                        cx.tx.remove_setting(KMS_SCOPE, entry)?;
                        Ok(false)
                    }
                }
            })?;
            deleted += usize::from(gone);
        }
        Ok(deleted)
    }
}
