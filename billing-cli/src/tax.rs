//! `billing tax due [--date D] [--rules standard|wartime] [--issue]`: the tax invoices (ПН) and
//! corrections (РК) not registered in ЄРПН yet, earliest deadline first.

use billing_core::calendar::kyiv_date;
use billing_core::tax_invoice::{Deadline, DeadlineTable};
use clap::ValueEnum;

use crate::jobs::parse_date;
use crate::output::{coded, table, Failure, Output};
use crate::setup::Location;

/// Which deadline rules apply.
#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum Rules {
    /// ПКУ п.201.10: days 1–15 by the month's last day, 16 on by the 15th of the next month.
    #[default]
    Standard,
    /// Also the wartime rule (from 16.01.2023): by the 5th and the 18th of the next month.
    Wartime,
}

/// Arguments of `billing tax due`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// List as on this Kyiv date (`2026-05-01`) instead of today.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// The deadline rules.
    #[arg(long, value_enum, default_value_t = Rules::Standard)]
    rules: Rules,
    /// First issue the ПН and РК the projects' histories call for (numbers them from the seller's
    /// sequence and records them), then list.
    #[arg(long)]
    issue: bool,
}

/// `billing tax due`.
pub async fn run(args: Args, loc: &Location, out: &Output) -> Result<(), Failure> {
    let engine = loc.engine().await?;
    let today = match &args.date {
        Some(d) => parse_date(d)?,
        None => kyiv_date(engine.now()),
    };
    let table_rules = match args.rules {
        Rules::Standard => DeadlineTable::standard(),
        Rules::Wartime => DeadlineTable::wartime(),
    };
    if args.issue {
        let report = engine.issue_all_tax_invoices().await.map_err(coded)?;
        if !out.json {
            let issued: usize = report.issued.iter().map(|(_, n)| n.len()).sum();
            println!("issued {issued} tax document(s)");
            for (code, a) in &report.attention {
                println!(
                    "{}",
                    out.yellow(&format!(
                        "project {code}: {} cancelled on {}, {} taxed and still kept: refund or apply it",
                        a.supply, a.cancelled_on, a.amount
                    ))
                );
            }
            for (code, e) in &report.failures {
                println!("{}", out.red(&format!("project {code}: {e}")));
            }
        }
    }
    let due = engine.tax_due(today, &table_rules).await.map_err(coded)?;
    if out.json {
        for item in &due {
            out.print_json(item)?;
        }
        return Ok(());
    }
    let rows: Vec<Vec<String>> = due
        .iter()
        .map(|i| {
            let it = &i.item;
            let (deadline, left) = match it.deadline {
                Deadline::By { date: by } => {
                    let days = it.days_left.unwrap_or(0);
                    let left = if days < 0 {
                        out.red(&format!("{} days late", -days))
                    } else {
                        format!("{days} days")
                    };
                    (by.to_string(), left)
                }
                Deadline::BuyerRegisters { days_after_receipt } => (
                    format!("buyer registers ({days_after_receipt} days)"),
                    String::new(),
                ),
                Deadline::NoRule => ("no rule".to_string(), String::new()),
            };
            vec![
                i.project.to_string(),
                it.number.to_string(),
                if it.correction { "РК" } else { "ПН" }.to_string(),
                it.date.to_string(),
                it.supply.to_string(),
                deadline,
                left,
            ]
        })
        .collect();
    println!("tax documents to register as of {today}");
    print!(
        "{}",
        table(
            &[
                "project",
                "number",
                "kind",
                "date",
                "invoice",
                "register by",
                "left"
            ],
            &rows
        )
    );
    println!("{} document(s)", due.len());
    Ok(())
}
