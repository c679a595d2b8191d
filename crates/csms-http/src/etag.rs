//! Entity tags and `If-Match`: the HTTP face of a store [`Revision`].

use csms_store::{Precondition, Revision};
use http::HeaderMap;
use http::header::IF_MATCH;

/// The strong entity tag of a revision of an event: `"{event_id}.{version}"`, so that an event deleted
/// and created again never matches an old tag.
pub(crate) fn etag(event_id: &str, version: u64) -> String {
    format!("\"{event_id}.{version}\"")
}

/// The revision a strong tag names, if it is one of ours (written exactly as [`etag`] writes it).
fn revision(tag: &str) -> Option<Revision> {
    let (event_id, version) = tag.strip_prefix('"')?.strip_suffix('"')?.rsplit_once('.')?;
    let revision = Revision { event_id: event_id.to_owned(), version: version.parse().ok()? };
    (etag(event_id, revision.version) == tag).then_some(revision)
}

/// `If-Match`: `*`, or a list of entity tags compared strongly (weak tags never match). An empty header
/// is no condition at all; a header of weak, malformed or foreign tags matches nothing.
pub(crate) fn if_match(headers: &HeaderMap) -> Precondition {
    let mut tags = Vec::new();
    for value in headers.get_all(IF_MATCH) {
        // A value that is not visible ASCII holds no valid tag, so it can match nothing.
        let text = value.to_str().unwrap_or("malformed");
        tags.extend(text.split(',').map(str::trim).filter(|t| !t.is_empty()));
    }
    if tags.is_empty() {
        return Precondition::None;
    }
    if tags.contains(&"*") {
        return Precondition::Exists;
    }
    Precondition::OneOf(tags.into_iter().filter_map(revision).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn precondition(values: &[&str]) -> Precondition {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(IF_MATCH, HeaderValue::from_str(v).unwrap());
        }
        if_match(&headers)
    }

    #[test]
    fn tags_name_revisions_exactly() {
        let r = |id: &str, version| Revision { event_id: id.into(), version };
        assert_eq!(precondition(&[]), Precondition::None);
        assert_eq!(precondition(&[""]), Precondition::None);
        assert_eq!(precondition(&["\"a.1\", *"]), Precondition::Exists);
        assert_eq!(
            precondition(&["\"a-b.2\"", "\"c.3\""]),
            Precondition::OneOf(vec![r("a-b", 2), r("c", 3)])
        );
        // Weak, unquoted, non-numeric and non-canonical tags name nothing.
        for tag in ["W/\"a.1\"", "a.1", "\"a.x\"", "\"a.01\"", "\"a\""] {
            assert_eq!(precondition(&[tag]), Precondition::OneOf(vec![]), "{tag}");
        }
    }
}
