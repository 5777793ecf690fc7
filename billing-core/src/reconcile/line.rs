//! The normalised bank statement line every importer produces.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::serde_as_string;
use crate::money::Money;

/// Why a text is not a currency code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    /// Not three ASCII letters (ISO 4217 alphabetic) nor a known numeric code.
    #[error("not a currency code (ISO 4217, three letters): {input:?}")]
    Format {
        /// The offending input.
        input: String,
    },
}

impl ErrorCode for CurrencyError {
    fn code(&self) -> &'static str {
        "currency.format"
    }
}

/// An ISO 4217 currency: three capital letters (`UAH`), or three digits for a numeric code this
/// library does not name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// The hryvnia, the only currency credited automatically.
    pub const UAH: Currency = Currency(*b"UAH");

    /// Parses three ASCII letters in any case (`uah` is `UAH`), or three digits of an ISO 4217
    /// numeric code (`980` is `UAH`).
    pub fn parse(input: &str) -> Result<Currency, CurrencyError> {
        let b = input.trim().as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_alphabetic) {
            return Ok(Currency([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
                b[2].to_ascii_uppercase(),
            ]));
        }
        if b.len() == 3 && b.iter().all(u8::is_ascii_digit) {
            let n = b.iter().fold(0u16, |a, d| a * 10 + u16::from(d - b'0'));
            return Ok(Currency::from_numeric(n));
        }
        Err(CurrencyError::Format {
            input: input.to_string(),
        })
    }

    /// A currency from its ISO 4217 numeric code (monobank's `currencyCode`); codes this library
    /// does not name keep their digits (`643`).
    pub fn from_numeric(code: u16) -> Currency {
        let alpha: &[u8; 3] = match code {
            980 => b"UAH",
            840 => b"USD",
            978 => b"EUR",
            826 => b"GBP",
            985 => b"PLN",
            756 => b"CHF",
            203 => b"CZK",
            348 => b"HUF",
            946 => b"RON",
            933 => b"BYN",
            643 => b"RUB",
            _ => {
                let c = code % 1000;
                return Currency([
                    b'0' + (c / 100) as u8,
                    b'0' + (c / 10 % 10) as u8,
                    b'0' + (c % 10) as u8,
                ]);
            }
        };
        Currency(*alpha)
    }

    /// The code text (`UAH`).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Whether this is the hryvnia.
    pub fn is_uah(self) -> bool {
        self == Currency::UAH
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::UAH
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({self})")
    }
}

impl FromStr for Currency {
    type Err = CurrencyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

serde_as_string!(Currency);

/// Whether money came in or went out of our account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Money in (кредит): a payment to us.
    #[default]
    Credit,
    /// Money out (дебет): our own payment.
    Debit,
}

/// The bank's state of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    /// Posted (проведена): decided now.
    #[default]
    Booked,
    /// In progress (PrivatBank `PR_PR=p`, camt.053 `PDNG`, a monobank hold): not decided now, and
    /// not recorded as processed, so a later import decides it.
    Pending,
    /// Rejected by the bank (PrivatBank `PR_PR=n`): ignored.
    Rejected,
}

/// One statement line, normalised from any bank format. Text fields borrow from the file where
/// they can ([`BankLine::into_owned`] detaches them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankLine<'a> {
    /// The bank's transaction id (the outside id that makes crediting idempotent).
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    /// The booking date (Kyiv calendar).
    pub booked_on: NaiveDate,
    /// The booking instant, when the bank gives a time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked_at: Option<DateTime<Utc>>,
    /// The amount, without sign (see `direction`).
    pub amount: Money,
    /// Money in or out.
    pub direction: Direction,
    /// The bank's state of the line.
    #[serde(default)]
    pub status: LineStatus,
    /// Whether the line reverses an earlier one (MT940 `RC`/`RD`, PrivatBank `PR_PR=t`, camt.053
    /// `RvslInd`).
    #[serde(default)]
    pub reversal: bool,
    /// The id of the line a reversal reverses, when the bank says so.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub reverses: Option<Cow<'a, str>>,
    /// The currency of the amount.
    pub currency: Currency,
    /// The counterparty's name (the payer of an incoming line).
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub payer_name: Option<Cow<'a, str>>,
    /// The counterparty's ЄДРПОУ or РНОКПП as the bank wrote it (not validated).
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub payer_tax_id: Option<Cow<'a, str>>,
    /// The counterparty's IBAN as the bank wrote it (not validated).
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub payer_iban: Option<Cow<'a, str>>,
    /// The payment purpose (призначення платежу).
    #[serde(borrow)]
    pub purpose: Cow<'a, str>,
}

impl<'a> BankLine<'a> {
    /// A booked incoming UAH line with only the fields the decision reads (for tests and examples).
    pub fn incoming(
        id: impl Into<Cow<'a, str>>,
        booked_on: NaiveDate,
        amount: Money,
        purpose: impl Into<Cow<'a, str>>,
    ) -> BankLine<'a> {
        BankLine {
            id: id.into(),
            booked_on,
            booked_at: None,
            amount,
            direction: Direction::Credit,
            status: LineStatus::Booked,
            reversal: false,
            reverses: None,
            currency: Currency::UAH,
            payer_name: None,
            payer_tax_id: None,
            payer_iban: None,
            purpose: purpose.into(),
        }
    }

    /// The line with every text owned.
    pub fn into_owned(self) -> BankLine<'static> {
        let own = |c: Cow<'a, str>| Cow::Owned(c.into_owned());
        BankLine {
            id: own(self.id),
            booked_on: self.booked_on,
            booked_at: self.booked_at,
            amount: self.amount,
            direction: self.direction,
            status: self.status,
            reversal: self.reversal,
            reverses: self.reverses.map(own),
            currency: self.currency,
            payer_name: self.payer_name.map(own),
            payer_tax_id: self.payer_tax_id.map(own),
            payer_iban: self.payer_iban.map(own),
            purpose: own(self.purpose),
        }
    }

    /// Whether money came in.
    pub fn is_incoming(&self) -> bool {
        self.direction == Direction::Credit
    }
}
