//! Scenarios that read like the billing help page ("Оплата та тарифи").

mod account_common;

use account_common::*;
use billing_core::account::{AccessState, AccountCommand as C, AccountEvent as E, BindingRoute};
use billing_core::invoice::InvoiceStatus;
use billing_core::payment::{CreditReason, PaymentSource};
use billing_core::tariff::BillingPeriod;
use billing_core::{Actor, Notification};

/// "Your first month. You choose a tariff on the 16th: the first invoice covers only the days left
/// in the month. From the 1st, each month has its own invoice, issued on its first day. Pay by
/// bank transfer within 7 days; 3 days after the due date the admin panel is blocked until you pay."
#[test]
fn a_projects_first_month() {
    let mut p = Project::new();
    p.subscribe("start", BillingPeriod::Monthly, kyiv(2026, 3, 16, 11));
    let first = p.account.invoices()[0].clone();
    assert_eq!(first.number.to_string(), "HOR-00042-001");
    assert_eq!(first.total, m("154.84"), "16 of 31 days of 300 UAH");
    assert_eq!(first.vat, Some(m("25.81")), "у т.ч. ПДВ 20%");
    assert_eq!(
        p.account.access(kyiv(2026, 3, 16, 11), &p.policy),
        AccessState::PaymentDue
    );

    // The owner is reminded three days before the due date (23 March) and on it.
    let mut reminders = 0;
    for day in 17..=26 {
        let events = p.tick(kyiv(2026, 3, day, 8));
        reminders += events
            .iter()
            .filter(|e| matches!(e, E::ReminderSent { .. }))
            .count();
        assert!(!p.account.is_marked_blocked());
    }
    assert_eq!(reminders, 2);

    // Not paid by the 26th (due 23rd + 3 days grace): blocked on the 27th.
    let events = p.tick(kyiv(2026, 3, 27, 8));
    let notes: Vec<_> = events
        .iter()
        .flat_map(|e| e.notifications(p.account.service_code()))
        .collect();
    assert!(notes.contains(&Notification::Blocked {
        project: p.account.service_code()
    }));
    assert_eq!(
        p.account.access(kyiv(2026, 3, 27, 8), &p.policy),
        AccessState::Blocked
    );

    // The bank transfer arrives and is matched: unblocked at once.
    let events = p.ok(
        C::RecordBankTransfer {
            transaction: pid("privat-2026-03-27-0001"),
            amount: m("154.84"),
            invoice: Some(first.number),
        },
        &Actor::System,
        kyiv(2026, 3, 27, 14),
    );
    assert!(matches!(events.last(), Some(E::Unblocked)));
    assert_eq!(
        p.account.access(kyiv(2026, 3, 27, 14), &p.policy),
        AccessState::Active
    );

    // On 1 April the April invoice is issued, for the full month.
    p.tick(kyiv(2026, 4, 1, 0));
    let april = &p.account.invoices()[1];
    assert_eq!(
        (april.number.to_string().as_str(), april.total),
        ("HOR-00042-002", m("300"))
    );
}

/// "Binding a card. If you have an unpaid invoice, binding the card pays it. If not, we charge
/// 1 UAH to check the card and return it at once. From then on, each invoice is charged to the card."
#[test]
fn binding_a_card_with_and_without_an_open_invoice() {
    // With an open invoice.
    let mut p = Project::new();
    p.subscribe("start", BillingPeriod::Monthly, kyiv(2026, 3, 1, 9));
    let events = p.ok(
        C::StartCardBinding {
            attempt: aid("bind-1"),
        },
        &Actor::Owner,
        kyiv(2026, 3, 1, 9),
    );
    assert!(matches!(
        &events[0],
        E::CardBindingStarted {
            route: BindingRoute::PayInvoice { .. },
            ..
        }
    ));
    p.ok(
        C::CardBindingSucceeded {
            attempt: aid("bind-1"),
            payment: pid("mono-inv-1"),
            amount: m("300"),
            card: card(1),
            refund: rid("mono-ref-unused"),
        },
        &Actor::System,
        kyiv(2026, 3, 1, 9),
    );
    assert_eq!(p.account.invoices()[0].status, InvoiceStatus::Paid);
    assert!(p.account.autopay_is_on());
    assert!(
        p.account.credits().is_empty(),
        "no verification charge needed"
    );

    // Without an open invoice (a new project that has not chosen a tariff yet).
    let mut q = Project::new();
    let events = q.ok(
        C::StartCardBinding {
            attempt: aid("bind-2"),
        },
        &Actor::Owner,
        kyiv(2026, 3, 1, 9),
    );
    assert!(
        matches!(&events[0], E::CardBindingStarted { route: BindingRoute::Verification { amount }, .. } if *amount == m("1"))
    );
    q.ok(
        C::CardBindingSucceeded {
            attempt: aid("bind-2"),
            payment: pid("mono-ver-2"),
            amount: m("1"),
            card: card(2),
            refund: rid("mono-ref-2"),
        },
        &Actor::System,
        kyiv(2026, 3, 1, 9),
    );
    assert_eq!(
        q.account.credits()[0].reason,
        CreditReason::CardVerification
    );
    q.ok(
        C::RecordRefund {
            refund: rid("mono-ref-2"),
            succeeded: true,
        },
        &Actor::System,
        kyiv(2026, 3, 1, 10),
    );
    assert!(
        q.account.open_credits().next().is_none(),
        "the 1 UAH went back"
    );
    // Choosing a tariff now: the first invoice is charged to the card the same day.
    let events = q.subscribe("start", BillingPeriod::Monthly, kyiv(2026, 3, 2, 9));
    assert!(events
        .iter()
        .any(|e| matches!(e, E::ChargeRequested { .. })));
}

/// "A year with autopay. Each month's invoice is charged on the 1st. If a charge fails we try
/// again 1, 3 and 5 days later; you get an email each time."
#[test]
fn a_year_of_autopay_with_one_failed_charge() {
    let mut p = Project::new();
    p.subscribe("start", BillingPeriod::Monthly, kyiv(2026, 1, 1, 9));
    let n1 = p.number(1);
    p.ok(
        C::RequestPaymentLink {
            invoice: n1,
            link: lid("l1"),
        },
        &Actor::Owner,
        kyiv(2026, 1, 1, 9),
    );
    p.ok(
        C::CardPaymentSucceeded {
            link: lid("l1"),
            payment: pid("acq-0"),
            amount: m("300"),
            card: Some(card(1)),
        },
        &Actor::System,
        kyiv(2026, 1, 1, 9),
    );
    let mut failed_once = false;
    let mut notified_failures = 0;
    for month in 2..=12 {
        for day in 1..=7 {
            let now = kyiv(2026, month, day, 6);
            let events = p.tick(now);
            for e in events {
                if let E::ChargeRequested {
                    attempt, amount, ..
                } = e
                {
                    let answer = if month == 6 && !failed_once {
                        failed_once = true;
                        C::ChargeFailed {
                            attempt,
                            reason: "insufficient funds".into(),
                        }
                    } else {
                        C::ChargeSucceeded {
                            payment: pid(&format!("acq-{}", attempt.as_str())),
                            attempt,
                            amount,
                        }
                    };
                    for e in p.ok(answer, &Actor::System, now) {
                        notified_failures += e
                            .notifications(p.account.service_code())
                            .iter()
                            .filter(|n| {
                                matches!(
                                    n,
                                    Notification::ChargeFailed {
                                        will_retry: true,
                                        ..
                                    }
                                )
                            })
                            .count();
                    }
                }
            }
        }
    }
    assert_eq!(p.account.invoices().len(), 12);
    assert!(p
        .account
        .invoices()
        .iter()
        .all(|i| i.status == InvoiceStatus::Paid));
    assert_eq!(notified_failures, 1);
    // June was charged twice: the failure on 1 June, the retry on 2 June.
    let june = p.number(6);
    let mut june_attempts: Vec<_> = p
        .account
        .charges()
        .values()
        .filter(|c| c.invoice == june)
        .map(|c| c.requested_on.to_string())
        .collect();
    june_attempts.sort();
    assert_eq!(june_attempts, vec!["2026-06-01", "2026-06-02"]);
    let autopay_payments = p
        .account
        .payments()
        .values()
        .filter(|x| x.source == PaymentSource::CardAutopay)
        .count();
    assert_eq!(autopay_payments, 11);
    assert!(!p.trail.iter().any(|a| matches!(a.event, E::Blocked { .. })));
}

/// "Switching to bank transfers. Support can stop autopay at your request (or after a disputed
/// charge). Then invoices are paid only by bank transfer; card payment links are not offered.
/// Support can turn autopay back on."
#[test]
fn a_switch_to_bank_transfers() {
    let mut p = Project::new();
    p.subscribe("start", BillingPeriod::Monthly, kyiv(2026, 3, 1, 9));
    p.ok(
        C::StartCardBinding {
            attempt: aid("bind-1"),
        },
        &Actor::Owner,
        kyiv(2026, 3, 1, 9),
    );
    p.ok(
        C::CardBindingSucceeded {
            attempt: aid("bind-1"),
            payment: pid("acq-1"),
            amount: m("300"),
            card: card(1),
            refund: rid("unused"),
        },
        &Actor::System,
        kyiv(2026, 3, 1, 9),
    );
    assert_eq!(
        p.code(
            C::StopAutopay {
                reason: "owner asks".into()
            },
            &Actor::Owner,
            kyiv(2026, 3, 10, 9)
        ),
        "autopay.support_only"
    );
    p.ok(
        C::StopAutopay {
            reason: "owner asks".into(),
        },
        &support(),
        kyiv(2026, 3, 10, 9),
    );

    let events = p.tick(kyiv(2026, 4, 1, 0));
    assert!(!events
        .iter()
        .any(|e| matches!(e, E::ChargeRequested { .. })));
    let april = p.number(2);
    assert_eq!(
        p.code(
            C::RequestPaymentLink {
                invoice: april,
                link: lid("l2")
            },
            &Actor::Owner,
            kyiv(2026, 4, 1, 9)
        ),
        "autopay.stopped"
    );
    // The owner pays 100 first; support records it from the receipt; the rest is matched automatically.
    p.ok(
        C::RecordBankTransfer {
            transaction: pid("bank-a"),
            amount: m("100"),
            invoice: Some(april),
        },
        &support(),
        kyiv(2026, 4, 3, 12),
    );
    assert_eq!(p.owed(2), m("200"));
    p.ok(
        C::RecordBankTransfer {
            transaction: pid("bank-b"),
            amount: m("200"),
            invoice: Some(april),
        },
        &Actor::System,
        kyiv(2026, 4, 6, 12),
    );
    assert_eq!(p.account.invoices()[1].status, InvoiceStatus::Paid);

    // Support turns autopay back on: May is charged to the saved card again.
    p.ok(C::ResumeAutopay, &support(), kyiv(2026, 4, 20, 12));
    let events = p.tick(kyiv(2026, 5, 1, 0));
    assert!(events
        .iter()
        .any(|e| matches!(e, E::ChargeRequested { .. })));
}
