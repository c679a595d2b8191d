//! SMN's error body and error table (codes from upstream's error code list).

use serde::{Deserialize, Serialize};

/// Every SMN error body: `{"request_id", "code", "message"}`, all required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SmnErrorResponse {
    /// The request's id.
    pub request_id: String,
    /// A code of the error table (`SMN.0006`), or of API Gateway's (`APIGW.0301`).
    pub code: String,
    /// What went wrong.
    pub message: String,
}

/// The error body of the public links (confirm, unsubscribe): `{"message"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UnsubscribeErrorResponse {
    /// What went wrong.
    pub message: String,
}

csms_model::error_table! {
    /// An invalid topic name.
    InvalidName => ("SMN.0002", 400, "Parameter: Name is invalid."),
    /// An invalid display name.
    InvalidDisplayName => ("SMN.0003", 400, "Parameter: DisplayName is invalid."),
    /// A topic URN that is not one (`urn:smn:{region}:{project}:{name}`).
    InvalidTopicUrn => ("SMN.0005", 400, "Parameter: TopicUrn is invalid."),
    /// An unknown protocol.
    InvalidProtocol => ("SMN.0011", 400, "Parameter: Protocol is invalid."),
    /// An endpoint the protocol cannot reach.
    InvalidEndpoint => ("SMN.0012", 400, "Parameter: Endpoint is invalid."),
    /// A subscription URN that is not one.
    InvalidSubscriptionUrn => ("SMN.0014", 400, "Parameter: SubscriptionUrn is invalid."),
    /// An offset or limit out of range.
    InvalidOffsetOrLimit => ("SMN.0015", 400, "Parameter: Offset or limit is invalid."),
    /// A remark too long.
    InvalidRemark => ("SMN.0017", 400, "Parameter: Remark is invalid."),
    /// A `message_structure` that is not a JSON object with a `default` string.
    InvalidMessageStructure => ("SMN.0021", 400, "MessageStructure is invalid."),
    /// A body that is not what the operation takes.
    InvalidContent => ("SMN.0024", 400, "Parameter: content is invalid."),
    /// An invalid tag or tag action.
    InvalidTag => ("SMN.0038", 400, "Parameter: tag is invalid."),
    /// An invalid subscription in a batch, or an invalid `extension`.
    InvalidSubscription => ("SMN.0043", 400, "Parameter: subscription is invalid."),
    /// An attribute name other than `access_policy` and `introduction`.
    InvalidAttributeName => ("SMN.0046", 400, "Parameter: Attribute name is invalid."),
    /// An attribute value that is not what the attribute takes.
    InvalidAccessPolicy => ("SMN.0048", 400, "Parameter: Access policy is invalid."),
    /// The project holds as many topics as its quota allows.
    TopicLimit => ("SMN.0004", 403, "Exceeded topic limit."),
    /// The topic holds as many subscriptions as its quota allows.
    SubscriptionLimit => ("SMN.0007", 403, "Exceeded subscription limit."),
    /// A subject too long.
    InvalidSubject => ("SMN.0008", 403, "Parameter: Subject is invalid."),
    /// A message missing or too long.
    InvalidMessage => ("SMN.0009", 403, "Parameter: Message is invalid."),
    /// A confirmation token that confirms nothing.
    InvalidToken => ("SMN.0022", 403, "Parameter: token is invalid."),
    /// A resource with more tags than allowed.
    TooManyTags => ("SMN.0075", 403, "Parameter: tags are too many."),
    /// No topic of that URN (or name) in the project.
    TopicNotFound => ("SMN.0006", 404, "Topic not found."),
    /// No subscription of that URN.
    SubscriptionNotFound => ("SMN.0013", 404, "Subscription resource not found."),
    /// No such attribute.
    AttributeNotFound => ("SMN.0045", 404, "Attribute not found."),
    /// Anything unexpected inside the service.
    Internal => ("SMN.0018", 500, "Service internal error."),
}
