//! The billing section (розділ «Оплата») as a typed read model for the mobile apps.
//!
//! The backend serves the JSON that the engine's `billing_section` produces
//! ([`billing_core::section::BillingSection`] through serde). The apps decode it here, with the same
//! serde definition, into the core's type, and only then convert it to the records below: one Rust
//! definition on both sides, so the app and the backend cannot drift. The conversions destructure the
//! core's structs without `..`, so a field added to the core does not compile here until it is
//! mapped. The enums (`AccessState`, `InvoiceStatus`, `LimitState`) and `LimitCheck` are the core's
//! own types, exported as they are.
//!
//! Nothing here decides anything: what is owed, overdue or blocked was decided by the engine.
//!
//! Host types: money is `Decimal` (`Foundation.Decimal`), instants are `SystemTime` (`Date`),
//! calendar days are [`CalendarDate`] (`YYYY-MM-DD` text in Swift).

use std::sync::Arc;
use std::time::SystemTime;

use billing_core::account::AccessState;
use billing_core::invoice::InvoiceStatus;
use billing_core::section as core;
use billing_core::tariff::{LimitCheck, LimitState};
use billing_core::Money;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::{BillingError, CalendarDate, InvoiceNumber};

/// Access to the admin panel (доступ до адмінки), as the engine decided it.
#[uniffi::remote(Enum)]
pub enum AccessState {
    /// Nothing is owed.
    Active,
    /// An invoice is open, not yet past its due date plus the grace days.
    PaymentDue,
    /// An invoice is unpaid past its due date plus the grace days: the admin panel is blocked.
    Blocked,
}

/// An invoice's status.
#[uniffi::remote(Enum)]
pub enum InvoiceStatus {
    /// Issued and not yet fully paid.
    Open,
    /// Payments cover the total exactly.
    Paid,
    /// Cancelled; it keeps its number.
    Cancelled,
}

/// Where usage stands against a tariff limit.
#[uniffi::remote(Enum)]
pub enum LimitState {
    /// Below 90% of the limit (or unlimited).
    Within,
    /// At 90% of the limit or more, below it.
    Near,
    /// Exactly at the limit.
    Reached,
    /// Above the limit.
    Exceeded,
}

/// A limit check: usage, the limit, what remains and the state.
#[uniffi::remote(Record)]
pub struct LimitCheck {
    /// Usage (products now, or orders this month).
    pub used: u32,
    /// The limit; `nil`/`None` is unlimited.
    pub limit: Option<u32>,
    /// What remains (0 when reached or exceeded); `nil`/`None` when unlimited.
    pub remaining: Option<u32>,
    /// The state.
    pub state: LimitState,
}

/// The billing section of one project: everything the billing screen shows.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BillingSection {
    /// The project's service code, five digits (`11111`), printed on every financial document.
    pub service_code: String,
    /// The instant the section describes (when the backend built it).
    pub as_of: SystemTime,
    /// Access to the admin panel.
    pub access: AccessState,
    /// Whether the project is deleted.
    pub deleted: bool,
    /// Whether a deletion request waits for a manager.
    pub deletion_pending: bool,
    /// Connected domains, the primary first.
    pub domains: Vec<SectionDomain>,
    /// The owner contact that gets invoices and reminders.
    pub owner: Option<SectionOwner>,
    /// Whether a change request for the owner contact waits for support.
    pub change_request_pending: bool,
    /// The public offer and the personal contract.
    pub contracts: SectionContracts,
    /// The tariff, its limits with the last counters, and scheduled changes.
    pub tariff: Option<SectionTariff>,
    /// Features other tariffs have and this one lacks, with the cheapest tariff for each.
    pub additional_features: Vec<SectionFeature>,
    /// How invoices are paid.
    pub payment_method: SectionPaymentMethod,
    /// What is owed now on open invoices.
    pub total_owed: Decimal,
    /// Money kept as credit (overpayments) waiting to be applied or refunded.
    pub open_credit: Decimal,
    /// Invoices, newest first.
    pub invoices: Vec<SectionInvoice>,
    /// The buyer's requisites that acts are addressed to, when saved.
    pub requisites: Option<SectionRequisites>,
    /// The Vchasno integration.
    pub vchasno: SectionVchasno,
    /// Acts of completed work, newest month first.
    pub acts: Vec<SectionAct>,
}

/// The saved requisites.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SectionRequisites {
    /// ЄДРПОУ or РНОКПП.
    pub tax_id: String,
    /// Whether it is a company (ЄДРПОУ) rather than a sole proprietor.
    pub company: bool,
    /// The IBAN.
    pub iban: String,
    /// The bank, from the IBAN's МФО, when known.
    pub bank_name: Option<String>,
    /// Company name or the proprietor's full name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Director (companies).
    pub director: Option<String>,
    /// The 12-digit VAT payer number, for a VAT payer.
    pub vat_number: Option<String>,
    /// The single-tax group, for a single-tax payer.
    pub single_tax_group: Option<u8>,
    /// The tax status as printed.
    pub tax_status: String,
}

/// The Vchasno integration's state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SectionVchasno {
    /// Whether it is activated (requisites are then read-only).
    pub activated: bool,
    /// Since when.
    pub since: Option<SystemTime>,
    /// The company's name in Vchasno.
    pub vchasno_name: Option<String>,
}

/// One act of completed work.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SectionAct {
    /// `A-11111-2026-10`.
    pub number: String,
    /// The billing month, `2026-10`.
    pub month: String,
    /// The act's date (the month's last day).
    pub date: CalendarDate,
    /// The total, VAT included.
    pub total: Decimal,
    /// The VAT included, if any.
    pub vat: Option<Decimal>,
    /// The total in words.
    pub total_in_words: String,
    /// `prepared`, or the Vchasno status (`uploaded` ... `signed_by_both`, `rejected`, `annulled`).
    pub status: String,
    /// Vchasno's document id, once uploaded.
    pub document_id: Option<String>,
}

/// A connected domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SectionDomain {
    /// The name as people read it (`магазин.укр`).
    pub unicode: String,
    /// The name in ASCII (`xn--80aaxitdbjk.xn--j1amh`).
    pub ascii: String,
    /// Whether it is the primary domain.
    pub primary: bool,
}

/// The owner contact.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SectionOwner {
    /// Full name (ПІБ).
    pub full_name: String,
    /// Email.
    pub email: String,
    /// Phone, E.164 (`+380501234567`).
    pub phone: String,
}

/// The public offer and the personal contract.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SectionContracts {
    /// The accepted public offer's version.
    pub offer_version: Option<String>,
    /// The public offer's link.
    pub offer_link: Option<String>,
    /// When the owner accepted the offer.
    pub offer_accepted_at: Option<SystemTime>,
    /// The personal contract, where one exists.
    pub personal_contract: Option<SectionPersonalContract>,
    /// Whether the owner asked for a personal contract and support has not answered yet.
    pub personal_contract_requested: bool,
}

/// A personal contract, for viewing and download.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SectionPersonalContract {
    /// Its number.
    pub number: String,
    /// Its date.
    pub date: CalendarDate,
    /// The document reference for download.
    pub document: String,
}

/// The current tariff.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SectionTariff {
    /// Its code (`start`).
    pub code: String,
    /// Its name (`Старт`).
    pub name: String,
    /// The billing period in months (1, 3, 6, 12).
    pub period_months: u32,
    /// The price of one period.
    pub price: Option<Decimal>,
    /// The current paid period's first day.
    pub period_start: CalendarDate,
    /// The current paid period's last day.
    pub period_end: CalendarDate,
    /// The products limit, with the last daily counter.
    pub products: Option<LimitCheck>,
    /// The monthly orders limit, with the last daily counter.
    pub orders_this_month: Option<LimitCheck>,
    /// When the counters were taken.
    pub counters_taken_at: Option<SystemTime>,
    /// A downgrade scheduled for the end of the paid period: the tariff's code.
    pub scheduled_tariff: Option<String>,
    /// A period change scheduled for the next period, in months.
    pub scheduled_period_months: Option<u32>,
    /// The tariff's features (`api`, `marketplaces`, ...).
    pub features: Vec<String>,
}

/// A feature another tariff offers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SectionFeature {
    /// The feature.
    pub feature: String,
    /// The cheapest tariff that has it.
    pub cheapest_tariff: String,
}

/// How the project pays.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SectionPaymentMethod {
    /// Whether new invoices are charged to the saved card on the day they are issued.
    pub autopay: bool,
    /// Whether support stopped autopay (invoices are then paid by bank transfer only).
    pub bank_transfer_only: bool,
    /// The saved card's masked number.
    pub card_masked_pan: Option<String>,
    /// The saved card's holder.
    pub card_holder: Option<String>,
}

/// One invoice in the history.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SectionInvoice {
    /// The number and its parts (`HOR-11111-007`).
    pub number: InvoiceNumber,
    /// What it is for: `period` or `tariff_change` (text, so a new kind does not break old apps).
    pub kind: String,
    /// The issue date (Kyiv calendar).
    pub issued_on: CalendarDate,
    /// The due date.
    pub due_on: CalendarDate,
    /// The total, VAT included.
    pub total: Decimal,
    /// The VAT included, if any.
    pub vat: Option<Decimal>,
    /// What is still owed.
    pub owed: Decimal,
    /// Open, paid or cancelled.
    pub status: InvoiceStatus,
    /// Whether the due date has passed and it is unpaid.
    pub overdue: bool,
    /// The current payment link, while one is valid.
    pub link: Option<SectionLink>,
    /// The lines.
    pub lines: Vec<SectionLine>,
}

/// A payment link: the acquirer's page, opened in the browser (the app never holds the acquirer's
/// keys).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SectionLink {
    /// The link's id.
    pub id: String,
    /// The acquirer's page to open.
    pub url: Option<String>,
    /// Until when it works.
    pub expires_at: SystemTime,
}

/// One invoice line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SectionLine {
    /// What it is for.
    pub description: String,
    /// The amount.
    pub amount: Decimal,
}

/// Decodes the billing section JSON the backend serves (the engine's `billing_section`, serialised
/// by serde) with the core's own definition, and returns it as records.
///
/// Fields this version does not know are ignored, so a newer backend can add some. Errors
/// (`BillingError.InvalidInput`): `section.json` for text that is not JSON, `section.schema` for
/// JSON that is not a billing section (a missing field, an unknown access state, an amount with
/// three decimals, a bad service code or invoice number).
#[uniffi::export]
pub fn decode_billing_section(json: &str) -> Result<BillingSection, BillingError> {
    serde_json::from_str::<core::BillingSection>(json)
        .map(BillingSection::from)
        .map_err(|error| BillingError::section_json(&error))
}

/// Where the app gets the billing section's JSON: its own API client (URLSession, with the user's
/// session), implemented in Swift/Kotlin/Python. The binding makes no network calls and holds no
/// secrets.
///
/// Throwing a `BillingError` passes it through unchanged; any other error arrives as
/// `BillingError.Unexpected` with the code `ffi.callback_failed`.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait BillingSectionSource: Send + Sync {
    /// The JSON body of the backend's billing-section response.
    async fn fetch_billing_section_json(&self) -> Result<String, BillingError>;
}

/// Fetches the section's JSON from `source` (an `async` call into the host, e.g. URLSession) and
/// decodes it as [`decode_billing_section`] does. In Swift: `try await loadBillingSection(source:)`.
///
/// Errors: the source's own, `section.json`, `section.schema`.
#[uniffi::export]
pub async fn load_billing_section(
    source: Arc<dyn BillingSectionSource>,
) -> Result<BillingSection, BillingError> {
    let json = source.fetch_billing_section_json().await?;
    decode_billing_section(&json)
}

fn instant(at: DateTime<Utc>) -> SystemTime {
    SystemTime::from(at)
}

fn amount(money: Money) -> Decimal {
    money.as_decimal()
}

impl From<core::BillingSection> for BillingSection {
    fn from(section: core::BillingSection) -> BillingSection {
        let core::BillingSection {
            service_code,
            as_of,
            access,
            deleted,
            deletion_pending,
            domains,
            owner,
            change_request_pending,
            contracts,
            tariff,
            additional_features,
            payment_method,
            total_owed,
            open_credit,
            invoices,
            requisites,
            vchasno,
            acts,
        } = section;
        BillingSection {
            service_code: service_code.to_string(),
            as_of: instant(as_of),
            access,
            deleted,
            deletion_pending,
            domains: domains.into_iter().map(SectionDomain::from).collect(),
            owner: owner.map(SectionOwner::from),
            change_request_pending,
            contracts: contracts.into(),
            tariff: tariff.map(SectionTariff::from),
            additional_features: additional_features
                .into_iter()
                .map(SectionFeature::from)
                .collect(),
            payment_method: payment_method.into(),
            total_owed: amount(total_owed),
            open_credit: amount(open_credit),
            invoices: invoices.into_iter().map(SectionInvoice::from).collect(),
            requisites: requisites.map(SectionRequisites::from),
            vchasno: vchasno.into(),
            acts: acts.into_iter().map(SectionAct::from).collect(),
        }
    }
}

impl From<core::SectionDomain> for SectionDomain {
    fn from(domain: core::SectionDomain) -> SectionDomain {
        let core::SectionDomain {
            unicode,
            ascii,
            primary,
        } = domain;
        SectionDomain {
            unicode,
            ascii,
            primary,
        }
    }
}

impl From<core::SectionOwner> for SectionOwner {
    fn from(owner: core::SectionOwner) -> SectionOwner {
        let core::SectionOwner {
            full_name,
            email,
            phone,
        } = owner;
        SectionOwner {
            full_name,
            email,
            phone,
        }
    }
}

impl From<core::SectionContracts> for SectionContracts {
    fn from(contracts: core::SectionContracts) -> SectionContracts {
        let core::SectionContracts {
            offer_version,
            offer_link,
            offer_accepted_at,
            personal_contract,
            personal_contract_requested,
        } = contracts;
        SectionContracts {
            offer_version,
            offer_link,
            offer_accepted_at: offer_accepted_at.map(instant),
            personal_contract: personal_contract.map(SectionPersonalContract::from),
            personal_contract_requested,
        }
    }
}

impl From<core::SectionPersonalContract> for SectionPersonalContract {
    fn from(contract: core::SectionPersonalContract) -> SectionPersonalContract {
        let core::SectionPersonalContract {
            number,
            date,
            document,
        } = contract;
        SectionPersonalContract {
            number,
            date,
            document,
        }
    }
}

impl From<core::SectionTariff> for SectionTariff {
    fn from(tariff: core::SectionTariff) -> SectionTariff {
        let core::SectionTariff {
            code,
            name,
            period_months,
            price,
            period_start,
            period_end,
            products,
            orders_this_month,
            counters_taken_at,
            scheduled_tariff,
            scheduled_period_months,
            features,
        } = tariff;
        SectionTariff {
            code,
            name,
            period_months,
            price: price.map(amount),
            period_start,
            period_end,
            products,
            orders_this_month,
            counters_taken_at: counters_taken_at.map(instant),
            scheduled_tariff,
            scheduled_period_months,
            features,
        }
    }
}

impl From<core::SectionFeature> for SectionFeature {
    fn from(feature: core::SectionFeature) -> SectionFeature {
        let core::SectionFeature {
            feature,
            cheapest_tariff,
        } = feature;
        SectionFeature {
            feature,
            cheapest_tariff,
        }
    }
}

impl From<core::SectionPaymentMethod> for SectionPaymentMethod {
    fn from(method: core::SectionPaymentMethod) -> SectionPaymentMethod {
        let core::SectionPaymentMethod {
            autopay,
            bank_transfer_only,
            card_masked_pan,
            card_holder,
        } = method;
        SectionPaymentMethod {
            autopay,
            bank_transfer_only,
            card_masked_pan,
            card_holder,
        }
    }
}

impl From<core::SectionInvoice> for SectionInvoice {
    fn from(invoice: core::SectionInvoice) -> SectionInvoice {
        let core::SectionInvoice {
            number,
            kind,
            issued_on,
            due_on,
            total,
            vat,
            owed,
            status,
            overdue,
            link,
            lines,
        } = invoice;
        SectionInvoice {
            number: number.into(),
            kind,
            issued_on,
            due_on,
            total: amount(total),
            vat: vat.map(amount),
            owed: amount(owed),
            status,
            overdue,
            link: link.map(SectionLink::from),
            lines: lines.into_iter().map(SectionLine::from).collect(),
        }
    }
}

impl From<core::SectionLink> for SectionLink {
    fn from(link: core::SectionLink) -> SectionLink {
        let core::SectionLink {
            id,
            url,
            expires_at,
        } = link;
        SectionLink {
            id,
            url,
            expires_at: instant(expires_at),
        }
    }
}

impl From<core::SectionRequisites> for SectionRequisites {
    fn from(r: core::SectionRequisites) -> SectionRequisites {
        let core::SectionRequisites {
            tax_id,
            company,
            iban,
            bank_name,
            name,
            address,
            director,
            vat_number,
            single_tax_group,
            tax_status,
        } = r;
        SectionRequisites {
            tax_id,
            company,
            iban,
            bank_name,
            name,
            address,
            director,
            vat_number,
            single_tax_group,
            tax_status,
        }
    }
}

impl From<core::SectionVchasno> for SectionVchasno {
    fn from(v: core::SectionVchasno) -> SectionVchasno {
        let core::SectionVchasno {
            activated,
            since,
            vchasno_name,
        } = v;
        SectionVchasno {
            activated,
            since: since.map(instant),
            vchasno_name,
        }
    }
}

impl From<core::SectionAct> for SectionAct {
    fn from(a: core::SectionAct) -> SectionAct {
        let core::SectionAct {
            number,
            month,
            date,
            total,
            vat,
            total_in_words,
            status,
            document_id,
        } = a;
        SectionAct {
            number,
            month,
            date,
            total: amount(total),
            vat: vat.map(amount),
            total_in_words,
            status,
            document_id,
        }
    }
}

impl From<core::SectionLine> for SectionLine {
    fn from(line: core::SectionLine) -> SectionLine {
        let core::SectionLine {
            description,
            amount: money,
        } = line;
        SectionLine {
            description,
            amount: amount(money),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::error::{CODE_SECTION_JSON, CODE_SECTION_SCHEMA};

    /// The shared scenario's section (billing-engine/tests/section_fixture.rs writes it).
    const FIXTURE: &str = include_str!("../../billing-core/tests/data/billing_section.json");

    fn at(unix_seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(unix_seconds)
    }

    #[test]
    fn the_shared_fixture_decodes() {
        let section = decode_billing_section(FIXTURE).unwrap();
        // 2026-03-16 10:00 in Kyiv is 08:00 UTC.
        assert_eq!(section.as_of, at(1_773_648_000));
        assert_eq!(section.service_code, "11111");
        assert_eq!(section.access, AccessState::Active);
        let tariff = section.tariff.as_ref().unwrap();
        assert_eq!(tariff.price, Some(Decimal::new(60000, 2)));
        assert_eq!(
            tariff.products,
            Some(LimitCheck {
                used: 120,
                limit: Some(500),
                remaining: Some(380),
                state: LimitState::Within,
            })
        );
        let invoice = &section.invoices[0];
        assert_eq!(invoice.number.value, "HOR-11111-001");
        assert_eq!(invoice.number.sequence, 1);
        assert_eq!(invoice.status, InvoiceStatus::Paid);
        assert_eq!(invoice.total.to_string(), "309.68");
        assert_eq!(invoice.owed.to_string(), "0.00");
    }

    #[test]
    fn decoding_goes_through_the_cores_type() {
        let core: core::BillingSection = serde_json::from_str(FIXTURE).unwrap();
        let section = decode_billing_section(&serde_json::to_string(&core).unwrap()).unwrap();
        assert_eq!(section, BillingSection::from(core));
    }

    #[test]
    fn bad_json_is_a_typed_error() {
        let err = decode_billing_section(&FIXTURE[..FIXTURE.len() / 2]).unwrap_err();
        assert_eq!(err.code(), CODE_SECTION_JSON);
        let err = decode_billing_section(&FIXTURE.replace("\"active\"", "\"frozen\"")).unwrap_err();
        assert_eq!(err.code(), CODE_SECTION_SCHEMA);
        assert!(matches!(err, BillingError::InvalidInput { .. }));
        let err = decode_billing_section(&FIXTURE.replace("309.68", "309.685")).unwrap_err();
        assert_eq!(err.code(), CODE_SECTION_SCHEMA);
    }
}
