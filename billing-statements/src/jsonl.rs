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
    /// The record of a line written the plain way (every member a string, or `null` where
    /// allowed; no `\u` escapes), without serde: what `serde_json` reads from such a line.
    /// `None` for any other line, which `serde_json` then reads (or refuses) itself.
    fn read_plain(line: &'a str) -> Option<JsonlRecord<'a>> {
        let mut id = None;
        let mut date = None;
        let mut amount = None;
        let mut currency = None;
        let mut payer_name = None;
        let mut payer_edrpou = None;
        let mut payer_iban = None;
        let mut purpose = None;
        // A required member must be a string; each member may appear once.
        fn required<'a>(slot: &mut Option<Cow<'a, str>>, v: Option<Cow<'a, str>>) -> bool {
            match v {
                Some(v) if slot.is_none() => {
                    *slot = Some(v);
                    true
                }
                _ => false,
            }
        }
        fn optional<'a>(slot: &mut Option<Option<Cow<'a, str>>>, v: Option<Cow<'a, str>>) -> bool {
            slot.is_none() && {
                *slot = Some(v);
                true
            }
        }
        let read = crate::text::flat_object(line, |key, value| match key {
            "id" => required(&mut id, value),
            "date" => required(&mut date, value),
            "amount" => required(&mut amount, value),
            "currency" => required(&mut currency, value),
            "purpose" => required(&mut purpose, value),
            "payer_name" => optional(&mut payer_name, value),
            "payer_edrpou" => optional(&mut payer_edrpou, value),
            "payer_iban" => optional(&mut payer_iban, value),
            _ => false,
        });
        if !read {
            return None;
        }
        Some(JsonlRecord {
            id: id?,
            date: date?,
            amount: amount?,
            currency: currency?,
            payer_name: payer_name.flatten(),
            payer_edrpou: payer_edrpou.flatten(),
            payer_iban: payer_iban.flatten(),
            purpose: purpose?,
        })
    }

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
    let fast = text.and_then(JsonlRecord::read_plain);
    let rec: JsonlRecord<'_> = match (fast, text) {
        (Some(rec), _) => Ok(rec),
        (None, Some(t)) => serde_json::from_str(t),
        (None, None) => serde_json::from_slice(line),
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PLAIN: &str = r#"{"id": "TX1", "date": "2025-01-15", "amount": "965.53", "currency": "UAH", "payer_name": "ТОВ \"Приклад\"", "payer_edrpou": "32855961", "payer_iban": null, "purpose": "Оплата HOR 00488_068, місяць"}"#;

    /// The plain reader, where it reads a line, reads what serde_json reads.
    fn agrees(line: &str) -> bool {
        let fast = JsonlRecord::read_plain(line);
        let slow = serde_json::from_str::<JsonlRecord<'_>>(line).ok();
        if let Some(f) = &fast {
            assert_eq!(Some(f), slow.as_ref(), "{line:?}");
        }
        fast.is_some()
    }

    #[test]
    fn reads_plain_lines_as_serde_does() {
        for line in [
            PLAIN,
            r#"{"id":"T","date":"2025-01-15","amount":"-1","currency":"uah","purpose":""}"#,
            r#"  { "purpose" : "a\\b\/c\n\t\"" ,"currency":"UAH","amount":"1","date":"d","id":"x" }  "#,
            r#"{"id":"T","date":"2025-01-15","amount":"1","currency":"UAH","payer_name":null,"payer_edrpou":null,"payer_iban":"UA","purpose":"p"}"#,
        ] {
            assert!(agrees(line), "{line:?}");
        }
        // Left to serde_json (which reads some and refuses the others).
        for line in [
            r#"{"id":"T","date":"2025-01-15","amount":"1","currency":"UAH"}"#,
            r#"{"id":"T","id":"U","date":"2025-01-15","amount":"1","currency":"UAH","purpose":"p"}"#,
            r#"{"id":"T","date":"2025-01-15","amount":"1","currency":"UAH","purpose":"p","extra":"x"}"#,
            r#"{"id":"\u0054","date":"2025-01-15","amount":"1","currency":"UAH","purpose":"p"}"#,
            r#"{"id":null,"date":"2025-01-15","amount":"1","currency":"UAH","purpose":"p"}"#,
            r#"{"id":"T","date":"2025-01-15","amount":1,"currency":"UAH","purpose":"p"}"#,
            r#"{"\u0069d":"T","date":"2025-01-15","amount":"1","currency":"UAH","purpose":"p"}"#,
            "{\"id\":\"T\",\t\"date\":\"2025-01-15\",\"amount\":\"1\",\"currency\":\"UAH\",\"purpose\":\"p\"}",
            "{\"id\":\"T\u{1}\",\"date\":\"2025-01-15\",\"amount\":\"1\",\"currency\":\"UAH\",\"purpose\":\"p\"}",
            r#"{"id":"T","date":"2025-01-15","amount":"1","currency":"UAH","purpose":"p"} x"#,
            r#"{"id":"T","date":"2025-01-15","amount":"1","currency":"UAH","purpose":"p",}"#,
            r#"{"id":"T","date":"2025-01-15","amount":"1","currency":"UAH","purpose":"p\x"}"#,
            r#"{"id":"T","date":"2025-01-15","amount":"1","currency":"UAH","purpose":"p"#,
            r#"{"id":"T","date":"2025-01-15","amount":"1","currency":"UAH","payer_name":nul,"purpose":"p"}"#,
            r#"["id"]"#,
            "{}",
            "",
        ] {
            assert!(!agrees(line), "{line:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn plain_reader_never_disagrees_with_serde(
            members in proptest::collection::vec((0usize..11, 0usize..12, 0usize..4), 0..11),
            cut in proptest::option::of(0usize..400),
        ) {
            const KEYS: [&str; 11] = ["id", "date", "amount", "currency", "payer_name",
                "payer_edrpou", "payer_iban", "purpose", "other", "i\\u0064", ""];
            const VALUES: [&str; 12] = ["\"T1\"", "\"2025-01-15\"", "\"1200.00\"", "\"UAH\"", "null",
                "\"нор 11111/007\"", "\"a\\\"b\\\\c\\/\\n\"", "\"\\u0041\"", "12", "\"\\q\"", "\"\"",
                "{\"a\":\"b\"}"];
            const WS: [&str; 4] = ["", " ", "  ", "\t"];
            let mut line = String::from("{");
            for (n, (k, v, w)) in members.iter().enumerate() {
                if n > 0 {
                    line.push(',');
                }
                line.push_str(WS[*w]);
                line.push_str(&format!("\"{}\"{}:{}{}", KEYS[*k], WS[*w], WS[*w], VALUES[*v]));
            }
            line.push('}');
            agrees(&line);
            if let Some(c) = cut {
                let mut at = c.min(line.len());
                while !line.is_char_boundary(at) {
                    at -= 1;
                }
                agrees(&line[..at]);
            }
        }
    }
}
