//! `billing validate edrpou|rnokpp|iban|tax-id|money|email|phone [VALUE...]`.

use std::io::{BufRead, BufWriter, Write};

use billing_core::{Edrpou, Email, Error, ErrorCode, Iban, Money, Phone, Rnokpp, TaxId};
use clap::ValueEnum;
use serde::Serialize;

use crate::output::{Failure, Output};

/// What to validate.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// ЄДРПОУ: a company's 8-digit code.
    Edrpou,
    /// РНОКПП: a person's 10-digit taxpayer number.
    Rnokpp,
    /// An IBAN (electronic or print form).
    Iban,
    /// ЄДРПОУ or РНОКПП.
    TaxId,
    /// A UAH amount.
    Money,
    /// An email address.
    Email,
    /// A phone number.
    Phone,
}

impl Kind {
    /// The verdict for one value: `Ok` or the core's error.
    fn check(self, value: &str) -> Result<(), Error> {
        match self {
            Kind::Edrpou => Edrpou::parse(value).map(drop)?,
            Kind::Rnokpp => Rnokpp::parse(value).map(drop)?,
            Kind::Iban => Iban::parse(value).map(drop)?,
            Kind::TaxId => TaxId::parse(value).map(drop)?,
            Kind::Money => value.parse::<Money>().map(drop)?,
            Kind::Email => Email::parse(value).map(drop)?,
            Kind::Phone => Phone::parse(value).map(drop)?,
        }
        Ok(())
    }
}

/// Arguments of `billing validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What the values are.
    #[arg(value_enum)]
    kind: Kind,
    /// The values; when none are given, one value per line is read from stdin.
    values: Vec<String>,
}

#[derive(Serialize)]
struct Verdict<'a> {
    value: &'a str,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

/// Validates each value and prints one verdict per value, in order.
pub fn run(args: Args, out: &Output) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    let mut counts = (0usize, 0usize);
    let mut emit = |value: &str, w: &mut BufWriter<_>| -> Result<(), Failure> {
        let result = args.kind.check(value);
        let verdict = Verdict {
            value,
            valid: result.is_ok(),
            code: result.as_ref().err().map(|e| e.code()),
            message: result.as_ref().err().map(|e| e.to_string()),
        };
        if verdict.valid {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
        if out.json {
            serde_json::to_writer(&mut *w, &verdict)?;
            writeln!(w)?;
        } else if verdict.valid {
            writeln!(w, "{}  {value}", out.green("valid  "))?;
        } else {
            writeln!(
                w,
                "{}  {value}  {}: {}",
                out.red("invalid"),
                verdict.code.unwrap_or_default(),
                verdict.message.unwrap_or_default()
            )?;
        }
        Ok(())
    };
    if args.values.is_empty() {
        for line in std::io::stdin().lock().lines() {
            let line = line?;
            emit(line.trim_end_matches('\r'), &mut w)?;
        }
    } else {
        for v in &args.values {
            emit(v, &mut w)?;
        }
    }
    if !out.json {
        writeln!(w, "{} valid, {} invalid", counts.0, counts.1)?;
    }
    w.flush()?;
    Ok(())
}
