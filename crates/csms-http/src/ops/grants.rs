//! Grants (CreateGrants, ListGrants, UpdateGrant, DeleteGrant): a resource granted to users or groups.
//! A record only: a grant changes nobody's access to a secret here.

use csms_model::{ErrorCode, GrantDataResponse, GrantSecretRequestBody, ListGrantsResponse};
use csms_store::{NewGrant, StoreError};

use super::{Call, Input, Json, NoContent, State, together};
use crate::error::ApiError;

fn grant(body: GrantSecretRequestBody) -> NewGrant {
    NewGrant {
        // The rules checked the date and the type (in any case).
        validity_time: body.validity_time.as_deref().and_then(csms_validate::date_end_ms),
        kind: body.r#type.to_ascii_uppercase(),
        resource_id: body.resource_id,
        grantee_type: body.grantee_type,
        grantee: body.grantee_target_id,
    }
}

fn error(e: StoreError, resource: &str, grantee: Option<&str>) -> ApiError {
    match e {
        StoreError::NotFound => match grantee {
            Some(g) => ApiError::new(
                ErrorCode::NotFound,
                format!("The resource '{resource}' is not granted to '{g}'."),
            ),
            None => ApiError::new(ErrorCode::NotFound, format!("The resource '{resource}' has no grants.")),
        },
        StoreError::AlreadyExists => ApiError::new(
            ErrorCode::AlreadyExists,
            format!(
                "The resource '{resource}' is already granted to '{}': UpdateGrant changes the grant.",
                grantee.unwrap_or_default()
            ),
        ),
        other => ApiError::secret(other, resource, None),
    }
}

/// `POST /csms/grants`.
pub(crate) struct CreateGrant {
    project: String,
    body: GrantSecretRequestBody,
}

impl Input for CreateGrant {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_grant_body(&call.body))?;
        Ok(CreateGrant { project: call.project()?, body })
    }
}

pub(crate) async fn create(state: &State, input: CreateGrant) -> Result<Json<GrantDataResponse>, ApiError> {
    let new = grant(input.body);
    let (resource, grantee) = (new.resource_id.clone(), new.grantee.clone());
    let created =
        state.store.create_grant(&input.project, new, state.grant_quota, state.clock.now_ms()).await;
    let data = created.map_err(|e| match e {
        StoreError::NotFound => ApiError::new(
            ErrorCode::NotFound,
            format!("No secret of this project is named '{resource}' or has that id."),
        ),
        other => error(other, &resource, Some(&grantee)),
    })?;
    Ok(Json(GrantDataResponse { data }))
}

/// `GET /csms/grants?resource_id=` and `DELETE /csms/grants?resource_id=&grantee_user=`.
pub(crate) struct OnGrants {
    project: String,
    resource: String,
    grantee: Option<String>,
    principal: Option<crate::auth::Principal>,
}

impl Input for OnGrants {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let (resource, grantee) = together(
            call.path_violations(),
            csms_validate::parse_grant_query(call.parts.uri.query(), true).map_err(Into::into),
        )?;
        Ok(OnGrants {
            project: call.project()?,
            resource,
            grantee,
            principal: call.parts.extensions.remove(),
        })
    }
}

pub(crate) async fn list(state: &State, input: OnGrants) -> Result<Json<ListGrantsResponse>, ApiError> {
    // A grantee the caller's account's directory knows is answered with its login name.
    let users = state.directory.of(&state.account_of(input.principal.as_ref()));
    let names = users.into_iter().map(|u| (u.user_id.clone(), u.user_name.clone())).collect();
    let data = state.store.grants(&input.project, &input.resource, names).await;
    Ok(Json(ListGrantsResponse { data: data.map_err(|e| error(e, &input.resource, None))? }))
}

/// Removes the grantee's grant, or every grant of the resource: 204.
pub(crate) async fn delete(state: &State, input: OnGrants) -> Result<NoContent, ApiError> {
    let OnGrants { project, resource, grantee, .. } = input;
    let deleted = state.store.delete_grants(&project, &resource, grantee.as_deref()).await;
    deleted.map_err(|e| error(e, &resource, grantee.as_deref()))?;
    Ok(NoContent)
}

/// `PUT /csms/grants?resource_id=`.
pub(crate) struct UpdateGrant {
    project: String,
    body: GrantSecretRequestBody,
}

impl Input for UpdateGrant {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let mut path = call.path_violations();
        match csms_validate::parse_grant_query(call.parts.uri.query(), false) {
            Ok((resource, _)) => {
                let body = together(path, csms_validate::parse_grant_body(&call.body))?;
                if body.resource_id != resource {
                    let message = "The body's resource_id must be the query's resource_id.";
                    return Err(ApiError::new(ErrorCode::InvalidParameter, message));
                }
                Ok(UpdateGrant { project: call.project()?, body })
            }
            Err(query) => {
                path.extend(query);
                Err(together::<()>(path, csms_validate::parse_grant_body(&call.body).map(drop)).unwrap_err())
            }
        }
    }
}

pub(crate) async fn update(state: &State, input: UpdateGrant) -> Result<Json<GrantDataResponse>, ApiError> {
    let new = grant(input.body);
    let (resource, grantee) = (new.resource_id.clone(), new.grantee.clone());
    let updated = state.store.update_grant(&input.project, new, state.clock.now_ms()).await;
    Ok(Json(GrantDataResponse { data: updated.map_err(|e| error(e, &resource, Some(&grantee)))? }))
}
