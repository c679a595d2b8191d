//! What a project or an account keeps besides its resources: the secrets checker's setting (per
//! project) and the agencies a secret type's rotation needs (per account). Each is one document in
//! the settings of its scope.

use csms_model::{Agency, SecretsConfig};

use crate::store::job;
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
        job!(self.read(project), |cx| {
            let doc = cx.tx.setting(project, CHECKER)?;
            Ok(doc.map(|d| serde_json::from_str(&d)).transpose()?.unwrap_or_default())
        })
    }

    /// Sets the project's checker setting (`None`: unchanged); answers it as it now is.
    pub async fn update_checker_config(&self, project: &str, on: Option<bool>) -> StoreResult<SecretsConfig> {
        job!(self.write(project), |cx| {
            let doc = cx.tx.setting(project, CHECKER)?;
            let mut config: SecretsConfig =
                doc.map(|d| serde_json::from_str(&d)).transpose()?.unwrap_or_default();
            if let Some(on) = on {
                config.checking_secret_strength = on;
                cx.tx.put_setting(project, CHECKER, &serde_json::to_string(&config)?)?;
            }
            Ok(config)
        })
    }

    /// Whether `account` granted the agencies of `secret_type`.
    pub async fn agencies_granted(&self, account: &str, secret_type: &str) -> StoreResult<bool> {
        let (scope, key) = (account_scope(account), agency_key(secret_type));
        job!(self.read(), |cx| Ok(cx.tx.setting(&scope, &key)?.is_some()))
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
        job!(self.write(), |cx| {
            if cx.tx.setting(&scope, &key)?.is_none() {
                cx.tx.put_setting(&scope, &key, &doc)?;
            }
            Ok(())
        })?;
        Ok(agencies)
    }
}

/// The key of a user's password record in its account's settings.
fn password_key(user: &str) -> String {
    format!("password:{user}")
}

/// A user's password, as kept: its hash (the caller's format) and when it was set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PasswordRecord {
    /// The hash and what recomputes it (salt, parameters), opaque to the store.
    pub hash: String,
    /// When it was set, epoch milliseconds.
    pub changed_at: i64,
}

impl Store {
    /// When each user of `account` last changed its password.
    pub async fn password_changes(
        &self,
        account: &str,
    ) -> StoreResult<std::collections::HashMap<String, i64>> {
        let scope = account_scope(account);
        job!(self.read(), |cx| {
            let docs = cx.tx.settings(&scope, "password:")?;
            docs.into_iter()
                .map(|(key, doc)| {
                    let record: PasswordRecord = serde_json::from_str(&doc)?;
                    Ok((key.trim_start_matches("password:").to_owned(), record.changed_at))
                })
                .collect()
        })
    }

    /// The password record of `user` in `account`, if one was ever set.
    pub async fn password(&self, account: &str, user: &str) -> StoreResult<Option<PasswordRecord>> {
        let (scope, key) = (account_scope(account), password_key(user));
        job!(self.read(), |cx| {
            let doc = cx.tx.setting(&scope, &key)?;
            Ok(doc.map(|d| serde_json::from_str(&d)).transpose()?)
        })
    }

    /// Replaces the password of `user` in `account` with `new` if the hash kept now is still `seen`
    /// (`None`: no record yet), in one transaction: of two changes made from the same record, one
    /// passes. [`StoreError::PreconditionFailed`](crate::StoreError::PreconditionFailed) when the record has changed since it was read.
    ///
    /// The caller checks the old password against the record it read, outside the transaction: a
    /// deliberately slow hash must not hold the writer.
    pub async fn change_password(
        &self,
        account: &str,
        user: &str,
        seen: Option<String>,
        new: PasswordRecord,
    ) -> StoreResult<()> {
        let (scope, key) = (account_scope(account), password_key(user));
        job!(self.write(), |cx| {
            let doc = cx.tx.setting(&scope, &key)?;
            let current: Option<PasswordRecord> = doc.map(|d| serde_json::from_str(&d)).transpose()?;
            if current.map(|r| r.hash) != seen {
                return Err(crate::StoreError::PreconditionFailed);
            }
            cx.tx.put_setting(&scope, &key, &serde_json::to_string(&new)?)
        })
    }
}
