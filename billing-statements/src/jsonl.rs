//! JSON Lines: one object per line with exactly the fields `id, date, amount, currency, payer_name,
//! payer_edrpou, payer_iban, purpose`. `amount` is a decimal string; a leading `-` marks money out.
//! `date` is `YYYY-MM-DD` or an RFC 3339 instant. Blank lines are skipped.
//!
//! Large files are read on all cores (the lines are independent); errors still name the first bad
//! line.

use std::borrow::Cow;

use billing_core::reconcile::{BankLine, Currency, Direction, LineStatus};
use billing_core::Money;
use chrono::DateTime;
use serde::{Deserialize, Serialize};

use crate::{Format, StatementError};

/// One JSON Lines record as written (the bindings accept the same objects).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonlRecord<'a> {
    /// The bank's transaction id.
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    /// `YYYY-MM-DD` or an RFC 3339 instant.
    #[serde(borrow)]
    pub date: Cow<'a, str>,
    /// A decimal string; `-` in front for money out.
    #[serde(borrow)]
    pub amount: Cow<'a, str>,
    /// ISO 4217 code (`UAH`).
    #[serde(borrow)]
    pub currency: Cow<'a, str>,
    /// The payer's name.
    #[serde(borrow, default)]
    pub payer_name: Option<Cow<'a, str>>,
    /// The payer's ЄДРПОУ or РНОКПП.
    #[serde(borrow, default)]
    pub payer_edrpou: Option<Cow<'a, str>>,
    /// The payer's IBAN.
    #[serde(borrow, default)]
    pub payer_iban: Option<Cow<'a, str>>,
    /// The payment purpose.
    #[serde(borrow)]
    pub purpose: Cow<'a, str>,
}

fn opt(v: Option<Cow<'_, str>>) -> Option<Cow<'_, str>> {
    v.filter(|s| !s.trim().is_empty())
}

impl<'a> JsonlRecord<'a> {
    /// The normalised line, or what is wrong with a field.
    pub fn into_line(self) -> Result<BankLine<'a>, String> {
        let (direction, amount_text) = match self.amount.strip_prefix('-') {
            Some(rest) => (Direction::Debit, rest),
            None => (Direction::Credit, &*self.amount),
        };
        let amount: Money = amount_text
            .parse()
            .map_err(|e| format!("amount {:?}: {e}", self.amount))?;
        let currency = Currency::parse(&self.currency).map_err(|e| e.to_string())?;
        let (booked_on, booked_at) = if self.date.len() == 10 {
            let d = crate::text::date_iso(&self.date)
                .ok_or_else(|| format!("date {:?}: not YYYY-MM-DD", self.date))?;
            (d, None)
        } else {
            let t = DateTime::parse_from_rfc3339(&self.date)
                .map_err(|_| format!("date {:?}: not YYYY-MM-DD nor RFC 3339", self.date))?
                .with_timezone(&chrono::Utc);
            (billing_core::calendar::kyiv_date(t), Some(t))
        };
        if self.id.trim().is_empty() {
            return Err("id is empty".to_string());
        }
        Ok(BankLine {
            id: self.id,
            booked_on,
            booked_at,
            amount,
            direction,
            status: LineStatus::Booked,
            reversal: false,
            reverses: None,
            currency,
            payer_name: opt(self.payer_name),
            payer_tax_id: opt(self.payer_edrpou),
            payer_iban: opt(self.payer_iban),
            purpose: self.purpose,
        })
    }
}

/// Parses one line (1-based `line_no` for the error).
pub fn parse_line(line: &[u8], line_no: usize) -> Result<BankLine<'_>, StatementError> {
    parse_line_text(line, crate::text::utf8(line), line_no)
}

fn parse_line_text<'a>(
    line: &'a [u8],
    text: Option<&'a str>,
    line_no: usize,
) -> Result<BankLine<'a>, StatementError> {
    let err = |code, msg: String| {
        StatementError::new(code, Format::Jsonl, format!("line {line_no}"), msg)
    };
    let rec: JsonlRecord<'_> = match text {
        Some(t) => serde_json::from_str(t),
        None => serde_json::from_slice(line),
    }
    .map_err(|e| err("statement.syntax", e.to_string()))?;
    rec.into_line().map_err(|m| err("statement.field", m))
}

/// Parses a JSON Lines statement, on all cores for large files.
pub fn parse(bytes: &[u8]) -> Result<Vec<BankLine<'_>>, StatementError> {
    crate::text::par_lines(
        bytes,
        parse_line_text,
        StatementError::new(
            "statement.syntax",
            Format::Jsonl,
            "file",
            "a reader thread failed",
        ),
    )
}
