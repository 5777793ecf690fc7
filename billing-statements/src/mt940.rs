//! SWIFT MT940, as Ukrainian banks write it: Cyrillic in `:86:`, several statements in one file.
//!
//! - Each statement (from `:20:`) takes its currency from its balance lines (`:60F:`/`:60M:`).
//! - `:61:` gives the value date, the optional entry date, `C`/`D` (or the reversals `RC`/`RD`),
//!   the amount (decimal comma) and the id: the bank reference after `//`.
//! - `:86:` after a `:61:` gives the purpose. In the tagged layout (`/PURP/` purpose, `/NAME/`
//!   payer name, `/CODE/` payer ЄДРПОУ/РНОКПП, `/IBAN/` payer IBAN) a line starting with `//`
//!   continues the previous piece and is joined to it with nothing in between (a reference may be
//!   split across lines); an untagged `:86:` is the purpose as a whole, its lines joined with
//!   nothing in between (banks wrap at a fixed width).
//! - The file is UTF-8 (a byte order mark is allowed), or Windows-1251 when it is not valid UTF-8.
//!   SWIFT block wrappers (`{1:...}{2:...}{4:` and `-}`) are skipped.

use std::borrow::Cow;

use billing_core::reconcile::{BankLine, Currency, Direction, LineStatus};
use billing_core::Money;
use chrono::NaiveDate;

use crate::{Format, StatementError};

struct Field {
    tag: String,
    line: usize,
    lines: Vec<String>,
}

fn err(code: &'static str, line: usize, m: impl Into<String>) -> StatementError {
    StatementError::new(code, Format::Mt940, format!("line {line}"), m)
}

/// Splits the text into tagged fields (`:61:` and its continuation lines).
fn fields(text: &str) -> Result<Vec<Field>, StatementError> {
    let mut out: Vec<Field> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let no = i + 1;
        let mut line = raw.strip_suffix('\r').unwrap_or(raw);
        // SWIFT envelope: `{1:...}{2:...}{4:` then the fields, then `-}`.
        if line.starts_with("{1:") || line.starts_with("{2:") || line.starts_with("{3:") {
            match line.find("{4:") {
                Some(p) => line = &line[p + 3..],
                None => continue,
            }
        } else if line.starts_with("{4:") {
            line = &line[3..];
        }
        if line.starts_with("-}") || line.starts_with("{5:") || line == "-" {
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if let Some((tag, rest)) = split_tag(line) {
            out.push(Field {
                tag: tag.to_string(),
                line: no,
                lines: vec![rest.to_string()],
            });
        } else if let Some(f) = out.last_mut() {
            f.lines.push(line.to_string());
        } else {
            return Err(err(
                "statement.syntax",
                no,
                "text before the first field (expected :20:)",
            ));
        }
    }
    Ok(out)
}

/// `:61:rest` -> (`61`, `rest`): two digits and an optional letter between colons.
fn split_tag(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if b.len() < 4 || b[0] != b':' || !b[1].is_ascii_digit() || !b[2].is_ascii_digit() {
        return None;
    }
    if b[3] == b':' {
        return Some((&line[1..3], &line[4..]));
    }
    if b.len() >= 5 && b[3].is_ascii_uppercase() && b[4] == b':' {
        return Some((&line[1..4], &line[5..]));
    }
    None
}

fn yymmdd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    // SWIFT years: 00-79 are 2000-2079, 80-99 are 1980-1999.
    let yy = n(0) as i32;
    let year = if yy < 80 { 2000 + yy } else { 1900 + yy };
    NaiveDate::from_ymd_opt(year, n(2), n(4))
}

/// The currency of a balance line: `C250115UAH1000,00`.
fn balance_currency(content: &str, line: usize) -> Result<Currency, StatementError> {
    let c = content.get(7..10).filter(|_| {
        matches!(content.as_bytes().first(), Some(b'C' | b'D')) && yymmdd(&content[1..7]).is_some()
    });
    let c = c.ok_or_else(|| {
        err(
            "statement.field",
            line,
            format!("balance {content:?}: expected C/D, YYMMDD, currency, amount"),
        )
    })?;
    Currency::parse(c).map_err(|e| err("statement.field", line, format!("balance currency: {e}")))
}

/// A SWIFT amount: digits with a decimal comma (`1200,00`, `1200,`).
fn swift_amount(s: &str) -> Option<Money> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return None;
    }
    let mut t = s.to_string();
    if t.ends_with(',') {
        t.push_str("00");
    }
    t.parse().ok()
}

struct Entry {
    line: usize,
    booked_on: NaiveDate,
    direction: Direction,
    reversal: bool,
    amount: Money,
    id: String,
    currency: Currency,
    info: Option<Vec<String>>,
}

fn parse_61(content: &str, line: usize, currency: Currency) -> Result<Entry, StatementError> {
    let bad = |m: &str| err("statement.field", line, format!(":61: {m}: {content:?}"));
    let value = content
        .get(..6)
        .and_then(yymmdd)
        .ok_or_else(|| bad("no value date YYMMDD"))?;
    let mut rest = &content[6..];
    let mut booked_on = value;
    let b = rest.as_bytes();
    if b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit) {
        let m = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
        let d = u32::from(b[2] - b'0') * 10 + u32::from(b[3] - b'0');
        // The entry date's year: the value date's, or the next/previous one across New Year.
        let y = value.year_ce().1 as i32;
        let candidates = [y - 1, y, y + 1];
        booked_on = candidates
            .iter()
            .filter_map(|&yy| NaiveDate::from_ymd_opt(yy, m, d))
            .min_by_key(|c| (*c - value).num_days().abs())
            .ok_or_else(|| bad("bad entry date MMDD"))?;
        rest = &rest[4..];
    }
    let (direction, reversal, after) = if let Some(r) = rest.strip_prefix("RC") {
        (Direction::Debit, true, r)
    } else if let Some(r) = rest.strip_prefix("RD") {
        (Direction::Credit, true, r)
    } else if let Some(r) = rest.strip_prefix('C') {
        (Direction::Credit, false, r)
    } else if let Some(r) = rest.strip_prefix('D') {
        (Direction::Debit, false, r)
    } else {
        return Err(bad("no C, D, RC or RD mark"));
    };
    rest = after;
    // An optional funds code: the third letter of the currency.
    if rest.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        rest = &rest[1..];
    }
    let amount_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b',')
        .count();
    let amount = swift_amount(&rest[..amount_len]).ok_or_else(|| bad("bad amount"))?;
    rest = &rest[amount_len..];
    // Transaction type: N/F/S and three characters.
    if !matches!(rest.as_bytes().first(), Some(b'N' | b'F' | b'S')) || rest.len() < 4 {
        return Err(bad("no transaction type (N, F or S and 3 characters)"));
    }
    let rest = rest.get(4..).ok_or_else(|| bad("bad transaction type"))?;
    let id = rest
        .find("//")
        .map(|p| rest[p + 2..].trim())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("no bank reference after //"))?;
    Ok(Entry {
        line,
        booked_on,
        direction,
        reversal,
        amount,
        id: id.to_string(),
        currency,
        info: None,
    })
}

/// Tags of the tagged `:86:` layout.
const TAGS: [&str; 4] = ["/PURP/", "/NAME/", "/CODE/", "/IBAN/"];

fn starts_with_tag(s: &str) -> Option<usize> {
    TAGS.iter().position(|t| s.starts_with(t))
}

/// (purpose, name, code, iban) from `:86:`.
fn parse_86(lines: &[String]) -> (String, Option<String>, Option<String>, Option<String>) {
    let tagged = lines.first().is_some_and(|l| starts_with_tag(l).is_some());
    if !tagged {
        return (lines.concat(), None, None, None);
    }
    let mut pieces: [Option<String>; 4] = [None, None, None, None];
    let mut current: Option<usize> = None;
    for line in lines {
        let mut text: &str = line;
        if let Some(cont) = text.strip_prefix("//") {
            if let Some(c) = current {
                pieces[c].get_or_insert_with(String::new).push_str(cont);
            }
            continue;
        }
        // Pieces may also follow one another on one line.
        loop {
            if let Some(t) = starts_with_tag(text) {
                current = Some(t);
                text = &text[TAGS[t].len()..];
            }
            let next = TAGS
                .iter()
                .filter_map(|tag| text.find(tag))
                .min()
                .unwrap_or(text.len());
            if let Some(c) = current {
                pieces[c]
                    .get_or_insert_with(String::new)
                    .push_str(&text[..next]);
            }
            if next == text.len() {
                break;
            }
            text = &text[next..];
        }
    }
    let [purp, name, code, iban] = pieces;
    let clean = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    (
        purp.unwrap_or_default(),
        clean(name),
        clean(code),
        clean(iban),
    )
}

fn finish(e: Entry) -> BankLine<'static> {
    let (purpose, name, code, iban) = parse_86(e.info.as_deref().unwrap_or(&[]));
    let _ = e.line;
    BankLine {
        id: Cow::Owned(e.id),
        booked_on: e.booked_on,
        booked_at: None,
        amount: e.amount,
        direction: e.direction,
        status: LineStatus::Booked,
        reversal: e.reversal,
        reverses: None,
        currency: e.currency,
        payer_name: name.map(Cow::Owned),
        payer_tax_id: code.map(Cow::Owned),
        payer_iban: iban.map(Cow::Owned),
        purpose: Cow::Owned(purpose),
    }
}

/// Parses an MT940 file (one or more statements).
pub fn parse(bytes: &[u8]) -> Result<Vec<BankLine<'static>>, StatementError> {
    let text = crate::text::decode_utf8_or_1251(bytes);
    let fields = fields(&text)?;
    if fields.is_empty() {
        return Err(err("statement.syntax", 1, "no MT940 fields"));
    }
    let mut out = Vec::new();
    let mut currency: Option<Currency> = None;
    let mut pending: Option<Entry> = None;
    let mut in_statement = false;
    for f in fields {
        let content = f.lines.first().map(String::as_str).unwrap_or("");
        match f.tag.as_str() {
            "20" => {
                if let Some(e) = pending.take() {
                    out.push(finish(e));
                }
                in_statement = true;
                currency = None;
            }
            "60F" | "60M" => {
                if !in_statement {
                    return Err(err("statement.syntax", f.line, "a balance before :20:"));
                }
                currency = Some(balance_currency(content, f.line)?);
            }
            "61" => {
                if let Some(e) = pending.take() {
                    out.push(finish(e));
                }
                let c = currency.ok_or_else(|| {
                    err(
                        "statement.syntax",
                        f.line,
                        ":61: before the opening balance :60F:",
                    )
                })?;
                pending = Some(parse_61(content, f.line, c)?);
            }
            "86" => {
                if let Some(e) = pending.as_mut() {
                    if e.info.is_none() {
                        e.info = Some(f.lines);
                    }
                }
            }
            "62F" | "62M" | "64" | "65" => {
                if let Some(e) = pending.take() {
                    out.push(finish(e));
                }
                if f.tag.starts_with("62") {
                    let closing = balance_currency(content, f.line)?;
                    if Some(closing) != currency {
                        return Err(err(
                            "statement.field",
                            f.line,
                            "the closing balance's currency differs from the opening balance's",
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(e) = pending.take() {
        out.push(finish(e));
    }
    Ok(out)
}

use chrono::Datelike;
