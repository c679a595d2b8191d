//! The documentation of KMS's operations as this service serves them.

use kms_model::*;
use schemars::generate::SchemaGenerator;
use serde_json::{Value, json};

use super::neighbours::{Foreign, of};

type Row = (u16, &'static str, &'static str);

fn row(code: ErrorCode) -> Row {
    (code.http_status(), code.code(), code.default_message())
}

/// One operation's documentation: every KMS success is 200 with a JSON body, but the tags' writes (204).
fn f(
    op: Operation,
    summary: &'static str,
    description: &'static str,
    request: Option<Value>,
    success: Option<Value>,
    errors: &[ErrorCode],
) -> Foreign {
    use ErrorCode::*;
    let mut rows: Vec<Row> = vec![row(MalformedBody), row(MissingParameter), row(InvalidParameter)];
    rows.extend(errors.iter().map(|c| row(*c)));
    let status = if success.is_none() { "204" } else { "200" };
    Foreign {
        id: op.id(),
        method: op.method(),
        path: op.path(),
        summary,
        description,
        query: vec![],
        request,
        success: vec![(status, success)],
        public: false,
        errors: rows,
    }
}

/// KMS's operations, in its route table's order.
pub(super) fn docs(generator: &mut SchemaGenerator) -> Vec<Foreign> {
    use ErrorCode::*;
    let key = [InvalidKeyId, KeyNotFound];
    let usable = [InvalidKeyId, KeyNotFound, KeyDisabled, KeyPendingDeletion];
    let operate = of::<OperateKeyRequestBody>(generator);
    let status = of::<KeyStatusResponse>(generator);
    let top_status = of::<KeyStatusInfo>(generator);
    let empty = json!({"type": "object"});
    let datakey = of::<CreateDatakeyRequestBody>(generator);
    vec![
        f(
            Operation::CreateKey,
            "Create a key",
            "Makes a key with fresh AES-256 material, enabled (`\"2\"`); an `external` key waits for material (`\"5\"`). Its alias is unique in the project and may not end in `/default`.",
            Some(of::<CreateKeyRequestBody>(generator)),
            Some(of::<CreateKeyResponse>(generator)),
            &[InvalidAlias, InvalidDescription, DuplicateAlias, TooManyKeys],
        ),
        f(
            Operation::ListKeyDetail,
            "Describe a key",
            "The key, every member a string.",
            Some(operate.clone()),
            Some(of::<DescribeKeyResponse>(generator)),
            &key,
        ),
        f(
            Operation::ListKeys,
            "List keys",
            "The project's keys, oldest first, by `key_state` and `key_spec` (`AES_256` unless asked otherwise; `ALL` for every spec); `marker` is an offset, `truncated` says whether more follow.",
            Some(of::<ListKeysRequestBody>(generator)),
            Some(of::<ListKeysResponse>(generator)),
            &[InvalidLimit, InvalidMarker],
        ),
        f(
            Operation::EnableKey,
            "Enable a key",
            "A disabled key (`\"3\"`) becomes enabled (`\"2\"`).",
            Some(operate.clone()),
            Some(status.clone()),
            &[InvalidKeyId, KeyNotFound, NotDisabled, KeyPendingDeletion],
        ),
        f(
            Operation::DisableKey,
            "Disable a key",
            "An enabled key becomes disabled: what it sealed cannot be read until it is enabled again. Default keys cannot be disabled.",
            Some(operate.clone()),
            Some(status),
            &[InvalidKeyId, KeyNotFound, NotEnabled, DefaultKey, KeyPendingDeletion],
        ),
        f(
            Operation::DeleteKey,
            "Schedule a key's deletion",
            "The key is deleted after `pending_days` (7 to 1096): the scan deletes it then, for good, and what it sealed can never be read again.",
            Some(of::<ScheduleKeyDeletionRequestBody>(generator)),
            Some(top_status.clone()),
            &[InvalidKeyId, KeyNotFound, InvalidPendingDays, AlreadyPendingDeletion, DefaultKey],
        ),
        f(
            Operation::CancelKeyDeletion,
            "Cancel a key's deletion",
            "The key is kept, disabled (`\"3\"`).",
            Some(operate.clone()),
            Some(top_status),
            &[InvalidKeyId, KeyNotFound, NotPendingDeletion],
        ),
        f(
            Operation::UpdateKeyAlias,
            "Rename a key",
            "Sets the key's alias (unique in the project). Not for default keys or keys scheduled for deletion.",
            Some(of::<UpdateKeyAliasRequestBody>(generator)),
            Some(of::<KeyAliasResponse>(generator)),
            &[InvalidKeyId, KeyNotFound, InvalidAlias, DuplicateAlias, DefaultKey, KeyPendingDeletion],
        ),
        f(
            Operation::UpdateKeyDescription,
            "Describe a key's purpose",
            "Sets the key's description. Not for default keys or keys scheduled for deletion.",
            Some(of::<UpdateKeyDescriptionRequestBody>(generator)),
            Some(of::<KeyDescriptionResponse>(generator)),
            &[InvalidKeyId, KeyNotFound, InvalidDescription, DefaultKey, KeyPendingDeletion],
        ),
        f(
            Operation::ShowKeyRotationStatus,
            "Show a key's rotation",
            "Whether the key rotates, at which interval, and how often it did.",
            Some(operate.clone()),
            Some(of::<KeyRotationStatusResponse>(generator)),
            &key,
        ),
        f(
            Operation::EnableKeyRotation,
            "Turn a key's rotation on",
            "At the longest interval unless one is set; answers `{}`.",
            Some(operate.clone()),
            Some(empty.clone()),
            &[InvalidKeyId, KeyNotFound, KeyDisabled, KeyPendingDeletion, ExternalRotation, DefaultKey],
        ),
        f(
            Operation::DisableKeyRotation,
            "Turn a key's rotation off",
            "Answers `{}`.",
            Some(operate.clone()),
            Some(empty.clone()),
            &[InvalidKeyId, KeyNotFound, KeyDisabled, KeyPendingDeletion, DefaultKey],
        ),
        f(
            Operation::UpdateKeyRotationInterval,
            "Set a key's rotation interval",
            "30 to 365 days; the rotation must be on. Answers `{}`.",
            Some(of::<UpdateKeyRotationIntervalRequestBody>(generator)),
            Some(empty),
            &[InvalidKeyId, KeyNotFound, RotationNotEnabled, KeyDisabled, KeyPendingDeletion],
        ),
        f(
            Operation::CreateDatakey,
            "Create a data key",
            "A new data key (`key_spec` or `datakey_length` bits), in plain and sealed under the key (hex); the ciphertext names its key.",
            Some(datakey.clone()),
            Some(of::<CreateDatakeyResponse>(generator)),
            &[&usable[..], &[InvalidDatakeyLength, InvalidDatakeySpec]].concat(),
        ),
        f(
            Operation::CreateDatakeyWithoutPlaintext,
            "Create a sealed data key",
            "As create-datakey, the sealed data key only.",
            Some(datakey),
            Some(of::<CreateDatakeyWithoutPlaintextResponse>(generator)),
            &[&usable[..], &[InvalidDatakeyLength, InvalidDatakeySpec]].concat(),
        ),
        f(
            Operation::EncryptDatakey,
            "Seal a data key",
            "`plain_text` is hex of the data key and its SHA-256 digest; `datakey_plain_length` the data key's bytes.",
            Some(of::<EncryptDatakeyRequestBody>(generator)),
            Some(of::<EncryptDatakeyResponse>(generator)),
            &[&usable[..], &[InvalidPlainText, DatakeyHash, PlainLength]].concat(),
        ),
        f(
            Operation::DecryptDatakey,
            "Open a sealed data key",
            "The data key, its length and its SHA-256 digest; refused for a ciphertext of another key or project, or altered.",
            Some(of::<DecryptDatakeyRequestBody>(generator)),
            Some(of::<DecryptDatakeyResponse>(generator)),
            &[&usable[..], &[InvalidCipherText, CipherLength]].concat(),
        ),
        f(
            Operation::EncryptData,
            "Encrypt data",
            "Up to 4096 bytes under the key: Base64 of a ciphertext that names its key (at least 128 characters).",
            Some(of::<EncryptDataRequestBody>(generator)),
            Some(of::<EncryptDataResponse>(generator)),
            &[&usable[..], &[InvalidPlainText]].concat(),
        ),
        f(
            Operation::DecryptData,
            "Decrypt data",
            "What encrypt-data made, under the key its ciphertext names.",
            Some(of::<DecryptDataRequestBody>(generator)),
            Some(of::<DecryptDataResponse>(generator)),
            &[&usable[..], &[InvalidCipherText]].concat(),
        ),
        f(
            Operation::CreateRandom,
            "Random bytes",
            "`random_data_length` bits (8 to 8192, a multiple of 8) of randomness, hex.",
            Some(of::<GenRandomRequestBody>(generator)),
            Some(of::<GenRandomResponse>(generator)),
            &[InvalidRandomLength],
        ),
        f(
            Operation::ShowKmsTags,
            "List a key's tags",
            "The key's tags and their number (`{\"tags\":[],\"existTagsNum\":0}` for none).",
            None,
            Some(of::<ShowKmsTagsResponse>(generator)),
            &key,
        ),
        f(
            Operation::CreateKmsTag,
            "Tag a key",
            "Sets one tag (a key already set takes the new value); at most 20 per key.",
            Some(of::<CreateKmsTagRequestBody>(generator)),
            None,
            &[InvalidKeyId, KeyNotFound, InvalidTagKey, InvalidTagValue, TooManyTags],
        ),
        f(
            Operation::DeleteTag,
            "Untag a key",
            "Removes one tag; a key the key does not carry is refused.",
            None,
            None,
            &[InvalidKeyId, KeyNotFound, InvalidTagKey],
        ),
        f(
            Operation::BatchCreateKmsTags,
            "Tag or untag a key",
            "Sets (`create`) or removes (`delete`) several tags.",
            Some(of::<BatchCreateKmsTagsRequestBody>(generator)),
            None,
            &[
                InvalidKeyId,
                KeyNotFound,
                InvalidTagAction,
                InvalidTagList,
                InvalidTagKey,
                InvalidTagValue,
                TooManyTags,
            ],
        ),
        f(
            Operation::ListKmsTags,
            "List the project's key tags",
            "Every tag key of the project's keys, with its values.",
            None,
            Some(of::<ListKmsTagsResponse>(generator)),
            &[],
        ),
        f(
            Operation::ListKmsByTags,
            "Find keys by tag",
            "The keys carrying every tag of `tags` and whose alias contains each of `matches`; `count` answers only the total.",
            Some(of::<ListKmsByTagsRequestBody>(generator)),
            Some(of::<ListKmsByTagsResponse>(generator)),
            &[InvalidTagList, InvalidLimit],
        ),
    ]
}

/// KMS's error shape.
pub(super) fn error_shape(generator: &mut SchemaGenerator) -> Value {
    of::<KmsErrorResponse>(generator)
}
