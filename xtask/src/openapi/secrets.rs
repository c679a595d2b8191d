//! The documentation of the secrets' operations: secrets, their versions, rotation and its tasks.

use csms_model::limits::{self};
use csms_model::*;
use schemars::generate::SchemaGenerator;
use serde_json::{Value, json};

use super::{Doc, doc, query_rule, reference, secret_name_parameter};

/// The secrets' operations (part 2 of the contract).
pub(super) fn docs(
    generator: &mut SchemaGenerator,
    project_id: &Value,
    errors: &dyn Fn(&[ErrorCode], bool) -> Vec<ErrorCode>,
) -> Vec<Doc> {
    use ErrorCode::*;
    let secret_name = secret_name_parameter();
    let version_id = json!({"name": "version_id", "in": "path", "required": true,
        "description": "`v1`, `v2`, ... or `latest` (the version holding SYSCURRENT).",
        "schema": {"type": "string", "pattern": format!("^({VERSION_NUMBER}|{LATEST})$")}});
    let limit = json!({"name": "limit", "in": "query", "required": false, "description": "Page size.",
        "schema": {"type": "integer", "minimum": limits::LIST_LIMIT_MIN, "maximum": limits::LIST_LIMIT_MAX,
                   "default": limits::LIST_LIMIT_DEFAULT}});
    let secret_marker = json!({"name": "marker", "in": "query", "required": false,
        "description": "The last secret name of the previous page (exclusive).", "schema": query_rule(limits::MARKER)});
    let version_marker = json!({"name": "marker", "in": "query", "required": false,
        "description": "The last version id of the previous page (exclusive).",
        "schema": {"type": "string", "pattern": format!("^({VERSION_NUMBER})?$")}});
    let event_name = json!({"name": "event_name", "in": "query", "required": false,
        "description": "Only the secrets subscribed to this event.", "schema": query_rule(limits::EVENT_NAME)});
    let on_secret = vec![project_id.clone(), secret_name.clone()];
    let on_version = vec![project_id.clone(), secret_name, version_id];
    let secret_response = (reference::<SecretResponse>(generator), example!("secret-response.upstream.json"));
    let metadata_response = (
        reference::<VersionMetadataResponse>(generator),
        json!({"version_metadata": {"id": "v2", "create_time": 1581507580000i64, "expire_time": 1700000000000i64,
               "secret_name": "demo", "version_stages": ["SYSCURRENT"]}}),
    );
    let pending = [NotFound, SecretPendingDeletion];
    let limit = &limit;
    vec![
        doc(
            Operation::CreateSecret,
            "Create a secret",
            "Creates a secret and its first version `v1` (stage SYSCURRENT). Exactly one of `secret_string` and `secret_binary`; a subscription must name an event of the project.",
            std::slice::from_ref(project_id),
            Some((
                reference::<CreateSecretRequestBody>(generator),
                example!("create-secret-request.upstream.json"),
            )),
            ("200", Some(secret_response.clone())),
            errors(&[AlreadyExists, SecretQuotaExceeded], true),
        ),
        doc(
            Operation::ListSecrets,
            "List secrets",
            "Lists the project's secrets in ascending name order, a page at a time; with `event_name`, only those subscribed to it. Never their values.",
            &[project_id.clone(), limit.clone(), secret_marker, event_name],
            None,
            (
                "200",
                Some((
                    reference::<ListSecretsResponse>(generator),
                    json!({"secrets": [], "page_info": {"current_count": 0}}),
                )),
            ),
            errors(&[], false),
        ),
        doc(
            Operation::ShowSecret,
            "Show a secret",
            "Shows one secret's metadata, never its value.",
            &on_secret,
            None,
            ("200", Some(secret_response.clone())),
            errors(&[NotFound], false),
        ),
        doc(
            Operation::UpdateSecret,
            "Update a secret",
            "A partial update of the metadata; a present `event_subscriptions` replaces the subscription (`[]` removes it).",
            &on_secret,
            Some((
                reference::<UpdateSecretRequestBody>(generator),
                example!("update-secret-request.upstream.json"),
            )),
            ("200", Some(secret_response.clone())),
            errors(&pending, true),
        ),
        doc(
            Operation::DeleteSecret,
            "Delete a secret",
            "Deletes a secret and every version, immediately.",
            &on_secret,
            None,
            ("204", None),
            errors(&[NotFound], false),
        ),
        doc(
            Operation::DeleteSecretForSchedule,
            "Schedule a secret's deletion",
            "Marks the secret PENDING_DELETE; it is deleted after `recovery_window_in_days` unless restored.",
            &on_secret,
            Some((
                reference::<DeleteSecretForScheduleRequestBody>(generator),
                json!({"recovery_window_in_days": 7}),
            )),
            ("200", Some(secret_response.clone())),
            errors(&pending, true),
        ),
        doc(
            Operation::RestoreSecret,
            "Cancel a scheduled deletion",
            "The secret is ENABLED again. A body, if any, is not read.",
            &on_secret,
            None,
            ("200", Some(secret_response)),
            errors(&[NotFound, SecretNotPendingDeletion], false),
        ),
        doc(
            Operation::CreateSecretVersion,
            "Add a version",
            "Adds `v{n}`: it takes its stages (SYSCURRENT by default) from the versions that held them, and the former SYSCURRENT becomes SYSPREVIOUS. Beyond 20 versions the oldest version without a stage is removed.",
            &on_secret,
            Some((
                reference::<CreateSecretVersionRequestBody>(generator),
                json!({"secret_string": "this is a demo secret string", "expire_time": 1700000000000i64}),
            )),
            ("200", Some(metadata_response.clone())),
            errors(&pending, true),
        ),
        doc(
            Operation::ListSecretVersions,
            "List a secret's versions",
            "The versions, oldest first, a page at a time; never their values.",
            &[project_id.clone(), secret_name_parameter(), limit.clone(), version_marker],
            None,
            (
                "200",
                Some((
                    reference::<ListSecretVersionsResponse>(generator),
                    json!({"version_metadatas": [metadata_response.1["version_metadata"].clone()],
                       "page_info": {"current_count": 1}}),
                )),
            ),
            errors(&pending, false),
        ),
        doc(
            Operation::ShowSecretVersion,
            "Show a version and its value",
            "The one response that carries a value (`Cache-Control: no-store`).",
            &on_version,
            None,
            (
                "200",
                Some((
                    reference::<ShowSecretVersionResponse>(generator),
                    json!({"version": {
                "secret_string": "this is a demo secret string",
                "version_metadata": {"create_time": 1581507580000i64, "id": "v6", "kms_key_id": "b168fe00ff56492495a7d22974df2d0b",
                    "secret_name": "secret-name-demo", "version_stages": ["SYSCURRENT"]}}}),
                )),
            ),
            errors(&pending, false),
        ),
        doc(
            Operation::RotateSecret,
            "Rotate a secret",
            "Starts a rotation task (PENDING, then SUCCESS or FAILED; poll ListSecretTask). A success adds the next version as SYSCURRENT and fires SECRET_VERSION_CREATED and SECRET_ROTATED; a failure fires SECRET_ROTATED_FAILED. COMMON secrets are refused (400 CSMS.0002) unless the server rotates them (--rotate-common). No body.",
            &on_secret,
            None,
            (
                "200",
                Some((
                    reference::<RotateSecretResponse>(generator),
                    json!({"version_id": "v2", "secret_name": "demo", "rotation_task_id": "0b1f9ad4-9b5e-4b2e-9d4c-3b3a8f0e6c11"}),
                )),
            ),
            errors(&pending, false),
        ),
        doc(
            Operation::ListSecretTask,
            "List rotation tasks",
            "The project's rotation tasks in ascending task id order, filtered by secret, status or task id; `total` counts every match.",
            &[
                project_id.clone(),
                json!({"name": "secret_name", "in": "query", "required": false, "schema": query_rule(limits::SECRET_NAME)}),
                json!({"name": "status", "in": "query", "required": false, "description": "Empty or absent: any status.",
                    "schema": {"type": "string", "enum": TaskStatus::KNOWN.iter().chain(&[""]).collect::<Vec<_>>()}}),
                json!({"name": "task_id", "in": "query", "required": false, "schema": {"type": "string", "maxLength": limits::TASK_ID_MAX_LEN}}),
                limit.clone(),
                json!({"name": "marker", "in": "query", "required": false, "description": "The last task id of the previous page (exclusive).", "schema": {"type": "string", "maxLength": limits::TASK_ID_MAX_LEN}}),
            ],
            None,
            (
                "200",
                Some((
                    reference::<ListSecretTaskResponse>(generator),
                    json!({"tasks": [{
                "task_id": "0b1f9ad4-9b5e-4b2e-9d4c-3b3a8f0e6c11", "secret_name": "demo", "task_status": "SUCCESS",
                "operate_type": "MANUAL_ROTATION", "task_time": 1700000000000i64, "attempt_nums": 1}], "total": 1}),
                )),
            ),
            errors(&[], false),
        ),
        doc(
            Operation::UpdateVersion,
            "Change a version's expiry",
            "Sets `expire_time` (required; stored in whole seconds, the milliseconds truncated).",
            &on_version,
            Some((
                reference::<UpdateVersionRequestBody>(generator),
                json!({"expire_time": 1700000000000i64}),
            )),
            ("200", Some(metadata_response)),
            errors(&pending, true),
        ),
    ]
}
