//! [`MemoryStore`]: the storage port in memory, for tests and examples. One mutex guards everything,
//! so a batch is atomic and the same rules as in the SQL adapters hold: conflict by version, unique
//! outside ids and invoice numbers, an outbox drained oldest first.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use billing_core::ids::ServiceCode;
use billing_core::ports::{
    AppendBatch, LoadedProject, OutboxItem, OutsideId, ProjectStore, StoreError, StoredEvent,
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
}
