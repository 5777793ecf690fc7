//! The shared test vectors (`tests/data/vectors.json`), which the Python, Node and uniffi suites read
//! too: every valid input parses to the expected canonical form, every invalid one fails with the
//! expected code, and each fast predicate gives its type's verdict.

use billing_core::{
    is_valid_edrpou, is_valid_iban, is_valid_rnokpp, Edrpou, Email, ErrorCode, Iban, InvoiceNumber,
    Money, Phone, Rnokpp, ServiceCode, Sex, TaxId,
};
use serde_json::Value;

fn vectors(area: &str) -> Vec<Value> {
    let text = include_str!("data/vectors.json");
    let doc: Value = serde_json::from_str(text).expect("vectors.json is JSON");
    doc[area].as_array().expect("area present").clone()
}

fn input(v: &Value) -> &str {
    v["input"].as_str().expect("input")
}

fn valid(v: &Value) -> bool {
    v["valid"].as_bool().expect("valid")
}

/// Checks one area: valid inputs pass `check`, invalid ones fail with the listed code.
fn run<T, E: ErrorCode>(
    area: &str,
    parse: impl Fn(&str) -> Result<T, E>,
    check: impl Fn(&Value, &T),
) {
    let vs = vectors(area);
    assert!(!vs.is_empty(), "{area}: no vectors");
    for v in &vs {
        match parse(input(v)) {
            Ok(t) => {
                assert!(valid(v), "{area}: {:?} should be invalid", input(v));
                check(v, &t);
            }
            Err(e) => {
                assert!(
                    !valid(v),
                    "{area}: {:?} should be valid ({})",
                    input(v),
                    e.code()
                );
                assert_eq!(
                    e.code(),
                    v["code"].as_str().unwrap(),
                    "{area}: {:?}",
                    input(v)
                );
            }
        }
    }
}

#[test]
fn edrpou_vectors() {
    run("edrpou", Edrpou::parse, |v, e| {
        assert_eq!(e.as_str(), input(v))
    });
    for v in vectors("edrpou") {
        assert_eq!(is_valid_edrpou(input(&v)), valid(&v), "{:?}", input(&v));
    }
}

#[test]
fn rnokpp_vectors() {
    run("rnokpp", Rnokpp::parse, |v, r| {
        if let Some(b) = v["birth_date"].as_str() {
            assert_eq!(r.birth_date().to_string(), b);
        }
        if let Some(s) = v["sex"].as_str() {
            let expected = if s == "male" { Sex::Male } else { Sex::Female };
            assert_eq!(r.sex(), expected);
        }
    });
    for v in vectors("rnokpp") {
        assert_eq!(is_valid_rnokpp(input(&v)), valid(&v), "{:?}", input(&v));
    }
}

#[test]
fn iban_vectors() {
    run("iban", Iban::parse, |v, i| {
        assert_eq!(i.as_str(), v["electronic"].as_str().unwrap());
        assert_eq!(i.is_ukrainian(), v["ukrainian"].as_bool().unwrap());
        assert_eq!(i.mfo(), v["mfo"].as_str());
        assert_eq!(i.bank_name(), v["bank"].as_str());
    });
    for v in vectors("iban") {
        assert_eq!(is_valid_iban(input(&v)), valid(&v), "{:?}", input(&v));
    }
}

#[test]
fn money_vectors() {
    run(
        "money",
        |s| s.parse::<Money>(),
        |v, m| {
            assert_eq!(m.to_string(), v["canonical"].as_str().unwrap());
            assert_eq!(m.to_document_string(), v["document"].as_str().unwrap());
        },
    );
}

#[test]
fn service_code_vectors() {
    run("service_code", ServiceCode::parse, |v, c| {
        assert_eq!(c.to_string(), v["canonical"].as_str().unwrap())
    });
}

#[test]
fn invoice_number_vectors() {
    run("invoice_number", InvoiceNumber::parse, |v, n| {
        assert_eq!(n.to_string(), input(v));
        assert_eq!(n.prefix().as_str(), v["prefix"].as_str().unwrap());
        assert_eq!(
            n.service_code().to_string(),
            v["service_code"].as_str().unwrap()
        );
        assert_eq!(u64::from(n.sequence()), v["sequence"].as_u64().unwrap());
    });
}

#[test]
fn tax_id_vectors() {
    run("tax_id", TaxId::parse, |v, t| {
        let kind = if t.is_company() {
            "company"
        } else {
            "sole_proprietor"
        };
        assert_eq!(kind, v["kind"].as_str().unwrap());
    });
}

#[test]
fn email_vectors() {
    run("email", Email::parse, |v, e| {
        assert_eq!(e.as_str(), v["canonical"].as_str().unwrap())
    });
}

#[test]
fn phone_vectors() {
    run("phone", Phone::parse, |v, p| {
        assert_eq!(p.as_str(), v["canonical"].as_str().unwrap())
    });
}
