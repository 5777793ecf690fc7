//! 1C `1CClientBankExchange` (version 1.02/1.03): `Key=Value` lines, Windows-1251, CRLF.
//!
//! - Encoding: Windows-1251 (as banks write it); a UTF-8 file with a byte order mark, or one whose
//!   header says `Кодировка=UTF-8`, is read as UTF-8; `Кодировка=DOS` as CP866.
//! - One line per `СекцияДокумент=` .. `КонецДокумента`: amount `Сумма`; date `ДатаПоступило` or
//!   `ДатаСписано`, else `Дата`; currency from the document's `Валюта=` where present, otherwise
//!   the statement account's (`Валюта=` in the header or the `СекцияРасчСчет`), UAH by default.
//! - Direction: money in when `ПолучательСчет` is one of our accounts (`РасчСчет`), money out when
//!   `ПлательщикСчет` is; otherwise from `ДатаПоступило` / `ДатаСписано`.
//! - The format has no transaction id: the id is `1c-` and a stable 64-bit hash of `Номер`, `Дата`
//!   and `ПлательщикСчет`.
//! - Purpose: `НазначениеПлатежа`, else `НазначениеПлатежа1`.. joined with nothing in between.

use std::borrow::Cow;
use std::collections::HashMap;

use billing_core::reconcile::{BankLine, Currency, Direction, LineStatus};
use billing_core::Money;

use crate::{Format, StatementError};

fn err(code: &'static str, line: usize, m: impl Into<String>) -> StatementError {
    StatementError::new(code, Format::OneC, format!("line {line}"), m)
}

fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest);
    }
    let cp1251 = encoding_rs::WINDOWS_1251
        .decode_without_bom_handling(bytes)
        .0;
    let header = |text: &str, want: &str| {
        text.lines()
            .take(20)
            .any(|l| l.trim().eq_ignore_ascii_case(&format!("Кодировка={want}")))
    };
    if header(&cp1251, "DOS") {
        return encoding_rs::IBM866.decode_without_bom_handling(bytes).0;
    }
    if let Ok(utf8) = std::str::from_utf8(bytes) {
        if header(utf8, "UTF-8") || header(utf8, "UTF8") {
            return Cow::Borrowed(utf8);
        }
    }
    let cp866 = encoding_rs::IBM866.decode_without_bom_handling(bytes).0;
    if header(&cp866, "DOS") {
        return cp866;
    }
    cp1251
}

/// Parses a 1C client-bank exchange file.
pub fn parse(bytes: &[u8]) -> Result<Vec<BankLine<'static>>, StatementError> {
    let text = decode(bytes);
    let mut lines = text.split('\n').enumerate().map(|(i, l)| {
        (
            i + 1,
            l.strip_suffix('\r')
                .unwrap_or(l)
                .trim_start_matches('\u{feff}'),
        )
    });
    match lines.next() {
        Some((_, first)) if first.trim() == "1CClientBankExchange" => {}
        _ => {
            return Err(err(
                "statement.syntax",
                1,
                "the file must start with 1CClientBankExchange",
            ))
        }
    }
    let mut accounts: Vec<String> = Vec::new();
    let mut account_currency = Currency::UAH;
    let mut doc: Option<(usize, HashMap<String, String>)> = None;
    let mut in_account = false;
    let mut out = Vec::new();
    let mut ended = false;
    for (no, line) in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if ended {
            return Err(err("statement.syntax", no, "text after КонецФайла"));
        }
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => (line, ""),
        };
        match key {
            "СекцияДокумент" => {
                if doc.is_some() {
                    return Err(err(
                        "statement.syntax",
                        no,
                        "СекцияДокумент inside a document (no КонецДокумента)",
                    ));
                }
                doc = Some((no, HashMap::new()));
                continue;
            }
            "КонецДокумента" => {
                let (start, fields) = doc.take().ok_or_else(|| {
                    err(
                        "statement.syntax",
                        no,
                        "КонецДокумента without СекцияДокумент",
                    )
                })?;
                out.push(document(start, &fields, &accounts, account_currency)?);
                continue;
            }
            "СекцияРасчСчет" => {
                in_account = true;
                continue;
            }
            "КонецРасчСчет" => {
                in_account = false;
                continue;
            }
            "КонецФайла" => {
                ended = true;
                continue;
            }
            _ => {}
        }
        if !line.contains('=') {
            return Err(err(
                "statement.syntax",
                no,
                format!("expected Key=Value, got {line:?}"),
            ));
        }
        match &mut doc {
            Some((_, fields)) => {
                fields.insert(key.to_string(), value.to_string());
            }
            None => {
                if key == "РасчСчет" && !value.is_empty() {
                    let v = value.replace(' ', "").to_uppercase();
                    if !accounts.contains(&v) {
                        accounts.push(v);
                    }
                } else if key == "Валюта" && (in_account || out.is_empty()) {
                    account_currency = Currency::parse(value)
                        .map_err(|e| err("statement.field", no, format!("Валюта: {e}")))?;
                }
            }
        }
    }
    if let Some((start, _)) = doc {
        return Err(err(
            "statement.syntax",
            start,
            "СекцияДокумент without КонецДокумента",
        ));
    }
    Ok(out)
}

fn document(
    start: usize,
    f: &HashMap<String, String>,
    accounts: &[String],
    account_currency: Currency,
) -> Result<BankLine<'static>, StatementError> {
    let bad = |m: String| err("statement.field", start, format!("document: {m}"));
    let get = |k: &str| f.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let number = get("Номер").ok_or_else(|| bad("no Номер".into()))?;
    let date_text = get("Дата").ok_or_else(|| bad("no Дата".into()))?;
    let date = crate::text::date_dmy(date_text)
        .ok_or_else(|| bad(format!("Дата {date_text:?} is not DD.MM.YYYY")))?;
    let amount_text = get("Сумма").ok_or_else(|| bad("no Сумма".into()))?;
    let amount: Money = amount_text
        .parse()
        .map_err(|e| bad(format!("Сумма {amount_text:?}: {e}")))?;
    let norm = |s: Option<&str>| s.map(|v| v.replace(' ', "").to_uppercase());
    let payer_acc = norm(get("ПлательщикСчет").or(get("ПлательщикРасчСчет")));
    let payee_acc = norm(get("ПолучательСчет").or(get("ПолучательРасчСчет")));
    let ours = |a: &Option<String>| a.as_ref().is_some_and(|a| accounts.contains(a));
    let direction = if ours(&payee_acc) {
        Direction::Credit
    } else if ours(&payer_acc) {
        Direction::Debit
    } else if get("ДатаПоступило").is_some() {
        Direction::Credit
    } else if get("ДатаСписано").is_some() {
        Direction::Debit
    } else {
        return Err(bad("cannot tell money in from money out: neither account is ours (РасчСчет) and no ДатаПоступило/ДатаСписано".into()));
    };
    let booked_text = match direction {
        Direction::Credit => get("ДатаПоступило"),
        Direction::Debit => get("ДатаСписано"),
    };
    let booked_on = match booked_text {
        Some(t) => {
            crate::text::date_dmy(t).ok_or_else(|| bad(format!("date {t:?} is not DD.MM.YYYY")))?
        }
        None => date,
    };
    let currency = match get("Валюта") {
        Some(c) => Currency::parse(c).map_err(|e| bad(format!("Валюта: {e}")))?,
        None => account_currency,
    };
    let purpose = match get("НазначениеПлатежа") {
        Some(p) => p.to_string(),
        None => (1..=6)
            .filter_map(|i| get(&format!("НазначениеПлатежа{i}")))
            .collect::<Vec<_>>()
            .concat(),
    };
    let payer_acc_text = payer_acc.clone().unwrap_or_default();
    let id = format!(
        "1c-{:016x}",
        crate::text::fnv1a(&[number, date_text, &payer_acc_text])
    );
    let (name, code, iban) = match direction {
        Direction::Credit => (
            get("Плательщик").or(get("Плательщик1")),
            get("ПлательщикИНН").or(get("ПлательщикОКПО")),
            payer_acc,
        ),
        Direction::Debit => (
            get("Получатель").or(get("Получатель1")),
            get("ПолучательИНН").or(get("ПолучательОКПО")),
            payee_acc,
        ),
    };
    Ok(BankLine {
        id: Cow::Owned(id),
        booked_on,
        booked_at: None,
        amount,
        direction,
        status: LineStatus::Booked,
        reversal: false,
        reverses: None,
        currency,
        payer_name: name.map(|s| Cow::Owned(s.to_string())),
        payer_tax_id: code.map(|s| Cow::Owned(s.to_string())),
        payer_iban: iban.map(Cow::Owned),
        purpose: Cow::Owned(purpose),
    })
}
