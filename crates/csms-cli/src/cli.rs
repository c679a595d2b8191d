//! The command line: every command, flag and example, as clap reads them.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The exit codes, one per kind of outcome, so that a script can tell them apart.
pub(crate) mod exit {
    /// Done.
    pub(crate) const OK: u8 = 0;
    /// The service failed, or did not answer (5xx, a broken connection, a timeout).
    pub(crate) const SERVER: u8 = 1;
    /// Bad input: a usage error, or the service refused the request (400), or no endpoint or credentials.
    pub(crate) const BAD_INPUT: u8 = 2;
    /// Not found (404).
    pub(crate) const NOT_FOUND: u8 = 3;
    /// Conflict: it exists already, or changed meanwhile (409, 412).
    pub(crate) const CONFLICT: u8 = 4;
    /// Not allowed: the credentials are refused (401) or not valid for the project (403).
    pub(crate) const DENIED: u8 = 5;
    /// `rotate --wait`: the rotation ended FAILED.
    pub(crate) const ROTATION_FAILED: u8 = 6;
}

const AFTER_HELP: &str = "\
Credentials, as the official SDKs read them: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (or the [basic]
section of ~/.huaweicloud/credentials), or CSMS_TOKEN; the project: HUAWEICLOUD_SDK_PROJECT_ID; the
endpoint: CSMS_ENDPOINT. Flags win over the environment.

Exit codes: 0 done, 1 server failure or no answer, 2 bad input, 3 not found, 4 conflict,
5 credentials refused, 6 a rotation that failed (rotate --wait).";

/// `csms`: events, secrets, versions, notification records, rotation tasks and passwords of a CSMS
/// service, as tables for people and JSON for scripts.
#[derive(Debug, Parser)]
#[command(name = "csms", version, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Args)]
pub(crate) struct Global {
    /// The service's URL.
    #[arg(long, global = true, env = "CSMS_ENDPOINT", value_name = "URL")]
    pub(crate) endpoint: Option<String>,
    /// The project id.
    #[arg(long, global = true, env = "HUAWEICLOUD_SDK_PROJECT_ID", value_name = "ID")]
    pub(crate) project: Option<String>,
    /// The access key id (with --sk).
    #[arg(long, global = true, env = "HUAWEICLOUD_SDK_AK", hide_env_values = true)]
    pub(crate) ak: Option<String>,
    /// The secret key (with --ak).
    #[arg(long, global = true, env = "HUAWEICLOUD_SDK_SK", hide_env_values = true)]
    pub(crate) sk: Option<String>,
    /// A token (X-Auth-Token) instead of an access key.
    #[arg(long, global = true, env = "CSMS_TOKEN", hide_env_values = true)]
    pub(crate) token: Option<String>,
    /// A PEM file of certificate authorities to trust besides the usual roots (a private endpoint's).
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) ca_bundle: Option<std::path::PathBuf>,
    /// Seconds each call may take.
    #[arg(long, global = true, default_value_t = 30, value_name = "SECONDS")]
    pub(crate) timeout: u64,
    /// `table` for people, `json` for scripts (one document; one per line for lists).
    #[arg(long, short, global = true, value_enum, default_value_t = Output::Table)]
    pub(crate) output: Output,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Output {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Events: which secret happenings notify which SMN topic.
    #[command(subcommand)]
    Events(EventsCommand),
    /// Secrets (never their values; see `versions show`).
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// A secret's versions, and their values.
    #[command(subcommand)]
    Versions(VersionsCommand),
    /// The notifications the project's events sent.
    #[command(subcommand)]
    Records(RecordsCommand),
    /// Rotation tasks.
    #[command(subcommand)]
    Tasks(TasksCommand),
    /// Rotates a secret: a task that makes a new version.
    #[command(after_help = "Example:\n  csms rotate db-password --wait")]
    Rotate {
        /// The secret.
        secret: String,
        /// Follow the task until it ends (exit 6 if it fails).
        #[arg(long)]
        wait: bool,
        /// With --wait: give up after this many seconds.
        #[arg(long, default_value_t = 300, value_name = "SECONDS")]
        wait_timeout: u64,
    },
    /// Makes a random password.
    #[command(after_help = "Example:\n  csms password --length 24 --exclude-punctuation")]
    Password {
        /// Its length.
        #[arg(long, default_value_t = 32)]
        length: i64,
        /// Characters never to use.
        #[arg(long, value_name = "CHARS")]
        exclude_characters: Option<String>,
        /// No punctuation.
        #[arg(long)]
        exclude_punctuation: bool,
        /// No digits.
        #[arg(long)]
        exclude_numbers: bool,
        /// At least one character of each kind included.
        #[arg(long)]
        require_each_type: bool,
    },
    /// Follows something as it happens.
    #[command(subcommand)]
    Watch(WatchCommand),
    /// Prints a shell completion script.
    #[command(
        after_help = "Example:\n  csms completions bash > ~/.local/share/bash-completion/completions/csms"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum EventsCommand {
    /// Lists the project's events, by name.
    #[command(after_help = "Example:\n  csms events list --output json")]
    List,
    /// Shows one event.
    #[command(after_help = "Example:\n  csms events show rotation-alerts")]
    Show { name: String },
    /// Creates an event.
    #[command(
        after_help = "Example:\n  csms events create rotation-alerts --types SECRET_ROTATED,SECRET_ROTATED_FAILED \\\n    \
        --target-id urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts --target-name alerts"
    )]
    Create {
        name: String,
        #[command(flatten)]
        spec: EventSpec,
        /// Created DISABLED.
        #[arg(long)]
        disabled: bool,
    },
    /// Changes an event (only what is given).
    #[command(after_help = "Example:\n  csms events update rotation-alerts --state DISABLED")]
    Update {
        name: String,
        /// ENABLED or DISABLED.
        #[arg(long)]
        state: Option<String>,
        /// The event types, comma-separated.
        #[arg(long, value_delimiter = ',')]
        types: Option<Vec<String>>,
        /// The SMN topic URN (with --target-name).
        #[arg(long)]
        target_id: Option<String>,
        /// The topic's name.
        #[arg(long)]
        target_name: Option<String>,
    },
    /// Deletes an event (refused while a secret subscribes to it).
    #[command(after_help = "Example:\n  csms events delete rotation-alerts")]
    Delete { name: String },
}

#[derive(Debug, Args)]
pub(crate) struct EventSpec {
    /// The event types, comma-separated: SECRET_VERSION_CREATED, SECRET_VERSION_EXPIRED, SECRET_ROTATED,
    /// SECRET_ROTATED_FAILED, SECRET_DELETED.
    #[arg(long, value_delimiter = ',', required = true)]
    pub(crate) types: Vec<String>,
    /// The SMN topic URN.
    #[arg(long)]
    pub(crate) target_id: String,
    /// The topic's name.
    #[arg(long)]
    pub(crate) target_name: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SecretsCommand {
    /// Lists the project's secrets, by name.
    #[command(after_help = "Example:\n  csms secrets list --event rotation-alerts")]
    List {
        /// Only those subscribed to this event.
        #[arg(long)]
        event: Option<String>,
    },
    /// Shows one secret (never its value).
    #[command(after_help = "Example:\n  csms secrets show db-password")]
    Show { name: String },
    /// Creates a secret and its first version.
    #[command(
        after_help = "Example:\n  printf %s \"$PASSWORD\" | csms secrets create db-password --value-stdin --event rotation-alerts"
    )]
    Create {
        name: String,
        #[command(flatten)]
        value: Value,
        /// A description.
        #[arg(long)]
        description: Option<String>,
        /// Subscribe it to this event.
        #[arg(long)]
        event: Option<String>,
        /// COMMON (the default), RDS-FG, GaussDB-FG.
        #[arg(long)]
        secret_type: Option<String>,
    },
    /// Changes a secret's description or subscription.
    #[command(after_help = "Example:\n  csms secrets update db-password --event rotation-alerts")]
    Update {
        name: String,
        /// A description.
        #[arg(long)]
        description: Option<String>,
        /// Subscribe it to this event.
        #[arg(long, conflicts_with = "no_event")]
        event: Option<String>,
        /// Remove its subscription.
        #[arg(long)]
        no_event: bool,
    },
    /// Deletes a secret at once, or schedules its deletion.
    #[command(after_help = "Example:\n  csms secrets delete db-password --schedule 7")]
    Delete {
        name: String,
        /// Delete after this many days (7 to 30), unless restored.
        #[arg(long, value_name = "DAYS")]
        schedule: Option<i64>,
    },
    /// Cancels a scheduled deletion.
    #[command(after_help = "Example:\n  csms secrets restore db-password")]
    Restore { name: String },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct Value {
    /// The value (visible in the shell's history and the process list: prefer --value-stdin).
    #[arg(long)]
    pub(crate) value: Option<String>,
    /// Read the value from standard input, whole.
    #[arg(long)]
    pub(crate) value_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum VersionsCommand {
    /// Lists a secret's versions (never their values), oldest first.
    #[command(after_help = "Example:\n  csms versions list db-password")]
    List { secret: String },
    /// Shows a version and its value.
    #[command(after_help = "Example:\n  csms versions show db-password latest --value-only")]
    Show {
        secret: String,
        /// v1, v2, ... or latest.
        #[arg(default_value = "latest")]
        version: String,
        /// Print the value alone (for scripts).
        #[arg(long)]
        value_only: bool,
    },
    /// Adds a version; it becomes SYSCURRENT.
    #[command(after_help = "Example:\n  printf %s \"$NEW\" | csms versions create db-password --value-stdin")]
    Create {
        secret: String,
        #[command(flatten)]
        value: Value,
    },
    /// Changes a version's expiry.
    #[command(after_help = "Example:\n  csms versions update db-password v1 --expire-time 1924991999000")]
    Update {
        secret: String,
        version: String,
        /// Epoch milliseconds.
        #[arg(long)]
        expire_time: i64,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum RecordsCommand {
    /// Lists the notifications sent, newest first.
    #[command(after_help = "Example:\n  csms records list")]
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TasksCommand {
    /// Lists rotation tasks.
    #[command(after_help = "Example:\n  csms tasks list --secret db-password --status FAILED")]
    List {
        /// Only this secret's.
        #[arg(long)]
        secret: Option<String>,
        /// PENDING, SUCCESS or FAILED.
        #[arg(long)]
        status: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum WatchCommand {
    /// Prints each notification record as it appears: the quickest way to see that a change fired.
    #[command(after_help = "Example:\n  csms watch records --count 1 --for 60")]
    Records {
        /// Seconds between polls.
        #[arg(long, default_value_t = 1.0, value_name = "SECONDS")]
        interval: f64,
        /// Stop after this many records.
        #[arg(long)]
        count: Option<usize>,
        /// Stop after this many seconds.
        #[arg(long = "for", value_name = "SECONDS")]
        duration: Option<f64>,
    },
}
