//! The adapter against a local HTTP server in this process that implements the documented Vchasno
//! API v2 endpoints (request shapes asserted, answers as documented). Never the internet.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use billing_core::ports::{ActUpload, Vchasno, VchasnoPortError, VchasnoStatus};
use billing_core::{ErrorCode, TaxId};
use billing_vchasno::{AmountUnit, RnokppCheck, VchasnoClient, VchasnoConfig};
use chrono::NaiveDate;
use secrecy::SecretString;
use serde_json::{json, Value};

const TOKEN: &str = "tok-123";

/// An uploaded document as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    query: HashMap<String, String>,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

#[derive(Default)]
struct Fake {
    /// ЄДРПОУ/РНОКПП -> name.
    registered: BTreeMap<String, String>,
    /// id -> (upload, status code).
    documents: BTreeMap<String, (Seen, u32)>,
    /// Answer 429 this many times, with this Retry-After.
    throttle: Option<(u32, Option<u64>)>,
    /// Answer 500.
    fail: bool,
    /// Delay every answer.
    delay: Option<Duration>,
    /// Requests seen: (path, body JSON).
    log: Vec<(String, Value)>,
    /// How many check requests arrived.
    checks: u32,
}

type Shared = Arc<Mutex<Fake>>;

fn lock(s: &Shared) -> std::sync::MutexGuard<'_, Fake> {
    s.lock().unwrap()
}

/// The checks every request passes: the token without `Bearer`.
async fn gate(s: &Shared, headers: &HeaderMap) -> Option<Response> {
    let delay = lock(s).delay;
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(TOKEN) {
        return Some(
            (
                StatusCode::UNAUTHORIZED,
                Json(json!({"reason": "bad token"})),
            )
                .into_response(),
        );
    }
    let mut f = lock(s);
    if f.fail {
        return Some((StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response());
    }
    if let Some((n, after)) = f.throttle {
        if n > 0 {
            f.throttle = Some((n - 1, after));
            let mut r = (StatusCode::TOO_MANY_REQUESTS, "slow down").into_response();
            if let Some(a) = after {
                r.headers_mut()
                    .insert("retry-after", a.to_string().parse().unwrap());
            }
            return Some(r);
        }
    }
    None
}

fn json_content(headers: &HeaderMap) -> bool {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

async fn check_company(State(s): State<Shared>, headers: HeaderMap, body: String) -> Response {
    if let Some(r) = gate(&s, &headers).await {
        return r;
    }
    assert!(json_content(&headers), "JSON body expected");
    let v: Value = serde_json::from_str(&body).unwrap();
    let mut f = lock(&s);
    f.checks += 1;
    f.log.push(("/api/v2/check/company".into(), v.clone()));
    let Some(code) = v.get("edrpou").and_then(Value::as_str) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"reason": "edrpou required"})),
        )
            .into_response();
    };
    assert_eq!(v.as_object().unwrap().len(), 1, "only `edrpou` is sent");
    let name = f.registered.get(code).cloned();
    Json(json!({"edrpou": code, "name": name, "is_registered": name.is_some()})).into_response()
}

async fn upload(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    mut multipart: Multipart,
) -> Response {
    if let Some(r) = gate(&s, &headers).await {
        return r;
    }
    let mut seen = None;
    while let Some(field) = multipart.next_field().await.unwrap() {
        assert_eq!(field.name(), Some("file"), "the multipart field is `file`");
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let bytes = field.bytes().await.unwrap().to_vec();
        seen = Some(Seen {
            query: query.clone(),
            file_name,
            content_type,
            bytes,
        });
    }
    let Some(seen) = seen else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"reason": "file required"})),
        )
            .into_response();
    };
    let mut f = lock(&s);
    let id = format!("e1c3-{:04}", f.documents.len() + 1);
    f.documents.insert(id.clone(), (seen, 7000));
    Json(json!({"documents": [{"id": id, "status": 7000, "category": 1, "title": query.get("title")}]}))
        .into_response()
}

async fn statuses(State(s): State<Shared>, headers: HeaderMap, body: String) -> Response {
    if let Some(r) = gate(&s, &headers).await {
        return r;
    }
    assert!(json_content(&headers), "JSON body expected");
    let v: Value = serde_json::from_str(&body).unwrap();
    let ids = v["document_ids"].as_array().expect("document_ids").clone();
    assert!(ids.len() <= 500, "at most 500 ids per request");
    let mut f = lock(&s);
    f.log.push(("/api/v2/documents/statuses".into(), v.clone()));
    let data: Vec<Value> = ids
        .iter()
        .filter_map(|id| {
            let id = id.as_str()?;
            let (_, code) = f.documents.get(id)?;
            Some(json!({"document_id": id, "status_id": code, "status_text": "…"}))
        })
        .collect();
    Json(json!({ "data_list": data })).into_response()
}

async fn server() -> (String, Shared) {
    let state: Shared = Arc::default();
    let app = Router::new()
        .route("/api/v2/check/company", post(check_company))
        .route("/api/v2/documents", post(upload))
        .route("/api/v2/documents/statuses", post(statuses))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), state)
}

fn client(base: &str) -> VchasnoClient {
    client_with(base, |c| c)
}

fn client_with(base: &str, f: impl FnOnce(VchasnoConfig) -> VchasnoConfig) -> VchasnoClient {
    let config = VchasnoConfig::new(SecretString::from(TOKEN))
        .with_base_url(base)
        .with_request_timeout(Duration::from_secs(5));
    VchasnoClient::new(f(config)).unwrap()
}

fn act(recipient: &str) -> ActUpload {
    ActUpload {
        recipient: recipient.parse().unwrap(),
        recipient_email: Some("olena@shop.ua".into()),
        title: "Акт наданих послуг № A-11111-2026-10 від 31 жовтня 2026 р.".into(),
        number: "A-11111-2026-10".into(),
        date: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
        amount: "1200.50".parse().unwrap(),
        file_name: "act-A-11111-2026-10.pdf".into(),
        pdf: b"%PDF-1.7 test bytes".to_vec(),
    }
}

#[tokio::test]
async fn company_check_sends_the_code_and_reads_the_answer() {
    let (base, s) = server().await;
    lock(&s)
        .registered
        .insert("14360570".into(), "ТОВ «Приклад»".into());
    let c = client(&base);
    let yes = c.check_company(&"14360570".parse().unwrap()).await.unwrap();
    assert!(yes.registered);
    assert_eq!(yes.name.as_deref(), Some("ТОВ «Приклад»"));
    let no = c.check_company(&"32855961".parse().unwrap()).await.unwrap();
    assert!(!no.registered);
    assert_eq!(no.name, None);
    let log = lock(&s).log.clone();
    assert_eq!(
        log[0],
        (
            "/api/v2/check/company".into(),
            json!({"edrpou": "14360570"})
        )
    );
}

#[tokio::test]
async fn rnokpp_check_is_a_setting() {
    let (base, s) = server().await;
    let fop: TaxId = "3652504575".parse().unwrap();
    let asked = client(&base).check_company(&fop).await.unwrap();
    assert!(!asked.registered);
    assert_eq!(lock(&s).checks, 1);
    let assumed = client_with(&base, |mut c| {
        c.rnokpp_check = RnokppCheck::AssumeRegistered;
        c
    })
    .check_company(&fop)
    .await
    .unwrap();
    assert!(assumed.registered);
    assert_eq!(lock(&s).checks, 1, "AssumeRegistered does not ask");
}

#[tokio::test]
async fn upload_sends_the_act_as_documented() {
    let (base, s) = server().await;
    let id = client(&base).upload_act(&act("14360570")).await.unwrap();
    let f = lock(&s);
    let (seen, _) = f.documents.get(&id).expect("uploaded");
    let q = &seen.query;
    assert_eq!(q["edrpou"], "14360570");
    assert_eq!(q["category"], "1");
    assert_eq!(q["email"], "olena@shop.ua");
    assert_eq!(
        q["title"],
        "Акт наданих послуг № A-11111-2026-10 від 31 жовтня 2026 р."
    );
    assert_eq!(q["number"], "A-11111-2026-10");
    assert_eq!(q["date"], "2026-10-31");
    assert_eq!(q["amount"], "120050", "kopiyky by default");
    assert_eq!(seen.file_name.as_deref(), Some("act-A-11111-2026-10.pdf"));
    assert_eq!(seen.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(seen.bytes, b"%PDF-1.7 test bytes");
}

#[tokio::test]
async fn upload_settings_change_amount_and_extras() {
    let (base, s) = server().await;
    let hryvnias = client_with(&base, |mut c| {
        c.amount_unit = AmountUnit::Hryvnias;
        c
    });
    let id = hryvnias.upload_act(&act("3652504575")).await.unwrap();
    assert_eq!(lock(&s).documents[&id].0.query["amount"], "1200.50");
    assert_eq!(lock(&s).documents[&id].0.query["edrpou"], "3652504575");
    let bare = client_with(&base, |mut c| {
        c.upload_info_in_query = false;
        c
    });
    let id = bare.upload_act(&act("14360570")).await.unwrap();
    let q = lock(&s).documents[&id].0.query.clone();
    assert!(!q.contains_key("amount") && !q.contains_key("number") && !q.contains_key("date"));
    assert_eq!(q["category"], "1");
}

#[tokio::test]
async fn statuses_are_read_in_batches_of_500() {
    let (base, s) = server().await;
    let c = client(&base);
    let a = c.upload_act(&act("14360570")).await.unwrap();
    let b = c.upload_act(&act("14360570")).await.unwrap();
    {
        let mut f = lock(&s);
        f.documents.get_mut(&a).unwrap().1 = 7008;
        f.documents.get_mut(&b).unwrap().1 = 7006;
        // An unknown status code: left out, never guessed.
        let seen = f.documents[&a].0.clone();
        f.documents.insert("odd".into(), (seen, 7999));
    }
    let mut ids: Vec<String> = (0..600).map(|i| format!("missing-{i}")).collect();
    ids.push(a.clone());
    ids.push(b.clone());
    ids.push("odd".into());
    let got = c.statuses(&ids).await.unwrap();
    assert_eq!(
        got,
        vec![
            (a, VchasnoStatus::SignedByBoth),
            (b, VchasnoStatus::Rejected)
        ]
    );
    let batches: Vec<usize> = lock(&s)
        .log
        .iter()
        .filter(|(p, _)| p == "/api/v2/documents/statuses")
        .map(|(_, v)| v["document_ids"].as_array().unwrap().len())
        .collect();
    assert_eq!(batches, vec![500, 103]);
}

#[tokio::test]
async fn a_short_429_is_retried_after_its_delay() {
    let (base, s) = server().await;
    lock(&s)
        .registered
        .insert("14360570".into(), "ТОВ «Приклад»".into());
    lock(&s).throttle = Some((1, Some(1)));
    let started = Instant::now();
    let ok = client(&base)
        .check_company(&"14360570".parse().unwrap())
        .await
        .unwrap();
    assert!(ok.registered);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
}

#[tokio::test]
async fn a_long_429_is_returned_with_its_delay() {
    let (base, s) = server().await;
    lock(&s).throttle = Some((5, Some(120)));
    let err = client(&base)
        .check_company(&"14360570".parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        VchasnoPortError::RateLimited {
            retry_after_secs: Some(120)
        }
    );
    assert_eq!(err.code(), "vchasno.rate_limited");
    assert_eq!(
        lock(&s).throttle,
        Some((4, Some(120))),
        "no retry beyond the wait limit"
    );
}

#[tokio::test]
async fn errors_map_to_the_ports_errors() {
    let (base, s) = server().await;
    let code: TaxId = "14360570".parse().unwrap();
    let bad_token = VchasnoClient::new(
        VchasnoConfig::new(SecretString::from("Bearer tok-123")).with_base_url(&base),
    )
    .unwrap();
    assert_eq!(
        bad_token.check_company(&code).await.unwrap_err(),
        VchasnoPortError::Unauthorized
    );
    lock(&s).fail = true;
    let err = client(&base).check_company(&code).await.unwrap_err();
    assert_eq!(err.code(), "vchasno.unreachable");
    lock(&s).fail = false;
    lock(&s).delay = Some(Duration::from_millis(1500));
    let slow = client_with(&base, |c| {
        c.with_request_timeout(Duration::from_millis(300))
    });
    let err = slow.check_company(&code).await.unwrap_err();
    assert_eq!(err, VchasnoPortError::Unreachable("timed out".into()));
    lock(&s).delay = None;
    // Nothing listens on this port once the listener is dropped.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let err = client(&format!("http://{closed}"))
        .check_company(&code)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "vchasno.unreachable");
}

#[tokio::test]
async fn a_refused_request_is_rejected_with_the_reason() {
    let (base, _s) = server().await;
    // The statuses endpoint of a server that does not exist at this path: 404.
    let c = client_with(&format!("{base}/nowhere"), |c| c);
    let err = c.statuses(&["x".into()]).await.unwrap_err();
    assert!(
        matches!(&err, VchasnoPortError::Rejected(m) if m.starts_with("HTTP 404")),
        "{err:?}"
    );
}
