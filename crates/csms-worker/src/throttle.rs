//! What one target may hold of the worker: attempts in flight at once, and a breaker that backs off a
//! target whose attempts keep failing, so that a stalled target never holds back the others.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::target::Attempt;

/// Most attempts in flight to one target (one topic URN) at once.
pub const PER_TARGET_IN_FLIGHT: usize = 8;
/// Failed attempts in a row (timeouts, refused connections, 5xx) that open a target's breaker.
pub const BREAKER_FAILURES: u32 = 5;
/// How long an open breaker keeps a target's notifications waiting, in milliseconds.
pub const BREAKER_OPEN_MS: i64 = 30_000;

#[derive(Debug, Default)]
struct State {
    in_flight: usize,
    failures: u32,
    open_until: i64,
}

/// Per target: attempts in flight, and failures in a row.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    targets: Mutex<HashMap<String, State>>,
}

/// Whether an attempt to a target may start now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Go: the attempt counts against the target until [`Throttle::finish`].
    Go,
    /// The target has [`PER_TARGET_IN_FLIGHT`] attempts in flight: try again shortly.
    Busy,
    /// The target's breaker is open until then (epoch ms).
    Open(i64),
}

impl Throttle {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, State>) -> T) -> T {
        f(&mut self.targets.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Admits an attempt to `target` at `now`, or says why not.
    pub(crate) fn admit(&self, target: &str, now: i64) -> Admission {
        self.with(|targets| {
            let state = targets.entry(target.to_owned()).or_default();
            if state.open_until > now {
                Admission::Open(state.open_until)
            } else if state.in_flight >= PER_TARGET_IN_FLIGHT {
                Admission::Busy
            } else {
                state.in_flight += 1;
                Admission::Go
            }
        })
    }

    /// Ends an admitted attempt with its outcome at `now`: a failure in a row too many opens the breaker.
    pub(crate) fn finish(&self, target: &str, attempt: &Attempt, now: i64) {
        self.with(|targets| {
            let Some(state) = targets.get_mut(target) else { return };
            state.in_flight = state.in_flight.saturating_sub(1);
            match attempt {
                Attempt::Failed(_) => {
                    state.failures += 1;
                    if state.failures >= BREAKER_FAILURES {
                        state.failures = 0;
                        state.open_until = now + BREAKER_OPEN_MS;
                        tracing::warn!(
                            target,
                            open_ms = BREAKER_OPEN_MS,
                            "a target keeps failing: backing off"
                        );
                    }
                }
                Attempt::Delivered | Attempt::Unusable(_) => state.failures = 0,
            }
            if state.in_flight == 0 && state.failures == 0 && state.open_until <= now {
                targets.remove(target);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_holds_a_bounded_share_and_backs_off_after_failures() {
        let throttle = Throttle::default();
        for _ in 0..PER_TARGET_IN_FLIGHT {
            assert_eq!(throttle.admit("slow", 0), Admission::Go);
        }
        assert_eq!(throttle.admit("slow", 0), Admission::Busy);
        assert_eq!(throttle.admit("other", 0), Admission::Go, "another target is not held back");
        let failed = Attempt::Failed("no answer".into());
        for _ in 0..BREAKER_FAILURES {
            throttle.finish("slow", &failed, 1_000);
        }
        assert_eq!(throttle.admit("slow", 1_000), Admission::Open(1_000 + BREAKER_OPEN_MS));
        assert_eq!(throttle.admit("slow", 1_000 + BREAKER_OPEN_MS), Admission::Go, "closed again");
        // A success resets the count of failures in a row.
        throttle.finish("other", &Attempt::Delivered, 2_000);
        assert_eq!(throttle.admit("other", 2_000), Admission::Go);
    }
}
