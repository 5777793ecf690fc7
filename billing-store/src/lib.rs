//! # billing-store
//!
//! The adapters of `billing-core`'s storage port ([`ProjectStore`]): [`MemoryStore`] for tests and
//! examples, [`SqliteStore`] (the embedded default: a file path) and [`PgStore`] (PostgreSQL, for a
//! platform with many app servers). [`open`] picks one from a URL or a path. All three pass one
//! contract test suite (`tests/contract.rs`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), billing_core::ports::StoreError> {
//! let store = billing_store::open("/var/lib/billing/billing.sqlite3").await?; // SQLite, migrated
//! let shared = billing_store::open("postgres://billing@db.internal/billing").await?; // PostgreSQL
//! # let _ = (store, shared); Ok(()) }
//! ```
//!
//! # What is stored
//! Per project (keyed by the service code's number): a row with the stream version and the latest
//! snapshot, and the events (the audit trail), each with its version, time, actor and JSON payload.
//! Store-wide: the outside ids `(kind, id)` and the invoice numbers (`HOR-11111-007` as text), each
//! under a unique key, and the notification outbox. Tables are prefixed `billing_` so that they can
//! live in a database shared with the platform. JSON (events, snapshots, actors, notifications) is
//! kept as text, byte for byte as the engine wrote it; times as RFC 3339 UTC text with nanoseconds
//! (`2025-01-31T21:00:00.000000000Z`), which sorts in time order and round-trips exactly.
//!
//! # Concurrency: optimistic, by version
//! Every append names the version it loaded ([`AppendBatch::expected_version`]). The adapters write
//! the project's row first in the batch's transaction, on the condition that its version is still the
//! expected one; otherwise the batch is refused with [`StoreError::Conflict`], nothing is written, and
//! the engine reloads and decides again. So two writers of one project never lose an update:
//! - SQLite: every write transaction starts with `BEGIN IMMEDIATE`, which takes the database's write
//!   lock at once (waiting up to the busy timeout), so the version read inside it cannot go stale.
//! - PostgreSQL: the version check is the conditional write itself
//!   (`UPDATE ... WHERE version = $expected`, or an insert for a new project), which locks the row; a
//!   concurrent writer waits for it and then finds the version moved.
//!
//! After the version check, a batch's outside ids and invoice numbers are inserted under their unique
//! keys (`ON CONFLICT DO NOTHING`, checking the row count): an id or a number already present refuses
//! the whole batch with [`StoreError::DuplicateOutsideId`] or [`StoreError::DuplicateInvoiceNumber`],
//! even when another process inserted it a moment before and for another project. Invoice numbers
//! come from the project's own counter in its snapshot, decided against the version the batch checks,
//! never from a database `SEQUENCE` (which leaves gaps on rollback): they stay gapless. The errors are
//! checked in that order: conflict first, then outside ids, then invoice numbers. A batch without
//! events changes no version, so it is not protected against a concurrent batch: the engine appends
//! only batches with events.
//!
//! # The outbox
//! Notifications are inserted in the batch's transaction, so a crash between deciding and sending
//! loses nothing. [`ProjectStore::next_notifications`] returns the unacknowledged ones oldest first
//! (by outbox id); [`ProjectStore::acknowledge`] marks them sent (they stay in the table with the
//! acknowledgement time, and are never returned again; unknown ids are ignored). Outbox rows are
//! never deleted, so an id is never reused. Delivery to the drainer is at least once: a drainer that
//! crashes between sending and acknowledging gets the same items again (it may dedupe by outbox id);
//! once acknowledged, an item never comes back.
//!
//! # SQLite durability and speed
//! The file runs in WAL mode with `synchronous=NORMAL`: a commit does not wait for the disk, and the
//! WAL is flushed at checkpoints (every [`sqlite::WAL_AUTOCHECKPOINT_PAGES`] pages, about 40 MB). A
//! killed process loses nothing it committed. A power loss or an OS crash may lose the commits since
//! the last checkpoint, but never leaves the database inconsistent or a batch half written: the
//! store comes back as it was at an earlier commit (whose later work the engine then redoes; a
//! notification already sent from a lost commit may be decided again). Where that is not acceptable,
//! [`SqliteOptions::full_sync`] makes every commit wait for the disk (`synchronous=FULL`). Several
//! processes may share the file (the backend and a finance script): a busy timeout
//! ([`sqlite::DEFAULT_BUSY_TIMEOUT`]) makes a writer wait for another process's lock instead of
//! failing with `SQLITE_BUSY`. Within a process, one connection writes and a small pool reads. A
//! batch is written in one multi-statement call (the version check and every insert, each of which
//! must change a row); a batch refused there is rolled back and redone statement by statement, which
//! names the reason.
//!
//! PostgreSQL's durability is the server's (`synchronous_commit`, `fsync`); the store changes no
//! setting.
//!
//! # Schema migrations
//! Plain SQL run by [`ProjectStore::migrate`] (idempotent; recorded in `billing_schema_migrations`),
//! under the write lock (SQLite) or an advisory lock (PostgreSQL), so that several processes may
//! start at once. Queries are checked at run time (`sqlx::query`), so the crate compiles without a
//! database.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod memory;
pub mod postgres;
pub mod sqlite;
pub mod testing;

mod codec;

use std::sync::Arc;

pub use billing_core::ports::{
    AppendBatch, LoadedProject, NewEvent, OutboxItem, OutsideId, ProjectStore, StoreError,
    StoredEvent,
};
pub use memory::MemoryStore;
pub use postgres::PgStore;
pub use sqlite::{SqliteOptions, SqliteStore};

/// Opens a store from a URL or a path, migrated and ready:
/// - `postgres://...` or `postgresql://...`: PostgreSQL ([`PgStore::connect`]);
/// - `memory:`: a fresh [`MemoryStore`] (for examples and tests);
/// - `sqlite:PATH`, `sqlite://PATH` or any other text: a SQLite file path ([`SqliteStore::open`]),
///   created and migrated on first open.
pub async fn open(url_or_path: &str) -> Result<Arc<dyn ProjectStore>, StoreError> {
    if url_or_path.starts_with("postgres://") || url_or_path.starts_with("postgresql://") {
        return Ok(Arc::new(PgStore::connect(url_or_path).await?));
    }
    if url_or_path == "memory:" {
        return Ok(Arc::new(MemoryStore::new()));
    }
    let path = url_or_path
        .strip_prefix("sqlite://")
        .or_else(|| url_or_path.strip_prefix("sqlite:"))
        .unwrap_or(url_or_path);
    Ok(Arc::new(SqliteStore::open(path).await?))
}
