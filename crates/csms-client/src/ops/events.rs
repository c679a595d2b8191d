//! Events and their notification records.

use csms_model::*;

use super::PageQuery;
use crate::Client;
use crate::error::Error;
use crate::transport::Call;

impl Client {
    /// CreateSecretEvent. The event methods together:
    ///
    /// ```
    /// use csms_client::PageQuery;
    /// use csms_model::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// let target_id = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts".to_owned();
    /// let notification = Notification { target_type: TargetType::Smn, target_id, target_name: "alerts".into() };
    /// let body = CreateSecretEventRequestBody {
    ///     name: "rotation-alerts".into(),
    ///     event_types: vec![EventType::SecretRotated],
    ///     state: EventState::Enabled,
    ///     notification,
    /// };
    /// client.create_secret_event(&body).await?;
    /// let off = UpdateSecretEventRequestBody { state: Some(EventState::Disabled), ..Default::default() };
    /// client.update_secret_event("rotation-alerts", &off).await?;
    /// assert_eq!(client.show_secret_event("rotation-alerts").await?.event.state, EventState::Disabled);
    /// let page = client.list_secret_events(&PageQuery { limit: Some(10), marker: None }).await?;
    /// assert_eq!(page.events.len(), 1);
    /// assert!(client.list_notification_records().await?.records.is_empty());
    /// client.delete_secret_event("rotation-alerts").await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_secret_event(
        &self,
        body: &CreateSecretEventRequestBody,
    ) -> Result<SecretEventResponse, Error> {
        self.call(Call::new(Operation::CreateSecretEvent, &[]).json(body)?).await
    }

    /// ListSecretEvents: one page; [`events`](Client::events) walks them all.
    ///
    /// ```
    /// use csms_model::*;
    /// use csms_client::PageQuery;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// # let target_id = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts".to_owned();
    /// # let notification = Notification { target_type: TargetType::Smn, target_id, target_name: "alerts".into() };
    /// # client.create_secret_event(&CreateSecretEventRequestBody { name: "alerts".into(), event_types: vec![EventType::SecretRotated], state: EventState::Enabled, notification }).await?;
    /// let page = client.list_secret_events(&PageQuery { limit: Some(10), marker: None }).await?;
    /// assert_eq!(page.events[0].name, "alerts");
    /// # Ok(()) }
    /// ```
    pub async fn list_secret_events(&self, page: &PageQuery) -> Result<ListSecretEventsResponse, Error> {
        let call = Call::new(Operation::ListSecretEvents, &[])
            .query("limit", page.limit)
            .query("marker", page.marker.as_ref());
        self.call(call).await
    }

    /// ShowSecretEvent.
    ///
    /// ```
    /// use csms_model::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// # let target_id = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts".to_owned();
    /// # let notification = Notification { target_type: TargetType::Smn, target_id, target_name: "alerts".into() };
    /// # client.create_secret_event(&CreateSecretEventRequestBody { name: "alerts".into(), event_types: vec![EventType::SecretRotated], state: EventState::Enabled, notification }).await?;
    /// let shown = client.show_secret_event("alerts").await?;
    /// assert_eq!(shown.event.state, EventState::Enabled);
    /// # Ok(()) }
    /// ```
    pub async fn show_secret_event(&self, event_name: &str) -> Result<SecretEventResponse, Error> {
        self.call(Call::new(Operation::ShowSecretEvent, &[event_name])).await
    }

    /// UpdateSecretEvent (a partial update).
    ///
    /// ```
    /// use csms_model::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// # let target_id = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts".to_owned();
    /// # let notification = Notification { target_type: TargetType::Smn, target_id, target_name: "alerts".into() };
    /// # client.create_secret_event(&CreateSecretEventRequestBody { name: "alerts".into(), event_types: vec![EventType::SecretRotated], state: EventState::Enabled, notification }).await?;
    /// let off = UpdateSecretEventRequestBody { state: Some(EventState::Disabled), ..Default::default() };
    /// assert_eq!(client.update_secret_event("alerts", &off).await?.event.state, EventState::Disabled);
    /// # Ok(()) }
    /// ```
    pub async fn update_secret_event(
        &self,
        event_name: &str,
        body: &UpdateSecretEventRequestBody,
    ) -> Result<SecretEventResponse, Error> {
        self.call(Call::new(Operation::UpdateSecretEvent, &[event_name]).json(body)?).await
    }

    /// DeleteSecretEvent.
    ///
    /// ```
    /// use csms_model::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// # let target_id = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts".to_owned();
    /// # let notification = Notification { target_type: TargetType::Smn, target_id, target_name: "alerts".into() };
    /// # client.create_secret_event(&CreateSecretEventRequestBody { name: "alerts".into(), event_types: vec![EventType::SecretRotated], state: EventState::Enabled, notification }).await?;
    /// client.delete_secret_event("alerts").await?;
    /// assert!(client.show_secret_event("alerts").await.unwrap_err().is_not_found());
    /// # Ok(()) }
    /// ```
    pub async fn delete_secret_event(&self, event_name: &str) -> Result<(), Error> {
        self.call_empty(Call::new(Operation::DeleteSecretEvent, &[event_name])).await
    }

    /// ListNotificationRecords: the project's records, newest first.
    ///
    /// ```
    /// use csms_model::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let client = include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/service.rs"));
    /// let records = client.list_notification_records().await?;
    /// assert!(records.records.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn list_notification_records(&self) -> Result<ListNotificationRecordsResponse, Error> {
        self.call(Call::new(Operation::ListNotificationRecords, &[])).await
    }
}
