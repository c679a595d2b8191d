//! Secrets, their versions, and rotation.

use csms_model::*;

use super::{PageQuery, SecretsQuery, TasksQuery};
use crate::Client;
use crate::error::Error;
use crate::transport::Call;

impl Client {
    /// CreateSecret. The secret and version methods together:
    ///
    /// ```
    /// use csms_client::SecretsQuery;
    /// use csms_model::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// service rotates only the types it has a rotator for (the one here rotates COMMON secrets):
    ///
    /// ```
    /// use csms_client::TasksQuery;
    /// use csms_model::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
}
