//! SMN topics: create under the project's quota (an existing name answers the topic as it is), update,
//! delete with their subscriptions, attributes and tags.

use std::collections::BTreeMap;

use smn_model::limits::{TAGS_PER_TOPIC, TOPICS_PER_PROJECT};

use super::shared::smn::{
    TOPICS_PREFIX, TopicRecord, all_topics, existing_topic, load_topic, new_id, put_topic,
    remove_subscription, topic_key, topic_subscriptions,
};
use crate::backend::Tx;
use crate::store::job;
use crate::{SmnRefusal, Store, StoreError, StoreResult, TagAction};

/// The topic a tag operation's resource id names: its name (`X-SMN-RESOURCEID-TYPE: name`) or its
/// `topic_id`.
fn by_resource(tx: &mut dyn Tx, project: &str, resource: &str, by_name: bool) -> StoreResult<TopicRecord> {
    if by_name {
        return existing_topic(tx, project, resource);
    }
    all_topics(tx, project)?
        .into_iter()
        .find(|t| t.topic_id == resource)
        .ok_or(StoreError::Smn(SmnRefusal::TopicNotFound))
}

impl Store {
    /// Creates the topic `name` at `now`; a topic of that name answers as it is. Answers the topic and
    /// whether it was made now.
    pub async fn create_topic(
        &self,
        project: &str,
        name: &str,
        display_name: &str,
        enterprise_project_id: &str,
        now: i64,
    ) -> StoreResult<(TopicRecord, bool)> {
        job!(self.write(project, name, display_name, enterprise_project_id), |cx| {
            if let Some(topic) = load_topic(cx.tx, project, name)? {
                return Ok((topic, false));
            }
            if cx.tx.settings(project, TOPICS_PREFIX)?.len() >= TOPICS_PER_PROJECT {
                return Err(StoreError::Smn(SmnRefusal::TopicLimit));
            }
            let topic = TopicRecord {
                name: name.to_owned(),
                topic_id: new_id(),
                display_name: display_name.to_owned(),
                enterprise_project_id: enterprise_project_id.to_owned(),
                created: now,
                updated: now,
                attributes: BTreeMap::new(),
                attributes_updated: None,
                tags: BTreeMap::new(),
            };
            put_topic(cx.tx, project, &topic)?;
            Ok((topic, true))
        })
    }

    /// The topic `name`.
    pub async fn topic(&self, project: &str, name: &str) -> StoreResult<TopicRecord> {
        job!(self.read(project, name), |cx| existing_topic(cx.tx, project, name))
    }

    /// Every topic of the project, newest first.
    pub async fn topics(&self, project: &str) -> StoreResult<Vec<TopicRecord>> {
        job!(self.read(project), |cx| all_topics(cx.tx, project))
    }

    /// Sets the display name of the topic `name`.
    pub async fn update_topic(
        &self,
        project: &str,
        name: &str,
        display_name: &str,
        now: i64,
    ) -> StoreResult<()> {
        job!(self.write(project, name, display_name), |cx| {
            let mut topic = existing_topic(cx.tx, project, name)?;
            topic.display_name = display_name.to_owned();
            topic.updated = now;
            put_topic(cx.tx, project, &topic)
        })
    }

    /// Deletes the topic `name` and its subscriptions (messages already accepted are still delivered).
    pub async fn delete_topic(&self, project: &str, name: &str) -> StoreResult<()> {
        job!(self.write(project, name), |cx| {
            existing_topic(cx.tx, project, name)?;
            for sub in topic_subscriptions(cx.tx, project, name)? {
                remove_subscription(cx.tx, project, &sub)?;
            }
            cx.tx.remove_setting(project, &topic_key(name))?;
            Ok(())
        })
    }

    /// Sets the attribute `attribute` of the topic `name` to `value`, or removes it (`None`), or removes
    /// every attribute (`attribute` `None`).
    pub async fn set_topic_attribute(
        &self,
        project: &str,
        name: &str,
        attribute: Option<String>,
        value: Option<String>,
        now: i64,
    ) -> StoreResult<()> {
        job!(self.write(project, name), |cx| {
            let mut topic = existing_topic(cx.tx, project, name)?;
            match (attribute, value) {
                (Some(attribute), Some(value)) => {
                    topic.attributes.insert(attribute, value);
                }
                (Some(attribute), None) => {
                    topic.attributes.remove(&attribute);
                }
                (None, _) => topic.attributes.clear(),
            }
            topic.attributes_updated = Some(now);
            put_topic(cx.tx, project, &topic)
        })
    }

    /// The topic a tag operation names by `resource` (its name when `by_name`, else its `topic_id`).
    pub async fn tagged_topic(
        &self,
        project: &str,
        resource: &str,
        by_name: bool,
    ) -> StoreResult<TopicRecord> {
        job!(self.read(project, resource), |cx| by_resource(cx.tx, project, resource, by_name))
    }

    /// Sets (`Create`) or removes (`Delete`) tags of the topic `resource` names. Setting more tags than a
    /// topic may carry is refused; with `must_exist`, removing a key the topic does not carry is refused
    /// (`TagNotFound`), else passed over.
    pub async fn change_topic_tags(
        &self,
        project: &str,
        resource: &str,
        by_name: bool,
        action: TagAction,
        tags: Vec<(String, String)>,
        must_exist: bool,
    ) -> StoreResult<()> {
        job!(self.write(project, resource), |cx| {
            let mut topic = by_resource(cx.tx, project, resource, by_name)?;
            match action {
                TagAction::Create => {
                    topic.tags.extend(tags);
                    if topic.tags.len() > TAGS_PER_TOPIC {
                        return Err(StoreError::Smn(SmnRefusal::TooManyTags));
                    }
                }
                TagAction::Delete => {
                    for (key, _) in tags {
                        if topic.tags.remove(&key).is_none() && must_exist {
                            return Err(StoreError::TagNotFound);
                        }
                    }
                }
            }
            put_topic(cx.tx, project, &topic)
        })
    }
}
