//! The dry-run reconciliation in Node: bank statement lines decided against invoices given as data,
//! nothing stored (`billing_statements::dry_run`, what `billing reconcile --json` prints).
//!
//! The results are the CLI's `--json` objects, keys included (`reverses_invoice`), so
//! `JSON.stringify` of each prints exactly the CLI's line. Both functions return Promises: the
//! parsing and the decisions run on napi's tokio runtime, never on the event loop.

use std::path::PathBuf;

use billing_statements::dry_run::{reconcile_bytes, reconcile_json, LineResult};
use billing_statements::Format;
use napi::bindgen_prelude::{Buffer, Either, Either3};
use napi_derive::napi;
use serde_json::Value;

use crate::engine::to_json;
use crate::reply::{call, Failure, Reply};

/// One statement line's result: the object `billing reconcile --json` prints for it.
#[napi(object, object_from_js = false)]
pub struct ReconcileLine {
    /// The statement line's number, from 1.
    pub line: u32,
    /// The bank's transaction id.
    pub id: String,
    /// What happens to the line.
    #[napi(ts_type = "'auto_credit' | 'review' | 'ignored' | 'already_processed'")]
    pub outcome: String,
    /// The invoice credited (automatic credits only).
    pub invoice: Option<String>,
    /// The reason code of a review or ignored line (`amount_mismatch`, `outgoing`, ...).
    pub reason: Option<String>,
    /// The one invoice a review line's purpose names, when it names exactly one.
    pub reference: Option<String>,
    /// For a reversal: the id of the credit it reverses, when known.
    pub reverses: Option<String>,
    /// For a reversal: the invoice that credit paid, if any.
    #[napi(js_name = "reverses_invoice")]
    pub reverses_invoice: Option<String>,
}

impl ReconcileLine {
    fn from_result(result: LineResult<'_>) -> Result<ReconcileLine, Failure> {
        let LineResult {
            line,
            id,
            outcome,
            invoice,
            reason,
            reference,
            reverses,
            reverses_invoice,
        } = result;
        let outcome = match to_json(&outcome)? {
            Value::String(name) => name,
            other => return Err(Failure::new("binding.conversion", other.to_string())),
        };
        Ok(ReconcileLine {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            id: id.into_owned(),
            outcome,
            invoice: invoice.map(|n| n.to_string()),
            reason: reason.map(str::to_string),
            reference: reference.map(|n| n.to_string()),
            reverses,
            reverses_invoice: reverses_invoice.map(|n| n.to_string()),
        })
    }
}

/// Options of `reconcileFile`.
#[napi(object, object_to_js = false)]
pub struct ReconcileFileOptions {
    /// The statement's format: `auto` (the default: told from the content), `jsonl`, `camt053`,
    /// `mt940`, `1c`, `privatbank`, `monobank`.
    pub format: Option<String>,
    /// The invoices: a file path (JSON Lines or a JSON array), its content as a `Buffer`, or the
    /// invoice objects.
    #[napi(
        ts_type = "string | Buffer | Array<{ invoice_number: string; project_service_code: string; amount: string; currency: string; status: 'open' | 'paid' | 'cancelled'; issue_date: string }>"
    )]
    pub invoices: Either3<String, Buffer, Vec<Value>>,
}

/// JSON text as given, or the JSON of the objects given.
fn json_text(value: Either<String, Vec<Value>>) -> Result<String, Failure> {
    match value {
        Either::A(text) => Ok(text),
        Either::B(objects) => serde_json::to_string(&objects)
            .map_err(|e| Failure::new("input.invalid", e.to_string())),
    }
}

fn read_file(path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(PathBuf::from(path))
        .map_err(|e| Failure::new("file.unreadable", format!("{path}: {e}")))
}

/// Runs CPU or file work off the event loop and off the runtime's async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Failure::new("binding.task", e.to_string()))?
}

/// Decides statement lines against invoices, nothing stored: one result per line, in order,
/// the same as `billing reconcile --json`.
///
/// Both arguments are JSON text (a JSON array, or JSON Lines) or arrays of the objects, in the
/// CLI's JSON form: invoices `{ invoice_number, project_service_code, amount, currency, status,
/// issue_date }`, lines `{ id, date, amount, currency, payer_name, payer_edrpou, payer_iban,
/// purpose }`. Bad input rejects with its code (`invoices.syntax`, `invoices.field`,
/// `invoices.duplicate`, `statement.syntax`, `statement.field`).
///
/// ```js
/// const results = await reconcile(invoices, lines)
/// results[0]   // { line: 1, id: 'T1', outcome: 'auto_credit', invoice: 'HOR-11111-007' }
/// ```
#[napi(
    ts_args_type = "invoices: string | Array<{ invoice_number: string; project_service_code: string; amount: string; currency: string; status: 'open' | 'paid' | 'cancelled'; issue_date: string }>, lines: string | Array<{ id: string; date: string; amount: string; currency: string; payer_name: string | null; payer_edrpou: string | null; payer_iban: string | null; purpose: string }>",
    ts_return_type = "Promise<ReconcileLine[]>"
)]
pub async fn reconcile(
    invoices: Either<String, Vec<Value>>,
    lines: Either<String, Vec<Value>>,
) -> Reply<Vec<ReconcileLine>> {
    let texts = json_text(invoices).and_then(|i| Ok((i, json_text(lines)?)));
    call(async move {
        let (invoices, lines) = texts?;
        blocking(move || {
            reconcile_json(&invoices, &lines)?
                .into_iter()
                .map(ReconcileLine::from_result)
                .collect()
        })
        .await
    })
    .await
}

/// Decides a bank statement file of any supported format against invoices, nothing stored: the
/// same results as `billing reconcile --statement FILE --invoices INVOICES --json`.
///
/// `statement` is a file path or the file's content as a `Buffer`. An unreadable file rejects
/// with `file.unreadable`, an unknown format with `statement.format_unknown`, a malformed file
/// with its `statement.*` / `invoices.*` code.
#[napi(
    ts_args_type = "statement: string | Buffer, options: ReconcileFileOptions",
    ts_return_type = "Promise<ReconcileLine[]>"
)]
pub async fn reconcile_file(
    statement: Either<String, Buffer>,
    options: ReconcileFileOptions,
) -> Reply<Vec<ReconcileLine>> {
    // Buffers are copied here, on the JavaScript thread; paths are read on a worker.
    let statement = match statement {
        Either::A(path) => Either::A(path),
        Either::B(bytes) => Either::B(bytes.to_vec()),
    };
    let invoices = match options.invoices {
        Either3::A(path) => Ok(Either::A(path)),
        Either3::B(bytes) => Ok(Either::B(bytes.to_vec())),
        Either3::C(objects) => json_text(Either::B(objects)).map(|t| Either::B(t.into_bytes())),
    };
    let format = options.format;
    call(async move {
        let invoices = invoices?;
        let format: Format = match format.as_deref() {
            None => Format::Auto,
            Some(name) => name.parse()?,
        };
        blocking(move || {
            let statement = match statement {
                Either::A(path) => read_file(&path)?,
                Either::B(bytes) => bytes,
            };
            let invoices = match invoices {
                Either::A(path) => read_file(&path)?,
                Either::B(bytes) => bytes,
            };
            reconcile_bytes(&invoices, &statement, format)?
                .into_iter()
                .map(ReconcileLine::from_result)
                .collect()
        })
        .await
    })
    .await
}
