//! One typed method per operation: the model's request body in, its response out. Paths and methods
//! come from [`csms_model::Operation`]; the query options are the small structs below.

use csms_model::*;

use crate::Client;
use crate::error::Error;
use crate::transport::Call;

/// A page of a marker-paged list: at most `limit` items after `marker` (exclusive).
///
/// ```
/// let first = csms_client::PageQuery { limit: Some(10), marker: None };
/// let next = csms_client::PageQuery { marker: Some("event-09".into()), ..first };
/// assert_eq!(next.limit, Some(10));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageQuery {
    /// Page size (the service's default when absent).
    pub limit: Option<u32>,
    /// The last item of the previous page.
    pub marker: Option<String>,
}

/// ListSecrets' query.
///
/// ```
/// let subscribed = csms_client::SecretsQuery { event_name: Some("rotation-alerts".into()), ..Default::default() };
/// assert_eq!(subscribed.limit, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretsQuery {
    /// Page size.
    pub limit: Option<u32>,
    /// The last secret name of the previous page.
    pub marker: Option<String>,
    /// Only the secrets subscribed to this event.
    pub event_name: Option<String>,
}

/// ListSecretTask's query.
///
/// ```
/// use csms_model::TaskStatus;
/// let failed = csms_client::TasksQuery { status: Some(TaskStatus::Failed), ..Default::default() };
/// assert_eq!(failed.secret_name, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TasksQuery {
    /// Only this secret's tasks.
    pub secret_name: Option<String>,
    /// Only tasks in this status.
    pub status: Option<TaskStatus>,
    /// Only this task.
    pub task_id: Option<String>,
    /// Page size.
    pub limit: Option<u32>,
    /// The last task id of the previous page.
    pub marker: Option<String>,
}

/// ListUsers' query: `offset` is a page number from 0, `limit` 10 to 100.
///
/// ```
/// let query = csms_client::UsersQuery::default();
/// assert_eq!((query.offset, query.limit), (0, 100));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsersQuery {
    /// The page number, from 0.
    pub offset: u32,
    /// Page size, 10 to 100.
    pub limit: u32,
    /// Only this organisation's users.
    pub org_id: Option<String>,
    /// Only users whose login or display name holds this.
    pub user_info: Option<String>,
}

impl Default for UsersQuery {
    fn default() -> Self {
        UsersQuery { offset: 0, limit: 100, org_id: None, user_info: None }
    }
}

/// ShowSecretFunctionTemplates' query.
///
/// ```
/// let query = csms_client::TemplateQuery {
///     secret_type: "GaussDB-FG".into(),
///     secret_sub_type: "MultiUser".into(),
///     engine: None,
/// };
/// assert!(query.engine.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateQuery {
    /// `RDS-FG` or `GaussDB-FG`.
    pub secret_type: String,
    /// `SingleUser` or `MultiUser`.
    pub secret_sub_type: String,
    /// The database engine (RDS-FG only): `mysql`, `postgresql`, `sqlserver`.
    pub engine: Option<String>,
}

impl Client {
    // ----- Events ---------------------------------------------------------------------------------

    /// CreateSecretEvent. The event methods together:
    ///
    /// ```
    /// use csms_client::PageQuery;
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let service = csms_http::CsmsService::new(csms_store::Store::memory(), Arc::new(credentials)).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let target_id = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts".to_owned();
    /// let notification = Notification { target_type: TargetType::Smn, target_id, target_name: "alerts".into() };
    /// let body = CreateSecretEventRequestBody {
    ///     name: "rotation-alerts".into(),
    ///     event_types: vec![EventType::SecretRotated],
    ///     state: EventState::Enabled,
    ///     notification,
    /// };
    /// client.create_secret_event(&body).await?;
    /// let off = UpdateSecretEventRequestBody { state: Some(EventState::Disabled), ..Default::default() };
    /// client.update_secret_event("rotation-alerts", &off).await?;
    /// assert_eq!(client.show_secret_event("rotation-alerts").await?.event.state, EventState::Disabled);
    /// let page = client.list_secret_events(&PageQuery { limit: Some(10), marker: None }).await?;
    /// assert_eq!(page.events.len(), 1);
    /// assert!(client.list_notification_records().await?.records.is_empty());
    /// client.delete_secret_event("rotation-alerts").await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_secret_event(
        &self,
        body: &CreateSecretEventRequestBody,
    ) -> Result<SecretEventResponse, Error> {
        self.call(Call::new(Operation::CreateSecretEvent, &[]).json(body)?).await
    }

    /// ListSecretEvents: one page; [`events`](Client::events) walks them all.
    ///
    /// ```
    /// use csms_model::*;
    /// use csms_client::PageQuery;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let target_id = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts".to_owned();
    /// # let notification = Notification { target_type: TargetType::Smn, target_id, target_name: "alerts".into() };
    /// # client.create_secret_event(&CreateSecretEventRequestBody { name: "alerts".into(), event_types: vec![EventType::SecretRotated], state: EventState::Enabled, notification }).await?;
    /// let page = client.list_secret_events(&PageQuery { limit: Some(10), marker: None }).await?;
    /// assert_eq!(page.events[0].name, "alerts");
    /// # Ok(()) }
    /// ```
    pub async fn list_secret_events(&self, page: &PageQuery) -> Result<ListSecretEventsResponse, Error> {
        let call = Call::new(Operation::ListSecretEvents, &[])
            .query("limit", page.limit)
            .query("marker", page.marker.as_ref());
        self.call(call).await
    }

    /// ShowSecretEvent.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let target_id = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts".to_owned();
    /// # let notification = Notification { target_type: TargetType::Smn, target_id, target_name: "alerts".into() };
    /// # client.create_secret_event(&CreateSecretEventRequestBody { name: "alerts".into(), event_types: vec![EventType::SecretRotated], state: EventState::Enabled, notification }).await?;
    /// let shown = client.show_secret_event("alerts").await?;
    /// assert_eq!(shown.event.state, EventState::Enabled);
    /// # Ok(()) }
    /// ```
    pub async fn show_secret_event(&self, event_name: &str) -> Result<SecretEventResponse, Error> {
        self.call(Call::new(Operation::ShowSecretEvent, &[event_name])).await
    }

    /// UpdateSecretEvent (a partial update).
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let target_id = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts".to_owned();
    /// # let notification = Notification { target_type: TargetType::Smn, target_id, target_name: "alerts".into() };
    /// # client.create_secret_event(&CreateSecretEventRequestBody { name: "alerts".into(), event_types: vec![EventType::SecretRotated], state: EventState::Enabled, notification }).await?;
    /// let off = UpdateSecretEventRequestBody { state: Some(EventState::Disabled), ..Default::default() };
    /// assert_eq!(client.update_secret_event("alerts", &off).await?.event.state, EventState::Disabled);
    /// # Ok(()) }
    /// ```
    pub async fn update_secret_event(
        &self,
        event_name: &str,
        body: &UpdateSecretEventRequestBody,
    ) -> Result<SecretEventResponse, Error> {
        self.call(Call::new(Operation::UpdateSecretEvent, &[event_name]).json(body)?).await
    }

    /// DeleteSecretEvent.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let target_id = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts".to_owned();
    /// # let notification = Notification { target_type: TargetType::Smn, target_id, target_name: "alerts".into() };
    /// # client.create_secret_event(&CreateSecretEventRequestBody { name: "alerts".into(), event_types: vec![EventType::SecretRotated], state: EventState::Enabled, notification }).await?;
    /// client.delete_secret_event("alerts").await?;
    /// assert!(client.show_secret_event("alerts").await.unwrap_err().is_not_found());
    /// # Ok(()) }
    /// ```
    pub async fn delete_secret_event(&self, event_name: &str) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::DeleteSecretEvent, &[event_name])).await
    }

    /// ListNotificationRecords: the project's records, newest first.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let records = client.list_notification_records().await?;
    /// assert!(records.records.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn list_notification_records(&self) -> Result<ListNotificationRecordsResponse, Error> {
        self.call(Call::new(Operation::ListNotificationRecords, &[])).await
    }

    // ----- Secrets and versions -------------------------------------------------------------------

    /// CreateSecret. The secret and version methods together:
    ///
    /// ```
    /// use csms_client::SecretsQuery;
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let service = csms_http::CsmsService::new(csms_store::Store::memory(), Arc::new(credentials)).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let body = CreateSecretRequestBody {
    ///     name: "db".into(),
    ///     secret_string: Some(SecretValue::new("first")),
    ///     ..Default::default()
    /// };
    /// client.create_secret(&body).await?;
    /// let second = CreateSecretVersionRequestBody {
    ///     secret_string: Some(SecretValue::new("second")),
    ///     secret_binary: None,
    ///     version_stages: None,
    ///     expire_time: None,
    /// };
    /// assert_eq!(client.create_secret_version("db", &second).await?.version_metadata.id, "v2");
    /// let latest = client.show_secret_version("db", "latest").await?.version;
    /// assert_eq!(latest.secret_string.unwrap().expose(), "second");
    /// let expiry = UpdateVersionRequestBody { expire_time: Some(4_000_000_000_000) };
    /// client.update_version("db", "v1", &expiry).await?;
    /// let about = UpdateSecretRequestBody { description: Some("the database".into()), ..Default::default() };
    /// client.update_secret("db", &about).await?;
    /// assert_eq!(client.list_secrets(&SecretsQuery::default()).await?.secrets.len(), 1);
    /// let window = DeleteSecretForScheduleRequestBody { recovery_window_in_days: 7 };
    /// client.delete_secret_for_schedule("db", &window).await?;
    /// assert_eq!(client.restore_secret("db").await?.secret.state, SecretState::Enabled);
    /// client.delete_secret("db").await?;
    /// assert!(client.show_secret("db").await.unwrap_err().is_not_found());
    /// # Ok(()) }
    /// ```
    pub async fn create_secret(&self, body: &CreateSecretRequestBody) -> Result<SecretResponse, Error> {
        self.call(Call::new(Operation::CreateSecret, &[]).json(body)?).await
    }

    /// ListSecrets: one page; [`secrets`](Client::secrets) walks them all.
    ///
    /// ```
    /// use csms_model::*;
    /// use csms_client::SecretsQuery;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let page = client.list_secrets(&SecretsQuery { limit: Some(10), ..Default::default() }).await?;
    /// assert_eq!(page.secrets[0].name, "db");
    /// # Ok(()) }
    /// ```
    pub async fn list_secrets(&self, query: &SecretsQuery) -> Result<ListSecretsResponse, Error> {
        let call = Call::new(Operation::ListSecrets, &[])
            .query("limit", query.limit)
            .query("marker", query.marker.as_ref())
            .query("event_name", query.event_name.as_ref());
        self.call(call).await
    }

    /// ShowSecret.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// assert_eq!(client.show_secret("db").await?.secret.id, secret.id);
    /// # Ok(()) }
    /// ```
    pub async fn show_secret(&self, secret_name: &str) -> Result<SecretResponse, Error> {
        self.call(Call::new(Operation::ShowSecret, &[secret_name])).await
    }

    /// UpdateSecret.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let about = UpdateSecretRequestBody { description: Some("the database".into()), ..Default::default() };
    /// let updated = client.update_secret("db", &about).await?;
    /// assert_eq!(updated.secret.description.as_deref(), Some("the database"));
    /// # Ok(()) }
    /// ```
    pub async fn update_secret(
        &self,
        secret_name: &str,
        body: &UpdateSecretRequestBody,
    ) -> Result<SecretResponse, Error> {
        self.call(Call::new(Operation::UpdateSecret, &[secret_name]).json(body)?).await
    }

    /// DeleteSecret: the secret and every version, at once.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// client.delete_secret("db").await?;
    /// assert!(client.show_secret("db").await.unwrap_err().is_not_found());
    /// # Ok(()) }
    /// ```
    pub async fn delete_secret(&self, secret_name: &str) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::DeleteSecret, &[secret_name])).await
    }

    /// DeleteSecretForSchedule.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let window = DeleteSecretForScheduleRequestBody { recovery_window_in_days: 7 };
    /// let pending = client.delete_secret_for_schedule("db", &window).await?;
    /// assert_eq!(pending.secret.state, SecretState::PendingDelete);
    /// # Ok(()) }
    /// ```
    pub async fn delete_secret_for_schedule(
        &self,
        secret_name: &str,
        body: &DeleteSecretForScheduleRequestBody,
    ) -> Result<SecretResponse, Error> {
        self.call(Call::new(Operation::DeleteSecretForSchedule, &[secret_name]).json(body)?).await
    }

    /// RestoreSecret: cancels a scheduled deletion.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// # client.delete_secret_for_schedule("db", &DeleteSecretForScheduleRequestBody { recovery_window_in_days: 7 }).await?;
    /// assert_eq!(client.restore_secret("db").await?.secret.state, SecretState::Enabled);
    /// # Ok(()) }
    /// ```
    pub async fn restore_secret(&self, secret_name: &str) -> Result<SecretResponse, Error> {
        self.call(Call::new(Operation::RestoreSecret, &[secret_name])).await
    }

    /// CreateSecretVersion.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let body = CreateSecretVersionRequestBody {
    ///     secret_string: Some(SecretValue::new("v2-value")),
    ///     secret_binary: None,
    ///     version_stages: None,
    ///     expire_time: None,
    /// };
    /// assert_eq!(client.create_secret_version("db", &body).await?.version_metadata.id, "v2");
    /// # Ok(()) }
    /// ```
    pub async fn create_secret_version(
        &self,
        secret_name: &str,
        body: &CreateSecretVersionRequestBody,
    ) -> Result<VersionMetadataResponse, Error> {
        self.call(Call::new(Operation::CreateSecretVersion, &[secret_name]).json(body)?).await
    }

    /// ListSecretVersions: one page; [`versions`](Client::versions) walks them all.
    ///
    /// ```
    /// use csms_model::*;
    /// use csms_client::PageQuery;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let page = client.list_secret_versions("db", &PageQuery::default()).await?;
    /// assert_eq!(page.version_metadatas[0].id, "v1");
    /// # Ok(()) }
    /// ```
    pub async fn list_secret_versions(
        &self,
        secret_name: &str,
        page: &PageQuery,
    ) -> Result<ListSecretVersionsResponse, Error> {
        let path = [secret_name];
        let call = Call::new(Operation::ListSecretVersions, &path)
            .query("limit", page.limit)
            .query("marker", page.marker.as_ref());
        self.call(call).await
    }

    /// ShowSecretVersion: a version with its value (`latest`: the SYSCURRENT one).
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let version = client.show_secret_version("db", "latest").await?.version;
    /// assert_eq!(version.secret_string.unwrap().expose(), "v1-value");
    /// # Ok(()) }
    /// ```
    pub async fn show_secret_version(
        &self,
        secret_name: &str,
        version_id: &str,
    ) -> Result<ShowSecretVersionResponse, Error> {
        self.call(Call::new(Operation::ShowSecretVersion, &[secret_name, version_id])).await
    }

    /// UpdateVersion: a version's expiry.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let expiry = UpdateVersionRequestBody { expire_time: Some(4_000_000_000_000) };
    /// let metadata = client.update_version("db", "v1", &expiry).await?.version_metadata;
    /// assert_eq!(metadata.expire_time, Some(4_000_000_000_000));
    /// # Ok(()) }
    /// ```
    pub async fn update_version(
        &self,
        secret_name: &str,
        version_id: &str,
        body: &UpdateVersionRequestBody,
    ) -> Result<VersionMetadataResponse, Error> {
        self.call(Call::new(Operation::UpdateVersion, &[secret_name, version_id]).json(body)?).await
    }

    /// RotateSecret: starts a rotation task ([`wait_for_task`](Client::wait_for_task) follows it). A
    /// service rotates only the types it has a rotator for; this one has none, so the task fails:
    ///
    /// ```
    /// use std::time::Duration;
    /// use csms_client::TasksQuery;
    /// use csms_model::*;
    /// # use std::sync::Arc;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let service = csms_http::CsmsService::new(csms_store::Store::memory(), Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v")), ..Default::default() };
    /// client.create_secret(&body).await?;
    /// let started = client.rotate_secret("db").await?;
    /// let tasks = client.list_secret_task(&TasksQuery { secret_name: Some("db".into()), ..Default::default() }).await?;
    /// assert_eq!(tasks.tasks[0].task_id, started.rotation_task_id);
    /// # Ok(()) }
    /// ```
    pub async fn rotate_secret(&self, secret_name: &str) -> Result<RotateSecretResponse, Error> {
        self.call(Call::new(Operation::RotateSecret, &[secret_name])).await
    }

    /// ListSecretTask: one page; [`tasks`](Client::tasks) walks them all.
    ///
    /// ```
    /// use csms_model::*;
    /// use csms_client::TasksQuery;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// # client.rotate_secret("db").await?;
    /// let query = TasksQuery { secret_name: Some("db".into()), ..Default::default() };
    /// assert_eq!(client.list_secret_task(&query).await?.total, 1);
    /// # Ok(()) }
    /// ```
    pub async fn list_secret_task(&self, query: &TasksQuery) -> Result<ListSecretTaskResponse, Error> {
        let call = Call::new(Operation::ListSecretTask, &[])
            .query("secret_name", query.secret_name.as_ref())
            .query("status", query.status.as_ref().map(|s| s.as_str().to_owned()))
            .query("task_id", query.task_id.as_ref())
            .query("limit", query.limit)
            .query("marker", query.marker.as_ref());
        self.call(call).await
    }

    // ----- Stages and tags ------------------------------------------------------------------------

    /// ShowSecretStage. The stage and tag methods together:
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let service = csms_http::CsmsService::new(csms_store::Store::memory(), Arc::new(credentials)).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v")), ..Default::default() };
    /// let id = client.create_secret(&body).await?.secret.id;
    /// let stage = UpdateSecretStageRequestBody { version_id: "v1".into() };
    /// client.update_secret_stage("db", "blue", &stage).await?;
    /// assert_eq!(client.show_secret_stage("db", "blue").await?.stage.version_id, "v1");
    /// client.delete_secret_stage("db", "blue").await?;
    /// let tag = TagItem { key: "team".into(), value: Some("payments".into()) };
    /// client.create_secret_tag(&id, &CreateSecretTagRequestBody { tag: tag.clone() }).await?;
    /// assert_eq!(client.list_secret_tags(&id).await?.tags, [tag]);
    /// assert_eq!(client.list_project_secrets_tags().await?.tags.len(), 1);
    /// let delete = BatchCreateOrDeleteTagsRequestBody {
    ///     action: "delete".into(),
    ///     tags: vec![TagItem { key: "team".into(), value: None }],
    ///     sequence: None,
    /// };
    /// client.batch_create_or_delete_tags(&id, &delete).await?;
    /// let count = ListResourceInstancesRequestBody {
    ///     action: "count".into(), limit: None, offset: None, tags: None, matches: None, sequence: None,
    /// };
    /// assert_eq!(client.list_resource_instances(&count).await?.total_count, 1);
    /// # Ok(()) }
    /// ```
    pub async fn show_secret_stage(
        &self,
        secret_name: &str,
        stage_name: &str,
    ) -> Result<StageResponse, Error> {
        self.call(Call::new(Operation::ShowSecretStage, &[secret_name, stage_name])).await
    }

    /// UpdateSecretStage: puts a stage on a version.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let stage = UpdateSecretStageRequestBody { version_id: "v1".into() };
    /// assert_eq!(client.update_secret_stage("db", "blue", &stage).await?.stage.name, "blue");
    /// # Ok(()) }
    /// ```
    pub async fn update_secret_stage(
        &self,
        secret_name: &str,
        stage_name: &str,
        body: &UpdateSecretStageRequestBody,
    ) -> Result<StageResponse, Error> {
        self.call(Call::new(Operation::UpdateSecretStage, &[secret_name, stage_name]).json(body)?).await
    }

    /// DeleteSecretStage.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// # client.update_secret_stage("db", "blue", &UpdateSecretStageRequestBody { version_id: "v1".into() }).await?;
    /// client.delete_secret_stage("db", "blue").await?;
    /// assert!(client.show_secret_stage("db", "blue").await.unwrap_err().is_not_found());
    /// # Ok(()) }
    /// ```
    pub async fn delete_secret_stage(&self, secret_name: &str, stage_name: &str) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::DeleteSecretStage, &[secret_name, stage_name])).await
    }

    /// ListSecretTags (the secret by its id).
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// # let team = TagItem { key: "team".into(), value: Some("payments".into()) };
    /// # client.create_secret_tag(&secret.id, &CreateSecretTagRequestBody { tag: team }).await?;
    /// let tags = client.list_secret_tags(&secret.id).await?.tags;
    /// assert_eq!(tags[0].key, "team");
    /// # Ok(()) }
    /// ```
    pub async fn list_secret_tags(&self, secret_id: &str) -> Result<ListSecretTagsResponse, Error> {
        self.call(Call::new(Operation::ListSecretTags, &[secret_id])).await
    }

    /// CreateSecretTag (the secret by its id).
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let tag = TagItem { key: "team".into(), value: Some("payments".into()) };
    /// client.create_secret_tag(&secret.id, &CreateSecretTagRequestBody { tag }).await?;
    /// assert_eq!(client.list_secret_tags(&secret.id).await?.tags.len(), 1);
    /// # Ok(()) }
    /// ```
    pub async fn create_secret_tag(
        &self,
        secret_id: &str,
        body: &CreateSecretTagRequestBody,
    ) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::CreateSecretTag, &[secret_id]).json(body)?).await
    }

    /// DeleteSecretTag (the secret by its id).
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// # let team = TagItem { key: "team".into(), value: Some("payments".into()) };
    /// # client.create_secret_tag(&secret.id, &CreateSecretTagRequestBody { tag: team }).await?;
    /// client.delete_secret_tag(&secret.id, "team").await?;
    /// assert!(client.list_secret_tags(&secret.id).await?.tags.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn delete_secret_tag(&self, secret_id: &str, key: &str) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::DeleteSecretTag, &[secret_id, key])).await
    }

    /// BatchCreateOrDeleteTags (the secret by its id).
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let tag = |key: &str, value: &str| TagItem { key: key.into(), value: Some(value.into()) };
    /// let tags = vec![tag("env", "prod"), tag("team", "payments")];
    /// let body = BatchCreateOrDeleteTagsRequestBody { action: "create".into(), tags, sequence: None };
    /// client.batch_create_or_delete_tags(&secret.id, &body).await?;
    /// assert_eq!(client.list_secret_tags(&secret.id).await?.tags.len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn batch_create_or_delete_tags(
        &self,
        secret_id: &str,
        body: &BatchCreateOrDeleteTagsRequestBody,
    ) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::BatchCreateOrDeleteTags, &[secret_id]).json(body)?).await
    }

    /// ListProjectSecretsTags.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// # let team = TagItem { key: "team".into(), value: Some("payments".into()) };
    /// # client.create_secret_tag(&secret.id, &CreateSecretTagRequestBody { tag: team }).await?;
    /// let tags = client.list_project_secrets_tags().await?.tags;
    /// assert_eq!((tags[0].key.as_str(), tags[0].values.as_slice()), ("team", &["payments".to_owned()][..]));
    /// # Ok(()) }
    /// ```
    pub async fn list_project_secrets_tags(&self) -> Result<ListProjectSecretsTagsResponse, Error> {
        self.call(Call::new(Operation::ListProjectSecretsTags, &[])).await
    }

    /// ListResourceInstances: finds (or counts) secrets by tags.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// # let team = TagItem { key: "team".into(), value: Some("payments".into()) };
    /// # client.create_secret_tag(&secret.id, &CreateSecretTagRequestBody { tag: team }).await?;
    /// let body = ListResourceInstancesRequestBody {
    ///     action: "filter".into(),
    ///     limit: Some(Count::Text("10".into())),
    ///     offset: None,
    ///     tags: Some(vec![TagFilter { key: "team".into(), values: vec!["payments".into()] }]),
    ///     matches: None,
    ///     sequence: None,
    /// };
    /// assert_eq!(client.list_resource_instances(&body).await?.resources[0].resource_name, "db");
    /// # Ok(()) }
    /// ```
    pub async fn list_resource_instances(
        &self,
        body: &ListResourceInstancesRequestBody,
    ) -> Result<ListResourceInstancesResponse, Error> {
        self.call(Call::new(Operation::ListResourceInstances, &[]).json(body)?).await
    }

    // ----- Backups, passwords, batch calls --------------------------------------------------------

    /// DownloadSecretBlob: the sealed backup of a secret. The backup, password and batch methods together:
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let service = csms_http::CsmsService::new(csms_store::Store::memory(), Arc::new(credentials)).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let secret = |name: &str| CreateSecretRequestBody { name: name.into(), secret_string: Some(SecretValue::new("v")), ..Default::default() };
    /// let import = BatchImportSecretsRequestBody { secrets: vec![secret("a"), secret("b")] };
    /// assert_eq!(client.batch_import_secrets(&import).await?.success, 2);
    /// let both = BatchGetSecretValueRequestBody { secret_name_list: vec!["a".into(), "b".into()] };
    /// assert_eq!(client.batch_get_secret_value(&both).await?.total_count, 2);
    /// let secret_blob = client.download_secret_blob("a").await?.secret_blob;
    /// client.delete_secret("a").await?;
    /// client.upload_secret_blob(&UploadSecretBlobRequestBody { secret_blob }).await?;
    /// let options = CreatePasswordRequestBody { length: Some(24), ..Default::default() };
    /// assert_eq!(client.generate_random_password(&options).await?.password.expose().len(), 24);
    /// # Ok(()) }
    /// ```
    pub async fn download_secret_blob(&self, secret_name: &str) -> Result<SecretBlobResponse, Error> {
        self.call(Call::new(Operation::DownloadSecretBlob, &[secret_name])).await
    }

    /// UploadSecretBlob: restores a backup.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let secret_blob = client.download_secret_blob("db").await?.secret_blob;
    /// client.delete_secret("db").await?;
    /// let restored = client.upload_secret_blob(&UploadSecretBlobRequestBody { secret_blob }).await?;
    /// assert_eq!(restored.secret.name, "db");
    /// # Ok(()) }
    /// ```
    pub async fn upload_secret_blob(
        &self,
        body: &UploadSecretBlobRequestBody,
    ) -> Result<SecretResponse, Error> {
        self.call(Call::new(Operation::UploadSecretBlob, &[]).json(body)?).await
    }

    /// GenerateRandomPassword.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let options = CreatePasswordRequestBody { length: Some(16), exclude_punctuation: Some(true), ..Default::default() };
    /// let password = client.generate_random_password(&options).await?.password;
    /// assert!(password.expose().chars().all(char::is_alphanumeric));
    /// # Ok(()) }
    /// ```
    pub async fn generate_random_password(
        &self,
        body: &CreatePasswordRequestBody,
    ) -> Result<CreatePasswordResponse, Error> {
        self.call(Call::new(Operation::GenerateRandomPassword, &[]).json(body)?).await
    }

    /// BatchGetSecretValue.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let body = CreateSecretRequestBody { name: "db".into(), secret_string: Some(SecretValue::new("v1-value")), ..Default::default() };
    /// # let secret = client.create_secret(&body).await?.secret;
    /// let body = BatchGetSecretValueRequestBody { secret_name_list: vec!["db".into()] };
    /// let values = client.batch_get_secret_value(&body).await?;
    /// assert_eq!(values.versions[0].secret_string.as_ref().unwrap().expose(), "v1-value");
    /// # Ok(()) }
    /// ```
    pub async fn batch_get_secret_value(
        &self,
        body: &BatchGetSecretValueRequestBody,
    ) -> Result<BatchGetSecretValueResponse, Error> {
        self.call(Call::new(Operation::BatchGetSecretValue, &[]).json(body)?).await
    }

    /// BatchImportSecrets.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let secret = |name: &str| CreateSecretRequestBody {
    ///     name: name.into(),
    ///     secret_string: Some(SecretValue::new("v")),
    ///     ..Default::default()
    /// };
    /// let body = BatchImportSecretsRequestBody { secrets: vec![secret("a"), secret("b")] };
    /// assert_eq!(client.batch_import_secrets(&body).await?.success, 2);
    /// # Ok(()) }
    /// ```
    pub async fn batch_import_secrets(
        &self,
        body: &BatchImportSecretsRequestBody,
    ) -> Result<BatchImportSecretsResponse, Error> {
        self.call(Call::new(Operation::BatchImportSecrets, &[]).json(body)?).await
    }

    // ----- Grants and the checker -----------------------------------------------------------------

    /// CreateGrants. The grant and checker methods together:
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let service = csms_http::CsmsService::new(csms_store::Store::memory(), Arc::new(credentials)).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let grant = GrantSecretRequestBody {
    ///     resource_id: "team-7".into(),
    ///     r#type: "GROUP".into(),
    ///     grantee_type: "0".into(),
    ///     grantee_target_id: "u1".into(),
    ///     validity_time: Some("2030-12-31".into()),
    /// };
    /// assert_eq!(client.create_grants(&grant).await?.data.validity_time, Some(1_924_991_999_999));
    /// assert_eq!(client.list_grants("team-7").await?.data.grantee_user[0].user_name, "alice");
    /// client.update_grant("team-7", &GrantSecretRequestBody { validity_time: None, ..grant }).await?;
    /// client.delete_grant("team-7", None).await?;
    /// let on = UpdateSecretsConfigRequestBody { checking_secret_strength: Some(true) };
    /// client.update_secrets_config(&on).await?;
    /// assert!(client.show_secrets_config().await?.checking_secret_strength);
    /// let check = CheckSecretsRequestBody {
    ///     r#type: "STRENGTH".into(),
    ///     data: CheckData { secret_string: Some(SecretValue::new("c0rrect-Horse-battery-staple")) },
    /// };
    /// assert_eq!(client.check_secrets(&check).await?.data.strength, "STRONG");
    /// # Ok(()) }
    /// ```
    pub async fn create_grants(&self, body: &GrantSecretRequestBody) -> Result<GrantDataResponse, Error> {
        self.call(Call::new(Operation::CreateGrants, &[]).json(body)?).await
    }

    /// ListGrants: a resource's grants.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let grant = GrantSecretRequestBody { resource_id: "team-7".into(), r#type: "GROUP".into(), grantee_type: "0".into(), grantee_target_id: "u1".into(), validity_time: None };
    /// # client.create_grants(&grant).await?;
    /// let grants = client.list_grants("team-7").await?.data;
    /// assert_eq!(grants.grantee_user[0].user_id, "u1");
    /// # Ok(()) }
    /// ```
    pub async fn list_grants(&self, resource_id: &str) -> Result<ListGrantsResponse, Error> {
        self.call(Call::new(Operation::ListGrants, &[]).query("resource_id", Some(resource_id))).await
    }

    /// UpdateGrant.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let grant = GrantSecretRequestBody { resource_id: "team-7".into(), r#type: "GROUP".into(), grantee_type: "0".into(), grantee_target_id: "u1".into(), validity_time: None };
    /// # client.create_grants(&grant).await?;
    /// let change = GrantSecretRequestBody { validity_time: Some("2030-12-31".into()), ..grant };
    /// assert_eq!(client.update_grant("team-7", &change).await?.data.validity_time, Some(1_924_991_999_999));
    /// # Ok(()) }
    /// ```
    pub async fn update_grant(
        &self,
        resource_id: &str,
        body: &GrantSecretRequestBody,
    ) -> Result<GrantDataResponse, Error> {
        self.call(Call::new(Operation::UpdateGrant, &[]).query("resource_id", Some(resource_id)).json(body)?)
            .await
    }

    /// DeleteGrant: the grantee's grant, or every grant of the resource.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// # let grant = GrantSecretRequestBody { resource_id: "team-7".into(), r#type: "GROUP".into(), grantee_type: "0".into(), grantee_target_id: "u1".into(), validity_time: None };
    /// # client.create_grants(&grant).await?;
    /// client.delete_grant("team-7", Some("u1")).await?;
    /// assert!(client.list_grants("team-7").await.unwrap_err().is_not_found());
    /// # Ok(()) }
    /// ```
    pub async fn delete_grant(&self, resource_id: &str, grantee_user: Option<&str>) -> Result<(), Error> {
        let call = Call::new(Operation::DeleteGrant, &[])
            .query("resource_id", Some(resource_id))
            .query("grantee_user", grantee_user);
        self.call_empty(call).await
    }

    /// ShowSecretsConfig.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// assert!(!client.show_secrets_config().await?.checking_secret_strength);
    /// # Ok(()) }
    /// ```
    pub async fn show_secrets_config(&self) -> Result<SecretsConfig, Error> {
        self.call(Call::new(Operation::ShowSecretsConfig, &[])).await
    }

    /// UpdateSecretsConfig.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let on = UpdateSecretsConfigRequestBody { checking_secret_strength: Some(true) };
    /// assert!(client.update_secrets_config(&on).await?.checking_secret_strength);
    /// # Ok(()) }
    /// ```
    pub async fn update_secrets_config(
        &self,
        body: &UpdateSecretsConfigRequestBody,
    ) -> Result<SecretsConfig, Error> {
        self.call(Call::new(Operation::UpdateSecretsConfig, &[]).json(body)?).await
    }

    /// CheckSecrets.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let check = CheckSecretsRequestBody {
    ///     r#type: "STRENGTH".into(),
    ///     data: CheckData { secret_string: Some(SecretValue::new("password")) },
    /// };
    /// assert_eq!(client.check_secrets(&check).await?.data.strength, "WEAK");
    /// # Ok(()) }
    /// ```
    pub async fn check_secrets(&self, body: &CheckSecretsRequestBody) -> Result<CheckSecretsResponse, Error> {
        self.call(Call::new(Operation::CheckSecrets, &[]).json(body)?).await
    }

    // ----- The account ----------------------------------------------------------------------------

    /// CreateAgency (the caller's account). The account's methods together:
    ///
    /// ```
    /// use csms_client::{TemplateQuery, UsersQuery};
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let service = csms_http::CsmsService::new(csms_store::Store::memory(), Arc::new(credentials)).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// client.create_agency(&CreateAgencyRequestBody { secret_type: "RDS-FG".into() }).await?;
    /// assert_eq!(client.show_agency("RDS-FG").await?.agency_granted, "true");
    /// let query = TemplateQuery {
    ///     secret_type: "GaussDB-FG".into(),
    ///     secret_sub_type: "SingleUser".into(),
    ///     engine: None,
    /// };
    /// assert!(client.show_secret_function_templates(&query).await?.function_templates.contains("def handler"));
    /// assert_eq!(client.list_users(&UsersQuery::default()).await?.users[0].user_name, "alice");
    /// assert_eq!(client.show_user_detail("u1").await?.name, "Alice");
    /// let change = UpdateUserPasswordRequestBody {
    ///     password: SecretValue::new("a-new-password"),
    ///     old_password: SecretValue::new(""),
    /// };
    /// assert_eq!(client.update_user_password(&change).await?.user_id, "u1");
    /// # Ok(()) }
    /// ```
    pub async fn create_agency(&self, body: &CreateAgencyRequestBody) -> Result<CreateAgencyResponse, Error> {
        self.call(Call::new(Operation::CreateAgency, &[]).json(body)?).await
    }

    /// ShowAgency (the caller's account).
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// assert_eq!(client.show_agency("RDS-FG").await?.agency_granted, "false");
    /// # Ok(()) }
    /// ```
    pub async fn show_agency(&self, secret_type: &str) -> Result<ShowAgencyResponse, Error> {
        self.call(Call::new(Operation::ShowAgency, &[]).query("secret_type", Some(secret_type))).await
    }

    /// ShowSecretFunctionTemplates.
    ///
    /// ```
    /// use csms_model::*;
    /// use csms_client::TemplateQuery;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let query = TemplateQuery {
    ///     secret_type: "RDS-FG".into(),
    ///     secret_sub_type: "SingleUser".into(),
    ///     engine: Some("mysql".into()),
    /// };
    /// assert!(client.show_secret_function_templates(&query).await?.function_templates.contains("pymysql"));
    /// # Ok(()) }
    /// ```
    pub async fn show_secret_function_templates(
        &self,
        query: &TemplateQuery,
    ) -> Result<FunctionTemplatesResponse, Error> {
        let call = Call::new(Operation::ShowSecretFunctionTemplates, &[])
            .query("secret_type", Some(&query.secret_type))
            .query("secret_sub_type", Some(&query.secret_sub_type))
            .query("engine", query.engine.as_ref());
        self.call(call).await
    }

    /// ListUsers: one page of the caller's account's users; [`users`](Client::users) walks them all.
    ///
    /// ```
    /// use csms_model::*;
    /// use csms_client::UsersQuery;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let page = client.list_users(&UsersQuery { offset: 0, limit: 10, ..Default::default() }).await?;
    /// assert_eq!((page.total, page.users[0].user_id.as_str()), (1, "u1"));
    /// # Ok(()) }
    /// ```
    pub async fn list_users(&self, query: &UsersQuery) -> Result<ListUsersResponse, Error> {
        let call = Call::new(Operation::ListUsers, &[])
            .query("offset", Some(query.offset))
            .query("limit", Some(query.limit))
            .query("org_id", query.org_id.as_ref())
            .query("user_info", query.user_info.as_ref());
        self.call(call).await
    }

    /// ShowUserDetail.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// assert_eq!(client.show_user_detail("u1").await?.user_name, "alice");
    /// # Ok(()) }
    /// ```
    pub async fn show_user_detail(&self, user_id: &str) -> Result<UserDetail, Error> {
        self.call(Call::new(Operation::ShowUserDetail, &[user_id])).await
    }

    /// UpdateUserPassword: the calling credentials' user's own password.
    ///
    /// ```
    /// use csms_model::*;
    /// # use std::{sync::Arc, time::Duration};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let endpoint = format!("http://{}", listener.local_addr()?);
    /// # let scope = csms_http::auth::ProjectScope::All;
    /// # let credentials = csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    /// # let user = csms_http::DirectoryUser { user_id: "u1".into(), user_name: "alice".into(), name: "Alice".into(), account: "*".into(), org_id: String::new(), mobile: String::new(), email: String::new(), initial_password: None, created_at: 0 };
    /// # let store = csms_store::Store::memory();
    /// # let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget)).with_rotator(SecretType::Common, Arc::new(csms_worker::RandomValue)).with_poll(Duration::from_millis(20));
    /// # tokio::spawn(Arc::new(worker).run(std::future::pending()));
    /// # let service = csms_http::CsmsService::new(store, Arc::new(credentials)).with_rotate_common(true).with_directory(csms_http::Directory::default().with_user(user));
    /// # tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    /// # let client = csms_client::Client::builder().endpoint(endpoint).token("doc-token-0123456789").project("0123456789abcdef0123456789abcdef").build()?;
    /// let change = UpdateUserPasswordRequestBody {
    ///     password: SecretValue::new("a-new-password"),
    ///     old_password: SecretValue::new(""), // alice has no password yet
    /// };
    /// assert_eq!(client.update_user_password(&change).await?.user_id, "u1");
    /// # Ok(()) }
    /// ```
    pub async fn update_user_password(
        &self,
        body: &UpdateUserPasswordRequestBody,
    ) -> Result<UpdateUserPasswordResponse, Error> {
        self.call(Call::new(Operation::UpdateUserPassword, &[]).json(body)?).await
    }
}
