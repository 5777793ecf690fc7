//! The storage side of the daily job: for each of 90,000 projects, load its snapshot and append one
//! small batch (one event, one invoice number, one outbox notification), each batch its own
//! transaction. On SQLite (a temp file; WAL, `synchronous=NORMAL`) serially, and on PostgreSQL (a
//! throwaway server from the machine's binaries, default durability: every commit waits for the WAL
//! flush) with 8 concurrent workers (as several app servers would; `STORE_BENCH_PG_WORKERS=1,8` adds
//! a serial run). Target for SQLite: under 60 s pinned to one core.
//!
//! ```sh
//! taskset -c 0 cargo bench -p billing-benches --bench store -- sqlite
//! cargo bench -p billing-benches --bench store -- postgres
//! STORE_BENCH_PROJECTS=10000 cargo bench -p billing-benches --bench store   # a quicker look
//! ```
//!
//! Each measured iteration is one whole pass over all projects; the store is seeded once (every
//! project created with one event), and each pass issues every project's next invoice.
//!
//! Measured on the 2-core dev machine (one pass of 90,000 projects, criterion's mean of 10):
//! SQLite pinned to one core 30.2 s (29.0-31.6 s; about 335 us per project: load + one
//! transaction); PostgreSQL 15 with 8 workers 43.3 s (40.3-46.7 s), bound by the server's WAL
//! flushes on this disk (a serial writer needs about 2 ms per commit: 176 s to seed 90,000).

use std::sync::Arc;
use std::time::{Duration, Instant};

use billing_core::ids::{InvoiceNumber, InvoicePrefix, ServiceCode};
use billing_core::ports::{AppendBatch, NewEvent, ProjectStore, StoreError};
use billing_core::{Actor, Money, Notification};
use billing_store::testing::PgServer;
use billing_store::{PgStore, SqliteStore};
use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use serde_json::json;

const DEFAULT_PROJECTS: u32 = 90_000;

fn project_count() -> u32 {
    std::env::var("STORE_BENCH_PROJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_PROJECTS)
}

fn code(n: u32) -> ServiceCode {
    ServiceCode::from_value(n).expect("a service code")
}

/// Creates every project with one event.
async fn seed(store: &dyn ProjectStore, projects: u32) {
    let at = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    for n in 1..=projects {
        store
            .append(AppendBatch {
                project: code(n),
                expected_version: 0,
                events: vec![NewEvent {
                    at,
                    actor: Actor::Owner,
                    payload: json!({"type": "created", "tariff": "business"}),
                }],
                snapshot: json!({"next_invoice": 1, "tariff": "business", "balance": "0.00"}),
                outside_ids: vec![],
                invoice_numbers: vec![],
                notifications: vec![],
            })
            .await
            .expect("seeded");
    }
}

/// One project's command: load, decide the next invoice, append (retrying on a conflict).
async fn issue_next_invoice(store: &dyn ProjectStore, project: ServiceCode) {
    loop {
        let loaded = store.load(project).await.expect("load").expect("seeded");
        let next = loaded.snapshot["next_invoice"].as_u64().expect("a counter");
        let number = InvoiceNumber::new(
            InvoicePrefix::DEFAULT,
            project,
            u32::try_from(next).expect("a sequence"),
        )
        .expect("a number");
        let mut snapshot = loaded.snapshot.clone();
        snapshot["next_invoice"] = json!(next + 1);
        let amount = Money::from_hryvnias(900).expect("money");
        let batch = AppendBatch {
            project,
            expected_version: loaded.version,
            events: vec![NewEvent {
                at: Utc::now(),
                actor: Actor::System,
                payload: json!({"type": "invoice_issued", "number": number.to_string(),
                    "amount": "900.00", "lines": [{"service": "Тариф «Бізнес»", "amount": "900.00"}]}),
            }],
            snapshot,
            outside_ids: vec![],
            invoice_numbers: vec![number],
            notifications: vec![Notification::InvoiceIssued {
                project,
                invoice: number,
                amount,
                due_date: NaiveDate::from_ymd_opt(2025, 2, 10).expect("a date"),
            }],
        };
        match store.append(batch).await {
            Ok(_) => return,
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => panic!("append failed: {e}"),
        }
    }
}

/// One pass over all projects with `workers` concurrent tasks (each takes every `workers`-th
/// project).
async fn daily_pass(store: Arc<dyn ProjectStore>, projects: u32, workers: u32) {
    let mut tasks = Vec::new();
    for w in 0..workers {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let mut n = 1 + w;
            while n <= projects {
                issue_next_invoice(store.as_ref(), code(n)).await;
                n += workers;
            }
        }));
    }
    for t in tasks {
        t.await.expect("a worker");
    }
}

fn bench_store(
    c: &mut Criterion,
    name: &str,
    rt: &tokio::runtime::Runtime,
    store: Arc<dyn ProjectStore>,
    workers: u32,
) {
    let projects = project_count();
    let started = Instant::now();
    rt.block_on(seed(store.as_ref(), projects));
    eprintln!(
        "{name}: seeded {projects} projects in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut group = c.benchmark_group("store_daily");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    group.bench_function(format!("{name}/{projects}_projects"), |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                rt.block_on(daily_pass(Arc::clone(&store), projects, workers));
            }
            start.elapsed()
        });
    });
    group.finish();
}

fn sqlite(c: &mut Criterion) {
    if !criterion_filter_matches("sqlite") {
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let dir = std::env::temp_dir().join(format!("billing-store-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let store: Arc<dyn ProjectStore> = Arc::new(
        rt.block_on(SqliteStore::open(dir.join("bench.sqlite3")))
            .expect("the SQLite store"),
    );
    bench_store(c, "sqlite", &rt, store, 1);
    drop(rt);
    let _ = std::fs::remove_dir_all(&dir);
}

fn postgres(c: &mut Criterion) {
    if !criterion_filter_matches("postgres") {
        return;
    }
    if PgServer::find_binaries().is_none() {
        eprintln!("!!! no PostgreSQL binaries: the PostgreSQL store bench is skipped");
        return;
    }
    // Default durability: no FAST_SETTINGS here.
    let server = PgServer::start(&[]).expect("a PostgreSQL server");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let workers_list: Vec<u32> = std::env::var("STORE_BENCH_PG_WORKERS")
        .ok()
        .map(|v| v.split(',').filter_map(|w| w.parse().ok()).collect())
        .unwrap_or_else(|| vec![8]);
    for workers in workers_list {
        let url = rt.block_on(server.create_database()).expect("a database");
        let store: Arc<dyn ProjectStore> = Arc::new(
            rt.block_on(PgStore::connect(&url))
                .expect("the PostgreSQL store"),
        );
        bench_store(
            c,
            &format!("postgres_{workers}_workers"),
            &rt,
            store,
            workers,
        );
    }
}

/// Whether a bench whose name contains `name` can match the command line's filter (so that
/// `-- sqlite` does not seed a PostgreSQL database it will not measure).
fn criterion_filter_matches(name: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.is_empty()
        || filters
            .iter()
            .any(|f| name.contains(f.as_str()) || f.contains(name))
}

criterion_group!(benches, sqlite, postgres);
criterion_main!(benches);
