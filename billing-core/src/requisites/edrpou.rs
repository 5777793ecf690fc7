//! ЄДРПОУ: the 8-digit code of a legal entity in the state register.

use std::fmt;
use std::str::FromStr;

use crate::error::ErrorCode;
use crate::ids::serde_as_string;

/// Why a text is not a ЄДРПОУ.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EdrpouError {
    /// Not exactly 8 characters.
    #[error("ЄДРПОУ must have exactly 8 digits: {input:?}")]
    Length {
        /// The offending input.
        input: String,
    },
    /// A character other than an ASCII digit.
    #[error("ЄДРПОУ must contain only digits: {input:?}")]
    Format {
        /// The offending input.
        input: String,
    },
    /// The check digit does not match.
    #[error("ЄДРПОУ check digit does not match: {input:?}")]
    Checksum {
        /// The offending input.
        input: String,
    },
}

impl ErrorCode for EdrpouError {
    fn code(&self) -> &'static str {
        match self {
            EdrpouError::Length { .. } => "edrpou.length",
            EdrpouError::Format { .. } => "edrpou.format",
            EdrpouError::Checksum { .. } => "edrpou.checksum",
        }
    }
}

/// A company's ЄДРПОУ: 8 digits with a valid check digit; leading zeros are significant.
///
/// ```
/// use billing_core::Edrpou;
/// let code: Edrpou = "00032129".parse().unwrap();
/// assert_eq!(code.to_string(), "00032129");
/// assert_eq!("32855968".parse::<Edrpou>().unwrap_err().to_string(),
///            "ЄДРПОУ check digit does not match: \"32855968\"");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Edrpou([u8; 8]);

/// The error a string would get, or `None` when it is a valid ЄДРПОУ. Allocation-free.
#[inline]
fn check(b: &[u8]) -> Result<(), fn(String) -> EdrpouError> {
    if !b.iter().all(u8::is_ascii_digit) {
        return Err(|input| EdrpouError::Format { input });
    }
    if b.len() != 8 {
        return Err(|input| EdrpouError::Length { input });
    }
    if checksum_ok(b) {
        Ok(())
    } else {
        Err(|input| EdrpouError::Checksum { input })
    }
}

#[inline(always)]
fn checksum_ok(b: &[u8]) -> bool {
    let d = |i: usize| u32::from(b[i] - b'0');
    // Codes from 30 000 000 to 59 999 999 use the alternative weights.
    let alt = (b'3'..=b'5').contains(&b[0]);
    let weights: [u32; 7] = if alt {
        [7, 1, 2, 3, 4, 5, 6]
    } else {
        [1, 2, 3, 4, 5, 6, 7]
    };
    let mut sum = 0;
    let mut plain = 0;
    for (i, w) in weights.iter().enumerate() {
        sum += d(i) * w;
        plain += d(i);
    }
    let mut r = sum % 11;
    if r == 10 {
        // Second pass: every weight plus two.
        r = (sum + 2 * plain) % 11 % 10;
    }
    r == d(7)
}

/// Whether `s` is a valid ЄДРПОУ: exactly the verdict of [`Edrpou::parse`], without allocating.
#[inline]
pub fn is_valid_edrpou(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8 && b.iter().all(u8::is_ascii_digit) && checksum_ok(b)
}

impl Edrpou {
    /// Parses exactly 8 ASCII digits with a valid check digit.
    pub fn parse(input: &str) -> Result<Edrpou, EdrpouError> {
        let b = input.as_bytes();
        check(b).map_err(|make| make(input.to_string()))?;
        let mut out = [0u8; 8];
        out.copy_from_slice(b);
        Ok(Edrpou(out))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for Edrpou {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Edrpou {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Edrpou({self})")
    }
}

impl FromStr for Edrpou {
    type Err = EdrpouError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Edrpou::parse(s)
    }
}

serde_as_string!(Edrpou);
