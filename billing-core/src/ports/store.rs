//! The storage port: one project's event stream with a snapshot, outside ids that take effect at most
//! once, gapless invoice numbers, and the notification outbox.
//!
//! The store is deliberately ignorant of the domain's event types: events and snapshots arrive as JSON
//! (`serde_json::Value`), so one adapter serves every aggregate and its migrations stay small. The
//! engine (de)serialises the typed `ProjectEvent`s and the project state.
//!
//! # Concurrency
//! A batch is appended with the stream version the engine loaded (`expected_version`): when another
//! writer appended first, the append fails with [`StoreError::Conflict`] and changes nothing, and the
//! engine reloads and decides again (optimistic concurrency). Outside ids and invoice numbers are
//! unique in the store, so that a repeat is refused even when two processes race.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::ErrorCode;
use crate::ids::{InvoiceNumber, ServiceCode};
use crate::notification::Notification;

/// The key of an outside event, unique across the store: `(kind, id)`, e.g.
/// `("bank_transaction", "PB-2025-000123")`, `("acquirer_payment", "p2_9ZgpZVsl3")`,
/// `("callback", "...")`, `("request", idempotency key)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OutsideId {
    /// What kind of outside id this is.
    pub kind: String,
    /// The id itself, as the outside system gave it.
    pub id: String,
}

impl OutsideId {
    /// An outside id.
    pub fn new(kind: impl Into<String>, id: impl Into<String>) -> OutsideId {
        OutsideId {
            kind: kind.into(),
            id: id.into(),
        }
    }
}

/// One stored event of a project's stream: the audit record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// The stream version after this event (1 for the first event).
    pub version: u64,
    /// When it was decided.
    pub at: DateTime<Utc>,
    /// Who issued the command.
    pub actor: Actor,
    /// The event as JSON.
    pub payload: serde_json::Value,
}

/// A project's stream as loaded: the latest snapshot and its version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadedProject {
    /// The project.
    pub project: ServiceCode,
    /// The stream version (the number of events appended so far).
    pub version: u64,
    /// The state after the last event, as JSON.
    pub snapshot: serde_json::Value,
}

/// A new event to append.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    /// When it was decided.
    pub at: DateTime<Utc>,
    /// Who issued the command.
    pub actor: Actor,
    /// The event as JSON.
    pub payload: serde_json::Value,
}

/// Everything one command changes, written atomically.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppendBatch {
    /// The project.
    pub project: ServiceCode,
    /// The version the engine loaded (0 for a new project).
    pub expected_version: u64,
    /// The events, in order.
    pub events: Vec<NewEvent>,
    /// The state after the events, as JSON.
    pub snapshot: serde_json::Value,
    /// Outside ids this command consumes; each may be recorded only once in the whole store.
    pub outside_ids: Vec<OutsideId>,
    /// Invoice numbers this command issues; unique in the whole store.
    pub invoice_numbers: Vec<InvoiceNumber>,
    /// Notifications for the platform to send.
    pub notifications: Vec<Notification>,
}

/// A notification waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// The outbox id, for [`ProjectStore::acknowledge`].
    pub id: i64,
    /// The project it is about.
    pub project: ServiceCode,
    /// When it was decided.
    pub at: DateTime<Utc>,
    /// What to send.
    pub notification: Notification,
}

/// What became of a bank statement line the bank job recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BankLineState {
    /// Decided for an automatic credit that is not confirmed yet (the job finishes it, also after a
    /// crash: the credit itself takes effect at most once by the bank transaction id).
    PendingCredit,
    /// Credited automatically.
    Credited,
    /// Waiting for support, with the reason in the decision.
    Review,
    /// Left alone (an outgoing or rejected line).
    Ignored,
    /// Resolved by support (credited by hand or marked as not ours).
    Resolved,
}

impl BankLineState {
    /// The stable name, as stored (`pending_credit`).
    pub fn as_str(self) -> &'static str {
        match self {
            BankLineState::PendingCredit => "pending_credit",
            BankLineState::Credited => "credited",
            BankLineState::Review => "review",
            BankLineState::Ignored => "ignored",
            BankLineState::Resolved => "resolved",
        }
    }

    /// The state of a stored name.
    pub fn parse(name: &str) -> Option<BankLineState> {
        [
            BankLineState::PendingCredit,
            BankLineState::Credited,
            BankLineState::Review,
            BankLineState::Ignored,
            BankLineState::Resolved,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// A bank statement line as the store keeps it: recorded once per key (so importing a file twice
/// changes nothing the second time), with the decision and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BankLineRecord {
    /// Unique in the store: the bank transaction id (`reversal:` and the id for a reversal).
    pub key: String,
    /// When the line was first imported.
    pub imported_at: DateTime<Utc>,
    /// What became of it.
    pub state: BankLineState,
    /// The project it concerns, when known.
    pub project: Option<ServiceCode>,
    /// The line as JSON.
    pub line: serde_json::Value,
    /// The decision as JSON.
    pub decision: serde_json::Value,
    /// Support's resolution as JSON, once there is one.
    pub resolution: Option<serde_json::Value>,
}

/// Why the store refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Another writer appended to the project first; reload and decide again.
    #[error(
        "project {project} changed concurrently (expected version {expected}, found {actual})"
    )]
    Conflict {
        /// The project.
        project: ServiceCode,
        /// The version the batch expected.
        expected: u64,
        /// The version found.
        actual: u64,
    },
    /// An outside id was already recorded: the outside event already took effect.
    #[error("outside id {kind}:{id} was already recorded")]
    DuplicateOutsideId {
        /// The id's kind.
        kind: String,
        /// The id.
        id: String,
    },
    /// An invoice number was already issued.
    #[error("invoice number {number} was already issued")]
    DuplicateInvoiceNumber {
        /// The number.
        number: String,
    },
    /// A bank line was changed by someone else first (or is not recorded).
    #[error("bank line {key} is not {expected} (it is {actual})")]
    BankLineChanged {
        /// The line's key.
        key: String,
        /// The state the change expected.
        expected: &'static str,
        /// The state found (`missing` when the line is not recorded).
        actual: String,
    },
    /// The database could not be reached or failed; the batch may be retried.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Stored data could not be read back.
    #[error("store data is corrupt: {0}")]
    Corrupt(String),
}

impl ErrorCode for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::Conflict { .. } => "store.conflict",
            StoreError::DuplicateOutsideId { .. } => "store.duplicate_outside_id",
            StoreError::DuplicateInvoiceNumber { .. } => "store.duplicate_invoice_number",
            StoreError::BankLineChanged { .. } => "store.bank_line_changed",
            StoreError::Unavailable(_) => "store.unavailable",
            StoreError::Corrupt(_) => "store.corrupt",
        }
    }

    fn is_invalid_input(&self) -> bool {
        false
    }
}

/// The storage port. Every adapter (in-memory, SQLite, PostgreSQL) passes one contract test suite.
#[async_trait]
pub trait ProjectStore: Send + Sync {
    /// Creates the schema if needed (idempotent).
    async fn migrate(&self) -> Result<(), StoreError>;

    /// The project's latest snapshot and version, or `None` for a project never stored.
    async fn load(&self, project: ServiceCode) -> Result<Option<LoadedProject>, StoreError>;

    /// Appends a batch atomically: all of it or nothing. Refuses with [`StoreError::Conflict`] when
    /// the stream moved past `expected_version`, and with a duplicate error when an outside id or an
    /// invoice number was already recorded (nothing of the batch is written then).
    async fn append(&self, batch: AppendBatch) -> Result<u64, StoreError>;

    /// Whether an outside id was already recorded, and for which project.
    async fn outside_id(&self, key: &OutsideId) -> Result<Option<ServiceCode>, StoreError>;

    /// The greatest id recorded under `kind` (in byte order), if any: with ids written at a fixed
    /// width, the last number of a store-wide sequence. A number is claimed by recording it as an
    /// outside id inside the command's batch, so the sequence has no gap (a batch that fails claims
    /// nothing) and no repeat (two writers claiming one number: one gets
    /// [`StoreError::DuplicateOutsideId`] and takes the next).
    async fn max_outside_id(&self, kind: &str) -> Result<Option<String>, StoreError>;

    /// All stored projects, in service-code order.
    async fn projects(&self) -> Result<Vec<ServiceCode>, StoreError>;

    /// The project's audit trail: its events from `after_version` (exclusive), oldest first.
    async fn events(
        &self,
        project: ServiceCode,
        after_version: u64,
    ) -> Result<Vec<StoredEvent>, StoreError>;

    /// Up to `limit` unacknowledged notifications, oldest first.
    async fn next_notifications(&self, limit: usize) -> Result<Vec<OutboxItem>, StoreError>;

    /// Marks notifications as sent: they are never returned again.
    async fn acknowledge(&self, ids: &[i64]) -> Result<(), StoreError>;

    /// Records bank lines whose key is new, atomically; a key recorded before (by an earlier import,
    /// or by another process a moment ago) is left as it is. Returns, per record, whether it was new.
    async fn record_bank_lines(&self, records: &[BankLineRecord]) -> Result<Vec<bool>, StoreError>;

    /// The recorded lines among `keys` (in no particular order).
    async fn bank_lines(&self, keys: &[String]) -> Result<Vec<BankLineRecord>, StoreError>;

    /// Up to `limit` recorded lines in `state`, oldest import first.
    async fn bank_lines_in(
        &self,
        state: BankLineState,
        limit: usize,
    ) -> Result<Vec<BankLineRecord>, StoreError>;

    /// Replaces a recorded line's state, project, decision and resolution, only if it is still in
    /// state `from`; otherwise [`StoreError::BankLineChanged`] and nothing changes.
    async fn update_bank_line(
        &self,
        from: BankLineState,
        record: &BankLineRecord,
    ) -> Result<(), StoreError>;
}
