//! [`SqliteStore`]: the embedded default. One file, created and migrated on first open, shared
//! safely by several processes (the backend and a finance script).
//!
//! - WAL mode: readers never block the writer and the writer never blocks readers.
//! - `synchronous=NORMAL`: a commit does not wait for the disk; a power loss may lose the last
//!   commits since the last checkpoint, never consistency (a batch is in the file whole or not at all).
//!   A killed process loses nothing it committed.
//! - A busy timeout ([`DEFAULT_BUSY_TIMEOUT`]): a writer waits for another process's write lock
//!   instead of failing at once.
//! - Every write transaction starts with `BEGIN IMMEDIATE`, taking the write lock at its start: a
//!   deferred transaction that read first could otherwise fail with `SQLITE_BUSY` at its first write,
//!   whatever the timeout, and the version it read is current for the whole transaction.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use billing_core::ids::ServiceCode;
use billing_core::ports::{
    AppendBatch, BankLineRecord, BankLineState, LoadedProject, OutboxItem, OutsideId, ProjectStore,
    StoreError, StoredEvent,
};
use chrono::Utc;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;

use crate::codec;

/// How long a writer waits for another connection's (or process's) write lock before giving up with
/// [`StoreError::Unavailable`].
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// How many pages the WAL may hold before a commit copies them back into the database file (a
/// checkpoint, which waits for the disk). SQLite's default is 1,000 pages (4 MB); a batch job that
/// touches every project dirties a few distinct pages per commit, so a 10,000-page WAL (40 MB) lets a
/// checkpoint write each page once for many commits: the daily job runs about twice as fast.
pub const WAL_AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// The reading connections a store keeps open (besides its one writing connection).
const MAX_READERS: u32 = 4;

/// The schema, one migration per entry: `(version, description, SQL)`. Never edit a released entry;
/// add a new one.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "projects, events, outside ids, invoice numbers, outbox",
        r#"
CREATE TABLE billing_projects (
    project  INTEGER PRIMARY KEY,
    version  INTEGER NOT NULL,
    snapshot TEXT NOT NULL
);
CREATE TABLE billing_events (
    project INTEGER NOT NULL,
    version INTEGER NOT NULL,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (project, version)
) WITHOUT ROWID;
CREATE TABLE billing_outside_ids (
    kind    TEXT NOT NULL,
    id      TEXT NOT NULL,
    project INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE billing_invoice_numbers (
    number  TEXT PRIMARY KEY,
    project INTEGER NOT NULL,
    version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE billing_outbox (
    id              INTEGER PRIMARY KEY,
    project         INTEGER NOT NULL,
    at              TEXT NOT NULL,
    notification    TEXT NOT NULL,
    acknowledged_at TEXT
);
CREATE INDEX billing_outbox_pending ON billing_outbox (id) WHERE acknowledged_at IS NULL;
"#,
    ),
    (
        2,
        "bank lines: every imported statement line once, its decision and what became of it",
        r#"
CREATE TABLE billing_bank_lines (
    seq         INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    imported_at TEXT NOT NULL,
    state       TEXT NOT NULL,
    project     INTEGER,
    line        TEXT NOT NULL,
    decision    TEXT NOT NULL,
    resolution  TEXT
);
CREATE INDEX billing_bank_lines_state ON billing_bank_lines (state, seq);
"#,
    ),
];

/// The SQLite store: one connection that writes and a pool of connections that read, to one file.
///
/// One writing connection per process: SQLite lets one transaction write at a time anyway, and
/// in-process writers then queue on the pool (handed over at once) instead of polling the file lock,
/// while the writer's page cache stays warm (SQLite drops a connection's cache whenever another
/// connection has written). Other processes are waited for with the busy timeout.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
}

/// How a SQLite store is opened; [`SqliteOptions::default`] is what [`SqliteStore::open`] uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    /// How long a writer waits for another process's write lock ([`DEFAULT_BUSY_TIMEOUT`]).
    pub busy_timeout: Duration,
    /// `synchronous=FULL` instead of `NORMAL`: every commit waits for the disk, so a power loss loses
    /// no commit either, at the cost of one disk flush per commit (several times slower on most
    /// disks). Off by default.
    pub full_sync: bool,
}

impl Default for SqliteOptions {
    fn default() -> SqliteOptions {
        SqliteOptions {
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            full_sync: false,
        }
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and migrates it, with WAL,
    /// `synchronous=NORMAL` and [`DEFAULT_BUSY_TIMEOUT`].
    pub async fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with(path, SqliteOptions::default()).await
    }

    /// [`SqliteStore::open`] with other options.
    pub async fn open_with(
        path: impl AsRef<Path>,
        options: SqliteOptions,
    ) -> Result<SqliteStore, StoreError> {
        let busy_timeout = options.busy_timeout;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .busy_timeout(busy_timeout)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(if options.full_sync {
                SqliteSynchronous::Full
            } else {
                SqliteSynchronous::Normal
            })
            .pragma("wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES.to_string())
            .foreign_keys(true);
        let pool = |connections: u32| {
            SqlitePoolOptions::new()
                .max_connections(connections)
                // A local file: no connection goes stale, so no ping before each use.
                .test_before_acquire(false)
                .acquire_timeout(busy_timeout + Duration::from_secs(5))
        };
        // Several processes opening a new file at once: the first turns it to WAL and migrates it,
        // and switching the journal mode is refused at once (SQLITE_BUSY, no busy handler) to the
        // others meanwhile. Such a refusal is tried again until the busy timeout has passed.
        let started = std::time::Instant::now();
        loop {
            let opened = async {
                let writer = pool(1).connect_with(options.clone()).await?;
                let readers = pool(MAX_READERS).connect_with(options.clone()).await?;
                Ok::<_, sqlx::Error>(SqliteStore { writer, readers })
            }
            .await;
            match opened {
                Ok(store) => {
                    store.migrate().await?;
                    return Ok(store);
                }
                Err(e) if is_busy(&e) && started.elapsed() < busy_timeout => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(e) => return Err(db_error(e)),
            }
        }
    }

    /// The writing connection's pool, for diagnostics and tests.
    pub fn pool(&self) -> &SqlitePool {
        &self.writer
    }

    /// Closes the connections (the WAL is checkpointed when the last one closes).
    pub async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }
}

/// The parameters of a multi-statement call built at run time. They are positional (`?`): sqlx
/// binds each statement's parameters from where the previous statement's stopped, so they are pushed
/// in the order they appear in the SQL, a value used twice pushed twice.
#[derive(Default)]
struct Params(Vec<Param>);

#[derive(Clone)]
enum Param {
    Int(i64),
    Text(String),
}

impl Params {
    /// Pushes a value and returns its placeholder.
    fn push(&mut self, value: Param) -> &'static str {
        self.0.push(value);
        "?"
    }
}

impl SqliteStore {
    /// The fast path of [`ProjectStore::append`]: the whole batch as one multi-statement call inside
    /// `BEGIN IMMEDIATE` (three calls to the database instead of one per row). Every row must change:
    /// the project's row (the version check) and each inserted key and event. `Ok(None)` when some
    /// row did not (a conflict or a duplicate): the transaction is rolled back and nothing is written.
    async fn append_in_one_statement(
        &self,
        batch: &AppendBatch,
    ) -> Result<Option<u64>, StoreError> {
        let version = codec::next_version(batch)?;
        let project = Param::Int(codec::project_to_db(batch.project));
        let new_version = Param::Int(codec::version_to_db(version)?);
        let mut p = Params::default();
        let mut sql = String::with_capacity(1024);
        let mut rows = 1u64;

        if batch.expected_version == 0 {
            sql.push_str("INSERT INTO billing_projects (project, version, snapshot) VALUES (");
            sql.push_str(p.push(project.clone()));
            sql.push_str(", ");
            sql.push_str(p.push(new_version.clone()));
            sql.push_str(", ");
            sql.push_str(p.push(Param::Text(codec::json_to_text(&batch.snapshot)?)));
            sql.push_str(
                ") ON CONFLICT (project) DO UPDATE \
                 SET version = excluded.version, snapshot = excluded.snapshot \
                 WHERE billing_projects.version = 0;\n",
            );
        } else {
            sql.push_str("UPDATE billing_projects SET version = ");
            sql.push_str(p.push(new_version.clone()));
            sql.push_str(", snapshot = ");
            sql.push_str(p.push(Param::Text(codec::json_to_text(&batch.snapshot)?)));
            sql.push_str(" WHERE project = ");
            sql.push_str(p.push(project.clone()));
            sql.push_str(" AND version = ");
            sql.push_str(p.push(Param::Int(codec::version_to_db(batch.expected_version)?)));
            sql.push_str(";\n");
        }

        // One multi-row INSERT per table; each row is `(?, ?, ...)` with the values in order.
        let mut insert = |sql: &mut String, head: &str, tail: &str, tuples: Vec<Vec<Param>>| {
            if tuples.is_empty() {
                return;
            }
            rows += tuples.len() as u64;
            sql.push_str(head);
            for (i, tuple) in tuples.into_iter().enumerate() {
                sql.push_str(if i == 0 { "(" } else { ", (" });
                for (j, value) in tuple.into_iter().enumerate() {
                    if j > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(p.push(value));
                }
                sql.push(')');
            }
            sql.push_str(tail);
        };
        insert(
            &mut sql,
            "INSERT INTO billing_outside_ids (kind, id, project, version) VALUES ",
            " ON CONFLICT DO NOTHING;\n",
            batch
                .outside_ids
                .iter()
                .map(|k| {
                    vec![
                        Param::Text(k.kind.clone()),
                        Param::Text(k.id.clone()),
                        project.clone(),
                        new_version.clone(),
                    ]
                })
                .collect(),
        );
        insert(
            &mut sql,
            "INSERT INTO billing_invoice_numbers (number, project, version) VALUES ",
            " ON CONFLICT DO NOTHING;\n",
            batch
                .invoice_numbers
                .iter()
                .map(|n| {
                    vec![
                        Param::Text(n.to_string()),
                        project.clone(),
                        new_version.clone(),
                    ]
                })
                .collect(),
        );
        let mut events = Vec::with_capacity(batch.events.len());
        for (event, v) in batch.events.iter().zip(batch.expected_version + 1..) {
            events.push(vec![
                project.clone(),
                Param::Int(codec::version_to_db(v)?),
                Param::Text(codec::time_to_text(event.at)),
                Param::Text(codec::json_to_text(&event.actor)?),
                Param::Text(codec::json_to_text(&event.payload)?),
            ]);
        }
        insert(
            &mut sql,
            "INSERT INTO billing_events (project, version, at, actor, payload) VALUES ",
            // Taken versions only after a failed version check: counted short, not an error.
            " ON CONFLICT DO NOTHING;\n",
            events,
        );
        let at = Param::Text(codec::time_to_text(codec::outbox_time(batch)));
        let mut outbox = Vec::with_capacity(batch.notifications.len());
        for notification in &batch.notifications {
            outbox.push(vec![
                project.clone(),
                at.clone(),
                Param::Text(codec::json_to_text(notification)?),
            ]);
        }
        insert(
            &mut sql,
            "INSERT INTO billing_outbox (project, at, notification) VALUES ",
            ";\n",
            outbox,
        );

        let mut query = sqlx::query(&sql);
        for param in p.0 {
            query = match param {
                Param::Int(v) => query.bind(v),
                Param::Text(v) => query.bind(v),
            };
        }
        let mut tx = self
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        let changed = query.execute(&mut *tx).await.map_err(db_error)?;
        if changed.rows_affected() != rows {
            return Ok(None); // dropping `tx` rolls back
        }
        tx.commit().await.map_err(db_error)?;
        Ok(Some(version))
    }

    /// The reference path of [`ProjectStore::append`]: one statement at a time, stopping at the
    /// first refusal with its precise error.
    async fn append_stepwise(&self, batch: &AppendBatch) -> Result<u64, StoreError> {
        let project = codec::project_to_db(batch.project);
        let version = codec::next_version(batch)?;
        let version_db = codec::version_to_db(version)?;
        let snapshot = codec::json_to_text(&batch.snapshot)?;

        let mut tx = self
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        let actual: Option<i64> =
            sqlx::query_scalar("SELECT version FROM billing_projects WHERE project = ?1")
                .bind(project)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        let actual = actual.map_or(Ok(0), codec::version_from_db)?;
        if actual != batch.expected_version {
            return Err(StoreError::Conflict {
                project: batch.project,
                expected: batch.expected_version,
                actual,
            });
        }
        codec::check_batch_duplicates(batch)?;
        for key in &batch.outside_ids {
            let inserted = sqlx::query(
                "INSERT INTO billing_outside_ids (kind, id, project, version)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            )
            .bind(&key.kind)
            .bind(&key.id)
            .bind(project)
            .bind(version_db)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            if inserted.rows_affected() == 0 {
                return Err(StoreError::DuplicateOutsideId {
                    kind: key.kind.clone(),
                    id: key.id.clone(),
                });
            }
        }
        for number in &batch.invoice_numbers {
            let number = number.to_string();
            let inserted = sqlx::query(
                "INSERT INTO billing_invoice_numbers (number, project, version)
                 VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )
            .bind(&number)
            .bind(project)
            .bind(version_db)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            if inserted.rows_affected() == 0 {
                return Err(StoreError::DuplicateInvoiceNumber { number });
            }
        }
        for (event, v) in batch.events.iter().zip(batch.expected_version + 1..) {
            sqlx::query(
                "INSERT INTO billing_events (project, version, at, actor, payload)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .bind(project)
            .bind(codec::version_to_db(v)?)
            .bind(codec::time_to_text(event.at))
            .bind(codec::json_to_text(&event.actor)?)
            .bind(codec::json_to_text(&event.payload)?)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        sqlx::query(
            "INSERT INTO billing_projects (project, version, snapshot) VALUES (?1, ?2, ?3)
             ON CONFLICT (project) DO UPDATE SET version = excluded.version, snapshot = excluded.snapshot",
        )
        .bind(project)
        .bind(version_db)
        .bind(&snapshot)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if !batch.notifications.is_empty() {
            let at = codec::time_to_text(codec::outbox_time(batch));
            for notification in &batch.notifications {
                sqlx::query(
                    "INSERT INTO billing_outbox (project, at, notification) VALUES (?1, ?2, ?3)",
                )
                .bind(project)
                .bind(&at)
                .bind(codec::json_to_text(notification)?)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            }
        }
        tx.commit().await.map_err(db_error)?;
        Ok(version)
    }
}

/// Whether SQLite refused because another connection holds a lock (`SQLITE_BUSY`, code 5, or one
/// of its extended codes).
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| c & 0xff == 5),
        _ => false,
    }
}

/// Maps a driver error: decoding problems are corrupt data; everything else may be retried.
fn db_error(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            StoreError::Corrupt(e.to_string())
        }
        _ => StoreError::Unavailable(e.to_string()),
    }
}

#[async_trait]
impl ProjectStore for SqliteStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut tx = self
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS billing_schema_migrations (
                version     INTEGER PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at  TEXT NOT NULL
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
                "INSERT INTO billing_schema_migrations (version, description, applied_at)
                 VALUES (?1, ?2, ?3)",
            )
            .bind(version)
            .bind(description)
            .bind(codec::time_to_text(Utc::now()))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn load(&self, project: ServiceCode) -> Result<Option<LoadedProject>, StoreError> {
        let row = sqlx::query("SELECT version, snapshot FROM billing_projects WHERE project = ?1")
            .bind(codec::project_to_db(project))
            .fetch_optional(&self.readers)
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
        match self.append_in_one_statement(&batch).await {
            Ok(Some(version)) => Ok(version),
            // Refused or failed: roll back and redo it statement by statement, which names the
            // reason (the state only moves on, so whatever refused the batch still refuses it).
            Ok(None) | Err(_) => self.append_stepwise(&batch).await,
        }
    }

    async fn outside_id(&self, key: &OutsideId) -> Result<Option<ServiceCode>, StoreError> {
        let project: Option<i64> = sqlx::query_scalar(
            "SELECT project FROM billing_outside_ids WHERE kind = ?1 AND id = ?2",
        )
        .bind(&key.kind)
        .bind(&key.id)
        .fetch_optional(&self.readers)
        .await
        .map_err(db_error)?;
        project.map(codec::project_from_db).transpose()
    }

    async fn max_outside_id(&self, kind: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT MAX(id) FROM billing_outside_ids WHERE kind = ?1")
            .bind(kind)
            .fetch_one(&self.readers)
            .await
            .map_err(db_error)
    }

    async fn projects(&self) -> Result<Vec<ServiceCode>, StoreError> {
        let rows: Vec<i64> =
            sqlx::query_scalar("SELECT project FROM billing_projects ORDER BY project")
                .fetch_all(&self.readers)
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
             WHERE project = ?1 AND version > ?2 ORDER BY version",
        )
        .bind(codec::project_to_db(project))
        .bind(codec::version_to_db(after_version)?)
        .fetch_all(&self.readers)
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
             WHERE acknowledged_at IS NULL ORDER BY id LIMIT ?1",
        )
        .bind(limit)
        .fetch_all(&self.readers)
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
        let mut tx = self
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        sqlx::query(
            "UPDATE billing_outbox SET acknowledged_at = ?1
             WHERE acknowledged_at IS NULL AND id IN (SELECT value FROM json_each(?2))",
        )
        .bind(codec::time_to_text(Utc::now()))
        .bind(codec::json_to_text(&ids)?)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn record_bank_lines(&self, records: &[BankLineRecord]) -> Result<Vec<bool>, StoreError> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        let mut inserted = Vec::with_capacity(records.len());
        for record in records {
            let row = codec::bank_line_to_row(record)?;
            let done = sqlx::query(
                "INSERT INTO billing_bank_lines
                 (key, imported_at, state, project, line, decision, resolution)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (key) DO NOTHING",
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
             FROM billing_bank_lines WHERE key IN (SELECT value FROM json_each(?1))",
        )
        .bind(codec::json_to_text(&keys)?)
        .fetch_all(&self.readers)
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
             FROM billing_bank_lines WHERE state = ?1 ORDER BY seq LIMIT ?2",
        )
        .bind(state.as_str())
        .bind(limit)
        .fetch_all(&self.readers)
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
        let mut tx = self
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        let done = sqlx::query(
            "UPDATE billing_bank_lines SET state = ?1, project = ?2, decision = ?3, resolution = ?4
             WHERE key = ?5 AND state = ?6",
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
                sqlx::query_scalar("SELECT state FROM billing_bank_lines WHERE key = ?1")
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

#[cfg(test)]
mod tests {
    use super::*;
    use billing_core::ids::{InvoiceNumber, InvoicePrefix};
    use billing_core::ports::NewEvent;
    use billing_core::{Actor, Notification};
    use serde_json::json;

    fn batch(expected: u64, ids: &[&str], numbers: &[u32]) -> AppendBatch {
        let project: ServiceCode = "00009".parse().unwrap();
        AppendBatch {
            project,
            expected_version: expected,
            events: vec![
                NewEvent {
                    at: Utc::now(),
                    actor: Actor::System,
                    payload: json!({"e": 1}),
                },
                NewEvent {
                    at: Utc::now(),
                    actor: Actor::Owner,
                    payload: json!({"e": 2}),
                },
            ],
            snapshot: json!({"after": expected + 2}),
            outside_ids: ids.iter().map(|i| OutsideId::new("bank", *i)).collect(),
            invoice_numbers: numbers
                .iter()
                .map(|n| InvoiceNumber::new(InvoicePrefix::DEFAULT, project, *n).unwrap())
                .collect(),
            notifications: vec![
                Notification::Blocked { project },
                Notification::Unblocked { project },
            ],
        }
    }

    async fn counts(store: &SqliteStore) -> Vec<i64> {
        let mut out = Vec::new();
        for table in [
            "billing_projects",
            "billing_events",
            "billing_outside_ids",
            "billing_invoice_numbers",
            "billing_outbox",
        ] {
            out.push(
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                    .fetch_one(store.pool())
                    .await
                    .unwrap(),
            );
        }
        out
    }

    /// The fast path writes a whole batch in one call, and refuses (writing nothing) what the
    /// stepwise path would refuse, so that `append` falls back to name the reason.
    #[tokio::test]
    async fn the_one_statement_path_writes_whole_batches_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("fast.sqlite3"))
            .await
            .unwrap();
        let first = batch(0, &["a", "b"], &[1, 2]);
        assert_eq!(store.append_in_one_statement(&first).await, Ok(Some(2)));
        assert_eq!(counts(&store).await, vec![1, 2, 2, 2, 2]);
        let stored = store.events("00009".parse().unwrap(), 0).await.unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[1].payload, json!({"e": 2}));
        assert_eq!(stored[1].actor, Actor::Owner);

        // A stale version, a repeated id, a repeated number, a repeat within the batch: refused.
        for refused in [
            batch(0, &["c"], &[3]),
            batch(2, &["c", "a"], &[3]),
            batch(2, &["c"], &[3, 2]),
            batch(2, &["c", "c"], &[3]),
            batch(2, &["c"], &[3, 3]),
        ] {
            assert_eq!(store.append_in_one_statement(&refused).await, Ok(None));
            assert_eq!(counts(&store).await, vec![1, 2, 2, 2, 2]);
        }
        assert_eq!(
            store.append_in_one_statement(&batch(2, &["c"], &[3])).await,
            Ok(Some(4))
        );
        assert_eq!(counts(&store).await, vec![1, 4, 3, 3, 4]);
        let loaded = store.load("00009".parse().unwrap()).await.unwrap().unwrap();
        assert_eq!((loaded.version, loaded.snapshot), (4, json!({"after": 4})));
    }
}
