//! SMN on the same listener: topics and their URNs, attributes, tags by name, subscriptions confirmed
//! through their public link, publishing into the outbox, delivery records, the certificate download,
//! and SMN's error shapes and codes.

use csms_store::{Lease, Outgoing, SigningIdentity, SmnDelivery};
use serde_json::{Value, json};
use smn_model::MessageType;

use crate::harness::*;

fn smn(path: &str) -> String {
    format!("/v2/{P}/notifications/{path}")
}

fn urn(name: &str) -> String {
    format!("urn:smn:cn-north-4:{P}:{name}")
}

/// A URN as a path segment, the way the Python SDK sends it.
fn quoted(urn: &str) -> String {
    urn.replace(':', "%3A")
}

/// Asserts SMN's error shape, status and code.
#[track_caller]
fn smn_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status.as_u16(), status, "{}", String::from_utf8_lossy(&reply.body));
    let body = reply.json();
    assert_eq!(body["code"], code, "{body}");
    assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{body}");
    assert!(body["message"].is_string(), "{body}");
}

#[track_caller]
fn ok(reply: &Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    reply.json()
}

/// The SMN messages waiting in the outbox (claimed, so each is seen once).
async fn outbox(h: &Harness) -> Vec<SmnDelivery> {
    let claimed = h.store.claim_outbox(Lease::new("test", i64::MAX / 2, 1), 100).await.unwrap();
    claimed.into_iter().filter_map(|o| if let Outgoing::Smn(d) = o { Some(d) } else { None }).collect()
}

#[tokio::test]
async fn topics_are_made_once_listed_changed_and_deleted() {
    let h = Harness::new();
    let made =
        h.call("POST", &smn("topics"), Some(&json!({"name": "alerts", "display_name": "Alerts"}))).await;
    assert_eq!(made.status, 201);
    assert_eq!(made.json()["topic_urn"], urn("alerts"));
    assert!(made.json()["request_id"].is_string());
    // The same name again: the topic as it is, 200 (the display name is not changed by it).
    let again =
        h.call("POST", &smn("topics"), Some(&json!({"name": "alerts", "display_name": "Other"}))).await;
    assert_eq!((again.status.as_u16(), again.json()["topic_urn"].clone()), (200, json!(urn("alerts"))));
    // No display name (the Terraform provider omits an empty one): stored as "".
    assert_eq!(h.call("POST", &smn("topics"), Some(&json!({"name": "plain"}))).await.status, 201);
    smn_error(&h.call("POST", &smn("topics"), Some(&json!({"name": "-bad"}))).await, 400, "SMN.0002");
    smn_error(
        &h.call("POST", &smn("topics"), Some(&json!({"name": "x", "display_name": 5}))).await,
        400,
        "SMN.0003",
    );

    let detail = ok(&h.call("GET", &smn(&format!("topics/{}", quoted(&urn("alerts")))), None).await);
    assert_eq!((detail["name"].as_str(), detail["display_name"].as_str()), (Some("alerts"), Some("Alerts")));
    assert_eq!(detail["push_policy"], 0);
    assert!(detail["create_time"].as_str().unwrap().ends_with('Z'));
    let plain = ok(&h.call("GET", &smn(&format!("topics/{}", urn("plain"))), None).await);
    assert_eq!(plain["display_name"], "");

    // Offset pages end with an empty one; topic_count counts them all.
    let page = ok(&h.call("GET", &smn("topics?offset=1&limit=1"), None).await);
    assert_eq!((page["topic_count"].as_i64(), page["topics"].as_array().unwrap().len()), (Some(2), 1));
    let past = ok(&h.call("GET", &smn("topics?offset=2&limit=1"), None).await);
    assert_eq!(past["topics"], json!([]));
    smn_error(&h.call("GET", &smn("topics?limit=0"), None).await, 400, "SMN.0015");

    let path = smn(&format!("topics/{}", urn("alerts")));
    let updated = ok(&h.call("PUT", &path, Some(&json!({"display_name": "Renamed"}))).await);
    assert!(updated["request_id"].is_string());
    assert_eq!(ok(&h.call("GET", &path, None).await)["display_name"], "Renamed");

    // Attributes: both "" until set; one set, then cleared.
    let attributes = ok(&h.call("GET", &format!("{path}/attributes"), None).await);
    assert_eq!(attributes["attributes"]["introduction"], "");
    assert_eq!(attributes["attributes"]["access_policy"], "");
    ok(&h.call("PUT", &format!("{path}/attributes/introduction"), Some(&json!({"value": "hello"}))).await);
    let one = ok(&h.call("GET", &format!("{path}/attributes?name=introduction"), None).await);
    assert_eq!(one["attributes"]["introduction"], "hello");
    assert!(one["attributes"].get("access_policy").is_none());
    smn_error(
        &h.call("PUT", &format!("{path}/attributes/colour"), Some(&json!({"value": "x"}))).await,
        400,
        "SMN.0046",
    );
    let policy = json!({"value": "not json"});
    smn_error(
        &h.call("PUT", &format!("{path}/attributes/access_policy"), Some(&policy)).await,
        400,
        "SMN.0048",
    );
    ok(&h.call("DELETE", &format!("{path}/attributes"), None).await);
    assert_eq!(
        ok(&h.call("GET", &format!("{path}/attributes"), None).await)["attributes"]["introduction"],
        ""
    );

    // Tags, by the topic's name.
    let tags = format!("/v2/{P}/smn_topic/alerts/tags");
    let by_name = [("x-auth-token", TOKEN), ("x-smn-resourceid-type", "name")];
    let tag = Some(json!({"tag": {"key": "team", "value": "a"}}).to_string().into_bytes());
    assert_eq!(h.call_with("POST", &tags, &by_name, tag).await.status, 204);
    let listed = h.call_with("GET", &tags, &by_name, None).await;
    assert_eq!(ok(&listed)["tags"], json!([{"key": "team", "value": "a"}]));
    let project = ok(&h.call("GET", &format!("/v2/{P}/smn_topic/tags"), None).await);
    assert_eq!(project["tags"], json!([{"key": "team", "values": ["a"]}]));
    let found = json!({"action": "filter", "tags": [{"key": "team", "values": ["a"]}]});
    let found =
        ok(&h.call("POST", &format!("/v2/{P}/smn_topic/resource_instances/action"), Some(&found)).await);
    assert_eq!(
        (found["total_count"].as_i64(), found["resources"][0]["resource_name"].as_str()),
        (Some(1), Some("alerts"))
    );

    // Deleted: 200 with a body, then 404 SMN.0006 (what the provider polls for).
    assert!(ok(&h.call("DELETE", &path, None).await)["request_id"].is_string());
    smn_error(&h.call("GET", &path, None).await, 404, "SMN.0006");
    smn_error(&h.call("GET", &smn("topics/not-a-urn"), None).await, 400, "SMN.0005");
    // A URN of another project names no topic here.
    let foreign = format!("urn:smn:cn-north-4:{P2}:alerts");
    smn_error(&h.call("GET", &smn(&format!("topics/{foreign}")), None).await, 404, "SMN.0006");
}

#[tokio::test]
async fn a_subscription_is_confirmed_through_its_link_and_receives_what_is_published() {
    let h = Harness::new();
    h.call("POST", &smn("topics"), Some(&json!({"name": "t"}))).await;
    let subs = smn(&format!("topics/{}/subscriptions", quoted(&urn("t"))));
    let added = h
        .call(
            "POST",
            &subs,
            Some(&json!({"protocol": "http", "endpoint": "http://127.0.0.1:9/hook", "remark": "mine"})),
        )
        .await;
    assert_eq!(added.status, 201);
    let sub_urn = added.json()["subscription_urn"].as_str().unwrap().to_owned();
    assert!(sub_urn.starts_with(&format!("{}:", urn("t"))), "{sub_urn}");
    // The same endpoint again: the same subscription, 200.
    let again = h
        .call("POST", &subs, Some(&json!({"protocol": "http", "endpoint": "http://127.0.0.1:9/hook"})))
        .await;
    assert_eq!((again.status.as_u16(), again.json()["subscription_urn"].clone()), (200, json!(sub_urn)));
    smn_error(
        &h.call("POST", &subs, Some(&json!({"protocol": "pigeon", "endpoint": "x"}))).await,
        400,
        "SMN.0011",
    );
    smn_error(
        &h.call("POST", &subs, Some(&json!({"protocol": "https", "endpoint": "http://x"}))).await,
        400,
        "SMN.0012",
    );

    // Unconfirmed: status 0, and its confirmation waits in the outbox with the token of its link.
    let listed = ok(&h.call("GET", &subs, None).await);
    assert_eq!(
        (listed["subscription_count"].as_i64(), listed["subscriptions"][0]["status"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(listed["subscriptions"][0]["remark"], "mine");
    let queued = outbox(&h).await;
    assert!(queued.iter().all(|d| d.kind == MessageType::SubscriptionConfirmation), "{queued:?}");
    let token = queued.last().unwrap().token.clone().unwrap();
    // Publishing now reaches nobody: the subscription is not confirmed.
    let publish = smn(&format!("topics/{}/publish", urn("t")));
    ok(&h.call("POST", &publish, Some(&json!({"message": "early"}))).await);
    assert!(outbox(&h).await.is_empty());

    // The public link, without credentials; a wrong token is refused in the links' shape.
    let link =
        format!("/v2/notifications/subscriptions/subscribe?token={token}&topic_urn={}", quoted(&urn("t")));
    let confirmed = h.call_with("GET", &link, &[], None).await;
    assert_eq!(ok(&confirmed)["subscription_urn"], sub_urn);
    let wrong = h.call_with("GET", "/v2/notifications/subscriptions/subscribe?token=00", &[], None).await;
    assert_eq!(wrong.status, 403);
    assert!(wrong.json()["message"].is_string() && wrong.json().get("code").is_none(), "{}", wrong.json());
    assert_eq!(ok(&h.call("GET", &subs, None).await)["subscriptions"][0]["status"], 1);

    let structure = json!({"default": "plain", "http": "for http"}).to_string();
    let published =
        ok(&h.call("POST", &publish, Some(&json!({"subject": "s", "message_structure": structure}))).await);
    let message_id = published["message_id"].as_str().unwrap().to_owned();
    let queued = outbox(&h).await;
    assert_eq!(queued.len(), 1);
    let delivery = &queued[0];
    assert_eq!(
        (delivery.kind, delivery.message.as_str(), delivery.subject.as_deref()),
        (MessageType::Notification, "for http", Some("s"))
    );
    assert_eq!(
        (delivery.message_id.as_str(), delivery.subscription_urn.as_str()),
        (message_id.as_str(), sub_urn.as_str())
    );
    smn_error(&h.call("POST", &publish, Some(&json!({"subject": "s"}))).await, 403, "SMN.0009");
    smn_error(&h.call("POST", &publish, Some(&json!({"message_structure": "{}"}))).await, 400, "SMN.0021");

    // Unsubscribed through the link: kept with status 3, and told so with a link to subscribe again.
    let unsubscribe =
        format!("/v2/notifications/subscriptions/unsubscribe?subscription_urn={}", quoted(&sub_urn));
    assert!(ok(&h.call_with("GET", &unsubscribe, &[], None).await)["message"].is_string());
    assert_eq!(ok(&h.call("GET", &subs, None).await)["subscriptions"][0]["status"], 3);
    let told = outbox(&h).await;
    assert_eq!(told.iter().map(|d| d.kind).collect::<Vec<_>>(), [MessageType::UnsubscribeConfirmation]);

    // Cancelled through the API: gone.
    let cancel = smn(&format!("subscriptions/{}", quoted(&sub_urn)));
    assert!(ok(&h.call("DELETE", &cancel, None).await)["request_id"].is_string());
    assert_eq!(ok(&h.call("GET", &subs, None).await)["subscription_count"], 0);
    smn_error(&h.call("DELETE", &cancel, None).await, 404, "SMN.0013");
}

#[tokio::test]
async fn other_protocols_are_kept_and_their_messages_recorded_as_not_sent() {
    let h = Harness::new();
    h.call("POST", &smn("topics"), Some(&json!({"name": "t"}))).await;
    let subs = smn(&format!("topics/{}/subscriptions", urn("t")));
    let batch = json!({"protocol": "email", "endpoint": "ops@example.com",
                       "subscriptions": [{"protocol": "sms", "endpoint": "+10000000000"}]});
    assert_eq!(h.call("POST", &subs, Some(&batch)).await.status, 201);
    let all = ok(&h.call("GET", &smn("subscriptions?protocol=sms"), None).await);
    assert_eq!(
        (all["subscription_count"].as_i64(), all["subscriptions"][0]["endpoint"].as_str()),
        (Some(1), Some("+10000000000"))
    );
    ok(&h.call("POST", &smn(&format!("topics/{}/publish", urn("t"))), Some(&json!({"message": "m"}))).await);
    assert!(outbox(&h).await.is_empty(), "nothing is sent to email or sms");
    let records = ok(&h.call("GET", &smn("deliveries"), None).await);
    let statuses: Vec<_> = records["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["protocol"].clone(), d["status"].clone()))
        .collect();
    assert_eq!(statuses.len(), 2, "{records}");
    assert!(statuses.iter().all(|(_, s)| s == "NOT_SENT"), "{records}");
}

#[tokio::test]
async fn the_signing_certificate_is_public_by_its_id() {
    let h = Harness::new();
    let identity = SigningIdentity {
        id: "abc".into(),
        certificate_pem: "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n".into(),
        private_key_der: vec![1, 2, 3],
    };
    let missing = h.call_with("GET", "/smn/SMN_cn-north-4_abc.pem", &[], None).await;
    assert_eq!(missing.status, 404);
    h.store.signing_identity(move || Ok(identity)).await.unwrap();
    for path in
        ["/smn/SMN_cn-north-4_abc.pem", "/v2/notifications/certifications/download/SMN_cn-north-4_abc.pem"]
    {
        let reply = h.call_with("GET", path, &[], None).await;
        assert_eq!(reply.status, 200, "{path}");
        assert!(String::from_utf8_lossy(&reply.body).starts_with("-----BEGIN CERTIFICATE-----"));
    }
    assert_eq!(h.call_with("GET", "/smn/SMN_cn-north-4_other.pem", &[], None).await.status, 404);
    // Everything else of SMN needs credentials.
    assert_eq!(h.call_with("GET", &smn("topics"), &[], None).await.status, 401);
}
