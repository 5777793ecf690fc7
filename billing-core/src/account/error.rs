//! Why a command on the billing account is refused. A refusal changes nothing.

use crate::error::ErrorCode;
use crate::invoice::InvoiceStatus;
use crate::money::MoneyError;
use crate::tariff::TariffError;

/// A refused account command, with a stable dotted code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// The account was closed for deletion: no invoices, charges, links or card bindings.
    #[error("the project is deleted")]
    Deleted,
    /// The project has no subscription yet.
    #[error("the project has no tariff yet")]
    NotSubscribed,
    /// The project already has a subscription.
    #[error("the project already has a tariff")]
    AlreadySubscribed,
    /// The actor may not issue this command.
    #[error("{actor} may not {command}")]
    Forbidden {
        /// The command.
        command: &'static str,
        /// The actor's label.
        actor: String,
    },
    /// Only support may stop or resume autopay.
    #[error("only support may stop or resume autopay")]
    AutopaySupportOnly,
    /// Autopay is stopped by support: invoices are payable only by bank transfer.
    #[error("autopay is stopped by support: pay by bank transfer")]
    CardPaymentsStopped,
    /// Autopay is already stopped.
    #[error("autopay is already stopped")]
    AutopayAlreadyStopped,
    /// Autopay is not stopped.
    #[error("autopay is not stopped")]
    AutopayNotStopped,
    /// No such invoice in this project.
    #[error("no invoice {number} in this project")]
    UnknownInvoice {
        /// The number asked for.
        number: String,
    },
    /// The invoice is paid or cancelled.
    #[error("invoice {number} is not open ({status:?})")]
    InvoiceNotOpen {
        /// The invoice.
        number: String,
        /// Its status.
        status: InvoiceStatus,
    },
    /// A payment id seen before, with a different amount or source.
    #[error("payment {id} was recorded before with other details")]
    PaymentIdConflict {
        /// The outside id.
        id: String,
    },
    /// An automatic match for less than the invoice owes: only support records partial payments.
    #[error("{amount} is less than the {owed} owed: only support may record a partial payment")]
    PartialPaymentSupportOnly {
        /// What the invoice owes.
        owed: String,
        /// The payment.
        amount: String,
    },
    /// A payment of zero.
    #[error("a payment must be above zero")]
    ZeroAmount,
    /// No such payment link.
    #[error("no payment link {id}")]
    UnknownLink {
        /// The link id.
        id: String,
    },
    /// A link id already used for another link.
    #[error("the link id {id} is already used")]
    LinkIdUsed {
        /// The link id.
        id: String,
    },
    /// No such card binding attempt.
    #[error("no card binding {attempt}")]
    UnknownBinding {
        /// The attempt id.
        attempt: String,
    },
    /// The card binding has its result already.
    #[error("card binding {attempt} is already finished")]
    BindingFinished {
        /// The attempt id.
        attempt: String,
    },
    /// The attempt id is already used.
    #[error("the attempt id {attempt} is already used")]
    AttemptIdUsed {
        /// The attempt id.
        attempt: String,
    },
    /// No such charge attempt.
    #[error("no charge attempt {attempt}")]
    UnknownAttempt {
        /// The attempt id.
        attempt: String,
    },
    /// The charge attempt has its result already.
    #[error("charge attempt {attempt} is not in flight")]
    ChargeNotInFlight {
        /// The attempt id.
        attempt: String,
    },
    /// No such credit.
    #[error("no credit {id}")]
    UnknownCredit {
        /// The credit number.
        id: u32,
    },
    /// The credit has nothing left to resolve (or its refund is under way).
    #[error("credit {id} has nothing left to resolve")]
    CreditResolved {
        /// The credit number.
        id: u32,
    },
    /// No such refund.
    #[error("no refund {id}")]
    UnknownRefund {
        /// The refund id.
        id: String,
    },
    /// The refund id is already used.
    #[error("the refund id {id} is already used")]
    RefundIdUsed {
        /// The refund id.
        id: String,
    },
    /// The refund is already completed.
    #[error("refund {id} is already completed")]
    RefundCompleted {
        /// The refund id.
        id: String,
    },
    /// A usage snapshot not newer than the last one.
    #[error("a usage snapshot older than the last one")]
    StaleUsage,
    /// The billing period asked for is the one already in effect next.
    #[error("the billing period is already that one")]
    PeriodSame,
    /// A tariff rule.
    #[error(transparent)]
    Tariff(#[from] TariffError),
    /// An amount out of range.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl ErrorCode for AccountError {
    fn code(&self) -> &'static str {
        match self {
            AccountError::Deleted => "project.deleted",
            AccountError::NotSubscribed => "account.not_subscribed",
            AccountError::AlreadySubscribed => "account.already_subscribed",
            AccountError::Forbidden { .. } => "account.forbidden",
            AccountError::AutopaySupportOnly => "autopay.support_only",
            AccountError::CardPaymentsStopped => "autopay.stopped",
            AccountError::AutopayAlreadyStopped => "autopay.already_stopped",
            AccountError::AutopayNotStopped => "autopay.not_stopped",
            AccountError::UnknownInvoice { .. } => "invoice.unknown",
            AccountError::InvoiceNotOpen { .. } => "invoice.not_open",
            AccountError::PaymentIdConflict { .. } => "payment.id_conflict",
            AccountError::PartialPaymentSupportOnly { .. } => "payment.partial_support_only",
            AccountError::ZeroAmount => "payment.zero_amount",
            AccountError::UnknownLink { .. } => "link.unknown",
            AccountError::LinkIdUsed { .. } => "link.id_used",
            AccountError::UnknownBinding { .. } => "card.unknown_binding",
            AccountError::BindingFinished { .. } => "card.binding_finished",
            AccountError::AttemptIdUsed { .. } => "card.attempt_id_used",
            AccountError::UnknownAttempt { .. } => "charge.unknown_attempt",
            AccountError::ChargeNotInFlight { .. } => "charge.not_in_flight",
            AccountError::UnknownCredit { .. } => "credit.unknown",
            AccountError::CreditResolved { .. } => "credit.resolved",
            AccountError::UnknownRefund { .. } => "refund.unknown",
            AccountError::RefundIdUsed { .. } => "refund.id_used",
            AccountError::RefundCompleted { .. } => "refund.completed",
            AccountError::StaleUsage => "usage.stale",
            AccountError::PeriodSame => "tariff.period_same",
            AccountError::Tariff(e) => e.code(),
            AccountError::Money(e) => e.code(),
        }
    }

    fn is_invalid_input(&self) -> bool {
        match self {
            AccountError::Tariff(e) => e.is_invalid_input(),
            AccountError::Money(e) => e.is_invalid_input(),
            AccountError::ZeroAmount => true,
            _ => false,
        }
    }
}
