//! The delivery engine: everything that happens off the request path.
//!
//! A happening's notification is written by the store in the same transaction as the change (the
//! outbox), and the store signals [`Store::work_queued`](csms_store::Store::work_queued) once it is
//! committed. The [`Worker`] claims due notifications (a claim is a lease: if its holder dies, another
//! instance takes the notification over when the lease lapses), delivers each to its [`Target`], and
//! settles it: the outbox row goes and the record is written, with its status, at once. It also runs the
//! rotation tasks through [`Rotator`]s and the scan of what comes due.
//!
//! The seams, one file each:
//! - [`Target`] (`target.rs`): deliver one notification, answer an [`Attempt`]; [`classify`] turns an
//!   HTTP status into one. The targets are in `targets/`: [`LogTarget`], [`Webhook`], [`Smn`].
//! - [`HttpClient`] (`client.rs`): the one pooled HTTP and HTTPS client of every outgoing call, reading
//!   at most a few kilobytes of any reply.
//! - [`Rotator`] (`rotate.rs`): make a secret's next value, per secret type.
//!
//! ```
//! use std::sync::Arc;
//! use csms_store::Store;
//! use csms_worker::{LogTarget, Worker};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let store = Store::memory();
//! let worker = Arc::new(Worker::new(store.clone(), Arc::new(LogTarget)));
//! // Nothing is queued yet: a step delivers nothing.
//! assert_eq!(worker.deliver_due().await.unwrap(), 0);
//! # });
//! ```

#![warn(missing_docs)]

mod client;
mod endpoint;
mod rotate;
mod signing;
mod subscribers;
mod target;
mod targets;
mod throttle;
mod worker;

pub use client::{HttpClient, MAX_REPLY_BYTES};
pub use endpoint::Endpoint;
pub use rotate::{RandomValue, Rotator};
pub use signing::{Signer, make_identity};
pub use subscribers::Subscribers;
pub use target::{Attempt, Delivery, Target, classify};
pub use targets::{LogTarget, Smn, Webhook};
pub use throttle::{BREAKER_FAILURES, BREAKER_OPEN_MS, PER_TARGET_IN_FLIGHT};
pub use worker::Worker;
