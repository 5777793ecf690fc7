//! PrivatBank Автоклієнт statement JSON: the API's answer (`{"status":"SUCCESS","transactions":[..]}`)
//! or a bare array of transactions. Every field is a string.
//!
//! - Decided now: posted lines (`FL_REAL=r` and `PR_PR=r`). In progress (`PR_PR=p`, or not
//!   `FL_REAL=r`): pending, decided by a later import. Rejected (`PR_PR=n`): ignored. Reversed
//!   (`PR_PR=t`): a reversal of that same transaction.
//! - id `ID` (else `REF`.`REFN`), direction `TRANTYPE` (`C`/`D`), amount `SUM` (hryvnias, decimal
//!   string), currency `CCY`, time `DATE_TIME_DAT_OD_TIM_P` (Kyiv; else `DAT_OD` and `TIM_P`),
//!   payer `AUT_CNTR_NAM`, `AUT_CNTR_CRF`, `AUT_CNTR_ACC`, purpose `OSND`.

use std::borrow::Cow;

use billing_core::reconcile::{BankLine, Currency, Direction, LineStatus};
use billing_core::Money;
use chrono::NaiveDateTime;
use serde_json::{Map, Value};

use crate::{Format, StatementError};

fn err(code: &'static str, at: &str, m: impl Into<String>) -> StatementError {
    StatementError::new(code, Format::PrivatBank, at, m)
}

/// Parses a PrivatBank statement.
pub fn parse(bytes: &[u8]) -> Result<Vec<BankLine<'static>>, StatementError> {
    let v: Value = serde_json::from_slice(crate::text::strip_bom(bytes)).map_err(|e| {
        err(
            "statement.syntax",
            &format!("line {}", e.line()),
            e.to_string(),
        )
    })?;
    let items = match &v {
        Value::Array(a) => a,
        Value::Object(o) => {
            if let Some(s) = o.get("status").and_then(Value::as_str) {
                if s != "SUCCESS" {
                    return Err(err(
                        "statement.field",
                        "status",
                        format!("status is {s:?}, not SUCCESS"),
                    ));
                }
            }
            o.get("transactions")
                .and_then(Value::as_array)
                .ok_or_else(|| err("statement.field", "transactions", "no transactions array"))?
        }
        _ => {
            return Err(err(
                "statement.syntax",
                "file",
                "expected an object or an array",
            ))
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = format!("transactions[{i}]");
            let o = item
                .as_object()
                .ok_or_else(|| err("statement.syntax", &at, "not an object"))?;
            transaction(o, &at)
        })
        .collect()
}

fn text<'v>(o: &'v Map<String, Value>, key: &str) -> Option<Cow<'v, str>> {
    match o.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(Cow::Borrowed(s.trim())),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        _ => None,
    }
}

fn transaction(o: &Map<String, Value>, at: &str) -> Result<BankLine<'static>, StatementError> {
    let bad = |m: String| err("statement.field", at, m);
    let need = |k: &str| text(o, k).ok_or_else(|| bad(format!("no {k}")));
    let id = match text(o, "ID") {
        Some(id) => id.into_owned(),
        None => match (text(o, "REF"), text(o, "REFN")) {
            (Some(r), Some(n)) => format!("{r}.{n}"),
            (Some(r), None) => r.into_owned(),
            _ => return Err(bad("no ID (nor REF)".into())),
        },
    };
    let direction = match need("TRANTYPE")?.as_ref() {
        "C" => Direction::Credit,
        "D" => Direction::Debit,
        other => return Err(bad(format!("TRANTYPE must be C or D, not {other:?}"))),
    };
    let sum = need("SUM")?;
    let amount: Money = sum.parse().map_err(|e| bad(format!("SUM {sum:?}: {e}")))?;
    let currency = Currency::parse(&need("CCY")?).map_err(|e| bad(format!("CCY: {e}")))?;
    let pr = need("PR_PR")?;
    let real = need("FL_REAL")?;
    let (status, reversal) = match pr.as_ref() {
        "r" if real == "r" => (LineStatus::Booked, false),
        "r" | "p" => (LineStatus::Pending, false),
        "n" => (LineStatus::Rejected, false),
        "t" => (LineStatus::Booked, true),
        other => return Err(bad(format!("PR_PR must be r, p, n or t, not {other:?}"))),
    };
    let (booked_on, booked_at) = if let Some(dt) = text(o, "DATE_TIME_DAT_OD_TIM_P") {
        let local = NaiveDateTime::parse_from_str(&dt, "%d.%m.%Y %H:%M:%S").map_err(|_| {
            bad(format!(
                "DATE_TIME_DAT_OD_TIM_P {dt:?} is not DD.MM.YYYY HH:MM:SS"
            ))
        })?;
        (local.date(), crate::text::kyiv_to_utc(local))
    } else {
        let d = need("DAT_OD")?;
        let date = crate::text::date_dmy(&d)
            .ok_or_else(|| bad(format!("DAT_OD {d:?} is not DD.MM.YYYY")))?;
        let at = text(o, "TIM_P")
            .and_then(|t| chrono::NaiveTime::parse_from_str(&t, "%H:%M").ok())
            .and_then(|t| crate::text::kyiv_to_utc(date.and_time(t)));
        (date, at)
    };
    let own = |k: &str| text(o, k).map(|c| Cow::Owned(c.into_owned()));
    Ok(BankLine {
        reverses: reversal.then(|| Cow::Owned(id.clone())),
        id: Cow::Owned(id),
        booked_on,
        booked_at,
        amount,
        direction,
        status,
        reversal,
        currency,
        payer_name: own("AUT_CNTR_NAM"),
        payer_tax_id: own("AUT_CNTR_CRF"),
        payer_iban: own("AUT_CNTR_ACC"),
        purpose: Cow::Owned(
            o.get("OSND")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        ),
    })
}
