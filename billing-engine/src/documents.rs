//! The invoice as a document: the printable invoice (рахунок на оплату) of a stored invoice and its
//! PDF, with the NBU payment QR code that carries the seller's IBAN, the exact amount owed on the
//! invoice's total and a purpose naming the invoice number.
//!
//! The seller comes from the configuration ([`EngineConfig::seller`](crate::EngineConfig)), the
//! buyer from the project's saved requisites, the lines and amounts from the invoice as issued.
//! A project without requisites yet (a new shop's first invoice at sign-up) still gets its invoice:
//! the buyer is then the owner contact, by name and email, without a tax id or IBAN.

use billing_core::account::AccountError;
use billing_core::documents::{DocumentLine, InvoiceBuyer, InvoiceDocument, NbuQrFormat};
use billing_core::invoice::{Invoice, InvoiceKind};
use billing_core::paperwork::PaperworkError;
use billing_core::project::{Project, ProjectError};
use billing_core::{ErrorCode, InvoiceNumber, ServiceCode};

use crate::engine::Engine;
use crate::error::EngineError;

/// The unit an invoice line prints (`міс.` for a billing period, `послуга` otherwise).
fn unit_of(invoice: &Invoice) -> &'static str {
    match invoice.kind {
        InvoiceKind::Period { .. } => "міс.",
        InvoiceKind::TariffChange { .. } => "послуга",
    }
}

fn document_error(e: &(impl ErrorCode + std::fmt::Display)) -> EngineError {
    EngineError::Document {
        code: e.code(),
        message: e.to_string(),
    }
}

fn unknown_invoice(number: &str) -> EngineError {
    EngineError::Refused(ProjectError::Account(AccountError::UnknownInvoice {
        number: number.to_string(),
    }))
}

impl Engine {
    /// The printable invoice (рахунок на оплату) of a project's invoice: the seller from the
    /// configuration, the buyer from the project's saved requisites ([`InvoiceBuyer::Party`]) or,
    /// while none are saved, the owner contact ([`InvoiceBuyer::Person`]: `Платник: <ПІБ>` and the
    /// email, no tax id, no IBAN), one line per invoice line (quantity 1), the total with VAT as
    /// issued, and the NBU payment QR code (format 002) with the seller's IBAN, the total and the
    /// invoice number in the purpose.
    ///
    /// Errors: a malformed number (`invoice_number.*`), an unknown project (`project.not_found`)
    /// or invoice (`invoice.unknown`), no seller configured (`engine.config`), neither requisites
    /// nor an owner contact (`requisites.missing`), or data that cannot be printed
    /// ([`EngineError::Document`] with the document's code).
    pub async fn invoice_document(
        &self,
        code: ServiceCode,
        number: &str,
    ) -> Result<InvoiceDocument, EngineError> {
        let parsed = InvoiceNumber::parse(number.trim()).map_err(billing_core::Error::from)?;
        let project = self.project(code).await?;
        self.invoice_document_of(&project, &parsed)
    }

    /// [`Engine::invoice_document`] for a loaded project.
    pub fn invoice_document_of(
        &self,
        project: &Project,
        number: &InvoiceNumber,
    ) -> Result<InvoiceDocument, EngineError> {
        let invoice = project
            .account()
            .invoice(number)
            .ok_or_else(|| unknown_invoice(&number.to_string()))?;
        let seller = self.config().seller.as_ref().ok_or_else(|| {
            EngineError::Config(
                "no seller requisites configured: invoices cannot be printed".into(),
            )
        })?;
        let buyer = match (project.paperwork().requisites(), project.admin().owner()) {
            (Some(requisites), _) => InvoiceBuyer::Party(requisites.to_party()),
            (None, Some(owner)) => InvoiceBuyer::owner(owner),
            (None, None) => {
                return Err(EngineError::Refused(ProjectError::Paperwork(
                    PaperworkError::NoRequisites,
                )))
            }
        };
        let unit = unit_of(invoice);
        let lines = invoice
            .lines
            .iter()
            .map(|l| DocumentLine::new(l.description.clone(), unit, 1.into(), l.amount))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| document_error(&e))?;
        InvoiceDocument::new(
            invoice.number,
            invoice.issued_on,
            invoice.due_on,
            seller.party()?,
            buyer,
            lines,
            invoice.vat_rate,
            NbuQrFormat::V002,
        )
        .map_err(|e| document_error(&e))
    }

    /// The PDF of a project's invoice (for download): [`Engine::invoice_document`] rendered with
    /// the NBU payment QR code. Errors as there, and `render.*` when the PDF cannot be written.
    pub async fn invoice_pdf(
        &self,
        code: ServiceCode,
        number: &str,
    ) -> Result<Vec<u8>, EngineError> {
        let doc = self.invoice_document(code, number).await?;
        billing_documents::render_invoice_pdf(&doc).map_err(|e| document_error(&e))
    }
}
