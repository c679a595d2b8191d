//! The rules of the account-level operations and the secrets checker: agencies, rotation function
//! templates, the checker's setting, and the strength of a value.

use csms_model::limits;
use csms_model::{
    CheckSecretsRequestBody, CreateAgencyRequestBody, StrengthReport, UpdateSecretsConfigRequestBody,
};
use serde_json::Value;

use crate::body::{checked_body, optional, required};
use crate::rules::query_params;
use crate::violation::{Rejection, Violations};

fn one_of(value: &Value, path: &str, known: &[&str], out: &mut Violations) {
    if !value.as_str().is_some_and(|s| known.contains(&s)) {
        out.enumeration(path, known);
    }
}

/// Parses and checks UpdateSecretsConfig's body: `checking_secret_strength`, a boolean if given.
pub fn parse_secrets_config_body(bytes: &[u8]) -> Result<UpdateSecretsConfigRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        optional(object, "checking_secret_strength", out, |v, p, o| {
            if !v.is_boolean() {
                o.wrong_type(p, "a boolean");
            }
        });
    })
}

/// Parses and checks CheckSecrets' body: `type` one of [`limits::CHECK_TYPES`], `data` an object
/// holding `secret_string`.
pub fn parse_check_body(bytes: &[u8]) -> Result<CheckSecretsRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        required(object, "type", out, |v, p, o| one_of(v, p, limits::CHECK_TYPES, o), "");
        required(
            object,
            "data",
            out,
            |v, p, o| match v.as_object() {
                Some(data) => required(
                    data,
                    "secret_string",
                    o,
                    |v, p, o| match v.as_str() {
                        Some(s) if s.len() > limits::SECRET_VALUE_MAX_BYTES => {
                            o.byte_size(p, s.len(), limits::SECRET_VALUE_MAX_BYTES)
                        }
                        Some(_) => {}
                        None => o.wrong_type(p, "a string"),
                    },
                    p,
                ),
                None => o.wrong_type(p, "an object"),
            },
            "",
        );
    })
}

/// Parses and checks CreateAgency's body: `secret_type`, `RDS-FG` or `GaussDB-FG`.
pub fn parse_agency_body(bytes: &[u8]) -> Result<CreateAgencyRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        required(object, "secret_type", out, |v, p, o| one_of(v, p, limits::ROTATED_SECRET_TYPES, o), "");
    })
}

fn required_param(value: Option<String>, path: &str, known: &[&str], out: &mut Violations) -> String {
    match value.filter(|v| !v.is_empty()) {
        None => {
            out.missing(path);
            String::new()
        }
        Some(v) if !known.contains(&v.as_str()) => {
            out.enumeration(path, known);
            v
        }
        Some(v) => v,
    }
}

/// Parses ShowAgency's query: `secret_type`, required, `RDS-FG` or `GaussDB-FG`.
///
/// ```
/// assert_eq!(csms_validate::parse_agency_query(Some("secret_type=RDS-FG")).unwrap(), "RDS-FG");
/// assert!(csms_validate::parse_agency_query(None).is_err());
/// ```
pub fn parse_agency_query(query: Option<&str>) -> Result<String, Violations> {
    let mut out = Violations::default();
    let [secret_type] = query_params(query, ["secret_type"], &mut out);
    let secret_type = required_param(secret_type, "/secret_type", limits::ROTATED_SECRET_TYPES, &mut out);
    out.into_result(secret_type)
}

/// What ShowSecretFunctionTemplates asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateQuery {
    /// `RDS-FG` or `GaussDB-FG`.
    pub secret_type: String,
    /// `SingleUser` or `MultiUser`.
    pub secret_sub_type: String,
    /// The database engine: required for RDS-FG, refused for GaussDB-FG.
    pub engine: Option<String>,
}

/// Parses ShowSecretFunctionTemplates' query.
///
/// ```
/// let q = csms_validate::parse_template_query(Some("secret_type=RDS-FG&secret_sub_type=SingleUser&engine=mysql"));
/// assert_eq!(q.unwrap().engine.as_deref(), Some("mysql"));
/// assert!(csms_validate::parse_template_query(Some("secret_type=RDS-FG&secret_sub_type=SingleUser")).is_err());
/// assert!(csms_validate::parse_template_query(Some("secret_type=GaussDB-FG&secret_sub_type=MultiUser&engine=mysql")).is_err());
/// ```
pub fn parse_template_query(query: Option<&str>) -> Result<TemplateQuery, Violations> {
    let mut out = Violations::default();
    let [secret_type, sub_type, engine] =
        query_params(query, ["secret_type", "secret_sub_type", "engine"], &mut out);
    let secret_type = required_param(secret_type, "/secret_type", limits::ROTATED_SECRET_TYPES, &mut out);
    let secret_sub_type = required_param(sub_type, "/secret_sub_type", limits::SECRET_SUB_TYPES, &mut out);
    let engine = engine.filter(|e| !e.is_empty());
    match (&engine, secret_type.as_str()) {
        (Some(e), _) if !limits::TEMPLATE_ENGINES.contains(&e.as_str()) => {
            out.enumeration("/engine", limits::TEMPLATE_ENGINES)
        }
        (None, "RDS-FG") => out.missing("/engine"),
        (Some(_), t) if t != "RDS-FG" && !t.is_empty() => {
            out.constraint("/engine", crate::ViolationKind::Exclusive, "be given only for RDS-FG secrets")
        }
        _ => {}
    }
    out.into_result(TemplateQuery { secret_type, secret_sub_type, engine })
}

/// The strength of a value: never the value itself.
///
/// ```
/// assert_eq!(csms_validate::strength("password").strength, "WEAK");
/// assert_eq!(csms_validate::strength("c0rrect-Horse-battery-staple").strength, "STRONG");
/// ```
pub fn strength(value: &str) -> StrengthReport {
    let chars: Vec<char> = value.chars().collect();
    let classes = [
        chars.iter().any(char::is_ascii_lowercase),
        chars.iter().any(char::is_ascii_uppercase),
        chars.iter().any(char::is_ascii_digit),
        chars.iter().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|c| **c)
    .count();
    // A run of three: one character repeated (aaa), or a sequence up or down (abc, 321).
    let runs = chars.windows(3).any(|w| {
        let (a, b, c) = (w[0] as i64, w[1] as i64, w[2] as i64);
        (a == b && b == c) || (b - a == 1 && c - b == 1) || (a - b == 1 && b - c == 1)
    });
    let mut suggestions = Vec::new();
    let mut score = 0;
    for (ok, advice) in [
        (chars.len() >= 12, "use 12 characters or more"),
        (chars.len() >= 16, "use 16 characters or more"),
        (classes >= 3, "mix lower case, upper case, digits and punctuation (three kinds or more)"),
        (!runs, "avoid runs of one character or of a sequence (aaa, abc, 321)"),
    ] {
        if ok {
            score += 1;
        } else {
            suggestions.push(advice.to_owned());
        }
    }
    let strength = match score {
        0 | 1 => "WEAK",
        2 | 3 => "MEDIUM",
        _ => "STRONG",
    };
    StrengthReport { strength: strength.into(), score, length: chars.len() as i64, suggestions }
}
