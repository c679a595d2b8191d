//! Rows of the durable backends as read: documents decoded and checked, damaged rows logged and skipped,
//! and the one paging step of every listing.

use csms_model::{Event, Record, Secret};

use crate::{StoreError, StoreResult, Stored};

/// An event row of a durable backend: its version and its JSON document. A document that does not parse,
/// or holds enum values the service does not know (it only ever writes known ones: the row was damaged
/// or tampered with), is an error, never served as stored.
pub(crate) fn decode(version: i64, doc: &str) -> StoreResult<Stored> {
    use csms_model::StringEnum;
    let event: Event = serde_json::from_str(doc)?;
    let known = event.state.is_known()
        && event.event_types.iter().all(StringEnum::is_known)
        && event.notification.target_type.is_known();
    if !known {
        return Err(StoreError::backend(format!(
            "the stored event '{}' holds values that were never written",
            event.name
        )));
    }
    Ok(Stored { event, version: version as u64 })
}

/// Whether a stored event document is exactly what this service writes: every member of `Event` and no
/// other, of the right types, with known enum values; if so, the event's id. It is parsed without
/// copying its strings.
#[cfg(feature = "sqlite")]
pub(crate) fn check_document(doc: &str) -> StoreResult<String> {
    use std::borrow::Cow;

    use csms_model::{EventState, EventType, StringEnum, TargetType};

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "read only to check the document's shape")]
    struct Doc<'a> {
        #[serde(borrow)]
        name: Cow<'a, str>,
        #[serde(borrow)]
        event_id: Cow<'a, str>,
        #[serde(borrow)]
        event_types: Vec<Cow<'a, str>>,
        #[serde(borrow)]
        state: Cow<'a, str>,
        create_time: i64,
        update_time: i64,
        #[serde(borrow)]
        notification: Target<'a>,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "read only to check the document's shape")]
    struct Target<'a> {
        #[serde(borrow)]
        target_type: Cow<'a, str>,
        #[serde(borrow)]
        target_id: Cow<'a, str>,
        #[serde(borrow)]
        target_name: Cow<'a, str>,
    }
    let d: Doc<'_> = serde_json::from_str(doc)?;
    let known = EventState::KNOWN.contains(&d.state.as_ref())
        && d.event_types.iter().all(|t| EventType::KNOWN.contains(&t.as_ref()))
        && TargetType::KNOWN.contains(&d.notification.target_type.as_ref());
    if known {
        Ok(d.event_id.into_owned())
    } else {
        Err(StoreError::backend(format!(
            "the stored event '{}' holds values that were never written",
            d.name
        )))
    }
}

/// A page of event rows `(name, version, document)` as read: the readable ones are added to `out`, a row
/// that cannot be read is logged and skipped, so that one damaged row never stops a client paging past it.
/// Returns the last name read, from where the next fetch goes on, when the page was full.
#[cfg(feature = "postgres")]
pub(crate) fn readable_rows(
    project: &str,
    rows: Vec<(String, i64, String)>,
    wanted: usize,
    out: &mut Vec<Stored>,
) -> Option<String> {
    let rows = rows.into_iter().map(|(name, version, doc)| (name, decode(version, &doc)));
    readable_page(project, "event", rows, wanted, out)
}

/// Up to `limit` rows after the marker `after`, read page by page: `fetch(after, wanted)` reads the next
/// `wanted` rows in order, each `(name, decoded row)`. Unreadable rows are logged and skipped (see
/// [`readable_page`]) and the next fetch goes on past them, until `limit` rows are read or the rows end:
/// the one listing loop of a backend that reads synchronously.
#[cfg(feature = "sqlite")]
pub(crate) fn read_pages<T>(
    project: &str,
    what: &str,
    after: Option<String>,
    limit: usize,
    mut fetch: impl FnMut(&str, usize) -> StoreResult<Vec<(String, StoreResult<T>)>>,
) -> StoreResult<Vec<T>> {
    let (mut out, mut after) = (Vec::with_capacity(limit), after.unwrap_or_default());
    while out.len() < limit {
        let wanted = limit - out.len();
        let rows = fetch(&after, wanted)?;
        match readable_page(project, what, rows.into_iter(), wanted, &mut out) {
            Some(last) => after = last,
            None => break,
        }
    }
    Ok(out)
}

/// A page of rows `(name, decoded row)` as read, of which `wanted` were asked for: the readable ones are
/// added to `out`, one that cannot be read is logged and skipped. Returns the last name read, from where
/// the next fetch goes on, when the page was full: the one paging step of every listing.
pub(crate) fn readable_page<T>(
    project: &str,
    what: &str,
    rows: impl ExactSizeIterator<Item = (String, StoreResult<T>)>,
    wanted: usize,
    out: &mut Vec<T>,
) -> Option<String> {
    let full = rows.len() == wanted;
    let mut last = None;
    for (name, row) in rows {
        match row {
            Ok(row) => out.push(row),
            Err(error) => {
                tracing::error!(project, name, what, %error, "skipping a stored row that cannot be read")
            }
        }
        last = Some(name);
    }
    last.filter(|_| full)
}

/// A secret row's document; enum values the service never writes make it an error, as for events.
pub(crate) fn decode_secret(doc: &str) -> StoreResult<Secret> {
    use csms_model::StringEnum;
    let secret: Secret = serde_json::from_str(doc)?;
    if !(secret.state.is_known() && secret.secret_type.is_known()) {
        return Err(StoreError::backend(format!(
            "the stored secret '{}' holds values that were never written",
            secret.name
        )));
    }
    Ok(secret)
}

/// A record document as stored, or `None` (logged, as [`readable_record`] does) when it is not exactly
/// what this service writes.
#[cfg(feature = "sqlite")]
pub(crate) fn readable_record_document(project: &str, doc: String) -> Option<String> {
    check_record_document(&doc).map(|()| doc).inspect_err(|error| unreadable_record(project, error)).ok()
}

fn unreadable_record(project: &str, error: &dyn std::fmt::Display) {
    tracing::error!(project, %error, "skipping a stored record that cannot be read");
}

/// Whether a stored record document is exactly what this service writes: every member of `Record` and
/// no other, of the right types. Strings without escapes are not copied.
#[cfg(feature = "sqlite")]
fn check_record_document(doc: &str) -> StoreResult<()> {
    use std::borrow::Cow;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "read only to check the document's shape")]
    struct Doc<'a> {
        #[serde(borrow)]
        event_name: Cow<'a, str>,
        #[serde(borrow)]
        trigger_event_type: Cow<'a, str>,
        create_time: i64,
        #[serde(borrow)]
        secret_name: Cow<'a, str>,
        #[serde(borrow)]
        secret_type: Cow<'a, str>,
        #[serde(borrow)]
        notification_target_name: Cow<'a, str>,
        #[serde(borrow)]
        notification_target_id: Cow<'a, str>,
        #[serde(borrow)]
        notification_content: Cow<'a, str>,
        #[serde(borrow)]
        notification_status: Cow<'a, str>,
    }
    serde_json::from_str::<Doc<'_>>(doc)?;
    Ok(())
}

/// A record document as read, or `None` (logged) when it cannot be read.
pub(crate) fn readable_record(project: &str, doc: &str) -> Option<Record> {
    serde_json::from_str(doc).inspect_err(|error| unreadable_record(project, error)).ok()
}
