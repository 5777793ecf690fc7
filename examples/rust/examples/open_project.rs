//! Opening a shop's billing on the embedded SQLite store: the first invoice, the daily counters, the
//! billing section the admin panel shows, blocking after the due date plus grace, and unblocking
//! when the bank transfer is credited.
//!
//! `cargo run -p billing-examples --example open_project`

use billing_core::admin::{AdminCommand, DomainName};
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::{Actor, ServiceCode};
use billing_examples::{engine, kyiv, owner, Error};
use chrono::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let dir = tempfile::tempdir()?;
    // A SQLite file: created and migrated on first open.
    let store = billing_store::open(&dir.path().join("billing.db").to_string_lossy()).await?;
    let (engine, clock) = engine(store, kyiv(2026, 3, 1, 10));
    let code: ServiceCode = "11111".parse()?;

    // Sign-up: the owner, the tariff and its period; the first invoice is issued at once.
    engine
        .open_project(
            code,
            owner()?,
            &TariffCode::new("business")?,
            BillingPeriod::Monthly,
        )
        .await?;
    engine
        .admin(
            code,
            &Actor::Owner,
            AdminCommand::AddDomain {
                domain: DomainName::parse("квіти.укр")?,
            },
        )
        .await?;
    // The platform sends the daily counters.
    engine.record_usage(code, 4_600, 1_200).await?;

    let section = engine.billing_section(code).await?;
    let invoice = &section.invoices[0];
    println!("project {} is {:?}", section.service_code, section.access);
    if let Some(t) = &section.tariff {
        println!(
            "tariff {} until {}; products {:?}",
            t.name,
            t.period_end,
            t.products.map(|p| (p.used, p.limit))
        );
    }
    println!(
        "invoice {} for {} due {} ({:?})",
        invoice.number,
        invoice.total.to_document_string(),
        invoice.due_on,
        invoice.status
    );
    assert_eq!(invoice.number.to_string(), "HOR-11111-001");

    // Unpaid past the due date (7 days) and the grace (3 days): the daily job blocks the project.
    clock.set(kyiv(2026, 3, 12, 6));
    let report = engine.run_daily().await?;
    let section = engine.billing_section(code).await?;
    println!(
        "{}: blocked today {}, access {:?}",
        clock_date(&engine),
        report.blocked,
        section.access
    );
    assert_eq!(report.blocked, 1);

    // The transfer arrives with the invoice number in the purpose: credited, unblocked.
    clock.advance(Duration::hours(4));
    engine
        .credit_bank_transfer(
            code,
            &Actor::System,
            "PB-0001",
            invoice.total,
            Some(invoice.number),
        )
        .await?;
    let section = engine.billing_section(code).await?;
    println!(
        "after the transfer: access {:?}, owed {}",
        section.access,
        section.total_owed.to_document_string()
    );
    assert_eq!(section.total_owed, billing_core::Money::ZERO);

    // Every change is an audit record.
    for e in engine.audit_trail(code).await? {
        println!(
            "  v{} {} {}",
            e.version,
            e.at.format("%Y-%m-%d %H:%M UTC"),
            e.actor.label()
        );
    }
    Ok(())
}

fn clock_date(engine: &billing_engine::Engine) -> String {
    billing_core::calendar::kyiv_date(engine.now()).to_string()
}

#[test]
fn runs() {
    main().unwrap();
}
