//! The client against a fresh service in-process, over a real loopback socket: every operation of the
//! route table is called through its typed method and answered with success at least once; paging,
//! errors, retries and timeouts are checked on their own.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use csms_client::{Client, Error, PageQuery, TasksQuery, TemplateQuery, UsersQuery};
use csms_http::auth::{ProjectScope, StaticCredentials};
use csms_model::*;
use futures_util::TryStreamExt;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const AK: &str = "CLIENTTESTAK";
const SK: &str = "client-test-secret-key";
const TOKEN: &str = "client-test-token-0123456789";

/// What the service answered, per request: the method, the path and the status.
type Seen = Arc<Mutex<Vec<(String, String, u16)>>>;

/// A fresh service (memory store, a worker that rotates COMMON secrets, a user directory) on a loopback
/// port, recording what it answers.
async fn server() -> (String, Seen) {
    let store = csms_store::Store::memory();
    let credentials = StaticCredentials::new()
        .with_user_access_key(AK, SK, ProjectScope::All, Some("u1".into()))
        .with_token(TOKEN, ProjectScope::from_list([PROJECT]));
    let directory = csms_http::Directory::default().with_user(csms_http::DirectoryUser {
        user_id: "u1".into(),
        user_name: "alice".into(),
        name: "Alice".into(),
        account: "*".into(),
        org_id: "org".into(),
        mobile: String::new(),
        email: "alice@example.com".into(),
        initial_password: Some("first-password".into()),
        created_at: 0,
    });
    let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget))
        .with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue))
        .with_poll(Duration::from_millis(50));
    tokio::spawn(Arc::new(worker).run(std::future::pending()));
    let service = csms_http::CsmsService::builder(store, Arc::new(credentials))
        .rotate_common(true)
        .directory(directory)
        .build();
    let seen: Seen = Arc::default();
    let record = Arc::clone(&seen);
    let stack = tower::ServiceBuilder::new()
        .map_request(move |request: http::Request<hyper::body::Incoming>| {
            let (method, path) = (request.method().to_string(), request.uri().path().to_owned());
            record.lock().unwrap().push((method, path, 0));
            request
        })
        .map_response({
            let seen = Arc::clone(&seen);
            move |response: http::Response<_>| {
                if let Some(last) = seen.lock().unwrap().iter_mut().rev().find(|r| r.2 == 0) {
                    last.2 = response.status().as_u16();
                }
                response
            }
        })
        .service(service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(csms_http::serve(listener, stack, std::future::pending(), Duration::from_secs(1)));
    (endpoint, seen)
}

fn client(endpoint: &str) -> Client {
    Client::builder().endpoint(endpoint).access_key(AK, SK).project(PROJECT).build().unwrap()
}

/// Whether `path` is an instance of the template `template` (`{...}` matches any one segment).
fn matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| t.starts_with('{') || t == p)
}

/// An event's body, as a caller writes it in JSON.
fn event(name: &str) -> CreateSecretEventRequestBody {
    let topic = format!("urn:smn:cn-north-4:{PROJECT}:alerts");
    serde_json::from_value(serde_json::json!({"name": name, "state": "ENABLED",
        "event_types": ["SECRET_VERSION_CREATED", "SECRET_ROTATED"],
        "notification": {"target_type": "SMN", "target_id": topic, "target_name": "alerts"}}))
    .expect("a well-formed event")
}

fn secret(name: &str, value: &str) -> CreateSecretRequestBody {
    CreateSecretRequestBody {
        name: name.into(),
        secret_string: Some(SecretValue::new(value)),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answers_through_its_typed_method() {
    let (endpoint, seen) = server().await;
    let c = client(&endpoint);

    // Events and records.
    assert_eq!(c.create_secret_event(&event("ev")).await.unwrap().event.name, "ev");
    assert_eq!(c.list_secret_events(&PageQuery::default()).await.unwrap().events.len(), 1);
    assert_eq!(c.show_secret_event("ev").await.unwrap().event.state, EventState::Enabled);
    let off = UpdateSecretEventRequestBody { state: Some(EventState::Disabled), ..Default::default() };
    assert_eq!(c.update_secret_event("ev", &off).await.unwrap().event.state, EventState::Disabled);

    // Secrets, versions, stages.
    let made = c.create_secret(&secret("db", "first value")).await.unwrap().secret;
    assert_eq!(c.show_secret("db").await.unwrap().secret.id, made.id);
    let subscribe =
        UpdateSecretRequestBody { event_subscriptions: Some(vec!["ev".into()]), ..Default::default() };
    assert_eq!(c.update_secret("db", &subscribe).await.unwrap().secret.event_subscriptions, ["ev"]);
    let page = c.list_secrets(&csms_client::SecretsQuery::default()).await.unwrap();
    assert_eq!(page.secrets.len(), 1);
    let v2 = CreateSecretVersionRequestBody {
        secret_string: Some(SecretValue::new("second value")),
        secret_binary: None,
        version_stages: None,
        expire_time: None,
    };
    assert_eq!(c.create_secret_version("db", &v2).await.unwrap().version_metadata.id, "v2");
    assert_eq!(c.list_secret_versions("db", &PageQuery::default()).await.unwrap().version_metadatas.len(), 2);
    let latest = c.show_secret_version("db", "latest").await.unwrap().version;
    assert_eq!(latest.secret_string.unwrap().expose(), "second value");
    let expiry = UpdateVersionRequestBody { expire_time: Some(4_000_000_000_000) };
    assert_eq!(c.update_version("db", "v1", &expiry).await.unwrap().version_metadata.id, "v1");
    let stage = UpdateSecretStageRequestBody { version_id: "v1".into() };
    assert_eq!(c.update_secret_stage("db", "blue", &stage).await.unwrap().stage.version_id, "v1");
    assert_eq!(c.show_secret_stage("db", "blue").await.unwrap().stage.name, "blue");
    c.delete_secret_stage("db", "blue").await.unwrap();

    // Rotation, followed to its end.
    let rotation = c.rotate_secret("db").await.unwrap();
    let task =
        c.wait_for_task(&rotation.rotation_task_id, Duration::from_millis(50), Duration::from_secs(20)).await;
    assert_eq!(task.unwrap().task_status, TaskStatus::Success);
    assert!(!c.list_secret_task(&TasksQuery::default()).await.unwrap().tasks.is_empty());

    // Tags, by the secret's id.
    let tag = |key: &str, value: &str| TagItem { key: key.into(), value: Some(value.into()) };
    c.create_secret_tag(&made.id, &CreateSecretTagRequestBody { tag: tag("team", "payments") })
        .await
        .unwrap();
    let batch = BatchCreateOrDeleteTagsRequestBody {
        action: "create".into(),
        tags: vec![tag("env", "prod")],
        sequence: None,
    };
    c.batch_create_or_delete_tags(&made.id, &batch).await.unwrap();
    assert_eq!(c.list_secret_tags(&made.id).await.unwrap().tags.len(), 2);
    c.delete_secret_tag(&made.id, "env").await.unwrap();
    assert_eq!(c.list_project_secrets_tags().await.unwrap().tags.len(), 1);
    let search = ListResourceInstancesRequestBody {
        action: "filter".into(),
        limit: Some(Count::Text("10".into())),
        offset: None,
        tags: Some(vec![TagFilter { key: "team".into(), values: vec!["payments".into()] }]),
        matches: None,
        sequence: None,
    };
    assert_eq!(c.list_resource_instances(&search).await.unwrap().total_count, 1);

    // Backups, passwords, batch calls.
    let blob = c.download_secret_blob("db").await.unwrap().secret_blob;
    c.delete_secret("db").await.unwrap();
    let restored = c.upload_secret_blob(&UploadSecretBlobRequestBody { secret_blob: blob }).await.unwrap();
    assert_eq!(restored.secret.name, "db");
    let twenty = CreatePasswordRequestBody { length: Some(20), ..Default::default() };
    assert_eq!(c.generate_random_password(&twenty).await.unwrap().password.expose().chars().count(), 20);
    let import = BatchImportSecretsRequestBody { secrets: vec![secret("a", "one-a"), secret("b", "one-b")] };
    assert_eq!(c.batch_import_secrets(&import).await.unwrap().success, 2);
    let both = BatchGetSecretValueRequestBody { secret_name_list: vec!["a".into(), "b".into()] };
    assert_eq!(c.batch_get_secret_value(&both).await.unwrap().total_count, 2);
    let window = DeleteSecretForScheduleRequestBody { recovery_window_in_days: 7 };
    assert_eq!(
        c.delete_secret_for_schedule("a", &window).await.unwrap().secret.state,
        SecretState::PendingDelete
    );
    assert_eq!(c.restore_secret("a").await.unwrap().secret.state, SecretState::Enabled);

    // Grants and the checker.
    let grant = GrantSecretRequestBody {
        resource_id: "db".into(),
        r#type: "SECRET".into(),
        grantee_type: "0".into(),
        grantee_target_id: "u1".into(),
        validity_time: None,
    };
    assert_eq!(c.create_grants(&grant).await.unwrap().data.grantee_user, "u1");
    let listed = c.list_grants("db").await.unwrap().data.grantee_user;
    assert_eq!(listed[0].user_name, "alice", "the directory's login name");
    assert_eq!(c.update_grant("db", &grant).await.unwrap().data.resource_id, "db");
    c.delete_grant("db", Some("u1")).await.unwrap();
    let on = UpdateSecretsConfigRequestBody { checking_secret_strength: Some(true) };
    assert!(c.update_secrets_config(&on).await.unwrap().checking_secret_strength);
    assert!(c.show_secrets_config().await.unwrap().checking_secret_strength);
    let check = CheckSecretsRequestBody {
        r#type: "STRENGTH".into(),
        data: CheckData { secret_string: Some(SecretValue::new("abc")) },
    };
    assert_eq!(c.check_secrets(&check).await.unwrap().data.strength, "WEAK");

    // The account.
    let agency = CreateAgencyRequestBody { secret_type: "RDS-FG".into() };
    assert_eq!(c.create_agency(&agency).await.unwrap().agencies.len(), 2);
    assert_eq!(c.show_agency("RDS-FG").await.unwrap().agency_granted, "true");
    let template = TemplateQuery {
        secret_type: "RDS-FG".into(),
        secret_sub_type: "SingleUser".into(),
        engine: Some("mysql".into()),
    };
    assert!(
        c.show_secret_function_templates(&template).await.unwrap().function_templates.contains("def handler")
    );
    assert_eq!(c.list_users(&UsersQuery::default()).await.unwrap().total, 1);
    assert_eq!(c.show_user_detail("u1").await.unwrap().user_name, "alice");
    let change = UpdateUserPasswordRequestBody {
        password: SecretValue::new("second-password"),
        old_password: SecretValue::new("first-password"),
    };
    assert_eq!(c.update_user_password(&change).await.unwrap().user_id, "u1");

    // The records, then the event's deletion.
    c.update_secret(
        "db",
        &UpdateSecretRequestBody { event_subscriptions: Some(vec![]), ..Default::default() },
    )
    .await
    .unwrap();
    c.list_notification_records().await.unwrap();
    c.delete_secret_event("ev").await.unwrap();

    let seen = seen.lock().unwrap();
    let missing: Vec<&str> = Operation::ALL
        .iter()
        .filter(|op| {
            !seen.iter().any(|(method, path, status)| {
                method == op.method() && matches(op.path(), path) && (200..300).contains(status)
            })
        })
        .map(|op| op.id())
        .collect();
    assert!(missing.is_empty(), "never answered with success: {missing:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_are_walked_as_streams_and_errors_are_typed() {
    let (endpoint, _) = server().await;
    let c = client(&endpoint);
    for n in 0..130 {
        c.create_secret_event(&event(&format!("ev-{n:03}"))).await.unwrap();
    }
    let names: Vec<String> = c.events(Some(7)).map_ok(|e| e.name).try_collect().await.unwrap();
    assert_eq!(names.len(), 130);
    assert!(names.windows(2).all(|w| w[0] < w[1]), "in name order, each once");
    for n in 0..3 {
        c.create_secret(&secret(&format!("s{n}"), "value")).await.unwrap();
    }
    let secrets: Vec<Secret> = c.secrets(None).try_collect().await.unwrap();
    assert_eq!(secrets.len(), 3);
    let versions: Vec<VersionMetadata> = c.versions("s1").try_collect().await.unwrap();
    assert_eq!(versions.len(), 1);
    let tag = TagItem { key: "team".into(), value: Some("payments".into()) };
    for s in &secrets {
        c.create_secret_tag(&s.id, &CreateSecretTagRequestBody { tag: tag.clone() }).await.unwrap();
    }
    let filter = vec![TagFilter { key: "team".into(), values: vec!["payments".into()] }];
    let found: Vec<ResourceInstance> = c.resource_instances(filter, vec![], 2).try_collect().await.unwrap();
    let mut names: Vec<&str> = found.iter().map(|r| r.resource_name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["s0", "s1", "s2"], "offset paging, pages of 2");
    let users: Vec<UserSummary> =
        c.users(UsersQuery { limit: 10, ..UsersQuery::default() }).try_collect().await.unwrap();
    assert_eq!(users.len(), 1);

    let error = c.show_secret_event("nope").await.unwrap_err();
    let Error::Api(api) = &error else { panic!("{error}") };
    assert_eq!(
        (api.status, api.code, api.error_code.as_str()),
        (404, Some(ErrorCode::NotFound), "CSMS.0005")
    );
    assert_eq!(api.request_id.as_deref().map(str::len), Some(32), "the request id");
    let conflict = c.create_secret_event(&event("ev-000")).await.unwrap_err();
    assert_eq!(conflict.status(), Some(409));
    // A token valid for one project: another project is refused, typed as the gateway's code.
    let token = Client::builder().endpoint(&endpoint).token(TOKEN).project(PROJECT).build().unwrap();
    assert_eq!(
        token.list_secret_events(&PageQuery { limit: Some(10), marker: None }).await.unwrap().events.len(),
        10
    );
    let other = token.in_project("fedcba9876543210fedcba9876543210");
    assert_eq!(other.show_secret("s1").await.unwrap_err().code(), Some(ErrorCode::Forbidden));
    // A wrong secret key is refused, not retried.
    let wrong =
        Client::builder().endpoint(&endpoint).access_key(AK, "wrong").project(PROJECT).build().unwrap();
    assert_eq!(wrong.show_secret("s1").await.unwrap_err().status(), Some(401));
    // A name that needs encoding reaches the service as one segment.
    assert!(c.show_secret("a/b c").await.unwrap_err().status().is_some_and(|s| s == 400 || s == 404));
}

/// A server that answers `503` to the first `failures` requests, then `200 {}`, counting them.
async fn flaky(failures: usize, delay: Duration) -> (String, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let count: Arc<Mutex<usize>> = Arc::default();
    let counter = Arc::clone(&count);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |_request| {
                    let counter = Arc::clone(&counter);
                    async move {
                        let n = {
                            let mut count = counter.lock().unwrap();
                            *count += 1;
                            *count
                        };
                        tokio::time::sleep(delay).await;
                        let (status, body) = if n <= failures {
                            (503, r#"{"error":{"error_code":"CSMS.9503","error_msg":"busy"}}"#)
                        } else {
                            (200, r#"{"checking_secret_strength":true}"#)
                        };
                        let response = http::Response::builder()
                            .status(status)
                            .body(http_body_util::Full::new(bytes::Bytes::from(body)))
                            .unwrap();
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
            });
        }
    });
    (endpoint, count)
}

#[tokio::test]
async fn idempotent_calls_are_retried_and_others_are_not() {
    let (endpoint, count) = flaky(2, Duration::ZERO).await;
    let c = client(&endpoint);
    assert!(c.show_secrets_config().await.unwrap().checking_secret_strength, "a GET after two 503s");
    assert_eq!(*count.lock().unwrap(), 3);

    let (endpoint, count) = flaky(2, Duration::ZERO).await;
    let once = client(&endpoint);
    let post = once.update_secrets_config(&UpdateSecretsConfigRequestBody::default()).await.unwrap_err();
    assert_eq!(post.status(), Some(503), "a POST is not retried");
    assert_eq!(*count.lock().unwrap(), 1);

    let (endpoint, count) = flaky(10, Duration::ZERO).await;
    let two =
        Client::builder().endpoint(&endpoint).token(TOKEN).project(PROJECT).max_attempts(2).build().unwrap();
    assert_eq!(two.show_secrets_config().await.unwrap_err().status(), Some(503));
    assert_eq!(*count.lock().unwrap(), 2, "at most the attempts asked for");
}

#[tokio::test]
async fn a_slow_answer_times_out_each_attempt() {
    let (endpoint, count) = flaky(0, Duration::from_secs(5)).await;
    let c = Client::builder()
        .endpoint(&endpoint)
        .token(TOKEN)
        .project(PROJECT)
        .timeout(Duration::from_millis(100))
        .max_attempts(2)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    assert_eq!(c.show_secrets_config().await.unwrap_err(), Error::Timeout);
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(*count.lock().unwrap(), 2);
    let refused =
        Client::builder().endpoint("http://127.0.0.1:1").token(TOKEN).project(PROJECT).build().unwrap();
    assert!(matches!(refused.show_secrets_config().await.unwrap_err(), Error::Transport(_)));
}

#[path = "../examples/quickstart.rs"]
#[allow(dead_code, unreachable_pub)]
mod quickstart;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_example_runs_as_written() {
    let readme = include_str!("../../../README.md");
    let example = include_str!("../examples/quickstart.rs");
    let shown = example[example.find("use csms_client").unwrap()..].trim_end();
    assert!(readme.contains(shown), "the README's Rust client example is not examples/quickstart.rs");
    let (endpoint, _) = server().await;
    quickstart::run(&client(&endpoint)).await.unwrap();
    let secret = client(&endpoint).show_secret("db-password").await.unwrap().secret;
    assert_eq!(secret.event_subscriptions, ["rotation-alerts"]);
}
