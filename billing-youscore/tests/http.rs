//! The adapter against a local HTTP server in this process that serves the documented YouScore
//! shapes (`/v1/usr/{code}` for a company and a sole proprietor, `/v1/vat/{code}`, 202, 404, 429).
//! Never the internet.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use billing_core::ports::registry::VatUnknown;
use billing_core::ports::{Clock, RegistryAnswer, RegistryError, RegistryLookup, VatStatus};
use billing_core::{ErrorCode, TaxId};
use billing_youscore::{AuthPlacement, RateLimit, YouScoreClient, YouScoreConfig};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use secrecy::SecretString;
use serde_json::{json, Value};

const KEY: &str = "ys-key-123";
const COMPANY: &str = "14360570";
const FOP: &str = "3652504575";

/// One scripted answer: status, body, `Retry-After`.
type Answer = (u16, Value, Option<u64>);

#[derive(Default)]
struct Fake {
    /// "usr/CODE" or "vat/CODE" -> answers in turn (the last one repeats); none: 404.
    script: HashMap<String, VecDeque<Answer>>,
    /// Answer 429 this many times first, with this `Retry-After`.
    throttle: Option<(u32, Option<u64>)>,
    /// Requests seen: (path, query, authorization header).
    log: Vec<(String, HashMap<String, String>, Option<String>)>,
}

type Shared = Arc<Mutex<Fake>>;

fn lock(s: &Shared) -> std::sync::MutexGuard<'_, Fake> {
    s.lock().unwrap()
}

fn answer(status: u16, body: Value, retry_after: Option<u64>) -> Response {
    let mut r = (StatusCode::from_u16(status).unwrap(), Json(body)).into_response();
    if let Some(a) = retry_after {
        r.headers_mut()
            .insert("retry-after", a.to_string().parse().unwrap());
    }
    r
}

async fn serve(
    s: Shared,
    kind: &str,
    code: String,
    headers: HeaderMap,
    query: HashMap<String, String>,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut f = lock(&s);
    f.log
        .push((format!("/v1/{kind}/{code}"), query.clone(), auth.clone()));
    let by_header = auth.as_deref() == Some(&format!("bearer {KEY}"));
    let by_query = query.get("apiKey").map(String::as_str) == Some(KEY);
    if !by_header && !by_query {
        return answer(401, json!({"code": "Unauthorized"}), None);
    }
    if let Some((n, after)) = f.throttle {
        if n > 0 {
            f.throttle = Some((n - 1, after));
            return answer(
                429,
                json!({"code": "Too Many Requests", "message": "Rate limit is exceeded"}),
                after,
            );
        }
    }
    let Some(queue) = f.script.get_mut(&format!("{kind}/{code}")) else {
        return answer(404, json!({"code": "Not Found"}), None);
    };
    let (status, body, after) = if queue.len() > 1 {
        queue.pop_front().unwrap()
    } else {
        queue.front().cloned().unwrap()
    };
    answer(status, body, after)
}

async fn usr(
    State(s): State<Shared>,
    Path(code): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    serve(s, "usr", code, headers, q).await
}

async fn vat(
    State(s): State<Shared>,
    Path(code): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    serve(s, "vat", code, headers, q).await
}

async fn server() -> (String, Shared) {
    let state: Shared = Arc::default();
    let app = Router::new()
        .route("/v1/usr/{code}", get(usr))
        .route("/v1/vat/{code}", get(vat))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), state)
}

fn script(s: &Shared, key: &str, answers: Vec<Answer>) {
    lock(s).script.insert(key.to_string(), answers.into());
}

fn paths(s: &Shared) -> Vec<String> {
    lock(s).log.iter().map(|l| l.0.clone()).collect()
}

/// A clock moved by hand.
struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    fn new() -> Arc<TestClock> {
        Arc::new(TestClock(Mutex::new(
            Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap(),
        )))
    }
    fn advance(&self, d: chrono::Duration) {
        let mut t = self.0.lock().unwrap();
        *t += d;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

fn client_with(
    base: &str,
    clock: Arc<TestClock>,
    f: impl FnOnce(YouScoreConfig) -> YouScoreConfig,
) -> YouScoreClient {
    let mut config = YouScoreConfig::new(SecretString::from(KEY)).with_base_url(base);
    config.request_timeout = Duration::from_secs(5);
    YouScoreClient::new(f(config), clock).unwrap()
}

fn client(base: &str) -> (YouScoreClient, Arc<TestClock>) {
    let clock = TestClock::new();
    (client_with(base, clock.clone(), |c| c), clock)
}

fn company_body() -> Value {
    json!({
        "name": {
            "fullName": "ТОВАРИСТВО З ОБМЕЖЕНОЮ ВІДПОВІДАЛЬНІСТЮ \"ПРИКЛАД\"",
            "shortName": "ТОВ \"ПРИКЛАД\""
        },
        "code": COMPANY,
        "status": "зареєстровано",
        "actualDate": "2026-09-30T00:00:00",
        "address": "Одеська обл., м. Одеса, вул. Дерибасівська, буд. 1",
        "addressParts": {"zip": "65000", "region": "Одеська обл.", "city": "м. Одеса",
            "street": "вул. Дерибасівська", "building": "1"},
        "signers": [
            {"name": "ІВАНЕНКО ІВАН ПЕТРОВИЧ", "role": "підписант", "appointDate": "2020-01-01"},
            {"name": "ПЕТРЕНКО ОЛЕНА ІВАНІВНА", "role": "керівник", "appointDate": "2019-03-01"}
        ],
        "contractorType": "Юридична особа",
        "mainEconomicActivity": {"code": "62.01", "description": "Комп'ютерне програмування"},
        "economicActivities": [{"code": "62.01", "description": "Комп'ютерне програмування"}],
        "terminationStatus": null,
        "registrationOfTermination": null,
        "bankruptcyStatus": null,
        "contacts": {"phone": "+380 48 000 00 00", "email": "office@pryklad.ua", "webSite": null},
        "founders": [],
        "branches": [],
        "singleTaxPayerInfo": null
    })
}

fn fop_body() -> Value {
    json!({
        "name": "ПЕТРЕНКО ОЛЕНА ІВАНІВНА",
        "status": "зареєстровано",
        "actualDate": "2026-09-30",
        "address": "65000, Одеська обл., м. Одеса, вул. Рішельєвська, буд. 2",
        "contractorType": "Фізична особа-підприємець (ФОП)",
        "mainEconomicActivity": {"code": "47.91", "description": "Роздрібна торгівля через Інтернет"}
    })
}

fn vat_body() -> Value {
    json!({"code": "143605715098", "registrationDate": "2016-01-11T00:00:00",
        "note": "", "actualDate": "2026-09-30"})
}

#[tokio::test]
async fn a_company_is_found_with_its_vat_number() {
    let (base, s) = server().await;
    script(
        &s,
        &format!("usr/{COMPANY}"),
        vec![(200, company_body(), None)],
    );
    script(&s, &format!("vat/{COMPANY}"), vec![(200, vat_body(), None)]);
    let (c, _) = client(&base);
    let RegistryAnswer::Found(r) = c.lookup(&COMPANY.parse().unwrap()).await.unwrap() else {
        panic!("found expected")
    };
    assert_eq!(r.tax_id.as_str(), COMPANY);
    assert_eq!(
        r.name,
        "ТОВАРИСТВО З ОБМЕЖЕНОЮ ВІДПОВІДАЛЬНІСТЮ \"ПРИКЛАД\""
    );
    assert_eq!(r.details.short_name.as_deref(), Some("ТОВ \"ПРИКЛАД\""));
    assert_eq!(
        r.address.as_deref(),
        Some("65000, Одеська обл., м. Одеса, вул. Дерибасівська, буд. 1")
    );
    assert_eq!(r.director.as_deref(), Some("Петренко Олена Іванівна"));
    assert_eq!(
        r.vat,
        Some(VatStatus::Payer {
            number: "143605715098".into(),
            since: NaiveDate::from_ymd_opt(2016, 1, 11),
        })
    );
    assert_eq!(r.vat_number(), Some("143605715098"));
    assert_eq!(r.vat_unknown, None);
    assert_eq!(r.details.kved.as_deref(), Some("62.01"));
    assert_eq!(r.details.phone.as_deref(), Some("+380 48 000 00 00"));
    assert_eq!(r.details.email.as_deref(), Some("office@pryklad.ua"));
    assert_eq!(r.details.status.as_deref(), Some("зареєстровано"));
    assert_eq!(r.details.actual_date, NaiveDate::from_ymd_opt(2026, 9, 30));
    assert!(r.warnings.is_empty());
    // Both requests authenticated by the header, nothing else in the query.
    let log = lock(&s).log.clone();
    assert_eq!(
        log.iter().map(|l| l.0.as_str()).collect::<Vec<_>>(),
        vec!["/v1/usr/14360570", "/v1/vat/14360570"]
    );
    for (_, query, auth) in &log {
        assert_eq!(auth.as_deref(), Some("bearer ys-key-123"));
        assert!(query.is_empty(), "{query:?}");
    }
}

#[tokio::test]
async fn a_sole_proprietor_has_the_other_shape() {
    let (base, s) = server().await;
    script(&s, &format!("usr/{FOP}"), vec![(200, fop_body(), None)]);
    // No VAT entry: 404, not a payer.
    let (c, _) = client(&base);
    let RegistryAnswer::Found(r) = c.lookup(&FOP.parse().unwrap()).await.unwrap() else {
        panic!("found expected")
    };
    assert_eq!(r.tax_id.as_str(), FOP, "the code asked for");
    assert_eq!(r.name, "ФОП Петренко Олена Іванівна");
    assert_eq!(r.director, None);
    assert_eq!(r.details.short_name, None);
    assert_eq!(
        r.address.as_deref(),
        Some("65000, Одеська обл., м. Одеса, вул. Рішельєвська, буд. 2")
    );
    assert_eq!(r.vat, Some(VatStatus::NotPayer));
    assert_eq!(r.vat_number(), None);
    assert_eq!(paths(&s), vec!["/v1/usr/3652504575", "/v1/vat/3652504575"]);
}

#[tokio::test]
async fn a_202_is_pending_never_cached_and_the_200_follows() {
    let (base, s) = server().await;
    script(
        &s,
        &format!("usr/{COMPANY}"),
        vec![
            (202, json!({"message": "Update in progress"}), None),
            (202, json!({"message": "Update in progress"}), Some(7)),
            (200, company_body(), None),
        ],
    );
    script(&s, &format!("vat/{COMPANY}"), vec![(200, vat_body(), None)]);
    let (c, _) = client(&base);
    let code: TaxId = COMPANY.parse().unwrap();
    assert_eq!(
        c.lookup(&code).await.unwrap(),
        RegistryAnswer::Pending {
            retry_after_secs: 20
        },
        "without Retry-After: the configured delay"
    );
    assert_eq!(c.cached(), (0, 0), "pending is never cached");
    assert_eq!(
        c.lookup(&code).await.unwrap(),
        RegistryAnswer::Pending {
            retry_after_secs: 7
        }
    );
    let RegistryAnswer::Found(r) = c.lookup(&code).await.unwrap() else {
        panic!("found expected")
    };
    assert_eq!(r.vat_number(), Some("143605715098"));
    // The VAT register is not asked while the record is pending.
    assert_eq!(
        paths(&s),
        vec![
            "/v1/usr/14360570",
            "/v1/usr/14360570",
            "/v1/usr/14360570",
            "/v1/vat/14360570"
        ]
    );
    // Now cached: no more requests.
    assert_eq!(c.lookup(&code).await.unwrap(), RegistryAnswer::Found(r));
    assert_eq!(lock(&s).log.len(), 4);
}

#[tokio::test]
async fn a_pending_vat_status_is_never_not_a_payer() {
    let (base, s) = server().await;
    script(
        &s,
        &format!("usr/{COMPANY}"),
        vec![(200, company_body(), None)],
    );
    script(
        &s,
        &format!("vat/{COMPANY}"),
        vec![(202, json!({}), None), (200, vat_body(), None)],
    );
    let (c, _) = client(&base);
    let code: TaxId = COMPANY.parse().unwrap();
    let RegistryAnswer::Found(first) = c.lookup(&code).await.unwrap() else {
        panic!("found expected")
    };
    assert_eq!(first.vat, None);
    assert_eq!(
        first.vat_unknown,
        Some(VatUnknown::Pending {
            retry_after_secs: 20
        })
    );
    assert_eq!(
        c.cached(),
        (1, 0),
        "the record is kept, the pending VAT not"
    );
    let RegistryAnswer::Found(second) = c.lookup(&code).await.unwrap() else {
        panic!("found expected")
    };
    assert_eq!(second.vat_number(), Some("143605715098"));
    assert_eq!(second.vat_unknown, None);
    assert_eq!(
        paths(&s),
        vec!["/v1/usr/14360570", "/v1/vat/14360570", "/v1/vat/14360570"],
        "the record is not paid for twice"
    );
}

#[tokio::test]
async fn a_404_is_not_found_and_kept_for_a_day() {
    let (base, s) = server().await;
    let (c, clock) = client(&base);
    let code: TaxId = "32855961".parse().unwrap();
    assert_eq!(c.lookup(&code).await.unwrap(), RegistryAnswer::NotFound);
    assert_eq!(paths(&s), vec!["/v1/usr/32855961"], "no VAT request");
    assert_eq!(c.lookup(&code).await.unwrap(), RegistryAnswer::NotFound);
    assert_eq!(lock(&s).log.len(), 1, "cached");
    clock.advance(chrono::Duration::days(1));
    assert_eq!(c.lookup(&code).await.unwrap(), RegistryAnswer::NotFound);
    assert_eq!(lock(&s).log.len(), 2, "asked again after a day");
}

#[tokio::test]
async fn found_answers_are_kept_for_the_configured_days() {
    let (base, s) = server().await;
    script(
        &s,
        &format!("usr/{COMPANY}"),
        vec![(200, company_body(), None)],
    );
    script(&s, &format!("vat/{COMPANY}"), vec![(200, vat_body(), None)]);
    let clock = TestClock::new();
    let code: TaxId = COMPANY.parse().unwrap();
    // The default: 30 days.
    let c = client_with(&base, clock.clone(), |c| c);
    c.lookup(&code).await.unwrap();
    clock.advance(chrono::Duration::days(29));
    c.lookup(&code).await.unwrap();
    assert_eq!(lock(&s).log.len(), 2, "a cache hit");
    clock.advance(chrono::Duration::days(1));
    c.lookup(&code).await.unwrap();
    assert_eq!(lock(&s).log.len(), 4, "30 days on: asked again");
    // Configured: 2 days.
    let short = client_with(&base, clock.clone(), |c| c.with_cache_days(2));
    short.lookup(&code).await.unwrap();
    clock.advance(chrono::Duration::days(2));
    short.lookup(&code).await.unwrap();
    assert_eq!(lock(&s).log.len(), 8);
    // Forgotten on request.
    short.forget(&code);
    short.lookup(&code).await.unwrap();
    assert_eq!(lock(&s).log.len(), 10);
}

#[tokio::test]
async fn a_429_is_waited_out_within_bounds() {
    let (base, s) = server().await;
    script(
        &s,
        &format!("usr/{COMPANY}"),
        vec![(200, company_body(), None)],
    );
    script(&s, &format!("vat/{COMPANY}"), vec![(200, vat_body(), None)]);
    let code: TaxId = COMPANY.parse().unwrap();
    // Once, with Retry-After: 1 → waited and retried.
    lock(&s).throttle = Some((1, Some(1)));
    let (c, _) = client(&base);
    let started = Instant::now();
    assert!(matches!(
        c.lookup(&code).await.unwrap(),
        RegistryAnswer::Found(_)
    ));
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(lock(&s).log.len(), 3, "usr 429, usr 200, vat 200");
    // More 429s than retries (backoff 100 ms, 200 ms): rate limited, the delay given.
    lock(&s).throttle = Some((10, None));
    let c = client_with(&base, TestClock::new(), |mut c| {
        c.backoff = Duration::from_millis(100);
        c
    });
    let before = lock(&s).log.len();
    let err = c.lookup(&code).await.unwrap_err();
    assert_eq!(err.code(), "registry.rate_limited");
    assert_eq!(
        err,
        RegistryError::RateLimited {
            retry_after_secs: Some(1)
        }
    );
    assert_eq!(lock(&s).log.len() - before, 3, "one try and two retries");
    // A Retry-After longer than the adapter waits: at once, with the delay.
    lock(&s).throttle = Some((1, Some(60)));
    let started = Instant::now();
    let err = client(&base).0.lookup(&code).await.unwrap_err();
    assert_eq!(
        err,
        RegistryError::RateLimited {
            retry_after_secs: Some(60)
        }
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(c.cached(), (0, 0), "nothing cached from a failure");
}

#[tokio::test]
async fn the_documented_limits_are_kept_on_this_side() {
    let (base, s) = server().await;
    let c = client_with(&base, TestClock::new(), |mut c| {
        c.rate_limits = vec![RateLimit {
            max_requests: 2,
            per: Duration::from_secs(60),
        }];
        c.not_found_cache_ttl = Duration::ZERO;
        c
    });
    let code: TaxId = "32855961".parse().unwrap();
    c.lookup(&code).await.unwrap();
    c.lookup(&code).await.unwrap();
    let err = c.lookup(&code).await.unwrap_err();
    assert!(
        matches!(err, RegistryError::RateLimited { retry_after_secs: Some(s) } if s > 55 && s <= 60),
        "{err:?}"
    );
    assert_eq!(lock(&s).log.len(), 2, "the third never left");
    // A short wait is waited.
    let c = client_with(&base, TestClock::new(), |mut c| {
        c.rate_limits = vec![RateLimit {
            max_requests: 1,
            per: Duration::from_millis(300),
        }];
        c.not_found_cache_ttl = Duration::ZERO;
        c
    });
    let started = Instant::now();
    c.lookup(&code).await.unwrap();
    c.lookup(&code).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized_and_the_query_placement_works() {
    let (base, s) = server().await;
    script(
        &s,
        &format!("usr/{COMPANY}"),
        vec![(200, company_body(), None)],
    );
    script(&s, &format!("vat/{COMPANY}"), vec![(200, vat_body(), None)]);
    let code: TaxId = COMPANY.parse().unwrap();
    let clock = TestClock::new();
    let wrong = YouScoreClient::new(
        YouScoreConfig::new(SecretString::from("nope")).with_base_url(&base),
        clock.clone(),
    )
    .unwrap();
    let err = wrong.lookup(&code).await.unwrap_err();
    assert_eq!(err, RegistryError::Unauthorized { status: 401 });
    assert_eq!(err.code(), "registry.unauthorized");
    let by_query = client_with(&base, clock, |mut c| {
        c.auth = AuthPlacement::Query;
        c.show_current_data = true;
        c
    });
    assert!(matches!(
        by_query.lookup(&code).await.unwrap(),
        RegistryAnswer::Found(_)
    ));
    let log = lock(&s).log.clone();
    let (path, query, auth) = &log[1];
    assert_eq!(path, "/v1/usr/14360570");
    assert_eq!(auth, &None);
    assert_eq!(query.get("apiKey").map(String::as_str), Some(KEY));
    assert_eq!(
        query.get("showCurrentData").map(String::as_str),
        Some("true")
    );
    assert!(!log[2].1.contains_key("showCurrentData"), "only on /v1/usr");
}

#[tokio::test]
async fn a_terminated_or_bankrupt_company_is_found_with_warnings() {
    let (base, s) = server().await;
    let mut body = company_body();
    body["status"] = json!("в стані припинення");
    body["terminationStatus"] = json!({"status": "в стані припинення", "date": "2026-08-01"});
    body["bankruptcyStatus"] = json!("порушено провадження у справі про банкрутство");
    script(&s, &format!("usr/{COMPANY}"), vec![(200, body, None)]);
    let (c, _) = client(&base);
    let RegistryAnswer::Found(r) = c.lookup(&COMPANY.parse().unwrap()).await.unwrap() else {
        panic!("found expected")
    };
    assert!(r.details.terminated && r.details.bankrupt);
    assert_eq!(
        r.warnings,
        vec![
            "terminated or being terminated: в стані припинення (2026-08-01)".to_string(),
            "bankruptcy on record: порушено провадження у справі про банкрутство".to_string(),
        ]
    );
}

#[tokio::test]
async fn failures_are_failed_and_a_vat_failure_leaves_the_record() {
    let (base, s) = server().await;
    let code: TaxId = COMPANY.parse().unwrap();
    script(
        &s,
        &format!("usr/{COMPANY}"),
        vec![(500, json!("oops"), None)],
    );
    let (c, _) = client(&base);
    let err = c.lookup(&code).await.unwrap_err();
    assert_eq!(err.code(), "registry.failed");
    assert!(err.to_string().contains("HTTP 500"), "{err}");
    script(
        &s,
        &format!("usr/{COMPANY}"),
        vec![(400, json!({"code": "Bad Request"}), None)],
    );
    assert_eq!(c.lookup(&code).await.unwrap_err().code(), "registry.failed");
    script(
        &s,
        &format!("usr/{COMPANY}"),
        vec![(200, json!(["not", "an", "object"]), None)],
    );
    assert_eq!(c.lookup(&code).await.unwrap_err().code(), "registry.failed");
    // The record is fine, the VAT register fails: found, VAT status unknown with the reason.
    script(
        &s,
        &format!("usr/{COMPANY}"),
        vec![(200, company_body(), None)],
    );
    script(&s, &format!("vat/{COMPANY}"), vec![(503, json!({}), None)]);
    let RegistryAnswer::Found(r) = c.lookup(&code).await.unwrap() else {
        panic!("found expected")
    };
    assert_eq!(r.vat, None);
    assert!(
        matches!(&r.vat_unknown, Some(VatUnknown::Failed { reason }) if reason.contains("HTTP 503")),
        "{:?}",
        r.vat_unknown
    );
    // A 200 without a 12-digit number is not a payer's number.
    c.forget(&code);
    script(
        &s,
        &format!("vat/{COMPANY}"),
        vec![(200, json!({"code": "12345"}), None)],
    );
    let RegistryAnswer::Found(r) = c.lookup(&code).await.unwrap() else {
        panic!("found expected")
    };
    assert_eq!(r.vat, None);
    assert!(matches!(r.vat_unknown, Some(VatUnknown::Failed { .. })));
    // A closed port: failed, quickly.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let (c, _) = client(&format!("http://{closed}"));
    let err = c.lookup(&code).await.unwrap_err();
    assert_eq!(
        err,
        RegistryError::Failed("YouScore connection failed".into())
    );
}

#[tokio::test]
async fn vat_lookup_can_be_switched_off() {
    let (base, s) = server().await;
    script(
        &s,
        &format!("usr/{COMPANY}"),
        vec![(200, company_body(), None)],
    );
    let c = client_with(&base, TestClock::new(), |mut c| {
        c.lookup_vat = false;
        c
    });
    let RegistryAnswer::Found(r) = c.lookup(&COMPANY.parse().unwrap()).await.unwrap() else {
        panic!("found expected")
    };
    assert_eq!(r.vat, None);
    assert_eq!(r.vat_unknown, Some(VatUnknown::NotAsked));
    assert_eq!(paths(&s), vec!["/v1/usr/14360570"]);
}
