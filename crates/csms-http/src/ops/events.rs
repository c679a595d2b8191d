//! The event resource: CreateSecretEvent, ListSecretEvents, ShowSecretEvent, UpdateSecretEvent and
//! DeleteSecretEvent.

use csms_model::{CreateSecretEventRequestBody, Event, PageInfo, UpdateSecretEventRequestBody};
use csms_store::{Precondition, StoreError};
use csms_validate::ListQuery;

use super::{Call, EventDocumentOutput, EventOutput, Input, NoContent, RawJson, State, together};
use crate::error::ApiError;
use crate::etag::if_match;

/// `POST /events`.
pub(crate) struct CreateEvent {
    project: String,
    body: CreateSecretEventRequestBody,
}

impl Input for CreateEvent {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_create_body(&call.body))?;
        Ok(CreateEvent { project: call.project()?, body })
    }
}

pub(crate) async fn create(state: &State, input: CreateEvent) -> Result<EventOutput, ApiError> {
    let now = state.clock.now_ms();
    let CreateSecretEventRequestBody { name, event_types, state: event_state, notification } = input.body;
    state.check_target(&input.project, &notification)?;
    let event = Event {
        event_id: uuid::Uuid::new_v4().hyphenated().to_string(),
        name,
        event_types,
        state: event_state,
        create_time: now,
        update_time: now,
        notification,
    };
    let name = event.name.clone();
    let stored = state
        .store
        .create(&input.project, event, state.event_quota)
        .await
        .map_err(|e| ApiError::store(e, &name))?;
    Ok(EventOutput(stored))
}

/// `GET /events?limit=&marker=`.
pub(crate) struct ListEvents {
    project: String,
    query: ListQuery,
}

impl Input for ListEvents {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let query = together(
            call.path_violations(),
            csms_validate::parse_list_query(call.parts.uri.query()).map_err(Into::into),
        )?;
        Ok(ListEvents { project: call.project()?, query })
    }
}

pub(crate) async fn list(state: &State, input: ListEvents) -> Result<RawJson, ApiError> {
    let limit = input.query.limit as usize;
    // One more than the page, to know whether another page follows.
    let mut found = state
        .store
        .list_documents(&input.project, input.query.marker.as_deref(), limit + 1)
        .await
        .map_err(ApiError::internal)?;
    let more = found.len() > limit;
    found.truncate(limit);
    let page_info = PageInfo {
        next_marker: more.then(|| found.last().map(|e| e.name.clone())).flatten(),
        previous_marker: found.first().map(|e| e.name.clone()),
        current_count: found.len() as i32,
    };
    // The stored documents are the events as `Event` serialises them: `ListSecretEventsResponse`.
    RawJson::page("events", found.iter().map(|e| e.json.as_str()), &page_info)
}

/// `GET /events/{event_name}`.
pub(crate) struct ShowEvent {
    project: String,
    name: String,
}

impl Input for ShowEvent {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        Ok(ShowEvent { project: call.project()?, name: call.event_name()? })
    }
}

pub(crate) async fn show(state: &State, input: ShowEvent) -> Result<EventDocumentOutput, ApiError> {
    match state.store.get_document(&input.project, &input.name).await.map_err(ApiError::internal)? {
        Some(document) => Ok(EventDocumentOutput(document)),
        None => Err(ApiError::store(StoreError::NotFound, &input.name)),
    }
}

/// `PUT /events/{event_name}`, the seed operation: a partial update, conditional with `If-Match`.
pub(crate) struct UpdateEvent {
    project: String,
    name: String,
    patch: UpdateSecretEventRequestBody,
    precondition: Precondition,
}

impl Input for UpdateEvent {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let precondition = if_match(&call.parts.headers);
        let patch = together(call.path_violations(), csms_validate::parse_update_body(&call.body))?;
        Ok(UpdateEvent { project: call.project()?, name: call.event_name()?, patch, precondition })
    }
}

pub(crate) async fn update(state: &State, input: UpdateEvent) -> Result<EventOutput, ApiError> {
    let UpdateEvent { project, name, patch, precondition } = input;
    if let Some(notification) = &patch.notification {
        state.check_target(&project, notification)?;
    }
    let stored = state
        .store
        .update(&project, &name, patch, precondition, state.clock.now_ms())
        .await
        .map_err(|e| ApiError::store(e, &name))?;
    Ok(EventOutput(stored))
}

/// `DELETE /events/{event_name}`, conditional with `If-Match`.
pub(crate) struct DeleteEvent {
    project: String,
    name: String,
    precondition: Precondition,
}

impl Input for DeleteEvent {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        let precondition = if_match(&call.parts.headers);
        Ok(DeleteEvent { project: call.project()?, name: call.event_name()?, precondition })
    }
}

pub(crate) async fn delete(state: &State, input: DeleteEvent) -> Result<NoContent, ApiError> {
    state
        .store
        .delete(&input.project, &input.name, input.precondition)
        .await
        .map_err(|e| ApiError::store(e, &input.name))?;
    Ok(NoContent)
}
