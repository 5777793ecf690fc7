//! Tax invoices (ПН) and corrections (РК): scenarios on a real project, and properties of the
//! derivation for any history.

use std::collections::BTreeMap;

use billing_core::account::{AccountCommand as C, BillingPolicy};
use billing_core::invoice::{InvoiceStatus, VatRate};
use billing_core::paperwork::RequisitesForm;
use billing_core::payment::{CreditReason, PaymentId, RefundId};
use billing_core::project::{Project, ProjectCommand, ProjectEvent};
use billing_core::tariff::{BillingPeriod, Limits, Tariff};
use billing_core::tax_invoice::{
    derive, facts_from_events, tax_due, vat_of, Deadline, DeadlineTable, DraftKind, FactKind,
    ReturnReason, Supply, TaxBuyer, TaxCommand, TaxDocKind, TaxDraft, TaxFact, Trigger,
};
use billing_core::{Actor, Audited, ErrorCode, InvoiceNumber, Money, ServiceCode};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn d(y: i32, mo: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, day).unwrap()
}

fn support() -> Actor {
    Actor::Support { id: "ann".into() }
}

/// A project driven through real commands, keeping its stream with times.
struct World {
    p: Project,
    now: DateTime<Utc>,
    policy: BillingPolicy,
    stream: Vec<Audited<ProjectEvent>>,
    tx: u32,
}

impl World {
    fn new(vat: VatRate) -> World {
        let policy = BillingPolicy {
            vat_rate: vat,
            ..BillingPolicy::default()
        };
        let mut w = World {
            p: Project::new(ServiceCode::parse("11111").unwrap()),
            // 16 March 2026, 11:00 in Kyiv.
            now: Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap(),
            policy,
            stream: Vec::new(),
            tx: 0,
        };
        let tariff = Tariff::new("start", "Старт", Limits::default())
            .unwrap()
            .with_price(BillingPeriod::Monthly, m("310"));
        w.run(
            C::Subscribe {
                tariff,
                period: BillingPeriod::Monthly,
            },
            &Actor::System,
        )
        .unwrap();
        w
    }

    fn run(&mut self, cmd: C, actor: &Actor) -> Result<(), billing_core::project::ProjectError> {
        self.cmd(ProjectCommand::Account(cmd), actor)
    }

    fn cmd(
        &mut self,
        cmd: ProjectCommand,
        actor: &Actor,
    ) -> Result<(), billing_core::project::ProjectError> {
        let records = self.p.handle(&cmd, actor, self.now, &self.policy)?;
        self.stream.extend(records);
        Ok(())
    }

    fn days(&mut self, n: i64) {
        self.now += Duration::days(n);
    }

    fn transfer(&mut self, amount: &str, invoice: u32) {
        self.tx += 1;
        let cmd = C::RecordBankTransfer {
            transaction: PaymentId::new(&format!("tx-{}", self.tx)).unwrap(),
            amount: m(amount),
            invoice: Some(inv(invoice)),
        };
        // Partial payments are matched by support, from the payer's receipt.
        self.run(cmd, &support()).unwrap();
    }

    fn drafts(&self) -> billing_core::tax_invoice::Derivation {
        let (supplies, facts) = facts_from_events(&self.stream);
        derive(&facts, &supplies).unwrap()
    }

    fn issue(&mut self, first: u64) -> usize {
        let drafts = self.drafts().drafts;
        let buyer = TaxBuyer::from_requisites(self.p.paperwork().requisites()).unwrap();
        let before = self.stream.len();
        self.cmd(
            ProjectCommand::Tax(TaxCommand::Issue {
                drafts,
                first_number: first,
                buyer,
            }),
            &Actor::System,
        )
        .unwrap();
        self.stream.len() - before
    }
}

fn inv(n: u32) -> InvoiceNumber {
    format!("HOR-11111-{n:03}").parse().unwrap()
}

fn net_vat(drafts: &[TaxDraft]) -> i64 {
    drafts
        .iter()
        .map(|d| match d.kind {
            DraftKind::TaxInvoice => d.vat.kopiyky(),
            DraftKind::Correction { .. } => -d.vat.kopiyky(),
        })
        .sum()
}

#[test]
fn partial_payments_make_one_tax_invoice_each_and_add_up_to_the_invoice_vat() {
    let mut w = World::new(VatRate::Standard20);
    let first = w.p.account().invoices()[0].clone();
    assert_eq!(first.total, m("160.00"));
    w.days(1);
    w.transfer("100", 1);
    w.days(3);
    w.transfer("60", 1);
    assert_eq!(w.p.account().invoices()[0].status, InvoiceStatus::Paid);
    let out = w.drafts();
    assert_eq!(out.drafts.len(), 2);
    let [a, b] = [&out.drafts[0], &out.drafts[1]];
    assert_eq!(
        (a.date, a.amount, a.vat),
        (d(2026, 3, 17), m("100"), m("16.67"))
    );
    assert_eq!(
        (b.date, b.amount, b.vat),
        (d(2026, 3, 20), m("60"), m("10.00"))
    );
    assert_eq!(a.key, "pn:pay:tx-1");
    assert_eq!(a.trigger, Trigger::Payment);
    assert_eq!(a.base(), m("83.33"));
    assert!(a.description.contains("HOR-11111-001"));
    assert_eq!(net_vat(&out.drafts), first.vat.unwrap().kopiyky());

    // Numbered from the next free number; issuing again changes nothing.
    assert_eq!(w.issue(41), 2);
    assert_eq!(w.issue(43), 0);
    let docs = w.p.tax().documents();
    assert_eq!(docs.iter().map(|d| d.number).collect::<Vec<_>>(), [41, 42]);
    assert_eq!(docs[0].buyer.ipn(), "100000000000");

    // Registration deadlines: created on the 17th and 20th, so by 15 April (standard rule).
    let due = tax_due(docs, d(2026, 4, 1), &DeadlineTable::standard());
    assert_eq!(due.len(), 2);
    assert_eq!(
        due[0].deadline,
        Deadline::By {
            date: d(2026, 4, 15)
        }
    );
    assert_eq!(due[0].days_left, Some(14));
    let due = tax_due(docs, d(2026, 4, 1), &DeadlineTable::wartime());
    assert_eq!(
        due[0].deadline,
        Deadline::By {
            date: d(2026, 4, 18)
        }
    );
    // Registered documents leave the list.
    w.cmd(
        ProjectCommand::Tax(TaxCommand::RecordRegistered {
            number: 41,
            on: d(2026, 3, 25),
        }),
        &Actor::System,
    )
    .unwrap();
    let due = tax_due(
        w.p.tax().documents(),
        d(2026, 4, 16),
        &DeadlineTable::standard(),
    );
    assert_eq!(due.len(), 1);
    assert!(due[0].is_overdue());
    let err =
        w.p.decide(
            &ProjectCommand::Tax(TaxCommand::RecordRegistered {
                number: 41,
                on: d(2026, 3, 26),
            }),
            &Actor::System,
            w.now,
            &w.policy,
        )
        .unwrap_err();
    assert_eq!(err.code(), "tax_invoice.already_registered");
}

#[test]
fn an_overpayment_is_taxed_only_as_far_as_the_invoice_and_its_refund_needs_no_correction() {
    let mut w = World::new(VatRate::Standard20);
    w.transfer("500", 1);
    let credit = w.p.account().credits()[0].clone();
    assert_eq!(credit.amount, m("340.00"));
    w.run(
        C::RefundCredit {
            credit: 1,
            refund: RefundId::new("r-1").unwrap(),
        },
        &support(),
    )
    .unwrap();
    w.run(
        C::RecordRefund {
            refund: RefundId::new("r-1").unwrap(),
            succeeded: true,
        },
        &Actor::System,
    )
    .unwrap();
    let out = w.drafts();
    assert_eq!(out.drafts.len(), 1);
    assert_eq!(out.drafts[0].amount, m("160.00"));
    assert_eq!(out.drafts[0].vat, m("26.67"));
}

#[test]
fn a_cancellation_needs_support_and_the_refund_makes_a_correction() {
    let mut w = World::new(VatRate::Standard20);
    w.transfer("100", 1);
    w.issue(1);
    w.days(2);
    w.run(
        C::CancelInvoice {
            invoice: inv(1),
            reason: "client left".into(),
        },
        &support(),
    )
    .unwrap();
    let out = w.drafts();
    assert_eq!(out.drafts.len(), 1, "the money is still kept: no РК yet");
    assert_eq!(out.attention.len(), 1);
    assert_eq!(out.attention[0].supply, inv(1));
    assert_eq!(out.attention[0].amount, m("100"));
    assert_eq!(out.attention[0].tax_invoices, ["pn:pay:tx-1"]);

    w.days(1);
    w.run(
        C::RefundCredit {
            credit: 1,
            refund: RefundId::new("r-9").unwrap(),
        },
        &support(),
    )
    .unwrap();
    // Requested only: nothing until the bank confirms.
    assert_eq!(w.drafts().drafts.len(), 1);
    w.run(
        C::RecordRefund {
            refund: RefundId::new("r-9").unwrap(),
            succeeded: true,
        },
        &Actor::System,
    )
    .unwrap();
    let out = w.drafts();
    assert!(out.attention.is_empty());
    assert_eq!(out.drafts.len(), 2);
    let rk = &out.drafts[1];
    assert_eq!(
        rk.kind,
        DraftKind::Correction {
            corrects: "pn:pay:tx-1".into()
        }
    );
    assert_eq!(
        (rk.amount, rk.vat, rk.trigger),
        (m("100"), m("16.67"), Trigger::Refund)
    );
    assert_eq!(rk.date, d(2026, 3, 19));
    assert_eq!(net_vat(&out.drafts), 0);

    w.issue(7);
    let docs = w.p.tax().documents();
    assert_eq!(
        docs[1].kind,
        TaxDocKind::Correction {
            corrects: 1,
            corrects_date: d(2026, 3, 16)
        }
    );
    // The seller registers a РК to a non-payer itself.
    let due = tax_due(docs, d(2026, 3, 20), &DeadlineTable::standard());
    assert!(due
        .iter()
        .all(|i| matches!(i.deadline, Deadline::By { .. })));
}

#[test]
fn money_of_a_cancelled_invoice_applied_to_the_next_moves_its_tax() {
    let mut w = World::new(VatRate::Standard20);
    w.transfer("100", 1);
    w.run(
        C::CancelInvoice {
            invoice: inv(1),
            reason: "wrong tariff".into(),
        },
        &support(),
    )
    .unwrap();
    assert!(matches!(
        w.p.account().credits()[0].reason,
        CreditReason::InvoiceCancelled { .. }
    ));
    // 1 April: the next period's invoice.
    w.days(16);
    w.run(C::DailyTick, &Actor::System).unwrap();
    assert_eq!(w.p.account().invoices().len(), 2);
    w.run(
        C::ApplyCredit {
            credit: 1,
            invoice: inv(2),
        },
        &support(),
    )
    .unwrap();
    let out = w.drafts();
    let kinds: Vec<(InvoiceNumber, bool, Money)> = out
        .drafts
        .iter()
        .map(|d| (d.supply, d.kind == DraftKind::TaxInvoice, d.amount))
        .collect();
    assert_eq!(
        kinds,
        [
            (inv(1), true, m("100")),
            (inv(1), false, m("100")),
            (inv(2), true, m("100"))
        ]
    );
    assert!(out.attention.is_empty());
    assert_eq!(net_vat(&out.drafts), vat_of(m("100")).unwrap().kopiyky());
    assert_eq!(w.issue(1), 3);
}

#[test]
fn a_seller_without_vat_issues_nothing() {
    let mut w = World::new(VatRate::None);
    w.transfer("160", 1);
    assert!(w.drafts().drafts.is_empty());
}

#[test]
fn the_buyer_comes_from_the_requisites() {
    let mut w = World::new(VatRate::Standard20);
    let form = RequisitesForm {
        tax_id: "14360570".into(),
        iban: "UA213223130000026007233566001".into(),
        name: "ТОВ «Приклад»".into(),
        address: "м. Одеса".into(),
        director: Some("Петренко О. І.".into()),
        vat_number: Some("143605704021".into()),
        ..RequisitesForm::default()
    };
    w.cmd(
        ProjectCommand::Paperwork(billing_core::paperwork::PaperworkCommand::SaveRequisites {
            form,
        }),
        &Actor::Owner,
    )
    .unwrap();
    let buyer = TaxBuyer::from_requisites(w.p.paperwork().requisites()).unwrap();
    assert!(buyer.is_vat_payer());
    assert_eq!(buyer.ipn(), "143605704021");
    let err =
        TaxBuyer::vat_payer("X".into(), "123456704021", "14360570".parse().unwrap()).unwrap_err();
    assert_eq!(err.code(), "tax_invoice.buyer_vat_number");
    assert!(TaxBuyer::from_requisites(None).is_ok_and(|b| b.ipn() == "100000000000"));

    // A reducing РК to a VAT payer is registered by the buyer.
    w.transfer("100", 1);
    w.run(
        C::CancelInvoice {
            invoice: inv(1),
            reason: "x".into(),
        },
        &support(),
    )
    .unwrap();
    w.run(
        C::RefundCredit {
            credit: 1,
            refund: RefundId::new("r-1").unwrap(),
        },
        &support(),
    )
    .unwrap();
    w.run(
        C::RecordRefund {
            refund: RefundId::new("r-1").unwrap(),
            succeeded: true,
        },
        &Actor::System,
    )
    .unwrap();
    w.issue(1);
    let due = tax_due(
        w.p.tax().documents(),
        d(2026, 3, 31),
        &DeadlineTable::standard(),
    );
    assert_eq!(due.len(), 2);
    assert_eq!(
        due[1].deadline,
        Deadline::BuyerRegisters {
            days_after_receipt: 15
        }
    );
}

#[test]
fn bad_commands_change_nothing() {
    let mut w = World::new(VatRate::Standard20);
    w.transfer("100", 1);
    let drafts = w.drafts().drafts;
    let issue = |first| {
        ProjectCommand::Tax(TaxCommand::Issue {
            drafts: drafts.clone(),
            first_number: first,
            buyer: TaxBuyer::from_requisites(None).unwrap(),
        })
    };
    let before = w.p.clone();
    let err = w.cmd(issue(0), &Actor::System).unwrap_err();
    assert_eq!(err.code(), "tax_invoice.number_zero");
    assert_eq!(w.p, before);
    w.cmd(issue(5), &Actor::System).unwrap();
    w.transfer("60", 1);
    let more = w.drafts().drafts;
    let err = w
        .cmd(
            ProjectCommand::Tax(TaxCommand::Issue {
                drafts: more,
                first_number: 5,
                buyer: TaxBuyer::from_requisites(None).unwrap(),
            }),
            &Actor::System,
        )
        .unwrap_err();
    assert_eq!(err.code(), "tax_invoice.number_used");
    // A РК whose ПН is not issued is refused.
    let rk = TaxDraft {
        key: "rk:x".into(),
        kind: DraftKind::Correction {
            corrects: "pn:nothing".into(),
        },
        ..w.drafts().drafts[0].clone()
    };
    let err =
        w.p.decide(
            &ProjectCommand::Tax(TaxCommand::Issue {
                drafts: vec![rk],
                first_number: 9,
                buyer: TaxBuyer::from_requisites(None).unwrap(),
            }),
            &Actor::System,
            w.now,
            &w.policy,
        )
        .unwrap_err();
    assert_eq!(err.code(), "tax_invoice.unknown_target");
}

// ---- Properties of the derivation on any facts ----

#[derive(Debug, Clone)]
enum Op {
    Pay(usize, i64),
    Act(usize, i64),
    Cancel(usize),
    Refund(usize, i64),
    Move(usize, usize, i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, 1..200_000i64).prop_map(|(s, k)| Op::Pay(s, k)),
        2 => (0..3usize, 1..200_000i64).prop_map(|(s, k)| Op::Act(s, k)),
        1 => (0..3usize).prop_map(Op::Cancel),
        2 => (0..3usize, 1..200_000i64).prop_map(|(s, k)| Op::Refund(s, k)),
        1 => (0..3usize, 0..3usize, 1..200_000i64).prop_map(|(a, b, k)| Op::Move(a, b, k)),
    ]
}

struct Model {
    paid: [i64; 3],
    returned: [i64; 3],
    acted: [i64; 3],
}

/// Facts from ops, kept consistent (no more returned than paid), with the model's totals.
fn facts_of(ops: &[Op]) -> (BTreeMap<InvoiceNumber, Supply>, Vec<TaxFact>, Model) {
    let supplies: BTreeMap<InvoiceNumber, Supply> = (0..3u32)
        .map(|i| {
            (
                inv(i + 1),
                Supply {
                    invoice: inv(i + 1),
                    description: format!("Послуга {i}"),
                    total: m("5000"),
                    vat_rate: VatRate::Standard20,
                },
            )
        })
        .collect();
    let mut model = Model {
        paid: [0; 3],
        returned: [0; 3],
        acted: [0; 3],
    };
    let mut facts = Vec::new();
    let start = d(2026, 1, 1);
    for (i, op) in ops.iter().enumerate() {
        let on = start + Duration::days(i as i64);
        let fact = |key: String, s: usize, kind| TaxFact {
            key,
            supply: inv(s as u32 + 1),
            on,
            kind,
        };
        let money = |k: i64| Money::from_kopiyky(k).unwrap();
        match *op {
            Op::Pay(s, k) => {
                model.paid[s] += k;
                facts.push(fact(
                    format!("pay:{i}"),
                    s,
                    FactKind::Paid { amount: money(k) },
                ));
            }
            Op::Act(s, k) => {
                model.acted[s] += k;
                facts.push(fact(
                    format!("act:{i}"),
                    s,
                    FactKind::Supplied { amount: money(k) },
                ));
            }
            Op::Cancel(s) => facts.push(fact(format!("cancel:{i}"), s, FactKind::Cancelled)),
            Op::Refund(s, k) => {
                let k = k.min(model.paid[s] - model.returned[s]);
                if k > 0 {
                    model.returned[s] += k;
                    facts.push(fact(
                        format!("refund:{i}"),
                        s,
                        FactKind::Returned {
                            amount: money(k),
                            reason: ReturnReason::Refund,
                        },
                    ));
                }
            }
            Op::Move(a, b, k) => {
                let k = k.min(model.paid[a] - model.returned[a]);
                if k > 0 && a != b {
                    model.returned[a] += k;
                    model.paid[b] += k;
                    facts.push(fact(
                        format!("move:{i}:out"),
                        a,
                        FactKind::Returned {
                            amount: money(k),
                            reason: ReturnReason::MovedTo(inv(b as u32 + 1)),
                        },
                    ));
                    facts.push(fact(
                        format!("move:{i}:in"),
                        b,
                        FactKind::Paid { amount: money(k) },
                    ));
                }
            }
        }
    }
    (supplies, facts, model)
}

fn v(k: i64) -> i64 {
    vat_of(Money::from_kopiyky(k).unwrap()).unwrap().kopiyky()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn tax_follows_the_first_event_to_the_kopiyka(ops in prop::collection::vec(op(), 0..40)) {
        let (supplies, facts, model) = facts_of(&ops);
        let out = derive(&facts, &supplies).unwrap();
        // Per supply, the ПН less the РК carry exactly max(kept, acted), and their VAT exactly
        // the VAT of that amount.
        let mut expected_vat = 0;
        for s in 0..3 {
            let target = (model.paid[s] - model.returned[s]).max(model.acted[s]);
            let of_s = out.drafts.iter().filter(|d| d.supply == inv(s as u32 + 1));
            let (amount, vat) = of_s.fold((0, 0), |(a, v), d| match d.kind {
                DraftKind::TaxInvoice => (a + d.amount.kopiyky(), v + d.vat.kopiyky()),
                DraftKind::Correction { .. } => (a - d.amount.kopiyky(), v - d.vat.kopiyky()),
            });
            prop_assert_eq!(amount, target);
            prop_assert_eq!(vat, v(target));
            expected_vat += v(target);
        }
        prop_assert_eq!(net_vat(&out.drafts), expected_vat);
        // One fact makes at most one ПН; a РК never takes a ПН below zero; keys are unique.
        let mut keys = std::collections::BTreeSet::new();
        for d in &out.drafts {
            prop_assert!(keys.insert(d.key.clone()));
            prop_assert!(d.vat <= d.amount);
        }
        for (key, carried) in out.drafts.iter().filter(|d| d.kind == DraftKind::TaxInvoice).map(|pn| {
            let reduced: i64 = out.drafts.iter().filter(|r| r.kind == DraftKind::Correction { corrects: pn.key.clone() }).map(|r| r.amount.kopiyky()).sum();
            (pn.key.clone(), pn.amount.kopiyky() - reduced)
        }) {
            prop_assert!(carried >= 0, "{} carries {}", key, carried);
        }
        // Prefix-stable: later facts only add drafts.
        let half = facts.len() / 2;
        let early = derive(&facts[..half], &supplies).unwrap();
        prop_assert_eq!(&out.drafts[..early.drafts.len()], &early.drafts[..]);
    }

    #[test]
    fn when_acts_follow_payment_the_vat_is_the_vat_of_what_was_paid(
        pays in prop::collection::vec((0..3usize, 1..100_000i64), 1..12),
    ) {
        // Each supply paid in parts, then acted for exactly what was paid: the act adds nothing.
        let mut ops: Vec<Op> = pays.iter().map(|&(s, k)| Op::Pay(s, k)).collect();
        let mut paid = [0i64; 3];
        for &(s, k) in &pays { paid[s] += k; }
        for (s, &k) in paid.iter().enumerate() { if k > 0 { ops.push(Op::Act(s, k)); } }
        let (supplies, facts, _) = facts_of(&ops);
        let out = derive(&facts, &supplies).unwrap();
        prop_assert_eq!(out.drafts.len(), pays.len());
        prop_assert!(out.drafts.iter().all(|d| d.trigger == Trigger::Payment));
        prop_assert_eq!(net_vat(&out.drafts), paid.iter().map(|&k| v(k)).sum::<i64>());
    }
}

// ---- The same property on a real project driven by random commands ----

#[derive(Debug, Clone)]
enum Step {
    Transfer(u32, i64),
    Cancel(u32),
    Apply(u32, u32),
    Refund(u32),
    Confirm(bool),
    Days(i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => (1..4u32, 1..40_000i64).prop_map(|(i, k)| Step::Transfer(i, k)),
        1 => (1..4u32).prop_map(Step::Cancel),
        1 => (1..4u32, 1..4u32).prop_map(|(c, i)| Step::Apply(c, i)),
        1 => (1..4u32).prop_map(Step::Refund),
        1 => any::<bool>().prop_map(Step::Confirm),
        2 => (1..20i64).prop_map(Step::Days),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_projects_tax_is_the_vat_of_the_money_it_keeps(steps in prop::collection::vec(step(), 0..30)) {
        let mut w = World::new(VatRate::Standard20);
        let mut refunds = 0;
        for s in &steps {
            // Refused commands change nothing; the property holds either way.
            match *s {
                Step::Transfer(i, k) => {
                    w.tx += 1;
                    let _ = w.run(C::RecordBankTransfer {
                        transaction: PaymentId::new(&format!("tx-{}", w.tx)).unwrap(),
                        amount: Money::from_kopiyky(k).unwrap(),
                        invoice: Some(inv(i)),
                    }, &support());
                }
                Step::Cancel(i) => { let _ = w.run(C::CancelInvoice { invoice: inv(i), reason: "x".into() }, &support()); }
                Step::Apply(c, i) => { let _ = w.run(C::ApplyCredit { credit: c, invoice: inv(i) }, &support()); }
                Step::Refund(c) => {
                    refunds += 1;
                    let _ = w.run(C::RefundCredit { credit: c, refund: RefundId::new(&format!("r-{refunds}")).unwrap() }, &support());
                }
                Step::Confirm(ok) => {
                    let _ = w.run(C::RecordRefund { refund: RefundId::new(&format!("r-{refunds}")).unwrap(), succeeded: ok }, &Actor::System);
                }
                Step::Days(n) => {
                    w.days(n);
                    let _ = w.run(C::DailyTick, &Actor::System);
                }
            }
        }
        let out = w.drafts();
        // The money kept for each invoice: paid on it while it stands; for a cancelled one, what
        // is left of its cancellation credit (a refund counts once the bank confirms it).
        let account = w.p.account();
        let mut expected = 0;
        for invoice in account.invoices() {
            let kept = if invoice.status == InvoiceStatus::Cancelled {
                account.credits().iter()
                    .filter(|c| c.payment.is_none() && c.reason == CreditReason::InvoiceCancelled { invoice: invoice.number })
                    .map(|c| c.remaining.kopiyky() + c.refund.as_ref().filter(|r| !r.completed).map_or(0, |r| r.amount.kopiyky()))
                    .sum()
            } else {
                invoice.paid.kopiyky()
            };
            expected += v(kept);
        }
        prop_assert_eq!(net_vat(&out.drafts), expected);
        // Issuing twice numbers every draft once.
        let n = out.drafts.len();
        prop_assert_eq!(w.issue(1), n);
        prop_assert_eq!(w.issue(1 + n as u64), 0);
        let numbers: std::collections::BTreeSet<u64> = w.p.tax().documents().iter().map(|d| d.number).collect();
        prop_assert_eq!(numbers.len(), n);
    }
}
