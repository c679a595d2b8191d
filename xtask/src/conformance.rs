//! Conformance to upstream's own definitions: the crates.io packages `huawei-cloud-api-definitions-CSMS`,
//! `-SMN` and `-KMS` ship one Swagger 2.0 document per operation (`src/<Operation>.json`). For every
//! operation each defines, [`check`] says whether this service serves it, and whether what it serves
//! conforms: the same method and path, every documented path and query parameter, every request member
//! accepted, every response member present, and upstream's request and response examples valid against
//! our schemas. Our document qualifies the neighbours' operation ids by family (`SMN.CreateTopic`).
//!
//! The package is read as data: xtask names it as an optional dependency that is never compiled (its
//! Rust types are generated code this project has no use for), so `cargo metadata` finds its sources.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::Value;

/// One package of upstream's definitions: the service it defines, its name and version, and the prefix
/// of its operations' ids in our document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Package {
    /// `CSMS`, `SMN` or `KMS`.
    pub service: &'static str,
    /// The crates.io package.
    pub name: &'static str,
    /// Its version.
    pub version: &'static str,
    /// What our document's operation ids of this service start with (`SMN.`; `""` for CSMS).
    pub prefix: &'static str,
}

/// The package and version whose definitions are the authority for CSMS.
pub const UPSTREAM: (&str, &str) = ("huawei-cloud-api-definitions-CSMS", "0.1.20261030");

/// Every package checked: CSMS, and the neighbours served on the same listener.
pub const PACKAGES: [Package; 3] = [
    Package { service: "CSMS", name: UPSTREAM.0, version: UPSTREAM.1, prefix: "" },
    Package {
        service: "SMN",
        name: "huawei-cloud-api-definitions-SMN",
        version: "0.1.20260918",
        prefix: "SMN.",
    },
    Package {
        service: "KMS",
        name: "huawei-cloud-api-definitions-KMS",
        version: "0.1.20260918",
        prefix: "KMS.",
    },
];

/// One upstream operation.
#[derive(Debug, Clone)]
pub struct UpstreamOperation {
    /// Its operation id (`CreateSecretTag`).
    pub id: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template as upstream writes it.
    pub path: String,
    /// The whole Swagger document of the operation.
    pub document: Value,
}

impl UpstreamOperation {
    fn operation(&self) -> &Value {
        &self.document["paths"][&self.path][self.method.to_lowercase()]
    }

    /// The documented parameters `(in, name)` of the path and the query.
    pub fn parameters(&self) -> Vec<(String, String)> {
        let parameters = self.operation()["parameters"].as_array().cloned().unwrap_or_default();
        parameters
            .iter()
            .filter(|p| matches!(p["in"].as_str(), Some("path" | "query")))
            .map(|p| {
                (
                    p["in"].as_str().unwrap_or_default().to_owned(),
                    p["name"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    /// The request body's schema, resolved in the upstream document.
    pub fn request_schema(&self) -> Option<Value> {
        let parameters = self.operation()["parameters"].as_array()?;
        let body = parameters.iter().find(|p| p["in"] == "body")?;
        Some(resolve(&self.document, &body["schema"], "#/definitions/"))
    }

    /// The success status and its body's schema, resolved.
    pub fn success(&self) -> Option<(String, Option<Value>)> {
        let responses = self.operation()["responses"].as_object()?;
        let (status, response) = responses.iter().find(|(s, _)| s.starts_with('2'))?;
        let schema = response.get("schema").map(|s| resolve(&self.document, s, "#/definitions/"));
        Some((status.clone(), schema))
    }

    /// The request examples (`x-request-examples-N`).
    pub fn request_examples(&self) -> Vec<Value> {
        let operation = self.operation().as_object().cloned().unwrap_or_default();
        operation
            .iter()
            .filter(|(k, _)| {
                k.starts_with("x-request-examples-")
                    && k.trim_start_matches("x-request-examples-").parse::<u32>().is_ok()
            })
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The query strings of the request examples given as URLs (`x-request-examples-url-N`), for the
    /// operations whose inputs are in the query.
    pub fn request_example_queries(&self) -> Vec<String> {
        let operation = self.operation().as_object().cloned().unwrap_or_default();
        operation
            .iter()
            .filter(|(k, _)| k.starts_with("x-request-examples-url-"))
            .filter_map(|(_, v)| v.as_str()?.split_once('?').map(|(_, q)| q.to_owned()))
            .collect()
    }

    /// The success response's example, if any.
    pub fn response_example(&self) -> Option<Value> {
        let responses = self.operation()["responses"].as_object()?;
        let (_, response) = responses.iter().find(|(s, _)| s.starts_with('2'))?;
        response.get("examples")?.get("application/json").cloned()
    }
}

/// The directory of an upstream package's sources, found with `cargo metadata` (which fetches it if
/// needed).
pub fn upstream_dir(root: &Path, package: Package) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--all-features"])
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)?;
    let packages = metadata["packages"].as_array().context("no packages in cargo metadata")?;
    let package = packages
        .iter()
        .find(|p| p["name"] == package.name && p["version"] == package.version)
        .with_context(|| format!("{} {} is not in the dependency graph", package.name, package.version))?;
    let manifest = PathBuf::from(package["manifest_path"].as_str().context("no manifest path")?);
    Ok(manifest.parent().context("a manifest has a directory")?.join("src"))
}

/// Every operation a package of upstream's defines, by id.
pub fn upstream_operations(
    root: &Path,
    package: Package,
) -> anyhow::Result<BTreeMap<String, UpstreamOperation>> {
    let dir = upstream_dir(root, package)?;
    let mut operations = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let document: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        let paths = document["paths"].as_object().context("no paths")?.clone();
        for (template, methods) in paths {
            for (method, operation) in methods.as_object().context("no methods")? {
                let id = operation["operationId"].as_str().context("no operationId")?.to_owned();
                operations.insert(
                    id.clone(),
                    UpstreamOperation {
                        id,
                        method: method.to_uppercase(),
                        path: template.clone(),
                        document: document.clone(),
                    },
                );
            }
        }
    }
    Ok(operations)
}

/// `schema` with its `$ref`s into `document` (under `prefix`) replaced by what they name, recursively.
pub fn resolve(document: &Value, schema: &Value, prefix: &str) -> Value {
    resolve_depth(document, schema, prefix, 0)
}

fn resolve_depth(document: &Value, schema: &Value, prefix: &str, depth: usize) -> Value {
    if depth > 16 {
        return schema.clone();
    }
    match schema {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref")
                && let Some(name) = reference.strip_prefix(prefix)
            {
                let target = if prefix == "#/definitions/" {
                    &document["definitions"][name]
                } else {
                    &document["components"]["schemas"][name]
                };
                return resolve_depth(document, target, prefix, depth + 1);
            }
            Value::Object(
                object
                    .iter()
                    .map(|(k, v)| (k.clone(), resolve_depth(document, v, prefix, depth + 1)))
                    .collect(),
            )
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| resolve_depth(document, v, prefix, depth + 1)).collect())
        }
        other => other.clone(),
    }
}

/// The member names a schema's object has (`properties`), following `allOf`.
fn members(schema: &Value) -> Vec<String> {
    let mut names: Vec<String> =
        schema["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        names.extend(members(part));
    }
    names
}

/// Path templates as compared: upstream's `{resource_instances}` names one literal segment.
pub fn normalize_path(path: &str) -> String {
    path.replace("{resource_instances}", "resource_instances")
}

/// Upstream examples that are wrong by upstream's own definitions, each with why: the check reports them
/// as skipped, by name, instead of holding the service to them.
pub const MALFORMED_EXAMPLES: &[(&str, &str)] = &[
    (
        "CSMS.ListResourceInstances",
        "its response example spreads the members of one resource over five array elements",
    ),
    (
        "CSMS.ListSecretEvents",
        "its response example lists SECRET_VERSION_NEAR_EXPIRY, which is in none of upstream's event-type enums",
    ),
    ("CSMS.CreateGrants", "its response example writes its int64 times as \"2022-11-09 16:37:24\""),
    (
        "CSMS.ListUsers",
        "its response example gives booleans, an integer and an object for members its schema types as strings",
    ),
    (
        "CSMS.ShowUserDetail",
        "its response example gives a boolean for `locked` and integers for `relation_type`, typed as strings",
    ),
    (
        "SMN.ListResourceInstances",
        "its response example leaves out resource_detail.detailId, which its schema requires",
    ),
    (
        "KMS.ListKmsByTags",
        "its response example gives resource_detail as an array, with numbers for members its schema types as strings",
    ),
    ("CSMS.ListGrants", "its response example writes its int64 times as \"2022-11-09 16:37:24\""),
    ("CSMS.UpdateGrant", "its response example writes its int64 times as \"2022-11-09 16:37:24\""),
];

/// Upstream request examples that break upstream's own definitions, each with why: not sent, and not
/// checked against our schemas.
pub const MALFORMED_REQUEST_EXAMPLES: &[(&str, &str)] = &[(
    "CSMS.UpdateGrant",
    "its request example gives resource_id and grantee_target_id as numbers, against its string schema",
)];

/// Where this service departs from upstream's definitions on purpose, each with why (`SERVICE.Operation`):
/// listed by the report, never silent.
pub const DIFFERENCES: &[(&str, &str)] = &[
    (
        "SMN.CreateTopic",
        "a missing display_name is accepted (stored as \"\"): the Terraform provider omits an empty one",
    ),
    (
        "SMN.AddSubscription",
        "loopback and private endpoints are accepted (upstream refuses them, SMN.0069): the subscribers under test are local",
    ),
    (
        "SMN.ListMessageDeliveries",
        "this service's own operation (upstream has none): what became of each message to each subscription",
    ),
    (
        "SMN.PublishMessage",
        "message templates are not served: message_template_name is refused (400 SMN.0024)",
    ),
    (
        "KMS.*",
        "errors are {\"error\":{\"error_code\",\"error_msg\"}}, an object, as the service answers and the SDKs read it (the definitions type `error` as an array)",
    ),
];

/// `SERVICE.Operation`, the key of the tables above.
fn key(package: Package, id: &str) -> String {
    format!("{}.{id}", package.service)
}

/// Why upstream's request example of `id` is not held against the service, if it is not.
pub fn malformed_request_example(package: Package, id: &str) -> Option<&'static str> {
    let key = key(package, id);
    MALFORMED_REQUEST_EXAMPLES.iter().find(|(op, _)| *op == key).map(|(_, why)| *why)
}

/// Why upstream's response example of `id` is not held against the service, if it is not.
pub fn malformed_example(package: Package, id: &str) -> Option<&'static str> {
    let key = key(package, id);
    MALFORMED_EXAMPLES.iter().find(|(op, _)| *op == key).map(|(_, why)| *why)
}

/// What the check found of one operation.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// Whether this service serves the operation.
    pub served: bool,
    /// What does not conform (empty when it conforms).
    pub problems: Vec<String>,
}

/// Checks every operation of `package` upstream defines against our OpenAPI document (`ours`, with its
/// components).
pub fn check(
    package: Package,
    upstream: &BTreeMap<String, UpstreamOperation>,
    ours: &Value,
) -> BTreeMap<String, Verdict> {
    let mut ours_by_id: BTreeMap<String, (String, String, Value)> = BTreeMap::new();
    for (path, methods) in ours["paths"].as_object().into_iter().flatten() {
        for (method, operation) in methods.as_object().into_iter().flatten() {
            if let Some(id) = operation["operationId"].as_str() {
                ours_by_id.insert(id.to_owned(), (method.to_uppercase(), path.clone(), operation.clone()));
            }
        }
    }
    let resolve_ours = |schema: &Value| resolve(ours, schema, "#/components/schemas/");
    upstream
        .values()
        .map(|up| {
            let Some((method, path, operation)) = ours_by_id.get(&format!("{}{}", package.prefix, up.id))
            else {
                return (up.id.clone(), Verdict::default());
            };
            let mut problems = Vec::new();
            if *method != up.method || *path != normalize_path(&up.path) {
                problems.push(format!("{} {} here, {} {} upstream", method, path, up.method, up.path));
            }
            let parameters: Vec<(String, String)> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    (
                        p["in"].as_str().unwrap_or_default().to_owned(),
                        p["name"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            for (place, name) in up.parameters() {
                if name == "resource_instances" {
                    continue;
                }
                if !parameters.contains(&(place.clone(), name.clone())) {
                    problems.push(format!("the {place} parameter `{name}` is not documented"));
                }
            }
            let our_request = operation["requestBody"]["content"]["application/json"]["schema"].clone();
            let our_request = resolve_ours(&our_request);
            if let Some(theirs) = up.request_schema() {
                let accepted = members(&our_request);
                for member in members(&theirs) {
                    if !accepted.contains(&member) {
                        problems.push(format!("the request member `{member}` is not accepted"));
                    }
                }
            }
            for example in up
                .request_examples()
                .into_iter()
                .filter(|_| malformed_request_example(package, &up.id).is_none())
            {
                if let Some(problem) = invalid(&our_request, &example) {
                    problems.push(format!("upstream's request example is refused by our schema: {problem}"));
                }
            }
            match up.success() {
                None => problems.push("upstream documents no success".into()),
                Some((status, theirs)) => {
                    let mut response = &operation["responses"][&status];
                    // A success without a body: upstream's 200 without a schema is our 204.
                    if response.is_null() && theirs.is_none() && status == "200" {
                        response = &operation["responses"]["204"];
                    }
                    if response.is_null() {
                        problems.push(format!("no {status} response here"));
                    }
                    let our_schema = resolve_ours(&response["content"]["application/json"]["schema"]);
                    if let Some(theirs) = theirs {
                        let present = members(&our_schema);
                        for member in members(&theirs) {
                            if !present.contains(&member) {
                                problems.push(format!("the response member `{member}` is missing"));
                            }
                        }
                    }
                    if let Some(example) = up.response_example()
                        && malformed_example(package, &up.id).is_none()
                        && let Some(problem) = invalid(&our_schema, &example)
                    {
                        problems.push(format!("upstream's response example fails our schema: {problem}"));
                    }
                }
            }
            (up.id.clone(), Verdict { served: true, problems })
        })
        .collect()
}

/// Why `instance` does not validate against `schema` (resolved, draft 2020-12), if it does not.
fn invalid(schema: &Value, instance: &Value) -> Option<String> {
    if schema.is_null() {
        return None;
    }
    let mut schema = schema.clone();
    if let Some(object) = schema.as_object_mut() {
        object.insert("$schema".into(), Value::String("https://json-schema.org/draft/2020-12/schema".into()));
    }
    match jsonschema::draft202012::new(&schema) {
        Ok(validator) => {
            let errors: Vec<String> =
                validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
            (!errors.is_empty()).then(|| errors.join("; "))
        }
        Err(e) => Some(format!("our schema does not compile: {e}")),
    }
}

/// The report `cargo xtask conformance` prints of one package: served and conforming counts, the
/// deliberate differences, each example not held and why, each problem, and what is not served, by name.
pub fn report(package: Package, verdicts: &BTreeMap<String, Verdict>) -> String {
    let served = verdicts.values().filter(|v| v.served).count();
    let conforming = verdicts.values().filter(|v| v.served && v.problems.is_empty()).count();
    let mut out = format!(
        "{} ({} {}): {served} of {} operations served, {conforming} of them conforming\n",
        package.service,
        package.name,
        package.version,
        verdicts.len()
    );
    let ours = |key: &&str| key.split_once('.').is_some_and(|(service, _)| service == package.service);
    for (key, why) in DIFFERENCES.iter().filter(|(k, _)| ours(k)) {
        out.push_str(&format!("  {key}: deliberately different: {why}\n"));
    }
    for (key, why) in MALFORMED_EXAMPLES.iter().filter(|(k, _)| ours(k)) {
        out.push_str(&format!("  {key}: upstream's response example not checked: {why}\n"));
    }
    for (key, why) in MALFORMED_REQUEST_EXAMPLES.iter().filter(|(k, _)| ours(k)) {
        out.push_str(&format!("  {key}: upstream's request example not sent: {why}\n"));
    }
    for (id, verdict) in verdicts {
        match (verdict.served, verdict.problems.is_empty()) {
            (false, _) => out.push_str(&format!("  not served: {id}\n")),
            (true, true) => {}
            (true, false) => {
                for problem in &verdict.problems {
                    out.push_str(&format!("  {id}: {problem}\n"));
                }
            }
        }
    }
    out
}

/// Our OpenAPI document, for [`check`].
pub fn ours() -> Value {
    crate::openapi::document()
}
