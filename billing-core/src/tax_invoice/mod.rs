//! Tax invoices (податкові накладні, ПН) and their corrections (розрахунки коригування, РК) for a
//! VAT-paying seller, derived deterministically from a project's history.
//!
//! # From history to tax documents
//! 1. [`facts_from_events`] reads a project's event stream (with each event's time) and returns the
//!    tax facts, in stream order: money applied to an invoice (a card charge, a link payment, a bank
//!    transfer, a credit applied), act lines, refunds and moves of money that was paid on a cancelled
//!    invoice, and cancellations. Each invoice is one **supply**.
//! 2. [`derive`] turns the facts into [`TaxDraft`]s. For each supply the taxed amount follows
//!    `max(money kept for it, amount acted)`: a rise makes a ПН for the difference, dated on the
//!    fact's date (the **first event** rule, ПКУ п.187.1); a fall makes РК that reduce the latest ПН
//!    first. So a prepayment makes the ПН and the later act makes nothing (or the other way round),
//!    a partial payment makes a ПН for its part, and no kopiyka of a supply is in two ПН.
//! 3. The engine numbers the drafts not issued yet and records them with [`TaxCommand::Issue`] as
//!    [`TaxEvent::Issued`] events in the project's stream (the audit trail); [`TaxLedger`] is the
//!    state they build. A draft's `key` names its triggering fact, so issuing is idempotent.
//!
//! Decisions made here (see `../shared/reference/tax-and-registry.md`, part A, for what is
//! unconfirmed):
//! - Money that is not applied to an invoice (an overpayment, an unallocated transfer, the 1 UAH card
//!   verification) is not yet a payment for a supply: its ПН comes when it is applied to an invoice
//!   (dated on that day), and its refund needs no РК.
//! - A cancelled invoice whose paid money is kept as a credit keeps its ПН: the money is still with
//!   the seller. [`Derivation::attention`] lists it for support ([`CorrectionNeeded`]). A refund of
//!   that credit makes a РК (dated on the refund's completion); applying it to another invoice makes
//!   a РК to the first supply and a ПН for the second, both on that day.
//! - Facts are taken in stream order: a fact recorded later but dated earlier (an act dated on the
//!   month's last day, drawn up after a late payment) does not move a ПН already derived.
//!
//! # VAT, to the kopiyka
//! VAT is included in every amount (20/120, rounded half away from zero, as on invoices). Within a
//! supply the VAT of each ПН or РК is the difference of the rounded VAT of the running taxed amount:
//! `vat = V(after) − V(before)` with `V(x) = round(x × 20 / 120)`. The VAT of a supply's ПН less its
//! РК is therefore exactly `V(taxed amount)`: for a fully paid invoice, exactly the invoice's VAT.
//!
//! # Numbering
//! One sequence of the seller across all projects, for ПН and РК alike, starting at 1 and never
//! reused; the pure code takes the next free number as an argument ([`TaxCommand::Issue`]).
//!
//! ```
//! use billing_core::tax_invoice::{derive, FactKind, Supply, TaxFact, DraftKind};
//! use billing_core::invoice::VatRate;
//! use chrono::NaiveDate;
//! use std::collections::BTreeMap;
//!
//! let n = "HOR-11111-001".parse()?;
//! let supplies = BTreeMap::from([(n, Supply {
//!     invoice: n,
//!     description: "Доступ до платформи".into(),
//!     total: "1200".parse()?,
//!     vat_rate: VatRate::Standard20,
//! })]);
//! let d = |day| NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
//! let facts = vec![
//!     TaxFact { key: "pay:p1".into(), supply: n, on: d(2), kind: FactKind::Paid { amount: "500".parse()? } },
//!     TaxFact { key: "pay:p2".into(), supply: n, on: d(9), kind: FactKind::Paid { amount: "700".parse()? } },
//!     TaxFact { key: "act:a1".into(), supply: n, on: d(31), kind: FactKind::Supplied { amount: "1200".parse()? } },
//! ];
//! let out = derive(&facts, &supplies)?;
//! assert_eq!(out.drafts.len(), 2); // one ПН per partial payment, none for the act
//! assert!(out.drafts.iter().all(|d| d.kind == DraftKind::TaxInvoice));
//! assert_eq!(out.drafts[0].vat.to_string(), "83.33");
//! assert_eq!(out.drafts[1].vat.to_string(), "116.67"); // 200.00 in all, the invoice's VAT
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod deadline;
mod derive;
mod facts;
mod ledger;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::InvoiceNumber;
use crate::invoice::VatRate;
use crate::money::{Money, MoneyError};

pub use deadline::{tax_due, Deadline, DeadlineRule, DeadlineTable, Due, DueItem};
pub use derive::{derive, vat_of};
pub use facts::facts_from_events;
pub use ledger::{
    TaxBuyer, TaxCommand, TaxDocKind, TaxEvent, TaxInvoice, TaxLedger, NON_PAYER_IPN,
};

/// A supply: one invoice, as far as tax documents need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supply {
    /// The invoice.
    pub invoice: InvoiceNumber,
    /// What is supplied, as a tax document row names it.
    pub description: String,
    /// The invoice total, VAT included.
    pub total: Money,
    /// The invoice's VAT rate: only [`VatRate::Standard20`] supplies get tax documents.
    pub vat_rate: VatRate,
}

/// Why money of a supply went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "how", content = "to", rename_all = "snake_case")]
pub enum ReturnReason {
    /// Refunded to the buyer.
    Refund,
    /// Applied to another invoice (money kept from a cancelled one).
    MovedTo(InvoiceNumber),
}

/// What a tax fact says about its supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FactKind {
    /// Money for the supply reached the seller (or a credit was applied to it): a prepayment.
    Paid {
        /// The amount, VAT included.
        amount: Money,
    },
    /// An act confirms the supply of `amount` (VAT included).
    Supplied {
        /// The amount.
        amount: Money,
    },
    /// Money paid for the supply is no longer kept for it.
    Returned {
        /// The amount.
        amount: Money,
        /// Where it went.
        reason: ReturnReason,
    },
    /// The supply was cancelled (its paid money, if any, is kept as a credit).
    Cancelled,
}

/// One tax fact: a dated event of one supply, with a key unique in the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxFact {
    /// Unique in the project and stable (`pay:<payment id>`, `act:<act>:<invoice>`, ...).
    pub key: String,
    /// The supply.
    pub supply: InvoiceNumber,
    /// The Kyiv date of the event.
    pub on: NaiveDate,
    /// What happened.
    pub kind: FactKind,
}

/// What triggered a tax document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A payment (or an applied credit): the ПН of a prepayment.
    Payment,
    /// An act: the ПН of a supply made before payment.
    Act,
    /// A refund: a РК.
    Refund,
    /// Money moved to another invoice: a РК.
    Moved,
}

/// Whether a draft is a ПН or a РК.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DraftKind {
    /// A tax invoice (ПН).
    TaxInvoice,
    /// A correction (РК) that reduces the ПН drafted under `corrects` (its key).
    Correction {
        /// The key of the ПН it corrects.
        corrects: String,
    },
}

/// A tax document that the history calls for, not numbered yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxDraft {
    /// `pn:<fact key>` for a ПН, `rk:<fact key>:<ПН key>` for a РК: unique and stable.
    pub key: String,
    /// ПН or РК.
    pub kind: DraftKind,
    /// The supply.
    pub supply: InvoiceNumber,
    /// The row's text.
    pub description: String,
    /// The document's date: the triggering fact's date.
    pub date: NaiveDate,
    /// The amount, VAT included (for a РК: the reduction, as a positive amount).
    pub amount: Money,
    /// The VAT in it (for a РК: the reduction, as a positive amount).
    pub vat: Money,
    /// What triggered it.
    pub trigger: Trigger,
}

impl TaxDraft {
    /// The amount without VAT (the tax base).
    pub fn base(&self) -> Money {
        self.amount.saturating_sub(self.vat)
    }
}

/// A cancelled supply whose taxed money is still kept by the seller (as a credit): support decides
/// (refund it, and a РК follows; or apply it to another invoice, and a РК and a ПН follow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionNeeded {
    /// The cancelled supply.
    pub supply: InvoiceNumber,
    /// The taxed amount not backed by an act, VAT included.
    pub amount: Money,
    /// The keys of the ПН that still carry it.
    pub tax_invoices: Vec<String>,
    /// When the supply was cancelled.
    pub cancelled_on: NaiveDate,
}

/// The tax documents a history calls for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derivation {
    /// Every ПН and РК, in the order of their facts.
    pub drafts: Vec<TaxDraft>,
    /// Cancelled supplies that still need support's decision.
    pub attention: Vec<CorrectionNeeded>,
}

/// Why tax documents could not be derived or recorded. Nothing changes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxInvoiceError {
    /// A fact names a supply that is not known.
    #[error("tax fact {key} names an unknown invoice {supply}")]
    UnknownSupply {
        /// The fact's key.
        key: String,
        /// The supply.
        supply: InvoiceNumber,
    },
    /// Two facts with the same key.
    #[error("tax fact key {key} appears twice")]
    DuplicateFact {
        /// The key.
        key: String,
    },
    /// Money was taken off a supply that did not have it.
    #[error("tax fact {key} takes {amount} off {supply}, which kept less")]
    MoreThanKept {
        /// The fact's key.
        key: String,
        /// The supply.
        supply: InvoiceNumber,
        /// The amount.
        amount: Money,
    },
    /// The next free number must be at least 1.
    #[error("tax invoice numbers start at 1")]
    NumberZero,
    /// A number is already used in this project.
    #[error("tax invoice number {number} is already used")]
    NumberUsed {
        /// The number.
        number: u64,
    },
    /// A РК corrects a ПН that is neither issued nor in the same batch.
    #[error("the correction {key} names a tax invoice {corrects} that is not issued")]
    UnknownTarget {
        /// The РК's key.
        key: String,
        /// The ПН's key.
        corrects: String,
    },
    /// No tax document with that number.
    #[error("no tax document number {number} in this project")]
    Unknown {
        /// The number.
        number: u64,
    },
    /// Registered already, on another date.
    #[error("tax document {number} was already registered on {on}")]
    AlreadyRegistered {
        /// The number.
        number: u64,
        /// The date recorded.
        on: NaiveDate,
    },
    /// The buyer's VAT number is not 12 digits, or does not start with the ЄДРПОУ's first 7.
    #[error("the buyer's VAT number {input:?} is not valid for {tax_id}")]
    BuyerVatNumber {
        /// The number as given.
        input: String,
        /// The buyer's ЄДРПОУ or РНОКПП.
        tax_id: String,
    },
    /// An amount overflowed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl ErrorCode for TaxInvoiceError {
    fn code(&self) -> &'static str {
        match self {
            TaxInvoiceError::UnknownSupply { .. } => "tax_invoice.unknown_supply",
            TaxInvoiceError::DuplicateFact { .. } => "tax_invoice.duplicate_fact",
            TaxInvoiceError::MoreThanKept { .. } => "tax_invoice.more_than_kept",
            TaxInvoiceError::NumberZero => "tax_invoice.number_zero",
            TaxInvoiceError::NumberUsed { .. } => "tax_invoice.number_used",
            TaxInvoiceError::UnknownTarget { .. } => "tax_invoice.unknown_target",
            TaxInvoiceError::Unknown { .. } => "tax_invoice.unknown",
            TaxInvoiceError::AlreadyRegistered { .. } => "tax_invoice.already_registered",
            TaxInvoiceError::BuyerVatNumber { .. } => "tax_invoice.buyer_vat_number",
            TaxInvoiceError::Money(e) => e.code(),
        }
    }

    fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            TaxInvoiceError::NumberZero | TaxInvoiceError::BuyerVatNumber { .. }
        )
    }
}
