//! Filling a store to a scale through `csms-store`, not the API: events, secrets and records.

use std::sync::Arc;
use std::time::Instant;

use csms_model::{
    Event, EventState, EventType, Notification, NotificationStatus, Record, Secret, SecretType, TargetType,
};
use csms_store::{Origin, Payload, Store, StoreError};

use crate::{PROJECT, RECORDS, SECRETS};

pub(crate) fn event(name: String) -> Event {
    Event {
        name,
        event_id: "bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e".into(),
        event_types: vec![EventType::SecretVersionCreated, EventType::SecretRotated],
        state: EventState::Enabled,
        create_time: 1_700_000_000_000,
        update_time: 1_700_000_000_000,
        notification: Notification {
            target_type: TargetType::Smn,
            target_id: format!("urn:smn:cn-north-4:{PROJECT}:topic"),
            target_name: "topic".into(),
        },
    }
}

pub(crate) fn event_name(i: usize) -> String {
    format!("ev-{i:07}")
}

/// Creates the events `ev-0000000`.. up to `to` (from `from`), the secrets and the records.
pub(crate) async fn fill(store: Store, from: usize, to: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(from));
    let workers: Vec<_> = (0..256)
        .map(|_| {
            let (store, next) = (store.clone(), Arc::clone(&next));
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= to {
                        return anyhow::Ok(());
                    }
                    // On PostgreSQL an earlier run's events may be there already.
                    match store.create(PROJECT, event(event_name(i)), u64::MAX).await {
                        Ok(_) | Err(StoreError::AlreadyExists) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.await??;
    }
    if from == 0 {
        for i in 0..SECRETS {
            let id = format!("00000000-0000-4000-8000-{i:012}");
            let secret = Secret::new(id, format!("sec-{i:04}"), 1_700_000_000_000);
            let value =
                Payload::String("a-64-byte-secret-value-0123456789abcdef0123456789abcdef01234567".into());
            let origin = Origin::new(1_700_000_000_000, None);
            match store.create_secret(PROJECT, secret, value, u64::MAX, origin).await {
                Ok(_) | Err(StoreError::AlreadyExists) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
        for i in 0..RECORDS {
            let record = Record {
                event_name: event_name(i),
                trigger_event_type: EventType::SecretVersionCreated,
                create_time: now - i as i64,
                secret_name: "sec-0000".into(),
                secret_type: SecretType::Common,
                notification_target_name: "topic".into(),
                notification_target_id: format!("urn:smn:cn-north-4:{PROJECT}:topic"),
                notification_content: r#"{"eventName":"ev","eventType":"SECRET_VERSION_CREATED"}"#.into(),
                notification_status: NotificationStatus::Success,
            };
            store.append_record(PROJECT, record).await?;
        }
    }
    eprintln!("filled {} events in {:.1} s", to - from, started.elapsed().as_secs_f64());
    Ok(())
}
