//! The events of the billing account: what changed, applied to the state and kept as its audit
//! trail.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::autopay::BindingRoute;
use crate::calendar::PeriodSpan;
use crate::ids::{InvoiceNumber, ServiceCode};
use crate::invoice::Invoice;
use crate::money::Money;
use crate::notification::Notification;
use crate::payment::{
    AttemptId, Credit, CreditReason, LinkId, LinkPurpose, PaymentId, PaymentLink, PaymentRecord,
    PaymentSource, RefundId, SavedCard,
};
use crate::tariff::{BillingPeriod, Tariff, TariffCode, UsageSnapshot};

/// Something that happened to a project's billing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AccountEvent {
    /// Billing started.
    Subscribed {
        /// The tariff.
        tariff: Tariff,
        /// The period length.
        period: BillingPeriod,
        /// The first period (prorated when it starts mid-month).
        span: PeriodSpan,
    },
    /// A new billing period started.
    PeriodStarted {
        /// Its days.
        span: PeriodSpan,
        /// Its length.
        period: BillingPeriod,
        /// The new tariff when a scheduled downgrade took effect.
        tariff: Option<Tariff>,
    },
    /// An invoice was issued (with its number).
    InvoiceIssued {
        /// The invoice.
        invoice: Invoice,
    },
    /// Payments cover the invoice exactly.
    InvoicePaid {
        /// The invoice.
        invoice: InvoiceNumber,
    },
    /// An invoice was cancelled (it keeps its number).
    InvoiceCancelled {
        /// The invoice.
        invoice: InvoiceNumber,
        /// Why.
        reason: String,
    },
    /// A usage snapshot arrived.
    UsageRecorded {
        /// The counters.
        snapshot: UsageSnapshot,
    },
    /// An upgrade took effect now.
    TariffUpgraded {
        /// The change's number in the project.
        change: u32,
        /// The tariff before.
        from: TariffCode,
        /// The tariff after.
        to: Tariff,
    },
    /// A downgrade was scheduled for the end of the paid period.
    DowngradeScheduled {
        /// The change's number in the project.
        change: u32,
        /// The tariff now.
        from: TariffCode,
        /// The tariff from `effective_on`.
        to: Tariff,
        /// The first day on the new tariff.
        effective_on: NaiveDate,
    },
    /// A scheduled downgrade was cancelled.
    DowngradeCancelled {
        /// The tariff that was scheduled.
        to: TariffCode,
    },
    /// A new period length from the next period on.
    PeriodChangeScheduled {
        /// The new length.
        period: BillingPeriod,
        /// Its first day.
        effective_on: NaiveDate,
    },
    /// A payment link was made.
    PaymentLinkCreated {
        /// The link.
        link: PaymentLink,
    },
    /// The acquirer's page of a link was created.
    PaymentLinkPublished {
        /// The link.
        link: LinkId,
        /// The page at the acquirer.
        url: String,
        /// The acquirer's id of the payment.
        provider: PaymentId,
    },
    /// A link was recorded as expired (replaced, or card payments stopped).
    PaymentLinkExpired {
        /// The link.
        link: LinkId,
    },
    /// A payment was received and allocated.
    PaymentReceived {
        /// The payment.
        payment: PaymentRecord,
    },
    /// Money kept for support to resolve.
    CreditRecorded {
        /// The credit.
        credit: Credit,
    },
    /// A credit was applied to an invoice.
    CreditApplied {
        /// The credit number.
        credit: u32,
        /// The invoice.
        invoice: InvoiceNumber,
        /// The amount applied.
        amount: Money,
    },
    /// A refund of a credit was requested.
    RefundRequested {
        /// The credit number.
        credit: u32,
        /// The refund's id.
        refund: RefundId,
        /// The amount.
        amount: Money,
    },
    /// A refund went through.
    RefundCompleted {
        /// The credit number.
        credit: u32,
        /// The refund's id.
        refund: RefundId,
    },
    /// A refund failed: the amount is open again.
    RefundFailed {
        /// The credit number.
        credit: u32,
        /// The refund's id.
        refund: RefundId,
    },
    /// The owner started binding a card.
    CardBindingStarted {
        /// The attempt.
        attempt: AttemptId,
        /// How.
        route: BindingRoute,
    },
    /// A card binding succeeded (the payment follows).
    CardBindingSucceeded {
        /// The attempt.
        attempt: AttemptId,
        /// The acquirer's payment id.
        payment: PaymentId,
    },
    /// A card binding failed.
    CardBindingFailed {
        /// The attempt.
        attempt: AttemptId,
        /// The acquirer's reason.
        reason: String,
    },
    /// A card was saved for autopay (replacing any earlier one).
    CardSaved {
        /// The card (the token is secret: never in audit text).
        card: SavedCard,
    },
    /// Autopay was turned on by the first successful card payment.
    AutopayEnabled {
        /// The tariff at the time.
        tariff: Option<TariffCode>,
    },
    /// Support stopped autopay.
    AutopayStopped {
        /// Why.
        reason: String,
    },
    /// Support turned autopay back on.
    AutopayResumed,
    /// An autopay charge was requested from the acquirer.
    ChargeRequested {
        /// The attempt (`<invoice>-c<n>`).
        attempt: AttemptId,
        /// The invoice.
        invoice: InvoiceNumber,
        /// The amount.
        amount: Money,
        /// 1 for the first charge, then retries.
        attempt_no: u32,
        /// The Kyiv date.
        on: NaiveDate,
    },
    /// An autopay charge succeeded (the payment follows).
    ChargeSucceeded {
        /// The attempt.
        attempt: AttemptId,
        /// The acquirer's payment id.
        payment: PaymentId,
    },
    /// An autopay charge failed.
    ChargeFailed {
        /// The attempt.
        attempt: AttemptId,
        /// The invoice.
        invoice: InvoiceNumber,
        /// The acquirer's reason.
        reason: String,
        /// The next retry, if any; `None` leaves the invoice to the owner.
        next_retry_on: Option<NaiveDate>,
    },
    /// The bank asked for 3-D Secure: not retried.
    ChargeNeeds3ds {
        /// The attempt.
        attempt: AttemptId,
        /// The invoice.
        invoice: InvoiceNumber,
    },
    /// The owner was reminded of an unpaid invoice.
    ReminderSent {
        /// The invoice.
        invoice: InvoiceNumber,
        /// Its due date.
        due_on: NaiveDate,
        /// The Kyiv date of the reminder.
        on: NaiveDate,
    },
    /// The admin panel is blocked for debt.
    Blocked {
        /// The invoices past due plus grace.
        invoices: Vec<InvoiceNumber>,
    },
    /// The admin panel is unblocked.
    Unblocked,
    /// The account was closed for the project's deletion.
    AccountClosed,
}

impl AccountEvent {
    /// The notifications the platform must send for this event.
    pub fn notifications(&self, project: ServiceCode) -> Vec<Notification> {
        match self {
            AccountEvent::InvoiceIssued { invoice } => vec![Notification::InvoiceIssued {
                project,
                invoice: invoice.number,
                amount: invoice.total,
                due_date: invoice.due_on,
            }],
            AccountEvent::PaymentReceived { payment }
                if payment.source != PaymentSource::CardVerification =>
            {
                vec![Notification::PaymentReceived {
                    project,
                    invoice: payment.invoice.filter(|_| !payment.applied.is_zero()),
                    amount: payment.amount,
                }]
            }
            AccountEvent::ChargeFailed {
                invoice,
                next_retry_on,
                ..
            } => vec![Notification::ChargeFailed {
                project,
                invoice: *invoice,
                will_retry: next_retry_on.is_some(),
            }],
            AccountEvent::PaymentLinkCreated { link }
                if link.purpose == LinkPurpose::ThreeDsFallback =>
            {
                vec![Notification::PaymentLinkReady {
                    project,
                    invoice: link.invoice,
                    expires_at: link.expires_at,
                }]
            }
            AccountEvent::CreditRecorded { credit }
                if credit.reason != CreditReason::CardVerification =>
            {
                vec![Notification::CreditToResolve {
                    project,
                    amount: credit.amount,
                }]
            }
            AccountEvent::ReminderSent {
                invoice, due_on, ..
            } => vec![Notification::PaymentDue {
                project,
                invoice: *invoice,
                due_date: *due_on,
            }],
            AccountEvent::Blocked { .. } => vec![Notification::Blocked { project }],
            AccountEvent::Unblocked => vec![Notification::Unblocked { project }],
            _ => Vec::new(),
        }
    }

    /// A one-line, human-readable audit text. It never contains a card token.
    pub fn audit_text(&self) -> String {
        match self {
            AccountEvent::Subscribed {
                tariff,
                period,
                span,
            } => format!(
                "subscribed to {} ({period:?}), first period {span}",
                tariff.code
            ),
            AccountEvent::PeriodStarted { span, tariff, .. } => match tariff {
                Some(t) => format!("period {span} started on tariff {}", t.code),
                None => format!("period {span} started"),
            },
            AccountEvent::InvoiceIssued { invoice } => format!(
                "invoice {} issued: {}, due {}",
                invoice.number, invoice.total, invoice.due_on
            ),
            AccountEvent::InvoicePaid { invoice } => format!("invoice {invoice} paid"),
            AccountEvent::InvoiceCancelled { invoice, reason } => {
                format!("invoice {invoice} cancelled: {reason}")
            }
            AccountEvent::UsageRecorded { snapshot } => format!(
                "usage: {} products, {} orders in {}",
                snapshot.products, snapshot.orders_this_month, snapshot.month
            ),
            AccountEvent::TariffUpgraded { change, from, to } => {
                format!("change {change}: upgraded from {from} to {}", to.code)
            }
            AccountEvent::DowngradeScheduled {
                change,
                from,
                to,
                effective_on,
            } => format!(
                "change {change}: downgrade from {from} to {} from {effective_on}",
                to.code
            ),
            AccountEvent::DowngradeCancelled { to } => format!("downgrade to {to} cancelled"),
            AccountEvent::PeriodChangeScheduled {
                period,
                effective_on,
            } => format!("period {period:?} from {effective_on}"),
            AccountEvent::PaymentLinkCreated { link } => format!(
                "payment link {} for {} ({}), valid until {}",
                link.id, link.invoice, link.amount, link.expires_at
            ),
            AccountEvent::PaymentLinkExpired { link } => format!("payment link {link} expired"),
            AccountEvent::PaymentReceived { payment } => format!(
                "payment {} ({:?}) of {}: {} applied{}, {} credited",
                payment.id,
                payment.source,
                payment.amount,
                payment.applied,
                payment
                    .invoice
                    .map(|n| format!(" to {n}"))
                    .unwrap_or_default(),
                payment.credited
            ),
            AccountEvent::CreditRecorded { credit } => format!(
                "credit {} of {} kept ({:?})",
                credit.id, credit.amount, credit.reason
            ),
            AccountEvent::CreditApplied {
                credit,
                invoice,
                amount,
            } => format!("credit {credit}: {amount} applied to {invoice}"),
            AccountEvent::RefundRequested {
                credit,
                refund,
                amount,
            } => format!("credit {credit}: refund {refund} of {amount} requested"),
            AccountEvent::RefundCompleted { credit, refund } => {
                format!("credit {credit}: refund {refund} completed")
            }
            AccountEvent::RefundFailed { credit, refund } => {
                format!("credit {credit}: refund {refund} failed")
            }
            AccountEvent::CardBindingStarted { attempt, route } => match route {
                BindingRoute::PayInvoice { invoice, amount } => {
                    format!("card binding {attempt}: paying {invoice} ({amount})")
                }
                BindingRoute::Verification { amount } => {
                    format!("card binding {attempt}: verification charge of {amount}")
                }
            },
            AccountEvent::CardBindingSucceeded { attempt, payment } => {
                format!("card binding {attempt} succeeded (payment {payment})")
            }
            AccountEvent::CardBindingFailed { attempt, reason } => {
                format!("card binding {attempt} failed: {reason}")
            }
            AccountEvent::CardSaved { card } => {
                format!("card {} ({}) saved", card.masked_pan, card.holder)
            }
            AccountEvent::AutopayEnabled { tariff } => match tariff {
                Some(t) => format!("autopay on (tariff {t})"),
                None => "autopay on".to_string(),
            },
            AccountEvent::AutopayStopped { reason } => format!("autopay stopped: {reason}"),
            AccountEvent::AutopayResumed => "autopay resumed".to_string(),
            AccountEvent::ChargeRequested {
                attempt,
                invoice,
                amount,
                attempt_no,
                ..
            } => format!("charge {attempt} (#{attempt_no}) of {amount} for {invoice} requested"),
            AccountEvent::ChargeSucceeded { attempt, payment } => {
                format!("charge {attempt} succeeded (payment {payment})")
            }
            AccountEvent::ChargeFailed {
                attempt,
                reason,
                next_retry_on,
                ..
            } => match next_retry_on {
                Some(d) => format!("charge {attempt} failed: {reason}; retry on {d}"),
                None => format!("charge {attempt} failed: {reason}; left to the owner"),
            },
            AccountEvent::ChargeNeeds3ds { attempt, invoice } => {
                format!("charge {attempt} for {invoice} needs 3-D Secure: payment link instead")
            }
            AccountEvent::ReminderSent {
                invoice, due_on, ..
            } => format!("reminder: {invoice} due {due_on}"),
            AccountEvent::Blocked { invoices } => format!(
                "blocked for debt: {}",
                invoices
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            AccountEvent::Unblocked => "unblocked".to_string(),
            AccountEvent::AccountClosed => "account closed for deletion".to_string(),
            AccountEvent::PaymentLinkPublished { link, provider, .. } => {
                format!("payment link {link} published at the acquirer ({provider})")
            }
        }
    }
}
