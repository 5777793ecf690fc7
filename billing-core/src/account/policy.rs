//! The billing configuration: one value for the platform, passed to every decision.

use serde::{Deserialize, Serialize};

use crate::ids::InvoicePrefix;
use crate::invoice::VatRate;
use crate::money::Money;

/// How the platform bills. `Default` is the platform's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPolicy {
    /// The invoice number prefix (`HOR`).
    pub invoice_prefix: InvoicePrefix,
    /// Days from issue to the due date (default 7).
    pub due_days: u32,
    /// Days after the due date before the admin panel is blocked (default 3).
    pub grace_days: u32,
    /// The VAT rate (default 20%, included in the total).
    pub vat_rate: VatRate,
    /// Days after the first autopay charge on which a failed charge is retried (default 1, 3, 5).
    pub retry_days: Vec<u32>,
    /// How long a payment link is offered, in minutes (default 30).
    pub link_validity_minutes: u32,
    /// The card verification charge, refunded once it succeeds (default 1 UAH).
    pub verification_amount: Money,
    /// Days before the due date on which the owner is reminded of an unpaid invoice; 0 is the due
    /// date itself (default 3 and 0).
    pub reminder_days_before_due: Vec<u32>,
}

impl Default for BillingPolicy {
    fn default() -> Self {
        BillingPolicy {
            invoice_prefix: InvoicePrefix::DEFAULT,
            due_days: 7,
            grace_days: 3,
            vat_rate: VatRate::Standard20,
            retry_days: vec![1, 3, 5],
            link_validity_minutes: 30,
            verification_amount: Money::from_kopiyky(100).unwrap_or(Money::ZERO),
            reminder_days_before_due: vec![3, 0],
        }
    }
}

impl BillingPolicy {
    /// The link validity as a duration.
    pub fn link_validity(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.link_validity_minutes))
    }
}
