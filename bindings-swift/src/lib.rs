//! # billing-core-swift (`billing_ffi`)
//!
//! The uniffi face of [`billing_core`]'s foundations: the Swift module `BillingCore` (and, from the
//! same library, Kotlin and Python). Every function here parses or formats through the core and maps
//! its result; the rules live in the core only.
//!
//! - Requisites: [`parse_edrpou`], [`parse_rnokpp`], [`parse_tax_id`], [`parse_iban`] and the
//!   allocation-free predicates [`is_valid_edrpou`], [`is_valid_rnokpp`], [`is_valid_iban`].
//! - Money: [`parse_money`], [`format_money_document`] and [`format_money_grouped`], on `Decimal`
//!   (`Foundation.Decimal` in Swift, `decimal.Decimal` in Python), never a float.
//! - Documents: [`amount_in_words`] and the NBU payment QR code, [`payment_qr`].
//! - The billing section as a typed read model: [`decode_billing_section`] decodes the JSON the
//!   engine produces for the backend's API into [`BillingSection`] through the core's own serde
//!   definition; [`load_billing_section`] awaits the JSON from a host [`BillingSectionSource`].
//! - The requisites form as the owner types it: [`check_requisites`] names every bad field with the
//!   core's code (the same check the backend runs on "Save").
//! - Identifiers and contacts: [`parse_service_code`], [`parse_invoice_number`], [`parse_email`],
//!   [`parse_phone`].
//! - Time: the [`Clock`] port, implemented by the host, and [`today_in_kyiv`].
//!
//! Every failure is a [`BillingError`] carrying the core's dotted `code` and `message` unchanged.
//! There is no engine here: the apps never hold the acquirer's or Vchasno's secrets or a database.
//!
//! ```
//! use billing_ffi::{parse_iban, parse_money, format_money_document, BillingError};
//!
//! let iban = parse_iban("ua21 3223 1300 0002 6007 2335 6600 1")?;
//! assert_eq!(iban.electronic, "UA213223130000026007233566001");
//! assert_eq!(iban.bank_name.as_deref(), Some("АТ «Укрексімбанк»"));
//!
//! let amount = parse_money("1 200,5")?;
//! assert_eq!(format_money_document(amount)?, "1 200,50 грн");
//!
//! let err = billing_ffi::parse_edrpou("32855968").unwrap_err();
//! assert_eq!(err.code(), "edrpou.checksum");
//! # Ok::<(), BillingError>(())
//! ```
#![deny(missing_docs)]

uniffi::setup_scaffolding!();

mod clock;
mod contact;
mod documents;
mod error;
mod ids;
mod money;
mod paperwork;
mod requisites;
mod section;
mod types;

pub use clock::{today_in_kyiv, Clock};
pub use contact::{parse_email, parse_phone};
pub use documents::{amount_in_words, payment_qr, PaymentQrCode, PaymentQrRequest};
pub use error::{
    BillingError, CODE_CALLBACK_FAILED, CODE_SECTION_JSON, CODE_SECTION_SCHEMA,
    CODE_TIMESTAMP_OUT_OF_RANGE,
};
pub use ids::{parse_invoice_number, parse_service_code, InvoiceNumber};
pub use money::{format_money_document, format_money_grouped, parse_money};
pub use paperwork::{check_requisites, RequisitesFieldError, RequisitesForm};
pub use requisites::{
    is_valid_edrpou, is_valid_iban, is_valid_rnokpp, parse_edrpou, parse_iban, parse_rnokpp,
    parse_tax_id, Edrpou, Iban, Rnokpp, TaxId,
};
pub use section::{
    decode_billing_section, load_billing_section, BillingSection, BillingSectionSource,
    SectionContracts, SectionDomain, SectionFeature, SectionInvoice, SectionLine, SectionLink,
    SectionOwner, SectionPaymentMethod, SectionPersonalContract, SectionTariff,
};
pub use types::CalendarDate;
