//! The project's administration (the account side of the billing section): the owner contact and the
//! requests that change it, connected domains, contracts, and deletion.
//!
//! Like the billing account it is a pure aggregate: [`Admin::decide`] turns a command, its [`Actor`]
//! and the current time into events or a typed [`AdminError`] (nothing changes on an error), and
//! [`Admin::apply`] folds an event into the state and never fails. The events are the audit trail;
//! [`Admin::handle`] does both and wraps each event in an [`Audited`] record.
//!
//! The rules:
//! - The owner contact changes only when support applies a change request, and a change request is
//!   recorded only when it was sent from the owner's current email (same mailbox, any case).
//! - At most one change request, one personal-contract request and one deletion request wait at a
//!   time.
//! - Exactly one connected domain is primary while any are connected; the primary one can be removed
//!   only when it is the last.
//! - A deletion request comes from the owner in the panel, or by email from the owner's address, with
//!   the questionnaire answered; a manager confirms it (or it is withdrawn). Confirmation rejects the
//!   requests still waiting, disconnects the domains, and deletes the project: afterwards every
//!   command is refused with `project.deleted`.
//!
//! Who may do what:
//!
//! | command | actors |
//! | --- | --- |
//! | `register` | system, support |
//! | `add_domain`, `remove_domain`, `set_primary_domain` | owner, support |
//! | `receive_change_request` | support, system (the mail intake) |
//! | `apply_change_request`, `reject_change_request` | support |
//! | `accept_offer` | owner |
//! | `request_personal_contract` | owner, support |
//! | `record_personal_contract`, `decline_personal_contract` | support |
//! | `request_deletion` | owner (panel); support, system (email) |
//! | `withdraw_deletion` | owner, support, manager |
//! | `confirm_deletion` | manager |
//!
//! ```
//! use billing_core::admin::{Admin, AdminCommand, OwnerContact};
//! use billing_core::{Actor, ErrorCode, ServiceCode};
//! use chrono::{TimeZone, Utc};
//!
//! let now = Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap();
//! let owner = OwnerContact {
//!     full_name: "Олена Коваль".parse()?,
//!     email: "olena@shop.ua".parse()?,
//!     phone: "050 123 45 67".parse()?,
//! };
//! let mut admin = Admin::new(ServiceCode::parse("00042")?);
//! admin.handle(&AdminCommand::Register { owner: owner.clone() }, &Actor::System, now).unwrap();
//!
//! // A change request from another address is refused.
//! let cmd = AdminCommand::ReceiveChangeRequest {
//!     sender: "attacker@mail.ua".parse()?,
//!     kind: billing_core::admin::ChangeKind::ContactChange,
//!     new_contact: OwnerContact { email: "attacker@mail.ua".parse()?, ..owner.clone() },
//! };
//! let support = Actor::Support { id: "ann".into() };
//! let err = admin.decide(&cmd, &support, now).unwrap_err();
//! assert_eq!(err.code(), "change_request.wrong_sender");
//! assert_eq!(admin.owner(), Some(&owner));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod contract;
pub mod deletion;
pub mod domain;
pub mod owner;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Kyiv;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Audited};
use crate::contact::Email;
use crate::error::ErrorCode;
use crate::ids::ServiceCode;
use crate::notification::Notification;

pub use contract::{ContractRequest, ContractRequestStatus, OfferAcceptance, PersonalContract};
pub use deletion::{
    DeletionChannel, DeletionReason, DeletionRequest, DeletionStatus, Questionnaire,
};
pub use domain::{ConnectedDomain, DomainError, DomainName};
pub use owner::{
    ChangeKind, ChangeRequest, ChangeRequestId, OwnerContact, PersonName, PersonNameError,
    RejectReason, RequestStatus,
};

/// The comment recorded on a personal-contract request declined because the project was deleted.
pub const PROJECT_DELETED_COMMENT: &str = "project deleted";

/// A project's administration state, rebuilt by applying its [`AdminEvent`]s in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Admin {
    project: ServiceCode,
    registered_at: Option<DateTime<Utc>>,
    owner: Option<OwnerContact>,
    owner_since: Option<DateTime<Utc>>,
    domains: Vec<ConnectedDomain>,
    change_requests: Vec<ChangeRequest>,
    offer: Option<OfferAcceptance>,
    personal_contract: Option<PersonalContract>,
    contract_request: Option<ContractRequest>,
    deletion: Option<DeletionRequest>,
}

/// A command to the administration aggregate. Every command is given with its [`Actor`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum AdminCommand {
    /// Creates the project's administration record with its owner.
    Register {
        /// The owner contact given at sign-up.
        owner: OwnerContact,
    },
    /// Connects a domain; the first one connected becomes primary.
    AddDomain {
        /// The domain.
        domain: DomainName,
    },
    /// Disconnects a domain (the primary one only when it is the last).
    RemoveDomain {
        /// The domain.
        domain: DomainName,
    },
    /// Makes a connected domain the primary one.
    SetPrimaryDomain {
        /// The domain.
        domain: DomainName,
    },
    /// Records a request (received by email) to change the owner contact or transfer ownership.
    /// Refused unless `sender` is the owner's current email.
    ReceiveChangeRequest {
        /// The address the request was sent from.
        sender: Email,
        /// What it asks for.
        kind: ChangeKind,
        /// The contact it asks for.
        new_contact: OwnerContact,
    },
    /// Applies a pending change request: the owner contact becomes the requested one.
    ApplyChangeRequest {
        /// The request.
        id: ChangeRequestId,
    },
    /// Rejects a pending change request, with a comment for the owner.
    RejectChangeRequest {
        /// The request.
        id: ChangeRequestId,
        /// Why (required).
        comment: String,
    },
    /// The owner accepts (a version of) the public offer.
    AcceptOffer {
        /// The offer's version label.
        version: String,
        /// Where that version is published (`https://`).
        link: String,
    },
    /// Asks for a personal contract; recorded for support.
    RequestPersonalContract {
        /// Details for support.
        comment: Option<String>,
    },
    /// Records a signed personal contract (fulfilling a pending request, if any).
    RecordPersonalContract {
        /// Its number.
        number: String,
        /// The date it was signed; not later than today in Kyiv.
        date: NaiveDate,
        /// A reference to the signed document in storage.
        document: String,
    },
    /// Declines the pending personal-contract request, with a comment for the owner.
    DeclinePersonalContract {
        /// Why (required).
        comment: String,
    },
    /// Asks to delete the project, with the questionnaire answered.
    RequestDeletion {
        /// How the request came (the panel, or an email from the owner's address).
        channel: DeletionChannel,
        /// The answers.
        questionnaire: Questionnaire,
    },
    /// Withdraws the pending deletion request: the project goes on.
    WithdrawDeletion,
    /// A manager confirms the pending deletion request: the project is deleted.
    ConfirmDeletion,
}

impl AdminCommand {
    /// The command's name, as in its serialised `command` tag (`apply_change_request`).
    pub fn name(&self) -> &'static str {
        match self {
            AdminCommand::Register { .. } => "register",
            AdminCommand::AddDomain { .. } => "add_domain",
            AdminCommand::RemoveDomain { .. } => "remove_domain",
            AdminCommand::SetPrimaryDomain { .. } => "set_primary_domain",
            AdminCommand::ReceiveChangeRequest { .. } => "receive_change_request",
            AdminCommand::ApplyChangeRequest { .. } => "apply_change_request",
            AdminCommand::RejectChangeRequest { .. } => "reject_change_request",
            AdminCommand::AcceptOffer { .. } => "accept_offer",
            AdminCommand::RequestPersonalContract { .. } => "request_personal_contract",
            AdminCommand::RecordPersonalContract { .. } => "record_personal_contract",
            AdminCommand::DeclinePersonalContract { .. } => "decline_personal_contract",
            AdminCommand::RequestDeletion { .. } => "request_deletion",
            AdminCommand::WithdrawDeletion => "withdraw_deletion",
            AdminCommand::ConfirmDeletion => "confirm_deletion",
        }
    }

    /// Whether `actor` may issue this command (the table in the [module docs](self)).
    pub fn allows(&self, actor: &Actor) -> bool {
        let owner = matches!(actor, Actor::Owner);
        let support = matches!(actor, Actor::Support { .. });
        let manager = matches!(actor, Actor::Manager { .. });
        let system = matches!(actor, Actor::System);
        match self {
            AdminCommand::Register { .. } => system || support,
            AdminCommand::AddDomain { .. }
            | AdminCommand::RemoveDomain { .. }
            | AdminCommand::SetPrimaryDomain { .. } => owner || support,
            AdminCommand::ReceiveChangeRequest { .. } => support || system,
            AdminCommand::ApplyChangeRequest { .. } | AdminCommand::RejectChangeRequest { .. } => {
                support
            }
            AdminCommand::AcceptOffer { .. } => owner,
            AdminCommand::RequestPersonalContract { .. } => owner || support,
            AdminCommand::RecordPersonalContract { .. }
            | AdminCommand::DeclinePersonalContract { .. } => support,
            AdminCommand::RequestDeletion { channel, .. } => match channel {
                DeletionChannel::Panel => owner,
                DeletionChannel::Email { .. } => support || system,
            },
            AdminCommand::WithdrawDeletion => owner || support || manager,
            AdminCommand::ConfirmDeletion => manager,
        }
    }
}

/// What happened to a project's administration. Each event is self-contained: it carries what the
/// audit trail needs to show the change without the state it was applied to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AdminEvent {
    /// The project was registered with its owner.
    Registered {
        /// The owner contact.
        owner: OwnerContact,
        /// When.
        at: DateTime<Utc>,
    },
    /// A domain was connected.
    DomainAdded {
        /// The domain.
        domain: DomainName,
        /// Whether it became the primary one.
        primary: bool,
        /// When.
        at: DateTime<Utc>,
    },
    /// A domain was disconnected.
    DomainRemoved {
        /// The domain.
        domain: DomainName,
        /// When.
        at: DateTime<Utc>,
    },
    /// Another connected domain became the primary one.
    PrimaryDomainSet {
        /// The new primary domain.
        domain: DomainName,
        /// When.
        at: DateTime<Utc>,
    },
    /// A change request from the owner's address was recorded, pending.
    ChangeRequestReceived {
        /// Its number.
        id: ChangeRequestId,
        /// What it asks for.
        kind: ChangeKind,
        /// The contact it asks for.
        new_contact: OwnerContact,
        /// The address it came from.
        sender: Email,
        /// Who recorded it.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
    /// Support applied a change request: the owner contact is now `owner`.
    ChangeRequestApplied {
        /// The request.
        id: ChangeRequestId,
        /// What it asked for.
        kind: ChangeKind,
        /// The contact before.
        previous: OwnerContact,
        /// The contact now.
        owner: OwnerContact,
        /// Who applied it.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
    /// A change request was rejected.
    ChangeRequestRejected {
        /// The request.
        id: ChangeRequestId,
        /// Why.
        reason: RejectReason,
        /// Who rejected it.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
    /// The owner accepted the public offer.
    OfferAccepted {
        /// The version.
        version: String,
        /// Its link.
        link: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// A personal contract was requested.
    PersonalContractRequested {
        /// Details for support.
        comment: Option<String>,
        /// Who asked.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
    /// A personal contract was recorded.
    PersonalContractRecorded {
        /// Its number.
        number: String,
        /// The date signed.
        date: NaiveDate,
        /// The document reference.
        document: String,
        /// Who recorded it.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
    /// The pending personal-contract request was declined.
    PersonalContractDeclined {
        /// Why.
        comment: String,
        /// Who declined it.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
    /// The owner asked to delete the project.
    DeletionRequested {
        /// How the request came.
        channel: DeletionChannel,
        /// The answers (reasons sorted, without repeats).
        questionnaire: Questionnaire,
        /// Who recorded it.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
    /// The deletion request was withdrawn.
    DeletionWithdrawn {
        /// Who withdrew it.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
    /// A manager confirmed the deletion: the project is deleted.
    DeletionConfirmed {
        /// The manager.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
}

impl AdminEvent {
    /// The notifications the platform must send for this event (the storage layer puts them in the
    /// outbox in the same transaction as the event).
    pub fn notifications(&self, project: ServiceCode) -> Vec<Notification> {
        match self {
            AdminEvent::ChangeRequestReceived { .. } => {
                vec![Notification::ChangeRequestReceived { project }]
            }
            AdminEvent::ChangeRequestApplied { .. } => {
                vec![Notification::ChangeRequestApplied { project }]
            }
            AdminEvent::ChangeRequestRejected {
                reason: RejectReason::Declined { .. },
                ..
            } => vec![Notification::ChangeRequestRejected { project }],
            AdminEvent::PersonalContractRequested { .. } => {
                vec![Notification::PersonalContractRequested { project }]
            }
            AdminEvent::DeletionRequested { .. } => {
                vec![Notification::DeletionRequested { project }]
            }
            AdminEvent::DeletionWithdrawn { .. } => {
                vec![Notification::DeletionWithdrawn { project }]
            }
            AdminEvent::DeletionConfirmed { .. } => {
                vec![Notification::DeletionConfirmed { project }]
            }
            AdminEvent::Registered { .. }
            | AdminEvent::DomainAdded { .. }
            | AdminEvent::DomainRemoved { .. }
            | AdminEvent::PrimaryDomainSet { .. }
            | AdminEvent::ChangeRequestRejected { .. }
            | AdminEvent::OfferAccepted { .. }
            | AdminEvent::PersonalContractRecorded { .. }
            | AdminEvent::PersonalContractDeclined { .. } => Vec::new(),
        }
    }
}

/// Why an administration command was refused. Nothing changes on an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AdminError {
    /// The actor may not issue this command.
    #[error("{} may not {command}", .actor.label())]
    Forbidden {
        /// Who tried.
        actor: Actor,
        /// The command's name.
        command: &'static str,
    },
    /// The project has not been registered yet.
    #[error("the project is not registered")]
    NotRegistered,
    /// The project is registered already.
    #[error("the project is already registered")]
    AlreadyRegistered,
    /// The project is deleted: nothing changes it any more.
    #[error("the project is deleted")]
    Deleted,
    /// The domain is connected already.
    #[error("domain {domain} is already connected")]
    DomainDuplicate {
        /// The domain (Unicode form).
        domain: String,
    },
    /// The domain is not connected.
    #[error("domain {domain} is not connected")]
    DomainNotFound {
        /// The domain (Unicode form).
        domain: String,
    },
    /// The primary domain cannot be removed while others are connected.
    #[error("domain {domain} is the primary one: make another domain primary first")]
    PrimaryDomain {
        /// The domain (Unicode form).
        domain: String,
    },
    /// The domain is the primary one already.
    #[error("domain {domain} is already the primary one")]
    DomainAlreadyPrimary {
        /// The domain (Unicode form).
        domain: String,
    },
    /// A change request (or deletion request by email) did not come from the owner's current email.
    #[error("the request was not sent from the owner's email address (sent from {sender})")]
    WrongSender {
        /// The address it came from.
        sender: Email,
    },
    /// Another change request is pending.
    #[error("change request {id} is pending: apply or reject it first")]
    ChangeRequestPending {
        /// The pending request.
        id: ChangeRequestId,
    },
    /// No change request with this number.
    #[error("no change request {id}")]
    ChangeRequestNotFound {
        /// The number asked for.
        id: ChangeRequestId,
    },
    /// The change request was applied or rejected already.
    #[error("change request {id} is not pending")]
    ChangeRequestNotPending {
        /// The request.
        id: ChangeRequestId,
    },
    /// The requested contact is the current one.
    #[error("the requested contact is the current one")]
    NoChange,
    /// A comment is required (rejections, declines).
    #[error("a comment is required")]
    CommentRequired,
    /// A comment is too long or has control characters.
    #[error("a comment must be text of at most 2000 characters ({length} given)")]
    Comment {
        /// Its length in characters.
        length: usize,
    },
    /// Not an offer version label.
    #[error("not an offer version (1 to 32 characters, no spaces): {input:?}")]
    OfferVersion {
        /// The offending input.
        input: String,
    },
    /// Not an `https://` link.
    #[error("not an https:// link: {input:?}")]
    OfferLink {
        /// The offending input.
        input: String,
    },
    /// The owner accepted this version already.
    #[error("offer version {version} is already accepted")]
    OfferAlreadyAccepted {
        /// The version.
        version: String,
    },
    /// A personal-contract request is pending already.
    #[error("a personal contract was already requested")]
    ContractAlreadyRequested,
    /// No personal-contract request is pending.
    #[error("no personal contract was requested")]
    ContractNotRequested,
    /// Not a contract number.
    #[error("not a contract number (1 to 64 characters): {input:?}")]
    ContractNumber {
        /// The offending input.
        input: String,
    },
    /// Not a document reference.
    #[error("not a document reference (1 to 512 characters, no spaces): {input:?}")]
    ContractDocument {
        /// The offending input.
        input: String,
    },
    /// A contract dated after today (Kyiv).
    #[error("the contract date {date} is in the future")]
    ContractFutureDate {
        /// The date given.
        date: NaiveDate,
    },
    /// A deletion request is pending already.
    #[error("deletion was already requested")]
    DeletionAlreadyRequested,
    /// No deletion request is pending.
    #[error("deletion was not requested")]
    DeletionNotRequested,
    /// A deletion request by email did not come from the owner's current email.
    #[error(
        "the deletion request was not sent from the owner's email address (sent from {sender})"
    )]
    DeletionWrongSender {
        /// The address it came from.
        sender: Email,
    },
    /// The questionnaire has no reason.
    #[error("choose at least one reason")]
    DeletionNoReason,
    /// "Other" was chosen without saying what.
    #[error("the reason \"other\" needs a comment")]
    DeletionCommentRequired,
    /// The billing account is closed only when a manager confirms the project's deletion, never by
    /// a command of its own (refused by [`crate::project::Project`]).
    #[error("the account closes only when a manager confirms the project's deletion")]
    DeletionNotConfirmed,
}

impl ErrorCode for AdminError {
    fn code(&self) -> &'static str {
        match self {
            AdminError::Forbidden { .. } => "actor.forbidden",
            AdminError::NotRegistered => "project.not_registered",
            AdminError::AlreadyRegistered => "project.already_registered",
            AdminError::Deleted => "project.deleted",
            AdminError::DomainDuplicate { .. } => "domain.duplicate",
            AdminError::DomainNotFound { .. } => "domain.not_found",
            AdminError::PrimaryDomain { .. } => "domain.primary",
            AdminError::DomainAlreadyPrimary { .. } => "domain.already_primary",
            AdminError::WrongSender { .. } => "change_request.wrong_sender",
            AdminError::ChangeRequestPending { .. } => "change_request.already_pending",
            AdminError::ChangeRequestNotFound { .. } => "change_request.not_found",
            AdminError::ChangeRequestNotPending { .. } => "change_request.not_pending",
            AdminError::NoChange => "change_request.no_change",
            AdminError::CommentRequired => "comment.required",
            AdminError::Comment { .. } => "comment.invalid",
            AdminError::OfferVersion { .. } => "offer.version",
            AdminError::OfferLink { .. } => "offer.link",
            AdminError::OfferAlreadyAccepted { .. } => "offer.already_accepted",
            AdminError::ContractAlreadyRequested => "contract.already_requested",
            AdminError::ContractNotRequested => "contract.not_requested",
            AdminError::ContractNumber { .. } => "contract.number",
            AdminError::ContractDocument { .. } => "contract.document",
            AdminError::ContractFutureDate { .. } => "contract.future_date",
            AdminError::DeletionAlreadyRequested => "deletion.already_requested",
            AdminError::DeletionNotRequested => "deletion.not_requested",
            AdminError::DeletionWrongSender { .. } => "deletion.wrong_sender",
            AdminError::DeletionNoReason => "deletion.no_reason",
            AdminError::DeletionCommentRequired => "deletion.comment_required",
            AdminError::DeletionNotConfirmed => "deletion.not_confirmed",
        }
    }

    fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            AdminError::CommentRequired
                | AdminError::Comment { .. }
                | AdminError::OfferVersion { .. }
                | AdminError::OfferLink { .. }
                | AdminError::ContractNumber { .. }
                | AdminError::ContractDocument { .. }
                | AdminError::ContractFutureDate { .. }
                | AdminError::DeletionNoReason
                | AdminError::DeletionCommentRequired
        )
    }
}

impl Admin {
    /// A project not registered yet: the state before its first event.
    pub fn new(project: ServiceCode) -> Admin {
        Admin {
            project,
            registered_at: None,
            owner: None,
            owner_since: None,
            domains: Vec::new(),
            change_requests: Vec::new(),
            offer: None,
            personal_contract: None,
            contract_request: None,
            deletion: None,
        }
    }

    /// Rebuilds the state from a project's events, in order.
    pub fn replay<'a>(
        project: ServiceCode,
        events: impl IntoIterator<Item = &'a AdminEvent>,
    ) -> Admin {
        let mut admin = Admin::new(project);
        for event in events {
            admin.apply(event);
        }
        admin
    }

    /// The project's service code.
    pub fn project(&self) -> ServiceCode {
        self.project
    }

    /// Whether the project has been registered.
    pub fn is_registered(&self) -> bool {
        self.owner.is_some()
    }

    /// When the project was registered.
    pub fn registered_at(&self) -> Option<DateTime<Utc>> {
        self.registered_at
    }

    /// The owner contact (once registered).
    pub fn owner(&self) -> Option<&OwnerContact> {
        self.owner.as_ref()
    }

    /// Since when the current owner owns the project: registration, or the last applied ownership
    /// transfer.
    pub fn owner_since(&self) -> Option<DateTime<Utc>> {
        self.owner_since
    }

    /// The connected domains, in the order connected.
    pub fn domains(&self) -> &[ConnectedDomain] {
        &self.domains
    }

    /// The primary domain, if any is connected.
    pub fn primary_domain(&self) -> Option<&DomainName> {
        self.domains.iter().find(|d| d.primary).map(|d| &d.name)
    }

    /// Every change request received, oldest first.
    pub fn change_requests(&self) -> &[ChangeRequest] {
        &self.change_requests
    }

    /// The change request waiting for support, if any.
    pub fn pending_change_request(&self) -> Option<&ChangeRequest> {
        self.change_requests.iter().find(|r| r.is_pending())
    }

    /// The public offer as last accepted.
    pub fn offer(&self) -> Option<&OfferAcceptance> {
        self.offer.as_ref()
    }

    /// The personal contract, where one exists.
    pub fn personal_contract(&self) -> Option<&PersonalContract> {
        self.personal_contract.as_ref()
    }

    /// The last request for a personal contract.
    pub fn contract_request(&self) -> Option<&ContractRequest> {
        self.contract_request.as_ref()
    }

    /// The last deletion request.
    pub fn deletion(&self) -> Option<&DeletionRequest> {
        self.deletion.as_ref()
    }

    /// Whether a deletion request waits for a manager.
    pub fn is_deletion_pending(&self) -> bool {
        self.deletion
            .as_ref()
            .is_some_and(DeletionRequest::is_pending)
    }

    /// Whether the project is deleted.
    pub fn is_deleted(&self) -> bool {
        matches!(
            self.deletion,
            Some(DeletionRequest {
                status: DeletionStatus::Confirmed { .. },
                ..
            })
        )
    }

    /// Decides a command: the events it causes, or why it is refused. Pure: `now` is the only clock.
    pub fn decide(
        &self,
        cmd: &AdminCommand,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<AdminEvent>, AdminError> {
        if self.is_deleted() {
            return Err(AdminError::Deleted);
        }
        if !cmd.allows(actor) {
            return Err(AdminError::Forbidden {
                actor: actor.clone(),
                command: cmd.name(),
            });
        }
        let by = actor.clone();
        let at = now;
        let owner = match (cmd, &self.owner) {
            (AdminCommand::Register { owner }, None) => {
                return Ok(vec![AdminEvent::Registered {
                    owner: owner.clone(),
                    at,
                }]);
            }
            (AdminCommand::Register { .. }, Some(_)) => return Err(AdminError::AlreadyRegistered),
            (_, None) => return Err(AdminError::NotRegistered),
            (_, Some(owner)) => owner,
        };
        let event = match cmd {
            AdminCommand::Register { .. } => unreachable!("handled above"),
            AdminCommand::AddDomain { domain } => {
                if self.find_domain(domain).is_some() {
                    return Err(AdminError::DomainDuplicate {
                        domain: domain.to_string(),
                    });
                }
                AdminEvent::DomainAdded {
                    domain: domain.clone(),
                    primary: self.domains.is_empty(),
                    at,
                }
            }
            AdminCommand::RemoveDomain { domain } => {
                let found = self.connected(domain)?;
                if found.primary && self.domains.len() > 1 {
                    return Err(AdminError::PrimaryDomain {
                        domain: domain.to_string(),
                    });
                }
                AdminEvent::DomainRemoved {
                    domain: domain.clone(),
                    at,
                }
            }
            AdminCommand::SetPrimaryDomain { domain } => {
                if self.connected(domain)?.primary {
                    return Err(AdminError::DomainAlreadyPrimary {
                        domain: domain.to_string(),
                    });
                }
                AdminEvent::PrimaryDomainSet {
                    domain: domain.clone(),
                    at,
                }
            }
            AdminCommand::ReceiveChangeRequest {
                sender,
                kind,
                new_contact,
            } => {
                if !sender.same_mailbox(&owner.email) {
                    return Err(AdminError::WrongSender {
                        sender: sender.clone(),
                    });
                }
                if let Some(pending) = self.pending_change_request() {
                    return Err(AdminError::ChangeRequestPending { id: pending.id });
                }
                if new_contact == owner {
                    return Err(AdminError::NoChange);
                }
                AdminEvent::ChangeRequestReceived {
                    id: self.next_change_request_id(),
                    kind: *kind,
                    new_contact: new_contact.clone(),
                    sender: sender.clone(),
                    by,
                    at,
                }
            }
            AdminCommand::ApplyChangeRequest { id } => {
                let request = self.pending_request(*id)?;
                AdminEvent::ChangeRequestApplied {
                    id: *id,
                    kind: request.kind,
                    previous: owner.clone(),
                    owner: request.new_contact.clone(),
                    by,
                    at,
                }
            }
            AdminCommand::RejectChangeRequest { id, comment } => {
                self.pending_request(*id)?;
                let comment = required_comment(comment)?;
                AdminEvent::ChangeRequestRejected {
                    id: *id,
                    reason: RejectReason::Declined { comment },
                    by,
                    at,
                }
            }
            AdminCommand::AcceptOffer { version, link } => {
                let version = contract::offer_version(version)?;
                let link = contract::https_link(link)?;
                if self.offer.as_ref().is_some_and(|o| o.version == version) {
                    return Err(AdminError::OfferAlreadyAccepted { version });
                }
                AdminEvent::OfferAccepted { version, link, at }
            }
            AdminCommand::RequestPersonalContract { comment } => {
                if self
                    .contract_request
                    .as_ref()
                    .is_some_and(ContractRequest::is_pending)
                {
                    return Err(AdminError::ContractAlreadyRequested);
                }
                AdminEvent::PersonalContractRequested {
                    comment: contract::comment(comment.as_deref())?,
                    by,
                    at,
                }
            }
            AdminCommand::RecordPersonalContract {
                number,
                date,
                document,
            } => {
                let number = contract::contract_number(number)?;
                let document = contract::document_ref(document)?;
                if *date > now.with_timezone(&Kyiv).date_naive() {
                    return Err(AdminError::ContractFutureDate { date: *date });
                }
                AdminEvent::PersonalContractRecorded {
                    number,
                    date: *date,
                    document,
                    by,
                    at,
                }
            }
            AdminCommand::DeclinePersonalContract { comment } => {
                if !self
                    .contract_request
                    .as_ref()
                    .is_some_and(ContractRequest::is_pending)
                {
                    return Err(AdminError::ContractNotRequested);
                }
                AdminEvent::PersonalContractDeclined {
                    comment: required_comment(comment)?,
                    by,
                    at,
                }
            }
            AdminCommand::RequestDeletion {
                channel,
                questionnaire,
            } => {
                if let DeletionChannel::Email { sender } = channel {
                    if !sender.same_mailbox(&owner.email) {
                        return Err(AdminError::DeletionWrongSender {
                            sender: sender.clone(),
                        });
                    }
                }
                if self.is_deletion_pending() {
                    return Err(AdminError::DeletionAlreadyRequested);
                }
                let mut reasons = questionnaire.reasons.clone();
                reasons.sort_unstable();
                reasons.dedup();
                if reasons.is_empty() {
                    return Err(AdminError::DeletionNoReason);
                }
                let comment = contract::comment(questionnaire.comment.as_deref())?;
                if reasons.contains(&DeletionReason::Other) && comment.is_none() {
                    return Err(AdminError::DeletionCommentRequired);
                }
                AdminEvent::DeletionRequested {
                    channel: channel.clone(),
                    questionnaire: Questionnaire { reasons, comment },
                    by,
                    at,
                }
            }
            AdminCommand::WithdrawDeletion => {
                if !self.is_deletion_pending() {
                    return Err(AdminError::DeletionNotRequested);
                }
                AdminEvent::DeletionWithdrawn { by, at }
            }
            AdminCommand::ConfirmDeletion => {
                if !self.is_deletion_pending() {
                    return Err(AdminError::DeletionNotRequested);
                }
                return Ok(self.deletion_events(by, at));
            }
        };
        Ok(vec![event])
    }

    /// Folds an event into the state. Never fails: events are facts already decided.
    pub fn apply(&mut self, event: &AdminEvent) {
        match event {
            AdminEvent::Registered { owner, at } => {
                self.owner = Some(owner.clone());
                self.registered_at = Some(*at);
                self.owner_since = Some(*at);
            }
            AdminEvent::DomainAdded {
                domain,
                primary,
                at,
            } => {
                if *primary {
                    self.domains.iter_mut().for_each(|d| d.primary = false);
                }
                self.domains.push(ConnectedDomain {
                    name: domain.clone(),
                    primary: *primary,
                    added_at: *at,
                });
            }
            AdminEvent::DomainRemoved { domain, .. } => {
                self.domains.retain(|d| &d.name != domain);
            }
            AdminEvent::PrimaryDomainSet { domain, .. } => {
                for d in &mut self.domains {
                    d.primary = &d.name == domain;
                }
            }
            AdminEvent::ChangeRequestReceived {
                id,
                kind,
                new_contact,
                sender,
                by,
                at,
            } => self.change_requests.push(ChangeRequest {
                id: *id,
                kind: *kind,
                new_contact: new_contact.clone(),
                sender: sender.clone(),
                received_at: *at,
                received_by: by.clone(),
                status: RequestStatus::Pending,
            }),
            AdminEvent::ChangeRequestApplied {
                id,
                kind,
                owner,
                by,
                at,
                ..
            } => {
                if let Some(r) = self.change_requests.iter_mut().find(|r| r.id == *id) {
                    r.status = RequestStatus::Applied {
                        by: by.clone(),
                        at: *at,
                    };
                }
                self.owner = Some(owner.clone());
                if *kind == ChangeKind::OwnershipTransfer {
                    self.owner_since = Some(*at);
                }
            }
            AdminEvent::ChangeRequestRejected { id, reason, by, at } => {
                if let Some(r) = self.change_requests.iter_mut().find(|r| r.id == *id) {
                    r.status = RequestStatus::Rejected {
                        by: by.clone(),
                        at: *at,
                        reason: reason.clone(),
                    };
                }
            }
            AdminEvent::OfferAccepted { version, link, at } => {
                self.offer = Some(OfferAcceptance {
                    version: version.clone(),
                    link: link.clone(),
                    accepted_at: *at,
                });
            }
            AdminEvent::PersonalContractRequested { comment, by, at } => {
                self.contract_request = Some(ContractRequest {
                    comment: comment.clone(),
                    requested_by: by.clone(),
                    requested_at: *at,
                    status: ContractRequestStatus::Pending,
                });
            }
            AdminEvent::PersonalContractRecorded {
                number,
                date,
                document,
                by,
                at,
            } => {
                self.personal_contract = Some(PersonalContract {
                    number: number.clone(),
                    date: *date,
                    document: document.clone(),
                    recorded_by: by.clone(),
                    recorded_at: *at,
                });
                if let Some(r) = self.contract_request.as_mut().filter(|r| r.is_pending()) {
                    r.status = ContractRequestStatus::Fulfilled {
                        by: by.clone(),
                        at: *at,
                    };
                }
            }
            AdminEvent::PersonalContractDeclined { comment, by, at } => {
                if let Some(r) = self.contract_request.as_mut() {
                    r.status = ContractRequestStatus::Declined {
                        by: by.clone(),
                        at: *at,
                        comment: comment.clone(),
                    };
                }
            }
            AdminEvent::DeletionRequested {
                channel,
                questionnaire,
                by,
                at,
            } => {
                self.deletion = Some(DeletionRequest {
                    questionnaire: questionnaire.clone(),
                    channel: channel.clone(),
                    requested_by: by.clone(),
                    requested_at: *at,
                    status: DeletionStatus::Pending,
                });
            }
            AdminEvent::DeletionWithdrawn { by, at } => {
                if let Some(d) = self.deletion.as_mut() {
                    d.status = DeletionStatus::Withdrawn {
                        by: by.clone(),
                        at: *at,
                    };
                }
            }
            AdminEvent::DeletionConfirmed { by, at } => {
                if let Some(d) = self.deletion.as_mut() {
                    d.status = DeletionStatus::Confirmed {
                        by: by.clone(),
                        at: *at,
                    };
                }
            }
        }
    }

    /// Decides and applies a command, returning its events as audit records (actor and time).
    pub fn handle(
        &mut self,
        cmd: &AdminCommand,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<Audited<AdminEvent>>, AdminError> {
        let events = self.decide(cmd, actor, now)?;
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

    fn find_domain(&self, domain: &DomainName) -> Option<&ConnectedDomain> {
        self.domains.iter().find(|d| &d.name == domain)
    }

    fn connected(&self, domain: &DomainName) -> Result<&ConnectedDomain, AdminError> {
        self.find_domain(domain)
            .ok_or_else(|| AdminError::DomainNotFound {
                domain: domain.to_string(),
            })
    }

    fn next_change_request_id(&self) -> ChangeRequestId {
        let last = self
            .change_requests
            .iter()
            .map(|r| r.id.0)
            .max()
            .unwrap_or(0);
        ChangeRequestId(last + 1)
    }

    fn pending_request(&self, id: ChangeRequestId) -> Result<&ChangeRequest, AdminError> {
        let request = self
            .change_requests
            .iter()
            .find(|r| r.id == id)
            .ok_or(AdminError::ChangeRequestNotFound { id })?;
        if !request.is_pending() {
            return Err(AdminError::ChangeRequestNotPending { id });
        }
        Ok(request)
    }

    /// The events of a confirmed deletion: what still waits is closed, the domains are disconnected
    /// (the primary one last), then the deletion itself.
    fn deletion_events(&self, by: Actor, at: DateTime<Utc>) -> Vec<AdminEvent> {
        let mut events = Vec::new();
        for request in self.change_requests.iter().filter(|r| r.is_pending()) {
            events.push(AdminEvent::ChangeRequestRejected {
                id: request.id,
                reason: RejectReason::ProjectDeleted,
                by: by.clone(),
                at,
            });
        }
        if self
            .contract_request
            .as_ref()
            .is_some_and(ContractRequest::is_pending)
        {
            events.push(AdminEvent::PersonalContractDeclined {
                comment: PROJECT_DELETED_COMMENT.to_string(),
                by: by.clone(),
                at,
            });
        }
        let (primary, others): (Vec<_>, Vec<_>) = self.domains.iter().partition(|d| d.primary);
        for d in others.into_iter().chain(primary) {
            events.push(AdminEvent::DomainRemoved {
                domain: d.name.clone(),
                at,
            });
        }
        events.push(AdminEvent::DeletionConfirmed { by, at });
        events
    }
}

fn required_comment(input: &str) -> Result<String, AdminError> {
    contract::comment(Some(input))?.ok_or(AdminError::CommentRequired)
}
