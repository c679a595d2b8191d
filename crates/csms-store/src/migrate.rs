//! Schema migrations of the durable backends: one numbered list with both dialects side by side, and one
//! runner, so the backends can never drift apart in what version N means.

use crate::StoreResult;

/// One schema change, in each backend's dialect.
pub(crate) struct Migration {
    pub(crate) description: &'static str,
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) sqlite: &'static str,
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) postgres: &'static str,
}

/// Every migration, in order; version N is the N-th (from 1). Applied ones are recorded in
/// `schema_migrations` and never edited: a change is a new entry.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        description: "events, per-project counts and notification records",
        sqlite: "CREATE TABLE events (
         project TEXT NOT NULL,
         name    TEXT NOT NULL,
         version INTEGER NOT NULL,
         doc     TEXT NOT NULL,
         PRIMARY KEY (project, name)
     ) WITHOUT ROWID;
     CREATE TABLE project_counts (
         project TEXT PRIMARY KEY,
         events  INTEGER NOT NULL
     ) WITHOUT ROWID;
     CREATE TABLE records (
         id          INTEGER PRIMARY KEY AUTOINCREMENT,
         project     TEXT NOT NULL,
         create_time INTEGER NOT NULL,
         doc         TEXT NOT NULL
     );
     CREATE INDEX records_by_time ON records (project, create_time DESC, id DESC);",
        postgres: r#"CREATE TABLE events (
           project TEXT NOT NULL,
           name    TEXT COLLATE "C" NOT NULL,
           version BIGINT NOT NULL,
           doc     TEXT NOT NULL,
           PRIMARY KEY (project, name)
       );
       CREATE TABLE project_counts (
           project TEXT PRIMARY KEY,
           events  BIGINT NOT NULL
       );
       CREATE TABLE records (
           id          BIGSERIAL PRIMARY KEY,
           project     TEXT NOT NULL,
           create_time BIGINT NOT NULL,
           doc         TEXT NOT NULL
       );
       CREATE INDEX records_by_time ON records (project, create_time DESC, id DESC);"#,
    },
    Migration {
        description: "secrets, their versions (values sealed) and the store's key check",
        sqlite: "CREATE TABLE secrets (
             project    TEXT NOT NULL,
             name       TEXT NOT NULL,
             event_name TEXT,
             doc        TEXT NOT NULL,
             PRIMARY KEY (project, name)
         ) WITHOUT ROWID;
         CREATE INDEX secrets_by_event ON secrets (project, event_name, name);
         CREATE TABLE secret_versions (
             project TEXT NOT NULL,
             secret  TEXT NOT NULL,
             seq     INTEGER NOT NULL,
             doc     TEXT NOT NULL,
             value   BLOB NOT NULL,
             PRIMARY KEY (project, secret, seq)
         );
         CREATE TABLE store_meta (
             name  TEXT PRIMARY KEY,
             value BLOB NOT NULL
         ) WITHOUT ROWID;",
        postgres: r#"CREATE TABLE secrets (
               project    TEXT NOT NULL,
               name       TEXT COLLATE "C" NOT NULL,
               event_name TEXT COLLATE "C",
               doc        TEXT NOT NULL,
               PRIMARY KEY (project, name)
           );
           CREATE INDEX secrets_by_event ON secrets (project, event_name, name);
           CREATE TABLE secret_versions (
               project TEXT NOT NULL,
               secret  TEXT COLLATE "C" NOT NULL,
               seq     BIGINT NOT NULL,
               doc     TEXT NOT NULL,
               value   BYTEA NOT NULL,
               PRIMARY KEY (project, secret, seq)
           );
           CREATE TABLE store_meta (
               name  TEXT PRIMARY KEY,
               value BYTEA NOT NULL
           );"#,
    },
    Migration {
        description: "the outbox of notifications, rotation tasks, and what the scan finds due",
        sqlite: "ALTER TABLE secrets ADD COLUMN delete_at INTEGER;
         CREATE INDEX secrets_due_deletion ON secrets (delete_at) WHERE delete_at IS NOT NULL;
         ALTER TABLE secret_versions ADD COLUMN expire_at INTEGER;
         CREATE INDEX versions_due_expiry ON secret_versions (expire_at) WHERE expire_at IS NOT NULL;
         CREATE TABLE outbox (
             id          INTEGER PRIMARY KEY AUTOINCREMENT,
             project     TEXT NOT NULL,
             doc         TEXT NOT NULL,
             attempts    INTEGER NOT NULL DEFAULT 0,
             next_at     INTEGER NOT NULL,
             claim_owner TEXT,
             claim_until INTEGER
         );
         CREATE INDEX outbox_due ON outbox (next_at);
         CREATE TABLE tasks (
             project     TEXT NOT NULL,
             id          TEXT NOT NULL,
             status      TEXT NOT NULL,
             request_id  TEXT,
             doc         TEXT NOT NULL,
             claim_owner TEXT,
             claim_until INTEGER,
             PRIMARY KEY (project, id)
         );
         CREATE INDEX tasks_pending ON tasks (status) WHERE status = 'PENDING';",
        postgres: r#"ALTER TABLE secrets ADD COLUMN delete_at BIGINT;
           CREATE INDEX secrets_due_deletion ON secrets (delete_at) WHERE delete_at IS NOT NULL;
           ALTER TABLE secret_versions ADD COLUMN expire_at BIGINT;
           CREATE INDEX versions_due_expiry ON secret_versions (expire_at) WHERE expire_at IS NOT NULL;
           CREATE TABLE outbox (
               id          BIGSERIAL PRIMARY KEY,
               project     TEXT NOT NULL,
               doc         TEXT NOT NULL,
               attempts    INTEGER NOT NULL DEFAULT 0,
               next_at     BIGINT NOT NULL,
               claim_owner TEXT,
               claim_until BIGINT
           );
           CREATE INDEX outbox_due ON outbox (next_at);
           CREATE TABLE tasks (
               project     TEXT NOT NULL,
               id          TEXT COLLATE "C" NOT NULL,
               status      TEXT NOT NULL,
               request_id  TEXT,
               doc         TEXT NOT NULL,
               claim_owner TEXT,
               claim_until BIGINT,
               PRIMARY KEY (project, id)
           );
           CREATE INDEX tasks_pending ON tasks (status) WHERE status = 'PENDING';"#,
    },
    Migration {
        description: "tasks listed and bounded by index: their secret, the version a rotation reserves, when they finished",
        sqlite: "ALTER TABLE tasks ADD COLUMN secret TEXT NOT NULL DEFAULT '';
         ALTER TABLE tasks ADD COLUMN version_seq INTEGER;
         ALTER TABLE tasks ADD COLUMN finished_at INTEGER;
         UPDATE tasks SET secret = json_extract(doc, '$.secret_name'),
                          finished_at = CASE WHEN status = 'PENDING' THEN NULL
                                             ELSE json_extract(doc, '$.task_time') END;
         CREATE INDEX tasks_by_secret ON tasks (project, secret, status);
         CREATE INDEX tasks_finished ON tasks (project, finished_at) WHERE finished_at IS NOT NULL;",
        postgres: r#"ALTER TABLE tasks ADD COLUMN secret TEXT COLLATE "C" NOT NULL DEFAULT '';
           ALTER TABLE tasks ADD COLUMN version_seq BIGINT;
           ALTER TABLE tasks ADD COLUMN finished_at BIGINT;
           UPDATE tasks SET secret = (doc::json)->>'secret_name',
                            finished_at = CASE WHEN status = 'PENDING' THEN NULL
                                               ELSE ((doc::json)->>'task_time')::bigint END;
           CREATE INDEX tasks_by_secret ON tasks (project, secret, status);
           CREATE INDEX tasks_finished ON tasks (project, finished_at) WHERE finished_at IS NOT NULL;"#,
    },
    Migration {
        description: "secrets found by id, scheduled rotations found when due, and tags",
        sqlite: "ALTER TABLE secrets ADD COLUMN id TEXT NOT NULL DEFAULT '';
         ALTER TABLE secrets ADD COLUMN rotate_at INTEGER;
         UPDATE secrets SET id = json_extract(doc, '$.id');
         CREATE INDEX secrets_by_id ON secrets (project, id);
         CREATE INDEX secrets_due_rotation ON secrets (rotate_at) WHERE rotate_at IS NOT NULL;
         CREATE TABLE secret_tags (
             project TEXT NOT NULL,
             secret  TEXT NOT NULL,
             key     TEXT NOT NULL,
             value   TEXT NOT NULL,
             PRIMARY KEY (project, secret, key)
         ) WITHOUT ROWID;
         CREATE INDEX tags_by_key ON secret_tags (project, key, value);",
        postgres: r#"ALTER TABLE secrets ADD COLUMN id TEXT NOT NULL DEFAULT '';
           ALTER TABLE secrets ADD COLUMN rotate_at BIGINT;
           UPDATE secrets SET id = (doc::json)->>'id';
           CREATE INDEX secrets_by_id ON secrets (project, id);
           CREATE INDEX secrets_due_rotation ON secrets (rotate_at) WHERE rotate_at IS NOT NULL;
           CREATE TABLE secret_tags (
               project TEXT NOT NULL,
               secret  TEXT COLLATE "C" NOT NULL,
               key     TEXT COLLATE "C" NOT NULL,
               value   TEXT COLLATE "C" NOT NULL,
               PRIMARY KEY (project, secret, key)
           );
           CREATE INDEX tags_by_key ON secret_tags (project, key, value);"#,
    },
    Migration {
        description: "settings: the documents of a project or an account by key (the checker's setting, \
                      agencies, grants, user passwords)",
        sqlite: "CREATE TABLE settings (
             scope TEXT NOT NULL,
             key   TEXT NOT NULL,
             doc   TEXT NOT NULL,
             PRIMARY KEY (scope, key)
         ) WITHOUT ROWID;",
        postgres: r#"CREATE TABLE settings (
               scope TEXT COLLATE "C" NOT NULL,
               key   TEXT COLLATE "C" NOT NULL,
               doc   TEXT NOT NULL,
               PRIMARY KEY (scope, key)
           );"#,
    },
    Migration {
        description: "each event document's checksum, so that a read trusts the document this service \
                      wrote without parsing it again (NULL in rows written before: those are checked)",
        sqlite: "ALTER TABLE events ADD COLUMN doc_sum INTEGER;",
        postgres: "ALTER TABLE events ADD COLUMN doc_sum BIGINT;",
    },
    Migration {
        description: "each notification record's checksum, as for events",
        sqlite: "ALTER TABLE records ADD COLUMN doc_sum INTEGER;",
        postgres: "ALTER TABLE records ADD COLUMN doc_sum BIGINT;",
    },
    Migration {
        description: "the id of the secret each rotation task belongs to, so that a task never acts on \
                      another secret of the same name (NULL in rows written before)",
        sqlite: "ALTER TABLE tasks ADD COLUMN secret_id TEXT;",
        postgres: "ALTER TABLE tasks ADD COLUMN secret_id TEXT;",
    },
    Migration {
        description: "versions stored in their key's B-tree (SQLite: WITHOUT ROWID), so that a secret's \
                      versions are read in one range of one tree and written in one tree, not two",
        sqlite: "CREATE TABLE secret_versions_keyed (
             project   TEXT NOT NULL,
             secret    TEXT NOT NULL,
             seq       INTEGER NOT NULL,
             doc       TEXT NOT NULL,
             value     BLOB NOT NULL,
             expire_at INTEGER,
             PRIMARY KEY (project, secret, seq)
         ) WITHOUT ROWID;
         INSERT INTO secret_versions_keyed (project, secret, seq, doc, value, expire_at)
             SELECT project, secret, seq, doc, value, expire_at FROM secret_versions;
         DROP TABLE secret_versions;
         ALTER TABLE secret_versions_keyed RENAME TO secret_versions;
         CREATE INDEX versions_due_expiry ON secret_versions (expire_at) WHERE expire_at IS NOT NULL;",
        // PostgreSQL keeps a table's rows apart from its indexes whatever it is told: nothing to change.
        postgres: "SELECT 1;",
    },
    Migration {
        description: "a secret's stages kept with the secret (each stage's version and time, in the order \
                      they were put, and when its newest version was made), gathered from the version \
                      documents that held them until now",
        sqlite: "ALTER TABLE secrets ADD COLUMN stages TEXT;
         UPDATE secrets SET stages = json_object(
             'stages', json((
                 SELECT json_group_array(json_array(
                            stage.value,
                            v.seq,
                            coalesce(json_extract(v.doc, '$.stage_times') ->> stage.value,
                                     json_extract(v.doc, '$.create_time')))
                        ORDER BY v.seq, stage.key)
                 FROM secret_versions v, json_each(v.doc, '$.version_stages') stage
                 WHERE v.project = secrets.project AND v.secret = secrets.name)),
             'created', (
                 SELECT max(json_extract(v.doc, '$.create_time')) FROM secret_versions v
                 WHERE v.project = secrets.project AND v.secret = secrets.name));",
        postgres: r#"ALTER TABLE secrets ADD COLUMN stages TEXT;
           UPDATE secrets s SET stages = json_build_object(
               'stages', coalesce((
                   SELECT json_agg(json_build_array(
                              stage.value,
                              v.seq,
                              coalesce(((v.doc::jsonb) -> 'stage_times' ->> stage.value)::bigint,
                                       ((v.doc::jsonb) ->> 'create_time')::bigint))
                          ORDER BY v.seq, stage.ord)
                   FROM secret_versions v,
                        jsonb_array_elements_text(coalesce((v.doc::jsonb) -> 'version_stages', '[]'::jsonb))
                            WITH ORDINALITY AS stage(value, ord)
                   WHERE v.project = s.project AND v.secret = s.name), '[]'::json),
               'created', (
                   SELECT max(((v.doc::jsonb) ->> 'create_time')::bigint) FROM secret_versions v
                   WHERE v.project = s.project AND v.secret = s.name))::text;"#,
    },
];

/// A backend's side of the runner, inside the one transaction the migration runs in.
pub(crate) trait Migrator {
    /// Creates `schema_migrations` if needed and returns the highest version applied (0 for none).
    fn applied(&mut self) -> StoreResult<i64>;
    /// Applies `migration` as `version` and records it.
    fn apply(&mut self, version: i64, migration: &Migration) -> StoreResult<()>;
}

/// Applies every migration newer than the database's version, in order.
pub(crate) fn run(migrator: &mut impl Migrator, backend: &str) -> StoreResult<()> {
    let applied = migrator.applied()?;
    for (i, migration) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version > applied {
            migrator.apply(version, migration)?;
            tracing::info!(version, description = migration.description, backend, "applied migration");
        }
    }
    Ok(())
}
