//! [`Smn`]: each notification is published with SMN's PublishMessage, signed as the SDKs sign.

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderValue, Method, Request};

use crate::client::HttpClient;
use crate::endpoint::Endpoint;
use crate::target::{Attempt, Delivery, Target, classify};

/// Publishes to the notification's topic at an SMN endpoint
/// (`POST /v2/{project}/notifications/topics/{topic_urn}/publish`), signed with an access key.
#[derive(Clone)]
pub struct Smn {
    endpoint: Endpoint,
    ak: String,
    sk: String,
    client: HttpClient,
}

impl std::fmt::Debug for Smn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smn").field("endpoint", &self.endpoint).field("ak", &self.ak).finish_non_exhaustive()
    }
}

impl Smn {
    /// SMN at `endpoint`, signing with `ak` and `sk`, reached through `client`.
    pub fn new(endpoint: Endpoint, ak: String, sk: String, client: HttpClient) -> Self {
        Smn { endpoint, ak, sk, client }
    }
}

#[async_trait]
impl Target for Smn {
    fn kind(&self) -> &'static str {
        "smn"
    }

    fn describe(&self) -> String {
        format!("SMN {} as {}", self.endpoint, self.ak)
    }

    async fn deliver(&self, delivery: &Delivery<'_>) -> Attempt {
        let record = &delivery.notice.record;
        let urn = percent_encoding::utf8_percent_encode(
            &record.notification_target_id,
            percent_encoding::NON_ALPHANUMERIC,
        );
        let path = format!("/v2/{}/notifications/topics/{urn}/publish", delivery.topic_project);
        let uri = match self.endpoint.uri(&path) {
            Ok(uri) => uri,
            Err(e) => return Attempt::Unusable(e.to_string()),
        };
        let body =
            serde_json::json!({"subject": delivery.notice.subject, "message": record.notification_content});
        let body = Bytes::from(body.to_string());
        let mut request = Request::post(uri.clone()).body(body.clone()).expect("a valid request");
        let headers = request.headers_mut();
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            http::header::HOST,
            HeaderValue::from_str(self.endpoint.authority()).expect("an authority"),
        );
        headers.insert(csms_sign::DATE_HEADER, csms_sign::sdk_date(time::OffsetDateTime::now_utc()));
        let authorization =
            csms_sign::sign(&Method::POST, &uri, request.headers(), &body, &self.ak, &self.sk);
        match HeaderValue::from_str(&authorization) {
            Ok(value) => request.headers_mut().insert(http::header::AUTHORIZATION, value),
            Err(e) => return Attempt::Unusable(e.to_string()),
        };
        self.client.send(request).await.map_or_else(Attempt::Failed, classify)
    }
}
