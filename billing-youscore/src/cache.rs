//! The answer cache: every YouScore data call is a paid transaction, so answers are kept, keyed by
//! code, for a configurable time. The time is always an argument (`now`, from the clock port);
//! pending answers are never stored.

use std::collections::HashMap;

use billing_core::ports::{RegistryRecord, VatStatus};
use chrono::{DateTime, Duration, Utc};

/// What `/v1/usr/{code}` said, as cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsrEntry {
    /// The record (its VAT status comes from the VAT entry).
    Found(Box<RegistryRecord>),
    /// 404.
    NotFound,
}

#[derive(Debug, Clone)]
struct Stored<T> {
    at: DateTime<Utc>,
    value: T,
}

/// How long answers are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheTtl {
    /// A found record and a VAT answer (payer or not).
    pub found: Duration,
    /// "Not found" (a new company may appear soon).
    pub not_found: Duration,
    /// At most this many codes per kind; the oldest answer goes first.
    pub capacity: usize,
}

/// Answers by code: `/v1/usr` and `/v1/vat` kept apart, so a VAT answer still pending is asked
/// again without paying for the record twice.
#[derive(Debug, Clone)]
pub struct AnswerCache {
    ttl: CacheTtl,
    usr: HashMap<String, Stored<UsrEntry>>,
    vat: HashMap<String, Stored<VatStatus>>,
}

fn fresh(at: DateTime<Utc>, now: DateTime<Utc>, ttl: Duration) -> bool {
    now.signed_duration_since(at) < ttl
}

fn insert_bounded<T>(
    map: &mut HashMap<String, Stored<T>>,
    capacity: usize,
    code: &str,
    value: Stored<T>,
) {
    if capacity == 0 {
        return;
    }
    if !map.contains_key(code) && map.len() >= capacity {
        if let Some(oldest) = map.iter().min_by_key(|(_, s)| s.at).map(|(k, _)| k.clone()) {
            map.remove(&oldest);
        }
    }
    map.insert(code.to_string(), value);
}

impl AnswerCache {
    /// An empty cache.
    pub fn new(ttl: CacheTtl) -> AnswerCache {
        AnswerCache {
            ttl,
            usr: HashMap::new(),
            vat: HashMap::new(),
        }
    }

    /// The record answer for a code, while fresh at `now`.
    pub fn usr(&self, code: &str, now: DateTime<Utc>) -> Option<&UsrEntry> {
        let s = self.usr.get(code)?;
        let ttl = match s.value {
            UsrEntry::Found(_) => self.ttl.found,
            UsrEntry::NotFound => self.ttl.not_found,
        };
        fresh(s.at, now, ttl).then_some(&s.value)
    }

    /// The VAT answer for a code, while fresh at `now`.
    pub fn vat(&self, code: &str, now: DateTime<Utc>) -> Option<&VatStatus> {
        let s = self.vat.get(code)?;
        fresh(s.at, now, self.ttl.found).then_some(&s.value)
    }

    /// Keeps a record answer.
    pub fn put_usr(&mut self, code: &str, value: UsrEntry, now: DateTime<Utc>) {
        insert_bounded(
            &mut self.usr,
            self.ttl.capacity,
            code,
            Stored { at: now, value },
        );
    }

    /// Keeps a VAT answer.
    pub fn put_vat(&mut self, code: &str, value: VatStatus, now: DateTime<Utc>) {
        insert_bounded(
            &mut self.vat,
            self.ttl.capacity,
            code,
            Stored { at: now, value },
        );
    }

    /// Forgets everything about a code.
    pub fn forget(&mut self, code: &str) {
        self.usr.remove(code);
        self.vat.remove(code);
    }

    /// How many record and VAT answers are kept (stale ones included until replaced).
    pub fn len(&self) -> (usize, usize) {
        (self.usr.len(), self.vat.len())
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.usr.is_empty() && self.vat.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ttl(capacity: usize) -> CacheTtl {
        CacheTtl {
            found: Duration::days(30),
            not_found: Duration::days(1),
            capacity,
        }
    }

    #[test]
    fn answers_expire_by_kind() {
        let t0 = Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap();
        let mut c = AnswerCache::new(ttl(10));
        c.put_usr("00000001", UsrEntry::NotFound, t0);
        c.put_vat("00000001", VatStatus::NotPayer, t0);
        assert_eq!(
            c.usr("00000001", t0 + Duration::hours(23)),
            Some(&UsrEntry::NotFound)
        );
        assert_eq!(c.usr("00000001", t0 + Duration::days(1)), None);
        assert_eq!(
            c.vat("00000001", t0 + Duration::days(29)),
            Some(&VatStatus::NotPayer)
        );
        assert_eq!(c.vat("00000001", t0 + Duration::days(30)), None);
        c.forget("00000001");
        assert!(c.is_empty());
    }

    #[test]
    fn the_oldest_goes_first_when_full() {
        let t0 = Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap();
        let mut c = AnswerCache::new(ttl(2));
        c.put_usr("a", UsrEntry::NotFound, t0);
        c.put_usr("b", UsrEntry::NotFound, t0 + Duration::seconds(1));
        c.put_usr("c", UsrEntry::NotFound, t0 + Duration::seconds(2));
        assert_eq!(c.len(), (2, 0));
        assert!(c.usr("a", t0).is_none());
        assert!(c.usr("c", t0).is_some());
        let mut off = AnswerCache::new(ttl(0));
        off.put_usr("a", UsrEntry::NotFound, t0);
        assert!(off.is_empty());
    }
}
