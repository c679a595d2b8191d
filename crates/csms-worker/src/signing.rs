//! The identity SMN deliveries are signed with: an RSA-2048 key and its self-signed SHA256withRSA
//! certificate, made once per store ([`make_identity`]) and kept there, and the [`Signer`] that signs each
//! message's canonical text (SHA256withRSA, RSASSA-PKCS1-v1_5, Base64) as SMN signs it. A subscriber
//! verifies with nothing but the certificate, downloaded from the message's `signing_cert_url`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use csms_store::{SigningIdentity, StoreError, StoreResult};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rsa::pkcs8::EncodePrivateKey;

/// The certificate's subject: upstream's is `Huawei-Cloud-SMN-Meter`, issued by `Huawei Cloud CA`.
const SUBJECT: &str = "CSMS local SMN signing";

fn failed(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::backend(format!("{what}: {e}"))
}

/// A new signing identity: an RSA-2048 key (from the system's randomness) and a certificate for it,
/// self-signed with SHA256withRSA, valid from now for ten years.
pub fn make_identity() -> StoreResult<SigningIdentity> {
    let mut rng = rsa::rand_core::OsRng;
    let key = rsa::RsaPrivateKey::new(&mut rng, 2048).map_err(|e| failed("making the signing key", e))?;
    let der = key.to_pkcs8_der().map_err(|e| failed("encoding the signing key", e))?.as_bytes().to_vec();
    let pkcs8 = rustls_pki_types::PrivatePkcs8KeyDer::from(der.clone());
    let pair = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8, &rcgen::PKCS_RSA_SHA256)
        .map_err(|e| failed("reading the signing key", e))?;
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name.push(rcgen::DnType::CommonName, SUBJECT);
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(3_650);
    let certificate = params.self_signed(&pair).map_err(|e| failed("making the signing certificate", e))?;
    Ok(SigningIdentity {
        id: uuid::Uuid::new_v4().simple().to_string(),
        certificate_pem: certificate.pem(),
        private_key_der: der,
    })
}

/// Signs messages with an identity's key.
#[derive(Debug)]
pub struct Signer {
    key: RsaKeyPair,
    rng: SystemRandom,
    id: String,
}

impl Signer {
    /// A signer with `identity`'s key.
    pub fn new(identity: &SigningIdentity) -> StoreResult<Self> {
        let key = RsaKeyPair::from_pkcs8(&identity.private_key_der)
            .map_err(|e| failed("reading the signing key", e))?;
        Ok(Signer { key, rng: SystemRandom::new(), id: identity.id.clone() })
    }

    /// The identity's id (its certificate is served as `SMN_{region}_{id}.pem`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The SHA256withRSA signature of `text`, Base64.
    pub fn sign(&self, text: &str) -> String {
        let mut signature = vec![0; self.key.public().modulus_len()];
        // Signing with a key that was read fails only if the buffer is the wrong size, which it is not.
        self.key
            .sign(&RSA_PKCS1_SHA256, &self.rng, text.as_bytes(), &mut signature)
            .expect("a signature buffer of the modulus' length");
        STANDARD.encode(signature)
    }
}

#[cfg(test)]
mod tests {
    use rustls_pki_types::pem::PemObject;

    use super::*;

    /// A signature verifies with the certificate alone, and fails for other text.
    #[test]
    fn signatures_verify_with_the_certificate_alone() {
        let identity = make_identity().unwrap();
        let signer = Signer::new(&identity).unwrap();
        let signature = STANDARD.decode(signer.sign("message\nhello\n")).unwrap();
        let der =
            rustls_pki_types::CertificateDer::from_pem_slice(identity.certificate_pem.as_bytes()).unwrap();
        let cert = webpki::EndEntityCert::try_from(&der).unwrap();
        let alg = webpki::ring::RSA_PKCS1_2048_8192_SHA256;
        assert!(cert.verify_signature(alg, b"message\nhello\n", &signature).is_ok());
        assert!(cert.verify_signature(alg, b"message\nhellO\n", &signature).is_err());
    }
}
