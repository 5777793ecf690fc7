//! [`PgStore`]: PostgreSQL, for a platform with many app servers sharing one database.
//!
//! Each append is one transaction (`READ COMMITTED`) that writes the project's row first, on the
//! condition that its version is still the expected one (`UPDATE ... WHERE version = $expected`, or
//! `INSERT ... ON CONFLICT DO UPDATE ... WHERE version = 0` for a new project). That write locks the
//! row: a concurrent writer of the same project waits, then finds the version moved and gets
//! [`StoreError::Conflict`]. Outside ids and invoice numbers are inserted with `ON CONFLICT DO
//! NOTHING ... RETURNING`: a key that another transaction inserted (or is inserting and then commits)
//! is not returned, and the batch is refused as a duplicate. Keys are inserted in sorted order, so two
//! batches never wait for each other in a cycle.
//!
//! Outbox ids come from an identity column (gaps do not matter there); under concurrent writers a
//! later id may become visible before an earlier one commits, so "oldest first" is by id among the
//! committed items, and nothing is skipped: every unacknowledged item is returned until acknowledged.

use std::collections::HashSet;
use std::time::Duration;

use async_trait::async_trait;
use billing_core::ids::ServiceCode;
use billing_core::ports::{
    AppendBatch, BankLineRecord, BankLineState, LoadedProject, OutboxItem, OutsideId, ProjectStore,
    StoreError, StoredEvent,
};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::Row;

use crate::codec;

/// The connections a store keeps open by default.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;

/// The key of the advisory lock that serialises migrations of one database.
const MIGRATION_LOCK: i64 = 0x0062_696c_6c69_6e67; // "billing" in ASCII

/// The schema, one migration per entry: `(version, description, SQL)`. Never edit a released entry;
/// add a new one.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "projects, events, outside ids, invoice numbers, outbox",
        r#"
CREATE TABLE billing_projects (
    project  BIGINT PRIMARY KEY,
    version  BIGINT NOT NULL,
    snapshot TEXT NOT NULL
);
CREATE TABLE billing_events (
    project BIGINT NOT NULL,
    version BIGINT NOT NULL,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (project, version)
);
CREATE TABLE billing_outside_ids (
    kind    TEXT COLLATE "C" NOT NULL,
    id      TEXT COLLATE "C" NOT NULL,
    project BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE billing_invoice_numbers (
    number  TEXT COLLATE "C" PRIMARY KEY,
    project BIGINT NOT NULL,
    version BIGINT NOT NULL
);
CREATE TABLE billing_outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project         BIGINT NOT NULL,
    at              TEXT NOT NULL,
    notification    TEXT NOT NULL,
    acknowledged_at TIMESTAMPTZ
);
CREATE INDEX billing_outbox_pending ON billing_outbox (id) WHERE acknowledged_at IS NULL;
"#,
    ),
    (
        2,
        "bank lines: every imported statement line once, its decision and what became of it",
        r#"
CREATE TABLE billing_bank_lines (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key         TEXT COLLATE "C" NOT NULL UNIQUE,
    imported_at TEXT NOT NULL,
    state       TEXT NOT NULL,
    project     BIGINT,
    line        TEXT NOT NULL,
    decision    TEXT NOT NULL,
    resolution  TEXT
);
CREATE INDEX billing_bank_lines_state ON billing_bank_lines (state, seq);
"#,
    ),
];

/// The PostgreSQL store: a connection pool.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) with
    /// [`DEFAULT_MAX_CONNECTIONS`] and migrates the database.
    pub async fn connect(url: &str) -> Result<PgStore, StoreError> {
        PgStore::connect_with(url, DEFAULT_MAX_CONNECTIONS).await
    }

    /// [`PgStore::connect`] with another pool size.
    pub async fn connect_with(url: &str, max_connections: u32) -> Result<PgStore, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await
            .map_err(db_error)?;
        PgStore::from_pool(pool).await
    }

    /// A store on a pool the caller configured; migrates the database.
    pub async fn from_pool(pool: PgPool) -> Result<PgStore, StoreError> {
        let store = PgStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// The connection pool, for diagnostics and tests.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool's connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Maps a driver error: decoding problems are corrupt data; everything else (including a
/// serialization failure or a deadlock the server broke) may be retried.
fn db_error(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            StoreError::Corrupt(e.to_string())
        }
        _ => StoreError::Unavailable(e.to_string()),
    }
}

#[async_trait]
impl ProjectStore for PgStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS billing_schema_migrations (
                version     BIGINT PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
            )",
        )
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let applied: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM billing_schema_migrations")
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
        for (version, description, sql) in MIGRATIONS.iter().filter(|m| m.0 > applied) {
            sqlx::Executor::execute(&mut *tx, *sql)
                .await
                .map_err(db_error)?;
            sqlx::query(
                "INSERT INTO billing_schema_migrations (version, description) VALUES ($1, $2)",
            )
            .bind(version)
            .bind(description)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn load(&self, project: ServiceCode) -> Result<Option<LoadedProject>, StoreError> {
        let row = sqlx::query("SELECT version, snapshot FROM billing_projects WHERE project = $1")
            .bind(codec::project_to_db(project))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|row| {
            Ok(LoadedProject {
                project,
                version: codec::version_from_db(row.try_get(0).map_err(db_error)?)?,
                snapshot: codec::json_from_text(
                    "snapshot",
                    row.try_get::<&str, _>(1).map_err(db_error)?,
                )?,
            })
        })
        .transpose()
    }

    async fn append(&self, batch: AppendBatch) -> Result<u64, StoreError> {
        let project = codec::project_to_db(batch.project);
        let version = codec::next_version(&batch)?;
        let version_db = codec::version_to_db(version)?;
        let expected_db = codec::version_to_db(batch.expected_version)?;
        let snapshot = codec::json_to_text(&batch.snapshot)?;

        let mut tx = self.pool.begin().await.map_err(db_error)?;
        // The project's row first: the version check, and the row lock that orders its writers.
        let written = if batch.expected_version == 0 {
            sqlx::query(
                "INSERT INTO billing_projects (project, version, snapshot) VALUES ($1, $2, $3)
                 ON CONFLICT (project) DO UPDATE
                 SET version = EXCLUDED.version, snapshot = EXCLUDED.snapshot
                 WHERE billing_projects.version = 0",
            )
            .bind(project)
            .bind(version_db)
            .bind(&snapshot)
            .execute(&mut *tx)
            .await
        } else {
            sqlx::query(
                "UPDATE billing_projects SET version = $2, snapshot = $3
                 WHERE project = $1 AND version = $4",
            )
            .bind(project)
            .bind(version_db)
            .bind(&snapshot)
            .bind(expected_db)
            .execute(&mut *tx)
            .await
        }
        .map_err(db_error)?;
        if written.rows_affected() == 0 {
            let actual: Option<i64> =
                sqlx::query_scalar("SELECT version FROM billing_projects WHERE project = $1")
                    .bind(project)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_error)?;
            return Err(StoreError::Conflict {
                project: batch.project,
                expected: batch.expected_version,
                actual: actual.map_or(Ok(0), codec::version_from_db)?,
            });
        }
        codec::check_batch_duplicates(&batch)?;

        if !batch.outside_ids.is_empty() {
            let mut sorted: Vec<&OutsideId> = batch.outside_ids.iter().collect();
            sorted.sort();
            let kinds: Vec<&str> = sorted.iter().map(|k| k.kind.as_str()).collect();
            let ids: Vec<&str> = sorted.iter().map(|k| k.id.as_str()).collect();
            let rows = sqlx::query(
                "INSERT INTO billing_outside_ids (kind, id, project, version)
                 SELECT k, i, $3, $4 FROM UNNEST($1::text[], $2::text[]) WITH ORDINALITY AS u(k, i, n)
                 ORDER BY n
                 ON CONFLICT DO NOTHING RETURNING kind, id",
            )
            .bind(&kinds)
            .bind(&ids)
            .bind(project)
            .bind(version_db)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
            if rows.len() < sorted.len() {
                let inserted = rows
                    .iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                    .collect::<Result<HashSet<(String, String)>, sqlx::Error>>()
                    .map_err(db_error)?;
                let key = batch
                    .outside_ids
                    .iter()
                    .find(|k| !inserted.contains(&(k.kind.clone(), k.id.clone())))
                    .unwrap_or(&batch.outside_ids[0]);
                return Err(StoreError::DuplicateOutsideId {
                    kind: key.kind.clone(),
                    id: key.id.clone(),
                });
            }
        }
        if !batch.invoice_numbers.is_empty() {
            let mut numbers: Vec<String> = batch
                .invoice_numbers
                .iter()
                .map(|n| n.to_string())
                .collect();
            numbers.sort();
            let rows: Vec<String> = sqlx::query_scalar(
                "INSERT INTO billing_invoice_numbers (number, project, version)
                 SELECT n, $2, $3 FROM UNNEST($1::text[]) WITH ORDINALITY AS u(n, o) ORDER BY o
                 ON CONFLICT DO NOTHING RETURNING number",
            )
            .bind(&numbers)
            .bind(project)
            .bind(version_db)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
            if rows.len() < numbers.len() {
                let inserted: HashSet<String> = rows.into_iter().collect();
                let number = batch
                    .invoice_numbers
                    .iter()
                    .map(|n| n.to_string())
                    .find(|n| !inserted.contains(n))
                    .unwrap_or_else(|| numbers[0].clone());
                return Err(StoreError::DuplicateInvoiceNumber { number });
            }
        }
        if !batch.events.is_empty() {
            let mut versions = Vec::with_capacity(batch.events.len());
            let mut ats = Vec::with_capacity(batch.events.len());
            let mut actors = Vec::with_capacity(batch.events.len());
            let mut payloads = Vec::with_capacity(batch.events.len());
            for (event, v) in batch.events.iter().zip(batch.expected_version + 1..) {
                versions.push(codec::version_to_db(v)?);
                ats.push(codec::time_to_text(event.at));
                actors.push(codec::json_to_text(&event.actor)?);
                payloads.push(codec::json_to_text(&event.payload)?);
            }
            sqlx::query(
                "INSERT INTO billing_events (project, version, at, actor, payload)
                 SELECT $1, v, a, w, p
                 FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::text[]) AS u(v, a, w, p)",
            )
            .bind(project)
            .bind(&versions)
            .bind(&ats)
            .bind(&actors)
            .bind(&payloads)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        if !batch.notifications.is_empty() {
            let notifications = batch
                .notifications
                .iter()
                .map(codec::json_to_text)
                .collect::<Result<Vec<String>, StoreError>>()?;
            sqlx::query(
                "INSERT INTO billing_outbox (project, at, notification)
                 SELECT $1, $2, n FROM UNNEST($3::text[]) WITH ORDINALITY AS u(n, o) ORDER BY o",
            )
            .bind(project)
            .bind(codec::time_to_text(codec::outbox_time(&batch)))
            .bind(&notifications)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(version)
    }

    async fn outside_id(&self, key: &OutsideId) -> Result<Option<ServiceCode>, StoreError> {
        let project: Option<i64> = sqlx::query_scalar(
            "SELECT project FROM billing_outside_ids WHERE kind = $1 AND id = $2",
        )
        .bind(&key.kind)
        .bind(&key.id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        project.map(codec::project_from_db).transpose()
    }

    async fn max_outside_id(&self, kind: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT MAX(id) FROM billing_outside_ids WHERE kind = $1")
            .bind(kind)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn projects(&self) -> Result<Vec<ServiceCode>, StoreError> {
        let rows: Vec<i64> =
            sqlx::query_scalar("SELECT project FROM billing_projects ORDER BY project")
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
        rows.into_iter().map(codec::project_from_db).collect()
    }

    async fn events(
        &self,
        project: ServiceCode,
        after_version: u64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, at, actor, payload FROM billing_events
             WHERE project = $1 AND version > $2 ORDER BY version",
        )
        .bind(codec::project_to_db(project))
        .bind(codec::version_to_db(after_version)?)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(StoredEvent {
                    version: codec::version_from_db(row.try_get(0).map_err(db_error)?)?,
                    at: codec::time_from_text(row.try_get(1).map_err(db_error)?)?,
                    actor: codec::actor_from_text(row.try_get(2).map_err(db_error)?)?,
                    payload: codec::json_from_text("event", row.try_get(3).map_err(db_error)?)?,
                })
            })
            .collect()
    }

    async fn next_notifications(&self, limit: usize) -> Result<Vec<OutboxItem>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = sqlx::query(
            "SELECT id, project, at, notification FROM billing_outbox
             WHERE acknowledged_at IS NULL ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(OutboxItem {
                    id: row.try_get(0).map_err(db_error)?,
                    project: codec::project_from_db(row.try_get(1).map_err(db_error)?)?,
                    at: codec::time_from_text(row.try_get(2).map_err(db_error)?)?,
                    notification: codec::notification_from_text(row.try_get(3).map_err(db_error)?)?,
                })
            })
            .collect()
    }

    async fn acknowledge(&self, ids: &[i64]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "UPDATE billing_outbox SET acknowledged_at = now()
             WHERE acknowledged_at IS NULL AND id = ANY($1)",
        )
        .bind(ids)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn record_bank_lines(&self, records: &[BankLineRecord]) -> Result<Vec<bool>, StoreError> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let mut inserted = Vec::with_capacity(records.len());
        for record in records {
            let row = codec::bank_line_to_row(record)?;
            let done = sqlx::query(
                "INSERT INTO billing_bank_lines
                 (key, imported_at, state, project, line, decision, resolution)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING",
            )
            .bind(row.0)
            .bind(row.1)
            .bind(row.2)
            .bind(row.3)
            .bind(row.4)
            .bind(row.5)
            .bind(row.6)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            inserted.push(done.rows_affected() == 1);
        }
        tx.commit().await.map_err(db_error)?;
        Ok(inserted)
    }

    async fn bank_lines(&self, keys: &[String]) -> Result<Vec<BankLineRecord>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<codec::BankLineRow> = sqlx::query_as(
            "SELECT key, imported_at, state, project, line, decision, resolution
             FROM billing_bank_lines WHERE key = ANY($1)",
        )
        .bind(keys)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.into_iter().map(codec::bank_line_from_row).collect()
    }

    async fn bank_lines_in(
        &self,
        state: BankLineState,
        limit: usize,
    ) -> Result<Vec<BankLineRecord>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows: Vec<codec::BankLineRow> = sqlx::query_as(
            "SELECT key, imported_at, state, project, line, decision, resolution
             FROM billing_bank_lines WHERE state = $1 ORDER BY seq LIMIT $2",
        )
        .bind(state.as_str())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.into_iter().map(codec::bank_line_from_row).collect()
    }

    async fn update_bank_line(
        &self,
        from: BankLineState,
        record: &BankLineRecord,
    ) -> Result<(), StoreError> {
        let row = codec::bank_line_to_row(record)?;
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let done = sqlx::query(
            "UPDATE billing_bank_lines SET state = $1, project = $2, decision = $3, resolution = $4
             WHERE key = $5 AND state = $6",
        )
        .bind(&row.2)
        .bind(row.3)
        .bind(&row.5)
        .bind(&row.6)
        .bind(&row.0)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if done.rows_affected() != 1 {
            let actual: Option<String> =
                sqlx::query_scalar("SELECT state FROM billing_bank_lines WHERE key = $1")
                    .bind(&row.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_error)?;
            return Err(StoreError::BankLineChanged {
                key: record.key.clone(),
                expected: from.as_str(),
                actual: actual.unwrap_or_else(|| "missing".to_string()),
            });
        }
        tx.commit().await.map_err(db_error)?;
        Ok(())
    }
}
