//! Property tests: random sequences of commands over a year of simulated days (a test clock, with
//! the scheduler's daily tick every day), checking the account's invariants after every step.

mod account_common;

use std::collections::BTreeSet;

use account_common::*;
use billing_core::account::{AccessState, AccountCommand as C, AccountEvent as E, AttemptStatus};
use billing_core::calendar::{add_days, kyiv_date};
use billing_core::invoice::InvoiceStatus;
use billing_core::tariff::{BillingPeriod, UsageSnapshot};
use billing_core::{Actor, Money};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Usage {
        products: u32,
        orders: u32,
    },
    BankExact {
        pick: usize,
        extra: u32,
    },
    BankAny {
        pick: usize,
        kopiyky: u32,
        by_support: bool,
    },
    Repeat {
        pick: usize,
    },
    Link {
        pick: usize,
    },
    PayLink {
        pick: usize,
        save: bool,
    },
    StartBinding,
    BindingResult {
        ok: bool,
        amount_ok: bool,
    },
    ChargeResult {
        kind: u8,
    },
    Stop,
    Resume,
    ChangeTariff {
        pick: usize,
    },
    ChangePeriod {
        pick: usize,
    },
    Cancel {
        pick: usize,
    },
    ApplyCredit {
        pick: usize,
        invoice: usize,
    },
    Refund {
        pick: usize,
    },
    RefundResult {
        ok: bool,
    },
    Close,
    WrongActor {
        pick: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u32..1200, 0u32..400).prop_map(|(products, orders)| Op::Usage { products, orders }),
        4 => (any::<usize>(), prop_oneof![3 => Just(0u32), 1 => 1u32..50_000]).prop_map(|(pick, extra)| Op::BankExact { pick, extra }),
        2 => (any::<usize>(), 1u32..120_000, any::<bool>()).prop_map(|(pick, kopiyky, by_support)| Op::BankAny { pick, kopiyky, by_support }),
        2 => any::<usize>().prop_map(|pick| Op::Repeat { pick }),
        3 => any::<usize>().prop_map(|pick| Op::Link { pick }),
        3 => (any::<usize>(), any::<bool>()).prop_map(|(pick, save)| Op::PayLink { pick, save }),
        2 => Just(Op::StartBinding),
        2 => (any::<bool>(), any::<bool>()).prop_map(|(ok, amount_ok)| Op::BindingResult { ok, amount_ok }),
        6 => (0u8..3).prop_map(|kind| Op::ChargeResult { kind }),
        1 => Just(Op::Stop),
        1 => Just(Op::Resume),
        2 => any::<usize>().prop_map(|pick| Op::ChangeTariff { pick }),
        1 => any::<usize>().prop_map(|pick| Op::ChangePeriod { pick }),
        1 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(pick, invoice)| Op::ApplyCredit { pick, invoice }),
        1 => any::<usize>().prop_map(|pick| Op::Refund { pick }),
        1 => any::<bool>().prop_map(|ok| Op::RefundResult { ok }),
        1 => (0u8..100).prop_map(|x| if x == 0 { Op::Close } else { Op::Usage { products: 1, orders: 1 } }),
        1 => any::<usize>().prop_map(|pick| Op::WrongActor { pick }),
    ]
}

struct Sim {
    p: Project,
    now: DateTime<Utc>,
    last_tick: chrono::NaiveDate,
    counter: u32,
    paid_ids: BTreeSet<String>,
    payment_cmds: Vec<C>,
    bindings: Vec<billing_core::AttemptId>,
    refunds: Vec<billing_core::RefundId>,
    credit_applied: Money,
}

impl Sim {
    fn id(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}-{}", self.counter)
    }

    /// Runs a command and checks the per-command invariants.
    fn run(&mut self, cmd: C, actor: &Actor) {
        let before = self.p.account.clone();
        let Ok(events) = self.p.run(cmd.clone(), actor, self.now) else {
            return;
        };
        for e in &events {
            match e {
                E::ChargeRequested { .. } => {
                    assert!(
                        before.autopay_is_on(),
                        "a charge without autopay on: {cmd:?}"
                    );
                }
                E::PaymentReceived { payment } => {
                    assert!(
                        self.paid_ids.insert(payment.id.to_string()),
                        "payment {} applied twice",
                        payment.id
                    );
                    assert_eq!(
                        payment.applied.checked_add(payment.credited).unwrap(),
                        payment.amount
                    );
                }
                E::CreditApplied { amount, .. } => {
                    self.credit_applied = self.credit_applied.checked_add(*amount).unwrap();
                }
                _ => {}
            }
        }
        if matches!(
            cmd,
            C::RecordBankTransfer { .. }
                | C::CardPaymentSucceeded { .. }
                | C::ChargeSucceeded { .. }
        ) {
            self.payment_cmds.push(cmd);
        }
        if !events.is_empty() {
            self.check_blocked();
        }
        self.check_state();
    }

    fn check_blocked(&self) {
        let a = &self.p.account;
        if a.is_closed() {
            return;
        }
        let today = kyiv_date(self.now);
        let grace = self.p.policy.grace_days;
        let overdue = a
            .invoices()
            .iter()
            .any(|i| i.status == InvoiceStatus::Open && today > add_days(i.due_on, grace));
        assert_eq!(
            a.access(self.now, &self.p.policy) == AccessState::Blocked,
            overdue
        );
        assert_eq!(
            a.is_marked_blocked(),
            overdue,
            "blocked flag out of step on {today}"
        );
    }

    fn check_state(&self) {
        let a = &self.p.account;
        // Invoice numbers 1..n, no gap, no repeat.
        for (i, inv) in a.invoices().iter().enumerate() {
            assert_eq!(inv.number.sequence() as usize, i + 1);
            assert_eq!(inv.number.service_code(), a.service_code());
            // Paid never exceeds the total; paid status means covered exactly.
            assert!(inv.paid <= inv.total);
            match inv.status {
                InvoiceStatus::Paid => assert_eq!(inv.paid, inv.total),
                InvoiceStatus::Open => assert!(inv.paid < inv.total),
                InvoiceStatus::Cancelled => {}
            }
        }
        // No period has two period invoices.
        let mut starts = BTreeSet::new();
        for span in a.invoices().iter().filter_map(|i| i.period_span()) {
            assert!(
                starts.insert(span.start),
                "two invoices for the period from {}",
                span.start
            );
        }
        // Every kopiyka is accounted for: applied to invoices, or kept as a credit.
        let applied = Money::sum(a.payments().values().map(|p| p.applied)).unwrap();
        let paid = Money::sum(a.invoices().iter().map(|i| i.paid)).unwrap();
        assert_eq!(paid, applied.checked_add(self.credit_applied).unwrap());
        for c in a.credits() {
            assert!(c.remaining <= c.amount);
        }
    }

    fn advance(&mut self, hours: u32) {
        self.now += Duration::hours(i64::from(hours));
        // The scheduler ticks once every Kyiv day, at the first instant we see of it.
        while self.last_tick < kyiv_date(self.now) {
            self.last_tick = self.last_tick.succ_opt().unwrap();
            self.run(C::DailyTick, &Actor::System);
            self.check_blocked();
        }
    }

    fn open_invoice(&self, pick: usize) -> Option<billing_core::Invoice> {
        let open: Vec<_> = self.p.account.open_invoices().cloned().collect();
        (!open.is_empty()).then(|| open[pick % open.len()].clone())
    }

    fn any_invoice(&self, pick: usize) -> Option<billing_core::InvoiceNumber> {
        let all = self.p.account.invoices();
        (!all.is_empty()).then(|| all[pick % all.len()].number)
    }

    fn step(&mut self, op: Op) {
        let tariffs = ["start", "business", "pro"];
        // Mostly monthly, so that a year has many invoices.
        use BillingPeriod::*;
        let periods = [
            Monthly, Monthly, Monthly, Monthly, Monthly, Quarterly, HalfYearly, Yearly,
        ];
        match op {
            Op::Usage { products, orders } => {
                let snapshot = UsageSnapshot::new(products, orders, self.now);
                self.run(C::RecordUsage { snapshot }, &Actor::System);
            }
            Op::BankExact { pick, extra } => {
                if let Some(inv) = self.open_invoice(pick) {
                    let amount = inv
                        .owed()
                        .checked_add(Money::from_kopiyky(i64::from(extra)).unwrap())
                        .unwrap();
                    let transaction = pid(&self.id("bank"));
                    self.run(
                        C::RecordBankTransfer {
                            transaction,
                            amount,
                            invoice: Some(inv.number),
                        },
                        &Actor::System,
                    );
                }
            }
            Op::BankAny {
                pick,
                kopiyky,
                by_support,
            } => {
                let invoice = self.any_invoice(pick);
                let transaction = pid(&self.id("bank"));
                let amount = Money::from_kopiyky(i64::from(kopiyky)).unwrap();
                let actor = if by_support { support() } else { Actor::System };
                self.run(
                    C::RecordBankTransfer {
                        transaction,
                        amount,
                        invoice,
                    },
                    &actor,
                );
            }
            Op::Repeat { pick } => {
                if !self.payment_cmds.is_empty() {
                    let cmd = self.payment_cmds[pick % self.payment_cmds.len()].clone();
                    let before = self.p.account.clone();
                    let actor = if matches!(&cmd, C::RecordBankTransfer { .. })
                        && before.payments().values().any(|p| {
                            p.source == billing_core::PaymentSource::BankTransferSupport
                                && matches!(&cmd, C::RecordBankTransfer { transaction, .. } if *transaction == p.id)
                        }) {
                        support()
                    } else {
                        Actor::System
                    };
                    let events = self.p.run(cmd, &actor, self.now).unwrap();
                    assert!(events.is_empty(), "a repeated payment changed something");
                    assert_eq!(before, self.p.account);
                }
            }
            Op::Link { pick } => {
                if let Some(inv) = self.open_invoice(pick) {
                    let link = lid(&self.id("link"));
                    self.run(
                        C::RequestPaymentLink {
                            invoice: inv.number,
                            link,
                        },
                        &Actor::Owner,
                    );
                }
            }
            Op::PayLink { pick, save } => {
                let links: Vec<_> = self.p.account.links().values().cloned().collect();
                if !links.is_empty() {
                    let l = &links[pick % links.len()];
                    let payment = pid(&self.id("acq"));
                    let card = save.then(|| card(self.counter));
                    self.run(
                        C::CardPaymentSucceeded {
                            link: l.id.clone(),
                            payment,
                            amount: l.amount,
                            card,
                        },
                        &Actor::System,
                    );
                }
            }
            Op::StartBinding => {
                let attempt = aid(&self.id("bind"));
                self.bindings.push(attempt.clone());
                self.run(C::StartCardBinding { attempt }, &Actor::Owner);
            }
            Op::BindingResult { ok, amount_ok } => {
                let pending = self.bindings.iter().find(|b| {
                    self.p
                        .account
                        .binding(b)
                        .is_some_and(|x| x.status == AttemptStatus::InFlight)
                });
                if let Some(attempt) = pending.cloned() {
                    let route_amount = match &self.p.account.binding(&attempt).unwrap().route {
                        billing_core::account::BindingRoute::PayInvoice { amount, .. } => *amount,
                        billing_core::account::BindingRoute::Verification { amount } => *amount,
                    };
                    let amount = if amount_ok {
                        route_amount
                    } else {
                        route_amount.checked_add(m("5")).unwrap()
                    };
                    let cmd = if ok {
                        let refund = billing_core::RefundId::new(&self.id("ref")).unwrap();
                        self.refunds.push(refund.clone());
                        C::CardBindingSucceeded {
                            attempt,
                            payment: pid(&self.id("acq")),
                            amount,
                            card: card(self.counter),
                            refund,
                        }
                    } else {
                        C::CardBindingFailed {
                            attempt,
                            reason: "declined".into(),
                        }
                    };
                    self.run(cmd, &Actor::System);
                }
            }
            Op::ChargeResult { kind } => {
                let flight = self
                    .p
                    .account
                    .charges_in_flight()
                    .next()
                    .map(|(a, c)| (a.clone(), c.amount));
                if let Some((attempt, amount)) = flight {
                    let cmd = match kind {
                        0 => C::ChargeSucceeded {
                            attempt,
                            payment: pid(&self.id("acq")),
                            amount,
                        },
                        1 => C::ChargeFailed {
                            attempt,
                            reason: "declined".into(),
                        },
                        _ => C::ChargeRequires3ds {
                            attempt,
                            link: lid(&self.id("link")),
                        },
                    };
                    self.run(cmd, &Actor::System);
                }
            }
            Op::Stop => self.run(
                C::StopAutopay {
                    reason: "test".into(),
                },
                &support(),
            ),
            Op::Resume => self.run(C::ResumeAutopay, &support()),
            Op::ChangeTariff { pick } => {
                self.run(
                    C::ChangeTariff {
                        tariff: tariff(tariffs[pick % 3]),
                    },
                    &Actor::Owner,
                );
            }
            Op::ChangePeriod { pick } => {
                self.run(
                    C::ChangeBillingPeriod {
                        period: periods[pick % periods.len()],
                    },
                    &Actor::Owner,
                );
            }
            Op::Cancel { pick } => {
                if let Some(invoice) = self.any_invoice(pick) {
                    self.run(
                        C::CancelInvoice {
                            invoice,
                            reason: "test".into(),
                        },
                        &support(),
                    );
                }
            }
            Op::ApplyCredit { pick, invoice } => {
                let n = self.p.account.credits().len();
                if let (true, Some(inv)) = (n > 0, self.any_invoice(invoice)) {
                    self.run(
                        C::ApplyCredit {
                            credit: (pick % n) as u32 + 1,
                            invoice: inv,
                        },
                        &support(),
                    );
                }
            }
            Op::Refund { pick } => {
                let n = self.p.account.credits().len();
                if n > 0 {
                    let refund = billing_core::RefundId::new(&self.id("ref")).unwrap();
                    self.refunds.push(refund.clone());
                    self.run(
                        C::RefundCredit {
                            credit: (pick % n) as u32 + 1,
                            refund,
                        },
                        &support(),
                    );
                }
            }
            Op::RefundResult { ok } => {
                if let Some(refund) = self.refunds.pop() {
                    self.run(
                        C::RecordRefund {
                            refund,
                            succeeded: ok,
                        },
                        &Actor::System,
                    );
                }
            }
            Op::Close => self.run(C::CloseForDeletion, &manager()),
            Op::WrongActor { pick } => {
                // Commands the actor may not issue are refused and change nothing (checked in run).
                let before = self.p.account.clone();
                let (cmd, actor) = match pick % 4 {
                    0 => (C::StopAutopay { reason: "x".into() }, Actor::Owner),
                    1 => (C::DailyTick, Actor::Owner),
                    2 => (C::CloseForDeletion, support()),
                    _ => (C::ResumeAutopay, Actor::System),
                };
                assert!(self.p.run(cmd, &actor, self.now).is_err());
                assert_eq!(before, self.p.account);
            }
        }
    }
}

proptest! {
    // 48 cases by default; `PROPTEST_CASES=500` for a longer run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_year_of_random_commands_keeps_the_invariants(
        start_hour in 0u32..24,
        start_day in 1u32..28,
        period in 0usize..4,
        steps in prop::collection::vec((0u32..60, op()), 150..320),
    ) {
        let start = kyiv(2026, 1, start_day, start_hour);
        let mut sim = Sim {
            p: Project::new(),
            now: start,
            last_tick: kyiv_date(start),
            counter: 0,
            paid_ids: BTreeSet::new(),
            payment_cmds: Vec::new(),
            bindings: Vec::new(),
            refunds: Vec::new(),
            credit_applied: Money::ZERO,
        };
        sim.p.subscribe("start", BillingPeriod::ALL[period], start);
        let end = start + Duration::days(366);
        for (hours, op) in steps {
            if sim.now >= end {
                break;
            }
            sim.advance(hours);
            sim.step(op);
        }
        // Run out the year with daily ticks.
        while sim.now < end {
            sim.advance(24);
        }
        // The audit trail rebuilds the state.
        let replayed = billing_core::Account::replay(
            sim.p.account.service_code(),
            sim.p.trail.iter().map(|a| &a.event),
        );
        prop_assert_eq!(&replayed, &sim.p.account);
        // A year of periods: the period invoices cover the days back to back, up to today
        // (unless the account was closed early).
        if !sim.p.account.is_closed() {
            let spans: Vec<_> = sim.p.account.invoices().iter().filter_map(|i| i.period_span()).collect();
            for pair in spans.windows(2) {
                prop_assert_eq!(pair[1].start, pair[0].next_start());
            }
            prop_assert!(spans.last().unwrap().contains(kyiv_date(sim.now)));
        }
    }
}
