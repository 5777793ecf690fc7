//! `billing reconcile --statement FILE [--format ...] [--invoices INVOICES.jsonl] [--json]`.
//!
//! With `--invoices`: a dry run without a database. Every statement line is decided in file order
//! against the invoices of the file, and nothing is stored. People get a table and a summary; with
//! `--json`, stdout carries one JSON object per statement line and nothing else (the summary goes
//! to stderr). A bad file is refused whole, with an error naming the line or element.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use billing_core::reconcile::{Decision, Outcome};
use billing_statements::dry_run::{LineResult, Summary};
use billing_statements::invoices::InvoiceBook;
use billing_statements::Format;
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::{Failure, Output};

/// A statement format on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Tell from the content.
    Auto,
    /// JSON Lines (`id, date, amount, currency, payer_name, payer_edrpou, payer_iban, purpose`).
    Jsonl,
    /// ISO 20022 camt.053.
    Camt053,
    /// SWIFT MT940.
    Mt940,
    /// 1C `1CClientBankExchange` (Windows-1251).
    #[value(name = "1c")]
    OneC,
    /// PrivatBank Автоклієнт JSON.
    Privatbank,
    /// monobank statement JSON.
    Monobank,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Auto => Format::Auto,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Camt053 => Format::Camt053,
            FormatArg::Mt940 => Format::Mt940,
            FormatArg::OneC => Format::OneC,
            FormatArg::Privatbank => Format::PrivatBank,
            FormatArg::Monobank => Format::Monobank,
        }
    }
}

/// Arguments of `billing reconcile`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bank statement file.
    #[arg(long, value_name = "FILE")]
    statement: PathBuf,
    /// Its format.
    #[arg(long, value_enum, default_value = "auto")]
    format: FormatArg,
    /// A dry run without a database: the invoices as JSON Lines (`invoice_number`,
    /// `project_service_code`, `amount` still owed, `currency`, `status` open|paid|cancelled,
    /// `issue_date`). Nothing is stored. Without it, the lines are decided and credited against
    /// the store (`--db`), each line once, the rest queued for `billing review`.
    #[arg(long, value_name = "INVOICES.jsonl")]
    invoices: Option<PathBuf>,
}

fn read(path: &PathBuf) -> Result<Vec<u8>, Failure> {
    read_in_halves(path).map_err(|e| format!("{}: {e}", path.display()).into())
}

/// A whole file, a large one read by two threads at once (each copies its half from the page
/// cache into memory it is the first to touch, so the copying and the page faults are shared).
fn read_in_halves(path: &PathBuf) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    if threads < 2 || len < (8 << 20) || usize::try_from(len).is_err() {
        return std::fs::read(path);
    }
    // Zeroed by the allocator as fresh pages: nothing is written before the reads.
    let mut buf = vec![0u8; len as usize];
    let mid = buf.len() / 2;
    let (a, b) = buf.split_at_mut(mid);
    let (ra, rb) = std::thread::scope(|s| {
        let first = s.spawn(|| file.read_exact_at(a, 0));
        let second = file.read_exact_at(b, mid as u64);
        (
            first
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("a reader thread failed"))),
            second,
        )
    });
    ra?;
    rb?;
    // The file grew while it was read: read it whole instead.
    if file.read_at(&mut [0u8; 1], len)? != 0 {
        return std::fs::read(path);
    }
    Ok(buf)
}

/// Progress on stderr, only when stderr is a terminal.
fn progress() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {wide_bar} {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Runs the command: the store mode without `--invoices`, the dry run with it.
pub async fn run(args: Args, loc: &crate::setup::Location, out: &Output) -> Result<(), Failure> {
    match args.invoices.as_ref() {
        None => {
            crate::bank::reconcile_into_store(&args.statement, args.format.into(), loc, out).await
        }
        Some(_) => dry_run(args, out),
    }
}

/// The dry run: invoices from JSON Lines, nothing stored.
fn dry_run(args: Args, out: &Output) -> Result<(), Failure> {
    let Some(invoices_path) = args.invoices.as_ref() else {
        return Err("--invoices is required for a dry run".into());
    };
    let t0 = std::time::Instant::now();
    let timings = std::env::var_os("BILLING_TIMINGS").is_some();
    let bar = progress();
    bar.set_message("reading the statement and the invoices");
    // The invoices and the statement are read at the same time.
    // The invoices are read and parsed on one side while the statement is read and parsed on
    // the other. Errors are reported in the same order as one after the other: the invoices'
    // first, then the statement's.
    let invoices = {
        let invoices_path = invoices_path.clone();
        std::thread::spawn(move || -> Result<InvoiceBook, Failure> {
            // Read in pieces: the invoices are never all in memory as text.
            let file = std::fs::File::open(&invoices_path)
                .map_err(|e| Failure::from(format!("{}: {e}", invoices_path.display())))?;
            let book = InvoiceBook::read(file)
                .map_err(|e| Failure::from(format!("{}: {e}", invoices_path.display())))?;
            if timings {
                eprintln!("invoices: {:?}", t0.elapsed());
            }
            Ok(book?)
        })
    };
    let statement_bytes = read(&args.statement);
    let parsed = statement_bytes
        .as_ref()
        .ok()
        .map(|bytes| billing_statements::parse(bytes, args.format.into()));
    if timings {
        eprintln!("statement: {:?}", t0.elapsed());
    }
    let book = invoices
        .join()
        .unwrap_or_else(|_| Err("reading the invoices failed".into()));
    let book = book?;
    let statement = match parsed {
        Some(parsed) => parsed?,
        None => {
            return Err(statement_bytes
                .err()
                .unwrap_or_else(|| "reading the statement failed".into()))
        }
    };
    let lines = &statement.lines;
    if timings {
        eprintln!("parsed: {:?}", t0.elapsed());
    }
    bar.set_message(format!("deciding {} lines", lines.len()));
    // Reading the references is independent per line: on all cores. The rules then run in order.
    let decisions = billing_statements::dry_run::decide(&book, lines);
    if timings {
        eprintln!("decided: {:?}", t0.elapsed());
    }
    bar.set_length(lines.len() as u64);
    bar.set_message("writing");
    let stdout = std::io::stdout();
    let mut w = BufWriter::with_capacity(1 << 20, stdout.lock());
    if !out.json {
        writeln!(w, "{:>6}  {:<24}  {:<17}  detail", "line", "id", "outcome")?;
    }
    // Formatted in blocks on all cores, written in order.
    const BLOCK: usize = 65_536;
    let blocks = lines.len().div_ceil(BLOCK);
    for group in (0..blocks).collect::<Vec<_>>().chunks(8) {
        let texts = par_map(group.len(), |g| -> std::io::Result<Vec<u8>> {
            let start = group[g] * BLOCK;
            let end = (start + BLOCK).min(lines.len());
            let mut buf = Vec::with_capacity((end - start) * 80);
            for i in start..end {
                let r = LineResult::new(i, &lines[i], &decisions[i]);
                if out.json {
                    r.write_json(&mut buf);
                    buf.push(b'\n');
                } else {
                    write_row(&mut buf, out, &r, &decisions[i])?;
                }
            }
            Ok(buf)
        });
        for t in texts {
            w.write_all(&t?)?;
        }
        bar.set_position(((group[group.len() - 1] + 1) * BLOCK).min(lines.len()) as u64);
    }
    w.flush()?;
    if timings {
        eprintln!("written: {:?}", t0.elapsed());
    }
    bar.finish_and_clear();
    let summary = Summary::of(&decisions);
    let reasons: Vec<String> = summary
        .review_reasons
        .iter()
        .map(|(r, n)| format!("{r} {n}"))
        .collect();
    let text = format!(
        "{} lines ({}, {} invoices): {} credited automatically, {} to review{}, {} ignored, {} already processed; nothing stored (dry run)",
        summary.lines,
        statement.format,
        book.len(),
        summary.auto_credit,
        summary.review,
        if reasons.is_empty() { String::new() } else { format!(" ({})", reasons.join(", ")) },
        summary.ignored,
        summary.already_processed,
    );
    if out.json {
        eprintln!(
            "{}",
            serde_json::json!({"summary": summary, "format": statement.format.as_str(), "stored": false})
        );
    } else {
        writeln!(w, "\n{text}")?;
        w.flush()?;
    }
    Ok(())
}

fn write_row<W: Write>(
    w: &mut W,
    out: &Output,
    r: &LineResult<'_>,
    d: &Decision,
) -> std::io::Result<()> {
    let outcome = match d.outcome() {
        Outcome::AutoCredit => out.green(r.outcome.as_str()),
        Outcome::Review => out.red(r.outcome.as_str()),
        _ => r.outcome.as_str().to_string(),
    };
    let mut detail = String::new();
    if let Some(inv) = r.invoice {
        detail.push_str(&inv.to_string());
    }
    if let Some(reason) = r.reason {
        detail.push_str(reason);
    }
    if let Some(reference) = r.reference {
        detail.push_str(&format!(" ({reference})"));
    }
    if let Some(rev) = &r.reverses {
        detail.push_str(&format!(" reverses {rev}"));
    }
    // Pad by characters, not by colour escapes.
    let pad = 17usize.saturating_sub(r.outcome.as_str().len());
    writeln!(
        w,
        "{:>6}  {:<24}  {}{}  {}",
        r.line,
        r.id,
        outcome,
        " ".repeat(pad),
        detail
    )
}

/// `f(0..n)` on all cores, in order.
fn par_map<T: Send, F: Fn(usize) -> T + Sync>(n: usize, f: F) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    if threads < 2 || n < 2 {
        return (0..n).map(&f).collect();
    }
    let per = n.div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| s.spawn(move || (t * per..((t + 1) * per).min(n)).map(f).collect::<Vec<T>>()))
            .collect();
        let mut all = Vec::with_capacity(n);
        for h in handles {
            match h.join() {
                Ok(mut part) => all.append(&mut part),
                Err(p) => std::panic::resume_unwind(p),
            }
        }
        all
    })
}
