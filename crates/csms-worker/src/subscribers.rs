//! [`Subscribers`]: SMN's delivery to an HTTP(S) subscription, as SMN makes it. Each message is POSTed as
//! JSON with `X-SMN-MESSAGE-TYPE`, `X-SMN-MESSAGE-ID`, `X-SMN-TOPIC-URN` and `X-SMN-SUBSCRIPTION-URN`
//! (and the subscription's own headers), signed with the store's signing identity, its links pointing at
//! this service's public address.

use bytes::Bytes;
use csms_store::SmnDelivery;
use http::Request;
use smn_model::{HttpMessage, MessageType};

use crate::client::HttpClient;
use crate::signing::Signer;
use crate::target::Attempt;

/// Where the links of a message point and what signs it.
#[derive(Debug)]
pub struct Subscribers {
    client: HttpClient,
    signer: Signer,
    /// This service's address as subscribers reach it (`http://host:port`, no trailing `/`).
    public_url: String,
    /// The region of the topics' URNs.
    region: String,
}

/// `value` percent-encoded for a query.
fn query_value(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl Subscribers {
    /// Deliveries through `client`, signed by `signer`, with links to `public_url`, for topics of `region`.
    pub fn new(client: HttpClient, signer: Signer, public_url: &str, region: &str) -> Self {
        Subscribers {
            client,
            signer,
            public_url: public_url.trim_end_matches('/').to_owned(),
            region: region.to_owned(),
        }
    }

    /// The region of the topics' URNs.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Where the signing certificate is served: `{public_url}/smn/SMN_{region}_{id}.pem`.
    pub fn signing_cert_url(&self) -> String {
        format!("{}/smn/SMN_{}_{}.pem", self.public_url, self.region, self.signer.id())
    }

    /// The message `delivery` carries, signed.
    pub fn message(&self, delivery: &SmnDelivery, now: i64) -> HttpMessage {
        let timestamp = smn_model::smn_time(now);
        let cert = self.signing_cert_url();
        let mut message = match delivery.kind {
            MessageType::Notification => {
                let unsubscribe = format!(
                    "{}/v2/notifications/subscriptions/unsubscribe?subscription_urn={}",
                    self.public_url,
                    query_value(&delivery.subscription_urn)
                );
                HttpMessage::notification(
                    &delivery.topic_urn,
                    &delivery.message_id,
                    &delivery.message,
                    delivery.subject.as_deref(),
                    &timestamp,
                    &unsubscribe,
                    &cert,
                )
            }
            kind => {
                let subscribe = format!(
                    "{}/v2/notifications/subscriptions/subscribe?token={}&topic_urn={}",
                    self.public_url,
                    delivery.token.as_deref().unwrap_or_default(),
                    query_value(&delivery.topic_urn)
                );
                HttpMessage::confirmation(
                    kind,
                    &delivery.topic_urn,
                    &delivery.message_id,
                    &delivery.message,
                    &timestamp,
                    &subscribe,
                    &cert,
                )
            }
        };
        message.signature = self.signer.sign(&message.canonical());
        message
    }

    /// One attempt to deliver `delivery` at `now`.
    pub async fn deliver(&self, delivery: &SmnDelivery, now: i64) -> Attempt {
        let message = self.message(delivery, now);
        let body = match serde_json::to_vec(&message) {
            Ok(body) => body,
            Err(e) => return Attempt::Unusable(e.to_string()),
        };
        let mut request = Request::post(&delivery.endpoint)
            .header(http::header::CONTENT_TYPE, "application/json; charset=UTF-8")
            .header("x-smn-message-type", delivery.kind.as_str())
            .header("x-smn-message-id", &delivery.message_id)
            .header("x-smn-topic-urn", &delivery.topic_urn)
            .header("x-smn-subscription-urn", &delivery.subscription_urn);
        for (name, value) in &delivery.headers {
            request = request.header(name, value);
        }
        match request.body(Bytes::from(body)) {
            Ok(request) => self.client.send(request).await.map_or_else(Attempt::Failed, classify),
            Err(e) => Attempt::Unusable(format!("the endpoint or a header cannot be sent: {e}")),
        }
    }
}

/// What a subscriber's answer means, as SMN reads it: 2xx is delivered; a 5xx is tried again; any other
/// status ends the delivery (SMN retries only after a 5xx, a timeout or no connection).
pub(crate) fn classify(status: http::StatusCode) -> Attempt {
    match status {
        s if s.is_success() => Attempt::Delivered,
        s if s.is_server_error() => Attempt::Failed(format!("the subscriber answered {s}")),
        s => Attempt::Unusable(format!("the subscriber answered {s}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_server_errors_are_tried_again() {
        assert_eq!(classify(http::StatusCode::NO_CONTENT), Attempt::Delivered);
        assert!(matches!(classify(http::StatusCode::BAD_GATEWAY), Attempt::Failed(_)));
        for status in [301, 400, 403, 404, 429] {
            let attempt = classify(http::StatusCode::from_u16(status).unwrap());
            assert!(matches!(attempt, Attempt::Unusable(_)), "{status}");
        }
    }
}
