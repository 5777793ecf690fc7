//! Notifications the platform must send. The core only decides them; the storage layer puts them in
//! an outbox that the platform drains.

use chrono::NaiveDate;
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
}
