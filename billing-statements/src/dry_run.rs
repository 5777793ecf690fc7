//! The dry run: a statement decided against invoices given as data, with nothing stored. What
//! `billing reconcile --statement FILE --invoices INVOICES.jsonl --json` prints, one object per
//! statement line in file order:
//!
//! ```text
//! {"line":1,"id":"T1","outcome":"auto_credit","invoice":"HOR-11111-007"}
//! {"line":2,"id":"T2","outcome":"review","reason":"amount_mismatch","reference":"HOR-11111-008"}
//! {"line":3,"id":"T3","outcome":"ignored","reason":"outgoing"}
//! {"line":4,"id":"T4","outcome":"review","reason":"reversal","reverses":"T1","reverses_invoice":"HOR-11111-007"}
//! ```
//!
//! `line` counts statement lines from 1; `invoice` is only on automatic credits; `reference` is the
//! one invoice a review line's purpose names, when it names exactly one.
//!
//! For bindings: [`reconcile_json`] takes the invoices and the lines as JSON text (an array or JSON
//! Lines of the documented objects) and returns [`LineResult`]s, which serialize to exactly the
//! objects above; [`reconcile_bytes`] takes a statement file of any format.
//!
//! ```
//! use billing_statements::dry_run::reconcile_json;
//! let invoices = r#"[{"invoice_number":"HOR-11111-007","project_service_code":"11111","amount":"1200.00","currency":"UAH","status":"open","issue_date":"2025-01-10"}]"#;
//! let lines = r#"[{"id":"T1","date":"2025-01-15","amount":"1200.00","currency":"UAH","payer_name":"ТОВ Приклад","payer_edrpou":"32855961","payer_iban":null,"purpose":"Оплата НОР 11111 007"}]"#;
//! let out = reconcile_json(invoices, lines).unwrap();
//! assert_eq!(
//!     serde_json::to_string(&out[0]).unwrap(),
//!     r#"{"line":1,"id":"T1","outcome":"auto_credit","invoice":"HOR-11111-007"}"#
//! );
//! ```

use std::borrow::Cow;
use std::io::Write;

use billing_core::reconcile::{
    decide_batch, decide_batch_with, BankLine, Decision, Outcome, References,
};
use billing_core::InvoiceNumber;
use serde::Serialize;

use crate::invoices::{parse_invoices, InvoiceBook, InvoiceRecord};
use crate::jsonl::JsonlRecord;
use crate::{parse, Format, StatementError};

/// One line's result, as printed with `--json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineResult<'a> {
    /// The statement line's number, from 1.
    pub line: usize,
    /// The bank's transaction id.
    pub id: Cow<'a, str>,
    /// `auto_credit`, `review`, `ignored` or `already_processed`.
    pub outcome: Outcome,
    /// The invoice credited (automatic credits only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice: Option<InvoiceNumber>,
    /// The reason code of a review or ignored line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// The one invoice a review line's purpose names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<InvoiceNumber>,
    /// For a reversal: the id of the credit it reverses, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverses: Option<String>,
    /// For a reversal: the invoice that credit paid, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverses_invoice: Option<InvoiceNumber>,
}

impl<'a> LineResult<'a> {
    /// The result of line `index` (from 0) with its decision.
    pub fn new(index: usize, line: &'a BankLine<'_>, decision: &Decision) -> LineResult<'a> {
        let mut r = LineResult {
            line: index + 1,
            id: Cow::Borrowed(&*line.id),
            outcome: decision.outcome(),
            invoice: decision.credited_invoice(),
            reason: decision.reason_code(),
            reference: None,
            reverses: None,
            reverses_invoice: None,
        };
        if let Decision::Review {
            reference,
            reverses,
            ..
        } = decision
        {
            r.reference = *reference;
            if let Some(link) = reverses {
                r.reverses = Some(link.id.clone());
                r.reverses_invoice = link.invoice;
            }
        }
        r
    }

    /// Appends the result as one JSON object, byte for byte what `serde_json` writes for it (no
    /// newline), without going through serde: the CLI writes a million of these.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"line\":");
        push_decimal(out, self.line as u64, 1);
        out.extend_from_slice(b",\"id\":");
        push_json_str(out, &self.id);
        out.extend_from_slice(b",\"outcome\":\"");
        out.extend_from_slice(self.outcome.as_str().as_bytes());
        out.push(b'"');
        if let Some(n) = &self.invoice {
            out.extend_from_slice(b",\"invoice\":");
            push_invoice(out, n);
        }
        if let Some(reason) = self.reason {
            out.extend_from_slice(b",\"reason\":");
            push_json_str(out, reason);
        }
        if let Some(n) = &self.reference {
            out.extend_from_slice(b",\"reference\":");
            push_invoice(out, n);
        }
        if let Some(id) = &self.reverses {
            out.extend_from_slice(b",\"reverses\":");
            push_json_str(out, id);
        }
        if let Some(n) = &self.reverses_invoice {
            out.extend_from_slice(b",\"reverses_invoice\":");
            push_invoice(out, n);
        }
        out.push(b'}');
    }

    /// The result with the id owned.
    pub fn into_owned(self) -> LineResult<'static> {
        LineResult {
            id: Cow::Owned(self.id.into_owned()),
            ..self
        }
    }
}

/// `value` in decimal, zero-padded to at least `width` digits.
fn push_decimal(out: &mut Vec<u8>, mut value: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    while value > 0 {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    at = at.min(digits.len() - width.clamp(1, digits.len()));
    out.extend_from_slice(&digits[at..]);
}

/// An invoice number as a JSON string (`"HOR-11111-007"`: its `Display`, which needs no escape).
fn push_invoice(out: &mut Vec<u8>, n: &InvoiceNumber) {
    out.push(b'"');
    out.extend_from_slice(n.prefix().as_str().as_bytes());
    out.push(b'-');
    push_decimal(
        out,
        u64::from(n.service_code().value()),
        billing_core::SERVICE_CODE_WIDTH,
    );
    out.push(b'-');
    push_decimal(
        out,
        u64::from(n.sequence()),
        billing_core::ids::INVOICE_SEQUENCE_WIDTH,
    );
    out.push(b'"');
}

/// A JSON string as `serde_json` writes it: as is when nothing in it needs an escape, otherwise
/// by `serde_json` itself.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else if serde_json::to_writer(&mut *out, s).is_err() {
        // Writing to a vector cannot fail; were it to, the string is still written.
        out.extend_from_slice(format!("{s:?}").as_bytes());
    }
}

/// Counts per outcome and reason, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Lines decided.
    pub lines: usize,
    /// Credited automatically.
    pub auto_credit: usize,
    /// Sent to support.
    pub review: usize,
    /// Left alone.
    pub ignored: usize,
    /// Processed by an earlier import.
    pub already_processed: usize,
    /// Review lines by reason code, in rule order (only reasons that occur).
    pub review_reasons: Vec<(&'static str, usize)>,
}

impl Summary {
    /// The summary of these decisions.
    pub fn of(decisions: &[Decision]) -> Summary {
        let mut s = Summary {
            lines: decisions.len(),
            ..Summary::default()
        };
        let mut by_reason = [0usize; billing_core::reconcile::ReviewReason::ALL.len()];
        for d in decisions {
            match d.outcome() {
                Outcome::AutoCredit => s.auto_credit += 1,
                Outcome::Review => s.review += 1,
                Outcome::Ignored => s.ignored += 1,
                Outcome::AlreadyProcessed => s.already_processed += 1,
            }
            if let Some(r) = d.review_reason() {
                if let Some(i) = billing_core::reconcile::ReviewReason::ALL
                    .iter()
                    .position(|x| *x == r)
                {
                    by_reason[i] += 1;
                }
            }
        }
        s.review_reasons = billing_core::reconcile::ReviewReason::ALL
            .iter()
            .zip(by_reason)
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| (r.as_str(), n))
            .collect();
        s
    }
}

/// The decision of every line against `book`, in order: the references found on all cores
/// (independent per line), then the rules in order on one.
pub fn decide(book: &InvoiceBook, lines: &[BankLine<'_>]) -> Vec<Decision> {
    let finder = book.finder();
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    if threads < 2 || lines.len() < 50_000 {
        return decide_batch(lines, book, &finder);
    }
    let mut refs = vec![References::None; lines.len()];
    let per = lines.len().div_ceil(threads);
    std::thread::scope(|s| {
        for (part, chunk) in refs.chunks_mut(per).zip(lines.chunks(per)) {
            let finder = &finder;
            s.spawn(move || {
                for (slot, line) in part.iter_mut().zip(chunk) {
                    *slot = finder.classify(&line.purpose);
                }
            });
        }
    });
    decide_batch_with(lines, book, |i, _| refs[i])
}

/// Decides `lines` against `book` ([`decide`]); one result per line, in order.
pub fn reconcile<'a>(book: &InvoiceBook, lines: &'a [BankLine<'a>]) -> Vec<LineResult<'a>> {
    let decisions = decide(book, lines);
    lines
        .iter()
        .zip(&decisions)
        .enumerate()
        .map(|(i, (l, d))| LineResult::new(i, l, d))
        .collect()
}

/// Decides `lines` against `invoices` (the same number twice is an error).
pub fn reconcile_records<'a>(
    invoices: &[InvoiceRecord],
    lines: &'a [BankLine<'a>],
) -> Result<Vec<LineResult<'a>>, StatementError> {
    Ok(reconcile(&InvoiceBook::from_records(invoices)?, lines))
}

/// Decides a statement file of any format (`format` may be [`Format::Auto`]) against an invoices
/// file (JSON Lines or a JSON array).
pub fn reconcile_bytes(
    invoices: &[u8],
    statement: &[u8],
    format: Format,
) -> Result<Vec<LineResult<'static>>, StatementError> {
    // The invoices are parsed on another thread while this one parses the statement; errors come
    // in the same order as one after the other (the invoices' first).
    let (book, st) = std::thread::scope(|s| {
        let book = s.spawn(|| InvoiceBook::parse(invoices));
        let st = parse(statement, format);
        (join(book), st)
    });
    let book = book?;
    let st = st?;
    Ok(reconcile(&book, &st.lines)
        .into_iter()
        .map(LineResult::into_owned)
        .collect())
}

/// Decides statement lines given as JSON text (an array, or JSON Lines, of objects with exactly
/// `id, date, amount, currency, payer_name, payer_edrpou, payer_iban, purpose`) against invoices
/// given as JSON text (an array, or JSON Lines, of invoice objects).
pub fn reconcile_json(
    invoices: &str,
    lines: &str,
) -> Result<Vec<LineResult<'static>>, StatementError> {
    let (book, parsed) = std::thread::scope(|s| {
        let book = s.spawn(|| InvoiceBook::parse(invoices.as_bytes()));
        let parsed = statement_lines_from_json(lines);
        (join(book), parsed)
    });
    let book = book?;
    let parsed = parsed?;
    Ok(reconcile(&book, &parsed)
        .into_iter()
        .map(LineResult::into_owned)
        .collect())
}

/// The result of a parsing thread (a panic in it, which the parsers never do, as an error).
fn join<T>(
    handle: std::thread::ScopedJoinHandle<'_, Result<T, StatementError>>,
) -> Result<T, StatementError> {
    handle.join().unwrap_or_else(|_| {
        Err(StatementError::new(
            "invoices.read",
            Format::Jsonl,
            String::new(),
            "the invoices could not be read".to_string(),
        ))
    })
}

/// Statement lines given as JSON text: an array, or JSON Lines.
fn statement_lines_from_json(lines: &str) -> Result<Vec<BankLine<'_>>, StatementError> {
    let is_array = lines.trim_start().starts_with('[');
    let parsed: Vec<BankLine<'_>> = if is_array {
        let records: Vec<JsonlRecord<'_>> = serde_json::from_str(lines).map_err(|e| {
            StatementError::new(
                "statement.syntax",
                Format::Jsonl,
                format!("line {}", e.line()),
                e.to_string(),
            )
        })?;
        records
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                r.into_line().map_err(|m| {
                    StatementError::new("statement.field", Format::Jsonl, format!("[{i}]"), m)
                })
            })
            .collect::<Result<_, _>>()?
    } else {
        crate::jsonl::parse(lines.as_bytes())?
    };
    Ok(parsed)
}

/// Parses invoices given as JSON text (an array or JSON Lines).
pub fn invoices_from_json(text: &str) -> Result<Vec<InvoiceRecord>, StatementError> {
    parse_invoices(text.as_bytes())
}

/// Writes one JSON object per result, each on its own line.
pub fn write_json_lines<W: Write>(results: &[LineResult<'_>], mut w: W) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(128);
    for r in results {
        buf.clear();
        r.write_json(&mut buf);
        buf.push(b'\n');
        w.write_all(&buf)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use billing_core::reconcile::{IgnoreReason, ReversalLink, ReviewReason};

    #[test]
    fn writes_what_serde_json_writes() {
        let numbers: Vec<InvoiceNumber> = [
            "HOR-11111-007",
            "HOR-00000-001",
            "ABCDE-99999-999",
            "PAY-00042-1000",
            "HOR-12345-999999999",
        ]
        .iter()
        .map(|n| n.parse().unwrap())
        .collect();
        let mut decisions = vec![
            Decision::AlreadyProcessed,
            Decision::Ignored {
                reason: IgnoreReason::Outgoing,
            },
        ];
        for &n in &numbers {
            decisions.push(Decision::AutoCredit {
                invoice: n,
                amount: "1.00".parse().unwrap(),
            });
            for reason in ReviewReason::ALL {
                for reference in [None, Some(n)] {
                    decisions.push(Decision::Review {
                        reason,
                        reference,
                        reverses: None,
                    });
                }
            }
            for (id, invoice) in [("T1", None), ("T\"2\\\u{1}\n/ї", Some(n))] {
                decisions.push(Decision::Review {
                    reason: ReviewReason::Reversal,
                    reference: None,
                    reverses: Some(Box::new(ReversalLink {
                        id: id.to_string(),
                        line: Some(0),
                        invoice,
                        named_by_bank: true,
                    })),
                });
            }
        }
        let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
        let ids = [
            "TX000000000001",
            "",
            "a\"b",
            "a\\b",
            "\u{0}\u{1f}\u{7f}\t\r\n\u{8}\u{c}",
            "Оплата/ї ’ \u{2028}",
        ];
        let mut buf = Vec::new();
        for (k, d) in decisions.iter().enumerate() {
            for (m, id) in ids.iter().enumerate() {
                let line = BankLine::incoming(*id, date, "1.00".parse().unwrap(), "");
                let index = [0, 8, 9, 99, 12_345_678, usize::MAX - 1][(k + m) % 6];
                let r = LineResult::new(index, &line, d);
                buf.clear();
                r.write_json(&mut buf);
                assert_eq!(
                    String::from_utf8(buf.clone()).unwrap(),
                    serde_json::to_string(&r).unwrap()
                );
            }
        }
    }
}
