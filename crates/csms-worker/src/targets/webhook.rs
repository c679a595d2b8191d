//! [`Webhook`]: each notification is POSTed to a URL in the shape an SMN HTTP subscription receives.

use async_trait::async_trait;
use bytes::Bytes;
use http::Request;

use crate::client::HttpClient;
use crate::endpoint::Endpoint;
use crate::target::{Attempt, Delivery, Target, classify};

/// POSTs each notification to a URL of yours (`http://` or `https://`), as SMN delivers to an HTTP
/// subscription: `X-SMN-Message-Type: Notification`, `X-SMN-Message-Id`, `X-SMN-Topic-Urn`, and a JSON
/// body with `type`, `message_id`, `topic_urn`, `subject`, `message` and `timestamp`.
#[derive(Debug, Clone)]
pub struct Webhook {
    endpoint: Endpoint,
    client: HttpClient,
}

impl Webhook {
    /// A webhook at `endpoint`, reached through `client`.
    pub fn new(endpoint: Endpoint, client: HttpClient) -> Self {
        Webhook { endpoint, client }
    }
}

#[async_trait]
impl Target for Webhook {
    fn kind(&self) -> &'static str {
        "webhook"
    }

    fn describe(&self) -> String {
        format!("webhook {}", self.endpoint)
    }

    async fn deliver(&self, delivery: &Delivery<'_>) -> Attempt {
        let (notice, urn) = (delivery.notice, &delivery.notice.record.notification_target_id);
        let body = serde_json::json!({
            "type": "Notification",
            "message_id": delivery.message_id,
            "topic_urn": urn,
            "subject": notice.subject,
            "message": notice.record.notification_content,
            "timestamp": csms_store::iso_millis(delivery.now),
            "signature_version": "v1",
        });
        let request = self.endpoint.uri("").and_then(|uri| {
            Request::post(uri)
                .header(http::header::CONTENT_TYPE, "application/json")
                .header("x-smn-message-type", "Notification")
                .header("x-smn-message-id", &delivery.message_id)
                .header("x-smn-topic-urn", urn.as_str())
                .header("x-smn-subscription-urn", format!("{urn}:csms-webhook"))
                .body(Bytes::from(body.to_string()))
        });
        match request {
            Ok(request) => self.client.send(request).await.map_or_else(Attempt::Failed, classify),
            Err(e) => Attempt::Unusable(e.to_string()),
        }
    }
}
