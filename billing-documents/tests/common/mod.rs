//! Sample documents and readers for the PDF tests: text extraction (`pdf-extract`), the embedded
//! images (`lopdf`) and QR decoding (`rqrr`), all independent of the code under test.

#![allow(dead_code)]

use billing_core::documents::{
    ActDocument, DocumentLine, InvoiceDocument, Party, Signatory, TaxStatus,
};
use billing_core::invoice::VatRate;
use billing_core::{BillingMonth, NbuQrFormat};
use chrono::NaiveDate;
use rust_decimal::Decimal;

pub fn seller() -> Party {
    Party {
        name: "ТОВ «Хорошоп»".into(),
        tax_id: "32855961".parse().unwrap(),
        iban: Some("UA213223130000026007233566001".parse().unwrap()),
        address: "01001, м. Київ, вул. Хрещатик, буд. 1, офіс 7".into(),
        tax_status: TaxStatus::vat_payer("328559626541").unwrap(),
    }
}

pub fn buyer() -> Party {
    Party {
        name: "ФОП Петренко Олена Іванівна".into(),
        tax_id: "3652504575".parse().unwrap(),
        iban: Some("UA743052990000026007233566001".parse().unwrap()),
        address: "79000, м. Львів, вул. Зелена, буд. 5, кв. 12".into(),
        tax_status: TaxStatus::single_tax(3).unwrap(),
    }
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn line(name: &str, unit: &str, qty: i64, price: &str) -> DocumentLine {
    DocumentLine::new(name, unit, Decimal::from(qty), price.parse().unwrap()).unwrap()
}

pub fn sample_lines() -> Vec<DocumentLine> {
    vec![
        line("Тариф «Бізнес», січень 2026 р.", "міс.", 1, "1200"),
        line("Додаткові 1 000 товарів", "послуга", 2, "150.50"),
    ]
}

pub fn invoice(vat: VatRate, lines: Vec<DocumentLine>, format: NbuQrFormat) -> InvoiceDocument {
    let mut seller = seller();
    if vat == VatRate::None {
        seller.tax_status = TaxStatus::NotVatPayer;
    }
    InvoiceDocument::new(
        "HOR-11111-007".parse().unwrap(),
        date(2026, 1, 15),
        date(2026, 1, 25),
        seller,
        buyer(),
        lines,
        vat,
        format,
    )
    .unwrap()
}

pub fn act(vat: VatRate) -> ActDocument {
    let mut act = ActDocument::new(
        "A-11111-2026-01".into(),
        date(2026, 1, 31),
        BillingMonth::new(2026, 1).unwrap(),
        "Договір публічної оферти від 01.01.2025".into(),
        seller(),
        buyer(),
        sample_lines(),
        vat,
    )
    .unwrap();
    act.seller_signatory = Some(Signatory {
        position: "Директор".into(),
        name: "Іваненко І. І.".into(),
    });
    act
}

/// The PDF's text with all white space removed: text extraction does not keep the spaces between
/// wrapped lines and separate runs reliably, so texts are compared without it.
pub fn squashed_text(pdf: &[u8]) -> String {
    squash(&pdf_extract::extract_text_from_mem(pdf).expect("the PDF's text extracts"))
}

/// `s` without white space.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Asserts that the squashed text holds each needle (squashed too).
pub fn assert_has(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(
            text.contains(&squash(n)),
            "the PDF text lacks {n:?}:\n{text}"
        );
    }
}

/// The number of pages.
pub fn page_count(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).unwrap().get_pages().len()
}

/// Every image on every page, as (width, height, 8-bit gray pixels), decoded from the PDF itself.
pub fn gray_images(pdf: &[u8]) -> Vec<(usize, usize, Vec<u8>)> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut out = Vec::new();
    for (_, page) in doc.get_pages() {
        for image in doc.get_page_images(page).unwrap() {
            assert_eq!(image.bits_per_component, Some(8));
            assert_eq!(image.color_space.as_deref(), Some("DeviceGray"));
            let stream = doc.get_object(image.id).unwrap().as_stream().unwrap();
            let pixels = stream.decompressed_content().unwrap();
            let (w, h) = (image.width as usize, image.height as usize);
            assert_eq!(pixels.len(), w * h);
            out.push((w, h, pixels));
        }
    }
    out
}

/// Decodes the one QR code in a gray raster of one pixel per module, enlarged 4 times first (by
/// repeating pixels, as a viewer draws an image without interpolation).
pub fn decode_qr(w: usize, h: usize, pixels: &[u8]) -> String {
    const K: usize = 4;
    let (bw, bh) = (w * K, h * K);
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(bw, bh, |x, y| pixels[(y / K) * w + x / K]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    let (_, content) = grids[0].decode().expect("the QR code decodes");
    content
}

/// The embedded font programs' sizes in bytes.
pub fn font_program_sizes(pdf: &[u8]) -> Vec<usize> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut sizes = Vec::new();
    for obj in doc.objects.values() {
        if let Ok(dict) = obj.as_dict() {
            if let Ok(file) = dict.get(b"FontFile2") {
                let id = file.as_reference().unwrap();
                let stream = doc.get_object(id).unwrap().as_stream().unwrap();
                sizes.push(stream.decompressed_content().unwrap().len());
            }
        }
    }
    sizes
}
