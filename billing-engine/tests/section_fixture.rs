//! The shared scenario of every language's suite: an engine on a temporary SQLite file, a project,
//! its first invoice, a bank line crediting it, and the billing section read back. Its JSON is
//! committed as `billing-core/tests/data/billing_section.json`: the Python and Node suites produce the
//! same values, and the Swift read model decodes this file. Regenerate with `UPDATE_FIXTURES=1`.

use std::path::PathBuf;
use std::sync::Arc;

use billing_core::admin::OwnerContact;
use billing_core::calendar::KYIV;
use billing_core::section::BillingSection;
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::Actor;
use billing_engine::memory::ManualClock;
use billing_engine::{Engine, EngineConfig, Ports};
use billing_store::SqliteStore;
use chrono::TimeZone;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../billing-core/tests/data/billing_section.json")
}

#[tokio::test]
async fn the_shared_scenario_produces_the_committed_section() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("billing.db"))
        .await
        .unwrap();
    let now = KYIV
        .with_ymd_and_hms(2026, 3, 16, 10, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut ports = Ports::with_store(Arc::new(store));
    ports.clock = Arc::new(ManualClock::new(now));
    let engine = Engine::new(EngineConfig::with_defaults("billing.db"), ports);
    let code = "11111".parse().unwrap();
    let owner = OwnerContact {
        full_name: "Олена Коваль".parse().unwrap(),
        email: "olena@shop.ua".parse().unwrap(),
        phone: "050 123 45 67".parse().unwrap(),
    };
    engine
        .open_project(
            code,
            owner,
            &TariffCode::new("start").unwrap(),
            BillingPeriod::Monthly,
        )
        .await
        .unwrap();
    engine.record_usage(code, 120, 45).await.unwrap();
    engine
        .credit_bank_transfer(
            code,
            &Actor::System,
            "PB-2026-0001",
            "309.68".parse().unwrap(),
            Some("HOR-11111-001".parse().unwrap()),
        )
        .await
        .unwrap();
    let section = engine.billing_section(code).await.unwrap();
    assert_eq!(section.invoices[0].total.to_string(), "309.68");
    let json = serde_json::to_string_pretty(&section).unwrap() + "\n";
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(fixture(), &json).unwrap();
    }
    let committed = std::fs::read_to_string(fixture()).expect("run once with UPDATE_FIXTURES=1");
    let committed: BillingSection = serde_json::from_str(&committed).unwrap();
    assert_eq!(
        committed, section,
        "the committed fixture is stale: run with UPDATE_FIXTURES=1"
    );
}
