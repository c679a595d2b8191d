//! SMN delivery end to end, through the service and the worker, to a loopback subscriber: the signed
//! confirmation, the link that confirms, a CSMS event whose topic is local publishing into it, the
//! signature checked with nothing but the downloaded certificate, the records on both sides, and a
//! subscriber that keeps failing.

use std::sync::Arc;

use base64::Engine as _;
use csms_worker::{HttpClient, LogTarget, Signer, Subscribers, Worker, make_identity};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde_json::{Value, json};

use crate::harness::*;
use crate::notify::{Hit, Receiver, event_body, ok, records};

const PUBLIC: &str = "http://csms.test";

fn topic_urn() -> String {
    format!("urn:smn:cn-north-4:{P}:alerts")
}

/// The harness with a worker that delivers SMN messages, signed by a new identity kept in its store.
async fn with_subscribers() -> (Harness, Arc<Worker>) {
    let h = Harness::new();
    let identity = h.store.signing_identity(make_identity).await.unwrap();
    let signer = Signer::new(&identity).unwrap();
    let subscribers = Subscribers::new(HttpClient::new(None).unwrap(), signer, PUBLIC, "cn-north-4");
    let worker = Worker::new(h.store.clone(), Arc::new(LogTarget)).with_clock(h.clock.clone());
    (h, Arc::new(worker.with_subscribers(subscribers)))
}

/// Checks `hit` is a signed SMN message of `kind` whose signature the certificate at its
/// `signing_cert_url`, downloaded from the service, verifies.
async fn verify(h: &Harness, hit: &Hit, kind: &str) -> Value {
    let body = hit.body.clone();
    assert_eq!(hit.headers["x-smn-message-type"], kind);
    assert_eq!(hit.headers["x-smn-message-id"].to_str().unwrap(), body["message_id"].as_str().unwrap());
    assert_eq!(hit.headers["x-smn-topic-urn"].to_str().unwrap(), topic_urn());
    assert!(hit.headers["x-smn-subscription-urn"].to_str().unwrap().starts_with(&topic_urn()));
    assert_eq!((body["type"].as_str(), body["signature_version"].as_str()), (Some(kind), Some("v1")));
    let cert_path = body["signing_cert_url"].as_str().unwrap().strip_prefix(PUBLIC).unwrap().to_owned();
    let pem = h.call_with("GET", &cert_path, &[], None).await;
    assert_eq!(pem.status, 200);
    let der = CertificateDer::from_pem_slice(&pem.body).unwrap();
    let cert = webpki::EndEntityCert::try_from(&der).unwrap();
    let message: smn_model::HttpMessage = serde_json::from_value(body.clone()).unwrap();
    let signature = base64::engine::general_purpose::STANDARD.decode(&message.signature).unwrap();
    let alg = webpki::ring::RSA_PKCS1_2048_8192_SHA256;
    cert.verify_signature(alg, message.canonical().as_bytes(), &signature).expect("the signature verifies");
    let mut tampered = message.canonical();
    tampered.push('x');
    assert!(cert.verify_signature(alg, tampered.as_bytes(), &signature).is_err());
    body
}

#[tokio::test]
async fn a_csms_event_on_a_local_topic_reaches_its_confirmed_subscriber_signed() {
    let receiver = Receiver::start().await;
    let (h, worker) = with_subscribers().await;
    assert_eq!(
        h.call("POST", &format!("/v2/{P}/notifications/topics"), Some(&json!({"name": "alerts"})))
            .await
            .status,
        201
    );
    let subs = format!("/v2/{P}/notifications/topics/{}/subscriptions", topic_urn());
    let added = h
        .call(
            "POST",
            &subs,
            Some(&json!({"protocol": "http", "endpoint": receiver.url(),
        "extension": {"header": {"X-Team": "ops"}}})),
        )
        .await;
    assert_eq!(added.status, 201);

    // The confirmation arrives signed; its link confirms.
    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    let hits = receiver.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].headers["x-team"], "ops");
    let confirmation = verify(&h, &hits[0], "SubscriptionConfirmation").await;
    let link = confirmation["subscribe_url"].as_str().unwrap().strip_prefix(PUBLIC).unwrap().to_owned();
    ok(h.call_with("GET", &link, &[], None).await).await;

    // A CSMS event whose topic is this one: the new version's notification is published into it, and the
    // subscriber receives the CSMS message as SMN delivers it.
    ok(h.call("POST", &events(), Some(&event_body("fires", &topic_urn()))).await).await;
    let secret = json!({"name": "db", "secret_string": "s3cr3t", "event_subscriptions": ["fires"]});
    ok(h.call("POST", &format!("/v1/{P}/secrets"), Some(&secret)).await).await;
    assert_eq!(worker.deliver_due().await.unwrap(), 1, "the notification, published into the topic");
    assert_eq!(worker.deliver_due().await.unwrap(), 1, "the topic's message to its subscriber");
    let hits = receiver.hits();
    assert_eq!(hits.len(), 2);
    let notification = verify(&h, &hits[1], "Notification").await;
    let message: Value = serde_json::from_str(notification["message"].as_str().unwrap()).unwrap();
    assert_eq!(
        (message["eventType"].as_str(), message["data"]["secretName"].as_str()),
        (Some("SECRET_VERSION_CREATED"), Some("db"))
    );
    assert!(notification["unsubscribe_url"].as_str().unwrap().contains("subscription_urn="));
    assert!(notification["subject"].as_str().unwrap().contains("db"));

    // Both sides keep their record.
    let csms = records(&h).await;
    assert_eq!((csms.len(), csms[0]["notification_status"].as_str()), (1, Some("SUCCESS")));
    let smn = ok(h.call("GET", &format!("/v2/{P}/notifications/deliveries"), None).await).await;
    let kinds: Vec<_> = smn["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["message_type"].clone(), d["status"].clone()))
        .collect();
    assert_eq!(
        kinds,
        [(json!("Notification"), json!("SUCCESS")), (json!("SubscriptionConfirmation"), json!("SUCCESS"))]
    );
}

#[tokio::test]
async fn a_failing_subscriber_is_retried_then_recorded_failed() {
    let receiver = Receiver::start().await;
    receiver.set_status(503);
    let (h, worker) = with_subscribers().await;
    h.call("POST", &format!("/v2/{P}/notifications/topics"), Some(&json!({"name": "alerts"}))).await;
    let subs = format!("/v2/{P}/notifications/topics/{}/subscriptions", topic_urn());
    h.call("POST", &subs, Some(&json!({"protocol": "http", "endpoint": receiver.url()}))).await;
    // Seven attempts on SMN's schedule (the clock moves; nothing sleeps), then FAIL.
    for _ in 0..7 {
        worker.deliver_due().await.unwrap();
        h.clock.advance(std::time::Duration::from_secs(700));
    }
    assert_eq!(receiver.hits().len(), 7);
    assert_eq!(worker.deliver_due().await.unwrap(), 0);
    let smn = ok(h.call("GET", &format!("/v2/{P}/notifications/deliveries"), None).await).await;
    let record = &smn["deliveries"][0];
    assert_eq!((record["status"].as_str(), record["attempts"].as_u64()), (Some("FAIL"), Some(7)));
    assert!(record["reason"].as_str().unwrap().contains("503"), "{record}");
}
