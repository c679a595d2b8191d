//! PublishMessage, the delivery records (ListMessageDeliveries, this service's own) and the public
//! download of the certificate that verifies the deliveries' signatures.

use std::collections::BTreeMap;

use csms_model::ErrorCode as CsmsCode;
use csms_store::Publication;
use csms_validate::smn as rules;
use http::{Response, StatusCode};
use smn_model::{ListDeliveriesResponse, PublishMessageResponse};

use super::topics::TopicPath;
use super::{request_id, store_error, together, violations};
use crate::body::ResponseBody;
use crate::error::ApiError;
use crate::ops::{Call, Input, IntoResponse, Json, State};

/// `POST /topics/{topic_urn}/publish`.
pub(crate) struct Publish {
    path: TopicPath,
    body: smn_model::PublishMessageRequestBody,
}

impl Input for Publish {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), rules::parse_publish_body(&call.body))?;
        Ok(Publish { path: TopicPath::of(call)?, body })
    }
}

/// Publishes to the topic's confirmed subscriptions: `message_structure`'s text for a subscription's
/// protocol, else its `default`; else `message`.
pub(crate) async fn publish(state: &State, input: Publish) -> Result<Json<PublishMessageResponse>, ApiError> {
    let on = input.path.topic(state)?;
    let body = input.body;
    let message: BTreeMap<String, String> = match body.message_structure.as_deref() {
        Some(structure) => serde_json::from_str::<BTreeMap<String, serde_json::Value>>(structure)
            .map_err(ApiError::internal)?
            .into_iter()
            .filter_map(|(protocol, text)| Some((protocol, text.as_str()?.to_owned())))
            .collect(),
        None => [("default".to_owned(), body.message.unwrap_or_default())].into(),
    };
    let publication = Publication { subject: body.subject.filter(|s| !s.is_empty()), message };
    let origin = state.origin(Some(on.request_id.clone()));
    let topic = &on.topic;
    let published = state.store.publish(&topic.project, &topic.name, &topic.urn, publication, origin).await;
    let message_id = published.map_err(store_error)?;
    Ok(Json(PublishMessageResponse { request_id: on.request_id, message_id }))
}

/// `GET /notifications/deliveries?topic_urn=&limit=`.
pub(crate) struct Deliveries {
    project: String,
    topic_urn: Option<String>,
    limit: usize,
    request_id: String,
}

impl Input for Deliveries {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let query = rules::parse_deliveries_query(call.parts.uri.query());
        let (topic_urn, limit) = together(call.path_violations(), query.map_err(Into::into))?;
        Ok(Deliveries { project: call.project()?, topic_urn, limit, request_id: request_id(call) })
    }
}

/// What became of the project's messages, one record per subscription, newest first.
pub(crate) async fn deliveries(
    state: &State,
    input: Deliveries,
) -> Result<Json<ListDeliveriesResponse>, ApiError> {
    let records = state.store.deliveries(&input.project, input.topic_urn, input.limit).await;
    Ok(Json(ListDeliveriesResponse {
        request_id: input.request_id,
        deliveries: records.map_err(store_error)?,
    }))
}

/// `GET /smn/{certificate_id}` (and its other path).
pub(crate) struct Certificate {
    id: String,
}

impl Input for Certificate {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        call.path_violations().into_result(()).map_err(violations)?;
        Ok(Certificate { id: call.route.take("certificate_id")? })
    }
}

/// A certificate, PEM.
pub(crate) struct Pem(String);

impl IntoResponse for Pem {
    fn into_response(self) -> Response<ResponseBody> {
        let mut response = Response::new(ResponseBody::new(self.0));
        *response.status_mut() = StatusCode::OK;
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/x-pem-file"));
        response
    }
}

/// The signing certificate, when `SMN_{region}_{id}.pem` names this service's.
pub(crate) async fn certificate(state: &State, input: Certificate) -> Result<Pem, ApiError> {
    let certificate = state.store.signing_certificate().await.map_err(ApiError::internal)?;
    match certificate {
        Some((id, pem)) if input.id == format!("SMN_{}_{id}.pem", state.region) => Ok(Pem(pem)),
        _ => Err(ApiError::new(CsmsCode::RouteNotFound, "No signing certificate of that id.")),
    }
}
