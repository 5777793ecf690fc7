//! `billing run daily [--date D]`: the scheduled daily job (issue due invoices, autopay charges and
//! retries, reminders, blocking and unblocking) over every project of the store.

use std::io::IsTerminal;
use std::sync::Arc;

use billing_core::calendar::KYIV;
use billing_core::ErrorCode;
use billing_engine::memory::ManualClock;
use billing_engine::DailyReport;
use chrono::{NaiveDate, TimeZone, Utc};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::{coded, table, Coded, Failure, Output};
use crate::setup::Location;

/// Arguments of `billing run daily`.
#[derive(Debug, clap::Args)]
pub struct DailyArgs {
    /// Run as on this Kyiv date (`2026-05-01`, at 06:00 Kyiv time) instead of now: to catch up a
    /// missed day, or to try a date out on a copy of the store.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
}

/// Parses a `YYYY-MM-DD` date argument (exit code 2 when malformed).
pub fn parse_date(s: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|e| -> Failure {
        Box::new(Coded::invalid(
            "date.format",
            format!("{s:?} is not a date YYYY-MM-DD: {e}"),
        ))
    })
}

/// A progress bar on stderr, drawn only when stderr is a terminal and the output is for people.
pub fn progress(len: u64, out: &Output) -> ProgressBar {
    if out.json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} projects {elapsed}") {
        bar.set_style(style);
    }
    bar
}

/// `billing run daily`.
pub async fn daily(args: DailyArgs, loc: &Location, out: &Output) -> Result<(), Failure> {
    let clock = match &args.date {
        None => None,
        Some(d) => {
            let date = parse_date(d)?;
            let at = KYIV
                .from_local_datetime(&date.and_hms_opt(6, 0, 0).unwrap_or_default())
                .single()
                .ok_or_else(|| -> Failure {
                    Box::new(Coded::invalid(
                        "date.format",
                        format!("no 06:00 on {date} in Kyiv"),
                    ))
                })?
                .with_timezone(&Utc);
            Some(Arc::new(ManualClock::new(at)) as Arc<dyn billing_core::ports::Clock>)
        }
    };
    let engine = loc.engine_with(clock).await?;
    let projects = engine.projects().await.map_err(coded)?;
    let bar = progress(projects.len() as u64, out);
    let mut report = DailyReport::default();
    for code in projects {
        report.projects += 1;
        if let Err(e) = engine.run_daily_for(code, &mut report).await {
            report.failures.push((code, e.code().to_string()));
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if out.json {
        return out.print_json(&report);
    }
    println!(
        "daily job as of {}",
        engine
            .now()
            .with_timezone(&KYIV)
            .format("%Y-%m-%d %H:%M Kyiv")
    );
    let r = &report;
    let rows: Vec<Vec<String>> = [
        ("projects", r.projects),
        ("invoices issued", r.invoices_issued),
        ("charges succeeded", r.charges_succeeded),
        ("charges failed", r.charges_failed),
        ("charges needing 3-D Secure", r.charges_3ds),
        ("charges pending", r.charges_pending),
        ("blocked", r.blocked),
        ("unblocked", r.unblocked),
        ("failures", r.failures.len()),
    ]
    .iter()
    .map(|(k, v)| vec![k.to_string(), v.to_string()])
    .collect();
    print!("{}", table(&["", "count"], &rows));
    if r.charges_pending > 0 {
        println!(
            "{}",
            out.yellow(
                "pending charges wait for the platform's backend: the CLI has no card acquirer"
            )
        );
    }
    for (code, e) in &r.failures {
        println!("{}", out.red(&format!("project {code}: {e}")));
    }
    Ok(())
}
