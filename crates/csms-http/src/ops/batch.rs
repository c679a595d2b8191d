//! The batch calls: BatchGetSecretValue (the SYSCURRENT values of several secrets in one read) and
//! BatchImportSecrets (several secrets, each created as CreateSecret creates one, each on its own).

use csms_model::{BatchGetSecretValueResponse, BatchImportSecretsResponse, ImportError};

use super::secrets::create_one;
use super::{Call, Input, Json, NoStore, State, together};
use crate::error::ApiError;

/// `POST /secrets/batch-get-secret-value`.
pub(crate) struct GetValues {
    project: String,
    names: Vec<String>,
}

impl Input for GetValues {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_batch_get_body(&call.body))?;
        Ok(GetValues { project: call.project()?, names: body.secret_name_list })
    }
}

/// Each named secret's SYSCURRENT version, with its value; a name that is unknown, pending deletion or
/// not a secret's name is left out (each is answered or refused on its own).
pub(crate) async fn get_values(
    state: &State,
    input: GetValues,
) -> Result<NoStore<BatchGetSecretValueResponse>, ApiError> {
    let versions =
        state.store.current_versions(&input.project, input.names).await.map_err(ApiError::internal)?;
    Ok(NoStore(BatchGetSecretValueResponse { total_count: versions.len() as i64, versions }))
}

/// `POST /secrets/batch-import`.
pub(crate) struct Import {
    project: String,
    items: Vec<csms_model::CreateSecretRequestBody>,
    request_id: Option<String>,
}

impl Input for Import {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let items = together(call.path_violations(), csms_validate::parse_batch_import_body(&call.body))?;
        Ok(Import { project: call.project()?, items, request_id: call.request_id() })
    }
}

/// Creates each item as CreateSecret would, each in its own transaction (the rules checked every item
/// first: a bad one refuses the whole body): an item the stored state refuses (a name taken, the quota
/// reached, an unknown event) is listed with its reason and the others go on. A failure of the store
/// itself stops the batch with 500; the items created before it stay.
pub(crate) async fn import(
    state: &State,
    input: Import,
) -> Result<Json<BatchImportSecretsResponse>, ApiError> {
    let Import { project, items, request_id } = input;
    let total = items.len() as i64;
    let mut error_list = Vec::new();
    for body in items {
        let name = body.name.clone();
        match create_one(state, &project, body, request_id.clone()).await {
            Ok(_) => {}
            Err(e) if e.cause.is_some() => return Err(e),
            Err(e) => {
                error_list.push(ImportError { name, error_msg: format!("{}: {}", e.code.code(), e.message) })
            }
        }
    }
    let failed = error_list.len() as i64;
    Ok(Json(BatchImportSecretsResponse { total, success: total - failed, failed, error_list }))
}
