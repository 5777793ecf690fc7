//! # billing-documents
//!
//! Renders the billing documents as PDF: the invoice (рахунок на оплату) with the NBU payment QR
//! code, and the act of services rendered (акт наданих послуг). The data comes from
//! `billing_core::documents` ([`InvoiceDocument`], [`ActDocument`]), which checks that it adds up;
//! this crate only lays it out.
//!
//! - Pure Rust: PDFs are written with [`krilla`], no browser, no system fonts.
//! - Cyrillic text in DejaVu Sans, compiled in (`fonts/`, Bitstream Vera licence); each PDF embeds
//!   a subset with only the glyphs it uses, so a one-page invoice is a few tens of KB.
//! - The QR code is the exact URL [`billing_core::PaymentQr::url`] builds, at error-correction
//!   level M, version 10 or more, with the hryvnia sign in a white circle in its centre.
//! - Output is deterministic: the same document gives the same bytes.
//!
//! ```
//! use billing_core::documents::{DocumentLine, InvoiceDocument, Party, TaxStatus};
//! use billing_core::invoice::VatRate;
//! use billing_core::NbuQrFormat;
//! use chrono::NaiveDate;
//!
//! let seller = Party {
//!     name: "ТОВ «Хорошоп»".into(),
//!     tax_id: "32855961".parse()?,
//!     iban: Some("UA213223130000026007233566001".parse()?),
//!     address: "01001, м. Київ, вул. Хрещатик, 1".into(),
//!     tax_status: TaxStatus::vat_payer("328559626541")?,
//! };
//! let buyer = Party {
//!     name: "ТОВ «Приклад»".into(),
//!     tax_id: "14360570".parse()?,
//!     iban: None,
//!     address: "м. Одеса".into(),
//!     tax_status: TaxStatus::NotVatPayer,
//! };
//! let invoice = InvoiceDocument::new(
//!     "HOR-11111-007".parse()?,
//!     NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
//!     NaiveDate::from_ymd_opt(2026, 1, 25).unwrap(),
//!     seller,
//!     buyer,
//!     vec![DocumentLine::new("Тариф «Бізнес»", "міс.", 1.into(), "1200".parse()?)?],
//!     VatRate::Standard20,
//!     NbuQrFormat::V002,
//! )?;
//! let pdf = billing_documents::render_invoice_pdf(&invoice)?;
//! assert!(pdf.starts_with(b"%PDF-"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod act;
mod fonts;
mod invoice;
mod layout;
mod parts;
pub mod qr;
pub mod tax_invoice;

use std::sync::Arc;

pub use billing_core::documents::{ActDocument, DocumentError, InvoiceDocument};
use billing_core::ErrorCode;
pub use qr::{payment_qr_image, qr_image, QrImage};
pub use tax_invoice::{tax_invoice_xml, TaxInvoiceXml, TaxSeller, TaxXmlError, TaxXmlSettings};

/// Why a document could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The document's data does not add up or cannot be printed (see its code).
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// The payment URL does not fit the largest QR version the format allows.
    #[error("the payment QR code's {len} bytes do not fit QR version {max_version}")]
    QrTooLong {
        /// The URL's length in bytes.
        len: usize,
        /// The largest version the format allows.
        max_version: i16,
    },
    /// The PDF writer or the QR encoder failed.
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
}

impl ErrorCode for RenderError {
    fn code(&self) -> &'static str {
        match self {
            RenderError::Document(e) => e.code(),
            RenderError::QrTooLong { .. } => "render.qr_too_long",
            RenderError::Pdf(_) => "render.pdf",
        }
    }

    fn is_invalid_input(&self) -> bool {
        match self {
            RenderError::Document(e) => e.is_invalid_input(),
            RenderError::QrTooLong { .. } => true,
            RenderError::Pdf(_) => false,
        }
    }
}

/// The invoice (рахунок на оплату) as a PDF: A4, seller and buyer requisites, lines, total, VAT
/// line, total in words, payment instructions naming the invoice number, and the NBU payment QR
/// code. Checks the document first ([`InvoiceDocument::validate`]).
pub fn render_invoice_pdf(doc: &InvoiceDocument) -> Result<Vec<u8>, RenderError> {
    doc.validate()?;
    let qr = Arc::new(payment_qr_image(&doc.payment_qr)?);
    invoice::layout(doc, qr).finish(&doc.title())
}

/// The act of services rendered (акт наданих послуг) as a PDF: A4, parties, period and contract,
/// services, totals, VAT, total in words, and places for both signatures. Checks the document
/// first ([`ActDocument::validate`]).
pub fn render_act_pdf(doc: &ActDocument) -> Result<Vec<u8>, RenderError> {
    doc.validate()?;
    act::layout(doc).finish(&doc.title())
}
