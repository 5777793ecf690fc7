//! The storage port's contract: one suite, run against `MemoryStore`, `SqliteStore` (a temp file)
//! and `PgStore` (a throwaway server from the machine's binaries; skipped loudly where none exist,
//! and failing instead when `CI` is set).

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use billing_core::ids::{InvoiceNumber, InvoicePrefix, ServiceCode};
use billing_core::ports::{
    AppendBatch, BankLineRecord, BankLineState, NewEvent, OutsideId, ProjectStore, StoreError,
    StoredEvent,
};
use billing_core::{Actor, ErrorCode, Money, Notification};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use support::{Backend, Fixture};

fn code(s: &str) -> ServiceCode {
    s.parse().expect("a service code")
}

fn invoice(project: &str, sequence: u32) -> InvoiceNumber {
    InvoiceNumber::new(InvoicePrefix::DEFAULT, code(project), sequence).expect("an invoice number")
}

/// A time with nanoseconds, to see that times round-trip exactly.
fn at(seconds: i64, nanos: u32) -> DateTime<Utc> {
    Utc.timestamp_opt(1_735_689_600 + seconds, nanos)
        .single()
        .expect("a time")
}

fn event(seconds: i64, actor: Actor, payload: serde_json::Value) -> NewEvent {
    NewEvent {
        at: at(seconds, 123_456_789),
        actor,
        payload,
    }
}

fn issued(project: &str, sequence: u32) -> Notification {
    Notification::InvoiceIssued {
        project: code(project),
        invoice: invoice(project, sequence),
        amount: Money::from_hryvnias(300).expect("money"),
        due_date: chrono::NaiveDate::from_ymd_opt(2025, 1, 10).expect("a date"),
    }
}

/// A batch of one event with nothing else.
fn plain(project: &str, expected: u64, payload: serde_json::Value) -> AppendBatch {
    AppendBatch {
        project: code(project),
        expected_version: expected,
        events: vec![event(
            i64::try_from(expected).unwrap(),
            Actor::System,
            payload,
        )],
        snapshot: json!({"version": expected + 1}),
        outside_ids: vec![],
        invoice_numbers: vec![],
        notifications: vec![],
    }
}

async fn version(store: &dyn ProjectStore, project: &str) -> Option<u64> {
    store
        .load(code(project))
        .await
        .expect("load")
        .map(|l| l.version)
}

async fn pending(store: &dyn ProjectStore) -> usize {
    store
        .next_notifications(10_000)
        .await
        .expect("outbox")
        .len()
}

/// Says loudly (past the test harness's capture) that a PostgreSQL test did not run.
fn skipped(test: &str) {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED (no PostgreSQL binaries): {test}"
    );
}

// ---- the cases -------------------------------------------------------------------------------

async fn load_of_a_missing_project_is_none(f: &Fixture) {
    let s = f.store.as_ref();
    assert_eq!(s.load(code("00001")).await.unwrap(), None);
    assert_eq!(s.events(code("00001"), 0).await.unwrap(), vec![]);
    assert_eq!(s.projects().await.unwrap(), vec![]);
    assert_eq!(
        s.outside_id(&OutsideId::new("bank_transaction", "X"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(s.next_notifications(10).await.unwrap(), vec![]);
}

async fn append_then_load_returns_the_snapshot_and_version(f: &Fixture) {
    let s = f.store.as_ref();
    let key = OutsideId::new("acquirer_payment", "p2_9ZgpZVsl3");
    let snapshot = json!({"balance": "-300.00", "cards": [], "nested": {"a": [1, 2, {"b": null}]}});
    let version = s
        .append(AppendBatch {
            project: code("11111"),
            expected_version: 0,
            events: vec![
                event(0, Actor::Owner, json!({"type": "created"})),
                event(1, Actor::System, json!({"type": "invoice_issued", "n": 1})),
            ],
            snapshot: snapshot.clone(),
            outside_ids: vec![key.clone()],
            invoice_numbers: vec![invoice("11111", 1)],
            notifications: vec![issued("11111", 1)],
        })
        .await
        .unwrap();
    assert_eq!(version, 2);
    let loaded = s.load(code("11111")).await.unwrap().expect("stored");
    assert_eq!(loaded.project, code("11111"));
    assert_eq!(loaded.version, 2);
    assert_eq!(loaded.snapshot, snapshot);
    assert_eq!(s.outside_id(&key).await.unwrap(), Some(code("11111")));
    // Same id, another kind: a different key.
    assert_eq!(
        s.outside_id(&OutsideId::new("callback", "p2_9ZgpZVsl3"))
            .await
            .unwrap(),
        None
    );

    let next = s
        .append(plain("11111", 2, json!({"type": "paid"})))
        .await
        .unwrap();
    assert_eq!(next, 3);
    let loaded = s.load(code("11111")).await.unwrap().expect("stored");
    assert_eq!(
        (loaded.version, loaded.snapshot),
        (3, json!({"version": 3}))
    );
}

async fn a_stale_version_conflicts_and_writes_nothing(f: &Fixture) {
    let s = f.store.as_ref();
    s.append(plain("00007", 0, json!({"n": 1}))).await.unwrap();
    let before = pending(s).await;

    let stale = AppendBatch {
        project: code("00007"),
        expected_version: 0,
        events: vec![event(5, Actor::System, json!({"n": "stale"}))],
        snapshot: json!({"stale": true}),
        outside_ids: vec![OutsideId::new("bank_transaction", "STALE-1")],
        invoice_numbers: vec![invoice("00007", 1)],
        notifications: vec![issued("00007", 1)],
    };
    let err = s.append(stale.clone()).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict {
            project: code("00007"),
            expected: 0,
            actual: 1
        }
    );
    assert_eq!(err.code(), "store.conflict");
    let ahead = AppendBatch {
        expected_version: 5,
        ..stale.clone()
    };
    assert_eq!(
        s.append(ahead).await.unwrap_err(),
        StoreError::Conflict {
            project: code("00007"),
            expected: 5,
            actual: 1
        }
    );
    // A version for a project never stored: a conflict, and no project appears.
    let ghost = AppendBatch {
        project: code("00008"),
        expected_version: 3,
        ..stale.clone()
    };
    assert_eq!(
        s.append(ghost).await.unwrap_err(),
        StoreError::Conflict {
            project: code("00008"),
            expected: 3,
            actual: 0
        }
    );

    // Nothing of the refused batches was written.
    let loaded = s.load(code("00007")).await.unwrap().unwrap();
    assert_eq!(
        (loaded.version, loaded.snapshot),
        (1, json!({"version": 1}))
    );
    assert_eq!(s.events(code("00007"), 0).await.unwrap().len(), 1);
    assert_eq!(s.load(code("00008")).await.unwrap(), None);
    assert_eq!(s.projects().await.unwrap(), vec![code("00007")]);
    assert_eq!(
        s.outside_id(&OutsideId::new("bank_transaction", "STALE-1"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(pending(s).await, before);
    // The same batch at the right version goes through: its id and number were not taken.
    let fresh = AppendBatch {
        expected_version: 1,
        ..stale
    };
    assert_eq!(s.append(fresh).await.unwrap(), 2);
    assert_eq!(pending(s).await, before + 1);
}

async fn a_duplicate_outside_id_refuses_the_whole_batch(f: &Fixture) {
    let s = f.store.as_ref();
    let x = OutsideId::new("bank_transaction", "PB-2025-000123");
    let y = OutsideId::new("bank_transaction", "PB-2025-000124");
    s.append(AppendBatch {
        outside_ids: vec![x.clone()],
        ..plain("00001", 0, json!({"credited": "PB-2025-000123"}))
    })
    .await
    .unwrap();

    // Another project, the same id among others: refused whole.
    let other = AppendBatch {
        project: code("00002"),
        expected_version: 0,
        events: vec![event(1, Actor::System, json!({"credited": "both"}))],
        snapshot: json!({"x": 1}),
        outside_ids: vec![y.clone(), x.clone()],
        invoice_numbers: vec![invoice("00002", 1)],
        notifications: vec![issued("00002", 1)],
    };
    let err = s.append(other.clone()).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::DuplicateOutsideId {
            kind: x.kind.clone(),
            id: x.id.clone()
        }
    );
    assert_eq!(err.code(), "store.duplicate_outside_id");
    assert_eq!(s.load(code("00002")).await.unwrap(), None);
    assert_eq!(s.events(code("00002"), 0).await.unwrap(), vec![]);
    assert_eq!(s.outside_id(&y).await.unwrap(), None);
    assert_eq!(s.outside_id(&x).await.unwrap(), Some(code("00001")));
    assert_eq!(pending(s).await, 0);
    assert_eq!(s.projects().await.unwrap(), vec![code("00001")]);

    // The same project again: refused too, the version stays.
    let again = AppendBatch {
        outside_ids: vec![x.clone()],
        ..plain("00001", 1, json!({"credited": "again"}))
    };
    assert!(matches!(
        s.append(again).await,
        Err(StoreError::DuplicateOutsideId { .. })
    ));
    assert_eq!(version(s, "00001").await, Some(1));

    // Twice within one batch: refused as the unique key would.
    let z = OutsideId::new("callback", "cb-1");
    let twice = AppendBatch {
        outside_ids: vec![z.clone(), z.clone()],
        ..plain("00001", 1, json!({"twice": true}))
    };
    assert_eq!(
        s.append(twice).await.unwrap_err(),
        StoreError::DuplicateOutsideId {
            kind: "callback".into(),
            id: "cb-1".into()
        }
    );
    assert_eq!(s.outside_id(&z).await.unwrap(), None);
    assert_eq!(version(s, "00001").await, Some(1));

    // Without the taken id, the other project's batch goes through.
    let without = AppendBatch {
        outside_ids: vec![y.clone()],
        ..other
    };
    assert_eq!(s.append(without).await.unwrap(), 1);
    assert_eq!(s.outside_id(&y).await.unwrap(), Some(code("00002")));
}

async fn a_duplicate_invoice_number_refuses_the_whole_batch(f: &Fixture) {
    let s = f.store.as_ref();
    s.append(AppendBatch {
        invoice_numbers: vec![invoice("11111", 7)],
        ..plain("11111", 0, json!({"issued": "HOR-11111-007"}))
    })
    .await
    .unwrap();

    let key = OutsideId::new("request", "idem-1");
    let repeat = AppendBatch {
        outside_ids: vec![key.clone()],
        invoice_numbers: vec![invoice("11111", 8), invoice("11111", 7)],
        notifications: vec![issued("11111", 8)],
        ..plain("11111", 1, json!({"issued": "again"}))
    };
    let err = s.append(repeat).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::DuplicateInvoiceNumber {
            number: "HOR-11111-007".into()
        }
    );
    assert_eq!(err.code(), "store.duplicate_invoice_number");
    assert_eq!(version(s, "11111").await, Some(1));
    assert_eq!(s.outside_id(&key).await.unwrap(), None);
    assert_eq!(pending(s).await, 0);

    // Unique in the whole store, not per project.
    let elsewhere = AppendBatch {
        invoice_numbers: vec![invoice("11111", 7)],
        ..plain("22222", 0, json!({"issued": "someone else's"}))
    };
    assert!(matches!(
        s.append(elsewhere).await,
        Err(StoreError::DuplicateInvoiceNumber { .. })
    ));
    assert_eq!(s.load(code("22222")).await.unwrap(), None);

    // Twice within one batch.
    let twice = AppendBatch {
        invoice_numbers: vec![invoice("11111", 9), invoice("11111", 9)],
        ..plain("11111", 1, json!({"twice": true}))
    };
    assert_eq!(
        s.append(twice).await.unwrap_err(),
        StoreError::DuplicateInvoiceNumber {
            number: "HOR-11111-009".into()
        }
    );
    // The next number is free.
    let next = AppendBatch {
        invoice_numbers: vec![invoice("11111", 8)],
        ..plain("11111", 1, json!({"issued": "HOR-11111-008"}))
    };
    assert_eq!(s.append(next).await.unwrap(), 2);
}

async fn the_audit_trail_keeps_order_and_content(f: &Fixture) {
    let s = f.store.as_ref();
    let actors = [
        Actor::Owner,
        Actor::Support { id: "ann".into() },
        Actor::Manager { id: "bob".into() },
        Actor::System,
    ];
    let mut expected: Vec<StoredEvent> = Vec::new();
    let mut version = 0;
    for (i, actor) in actors.iter().enumerate() {
        // Batches of 1, 2, 3, 4 events; text with Ukrainian letters and quotes.
        let events: Vec<NewEvent> = (0..=i)
            .map(|j| NewEvent {
                at: at(i64::try_from(i * 10 + j).unwrap(), u32::try_from(j).unwrap() * 7 + 1),
                actor: actor.clone(),
                payload: json!({"batch": i, "item": j, "text": "Оплата за тариф \"Бізнес\"", "amount": "900.00"}),
            })
            .collect();
        for e in &events {
            version += 1;
            expected.push(StoredEvent {
                version,
                at: e.at,
                actor: e.actor.clone(),
                payload: e.payload.clone(),
            });
        }
        let new_version = s
            .append(AppendBatch {
                project: code("00042"),
                expected_version: version - u64::try_from(events.len()).unwrap(),
                events,
                snapshot: json!({"v": version}),
                outside_ids: vec![],
                invoice_numbers: vec![],
                notifications: vec![],
            })
            .await
            .unwrap();
        assert_eq!(new_version, version);
    }
    // Another project's events do not leak in.
    s.append(plain("00043", 0, json!({"other": true})))
        .await
        .unwrap();

    assert_eq!(s.events(code("00042"), 0).await.unwrap(), expected);
    assert_eq!(
        s.events(code("00042"), 6).await.unwrap(),
        expected[6..].to_vec()
    );
    assert_eq!(s.events(code("00042"), 10).await.unwrap(), vec![]);
    assert_eq!(s.events(code("00042"), 99).await.unwrap(), vec![]);
    assert_eq!(s.events(code("00043"), 0).await.unwrap().len(), 1);
}

async fn the_outbox_drains_oldest_first_and_never_repeats_acknowledged(f: &Fixture) {
    let s = f.store.as_ref();
    let n = |p: &str, k| issued(p, k);
    s.append(AppendBatch {
        notifications: vec![n("00001", 1), n("00001", 2), n("00001", 3)],
        ..plain("00001", 0, json!({}))
    })
    .await
    .unwrap();
    s.append(AppendBatch {
        notifications: vec![Notification::Blocked {
            project: code("00002"),
        }],
        ..plain("00002", 0, json!({}))
    })
    .await
    .unwrap();

    let all = s.next_notifications(100).await.unwrap();
    let seen: Vec<Notification> = all.iter().map(|i| i.notification.clone()).collect();
    assert_eq!(
        seen,
        vec![
            n("00001", 1),
            n("00001", 2),
            n("00001", 3),
            Notification::Blocked {
                project: code("00002")
            }
        ]
    );
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(all[0].project, code("00001"));
    assert_eq!(all[3].project, code("00002"));
    // Stamped with the batch's (last) event time.
    assert_eq!(all[0].at, at(0, 123_456_789));

    let first_two = s.next_notifications(2).await.unwrap();
    assert_eq!(first_two, all[..2].to_vec());
    // Reading does not consume: a drainer that crashed before acknowledging gets them again.
    assert_eq!(s.next_notifications(2).await.unwrap(), first_two);

    s.acknowledge(&[first_two[0].id, first_two[1].id])
        .await
        .unwrap();
    assert_eq!(s.next_notifications(100).await.unwrap(), all[2..].to_vec());
    // Acknowledging again, nothing, or unknown ids is harmless.
    s.acknowledge(&[first_two[0].id, 987_654_321])
        .await
        .unwrap();
    s.acknowledge(&[]).await.unwrap();
    assert_eq!(s.next_notifications(100).await.unwrap(), all[2..].to_vec());

    // A later notification comes after the older pending ones.
    s.append(AppendBatch {
        notifications: vec![Notification::Unblocked {
            project: code("00002"),
        }],
        ..plain("00002", 1, json!({}))
    })
    .await
    .unwrap();
    let rest = s.next_notifications(100).await.unwrap();
    assert_eq!(rest.len(), 3);
    assert_eq!(rest[..2].to_vec(), all[2..].to_vec());
    assert_eq!(
        rest[2].notification,
        Notification::Unblocked {
            project: code("00002")
        }
    );

    let ids: Vec<i64> = rest.iter().map(|i| i.id).collect();
    s.acknowledge(&ids).await.unwrap();
    assert_eq!(s.next_notifications(100).await.unwrap(), vec![]);
    // Acknowledged items never come back, whatever happens next.
    s.append(plain("00003", 0, json!({}))).await.unwrap();
    assert_eq!(s.next_notifications(100).await.unwrap(), vec![]);
    if let Some(again) = f.reopen().await {
        assert_eq!(again.next_notifications(100).await.unwrap(), vec![]);
    }
}

async fn projects_are_listed_in_service_code_order(f: &Fixture) {
    let s = f.store.as_ref();
    for p in ["00300", "00002", "99999", "00042", "00000"] {
        s.append(plain(p, 0, json!({}))).await.unwrap();
    }
    assert_eq!(
        s.projects().await.unwrap(),
        ["00000", "00002", "00042", "00300", "99999"]
            .map(code)
            .to_vec()
    );
}

async fn migrate_is_idempotent_and_keeps_data(f: &Fixture) {
    let s = f.store.as_ref();
    s.append(plain("00001", 0, json!({"kept": true})))
        .await
        .unwrap();
    s.migrate().await.unwrap();
    s.migrate().await.unwrap();
    assert_eq!(version(s, "00001").await, Some(1));
    assert_eq!(s.append(plain("00001", 1, json!({}))).await.unwrap(), 2);
}

async fn a_reopened_store_sees_the_data(f: &Fixture) {
    let s = f.store.as_ref();
    let key = OutsideId::new("bank_transaction", "B-1");
    s.append(AppendBatch {
        outside_ids: vec![key.clone()],
        invoice_numbers: vec![invoice("00005", 1)],
        notifications: vec![issued("00005", 1)],
        ..plain("00005", 0, json!({"persisted": "так"}))
    })
    .await
    .unwrap();
    let Some(again) = f.reopen().await else {
        assert_eq!(f.backend, Backend::Memory, "only memory does not persist");
        return;
    };
    let loaded = again.load(code("00005")).await.unwrap().unwrap();
    assert_eq!(
        (loaded.version, loaded.snapshot),
        (1, json!({"version": 1}))
    );
    assert_eq!(again.outside_id(&key).await.unwrap(), Some(code("00005")));
    assert_eq!(again.events(code("00005"), 0).await.unwrap().len(), 1);
    assert_eq!(again.next_notifications(10).await.unwrap().len(), 1);
    // The numbers and ids stay taken for the reopened store, and the version goes on.
    assert!(matches!(
        again
            .append(AppendBatch {
                invoice_numbers: vec![invoice("00005", 1)],
                ..plain("00005", 1, json!({}))
            })
            .await,
        Err(StoreError::DuplicateInvoiceNumber { .. })
    ));
    assert_eq!(again.append(plain("00005", 1, json!({}))).await.unwrap(), 2);
    assert_eq!(version(s, "00005").await, Some(2));
}

/// Tasks racing on one project: each issues invoices with the counter from its snapshot, retrying on
/// a conflict. No update is lost and the numbers are 1..n.
async fn concurrent_writers_of_one_project_lose_no_update(f: &Fixture) {
    const TASKS: u32 = 6;
    const EACH: u32 = 8;
    let mut handles = Vec::new();
    for t in 0..TASKS {
        let store: Arc<dyn ProjectStore> = Arc::clone(&f.store);
        handles.push(tokio::spawn(async move {
            let mut conflicts = 0u32;
            for _ in 0..EACH {
                loop {
                    let loaded = store.load(code("00077")).await.unwrap();
                    let (v, next) = loaded.map_or((0, 1), |l| {
                        (l.version, l.snapshot["next"].as_u64().unwrap())
                    });
                    let seq = u32::try_from(next).unwrap();
                    let batch = AppendBatch {
                        invoice_numbers: vec![invoice("00077", seq)],
                        snapshot: json!({"next": next + 1}),
                        ..plain(
                            "00077",
                            v,
                            json!({"task": t, "number": invoice("00077", seq).to_string()}),
                        )
                    };
                    match store.append(batch).await {
                        Ok(_) => break,
                        Err(StoreError::Conflict { .. }) => conflicts += 1,
                        Err(e) => panic!("unexpected {e}"),
                    }
                }
            }
            conflicts
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let total = u64::from(TASKS * EACH);
    assert_eq!(version(f.store.as_ref(), "00077").await, Some(total));
    let numbers: Vec<String> = f
        .store
        .events(code("00077"), 0)
        .await
        .unwrap()
        .iter()
        .map(|e| e.payload["number"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (1..=TASKS * EACH)
        .map(|k| invoice("00077", k).to_string())
        .collect();
    assert_eq!(numbers, expected);
}

/// Tasks racing to record the same outside ids for different projects: each takes effect once.
async fn a_raced_outside_id_takes_effect_once(f: &Fixture) {
    let mut handles = Vec::new();
    for t in 0..6u32 {
        let store: Arc<dyn ProjectStore> = Arc::clone(&f.store);
        handles.push(tokio::spawn(async move {
            let project = format!("{:05}", 100 + t);
            let mut won = BTreeSet::new();
            let mut v = 0;
            for k in 0..10 {
                let key = OutsideId::new("callback", format!("cb-{k}"));
                match store
                    .append(AppendBatch {
                        outside_ids: vec![key],
                        ..plain(&project, v, json!({"callback": k}))
                    })
                    .await
                {
                    Ok(nv) => {
                        v = nv;
                        won.insert(k);
                    }
                    Err(StoreError::DuplicateOutsideId { .. }) => {}
                    Err(e) => panic!("unexpected {e}"),
                }
            }
            won
        }));
    }
    let mut winners = Vec::new();
    for h in handles {
        winners.extend(h.await.unwrap());
    }
    winners.sort_unstable();
    assert_eq!(winners, (0..10).collect::<Vec<_>>());
    let mut events = 0;
    for p in f.store.projects().await.unwrap() {
        events += f.store.events(p, 0).await.unwrap().len();
    }
    assert_eq!(events, 10);
}

fn bank_line(key: &str, seconds: i64, state: BankLineState) -> BankLineRecord {
    BankLineRecord {
        key: key.to_string(),
        imported_at: at(seconds, 5),
        state,
        project: (state != BankLineState::Ignored).then(|| code("11111")),
        line: json!({"id": key, "purpose": "Оплата НОР-11111-007", "amount": "1200.00"}),
        decision: json!({"outcome": state.as_str()}),
        resolution: None,
    }
}

/// Bank lines are recorded once per key; a second import of the same key changes nothing.
async fn bank_lines_are_recorded_once_per_key(f: &Fixture) {
    let first = [
        bank_line("T1", 1, BankLineState::PendingCredit),
        bank_line("T2", 2, BankLineState::Review),
        bank_line("T3", 3, BankLineState::Ignored),
    ];
    assert_eq!(
        f.store.record_bank_lines(&first).await.unwrap(),
        vec![true, true, true]
    );
    let mut again = bank_line("T2", 9, BankLineState::Credited);
    again.decision = json!({"outcome": "changed"});
    let second = [again, bank_line("T4", 4, BankLineState::Review)];
    assert_eq!(
        f.store.record_bank_lines(&second).await.unwrap(),
        vec![false, true]
    );
    let keys: Vec<String> = ["T2", "T4", "T9"].iter().map(|k| k.to_string()).collect();
    let mut found = f.store.bank_lines(&keys).await.unwrap();
    found.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(found, vec![first[1].clone(), second[1].clone()]);
    let review = f
        .store
        .bank_lines_in(BankLineState::Review, 10)
        .await
        .unwrap();
    let review_keys: Vec<&str> = review.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(review_keys, ["T2", "T4"]);
    assert_eq!(
        f.store
            .bank_lines_in(BankLineState::Review, 1)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(f.store.record_bank_lines(&[]).await.unwrap().is_empty());
    assert!(f.store.bank_lines(&[]).await.unwrap().is_empty());
}

/// A bank line changes state only from the state the change expects: one of two racers wins.
async fn a_bank_line_changes_only_from_the_expected_state(f: &Fixture) {
    f.store
        .record_bank_lines(&[bank_line("R1", 1, BankLineState::Review)])
        .await
        .unwrap();
    let mut resolved = bank_line("R1", 1, BankLineState::Resolved);
    resolved.resolution = Some(json!({"by": "support:olena", "credit": "HOR-11111-007"}));
    f.store
        .update_bank_line(BankLineState::Review, &resolved)
        .await
        .unwrap();
    let err = f
        .store
        .update_bank_line(
            BankLineState::Review,
            &bank_line("R1", 1, BankLineState::Ignored),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "store.bank_line_changed");
    assert!(matches!(err, StoreError::BankLineChanged { ref actual, .. } if actual == "resolved"));
    let missing = f
        .store
        .update_bank_line(
            BankLineState::Review,
            &bank_line("nope", 1, BankLineState::Resolved),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(missing, StoreError::BankLineChanged { ref actual, .. } if actual == "missing")
    );
    let stored = f.store.bank_lines(&["R1".to_string()]).await.unwrap();
    assert_eq!(stored, vec![resolved]);

    // Racers: tasks move the same review line to resolved; exactly one succeeds.
    f.store
        .record_bank_lines(&[bank_line("R2", 2, BankLineState::Review)])
        .await
        .unwrap();
    let mut handles = Vec::new();
    for _ in 0..6 {
        let store: Arc<dyn ProjectStore> = Arc::clone(&f.store);
        handles.push(tokio::spawn(async move {
            store
                .update_bank_line(
                    BankLineState::Review,
                    &bank_line("R2", 2, BankLineState::Resolved),
                )
                .await
                .is_ok()
        }));
    }
    let mut wins = 0;
    for h in handles {
        wins += usize::from(h.await.unwrap());
    }
    assert_eq!(wins, 1);
}

/// The greatest outside id of a kind: the last number of a store-wide sequence, claimed gaplessly.
async fn the_greatest_outside_id_of_a_kind_gives_a_sequence(f: &Fixture) {
    assert_eq!(f.store.max_outside_id("tax_number").await.unwrap(), None);
    let claim = |project: &str, expected: u64, n: u32| AppendBatch {
        outside_ids: vec![OutsideId::new("tax_number", format!("{n:010}"))],
        ..plain(project, expected, json!({"claimed": n}))
    };
    f.store.append(claim("00001", 0, 1)).await.unwrap();
    f.store.append(claim("00002", 0, 2)).await.unwrap();
    f.store
        .append(AppendBatch {
            outside_ids: vec![OutsideId::new("other", "9999999999")],
            ..plain("00003", 0, json!({}))
        })
        .await
        .unwrap();
    assert_eq!(
        f.store
            .max_outside_id("tax_number")
            .await
            .unwrap()
            .as_deref(),
        Some("0000000002")
    );
    // A second writer claiming the same number is refused and writes nothing.
    let err = f.store.append(claim("00001", 1, 2)).await.unwrap_err();
    assert!(matches!(err, StoreError::DuplicateOutsideId { .. }));
    assert_eq!(version(&*f.store, "00001").await, Some(1));
    f.store.append(claim("00001", 1, 3)).await.unwrap();
    assert_eq!(
        f.store
            .max_outside_id("tax_number")
            .await
            .unwrap()
            .as_deref(),
        Some("0000000003")
    );
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $case() {
                    let f = super::Fixture::new(super::Backend::Memory).await.expect("memory");
                    super::$case(&f).await;
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let f = super::Fixture::new(super::Backend::Sqlite).await.expect("sqlite");
                    super::$case(&f).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let Some(f) = super::Fixture::new(super::Backend::Postgres).await else {
                        super::skipped(concat!("postgres::", stringify!($case)));
                        return;
                    };
                    super::$case(&f).await;
                }
            )*
        }
    };
}

contract!(
    load_of_a_missing_project_is_none,
    append_then_load_returns_the_snapshot_and_version,
    a_stale_version_conflicts_and_writes_nothing,
    a_duplicate_outside_id_refuses_the_whole_batch,
    a_duplicate_invoice_number_refuses_the_whole_batch,
    the_audit_trail_keeps_order_and_content,
    the_outbox_drains_oldest_first_and_never_repeats_acknowledged,
    projects_are_listed_in_service_code_order,
    migrate_is_idempotent_and_keeps_data,
    a_reopened_store_sees_the_data,
    concurrent_writers_of_one_project_lose_no_update,
    a_raced_outside_id_takes_effect_once,
    bank_lines_are_recorded_once_per_key,
    a_bank_line_changes_only_from_the_expected_state,
    the_greatest_outside_id_of_a_kind_gives_a_sequence,
);

// ---- backend specifics -----------------------------------------------------------------------

#[tokio::test]
async fn open_chooses_the_backend_by_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("by-prefix.sqlite3");
    for target in [
        path.display().to_string(),
        format!("sqlite:{}", path.display()),
        format!("sqlite://{}", path.display()),
    ] {
        let s = billing_store::open(&target).await.unwrap();
        let v = version(s.as_ref(), "00001").await.unwrap_or(0);
        s.append(plain("00001", v, json!({}))).await.unwrap();
    }
    // All three opened the same file.
    let s = billing_store::SqliteStore::open(&path).await.unwrap();
    assert_eq!(version(&s, "00001").await, Some(3));
    let m = billing_store::open("memory:").await.unwrap();
    assert_eq!(m.projects().await.unwrap(), vec![]);
    // A URL to nowhere is unavailable, not a panic.
    let pool = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_millis(300))
        .connect_lazy("postgres://nobody@127.0.0.1:1/none")
        .unwrap();
    let err = billing_store::PgStore::from_pool(pool).await.unwrap_err();
    assert_eq!(err.code(), "store.unavailable");
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_normal_sync() {
    let dir = tempfile::tempdir().unwrap();
    let s = billing_store::SqliteStore::open(dir.path().join("wal.sqlite3"))
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(sync, 1, "NORMAL");
    let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(timeout, 30_000);
    let pages: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(
        pages,
        i64::from(billing_store::sqlite::WAL_AUTOCHECKPOINT_PAGES)
    );

    // Full durability on request: every commit waits for the disk.
    let full = billing_store::SqliteStore::open_with(
        dir.path().join("full.sqlite3"),
        billing_store::SqliteOptions {
            full_sync: true,
            busy_timeout: std::time::Duration::from_secs(2),
        },
    )
    .await
    .unwrap();
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(full.pool())
        .await
        .unwrap();
    assert_eq!(sync, 2, "FULL");
    let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(full.pool())
        .await
        .unwrap();
    assert_eq!(timeout, 2_000);
    full.append(plain("00001", 0, json!({}))).await.unwrap();
    assert_eq!(version(&full, "00001").await, Some(1));
}

#[tokio::test]
async fn sqlite_reports_corrupt_stored_json() {
    let dir = tempfile::tempdir().unwrap();
    let s = billing_store::SqliteStore::open(dir.path().join("c.sqlite3"))
        .await
        .unwrap();
    s.append(plain("00001", 0, json!({}))).await.unwrap();
    sqlx::query("UPDATE billing_projects SET snapshot = '{not json'")
        .execute(s.pool())
        .await
        .unwrap();
    let err = s.load(code("00001")).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert_eq!(err.code(), "store.corrupt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_reports_corrupt_stored_json() {
    let Some(f) = Fixture::new(Backend::Postgres).await else {
        skipped("postgres_reports_corrupt_stored_json");
        return;
    };
    f.store.append(plain("00001", 0, json!({}))).await.unwrap();
    let pg = billing_store::PgStore::connect(f.target.as_deref().unwrap())
        .await
        .unwrap();
    sqlx::query("UPDATE billing_events SET actor = '{\"kind\": \"alien\"}'")
        .execute(pg.pool())
        .await
        .unwrap();
    let err = pg.events(code("00001"), 0).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
}

/// Many connections opening one new file at the same moment (as the backend's processes do on a
/// first start): each waits for the one that turns it to WAL and migrates it, none is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_opened_by_many_at_once_opens_for_all() {
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("new-{round}.sqlite3"));
        let opens: Vec<_> = (0..8)
            .map(|_| {
                let path = path.clone();
                tokio::spawn(async move { billing_store::SqliteStore::open(&path).await })
            })
            .collect();
        for open in opens {
            let store = open.await.unwrap().expect("every open succeeds");
            assert!(store.projects().await.unwrap().is_empty());
        }
    }
}
