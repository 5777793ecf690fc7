//! # billing-core for Node
//!
//! The napi-rs binding of billing-core's foundations: the `billing-core` npm package. It converts
//! values and errors and nothing else: every rule lives in the core.
//!
//! - Value types (`Edrpou`, `Rnokpp`, `TaxId`, `Iban`, `ServiceCode`, `InvoiceNumber`, `Email`,
//!   `Phone`) are classes: the constructor parses, getters read, `toString()`/`toJSON()` give the
//!   canonical text.
//! - Money is a decimal string in JavaScript (`"1200.50"`); the `*Money*` functions parse, format and
//!   add or subtract such strings exactly.
//! - Dates are `YYYY-MM-DD` strings.
//! - Every failure is a JS `Error` whose `code` is the core's dotted code (`edrpou.checksum`) and whose
//!   message is the core's text, both unchanged: see [`to_js`] (and [`reply`] for Promises).
//! - The engine: [`engine::Engine`] (`await Engine.open(pathOrUrl, { config, clock, registry })`),
//!   one Promise-returning method per use case, on napi's tokio runtime; the billing section as
//!   typed plain objects ([`section`]); the clock and the registry lookup implementable in
//!   JavaScript ([`ports`]); instants as `Date` ([`instant`]).
//! - The document side on the same `Engine` ([`paperwork`]: requisites, Vchasno, acts, act and
//!   invoice PDFs as `Buffer`s), Vchasno implementable in JavaScript ([`vchasno`]), and the
//!   dry-run reconciliation of bank statements against invoices ([`reconcile`]).
#![deny(missing_docs)]

pub mod engine;
pub mod instant;
pub mod paperwork;
pub mod ports;
pub mod reconcile;
pub mod reply;
pub mod section;
pub mod vchasno;

use std::fmt::Display;

use billing_core as core;
use billing_core::ErrorCode;
use napi_derive::napi;

/// A result whose error becomes a JS `Error` with `.code` set to the core's dotted code.
pub type Result<T> = std::result::Result<T, napi::Error<&'static str>>;

/// The one place core errors become JS errors: `.code` is the dotted code, the message the core's
/// `Display` text.
fn to_js<E: ErrorCode + Display>(err: E) -> napi::Error<&'static str> {
    napi::Error::new(err.code(), err)
}

// ---------------------------------------------------------------------------------------------
// Predicates
// ---------------------------------------------------------------------------------------------

/// Whether `value` is a valid ЄДРПОУ (8 digits, valid check digit). Never throws.
#[napi]
pub fn is_valid_edrpou(value: String) -> bool {
    core::is_valid_edrpou(&value)
}

/// Whether `value` is a valid РНОКПП (10 digits, valid check digit). Never throws.
#[napi]
pub fn is_valid_rnokpp(value: String) -> bool {
    core::is_valid_rnokpp(&value)
}

/// Whether `value` is a valid IBAN, in electronic or print form, in any case. Never throws.
#[napi]
pub fn is_valid_iban(value: String) -> bool {
    core::is_valid_iban(&value)
}

/// `isValidEdrpou` over an array in one call: one boolean per value, in order.
#[napi]
pub fn is_valid_edrpou_batch(values: Vec<String>) -> Vec<bool> {
    values.iter().map(|v| core::is_valid_edrpou(v)).collect()
}

/// `isValidRnokpp` over an array in one call: one boolean per value, in order.
#[napi]
pub fn is_valid_rnokpp_batch(values: Vec<String>) -> Vec<bool> {
    values.iter().map(|v| core::is_valid_rnokpp(v)).collect()
}

/// `isValidIban` over an array in one call: one boolean per value, in order.
#[napi]
pub fn is_valid_iban_batch(values: Vec<String>) -> Vec<bool> {
    values.iter().map(|v| core::is_valid_iban(v)).collect()
}

// ---------------------------------------------------------------------------------------------
// Money: decimal strings
// ---------------------------------------------------------------------------------------------

fn money(amount: &str) -> Result<core::Money> {
    amount.parse::<core::Money>().map_err(to_js)
}

/// Parses a typed amount to its canonical decimal string: `"1 200,50"` → `"1200.50"`.
///
/// Accepts `1200`, `1200.5`, `1200,50`, `1 200,50` (plain, non-breaking or narrow non-breaking
/// spaces between groups of three); from 0.00 to 999 999 999.99. Throws `money.*` errors.
#[napi]
pub fn parse_money(input: String) -> Result<String> {
    Ok(money(&input)?.to_string())
}

/// The amount as Ukrainian documents print it: `"1200.5"` → `"1 200,50 грн"`.
#[napi]
pub fn money_to_document_string(amount: String) -> Result<String> {
    Ok(money(&amount)?.to_document_string())
}

/// The amount in kopiyky: `"1200.50"` → `120050` (at most 99 999 999 999, a safe integer).
#[napi]
pub fn money_to_kopiyky(amount: String) -> Result<i64> {
    Ok(money(&amount)?.kopiyky())
}

/// The exact sum `a + b` as a canonical decimal string; throws `money.overflow` above the maximum.
#[napi]
pub fn add_money(a: String, b: String) -> Result<String> {
    Ok(money(&a)?
        .checked_add(money(&b)?)
        .map_err(to_js)?
        .to_string())
}

/// The exact difference `a - b` as a canonical decimal string; throws `money.negative` below zero.
#[napi]
pub fn subtract_money(a: String, b: String) -> Result<String> {
    Ok(money(&a)?
        .checked_sub(money(&b)?)
        .map_err(to_js)?
        .to_string())
}

// ---------------------------------------------------------------------------------------------
// Value classes
// ---------------------------------------------------------------------------------------------

/// A company's ЄДРПОУ: 8 digits with a valid check digit; leading zeros are significant.
#[napi]
pub struct Edrpou(core::Edrpou);

#[napi]
impl Edrpou {
    /// Parses exactly 8 ASCII digits with a valid check digit; throws `edrpou.*` errors.
    #[napi(constructor)]
    pub fn new(input: String) -> Result<Self> {
        input.parse().map(Self).map_err(to_js)
    }

    /// The code, e.g. `"00032129"`.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        self.0.to_string()
    }

    /// The code, for `JSON.stringify`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.0.to_string()
    }
}

/// A person's РНОКПП (formerly ІПН): 10 digits with a valid check digit.
#[napi]
pub struct Rnokpp(core::Rnokpp);

#[napi]
impl Rnokpp {
    /// Parses exactly 10 ASCII digits with a valid check digit; throws `rnokpp.*` errors.
    #[napi(constructor)]
    pub fn new(input: String) -> Result<Self> {
        input.parse().map(Self).map_err(to_js)
    }

    /// The birth date encoded in the first five digits, as `YYYY-MM-DD`.
    #[napi(getter)]
    pub fn birth_date(&self) -> String {
        self.0.birth_date().format("%Y-%m-%d").to_string()
    }

    /// The sex encoded in the ninth digit.
    #[napi(getter, ts_return_type = "'male' | 'female'")]
    pub fn sex(&self) -> &'static str {
        match self.0.sex() {
            core::Sex::Male => "male",
            core::Sex::Female => "female",
        }
    }

    /// The number, e.g. `"3652504575"`.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        self.0.to_string()
    }

    /// The number, for `JSON.stringify`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.0.to_string()
    }
}

/// A payer's tax id: a company's ЄДРПОУ (8 digits) or a sole proprietor's (ФОП) РНОКПП (10 digits).
#[napi]
pub struct TaxId(core::TaxId);

#[napi]
impl TaxId {
    /// Parses by length: 8 characters as ЄДРПОУ, 10 as РНОКПП; throws `tax_id.length`, `edrpou.*`
    /// or `rnokpp.*` errors.
    #[napi(constructor)]
    pub fn new(input: String) -> Result<Self> {
        input.parse().map(Self).map_err(to_js)
    }

    /// `'company'` for a ЄДРПОУ, `'sole_proprietor'` for a РНОКПП.
    #[napi(getter, ts_return_type = "'company' | 'sole_proprietor'")]
    pub fn kind(&self) -> &'static str {
        match self.0 {
            core::TaxId::Company(_) => "company",
            core::TaxId::SoleProprietor(_) => "sole_proprietor",
        }
    }

    /// The code, e.g. `"32855961"`.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        self.0.to_string()
    }

    /// The code, for `JSON.stringify`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.0.to_string()
    }
}

/// A valid IBAN, normalised to the electronic form in upper case.
#[napi]
pub struct Iban(core::Iban);

#[napi]
impl Iban {
    /// Parses the electronic form or the print form in groups of four, in any case; throws `iban.*`
    /// errors.
    #[napi(constructor)]
    pub fn new(input: String) -> Result<Self> {
        input.parse().map(Self).map_err(to_js)
    }

    /// The electronic form: `"UA213223130000026007233566001"`.
    #[napi(getter)]
    pub fn electronic(&self) -> String {
        self.0.to_string()
    }

    /// The print form in groups of four: `"UA21 3223 1300 0002 6007 2335 6600 1"`.
    #[napi(getter)]
    pub fn print_form(&self) -> String {
        self.0.to_print_string()
    }

    /// The ISO country code, e.g. `"UA"`.
    #[napi(getter)]
    pub fn country_code(&self) -> String {
        self.0.country_code().to_string()
    }

    /// Whether the account is in a Ukrainian bank.
    #[napi(getter)]
    pub fn is_ukrainian(&self) -> bool {
        self.0.is_ukrainian()
    }

    /// The Ukrainian bank code (МФО), or `null` for a foreign IBAN.
    #[napi(getter)]
    pub fn mfo(&self) -> Option<String> {
        self.0.mfo().map(str::to_string)
    }

    /// The bank's name, or `null` when the bank is foreign or not in the shipped table.
    #[napi(getter)]
    pub fn bank_name(&self) -> Option<&'static str> {
        self.0.bank_name()
    }

    /// The electronic form.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        self.0.to_string()
    }

    /// The electronic form, for `JSON.stringify`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.0.to_string()
    }
}

/// A project's service code: exactly five digits, leading zeros kept (`"00042"`).
#[napi]
pub struct ServiceCode(core::ServiceCode);

#[napi]
impl ServiceCode {
    /// Parses exactly five ASCII digits; throws `service_code.*` errors.
    #[napi(constructor)]
    pub fn new(input: String) -> Result<Self> {
        input.parse().map(Self).map_err(to_js)
    }

    /// The numeric value: `"00042"` is `42`.
    #[napi(getter)]
    pub fn value(&self) -> u32 {
        self.0.value()
    }

    /// The code with its leading zeros, e.g. `"00042"`.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        self.0.to_string()
    }

    /// The code, for `JSON.stringify`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.0.to_string()
    }
}

/// An invoice number, `HOR-11111-007`: prefix, service code, per-project sequence (from 1).
#[napi]
pub struct InvoiceNumber(core::InvoiceNumber);

#[napi]
impl InvoiceNumber {
    /// Parses the canonical form `PREFIX-NNNNN-SSS` only; throws `invoice_number.*` or
    /// `service_code.*` errors.
    #[napi(constructor)]
    pub fn new(input: String) -> Result<Self> {
        input.parse().map(Self).map_err(to_js)
    }

    /// The prefix: 2 to 5 Latin capitals, e.g. `"HOR"`.
    #[napi(getter)]
    pub fn prefix(&self) -> String {
        self.0.prefix().to_string()
    }

    /// The project's service code, e.g. `"11111"`.
    #[napi(getter)]
    pub fn service_code(&self) -> String {
        self.0.service_code().to_string()
    }

    /// The per-project sequence, from 1: `"HOR-11111-007"` has `7`.
    #[napi(getter)]
    pub fn sequence(&self) -> u32 {
        self.0.sequence()
    }

    /// The canonical form, e.g. `"HOR-11111-007"`.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        self.0.to_string()
    }

    /// The canonical form, for `JSON.stringify`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.0.to_string()
    }
}

/// An email address: `local@domain`, the domain lower-cased, surrounding spaces trimmed.
#[napi]
pub struct Email(core::Email);

#[napi]
impl Email {
    /// Parses an address; throws `email.*` errors.
    #[napi(constructor)]
    pub fn new(input: String) -> Result<Self> {
        input.parse().map(Self).map_err(to_js)
    }

    /// Whether both addresses name the same mailbox (compared without regard to case).
    #[napi]
    pub fn same_mailbox(&self, other: &Email) -> bool {
        self.0.same_mailbox(&other.0)
    }

    /// The normalised address, e.g. `"Owner@shop.com.ua"`.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        self.0.to_string()
    }

    /// The normalised address, for `JSON.stringify`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.0.to_string()
    }
}

/// A phone number, normalised to E.164 (`"+380501234567"`).
#[napi]
pub struct Phone(core::Phone);

#[napi]
impl Phone {
    /// Parses a Ukrainian number as people write it (`050 123 45 67`, `(050) 123-45-67`,
    /// `+380501234567`) or a foreign one with `+` and the country code; throws `phone.format`.
    #[napi(constructor)]
    pub fn new(input: String) -> Result<Self> {
        input.parse().map(Self).map_err(to_js)
    }

    /// The E.164 form, e.g. `"+380501234567"`.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        self.0.to_string()
    }

    /// The E.164 form, for `JSON.stringify`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.0.to_string()
    }
}
