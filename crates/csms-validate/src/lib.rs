//! Every input rule of the CSMS secret-event API.
//!
//! Clients parse anything well-formed (`csms-model`); the service enforces every rule here, on input:
//! enum membership (an `Unknown` value is rejected), unique event types, 1 to 12 of them, the name and
//! notification patterns and lengths, `target_type` `SMN`, and the `limit` and `marker` of a listing.
//! All violations are reported at once, each with a JSON-pointer path and a message in a fixed form,
//! and turn into the 400 `CSMS.0002` error body. Bounds and patterns come from [`csms_model::limits`].
//!
//! ```
//! use csms_validate::{parse_update_body, Rejection};
//!
//! let seed = br#"{"notification": {"target_type": "SMN", "target_id": "demo-smn-id",
//!                                    "target_name": "demo-smn-name"}}"#;
//! assert!(parse_update_body(seed).is_ok());
//!
//! let bad = br#"{"event_types": [], "notification": {"target_type": "SNS"}}"#;
//! let Err(Rejection::Invalid(violations)) = parse_update_body(bad) else { panic!() };
//! let paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
//! assert_eq!(paths, ["/event_types", "/notification/target_type",
//!                    "/notification/target_id", "/notification/target_name"]);
//! assert_eq!(violations.to_error_response().error.error_code, "CSMS.0002");
//! ```

//! ## Features
#![cfg_attr(feature = "document-features", doc = document_features::document_features!())]
#![cfg_attr(
    not(feature = "document-features"),
    doc = "See `Cargo.toml`'s `[features]`, each with its comment."
)]
#![warn(missing_docs)]

mod account;
mod body;
#[cfg(feature = "validator")]
mod derive;
mod family;
/// The rules of the KMS operations.
pub mod kms;
mod rules;
mod secrets;
/// The rules of the SMN operations.
pub mod smn;
mod violation;

pub use account::{
    TemplateQuery, UsersQuery, date_end_ms, parse_agency_body, parse_agency_query, parse_check_body,
    parse_grant_body, parse_grant_query, parse_secrets_config_body, parse_template_query,
    parse_user_password_body, parse_users_query, strength, user_id,
};
pub use body::{parse_create_body, parse_update_body, validate_create_body, validate_update_body};
#[cfg(feature = "validator")]
pub use derive::{from_validation_errors, validate_typed};
pub use family::{
    parse_batch_get_body, parse_batch_import_body, parse_batch_tags_body, parse_blob_body,
    parse_create_tag_body, parse_password_body, parse_resource_instances_body, parse_update_stage_body,
    secret_id, stage_name, tag_key_path,
};
pub use rules::{ListQuery, event_name, list_query, parse_list_query, project_id};
pub use secrets::{
    SecretListQuery, TaskListQuery, parse_create_secret_body, parse_create_version_body,
    parse_schedule_deletion_body, parse_secret_list_query, parse_task_list_query, parse_update_secret_body,
    parse_update_version_body, parse_version_list_query, secret_name, version_id,
};
pub use violation::{MAX_LISTED_VIOLATIONS, Rejection, Violation, ViolationKind, Violations};
