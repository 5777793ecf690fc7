//! A small page layout: documents are laid out as a list of drawing operations per A4 page (text
//! runs, rules, filled boxes, the QR image), with wrapping, tables that repeat their header on a new
//! page, and blocks kept together; then the pages are written with krilla.

use std::sync::Arc;

use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::{Document, SerializeSettings};

use crate::fonts::{Face, BOLD, REGULAR};
use crate::qr::QrImage;
use crate::RenderError;

/// A4 width in points.
pub(crate) const PAGE_W: f32 = 595.28;
/// A4 height in points.
pub(crate) const PAGE_H: f32 = 841.89;
/// The left and right margins (15 mm).
pub(crate) const MARGIN: f32 = 42.5;
const TOP: f32 = 40.0;
const BOTTOM: f32 = 50.0;
/// The width between the margins.
pub(crate) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;

/// Regular or bold.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

impl Weight {
    fn face(self) -> &'static Face {
        match self {
            Weight::Regular => &REGULAR,
            Weight::Bold => &BOLD,
        }
    }
}

/// How a cell's text sits in its column.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// One drawing operation; coordinates in points from the page's top left, y downwards.
#[derive(Clone, Debug)]
enum Op {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        weight: Weight,
        gray: u8,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        gray: u8,
    },
    Fill {
        rect: (f32, f32, f32, f32),
        gray: u8,
    },
    Image {
        x: f32,
        y: f32,
        side: f32,
        image: Arc<QrImage>,
    },
    Disc {
        cx: f32,
        cy: f32,
        r: f32,
        gray: u8,
    },
}

/// A text style: size, weight, gray level (0 black).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    pub size: f32,
    pub weight: Weight,
    pub gray: u8,
}

impl Style {
    /// Regular black text.
    pub const fn regular(size: f32) -> Style {
        Style {
            size,
            weight: Weight::Regular,
            gray: 0,
        }
    }

    /// Bold black text.
    pub const fn bold(size: f32) -> Style {
        Style {
            size,
            weight: Weight::Bold,
            gray: 0,
        }
    }

    /// The same style in gray.
    pub const fn gray(self, gray: u8) -> Style {
        Style { gray, ..self }
    }

    /// The distance between two baselines.
    pub fn leading(&self) -> f32 {
        self.size * 1.3
    }

    /// The width of `text` in this style.
    pub fn width(&self, text: &str) -> f32 {
        self.weight.face().width(text, self.size)
    }
}

/// A table column.
pub(crate) struct Column<'a> {
    pub title: &'a str,
    pub width: f32,
    pub align: Align,
}

/// Breaks `text` into lines no wider than `width`: at spaces, and inside a word only when the word
/// alone is too wide.
pub(crate) fn wrap(text: &str, style: Style, width: f32) -> Vec<String> {
    let space = style.width(" ");
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0.0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word_w = style.width(word);
        if !line.is_empty() && line_w + space + word_w <= width {
            line.push(' ');
            line.push_str(word);
            line_w += space + word_w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if word_w <= width {
            line.push_str(word);
            line_w = word_w;
        } else {
            line_w = 0.0;
            for c in word.chars() {
                let c_w = style.width(c.encode_utf8(&mut [0; 4]));
                if line_w + c_w > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                line.push(c);
                line_w += c_w;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The pages being laid out and the cursor: `y` is the top of the next block on the last page.
pub(crate) struct Canvas {
    pages: Vec<Vec<Op>>,
    /// The top of the next block.
    pub y: f32,
}

impl Canvas {
    /// One empty page, the cursor at the top margin.
    pub fn new() -> Canvas {
        Canvas {
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        // Never empty: created with one page, pages are only added.
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page; the cursor goes to its top.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Makes room for a block `height` high: a new page when it does not fit on this one (unless
    /// this page is still empty). Returns whether a page was started.
    pub fn ensure(&mut self, height: f32) -> bool {
        if self.y + height > PAGE_H - BOTTOM && !self.ops().is_empty() {
            self.new_page();
            return true;
        }
        false
    }

    /// Moves the cursor down.
    pub fn skip(&mut self, dy: f32) {
        self.y += dy;
    }

    /// Draws one run of text with its baseline at `baseline`.
    pub fn text_at(&mut self, x: f32, baseline: f32, style: Style, text: &str) {
        if text.is_empty() {
            return;
        }
        self.ops().push(Op::Text {
            x,
            baseline,
            size: style.size,
            weight: style.weight,
            gray: style.gray,
            text: text.to_string(),
        });
    }

    /// Draws one run aligned in the span `x .. x + width`.
    pub fn text_aligned(
        &mut self,
        x: f32,
        width: f32,
        baseline: f32,
        style: Style,
        align: Align,
        text: &str,
    ) {
        let x = match align {
            Align::Left => x,
            Align::Center => x + (width - style.width(text)) / 2.0,
            Align::Right => x + width - style.width(text),
        };
        self.text_at(x, baseline, style, text);
    }

    /// A wrapped paragraph at the cursor, breaking pages between lines; the cursor ends below it.
    pub fn paragraph(&mut self, x: f32, width: f32, style: Style, align: Align, text: &str) {
        for line in wrap(text, style, width) {
            self.ensure(style.leading());
            let baseline = self.y + style.size;
            self.text_aligned(x, width, baseline, style, align, &line);
            self.y += style.leading();
        }
    }

    /// A horizontal rule at `y`.
    pub fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32, gray: u8) {
        self.line(x1, y, x2, y, width, gray);
    }

    /// A straight line.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, gray: u8) {
        self.ops().push(Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            gray,
        });
    }

    /// A filled box.
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, gray: u8) {
        self.ops().push(Op::Fill {
            rect: (x, y, w, h),
            gray,
        });
    }

    /// The rectangle's four sides.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32, gray: u8) {
        self.hline(x, x + w, y, width, gray);
        self.hline(x, x + w, y + h, width, gray);
        self.line(x, y, x, y + h, width, gray);
        self.line(x + w, y, x + w, y + h, width, gray);
    }

    /// A filled circle.
    pub fn disc(&mut self, cx: f32, cy: f32, r: f32, gray: u8) {
        self.ops().push(Op::Disc { cx, cy, r, gray });
    }

    /// The QR image, `side` points square, top left at (`x`, `y`).
    pub fn image(&mut self, x: f32, y: f32, side: f32, image: Arc<QrImage>) {
        self.ops().push(Op::Image { x, y, side, image });
    }

    /// A table with a shaded header row that repeats on every page it spans; cells wrap inside
    /// their columns. The cursor ends below the table.
    pub fn table(&mut self, columns: &[Column<'_>], rows: &[Vec<String>], style: Style) {
        const PAD: f32 = 3.5;
        let head = Style::bold(style.size);
        let total_w: f32 = columns.iter().map(|c| c.width).sum();
        let header: Vec<String> = columns.iter().map(|c| c.title.to_string()).collect();
        let layout = |row: &[String], style: Style| -> (Vec<Vec<String>>, f32) {
            let cells: Vec<Vec<String>> = row
                .iter()
                .zip(columns)
                .map(|(text, col)| wrap(text, style, col.width - 2.0 * PAD))
                .collect();
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1);
            (cells, lines as f32 * style.leading() + 2.0 * PAD)
        };
        let (head_cells, head_h) = layout(&header, head);
        let draw_row = |canvas: &mut Canvas, cells: &[Vec<String>], h: f32, style: Style, shade| {
            let top = canvas.y;
            if shade {
                canvas.fill(MARGIN, top, total_w, h, 232);
            }
            let mut x = MARGIN;
            for (lines, col) in cells.iter().zip(columns) {
                for (i, line) in lines.iter().enumerate() {
                    let baseline = top + PAD + style.size + i as f32 * style.leading();
                    canvas.text_aligned(
                        x + PAD,
                        col.width - 2.0 * PAD,
                        baseline,
                        style,
                        col.align,
                        line,
                    );
                }
                canvas.line(x, top, x, top + h, 0.5, 0);
                x += col.width;
            }
            canvas.line(x, top, x, top + h, 0.5, 0);
            canvas.hline(MARGIN, MARGIN + total_w, top, 0.5, 0);
            canvas.hline(MARGIN, MARGIN + total_w, top + h, 0.5, 0);
            canvas.y = top + h;
        };
        self.ensure(head_h + style.leading() + 2.0 * PAD);
        draw_row(self, &head_cells, head_h, head, true);
        for row in rows {
            let (cells, h) = layout(row, style);
            if self.ensure(h) {
                draw_row(self, &head_cells, head_h, head, true);
            }
            draw_row(self, &cells, h, style, false);
        }
    }

    /// Writes the pages as a PDF: A4, the fonts subset and embedded, page numbers when there is
    /// more than one page.
    pub fn finish(mut self, title: &str) -> Result<Vec<u8>, RenderError> {
        let count = self.pages.len();
        if count > 1 {
            for (i, page) in self.pages.iter_mut().enumerate() {
                let text = format!("Сторінка {} з {count}", i + 1);
                let style = Style::regular(7.5).gray(110);
                page.push(Op::Text {
                    x: PAGE_W - MARGIN - style.width(&text),
                    baseline: PAGE_H - BOTTOM / 2.0,
                    size: style.size,
                    weight: style.weight,
                    gray: style.gray,
                    text,
                });
            }
        }
        let settings = SerializeSettings {
            xmp_metadata: false,
            enable_tagging: false,
            ..SerializeSettings::default()
        };
        let mut document = Document::new_with(settings);
        document.set_metadata(
            Metadata::new()
                .title(title.to_string())
                .language("uk-UA".to_string())
                .creator("billing-documents".to_string()),
        );
        let a4 = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| RenderError::Pdf("page size".into()))?;
        for ops in &self.pages {
            let mut page = document.start_page_with(a4.clone());
            let mut surface = page.surface();
            for op in ops {
                draw(&mut surface, op)?;
            }
            surface.finish();
            page.finish();
        }
        document
            .finish()
            .map_err(|e| RenderError::Pdf(format!("{e:?}")))
    }
}

fn gray_fill(gray: u8) -> Fill {
    Fill {
        paint: luma::Color::new(gray).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw(surface: &mut Surface<'_>, op: &Op) -> Result<(), RenderError> {
    match op {
        Op::Text {
            x,
            baseline,
            size,
            weight,
            gray,
            text,
        } => {
            let face = weight.face();
            surface.set_fill(Some(gray_fill(*gray)));
            surface.set_stroke(None);
            surface.draw_glyphs(
                Point::from_xy(*x, *baseline),
                &face.glyphs(text),
                face.pdf.clone(),
                text,
                *size,
                false,
            );
        }
        Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            gray,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y1);
            pb.line_to(*x2, *y2);
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: luma::Color::new(*gray).into(),
                    width: *width,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
            }
        }
        Op::Fill { rect, gray } => {
            let (x, y, w, h) = *rect;
            let mut pb = PathBuilder::new();
            if let Some(r) = Rect::from_xywh(x, y, w, h) {
                pb.push_rect(r);
            }
            if let Some(path) = pb.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(gray_fill(*gray)));
                surface.draw_path(&path);
            }
        }
        Op::Disc { cx, cy, r, gray } => {
            // Four cubic arcs; 0.5523 is the usual control-point factor for a quarter circle.
            let k = 0.552_284_8 * r;
            let (cx, cy, r) = (*cx, *cy, *r);
            let mut pb = PathBuilder::new();
            pb.move_to(cx + r, cy);
            pb.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
            pb.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
            pb.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
            pb.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
            pb.close();
            if let Some(path) = pb.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(gray_fill(*gray)));
                surface.draw_path(&path);
            }
        }
        Op::Image { x, y, side, image } => {
            let pdf_image = Image::from_custom(image.pixels(), false).map_err(RenderError::Pdf)?;
            let size =
                Size::from_wh(*side, *side).ok_or_else(|| RenderError::Pdf("image size".into()))?;
            surface.push_transform(&krilla::geom::Transform::from_translate(*x, *y));
            surface.draw_image(pdf_image, size);
            surface.pop();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_inside_long_words() {
        let style = Style::regular(10.0);
        let lines = wrap("Оплата за рахунком № HOR-11111-007, без ПДВ", style, 120.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| style.width(l) <= 120.0));
        assert_eq!(
            lines.join(" "),
            "Оплата за рахунком № HOR-11111-007, без ПДВ"
        );
        let long = "UA213223130000026007233566001";
        let parts = wrap(long, style, 50.0);
        assert!(parts.len() > 1 && parts.concat() == long);
        assert_eq!(wrap("", style, 50.0), vec![String::new()]);
    }

    #[test]
    fn tables_break_pages_and_repeat_the_header() {
        let mut c = Canvas::new();
        let cols = [
            Column {
                title: "Найменування",
                width: 300.0,
                align: Align::Left,
            },
            Column {
                title: "Сума",
                width: 100.0,
                align: Align::Right,
            },
        ];
        let rows: Vec<Vec<String>> = (0..80)
            .map(|i| vec![format!("Послуга {i}"), "1,00".to_string()])
            .collect();
        c.table(&cols, &rows, Style::regular(9.0));
        assert!(c.pages.len() >= 2);
        let headers = c
            .pages
            .iter()
            .filter(|p| {
                p.iter()
                    .any(|op| matches!(op, Op::Text { text, .. } if text == "Найменування"))
            })
            .count();
        assert_eq!(headers, c.pages.len(), "each page repeats the header");
        let pdf = c.finish("test").unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
