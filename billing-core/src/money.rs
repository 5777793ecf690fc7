//! Money: hryvnias (UAH) with exactly two decimal places, on `rust_decimal`, never a float.
//!
//! [`Money`] is a non-negative amount from 0.00 to 999 999 999.99, the limit of bank files and the
//! NBU payment QR code. [`SignedMoney`] is its signed sibling for balances and corrections.
//!
//! # The one rounding point
//! Nothing in this module rounds: parsing rejects a third decimal, and addition and subtraction of
//! two-place amounts are exact. The only place an amount is rounded is [`Money::round_from`]: half
//! away from zero, to the kopiyka. VAT and prorations call it once, on their final result.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ErrorCode;

/// The largest amount: 999 999 999.99 UAH (bank files and NBU QR codes carry no more).
pub const MAX_KOPIYKY: i64 = 99_999_999_999;

/// Why a text is not an amount, or why arithmetic on amounts failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The input was empty (or only white space).
    #[error("amount is empty")]
    Empty,
    /// The input has a character or layout that is not an amount.
    #[error("not an amount: {input:?}")]
    Format {
        /// The offending input.
        input: String,
    },
    /// The input has an exponent (`1e3`).
    #[error("amount must not use an exponent: {input:?}")]
    Exponent {
        /// The offending input.
        input: String,
    },
    /// The input has a sign (`-5`, `+5`): amounts are non-negative.
    #[error("amount must not carry a sign: {input:?}")]
    Sign {
        /// The offending input.
        input: String,
    },
    /// More than two decimal places.
    #[error("amount has more than two decimal places: {input:?}")]
    TooManyDecimals {
        /// The offending input.
        input: String,
    },
    /// Above 999 999 999.99 or otherwise out of the representable range.
    #[error("amount out of range (0.00 to 999 999 999.99): {input:?}")]
    OutOfRange {
        /// The offending input.
        input: String,
    },
    /// An arithmetic result above the maximum.
    #[error("amount overflow: the result exceeds 999 999 999.99")]
    Overflow,
    /// A subtraction whose result would be below zero.
    #[error("amount would be negative: {minuend} - {subtrahend}")]
    Negative {
        /// The amount subtracted from.
        minuend: String,
        /// The amount subtracted.
        subtrahend: String,
    },
}

impl ErrorCode for MoneyError {
    fn code(&self) -> &'static str {
        match self {
            MoneyError::Empty => "money.empty",
            MoneyError::Format { .. } => "money.format",
            MoneyError::Exponent { .. } => "money.exponent",
            MoneyError::Sign { .. } => "money.sign",
            MoneyError::TooManyDecimals { .. } => "money.too_many_decimals",
            MoneyError::OutOfRange { .. } => "money.out_of_range",
            MoneyError::Overflow => "money.overflow",
            MoneyError::Negative { .. } => "money.negative",
        }
    }

    fn is_invalid_input(&self) -> bool {
        !matches!(self, MoneyError::Overflow | MoneyError::Negative { .. })
    }
}

/// A non-negative UAH amount with exactly two decimal places (0.00 ..= 999 999 999.99).
///
/// ```
/// use billing_core::Money;
/// let m: Money = "1 200,5".parse().unwrap();
/// assert_eq!(m.to_string(), "1200.50");
/// assert_eq!(m.to_document_string(), "1 200,50 грн");
/// assert_eq!(m.kopiyky(), 120_050);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Money(Decimal);

impl Money {
    /// Zero hryvnias.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));
    /// The largest amount, 999 999 999.99.
    pub const MAX: Money = Money(Decimal::from_parts(1_215_752_191, 23, 0, false, 2));

    /// An amount from whole kopiyky (`120_050` is 1 200.50).
    pub fn from_kopiyky(kopiyky: i64) -> Result<Money, MoneyError> {
        if !(0..=MAX_KOPIYKY).contains(&kopiyky) {
            return Err(MoneyError::OutOfRange {
                input: kopiyky.to_string(),
            });
        }
        Ok(Money(Decimal::new(kopiyky, 2)))
    }

    /// An amount from whole hryvnias.
    pub fn from_hryvnias(hryvnias: u32) -> Result<Money, MoneyError> {
        Money::from_kopiyky(i64::from(hryvnias) * 100)
    }

    /// An amount from a decimal with at most two places, in range.
    pub fn from_decimal(value: Decimal) -> Result<Money, MoneyError> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(MoneyError::Sign {
                input: value.to_string(),
            });
        }
        let normalized = value.normalize();
        if normalized.scale() > 2 {
            return Err(MoneyError::TooManyDecimals {
                input: value.to_string(),
            });
        }
        let mut d = normalized;
        d.rescale(2);
        let out_of_range = || MoneyError::OutOfRange {
            input: value.to_string(),
        };
        let kop = decimal_to_kopiyky(d).ok_or_else(out_of_range)?;
        // The error names the decimal given, not its kopiyky.
        Money::from_kopiyky(kop).map_err(|_| out_of_range())
    }

    /// The one rounding point: a decimal rounded half away from zero to the kopiyka.
    ///
    /// Used for VAT and prorations, once, on their final result.
    pub fn round_from(value: Decimal) -> Result<Money, MoneyError> {
        Money::from_decimal(value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    /// The amount as a decimal with scale 2.
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// The amount in kopiyky.
    pub fn kopiyky(self) -> i64 {
        // Always in range: constructed only through from_kopiyky.
        decimal_to_kopiyky(self.0).unwrap_or_default()
    }

    /// Whole hryvnias (the integer part).
    pub fn hryvnias(self) -> i64 {
        self.kopiyky() / 100
    }

    /// The kopiyky part, 0..=99.
    pub fn kopiyky_part(self) -> u8 {
        (self.kopiyky() % 100) as u8
    }

    /// Whether the amount is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// `self + other`, or [`MoneyError::Overflow`].
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        Money::from_kopiyky(self.kopiyky() + other.kopiyky()).map_err(|_| MoneyError::Overflow)
    }

    /// `self - other`, or [`MoneyError::Negative`] when `other` is larger.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        let k = self.kopiyky() - other.kopiyky();
        if k < 0 {
            return Err(MoneyError::Negative {
                minuend: self.to_string(),
                subtrahend: other.to_string(),
            });
        }
        Money::from_kopiyky(k)
    }

    /// `self - other`, or zero when `other` is larger.
    pub fn saturating_sub(self, other: Money) -> Money {
        self.checked_sub(other).unwrap_or(Money::ZERO)
    }

    /// `self * n`, or [`MoneyError::Overflow`].
    pub fn checked_mul(self, n: u32) -> Result<Money, MoneyError> {
        self.kopiyky()
            .checked_mul(i64::from(n))
            .ok_or(MoneyError::Overflow)
            .and_then(|k| Money::from_kopiyky(k).map_err(|_| MoneyError::Overflow))
    }

    /// The exact sum of amounts, or [`MoneyError::Overflow`].
    pub fn sum<I: IntoIterator<Item = Money>>(items: I) -> Result<Money, MoneyError> {
        items
            .into_iter()
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
    }

    /// The amount as Ukrainian documents print it: `1 200,50 грн`.
    pub fn to_document_string(self) -> String {
        format!("{} грн", self.to_grouped_string())
    }

    /// The number as documents print it, without the currency: `1 200,50`.
    pub fn to_grouped_string(self) -> String {
        let digits = self.hryvnias().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(' ');
            }
            out.push(ch);
        }
        out.push(',');
        out.push_str(&format!("{:02}", self.kopiyky_part()));
        out
    }
}

fn decimal_to_kopiyky(d: Decimal) -> Option<i64> {
    let mut d = d;
    if d.scale() > 2 {
        return None;
    }
    d.rescale(2);
    i64::try_from(d.mantissa()).ok()
}

/// Whether `c` may separate thousands in a typed amount: a space, a non-breaking space or a narrow
/// non-breaking space.
fn is_group_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{00A0}' | '\u{202F}')
}

impl FromStr for Money {
    type Err = MoneyError;

    /// Parses `1200`, `1200.5`, `1200,50`, `1 200,50` (spaces, non-breaking or narrow non-breaking
    /// spaces between groups of three digits). Rejects signs, exponents, more than two decimals, and
    /// amounts out of range.
    fn from_str(input: &str) -> Result<Money, MoneyError> {
        let s = input.trim_matches(|c: char| c.is_whitespace());
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let err_format = || MoneyError::Format {
            input: input.to_string(),
        };
        if s.starts_with(['-', '+', '\u{2212}']) {
            return Err(MoneyError::Sign {
                input: input.to_string(),
            });
        }
        if s.contains(['e', 'E']) {
            return Err(MoneyError::Exponent {
                input: input.to_string(),
            });
        }
        let (int_part, frac_part) = match s.find(['.', ',']) {
            Some(pos) => (&s[..pos], Some(&s[pos + 1..])),
            None => (s, None),
        };
        // Integer part: digits, optionally grouped by threes with one separator between groups.
        let mut hryvnias: i64 = 0;
        let mut group_len = 0usize;
        let mut groups = 0usize;
        let mut first_group_len = 0usize;
        let mut grouped = false;
        let mut digits = 0usize;
        let mut prev_sep = true;
        for c in int_part.chars() {
            if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
                group_len += 1;
                digits += 1;
                prev_sep = false;
                if digits > 12 {
                    return Err(MoneyError::OutOfRange {
                        input: input.to_string(),
                    });
                }
                hryvnias = hryvnias * 10 + i64::from(d);
            } else if is_group_separator(c) && !prev_sep {
                if groups == 0 {
                    first_group_len = group_len;
                } else if group_len != 3 {
                    return Err(err_format());
                }
                grouped = true;
                groups += 1;
                group_len = 0;
                prev_sep = true;
            } else {
                return Err(err_format());
            }
        }
        if digits == 0 || prev_sep {
            return Err(err_format());
        }
        if grouped && (group_len != 3 || !(1..=3).contains(&first_group_len)) {
            return Err(err_format());
        }
        let mut kopiyky: i64 = 0;
        if let Some(frac) = frac_part {
            if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err_format());
            }
            if frac.len() > 2 {
                return Err(MoneyError::TooManyDecimals {
                    input: input.to_string(),
                });
            }
            for (i, b) in frac.bytes().enumerate() {
                kopiyky += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
            }
        }
        let total = hryvnias
            .checked_mul(100)
            .and_then(|h| h.checked_add(kopiyky))
            .ok_or_else(|| MoneyError::OutOfRange {
                input: input.to_string(),
            })?;
        Money::from_kopiyky(total).map_err(|_| MoneyError::OutOfRange {
            input: input.to_string(),
        })
    }
}

impl fmt::Display for Money {
    /// The machine form: `1200.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = self.kopiyky();
        write!(f, "{}.{:02}", k / 100, k % 100)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl TryFrom<Decimal> for Money {
    type Error = MoneyError;
    fn try_from(value: Decimal) -> Result<Money, MoneyError> {
        Money::from_decimal(value)
    }
}

impl From<Money> for Decimal {
    fn from(m: Money) -> Decimal {
        m.0
    }
}

/// A signed UAH amount with two decimal places, for balances and corrections.
///
/// ```
/// use billing_core::{Money, SignedMoney};
/// let owed: Money = "100".parse().unwrap();
/// let paid: Money = "150".parse().unwrap();
/// let balance = SignedMoney::from(paid) - SignedMoney::from(owed);
/// assert_eq!(balance.to_string(), "50.00");
/// assert_eq!((SignedMoney::from(owed) - SignedMoney::from(paid)).to_string(), "-50.00");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SignedMoney(i64);

impl SignedMoney {
    /// Zero.
    pub const ZERO: SignedMoney = SignedMoney(0);

    /// From signed kopiyky.
    pub fn from_kopiyky(kopiyky: i64) -> SignedMoney {
        SignedMoney(kopiyky)
    }

    /// The amount in kopiyky.
    pub fn kopiyky(self) -> i64 {
        self.0
    }

    /// The amount as a decimal with scale 2.
    pub fn as_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Whether the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The magnitude as [`Money`], when it is in range.
    pub fn abs(self) -> Result<Money, MoneyError> {
        Money::from_kopiyky(self.0.unsigned_abs() as i64).map_err(|_| MoneyError::Overflow)
    }

    /// The sign of the amount.
    pub fn signum(self) -> Ordering {
        self.0.cmp(&0)
    }
}

impl From<Money> for SignedMoney {
    fn from(m: Money) -> SignedMoney {
        SignedMoney(m.kopiyky())
    }
}

impl std::ops::Add for SignedMoney {
    type Output = SignedMoney;
    fn add(self, rhs: SignedMoney) -> SignedMoney {
        // Amounts are bounded by 10^11 kopiyky, so sums of up to 10^7 amounts cannot overflow i64.
        SignedMoney(self.0.saturating_add(rhs.0))
    }
}

impl std::ops::Sub for SignedMoney {
    type Output = SignedMoney;
    fn sub(self, rhs: SignedMoney) -> SignedMoney {
        SignedMoney(self.0.saturating_sub(rhs.0))
    }
}

impl std::ops::Neg for SignedMoney {
    type Output = SignedMoney;
    fn neg(self) -> SignedMoney {
        SignedMoney(-self.0)
    }
}

impl fmt::Display for SignedMoney {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

impl fmt::Debug for SignedMoney {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignedMoney({self})")
    }
}

impl FromStr for SignedMoney {
    type Err = MoneyError;
    /// Parses an optional leading `-` followed by a [`Money`] amount.
    fn from_str(input: &str) -> Result<SignedMoney, MoneyError> {
        let s = input.trim();
        match s.strip_prefix(['-', '\u{2212}']) {
            Some(rest) => Ok(-SignedMoney::from(rest.parse::<Money>()?)),
            None => Ok(SignedMoney::from(s.parse::<Money>()?)),
        }
    }
}

impl Serialize for SignedMoney {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SignedMoney {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SignedMoney, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn parses_the_written_forms() {
        assert_eq!(m("1200").kopiyky(), 120_000);
        assert_eq!(m("1200.5").kopiyky(), 120_050);
        assert_eq!(m("1200,50").kopiyky(), 120_050);
        assert_eq!(m("1 200,50").kopiyky(), 120_050);
        assert_eq!(m("1\u{00A0}200,50").kopiyky(), 120_050);
        assert_eq!(m("1\u{202F}200\u{202F}000").kopiyky(), 120_000_000);
        assert_eq!(m("999 999 999.99"), Money::MAX);
        assert_eq!(m("0"), Money::ZERO);
    }

    #[test]
    fn rejects_bad_forms_with_codes() {
        let code = |s: &str| s.parse::<Money>().unwrap_err().code();
        assert_eq!(code(""), "money.empty");
        assert_eq!(code("  "), "money.empty");
        assert_eq!(code("1.005"), "money.too_many_decimals");
        assert_eq!(code("1.500"), "money.too_many_decimals");
        assert_eq!(code("1e3"), "money.exponent");
        assert_eq!(code("NaN"), "money.format");
        assert_eq!(code("-5"), "money.sign");
        assert_eq!(code("+5"), "money.sign");
        assert_eq!(code("1000000000"), "money.out_of_range");
        assert_eq!(code("1 2000"), "money.format");
        assert_eq!(code("12  000"), "money.format");
        assert_eq!(code("1.2.3"), "money.format");
        assert_eq!(code("1."), "money.format");
        assert_eq!(code(".5"), "money.format");
        assert_eq!(code("١٢"), "money.format");
    }

    #[test]
    fn checked_arithmetic() {
        assert_eq!(Money::MAX.checked_add(m("0.01")), Err(MoneyError::Overflow));
        assert_eq!(
            m("1").checked_sub(m("2")).unwrap_err().code(),
            "money.negative"
        );
        assert_eq!(m("2").checked_sub(m("0.01")).unwrap(), m("1.99"));
        assert_eq!(m("0.10").checked_mul(3).unwrap(), m("0.30"));
        assert_eq!(Money::sum([m("0.10"), m("0.20")]).unwrap(), m("0.30"));
    }

    #[test]
    fn rounds_once_half_away_from_zero() {
        assert_eq!(
            Money::round_from(Decimal::new(12345, 3)).unwrap(),
            m("12.35")
        );
        assert_eq!(
            Money::round_from(Decimal::new(12344, 3)).unwrap(),
            m("12.34")
        );
    }

    #[test]
    fn displays_for_documents_and_machines() {
        assert_eq!(m("1234567.8").to_document_string(), "1 234 567,80 грн");
        assert_eq!(m("12").to_document_string(), "12,00 грн");
        assert_eq!(m("0.05").to_string(), "0.05");
        assert_eq!(m("1200.5").to_string(), "1200.50");
    }

    #[test]
    fn decimal_conversions() {
        assert_eq!(Money::from_decimal(Decimal::new(15, 1)).unwrap(), m("1.50"));
        assert_eq!(
            Money::from_decimal(Decimal::new(1505, 3))
                .unwrap_err()
                .code(),
            "money.too_many_decimals"
        );
        assert_eq!(
            Money::from_decimal(Decimal::new(-1, 0)).unwrap_err().code(),
            "money.sign"
        );
        assert_eq!(m("1.5").as_decimal().scale(), 2);
        assert_eq!(
            Money::from_decimal(Decimal::new(1_000_000_000, 0)),
            Err(MoneyError::OutOfRange {
                input: "1000000000".into()
            }),
            "the error names the decimal given, not its kopiyky"
        );
    }
}
