//! The documentation of the secret family's operations: stages, tags and the search by tag, backups,
//! random passwords and the batch calls.

use csms_model::limits::{self};
use csms_model::*;
use schemars::generate::SchemaGenerator;
use serde_json::{Value, json};

use super::{Doc, doc, reference, secret_name_parameter, string_rule};

const SECRET_ID: &str = "5a0ac80b-6f2a-4a3b-a3c1-cfa2a1d3a6f5";

pub(super) fn docs(
    generator: &mut SchemaGenerator,
    project_id: &Value,
    errors: &dyn Fn(&[ErrorCode], bool) -> Vec<ErrorCode>,
) -> Vec<Doc> {
    use ErrorCode::*;
    let secret_name = secret_name_parameter();
    let stage_name = json!({"name": "stage_name", "in": "path", "required": true,
        "description": "The stage's name.", "schema": string_rule(limits::STAGE_NAME)});
    let secret_id = json!({"name": "secret_id", "in": "path", "required": true,
        "description": "The secret's `id` (not its name).",
        "schema": {"type": "string", "minLength": limits::SECRET_ID_LEN, "maxLength": limits::SECRET_ID_LEN}});
    let key = json!({"name": "key", "in": "path", "required": true, "description": "The tag's key.",
        "schema": {"type": "string", "minLength": 1, "maxLength": limits::TAG_PATH_KEY_MAX_CHARS}});
    let project = vec![project_id.clone()];
    let on_secret = vec![project_id.clone(), secret_name.clone()];
    let on_stage = vec![project_id.clone(), secret_name, stage_name];
    let on_tags = vec![project_id.clone(), secret_id.clone()];
    let on_tag = vec![project_id.clone(), secret_id, key];
    let stage_response = (
        reference::<StageResponse>(generator),
        json!({"stage": {"name": "SYSCURRENT", "secret_name": "demo", "update_time": 1581507580000i64,
                         "version_id": "v2"}}),
    );
    let secret_response = (
        reference::<SecretResponse>(generator),
        json!({"secret": {"id": SECRET_ID, "name": "demo", "state": "ENABLED", "kms_key_id": "4f8b56f0-7a9e-5c52-9d2b-0f3c9e5d8a11",
            "secret_type": "COMMON", "auto_rotation": false, "enterprise_project_id": "0",
            "create_time": 1581507580000i64, "update_time": 1581507580000i64}}),
    );
    let tag = json!({"key": "team", "value": "payments"});
    let pending = [NotFound, SecretPendingDeletion];
    let optional = |mut d: Doc| {
        d.body_optional = true;
        d
    };
    vec![
        doc(
            Operation::ShowSecretStage,
            "Show a stage",
            "The version a stage marks, and when it was put there.",
            &on_stage,
            None,
            ("200", Some(stage_response.clone())),
            errors(&pending, false),
        ),
        doc(
            Operation::UpdateSecretStage,
            "Move or create a stage",
            &format!(
                "Puts the stage on `version_id`, taking it off the version that held it. Moving SYSCURRENT makes its former holder SYSPREVIOUS (as a new version does). At most {} stages per secret; a version left without a stage may be pruned beyond {} versions.",
                limits::MAX_STAGES_PER_SECRET,
                limits::MAX_VERSIONS_PER_SECRET
            ),
            &on_stage,
            Some((reference::<UpdateSecretStageRequestBody>(generator), json!({"version_id": "v2"}))),
            ("200", Some(stage_response)),
            errors(&pending, true),
        ),
        doc(
            Operation::DeleteSecretStage,
            "Delete a stage",
            "Removes a stage from its version. SYSCURRENT and SYSPREVIOUS cannot be deleted (400).",
            &on_stage,
            None,
            ("204", None),
            errors(&pending, false),
        ),
        doc(
            Operation::ListSecretTags,
            "List a secret's tags",
            "The tags of the secret of that id, in key order.",
            &on_tags,
            None,
            (
                "200",
                Some((
                    reference::<ListSecretTagsResponse>(generator),
                    json!({"tags": [tag.clone()], "sys_tags": []}),
                )),
            ),
            errors(&[NotFound], false),
        ),
        doc(
            Operation::CreateSecretTag,
            "Set a tag",
            &format!(
                "Sets one tag on the secret of that id; a key already set takes the new value. At most {} tags per secret.",
                limits::MAX_TAGS_PER_SECRET
            ),
            &on_tags,
            Some((reference::<CreateSecretTagRequestBody>(generator), json!({"tag": tag.clone()}))),
            ("204", None),
            errors(&[NotFound], true),
        ),
        doc(
            Operation::DeleteSecretTag,
            "Delete a tag",
            "Removes the tag of that key (404 if the secret has none).",
            &on_tag,
            None,
            ("204", None),
            errors(&[NotFound], false),
        ),
        doc(
            Operation::BatchCreateOrDeleteTags,
            "Set or delete tags",
            "`create` sets every tag (a key already set takes the new value); `delete` removes every key given (a key not set is passed over; values are not compared). All at once or nothing.",
            &on_tags,
            Some((
                reference::<BatchCreateOrDeleteTagsRequestBody>(generator),
                json!({"action": "create", "tags": [tag.clone(), {"key": "env", "value": "prod"}]}),
            )),
            ("204", None),
            errors(&[NotFound], true),
        ),
        doc(
            Operation::ListProjectSecretsTags,
            "List the project's tags",
            "Every key used on the project's secrets, in key order, with its values.",
            &project,
            None,
            (
                "200",
                Some((
                    reference::<ListProjectSecretsTagsResponse>(generator),
                    json!({"tags": [{"key": "team", "values": ["payments", "search"]}]}),
                )),
            ),
            errors(&[], false),
        ),
        doc(
            Operation::ListResourceInstances,
            "Find secrets by tag",
            "`filter`: a page of the secrets that carry the tags (values OR-ed within a key, keys AND-ed; a key without values matches any value) and whose name contains each `matches` value; `count`: only `total_count`. `limit` and `offset` may be numbers or strings; an offset past the end is an empty page.",
            &project,
            Some((
                reference::<ListResourceInstancesRequestBody>(generator),
                json!({"action": "filter", "limit": "10", "offset": "0",
                       "tags": [{"key": "team", "values": ["payments"]}],
                       "matches": [{"key": "resource_name", "value": "demo"}]}),
            )),
            (
                "200",
                Some((
                    reference::<ListResourceInstancesResponse>(generator),
                    json!({"resources": [{"resource_id": SECRET_ID, "resource_name": "demo",
                        "resource_detail": secret_response.1["secret"].clone(), "tags": [tag], "sys_tags": []}],
                        "total_count": 1}),
                )),
            ),
            errors(&[], true),
        ),
        doc(
            Operation::DownloadSecretBlob,
            "Back a secret up",
            "A blob holding the secret, every version with its value, stages and expiry, and its tags: sealed under the service's master key for this project (authenticated), opaque to the caller. No body.",
            &on_secret,
            None,
            (
                "200",
                Some((
                    reference::<SecretBlobResponse>(generator),
                    json!({"secret_blob": format!("{SECRET_BLOB_PREFIX}AAAA...")}),
                )),
            ),
            errors(&pending, false),
        ),
        doc(
            Operation::UploadSecretBlob,
            "Restore a secret from a backup",
            "Restores the secret of a blob made in this project, with its id, versions, stages and tags, ENABLED; only while no secret of its name exists (409 CSMS.9001). A blob of another project, or altered, is 400 CSMS.0002 and changes nothing. The answer never holds a value.",
            &project,
            Some((
                reference::<UploadSecretBlobRequestBody>(generator),
                json!({"secret_blob": format!("{SECRET_BLOB_PREFIX}AAAA...")}),
            )),
            ("200", Some(secret_response)),
            errors(&[AlreadyExists, SecretQuotaExceeded], true),
        ),
        optional(doc(
            Operation::GenerateRandomPassword,
            "Generate a random password",
            &format!(
                "A password from a cryptographic generator: {} characters by default ({}..={}), from lower case, upper case, digits and punctuation (`{}`) less the classes and characters excluded, with a space if `include_space`; `require_each_included_type` puts at least one of each class left in. 400 when nothing is left to draw from or the length cannot hold one of each class. The body may be left out.",
                limits::PASSWORD_LENGTH_DEFAULT,
                limits::PASSWORD_LENGTH.start(),
                limits::PASSWORD_LENGTH.end(),
                limits::PASSWORD_PUNCTUATION
            ),
            &project,
            Some((
                reference::<CreatePasswordRequestBody>(generator),
                json!({"length": 24, "exclude_punctuation": true, "require_each_included_type": true}),
            )),
            (
                "200",
                Some((
                    reference::<CreatePasswordResponse>(generator),
                    json!({"password": "q7VfT2mXw9LcR4pZs8NbK3hJ"}),
                )),
            ),
            errors(&[], true),
        )),
        optional(doc(
            Operation::BatchGetSecretValue,
            "Get several secrets' current values",
            &format!(
                "The SYSCURRENT version, with its value, of up to {} secrets in one read. A name that is unknown or pending deletion is left out of the answer (each is answered or refused on its own).",
                limits::BATCH_GET_MAX_NAMES
            ),
            &project,
            Some((
                reference::<BatchGetSecretValueRequestBody>(generator),
                json!({"secret_name_list": ["demo", "other"]}),
            )),
            (
                "200",
                Some((
                    reference::<BatchGetSecretValueResponse>(generator),
                    json!({"total_count": 1, "versions": [{"secret_string": "example-value", "version_metadata": {
                        "id": "v1", "secret_name": "demo", "kms_key_id": "4f8b56f0-7a9e-5c52-9d2b-0f3c9e5d8a11",
                        "create_time": 1581507580000i64, "version_stages": ["SYSCURRENT"]}}]}),
                )),
            ),
            errors(&[], true),
        )),
        doc(
            Operation::BatchImportSecrets,
            "Import several secrets",
            &format!(
                "Creates up to {} secrets, each as CreateSecret would and each in its own transaction. Every item is checked first: a bad item refuses the whole body (400, its violations under `/secrets/<index>`). An item the stored state refuses (a name taken, the quota reached, an unknown event) is listed in `error_list` with its reason, and the others are created.",
                limits::BATCH_IMPORT_MAX_ITEMS
            ),
            &project,
            Some((
                reference::<BatchImportSecretsRequestBody>(generator),
                json!({"secrets": [{"name": "demo", "secret_string": "example-value"},
                                   {"name": "other", "secret_string": "another-value", "description": "imported"}]}),
            )),
            (
                "200",
                Some((
                    reference::<BatchImportSecretsResponse>(generator),
                    json!({"total": 2, "success": 1, "failed": 1,
                           "error_list": [{"name": "other", "error_msg": "CSMS.9001: A secret named 'other' already exists in this project."}]}),
                )),
            ),
            errors(&[], true),
        ),
    ]
}
