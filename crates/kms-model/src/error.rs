//! KMS's error body and error table (codes from upstream's error code list).

use serde::{Deserialize, Serialize};

/// What went wrong (`{"error_code", "error_msg"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KmsErrorDetail {
    /// A code of the error table (`KMS.0207`), or of API Gateway's.
    pub error_code: String,
    /// What went wrong.
    pub error_msg: String,
}

/// Every KMS error body: `{"error": {"error_code", "error_msg"}}` (an object, though upstream's
/// definitions type it as an array; the SDKs read the object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct KmsErrorResponse {
    /// The error.
    pub error: KmsErrorDetail,
}

csms_model::error_table! {
    /// A body that is not JSON.
    MalformedBody => ("KMS.0202", 400, "Invalid JSON format of the request message."),
    /// A required member is missing.
    MissingParameter => ("KMS.0204", 400, "Parameters missing in the request message."),
    /// A `key_id` that is not one.
    InvalidKeyId => ("KMS.0205", 400, "Invalid key ID."),
    /// A `sequence` that is not one.
    InvalidSequence => ("KMS.0206", 400, "Invalid sequence number."),
    /// The key is disabled.
    KeyDisabled => ("KMS.0209", 400, "The key has been disabled."),
    /// The key is scheduled for deletion.
    KeyPendingDeletion => ("KMS.0210", 400, "The key is in Scheduled deletion state and cannot be used."),
    /// A default key (`*/default`) cannot be changed that way.
    DefaultKey => ("KMS.0211", 400, "Cannot perform this operation on Default Master Keys."),
    /// Any other invalid member.
    InvalidParameter => ("KMS.0308", 400, "Invalid parameter."),
    /// An external key cannot rotate.
    ExternalRotation => ("KMS.0312", 400, "External keys cannot be rotated."),
    /// The key's rotation is not on.
    RotationNotEnabled => ("KMS.0313", 400, "Key rotation is not enabled."),
    /// An invalid tag action.
    InvalidTagAction => ("KMS.0404", 400, "Invalid action."),
    /// An invalid tag value.
    InvalidTagValue => ("KMS.0405", 400, "Invalid tag value."),
    /// An invalid tag key.
    InvalidTagKey => ("KMS.0406", 400, "Invalid tag key."),
    /// More tags than a key may carry.
    TooManyTags => ("KMS.0409", 400, "Too many tags."),
    /// An invalid tag list.
    InvalidTagList => ("KMS.0412", 400, "Invalid tag list."),
    /// An invalid alias.
    InvalidAlias => ("KMS.1101", 400, "Invalid key_alias."),
    /// An invalid description.
    InvalidDescription => ("KMS.1103", 400, "Invalid key_description."),
    /// Another key of the project has the alias.
    DuplicateAlias => ("KMS.1104", 400, "Duplicate key aliases."),
    /// The project holds as many keys as its quota allows.
    TooManyKeys => ("KMS.1105", 400, "Too many keys."),
    /// Enabling a key that is not disabled.
    NotDisabled => ("KMS.1201", 400, "The key is not disabled."),
    /// Disabling a key that is not enabled.
    NotEnabled => ("KMS.1301", 400, "The key is not enabled."),
    /// A pending deletion period out of range.
    InvalidPendingDays => ("KMS.1401", 400, "Set the pending deletion period between 7 to 1096 days."),
    /// The key is scheduled for deletion already.
    AlreadyPendingDeletion => ("KMS.1402", 400, "The key is already in Pending deletion state."),
    /// Cancelling the deletion of a key that is not scheduled for deletion.
    NotPendingDeletion => ("KMS.1501", 400, "The key is not in Pending deletion state."),
    /// An invalid `limit`.
    InvalidLimit => ("KMS.1601", 400, "Invalid limit."),
    /// An invalid `marker`.
    InvalidMarker => ("KMS.1602", 400, "marker must be greater than or equals 0."),
    /// A `random_data_length` out of range or not a multiple of 8.
    InvalidRandomLength => ("KMS.1802", 400, "random_data_length must be a multiple of 8."),
    /// A `datakey_length` out of range.
    InvalidDatakeyLength => ("KMS.1901", 400, "datakey_length must be in the range 8 bits to 8,192 bits."),
    /// A data key's `key_spec` other than AES_128 or AES_256.
    InvalidDatakeySpec => ("KMS.1902", 400, "key_spec can only be AES_128 or AES_256."),
    /// An invalid `plain_text`.
    InvalidPlainText => ("KMS.2101", 400, "Invalid plain_text."),
    /// A data key whose digest does not match.
    DatakeyHash => ("KMS.2103", 400, "Failed to verify the DEK hash."),
    /// A `plain_text` whose length does not match `datakey_plain_length`.
    PlainLength => ("KMS.2104", 400, "The length of plain_text does not match datakey_plain_length."),
    /// An invalid `cipher_text` (altered, of another key or project, or not one).
    InvalidCipherText => ("KMS.2201", 400, "Invalid cipher_text."),
    /// A `datakey_cipher_length` that does not match the data key.
    CipherLength => ("KMS.2204", 400, "The length of cipher_text does not match datakey_cipher_length."),
    /// No key of that id in the project.
    KeyNotFound => ("KMS.0207", 404, "The key does not exist."),
    /// Anything unexpected inside the service.
    Internal => ("KMS.0101", 500, "KMS error."),
}
