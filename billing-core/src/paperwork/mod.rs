//! The document side of billing (`Paperwork`): the buyer's requisites, the Vchasno (Вчасно.ЕДО)
//! integration, and the monthly acts of completed work sent through it.
//!
//! # Vchasno state machine
//! ```text
//!   (no requisites) --Save--> not activated --Activate(registered)--> activated
//!        ^                    |   ^   Activate(not registered | unreachable): refused, unchanged
//!        |                    |   |
//!        +------ Save --------+   +------------- Deactivate ---------------+
//! ```
//! - `SaveRequisites` stores checked requisites and leaves the integration not activated; it is
//!   refused while activated (`vchasno.edit_while_active`: deactivate first).
//! - `Activate` carries Vchasno's answer for the stored ЄДРПОУ/РНОКПП, which the engine asked
//!   through the [`crate::ports::Vchasno`] port: registered activates; not registered is refused
//!   with `vchasno.not_registered` (register in Vchasno first); unreachable with the retryable
//!   `vchasno.unreachable`. Either refusal changes nothing.
//! - `Deactivate` returns to not activated.
//!
//! # Acts
//! `PrepareAct` draws up the act of a closed billing month (see [`acts`]) and records it before
//! anything is sent (the attempt); `RecordActUploaded` records Vchasno's document id (the outcome),
//! after which the act is never uploaded again; `RecordActStatus` follows its status.
//!
//! ```
//! use billing_core::account::{Account, BillingPolicy};
//! use billing_core::paperwork::{Paperwork, PaperworkCommand, RequisitesForm, VchasnoAnswer};
//! use billing_core::{Actor, ErrorCode};
//! use chrono::{TimeZone, Utc};
//!
//! let code = "11111".parse()?;
//! let account = Account::new(code);
//! let now = Utc.with_ymd_and_hms(2026, 11, 3, 9, 0, 0).unwrap();
//! let policy = BillingPolicy::default();
//! let mut p = Paperwork::default();
//! let form = RequisitesForm {
//!     tax_id: "3652504575".into(),
//!     iban: "UA213223130000026007233566001".into(),
//!     name: "ФОП Петренко Олена Іванівна".into(),
//!     address: "м. Київ".into(),
//!     single_tax_group: Some(3),
//!     ..RequisitesForm::default()
//! };
//! let mut run = |p: &mut Paperwork, cmd| -> Result<(), billing_core::paperwork::PaperworkError> {
//!     for e in p.decide(&cmd, code, &account, now, &policy)? { p.apply(&e); }
//!     Ok(())
//! };
//! run(&mut p, PaperworkCommand::SaveRequisites { form })?;
//! let tax_id = "3652504575".parse()?;
//! let err = run(&mut p, PaperworkCommand::Activate { tax_id, answer: VchasnoAnswer::NotRegistered }).unwrap_err();
//! assert_eq!(err.code(), "vchasno.not_registered");
//! run(&mut p, PaperworkCommand::Activate { tax_id, answer: VchasnoAnswer::Registered { name: None } })?;
//! assert!(p.is_activated());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod acts;
pub mod form;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::account::{Account, BillingPolicy};
use crate::calendar::BillingMonth;
use crate::error::ErrorCode;
use crate::ids::ServiceCode;
use crate::money::MoneyError;
use crate::ports::VchasnoStatus;
use crate::requisites::TaxId;

pub use acts::{act_number, monthly_shares, Act, ActLine, ActState};
pub use form::{FieldError, Requisites, RequisitesForm, RequisitesTax};

/// Whether the Vchasno integration is on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum VchasnoState {
    /// Not activated (the initial state, and after any change of requisites).
    #[default]
    NotActivated,
    /// Activated: acts may be sent; requisites cannot be edited.
    Activated {
        /// When it was activated.
        since: DateTime<Utc>,
        /// The company's name in Vchasno, when it said.
        vchasno_name: Option<String>,
    },
}

/// Vchasno's answer to "is this ЄДРПОУ/РНОКПП registered?", as the engine got it from the port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VchasnoAnswer {
    /// Registered.
    Registered {
        /// Its name in Vchasno.
        name: Option<String>,
    },
    /// Not registered.
    NotRegistered,
    /// Vchasno could not be asked (unreachable, rate limited, token refused): try again.
    Unavailable {
        /// What went wrong.
        reason: String,
        /// The delay Vchasno asked for, if any.
        retry_after_secs: Option<u64>,
    },
}

/// A command to the document side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaperworkCommand {
    /// Save the requisites (refused while Vchasno is activated).
    SaveRequisites {
        /// The form.
        form: RequisitesForm,
    },
    /// Activate Vchasno, with its answer for `tax_id` (which must be the stored requisites').
    Activate {
        /// The code Vchasno was asked about.
        tax_id: TaxId,
        /// Its answer.
        answer: VchasnoAnswer,
    },
    /// Deactivate Vchasno.
    Deactivate,
    /// Draw up and record the act of a closed month (nothing if it exists already).
    PrepareAct {
        /// The month.
        month: BillingMonth,
    },
    /// Record that an act was uploaded to Vchasno.
    RecordActUploaded {
        /// The act's number.
        number: String,
        /// Vchasno's document id.
        document_id: String,
    },
    /// Record an act's status read from Vchasno (nothing if unchanged).
    RecordActStatus {
        /// The act's number.
        number: String,
        /// The status.
        status: VchasnoStatus,
    },
}

/// What happened on the document side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaperworkEvent {
    /// Requisites saved (the integration is not activated).
    RequisitesSaved {
        /// The requisites.
        requisites: Requisites,
    },
    /// Vchasno activated.
    VchasnoActivated {
        /// The code Vchasno confirmed.
        tax_id: TaxId,
        /// Its name in Vchasno.
        vchasno_name: Option<String>,
        /// When.
        at: DateTime<Utc>,
    },
    /// Vchasno deactivated.
    VchasnoDeactivated,
    /// An act was drawn up (the upload is attempted next).
    ActPrepared {
        /// The act.
        act: Act,
    },
    /// An act was uploaded to Vchasno.
    ActUploaded {
        /// Its number.
        number: String,
        /// Vchasno's document id.
        document_id: String,
    },
    /// An act's Vchasno status changed.
    ActStatusChanged {
        /// Its number.
        number: String,
        /// The new status.
        status: VchasnoStatus,
    },
}

/// Why a document-side command was refused. Nothing changes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaperworkError {
    /// The form has bad fields (each named, with its own code).
    #[error("the requisites form has {} bad field(s): {}", errors.len(), errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>().join(", "))]
    Form {
        /// Every bad field.
        errors: Vec<FieldError>,
    },
    /// Requisites cannot be edited while Vchasno is activated.
    #[error("deactivate the Vchasno integration before editing the requisites")]
    EditWhileActive,
    /// No requisites saved yet.
    #[error("save the requisites first")]
    NoRequisites,
    /// Vchasno was asked about another code than the stored requisites'.
    #[error("Vchasno was asked about {checked}, but the requisites name {stored}")]
    StaleCheck {
        /// The code checked.
        checked: TaxId,
        /// The stored code.
        stored: TaxId,
    },
    /// The company is not registered in Vchasno.
    #[error("{tax_id} is not registered in Vchasno: register the company in Vchasno (edo.vchasno.ua) first, then activate")]
    NotRegistered {
        /// The code.
        tax_id: TaxId,
    },
    /// Vchasno could not be asked: try again later.
    #[error("Vchasno is unreachable ({reason}); try again later")]
    Unreachable {
        /// What went wrong.
        reason: String,
        /// Suggested delay.
        retry_after_secs: Option<u64>,
    },
    /// Deactivate while not activated.
    #[error("the Vchasno integration is not activated")]
    NotActivated,
    /// An act was requested while Vchasno is not activated.
    #[error("acts are sent through Vchasno: activate the integration first")]
    ActsNeedVchasno,
    /// The month has not closed yet.
    #[error("the act of {month} can be drawn up only after the month closes")]
    MonthNotClosed {
        /// The month.
        month: BillingMonth,
    },
    /// No paid services in the month.
    #[error("no paid services in {month}: there is nothing to act")]
    NothingRendered {
        /// The month.
        month: BillingMonth,
    },
    /// No act with that number.
    #[error("no act {number}")]
    UnknownAct {
        /// The number.
        number: String,
    },
    /// An act was already uploaded with another document id.
    #[error("act {number} was already uploaded")]
    AlreadyUploaded {
        /// The number.
        number: String,
    },
    /// An amount overflowed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl PaperworkError {
    /// Whether trying again later may succeed (Vchasno unreachable).
    pub fn is_retryable(&self) -> bool {
        matches!(self, PaperworkError::Unreachable { .. })
    }
}

impl ErrorCode for PaperworkError {
    fn code(&self) -> &'static str {
        match self {
            PaperworkError::Form { .. } => "requisites.invalid",
            PaperworkError::EditWhileActive => "vchasno.edit_while_active",
            PaperworkError::NoRequisites => "requisites.missing",
            PaperworkError::StaleCheck { .. } => "vchasno.stale_check",
            PaperworkError::NotRegistered { .. } => "vchasno.not_registered",
            PaperworkError::Unreachable { .. } => "vchasno.unreachable",
            PaperworkError::NotActivated => "vchasno.not_activated",
            PaperworkError::ActsNeedVchasno => "act.vchasno_not_activated",
            PaperworkError::MonthNotClosed { .. } => "act.month_not_closed",
            PaperworkError::NothingRendered { .. } => "act.nothing_rendered",
            PaperworkError::UnknownAct { .. } => "act.unknown",
            PaperworkError::AlreadyUploaded { .. } => "act.already_uploaded",
            PaperworkError::Money(e) => e.code(),
        }
    }

    fn is_invalid_input(&self) -> bool {
        matches!(self, PaperworkError::Form { .. })
    }
}

/// The document side of a project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paperwork {
    requisites: Option<Requisites>,
    vchasno: VchasnoState,
    acts: Vec<Act>,
}

impl Paperwork {
    /// The saved requisites.
    pub fn requisites(&self) -> Option<&Requisites> {
        self.requisites.as_ref()
    }

    /// The Vchasno state.
    pub fn vchasno(&self) -> &VchasnoState {
        &self.vchasno
    }

    /// Whether Vchasno is activated.
    pub fn is_activated(&self) -> bool {
        matches!(self.vchasno, VchasnoState::Activated { .. })
    }

    /// The acts, oldest month first.
    pub fn acts(&self) -> &[Act] {
        &self.acts
    }

    /// The act of a month.
    pub fn act_for(&self, month: BillingMonth) -> Option<&Act> {
        self.acts.iter().find(|a| a.month == month)
    }

    /// The act with a number.
    pub fn act(&self, number: &str) -> Option<&Act> {
        self.acts.iter().find(|a| a.number == number)
    }

    /// Uploaded acts whose status may still change (to poll).
    pub fn acts_to_follow(&self) -> impl Iterator<Item = &Act> {
        self.acts.iter().filter(|a| match a.state {
            ActState::InVchasno(s) => a.document_id.is_some() && !s.is_final(),
            ActState::Prepared => false,
        })
    }

    /// Decides a command against the account's invoices at `now`.
    pub fn decide(
        &self,
        cmd: &PaperworkCommand,
        project: ServiceCode,
        account: &Account,
        now: DateTime<Utc>,
        policy: &BillingPolicy,
    ) -> Result<Vec<PaperworkEvent>, PaperworkError> {
        match cmd {
            PaperworkCommand::SaveRequisites { form } => {
                if self.is_activated() {
                    return Err(PaperworkError::EditWhileActive);
                }
                let requisites = form
                    .validate()
                    .map_err(|errors| PaperworkError::Form { errors })?;
                if self.requisites.as_ref() == Some(&requisites) {
                    return Ok(vec![]);
                }
                Ok(vec![PaperworkEvent::RequisitesSaved { requisites }])
            }
            PaperworkCommand::Activate { tax_id, answer } => {
                let stored = self
                    .requisites
                    .as_ref()
                    .ok_or(PaperworkError::NoRequisites)?;
                if self.is_activated() {
                    return Ok(vec![]);
                }
                if stored.tax_id != *tax_id {
                    return Err(PaperworkError::StaleCheck {
                        checked: *tax_id,
                        stored: stored.tax_id,
                    });
                }
                match answer {
                    VchasnoAnswer::Registered { name } => {
                        Ok(vec![PaperworkEvent::VchasnoActivated {
                            tax_id: *tax_id,
                            vchasno_name: name.clone(),
                            at: now,
                        }])
                    }
                    VchasnoAnswer::NotRegistered => {
                        Err(PaperworkError::NotRegistered { tax_id: *tax_id })
                    }
                    VchasnoAnswer::Unavailable {
                        reason,
                        retry_after_secs,
                    } => Err(PaperworkError::Unreachable {
                        reason: reason.clone(),
                        retry_after_secs: *retry_after_secs,
                    }),
                }
            }
            PaperworkCommand::Deactivate => {
                if !self.is_activated() {
                    return Err(PaperworkError::NotActivated);
                }
                Ok(vec![PaperworkEvent::VchasnoDeactivated])
            }
            PaperworkCommand::PrepareAct { month } => {
                if self.act_for(*month).is_some() {
                    return Ok(vec![]);
                }
                if !self.is_activated() {
                    return Err(PaperworkError::ActsNeedVchasno);
                }
                if BillingMonth::of(now) <= *month {
                    return Err(PaperworkError::MonthNotClosed { month: *month });
                }
                let buyer = self
                    .requisites
                    .clone()
                    .ok_or(PaperworkError::NoRequisites)?;
                let lines = acts::lines_for(account.invoices(), *month)?;
                if lines.is_empty() {
                    return Err(PaperworkError::NothingRendered { month: *month });
                }
                let act = acts::draw_up(project, *month, lines, policy.vat_rate, buyer, now)?;
                Ok(vec![PaperworkEvent::ActPrepared { act }])
            }
            PaperworkCommand::RecordActUploaded {
                number,
                document_id,
            } => {
                let act = self.act(number).ok_or_else(|| PaperworkError::UnknownAct {
                    number: number.clone(),
                })?;
                match &act.document_id {
                    Some(id) if id == document_id => Ok(vec![]),
                    Some(_) => Err(PaperworkError::AlreadyUploaded {
                        number: number.clone(),
                    }),
                    None => Ok(vec![PaperworkEvent::ActUploaded {
                        number: number.clone(),
                        document_id: document_id.clone(),
                    }]),
                }
            }
            PaperworkCommand::RecordActStatus { number, status } => {
                let act = self.act(number).ok_or_else(|| PaperworkError::UnknownAct {
                    number: number.clone(),
                })?;
                if act.state == ActState::InVchasno(*status) {
                    return Ok(vec![]);
                }
                Ok(vec![PaperworkEvent::ActStatusChanged {
                    number: number.clone(),
                    status: *status,
                }])
            }
        }
    }

    /// Applies an event. Never fails.
    pub fn apply(&mut self, event: &PaperworkEvent) {
        match event {
            PaperworkEvent::RequisitesSaved { requisites } => {
                self.requisites = Some(requisites.clone());
                self.vchasno = VchasnoState::NotActivated;
            }
            PaperworkEvent::VchasnoActivated {
                vchasno_name, at, ..
            } => {
                self.vchasno = VchasnoState::Activated {
                    since: *at,
                    vchasno_name: vchasno_name.clone(),
                };
            }
            PaperworkEvent::VchasnoDeactivated => self.vchasno = VchasnoState::NotActivated,
            PaperworkEvent::ActPrepared { act } => {
                if self.act_for(act.month).is_none() {
                    self.acts.push(act.clone());
                    self.acts.sort_by_key(|a| a.month);
                }
            }
            PaperworkEvent::ActUploaded {
                number,
                document_id,
            } => {
                if let Some(a) = self.acts.iter_mut().find(|a| &a.number == number) {
                    a.document_id = Some(document_id.clone());
                    a.state = ActState::InVchasno(VchasnoStatus::Uploaded);
                }
            }
            PaperworkEvent::ActStatusChanged { number, status } => {
                if let Some(a) = self.acts.iter_mut().find(|a| &a.number == number) {
                    a.state = ActState::InVchasno(*status);
                }
            }
        }
    }
}
