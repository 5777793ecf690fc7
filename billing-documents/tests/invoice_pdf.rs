//! The invoice PDF: its text holds what a payer needs, and its QR image decodes to exactly the
//! payment URL the library built.

mod common;

use billing_core::documents::InvoiceBuyer;
use billing_core::invoice::VatRate;
use billing_core::{ErrorCode, NbuQrFormat};
use billing_documents::{payment_qr_image, render_invoice_pdf};
use common::*;

#[test]
fn text_holds_number_amounts_words_vat_and_both_parties() {
    let doc = invoice(VatRate::Standard20, sample_lines(), NbuQrFormat::V002);
    let pdf = render_invoice_pdf(&doc).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(page_count(&pdf), 1);
    let text = squashed_text(&pdf);
    assert_has(
        &text,
        &[
            "Рахунок на оплату № HOR-11111-007 від 15 січня 2026 р.",
            "Сплатити до: 25 січня 2026 р. включно",
            // lines
            "Тариф «Бізнес», січень 2026 р.",
            "міс.",
            "1 200,00",
            "Додаткові 1 000 товарів",
            "150,50",
            "301,00",
            // totals, VAT, words
            "Разом: 1 501,00 грн",
            "у т.ч. ПДВ 20%: 250,17 грн",
            "Всього до сплати: 1 501,00 грн",
            "Одна тисяча п'ятсот одна гривня 00 копійок",
            // the seller's requisites
            "ТОВ «Хорошоп»",
            "Код ЄДРПОУ 32855961",
            "IBAN UA213223130000026007233566001",
            "АТ «Укрексімбанк», МФО 322313",
            "01001, м. Київ, вул. Хрещатик, буд. 1, офіс 7",
            "Платник ПДВ, ІПН 328559626541",
            // the buyer's
            "ФОП Петренко Олена Іванівна",
            "РНОКПП 3652504575",
            "IBAN UA743052990000026007233566001",
            "МФО 305299",
            "79000, м. Львів, вул. Зелена, буд. 5, кв. 12",
            "Платник єдиного податку 3 групи",
            // the payment instructions name the invoice and warn
            "Призначення платежу: «Оплата за рахунком № HOR-11111-007, у т.ч. ПДВ 20% 250,17 грн»",
            "не буде зараховано автоматично",
        ],
    );
    assert_eq!(
        doc.total_in_words(),
        "Одна тисяча п'ятсот одна гривня 00 копійок"
    );
}

#[test]
fn without_vat_the_vat_line_says_so() {
    let doc = invoice(VatRate::None, sample_lines(), NbuQrFormat::V002);
    let text = squashed_text(&render_invoice_pdf(&doc).unwrap());
    assert_has(
        &text,
        &[
            "Без ПДВ",
            "Не є платником ПДВ",
            "Оплата за рахунком № HOR-11111-007, без ПДВ",
        ],
    );
    assert!(!text.contains("ПДВ20%"));
}

#[test]
fn the_qr_image_in_the_pdf_decodes_to_the_payment_url() {
    for format in [NbuQrFormat::V002, NbuQrFormat::V003] {
        let doc = invoice(VatRate::Standard20, sample_lines(), format);
        let pdf = render_invoice_pdf(&doc).unwrap();
        let images = gray_images(&pdf);
        assert_eq!(images.len(), 1, "one image: the QR code");
        let (w, h, pixels) = &images[0];
        let url = doc.payment_qr.url().unwrap();
        assert_eq!(decode_qr(*w, *h, pixels), url);
        assert!(url.starts_with(format.url_prefix()));
        // The embedded raster is exactly the one the library renders.
        let img = payment_qr_image(&doc.payment_qr).unwrap();
        assert_eq!((img.side_px as usize, img.side_px as usize), (*w, *h));
        assert_eq!(img.gray_pixels(), pixels.as_slice());
        assert_eq!(img.ec_level, 'M');
        assert!((10..=15).contains(&img.version), "version {}", img.version);
    }
}

#[test]
fn qr_images_decode_across_amounts_and_purposes() {
    let amounts = ["0.01", "1", "99.99", "1200", "15000.5", "999999.99"];
    let names = ["x", "Тариф «Бізнес»", &"Довга назва послуги ".repeat(6)];
    for (i, amount) in amounts.iter().enumerate() {
        for (j, name) in names.iter().enumerate() {
            let vat = if (i + j) % 2 == 0 {
                VatRate::Standard20
            } else {
                VatRate::None
            };
            let format = if i % 2 == 0 {
                NbuQrFormat::V002
            } else {
                NbuQrFormat::V003
            };
            let doc = invoice(vat, vec![line(name.trim(), "шт.", 1, amount)], format);
            let img = payment_qr_image(&doc.payment_qr).unwrap();
            let url = doc.payment_qr.url().unwrap();
            let decoded = decode_qr(
                img.side_px as usize,
                img.side_px as usize,
                img.gray_pixels(),
            );
            assert_eq!(decoded, url, "amount {amount}, format {format}");
            assert!(img.logo_modules >= 7, "the hryvnia circle is there");
        }
    }
}

#[test]
fn the_longest_seller_name_still_decodes() {
    let mut doc = invoice(VatRate::Standard20, sample_lines(), NbuQrFormat::V002);
    doc.seller.name = "Т".repeat(70);
    doc.payment_qr.receiver_name = doc.seller.name.clone();
    let pdf = render_invoice_pdf(&doc).unwrap();
    let (w, h, pixels) = &gray_images(&pdf)[0];
    assert_eq!(decode_qr(*w, *h, pixels), doc.payment_qr.url().unwrap());
}

#[test]
fn many_lines_flow_onto_more_pages() {
    let lines: Vec<_> = (1..=60)
        .map(|i| {
            line(
                &format!("Послуга номер {i} за січень 2026 р."),
                "послуга",
                1,
                "10",
            )
        })
        .collect();
    let doc = invoice(VatRate::None, lines, NbuQrFormat::V002);
    let pdf = render_invoice_pdf(&doc).unwrap();
    let pages = page_count(&pdf);
    assert!(pages >= 2, "{pages} pages");
    let text = squashed_text(&pdf);
    for i in 1..=60 {
        assert_has(&text, &[&format!("Послуга номер {i} за січень 2026 р.")]);
    }
    assert_has(
        &text,
        &["Всього до сплати: 600,00 грн", "Шістсот гривень 00 копійок"],
    );
    assert_has(&text, &[&format!("Сторінка {pages} з {pages}")]);
    let images = gray_images(&pdf);
    assert_eq!(images.len(), 1);
    let (w, h, pixels) = &images[0];
    assert_eq!(decode_qr(*w, *h, pixels), doc.payment_qr.url().unwrap());
}

#[test]
fn pdfs_are_small_deterministic_and_embed_font_subsets() {
    let doc = invoice(VatRate::Standard20, sample_lines(), NbuQrFormat::V002);
    let a = render_invoice_pdf(&doc).unwrap();
    let b = render_invoice_pdf(&doc).unwrap();
    assert_eq!(a, b, "the same document gives the same bytes");
    assert!(a.len() < 40_000, "{} bytes", a.len());
    let fonts = font_program_sizes(&a);
    assert_eq!(fonts.len(), 2, "regular and bold");
    let shipped = std::fs::metadata(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/DejaVuSans.ttf"))
        .unwrap()
        .len() as usize;
    assert!(
        fonts.iter().all(|s| *s * 4 < shipped),
        "subsets of the {shipped}-byte font, not whole fonts: {fonts:?}"
    );
}

#[test]
fn an_inconsistent_invoice_is_refused_with_its_code() {
    let mut doc = invoice(VatRate::Standard20, sample_lines(), NbuQrFormat::V002);
    doc.total = "1500".parse().unwrap();
    let err = render_invoice_pdf(&doc).unwrap_err();
    assert_eq!(err.code(), "document.total");
    assert!(err.is_invalid_input());

    let mut doc = invoice(VatRate::Standard20, sample_lines(), NbuQrFormat::V002);
    doc.payment_qr.invoice = "HOR-11111-008".parse().unwrap();
    assert_eq!(
        render_invoice_pdf(&doc).unwrap_err().code(),
        "document.qr_mismatch"
    );
}

#[test]
fn a_buyer_without_requisites_is_the_owner_by_name_and_email() {
    let with_requisites = invoice(VatRate::Standard20, sample_lines(), NbuQrFormat::V002);
    let mut doc = with_requisites.clone();
    doc.buyer = InvoiceBuyer::Person {
        name: "Олена Петренко".parse().unwrap(),
        email: "olena@shop.ua".parse().unwrap(),
    };
    let pdf = render_invoice_pdf(&doc).unwrap();
    assert_eq!(page_count(&pdf), 1);
    let text = squashed_text(&pdf);
    assert_has(
        &text,
        &[
            "Платник: Олена Петренко",
            "Ел. пошта: olena@shop.ua",
            // the seller, the totals, the words and the payment instructions are unchanged
            "Код ЄДРПОУ 32855961",
            "IBAN UA213223130000026007233566001",
            "Всього до сплати: 1 501,00 грн",
            "Одна тисяча п'ятсот одна гривня 00 копійок",
            "Призначення платежу: «Оплата за рахунком № HOR-11111-007, у т.ч. ПДВ 20% 250,17 грн»",
        ],
    );
    // No tax id, IBAN, address or tax status for the buyer: only the seller's are printed.
    assert_eq!(text.matches("ЄДРПОУ").count(), 1, "{text}");
    assert_eq!(
        text.matches("IBAN").count(),
        2,
        "the seller's and the instructions': {text}"
    );
    for absent in [
        "РНОКПП",
        "UA743052990000026007233566001",
        "Львів",
        "єдиного податку",
    ] {
        assert!(!text.contains(&squash(absent)), "{absent:?} in:\n{text}");
    }
    // The QR code is the seller's, the same as with requisites.
    let (w, h, pixels) = &gray_images(&pdf)[0];
    assert_eq!(
        decode_qr(*w, *h, pixels),
        with_requisites.payment_qr.url().unwrap()
    );
}
