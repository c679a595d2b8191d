//! SMN messages: a publish queues one delivery per confirmed HTTP(S) subscription in its own
//! transaction; the records of what became of each; and the identity deliveries are signed with, made
//! once and shared by every instance on the store.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use smn_model::{DeliveryRecord, MessageType};

use super::shared::smn::{Outgoing, SMN_SCOPE, existing_topic, new_id, publish, records_project};
use crate::store::job;
use crate::{Origin, Store, StoreError, StoreResult};

/// The key of the signing identity in the `smn` scope.
const SIGNING: &str = "signing";
/// What binds the sealed private key to its place.
const SIGNING_AAD: &[u8] = b"smn/signing";

/// The key and certificate that sign deliveries: the private key stays sealed under the master key in
/// the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningIdentity {
    /// The certificate's id: `signing_cert_url` ends in `SMN_{region}_{id}.pem`.
    pub id: String,
    /// The certificate, PEM.
    pub certificate_pem: String,
    /// The private key, PKCS #8 DER.
    pub private_key_der: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct StoredIdentity {
    id: String,
    certificate_pem: String,
    /// The private key sealed under the master key, Base64.
    sealed_key: String,
}

/// A message to publish: its subject, and its text per protocol (`default`, and `http` or `https` for
/// those subscribers when given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    /// The subject, if any.
    pub subject: Option<String>,
    /// The text per protocol; `default` is always there.
    pub message: BTreeMap<String, String>,
}

impl Store {
    /// Publishes `publication` to the topic `topic` (whose URN is `topic_urn`); answers the message's id.
    /// Its deliveries join the outbox in the same transaction.
    pub async fn publish(
        &self,
        project: &str,
        topic: &str,
        topic_urn: &str,
        publication: Publication,
        origin: Origin,
    ) -> StoreResult<String> {
        job!(self.write(project, topic, topic_urn), |cx| {
            existing_topic(cx.tx, project, topic)?;
            let message_id = new_id();
            let outgoing = Outgoing {
                kind: MessageType::Notification,
                message_id: &message_id,
                subject: publication.subject.as_deref(),
                message: &publication.message,
                now: origin.now,
                request_id: origin.request_id.as_deref(),
            };
            publish(cx, project, topic_urn, topic, &outgoing)?;
            Ok(message_id)
        })
    }

    /// Up to `limit` delivery records of the project, newest first, of the topic `topic_urn` when given.
    pub async fn deliveries(
        &self,
        project: &str,
        topic_urn: Option<String>,
        limit: usize,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        let place = records_project(project);
        // A filter reads further back to fill its page.
        let read = if topic_urn.is_some() { limit.saturating_mul(20) } else { limit };
        let rows = job!(self.read(place), |cx| cx.tx.records(place, 0, read))?;
        let records = rows
            .iter()
            .filter_map(|row| serde_json::from_str::<DeliveryRecord>(&row.doc).ok())
            .filter(|r| topic_urn.as_ref().is_none_or(|t| &r.topic_urn == t))
            .take(limit)
            .collect();
        Ok(records)
    }

    /// The identity deliveries are signed with: the one stored, or the one `make` makes (run only when
    /// none is stored; when another instance stored one meanwhile, that one wins).
    pub async fn signing_identity(
        &self,
        make: impl FnOnce() -> StoreResult<SigningIdentity>,
    ) -> StoreResult<SigningIdentity> {
        if let Some(identity) = self.stored_identity().await? {
            return Ok(identity);
        }
        let made = make()?;
        let candidate = made.clone();
        job!(self.write(), |cx| {
            let stored = cx.tx.setting(SMN_SCOPE, SIGNING)?;
            if let Some(stored) = stored {
                return open_identity(cx.cipher, &stored);
            }
            let sealed = cx.cipher.seal(SIGNING_AAD, &candidate.private_key_der);
            let stored = StoredIdentity {
                id: candidate.id.clone(),
                certificate_pem: candidate.certificate_pem.clone(),
                sealed_key: STANDARD.encode(sealed),
            };
            cx.tx.put_setting(SMN_SCOPE, SIGNING, &serde_json::to_string(&stored)?)?;
            Ok(candidate)
        })
    }

    /// The stored identity's id and certificate (PEM), if one was made: what the public download serves,
    /// read without opening the private key.
    pub async fn signing_certificate(&self) -> StoreResult<Option<(String, String)>> {
        job!(self.read(), |cx| {
            let Some(doc) = cx.tx.setting(SMN_SCOPE, SIGNING)? else { return Ok(None) };
            let stored: StoredIdentity = serde_json::from_str(&doc)?;
            Ok(Some((stored.id, stored.certificate_pem)))
        })
    }

    /// The stored signing identity, if one was made.
    pub async fn stored_identity(&self) -> StoreResult<Option<SigningIdentity>> {
        job!(self.read(), |cx| {
            let stored = cx.tx.setting(SMN_SCOPE, SIGNING)?;
            stored.map(|doc| open_identity(cx.cipher, &doc)).transpose()
        })
    }
}

fn open_identity(cipher: &crate::Cipher, doc: &str) -> StoreResult<SigningIdentity> {
    let stored: StoredIdentity = serde_json::from_str(doc)?;
    let sealed =
        STANDARD.decode(&stored.sealed_key).map_err(|_| StoreError::backend("the signing key is damaged"))?;
    Ok(SigningIdentity {
        id: stored.id,
        certificate_pem: stored.certificate_pem,
        private_key_der: cipher.open(SIGNING_AAD, &sealed)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SMN's and KMS's quotas: one more topic, subscription or key than a project (or topic) may hold is
    /// refused, and the refusal writes nothing.
    #[tokio::test]
    async fn the_neighbours_quotas_hold() {
        use crate::{KeyRefusal, NewKey, NewSubscription, SmnRefusal, StoreError};
        use smn_model::limits::{SUBSCRIPTIONS_PER_REQUEST, SUBSCRIPTIONS_PER_TOPIC, TOPICS_PER_PROJECT};
        let store = Store::memory();
        for i in 0..TOPICS_PER_PROJECT {
            store.create_topic("p", &format!("t{i}"), "", "0", 1).await.unwrap();
        }
        let refused = store.create_topic("p", "one-more", "", "0", 1).await;
        assert!(matches!(refused, Err(StoreError::Smn(SmnRefusal::TopicLimit))), "{refused:?}");
        assert_eq!(store.topics("p").await.unwrap().len(), TOPICS_PER_PROJECT);

        let sub = |i: usize| NewSubscription {
            protocol: "email".into(),
            endpoint: format!("u{i}@example.com"),
            remark: String::new(),
            headers: Default::default(),
            extension: None,
        };
        let urn = "urn:smn:r:p:t0";
        for batch in 0..SUBSCRIPTIONS_PER_TOPIC / SUBSCRIPTIONS_PER_REQUEST {
            let new =
                (0..SUBSCRIPTIONS_PER_REQUEST).map(|i| sub(batch * SUBSCRIPTIONS_PER_REQUEST + i)).collect();
            store.add_subscriptions("p", "t0", urn, new, Origin::new(1, None)).await.unwrap();
        }
        let refused =
            store.add_subscriptions("p", "t0", urn, vec![sub(usize::MAX)], Origin::new(1, None)).await;
        assert!(matches!(refused, Err(StoreError::Smn(SmnRefusal::SubscriptionLimit))), "{refused:?}");
        assert_eq!(store.subscriptions("p", Some("t0")).await.unwrap().len(), SUBSCRIPTIONS_PER_TOPIC);

        let key = |alias: String| NewKey {
            alias,
            description: String::new(),
            spec: "AES_256".into(),
            usage: "ENCRYPT_DECRYPT".into(),
            origin: "kms".into(),
            enterprise_project_id: "0".into(),
        };
        for i in 0..kms_model::limits::KEYS_PER_PROJECT {
            store.create_key("p", key(format!("k{i}")), 1).await.unwrap();
        }
        let refused = store.create_key("p", key("one-more".into()), 1).await;
        assert!(matches!(refused, Err(StoreError::Key(KeyRefusal::TooManyKeys))), "{refused:?}");
        assert_eq!(store.keys("p").await.unwrap().len(), kms_model::limits::KEYS_PER_PROJECT);
    }

    /// The first identity stored wins; the one a later caller made is dropped. (Not in the contract
    /// suite: the identity is one per store, and the suite's PostgreSQL database is shared with servers.)
    #[tokio::test]
    async fn the_signing_identity_is_made_once() {
        let store = Store::memory();
        let made = |id: &'static str| {
            move || {
                Ok(SigningIdentity {
                    id: id.into(),
                    certificate_pem: "pem".into(),
                    private_key_der: vec![1, 2],
                })
            }
        };
        assert_eq!(store.stored_identity().await.unwrap(), None);
        let first = store.signing_identity(made("one")).await.unwrap();
        let second = store.signing_identity(made("two")).await.unwrap();
        assert_eq!((first.id.as_str(), &first), ("one", &second));
        assert_eq!(store.stored_identity().await.unwrap(), Some(first));
    }
}
