//! One typed method per operation: the model's request body in, its response out. Paths and methods
//! come from [`csms_model::Operation`]; the query options are the small structs below.

use csms_model::*;

use crate::Client;
use crate::error::Error;
use crate::transport::Call;

/// A page of a marker-paged list: at most `limit` items after `marker` (exclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageQuery {
    /// Page size (the service's default when absent).
    pub limit: Option<u32>,
    /// The last item of the previous page.
    pub marker: Option<String>,
}

/// ListSecrets' query.
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

    /// CreateSecretEvent.
    pub async fn create_secret_event(
        &self,
        body: &CreateSecretEventRequestBody,
    ) -> Result<SecretEventResponse, Error> {
        self.call(Call::new(Operation::CreateSecretEvent, &[]).json(body)?).await
    }

    /// ListSecretEvents: one page; [`events`](Client::events) walks them all.
    pub async fn list_secret_events(&self, page: &PageQuery) -> Result<ListSecretEventsResponse, Error> {
        let call = Call::new(Operation::ListSecretEvents, &[])
            .query("limit", page.limit)
            .query("marker", page.marker.as_ref());
        self.call(call).await
    }

    /// ShowSecretEvent.
    pub async fn show_secret_event(&self, event_name: &str) -> Result<SecretEventResponse, Error> {
        self.call(Call::new(Operation::ShowSecretEvent, &[event_name])).await
    }

    /// UpdateSecretEvent (a partial update).
    pub async fn update_secret_event(
        &self,
        event_name: &str,
        body: &UpdateSecretEventRequestBody,
    ) -> Result<SecretEventResponse, Error> {
        self.call(Call::new(Operation::UpdateSecretEvent, &[event_name]).json(body)?).await
    }

    /// DeleteSecretEvent.
    pub async fn delete_secret_event(&self, event_name: &str) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::DeleteSecretEvent, &[event_name])).await
    }

    /// ListNotificationRecords: the project's records, newest first.
    pub async fn list_notification_records(&self) -> Result<ListNotificationRecordsResponse, Error> {
        self.call(Call::new(Operation::ListNotificationRecords, &[])).await
    }

    // ----- Secrets and versions -------------------------------------------------------------------

    /// CreateSecret.
    pub async fn create_secret(&self, body: &CreateSecretRequestBody) -> Result<SecretResponse, Error> {
        self.call(Call::new(Operation::CreateSecret, &[]).json(body)?).await
    }

    /// ListSecrets: one page; [`secrets`](Client::secrets) walks them all.
    pub async fn list_secrets(&self, query: &SecretsQuery) -> Result<ListSecretsResponse, Error> {
        let call = Call::new(Operation::ListSecrets, &[])
            .query("limit", query.limit)
            .query("marker", query.marker.as_ref())
            .query("event_name", query.event_name.as_ref());
        self.call(call).await
    }

    /// ShowSecret.
    pub async fn show_secret(&self, secret_name: &str) -> Result<SecretResponse, Error> {
        self.call(Call::new(Operation::ShowSecret, &[secret_name])).await
    }

    /// UpdateSecret.
    pub async fn update_secret(
        &self,
        secret_name: &str,
        body: &UpdateSecretRequestBody,
    ) -> Result<SecretResponse, Error> {
        self.call(Call::new(Operation::UpdateSecret, &[secret_name]).json(body)?).await
    }

    /// DeleteSecret: the secret and every version, at once.
    pub async fn delete_secret(&self, secret_name: &str) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::DeleteSecret, &[secret_name])).await
    }

    /// DeleteSecretForSchedule.
    pub async fn delete_secret_for_schedule(
        &self,
        secret_name: &str,
        body: &DeleteSecretForScheduleRequestBody,
    ) -> Result<SecretResponse, Error> {
        self.call(Call::new(Operation::DeleteSecretForSchedule, &[secret_name]).json(body)?).await
    }

    /// RestoreSecret: cancels a scheduled deletion.
    pub async fn restore_secret(&self, secret_name: &str) -> Result<SecretResponse, Error> {
        self.call(Call::new(Operation::RestoreSecret, &[secret_name])).await
    }

    /// CreateSecretVersion.
    pub async fn create_secret_version(
        &self,
        secret_name: &str,
        body: &CreateSecretVersionRequestBody,
    ) -> Result<VersionMetadataResponse, Error> {
        self.call(Call::new(Operation::CreateSecretVersion, &[secret_name]).json(body)?).await
    }

    /// ListSecretVersions: one page; [`versions`](Client::versions) walks them all.
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
    pub async fn show_secret_version(
        &self,
        secret_name: &str,
        version_id: &str,
    ) -> Result<ShowSecretVersionResponse, Error> {
        self.call(Call::new(Operation::ShowSecretVersion, &[secret_name, version_id])).await
    }

    /// UpdateVersion: a version's expiry.
    pub async fn update_version(
        &self,
        secret_name: &str,
        version_id: &str,
        body: &UpdateVersionRequestBody,
    ) -> Result<VersionMetadataResponse, Error> {
        self.call(Call::new(Operation::UpdateVersion, &[secret_name, version_id]).json(body)?).await
    }

    /// RotateSecret: starts a rotation task ([`wait_for_task`](Client::wait_for_task) follows it).
    pub async fn rotate_secret(&self, secret_name: &str) -> Result<RotateSecretResponse, Error> {
        self.call(Call::new(Operation::RotateSecret, &[secret_name])).await
    }

    /// ListSecretTask: one page; [`tasks`](Client::tasks) walks them all.
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

    /// ShowSecretStage.
    pub async fn show_secret_stage(
        &self,
        secret_name: &str,
        stage_name: &str,
    ) -> Result<StageResponse, Error> {
        self.call(Call::new(Operation::ShowSecretStage, &[secret_name, stage_name])).await
    }

    /// UpdateSecretStage: puts a stage on a version.
    pub async fn update_secret_stage(
        &self,
        secret_name: &str,
        stage_name: &str,
        body: &UpdateSecretStageRequestBody,
    ) -> Result<StageResponse, Error> {
        self.call(Call::new(Operation::UpdateSecretStage, &[secret_name, stage_name]).json(body)?).await
    }

    /// DeleteSecretStage.
    pub async fn delete_secret_stage(&self, secret_name: &str, stage_name: &str) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::DeleteSecretStage, &[secret_name, stage_name])).await
    }

    /// ListSecretTags (the secret by its id).
    pub async fn list_secret_tags(&self, secret_id: &str) -> Result<ListSecretTagsResponse, Error> {
        self.call(Call::new(Operation::ListSecretTags, &[secret_id])).await
    }

    /// CreateSecretTag (the secret by its id).
    pub async fn create_secret_tag(
        &self,
        secret_id: &str,
        body: &CreateSecretTagRequestBody,
    ) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::CreateSecretTag, &[secret_id]).json(body)?).await
    }

    /// DeleteSecretTag (the secret by its id).
    pub async fn delete_secret_tag(&self, secret_id: &str, key: &str) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::DeleteSecretTag, &[secret_id, key])).await
    }

    /// BatchCreateOrDeleteTags (the secret by its id).
    pub async fn batch_create_or_delete_tags(
        &self,
        secret_id: &str,
        body: &BatchCreateOrDeleteTagsRequestBody,
    ) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::BatchCreateOrDeleteTags, &[secret_id]).json(body)?).await
    }

    /// ListProjectSecretsTags.
    pub async fn list_project_secrets_tags(&self) -> Result<ListProjectSecretsTagsResponse, Error> {
        self.call(Call::new(Operation::ListProjectSecretsTags, &[])).await
    }

    /// ListResourceInstances: finds (or counts) secrets by tags.
    pub async fn list_resource_instances(
        &self,
        body: &ListResourceInstancesRequestBody,
    ) -> Result<ListResourceInstancesResponse, Error> {
        self.call(Call::new(Operation::ListResourceInstances, &[]).json(body)?).await
    }

    // ----- Backups, passwords, batch calls --------------------------------------------------------

    /// DownloadSecretBlob: the sealed backup of a secret.
    pub async fn download_secret_blob(&self, secret_name: &str) -> Result<SecretBlobResponse, Error> {
        self.call(Call::new(Operation::DownloadSecretBlob, &[secret_name])).await
    }

    /// UploadSecretBlob: restores a backup.
    pub async fn upload_secret_blob(
        &self,
        body: &UploadSecretBlobRequestBody,
    ) -> Result<SecretResponse, Error> {
        self.call(Call::new(Operation::UploadSecretBlob, &[]).json(body)?).await
    }

    /// GenerateRandomPassword.
    pub async fn generate_random_password(
        &self,
        body: &CreatePasswordRequestBody,
    ) -> Result<CreatePasswordResponse, Error> {
        self.call(Call::new(Operation::GenerateRandomPassword, &[]).json(body)?).await
    }

    /// BatchGetSecretValue.
    pub async fn batch_get_secret_value(
        &self,
        body: &BatchGetSecretValueRequestBody,
    ) -> Result<BatchGetSecretValueResponse, Error> {
        self.call(Call::new(Operation::BatchGetSecretValue, &[]).json(body)?).await
    }

    /// BatchImportSecrets.
    pub async fn batch_import_secrets(
        &self,
        body: &BatchImportSecretsRequestBody,
    ) -> Result<BatchImportSecretsResponse, Error> {
        self.call(Call::new(Operation::BatchImportSecrets, &[]).json(body)?).await
    }

    // ----- Grants and the checker -----------------------------------------------------------------

    /// CreateGrants.
    pub async fn create_grants(&self, body: &GrantSecretRequestBody) -> Result<GrantDataResponse, Error> {
        self.call(Call::new(Operation::CreateGrants, &[]).json(body)?).await
    }

    /// ListGrants: a resource's grants.
    pub async fn list_grants(&self, resource_id: &str) -> Result<ListGrantsResponse, Error> {
        self.call(Call::new(Operation::ListGrants, &[]).query("resource_id", Some(resource_id))).await
    }

    /// UpdateGrant.
    pub async fn update_grant(
        &self,
        resource_id: &str,
        body: &GrantSecretRequestBody,
    ) -> Result<GrantDataResponse, Error> {
        self.call(Call::new(Operation::UpdateGrant, &[]).query("resource_id", Some(resource_id)).json(body)?)
            .await
    }

    /// DeleteGrant: the grantee's grant, or every grant of the resource.
    pub async fn delete_grant(&self, resource_id: &str, grantee_user: Option<&str>) -> Result<(), Error> {
        let call = Call::new(Operation::DeleteGrant, &[])
            .query("resource_id", Some(resource_id))
            .query("grantee_user", grantee_user);
        self.call_empty(call).await
    }

    /// ShowSecretsConfig.
    pub async fn show_secrets_config(&self) -> Result<SecretsConfig, Error> {
        self.call(Call::new(Operation::ShowSecretsConfig, &[])).await
    }

    /// UpdateSecretsConfig.
    pub async fn update_secrets_config(
        &self,
        body: &UpdateSecretsConfigRequestBody,
    ) -> Result<SecretsConfig, Error> {
        self.call(Call::new(Operation::UpdateSecretsConfig, &[]).json(body)?).await
    }

    /// CheckSecrets.
    pub async fn check_secrets(&self, body: &CheckSecretsRequestBody) -> Result<CheckSecretsResponse, Error> {
        self.call(Call::new(Operation::CheckSecrets, &[]).json(body)?).await
    }

    // ----- The account ----------------------------------------------------------------------------

    /// CreateAgency (the caller's account).
    pub async fn create_agency(&self, body: &CreateAgencyRequestBody) -> Result<CreateAgencyResponse, Error> {
        self.call(Call::new(Operation::CreateAgency, &[]).json(body)?).await
    }

    /// ShowAgency (the caller's account).
    pub async fn show_agency(&self, secret_type: &str) -> Result<ShowAgencyResponse, Error> {
        self.call(Call::new(Operation::ShowAgency, &[]).query("secret_type", Some(secret_type))).await
    }

    /// ShowSecretFunctionTemplates.
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
    pub async fn list_users(&self, query: &UsersQuery) -> Result<ListUsersResponse, Error> {
        let call = Call::new(Operation::ListUsers, &[])
            .query("offset", Some(query.offset))
            .query("limit", Some(query.limit))
            .query("org_id", query.org_id.as_ref())
            .query("user_info", query.user_info.as_ref());
        self.call(call).await
    }

    /// ShowUserDetail.
    pub async fn show_user_detail(&self, user_id: &str) -> Result<UserDetail, Error> {
        self.call(Call::new(Operation::ShowUserDetail, &[user_id])).await
    }

    /// UpdateUserPassword: the calling credentials' user's own password.
    pub async fn update_user_password(
        &self,
        body: &UpdateUserPasswordRequestBody,
    ) -> Result<UpdateUserPasswordResponse, Error> {
        self.call(Call::new(Operation::UpdateUserPassword, &[]).json(body)?).await
    }
}
