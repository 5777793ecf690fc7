//! The owner's contact details: email address and phone number.

use std::fmt;
use std::str::FromStr;

use crate::error::ErrorCode;
use crate::ids::serde_as_string;

/// Why a text is not an email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Not of the form `local@domain.tld`, or with characters an address cannot have.
    #[error("not an email address: {input:?}")]
    Format {
        /// The offending input.
        input: String,
    },
    /// Longer than 254 characters, or a local part over 64.
    #[error("email address is too long: {input:?}")]
    Length {
        /// The offending input.
        input: String,
    },
}

impl ErrorCode for EmailError {
    fn code(&self) -> &'static str {
        match self {
            EmailError::Format { .. } => "email.format",
            EmailError::Length { .. } => "email.length",
        }
    }
}

/// An email address: `local@domain`, with the domain lower-cased; surrounding spaces are trimmed.
///
/// ```
/// use billing_core::Email;
/// let e: Email = " Owner@Shop.COM.ua ".parse().unwrap();
/// assert_eq!(e.to_string(), "Owner@shop.com.ua");
/// assert!(e.same_mailbox(&"owner@SHOP.com.ua".parse().unwrap()));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    /// Parses an address: one `@`, a local part of printable characters without spaces, and a
    /// domain of at least two dot-separated labels (letters, digits, hyphens; Unicode letters allowed).
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let s = input.trim();
        let format = || EmailError::Format {
            input: input.to_string(),
        };
        let (local, domain) = s.split_once('@').ok_or_else(format)?;
        if s.chars().count() > 254 || local.chars().count() > 64 {
            return Err(EmailError::Length {
                input: input.to_string(),
            });
        }
        let local_ok = !local.is_empty()
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.chars().count() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.chars().all(char::is_alphabetic) || tld.starts_with("xn--"));
        if !local_ok || !domain_ok {
            return Err(format());
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two addresses name the same mailbox (compared without regard to case).
    pub fn same_mailbox(&self, other: &Email) -> bool {
        self.0.to_lowercase() == other.0.to_lowercase()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({self})")
    }
}

impl FromStr for Email {
    type Err = EmailError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Email::parse(s)
    }
}

/// Why a text is not a phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Not a Ukrainian number (`050 123 45 67`, `+380501234567`) or an international one
    /// (`+` and 8 to 15 digits).
    #[error("not a phone number (e.g. 050 123 45 67 or +380501234567): {input:?}")]
    Format {
        /// The offending input.
        input: String,
    },
}

impl ErrorCode for PhoneError {
    fn code(&self) -> &'static str {
        match self {
            PhoneError::Format { .. } => "phone.format",
        }
    }
}

/// A phone number in E.164 form (`+380501234567`).
///
/// Ukrainian numbers are accepted as people write them: `050 123 45 67`, `(050) 123-45-67`,
/// `+380501234567`, `380501234567`; other countries' numbers need the `+` and country code.
///
/// ```
/// use billing_core::Phone;
/// assert_eq!("(050) 123-45-67".parse::<Phone>().unwrap().to_string(), "+380501234567");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

impl Phone {
    /// Parses and normalises to E.164.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let err = || PhoneError::Format {
            input: input.to_string(),
        };
        let s = input.trim();
        let (plus, rest) = match s.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let mut digits = String::with_capacity(16);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' | '\u{00A0}' => {}
                _ => return Err(err()),
            }
        }
        let national = |d: &str| d.len() == 9 && !d.starts_with('0');
        let e164 = if let Some(n) = digits.strip_prefix("380") {
            national(n).then(|| format!("+380{n}"))
        } else if plus {
            ((8..=15).contains(&digits.len()) && !digits.starts_with('0'))
                .then(|| format!("+{digits}"))
        } else if let Some(n) = digits.strip_prefix('0') {
            national(n).then(|| format!("+380{n}"))
        } else {
            None
        };
        e164.map(Phone).ok_or_else(err)
    }

    /// The E.164 form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({self})")
    }
}

impl FromStr for Phone {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phone::parse(s)
    }
}

serde_as_string!(Email, Phone);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalise_to_e164() {
        for s in [
            "050 123 45 67",
            "(050) 123-45-67",
            "+380501234567",
            "380501234567",
            "0501234567",
            "+38 (050) 123-45-67",
        ] {
            assert_eq!(Phone::parse(s).unwrap().as_str(), "+380501234567", "{s}");
        }
        assert_eq!(
            Phone::parse("+48 601 234 567").unwrap().as_str(),
            "+48601234567"
        );
        for s in [
            "",
            "12345",
            "050 123 45 6",
            "+380 050 123 45 67",
            "050-ABC",
            "+0123456789",
        ] {
            assert_eq!(Phone::parse(s).unwrap_err().code(), "phone.format", "{s}");
        }
    }

    #[test]
    fn emails() {
        assert!(Email::parse("a.b+tag@shop.com.ua").is_ok());
        assert!(Email::parse("owner@магазин.укр").is_ok());
        for s in [
            "", "a@", "@b.ua", "a@b", "a b@c.ua", "a@@c.ua", "a@c..ua", ".a@c.ua", "a@-c.ua",
        ] {
            assert_eq!(Email::parse(s).unwrap_err().code(), "email.format", "{s}");
        }
        let long = format!("{}@shop.ua", "a".repeat(65));
        assert_eq!(Email::parse(&long).unwrap_err().code(), "email.length");
    }
}
