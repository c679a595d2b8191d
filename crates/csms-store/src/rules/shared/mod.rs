//! What the rule files share, so that none of them reaches into another: reading and writing a secret's
//! row (`secret.rs`), its stages (`stages.rs`), its versions (`version.rs`), the notifications a happening fires (`fire.rs`), the
//! rotation tasks a secret queues (`task.rs`), the one paging loop of every listing, and the master key's
//! check. Every rule file builds on these; none builds on another rule file.

pub(super) mod fire;
pub(super) mod kms;
pub(super) mod secret;
pub(super) mod smn;
pub(super) mod stages;
pub(super) mod task;
pub(super) mod version;

use crate::StoreResult;
use crate::backend::{Page, Tx};
use crate::rows::readable_page;

/// Up to `page.limit` rows after the marker `page.after`, fetched page by page with `fetch` and decoded
/// with `decode` into `(name, row)`. Unreadable rows are logged and skipped, and the next fetch goes on
/// past them, until `limit` rows are read or the rows end: the one listing loop of every listing.
pub(super) fn paged<R, T>(
    tx: &mut dyn Tx,
    what: &str,
    page: Page<'_>,
    fetch: fn(&mut dyn Tx, Page<'_>) -> StoreResult<Vec<R>>,
    decode: fn(R) -> (String, StoreResult<T>),
) -> StoreResult<Vec<T>> {
    let (mut out, mut after) = (Vec::with_capacity(page.limit), page.after.to_owned());
    while out.len() < page.limit {
        let wanted = page.limit - out.len();
        let rows = fetch(tx, Page { after: &after, limit: wanted, ..page })?;
        match readable_page(page.project, what, rows.into_iter().map(decode), wanted, &mut out) {
            Some(last) => after = last,
            None => break,
        }
    }
    Ok(out)
}

/// Every document of `scope`'s settings whose key starts with `prefix`, decoded (in key order): the
/// neighbours' resources (keys, topics, subscriptions) are such documents.
pub(super) fn documents<T: serde::de::DeserializeOwned>(
    tx: &mut dyn Tx,
    scope: &str,
    prefix: &str,
) -> StoreResult<Vec<T>> {
    let docs = tx.settings(scope, prefix)?.into_iter().map(|(_, doc)| serde_json::from_str(&doc));
    Ok(docs.collect::<Result<Vec<T>, _>>()?)
}

/// The key of the master key's check among the store's settings.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
const KEY_CHECK: &str = "key_check";

/// Checks the master key against the one a database's values were sealed with, or records it: run by
/// each durable backend as it opens.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn check_key(tx: &mut dyn Tx, cipher: &crate::Cipher) -> StoreResult<()> {
    tx.init_meta(KEY_CHECK, &cipher.key_check())?;
    let missing = || crate::StoreError::backend("the key check is missing");
    let stored = tx.meta(KEY_CHECK)?.ok_or_else(missing)?;
    cipher.verify_key_check(&stored)
}
