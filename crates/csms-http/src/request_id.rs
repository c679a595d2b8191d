//! Request ids: how they are made (32 lower-case hex, the form of Huawei Cloud's), and the id of the
//! request a thread is handling, for every line logged about it.

use bytes::Bytes;
use http::{HeaderValue, Request};
use tower_http::request_id::{MakeRequestId, RequestId};

/// Request ids: 32 lower-case hexadecimal characters, the form of Huawei Cloud's. Unique, not secret:
/// a random 64-bit prefix per process, then a bijective mix of a counter (no system call per request).
#[derive(Debug, Clone, Copy)]
pub(crate) struct HexRequestId;

impl MakeRequestId for HexRequestId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        HeaderValue::from_maybe_shared(Bytes::from(new_request_id().into_bytes())).ok().map(RequestId::new)
    }
}

/// A new request id (see [`HexRequestId`]).
pub(crate) fn new_request_id() -> String {
    use std::sync::LazyLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static PREFIX: LazyLock<u64> = LazyLock::new(|| uuid::Uuid::new_v4().as_u64_pair().0);
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!("{:016x}{:016x}", *PREFIX, splitmix64(COUNTER.fetch_add(1, Ordering::Relaxed)))
}

/// SplitMix64's finaliser: a bijection on `u64`, so distinct counters give distinct ids.
fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

thread_local! {
    /// The id of the request being polled on this thread, for the lines logged while it is handled.
    static CURRENT: std::cell::Cell<Option<HeaderValue>> = const { std::cell::Cell::new(None) };
}

/// Makes a request's id the thread's current one for a call (a poll of its future), as entering a span
/// would, at the cost of two moves: the id moves in, and back out when the call returns (or unwinds).
pub(crate) fn as_current<R>(id: &mut Option<HeaderValue>, call: impl FnOnce() -> R) -> R {
    let previous = CURRENT.replace(id.take());
    let _restore = Restore { id, previous };
    call()
}

struct Restore<'a> {
    id: &'a mut Option<HeaderValue>,
    previous: Option<HeaderValue>,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        *self.id = CURRENT.replace(self.previous.take());
    }
}

/// A request id as text (`""` for none).
pub(crate) fn id_text(id: &Option<HeaderValue>) -> &str {
    id.as_ref().and_then(|id| id.to_str().ok()).unwrap_or_default()
}

/// The id of the request this thread is handling, for a log line about it (`""` outside a request).
pub(crate) fn current_request_id() -> String {
    let id = CURRENT.take();
    let text = id_text(&id).to_owned();
    CURRENT.set(id);
    text
}
