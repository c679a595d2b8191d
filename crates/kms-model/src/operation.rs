//! The KMS operations this service serves: the route table, written once.

csms_model::route_table! {
    /// Creates a customer master key.
    CreateKey => ("POST", "/v1.0/{project_id}/kms/create-key"),
    /// Describes one key (describe-key).
    ListKeyDetail => ("POST", "/v1.0/{project_id}/kms/describe-key"),
    /// Lists the project's keys, a page at a time.
    ListKeys => ("POST", "/v1.0/{project_id}/kms/list-keys"),
    /// Enables a disabled key.
    EnableKey => ("POST", "/v1.0/{project_id}/kms/enable-key"),
    /// Disables a key: what it protects cannot be read until it is enabled again.
    DisableKey => ("POST", "/v1.0/{project_id}/kms/disable-key"),
    /// Schedules a key's deletion after 7 to 1096 days (schedule-key-deletion).
    DeleteKey => ("POST", "/v1.0/{project_id}/kms/schedule-key-deletion"),
    /// Cancels a scheduled deletion: the key is disabled.
    CancelKeyDeletion => ("POST", "/v1.0/{project_id}/kms/cancel-key-deletion"),
    /// Changes a key's alias.
    UpdateKeyAlias => ("POST", "/v1.0/{project_id}/kms/update-key-alias"),
    /// Changes a key's description.
    UpdateKeyDescription => ("POST", "/v1.0/{project_id}/kms/update-key-description"),
    /// Whether a key's rotation is on, and its interval.
    ShowKeyRotationStatus => ("POST", "/v1.0/{project_id}/kms/get-key-rotation-status"),
    /// Turns a key's rotation on.
    EnableKeyRotation => ("POST", "/v1.0/{project_id}/kms/enable-key-rotation"),
    /// Turns a key's rotation off.
    DisableKeyRotation => ("POST", "/v1.0/{project_id}/kms/disable-key-rotation"),
    /// Changes a key's rotation interval.
    UpdateKeyRotationInterval => ("POST", "/v1.0/{project_id}/kms/update-key-rotation-interval"),
    /// A new data key, in the clear and sealed under a key.
    CreateDatakey => ("POST", "/v1.0/{project_id}/kms/create-datakey"),
    /// A new data key, sealed under a key only.
    CreateDatakeyWithoutPlaintext => ("POST", "/v1.0/{project_id}/kms/create-datakey-without-plaintext"),
    /// Seals a data key under a key.
    EncryptDatakey => ("POST", "/v1.0/{project_id}/kms/encrypt-datakey"),
    /// Opens a sealed data key.
    DecryptDatakey => ("POST", "/v1.0/{project_id}/kms/decrypt-datakey"),
    /// Encrypts up to 4 KB under a key.
    EncryptData => ("POST", "/v1.0/{project_id}/kms/encrypt-data"),
    /// Decrypts what encrypt-data made (the ciphertext names its key).
    DecryptData => ("POST", "/v1.0/{project_id}/kms/decrypt-data"),
    /// Random bytes.
    CreateRandom => ("POST", "/v1.0/{project_id}/kms/gen-random"),
    /// A key's tags.
    ShowKmsTags => ("GET", "/v1.0/{project_id}/kms/{key_id}/tags"),
    /// Adds a tag to a key, or sets its key's value.
    CreateKmsTag => ("POST", "/v1.0/{project_id}/kms/{key_id}/tags"),
    /// Removes a tag from a key.
    DeleteTag => ("DELETE", "/v1.0/{project_id}/kms/{key_id}/tags/{key}"),
    /// Sets or removes several tags of a key at once.
    BatchCreateKmsTags => ("POST", "/v1.0/{project_id}/kms/{key_id}/tags/action"),
    /// Every tag key used on the project's keys, with its values.
    ListKmsTags => ("GET", "/v1.0/{project_id}/kms/tags"),
    /// Finds keys by tags, a page at a time, or counts them.
    ListKmsByTags => ("POST", "/v1.0/{project_id}/kms/resource_instances/action"),
}
