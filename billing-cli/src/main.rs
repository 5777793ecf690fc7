//! `billing`: the billing engine on the command line.
//!
//! ```text
//! billing validate edrpou 32855961 32855968
//! printf 'UA213223130000026007233566001\n' | billing validate iban --json
//! ```
#![forbid(unsafe_code)]

mod output;
mod reconcile;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes, as `--help` documents them.
const EXIT_HELP: &str = "\
Exit codes:
  0  the command ran (for `validate`: even when some values are invalid)
  1  the command failed (an I/O error, a store error)
  2  bad usage (unknown command or option, missing argument)";

/// The billing engine of the platform on the command line.
#[derive(Debug, Parser)]
#[command(name = "billing", version, about, after_help = EXIT_HELP)]
struct Cli {
    /// Print for machines: JSON (JSON Lines where the output is a stream).
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate requisites: values given as arguments, or one value per line from stdin.
    #[command(after_help = EXIT_HELP)]
    Validate(validate::Args),
    /// Decide bank statement lines: credit exact payments of named invoices, send the rest to support.
    #[command(after_help = EXIT_HELP)]
    Reconcile(reconcile::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = output::Output::new(cli.json);
    let result = match cli.command {
        Command::Validate(args) => validate::run(args, &out),
        Command::Reconcile(args) => reconcile::run(args, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out.error(&e);
            ExitCode::from(1)
        }
    }
}
