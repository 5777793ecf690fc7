//! Errors: one `thiserror` enum per area, each variant with a stable dotted code.
//!
//! A code (`edrpou.checksum`, `money.too_many_decimals`) never changes meaning once released; the
//! message may be reworded. Bindings map [`Error`] in one place each, so every language sees the same
//! code and message.

use crate::account::AccountError;
use crate::admin::{AdminError, DomainError, PersonNameError};
use crate::calendar::CalendarError;
use crate::contact::{EmailError, PhoneError};
use crate::ids::{InvoiceNumberError, ServiceCodeError};
use crate::money::MoneyError;
use crate::paperwork::PaperworkError;
use crate::payment::OutsideIdError;
use crate::reconcile::{CurrencyError, ReconcileError};
use crate::requisites::{EdrpouError, IbanError, RnokppError, TaxIdError};
use crate::tariff::TariffError;
use crate::tax_invoice::TaxInvoiceError;

/// A stable, machine-readable error code such as `edrpou.checksum`.
pub trait ErrorCode {
    /// The dotted code: `<area>.<reason>`.
    fn code(&self) -> &'static str;

    /// Whether the error is caused by bad input (as opposed to a refused action or an outside failure).
    fn is_invalid_input(&self) -> bool {
        true
    }
}

/// Any error of the core, for callers (the CLI, bindings) that handle them in one place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A bad money amount.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// A bad service code.
    #[error(transparent)]
    ServiceCode(#[from] ServiceCodeError),
    /// A bad invoice number.
    #[error(transparent)]
    InvoiceNumber(#[from] InvoiceNumberError),
    /// A bad ЄДРПОУ.
    #[error(transparent)]
    Edrpou(#[from] EdrpouError),
    /// A bad РНОКПП.
    #[error(transparent)]
    Rnokpp(#[from] RnokppError),
    /// A bad ЄДРПОУ-or-РНОКПП.
    #[error(transparent)]
    TaxId(#[from] TaxIdError),
    /// A bad IBAN.
    #[error(transparent)]
    Iban(#[from] IbanError),
    /// A bad email address.
    #[error(transparent)]
    Email(#[from] EmailError),
    /// A bad phone number.
    #[error(transparent)]
    Phone(#[from] PhoneError),
    /// A bad domain name.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// A bad full name (ПІБ).
    #[error(transparent)]
    PersonName(#[from] PersonNameError),
    /// A refused administration command.
    #[error(transparent)]
    Admin(#[from] AdminError),
    /// A refused billing account command.
    #[error(transparent)]
    Account(#[from] AccountError),
    /// A bad tariff, catalog or tariff change.
    #[error(transparent)]
    Tariff(#[from] TariffError),
    /// A bad billing month.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A bad outside id (payment, attempt, link or refund id).
    #[error(transparent)]
    OutsideId(#[from] OutsideIdError),
    /// A bad currency code.
    #[error(transparent)]
    Currency(#[from] CurrencyError),
    /// A refused resolution of a bank line.
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
    /// A refused document-side command (requisites, Vchasno, acts).
    #[error(transparent)]
    Paperwork(#[from] PaperworkError),
    /// A refused tax document command (ПН, РК).
    #[error(transparent)]
    TaxInvoice(#[from] TaxInvoiceError),
}

impl ErrorCode for Error {
    fn code(&self) -> &'static str {
        match self {
            Error::Money(e) => e.code(),
            Error::ServiceCode(e) => e.code(),
            Error::InvoiceNumber(e) => e.code(),
            Error::Edrpou(e) => e.code(),
            Error::Rnokpp(e) => e.code(),
            Error::TaxId(e) => e.code(),
            Error::Iban(e) => e.code(),
            Error::Email(e) => e.code(),
            Error::Phone(e) => e.code(),
            Error::Domain(e) => e.code(),
            Error::PersonName(e) => e.code(),
            Error::Admin(e) => e.code(),
            Error::Account(e) => e.code(),
            Error::Tariff(e) => e.code(),
            Error::Calendar(e) => e.code(),
            Error::OutsideId(e) => e.code(),
            Error::Currency(e) => e.code(),
            Error::Reconcile(e) => e.code(),
            Error::Paperwork(e) => e.code(),
            Error::TaxInvoice(e) => e.code(),
        }
    }

    fn is_invalid_input(&self) -> bool {
        match self {
            Error::Money(e) => e.is_invalid_input(),
            Error::Admin(e) => e.is_invalid_input(),
            Error::Account(e) => e.is_invalid_input(),
            Error::Tariff(e) => e.is_invalid_input(),
            Error::Reconcile(e) => e.is_invalid_input(),
            Error::Paperwork(e) => e.is_invalid_input(),
            Error::TaxInvoice(e) => e.is_invalid_input(),
            _ => true,
        }
    }
}
