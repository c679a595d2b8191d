//! The secret family through the service: stages, tags and the search by tag, backups, passwords, the
//! batch calls and scheduled rotation, with their error cases.

use serde_json::{Value, json};

use crate::harness::*;

fn path(rest: &str) -> String {
    format!("/v1/{P}/{rest}")
}

#[track_caller]
fn ok(reply: &Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    reply.json()
}

#[track_caller]
fn no_content(reply: &Reply) {
    assert_eq!(reply.status, 204, "{}", String::from_utf8_lossy(&reply.body));
    assert!(reply.body.is_empty());
}

/// Creates a secret; returns its id.
async fn secret(h: &Harness, name: &str, value: &str) -> String {
    let body = json!({"name": name, "secret_string": value});
    ok(&h.call("POST", &path("secrets"), Some(&body)).await)["secret"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_secret_without_a_key_reports_the_projects_default_key() {
    let h = Harness::new();
    let body = json!({"name": "a", "secret_string": "x"});
    let a = ok(&h.call("POST", &path("secrets"), Some(&body)).await)["secret"].clone();
    let body = json!({"name": "b", "secret_string": "x"});
    let b = ok(&h.call("POST", &path("secrets"), Some(&body)).await)["secret"].clone();
    let key = a["kms_key_id"].as_str().unwrap();
    assert_eq!(key.len(), 36, "a UUID: {key}");
    assert_eq!(b["kms_key_id"], key, "one default key per project");
    assert_eq!((a["auto_rotation"].clone(), a["enterprise_project_id"].clone()), (json!(false), json!("0")));
    let version = ok(&h.call("GET", &path("secrets/a/versions/v1"), None).await);
    assert_eq!(version["version"]["version_metadata"]["kms_key_id"], key);
    // Another project has another default key.
    let other = format!("/v1/{P2}/secrets");
    let c = ok(&h.call("POST", &other, Some(&json!({"name": "a", "secret_string": "x"}))).await);
    assert_ne!(c["secret"]["kms_key_id"], key);
}

#[tokio::test]
async fn stages_are_shown_moved_and_deleted() {
    let h = Harness::new();
    secret(&h, "s", "one").await;
    ok(&h.call("POST", &path("secrets/s/versions"), Some(&json!({"secret_string": "two"}))).await);
    let moved = ok(&h.call("PUT", &path("secrets/s/stages/DEV"), Some(&json!({"version_id": "v1"}))).await);
    assert_eq!(
        moved,
        json!({"stage": {"name": "DEV", "secret_name": "s", "update_time": START_MS, "version_id": "v1"}})
    );
    ok(&h.call("PUT", &path("secrets/s/stages/SYSCURRENT"), Some(&json!({"version_id": "v1"}))).await);
    let previous = ok(&h.call("GET", &path("secrets/s/stages/SYSPREVIOUS"), None).await);
    assert_eq!(previous["stage"]["version_id"], "v2", "the former SYSCURRENT is SYSPREVIOUS");
    let latest = ok(&h.call("GET", &path("secrets/s/versions/latest"), None).await);
    assert_eq!(latest["version"]["secret_string"], "one");
    assert_eq!(latest["version"]["version_metadata"]["version_stages"], json!(["DEV", "SYSCURRENT"]));

    no_content(&h.call("DELETE", &path("secrets/s/stages/DEV"), None).await);
    h.call("GET", &path("secrets/s/stages/DEV"), None).await.error(404, "CSMS.0005");
    h.call("DELETE", &path("secrets/s/stages/DEV"), None).await.error(404, "CSMS.0005");
    let msg = h.call("DELETE", &path("secrets/s/stages/SYSCURRENT"), None).await.error(400, "CSMS.0002");
    assert!(msg.contains("cannot be deleted"), "{msg}");
    h.call("PUT", &path("secrets/s/stages/DEV"), Some(&json!({"version_id": "v7"})))
        .await
        .error(404, "CSMS.0005");
    h.call("PUT", &path("secrets/s/stages/DEV"), Some(&json!({"version_id": "x1"})))
        .await
        .error(400, "CSMS.0002");
    h.call("PUT", &path("secrets/s/stages/a%20b"), Some(&json!({"version_id": "v1"})))
        .await
        .error(400, "CSMS.0002");
    h.call("GET", &path("secrets/nope/stages/DEV"), None).await.error(404, "CSMS.0005");
}

#[tokio::test]
async fn tags_by_secret_id_and_the_search() {
    let h = Harness::new();
    let a = secret(&h, "alpha", "x").await;
    let b = secret(&h, "beta", "x").await;
    let tags = |id: &str| path(&format!("csms/{id}/tags"));
    let action = |id: &str| path(&format!("csms/{id}/tags/action"));
    // The Terraform provider's calls: create with a list, read back, delete the old list.
    let create = json!({"action": "create", "tags": [{"key": "team", "value": "pay"}, {"key": "env", "value": "prod"}]});
    no_content(&h.call("POST", &action(&a), Some(&create)).await);
    no_content(&h.call("POST", &tags(&b), Some(&json!({"tag": {"key": "team", "value": "search"}}))).await);
    let listed = ok(&h.call("GET", &tags(&a), None).await);
    assert_eq!(
        listed,
        json!({"tags": [{"key": "env", "value": "prod"}, {"key": "team", "value": "pay"}], "sys_tags": []})
    );
    let project = ok(&h.call("GET", &path("csms/tags"), None).await);
    assert_eq!(
        project,
        json!({"tags": [{"key": "env", "values": ["prod"]}, {"key": "team", "values": ["pay", "search"]}]})
    );

    let search = |body: Value| {
        let h = &h;
        async move { ok(&h.call("POST", &path("csms/resource_instances/action"), Some(&body)).await) }
    };
    let found =
        search(json!({"action": "filter", "tags": [{"key": "team", "values": ["pay", "search"]}]})).await;
    assert_eq!(found["total_count"], 2);
    assert_eq!(found["resources"][0]["resource_id"], a.as_str());
    assert_eq!(found["resources"][0]["resource_detail"]["name"], "alpha");
    // limit and offset as the provider sends them (numbers) and as upstream documents them (strings);
    // an empty page past the end.
    let page = |offset: Value| json!({"action": "filter", "limit": 1, "offset": offset});
    assert_eq!(search(page(json!(1))).await["resources"][0]["resource_name"], "beta");
    assert_eq!(search(page(json!("0"))).await["resources"][0]["resource_name"], "alpha");
    assert_eq!(search(page(json!(2))).await, json!({"resources": [], "total_count": 2}));
    let count = search(json!({"action": "count", "tags": [{"key": "env", "values": []}]})).await;
    assert_eq!(count, json!({"resources": [], "total_count": 1}));
    let named =
        search(json!({"action": "filter", "matches": [{"key": "resource_name", "value": "et"}]})).await;
    assert_eq!(named["total_count"], 1);
    for bad in [
        json!({"action": "find"}),
        json!({"action": "filter", "limit": 0}),
        json!({"action": "filter", "limit": "1001"}),
        json!({"action": "filter", "offset": -1}),
        json!({"action": "filter", "matches": [{"key": "name", "value": "x"}]}),
    ] {
        h.call("POST", &path("csms/resource_instances/action"), Some(&bad)).await.error(400, "CSMS.0002");
    }

    let delete = json!({"action": "delete", "tags": [{"key": "team", "value": "pay"}, {"key": "env"}]});
    no_content(&h.call("POST", &action(&a), Some(&delete)).await);
    assert_eq!(ok(&h.call("GET", &tags(&a), None).await)["tags"], json!([]));
    no_content(&h.call("DELETE", &path(&format!("csms/{b}/tags/team")), None).await);
    h.call("DELETE", &path(&format!("csms/{b}/tags/team")), None).await.error(404, "CSMS.0005");

    // The key and value rules, the bound, an unknown id, an id that is not one.
    for bad in [
        json!({"tag": {"key": "_sys_x", "value": "v"}}),
        json!({"tag": {"key": " lead", "value": "v"}}),
        json!({"tag": {"key": "k", "value": "a*b"}}),
        json!({"tag": {"key": "k".repeat(129)}}),
        json!({"tag": {}}),
    ] {
        h.call("POST", &tags(&a), Some(&bad)).await.error(400, "CSMS.0002");
    }
    let dup = json!({"action": "create", "tags": [{"key": "k", "value": "1"}, {"key": "k", "value": "2"}]});
    h.call("POST", &action(&a), Some(&dup)).await.error(400, "CSMS.0002");
    let twenty: Vec<Value> = (0..20).map(|n| json!({"key": format!("k{n}"), "value": "v"})).collect();
    no_content(&h.call("POST", &action(&a), Some(&json!({"action": "create", "tags": twenty}))).await);
    let msg = h.call("POST", &tags(&a), Some(&json!({"tag": {"key": "k20"}}))).await.error(400, "CSMS.0002");
    assert!(msg.contains("20 tags"), "{msg}");
    let unknown = "00000000-0000-4000-8000-000000000000";
    h.call("GET", &tags(unknown), None).await.error(404, "CSMS.0005");
    h.call("GET", &tags("alpha"), None).await.error(400, "CSMS.0002");
}

#[tokio::test]
async fn a_backup_restores_only_a_deleted_secret_and_never_shows_a_value() {
    let h = Harness::new();
    let id = secret(&h, "s", "hunter2").await;
    no_content(
        &h.call("POST", &path(&format!("csms/{id}/tags")), Some(&json!({"tag": {"key": "k", "value": "v"}})))
            .await,
    );
    let reply = h.call("POST", &path("secrets/s/backup"), None).await;
    assert_eq!(reply.headers["cache-control"], "no-store");
    let blob = ok(&reply)["secret_blob"].as_str().unwrap().to_owned();
    assert!(blob.starts_with(csms_model::SECRET_BLOB_PREFIX) && !blob.contains("hunter2"));

    let restore = |blob: &str| json!({"secret_blob": blob});
    let msg = h.call("POST", &path("secrets/restore"), Some(&restore(&blob))).await.error(409, "CSMS.9001");
    assert!(msg.contains("no longer exists"), "{msg}");
    no_content(&h.call("DELETE", &path("secrets/s"), None).await);
    let tampered = format!("{}x", &blob[..blob.len() - 1]);
    for bad in [tampered.as_str(), "not a blob", ""] {
        let msg = h.call("POST", &path("secrets/restore"), Some(&restore(bad))).await.error(400, "CSMS.0002");
        assert!(!msg.contains(bad) || bad.is_empty(), "a blob is not echoed: {msg}");
    }
    // Another project's blob.
    let other = format!("/v1/{P2}/secrets/restore");
    h.call("POST", &other, Some(&restore(&blob))).await.error(400, "CSMS.0002");
    h.call("GET", &path("secrets/s"), None).await.error(404, "CSMS.0005");

    let restored = ok(&h.call("POST", &path("secrets/restore"), Some(&restore(&blob))).await);
    assert_eq!(
        (restored["secret"]["id"].as_str(), restored["secret"]["state"].as_str()),
        (Some(id.as_str()), Some("ENABLED"))
    );
    assert!(!restored.to_string().contains("hunter2"));
    let value = ok(&h.call("GET", &path("secrets/s/versions/latest"), None).await);
    assert_eq!(value["version"]["secret_string"], "hunter2");
    assert_eq!(
        ok(&h.call("GET", &path(&format!("csms/{id}/tags")), None).await)["tags"],
        json!([{"key": "k", "value": "v"}])
    );
    // The route of a secret named "restore" is still its own.
    secret(&h, "restore", "x").await;
    assert_eq!(ok(&h.call("GET", &path("secrets/restore"), None).await)["secret"]["name"], "restore");
    ok(&h.call("POST", &path("secrets/restore/backup"), None).await);
}

#[tokio::test]
async fn a_blob_may_be_larger_than_other_bodies_but_not_unbounded() {
    let h = Harness::new();
    // 1 MiB: over the 208 KiB of other operations, within the blob's limit, refused as no blob of ours.
    let big = json!({"secret_blob": "A".repeat(1 << 20)});
    h.call("POST", &path("secrets/restore"), Some(&big)).await.error(400, "CSMS.0002");
    h.call("POST", &path("secrets"), Some(&big)).await.error(413, "CSMS.9004");
    let huge = json!({"secret_blob": "A".repeat(6 << 20)});
    h.call("POST", &path("secrets/restore"), Some(&huge)).await.error(413, "CSMS.9004");
}

#[tokio::test]
async fn passwords_follow_the_options_and_refuse_the_impossible() {
    let h = Harness::new();
    let generate = path("csms/generate-password");
    let reply = h.call_with("POST", &generate, &[("x-auth-token", TOKEN)], None).await;
    assert_eq!(reply.headers["cache-control"], "no-store");
    let password = ok(&reply)["password"].as_str().unwrap().to_owned();
    assert_eq!(password.chars().count(), 32, "the default length");
    let body = json!({"length": 64, "exclude_punctuation": true, "exclude_characters": "0O1lI",
                      "require_each_included_type": true});
    let password = ok(&h.call("POST", &generate, Some(&body)).await)["password"].as_str().unwrap().to_owned();
    assert_eq!(password.len(), 64);
    assert!(password.chars().all(|c| c.is_ascii_alphanumeric() && !"0O1lI".contains(c)), "{password}");
    assert_ne!(
        password,
        ok(&h.call("POST", &generate, Some(&body)).await)["password"].as_str().unwrap(),
        "two draws differ"
    );
    for (bad, says) in [
        (json!({"length": 0}), "length"),
        (json!({"length": 4097}), "length"),
        (json!({"length": "8"}), "length"),
        (
            json!({"exclude_lowercase": true, "exclude_uppercase": true, "exclude_numbers": true,
                "exclude_punctuation": true}),
            "Every character",
        ),
        (json!({"length": 3, "require_each_included_type": true}), "cannot hold"),
        (json!({"include_space": "yes"}), "include_space"),
    ] {
        let msg = h.call("POST", &generate, Some(&bad)).await.error(400, "CSMS.0002");
        assert!(msg.contains(says), "{bad}: {msg}");
    }
}

#[tokio::test]
async fn batch_get_answers_each_name_on_its_own() {
    let h = Harness::new();
    secret(&h, "a", "one").await;
    secret(&h, "b", "two").await;
    ok(&h
        .call(
            "POST",
            &path("secrets/b/scheduled-deleted-tasks/create"),
            Some(&json!({"recovery_window_in_days": 7})),
        )
        .await);
    let get = path("secrets/batch-get-secret-value");
    let reply = h.call("POST", &get, Some(&json!({"secret_name_list": ["a", "b", "nope", "a"]}))).await;
    assert_eq!(reply.headers["cache-control"], "no-store");
    let got = ok(&reply);
    assert_eq!(got["total_count"], 1);
    assert_eq!(got["versions"][0]["secret_string"], "one");
    assert_eq!(got["versions"][0]["version_metadata"]["secret_name"], "a");
    assert_eq!(
        ok(&h.call_with("POST", &get, &[("x-auth-token", TOKEN)], None).await),
        json!({"total_count": 0, "versions": []})
    );
    let many: Vec<String> = (0..21).map(|n| format!("s{n}")).collect();
    h.call("POST", &get, Some(&json!({"secret_name_list": many}))).await.error(400, "CSMS.0002");
}

#[tokio::test]
async fn batch_import_creates_each_item_on_its_own() {
    let h = Harness::new().with_secret_quota(3);
    secret(&h, "taken", "x").await;
    let import = path("secrets/batch-import");
    // A bad item refuses the whole body, every violation under its item's index; nothing is created.
    let bad = json!({"secrets": [
        {"name": "one", "secret_string": "1"},
        {"name": "bad name", "secret_string": "3"},
        "not an object",
    ]});
    let msg = h.call("POST", &import, Some(&bad)).await.error(400, "CSMS.0002");
    assert!(msg.contains("'/secrets/1/name'") && msg.contains("'/secrets/2'"), "{msg}");
    h.call("GET", &path("secrets/one"), None).await.error(404, "CSMS.0005");

    // What the stored state refuses is each item's own: the others are created.
    let body = json!({"secrets": [
        {"name": "one", "secret_string": "1"},
        {"name": "taken", "secret_string": "2"},
        {"name": "sub", "secret_string": "5", "event_subscriptions": ["no-such-event"]},
        {"name": "two", "secret_binary": "AAEC"},
        {"name": "three", "secret_string": "4"},
    ]});
    let reply = ok(&h.call("POST", &import, Some(&body)).await);
    assert_eq!(
        (reply["total"].as_i64(), reply["success"].as_i64(), reply["failed"].as_i64()),
        (Some(5), Some(2), Some(3))
    );
    let errors: Vec<(String, String)> = reply["error_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap().to_owned(), e["error_msg"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(errors.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["taken", "sub", "three"]);
    assert!(errors[0].1.starts_with("CSMS.9001"), "{errors:?}");
    assert!(errors[1].1.starts_with("CSMS.0002"), "an unknown event: {errors:?}");
    assert!(errors[2].1.starts_with("CSMS.0202"), "the quota: {errors:?}");
    assert_eq!(
        ok(&h.call("GET", &path("secrets/two/versions/v1"), None).await)["version"]["secret_binary"],
        "AAEC"
    );
    h.call("GET", &path("secrets/three"), None).await.error(404, "CSMS.0005");
    for bad in [json!({}), json!({"secrets": []}), json!({"secrets": {}})] {
        h.call("POST", &import, Some(&bad)).await.error(400, "CSMS.0002");
    }
}

#[tokio::test]
async fn scheduled_rotation_is_set_with_a_period_and_refused_for_common_secrets_by_default() {
    let h = Harness::new();
    let body = json!({"name": "c", "secret_string": "x", "auto_rotation": true, "rotation_period": "30d"});
    let msg = h.call("POST", &path("secrets"), Some(&body)).await.error(400, "CSMS.0002");
    assert!(msg.contains("--rotate-common"), "{msg}");
    let h = Harness::new().with_rotate_common(true);
    let no_period = json!({"name": "c", "secret_string": "x", "auto_rotation": true});
    h.call("POST", &path("secrets"), Some(&no_period)).await.error(400, "CSMS.0002");
    for period in ["5h", "8761h", "30x", "d", ""] {
        let bad =
            json!({"name": "c", "secret_string": "x", "auto_rotation": true, "rotation_period": period});
        h.call("POST", &path("secrets"), Some(&bad)).await.error(400, "CSMS.0002");
    }
    let made = ok(&h.call("POST", &path("secrets"), Some(&body)).await)["secret"].clone();
    assert_eq!(made["next_rotation_time"].as_i64(), Some(START_MS + 30 * 86_400_000));
    assert_eq!(made["rotation_period"], "30d");
    // A new period counts from the change.
    h.clock.advance(std::time::Duration::from_secs(3600));
    let changed = ok(&h.call("PUT", &path("secrets/c"), Some(&json!({"rotation_period": "6h"}))).await);
    assert_eq!(changed["secret"]["next_rotation_time"].as_i64(), Some(START_MS + 7 * 3_600_000));
    let off = ok(&h.call("PUT", &path("secrets/c"), Some(&json!({"auto_rotation": false}))).await);
    assert!(off["secret"].get("next_rotation_time").is_none_or(Value::is_null), "{off}");
}
