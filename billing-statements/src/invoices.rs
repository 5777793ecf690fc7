//! Invoices for a dry run: JSON Lines with `invoice_number`, `project_service_code`, `amount` (what
//! is still owed, a decimal string), `currency`, `status` (`open`, `paid`, `cancelled`) and
//! `issue_date` (`YYYY-MM-DD`); other fields are ignored. [`InvoiceBook`] is the lookup the decision
//! consults.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;

use billing_core::reconcile::{Currency, InvoiceFacts, InvoiceLookup, ReferenceFinder};
use billing_core::{InvoiceNumber, InvoicePrefix, InvoiceStatus, Money, ServiceCode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Format, StatementError};

/// One invoice of a dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRecord {
    /// `HOR-11111-007`.
    pub invoice_number: InvoiceNumber,
    /// The project's service code (the middle part of the number).
    pub project_service_code: ServiceCode,
    /// What is still owed.
    pub amount: Money,
    /// The currency (`UAH`).
    pub currency: Currency,
    /// `open`, `paid` or `cancelled`.
    pub status: InvoiceStatus,
    /// The date of issue.
    pub issue_date: NaiveDate,
}

impl InvoiceRecord {
    /// What the decision needs.
    pub fn facts(&self) -> InvoiceFacts {
        InvoiceFacts {
            status: self.status,
            owed: self.amount,
            currency: self.currency,
        }
    }
}

#[derive(Deserialize)]
struct Raw<'a> {
    #[serde(borrow)]
    invoice_number: Cow<'a, str>,
    #[serde(borrow)]
    project_service_code: Cow<'a, str>,
    #[serde(borrow)]
    amount: Cow<'a, str>,
    #[serde(borrow)]
    currency: Cow<'a, str>,
    #[serde(borrow)]
    status: Cow<'a, str>,
    #[serde(borrow)]
    issue_date: Cow<'a, str>,
}

fn err(code: &'static str, at: String, m: impl Into<String>) -> StatementError {
    StatementError::new(code, Format::Jsonl, at, format!("invoices: {}", m.into()))
}

impl<'a> Raw<'a> {
    /// The invoice of a line written the plain way (the six members strings, other members
    /// strings or `null`, no `\u` escapes), without serde: what `serde_json` reads from such a
    /// line. `None` for any other line, which `serde_json` then reads (or refuses) itself.
    fn read_plain(line: &'a str) -> Option<Raw<'a>> {
        let mut fields: [Option<Cow<'a, str>>; 6] = Default::default();
        let read = crate::text::flat_object(line, |key, value| {
            let at = match key {
                "invoice_number" => 0,
                "project_service_code" => 1,
                "amount" => 2,
                "currency" => 3,
                "status" => 4,
                "issue_date" => 5,
                _ => return true,
            };
            match value {
                Some(v) if fields[at].is_none() => {
                    fields[at] = Some(v);
                    true
                }
                _ => false,
            }
        });
        if !read {
            return None;
        }
        let [invoice_number, project_service_code, amount, currency, status, issue_date] = fields;
        Some(Raw {
            invoice_number: invoice_number?,
            project_service_code: project_service_code?,
            amount: amount?,
            currency: currency?,
            status: status?,
            issue_date: issue_date?,
        })
    }

    fn record(self) -> Result<InvoiceRecord, String> {
        let invoice_number =
            InvoiceNumber::parse(&self.invoice_number).map_err(|e| e.to_string())?;
        let project_service_code =
            ServiceCode::parse(&self.project_service_code).map_err(|e| e.to_string())?;
        if invoice_number.service_code() != project_service_code {
            return Err(format!(
                "invoice {invoice_number} does not belong to project {project_service_code}"
            ));
        }
        let amount: Money = self
            .amount
            .parse()
            .map_err(|e| format!("amount {:?}: {e}", self.amount))?;
        let currency = Currency::parse(&self.currency).map_err(|e| e.to_string())?;
        let status = match self.status.as_ref() {
            "open" => InvoiceStatus::Open,
            "paid" => InvoiceStatus::Paid,
            "cancelled" => InvoiceStatus::Cancelled,
            other => {
                return Err(format!(
                    "status must be open, paid or cancelled, not {other:?}"
                ))
            }
        };
        let issue_date = crate::text::date_iso(&self.issue_date)
            .ok_or_else(|| format!("issue_date {:?} is not YYYY-MM-DD", self.issue_date))?;
        Ok(InvoiceRecord {
            invoice_number,
            project_service_code,
            amount,
            currency,
            status,
            issue_date,
        })
    }
}

/// Parses one invoices line (1-based `line_no` for the error).
pub fn parse_invoice_line(line: &[u8], line_no: usize) -> Result<InvoiceRecord, StatementError> {
    parse_invoice_text(line, crate::text::utf8(line), line_no)
}

fn parse_invoice_text(
    line: &[u8],
    text: Option<&str>,
    line_no: usize,
) -> Result<InvoiceRecord, StatementError> {
    let fast = text.and_then(Raw::read_plain);
    let raw: Raw<'_> = match (fast, text) {
        (Some(raw), _) => Ok(raw),
        (None, Some(t)) => serde_json::from_str(t),
        (None, None) => serde_json::from_slice(line),
    }
    .map_err(|e| err("invoices.syntax", format!("line {line_no}"), e.to_string()))?;
    raw.record()
        .map_err(|m| err("invoices.field", format!("line {line_no}"), m))
}

/// Parses an invoices file: JSON Lines, or one JSON array of the same objects.
pub fn parse_invoices(bytes: &[u8]) -> Result<Vec<InvoiceRecord>, StatementError> {
    let trimmed = crate::text::strip_bom(bytes);
    if trimmed.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        let raws: Vec<Raw<'_>> = serde_json::from_slice(trimmed).map_err(|e| {
            err(
                "invoices.syntax",
                format!("line {}", e.line()),
                e.to_string(),
            )
        })?;
        return raws
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                r.record()
                    .map_err(|m| err("invoices.field", format!("[{i}]"), m))
            })
            .collect();
    }
    crate::text::par_lines(
        bytes,
        parse_invoice_text,
        err("invoices.syntax", "file".into(), "a reader thread failed"),
    )
}

/// The size of the pieces [`read_invoices`] reads a file in.
const READ_PIECE: usize = 8 << 20;

/// Reads an invoices file (JSON Lines, or one JSON array) from `reader` as [`parse_invoices`]
/// does, JSON Lines in pieces of a few megabytes rather than whole: a large file is never all in
/// memory at once. The outer error is the reader's; the inner one, what is wrong with the file.
pub fn read_invoices<R: std::io::Read>(
    reader: R,
) -> std::io::Result<Result<Vec<InvoiceRecord>, StatementError>> {
    read_invoices_in(reader, READ_PIECE)
}

fn read_invoices_in<R: std::io::Read>(
    mut reader: R,
    piece: usize,
) -> std::io::Result<Result<Vec<InvoiceRecord>, StatementError>> {
    let mut buf: Vec<u8> = Vec::with_capacity(piece);
    let mut records: Vec<InvoiceRecord> = Vec::new();
    let mut first_line = 1usize;
    let mut eof = false;
    let mut want = piece;
    while !eof {
        // Fill the buffer to `want` bytes (after what is left of the previous piece).
        let need = want.saturating_sub(buf.len());
        let n = (&mut reader).take(need as u64).read_to_end(&mut buf)?;
        eof = n < need;
        want = piece;
        if first_line == 1 {
            // JSON Lines or an array: told by the first byte after white space (and a BOM).
            let head = crate::text::strip_bom(&buf);
            match head.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'[') => {
                    reader.read_to_end(&mut buf)?;
                    return Ok(parse_invoices(&buf));
                }
                Some(_) if buf.len() >= 3 || eof => {}
                _ if eof => {}
                _ => {
                    want = buf.len() + piece;
                    continue;
                }
            }
        }
        // Whole lines only, but for the last piece.
        let end = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(at) => at + 1,
                // One line longer than a piece: read on.
                None => {
                    want = buf.len() + piece;
                    continue;
                }
            }
        };
        let part = &buf[..end];
        let mut got = crate::text::par_lines_from(
            part,
            first_line,
            parse_invoice_text,
            err("invoices.syntax", "file".into(), "a reader thread failed"),
        );
        match &mut got {
            Ok(v) => records.append(v),
            Err(_) => return Ok(got),
        }
        first_line += memchr::memchr_iter(b'\n', part).count();
        buf.drain(..end);
    }
    Ok(Ok(records))
}

/// Sequences above this go to the sparse map instead of the per-project range.
const DENSE_LIMIT: u32 = 1 << 20;

/// Service codes per prefix in the directory (`00000` to `99999`).
const CODES: usize = ServiceCode::MAX_VALUE as usize + 1;

/// A directory entry: where a project's range of slots starts (high 40 bits), and its length
/// (low 24 bits; the highest sequence + 1).
const RANGE_LEN_BITS: u32 = 24;

/// A slot: 0 is empty; otherwise the status in the low two bits (1 open, 2 paid, 3 cancelled) and
/// what is owed in kopiyky above bit 3, for an invoice in hryvnias; [`SLOT_SPARSE`] marks an
/// invoice in another currency, whose facts are in the sparse map.
const SLOT_SPARSE: u64 = 4;

/// The invoices of a dry run, by number: the [`InvoiceLookup`] the decision consults. Invoice
/// sequences are dense per project (a counter from 1), so each project owns a range of 8-byte
/// slots indexed by sequence, found through a directory indexed by prefix and service code: one
/// memory access per lookup after a cached one.
#[derive(Debug, Clone, Default)]
pub struct InvoiceBook {
    directory: Vec<u64>,
    slots: Vec<u64>,
    sparse: HashMap<InvoiceNumber, InvoiceFacts, rustc_hash::FxBuildHasher>,
    prefixes: Vec<InvoicePrefix>,
    len: usize,
}

fn status_code(s: InvoiceStatus) -> u64 {
    match s {
        InvoiceStatus::Open => 1,
        InvoiceStatus::Paid => 2,
        InvoiceStatus::Cancelled => 3,
    }
}

/// The slot of an invoice whose facts fit one (in hryvnias).
fn slot_of(r: &InvoiceRecord) -> u64 {
    if r.currency.is_uah() {
        // Money is 0 ..= 99 999 999 999 kopiyky: 37 bits.
        ((r.amount.kopiyky() as u64) << 3) | status_code(r.status)
    } else {
        SLOT_SPARSE
    }
}

impl InvoiceBook {
    /// A book of these invoices; the same number twice is an error.
    pub fn from_records(records: &[InvoiceRecord]) -> Result<InvoiceBook, StatementError> {
        let mut book = InvoiceBook::default();
        // First the prefixes and the highest dense sequence of each project ...
        let mut highest: Vec<u32> = Vec::new();
        for r in records {
            let n = r.invoice_number;
            let p = match book.prefixes.iter().position(|&x| x == n.prefix()) {
                Some(p) => p,
                None => {
                    book.prefixes.push(n.prefix());
                    highest.resize(book.prefixes.len() * CODES, 0);
                    book.prefixes.len() - 1
                }
            };
            if n.sequence() <= DENSE_LIMIT {
                let h = &mut highest[p * CODES + n.service_code().value() as usize];
                *h = (*h).max(n.sequence());
            }
        }
        // ... then a range of slots for each project ...
        let mut next = 0u64;
        book.directory = highest
            .iter()
            .map(|&h| {
                if h == 0 {
                    return 0;
                }
                let len = u64::from(h) + 1;
                let entry = (next << RANGE_LEN_BITS) | len;
                next += len;
                entry
            })
            .collect();
        drop(highest);
        book.slots = vec![0; next as usize];
        // ... and the invoices in order, so the first repeat is the one reported.
        for (i, r) in records.iter().enumerate() {
            let n = r.invoice_number;
            let duplicate = match book.slot_index(&n) {
                Some(at) => {
                    let taken = book.slots[at] != 0;
                    if !taken {
                        book.slots[at] = slot_of(r);
                        if book.slots[at] == SLOT_SPARSE {
                            book.sparse.insert(n, r.facts());
                        }
                    }
                    taken
                }
                None => book.sparse.insert(n, r.facts()).is_some(),
            };
            if duplicate {
                return Err(err(
                    "invoices.duplicate",
                    format!("invoice {}", i + 1),
                    format!("{n} appears twice"),
                ));
            }
            book.len += 1;
        }
        Ok(book)
    }

    /// Where the slot of `number` is, for a number in a known project with a dense sequence.
    #[inline]
    fn slot_index(&self, number: &InvoiceNumber) -> Option<usize> {
        let seq = number.sequence();
        if seq > DENSE_LIMIT {
            return None;
        }
        let p = self.prefixes.iter().position(|&x| x == number.prefix())?;
        let entry = *self
            .directory
            .get(p * CODES + number.service_code().value() as usize)?;
        let len = entry & ((1 << RANGE_LEN_BITS) - 1);
        (u64::from(seq) < len).then(|| ((entry >> RANGE_LEN_BITS) + u64::from(seq)) as usize)
    }

    /// A book from an invoices file read from `reader` ([`read_invoices`]).
    pub fn read<R: std::io::Read>(
        reader: R,
    ) -> std::io::Result<Result<InvoiceBook, StatementError>> {
        Ok(read_invoices(reader)?.and_then(|records| InvoiceBook::from_records(&records)))
    }

    /// A book from an invoices file ([`parse_invoices`]).
    pub fn parse(bytes: &[u8]) -> Result<InvoiceBook, StatementError> {
        InvoiceBook::from_records(&parse_invoices(bytes)?)
    }

    /// A finder for the prefixes of these invoices (`HOR` when there are none).
    pub fn finder(&self) -> ReferenceFinder {
        ReferenceFinder::new(self.prefixes.iter().copied())
    }

    /// How many invoices.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl InvoiceBook {
    /// The facts of `number` from its slot.
    #[inline]
    fn facts_in(&self, number: &InvoiceNumber, slot: u64) -> Option<InvoiceFacts> {
        let status = match slot & 7 {
            1 => InvoiceStatus::Open,
            2 => InvoiceStatus::Paid,
            3 => InvoiceStatus::Cancelled,
            SLOT_SPARSE => return self.sparse.get(number).copied(),
            _ => return None,
        };
        Some(InvoiceFacts {
            status,
            owed: Money::from_kopiyky((slot >> 3) as i64).ok()?,
            currency: Currency::UAH,
        })
    }
}

/// Invoices looked up at once by [`InvoiceLookup::invoices`].
const LOOKUP_BLOCK: usize = 64;

impl InvoiceLookup for InvoiceBook {
    #[inline]
    fn invoice(&self, number: &InvoiceNumber) -> Option<InvoiceFacts> {
        let Some(at) = self.slot_index(number) else {
            return self.sparse.get(number).copied();
        };
        self.facts_in(number, *self.slots.get(at)?)
    }

    /// The slots of a block of numbers first, then their loads (independent, so their cache
    /// misses overlap), then the facts.
    fn invoices(&self, numbers: &[Option<InvoiceNumber>], out: &mut [Option<InvoiceFacts>]) {
        for (numbers, out) in numbers
            .chunks(LOOKUP_BLOCK)
            .zip(out.chunks_mut(LOOKUP_BLOCK))
        {
            let mut at = [usize::MAX; LOOKUP_BLOCK];
            for (a, n) in at.iter_mut().zip(numbers) {
                if let Some(i) = n.as_ref().and_then(|n| self.slot_index(n)) {
                    *a = i;
                }
            }
            let mut slots = [0u64; LOOKUP_BLOCK];
            for (s, &a) in slots.iter_mut().zip(&at) {
                *s = self.slots.get(a).copied().unwrap_or(0);
            }
            for k in 0..numbers.len() {
                out[k] = match &numbers[k] {
                    None => None,
                    Some(n) if at[k] == usize::MAX => self.sparse.get(n).copied(),
                    Some(n) => self.facts_in(n, slots[k]),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(number: &str, amount: &str, currency: &str, status: InvoiceStatus) -> InvoiceRecord {
        let n: InvoiceNumber = number.parse().unwrap();
        InvoiceRecord {
            invoice_number: n,
            project_service_code: n.service_code(),
            amount: amount.parse().unwrap(),
            currency: Currency::parse(currency).unwrap(),
            status,
            issue_date: NaiveDate::from_ymd_opt(2025, 1, 10).unwrap(),
        }
    }

    #[test]
    fn the_book_gives_back_every_invoice_as_given() {
        let records = [
            record("HOR-11111-007", "1200.50", "UAH", InvoiceStatus::Open),
            record("HOR-11111-001", "0", "UAH", InvoiceStatus::Paid),
            record(
                "HOR-00000-999",
                "999999999.99",
                "UAH",
                InvoiceStatus::Cancelled,
            ),
            record("HOR-99999-1048576", "1.00", "UAH", InvoiceStatus::Open),
            record("HOR-99999-1048577", "2.00", "UAH", InvoiceStatus::Open),
            record("PAY-11111-007", "5.00", "USD", InvoiceStatus::Open),
            record("PAY-11111-999999999", "6.00", "EUR", InvoiceStatus::Paid),
        ];
        let book = InvoiceBook::from_records(&records).unwrap();
        assert_eq!(book.len(), records.len());
        for r in &records {
            assert_eq!(book.invoice(&r.invoice_number), Some(r.facts()), "{r:?}");
        }
        for missing in [
            "HOR-11111-006",
            "HOR-11111-008",
            "HOR-11112-007",
            "HOR-99999-1048578",
            "PAY-11111-006",
            "XYZ-11111-007",
        ] {
            assert_eq!(book.invoice(&missing.parse().unwrap()), None, "{missing}");
        }
        assert_eq!(book.finder().prefixes().len(), 2);
        // Looked up at once: the same answers (blocks of any length, gaps included).
        let mut numbers: Vec<Option<InvoiceNumber>> = Vec::new();
        for k in 0..150 {
            numbers.push(match k % 3 {
                0 => None,
                1 => Some(records[k % records.len()].invoice_number),
                _ => Some(format!("HOR-11111-{:03}", k % 12 + 1).parse().unwrap()),
            });
        }
        for len in [0, 1, 63, 64, 65, 150] {
            let mut out = vec![Some(records[0].facts()); len];
            book.invoices(&numbers[..len], &mut out);
            for (n, o) in numbers.iter().zip(&out) {
                assert_eq!(*o, n.and_then(|n| book.invoice(&n)), "{n:?}");
            }
        }
    }

    #[test]
    fn reads_plain_lines_as_serde_does() {
        let agrees = |line: &str| -> bool {
            let fast = Raw::read_plain(line).map(Raw::record);
            if let Some(f) = &fast {
                let slow = serde_json::from_str::<Raw<'_>>(line).map(Raw::record);
                assert_eq!(Some(f), slow.as_ref().ok(), "{line:?}");
            }
            fast.is_some()
        };
        for line in [
            r#"{"invoice_number": "HOR-00001-001", "project_service_code": "00001", "amount": "100.00", "currency": "UAH", "status": "cancelled", "issue_date": "2025-01-10"}"#,
            r#"{"status":"open","amount":"1","currency":"usd","issue_date":"2025-01-10","invoice_number":"HOR-00001-1000","project_service_code":"00001","note":"x\"y","n":null}"#,
            r#"{"invoice_number":"HOR-00001-001","project_service_code":"00002","amount":"1","currency":"UAH","status":"open","issue_date":"2025-01-10"}"#,
        ] {
            assert!(agrees(line), "{line:?}");
        }
        for line in [
            r#"{"invoice_number":"HOR-00001-001","project_service_code":"00001","amount":"1","currency":"UAH","status":"open"}"#,
            r#"{"invoice_number":"HOR-00001-001","invoice_number":"HOR-00001-002","project_service_code":"00001","amount":"1","currency":"UAH","status":"open","issue_date":"2025-01-10"}"#,
            r#"{"invoice_number":"HOR-00001-001","project_service_code":"00001","amount":1,"currency":"UAH","status":"open","issue_date":"2025-01-10"}"#,
            r#"{"invoice_number":"HOR-00001-001","project_service_code":"00001","amount":"1","currency":"UAH","status":"open","issue_date":"2025-01-10","n":1}"#,
            r#"{"invoice_number":"HOR-00001-001","project_service_code":"00001","amount":"1","currency":"UAH","status":"open","issue_date":"\u0032"}"#,
        ] {
            assert!(!agrees(line), "{line:?}");
        }
    }

    /// A reader that gives a few bytes at a time.
    struct Trickle<'a>(&'a [u8], usize);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.1 = self.1 % 7 + 1;
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn reads_in_pieces_as_whole() {
        let line = |k: usize| {
            format!(
                r#"{{"invoice_number":"HOR-{:05}-{:03}","project_service_code":"{:05}","amount":"{k}.50","currency":"UAH","status":"open","issue_date":"2025-01-10"}}"#,
                k % 7,
                k + 1,
                k % 7
            )
        };
        let mut good = String::from("\u{feff}");
        for k in 0..40 {
            good.push_str(&line(k));
            good.push_str(if k % 3 == 0 { "\r\n" } else { "\n\n" });
        }
        let bad_at = good.len() * 2 / 3;
        let mut bad = good.clone();
        bad.insert_str(bad_at + good[bad_at..].find('\n').unwrap() + 1, "{\"x\n");
        let array = format!("\u{feff}  \n [{}, {}]", line(1), line(2));
        let long = format!("{}\n{}", line(1), line(2));
        for text in [
            &good,
            &bad,
            &array,
            &long,
            &String::new(),
            &"\n \n".to_string(),
        ] {
            let whole = parse_invoices(text.as_bytes());
            for piece in [1, 10, 150, 1000, 1 << 20] {
                let read = read_invoices_in(Trickle(text.as_bytes(), 0), piece).unwrap();
                assert_eq!(read, whole, "piece {piece}: {text}");
            }
        }
        assert!(parse_invoices(bad.as_bytes()).is_err());
    }

    #[test]
    fn the_first_repeat_is_reported() {
        for (records, at) in [
            (
                vec![
                    record("HOR-11111-007", "1.00", "UAH", InvoiceStatus::Open),
                    record("HOR-11111-008", "1.00", "UAH", InvoiceStatus::Open),
                    record("HOR-11111-007", "2.00", "UAH", InvoiceStatus::Paid),
                    record("HOR-11111-008", "1.00", "UAH", InvoiceStatus::Open),
                ],
                "invoice 3",
            ),
            (
                vec![
                    record("HOR-11111-007", "1.00", "USD", InvoiceStatus::Open),
                    record("HOR-11111-007", "1.00", "UAH", InvoiceStatus::Open),
                ],
                "invoice 2",
            ),
            (
                vec![
                    record("HOR-11111-2000000", "1.00", "UAH", InvoiceStatus::Open),
                    record("HOR-11111-2000000", "1.00", "UAH", InvoiceStatus::Open),
                ],
                "invoice 2",
            ),
        ] {
            let e = InvoiceBook::from_records(&records).unwrap_err();
            assert_eq!(e.code, "invoices.duplicate");
            assert_eq!(e.location, at);
        }
    }
}
