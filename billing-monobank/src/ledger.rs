//! Webhook ordering: monobank may send a payment's webhooks out of order and more than once. The
//! ledger keeps the newest state seen of each payment (by `modifiedDate`, then the state machine's
//! rank, then the amount refunded); an older event is answered with that newest state, so the
//! engine, which applies each (payment, status) at most once, never sees a payment go backwards.

use std::collections::HashMap;
use std::sync::Mutex;

use billing_core::ports::PaymentEvent;
use chrono::{DateTime, Utc};

/// The ordering key of one state of a payment: `modifiedDate`, rank, kopiyky refunded.
pub(crate) type OrderKey = (DateTime<Utc>, u8, i64);

/// What the ledger made of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    /// Newer than anything seen of that payment: it is now the payment's state.
    Newer(PaymentEvent),
    /// The same state as the newest seen (a duplicate).
    Duplicate(PaymentEvent),
    /// Older than the newest seen: the newest state, to apply instead (the engine then finds it
    /// applied already).
    Stale(PaymentEvent),
}

impl Observed {
    /// The event to apply: the payment's newest known state.
    pub fn into_event(self) -> PaymentEvent {
        match self {
            Observed::Newer(e) | Observed::Duplicate(e) | Observed::Stale(e) => e,
        }
    }
}

/// The newest state seen of each payment, in this process.
#[derive(Debug, Default)]
pub struct PaymentLedger {
    latest: Mutex<HashMap<String, (OrderKey, PaymentEvent)>>,
}

impl PaymentLedger {
    /// An empty ledger.
    pub fn new() -> PaymentLedger {
        PaymentLedger::default()
    }

    /// Records an event with its ordering key and says what to apply.
    pub(crate) fn observe(&self, key: OrderKey, event: PaymentEvent) -> Observed {
        let mut latest = self
            .latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let id = event.provider_ref.as_str().to_string();
        match latest.get(&id) {
            Some((k, newest)) if *k > key => Observed::Stale(newest.clone()),
            Some((k, newest)) if *k == key => Observed::Duplicate(newest.clone()),
            _ => {
                latest.insert(id, (key, event.clone()));
                Observed::Newer(event)
            }
        }
    }

    /// The newest state seen of a payment.
    pub fn newest(&self, invoice_id: &str) -> Option<PaymentEvent> {
        self.latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(invoice_id)
            .map(|(_, e)| e.clone())
    }

    /// How many payments it remembers.
    pub fn len(&self) -> usize {
        self.latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    /// Whether it remembers none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::InvoiceBody;
    use proptest::prelude::*;

    /// The webhooks monobank sends for one invoice along a path of its state machine, in order.
    fn path(kind: u8) -> Vec<String> {
        let statuses: &[&str] = match kind % 6 {
            0 => &["created", "processing", "success"],
            1 => &["created", "processing", "failure"],
            2 => &["created", "expired"],
            3 => &[
                "created",
                "processing",
                "success",
                "success+refund",
                "reversed",
            ],
            4 => &["processing", "hold", "success"],
            _ => &["processing", "success", "success+refund"],
        };
        statuses
            .iter()
            .enumerate()
            .map(|(i, s)| {
                // Same-second events happen: two states share each `modifiedDate` here.
                let at = format!("2026-03-16T08:00:{:02}Z", i / 2);
                let (status, cancel) = match *s {
                    "success+refund" => (
                        "success",
                        r#","cancelList":[{"status":"success","amount":50,"extRef":"r1"}]"#,
                    ),
                    "reversed" => (
                        "reversed",
                        r#","cancelList":[{"status":"success","amount":50,"extRef":"r1"},{"status":"success","amount":50,"extRef":"r2"}]"#,
                    ),
                    s => (s, ""),
                };
                format!(
                    r#"{{"invoiceId":"p2_x","status":"{status}","amount":100,"ccy":980,"modifiedDate":"{at}","reference":"HOR-11111-001-l1"{cancel}}}"#
                )
            })
            .collect()
    }

    fn deliver(ledger: &PaymentLedger, body: &str) -> PaymentEvent {
        let b: InvoiceBody = serde_json::from_str(body).unwrap();
        ledger
            .observe(b.order_key(), b.to_event().unwrap())
            .into_event()
    }

    proptest! {
        /// Any reordering and duplication of a payment's webhooks ends in the same state as the
        /// in-order sequence, and no delivery ever reports a state older than one reported before.
        #[test]
        fn any_order_and_duplicates_end_in_the_in_order_state(
            kind in 0u8..6,
            picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
            seed in any::<u64>(),
        ) {
            let bodies = path(kind);
            let in_order = PaymentLedger::new();
            let mut last = None;
            for b in &bodies {
                last = Some(deliver(&in_order, b));
            }
            let expected = last.unwrap();

            // Every webhook at least once, plus random duplicates, shuffled.
            let mut sequence: Vec<usize> = (0..bodies.len()).collect();
            sequence.extend(picks.iter().map(|i| i.index(bodies.len())));
            let mut state = seed | 1;
            for i in (1..sequence.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                sequence.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let ledger = PaymentLedger::new();
            let mut seen_key = None;
            let mut result = None;
            for i in sequence {
                let b: InvoiceBody = serde_json::from_str(&bodies[i]).unwrap();
                let ev = ledger.observe(b.order_key(), b.to_event().unwrap()).into_event();
                let key = (ev.occurred_at, crate::wire::rank(
                    match &ev.status {
                        billing_core::ports::PaymentStatus::Created => "created",
                        billing_core::ports::PaymentStatus::Processing => "processing",
                        billing_core::ports::PaymentStatus::Refunded => "reversed",
                        _ => "success",
                    }));
                if let Some(prev) = seen_key {
                    prop_assert!(key >= prev, "went backwards");
                }
                seen_key = Some(key);
                result = Some(ev);
            }
            prop_assert_eq!(result.unwrap(), expected.clone());
            prop_assert_eq!(ledger.newest("p2_x").unwrap(), expected);
        }
    }

    #[test]
    fn stale_and_duplicate_are_told_apart() {
        let ledger = PaymentLedger::new();
        let bodies = path(0);
        let b = |i: usize| serde_json::from_str::<InvoiceBody>(&bodies[i]).unwrap();
        assert!(matches!(
            ledger.observe(b(2).order_key(), b(2).to_event().unwrap()),
            Observed::Newer(_)
        ));
        assert!(matches!(
            ledger.observe(b(2).order_key(), b(2).to_event().unwrap()),
            Observed::Duplicate(_)
        ));
        let stale = ledger.observe(b(1).order_key(), b(1).to_event().unwrap());
        assert!(
            matches!(stale, Observed::Stale(ref e) if e.status == billing_core::ports::PaymentStatus::Succeeded)
        );
        assert_eq!(ledger.len(), 1);
        assert!(!ledger.is_empty());
    }
}
