//! The billing section of the admin panel as one read model: everything the help page shows, in one
//! value that serialises to the JSON the backend serves and the mobile apps decode (one Rust
//! definition on both sides, so they cannot drift).
//!
//! ```
//! use billing_core::account::BillingPolicy;
//! use billing_core::project::Project;
//! use billing_core::section::BillingSection;
//! use billing_core::tariff::TariffCatalog;
//! use chrono::{TimeZone, Utc};
//!
//! let project = Project::new("11111".parse()?);
//! let now = Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap();
//! let catalog = TariffCatalog::new(vec![])?;
//! let section = BillingSection::of(&project, &catalog, &BillingPolicy::default(), now);
//! assert_eq!(section.service_code.to_string(), "11111");
//! assert!(section.invoices.is_empty());
//! let json = serde_json::to_string(&section)?;
//! let back: BillingSection = serde_json::from_str(&json)?;
//! assert_eq!(back, section);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::account::{AccessState, BillingPolicy};
use crate::ids::{InvoiceNumber, ServiceCode};
use crate::invoice::{Invoice, InvoiceKind, InvoiceStatus};
use crate::money::Money;
use crate::paperwork::{Act, ActState, Requisites, RequisitesTax, VchasnoState};
use crate::ports::VchasnoStatus;
use crate::project::Project;
use crate::tariff::{LimitCheck, TariffCatalog, Usage};

/// The billing section of one project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingSection {
    /// The project's service code (printed on every financial document).
    pub service_code: ServiceCode,
    /// The instant the section describes.
    pub as_of: DateTime<Utc>,
    /// Access to the admin panel: `active`, `payment_due` or `blocked`.
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
    /// The tariff, its limits with today's counters, and scheduled changes.
    pub tariff: Option<SectionTariff>,
    /// Features that other tariffs have and this one lacks, with the cheapest tariff for each.
    pub additional_features: Vec<SectionFeature>,
    /// How invoices are paid.
    pub payment_method: SectionPaymentMethod,
    /// What is owed now on open invoices.
    pub total_owed: Money,
    /// Money kept as credit (overpayments) waiting to be applied or refunded.
    pub open_credit: Money,
    /// Invoices, newest first.
    pub invoices: Vec<SectionInvoice>,
    /// The buyer's requisites that acts are addressed to, when saved.
    #[serde(default)]
    pub requisites: Option<SectionRequisites>,
    /// The Vchasno integration.
    #[serde(default)]
    pub vchasno: SectionVchasno,
    /// Acts of completed work, newest month first.
    #[serde(default)]
    pub acts: Vec<SectionAct>,
}

/// The saved requisites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionVchasno {
    /// Whether it is activated (requisites are then read-only).
    pub activated: bool,
    /// Since when.
    pub since: Option<DateTime<Utc>>,
    /// The company's name in Vchasno.
    pub vchasno_name: Option<String>,
}

/// One act of completed work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionAct {
    /// `A-11111-2026-10`.
    pub number: String,
    /// The billing month, `2026-10`.
    pub month: String,
    /// The act's date (the month's last day).
    pub date: NaiveDate,
    /// The total, VAT included.
    pub total: Money,
    /// The VAT included, if any.
    pub vat: Option<Money>,
    /// The total in words.
    pub total_in_words: String,
    /// `prepared` (not uploaded yet), or the Vchasno status: `uploaded`, `sent`, `signed_by_us`,
    /// `signed_by_recipient`, `signed_by_both`, `rejected`, `annulled`.
    pub status: String,
    /// Vchasno's document id, once uploaded.
    pub document_id: Option<String>,
}

/// A connected domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionDomain {
    /// The name as people read it (`магазин.укр`).
    pub unicode: String,
    /// The name in ASCII (`xn--80aairftm.xn--j1amh`).
    pub ascii: String,
    /// Whether it is the primary domain.
    pub primary: bool,
}

/// The owner contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionOwner {
    /// Full name.
    pub full_name: String,
    /// Email.
    pub email: String,
    /// Phone, E.164.
    pub phone: String,
}

/// Contracts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionContracts {
    /// The public offer's version, when accepted.
    pub offer_version: Option<String>,
    /// The public offer's link.
    pub offer_link: Option<String>,
    /// When the owner accepted the offer.
    pub offer_accepted_at: Option<DateTime<Utc>>,
    /// The personal contract, where one exists.
    pub personal_contract: Option<SectionPersonalContract>,
    /// Whether the owner asked for a personal contract and support has not answered yet.
    pub personal_contract_requested: bool,
}

/// A personal contract, for viewing and download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionPersonalContract {
    /// Its number.
    pub number: String,
    /// Its date.
    pub date: NaiveDate,
    /// The document reference for download.
    pub document: String,
}

/// The current tariff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionTariff {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The billing period in months (1, 3, 6, 12).
    pub period_months: u32,
    /// The price of one period.
    pub price: Option<Money>,
    /// The current paid period's first day.
    pub period_start: NaiveDate,
    /// The current paid period's last day.
    pub period_end: NaiveDate,
    /// The products limit, with the last daily counter.
    pub products: Option<LimitCheck>,
    /// The monthly orders limit, with the last daily counter.
    pub orders_this_month: Option<LimitCheck>,
    /// When the counters were taken.
    pub counters_taken_at: Option<DateTime<Utc>>,
    /// A downgrade scheduled for the end of the paid period: the tariff's code.
    pub scheduled_tariff: Option<String>,
    /// A period change scheduled for the next period, in months.
    pub scheduled_period_months: Option<u32>,
    /// The tariff's features.
    pub features: Vec<String>,
}

/// A feature another tariff offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionFeature {
    /// The feature.
    pub feature: String,
    /// The cheapest tariff that has it.
    pub cheapest_tariff: String,
}

/// How the project pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionInvoice {
    /// `HOR-11111-007`.
    pub number: InvoiceNumber,
    /// What it is for, e.g. `period` or `tariff_change`.
    pub kind: String,
    /// The issue date (Kyiv).
    pub issued_on: NaiveDate,
    /// The due date.
    pub due_on: NaiveDate,
    /// The total, VAT included.
    pub total: Money,
    /// The VAT included, if any.
    pub vat: Option<Money>,
    /// What is still owed.
    pub owed: Money,
    /// `open`, `paid` or `cancelled`.
    pub status: InvoiceStatus,
    /// Whether the due date has passed and it is unpaid.
    pub overdue: bool,
    /// The current payment link, while one is valid.
    pub link: Option<SectionLink>,
    /// The lines.
    pub lines: Vec<SectionLine>,
}

/// A payment link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionLink {
    /// The link's id.
    pub id: String,
    /// The acquirer's page to open.
    pub url: Option<String>,
    /// Until when it works.
    pub expires_at: DateTime<Utc>,
}

/// One invoice line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionLine {
    /// What it is for.
    pub description: String,
    /// The amount.
    pub amount: Money,
}

impl BillingSection {
    /// The section of a project at `now`.
    pub fn of(
        project: &Project,
        catalog: &TariffCatalog,
        policy: &BillingPolicy,
        now: DateTime<Utc>,
    ) -> BillingSection {
        let admin = project.admin();
        let account = project.account();
        let today = crate::calendar::kyiv_date(now);
        let mut domains: Vec<SectionDomain> = admin
            .domains()
            .iter()
            .map(|d| SectionDomain {
                unicode: d.name.unicode().to_string(),
                ascii: d.name.ascii().to_string(),
                primary: d.primary,
            })
            .collect();
        domains.sort_by_key(|d| !d.primary);
        let tariff = account.subscription().map(|s| {
            let usage = account
                .usage_snapshot()
                .map(|u| Usage::new(s.tariff.limits, *u));
            SectionTariff {
                code: s.tariff.code.as_str().to_string(),
                name: s.tariff.name.clone(),
                period_months: s.period.months(),
                price: s.tariff.price(s.period).ok(),
                period_start: s.span.start,
                period_end: s.span.end,
                products: usage.as_ref().map(Usage::products),
                orders_this_month: usage.as_ref().map(Usage::orders),
                counters_taken_at: account.usage_snapshot().map(|u| u.taken_at),
                scheduled_tariff: s
                    .pending_tariff
                    .as_ref()
                    .map(|t| t.code.as_str().to_string()),
                scheduled_period_months: s.pending_period.map(|p| p.months()),
                features: s
                    .tariff
                    .features
                    .iter()
                    .map(|f| f.as_str().to_string())
                    .collect(),
            }
        });
        let additional_features = account
            .tariff()
            .map(|t| {
                catalog
                    .additional_features(t)
                    .into_iter()
                    .map(|f| SectionFeature {
                        feature: f.feature.as_str().to_string(),
                        cheapest_tariff: f.cheapest.as_str().to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let autopay = account.autopay();
        let invoices = account
            .invoice_history()
            .map(|i| section_invoice(i, account.payment_link(&i.number, now), today))
            .collect();
        BillingSection {
            service_code: project.service_code(),
            as_of: now,
            access: account.access(now, policy),
            deleted: project.is_deleted(),
            deletion_pending: admin.is_deletion_pending(),
            domains,
            owner: admin.owner().map(|o| SectionOwner {
                full_name: o.full_name.as_str().to_string(),
                email: o.email.to_string(),
                phone: o.phone.to_string(),
            }),
            change_request_pending: admin.pending_change_request().is_some(),
            contracts: SectionContracts {
                offer_version: admin.offer().map(|o| o.version.clone()),
                offer_link: admin.offer().map(|o| o.link.clone()),
                offer_accepted_at: admin.offer().map(|o| o.accepted_at),
                personal_contract: admin.personal_contract().map(|c| SectionPersonalContract {
                    number: c.number.clone(),
                    date: c.date,
                    document: c.document.clone(),
                }),
                personal_contract_requested: admin
                    .contract_request()
                    .is_some_and(|r| r.is_pending()),
            },
            tariff,
            additional_features,
            payment_method: SectionPaymentMethod {
                autopay: autopay.is_on(),
                bank_transfer_only: autopay.stopped_by_support,
                card_masked_pan: autopay.card.as_ref().map(|c| c.masked_pan.clone()),
                card_holder: autopay.card.as_ref().map(|c| c.holder.clone()),
            },
            total_owed: account.total_owed(),
            open_credit: Money::sum(account.open_credits().map(|c| c.remaining))
                .unwrap_or(Money::MAX),
            invoices,
            requisites: project.paperwork().requisites().map(section_requisites),
            vchasno: match project.paperwork().vchasno() {
                VchasnoState::NotActivated => SectionVchasno::default(),
                VchasnoState::Activated {
                    since,
                    vchasno_name,
                } => SectionVchasno {
                    activated: true,
                    since: Some(*since),
                    vchasno_name: vchasno_name.clone(),
                },
            },
            acts: project
                .paperwork()
                .acts()
                .iter()
                .rev()
                .map(section_act)
                .collect(),
        }
    }
}

fn section_requisites(r: &Requisites) -> SectionRequisites {
    let (vat_number, single_tax_group) = match &r.tax {
        RequisitesTax::VatPayer { number } => (Some(number.clone()), None),
        RequisitesTax::SingleTax { group } => (None, Some(*group)),
        RequisitesTax::General => (None, None),
    };
    SectionRequisites {
        tax_id: r.tax_id.to_string(),
        company: r.tax_id.is_company(),
        iban: r.iban.to_string(),
        bank_name: r.iban.bank_name().map(str::to_string),
        name: r.name.clone(),
        address: r.address.clone(),
        director: r.director.clone(),
        vat_number,
        single_tax_group,
        tax_status: r.tax_status_text(),
    }
}

fn section_act(a: &Act) -> SectionAct {
    let status = match a.state {
        ActState::Prepared => "prepared".to_string(),
        ActState::InVchasno(s) => match s {
            VchasnoStatus::Uploaded => "uploaded",
            VchasnoStatus::Sent => "sent",
            VchasnoStatus::SignedByUs => "signed_by_us",
            VchasnoStatus::SignedByRecipient => "signed_by_recipient",
            VchasnoStatus::SignedByBoth => "signed_by_both",
            VchasnoStatus::Rejected => "rejected",
            VchasnoStatus::Annulled => "annulled",
        }
        .to_string(),
    };
    SectionAct {
        number: a.number.clone(),
        month: a.month.to_string(),
        date: a.date,
        total: a.total,
        vat: a.vat,
        total_in_words: a.total_in_words.clone(),
        status,
        document_id: a.document_id.clone(),
    }
}

fn section_invoice(
    i: &Invoice,
    link: Option<&crate::payment::PaymentLink>,
    today: NaiveDate,
) -> SectionInvoice {
    SectionInvoice {
        number: i.number,
        kind: match i.kind {
            InvoiceKind::Period { .. } => "period".to_string(),
            InvoiceKind::TariffChange { .. } => "tariff_change".to_string(),
        },
        issued_on: i.issued_on,
        due_on: i.due_on,
        total: i.total,
        vat: i.vat,
        owed: i.owed(),
        status: i.status,
        overdue: i.is_open() && i.is_past_due(today),
        link: link.map(|l| SectionLink {
            id: l.id.to_string(),
            url: l.url.clone(),
            expires_at: l.expires_at,
        }),
        lines: i
            .lines
            .iter()
            .map(|l| SectionLine {
                description: l.description.clone(),
                amount: l.amount,
            })
            .collect(),
    }
}
