//! KMS keys as the rules keep them, and the envelope that seals a secret's values under one: a data key
//! of its own per value (AES-256-GCM over the value, bound to its place), wrapped by the key's material,
//! which is itself sealed under the master key. A key that is disabled, scheduled for deletion or gone
//! opens nothing it sealed, and seals nothing new.
//!
//! Keys are documents of the project's settings (`kms:key:{id}`, `kms:alias:{alias}` for the aliases'
//! uniqueness); scheduled deletions are also indexed in the `kms` scope (`due:{when}:{project}:{id}`), so
//! the scan finds them without reading every project.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::secret::default_key_id;
use crate::backend::Tx;
use crate::store::Cx;
use crate::{Cipher, KeyRefusal, StoreError, StoreResult};

/// What starts a value sealed in an envelope (values sealed before keys existed start otherwise).
const ENVELOPE: &[u8] = b"CSMS-KMS1";
/// Bytes of a key id (a hyphenated UUID).
const KEY_ID_LEN: usize = 36;
/// The alias of CSMS's default key.
pub(crate) const DEFAULT_ALIAS: &str = kms_model::limits::CSMS_DEFAULT_ALIAS;

/// A key as kept: its members and its material (sealed under the master key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// Its id.
    pub key_id: String,
    /// Its alias, unique in the project.
    pub alias: String,
    /// Its description.
    pub description: String,
    /// Its key spec.
    pub spec: String,
    /// Its usage.
    pub usage: String,
    /// `kms` or `external`.
    pub origin: String,
    /// `"1"` to `"5"` (see `kms_model::KeyState`).
    pub state: String,
    /// When it was made, epoch milliseconds.
    pub created: i64,
    /// When its scheduled deletion comes.
    pub delete_at: Option<i64>,
    /// Whether it is a default key (`*/default`), made by a service on first use.
    pub default: bool,
    /// Whether it rotates.
    pub rotation_enabled: bool,
    /// Its rotation interval, in days.
    pub rotation_interval: i32,
    /// When it last rotated.
    pub last_rotation: Option<i64>,
    /// How many times it rotated.
    pub rotations: i32,
    /// Its enterprise project.
    pub enterprise_project_id: String,
    /// Its tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Its material, sealed under the master key for its place, Base64.
    material: String,
}

impl KeyRecord {
    /// Whether it seals and opens now; if not, why.
    pub(in crate::rules) fn usable(&self) -> Result<(), KeyRefusal> {
        match self.state.as_str() {
            "2" => Ok(()),
            "3" => Err(KeyRefusal::Disabled),
            "4" => Err(KeyRefusal::PendingDeletion),
            _ => Err(KeyRefusal::NotEnabled),
        }
    }
}

fn key_name(id: &str) -> String {
    format!("kms:key:{id}")
}

pub(in crate::rules) fn alias_name(alias: &str) -> String {
    format!("kms:alias:{alias}")
}

/// The prefix of every key of a project.
pub(in crate::rules) const KEYS_PREFIX: &str = "kms:key:";
/// The scope of the deletion index.
pub(in crate::rules) const KMS_SCOPE: &str = "kms";

/// The index entry of a scheduled deletion: ordered by time.
pub(in crate::rules) fn due_name(at: i64, project: &str, id: &str) -> String {
    format!("due:{at:013}:{project}:{id}")
}

fn material_aad(project: &str, id: &str) -> Vec<u8> {
    format!("kms/cmk/v1\0{project}\0{id}").into_bytes()
}

fn datakey_aad(project: &str, id: &str, extra: &[u8]) -> Vec<u8> {
    let mut aad = format!("kms/dek/v1\0{project}\0{id}\0").into_bytes();
    aad.extend_from_slice(extra);
    aad
}

/// `n` random bytes from the operating system.
pub(in crate::rules) fn random(n: usize) -> StoreResult<Vec<u8>> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::backend(format!("no random bytes: {e}")))?;
    Ok(bytes)
}

/// A new key's record with fresh material.
#[allow(clippy::too_many_arguments, reason = "a key's every member, named at its one creation")]
pub(in crate::rules) fn new_key(
    cipher: &Cipher,
    project: &str,
    key_id: String,
    alias: String,
    description: String,
    spec: String,
    usage: String,
    origin: String,
    enterprise_project_id: String,
    default: bool,
    now: i64,
) -> StoreResult<KeyRecord> {
    let material = random(32)?;
    let sealed = STANDARD.encode(cipher.seal(&material_aad(project, &key_id), &material));
    let state = if origin == "external" { "5" } else { "2" };
    Ok(KeyRecord {
        key_id,
        alias,
        description,
        spec,
        usage,
        origin,
        state: state.to_owned(),
        created: now,
        delete_at: None,
        default,
        rotation_enabled: false,
        rotation_interval: kms_model::limits::ROTATION_INTERVAL_DAYS.1,
        last_rotation: None,
        rotations: 0,
        enterprise_project_id,
        tags: BTreeMap::new(),
        material: sealed,
    })
}

/// The key of that id, if the project has it.
pub(in crate::rules) fn load_key(tx: &mut dyn Tx, project: &str, id: &str) -> StoreResult<Option<KeyRecord>> {
    let doc = tx.setting(project, &key_name(id))?;
    Ok(doc.map(|d| serde_json::from_str(&d)).transpose()?)
}

/// Writes a key.
pub(in crate::rules) fn put_key(tx: &mut dyn Tx, project: &str, key: &KeyRecord) -> StoreResult<()> {
    tx.put_setting(project, &key_name(&key.key_id), &serde_json::to_string(key)?)
}

/// Removes a key and its alias: what it sealed can never be opened again.
pub(in crate::rules) fn remove_key(tx: &mut dyn Tx, project: &str, key: &KeyRecord) -> StoreResult<()> {
    tx.remove_setting(project, &key_name(&key.key_id))?;
    tx.remove_setting(project, &alias_name(&key.alias))?;
    if let Some(at) = key.delete_at {
        tx.remove_setting(KMS_SCOPE, &due_name(at, project, &key.key_id))?;
    }
    Ok(())
}

/// The project's default key of CSMS (`csms/default`), made now if the project has none yet.
pub(in crate::rules) fn default_key(
    tx: &mut dyn Tx,
    cipher: &Cipher,
    project: &str,
    now: i64,
) -> StoreResult<KeyRecord> {
    let id = default_key_id(project);
    if let Some(key) = load_key(tx, project, &id)? {
        return Ok(key);
    }
    let key = new_key(
        cipher,
        project,
        id.clone(),
        DEFAULT_ALIAS.to_owned(),
        "Default key of CSMS: seals the secrets that name no key.".to_owned(),
        kms_model::limits::SERVED_KEY_SPEC.to_owned(),
        "ENCRYPT_DECRYPT".to_owned(),
        "kms".to_owned(),
        "0".to_owned(),
        true,
        now,
    )?;
    put_key(tx, project, &key)?;
    tx.put_setting(project, &alias_name(DEFAULT_ALIAS), &id)?;
    Ok(key)
}

/// The key a secret names by `id_or_alias` (an id, or an alias such as `csms/default`), the default key
/// made on first use.
pub(in crate::rules) fn secret_key(
    tx: &mut dyn Tx,
    cipher: &Cipher,
    project: &str,
    id_or_alias: &str,
    now: i64,
) -> StoreResult<KeyRecord> {
    let id = key_id_of(tx, project, id_or_alias)?;
    if id == default_key_id(project) {
        return default_key(tx, cipher, project, now);
    }
    load_key(tx, project, &id)?.ok_or(StoreError::Key(KeyRefusal::NotFound))
}

/// The id of the key a secret names by `id_or_alias`: the project's default key for its id or its alias,
/// else the key an alias names, else `id_or_alias` itself.
fn key_id_of(tx: &mut dyn Tx, project: &str, id_or_alias: &str) -> StoreResult<String> {
    let default = default_key_id(project);
    if id_or_alias == default || id_or_alias == DEFAULT_ALIAS {
        return Ok(default);
    }
    Ok(tx.setting(project, &alias_name(id_or_alias))?.unwrap_or_else(|| id_or_alias.to_owned()))
}

fn material(cipher: &Cipher, project: &str, key: &KeyRecord) -> StoreResult<Cipher> {
    let sealed =
        STANDARD.decode(&key.material).map_err(|_| StoreError::backend("a key's material is damaged"))?;
    let bytes = cipher.open(&material_aad(project, &key.key_id), &sealed)?;
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| StoreError::backend("a key's material is damaged"))?;
    Ok(Cipher::new(bytes))
}

/// `plaintext` sealed under the key `id`, whose material is `material`, for the place `aad` names: a
/// data key of its own, wrapped by the key.
fn seal_under(
    material: &Cipher,
    project: &str,
    id: &str,
    aad: &[u8],
    plaintext: &[u8],
) -> StoreResult<Vec<u8>> {
    let data_key: [u8; 32] = random(32)?.try_into().expect("32 bytes");
    let wrapped = material.seal(&datakey_aad(project, id, aad), &data_key);
    let sealed = Cipher::new(data_key).seal(aad, plaintext);
    let mut out = Vec::with_capacity(ENVELOPE.len() + KEY_ID_LEN + 2 + wrapped.len() + sealed.len());
    out.extend_from_slice(ENVELOPE);
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(&(wrapped.len() as u16).to_be_bytes());
    out.extend_from_slice(&wrapped);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Keys as last read, each with its material unwrapped, by project and id: a key is taken from here
/// while its stored document is the one it was read from (compared whole on every use, so a key
/// disabled, rotated or deleted since is read again), which spares each value sealed or opened a parse
/// of the key's record and an unwrapping of its material under the master key. Bounded: past
/// [`KeyCache::MOST`] keys it starts again empty.
#[derive(Default)]
pub(crate) struct KeyCache(Mutex<HashMap<(String, String), Arc<Unwrapped>>>);

/// A key's record and its material, unwrapped, as the document `doc` holds them.
pub(crate) struct Unwrapped {
    doc: String,
    key: KeyRecord,
    material: Cipher,
}

impl KeyCache {
    /// Most keys kept.
    const MOST: usize = 4096;

    fn get(&self, project: &str, id: &str, doc: &str) -> Option<Arc<Unwrapped>> {
        let keys = self.0.lock().unwrap_or_else(|p| p.into_inner());
        keys.get(&(project.to_owned(), id.to_owned())).filter(|k| k.doc == doc).cloned()
    }

    fn put(&self, project: &str, id: &str, key: Arc<Unwrapped>) {
        let mut keys = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if keys.len() >= Self::MOST {
            keys.clear();
        }
        keys.insert((project.to_owned(), id.to_owned()), key);
    }
}

/// The key `id` of the project as stored now, with its material unwrapped (from the cache while its
/// document is unchanged).
fn unwrapped(cx: &mut Cx<'_>, project: &str, id: &str) -> StoreResult<Option<Arc<Unwrapped>>> {
    let Some(doc) = cx.tx.setting(project, &key_name(id))? else { return Ok(None) };
    if let Some(key) = cx.keys.get(project, id, &doc) {
        return Ok(Some(key));
    }
    let key: KeyRecord = serde_json::from_str(&doc)?;
    let material = material(cx.cipher, project, &key)?;
    let found = Arc::new(Unwrapped { doc, key, material });
    cx.keys.put(project, id, Arc::clone(&found));
    Ok(Some(found))
}

/// A secret's value sealed under the key it names by `id_or_alias` (an id, or an alias such as
/// `csms/default`; the default key is made on first use): refused while that key is missing, disabled or
/// scheduled for deletion.
pub(in crate::rules) fn seal_value(
    cx: &mut Cx<'_>,
    project: &str,
    id_or_alias: &str,
    aad: &[u8],
    plaintext: &[u8],
    now: i64,
) -> StoreResult<Vec<u8>> {
    let id = key_id_of(cx.tx, project, id_or_alias)?;
    let key = match unwrapped(cx, project, &id)? {
        Some(key) => key,
        None if id == default_key_id(project) => {
            default_key(cx.tx, cx.cipher, project, now)?;
            unwrapped(cx, project, &id)?.ok_or_else(|| StoreError::backend("the default key was not kept"))?
        }
        None => return Err(StoreError::Key(KeyRefusal::NotFound)),
    };
    key.key.usable().map_err(StoreError::Key)?;
    seal_under(&key.material, project, &key.key.key_id, aad, plaintext)
}

/// The key id an envelope names, its wrapped data key and its sealed value; `None` for a value sealed
/// under the master key alone (before keys existed).
fn envelope(stored: &[u8]) -> Option<(&str, &[u8], &[u8])> {
    let rest = stored.strip_prefix(ENVELOPE)?;
    let (id, rest) = rest.split_at_checked(KEY_ID_LEN)?;
    let (len, rest) = rest.split_at_checked(2)?;
    let (wrapped, sealed) = rest.split_at_checked(usize::from(u16::from_be_bytes([len[0], len[1]])))?;
    Some((std::str::from_utf8(id).ok()?, wrapped, sealed))
}

/// The plaintext of a stored value: through its key when sealed in an envelope (refused while the key is
/// unusable, and for good once it is gone), else under the master key.
pub(in crate::rules) fn open_value(
    cx: &mut Cx<'_>,
    project: &str,
    aad: &[u8],
    stored: &[u8],
) -> StoreResult<Vec<u8>> {
    let Some((id, wrapped, sealed)) = envelope(stored) else { return cx.cipher.open(aad, stored) };
    let key = unwrapped(cx, project, id)?.ok_or(StoreError::Key(KeyRefusal::NotFound))?;
    key.key.usable().map_err(StoreError::Key)?;
    let data_key = key.material.open(&datakey_aad(project, id, aad), wrapped)?;
    let data_key: [u8; 32] =
        data_key.try_into().map_err(|_| StoreError::backend("a value's data key is damaged"))?;
    Cipher::new(data_key).open(aad, sealed)
}

/// `plaintext` encrypted under `key` (encrypt-data, create-datakey): the key's id, then the ciphertext,
/// bound to the project, the key and `aad`.
pub(in crate::rules) fn encrypt(
    cipher: &Cipher,
    project: &str,
    key: &KeyRecord,
    aad: &[u8],
    plaintext: &[u8],
) -> StoreResult<Vec<u8>> {
    key.usable().map_err(StoreError::Key)?;
    let sealed = material(cipher, project, key)?.seal(&datakey_aad(project, &key.key_id, aad), plaintext);
    let mut out = Vec::with_capacity(2 + KEY_ID_LEN + sealed.len());
    out.extend_from_slice(&[0x02, 0x00]);
    out.extend_from_slice(key.key_id.as_bytes());
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// The key id a ciphertext of [`encrypt`] names, if it is one.
pub(in crate::rules) fn ciphertext_key(ciphertext: &[u8]) -> Option<&str> {
    let rest = ciphertext.strip_prefix(&[0x02, 0x00])?;
    std::str::from_utf8(rest.get(..KEY_ID_LEN)?).ok()
}

/// The plaintext of a ciphertext of [`encrypt`] under `key`; refused when it was altered, or is of
/// another key, project or `aad`.
pub(in crate::rules) fn decrypt(
    cipher: &Cipher,
    project: &str,
    key: &KeyRecord,
    aad: &[u8],
    ciphertext: &[u8],
) -> StoreResult<Vec<u8>> {
    key.usable().map_err(StoreError::Key)?;
    let bad = || StoreError::Key(KeyRefusal::BadCiphertext);
    if ciphertext_key(ciphertext) != Some(key.key_id.as_str()) {
        return Err(bad());
    }
    let sealed = &ciphertext[2 + KEY_ID_LEN..];
    material(cipher, project, key)?.open(&datakey_aad(project, &key.key_id, aad), sealed).map_err(|_| bad())
}
