//! The document side's use cases: requisites (prefilled from the project's own records or the
//! registry lookup port), the Vchasno integration (activation asks the Vchasno port), and the
//! monthly acts of completed work (drawn up by the core, rendered as PDF, uploaded through the
//! Vchasno port, statuses polled).
//!
//! Talking to Vchasno happens around decisions: an act is recorded (`ActPrepared`) before its
//! upload, and the document id after it (`ActUploaded`); an act with a document id is never
//! uploaded again, so a repeated request returns the act already sent. An act recorded as
//! prepared may still have reached Vchasno (the upload's answer or its record was lost): before
//! uploading it, the engine asks the port for a document of that number for that recipient
//! ([`billing_core::ports::Vchasno::find_act`]) and records that one instead of uploading twice.

use billing_core::admin::Admin;
use billing_core::documents::{date_short, ActDocument, Party, Signatory};
use billing_core::paperwork::RequisitesTax;
use billing_core::paperwork::{
    Act, ActState, PaperworkCommand, PaperworkError, Requisites, RequisitesForm, VchasnoAnswer,
};
use billing_core::ports::registry::VatUnknown;
use billing_core::ports::{
    ActUpload, RegistryAnswer, RegistryRecord, VatStatus, VchasnoPortError, VchasnoStatus,
};
use billing_core::project::{Project, ProjectCommand};
use billing_core::{Actor, BillingMonth, ErrorCode, ServiceCode, TaxId};
use serde::{Deserialize, Serialize};

use crate::engine::{Applied, Engine};
use crate::error::EngineError;

/// The seller (us, виконавець) as acts print it: part of the engine's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SellerDetails {
    /// The seller's requisites, checked like the owner's form.
    pub requisites: RequisitesForm,
    /// The contract an act names when the project has neither a personal contract nor an accepted
    /// offer on record (`Договір публічної оферти`).
    #[serde(default = "default_contract")]
    pub contract: String,
    /// Who signs acts for the seller: the position (`Директор`).
    #[serde(default)]
    pub signatory_position: Option<String>,
    /// Who signs acts for the seller: the name (`Коваль О. І.`).
    #[serde(default)]
    pub signatory_name: Option<String>,
}

fn default_contract() -> String {
    "Договір публічної оферти".to_string()
}

impl SellerDetails {
    /// The seller's party, or why the configured requisites are not valid.
    pub fn party(&self) -> Result<Party, EngineError> {
        self.requisites
            .validate()
            .map(|r| r.to_party())
            .map_err(|errors| {
                EngineError::Config(format!(
                    "seller requisites: {}",
                    errors
                        .iter()
                        .map(|e| format!("{} ({})", e.field, e.code))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }
}

/// Where a prefilled form came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrefillSource {
    /// The project's own records (requisites saved before, e.g. acts already sent).
    Records,
    /// The registry lookup port.
    Registry,
    /// Nothing found (or the lookup failed): the owner fills the fields in.
    None,
}

/// Why the registry filled in nothing, or only part of the form: typed, for the owner to see (the
/// human wording is in [`RequisitesPrefill::notes`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PrefillIssue {
    /// The code is not in the registry.
    NotFound,
    /// The registry is refreshing the record: ask again after the delay (not "not found").
    Pending {
        /// Suggested delay in seconds.
        retry_after_secs: u64,
    },
    /// The lookup failed.
    Failed {
        /// The registry error's code (`registry.failed`, `registry.rate_limited`,
        /// `registry.unauthorized`).
        code: String,
        /// Its message.
        message: String,
        /// Whether asking again later may help.
        retryable: bool,
    },
    /// The record was found, but the VAT register is refreshing it: the VAT status is not known
    /// yet (not "not a payer"); ask again after the delay.
    VatPending {
        /// Suggested delay in seconds.
        retry_after_secs: u64,
    },
    /// The record was found, but its VAT status is not known (the VAT register failed or was not
    /// asked): the owner states it.
    VatUnknown {
        /// Why.
        reason: String,
    },
    /// The registry says the company or proprietor is terminated or being terminated.
    Terminated,
    /// The registry has a bankruptcy case on record.
    Bankrupt,
}

/// A requisites form to show, prefilled where possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequisitesPrefill {
    /// The form.
    pub form: RequisitesForm,
    /// Where its values came from.
    pub source: PrefillSource,
    /// The registry's warnings (terminated, bankrupt, ...), or why the lookup gave nothing.
    pub notes: Vec<String>,
    /// Whether the fields are read-only now (Vchasno activated: deactivate first).
    pub read_only: bool,
    /// The same reasons, typed: why the lookup gave nothing or only part.
    #[serde(default)]
    pub issues: Vec<PrefillIssue>,
    /// The VAT status: from the registry (a payer with its 12-digit number and registration date,
    /// or not a payer), or from the saved requisites; `None` when not known (see `issues`).
    #[serde(default)]
    pub vat: Option<VatStatus>,
    /// The registry's record as found (short name, status, КВЕД, contacts, data date), when the
    /// form came from the registry.
    #[serde(default)]
    pub registry: Option<RegistryRecord>,
}

impl RequisitesPrefill {
    /// The 12-digit VAT payer number (ІПН платника ПДВ), for a VAT payer.
    pub fn vat_number(&self) -> Option<&str> {
        self.vat.as_ref().and_then(VatStatus::number)
    }
}

/// The typed issues and the notes of a found record.
fn record_issues(record: &RegistryRecord) -> (Vec<PrefillIssue>, Vec<String>) {
    let mut issues = Vec::new();
    let mut notes = record.warnings.clone();
    if record.details.terminated {
        issues.push(PrefillIssue::Terminated);
    }
    if record.details.bankrupt {
        issues.push(PrefillIssue::Bankrupt);
    }
    if record.vat.is_none() {
        match &record.vat_unknown {
            Some(VatUnknown::Pending { retry_after_secs }) => {
                issues.push(PrefillIssue::VatPending {
                    retry_after_secs: *retry_after_secs,
                });
                notes.push(format!(
                    "the VAT register is refreshing the record: the VAT status is not known yet; \
                     try again in {retry_after_secs} s"
                ));
            }
            Some(VatUnknown::Failed { reason }) => {
                issues.push(PrefillIssue::VatUnknown {
                    reason: reason.clone(),
                });
                notes.push(format!("the VAT status is not known: {reason}"));
            }
            Some(VatUnknown::NotAsked) => {
                let reason = "the VAT register was not asked".to_string();
                notes.push(format!("the VAT status is not known: {reason}"));
                issues.push(PrefillIssue::VatUnknown { reason });
            }
            // The source has no VAT data (another registry): nothing to say.
            None => {}
        }
    }
    (issues, notes)
}

/// The contract an act names: the personal contract, else the accepted offer, else the fallback.
pub fn contract_reference(admin: &Admin, fallback: &str) -> String {
    if let Some(c) = admin.personal_contract() {
        return format!("Договір № {} від {}", c.number, date_short(c.date));
    }
    if let Some(o) = admin.offer() {
        return format!(
            "Договір публічної оферти (редакція {}), прийнятий {}",
            o.version,
            date_short(billing_core::calendar::kyiv_date(o.accepted_at))
        );
    }
    fallback.to_string()
}

fn document_error(e: &(impl ErrorCode + std::fmt::Display)) -> EngineError {
    EngineError::Document {
        code: e.code(),
        message: e.to_string(),
    }
}

impl Engine {
    /// The requisites form for a project: its saved requisites when there are some (and `tax_id`
    /// is empty or the same code); otherwise the registry's record for `tax_id` (the owner may
    /// still correct every field; the IBAN stays theirs). A missing, pending or failing lookup
    /// leaves the fields empty for the owner to fill in, with the reason in `issues` (typed) and
    /// `notes` (words). A VAT payer's 12-digit number is in `vat` (and `form.vat_number`).
    pub async fn requisites_prefill(
        &self,
        code: ServiceCode,
        tax_id: Option<&str>,
    ) -> Result<RequisitesPrefill, EngineError> {
        let project = self.project(code).await?;
        let paperwork = project.paperwork();
        let saved = paperwork.requisites();
        let wanted = tax_id.map(str::trim).filter(|s| !s.is_empty());
        let read_only = paperwork.is_activated();
        let prefill = |form, source, notes, issues, vat, registry| RequisitesPrefill {
            form,
            source,
            notes,
            read_only,
            issues,
            vat,
            registry,
        };
        if let Some(r) = saved.filter(|r| wanted.is_none_or(|t| t == r.tax_id.as_str())) {
            let vat = match &r.tax {
                RequisitesTax::VatPayer { number } => VatStatus::Payer {
                    number: number.clone(),
                    since: None,
                },
                RequisitesTax::SingleTax { .. } | RequisitesTax::General => VatStatus::NotPayer,
            };
            return Ok(prefill(
                r.to_form(),
                PrefillSource::Records,
                Vec::new(),
                Vec::new(),
                Some(vat),
                None,
            ));
        }
        let iban = saved.map(|r| r.iban.to_string()).unwrap_or_default();
        let Some(wanted) = wanted else {
            return Ok(prefill(
                RequisitesForm::default(),
                PrefillSource::None,
                Vec::new(),
                Vec::new(),
                None,
                None,
            ));
        };
        let tax_id = TaxId::parse(wanted).map_err(billing_core::Error::from)?;
        let blank = RequisitesForm {
            tax_id: tax_id.to_string(),
            iban: iban.clone(),
            ..RequisitesForm::default()
        };
        let nothing = |issue: PrefillIssue, note: String| {
            prefill(
                blank.clone(),
                PrefillSource::None,
                vec![note],
                vec![issue],
                None,
                None,
            )
        };
        Ok(match self.ports().registry.lookup(&tax_id).await {
            Ok(RegistryAnswer::Found(record)) => {
                let (issues, notes) = record_issues(&record);
                prefill(
                    RequisitesForm::from_registry(&record, &iban),
                    PrefillSource::Registry,
                    notes,
                    issues,
                    record.vat.clone(),
                    Some(record),
                )
            }
            Ok(RegistryAnswer::NotFound) => nothing(
                PrefillIssue::NotFound,
                "not found in the registry".to_string(),
            ),
            Ok(RegistryAnswer::Pending { retry_after_secs }) => nothing(
                PrefillIssue::Pending { retry_after_secs },
                format!("the registry is refreshing the record; try again in {retry_after_secs} s"),
            ),
            Err(e) => nothing(
                PrefillIssue::Failed {
                    code: e.code().to_string(),
                    message: e.to_string(),
                    retryable: e.is_retryable(),
                },
                format!("registry lookup failed: {e}"),
            ),
        })
    }

    /// "Save": stores the requisites (the integration stays not activated). Refused while Vchasno
    /// is activated, and for a form with any bad field (each named).
    pub async fn save_requisites(
        &self,
        code: ServiceCode,
        actor: &Actor,
        form: RequisitesForm,
    ) -> Result<Applied, EngineError> {
        self.execute(
            code,
            actor,
            &ProjectCommand::Paperwork(PaperworkCommand::SaveRequisites { form }),
            None,
        )
        .await
    }

    /// "Save and activate": stores the requisites, asks Vchasno whether the ЄДРПОУ/РНОКПП is
    /// registered, and activates. Not registered: `vchasno.not_registered`; Vchasno unreachable
    /// or rate limited: the retryable `vchasno.unreachable`; either way the requisites stay saved
    /// and the integration not activated. A refused token or request: [`EngineError::Vchasno`].
    pub async fn save_and_activate_vchasno(
        &self,
        code: ServiceCode,
        actor: &Actor,
        form: RequisitesForm,
    ) -> Result<Applied, EngineError> {
        self.save_requisites(code, actor, form).await?;
        self.activate_vchasno(code, actor).await
    }

    /// Activates Vchasno for the saved requisites (asks the port; see
    /// [`Engine::save_and_activate_vchasno`]).
    pub async fn activate_vchasno(
        &self,
        code: ServiceCode,
        actor: &Actor,
    ) -> Result<Applied, EngineError> {
        let project = self.project(code).await?;
        let tax_id = match project.paperwork().requisites() {
            Some(r) => r.tax_id,
            None => return Err(EngineError::Refused(PaperworkError::NoRequisites.into())),
        };
        let answer = if project.paperwork().is_activated() || project.is_deleted() {
            // No need to ask: the core answers (nothing to do, or refused).
            VchasnoAnswer::NotRegistered
        } else {
            match self.ports().vchasno.check_company(&tax_id).await {
                Ok(c) if c.registered => VchasnoAnswer::Registered { name: c.name },
                Ok(_) => VchasnoAnswer::NotRegistered,
                Err(VchasnoPortError::Unreachable(reason)) => VchasnoAnswer::Unavailable {
                    reason,
                    retry_after_secs: None,
                },
                Err(VchasnoPortError::RateLimited { retry_after_secs }) => {
                    VchasnoAnswer::Unavailable {
                        reason: "rate limited".to_string(),
                        retry_after_secs,
                    }
                }
                Err(e) => return Err(e.into()),
            }
        };
        self.execute(
            code,
            actor,
            &ProjectCommand::Paperwork(PaperworkCommand::Activate { tax_id, answer }),
            None,
        )
        .await
    }

    /// Deactivates Vchasno (requisites become editable again).
    pub async fn deactivate_vchasno(
        &self,
        code: ServiceCode,
        actor: &Actor,
    ) -> Result<Applied, EngineError> {
        self.execute(
            code,
            actor,
            &ProjectCommand::Paperwork(PaperworkCommand::Deactivate),
            None,
        )
        .await
    }

    /// The act of a closed month: drawn up and recorded, rendered as PDF, uploaded to Vchasno, and
    /// its document id recorded. A repeated request returns the act already sent; an act whose
    /// upload failed is uploaded on the next request, unless Vchasno already has a document of
    /// its number for its recipient (an upload whose answer or record was lost): then that
    /// document's id is recorded and nothing is uploaded. When that search fails, its error is
    /// returned and nothing is uploaded (ask again later).
    pub async fn request_act(
        &self,
        code: ServiceCode,
        actor: &Actor,
        month: BillingMonth,
    ) -> Result<Act, EngineError> {
        self.execute(
            code,
            actor,
            &ProjectCommand::Paperwork(PaperworkCommand::PrepareAct { month }),
            None,
        )
        .await?;
        let project = self.project(code).await?;
        let act = project
            .paperwork()
            .act_for(month)
            .cloned()
            .ok_or(EngineError::ProjectNotFound(code))?;
        if act.is_sent() {
            return Ok(act);
        }
        // The act is drawn up first: an act that cannot be (no seller configured, ...) is neither
        // searched for nor uploaded.
        let doc = self.act_document(&project, &act)?;
        let vchasno = &self.ports().vchasno;
        let document_id = match vchasno
            .find_act(&act.buyer.tax_id, &act.number, act.date)
            .await?
        {
            // Uploaded before, but never recorded: record that document, do not upload again.
            Some(id) => id,
            None => {
                let pdf = render_act_pdf(&doc)?;
                let upload = ActUpload {
                    recipient: act.buyer.tax_id,
                    recipient_email: project.admin().owner().map(|o| o.email.to_string()),
                    title: doc.title(),
                    number: act.number.clone(),
                    date: act.date,
                    amount: act.total,
                    file_name: act.file_name(),
                    pdf,
                };
                vchasno.upload_act(&upload).await?
            }
        };
        self.execute(
            code,
            &Actor::System,
            &ProjectCommand::Paperwork(PaperworkCommand::RecordActUploaded {
                number: act.number.clone(),
                document_id,
            }),
            None,
        )
        .await?;
        let project = self.project(code).await?;
        Ok(project.paperwork().act(&act.number).cloned().unwrap_or(act))
    }

    /// The printable act: seller from the configuration, buyer from the act, contract from the
    /// project's records.
    pub fn act_document(&self, project: &Project, act: &Act) -> Result<ActDocument, EngineError> {
        let seller = self.config().seller.as_ref().ok_or_else(|| {
            EngineError::Config("no seller requisites configured: acts cannot be drawn up".into())
        })?;
        let contract = contract_reference(project.admin(), &seller.contract);
        let mut doc = act
            .to_document(seller.party()?, contract)
            .map_err(|e| document_error(&e))?;
        if let (Some(position), Some(name)) = (&seller.signatory_position, &seller.signatory_name) {
            doc.seller_signatory = Some(Signatory {
                position: position.clone(),
                name: name.clone(),
            });
        }
        doc.validate().map_err(|e| document_error(&e))?;
        Ok(doc)
    }

    /// The PDF of an act of a project (for download), rendered again from the record.
    pub async fn act_pdf(&self, code: ServiceCode, number: &str) -> Result<Vec<u8>, EngineError> {
        let project = self.project(code).await?;
        let act = project.paperwork().act(number).ok_or_else(|| {
            EngineError::Refused(
                PaperworkError::UnknownAct {
                    number: number.to_string(),
                }
                .into(),
            )
        })?;
        render_act_pdf(&self.act_document(&project, act)?)
    }

    /// Reads the Vchasno statuses of a project's uploaded acts that may still change, and records
    /// the changes. Returns the acts whose status changed, with the new status.
    pub async fn poll_act_statuses(
        &self,
        code: ServiceCode,
    ) -> Result<Vec<(String, VchasnoStatus)>, EngineError> {
        let project = self.project(code).await?;
        let follow: Vec<(String, String, ActState)> = project
            .paperwork()
            .acts_to_follow()
            .filter_map(|a| Some((a.document_id.clone()?, a.number.clone(), a.state)))
            .collect();
        if follow.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = follow.iter().map(|f| f.0.clone()).collect();
        let statuses = self.ports().vchasno.statuses(&ids).await?;
        let mut changed = Vec::new();
        for (id, status) in statuses {
            let Some((_, number, state)) = follow.iter().find(|f| f.0 == id) else {
                continue;
            };
            if *state == ActState::InVchasno(status) {
                continue;
            }
            self.execute(
                code,
                &Actor::System,
                &ProjectCommand::Paperwork(PaperworkCommand::RecordActStatus {
                    number: number.clone(),
                    status,
                }),
                None,
            )
            .await?;
            changed.push((number.clone(), status));
        }
        Ok(changed)
    }

    /// The saved requisites of a project.
    pub async fn requisites(&self, code: ServiceCode) -> Result<Option<Requisites>, EngineError> {
        Ok(self.project(code).await?.paperwork().requisites().cloned())
    }
}

fn render_act_pdf(doc: &ActDocument) -> Result<Vec<u8>, EngineError> {
    billing_documents::render_act_pdf(doc).map_err(|e| document_error(&e))
}
