//! Blocks that invoices and acts share: the parties' requisites, the lines table, the totals.

use billing_core::documents::{DocumentLine, Vat};
use billing_core::Money;

use crate::layout::{wrap, Align, Canvas, Column, Style, CONTENT_W, MARGIN};

/// The body text size.
pub(crate) const BODY: f32 = 9.0;
const LABEL_W: f32 = 95.0;

/// The parties, one under the other: a bold label (`Постачальник:`) and the requisite lines
/// ([`Party::requisite_lines`](billing_core::documents::Party::requisite_lines), or a buyer
/// without requisites' name and email), the first one (the name) in bold.
pub(crate) fn parties(canvas: &mut Canvas, parties: &[(&str, Vec<String>)]) {
    let body = Style::regular(BODY);
    let width = CONTENT_W - LABEL_W;
    for (label, requisites) in parties {
        let mut lines: Vec<(Style, String)> = Vec::new();
        for (i, text) in requisites.iter().enumerate() {
            let style = if i == 0 { Style::bold(BODY) } else { body };
            for line in wrap(text, style, width) {
                lines.push((style, line));
            }
        }
        let height = lines.len() as f32 * body.leading() + 6.0;
        canvas.ensure(height);
        let top = canvas.y;
        canvas.text_at(MARGIN, top + BODY, Style::bold(BODY).gray(70), label);
        for (i, (style, line)) in lines.iter().enumerate() {
            let baseline = top + BODY + i as f32 * body.leading();
            canvas.text_at(MARGIN + LABEL_W, baseline, *style, line);
        }
        canvas.y = top + height;
    }
}

/// The lines table: №, найменування, од., кількість, ціна, сума.
pub(crate) fn lines_table(canvas: &mut Canvas, lines: &[DocumentLine]) {
    let columns = [
        Column {
            title: "№",
            width: 24.0,
            align: Align::Center,
        },
        Column {
            title: "Найменування",
            width: CONTENT_W - 24.0 - 48.0 - 58.0 - 76.0 - 82.0,
            align: Align::Left,
        },
        Column {
            title: "Од.",
            width: 48.0,
            align: Align::Center,
        },
        Column {
            title: "Кількість",
            width: 58.0,
            align: Align::Right,
        },
        Column {
            title: "Ціна, грн",
            width: 76.0,
            align: Align::Right,
        },
        Column {
            title: "Сума, грн",
            width: 82.0,
            align: Align::Right,
        },
    ];
    let rows: Vec<Vec<String>> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                (i + 1).to_string(),
                l.name.clone(),
                l.unit.clone(),
                l.quantity_text(),
                l.price.to_grouped_string(),
                l.sum.to_grouped_string(),
            ]
        })
        .collect();
    canvas.table(&columns, &rows, Style::regular(BODY));
}

/// The totals, right-aligned under the table: `Разом`, the VAT line, and the amount due in bold.
pub(crate) fn totals(canvas: &mut Canvas, total: Money, vat: &Vat, due_label: &str) {
    let body = Style::regular(BODY);
    let strong = Style::bold(10.0);
    canvas.ensure(3.0 * body.leading() + strong.leading() + 6.0);
    canvas.skip(5.0);
    let rows = [
        (body, format!("Разом: {}", total.to_document_string())),
        (body, vat.line_text()),
        (
            strong,
            format!("{due_label}: {}", total.to_document_string()),
        ),
    ];
    for (style, text) in rows {
        canvas.text_aligned(
            MARGIN,
            CONTENT_W,
            canvas.y + style.size,
            style,
            Align::Right,
            &text,
        );
        canvas.skip(style.leading());
    }
}

/// `Всього найменувань N, на суму …` and the amount in words in bold.
pub(crate) fn in_words(canvas: &mut Canvas, count: usize, total: Money, words: &str, lead: &str) {
    let body = Style::regular(BODY);
    canvas.skip(4.0);
    canvas.paragraph(
        MARGIN,
        CONTENT_W,
        body,
        Align::Left,
        &format!(
            "Всього найменувань {count}, на суму {}.",
            total.to_document_string()
        ),
    );
    canvas.paragraph(
        MARGIN,
        CONTENT_W,
        Style::bold(10.0),
        Align::Left,
        &format!("{lead}{words}"),
    );
}
