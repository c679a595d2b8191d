//! Grants and the checker (per project), and the account's operations: agencies, function templates, users.

use csms_model::*;

use super::{TemplateQuery, UsersQuery};
use crate::Client;
use crate::error::Error;
use crate::transport::Call;

impl Client {
    /// CreateGrants. The grant and checker methods together:
    ///
    /// ```
    /// use csms_model::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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

    /// CreateAgency (the caller's account). The account's methods together:
    ///
    /// ```
    /// use csms_client::{TemplateQuery, UsersQuery};
    /// use csms_model::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
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
