//! The targets, one file each: where a notification can go.

mod log;
mod smn;
mod webhook;

pub use log::LogTarget;
pub use smn::Smn;
pub use webhook::Webhook;
