//! ISO 20022 camt.053 (Bank-to-Customer Statement), versions .001.02 to .001.08 and later.
//!
//! One line per `Ntry`: the id from `AcctSvcrRef` (the entry's, else its transaction's, else
//! `NtryRef`), the currency of each entry from `Amt/@Ccy` (a statement may carry entries in another
//! currency than its account's), the direction from `CdtDbtInd`, a reversal from `RvslInd`, the
//! status from `Sts` (`PDNG` is pending), the date from `BookgDt` (else `ValDt`), the payer from
//! `RltdPties/Dbtr` (`Nm`, `Id/OrgId/Othr/Id` or `Id/PrvtId/Othr/Id`) and `DbtrAcct/Id/IBAN` (for
//! money out, the creditor), and the purpose from every `RmtInf/Ustrd` of the entry joined with
//! nothing in between.

use std::borrow::Cow;

use billing_core::reconcile::{BankLine, Currency, Direction, LineStatus};
use billing_core::Money;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use quick_xml::events::Event;
use quick_xml::Reader;

use crate::{Format, StatementError};

/// Deeper nesting than this is refused (camt.053 needs about 12 levels).
const MAX_DEPTH: usize = 64;

#[derive(Default)]
struct Party {
    name: Option<String>,
    id: Option<String>,
    iban: Option<String>,
}

#[derive(Default)]
struct Entry {
    line: usize,
    acct_svcr_ref: Option<String>,
    tx_acct_svcr_ref: Option<String>,
    ntry_ref: Option<String>,
    amount: Option<String>,
    ccy: Option<String>,
    cdt_dbt: Option<String>,
    reversal: Option<String>,
    status: Option<String>,
    booked: Option<String>,
    value: Option<String>,
    debtor: Party,
    creditor: Party,
    purpose: String,
}

fn line_of(bytes: &[u8], pos: usize) -> usize {
    1 + memchr::memchr_iter(b'\n', &bytes[..pos.min(bytes.len())]).count()
}

fn set(slot: &mut Option<String>, text: &str) {
    if slot.is_none() {
        let t = text.trim();
        if !t.is_empty() {
            *slot = Some(t.to_string());
        }
    }
}

/// A date (`2025-01-15`) or date-time (`2025-01-15T10:00:00`, with or without offset).
fn date_or_time(s: &str) -> Option<(NaiveDate, Option<DateTime<Utc>>)> {
    if let Some(d) = crate::text::date_iso(s) {
        return Some((d, None));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let t = t.with_timezone(&Utc);
        return Some((billing_core::calendar::kyiv_date(t), Some(t)));
    }
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    let t = crate::text::kyiv_to_utc(local)?;
    Some((local.date(), Some(t)))
}

impl Entry {
    fn field(&mut self, rel: &str, text: &str) {
        let p = |s: &str| rel == s;
        let party_field = |party: &mut Party, sub: &str, text: &str| match sub {
            "Nm" | "Pty/Nm" => set(&mut party.name, text),
            "Id/OrgId/Othr/Id"
            | "Id/PrvtId/Othr/Id"
            | "Pty/Id/OrgId/Othr/Id"
            | "Pty/Id/PrvtId/Othr/Id" => set(&mut party.id, text),
            _ => {}
        };
        if p("AcctSvcrRef") {
            set(&mut self.acct_svcr_ref, text);
        } else if p("NtryRef") {
            set(&mut self.ntry_ref, text);
        } else if p("Amt") {
            set(&mut self.amount, text);
        } else if p("CdtDbtInd") {
            set(&mut self.cdt_dbt, text);
        } else if p("RvslInd") {
            set(&mut self.reversal, text);
        } else if p("Sts") || p("Sts/Cd") {
            set(&mut self.status, text);
        } else if p("BookgDt/Dt") || p("BookgDt/DtTm") {
            set(&mut self.booked, text);
        } else if p("ValDt/Dt") || p("ValDt/DtTm") {
            set(&mut self.value, text);
        } else if let Some(tx) = rel.strip_prefix("NtryDtls/TxDtls/") {
            if tx == "Refs/AcctSvcrRef" {
                set(&mut self.tx_acct_svcr_ref, text);
            } else if tx == "RmtInf/Ustrd" {
                self.purpose.push_str(text.trim_matches(['\r', '\n']));
            } else if let Some(sub) = tx.strip_prefix("RltdPties/Dbtr/") {
                party_field(&mut self.debtor, sub, text);
            } else if let Some(sub) = tx.strip_prefix("RltdPties/Cdtr/") {
                party_field(&mut self.creditor, sub, text);
            } else if tx == "RltdPties/DbtrAcct/Id/IBAN" {
                set(&mut self.debtor.iban, text);
            } else if tx == "RltdPties/CdtrAcct/Id/IBAN" {
                set(&mut self.creditor.iban, text);
            }
        }
    }

    fn finish(
        self,
        n: usize,
        account_ccy: Option<&str>,
    ) -> Result<BankLine<'static>, StatementError> {
        let at = format!("Ntry {n} (line {})", self.line);
        let err =
            |m: String| StatementError::new("statement.field", Format::Camt053, at.clone(), m);
        let _ = account_ccy;
        let id = self
            .acct_svcr_ref
            .or(self.tx_acct_svcr_ref)
            .or(self.ntry_ref)
            .ok_or_else(|| err("no AcctSvcrRef (nor NtryRef): the entry has no id".into()))?;
        let amount_text = self.amount.ok_or_else(|| err("no Amt".into()))?;
        let amount: Money = amount_text
            .parse()
            .map_err(|e| err(format!("Amt {amount_text:?}: {e}")))?;
        let ccy = self
            .ccy
            .ok_or_else(|| err("Amt has no Ccy attribute".into()))?;
        let currency = Currency::parse(&ccy).map_err(|e| err(format!("Amt/@Ccy: {e}")))?;
        let direction = match self.cdt_dbt.as_deref() {
            Some("CRDT") => Direction::Credit,
            Some("DBIT") => Direction::Debit,
            other => {
                return Err(err(format!(
                    "CdtDbtInd must be CRDT or DBIT, not {other:?}"
                )))
            }
        };
        let reversal = match self.reversal.as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => {
                return Err(err(format!("RvslInd must be true or false, not {other:?}")))
            }
        };
        let status = match self.status.as_deref() {
            None | Some("BOOK") => LineStatus::Booked,
            Some("PDNG") | Some("INFO") | Some("FUTR") => LineStatus::Pending,
            Some(other) => return Err(err(format!("Sts {other:?} is not BOOK, PDNG or INFO"))),
        };
        let date_text = self
            .booked
            .or(self.value)
            .ok_or_else(|| err("no BookgDt (nor ValDt)".into()))?;
        let (booked_on, booked_at) =
            date_or_time(&date_text).ok_or_else(|| err(format!("date {date_text:?}")))?;
        let party = if direction == Direction::Credit {
            self.debtor
        } else {
            self.creditor
        };
        Ok(BankLine {
            id: Cow::Owned(id),
            booked_on,
            booked_at,
            amount,
            direction,
            status,
            reversal,
            reverses: None,
            currency,
            payer_name: party.name.map(Cow::Owned),
            payer_tax_id: party.id.map(Cow::Owned),
            payer_iban: party.iban.map(Cow::Owned),
            purpose: Cow::Owned(self.purpose),
        })
    }
}

/// Parses a camt.053 document.
pub fn parse(bytes: &[u8]) -> Result<Vec<BankLine<'static>>, StatementError> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(false);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut ntry_depth: Option<usize> = None;
    let mut entry = Entry::default();
    let mut text = String::new();
    let mut lines = Vec::new();
    let mut entries = 0usize;
    let mut account_ccy: Option<String> = None;
    let mut saw_root = false;
    let syntax = |pos: usize, m: String| {
        StatementError::new(
            "statement.syntax",
            Format::Camt053,
            format!("line {}", line_of(bytes, pos)),
            m,
        )
    };
    loop {
        let pos = reader.buffer_position() as usize;
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| syntax(reader.buffer_position() as usize, e.to_string()))?;
        match ev {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if path.len() >= MAX_DEPTH {
                    return Err(syntax(pos, "elements nested too deep".into()));
                }
                if !saw_root {
                    saw_root = true;
                    if name != "Document" {
                        return Err(syntax(pos, format!("root element is {name}, not Document")));
                    }
                }
                path.push(name);
                text.clear();
                if path.last().map(String::as_str) == Some("Ntry") && ntry_depth.is_none() {
                    ntry_depth = Some(path.len());
                    entries += 1;
                    entry = Entry {
                        line: line_of(bytes, pos),
                        ..Entry::default()
                    };
                }
                if let Some(d) = ntry_depth {
                    if path.len() == d + 1 && path[d] == "Amt" {
                        for a in e.attributes() {
                            let a = a.map_err(|x| syntax(pos, x.to_string()))?;
                            if a.key.local_name().as_ref() == b"Ccy" {
                                let v =
                                    a.unescape_value().map_err(|x| syntax(pos, x.to_string()))?;
                                entry.ccy = Some(v.trim().to_string());
                            }
                        }
                    }
                }
            }
            Event::Empty(_) => {}
            Event::Text(t) => {
                let s = t.unescape().map_err(|x| syntax(pos, x.to_string()))?;
                text.push_str(&s);
            }
            Event::CData(t) => {
                text.push_str(&String::from_utf8_lossy(&t));
            }
            Event::End(_) => {
                if let Some(d) = ntry_depth {
                    if path.len() == d {
                        let done = std::mem::take(&mut entry);
                        lines.push(done.finish(entries, account_ccy.as_deref())?);
                        ntry_depth = None;
                    } else if path.len() > d {
                        let rel = path[d..].join("/");
                        entry.field(&rel, &text);
                    }
                } else if path.len() >= 2
                    && path[path.len() - 2] == "Acct"
                    && path[path.len() - 1] == "Ccy"
                {
                    account_ccy = Some(text.trim().to_string());
                }
                path.pop();
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_root {
        return Err(syntax(0, "no XML document".into()));
    }
    if !path.is_empty() {
        return Err(syntax(
            bytes.len(),
            format!("unclosed element {}", path.join("/")),
        ));
    }
    Ok(lines)
}
