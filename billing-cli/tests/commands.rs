//! The `billing` subcommands over a SQLite file in a temporary directory, run as a user runs them:
//! init, demo, project show, invoices, run daily, run bank, review, invoice and act PDFs, and the
//! exit codes and error codes of bad input.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

struct Run {
    code: i32,
    out: String,
    err: String,
}

/// Runs `billing` in `dir` (so the default `billing.db` and `billing.json` land there).
fn billing(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_billing"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("BILLING_DB")
        .env_remove("BILLING_CONFIG")
        .output()
        .expect("billing runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        out: String::from_utf8(out.stdout).unwrap(),
        err: String::from_utf8(out.stderr).unwrap(),
    }
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let r = billing(dir, args);
    assert_eq!(r.code, 0, "billing {args:?}: {}{}", r.out, r.err);
    r.out
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

fn json_lines(s: &str) -> Vec<Value> {
    s.lines().map(json).collect()
}

/// A directory with the demo in `billing.db`.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(dir.path(), &["demo"]);
    assert!(out.contains("11111"), "{out}");
    dir
}

#[test]
fn init_creates_the_store_and_writes_the_config_once() {
    let dir = tempfile::tempdir().unwrap();
    let report = json(&ok(dir.path(), &["init", "--json"]));
    assert_eq!(report["store"], "billing.db");
    assert_eq!(report["projects"], 0);
    assert_eq!(report["config"], "billing.json");
    assert_eq!(report["config_written"], true);
    assert!(dir.path().join("billing.db").exists());
    let config = json(&std::fs::read_to_string(dir.path().join("billing.json")).unwrap());
    assert_eq!(config["store"], "billing.db");
    assert_eq!(config["policy"]["invoice_prefix"], "HOR");
    assert!(config["catalog"].to_string().contains("business"));

    // Again: the configuration is kept (the operator may have edited it) unless --force.
    let again = json(&ok(dir.path(), &["init", "--json"]));
    assert_eq!(again["config_written"], false);
    let text = ok(dir.path(), &["init"]);
    assert!(text.contains("kept"), "{text}");

    // Another store by --db, with its config beside it.
    let other = dir.path().join("other.db");
    ok(dir.path(), &["--db", other.to_str().unwrap(), "init"]);
    assert!(other.exists() && dir.path().join("other.json").exists());
}

#[test]
fn demo_fills_a_store_that_project_show_and_invoices_read() {
    let dir = demo();
    let d = dir.path();

    let s = json(&ok(d, &["project", "show", "11111", "--json"]));
    assert_eq!(s["service_code"], "11111");
    assert_eq!(s["access"], "active");
    assert_eq!(s["owner"]["email"], "olena@kvity-podillia.com.ua");
    assert_eq!(s["domains"][0]["primary"], true);
    assert_eq!(s["tariff"]["code"], "business");
    assert_eq!(s["requisites"]["tax_id"], "3652504575");
    assert_eq!(s["vchasno"]["activated"], true);
    assert_eq!(s["acts"].as_array().unwrap().len(), 1);
    let invoices = s["invoices"].as_array().unwrap();
    assert!(invoices.len() >= 2, "{s}");
    assert!(invoices.iter().all(|i| i["status"] == "paid"), "{s}");

    let card = json(&ok(d, &["project", "show", "22222", "--json"]));
    assert_eq!(card["payment_method"]["autopay"], true);
    let blocked = json(&ok(d, &["project", "show", "33333", "--json"]));
    assert_eq!(blocked["access"], "blocked");
    assert!(blocked["invoices"][0]["overdue"].as_bool().unwrap());
    let new = json(&ok(d, &["project", "show", "44444", "--json"]));
    assert_eq!(new["access"], "payment_due");
    assert!(new["invoices"][0]["link"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));

    // People get the section as text, with the invoices as a table.
    let text = ok(d, &["project", "show", "11111"]);
    for needle in [
        "Project 11111",
        "Олена Коваль",
        "Бізнес",
        "HOR-11111-001",
        "paid",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    assert!(!text.contains('\x1b'), "no colours off a terminal");

    // The invoice history: one JSON object per invoice, newest first.
    let lines = json_lines(&ok(d, &["invoices", "33333", "--json"]));
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["number"], "HOR-33333-002");
    assert_eq!(lines[1]["number"], "HOR-33333-001");
    let table = ok(d, &["invoices", "33333"]);
    assert!(table.contains("open, overdue"), "{table}");

    // Again on the same store: the demo is shown, not replayed.
    let again = ok(d, &["demo"]);
    assert!(again.contains("already holds the demo"), "{again}");
    assert!(again.contains("blocked"), "{again}");
    assert_eq!(
        json_lines(&ok(d, &["invoices", "33333", "--json"])).len(),
        2
    );
}

#[test]
fn run_daily_reports_and_a_date_catches_up() {
    let dir = demo();
    let d = dir.path();
    let today = json(&ok(d, &["run", "daily", "--json"]));
    assert_eq!(today["projects"], 4);
    assert_eq!(today["failures"], serde_json::json!([]));
    // The first of the month after next: every project gets its next invoice, the card charge waits
    // for the backend (the CLI has no acquirer).
    let as_of = json(&ok(d, &["project", "show", "11111", "--json"]))["as_of"]
        .as_str()
        .unwrap()
        .to_string();
    let (year, month): (i32, u32) = (as_of[..4].parse().unwrap(), as_of[5..7].parse().unwrap());
    let ahead = if month >= 11 {
        format!("{}-{:02}-01", year + 1, month - 10)
    } else {
        format!("{year}-{:02}-01", month + 2)
    };
    let later = json(&ok(d, &["run", "daily", "--date", &ahead, "--json"]));
    assert_eq!(later["projects"], 4);
    assert!(later["invoices_issued"].as_u64().unwrap() >= 1, "{later}");
    let text = ok(d, &["run", "daily"]);
    assert!(text.contains("projects"), "{text}");

    let bad = billing(d, &["run", "daily", "--date", "2026-13-01"]);
    assert_eq!(bad.code, 2, "{}", bad.err);
    assert!(bad.err.contains("date.format"), "{}", bad.err);
}

#[test]
fn invoice_and_act_pdfs_are_written() {
    let dir = demo();
    let d = dir.path();
    let section = json(&ok(d, &["project", "show", "11111", "--json"]));
    let number = section["invoices"][0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let out = ok(
        d,
        &["invoice", "pdf", "11111", &number, "-o", "invoice.pdf"],
    );
    assert!(out.contains("invoice.pdf"), "{out}");
    let pdf = std::fs::read(d.join("invoice.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text: String = pdf_extract::extract_text_from_mem(&pdf)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for needle in [
        number.as_str(),
        "3652504575",
        "32855961",
        "ФОПКовальОленаІванівна",
    ] {
        assert!(text.contains(needle), "no {needle:?} in {text}");
    }

    // Default file name: the number.
    ok(d, &["invoice", "pdf", "11111", &number]);
    assert!(d.join(format!("{number}.pdf")).exists());

    let act = section["acts"][0]["number"].as_str().unwrap().to_string();
    let written = json(&ok(
        d,
        &["act", "pdf", "11111", &act, "-o", "act.pdf", "--json"],
    ));
    assert_eq!(written["file"], "act.pdf");
    assert!(std::fs::read(d.join("act.pdf"))
        .unwrap()
        .starts_with(b"%PDF-"));

    // Unknown invoice: refused (1); malformed number: bad input (2).
    let r = billing(d, &["invoice", "pdf", "11111", "HOR-11111-099"]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("invoice.unknown"), "{}", r.err);
    let r = billing(d, &["invoice", "pdf", "11111", "HOR-1"]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("invoice_number."), "{}", r.err);
    // No requisites yet: the invoice is addressed to the owner by name.
    ok(
        d,
        &[
            "invoice",
            "pdf",
            "33333",
            "HOR-33333-001",
            "-o",
            "owner.pdf",
        ],
    );
    let text =
        pdf_extract::extract_text_from_mem(&std::fs::read(d.join("owner.pdf")).unwrap()).unwrap();
    assert!(text.contains("Ірина Бондар"), "{text}");
    let r = billing(d, &["act", "pdf", "11111", "A-11111-1999-01"]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("act.unknown"), "{}", r.err);
}

#[test]
fn bank_statements_credit_exact_payments_and_support_resolves_the_rest() {
    let dir = demo();
    let d = dir.path();
    // The demo left one underpayment for support.
    let queue = json_lines(&ok(d, &["review", "--json"]));
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["key"], "PB-HOR-33333-001-partial");
    assert_eq!(queue[0]["decision"]["outcome"], "review");

    let owed = json(&ok(d, &["project", "show", "44444", "--json"]))["invoices"][0]["owed"]
        .as_str()
        .unwrap()
        .to_string();
    let statement = format!(
        "{{\"id\":\"T-1\",\"date\":\"2026-11-20\",\"amount\":\"{owed}\",\"currency\":\"UAH\",\"payer_name\":\"ФОП Шевчук Тарас\",\"purpose\":\"Оплата за рахунком № HOR-44444-001\"}}\n\
         {{\"id\":\"T-2\",\"date\":\"2026-11-20\",\"amount\":\"15.00\",\"currency\":\"UAH\",\"payer_name\":\"Хтось\",\"purpose\":\"поповнення\"}}\n"
    );
    std::fs::write(d.join("statement.jsonl"), statement).unwrap();
    let results = json_lines(&ok(
        d,
        &["run", "bank", "--statement", "statement.jsonl", "--json"],
    ));
    assert_eq!(results[0]["outcome"], "auto_credit");
    assert_eq!(results[1]["outcome"], "review");
    let s = json(&ok(d, &["project", "show", "44444", "--json"]));
    assert_eq!(s["invoices"][0]["status"], "paid");
    // The same statement again changes nothing.
    let again = json_lines(&ok(
        d,
        &["run", "bank", "--statement", "statement.jsonl", "--json"],
    ));
    assert!(again.iter().all(|r| r["outcome"] == "already_processed"));

    let queue = ok(d, &["review"]);
    assert!(
        queue.contains("T-2") && queue.contains("PB-HOR-33333-001-partial"),
        "{queue}"
    );
    ok(
        d,
        &["review", "resolve", "T-2", "--not-ours", "--as", "ann"],
    );
    let key = "PB-HOR-33333-001-partial";
    let done = ok(d, &["review", "resolve", key, "--invoice", "HOR-33333-001"]);
    assert!(done.contains("credited to HOR-33333-001"), "{done}");
    assert_eq!(ok(d, &["review", "--json"]), "");

    let r = billing(d, &["review", "resolve", "T-2", "--not-ours"]);
    assert_eq!(r.code, 1, "{}", r.err);
    assert!(r.err.contains("reconcile.not_under_review"), "{}", r.err);
    let r = billing(d, &["run", "bank"]);
    assert_eq!(r.code, 2, "--statement or --dir is required");
}

#[test]
fn bad_input_and_missing_things_have_exit_codes_and_error_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    let r = billing(d, &["project", "show", "1234"]);
    assert_eq!(r.code, 2);
    assert!(
        r.err.starts_with("billing: service_code.length:"),
        "{}",
        r.err
    );
    let r = billing(d, &["project", "show", "55555", "--json"]);
    assert_eq!(r.code, 1);
    let e = json(r.err.trim());
    assert_eq!(e["code"], "project.not_found");
    assert!(e["error"].as_str().unwrap().contains("55555"));
    let r = billing(d, &["invoices", "55555"]);
    assert_eq!(r.code, 1);
    let r = billing(d, &["project", "explode", "11111"]);
    assert_eq!(r.code, 2);

    let r = billing(d, &["--config", "missing.json", "project", "show", "11111"]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("config.read"), "{}", r.err);
    std::fs::write(d.join("bad.json"), "{\"store\": 1}").unwrap();
    let r = billing(d, &["--config", "bad.json", "init"]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("engine.config"), "{}", r.err);

    let help = ok(d, &["--help"]);
    for sub in [
        "init",
        "demo",
        "project",
        "invoices",
        "run",
        "invoice",
        "act",
        "review",
        "validate",
        "reconcile",
        "Exit codes:",
        "--db",
        "--config",
    ] {
        assert!(help.contains(sub), "--help lacks {sub:?}:\n{help}");
    }
}

#[test]
fn tax_due_issues_and_lists_the_tax_invoices_to_register() {
    let dir = demo();
    let before = json_lines(&ok(dir.path(), &["tax", "due", "--json"]));
    assert!(before.is_empty(), "nothing issued yet: {before:?}");
    let due = json_lines(&ok(
        dir.path(),
        &["tax", "due", "--issue", "--date", "2026-12-01", "--json"],
    ));
    assert!(!due.is_empty(), "the demo's paid invoices owe tax invoices");
    let mut numbers: Vec<u64> = due.iter().map(|d| d["number"].as_u64().unwrap()).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>());
    for d in &due {
        assert_eq!(d["deadline"]["kind"], "by", "{d}");
        assert!(d["deadline"]["date"].as_str().unwrap().len() == 10, "{d}");
        assert!(d["supply"].as_str().unwrap().starts_with("HOR-"), "{d}");
    }
    // Issuing again issues nothing new: the same documents, the same numbers.
    let again = json_lines(&ok(
        dir.path(),
        &["tax", "due", "--issue", "--date", "2026-12-01", "--json"],
    ));
    assert_eq!(again, due);
    let table = ok(dir.path(), &["tax", "due", "--date", "2026-12-01"]);
    assert!(table.contains("ПН"), "{table}");
    let bad = billing(dir.path(), &["tax", "due", "--date", "2026-13-01"]);
    assert_eq!(bad.code, 2, "{}{}", bad.out, bad.err);
}

#[test]
fn reconcile_without_invoices_credits_against_the_store() {
    let dir = demo();
    let d = dir.path();
    let owed = json(&ok(d, &["project", "show", "44444", "--json"]))["invoices"][0]["owed"]
        .as_str()
        .unwrap()
        .to_string();
    let statement = format!(
        "{{\"id\":\"R-1\",\"date\":\"2026-11-20\",\"amount\":\"{owed}\",\"currency\":\"UAH\",\"payer_name\":null,\"payer_edrpou\":null,\"payer_iban\":null,\"purpose\":\"Оплата НОР 44444 001\"}}\n\
         {{\"id\":\"R-2\",\"date\":\"2026-11-20\",\"amount\":\"1.00\",\"currency\":\"UAH\",\"payer_name\":null,\"payer_edrpou\":null,\"payer_iban\":null,\"purpose\":\"Оплата HOR-44444-001\"}}\n"
    );
    std::fs::write(d.join("st.jsonl"), statement).unwrap();
    let r = billing(
        d,
        &[
            "reconcile",
            "--statement",
            "st.jsonl",
            "--format",
            "jsonl",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    let lines = json_lines(&r.out);
    assert_eq!(
        lines.len(),
        2,
        "stdout carries one object per line: {}",
        r.out
    );
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["outcome"], "auto_credit");
    assert_eq!(lines[0]["invoice"], "HOR-44444-001");
    assert_eq!(lines[1]["outcome"], "review");
    assert_eq!(lines[1]["reason"], "invoice_not_open");
    assert!(
        r.err.contains("\"auto_credit\":1"),
        "the summary goes to stderr: {}",
        r.err
    );
    let s = json(&ok(d, &["project", "show", "44444", "--json"]));
    assert_eq!(s["invoices"][0]["status"], "paid");
    let again = json_lines(&ok(d, &["reconcile", "--statement", "st.jsonl", "--json"]));
    assert!(again.iter().all(|r| r["outcome"] == "already_processed"));
    let queue = json_lines(&ok(d, &["review", "--json"]));
    assert!(queue.iter().any(|q| q["key"] == "R-2"));
}
