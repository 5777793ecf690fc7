//! The commands of the billing account. Each names its data; the actor and the time come with it.
//!
//! Who may issue each command:
//!
//! | command | actors |
//! |---|---|
//! | `Subscribe` | owner, support, system |
//! | `ChangeTariff`, `ChangeBillingPeriod` | owner, support |
//! | `RecordUsage`, `DailyTick` | system |
//! | `RequestPaymentLink` | owner, support, system |
//! | `StartCardBinding` | owner |
//! | `CardBindingSucceeded`, `CardBindingFailed`, `CardPaymentSucceeded` | system |
//! | `ChargeSucceeded`, `ChargeFailed`, `ChargeRequires3ds`, `RecordRefund` | system |
//! | `RecordBankTransfer` | system (matched automatically), support (matched from a receipt) |
//! | `StopAutopay`, `ResumeAutopay`, `ApplyCredit`, `RefundCredit` | support |
//! | `CancelInvoice` | support, manager |
//! | `CloseForDeletion` | manager, system |
//! | `PublishLink` | system |

use serde::{Deserialize, Serialize};

use crate::ids::InvoiceNumber;
use crate::money::Money;
use crate::payment::{AttemptId, LinkId, PaymentId, RefundId, SavedCard};
use crate::tariff::{BillingPeriod, Tariff, UsageSnapshot};

/// A command on one project's billing account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AccountCommand {
    /// Start billing on a tariff (from the catalog) and period. Issues the first invoice at once,
    /// prorated by days to the month's end when the start is not the first of a month.
    Subscribe {
        /// The tariff, as in the catalog now.
        tariff: Tariff,
        /// The billing period.
        period: BillingPeriod,
    },
    /// Change the tariff: an upgrade takes effect now (with a prorated invoice for the difference),
    /// a downgrade at the end of the paid period. Asking for the current tariff cancels a scheduled
    /// downgrade.
    ChangeTariff {
        /// The new tariff, as in the catalog now.
        tariff: Tariff,
    },
    /// Change the billing period length from the next period on.
    ChangeBillingPeriod {
        /// The new period.
        period: BillingPeriod,
    },
    /// Record the daily usage snapshot.
    RecordUsage {
        /// The counters.
        snapshot: UsageSnapshot,
    },
    /// The scheduler's daily run: issue due period invoices, request autopay charges and retries,
    /// send reminders, block or unblock.
    DailyTick,
    /// Ask for the card payment link of an open invoice (a new one when the last one expired).
    RequestPaymentLink {
        /// The invoice.
        invoice: InvoiceNumber,
        /// The id for a new link.
        link: LinkId,
    },
    /// A card payment through a payment link succeeded (credited while the invoice is open, even on
    /// an expired link).
    CardPaymentSucceeded {
        /// The link paid through.
        link: LinkId,
        /// The acquirer's payment id.
        payment: PaymentId,
        /// The amount paid.
        amount: Money,
        /// The card, saved for autopay (the payment page states it).
        card: Option<SavedCard>,
    },
    /// A bank transfer for the project: matched automatically (actor system) or by support from the
    /// payer's receipt (actor support).
    RecordBankTransfer {
        /// The bank transaction id.
        transaction: PaymentId,
        /// The amount.
        amount: Money,
        /// The invoice it pays, if known.
        invoice: Option<InvoiceNumber>,
    },
    /// The owner starts binding a card: a payment of the oldest open invoice when there is one and
    /// no card is saved yet, otherwise a 1 UAH verification charge.
    StartCardBinding {
        /// Our attempt id at the acquirer.
        attempt: AttemptId,
    },
    /// The card binding succeeded.
    CardBindingSucceeded {
        /// The attempt.
        attempt: AttemptId,
        /// The acquirer's payment id.
        payment: PaymentId,
        /// The amount charged.
        amount: Money,
        /// The card saved.
        card: SavedCard,
        /// The id for the automatic refund of a verification charge.
        refund: RefundId,
    },
    /// The card binding failed.
    CardBindingFailed {
        /// The attempt.
        attempt: AttemptId,
        /// The acquirer's reason.
        reason: String,
    },
    /// An autopay charge succeeded.
    ChargeSucceeded {
        /// The attempt.
        attempt: AttemptId,
        /// The acquirer's payment id.
        payment: PaymentId,
        /// The amount charged.
        amount: Money,
    },
    /// An autopay charge failed (retried on the policy's schedule).
    ChargeFailed {
        /// The attempt.
        attempt: AttemptId,
        /// The acquirer's reason.
        reason: String,
    },
    /// The bank asked for 3-D Secure: no retry; the owner gets a payment link instead.
    ChargeRequires3ds {
        /// The attempt.
        attempt: AttemptId,
        /// The id for the owner's payment link.
        link: LinkId,
    },
    /// Support stops autopay: invoices are then payable only by bank transfer.
    StopAutopay {
        /// Why.
        reason: String,
    },
    /// Support turns autopay back on.
    ResumeAutopay,
    /// Cancel an open invoice (it keeps its number; money already paid on it becomes a credit).
    CancelInvoice {
        /// The invoice.
        invoice: InvoiceNumber,
        /// Why.
        reason: String,
    },
    /// Apply a credit (overpayment) to an open invoice.
    ApplyCredit {
        /// The credit number.
        credit: u32,
        /// The invoice.
        invoice: InvoiceNumber,
    },
    /// Refund what is left of a credit.
    RefundCredit {
        /// The credit number.
        credit: u32,
        /// The refund's id.
        refund: RefundId,
    },
    /// The acquirer or bank answered a refund.
    RecordRefund {
        /// The refund's id.
        refund: RefundId,
        /// Whether it went through.
        succeeded: bool,
    },
    /// Close the account for the project's deletion: cancel open invoices, turn autopay off.
    CloseForDeletion,
    /// The acquirer's page of a payment link was created: record its address to show the owner.
    PublishLink {
        /// The link.
        link: LinkId,
        /// The page at the acquirer.
        url: String,
        /// The acquirer's id of the payment.
        provider: PaymentId,
    },
}

impl AccountCommand {
    /// The command's name for audit and errors (`subscribe`, `daily_tick`, …).
    pub fn name(&self) -> &'static str {
        match self {
            AccountCommand::Subscribe { .. } => "subscribe",
            AccountCommand::ChangeTariff { .. } => "change_tariff",
            AccountCommand::ChangeBillingPeriod { .. } => "change_billing_period",
            AccountCommand::RecordUsage { .. } => "record_usage",
            AccountCommand::DailyTick => "daily_tick",
            AccountCommand::RequestPaymentLink { .. } => "request_payment_link",
            AccountCommand::CardPaymentSucceeded { .. } => "card_payment_succeeded",
            AccountCommand::RecordBankTransfer { .. } => "record_bank_transfer",
            AccountCommand::StartCardBinding { .. } => "start_card_binding",
            AccountCommand::CardBindingSucceeded { .. } => "card_binding_succeeded",
            AccountCommand::CardBindingFailed { .. } => "card_binding_failed",
            AccountCommand::ChargeSucceeded { .. } => "charge_succeeded",
            AccountCommand::ChargeFailed { .. } => "charge_failed",
            AccountCommand::ChargeRequires3ds { .. } => "charge_requires_3ds",
            AccountCommand::StopAutopay { .. } => "stop_autopay",
            AccountCommand::ResumeAutopay => "resume_autopay",
            AccountCommand::CancelInvoice { .. } => "cancel_invoice",
            AccountCommand::ApplyCredit { .. } => "apply_credit",
            AccountCommand::RefundCredit { .. } => "refund_credit",
            AccountCommand::RecordRefund { .. } => "record_refund",
            AccountCommand::CloseForDeletion => "close_for_deletion",
            AccountCommand::PublishLink { .. } => "publish_link",
        }
    }
}
