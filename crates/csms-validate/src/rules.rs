//! Scalar rules: strings against a [`StringRule`], path parameters and the list query.

use std::sync::LazyLock;

use csms_model::limits::{self, StringRule};
use regex::Regex;

use crate::violation::Violations;

/// A [`StringRule`] with its pattern compiled once.
pub(crate) struct Compiled {
    pub(crate) rule: StringRule,
    pattern: String,
    regex: Regex,
    /// Which ASCII characters the rule's class accepts, read off the regular expression once: an ASCII
    /// value is checked by table, anything else by the regular expression itself.
    ascii: [bool; 128],
}

impl Compiled {
    pub(crate) fn new(rule: StringRule) -> Self {
        let pattern = rule.pattern();
        let regex = Regex::new(&pattern).expect("limits patterns are valid regular expressions");
        let class = Regex::new(&format!("^{}$", rule.charset)).expect("limits classes are valid");
        let ascii = std::array::from_fn(|b| class.is_match(char::from(b as u8).encode_utf8(&mut [0; 4])));
        Compiled { rule, pattern, regex, ascii }
    }

    fn matches(&self, value: &str) -> bool {
        if value.is_ascii() {
            let len = value.len();
            len >= self.rule.min_len
                && len <= self.rule.max_len
                && value.bytes().all(|b| self.ascii[b as usize])
        } else {
            self.regex.is_match(value)
        }
    }

    /// Checks the length first (in characters, as JSON Schema counts), then the pattern.
    pub(crate) fn check(&self, path: &str, value: &str, out: &mut Violations) {
        let len = value.chars().count();
        if len < self.rule.min_len || len > self.rule.max_len {
            out.length(path, len, self.rule.min_len, self.rule.max_len);
        } else if !self.matches(value) {
            out.pattern(path, &self.pattern);
        }
    }
}

pub(crate) static EVENT_NAME: LazyLock<Compiled> = LazyLock::new(|| Compiled::new(limits::EVENT_NAME));
pub(crate) static PROJECT_ID: LazyLock<Compiled> = LazyLock::new(|| Compiled::new(limits::PROJECT_ID));
pub(crate) static MARKER: LazyLock<Compiled> = LazyLock::new(|| Compiled::new(limits::MARKER));
pub(crate) static TARGET_ID: LazyLock<Compiled> = LazyLock::new(|| Compiled::new(limits::TARGET_ID));
pub(crate) static TARGET_NAME: LazyLock<Compiled> = LazyLock::new(|| Compiled::new(limits::TARGET_NAME));

#[cfg(test)]
mod tests {
    use super::*;

    /// The table and the regular expression agree on every ASCII character and on non-ASCII samples.
    #[test]
    fn the_ascii_table_agrees_with_the_pattern() {
        for rule in [&*EVENT_NAME, &*PROJECT_ID, &*MARKER, &*TARGET_ID, &*TARGET_NAME] {
            for b in 0u8..128 {
                let value = char::from(b).to_string().repeat(rule.rule.min_len.max(1));
                assert_eq!(rule.matches(&value), rule.regex.is_match(&value), "{:?} {value:?}", rule.pattern);
            }
            for value in ["é", "a中", "ǅx", "\u{0}"] {
                assert_eq!(rule.matches(value), rule.regex.is_match(value), "{value}");
            }
        }
    }
}

fn single(rule: &Compiled, path: &str, value: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    rule.check(path, value, &mut out);
    out.into_result(())
}

/// Checks an `{event_name}` path parameter (already percent-decoded); reported at `/event_name`.
///
/// ```
/// assert!(csms_validate::event_name("event-test").is_ok());
/// assert!(csms_validate::event_name("no spaces").is_err());
/// ```
pub fn event_name(name: &str) -> Result<(), Violations> {
    single(&EVENT_NAME, "/event_name", name)
}

/// Checks a `{project_id}` path parameter; reported at `/project_id`.
pub fn project_id(id: &str) -> Result<(), Violations> {
    single(&PROJECT_ID, "/project_id", id)
}

/// A checked ListSecretEvents query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Page size, 1 to 1000 (50 when absent).
    pub limit: u32,
    /// Exclusive start position in name order; `None` for the first page.
    pub marker: Option<String>,
}

/// Checks the query string of ListSecretEvents as received (still percent-encoded): `limit` and `marker`
/// at most once each (a repeated one is refused: a signature sorts the query, so which one came first
/// is not signed), then as [`list_query`] checks them. Other parameters are ignored (newer SDKs and
/// Terraform send some).
///
/// ```
/// let q = csms_validate::parse_list_query(Some("marker=a%2Db&limit=5&x=1")).unwrap();
/// assert_eq!((q.limit, q.marker.as_deref()), (5, Some("a-b")));
/// assert!(csms_validate::parse_list_query(Some("limit=5&limit=6")).is_err());
/// ```
pub fn parse_list_query(query: Option<&str>) -> Result<ListQuery, Violations> {
    let mut out = Violations::default();
    let [limit, marker] = query_params(query, ["limit", "marker"], &mut out);
    if !out.is_empty() {
        return Err(out);
    }
    list_query(limit.as_deref(), marker.as_deref())
}

/// The values of `keys` in a query string, percent-decoded (other parameters are ignored); a key given
/// more than once is one violation at `/{key}`. The one reading of a query every list operation uses.
pub(crate) fn query_params<const N: usize>(
    query: Option<&str>,
    keys: [&str; N],
    out: &mut Violations,
) -> [Option<String>; N] {
    let decode = |raw: &str| percent_encoding::percent_decode_str(raw).decode_utf8_lossy().into_owned();
    let mut found: [Option<String>; N] = std::array::from_fn(|_| None);
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(i) = keys.iter().position(|k| *k == decode(key)) else { continue };
        let path = format!("/{}", keys[i]);
        if found[i].replace(decode(value)).is_some() && !out.iter().any(|v| v.path == path) {
            out.repeated(&path);
        }
    }
    found
}

/// Checks the `limit` and `marker` query parameters as received (percent-decoded strings).
///
/// `limit` must be a plain decimal integer from 1 to 1000; absent means 50. An empty `marker` means the
/// first page.
///
/// ```
/// let q = csms_validate::list_query(Some("10"), Some("event-a")).unwrap();
/// assert_eq!((q.limit, q.marker.as_deref()), (10, Some("event-a")));
/// assert_eq!(csms_validate::list_query(None, None).unwrap().limit, 50);
/// assert!(csms_validate::list_query(Some("1001"), None).is_err());
/// ```
pub fn list_query(limit: Option<&str>, marker: Option<&str>) -> Result<ListQuery, Violations> {
    let mut out = Violations::default();
    let limit = match limit {
        None => limits::LIST_LIMIT_DEFAULT,
        Some(raw) => {
            let parsed = raw
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| raw.parse::<u32>().ok())
                .flatten()
                .filter(|n| (limits::LIST_LIMIT_MIN..=limits::LIST_LIMIT_MAX).contains(n));
            parsed.unwrap_or_else(|| {
                out.integer_range("/limit", limits::LIST_LIMIT_MIN.into(), limits::LIST_LIMIT_MAX.into());
                0
            })
        }
    };
    let marker = marker.filter(|m| !m.is_empty()).map(str::to_owned);
    if let Some(m) = &marker {
        MARKER.check("/marker", m, &mut out);
    }
    out.into_result(ListQuery { limit, marker })
}
