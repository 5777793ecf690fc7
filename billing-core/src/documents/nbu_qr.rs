//! The NBU payment QR code (QR-код для кредитових переказів) payload, formats 002 and 003.
//!
//! Two layers: [`NbuQrFields`] encodes raw field strings exactly as the rules lay them out (fields in
//! order, joined by LF, lengths enforced, line breaks stripped from free text, Base64URL without
//! padding after the format's URL prefix); [`PaymentQr`] builds the fields of an invoice from validated
//! types only, so the payer's banking app fills in our IBAN, the exact amount and a purpose holding the
//! exact invoice number.
//!
//! Sources: NBU resolution №97 of 19.08.2025 (format 003, in force from 01.11.2025) and №11 of
//! 01.02.2021 (format 002); field limits of 003 follow third-party implementations of its annex 4.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::ErrorCode;
use crate::ids::InvoiceNumber;
use crate::money::Money;
use crate::requisites::{Iban, TaxId};

/// The two current formats of the NBU payment QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NbuQrFormat {
    /// Format 002: `https://bank.gov.ua/qr/` + Base64URL, 13 fields, data up to 500 bytes.
    #[default]
    V002,
    /// Format 003: `https://qr.bank.gov.ua/` + Base64URL, 17 fields.
    V003,
}

impl NbuQrFormat {
    /// The URL prefix (the "app start code").
    pub fn url_prefix(self) -> &'static str {
        match self {
            NbuQrFormat::V002 => "https://bank.gov.ua/qr/",
            NbuQrFormat::V003 => "https://qr.bank.gov.ua/",
        }
    }

    fn version(self) -> &'static str {
        match self {
            NbuQrFormat::V002 => "002",
            NbuQrFormat::V003 => "003",
        }
    }
}

/// Why the fields cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NbuQrError {
    /// A field is longer than the format allows.
    #[error("QR field {field} is too long: {len} > {max} {unit}")]
    TooLong {
        /// The field's name.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
        /// `bytes` or `characters`.
        unit: &'static str,
    },
    /// A required field is empty.
    #[error("QR field {field} is required")]
    Missing {
        /// The field's name.
        field: &'static str,
    },
    /// A field holds characters the format does not allow there.
    #[error("QR field {field} is not valid: {reason}")]
    Invalid {
        /// The field's name.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The encoded data is longer than the format allows.
    #[error("QR data is too long: {len} > {max} bytes")]
    DataTooLong {
        /// The data's length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
}

impl ErrorCode for NbuQrError {
    fn code(&self) -> &'static str {
        match self {
            NbuQrError::TooLong { .. } => "nbu_qr.too_long",
            NbuQrError::Missing { .. } => "nbu_qr.missing",
            NbuQrError::Invalid { .. } => "nbu_qr.invalid",
            NbuQrError::DataTooLong { .. } => "nbu_qr.data_too_long",
        }
    }
}

/// The raw fields of a payment QR code, as strings. Reserved fields stay empty unless set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NbuQrFields {
    /// The format.
    pub format: NbuQrFormat,
    /// The function: `UCT` (credit transfer), `ICT` (instant, 003), `XCT` (either, 003).
    pub function: String,
    /// The receiver's BIC (reserved: empty).
    pub bic: String,
    /// The receiver's name.
    pub receiver_name: String,
    /// The receiver's IBAN.
    pub iban: String,
    /// The amount, `UAH` followed by the number (`UAH1200.00`), or empty.
    pub amount: String,
    /// The receiver's code: ЄДРПОУ, РНОКПП or passport number.
    pub receiver_code: String,
    /// The purpose category code, `XXXX/YYYY` in 003 (e.g. `OTHR/OTHR`); reserved in 002.
    pub purpose_code: String,
    /// The reference (ASCII; reserved in 002).
    pub reference: String,
    /// The purpose of payment (призначення платежу).
    pub purpose: String,
    /// The display text (reserved).
    pub display: String,
    /// 003: the field-lock mask, four hex digits, or empty.
    pub field_lock: String,
    /// 003: valid until, `YYMMDDhhmmss`, or empty.
    pub valid_until: String,
    /// 003: created at, `YYMMDDhhmmss`, or empty.
    pub created_at: String,
    /// 003: the digital signature (reserved: empty).
    pub signature: String,
}

/// How a field's length is measured.
#[derive(Clone, Copy)]
enum Unit {
    Bytes,
    Chars,
}

/// One field's limit and whether it is required.
struct Rule {
    name: &'static str,
    max: usize,
    unit: Unit,
    required: bool,
}

const fn rule(name: &'static str, max: usize, unit: Unit, required: bool) -> Rule {
    Rule {
        name,
        max,
        unit,
        required,
    }
}

/// Removes line breaks (which would shift every later field) and trims the value.
fn clean(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if matches!(c, '\r' | '\n' | '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

fn is_timestamp(s: &str) -> bool {
    s.is_empty() || (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()))
}

impl NbuQrFields {
    /// The data lines, in the format's order, cleaned and checked.
    pub fn data(&self) -> Result<String, NbuQrError> {
        use Unit::{Bytes, Chars};
        let v002 = self.format == NbuQrFormat::V002;
        let function = if self.function.is_empty() {
            "UCT"
        } else {
            &self.function
        };
        let allowed = if v002 {
            &["UCT"][..]
        } else {
            &["UCT", "ICT", "XCT"][..]
        };
        if !allowed.contains(&function) {
            return Err(NbuQrError::Invalid {
                field: "function",
                reason: "UCT (002) or UCT/ICT/XCT (003)",
            });
        }
        let mut fields: Vec<(Rule, String)> = vec![
            (rule("service_tag", 3, Bytes, true), "BCD".into()),
            (
                rule("version", 3, Bytes, true),
                self.format.version().into(),
            ),
            (rule("encoding", 1, Bytes, true), "1".into()),
            (rule("function", 3, Bytes, true), function.into()),
            (rule("bic", 11, Bytes, false), clean(&self.bic)),
            (
                rule("receiver_name", if v002 { 70 } else { 140 }, Chars, true),
                clean(&self.receiver_name),
            ),
            (rule("iban", 34, Bytes, true), clean(&self.iban)),
            (rule("amount", 15, Bytes, false), clean(&self.amount)),
            (
                rule("receiver_code", 10, Bytes, true),
                clean(&self.receiver_code),
            ),
            (
                rule("purpose_code", if v002 { 4 } else { 9 }, Bytes, false),
                clean(&self.purpose_code),
            ),
            (rule("reference", 35, Bytes, false), clean(&self.reference)),
            (
                rule("purpose", if v002 { 140 } else { 420 }, Chars, true),
                clean(&self.purpose),
            ),
            (
                rule("display", if v002 { 70 } else { 140 }, Chars, false),
                clean(&self.display),
            ),
        ];
        if !v002 {
            fields.extend([
                (rule("field_lock", 4, Bytes, false), clean(&self.field_lock)),
                (
                    rule("valid_until", 12, Bytes, false),
                    clean(&self.valid_until),
                ),
                (
                    rule("created_at", 12, Bytes, false),
                    clean(&self.created_at),
                ),
                (rule("signature", 0, Bytes, false), clean(&self.signature)),
            ]);
        }
        for (r, value) in &fields {
            let len = match r.unit {
                Unit::Bytes => value.len(),
                Unit::Chars => value.chars().count(),
            };
            if r.required && value.is_empty() {
                return Err(NbuQrError::Missing { field: r.name });
            }
            if len > r.max {
                return Err(NbuQrError::TooLong {
                    field: r.name,
                    len,
                    max: r.max,
                    unit: match r.unit {
                        Unit::Bytes => "bytes",
                        Unit::Chars => "characters",
                    },
                });
            }
        }
        self.check_values()?;
        let data = fields
            .into_iter()
            .map(|(_, v)| v)
            .collect::<Vec<_>>()
            .join("\n");
        if v002 && data.len() > 500 {
            return Err(NbuQrError::DataTooLong {
                len: data.len(),
                max: 500,
            });
        }
        Ok(data)
    }

    fn check_values(&self) -> Result<(), NbuQrError> {
        let amount = clean(&self.amount);
        if !amount.is_empty() {
            let number = amount.strip_prefix("UAH").ok_or(NbuQrError::Invalid {
                field: "amount",
                reason: "must start with UAH",
            })?;
            if number.parse::<Money>().is_err() || number.contains([',', ' ']) {
                return Err(NbuQrError::Invalid {
                    field: "amount",
                    reason: "UAH and an amount up to 999999999.99 with a decimal point",
                });
            }
        }
        if !clean(&self.reference).is_ascii() {
            return Err(NbuQrError::Invalid {
                field: "reference",
                reason: "ASCII only",
            });
        }
        let lock = clean(&self.field_lock);
        let lock_ok =
            lock.is_empty() || (lock.len() == 4 && lock.bytes().all(|b| b.is_ascii_hexdigit()));
        if !lock_ok {
            return Err(NbuQrError::Invalid {
                field: "field_lock",
                reason: "four hex digits",
            });
        }
        if !is_timestamp(&clean(&self.valid_until)) || !is_timestamp(&clean(&self.created_at)) {
            return Err(NbuQrError::Invalid {
                field: "valid_until/created_at",
                reason: "YYMMDDhhmmss",
            });
        }
        Ok(())
    }

    /// The URL the QR code carries: the format's prefix and the data in Base64URL without padding.
    pub fn encode(&self) -> Result<String, NbuQrError> {
        let data = self.data()?;
        Ok(format!(
            "{}{}",
            self.format.url_prefix(),
            URL_SAFE_NO_PAD.encode(data.as_bytes())
        ))
    }
}

/// An invoice's payment QR code, built from validated types only.
///
/// ```
/// use billing_core::{NbuQrFormat, PaymentQr};
/// let qr = PaymentQr {
///     format: NbuQrFormat::V002,
///     receiver_name: "ТОВ \"Хорошоп\"".into(),
///     iban: "UA213223130000026007233566001".parse().unwrap(),
///     receiver_code: "32855961".parse().unwrap(),
///     amount: "1200".parse().unwrap(),
///     invoice: "HOR-11111-007".parse().unwrap(),
///     purpose_suffix: Some("без ПДВ".into()),
///     purpose_code: None,
/// };
/// let fields = qr.fields();
/// assert_eq!(fields.amount, "UAH1200.00");
/// assert_eq!(fields.purpose, "Оплата за рахунком № HOR-11111-007, без ПДВ");
/// assert!(qr.url().unwrap().starts_with("https://bank.gov.ua/qr/QkNECjAwMgox"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentQr {
    /// The format (002 by default).
    pub format: NbuQrFormat,
    /// Our (the receiver's) name.
    pub receiver_name: String,
    /// Our IBAN.
    pub iban: Iban,
    /// Our ЄДРПОУ or РНОКПП.
    pub receiver_code: TaxId,
    /// What is owed, written always with two decimals.
    pub amount: Money,
    /// The invoice being paid.
    pub invoice: InvoiceNumber,
    /// Text after the invoice number in the purpose (e.g. `без ПДВ`, `у т.ч. ПДВ 200,00 грн`).
    pub purpose_suffix: Option<String>,
    /// The 003 purpose code; `OTHR/OTHR` when not set (some banking apps reject an empty one).
    pub purpose_code: Option<String>,
}

impl PaymentQr {
    /// The purpose of payment: `Оплата за рахунком № HOR-11111-007[, suffix]`.
    pub fn purpose(&self) -> String {
        match &self.purpose_suffix {
            Some(s) if !s.trim().is_empty() => {
                format!("Оплата за рахунком № {}, {}", self.invoice, s.trim())
            }
            _ => format!("Оплата за рахунком № {}", self.invoice),
        }
    }

    /// The raw fields.
    pub fn fields(&self) -> NbuQrFields {
        let v003 = self.format == NbuQrFormat::V003;
        NbuQrFields {
            format: self.format,
            function: "UCT".into(),
            receiver_name: self.receiver_name.clone(),
            iban: self.iban.to_string(),
            amount: format!("UAH{}", self.amount),
            receiver_code: self.receiver_code.to_string(),
            purpose_code: if v003 {
                self.purpose_code
                    .clone()
                    .unwrap_or_else(|| "OTHR/OTHR".into())
            } else {
                String::new()
            },
            reference: if v003 {
                self.invoice.to_string()
            } else {
                String::new()
            },
            purpose: self.purpose(),
            ..NbuQrFields::default()
        }
    }

    /// The URL for the QR code.
    pub fn url(&self) -> Result<String, NbuQrError> {
        self.fields().encode()
    }
}

impl fmt::Display for NbuQrFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.version())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NBU example 1 (format 002, UTF-8): the reference's worked URL, exactly.
    #[test]
    fn format_002_worked_vector() {
        let fields = NbuQrFields {
            format: NbuQrFormat::V002,
            function: "UCT".into(),
            receiver_name: "ПрАТ АК “Водопостачання”".into(),
            iban: "UA783226690000026005012107132".into(),
            amount: "UAH576.45".into(),
            receiver_code: "40723825".into(),
            purpose: "Оплата за червень 2019, вул. Свободи 1, кв. 24, Петренко С. І. Показання лічильника 23578,3".into(),
            ..NbuQrFields::default()
        };
        assert_eq!(fields.data().unwrap().len(), 263);
        assert_eq!(
            fields.encode().unwrap(),
            "https://bank.gov.ua/qr/QkNECjAwMgoxClVDVAoK0J_RgNCQ0KIg0JDQmiDigJzQktC-0LTQvtC_0L7RgdGC0LDRh9Cw0L3QvdGP4oCdClVBNzgzMjI2NjkwMDAwMDI2MDA1MDEyMTA3MTMyClVBSDU3Ni40NQo0MDcyMzgyNQoKCtCe0L_Qu9Cw0YLQsCDQt9CwINGH0LXRgNCy0LXQvdGMIDIwMTksINCy0YPQuy4g0KHQstC-0LHQvtC00LggMSwg0LrQsi4gMjQsINCf0LXRgtGA0LXQvdC60L4g0KEuINCGLiDQn9C-0LrQsNC30LDQvdC90Y8g0LvRltGH0LjQu9GM0L3QuNC60LAgMjM1NzgsMwo"
        );
    }

    /// The reference's format 003 worked URL, exactly.
    #[test]
    fn format_003_worked_vector() {
        let fields = NbuQrFields {
            format: NbuQrFormat::V003,
            function: "UCT".into(),
            receiver_name: "ТОВ \"Приклад\"".into(),
            iban: "UA213223130000026007233566001".into(),
            amount: "UAH1200.50".into(),
            receiver_code: "32855961".into(),
            reference: "INV-2025-0042".into(),
            purpose: "Оплата за рахунком № 42 від 10.01.2025, без ПДВ".into(),
            ..NbuQrFields::default()
        };
        assert_eq!(
            fields.encode().unwrap(),
            "https://qr.bank.gov.ua/QkNECjAwMwoxClVDVAoK0KLQntCSICLQn9GA0LjQutC70LDQtCIKVUEyMTMyMjMxMzAwMDAwMjYwMDcyMzM1NjYwMDEKVUFIMTIwMC41MAozMjg1NTk2MQoKSU5WLTIwMjUtMDA0MgrQntC_0LvQsNGC0LAg0LfQsCDRgNCw0YXRg9C90LrQvtC8IOKEliA0MiDQstGW0LQgMTAuMDEuMjAyNSwg0LHQtdC3INCf0JTQkgoKCgoK"
        );
    }

    #[test]
    fn limits_and_line_breaks() {
        let mut f = NbuQrFields {
            receiver_name: "Р".repeat(71),
            iban: "UA213223130000026007233566001".into(),
            receiver_code: "32855961".into(),
            purpose: "x".into(),
            ..NbuQrFields::default()
        };
        let e = f.encode().unwrap_err();
        assert_eq!(e.code(), "nbu_qr.too_long");
        assert!(e.to_string().contains("receiver_name"));
        f.receiver_name = "Р".repeat(70);
        assert!(
            f.encode().is_ok(),
            "70 Cyrillic characters fit although they are 140 bytes"
        );
        f.purpose = "рядок\nдругий".into();
        assert_eq!(
            f.data().unwrap().split('\n').count(),
            13,
            "a line break never shifts a field"
        );
        f.purpose = String::new();
        assert_eq!(f.encode().unwrap_err().code(), "nbu_qr.missing");
        f.purpose = "x".into();
        f.amount = "UAH1,5".into();
        assert_eq!(f.encode().unwrap_err().code(), "nbu_qr.invalid");
    }

    #[test]
    fn invoice_builder_003_has_purpose_code_and_reference() {
        let qr = PaymentQr {
            format: NbuQrFormat::V003,
            receiver_name: "ТОВ \"Хорошоп\"".into(),
            iban: "UA213223130000026007233566001".parse().unwrap(),
            receiver_code: "32855961".parse().unwrap(),
            amount: "0.5".parse().unwrap(),
            invoice: "HOR-11111-007".parse().unwrap(),
            purpose_suffix: None,
            purpose_code: None,
        };
        let f = qr.fields();
        assert_eq!(f.amount, "UAH0.50");
        assert_eq!(f.purpose_code, "OTHR/OTHR");
        assert_eq!(f.reference, "HOR-11111-007");
        let url = qr.url().unwrap();
        let data = URL_SAFE_NO_PAD
            .decode(url.strip_prefix("https://qr.bank.gov.ua/").unwrap())
            .unwrap();
        let text = String::from_utf8(data).unwrap();
        assert_eq!(text.split('\n').count(), 17);
        assert!(text.contains("Оплата за рахунком № HOR-11111-007"));
    }
}
