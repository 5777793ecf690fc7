//! Each importer on sample files (including malformed ones), format detection, the dry run against
//! the shared expected output, and a proptest over arbitrary bytes: no importer panics or hangs.

use billing_core::reconcile::{Direction, LineStatus};
use billing_core::ErrorCode;
use billing_statements::dry_run::{reconcile_bytes, reconcile_json, write_json_lines};
use billing_statements::{detect, parse, Format};
use proptest::prelude::*;

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn lines_of(name: &str, format: Format) -> Vec<billing_core::reconcile::BankLine<'static>> {
    parse(&data(name), format)
        .unwrap()
        .lines
        .into_iter()
        .map(|l| l.into_owned())
        .collect()
}

fn err(bytes: &[u8], format: Format) -> billing_statements::StatementError {
    parse(bytes, format).unwrap_err()
}

#[test]
fn detects_every_sample() {
    for (file, want) in [
        ("statement.jsonl", Format::Jsonl),
        ("sample.camt053.xml", Format::Camt053),
        ("sample.mt940", Format::Mt940),
        ("sample_1c.txt", Format::OneC),
        ("privatbank.json", Format::PrivatBank),
        ("monobank.json", Format::Monobank),
    ] {
        assert_eq!(detect(&data(file)), Some(want), "{file}");
    }
    assert_eq!(detect(b"hello"), None);
    assert_eq!(
        err(b"hello", Format::Auto).code(),
        "statement.format_unknown"
    );
}

#[test]
fn camt053_reads_currency_per_entry_joined_purpose_and_payer() {
    let lines = lines_of("sample.camt053.xml", Format::Camt053);
    assert_eq!(lines.len(), 5);
    let l = &lines[0];
    assert_eq!(l.id, "REF-557091731");
    assert_eq!(
        l.purpose,
        "Оплата за рахунком HOR-11111-007 від 10.01.2025, без ПДВ"
    );
    assert_eq!(l.payer_name.as_deref(), Some("ТОВ \"Приклад\""));
    assert_eq!(l.payer_tax_id.as_deref(), Some("32855961"));
    assert_eq!(
        l.payer_iban.as_deref(),
        Some("UA743052990000026007233566001")
    );
    assert_eq!(l.amount.to_string(), "1200.00");
    assert_eq!(lines[1].currency.as_str(), "USD");
    assert_eq!(lines[2].direction, Direction::Debit);
    assert_eq!(lines[2].payer_name.as_deref(), Some("Орендодавець"));
    assert!(lines[3].reversal);
    assert_eq!(lines[4].status, LineStatus::Pending);
}

#[test]
fn camt053_errors_name_the_element() {
    let good = String::from_utf8(data("sample.camt053.xml")).unwrap();
    let no_ccy = good.replacen("<Amt Ccy=\"USD\">", "<Amt>", 1);
    let e = err(no_ccy.as_bytes(), Format::Camt053);
    assert_eq!(e.code(), "statement.field");
    assert!(e.location.starts_with("Ntry 2 (line 13)"), "{e}");
    let bad_amount = good.replacen(">450.50<", ">45x<", 1);
    assert!(err(bad_amount.as_bytes(), Format::Camt053)
        .to_string()
        .contains("Ntry 2"));
    let truncated = &good[..good.len() / 2];
    assert_eq!(
        err(truncated.as_bytes(), Format::Camt053).code(),
        "statement.syntax"
    );
    let mismatched = good.replacen("</Ustrd>", "</Ustr>", 1);
    let e = err(mismatched.as_bytes(), Format::Camt053);
    assert_eq!(e.code(), "statement.syntax");
    assert!(e.location.starts_with("line 12"), "{e}");
    let no_id = good.replacen("<AcctSvcrRef>REF-3</AcctSvcrRef>", "", 1);
    assert!(err(no_id.as_bytes(), Format::Camt053)
        .message
        .contains("AcctSvcrRef"));
}

#[test]
fn mt940_reads_several_statements_tagged_and_untagged_86() {
    let lines = lines_of("sample.mt940", Format::Mt940);
    assert_eq!(lines.len(), 5);
    let l = &lines[0];
    assert_eq!(l.id, "REF557091731");
    assert_eq!(
        l.purpose,
        "Оплата за рахунком HOR-11111-007 від 10.01.2025, без ПДВ"
    );
    assert_eq!(l.payer_name.as_deref(), Some("ТОВ Приклад"));
    assert_eq!(l.payer_tax_id.as_deref(), Some("32855961"));
    assert_eq!(
        l.payer_iban.as_deref(),
        Some("UA743052990000026007233566001")
    );
    assert_eq!(l.booked_on.to_string(), "2025-01-15");
    assert_eq!(lines[1].direction, Direction::Debit);
    assert_eq!(lines[1].amount.to_string(), "500.00");
    assert!(lines[2].reversal && lines[2].direction == Direction::Debit);
    assert_eq!(lines[3].currency.as_str(), "USD");
    assert_eq!(lines[4].currency.as_str(), "UAH");
    assert!(lines[4].purpose.contains("UA743052990000026007233566001"));
}

#[test]
fn mt940_reads_windows_1251_and_swift_envelopes() {
    let text = String::from_utf8(data("sample.mt940")).unwrap();
    let (cp, _, _) = encoding_rs_like(&text);
    let lines = parse(&cp, Format::Mt940).unwrap().lines;
    assert_eq!(
        lines[0].purpose,
        "Оплата за рахунком HOR-11111-007 від 10.01.2025, без ПДВ"
    );
    let wrapped = format!("{{1:F01BANKUAUKAXXX0000000000}}{{2:O9401200250115BANKUAUKAXXX00000000002501151200N}}{{4:\n{text}-}}");
    assert_eq!(
        parse(wrapped.as_bytes(), Format::Mt940)
            .unwrap()
            .lines
            .len(),
        5
    );
}

/// Windows-1251 bytes of a text (Cyrillic letters and ASCII only).
fn encoding_rs_like(s: &str) -> (Vec<u8>, (), ()) {
    let mut out = Vec::new();
    for c in s.chars() {
        let u = c as u32;
        let b = match c {
            'Ё' => 0xA8,
            'ё' => 0xB8,
            'Є' => 0xAA,
            'є' => 0xBA,
            'І' => 0xB2,
            'і' => 0xB3,
            'Ї' => 0xAF,
            'ї' => 0xBF,
            'Ґ' => 0xA5,
            'ґ' => 0xB4,
            _ if (0x410..=0x44F).contains(&u) => (u - 0x410 + 0xC0) as u8,
            _ if u < 0x80 => u as u8,
            _ => b'?',
        };
        out.push(b);
    }
    (out, (), ())
}

#[test]
fn mt940_errors_name_the_line() {
    let text = String::from_utf8(data("sample.mt940")).unwrap();
    let e = err(
        text.replacen("//REF557091732", "", 1).as_bytes(),
        Format::Mt940,
    );
    assert_eq!(
        (e.code(), e.location.as_str()),
        ("statement.field", "line 11")
    );
    let e = err(
        text.replacen("C1200,00NTRF", "X1200,00NTRF", 1).as_bytes(),
        Format::Mt940,
    );
    assert_eq!(e.location, "line 5");
    let e = err(
        text.replacen(":60F:C250115UAH1000,00\n", "", 1).as_bytes(),
        Format::Mt940,
    );
    assert_eq!(e.location, "line 4");
    assert_eq!(err(b"garbage\n:20:X", Format::Mt940).location, "line 1");
}

#[test]
fn one_c_reads_windows_1251_crlf_and_currency() {
    let lines = lines_of("sample_1c.txt", Format::OneC);
    assert_eq!(lines.len(), 3);
    let l = &lines[0];
    assert!(l.id.starts_with("1c-"));
    assert_eq!(
        l.purpose,
        "Оплата за рахунком НОР-11111-007 від 10.01.2025, без ПДВ"
    );
    assert_eq!(l.payer_name.as_deref(), Some("ТОВ \"Приклад\""));
    assert_eq!(l.payer_tax_id.as_deref(), Some("32855961"));
    assert_eq!(l.direction, Direction::Credit);
    assert_eq!(lines[1].currency.as_str(), "USD");
    assert_eq!(lines[2].direction, Direction::Debit);
    assert_eq!(lines[2].payer_name.as_deref(), Some("ФОП Орендодавець"));
    // The id is stable: the same document gives the same id.
    let again = lines_of("sample_1c.txt", Format::OneC);
    assert_eq!(again[0].id, l.id);
    assert_ne!(lines[1].id, l.id);
}

#[test]
fn one_c_errors_name_the_line() {
    let bytes = data("sample_1c.txt");
    let text = encoding_rs::WINDOWS_1251.decode(&bytes).0.into_owned();
    let reencode = |s: &str| encoding_rs::WINDOWS_1251.encode(s).0.into_owned();
    let e = err(
        &reencode(&text.replacen("Сумма=1200.00", "Сумма=12,00.0", 1)),
        Format::OneC,
    );
    assert_eq!(
        (e.code(), e.location.as_str()),
        ("statement.field", "line 20")
    );
    assert!(e.message.contains("Сумма"));
    let e = err(
        &reencode(&text.replacen("КонецДокумента\r\nСекцияДокумент", "СекцияДокумент", 1)),
        Format::OneC,
    );
    assert_eq!(e.code(), "statement.syntax");
    assert_eq!(err(b"not 1c", Format::OneC).location, "line 1");
}

#[test]
fn privatbank_statuses() {
    let lines = lines_of("privatbank.json", Format::PrivatBank);
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0].status, LineStatus::Booked);
    assert_eq!(lines[0].payer_tax_id.as_deref(), Some("32855961"));
    assert_eq!(
        lines[0].booked_at.unwrap().to_rfc3339(),
        "2025-01-15T08:30:00+00:00"
    );
    assert_eq!(lines[1].status, LineStatus::Pending);
    assert_eq!(lines[2].status, LineStatus::Rejected);
    assert!(lines[3].reversal);
    assert_eq!(lines[3].reverses.as_deref(), Some("557091734"));
    assert_eq!(lines[4].direction, Direction::Debit);
    let text = String::from_utf8(data("privatbank.json")).unwrap();
    let e = err(
        text.replacen("\"SUM\":\"450.50\"", "\"SUM\":\"4.505\"", 1)
            .as_bytes(),
        Format::PrivatBank,
    );
    assert_eq!(
        (e.code(), e.location.as_str()),
        ("statement.field", "transactions[1]")
    );
    let e = err(
        text.replacen("\"PR_PR\":\"n\"", "\"PR_PR\":\"z\"", 1)
            .as_bytes(),
        Format::PrivatBank,
    );
    assert_eq!(e.location, "transactions[2]");
    let e = err(b"{\"status\":\"ERROR\"}", Format::PrivatBank);
    assert_eq!(e.location, "status");
    assert_eq!(
        err(b"{\"transactions\":[", Format::PrivatBank).code(),
        "statement.syntax"
    );
}

#[test]
fn monobank_items() {
    let lines = lines_of("monobank.json", Format::Monobank);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0].purpose, "Оплата за рахунком НОР-11111-007");
    assert_eq!(lines[0].amount.to_string(), "1200.00");
    assert_eq!(
        lines[0].payer_iban.as_deref(),
        Some("UA743052990000026007233566001")
    );
    assert_eq!(lines[1].direction, Direction::Debit);
    assert_eq!(lines[2].status, LineStatus::Pending);
    assert_eq!(lines[3].currency.as_str(), "USD");
    let hook = br#"{"type":"StatementItem","data":{"account":"a","statementItem":{"id":"W","time":1736935200,"amount":100,"currencyCode":980,"description":"x"}}}"#;
    assert_eq!(parse(hook, Format::Monobank).unwrap().lines[0].id, "W");
    let e = err(
        br#"[{"id":"x","time":"soon","amount":1,"currencyCode":980}]"#,
        Format::Monobank,
    );
    assert_eq!((e.code(), e.location.as_str()), ("statement.field", "[0]"));
}

#[test]
fn jsonl_errors_name_the_line_and_refuse_extra_fields() {
    let text = String::from_utf8(data("statement.jsonl")).unwrap();
    let bad = text.replacen("\"amount\":\"450.00\"", "\"amount\":\"450.001\"", 1);
    let e = err(bad.as_bytes(), Format::Jsonl);
    assert_eq!(
        (e.code(), e.location.as_str()),
        ("statement.field", "line 2")
    );
    let extra = text.replacen("\"id\":\"T5\"", "\"id\":\"T5\",\"extra\":1", 1);
    let e = err(extra.as_bytes(), Format::Jsonl);
    assert_eq!(
        (e.code(), e.location.as_str()),
        ("statement.syntax", "line 6")
    );
    let e = err(b"\n\n{\"id\":", Format::Jsonl);
    assert_eq!(e.location, "line 3");
}

#[test]
fn large_jsonl_is_read_in_parallel_with_the_right_line_numbers() {
    let one = "{\"id\":\"T\",\"date\":\"2025-01-15\",\"amount\":\"1.00\",\"currency\":\"UAH\",\"payer_name\":null,\"payer_edrpou\":null,\"payer_iban\":null,\"purpose\":\"HOR-11111-007\"}\n";
    let mut big = one.repeat(20_000);
    assert_eq!(
        parse(big.as_bytes(), Format::Jsonl).unwrap().lines.len(),
        20_000
    );
    big.push_str("{\"id\":1}\n");
    big.push_str(one);
    let e = err(big.as_bytes(), Format::Jsonl);
    assert_eq!(e.location, "line 20001");
}

#[test]
fn dry_run_matches_the_expected_output() {
    let out = reconcile_bytes(
        &data("invoices.jsonl"),
        &data("statement.jsonl"),
        Format::Auto,
    )
    .unwrap();
    let mut buf = Vec::new();
    write_json_lines(&out, &mut buf).unwrap();
    assert_eq!(
        String::from_utf8(buf).unwrap(),
        String::from_utf8(data("expected.jsonl")).unwrap()
    );
    // The same lines as a JSON array, through the binding-facing entry point.
    let lines: Vec<serde_json::Value> = String::from_utf8(data("statement.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let invoices = String::from_utf8(data("invoices.jsonl")).unwrap();
    let again = reconcile_json(&invoices, &serde_json::to_string(&lines).unwrap()).unwrap();
    assert_eq!(again, out);
}

#[test]
fn every_sample_decides_without_crediting_twice() {
    for file in [
        "sample.camt053.xml",
        "sample.mt940",
        "sample_1c.txt",
        "privatbank.json",
        "monobank.json",
    ] {
        let out = reconcile_bytes(&data("invoices.jsonl"), &data(file), Format::Auto).unwrap();
        let credited: Vec<_> = out.iter().filter_map(|r| r.invoice).collect();
        assert_eq!(
            credited.first().map(|n| n.to_string()).as_deref(),
            Some("HOR-11111-007"),
            "{file}"
        );
        let mut d = credited.clone();
        d.dedup();
        assert_eq!(d.len(), credited.len());
    }
}

#[test]
fn invoices_file_errors() {
    let bad = br#"{"invoice_number":"HOR-11111-007","project_service_code":"22222","amount":"1","currency":"UAH","status":"open","issue_date":"2025-01-10"}"#;
    let e = reconcile_bytes(bad, &data("statement.jsonl"), Format::Auto).unwrap_err();
    assert_eq!(
        (e.code(), e.location.as_str()),
        ("invoices.field", "line 1")
    );
    let text = String::from_utf8(data("invoices.jsonl")).unwrap();
    let dup = format!("{text}{}", text.lines().next().unwrap());
    let e = reconcile_bytes(dup.as_bytes(), &data("statement.jsonl"), Format::Auto).unwrap_err();
    assert_eq!(e.code(), "invoices.duplicate");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn no_importer_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        for f in [Format::Auto, Format::Jsonl, Format::Camt053, Format::Mt940, Format::OneC, Format::PrivatBank, Format::Monobank] {
            let _ = parse(&bytes, f);
        }
    }

    #[test]
    fn no_importer_panics_on_mutated_samples(
        which in 0usize..6,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let files = ["statement.jsonl", "sample.camt053.xml", "sample.mt940", "sample_1c.txt", "privatbank.json", "monobank.json"];
        let mut b = data(files[which]);
        for (at, byte, op) in edits {
            if b.is_empty() { break; }
            let i = at.index(b.len());
            match op {
                0 => b[i] = byte,
                1 => { b.remove(i); }
                _ => b.insert(i, byte),
            }
        }
        for f in [Format::Auto, Format::Jsonl, Format::Camt053, Format::Mt940, Format::OneC, Format::PrivatBank, Format::Monobank] {
            let _ = parse(&b, f);
        }
    }
}
