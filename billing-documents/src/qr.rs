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

use crate::fonts::BOLD;
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
        ec_level: if level == EcLevel::M { 'M' } else { 'L' },
        modules,
        side_px,
        logo_modules,
        pixels: Arc::new(pixels),
    })
}

/// Where the white circle and the hryvnia sign go over a QR image drawn `side` units square, in
/// the same units from its top left (y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SignPlacement {
    /// The circle's centre.
    pub cx: f32,
    /// The circle's centre.
    pub cy: f32,
    /// The circle's radius: the cleared modules' circle.
    pub r: f32,
    /// The sign's font size (bold DejaVu Sans).
    pub size: f32,
    /// The sign's left edge.
    pub x: f32,
    /// The sign's baseline.
    pub baseline: f32,
}

/// The sign's ink height as a share of the circle's diameter. At 0.5 the sign leaves a white
/// margin that keeps decoders (zbar among them) from mistaking its strokes for modules; 0.62 did
/// not.
const SIGN_SHARE: f32 = 0.5;

/// The circle over the cleared modules and the ₴ centred in it by its ink box.
pub(crate) fn sign_placement(img: &QrImage, side: f32) -> SignPlacement {
    let centre = side / 2.0;
    let r = img.logo_modules as f32 * side / img.side_px as f32 / 2.0;
    let (x0, y0, x1, y1) = BOLD.ink_bounds('₴').unwrap_or((0.05, 0.0, 0.8, 0.75));
    let size = 2.0 * r * SIGN_SHARE / (y1 - y0);
    SignPlacement {
        cx: centre,
        cy: centre,
        r,
        size,
        x: centre - (x0 + x1) / 2.0 * size,
        baseline: centre + (y0 + y1) / 2.0 * size,
    }
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
    // Rows and columns as bit sets (bit x of a row is module x); a symbol is at most 177 wide,
    // the NBU formats at most 97 (version 20), so a line fits a u128 up to version 27.
    debug_assert!(w < 128);
    let mut rows = vec![0u128; w];
    let mut cols = vec![0u128; w];
    for (i, _) in dark.iter().enumerate().filter(|(_, d)| **d) {
        let (x, y) = (i % w, i / w);
        rows[y] |= 1 << x;
        cols[x] |= 1 << y;
    }
    let mut score: i32 = rows.iter().chain(&cols).map(|l| line_penalty(*l, w)).sum();
    // N2: 2×2 blocks of one colour.
    let pairs = (1u128 << (w - 1)) - 1;
    for pair in rows.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let same = !(a ^ (a >> 1)) & !(b ^ (b >> 1)) & !(a ^ b) & pairs;
        score += 3 * same.count_ones() as i32;
    }
    // N4: the dark share's distance from one half.
    let dark_count: u32 = rows.iter().map(|r| r.count_ones()).sum();
    let ratio = (dark_count as usize * 200 / (w * w)) as i32;
    score + (ratio - 100).abs()
}

/// N1 and N3 along one row or column of `w` modules (bit j is module j, set when dark).
fn line_penalty(line: u128, w: usize) -> i32 {
    // Modules 0..7 of a 1:1:3:1:1 pattern, dark-light-dark-dark-dark-light-dark, as bits.
    const FINDER: u128 = 0b101_1101;
    let mut score = 0;
    // N1: runs of five or more of one colour; bit j of `changes` is set when j and j+1 differ.
    let mut changes = (line ^ (line >> 1)) & ((1u128 << (w - 1)) - 1);
    let mut start = 0;
    loop {
        let end = if changes == 0 {
            w
        } else {
            changes.trailing_zeros() as usize + 1
        };
        let run = (end - start) as i32;
        if run >= 5 {
            score += run - 2;
        }
        if changes == 0 {
            break;
        }
        changes &= changes - 1;
        start = end;
    }
    // N3: the pattern without four light modules on one of its sides.
    let dark_in =
        |from: usize, to: usize| to > from && (line >> from) & ((1u128 << (to - from)) - 1) != 0;
    for j in 0..=w - 7 {
        if (line >> j) & 0x7F == FINDER
            && (!dark_in(j.saturating_sub(4), j) || !dark_in(j + 7, (j + 11).min(w)))
        {
            score += 40;
        }
    }
    score
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
        let scaled: Vec<u8> = row
            .iter()
            .flat_map(|p| std::iter::repeat_n(*p, k))
            .collect();
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
        assert_eq!(
            img.pixel(QUIET_ZONE, QUIET_ZONE),
            0,
            "a finder pattern's corner"
        );
        assert_eq!(img.pixel(QUIET_ZONE - 1, QUIET_ZONE), 255, "the quiet zone");
        let big = img.scaled_pixels(3);
        assert_eq!(big.len(), (65 * 3) * (65 * 3));
        assert_eq!(
            big[(3 * QUIET_ZONE as usize) * 65 * 3 + 3 * QUIET_ZONE as usize],
            0
        );
    }

    #[test]
    fn modules_match_the_qrcode_crate() {
        for (url, level, version) in [
            (
                "https://bank.gov.ua/qr/QkNECjAwMgoxClVDVAoK",
                EcLevel::M,
                10,
            ),
            (
                &*format!("https://qr.bank.gov.ua/{}", "QkNE".repeat(60)),
                EcLevel::M,
                13,
            ),
            (
                &*format!("https://bank.gov.ua/qr/{}", "x-Y_".repeat(90)),
                EcLevel::L,
                14,
            ),
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
            assert_eq!(
                ours, theirs,
                "the same symbol as qrcode builds, version {version}"
            );
        }
    }

    /// The printed code as a scanner sees it: the raster enlarged, the white circle and the bold
    /// ₴ drawn over it where the PDF draws them; an independent decoder (rqrr) must read the URL.
    #[test]
    fn the_code_with_the_sign_over_it_decodes() {
        use ab_glyph::{point, Font as _, PxScale};
        const K: u32 = 8;
        let payloads = [
            format!("https://bank.gov.ua/qr/{}", "QkNECjAwMgox".repeat(3)),
            format!(
                "https://bank.gov.ua/qr/{}",
                "0J_RgNCQ0KIg0JDQmiDigJzQktC".repeat(9)
            ),
            format!(
                "https://qr.bank.gov.ua/{}",
                "0J_RgNCQ0KIg0JDQmiDigJzQktC".repeat(14)
            ),
        ];
        for url in &payloads {
            let format = if url.contains("qr.bank") {
                NbuQrFormat::V003
            } else {
                NbuQrFormat::V002
            };
            let img = qr_image(url, format).unwrap();
            let side = img.side_px * K;
            let mut px = img.scaled_pixels(K);
            let sign = sign_placement(&img, side as f32);
            for y in 0..side {
                for x in 0..side {
                    let (dx, dy) = (x as f32 + 0.5 - sign.cx, y as f32 + 0.5 - sign.cy);
                    if dx * dx + dy * dy <= sign.r * sign.r {
                        px[(y * side + x) as usize] = 255;
                    }
                }
            }
            let font = &BOLD.metrics;
            let em = font.units_per_em().unwrap();
            let scale = PxScale::from(sign.size * font.height_unscaled() / em);
            let glyph = font
                .glyph_id('₴')
                .with_scale_and_position(scale, point(sign.x, sign.baseline));
            let outlined = font.outline_glyph(glyph).unwrap();
            let b = outlined.px_bounds();
            let mut inked = 0;
            outlined.draw(|x, y, coverage| {
                let (x, y) = (b.min.x as u32 + x, b.min.y as u32 + y);
                if coverage > 0.5 {
                    let (dx, dy) = (x as f32 + 0.5 - sign.cx, y as f32 + 0.5 - sign.cy);
                    assert!(
                        dx * dx + dy * dy < sign.r * sign.r,
                        "the sign stays inside the circle"
                    );
                    px[(y * side + x) as usize] = 0;
                    inked += 1;
                }
            });
            assert!(inked > 100, "the sign is drawn");
            let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
                side as usize,
                side as usize,
                |x, y| px[y * side as usize + x],
            );
            let grids = prepared.detect_grids();
            assert_eq!(grids.len(), 1, "version {}", img.version);
            assert_eq!(
                &grids[0].decode().unwrap().1,
                url,
                "version {}",
                img.version
            );
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
