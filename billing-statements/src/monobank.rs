//! monobank statement JSON: the statement API's array of items, one item, or the webhook's
//! `{"type":"StatementItem","data":{"statementItem":{..}}}`.
//!
//! - id `id`; time `time` (unix seconds); direction from the sign of `amount` (minor units, the
//!   account's side); amount and currency from `operationAmount` and `currencyCode` (ISO 4217
//!   numeric, 980 is UAH); a hold (`hold: true`) is pending.
//! - payer `counterName`, `counterEdrpou`, `counterIban`; purpose `comment` (what the payer typed),
//!   else `description`.

use std::borrow::Cow;

use billing_core::reconcile::{BankLine, Currency, Direction, LineStatus};
use billing_core::Money;
use chrono::DateTime;
use serde_json::{Map, Value};

use crate::{Format, StatementError};

fn err(code: &'static str, at: &str, m: impl Into<String>) -> StatementError {
    StatementError::new(code, Format::Monobank, at, m)
}

/// Parses a monobank statement.
pub fn parse(bytes: &[u8]) -> Result<Vec<BankLine<'static>>, StatementError> {
    let v: Value = serde_json::from_slice(crate::text::strip_bom(bytes)).map_err(|e| {
        err(
            "statement.syntax",
            &format!("line {}", e.line()),
            e.to_string(),
        )
    })?;
    let single;
    let items: &[Value] = match &v {
        Value::Array(a) => a,
        Value::Object(o) => {
            if let Some(item) = o.get("data").and_then(|d| d.get("statementItem")) {
                single = [item.clone()];
                &single
            } else if o.contains_key("id") {
                single = [v.clone()];
                &single
            } else {
                return Err(err("statement.syntax", "file", "expected statement items"));
            }
        }
        _ => {
            return Err(err(
                "statement.syntax",
                "file",
                "expected an array of statement items",
            ))
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = format!("[{i}]");
            let o = item
                .as_object()
                .ok_or_else(|| err("statement.syntax", &at, "not an object"))?;
            statement_item(o, &at)
        })
        .collect()
}

fn string(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn statement_item(o: &Map<String, Value>, at: &str) -> Result<BankLine<'static>, StatementError> {
    let bad = |m: String| err("statement.field", at, m);
    let int = |k: &str| {
        o.get(k)
            .and_then(Value::as_i64)
            .ok_or_else(|| bad(format!("{k} must be an integer")))
    };
    let id = string(o, "id").ok_or_else(|| bad("no id".into()))?;
    let time = int("time")?;
    let booked_at = DateTime::from_timestamp(time, 0)
        .ok_or_else(|| bad(format!("time {time} out of range")))?;
    let amount = int("amount")?;
    let operation = o
        .get("operationAmount")
        .and_then(Value::as_i64)
        .unwrap_or(amount);
    let direction = if amount < 0 {
        Direction::Debit
    } else {
        Direction::Credit
    };
    let kop = operation
        .checked_abs()
        .ok_or_else(|| bad("operationAmount out of range".into()))?;
    let amount = Money::from_kopiyky(kop).map_err(|e| bad(format!("operationAmount: {e}")))?;
    let code = int("currencyCode")?;
    let code = u16::try_from(code).map_err(|_| bad(format!("currencyCode {code}")))?;
    if code > 999 {
        return Err(bad(format!("currencyCode {code}")));
    }
    let hold = o.get("hold").and_then(Value::as_bool).unwrap_or(false);
    let purpose = string(o, "comment")
        .or_else(|| string(o, "description"))
        .unwrap_or_default();
    Ok(BankLine {
        id: Cow::Owned(id),
        booked_on: billing_core::calendar::kyiv_date(booked_at),
        booked_at: Some(booked_at),
        amount,
        direction,
        status: if hold {
            LineStatus::Pending
        } else {
            LineStatus::Booked
        },
        reversal: false,
        reverses: None,
        currency: Currency::from_numeric(code),
        payer_name: string(o, "counterName").map(Cow::Owned),
        payer_tax_id: string(o, "counterEdrpou").map(Cow::Owned),
        payer_iban: string(o, "counterIban").map(Cow::Owned),
        purpose: Cow::Owned(purpose),
    })
}
