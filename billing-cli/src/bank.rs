//! `billing run bank` (import statement lines into the store: credit the exact payments of named
//! invoices, queue the rest for support) and `billing review` (support's queue and its manual
//! matching).

use std::path::PathBuf;
use std::sync::Arc;

use billing_core::reconcile::{BankLine, Decision, Resolution};
use billing_core::{Actor, InvoiceNumber, Money};
use billing_engine::{BankImport, Engine, StatementFolder};
use billing_statements::Format;

use crate::jobs::progress;
use crate::output::{coded, table, Coded, Failure, Output};
use crate::project::uah;
use crate::setup::{cli_ports, CliAcquirer, Location};

/// Arguments of `billing run bank`.
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub struct BankArgs {
    /// Import one statement file (camt.053, MT940, 1C, PrivatBank, monobank or JSON Lines, told
    /// from the content). Lines imported before change nothing.
    #[arg(long, value_name = "FILE")]
    statement: Option<PathBuf>,
    /// The scheduled bank job over a folder of statement files as the bank client drops them:
    /// finishes credits an earlier run left pending, then imports the last 7 days' lines.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// `billing run bank`.
pub async fn run(args: BankArgs, loc: &Location, out: &Output) -> Result<(), Failure> {
    let (config, _) = loc.load()?;
    let mut ports = cli_ports(&config, CliAcquirer::offline(), None).await?;
    let import = match (&args.statement, &args.dir) {
        (Some(file), _) => {
            let engine = Engine::new(config, ports);
            import_file(&engine, file, Format::Auto, out).await?
        }
        (None, Some(dir)) => {
            ports.bank_statements = Arc::new(StatementFolder::new(dir));
            let engine = Engine::new(config, ports);
            engine.run_bank_job().await.map_err(coded)?
        }
        (None, None) => {
            return Err(Box::new(Coded::invalid(
                "usage.missing",
                "give --statement FILE or --dir DIR",
            )))
        }
    };
    print_import(&import, out)
}

/// Imports one statement file into the store: every line decided against the store's invoices,
/// recorded once, exact payments credited, the rest queued for `billing review`.
async fn import_file(
    engine: &Engine,
    file: &std::path::Path,
    format: Format,
    out: &Output,
) -> Result<BankImport, Failure> {
    let bytes = std::fs::read(file).map_err(|e| -> Failure {
        Box::new(Coded::failed(
            "statement.read",
            format!("{}: {e}", file.display()),
        ))
    })?;
    let statement = billing_statements::parse(&bytes, format).map_err(coded)?;
    let lines: Vec<BankLine<'static>> = statement
        .lines
        .into_iter()
        .map(BankLine::into_owned)
        .collect();
    let bar = progress(lines.len() as u64, out);
    let import = engine.import_statement(&lines).await.map_err(coded)?;
    bar.finish_and_clear();
    Ok(import)
}

/// `billing reconcile --statement FILE` without `--invoices`: the store mode, as `billing run bank
/// --statement FILE` with a format of the caller's choice.
pub async fn reconcile_into_store(
    file: &std::path::Path,
    format: Format,
    loc: &Location,
    out: &Output,
) -> Result<(), Failure> {
    let (config, _) = loc.load()?;
    let ports = cli_ports(&config, CliAcquirer::offline(), None).await?;
    let engine = Engine::new(config, ports);
    let import = import_file(&engine, file, format, out).await?;
    print_import(&import, out)
}

fn print_import(import: &BankImport, out: &Output) -> Result<(), Failure> {
    if out.json {
        for r in &import.results {
            out.print_json(r)?;
        }
        eprintln!("{}", serde_json::to_string(&import.summary)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = import
        .results
        .iter()
        .map(|r| {
            vec![
                r.line.to_string(),
                r.id.to_string(),
                crate::project::tag(&r.outcome),
                r.invoice
                    .or(r.reference)
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                r.reason.unwrap_or_default().to_string(),
            ]
        })
        .collect();
    print!(
        "{}",
        table(
            &["line", "transaction", "outcome", "invoice", "reason"],
            &rows
        )
    );
    let s = &import.summary;
    println!(
        "{} line(s): {} credited, {} to review, {} ignored, {} imported before",
        s.lines,
        out.green(&s.auto_credit.to_string()),
        out.yellow(&s.review.to_string()),
        s.ignored,
        s.already_processed
    );
    if import.finished_earlier > 0 {
        println!(
            "{} credit(s) left pending by an earlier run finished",
            import.finished_earlier
        );
    }
    for (key, code) in &import.failures {
        println!(
            "{}",
            out.red(&format!(
                "{key}: {code} (left pending: the next run finishes it)"
            ))
        );
    }
    Ok(())
}

/// Arguments of `billing review`.
#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    /// At most this many lines, oldest first.
    #[arg(long, default_value_t = 100)]
    limit: usize,
    #[command(subcommand)]
    action: Option<ReviewAction>,
}

/// What support does with a line.
#[derive(Debug, clap::Subcommand)]
pub enum ReviewAction {
    /// Resolve a line: credit it to the invoice the payer's receipt names, or mark it not ours.
    Resolve(ResolveArgs),
}

/// Arguments of `billing review resolve`.
#[derive(Debug, clap::Args)]
pub struct ResolveArgs {
    /// The line's key, as `billing review` lists it (the bank's transaction id).
    key: String,
    /// Credit the line to this invoice (`HOR-11111-007`).
    #[arg(long, value_name = "NUMBER", required_unless_present = "not_ours")]
    invoice: Option<String>,
    /// How much of the line to credit (default: the line's amount, at most what the invoice owes).
    #[arg(long, value_name = "UAH", requires = "invoice")]
    amount: Option<String>,
    /// Not a payment of ours (or a reversal acknowledged): nothing is credited.
    #[arg(long, conflicts_with_all = ["invoice", "amount"])]
    not_ours: bool,
    /// Support's note (for --not-ours).
    #[arg(long, default_value = "not a payment for the platform")]
    note: String,
    /// The support agent's id, recorded with the resolution.
    #[arg(long = "as", value_name = "AGENT", default_value = "cli")]
    agent: String,
}

/// `billing review [resolve ...]`.
pub async fn review(args: ReviewArgs, loc: &Location, out: &Output) -> Result<(), Failure> {
    match args.action {
        Some(ReviewAction::Resolve(r)) => resolve(r, loc, out).await,
        None => list(args.limit, loc, out).await,
    }
}

async fn list(limit: usize, loc: &Location, out: &Output) -> Result<(), Failure> {
    let engine = loc.engine().await?;
    let lines = engine.bank_review(limit).await.map_err(coded)?;
    if out.json {
        for l in &lines {
            out.print_json(l)?;
        }
        return Ok(());
    }
    if lines.is_empty() {
        println!("No lines wait for support.");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            let (reason, reference) = match &l.decision {
                Decision::Review {
                    reason, reference, ..
                } => (
                    reason.as_str().to_string(),
                    reference.map(|r| r.to_string()).unwrap_or_default(),
                ),
                other => (crate::project::tag(other), String::new()),
            };
            vec![
                l.key.clone(),
                l.line.booked_on.to_string(),
                uah(l.line.amount),
                l.line.payer_name.as_deref().unwrap_or("").to_string(),
                reason,
                reference,
                l.line.purpose.to_string(),
            ]
        })
        .collect();
    print!(
        "{}",
        table(
            &["key", "booked", "amount", "payer", "reason", "names", "purpose"],
            &rows
        )
    );
    println!(
        "{} line(s) wait; resolve with: billing review resolve KEY --invoice NUMBER [--amount UAH] | --not-ours",
        lines.len()
    );
    Ok(())
}

async fn resolve(args: ResolveArgs, loc: &Location, out: &Output) -> Result<(), Failure> {
    let engine = loc.engine().await?;
    let resolution = if args.not_ours {
        Resolution::NotOurs { note: args.note }
    } else {
        let number = args.invoice.as_deref().unwrap_or_default();
        let invoice =
            InvoiceNumber::parse(number.trim()).map_err(|e| coded(billing_core::Error::from(e)))?;
        let amount = match &args.amount {
            Some(a) => a
                .parse::<Money>()
                .map_err(|e| coded(billing_core::Error::from(e)))?,
            None => {
                let line = engine
                    .bank_review(usize::MAX)
                    .await
                    .map_err(coded)?
                    .into_iter()
                    .find(|l| l.key == args.key)
                    .ok_or_else(|| -> Failure {
                        Box::new(Coded::failed(
                            "reconcile.not_under_review",
                            format!("line {} is not waiting for support", args.key),
                        ))
                    })?;
                let owed = engine
                    .billing_section(invoice.service_code())
                    .await
                    .ok()
                    .and_then(|s| s.invoices.into_iter().find(|i| i.number == invoice))
                    .map(|i| i.owed)
                    .filter(|o| !o.is_zero());
                owed.map_or(line.line.amount, |o| o.min(line.line.amount))
            }
        };
        Resolution::Credit { invoice, amount }
    };
    let actor = Actor::Support { id: args.agent };
    let record = engine
        .resolve_bank_line(&args.key, resolution, &actor)
        .await
        .map_err(coded)?;
    if out.json {
        return out.print_json(&record);
    }
    match &record.resolution {
        Resolution::Credit { invoice, amount } => {
            println!(
                "line {} credited to {invoice}: {}{}",
                record.line_id,
                uah(*amount),
                if record.partial {
                    " (the invoice is still partly owed)"
                } else {
                    ""
                }
            );
            if !record.unapplied.is_zero() {
                println!(
                    "{} of the line not credited: kept for support to refund or apply",
                    uah(record.unapplied)
                );
            }
        }
        Resolution::NotOurs { note } => {
            println!("line {} marked not ours: {note}", record.line_id)
        }
    }
    Ok(())
}
