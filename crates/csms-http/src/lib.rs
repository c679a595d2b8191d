//! The CSMS secret-event API as an embeddable HTTP service.
//!
//! [`CsmsService`] is a tower `Service` over `http::Request<B>` for any body type: the whole stack of
//! layers (request id, access log and panic catching, routing, body limit, authentication, content type) in
//! front of the operations, one module per resource. Mount it in your own hyper or axum server, or wrap it
//! in layers of your own and run it with [`serve`] (HTTP/1.1 and HTTP/2, graceful shutdown; see
//! `examples/embed.rs`). Storage is a [`csms_store::Store`] on any backend; authentication is any
//! [`auth::Authenticator`] ([`auth::StaticCredentials`] provides tokens and AK/SK signatures).
//!
//! The service runs on Tokio, with timers enabled (the body timeout uses them).
//!
//! Every response carries `X-Request-Id`; every error has the documented shape
//! `{"error": {"error_code": ..., "error_msg": ...}}`; single-event responses carry an `ETag`, and
//! `If-Match` on update and delete makes them conditional (412 `CSMS.9006`).
//!
//! ```
//! use std::sync::Arc;
//! use csms_http::{CsmsService, ResponseBody, auth::{ProjectScope, StaticCredentials}};
//! use csms_store::Store;
//! use http::Request;
//! use http_body_util::{BodyExt, Full};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let credentials = StaticCredentials::new().with_token("secret-token", ProjectScope::All);
//! let service = CsmsService::new(Store::memory(), Arc::new(credentials));
//!
//! let request = Request::post("/v1/0123456789abcdef0123456789abcdef/csms/events")
//!     .header("x-auth-token", "secret-token")
//!     .header("content-type", "application/json;charset=UTF-8")
//!     .body(Full::new(bytes::Bytes::from_static(br#"{"name": "rotation-alerts",
//!         "event_types": ["SECRET_ROTATED"], "state": "ENABLED",
//!         "notification": {"target_type": "SMN", "target_id": "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts", "target_name": "t"}}"#)))
//!     .unwrap();
//! let response = service.handle(request).await;
//! assert_eq!(response.status(), 200);
//! assert!(response.headers().contains_key("x-request-id"));
//! let body = response.into_body().collect().await.unwrap().to_bytes();
//! let created: csms_model::SecretEventResponse = serde_json::from_slice(&body).unwrap();
//! assert_eq!(created.event.name, "rotation-alerts");
//! # });
//! ```

#![warn(missing_docs)]

mod access;
pub mod auth;
mod body;
mod directory;
mod envelope_io;
mod error;
mod etag;
mod guard;
mod head_deadline;
mod io_forward;
mod layers;
mod metrics;
mod ops;
mod request_id;
mod router;
mod serve;
mod service;
mod write_timeout;

pub use access::{ACCESS_TARGET, AccessLog, AccessRecord, NoAccessLog, TracingAccessLog};
pub use body::{BoxError, ResponseBody};
pub use directory::{Directory, DirectoryUser};
pub use serve::{HttpService, Limits, TlsConfig, serve, serve_tls, serve_with_limits};
pub use service::{CsmsService, CsmsServiceBuilder, DEFAULT_BODY_TIMEOUT, REQUEST_ID};
