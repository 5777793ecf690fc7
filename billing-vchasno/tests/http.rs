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
    /// The list's page size, whatever `limit` asks (a server may cap it).
    page_size: Option<usize>,
    /// The list answers this cursor on every page (a broken server).
    stuck_cursor: bool,
    /// The list answers this body instead of the documents.
    list_body: Option<String>,
    /// The query of each list request.
    lists: Vec<HashMap<String, String>>,
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

/// `GET /api/v2/documents`: the documents of a recipient, filtered and paged with a cursor.
async fn list(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = gate(&s, &headers).await {
        return r;
    }
    let date = |k: &str| {
        query
            .get(k)
            .map(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").expect("dates are YYYY-MM-DD"))
    };
    let (from, to) = (date("date_from"), date("date_to"));
    let limit: usize = query
        .get("limit")
        .map(|l| l.parse().expect("limit is a number"))
        .unwrap_or(50);
    let offset: usize = match query.get("cursor") {
        Some(c) => c
            .strip_prefix("cur-")
            .and_then(|n| n.parse().ok())
            .expect("a cursor this server gave"),
        None => 0,
    };
    let mut f = lock(&s);
    f.lists.push(query.clone());
    if let Some(body) = &f.list_body {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            body.clone(),
        )
            .into_response();
    }
    let size = f.page_size.map_or(limit, |p| p.min(limit));
    let matching: Vec<Value> = f
        .documents
        .iter()
        .filter(|(_, (seen, _))| {
            let q = &seen.query;
            let doc_date = q
                .get("date")
                .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
            query
                .get("edrpou")
                .is_none_or(|e| q.get("edrpou") == Some(e))
                && query
                    .get("category")
                    .is_none_or(|c| q.get("category") == Some(c))
                && doc_date.is_none_or(|d| from.is_none_or(|f| f <= d) && to.is_none_or(|t| d <= t))
        })
        .map(|(id, (seen, status))| {
            json!({
                "id": id,
                "title": seen.query.get("title"),
                "number": seen.query.get("number"),
                "date": seen.query.get("date"),
                "status": status,
                "status_text": "…",
                "category": 1,
            })
        })
        .collect();
    let page: Vec<Value> = matching.iter().skip(offset).take(size).cloned().collect();
    let next = if f.stuck_cursor {
        Some("cur-0".to_string())
    } else {
        (offset + size < matching.len()).then(|| format!("cur-{}", offset + size))
    };
    Json(json!({"documents": page, "next_cursor": next})).into_response()
}

async fn server() -> (String, Shared) {
    let state: Shared = Arc::default();
    let app = Router::new()
        .route("/api/v2/check/company", post(check_company))
        .route("/api/v2/documents", post(upload).get(list))
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

// --- Finding an act already uploaded (the list endpoint) ---

/// Puts a document on the server as if uploaded earlier (another act, another recipient, ...).
fn put(s: &Shared, id: &str, edrpou: &str, number: Option<&str>, date: &str, status: u32) {
    let mut query: HashMap<String, String> =
        [("edrpou", edrpou), ("category", "1"), ("date", date)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    if let Some(n) = number {
        query.insert("number".into(), n.into());
    }
    let seen = Seen {
        query,
        file_name: None,
        content_type: None,
        bytes: Vec::new(),
    };
    lock(s).documents.insert(id.into(), (seen, status));
}

fn october() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 31).unwrap()
}

#[tokio::test]
async fn find_act_finds_the_uploaded_act_by_its_number() {
    let (base, s) = server().await;
    let c = client(&base);
    let buyer: TaxId = "14360570".parse().unwrap();
    let id = c.upload_act(&act("14360570")).await.unwrap();
    let found = c
        .find_act(&buyer, "A-11111-2026-10", october())
        .await
        .unwrap();
    assert_eq!(found, Some(id));
    let q = lock(&s).lists[0].clone();
    assert_eq!(q["edrpou"], "14360570");
    assert_eq!(q["category"], "1");
    assert_eq!(
        q["date_from"], "2026-09-30",
        "31 days before the act's date"
    );
    assert_eq!(q["date_to"], "2027-11-01", "366 days after it");
    assert_eq!(q["limit"], "100");
    assert!(!q.contains_key("cursor") && !q.contains_key("status"));
}

#[tokio::test]
async fn find_act_matches_the_number_exactly_and_the_recipient() {
    let (base, s) = server().await;
    let c = client(&base);
    let buyer: TaxId = "14360570".parse().unwrap();
    // Nothing on the server.
    assert_eq!(
        c.find_act(&buyer, "A-11111-2026-10", october())
            .await
            .unwrap(),
        None
    );
    // Near misses: a number that is a prefix, one with a space, another recipient's act of the
    // same number, a document with no number, the same number far outside the window.
    put(
        &s,
        "d-1",
        "14360570",
        Some("A-11111-2026-1"),
        "2026-10-31",
        7000,
    );
    put(
        &s,
        "d-2",
        "14360570",
        Some("A-11111-2026-10 "),
        "2026-10-31",
        7000,
    );
    put(
        &s,
        "d-3",
        "32855961",
        Some("A-11111-2026-10"),
        "2026-10-31",
        7000,
    );
    put(&s, "d-4", "14360570", None, "2026-10-31", 7000);
    put(
        &s,
        "d-5",
        "14360570",
        Some("A-11111-2026-10"),
        "2024-10-31",
        7000,
    );
    assert_eq!(
        c.find_act(&buyer, "A-11111-2026-10", october())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        c.find_act(&buyer, "A-11111-2026-1", october())
            .await
            .unwrap(),
        Some("d-1".into())
    );
    // With the number left out of the upload, the act cannot be found (documented).
    let bare = client_with(&base, |mut c| {
        c.upload_info_in_query = false;
        c
    });
    bare.upload_act(&act("3652504575")).await.unwrap();
    assert_eq!(
        bare.find_act(&"3652504575".parse().unwrap(), "A-11111-2026-10", october())
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn find_act_follows_the_cursor_through_every_page() {
    let (base, s) = server().await;
    lock(&s).page_size = Some(2);
    for m in 1..=7 {
        let number = format!("A-11111-2026-{m:02}");
        put(
            &s,
            &format!("d-{m}"),
            "14360570",
            Some(&number),
            "2026-10-31",
            7008,
        );
    }
    let c = client(&base);
    let buyer: TaxId = "14360570".parse().unwrap();
    // The last document, on the fourth page of two.
    assert_eq!(
        c.find_act(&buyer, "A-11111-2026-07", october())
            .await
            .unwrap(),
        Some("d-7".into())
    );
    let cursors: Vec<Option<String>> = lock(&s)
        .lists
        .iter()
        .map(|q| q.get("cursor").cloned())
        .collect();
    assert_eq!(
        cursors,
        vec![
            None,
            Some("cur-2".into()),
            Some("cur-4".into()),
            Some("cur-6".into())
        ]
    );
    // Found on the first page: no more pages read.
    lock(&s).lists.clear();
    assert_eq!(
        c.find_act(&buyer, "A-11111-2026-02", october())
            .await
            .unwrap(),
        Some("d-2".into())
    );
    assert_eq!(lock(&s).lists.len(), 1);
    // Not found: every page read, then "none".
    lock(&s).lists.clear();
    assert_eq!(
        c.find_act(&buyer, "A-11111-2026-11", october())
            .await
            .unwrap(),
        None
    );
    assert_eq!(lock(&s).lists.len(), 4);
}

#[tokio::test]
async fn find_act_prefers_a_document_that_is_not_annulled() {
    let (base, s) = server().await;
    lock(&s).page_size = Some(1);
    let c = client(&base);
    let buyer: TaxId = "14360570".parse().unwrap();
    put(
        &s,
        "d-1",
        "14360570",
        Some("A-11111-2026-10"),
        "2026-10-31",
        7011,
    );
    // Only an annulled one: it is still Vchasno's document of this act.
    assert_eq!(
        c.find_act(&buyer, "A-11111-2026-10", october())
            .await
            .unwrap(),
        Some("d-1".into())
    );
    put(
        &s,
        "d-2",
        "14360570",
        Some("A-11111-2026-10"),
        "2026-10-31",
        7004,
    );
    assert_eq!(
        c.find_act(&buyer, "A-11111-2026-10", october())
            .await
            .unwrap(),
        Some("d-2".into())
    );
}

#[tokio::test]
async fn find_act_errors_map_to_the_ports_errors_never_to_not_found() {
    let (base, s) = server().await;
    let buyer: TaxId = "14360570".parse().unwrap();
    let find =
        |c: VchasnoClient| async move { c.find_act(&buyer, "A-11111-2026-10", october()).await };
    let bad_token = VchasnoClient::new(
        VchasnoConfig::new(SecretString::from("Bearer tok-123")).with_base_url(&base),
    )
    .unwrap();
    assert_eq!(
        find(bad_token).await.unwrap_err(),
        VchasnoPortError::Unauthorized
    );
    lock(&s).fail = true;
    assert_eq!(
        find(client(&base)).await.unwrap_err().code(),
        "vchasno.unreachable"
    );
    lock(&s).fail = false;
    lock(&s).throttle = Some((5, Some(120)));
    assert_eq!(
        find(client(&base)).await.unwrap_err(),
        VchasnoPortError::RateLimited {
            retry_after_secs: Some(120)
        }
    );
    lock(&s).throttle = None;
    // An answer that is not the documented shape.
    lock(&s).list_body = Some(r#"{"documents": "nope"}"#.into());
    let err = find(client(&base)).await.unwrap_err();
    assert!(matches!(err, VchasnoPortError::Rejected(_)), "{err:?}");
    lock(&s).list_body = None;
    // A server that repeats its cursor: an error, not an endless loop and not "none".
    put(
        &s,
        "d-1",
        "14360570",
        Some("A-11111-2026-09"),
        "2026-10-31",
        7000,
    );
    lock(&s).stuck_cursor = true;
    let err = find(client(&base)).await.unwrap_err();
    assert!(
        matches!(&err, VchasnoPortError::Rejected(m) if m.contains("repeated its cursor")),
        "{err:?}"
    );
    lock(&s).stuck_cursor = false;
    // More pages than the limit: an error.
    lock(&s).page_size = Some(1);
    for m in 1..=3 {
        put(
            &s,
            &format!("e-{m}"),
            "14360570",
            Some("other"),
            "2026-10-31",
            7000,
        );
    }
    let few_pages = client_with(&base, |mut c| {
        c.find_max_pages = 2;
        c
    });
    let err = find(few_pages).await.unwrap_err();
    assert!(
        matches!(&err, VchasnoPortError::Rejected(m) if m.contains("more than 2 pages")),
        "{err:?}"
    );
}
