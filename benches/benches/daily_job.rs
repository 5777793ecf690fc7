//! The daily job for many projects on a real store: on the first of each month every project gets its
//! period invoice (and last month's unpaid ones block). SQLite (a temporary file, WAL,
//! `synchronous=NORMAL`) and, where the machine has PostgreSQL binaries, a throwaway PostgreSQL.
//!
//! ```text
//! cargo bench -p billing-benches --bench daily_job --no-run
//! taskset -c 0 target/release/deps/daily_job-* --bench          # BENCH_PROJECTS=90000 by default
//! ```
//! Each sample is one whole daily job (one month later than the last); setup opens the projects once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use billing_core::admin::OwnerContact;
use billing_core::calendar::KYIV;
use billing_core::ports::ProjectStore;
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::ServiceCode;
use billing_engine::memory::ManualClock;
use billing_engine::{Engine, EngineConfig, Ports};
use billing_store::testing::PgServer;
use billing_store::{PgStore, SqliteStore};
use chrono::{DateTime, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};

fn projects() -> u32 {
    std::env::var("BENCH_PROJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(90_000)
}

fn kyiv(y: i32, mo: u32, d: u32) -> DateTime<Utc> {
    KYIV.with_ymd_and_hms(y, mo, d, 6, 0, 0)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

struct Setup {
    engine: Engine,
    clock: Arc<ManualClock>,
}

fn setup(rt: &tokio::runtime::Runtime, store: Arc<dyn ProjectStore>) -> Setup {
    let clock = Arc::new(ManualClock::new(kyiv(2026, 1, 1)));
    let mut ports = Ports::with_store(store);
    ports.clock = clock.clone();
    let engine = Engine::new(EngineConfig::with_defaults("bench"), ports);
    let started = Instant::now();
    let n = projects();
    rt.block_on(async {
        let tariff = TariffCode::new("start").unwrap_or_else(|_| unreachable!());
        for i in 1..=n {
            let code = ServiceCode::from_value(i).unwrap_or_else(|_| unreachable!());
            let owner = OwnerContact {
                full_name: "Олена Коваль".parse().unwrap_or_else(|_| unreachable!()),
                email: format!("owner{i}@shop.ua")
                    .parse()
                    .unwrap_or_else(|_| unreachable!()),
                phone: "050 123 45 67".parse().unwrap_or_else(|_| unreachable!()),
            };
            engine
                .open_project(code, owner, &tariff, BillingPeriod::Monthly)
                .await
                .unwrap_or_else(|e| panic!("open {code}: {e}"));
        }
    });
    eprintln!("setup: {n} projects opened in {:.1?}", started.elapsed());
    Setup { engine, clock }
}

fn run_months(c: &mut Criterion, name: &str, s: &Setup, rt: &tokio::runtime::Runtime) {
    let mut month = 1u32;
    let mut group = c.benchmark_group("daily_job");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1));
    group.bench_function(format!("{name}/{}_projects", projects()), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                month += 1;
                let (y, m) = (2026 + ((month - 1) / 12) as i32, (month - 1) % 12 + 1);
                s.clock.set(kyiv(y, m, 1));
                let started = Instant::now();
                let report = rt.block_on(s.engine.run_daily()).unwrap_or_default();
                total += started.elapsed();
                assert_eq!(report.invoices_issued as u32, projects(), "{report:?}");
            }
            total
        })
    });
    group.finish();
}

fn sqlite(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = std::env::temp_dir().join(format!("billing-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let store = rt
        .block_on(SqliteStore::open(dir.join("billing.db")))
        .unwrap_or_else(|e| panic!("{e}"));
    let s = setup(&rt, Arc::new(store));
    run_months(c, "sqlite", &s, &rt);
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

fn postgres(c: &mut Criterion) {
    let Some(server) = PgServer::shared() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let url = rt
        .block_on(server.create_database())
        .unwrap_or_else(|e| panic!("{e}"));
    let store = rt
        .block_on(PgStore::connect(&url))
        .unwrap_or_else(|e| panic!("{e}"));
    let s = setup(&rt, Arc::new(store));
    run_months(c, "postgres", &s, &rt);
}

criterion_group!(benches, sqlite, postgres);
criterion_main!(benches);
