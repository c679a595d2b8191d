//! Data keys, small-data encryption and random bytes: the key's material never leaves the service.

use serde::{Deserialize, Serialize};

/// create-datakey's (and create-datakey-without-plaintext's) body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateDatakeyRequestBody {
    /// The key that seals the data key.
    pub key_id: String,
    /// `AES_256` or `AES_128` (`datakey_length` wins when both are given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_spec: Option<String>,
    /// The data key's length in bits, as a decimal string (8 to 8192, a multiple of 8; 256 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datakey_length: Option<String>,
    /// Data bound to the sealed data key: the same is needed to open it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_authenticated_data: Option<String>,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
    /// A PIN authenticating the data key (level-4 cryptography only; accepted and not used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    /// `CipherText` or `PlainText`: how `pin` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_type: Option<String>,
}

/// create-datakey's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateDatakeyResponse {
    /// The key that sealed it.
    pub key_id: String,
    /// The data key, hexadecimal.
    pub plain_text: String,
    /// The data key sealed under the key, hexadecimal (it names its key).
    pub cipher_text: String,
}

/// create-datakey-without-plaintext's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateDatakeyWithoutPlaintextResponse {
    /// The key that sealed it.
    pub key_id: String,
    /// The data key sealed under the key, hexadecimal.
    pub cipher_text: String,
}

/// encrypt-datakey's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct EncryptDatakeyRequestBody {
    /// The key to seal under.
    pub key_id: String,
    /// The data key and its SHA-256 digest, hexadecimal (`hex(DEK || SHA-256(DEK))`).
    pub plain_text: String,
    /// The data key's length in bytes, as a decimal string.
    pub datakey_plain_length: String,
    /// Data bound to the sealed data key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_authenticated_data: Option<String>,
    /// For asymmetric keys upstream (`SM2`, `RSA`); refused here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_spec: Option<String>,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
    /// A PIN authenticating the data key (level-4 cryptography only; accepted and not used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    /// `CipherText` or `PlainText`: how `pin` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_type: Option<String>,
}

/// encrypt-datakey's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct EncryptDatakeyResponse {
    /// The key that sealed it.
    pub key_id: String,
    /// The sealed data key, hexadecimal.
    pub cipher_text: String,
    /// The data key's length in bytes.
    pub datakey_length: String,
}

/// decrypt-datakey's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct DecryptDatakeyRequestBody {
    /// The key that sealed it.
    pub key_id: String,
    /// The sealed data key, hexadecimal.
    pub cipher_text: String,
    /// The data key's length in bytes, as a decimal string.
    pub datakey_cipher_length: String,
    /// The data bound when it was sealed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_authenticated_data: Option<String>,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}

/// decrypt-datakey's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct DecryptDatakeyResponse {
    /// The data key, hexadecimal.
    pub data_key: String,
    /// Its length in bytes.
    pub datakey_length: String,
    /// Its SHA-256 digest, hexadecimal.
    pub datakey_dgst: String,
}

/// encrypt-data's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct EncryptDataRequestBody {
    /// The key to encrypt under.
    pub key_id: String,
    /// The text (1 to 4096 bytes).
    pub plain_text: String,
    /// `SYMMETRIC_DEFAULT` for a symmetric key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_algorithm: Option<String>,
    /// Data bound to the ciphertext.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_authenticated_data: Option<String>,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}

/// encrypt-data's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct EncryptDataResponse {
    /// The key that encrypted it.
    pub key_id: String,
    /// The ciphertext, Base64 (it names its key).
    pub cipher_text: String,
}

/// decrypt-data's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct DecryptDataRequestBody {
    /// The ciphertext, Base64.
    pub cipher_text: String,
    /// The key (needed upstream for asymmetric keys only; when given, it must be the ciphertext's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// `SYMMETRIC_DEFAULT` for a symmetric key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_algorithm: Option<String>,
    /// The data bound when it was encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_authenticated_data: Option<String>,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}

/// decrypt-data's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct DecryptDataResponse {
    /// The key that encrypted it.
    pub key_id: String,
    /// The text (lossy UTF-8 when it is not text).
    pub plain_text: String,
    /// The text, Base64.
    pub plain_text_base64: String,
}

/// gen-random's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct GenRandomRequestBody {
    /// How many bits, as a decimal string (8 to 8192, a multiple of 8).
    pub random_data_length: String,
    /// A request sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
}

/// gen-random's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct GenRandomResponse {
    /// The bytes, hexadecimal.
    pub random_data: String,
}
