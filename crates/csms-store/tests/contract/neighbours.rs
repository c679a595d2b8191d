//! The neighbours' rules, on every backend: KMS keys (states, the values they seal, their scheduled
//! deletion) and SMN topics (subscriptions confirmed by token, publishing through the outbox, records).

use smn_model::MessageType;

use super::*;

const DAY: i64 = 86_400_000;

fn new_key(alias: &str) -> NewKey {
    NewKey {
        alias: alias.into(),
        description: String::new(),
        spec: "AES_256".into(),
        usage: "ENCRYPT_DECRYPT".into(),
        origin: "kms".into(),
        enterprise_project_id: "0".into(),
    }
}

fn key_secret(name: &str, time: i64, key: &str) -> Secret {
    Secret { kms_key_id: Some(key.to_owned()), ..secret(name, time, &[]) }
}

pub(crate) async fn keys_seal_values_and_refuse_while_unusable(s: Store) {
    // The scan below is shared by every test of one PostgreSQL database.
    let _one_at_a_time = super::suite::OUTBOX.lock().await;
    let p = project();
    let key = s.create_key(&p, new_key("k"), 1).await.unwrap();
    assert_eq!(key.state, "2");
    assert!(matches!(
        s.create_key(&p, new_key("k"), 2).await,
        Err(StoreError::Key(KeyRefusal::DuplicateAlias))
    ));
    s.create_secret(&p, key_secret("s", 1, &key.key_id), text("sealed"), 100, o(1)).await.unwrap();
    let read = |s: Store, p: String| async move { s.version(&p, "s", LATEST).await };
    assert_eq!(read(s.clone(), p.clone()).await.unwrap().secret_string.unwrap().expose(), "sealed");

    s.change_key(&p, &key.key_id, KeyChange::Disable, 2).await.unwrap();
    assert!(matches!(read(s.clone(), p.clone()).await, Err(StoreError::Key(KeyRefusal::Disabled))));
    let refused = s.create_version(&p, "s", text("new"), NewVersion::default(), o(3)).await;
    assert!(matches!(refused, Err(StoreError::Key(KeyRefusal::Disabled))), "{refused:?}");
    s.change_key(&p, &key.key_id, KeyChange::Enable, 4).await.unwrap();
    assert_eq!(read(s.clone(), p.clone()).await.unwrap().secret_string.unwrap().expose(), "sealed");

    // A key of another project is no key here.
    let q = project();
    let missing = s.create_secret(&q, key_secret("s", 1, &key.key_id), text("x"), 100, o(1)).await;
    assert!(matches!(missing, Err(StoreError::Key(KeyRefusal::NotFound))), "{missing:?}");

    // Deleted when its pending days have passed, by the scan: what it sealed is gone for good.
    s.change_key(&p, &key.key_id, KeyChange::ScheduleDeletion(7), 10).await.unwrap();
    s.run_due(10 + 6 * DAY, 100).await.unwrap();
    assert_eq!(s.key(&p, &key.key_id).await.unwrap().state, "4", "not due yet");
    s.run_due(10 + 7 * DAY + 1, 100).await.unwrap();
    assert!(matches!(s.key(&p, &key.key_id).await, Err(StoreError::Key(KeyRefusal::NotFound))));
    assert!(matches!(read(s.clone(), p.clone()).await, Err(StoreError::Key(KeyRefusal::NotFound))));
}

pub(crate) async fn data_encrypted_under_a_key_opens_only_under_it(s: Store) {
    let p = project();
    let key = s.create_key(&p, new_key("d"), 1).await.unwrap();
    let sealed = s.encrypt_with_key(&p, &key.key_id, b"aad".to_vec(), b"plain".to_vec()).await.unwrap();
    let (id, plain) = s.decrypt_with_key(&p, sealed.clone(), b"aad".to_vec()).await.unwrap();
    assert_eq!((id.as_str(), plain.as_slice()), (key.key_id.as_str(), &b"plain"[..]));
    let wrong_aad = s.decrypt_with_key(&p, sealed.clone(), b"other".to_vec()).await;
    assert!(matches!(wrong_aad, Err(StoreError::Key(KeyRefusal::BadCiphertext))));
    let other_project = s.decrypt_with_key(&project(), sealed.clone(), b"aad".to_vec()).await;
    assert!(matches!(other_project, Err(StoreError::Key(KeyRefusal::BadCiphertext))));
    let mut altered = sealed;
    let last = altered.len() - 1;
    altered[last] ^= 1;
    assert!(matches!(s.decrypt_with_key(&p, altered, b"aad".to_vec()).await, Err(StoreError::Key(_))));
}

/// The SMN messages of project `p` waiting in the outbox, claimed and settled as delivered (others' are
/// put back for their own tests).
async fn smn_outbox(s: &Store, p: &str, now: i64) -> Vec<SmnDelivery> {
    let owner = format!("smn-{p}");
    let mut ours = Vec::new();
    for outgoing in s.claim_outbox(Lease::new(&owner, now, 30_000), 1000).await.unwrap() {
        match outgoing {
            Outgoing::Smn(d) if d.project == p => {
                s.settle_smn(&owner, &d, "SUCCESS", d.attempts + 1, String::new(), now).await.unwrap();
                ours.push(d);
            }
            other => {
                let attempts = match &other {
                    Outgoing::Notice(n) => n.attempts,
                    Outgoing::Smn(d) => d.attempts,
                };
                s.retry_notice(&owner, other.id(), attempts, now).await.unwrap();
            }
        }
    }
    ours
}

fn http_sub(endpoint: &str) -> NewSubscription {
    NewSubscription {
        protocol: "http".into(),
        endpoint: endpoint.into(),
        remark: String::new(),
        headers: Default::default(),
        extension: None,
    }
}

pub(crate) async fn topics_deliver_to_confirmed_subscriptions_through_the_outbox(s: Store) {
    let _one_at_a_time = super::suite::OUTBOX.lock().await;
    let p = project();
    let urn = format!("urn:smn:r:{p}:t");
    let (_, made) = s.create_topic(&p, "t", "", "0", 1).await.unwrap();
    assert!(made);
    let (_, made) = s.create_topic(&p, "t", "other", "0", 2).await.unwrap();
    assert!(!made, "a name already there answers the topic as it is");
    assert_eq!(s.topic(&p, "t").await.unwrap().display_name, "");

    let added =
        s.add_subscriptions(&p, "t", &urn, vec![http_sub("http://a"), http_sub("http://b")], o(3)).await;
    let added = added.unwrap();
    assert!(added.iter().all(|(_, made)| *made));
    let confirmations = smn_outbox(&s, &p, 3).await;
    assert_eq!(confirmations.len(), 2);
    assert!(
        confirmations.iter().all(|d| d.kind == MessageType::SubscriptionConfirmation && d.token.is_some())
    );

    // Publishing before any is confirmed queues nothing; after one is, exactly one delivery.
    let publication =
        || Publication { subject: None, message: [("default".to_owned(), "m".to_owned())].into() };
    s.publish(&p, "t", &urn, publication(), o(4)).await.unwrap();
    assert!(smn_outbox(&s, &p, 4).await.is_empty());
    let token = confirmations[0].token.clone().unwrap();
    let (project_of, sub) = s.confirm_subscription(&token, None, 5).await.unwrap();
    assert_eq!((project_of.as_str(), sub.status), (p.as_str(), 1));
    // A token past its 48 hours confirms nothing.
    let late =
        s.confirm_subscription(confirmations[1].token.as_deref().unwrap(), None, 3 + 49 * 3_600_000).await;
    assert!(matches!(late, Err(StoreError::Smn(SmnRefusal::InvalidToken))));
    let id = s.publish(&p, "t", &urn, publication(), o(6)).await.unwrap();
    let delivered = smn_outbox(&s, &p, 6).await;
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        (delivered[0].message_id.as_str(), delivered[0].endpoint.as_str()),
        (id.as_str(), confirmations[0].endpoint.as_str())
    );
    let records = s.deliveries(&p, None, 10).await.unwrap();
    assert_eq!(records.len(), 3, "two confirmations and one notification: {records:?}");
    assert!(records.iter().all(|r| r.status == "SUCCESS"));

    // Deleting the topic takes its subscriptions and their tokens.
    s.delete_topic(&p, "t").await.unwrap();
    assert!(matches!(s.topic(&p, "t").await, Err(StoreError::Smn(SmnRefusal::TopicNotFound))));
    assert!(s.subscriptions(&p, None).await.unwrap().is_empty());
    let gone = s.confirm_subscription(&token, None, 7).await;
    assert!(matches!(gone, Err(StoreError::Smn(SmnRefusal::InvalidToken))));
    assert!(matches!(
        s.publish(&p, "t", &urn, publication(), o(8)).await,
        Err(StoreError::Smn(SmnRefusal::TopicNotFound))
    ));
}
