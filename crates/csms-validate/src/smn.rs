//! The rules of the SMN operations: topic names and URNs, subscriptions and their endpoints, publish
//! bodies, topic tags and the offset pages. Violations are reported as for CSMS, each with its path; the
//! HTTP layer answers them with SMN's codes (`SMN.0002` for `/name`, ...).

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};
use smn_model::limits as smn;
use smn_model::{
    AddSubscriptionRequestBody, BatchResourceTagsRequestBody, CreateResourceTagRequestBody,
    CreateTopicRequestBody, ListInstancesRequestBody, PublishMessageRequestBody, TopicUrn,
    UpdateSubscriptionRequestBody, UpdateTopicAttributeRequestBody, UpdateTopicRequestBody,
};

use crate::body::{
    bytes_between, chars, checked_body, decimal, integer, items, matching, object, one_of, optional,
    optional_in, required,
};
use crate::rules::query_params;
use crate::violation::{Rejection, Violations};

static TOPIC_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(smn::TOPIC_NAME_PATTERN).expect("a pattern"));
static HEADER_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(smn::EXTENSION_HEADER_PATTERN).expect("a pattern"));

fn topic_name(value: &Value, path: &str, out: &mut Violations) {
    matching(value, path, &TOPIC_NAME, out);
}

fn display_name(value: &Value, path: &str, out: &mut Violations) {
    bytes_between(value, path, (1, smn::DISPLAY_NAME_MAX_BYTES), out);
}

/// A `{topic_urn}` path parameter: a topic URN whose name is a topic name.
pub fn topic_urn(urn: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    match TopicUrn::parse(urn) {
        Some(topic) if TOPIC_NAME.is_match(&topic.name) => {}
        _ => out.pattern("/topic_urn", "urn:smn:{region}:{project_id}:{topic_name}"),
    }
    out.into_result(())
}

/// A `{subscription_urn}` path parameter: a topic's URN, then the subscription's id.
pub fn subscription_urn(urn: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    if TopicUrn::of_subscription(urn).is_none() {
        out.pattern("/subscription_urn", "urn:smn:{region}:{project_id}:{topic_name}:{id}");
    }
    out.into_result(())
}

/// The `{resource_type}` of the tag operations: topics (`smn_topic`) only.
pub fn resource_type(value: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    if value != smn::TOPIC_RESOURCE_TYPE {
        out.enumeration("/resource_type", &[smn::TOPIC_RESOURCE_TYPE]);
    }
    out.into_result(())
}

/// The `{resource_id}` of the tag operations: a topic's id or name (1 to 255 characters).
pub fn resource_id(value: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    chars(&Value::String(value.to_owned()), "/resource_id", (1, 255), &mut out);
    out.into_result(())
}

/// The `{certificate_id}` of the certificate download: `SMN_{region}_{id}.pem`.
pub fn certificate_id(value: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    if !(value.starts_with("SMN_") && value.ends_with(".pem") && value.len() <= 128) {
        out.pattern("/certificate_id", "SMN_{region}_{id}.pem");
    }
    out.into_result(())
}

/// A `{name}` of a topic attribute.
pub fn attribute_name(value: &str) -> Result<(), Violations> {
    let mut out = Violations::default();
    if !smn::ATTRIBUTE_NAMES.contains(&value) {
        out.enumeration("/attribute_name", smn::ATTRIBUTE_NAMES);
    }
    out.into_result(())
}

/// CreateTopic's body: `name`, an optional `display_name` (1 to 192 bytes: the Terraform provider omits an
/// empty one) and `enterprise_project_id`.
pub fn parse_create_topic_body(bytes: &[u8]) -> Result<CreateTopicRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        required(object, "name", out, topic_name, "");
        optional(object, "display_name", out, display_name);
        optional(object, "enterprise_project_id", out, |v, p, o| chars(v, p, (0, 64), o));
    })
}

/// UpdateTopic's body: `display_name`.
pub fn parse_update_topic_body(bytes: &[u8]) -> Result<UpdateTopicRequestBody, Rejection> {
    checked_body(bytes, |object, out| required(object, "display_name", out, display_name, ""))
}

/// UpdateTopicAttribute's body: `value`, within the attribute's bound (`access_policy` a JSON object, or
/// empty).
pub fn parse_topic_attribute_body(
    name: &str,
    bytes: &[u8],
) -> Result<UpdateTopicAttributeRequestBody, Rejection> {
    checked_body(bytes, |object, out| {
        required(
            object,
            "value",
            out,
            |v, p, o| match name {
                "access_policy" => {
                    bytes_between(v, p, (0, smn::ACCESS_POLICY_MAX_BYTES), o);
                    let policy = v.as_str().unwrap_or_default();
                    if !policy.is_empty() && serde_json::from_str::<Map<String, Value>>(policy).is_err() {
                        o.wrong_type(p, "a policy document (a JSON object, as a string)");
                    }
                }
                _ => bytes_between(v, p, (0, smn::INTRODUCTION_MAX_BYTES), o),
            },
            "",
        )
    })
}

fn extension(value: &Value, path: &str, out: &mut Violations) {
    object(value, path, out, |fields, out| {
        optional_in(
            fields,
            "header",
            out,
            |v, p, o| {
                object(v, p, o, |headers, o| {
                    if headers.len() > smn::EXTENSION_HEADERS_MAX {
                        o.length(p, headers.len(), 0, smn::EXTENSION_HEADERS_MAX);
                    }
                    let size: usize =
                        headers.iter().map(|(k, v)| k.chars().count() + v.as_str().map_or(0, str::len)).sum();
                    if size > smn::EXTENSION_HEADERS_MAX_CHARS {
                        o.length(p, size, 0, smn::EXTENSION_HEADERS_MAX_CHARS);
                    }
                    for (name, value) in headers {
                        let at = format!("{p}/{name}");
                        if !HEADER_NAME.is_match(name) || name.to_ascii_lowercase().starts_with("x-smn") {
                            o.pattern(&at, "^[A-Za-z][A-Za-z0-9-]*$ (not x-smn*)");
                        } else if !value.is_string() {
                            o.wrong_type(&at, "a string");
                        }
                    }
                })
            },
            path,
        );
    });
}

/// One subscription of AddSubscription: `protocol` known; an `http`/`https` `endpoint` a URL of that
/// scheme (loopback and private addresses are accepted here: the subscribers under test are local);
/// `remark` at most 128 bytes; `extension.header` at most 10 headers, none `x-smn*`.
fn subscription(fields: &Map<String, Value>, parent: &str, out: &mut Violations) {
    required(fields, "protocol", out, |v, p, o| one_of(v, p, smn::PROTOCOLS, o), parent);
    let protocol = fields.get("protocol").and_then(Value::as_str).unwrap_or_default().to_owned();
    required(
        fields,
        "endpoint",
        out,
        |v, p, o| match v.as_str() {
            Some(e) if smn::DELIVERED_PROTOCOLS.contains(&protocol.as_str()) => {
                let scheme = format!("{protocol}://");
                let host =
                    e.strip_prefix(&scheme).map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
                if e.len() > 2048 || host.is_none_or(str::is_empty) {
                    o.pattern(p, &format!("{scheme}host[:port][/path]"));
                }
            }
            Some(e) if e.is_empty() || e.len() > 2048 => o.length(p, e.chars().count(), 1, 2048),
            Some(_) => {}
            None => o.wrong_type(p, "a string"),
        },
        parent,
    );
    optional_in(fields, "remark", out, |v, p, o| bytes_between(v, p, (0, smn::REMARK_MAX_BYTES), o), parent);
    optional_in(fields, "extension", out, extension, parent);
}

/// AddSubscription's body: one subscription, and 1 to 50 more in `subscriptions`.
pub fn parse_add_subscription_body(bytes: &[u8]) -> Result<AddSubscriptionRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        subscription(fields, "", out);
        optional(fields, "subscriptions", out, |v, p, o| {
            items(
                v,
                p,
                (1, smn::SUBSCRIPTIONS_PER_REQUEST),
                |v, p, o| object(v, p, o, |f, o| subscription(f, p, o)),
                o,
            )
        });
    })
}

/// UpdateSubscription's body: `remark` (1 to 128 bytes), `verification_code` (6 characters).
pub fn parse_update_subscription_body(bytes: &[u8]) -> Result<UpdateSubscriptionRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        optional(fields, "remark", out, |v, p, o| bytes_between(v, p, (1, smn::REMARK_MAX_BYTES), o));
        optional(fields, "verification_code", out, |v, p, o| chars(v, p, (6, 6), o));
    })
}

/// PublishMessage's body: `message_structure` (a JSON object as a string, with a `default` string, each
/// value at most 256 KB), else `message` (at most 256 KB); a `subject` of at most 512 bytes;
/// `time_to_live` a number of seconds as a string (1 to 86400); at most 10 `message_attributes`. Message
/// templates are not served: `message_template_name` is refused.
pub fn parse_publish_body(bytes: &[u8]) -> Result<PublishMessageRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        optional(fields, "subject", out, |v, p, o| bytes_between(v, p, (0, smn::SUBJECT_MAX_BYTES), o));
        optional(fields, "message", out, |v, p, o| bytes_between(v, p, (1, smn::MESSAGE_MAX_BYTES), o));
        optional(fields, "message_structure", out, |v, p, o| {
            let structure = v.as_str().and_then(|s| serde_json::from_str::<Map<String, Value>>(s).ok());
            match structure {
                Some(per) if per.get("default").is_some_and(Value::is_string) => {
                    for (protocol, text) in &per {
                        bytes_between(text, &format!("{p}/{protocol}"), (0, smn::MESSAGE_MAX_BYTES), o);
                    }
                }
                _ => o.wrong_type(p, "a JSON object as a string, with a \"default\" message"),
            }
        });
        optional(fields, "message_template_name", out, |_, p, o| {
            o.unknown_reference(p, "message template (templates are not served here)")
        });
        let has = |key: &str| fields.get(key).is_some_and(|v| !v.is_null());
        if !has("message") && !has("message_structure") && !has("message_template_name") {
            out.missing("/message");
        }
        optional(fields, "time_to_live", out, |v, p, o| {
            decimal(v, p, (1, smn::TIME_TO_LIVE_MAX_SECONDS as i64), o);
        });
        optional(fields, "message_attributes", out, |v, p, o| {
            items(
                v,
                p,
                (0, smn::MESSAGE_ATTRIBUTES_MAX),
                |v, p, o| {
                    object(v, p, o, |f, o| {
                        required(f, "name", o, |v, p, o| chars(v, p, (1, 32), o), p);
                        required(
                            f,
                            "type",
                            o,
                            |v, p, o| one_of(v, p, &["STRING", "STRING_ARRAY", "PROTOCOL"], o),
                            p,
                        );
                        required(f, "value", o, |_, _, _| {}, p);
                    })
                },
                o,
            )
        });
        optional(fields, "locale", out, |v, p, o| chars(v, p, (0, 16), o));
    })
}

fn tag(value: &Value, path: &str, out: &mut Violations) {
    object(value, path, out, |fields, out| {
        required(fields, "key", out, |v, p, o| chars(v, p, (1, smn::TAG_KEY_MAX_CHARS), o), path);
        required(fields, "value", out, |v, p, o| chars(v, p, (0, smn::TAG_VALUE_MAX_CHARS), o), path);
    });
}

/// CreateResourceTag's body: one `tag`.
pub fn parse_resource_tag_body(bytes: &[u8]) -> Result<CreateResourceTagRequestBody, Rejection> {
    checked_body(bytes, |fields, out| required(fields, "tag", out, tag, ""))
}

/// BatchCreateOrDeleteResourceTags' body: `action` and 1 to 10 `tags` whose keys differ.
pub fn parse_batch_resource_tags_body(bytes: &[u8]) -> Result<BatchResourceTagsRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "action", out, |v, p, o| one_of(v, p, smn::TAG_ACTIONS, o), "");
        required(
            fields,
            "tags",
            out,
            |v, p, o| {
                items(v, p, (1, smn::TAGS_PER_TOPIC), tag, o);
                let keys: Vec<_> = v.as_array().into_iter().flatten().filter_map(|t| t.get("key")).collect();
                if keys.iter().enumerate().any(|(i, k)| keys[..i].contains(k)) {
                    o.unique(p);
                }
            },
            "",
        );
    })
}

fn tag_filters(value: &Value, path: &str, out: &mut Violations) {
    items(
        value,
        path,
        (0, smn::TAGS_PER_TOPIC),
        |v, p, o| {
            object(v, p, o, |f, o| {
                required(f, "key", o, |v, p, o| chars(v, p, (1, smn::TAG_KEY_MAX_CHARS), o), p);
                required(
                    f,
                    "values",
                    o,
                    |v, p, o| {
                        items(v, p, (0, 10), |v, p, o| chars(v, p, (0, smn::TAG_VALUE_MAX_CHARS), o), o)
                    },
                    p,
                );
            })
        },
        out,
    );
}

/// ListResourceInstances' body: `action` `filter` or `count`, tag filters, matches on the name, and the
/// page as decimal strings (`offset` from 0, `limit` 1 to 1000).
pub fn parse_instances_body(bytes: &[u8]) -> Result<ListInstancesRequestBody, Rejection> {
    checked_body(bytes, |fields, out| {
        required(fields, "action", out, |v, p, o| one_of(v, p, smn::RESOURCE_ACTIONS, o), "");
        for key in ["tags", "tags_any", "not_tags", "not_tags_any"] {
            optional(fields, key, out, tag_filters);
        }
        optional(fields, "without_any_tag", out, |v, p, o| {
            if !v.is_boolean() {
                o.wrong_type(p, "a boolean");
            }
        });
        optional(fields, "matches", out, |v, p, o| {
            items(
                v,
                p,
                (0, 10),
                |v, p, o| {
                    object(v, p, o, |f, o| {
                        required(f, "key", o, |v, p, o| one_of(v, p, &["resource_name"], o), p);
                        required(f, "value", o, |v, p, o| chars(v, p, (0, 255), o), p);
                    })
                },
                o,
            )
        });
        optional(fields, "offset", out, |v, p, o| {
            decimal(v, p, (0, i64::from(i32::MAX)), o);
        });
        optional(fields, "limit", out, |v, p, o| {
            decimal(v, p, (1, 1000), o);
        });
    })
}

/// An offset page's query: `offset` from 0 and `limit` 1 to 100 (100 when absent), and the filters
/// named by `filters`, in their order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetQuery {
    /// Items skipped.
    pub offset: usize,
    /// Most items.
    pub limit: usize,
    /// Each filter's value, if given (percent-decoded, not empty).
    pub filters: Vec<Option<String>>,
}

/// Reads an offset page's query string.
pub fn parse_offset_query(query: Option<&str>, filters: &[&str]) -> Result<OffsetQuery, Violations> {
    let mut out = Violations::default();
    let [offset, limit] = query_params(query, ["offset", "limit"], &mut out);
    let mut values = Vec::with_capacity(filters.len());
    for name in filters {
        let [value] = query_params(query, [*name], &mut out);
        values.push(value.filter(|v| !v.is_empty()));
    }
    let offset = match offset {
        None => 0,
        Some(raw) => decimal(&Value::String(raw), "/offset", (0, i64::from(i32::MAX)), &mut out).unwrap_or(0),
    };
    let limit = match limit {
        None => i64::from(smn::LIST_LIMIT_MAX),
        Some(raw) => {
            decimal(&Value::String(raw), "/limit", (1, i64::from(smn::LIST_LIMIT_MAX)), &mut out).unwrap_or(0)
        }
    };
    if let Some(Some(status)) = filters.iter().position(|f| *f == "status").map(|i| &values[i]) {
        integer(&status.parse::<i64>().map(Value::from).unwrap_or(Value::Null), "/status", (0, 4), &mut out);
    }
    out.into_result(OffsetQuery { offset: offset as usize, limit: limit as usize, filters: values })
}

/// ListTopicAttributes' query: the attribute `name`, if one is asked for.
pub fn parse_attributes_query(query: Option<&str>) -> Result<Option<String>, Violations> {
    let mut out = Violations::default();
    let [name] = query_params(query, ["name"], &mut out);
    let name = name.filter(|n| !n.is_empty());
    if let Some(name) = &name
        && let Err(e) = attribute_name(name)
    {
        out.extend(e);
    }
    out.into_result(name)
}

/// The query of a confirmation link: `token` (required) and `topic_urn`.
pub fn parse_confirm_query(query: Option<&str>) -> Result<(String, Option<String>), Violations> {
    let mut out = Violations::default();
    let [token, topic] = query_params(query, ["token", "topic_urn"], &mut out);
    let token = token.filter(|t| !t.is_empty());
    if token.is_none() {
        out.missing("/token");
    }
    out.into_result((token.unwrap_or_default(), topic.filter(|t| !t.is_empty())))
}

/// The query of an unsubscribe link: `subscription_urn` (required).
pub fn parse_unsubscribe_query(query: Option<&str>) -> Result<String, Violations> {
    let mut out = Violations::default();
    let [urn] = query_params(query, ["subscription_urn"], &mut out);
    match urn.filter(|u| !u.is_empty()) {
        None => out.missing("/subscription_urn"),
        Some(urn) => {
            if let Err(e) = subscription_urn(&urn) {
                out.extend(e);
            }
            return out.into_result(urn);
        }
    }
    out.into_result(String::new())
}

/// ListMessageDeliveries' query: `topic_urn` (optional) and `limit` (1 to 1000, 50 when absent).
pub fn parse_deliveries_query(query: Option<&str>) -> Result<(Option<String>, usize), Violations> {
    let mut out = Violations::default();
    let [topic, limit] = query_params(query, ["topic_urn", "limit"], &mut out);
    let topic = topic.filter(|t| !t.is_empty());
    if let Some(urn) = &topic
        && let Err(e) = topic_urn(urn)
    {
        out.extend(e);
    }
    let limit = match limit {
        None => i64::from(smn::DELIVERIES_LIMIT_DEFAULT),
        Some(raw) => {
            decimal(&Value::String(raw), "/limit", (1, i64::from(smn::DELIVERIES_LIMIT_MAX)), &mut out)
                .unwrap_or(0)
        }
    };
    out.into_result((topic, limit as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(result: Result<impl std::fmt::Debug, Rejection>) -> Vec<String> {
        match result {
            Err(Rejection::Invalid(v)) => v.iter().map(|v| v.path.clone()).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn topics_subscriptions_and_messages_are_checked_member_by_member() {
        assert!(parse_create_topic_body(br#"{"name": "alerts"}"#).is_ok(), "display_name may be absent");
        assert_eq!(
            paths(parse_create_topic_body(br#"{"name": "-bad", "display_name": ""}"#)),
            ["/name", "/display_name"]
        );
        assert!(topic_urn("urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts").is_ok());
        assert!(topic_urn("urn:smn:cn-north-4:alerts").is_err());
        let sub = br#"{"protocol": "https", "endpoint": "http://127.0.0.1:9/x", "remark": "r",
                       "extension": {"header": {"X-SMN-Bad": "v", "X-Good": "v"}}}"#;
        assert_eq!(paths(parse_add_subscription_body(sub)), ["/endpoint", "/extension/header/X-SMN-Bad"]);
        let ok = br#"{"protocol": "http", "endpoint": "http://127.0.0.1:9/x",
                      "subscriptions": [{"protocol": "email", "endpoint": "a@b.c"}]}"#;
        assert_eq!(parse_add_subscription_body(ok).unwrap().all().len(), 2);
        assert_eq!(paths(parse_publish_body(br#"{"subject": "s"}"#)), ["/message"]);
        assert_eq!(
            paths(parse_publish_body(br#"{"message_structure": "{\"http\": \"x\"}"}"#)),
            ["/message_structure"]
        );
        assert!(
            parse_publish_body(br#"{"message_structure": "{\"default\": \"d\"}", "time_to_live": "60"}"#)
                .is_ok()
        );
        assert_eq!(parse_offset_query(Some("offset=2&limit=3"), &[]).unwrap().offset, 2);
        assert!(parse_offset_query(Some("limit=101"), &[]).is_err());
        let batch =
            br#"{"action": "create", "tags": [{"key": "k", "value": "1"}, {"key": "k", "value": "2"}]}"#;
        assert_eq!(paths(parse_batch_resource_tags_body(batch)), ["/tags"]);
    }
}
