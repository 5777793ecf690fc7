//! Tax invoices (ПН) and corrections (РК): the engine's use cases.
//!
//! - [`Engine::issue_tax_invoices`] reads a project's stream, lets the core derive the ПН/РК it
//!   calls for ([`billing_core::tax_invoice::derive`]), numbers those not issued yet from the
//!   seller's sequence and records them as `Tax` events in the project's stream (one transaction).
//!   [`Engine::issue_all_tax_invoices`] does it for every project (the daily job).
//! - [`Engine::tax_due`] lists the documents not registered in ЄРПН yet, with their deadlines, over
//!   all projects (for the daily job and `billing tax due`); [`Engine::record_tax_registered`]
//!   records a registration.
//! - [`Engine::tax_invoice_xml`] writes a ПН as J1201016 XML.
//!
//! # Numbering
//! The seller's one sequence across all projects lives in the store: each issued number is claimed
//! as an outside id of kind [`TAX_NUMBER_KIND`] (zero-padded, so the store's greatest id is the last
//! number) in the same atomic append as its `Tax` event. [`Engine::allocate_tax_numbers`] reads the
//! last number; when another writer (another process, another app server) claimed it first, the
//! append is refused whole and issuing starts again with the next number. So numbers are never
//! reused and have no gaps: a failed append claims nothing.

use billing_core::actor::Audited;
use billing_core::ports::StoreError;
use billing_core::project::{ProjectCommand, ProjectEvent};
use billing_core::tax_invoice::{
    derive, facts_from_events, tax_due, CorrectionNeeded, DeadlineTable, DueItem, TaxBuyer,
    TaxCommand, TaxEvent, TaxInvoice,
};
use billing_core::{Actor, ServiceCode};
use billing_documents::{tax_invoice_xml, TaxInvoiceXml, TaxSeller, TaxXmlSettings};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::{Applied, Engine};
use crate::error::EngineError;

/// The outside-id kind under which the seller's tax numbers are claimed store-wide.
pub const TAX_NUMBER_KIND: &str = "tax_invoice_number";

/// How many times issuing starts again after another writer claimed the same numbers.
const MAX_NUMBER_RACES: u32 = 32;

/// The claim of one tax number: an outside id, unique in the store.
pub(crate) fn tax_number_claim(number: u64) -> billing_core::ports::OutsideId {
    billing_core::ports::OutsideId::new(TAX_NUMBER_KIND, format!("{number:020}"))
}

/// What issuing did for one project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxIssueReport {
    /// The documents issued now.
    pub issued: Vec<TaxInvoice>,
    /// Cancelled supplies whose taxed money is still kept: for support.
    pub attention: Vec<CorrectionNeeded>,
}

/// What the daily tax job did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxJobReport {
    /// Projects visited.
    pub projects: usize,
    /// Documents issued, by project.
    pub issued: Vec<(ServiceCode, Vec<u64>)>,
    /// Supplies needing support, by project.
    pub attention: Vec<(ServiceCode, CorrectionNeeded)>,
    /// Projects that failed, with the error code (the job goes on).
    pub failures: Vec<(ServiceCode, String)>,
}

/// A document due for registration, with its project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectDueItem {
    /// The project.
    pub project: ServiceCode,
    /// The document and its deadline.
    #[serde(flatten)]
    pub item: DueItem,
}

impl Engine {
    /// A project's stream as audit records of project events.
    async fn stream(&self, code: ServiceCode) -> Result<Vec<Audited<ProjectEvent>>, EngineError> {
        self.audit_trail(code)
            .await?
            .into_iter()
            .map(|e| {
                let event: ProjectEvent = serde_json::from_value(e.payload).map_err(|err| {
                    StoreError::Corrupt(format!("project {code} event {}: {err}", e.version))
                })?;
                Ok(Audited {
                    at: e.at,
                    actor: e.actor,
                    event,
                })
            })
            .collect()
    }

    /// The first of `count` fresh numbers of the seller's tax sequence: one more than the last
    /// number claimed in the store (1 for the first). The numbers are claimed when the documents
    /// are appended (see the module's note on numbering).
    pub async fn allocate_tax_numbers(&self, count: usize) -> Result<u64, EngineError> {
        let _ = count;
        let last = match self.ports().store.max_outside_id(TAX_NUMBER_KIND).await? {
            None => 0,
            Some(id) => id
                .parse::<u64>()
                .map_err(|e| StoreError::Corrupt(format!("bad stored tax number {id:?}: {e}")))?,
        };
        Ok(last + 1)
    }

    /// Derives a project's ПН and РК from its history and issues those not issued yet (the buyer
    /// from its requisites: a VAT payer by its VAT number, anyone else as a non-payer).
    pub async fn issue_tax_invoices(
        &self,
        code: ServiceCode,
    ) -> Result<TaxIssueReport, EngineError> {
        let stream = self.stream(code).await?;
        let (supplies, facts) = facts_from_events(&stream);
        let derivation = derive(&facts, &supplies).map_err(billing_core::Error::from)?;
        let project = self.project(code).await?;
        let pending: Vec<_> = project
            .tax()
            .pending(&derivation.drafts)
            .into_iter()
            .cloned()
            .collect();
        let mut report = TaxIssueReport {
            issued: Vec::new(),
            attention: derivation.attention,
        };
        if pending.is_empty() {
            return Ok(report);
        }
        let buyer = TaxBuyer::from_requisites(project.paperwork().requisites())
            .map_err(billing_core::Error::from)?;
        let mut applied = None;
        for _ in 0..MAX_NUMBER_RACES {
            let first_number = self.allocate_tax_numbers(pending.len()).await?;
            match self
                .execute(
                    code,
                    &Actor::System,
                    &ProjectCommand::Tax(TaxCommand::Issue {
                        drafts: pending.clone(),
                        first_number,
                        buyer: buyer.clone(),
                    }),
                    None,
                )
                .await
            {
                Err(EngineError::Store(StoreError::DuplicateOutsideId { kind, .. }))
                    if kind == TAX_NUMBER_KIND => {}
                other => {
                    applied = Some(other?);
                    break;
                }
            }
        }
        let applied = applied.ok_or(EngineError::Busy(code))?;
        if let Applied::Done(records) = applied {
            report.issued = records
                .into_iter()
                .filter_map(|r| match r.event {
                    ProjectEvent::Tax(TaxEvent::Issued { document }) => Some(document),
                    _ => None,
                })
                .collect();
        }
        Ok(report)
    }

    /// [`Engine::issue_tax_invoices`] for every project; a failing project is reported and the job
    /// goes on.
    pub async fn issue_all_tax_invoices(&self) -> Result<TaxJobReport, EngineError> {
        let mut report = TaxJobReport::default();
        for code in self.projects().await? {
            report.projects += 1;
            match self.issue_tax_invoices(code).await {
                Ok(r) => {
                    if !r.issued.is_empty() {
                        report
                            .issued
                            .push((code, r.issued.iter().map(|d| d.number).collect()));
                    }
                    report
                        .attention
                        .extend(r.attention.into_iter().map(|a| (code, a)));
                }
                Err(e) => {
                    use billing_core::ErrorCode;
                    report.failures.push((code, e.code().to_string()));
                }
            }
        }
        Ok(report)
    }

    /// The documents of all projects not registered in ЄРПН yet (created on or before `today`),
    /// earliest deadline first.
    pub async fn tax_due(
        &self,
        today: NaiveDate,
        table: &DeadlineTable,
    ) -> Result<Vec<ProjectDueItem>, EngineError> {
        let mut out = Vec::new();
        for code in self.projects().await? {
            let project = self.project(code).await?;
            out.extend(
                tax_due(project.tax().documents(), today, table)
                    .into_iter()
                    .map(|item| ProjectDueItem {
                        project: code,
                        item,
                    }),
            );
        }
        out.sort_by_key(|i| (i.item.days_left.is_none(), i.item.days_left, i.item.number));
        Ok(out)
    }

    /// Records that a document was registered in ЄРПН on `on`.
    pub async fn record_tax_registered(
        &self,
        code: ServiceCode,
        number: u64,
        on: NaiveDate,
    ) -> Result<Applied, EngineError> {
        self.execute(
            code,
            &Actor::System,
            &ProjectCommand::Tax(TaxCommand::RecordRegistered { number, on }),
            None,
        )
        .await
    }

    /// A project's ПН as J1201016 XML (Windows-1251) with its file name.
    pub async fn tax_invoice_xml(
        &self,
        code: ServiceCode,
        number: u64,
        seller: &TaxSeller,
        settings: &TaxXmlSettings,
    ) -> Result<TaxInvoiceXml, EngineError> {
        let project = self.project(code).await?;
        let doc = project.tax().document(number).ok_or_else(|| {
            billing_core::Error::from(billing_core::tax_invoice::TaxInvoiceError::Unknown {
                number,
            })
        })?;
        tax_invoice_xml(doc, seller, settings).map_err(|e| {
            use billing_core::ErrorCode;
            EngineError::Document {
                code: e.code(),
                message: e.to_string(),
            }
        })
    }
}
