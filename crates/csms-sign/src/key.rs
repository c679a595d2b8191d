//! Secret keys made ready to sign with.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A secret key (SK) made ready to sign with once: HMAC's key schedule (the key's inner and outer pads,
/// each a SHA-256 block) is done here, not again for every request it verifies.
///
/// ```
/// use csms_sign::{SecretKey, SigningSecret};
/// let key = SecretKey::new("SKEXAMPLE");
/// assert_eq!(key.mac(b"message"), "SKEXAMPLE".mac(b"message"));
/// ```
#[derive(Clone)]
pub struct SecretKey(Hmac<Sha256>);

impl SecretKey {
    /// The key of the secret `sk`.
    pub fn new(sk: &str) -> Self {
        SecretKey(Hmac::<Sha256>::new_from_slice(sk.as_bytes()).expect("HMAC takes any key length"))
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// A secret that signs: a [`SecretKey`], or the secret's text (its key schedule made on each use).
pub trait SigningSecret {
    /// HMAC-SHA256 of `message` under this secret.
    fn mac(&self, message: &[u8]) -> [u8; 32];
}

impl SigningSecret for SecretKey {
    fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut mac = self.0.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }
}

impl SigningSecret for str {
    fn mac(&self, message: &[u8]) -> [u8; 32] {
        SecretKey::new(self).mac(message)
    }
}
