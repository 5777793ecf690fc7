//! Invoices for a dry run: JSON Lines with `invoice_number`, `project_service_code`, `amount` (what
//! is still owed, a decimal string), `currency`, `status` (`open`, `paid`, `cancelled`) and
//! `issue_date` (`YYYY-MM-DD`); other fields are ignored. [`InvoiceBook`] is the lookup the decision
//! consults.

use std::borrow::Cow;
use std::collections::HashMap;

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

impl Raw<'_> {
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
    let raw: Raw<'_> = match text {
        Some(t) => serde_json::from_str(t),
        None => serde_json::from_slice(line),
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

/// An invoice's facts in 16 bytes (`status` 0 marks an empty slot).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    owed_kopiyky: i64,
    status: u8,
    currency: Currency,
}

/// Sequences above this go to the sparse map instead of the per-project array.
const DENSE_LIMIT: u32 = 1 << 20;

/// The invoices of a dry run, by number: the [`InvoiceLookup`] the decision consults. Invoice
/// sequences are dense per project (a counter from 1), so each project keeps an array indexed by
/// sequence: one memory access per lookup.
#[derive(Debug, Clone, Default)]
pub struct InvoiceBook {
    projects: HashMap<u64, Vec<Slot>, rustc_hash::FxBuildHasher>,
    sparse: HashMap<InvoiceNumber, InvoiceFacts, rustc_hash::FxBuildHasher>,
    prefixes: Vec<InvoicePrefix>,
    len: usize,
}

/// The prefix and the service code packed into one key (5 bits a letter, 17 bits the code).
fn project_key(n: &InvoiceNumber) -> u64 {
    let mut k = 0u64;
    for b in n.prefix().as_str().bytes() {
        k = (k << 5) | u64::from(b - b'A' + 1);
    }
    (k << 17) | u64::from(n.service_code().value())
}

fn status_code(s: InvoiceStatus) -> u8 {
    match s {
        InvoiceStatus::Open => 1,
        InvoiceStatus::Paid => 2,
        InvoiceStatus::Cancelled => 3,
    }
}

impl InvoiceBook {
    /// A book of these invoices; the same number twice is an error.
    pub fn from_records(records: &[InvoiceRecord]) -> Result<InvoiceBook, StatementError> {
        let mut book = InvoiceBook::default();
        for (i, r) in records.iter().enumerate() {
            let n = r.invoice_number;
            let duplicate = if n.sequence() <= DENSE_LIMIT {
                let v = book.projects.entry(project_key(&n)).or_default();
                let at = n.sequence() as usize;
                if v.len() <= at {
                    v.resize(at + 1, Slot::default());
                }
                let taken = v[at].status != 0;
                if !taken {
                    v[at] = Slot {
                        owed_kopiyky: r.amount.kopiyky(),
                        status: status_code(r.status),
                        currency: r.currency,
                    };
                }
                taken
            } else {
                book.sparse.insert(n, r.facts()).is_some()
            };
            if duplicate {
                return Err(err(
                    "invoices.duplicate",
                    format!("invoice {}", i + 1),
                    format!("{n} appears twice"),
                ));
            }
            if !book.prefixes.contains(&n.prefix()) {
                book.prefixes.push(n.prefix());
            }
            book.len += 1;
        }
        Ok(book)
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

impl InvoiceLookup for InvoiceBook {
    fn invoice(&self, number: &InvoiceNumber) -> Option<InvoiceFacts> {
        if number.sequence() > DENSE_LIMIT {
            return self.sparse.get(number).copied();
        }
        let slot = self
            .projects
            .get(&project_key(number))?
            .get(number.sequence() as usize)?;
        let status = match slot.status {
            1 => InvoiceStatus::Open,
            2 => InvoiceStatus::Paid,
            3 => InvoiceStatus::Cancelled,
            _ => return None,
        };
        Some(InvoiceFacts {
            status,
            owed: Money::from_kopiyky(slot.owed_kopiyky).ok()?,
            currency: slot.currency,
        })
    }
}
