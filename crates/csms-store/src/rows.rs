//! Rows as read: documents decoded and checked, damaged rows logged and skipped, and the one paging
//! step of every listing.

use csms_model::{Event, Record, Secret};

use crate::backend::RecordRow;
use crate::{StoreError, StoreResult, Stored};

/// An event row: its version and its JSON document. A document that does not parse,
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

/// The checksum stored beside each event document: XXH3's 64 bits (a frozen algorithm, so every version
/// of the service computes the same).
pub(crate) fn doc_sum(doc: &str) -> i64 {
    i64::from_ne_bytes(xxhash_rust::xxh3::xxh3_64(doc.as_bytes()).to_ne_bytes())
}

/// A document and its checksum, as the rules layer writes them.
pub(crate) fn summed_doc(value: &impl serde::Serialize) -> StoreResult<(String, Option<i64>)> {
    let doc = serde_json::to_string(value)?;
    let sum = Some(doc_sum(&doc));
    Ok((doc, sum))
}

/// Whether a listed document is exactly what this service wrote: its checksum matches (a few
/// nanoseconds; parsing it again was a quarter of a page's time), or else `check` finds it well formed
/// (a row written before the checksum, or changed behind the service's back).
fn trusted_or_checked(
    doc: &str,
    sum: Option<i64>,
    check: impl FnOnce(&str) -> StoreResult<()>,
) -> StoreResult<()> {
    if sum == Some(doc_sum(doc)) { Ok(()) } else { check(doc) }
}

/// [`trusted_or_checked`] for an event document ([`check_document`]).
pub(crate) fn checked_document(doc: &str, sum: Option<i64>) -> StoreResult<()> {
    trusted_or_checked(doc, sum, |doc| check_document(doc).map(drop))
}

/// Whether a stored event document is exactly what this service writes: every member of `Event` and no
/// other, of the right types, with known enum values; if so, the event's id. It is parsed without
/// copying its strings.
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

/// A record's row as the rules layer writes it: the document and its checksum.
pub(crate) fn record_row(record: &Record) -> StoreResult<RecordRow> {
    let (doc, sum) = summed_doc(record)?;
    Ok(RecordRow { doc, sum })
}

/// A record document as stored, or `None` (logged, as [`readable_record`] does) when it is not exactly
/// what this service writes: trusted by its checksum, as an event's is, else checked.
pub(crate) fn readable_record_document(project: &str, row: RecordRow) -> Option<String> {
    trusted_or_checked(&row.doc, row.sum, check_record_document)
        .map(|()| row.doc)
        .inspect_err(|error| unreadable_record(project, error))
        .ok()
}

fn unreadable_record(project: &str, error: &dyn std::fmt::Display) {
    tracing::error!(project, %error, "skipping a stored record that cannot be read");
}

/// Whether a stored record document is exactly what this service writes: every member of `Record` and
/// no other, of the right types. Strings without escapes are not copied.
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
