//! `csms`: a command line for a CSMS service, on `csms-client`.
//!
//! ```sh
//! export CSMS_ENDPOINT=http://127.0.0.1:8080 HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... \
//!        HUAWEICLOUD_SDK_PROJECT_ID=0123456789abcdef0123456789abcdef
//! csms events list
//! csms watch records --count 1
//! ```

/// `print!` to standard output, but a reader that has gone (`csms ... | head -1`) ends the program
/// quietly with success instead of a panic: what was asked for was read.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::emit(&format!($($arg)*)) };
}

/// `println!` through [`out!`].
macro_rules! outln {
    ($($arg:tt)*) => { $crate::output::emit(&format!("{}\n", format_args!($($arg)*))) };
}

mod cli;
mod output;

use std::collections::HashSet;
use std::io::Read;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser};
use csms_client::{Client, ClientBuilder, Error, TasksQuery};
use csms_model::*;
use futures_util::TryStreamExt;

use cli::*;
use output::{Table, list, many, one, time};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let outcome = match runtime {
        Ok(runtime) => runtime.block_on(run(cli)),
        Err(e) => Err(Error::Config(format!("no runtime: {e}"))),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("csms: {error}");
            ExitCode::from(exit_code(&error))
        }
    }
}

/// The exit code of an error: see [`cli::exit`].
fn exit_code(error: &Error) -> u8 {
    match error.status() {
        Some(400) => exit::BAD_INPUT,
        Some(401 | 403) => exit::DENIED,
        Some(404) => exit::NOT_FOUND,
        Some(409 | 412) => exit::CONFLICT,
        Some(429) | Some(500..) => exit::SERVER,
        Some(_) => exit::BAD_INPUT,
        None => match error {
            Error::Config(_) => exit::BAD_INPUT,
            _ => exit::SERVER,
        },
    }
}

/// The client: the environment and the profile file, then the flags.
fn client(global: &Global) -> Result<Client, Error> {
    let mut builder = ClientBuilder::from_env().timeout(Duration::from_secs(global.timeout.max(1)));
    // An empty flag or variable (`CSMS_ENDPOINT=`) is no value, as the client reads the environment.
    let given = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
    if let Some(endpoint) = given(&global.endpoint) {
        builder = builder.endpoint(endpoint);
    }
    if let Some(project) = given(&global.project) {
        builder = builder.project(project);
    }
    match (given(&global.ak), given(&global.sk), given(&global.token)) {
        (Some(ak), Some(sk), _) => builder = builder.access_key(ak, sk),
        (Some(_), None, _) | (None, Some(_), _) => {
            return Err(Error::Config("--ak and --sk go together".into()));
        }
        (None, None, Some(token)) => builder = builder.token(token),
        (None, None, None) => {}
    }
    // What is missing, said in the command line's own terms.
    if builder.endpoint_url().is_none() {
        return Err(Error::Config("no endpoint: give --endpoint URL or set CSMS_ENDPOINT".into()));
    }
    if builder.credentials().is_none() {
        return Err(Error::Config(
            "no credentials: give --ak and --sk, or --token; or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK \
             (or the [basic] section of ~/.huaweicloud/credentials), or CSMS_TOKEN"
                .into(),
        ));
    }
    if builder.project_id().is_none() {
        return Err(Error::Config("no project: give --project ID or set HUAWEICLOUD_SDK_PROJECT_ID".into()));
    }
    if let Some(path) = &global.ca_bundle {
        let pem = std::fs::read(path).map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
        builder = builder.ca_pem(&pem);
    }
    builder.build()
}

/// A value from `--value` or standard input (one trailing newline dropped, as `echo` adds one).
fn value(value: Value) -> Result<SecretValue, Error> {
    let text = match value.value {
        Some(text) => text,
        None => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::Config(format!("reading the value from standard input: {e}")))?;
            let trimmed = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t));
            trimmed.map(str::to_owned).unwrap_or(text)
        }
    };
    Ok(SecretValue::new(text))
}

async fn run(cli: Cli) -> Result<u8, Error> {
    if let Command::Completions { shell } = cli.command {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "csms", &mut script);
        out!("{}", String::from_utf8_lossy(&script));
        return Ok(exit::OK);
    }
    let out = cli.global.output;
    let c = client(&cli.global)?;
    match cli.command {
        Command::Events(command) => events(&c, out, command).await?,
        Command::Secrets(command) => secrets(&c, out, command).await?,
        Command::Versions(command) => versions(&c, out, command).await?,
        Command::Records(RecordsCommand::List) => {
            let records = c.list_notification_records().await?.records;
            many(out, &records, RECORD_HEADER, record_row);
        }
        Command::Tasks(TasksCommand::List { secret, status }) => {
            let query = TasksQuery {
                secret_name: secret,
                status: status.as_deref().map(TaskStatus::from),
                ..Default::default()
            };
            let tasks: Vec<SecretTask> = c.tasks(query).try_collect().await?;
            many(out, &tasks, &["TASK", "SECRET", "STATUS", "TYPE", "TIME", "ERROR"], task_row);
        }
        Command::Rotate { secret, wait, wait_timeout } => {
            let started = c.rotate_secret(&secret).await?;
            if !wait {
                one(out, &started, |r| {
                    let mut table = Table::new(&["SECRET", "VERSION", "TASK"]);
                    table.row(vec![r.secret_name.clone(), r.version_id.clone(), r.rotation_task_id.clone()]);
                    table
                });
                return Ok(exit::OK);
            }
            let limit = Duration::from_secs(wait_timeout);
            let task = c.wait_for_task(&started.rotation_task_id, Duration::from_millis(500), limit).await?;
            let failed = task.task_status == TaskStatus::Failed;
            one(out, &task, |t| {
                let mut table = Table::new(&["TASK", "SECRET", "STATUS", "TYPE", "TIME", "ERROR"]);
                table.row(task_row(t));
                table
            });
            if failed {
                return Ok(exit::ROTATION_FAILED);
            }
        }
        Command::Password {
            length,
            exclude_characters,
            exclude_punctuation,
            exclude_numbers,
            require_each_type,
        } => {
            let body = CreatePasswordRequestBody {
                length: Some(length),
                exclude_characters,
                exclude_punctuation: exclude_punctuation.then_some(true),
                exclude_numbers: exclude_numbers.then_some(true),
                require_each_included_type: require_each_type.then_some(true),
                ..Default::default()
            };
            let made = c.generate_random_password(&body).await?;
            match out {
                Output::Json => outln!("{}", serde_json::json!({"password": made.password.expose()})),
                Output::Table => outln!("{}", made.password.expose()),
            }
        }
        Command::Watch(WatchCommand::Records { interval, count, duration }) => {
            watch_records(&c, out, Duration::from_secs_f64(interval.max(0.05)), count, duration).await?;
        }
        Command::Completions { .. } => unreachable!("answered above"),
    }
    Ok(exit::OK)
}

const EVENT_HEADER: &[&str] = &["NAME", "STATE", "TYPES", "TARGET", "UPDATED"];

fn event_row(e: &Event) -> Vec<String> {
    let types: Vec<&str> = e.event_types.iter().map(|t| t.as_str()).collect();
    vec![
        e.name.clone(),
        e.state.as_str().to_owned(),
        list(&types),
        e.notification.target_id.clone(),
        time(Some(e.update_time)),
    ]
}

fn event_table(r: &SecretEventResponse) -> Table {
    let mut table = Table::new(EVENT_HEADER);
    table.row(event_row(&r.event));
    table
}

fn event_types(types: &[String]) -> Vec<EventType> {
    types.iter().map(|t| EventType::from(t.trim())).collect()
}

async fn events(c: &Client, out: Output, command: EventsCommand) -> Result<(), Error> {
    match command {
        EventsCommand::List => {
            let events: Vec<Event> = c.events(None).try_collect().await?;
            many(out, &events, EVENT_HEADER, event_row);
        }
        EventsCommand::Show { name } => one(out, &c.show_secret_event(&name).await?, event_table),
        EventsCommand::Create { name, spec, disabled } => {
            let body = CreateSecretEventRequestBody {
                name,
                event_types: event_types(&spec.types),
                state: if disabled { EventState::Disabled } else { EventState::Enabled },
                notification: Notification {
                    target_type: TargetType::Smn,
                    target_id: spec.target_id,
                    target_name: spec.target_name,
                },
            };
            one(out, &c.create_secret_event(&body).await?, event_table);
        }
        EventsCommand::Update { name, state, types, target_id, target_name } => {
            let notification = match (target_id, target_name) {
                (Some(target_id), Some(target_name)) => {
                    Some(Notification { target_type: TargetType::Smn, target_id, target_name })
                }
                (None, None) => None,
                _ => return Err(Error::Config("--target-id and --target-name go together".into())),
            };
            let body = UpdateSecretEventRequestBody {
                state: state.as_deref().map(EventState::from),
                event_types: types.as_deref().map(event_types),
                notification,
            };
            one(out, &c.update_secret_event(&name, &body).await?, event_table);
        }
        EventsCommand::Delete { name } => {
            c.delete_secret_event(&name).await?;
            done(out, &format!("deleted event {name}"));
        }
    }
    Ok(())
}

const SECRET_HEADER: &[&str] = &["NAME", "STATE", "TYPE", "EVENT", "UPDATED"];

fn secret_row(s: &Secret) -> Vec<String> {
    vec![
        s.name.clone(),
        s.state.as_str().to_owned(),
        s.secret_type.as_str().to_owned(),
        list(&s.event_subscriptions),
        time(Some(s.update_time)),
    ]
}

fn secret_table(r: &SecretResponse) -> Table {
    let mut table = Table::new(SECRET_HEADER);
    table.row(secret_row(&r.secret));
    table
}

async fn secrets(c: &Client, out: Output, command: SecretsCommand) -> Result<(), Error> {
    match command {
        SecretsCommand::List { event } => {
            let secrets: Vec<Secret> = c.secrets(event).try_collect().await?;
            many(out, &secrets, SECRET_HEADER, secret_row);
        }
        SecretsCommand::Show { name } => one(out, &c.show_secret(&name).await?, secret_table),
        SecretsCommand::Create { name, value: v, description, event, secret_type } => {
            let body = CreateSecretRequestBody {
                name,
                secret_string: Some(value(v)?),
                description,
                event_subscriptions: event.map(|e| vec![e]),
                secret_type: secret_type.as_deref().map(SecretType::from),
                ..Default::default()
            };
            one(out, &c.create_secret(&body).await?, secret_table);
        }
        SecretsCommand::Update { name, description, event, no_event } => {
            let subscriptions = if no_event { Some(Vec::new()) } else { event.map(|e| vec![e]) };
            let body = UpdateSecretRequestBody {
                description,
                event_subscriptions: subscriptions,
                ..Default::default()
            };
            one(out, &c.update_secret(&name, &body).await?, secret_table);
        }
        SecretsCommand::Delete { name, schedule: Some(days) } => {
            let body = DeleteSecretForScheduleRequestBody { recovery_window_in_days: days };
            one(out, &c.delete_secret_for_schedule(&name, &body).await?, secret_table);
        }
        SecretsCommand::Delete { name, schedule: None } => {
            c.delete_secret(&name).await?;
            done(out, &format!("deleted secret {name}"));
        }
        SecretsCommand::Restore { name } => one(out, &c.restore_secret(&name).await?, secret_table),
    }
    Ok(())
}

const VERSION_HEADER: &[&str] = &["VERSION", "STAGES", "CREATED", "EXPIRES"];

fn version_row(v: &VersionMetadata) -> Vec<String> {
    vec![v.id.clone(), list(&v.version_stages), time(Some(v.create_time)), time(v.expire_time)]
}

fn version_table(r: &VersionMetadataResponse) -> Table {
    let mut table = Table::new(VERSION_HEADER);
    table.row(version_row(&r.version_metadata));
    table
}

async fn versions(c: &Client, out: Output, command: VersionsCommand) -> Result<(), Error> {
    match command {
        VersionsCommand::List { secret } => {
            let versions: Vec<VersionMetadata> = c.versions(secret).try_collect().await?;
            many(out, &versions, VERSION_HEADER, version_row);
        }
        VersionsCommand::Show { secret, version, value_only } => {
            let shown = c.show_secret_version(&secret, &version).await?;
            let text = shown.version.secret_string.as_ref().or(shown.version.secret_binary.as_ref());
            if value_only {
                outln!("{}", text.map(SecretValue::expose).unwrap_or_default());
                return Ok(());
            }
            one(out, &shown, |r| {
                let mut table = Table::new(&["VERSION", "STAGES", "CREATED", "EXPIRES", "VALUE"]);
                let mut row = version_row(&r.version.version_metadata);
                row.push(text.map(SecretValue::expose).unwrap_or_default().to_owned());
                table.row(row);
                table
            });
        }
        VersionsCommand::Create { secret, value: v } => {
            let body = CreateSecretVersionRequestBody {
                secret_string: Some(value(v)?),
                secret_binary: None,
                version_stages: None,
                expire_time: None,
            };
            one(out, &c.create_secret_version(&secret, &body).await?, version_table);
        }
        VersionsCommand::Update { secret, version, expire_time } => {
            let body = UpdateVersionRequestBody { expire_time: Some(expire_time) };
            one(out, &c.update_version(&secret, &version, &body).await?, version_table);
        }
    }
    Ok(())
}

const RECORD_HEADER: &[&str] = &["TIME", "EVENT", "TYPE", "SECRET", "STATUS", "TARGET"];

fn record_row(r: &Record) -> Vec<String> {
    vec![
        time(Some(r.create_time)),
        r.event_name.clone(),
        r.trigger_event_type.as_str().to_owned(),
        r.secret_name.clone(),
        r.notification_status.as_str().to_owned(),
        r.notification_target_id.clone(),
    ]
}

fn task_row(t: &SecretTask) -> Vec<String> {
    vec![
        t.task_id.clone(),
        t.secret_name.clone(),
        t.task_status.as_str().to_owned(),
        t.operate_type.clone(),
        time(Some(t.task_time)),
        t.task_error_msg.clone().unwrap_or_else(|| "-".into()),
    ]
}

/// A command that answers nothing: a line for people, `{}` for scripts.
fn done(out: Output, what: &str) {
    match out {
        Output::Json => outln!("{{}}"),
        Output::Table => outln!("{what}"),
    }
}

/// Prints each record that appears after the start, oldest first, until `count` records or `duration`.
async fn watch_records(
    c: &Client,
    out: Output,
    interval: Duration,
    count: Option<usize>,
    duration: Option<f64>,
) -> Result<(), Error> {
    let started = Instant::now();
    let deadline = duration.map(|d| started + Duration::from_secs_f64(d.max(0.0)));
    let key = |r: &Record| serde_json::to_string(r).unwrap_or_default();
    let mut seen: HashSet<String> = c.list_notification_records().await?.records.iter().map(key).collect();
    // A stream's columns cannot be measured ahead: fixed widths, a longer cell pushes its line along.
    let line = |cells: Vec<String>| {
        let widths = [20, 20, 22, 20, 7];
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths.get(i).copied().unwrap_or(0)))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    if out == Output::Table {
        outln!("{}", line(RECORD_HEADER.iter().map(|h| (*h).to_owned()).collect()));
    }
    let mut printed = 0;
    loop {
        if count.is_some_and(|n| printed >= n) || deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(());
        }
        tokio::time::sleep(interval).await;
        let records = c.list_notification_records().await?.records;
        let new: Vec<&Record> = records.iter().rev().filter(|r| seen.insert(key(r))).collect();
        for record in new.into_iter().take(count.map_or(usize::MAX, |n| n - printed)) {
            match out {
                Output::Json => outln!("{}", serde_json::to_string(record).expect("the model serialises")),
                Output::Table => outln!("{}", line(record_row(record))),
            }
            printed += 1;
        }
    }
}
