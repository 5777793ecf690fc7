//! `store-stress`: a test driver that runs a simulated command loop against a store, used by the
//! concurrency and crash tests (`tests/stress.rs`) as separate OS processes. Not part of the product.
//!
//! The stand-in aggregate is a JSON snapshot `{"next_invoice", "balance", "credited", "callbacks"}`;
//! every command is load -> decide -> append, retrying on a conflict and treating a duplicate outside
//! id as "already done", as the engine does.
//!
//! ```text
//! store-stress race  --store URL --worker W --projects P --rounds R [--start-at UNIX_MILLIS]
//! store-stress batch --store URL --projects P --period PERIOD
//! ```
//! `race`: for each round and project, issue one invoice, credit bank line `B-<code>-<round>` and
//! apply callback `C-<code>-<round>` (the same outside ids in every worker); prints one JSON summary.
//! `batch`: the monthly batch: for projects 1..=P, issue the period's invoice once (outside id
//! `request:issue:<period>:<code>`), printing `done <code>` or `skip <code>` per project, then
//! `finished done=<n> skipped=<n>`.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use billing_core::ids::{InvoiceNumber, InvoicePrefix, ServiceCode};
use billing_core::ports::{AppendBatch, NewEvent, OutsideId, ProjectStore, StoreError};
use billing_core::{Actor, Money, Notification};
use chrono::{NaiveDate, Utc};
use serde_json::{json, Value};

/// What one decision produces.
struct Decision {
    payload: Vec<Value>,
    snapshot: Value,
    outside_ids: Vec<OutsideId>,
    invoice_numbers: Vec<InvoiceNumber>,
    notifications: Vec<Notification>,
}

/// How a command ended.
enum Outcome {
    Done,
    AlreadyDone,
}

/// Counts of what a worker did.
#[derive(Default)]
struct Counts {
    conflicts: u64,
}

fn field(snapshot: &Value, name: &str) -> u64 {
    snapshot.get(name).and_then(Value::as_u64).unwrap_or(0)
}

fn fresh_snapshot() -> Value {
    json!({"next_invoice": 1, "balance": 0, "credited": 0, "callbacks": 0})
}

/// load -> decide -> append, retrying on a conflict.
async fn run_command(
    store: &dyn ProjectStore,
    project: ServiceCode,
    counts: &mut Counts,
    decide: impl Fn(&Value) -> Decision,
) -> Result<Outcome, StoreError> {
    loop {
        let loaded = store.load(project).await?;
        let (version, snapshot) = loaded.map_or((0, fresh_snapshot()), |l| (l.version, l.snapshot));
        let d = decide(&snapshot);
        let now = Utc::now();
        let batch = AppendBatch {
            project,
            expected_version: version,
            events: d
                .payload
                .into_iter()
                .map(|payload| NewEvent {
                    at: now,
                    actor: Actor::System,
                    payload,
                })
                .collect(),
            snapshot: d.snapshot,
            outside_ids: d.outside_ids,
            invoice_numbers: d.invoice_numbers,
            notifications: d.notifications,
        };
        match store.append(batch).await {
            Ok(_) => return Ok(Outcome::Done),
            Err(StoreError::Conflict { .. }) => counts.conflicts += 1,
            Err(StoreError::DuplicateOutsideId { .. }) => return Ok(Outcome::AlreadyDone),
            Err(e) => return Err(e),
        }
    }
}

fn issue_invoice(
    project: ServiceCode,
    snapshot: &Value,
    extra: Option<(&str, OutsideId)>,
) -> Decision {
    let n = field(snapshot, "next_invoice").max(1);
    let number = InvoiceNumber::new(
        InvoicePrefix::DEFAULT,
        project,
        u32::try_from(n).expect("a sequence"),
    )
    .expect("an invoice number");
    let mut next = snapshot.clone();
    next["next_invoice"] = json!(n + 1);
    let amount = Money::from_hryvnias(300).expect("an amount");
    let mut payload =
        vec![json!({"type": "invoice_issued", "number": number.to_string(), "amount": "300.00"})];
    let mut outside_ids = Vec::new();
    if let Some((period, key)) = extra {
        // A second event, so that a half-written batch would show.
        payload.push(json!({"type": "payment_due_scheduled", "number": number.to_string(), "period": period}));
        outside_ids.push(key);
    }
    Decision {
        payload,
        snapshot: next,
        outside_ids,
        invoice_numbers: vec![number],
        notifications: vec![Notification::InvoiceIssued {
            project,
            invoice: number,
            amount,
            due_date: NaiveDate::from_ymd_opt(2025, 2, 10).expect("a date"),
        }],
    }
}

fn credit(project: ServiceCode, snapshot: &Value, key: &OutsideId, amount: u64) -> Decision {
    let mut next = snapshot.clone();
    next["balance"] = json!(field(snapshot, "balance") + amount);
    next["credited"] = json!(field(snapshot, "credited") + 1);
    Decision {
        payload: vec![json!({"type": "bank_line_credited", "id": key.id, "amount": amount})],
        snapshot: next,
        outside_ids: vec![key.clone()],
        invoice_numbers: Vec::new(),
        notifications: vec![Notification::PaymentReceived {
            project,
            invoice: None,
            amount: Money::from_hryvnias(u32::try_from(amount).expect("an amount"))
                .expect("an amount"),
        }],
    }
}

fn callback(snapshot: &Value, key: &OutsideId) -> Decision {
    let mut next = snapshot.clone();
    next["callbacks"] = json!(field(snapshot, "callbacks") + 1);
    Decision {
        payload: vec![json!({"type": "callback_applied", "id": key.id})],
        snapshot: next,
        outside_ids: vec![key.clone()],
        invoice_numbers: Vec::new(),
        notifications: Vec::new(),
    }
}

fn code(n: u64) -> ServiceCode {
    ServiceCode::from_value(u32::try_from(n).expect("a code")).expect("a service code")
}

async fn race(store: &dyn ProjectStore, args: &HashMap<String, String>) -> Result<(), String> {
    let worker = number(args, "worker")?;
    let projects = number(args, "projects")?;
    let rounds = number(args, "rounds")?;
    if let Some(start) = args.get("start-at") {
        let start: u64 = start.parse().map_err(|_| "bad --start-at")?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_millis();
        let wait = u128::from(start).saturating_sub(now);
        tokio::time::sleep(Duration::from_millis(u64::try_from(wait).unwrap_or(0))).await;
    }
    let mut counts = Counts::default();
    let (mut issued, mut credited, mut callbacks, mut duplicates) = (0u64, 0u64, 0u64, 0u64);
    for round in 0..rounds {
        for p in 1..=projects {
            let project = code(p);
            run_command(store, project, &mut counts, |s| {
                issue_invoice(project, s, None)
            })
            .await
            .map_err(|e| e.to_string())?;
            issued += 1;
            let bank = OutsideId::new("bank_transaction", format!("B-{project}-{round}"));
            match run_command(store, project, &mut counts, |s| {
                credit(project, s, &bank, 100 + round)
            })
            .await
            .map_err(|e| e.to_string())?
            {
                Outcome::Done => credited += 1,
                Outcome::AlreadyDone => duplicates += 1,
            }
            let cb = OutsideId::new("callback", format!("C-{project}-{round}"));
            match run_command(store, project, &mut counts, |s| callback(s, &cb))
                .await
                .map_err(|e| e.to_string())?
            {
                Outcome::Done => callbacks += 1,
                Outcome::AlreadyDone => duplicates += 1,
            }
        }
    }
    println!(
        "{}",
        json!({
            "worker": worker, "issued": issued, "credited": credited, "callbacks": callbacks,
            "duplicates": duplicates, "conflicts": counts.conflicts,
        })
    );
    Ok(())
}

async fn batch(store: &dyn ProjectStore, args: &HashMap<String, String>) -> Result<(), String> {
    let projects = number(args, "projects")?;
    let period = args.get("period").ok_or("missing --period")?.clone();
    let mut counts = Counts::default();
    let (mut done, mut skipped) = (0u64, 0u64);
    for p in 1..=projects {
        let project = code(p);
        let key = OutsideId::new("request", format!("issue:{period}:{project}"));
        let already = store.outside_id(&key).await.map_err(|e| e.to_string())?;
        let outcome = if already.is_some() {
            Outcome::AlreadyDone
        } else {
            run_command(store, project, &mut counts, |s| {
                issue_invoice(project, s, Some((&period, key.clone())))
            })
            .await
            .map_err(|e| e.to_string())?
        };
        match outcome {
            Outcome::Done => {
                done += 1;
                println!("done {project}");
            }
            Outcome::AlreadyDone => {
                skipped += 1;
                println!("skip {project}");
            }
        }
    }
    println!("finished done={done} skipped={skipped}");
    Ok(())
}

fn number(args: &HashMap<String, String>, name: &str) -> Result<u64, String> {
    args.get(name)
        .ok_or_else(|| format!("missing --{name}"))?
        .parse()
        .map_err(|_| format!("bad --{name}"))
}

fn parse_args(raw: &[String]) -> Result<HashMap<String, String>, String> {
    let mut args = HashMap::new();
    let mut it = raw.iter();
    while let Some(flag) = it.next() {
        let name = flag
            .strip_prefix("--")
            .ok_or_else(|| format!("unexpected argument {flag:?}"))?;
        let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
        args.insert(name.to_string(), value.clone());
    }
    Ok(args)
}

async fn main_async(raw: Vec<String>) -> Result<(), String> {
    let (mode, rest) = raw
        .split_first()
        .ok_or("usage: store-stress race|batch --store URL ...")?;
    let args = parse_args(rest)?;
    let url = args.get("store").ok_or("missing --store")?;
    let store = billing_store::open(url).await.map_err(|e| e.to_string())?;
    match mode.as_str() {
        "race" => race(store.as_ref(), &args).await,
        "batch" => batch(store.as_ref(), &args).await,
        other => Err(format!("unknown mode {other:?}")),
    }
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(main_async(raw)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("store-stress: {e}");
            ExitCode::FAILURE
        }
    }
}
