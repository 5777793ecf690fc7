//! The NBU payment QR code as an image: the URL from [`PaymentQr::url`], encoded by the `qrcode`
//! crate at error-correction level M (the rules allow M or L), version 10 at least (the 2025 rules
//! allow versions 10 to 20; format 002 at most 15), with the hryvnia sign (₴) in a white circle in
//! the centre as the 2025 rules require.
//!
//! The raster has one pixel per module (quiet zone included) and is embedded as it is, drawn
//! without interpolation so it prints sharp at any size; the modules whose centres fall inside the
//! circle are white in it. The PDF draws the white circle and the ₴ sign over it as vector
//! graphics. A decoder samples module centres, so the raster decodes exactly as the printed code
//! does. The circle is sized from the symbol so that it touches at most half the codewords level M
//! can correct; the tests decode every image with an independent decoder.

use std::sync::Arc;

use billing_core::{NbuQrFormat, PaymentQr};
use krilla::image::{BitsPerComponent, CustomImage, ImageColorspace};
use qrcode::bits::Bits;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::types::QrError;
use qrcode::{Color, EcLevel, Version};

use crate::RenderError;

/// The quiet zone around the symbol, in modules (the QR standard's minimum).
pub const QUIET_ZONE: u32 = 4;
/// The smallest version the NBU rules allow.
pub const MIN_VERSION: i16 = 10;

/// A rendered payment QR code: an 8-bit gray raster (0 black, 255 white), one pixel per module.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QrImage {
    /// The exact text the symbol carries.
    pub payload: String,
    /// The QR version (10..=20).
    pub version: i16,
    /// The error-correction level: `'M'` or `'L'`.
    pub ec_level: char,
    /// Modules per side, without the quiet zone.
    pub modules: u32,
    /// The raster's side in pixels (= modules), quiet zone included.
    pub side_px: u32,
    /// The diameter of the white circle in the centre, in modules.
    pub logo_modules: u32,
    pixels: Arc<Vec<u8>>,
}

impl QrImage {
    /// The gray level (0 black .. 255 white) of pixel (`x`, `y`), from the top left.
    pub fn pixel(&self, x: u32, y: u32) -> u8 {
        self.pixels[(y * self.side_px + x) as usize]
    }

    /// All pixels, row by row.
    pub fn gray_pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The raster enlarged `k` times (each module `k` × `k` pixels), as a screen or printer draws
    /// it; for decoders and for writing the code as a picture.
    pub fn scaled_pixels(&self, k: u32) -> Vec<u8> {
        scale_gray(&self.pixels, self.side_px, k)
    }

    /// The raster as krilla embeds it.
    pub(crate) fn pixels(&self) -> GrayRaster {
        GrayRaster {
            pixels: Arc::clone(&self.pixels),
            side: self.side_px,
        }
    }
}

/// The QR image for an invoice's payment QR code.
pub fn payment_qr_image(qr: &PaymentQr) -> Result<QrImage, RenderError> {
    let url = qr.url().map_err(|e| RenderError::Document(e.into()))?;
    qr_image(&url, qr.format)
}

/// The QR image for an NBU payment URL in the given format.
pub fn qr_image(url: &str, format: NbuQrFormat) -> Result<QrImage, RenderError> {
    let max_version: i16 = match format {
        NbuQrFormat::V002 => 15,
        NbuQrFormat::V003 => 20,
    };
    let too_long = || RenderError::QrTooLong {
        len: url.len(),
        max_version,
    };
    let mut code = None;
    for level in [EcLevel::M, EcLevel::L] {
        let bits = match qrcode::bits::encode_auto(url.as_bytes(), level) {
            Ok(bits) => bits,
            Err(QrError::DataTooLong) => continue,
            Err(e) => return Err(RenderError::Pdf(format!("QR code: {e}"))),
        };
        let bits = match bits.version() {
            Version::Normal(v) if v < MIN_VERSION => {
                let mut bits = Bits::new(Version::Normal(MIN_VERSION));
                bits.push_optimal_data(url.as_bytes()).map_err(qr_error)?;
                bits.push_terminator(level).map_err(qr_error)?;
                bits
            }
            _ => bits,
        };
        if matches!(bits.version(), Version::Normal(v) if v <= max_version) {
            code = Some((bits, level));
            break;
        }
    }
    let (bits, level) = code.ok_or_else(too_long)?;
    let Version::Normal(version) = bits.version() else {
        return Err(too_long());
    };
    let max_errors = qrcode::ec::max_allowed_errors(bits.version(), level).map_err(qr_error)?;
    let dark = masked_modules(bits, level)?;
    let modules = Version::Normal(version).width() as u32;
    let logo_modules = logo_diameter(modules, max_errors);
    let side_px = modules + 2 * QUIET_ZONE;
    let mut pixels = vec![255u8; (side_px * side_px) as usize];
    let centre = modules as f32 / 2.0;
    let r = logo_modules as f32 / 2.0;
    for (i, is_dark) in dark.into_iter().enumerate() {
        let (mx, my) = (i as u32 % modules, i as u32 / modules);
        let (dx, dy) = (mx as f32 + 0.5 - centre, my as f32 + 0.5 - centre);
        if is_dark && dx * dx + dy * dy > r * r {
            pixels[((my + QUIET_ZONE) * side_px + mx + QUIET_ZONE) as usize] = 0;
        }
    }
    Ok(QrImage {
        payload: url.to_string(),
        version,
        ec_level: if level == EcLevel::M {
            'M'
        } else {
            'L'
        },
        modules,
        side_px,
        logo_modules,
        pixels: Arc::new(pixels),
    })
}

fn qr_error(e: QrError) -> RenderError {
    RenderError::Pdf(format!("QR code: {e}"))
}

/// The symbol's modules (row by row, `true` dark) with the data masked by the pattern of the
/// lowest penalty, as the QR standard chooses it.
///
/// The same steps as `qrcode::QrCode::with_bits`, whose mask scoring allocates for every position
/// it checks; here the eight candidates are scored on a plain `Vec<bool>`, several times faster.
/// (`qrcode` also tells functional from data modules apart when scoring, so on some symbols the
/// two may pick different masks; every mask is valid, the choice only affects scanning comfort.)
fn masked_modules(bits: Bits, level: EcLevel) -> Result<Vec<bool>, RenderError> {
    const PATTERNS: [MaskPattern; 8] = [
        MaskPattern::Checkerboard,
        MaskPattern::HorizontalLines,
        MaskPattern::VerticalLines,
        MaskPattern::DiagonalLines,
        MaskPattern::LargeCheckerboard,
        MaskPattern::Fields,
        MaskPattern::Diamonds,
        MaskPattern::Meadow,
    ];
    let version = bits.version();
    let width = version.width() as usize;
    let data = bits.into_bytes();
    let (data, ec) = qrcode::ec::construct_codewords(&data, version, level).map_err(qr_error)?;
    let mut canvas = Canvas::new(version, level);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    let mut best: Option<(i32, Vec<bool>)> = None;
    for pattern in PATTERNS {
        let mut candidate = canvas.clone();
        candidate.apply_mask(pattern);
        let dark: Vec<bool> = candidate
            .into_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        let score = penalty(&dark, width);
        if best.as_ref().is_none_or(|(s, _)| score < *s) {
            best = Some((score, dark));
        }
    }
    best.map(|(_, dark)| dark)
        .ok_or_else(|| RenderError::Pdf("QR code: no mask".into()))
}

/// The QR standard's mask penalty (N1 runs, N2 blocks, N3 finder-like patterns, N4 balance), with
/// the `qrcode` crate's weights.
fn penalty(dark: &[bool], w: usize) -> i32 {
    let at = |x: usize, y: usize| dark[y * w + x];
    let mut score = 0i32;
    for horizontal in [true, false] {
        let get = |i: usize, j: usize| if horizontal { at(j, i) } else { at(i, j) };
        for i in 0..w {
            // N1: runs of five or more of one colour.
            let mut run = 1;
            for j in 1..=w {
                if j < w && get(i, j) == get(i, j - 1) {
                    run += 1;
                } else {
                    if run >= 5 {
                        score += run - 2;
                    }
                    run = 1;
                }
            }
            // N3: 1:1:3:1:1 dark-light-dark-light-dark without four light modules on a side.
            const PATTERN: [bool; 7] = [true, false, true, true, true, false, true];
            for j in 0..w.saturating_sub(6) {
                if (0..7).any(|k| get(i, j + k) != PATTERN[k]) {
                    continue;
                }
                let dark_before = (j.saturating_sub(4)..j).any(|k| get(i, k));
                let dark_after = (j + 7..(j + 11).min(w)).any(|k| get(i, k));
                if !dark_before || !dark_after {
                    score += 40;
                }
            }
        }
    }
    // N2: 2×2 blocks of one colour.
    for y in 0..w - 1 {
        for x in 0..w - 1 {
            let c = at(x, y);
            if c == at(x + 1, y) && c == at(x, y + 1) && c == at(x + 1, y + 1) {
                score += 3;
            }
        }
    }
    // N4: the dark share's distance from one half.
    let ratio = (dark.iter().filter(|d| **d).count() * 200 / dark.len()) as i32;
    score + (ratio - 100).abs()
}

/// The circle's diameter in modules: about 18% of the symbol's side, made smaller while the
/// codewords it may touch (its area over 8 plus its rim) exceed half of what the level corrects.
fn logo_diameter(modules: u32, max_errors: usize) -> u32 {
    let mut d = (modules as f32 * 0.18).round() as u32;
    let touched = |d: u32| {
        let d = d as f32;
        std::f32::consts::PI * d * d / 4.0 / 8.0 + std::f32::consts::PI * d / 2.0
    };
    while d > 5 && touched(d) > max_errors as f32 / 2.0 {
        d -= 1;
    }
    d
}

/// `pixels` (a `side` × `side` gray raster) enlarged `k` times by repeating pixels.
pub(crate) fn scale_gray(pixels: &[u8], side: u32, k: u32) -> Vec<u8> {
    let (side, k) = (side as usize, k as usize);
    let mut out = Vec::with_capacity(side * side * k * k);
    for row in pixels.chunks(side) {
        let scaled: Vec<u8> = row.iter().flat_map(|p| std::iter::repeat_n(*p, k)).collect();
        for _ in 0..k {
            out.extend_from_slice(&scaled);
        }
    }
    out
}

/// The raster as a krilla custom image: 8-bit DeviceGray, no alpha.
#[derive(Clone, Hash)]
pub(crate) struct GrayRaster {
    pixels: Arc<Vec<u8>>,
    side: u32,
}

impl CustomImage for GrayRaster {
    fn color_channel(&self) -> &[u8] {
        &self.pixels
    }

    fn alpha_channel(&self) -> Option<&[u8]> {
        None
    }

    fn bits_per_component(&self) -> BitsPerComponent {
        BitsPerComponent::Eight
    }

    fn size(&self) -> (u32, u32) {
        (self.side, self.side)
    }

    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }

    fn color_space(&self) -> ImageColorspace {
        ImageColorspace::Luma
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_payloads_still_use_version_10() {
        let img = qr_image("https://bank.gov.ua/qr/QkNE", NbuQrFormat::V002).unwrap();
        assert_eq!(img.version, MIN_VERSION);
        assert_eq!(img.modules, 57);
        assert_eq!(img.ec_level, 'M');
        assert_eq!(img.side_px, 57 + 8);
        let centre = img.side_px / 2;
        for d in 0..img.logo_modules / 2 {
            assert_eq!(img.pixel(centre - d, centre), 255, "the circle is white");
            assert_eq!(img.pixel(centre, centre + d), 255, "the circle is white");
        }
        assert!(img.gray_pixels().contains(&0), "modules are black");
        assert_eq!(img.pixel(QUIET_ZONE, QUIET_ZONE), 0, "a finder pattern's corner");
        assert_eq!(img.pixel(QUIET_ZONE - 1, QUIET_ZONE), 255, "the quiet zone");
        let big = img.scaled_pixels(3);
        assert_eq!(big.len(), (65 * 3) * (65 * 3));
        assert_eq!(big[(3 * QUIET_ZONE as usize) * 65 * 3 + 3 * QUIET_ZONE as usize], 0);
    }

    #[test]
    fn modules_match_the_qrcode_crate() {
        for (url, level, version) in [
            ("https://bank.gov.ua/qr/QkNECjAwMgoxClVDVAoK", EcLevel::M, 10),
            (&*format!("https://qr.bank.gov.ua/{}", "QkNE".repeat(60)), EcLevel::M, 13),
            (&*format!("https://bank.gov.ua/qr/{}", "x-Y_".repeat(90)), EcLevel::L, 14),
        ] {
            let reference =
                qrcode::QrCode::with_version(url.as_bytes(), Version::Normal(version), level)
                    .unwrap();
            let mut bits = Bits::new(Version::Normal(version));
            bits.push_optimal_data(url.as_bytes()).unwrap();
            bits.push_terminator(level).unwrap();
            let ours = masked_modules(bits, level).unwrap();
            let theirs: Vec<bool> = reference
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            assert_eq!(ours, theirs, "the same symbol as qrcode builds, version {version}");
        }
    }

    #[test]
    fn too_long_for_002_is_a_typed_error() {
        let url = format!("https://bank.gov.ua/qr/{}", "a".repeat(600));
        let e = qr_image(&url, NbuQrFormat::V002).unwrap_err();
        assert!(matches!(
            e,
            RenderError::QrTooLong {
                max_version: 15,
                ..
            }
        ));
        assert!(
            qr_image(&url, NbuQrFormat::V003).is_ok(),
            "003 goes up to version 20"
        );
    }
}
