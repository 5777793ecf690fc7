//! The document side of the engine in Node: requisites, the Vchasno integration, acts of
//! completed work and their PDFs (`billing_engine::paperwork`), and invoice PDFs, as more
//! `Engine` methods.
//!
//! The conversions destructure the core's types field by field, so a field the core adds fails the
//! build until the binding has it. Money stays a decimal string, dates `YYYY-MM-DD`, months
//! `YYYY-MM`, instants `Date`, enums their snake_case names.

use billing_core::paperwork::{
    Act as CoreAct, ActLine as CoreActLine, ActState, Requisites as CoreRequisites,
    RequisitesForm as CoreForm, RequisitesTax as CoreTax,
};
use billing_core::{Actor as CoreActor, BillingMonth};
use billing_engine::paperwork::{PrefillIssue as CoreIssue, RequisitesPrefill as CorePrefill};
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use serde_json::Value;

use crate::engine::{command_result, parse_actor, parse_code, to_json, CommandResult, Engine};
use crate::instant::Instant;
use crate::ports::{RegistryAnswer, VatStatus};
use crate::reply::{call, Failure, Reply};

/// The requisites form (реквізити) as the owner types it, or as `requisitesPrefill` fills it in:
/// raw text, checked by the core when saved (every bad field named in the error's `errors`).
#[napi(object)]
pub struct RequisitesForm {
    /// ЄДРПОУ (company, 8 digits) or РНОКПП (sole proprietor, 10 digits). Required.
    pub tax_id: String,
    /// The current account, `UA` + 27 characters. Required.
    pub iban: String,
    /// Company name, or the sole proprietor's full name (ПІБ). Required.
    pub name: String,
    /// Registered address. Required.
    pub address: String,
    /// Director (керівник): required for a company, ignored for a sole proprietor.
    pub director: Option<String>,
    /// The 12-digit VAT payer number (ІПН платника ПДВ), for a VAT payer.
    pub vat_number: Option<String>,
    /// The single-tax group (1..=4), for a single-tax payer.
    pub single_tax_group: Option<u32>,
}

impl RequisitesForm {
    fn from_core(form: CoreForm) -> RequisitesForm {
        let CoreForm {
            tax_id,
            iban,
            name,
            address,
            director,
            vat_number,
            single_tax_group,
        } = form;
        RequisitesForm {
            tax_id,
            iban,
            name,
            address,
            director,
            vat_number,
            single_tax_group: single_tax_group.map(u32::from),
        }
    }

    fn into_core(self) -> Result<CoreForm, Failure> {
        let RequisitesForm {
            tax_id,
            iban,
            name,
            address,
            director,
            vat_number,
            single_tax_group,
        } = self;
        let single_tax_group = single_tax_group
            .map(u8::try_from)
            .transpose()
            .map_err(|_| Failure::new("input.invalid", "singleTaxGroup: out of range"))?;
        Ok(CoreForm {
            tax_id,
            iban,
            name,
            address,
            director,
            vat_number,
            single_tax_group,
        })
    }
}

/// A requisites form to show, prefilled where possible.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct RequisitesPrefill {
    /// The form.
    pub form: RequisitesForm,
    /// Where its values came from: the project's own records, the registry lookup, or nothing
    /// (the owner fills the fields in).
    #[napi(ts_type = "'records' | 'registry' | 'none'")]
    pub source: String,
    /// The registry's warnings (terminated, bankrupt, ...), or why the lookup gave nothing.
    pub notes: Vec<String>,
    /// Whether the fields are read-only now (Vchasno activated: deactivate first).
    pub read_only: bool,
    /// The same reasons as `notes`, typed: why the lookup gave nothing or only part.
    pub issues: Vec<PrefillIssue>,
    /// The VAT status: from the registry (a payer with its 12-digit number, or not a payer), or
    /// from the saved requisites; `null` when not known (see `issues`).
    pub vat: Option<VatStatus>,
    /// The registry's answer the form came from (always `kind: 'found'`), with its details.
    pub registry: Option<RegistryAnswer>,
}

impl RequisitesPrefill {
    fn from_core(prefill: CorePrefill) -> Result<RequisitesPrefill, Failure> {
        let CorePrefill {
            form,
            source,
            notes,
            read_only,
            issues,
            vat,
            registry,
        } = prefill;
        Ok(RequisitesPrefill {
            form: RequisitesForm::from_core(form),
            source: snake_name(&source)?,
            notes,
            read_only,
            issues: issues.into_iter().map(PrefillIssue::from_core).collect(),
            vat: vat.map(VatStatus::from_core),
            registry: registry
                .map(|r| RegistryAnswer::from_core(billing_core::ports::RegistryAnswer::Found(r))),
        })
    }
}

/// Why the registry filled in nothing, or only part of the form.
#[napi(discriminant = "kind", discriminant_case = "snake_case")]
pub enum PrefillIssue {
    /// The code is not in the registry.
    NotFound,
    /// The registry is refreshing the record: ask again after the delay (not "not found").
    Pending {
        /// Suggested delay in seconds.
        retry_after_secs: u32,
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
    /// Found, but the VAT register is refreshing the record: the VAT status is not known yet
    /// (not "not a payer"); ask again after the delay.
    VatPending {
        /// Suggested delay in seconds.
        retry_after_secs: u32,
    },
    /// Found, but its VAT status is not known: the owner states it.
    VatUnknown {
        /// Why.
        reason: String,
    },
    /// The registry says the company or proprietor is terminated or being terminated.
    Terminated,
    /// The registry has a bankruptcy case on record.
    Bankrupt,
}

impl PrefillIssue {
    fn from_core(issue: CoreIssue) -> PrefillIssue {
        let secs = |s: u64| u32::try_from(s).unwrap_or(u32::MAX);
        match issue {
            CoreIssue::NotFound => PrefillIssue::NotFound,
            CoreIssue::Pending { retry_after_secs } => PrefillIssue::Pending {
                retry_after_secs: secs(retry_after_secs),
            },
            CoreIssue::Failed {
                code,
                message,
                retryable,
            } => PrefillIssue::Failed {
                code,
                message,
                retryable,
            },
            CoreIssue::VatPending { retry_after_secs } => PrefillIssue::VatPending {
                retry_after_secs: secs(retry_after_secs),
            },
            CoreIssue::VatUnknown { reason } => PrefillIssue::VatUnknown { reason },
            CoreIssue::Terminated => PrefillIssue::Terminated,
            CoreIssue::Bankrupt => PrefillIssue::Bankrupt,
        }
    }
}

/// A party's tax status on its requisites.
#[napi(discriminant = "kind", discriminant_case = "snake_case")]
pub enum RequisitesTax {
    /// A VAT payer (платник ПДВ) with its 12-digit number.
    VatPayer {
        /// The 12 digits.
        number: String,
    },
    /// A single-tax payer (платник єдиного податку) of a group 1..=4.
    SingleTax {
        /// The group.
        group: u32,
    },
    /// The general system, not a VAT payer.
    General,
}

/// Checked requisites of the buyer (замовник) that acts are addressed to.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Requisites {
    /// ЄДРПОУ or РНОКПП.
    pub tax_id: String,
    /// The current account, electronic form.
    pub iban: String,
    /// Company name or the proprietor's full name.
    pub name: String,
    /// Registered address.
    pub address: String,
    /// The director (companies only).
    pub director: Option<String>,
    /// Tax status.
    pub tax: RequisitesTax,
}

impl Requisites {
    fn from_core(requisites: CoreRequisites) -> Requisites {
        let CoreRequisites {
            tax_id,
            iban,
            name,
            address,
            director,
            tax,
        } = requisites;
        Requisites {
            tax_id: tax_id.to_string(),
            iban: iban.to_string(),
            name,
            address,
            director,
            tax: match tax {
                CoreTax::VatPayer { number } => RequisitesTax::VatPayer { number },
                CoreTax::SingleTax { group } => RequisitesTax::SingleTax {
                    group: group.into(),
                },
                CoreTax::General => RequisitesTax::General,
            },
        }
    }
}

/// One service line of an act.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ActLine {
    /// What was rendered, as printed.
    pub description: String,
    /// The unit (`міс.`).
    pub unit: String,
    /// The quantity (always one month).
    pub quantity: u32,
    /// The price of the unit, the month's share: a decimal string.
    pub price: String,
    /// The line total (VAT included when the act has VAT): a decimal string.
    pub total: String,
    /// The invoice the share comes from.
    pub invoice: String,
    /// The share's position in its paid period: `[n, of]`, e.g. `[12, 12]` for the last.
    #[napi(ts_type = "[number, number]")]
    pub share: Vec<u32>,
}

/// An act of completed work (акт наданих послуг) for one billing month.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Act {
    /// `A-11111-2026-10`.
    pub number: String,
    /// The billing month, `YYYY-MM`.
    pub month: String,
    /// The act's date (the month's last day), `YYYY-MM-DD`.
    pub date: String,
    /// The services.
    pub lines: Vec<ActLine>,
    /// The total, VAT included: a decimal string.
    pub total: String,
    /// The VAT rate.
    #[napi(ts_type = "'none' | 'standard20'")]
    pub vat_rate: String,
    /// The VAT included in the total, if any: a decimal string.
    pub vat: Option<String>,
    /// The total in words (`Сто гривень 00 копійок`).
    pub total_in_words: String,
    /// The buyer's requisites as they were when the act was drawn up.
    pub buyer: Requisites,
    /// When the act was drawn up.
    #[napi(ts_type = "Date")]
    pub prepared_at: Instant,
    /// Vchasno's document id, once uploaded.
    pub document_id: Option<String>,
    /// `prepared` (the upload has not succeeded yet), or the act's last known Vchasno status.
    #[napi(
        ts_type = "'prepared' | 'uploaded' | 'sent' | 'signed_by_us' | 'signed_by_recipient' | 'signed_by_both' | 'rejected' | 'annulled'"
    )]
    pub status: String,
}

impl Act {
    fn from_core(act: CoreAct) -> Result<Act, Failure> {
        let CoreAct {
            number,
            month,
            date,
            lines,
            total,
            vat_rate,
            vat,
            total_in_words,
            buyer,
            prepared_at,
            document_id,
            state,
        } = act;
        Ok(Act {
            number,
            month: month.to_string(),
            date: date.format("%Y-%m-%d").to_string(),
            lines: lines.into_iter().map(act_line).collect(),
            total: total.to_string(),
            vat_rate: snake_name(&vat_rate)?,
            vat: vat.map(|v| v.to_string()),
            total_in_words,
            buyer: Requisites::from_core(buyer),
            prepared_at: Instant(prepared_at),
            document_id,
            status: match state {
                ActState::Prepared => "prepared".to_string(),
                ActState::InVchasno(status) => snake_name(&status)?,
            },
        })
    }
}

fn act_line(line: CoreActLine) -> ActLine {
    let CoreActLine {
        description,
        unit,
        quantity,
        price,
        total,
        invoice,
        share,
    } = line;
    ActLine {
        description,
        unit,
        quantity,
        price: price.to_string(),
        total: total.to_string(),
        invoice: invoice.to_string(),
        share: vec![share.0, share.1],
    }
}

/// An act whose Vchasno status changed, as `pollActStatuses` reports it.
#[napi(object, object_from_js = false)]
pub struct ActStatusChange {
    /// The act's number.
    pub number: String,
    /// Its new status.
    #[napi(
        ts_type = "'uploaded' | 'sent' | 'signed_by_us' | 'signed_by_recipient' | 'signed_by_both' | 'rejected' | 'annulled'"
    )]
    pub status: String,
}

/// The snake_case name of a unit-variant enum, from its serde form.
fn snake_name<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    match to_json(value)? {
        Value::String(name) => Ok(name),
        other => Err(Failure::new(
            "binding.conversion",
            format!("expected a name, got {other}"),
        )),
    }
}

/// The actor of a document-side command: the owner unless given.
fn owner_unless(actor: Option<Value>) -> Result<CoreActor, Failure> {
    match actor {
        None | Some(Value::Null) => Ok(CoreActor::Owner),
        given => parse_actor(given),
    }
}

#[napi]
impl Engine {
    /// The requisites form for a project: its saved requisites when there are some (and `taxId` is
    /// omitted or the same code), otherwise the registry's record for `taxId` (the `registry`
    /// port). A missing or failing lookup leaves the fields for the owner, with the reason in
    /// `notes`; a malformed `taxId` rejects with its code (`edrpou.checksum`, ...).
    #[napi(
        ts_args_type = "serviceCode: string, taxId?: string | null",
        ts_return_type = "Promise<RequisitesPrefill>"
    )]
    pub async fn requisites_prefill(
        &self,
        service_code: String,
        tax_id: Option<String>,
    ) -> Reply<RequisitesPrefill> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let prefill = engine
                .requisites_prefill(code, tax_id.as_deref())
                .await
                .map_err(Failure::engine)?;
            RequisitesPrefill::from_core(prefill)
        })
        .await
    }

    /// "Save": stores the requisites; the Vchasno integration stays (or becomes) not activated.
    /// A form with bad fields rejects with `requisites.invalid` and saves nothing: the error's
    /// `errors` lists each field with its own code. While Vchasno is activated:
    /// `vchasno.edit_while_active` (deactivate first). The actor defaults to the owner.
    #[napi(
        ts_args_type = "serviceCode: string, form: RequisitesForm, actor?: 'owner' | 'system' | Actor",
        ts_return_type = "Promise<CommandResult>"
    )]
    pub async fn save_requisites(
        &self,
        service_code: String,
        form: RequisitesForm,
        actor: Option<Value>,
    ) -> Reply<CommandResult> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let form = form.into_core()?;
            let actor = owner_unless(actor)?;
            let applied = engine
                .save_requisites(code, &actor, form)
                .await
                .map_err(Failure::engine)?;
            command_result(applied)
        })
        .await
    }

    /// "Save and activate": stores the requisites, asks Vchasno whether the ЄДРПОУ/РНОКПП is
    /// registered, and activates. Not registered: `vchasno.not_registered` (register the company
    /// in Vchasno first); Vchasno unreachable: the retryable `vchasno.unreachable`; either way
    /// the requisites stay saved and the integration not activated. Resolves to the activation.
    #[napi(
        ts_args_type = "serviceCode: string, form: RequisitesForm, actor?: 'owner' | 'system' | Actor",
        ts_return_type = "Promise<CommandResult>"
    )]
    pub async fn save_and_activate_vchasno(
        &self,
        service_code: String,
        form: RequisitesForm,
        actor: Option<Value>,
    ) -> Reply<CommandResult> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let form = form.into_core()?;
            let actor = owner_unless(actor)?;
            let applied = engine
                .save_and_activate_vchasno(code, &actor, form)
                .await
                .map_err(Failure::engine)?;
            command_result(applied)
        })
        .await
    }

    /// Activates Vchasno for the saved requisites (asks the Vchasno port; the refusals of
    /// `saveAndActivateVchasno`, and `requisites.missing` before any save).
    #[napi(
        ts_args_type = "serviceCode: string, actor?: 'owner' | 'system' | Actor",
        ts_return_type = "Promise<CommandResult>"
    )]
    pub async fn activate_vchasno(
        &self,
        service_code: String,
        actor: Option<Value>,
    ) -> Reply<CommandResult> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let actor = owner_unless(actor)?;
            command_result(engine.activate_vchasno(code, &actor).await?)
        })
        .await
    }

    /// Deactivates Vchasno: the requisites become editable again (`vchasno.not_activated` when
    /// it is not activated).
    #[napi(
        ts_args_type = "serviceCode: string, actor?: 'owner' | 'system' | Actor",
        ts_return_type = "Promise<CommandResult>"
    )]
    pub async fn deactivate_vchasno(
        &self,
        service_code: String,
        actor: Option<Value>,
    ) -> Reply<CommandResult> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let actor = owner_unless(actor)?;
            command_result(engine.deactivate_vchasno(code, &actor).await?)
        })
        .await
    }

    /// The act of a closed billing month (`'2026-10'`): drawn up, rendered, uploaded to Vchasno
    /// once; a repeated request resolves to the act already sent. Refusals:
    /// `act.month_not_closed`, `act.vchasno_not_activated`, `act.nothing_rendered`,
    /// `engine.config` (no seller configured), `vchasno.*` (the upload failed: asking again
    /// uploads it), a document code (`document.*`, `render.*`) when it cannot be drawn up.
    #[napi(
        ts_args_type = "serviceCode: string, month: string, actor?: 'owner' | 'system' | Actor",
        ts_return_type = "Promise<Act>"
    )]
    pub async fn request_act(
        &self,
        service_code: String,
        month: String,
        actor: Option<Value>,
    ) -> Reply<Act> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let month: BillingMonth = month.parse()?;
            let actor = owner_unless(actor)?;
            Act::from_core(engine.request_act(code, &actor, month).await?)
        })
        .await
    }

    /// The PDF of an act (for download), rendered again from the record: a `Buffer`. An unknown
    /// number is `act.unknown`.
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub async fn act_pdf(&self, service_code: String, number: String) -> Reply<Buffer> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            Ok(engine.act_pdf(code, &number).await?.into())
        })
        .await
    }

    /// Reads the Vchasno statuses of the project's acts that may still change and records the
    /// changes; resolves to the acts whose status changed.
    #[napi(ts_return_type = "Promise<ActStatusChange[]>")]
    pub async fn poll_act_statuses(&self, service_code: String) -> Reply<Vec<ActStatusChange>> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            engine
                .poll_act_statuses(code)
                .await?
                .into_iter()
                .map(|(number, status)| {
                    Ok(ActStatusChange {
                        number,
                        status: snake_name(&status)?,
                    })
                })
                .collect()
        })
        .await
    }

    /// The PDF of an invoice (рахунок на оплату) with the NBU payment QR code, for download: a
    /// `Buffer`. The seller comes from the configuration (`engine.config` without one), the buyer
    /// from the saved requisites (before any save: the owner, by name and email). A malformed number
    /// rejects with its `invoice_number.*` code, an unknown one with `invoice.unknown`.
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub async fn invoice_pdf(&self, service_code: String, number: String) -> Reply<Buffer> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            Ok(engine.invoice_pdf(code, &number).await?.into())
        })
        .await
    }

    /// The project's saved requisites, or `null` before any save.
    #[napi(ts_return_type = "Promise<Requisites | null>")]
    pub async fn requisites(&self, service_code: String) -> Reply<Option<Requisites>> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            Ok(engine.requisites(code).await?.map(Requisites::from_core))
        })
        .await
    }
}
