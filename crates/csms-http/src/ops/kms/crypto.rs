//! What keys do for callers: data keys (create-datakey, create-datakey-without-plaintext,
//! encrypt-datakey, decrypt-datakey), small data (encrypt-data, decrypt-data) and random bytes
//! (gen-random). A ciphertext names its key, opens only in its project and under its key, and fails when
//! altered; encrypt-data pads its plaintext so that even one byte makes a ciphertext of at least 128
//! Base64 characters, as upstream's does.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use csms_validate::kms as rules;
use kms_model::limits::{DATAKEY_BITS, DATAKEY_SPECS};
use kms_model::{
    CreateDatakeyRequestBody, CreateDatakeyResponse, CreateDatakeyWithoutPlaintextResponse,
    DecryptDataRequestBody, DecryptDataResponse, DecryptDatakeyRequestBody, DecryptDatakeyResponse,
    EncryptDataRequestBody, EncryptDataResponse, EncryptDatakeyRequestBody, EncryptDatakeyResponse,
    ErrorCode, GenRandomRequestBody, GenRandomResponse,
};
use sha2::{Digest, Sha256};

use super::{kms_input, store_error};
use crate::error::ApiError;
use crate::ops::{Json, NoStore, State};

kms_input!(
    /// `create-datakey`.
    CreateDatakey, CreateDatakey, CreateDatakeyRequestBody, rules::parse_create_datakey_body
);
kms_input!(
    /// `create-datakey-without-plaintext`.
    CreateDatakeyWithoutPlaintext, CreateDatakeyWithoutPlaintext, CreateDatakeyRequestBody,
    rules::parse_create_datakey_body
);
kms_input!(
    /// `encrypt-datakey`.
    EncryptDatakey, EncryptDatakey, EncryptDatakeyRequestBody, rules::parse_encrypt_datakey_body
);
kms_input!(
    /// `decrypt-datakey`.
    DecryptDatakey, DecryptDatakey, DecryptDatakeyRequestBody, rules::parse_decrypt_datakey_body
);
kms_input!(
    /// `encrypt-data`.
    EncryptData, EncryptData, EncryptDataRequestBody, rules::parse_encrypt_data_body
);
kms_input!(
    /// `decrypt-data`.
    DecryptData, DecryptData, DecryptDataRequestBody, rules::parse_decrypt_data_body
);
kms_input!(
    /// `gen-random`.
    GenRandom, CreateRandom, GenRandomRequestBody, rules::parse_gen_random_body
);

fn random(n: usize) -> Result<Vec<u8>, ApiError> {
    let mut bytes = vec![0; n];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    Ok(bytes)
}

fn aad(given: Option<&String>) -> Vec<u8> {
    given.map(|a| a.as_bytes().to_vec()).unwrap_or_default()
}

/// `plain` sealed under the key `key_id` of `project`, bound to the caller's `aad`.
async fn seal(
    state: &State,
    project: &str,
    key_id: &str,
    given_aad: Option<&String>,
    plain: Vec<u8>,
) -> Result<Vec<u8>, ApiError> {
    state.store.encrypt_with_key(project, key_id, aad(given_aad), plain).await.map_err(store_error)
}

/// What a ciphertext of `project` seals, bound to the caller's `aad`, and the key it names.
async fn open(
    state: &State,
    project: &str,
    sealed: Vec<u8>,
    given_aad: Option<&String>,
) -> Result<(String, Vec<u8>), ApiError> {
    state.store.decrypt_with_key(project, sealed, aad(given_aad)).await.map_err(store_error)
}

/// A new data key sealed under the key: its plaintext and ciphertext, hex.
async fn new_datakey(
    state: &State,
    project: &str,
    body: &CreateDatakeyRequestBody,
) -> Result<(String, String), ApiError> {
    let bits = match (&body.datakey_length, &body.key_spec) {
        (Some(length), _) => length.parse::<usize>().map_err(ApiError::internal)?,
        (None, Some(spec)) => {
            DATAKEY_SPECS.iter().find(|(s, _)| s == spec).map_or(DATAKEY_BITS.2, |(_, b)| *b) as usize
        }
        (None, None) => DATAKEY_BITS.2 as usize,
    };
    let key = random(bits / 8)?;
    let sealed =
        seal(state, project, &body.key_id, body.additional_authenticated_data.as_ref(), key.clone()).await?;
    Ok((hex::encode(key), hex::encode(sealed)))
}

/// A data key, in plain and sealed.
pub(crate) async fn create_datakey(
    state: &State,
    input: CreateDatakey,
) -> Result<NoStore<CreateDatakeyResponse>, ApiError> {
    let (project, body) = (&input.0.project, &input.0.body);
    let (plain_text, cipher_text) = new_datakey(state, project, body).await?;
    Ok(NoStore(CreateDatakeyResponse { key_id: body.key_id.clone(), plain_text, cipher_text }))
}

/// A data key, sealed only.
pub(crate) async fn create_datakey_without_plaintext(
    state: &State,
    input: CreateDatakeyWithoutPlaintext,
) -> Result<Json<CreateDatakeyWithoutPlaintextResponse>, ApiError> {
    let (project, body) = (&input.0.project, &input.0.body);
    let (_, cipher_text) = new_datakey(state, project, body).await?;
    Ok(Json(CreateDatakeyWithoutPlaintextResponse { key_id: body.key_id.clone(), cipher_text }))
}

/// Seals a data key of the caller's: `plain_text` is hex of the key and its SHA-256 digest.
pub(crate) async fn encrypt_datakey(
    state: &State,
    input: EncryptDatakey,
) -> Result<Json<EncryptDatakeyResponse>, ApiError> {
    let (project, body) = (&input.0.project, input.0.body);
    let bytes = hex::decode(&body.plain_text)
        .map_err(|_| ApiError::new(ErrorCode::InvalidPlainText, "plain_text is not hex."))?;
    let length: usize = body.datakey_plain_length.parse().map_err(ApiError::internal)?;
    if bytes.len() != length + 32 {
        return Err(ApiError::new(
            ErrorCode::PlainLength,
            "plain_text must be the data key (datakey_plain_length bytes) followed by its SHA-256 digest (32 bytes).",
        ));
    }
    let (key, digest) = bytes.split_at(length);
    if Sha256::digest(key).as_slice() != digest {
        return Err(ApiError::of(ErrorCode::DatakeyHash));
    }
    let sealed =
        seal(state, project, &body.key_id, body.additional_authenticated_data.as_ref(), key.to_vec()).await?;
    Ok(Json(EncryptDatakeyResponse {
        key_id: body.key_id,
        cipher_text: hex::encode(sealed),
        datakey_length: length.to_string(),
    }))
}

/// Opens a sealed data key of the key the body names.
pub(crate) async fn decrypt_datakey(
    state: &State,
    input: DecryptDatakey,
) -> Result<NoStore<DecryptDatakeyResponse>, ApiError> {
    let (project, body) = (&input.0.project, input.0.body);
    let bad = || ApiError::of(ErrorCode::InvalidCipherText);
    let sealed = hex::decode(&body.cipher_text).map_err(|_| bad())?;
    let (key_id, key) = open(state, project, sealed, body.additional_authenticated_data.as_ref()).await?;
    if key_id != body.key_id {
        return Err(bad());
    }
    if body.datakey_cipher_length.parse::<usize>().ok() != Some(key.len()) {
        return Err(ApiError::of(ErrorCode::CipherLength));
    }
    Ok(NoStore(DecryptDatakeyResponse {
        datakey_dgst: hex::encode(Sha256::digest(&key)),
        datakey_length: key.len().to_string(),
        data_key: hex::encode(key),
    }))
}

/// The smallest padded plaintext: with the key's id, the nonce and the tag, a ciphertext of more than 96
/// bytes, 128 Base64 characters.
const MIN_PADDED: usize = 48;

/// `plain` with its length before it, padded with zeros to a multiple of 16 bytes (at least
/// [`MIN_PADDED`]).
fn pad(plain: &[u8]) -> Vec<u8> {
    let mut out = (plain.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(plain);
    let size = out.len().next_multiple_of(16).max(MIN_PADDED);
    out.resize(size, 0);
    out
}

/// The plaintext [`pad`] padded.
fn unpad(padded: &[u8]) -> Option<&[u8]> {
    let length = u32::from_be_bytes(padded.get(..4)?.try_into().ok()?) as usize;
    padded.get(4..4 + length)
}

/// Encrypts up to 4 KB under the key: Base64 of a ciphertext that names the key.
pub(crate) async fn encrypt_data(
    state: &State,
    input: EncryptData,
) -> Result<Json<EncryptDataResponse>, ApiError> {
    let (project, body) = (&input.0.project, input.0.body);
    let padded = pad(body.plain_text.as_bytes());
    let sealed =
        seal(state, project, &body.key_id, body.additional_authenticated_data.as_ref(), padded).await?;
    Ok(Json(EncryptDataResponse { key_id: body.key_id, cipher_text: STANDARD.encode(sealed) }))
}

/// Decrypts what encrypt-data made: the key is the one the ciphertext names.
pub(crate) async fn decrypt_data(
    state: &State,
    input: DecryptData,
) -> Result<NoStore<DecryptDataResponse>, ApiError> {
    let (project, body) = (&input.0.project, input.0.body);
    let bad = || ApiError::of(ErrorCode::InvalidCipherText);
    let sealed = STANDARD.decode(&body.cipher_text).map_err(|_| bad())?;
    let (key_id, padded) = open(state, project, sealed, body.additional_authenticated_data.as_ref()).await?;
    if body.key_id.as_ref().is_some_and(|k| k != &key_id) {
        return Err(bad());
    }
    let plain = unpad(&padded).ok_or_else(bad)?;
    Ok(NoStore(DecryptDataResponse {
        key_id,
        plain_text: String::from_utf8_lossy(plain).into_owned(),
        plain_text_base64: STANDARD.encode(plain),
    }))
}

/// Random bytes, hex.
pub(crate) async fn gen_random(
    _state: &State,
    input: GenRandom,
) -> Result<Json<GenRandomResponse>, ApiError> {
    let bits: usize = input.0.body.random_data_length.parse().map_err(ApiError::internal)?;
    Ok(Json(GenRandomResponse { random_data: hex::encode(random(bits / 8)?) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_keeps_the_plaintext_and_makes_ciphertexts_long_enough() {
        for plain in [&b""[..], b"x", &[7u8; 100], &[1u8; 4096]] {
            let padded = pad(plain);
            assert_eq!(padded.len() % 16, 0);
            assert!(padded.len() >= MIN_PADDED);
            assert_eq!(unpad(&padded), Some(plain));
            // Two bytes of format, the key id, the nonce, the padded text and the tag, in Base64.
            let sealed = 2 + 36 + 12 + padded.len() + 16;
            assert!(sealed.div_ceil(3) * 4 >= 128, "{}", plain.len());
        }
        assert_eq!(unpad(&[0, 0, 0, 9, 1]), None);
    }
}
