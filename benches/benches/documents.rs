//! Rendering invoice PDFs: 1,000 distinct invoices (two lines each, VAT, the NBU QR code with the
//! hryvnia sign, DejaVu subsets embedded), one after another on one core. Target: under 5 s.
//!
//! `cargo bench -p billing-benches --bench documents`

use billing_core::documents::{DocumentLine, InvoiceDocument, Party, TaxStatus};
use billing_core::invoice::VatRate;
use billing_core::{InvoiceNumber, Money, NbuQrFormat};
use chrono::NaiveDate;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

const INVOICES: u32 = 1_000;

fn invoices() -> Vec<InvoiceDocument> {
    let seller = Party {
        name: "ТОВ «Хорошоп»".into(),
        tax_id: "32855961".parse().expect("a tax id"),
        iban: Some("UA213223130000026007233566001".parse().expect("an IBAN")),
        address: "01001, м. Київ, вул. Хрещатик, буд. 1, офіс 7".into(),
        tax_status: TaxStatus::vat_payer("328559626541").expect("a VAT number"),
    };
    let buyer = Party {
        name: "ФОП Петренко Олена Іванівна".into(),
        tax_id: "3652504575".parse().expect("a tax id"),
        iban: Some("UA743052990000026007233566001".parse().expect("an IBAN")),
        address: "79000, м. Львів, вул. Зелена, буд. 5, кв. 12".into(),
        tax_status: TaxStatus::single_tax(3).expect("a group"),
    };
    let issued = NaiveDate::from_ymd_opt(2026, 1, 15).expect("a date");
    let due = NaiveDate::from_ymd_opt(2026, 1, 25).expect("a date");
    (1..=INVOICES)
        .map(|i| {
            let number: InvoiceNumber = format!("HOR-{:05}-{:03}", 10_000 + i, 1 + i % 900)
                .parse()
                .expect("an invoice number");
            let price = Money::from_kopiyky(i64::from(30_000 + i * 137)).expect("a price");
            let lines = vec![
                DocumentLine::new(
                    format!("Тариф «Бізнес», січень 2026 р., проєкт {}", 10_000 + i),
                    "міс.",
                    1.into(),
                    price,
                )
                .expect("a line"),
                DocumentLine::new(
                    "Додаткові 1 000 товарів",
                    "послуга",
                    2.into(),
                    "150.50".parse().expect("a price"),
                )
                .expect("a line"),
            ];
            InvoiceDocument::new(
                number,
                issued,
                due,
                seller.clone(),
                buyer.clone(),
                lines,
                VatRate::Standard20,
                NbuQrFormat::V002,
            )
            .expect("an invoice")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let docs = invoices();
    let mut group = c.benchmark_group("documents");
    group.throughput(Throughput::Elements(1));
    group.bench_function("render_invoice_pdf", |b| {
        b.iter(|| billing_documents::render_invoice_pdf(black_box(&docs[0])).expect("a PDF"))
    });
    group.sample_size(10);
    group.throughput(Throughput::Elements(u64::from(INVOICES)));
    group.bench_function("render_1000_invoice_pdfs", |b| {
        b.iter(|| {
            let mut bytes = 0usize;
            for doc in &docs {
                bytes += billing_documents::render_invoice_pdf(black_box(doc))
                    .expect("a PDF")
                    .len();
            }
            bytes
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
