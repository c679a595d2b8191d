//! The documentation of the secrets checker and of the account-level operations (no project in their
//! path: they act on the caller's account).

use csms_model::limits;
use csms_model::*;
use schemars::generate::SchemaGenerator;
use serde_json::{Value, json};

use super::{Doc, doc, reference};

pub(super) fn docs(
    generator: &mut SchemaGenerator,
    project_id: &Value,
    errors: &dyn Fn(&[ErrorCode], bool) -> Vec<ErrorCode>,
) -> Vec<Doc> {
    use ErrorCode::*;
    let project = std::slice::from_ref(project_id);
    let enum_query = |name: &str, required: bool, values: &[&str], description: &str| {
        json!({"name": name, "in": "query", "required": required, "description": description,
               "schema": {"type": "string", "enum": values}})
    };
    let secret_type = enum_query("secret_type", true, limits::ROTATED_SECRET_TYPES, "The secret type.");
    let config = (reference::<SecretsConfig>(generator), json!({"checking_secret_strength": true}));
    let account = "It acts on the caller's account: the `[[account]]` of the credentials' projects in the \
                   credentials file, else the caller's first project alone (`*` for credentials valid for \
                   every project).";
    let resource = |required: bool| {
        json!({"name": "resource_id", "in": "query", "required": required, "description": "The granted resource.",
               "example": "demo", "schema": {"type": "string", "minLength": 1, "maxLength": limits::GRANT_ID_MAX_CHARS}})
    };
    let grant_body = (
        reference::<GrantSecretRequestBody>(generator),
        json!({"resource_id": "demo", "type": "SECRET", "grantee_type": "0", "grantee_target_id": "user_02",
               "validity_time": "2030-12-31"}),
    );
    let grant_data = (
        reference::<GrantDataResponse>(generator),
        json!({"data": {"uuid": "1c087a48-0d48-4222-9d34-ae43d30b27d2", "resourceId": "demo", "type": "SECRET",
               "granteeUser": "user_02", "createTime": 1700000000000i64, "updateTime": 1700000000000i64,
               "validityTime": 1924991999999i64, "state": 0, "signature": ""}}),
    );
    let record =
        "A record only: a grant changes nobody's access to a secret here (upstream states no enforcement).";
    let mut project_and_resource = project.to_vec();
    project_and_resource.push(resource(true));
    vec![
        doc(
            Operation::CreateGrants,
            "Grant a resource",
            &format!(
                "Grants a secret (by name or id; 404 if the project has none) or a group (`type` in any case) to a user (`grantee_type` `\"0\"`) or a group (`\"2\"`), until the end of `validity_time` (UTC) if given. A grantee granted already is 409; at most {} grantees per resource. {record}",
                limits::MAX_GRANTEES_PER_RESOURCE
            ),
            project,
            Some(grant_body.clone()),
            ("200", Some(grant_data.clone())),
            errors(&[NotFound, AlreadyExists], true),
        ),
        doc(
            Operation::ListGrants,
            "List a resource's grants",
            "One object: the resource and its grantees (404 if it has none); times are epoch milliseconds.",
            &project_and_resource,
            None,
            (
                "200",
                Some((
                    reference::<ListGrantsResponse>(generator),
                    json!({"data": {"id": "demo", "name": "demo", "type": "SECRET", "create_time": 1700000000000i64,
                           "update_time": 1700000000000i64, "grantee_user": [{"user_id": "user_02", "user_name": "user_02",
                           "create_time": 1700000000000i64, "validity_time": 1924991999999i64}]}}),
                )),
            ),
            errors(&[NotFound], false),
        ),
        doc(
            Operation::UpdateGrant,
            "Change a grant",
            "Changes a grantee's grant (its kinds and expiry); the body's `resource_id` must be the query's. 404 if the grantee is not granted.",
            &project_and_resource,
            Some(grant_body),
            ("200", Some(grant_data)),
            errors(&[NotFound], true),
        ),
        doc(
            Operation::DeleteGrant,
            "Remove grants",
            "Removes the grantee's grant, or every grant of the resource without `grantee_user`. 404 if there was none.",
            &{
                let mut p = project_and_resource.clone();
                p.push(json!({"name": "grantee_user", "in": "query", "required": false,
                    "description": "The grantee (empty or absent: every grantee).", "example": "user_02",
                    "schema": {"type": "string", "maxLength": limits::GRANT_ID_MAX_CHARS}}));
                p
            },
            None,
            ("204", None),
            errors(&[NotFound], false),
        ),
        doc(
            Operation::ListUsers,
            "List the account's users",
            &format!(
                "The users the account declares (the credentials file's `[[user]]` entries), in id order: `offset` is a page number from 0 and `limit` {}..={} users a page; `org_id` keeps an organisation's, `user_info` the users whose name or login name holds it. Never a password. {account}",
                limits::USERS_LIMIT.start(),
                limits::USERS_LIMIT.end()
            ),
            &[
                json!({"name": "offset", "in": "query", "required": true, "description": "The page number, from 0.", "example": "0", "schema": {"type": "integer", "minimum": 0, "maximum": limits::USERS_OFFSET_MAX}}),
                json!({"name": "limit", "in": "query", "required": true, "description": "Users a page.", "example": "10",
                       "schema": {"type": "integer", "minimum": limits::USERS_LIMIT.start(), "maximum": limits::USERS_LIMIT.end()}}),
                json!({"name": "org_id", "in": "query", "required": false, "description": "Only this organisation's users (empty: all).", "schema": {"type": "string"}}),
                json!({"name": "user_info", "in": "query", "required": false, "description": "Part of the name or login name.", "schema": {"type": "string", "maxLength": limits::USER_INFO_MAX_CHARS}}),
            ],
            None,
            (
                "200",
                Some((
                    reference::<ListUsersResponse>(generator),
                    json!({"total": 1, "users": [{"user_id": "u1", "user_name": "alice", "name": "Alice", "org_id": "", "mobile": "", "email": "",
                        "created_at": "2023-11-14 22:13:20.000", "updated_at": "2023-11-14 22:13:20.000", "pwd_change_at": "",
                        "pwd_must_modify": true, "disabled": "false", "locked": "false", "grade": "1", "extension": "{}",
                        "user_org_relation_list": []}]}),
                )),
            ),
            errors(&[], false),
        ),
        doc(
            Operation::ShowUserDetail,
            "Show a user",
            &format!(
                "One user of the account (404 otherwise), flat, typed as upstream types it (`disabled` a boolean, `grade` an integer); `domain_id` is the account. Never a password. {account}"
            ),
            &[json!({"name": "user_id", "in": "path", "required": true, "description": "The user's id.",
                     "schema": {"type": "string", "minLength": 1, "maxLength": limits::GRANT_ID_MAX_CHARS}})],
            None,
            (
                "200",
                Some((
                    reference::<UserDetail>(generator),
                    json!({"user_id": "u1", "user_name": "alice", "name": "Alice", "org_id": "", "domain_id": "*", "mobile": "", "email": "",
                        "created_at": "2023-11-14 22:13:20.000", "updated_at": "2023-11-14 22:13:20.000", "pwd_change_at": "",
                        "pwd_must_modify": true, "disabled": false, "locked": "false", "grade": 1, "extension": {},
                        "user_org_relation_list": []}),
                )),
            ),
            errors(&[NotFound], false),
        ),
        doc(
            Operation::UpdateUserPassword,
            "Change your password",
            &format!(
                "Changes the password of the user the credentials name (400 if they name none): `old_password` must be the current one (the user's first from the credentials file, or empty for a user who never had one); the new one is {}..={} characters. Kept as PBKDF2-HMAC-SHA256, never logged or answered. {account}",
                limits::USER_PASSWORD_CHARS.start(),
                limits::USER_PASSWORD_CHARS.end()
            ),
            &[],
            Some((
                reference::<UpdateUserPasswordRequestBody>(generator),
                json!({"old_password": "234567", "password": "correct-horse-battery"}),
            )),
            ("200", Some((reference::<UpdateUserPasswordResponse>(generator), json!({"user_id": "u1"})))),
            errors(&[], true),
        ),
        doc(
            Operation::ShowSecretsConfig,
            "Show the secrets checker's setting",
            "Whether the credential strength check is on for the project (off until set).",
            project,
            None,
            ("200", Some(config.clone())),
            errors(&[], false),
        ),
        doc(
            Operation::UpdateSecretsConfig,
            "Change the secrets checker's setting",
            "Sets `checking_secret_strength` (absent: unchanged) and answers the setting. It is a stored setting: it does not refuse values by itself; CheckSecrets scores a value whatever it is.",
            project,
            Some((
                reference::<UpdateSecretsConfigRequestBody>(generator),
                json!({"checking_secret_strength": true}),
            )),
            ("200", Some(config)),
            errors(&[], true),
        ),
        doc(
            Operation::CheckSecrets,
            "Check a value's strength",
            "`type` `STRENGTH` scores `data.secret_string`: one point each for 12 characters or more, 16 or more, three kinds of characters or more, and no run of one character or of a sequence; 0-1 WEAK, 2-3 MEDIUM, 4 STRONG, with suggestions. The value is never stored, logged or answered.",
            project,
            Some((
                reference::<CheckSecretsRequestBody>(generator),
                json!({"type": "STRENGTH", "data": {"secret_string": "correct-Horse-battery-5taple"}}),
            )),
            (
                "200",
                Some((
                    reference::<CheckSecretsResponse>(generator),
                    json!({"type": "STRENGTH", "data": {"strength": "STRONG", "score": 4, "length": 28, "suggestions": []}}),
                )),
            ),
            errors(&[], true),
        ),
        doc(
            Operation::CreateAgency,
            "Grant the agencies a secret type's rotation needs",
            &format!(
                "Records the two agencies of the type (the service's call into FunctionGraph, the function's access) as granted, each with a stable id; granting again answers the same. {account}"
            ),
            &[],
            Some((reference::<CreateAgencyRequestBody>(generator), json!({"secret_type": "RDS-FG"}))),
            (
                "200",
                Some((
                    reference::<CreateAgencyResponse>(generator),
                    json!({"agencies": [
                        {"agency_name": "csms_rds_fg_rotation", "agency_id": "6b9b7e54-5f1c-5a57-9d4e-3f1f7f3f8a21"},
                        {"agency_name": "fgs_rds_fg_rotation_function", "agency_id": "0d2f3c1a-8b6e-5f0a-a3c4-7d9e1b2c3f40"}]}),
                )),
            ),
            errors(&[], true),
        ),
        doc(
            Operation::ShowAgency,
            "Whether a secret type's agencies are granted",
            &format!(
                "`agency_granted` is the string `\"true\"` or `\"false\"`, as upstream answers it. {account}"
            ),
            std::slice::from_ref(&secret_type),
            None,
            ("200", Some((reference::<ShowAgencyResponse>(generator), json!({"agency_granted": "true"})))),
            errors(&[], false),
        ),
        doc(
            Operation::ShowSecretFunctionTemplates,
            "A rotation function template",
            "The source of a FunctionGraph rotation function (Python) for the secret type and account kind; `engine` is required for RDS-FG and refused for GaussDB-FG.",
            &[
                secret_type,
                enum_query(
                    "secret_sub_type",
                    true,
                    limits::SECRET_SUB_TYPES,
                    "SingleUser or MultiUser accounts.",
                ),
                enum_query("engine", false, limits::TEMPLATE_ENGINES, "The database engine (RDS-FG only)."),
            ],
            None,
            (
                "200",
                Some((
                    reference::<FunctionTemplatesResponse>(generator),
                    json!({"function_templates": "# -*- coding: utf-8 -*-\n# Rotation function for RDS-FG secrets ..."}),
                )),
            ),
            errors(&[], false),
        ),
    ]
}
