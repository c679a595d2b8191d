//! The notification of a happening: written in the same transaction as the change that caused it.

use csms_model::{
    EventState, EventType, NotificationData, NotificationMessage, NotificationStatus, Record, Secret,
    StringEnum, VersionMetadata,
};

use crate::rows::decode;
use crate::store::Cx;
use crate::{Notice, Origin, StoreResult, iso_millis};

/// A happening on `secret`: when the secret subscribes to an ENABLED event whose types include `kind`, its
/// notification joins the outbox in the same transaction; otherwise nothing is written.
pub(in crate::rules) fn fire(
    cx: &mut Cx<'_>,
    origin: &Origin,
    project: &str,
    secret: &Secret,
    kind: EventType,
    version: Option<&VersionMetadata>,
) -> StoreResult<()> {
    let Some(name) = secret.event_subscriptions.first() else { return Ok(()) };
    let Some(row) = cx.tx.event(project, name)? else { return Ok(()) };
    let event = decode(row.version, &row.doc)?.event;
    if event.state != EventState::Enabled || !event.event_types.contains(&kind) {
        return Ok(());
    }
    let message = NotificationMessage {
        event_name: event.name.clone(),
        event_type: kind.clone(),
        event_time: iso_millis(origin.now),
        data: NotificationData {
            secret_id: secret.id.clone(),
            secret_name: secret.name.clone(),
            create_time: iso_millis(secret.create_time),
            update_time: iso_millis(secret.update_time),
            version_id: version.map(|v| v.id.clone()),
            version_expire_time: version.and_then(|v| v.expire_time).map(iso_millis),
        },
    };
    let notice = Notice {
        id: 0,
        project: project.to_owned(),
        attempts: 0,
        subject: format!("CSMS {} {}", kind.as_str(), secret.name),
        record: Record {
            event_name: event.name,
            trigger_event_type: kind,
            create_time: origin.now,
            secret_name: secret.name.clone(),
            secret_type: secret.secret_type.clone(),
            notification_target_name: event.notification.target_name,
            notification_target_id: event.notification.target_id,
            notification_content: serde_json::to_string(&message)?,
            // Set when the delivery ends.
            notification_status: NotificationStatus::Success,
        },
        target_type: event.notification.target_type,
        request_id: origin.request_id.clone(),
    };
    cx.tx.enqueue(project, &serde_json::to_string(&notice)?, origin.now)?;
    cx.queued = true;
    Ok(())
}
