//! Acts of completed work through Vchasno: the owner saves the requisites and activates the
//! integration (Vchasno is asked whether the company is registered); after a paid month closes, its
//! act is drawn up, rendered as a PDF, uploaded once, and its signing status followed. Here Vchasno
//! is the in-memory one; `billing-vchasno` is the real adapter behind the same port.
//!
//! `cargo run -p billing-examples --example monthly_act`

use std::sync::Arc;

use billing_core::ports::VchasnoStatus;
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::{Actor, BillingMonth, ServiceCode};
use billing_engine::memory::{ManualClock, MemoryVchasno};
use billing_engine::{Engine, EngineConfig, Ports};
use billing_examples::{buyer_requisites, kyiv, owner, seller, Error};
use billing_store::MemoryStore;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let clock = Arc::new(ManualClock::new(kyiv(2026, 10, 1, 9)));
    let vchasno = Arc::new(MemoryVchasno::new());
    let mut ports = Ports::with_store(Arc::new(MemoryStore::new()));
    ports.clock = clock.clone();
    ports.vchasno = vchasno.clone();
    let mut config = EngineConfig::with_defaults("memory:");
    config.seller = Some(seller());
    let engine = Engine::new(config, ports);
    let code: ServiceCode = "11111".parse()?;
    engine
        .open_project(
            code,
            owner()?,
            &TariffCode::new("start")?,
            BillingPeriod::Monthly,
        )
        .await?;
    let invoice = engine.billing_section(code).await?.invoices[0].clone();
    engine
        .credit_bank_transfer(
            code,
            &Actor::System,
            "PB-1",
            invoice.total,
            Some(invoice.number),
        )
        .await?;

    // "Save and activate": the company must be registered in Vchasno.
    let form = buyer_requisites();
    vchasno.register(&form.tax_id.parse()?, &form.name);
    engine
        .save_and_activate_vchasno(code, &Actor::Owner, form)
        .await?;

    // November: October is closed, its act is drawn up and uploaded (once).
    clock.set(kyiv(2026, 11, 2, 9));
    let october: BillingMonth = "2026-10".parse()?;
    let act = engine.request_act(code, &Actor::Owner, october).await?;
    println!(
        "act {} for {}: {} ({}), Vchasno document {:?}",
        act.number,
        october,
        act.total.to_document_string(),
        act.total_in_words,
        act.document_id
    );
    let again = engine.request_act(code, &Actor::Owner, october).await?;
    assert_eq!(again.document_id, act.document_id, "uploaded once");
    assert_eq!(vchasno.document_ids().len(), 1);

    let pdf = engine.act_pdf(code, &act.number).await?;
    println!("the act's PDF: {} bytes", pdf.len());

    // Both sides sign in Vchasno; the status poll records it.
    let id = act.document_id.clone().ok_or("not uploaded")?;
    vchasno.set_status(&id, VchasnoStatus::SignedByBoth);
    for (number, status) in engine.poll_act_statuses(code).await? {
        println!("{number}: {status:?}");
    }
    let section = engine.billing_section(code).await?;
    println!(
        "acts in the billing section: {:?}",
        section
            .acts
            .iter()
            .map(|a| (&a.number, &a.status))
            .collect::<Vec<_>>()
    );
    assert_eq!(section.acts[0].status, "signed_by_both");
    Ok(())
}

#[test]
fn runs() {
    main().unwrap();
}
