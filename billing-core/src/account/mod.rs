//! The billing account (рахунок проєкту): one project's billing as an aggregate.
//!
//! Its state changes only through commands: [`Account::decide`] either returns events, which
//! [`Account::apply`] applies (and which are kept as the audit trail), or a typed [`AccountError`]
//! that changes nothing. `decide` is pure: the time, the actor, the policy and every outside id
//! (acquirer payment, bank transaction, card token, link, attempt and refund ids) are arguments.
//!
//! ```
//! use billing_core::account::{Account, AccountCommand, AccessState, BillingPolicy};
//! use billing_core::tariff::{BillingPeriod, Limits, Tariff};
//! use billing_core::{Actor, ServiceCode};
//! use chrono::{TimeZone, Utc};
//!
//! let policy = BillingPolicy::default();
//! let tariff = Tariff::new("start", "Старт", Limits::default())?
//!     .with_price(BillingPeriod::Monthly, "310".parse()?);
//! let mut account = Account::new("00042".parse()?);
//! let now = Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap(); // 16 March, Kyiv
//! let cmd = AccountCommand::Subscribe { tariff, period: BillingPeriod::Monthly };
//! account.execute(&cmd, &Actor::Owner, now, &policy)?;
//! let first = &account.invoices()[0];
//! assert_eq!(first.number.to_string(), "HOR-00042-001");
//! assert_eq!(first.total.to_string(), "160.00"); // 16 of 31 days of 310
//! assert_eq!(account.access(now, &policy), AccessState::PaymentDue);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod access;
mod autopay;
mod command;
mod decide;
mod error;
mod event;
mod policy;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use access::AccessState;
pub use autopay::{AttemptStatus, Autopay, BindingRoute, CardBinding, ChargeAttempt, ChargePlan};
pub use command::AccountCommand;
pub use error::AccountError;
pub use event::AccountEvent;
pub use policy::BillingPolicy;

use crate::actor::{Actor, Audited};
use crate::calendar::PeriodSpan;
use crate::ids::{InvoiceNumber, ServiceCode};
use crate::invoice::{Invoice, InvoiceStatus};
use crate::money::Money;
use crate::payment::{
    AttemptId, Credit, CreditRefund, LinkId, LinkStatus, PaymentId, PaymentLink, PaymentRecord,
    SavedCard,
};
use crate::tariff::{BillingPeriod, Tariff, Usage, UsageSnapshot};

/// The subscription: the tariff and period in effect, the current period, and changes scheduled
/// for the next period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// The tariff in effect.
    pub tariff: Tariff,
    /// The period length in effect.
    pub period: BillingPeriod,
    /// The current (paid or payable) period.
    pub span: PeriodSpan,
    /// A downgrade taking effect at the next period.
    pub pending_tariff: Option<Tariff>,
    /// A period length taking effect at the next period.
    pub pending_period: Option<BillingPeriod>,
}

/// One project's billing: its state, changed only by applying its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    service_code: ServiceCode,
    closed: bool,
    subscription: Option<Subscription>,
    invoices: Vec<Invoice>,
    tariff_changes: u32,
    usage: Option<UsageSnapshot>,
    payments: BTreeMap<PaymentId, PaymentRecord>,
    credits: Vec<Credit>,
    links: BTreeMap<LinkId, PaymentLink>,
    autopay: Autopay,
    bindings: BTreeMap<AttemptId, CardBinding>,
    charges: BTreeMap<AttemptId, ChargeAttempt>,
    plans: BTreeMap<u32, ChargePlan>,
    reminders: BTreeMap<u32, NaiveDate>,
    blocked: bool,
}

impl Account {
    /// A new account for a project: no tariff, no invoices.
    pub fn new(service_code: ServiceCode) -> Account {
        Account {
            service_code,
            closed: false,
            subscription: None,
            invoices: Vec::new(),
            tariff_changes: 0,
            usage: None,
            payments: BTreeMap::new(),
            credits: Vec::new(),
            links: BTreeMap::new(),
            autopay: Autopay::default(),
            bindings: BTreeMap::new(),
            charges: BTreeMap::new(),
            plans: BTreeMap::new(),
            reminders: BTreeMap::new(),
            blocked: false,
        }
    }

    /// Rebuilds an account from its events (the same `apply` as live).
    pub fn replay<'a>(
        service_code: ServiceCode,
        events: impl IntoIterator<Item = &'a AccountEvent>,
    ) -> Account {
        let mut account = Account::new(service_code);
        for e in events {
            account.apply(e);
        }
        account
    }

    /// Decides and applies a command: the events, each wrapped with the actor and time.
    pub fn execute(
        &mut self,
        cmd: &AccountCommand,
        actor: &Actor,
        now: DateTime<Utc>,
        policy: &BillingPolicy,
    ) -> Result<Vec<Audited<AccountEvent>>, AccountError> {
        let events = self.decide(cmd, actor, now, policy)?;
        for e in &events {
            self.apply(e);
        }
        Ok(events
            .into_iter()
            .map(|event| Audited {
                at: now,
                actor: actor.clone(),
                event,
            })
            .collect())
    }

    /// The project's service code.
    pub fn service_code(&self) -> ServiceCode {
        self.service_code
    }

    /// Whether the account was closed for the project's deletion.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The subscription, once started.
    pub fn subscription(&self) -> Option<&Subscription> {
        self.subscription.as_ref()
    }

    /// The tariff in effect.
    pub fn tariff(&self) -> Option<&Tariff> {
        self.subscription.as_ref().map(|s| &s.tariff)
    }

    /// All invoices, oldest first (the index is the sequence less one).
    pub fn invoices(&self) -> &[Invoice] {
        &self.invoices
    }

    /// The invoice history: all invoices, newest first.
    pub fn invoice_history(&self) -> impl Iterator<Item = &Invoice> {
        self.invoices.iter().rev()
    }

    /// An invoice by number.
    pub fn invoice(&self, number: &InvoiceNumber) -> Option<&Invoice> {
        let index = usize::try_from(number.sequence()).ok()?.checked_sub(1)?;
        self.invoices.get(index).filter(|i| &i.number == number)
    }

    /// The open invoices, oldest first.
    pub fn open_invoices(&self) -> impl Iterator<Item = &Invoice> {
        self.invoices
            .iter()
            .filter(|i| i.status == InvoiceStatus::Open)
    }

    /// What open invoices still owe, in total.
    pub fn total_owed(&self) -> Money {
        Money::sum(self.open_invoices().map(Invoice::owed)).unwrap_or(Money::MAX)
    }

    /// All payments, by outside id.
    pub fn payments(&self) -> &BTreeMap<PaymentId, PaymentRecord> {
        &self.payments
    }

    /// A payment by outside id.
    pub fn payment(&self, id: &PaymentId) -> Option<&PaymentRecord> {
        self.payments.get(id)
    }

    /// All credits (overpayments and settlement items), oldest first.
    pub fn credits(&self) -> &[Credit] {
        &self.credits
    }

    /// The credits with something left to resolve.
    pub fn open_credits(&self) -> impl Iterator<Item = &Credit> {
        self.credits.iter().filter(|c| c.is_open())
    }

    /// The valid payment link of an invoice at `now`, if any (the invoice must be open).
    pub fn payment_link(
        &self,
        invoice: &InvoiceNumber,
        now: DateTime<Utc>,
    ) -> Option<&PaymentLink> {
        if !self.invoice(invoice).is_some_and(Invoice::is_open) {
            return None;
        }
        self.links
            .values()
            .find(|l| &l.invoice == invoice && l.is_valid_at(now))
    }

    /// All payment links, by id.
    pub fn links(&self) -> &BTreeMap<LinkId, PaymentLink> {
        &self.links
    }

    /// The autopay state.
    pub fn autopay(&self) -> &Autopay {
        &self.autopay
    }

    /// Whether new invoices are charged to the saved card.
    pub fn autopay_is_on(&self) -> bool {
        !self.closed && self.autopay.is_on()
    }

    /// The saved card (masked number and holder for display).
    pub fn card(&self) -> Option<&SavedCard> {
        self.autopay.card.as_ref()
    }

    /// A card binding attempt.
    pub fn binding(&self, attempt: &AttemptId) -> Option<&CardBinding> {
        self.bindings.get(attempt)
    }

    /// All autopay charge attempts, by id.
    pub fn charges(&self) -> &BTreeMap<AttemptId, ChargeAttempt> {
        &self.charges
    }

    /// The charge schedule of an invoice.
    pub fn charge_plan(&self, invoice: &InvoiceNumber) -> Option<&ChargePlan> {
        self.plans.get(&invoice.sequence())
    }

    /// The card bindings, by attempt.
    pub fn bindings(&self) -> &BTreeMap<AttemptId, CardBinding> {
        &self.bindings
    }

    /// The charge attempts awaiting an answer.
    pub fn charges_in_flight(&self) -> impl Iterator<Item = (&AttemptId, &ChargeAttempt)> {
        self.charges
            .iter()
            .filter(|(_, c)| c.status == AttemptStatus::InFlight)
    }

    /// The latest usage snapshot.
    pub fn usage_snapshot(&self) -> Option<&UsageSnapshot> {
        self.usage.as_ref()
    }

    /// The tariff's limits against the latest snapshot (O(1) checks, no allocation).
    pub fn usage(&self) -> Option<Usage> {
        Some(Usage::new(self.tariff()?.limits, self.usage?))
    }

    /// The number of tariff changes so far.
    pub fn tariff_changes(&self) -> u32 {
        self.tariff_changes
    }

    fn invoice_mut(&mut self, number: &InvoiceNumber) -> Option<&mut Invoice> {
        let index = usize::try_from(number.sequence()).ok()?.checked_sub(1)?;
        self.invoices.get_mut(index).filter(|i| &i.number == number)
    }

    fn credit_mut(&mut self, id: u32) -> Option<&mut Credit> {
        let index = usize::try_from(id).ok()?.checked_sub(1)?;
        self.credits.get_mut(index)
    }

    /// Applies an event. Never fails; the same function rebuilds the state when replaying.
    pub fn apply(&mut self, event: &AccountEvent) {
        match event {
            AccountEvent::Subscribed {
                tariff,
                period,
                span,
            } => {
                self.subscription = Some(Subscription {
                    tariff: tariff.clone(),
                    period: *period,
                    span: *span,
                    pending_tariff: None,
                    pending_period: None,
                });
            }
            AccountEvent::PeriodStarted {
                span,
                period,
                tariff,
            } => {
                if let Some(s) = &mut self.subscription {
                    s.span = *span;
                    s.period = *period;
                    s.pending_period = None;
                    s.pending_tariff = None;
                    if let Some(t) = tariff {
                        s.tariff = t.clone();
                    }
                }
            }
            AccountEvent::InvoiceIssued { invoice } => self.invoices.push(invoice.clone()),
            AccountEvent::InvoicePaid { invoice } => {
                if let Some(i) = self.invoice_mut(invoice) {
                    i.status = InvoiceStatus::Paid;
                }
                self.end_plan(invoice);
            }
            AccountEvent::InvoiceCancelled { invoice, .. } => {
                if let Some(i) = self.invoice_mut(invoice) {
                    i.status = InvoiceStatus::Cancelled;
                }
                self.end_plan(invoice);
            }
            AccountEvent::UsageRecorded { snapshot } => self.usage = Some(*snapshot),
            AccountEvent::TariffUpgraded { change, to, .. } => {
                self.tariff_changes = *change;
                if let Some(s) = &mut self.subscription {
                    s.tariff = to.clone();
                    s.pending_tariff = None;
                }
            }
            AccountEvent::DowngradeScheduled { change, to, .. } => {
                self.tariff_changes = *change;
                if let Some(s) = &mut self.subscription {
                    s.pending_tariff = Some(to.clone());
                }
            }
            AccountEvent::DowngradeCancelled { .. } => {
                if let Some(s) = &mut self.subscription {
                    s.pending_tariff = None;
                }
            }
            AccountEvent::PeriodChangeScheduled { period, .. } => {
                if let Some(s) = &mut self.subscription {
                    s.pending_period = (*period != s.period).then_some(*period);
                }
            }
            AccountEvent::PaymentLinkCreated { link } => {
                self.links.insert(link.id.clone(), link.clone());
            }
            AccountEvent::PaymentLinkPublished {
                link,
                url,
                provider,
            } => {
                if let Some(l) = self.links.get_mut(link) {
                    l.url = Some(url.clone());
                    l.provider = Some(provider.clone());
                }
            }
            AccountEvent::PaymentLinkExpired { link } => {
                if let Some(l) = self.links.get_mut(link) {
                    l.status = LinkStatus::Expired;
                }
            }
            AccountEvent::PaymentReceived { payment } => {
                if let Some(n) = payment.invoice {
                    if let Some(i) = self.invoice_mut(&n) {
                        i.paid = i.paid.checked_add(payment.applied).unwrap_or(i.total);
                    }
                }
                self.payments.insert(payment.id.clone(), payment.clone());
            }
            AccountEvent::CreditRecorded { credit } => self.credits.push(credit.clone()),
            AccountEvent::CreditApplied {
                credit,
                invoice,
                amount,
            } => {
                if let Some(c) = self.credit_mut(*credit) {
                    c.remaining = c.remaining.saturating_sub(*amount);
                }
                if let Some(i) = self.invoice_mut(invoice) {
                    i.paid = i.paid.checked_add(*amount).unwrap_or(i.total);
                }
            }
            AccountEvent::RefundRequested {
                credit,
                refund,
                amount,
            } => {
                if let Some(c) = self.credit_mut(*credit) {
                    c.remaining = c.remaining.saturating_sub(*amount);
                    c.refund = Some(CreditRefund {
                        id: refund.clone(),
                        amount: *amount,
                        completed: false,
                    });
                }
            }
            AccountEvent::RefundCompleted { credit, .. } => {
                if let Some(r) = self.credit_mut(*credit).and_then(|c| c.refund.as_mut()) {
                    r.completed = true;
                }
            }
            AccountEvent::RefundFailed { credit, .. } => {
                if let Some(c) = self.credit_mut(*credit) {
                    if let Some(r) = c.refund.take() {
                        c.remaining = c.remaining.checked_add(r.amount).unwrap_or(c.amount);
                    }
                }
            }
            AccountEvent::CardBindingStarted { attempt, route } => {
                self.bindings.insert(
                    attempt.clone(),
                    CardBinding {
                        route: route.clone(),
                        status: AttemptStatus::InFlight,
                        payment: None,
                    },
                );
            }
            AccountEvent::CardBindingSucceeded { attempt, payment } => {
                if let Some(b) = self.bindings.get_mut(attempt) {
                    b.status = AttemptStatus::Succeeded;
                    b.payment = Some(payment.clone());
                }
            }
            AccountEvent::CardBindingFailed { attempt, .. } => {
                if let Some(b) = self.bindings.get_mut(attempt) {
                    b.status = AttemptStatus::Failed;
                }
            }
            AccountEvent::CardSaved { card } => self.autopay.card = Some(card.clone()),
            AccountEvent::AutopayEnabled { .. } => self.autopay.enabled = true,
            AccountEvent::AutopayStopped { .. } => self.autopay.stopped_by_support = true,
            AccountEvent::AutopayResumed => self.autopay.stopped_by_support = false,
            AccountEvent::ChargeRequested {
                attempt,
                invoice,
                amount,
                attempt_no,
                on,
            } => {
                self.charges.insert(
                    attempt.clone(),
                    ChargeAttempt {
                        invoice: *invoice,
                        attempt_no: *attempt_no,
                        amount: *amount,
                        requested_on: *on,
                        status: AttemptStatus::InFlight,
                    },
                );
                let plan = self
                    .plans
                    .entry(invoice.sequence())
                    .or_insert_with(|| ChargePlan {
                        first_on: *on,
                        attempts: 0,
                        in_flight: false,
                        next_retry_on: None,
                    });
                plan.attempts = *attempt_no;
                plan.in_flight = true;
                plan.next_retry_on = None;
            }
            AccountEvent::ChargeSucceeded { attempt, .. } => {
                self.finish_attempt(attempt, AttemptStatus::Succeeded, None);
            }
            AccountEvent::ChargeFailed {
                attempt,
                next_retry_on,
                ..
            } => self.finish_attempt(attempt, AttemptStatus::Failed, *next_retry_on),
            AccountEvent::ChargeNeeds3ds { attempt, .. } => {
                self.finish_attempt(attempt, AttemptStatus::Needs3ds, None);
            }
            AccountEvent::ReminderSent { invoice, on, .. } => {
                self.reminders.insert(invoice.sequence(), *on);
            }
            AccountEvent::Blocked { .. } => self.blocked = true,
            AccountEvent::Unblocked => self.blocked = false,
            AccountEvent::AccountClosed => {
                self.closed = true;
                self.blocked = false;
                self.autopay.enabled = false;
                if let Some(s) = &mut self.subscription {
                    s.pending_tariff = None;
                    s.pending_period = None;
                }
            }
        }
    }

    fn finish_attempt(
        &mut self,
        attempt: &AttemptId,
        status: AttemptStatus,
        next: Option<NaiveDate>,
    ) {
        let Some(c) = self.charges.get_mut(attempt) else {
            return;
        };
        c.status = status;
        // A late answer to an earlier attempt does not touch the plan of the latest one.
        if let Some(plan) = self.plans.get_mut(&c.invoice.sequence()) {
            if plan.attempts == c.attempt_no {
                plan.in_flight = false;
                plan.next_retry_on = next;
            }
        }
    }

    fn end_plan(&mut self, invoice: &InvoiceNumber) {
        if let Some(plan) = self.plans.get_mut(&invoice.sequence()) {
            plan.next_retry_on = None;
        }
    }
}
