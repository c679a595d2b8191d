//! The OpenAPI 3.1 document: every operation served, their parameters, bodies, every success and error
//! response, the two security schemes and the documented examples.

use csms_model::limits::{self, StringRule};
use csms_model::*;
use schemars::JsonSchema;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use crate::STAMP;

macro_rules! example {
    ($file:literal) => {
        serde_json::from_str::<Value>(include_str!(concat!("../../../fixtures/examples/", $file)))
            .expect("examples are JSON")
    };
}

mod account;
mod family;
mod kms;
mod neighbours;
mod secrets;
mod smn;

/// A query parameter's rule: empty is the same as absent (no filter, the first page).
fn query_rule(rule: StringRule) -> Value {
    let pattern = format!("^({}{{{},{}}})?$", rule.charset, rule.min_len, rule.max_len);
    json!({"type": "string", "maxLength": rule.max_len, "pattern": pattern})
}

fn string_rule(rule: StringRule) -> Value {
    json!({"type": "string", "minLength": rule.min_len, "maxLength": rule.max_len, "pattern": rule.pattern()})
}

/// The documentation of one operation; its id, method and path come from [`Operation`], the route table.
struct Doc {
    op: Operation,
    summary: &'static str,
    description: String,
    parameters: Vec<Value>,
    request: Option<(Value, Value)>,
    /// Whether the request body may be left out.
    body_optional: bool,
    success: (&'static str, Option<(Value, Value)>),
    single_event: bool,
    errors: Vec<ErrorCode>,
}

/// The documentation of an operation on secrets: a required body if any, no ETag.
fn doc(
    op: Operation,
    summary: &'static str,
    description: &str,
    parameters: &[Value],
    request: Option<(Value, Value)>,
    success: (&'static str, Option<(Value, Value)>),
    errors: Vec<ErrorCode>,
) -> Doc {
    Doc {
        op,
        summary,
        description: description.into(),
        parameters: parameters.to_vec(),
        request,
        body_optional: false,
        success,
        single_event: false,
        errors,
    }
}

fn reference<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    generator.subschema_for::<T>().to_value()
}

fn error_responses(errors: &[ErrorCode], request_id: &Value) -> Map<String, Value> {
    let mut by_status: std::collections::BTreeMap<u16, Vec<ErrorCode>> = Default::default();
    for code in errors {
        by_status.entry(code.http_status()).or_default().push(*code);
    }
    by_status
        .into_iter()
        .map(|(status, codes)| {
            let description = codes
                .iter()
                .map(|c| format!("`{}`: {}", c.code(), c.default_message()))
                .collect::<Vec<_>>()
                .join(" ");
            let examples: Map<String, Value> = codes
                .iter()
                .map(|c| {
                    let body = ErrorResponse::new(*c, c.default_message());
                    (c.code().to_owned(), json!({"value": serde_json::to_value(body).unwrap()}))
                })
                .collect();
            let response = json!({
                "description": description,
                "headers": {"X-Request-Id": request_id},
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ErrorResponse"},
                    "examples": examples,
                }},
            });
            (status.to_string(), response)
        })
        .collect()
}

/// The `{secret_name}` path parameter.
fn secret_name_parameter() -> Value {
    json!({"name": "secret_name", "in": "path", "required": true,
        "description": "The secret's name.", "schema": string_rule(limits::SECRET_NAME)})
}

pub(crate) fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    generator.subschema_for::<ErrorResponse>();

    let project_id = json!({"name": "project_id", "in": "path", "required": true,
        "description": "The project id (real ones are 32 hexadecimal characters).",
        "schema": string_rule(limits::PROJECT_ID)});
    let event_name = json!({"name": "event_name", "in": "path", "required": true,
        "description": "The event's name.", "schema": string_rule(limits::EVENT_NAME)});
    let limit = json!({"name": "limit", "in": "query", "required": false,
        "description": "Page size.",
        "schema": {"type": "integer", "minimum": limits::LIST_LIMIT_MIN, "maximum": limits::LIST_LIMIT_MAX,
                   "default": limits::LIST_LIMIT_DEFAULT}});
    let marker = json!({"name": "marker", "in": "query", "required": false,
        "description": "The last name of the previous page; the page holds names after it (exclusive). Empty or absent: the first page.",
        "schema": query_rule(limits::MARKER)});
    let if_match = json!({"name": "If-Match", "in": "header", "required": false,
        "description": "Only change the event if its current ETag is one of these strong tags (or `*`); else 412 CSMS.9006. Weak tags never match; an empty value is no condition.",
        "schema": {"type": "string"}});
    let request_id = json!({"description": "The request's id, 32 hexadecimal characters.",
        "schema": {"type": "string"}});
    let etag =
        json!({"description": "The event's current version, for If-Match.", "schema": {"type": "string"}});

    use ErrorCode::*;
    let common = [InvalidParameter, Unauthenticated, Forbidden, Internal];
    let with_body = [MalformedBody, BodyTooLarge, UnsupportedMediaType];
    let errors = |extra: &[ErrorCode], body: bool| -> Vec<ErrorCode> {
        let mut all: Vec<ErrorCode> = common.to_vec();
        if body {
            all.extend(with_body);
        }
        all.extend(extra);
        all
    };
    let event_response =
        (reference::<SecretEventResponse>(&mut generator), example!("update-response.seed.json"));

    let docs = vec![
        Doc {
            op: Operation::CreateSecretEvent,
            summary: "Create an event",
            description: "Creates an event. Every field is required; the name must be new in the project.".into(),
            parameters: vec![project_id.clone()],
            body_optional: false,
            request: Some((
                reference::<CreateSecretEventRequestBody>(&mut generator),
                example!("create-request.upstream.json"),
            )),
            success: ("200", Some(event_response.clone())),
            single_event: true,
            errors: errors(&[AlreadyExists, QuotaExceeded], true),
        },
        Doc {
            op: Operation::ListSecretEvents,
            summary: "List events",
            description: "Lists the project's events in ascending name order, a page at a time. Past the end the page is empty.".into(),
            parameters: vec![project_id.clone(), limit, marker],
            request: None,
            body_optional: false,
            success: (
                "200",
                Some((
                    reference::<ListSecretEventsResponse>(&mut generator),
                    example!("list-events-response.upstream.json"),
                )),
            ),
            single_event: false,
            errors: errors(&[], false),
        },
        Doc {
            op: Operation::ShowSecretEvent,
            summary: "Show an event",
            description: "Shows one event.".into(),
            parameters: vec![project_id.clone(), event_name.clone()],
            request: None,
            body_optional: false,
            success: ("200", Some(event_response.clone())),
            single_event: true,
            errors: errors(&[NotFound], false),
        },
        Doc {
            op: Operation::UpdateSecretEvent,
            summary: "Update an event",
            description: "A partial update: an absent or null field is left as it is; a present `event_types` or `notification` replaces the stored value. `{}` changes nothing.".into(),
            parameters: vec![project_id.clone(), event_name.clone(), if_match.clone()],
            body_optional: false,
            request: Some((
                reference::<UpdateSecretEventRequestBody>(&mut generator),
                example!("update-request.seed.json"),
            )),
            success: ("200", Some(event_response)),
            single_event: true,
            errors: errors(&[NotFound, PreconditionFailed], true),
        },
        Doc {
            op: Operation::DeleteSecretEvent,
            summary: "Delete an event",
            description: "Deletes an event, immediately and permanently.".into(),
            parameters: vec![project_id.clone(), event_name, if_match],
            request: None,
            body_optional: false,
            success: ("204", None),
            single_event: false,
            errors: errors(&[NotFound, EventInUse, PreconditionFailed], false),
        },
        Doc {
            op: Operation::ListNotificationRecords,
            summary: "List notification records",
            description: format!(
                "The notifications the project's events produced in the last {} days, newest first, at most {}.",
                limits::RECORD_RETENTION_DAYS,
                limits::RECORDS_MAX
            ),
            parameters: vec![project_id.clone()],
            request: None,
            body_optional: false,
            success: (
                "200",
                Some((
                    reference::<ListNotificationRecordsResponse>(&mut generator),
                    example!("list-records-response.upstream.json"),
                )),
            ),
            single_event: false,
            errors: errors(&[], false),
        },
    ];
    let mut docs = docs;
    docs.extend(secrets::docs(&mut generator, &project_id, &errors));
    docs.extend(family::docs(&mut generator, &project_id, &errors));
    docs.extend(account::docs(&mut generator, &project_id, &errors));

    for op in Operation::ALL {
        assert!(docs.iter().any(|d| d.op == *op), "{} has no OpenAPI documentation", op.id());
    }
    let mut paths = Map::new();
    for op in docs {
        let mut responses = Map::new();
        let mut headers = json!({"X-Request-Id": request_id.clone()});
        if op.single_event {
            headers["ETag"] = etag.clone();
        }
        let mut success = json!({"description": "Success.", "headers": headers});
        if let Some((schema, example)) = op.success.1 {
            success["content"] = json!({"application/json": {"schema": schema, "example": example}});
        }
        responses.insert(op.success.0.into(), success);
        responses.extend(error_responses(&op.errors, &request_id));
        let mut operation = json!({
            "operationId": op.op.id(),
            "summary": op.summary,
            "description": op.description,
            "parameters": op.parameters,
            "responses": responses,
        });
        if let Some((schema, example)) = op.request {
            operation["requestBody"] = json!({"required": !op.body_optional, "content": {
                "application/json": {"schema": schema, "example": example}}});
        }
        let path = paths.entry(op.op.path()).or_insert_with(|| json!({}));
        path[op.op.method().to_ascii_lowercase()] = operation;
    }
    // The neighbours on the same listener: SMN and KMS, each in its own error shape.
    let smn_error = smn::error_shape(&mut generator);
    let link_error = smn::link_error(&mut generator);
    let kms_error = kms::error_shape(&mut generator);
    let smn_docs = smn::docs(&mut generator);
    for op in smn_model::Operation::ALL {
        assert!(smn_docs.iter().any(|d| d.id == op.id()), "{} has no OpenAPI documentation", op.id());
    }
    let kms_docs = kms::docs(&mut generator);
    for op in kms_model::Operation::ALL {
        assert!(kms_docs.iter().any(|d| d.id == op.id()), "{} has no OpenAPI documentation", op.id());
    }
    let foreign = smn_docs
        .into_iter()
        .map(|d| {
            let shape = if d.public { &link_error } else { &smn_error };
            neighbours::render("SMN", d, shape, &request_id)
        })
        .chain(kms_docs.into_iter().map(|d| neighbours::render("KMS", d, &kms_error, &request_id)));
    for (path, method, operation) in foreign {
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[method.to_ascii_lowercase()] = operation;
    }
    paths.insert(
        csms_model::operation::OPENAPI_PATH.into(),
        json!({"get": {"operationId": "GetOpenApi", "summary": "This document", "security": [],
            "responses": {"200": {"description": "The OpenAPI document.", "headers": {"X-Request-Id": request_id},
                "content": {"application/json": {"schema": {"type": "object"}}}}}}}),
    );

    let mut components = json!({"schemas": generator.take_definitions(true)});
    crate::name_definitions(&mut components);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "CSMS, SMN and KMS: secrets, their events, the topics they notify and the keys that seal them",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!("The secret and event API of Huawei Cloud's Cloud Secret Management Service (CSMS), and the parts of Simple Message Notification (SMN: topics, subscriptions, publishing, signed HTTP(S) delivery) and Key Management Service (KMS: keys, data keys, small data) it works with, as this service implements them on one listener. {STAMP}"),
        },
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "security": [{"token": []}, {"aksk": []}],
        "paths": paths,
        "components": {
            "schemas": components["schemas"],
            "securitySchemes": {
                "token": {"type": "apiKey", "in": "header", "name": "X-Auth-Token",
                          "description": "A token of the credentials file."},
                "aksk": {"type": "apiKey", "in": "header", "name": "Authorization",
                         "description": format!("An AK/SK signature as the official SDKs send it: `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>` with `X-Sdk-Date` (within {} minutes of the server's clock).", limits::SIGNATURE_MAX_SKEW_MINUTES)},
            },
        },
    })
}
