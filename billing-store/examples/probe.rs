use billing_core::ids::ServiceCode;
use billing_core::ports::{AppendBatch, NewEvent, ProjectStore};
use billing_core::Actor;
use serde_json::json;
use std::time::Instant;
fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let path = "/tmp/probe.sqlite3";
        let _ = std::fs::remove_file(path);
        let s = billing_store::SqliteStore::open(path).await.unwrap();
        let n = 5000u32;
        let t = Instant::now();
        for i in 1..=n {
            s.append(AppendBatch { project: ServiceCode::from_value(i).unwrap(), expected_version: 0,
                events: vec![NewEvent{at: chrono::Utc::now(), actor: Actor::System, payload: json!({"a":1})}],
                snapshot: json!({"next":1}), outside_ids: vec![], invoice_numbers: vec![], notifications: vec![] }).await.unwrap();
        }
        println!("append {:?}/op", t.elapsed() / n);
        let t = Instant::now();
        for i in 1..=n { s.load(ServiceCode::from_value(i).unwrap()).await.unwrap(); }
        println!("load {:?}/op", t.elapsed() / n);
        let t = Instant::now();
        for _ in 1..=n { sqlx::query("SELECT 1").execute(s.pool()).await.unwrap(); }
        println!("select1 {:?}/op", t.elapsed() / n);
        let t = Instant::now();
        for _ in 1..=n { let tx = s.pool().begin_with("BEGIN IMMEDIATE").await.unwrap(); tx.commit().await.unwrap(); }
        println!("empty tx {:?}/op", t.elapsed() / n);
    });
}
