//! One contract suite, run unchanged against every backend.
//!
//! PostgreSQL runs when `CSMS_TEST_DATABASE_URL` is set; locally it is skipped with a loud message, and in
//! CI (`CI` set) a missing URL fails the tests instead.

use csms_model::*;
use csms_store::*;

/// What keeps a backend's files or database alive for the length of a test.
type Guard = Box<dyn Send>;

fn event(name: &str, time: i64) -> Event {
    Event {
        name: name.to_owned(),
        event_id: format!("00000000-0000-4000-8000-{:012x}", time),
        event_types: vec![EventType::SecretRotated],
        state: EventState::Enabled,
        create_time: time,
        update_time: time,
        notification: Notification {
            target_type: TargetType::Smn,
            target_id: "urn:smn:r:p:topic".into(),
            target_name: "topic".into(),
        },
    }
}

fn record(event_name: &str, time: i64) -> Record {
    Record {
        event_name: event_name.to_owned(),
        trigger_event_type: EventType::SecretRotated,
        create_time: time,
        secret_name: "secret".into(),
        secret_type: SecretType::Common,
        notification_target_name: "topic".into(),
        notification_target_id: "urn:smn:r:p:topic".into(),
        notification_content: "{}".into(),
        notification_status: NotificationStatus::Success,
    }
}

/// A project id of its own for each test, so that tests can share one PostgreSQL database.
fn project() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("p{nanos:x}{}{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

fn secret(name: &str, time: i64, events: &[&str]) -> Secret {
    let id = format!("00000000-0000-4000-9000-{:012x}", time);
    let events = events.iter().map(|e| e.to_string()).collect();
    Secret { event_subscriptions: events, ..Secret::new(id, name.to_owned(), time) }
}

fn o(now: i64) -> Origin {
    Origin::new(now, None)
}

fn text(value: &str) -> Payload {
    Payload::String(SecretValue::new(value))
}

fn subscribe(events: &[&str]) -> UpdateSecretRequestBody {
    UpdateSecretRequestBody {
        event_subscriptions: Some(events.iter().map(|e| e.to_string()).collect()),
        ..Default::default()
    }
}

fn stages(s: &VersionMetadata) -> Vec<&str> {
    s.version_stages.iter().map(String::as_str).collect()
}

fn names(page: &[Stored]) -> Vec<&str> {
    page.iter().map(|s| s.event.name.as_str()).collect()
}

#[path = "contract/family.rs"]
mod family;
#[path = "contract/neighbours.rs"]
mod neighbours;

mod suite {
    pub(crate) use super::family::*;
    pub(crate) use super::neighbours::*;
    use super::*;

    pub(crate) async fn create_and_get(s: Store) {
        let (p, q) = (project(), project());
        let created = s.create(&p, event("alpha", 1), 100).await.unwrap();
        assert_eq!(created.version, 1);
        assert_eq!(s.get(&p, "alpha").await.unwrap(), Some(created.clone()));
        assert_eq!(s.get(&p, "beta").await.unwrap(), None);
        assert!(matches!(s.create(&p, event("alpha", 2), 100).await, Err(StoreError::AlreadyExists)));
        // The failed create changed nothing.
        assert_eq!(s.get(&p, "alpha").await.unwrap(), Some(created));
        // Projects are separate namespaces.
        assert_eq!(s.get(&q, "alpha").await.unwrap(), None);
        s.create(&q, event("alpha", 3), 100).await.unwrap();
        assert_eq!(s.get(&q, "alpha").await.unwrap().unwrap().event.create_time, 3);
    }

    pub(crate) async fn list_is_byte_ordered_with_exclusive_marker(s: Store) {
        let p = project();
        for n in ["b", "a", "_x", "-x", "0", "Z", "ab"] {
            s.create(&p, event(n, 1), 100).await.unwrap();
        }
        let all = s.list(&p, None, 100).await.unwrap();
        assert_eq!(names(&all), ["-x", "0", "Z", "_x", "a", "ab", "b"]);
        assert_eq!(names(&s.list(&p, None, 2).await.unwrap()), ["-x", "0"]);
        assert_eq!(names(&s.list(&p, Some("0"), 2).await.unwrap()), ["Z", "_x"]);
        // A marker that names no event is a position.
        assert_eq!(names(&s.list(&p, Some("aa"), 10).await.unwrap()), ["ab", "b"]);
        assert!(s.list(&p, Some("b"), 10).await.unwrap().is_empty());
        assert!(s.list(&project(), None, 10).await.unwrap().is_empty());
    }

    pub(crate) async fn documents_are_the_events_as_serialised(s: Store) {
        let p = project();
        for n in ["a", "b", "c"] {
            s.create(&p, event(n, 7), 100).await.unwrap();
        }
        let patch = UpdateSecretEventRequestBody { state: Some(EventState::Disabled), ..Default::default() };
        s.update(&p, "b", patch, Precondition::None, 9).await.unwrap();
        let events = s.list(&p, Some("a"), 2).await.unwrap();
        let documents = s.list_documents(&p, Some("a"), 2).await.unwrap();
        assert_eq!(documents.len(), 2);
        for (stored, document) in events.iter().zip(&documents) {
            assert_eq!(document.name, stored.event.name);
            assert_eq!(document.json, serde_json::to_string(&stored.event).unwrap());
        }
        // One event's document, with the revision of what it holds (updated: version 2).
        let stored = s.get(&p, "b").await.unwrap().unwrap();
        let document = s.get_document(&p, "b").await.unwrap().unwrap();
        assert_eq!(document.json, serde_json::to_string(&stored.event).unwrap());
        assert_eq!(document.revision, stored.revision());
        assert_eq!(document.revision.version, 2);
        assert_eq!(s.get_document(&p, "zz").await.unwrap(), None);
    }

    pub(crate) async fn partial_update(s: Store) {
        let p = project();
        let created = s.create(&p, event("e", 10), 100).await.unwrap();
        let patch = UpdateSecretEventRequestBody { state: Some(EventState::Disabled), ..Default::default() };
        let updated = s.update(&p, "e", patch, Precondition::None, 20).await.unwrap();
        assert_eq!(updated.version, 2);
        assert_eq!(updated.event.state, EventState::Disabled);
        assert_eq!(updated.event.update_time, 20);
        assert_eq!(updated.event.create_time, 10);
        assert_eq!(updated.event.event_types, created.event.event_types);
        assert_eq!(s.get(&p, "e").await.unwrap().unwrap(), updated);

        // An empty patch is a no-op: same version, same update_time.
        let same = s.update(&p, "e", Default::default(), Precondition::None, 30).await.unwrap();
        assert_eq!(same, updated);

        let types = vec![EventType::SecretDeleted, EventType::SecretVersionCreated];
        let patch = UpdateSecretEventRequestBody { event_types: Some(types.clone()), ..Default::default() };
        let updated = s.update(&p, "e", patch, Precondition::None, 40).await.unwrap();
        assert_eq!((updated.event.event_types, updated.version), (types, 3));

        let missing = s.update(&p, "nope", Default::default(), Precondition::None, 50).await;
        assert!(matches!(missing, Err(StoreError::NotFound)));
    }

    pub(crate) async fn preconditions(s: Store) {
        let p = project();
        let v1 = s.create(&p, event("e", 1), 100).await.unwrap();
        let patch =
            || UpdateSecretEventRequestBody { state: Some(EventState::Disabled), ..Default::default() };
        let other = Revision { event_id: v1.event.event_id.clone(), version: 7 };
        let stale = Precondition::OneOf(vec![other]);
        assert!(matches!(
            s.update(&p, "e", patch(), stale.clone(), 2).await,
            Err(StoreError::PreconditionFailed)
        ));
        assert_eq!(s.get(&p, "e").await.unwrap().unwrap(), v1, "a failed precondition changes nothing");
        let v2 = s.update(&p, "e", patch(), Precondition::OneOf(vec![v1.revision()]), 2).await.unwrap();
        assert_ne!(v2.revision(), v1.revision());
        assert!(
            matches!(
                s.delete(&p, "e", Precondition::OneOf(vec![])).await,
                Err(StoreError::PreconditionFailed)
            ),
            "an empty list matches nothing"
        );
        assert!(matches!(
            s.delete(&p, "e", Precondition::OneOf(vec![v1.revision()])).await,
            Err(StoreError::PreconditionFailed)
        ));
        assert!(s.get(&p, "e").await.unwrap().is_some());
        s.delete(&p, "e", Precondition::Exists).await.unwrap();
        assert_eq!(s.get(&p, "e").await.unwrap(), None);
        assert!(matches!(s.delete(&p, "e", Precondition::None).await, Err(StoreError::NotFound)));
        // A re-created event never carries an old entity tag.
        let again = s.create(&p, event("e", 3), 100).await.unwrap();
        assert_eq!(again.version, v1.version);
        assert!(!v1.revision().is(&again), "a re-created event never matches an old revision");
    }

    pub(crate) async fn quota(s: Store) {
        let p = project();
        s.create(&p, event("a", 1), 2).await.unwrap();
        s.create(&p, event("b", 1), 2).await.unwrap();
        assert!(matches!(s.create(&p, event("c", 1), 2).await, Err(StoreError::QuotaExceeded)));
        // Another project has its own quota.
        s.create(&project(), event("c", 1), 2).await.unwrap();
        s.delete(&p, "a", Precondition::None).await.unwrap();
        s.create(&p, event("c", 1), 2).await.unwrap();
        assert_eq!(names(&s.list(&p, None, 10).await.unwrap()), ["b", "c"]);
    }

    /// How many of `tasks` succeeded; every failure must be `expected`.
    async fn succeeded<T>(
        tasks: Vec<tokio::task::JoinHandle<StoreResult<T>>>,
        expected: impl Fn(&StoreError) -> bool,
    ) -> usize {
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => ok += 1,
                Err(e) => assert!(expected(&e), "unexpected {e}"),
            }
        }
        ok
    }

    pub(crate) async fn concurrent_creates_of_one_name(s: Store) {
        let p = project();
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let (s, p) = (s.clone(), p.clone());
                tokio::spawn(async move { s.create(&p, event("race", i), 100).await })
            })
            .collect();
        assert_eq!(succeeded(tasks, |e| matches!(e, StoreError::AlreadyExists)).await, 1);
        assert_eq!(s.list(&p, None, 10).await.unwrap().len(), 1);
    }

    pub(crate) async fn concurrent_creates_respect_the_quota(s: Store) {
        let p = project();
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let (s, p) = (s.clone(), p.clone());
                tokio::spawn(async move { s.create(&p, event(&format!("e{i:02}"), i), 5).await })
            })
            .collect();
        assert_eq!(succeeded(tasks, |e| matches!(e, StoreError::QuotaExceeded)).await, 5);
        assert_eq!(s.list(&p, None, 100).await.unwrap().len(), 5);
    }

    pub(crate) async fn concurrent_updates_are_not_lost(s: Store) {
        let p = project();
        s.create(&p, event("e", 1), 100).await.unwrap();
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let (s, p) = (s.clone(), p.clone());
                tokio::spawn(async move {
                    let state = if i % 2 == 0 { EventState::Disabled } else { EventState::Enabled };
                    let patch = UpdateSecretEventRequestBody { state: Some(state), ..Default::default() };
                    s.update(&p, "e", patch, Precondition::None, 100 + i).await.unwrap()
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(s.get(&p, "e").await.unwrap().unwrap().version, 17);
    }

    pub(crate) async fn records_newest_first(s: Store) {
        let p = project();
        assert!(s.records(&p, 0, 10).await.unwrap().is_empty());
        for (name, t) in [("old", 100), ("newest", 300), ("middle", 200), ("ancient", 10)] {
            s.append_record(&p, record(name, t)).await.unwrap();
        }
        let found = s.records(&p, 50, 10).await.unwrap();
        let order: Vec<_> = found.iter().map(|r| r.event_name.as_str()).collect();
        assert_eq!(order, ["newest", "middle", "old"]);
        assert_eq!(s.records(&p, 0, 2).await.unwrap().len(), 2);
        assert_eq!(s.records(&p, 0, 10).await.unwrap()[0], record("newest", 300));
        assert!(s.records(&project(), 0, 10).await.unwrap().is_empty());
        // As documents: the same records, as `Record` serialises them, in the same order.
        let documents = s.record_documents(&p, 50, 10).await.unwrap();
        let encoded: Vec<String> = found.iter().map(|r| serde_json::to_string(r).unwrap()).collect();
        assert_eq!(documents, encoded);
        assert_eq!(s.record_documents(&p, 0, 2).await.unwrap().len(), 2);
    }

    pub(crate) async fn secrets_and_their_versions(s: Store) {
        let p = project();
        s.create(&p, event("alerts", 1), 10).await.unwrap();
        let created =
            s.create_secret(&p, secret("db", 1_000, &["alerts"]), text("first"), 10, o(0)).await.unwrap();
        assert_eq!(s.secret(&p, "db").await.unwrap(), created);
        assert!(matches!(s.secret(&p, "nope").await, Err(StoreError::NotFound)));
        assert!(matches!(
            s.create_secret(&p, secret("db", 2_000, &[]), text("again"), 10, o(0)).await,
            Err(StoreError::AlreadyExists)
        ));
        let v1 = s.version(&p, "db", "latest").await.unwrap();
        assert_eq!(v1.secret_string.as_ref().map(SecretValue::expose), Some("first"));
        assert_eq!((v1.version_metadata.id.as_str(), v1.version_metadata.create_time), ("v1", 1_000));
        assert_eq!(stages(&v1.version_metadata), ["SYSCURRENT"]);

        // A new version takes SYSCURRENT; the former one becomes SYSPREVIOUS. Times strictly increase.
        let new = NewVersion { expire_time: Some(5_000_123), ..Default::default() };
        let v2 =
            s.create_version(&p, "db", Payload::Binary(SecretValue::new("AAEC")), new, o(900)).await.unwrap();
        assert_eq!((v2.id.as_str(), v2.create_time, v2.expire_time), ("v2", 1_001, Some(5_000_000)));
        let v2_read = s.version(&p, "db", "latest").await.unwrap();
        assert_eq!(v2_read.secret_binary.as_ref().map(SecretValue::expose), Some("AAEC"));
        assert_eq!(v2_read.secret_string, None);
        assert_eq!(s.version(&p, "db", "v1").await.unwrap().secret_string, v1.secret_string);
        let custom = NewVersion { version_stages: Some(vec!["test".into()]), ..Default::default() };
        s.create_version(&p, "db", text("third"), custom, o(3_000)).await.unwrap();
        let listed = s.list_versions(&p, "db", None, 10).await.unwrap();
        let view: Vec<_> = listed.iter().map(|v| (v.id.as_str(), stages(v))).collect();
        assert_eq!(view, [("v1", vec!["SYSPREVIOUS"]), ("v2", vec!["SYSCURRENT"]), ("v3", vec!["test"])]);
        assert_eq!(s.list_versions(&p, "db", Some(1), 1).await.unwrap()[0].id, "v2");
        assert!(matches!(s.version(&p, "db", "v9").await, Err(StoreError::VersionNotFound)));
        let updated = s.update_version(&p, "db", "v1", 7_777_999, o(4_000)).await.unwrap();
        assert_eq!(updated.expire_time, Some(7_777_000));
        assert_eq!(s.list_versions(&p, "db", None, 1).await.unwrap()[0].expire_time, Some(7_777_000));

        // Subscriptions: switch, list by event, unsubscribe; an unknown event changes nothing.
        s.create(&p, event("other", 1), 10).await.unwrap();
        s.create_secret(&p, secret("api", 1_000, &[]), text("x"), 10, o(0)).await.unwrap();
        let switched = s.update_secret(&p, "api", subscribe(&["other"]), 5_000).await.unwrap();
        assert_eq!(
            (switched.event_subscriptions.clone(), switched.update_time),
            (vec!["other".to_owned()], 5_000)
        );
        let by = |e: &'static str| {
            let s = s.clone();
            let p = p.clone();
            async move {
                s.list_secrets(&p, None, 10, Some(e))
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|x| x.name)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(by("alerts").await, ["db"]);
        assert_eq!(by("other").await, ["api"]);
        assert!(matches!(
            s.update_secret(&p, "api", subscribe(&["missing"]), 6_000).await,
            Err(StoreError::UnknownEvent(e)) if e == "missing"
        ));
        assert_eq!(s.secret(&p, "api").await.unwrap(), switched);
        s.update_secret(&p, "api", subscribe(&[]), 6_000).await.unwrap();
        assert!(by("other").await.is_empty());
        let all: Vec<_> =
            s.list_secrets(&p, None, 10, None).await.unwrap().into_iter().map(|x| x.name).collect();
        assert_eq!(all, ["api", "db"]);
        assert_eq!(s.list_secrets(&p, Some("api"), 10, None).await.unwrap()[0].name, "db");

        // A scheduled deletion freezes the secret's versions until it is restored.
        let pending = s.schedule_secret_deletion(&p, "db", 9_000_000, 7_000).await.unwrap();
        assert_eq!(
            (pending.state, pending.scheduled_delete_time),
            (SecretState::PendingDelete, Some(9_000_000))
        );
        assert!(matches!(s.version(&p, "db", "latest").await, Err(StoreError::PendingDeletion)));
        assert!(matches!(
            s.create_version(&p, "db", text("no"), NewVersion::default(), o(8_000)).await,
            Err(StoreError::PendingDeletion)
        ));
        assert!(matches!(
            s.update_secret(&p, "db", subscribe(&[]), 8_000).await,
            Err(StoreError::PendingDeletion)
        ));
        assert!(matches!(s.restore_secret(&p, "api", 8_000).await, Err(StoreError::NotPendingDeletion)));
        // Still subscribed while pending: the event stays in use.
        assert!(matches!(s.delete(&p, "alerts", Precondition::None).await, Err(StoreError::InUse)));
        let restored = s.restore_secret(&p, "db", 8_000).await.unwrap();
        assert_eq!((restored.state, restored.scheduled_delete_time), (SecretState::Enabled, None));
        assert_eq!(s.version(&p, "db", "latest").await.unwrap().version_metadata.id, "v2");

        // Deleting the secret takes its versions; the name can be used again, with new versions.
        s.delete_secret(&p, "db", o(0)).await.unwrap();
        assert!(matches!(s.secret(&p, "db").await, Err(StoreError::NotFound)));
        assert!(matches!(s.delete_secret(&p, "db", o(0)).await, Err(StoreError::NotFound)));
        s.create_secret(&p, secret("db", 10_000, &[]), text("new"), 10, o(0)).await.unwrap();
        assert_eq!(s.list_versions(&p, "db", None, 10).await.unwrap().len(), 1);
        // The event is free now.
        s.delete(&p, "alerts", Precondition::None).await.unwrap();
    }

    pub(crate) async fn secret_rules_change_nothing_when_they_refuse(s: Store) {
        let p = project();
        s.create(&p, event("e", 1), 10).await.unwrap();
        s.create_secret(&p, secret("a", 1, &["e"]), text("x"), 2, o(0)).await.unwrap();
        assert!(matches!(
            s.create_secret(&p, secret("b", 1, &["missing"]), text("x"), 2, o(0)).await,
            Err(StoreError::UnknownEvent(_))
        ));
        assert!(matches!(s.secret(&p, "b").await, Err(StoreError::NotFound)));
        s.create_secret(&p, secret("b", 1, &[]), text("x"), 2, o(0)).await.unwrap();
        assert!(matches!(
            s.create_secret(&p, secret("c", 1, &[]), text("x"), 2, o(0)).await,
            Err(StoreError::SecretQuotaExceeded)
        ));
        // The event quota is separate from the secret quota.
        s.create(&p, event("f", 1), 10).await.unwrap();
        assert!(matches!(s.delete(&p, "e", Precondition::None).await, Err(StoreError::InUse)));
        assert!(s.get(&p, "e").await.unwrap().is_some());
    }

    pub(crate) async fn versions_beyond_twenty_are_pruned(s: Store) {
        let p = project();
        s.create_secret(&p, secret("s", 1, &[]), text("v1"), 10, o(0)).await.unwrap();
        for n in 2..=25 {
            s.create_version(&p, "s", text(&format!("v{n}")), NewVersion::default(), o(n)).await.unwrap();
        }
        let ids: Vec<_> =
            s.list_versions(&p, "s", None, 50).await.unwrap().into_iter().map(|v| v.id).collect();
        let expected: Vec<_> = (6..=25).map(|n| format!("v{n}")).collect();
        assert_eq!(ids, expected);
        assert_eq!(s.version(&p, "s", "latest").await.unwrap().secret_string.unwrap().expose(), "v25");
        assert_eq!(stages(&s.version(&p, "s", "v24").await.unwrap().version_metadata), ["SYSPREVIOUS"]);
    }

    /// Claims and scans take every project's due notices and due work: on the shared PostgreSQL
    /// database, the tests that claim or scan run one at a time, so that none takes another's while it
    /// looks.
    pub(crate) static OUTBOX: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

    fn firing_event(name: &str, types: &[EventType], state: EventState) -> Event {
        let mut e = event(name, 1);
        e.event_types = types.to_vec();
        e.state = state;
        e.notification.target_id = "urn:smn:r:p:topic".into();
        e
    }

    async fn claim_all(s: &Store, owner: &str, now: i64) -> Vec<Notice> {
        notices(s.claim_outbox(Lease::new(owner, now, 30_000), 1000).await.unwrap())
    }

    /// The notifications among claimed outbox rows (the SMN tests hold the outbox lock too).
    fn notices(claimed: Vec<Outgoing>) -> Vec<Notice> {
        claimed.into_iter().filter_map(Outgoing::notice).collect()
    }

    /// Claims every due notice of every project and keeps those of `p`, settling them all as delivered
    /// (other tests' notices too: they share the database, and settle them themselves if they look).
    async fn drain(s: &Store, p: &str, now: i64) -> Vec<Notice> {
        let owner = format!("drain-{p}");
        let claimed = claim_all(s, &owner, now).await;
        let mut ours = Vec::new();
        for notice in claimed {
            if notice.project == p {
                s.settle_notice(&owner, &notice, NotificationStatus::Success).await.unwrap();
                ours.push(notice);
            } else {
                // Put back at once for its own test.
                s.retry_notice(&owner, notice.id, notice.attempts, now).await.unwrap();
            }
        }
        ours
    }

    fn kinds(notices: &[Notice]) -> Vec<(String, EventType)> {
        notices.iter().map(|n| (n.record.secret_name.clone(), n.record.trigger_event_type.clone())).collect()
    }

    pub(crate) async fn happenings_fire_only_for_enabled_events_with_the_type(s: Store) {
        let _one_at_a_time = OUTBOX.lock().await;
        let p = project();
        use EventType::*;
        let all =
            [SecretVersionCreated, SecretVersionExpired, SecretRotated, SecretDeleted, SecretRotatedFailed];
        s.create(&p, firing_event("all", &all, EventState::Enabled), 10).await.unwrap();
        s.create(&p, firing_event("off", &all, EventState::Disabled), 10).await.unwrap();
        s.create(&p, firing_event("deleted-only", &[SecretDeleted], EventState::Enabled), 10).await.unwrap();
        let origin = Origin::new(5_000, Some("req-1".into()));
        s.create_secret(&p, secret("a", 1_000, &["all"]), text("x"), 10, origin.clone()).await.unwrap();
        s.create_secret(&p, secret("b", 1_000, &["off"]), text("x"), 10, origin.clone()).await.unwrap();
        s.create_secret(&p, secret("c", 1_000, &["deleted-only"]), text("x"), 10, origin.clone())
            .await
            .unwrap();
        s.create_secret(&p, secret("d", 1_000, &[]), text("x"), 10, origin).await.unwrap();
        let fired = drain(&s, &p, 5_000).await;
        assert_eq!(kinds(&fired), [("a".into(), SecretVersionCreated)]);
        let notice = &fired[0];
        assert_eq!(
            (notice.request_id.as_deref(), notice.subject.as_str()),
            (Some("req-1"), "CSMS SECRET_VERSION_CREATED a")
        );
        assert_eq!(notice.record.notification_target_id, "urn:smn:r:p:topic");
        let content: serde_json::Value = serde_json::from_str(&notice.record.notification_content).unwrap();
        assert_eq!(content["eventName"], "all");
        assert_eq!(content["eventType"], "SECRET_VERSION_CREATED");
        assert_eq!(content["eventTime"], "1970-01-01T00:00:05.000Z");
        assert_eq!(content["data"]["secretName"], "a");
        assert_eq!(content["data"]["versionId"], "v1");
        assert_eq!(content["data"]["createTime"], "1970-01-01T00:00:01.000Z");
        // Settled: the record is there, with its status, and the outbox is empty for the project.
        let records = s.records(&p, 0, 10).await.unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].notification_status, NotificationStatus::Success);
        assert!(drain(&s, &p, 10_000).await.is_empty());

        // Deleting fires SECRET_DELETED for the event with that type only.
        for name in ["a", "b", "c", "d"] {
            s.delete_secret(&p, name, o(6_000)).await.unwrap();
        }
        let fired = drain(&s, &p, 6_000).await;
        assert_eq!(kinds(&fired), [("a".into(), SecretDeleted), ("c".into(), SecretDeleted)]);
        let content: serde_json::Value = serde_json::from_str(&fired[0].record.notification_content).unwrap();
        assert!(content["data"].get("versionId").is_none(), "{content}");
    }

    pub(crate) async fn expiries_fire_once_per_expire_time(s: Store) {
        let _one_at_a_time = OUTBOX.lock().await;
        let p = project();
        s.create(&p, firing_event("exp", &[EventType::SecretVersionExpired], EventState::Enabled), 10)
            .await
            .unwrap();
        s.create_secret(&p, secret("s", 1_000, &["exp"]), text("x"), 10, o(1_000)).await.unwrap();
        let at = 10_000_000;
        s.update_version(&p, "s", "v1", at, Origin::new(2_000, Some("req-exp".into()))).await.unwrap();
        s.run_due(at - 1, 100).await.unwrap();
        assert!(drain(&s, &p, at).await.is_empty(), "not due yet");
        s.run_due(at, 100).await.unwrap();
        let fired = drain(&s, &p, at).await;
        assert_eq!(kinds(&fired), [("s".into(), EventType::SecretVersionExpired)]);
        assert_eq!(fired[0].request_id.as_deref(), Some("req-exp"));
        let content: serde_json::Value = serde_json::from_str(&fired[0].record.notification_content).unwrap();
        assert_eq!(content["data"]["versionExpireTime"], "1970-01-01T02:46:40.000Z");
        s.run_due(at + 60_000, 100).await.unwrap();
        assert!(drain(&s, &p, at + 60_000).await.is_empty(), "once per expiry");
        // A new expiry (even one in the past) fires again, once.
        s.update_version(&p, "s", "v1", 5_000, o(at + 70_000)).await.unwrap();
        s.run_due(at + 70_000, 100).await.unwrap();
        s.run_due(at + 80_000, 100).await.unwrap();
        assert_eq!(drain(&s, &p, at + 80_000).await.len(), 1);
    }

    pub(crate) async fn scheduled_deletions_execute_when_due(s: Store) {
        let _one_at_a_time = OUTBOX.lock().await;
        let p = project();
        s.create(&p, firing_event("del", &[EventType::SecretDeleted], EventState::Enabled), 10)
            .await
            .unwrap();
        s.create_secret(&p, secret("gone", 1_000, &["del"]), text("x"), 10, o(1_000)).await.unwrap();
        s.create_secret(&p, secret("kept", 1_000, &["del"]), text("x"), 10, o(1_000)).await.unwrap();
        s.schedule_secret_deletion(&p, "gone", 50_000, 2_000).await.unwrap();
        s.schedule_secret_deletion(&p, "kept", 50_000, 2_000).await.unwrap();
        s.restore_secret(&p, "kept", 3_000).await.unwrap();
        // Neither scheduling nor cancelling fires.
        s.run_due(49_999, 100).await.unwrap();
        assert!(drain(&s, &p, 49_999).await.is_empty());
        assert!(s.secret(&p, "gone").await.is_ok());
        s.run_due(50_000, 100).await.unwrap();
        assert!(matches!(s.secret(&p, "gone").await, Err(StoreError::NotFound)));
        assert!(s.secret(&p, "kept").await.is_ok());
        assert_eq!(kinds(&drain(&s, &p, 50_000).await), [("gone".into(), EventType::SecretDeleted)]);
    }

    pub(crate) async fn claims_are_exclusive_until_their_lease_lapses(s: Store) {
        let _one_at_a_time = OUTBOX.lock().await;
        let p = project();
        s.create(&p, firing_event("e", &[EventType::SecretVersionCreated], EventState::Enabled), 10)
            .await
            .unwrap();
        s.create_secret(&p, secret("s", 1_000, &["e"]), text("x"), 10, o(1_000)).await.unwrap();
        let mine = |notices: Vec<Notice>| notices.into_iter().filter(|n| n.project == p).collect::<Vec<_>>();
        let a = mine(notices(s.claim_outbox(Lease::new("a", 1_000, 30_000), 1000).await.unwrap()));
        assert_eq!(a.len(), 1);
        assert!(
            mine(notices(s.claim_outbox(Lease::new("b", 20_000, 30_000), 1000).await.unwrap())).is_empty(),
            "held by a"
        );
        // a dies; after its lease b takes the notice over, and a's late settle changes nothing.
        let b = mine(notices(s.claim_outbox(Lease::new("b", 31_001, 30_000), 1000).await.unwrap()));
        assert_eq!(b.len(), 1);
        s.settle_notice("a", &a[0], NotificationStatus::Success).await.unwrap();
        assert!(s.records(&p, 0, 10).await.unwrap().is_empty());
        // b tries again later: not claimable before then.
        s.retry_notice("b", b[0].id, 1, 40_000).await.unwrap();
        assert!(
            mine(notices(s.claim_outbox(Lease::new("c", 39_999, 30_000), 1000).await.unwrap())).is_empty()
        );
        let c = mine(notices(s.claim_outbox(Lease::new("c", 40_000, 30_000), 1000).await.unwrap()));
        assert_eq!((c.len(), c[0].attempts), (1, 1));
        s.settle_notice("c", &c[0], NotificationStatus::Fail).await.unwrap();
        let records = s.records(&p, 0, 10).await.unwrap();
        assert_eq!(
            records.iter().map(|r| r.notification_status.clone()).collect::<Vec<_>>(),
            [NotificationStatus::Fail]
        );
        // Retention: the purge removes records older than its bound.
        assert!(s.purge_records(1_001).await.unwrap() >= 1);
        assert!(s.records(&p, 0, 10).await.unwrap().is_empty());
    }

    pub(crate) async fn rotation_tasks_end_in_a_version_or_a_failure(s: Store) {
        let _one_at_a_time = OUTBOX.lock().await;
        let p = project();
        use EventType::*;
        let types = [SecretVersionCreated, SecretRotated, SecretRotatedFailed];
        s.create(&p, firing_event("rot", &types, EventState::Enabled), 10).await.unwrap();
        s.create_secret(&p, secret("s", 1_000, &[]), text("first"), 10, o(1_000)).await.unwrap();
        s.update_secret(&p, "s", subscribe(&["rot"]), 1_500).await.unwrap();
        let (task, next) = s
            .create_task(
                &p,
                "s",
                "00000000-0000-4000-8000-00000000000a".into(),
                Origin::new(2_000, Some("req-rot".into())),
            )
            .await
            .unwrap();
        assert_eq!((task.task_status.clone(), next.as_str()), (TaskStatus::Pending, "v2"));
        let claimed: Vec<_> = s
            .claim_tasks(Lease::new("w", 2_000, 30_000), 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.project == p)
            .collect();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].request_id.as_deref(), Some("req-rot"));
        assert!(
            s.claim_tasks(Lease::new("w2", 2_000, 30_000), 100).await.unwrap().iter().all(|t| t.project != p)
        );
        let done = s.finish_task(&p, &task.task_id, Ok(text("second")), 3_000).await.unwrap();
        assert_eq!((done.task_status.clone(), done.attempt_nums), (TaskStatus::Success, 1));
        assert_eq!(s.version(&p, "s", "latest").await.unwrap().secret_string.unwrap().expose(), "second");
        assert_eq!(s.secret(&p, "s").await.unwrap().rotation_time, Some(3_000));
        let fired = drain(&s, &p, 3_000).await;
        assert_eq!(kinds(&fired), [("s".into(), SecretVersionCreated), ("s".into(), SecretRotated)]);
        assert!(fired.iter().all(|n| n.request_id.as_deref() == Some("req-rot")));

        let (failing, _) =
            s.create_task(&p, "s", "00000000-0000-4000-8000-00000000000b".into(), o(4_000)).await.unwrap();
        let failed = s
            .finish_task(
                &p,
                &failing.task_id,
                Err(RotationError::new(ErrorCode::NoRotator, "no rotator")),
                5_000,
            )
            .await
            .unwrap();
        assert_eq!(
            (failed.task_status.clone(), failed.task_error_code.as_deref()),
            (TaskStatus::Failed, Some("CSMS.0405"))
        );
        assert_eq!(kinds(&drain(&s, &p, 5_000).await), [("s".into(), SecretRotatedFailed)]);
        // A finished task stays as it ended.
        let again = s.finish_task(&p, &failing.task_id, Ok(text("late")), 6_000).await.unwrap();
        assert_eq!(again.task_status, TaskStatus::Failed);

        let filter = |status: Option<TaskStatus>| TaskFilter { status, ..Default::default() };
        let (all, total) = s.tasks(&p, filter(None), 10).await.unwrap();
        assert_eq!((all.len(), total), (2, 2));
        let (ok, total) = s.tasks(&p, filter(Some(TaskStatus::Success)), 10).await.unwrap();
        assert_eq!((ok[0].task_id.as_str(), total), ("00000000-0000-4000-8000-00000000000a", 1));
        let by_id = TaskFilter { task_id: Some(failing.task_id.clone()), ..Default::default() };
        assert_eq!(s.tasks(&p, by_id, 10).await.unwrap().0[0].task_status, TaskStatus::Failed);
        let after = TaskFilter { after: Some(task.task_id.clone()), ..Default::default() };
        assert_eq!(s.tasks(&p, after, 10).await.unwrap().0.len(), 1);
    }

    /// RotateSecret answers the version its task will make, reserved: a version added meanwhile takes the
    /// next number, and the task makes the reserved one; a second rotation waits for the first to end.
    pub(crate) async fn a_rotation_reserves_its_version_and_runs_alone(s: Store) {
        let p = project();
        s.create_secret(&p, secret("s", 1_000, &[]), text("one"), 10, o(1_000)).await.unwrap();
        let id = |n: u32| format!("00000000-0000-4000-8000-{n:012}");
        let (task, reserved) = s.create_task(&p, "s", id(1), o(2_000)).await.unwrap();
        assert_eq!(reserved, "v2");
        let again = s.create_task(&p, "s", id(2), o(2_100)).await;
        assert!(matches!(again, Err(StoreError::RotationInProgress)), "{again:?}");
        let added = s.create_version(&p, "s", text("manual"), NewVersion::default(), o(2_200)).await.unwrap();
        assert_eq!(added.id, "v3", "the reserved v2 is skipped");
        s.finish_task(&p, &task.task_id, Ok(text("rotated")), 3_000).await.unwrap();
        let rotated = s.version(&p, "s", "v2").await.unwrap();
        assert_eq!(rotated.secret_string.unwrap().expose(), "rotated");
        assert_eq!(
            s.version(&p, "s", "latest").await.unwrap().version_metadata.id,
            "v2",
            "the rotation is current"
        );
        let (_, next) = s.create_task(&p, "s", id(3), o(4_000)).await.unwrap();
        assert_eq!(next, "v4", "after the rotation ended, the next one is accepted");
    }

    /// A task belongs to its secret, by id: deleting the secret ends the task (FAILED `CSMS.0005`), and a
    /// secret made again under the same name is neither rotated by it nor refused a rotation of its own;
    /// so for a secret restored from a backup, and for a scheduled rotation's task.
    pub(crate) async fn a_rotation_dies_with_its_secret(s: Store) {
        let p = project();
        let id = |n: u32| format!("00000000-0000-4000-8000-{n:012}");
        let mut first = secret("x", 1_000, &[]);
        first.id = "11111111-1111-4111-8111-111111111111".into();
        s.create_secret(&p, first, text("caller's"), 10, o(1_000)).await.unwrap();
        let (old, _) = s.create_task(&p, "x", id(1), o(2_000)).await.unwrap();
        s.delete_secret(&p, "x", o(2_100)).await.unwrap();
        let by_id = |task: &str| TaskFilter { task_id: Some(task.to_owned()), ..Default::default() };
        let ended = s.tasks(&p, by_id(&old.task_id), 10).await.unwrap().0.remove(0);
        assert_eq!(ended.task_status, TaskStatus::Failed);
        assert_eq!(ended.task_error_code.as_deref(), Some("CSMS.0005"));
        // The name again, another id: its own rotation is accepted, and the old task touches nothing.
        let mut again = secret("x", 3_000, &[]);
        again.id = "22222222-2222-4222-8222-222222222222".into();
        s.create_secret(&p, again, text("new caller's"), 10, o(3_000)).await.unwrap();
        let finished = s.finish_task(&p, &old.task_id, Ok(text("random")), 3_500).await.unwrap();
        assert_eq!(finished.task_status, TaskStatus::Failed, "an ended task stays ended");
        let current = s.version(&p, "x", "latest").await.unwrap();
        assert_eq!(current.secret_string.unwrap().expose(), "new caller's");
        assert_eq!(current.version_metadata.id, "v1");
        let (fresh, reserved) = s.create_task(&p, "x", id(2), o(4_000)).await.unwrap();
        assert_eq!(reserved, "v2");
        // Backed up with its waiting rotation, deleted, restored: the restored secret has no task waiting.
        let blob = s.backup_secret(&p, "x").await.unwrap();
        s.delete_secret(&p, "x", o(4_100)).await.unwrap();
        s.restore_secret_blob(&p, &blob, 10, 4_200).await.unwrap();
        let done = s.finish_task(&p, &fresh.task_id, Ok(text("random")), 4_300).await.unwrap();
        assert_eq!(done.task_status, TaskStatus::Failed);
        assert_eq!(
            s.version(&p, "x", "latest").await.unwrap().secret_string.unwrap().expose(),
            "new caller's"
        );
        s.create_task(&p, "x", id(3), o(4_400)).await.unwrap();
    }

    /// ListSecretTask reads a page by its filters, counts every match, and a project keeps its last
    /// ended tasks for a bounded time only.
    pub(crate) async fn tasks_are_paged_and_kept_within_bounds(s: Store) {
        use csms_model::limits::{ENDED_TASKS_PER_PROJECT, MS_PER_DAY, TASK_RETENTION_DAYS};
        let p = project();
        let id = |n: usize| format!("00000000-0000-4000-8000-{n:012}");
        // In waves of 25 at once: a thousand writes queued at once on one project's rows outwait the
        // PostgreSQL backend's 5-second operation deadline on a loaded machine (a CI run failed so).
        let all: Vec<usize> = (0..ENDED_TASKS_PER_PROJECT + 5).collect();
        for wave in all.chunks(25) {
            let tasks: Vec<_> = wave
                .iter()
                .map(|&i| {
                    let (s, p) = (s.clone(), p.clone());
                    tokio::spawn(async move {
                        let name = format!("s{i:04}");
                        s.create_secret(&p, secret(&name, 1_000, &[]), text("x"), 10_000, o(1_000))
                            .await
                            .unwrap();
                        s.create_task(&p, &name, id(i), o(2_000)).await.unwrap()
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
        }
        // All but the last three end, in order.
        let ended = ENDED_TASKS_PER_PROJECT + 2;
        for i in 0..ended {
            s.finish_task(&p, &id(i), Ok(text("y")), 10_000 + i as i64).await.unwrap();
        }
        let filter = |status: Option<TaskStatus>| TaskFilter { status, ..Default::default() };
        let (page, total) = s.tasks(&p, filter(None), 4).await.unwrap();
        let kept = ENDED_TASKS_PER_PROJECT as u64 + 3;
        assert_eq!(total, kept, "the two that ended first are gone");
        assert_eq!(page.iter().map(|t| t.task_id.clone()).collect::<Vec<_>>(), [id(2), id(3), id(4), id(5)]);
        let after = TaskFilter { after: Some(id(5)), ..Default::default() };
        assert_eq!(s.tasks(&p, after, 2).await.unwrap().0[0].task_id, id(6));
        let (pending, total) = s.tasks(&p, filter(Some(TaskStatus::Pending)), 10).await.unwrap();
        assert_eq!((pending.len(), total), (3, 3));
        let one = TaskFilter { secret_name: Some("s0007".into()), ..Default::default() };
        assert_eq!(
            s.tasks(&p, one, 10).await.unwrap(),
            (
                vec![
                    s.tasks(&p, TaskFilter { task_id: Some(id(7)), ..Default::default() }, 1)
                        .await
                        .unwrap()
                        .0[0]
                        .clone()
                ],
                1
            )
        );
        // Past the retention, the ended tasks go; the waiting ones stay.
        let late = 10_000 + ended as i64 + TASK_RETENTION_DAYS * MS_PER_DAY + 1;
        assert!(s.purge_tasks(late).await.unwrap() >= ENDED_TASKS_PER_PROJECT as u64);
        assert_eq!(s.tasks(&p, filter(None), 10).await.unwrap().1, 3);
    }

    /// 32 subscribes race one DeleteSecretEvent: whatever order they commit in, no secret is left
    /// subscribed to an event that does not exist.
    pub(crate) async fn subscribing_races_deleting_the_event(s: Store) {
        for round in 0..4 {
            let p = project();
            s.create(&p, event("e", 1), 10).await.unwrap();
            for n in 0..32 {
                s.create_secret(&p, secret(&format!("s{n}"), 1, &[]), text("x"), 100, o(0)).await.unwrap();
            }
            let mut tasks = Vec::new();
            for n in 0..32 {
                let (store, proj) = (s.clone(), p.clone());
                tasks.push(tokio::spawn(async move {
                    match store.update_secret(&proj, &format!("s{n}"), subscribe(&["e"]), 2).await {
                        Ok(_) | Err(StoreError::UnknownEvent(_)) => {}
                        Err(other) => panic!("subscribe: {other}"),
                    }
                }));
                if n == 16 - round * 4 {
                    let (store, proj) = (s.clone(), p.clone());
                    tasks.push(tokio::spawn(async move {
                        match store.delete(&proj, "e", Precondition::None).await {
                            Ok(()) | Err(StoreError::InUse) => {}
                            Err(other) => panic!("delete: {other}"),
                        }
                    }));
                }
            }
            for task in tasks {
                task.await.unwrap();
            }
            let subscribed = s.list_secrets(&p, None, 100, Some("e")).await.unwrap().len();
            let exists = s.get(&p, "e").await.unwrap().is_some();
            assert!(
                exists || subscribed == 0,
                "round {round}: {subscribed} secrets subscribe to a deleted event"
            );
        }
    }
}

macro_rules! contract_suite {
    ($backend:ident, $make:expr) => {
        mod $backend {
            use super::*;

            async fn store() -> Option<(Store, Guard)> {
                $make
            }

            contract_suite!(@tests
                create_and_get, list_is_byte_ordered_with_exclusive_marker, documents_are_the_events_as_serialised,
                partial_update, preconditions,
                quota, concurrent_creates_of_one_name, concurrent_creates_respect_the_quota,
                concurrent_updates_are_not_lost, records_newest_first, secrets_and_their_versions,
                secret_rules_change_nothing_when_they_refuse, versions_beyond_twenty_are_pruned,
                subscribing_races_deleting_the_event, happenings_fire_only_for_enabled_events_with_the_type,
                expiries_fire_once_per_expire_time, scheduled_deletions_execute_when_due,
                claims_are_exclusive_until_their_lease_lapses, rotation_tasks_end_in_a_version_or_a_failure,
                a_rotation_reserves_its_version_and_runs_alone, a_rotation_dies_with_its_secret,
                tasks_are_paged_and_kept_within_bounds,
                stages_mark_one_version_each, tags_are_addressed_by_id_and_go_with_the_secret,
                backups_restore_a_deleted_secret_whole, current_values_are_read_together,
                scheduled_rotation_runs_once_per_due_time, settings_are_kept_per_project_and_per_account,
                grants_are_kept_per_resource, passwords_change_only_from_the_record_read,
                keys_seal_values_and_refuse_while_unusable, data_encrypted_under_a_key_opens_only_under_it,
                topics_deliver_to_confirmed_subscriptions_through_the_outbox);
        }
    };
    (@tests $($test:ident),+) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $test() {
            if let Some((store, _guard)) = store().await {
                suite::$test(store).await;
            }
        }
    )+};
}

contract_suite!(memory, Some((Store::memory(), Box::new(()) as Guard)));

contract_suite!(sqlite, {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::sqlite(dir.path().join("events.db"), Cipher::ephemeral()).unwrap();
    Some((store, Box::new(dir) as Guard))
});

#[cfg(feature = "postgres")]
contract_suite!(postgres, {
    let url = postgres_url()?;
    let store = Store::postgres(&url, 8, test_key()).await.expect("connect to CSMS_TEST_DATABASE_URL");
    Some((store, Box::new(()) as Guard))
});

/// The PostgreSQL database of the tests: `None` (the test skipped, loudly) when `CSMS_TEST_DATABASE_URL`
/// is not set, except in CI, where that fails the test.
#[cfg(feature = "postgres")]
fn postgres_url() -> Option<String> {
    match std::env::var("CSMS_TEST_DATABASE_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CSMS_TEST_DATABASE_URL is not set: CI must run the PostgreSQL contract tests")
        }
        Err(_) => {
            // Written to stderr directly, past the test harness's capture, so that the skip is seen.
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                b"!!! SKIPPED: PostgreSQL contract test (set CSMS_TEST_DATABASE_URL to run it) !!!\n",
            );
            None
        }
    }
}

/// The setting `key` of `scope` as a read job of `backend` finds it.
async fn read_setting(backend: &dyn Backend, scope: &str, key: &'static str) -> Option<String> {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let (into, scope) = (std::sync::Arc::clone(&seen), scope.to_owned());
    backend
        .read(Box::new(move |tx| {
            *into.lock().unwrap() = tx.setting(&scope, key)?;
            Ok(())
        }))
        .await
        .unwrap();
    seen.lock().unwrap().take()
}

/// A read job sees one committed state from its first statement to its last: a write committed (and
/// acknowledged) between two of its statements is not seen by the second, and is by the next job. SQLite
/// runs a job in one read transaction, PostgreSQL in one read-only `REPEATABLE READ` transaction; before,
/// each statement read the state of its own moment. The memory backend is consistent by its lock: a
/// write waits for the job there, so this test would wait for itself.
async fn a_read_job_sees_one_state(backend: std::sync::Arc<dyn Backend>) {
    let scope = project();
    let put = |scope: &str, value: &'static str| -> backend::Job {
        let scope = scope.to_owned();
        Box::new(move |tx| tx.put_setting(&scope, "key", value))
    };
    backend.write(put(&scope, "before")).await.unwrap();
    let (writer, runtime, read_scope) =
        (std::sync::Arc::clone(&backend), tokio::runtime::Handle::current(), scope.clone());
    let write = put(&scope, "after");
    let job: backend::Job = Box::new(move |tx| {
        let first = tx.setting(&read_scope, "key")?;
        std::thread::spawn(move || runtime.block_on(writer.write(write)).unwrap()).join().unwrap();
        let second = tx.setting(&read_scope, "key")?;
        assert_eq!((first.as_deref(), second.as_deref()), (Some("before"), Some("before")));
        Ok(())
    });
    backend.read(job).await.unwrap();
    assert_eq!(read_setting(&*backend, &scope, "key").await.as_deref(), Some("after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_read_job_sees_one_state() {
    let dir = tempfile::tempdir().unwrap();
    let backend =
        SqliteBackend::open(dir.path().join("events.db"), &Cipher::ephemeral(), SqliteOptions::default());
    a_read_job_sees_one_state(std::sync::Arc::new(backend.unwrap())).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_read_job_sees_one_state() {
    let Some(url) = postgres_url() else { return };
    let backend =
        PostgresBackend::connect(&url, 8, &test_key()).await.expect("connect to CSMS_TEST_DATABASE_URL");
    a_read_job_sees_one_state(std::sync::Arc::new(backend)).await;
}

/// A PostgreSQL read ends its transaction however its job ends, so that the pool's next user of the
/// connection is not inside it: on a pool of one connection, a write after a read that failed and one
/// that panicked, each after a statement, commits.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_reads_leave_the_connection_out_of_their_transaction() {
    let Some(url) = postgres_url() else { return };
    let backend =
        PostgresBackend::connect(&url, 1, &test_key()).await.expect("connect to CSMS_TEST_DATABASE_URL");
    let scope = project();
    let s = scope.clone();
    let failed = backend.read(Box::new(move |tx| {
        tx.setting(&s, "key")?;
        Err(StoreError::NotFound)
    }));
    assert!(matches!(failed.await, Err(StoreError::NotFound)));
    let s = scope.clone();
    let panicked = backend.read(Box::new(move |tx| {
        tx.setting(&s, "key")?;
        panic!("a read job that panics")
    }));
    assert!(panicked.await.is_err());
    let s = scope.clone();
    backend.write(Box::new(move |tx| tx.put_setting(&s, "key", "written"))).await.unwrap();
    assert_eq!(read_setting(&backend, &scope, "key").await.as_deref(), Some("written"));
}

/// The one key every test run uses on the shared PostgreSQL database, whose key check outlives a run.
#[cfg(feature = "postgres")]
fn test_key() -> Cipher {
    Cipher::new([0x42; 32])
}

#[tokio::test]
async fn sqlite_keeps_everything_across_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let p = project();
    let key = Cipher::ephemeral();
    {
        let s = Store::sqlite(&path, key.clone()).unwrap();
        s.create(&p, event("kept", 1), 10).await.unwrap();
        let patch = UpdateSecretEventRequestBody { state: Some(EventState::Disabled), ..Default::default() };
        s.update(&p, "kept", patch, Precondition::None, 2).await.unwrap();
        s.create(&p, event("gone", 1), 10).await.unwrap();
        s.delete(&p, "gone", Precondition::None).await.unwrap();
        s.create_secret(&p, secret("kept-secret", 1, &["kept"]), text("the value"), 10, o(0)).await.unwrap();
    }
    // Another key is refused at open, with a clear error, before anything is read.
    let error = Store::sqlite(&path, Cipher::ephemeral()).expect_err("a wrong key is refused").to_string();
    assert!(error.contains("master key is not the one"), "{error}");
    let s = Store::sqlite(&path, key).unwrap();
    assert_eq!(
        s.version(&p, "kept-secret", "v1").await.unwrap().secret_string.unwrap().expose(),
        "the value"
    );
    let kept = s.get(&p, "kept").await.unwrap().unwrap();
    assert_eq!((kept.version, kept.event.state, kept.event.update_time), (2, EventState::Disabled, 2));
    assert_eq!(s.get(&p, "gone").await.unwrap(), None);
    // The per-project count survived too: quota 2 leaves room for exactly one more.
    s.create(&p, event("second", 1), 2).await.unwrap();
    assert!(matches!(s.create(&p, event("third", 1), 2).await, Err(StoreError::QuotaExceeded)));
}

/// The database file holds no value in plaintext, and a sealed value moved to another version's row
/// does not decrypt: the associated data binds it to its place.
#[tokio::test]
async fn sqlite_values_are_sealed_to_their_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let p = project();
    let s = Store::sqlite(&path, Cipher::ephemeral()).unwrap();
    let value = "plaintext-marker-8d1f2c";
    s.create_secret(&p, secret("a", 1, &[]), text(value), 10, o(0)).await.unwrap();
    s.create_version(&p, "a", text("other"), NewVersion::default(), o(2)).await.unwrap();
    s.create_secret(&p, secret("b", 2, &[]), text("b-value"), 10, o(0)).await.unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(FULL)").unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    if let Ok(wal) = std::fs::read(dir.path().join("events.db-wal")) {
        bytes.extend(wal);
    }
    assert!(!bytes.windows(value.len()).any(|w| w == value.as_bytes()), "a value is stored in plaintext");
    // v1's sealed value copied into v2's row, and into the other secret's v1.
    conn.execute(
        "UPDATE secret_versions SET value = (SELECT value FROM secret_versions WHERE secret = 'a' AND seq = 1)
         WHERE (secret = 'a' AND seq = 2) OR secret = 'b'",
        [],
    )
    .unwrap();
    assert_eq!(s.version(&p, "a", "v1").await.unwrap().secret_string.unwrap().expose(), value);
    assert!(matches!(s.version(&p, "a", "v2").await, Err(StoreError::Backend(_))));
    let error = s.version(&p, "b", "v1").await.unwrap_err().to_string();
    assert!(!error.contains(value) && !error.contains("b-value"), "{error}");
}

/// The outbox's depth and the age of its oldest due notification, as the operator's metrics read them
/// (on the stores a test has to itself: a shared PostgreSQL database holds other tests' notifications).
#[tokio::test]
async fn outbox_stats_count_what_waits_and_age_what_is_due() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::sqlite(dir.path().join("events.db"), Cipher::ephemeral()).unwrap();
    for s in [Store::memory(), sqlite] {
        let p = project();
        assert_eq!(s.outbox_stats(0).await.unwrap(), (0, std::time::Duration::ZERO));
        let mut e = event("e", 1);
        e.event_types = vec![EventType::SecretVersionCreated];
        s.create(&p, e, 10).await.unwrap();
        for (name, at) in [("a", 1_000), ("b", 5_000)] {
            s.create_secret(&p, secret(name, at, &["e"]), text("x"), 10, o(at)).await.unwrap();
        }
        // Both wait; at 3 s only the first is due, for 2 s; at 9 s the first has been due for 8 s.
        assert_eq!(s.outbox_stats(500).await.unwrap(), (2, std::time::Duration::ZERO));
        assert_eq!(s.outbox_stats(3_000).await.unwrap(), (2, std::time::Duration::from_secs(2)));
        assert_eq!(s.outbox_stats(9_000).await.unwrap(), (2, std::time::Duration::from_secs(8)));
    }
}

/// On PostgreSQL the outbox is shared by every test: the query runs, and counts at least what this
/// test queued.
#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_outbox_stats_count_at_least_what_this_test_queued() {
    let Ok(url) = std::env::var("CSMS_TEST_DATABASE_URL") else { return };
    // The tests that claim settle every project's notices: not while this one looks.
    let _one_at_a_time = suite::OUTBOX.lock().await;
    let s = Store::postgres(&url, 2, test_key()).await.unwrap();
    let p = project();
    let mut e = event("e", 1);
    e.event_types = vec![EventType::SecretVersionCreated];
    s.create(&p, e, 10).await.unwrap();
    s.create_secret(&p, secret("a", 1_000, &["e"]), text("x"), 10, o(1_000)).await.unwrap();
    let (depth, _) = s.outbox_stats(1_000).await.unwrap();
    assert!(depth >= 1, "{depth}");
}

/// Migration 11 on PostgreSQL, on a database of its own: the stages that versions' documents held
/// before it are gathered into their secret's row, in order, with their times.
#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_gathers_the_stages_of_a_database_before_migration_11() {
    let Ok(url) = std::env::var("CSMS_TEST_DATABASE_URL") else {
        assert!(std::env::var_os("CI").is_none(), "CSMS_TEST_DATABASE_URL is not set in CI");
        return;
    };
    let connect = |url: String| async move {
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client
    };
    let admin = connect(url.clone()).await;
    let name = format!("csms_migration_{}", std::process::id());
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    let (base, _) = url.rsplit_once('/').expect("a database in the URL");
    let fresh = format!("{base}/{name}");
    let p = project();
    {
        let s = Store::postgres(&fresh, 2, test_key()).await.unwrap();
        s.create_secret(&p, secret("s", 1, &[]), text("one"), 10, o(1)).await.unwrap();
        s.create_version(&p, "s", text("two"), NewVersion::default(), o(2)).await.unwrap();
    }
    // As the builds before migration 11 left it.
    let raw = connect(fresh.clone()).await;
    raw.batch_execute(
        r#"UPDATE secret_versions SET doc = jsonb_set(jsonb_set(doc::jsonb, '{version_stages}', '["SYSPREVIOUS"]'),
                                              '{stage_times}', '{"SYSPREVIOUS": 7}')::text WHERE seq = 1;
           UPDATE secret_versions SET doc = jsonb_set(doc::jsonb, '{version_stages}', '["SYSCURRENT"]')::text
               WHERE seq = 2;
           ALTER TABLE secrets DROP COLUMN stages;
           DELETE FROM schema_migrations WHERE version >= 11;"#,
    )
    .await
    .unwrap();
    drop(raw);
    let s = Store::postgres(&fresh, 2, test_key()).await.unwrap();
    assert_eq!(s.version(&p, "s", "latest").await.unwrap().secret_string.unwrap().expose(), "two");
    let previous = s.stage(&p, "s", "SYSPREVIOUS").await.unwrap();
    assert_eq!((previous.version_id.as_str(), previous.update_time), ("v1", 7));
    let third = s.create_version(&p, "s", text("three"), NewVersion::default(), o(3)).await.unwrap();
    assert_eq!(third.version_stages, ["SYSCURRENT"]);
    assert_eq!(s.stage(&p, "s", "SYSPREVIOUS").await.unwrap().version_id, "v2");
    drop(s);
    admin.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)")).await.unwrap();
}
