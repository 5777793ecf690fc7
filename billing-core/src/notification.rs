//! Notifications the platform must send. The core only decides them; the storage layer puts them in
//! an outbox that the platform drains.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{InvoiceNumber, ServiceCode};
use crate::money::Money;

/// A message for the project's owner (or support), decided by a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notification {
    /// A new invoice was issued.
    InvoiceIssued {
        /// The project.
        project: ServiceCode,
        /// The invoice.
        invoice: InvoiceNumber,
        /// Its total.
        amount: Money,
        /// Its due date.
        due_date: NaiveDate,
    },
    /// A payment was received and credited.
    PaymentReceived {
        /// The project.
        project: ServiceCode,
        /// The invoice paid (in part or in full), if any.
        invoice: Option<InvoiceNumber>,
        /// The amount received.
        amount: Money,
    },
    /// An autopay charge failed.
    ChargeFailed {
        /// The project.
        project: ServiceCode,
        /// The invoice whose charge failed.
        invoice: InvoiceNumber,
        /// Whether another attempt is scheduled.
        will_retry: bool,
    },
    /// A reminder: an invoice is due and unpaid.
    PaymentDue {
        /// The project.
        project: ServiceCode,
        /// The invoice.
        invoice: InvoiceNumber,
        /// Its due date.
        due_date: NaiveDate,
    },
    /// An autopay charge needed 3-D Secure: the owner pays through a payment link instead.
    PaymentLinkReady {
        /// The project.
        project: ServiceCode,
        /// The invoice.
        invoice: InvoiceNumber,
        /// Until when the link is offered.
        expires_at: DateTime<Utc>,
    },
    /// Money is kept as a credit (an overpayment, or a payment after closing) for support to
    /// resolve: refund it or apply it to an invoice.
    CreditToResolve {
        /// The project.
        project: ServiceCode,
        /// The amount.
        amount: Money,
    },
    /// The admin panel is blocked for debt.
    Blocked {
        /// The project.
        project: ServiceCode,
    },
    /// The admin panel is unblocked.
    Unblocked {
        /// The project.
        project: ServiceCode,
    },
    /// A request to change the owner contact (or transfer ownership) was received.
    ChangeRequestReceived {
        /// The project.
        project: ServiceCode,
    },
    /// The owner asked to delete the project.
    DeletionRequested {
        /// The project.
        project: ServiceCode,
    },
    /// A manager confirmed the deletion.
    DeletionConfirmed {
        /// The project.
        project: ServiceCode,
    },
    /// Support applied a change request: the owner contact changed (or ownership passed on).
    ChangeRequestApplied {
        /// The project.
        project: ServiceCode,
    },
    /// Support rejected a change request.
    ChangeRequestRejected {
        /// The project.
        project: ServiceCode,
    },
    /// The owner asked for a personal contract (for support).
    PersonalContractRequested {
        /// The project.
        project: ServiceCode,
    },
    /// The deletion request was withdrawn: the project goes on.
    DeletionWithdrawn {
        /// The project.
        project: ServiceCode,
    },
}
