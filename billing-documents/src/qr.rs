//! The NBU payment QR code as an image: the URL from [`PaymentQr::url`], encoded by the `qrcode`
//! crate at error-correction level M (the rules allow M or L), version 10 at least (the 2025 rules
//! allow versions 10 to 20; format 002 at most 15), with the hryvnia sign (₴) in a white circle in
//! the centre as the 2025 rules require.
//!
//! The circle is sized from the symbol, so that it covers about 2.5% of it and touches at most
//! half the codewords level M can correct; the tests decode every image with an independent
//! decoder. The same raster is embedded in the PDF (one image pixel per `module_px` of a module,
//! drawn without interpolation, so it prints sharp).

use std::sync::Arc;

use ab_glyph::{point, Font as _, PxScale};
use billing_core::{NbuQrFormat, PaymentQr};
use krilla::image::{BitsPerComponent, CustomImage, ImageColorspace};
use qrcode::{Color, EcLevel, QrCode, Version};

use crate::fonts::BOLD;
use crate::RenderError;

/// Image pixels per QR module.
pub const MODULE_PX: u32 = 4;
/// The quiet zone around the symbol, in modules (the QR standard's minimum).
pub const QUIET_ZONE: u32 = 4;
/// The smallest version the NBU rules allow.
pub const MIN_VERSION: i16 = 10;

/// A rendered payment QR code: an 8-bit gray raster (0 black, 255 white), square.
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
    /// The raster's side in pixels, quiet zone included.
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
        let c = match QrCode::with_error_correction_level(url.as_bytes(), level) {
            Ok(c) => c,
            Err(qrcode::types::QrError::DataTooLong) => continue,
            Err(e) => return Err(RenderError::Pdf(format!("QR code: {e}"))),
        };
        let c = match c.version() {
            Version::Normal(v) if v < MIN_VERSION => {
                QrCode::with_version(url.as_bytes(), Version::Normal(MIN_VERSION), level)
                    .map_err(|e| RenderError::Pdf(format!("QR code: {e}")))?
            }
            _ => c,
        };
        if matches!(c.version(), Version::Normal(v) if v <= max_version) {
            code = Some(c);
            break;
        }
    }
    let code = code.ok_or_else(too_long)?;
    let Version::Normal(version) = code.version() else {
        return Err(too_long());
    };
    let modules = code.width() as u32;
    let logo_modules = logo_diameter(modules, code.max_allowed_errors());
    let side_px = (modules + 2 * QUIET_ZONE) * MODULE_PX;
    let mut pixels = vec![255u8; (side_px * side_px) as usize];
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (mx, my) = (i as u32 % modules, i as u32 / modules);
            let (x0, y0) = ((mx + QUIET_ZONE) * MODULE_PX, (my + QUIET_ZONE) * MODULE_PX);
            for y in y0..y0 + MODULE_PX {
                let row = (y * side_px) as usize;
                pixels[row + x0 as usize..row + (x0 + MODULE_PX) as usize].fill(0);
            }
        }
    }
    draw_logo(&mut pixels, side_px, (logo_modules * MODULE_PX) as f32);
    Ok(QrImage {
        payload: url.to_string(),
        version,
        ec_level: if code.error_correction_level() == EcLevel::M {
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

/// Clears a white disc of `diameter` pixels in the centre and draws the bold ₴ in it.
fn draw_logo(pixels: &mut [u8], side: u32, diameter: f32) {
    let c = side as f32 / 2.0;
    let r = diameter / 2.0;
    let (lo, hi) = ((c - r).floor() as u32, (c + r).ceil() as u32);
    for y in lo..hi.min(side) {
        for x in lo..hi.min(side) {
            let (dx, dy) = (x as f32 + 0.5 - c, y as f32 + 0.5 - c);
            if dx * dx + dy * dy <= r * r {
                pixels[(y * side + x) as usize] = 255;
            }
        }
    }
    let font = &BOLD.metrics;
    let id = font.glyph_id('₴');
    let probe_scale = PxScale::from(100.0);
    let Some(probe) = font.outline_glyph(id.with_scale_and_position(probe_scale, point(0.0, 0.0)))
    else {
        return;
    };
    let b = probe.px_bounds();
    let target = diameter * 0.62;
    let scale = 100.0 * target / b.height().max(1.0);
    let Some(sized) = font.outline_glyph(id.with_scale_and_position(scale, point(0.0, 0.0))) else {
        return;
    };
    let b = sized.px_bounds();
    let origin = point(c - (b.min.x + b.max.x) / 2.0, c - (b.min.y + b.max.y) / 2.0);
    let Some(glyph) = font.outline_glyph(id.with_scale_and_position(scale, origin)) else {
        return;
    };
    let b = glyph.px_bounds();
    glyph.draw(|x, y, coverage| {
        let (px, py) = (b.min.x as i64 + i64::from(x), b.min.y as i64 + i64::from(y));
        if (0..i64::from(side)).contains(&px) && (0..i64::from(side)).contains(&py) {
            let i = (py as u32 * side + px as u32) as usize;
            let ink = (255.0 * (1.0 - coverage.clamp(0.0, 1.0))) as u8;
            pixels[i] = pixels[i].min(ink);
        }
    });
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
        assert_eq!(img.side_px, (57 + 8) * MODULE_PX);
        let centre = img.side_px / 2;
        let ring = centre - img.logo_modules * MODULE_PX / 2 + 1;
        assert_eq!(
            img.pixel(ring, centre),
            255,
            "the circle is white at its rim"
        );
        assert!(
            img.gray_pixels().iter().filter(|p| **p == 0).count() > 0,
            "modules are black"
        );
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
