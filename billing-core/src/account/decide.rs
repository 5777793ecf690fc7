//! `decide`: the rules. Works on a draft copy of the state, applying each event as it is emitted,
//! so that later rules in the same command see earlier events (numbers, credits, access).

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::autopay::{AttemptStatus, BindingRoute};
use super::{AccessState, Account, AccountCommand, AccountError, AccountEvent, BillingPolicy};
use crate::actor::Actor;
use crate::calendar::{add_days, days_inclusive, kyiv_date, prorate, PeriodSpan};
use crate::ids::InvoiceNumber;
use crate::invoice::{Invoice, InvoiceKind, InvoiceLine};
use crate::money::Money;
use crate::payment::{
    AttemptId, Credit, CreditReason, LinkId, LinkPurpose, LinkStatus, PaymentId, PaymentLink,
    PaymentRecord, PaymentSource, SavedCard,
};
use crate::tariff::{classify_change, BillingPeriod, ChangeDirection, Tariff, TariffError};

/// The most catch-up periods one daily tick issues (a safety bound; a day's tick issues one).
const MAX_CATCH_UP_PERIODS: usize = 240;

/// Whether the command changed something (and access must be re-derived) or was a repeat.
#[derive(PartialEq, Eq)]
enum Outcome {
    Changed,
    Nothing,
}

struct Draft<'p> {
    s: Account,
    events: Vec<AccountEvent>,
    now: DateTime<Utc>,
    today: NaiveDate,
    policy: &'p BillingPolicy,
}

fn check_actor(cmd: &AccountCommand, actor: &Actor) -> Result<(), AccountError> {
    use AccountCommand as C;
    let owner = matches!(actor, Actor::Owner);
    let support = matches!(actor, Actor::Support { .. });
    let manager = matches!(actor, Actor::Manager { .. });
    let system = matches!(actor, Actor::System);
    let ok = match cmd {
        C::Subscribe { .. } => owner || support || system,
        C::ChangeTariff { .. } | C::ChangeBillingPeriod { .. } => owner || support,
        C::RecordUsage { .. }
        | C::DailyTick
        | C::CardPaymentSucceeded { .. }
        | C::CardBindingSucceeded { .. }
        | C::CardBindingFailed { .. }
        | C::ChargeSucceeded { .. }
        | C::ChargeFailed { .. }
        | C::ChargeRequires3ds { .. }
        | C::RecordRefund { .. }
        | C::PublishLink { .. } => system,
        C::RequestPaymentLink { .. } => owner || support || system,
        C::StartCardBinding { .. } => owner,
        C::RecordBankTransfer { .. } => system || support,
        C::StopAutopay { .. } | C::ResumeAutopay => {
            return if support {
                Ok(())
            } else {
                Err(AccountError::AutopaySupportOnly)
            }
        }
        C::ApplyCredit { .. } | C::RefundCredit { .. } => support,
        C::CancelInvoice { .. } => support || manager,
        C::CloseForDeletion => manager || system,
    };
    if ok {
        Ok(())
    } else {
        Err(AccountError::Forbidden {
            command: cmd.name(),
            actor: actor.label(),
        })
    }
}

impl Account {
    /// Decides a command: the events it causes, or a refusal that changes nothing. Pure: the same
    /// state, command, actor, time and policy always give the same answer.
    ///
    /// A repeat of something already recorded (the same payment id, a link still valid) gives no
    /// events.
    pub fn decide(
        &self,
        cmd: &AccountCommand,
        actor: &Actor,
        now: DateTime<Utc>,
        policy: &BillingPolicy,
    ) -> Result<Vec<AccountEvent>, AccountError> {
        check_actor(cmd, actor)?;
        let mut d = Draft {
            s: self.clone(),
            events: Vec::new(),
            now,
            today: kyiv_date(now),
            policy,
        };
        if d.run(cmd, actor)? == Outcome::Changed {
            d.reconcile_access();
        }
        Ok(d.events)
    }
}

impl Draft<'_> {
    fn emit(&mut self, e: AccountEvent) {
        self.s.apply(&e);
        self.events.push(e);
    }

    fn not_closed(&self) -> Result<(), AccountError> {
        if self.s.closed {
            Err(AccountError::Deleted)
        } else {
            Ok(())
        }
    }

    fn cards_allowed(&self) -> Result<(), AccountError> {
        self.not_closed()?;
        if self.s.autopay.stopped_by_support {
            Err(AccountError::CardPaymentsStopped)
        } else {
            Ok(())
        }
    }

    fn invoice(&self, number: &InvoiceNumber) -> Result<&Invoice, AccountError> {
        self.s
            .invoice(number)
            .ok_or_else(|| AccountError::UnknownInvoice {
                number: number.to_string(),
            })
    }

    fn open_invoice(&self, number: &InvoiceNumber) -> Result<&Invoice, AccountError> {
        let inv = self.invoice(number)?;
        if inv.is_open() {
            Ok(inv)
        } else {
            Err(AccountError::InvoiceNotOpen {
                number: number.to_string(),
                status: inv.status,
            })
        }
    }

    /// `Some(Nothing)` for an exact repeat of a recorded payment, an error for a conflicting one.
    fn repeat_of(
        &self,
        id: &PaymentId,
        amount: Money,
        sources: &[PaymentSource],
    ) -> Result<Option<Outcome>, AccountError> {
        match self.s.payments.get(id) {
            None => Ok(None),
            Some(p) if p.amount == amount && sources.contains(&p.source) => {
                Ok(Some(Outcome::Nothing))
            }
            Some(_) => Err(AccountError::PaymentIdConflict { id: id.to_string() }),
        }
    }

    fn run(&mut self, cmd: &AccountCommand, actor: &Actor) -> Result<Outcome, AccountError> {
        use AccountCommand as C;
        match cmd {
            C::Subscribe { tariff, period } => self.subscribe(tariff, *period)?,
            C::ChangeTariff { tariff } => self.change_tariff(tariff)?,
            C::ChangeBillingPeriod { period } => self.change_period(*period)?,
            C::RecordUsage { snapshot } => {
                self.not_closed()?;
                if self
                    .s
                    .usage
                    .is_some_and(|u| snapshot.taken_at <= u.taken_at)
                {
                    return Err(AccountError::StaleUsage);
                }
                self.emit(AccountEvent::UsageRecorded {
                    snapshot: *snapshot,
                });
            }
            C::DailyTick => {
                if self.s.closed {
                    return Ok(Outcome::Nothing);
                }
                self.tick()?;
            }
            C::RequestPaymentLink { invoice, link } => {
                self.cards_allowed()?;
                let owed = self.open_invoice(invoice)?.owed();
                if self
                    .s
                    .payment_link(invoice, self.now)
                    .is_some_and(|l| l.amount == owed)
                {
                    return Ok(Outcome::Nothing);
                }
                self.new_link(*invoice, link, LinkPurpose::Requested)?;
            }
            C::CardPaymentSucceeded {
                link,
                payment,
                amount,
                card,
            } => {
                if let Some(o) = self.repeat_of(payment, *amount, &[PaymentSource::CardLink])? {
                    return Ok(o);
                }
                nonzero(*amount)?;
                let invoice = self.s.links.get(link).map(|l| l.invoice).ok_or_else(|| {
                    AccountError::UnknownLink {
                        id: link.to_string(),
                    }
                })?;
                self.settle(
                    payment,
                    PaymentSource::CardLink,
                    *amount,
                    Some(invoice),
                    None,
                )?;
                if let Some(card) = card {
                    self.card_success(card);
                }
            }
            C::RecordBankTransfer {
                transaction,
                amount,
                invoice,
            } => {
                let source = if matches!(actor, Actor::Support { .. }) {
                    PaymentSource::BankTransferSupport
                } else {
                    PaymentSource::BankTransferAuto
                };
                if let Some(o) = self.repeat_of(transaction, *amount, &[source])? {
                    return Ok(o);
                }
                nonzero(*amount)?;
                if let Some(n) = invoice {
                    let inv = self.invoice(n)?;
                    let owed = inv.owed();
                    if source == PaymentSource::BankTransferAuto && inv.is_open() && *amount < owed
                    {
                        return Err(AccountError::PartialPaymentSupportOnly {
                            owed: owed.to_string(),
                            amount: amount.to_string(),
                        });
                    }
                }
                self.settle(transaction, source, *amount, *invoice, None)?;
            }
            C::StartCardBinding { attempt } => {
                self.cards_allowed()?;
                if self.s.bindings.contains_key(attempt) || self.s.charges.contains_key(attempt) {
                    return Err(AccountError::AttemptIdUsed {
                        attempt: attempt.to_string(),
                    });
                }
                let pay = if self.s.autopay.card.is_none() {
                    self.s
                        .open_invoices()
                        .find(|i| !i.owed().is_zero())
                        .map(|i| (i.number, i.owed()))
                } else {
                    None
                };
                let route = match pay {
                    Some((invoice, amount)) => BindingRoute::PayInvoice { invoice, amount },
                    None => BindingRoute::Verification {
                        amount: self.policy.verification_amount,
                    },
                };
                self.emit(AccountEvent::CardBindingStarted {
                    attempt: attempt.clone(),
                    route,
                });
            }
            C::CardBindingSucceeded {
                attempt,
                payment,
                amount,
                card,
                refund,
            } => {
                let sources = [PaymentSource::CardLink, PaymentSource::CardVerification];
                if let Some(o) = self.repeat_of(payment, *amount, &sources)? {
                    return Ok(o);
                }
                let route = self.pending_binding(attempt)?.route.clone();
                nonzero(*amount)?;
                if self
                    .s
                    .credits
                    .iter()
                    .any(|c| c.refund.as_ref().is_some_and(|r| &r.id == refund))
                {
                    return Err(AccountError::RefundIdUsed {
                        id: refund.to_string(),
                    });
                }
                self.emit(AccountEvent::CardBindingSucceeded {
                    attempt: attempt.clone(),
                    payment: payment.clone(),
                });
                match route {
                    BindingRoute::PayInvoice { invoice, .. } => {
                        self.settle(
                            payment,
                            PaymentSource::CardLink,
                            *amount,
                            Some(invoice),
                            None,
                        )?;
                    }
                    BindingRoute::Verification { .. } => {
                        let credit = self.settle(
                            payment,
                            PaymentSource::CardVerification,
                            *amount,
                            None,
                            Some(CreditReason::CardVerification),
                        )?;
                        if let Some(credit) = credit {
                            self.emit(AccountEvent::RefundRequested {
                                credit,
                                refund: refund.clone(),
                                amount: *amount,
                            });
                        }
                    }
                }
                self.card_success(card);
            }
            C::CardBindingFailed { attempt, reason } => {
                self.pending_binding(attempt)?;
                self.emit(AccountEvent::CardBindingFailed {
                    attempt: attempt.clone(),
                    reason: reason.clone(),
                });
            }
            C::ChargeSucceeded {
                attempt,
                payment,
                amount,
            } => {
                if let Some(o) = self.repeat_of(payment, *amount, &[PaymentSource::CardAutopay])? {
                    return Ok(o);
                }
                let invoice = self
                    .s
                    .charges
                    .get(attempt)
                    .map(|c| c.invoice)
                    .ok_or_else(|| AccountError::UnknownAttempt {
                        attempt: attempt.to_string(),
                    })?;
                nonzero(*amount)?;
                self.emit(AccountEvent::ChargeSucceeded {
                    attempt: attempt.clone(),
                    payment: payment.clone(),
                });
                self.settle(
                    payment,
                    PaymentSource::CardAutopay,
                    *amount,
                    Some(invoice),
                    None,
                )?;
            }
            C::ChargeFailed { attempt, reason } => {
                let (invoice, attempt_no) = self.in_flight_charge(attempt)?;
                let still_open = self.s.invoice(&invoice).is_some_and(Invoice::is_open);
                let next_retry_on = match self.s.plans.get(&invoice.sequence()) {
                    Some(plan) if still_open && self.s.autopay_is_on() => {
                        let index =
                            usize::try_from(attempt_no.saturating_sub(1)).unwrap_or(usize::MAX);
                        self.policy
                            .retry_days
                            .get(index)
                            .map(|days| add_days(plan.first_on, *days))
                    }
                    _ => None,
                };
                self.emit(AccountEvent::ChargeFailed {
                    attempt: attempt.clone(),
                    invoice,
                    reason: reason.clone(),
                    next_retry_on,
                });
            }
            C::ChargeRequires3ds { attempt, link } => {
                let (invoice, _) = self.in_flight_charge(attempt)?;
                let offer_link = self.cards_allowed().is_ok()
                    && self.s.invoice(&invoice).is_some_and(Invoice::is_open);
                if offer_link && self.s.links.contains_key(link) {
                    return Err(AccountError::LinkIdUsed {
                        id: link.to_string(),
                    });
                }
                self.emit(AccountEvent::ChargeNeeds3ds {
                    attempt: attempt.clone(),
                    invoice,
                });
                if offer_link {
                    self.new_link(invoice, link, LinkPurpose::ThreeDsFallback)?;
                }
            }
            C::StopAutopay { reason } => {
                self.not_closed()?;
                if self.s.autopay.stopped_by_support {
                    return Err(AccountError::AutopayAlreadyStopped);
                }
                self.emit(AccountEvent::AutopayStopped {
                    reason: reason.clone(),
                });
                self.expire_links(None);
            }
            C::ResumeAutopay => {
                self.not_closed()?;
                if !self.s.autopay.stopped_by_support {
                    return Err(AccountError::AutopayNotStopped);
                }
                self.emit(AccountEvent::AutopayResumed);
            }
            C::CancelInvoice { invoice, reason } => {
                self.not_closed()?;
                self.open_invoice(invoice)?;
                self.cancel(*invoice, reason, |n| CreditReason::InvoiceCancelled {
                    invoice: n,
                });
            }
            C::ApplyCredit { credit, invoice } => {
                self.not_closed()?;
                let remaining = self.open_credit(*credit)?;
                let owed = self.open_invoice(invoice)?.owed();
                let amount = remaining.min(owed);
                self.emit(AccountEvent::CreditApplied {
                    credit: *credit,
                    invoice: *invoice,
                    amount,
                });
                self.mark_paid_if_covered(invoice);
            }
            C::RefundCredit { credit, refund } => {
                let remaining = self.open_credit(*credit)?;
                if self
                    .s
                    .credits
                    .iter()
                    .any(|c| c.refund.as_ref().is_some_and(|r| &r.id == refund))
                {
                    return Err(AccountError::RefundIdUsed {
                        id: refund.to_string(),
                    });
                }
                self.emit(AccountEvent::RefundRequested {
                    credit: *credit,
                    refund: refund.clone(),
                    amount: remaining,
                });
            }
            C::RecordRefund { refund, succeeded } => {
                let credit = self
                    .s
                    .credits
                    .iter()
                    .find(|c| c.refund.as_ref().is_some_and(|r| &r.id == refund))
                    .ok_or_else(|| AccountError::UnknownRefund {
                        id: refund.to_string(),
                    })?;
                if credit.refund.as_ref().is_some_and(|r| r.completed) {
                    return Err(AccountError::RefundCompleted {
                        id: refund.to_string(),
                    });
                }
                let credit = credit.id;
                self.emit(if *succeeded {
                    AccountEvent::RefundCompleted {
                        credit,
                        refund: refund.clone(),
                    }
                } else {
                    AccountEvent::RefundFailed {
                        credit,
                        refund: refund.clone(),
                    }
                });
            }
            C::CloseForDeletion => {
                self.not_closed()?;
                let open: Vec<InvoiceNumber> = self.s.open_invoices().map(|i| i.number).collect();
                for n in open {
                    self.cancel(n, "project deleted", |_| CreditReason::AccountClosed);
                }
                self.expire_links(None);
                self.emit(AccountEvent::AccountClosed);
            }
            C::PublishLink {
                link,
                url,
                provider,
            } => {
                let known = self
                    .s
                    .links
                    .get(link)
                    .ok_or_else(|| AccountError::UnknownLink {
                        id: link.to_string(),
                    })?;
                if known.url.as_deref() == Some(url.as_str()) {
                    return Ok(Outcome::Nothing);
                }
                self.emit(AccountEvent::PaymentLinkPublished {
                    link: link.clone(),
                    url: url.clone(),
                    provider: provider.clone(),
                });
            }
        }
        Ok(Outcome::Changed)
    }

    fn subscribe(&mut self, tariff: &Tariff, period: BillingPeriod) -> Result<(), AccountError> {
        self.not_closed()?;
        if self.s.subscription.is_some() {
            return Err(AccountError::AlreadySubscribed);
        }
        tariff.price(period)?;
        let span = if self.today.day() == 1 {
            PeriodSpan::full(self.today, period.months())
        } else {
            PeriodSpan::first_partial(self.today, period.months())
        };
        self.emit(AccountEvent::Subscribed {
            tariff: tariff.clone(),
            period,
            span,
        });
        self.issue_period_invoice(tariff, period, span)
    }

    fn change_tariff(&mut self, tariff: &Tariff) -> Result<(), AccountError> {
        self.not_closed()?;
        let sub = self
            .s
            .subscription
            .as_ref()
            .ok_or(AccountError::NotSubscribed)?;
        if tariff.code == sub.tariff.code {
            if let Some(pending) = &sub.pending_tariff {
                let to = pending.code.clone();
                self.emit(AccountEvent::DowngradeCancelled { to });
                return Ok(());
            }
            return Err(TariffError::Same {
                code: tariff.code.to_string(),
            }
            .into());
        }
        let direction = classify_change(&sub.tariff, tariff, sub.period)?;
        if let Some(p) = sub.pending_period {
            tariff.price(p)?;
        }
        let change = self.s.tariff_changes + 1;
        let from = sub.tariff.code.clone();
        let span = sub.span;
        match direction {
            ChangeDirection::Upgrade => {
                let old = sub.tariff.price(sub.period).unwrap_or(Money::ZERO);
                let new = tariff.price(sub.period)?;
                let start = self.today.max(span.start);
                let days = days_inclusive(start, span.end);
                let amount = prorate(new.checked_sub(old)?, days, span.basis_days)?;
                self.emit(AccountEvent::TariffUpgraded {
                    change,
                    from: from.clone(),
                    to: tariff.clone(),
                });
                let rest = PeriodSpan {
                    start,
                    end: span.end,
                    basis_days: span.basis_days,
                };
                let line = InvoiceLine {
                    description: format!(
                        "Доплата за перехід з тарифу «{}» на «{}», {rest} ({days} дн. з {})",
                        sub_name(&self.s, &from),
                        tariff.name,
                        span.basis_days
                    ),
                    amount,
                };
                let kind = InvoiceKind::TariffChange {
                    change,
                    from,
                    to: tariff.code.clone(),
                    span: rest,
                };
                self.issue_invoice(kind, vec![line])?;
            }
            ChangeDirection::Downgrade => {
                if let Some(excess) = self.s.usage.and_then(|u| tariff.first_excess(&u)) {
                    return Err(excess.into());
                }
                self.emit(AccountEvent::DowngradeScheduled {
                    change,
                    from,
                    to: tariff.clone(),
                    effective_on: span.next_start(),
                });
            }
        }
        Ok(())
    }

    fn change_period(&mut self, period: BillingPeriod) -> Result<(), AccountError> {
        self.not_closed()?;
        let sub = self
            .s
            .subscription
            .as_ref()
            .ok_or(AccountError::NotSubscribed)?;
        if period == sub.pending_period.unwrap_or(sub.period) {
            return Err(AccountError::PeriodSame);
        }
        sub.pending_tariff
            .as_ref()
            .unwrap_or(&sub.tariff)
            .price(period)?;
        let effective_on = sub.span.next_start();
        self.emit(AccountEvent::PeriodChangeScheduled {
            period,
            effective_on,
        });
        Ok(())
    }

    fn tick(&mut self) -> Result<(), AccountError> {
        // New periods (with catch-up if ticks were missed).
        for _ in 0..MAX_CATCH_UP_PERIODS {
            let Some(sub) = &self.s.subscription else {
                break;
            };
            let start = sub.span.next_start();
            if self.today < start {
                break;
            }
            let next_tariff = sub.pending_tariff.clone();
            let effective = next_tariff.as_ref().unwrap_or(&sub.tariff).clone();
            let period = sub
                .pending_period
                .filter(|p| effective.price(*p).is_ok())
                .unwrap_or(sub.period);
            let span = PeriodSpan::full(start, period.months());
            self.emit(AccountEvent::PeriodStarted {
                span,
                period,
                tariff: next_tariff,
            });
            self.issue_period_invoice(&effective, period, span)?;
        }
        // Autopay retries.
        if self.s.autopay_is_on() {
            let due: Vec<(InvoiceNumber, u32)> = self
                .s
                .plans
                .iter()
                .filter(|(_, p)| !p.in_flight && p.next_retry_on.is_some_and(|d| d <= self.today))
                .filter_map(|(seq, p)| {
                    let inv = self
                        .s
                        .invoices
                        .get(usize::try_from(*seq).ok()?.checked_sub(1)?)?;
                    inv.is_open().then_some((inv.number, p.attempts + 1))
                })
                .collect();
            for (number, attempt_no) in due {
                self.request_charge(number, attempt_no);
            }
        }
        // Reminders.
        let grace = self.policy.grace_days;
        let mut reminders = Vec::new();
        for inv in self.s.open_invoices() {
            if inv.owed().is_zero() || inv.is_past_grace(self.today, grace) {
                continue;
            }
            let covered = self
                .s
                .plans
                .get(&inv.number.sequence())
                .is_some_and(|p| p.in_flight || p.next_retry_on.is_some());
            if covered {
                continue;
            }
            let point = self
                .policy
                .reminder_days_before_due
                .iter()
                .filter_map(|k| {
                    inv.due_on
                        .checked_sub_days(chrono::Days::new(u64::from(*k)))
                })
                .filter(|p| *p <= self.today && *p >= inv.issued_on)
                .max();
            let last = self.s.reminders.get(&inv.number.sequence()).copied();
            if let Some(point) = point {
                if last.is_none_or(|l| l < point) {
                    reminders.push((inv.number, inv.due_on));
                }
            }
        }
        for (invoice, due_on) in reminders {
            self.emit(AccountEvent::ReminderSent {
                invoice,
                due_on,
                on: self.today,
            });
        }
        Ok(())
    }

    fn issue_period_invoice(
        &mut self,
        tariff: &Tariff,
        period: BillingPeriod,
        span: PeriodSpan,
    ) -> Result<(), AccountError> {
        let price = tariff.price(period)?;
        let (amount, description) = if span.is_partial() {
            (
                prorate(price, span.days(), span.basis_days)?,
                format!(
                    "Тариф «{}», {} міс., {span}: пропорційно, {} дн. з {}",
                    tariff.name,
                    period.months(),
                    span.days(),
                    span.basis_days
                ),
            )
        } else {
            (
                price,
                format!("Тариф «{}», {} міс., {span}", tariff.name, period.months()),
            )
        };
        let kind = InvoiceKind::Period {
            span,
            tariff: tariff.code.clone(),
            period,
        };
        self.issue_invoice(
            kind,
            vec![InvoiceLine {
                description,
                amount,
            }],
        )
    }

    /// Issues an invoice with the project's next number (none for a zero total), and charges it at
    /// once when autopay is on.
    fn issue_invoice(
        &mut self,
        kind: InvoiceKind,
        lines: Vec<InvoiceLine>,
    ) -> Result<(), AccountError> {
        if lines.iter().all(|l| l.amount.is_zero()) {
            return Ok(());
        }
        let sequence = u32::try_from(self.s.invoices.len() + 1).unwrap_or(u32::MAX);
        let Ok(number) =
            InvoiceNumber::new(self.policy.invoice_prefix, self.s.service_code, sequence)
        else {
            return Ok(());
        };
        let invoice = Invoice::issue(
            number,
            kind,
            lines,
            self.now,
            self.policy.due_days,
            self.policy.vat_rate,
        )?;
        self.emit(AccountEvent::InvoiceIssued { invoice });
        if self.s.autopay_is_on() {
            self.request_charge(number, 1);
        }
        Ok(())
    }

    fn request_charge(&mut self, invoice: InvoiceNumber, attempt_no: u32) {
        let amount = self
            .s
            .invoice(&invoice)
            .map(Invoice::owed)
            .unwrap_or(Money::ZERO);
        let Ok(attempt) = AttemptId::new(&format!("{invoice}-c{attempt_no}")) else {
            return;
        };
        if amount.is_zero() || self.s.charges.contains_key(&attempt) {
            return;
        }
        self.emit(AccountEvent::ChargeRequested {
            attempt,
            invoice,
            amount,
            attempt_no,
            on: self.today,
        });
    }

    /// Records a payment: the part an open invoice still owes is applied, the rest is kept as a
    /// credit. Returns the credit's number, if one was recorded.
    fn settle(
        &mut self,
        id: &PaymentId,
        source: PaymentSource,
        amount: Money,
        invoice: Option<InvoiceNumber>,
        reason: Option<CreditReason>,
    ) -> Result<Option<u32>, AccountError> {
        let closed = self.s.closed;
        let (applied, rest_reason) = match invoice.and_then(|n| self.s.invoice(&n)) {
            None => (
                Money::ZERO,
                if closed {
                    CreditReason::AccountClosed
                } else {
                    CreditReason::Unallocated
                },
            ),
            Some(inv) if inv.is_open() => (
                amount.min(inv.owed()),
                CreditReason::Overpayment {
                    invoice: inv.number,
                },
            ),
            Some(_) if closed => (Money::ZERO, CreditReason::AccountClosed),
            Some(inv) if inv.status == crate::invoice::InvoiceStatus::Paid => (
                Money::ZERO,
                CreditReason::InvoiceAlreadyPaid {
                    invoice: inv.number,
                },
            ),
            Some(inv) => (
                Money::ZERO,
                CreditReason::InvoiceCancelled {
                    invoice: inv.number,
                },
            ),
        };
        let credited = amount.checked_sub(applied)?;
        self.emit(AccountEvent::PaymentReceived {
            payment: PaymentRecord {
                id: id.clone(),
                source,
                amount,
                received_at: self.now,
                invoice,
                applied,
                credited,
            },
        });
        if let (Some(n), false) = (invoice, applied.is_zero()) {
            self.mark_paid_if_covered(&n);
        }
        if credited.is_zero() {
            return Ok(None);
        }
        let credit = u32::try_from(self.s.credits.len() + 1).unwrap_or(u32::MAX);
        self.emit(AccountEvent::CreditRecorded {
            credit: Credit {
                id: credit,
                payment: Some(id.clone()),
                amount: credited,
                remaining: credited,
                reason: reason.unwrap_or(rest_reason),
                refund: None,
            },
        });
        Ok(Some(credit))
    }

    fn mark_paid_if_covered(&mut self, number: &InvoiceNumber) {
        if self
            .s
            .invoice(number)
            .is_some_and(|i| i.is_open() && i.paid == i.total)
        {
            self.emit(AccountEvent::InvoicePaid { invoice: *number });
        }
    }

    fn cancel(
        &mut self,
        number: InvoiceNumber,
        reason: &str,
        credit_reason: impl Fn(InvoiceNumber) -> CreditReason,
    ) {
        let paid = self
            .s
            .invoice(&number)
            .map(|i| i.paid)
            .unwrap_or(Money::ZERO);
        self.emit(AccountEvent::InvoiceCancelled {
            invoice: number,
            reason: reason.to_string(),
        });
        if !paid.is_zero() {
            let id = u32::try_from(self.s.credits.len() + 1).unwrap_or(u32::MAX);
            self.emit(AccountEvent::CreditRecorded {
                credit: Credit {
                    id,
                    payment: None,
                    amount: paid,
                    remaining: paid,
                    reason: credit_reason(number),
                    refund: None,
                },
            });
        }
    }

    fn open_credit(&self, id: u32) -> Result<Money, AccountError> {
        let credit = usize::try_from(id)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| self.s.credits.get(i))
            .ok_or(AccountError::UnknownCredit { id })?;
        if credit.is_open() {
            Ok(credit.remaining)
        } else {
            Err(AccountError::CreditResolved { id })
        }
    }

    fn pending_binding(&self, attempt: &AttemptId) -> Result<&super::CardBinding, AccountError> {
        let b = self
            .s
            .bindings
            .get(attempt)
            .ok_or_else(|| AccountError::UnknownBinding {
                attempt: attempt.to_string(),
            })?;
        if b.status == AttemptStatus::InFlight {
            Ok(b)
        } else {
            Err(AccountError::BindingFinished {
                attempt: attempt.to_string(),
            })
        }
    }

    fn in_flight_charge(&self, attempt: &AttemptId) -> Result<(InvoiceNumber, u32), AccountError> {
        let c = self
            .s
            .charges
            .get(attempt)
            .ok_or_else(|| AccountError::UnknownAttempt {
                attempt: attempt.to_string(),
            })?;
        if c.status == AttemptStatus::InFlight {
            Ok((c.invoice, c.attempt_no))
        } else {
            Err(AccountError::ChargeNotInFlight {
                attempt: attempt.to_string(),
            })
        }
    }

    /// A card payment succeeded: save the card and turn autopay on the first time. Nothing is saved
    /// once the account is closed.
    fn card_success(&mut self, card: &SavedCard) {
        if self.s.closed {
            return;
        }
        if self.s.autopay.card.as_ref() != Some(card) {
            self.emit(AccountEvent::CardSaved { card: card.clone() });
        }
        if !self.s.autopay.enabled && !self.s.autopay.stopped_by_support {
            let tariff = self.s.tariff().map(|t| t.code.clone());
            self.emit(AccountEvent::AutopayEnabled { tariff });
        }
    }

    /// Records the active links (of one invoice, or all) as expired.
    fn expire_links(&mut self, invoice: Option<InvoiceNumber>) {
        let ids: Vec<LinkId> = self
            .s
            .links
            .values()
            .filter(|l| l.status == LinkStatus::Active && invoice.is_none_or(|n| l.invoice == n))
            .map(|l| l.id.clone())
            .collect();
        for link in ids {
            self.emit(AccountEvent::PaymentLinkExpired { link });
        }
    }

    fn new_link(
        &mut self,
        invoice: InvoiceNumber,
        id: &LinkId,
        purpose: LinkPurpose,
    ) -> Result<(), AccountError> {
        if self.s.links.contains_key(id) {
            return Err(AccountError::LinkIdUsed { id: id.to_string() });
        }
        let amount = self.open_invoice(&invoice)?.owed();
        self.expire_links(Some(invoice));
        self.emit(AccountEvent::PaymentLinkCreated {
            link: PaymentLink {
                id: id.clone(),
                invoice,
                amount,
                created_at: self.now,
                expires_at: self.now + self.policy.link_validity(),
                saves_card: true,
                purpose,
                status: LinkStatus::Active,
                url: None,
                provider: None,
            },
        });
        Ok(())
    }

    /// Emits `Blocked` / `Unblocked` when the access derived at `now` differs from the last one
    /// announced.
    fn reconcile_access(&mut self) {
        if self.s.closed {
            return;
        }
        let blocked = self.s.access(self.now, self.policy) == AccessState::Blocked;
        if blocked && !self.s.blocked {
            let grace = self.policy.grace_days;
            let invoices = self
                .s
                .open_invoices()
                .filter(|i| i.is_past_grace(self.today, grace))
                .map(|i| i.number)
                .collect();
            self.emit(AccountEvent::Blocked { invoices });
        } else if !blocked && self.s.blocked {
            self.emit(AccountEvent::Unblocked);
        }
    }
}

fn nonzero(amount: Money) -> Result<(), AccountError> {
    if amount.is_zero() {
        Err(AccountError::ZeroAmount)
    } else {
        Ok(())
    }
}

/// The display name of the tariff a change leaves (the current one).
fn sub_name(account: &Account, code: &crate::tariff::TariffCode) -> String {
    account
        .tariff()
        .filter(|t| &t.code == code)
        .map(|t| t.name.clone())
        .unwrap_or_else(|| code.to_string())
}
