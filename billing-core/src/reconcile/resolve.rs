//! Support's resolution of a review line, by hand: credit it to an invoice (partially or in full)
//! from the payer's receipt, or mark it as not ours. The record says who did it and when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::decide::{Decision, InvoiceLookup};
use super::line::BankLine;
use crate::actor::Actor;
use crate::error::ErrorCode;
use crate::ids::InvoiceNumber;
use crate::invoice::InvoiceStatus;
use crate::money::Money;

/// Why a resolution was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReconcileError {
    /// Only support resolves review lines.
    #[error("only support resolves bank lines")]
    SupportOnly,
    /// The line is not waiting for review.
    #[error("bank line {id} is not under review")]
    NotUnderReview {
        /// The line's transaction id.
        id: String,
    },
    /// A reversal or a non-hryvnia line cannot be credited to an invoice.
    #[error("bank line {id} cannot be credited to an invoice")]
    NotCreditable {
        /// The line's transaction id.
        id: String,
    },
    /// No such invoice.
    #[error("no invoice {invoice}")]
    UnknownInvoice {
        /// The invoice named.
        invoice: InvoiceNumber,
    },
    /// The invoice is paid or cancelled.
    #[error("invoice {invoice} is not open")]
    InvoiceNotOpen {
        /// The invoice named.
        invoice: InvoiceNumber,
    },
    /// Zero, or more than the line brought.
    #[error("amount {amount} must be above zero and at most the line's {line_amount}")]
    Amount {
        /// The amount to credit.
        amount: Money,
        /// The line's amount.
        line_amount: Money,
    },
    /// More than the invoice still owes.
    #[error("amount {amount} is more than the {owed} still owed on {invoice}")]
    AboveOwed {
        /// The invoice named.
        invoice: InvoiceNumber,
        /// The amount to credit.
        amount: Money,
        /// What the invoice still owes.
        owed: Money,
    },
}

impl ErrorCode for ReconcileError {
    fn code(&self) -> &'static str {
        match self {
            ReconcileError::SupportOnly => "reconcile.support_only",
            ReconcileError::NotUnderReview { .. } => "reconcile.not_under_review",
            ReconcileError::NotCreditable { .. } => "reconcile.not_creditable",
            ReconcileError::UnknownInvoice { .. } => "reconcile.unknown_invoice",
            ReconcileError::InvoiceNotOpen { .. } => "reconcile.invoice_not_open",
            ReconcileError::Amount { .. } => "reconcile.amount",
            ReconcileError::AboveOwed { .. } => "reconcile.above_owed",
        }
    }

    fn is_invalid_input(&self) -> bool {
        matches!(self, ReconcileError::Amount { .. })
    }
}

/// What support decided for a review line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolution {
    /// Credit `amount` of the line to `invoice` (the payer's receipt names it).
    Credit {
        /// The invoice.
        invoice: InvoiceNumber,
        /// How much of the line (at most the line's amount and what the invoice owes).
        amount: Money,
    },
    /// Not a payment of ours (or a reversal acknowledged): nothing is credited.
    NotOurs {
        /// Support's note.
        note: String,
    },
}

/// A resolution as recorded: which line, what, who and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionRecord {
    /// The line's transaction id.
    pub line_id: String,
    /// What was decided.
    pub resolution: Resolution,
    /// Whether a credit leaves part of the invoice still owed.
    pub partial: bool,
    /// The part of the line not credited (kept for support to refund or apply).
    pub unapplied: Money,
    /// Who resolved it (a support agent).
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// Checks support's resolution of a review line against the invoice as it is now, and records it.
pub fn resolve<L: InvoiceLookup + ?Sized>(
    line: &BankLine<'_>,
    decision: &Decision,
    resolution: Resolution,
    lookup: &L,
    actor: Actor,
    at: DateTime<Utc>,
) -> Result<ResolutionRecord, ReconcileError> {
    if !matches!(actor, Actor::Support { .. }) {
        return Err(ReconcileError::SupportOnly);
    }
    let Decision::Review { .. } = decision else {
        return Err(ReconcileError::NotUnderReview {
            id: line.id.to_string(),
        });
    };
    let (partial, unapplied) = match &resolution {
        Resolution::NotOurs { .. } => (false, line.amount),
        Resolution::Credit { invoice, amount } => {
            if line.reversal || !line.is_incoming() || !line.currency.is_uah() {
                return Err(ReconcileError::NotCreditable {
                    id: line.id.to_string(),
                });
            }
            if amount.is_zero() || *amount > line.amount {
                return Err(ReconcileError::Amount {
                    amount: *amount,
                    line_amount: line.amount,
                });
            }
            let facts = lookup
                .invoice(invoice)
                .ok_or(ReconcileError::UnknownInvoice { invoice: *invoice })?;
            if facts.status != InvoiceStatus::Open || facts.owed.is_zero() {
                return Err(ReconcileError::InvoiceNotOpen { invoice: *invoice });
            }
            if *amount > facts.owed {
                return Err(ReconcileError::AboveOwed {
                    invoice: *invoice,
                    amount: *amount,
                    owed: facts.owed,
                });
            }
            (*amount < facts.owed, line.amount.saturating_sub(*amount))
        }
    };
    Ok(ResolutionRecord {
        line_id: line.id.to_string(),
        resolution,
        partial,
        unapplied,
        actor,
        at,
    })
}
