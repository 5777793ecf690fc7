//! The act's layout: heading, parties, the preamble, services, totals, the amount in words, the
//! acceptance statement and both signature places.

use billing_core::documents::{ActDocument, Party, Signatory};

use crate::layout::{Align, Canvas, Style, CONTENT_W, MARGIN};
use crate::parts::{in_words, lines_table, parties, totals, BODY};

/// Lays the act out on as many A4 pages as its lines need.
pub(crate) fn layout(doc: &ActDocument) -> Canvas {
    let mut c = Canvas::new();
    let body = Style::regular(BODY);
    c.paragraph(
        MARGIN,
        CONTENT_W,
        Style::bold(13.0),
        Align::Center,
        &doc.title(),
    );
    c.paragraph(
        MARGIN,
        CONTENT_W,
        Style::regular(10.0),
        Align::Center,
        &format!("за період: {}", doc.period_text()),
    );
    c.skip(6.0);
    c.hline(MARGIN, MARGIN + CONTENT_W, c.y, 1.2, 0);
    c.skip(8.0);
    parties(
        &mut c,
        &[
            ("Виконавець:", doc.seller.requisite_lines()),
            ("Замовник:", doc.buyer.requisite_lines()),
        ],
    );
    c.skip(4.0);
    c.paragraph(MARGIN, CONTENT_W, body, Align::Left, &doc.preamble());
    c.skip(6.0);
    lines_table(&mut c, &doc.lines);
    totals(&mut c, doc.total, &doc.vat, "Загальна вартість");
    in_words(
        &mut c,
        doc.lines.len(),
        doc.total,
        &doc.total_in_words(),
        "Загальна вартість наданих послуг: ",
    );
    c.skip(4.0);
    c.paragraph(MARGIN, CONTENT_W, body, Align::Left, &doc.acceptance_text());
    c.skip(22.0);
    signatures(
        &mut c,
        [
            ("Від Виконавця", &doc.seller, doc.seller_signatory.as_ref()),
            ("Від Замовника", &doc.buyer, doc.buyer_signatory.as_ref()),
        ],
    );
    c
}

/// Two signature places side by side: who signs, a line to sign on, and the name under it.
fn signatures(c: &mut Canvas, sides: [(&str, &Party, Option<&Signatory>); 2]) {
    let body = Style::regular(BODY);
    let small = Style::regular(7.0).gray(90);
    let col_w = (CONTENT_W - 30.0) / 2.0;
    let height = 7.0 * body.leading() + 30.0;
    c.ensure(height);
    let top = c.y;
    for (i, (label, party, signatory)) in sides.into_iter().enumerate() {
        let x = MARGIN + i as f32 * (col_w + 30.0);
        let mut y = top;
        c.text_at(x, y + BODY, Style::bold(BODY), label);
        y += body.leading();
        for line in crate::layout::wrap(&party.name, body, col_w) {
            c.text_at(x, y + BODY, body, &line);
            y += body.leading();
        }
        let position = signatory.map_or("", |s| s.position.as_str());
        c.text_at(x, y + BODY, body, position);
        y += body.leading() + 24.0;
        c.hline(x, x + col_w * 0.55, y, 0.6, 0);
        let name = signatory.map_or(String::new(), |s| format!("/ {} /", s.name));
        c.text_at(x + col_w * 0.58, y - 2.0, body, &name);
        c.text_at(x, y + small.size + 1.0, small, "(підпис)");
        if signatory.is_none() {
            c.hline(x + col_w * 0.58, x + col_w, y, 0.6, 0);
            c.text_at(
                x + col_w * 0.58,
                y + small.size + 1.0,
                small,
                "(посада, ПІБ)",
            );
        }
    }
    c.y = top + height;
}
