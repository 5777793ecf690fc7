//! Issuing the month's invoices for 90,000 projects in memory: the scheduler's daily tick on the
//! first of the month, decide + apply, for every project. Target: under 1 s.
//!
//! `cargo bench -p billing-benches --bench issue_invoices`

use billing_core::account::{Account, AccountCommand, AccountEvent, BillingPolicy};
use billing_core::calendar::KYIV;
use billing_core::payment::{CardToken, LinkId, PaymentId, SavedCard};
use billing_core::tariff::{BillingPeriod, Limits, Tariff};
use billing_core::{Actor, Money, ServiceCode};
use chrono::{DateTime, TimeZone, Utc};
use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const PROJECTS: u32 = 90_000;

fn kyiv(y: i32, mo: u32, d: u32, h: u32) -> DateTime<Utc> {
    KYIV.with_ymd_and_hms(y, mo, d, h, 0, 0)
        .single()
        .expect("a Kyiv time")
        .with_timezone(&Utc)
}

fn tariffs() -> Vec<Tariff> {
    let t = |code: &str, name: &str, monthly: u32| {
        Tariff::new(code, name, Limits::default())
            .expect("a tariff")
            .with_price(
                BillingPeriod::Monthly,
                Money::from_hryvnias(monthly).expect("a price"),
            )
            .with_price(
                BillingPeriod::Yearly,
                Money::from_hryvnias(monthly * 10).expect("a price"),
            )
    };
    vec![
        t("start", "Старт", 300),
        t("business", "Бізнес", 900),
        t("pro", "Профі", 700),
    ]
}

/// 90,000 projects subscribed mid-February (prorated first invoices); half paid by bank transfer,
/// a third paid by card (so autopay is on and March is charged at once); the rest unpaid and past
/// grace on 1 March (so the tick also blocks them).
fn projects(policy: &BillingPolicy) -> Vec<Account> {
    let tariffs = tariffs();
    let subscribed = kyiv(2026, 2, 15, 12);
    let paid = kyiv(2026, 2, 16, 12);
    (1..=PROJECTS)
        .map(|i| {
            let code = ServiceCode::from_value(i).expect("a service code");
            let mut a = Account::new(code);
            let cmd = AccountCommand::Subscribe {
                tariff: tariffs[i as usize % tariffs.len()].clone(),
                period: BillingPeriod::Monthly,
            };
            a.execute(&cmd, &Actor::Owner, subscribed, policy)
                .expect("subscribed");
            let invoice = a.invoices()[0].number;
            let amount = a.invoices()[0].total;
            match i % 6 {
                0..=2 => {
                    let cmd = AccountCommand::RecordBankTransfer {
                        transaction: PaymentId::new(&format!("bank-{i}")).expect("an id"),
                        amount,
                        invoice: Some(invoice),
                    };
                    a.execute(&cmd, &Actor::System, paid, policy).expect("paid");
                }
                3 | 4 => {
                    let link = LinkId::new(&format!("link-{i}")).expect("an id");
                    let ask = AccountCommand::RequestPaymentLink {
                        invoice,
                        link: link.clone(),
                    };
                    a.execute(&ask, &Actor::Owner, paid, policy)
                        .expect("a link");
                    let pay = AccountCommand::CardPaymentSucceeded {
                        link,
                        payment: PaymentId::new(&format!("acq-{i}")).expect("an id"),
                        amount,
                        card: Some(SavedCard::new(
                            CardToken::new(&format!("tok-{i}")),
                            "4441 11** **** 0001",
                            "IVAN PETRENKO",
                        )),
                    };
                    a.execute(&pay, &Actor::System, paid, policy)
                        .expect("card paid");
                }
                _ => {}
            }
            a
        })
        .collect()
}

fn issue_month(accounts: &mut [Account], now: DateTime<Utc>, policy: &BillingPolicy) -> usize {
    let mut issued = 0;
    for a in accounts.iter_mut() {
        let events = a
            .decide(&AccountCommand::DailyTick, &Actor::System, now, policy)
            .expect("a tick");
        for e in &events {
            issued += usize::from(matches!(e, AccountEvent::InvoiceIssued { .. }));
            a.apply(e);
        }
    }
    issued
}

fn bench(c: &mut Criterion) {
    let policy = BillingPolicy::default();
    let base = projects(&policy);
    let first_of_march = kyiv(2026, 3, 1, 0);
    {
        let mut check = base.clone();
        assert_eq!(
            issue_month(&mut check, first_of_march, &policy),
            PROJECTS as usize
        );
        assert!(check.iter().all(|a| a.invoices().len() == 2));
    }
    let mut g = c.benchmark_group("issue_invoices");
    g.sample_size(10);
    g.throughput(Throughput::Elements(u64::from(PROJECTS)));
    g.bench_function("daily_tick_first_of_month_90k_projects", |b| {
        b.iter_batched(
            || base.clone(),
            // The accounts are returned so that dropping them is not timed.
            |mut accounts| {
                black_box(issue_month(&mut accounts, first_of_march, &policy));
                accounts
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
