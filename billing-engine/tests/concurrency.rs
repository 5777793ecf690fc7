//! Many writers, one store: 4 OS processes run the same work on the same projects at once (open them,
//! run three monthly daily jobs, credit the same bank lines, apply the same acquirer callbacks), on one
//! SQLite file and on PostgreSQL. Afterwards every project's invoice numbers are 1..n with no gap or
//! repeat, and every outside event took effect exactly once. A process killed mid-batch leaves the
//! store consistent, and a rerun finishes without doing anything twice.

use std::process::Command;

use billing_core::invoice::InvoiceStatus;
use billing_core::{Money, ServiceCode};
use billing_engine::{Engine, EngineConfig};
use billing_store::testing::PgServer;

const PROJECTS: u32 = 6;
const WORKER: &str = env!("CARGO_BIN_EXE_engine-stress-worker");

fn run_workers(store: &str, n: usize) {
    let children: Vec<_> = (0..n)
        .map(|_| {
            Command::new(WORKER)
                .args([store, &PROJECTS.to_string()])
                .spawn()
                .expect("the worker starts")
        })
        .collect();
    for mut c in children {
        let status = c.wait().unwrap();
        assert!(status.success(), "a worker failed: {status}");
    }
}

async fn check(store: &str) {
    let engine = Engine::open(EngineConfig::with_defaults(store))
        .await
        .unwrap();
    assert_eq!(engine.projects().await.unwrap().len(), PROJECTS as usize);
    for i in 1..=PROJECTS {
        let code = ServiceCode::from_value(i).unwrap();
        let section = engine.billing_section(code).await.unwrap();
        let mut seqs: Vec<u32> = section
            .invoices
            .iter()
            .map(|i| i.number.sequence())
            .collect();
        seqs.sort_unstable();
        assert_eq!(
            seqs,
            vec![1, 2, 3, 4],
            "{code}: January plus three months, no gap or repeat"
        );
        for inv in &section.invoices {
            assert_eq!(inv.status, InvoiceStatus::Paid, "{}", inv.number);
        }
        assert_eq!(
            section.open_credit,
            Money::ZERO,
            "{code}: nothing was credited twice"
        );
        let project = engine.project(code).await.unwrap();
        assert_eq!(
            project.account().payments().len(),
            4,
            "{code}: one payment per invoice: each bank line and callback took effect once"
        );
        let keys: Vec<String> = section
            .invoices
            .iter()
            .filter(|i| i.number.sequence() % 2 == 1)
            .map(|i| format!("TX-{}", i.number))
            .collect();
        let recorded = engine.ports().store.bank_lines(&keys).await.unwrap();
        assert_eq!(
            recorded.len(),
            keys.len(),
            "{code}: every bank line recorded"
        );
        assert!(
            recorded
                .iter()
                .all(|r| r.state == billing_core::ports::BankLineState::Credited),
            "{code}: every bank line credited: {recorded:?}"
        );
        let trail = engine.audit_trail(code).await.unwrap();
        let received = trail
            .iter()
            .filter(|e| e.payload.to_string().contains("payment_received"))
            .count();
        assert_eq!(received, 4, "{code}");
    }
    assert!(
        engine.bank_review(10).await.unwrap().is_empty(),
        "no bank line went to support"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn four_processes_on_one_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("billing.db").to_string_lossy().into_owned();
    run_workers(&db, 4);
    check(&db).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn four_processes_on_postgres() {
    let Some(server) = PgServer::shared() else {
        return;
    };
    let url = server.create_database().await.unwrap();
    run_workers(&url, 4);
    check(&url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_process_killed_mid_batch_leaves_the_store_consistent_and_the_rerun_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("billing.db").to_string_lossy().into_owned();
    for crash_after in [3u32, 9, 15] {
        let status = Command::new(WORKER)
            .args([
                &db,
                &PROJECTS.to_string(),
                "--crash-after",
                &crash_after.to_string(),
            ])
            .status()
            .unwrap();
        assert!(!status.success(), "the worker was killed");
    }
    run_workers(&db, 1);
    check(&db).await;
}
