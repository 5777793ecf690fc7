//! The invoice's layout: heading, parties, lines, totals, the amount in words, and the payment block
//! with the QR code and the instructions.

use std::sync::Arc;

use billing_core::documents::{date_long, InvoiceDocument};

use crate::layout::{wrap, Align, Canvas, Style, CONTENT_W, MARGIN};
use crate::parts::{in_words, lines_table, parties, totals, BODY};
use crate::qr::{sign_placement, QrImage};

/// The QR code's printed side in points (about 42 mm).
const QR_SIDE: f32 = 120.0;
const PAD: f32 = 10.0;

/// Lays the invoice out on as many A4 pages as its lines need.
pub(crate) fn layout(doc: &InvoiceDocument, qr: Arc<QrImage>) -> Canvas {
    let mut c = Canvas::new();
    c.paragraph(
        MARGIN,
        CONTENT_W,
        Style::bold(14.0),
        Align::Left,
        &doc.title(),
    );
    c.skip(2.0);
    c.paragraph(
        MARGIN,
        CONTENT_W,
        Style::regular(BODY),
        Align::Left,
        &format!("Сплатити до: {} включно", date_long(doc.due_date)),
    );
    c.skip(6.0);
    c.hline(MARGIN, MARGIN + CONTENT_W, c.y, 1.2, 0);
    c.skip(8.0);
    parties(
        &mut c,
        &[
            ("Постачальник:", doc.seller.requisite_lines()),
            ("Платник:", doc.buyer.requisite_lines()),
        ],
    );
    c.skip(4.0);
    lines_table(&mut c, &doc.lines);
    totals(&mut c, doc.total, &doc.vat, "Всього до сплати");
    in_words(
        &mut c,
        doc.lines.len(),
        doc.total,
        &doc.total_in_words(),
        "Сума прописом: ",
    );
    c.skip(12.0);
    payment_block(&mut c, doc, qr);
    c
}

/// A framed block: the QR code on the left with a caption, the instructions on the right.
fn payment_block(c: &mut Canvas, doc: &InvoiceDocument, qr: Arc<QrImage>) {
    let head = Style::bold(10.0);
    let body = Style::regular(BODY);
    let warn = Style::bold(BODY);
    let text_x = MARGIN + PAD + QR_SIDE + PAD;
    let text_w = MARGIN + CONTENT_W - PAD - text_x;
    let mut lines: Vec<(Style, String, f32)> = vec![(head, "Як оплатити".to_string(), 3.0)];
    for (i, paragraph) in doc.payment_instructions().iter().enumerate() {
        let style = if i == 1 { warn } else { body };
        for line in wrap(paragraph, style, text_w) {
            lines.push((style, line, 0.0));
        }
        if let Some(last) = lines.last_mut() {
            last.2 = 3.0;
        }
    }
    let text_h: f32 = lines.iter().map(|(s, _, gap)| s.leading() + gap).sum();
    let caption = Style::regular(7.0).gray(90);
    let qr_h = QR_SIDE + caption.leading() + 2.0;
    let height = text_h.max(qr_h) + 2.0 * PAD;
    c.ensure(height);
    let top = c.y;
    c.frame(MARGIN, top, CONTENT_W, height, 0.8, 150);
    qr_with_sign(c, MARGIN + PAD, top + PAD, qr);
    c.text_aligned(
        MARGIN + PAD,
        QR_SIDE,
        top + PAD + QR_SIDE + caption.size + 1.0,
        caption,
        Align::Center,
        "QR-код НБУ для оплати",
    );
    let mut y = top + PAD;
    for (style, line, gap) in &lines {
        c.text_at(text_x, y + style.size, *style, line);
        y += style.leading() + gap;
    }
    c.y = top + height;
}

/// The QR raster, and over it the white circle with the hryvnia sign, as vector graphics.
fn qr_with_sign(c: &mut Canvas, x: f32, y: f32, qr: Arc<QrImage>) {
    let sign = sign_placement(&qr, QR_SIDE);
    c.image(x, y, QR_SIDE, qr);
    c.disc(x + sign.cx, y + sign.cy, sign.r, 255);
    c.text_at(x + sign.x, y + sign.baseline, Style::bold(sign.size), "₴");
}
