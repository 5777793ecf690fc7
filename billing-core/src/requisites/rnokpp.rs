//! РНОКПП (formerly ІПН): the 10-digit taxpayer number of a person, used by sole proprietors (ФОП).

use std::fmt;
use std::str::FromStr;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::serde_as_string;

/// Why a text is not a РНОКПП.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RnokppError {
    /// Not exactly 10 characters.
    #[error("РНОКПП must have exactly 10 digits: {input:?}")]
    Length {
        /// The offending input.
        input: String,
    },
    /// A character other than an ASCII digit.
    #[error("РНОКПП must contain only digits: {input:?}")]
    Format {
        /// The offending input.
        input: String,
    },
    /// The check digit does not match.
    #[error("РНОКПП check digit does not match: {input:?}")]
    Checksum {
        /// The offending input.
        input: String,
    },
}

impl ErrorCode for RnokppError {
    fn code(&self) -> &'static str {
        match self {
            RnokppError::Length { .. } => "rnokpp.length",
            RnokppError::Format { .. } => "rnokpp.format",
            RnokppError::Checksum { .. } => "rnokpp.checksum",
        }
    }
}

/// The sex encoded in a РНОКПП's ninth digit (odd: male, even: female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Odd ninth digit.
    Male,
    /// Even ninth digit.
    Female,
}

/// A person's РНОКПП: 10 digits with a valid check digit.
///
/// ```
/// use billing_core::{Rnokpp, Sex};
/// let id: Rnokpp = "3652504575".parse().unwrap();
/// assert_eq!(id.birth_date().to_string(), "2000-01-01");
/// assert_eq!(id.sex(), Sex::Male);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rnokpp([u8; 10]);

const WEIGHTS: [i32; 9] = [-1, 5, 7, 9, 4, 6, 10, 5, 7];

#[inline(always)]
fn checksum_ok(b: &[u8]) -> bool {
    let mut sum: i32 = 0;
    for (d, w) in b.iter().zip(WEIGHTS) {
        sum += i32::from(d - b'0') * w;
    }
    // The sum can be negative (prefix 900000000 gives -9): use the Euclidean remainder.
    sum.rem_euclid(11) % 10 == i32::from(b[9] - b'0')
}

/// Whether `s` is a valid РНОКПП: exactly the verdict of [`Rnokpp::parse`], without allocating.
#[inline]
pub fn is_valid_rnokpp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b.iter().all(u8::is_ascii_digit) && checksum_ok(b)
}

impl Rnokpp {
    /// Parses exactly 10 ASCII digits with a valid check digit.
    pub fn parse(input: &str) -> Result<Rnokpp, RnokppError> {
        let b = input.as_bytes();
        if !b.iter().all(u8::is_ascii_digit) {
            return Err(RnokppError::Format {
                input: input.to_string(),
            });
        }
        if b.len() != 10 {
            return Err(RnokppError::Length {
                input: input.to_string(),
            });
        }
        if !checksum_ok(b) {
            return Err(RnokppError::Checksum {
                input: input.to_string(),
            });
        }
        let mut out = [0u8; 10];
        out.copy_from_slice(b);
        Ok(Rnokpp(out))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The birth date: 1899-12-31 plus the number in the first five digits, in days.
    pub fn birth_date(&self) -> NaiveDate {
        let days = self.0[..5]
            .iter()
            .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 31).unwrap_or_default();
        epoch.checked_add_days(Days::new(days)).unwrap_or(epoch)
    }

    /// The sex: the ninth digit is odd for men, even for women.
    pub fn sex(&self) -> Sex {
        if (self.0[8] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }
}

impl fmt::Display for Rnokpp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Rnokpp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rnokpp({self})")
    }
}

impl FromStr for Rnokpp {
    type Err = RnokppError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rnokpp::parse(s)
    }
}

serde_as_string!(Rnokpp);
