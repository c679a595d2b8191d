//! The account-level rotation set-up (CreateAgency, ShowAgency, ShowSecretFunctionTemplates): no project
//! in the path; they act on the caller's account (see `State::account_of`).

use csms_model::{CreateAgencyResponse, FunctionTemplatesResponse, ShowAgencyResponse};
use csms_validate::TemplateQuery;

use super::{Call, Input, Json, State, together};
use crate::auth::Principal;
use crate::error::ApiError;

/// `POST /v1/csms/agencies`.
pub(crate) struct CreateAgency {
    secret_type: String,
    principal: Option<Principal>,
}

impl Input for CreateAgency {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_agency_body(&call.body))?;
        Ok(CreateAgency { secret_type: body.secret_type, principal: call.parts.extensions.remove() })
    }
}

/// Grants the type's agencies for the caller's account (again: the same agencies, each with its id).
pub(crate) async fn create(
    state: &State,
    input: CreateAgency,
) -> Result<Json<CreateAgencyResponse>, ApiError> {
    let account = state.account_of(input.principal.as_ref());
    let now = state.clock.now_ms();
    let agencies =
        state.store.grant_agencies(&account, &input.secret_type, now).await.map_err(ApiError::internal)?;
    Ok(Json(CreateAgencyResponse { agencies }))
}

/// `GET /v1/csms/agencies?secret_type=`.
pub(crate) struct ShowAgency {
    secret_type: String,
    principal: Option<Principal>,
}

impl Input for ShowAgency {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let secret_type = together(
            call.path_violations(),
            csms_validate::parse_agency_query(call.parts.uri.query()).map_err(Into::into),
        )?;
        Ok(ShowAgency { secret_type, principal: call.parts.extensions.remove() })
    }
}

pub(crate) async fn show(state: &State, input: ShowAgency) -> Result<Json<ShowAgencyResponse>, ApiError> {
    let account = state.account_of(input.principal.as_ref());
    let granted =
        state.store.agencies_granted(&account, &input.secret_type).await.map_err(ApiError::internal)?;
    Ok(Json(ShowAgencyResponse { agency_granted: granted.to_string() }))
}

/// `GET /v1/csms/function-templates?secret_type=&secret_sub_type=&engine=`.
pub(crate) struct Templates(TemplateQuery);

impl Input for Templates {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let query = together(
            call.path_violations(),
            csms_validate::parse_template_query(call.parts.uri.query()).map_err(Into::into),
        )?;
        Ok(Templates(query))
    }
}

/// The rotation function for the secret type, account kind and engine: the template in
/// `templates/rotation.py`, filled in.
pub(crate) async fn templates(
    _: &State,
    input: Templates,
) -> Result<Json<FunctionTemplatesResponse>, ApiError> {
    Ok(Json(FunctionTemplatesResponse { function_templates: template(&input.0) }))
}

const TEMPLATE: &str = include_str!("../../templates/rotation.py");

fn template(query: &TemplateQuery) -> String {
    let engine = query.engine.as_deref().unwrap_or("gaussdb");
    let (driver_import, change) = match engine {
        "mysql" => (
            "import pymysql",
            "pymysql.connect(host=current[\"host\"], port=int(current[\"port\"]), user=current[\"username\"], password=current[\"password\"]).cursor().execute(\"ALTER USER %s IDENTIFIED BY %s\", (account, password))",
        ),
        "sqlserver" => (
            "import pymssql",
            "pymssql.connect(server=current[\"host\"], port=str(current[\"port\"]), user=current[\"username\"], password=current[\"password\"]).cursor().execute(\"ALTER LOGIN [\" + account + \"] WITH PASSWORD = %s\", (password,))",
        ),
        _ => (
            "import psycopg2",
            "psycopg2.connect(host=current[\"host\"], port=int(current[\"port\"]), user=current[\"username\"], password=current[\"password\"], dbname=\"postgres\").cursor().execute(\"ALTER USER \\\"\" + account + \"\\\" WITH PASSWORD %s\", (password,))",
        ),
    };
    let multi = query.secret_sub_type == "MultiUser";
    TEMPLATE
        .replace("{secret_type}", &query.secret_type)
        .replace("{secret_sub_type}", &query.secret_sub_type)
        .replace("{engine_note}", &query.engine.as_deref().map(|e| format!(", {e}")).unwrap_or_default())
        .replace("{multi_note}", if multi { ", and the other account's username" } else { "" })
        .replace(
            "{step_two}",
            if multi {
                "sets a new random password on the account SYSPREVIOUS names, and swaps the accounts;"
            } else {
                "sets a new random password on the one account;"
            },
        )
        .replace(
            "{account_choice}",
            if multi { "current[\"other_username\"]" } else { "current[\"username\"]" },
        )
        .replace("{driver_import}", driver_import)
        .replace("{change_password}", change)
        .replace("{{", "{")
        .replace("}}", "}")
}
