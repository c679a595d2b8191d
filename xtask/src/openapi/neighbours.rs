//! The documentation of the neighbouring families' operations, SMN's and KMS's: each operation's id,
//! method and path come from its family's route table; its path parameters from the template, each by
//! the rule of its name; its errors in its family's shape (SMN `{"request_id","code","message"}`, its
//! public links `{"message"}`, KMS `{"error":{...}}`), beside API Gateway's, which every family answers
//! in CSMS's shape.

use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde_json::{Map, Value, json};

use super::reference;

/// One operation of SMN or KMS.
pub(super) struct Foreign {
    pub(super) id: &'static str,
    pub(super) method: &'static str,
    pub(super) path: &'static str,
    pub(super) summary: &'static str,
    pub(super) description: &'static str,
    /// The query parameters (the path's come from the template).
    pub(super) query: Vec<Value>,
    /// The request body's schema, if it takes one.
    pub(super) request: Option<Value>,
    /// The success statuses and their body's schema (`None`: no body).
    pub(super) success: Vec<(&'static str, Option<Value>)>,
    /// Answered without credentials.
    pub(super) public: bool,
    /// The family's own error rows: `(status, code, message)`.
    pub(super) errors: Vec<(u16, &'static str, &'static str)>,
}

/// A query parameter.
pub(super) fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

/// The schema of a path parameter, by its name: the same rules `csms-validate` applies.
fn path_schema(name: &str) -> Value {
    match name {
        "project_id" => {
            json!({"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$"})
        }
        "topic_urn" => {
            json!({"type": "string", "pattern": "^urn:smn:[^:]+:[^:]+:[A-Za-z0-9][A-Za-z0-9_-]{0,254}$"})
        }
        "subscription_urn" => {
            json!({"type": "string", "pattern": "^urn:smn:[^:]+:[^:]+:[A-Za-z0-9][A-Za-z0-9_-]{0,254}:[A-Za-z0-9]+$"})
        }
        "resource_type" => json!({"type": "string", "enum": [smn_model::limits::TOPIC_RESOURCE_TYPE]}),
        "resource_id" => json!({"type": "string", "minLength": 1, "maxLength": 255}),
        "name" => json!({"type": "string", "enum": smn_model::limits::ATTRIBUTE_NAMES}),
        "certificate_id" => json!({"type": "string", "pattern": "^SMN_.*\\.pem$", "maxLength": 128}),
        "key_id" => json!({"type": "string", "pattern": kms_model::limits::KEY_ID_PATTERN}),
        "key" => json!({"type": "string", "minLength": 1, "maxLength": 128}),
        other => panic!("the path parameter {{{other}}} has no documented rule"),
    }
}

fn describe_path(name: &str) -> &'static str {
    match name {
        "project_id" => "The project id.",
        "topic_urn" => "The topic's URN, `urn:smn:{region}:{project_id}:{name}`.",
        "subscription_urn" => "The subscription's URN: its topic's URN, `:`, and its id.",
        "resource_type" => "`smn_topic`.",
        "resource_id" => "The topic's `topic_id`, or its name with `X-SMN-RESOURCEID-TYPE: name`.",
        "name" => "The attribute: `access_policy` or `introduction`.",
        "certificate_id" => "`SMN_{region}_{id}.pem`, as `signing_cert_url` names it.",
        "key_id" => "The key's id.",
        _ => "The tag's key.",
    }
}

/// The response of one error status: the rows of the family at that status, in the family's shape or
/// API Gateway's.
fn error_response(status: u16, rows: &[(u16, &str, &str)], family: &Value, request_id: &Value) -> Value {
    let description = rows.iter().map(|(_, c, m)| format!("`{c}`: {m}")).collect::<Vec<_>>().join(" ");
    let description = if description.is_empty() { format!("HTTP {status}.") } else { description };
    json!({
        "description": description,
        "headers": {"X-Request-Id": request_id},
        "content": {"application/json": {"schema": {"anyOf": [family, {"$ref": "#/components/schemas/ErrorResponse"}]}}},
    })
}

/// The operation as OpenAPI writes it, and its path. Its `operationId` is qualified by its family
/// (`SMN.CreateTopic`): the families' tables share names (`ListResourceInstances`).
pub(super) fn render(
    family: &str,
    doc: Foreign,
    family_error: &Value,
    request_id: &Value,
) -> (&'static str, &'static str, Value) {
    let mut parameters: Vec<Value> = doc
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            json!({"name": name, "in": "path", "required": true, "description": describe_path(name),
                   "schema": path_schema(name)})
        })
        .collect();
    parameters.extend(doc.query);
    if doc.path.contains("{resource_id}") {
        parameters.push(json!({"name": "X-SMN-RESOURCEID-TYPE", "in": "header", "required": false,
            "description": "`name`: `{resource_id}` is the topic's name.", "schema": {"type": "string"}}));
    }
    let mut responses = Map::new();
    for (status, schema) in doc.success {
        let mut response = json!({"description": "Success.", "headers": {"X-Request-Id": request_id}});
        match (schema, doc.id) {
            (Some(schema), _) => response["content"] = json!({"application/json": {"schema": schema}}),
            (None, "DownloadHttpCert" | "DownloadHttpSignCert") => {
                response["content"] = json!({"application/x-pem-file": {"schema": {"type": "string"}}})
            }
            (None, _) => {}
        }
        responses.insert(status.to_owned(), response);
    }
    // Every answer the stack gives before the operation (a head or request line too long: 431, 414)
    // and after it (the answers' budget: 503).
    let mut statuses: Vec<u16> = vec![400, 404, 414, 431, 500, 503];
    if !doc.public {
        statuses.extend([401, 403, 413, 415, 429]);
    }
    statuses.extend(doc.errors.iter().map(|(s, _, _)| *s));
    statuses.sort_unstable();
    statuses.dedup();
    for status in statuses {
        let rows: Vec<_> = doc.errors.iter().filter(|(s, _, _)| *s == status).copied().collect();
        responses.insert(status.to_string(), error_response(status, &rows, family_error, request_id));
    }
    let mut operation = json!({
        "operationId": format!("{family}.{}", doc.id),
        "summary": doc.summary,
        "description": doc.description,
        "parameters": parameters,
        "responses": responses,
    });
    if doc.public {
        operation["security"] = json!([]);
    }
    if let Some(schema) = doc.request {
        operation["requestBody"] =
            json!({"required": true, "content": {"application/json": {"schema": schema}}});
    }
    (doc.path, doc.method, operation)
}

/// A schema reference of `T`.
pub(super) fn of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    reference::<T>(generator)
}
