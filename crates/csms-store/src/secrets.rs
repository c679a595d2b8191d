//! The secrets' rules, written once for every backend: each operation is a function over a [`SecretTx`],
//! the few primitive reads and writes a backend offers inside one of its transactions (a locked map, a
//! SQLite savepoint, a PostgreSQL transaction). Every check comes before the first write, so an operation
//! that fails changes nothing even where the backend cannot roll back.

use csms_model::limits::MAX_VERSIONS_PER_SECRET;
use csms_model::{
    Event, EventState, EventType, LATEST, NotificationData, NotificationMessage, NotificationStatus, Record,
    SYSCURRENT, SYSPREVIOUS, Secret, SecretState, SecretTask, SecretValue, TargetType, TaskStatus,
    UpdateSecretRequestBody, Version, VersionMetadata,
};
use serde::{Deserialize, Serialize};

use csms_model::StringEnum;

use crate::cipher::{Cipher, value_aad};
use crate::{StoreError, StoreResult};

/// A version's value as given: text (`secret_string`) or base64 (`secret_binary`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// UTF-8 text.
    String(SecretValue),
    /// Base64 of binary data, kept as given.
    Binary(SecretValue),
}

impl Payload {
    fn value(&self) -> &SecretValue {
        match self {
            Payload::String(v) | Payload::Binary(v) => v,
        }
    }
}

/// What caused a change: when, and the request it came from (whose id the delivery of its notifications
/// logs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The time of the change, epoch milliseconds.
    pub now: i64,
    /// The id of the request that made it, if a request did.
    pub request_id: Option<String>,
}

impl Origin {
    /// A change at `now` made by the request `request_id`.
    pub fn new(now: i64, request_id: Option<String>) -> Self {
        Origin { now, request_id }
    }
}

/// A notification waiting in the outbox: the record it becomes once delivered (its status is set then),
/// and how to deliver it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The outbox row.
    #[serde(skip)]
    pub id: i64,
    /// The project whose event fired.
    #[serde(skip)]
    pub project: String,
    /// Delivery attempts made so far.
    #[serde(skip)]
    pub attempts: u32,
    /// The record, with the event's target as it was when it fired and the published message.
    pub record: Record,
    /// The target's type (`SMN`).
    pub target_type: TargetType,
    /// The subject published with the message.
    pub subject: String,
    /// The request that caused it.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// A rotation task claimed for running, with the request that started it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedTask {
    /// The secret's project.
    pub project: String,
    /// The task.
    pub task: SecretTask,
    /// The RotateSecret request that created it.
    pub request_id: Option<String>,
}

/// How a rotation ended: the new value, or why there is none (an error code and message).
pub type RotationOutcome = Result<Payload, (String, String)>;

/// A version as stored, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct VersionRow {
    /// `n` of the id `vn`: the creation order.
    #[serde(skip)]
    pub(crate) seq: i64,
    #[serde(flatten)]
    pub(crate) meta: VersionMetadata,
    /// Whether the value was given as `secret_binary`.
    pub(crate) binary: bool,
    /// Whether the expiry in `meta.expire_time` has fired (UpdateVersion re-arms it).
    #[serde(default)]
    pub(crate) expiry_fired: bool,
    /// The request that set the expiry.
    #[serde(default)]
    pub(crate) expiry_request_id: Option<String>,
}

impl VersionRow {
    /// When the expiry scan must fire for this version: its expiry, unless that has fired.
    pub(crate) fn expiry_due(&self) -> Option<i64> {
        self.meta.expire_time.filter(|_| !self.expiry_fired)
    }
}

/// The primitive reads and writes of one backend transaction. A read of a row the operation may write
/// locks it where the backend locks rows.
pub(crate) trait SecretTx {
    /// The secret of that name, locked for update.
    async fn secret(&mut self, project: &str, name: &str) -> StoreResult<Option<Secret>>;
    /// How many secrets the project holds; serialises secret creation in the project.
    async fn secret_count(&mut self, project: &str) -> StoreResult<u64>;
    /// Whether the project has an event of that name; keeps it from being deleted until the end.
    async fn event_exists(&mut self, project: &str, event: &str) -> StoreResult<bool>;
    /// Inserts (`new`) or replaces a secret.
    async fn put_secret(&mut self, project: &str, secret: &Secret, new: bool) -> StoreResult<()>;
    /// Removes a secret and all its versions.
    async fn remove_secret(&mut self, project: &str, name: &str) -> StoreResult<()>;
    /// Every version of the secret, oldest first.
    async fn versions(&mut self, project: &str, secret: &str) -> StoreResult<Vec<VersionRow>>;
    /// The sealed value of one version.
    async fn sealed_value(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<Option<Vec<u8>>>;
    /// Inserts a version with its sealed value (`Some`), or replaces a version's metadata (`None`).
    async fn put_version(
        &mut self,
        project: &str,
        secret: &str,
        row: &VersionRow,
        sealed: Option<&[u8]>,
    ) -> StoreResult<()>;
    /// Removes one version.
    async fn remove_version(&mut self, project: &str, secret: &str, seq: i64) -> StoreResult<()>;
    /// The event of that name, to see whether it fires.
    async fn event(&mut self, project: &str, name: &str) -> StoreResult<Option<Event>>;
    /// Adds a notification to the outbox, to deliver from `next_at`.
    async fn enqueue(&mut self, project: &str, notice: &Notice, next_at: i64) -> StoreResult<()>;
    /// The task of that id, locked for update, with the request that created it.
    async fn task(&mut self, project: &str, id: &str) -> StoreResult<Option<(SecretTask, Option<String>)>>;
    /// Inserts (`new`, with the request that created it) or replaces a task.
    async fn put_task(
        &mut self,
        project: &str,
        task: &SecretTask,
        request_id: Option<&str>,
        new: bool,
    ) -> StoreResult<()>;
}

/// When a scheduled deletion of `secret` is due, for the scan's index.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn delete_at(secret: &Secret) -> Option<i64> {
    secret.scheduled_delete_time.filter(|_| secret.state == SecretState::PendingDelete)
}

/// Epoch milliseconds as upstream's messages write times: ISO-8601 UTC with milliseconds.
pub fn iso_millis(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

/// A happening on `secret`: when the secret subscribes to an ENABLED event whose types include `kind`, its
/// notification joins the outbox in the same transaction; otherwise nothing is written.
async fn fire<T: SecretTx>(
    tx: &mut T,
    origin: &Origin,
    project: &str,
    secret: &Secret,
    kind: EventType,
    version: Option<&VersionMetadata>,
) -> StoreResult<()> {
    let Some(name) = secret.event_subscriptions.first() else { return Ok(()) };
    let Some(event) = tx.event(project, name).await? else { return Ok(()) };
    if event.state != EventState::Enabled || !event.event_types.contains(&kind) {
        return Ok(());
    }
    let message = NotificationMessage {
        event_name: event.name.clone(),
        event_type: kind.clone(),
        event_time: iso_millis(origin.now),
        data: NotificationData {
            secret_id: secret.id.clone(),
            secret_name: secret.name.clone(),
            create_time: iso_millis(secret.create_time),
            update_time: iso_millis(secret.update_time),
            version_id: version.map(|v| v.id.clone()),
            version_expire_time: version.and_then(|v| v.expire_time).map(iso_millis),
        },
    };
    let notice = Notice {
        id: 0,
        project: project.to_owned(),
        attempts: 0,
        subject: format!("CSMS {} {}", kind.as_str(), secret.name),
        record: Record {
            event_name: event.name,
            trigger_event_type: kind,
            create_time: origin.now,
            secret_name: secret.name.clone(),
            secret_type: secret.secret_type.clone(),
            notification_target_name: event.notification.target_name,
            notification_target_id: event.notification.target_id,
            notification_content: serde_json::to_string(&message)?,
            // Set when the delivery ends.
            notification_status: NotificationStatus::Success,
        },
        target_type: event.notification.target_type,
        request_id: origin.request_id.clone(),
    };
    tx.enqueue(project, &notice, origin.now).await
}

fn version_id(seq: i64) -> String {
    format!("v{seq}")
}

/// `expire_time` as stored: whole seconds, the milliseconds truncated.
fn to_seconds(ms: i64) -> i64 {
    ms - ms.rem_euclid(1000)
}

async fn existing<T: SecretTx>(tx: &mut T, project: &str, name: &str) -> StoreResult<Secret> {
    tx.secret(project, name).await?.ok_or(StoreError::NotFound)
}

/// The secret, unless its deletion is scheduled.
async fn usable<T: SecretTx>(tx: &mut T, project: &str, name: &str) -> StoreResult<Secret> {
    let secret = existing(tx, project, name).await?;
    if secret.state == SecretState::PendingDelete {
        return Err(StoreError::PendingDeletion);
    }
    Ok(secret)
}

async fn check_subscriptions<T: SecretTx>(tx: &mut T, project: &str, events: &[String]) -> StoreResult<()> {
    for event in events {
        if !tx.event_exists(project, event).await? {
            return Err(StoreError::UnknownEvent(event.clone()));
        }
    }
    Ok(())
}

pub(crate) async fn create_secret<T: SecretTx>(
    tx: &mut T,
    cipher: &Cipher,
    project: &str,
    secret: Secret,
    payload: Payload,
    quota: u64,
    origin: &Origin,
) -> StoreResult<Secret> {
    let count = tx.secret_count(project).await?;
    if tx.secret(project, &secret.name).await?.is_some() {
        return Err(StoreError::AlreadyExists);
    }
    if count >= quota {
        return Err(StoreError::SecretQuotaExceeded);
    }
    check_subscriptions(tx, project, &secret.event_subscriptions).await?;
    let first = VersionRow {
        seq: 1,
        meta: VersionMetadata {
            id: version_id(1),
            create_time: secret.create_time,
            expire_time: None,
            kms_key_id: secret.kms_key_id.clone(),
            secret_name: secret.name.clone(),
            version_stages: vec![SYSCURRENT.to_owned()],
        },
        binary: matches!(payload, Payload::Binary(_)),
        expiry_fired: false,
        expiry_request_id: None,
    };
    let sealed = seal(cipher, project, &secret, &first, &payload);
    tx.put_secret(project, &secret, true).await?;
    tx.put_version(project, &secret.name, &first, Some(&sealed)).await?;
    fire(tx, origin, project, &secret, EventType::SecretVersionCreated, Some(&first.meta)).await?;
    Ok(secret)
}

fn seal(cipher: &Cipher, project: &str, secret: &Secret, row: &VersionRow, payload: &Payload) -> Vec<u8> {
    cipher.seal(&value_aad(project, &secret.id, &row.meta.id), payload.value().expose().as_bytes())
}

pub(crate) async fn update_secret<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    patch: UpdateSecretRequestBody,
    now: i64,
) -> StoreResult<Secret> {
    let mut secret = usable(tx, project, name).await?;
    if let Some(events) = &patch.event_subscriptions {
        check_subscriptions(tx, project, events).await?;
    }
    let UpdateSecretRequestBody {
        kms_key_id,
        description,
        auto_rotation,
        rotation_period,
        event_subscriptions,
        rotation_func_urn,
    } = patch;
    let mut changed = false;
    let mut set = |field: &mut Option<_>, value: Option<_>| {
        if value.is_some() {
            *field = value;
            changed = true;
        }
    };
    set(&mut secret.kms_key_id, kms_key_id);
    set(&mut secret.description, description);
    set(&mut secret.rotation_period, rotation_period);
    set(&mut secret.rotation_func_urn, rotation_func_urn);
    if let Some(on) = auto_rotation {
        secret.auto_rotation = Some(on);
        changed = true;
    }
    if let Some(events) = event_subscriptions {
        secret.event_subscriptions = events;
        changed = true;
    }
    if changed {
        secret.update_time = now;
        tx.put_secret(project, &secret, false).await?;
    }
    Ok(secret)
}

pub(crate) async fn delete_secret<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    origin: &Origin,
) -> StoreResult<Secret> {
    let secret = existing(tx, project, name).await?;
    // Fired before the row goes: the notification is written in the same transaction as the delete.
    fire(tx, origin, project, &secret, EventType::SecretDeleted, None).await?;
    tx.remove_secret(project, name).await?;
    Ok(secret)
}

/// The scheduled deletion of `name`, if it is still due at `now` (a restore may have come first).
pub(crate) async fn execute_deletion<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    now: i64,
) -> StoreResult<bool> {
    let Some(secret) = tx.secret(project, name).await? else { return Ok(false) };
    let due =
        secret.state == SecretState::PendingDelete && secret.scheduled_delete_time.is_some_and(|t| t <= now);
    if due {
        delete_secret(tx, project, name, &Origin::new(now, None)).await?;
    }
    Ok(due)
}

/// The expiry of version `seq` of `name`, if it is still due at `now`: fires once per expiry.
pub(crate) async fn expire_version<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    seq: i64,
    now: i64,
) -> StoreResult<bool> {
    let Some(secret) = tx.secret(project, name).await? else { return Ok(false) };
    let Some(mut row) = tx.versions(project, name).await?.into_iter().find(|v| v.seq == seq) else {
        return Ok(false);
    };
    if row.expiry_due().is_none_or(|t| t > now) {
        return Ok(false);
    }
    row.expiry_fired = true;
    tx.put_version(project, name, &row, None).await?;
    // Only an ENABLED secret's versions fire; the expiry counts as handled either way.
    if secret.state == SecretState::Enabled {
        let origin = Origin::new(now, row.expiry_request_id.clone());
        fire(tx, &origin, project, &secret, EventType::SecretVersionExpired, Some(&row.meta)).await?;
    }
    Ok(true)
}

pub(crate) async fn schedule_deletion<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    at: i64,
    now: i64,
) -> StoreResult<Secret> {
    let mut secret = usable(tx, project, name).await?;
    secret.state = SecretState::PendingDelete;
    secret.scheduled_delete_time = Some(at);
    secret.update_time = now;
    tx.put_secret(project, &secret, false).await?;
    Ok(secret)
}

pub(crate) async fn restore<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    now: i64,
) -> StoreResult<Secret> {
    let mut secret = existing(tx, project, name).await?;
    if secret.state != SecretState::PendingDelete {
        return Err(StoreError::NotPendingDeletion);
    }
    secret.state = SecretState::Enabled;
    secret.scheduled_delete_time = None;
    secret.update_time = now;
    tx.put_secret(project, &secret, false).await?;
    Ok(secret)
}

/// What a new version asks for besides its value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewVersion {
    /// The stages the new version takes (`SYSCURRENT` when absent).
    pub version_stages: Option<Vec<String>>,
    /// When it expires, epoch milliseconds (stored with second precision).
    pub expire_time: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn create_version<T: SecretTx>(
    tx: &mut T,
    cipher: &Cipher,
    project: &str,
    name: &str,
    payload: Payload,
    new: NewVersion,
    origin: &Origin,
) -> StoreResult<VersionMetadata> {
    let now = origin.now;
    let mut secret = usable(tx, project, name).await?;
    let mut versions = tx.versions(project, name).await?;
    let (seq, create_time) = match versions.last() {
        Some(last) => (last.seq + 1, now.max(last.meta.create_time + 1)),
        None => (1, now),
    };
    let stages = new.version_stages.unwrap_or_else(|| vec![SYSCURRENT.to_owned()]);
    let takes_current = stages.iter().any(|s| s == SYSCURRENT);
    // The stages move: the new version takes its stages from whoever held them, and the version that
    // loses SYSCURRENT to it becomes SYSPREVIOUS.
    let mut changed = Vec::new();
    for (i, row) in versions.iter_mut().enumerate() {
        let before = row.meta.version_stages.clone();
        let was_current = before.iter().any(|s| s == SYSCURRENT);
        row.meta.version_stages.retain(|s| !(stages.contains(s) || (takes_current && s == SYSPREVIOUS)));
        if takes_current && was_current {
            row.meta.version_stages.push(SYSPREVIOUS.to_owned());
        }
        if row.meta.version_stages != before {
            changed.push(i);
        }
    }
    let row = VersionRow {
        seq,
        meta: VersionMetadata {
            id: version_id(seq),
            create_time,
            expire_time: new.expire_time.map(to_seconds),
            kms_key_id: secret.kms_key_id.clone(),
            secret_name: secret.name.clone(),
            version_stages: stages,
        },
        binary: matches!(payload, Payload::Binary(_)),
        expiry_fired: false,
        expiry_request_id: new.expire_time.and(origin.request_id.clone()),
    };
    // At most MAX_VERSIONS_PER_SECRET: the oldest versions that hold no stage make room.
    let excess = (versions.len() + 1).saturating_sub(MAX_VERSIONS_PER_SECRET);
    let pruned: Vec<usize> = versions
        .iter()
        .enumerate()
        .filter(|(_, v)| v.meta.version_stages.is_empty())
        .map(|(i, _)| i)
        .take(excess)
        .collect();
    if pruned.len() < excess {
        return Err(StoreError::Invalid(format!(
            "The secret '{name}' has {MAX_VERSIONS_PER_SECRET} versions and every one holds a stage: \
             move a stage off an old version before adding one."
        )));
    }
    // Checks done: the writes.
    let sealed = seal(cipher, project, &secret, &row, &payload);
    for &i in &pruned {
        tx.remove_version(project, name, versions[i].seq).await?;
    }
    for &i in changed.iter().filter(|i| !pruned.contains(i)) {
        tx.put_version(project, name, &versions[i], None).await?;
    }
    tx.put_version(project, name, &row, Some(&sealed)).await?;
    secret.update_time = now;
    tx.put_secret(project, &secret, false).await?;
    fire(tx, origin, project, &secret, EventType::SecretVersionCreated, Some(&row.meta)).await?;
    Ok(row.meta)
}

pub(crate) async fn list_versions<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    after: Option<i64>,
    limit: usize,
) -> StoreResult<Vec<VersionMetadata>> {
    usable(tx, project, name).await?;
    let after = after.unwrap_or(0);
    Ok(tx
        .versions(project, name)
        .await?
        .into_iter()
        .filter(|v| v.seq > after)
        .take(limit)
        .map(|v| v.meta)
        .collect())
}

/// The version that `id` names: `vn`, or `latest` for the holder of SYSCURRENT.
fn find(versions: Vec<VersionRow>, id: &str) -> StoreResult<VersionRow> {
    versions
        .into_iter()
        .find(|v| {
            if id == LATEST { v.meta.version_stages.iter().any(|s| s == SYSCURRENT) } else { v.meta.id == id }
        })
        .ok_or(StoreError::VersionNotFound)
}

pub(crate) async fn show_version<T: SecretTx>(
    tx: &mut T,
    cipher: &Cipher,
    project: &str,
    name: &str,
    id: &str,
) -> StoreResult<Version> {
    let secret = usable(tx, project, name).await?;
    let row = find(tx.versions(project, name).await?, id)?;
    let sealed = tx.sealed_value(project, name, row.seq).await?.ok_or(StoreError::VersionNotFound)?;
    let plain = cipher.open(&value_aad(project, &secret.id, &row.meta.id), &sealed)?;
    let value = SecretValue::new(
        String::from_utf8(plain).map_err(|_| StoreError::backend("a stored value is not UTF-8"))?,
    );
    let (secret_string, secret_binary) = if row.binary { (None, Some(value)) } else { (Some(value), None) };
    Ok(Version { version_metadata: row.meta, secret_string, secret_binary })
}

pub(crate) async fn update_version<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    id: &str,
    expire_time: i64,
    origin: &Origin,
) -> StoreResult<VersionMetadata> {
    usable(tx, project, name).await?;
    let mut row = find(tx.versions(project, name).await?, id)?;
    row.meta.expire_time = Some(to_seconds(expire_time));
    // Every new expiry fires once, when the scan finds it due.
    row.expiry_fired = false;
    row.expiry_request_id = origin.request_id.clone();
    tx.put_version(project, name, &row, None).await?;
    Ok(row.meta)
}

/// Creates a PENDING rotation task for `name` (refused while its deletion is scheduled); returns it
/// with the id of the version it will make.
pub(crate) async fn create_task<T: SecretTx>(
    tx: &mut T,
    project: &str,
    name: &str,
    task_id: String,
    origin: &Origin,
) -> StoreResult<(SecretTask, String)> {
    let secret = usable(tx, project, name).await?;
    let next = tx.versions(project, name).await?.last().map_or(1, |v| v.seq + 1);
    let task = SecretTask {
        task_id,
        secret_name: name.to_owned(),
        rotation_func_urn: secret.rotation_func_urn,
        task_status: TaskStatus::Pending,
        operate_type: "MANUAL_ROTATION".to_owned(),
        task_time: origin.now,
        attempt_nums: 0,
        task_error_code: None,
        task_error_msg: None,
    };
    tx.put_task(project, &task, origin.request_id.as_deref(), true).await?;
    Ok((task, version_id(next)))
}

/// Ends a task: a new value becomes the secret's SYSCURRENT version (firing SECRET_VERSION_CREATED and
/// SECRET_ROTATED), or the task fails (firing SECRET_ROTATED_FAILED); the task and the notifications are
/// written together.
pub(crate) async fn finish_task<T: SecretTx>(
    tx: &mut T,
    cipher: &Cipher,
    project: &str,
    task_id: &str,
    outcome: RotationOutcome,
    now: i64,
) -> StoreResult<SecretTask> {
    let (mut task, request_id) = tx.task(project, task_id).await?.ok_or(StoreError::NotFound)?;
    if task.task_status != TaskStatus::Pending {
        return Ok(task);
    }
    let origin = Origin::new(now, request_id);
    let name = task.secret_name.clone();
    task.attempt_nums += 1;
    let outcome = match (outcome, tx.secret(project, &name).await?) {
        (_, None) => Err(("CSMS.0005".to_owned(), format!("The secret '{name}' no longer exists."))),
        (_, Some(s)) if s.state == SecretState::PendingDelete => {
            Err(("CSMS.0107".to_owned(), format!("The secret '{name}' is scheduled for deletion.")))
        }
        (outcome, Some(_)) => outcome,
    };
    match outcome {
        Ok(value) => {
            match create_version(tx, cipher, project, &name, value, NewVersion::default(), &origin).await {
                Err(StoreError::Backend(e)) => return Err(StoreError::Backend(e)),
                // Refused by a rule (every version holds a stage): nothing was written, the task fails.
                Err(refused) => {
                    return fail_with(
                        tx,
                        project,
                        task,
                        &name,
                        &origin,
                        "CSMS.0002".to_owned(),
                        refused.to_string(),
                    )
                    .await;
                }
                Ok(_) => {}
            }
            let mut secret = existing(tx, project, &name).await?;
            secret.rotation_time = Some(now);
            tx.put_secret(project, &secret, false).await?;
            let current = find(tx.versions(project, &name).await?, LATEST)?;
            fire(tx, &origin, project, &secret, EventType::SecretRotated, Some(&current.meta)).await?;
            task.task_status = TaskStatus::Success;
        }
        Err((code, message)) => return fail_with(tx, project, task, &name, &origin, code, message).await,
    }
    tx.put_task(project, &task, None, false).await?;
    Ok(task)
}

async fn fail_with<T: SecretTx>(
    tx: &mut T,
    project: &str,
    mut task: SecretTask,
    name: &str,
    origin: &Origin,
    code: String,
    message: String,
) -> StoreResult<SecretTask> {
    if let Some(secret) = tx.secret(project, name).await? {
        fire(tx, origin, project, &secret, EventType::SecretRotatedFailed, None).await?;
    }
    task.task_status = TaskStatus::Failed;
    task.task_error_code = Some(code);
    task.task_error_msg = Some(message);
    tx.put_task(project, &task, None, false).await?;
    Ok(task)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_ids_and_expiry_seconds() {
        assert_eq!(csms_model::version_number(&version_id(20)), Some(20));
        for bad in ["v0", "v01", "v", "1", "vx", "v-1", "latest", "v99999999999999999999"] {
            assert_eq!(csms_model::version_number(bad), None, "{bad}");
        }
        assert_eq!(to_seconds(1_700_000_000_999), 1_700_000_000_000);
        assert_eq!(to_seconds(-1), -1000);
    }
}
