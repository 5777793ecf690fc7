//! `billing`: the billing engine on the command line, over the embedded SQLite store by default.
//!
//! ```text
//! billing init                                  # billing.db + billing.json in the current directory
//! billing demo                                  # a month or two of a few shops, replayed up to now
//! billing project show 11111                    # the billing section as the admin panel shows it
//! billing invoices 11111 --json                 # the invoice history, one JSON object per line
//! billing run daily [--date 2026-05-01]         # the scheduled daily job
//! billing invoice pdf 11111 HOR-11111-001 -o invoice.pdf
//! billing act pdf 11111 A-11111-2026-04 -o act.pdf
//! billing run bank --statement statement.xml    # or --dir DIR: the scheduled bank job
//! billing review                                # lines waiting for support
//! billing review resolve PB-1 --invoice HOR-11111-001 [--amount 600] | --not-ours
//! billing validate edrpou 32855961 32855968
//! printf 'UA213223130000026007233566001\n' | billing validate iban --json
//! ```
#![forbid(unsafe_code)]

mod bank;
mod demo;
mod docs;
mod jobs;
mod output;
mod project;
mod reconcile;
mod setup;
mod tax;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes and errors, as `--help` documents them.
const EXIT_HELP: &str = "\
Exit codes:
  0  the command ran (for `validate`: even when some values are invalid)
  1  the command failed: refused by the billing rules, not found, a store or I/O error
  2  bad usage (unknown command or option, missing argument) or invalid input (a malformed
     service code, invoice number or date); nothing changed
Errors print `billing: <code>: <message>` on stderr (with --json: {\"error\": ..., \"code\": ...});
the dotted codes are stable (`invoice.unknown`, `project.not_found`, `service_code.format`, ...).

Store and configuration:
  --db PATH|URL   (or BILLING_DB) a SQLite file, created and migrated on first open, or a
                  postgres:// URL. Default: the configuration's `store`, else ./billing.db
  --config FILE   (or BILLING_CONFIG) the engine configuration (JSON). Default: the .json file
                  beside a SQLite store (billing.db -> billing.json) when it exists, else the
                  built-in defaults. `billing init` writes it.";

/// The billing engine of the platform on the command line.
#[derive(Debug, Parser)]
#[command(name = "billing", version, about, after_help = EXIT_HELP)]
struct Cli {
    /// Print for machines: JSON (JSON Lines where the output is a stream).
    #[arg(long, global = true)]
    json: bool,

    #[command(flatten)]
    location: setup::Location,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create and migrate the store, and write the configuration beside it.
    #[command(after_help = EXIT_HELP)]
    Init(demo::InitArgs),
    /// Fill the store with a few demo shops: a month or two of invoices, a bank-transfer payer with
    /// an act, a card autopay, an overdue blocked shop and a new one with a payment link.
    #[command(after_help = EXIT_HELP)]
    Demo,
    /// A project's billing section.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// A project's invoice history, newest first.
    #[command(after_help = EXIT_HELP)]
    Invoices {
        /// The project's service code (`11111`).
        code: String,
    },
    /// Support's queue of bank lines that were not credited automatically, and manual matching.
    #[command(after_help = EXIT_HELP)]
    Review(bank::ReviewArgs),
    /// Run a scheduled job.
    #[command(subcommand)]
    Run(RunCommand),
    /// Invoices as documents.
    #[command(subcommand)]
    Invoice(InvoiceCommand),
    /// Acts of completed work as documents.
    #[command(subcommand)]
    Act(ActCommand),
    /// Tax invoices (податкові накладні) and their corrections.
    #[command(subcommand)]
    Tax(TaxCommand),
    /// Validate requisites: values given as arguments, or one value per line from stdin.
    #[command(after_help = EXIT_HELP)]
    Validate(validate::Args),
    /// Decide bank statement lines: credit exact payments of named invoices, send the rest to support.
    #[command(after_help = EXIT_HELP)]
    Reconcile(reconcile::Args),
}

#[derive(Debug, Subcommand)]
enum ProjectCommand {
    /// The whole billing section: owner, domains, contracts, requisites, Vchasno, tariff with its
    /// counters, payment method, invoices with status and links, acts.
    #[command(after_help = EXIT_HELP)]
    Show {
        /// The project's service code (`11111`).
        code: String,
    },
}

#[derive(Debug, Subcommand)]
enum RunCommand {
    /// The daily job over every project: issue due invoices, autopay charges and retries,
    /// reminders, blocking and unblocking.
    #[command(after_help = EXIT_HELP)]
    Daily(jobs::DailyArgs),
    /// The bank job: import statement lines, credit exact payments of named invoices (by the
    /// invoice number in the purpose and the exact amount), queue the rest for `billing review`.
    #[command(after_help = EXIT_HELP)]
    Bank(bank::BankArgs),
}

#[derive(Debug, Subcommand)]
enum TaxCommand {
    /// Tax invoices (ПН) and corrections (РК) to register in ЄРПН, earliest deadline first.
    #[command(after_help = EXIT_HELP)]
    Due(tax::Args),
}

#[derive(Debug, Subcommand)]
enum InvoiceCommand {
    /// The invoice (рахунок на оплату) as a PDF with the NBU payment QR code.
    #[command(after_help = EXIT_HELP)]
    Pdf(docs::PdfArgs),
}

#[derive(Debug, Subcommand)]
enum ActCommand {
    /// The act of services rendered (акт наданих послуг) as a PDF.
    #[command(after_help = EXIT_HELP)]
    Pdf(docs::PdfArgs),
}

async fn run(cli: Cli, out: &output::Output) -> Result<(), output::Failure> {
    let loc = &cli.location;
    match cli.command {
        Command::Init(args) => demo::init(args, loc, out).await,
        Command::Demo => demo::demo(loc, out).await,
        Command::Project(ProjectCommand::Show { code }) => project::show(loc, &code, out).await,
        Command::Invoices { code } => project::invoices(loc, &code, out).await,
        Command::Run(RunCommand::Daily(args)) => jobs::daily(args, loc, out).await,
        Command::Run(RunCommand::Bank(args)) => bank::run(args, loc, out).await,
        Command::Review(args) => bank::review(args, loc, out).await,
        Command::Invoice(InvoiceCommand::Pdf(args)) => {
            docs::pdf(docs::Kind::Invoice, args, loc, out).await
        }
        Command::Act(ActCommand::Pdf(args)) => docs::pdf(docs::Kind::Act, args, loc, out).await,
        Command::Tax(TaxCommand::Due(args)) => tax::run(args, loc, out).await,
        Command::Validate(args) => validate::run(args, out),
        Command::Reconcile(args) => reconcile::run(args, loc, out).await,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = output::Output::new(cli.json);
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| -> output::Failure { Box::new(e) })
        .and_then(|rt| rt.block_on(run(cli, &out)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out.error(&e);
            ExitCode::from(output::exit_code(&e))
        }
    }
}
