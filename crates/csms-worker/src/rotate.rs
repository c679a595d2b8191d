//! [`Rotator`]: how a secret's next value is made, per secret type.

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use csms_model::{ErrorCode, Secret, SecretValue, Version};
use csms_store::{Payload, RotationError};

/// Makes a secret's next value: implement it for your own secret types and give it to
/// [`crate::Worker::with_rotator`].
#[async_trait]
pub trait Rotator: Send + Sync + 'static {
    /// The new value for `secret`, whose current version is `current`.
    async fn rotate(&self, secret: &Secret, current: &Version) -> Result<Payload, RotationError>;
}

/// The built-in rotator of `COMMON` secrets (`--rotate-common`): a new random value, 32 random bytes in
/// hexadecimal, of the same kind (text or binary) as the current one.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomValue;

#[async_trait]
impl Rotator for RandomValue {
    async fn rotate(&self, _: &Secret, current: &Version) -> Result<Payload, RotationError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| RotationError::new(ErrorCode::Internal, format!("no randomness: {e}")))?;
        let text = hex::encode(bytes);
        Ok(match current.secret_binary {
            Some(_) => Payload::Binary(SecretValue::new(BASE64.encode(text.as_bytes()))),
            None => Payload::String(SecretValue::new(text)),
        })
    }
}
