//! The seam of delivery: a [`Target`] delivers one notification and answers an [`Attempt`].

use async_trait::async_trait;
use csms_store::Notice;
use http::StatusCode;

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Accepted: the notification's record says `SUCCESS`.
    Delivered,
    /// The target can never take it (no such topic, refused): `INVALID`, at once, without retrying.
    Unusable(String),
    /// Not now (no connection, a timeout, a server error): tried again until the attempts run out.
    Failed(String),
}

/// What an HTTP target's answer means for the notification, from its status alone: 2xx is delivered;
/// 403 and 404 say the target will never take it; anything else (429, 5xx, another status) is worth
/// another attempt. The one classification of every HTTP target.
pub fn classify(status: StatusCode) -> Attempt {
    match status {
        s if s.is_success() => Attempt::Delivered,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => {
            Attempt::Unusable(format!("the target answered {status}"))
        }
        s => Attempt::Failed(format!("the target answered {s}")),
    }
}

/// One notification to deliver, as a target sees it.
#[derive(Debug)]
pub struct Delivery<'a> {
    /// The notification: its record (the event's target, the message), subject and request.
    pub notice: &'a Notice,
    /// The project of the topic (from its URN `urn:smn:{region}:{project}:{topic}`).
    pub topic_project: &'a str,
    /// The id it is published with: the same on every attempt.
    pub message_id: String,
    /// When this attempt is made, epoch milliseconds.
    pub now: i64,
}

/// Where notifications go: one implementation per kind of target, each in a file of its own under
/// `targets/`, given to [`crate::Worker::new`].
#[async_trait]
pub trait Target: Send + Sync + 'static {
    /// How the target is named in logs (never a credential).
    fn describe(&self) -> String;

    /// The kind of target, a bounded label of the delivery metrics (`log`, `webhook`, `smn`).
    fn kind(&self) -> &'static str {
        "custom"
    }

    /// Makes one attempt to deliver `delivery`. The worker bounds how long it may take.
    async fn deliver(&self, delivery: &Delivery<'_>) -> Attempt;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_classify_into_delivered_unusable_or_retried() {
        for ok in [200, 201, 202, 204, 299] {
            assert_eq!(classify(StatusCode::from_u16(ok).unwrap()), Attempt::Delivered, "{ok}");
        }
        for never in [403, 404] {
            assert!(
                matches!(classify(StatusCode::from_u16(never).unwrap()), Attempt::Unusable(_)),
                "{never}"
            );
        }
        for again in [301, 400, 401, 408, 429, 500, 502, 503, 504] {
            let attempt = classify(StatusCode::from_u16(again).unwrap());
            assert!(
                matches!(&attempt, Attempt::Failed(r) if r.contains(&again.to_string())),
                "{again}: {attempt:?}"
            );
        }
    }
}
