//! The payer's tax id: a company's ЄДРПОУ or a sole proprietor's РНОКПП.

use std::fmt;
use std::str::FromStr;

use super::{Edrpou, EdrpouError, Rnokpp, RnokppError};
use crate::error::ErrorCode;
use crate::ids::serde_as_string;

/// Why a text is not a tax id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxIdError {
    /// Neither 8 nor 10 characters.
    #[error("tax id must be an 8-digit ЄДРПОУ or a 10-digit РНОКПП: {input:?}")]
    Length {
        /// The offending input.
        input: String,
    },
    /// 8 characters, but not a valid ЄДРПОУ.
    #[error(transparent)]
    Edrpou(#[from] EdrpouError),
    /// 10 characters, but not a valid РНОКПП.
    #[error(transparent)]
    Rnokpp(#[from] RnokppError),
}

impl ErrorCode for TaxIdError {
    fn code(&self) -> &'static str {
        match self {
            TaxIdError::Length { .. } => "tax_id.length",
            TaxIdError::Edrpou(e) => e.code(),
            TaxIdError::Rnokpp(e) => e.code(),
        }
    }
}

/// A company (ЄДРПОУ, 8 digits) or a sole proprietor (РНОКПП, 10 digits).
///
/// ```
/// use billing_core::TaxId;
/// assert!(matches!("32855961".parse::<TaxId>().unwrap(), TaxId::Company(_)));
/// assert!(matches!("3652504575".parse::<TaxId>().unwrap(), TaxId::SoleProprietor(_)));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaxId {
    /// A legal entity, by ЄДРПОУ.
    Company(Edrpou),
    /// A sole proprietor (ФОП), by РНОКПП.
    SoleProprietor(Rnokpp),
}

impl TaxId {
    /// Parses by length: 8 characters as ЄДРПОУ, 10 as РНОКПП.
    pub fn parse(input: &str) -> Result<TaxId, TaxIdError> {
        match input.len() {
            8 => Ok(TaxId::Company(Edrpou::parse(input)?)),
            10 => Ok(TaxId::SoleProprietor(Rnokpp::parse(input)?)),
            _ => Err(TaxIdError::Length {
                input: input.to_string(),
            }),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        match self {
            TaxId::Company(e) => e.as_str(),
            TaxId::SoleProprietor(r) => r.as_str(),
        }
    }

    /// Whether this is a company (ЄДРПОУ).
    pub fn is_company(&self) -> bool {
        matches!(self, TaxId::Company(_))
    }
}

impl fmt::Display for TaxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for TaxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaxId::Company(e) => write!(f, "TaxId::Company({e})"),
            TaxId::SoleProprietor(r) => write!(f, "TaxId::SoleProprietor({r})"),
        }
    }
}

impl FromStr for TaxId {
    type Err = TaxIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TaxId::parse(s)
    }
}

serde_as_string!(TaxId);
