//! Writes a sample invoice and act: `cargo run -p billing-documents --example render_samples [DIR]`
//! (default `examples/` at the workspace root): `sample-invoice.pdf` and `sample-act.pdf`.

use std::path::PathBuf;

use billing_core::documents::{
    ActDocument, DocumentLine, InvoiceDocument, Party, Signatory, TaxStatus,
};
use billing_core::invoice::VatRate;
use billing_core::{BillingMonth, NbuQrFormat};
use chrono::NaiveDate;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples"));
    std::fs::create_dir_all(&dir)?;

    let seller = Party {
        name: "ТОВ «Хорошоп»".into(),
        tax_id: "32855961".parse()?,
        iban: Some("UA213223130000026007233566001".parse()?),
        address: "01001, м. Київ, вул. Хрещатик, буд. 1, офіс 7".into(),
        tax_status: TaxStatus::vat_payer("328559626541")?,
    };
    let buyer = Party {
        name: "ФОП Петренко Олена Іванівна".into(),
        tax_id: "3652504575".parse()?,
        iban: Some("UA743052990000026007233566001".parse()?),
        address: "79000, м. Львів, вул. Зелена, буд. 5, кв. 12".into(),
        tax_status: TaxStatus::single_tax(3)?,
    };
    let lines = vec![
        DocumentLine::new(
            "Тариф «Бізнес» на платформі Хорошоп, січень 2026 р. (магазин shop.example.ua)",
            "міс.",
            1.into(),
            "1200".parse()?,
        )?,
        DocumentLine::new(
            "Додаткові 1 000 товарів понад ліміт тарифу",
            "послуга",
            2.into(),
            "150.50".parse()?,
        )?,
    ];

    let invoice = InvoiceDocument::new(
        "HOR-11111-007".parse()?,
        NaiveDate::from_ymd_opt(2026, 1, 15).ok_or("date")?,
        NaiveDate::from_ymd_opt(2026, 1, 25).ok_or("date")?,
        seller.clone(),
        buyer.clone(),
        lines.clone(),
        VatRate::Standard20,
        NbuQrFormat::V002,
    )?;
    let pdf = billing_documents::render_invoice_pdf(&invoice)?;
    let path = dir.join("sample-invoice.pdf");
    std::fs::write(&path, &pdf)?;
    println!("{} ({} bytes)", path.display(), pdf.len());

    let mut act = ActDocument::new(
        "A-11111-2026-01".into(),
        NaiveDate::from_ymd_opt(2026, 1, 31).ok_or("date")?,
        BillingMonth::new(2026, 1)?,
        "Договір публічної оферти про надання послуг платформи Хорошоп від 01.01.2025".into(),
        seller,
        buyer,
        lines,
        VatRate::Standard20,
    )?;
    act.seller_signatory = Some(Signatory {
        position: "Директор".into(),
        name: "Іваненко І. І.".into(),
    });
    act.buyer_signatory = Some(Signatory {
        position: "ФОП".into(),
        name: "Петренко О. І.".into(),
    });
    let pdf = billing_documents::render_act_pdf(&act)?;
    let path = dir.join("sample-act.pdf");
    std::fs::write(&path, &pdf)?;
    println!("{} ({} bytes)", path.display(), pdf.len());
    Ok(())
}
