//! Bank transfers: reading invoice numbers from a payment purpose and deciding what to do with each
//! statement line (credit it automatically, send it to support with a reason, or leave it).
//!
//! Everything here is pure. Importers (in the `billing-statements` crate) turn a bank file into
//! [`BankLine`]s; [`decide_batch`] decides them in file order against an [`InvoiceLookup`] the caller
//! implements (a map for a dry run, the engine's state for the bank job); support then resolves a
//! review line by hand with [`resolve`].
//!
//! ```
//! use std::collections::HashMap;
//! use billing_core::reconcile::{
//!     decide_batch, BankLine, Currency, Decision, InvoiceFacts, ReferenceFinder, ReviewReason,
//! };
//! use billing_core::{InvoiceNumber, InvoiceStatus, Money};
//!
//! let number: InvoiceNumber = "HOR-11111-007".parse().unwrap();
//! let invoices = HashMap::from([(number, InvoiceFacts::open("1200".parse().unwrap()))]);
//! let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
//! let lines = [
//!     BankLine::incoming("A1", date, "1200.00".parse().unwrap(), "Оплата НОР-11111-007"),
//!     BankLine::incoming("A2", date, "1200.00".parse().unwrap(), "Оплата НОР-11111-007"),
//! ];
//! let decisions = decide_batch(&lines, &invoices, &ReferenceFinder::default());
//! assert_eq!(decisions[0], Decision::AutoCredit { invoice: number, amount: lines[0].amount });
//! assert_eq!(decisions[1].review_reason(), Some(ReviewReason::InvoiceNotOpen));
//! ```

mod decide;
mod line;
mod reference;
mod resolve;

pub use decide::{
    decide_batch, decide_batch_with, Decision, EarlierCredit, IgnoreReason, InvoiceFacts,
    InvoiceLookup, Outcome, ReversalLink, ReviewReason,
};
pub use line::{BankLine, Currency, CurrencyError, Direction, LineStatus};
pub use reference::{
    is_separator, reads_as, ReferenceFinder, ReferenceIter, References, MAX_SEPARATORS,
};
pub use resolve::{resolve, ReconcileError, Resolution, ResolutionRecord};
