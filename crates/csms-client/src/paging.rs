//! Every list as a [`Stream`] of its items: the pages are fetched as the caller reads, the markers (or
//! page numbers) kept here. And [`Client::wait_for_task`], which follows a rotation task to its end.

use std::future::Future;
use std::time::{Duration, Instant};

use csms_model::{
    Count, Event, ListResourceInstancesRequestBody, ResourceInstance, Secret, SecretTask, TagFilter,
    TagMatch, TaskStatus, UserSummary, VersionMetadata,
};
use futures_util::stream::{self, Stream, TryStreamExt};

use crate::Client;
use crate::error::Error;
use crate::ops::{PageQuery, SecretsQuery, TasksQuery, UsersQuery};

/// The items of every page `fetch` answers, from the first (`None`) on: each page answers its items
/// and the marker of the next page, `None` after the last. An empty page ends the walk too.
fn walk<T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T, Error>> + Send
where
    T: Send,
    F: FnMut(Option<String>) -> Fut + Send,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error>> + Send,
{
    stream::try_unfold((fetch, Some(None)), |(mut fetch, next)| async move {
        let Some(marker) = next else { return Ok(None) };
        let (items, next_marker) = fetch(marker).await?;
        let next = if items.is_empty() { None } else { next_marker.map(Some) };
        Ok(Some((stream::iter(items.into_iter().map(Ok)), (fetch, next))))
    })
    .try_flatten()
}

impl Client {
    /// Every event of the project, by name, `page_size` at a time (the service's default when `None`).
    ///
    /// ```
    /// use csms_model::*;
    /// use futures_util::TryStreamExt;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// let target_id = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts".to_owned();
    /// for n in 0..25 {
    ///     let notification = Notification { target_type: TargetType::Smn, target_id: target_id.clone(), target_name: "t".into() };
    ///     let body = CreateSecretEventRequestBody {
    ///         name: format!("event-{n:02}"),
    ///         event_types: vec![EventType::SecretRotated],
    ///         state: EventState::Enabled,
    ///         notification,
    ///     };
    ///     client.create_secret_event(&body).await?;
    /// }
    /// // Pages of 10: three calls, one stream.
    /// let mut events = std::pin::pin!(client.events(Some(10)));
    /// let mut names = Vec::new();
    /// while let Some(event) = events.try_next().await? {
    ///     names.push(event.name);
    /// }
    /// assert_eq!((names.len(), names[24].as_str()), (25, "event-24"));
    /// # Ok(()) }
    /// ```
    pub fn events(
        &self,
        page_size: Option<u32>,
    ) -> impl Stream<Item = Result<Event, Error>> + Send + 'static {
        let client = self.clone();
        walk(move |marker| {
            let (client, page) = (client.clone(), PageQuery { limit: page_size, marker });
            async move {
                let page = client.list_secret_events(&page).await?;
                Ok((page.events, page.page_info.next_marker))
            }
        })
    }

    /// Every secret of the project (only those subscribed to `event_name`, if given), by name.
    ///
    /// ```
    /// use csms_model::*;
    /// use futures_util::TryStreamExt;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let names: Vec<String> = client.secrets(None).map_ok(|s| s.name).try_collect().await?;
    /// assert_eq!(names, ["db"]);
    /// # Ok(()) }
    /// ```
    pub fn secrets(
        &self,
        event_name: Option<String>,
    ) -> impl Stream<Item = Result<Secret, Error>> + Send + 'static {
        let client = self.clone();
        walk(move |marker| {
            let query = SecretsQuery { limit: None, marker, event_name: event_name.clone() };
            let client = client.clone();
            async move {
                let page = client.list_secrets(&query).await?;
                Ok((page.secrets, page.page_info.next_marker))
            }
        })
    }

    /// Every version of a secret (never their values), oldest first.
    ///
    /// ```
    /// use csms_model::*;
    /// use futures_util::TryStreamExt;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let versions: Vec<VersionMetadata> = client.versions("db").try_collect().await?;
    /// assert_eq!(versions[0].version_stages, ["SYSCURRENT"]);
    /// # Ok(()) }
    /// ```
    pub fn versions(
        &self,
        secret_name: impl Into<String>,
    ) -> impl Stream<Item = Result<VersionMetadata, Error>> + Send + 'static {
        let (client, name) = (self.clone(), secret_name.into());
        walk(move |marker| {
            let (client, name) = (client.clone(), name.clone());
            async move {
                let page = client.list_secret_versions(&name, &PageQuery { limit: None, marker }).await?;
                Ok((page.version_metadatas, page.page_info.next_marker))
            }
        })
    }

    /// Every rotation task the query matches (its `marker` is where the walk starts).
    ///
    /// ```
    /// use csms_model::*;
    /// use csms_client::TasksQuery;
    /// use futures_util::TryStreamExt;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// # client.rotate_secret("db").await?;
    /// let tasks: Vec<SecretTask> = client.tasks(TasksQuery::default()).try_collect().await?;
    /// assert_eq!(tasks[0].secret_name, "db");
    /// # Ok(()) }
    /// ```
    pub fn tasks(&self, query: TasksQuery) -> impl Stream<Item = Result<SecretTask, Error>> + Send + 'static {
        let client = self.clone();
        let first = query.marker.clone();
        walk(move |marker| {
            let query = TasksQuery { marker: marker.or_else(|| first.clone()), ..query.clone() };
            let client = client.clone();
            async move {
                let page = client.list_secret_task(&query).await?;
                Ok((page.tasks, page.next_marker))
            }
        })
    }

    /// Every user of the caller's account the query matches, from its page `offset` on.
    ///
    /// ```
    /// use csms_model::*;
    /// use csms_client::UsersQuery;
    /// use futures_util::TryStreamExt;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// let users: Vec<UserSummary> = client.users(UsersQuery::default()).try_collect().await?;
    /// assert_eq!(users[0].user_name, "alice");
    /// # Ok(()) }
    /// ```
    pub fn users(
        &self,
        query: UsersQuery,
    ) -> impl Stream<Item = Result<UserSummary, Error>> + Send + 'static {
        let client = self.clone();
        walk(move |marker| {
            let page_number = marker.and_then(|m| m.parse().ok()).unwrap_or(query.offset);
            let query = UsersQuery { offset: page_number, ..query.clone() };
            let client = client.clone();
            async move {
                let page = client.list_users(&query).await?;
                let seen = u64::from(page_number + 1) * u64::from(query.limit);
                let more = i64::try_from(seen).is_ok_and(|seen| seen < page.total);
                Ok((page.users, more.then(|| (page_number + 1).to_string())))
            }
        })
    }

    /// Every secret the tags and matches find (ListResourceInstances' `filter`), a page of `page_size`
    /// (1 to 1000) at a time.
    ///
    /// ```
    /// use csms_model::*;
    /// use futures_util::TryStreamExt;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// # let team = TagItem { key: "team".into(), value: Some("payments".into()) };
    /// # client.create_secret_tag(&secret.id, &CreateSecretTagRequestBody { tag: team }).await?;
    /// let filter = vec![TagFilter { key: "team".into(), values: vec!["payments".into()] }];
    /// let found: Vec<ResourceInstance> = client.resource_instances(filter, vec![], 100).try_collect().await?;
    /// assert_eq!(found[0].resource_name, "db");
    /// # Ok(()) }
    /// ```
    pub fn resource_instances(
        &self,
        tags: Vec<TagFilter>,
        matches: Vec<TagMatch>,
        page_size: u32,
    ) -> impl Stream<Item = Result<ResourceInstance, Error>> + Send + 'static {
        let client = self.clone();
        walk(move |marker| {
            let offset: u64 = marker.and_then(|m| m.parse().ok()).unwrap_or(0);
            let body = ListResourceInstancesRequestBody {
                action: "filter".into(),
                limit: Some(Count::Text(page_size.to_string())),
                offset: Some(Count::Text(offset.to_string())),
                tags: (!tags.is_empty()).then(|| tags.clone()),
                matches: (!matches.is_empty()).then(|| matches.clone()),
                sequence: None,
            };
            let client = client.clone();
            async move {
                let page = client.list_resource_instances(&body).await?;
                let next = offset + page.resources.len() as u64;
                let more = i64::try_from(next).is_ok_and(|next| next < page.total_count);
                Ok((page.resources, more.then(|| next.to_string())))
            }
        })
    }

    /// Polls a rotation task every `poll` until it ends (SUCCESS or FAILED), as Terraform's provider
    /// does; [`Error::Timeout`] if it has not within `timeout`.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::time::Duration;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let started = client.rotate_secret("db").await?;
    /// let task = client.wait_for_task(&started.rotation_task_id, Duration::from_millis(50), Duration::from_secs(30)).await?;
    /// assert_eq!(task.task_status, TaskStatus::Success);
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_task(
        &self,
        task_id: &str,
        poll: Duration,
        timeout: Duration,
    ) -> Result<SecretTask, Error> {
        let started = Instant::now();
        loop {
            let query = TasksQuery { task_id: Some(task_id.to_owned()), ..TasksQuery::default() };
            let page = self.list_secret_task(&query).await?;
            if let Some(task) = page.tasks.into_iter().find(|t| t.task_id == task_id)
                && task.task_status != TaskStatus::Pending
            {
                return Ok(task);
            }
            if started.elapsed() + poll > timeout {
                return Err(Error::Timeout);
            }
            tokio::time::sleep(poll).await;
        }
    }
}
