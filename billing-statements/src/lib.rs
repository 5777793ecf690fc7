//! # billing-statements
//!
//! Bank statement importers into one normalised line, [`billing_core::reconcile::BankLine`]:
//! ISO 20022 camt.053, MT940 (with Cyrillic in `:86:`), 1C `1CClientBankExchange` (Windows-1251),
//! PrivatBank's Автоклієнт JSON, monobank's statement JSON, and a JSON Lines form with exactly the
//! fields `id, date, amount, currency, payer_name, payer_edrpou, payer_iban, purpose`.
//!
//! Every importer is all-or-nothing: a bad file gives a [`StatementError`] that names the line or
//! element, and no line at all. No importer panics or hangs on any input.
//!
//! The [`dry_run`] module decides a statement against invoices given as JSON Lines, with nothing
//! stored: what `billing reconcile --invoices` prints, and what the bindings' `reconcile(invoices,
//! lines)` returns.
//!
//! ```
//! use billing_statements::{parse, Format};
//! let file = br#"{"id":"T1","date":"2025-01-15","amount":"1200.00","currency":"UAH","payer_name":null,"payer_edrpou":null,"payer_iban":null,"purpose":"HOR-11111-007"}"#;
//! let statement = parse(file, Format::Auto).unwrap();
//! assert_eq!(statement.format, Format::Jsonl);
//! assert_eq!(statement.lines[0].amount.to_string(), "1200.00");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod camt053;
pub mod dry_run;
pub mod invoices;
pub mod jsonl;
pub mod monobank;
pub mod mt940;
pub mod onec;
pub mod privatbank;
mod text;

use std::fmt;
use std::str::FromStr;

use billing_core::reconcile::BankLine;
use billing_core::ErrorCode;

/// A statement file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Tell from the content ([`detect`]).
    Auto,
    /// JSON Lines with exactly the fields `id, date, amount, currency, payer_name, payer_edrpou,
    /// payer_iban, purpose`.
    Jsonl,
    /// ISO 20022 camt.053 (Bank-to-Customer Statement).
    Camt053,
    /// SWIFT MT940.
    Mt940,
    /// 1C `1CClientBankExchange` (Windows-1251).
    OneC,
    /// PrivatBank Автоклієнт statement JSON.
    PrivatBank,
    /// monobank statement JSON.
    Monobank,
}

impl Format {
    /// The name used on the command line (`jsonl`, `camt053`, `mt940`, `1c`, `privatbank`,
    /// `monobank`, `auto`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Jsonl => "jsonl",
            Format::Camt053 => "camt053",
            Format::Mt940 => "mt940",
            Format::OneC => "1c",
            Format::PrivatBank => "privatbank",
            Format::Monobank => "monobank",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = StatementError;
    fn from_str(s: &str) -> Result<Format, StatementError> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "auto" => Format::Auto,
            "jsonl" => Format::Jsonl,
            "camt053" | "camt.053" => Format::Camt053,
            "mt940" => Format::Mt940,
            "1c" => Format::OneC,
            "privatbank" => Format::PrivatBank,
            "monobank" => Format::Monobank,
            _ => {
                return Err(StatementError::new(
                    "statement.format_unknown",
                    Format::Auto,
                    "format",
                    format!("unknown format {s:?}"),
                ))
            }
        })
    }
}

/// Why a statement (or invoices) file was refused. Nothing from such a file is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{format}: {location}: {message}")]
pub struct StatementError {
    /// The stable code: `statement.syntax`, `statement.field`, `statement.encoding`,
    /// `statement.format_unknown`, `invoices.syntax`, `invoices.field`, `invoices.duplicate`.
    pub code: &'static str,
    /// The format being read.
    pub format: Format,
    /// Where: `line 12`, `Ntry 3 (line 40)`, `transactions[4]`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl StatementError {
    /// An error with its code, format, location and message.
    pub fn new(
        code: &'static str,
        format: Format,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> StatementError {
        StatementError {
            code,
            format,
            location: location.into(),
            message: message.into(),
        }
    }
}

impl ErrorCode for StatementError {
    fn code(&self) -> &'static str {
        self.code
    }
}

/// A parsed statement: its format and its lines in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The format read (never [`Format::Auto`]).
    pub format: Format,
    /// The lines, in file order.
    pub lines: Vec<BankLine<'a>>,
}

/// Tells the format from the content, or `None` when it cannot.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let b = text::strip_bom(bytes);
    let start = b.iter().position(|c| !c.is_ascii_whitespace())?;
    let b = &b[start..];
    let head = &b[..b.len().min(8192)];
    let has = |needle: &str| memchr::memmem::find(head, needle.as_bytes()).is_some();
    if b.starts_with(b"1CClientBankExchange") {
        return Some(Format::OneC);
    }
    if b.starts_with(b"<") {
        return Some(Format::Camt053);
    }
    if b.starts_with(b":20:") || b.starts_with(b"{1:") || (has("\n:20:") && has(":61:")) {
        return Some(Format::Mt940);
    }
    if b.starts_with(b"{") || b.starts_with(b"[") {
        if has("\"TRANTYPE\"") || has("\"transactions\"") {
            return Some(Format::PrivatBank);
        }
        if has("\"currencyCode\"") || has("\"statementItem\"") || has("\"operationAmount\"") {
            return Some(Format::Monobank);
        }
        if b.starts_with(b"{") && has("\"purpose\"") {
            return Some(Format::Jsonl);
        }
    }
    None
}

/// Parses a whole statement file. With [`Format::Auto`] the format is [`detect`]ed first.
pub fn parse(bytes: &[u8], format: Format) -> Result<Statement<'_>, StatementError> {
    let format = match format {
        Format::Auto => detect(bytes).ok_or_else(|| {
            StatementError::new(
                "statement.format_unknown",
                Format::Auto,
                "file",
                "cannot tell the statement format: name it (jsonl, camt053, mt940, 1c, privatbank, monobank)",
            )
        })?,
        f => f,
    };
    let lines = match format {
        Format::Jsonl => jsonl::parse(bytes)?,
        Format::Camt053 => camt053::parse(bytes)?,
        Format::Mt940 => mt940::parse(bytes)?,
        Format::OneC => onec::parse(bytes)?,
        Format::PrivatBank => privatbank::parse(bytes)?,
        Format::Monobank => monobank::parse(bytes)?,
        Format::Auto => unreachable_auto()?,
    };
    Ok(Statement { format, lines })
}

fn unreachable_auto() -> Result<Vec<BankLine<'static>>, StatementError> {
    Err(StatementError::new(
        "statement.format_unknown",
        Format::Auto,
        "file",
        "no format",
    ))
}
