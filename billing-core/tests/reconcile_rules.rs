//! The decision rules for bank statement lines, one test per rule, plus reversals and support's
//! manual resolution.

use std::borrow::Cow;
use std::collections::HashMap;

use billing_core::reconcile::{
    decide_batch, resolve, BankLine, Currency, Decision, Direction, EarlierCredit, IgnoreReason,
    InvoiceFacts, InvoiceLookup, LineStatus, Outcome, ReferenceFinder, Resolution, ReviewReason,
};
use billing_core::{Actor, ErrorCode, InvoiceNumber, InvoiceStatus, Money};
use chrono::{NaiveDate, TimeZone, Utc};

fn n(s: &str) -> InvoiceNumber {
    s.parse().unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 15).unwrap()
}

fn line(id: &str, amount: &str, purpose: &str) -> BankLine<'static> {
    BankLine::incoming(id.to_string(), day(), m(amount), purpose.to_string())
}

fn book() -> HashMap<InvoiceNumber, InvoiceFacts> {
    HashMap::from([
        (n("HOR-11111-007"), InvoiceFacts::open(m("1200"))),
        (n("HOR-11111-008"), InvoiceFacts::open(m("450.50"))),
        (
            n("HOR-11111-009"),
            InvoiceFacts {
                status: InvoiceStatus::Paid,
                owed: m("0"),
                currency: Currency::UAH,
            },
        ),
        (
            n("HOR-11111-010"),
            InvoiceFacts {
                status: InvoiceStatus::Cancelled,
                owed: m("100"),
                currency: Currency::UAH,
            },
        ),
    ])
}

fn decide(lines: &[BankLine<'_>]) -> Vec<Decision> {
    decide_batch(lines, &book(), &ReferenceFinder::default())
}

fn reason(d: &Decision) -> Option<ReviewReason> {
    d.review_reason()
}

#[test]
fn rule_8_exact_amount_and_number_is_credited() {
    let d = decide(&[line("A", "1200.00", "Оплата за рахунком HOR-11111-007")]);
    assert_eq!(
        d[0],
        Decision::AutoCredit {
            invoice: n("HOR-11111-007"),
            amount: m("1200")
        }
    );
}

#[test]
fn rule_0_outgoing_is_ignored_and_reversal_reviewed() {
    let mut out = line("A", "1200", "HOR-11111-007");
    out.direction = Direction::Debit;
    let mut rev = line("B", "1200", "HOR-11111-007");
    rev.reversal = true;
    rev.direction = Direction::Debit;
    let d = decide(&[out, rev]);
    assert_eq!(
        d[0],
        Decision::Ignored {
            reason: IgnoreReason::Outgoing
        }
    );
    assert_eq!(reason(&d[1]), Some(ReviewReason::Reversal));
}

#[test]
fn reversal_links_to_the_credit_it_reverses() {
    let credit = line("A", "1200", "HOR-11111-007");
    let other = line("X", "1200", "без номера");
    // Named by the bank (PrivatBank PR_PR=t names itself; here another id).
    let mut named = line("R1", "1200", "Повернення");
    named.reversal = true;
    named.reverses = Some(Cow::Borrowed("A"));
    let d = decide(&[credit.clone(), other.clone(), named]);
    let Decision::Review {
        reverses: Some(link),
        ..
    } = &d[2]
    else {
        panic!("{:?}", d[2]);
    };
    assert_eq!(link.id, "A");
    assert_eq!(link.line, Some(0));
    assert_eq!(link.invoice, Some(n("HOR-11111-007")));
    assert!(link.named_by_bank);
    // Not named: the latest earlier incoming line of the same amount not taken by another reversal.
    let mut r1 = line("R1", "1200", "Повернення");
    r1.reversal = true;
    let mut r2 = r1.clone();
    r2.id = Cow::Borrowed("R2");
    let mut r3 = r1.clone();
    r3.id = Cow::Borrowed("R3");
    let d = decide(&[credit, other, r1, r2, r3]);
    let links: Vec<Option<String>> = d[2..]
        .iter()
        .map(|x| match x {
            Decision::Review { reverses, .. } => reverses.as_ref().map(|l| l.id.clone()),
            _ => panic!(),
        })
        .collect();
    assert_eq!(links, vec![Some("X".into()), Some("A".into()), None]);
    assert!(d[2..]
        .iter()
        .all(|x| reason(x) == Some(ReviewReason::Reversal)));
}

#[test]
fn pending_and_rejected_lines_wait_or_are_ignored() {
    let mut p = line("A", "1200", "HOR-11111-007");
    p.status = LineStatus::Pending;
    let mut r = line("B", "1200", "HOR-11111-007");
    r.status = LineStatus::Rejected;
    let d = decide(&[p, r, line("C", "1200", "HOR-11111-007")]);
    assert_eq!(d[0].reason_code(), Some("pending"));
    assert_eq!(d[1].reason_code(), Some("rejected"));
    // A pending line credits nothing: the posted one still can.
    assert_eq!(d[2].outcome(), Outcome::AutoCredit);
}

#[test]
fn rule_1_duplicate_in_batch_is_reviewed_and_earlier_import_skipped() {
    let d = decide(&[
        line("A", "1200", "HOR-11111-007"),
        line("A", "1200", "HOR-11111-007"),
    ]);
    assert_eq!(d[0].outcome(), Outcome::AutoCredit);
    assert_eq!(reason(&d[1]), Some(ReviewReason::DuplicateTransaction));

    struct Earlier(HashMap<InvoiceNumber, InvoiceFacts>);
    impl InvoiceLookup for Earlier {
        fn invoice(&self, number: &InvoiceNumber) -> Option<InvoiceFacts> {
            self.0.get(number).copied()
        }
        fn already_processed(&self, line: &BankLine<'_>) -> bool {
            line.id == "A"
        }
        fn earlier_credit(&self, id: &str) -> Option<EarlierCredit> {
            (id == "A").then_some(EarlierCredit {
                invoice: Some("HOR-11111-007".parse().unwrap()),
            })
        }
    }
    let mut rev = line("R", "1200", "");
    rev.reversal = true;
    rev.reverses = Some(Cow::Borrowed("A"));
    let lines = [
        line("A", "1200", "HOR-11111-007"),
        line("A", "1200", "HOR-11111-007"),
        rev,
    ];
    let d = decide_batch(&lines, &Earlier(book()), &ReferenceFinder::default());
    assert_eq!(d[0], Decision::AlreadyProcessed);
    assert_eq!(d[1], Decision::AlreadyProcessed);
    let Decision::Review {
        reverses: Some(link),
        ..
    } = &d[2]
    else {
        panic!()
    };
    assert_eq!((link.line, link.invoice), (None, Some(n("HOR-11111-007"))));
}

#[test]
fn rules_2_to_7_each_send_to_review() {
    let mut usd = line("U", "1200", "HOR-11111-007");
    usd.currency = "USD".parse().unwrap();
    let cases = [
        (usd, ReviewReason::CurrencyNotUah),
        (
            line("B", "1200", "Оплата послуг"),
            ReviewReason::NoInvoiceReference,
        ),
        (
            line("C", "1200", "HOR-11111-007 і HOR-11111-008"),
            ReviewReason::MultipleInvoices,
        ),
        (
            line("D", "1200", "HOR-99999-007"),
            ReviewReason::UnknownInvoice,
        ),
        (
            line("E", "0.00", "HOR-11111-009"),
            ReviewReason::InvoiceNotOpen,
        ),
        (
            line("F", "100", "HOR-11111-010"),
            ReviewReason::InvoiceNotOpen,
        ),
        (
            line("G", "1199.99", "HOR-11111-007"),
            ReviewReason::AmountMismatch,
        ),
        (
            line("H", "1200.01", "HOR-11111-007"),
            ReviewReason::AmountMismatch,
        ),
    ];
    for (l, want) in cases {
        let id = l.id.to_string();
        let d = decide(&[l]);
        assert_eq!(reason(&d[0]), Some(want), "line {id}");
    }
}

#[test]
fn an_invoice_credited_earlier_in_the_batch_is_not_open() {
    let d = decide(&[
        line("A", "1200", "HOR-11111-007"),
        line("B", "1200", "нор-11111-007"),
    ]);
    assert_eq!(d[0].outcome(), Outcome::AutoCredit);
    assert_eq!(reason(&d[1]), Some(ReviewReason::InvoiceNotOpen));
}

#[test]
fn the_first_rule_that_applies_wins() {
    // A duplicate in another currency with no reference: duplicate wins.
    let mut l = line("A", "5", "нічого");
    l.currency = "EUR".parse().unwrap();
    let d = decide(&[line("A", "1200", "HOR-11111-007"), l]);
    assert_eq!(reason(&d[1]), Some(ReviewReason::DuplicateTransaction));
    // Another currency and two invoices: currency wins.
    let mut l = line("B", "5", "HOR-11111-007 HOR-11111-008");
    l.currency = "USD".parse().unwrap();
    assert_eq!(reason(&decide(&[l])[0]), Some(ReviewReason::CurrencyNotUah));
}

#[test]
fn support_resolves_by_hand_and_is_recorded() {
    let at = Utc.with_ymd_and_hms(2025, 1, 16, 9, 0, 0).unwrap();
    let ann = Actor::Support { id: "ann".into() };
    let l = line("A", "500", "без номера");
    let d = decide(std::slice::from_ref(&l));
    let rec = resolve(
        &l,
        &d[0],
        Resolution::Credit {
            invoice: n("HOR-11111-008"),
            amount: m("450.50"),
        },
        &book(),
        ann.clone(),
        at,
    )
    .unwrap();
    assert!(!rec.partial);
    assert_eq!(rec.unapplied, m("49.50"));
    assert_eq!(rec.actor, ann);
    let partial = resolve(
        &l,
        &d[0],
        Resolution::Credit {
            invoice: n("HOR-11111-007"),
            amount: m("500"),
        },
        &book(),
        ann.clone(),
        at,
    )
    .unwrap();
    assert!(partial.partial);
    let code = |r: Resolution, actor: Actor| {
        resolve(&l, &d[0], r, &book(), actor, at)
            .unwrap_err()
            .code()
    };
    let credit = |inv: &str, amt: &str| Resolution::Credit {
        invoice: n(inv),
        amount: m(amt),
    };
    assert_eq!(
        code(credit("HOR-11111-008", "1"), Actor::System),
        "reconcile.support_only"
    );
    assert_eq!(
        code(credit("HOR-11111-008", "600"), ann.clone()),
        "reconcile.amount"
    );
    assert_eq!(
        code(credit("HOR-11111-008", "0"), ann.clone()),
        "reconcile.amount"
    );
    assert_eq!(
        code(credit("HOR-11111-009", "1"), ann.clone()),
        "reconcile.invoice_not_open"
    );
    assert_eq!(
        code(credit("HOR-55555-001", "1"), ann.clone()),
        "reconcile.unknown_invoice"
    );
    let small = line("S", "1000", "x");
    let ds = decide(std::slice::from_ref(&small));
    assert_eq!(
        resolve(
            &small,
            &ds[0],
            credit("HOR-11111-008", "451"),
            &book(),
            ann.clone(),
            at
        )
        .unwrap_err()
        .code(),
        "reconcile.above_owed"
    );
    // Not ours: nothing credited.
    let rec = resolve(
        &l,
        &d[0],
        Resolution::NotOurs {
            note: "чужий платіж".into(),
        },
        &book(),
        ann.clone(),
        at,
    )
    .unwrap();
    assert_eq!(rec.unapplied, m("500"));
    // A credited line is not under review.
    let ok = line("K", "1200", "HOR-11111-007");
    let dk = decide(std::slice::from_ref(&ok));
    assert_eq!(
        resolve(&ok, &dk[0], credit("HOR-11111-007", "1"), &book(), ann, at)
            .unwrap_err()
            .code(),
        "reconcile.not_under_review"
    );
}

#[test]
fn decisions_serialize_with_stable_codes() {
    let d = decide(&[line("A", "1", "x")]);
    let v = serde_json::to_value(&d[0]).unwrap();
    assert_eq!(v["outcome"], "review");
    assert_eq!(v["reason"], "no_invoice_reference");
    for r in ReviewReason::ALL {
        assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
    }
}
