//! Conformance to upstream's own definitions (`huawei-cloud-api-definitions-CSMS`, `-SMN`, `-KMS`): the served/total
//! count with every operation still missing named; every served operation conforming (method, path,
//! parameters, members, upstream's examples against our schemas); and upstream's own request examples
//! replayed against the service, each answered with a success whose body matches our documentation, or
//! with the business error this test expects of it.

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use csms_http::CsmsService;
use csms_http::auth::{ProjectScope, StaticCredentials};
use csms_store::Store;
use http::Request;
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};
use xtask::conformance::{self, UpstreamOperation};

/// The project of upstream's CreateSecretEvent example topic, so that the example names a topic of the
/// project it is sent to.
const P: &str = "dc3b7c85759141a991da17423c0f2068";
const TOKEN: &str = "token-for-every-project-0123456789";

const CSMS: conformance::Package = conformance::PACKAGES[0];

fn upstream_of(package: conformance::Package) -> BTreeMap<String, UpstreamOperation> {
    conformance::upstream_operations(&xtask::workspace_root(), package)
        .expect("upstream's definitions are readable")
}

fn upstream() -> BTreeMap<String, UpstreamOperation> {
    upstream_of(CSMS)
}

#[test]
fn every_served_operation_conforms_and_the_rest_are_listed() {
    let ours = conformance::ours();
    // Each family's route table, but the operations of its own (upstream has no row for them).
    let tables: [Vec<&str>; 3] = [
        csms_model::Operation::ALL.iter().map(|op| op.id()).collect(),
        smn_model::Operation::ALL.iter().filter(|op| op.is_upstream()).map(|op| op.id()).collect(),
        kms_model::Operation::ALL.iter().map(|op| op.id()).collect(),
    ];
    for (package, table) in conformance::PACKAGES.into_iter().zip(tables) {
        let upstream = upstream_of(package);
        let verdicts = conformance::check(package, &upstream, &ours);
        let report = conformance::report(package, &verdicts);
        println!("{report}");
        let served: Vec<&str> =
            verdicts.iter().filter(|(_, v)| v.served).map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            served.len(),
            table.len(),
            "{}: every operation of the route table is upstream's",
            package.service
        );
        for id in table {
            assert!(served.contains(&id), "{}: {id} is served and not found upstream", package.service);
        }
        for (id, verdict) in &verdicts {
            assert!(verdict.problems.is_empty(), "{id} does not conform: {:?}", verdict.problems);
            if !verdict.served {
                assert!(report.contains(&format!("not served: {id}")), "{id} is missing and not listed");
            }
        }
        assert!(
            report.starts_with(&format!(
                "{} ({} {}): {} of {} operations served",
                package.service,
                package.name,
                package.version,
                served.len(),
                upstream.len()
            )),
            "{report}"
        );
    }
}

/// The business errors upstream's request examples meet here, by operation and example: `(status, code,
/// what the message says)`. Every other example must succeed.
fn expected_error(id: &str, example: &Value) -> Option<(u16, &'static str, &'static str)> {
    match id {
        // The example names a KMS key of upstream's, which this service's KMS does not have.
        "CreateSecret" | "BatchImportSecrets" | "UpdateSecret"
            if example.to_string().contains("kms_key_id") =>
        {
            Some((400, "CSMS.0401", "KMS key"))
        }
        // The seeded secret is not scheduled for deletion.
        "RestoreSecret" => Some((400, "CSMS.0108", "not scheduled")),
        // The example moves the stage to a version named "version_id", which the secret does not have.
        "UpdateSecretStage" => Some((404, "CSMS.0005", "version")),
        // The example is a blob of upstream's, sealed under a key of Huawei Cloud's.
        "UploadSecretBlob" => Some((400, "CSMS.0002", "secret_blob")),
        _ => None,
    }
}

struct Replay {
    service: CsmsService,
    secret_id: String,
}

async fn send(service: &CsmsService, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let mut builder = Request::builder().method(method).uri(path).header("x-auth-token", TOKEN);
    if body.is_some() {
        builder = builder.header("content-type", "application/json;charset=UTF-8");
    }
    let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let response = service.handle(builder.body(Full::new(Bytes::from(bytes))).unwrap()).await;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, if body.is_empty() { Value::Null } else { serde_json::from_slice(&body).unwrap() })
}

/// A service with what the examples name: the event `pocEvent2`, the secret `secret` with the tag
/// `DEV`, the stage `DEV` on `v1` and a grant to `user_02`.
async fn seeded(secret: &str) -> Replay {
    // The token is the directory's user `u1`, whose first password is upstream's example's old one.
    let credentials = StaticCredentials::new().with_user_token(TOKEN, ProjectScope::All, Some("u1".into()));
    let user = csms_http::DirectoryUser {
        user_id: "u1".into(),
        user_name: "alice".into(),
        name: "Alice".into(),
        account: "*".into(),
        org_id: String::new(),
        mobile: String::new(),
        email: String::new(),
        initial_password: Some("234567".into()),
        created_at: 1_700_000_000_000,
    };
    let service = CsmsService::builder(Store::memory(), Arc::new(credentials))
        .rotate_common(true)
        .directory(csms_http::Directory::default().with_user(user))
        .build();
    let event = json!({"name": "pocEvent2", "event_types": ["SECRET_ROTATED"], "state": "ENABLED",
        "notification": {"target_type": "SMN", "target_id": format!("urn:smn:cn-north-4:{P}:topic"), "target_name": "topic"}});
    let steps = [
        ("POST", format!("/v1/{P}/csms/events"), Some(event)),
        ("POST", format!("/v1/{P}/secrets"), Some(json!({"name": secret, "secret_string": "seed"}))),
        ("PUT", format!("/v1/{P}/secrets/{secret}/stages/DEV"), Some(json!({"version_id": "v1"}))),
    ];
    let mut secret_id = String::new();
    for (method, path, body) in steps {
        let (status, reply) = send(&service, method, &path, body.as_ref()).await;
        assert_eq!(status, 200, "seeding {method} {path}: {reply}");
        if let Some(id) = reply.pointer("/secret/id").and_then(Value::as_str) {
            secret_id = id.to_owned();
        }
    }
    let grant =
        json!({"resource_id": secret, "type": "SECRET", "grantee_type": "0", "grantee_target_id": "user_02"});
    let (status, reply) = send(&service, "POST", &format!("/v1/{P}/csms/grants"), Some(&grant)).await;
    assert_eq!(status, 200, "seeding a grant: {reply}");
    let tag = json!({"tag": {"key": "DEV", "value": "DEV1"}});
    let (status, reply) = send(&service, "POST", &format!("/v1/{P}/csms/{secret_id}/tags"), Some(&tag)).await;
    assert_eq!(status, 204, "seeding a tag: {reply}");
    Replay { service, secret_id }
}

/// The query our documentation's parameter examples make (empty when it gives none).
fn documented_query(ours: &Value, op: csms_model::Operation) -> String {
    let parameters = &ours["paths"][op.path()][op.method().to_lowercase()]["parameters"];
    let pairs: Vec<String> = parameters
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| Some(format!("{}={}", p["name"].as_str()?, p["example"].as_str()?)))
        .collect();
    pairs.join("&")
}

/// Upstream's path template with its parameters filled in for the seeded service.
fn fill(template: &str, secret: &str, secret_id: &str) -> String {
    conformance::normalize_path(template)
        .replace("{project_id}", P)
        .replace("{secret_name}", secret)
        .replace("{event_name}", "pocEvent2")
        .replace("{version_id}", "v1")
        .replace("{stage_name}", "DEV")
        .replace("{secret_id}", secret_id)
        .replace("{key}", "DEV")
        .replace("{user_id}", "u1")
}

#[test]
fn upstream_request_examples_are_served() {
    let upstream = upstream();
    let ours = conformance::ours();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut replayed = 0;
    for op in csms_model::Operation::ALL {
        let up = &upstream[op.id()];
        let examples = match conformance::malformed_request_example(CSMS, op.id()) {
            Some(_) => Vec::new(),
            None => up.request_examples(),
        };
        // An operation upstream gives no request example is called once with our documented example, or
        // without a body if it takes none.
        let ours_example = ours["paths"][op.path()][op.method().to_lowercase()]["requestBody"]["content"]
            ["application/json"]["example"]
            .clone();
        let bodies: Vec<Option<Value>> = match (examples.is_empty(), ours_example.is_null()) {
            (false, _) => examples.into_iter().map(Some).collect(),
            (true, false) => vec![Some(ours_example)],
            (true, true) => vec![None],
        };
        // Upstream's URL examples give the query of the operations whose inputs are in it.
        let queries = up.request_example_queries();
        let queries = if queries.is_empty() { vec![documented_query(&ours, *op)] } else { queries };
        let calls: Vec<(Option<Value>, String)> =
            bodies.iter().flat_map(|b| queries.iter().map(move |q| (b.clone(), q.clone()))).collect();
        for (example, query) in calls {
            // The secret the path names is "demo", unless the example creates a "demo" of its own.
            let creates_demo = example.as_ref().is_some_and(|e| e["name"] == "demo");
            let secret = if creates_demo { "seeded" } else { "demo" };
            let (status, reply) = runtime.block_on(async {
                let replay = seeded(secret).await;
                let mut path = fill(&up.path, secret, &replay.secret_id);
                if !query.is_empty() {
                    path = format!("{path}?{query}");
                }
                send(&replay.service, &up.method, &path, example.as_ref()).await
            });
            let what = format!("{} {} ?{query} with {:?}", op.id(), up.method, example);
            match expected_error(op.id(), example.as_ref().unwrap_or(&Value::Null)) {
                Some((code_status, code, said)) => {
                    assert_eq!(status, code_status, "{what}: {reply}");
                    assert_eq!(reply["error"]["error_code"], code, "{what}: {reply}");
                    let message = reply["error"]["error_msg"].as_str().unwrap_or_default();
                    assert!(message.contains(said), "{what}: {message}");
                }
                None => {
                    assert!((200..300).contains(&status), "{what}: {status} {reply}");
                    let documented = &ours["paths"][op.path()][op.method().to_lowercase()]["responses"]
                        [status.to_string()]["content"]["application/json"]["schema"];
                    if !documented.is_null() {
                        let schema = conformance::resolve(&ours, documented, "#/components/schemas/");
                        let mut schema = schema;
                        schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
                        let validator = jsonschema::draft202012::new(&schema).unwrap();
                        let errors: Vec<String> =
                            validator.iter_errors(&reply).map(|e| e.to_string()).collect();
                        assert!(
                            errors.is_empty(),
                            "{what}: the answer fails our documentation: {errors:?}\n{reply}"
                        );
                    }
                }
            }
            replayed += 1;
        }
    }
    println!("replayed {replayed} requests of upstream's examples and operations");
    assert!(replayed >= csms_model::Operation::ALL.len());
}

/// Upstream's path template of a neighbour's operation with its parameters filled in for the seeded
/// service: the topic, its subscription, its tags by id, the key (`{name}` is the attribute the example
/// sets: a policy document is `access_policy`).
fn fill_neighbour(template: &str, seeded: &Neighbours, example: Option<&Value>) -> String {
    let policy = example.and_then(|e| e["value"].as_str()).is_some_and(|v| v.starts_with('{'));
    conformance::normalize_path(template)
        .replace("{project_id}", P)
        .replace("{topic_urn}", &seeded.topic_urn)
        .replace("{subscription_urn}", &seeded.subscription_urn)
        .replace("{resource_type}", "smn_topic")
        .replace("{resource_id}", &seeded.topic_id)
        .replace("{name}", if policy { "access_policy" } else { "introduction" })
        .replace("{certificate_id}", "SMN_cn-north-4_none.pem")
        .replace("{key_id}", &seeded.key_id)
        .replace("{key}", "DEV")
}

/// The refusals upstream's request examples of the neighbours meet here, each for a reason of the
/// example's own: `(service and operation, status, code)`. Every other example must succeed.
const NEIGHBOUR_REFUSALS: &[(&str, u16, &str)] = &[
    // Tokens, subscriptions and certificates of upstream's, which this service never issued (the public
    // links answer `{"message"}`, without a code).
    ("SMN ConfirmSubscription", 403, ""),
    ("SMN SubscribeTopic", 403, ""),
    ("SMN UnsubscribeSubscription", 404, ""),
    ("SMN UnsubscribeTopic", 404, ""),
    ("SMN DownloadHttpCert", 404, "APIGW.0101"),
    ("SMN DownloadHttpSignCert", 404, "APIGW.0101"),
    // Its third example publishes a message template, which this service does not serve (decisions.md).
    ("SMN PublishMessage", 400, "SMN.0024"),
    // The state the seeded key is in: enabled, not scheduled for deletion, not rotating.
    ("KMS EnableKey", 400, "KMS.1201"),
    ("KMS CancelKeyDeletion", 400, "KMS.1501"),
    ("KMS UpdateKeyRotationInterval", 400, "KMS.0313"),
    // Ciphertexts sealed by upstream's KMS, under keys this service never had.
    ("KMS DecryptDatakey", 400, "KMS.2201"),
    ("KMS DecryptData", 400, "KMS.2201"),
];

struct Neighbours {
    service: CsmsService,
    topic_urn: String,
    topic_id: String,
    subscription_urn: String,
    key_id: String,
}

/// A service with a topic (subscribed, tagged `DEV`) and a key (tagged `DEV`).
async fn seeded_neighbours() -> Neighbours {
    let credentials = StaticCredentials::new().with_token(TOKEN, ProjectScope::All);
    let service = CsmsService::builder(Store::memory(), Arc::new(credentials)).build();
    let topics = format!("/v2/{P}/notifications/topics");
    let (status, made) = send(&service, "POST", &topics, Some(&json!({"name": "t"}))).await;
    assert_eq!(status, 201, "{made}");
    let topic_urn = made["topic_urn"].as_str().unwrap().to_owned();
    let (_, detail) = send(&service, "GET", &format!("{topics}/{topic_urn}"), None).await;
    let subscribe = json!({"protocol": "email", "endpoint": "a@example.com"});
    let (_, sub) =
        send(&service, "POST", &format!("{topics}/{topic_urn}/subscriptions"), Some(&subscribe)).await;
    let topic_id = detail["topic_id"].as_str().unwrap().to_owned();
    let tag = json!({"tag": {"key": "DEV", "value": "DEV1"}});
    let (status, _) = send(&service, "POST", &format!("/v2/{P}/smn_topic/{topic_id}/tags"), Some(&tag)).await;
    assert_eq!(status, 204);
    let (_, key) =
        send(&service, "POST", &format!("/v1.0/{P}/kms/create-key"), Some(&json!({"key_alias": "k"}))).await;
    let key_id = key["key_info"]["key_id"].as_str().unwrap().to_owned();
    let (status, _) = send(&service, "POST", &format!("/v1.0/{P}/kms/{key_id}/tags"), Some(&tag)).await;
    assert_eq!(status, 204);
    Neighbours {
        service,
        topic_urn,
        topic_id,
        subscription_urn: sub["subscription_urn"].as_str().unwrap().to_owned(),
        key_id,
    }
}

/// Upstream's request examples of every SMN and KMS operation served, each sent to a seeded service (a
/// KMS example's `key_id` becomes the seeded key's): each is answered with a success, or with the refusal
/// its example calls for (`NEIGHBOUR_REFUSALS`), never with a violation of our rules.
#[test]
fn neighbours_request_examples_are_answered() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let ops: Vec<(conformance::Package, &str)> = smn_model::Operation::ALL
        .iter()
        .filter(|op| op.is_upstream())
        .map(|op| (conformance::PACKAGES[1], op.id()))
        .chain(kms_model::Operation::ALL.iter().map(|op| (conformance::PACKAGES[2], op.id())))
        .collect();
    let mut replayed = 0;
    for (package, id) in ops {
        let upstream = upstream_of(package);
        let up = &upstream[id];
        let examples: Vec<Option<Value>> = match up.request_examples() {
            e if e.is_empty() => vec![None],
            e => e.into_iter().map(Some).collect(),
        };
        let query = up.request_example_queries().first().cloned().unwrap_or_default();
        for example in examples {
            let (status, reply) = runtime.block_on(async {
                let seeded = seeded_neighbours().await;
                let mut path = fill_neighbour(&up.path, &seeded, example.as_ref());
                if !query.is_empty() {
                    path = format!("{path}?{query}");
                }
                let mut body = example.clone();
                if let Some(key_id) = body.as_mut().and_then(|b| b.get_mut("key_id")) {
                    *key_id = json!(seeded.key_id);
                }
                send(&seeded.service, &up.method, &path, body.as_ref()).await
            });
            let what = format!("{} {id}", package.service);
            let code = reply["code"].as_str().or(reply["error"]["error_code"].as_str()).unwrap_or_default();
            if !(200..300).contains(&status) {
                assert!(
                    NEIGHBOUR_REFUSALS.contains(&(what.as_str(), status, code)),
                    "{what} with upstream's example {example:?}: {status} {reply}"
                );
            }
            replayed += 1;
        }
    }
    println!("replayed {replayed} of upstream's SMN and KMS request examples");
    assert!(replayed >= smn_model::Operation::ALL.len() + kms_model::Operation::ALL.len() - 1);
}
