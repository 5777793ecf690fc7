//! The billing section as plain JavaScript objects, typed exactly in `index.d.ts`.
//!
//! The values are read from the core's serde JSON of `billing_core::section::BillingSection` (the
//! JSON the backend serves and the mobile apps decode), so the two cannot drift: money stays a
//! decimal string, dates stay `YYYY-MM-DD` strings, enums stay their snake_case names, and only
//! the instants become `Date`s and the keys camelCase. Every struct refuses unknown fields: a field
//! added to the core fails the binding's tests until it is added here.

use napi_derive::napi;
use serde::Deserialize;

use crate::instant::Instant;
use crate::reply::Failure;

/// The billing section of one project: everything the help page shows, in one value.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillingSection {
    /// The project's service code (printed on every financial document), e.g. `"11111"`.
    pub service_code: String,
    /// The instant the section describes.
    #[napi(ts_type = "Date")]
    pub as_of: Instant,
    /// Access to the admin panel.
    #[napi(ts_type = "'active' | 'payment_due' | 'blocked'")]
    pub access: String,
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
    /// The tariff, its limits with today's counters, and scheduled changes.
    pub tariff: Option<SectionTariff>,
    /// Features that other tariffs have and this one lacks, with the cheapest tariff for each.
    pub additional_features: Vec<SectionFeature>,
    /// How invoices are paid.
    pub payment_method: SectionPaymentMethod,
    /// What is owed now on open invoices: a decimal string, e.g. `"309.68"`.
    pub total_owed: String,
    /// Money kept as credit (overpayments) waiting to be applied or refunded: a decimal string.
    pub open_credit: String,
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
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
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
    pub single_tax_group: Option<u32>,
    /// The tax status as printed.
    pub tax_status: String,
}

/// The Vchasno integration's state.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionVchasno {
    /// Whether it is activated (requisites are then read-only).
    pub activated: bool,
    /// Since when.
    #[napi(ts_type = "Date")]
    pub since: Option<Instant>,
    /// The company's name in Vchasno.
    pub vchasno_name: Option<String>,
}

/// One act of completed work.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionAct {
    /// `A-11111-2026-10`.
    pub number: String,
    /// The billing month, `2026-10`.
    pub month: String,
    /// The act's date (the month's last day), `YYYY-MM-DD`.
    pub date: String,
    /// The total, VAT included: a decimal string.
    pub total: String,
    /// The VAT included, if any: a decimal string.
    pub vat: Option<String>,
    /// The total in words.
    pub total_in_words: String,
    /// `prepared`, or the Vchasno status.
    #[napi(
        ts_type = "'prepared' | 'uploaded' | 'sent' | 'signed_by_us' | 'signed_by_recipient' | 'signed_by_both' | 'rejected' | 'annulled'"
    )]
    pub status: String,
    /// Vchasno's document id, once uploaded.
    pub document_id: Option<String>,
}

/// A connected domain.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDomain {
    /// The name as people read it (`магазин.укр`).
    pub unicode: String,
    /// The name in ASCII (`xn--80aaxitdbjk.xn--j1amh`).
    pub ascii: String,
    /// Whether it is the primary domain.
    pub primary: bool,
}

/// The owner contact.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionOwner {
    /// Full name (ПІБ).
    pub full_name: String,
    /// Email.
    pub email: String,
    /// Phone, E.164 (`"+380501234567"`).
    pub phone: String,
}

/// The public offer and the personal contract.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionContracts {
    /// The public offer's version, when accepted.
    pub offer_version: Option<String>,
    /// The public offer's link.
    pub offer_link: Option<String>,
    /// When the owner accepted the offer.
    #[napi(ts_type = "Date")]
    pub offer_accepted_at: Option<Instant>,
    /// The personal contract, where one exists.
    pub personal_contract: Option<SectionPersonalContract>,
    /// Whether the owner asked for a personal contract and support has not answered yet.
    pub personal_contract_requested: bool,
}

/// A personal contract, for viewing and download.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionPersonalContract {
    /// Its number.
    pub number: String,
    /// Its date, `YYYY-MM-DD`.
    pub date: String,
    /// The document reference for download.
    pub document: String,
}

/// The current tariff.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionTariff {
    /// Its code, e.g. `"start"`.
    pub code: String,
    /// Its name, e.g. `"Старт"`.
    pub name: String,
    /// The billing period in months.
    #[napi(ts_type = "1 | 3 | 6 | 12")]
    pub period_months: u32,
    /// The price of one period: a decimal string.
    pub price: Option<String>,
    /// The current paid period's first day, `YYYY-MM-DD`.
    pub period_start: String,
    /// The current paid period's last day, `YYYY-MM-DD`.
    pub period_end: String,
    /// The products limit, with the last daily counter.
    pub products: Option<LimitCheck>,
    /// The monthly orders limit, with the last daily counter.
    pub orders_this_month: Option<LimitCheck>,
    /// When the counters were taken.
    #[napi(ts_type = "Date")]
    pub counters_taken_at: Option<Instant>,
    /// A downgrade scheduled for the end of the paid period: the tariff's code.
    pub scheduled_tariff: Option<String>,
    /// A period change scheduled for the next period, in months.
    #[napi(ts_type = "1 | 3 | 6 | 12 | null")]
    pub scheduled_period_months: Option<u32>,
    /// The tariff's features.
    pub features: Vec<String>,
}

/// Usage against a limit.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitCheck {
    /// Usage.
    pub used: u32,
    /// The limit; `null` is unlimited.
    pub limit: Option<u32>,
    /// What remains (0 when reached or exceeded); `null` when unlimited.
    pub remaining: Option<u32>,
    /// `near` from 90% of the limit.
    #[napi(ts_type = "'within' | 'near' | 'reached' | 'exceeded'")]
    pub state: String,
}

/// A feature another tariff offers.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFeature {
    /// The feature, e.g. `"api"`.
    pub feature: String,
    /// The cheapest tariff that has it.
    pub cheapest_tariff: String,
}

/// How the project pays.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionInvoice {
    /// `HOR-11111-007`.
    pub number: String,
    /// What it is for.
    #[napi(ts_type = "'period' | 'tariff_change'")]
    pub kind: String,
    /// The issue date (Kyiv), `YYYY-MM-DD`.
    pub issued_on: String,
    /// The due date, `YYYY-MM-DD`.
    pub due_on: String,
    /// The total, VAT included: a decimal string.
    pub total: String,
    /// The VAT included, if any: a decimal string.
    pub vat: Option<String>,
    /// What is still owed: a decimal string.
    pub owed: String,
    /// The invoice's status.
    #[napi(ts_type = "'open' | 'paid' | 'cancelled'")]
    pub status: String,
    /// Whether the due date has passed and it is unpaid.
    pub overdue: bool,
    /// The current payment link, while one is valid.
    pub link: Option<SectionLink>,
    /// The lines.
    pub lines: Vec<SectionLine>,
}

/// A payment link.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionLink {
    /// The link's id.
    pub id: String,
    /// The acquirer's page to open.
    pub url: Option<String>,
    /// Until when it works.
    #[napi(ts_type = "Date")]
    pub expires_at: Instant,
}

/// One invoice line.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionLine {
    /// What it is for.
    pub description: String,
    /// The amount: a decimal string.
    pub amount: String,
}

impl BillingSection {
    /// The section as JavaScript sees it, read from the core's JSON of it.
    pub fn from_core(section: &billing_core::section::BillingSection) -> Result<Self, Failure> {
        serde_json::to_value(section)
            .and_then(serde_json::from_value)
            .map_err(|e| Failure::new("binding.conversion", format!("billing section: {e}")))
    }
}
