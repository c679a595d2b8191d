//! The README's example of the Rust client. Against a running server:
//!
//! ```sh
//! CSMS_ENDPOINT=http://127.0.0.1:8080 HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... \
//! HUAWEICLOUD_SDK_PROJECT_ID=0123456789abcdef0123456789abcdef cargo run -p csms-client --example quickstart
//! ```

use csms_client::{Client, ClientBuilder, Error};
use csms_model::{
    CreateSecretEventRequestBody, CreateSecretRequestBody, EventState, EventType, Notification, SecretValue,
    TargetType,
};
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Error> {
    // CSMS_ENDPOINT, then HUAWEICLOUD_SDK_AK, _SK and _PROJECT_ID (or ~/.huaweicloud/credentials).
    let client = ClientBuilder::from_env().build()?;
    run(&client).await
}

pub async fn run(client: &Client) -> Result<(), Error> {
    let project = client.project().unwrap_or_default();
    client
        .create_secret_event(&CreateSecretEventRequestBody {
            name: "rotation-alerts".into(),
            event_types: vec![EventType::SecretRotated, EventType::SecretRotatedFailed],
            state: EventState::Enabled,
            notification: Notification {
                target_type: TargetType::Smn,
                target_id: format!("urn:smn:cn-north-4:{project}:alerts"),
                target_name: "alerts".into(),
            },
        })
        .await?;
    client
        .create_secret(&CreateSecretRequestBody {
            name: "db-password".into(),
            secret_string: Some(SecretValue::new("correct horse battery staple")),
            event_subscriptions: Some(vec!["rotation-alerts".into()]),
            ..Default::default()
        })
        .await?;

    // Every event, however many pages: the stream keeps the markers.
    let mut events = std::pin::pin!(client.events(None));
    while let Some(event) = events.try_next().await? {
        println!("{} {}", event.name, event.state);
    }

    let latest = client.show_secret_version("db-password", "latest").await?;
    assert_eq!(latest.version.secret_string.unwrap().expose(), "correct horse battery staple");

    // Errors carry the service's status, code, message and request id.
    match client.show_secret("no-such-secret").await {
        Err(e) if e.is_not_found() => println!("as expected: {e}"),
        other => panic!("expected a 404, got {other:?}"),
    }
    Ok(())
}
