//! The invoice as a document: seller from the configuration, buyer from the project's requisites,
//! the amount in words, the VAT line, and the NBU payment QR code whose purpose carries the invoice
//! number, so that the payer's banking app fills in our IBAN, the exact amount and a purpose that
//! the bank job credits automatically. Rendered as a PDF.
//!
//! `cargo run -p billing-examples --example invoice_pdf -- [OUT.pdf]`

use std::path::PathBuf;
use std::sync::Arc;

use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::{Actor, ServiceCode};
use billing_examples::{buyer_requisites, engine, kyiv, owner, Error};
use billing_store::MemoryStore;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    run(std::env::args().nth(1).map(PathBuf::from)).await
}

/// Prints the invoice document and writes its PDF to `out` (default: the temp directory).
async fn run(out: Option<PathBuf>) -> Result<(), Error> {
    let (engine, _clock) = engine(Arc::new(MemoryStore::new()), kyiv(2026, 1, 1, 10));
    let code: ServiceCode = "11111".parse()?;
    engine
        .open_project(
            code,
            owner()?,
            &TariffCode::new("business")?,
            BillingPeriod::Monthly,
        )
        .await?;
    engine
        .save_requisites(code, &Actor::Owner, buyer_requisites())
        .await?;

    let doc = engine.invoice_document(code, "HOR-11111-001").await?;
    println!("{}", doc.title());
    println!("  seller: {}", doc.seller.requisite_lines().join("; "));
    println!("  buyer:  {}", doc.buyer.requisite_lines().join("; "));
    for line in &doc.lines {
        println!(
            "  {} × {} {} = {}",
            line.quantity_text(),
            line.unit,
            line.name,
            line.sum.to_document_string()
        );
    }
    println!(
        "  total {} ({}), {}",
        doc.total.to_document_string(),
        doc.total_in_words(),
        doc.vat_line()
    );
    println!("  purpose: {}", doc.payment_purpose());
    println!("  QR: {}", doc.payment_qr.url()?);
    assert_eq!(
        doc.total_in_words(),
        "Одна тисяча двісті гривень 00 копійок"
    );

    let pdf = engine.invoice_pdf(code, "HOR-11111-001").await?;
    let out = out.unwrap_or_else(|| std::env::temp_dir().join("HOR-11111-001.pdf"));
    std::fs::write(&out, &pdf)?;
    println!("wrote {} ({} bytes)", out.display(), pdf.len());
    assert!(pdf.starts_with(b"%PDF-"));

    // An invoice the project does not have: a typed error with a stable code.
    let err = engine.invoice_pdf(code, "HOR-11111-099").await.unwrap_err();
    println!("HOR-11111-099: {}", billing_core::ErrorCode::code(&err));
    Ok(())
}

#[tokio::test]
async fn runs() {
    let dir = tempfile::tempdir().unwrap();
    run(Some(dir.path().join("invoice.pdf"))).await.unwrap();
}
