//! Identifiers printed on documents: the project's service code and invoice numbers.

use std::fmt;
use std::str::FromStr;

use crate::error::ErrorCode;

/// The number of digits in a service code. The one place the width lives, for the day the platform
/// outgrows 99 999 projects.
pub const SERVICE_CODE_WIDTH: usize = 5;

/// The number of digits an invoice sequence is zero-padded to (`007`).
pub const INVOICE_SEQUENCE_WIDTH: usize = 3;

/// Why a text is not a service code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceCodeError {
    /// Not exactly [`SERVICE_CODE_WIDTH`] characters.
    #[error("service code must have exactly {SERVICE_CODE_WIDTH} digits: {input:?}")]
    Length {
        /// The offending input.
        input: String,
    },
    /// A character other than an ASCII digit.
    #[error("service code must contain only digits: {input:?}")]
    Format {
        /// The offending input.
        input: String,
    },
}

impl ErrorCode for ServiceCodeError {
    fn code(&self) -> &'static str {
        match self {
            ServiceCodeError::Length { .. } => "service_code.length",
            ServiceCodeError::Format { .. } => "service_code.format",
        }
    }
}

/// A project's service code: exactly five digits, leading zeros kept (`00042`).
///
/// ```
/// use billing_core::ServiceCode;
/// let code: ServiceCode = "00042".parse().unwrap();
/// assert_eq!(code.to_string(), "00042");
/// assert_eq!(code.value(), 42);
/// assert!("4242".parse::<ServiceCode>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceCode(u32);

impl ServiceCode {
    /// The largest code that fits the width.
    pub const MAX_VALUE: u32 = 10u32.pow(SERVICE_CODE_WIDTH as u32) - 1;

    /// Parses exactly [`SERVICE_CODE_WIDTH`] ASCII digits.
    pub fn parse(input: &str) -> Result<ServiceCode, ServiceCodeError> {
        if !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ServiceCodeError::Format {
                input: input.to_string(),
            });
        }
        if input.len() != SERVICE_CODE_WIDTH {
            return Err(ServiceCodeError::Length {
                input: input.to_string(),
            });
        }
        Ok(ServiceCode(
            input
                .bytes()
                .fold(0, |acc, b| acc * 10 + u32::from(b - b'0')),
        ))
    }

    /// A code from its numeric value (0 ..= [`ServiceCode::MAX_VALUE`]).
    pub fn from_value(value: u32) -> Result<ServiceCode, ServiceCodeError> {
        if value > Self::MAX_VALUE {
            return Err(ServiceCodeError::Length {
                input: value.to_string(),
            });
        }
        Ok(ServiceCode(value))
    }

    /// The numeric value (`00042` is 42).
    pub fn value(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:0width$}", self.0, width = SERVICE_CODE_WIDTH)
    }
}

impl fmt::Debug for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServiceCode({self})")
    }
}

impl FromStr for ServiceCode {
    type Err = ServiceCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ServiceCode::parse(s)
    }
}

/// Why a text is not an invoice number (or its prefix).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvoiceNumberError {
    /// The prefix is not 2 to 5 Latin capitals.
    #[error("invoice prefix must be 2 to 5 Latin capital letters: {input:?}")]
    Prefix {
        /// The offending input.
        input: String,
    },
    /// The text is not of the form `PREFIX-SERVICE-SEQ`.
    #[error("invoice number must look like HOR-11111-007: {input:?}")]
    Format {
        /// The offending input.
        input: String,
    },
    /// The sequence is zero, or not written canonically (three digits zero-padded, no leading zero
    /// from 1000 up).
    #[error("invoice sequence must be 001..999 or 1000 and up without leading zeros: {input:?}")]
    Sequence {
        /// The offending input.
        input: String,
    },
    /// The service code part is wrong.
    #[error(transparent)]
    ServiceCode(#[from] ServiceCodeError),
}

impl ErrorCode for InvoiceNumberError {
    fn code(&self) -> &'static str {
        match self {
            InvoiceNumberError::Prefix { .. } => "invoice_number.prefix",
            InvoiceNumberError::Format { .. } => "invoice_number.format",
            InvoiceNumberError::Sequence { .. } => "invoice_number.sequence",
            InvoiceNumberError::ServiceCode(e) => e.code(),
        }
    }
}

/// The invoice number prefix: 2 to 5 Latin capitals, `HOR` by default.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InvoicePrefix {
    bytes: [u8; 5],
    len: u8,
}

impl InvoicePrefix {
    /// The platform's default prefix, `HOR`.
    pub const DEFAULT: InvoicePrefix = InvoicePrefix {
        bytes: *b"HOR\0\0",
        len: 3,
    };

    /// Parses 2 to 5 ASCII capital letters.
    pub fn parse(input: &str) -> Result<InvoicePrefix, InvoiceNumberError> {
        let b = input.as_bytes();
        if !(2..=5).contains(&b.len()) || !b.iter().all(u8::is_ascii_uppercase) {
            return Err(InvoiceNumberError::Prefix {
                input: input.to_string(),
            });
        }
        let mut bytes = [0u8; 5];
        bytes[..b.len()].copy_from_slice(b);
        Ok(InvoicePrefix {
            bytes,
            len: b.len() as u8,
        })
    }

    /// The prefix text.
    pub fn as_str(&self) -> &str {
        // Only ASCII capitals are ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("HOR")
    }
}

impl Default for InvoicePrefix {
    fn default() -> Self {
        InvoicePrefix::DEFAULT
    }
}

impl fmt::Display for InvoicePrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for InvoicePrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InvoicePrefix({self})")
    }
}

impl FromStr for InvoicePrefix {
    type Err = InvoiceNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InvoicePrefix::parse(s)
    }
}

/// An invoice number: `HOR-11111-007` = prefix, service code, per-project sequence (from 1).
///
/// ```
/// use billing_core::{InvoiceNumber, InvoicePrefix, ServiceCode};
/// let n = InvoiceNumber::new(InvoicePrefix::DEFAULT, "11111".parse().unwrap(), 7).unwrap();
/// assert_eq!(n.to_string(), "HOR-11111-007");
/// assert_eq!("HOR-11111-1000".parse::<InvoiceNumber>().unwrap().sequence(), 1000);
/// assert!("HOR-11111-7".parse::<InvoiceNumber>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InvoiceNumber {
    prefix: InvoicePrefix,
    service_code: ServiceCode,
    sequence: u32,
}

impl InvoiceNumber {
    /// A number from its parts; the sequence starts at 1.
    pub fn new(
        prefix: InvoicePrefix,
        service_code: ServiceCode,
        sequence: u32,
    ) -> Result<InvoiceNumber, InvoiceNumberError> {
        if sequence == 0 {
            return Err(InvoiceNumberError::Sequence {
                input: "0".to_string(),
            });
        }
        Ok(InvoiceNumber {
            prefix,
            service_code,
            sequence,
        })
    }

    /// Parses the canonical form only: `PREFIX-NNNNN-SSS`.
    pub fn parse(input: &str) -> Result<InvoiceNumber, InvoiceNumberError> {
        let mut parts = input.split('-');
        let (Some(prefix), Some(code), Some(seq), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(InvoiceNumberError::Format {
                input: input.to_string(),
            });
        };
        let prefix = InvoicePrefix::parse(prefix)?;
        let service_code = ServiceCode::parse(code)?;
        let sequence = parse_sequence(seq).ok_or_else(|| InvoiceNumberError::Sequence {
            input: input.to_string(),
        })?;
        InvoiceNumber::new(prefix, service_code, sequence)
    }

    /// The prefix (`HOR`).
    pub fn prefix(&self) -> InvoicePrefix {
        self.prefix
    }

    /// The project's service code.
    pub fn service_code(&self) -> ServiceCode {
        self.service_code
    }

    /// The per-project sequence, from 1.
    pub fn sequence(&self) -> u32 {
        self.sequence
    }
}

/// A canonical sequence: exactly three digits (001..999), or four and more without a leading zero
/// for 1000 and up.
pub(crate) fn parse_sequence(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() < INVOICE_SEQUENCE_WIDTH || b.len() > 9 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.len() > INVOICE_SEQUENCE_WIDTH && b[0] == b'0' {
        return None;
    }
    let v = b.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
    (v > 0).then_some(v)
}

impl fmt::Display for InvoiceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{:0width$}",
            self.prefix,
            self.service_code,
            self.sequence,
            width = INVOICE_SEQUENCE_WIDTH
        )
    }
}

impl fmt::Debug for InvoiceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InvoiceNumber({self})")
    }
}

impl FromStr for InvoiceNumber {
    type Err = InvoiceNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InvoiceNumber::parse(s)
    }
}

macro_rules! serde_as_string {
    ($($t:ty),*) => {$(
        impl ::serde::Serialize for $t {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $t {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
    )*};
}
pub(crate) use serde_as_string;

serde_as_string!(ServiceCode, InvoicePrefix, InvoiceNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_code_keeps_leading_zeros() {
        assert_eq!(ServiceCode::parse("00042").unwrap().to_string(), "00042");
        assert_eq!(
            ServiceCode::parse("0042").unwrap_err().code(),
            "service_code.length"
        );
        assert_eq!(
            ServiceCode::parse("0004a").unwrap_err().code(),
            "service_code.format"
        );
        assert_eq!(
            ServiceCode::from_value(100_000).unwrap_err().code(),
            "service_code.length"
        );
    }

    #[test]
    fn invoice_numbers_are_canonical_only() {
        let ok = |s: &str| InvoiceNumber::parse(s).unwrap().to_string();
        assert_eq!(ok("HOR-11111-007"), "HOR-11111-007");
        assert_eq!(ok("HOR-11111-1000"), "HOR-11111-1000");
        assert_eq!(ok("AB-00001-999"), "AB-00001-999");
        let code = |s: &str| InvoiceNumber::parse(s).unwrap_err().code();
        assert_eq!(code("HOR-11111-7"), "invoice_number.sequence");
        assert_eq!(code("HOR-11111-0007"), "invoice_number.sequence");
        assert_eq!(code("HOR-11111-000"), "invoice_number.sequence");
        assert_eq!(code("hor-11111-007"), "invoice_number.prefix");
        assert_eq!(code("HORSES-11111-007"), "invoice_number.prefix");
        assert_eq!(code("HOR-1111-007"), "service_code.length");
        assert_eq!(code("HOR11111007"), "invoice_number.format");
        assert_eq!(code("HOR-11111-007-1"), "invoice_number.format");
    }
}
