//! What bounds the dearest work a caller can ask for, so that one caller cannot take the service from the
//! others: the password hashes of UpdateUserPassword run in a small pool with a short queue (beyond it,
//! 429 `APIGW.0308` with `Retry-After`), and a user's wrong old passwords lock further changes for a
//! while, growing with each further wrong one and ending by themselves (429 `CSMS.9011`).
//!
//! The pool holds at most half the machine's cores (at least one): PBKDF2 is pure CPU, and the other half
//! stays with the runtime that answers everyone else.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use csms_model::ErrorCode;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::ApiError;

/// Wrong old passwords of one user within [`WINDOW`] before the change locks.
pub(crate) const FREE_ATTEMPTS: u32 = 5;
/// How long a user's wrong old passwords are remembered after the last one.
pub(crate) const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The first lock; each further wrong old password doubles it, up to [`MAX_LOCK`].
pub(crate) const FIRST_LOCK: Duration = Duration::from_secs(60);
/// The longest lock: after it, the user may try again, whatever an attacker did before.
pub(crate) const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
/// Users remembered at most (the oldest entries go first).
const USERS_REMEMBERED: usize = 10_000;
/// Hashes waiting for the pool, per hash the pool runs at once.
const QUEUE_PER_SLOT: usize = 4;

/// The hashing pool and the wrong-password locks of one service.
#[derive(Debug)]
pub(crate) struct PasswordGuard {
    slots: Semaphore,
    queue_bound: usize,
    queued: AtomicUsize,
    failures: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    /// Epoch milliseconds of the last wrong old password.
    last: i64,
    /// Epoch milliseconds until which the change is locked.
    locked_until: i64,
}

/// A place in the hashing pool: hash while it is held.
#[derive(Debug)]
pub(crate) struct HashSlot<'a> {
    _permit: SemaphorePermit<'a>,
}

impl PasswordGuard {
    /// A guard whose pool runs `slots` hashes at once.
    pub(crate) fn new(slots: usize) -> Self {
        let slots = slots.max(1);
        PasswordGuard {
            slots: Semaphore::new(slots),
            queue_bound: slots * QUEUE_PER_SLOT,
            queued: AtomicUsize::new(0),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// A guard sized for this machine: half its cores, at least one.
    pub(crate) fn for_this_machine() -> Self {
        Self::new(std::thread::available_parallelism().map_or(1, |n| n.get() / 2))
    }

    /// Refuses a change of `user`'s password while its wrong old passwords lock it, at `now`.
    pub(crate) fn check(&self, user: &str, now: i64) -> Result<(), ApiError> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get(user) {
            Some(f) if f.locked_until > now => {
                let seconds = ((f.locked_until - now) as u64).div_ceil(1000);
                let message = format!(
                    "{} wrong old passwords in a row: changing this user's password is locked for {seconds} s more.",
                    f.count
                );
                Err(ApiError::new(ErrorCode::PasswordChangeLocked, message).retry_after(seconds))
            }
            _ => Ok(()),
        }
    }

    /// A place in the hashing pool, waited for; refused at once when the queue is full.
    pub(crate) async fn slot(&self) -> Result<HashSlot<'_>, ApiError> {
        if self.queued.fetch_add(1, Ordering::AcqRel) >= self.queue_bound {
            self.queued.fetch_sub(1, Ordering::AcqRel);
            let message = "Too many password changes at once: try again in a moment.";
            return Err(ApiError::new(ErrorCode::Throttled, message).retry_after(1));
        }
        let permit = self.slots.acquire().await;
        self.queued.fetch_sub(1, Ordering::AcqRel);
        let permit = permit.map_err(ApiError::internal)?;
        Ok(HashSlot { _permit: permit })
    }

    /// Records a wrong old password of `user` at `now`: the fifth within the window locks further changes
    /// for [`FIRST_LOCK`], and each one after doubles the lock, up to [`MAX_LOCK`].
    pub(crate) fn failed(&self, user: &str, now: i64) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let window = WINDOW.as_millis() as i64;
        if failures.len() >= USERS_REMEMBERED && !failures.contains_key(user) {
            failures.retain(|_, f| now - f.last < window);
            if failures.len() >= USERS_REMEMBERED
                && let Some(oldest) = failures.iter().min_by_key(|(_, f)| f.last).map(|(k, _)| k.clone())
            {
                failures.remove(&oldest);
            }
        }
        let entry =
            failures.entry(user.to_owned()).or_insert(Failures { count: 0, last: now, locked_until: 0 });
        if now - entry.last >= window {
            *entry = Failures { count: 0, last: now, locked_until: 0 };
        }
        entry.count += 1;
        entry.last = now;
        if entry.count >= FREE_ATTEMPTS {
            let doublings = (entry.count - FREE_ATTEMPTS).min(16);
            let lock = (FIRST_LOCK.as_millis() as i64) << doublings;
            entry.locked_until = now + lock.min(MAX_LOCK.as_millis() as i64);
        }
    }

    /// Forgets `user`'s wrong old passwords: it changed its password.
    pub(crate) fn succeeded(&self, user: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn wrong_passwords_lock_for_a_while_that_grows_and_ends() {
        let guard = PasswordGuard::new(1);
        for i in 0..FREE_ATTEMPTS as i64 - 1 {
            guard.failed("u", i);
            assert!(guard.check("u", i + 1).is_ok(), "attempt {i} is free");
        }
        guard.failed("u", 10);
        let locked = guard.check("u", 11).unwrap_err();
        assert_eq!((locked.code, locked.retry_after), (ErrorCode::PasswordChangeLocked.into(), Some(60)));
        assert!(guard.check("u", 10 + MIN).is_ok(), "the first lock ends after a minute");
        assert!(guard.check("v", 11).is_ok(), "another user is not locked");
        // Each further wrong one doubles the lock, never past the longest.
        guard.failed("u", 10 + MIN);
        assert!(guard.check("u", 10 + 3 * MIN - 1).is_err() && guard.check("u", 10 + 3 * MIN).is_ok());
        let mut now = 10 + 3 * MIN;
        for _ in 0..20 {
            guard.failed("u", now);
            now += MAX_LOCK.as_millis() as i64 - 1;
        }
        assert!(guard.check("u", now).is_err());
        assert!(guard.check("u", now + 1).is_ok(), "locked at most 15 minutes after the last wrong one");
        // A success forgets; so does a quiet window.
        guard.succeeded("u");
        assert!(guard.check("u", now + 2).is_ok());
        guard.failed("w", 0);
        for _ in 0..FREE_ATTEMPTS - 1 {
            guard.failed("w", 2 * WINDOW.as_millis() as i64);
        }
        assert!(guard.check("w", 2 * WINDOW.as_millis() as i64 + 1).is_ok(), "the first was forgotten");
    }

    #[tokio::test]
    async fn the_hashing_pool_queues_a_few_and_refuses_the_rest() {
        let guard = std::sync::Arc::new(PasswordGuard::new(1));
        let running = guard.slot().await.unwrap();
        let (done, mut finished) = tokio::sync::mpsc::unbounded_channel();
        for _ in 0..QUEUE_PER_SLOT {
            let (guard, done) = (std::sync::Arc::clone(&guard), done.clone());
            tokio::spawn(async move {
                let slot = guard.slot().await;
                let _ = done.send(slot.is_ok());
            });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(finished.try_recv().is_err(), "the queued wait behind the running hash");
        let refused = guard.slot().await.unwrap_err();
        assert_eq!((refused.code, refused.retry_after), (ErrorCode::Throttled.into(), Some(1)));
        drop(running);
        for _ in 0..QUEUE_PER_SLOT {
            assert_eq!(finished.recv().await, Some(true), "each queued hash runs in turn");
        }
    }
}
