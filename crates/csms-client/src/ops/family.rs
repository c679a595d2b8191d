//! Stages and tags, backups, passwords and batch calls.

use csms_model::*;

use crate::Client;
use crate::error::Error;
use crate::transport::Call;

impl Client {
    /// ShowSecretStage. The stage and tag methods together:
    ///
    /// ```
    /// use csms_model::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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

    /// DownloadSecretBlob: the sealed backup of a secret. The backup, password and batch methods together:
    ///
    /// ```
    /// use csms_model::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
}
