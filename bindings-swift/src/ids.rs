//! Identifiers printed on documents: the project's service code and invoice numbers.

use crate::BillingError;

/// An invoice number, `HOR-11111-007`, and its parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct InvoiceNumber {
    /// The canonical form: `HOR-11111-007`.
    pub value: String,
    /// The prefix: 2 to 5 Latin capitals (`HOR`).
    pub prefix: String,
    /// The project's service code: five digits (`11111`).
    pub service_code: String,
    /// The per-project sequence, from 1.
    pub sequence: u32,
}

impl From<billing_core::InvoiceNumber> for InvoiceNumber {
    fn from(number: billing_core::InvoiceNumber) -> InvoiceNumber {
        InvoiceNumber {
            value: number.to_string(),
            prefix: number.prefix().to_string(),
            service_code: number.service_code().to_string(),
            sequence: number.sequence(),
        }
    }
}

/// Parses a project's service code: exactly five digits; returns it with its leading zeros (`00042`).
///
/// Errors: `service_code.length`, `service_code.format`.
#[uniffi::export]
pub fn parse_service_code(input: &str) -> Result<String, BillingError> {
    Ok(billing_core::ServiceCode::parse(input)?.to_string())
}

/// Parses an invoice number in its canonical form only: `PREFIX-NNNNN-SSS`.
///
/// Errors: `invoice_number.format`, `invoice_number.prefix`, `invoice_number.sequence`, and the
/// service code's errors.
#[uniffi::export]
pub fn parse_invoice_number(input: &str) -> Result<InvoiceNumber, BillingError> {
    Ok(billing_core::InvoiceNumber::parse(input)?.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_numbers_split_into_parts() {
        let number = parse_invoice_number("AB-00042-001").unwrap();
        assert_eq!(
            (
                number.prefix.as_str(),
                number.service_code.as_str(),
                number.sequence
            ),
            ("AB", "00042", 1)
        );
        assert_eq!(
            parse_service_code("4242").unwrap_err().code(),
            "service_code.length"
        );
    }
}
