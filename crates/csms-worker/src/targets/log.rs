//! [`LogTarget`]: each notification is one structured log line, and counts as delivered.

use async_trait::async_trait;

use crate::target::{Attempt, Delivery, Target};

/// Writes each notification to the log (the default, with no webhook or SMN endpoint given).
#[derive(Debug, Default, Clone, Copy)]
pub struct LogTarget;

#[async_trait]
impl Target for LogTarget {
    fn kind(&self) -> &'static str {
        "log"
    }

    fn describe(&self) -> String {
        "the log (no --notify-webhook or --smn-endpoint)".to_owned()
    }

    async fn deliver(&self, delivery: &Delivery<'_>) -> Attempt {
        let notice = delivery.notice;
        tracing::info!(
            request_id = notice.request_id.as_deref().unwrap_or("-"),
            message_id = delivery.message_id,
            topic_urn = %notice.record.notification_target_id,
            subject = %notice.subject,
            message = %notice.record.notification_content,
            "notification"
        );
        Attempt::Delivered
    }
}
