//! `billing reconcile` in file mode (`--invoices`): run as a user runs it, on the shared samples.

use std::process::Command;

fn data(name: &str) -> String {
    format!(
        "{}/../billing-statements/tests/data/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn billing(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_billing"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("billing runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn json_mode_prints_one_object_per_line_and_nothing_else() {
    let statement = data("statement.jsonl");
    let invoices = data("invoices.jsonl");
    let (code, out, err) = billing(&[
        "reconcile",
        "--statement",
        &statement,
        "--invoices",
        &invoices,
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        std::fs::read_to_string(data("expected.jsonl")).unwrap()
    );
    let summary: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(summary["summary"]["auto_credit"], 2);
    assert_eq!(summary["stored"], false);
}

#[test]
fn every_format_is_detected_and_decided() {
    let invoices = data("invoices.jsonl");
    for (file, format) in [
        ("sample.camt053.xml", "camt053"),
        ("sample.mt940", "mt940"),
        ("sample_1c.txt", "1c"),
        ("privatbank.json", "privatbank"),
        ("monobank.json", "monobank"),
    ] {
        let path = data(file);
        for f in ["auto", format] {
            let (code, out, err) = billing(&[
                "reconcile",
                "--statement",
                &path,
                "--format",
                f,
                "--invoices",
                &invoices,
                "--json",
            ]);
            assert_eq!(code, 0, "{file}: {err}");
            let first: serde_json::Value =
                serde_json::from_str(out.lines().next().unwrap()).unwrap();
            assert_eq!(first["outcome"], "auto_credit", "{file}");
            assert_eq!(first["invoice"], "HOR-11111-007", "{file}");
        }
    }
}

#[test]
fn people_get_a_table_and_a_summary() {
    let statement = data("statement.jsonl");
    let invoices = data("invoices.jsonl");
    let (code, out, _) = billing(&[
        "reconcile",
        "--statement",
        &statement,
        "--invoices",
        &invoices,
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("auto_credit"));
    assert!(out.contains("amount_mismatch (HOR-11111-008)"));
    assert!(out.contains("11 lines (jsonl, 5 invoices): 2 credited automatically, 8 to review"));
}

#[test]
fn a_bad_file_is_refused_whole_naming_the_line() {
    let dir = std::env::temp_dir().join(format!("billing-reconcile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.jsonl");
    let text = std::fs::read_to_string(data("statement.jsonl")).unwrap();
    std::fs::write(
        &bad,
        text.replacen("\"amount\":\"99.99\"", "\"amount\":\"ninety\"", 1),
    )
    .unwrap();
    let invoices = data("invoices.jsonl");
    let (code, out, err) = billing(&[
        "reconcile",
        "--statement",
        bad.to_str().unwrap(),
        "--invoices",
        &invoices,
        "--json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(out, "", "nothing is decided from a bad file");
    assert!(err.contains("line 5"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_invoices_the_lines_are_decided_against_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("billing.db");
    let statement = data("statement.jsonl");
    let db = db.to_str().unwrap();
    let (code, out, err) = billing(&["reconcile", "--statement", &statement, "--db", db, "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    // An empty store: every incoming line goes to support, none is credited.
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| l["outcome"] != "auto_credit"), "{out}");
    assert!(
        lines.iter().any(|l| l["reason"] == "unknown_invoice"),
        "{out}"
    );
    assert!(std::path::Path::new(db).exists());
}
