//! The act PDF: its text holds the act's number, period, contract, parties, services, totals, VAT,
//! the amount in words and both signature places.

mod common;

use billing_core::invoice::VatRate;
use billing_core::ErrorCode;
use billing_documents::render_act_pdf;
use common::*;

#[test]
fn text_holds_everything_an_act_states() {
    let act = act(VatRate::Standard20);
    let pdf = render_act_pdf(&act).unwrap();
    assert_eq!(page_count(&pdf), 1);
    assert!(gray_images(&pdf).is_empty(), "an act has no QR code");
    let text = squashed_text(&pdf);
    assert_has(
        &text,
        &[
            "Акт наданих послуг № A-11111-2026-01 від 31 січня 2026 р.",
            "за період: січень 2026 р.",
            "Договір публічної оферти від 01.01.2025",
            "Виконавець:",
            "Замовник:",
            "ТОВ «Хорошоп»",
            "Код ЄДРПОУ 32855961",
            "IBAN UA213223130000026007233566001",
            "Платник ПДВ, ІПН 328559626541",
            "ФОП Петренко Олена Іванівна",
            "РНОКПП 3652504575",
            "Платник єдиного податку 3 групи",
            "Тариф «Бізнес», січень 2026 р.",
            "Додаткові 1 000 товарів",
            "Разом: 1 501,00 грн",
            "у т.ч. ПДВ 20%: 250,17 грн",
            "Загальна вартість: 1 501,00 грн",
            "Загальна вартість наданих послуг: Одна тисяча п'ятсот одна гривня 00 копійок",
            "Замовник претензій щодо обсягу, якості та строків надання послуг не має.",
            "Від Виконавця",
            "Від Замовника",
            "Директор",
            "/ Іваненко І. І. /",
            "(підпис)",
            "(посада, ПІБ)",
        ],
    );
}

#[test]
fn without_vat_and_refusals() {
    let mut act = act(VatRate::None);
    let text = squashed_text(&render_act_pdf(&act).unwrap());
    assert_has(&text, &["Без ПДВ"]);
    act.period = billing_core::BillingMonth::new(2026, 2).unwrap();
    let err = render_act_pdf(&act).unwrap_err();
    assert_eq!(err.code(), "document.act_before_period");
}
