//! csms-http tests: the operations and every row of the error table without a socket, signatures
//! against vectors from the official Python SDK, and one real listener with graceful shutdown.

mod harness;

mod api;
mod errors;
mod listener;
mod signing;
