//! What a project or an account keeps besides its resources: the secrets checker's setting (per
//! project) and the agencies a secret type's rotation needs (per account). Each is one document in
//! the settings of its scope.

use csms_model::{Agency, SecretsConfig};

use crate::{Store, StoreResult};

/// The key of the checker's setting in a project's settings.
const CHECKER: &str = "checker";

/// The scope of an account's settings (a project's are the project id).
fn account_scope(account: &str) -> String {
    format!("account:{account}")
}

fn agency_key(secret_type: &str) -> String {
    format!("agencies:{secret_type}")
}

/// The agencies a secret type's rotation needs: one for the secrets service to call FunctionGraph, one
/// for the function to reach the database and the secret.
fn agency_names(secret_type: &str) -> [String; 2] {
    let kind = secret_type.to_ascii_lowercase().replace('-', "_");
    [format!("csms_{kind}_rotation"), format!("fgs_{kind}_rotation_function")]
}

/// An agency's id: a UUID derived from the account and the agency's name, the same on every instance.
fn agency_id(account: &str, name: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("csms/agency/{account}/{name}").as_bytes())
        .hyphenated()
        .to_string()
}

/// The agencies of `secret_type` for `account`.
fn agencies(account: &str, secret_type: &str) -> Vec<Agency> {
    agency_names(secret_type)
        .into_iter()
        .map(|name| Agency { agency_id: Some(agency_id(account, &name)), agency_name: name, error_msg: None })
        .collect()
}

impl Store {
    /// The project's checker setting (off until set).
    pub async fn checker_config(&self, project: &str) -> StoreResult<SecretsConfig> {
        let project = project.to_owned();
        self.read(move |cx| {
            Box::pin(async move {
                let doc = cx.tx.setting(&project, CHECKER).await?;
                Ok(doc.map(|d| serde_json::from_str(&d)).transpose()?.unwrap_or_default())
            })
        })
        .await
    }

    /// Sets the project's checker setting (`None`: unchanged); answers it as it now is.
    pub async fn update_checker_config(&self, project: &str, on: Option<bool>) -> StoreResult<SecretsConfig> {
        let project = project.to_owned();
        self.write(move |cx| {
            Box::pin(async move {
                let doc = cx.tx.setting(&project, CHECKER).await?;
                let mut config: SecretsConfig =
                    doc.map(|d| serde_json::from_str(&d)).transpose()?.unwrap_or_default();
                if let Some(on) = on {
                    config.checking_secret_strength = on;
                    cx.tx.put_setting(&project, CHECKER, &serde_json::to_string(&config)?).await?;
                }
                Ok(config)
            })
        })
        .await
    }

    /// Whether `account` granted the agencies of `secret_type`.
    pub async fn agencies_granted(&self, account: &str, secret_type: &str) -> StoreResult<bool> {
        let (scope, key) = (account_scope(account), agency_key(secret_type));
        self.read(move |cx| Box::pin(async move { Ok(cx.tx.setting(&scope, &key).await?.is_some()) })).await
    }

    /// Grants the agencies of `secret_type` for `account` at `now` (again: the same agencies).
    pub async fn grant_agencies(
        &self,
        account: &str,
        secret_type: &str,
        now: i64,
    ) -> StoreResult<Vec<Agency>> {
        let (scope, key) = (account_scope(account), agency_key(secret_type));
        let agencies = agencies(account, secret_type);
        let doc = serde_json::json!({ "granted_at": now, "agencies": &agencies }).to_string();
        self.write(move |cx| {
            Box::pin(async move {
                if cx.tx.setting(&scope, &key).await?.is_none() {
                    cx.tx.put_setting(&scope, &key, &doc).await?;
                }
                Ok(())
            })
        })
        .await?;
        Ok(agencies)
    }
}
