//! The operations of the API: the route table, written once.
//!
//! The HTTP layer (`csms-http`) routes requests by this table, and the OpenAPI document
//! (`cargo xtask schemas`) takes its paths from it; a Rust client can build its URLs from it.

/// The path of the service's OpenAPI document, answered without credentials.
pub const OPENAPI_PATH: &str = "/openapi.json";
/// The path of the service's health check, answered without credentials.
pub const HEALTH_PATH: &str = "/healthz";

/// Writes a family's route table: `Operation`, an enum of operations, each with its upstream operation id,
/// HTTP method and path template, with `ALL`, `id()`, `method()`, `path()` and `has_project()`. CSMS's table
/// is [`Operation`]; the neighbouring families (SMN, KMS) write theirs with it in their own crates.
///
/// ```
/// mod kms {
///     csms_model::route_table! {
///         /// Creates a key.
///         CreateKey => ("POST", "/v1.0/{project_id}/kms/create-key"),
///     }
/// }
/// assert_eq!(kms::Operation::CreateKey.id(), "CreateKey");
/// assert!(kms::Operation::CreateKey.has_project());
/// ```
#[macro_export]
macro_rules! route_table {
    ($( $(#[$doc:meta])* $variant:ident => ($method:literal, $path:literal), )+) => {
        /// An operation of the API, with its method and path template.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            $( $(#[$doc])* $variant, )+
        }

        impl Operation {
            /// Every operation, in documentation order.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),+];

            /// The operation id, as upstream names it (`UpdateSecretEvent`).
            pub const fn id(self) -> &'static str {
                match self { $( Operation::$variant => stringify!($variant), )+ }
            }

            /// The HTTP method, upper case.
            pub const fn method(self) -> &'static str {
                match self { $( Operation::$variant => $method, )+ }
            }

            /// The path template, with `{project_id}` and the resource's name parameters.
            pub const fn path(self) -> &'static str {
                match self { $( Operation::$variant => $path, )+ }
            }

            /// Whether the path names a project: the account-level operations (`/v1/csms/...`) act on
            /// the caller's account instead.
            pub fn has_project(self) -> bool {
                self.path().contains("{project_id}")
            }
        }
    };
}

route_table! {
    /// Creates an event.
    CreateSecretEvent => ("POST", "/v1/{project_id}/csms/events"),
    /// Lists a project's events by name, a page at a time.
    ListSecretEvents => ("GET", "/v1/{project_id}/csms/events"),
    /// Shows one event.
    ShowSecretEvent => ("GET", "/v1/{project_id}/csms/events/{event_name}"),
    /// Updates an event (partial update): the seed operation.
    UpdateSecretEvent => ("PUT", "/v1/{project_id}/csms/events/{event_name}"),
    /// Deletes an event.
    DeleteSecretEvent => ("DELETE", "/v1/{project_id}/csms/events/{event_name}"),
    /// Lists the notifications a project's events produced.
    ListNotificationRecords => ("GET", "/v1/{project_id}/csms/notification-records"),
    /// Creates a secret with its first version.
    CreateSecret => ("POST", "/v1/{project_id}/secrets"),
    /// Lists a project's secrets by name, a page at a time, optionally those subscribed to one event.
    ListSecrets => ("GET", "/v1/{project_id}/secrets"),
    /// Shows one secret (never its value).
    ShowSecret => ("GET", "/v1/{project_id}/secrets/{secret_name}"),
    /// Updates a secret's metadata and subscription.
    UpdateSecret => ("PUT", "/v1/{project_id}/secrets/{secret_name}"),
    /// Deletes a secret and every version at once.
    DeleteSecret => ("DELETE", "/v1/{project_id}/secrets/{secret_name}"),
    /// Schedules a secret's deletion after a recovery window.
    DeleteSecretForSchedule => ("POST", "/v1/{project_id}/secrets/{secret_name}/scheduled-deleted-tasks/create"),
    /// Cancels a scheduled deletion.
    RestoreSecret => ("POST", "/v1/{project_id}/secrets/{secret_name}/scheduled-deleted-tasks/cancel"),
    /// Adds a version to a secret.
    CreateSecretVersion => ("POST", "/v1/{project_id}/secrets/{secret_name}/versions"),
    /// Lists a secret's versions (never their values), oldest first.
    ListSecretVersions => ("GET", "/v1/{project_id}/secrets/{secret_name}/versions"),
    /// Shows one version with its value (`latest` is the version holding `SYSCURRENT`).
    ShowSecretVersion => ("GET", "/v1/{project_id}/secrets/{secret_name}/versions/{version_id}"),
    /// Changes a version's expiry.
    UpdateVersion => ("PUT", "/v1/{project_id}/secrets/{secret_name}/versions/{version_id}"),
    /// Starts a rotation: a task that makes a new version (asynchronously).
    RotateSecret => ("POST", "/v1/{project_id}/secrets/{secret_name}/rotate"),
    /// Lists rotation tasks, to poll one until it ends.
    ListSecretTask => ("GET", "/v1/{project_id}/csms/tasks"),
    /// Shows which version a stage marks.
    ShowSecretStage => ("GET", "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}"),
    /// Puts a stage on a version (creating the stage), taking it off the version that held it.
    UpdateSecretStage => ("PUT", "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}"),
    /// Removes a stage (not SYSCURRENT or SYSPREVIOUS).
    DeleteSecretStage => ("DELETE", "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}"),
    /// Lists a secret's tags (the secret named by its id).
    ListSecretTags => ("GET", "/v1/{project_id}/csms/{secret_id}/tags"),
    /// Adds a tag to a secret, or sets the value of its key.
    CreateSecretTag => ("POST", "/v1/{project_id}/csms/{secret_id}/tags"),
    /// Removes a tag from a secret.
    DeleteSecretTag => ("DELETE", "/v1/{project_id}/csms/{secret_id}/tags/{key}"),
    /// Sets or removes several tags of a secret at once.
    BatchCreateOrDeleteTags => ("POST", "/v1/{project_id}/csms/{secret_id}/tags/action"),
    /// Lists every tag key used on the project's secrets, with its values.
    ListProjectSecretsTags => ("GET", "/v1/{project_id}/csms/tags"),
    /// Finds secrets by tags and name, a page at a time, or counts them.
    ListResourceInstances => ("POST", "/v1/{project_id}/csms/resource_instances/action"),
    /// Backs a secret up: every version, sealed, as an opaque blob.
    DownloadSecretBlob => ("POST", "/v1/{project_id}/secrets/{secret_name}/backup"),
    /// Restores a backed-up secret whose name is free.
    UploadSecretBlob => ("POST", "/v1/{project_id}/secrets/restore"),
    /// Makes a random password.
    GenerateRandomPassword => ("POST", "/v1/{project_id}/csms/generate-password"),
    /// The SYSCURRENT values of several secrets.
    BatchGetSecretValue => ("POST", "/v1/{project_id}/secrets/batch-get-secret-value"),
    /// Creates several secrets, each on its own.
    BatchImportSecrets => ("POST", "/v1/{project_id}/secrets/batch-import"),
    /// Grants a resource to a user or a group.
    CreateGrants => ("POST", "/v1/{project_id}/csms/grants"),
    /// The grants of a resource (`?resource_id=`).
    ListGrants => ("GET", "/v1/{project_id}/csms/grants"),
    /// Changes a grant (`?resource_id=`).
    UpdateGrant => ("PUT", "/v1/{project_id}/csms/grants"),
    /// Removes a grant, or every grant of a resource (`?resource_id=&grantee_user=`).
    DeleteGrant => ("DELETE", "/v1/{project_id}/csms/grants"),
    /// The project's secrets-checker setting.
    ShowSecretsConfig => ("GET", "/v1/{project_id}/secrets/checker/config"),
    /// Changes the project's secrets-checker setting.
    UpdateSecretsConfig => ("POST", "/v1/{project_id}/secrets/checker/config"),
    /// Checks a value's strength.
    CheckSecrets => ("POST", "/v1/{project_id}/secrets/checker/check"),
    /// Grants the agencies a secret type's rotation needs, for the caller's account.
    CreateAgency => ("POST", "/v1/csms/agencies"),
    /// Whether the caller's account granted a secret type's agencies.
    ShowAgency => ("GET", "/v1/csms/agencies"),
    /// The rotation function template of a secret type.
    ShowSecretFunctionTemplates => ("GET", "/v1/csms/function-templates"),
    /// The users of the caller's account.
    ListUsers => ("GET", "/v1/csms/users"),
    /// One user of the caller's account.
    ShowUserDetail => ("GET", "/v1/csms/users/{user_id}"),
    /// Changes the caller's own password.
    UpdateUserPassword => ("POST", "/v1/csms/users/change-password"),
}

#[cfg(test)]
mod tests {
    use super::Operation;

    #[test]
    fn ids_methods_and_paths_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        for op in Operation::ALL {
            assert!(seen.insert((op.method(), op.path())), "{op:?} repeats a method and path");
            // A project's operations, or the account's (no project in the path).
            assert!(
                op.path().starts_with("/v1/{project_id}/") || op.path().starts_with("/v1/csms/"),
                "{op:?}"
            );
            assert_eq!(op.has_project(), op.path().starts_with("/v1/{project_id}/"), "{op:?}");
        }
        assert_eq!(Operation::UpdateSecretEvent.id(), "UpdateSecretEvent");
    }
}
