//! [`MemoryStore`]: the storage port in memory, for tests and examples. One mutex guards everything,
//! so a batch is atomic and the same rules as in the SQL adapters hold: conflict by version, unique
//! outside ids and invoice numbers, an outbox drained oldest first.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use billing_core::ids::ServiceCode;
use billing_core::ports::{
    AppendBatch, BankLineRecord, BankLineState, LoadedProject, OutboxItem, OutsideId, ProjectStore,
    StoreError, StoredEvent,
};

use crate::codec;

/// The in-memory store. Cheap to create; nothing survives the value.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    projects: BTreeMap<ServiceCode, Stream>,
    outside_ids: HashMap<OutsideId, ServiceCode>,
    invoice_numbers: HashMap<String, ServiceCode>,
    outbox: BTreeMap<i64, OutboxItem>,
    last_outbox_id: i64,
    /// Bank lines by key, with their import order.
    bank_lines: HashMap<String, (u64, BankLineRecord)>,
    last_bank_line: u64,
}

#[derive(Debug)]
struct Stream {
    version: u64,
    snapshot: serde_json::Value,
    events: Vec<StoredEvent>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>, StoreError> {
        self.inner
            .lock()
            .map_err(|_| StoreError::Unavailable("memory store mutex poisoned".to_string()))
    }
}

#[async_trait]
impl ProjectStore for MemoryStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        Ok(())
    }

    async fn load(&self, project: ServiceCode) -> Result<Option<LoadedProject>, StoreError> {
        Ok(self.lock()?.projects.get(&project).map(|s| LoadedProject {
            project,
            version: s.version,
            snapshot: s.snapshot.clone(),
        }))
    }

    async fn append(&self, batch: AppendBatch) -> Result<u64, StoreError> {
        let mut inner = self.lock()?;
        let actual = inner.projects.get(&batch.project).map_or(0, |s| s.version);
        if actual != batch.expected_version {
            return Err(StoreError::Conflict {
                project: batch.project,
                expected: batch.expected_version,
                actual,
            });
        }
        codec::check_batch_duplicates(&batch)?;
        if let Some(key) = batch
            .outside_ids
            .iter()
            .find(|k| inner.outside_ids.contains_key(*k))
        {
            return Err(StoreError::DuplicateOutsideId {
                kind: key.kind.clone(),
                id: key.id.clone(),
            });
        }
        let numbers: Vec<String> = batch
            .invoice_numbers
            .iter()
            .map(|n| n.to_string())
            .collect();
        if let Some(number) = numbers
            .iter()
            .find(|n| inner.invoice_numbers.contains_key(*n))
        {
            return Err(StoreError::DuplicateInvoiceNumber {
                number: number.clone(),
            });
        }
        let version = codec::next_version(&batch)?;
        let at = codec::outbox_time(&batch);

        // Nothing below can fail: the batch is written whole.
        let inner = &mut *inner;
        for key in batch.outside_ids {
            inner.outside_ids.insert(key, batch.project);
        }
        for number in numbers {
            inner.invoice_numbers.insert(number, batch.project);
        }
        for notification in batch.notifications {
            inner.last_outbox_id += 1;
            let id = inner.last_outbox_id;
            inner.outbox.insert(
                id,
                OutboxItem {
                    id,
                    project: batch.project,
                    at,
                    notification,
                },
            );
        }
        let stream = inner
            .projects
            .entry(batch.project)
            .or_insert_with(|| Stream {
                version: 0,
                snapshot: serde_json::Value::Null,
                events: Vec::new(),
            });
        let first = stream.version;
        stream.events.extend(
            batch
                .events
                .into_iter()
                .zip(first + 1..)
                .map(|(e, version)| StoredEvent {
                    version,
                    at: e.at,
                    actor: e.actor,
                    payload: e.payload,
                }),
        );
        stream.version = version;
        stream.snapshot = batch.snapshot;
        Ok(version)
    }

    async fn outside_id(&self, key: &OutsideId) -> Result<Option<ServiceCode>, StoreError> {
        Ok(self.lock()?.outside_ids.get(key).copied())
    }

    async fn max_outside_id(&self, kind: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .lock()?
            .outside_ids
            .keys()
            .filter(|k| k.kind == kind)
            .map(|k| k.id.clone())
            .max())
    }

    async fn projects(&self) -> Result<Vec<ServiceCode>, StoreError> {
        Ok(self.lock()?.projects.keys().copied().collect())
    }

    async fn events(
        &self,
        project: ServiceCode,
        after_version: u64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        Ok(self
            .lock()?
            .projects
            .get(&project)
            .map(|s| {
                s.events
                    .iter()
                    .filter(|e| e.version > after_version)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn next_notifications(&self, limit: usize) -> Result<Vec<OutboxItem>, StoreError> {
        Ok(self.lock()?.outbox.values().take(limit).cloned().collect())
    }

    async fn acknowledge(&self, ids: &[i64]) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        for id in ids {
            inner.outbox.remove(id);
        }
        Ok(())
    }

    async fn record_bank_lines(&self, records: &[BankLineRecord]) -> Result<Vec<bool>, StoreError> {
        let mut inner = self.lock()?;
        let inner = &mut *inner;
        Ok(records
            .iter()
            .map(|record| {
                if inner.bank_lines.contains_key(&record.key) {
                    return false;
                }
                inner.last_bank_line += 1;
                inner
                    .bank_lines
                    .insert(record.key.clone(), (inner.last_bank_line, record.clone()));
                true
            })
            .collect())
    }

    async fn bank_lines(&self, keys: &[String]) -> Result<Vec<BankLineRecord>, StoreError> {
        let inner = self.lock()?;
        Ok(keys
            .iter()
            .filter_map(|k| inner.bank_lines.get(k).map(|(_, r)| r.clone()))
            .collect())
    }

    async fn bank_lines_in(
        &self,
        state: BankLineState,
        limit: usize,
    ) -> Result<Vec<BankLineRecord>, StoreError> {
        let inner = self.lock()?;
        let mut found: Vec<&(u64, BankLineRecord)> = inner
            .bank_lines
            .values()
            .filter(|(_, r)| r.state == state)
            .collect();
        found.sort_by_key(|(order, _)| *order);
        Ok(found
            .into_iter()
            .take(limit)
            .map(|(_, r)| r.clone())
            .collect())
    }

    async fn update_bank_line(
        &self,
        from: BankLineState,
        record: &BankLineRecord,
    ) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        match inner.bank_lines.get_mut(&record.key) {
            Some((_, stored)) if stored.state == from => {
                stored.state = record.state;
                stored.project = record.project;
                stored.decision = record.decision.clone();
                stored.resolution = record.resolution.clone();
                Ok(())
            }
            found => Err(StoreError::BankLineChanged {
                key: record.key.clone(),
                expected: from.as_str(),
                actual: found
                    .map_or("missing", |(_, r)| r.state.as_str())
                    .to_string(),
            }),
        }
    }
}
