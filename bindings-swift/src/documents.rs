//! What documents print, for the app's screens: the amount in words and the NBU payment QR code.
//!
//! Both are the core's (`billing_core::documents`); this module parses the host's values into the
//! core's validated types and maps the results.

use billing_core::{amount_in_words as core_amount_in_words, Money, NbuQrFormat, PaymentQr};
use rust_decimal::Decimal;

use crate::BillingError;

/// The two current formats of the NBU payment QR code (QR-код для кредитових переказів).
#[uniffi::remote(Enum)]
pub enum NbuQrFormat {
    /// Format 002: `https://bank.gov.ua/qr/…`, 13 fields, data up to 500 bytes; read by every
    /// Ukrainian banking app.
    V002,
    /// Format 003: `https://qr.bank.gov.ua/…`, 17 fields (NBU resolution №97 of 19.08.2025), with a
    /// purpose code and a reference.
    V003,
}

/// What an invoice's payment QR code carries: who is paid, how much, and for which invoice.
///
/// The receiver's details are the billing company's public requisites (as printed on the invoice),
/// not secrets.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentQrRequest {
    /// The format: 002 (`.v002` in Swift) unless the bank asks for 003.
    pub format: NbuQrFormat,
    /// The receiver's name, as on the invoice (`ТОВ "Хорошоп"`).
    pub receiver_name: String,
    /// The receiver's IBAN, electronic or print form.
    pub iban: String,
    /// The receiver's ЄДРПОУ (8 digits) or РНОКПП (10 digits).
    pub receiver_code: String,
    /// The amount to pay (what is owed), at most two decimal places.
    pub amount: Decimal,
    /// The invoice being paid, canonical form (`HOR-11111-007`).
    pub invoice_number: String,
    /// Text after the invoice number in the purpose, e.g. `у т.ч. ПДВ 51,61 грн` or `без ПДВ`.
    #[uniffi(default = None)]
    pub purpose_suffix: Option<String>,
    /// Format 003 only: the purpose category code; `OTHR/OTHR` when not set.
    #[uniffi(default = None)]
    pub purpose_code: Option<String>,
}

/// A payment QR code's content.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct PaymentQrCode {
    /// The URL to encode in the QR image (the format's prefix and Base64URL data).
    pub url: String,
    /// The purpose of payment it carries: `Оплата за рахунком № HOR-11111-007[, suffix]`.
    pub purpose: String,
}

/// The amount in words as invoices and acts print it, capitalised, kopiyky as two digits:
/// `Триста дев'ять гривень 68 копійок`.
///
/// Errors: `money.sign`, `money.too_many_decimals`, `money.out_of_range`, `money.format`.
#[uniffi::export]
pub fn amount_in_words(amount: Decimal) -> Result<String, BillingError> {
    Ok(core_amount_in_words(Money::from_decimal(amount)?))
}

/// The NBU payment QR code of an invoice: the payer's banking app reads the receiver, the exact
/// amount and a purpose holding the exact invoice number (so the bank transfer matches the invoice).
///
/// Errors: the IBAN's (`iban.checksum`, ...), the receiver code's (`tax_id.length`,
/// `edrpou.checksum`, ...), the amount's (`money.*`), the invoice number's (`invoice_number.*`), and
/// the QR rules' (`nbu_qr.too_long`, `nbu_qr.missing`, `nbu_qr.invalid`, `nbu_qr.data_too_long`).
#[uniffi::export]
pub fn payment_qr(request: PaymentQrRequest) -> Result<PaymentQrCode, BillingError> {
    let PaymentQrRequest {
        format,
        receiver_name,
        iban,
        receiver_code,
        amount,
        invoice_number,
        purpose_suffix,
        purpose_code,
    } = request;
    let qr = PaymentQr {
        format,
        receiver_name,
        iban: billing_core::Iban::parse(&iban)?,
        receiver_code: billing_core::TaxId::parse(&receiver_code)?,
        amount: Money::from_decimal(amount)?,
        invoice: billing_core::InvoiceNumber::parse(&invoice_number)?,
        purpose_suffix,
        purpose_code,
    };
    Ok(PaymentQrCode {
        url: qr.url()?,
        purpose: qr.purpose(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(format: NbuQrFormat) -> PaymentQrRequest {
        PaymentQrRequest {
            format,
            receiver_name: "ТОВ \"Хорошоп\"".into(),
            iban: "UA21 3223 1300 0002 6007 2335 6600 1".into(),
            receiver_code: "32855961".into(),
            amount: Decimal::new(30968, 2),
            invoice_number: "HOR-11111-001".into(),
            purpose_suffix: Some("у т.ч. ПДВ 51,61 грн".into()),
            purpose_code: None,
        }
    }

    #[test]
    fn words_follow_the_core() {
        assert_eq!(
            amount_in_words(Decimal::new(30968, 2)).unwrap(),
            "Триста дев'ять гривень 68 копійок"
        );
        assert_eq!(
            amount_in_words(Decimal::new(1005, 3)).unwrap_err().code(),
            "money.too_many_decimals"
        );
    }

    #[test]
    fn qr_codes_carry_the_invoice() {
        let code = payment_qr(request(NbuQrFormat::V002)).unwrap();
        assert!(code.url.starts_with("https://bank.gov.ua/qr/"));
        assert_eq!(
            code.purpose,
            "Оплата за рахунком № HOR-11111-001, у т.ч. ПДВ 51,61 грн"
        );
        let v003 = payment_qr(request(NbuQrFormat::V003)).unwrap();
        assert!(v003.url.starts_with("https://qr.bank.gov.ua/"));
    }

    #[test]
    fn qr_inputs_are_validated_by_the_core() {
        let mut bad = request(NbuQrFormat::V002);
        bad.receiver_code = "32855968".into();
        assert_eq!(payment_qr(bad).unwrap_err().code(), "edrpou.checksum");
        let mut long = request(NbuQrFormat::V002);
        long.receiver_name = "Р".repeat(71);
        assert_eq!(payment_qr(long).unwrap_err().code(), "nbu_qr.too_long");
    }
}
