//! The secret family's rules, on every backend: stages, tags and the search by tag, backups, the batch
//! read, and scheduled rotation.

use super::*;

const HOUR: i64 = 3_600_000;
/// A scheduled deletion no scan of these tests reaches (the scans of one PostgreSQL database are shared).
const FAR: i64 = 4_000_000_000_000;

fn tag(key: &str, value: &str) -> TagItem {
    TagItem { key: key.into(), value: Some(value.into()) }
}

fn stage_names(
    s: &Store,
    p: &str,
    name: &str,
) -> impl std::future::Future<Output = Vec<(String, Vec<String>)>> {
    let (s, p, name) = (s.clone(), p.to_owned(), name.to_owned());
    async move {
        let versions = s.list_versions(&p, &name, None, 100).await.unwrap();
        versions.into_iter().map(|v| (v.id, v.version_stages)).collect()
    }
}

pub(crate) async fn stages_mark_one_version_each(s: Store) {
    let p = project();
    s.create_secret(&p, secret("s", 1, &[]), text("one"), 100, o(1)).await.unwrap();
    s.create_version(&p, "s", text("two"), NewVersion::default(), o(2)).await.unwrap();
    let v =
        |id: &str, stages: &[&str]| (id.to_owned(), stages.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(stage_names(&s, &p, "s").await, [v("v1", &["SYSPREVIOUS"]), v("v2", &["SYSCURRENT"])]);

    // A new stage, then moved: it leaves the version that held it.
    let dev = s.update_stage(&p, "s", "DEV", "v1", 10).await.unwrap();
    assert_eq!((dev.name.as_str(), dev.version_id.as_str(), dev.update_time), ("DEV", "v1", 10));
    s.update_stage(&p, "s", "DEV", "v2", 11).await.unwrap();
    assert_eq!(s.stage(&p, "s", "DEV").await.unwrap().version_id, "v2");
    assert_eq!(stage_names(&s, &p, "s").await, [v("v1", &["SYSPREVIOUS"]), v("v2", &["SYSCURRENT", "DEV"])]);

    // SYSCURRENT moved by hand: its former holder becomes SYSPREVIOUS, as with a new version.
    let current = s.update_stage(&p, "s", "SYSCURRENT", "v1", 12).await.unwrap();
    assert_eq!((current.version_id.as_str(), current.update_time), ("v1", 12));
    assert_eq!(stage_names(&s, &p, "s").await, [v("v1", &["SYSCURRENT"]), v("v2", &["DEV", "SYSPREVIOUS"])]);
    assert_eq!(s.version(&p, "s", "latest").await.unwrap().secret_string.unwrap().expose(), "one");

    // The service's own stages stay; a stage that is not there is not found.
    for own in ["SYSCURRENT", "SYSPREVIOUS"] {
        assert!(matches!(s.delete_stage(&p, "s", own).await, Err(StoreError::Invalid(_))), "{own}");
    }
    s.delete_stage(&p, "s", "DEV").await.unwrap();
    assert!(matches!(s.stage(&p, "s", "DEV").await, Err(StoreError::StageNotFound)));
    assert!(matches!(s.delete_stage(&p, "s", "DEV").await, Err(StoreError::StageNotFound)));
    assert!(matches!(s.update_stage(&p, "s", "DEV", "v9", 13).await, Err(StoreError::VersionNotFound)));
    assert!(matches!(s.stage(&p, "nope", "DEV").await, Err(StoreError::NotFound)));

    // At most 12 stages per secret: SYSCURRENT, SYSPREVIOUS and ten more.
    for n in 0..10 {
        s.update_stage(&p, "s", &format!("S{n}"), "v2", 20).await.unwrap();
    }
    let before = stage_names(&s, &p, "s").await;
    assert!(matches!(s.update_stage(&p, "s", "S10", "v2", 21).await, Err(StoreError::Invalid(_))));
    assert_eq!(stage_names(&s, &p, "s").await, before, "a refused move changes nothing");
    // Moving a stage that exists is no new stage.
    s.update_stage(&p, "s", "S0", "v1", 22).await.unwrap();

    // A secret pending deletion has no stages to show or move.
    s.schedule_secret_deletion(&p, "s", FAR, 30).await.unwrap();
    assert!(matches!(s.stage(&p, "s", "S0").await, Err(StoreError::PendingDeletion)));
    assert!(matches!(s.update_stage(&p, "s", "S0", "v2", 31).await, Err(StoreError::PendingDeletion)));
}

pub(crate) async fn tags_are_addressed_by_id_and_go_with_the_secret(s: Store) {
    let p = project();
    let a = s.create_secret(&p, secret("alpha", 1, &[]), text("x"), 100, o(1)).await.unwrap();
    let b = s.create_secret(&p, secret("beta", 2, &[]), text("x"), 100, o(1)).await.unwrap();
    let c = s.create_secret(&p, secret("gamma-alpha", 3, &[]), text("x"), 100, o(1)).await.unwrap();
    s.change_tags(&p, &a.id, TagAction::Create, vec![tag("team", "pay"), tag("env", "prod")]).await.unwrap();
    s.change_tags(&p, &b.id, TagAction::Create, vec![tag("team", "search"), tag("env", "prod")])
        .await
        .unwrap();
    s.change_tags(&p, &c.id, TagAction::Create, vec![tag("team", "pay")]).await.unwrap();
    assert_eq!(s.tags(&p, &a.id).await.unwrap(), [tag("env", "prod"), tag("team", "pay")]);
    // A key set again takes the new value.
    s.change_tags(&p, &c.id, TagAction::Create, vec![tag("team", "ops")]).await.unwrap();
    assert_eq!(s.tags(&p, &c.id).await.unwrap(), [tag("team", "ops")]);

    assert_eq!(
        s.project_tags(&p).await.unwrap(),
        [
            ProjectTag { key: "env".into(), values: vec!["prod".into()] },
            ProjectTag { key: "team".into(), values: vec!["ops".into(), "pay".into(), "search".into()] },
        ]
    );

    let find = |tags: Vec<TagFilter>, matches: Vec<TagMatch>, offset: usize, limit: usize| {
        let (s, p) = (s.clone(), p.clone());
        async move {
            let (found, total) = s.find_by_tags(&p, TagQuery { tags, matches, offset, limit }).await.unwrap();
            (found.into_iter().map(|r| r.resource_name).collect::<Vec<_>>(), total)
        }
    };
    let filter = |key: &str, values: &[&str]| TagFilter {
        key: key.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    let named = |value: &str| TagMatch { key: "resource_name".into(), value: value.into() };
    // Values OR-ed within a key, keys AND-ed; a key without values matches any value.
    assert_eq!(
        find(vec![filter("team", &["pay", "search"])], vec![], 0, 10).await,
        (vec!["alpha".into(), "beta".into()], 2)
    );
    assert_eq!(find(vec![filter("team", &[]), filter("env", &["prod"])], vec![], 0, 10).await.1, 2);
    assert_eq!(find(vec![filter("team", &[])], vec![], 0, 10).await.1, 3);
    assert_eq!(find(vec![filter("team", &["pay"]), filter("env", &["dev"])], vec![], 0, 10).await.1, 0);
    // Matches on the name; an empty value matches nothing.
    assert_eq!(
        find(vec![], vec![named("alpha")], 0, 10).await,
        (vec!["alpha".into(), "gamma-alpha".into()], 2)
    );
    assert_eq!(find(vec![], vec![named("")], 0, 10).await.1, 0);
    // Pages: offset then limit, an empty page past the end, the total every time.
    assert_eq!(find(vec![], vec![], 1, 1).await, (vec!["beta".into()], 3));
    assert_eq!(find(vec![], vec![], 3, 1).await, (vec![], 3));
    let (found, _) = s.find_by_tags(&p, TagQuery { limit: 1, ..Default::default() }).await.unwrap();
    assert_eq!((found[0].resource_id.as_str(), found[0].tags.len()), (a.id.as_str(), 2));
    assert_eq!(found[0].resource_detail.kms_key_id, a.kms_key_id);

    // Delete: by key, a key not set is passed over; one tag by key, or not found.
    s.change_tags(&p, &a.id, TagAction::Delete, vec![tag("env", "any"), tag("nope", "")]).await.unwrap();
    assert_eq!(s.tags(&p, &a.id).await.unwrap(), [tag("team", "pay")]);
    s.delete_tag(&p, &a.id, "team").await.unwrap();
    assert!(matches!(s.delete_tag(&p, &a.id, "team").await, Err(StoreError::TagNotFound)));

    // At most 20 tags: a change past it is refused whole.
    let twenty: Vec<TagItem> = (0..20).map(|n| tag(&format!("k{n:02}"), "v")).collect();
    s.change_tags(&p, &a.id, TagAction::Create, twenty.clone()).await.unwrap();
    let more = vec![tag("k00", "new"), tag("k20", "v")];
    assert!(matches!(s.change_tags(&p, &a.id, TagAction::Create, more).await, Err(StoreError::Invalid(_))));
    assert_eq!(s.tags(&p, &a.id).await.unwrap(), twenty, "a refused change changes nothing");

    // An id that names no secret of the project; tags go with a deleted secret.
    assert!(matches!(s.tags(&p, "00000000-0000-4000-9000-00000000ffff").await, Err(StoreError::NotFound)));
    assert!(matches!(s.tags(&project(), &a.id).await, Err(StoreError::NotFound)));
    s.delete_secret(&p, "alpha", o(5)).await.unwrap();
    s.create_secret(&p, secret("alpha", 9, &[]), text("x"), 100, o(9)).await.unwrap();
    let again = s.secret(&p, "alpha").await.unwrap();
    assert!(s.tags(&p, &again.id).await.unwrap().is_empty(), "a new secret of the name has no old tags");
    assert!(!s.project_tags(&p).await.unwrap().iter().any(|t| t.key == "k00"));
}

/// Values long and odd enough that a blob's base64 cannot hold them by chance.
const ONE: &str = "first-value-4d8c2f1a93";
const THREE: &str = "third-value-9e7b3c5d21";

pub(crate) async fn backups_restore_a_deleted_secret_whole(s: Store) {
    let p = project();
    s.create(&p, event("e", 1), 10).await.unwrap();
    let made = s.create_secret(&p, secret("s", 1, &["e"]), text(ONE), 100, o(1)).await.unwrap();
    s.create_version(&p, "s", Payload::Binary(SecretValue::new("AAEC")), NewVersion::default(), o(2))
        .await
        .unwrap();
    s.create_version(&p, "s", text(THREE), NewVersion::default(), o(3)).await.unwrap();
    s.update_stage(&p, "s", "DEV", "v1", 4).await.unwrap();
    s.update_version(&p, "s", "v2", 9_000_000_000_000, o(5)).await.unwrap();
    s.change_tags(&p, &made.id, TagAction::Create, vec![tag("team", "pay")]).await.unwrap();
    let versions = s.list_versions(&p, "s", None, 100).await.unwrap();

    let blob = s.backup_secret(&p, "s").await.unwrap();
    assert!(blob.starts_with(SECRET_BLOB_PREFIX));
    for value in [ONE, THREE] {
        assert!(!blob.contains(value), "a value in clear in the blob");
    }
    // Only a secret that no longer exists is restored.
    assert!(matches!(s.restore_secret_blob(&p, &blob, 100, 10).await, Err(StoreError::AlreadyExists)));
    s.delete_secret(&p, "s", o(6)).await.unwrap();
    // A blob of another project, or altered, restores nothing.
    assert!(matches!(s.restore_secret_blob(&project(), &blob, 100, 10).await, Err(StoreError::InvalidBlob)));
    let mut altered = blob.clone().into_bytes();
    let i = SECRET_BLOB_PREFIX.len() + 40;
    altered[i] = if altered[i] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    for bad in [altered.as_str(), "", "AAAA", &blob[SECRET_BLOB_PREFIX.len()..], &blob[..blob.len() - 4]] {
        assert!(
            matches!(s.restore_secret_blob(&p, bad, 100, 10).await, Err(StoreError::InvalidBlob)),
            "{bad:.60}"
        );
    }
    assert!(matches!(s.secret(&p, "s").await, Err(StoreError::NotFound)));
    // The quota holds.
    assert!(matches!(s.restore_secret_blob(&p, &blob, 0, 10).await, Err(StoreError::SecretQuotaExceeded)));

    let restored = s.restore_secret_blob(&p, &blob, 100, 10).await.unwrap();
    assert_eq!(
        (restored.id.as_str(), restored.state.clone(), restored.update_time),
        (made.id.as_str(), SecretState::Enabled, 10)
    );
    assert_eq!(restored.event_subscriptions, ["e"]);
    assert_eq!(
        s.list_versions(&p, "s", None, 100).await.unwrap(),
        versions,
        "every version, stage and expiry"
    );
    assert_eq!(s.version(&p, "s", "v1").await.unwrap().secret_string.unwrap().expose(), ONE);
    assert_eq!(s.version(&p, "s", "v2").await.unwrap().secret_binary.unwrap().expose(), "AAEC");
    assert_eq!(s.version(&p, "s", "latest").await.unwrap().secret_string.unwrap().expose(), THREE);
    assert_eq!(s.tags(&p, &made.id).await.unwrap(), [tag("team", "pay")]);
    // It goes on as before: the next version is v4.
    let next = s.create_version(&p, "s", text("four"), NewVersion::default(), o(11)).await.unwrap();
    assert_eq!(next.id, "v4");

    // A subscription whose event is gone is dropped at restore.
    let blob = s.backup_secret(&p, "s").await.unwrap();
    s.delete_secret(&p, "s", o(12)).await.unwrap();
    s.delete(&p, "e", Precondition::None).await.unwrap();
    assert!(s.restore_secret_blob(&p, &blob, 100, 13).await.unwrap().event_subscriptions.is_empty());
    // A secret pending deletion is not backed up.
    s.schedule_secret_deletion(&p, "s", FAR, 14).await.unwrap();
    assert!(matches!(s.backup_secret(&p, "s").await, Err(StoreError::PendingDeletion)));
}

pub(crate) async fn current_values_are_read_together(s: Store) {
    let p = project();
    for name in ["a", "b", "c"] {
        s.create_secret(&p, secret(name, 1, &[]), text(&format!("{name}1")), 100, o(1)).await.unwrap();
    }
    s.create_version(&p, "b", text("b2"), NewVersion::default(), o(2)).await.unwrap();
    s.schedule_secret_deletion(&p, "c", FAR, 3).await.unwrap();
    let names = ["b", "nope", "a", "c", "b"].map(String::from).to_vec();
    let values = s.current_versions(&p, names).await.unwrap();
    let got: Vec<(&str, &str, &str)> = values
        .iter()
        .map(|v| {
            let m = &v.version_metadata;
            (m.secret_name.as_str(), m.id.as_str(), v.secret_string.as_ref().unwrap().expose())
        })
        .collect();
    assert_eq!(got, [("b", "v2", "b2"), ("a", "v1", "a1")]);
}

pub(crate) async fn scheduled_rotation_runs_once_per_due_time(s: Store) {
    let _one_at_a_time = super::suite::OUTBOX.lock().await;
    let p = project();
    let mut on = secret("r", 0, &[]);
    on.auto_rotation = Some(true);
    // Rotation without a period is refused.
    assert!(matches!(
        s.create_secret(&p, on.clone(), text("x"), 100, o(0)).await,
        Err(StoreError::Invalid(_))
    ));
    on.rotation_period = Some("6h".into());
    let made = s.create_secret(&p, on, text("x"), 100, o(0)).await.unwrap();
    assert_eq!(made.next_rotation_time, Some(6 * HOUR));
    s.create_secret(&p, secret("off", 0, &[]), text("x"), 100, o(0)).await.unwrap();
    let tasks = |s: &Store| {
        let (s, p) = (s.clone(), p.clone());
        async move { s.tasks(&p, TaskFilter::default(), 100).await.unwrap().0 }
    };

    let next = |s: &Store| {
        let (s, p) = (s.clone(), p.clone());
        async move { s.secret(&p, "r").await.unwrap().next_rotation_time }
    };
    // The scans see every project of a shared database: what is asserted is this project's state.
    s.run_due(6 * HOUR - 1, 1000).await.unwrap();
    assert!(tasks(&s).await.is_empty());
    // Two scans at the due time, at once: one task.
    let (a, b) = tokio::join!(s.run_due(6 * HOUR, 1000), s.run_due(6 * HOUR, 1000));
    a.unwrap();
    b.unwrap();
    let queued = tasks(&s).await;
    assert_eq!(queued.len(), 1);
    assert_eq!((queued[0].secret_name.as_str(), queued[0].operate_type.as_str()), ("r", SCHEDULED_ROTATION));
    assert_eq!(queued[0].task_status, TaskStatus::Pending);
    assert_eq!(next(&s).await, Some(12 * HOUR));
    s.run_due(6 * HOUR, 1000).await.unwrap();
    assert_eq!((tasks(&s).await.len(), next(&s).await), (1, Some(12 * HOUR)), "once per due time");

    // Due again while the first waits: that one stands for both; the schedule moves on.
    s.run_due(12 * HOUR, 1000).await.unwrap();
    assert_eq!((tasks(&s).await.len(), next(&s).await), (1, Some(18 * HOUR)));

    // The task ends as RotateSecret's do: a new SYSCURRENT version and rotation_time.
    s.finish_task(&p, &queued[0].task_id, Ok(text("y")), 13 * HOUR).await.unwrap();
    assert_eq!(s.version(&p, "r", "latest").await.unwrap().version_metadata.id, "v2");
    assert_eq!(s.secret(&p, "r").await.unwrap().rotation_time, Some(13 * HOUR));

    // Long after the due time (the service was down): one rotation, and the next a period from now.
    s.run_due(100 * HOUR, 1000).await.unwrap();
    let pending = |t: &Vec<SecretTask>| t.iter().filter(|t| t.task_status == TaskStatus::Pending).count();
    assert_eq!((tasks(&s).await.len(), pending(&tasks(&s).await)), (2, 1));
    assert_eq!(next(&s).await, Some(106 * HOUR));

    // Turned off: no schedule, nothing due.
    let off = UpdateSecretRequestBody { auto_rotation: Some(false), ..Default::default() };
    assert_eq!(s.update_secret(&p, "r", off, 101 * HOUR).await.unwrap().next_rotation_time, None);
    s.run_due(1000 * HOUR, 1000).await.unwrap();
    assert_eq!(tasks(&s).await.len(), 2);
    // Turned on with a new period: counted from the change.
    let on = UpdateSecretRequestBody {
        auto_rotation: Some(true),
        rotation_period: Some("1d".into()),
        ..Default::default()
    };
    assert_eq!(s.update_secret(&p, "r", on, 200 * HOUR).await.unwrap().next_rotation_time, Some(224 * HOUR));
}

pub(crate) async fn settings_are_kept_per_project_and_per_account(s: Store) {
    let (p, q) = (project(), project());
    assert!(!s.checker_config(&p).await.unwrap().checking_secret_strength);
    assert!(s.update_checker_config(&p, Some(true)).await.unwrap().checking_secret_strength);
    assert!(s.update_checker_config(&p, None).await.unwrap().checking_secret_strength, "None: unchanged");
    assert!(s.checker_config(&p).await.unwrap().checking_secret_strength);
    assert!(!s.checker_config(&q).await.unwrap().checking_secret_strength, "per project");

    let (a, b) = (format!("acct-{p}"), format!("acct-{q}"));
    assert!(!s.agencies_granted(&a, "RDS-FG").await.unwrap());
    let granted = s.grant_agencies(&a, "RDS-FG", 1).await.unwrap();
    assert_eq!(granted.len(), 2);
    assert_eq!(s.grant_agencies(&a, "RDS-FG", 2).await.unwrap(), granted, "the same agencies again");
    assert!(s.agencies_granted(&a, "RDS-FG").await.unwrap());
    assert!(!s.agencies_granted(&a, "GaussDB-FG").await.unwrap(), "per secret type");
    assert!(!s.agencies_granted(&b, "RDS-FG").await.unwrap(), "per account");
    assert_ne!(s.grant_agencies(&b, "RDS-FG", 3).await.unwrap(), granted, "ids are the account's");
}

pub(crate) async fn grants_are_kept_per_resource(s: Store) {
    let p = project();
    let made = s.create_secret(&p, secret("db", 1, &[]), text("x"), 100, o(1)).await.unwrap();
    let grant = |resource: &str, user: &str, until: Option<i64>| NewGrant {
        resource_id: resource.into(),
        kind: "SECRET".into(),
        grantee_type: "0".into(),
        grantee: user.into(),
        validity_time: until,
    };
    let group = |resource: &str, user: &str| NewGrant { kind: "GROUP".into(), ..grant(resource, user, None) };
    assert!(matches!(s.create_grant(&p, grant("nope", "a", None), 9, 5).await, Err(StoreError::NotFound)));
    let a = s.create_grant(&p, grant("db", "a", Some(10)), 9, 5).await.unwrap();
    assert_eq!((a.state, a.create_time, a.validity_time), (0, 5, Some(10)));
    assert!(matches!(s.create_grant(&p, grant("db", "a", None), 9, 6).await, Err(StoreError::AlreadyExists)));
    // A secret's grants are its own whether they name it by name or by id: the same user once.
    let by_id = s.create_grant(&p, grant(&made.id, "a", None), 9, 6).await;
    assert!(matches!(by_id, Err(StoreError::AlreadyExists)), "{by_id:?}");
    s.create_grant(&p, grant(&made.id, "b", None), 9, 6).await.unwrap();
    let listed = s.grants(&p, "db", [("a".to_owned(), "Alice".to_owned())].into()).await.unwrap();
    assert_eq!((listed.name.as_deref(), listed.grantee_user.len()), (Some("db"), 2));
    assert_eq!(listed.grantee_user[0].user_name, "Alice");
    assert_eq!(s.grants(&p, &made.id, Default::default()).await.unwrap().grantee_user.len(), 2);
    // Past its validity, a grant's state is 1 (expired).
    assert_eq!(s.update_grant(&p, grant("db", "a", Some(10)), 20).await.unwrap().state, 1);
    assert!(matches!(s.update_grant(&p, grant("db", "z", None), 20).await, Err(StoreError::NotFound)));
    assert!(matches!(s.delete_grants(&p, "db", Some("z")).await, Err(StoreError::NotFound)));
    s.delete_grants(&p, "db", Some("a")).await.unwrap();
    s.delete_grants(&p, &made.id, Some("b")).await.unwrap();
    assert!(matches!(s.grants(&p, "db", Default::default()).await, Err(StoreError::NotFound)), "none left");

    // A group's grants are apart from a secret's of the same name, and outlive it.
    s.create_grant(&p, group("db", "g"), 9, 30).await.unwrap();
    s.create_grant(&p, grant("db", "a", None), 9, 30).await.unwrap();
    // UpdateGrant makes the same check as CreateGrants: a SECRET grant names a secret of the project.
    let nowhere = s.update_grant(&p, NewGrant { kind: "SECRET".into(), ..group("ghost", "g") }, 31).await;
    assert!(matches!(nowhere, Err(StoreError::NotFound)), "{nowhere:?}");
    s.create_grant(&p, group("ghost", "g"), 9, 31).await.unwrap();
    let still = s.update_grant(&p, NewGrant { kind: "SECRET".into(), ..group("ghost", "g") }, 32).await;
    assert!(matches!(still, Err(StoreError::NotFound)), "a group's grant cannot turn to a missing secret");
    assert_eq!(s.grants(&p, "ghost", Default::default()).await.unwrap().r#type.as_deref(), Some("GROUP"));
    s.delete_secret(&p, "db", o(40)).await.unwrap();
    assert!(matches!(s.grants(&p, &made.id, Default::default()).await, Err(StoreError::NotFound)));
    let kept = s.grants(&p, "db", Default::default()).await.unwrap();
    assert_eq!((kept.r#type.as_deref(), kept.grantee_user.len()), (Some("GROUP"), 1), "the group's stay");

    // At most `quota` resources carry grants; a resource that has some takes more grantees.
    let full = s.create_grant(&p, group("third", "g"), 2, 50).await;
    assert!(matches!(full, Err(StoreError::Invalid(_))), "{full:?}");
    s.create_grant(&p, group("ghost", "h"), 2, 50).await.unwrap();
}

pub(crate) async fn passwords_change_only_from_the_record_read(s: Store) {
    let a = format!("acct-{}", project());
    let record = |hash: &str, at: i64| PasswordRecord { hash: hash.into(), changed_at: at };
    assert_eq!(s.password(&a, "u1").await.unwrap(), None);
    assert!(s.password_changes(&a).await.unwrap().is_empty());
    assert!(matches!(
        s.change_password(&a, "u1", Some("h0".into()), record("h1", 5)).await,
        Err(StoreError::PreconditionFailed)
    ));
    assert_eq!(s.password(&a, "u1").await.unwrap(), None, "a refused change writes nothing");

    s.change_password(&a, "u1", None, record("h1", 5)).await.unwrap();
    assert_eq!(s.password(&a, "u1").await.unwrap(), Some(record("h1", 5)));
    // Two changes made from the same record: the second finds it changed.
    s.change_password(&a, "u1", Some("h1".into()), record("h2", 7)).await.unwrap();
    assert!(matches!(
        s.change_password(&a, "u1", Some("h1".into()), record("h3", 8)).await,
        Err(StoreError::PreconditionFailed)
    ));
    assert!(matches!(
        s.change_password(&a, "u1", None, record("h3", 8)).await,
        Err(StoreError::PreconditionFailed)
    ));
    s.change_password(&a, "u2", None, record("g1", 9)).await.unwrap();
    let changes = s.password_changes(&a).await.unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!((changes["u1"], changes["u2"]), (7, 9));
    assert!(s.password_changes(&format!("other-{a}")).await.unwrap().is_empty(), "per account");
}
