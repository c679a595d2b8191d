//! The secrets checker and the account-level operations (agencies, function templates): their answers,
//! their errors, and accounts kept apart.

use serde_json::{Value, json};

use crate::harness::*;

#[track_caller]
fn ok(reply: &Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    reply.json()
}

#[tokio::test]
async fn the_checker_setting_is_per_project_and_the_check_never_answers_the_value() {
    let h = Harness::new();
    let config = format!("/v1/{P}/secrets/checker/config");
    assert_eq!(ok(&h.call("GET", &config, None).await), json!({"checking_secret_strength": false}));
    let on = json!({"checking_secret_strength": true});
    assert_eq!(ok(&h.call("POST", &config, Some(&on)).await), on);
    assert_eq!(ok(&h.call("GET", &config, None).await), on);
    assert_eq!(ok(&h.call("POST", &config, Some(&json!({}))).await), on, "absent: unchanged");
    let other = format!("/v1/{P2}/secrets/checker/config");
    assert_eq!(ok(&h.call("GET", &other, None).await), json!({"checking_secret_strength": false}));
    h.call("POST", &config, Some(&json!({"checking_secret_strength": 1}))).await.error(400, "CSMS.0002");

    let check = format!("/v1/{P}/secrets/checker/check");
    let weak = "aaaa1234";
    let reply =
        h.call("POST", &check, Some(&json!({"type": "STRENGTH", "data": {"secret_string": weak}}))).await;
    let body = ok(&reply);
    assert_eq!((body["type"].as_str(), body["data"]["strength"].as_str()), (Some("STRENGTH"), Some("WEAK")));
    assert!(!String::from_utf8_lossy(&reply.body).contains(weak), "the value is never answered");
    assert_eq!(body["data"]["length"], 8);
    let strong = json!({"type": "STRENGTH", "data": {"secret_string": "Tr0ub4dor&3-correct-h0rse"}});
    assert_eq!(ok(&h.call("POST", &check, Some(&strong)).await)["data"]["strength"], "STRONG");
    for bad in [
        json!({"type": "this is a demo type", "data": {"secret_string": "x"}}),
        json!({"type": "STRENGTH", "data": {}}),
        json!({"type": "STRENGTH", "data": "x"}),
        json!({"data": {"secret_string": "x"}}),
    ] {
        let msg = h.call("POST", &check, Some(&bad)).await.error(400, "CSMS.0002");
        assert!(!msg.contains("\"x\""), "{msg}");
    }
}

#[tokio::test]
async fn agencies_are_granted_per_account() {
    let h = Harness::new();
    let show = |token: &'static str, kind: &'static str| {
        let h = &h;
        async move {
            let reply = h
                .call_with(
                    "GET",
                    &format!("/v1/csms/agencies?secret_type={kind}"),
                    &[("x-auth-token", token)],
                    None,
                )
                .await;
            ok(&reply)["agency_granted"].as_str().unwrap().to_owned()
        }
    };
    assert_eq!(show(TOKEN, "RDS-FG").await, "false");
    let created = ok(&h.call("POST", "/v1/csms/agencies", Some(&json!({"secret_type": "RDS-FG"}))).await);
    let agencies = created["agencies"].as_array().unwrap();
    assert_eq!(agencies.len(), 2);
    assert!(agencies.iter().all(|a| a["agency_id"].as_str().is_some_and(|id| id.len() == 36)));
    assert_eq!(show(TOKEN, "RDS-FG").await, "true");
    assert_eq!(show(TOKEN, "GaussDB-FG").await, "false", "per secret type");
    // Granting again answers the same agencies.
    assert_eq!(
        ok(&h.call("POST", "/v1/csms/agencies", Some(&json!({"secret_type": "RDS-FG"}))).await),
        created
    );
    // Credentials of another project act on another account; account-level paths need no project scope.
    assert_eq!(show(TOKEN_P2, "RDS-FG").await, "false");
    for bad in [json!({"secret_type": "COMMON"}), json!({})] {
        h.call("POST", "/v1/csms/agencies", Some(&bad)).await.error(400, "CSMS.0002");
    }
    h.call("GET", "/v1/csms/agencies", None).await.error(400, "CSMS.0002");
    h.call_with("GET", "/v1/csms/agencies?secret_type=RDS-FG", &[], None).await.error(401, "APIGW.0301");
}

#[tokio::test]
async fn function_templates_follow_the_type_the_accounts_and_the_engine() {
    let h = Harness::new();
    let get = |query: &str| {
        let h = &h;
        let path = format!("/v1/csms/function-templates?{query}");
        async move { h.call("GET", &path, None).await }
    };
    let mysql = ok(&get("secret_type=RDS-FG&secret_sub_type=SingleUser&engine=mysql").await);
    let text = mysql["function_templates"].as_str().unwrap();
    assert!(
        text.contains("import pymysql") && text.contains("RDS-FG") && text.contains("def handler"),
        "{text}"
    );
    assert!(!text.contains("{secret_type}") && !text.contains("{{"), "every placeholder is filled: {text}");
    let multi = ok(&get("secret_type=GaussDB-FG&secret_sub_type=MultiUser").await);
    assert!(multi["function_templates"].as_str().unwrap().contains("other_username"));
    for bad in [
        "secret_type=RDS-FG&secret_sub_type=SingleUser",
        "secret_type=GaussDB-FG&secret_sub_type=SingleUser&engine=mysql",
        "secret_type=RDS-FG&secret_sub_type=Both&engine=mysql",
        "secret_type=COMMON&secret_sub_type=SingleUser",
        "secret_type=RDS-FG&secret_sub_type=SingleUser&engine=oracle",
    ] {
        get(bad).await.error(400, "CSMS.0002");
    }
}

#[tokio::test]
async fn grants_are_records_per_resource_and_go_with_their_secret() {
    let h = Harness::new();
    let secret = ok(&h
        .call("POST", &format!("/v1/{P}/secrets"), Some(&json!({"name": "db", "secret_string": "x"})))
        .await);
    let id = secret["secret"]["id"].as_str().unwrap().to_owned();
    let grants = format!("/v1/{P}/csms/grants");
    let body = |resource: &str, user: &str, kind: &str| json!({"resource_id": resource, "type": kind, "grantee_type": "0", "grantee_target_id": user, "validity_time": "2030-12-31"});
    let made = ok(&h.call("POST", &grants, Some(&body("db", "alice", "secret"))).await)["data"].clone();
    assert_eq!(
        (
            made["resourceId"].as_str(),
            made["type"].as_str(),
            made["granteeUser"].as_str(),
            made["state"].as_i64()
        ),
        (Some("db"), Some("SECRET"), Some("alice"), Some(0))
    );
    assert_eq!(made["validityTime"], 1_924_991_999_999i64, "the end of the day, UTC");
    assert_eq!(made["createTime"], START_MS);
    ok(&h.call("POST", &grants, Some(&body("db", "bob", "SECRET"))).await);
    h.call("POST", &grants, Some(&body("db", "alice", "SECRET"))).await.error(409, "CSMS.9001");
    h.call("POST", &grants, Some(&body("nope", "alice", "SECRET"))).await.error(404, "CSMS.0005");
    // By the secret's id too; a group needs no secret.
    ok(&h.call("POST", &grants, Some(&body(&id, "carol", "SECRET"))).await);
    ok(&h.call("POST", &grants, Some(&body("team-7", "dave", "group"))).await);

    let listed = ok(&h.call("GET", &format!("{grants}?resource_id=db"), None).await)["data"].clone();
    let users: Vec<&str> =
        listed["grantee_user"].as_array().unwrap().iter().map(|u| u["user_id"].as_str().unwrap()).collect();
    assert_eq!(users, ["alice", "bob", "carol"], "a secret's grants, by its name or its id alike");
    assert_eq!((listed["id"].as_str(), listed["name"].as_str()), (Some("db"), Some("db")));
    // The same user once per secret, whether the grant names it by name or by id.
    h.call("POST", &grants, Some(&body(&id, "alice", "SECRET"))).await.error(409, "CSMS.9001");
    // UpdateGrant checks what CreateGrants checks: a SECRET grant names a secret of the project.
    let group_to_ghost =
        json!({"resource_id": "team-7", "type": "SECRET", "grantee_type": "0", "grantee_target_id": "dave"});
    h.call("PUT", &format!("{grants}?resource_id=team-7"), Some(&group_to_ghost))
        .await
        .error(404, "CSMS.0005");

    let change =
        json!({"resource_id": "db", "type": "SECRET", "grantee_type": "2", "grantee_target_id": "bob"});
    let changed =
        ok(&h.call("PUT", &format!("{grants}?resource_id=db"), Some(&change)).await)["data"].clone();
    assert!(changed.get("validityTime").is_none(), "no expiry now: {changed}");
    h.call("PUT", &format!("{grants}?resource_id=other"), Some(&change)).await.error(400, "CSMS.0002");
    let stranger =
        json!({"resource_id": "db", "type": "SECRET", "grantee_type": "0", "grantee_target_id": "eve"});
    h.call("PUT", &format!("{grants}?resource_id=db"), Some(&stranger)).await.error(404, "CSMS.0005");

    let deleted = h.call("DELETE", &format!("{grants}?resource_id=db&grantee_user=alice"), None).await;
    assert_eq!(deleted.status, 204);
    h.call("DELETE", &format!("{grants}?resource_id=db&grantee_user=alice"), None)
        .await
        .error(404, "CSMS.0005");
    for bad in [
        json!({"resource_id": "db", "type": "FILE", "grantee_type": "0", "grantee_target_id": "x"}),
        json!({"resource_id": "db", "type": "SECRET", "grantee_type": "1", "grantee_target_id": "x"}),
        json!({"resource_id": "db", "type": "SECRET", "grantee_type": "0", "grantee_target_id": "x", "validity_time": "2030-02-30"}),
        json!({"resource_id": "", "type": "SECRET", "grantee_type": "0", "grantee_target_id": "x"}),
    ] {
        h.call("POST", &grants, Some(&bad)).await.error(400, "CSMS.0002");
    }
    h.call("GET", &grants, None).await.error(400, "CSMS.0002");

    // Deleting the secret takes its grants, by name and by id; a group's stay.
    assert_eq!(h.call("DELETE", &format!("/v1/{P}/secrets/db"), None).await.status, 204);
    h.call("GET", &format!("{grants}?resource_id=db"), None).await.error(404, "CSMS.0005");
    h.call("GET", &format!("{grants}?resource_id={id}"), None).await.error(404, "CSMS.0005");
    ok(&h.call("GET", &format!("{grants}?resource_id=team-7"), None).await);
    assert_eq!(h.call("DELETE", &format!("{grants}?resource_id=team-7"), None).await.status, 204);
    h.call("GET", &format!("{grants}?resource_id=team-7"), None).await.error(404, "CSMS.0005");
}

fn directory_user(
    id: &str,
    name: &str,
    account: &str,
    org: &str,
    password: Option<&str>,
) -> csms_http::DirectoryUser {
    csms_http::DirectoryUser {
        user_id: id.into(),
        user_name: name.into(),
        name: name.to_uppercase(),
        account: account.into(),
        org_id: org.into(),
        mobile: String::new(),
        email: format!("{name}@example.com"),
        initial_password: password.map(str::to_owned),
        created_at: START_MS,
    }
}

#[tokio::test]
async fn the_directory_lists_an_accounts_users_and_a_user_changes_only_its_own_password() {
    use csms_http::auth::{ProjectScope, StaticCredentials};
    let alice_token = "token-of-alice-0123456789abcdef";
    let carol_token = "token-of-carol-0123456789abcdef";
    let credentials = StaticCredentials::new()
        .with_user_token(alice_token, ProjectScope::All, Some("u-alice".into()))
        .with_user_token(carol_token, ProjectScope::from_list([P2]), Some("u-carol".into()))
        .with_token(TOKEN, ProjectScope::All);
    let directory = (0..12)
        .map(|n| {
            directory_user(
                &format!("u-{n:02}"),
                &format!("user{n:02}"),
                "*",
                if n % 2 == 0 { "even" } else { "odd" },
                None,
            )
        })
        .chain([
            directory_user("u-alice", "alice", "*", "odd", Some("first-password")),
            directory_user("u-carol", "carol", &format!("project:{P2}"), "", None),
        ])
        .fold(csms_http::Directory::default(), csms_http::Directory::with_user);
    let mut h = Harness::new();
    h.service = csms_http::CsmsService::builder(h.store.clone(), std::sync::Arc::new(credentials))
        .directory(directory)
        .clock(h.clock.clone())
        .build();
    let as_user = |token: &'static str, method: &'static str, path: String, body: Option<Value>| {
        let h = &h;
        async move {
            h.call_with(method, &path, &[("x-auth-token", token)], body.map(|b| b.to_string().into_bytes()))
                .await
        }
    };

    let page = ok(&as_user(alice_token, "GET", "/v1/csms/users?offset=0&limit=10".into(), None).await);
    assert_eq!((page["total"].as_i64(), page["users"].as_array().unwrap().len()), (Some(13), 10));
    assert_eq!(page["users"][0]["user_id"], "u-00");
    let second = ok(&as_user(alice_token, "GET", "/v1/csms/users?offset=1&limit=10".into(), None).await);
    assert_eq!(second["users"].as_array().unwrap().len(), 3, "offset is a page number");
    let odd = ok(&as_user(
        alice_token,
        "GET",
        "/v1/csms/users?offset=0&limit=10&org_id=odd&user_info=ali".into(),
        None,
    )
    .await);
    assert_eq!(odd["total"], 1);
    let alice = &odd["users"][0];
    assert_eq!(
        (alice["disabled"].as_str(), alice["grade"].as_str(), alice["pwd_must_modify"].as_bool()),
        (Some("false"), Some("1"), Some(false))
    );
    assert_eq!(alice["created_at"], "2023-11-14 22:13:20.000");
    // Another account sees its own users only.
    let carol_page = ok(&as_user(carol_token, "GET", "/v1/csms/users?offset=0&limit=10".into(), None).await);
    assert_eq!(carol_page["total"], 1);
    as_user(carol_token, "GET", "/v1/csms/users/u-alice".into(), None).await.error(404, "CSMS.0005");
    let detail = ok(&as_user(alice_token, "GET", "/v1/csms/users/u-alice".into(), None).await);
    assert_eq!(
        (detail["disabled"].as_bool(), detail["grade"].as_i64(), detail["domain_id"].as_str()),
        (Some(false), Some(1), Some("*"))
    );
    assert_eq!(detail["extension"], json!({}));
    for bad in [
        "offset=0&limit=5",
        "offset=0",
        "limit=10",
        "offset=-1&limit=10",
        "offset=0&limit=10&user_info=".to_owned().leak(),
    ] {
        let reply = as_user(alice_token, "GET", format!("/v1/csms/users?{bad}"), None).await;
        if bad.ends_with("user_info=") {
            ok(&reply);
        } else {
            reply.error(400, "CSMS.0002");
        }
    }

    // The password: the first one, then the new one; a wrong old one changes nothing.
    let change = |old: &str, new: &str| json!({"old_password": old, "password": new});
    let path = || "/v1/csms/users/change-password".to_owned();
    let msg = as_user(alice_token, "POST", path(), Some(change("wrong-password", "second-password")))
        .await
        .error(400, "CSMS.0002");
    assert!(!msg.contains("wrong-password") && !msg.contains("second-password"), "{msg}");
    h.clock.advance(std::time::Duration::from_secs(60));
    let changed =
        ok(&as_user(alice_token, "POST", path(), Some(change("first-password", "second-password"))).await);
    assert_eq!(changed, json!({"user_id": "u-alice"}));
    as_user(alice_token, "POST", path(), Some(change("first-password", "third-password")))
        .await
        .error(400, "CSMS.0002");
    ok(&as_user(alice_token, "POST", path(), Some(change("second-password", "third-password"))).await);
    let detail = ok(&as_user(alice_token, "GET", "/v1/csms/users/u-alice".into(), None).await);
    assert_eq!(detail["pwd_change_at"], "2023-11-14 22:14:20.000");
    // A user who never had a password starts from an empty one; credentials of no user have none.
    ok(&as_user(carol_token, "POST", path(), Some(change("", "carols-password"))).await);
    let msg =
        as_user(TOKEN, "POST", path(), Some(change("", "anything-at-all"))).await.error(400, "CSMS.0002");
    assert!(msg.contains("no user"), "{msg}");
    as_user(alice_token, "POST", path(), Some(change("third-password", "short")))
        .await
        .error(400, "CSMS.0002");
    // Guessing: after five wrong old passwords the change is locked (429 CSMS.9011, Retry-After), the
    // right one included; the lock ends by itself.
    for i in 0..5 {
        as_user(alice_token, "POST", path(), Some(change(&format!("guess-{i}"), "fourth-password")))
            .await
            .error(400, "CSMS.0002");
    }
    let locked =
        as_user(alice_token, "POST", path(), Some(change("third-password", "fourth-password"))).await;
    assert_eq!(locked.headers["retry-after"], "60", "{:?}", locked.headers);
    locked.error(429, "CSMS.9011");
    ok(&as_user(carol_token, "POST", path(), Some(change("carols-password", "carols-second"))).await);
    h.clock.advance(std::time::Duration::from_secs(61));
    ok(&as_user(alice_token, "POST", path(), Some(change("third-password", "fourth-password"))).await);

    // A grantee the account's directory knows is listed with its login name.
    let secret = json!({"name": "db", "secret_string": "value"});
    ok(&as_user(TOKEN, "POST", format!("/v1/{P}/secrets"), Some(secret)).await);
    let grants = format!("/v1/{P}/csms/grants");
    for user in ["u-alice", "someone"] {
        let grant =
            json!({"resource_id": "db", "type": "SECRET", "grantee_type": "0", "grantee_target_id": user});
        ok(&as_user(TOKEN, "POST", grants.clone(), Some(grant)).await);
    }
    let listed = ok(&as_user(TOKEN, "GET", format!("{grants}?resource_id=db"), None).await);
    let names: Vec<(&str, &str)> = listed["data"]["grantee_user"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["user_id"].as_str().unwrap(), u["user_name"].as_str().unwrap()))
        .collect();
    assert_eq!(names, [("u-alice", "alice"), ("someone", "someone")]);
}
