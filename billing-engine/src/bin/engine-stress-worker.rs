//! A worker for the engine's multi-process tests (`tests/concurrency.rs`): run by several OS processes
//! at once on one store, it opens the same projects, runs the same daily jobs, credits the same bank
//! lines and applies the same acquirer callbacks. Every repeat must take effect at most once.
//!
//! `engine-stress-worker STORE PROJECTS [--crash-after N]`

use std::sync::Arc;

use billing_core::admin::OwnerContact;
use billing_core::calendar::KYIV;
use billing_core::payment::{AttemptId, PaymentId};
use billing_core::ports::{PaymentEvent, PaymentStatus};
use billing_core::reconcile::BankLine;
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::{Actor, ErrorCode, ServiceCode};
use billing_engine::memory::ManualClock;
use billing_engine::{Engine, EngineConfig, EngineError, Ports};
use chrono::{TimeZone, Utc};

/// Refusals are expected (another process got there first); anything else fails the worker.
fn tolerate<T>(r: Result<T, EngineError>) -> Result<Option<T>, EngineError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(EngineError::Refused(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let store_url = args
        .get(1)
        .ok_or("usage: STORE PROJECTS [--crash-after N]")?;
    let projects: u32 = args.get(2).ok_or("PROJECTS")?.parse()?;
    let crash_after: Option<u32> = match args.get(3).map(String::as_str) {
        Some("--crash-after") => Some(args.get(4).ok_or("N")?.parse()?),
        _ => None,
    };
    let store = billing_store::open(store_url).await?;
    let at = |m: u32| {
        KYIV.with_ymd_and_hms(2026, m, 1, 6, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or("time")
    };
    let clock = Arc::new(ManualClock::new(at(1)?));
    let mut ports = Ports::with_store(store);
    ports.clock = clock.clone();
    let engine = Engine::new(EngineConfig::with_defaults(store_url.clone()), ports);
    let codes: Vec<ServiceCode> = (1..=projects)
        .map(ServiceCode::from_value)
        .collect::<Result<_, _>>()?;
    let mut steps = 0u32;
    let mut step = || {
        steps += 1;
        if crash_after.is_some_and(|n| steps >= n) {
            // Die mid-batch, as a killed process would: no cleanup, no flush.
            std::process::abort();
        }
    };
    for code in &codes {
        let owner = OwnerContact {
            full_name: "Олена Коваль".parse()?,
            email: format!("owner{code}@shop.ua").parse()?,
            phone: "050 123 45 67".parse()?,
        };
        tolerate(
            engine
                .open_project(
                    *code,
                    owner,
                    &TariffCode::new("start")?,
                    BillingPeriod::Monthly,
                )
                .await,
        )?;
        step();
    }
    for month in 2..=4 {
        clock.set(at(month)?);
        let report = engine.run_daily().await?;
        if let Some((code, err)) = report.failures.first() {
            return Err(format!("daily job failed for {code}: {err}").into());
        }
        step();
    }
    for code in &codes {
        let section = engine.billing_section(*code).await?;
        // The same bank statement lines, imported by every process through the bank job's
        // import: each line is recorded and credited once, whichever process gets there first.
        let lines: Vec<BankLine<'static>> = section
            .invoices
            .iter()
            .filter(|i| i.number.sequence() % 2 == 1)
            .map(|i| {
                BankLine::incoming(
                    format!("TX-{}", i.number),
                    i.issued_on,
                    i.total,
                    format!("Оплата за рахунком {}", i.number),
                )
            })
            .collect();
        let import = engine.import_statement(&lines).await?;
        if let Some((key, code)) = import.failures.first() {
            return Err(format!("bank line {key} failed: {code}").into());
        }
        step();
        for invoice in section
            .invoices
            .iter()
            .filter(|i| i.number.sequence() % 2 == 0)
        {
            // The same acquirer callback, seen by every process: a link payment.
            let Some(page) = tolerate(
                engine
                    .payment_link(*code, &Actor::Owner, invoice.number)
                    .await,
            )?
            else {
                continue;
            };
            let attempt = page.url.rsplit('/').next().ok_or("url")?;
            let event = PaymentEvent {
                provider_ref: PaymentId::new(&format!("CB-{}", invoice.number))?,
                attempt: Some(AttemptId::new(attempt)?),
                status: PaymentStatus::Succeeded,
                amount: invoice.total,
                occurred_at: clock_now(&clock),
                saved_card: None,
            };
            match engine.apply_payment_event(&event).await {
                Ok(_) => {}
                Err(e) if e.code().starts_with("link.") || matches!(e, EngineError::Refused(_)) => {
                }
                Err(e) => return Err(e.into()),
            }
            step();
        }
    }
    Ok(())
}

fn clock_now(clock: &ManualClock) -> chrono::DateTime<Utc> {
    use billing_core::ports::Clock;
    clock.now()
}
