//! SMN subscriptions: added unconfirmed (an HTTP(S) endpoint is sent its confirmation at once), confirmed
//! through the token of their link, unsubscribed through theirs, listed, given a remark, cancelled.

use std::collections::BTreeMap;

use smn_model::limits::{DELIVERED_PROTOCOLS, SUBSCRIPTIONS_PER_TOPIC};
use smn_model::{MessageType, SubscriptionStatus};

use super::shared::smn::{
    Outgoing, SUBS_PREFIX, SubscriptionRecord, by_token, enqueue, existing_topic, load_subscription, new_id,
    new_token, put_subscription, remove_subscription, subscriptions_under, topic_subscriptions,
};
use crate::store::{Cx, job};
use crate::{Origin, SmnRefusal, Store, StoreError, StoreResult};

/// A subscription to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription {
    /// Its protocol.
    pub protocol: String,
    /// Its endpoint.
    pub endpoint: String,
    /// Its remark.
    pub remark: String,
    /// Headers sent with every message.
    pub headers: BTreeMap<String, String>,
    /// The `extension` as given.
    pub extension: Option<serde_json::Value>,
}

/// What a confirmation or an unsubscription says.
fn invitation(kind: MessageType, topic_urn: &str) -> String {
    match kind {
        MessageType::UnsubscribeConfirmation => format!(
            "You are unsubscribed from topic: {topic_urn}. To subscribe to this topic again, please visit the \
             subscribe_url included in this message."
        ),
        _ => format!(
            "You are invited to subscribe to topic: {topic_urn}. To confirm this subscription, please visit the \
             subscribe_url included in this message. The subscribe_url is valid only within 48 hours."
        ),
    }
}

/// Gives `sub` a new token and sends it a message of `kind` carrying its link (an HTTP(S) subscription;
/// others keep their token only).
fn send_link(
    cx: &mut Cx<'_>,
    project: &str,
    topic_urn: &str,
    sub: &mut SubscriptionRecord,
    kind: MessageType,
    origin: &Origin,
) -> StoreResult<()> {
    new_token(cx.tx, project, sub, origin.now)?;
    if DELIVERED_PROTOCOLS.contains(&&*sub.protocol) {
        let message = BTreeMap::from([("default".to_owned(), invitation(kind, topic_urn))]);
        let outgoing = Outgoing {
            kind,
            message_id: &new_id(),
            subject: None,
            message: &message,
            now: origin.now,
            request_id: origin.request_id.as_deref(),
        };
        enqueue(cx, project, topic_urn, sub, &outgoing)?;
    }
    Ok(())
}

fn existing(
    tx: &mut dyn crate::backend::Tx,
    project: &str,
    topic: &str,
    id: &str,
) -> StoreResult<SubscriptionRecord> {
    load_subscription(tx, project, topic, id)?.ok_or(StoreError::Smn(SmnRefusal::SubscriptionNotFound))
}

impl Store {
    /// Subscribes each of `new` to the topic `topic` (whose URN is `topic_urn`): answers each
    /// subscription's id and whether it was made now. An endpoint already subscribed by the same protocol
    /// answers its subscription (sent its confirmation again while unconfirmed). The topic's quota counts
    /// the whole batch: past it, nothing is added.
    pub async fn add_subscriptions(
        &self,
        project: &str,
        topic: &str,
        topic_urn: &str,
        new: Vec<NewSubscription>,
        origin: Origin,
    ) -> StoreResult<Vec<(String, bool)>> {
        job!(self.write(project, topic, topic_urn), |cx| {
            existing_topic(cx.tx, project, topic)?;
            let mut subs = topic_subscriptions(cx.tx, project, topic)?;
            let added = new
                .iter()
                .filter(|n| !subs.iter().any(|s| s.protocol == n.protocol && s.endpoint == n.endpoint))
                .count();
            if subs.len() + added > SUBSCRIPTIONS_PER_TOPIC {
                return Err(StoreError::Smn(SmnRefusal::SubscriptionLimit));
            }
            let mut out = Vec::with_capacity(new.len());
            for n in new {
                let found = subs.iter().position(|s| s.protocol == n.protocol && s.endpoint == n.endpoint);
                let (mut sub, made) = match found {
                    Some(i) => (subs[i].clone(), false),
                    None => {
                        let sub = SubscriptionRecord {
                            topic: topic.to_owned(),
                            id: new_id(),
                            protocol: n.protocol,
                            endpoint: n.endpoint,
                            remark: n.remark,
                            status: SubscriptionStatus::Unconfirmed.code(),
                            headers: n.headers,
                            extension: n.extension,
                            token: None,
                            created: origin.now,
                        };
                        subs.push(sub.clone());
                        (sub, true)
                    }
                };
                if sub.status != SubscriptionStatus::Confirmed.code() {
                    send_link(
                        cx,
                        project,
                        topic_urn,
                        &mut sub,
                        MessageType::SubscriptionConfirmation,
                        &origin,
                    )?;
                    put_subscription(cx.tx, project, &sub)?;
                }
                out.push((sub.id, made));
            }
            Ok(out)
        })
    }

    /// The subscriptions of the project (oldest first), or of its topic `topic`.
    pub async fn subscriptions(
        &self,
        project: &str,
        topic: Option<&str>,
    ) -> StoreResult<Vec<SubscriptionRecord>> {
        let topic = topic.map(str::to_owned);
        job!(self.read(project), |cx| match topic {
            Some(topic) => {
                existing_topic(cx.tx, project, &topic)?;
                topic_subscriptions(cx.tx, project, &topic)
            }
            None => subscriptions_under(cx.tx, project, SUBS_PREFIX),
        })
    }

    /// Sets the remark of the subscription `id` of the topic `topic`.
    pub async fn update_subscription(
        &self,
        project: &str,
        topic: &str,
        id: &str,
        remark: &str,
    ) -> StoreResult<()> {
        job!(self.write(project, topic, id, remark), |cx| {
            existing_topic(cx.tx, project, topic)?;
            let mut sub = existing(cx.tx, project, topic, id)?;
            sub.remark = remark.to_owned();
            put_subscription(cx.tx, project, &sub)
        })
    }

    /// Removes the subscription `id` of the topic `topic`.
    pub async fn cancel_subscription(&self, project: &str, topic: &str, id: &str) -> StoreResult<()> {
        job!(self.write(project, topic, id), |cx| {
            let sub = existing(cx.tx, project, topic, id)?;
            remove_subscription(cx.tx, project, &sub)
        })
    }

    /// Confirms the subscription whose link carries `token`, if the token is valid at `now` (and names a
    /// subscription of the topic `topic`, `(project, name)`, when given): answers its project and the
    /// subscription, now confirmed.
    pub async fn confirm_subscription(
        &self,
        token: &str,
        topic: Option<(String, String)>,
        now: i64,
    ) -> StoreResult<(String, SubscriptionRecord)> {
        job!(self.write(token), |cx| {
            let (project, mut sub) =
                by_token(cx.tx, token, now)?.ok_or(StoreError::Smn(SmnRefusal::InvalidToken))?;
            if topic.is_some_and(|(p, name)| p != project || name != sub.topic) {
                return Err(StoreError::Smn(SmnRefusal::InvalidToken));
            }
            sub.status = SubscriptionStatus::Confirmed.code();
            put_subscription(cx.tx, project.as_str(), &sub)?;
            Ok((project, sub))
        })
    }

    /// Unsubscribes the subscription `id` of the topic `topic` through its link: it is kept, receives
    /// nothing more, and an HTTP(S) endpoint is sent an `UnsubscribeConfirmation` whose link subscribes it
    /// again.
    pub async fn unsubscribe(
        &self,
        project: &str,
        topic: &str,
        topic_urn: &str,
        id: &str,
        origin: Origin,
    ) -> StoreResult<()> {
        job!(self.write(project, topic, topic_urn, id), |cx| {
            let mut sub = existing(cx.tx, project, topic, id)?;
            if sub.status == SubscriptionStatus::Cancelled.code() {
                return Ok(());
            }
            sub.status = SubscriptionStatus::Cancelled.code();
            send_link(cx, project, topic_urn, &mut sub, MessageType::UnsubscribeConfirmation, &origin)?;
            put_subscription(cx.tx, project, &sub)
        })
    }
}
