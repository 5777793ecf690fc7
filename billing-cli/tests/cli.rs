//! The `billing` binary, run as a user runs it.

use std::io::Write;
use std::process::{Command, Stdio};

fn billing(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_billing"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("billing runs");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn validates_arguments_as_json_lines_in_order() {
    let (code, out, _) = billing(
        &[
            "validate", "edrpou", "32855961", "32855968", "12345", "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "invalid values are not a failure of the command");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0],
        serde_json::json!({"value": "32855961", "valid": true})
    );
    assert_eq!(lines[1]["valid"], false);
    assert_eq!(lines[1]["code"], "edrpou.checksum");
    assert!(lines[1]["message"].as_str().unwrap().contains("32855968"));
    assert_eq!(lines[2]["code"], "edrpou.length");
}

#[test]
fn validates_stdin_one_value_per_line() {
    let input = "UA213223130000026007233566001\r\nUA21 3223 1300 0002 6007 2335 6600 1\nUA213223130000026007233566002\n";
    let (code, out, _) = billing(&["validate", "iban", "--json"], Some(input));
    assert_eq!(code, 0);
    let valid: Vec<bool> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["valid"]
                .as_bool()
                .unwrap()
        })
        .collect();
    assert_eq!(valid, vec![true, true, false]);
}

#[test]
fn prints_for_people_by_default() {
    let (code, out, _) = billing(&["validate", "rnokpp", "3652504575", "1759013770"], None);
    assert_eq!(code, 0);
    assert!(out.contains("valid    3652504575"), "{out}");
    assert!(
        out.contains("invalid  1759013770  rnokpp.checksum"),
        "{out}"
    );
    assert!(out.contains("1 valid, 1 invalid"), "{out}");
    assert!(!out.contains('\x1b'), "no colours off a terminal");
}

#[test]
fn bad_usage_exits_2_and_help_documents_exit_codes() {
    let (code, _, err) = billing(&["validate", "passport", "x"], None);
    assert_eq!(code, 2, "{err}");
    let (code, out, _) = billing(&["--help"], None);
    assert_eq!(code, 0);
    assert!(out.contains("Exit codes:"));
}
