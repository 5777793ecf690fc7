//! What documents print: the amount in words, the NBU payment QR code payload, and the invoice and
//! act documents (parties, lines, totals, VAT) that `billing-documents` renders as PDF.

pub mod act_doc;
pub mod common;
pub mod invoice_doc;
pub mod nbu_qr;
pub mod party;
pub mod words;

pub use act_doc::ActDocument;
pub use common::{
    date_long, date_short, period_text, quantity_text, DocumentError, DocumentLine, Vat,
};
pub use invoice_doc::{InvoiceBuyer, InvoiceDocument};
pub use nbu_qr::{NbuQrError, NbuQrFields, NbuQrFormat, PaymentQr};
pub use party::{Party, Signatory, TaxStatus, VatPayerNumber};
pub use words::{amount_in_words, hryvnias_in_words, plural_form, PluralForm};
