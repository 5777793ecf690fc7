//! Card autopay state: the saved card, whether autopay is on, card bindings and charge attempts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::InvoiceNumber;
use crate::money::Money;
use crate::payment::{PaymentId, SavedCard};

/// Autopay: on once the first card payment succeeds, unless support stopped it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Autopay {
    /// The card autopay charges (the last card that paid or was bound).
    pub card: Option<SavedCard>,
    /// Turned on by the first successful card payment.
    pub enabled: bool,
    /// Stopped by support: invoices are payable only by bank transfer.
    pub stopped_by_support: bool,
}

impl Autopay {
    /// Whether new invoices are charged to the card.
    pub fn is_on(&self) -> bool {
        self.enabled && !self.stopped_by_support && self.card.is_some()
    }
}

/// How a card binding is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum BindingRoute {
    /// The binding pays an open invoice, and the card is saved.
    PayInvoice {
        /// The invoice.
        invoice: InvoiceNumber,
        /// What it owed.
        amount: Money,
    },
    /// A verification charge, refunded once it succeeds.
    Verification {
        /// The charge (1 UAH by default).
        amount: Money,
    },
}

/// The state of an attempt at the acquirer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    /// Sent, no answer yet.
    InFlight,
    /// Paid.
    Succeeded,
    /// Declined or failed.
    Failed,
    /// The bank asked for 3-D Secure (autopay charges only).
    Needs3ds,
}

/// A card binding attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardBinding {
    /// The route.
    pub route: BindingRoute,
    /// Its state.
    pub status: AttemptStatus,
    /// The payment, once it succeeded.
    pub payment: Option<PaymentId>,
}

/// An autopay charge attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeAttempt {
    /// The invoice charged.
    pub invoice: InvoiceNumber,
    /// 1 for the first charge, then 2, 3, … for retries.
    pub attempt_no: u32,
    /// The amount asked for.
    pub amount: Money,
    /// The Kyiv date it was requested.
    pub requested_on: NaiveDate,
    /// Its state.
    pub status: AttemptStatus,
}

/// The charge schedule of one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargePlan {
    /// The Kyiv date of the first charge (retries count from it).
    pub first_on: NaiveDate,
    /// Attempts made so far.
    pub attempts: u32,
    /// Whether an attempt awaits its answer.
    pub in_flight: bool,
    /// The next retry, if one is scheduled.
    pub next_retry_on: Option<NaiveDate>,
}
