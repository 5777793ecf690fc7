//! Several OS processes on one store: the concurrency test (4 processes issue invoices, credit the
//! same bank lines and apply the same callbacks for the same projects at once) and the crash test (a
//! process killed with SIGKILL in the middle of a batch; the rerun finishes it without doing anything
//! twice). Both run on one SQLite file and on PostgreSQL. The processes are the crate's
//! `store-stress` binary.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use billing_core::ids::ServiceCode;
use billing_core::ports::{OutsideId, ProjectStore};
use serde_json::Value;
use support::{Backend, Fixture};

const WORKERS: u64 = 4;
const RACE_PROJECTS: u64 = 3;
const RACE_ROUNDS: u64 = 15;
const BATCH_PROJECTS: u64 = 1500;
const PERIOD: &str = "2025-01";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

fn stress() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_store-stress"));
    c.env("RUST_BACKTRACE", "0").stdin(Stdio::null());
    c
}

fn code(n: u64) -> ServiceCode {
    ServiceCode::from_value(u32::try_from(n).unwrap()).unwrap()
}

fn kind(e: &Value) -> &str {
    e["type"].as_str().unwrap_or("?")
}

// ---- the race --------------------------------------------------------------------------------

fn race(backend: Backend) {
    let rt = runtime();
    let Some(f) = rt.block_on(Fixture::new(backend)) else {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "SKIPPED (no PostgreSQL binaries): race");
        return;
    };
    let target = f.target.clone().expect("a shared store");
    // Every worker opens the store, then waits for the same start time.
    let start_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 1500;
    let children: Vec<_> = (0..WORKERS)
        .map(|w| {
            stress()
                .args(["race", "--store", &target])
                .args(["--worker", &w.to_string()])
                .args(["--projects", &RACE_PROJECTS.to_string()])
                .args(["--rounds", &RACE_ROUNDS.to_string()])
                .args(["--start-at", &start_at.to_string()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("store-stress starts")
        })
        .collect();
    let mut totals: BTreeMap<String, u64> = BTreeMap::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a worker failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let summary: Value = serde_json::from_slice(&out.stdout).expect("a JSON summary");
        for (k, v) in summary.as_object().unwrap() {
            *totals.entry(k.clone()).or_default() += v.as_u64().unwrap();
        }
    }
    eprintln!("{backend:?} race totals: {totals:?}");
    let lines = RACE_PROJECTS * RACE_ROUNDS;
    // Every worker issued its invoices; each bank line and callback took effect in exactly one worker,
    // and the three others were told it was already done.
    assert_eq!(totals["issued"], WORKERS * lines);
    assert_eq!(totals["credited"], lines);
    assert_eq!(totals["callbacks"], lines);
    assert_eq!(totals["duplicates"], 2 * (WORKERS - 1) * lines);

    rt.block_on(verify_race(f.store.as_ref()));
}

async fn verify_race(store: &dyn ProjectStore) {
    let projects = store.projects().await.unwrap();
    assert_eq!(projects, (1..=RACE_PROJECTS).map(code).collect::<Vec<_>>());
    let mut notifications = 0;
    for &p in &projects {
        let events = store.events(p, 0).await.unwrap();
        let versions: Vec<u64> = events.iter().map(|e| e.version).collect();
        assert_eq!(
            versions,
            (1..=u64::try_from(events.len()).unwrap()).collect::<Vec<_>>()
        );
        let loaded = store.load(p).await.unwrap().unwrap();
        assert_eq!(loaded.version, u64::try_from(events.len()).unwrap());

        // Invoice numbers: 1..n in the order issued, no gap, no repeat.
        let numbers: Vec<&str> = events
            .iter()
            .filter(|e| kind(&e.payload) == "invoice_issued")
            .map(|e| e.payload["number"].as_str().unwrap())
            .collect();
        let expected: Vec<String> = (1..=WORKERS * RACE_ROUNDS)
            .map(|k| format!("HOR-{p}-{k:03}"))
            .collect();
        assert_eq!(numbers, expected, "project {p}");
        assert_eq!(loaded.snapshot["next_invoice"], WORKERS * RACE_ROUNDS + 1);

        // Each bank line and callback exactly once.
        for (kind_name, prefix, outside_kind) in [
            ("bank_line_credited", "B", "bank_transaction"),
            ("callback_applied", "C", "callback"),
        ] {
            let ids: Vec<&str> = events
                .iter()
                .filter(|e| kind(&e.payload) == kind_name)
                .map(|e| e.payload["id"].as_str().unwrap())
                .collect();
            let unique: BTreeSet<&str> = ids.iter().copied().collect();
            assert_eq!(ids.len(), unique.len(), "a repeat in {p}: {ids:?}");
            let expected: BTreeSet<String> = (0..RACE_ROUNDS)
                .map(|r| format!("{prefix}-{p}-{r}"))
                .collect();
            assert_eq!(
                unique,
                expected.iter().map(String::as_str).collect::<BTreeSet<_>>()
            );
            for id in &expected {
                let key = OutsideId::new(outside_kind, id.clone());
                assert_eq!(store.outside_id(&key).await.unwrap(), Some(p));
            }
        }
        let credited: u64 = (0..RACE_ROUNDS).map(|r| 100 + r).sum();
        assert_eq!(loaded.snapshot["balance"], credited);
        assert_eq!(loaded.snapshot["credited"], RACE_ROUNDS);
        assert_eq!(loaded.snapshot["callbacks"], RACE_ROUNDS);
        notifications += WORKERS * RACE_ROUNDS + RACE_ROUNDS;
    }
    // One notification per invoice and per credit, none lost, none doubled.
    let pending = store.next_notifications(100_000).await.unwrap();
    assert_eq!(u64::try_from(pending.len()).unwrap(), notifications);
}

#[test]
fn four_processes_race_on_one_sqlite_file() {
    race(Backend::Sqlite);
}

#[test]
fn four_processes_race_on_postgres() {
    race(Backend::Postgres);
}

// ---- the crash -------------------------------------------------------------------------------

/// Runs the batch and kills it (SIGKILL) once it has reported `after` more projects done.
fn run_and_kill(target: &str, after: usize) -> usize {
    let mut child = stress()
        .args(["batch", "--store", target])
        .args(["--projects", &BATCH_PROJECTS.to_string()])
        .args(["--period", PERIOD])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("store-stress starts");
    let stdout = child.stdout.take().unwrap();
    let mut done = 0;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if line.starts_with("done ") {
            done += 1;
            if done == after {
                break;
            }
        }
        assert!(
            !line.starts_with("finished"),
            "the batch ended before the kill"
        );
    }
    child.kill().expect("SIGKILL");
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, not finished");
    done
}

/// The store after a (possibly killed) batch: every stored project has its whole batch (two events,
/// its invoice number, its outside id, one notification) or nothing. Returns the projects done.
async fn verify_batch(store: &dyn ProjectStore) -> u64 {
    let projects = store.projects().await.unwrap();
    for &p in &projects {
        let events = store.events(p, 0).await.unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| kind(&e.payload)).collect();
        assert_eq!(
            kinds,
            ["invoice_issued", "payment_due_scheduled"],
            "project {p}"
        );
        assert_eq!(events[0].payload["number"], format!("HOR-{p}-001"));
        let loaded = store.load(p).await.unwrap().unwrap();
        assert_eq!(loaded.version, 2);
        assert_eq!(loaded.snapshot["next_invoice"], 2);
        let key = OutsideId::new("request", format!("issue:{PERIOD}:{p}"));
        assert_eq!(store.outside_id(&key).await.unwrap(), Some(p));
    }
    // Projects without a batch have no trace either.
    let stored: BTreeSet<ServiceCode> = projects.iter().copied().collect();
    for n in 1..=BATCH_PROJECTS {
        if !stored.contains(&code(n)) {
            let key = OutsideId::new("request", format!("issue:{PERIOD}:{}", code(n)));
            assert_eq!(store.outside_id(&key).await.unwrap(), None);
        }
    }
    let pending = store.next_notifications(100_000).await.unwrap();
    assert_eq!(pending.len(), projects.len(), "one notification per batch");
    let mut notified: Vec<ServiceCode> = pending.iter().map(|i| i.project).collect();
    notified.sort();
    assert_eq!(notified, projects);
    u64::try_from(projects.len()).unwrap()
}

fn crash(backend: Backend) {
    let rt = runtime();
    let Some(f) = rt.block_on(Fixture::new(backend)) else {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "SKIPPED (no PostgreSQL binaries): crash");
        return;
    };
    let target = f.target.clone().expect("a shared store");
    let store: Arc<dyn ProjectStore> = Arc::clone(&f.store);

    // Killed twice in the middle of the batch.
    let reported = run_and_kill(&target, 300);
    let after_first = rt.block_on(verify_batch(store.as_ref()));
    assert!(after_first >= u64::try_from(reported).unwrap());
    assert!(after_first < BATCH_PROJECTS);
    let reported = run_and_kill(&target, 300);
    let after_second = rt.block_on(verify_batch(store.as_ref()));
    assert!(after_second >= after_first + u64::try_from(reported).unwrap());
    assert!(after_second < BATCH_PROJECTS);

    // The rerun skips what was done and finishes the rest.
    let out = stress()
        .args(["batch", "--store", &target])
        .args(["--projects", &BATCH_PROJECTS.to_string()])
        .args(["--period", PERIOD])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap();
    assert_eq!(
        last,
        format!(
            "finished done={} skipped={after_second}",
            BATCH_PROJECTS - after_second
        )
    );
    assert_eq!(rt.block_on(verify_batch(store.as_ref())), BATCH_PROJECTS);

    // Once more: everything is already done.
    let out = stress()
        .args(["batch", "--store", &target])
        .args(["--projects", &BATCH_PROJECTS.to_string()])
        .args(["--period", PERIOD])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().last().unwrap(),
        format!("finished done=0 skipped={BATCH_PROJECTS}")
    );
    assert_eq!(rt.block_on(verify_batch(store.as_ref())), BATCH_PROJECTS);
    eprintln!(
        "{backend:?} crash: {after_first} then {after_second} of {BATCH_PROJECTS} done when killed"
    );
}

#[test]
fn a_killed_batch_on_sqlite_leaves_it_consistent_and_the_rerun_finishes_it() {
    crash(Backend::Sqlite);
}

#[test]
fn a_killed_batch_on_postgres_leaves_it_consistent_and_the_rerun_finishes_it() {
    crash(Backend::Postgres);
}
