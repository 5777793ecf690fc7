//! The project's connected domains: internationalised names (`магазин.укр`) are accepted and kept in
//! both forms, Unicode for people and ASCII (punycode, `xn--80aa0acbc.xn--j1amh`) for DNS.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;

/// The longest domain name DNS allows, in ASCII characters (without the root dot).
pub const MAX_DOMAIN_LENGTH: usize = 253;

/// The longest label (the part between dots) DNS allows, in ASCII characters.
pub const MAX_LABEL_LENGTH: usize = 63;

/// Why a text is not a domain name a project can connect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Not a valid (internationalised) host name of at least two labels: bad characters, a label
    /// starting or ending with a hyphen, an empty label, an all-digit top-level label (an IP address).
    #[error("not a domain name (e.g. shop.com.ua or магазин.укр): {input:?}")]
    Invalid {
        /// The offending input.
        input: String,
    },
    /// Longer than DNS allows: over [`MAX_DOMAIN_LENGTH`] characters, or a label over
    /// [`MAX_LABEL_LENGTH`], counted in the ASCII (punycode) form.
    #[error("domain name is too long: {input:?}")]
    Length {
        /// The offending input.
        input: String,
    },
}

impl ErrorCode for DomainError {
    fn code(&self) -> &'static str {
        match self {
            DomainError::Invalid { .. } => "domain.invalid",
            DomainError::Length { .. } => "domain.length",
        }
    }
}

/// A validated domain name, in both forms.
///
/// Parsing applies UTS #46 (lower-cases, normalises), checks the STD3 host rules and DNS lengths, and
/// accepts either form as input: `Магазин.УКР`, `магазин.укр.` and `xn--80aa0acbc.xn--j1amh` are the
/// same domain. Two names are equal when their ASCII forms are.
///
/// ```
/// use billing_core::DomainName;
/// let d: DomainName = "Магазин.УКР".parse().unwrap();
/// assert_eq!(d.unicode(), "магазин.укр");
/// assert_eq!(d.ascii(), "xn--80aairftm.xn--j1amh");
/// assert_eq!(d, "xn--80aairftm.xn--j1amh".parse().unwrap());
/// assert!("shop..ua".parse::<DomainName>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "DomainNameRepr", into = "DomainNameRepr")]
pub struct DomainName {
    // Field order matters: equality and ordering follow the ASCII form.
    ascii: String,
    unicode: String,
}

impl DomainName {
    /// Parses a domain name in either form (surrounding spaces and one trailing root dot allowed).
    pub fn parse(input: &str) -> Result<DomainName, DomainError> {
        let invalid = || DomainError::Invalid {
            input: input.to_string(),
        };
        let trimmed = input.trim();
        let name = trimmed.strip_suffix('.').unwrap_or(trimmed);
        if name.is_empty() {
            return Err(invalid());
        }
        let uts46 = Uts46::new();
        let ascii = uts46
            .to_ascii(
                name.as_bytes(),
                AsciiDenyList::STD3,
                Hyphens::CheckFirstLast,
                DnsLength::Ignore,
            )
            .map_err(|_| invalid())?
            .into_owned();
        let labels: Vec<&str> = ascii.split('.').collect();
        if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
            return Err(invalid());
        }
        let tld = labels[labels.len() - 1];
        if tld.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        if ascii.len() > MAX_DOMAIN_LENGTH || labels.iter().any(|l| l.len() > MAX_LABEL_LENGTH) {
            return Err(DomainError::Length {
                input: input.to_string(),
            });
        }
        let (unicode, result) = uts46.to_unicode(
            ascii.as_bytes(),
            AsciiDenyList::STD3,
            Hyphens::CheckFirstLast,
        );
        result.map_err(|_| invalid())?;
        Ok(DomainName {
            unicode: unicode.into_owned(),
            ascii,
        })
    }

    /// The Unicode form, for people (`магазин.укр`).
    pub fn unicode(&self) -> &str {
        &self.unicode
    }

    /// The ASCII form (punycode where needed), for DNS and certificates (`xn--80aairftm.xn--j1amh`).
    pub fn ascii(&self) -> &str {
        &self.ascii
    }

    /// Whether the name has non-ASCII labels (its two forms differ).
    pub fn is_internationalised(&self) -> bool {
        self.ascii != self.unicode
    }
}

impl fmt::Display for DomainName {
    /// Shows the Unicode form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.unicode)
    }
}

impl fmt::Debug for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_internationalised() {
            write!(f, "DomainName({} / {})", self.unicode, self.ascii)
        } else {
            write!(f, "DomainName({})", self.ascii)
        }
    }
}

impl FromStr for DomainName {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DomainName::parse(s)
    }
}

/// The stored form: both spellings, checked against each other when read back.
#[derive(Serialize, Deserialize)]
struct DomainNameRepr {
    unicode: String,
    ascii: String,
}

impl From<DomainName> for DomainNameRepr {
    fn from(d: DomainName) -> Self {
        DomainNameRepr {
            unicode: d.unicode,
            ascii: d.ascii,
        }
    }
}

impl TryFrom<DomainNameRepr> for DomainName {
    type Error = DomainError;
    fn try_from(repr: DomainNameRepr) -> Result<Self, Self::Error> {
        let parsed = DomainName::parse(&repr.ascii)?;
        if parsed.unicode != repr.unicode {
            return Err(DomainError::Invalid {
                input: repr.unicode,
            });
        }
        Ok(parsed)
    }
}

/// A domain connected to the project, as the billing section shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectedDomain {
    /// The name, in both forms.
    pub name: DomainName,
    /// Whether this is the project's primary domain (exactly one is, while any are connected).
    pub primary: bool,
    /// When it was connected.
    pub added_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_are_kept() {
        let d = DomainName::parse(" Shop.COM.ua. ").unwrap();
        assert_eq!(d.ascii(), "shop.com.ua");
        assert_eq!(d.unicode(), "shop.com.ua");
        assert!(!d.is_internationalised());

        let d = DomainName::parse("кава.київ.ua").unwrap();
        assert!(d.is_internationalised());
        assert!(d.ascii().starts_with("xn--"));
        assert_eq!(
            DomainName::parse(d.ascii()).unwrap().unicode(),
            "кава.київ.ua"
        );
    }

    #[test]
    fn refusals() {
        let code = |s: &str| DomainName::parse(s).unwrap_err().code();
        for s in [
            "",
            ".",
            "shop",
            "shop..ua",
            ".shop.ua",
            "-shop.ua",
            "shop-.ua",
            "sh op.ua",
            "shop_1.ua",
            "shop.ua/path",
            "https://shop.ua",
            "192.168.0.1",
            "xn--zz.ua",
        ] {
            assert_eq!(code(s), "domain.invalid", "{s:?}");
        }
        let long_label = format!("{}.ua", "a".repeat(64));
        assert_eq!(code(&long_label), "domain.length");
        let long_name = format!("{}ua", "abcdefghi.".repeat(26));
        assert_eq!(code(&long_name), "domain.length");
    }
}
