//! Access to the admin panel, derived from the account and the time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Account, BillingPolicy};
use crate::calendar::kyiv_date;

/// A project's access state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessState {
    /// Nothing is owed.
    Active,
    /// An invoice is open, not yet past its due date plus grace.
    PaymentDue,
    /// An invoice is unpaid past its due date plus grace: the platform blocks the admin panel.
    Blocked,
}

impl Account {
    /// The access state at `now`: blocked exactly when an open invoice is past its due date plus
    /// the policy's grace days (Kyiv dates).
    pub fn access(&self, now: DateTime<Utc>, policy: &BillingPolicy) -> AccessState {
        let today = kyiv_date(now);
        let mut open = false;
        for inv in self.invoices.iter().filter(|i| i.is_open()) {
            if inv.is_past_grace(today, policy.grace_days) {
                return AccessState::Blocked;
            }
            open = true;
        }
        if open {
            AccessState::PaymentDue
        } else {
            AccessState::Active
        }
    }

    /// Whether the last block event left the project blocked (the state the platform was told).
    pub fn is_marked_blocked(&self) -> bool {
        self.blocked
    }
}
