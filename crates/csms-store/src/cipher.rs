//! Encryption of secret values at rest: AES-256-GCM under one master key, a fresh random nonce per value,
//! and associated data that binds each ciphertext to its project, secret and version, so a ciphertext
//! copied into another row does not decrypt.

use std::fmt;
use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, Generate, Key, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};

use crate::{StoreError, StoreResult};

/// Bytes of the nonce that starts every sealed value.
const NONCE_LEN: usize = 12;
/// The associated data and the text of the sealed value a database keeps to recognise its key.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
const KEY_CHECK_AAD: &[u8] = b"csms/key-check";
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
const KEY_CHECK_TEXT: &[u8] = b"this database's master key";

/// The master key's cipher. `Debug` never shows the key.
#[derive(Clone)]
pub struct Cipher {
    aead: Aes256Gcm,
}

impl fmt::Debug for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cipher(AES-256-GCM, key hidden)")
    }
}

/// A key file was read, or created because there was none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// Read from an existing file.
    Read,
    /// Generated and written to the file just now.
    Generated,
}

impl Cipher {
    /// A cipher under a 32-byte key.
    pub fn new(key: [u8; 32]) -> Self {
        Cipher { aead: Aes256Gcm::new(&Key::<Aes256Gcm>::from(key)) }
    }

    /// A cipher under a new random key, kept nowhere: for stores that keep nothing across restarts.
    pub fn ephemeral() -> Self {
        Cipher { aead: Aes256Gcm::new(&Key::<Aes256Gcm>::generate()) }
    }

    /// Reads a key file: 64 hexadecimal digits (32 bytes), surrounding whitespace ignored, as
    /// `openssl rand -hex 32` writes it. The error says what is wrong, never the file's content.
    pub fn from_key_file(path: &Path) -> StoreResult<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            StoreError::backend(format!("cannot read the master key file {}: {e}", path.display()))
        })?;
        let mut key = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut key).map_err(|_| {
            StoreError::backend(format!(
                "the master key file {} must hold 64 hexadecimal digits (32 bytes), as `openssl rand -hex 32` writes",
                path.display()
            ))
        })?;
        Ok(Cipher::new(key))
    }

    /// Reads the key file at `path`, or, when there is none, generates a key and writes it there (mode
    /// 0600, created only if absent, synced) and says so.
    pub fn load_or_generate(path: &Path) -> StoreResult<(Self, KeySource)> {
        if path.exists() {
            return Ok((Cipher::from_key_file(path)?, KeySource::Read));
        }
        let key: [u8; 32] = Key::<Aes256Gcm>::generate().into();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(path).and_then(|mut file| {
            file.write_all(format!("{}\n", hex::encode(key)).as_bytes())?;
            file.sync_all()
        });
        written.map_err(|e| {
            StoreError::backend(format!("cannot write a new master key file {}: {e}", path.display()))
        })?;
        Ok((Cipher::new(key), KeySource::Generated))
    }

    /// `plaintext` sealed for the place `aad` names: the nonce, then the ciphertext with its tag.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let nonce = Nonce::generate();
        let ciphertext = self
            .aead
            .encrypt(&nonce, Payload { msg: plaintext, aad })
            .expect("AES-GCM encrypts any value below 64 GiB");
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// The plaintext of a value sealed for `aad`, or an error when the key, the place or the bytes differ.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> StoreResult<Vec<u8>> {
        let fail =
            || StoreError::backend("a stored value does not decrypt under the master key for its place");
        if sealed.len() < NONCE_LEN {
            return Err(fail());
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| fail())?;
        self.aead.decrypt(&nonce, Payload { msg: ciphertext, aad }).map_err(|_| fail())
    }

    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    /// A sealed known text that a database keeps to recognise its key at start.
    pub(crate) fn key_check(&self) -> Vec<u8> {
        self.seal(KEY_CHECK_AAD, KEY_CHECK_TEXT)
    }

    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    /// Whether `check` (from [`Cipher::key_check`]) was sealed under this key; a clear start-up error if not.
    pub(crate) fn verify_key_check(&self, check: &[u8]) -> StoreResult<()> {
        match self.open(KEY_CHECK_AAD, check) {
            Ok(text) if text == KEY_CHECK_TEXT => Ok(()),
            _ => Err(StoreError::WrongKey),
        }
    }
}

/// The associated data of a secret version's value: it names the project, the secret (by id, new at every
/// creation) and the version.
pub(crate) fn value_aad(project: &str, secret_id: &str, version_id: &str) -> Vec<u8> {
    // None of the three can hold a NUL (their patterns forbid it), so the joined form is unambiguous.
    format!("csms/value/v1\0{project}\0{secret_id}\0{version_id}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_opens_only_in_its_place_and_under_its_key() {
        let cipher = Cipher::ephemeral();
        let here = value_aad("p", "id-1", "v1");
        let sealed = cipher.seal(&here, b"hunter2");
        assert!(!sealed.windows(7).any(|w| w == b"hunter2"));
        assert_eq!(cipher.open(&here, &sealed).unwrap(), b"hunter2");
        for elsewhere in
            [value_aad("q", "id-1", "v1"), value_aad("p", "id-2", "v1"), value_aad("p", "id-1", "v2")]
        {
            assert!(cipher.open(&elsewhere, &sealed).is_err());
        }
        assert!(Cipher::ephemeral().open(&here, &sealed).is_err());
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(cipher.open(&here, &flipped).is_err());
        assert!(cipher.open(&here, &sealed[..5]).is_err());
        // A fresh nonce per value: the same value sealed twice differs.
        assert_ne!(cipher.seal(&here, b"hunter2"), sealed);
    }

    #[test]
    fn key_files_are_generated_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        let (first, source) = Cipher::load_or_generate(&path).unwrap();
        assert_eq!(source, KeySource::Generated);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let (again, source) = Cipher::load_or_generate(&path).unwrap();
        assert_eq!(source, KeySource::Read);
        again.verify_key_check(&first.key_check()).unwrap();
        let other = Cipher::ephemeral();
        let error = other.verify_key_check(&first.key_check()).unwrap_err().to_string();
        assert!(error.contains("not the one"), "{error}");

        std::fs::write(&path, "not a key").unwrap();
        let error = Cipher::from_key_file(&path).unwrap_err().to_string();
        assert!(error.contains("64 hexadecimal digits") && !error.contains("not a key"), "{error}");
    }
}
