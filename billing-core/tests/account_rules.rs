//! Unit tests for each rule of the billing account, including each refusal and its error code.

mod account_common;

use account_common::*;
use billing_core::account::{AccessState, AccountCommand as C, AccountEvent as E, BindingRoute};
use billing_core::invoice::{InvoiceKind, InvoiceStatus};
use billing_core::payment::{CreditReason, LinkStatus, PaymentSource};
use billing_core::tariff::{BillingPeriod, LimitKind, LimitState, TariffError, UsageSnapshot};
use billing_core::{Account, Actor, ErrorCode, Notification, ServiceCode};
use chrono::NaiveDate;

fn d(y: i32, mo: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, day).unwrap()
}

/// A project on `start` monthly since 1 March 2026, invoice 1 (300.00) open.
fn on_start() -> Project {
    let mut p = Project::new();
    p.subscribe("start", BillingPeriod::Monthly, kyiv(2026, 3, 1, 10));
    p
}

/// `on_start` with invoice 1 paid by card through a link: card saved, autopay on.
fn with_autopay() -> Project {
    let mut p = on_start();
    let n = p.number(1);
    p.ok(
        C::RequestPaymentLink {
            invoice: n,
            link: lid("l1"),
        },
        &Actor::Owner,
        kyiv(2026, 3, 2, 10),
    );
    p.ok(
        C::CardPaymentSucceeded {
            link: lid("l1"),
            payment: pid("acq-1"),
            amount: m("300"),
            card: Some(card(1)),
        },
        &Actor::System,
        kyiv(2026, 3, 2, 10),
    );
    assert!(p.account.autopay_is_on());
    p
}

// ---------- subscription, periods, invoices ----------

#[test]
fn first_invoice_mid_month_is_prorated_by_days() {
    let mut p = Project::new();
    let events = p.subscribe("start", BillingPeriod::Monthly, kyiv(2026, 3, 16, 10));
    assert!(matches!(events[0], E::Subscribed { .. }));
    let inv = &p.account.invoices()[0];
    assert_eq!(inv.number.to_string(), "HOR-00042-001");
    // 300 × 16/31 = 154.838… → 154.84
    assert_eq!(inv.total, m("154.84"));
    // у т.ч. ПДВ: 154.84 / 6 = 25.806… → 25.81, once from the total.
    assert_eq!(inv.vat, Some(m("25.81")));
    assert_eq!(inv.due_on, d(2026, 3, 23));
    assert_eq!(inv.period_span().unwrap().end, d(2026, 3, 31));
    assert!(inv.lines[0].description.contains("16 дн. з 31"));
}

#[test]
fn quarterly_starts_prorated_then_on_the_first_of_a_month() {
    let mut p = Project::new();
    p.subscribe("start", BillingPeriod::Quarterly, kyiv(2026, 3, 16, 10));
    // quarterly price 870; 870 × 16 / (31 × 3) = 149.677… → 149.68
    assert_eq!(p.account.invoices()[0].total, m("149.68"));
    p.tick(kyiv(2026, 4, 1, 0));
    let inv = &p.account.invoices()[1];
    assert_eq!(inv.total, m("870"));
    let span = inv.period_span().unwrap();
    assert_eq!((span.start, span.end), (d(2026, 4, 1), d(2026, 6, 30)));
    // Nothing more until 1 July.
    p.tick(kyiv(2026, 6, 30, 23));
    assert_eq!(p.account.invoices().len(), 2);
    p.tick(kyiv(2026, 7, 1, 0));
    assert_eq!(p.account.invoices().len(), 3);
}

#[test]
fn a_subscription_on_the_first_is_a_full_period() {
    let p = on_start();
    let inv = &p.account.invoices()[0];
    assert_eq!(inv.total, m("300"));
    assert_eq!(inv.vat, Some(m("50.00")));
    assert!(!inv.period_span().unwrap().is_partial());
}

#[test]
fn at_most_one_period_invoice_however_often_issuing_runs() {
    let mut p = on_start();
    for h in [0, 1, 9, 23] {
        p.tick(kyiv(2026, 4, 1, h));
    }
    assert_eq!(p.account.invoices().len(), 2);
    assert_eq!(p.number(2).to_string(), "HOR-00042-002");
    assert!(p.tick(kyiv(2026, 4, 1, 23)).is_empty());
}

#[test]
fn the_month_turns_at_kyiv_midnight() {
    let mut p = on_start();
    // 31 March 23:30 Kyiv is 20:30 UTC: still March.
    p.tick(kyiv(2026, 3, 31, 23));
    assert_eq!(p.account.invoices().len(), 1);
    // 21:00 UTC on 31 March is 00:00 on 1 April in Kyiv (summer time).
    let utc = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 31, 21, 0, 0).unwrap();
    p.tick(utc);
    assert_eq!(p.account.invoices().len(), 2);
}

#[test]
fn missed_ticks_catch_up_one_invoice_per_period() {
    let mut p = on_start();
    p.tick(kyiv(2026, 6, 15, 10));
    let starts: Vec<_> = p
        .account
        .invoices()
        .iter()
        .map(|i| i.period_span().unwrap().start)
        .collect();
    assert_eq!(
        starts,
        vec![d(2026, 3, 1), d(2026, 4, 1), d(2026, 5, 1), d(2026, 6, 1)]
    );
}

#[test]
fn subscription_refusals() {
    let mut p = on_start();
    let sub = |t: &str, period| C::Subscribe {
        tariff: tariff(t),
        period,
    };
    assert_eq!(
        p.code(
            sub("start", BillingPeriod::Monthly),
            &Actor::Owner,
            kyiv(2026, 3, 2, 9)
        ),
        "account.already_subscribed"
    );
    let mut fresh = Project::new();
    assert_eq!(
        fresh.code(
            sub("start", BillingPeriod::Monthly),
            &manager(),
            kyiv(2026, 3, 2, 9)
        ),
        "account.forbidden"
    );
    let mut only_monthly = tariff("start");
    only_monthly
        .prices
        .retain(|k, _| *k == BillingPeriod::Monthly);
    assert_eq!(
        fresh.code(
            C::Subscribe {
                tariff: only_monthly,
                period: BillingPeriod::Yearly
            },
            &Actor::Owner,
            kyiv(2026, 3, 2, 9)
        ),
        "tariff.period_not_offered"
    );
    assert_eq!(
        fresh.code(
            C::ChangeBillingPeriod {
                period: BillingPeriod::Yearly
            },
            &Actor::Owner,
            kyiv(2026, 3, 2, 9)
        ),
        "account.not_subscribed"
    );
}

#[test]
fn invoice_history_is_newest_first_and_vat_is_configurable() {
    let policy = billing_core::BillingPolicy {
        vat_rate: billing_core::VatRate::None,
        invoice_prefix: "INV".parse().unwrap(),
        due_days: 10,
        ..Default::default()
    };
    let mut p = Project::with_policy(policy);
    p.subscribe("start", BillingPeriod::Monthly, kyiv(2026, 3, 1, 10));
    p.tick(kyiv(2026, 4, 1, 10));
    let history: Vec<String> = p
        .account
        .invoice_history()
        .map(|i| i.number.to_string())
        .collect();
    assert_eq!(history, vec!["INV-00042-002", "INV-00042-001"]);
    assert_eq!(p.account.invoices()[1].vat, None);
    assert_eq!(p.account.invoices()[1].due_on, d(2026, 4, 11));
}

// ---------- tariffs and limits ----------

#[test]
fn usage_snapshots_and_limit_checks() {
    let mut p = on_start();
    let snap = UsageSnapshot::new(95, 300, kyiv(2026, 3, 5, 3));
    p.ok(
        C::RecordUsage { snapshot: snap },
        &Actor::System,
        kyiv(2026, 3, 5, 3),
    );
    let usage = p.account.usage().unwrap();
    assert_eq!(usage.products().state, LimitState::Near);
    assert_eq!(usage.products().remaining, Some(5));
    assert_eq!(usage.orders().state, LimitState::Reached);
    assert!(usage.can_add_products(5) && !usage.can_add_products(6));
    assert!(!usage.can_accept_order());
    let older = UsageSnapshot::new(1, 1, kyiv(2026, 3, 4, 3));
    assert_eq!(
        p.code(
            C::RecordUsage { snapshot: older },
            &Actor::System,
            kyiv(2026, 3, 5, 4)
        ),
        "usage.stale"
    );
    assert_eq!(
        p.code(
            C::RecordUsage { snapshot: snap },
            &Actor::Owner,
            kyiv(2026, 3, 5, 4)
        ),
        "account.forbidden"
    );
}

#[test]
fn additional_features_of_the_current_tariff() {
    let c = catalog();
    let extra = c.additional_features(&tariff("start"));
    let pairs: Vec<(String, String)> = extra
        .iter()
        .map(|a| (a.feature.to_string(), a.cheapest.to_string()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("api".to_string(), "pro".to_string()),
            ("multi_warehouse".to_string(), "business".to_string())
        ]
    );
}

#[test]
fn upgrade_takes_effect_now_with_a_prorated_invoice() {
    let mut p = on_start();
    let events = p.ok(
        C::ChangeTariff {
            tariff: tariff("business"),
        },
        &Actor::Owner,
        kyiv(2026, 3, 17, 12),
    );
    assert!(has(&events, |e| matches!(
        e,
        E::TariffUpgraded { change: 1, .. }
    )));
    assert_eq!(p.account.tariff().unwrap().code.as_str(), "business");
    let inv = &p.account.invoices()[1];
    // (900 − 300) × 15/31 (17..31 March) = 290.322… → 290.32
    assert_eq!(inv.total, m("290.32"));
    assert!(
        matches!(&inv.kind, InvoiceKind::TariffChange { change: 1, span, .. } if span.start == d(2026, 3, 17))
    );
    // The next period is billed at the new price.
    p.tick(kyiv(2026, 4, 1, 1));
    assert_eq!(p.account.invoices()[2].total, m("900"));
    // Asking again is not a change: no second invoice.
    assert_eq!(
        p.code(
            C::ChangeTariff {
                tariff: tariff("business")
            },
            &Actor::Owner,
            kyiv(2026, 4, 2, 12)
        ),
        "tariff.same"
    );
}

#[test]
fn downgrade_waits_for_the_period_end_and_checks_usage() {
    let mut p = Project::new();
    p.subscribe("business", BillingPeriod::Monthly, kyiv(2026, 3, 1, 10));
    p.ok(
        C::RecordUsage {
            snapshot: UsageSnapshot::new(130, 40, kyiv(2026, 3, 9, 3)),
        },
        &Actor::System,
        kyiv(2026, 3, 9, 3),
    );
    let err = p
        .run(
            C::ChangeTariff {
                tariff: tariff("start"),
            },
            &Actor::Owner,
            kyiv(2026, 3, 10, 12),
        )
        .unwrap_err();
    assert_eq!(err.code(), "tariff.usage_exceeds_limit");
    assert!(matches!(
        err,
        billing_core::AccountError::Tariff(TariffError::UsageExceedsLimit {
            limit: LimitKind::Products,
            used: 130,
            allowed: 100,
            excess: 30,
            ..
        })
    ));
    p.ok(
        C::RecordUsage {
            snapshot: UsageSnapshot::new(80, 40, kyiv(2026, 3, 10, 3)),
        },
        &Actor::System,
        kyiv(2026, 3, 10, 3),
    );
    let events = p.ok(
        C::ChangeTariff {
            tariff: tariff("start"),
        },
        &support(),
        kyiv(2026, 3, 10, 12),
    );
    assert!(has(
        &events,
        |e| matches!(e, E::DowngradeScheduled { effective_on, .. } if *effective_on == d(2026, 4, 1))
    ));
    assert_eq!(p.account.tariff().unwrap().code.as_str(), "business");
    assert_eq!(p.account.invoices().len(), 1, "a downgrade issues nothing");
    p.tick(kyiv(2026, 4, 1, 0));
    assert_eq!(p.account.tariff().unwrap().code.as_str(), "start");
    assert_eq!(p.account.invoices()[1].total, m("300"));
}

#[test]
fn asking_for_the_current_tariff_cancels_a_scheduled_downgrade() {
    let mut p = Project::new();
    p.subscribe("business", BillingPeriod::Monthly, kyiv(2026, 3, 1, 10));
    p.ok(
        C::ChangeTariff {
            tariff: tariff("start"),
        },
        &Actor::Owner,
        kyiv(2026, 3, 10, 12),
    );
    let events = p.ok(
        C::ChangeTariff {
            tariff: tariff("business"),
        },
        &Actor::Owner,
        kyiv(2026, 3, 11, 12),
    );
    assert!(matches!(events[0], E::DowngradeCancelled { .. }));
    p.tick(kyiv(2026, 4, 1, 0));
    assert_eq!(p.account.invoices()[1].total, m("900"));
    assert_eq!(
        p.code(
            C::ChangeTariff {
                tariff: tariff("business")
            },
            &manager(),
            kyiv(2026, 4, 2, 12)
        ),
        "account.forbidden"
    );
}

#[test]
fn period_change_applies_from_the_next_period() {
    let mut p = on_start();
    p.ok(
        C::ChangeBillingPeriod {
            period: BillingPeriod::Yearly,
        },
        &Actor::Owner,
        kyiv(2026, 3, 5, 12),
    );
    assert_eq!(
        p.code(
            C::ChangeBillingPeriod {
                period: BillingPeriod::Yearly
            },
            &Actor::Owner,
            kyiv(2026, 3, 5, 12)
        ),
        "tariff.period_same"
    );
    p.tick(kyiv(2026, 4, 1, 0));
    let inv = &p.account.invoices()[1];
    assert_eq!(inv.total, m("3000"));
    assert_eq!(inv.period_span().unwrap().end, d(2027, 3, 31));
}

// ---------- payments ----------

#[test]
fn an_exact_bank_transfer_pays_the_invoice() {
    let mut p = on_start();
    let n = p.number(1);
    let events = p.ok(
        C::RecordBankTransfer {
            transaction: pid("bank-1"),
            amount: m("300"),
            invoice: Some(n),
        },
        &Actor::System,
        kyiv(2026, 3, 3, 10),
    );
    assert!(has(&events, |e| matches!(e, E::InvoicePaid { .. })));
    assert_eq!(p.account.invoices()[0].status, InvoiceStatus::Paid);
    assert_eq!(
        p.account.payment(&pid("bank-1")).unwrap().source,
        PaymentSource::BankTransferAuto
    );
    assert_eq!(
        p.account.access(kyiv(2026, 3, 3, 10), &p.policy),
        AccessState::Active
    );
}

#[test]
fn only_support_records_a_partial_payment() {
    let mut p = on_start();
    let n = p.number(1);
    let pay = |id: &str, amount: &str| C::RecordBankTransfer {
        transaction: pid(id),
        amount: m(amount),
        invoice: Some(n),
    };
    assert_eq!(
        p.code(pay("bank-1", "100"), &Actor::System, kyiv(2026, 3, 3, 10)),
        "payment.partial_support_only"
    );
    p.ok(pay("bank-1", "100"), &support(), kyiv(2026, 3, 3, 10));
    assert_eq!(p.owed(1), m("200"));
    assert_eq!(p.account.invoices()[0].status, InvoiceStatus::Open);
    // "The amount" of the open invoice for matching is now what is still owed.
    p.ok(pay("bank-2", "200"), &Actor::System, kyiv(2026, 3, 4, 10));
    assert_eq!(p.account.invoices()[0].status, InvoiceStatus::Paid);
    assert_eq!(
        p.code(pay("bank-3", "1"), &Actor::Owner, kyiv(2026, 3, 4, 10)),
        "account.forbidden"
    );
    assert_eq!(
        p.code(pay("bank-4", "0"), &support(), kyiv(2026, 3, 4, 10)),
        "payment.zero_amount"
    );
}

#[test]
fn overpayments_are_kept_visible() {
    let mut p = on_start();
    let n = p.number(1);
    let events = p.ok(
        C::RecordBankTransfer {
            transaction: pid("bank-1"),
            amount: m("350"),
            invoice: Some(n),
        },
        &Actor::System,
        kyiv(2026, 3, 3, 10),
    );
    let inv = &p.account.invoices()[0];
    assert_eq!((inv.paid, inv.status), (m("300"), InvoiceStatus::Paid));
    let credit = &p.account.credits()[0];
    assert_eq!(credit.amount, m("50"));
    assert_eq!(credit.reason, CreditReason::Overpayment { invoice: n });
    let notes: Vec<Notification> = events
        .iter()
        .flat_map(|e| e.notifications(p.account.service_code()))
        .collect();
    assert!(notes
        .iter()
        .any(|n| matches!(n, Notification::CreditToResolve { amount, .. } if *amount == m("50"))));
    // A payment for an invoice already paid is kept whole.
    p.ok(
        C::RecordBankTransfer {
            transaction: pid("bank-2"),
            amount: m("300"),
            invoice: Some(n),
        },
        &support(),
        kyiv(2026, 3, 4, 10),
    );
    assert_eq!(
        p.account.credits()[1].reason,
        CreditReason::InvoiceAlreadyPaid { invoice: n }
    );
    assert_eq!(p.account.open_credits().count(), 2);
}

#[test]
fn the_same_payment_twice_changes_nothing() {
    let mut p = on_start();
    let n = p.number(1);
    let pay = C::RecordBankTransfer {
        transaction: pid("bank-1"),
        amount: m("300"),
        invoice: Some(n),
    };
    p.ok(pay.clone(), &Actor::System, kyiv(2026, 3, 3, 10));
    let state = p.account.clone();
    assert!(p.ok(pay, &Actor::System, kyiv(2026, 3, 3, 11)).is_empty());
    assert_eq!(p.account, state);
    assert_eq!(
        p.code(
            C::RecordBankTransfer {
                transaction: pid("bank-1"),
                amount: m("299"),
                invoice: Some(n)
            },
            &Actor::System,
            kyiv(2026, 3, 3, 12)
        ),
        "payment.id_conflict"
    );
    let other: billing_core::InvoiceNumber = "HOR-00042-009".parse().unwrap();
    assert_eq!(
        p.code(
            C::RecordBankTransfer {
                transaction: pid("bank-9"),
                amount: m("1"),
                invoice: Some(other)
            },
            &support(),
            kyiv(2026, 3, 3, 12)
        ),
        "invoice.unknown"
    );
}

#[test]
fn cancelled_invoices_keep_their_number_and_their_money() {
    let mut p = on_start();
    let n = p.number(1);
    p.ok(
        C::RecordBankTransfer {
            transaction: pid("bank-1"),
            amount: m("100"),
            invoice: Some(n),
        },
        &support(),
        kyiv(2026, 3, 3, 10),
    );
    let cancel = C::CancelInvoice {
        invoice: n,
        reason: "помилка".into(),
    };
    assert_eq!(
        p.code(cancel.clone(), &Actor::Owner, kyiv(2026, 3, 4, 10)),
        "account.forbidden"
    );
    p.ok(cancel.clone(), &support(), kyiv(2026, 3, 4, 10));
    assert_eq!(p.account.invoices()[0].status, InvoiceStatus::Cancelled);
    assert_eq!(p.account.credits()[0].amount, m("100"));
    assert_eq!(
        p.code(cancel, &support(), kyiv(2026, 3, 4, 11)),
        "invoice.not_open"
    );
    p.tick(kyiv(2026, 4, 1, 0));
    assert_eq!(
        p.number(2).sequence(),
        2,
        "a cancelled invoice's number is never reused"
    );
    // A late transfer for the cancelled invoice becomes a credit.
    p.ok(
        C::RecordBankTransfer {
            transaction: pid("bank-2"),
            amount: m("300"),
            invoice: Some(n),
        },
        &Actor::System,
        kyiv(2026, 4, 2, 10),
    );
    assert_eq!(
        p.account.credits()[1].reason,
        CreditReason::InvoiceCancelled { invoice: n }
    );
}

#[test]
fn credits_are_applied_or_refunded_by_support() {
    let mut p = on_start();
    let n1 = p.number(1);
    p.ok(
        C::RecordBankTransfer {
            transaction: pid("bank-1"),
            amount: m("450"),
            invoice: Some(n1),
        },
        &Actor::System,
        kyiv(2026, 3, 3, 10),
    );
    p.tick(kyiv(2026, 4, 1, 0));
    let n2 = p.number(2);
    let apply = C::ApplyCredit {
        credit: 1,
        invoice: n2,
    };
    assert_eq!(
        p.code(apply.clone(), &Actor::Owner, kyiv(2026, 4, 1, 10)),
        "account.forbidden"
    );
    p.ok(apply.clone(), &support(), kyiv(2026, 4, 1, 10));
    assert_eq!(p.owed(2), m("150"));
    assert_eq!(
        p.code(apply, &support(), kyiv(2026, 4, 1, 10)),
        "credit.resolved"
    );
    assert_eq!(
        p.code(
            C::ApplyCredit {
                credit: 7,
                invoice: n2
            },
            &support(),
            kyiv(2026, 4, 1, 10)
        ),
        "credit.unknown"
    );
    // An overpayment refunded.
    p.ok(
        C::RecordBankTransfer {
            transaction: pid("bank-2"),
            amount: m("200"),
            invoice: Some(n2),
        },
        &support(),
        kyiv(2026, 4, 2, 10),
    );
    p.ok(
        C::RefundCredit {
            credit: 2,
            refund: rid("r-1"),
        },
        &support(),
        kyiv(2026, 4, 2, 11),
    );
    assert_eq!(
        p.code(
            C::RefundCredit {
                credit: 2,
                refund: rid("r-2")
            },
            &support(),
            kyiv(2026, 4, 2, 11)
        ),
        "credit.resolved"
    );
    assert_eq!(
        p.code(
            C::RecordRefund {
                refund: rid("r-x"),
                succeeded: true
            },
            &Actor::System,
            kyiv(2026, 4, 3, 9)
        ),
        "refund.unknown"
    );
    // A failed refund opens the credit again; a completed one closes it.
    p.ok(
        C::RecordRefund {
            refund: rid("r-1"),
            succeeded: false,
        },
        &Actor::System,
        kyiv(2026, 4, 3, 9),
    );
    assert_eq!(p.account.credits()[1].remaining, m("50"));
    p.ok(
        C::RefundCredit {
            credit: 2,
            refund: rid("r-3"),
        },
        &support(),
        kyiv(2026, 4, 3, 10),
    );
    p.ok(
        C::RecordRefund {
            refund: rid("r-3"),
            succeeded: true,
        },
        &Actor::System,
        kyiv(2026, 4, 4, 9),
    );
    assert_eq!(
        p.code(
            C::RecordRefund {
                refund: rid("r-3"),
                succeeded: true
            },
            &Actor::System,
            kyiv(2026, 4, 4, 9)
        ),
        "refund.completed"
    );
    assert_eq!(p.account.open_credits().count(), 0);
}

// ---------- payment links ----------

#[test]
fn payment_links_last_30_minutes_then_a_new_one_is_made() {
    let mut p = on_start();
    let n = p.number(1);
    let ask = |id: &str| C::RequestPaymentLink {
        invoice: n,
        link: lid(id),
    };
    let t0 = kyiv(2026, 3, 2, 10);
    p.ok(ask("l1"), &Actor::Owner, t0);
    let link = p.account.payment_link(&n, t0).unwrap();
    assert_eq!(link.amount, m("300"));
    assert!(
        link.saves_card,
        "the payment page states that the card is saved"
    );
    assert_eq!(link.expires_at, t0 + chrono::Duration::minutes(30));
    // Within 30 minutes: the same link, nothing new.
    assert!(p
        .ok(ask("l2"), &Actor::Owner, t0 + chrono::Duration::minutes(29))
        .is_empty());
    // Expired: a new one, the old one recorded as expired.
    let later = t0 + chrono::Duration::minutes(31);
    assert!(p.account.payment_link(&n, later).is_none());
    let events = p.ok(ask("l2"), &Actor::Owner, later);
    assert!(matches!(&events[0], E::PaymentLinkExpired { link } if link.as_str() == "l1"));
    assert_eq!(p.account.links()[&lid("l1")].status, LinkStatus::Expired);
    assert_eq!(p.account.payment_link(&n, later).unwrap().id, lid("l2"));
    assert_eq!(
        p.code(ask("l1"), &Actor::Owner, later + chrono::Duration::hours(1)),
        "link.id_used"
    );
    // A payment on the expired link is still credited while the invoice is open.
    p.ok(
        C::CardPaymentSucceeded {
            link: lid("l1"),
            payment: pid("acq-1"),
            amount: m("300"),
            card: Some(card(1)),
        },
        &Actor::System,
        later,
    );
    assert_eq!(p.account.invoices()[0].status, InvoiceStatus::Paid);
    assert_eq!(p.code(ask("l3"), &Actor::Owner, later), "invoice.not_open");
    assert_eq!(
        p.code(
            C::CardPaymentSucceeded {
                link: lid("nope"),
                payment: pid("acq-2"),
                amount: m("1"),
                card: None
            },
            &Actor::System,
            later
        ),
        "link.unknown"
    );
}

// ---------- card binding and autopay ----------

#[test]
fn the_first_card_payment_saves_the_card_and_turns_autopay_on() {
    let p = with_autopay();
    let c = p.account.card().unwrap();
    assert_eq!(c.masked_pan, "4441 11** **** 0001");
    assert_eq!(c.holder, "IVAN PETRENKO");
    assert!(p.trail.iter().any(
        |a| matches!(&a.event, E::AutopayEnabled { tariff: Some(t) } if t.as_str() == "start")
    ));
}

#[test]
fn binding_with_an_open_invoice_pays_it() {
    let mut p = on_start();
    let n = p.number(1);
    let events = p.ok(
        C::StartCardBinding { attempt: aid("b1") },
        &Actor::Owner,
        kyiv(2026, 3, 2, 10),
    );
    assert!(
        matches!(&events[0], E::CardBindingStarted { route: BindingRoute::PayInvoice { invoice, amount }, .. } if *invoice == n && *amount == m("300"))
    );
    p.ok(
        C::CardBindingSucceeded {
            attempt: aid("b1"),
            payment: pid("acq-b1"),
            amount: m("300"),
            card: card(7),
            refund: rid("unused"),
        },
        &Actor::System,
        kyiv(2026, 3, 2, 10),
    );
    assert_eq!(p.account.invoices()[0].status, InvoiceStatus::Paid);
    assert!(p.account.autopay_is_on());
    assert!(p.account.credits().is_empty());
    assert_eq!(
        p.code(
            C::CardBindingFailed {
                attempt: aid("b1"),
                reason: "late".into()
            },
            &Actor::System,
            kyiv(2026, 3, 2, 11)
        ),
        "card.binding_finished"
    );
    assert_eq!(
        p.code(
            C::StartCardBinding { attempt: aid("b1") },
            &Actor::Owner,
            kyiv(2026, 3, 2, 11)
        ),
        "card.attempt_id_used"
    );
    assert_eq!(
        p.code(
            C::StartCardBinding { attempt: aid("b9") },
            &support(),
            kyiv(2026, 3, 2, 11)
        ),
        "account.forbidden"
    );
}

#[test]
fn binding_without_an_open_invoice_is_a_refunded_verification() {
    let mut p = with_autopay();
    // Changing the card always takes the 1 UAH route, even with an open invoice.
    p.tick(kyiv(2026, 4, 1, 0));
    let events = p.ok(
        C::StartCardBinding { attempt: aid("b2") },
        &Actor::Owner,
        kyiv(2026, 4, 1, 10),
    );
    assert!(
        matches!(&events[0], E::CardBindingStarted { route: BindingRoute::Verification { amount }, .. } if *amount == m("1"))
    );
    let events = p.ok(
        C::CardBindingSucceeded {
            attempt: aid("b2"),
            payment: pid("acq-v2"),
            amount: m("1"),
            card: card(2),
            refund: rid("ref-v2"),
        },
        &Actor::System,
        kyiv(2026, 4, 1, 10),
    );
    let notes: Vec<_> = events
        .iter()
        .flat_map(|e| e.notifications(p.account.service_code()))
        .collect();
    assert!(
        notes.is_empty(),
        "the 1 UAH check bothers nobody: {notes:?}"
    );
    assert_eq!(p.account.card().unwrap().masked_pan, "4441 11** **** 0002");
    let credit = &p.account.credits()[0];
    assert_eq!(credit.reason, CreditReason::CardVerification);
    assert_eq!(credit.refund.as_ref().unwrap().id, rid("ref-v2"));
    assert!(
        credit.remaining.is_zero(),
        "the refund is requested automatically"
    );
    assert_eq!(
        p.account.payment(&pid("acq-v2")).unwrap().source,
        PaymentSource::CardVerification
    );
    p.ok(
        C::RecordRefund {
            refund: rid("ref-v2"),
            succeeded: true,
        },
        &Actor::System,
        kyiv(2026, 4, 2, 10),
    );
    assert!(p.account.credits()[0].refund.as_ref().unwrap().completed);
    // The open invoice was not touched by the verification.
    assert_eq!(p.account.invoices()[1].paid, m("0"));
}

#[test]
fn a_failed_binding_saves_nothing() {
    let mut p = Project::new();
    p.ok(
        C::StartCardBinding { attempt: aid("b1") },
        &Actor::Owner,
        kyiv(2026, 3, 2, 10),
    );
    p.ok(
        C::CardBindingFailed {
            attempt: aid("b1"),
            reason: "declined".into(),
        },
        &Actor::System,
        kyiv(2026, 3, 2, 10),
    );
    assert!(p.account.card().is_none() && !p.account.autopay_is_on());
    assert_eq!(
        p.code(
            C::CardBindingFailed {
                attempt: aid("zz"),
                reason: "x".into()
            },
            &Actor::System,
            kyiv(2026, 3, 2, 10)
        ),
        "card.unknown_binding"
    );
}

#[test]
fn autopay_charges_on_the_day_of_issue_and_retries_1_3_5_days_later() {
    let mut p = with_autopay();
    let events = p.tick(kyiv(2026, 4, 1, 0));
    let attempt = events
        .iter()
        .find_map(|e| match e {
            E::ChargeRequested {
                attempt,
                attempt_no: 1,
                ..
            } => Some(attempt.clone()),
            _ => None,
        })
        .expect("charged on the day of issue");
    assert_eq!(attempt.as_str(), "HOR-00042-002-c1");
    let mut retry_days = Vec::new();
    let mut attempt = attempt;
    for day in 1..=12 {
        let now = kyiv(2026, 4, day, 6);
        for e in p.tick(now) {
            if let E::ChargeRequested { attempt: a, .. } = e {
                retry_days.push(day);
                attempt = a;
            }
        }
        if p.account.charges()[&attempt].status == billing_core::account::AttemptStatus::InFlight {
            let events = p.ok(
                C::ChargeFailed {
                    attempt: attempt.clone(),
                    reason: "insufficient funds".into(),
                },
                &Actor::System,
                kyiv(2026, 4, day, 7),
            );
            let notes = events[0].notifications(p.account.service_code());
            let will_retry = retry_days.len() < 3;
            assert!(
                matches!(notes[0], Notification::ChargeFailed { will_retry: w, .. } if w == will_retry)
            );
        }
    }
    assert_eq!(retry_days, vec![2, 4, 6]);
    assert_eq!(p.account.charges().len(), 4);
    assert_eq!(
        p.code(
            C::ChargeFailed {
                attempt,
                reason: "again".into()
            },
            &Actor::System,
            kyiv(2026, 4, 13, 7)
        ),
        "charge.not_in_flight"
    );
    assert_eq!(
        p.code(
            C::ChargeSucceeded {
                attempt: aid("nope"),
                payment: pid("x"),
                amount: m("1")
            },
            &Actor::System,
            kyiv(2026, 4, 13, 7)
        ),
        "charge.unknown_attempt"
    );
}

#[test]
fn three_d_secure_is_not_retried_the_owner_gets_a_link() {
    let mut p = with_autopay();
    p.tick(kyiv(2026, 4, 1, 0));
    let events = p.ok(
        C::ChargeRequires3ds {
            attempt: aid("HOR-00042-002-c1"),
            link: lid("l-3ds"),
        },
        &Actor::System,
        kyiv(2026, 4, 1, 0),
    );
    let notes: Vec<_> = events
        .iter()
        .flat_map(|e| e.notifications(p.account.service_code()))
        .collect();
    assert!(notes
        .iter()
        .any(|n| matches!(n, Notification::PaymentLinkReady { .. })));
    let n2 = p.number(2);
    assert_eq!(
        p.account.payment_link(&n2, kyiv(2026, 4, 1, 0)).unwrap().id,
        lid("l-3ds")
    );
    for day in 2..=10 {
        let events = p.tick(kyiv(2026, 4, day, 6));
        assert!(!has(&events, |e| matches!(e, E::ChargeRequested { .. })));
    }
    // The owner pays through the link: the card that paid is the card autopay charges.
    p.ok(
        C::CardPaymentSucceeded {
            link: lid("l-3ds"),
            payment: pid("acq-3ds"),
            amount: m("300"),
            card: Some(card(3)),
        },
        &Actor::System,
        kyiv(2026, 4, 10, 9),
    );
    assert_eq!(p.account.card().unwrap().masked_pan, "4441 11** **** 0003");
    assert_eq!(p.account.invoices()[1].status, InvoiceStatus::Paid);
}

#[test]
fn a_successful_charge_pays_and_a_repeat_changes_nothing() {
    let mut p = with_autopay();
    p.tick(kyiv(2026, 4, 1, 0));
    let ok = C::ChargeSucceeded {
        attempt: aid("HOR-00042-002-c1"),
        payment: pid("acq-c1"),
        amount: m("300"),
    };
    p.ok(ok.clone(), &Actor::System, kyiv(2026, 4, 1, 0));
    assert_eq!(p.account.invoices()[1].status, InvoiceStatus::Paid);
    assert!(p.ok(ok, &Actor::System, kyiv(2026, 4, 1, 1)).is_empty());
    assert_eq!(
        p.account.payment(&pid("acq-c1")).unwrap().source,
        PaymentSource::CardAutopay
    );
}

#[test]
fn only_support_stops_autopay_then_only_bank_transfers() {
    let mut p = with_autopay();
    let stop = C::StopAutopay {
        reason: "chargeback".into(),
    };
    assert_eq!(
        p.code(stop.clone(), &Actor::Owner, kyiv(2026, 3, 5, 10)),
        "autopay.support_only"
    );
    assert_eq!(
        p.code(stop.clone(), &Actor::System, kyiv(2026, 3, 5, 10)),
        "autopay.support_only"
    );
    p.ok(stop.clone(), &support(), kyiv(2026, 3, 5, 10));
    assert_eq!(
        p.code(stop, &support(), kyiv(2026, 3, 5, 10)),
        "autopay.already_stopped"
    );
    assert!(!p.account.autopay_is_on());
    let events = p.tick(kyiv(2026, 4, 1, 0));
    assert!(
        !has(&events, |e| matches!(e, E::ChargeRequested { .. })),
        "no charge while stopped"
    );
    let n2 = p.number(2);
    assert_eq!(
        p.code(
            C::RequestPaymentLink {
                invoice: n2,
                link: lid("l9")
            },
            &Actor::Owner,
            kyiv(2026, 4, 1, 9)
        ),
        "autopay.stopped"
    );
    assert_eq!(
        p.code(
            C::StartCardBinding { attempt: aid("b9") },
            &Actor::Owner,
            kyiv(2026, 4, 1, 9)
        ),
        "autopay.stopped"
    );
    assert_eq!(
        p.code(C::ResumeAutopay, &Actor::Owner, kyiv(2026, 4, 1, 9)),
        "autopay.support_only"
    );
    p.ok(C::ResumeAutopay, &support(), kyiv(2026, 4, 1, 9));
    assert_eq!(
        p.code(C::ResumeAutopay, &support(), kyiv(2026, 4, 1, 9)),
        "autopay.not_stopped"
    );
    assert!(p.account.autopay_is_on());
}

// ---------- debt and access ----------

#[test]
fn blocked_after_due_date_plus_grace_and_unblocked_by_payment_at_once() {
    let mut p = on_start();
    // Due 8 March, grace 3 days: payment_due through 11 March, blocked from 12 March.
    assert_eq!(
        p.account.access(kyiv(2026, 3, 11, 23), &p.policy),
        AccessState::PaymentDue
    );
    assert!(!has(&p.tick(kyiv(2026, 3, 11, 23)), |e| matches!(
        e,
        E::Blocked { .. }
    )));
    assert_eq!(
        p.account.access(kyiv(2026, 3, 12, 0), &p.policy),
        AccessState::Blocked
    );
    let events = p.tick(kyiv(2026, 3, 12, 0));
    assert!(matches!(events.last(), Some(E::Blocked { invoices }) if invoices.len() == 1));
    assert!(p.account.is_marked_blocked());
    assert!(p.tick(kyiv(2026, 3, 13, 0)).is_empty(), "blocked once");
    let n = p.number(1);
    let events = p.ok(
        C::RecordBankTransfer {
            transaction: pid("bank-1"),
            amount: m("300"),
            invoice: Some(n),
        },
        &Actor::System,
        kyiv(2026, 3, 13, 10),
    );
    assert!(matches!(events.last(), Some(E::Unblocked)));
    let notes = events
        .last()
        .unwrap()
        .notifications(p.account.service_code());
    assert_eq!(
        notes,
        vec![Notification::Unblocked {
            project: p.account.service_code()
        }]
    );
    assert_eq!(
        p.account.access(kyiv(2026, 3, 13, 10), &p.policy),
        AccessState::Active
    );
}

#[test]
fn reminders_before_and_on_the_due_date_once_each() {
    let mut p = on_start();
    let mut days = Vec::new();
    for day in 1..=11 {
        if has(&p.tick(kyiv(2026, 3, day, 9)), |e| {
            matches!(e, E::ReminderSent { .. })
        }) {
            days.push(day);
        }
    }
    assert_eq!(days, vec![5, 8]);
}

// ---------- closing for deletion ----------

#[test]
fn closing_cancels_invoices_and_stops_everything_but_money_under_way() {
    let mut p = with_autopay();
    p.tick(kyiv(2026, 4, 1, 0)); // invoice 2, charge c1 in flight
    assert_eq!(
        p.code(C::CloseForDeletion, &Actor::Owner, kyiv(2026, 4, 1, 5)),
        "account.forbidden"
    );
    assert_eq!(
        p.code(C::CloseForDeletion, &support(), kyiv(2026, 4, 1, 5)),
        "account.forbidden"
    );
    p.ok(C::CloseForDeletion, &manager(), kyiv(2026, 4, 1, 5));
    assert!(p.account.is_closed());
    assert_eq!(p.account.invoices()[1].status, InvoiceStatus::Cancelled);
    assert!(!p.account.autopay_is_on());
    let n2 = p.number(2);
    let now = kyiv(2026, 4, 2, 5);
    assert_eq!(
        p.code(C::CloseForDeletion, &Actor::System, now),
        "project.deleted"
    );
    assert_eq!(
        p.code(
            C::RequestPaymentLink {
                invoice: n2,
                link: lid("lx")
            },
            &Actor::Owner,
            now
        ),
        "project.deleted"
    );
    assert_eq!(
        p.code(
            C::StartCardBinding { attempt: aid("bx") },
            &Actor::Owner,
            now
        ),
        "project.deleted"
    );
    assert_eq!(
        p.code(
            C::ChangeTariff {
                tariff: tariff("business")
            },
            &Actor::Owner,
            now
        ),
        "project.deleted"
    );
    assert_eq!(
        p.code(
            C::Subscribe {
                tariff: tariff("start"),
                period: BillingPeriod::Monthly
            },
            &Actor::Owner,
            now
        ),
        "project.deleted"
    );
    assert_eq!(p.code(C::ResumeAutopay, &support(), now), "project.deleted");
    assert!(
        p.tick(kyiv(2026, 5, 1, 5)).is_empty(),
        "no invoices after closing"
    );
    assert_eq!(p.account.invoices().len(), 2);
    // The charge in flight succeeds anyway: kept as a settlement item.
    p.ok(
        C::ChargeSucceeded {
            attempt: aid("HOR-00042-002-c1"),
            payment: pid("acq-late"),
            amount: m("300"),
        },
        &Actor::System,
        now,
    );
    // A late bank transfer too.
    p.ok(
        C::RecordBankTransfer {
            transaction: pid("bank-late"),
            amount: m("300"),
            invoice: Some(n2),
        },
        &Actor::System,
        now,
    );
    let reasons: Vec<_> = p
        .account
        .credits()
        .iter()
        .map(|c| c.reason.clone())
        .collect();
    assert_eq!(
        reasons,
        vec![CreditReason::AccountClosed, CreditReason::AccountClosed]
    );
    // And support can still refund them.
    p.ok(
        C::RefundCredit {
            credit: 1,
            refund: rid("r-late"),
        },
        &support(),
        now,
    );
}

// ---------- audit trail ----------

#[test]
fn the_card_token_is_never_in_debug_or_audit_text() {
    let p = with_autopay();
    assert!(!format!("{:?}", p.account).contains("tok_secret"));
    for a in &p.trail {
        assert!(!a.event.audit_text().contains("tok_secret"));
        assert!(!format!("{:?}", a.event).contains("tok_secret"));
    }
    assert!(p
        .trail
        .iter()
        .any(|a| a.event.audit_text().contains("**** 0001")));
}

#[test]
fn replaying_the_trail_rebuilds_the_state_and_events_round_trip_as_json() {
    let mut p = with_autopay();
    p.tick(kyiv(2026, 4, 1, 0));
    p.ok(
        C::ChargeFailed {
            attempt: aid("HOR-00042-002-c1"),
            reason: "declined".into(),
        },
        &Actor::System,
        kyiv(2026, 4, 1, 1),
    );
    let json = serde_json::to_string(&p.trail).unwrap();
    assert!(json.contains("\"type\":\"invoice_issued\""));
    let back: Vec<billing_core::Audited<E>> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p.trail);
    let replayed = Account::replay(
        ServiceCode::parse("00042").unwrap(),
        back.iter().map(|a| &a.event),
    );
    assert_eq!(replayed, p.account);
    let state: Account = serde_json::from_str(&serde_json::to_string(&p.account).unwrap()).unwrap();
    assert_eq!(state, p.account);
    assert!(p.trail.iter().all(|a| a.at >= kyiv(2026, 3, 1, 0)));
}

#[test]
fn invoice_issued_notifies_the_owner() {
    let p = on_start();
    let notes = p.trail[1].event.notifications(p.account.service_code());
    assert_eq!(
        notes,
        vec![Notification::InvoiceIssued {
            project: p.account.service_code(),
            invoice: p.number(1),
            amount: m("300"),
            due_date: d(2026, 3, 8),
        }]
    );
}
