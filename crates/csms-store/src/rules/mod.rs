//! The rules, written once for every backend: each operation of [`Store`](crate::Store) is a job over a
//! [`Tx`](crate::backend::Tx), grouped by resource. Every job makes all its checks before its first write,
//! so one that fails changes nothing even where the backend cannot roll back.

mod backup;
mod events;
mod grants;
mod outbox;
mod records;
mod scan;
mod secrets;
mod settings;
mod stages;
mod tags;
mod tasks;

pub use events::apply_update;
pub use grants::NewGrant;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use secrets::check_key;
pub use settings::PasswordRecord;
pub use tags::{TagAction, TagQuery};
pub use tasks::{MANUAL_ROTATION, SCHEDULED_ROTATION};

use crate::StoreResult;
use crate::backend::{Page, Tx};
use crate::rows::readable_page;
use crate::store::Step;

/// Up to `page.limit` rows after the marker `page.after`, fetched page by page with `fetch` and decoded
/// with `decode` into `(name, row)`. Unreadable rows are logged and skipped, and the next fetch goes on
/// past them, until `limit` rows are read or the rows end: the one listing loop of every listing.
async fn paged<R, T>(
    tx: &mut dyn Tx,
    what: &str,
    page: Page<'_>,
    fetch: for<'a> fn(&'a mut dyn Tx, Page<'a>) -> Step<'a, Vec<R>>,
    decode: fn(R) -> (String, StoreResult<T>),
) -> StoreResult<Vec<T>> {
    let (mut out, mut after) = (Vec::with_capacity(page.limit), page.after.to_owned());
    while out.len() < page.limit {
        let wanted = page.limit - out.len();
        let rows = fetch(tx, Page { after: &after, limit: wanted, ..page }).await?;
        match readable_page(page.project, what, rows.into_iter().map(decode), wanted, &mut out) {
            Some(last) => after = last,
            None => break,
        }
    }
    Ok(out)
}
