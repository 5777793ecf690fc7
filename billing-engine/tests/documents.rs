//! The invoice PDF through the engine: the printable invoice of a stored invoice (seller from the
//! configuration, buyer from the project's requisites, the NBU payment QR code), rendered, its text
//! extracted and its QR code decoded with readers independent of the code under test; and every
//! way it can be refused, each with its stable code.

use std::sync::Arc;

use billing_core::admin::OwnerContact;
use billing_core::calendar::KYIV;
use billing_core::documents::{amount_in_words, InvoiceBuyer};
use billing_core::paperwork::RequisitesForm;
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::{Actor, ErrorCode, ServiceCode};
use billing_engine::memory::ManualClock;
use billing_engine::paperwork::SellerDetails;
use billing_engine::{Engine, EngineConfig, EngineError, Ports};
use billing_store::MemoryStore;
use chrono::TimeZone;
use chrono::Utc;

fn seller() -> SellerDetails {
    SellerDetails {
        requisites: RequisitesForm {
            tax_id: "32855961".into(),
            iban: "UA213223130000026007233566001".into(),
            name: "ТОВ «Хорошоп»".into(),
            address: "01001, м. Київ, вул. Хрещатик, 1".into(),
            director: Some("Коваль Олена Іванівна".into()),
            vat_number: Some("328559626541".into()),
            single_tax_group: None,
        },
        contract: "Договір публічної оферти".into(),
        signatory_position: Some("Директор".into()),
        signatory_name: Some("Коваль О. І.".into()),
    }
}

fn buyer_form() -> RequisitesForm {
    RequisitesForm {
        tax_id: "3652504575".into(),
        iban: "UA743052990000026007233566001".into(),
        name: "ФОП Петренко Олена Іванівна".into(),
        address: "79000, м. Львів, вул. Зелена, 5".into(),
        director: None,
        vat_number: None,
        single_tax_group: Some(3),
    }
}

async fn setup(with_seller: bool, with_requisites: bool) -> (Engine, ServiceCode, String) {
    let now = KYIV
        .with_ymd_and_hms(2026, 1, 15, 10, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc);
    let mut ports = Ports::with_store(Arc::new(MemoryStore::new()));
    ports.clock = Arc::new(ManualClock::new(now));
    let mut config = EngineConfig::with_defaults("memory");
    config.seller = with_seller.then(seller);
    let engine = Engine::new(config, ports);
    let code: ServiceCode = "11111".parse().unwrap();
    let owner = OwnerContact {
        full_name: "Олена Петренко".parse().unwrap(),
        email: "olena@shop.ua".parse().unwrap(),
        phone: "050 123 45 67".parse().unwrap(),
    };
    engine
        .open_project(
            code,
            owner,
            &TariffCode::new("business").unwrap(),
            BillingPeriod::Monthly,
        )
        .await
        .unwrap();
    if with_requisites {
        engine
            .save_requisites(code, &Actor::Owner, buyer_form())
            .await
            .unwrap();
    }
    let number = engine.billing_section(code).await.unwrap().invoices[0]
        .number
        .to_string();
    (engine, code, number)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Decodes the one QR code among the PDF's images (one pixel per module, enlarged 4 times).
fn decoded_qr(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut found = Vec::new();
    for (_, page) in doc.get_pages() {
        for image in doc.get_page_images(page).unwrap() {
            let stream = doc.get_object(image.id).unwrap().as_stream().unwrap();
            let pixels = stream.decompressed_content().unwrap();
            let (w, h) = (image.width as usize, image.height as usize);
            const K: usize = 4;
            let mut img = rqrr::PreparedImage::prepare_from_greyscale(w * K, h * K, |x, y| {
                pixels[(y / K) * w + x / K]
            });
            for grid in img.detect_grids() {
                found.push(grid.decode().expect("the QR code decodes").1);
            }
        }
    }
    found
}

#[tokio::test]
async fn the_invoice_pdf_has_both_parties_the_amounts_and_the_payment_qr() {
    let (engine, code, number) = setup(true, true).await;
    let doc = engine.invoice_document(code, &number).await.unwrap();
    let invoice = engine
        .project(code)
        .await
        .unwrap()
        .account()
        .invoice(&number.parse().unwrap())
        .cloned()
        .unwrap();
    assert_eq!(doc.number.to_string(), number);
    assert_eq!(doc.total, invoice.total);
    assert_eq!(doc.issue_date, invoice.issued_on);
    assert_eq!(doc.due_date, invoice.due_on);
    assert_eq!(doc.vat.amount(), invoice.vat);
    assert_eq!(doc.seller.tax_id.to_string(), "32855961");
    assert_eq!(doc.buyer.name(), "ФОП Петренко Олена Іванівна");
    assert_eq!(doc.buyer.party().unwrap().tax_id.to_string(), "3652504575");
    assert_eq!(doc.lines.len(), invoice.lines.len());
    assert_eq!(doc.lines[0].name, invoice.lines[0].description);
    assert!(doc.payment_purpose().contains(&number));
    let fields = doc.payment_qr.fields();
    assert_eq!(fields.iban, "UA213223130000026007233566001");
    assert_eq!(fields.amount, format!("UAH{}", invoice.total));

    let events = engine.audit_trail(code).await.unwrap().len();
    let pdf = engine.invoice_pdf(code, &number).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = squash(&pdf_extract::extract_text_from_mem(&pdf).unwrap());
    for needle in [
        number.as_str(),
        "ТОВ «Хорошоп»",
        "32855961",
        "UA213223130000026007233566001",
        "ФОП Петренко Олена Іванівна",
        "3652504575",
        &invoice.total.to_document_string(),
        &amount_in_words(invoice.total),
        &doc.vat_line(),
        &invoice.lines[0].description,
    ] {
        assert!(text.contains(&squash(needle)), "no {needle:?} in:\n{text}");
    }
    assert_eq!(decoded_qr(&pdf), vec![doc.payment_qr.url().unwrap()]);

    // The same invoice renders to the same bytes, and reading it changed nothing.
    assert_eq!(engine.invoice_pdf(code, &number).await.unwrap(), pdf);
    assert_eq!(engine.audit_trail(code).await.unwrap().len(), events);
}

#[tokio::test]
async fn refusals_have_stable_codes() {
    let (engine, code, number) = setup(true, true).await;
    let events = engine.audit_trail(code).await.unwrap().len();

    let unknown = engine.invoice_pdf(code, "HOR-11111-099").await.unwrap_err();
    assert_eq!(unknown.code(), "invoice.unknown");
    assert!(matches!(unknown, EngineError::Refused(_)));

    let malformed = engine.invoice_pdf(code, "HOR-1-7").await.unwrap_err();
    assert_eq!(malformed.code(), "service_code.length", "{malformed:?}");
    assert!(matches!(malformed, EngineError::Invalid(_)));
    assert!(malformed.is_invalid_input());
    let malformed = engine.invoice_pdf(code, "invoice 7").await.unwrap_err();
    assert!(malformed.is_invalid_input(), "{malformed:?}");

    // Another project's invoice number is not this project's invoice.
    let e = engine.invoice_pdf(code, "HOR-22222-001").await.unwrap_err();
    assert_eq!(e.code(), "invoice.unknown");

    let other: ServiceCode = "22222".parse().unwrap();
    let missing = engine.invoice_pdf(other, &number).await.unwrap_err();
    assert_eq!(missing.code(), "project.not_found");
    assert_eq!(engine.audit_trail(code).await.unwrap().len(), events);

    let (no_seller, code, number) = setup(false, true).await;
    let e = no_seller.invoice_pdf(code, &number).await.unwrap_err();
    assert_eq!(e.code(), "engine.config");

    // Without a seller, an invoice without requisites is refused the same way.
    let (no_seller, code, number) = setup(false, false).await;
    let e = no_seller.invoice_pdf(code, &number).await.unwrap_err();
    assert_eq!(e.code(), "engine.config");
}

#[tokio::test]
async fn without_requisites_the_invoice_is_addressed_to_the_owner() {
    let (engine, code, number) = setup(true, false).await;
    let events = engine.audit_trail(code).await.unwrap().len();
    let doc = engine.invoice_document(code, &number).await.unwrap();
    assert_eq!(
        doc.buyer,
        InvoiceBuyer::Person {
            name: "Олена Петренко".parse().unwrap(),
            email: "olena@shop.ua".parse().unwrap(),
        }
    );

    let pdf = engine.invoice_pdf(code, &number).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = squash(&pdf_extract::extract_text_from_mem(&pdf).unwrap());
    let invoice = engine
        .project(code)
        .await
        .unwrap()
        .account()
        .invoice(&number.parse().unwrap())
        .cloned()
        .unwrap();
    for needle in [
        number.as_str(),
        "Платник: Олена Петренко",
        "olena@shop.ua",
        "ТОВ «Хорошоп»",
        "Код ЄДРПОУ 32855961",
        "UA213223130000026007233566001",
        &invoice.total.to_document_string(),
        &amount_in_words(invoice.total),
        &doc.vat_line(),
        &invoice.lines[0].description,
    ] {
        assert!(
            text.contains(&squash(needle)),
            "no {needle:?} in:
{text}"
        );
    }
    // Only the seller's ЄДРПОУ: the buyer has no tax id line (and no IBAN of its own).
    assert_eq!(text.matches("ЄДРПОУ").count(), 1, "{text}");
    assert!(!text.contains("РНОКПП"), "{text}");
    // The QR code is the seller's and the same as once requisites are saved.
    assert_eq!(decoded_qr(&pdf), vec![doc.payment_qr.url().unwrap()]);
    assert_eq!(engine.audit_trail(code).await.unwrap().len(), events);

    engine
        .save_requisites(code, &Actor::Owner, buyer_form())
        .await
        .unwrap();
    let with_requisites = engine.invoice_document(code, &number).await.unwrap();
    assert_eq!(with_requisites.buyer.name(), "ФОП Петренко Олена Іванівна");
    assert_eq!(with_requisites.payment_qr, doc.payment_qr);
    let text = squash(
        &pdf_extract::extract_text_from_mem(&engine.invoice_pdf(code, &number).await.unwrap())
            .unwrap(),
    );
    assert!(text.contains("РНОКПП3652504575"), "{text}");
    assert!(!text.contains("olena@shop.ua"), "{text}");
}
