//! One typed method per operation: the model's request body in, its response out. Paths and methods
//! come from [`csms_model::Operation`]; the query options are the small structs below. One file per
//! family of operations: `events`, `secrets` (with versions and rotation), `family` (stages, tags,
//! backups, passwords, batch calls), `account` (grants, the checker, agencies, templates, users).

use csms_model::TaskStatus;

mod account;
mod events;
mod family;
mod secrets;

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
