//! The field mapping of YouScore answers to the registry port's record (pure: JSON in, record out).
//!
//! Reading is lenient: a field of an unexpected type is treated as absent, never a failed lookup;
//! only an answer with no usable name is refused.

use billing_core::ports::registry::{is_vat_number, RegistryDetails};
use billing_core::ports::{RegistryRecord, VatStatus};
use billing_core::TaxId;
use chrono::NaiveDate;
use serde_json::Value;

/// How an answer is mapped (part of [`crate::YouScoreConfig`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// A signer is the director when their `role` contains one of these (case-insensitive).
    pub director_roles: Vec<String>,
    /// Put before a sole proprietor's name (`ФОП `).
    pub sole_proprietor_prefix: String,
    /// Names written all in capitals (a sole proprietor's ПІБ, signers) are turned into
    /// `Петренко Олена Іванівна`.
    pub tidy_capitals: bool,
}

impl Default for Mapping {
    fn default() -> Mapping {
        Mapping {
            director_roles: vec!["керівник".to_string()],
            sole_proprietor_prefix: "ФОП ".to_string(),
            tidy_capitals: true,
        }
    }
}

/// A value as text: a non-empty string (trimmed), or a number.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => items.iter().find_map(|i| text(Some(i))),
        _ => None,
    }
}

/// Whether a value says something: not null, not an empty string, object or list, not `false`.
fn present(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => o.values().any(|v| present(Some(v))),
        Some(_) => true,
    }
}

/// A date as the answers write it: `2026-10-01`, `2026-10-01T12:00:00(.fff)(Z|+03:00)`,
/// `2026-10-01 12:00:00` or `01.10.2026`; anything else is no date.
pub fn date(v: Option<&Value>) -> Option<NaiveDate> {
    let s = text(v)?;
    let head: String = s.chars().take(10).collect();
    NaiveDate::parse_from_str(&head, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&head, "%d.%m.%Y"))
        .ok()
}

/// `ПЕТРЕНКО ОЛЕНА ІВАНІВНА` → `Петренко Олена Іванівна`; text with any lower-case letter stays.
pub fn tidy_capitals(s: &str) -> String {
    if !s.chars().any(char::is_alphabetic) || s.chars().any(char::is_lowercase) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
        start = c.is_whitespace() || c == '-';
    }
    out
}

/// Spaces collapsed.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn person(s: &str, m: &Mapping) -> String {
    let s = squash(s);
    if m.tidy_capitals {
        tidy_capitals(&s)
    } else {
        s
    }
}

/// The address: `address`, with `addressParts.zip` in front when the text lacks it; without
/// `address`, the parts joined.
fn address(body: &Value) -> Option<String> {
    let parts = body.get("addressParts");
    let part = |k: &str| text(parts.and_then(|p| p.get(k)));
    let zip = part("zip");
    match text(body.get("address")) {
        Some(a) => Some(match zip {
            Some(z) if !a.contains(&z) => format!("{z}, {}", squash(&a)),
            _ => squash(&a),
        }),
        None => {
            let joined: Vec<String> = [
                "zip",
                "region",
                "district",
                "city",
                "street",
                "building",
                "apartment",
            ]
            .iter()
            .filter_map(|k| part(k))
            .collect();
            (!joined.is_empty()).then(|| joined.join(", "))
        }
    }
}

fn director(body: &Value, m: &Mapping) -> Option<String> {
    let signers = body.get("signers")?.as_array()?;
    let named: Vec<(&Value, String)> = signers
        .iter()
        .filter_map(|s| Some((s, text(s.get("name"))?)))
        .collect();
    let by_role = named.iter().find(|(s, _)| {
        let role = text(s.get("role")).unwrap_or_default().to_lowercase();
        m.director_roles
            .iter()
            .any(|r| !r.is_empty() && role.contains(&r.to_lowercase()))
    });
    let chosen = match (by_role, named.as_slice()) {
        (Some((_, n)), _) => n,
        // A single signer with another role wording: still the one who signs.
        (None, [(_, n)]) => n,
        _ => return None,
    };
    Some(person(chosen, m))
}

/// Words that, in a termination or bankruptcy field, say there is nothing to warn about.
const NOTHING_WORDS: [&str; 4] = ["зареєстр", "відсутн", "немає", "не перебуває"];

/// Whether a termination or bankruptcy field says something to warn about: present, and its text
/// (when it has one) is not a "registered" / "none" wording.
fn flagged(v: Option<&Value>) -> bool {
    if !present(v) {
        return false;
    }
    let words = v
        .and_then(|v| text(v.get("status")).or_else(|| text(Some(v))))
        .unwrap_or_default()
        .to_lowercase();
    !NOTHING_WORDS.iter().any(|w| words.contains(w))
}

const TERMINATED_WORDS: [&str; 2] = ["припин", "скасовано"];
const BANKRUPT_WORDS: [&str; 2] = ["банкрут", "санаці"];

/// The record of a `GET /v1/usr/{code}` answer (200). `None` when it carries no name.
///
/// Companies: `name.fullName` (else `name.shortName`), `signers` for the director. Sole
/// proprietors (a 10-digit code, or `name` as a string): the prefix + `name`, no director.
pub fn usr_record(tax_id: TaxId, body: &Value, m: &Mapping) -> Option<RegistryRecord> {
    let name_field = body.get("name");
    let full = text(name_field.and_then(|n| n.get("fullName")));
    let short = text(name_field.and_then(|n| n.get("shortName")));
    let plain = text(name_field.filter(|n| n.is_string()));
    let contractor = text(body.get("contractorType")).unwrap_or_default();
    let sole = !tax_id.is_company() || plain.is_some() || contractor.contains("ФОП");
    let name = if sole {
        let who = plain.or(full.clone()).or(short.clone())?;
        let who = person(&who, m);
        if m.sole_proprietor_prefix.is_empty() || who.starts_with(m.sole_proprietor_prefix.trim()) {
            who
        } else {
            format!("{}{who}", m.sole_proprietor_prefix)
        }
    } else {
        squash(&full.clone().or(short.clone()).or(plain)?)
    };
    let status = text(body.get("status"));
    let status_lower = status.clone().unwrap_or_default().to_lowercase();
    let termination = body.get("terminationStatus");
    let termination_text = text(termination.and_then(|t| t.get("status")))
        .or_else(|| text(termination.filter(|t| t.is_string())));
    let termination_date = date(termination.and_then(|t| t.get("date")));
    let terminated = flagged(termination)
        || flagged(body.get("registrationOfTermination"))
        || TERMINATED_WORDS.iter().any(|w| status_lower.contains(w));
    let bankruptcy = body.get("bankruptcyStatus");
    let bankrupt = flagged(bankruptcy) || BANKRUPT_WORDS.iter().any(|w| status_lower.contains(w));
    let mut warnings = Vec::new();
    if terminated {
        let what = termination_text.or(status.clone());
        let mut w = "terminated or being terminated".to_string();
        if let Some(t) = what {
            w.push_str(&format!(": {t}"));
        }
        if let Some(d) = termination_date {
            w.push_str(&format!(" ({d})"));
        }
        warnings.push(w);
    }
    if bankrupt {
        let mut w = "bankruptcy on record".to_string();
        if let Some(t) = text(bankruptcy.and_then(|b| b.get("status"))).or(text(bankruptcy)) {
            w.push_str(&format!(": {t}"));
        }
        warnings.push(w);
    }
    let activity = body.get("mainEconomicActivity");
    let contacts = body.get("contacts");
    let mut record = RegistryRecord::new(tax_id, name);
    record.address = address(body);
    record.director = if sole { None } else { director(body, m) };
    record.warnings = warnings;
    record.details = RegistryDetails {
        short_name: if sole { None } else { short },
        status,
        terminated,
        bankrupt,
        kved: text(activity.and_then(|a| a.get("code"))),
        kved_name: text(activity.and_then(|a| a.get("description"))),
        phone: text(contacts.and_then(|c| c.get("phone"))),
        email: text(contacts.and_then(|c| c.get("email"))),
        actual_date: date(body.get("actualDate")),
    };
    Some(record)
}

/// The VAT status of a `GET /v1/vat/{code}` answer (200): a payer with its 12-digit number and
/// registration date; `None` when the answer carries no 12-digit number.
pub fn vat_status(body: &Value) -> Option<VatStatus> {
    let number = text(body.get("code")).filter(|n| is_vat_number(n))?;
    Some(VatStatus::Payer {
        number,
        since: date(body.get("registrationDate")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn company() -> TaxId {
        "14360570".parse().unwrap()
    }

    #[test]
    fn capitals_are_tidied() {
        assert_eq!(
            tidy_capitals("ПЕТРЕНКО ОЛЕНА ІВАНІВНА"),
            "Петренко Олена Іванівна"
        );
        assert_eq!(
            tidy_capitals("КОВАЛЬ-ЗАЇЧЕНКО В'ЯЧЕСЛАВ"),
            "Коваль-Заїченко В'ячеслав"
        );
        assert_eq!(tidy_capitals("Петренко О. І."), "Петренко О. І.");
    }

    #[test]
    fn dates_in_the_usual_forms() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 1);
        for s in [
            "2026-10-01",
            "2026-10-01T12:00:00",
            "2026-10-01T12:00:00.123+03:00",
            "2026-10-01 12:00:00",
            "01.10.2026",
        ] {
            assert_eq!(date(Some(&json!(s))), d, "{s}");
        }
        assert_eq!(date(Some(&json!("soon"))), None);
        assert_eq!(date(Some(&json!(null))), None);
    }

    #[test]
    fn zip_goes_in_front_once() {
        let a =
            json!({"address": "м. Одеса, вул. Дерибасівська, 1", "addressParts": {"zip": "65000"}});
        assert_eq!(
            address(&a).as_deref(),
            Some("65000, м. Одеса, вул. Дерибасівська, 1")
        );
        let b = json!({"address": "65000, м. Одеса", "addressParts": {"zip": "65000"}});
        assert_eq!(address(&b).as_deref(), Some("65000, м. Одеса"));
        let c = json!({"addressParts": {"zip": "65000", "city": "м. Одеса", "street": "вул. Дерибасівська", "building": "1"}});
        assert_eq!(
            address(&c).as_deref(),
            Some("65000, м. Одеса, вул. Дерибасівська, 1")
        );
    }

    #[test]
    fn the_director_is_the_head_or_the_only_signer() {
        let m = Mapping::default();
        let two = json!({"signers": [
            {"name": "ІВАНЕНКО ІВАН", "role": "підписант"},
            {"name": "ПЕТРЕНКО ОЛЕНА ІВАНІВНА", "role": "Керівник"}
        ]});
        assert_eq!(
            director(&two, &m).as_deref(),
            Some("Петренко Олена Іванівна")
        );
        let one = json!({"signers": [{"name": "Іваненко Іван", "role": "директор"}]});
        assert_eq!(director(&one, &m).as_deref(), Some("Іваненко Іван"));
        let none = json!({"signers": [{"name": "А", "role": "x"}, {"name": "Б", "role": "y"}]});
        assert_eq!(director(&none, &m), None);
        assert_eq!(director(&json!({"signers": "?"}), &m), None);
    }

    #[test]
    fn odd_types_are_absent_not_fatal() {
        let body = json!({"name": {"fullName": "ТОВ \"Х\""}, "address": 5, "signers": {"a": 1},
            "contacts": [1], "mainEconomicActivity": "62.01", "terminationStatus": null,
            "bankruptcyStatus": {}});
        let r = usr_record(company(), &body, &Mapping::default()).unwrap();
        assert_eq!(r.name, "ТОВ \"Х\"");
        assert_eq!(r.address.as_deref(), Some("5"));
        assert_eq!(r.director, None);
        assert!(!r.details.terminated && !r.details.bankrupt);
        assert!(r.warnings.is_empty());
        assert!(usr_record(company(), &json!({"code": "14360570"}), &Mapping::default()).is_none());
        let alive = json!({"name": {"fullName": "Х"}, "terminationStatus": {"status": "зареєстровано"},
            "bankruptcyStatus": "відсутня"});
        let r = usr_record(company(), &alive, &Mapping::default()).unwrap();
        assert!(!r.details.terminated && !r.details.bankrupt);
    }

    #[test]
    fn terminated_and_bankrupt_are_warned() {
        let body = json!({"name": {"fullName": "ТОВ \"Х\""}, "status": "припинено",
            "terminationStatus": {"status": "припинено", "date": "2024-05-01"},
            "bankruptcyStatus": "порушено справу про банкрутство"});
        let r = usr_record(company(), &body, &Mapping::default()).unwrap();
        assert!(r.details.terminated && r.details.bankrupt);
        assert_eq!(
            r.warnings,
            vec![
                "terminated or being terminated: припинено (2024-05-01)".to_string(),
                "bankruptcy on record: порушено справу про банкрутство".to_string()
            ]
        );
    }

    #[test]
    fn vat_numbers_are_twelve_digits() {
        assert_eq!(
            vat_status(&json!({"code": "143605715098", "registrationDate": "2016-01-11T00:00:00"})),
            Some(VatStatus::Payer {
                number: "143605715098".into(),
                since: NaiveDate::from_ymd_opt(2016, 1, 11)
            })
        );
        assert_eq!(
            vat_status(&json!({"code": 143605715098u64}))
                .unwrap()
                .number(),
            Some("143605715098")
        );
        assert_eq!(vat_status(&json!({"code": "1436057150"})), None);
        assert_eq!(vat_status(&json!({"note": "…"})), None);
    }
}
