//! A project as one unit: its administration ([`Admin`]) and its billing account ([`Account`]).
//!
//! Commands go to one side or the other; the composition adds the rules that join them:
//! - a confirmed deletion also closes the account ([`AccountCommand::CloseForDeletion`]: open
//!   invoices cancelled, autopay off, no further invoices, charges, links or card bindings), in the
//!   same decision, so the two never disagree;
//! - a deleted project refuses every administration command (`project.deleted`), and its account
//!   records only money that was already under way, for support to settle;
//! - the account is never closed by a command of its own (`deletion.not_confirmed`).
//!
//! ```
//! use billing_core::account::BillingPolicy;
//! use billing_core::admin::{AdminCommand, DeletionChannel, DeletionReason, OwnerContact, Questionnaire};
//! use billing_core::project::{Project, ProjectCommand, ProjectEvent};
//! use billing_core::{Actor, AdminEvent, ErrorCode};
//! use chrono::{TimeZone, Utc};
//!
//! let policy = BillingPolicy::default();
//! let now = Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap();
//! let mut p = Project::new("00042".parse()?);
//! let owner = OwnerContact {
//!     full_name: "Олена Коваль".parse()?,
//!     email: "olena@shop.ua".parse()?,
//!     phone: "050 123 45 67".parse()?,
//! };
//! let admin = |c| ProjectCommand::Admin(c);
//! p.handle(&admin(AdminCommand::Register { owner }), &Actor::System, now, &policy)?;
//! p.handle(
//!     &admin(AdminCommand::RequestDeletion {
//!         channel: DeletionChannel::Panel,
//!         questionnaire: Questionnaire { reasons: vec![DeletionReason::ClosingBusiness], comment: None },
//!     }),
//!     &Actor::Owner,
//!     now,
//!     &policy,
//! )?;
//! let manager = Actor::Manager { id: "bob".into() };
//! let trail = p.handle(&admin(AdminCommand::ConfirmDeletion), &manager, now, &policy)?;
//! assert!(p.is_deleted() && p.account().is_closed());
//! assert!(trail.iter().any(|r| matches!(r.event, ProjectEvent::Admin(AdminEvent::DeletionConfirmed { .. }))));
//! let err = p.decide(&admin(AdminCommand::WithdrawDeletion), &Actor::Owner, now, &policy).unwrap_err();
//! assert_eq!(err.code(), "project.deleted");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::account::{Account, AccountCommand, AccountError, AccountEvent, BillingPolicy};
use crate::actor::{Actor, Audited};
use crate::admin::{Admin, AdminCommand, AdminError, AdminEvent};
use crate::error::{Error, ErrorCode};
use crate::ids::ServiceCode;
use crate::notification::Notification;
use crate::paperwork::{Paperwork, PaperworkCommand, PaperworkError, PaperworkEvent};
use crate::tax_invoice::{TaxCommand, TaxEvent, TaxInvoiceError, TaxLedger};

/// One project: administration and billing account, changed only through [`Project::handle`] (or
/// [`Project::decide`] then [`Project::apply`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    admin: Admin,
    account: Account,
    /// The document side (requisites, Vchasno, acts); absent in snapshots older than it.
    #[serde(default)]
    paperwork: Paperwork,
    /// The tax documents (ПН, РК); absent in snapshots older than them.
    #[serde(default)]
    tax: TaxLedger,
}

/// A command to a project: to its administration or to its billing account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "aggregate", content = "command", rename_all = "snake_case")]
pub enum ProjectCommand {
    /// An administration command.
    Admin(AdminCommand),
    /// A billing account command.
    Account(AccountCommand),
    /// A document-side command (requisites, Vchasno, acts).
    Paperwork(PaperworkCommand),
    /// A tax document command (ПН, РК).
    Tax(TaxCommand),
}

/// What happened to a project, on either side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "aggregate", content = "event", rename_all = "snake_case")]
pub enum ProjectEvent {
    /// An administration event.
    Admin(AdminEvent),
    /// A billing account event.
    Account(AccountEvent),
    /// A document-side event.
    Paperwork(PaperworkEvent),
    /// A tax document event.
    Tax(TaxEvent),
}

impl ProjectEvent {
    /// The notifications the platform must send for this event.
    pub fn notifications(&self, project: ServiceCode) -> Vec<Notification> {
        match self {
            ProjectEvent::Admin(e) => e.notifications(project),
            ProjectEvent::Account(e) => e.notifications(project),
            ProjectEvent::Paperwork(_) | ProjectEvent::Tax(_) => Vec::new(),
        }
    }
}

/// Why a project command was refused: the side that refused it says why. Nothing changes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    /// Refused by the administration.
    #[error(transparent)]
    Admin(#[from] AdminError),
    /// Refused by the billing account.
    #[error(transparent)]
    Account(#[from] AccountError),
    /// Refused by the document side.
    #[error(transparent)]
    Paperwork(#[from] PaperworkError),
    /// Refused by the tax documents.
    #[error(transparent)]
    Tax(#[from] TaxInvoiceError),
}

impl ErrorCode for ProjectError {
    fn code(&self) -> &'static str {
        match self {
            ProjectError::Admin(e) => e.code(),
            ProjectError::Account(e) => e.code(),
            ProjectError::Paperwork(e) => e.code(),
            ProjectError::Tax(e) => e.code(),
        }
    }

    fn is_invalid_input(&self) -> bool {
        match self {
            ProjectError::Admin(e) => e.is_invalid_input(),
            ProjectError::Account(e) => e.is_invalid_input(),
            ProjectError::Paperwork(e) => e.is_invalid_input(),
            ProjectError::Tax(e) => e.is_invalid_input(),
        }
    }
}

impl From<ProjectError> for Error {
    fn from(e: ProjectError) -> Error {
        match e {
            ProjectError::Admin(e) => Error::Admin(e),
            ProjectError::Account(e) => Error::Account(e),
            ProjectError::Paperwork(e) => Error::Paperwork(e),
            ProjectError::Tax(e) => Error::TaxInvoice(e),
        }
    }
}

impl Project {
    /// A new project: not registered, no billing yet.
    pub fn new(project: ServiceCode) -> Project {
        Project {
            admin: Admin::new(project),
            account: Account::new(project),
            paperwork: Paperwork::default(),
            tax: TaxLedger::default(),
        }
    }

    /// Rebuilds a project from its events, in order.
    pub fn replay<'a>(
        project: ServiceCode,
        events: impl IntoIterator<Item = &'a ProjectEvent>,
    ) -> Project {
        let mut p = Project::new(project);
        for e in events {
            p.apply(e);
        }
        p
    }

    /// The project's service code.
    pub fn service_code(&self) -> ServiceCode {
        self.admin.project()
    }

    /// The administration side.
    pub fn admin(&self) -> &Admin {
        &self.admin
    }

    /// The billing account side.
    pub fn account(&self) -> &Account {
        &self.account
    }

    /// The document side: requisites, Vchasno, acts.
    pub fn paperwork(&self) -> &Paperwork {
        &self.paperwork
    }

    /// The tax documents (ПН, РК).
    pub fn tax(&self) -> &TaxLedger {
        &self.tax
    }

    /// Whether the project is deleted.
    pub fn is_deleted(&self) -> bool {
        self.admin.is_deleted()
    }

    /// Decides a command. A confirmed deletion also decides [`AccountCommand::CloseForDeletion`]
    /// (with the same actor and time): both sides' events, or neither.
    pub fn decide(
        &self,
        cmd: &ProjectCommand,
        actor: &Actor,
        now: DateTime<Utc>,
        policy: &BillingPolicy,
    ) -> Result<Vec<ProjectEvent>, ProjectError> {
        match cmd {
            ProjectCommand::Admin(cmd) => {
                let admin_events = self.admin.decide(cmd, actor, now)?;
                let deletes = admin_events
                    .iter()
                    .any(|e| matches!(e, AdminEvent::DeletionConfirmed { .. }));
                let mut events: Vec<ProjectEvent> =
                    admin_events.into_iter().map(ProjectEvent::Admin).collect();
                if deletes {
                    let closing = self.account.decide(
                        &AccountCommand::CloseForDeletion,
                        actor,
                        now,
                        policy,
                    )?;
                    events.extend(closing.into_iter().map(ProjectEvent::Account));
                }
                Ok(events)
            }
            ProjectCommand::Account(AccountCommand::CloseForDeletion) => {
                Err(AdminError::DeletionNotConfirmed.into())
            }
            ProjectCommand::Paperwork(cmd) => {
                // A deleted project refuses paperwork changes; outcomes of uploads already under
                // way (document id, status) are still recorded.
                let outcome = matches!(
                    cmd,
                    PaperworkCommand::RecordActUploaded { .. }
                        | PaperworkCommand::RecordActStatus { .. }
                );
                if self.is_deleted() && !outcome {
                    return Err(AdminError::Deleted.into());
                }
                Ok(self
                    .paperwork
                    .decide(cmd, self.service_code(), &self.account, now, policy)?
                    .into_iter()
                    .map(ProjectEvent::Paperwork)
                    .collect())
            }
            // Tax documents follow money already received: also for a deleted project.
            ProjectCommand::Tax(cmd) => Ok(self
                .tax
                .decide(cmd)?
                .into_iter()
                .map(ProjectEvent::Tax)
                .collect()),
            ProjectCommand::Account(cmd) => Ok(self
                .account
                .decide(cmd, actor, now, policy)?
                .into_iter()
                .map(ProjectEvent::Account)
                .collect()),
        }
    }

    /// Applies an event to its side. Never fails.
    pub fn apply(&mut self, event: &ProjectEvent) {
        match event {
            ProjectEvent::Admin(e) => self.admin.apply(e),
            ProjectEvent::Account(e) => self.account.apply(e),
            ProjectEvent::Paperwork(e) => self.paperwork.apply(e),
            ProjectEvent::Tax(e) => self.tax.apply(e),
        }
    }

    /// Decides and applies a command, returning its events as audit records (actor and time).
    pub fn handle(
        &mut self,
        cmd: &ProjectCommand,
        actor: &Actor,
        now: DateTime<Utc>,
        policy: &BillingPolicy,
    ) -> Result<Vec<Audited<ProjectEvent>>, ProjectError> {
        let events = self.decide(cmd, actor, now, policy)?;
        Ok(events
            .into_iter()
            .map(|event| {
                self.apply(&event);
                Audited {
                    at: now,
                    actor: actor.clone(),
                    event,
                }
            })
            .collect())
    }
}
