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
}

impl Face {
    fn load(data: &'static [u8]) -> Face {
        // The files are part of the crate and checked by the tests; failing to parse them is a
        // build defect, not a runtime condition.
        let metrics = FontRef::try_from_slice(data).expect("embedded DejaVu font parses");
        let pdf = Font::new(data.into(), 0).expect("embedded DejaVu font loads");
        let units_per_em = metrics.units_per_em().unwrap_or(2048.0);
        Face {
            pdf,
            metrics,
            units_per_em,
        }
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.metrics.h_advance_unscaled(self.metrics.glyph_id(c)))
            .sum::<f32>()
            / self.units_per_em
            * size
    }

    /// The glyphs of `text`, one per character, with their advances normalised to the em.
    pub fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                let id = self.metrics.glyph_id(c);
                KrillaGlyph::new(
                    GlyphId::new(u32::from(id.0)),
                    self.metrics.h_advance_unscaled(id) / self.units_per_em,
                    0.0,
                    0.0,
                    0.0,
                    i..i + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    /// Whether every character of `text` has a glyph (none falls back to `.notdef`).
    #[cfg(test)]
    pub fn covers(&self, text: &str) -> bool {
        text.chars()
            .all(|c| c.is_whitespace() || self.metrics.glyph_id(c).0 != 0)
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
    }

    #[test]
    fn widths_add_up_and_scale() {
        let a = REGULAR.width("Рахунок", 10.0);
        let b = REGULAR.width("Рахунок на оплату", 10.0);
        assert!(a > 20.0 && b > a);
        assert!((REGULAR.width("Рахунок", 20.0) - 2.0 * a).abs() < 1e-3);
        assert!(BOLD.width("Рахунок", 10.0) > a, "bold is wider");
    }
}
