//! The operations, one module per resource, and the one step that turns a routed, authenticated request
//! into an operation's typed input (path, query and body validated together) and runs its handler. This
//! is the shape of a smithy-rs server operation: `async fn(&State, Input) -> Result<Output, ApiError>`.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use csms_model::{Accounts, Notification, Operation, PageInfo};
use csms_store::{Clock, Store, Stored};
use csms_validate::Violations;
use http::header::{ETAG, HeaderValue};
use http::request::Parts;
use http::{Request, Response, StatusCode};
use serde::Serialize;

use crate::body::ResponseBody;
use crate::body::raw_json;
use crate::error::{ApiError, Family};
use crate::etag::etag;
use crate::router::{RouteMatch, Target};

pub(crate) mod agencies;
pub(crate) mod backup;
pub(crate) mod batch;
pub(crate) mod checker;
pub(crate) mod events;
pub(crate) mod grants;
pub(crate) mod kms;
pub(crate) mod password;
pub(crate) mod records;
pub(crate) mod secrets;
pub(crate) mod smn;
pub(crate) mod stages;
pub(crate) mod tags;
pub(crate) mod users;

/// What every operation shares: the store, the clock and the limits.
pub(crate) struct State {
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) event_quota: u64,
    pub(crate) secret_quota: u64,
    /// How many resources of a project may carry grants.
    pub(crate) grant_quota: u64,
    /// Whether RotateSecret accepts COMMON secrets.
    pub(crate) rotate_common: bool,
    /// Which projects share an account (and so each other's SMN topics).
    pub(crate) accounts: Accounts,
    /// The users of the accounts.
    pub(crate) directory: crate::Directory,
    /// The password hashing pool and the wrong-password locks.
    pub(crate) passwords: crate::guard::PasswordGuard,
    /// What large answers may hold in all while their clients do not read them.
    pub(crate) answers: crate::body::AnswerBudget,
    /// The region of the SMN topics' URNs (`urn:smn:{region}:{project}:{name}`).
    pub(crate) region: String,
}

impl State {
    /// Refuses a notification target that is an SMN topic of another owner: a topic of the event's own
    /// project, or of another project of its account, is the only kind a notification may go to.
    pub(crate) fn check_target(&self, project: &str, notification: &Notification) -> Result<(), ApiError> {
        if self.accounts.may_notify(project, &notification.target_id) {
            return Ok(());
        }
        let mut violations = csms_validate::Violations::default();
        violations
            .unknown_reference("/notification/target_id", "SMN topic of this project or of its account");
        Err(violations.into())
    }

    /// The account a caller acts on in the account-level operations (`/v1/csms/...`): the `[[account]]`
    /// of the first project of its scope that belongs to one; else its first project's own (a project of
    /// no account is an account of one); `*` for credentials valid for every project; `-` (no account's
    /// name) when the request carries no caller.
    pub(crate) fn account_of(&self, principal: Option<&crate::auth::Principal>) -> String {
        principal.map_or_else(|| "-".to_owned(), |p| p.scope.account(&self.accounts))
    }

    /// A change now, made by the request `request_id`.
    pub(crate) fn origin(&self, request_id: Option<String>) -> csms_store::Origin {
        csms_store::Origin::new(self.clock.now_ms(), request_id)
    }
}

/// A routed, authenticated request with its body read: what an [`Input`] is parsed from.
pub(crate) struct Call {
    pub(crate) parts: Parts,
    pub(crate) body: Bytes,
    pub(crate) route: RouteMatch,
}

impl Call {
    /// The violations of the path's parameters (each by its own rule: see [`path_rule`]), reported with
    /// the body's.
    pub(crate) fn path_violations(&self) -> Violations {
        let mut out = Violations::default();
        for (name, value) in self.route.params() {
            if let Err(violations) = path_rule(name).unwrap_or(no_rule)(value) {
                out.extend(violations);
            }
        }
        out
    }

    /// Takes the project id out of the call (after [`Call::path_violations`]).
    pub(crate) fn project(&mut self) -> Result<String, ApiError> {
        self.route.take("project_id")
    }

    /// Takes the event name out of the call (after [`Call::path_violations`]).
    pub(crate) fn event_name(&mut self) -> Result<String, ApiError> {
        self.route.take("event_name")
    }

    /// Takes the secret name out of the call (after [`Call::path_violations`]).
    pub(crate) fn secret_name(&mut self) -> Result<String, ApiError> {
        self.route.take("secret_name")
    }

    /// Takes the version id out of the call (after [`Call::path_violations`]).
    pub(crate) fn version_id(&mut self) -> Result<String, ApiError> {
        self.route.take("version_id")
    }

    /// Takes the stage name out of the call (after [`Call::path_violations`]).
    pub(crate) fn stage_name(&mut self) -> Result<String, ApiError> {
        self.route.take("stage_name")
    }

    /// Takes the secret id out of the call (after [`Call::path_violations`]).
    pub(crate) fn secret_id(&mut self) -> Result<String, ApiError> {
        self.route.take("secret_id")
    }

    /// Takes the user id out of the call (after [`Call::path_violations`]).
    pub(crate) fn user_id(&mut self) -> Result<String, ApiError> {
        self.route.take("user_id")
    }

    /// Takes the tag key out of the call (after [`Call::path_violations`]).
    pub(crate) fn tag_key(&mut self) -> Result<String, ApiError> {
        self.route.take("key")
    }

    /// The request's id (set by the request-id layer), for the notifications it causes.
    pub(crate) fn request_id(&self) -> Option<String> {
        self.parts.headers.get(crate::REQUEST_ID).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }
}

/// A path parameter's rule.
type PathRule = fn(&str) -> Result<(), Violations>;

/// The rule of a path parameter, by its name in the route table's templates; every parameter of every
/// template has one (a test walks the table).
fn path_rule(name: &str) -> Option<PathRule> {
    Some(match name {
        "project_id" => csms_validate::project_id,
        "event_name" => csms_validate::event_name,
        "secret_name" => csms_validate::secret_name,
        "version_id" => csms_validate::version_id,
        "stage_name" => csms_validate::stage_name,
        "secret_id" => csms_validate::secret_id,
        "key" => csms_validate::tag_key_path,
        "user_id" => csms_validate::user_id,
        "topic_urn" => csms_validate::smn::topic_urn,
        "subscription_urn" => csms_validate::smn::subscription_urn,
        "resource_type" => csms_validate::smn::resource_type,
        "resource_id" => csms_validate::smn::resource_id,
        "name" => csms_validate::smn::attribute_name,
        "certificate_id" => csms_validate::smn::certificate_id,
        "key_id" => csms_validate::kms::key_id_path,
        _ => return None,
    })
}

/// What a parameter without a rule of its own meets (a template gained a parameter that no rule checks
/// yet, which the test below catches first): a refusal, never a silent pass.
fn no_rule(_: &str) -> Result<(), Violations> {
    let mut violations = Violations::default();
    violations.unknown_reference("/path", "path parameter with a rule");
    Err(violations)
}

/// An operation's input, parsed and validated from the request in one step: every violation of the path,
/// the query and the body is reported together.
pub(crate) trait Input: Sized {
    fn parse(call: &mut Call) -> Result<Self, ApiError>;
}

/// Path violations and a body's result reported together: a body's rule violations join those of the
/// path; a malformed body alone is `CSMS.0004`.
pub(crate) fn together<T>(
    path: Violations,
    body: Result<T, csms_validate::Rejection>,
) -> Result<T, ApiError> {
    together_as(path, body, ApiError::from)
}

/// [`together`], answered by `to_error` (a family's codes): the path's violations and the body's become one
/// rejection; a malformed body alone is the body's rejection.
pub(crate) fn together_as<T>(
    mut path: Violations,
    body: Result<T, csms_validate::Rejection>,
    to_error: impl Fn(csms_validate::Rejection) -> ApiError,
) -> Result<T, ApiError> {
    if path.is_empty() {
        return body.map_err(to_error);
    }
    if let Err(csms_validate::Rejection::Invalid(more)) = body {
        path.extend(more);
    }
    Err(to_error(csms_validate::Rejection::Invalid(path)))
}

/// An operation's output, as the response it is.
pub(crate) trait IntoResponse {
    fn into_response(self) -> Response<ResponseBody>;
}

/// A JSON body with status 200.
pub(crate) struct Json<T>(pub(crate) T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response<ResponseBody> {
        match serde_json::to_vec(&self.0) {
            Ok(bytes) => raw_json(StatusCode::OK, bytes),
            Err(e) => ApiError::internal(e).into_response(),
        }
    }
}

/// A JSON body with another status than 200 (201 for a resource made now).
pub(crate) struct JsonStatus<T>(pub(crate) StatusCode, pub(crate) T);

impl<T: Serialize> IntoResponse for JsonStatus<T> {
    fn into_response(self) -> Response<ResponseBody> {
        match serde_json::to_vec(&self.1) {
            Ok(bytes) => raw_json(self.0, bytes),
            Err(e) => ApiError::internal(e).into_response(),
        }
    }
}

/// A JSON body with status 200 that holds secret values (or a backup of them): never to be kept by a
/// cache.
pub(crate) struct NoStore<T>(pub(crate) T);

impl<T: Serialize> IntoResponse for NoStore<T> {
    fn into_response(self) -> Response<ResponseBody> {
        let mut response = Json(self.0).into_response();
        response.headers_mut().insert(http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// A JSON body already written, with status 200.
pub(crate) struct RawJson(pub(crate) String);

impl RawJson {
    /// A page of stored documents: `{"<member>":[documents],"page_info":{..}}`, the body the page's
    /// response type serialises to (its members in that order), written around the documents as stored
    /// (each checked by the store) instead of decoding and encoding each again.
    pub(crate) fn page<'a>(
        member: &str,
        documents: impl Iterator<Item = &'a str> + Clone,
        page_info: &PageInfo,
    ) -> Result<Self, ApiError> {
        let page_info = serde_json::to_string(page_info).map_err(ApiError::internal)?;
        let size =
            documents.clone().map(|d| d.len() + 1).sum::<usize>() + member.len() + page_info.len() + 20;
        let mut body = String::with_capacity(size);
        body.push_str("{\"");
        body.push_str(member);
        body.push_str("\":[");
        for (i, document) in documents.enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(document);
        }
        body.push_str("],\"page_info\":");
        body.push_str(&page_info);
        body.push('}');
        Ok(RawJson(body))
    }
}

impl IntoResponse for RawJson {
    fn into_response(self) -> Response<ResponseBody> {
        raw_json(StatusCode::OK, self.0)
    }
}

/// One event, with its `ETag`.
pub(crate) struct EventOutput(pub(crate) Stored);

impl IntoResponse for EventOutput {
    fn into_response(self) -> Response<ResponseBody> {
        let tag = etag(&self.0.event.event_id, self.0.version);
        let response = Json(csms_model::SecretEventResponse { event: self.0.event }).into_response();
        with_etag(response, &tag)
    }
}

/// One event as its stored document, with its `ETag`: the body `SecretEventResponse` serialises to,
/// written around the document instead of decoding and encoding the event again.
pub(crate) struct EventDocumentOutput(pub(crate) csms_store::StoredDocument);

impl IntoResponse for EventDocumentOutput {
    fn into_response(self) -> Response<ResponseBody> {
        let tag = etag(&self.0.revision.event_id, self.0.revision.version);
        let mut body = String::with_capacity(self.0.json.len() + 10);
        body.push_str("{\"event\":");
        body.push_str(&self.0.json);
        body.push('}');
        with_etag(raw_json(StatusCode::OK, body), &tag)
    }
}

fn with_etag(mut response: Response<ResponseBody>, tag: &str) -> Response<ResponseBody> {
    if let Ok(value) = HeaderValue::from_str(tag) {
        response.headers_mut().insert(ETAG, value);
    }
    response
}

/// 204, no body.
pub(crate) struct NoContent;

impl IntoResponse for NoContent {
    fn into_response(self) -> Response<ResponseBody> {
        let mut response = Response::new(ResponseBody::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        response
    }
}

/// Parses the input of `handler` from `call` and runs it.
async fn run<'a, I, O, Fut>(
    state: &'a State,
    call: &mut Call,
    handler: fn(&'a State, I) -> Fut,
) -> Result<Response<ResponseBody>, ApiError>
where
    I: Input,
    O: IntoResponse,
    Fut: Future<Output = Result<O, ApiError>> + 'a,
{
    let input = I::parse(call)?;
    Ok(handler(state, input).await?.into_response())
}

/// The innermost service: the operation of a routed request.
pub(crate) async fn dispatch(
    state: Arc<State>,
    request: Request<Bytes>,
) -> Result<Response<ResponseBody>, Infallible> {
    let (mut parts, body) = request.into_parts();
    let Some(route) = parts.extensions.remove::<RouteMatch>() else {
        return Ok(ApiError::internal("a request reached the operations without a route").into_response());
    };
    let mut call = Call { parts, body, route };
    let state = &*state;
    let operation = match call.route.target {
        Target::Api(operation) => operation,
        Target::Smn(op) => {
            let family = if op.is_public() { Family::SmnLink } else { Family::Smn };
            let result = smn::dispatch(state, &mut call, op).await;
            return Ok(answer(state, result.map_err(|e| e.in_family(family))));
        }
        Target::Kms(op) => {
            let result = kms::dispatch(state, &mut call, op).await;
            return Ok(answer(state, result.map_err(|e| e.in_family(Family::Kms))));
        }
        Target::Health | Target::OpenApi => return Ok(health(state).await),
    };
    let result = match operation {
        Operation::CreateSecretEvent => run(state, &mut call, events::create).await,
        Operation::ListSecretEvents => run(state, &mut call, events::list).await,
        Operation::ShowSecretEvent => run(state, &mut call, events::show).await,
        Operation::UpdateSecretEvent => run(state, &mut call, events::update).await,
        Operation::DeleteSecretEvent => run(state, &mut call, events::delete).await,
        Operation::ListNotificationRecords => run(state, &mut call, records::list).await,
        Operation::CreateSecret => run(state, &mut call, secrets::create).await,
        Operation::ListSecrets => run(state, &mut call, secrets::list).await,
        Operation::ShowSecret => run(state, &mut call, secrets::show).await,
        Operation::UpdateSecret => run(state, &mut call, secrets::update).await,
        Operation::DeleteSecret => run(state, &mut call, secrets::delete).await,
        Operation::DeleteSecretForSchedule => run(state, &mut call, secrets::schedule_deletion).await,
        Operation::RestoreSecret => run(state, &mut call, secrets::restore).await,
        Operation::CreateSecretVersion => run(state, &mut call, secrets::create_version).await,
        Operation::ListSecretVersions => run(state, &mut call, secrets::list_versions).await,
        Operation::ShowSecretVersion => run(state, &mut call, secrets::show_version).await,
        Operation::UpdateVersion => run(state, &mut call, secrets::update_version).await,
        Operation::RotateSecret => run(state, &mut call, secrets::rotate).await,
        Operation::ListSecretTask => run(state, &mut call, secrets::list_tasks).await,
        Operation::ShowSecretStage => run(state, &mut call, stages::show).await,
        Operation::UpdateSecretStage => run(state, &mut call, stages::update).await,
        Operation::DeleteSecretStage => run(state, &mut call, stages::delete).await,
        Operation::ListSecretTags => run(state, &mut call, tags::list).await,
        Operation::CreateSecretTag => run(state, &mut call, tags::create).await,
        Operation::DeleteSecretTag => run(state, &mut call, tags::delete).await,
        Operation::BatchCreateOrDeleteTags => run(state, &mut call, tags::batch).await,
        Operation::ListProjectSecretsTags => run(state, &mut call, tags::project_tags).await,
        Operation::ListResourceInstances => run(state, &mut call, tags::resource_instances).await,
        Operation::DownloadSecretBlob => run(state, &mut call, backup::download).await,
        Operation::UploadSecretBlob => run(state, &mut call, backup::upload).await,
        Operation::GenerateRandomPassword => run(state, &mut call, password::generate).await,
        Operation::BatchGetSecretValue => run(state, &mut call, batch::get_values).await,
        Operation::BatchImportSecrets => run(state, &mut call, batch::import).await,
        Operation::CreateGrants => run(state, &mut call, grants::create).await,
        Operation::ListGrants => run(state, &mut call, grants::list).await,
        Operation::UpdateGrant => run(state, &mut call, grants::update).await,
        Operation::DeleteGrant => run(state, &mut call, grants::delete).await,
        Operation::ShowSecretsConfig => run(state, &mut call, checker::show_config).await,
        Operation::UpdateSecretsConfig => run(state, &mut call, checker::update_config).await,
        Operation::CheckSecrets => run(state, &mut call, checker::check).await,
        Operation::CreateAgency => run(state, &mut call, agencies::create).await,
        Operation::ShowAgency => run(state, &mut call, agencies::show).await,
        Operation::ShowSecretFunctionTemplates => run(state, &mut call, agencies::templates).await,
        Operation::ListUsers => run(state, &mut call, users::list).await,
        Operation::ShowUserDetail => run(state, &mut call, users::show).await,
        Operation::UpdateUserPassword => run(state, &mut call, users::change_password).await,
        other => Err(ApiError::internal(format!("no handler for {}", other.id()))),
    };
    Ok(answer(state, result))
}

/// The response of an operation's result, within the answers' budget.
fn answer(state: &State, result: Result<Response<ResponseBody>, ApiError>) -> Response<ResponseBody> {
    let response = result.unwrap_or_else(ApiError::into_response);
    state.answers.admit(response).unwrap_or_else(|| {
        let message = format!(
            "The service holds {} MiB of large answers that their clients have not read: try again in a moment.",
            state.answers.held() >> 20
        );
        ApiError::new(csms_model::ErrorCode::Busy, message).retry_after(1).into_response()
    })
}

/// `GET /healthz`: 200 `{"status": "ok"}` while the store can serve, else 503 `{"status": "unavailable"}`
/// (the reason is logged, not sent).
async fn health(state: &State) -> Response<ResponseBody> {
    let (status, body) = match state.store.health().await {
        Ok(()) => (StatusCode::OK, r#"{"status":"ok"}"#),
        Err(e) => {
            tracing::warn!(reason = %e, "health check: the store cannot serve");
            (StatusCode::SERVICE_UNAVAILABLE, r#"{"status":"unavailable"}"#)
        }
    };
    raw_json(status, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page written around stored documents is byte for byte what its response type serialises to.
    /// Every parameter of every template of the route table has a rule of its own.
    #[test]
    fn every_path_parameter_has_a_rule() {
        let csms = Operation::ALL.iter().map(|op| (op.id(), op.path()));
        let smn = smn_model::Operation::ALL.iter().map(|op| (op.id(), op.path()));
        let kms = kms_model::Operation::ALL.iter().map(|op| (op.id(), op.path()));
        for (id, path) in csms.chain(smn).chain(kms) {
            for name in crate::router::template_params(path) {
                assert!(path_rule(name).is_some(), "{id} {{{name}}}");
            }
        }
    }

    #[test]
    fn a_page_of_documents_is_the_response_as_serialised() {
        let events: Vec<csms_model::Event> = ["a", "b"]
            .iter()
            .map(|name| {
                serde_json::from_value(serde_json::json!({
                    "name": name, "event_id": "bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e",
                    "event_types": ["SECRET_ROTATED"], "state": "ENABLED", "create_time": 1, "update_time": 2,
                    "notification": {"target_type": "SMN", "target_id": "urn:smn:r:p:t", "target_name": "t"}
                }))
                .unwrap()
            })
            .collect();
        let page_info =
            PageInfo { next_marker: Some("b".into()), previous_marker: Some("a".into()), current_count: 2 };
        let documents: Vec<String> = events.iter().map(|e| serde_json::to_string(e).unwrap()).collect();
        let page = RawJson::page("events", documents.iter().map(String::as_str), &page_info).unwrap();
        let typed = csms_model::ListSecretEventsResponse { events, page_info: page_info.clone() };
        assert_eq!(page.0, serde_json::to_string(&typed).unwrap());

        let empty = PageInfo { current_count: 0, ..PageInfo::default() };
        let page = RawJson::page("records", std::iter::empty(), &empty).unwrap();
        let typed = csms_model::ListNotificationRecordsResponse { records: Vec::new(), page_info: empty };
        assert_eq!(page.0, serde_json::to_string(&typed).unwrap());
    }
}
