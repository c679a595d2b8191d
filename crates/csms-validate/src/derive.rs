//! The errors of the model's `validator` derives (feature `validator`), as violations.
//!
//! The JSON walk of [`crate::parse_create_body`] stays the authority for wire input: only it sees wrong
//! types and missing fields. The derives serve Rust code that builds typed values; this module gives their
//! errors the same JSON-pointer paths, kinds and messages, so both speak one language.

use csms_model::validation::{CODE_ENUM, CODE_LENGTH, CODE_PATTERN, CODE_UNIQUE};
use serde_json::Value;
use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::violation::{ViolationKind, Violations};

/// Checks a typed value with its `validator::Validate` derive; the violations are sorted by path.
///
/// ```
/// use csms_model::{EventType, UpdateSecretEventRequestBody};
///
/// let patch = UpdateSecretEventRequestBody {
///     event_types: Some(vec![EventType::SecretRotated, EventType::from("SECRET_NEAR_EXPIRY")]),
///     ..Default::default()
/// };
/// let violations = csms_validate::validate_typed(&patch).unwrap_err();
/// let paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
/// assert_eq!(paths, ["/event_types/1"]);
/// ```
pub fn validate_typed<T: Validate>(value: &T) -> Result<(), Violations> {
    match value.validate() {
        Ok(()) => Ok(()),
        Err(errors) => Err(from_validation_errors(&errors)),
    }
}

/// The violations of a `validator` error tree, with JSON-pointer paths, sorted by path.
pub fn from_validation_errors(errors: &ValidationErrors) -> Violations {
    let mut out = Violations::default();
    walk(errors, "", &mut out);
    out.sort_by_path();
    out
}

fn walk(errors: &ValidationErrors, prefix: &str, out: &mut Violations) {
    for (field, kind) in errors.errors() {
        let path = format!("{prefix}/{field}");
        match kind {
            ValidationErrorsKind::Field(list) => list.iter().for_each(|e| convert(e, &path, out)),
            ValidationErrorsKind::Struct(inner) => walk(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    walk(inner, &format!("{path}/{i}"), out);
                }
            }
        }
    }
}

fn number(error: &ValidationError, name: &str) -> Option<usize> {
    error.params.get(name).and_then(Value::as_u64).map(|n| n as usize)
}

fn convert(error: &ValidationError, path: &str, out: &mut Violations) {
    match error.code.as_ref() {
        CODE_LENGTH => {
            let length = number(error, "length").unwrap_or_else(|| match error.params.get("value") {
                Some(Value::String(s)) => s.chars().count(),
                Some(Value::Array(items)) => items.len(),
                _ => 0,
            });
            let (min, max) = (number(error, "min").unwrap_or(0), number(error, "max").unwrap_or(usize::MAX));
            out.length(path, length, min, max);
        }
        CODE_PATTERN => {
            let pattern = error.params.get("pattern").and_then(Value::as_str).unwrap_or_default();
            out.pattern(path, pattern);
        }
        CODE_ENUM => {
            let known: Vec<&str> = error
                .params
                .get("known")
                .and_then(Value::as_array)
                .map(|values| values.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            match error.params.get("indices").and_then(Value::as_array) {
                Some(indices) => {
                    for i in indices.iter().filter_map(Value::as_u64) {
                        out.enumeration(&format!("{path}/{i}"), &known);
                    }
                }
                None => out.enumeration(path, &known),
            }
        }
        CODE_UNIQUE => out.unique(path),
        // Every rule of the model derives uses one of the codes above; anything else is reported as is.
        other => out.push(
            path,
            ViolationKind::Type,
            format!("Value at '{path}' failed to satisfy constraint: {other}"),
        ),
    }
}
