//! What invoices and acts share: the document error, a document line, the VAT line, and the small
//! text helpers that print dates, quantities and periods the Ukrainian way.
//!
//! ```
//! use billing_core::documents::{DocumentLine, Vat};
//! use billing_core::invoice::VatRate;
//! use billing_core::Money;
//!
//! let line = DocumentLine::new("Тариф «Бізнес», січень 2026", "міс.", 1.into(), "1200".parse()?)?;
//! assert_eq!(line.sum.to_string(), "1200.00");
//! let vat = Vat::from_rate(VatRate::Standard20, line.sum)?;
//! assert_eq!(vat.line_text(), "у т.ч. ПДВ 20%: 200,00 грн");
//! assert_eq!(Vat::None.line_text(), "Без ПДВ");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::nbu_qr::NbuQrError;
use crate::calendar::BillingMonth;
use crate::error::ErrorCode;
use crate::invoice::VatRate;
use crate::money::{Money, MoneyError};

/// Why a document's data cannot be printed as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// A required text is empty (or only white space).
    #[error("document field {field} is empty")]
    Empty {
        /// The field's name (`seller.name`, `lines[0].unit`, ...).
        field: String,
    },
    /// A text holds a control character (a line break, a tab) where one line is printed.
    #[error("document field {field} holds a control character")]
    ControlCharacter {
        /// The field's name.
        field: String,
    },
    /// A text is longer than a document can print.
    #[error("document field {field} is too long: {len} > {max} characters")]
    TooLong {
        /// The field's name.
        field: String,
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A document without lines.
    #[error("a document needs at least one line")]
    NoLines,
    /// A quantity that is not positive or has more than three decimals.
    #[error("quantity must be positive with at most three decimals: {input}")]
    Quantity {
        /// The offending quantity.
        input: String,
    },
    /// A line's sum is not its price times its quantity (rounded to the kopiyka).
    #[error("line {index}: sum {actual} is not price × quantity = {expected}")]
    LineSum {
        /// The line's index, from 0.
        index: usize,
        /// price × quantity, rounded.
        expected: Money,
        /// The sum the line holds.
        actual: Money,
    },
    /// The total is not the sum of the lines.
    #[error("total {actual} is not the sum of the lines {expected}")]
    Total {
        /// The sum of the lines.
        expected: Money,
        /// The total the document holds.
        actual: Money,
    },
    /// A VAT rate other than 20, 14 or 7 percent.
    #[error("VAT rate {rate}% is not a Ukrainian VAT rate (20, 14 or 7)")]
    VatRate {
        /// The offending rate.
        rate: u8,
    },
    /// The VAT amount is not the one the rate gives for the total.
    #[error("VAT {actual} is not {expected}, the VAT the rate includes in the total")]
    VatAmount {
        /// `total × rate / (100 + rate)`, rounded once.
        expected: Money,
        /// The VAT the document holds.
        actual: Money,
    },
    /// VAT on a document whose seller is not a VAT payer.
    #[error("the seller is not a VAT payer, so the document cannot include VAT")]
    VatNotPayer,
    /// Not a 12-digit VAT payer number (ІПН платника ПДВ).
    #[error("VAT payer number must be 12 digits: {input:?}")]
    VatPayerNumber {
        /// The offending input.
        input: String,
    },
    /// A single tax group other than 1 to 4.
    #[error("single tax group must be 1 to 4: {group}")]
    SingleTaxGroup {
        /// The offending group.
        group: u8,
    },
    /// The seller has no IBAN, so the payer cannot pay by transfer.
    #[error("the seller's IBAN is required on an invoice")]
    SellerIban,
    /// The due date is before the issue date.
    #[error("due date {due} is before the issue date {issued}")]
    DueBeforeIssue {
        /// The issue date.
        issued: NaiveDate,
        /// The due date.
        due: NaiveDate,
    },
    /// The act is dated before the period it covers starts.
    #[error("act date {date} is before its period {period} starts")]
    ActBeforePeriod {
        /// The act's date.
        date: NaiveDate,
        /// The period.
        period: BillingMonth,
    },
    /// The payment QR code says something other than the invoice (amount, number, IBAN, code).
    #[error("the payment QR code's {field} differs from the invoice's")]
    QrMismatch {
        /// `amount`, `invoice`, `iban` or `receiver_code`.
        field: &'static str,
    },
    /// The payment QR code cannot be encoded.
    #[error(transparent)]
    Qr(#[from] NbuQrError),
    /// An amount overflowed while adding the lines.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl ErrorCode for DocumentError {
    fn code(&self) -> &'static str {
        match self {
            DocumentError::Empty { .. } => "document.empty",
            DocumentError::ControlCharacter { .. } => "document.control_character",
            DocumentError::TooLong { .. } => "document.too_long",
            DocumentError::NoLines => "document.no_lines",
            DocumentError::Quantity { .. } => "document.quantity",
            DocumentError::LineSum { .. } => "document.line_sum",
            DocumentError::Total { .. } => "document.total",
            DocumentError::VatRate { .. } => "document.vat_rate",
            DocumentError::VatAmount { .. } => "document.vat_amount",
            DocumentError::VatNotPayer => "document.vat_not_payer",
            DocumentError::VatPayerNumber { .. } => "document.vat_payer_number",
            DocumentError::SingleTaxGroup { .. } => "document.single_tax_group",
            DocumentError::SellerIban => "document.seller_iban",
            DocumentError::DueBeforeIssue { .. } => "document.due_before_issue",
            DocumentError::ActBeforePeriod { .. } => "document.act_before_period",
            DocumentError::QrMismatch { .. } => "document.qr_mismatch",
            DocumentError::Qr(e) => e.code(),
            DocumentError::Money(e) => e.code(),
        }
    }

    fn is_invalid_input(&self) -> bool {
        match self {
            DocumentError::Money(e) => e.is_invalid_input(),
            _ => true,
        }
    }
}

/// Checks a one-line text: not empty, no control characters, at most `max` characters.
pub(crate) fn check_text(field: &str, value: &str, max: usize) -> Result<(), DocumentError> {
    if value.trim().is_empty() {
        return Err(DocumentError::Empty {
            field: field.to_string(),
        });
    }
    if value.chars().any(char::is_control) {
        return Err(DocumentError::ControlCharacter {
            field: field.to_string(),
        });
    }
    let len = value.chars().count();
    if len > max {
        return Err(DocumentError::TooLong {
            field: field.to_string(),
            len,
            max,
        });
    }
    Ok(())
}

/// One line of a document's table: найменування, од. виміру, кількість, ціна, сума.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentLine {
    /// What is sold (найменування), one line of text.
    pub name: String,
    /// The unit (од. виміру): `послуга`, `міс.`, `шт.`.
    pub unit: String,
    /// How many units: positive, at most three decimals.
    pub quantity: Decimal,
    /// The price of one unit (VAT included when the document has VAT).
    pub price: Money,
    /// `price × quantity`, rounded once to the kopiyka.
    pub sum: Money,
}

impl DocumentLine {
    /// The longest name a line prints.
    pub const MAX_NAME: usize = 500;
    /// The longest unit a line prints.
    pub const MAX_UNIT: usize = 20;

    /// A line whose sum is `price × quantity`, rounded half away from zero to the kopiyka.
    pub fn new(
        name: impl Into<String>,
        unit: impl Into<String>,
        quantity: Decimal,
        price: Money,
    ) -> Result<DocumentLine, DocumentError> {
        let line = DocumentLine {
            name: name.into(),
            unit: unit.into(),
            quantity,
            price,
            sum: line_sum(price, quantity)?,
        };
        line.validate(0)?;
        Ok(line)
    }

    /// The quantity as documents print it: `1`, `2,5`.
    pub fn quantity_text(&self) -> String {
        quantity_text(self.quantity)
    }

    /// Checks the texts, the quantity and that the sum is `price × quantity`.
    pub fn validate(&self, index: usize) -> Result<(), DocumentError> {
        check_text(&format!("lines[{index}].name"), &self.name, Self::MAX_NAME)?;
        check_text(&format!("lines[{index}].unit"), &self.unit, Self::MAX_UNIT)?;
        let expected = line_sum(self.price, self.quantity)?;
        if expected != self.sum {
            return Err(DocumentError::LineSum {
                index,
                expected,
                actual: self.sum,
            });
        }
        Ok(())
    }
}

fn line_sum(price: Money, quantity: Decimal) -> Result<Money, DocumentError> {
    let q = quantity.normalize();
    if q <= Decimal::ZERO || q.scale() > 3 {
        return Err(DocumentError::Quantity {
            input: quantity.to_string(),
        });
    }
    let product = price
        .as_decimal()
        .checked_mul(q)
        .ok_or(DocumentError::Money(MoneyError::Overflow))?;
    Ok(Money::round_from(product).map_err(|_| MoneyError::Overflow)?)
}

/// A quantity as documents print it: no trailing zeros, a decimal comma (`2,5`).
pub fn quantity_text(quantity: Decimal) -> String {
    quantity.normalize().to_string().replace('.', ",")
}

/// Checks the lines and returns their sum.
pub(crate) fn check_lines(lines: &[DocumentLine]) -> Result<Money, DocumentError> {
    if lines.is_empty() {
        return Err(DocumentError::NoLines);
    }
    for (i, line) in lines.iter().enumerate() {
        line.validate(i)?;
    }
    Ok(Money::sum(lines.iter().map(|l| l.sum))?)
}

/// The VAT a document states: included in the total (`у т.ч. ПДВ 20%: 200,00 грн`) or none
/// (`Без ПДВ`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Vat {
    /// The seller charges no VAT.
    #[default]
    None,
    /// VAT included in the total.
    Included {
        /// The rate in percent: 20, 14 or 7.
        rate_percent: u8,
        /// `total × rate / (100 + rate)`, rounded once, half away from zero.
        amount: Money,
    },
}

impl Vat {
    /// The VAT a rate includes in a total: `total × rate / (100 + rate)`, rounded once.
    pub fn included(rate_percent: u8, total: Money) -> Result<Vat, DocumentError> {
        if !matches!(rate_percent, 20 | 14 | 7) {
            return Err(DocumentError::VatRate { rate: rate_percent });
        }
        let rate = Decimal::from(rate_percent);
        let amount = Money::round_from(total.as_decimal() * rate / (Decimal::from(100) + rate))?;
        Ok(Vat::Included {
            rate_percent,
            amount,
        })
    }

    /// The VAT of an invoice's [`VatRate`] for a total.
    pub fn from_rate(rate: VatRate, total: Money) -> Result<Vat, DocumentError> {
        match rate {
            VatRate::None => Ok(Vat::None),
            VatRate::Standard20 => Vat::included(20, total),
        }
    }

    /// The VAT amount, if any.
    pub fn amount(&self) -> Option<Money> {
        match self {
            Vat::None => None,
            Vat::Included { amount, .. } => Some(*amount),
        }
    }

    /// The line under the total: `у т.ч. ПДВ 20%: 200,00 грн` or `Без ПДВ`.
    pub fn line_text(&self) -> String {
        match self {
            Vat::None => "Без ПДВ".to_string(),
            Vat::Included {
                rate_percent,
                amount,
            } => format!(
                "у т.ч. ПДВ {rate_percent}%: {}",
                amount.to_document_string()
            ),
        }
    }

    /// The words a payment purpose ends with: `у т.ч. ПДВ 20% 200,00 грн` or `без ПДВ`.
    pub fn purpose_text(&self) -> String {
        match self {
            Vat::None => "без ПДВ".to_string(),
            Vat::Included {
                rate_percent,
                amount,
            } => format!("у т.ч. ПДВ {rate_percent}% {}", amount.to_document_string()),
        }
    }

    /// Checks that the amount is the one the rate gives for `total`.
    pub fn check(&self, total: Money) -> Result<(), DocumentError> {
        if let Vat::Included {
            rate_percent,
            amount,
        } = *self
        {
            let expected = Vat::included(rate_percent, total)?;
            if expected.amount() != Some(amount) {
                return Err(DocumentError::VatAmount {
                    expected: expected.amount().unwrap_or(Money::ZERO),
                    actual: amount,
                });
            }
        }
        Ok(())
    }
}

const MONTHS_GENITIVE: [&str; 12] = [
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
];

const MONTHS_NOMINATIVE: [&str; 12] = [
    "січень",
    "лютий",
    "березень",
    "квітень",
    "травень",
    "червень",
    "липень",
    "серпень",
    "вересень",
    "жовтень",
    "листопад",
    "грудень",
];

/// A date as a document's heading prints it: `15 січня 2026 р.`
///
/// ```
/// let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
/// assert_eq!(billing_core::documents::date_long(d), "5 січня 2026 р.");
/// ```
pub fn date_long(date: NaiveDate) -> String {
    format!(
        "{} {} {} р.",
        date.day(),
        MONTHS_GENITIVE[date.month0() as usize],
        date.year()
    )
}

/// A date in the short numeric form: `05.01.2026`.
pub fn date_short(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

/// A billing month as a period: `січень 2026 р.`
///
/// ```
/// let m = billing_core::BillingMonth::new(2026, 2).unwrap();
/// assert_eq!(billing_core::documents::period_text(m), "лютий 2026 р.");
/// ```
pub fn period_text(month: BillingMonth) -> String {
    format!(
        "{} {} р.",
        MONTHS_NOMINATIVE[(month.month() - 1) as usize],
        month.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn vat_rounds_once_and_prints() {
        let vat = Vat::included(20, m("1000")).unwrap();
        assert_eq!(vat.amount(), Some(m("166.67")));
        assert_eq!(vat.line_text(), "у т.ч. ПДВ 20%: 166,67 грн");
        assert_eq!(vat.purpose_text(), "у т.ч. ПДВ 20% 166,67 грн");
        assert!(vat.check(m("1000")).is_ok());
        assert_eq!(
            vat.check(m("1200")).unwrap_err().code(),
            "document.vat_amount"
        );
        assert_eq!(
            Vat::included(21, m("1")).unwrap_err().code(),
            "document.vat_rate"
        );
        assert_eq!(
            Vat::included(7, m("107")).unwrap().amount(),
            Some(m("7")),
            "7% of a VAT-inclusive 107.00 is 7.00"
        );
    }

    #[test]
    fn line_sum_and_quantity() {
        let l = DocumentLine::new("Послуга", "год", Decimal::new(25, 1), m("100.01")).unwrap();
        assert_eq!(l.sum, m("250.03"), "250.025 rounds half away from zero");
        assert_eq!(l.quantity_text(), "2,5");
        let mut bad = l.clone();
        bad.sum = m("250.02");
        assert_eq!(bad.validate(3).unwrap_err().code(), "document.line_sum");
        for q in [Decimal::ZERO, Decimal::new(-1, 0), Decimal::new(1, 4)] {
            let e = DocumentLine::new("x", "шт.", q, m("1")).unwrap_err();
            assert_eq!(e.code(), "document.quantity");
        }
        let e = DocumentLine::new("a\nb", "шт.", Decimal::ONE, m("1")).unwrap_err();
        assert_eq!(e.code(), "document.control_character");
        let e = DocumentLine::new(" ", "шт.", Decimal::ONE, m("1")).unwrap_err();
        assert_eq!(e.code(), "document.empty");
        let e = DocumentLine::new("x", "шт.", Decimal::from(1000), m("999999999")).unwrap_err();
        assert_eq!(e.code(), "money.overflow");
    }

    #[test]
    fn dates_and_periods() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(date_long(d), "31 грудня 2026 р.");
        assert_eq!(date_short(d), "31.12.2026");
        assert_eq!(
            period_text(BillingMonth::new(2026, 1).unwrap()),
            "січень 2026 р."
        );
    }
}
