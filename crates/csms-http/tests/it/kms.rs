//! KMS on the CSMS listener: keys, their states as strings, data keys and small data, tags, KMS's error
//! shape and codes, and the secrets sealed under a key (CSMS.0401 while the key cannot be used).

use serde_json::{Value, json};

use crate::harness::*;

/// Asserts KMS's error shape, status and code.
#[track_caller]
fn kms_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status.as_u16(), status, "{}", String::from_utf8_lossy(&reply.body));
    assert_eq!(reply.json()["error"]["error_code"], code, "{}", String::from_utf8_lossy(&reply.body));
}

#[track_caller]
fn ok(reply: &Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    reply.json()
}

#[tokio::test]
async fn a_key_lives_through_its_states_as_strings() {
    let h = Harness::new();
    let id = h.key("app/key").await;
    let described = ok(&h.call("POST", &kms("describe-key"), Some(&json!({"key_id": id}))).await);
    let info = &described["key_info"];
    for member in ["key_state", "default_key_flag", "creation_date", "key_rotation_enabled", "keystore_id"] {
        assert!(info[member].is_string(), "{member} is a string: {info}");
    }
    assert_eq!((info["key_state"].as_str(), info["key_alias"].as_str()), (Some("2"), Some("app/key")));
    assert_eq!(info["default_key_flag"], "0");
    // The alias is the project's: a second key may not take it.
    kms_error(
        &h.call("POST", &kms("create-key"), Some(&json!({"key_alias": "app/key"}))).await,
        400,
        "KMS.1104",
    );
    // A custom alias may not end in /default; a missing alias is KMS.0204.
    kms_error(
        &h.call("POST", &kms("create-key"), Some(&json!({"key_alias": "x/default"}))).await,
        400,
        "KMS.1101",
    );
    kms_error(&h.call("POST", &kms("create-key"), Some(&json!({}))).await, 400, "KMS.0204");
    kms_error(&h.call("POST", &kms("create-key"), Some(&json!("x"))).await, 400, "KMS.0202");

    let op = |action: &str| kms(action);
    let key = json!({"key_id": id});
    kms_error(&h.call("POST", &op("enable-key"), Some(&key)).await, 400, "KMS.1201");
    assert_eq!(ok(&h.call("POST", &op("disable-key"), Some(&key)).await)["key_info"]["key_state"], "3");
    kms_error(&h.call("POST", &op("disable-key"), Some(&key)).await, 400, "KMS.1301");
    assert_eq!(ok(&h.call("POST", &op("enable-key"), Some(&key)).await)["key_info"]["key_state"], "2");
    let schedule = json!({"key_id": id, "pending_days": "7"});
    let scheduled = ok(&h.call("POST", &op("schedule-key-deletion"), Some(&schedule)).await);
    assert_eq!(
        (scheduled["key_id"].as_str(), scheduled["key_state"].as_str()),
        (Some(id.as_str()), Some("4"))
    );
    kms_error(&h.call("POST", &op("schedule-key-deletion"), Some(&schedule)).await, 400, "KMS.1402");
    let short = json!({"key_id": id, "pending_days": "6"});
    kms_error(&h.call("POST", &op("schedule-key-deletion"), Some(&short)).await, 400, "KMS.1401");
    assert_eq!(ok(&h.call("POST", &op("cancel-key-deletion"), Some(&key)).await)["key_state"], "3");
    kms_error(&h.call("POST", &op("cancel-key-deletion"), Some(&key)).await, 400, "KMS.1501");
    assert_eq!(ok(&h.call("POST", &op("enable-key"), Some(&key)).await)["key_info"]["key_state"], "2");

    // Rotation: off, then on at the longest interval, then another interval; `{}` answers each change.
    let status = ok(&h.call("POST", &op("get-key-rotation-status"), Some(&key)).await);
    assert_eq!(
        (status["key_rotation_enabled"].as_bool(), status["rotation_interval"].as_i64()),
        (Some(false), Some(0))
    );
    assert_eq!(ok(&h.call("POST", &op("enable-key-rotation"), Some(&key)).await), json!({}));
    let interval = json!({"key_id": id, "rotation_interval": 90});
    assert_eq!(ok(&h.call("POST", &op("update-key-rotation-interval"), Some(&interval)).await), json!({}));
    let status = ok(&h.call("POST", &op("get-key-rotation-status"), Some(&key)).await);
    assert_eq!(
        (status["key_rotation_enabled"].as_bool(), status["rotation_interval"].as_i64()),
        (Some(true), Some(90))
    );

    // Listing pages by a marker until `truncated` is "false".
    for n in 0..3 {
        h.key(&format!("more/{n}")).await;
    }
    let first = ok(&h.call("POST", &op("list-keys"), Some(&json!({"limit": "3"}))).await);
    assert_eq!((first["truncated"].as_str(), first["total"].as_i64()), (Some("true"), Some(4)));
    let rest = json!({"limit": "3", "marker": first["next_marker"]});
    let second = ok(&h.call("POST", &op("list-keys"), Some(&rest)).await);
    assert_eq!((second["truncated"].as_str(), second["keys"].as_array().unwrap().len()), (Some("false"), 1));
    kms_error(&h.call("POST", &op("list-keys"), Some(&json!({"limit": "0"}))).await, 400, "KMS.1601");

    let unknown = json!({"key_id": "00000000-0000-0000-0000-000000000000"});
    kms_error(&h.call("POST", &op("describe-key"), Some(&unknown)).await, 404, "KMS.0207");
    kms_error(&h.call("POST", &op("describe-key"), Some(&json!({"key_id": "nope"}))).await, 400, "KMS.0205");
    // Another project's token sees no key of this one.
    let other = h
        .call_with(
            "POST",
            &op("describe-key"),
            &[("x-auth-token", TOKEN_P2)],
            Some(key.to_string().into_bytes()),
        )
        .await;
    assert_eq!(other.status, 403);
}

#[tokio::test]
async fn data_keys_and_small_data_round_trip_and_refuse_what_is_altered() {
    let h = Harness::new();
    let id = h.key("data").await;
    let made = ok(&h
        .call("POST", &kms("create-datakey"), Some(&json!({"key_id": id, "datakey_length": "512"})))
        .await);
    let (plain, cipher) = (made["plain_text"].as_str().unwrap(), made["cipher_text"].as_str().unwrap());
    assert_eq!(plain.len(), 128, "512 bits, hex");
    let open = json!({"key_id": id, "cipher_text": cipher, "datakey_cipher_length": "64"});
    let opened = ok(&h.call("POST", &kms("decrypt-datakey"), Some(&open)).await);
    assert_eq!(opened["data_key"], plain);
    assert_eq!(opened["datakey_length"], "64");
    // A flipped byte fails; a ciphertext opened under another key fails.
    let mut altered = cipher.to_owned();
    let last = if altered.ends_with('0') { "1" } else { "0" };
    altered.replace_range(altered.len() - 1.., last);
    let bad = json!({"key_id": id, "cipher_text": altered, "datakey_cipher_length": "64"});
    kms_error(&h.call("POST", &kms("decrypt-datakey"), Some(&bad)).await, 400, "KMS.2201");
    let other = h.key("other").await;
    let wrong = json!({"key_id": other, "cipher_text": cipher, "datakey_cipher_length": "64"});
    kms_error(&h.call("POST", &kms("decrypt-datakey"), Some(&wrong)).await, 400, "KMS.2201");

    // encrypt-datakey takes the key and its SHA-256 digest, and checks both.
    let dek = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let digest = "4773d12e2371bb935b9a0f5439b4a1c3ad3f2414b86980f8418d1cfabdfadfef";
    let mut sealed_ok = None;
    for (plain_text, code) in
        [(format!("{dek}{digest}"), None), (format!("{dek}{}", "00".repeat(32)), Some("KMS.2103"))]
    {
        let body = json!({"key_id": id, "plain_text": plain_text, "datakey_plain_length": "32"});
        let reply = h.call("POST", &kms("encrypt-datakey"), Some(&body)).await;
        match code {
            None => sealed_ok = Some(ok(&reply)["cipher_text"].as_str().unwrap().to_owned()),
            Some(code) => kms_error(&reply, 400, code),
        }
    }
    let open = json!({"key_id": id, "cipher_text": sealed_ok.unwrap(), "datakey_cipher_length": "32"});
    let opened = ok(&h.call("POST", &kms("decrypt-datakey"), Some(&open)).await);
    assert_eq!((opened["data_key"].as_str(), opened["datakey_dgst"].as_str()), (Some(dek), Some(digest)));

    // Small data: even one byte gives 128 Base64 characters or more.
    let sealed =
        ok(&h.call("POST", &kms("encrypt-data"), Some(&json!({"key_id": id, "plain_text": "x"}))).await);
    let text = sealed["cipher_text"].as_str().unwrap();
    assert!(text.len() >= 128, "{}", text.len());
    let opened = ok(&h.call("POST", &kms("decrypt-data"), Some(&json!({"cipher_text": text}))).await);
    assert_eq!((opened["plain_text"].as_str(), opened["key_id"].as_str()), (Some("x"), Some(id.as_str())));
    // Disabled, the key opens nothing: KMS.0209.
    h.call("POST", &kms("disable-key"), Some(&json!({"key_id": id}))).await;
    kms_error(
        &h.call("POST", &kms("decrypt-data"), Some(&json!({"cipher_text": text}))).await,
        400,
        "KMS.0209",
    );

    let random = ok(&h.call("POST", &kms("gen-random"), Some(&json!({"random_data_length": "256"}))).await);
    assert_eq!(random["random_data"].as_str().unwrap().len(), 64);
    kms_error(
        &h.call("POST", &kms("gen-random"), Some(&json!({"random_data_length": "12"}))).await,
        400,
        "KMS.1802",
    );
}

#[tokio::test]
async fn key_tags_are_set_listed_and_found() {
    let h = Harness::new();
    let id = h.key("tagged").await;
    let tags = format!("/v1.0/{P}/kms/{id}/tags");
    assert_eq!(ok(&h.call("GET", &tags, None).await), json!({"tags": [], "existTagsNum": 0}));
    let reply = h.call("POST", &tags, Some(&json!({"tag": {"key": "team", "value": "a"}}))).await;
    assert_eq!(reply.status, 204, "{}", String::from_utf8_lossy(&reply.body));
    let batch =
        json!({"action": "create", "tags": [{"key": "env", "value": "prod"}, {"key": "team", "value": "b"}]});
    assert_eq!(h.call("POST", &format!("{tags}/action"), Some(&batch)).await.status, 204);
    let listed = ok(&h.call("GET", &tags, None).await);
    assert_eq!(listed["existTagsNum"], 2);
    assert_eq!(listed["tags"], json!([{"key": "env", "value": "prod"}, {"key": "team", "value": "b"}]));
    let found = json!({"action": "filter", "tags": [{"key": "env", "values": ["prod"]}]});
    let found = ok(&h.call("POST", &kms("resource_instances/action"), Some(&found)).await);
    assert_eq!(
        (found["total_count"].as_i64(), found["resources"][0]["resource_id"].as_str()),
        (Some(1), Some(id.as_str()))
    );
    assert_eq!(h.call("DELETE", &format!("{tags}/env"), None).await.status, 204);
    kms_error(&h.call("DELETE", &format!("{tags}/env"), None).await, 400, "KMS.0406");
    let project = ok(&h.call("GET", &kms("tags"), None).await);
    assert_eq!(project["tags"], json!([{"key": "team", "values": ["b"]}]));
}

#[tokio::test]
async fn secrets_sealed_under_a_key_follow_its_state() {
    let h = Harness::new();
    let id = h.key("secrets").await;
    let secrets = format!("/v1/{P}/secrets");
    let body = json!({"name": "s", "secret_string": "v1", "kms_key_id": id});
    assert_eq!(h.call("POST", &secrets, Some(&body)).await.status, 200);
    let latest = format!("/v1/{P}/secrets/s/versions/latest");
    assert_eq!(ok(&h.call("GET", &latest, None).await)["version"]["secret_string"], "v1");

    h.call("POST", &kms("disable-key"), Some(&json!({"key_id": id}))).await;
    let refused = h.call("GET", &latest, None).await.error(400, "CSMS.0401");
    assert!(refused.contains("KMS.0209"), "{refused}");
    let versions = format!("/v1/{P}/secrets/s/versions");
    h.call("POST", &versions, Some(&json!({"secret_string": "v2"}))).await.error(400, "CSMS.0401");
    h.call("POST", &kms("enable-key"), Some(&json!({"key_id": id}))).await;
    assert_eq!(ok(&h.call("GET", &latest, None).await)["version"]["secret_string"], "v1");

    // Scheduled for deletion: refused until the deletion is cancelled (the key is then disabled).
    let schedule = json!({"key_id": id, "pending_days": "7"});
    ok(&h.call("POST", &kms("schedule-key-deletion"), Some(&schedule)).await);
    let refused = h.call("GET", &latest, None).await.error(400, "CSMS.0401");
    assert!(refused.contains("KMS.0210"), "{refused}");
    ok(&h.call("POST", &kms("cancel-key-deletion"), Some(&json!({"key_id": id}))).await);
    ok(&h.call("POST", &kms("enable-key"), Some(&json!({"key_id": id}))).await);
    assert_eq!(ok(&h.call("GET", &latest, None).await)["version"]["secret_string"], "v1");

    // A key that does not exist is refused at creation.
    let body =
        json!({"name": "t", "secret_string": "v", "kms_key_id": "00000000-0000-0000-0000-000000000000"});
    let refused = h.call("POST", &secrets, Some(&body)).await.error(400, "CSMS.0401");
    assert!(refused.contains("KMS.0207"), "{refused}");
    // The default key is made on first use, and is a real key with default_key_flag "1".
    let plain = ok(&h.call("POST", &secrets, Some(&json!({"name": "u", "secret_string": "v"}))).await);
    let default = plain["secret"]["kms_key_id"].as_str().unwrap().to_owned();
    let described = ok(&h.call("POST", &kms("describe-key"), Some(&json!({"key_id": default}))).await);
    assert_eq!(
        (described["key_info"]["default_key_flag"].as_str(), described["key_info"]["key_alias"].as_str()),
        (Some("1"), Some("csms/default"))
    );
    kms_error(&h.call("POST", &kms("disable-key"), Some(&json!({"key_id": default}))).await, 400, "KMS.0211");
}
