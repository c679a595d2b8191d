//! The README's command-line transcript, run as written against a fresh service in-process: each `$`
//! line through `sh` with the built `csms` on the PATH, its output (standard output and error) compared
//! with the lines under it, times, task ids and request ids aside. And `csms watch records`, which a
//! transcript cannot show (it waits for something else to happen).

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use csms_http::auth::{ProjectScope, StaticCredentials};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const AK: &str = "CLITESTAK";
const SK: &str = "cli-test-secret-key";

/// A fresh service with a worker that rotates COMMON secrets and delivers to the log.
async fn server() -> String {
    let store = csms_store::Store::memory();
    let credentials = StaticCredentials::new().with_access_key(AK, SK, ProjectScope::from_list([PROJECT]));
    let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget))
        .with_rotator(csms_model::SecretType::Common, Arc::new(csms_worker::RandomValue))
        .with_poll(Duration::from_millis(50));
    tokio::spawn(Arc::new(worker).run(std::future::pending()));
    let service = csms_http::CsmsService::builder(store, Arc::new(credentials)).rotate_common(true).build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    endpoint
}

/// Runs a shell command line with `csms` on the PATH and the service in the environment; answers its
/// output, standard error included.
async fn shell(endpoint: &str, line: &str) -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_csms")).parent().unwrap().to_owned();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let (endpoint, line) = (endpoint.to_owned(), line.to_owned());
    let output = tokio::task::spawn_blocking(move || {
        Command::new("sh")
            .arg("-c")
            .arg(format!("{{ {line}\n}} 2>&1"))
            .env("PATH", path)
            .env("HOME", "/nonexistent")
            .env("CSMS_ENDPOINT", endpoint)
            .env("HUAWEICLOUD_SDK_AK", AK)
            .env("HUAWEICLOUD_SDK_SK", SK)
            .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// The text with what differs from run to run replaced: times, ids, request ids.
fn normalise(text: &str) -> String {
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").unwrap();
    let uuid = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap();
    let request = regex::Regex::new(r"\(request [0-9a-f]{32}\)").unwrap();
    let times = regex::Regex::new(r#""(create|update)_time": ?\d+"#).unwrap();
    let text = time.replace_all(text, "<time>");
    let text = uuid.replace_all(&text, "<uuid>");
    let text = request.replace_all(&text, "(request <id>)");
    times.replace_all(&text, r#""${1}_time":<ms>"#).into_owned()
}

/// The `$` lines of the README's command-line transcript (continued by a trailing `\`), each with the
/// output under it.
fn transcript() -> Vec<(String, String)> {
    let readme = include_str!("../../../README.md");
    let section = readme.split("\n## Command line\n").nth(1).expect("the README has a Command line section");
    let block =
        section.split("```console\n").nth(1).and_then(|b| b.split("\n```").next()).expect("a console block");
    let mut steps: Vec<(String, String)> = Vec::new();
    let mut continued = false;
    for line in block.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push((command.trim_end_matches('\\').to_owned(), String::new()));
            continued = command.ends_with('\\');
        } else if continued {
            let step = steps.last_mut().unwrap();
            step.0.push_str(line.trim_end_matches('\\'));
            continued = line.ends_with('\\');
        } else {
            let step = steps.last_mut().expect("the block starts with a command");
            step.1.push_str(line);
            step.1.push('\n');
        }
    }
    steps
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_transcript_runs_as_written() {
    let endpoint = server().await;
    let steps = transcript();
    assert!(steps.len() >= 8, "{} steps", steps.len());
    for (command, expected) in steps {
        let actual = shell(&endpoint, &command).await;
        assert_eq!(normalise(&actual), normalise(&expected), "$ {command}\n--- actual output:\n{actual}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_prints_each_record_as_it_appears() {
    let endpoint = server().await;
    let setup = "csms events create fired --types SECRET_VERSION_CREATED --target-id \
                 urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:t --target-name t > /dev/null && \
                 csms secrets create s --value one --event fired > /dev/null && sleep 1";
    assert_eq!(shell(&endpoint, setup).await, "");
    let watch = tokio::spawn({
        let endpoint = endpoint.clone();
        async move { shell(&endpoint, "csms watch records --interval 0.1 --count 1 --for 20 -o json").await }
    });
    // A new version every 700 ms until the watch has printed one: on a loaded machine its start (a
    // process of its own) may come after the first, and what was there at its start is not new.
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        if watch.is_finished() {
            break;
        }
        let created = shell(&endpoint, "csms versions create s --value two -o json > /dev/null; echo $?");
        assert_eq!(created.await, "0\n");
    }
    let printed = watch.await.unwrap();
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 1, "{printed}");
    let record: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!((record["event_name"].as_str(), record["secret_name"].as_str()), (Some("fired"), Some("s")));
    assert_eq!(record["trigger_event_type"], "SECRET_VERSION_CREATED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_tell_the_outcomes_apart() {
    let endpoint = server().await;
    let code = |line: &'static str| {
        let endpoint = endpoint.clone();
        async move { shell(&endpoint, &format!("{line} > /dev/null 2>&1; echo $?")).await.trim().to_owned() }
    };
    assert_eq!(code("csms secrets create dup --value x").await, "0");
    assert_eq!(code("csms secrets create dup --value x").await, "4", "conflict");
    assert_eq!(code("csms secrets show missing").await, "3", "not found");
    assert_eq!(code("csms secrets create 'bad name!' --value x").await, "2", "refused input");
    assert_eq!(code("csms secrets create x").await, "2", "a usage error");
    assert_eq!(code("csms secrets list --sk wrong").await, "5", "credentials refused");
    assert_eq!(
        code("csms secrets list --project fedcba9876543210fedcba9876543210").await,
        "5",
        "another project"
    );
    assert_eq!(code("csms secrets list --endpoint http://127.0.0.1:1").await, "1", "no answer");
    assert_eq!(code("csms completions bash").await, "0");
    // A reader that goes away early (`| head -1`, `| grep -q`) is no failure, and no panic.
    let piped = shell(&endpoint, "(sleep 0.3; csms secrets list -o json; echo \"exit $?\" >&2) | true").await;
    assert_eq!(piped, "exit 0\n", "{piped}");
    let completions =
        shell(&endpoint, "(sleep 0.3; csms completions bash; echo \"exit $?\" >&2) | true").await;
    assert_eq!(completions, "exit 0\n", "{completions}");
    let unset = shell(&endpoint, "CSMS_ENDPOINT= csms events list; echo $?").await;
    assert!(unset.contains("give --endpoint URL or set CSMS_ENDPOINT") && unset.ends_with("2\n"), "{unset}");
    assert!(shell(&endpoint, "csms completions bash").await.contains("_csms()"));
    for help in
        ["csms --help", "csms events create --help", "csms rotate --help", "csms watch records --help"]
    {
        let text = shell(&endpoint, help).await;
        assert!(text.contains("Usage: csms"), "{help}: {text}");
    }
    assert!(shell(&endpoint, "csms rotate --help").await.contains("Example:"));
}
