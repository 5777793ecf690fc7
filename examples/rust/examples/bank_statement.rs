//! The bank job: a statement from the bank (here JSON Lines; camt.053, MT940, 1C, PrivatBank and
//! monobank read the same way) is imported into the store. Exact payments of named invoices are
//! credited automatically; everything else waits for support, who match it by hand from the
//! payer's receipt. Importing the same statement again changes nothing.
//!
//! `cargo run -p billing-examples --example bank_statement`

use std::sync::Arc;

use billing_core::reconcile::{BankLine, Decision, Resolution};
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::{Actor, ServiceCode};
use billing_examples::{engine, kyiv, owner, Error};
use billing_statements::Format;
use billing_store::MemoryStore;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let (engine, _clock) = engine(Arc::new(MemoryStore::new()), kyiv(2026, 3, 1, 10));
    for code in ["11111", "22222"] {
        let code: ServiceCode = code.parse()?;
        engine
            .open_project(
                code,
                owner()?,
                &TariffCode::new("start")?,
                BillingPeriod::Monthly,
            )
            .await?;
    }
    // Start, monthly: 600.00 UAH each, HOR-11111-001 and HOR-22222-001.
    let statement = r#"{"id":"PB-1","date":"2026-03-02","amount":"600.00","currency":"UAH","payer_name":"ФОП Коваль О. І.","purpose":"Оплата за рахунком № HOR-11111-001, у т.ч. ПДВ 20% 100,00 грн"}
{"id":"PB-2","date":"2026-03-02","amount":"500.00","currency":"UAH","payer_name":"ТОВ «Спортмаркет»","purpose":"оплата HOR-22222-001"}
{"id":"PB-3","date":"2026-03-02","amount":"42.00","currency":"UAH","payer_name":"Іван","purpose":"поповнення"}
"#;
    let lines: Vec<BankLine<'static>> =
        billing_statements::parse(statement.as_bytes(), Format::Auto)?
            .lines
            .into_iter()
            .map(BankLine::into_owned)
            .collect();

    let import = engine.import_statement(&lines).await?;
    for r in &import.results {
        println!(
            "line {} {}: {:?} {:?} {:?}",
            r.line, r.id, r.outcome, r.invoice, r.reason
        );
    }
    println!(
        "{} credited automatically, {} for support",
        import.summary.auto_credit, import.summary.review
    );
    assert_eq!(import.summary.auto_credit, 1);

    // The same statement again (the job runs every 15 minutes over the last days): nothing changes.
    let again = engine.import_statement(&lines).await?;
    assert_eq!(again.summary.already_processed, 3);

    // Support's queue, and the receipt that says PB-2 was a partial payment of HOR-22222-001.
    let support = Actor::Support { id: "ann".into() };
    for line in engine.bank_review(100).await? {
        if let Decision::Review {
            reason, reference, ..
        } = &line.decision
        {
            println!(
                "review {}: {} ({}), names {:?}",
                line.key,
                line.line.amount,
                reason.as_str(),
                reference
            );
        }
    }
    let record = engine
        .resolve_bank_line(
            "PB-2",
            Resolution::Credit {
                invoice: "HOR-22222-001".parse()?,
                amount: "500".parse()?,
            },
            &support,
        )
        .await?;
    println!(
        "PB-2 credited by {}; invoice still partly owed: {}",
        record.actor.label(),
        record.partial
    );
    engine
        .resolve_bank_line(
            "PB-3",
            Resolution::NotOurs {
                note: "a personal transfer".into(),
            },
            &support,
        )
        .await?;
    assert!(engine.bank_review(100).await?.is_empty());

    let owed = engine.billing_section("22222".parse()?).await?.total_owed;
    println!("22222 still owes {}", owed.to_document_string());
    assert_eq!(owed.to_string(), "100.00");
    Ok(())
}

#[test]
fn runs() {
    main().unwrap();
}
