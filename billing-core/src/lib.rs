//! # billing-core
//!
//! The pure domain of a Ukrainian e-commerce platform's billing: money, identifiers, requisites, and
//! (as later modules land) tariffs, invoices, payments, reconciliation and documents. It does no I/O:
//! no clock, no randomness, no network, no files. Time, ids and outside facts come in as arguments.
//!
//! Parse at the edge, then pass the type:
//!
//! ```
//! use billing_core::{Edrpou, ErrorCode, Iban, InvoiceNumber, Money, TaxId};
//!
//! let buyer: TaxId = "32855961".parse()?;
//! let iban: Iban = "ua21 3223 1300 0002 6007 2335 6600 1".parse()?;
//! assert_eq!(iban.to_string(), "UA213223130000026007233566001");
//! assert_eq!(iban.bank_name(), Some("АТ «Укрексімбанк»"));
//!
//! let total: Money = "1 200,50".parse()?;
//! assert_eq!(total.to_document_string(), "1 200,50 грн");
//!
//! let number: InvoiceNumber = "HOR-11111-007".parse()?;
//! assert_eq!(number.sequence(), 7);
//!
//! let err = "32855968".parse::<Edrpou>().unwrap_err();
//! assert_eq!(err.code(), "edrpou.checksum");
//! # assert!(buyer.is_company());
//! # Ok::<(), billing_core::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(
    clippy::float_arithmetic,
    clippy::float_cmp,
    clippy::cast_precision_loss,
    clippy::lossy_float_literal
)]

pub mod account;
pub mod actor;
pub mod admin;
pub mod calendar;
pub mod contact;
pub mod documents;
pub mod error;
pub mod ids;
pub mod invoice;
pub mod money;
pub mod notification;
pub mod paperwork;
pub mod payment;
pub mod ports;
pub mod project;
pub mod reconcile;
pub mod requisites;
pub mod section;
pub mod tariff;
pub mod tax_invoice;

pub use account::{
    AccessState, Account, AccountCommand, AccountError, AccountEvent, BillingPolicy,
};
pub use actor::{Actor, Audited};
pub use admin::{
    Admin, AdminCommand, AdminError, AdminEvent, DomainError, DomainName, OwnerContact, PersonName,
    PersonNameError,
};
pub use calendar::{BillingMonth, CalendarError, PeriodSpan};
pub use contact::{Email, EmailError, Phone, PhoneError};
pub use documents::{
    amount_in_words, hryvnias_in_words, plural_form, NbuQrError, NbuQrFields, NbuQrFormat,
    PaymentQr, PluralForm,
};
pub use documents::{
    ActDocument, DocumentError, DocumentLine, InvoiceDocument, Party, TaxStatus, Vat,
};
pub use error::{Error, ErrorCode};
pub use ids::{
    InvoiceNumber, InvoiceNumberError, InvoicePrefix, ServiceCode, ServiceCodeError,
    SERVICE_CODE_WIDTH,
};
pub use invoice::{Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, VatRate};
pub use money::{Money, MoneyError, SignedMoney};
pub use notification::Notification;
pub use payment::{
    AttemptId, CardToken, Credit, CreditReason, LinkId, OutsideIdError, PaymentId, PaymentLink,
    PaymentRecord, PaymentSource, RefundId, SavedCard,
};
pub use project::{Project, ProjectCommand, ProjectError, ProjectEvent};
pub use requisites::{
    bank_name_by_mfo, is_valid_edrpou, is_valid_iban, is_valid_rnokpp, Edrpou, EdrpouError, Iban,
    IbanError, Rnokpp, RnokppError, Sex, TaxId, TaxIdError,
};
pub use tariff::{
    BillingPeriod, Feature, LimitCheck, LimitKind, LimitState, Limits, Tariff, TariffCatalog,
    TariffCode, TariffError, Usage, UsageSnapshot,
};
