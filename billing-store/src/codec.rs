//! Encoding shared by the SQL adapters: times, JSON, versions, project keys, and the checks every
//! adapter makes on a batch before it writes.

use std::collections::HashSet;

use billing_core::ids::ServiceCode;
use billing_core::ports::{AppendBatch, StoreError};
use billing_core::{Actor, Notification};
use chrono::{DateTime, Utc};

/// A time as stored: RFC 3339 in UTC with nine fractional digits (sorts in time order).
pub(crate) fn time_to_text(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string()
}

/// A stored time read back.
pub(crate) fn time_from_text(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("bad stored time {text:?}: {e}")))
}

/// A JSON value as stored text.
pub(crate) fn json_to_text<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Unavailable(format!("cannot encode JSON: {e}")))
}

/// Stored JSON text read back.
pub(crate) fn json_from_text<T: serde::de::DeserializeOwned>(
    what: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("bad stored {what}: {e}")))
}

/// An actor read back.
pub(crate) fn actor_from_text(text: &str) -> Result<Actor, StoreError> {
    json_from_text("actor", text)
}

/// A notification read back.
pub(crate) fn notification_from_text(text: &str) -> Result<Notification, StoreError> {
    json_from_text("notification", text)
}

/// A version as a database integer.
pub(crate) fn version_to_db(version: u64) -> Result<i64, StoreError> {
    i64::try_from(version)
        .map_err(|_| StoreError::Unavailable(format!("version {version} is out of range")))
}

/// A database integer as a version.
pub(crate) fn version_from_db(version: i64) -> Result<u64, StoreError> {
    u64::try_from(version).map_err(|_| StoreError::Corrupt(format!("negative version {version}")))
}

/// A project's key: the service code's number.
pub(crate) fn project_to_db(project: ServiceCode) -> i64 {
    i64::from(project.value())
}

/// A stored project key read back.
pub(crate) fn project_from_db(value: i64) -> Result<ServiceCode, StoreError> {
    u32::try_from(value)
        .ok()
        .and_then(|v| ServiceCode::from_value(v).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("bad stored service code {value}")))
}

/// The time an outbox item is stamped with: the batch's last event's time (`Utc::now()` for a batch
/// without events).
pub(crate) fn outbox_time(batch: &AppendBatch) -> DateTime<Utc> {
    batch.events.last().map_or_else(Utc::now, |e| e.at)
}

/// Refuses a batch that repeats an outside id or an invoice number within itself, as the unique keys
/// would.
pub(crate) fn check_batch_duplicates(batch: &AppendBatch) -> Result<(), StoreError> {
    let mut seen = HashSet::new();
    for key in &batch.outside_ids {
        if !seen.insert(key) {
            return Err(StoreError::DuplicateOutsideId {
                kind: key.kind.clone(),
                id: key.id.clone(),
            });
        }
    }
    let mut numbers = HashSet::new();
    for number in &batch.invoice_numbers {
        if !numbers.insert(number) {
            return Err(StoreError::DuplicateInvoiceNumber {
                number: number.to_string(),
            });
        }
    }
    Ok(())
}

/// The new version after a batch.
pub(crate) fn next_version(batch: &AppendBatch) -> Result<u64, StoreError> {
    u64::try_from(batch.events.len())
        .ok()
        .and_then(|n| batch.expected_version.checked_add(n))
        .ok_or_else(|| StoreError::Unavailable("version overflow".to_string()))
}

/// A bank line's stored columns: key, imported at, state, project, line, decision, resolution.
pub(crate) type BankLineRow = (
    String,
    String,
    String,
    Option<i64>,
    String,
    String,
    Option<String>,
);

/// A bank line record as stored columns.
pub(crate) fn bank_line_to_row(
    record: &billing_core::ports::BankLineRecord,
) -> Result<BankLineRow, StoreError> {
    Ok((
        record.key.clone(),
        time_to_text(record.imported_at),
        record.state.as_str().to_string(),
        record.project.map(project_to_db),
        json_to_text(&record.line)?,
        json_to_text(&record.decision)?,
        record.resolution.as_ref().map(json_to_text).transpose()?,
    ))
}

/// Stored columns read back as a bank line record.
pub(crate) fn bank_line_from_row(
    row: BankLineRow,
) -> Result<billing_core::ports::BankLineRecord, StoreError> {
    let (key, imported_at, state, project, line, decision, resolution) = row;
    Ok(billing_core::ports::BankLineRecord {
        imported_at: time_from_text(&imported_at)?,
        state: billing_core::ports::BankLineState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("bad bank line state {state:?}")))?,
        project: project.map(project_from_db).transpose()?,
        line: json_from_text("bank line", &line)?,
        decision: json_from_text("bank line decision", &decision)?,
        resolution: resolution
            .map(|r| json_from_text("bank line resolution", &r))
            .transpose()?,
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_round_trip_exactly_and_sort() {
        let a = Utc.timestamp_opt(1_700_000_000, 123_456_789).unwrap();
        let b = Utc.timestamp_opt(1_700_000_001, 5).unwrap();
        assert_eq!(time_to_text(a), "2023-11-14T22:13:20.123456789Z");
        assert_eq!(time_from_text(&time_to_text(a)).unwrap(), a);
        assert_eq!(time_from_text(&time_to_text(b)).unwrap(), b);
        assert!(time_to_text(a) < time_to_text(b));
        assert!(matches!(
            time_from_text("yesterday"),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn project_keys_round_trip_and_refuse_garbage() {
        let p: ServiceCode = "00042".parse().unwrap();
        assert_eq!(project_from_db(project_to_db(p)).unwrap(), p);
        assert!(project_from_db(100_000).is_err());
        assert!(project_from_db(-1).is_err());
    }
}
