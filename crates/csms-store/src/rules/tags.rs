//! Tags: at most [`MAX_TAGS_PER_SECRET`] key-value pairs per secret, addressed by the secret's id; they
//! go with the secret. Secrets are found by tags: tags OR-ed within a key, AND-ed across keys.

use csms_model::limits::MAX_TAGS_PER_SECRET;
use csms_model::{ListResourceInstancesResponse, ProjectTag, ResourceInstance, TagFilter, TagItem, TagMatch};

use super::shared::secret::{by_id, completed};
use crate::backend::{Page, TagRow, Tx};
use crate::rows::decode_secret;
use crate::store::job;
use crate::{Store, StoreError, StoreResult};

/// What BatchCreateOrDeleteTags does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagAction {
    /// Sets each tag (a key already set gets the new value).
    Create,
    /// Removes each key (a key not set is passed over).
    Delete,
}

/// What ListResourceInstances asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagQuery {
    /// Each filter's key must be set, with one of its values (any value when it lists none).
    pub tags: Vec<TagFilter>,
    /// Each match's value must be part of the secret's name; an empty value matches nothing.
    pub matches: Vec<TagMatch>,
    /// Secrets to skip, in name order.
    pub offset: usize,
    /// Most secrets answered.
    pub limit: usize,
}

fn item(row: TagRow) -> TagItem {
    TagItem { key: row.key, value: Some(row.value) }
}

/// Sets `tags` on the secret `name`, within the bound.
fn set_tags(tx: &mut dyn Tx, project: &str, name: &str, tags: Vec<TagItem>) -> StoreResult<()> {
    let mut keys: Vec<String> = tx.tags(project, Some(name))?.into_iter().map(|t| t.key).collect();
    keys.extend(tags.iter().map(|t| t.key.clone()));
    keys.sort();
    keys.dedup();
    if keys.len() > MAX_TAGS_PER_SECRET {
        return Err(StoreError::Invalid(format!(
            "A secret carries at most {MAX_TAGS_PER_SECRET} tags: this would make {}.",
            keys.len()
        )));
    }
    for tag in tags {
        let row = TagRow { secret: name.to_owned(), key: tag.key, value: tag.value.unwrap_or_default() };
        tx.put_tag(project, &row)?;
    }
    Ok(())
}

fn matches(query: &TagQuery, name: &str, tags: &[TagRow]) -> bool {
    let tagged = |filter: &TagFilter| {
        tags.iter()
            .any(|t| t.key == filter.key && (filter.values.is_empty() || filter.values.contains(&t.value)))
    };
    let named = |m: &TagMatch| !m.value.is_empty() && name.contains(&m.value);
    query.tags.iter().all(tagged) && query.matches.iter().all(named)
}

impl Store {
    /// The tags of the secret of id `id`, in key order.
    pub async fn tags(&self, project: &str, id: &str) -> StoreResult<Vec<TagItem>> {
        job!(self.read(project, id), |cx| {
            let secret = by_id(cx.tx, project, id)?;
            Ok(cx.tx.tags(project, Some(&secret.name))?.into_iter().map(item).collect())
        })
    }

    /// Sets tags on the secret of id `id` ([`TagAction::Create`]), or removes their keys
    /// ([`TagAction::Delete`]), all at once.
    pub async fn change_tags(
        &self,
        project: &str,
        id: &str,
        action: TagAction,
        tags: Vec<TagItem>,
    ) -> StoreResult<()> {
        job!(self.write(project, id), |cx| {
            let secret = by_id(cx.tx, project, id)?;
            match action {
                TagAction::Create => set_tags(cx.tx, project, &secret.name, tags),
                TagAction::Delete => {
                    for tag in tags {
                        cx.tx.remove_tag(project, &secret.name, &tag.key)?;
                    }
                    Ok(())
                }
            }
        })
    }

    /// Removes the tag `key` from the secret of id `id` ([`StoreError::TagNotFound`] if it has none).
    pub async fn delete_tag(&self, project: &str, id: &str, key: &str) -> StoreResult<()> {
        job!(self.write(project, id, key), |cx| {
            let secret = by_id(cx.tx, project, id)?;
            if cx.tx.remove_tag(project, &secret.name, key)? { Ok(()) } else { Err(StoreError::TagNotFound) }
        })
    }

    /// Every key used on the project's secrets, in key order, with its values (each once, in order).
    pub async fn project_tags(&self, project: &str) -> StoreResult<Vec<ProjectTag>> {
        job!(self.scan(project), |cx| {
            {
                let mut pairs: Vec<(String, String)> =
                    cx.tx.tags(project, None)?.into_iter().map(|t| (t.key, t.value)).collect();
                pairs.sort();
                pairs.dedup();
                let mut out: Vec<ProjectTag> = Vec::new();
                for (key, value) in pairs {
                    match out.last_mut() {
                        Some(last) if last.key == key => last.values.push(value),
                        _ => out.push(ProjectTag { key, values: vec![value] }),
                    }
                }
                Ok(out)
            }
        })
    }

    /// The project's secrets that `query` finds, in name order, the page it asks for, and how many there
    /// are in all. A project's secrets are bounded by its quota: they are read and filtered on the thread
    /// of long reads.
    pub async fn find_by_tags(
        &self,
        project: &str,
        query: TagQuery,
    ) -> StoreResult<(Vec<ResourceInstance>, u64)> {
        job!(self.scan(project), |cx| find(cx.tx, project, &query))
    }

    /// [`Store::find_by_tags`] as the body of ListResourceInstances' answer, written on the thread of long
    /// reads too: a page of a whole project's secrets is megabytes of JSON, not a runtime thread's work.
    pub async fn find_by_tags_response(&self, project: &str, query: TagQuery) -> StoreResult<String> {
        job!(self.scan(project), |cx| {
            let (resources, total) = find(cx.tx, project, &query)?;
            let response = ListResourceInstancesResponse { resources, total_count: total as i64 };
            Ok(serde_json::to_string(&response)?)
        })
    }
}

/// The search by tag, as [`Store::find_by_tags`] answers it.
fn find(tx: &mut dyn Tx, project: &str, query: &TagQuery) -> StoreResult<(Vec<ResourceInstance>, u64)> {
    let mut tags: std::collections::BTreeMap<String, Vec<TagRow>> = Default::default();
    for row in tx.tags(project, None)? {
        tags.entry(row.secret.clone()).or_default().push(row);
    }
    let (mut found, mut after) = (Vec::new(), String::new());
    loop {
        let page = Page { project, after: &after, limit: 1000, event: None };
        let rows = tx.secrets(page)?;
        let Some((last, _)) = rows.last() else { break };
        after = last.clone();
        for (name, doc) in rows {
            let ours = tags.remove(&name).unwrap_or_default();
            if matches(query, &name, &ours) {
                found.push((doc, ours));
            }
        }
    }
    let total = found.len() as u64;
    let page = found.into_iter().skip(query.offset).take(query.limit);
    let resources = page
        .map(|(doc, tags)| {
            let secret = completed(project, decode_secret(&doc)?);
            Ok(ResourceInstance {
                resource_id: secret.id.clone(),
                resource_name: secret.name.clone(),
                resource_detail: secret,
                tags: tags.into_iter().map(item).collect(),
                sys_tags: Vec::new(),
            })
        })
        .collect::<StoreResult<_>>()?;
    Ok((resources, total))
}
