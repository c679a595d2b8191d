//! Wire types of Huawei Cloud's Simple Message Notification (SMN), as the CSMS server of this workspace
//! serves it beside CSMS: the topics a CSMS event notifies (`urn:smn:{region}:{project}:{name}`), their
//! subscriptions, PublishMessage, and the messages an HTTP(S) subscriber receives.
//!
//! Like `csms-model`, it parses anything well-formed (rules live in `csms-validate`) and depends on serde
//! alone, with `csms-model` for the table macros the families share.
//!
//! ```
//! use smn_model::{Operation, TopicUrn};
//!
//! let urn = TopicUrn::new("cn-north-4", "0123456789abcdef0123456789abcdef", "alerts");
//! assert_eq!(urn.to_string(), "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts");
//! assert_eq!(TopicUrn::parse(&urn.to_string()), Some(urn));
//! assert_eq!(Operation::PublishMessage.method(), "POST");
//!
//! // What an HTTP(S) subscriber receives is signed over these lines, in this order.
//! let message = smn_model::HttpMessage::notification(
//!     "urn:smn:cn-north-4:p:alerts", "a1b2", "hello", Some("greeting"), "2026-12-07T10:00:00Z",
//!     "https://smn.example/unsubscribe", "https://smn.example/smn/SMN_cn-north-4_cert.pem");
//! assert_eq!(message.canonical(),
//!     "message\nhello\nmessage_id\na1b2\nsubject\ngreeting\ntimestamp\n2026-12-07T10:00:00Z\n\
//!      topic_urn\nurn:smn:cn-north-4:p:alerts\ntype\nNotification\n");
//! ```

//! ## Features
#![cfg_attr(feature = "document-features", doc = document_features::document_features!())]
#![cfg_attr(
    not(feature = "document-features"),
    doc = "See `Cargo.toml`'s `[features]`, each with its comment."
)]
#![warn(missing_docs)]

mod error;
pub mod limits;
mod messages;
mod operation;
mod subscriptions;
mod tags;
mod topics;

pub use error::{ErrorCode, SmnErrorResponse, UnsubscribeErrorResponse};
pub use messages::{
    DeliveryRecord, HttpMessage, ListDeliveriesResponse, MessageAttribute, MessageType,
    PublishMessageRequestBody, PublishMessageResponse, smn_time,
};
pub use operation::Operation;
pub use subscriptions::{
    AddSubscriptionRequestBody, ConfirmResponse, ListSubscriptionsResponse, SubscriptionExtension,
    SubscriptionItem, SubscriptionRequest, SubscriptionStatus, SubscriptionUrnResponse, UnsubscribeResponse,
    UpdateSubscriptionRequestBody,
};
pub use tags::{
    BatchResourceTagsRequestBody, CreateResourceTagRequestBody, ListInstancesRequestBody,
    ListInstancesResponse, ListProjectTagsResponse, ListResourceTagsResponse, ProjectTag, ResourceDetail,
    ResourceTag, TagMatch, TagResource,
};
pub use topics::{
    CreateTopicRequestBody, CreateTopicResponse, ListTopicAttributesResponse, ListTopicsResponse,
    RequestIdResponse, Topic, TopicAttributes, TopicDetailsResponse, TopicUrn,
    UpdateTopicAttributeRequestBody, UpdateTopicRequestBody,
};
