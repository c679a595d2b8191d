//! SMN topics and subscriptions as the rules keep them, and the one way a message leaves a topic: a
//! delivery per confirmed HTTP(S) subscription joins the outbox in the transaction that publishes it,
//! and a subscription of a protocol this service does not deliver to gets its record (`NOT_SENT`) at once.
//!
//! Topics and subscriptions are documents of the project's settings (`smn:topic:{name}`,
//! `smn:sub:{name}:{id}`); confirmation tokens are indexed in the `smn` scope (`token:{token}`), so
//! that a public link finds its subscription without a project. Delivery records share the notification
//! records' table under the project `smn:{project}`, and its retention.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use smn_model::limits::{CONFIRMATION_VALID_HOURS, DELIVERED_PROTOCOLS};
use smn_model::{DeliveryRecord, MessageType, SubscriptionStatus};

use super::documents;
use crate::backend::{RecordRow, Tx};
use crate::rows::doc_sum;
use crate::store::Cx;
use crate::{SmnDelivery, SmnRefusal, StoreError, StoreResult};

/// The scope of the token index.
pub(in crate::rules) const SMN_SCOPE: &str = "smn";
/// The prefix of a project's topics in its settings.
pub(in crate::rules) const TOPICS_PREFIX: &str = "smn:topic:";

/// A topic as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicRecord {
    /// Its name, unique in the project.
    pub name: String,
    /// Its id (32 hex characters).
    pub topic_id: String,
    /// Its display name (`""` when none was given).
    pub display_name: String,
    /// Its enterprise project.
    pub enterprise_project_id: String,
    /// When it was made, epoch milliseconds.
    pub created: i64,
    /// When it last changed, epoch milliseconds.
    pub updated: i64,
    /// Its attributes (`access_policy`, `introduction`), those set.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// When its attributes last changed.
    #[serde(default)]
    pub attributes_updated: Option<i64>,
    /// Its tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// A subscription as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionRecord {
    /// The name of its topic.
    pub topic: String,
    /// Its id (32 hex characters): its URN is the topic's URN, `:`, and the id.
    pub id: String,
    /// Its protocol.
    pub protocol: String,
    /// Its endpoint, as given.
    pub endpoint: String,
    /// Its remark.
    pub remark: String,
    /// 0 unconfirmed, 1 confirmed, 3 unsubscribed through its link.
    pub status: i32,
    /// Headers sent with every message (HTTP(S)).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The `extension` as given (echoed by the listings).
    #[serde(default)]
    pub extension: Option<serde_json::Value>,
    /// The token of its confirmation link, and when the link was sent.
    #[serde(default)]
    pub token: Option<(String, i64)>,
    /// When it was made (the listings' order).
    pub created: i64,
}

impl SubscriptionRecord {
    /// Whether messages reach it: confirmed, and of a protocol this service delivers to.
    fn delivered(&self) -> bool {
        self.status == SubscriptionStatus::Confirmed.code() && DELIVERED_PROTOCOLS.contains(&&*self.protocol)
    }
}

pub(in crate::rules) fn topic_key(name: &str) -> String {
    format!("{TOPICS_PREFIX}{name}")
}

/// The prefix of a project's subscriptions in its settings.
pub(in crate::rules) const SUBS_PREFIX: &str = "smn:sub:";

pub(in crate::rules) fn subs_prefix(topic: &str) -> String {
    format!("{SUBS_PREFIX}{topic}:")
}

fn sub_key(topic: &str, id: &str) -> String {
    format!("smn:sub:{topic}:{id}")
}

fn token_key(token: &str) -> String {
    format!("token:{token}")
}

/// Where a project's delivery records are kept.
pub(in crate::rules) fn records_project(project: &str) -> String {
    format!("smn:{project}")
}

/// A new id of 32 hex characters.
pub(in crate::rules) fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The topic `name` of the project, if it has one.
pub(in crate::rules) fn load_topic(
    tx: &mut dyn Tx,
    project: &str,
    name: &str,
) -> StoreResult<Option<TopicRecord>> {
    Ok(tx.setting(project, &topic_key(name))?.map(|d| serde_json::from_str(&d)).transpose()?)
}

/// The topic `name`, or the refusal that it does not exist.
pub(in crate::rules) fn existing_topic(
    tx: &mut dyn Tx,
    project: &str,
    name: &str,
) -> StoreResult<TopicRecord> {
    load_topic(tx, project, name)?.ok_or(StoreError::Smn(SmnRefusal::TopicNotFound))
}

/// Writes a topic.
pub(in crate::rules) fn put_topic(tx: &mut dyn Tx, project: &str, topic: &TopicRecord) -> StoreResult<()> {
    tx.put_setting(project, &topic_key(&topic.name), &serde_json::to_string(topic)?)
}

/// Every topic of the project, newest first.
pub(in crate::rules) fn all_topics(tx: &mut dyn Tx, project: &str) -> StoreResult<Vec<TopicRecord>> {
    let mut topics: Vec<TopicRecord> = documents(tx, project, TOPICS_PREFIX)?;
    topics.sort_by(|a, b| (b.created, &b.name).cmp(&(a.created, &a.name)));
    Ok(topics)
}

/// The subscriptions of topic `name`, oldest first.
pub(in crate::rules) fn topic_subscriptions(
    tx: &mut dyn Tx,
    project: &str,
    name: &str,
) -> StoreResult<Vec<SubscriptionRecord>> {
    subscriptions_under(tx, project, &subs_prefix(name))
}

/// The subscriptions whose keys start with `prefix` (one topic's, or the project's), oldest first.
pub(in crate::rules) fn subscriptions_under(
    tx: &mut dyn Tx,
    project: &str,
    prefix: &str,
) -> StoreResult<Vec<SubscriptionRecord>> {
    let mut subs: Vec<SubscriptionRecord> = documents(tx, project, prefix)?;
    subs.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    Ok(subs)
}

/// The subscription `id` of topic `topic`.
pub(in crate::rules) fn load_subscription(
    tx: &mut dyn Tx,
    project: &str,
    topic: &str,
    id: &str,
) -> StoreResult<Option<SubscriptionRecord>> {
    Ok(tx.setting(project, &sub_key(topic, id))?.map(|d| serde_json::from_str(&d)).transpose()?)
}

/// Writes a subscription.
pub(in crate::rules) fn put_subscription(
    tx: &mut dyn Tx,
    project: &str,
    sub: &SubscriptionRecord,
) -> StoreResult<()> {
    tx.put_setting(project, &sub_key(&sub.topic, &sub.id), &serde_json::to_string(sub)?)
}

/// Removes a subscription and its token.
pub(in crate::rules) fn remove_subscription(
    tx: &mut dyn Tx,
    project: &str,
    sub: &SubscriptionRecord,
) -> StoreResult<()> {
    tx.remove_setting(project, &sub_key(&sub.topic, &sub.id))?;
    if let Some((token, _)) = &sub.token {
        tx.remove_setting(SMN_SCOPE, &token_key(token))?;
    }
    Ok(())
}

/// Gives `sub` a new confirmation token at `now` (the old one, if any, confirms nothing any more).
pub(in crate::rules) fn new_token(
    tx: &mut dyn Tx,
    project: &str,
    sub: &mut SubscriptionRecord,
    now: i64,
) -> StoreResult<String> {
    if let Some((old, _)) = sub.token.take() {
        tx.remove_setting(SMN_SCOPE, &token_key(&old))?;
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::backend(format!("no randomness: {e}")))?;
    let token = hex::encode(bytes);
    tx.put_setting(SMN_SCOPE, &token_key(&token), &format!("{project}\n{}\n{}", sub.topic, sub.id))?;
    sub.token = Some((token.clone(), now));
    Ok(token)
}

/// The subscription a confirmation token names, if the token is still valid at `now`: its project and
/// record.
pub(in crate::rules) fn by_token(
    tx: &mut dyn Tx,
    token: &str,
    now: i64,
) -> StoreResult<Option<(String, SubscriptionRecord)>> {
    let Some(place) = tx.setting(SMN_SCOPE, &token_key(token))? else { return Ok(None) };
    let mut parts = place.splitn(3, '\n');
    let (Some(project), Some(topic), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(None);
    };
    let Some(sub) = load_subscription(tx, project, topic, id)? else { return Ok(None) };
    let valid = sub
        .token
        .as_ref()
        .is_some_and(|(t, at)| t == token && now - at <= CONFIRMATION_VALID_HOURS * 3_600_000);
    Ok(valid.then(|| (project.to_owned(), sub)))
}

/// What a message says and how it was published.
pub(in crate::rules) struct Outgoing<'a> {
    pub(in crate::rules) kind: MessageType,
    pub(in crate::rules) message_id: &'a str,
    pub(in crate::rules) subject: Option<&'a str>,
    /// The message per protocol: `default`, and `http`/`https` when given.
    pub(in crate::rules) message: &'a BTreeMap<String, String>,
    pub(in crate::rules) now: i64,
    pub(in crate::rules) request_id: Option<&'a str>,
}

/// Queues `message` to `sub` (of the topic `topic_urn`), in the caller's transaction.
pub(in crate::rules) fn enqueue(
    cx: &mut Cx<'_>,
    project: &str,
    topic_urn: &str,
    sub: &SubscriptionRecord,
    message: &Outgoing<'_>,
) -> StoreResult<()> {
    let text = message
        .message
        .get(&sub.protocol)
        .or_else(|| message.message.get("default"))
        .cloned()
        .unwrap_or_default();
    let delivery = SmnDelivery {
        id: 0,
        project: project.to_owned(),
        attempts: 0,
        kind: message.kind,
        topic_urn: topic_urn.to_owned(),
        subscription_urn: format!("{topic_urn}:{}", sub.id),
        protocol: sub.protocol.clone(),
        endpoint: sub.endpoint.clone(),
        headers: sub.headers.clone(),
        message_id: message.message_id.to_owned(),
        subject: message.subject.map(str::to_owned),
        message: text,
        token: sub.token.as_ref().map(|(t, _)| t.clone()),
        create_time: message.now,
        request_id: message.request_id.map(str::to_owned),
    };
    cx.tx.enqueue(project, &SmnDelivery::outbox_doc(&delivery)?, message.now)?;
    cx.queued = true;
    Ok(())
}

/// Writes a delivery record.
pub(in crate::rules) fn put_record(
    tx: &mut dyn Tx,
    project: &str,
    record: &DeliveryRecord,
) -> StoreResult<()> {
    let doc = serde_json::to_string(record)?;
    let sum = Some(doc_sum(&doc));
    tx.put_record(&records_project(project), record.create_time, &RecordRow { doc, sum })
}

/// Publishes `message` to every subscription of the topic: a delivery queued for each confirmed HTTP(S)
/// one, a `NOT_SENT` record for each of another protocol (not unsubscribed). Returns how many deliveries
/// were queued.
pub(in crate::rules) fn publish(
    cx: &mut Cx<'_>,
    project: &str,
    topic_urn: &str,
    topic: &str,
    message: &Outgoing<'_>,
) -> StoreResult<usize> {
    let mut queued = 0;
    for sub in topic_subscriptions(cx.tx, project, topic)? {
        if sub.delivered() {
            enqueue(cx, project, topic_urn, &sub, message)?;
            queued += 1;
        } else if !DELIVERED_PROTOCOLS.contains(&&*sub.protocol)
            && sub.status != SubscriptionStatus::Cancelled.code()
        {
            let record = DeliveryRecord {
                message_id: message.message_id.to_owned(),
                message_type: message.kind.as_str().to_owned(),
                topic_urn: topic_urn.to_owned(),
                subscription_urn: format!("{topic_urn}:{}", sub.id),
                protocol: sub.protocol.clone(),
                endpoint: sub.endpoint.clone(),
                status: "NOT_SENT".to_owned(),
                attempts: 0,
                reason: format!("this service does not deliver to {} subscriptions", sub.protocol),
                create_time: message.now,
                end_time: message.now,
            };
            put_record(cx.tx, project, &record)?;
        }
    }
    Ok(queued)
}
