//! Every bound of the SMN interface as this service keeps it, written once: the validator, the OpenAPI
//! document and the store read them here.

/// A topic name: 1 to 255 of `[A-Za-z0-9_-]`, starting with a letter or a digit.
pub const TOPIC_NAME_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$";
/// Most bytes of a topic's display name (it may be absent: the Terraform provider omits an empty one).
pub const DISPLAY_NAME_MAX_BYTES: usize = 192;
/// Most bytes of a subscription's remark.
pub const REMARK_MAX_BYTES: usize = 128;
/// Most bytes of a message's subject.
pub const SUBJECT_MAX_BYTES: usize = 512;
/// Most bytes of a message (`message`, or a value of `message_structure`).
pub const MESSAGE_MAX_BYTES: usize = 256 * 1024;
/// Most message attributes of one publish.
pub const MESSAGE_ATTRIBUTES_MAX: usize = 10;
/// A message's `time_to_live` when none is given, in seconds; at most [`TIME_TO_LIVE_MAX_SECONDS`].
pub const TIME_TO_LIVE_DEFAULT_SECONDS: u64 = 3_600;
/// The longest `time_to_live`, in seconds (one day).
pub const TIME_TO_LIVE_MAX_SECONDS: u64 = 86_400;
/// The attributes a topic has.
pub const ATTRIBUTE_NAMES: &[&str] = &["access_policy", "introduction"];
/// Most bytes of the `access_policy` attribute.
pub const ACCESS_POLICY_MAX_BYTES: usize = 30 * 1024;
/// Most bytes of the `introduction` attribute.
pub const INTRODUCTION_MAX_BYTES: usize = 120;
/// Topics a project may hold.
pub const TOPICS_PER_PROJECT: usize = 3_000;
/// Subscriptions a topic may hold.
pub const SUBSCRIPTIONS_PER_TOPIC: usize = 10_000;
/// Subscriptions one AddSubscription may make at once (`subscriptions`).
pub const SUBSCRIPTIONS_PER_REQUEST: usize = 50;
/// Tags a topic may carry.
pub const TAGS_PER_TOPIC: usize = 10;
/// Most characters of a tag key.
pub const TAG_KEY_MAX_CHARS: usize = 128;
/// Most characters of a tag value.
pub const TAG_VALUE_MAX_CHARS: usize = 256;
/// The tag actions of BatchCreateOrDeleteResourceTags.
pub const TAG_ACTIONS: &[&str] = &["create", "delete"];
/// The actions of ListResourceInstances.
pub const RESOURCE_ACTIONS: &[&str] = &["filter", "count"];
/// The resource type of a topic in the tag operations' paths.
pub const TOPIC_RESOURCE_TYPE: &str = "smn_topic";
/// Most pairs of `extension.header`.
pub const EXTENSION_HEADERS_MAX: usize = 10;
/// Most characters of `extension.header`, keys and values together.
pub const EXTENSION_HEADERS_MAX_CHARS: usize = 1_024;
/// A header name of `extension.header`: a letter, then letters, digits and `-` (not `x-smn...`).
pub const EXTENSION_HEADER_PATTERN: &str = "^[A-Za-z][A-Za-z0-9-]*$";
/// The offset pages' `limit`: 1 to 100, 100 when absent.
pub const LIST_LIMIT_MAX: u32 = 100;
/// Deliveries listed at most by one ListMessageDeliveries, and when no `limit` is given.
pub const DELIVERIES_LIMIT_MAX: u32 = 1_000;
/// ListMessageDeliveries' `limit` when none is given.
pub const DELIVERIES_LIMIT_DEFAULT: u32 = 50;
/// The protocols a subscription may name. `http` and `https` are delivered to; the others are kept and
/// listed, and their deliveries are recorded as not sent.
pub const PROTOCOLS: &[&str] = &[
    "http",
    "https",
    "email",
    "sms",
    "functiongraph",
    "callnotify",
    "wechat",
    "dingding",
    "feishu",
    "welink",
    "hms",
    "dms",
    "application",
];
/// The protocols this service delivers to.
pub const DELIVERED_PROTOCOLS: &[&str] = &["http", "https"];
/// Attempts of a delivery to an HTTP(S) subscription: the first and six more after a 5xx, a timeout or a
/// refused connection, as SMN retries.
pub const DELIVERY_MAX_ATTEMPTS: u32 = 7;
/// When each attempt of a delivery may start, in seconds after its message (SMN does not say).
pub const DELIVERY_ATTEMPT_OFFSETS_SECONDS: [u64; DELIVERY_MAX_ATTEMPTS as usize] =
    [0, 1, 5, 20, 60, 180, 600];
/// How long a confirmation link stays valid, in hours.
pub const CONFIRMATION_VALID_HOURS: i64 = 48;

/// The most body bytes a request to `operation` may carry: a publish carries its message and, besides
/// it, a `message_structure` of messages per protocol; every other body is small.
pub fn max_body_bytes(operation: crate::Operation) -> usize {
    match operation {
        crate::Operation::PublishMessage => 4 * MESSAGE_MAX_BYTES,
        _ => 64 * 1024,
    }
}

/// The region of the topics' URNs when none is set (the region of the definitions' examples).
pub const DEFAULT_REGION: &str = "cn-north-4";
