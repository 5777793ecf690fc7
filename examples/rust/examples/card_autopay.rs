//! Card autopay: the owner pays the first invoice on the acquirer's page and saves the card; from
//! then on the daily job charges every new invoice on the day it is issued, and a declined charge
//! is retried on schedule (days 1, 3 and 5). Here the acquirer is the in-memory one; monobank and
//! LiqPay plug into the same port (`billing-monobank`, `billing-liqpay`).
//!
//! `cargo run -p billing-examples --example card_autopay`

use std::sync::Arc;

use billing_core::ports::Clock;
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::ServiceCode;
use billing_engine::memory::{ChargeScript, ManualClock, MemoryAcquirer, MEMORY_WEBHOOK_HEADER};
use billing_engine::{DailyReport, Engine, EngineConfig, Ports};
use billing_examples::{kyiv, owner, Error};
use billing_store::MemoryStore;
use chrono::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let clock = Arc::new(ManualClock::new(kyiv(2026, 3, 16, 10)));
    let acquirer = Arc::new(MemoryAcquirer::new());
    let mut ports = Ports::with_store(Arc::new(MemoryStore::new()));
    ports.clock = clock.clone();
    ports.acquirer = acquirer.clone();
    let engine = Engine::new(EngineConfig::with_defaults("memory:"), ports);
    let code: ServiceCode = "11111".parse()?;
    engine
        .open_project(
            code,
            owner()?,
            &TariffCode::new("start")?,
            BillingPeriod::Monthly,
        )
        .await?;

    // "Bind a card": a payment page for the open invoice that saves the card.
    let page = engine.bind_card(code).await?;
    println!("the owner pays on {}", page.url);
    let attempt = page.url.rsplit('/').next().unwrap_or_default().parse()?;
    let event = acquirer
        .pay_link(&attempt, clock.now())
        .ok_or("no such page")?;
    // The acquirer's webhook: verified over the raw body, applied at most once.
    let headers = vec![(
        MEMORY_WEBHOOK_HEADER.0.to_string(),
        MEMORY_WEBHOOK_HEADER.1.to_string(),
    )];
    let body = serde_json::to_vec(&event)?;
    engine.acquirer_webhook(&headers, &body).await?;
    let section = engine.billing_section(code).await?;
    println!(
        "autopay {}, card {:?}",
        section.payment_method.autopay, section.payment_method.card_masked_pan
    );

    // Three months of daily jobs; the May charge is declined once and retried.
    acquirer.script([
        ChargeScript::Succeed,
        ChargeScript::Decline("insufficient funds".into()),
    ]);
    let mut total = DailyReport::default();
    let mut day = kyiv(2026, 3, 17, 6);
    while day < kyiv(2026, 6, 16, 6) {
        clock.set(day);
        let r = engine.run_daily().await?;
        total.invoices_issued += r.invoices_issued;
        total.charges_succeeded += r.charges_succeeded;
        total.charges_failed += r.charges_failed;
        day += Duration::days(1);
    }
    println!(
        "{} invoices issued, {} charges succeeded, {} declined (retried)",
        total.invoices_issued, total.charges_succeeded, total.charges_failed
    );
    assert_eq!((total.invoices_issued, total.charges_failed), (3, 1));
    let section = engine.billing_section(code).await?;
    for i in &section.invoices {
        println!(
            "  {} {} {:?}",
            i.number,
            i.total.to_document_string(),
            i.status
        );
    }
    assert!(section.total_owed.is_zero());
    Ok(())
}

#[test]
fn runs() {
    main().unwrap();
}
