//! The rules of the account-level operations and the secrets checker: agencies, rotation function
//! templates, the checker's setting, and the strength of a value.

use csms_model::limits;
use csms_model::{
    CheckSecretsRequestBody, CreateAgencyRequestBody, StrengthReport, UpdateSecretsConfigRequestBody,
};
use serde_json::Value;

use crate::body::{checked_body, one_of, optional, required};
use crate::rules::query_params;
use crate::violation::{Rejection, Violations};

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

/// The end of the UTC day `YYYY-MM-DD` (its last millisecond), epoch milliseconds (negative before
/// 1970); `None` if it is no such date (years 0001 to 9999).
///
/// ```
/// assert_eq!(csms_validate::date_end_ms("1970-01-01"), Some(86_399_999));
/// assert_eq!(csms_validate::date_end_ms("2024-02-29"), Some(1_709_251_199_999));
/// assert_eq!(csms_validate::date_end_ms("2023-02-29"), None);
/// assert_eq!(csms_validate::date_end_ms("2024-2-1"), None);
/// assert_eq!(csms_validate::date_end_ms("1969-12-31"), Some(-1));
/// ```
pub fn date_end_ms(date: &str) -> Option<i64> {
    let bytes = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = date.get(r)?;
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || day < 1
        || day > month_days[month as usize - 1]
    {
        return None;
    }
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days + 1) * 86_400_000 - 1)
}

fn id_text(value: &Value, path: &str, min: usize, out: &mut Violations) {
    match value.as_str() {
        Some(s) if s.chars().count() < min || s.chars().count() > limits::GRANT_ID_MAX_CHARS => {
            out.length(path, s.chars().count(), min, limits::GRANT_ID_MAX_CHARS)
        }
        Some(_) => {}
        None => out.wrong_type(path, "a string"),
    }
}

/// Parses and checks the body of CreateGrants and UpdateGrant: the resource and grantee ids (1 to 64
/// characters), `type` `SECRET` or `GROUP` in any case, `grantee_type` `"0"` or `"2"`, and
/// `validity_time` a date `YYYY-MM-DD`.
pub fn parse_grant_body(bytes: &[u8]) -> Result<csms_model::GrantSecretRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        required(object, "resource_id", out, |v, p, o| id_text(v, p, 1, o), "");
        required(object, "grantee_target_id", out, |v, p, o| id_text(v, p, 1, o), "");
        required(
            object,
            "type",
            out,
            |v, p, o| {
                let upper = v.as_str().map(str::to_ascii_uppercase);
                if !upper.is_some_and(|t| limits::GRANT_TYPES.contains(&t.as_str())) {
                    o.enumeration(p, limits::GRANT_TYPES);
                }
            },
            "",
        );
        required(object, "grantee_type", out, |v, p, o| one_of(v, p, limits::GRANTEE_TYPES, o), "");
        optional(object, "validity_time", out, |v, p, o| {
            if v.as_str().is_none_or(|d| date_end_ms(d).is_none()) {
                o.constraint(p, crate::ViolationKind::Pattern, "be a date YYYY-MM-DD");
            }
        });
    })
}

/// The query of ListGrants, UpdateGrant and DeleteGrant: `resource_id` (required, 1 to 64 characters)
/// and, for DeleteGrant, `grantee_user` (at most 64; empty: every grantee).
///
/// ```
/// let (resource, grantee) = csms_validate::parse_grant_query(Some("resource_id=s&grantee_user=u"), true).unwrap();
/// assert_eq!((resource.as_str(), grantee.as_deref()), ("s", Some("u")));
/// assert!(csms_validate::parse_grant_query(Some("grantee_user=u"), true).is_err());
/// ```
pub fn parse_grant_query(query: Option<&str>, grantee: bool) -> Result<(String, Option<String>), Violations> {
    let mut out = Violations::default();
    let [resource, grantee_user] = query_params(query, ["resource_id", "grantee_user"], &mut out);
    let resource = resource.unwrap_or_default();
    id_text(&Value::String(resource.clone()), "/resource_id", 1, &mut out);
    let grantee_user = grantee_user.filter(|g| grantee && !g.is_empty());
    if let Some(g) = &grantee_user {
        id_text(&Value::String(g.clone()), "/grantee_user", 0, &mut out);
    }
    out.into_result((resource, grantee_user))
}

/// What ListUsers asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsersQuery {
    /// The page number, from 0 (`offset` is a page number upstream).
    pub page: u64,
    /// Users per page, 10 to 100.
    pub limit: u64,
    /// Only the users of this organisation.
    pub org_id: Option<String>,
    /// Only the users whose name or login holds this.
    pub user_info: Option<String>,
}

/// Parses ListUsers' query: `offset` (a page number, from 0) and `limit` (10 to 100) required,
/// `org_id` and `user_info` (at most 64 characters) optional.
///
/// ```
/// let q = csms_validate::parse_users_query(Some("org_id=&offset=0&limit=10")).unwrap();
/// assert_eq!((q.page, q.limit, q.org_id), (0, 10, None));
/// assert!(csms_validate::parse_users_query(Some("offset=0&limit=5")).is_err());
/// ```
pub fn parse_users_query(query: Option<&str>) -> Result<UsersQuery, Violations> {
    let mut out = Violations::default();
    let [offset, limit, org_id, user_info] =
        query_params(query, ["offset", "limit", "org_id", "user_info"], &mut out);
    let number = |value: Option<String>, path: &str, range: (i64, i64), out: &mut Violations| -> u64 {
        match value.as_deref().map(|v| (v, v.parse::<i64>())) {
            None => {
                out.missing(path);
                0
            }
            Some((v, Ok(n))) if v.bytes().all(|b| b.is_ascii_digit()) && n >= range.0 && n <= range.1 => {
                n as u64
            }
            Some(_) => {
                out.integer_range(path, range.0, range.1);
                0
            }
        }
    };
    let page = number(offset, "/offset", (0, limits::USERS_OFFSET_MAX), &mut out);
    let limit = number(limit, "/limit", (*limits::USERS_LIMIT.start(), *limits::USERS_LIMIT.end()), &mut out);
    let user_info = user_info.filter(|u| !u.is_empty());
    if let Some(info) = &user_info {
        let len = info.chars().count();
        if len > limits::USER_INFO_MAX_CHARS {
            out.length("/user_info", len, 0, limits::USER_INFO_MAX_CHARS);
        }
    }
    out.into_result(UsersQuery { page, limit, org_id: org_id.filter(|o| !o.is_empty()), user_info })
}

/// Checks a `{user_id}` path parameter: 1 to 64 characters; reported at `/user_id`.
pub fn user_id(id: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    let len = id.chars().count();
    if len == 0 || len > limits::GRANT_ID_MAX_CHARS {
        out.length("/user_id", len, 1, limits::GRANT_ID_MAX_CHARS);
    }
    out.into_result(())
}

/// Parses and checks UpdateUserPassword's body: `password` 8 to 128 characters, `old_password` at most
/// 128 (both required). Neither is ever echoed in a violation.
pub fn parse_user_password_body(
    bytes: &[u8],
) -> Result<csms_model::UpdateUserPasswordRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        let range = &limits::USER_PASSWORD_CHARS;
        required(
            object,
            "password",
            out,
            |v, p, o| match v.as_str() {
                Some(s) if !range.contains(&s.chars().count()) => {
                    o.length(p, s.chars().count(), *range.start(), *range.end())
                }
                Some(_) => {}
                None => o.wrong_type(p, "a string"),
            },
            "",
        );
        required(
            object,
            "old_password",
            out,
            |v, p, o| match v.as_str() {
                Some(s) if s.chars().count() > *range.end() => {
                    o.length(p, s.chars().count(), 0, *range.end())
                }
                Some(_) => {}
                None => o.wrong_type(p, "a string"),
            },
            "",
        );
    })
}
