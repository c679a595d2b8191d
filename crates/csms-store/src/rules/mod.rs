//! The rules, written once for every backend: each operation of [`Store`](crate::Store) is a job over a
//! [`Tx`](crate::backend::Tx), grouped by resource. Every job makes all its checks before its first write,
//! so one that fails changes nothing even where the backend cannot roll back.

mod events;
mod outbox;
mod records;
mod scan;
mod secrets;
mod tasks;

pub use events::apply_update;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use secrets::check_key;

use crate::StoreResult;
use crate::rows::readable_page;

/// A listing of up to `limit` rows after a marker, read page by page: while [`Pager::wanted`] asks for
/// more, fetch that many rows after [`Pager::after`] and give them, each `(name, decoded row)`, to
/// [`Pager::take`]. Unreadable rows are logged and skipped, and the next fetch goes on past them, until
/// `limit` rows are read or the rows end: the one listing loop of every listing.
struct Pager<'p, T> {
    project: &'p str,
    what: &'static str,
    after: String,
    limit: usize,
    out: Vec<T>,
    done: bool,
}

impl<'p, T> Pager<'p, T> {
    fn new(project: &'p str, what: &'static str, after: Option<String>, limit: usize) -> Self {
        Pager {
            project,
            what,
            after: after.unwrap_or_default(),
            limit,
            out: Vec::with_capacity(limit),
            done: false,
        }
    }

    /// How many rows the next fetch asks for, if one is needed.
    fn wanted(&self) -> Option<usize> {
        (!self.done && self.out.len() < self.limit).then(|| self.limit - self.out.len())
    }

    /// The marker the next fetch reads after.
    fn after(&self) -> &str {
        &self.after
    }

    /// Takes a fetched page of `wanted` rows asked for.
    fn take(&mut self, wanted: usize, rows: impl ExactSizeIterator<Item = (String, StoreResult<T>)>) {
        match readable_page(self.project, self.what, rows, wanted, &mut self.out) {
            Some(last) => self.after = last,
            None => self.done = true,
        }
    }

    fn rows(self) -> Vec<T> {
        self.out
    }
}
