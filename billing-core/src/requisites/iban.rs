//! IBAN on the `iban_validate` crate, with the Ukrainian bank code (МФО) and bank name.

use std::fmt;
use std::str::FromStr;

use iban::IbanLike;

use super::banks::bank_name_by_mfo;
use crate::error::ErrorCode;
use crate::ids::serde_as_string;

/// The longest IBAN in electronic form.
const MAX_ELECTRONIC: usize = 34;
/// The longest IBAN in print form: 34 characters in groups of four with single spaces.
const MAX_PRINT: usize = MAX_ELECTRONIC + (MAX_ELECTRONIC - 1) / 4;
/// A Ukrainian IBAN's length: `UA` + 2 check digits + 6-digit МФО + 19-character account.
const UA_LEN: usize = 29;

/// Why a text is not an IBAN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    /// Not an IBAN's layout: two letters, two digits, up to 30 letters or digits, written without
    /// spaces or in groups of four.
    #[error("not an IBAN (two letters, two digits, then letters and digits): {input:?}")]
    Format {
        /// The offending input.
        input: String,
    },
    /// The mod-97 check digits do not match.
    #[error("IBAN check digits do not match: {input:?}")]
    Checksum {
        /// The offending input.
        input: String,
    },
    /// The country is known but the account part (BBAN) has the wrong length or characters for it
    /// (a Ukrainian IBAN has 29 characters).
    #[error("IBAN has the wrong length or characters for its country: {input:?}")]
    Bban {
        /// The offending input.
        input: String,
    },
    /// The country code is not in the IBAN registry.
    #[error("IBAN country is not in the IBAN registry: {input:?}")]
    Country {
        /// The offending input.
        input: String,
    },
}

impl ErrorCode for IbanError {
    fn code(&self) -> &'static str {
        match self {
            IbanError::Format { .. } => "iban.format",
            IbanError::Checksum { .. } => "iban.checksum",
            IbanError::Bban { .. } => "iban.bban",
            IbanError::Country { .. } => "iban.country",
        }
    }
}

/// A valid IBAN, normalised to the electronic form in upper case.
///
/// Accepts the electronic form (`UA213223130000026007233566001`) and the print form in groups of
/// four (`UA21 3223 1300 0002 6007 2335 6600 1`), in any case.
///
/// ```
/// use billing_core::Iban;
/// let iban: Iban = "UA21 3223 1300 0002 6007 2335 6600 1".parse().unwrap();
/// assert!(iban.is_ukrainian());
/// assert_eq!(iban.mfo(), Some("322313"));
/// assert_eq!(iban.to_print_string(), "UA21 3223 1300 0002 6007 2335 6600 1");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Iban(iban::Iban);

/// The input upper-cased into a stack buffer, when it is short ASCII; no allocation.
#[inline]
fn upper_ascii(s: &str, buf: &mut [u8; MAX_PRINT]) -> Option<usize> {
    let b = s.as_bytes();
    if b.len() > MAX_PRINT || !b.is_ascii() {
        return None;
    }
    for (dst, src) in buf.iter_mut().zip(b) {
        *dst = src.to_ascii_uppercase();
    }
    Some(b.len())
}

impl Iban {
    /// Parses an IBAN in electronic or print form, in any case.
    pub fn parse(input: &str) -> Result<Iban, IbanError> {
        let mut buf = [0u8; MAX_PRINT];
        let len = upper_ascii(input, &mut buf).ok_or_else(|| IbanError::Format {
            input: input.to_string(),
        })?;
        let upper = std::str::from_utf8(&buf[..len]).map_err(|_| IbanError::Format {
            input: input.to_string(),
        })?;
        upper.parse::<iban::Iban>().map(Iban).map_err(|e| {
            let input = input.to_string();
            match e {
                iban::ParseIbanError::InvalidBaseIban {
                    source: iban::ParseBaseIbanError::InvalidChecksum,
                } => IbanError::Checksum { input },
                iban::ParseIbanError::InvalidBaseIban { .. } => IbanError::Format { input },
                iban::ParseIbanError::InvalidBban(_) => IbanError::Bban { input },
                iban::ParseIbanError::UnknownCountry(_) => IbanError::Country { input },
            }
        })
    }

    /// The electronic form: `UA213223130000026007233566001`.
    pub fn as_str(&self) -> &str {
        self.0.electronic_str()
    }

    /// The print form in groups of four: `UA21 3223 1300 0002 6007 2335 6600 1`.
    pub fn to_print_string(&self) -> String {
        self.0.to_string()
    }

    /// The ISO country code (`UA`).
    pub fn country_code(&self) -> &str {
        self.0.country_code()
    }

    /// Whether the account is in a Ukrainian bank.
    pub fn is_ukrainian(&self) -> bool {
        self.country_code() == "UA"
    }

    /// The Ukrainian bank code (МФО), for a Ukrainian IBAN.
    pub fn mfo(&self) -> Option<&str> {
        if self.is_ukrainian() {
            self.0.bank_identifier()
        } else {
            None
        }
    }

    /// The bank's name, for a Ukrainian IBAN of a bank in the shipped table.
    pub fn bank_name(&self) -> Option<&'static str> {
        self.mfo().and_then(bank_name_by_mfo)
    }
}

/// Whether `s` is a valid IBAN: exactly the verdict of [`Iban::parse`], without allocating.
///
/// Layout, check digits and the Ukrainian account format are checked here directly; the account
/// format of other countries comes from the `iban_validate` registry.
#[inline]
pub fn is_valid_iban(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() == UA_LEN && b[..2].eq_ignore_ascii_case(b"UA") {
        // The hot path: a Ukrainian IBAN in electronic form, checked in place.
        return b[2..10].iter().all(u8::is_ascii_digit)
            && b[10..].iter().all(u8::is_ascii_alphanumeric)
            && checksum_ok(b);
    }
    if b.len() > MAX_PRINT {
        return false;
    }
    let mut compact = [0u8; MAX_ELECTRONIC];
    let Some(n) = compact_form(b, &mut compact) else {
        return false;
    };
    let iban = &compact[..n];
    if !checksum_ok(iban) {
        return false;
    }
    if &iban[..2] == b"UA" {
        return n == UA_LEN && iban[4..10].iter().all(u8::is_ascii_digit);
    }
    // Other countries: the registry's account format.
    std::str::from_utf8(iban).is_ok_and(|e| e.parse::<iban::Iban>().is_ok())
}

/// The electronic form of the input, upper-cased and checked for the basic layout, in `out`; its
/// length. Non-ASCII bytes fail the layout checks.
#[inline]
fn compact_form(b: &[u8], out: &mut [u8; MAX_ELECTRONIC]) -> Option<usize> {
    let mut n = 0;
    let print = b.contains(&b' ');
    if print && (b.len() % 5 == 0 || b.chunks_exact(5).any(|c| c[4] != b' ')) {
        return None;
    }
    for (i, &c) in b.iter().enumerate() {
        if print && i % 5 == 4 {
            continue;
        }
        let c = c.to_ascii_uppercase();
        let ok = match n {
            0 | 1 => c.is_ascii_uppercase(),
            2 | 3 => c.is_ascii_digit(),
            _ => c.is_ascii_alphanumeric(),
        };
        if !ok || n == MAX_ELECTRONIC {
            return None;
        }
        out[n] = c;
        n += 1;
    }
    (n >= 4).then_some(n)
}

/// ISO 7064 mod 97-10 over the rearranged IBAN, and check digits other than 00 and 01. Letters may
/// be in either case; the layout is checked by the caller.
#[inline]
fn checksum_ok(iban: &[u8]) -> bool {
    if &iban[2..4] == b"00" || &iban[2..4] == b"01" {
        return false;
    }
    let mut acc: u64 = 0;
    for &c in iban[4..].iter().chain(&iban[..4]) {
        acc = if c.is_ascii_digit() {
            acc * 10 + u64::from(c - b'0')
        } else {
            acc * 100 + u64::from(c.to_ascii_uppercase() - b'A' + 10)
        };
        // Reduce before the accumulator can overflow: fine for 15+ digits of headroom.
        if acc >= 1 << 50 {
            acc %= 97;
        }
    }
    acc % 97 == 1
}

impl fmt::Display for Iban {
    /// The electronic form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iban({self})")
    }
}

impl FromStr for Iban {
    type Err = IbanError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Iban::parse(s)
    }
}

serde_as_string!(Iban);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_forms_in_any_case() {
        for s in [
            "UA213223130000026007233566001",
            "ua213223130000026007233566001",
            "UA21 3223 1300 0002 6007 2335 6600 1",
            "ua21 3223 1300 0002 6007 2335 6600 1",
        ] {
            let iban = Iban::parse(s).unwrap();
            assert_eq!(iban.as_str(), "UA213223130000026007233566001");
            assert!(is_valid_iban(s), "{s}");
        }
    }

    #[test]
    fn errors_have_codes() {
        let code = |s: &str| Iban::parse(s).unwrap_err().code();
        assert_eq!(code("UA213223130000026007233566002"), "iban.checksum");
        assert_eq!(code("UA21 32231300 0002 6007 2335 6600 1"), "iban.format");
        assert_eq!(code(""), "iban.format");
        assert_eq!(code("UA2132231300000260072335660"), "iban.checksum");
        assert_eq!(code("ХА213223130000026007233566001"), "iban.format");
    }

    #[test]
    fn foreign_ibans_are_valid_but_not_ukrainian() {
        let de = Iban::parse("DE89370400440532013000").unwrap();
        assert!(!de.is_ukrainian());
        assert_eq!(de.mfo(), None);
        assert!(is_valid_iban("DE89 3704 0044 0532 0130 00"));
    }
}
