//! The embedded fonts: DejaVu Sans regular and bold (Bitstream Vera licence, `fonts/LICENSE`).
//!
//! The files are compiled in, parsed once per process, and each PDF embeds a subset with only the
//! glyphs it uses. Text is laid out here from the font's own character map and advances, so what
//! is measured (for wrapping and right alignment) is exactly what is drawn.

use std::sync::LazyLock;

use ab_glyph::{Font as _, FontRef};
use krilla::text::{Font, GlyphId, KrillaGlyph};

/// DejaVu Sans 2.37, regular.
pub(crate) static REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// DejaVu Sans 2.37, bold.
pub(crate) static BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// One face: the PDF font and its metrics.
pub(crate) struct Face {
    /// The font krilla embeds (a cheap handle; the data is shared).
    pub pdf: Font,
    /// The parsed font, for the character map, advances and outlines.
    pub metrics: FontRef<'static>,
    units_per_em: f32,
    /// Glyph id and advance (per em) of every character below [`TABLE_END`], so that layout does
    /// not search the character map for each letter it measures.
    table: Vec<(u16, f32)>,
}

/// Characters below this (Latin, Greek, Cyrillic, general punctuation) are looked up in a table.
const TABLE_END: u32 = 0x2200;

impl Face {
    fn load(data: &'static [u8]) -> Face {
        // The files are part of the crate and checked by the tests; failing to parse them is a
        // build defect, not a runtime condition.
        let metrics = FontRef::try_from_slice(data).expect("embedded DejaVu font parses");
        let pdf = Font::new(data.into(), 0).expect("embedded DejaVu font loads");
        let units_per_em = metrics.units_per_em().unwrap_or(2048.0);
        let table = (0..TABLE_END)
            .map(|u| {
                let id = char::from_u32(u).map_or(ab_glyph::GlyphId(0), |c| metrics.glyph_id(c));
                (id.0, metrics.h_advance_unscaled(id) / units_per_em)
            })
            .collect();
        Face {
            pdf,
            metrics,
            units_per_em,
            table,
        }
    }

    /// The glyph id and advance per em of `c`.
    #[inline]
    fn glyph(&self, c: char) -> (u16, f32) {
        match self.table.get(c as usize) {
            Some(entry) => *entry,
            None => {
                let id = self.metrics.glyph_id(c);
                (
                    id.0,
                    self.metrics.h_advance_unscaled(id) / self.units_per_em,
                )
            }
        }
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum::<f32>() * size
    }

    /// The glyphs of `text`, one per character, with their advances normalised to the em.
    pub fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                let (id, advance) = self.glyph(c);
                KrillaGlyph::new(
                    GlyphId::new(u32::from(id)),
                    advance,
                    0.0,
                    0.0,
                    0.0,
                    i..i + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    /// The ink box of `c`'s glyph per em, y upwards from the baseline: (x min, y min, x max,
    /// y max).
    pub fn ink_bounds(&self, c: char) -> Option<(f32, f32, f32, f32)> {
        let b = self.metrics.outline(self.metrics.glyph_id(c))?.bounds;
        let u = self.units_per_em;
        // ab_glyph keeps the font's y values but names the top `min` (its y axis points down).
        let (y0, y1) = (b.min.y.min(b.max.y), b.min.y.max(b.max.y));
        Some((b.min.x / u, y0 / u, b.max.x / u, y1 / u))
    }

    /// Whether every character of `text` has a glyph (none falls back to `.notdef`).
    #[cfg(test)]
    pub fn covers(&self, text: &str) -> bool {
        text.chars()
            .all(|c| c.is_whitespace() || self.glyph(c).0 != 0)
    }
}

/// The regular face.
pub(crate) static REGULAR: LazyLock<Face> = LazyLock::new(|| Face::load(REGULAR_TTF));
/// The bold face.
pub(crate) static BOLD: LazyLock<Face> = LazyLock::new(|| Face::load(BOLD_TTF));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dejavu_covers_ukrainian_and_the_hryvnia_sign() {
        let text = "АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯабвгґдеєжзиіїйклмнопрстуфхцчшщьюя’'«»№₴–—";
        assert!(REGULAR.covers(text));
        assert!(BOLD.covers(text));
        assert!(!REGULAR.covers("\u{10FFFD}"));
        let (x0, y0, x1, y1) = BOLD.ink_bounds('₴').unwrap();
        assert!(
            x0 < x1 && -0.1 < y0 && y0 < 0.0 && 0.6 < y1 && y1 < 1.0,
            "{x0} {y0} {x1} {y1}"
        );
    }

    #[test]
    fn widths_add_up_and_scale() {
        let a = REGULAR.width("Рахунок", 10.0);
        let b = REGULAR.width("Рахунок на оплату", 10.0);
        assert!(a > 20.0 && b > a);
        assert!((REGULAR.width("Рахунок", 20.0) - 2.0 * a).abs() < 1e-3);
        assert!(BOLD.width("Рахунок", 10.0) > a, "bold is wider");
        // The table and the character map agree, inside the table and past it.
        for c in ['A', 'ї', '№', '₴', '→', '\u{FFFD}'] {
            let id = REGULAR.metrics.glyph_id(c);
            let advance = REGULAR.metrics.h_advance_unscaled(id) / REGULAR.units_per_em;
            assert_eq!(REGULAR.glyph(c), (id.0, advance), "{c}");
        }
    }
}
