//! csms-http tests: the operations and every row of the error table without a socket, signatures
//! against vectors from the official Python SDK, one real listener with graceful shutdown, and hostile
//! clients against the limits.

mod harness;

mod account;
mod api;
mod background;
mod errors;
mod family;
mod hostile;
mod kms;
mod listener;
mod notify;
mod secrets;
mod signing;
mod smn;
mod subscribers;
