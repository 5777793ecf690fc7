//! A local monobank acquiring server for tests (feature `fake-server`): it listens on
//! `127.0.0.1:0` inside the test process and speaks the documented protocol (paths, `X-Token`,
//! JSON field names, kopiyky, `errCode`/`errText`, `invoice/status` bodies, signed webhooks).
//!
//! It answers from its own JSON (never the adapter's types), keeps invoices and wallets, plays the
//! payer ([`FakeMonobank::pay`]), signs every webhook it would send with its P-256 key and keeps
//! them in an outbox for the test to deliver ([`FakeMonobank::take_webhooks`]), and injects faults:
//! scripted charge answers ([`ChargeBehaviour`]) and failures of any path ([`Fault`]).

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use billing_core::ports::Clock;
use chrono::{DateTime, SecondsFormat, Utc};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::{json, Value};

/// What the server does with the next `wallet/payment`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeBehaviour {
    /// Answers `processing`; the payment then succeeds (webhooks `processing`, `success`).
    Succeed,
    /// Answers `processing`; the bank then declines with this reason (webhooks `processing`,
    /// `failure`).
    Decline(String),
    /// Answers `failure` at once.
    DeclineNow(String),
    /// Answers `processing` with a `tdsUrl`: the payer must pass 3-D Secure.
    Require3ds,
    /// Charges the card (webhooks as for `Succeed`), then answers HTTP 500.
    SucceedThen500,
    /// Charges the card, then answers only after this delay (past the client's timeout).
    SucceedThenHang(Duration),
    /// Answers HTTP 500 without charging.
    FailBefore500,
}

/// A failure injected into the next request to a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 500 before anything is done.
    ServerError,
    /// HTTP 429 with `Retry-After`.
    RateLimited(u64),
    /// Does the work, then answers after the delay.
    Hang(Duration),
}

/// A webhook the server would have POSTed to `webHookUrl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// The invoice.
    pub invoice_id: String,
    /// Its status in this webhook.
    pub status: String,
    /// The headers (`Content-Type`, `X-Sign`).
    pub headers: Vec<(String, String)>,
    /// The raw body, exactly as signed.
    pub body: Vec<u8>,
}

/// A request the server received.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path (`/api/merchant/invoice/create`).
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The JSON body (`Null` when none).
    pub body: Value,
}

#[derive(Debug, Clone)]
struct CancelItem {
    status: String,
    amount: i64,
    ext_ref: Option<String>,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

#[derive(Debug, Clone)]
struct Invoice {
    id: String,
    amount: i64,
    status: String,
    reference: Option<String>,
    destination: Option<String>,
    validity: i64,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
    wallet_id: Option<String>,
    card_token: Option<String>,
    wallet_status: Option<String>,
    masked_pan: Option<String>,
    failure_reason: Option<String>,
    err_code: Option<String>,
    tds_url: Option<String>,
    cancel_list: Vec<CancelItem>,
}

struct State {
    token: String,
    key: SigningKey,
    key_version: u32,
    clock: Arc<dyn Clock>,
    base_url: String,
    invoices: BTreeMap<String, Invoice>,
    wallets: BTreeMap<String, Vec<(String, String)>>,
    next: u64,
    outbox: Vec<Webhook>,
    charges: VecDeque<ChargeBehaviour>,
    faults: VecDeque<(String, Fault)>,
    received: Vec<Received>,
    pubkey_fetches: usize,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn key_for(version: u32) -> SigningKey {
    // A fixed, valid scalar per version: deterministic tests, no randomness.
    let mut bytes = [0x11u8; 32];
    bytes[0] = 0x2a;
    bytes[31] = u8::try_from(version % 251).unwrap_or(0) + 1;
    SigningKey::from_slice(&bytes).expect("a valid P-256 scalar")
}

impl State {
    fn lock(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
        m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The next `modifiedDate` of an invoice: now, and always after its previous one.
    fn tick(&self, inv: &Invoice) -> DateTime<Utc> {
        let now = self.now();
        if now > inv.modified {
            now
        } else {
            inv.modified + chrono::Duration::seconds(1)
        }
    }

    fn status_json(inv: &Invoice) -> Value {
        let mut v = json!({
            "invoiceId": inv.id,
            "status": inv.status,
            "amount": inv.amount,
            "ccy": 980,
            "finalAmount": inv.amount - inv.cancel_list.iter().filter(|c| c.status == "success").map(|c| c.amount).sum::<i64>(),
            "createdDate": ts(inv.created),
            "modifiedDate": ts(inv.modified),
        });
        let o = v.as_object_mut().expect("an object");
        if let Some(r) = &inv.reference {
            o.insert("reference".into(), json!(r));
        }
        if let Some(d) = &inv.destination {
            o.insert("destination".into(), json!(d));
        }
        if let Some(r) = &inv.failure_reason {
            o.insert("failureReason".into(), json!(r));
        }
        if let Some(c) = &inv.err_code {
            o.insert("errCode".into(), json!(c));
        }
        if !inv.cancel_list.is_empty() {
            let list: Vec<Value> = inv
                .cancel_list
                .iter()
                .map(|c| {
                    json!({
                        "status": c.status, "amount": c.amount, "ccy": 980,
                        "createdDate": ts(c.created), "modifiedDate": ts(c.modified),
                        "approvalCode": "662476", "rrn": "060189181768",
                        "extRef": c.ext_ref,
                    })
                })
                .collect();
            o.insert("cancelList".into(), Value::Array(list));
        }
        if let Some(pan) = &inv.masked_pan {
            o.insert(
                "paymentInfo".into(),
                json!({"maskedPan": pan, "approvalCode": "662476", "rrn": "060189181768",
                       "tranId": format!("tr-{}", inv.id), "terminal": "MI001088",
                       "bank": "Універсал Банк", "paymentSystem": "visa",
                       "paymentMethod": if inv.wallet_id.is_some() && inv.card_token.is_some() && inv.validity == 0 { "wallet" } else { "pan" },
                       "fee": 0, "country": "804"}),
            );
        }
        if let (Some(w), Some(status)) = (&inv.wallet_id, &inv.wallet_status) {
            let mut wd = json!({"walletId": w, "status": status});
            if let Some(t) = &inv.card_token {
                wd["cardToken"] = json!(t);
            }
            o.insert("walletData".into(), wd);
        }
        if let Some(url) = &inv.tds_url {
            o.insert("tdsUrl".into(), json!(url));
        }
        v
    }

    fn sign(&self, body: &[u8]) -> String {
        let sig: DerSignature = self.key.sign(body);
        STANDARD.encode(sig.as_bytes())
    }

    /// Records the invoice's state change as a signed webhook in the outbox.
    fn webhook(&mut self, id: &str) {
        let Some(inv) = self.invoices.get(id) else {
            return;
        };
        let body = serde_json::to_vec_pretty(&Self::status_json(inv)).expect("JSON");
        let sign = self.sign(&body);
        let status = inv.status.clone();
        self.outbox.push(Webhook {
            invoice_id: id.to_string(),
            status,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("X-Sign".into(), sign),
            ],
            body,
        });
    }

    fn set_status(&mut self, id: &str, status: &str) {
        let Some(inv) = self.invoices.get(id) else {
            return;
        };
        let at = self.tick(inv);
        if let Some(inv) = self.invoices.get_mut(id) {
            inv.status = status.to_string();
            inv.modified = at;
        }
        self.webhook(id);
    }

    fn new_invoice(&mut self, amount: i64, body: &Value, validity: i64) -> Invoice {
        self.next += 1;
        let now = self.now();
        Invoice {
            id: format!("p2_fake{:05}", self.next),
            amount,
            status: "created".into(),
            reference: body["merchantPaymInfo"]["reference"]
                .as_str()
                .map(str::to_string),
            destination: body["merchantPaymInfo"]["destination"]
                .as_str()
                .map(str::to_string),
            validity,
            created: now,
            modified: now,
            wallet_id: None,
            card_token: None,
            wallet_status: None,
            masked_pan: None,
            failure_reason: None,
            err_code: None,
            tds_url: None,
            cancel_list: Vec::new(),
        }
    }

    /// The payer pays (or the bank charges) an invoice: `processing`, then `success`, the card saved
    /// to the wallet when asked.
    fn succeed(&mut self, id: &str, pan: &str) {
        self.set_status(id, "processing");
        self.next += 1;
        let n = self.next;
        let Some(inv) = self.invoices.get_mut(id) else {
            return;
        };
        inv.masked_pan = Some(pan.to_string());
        inv.tds_url = None;
        if let (Some(w), None) = (inv.wallet_id.clone(), inv.card_token.clone()) {
            let token = format!("card-token-{n:05}-secret");
            inv.card_token = Some(token.clone());
            inv.wallet_status = Some("created".into());
            self.wallets
                .entry(w)
                .or_default()
                .push((token, pan.to_string()));
        }
        self.set_status(id, "success");
    }

    fn decline(&mut self, id: &str, reason: &str) {
        self.set_status(id, "processing");
        if let Some(inv) = self.invoices.get_mut(id) {
            inv.failure_reason = Some(reason.to_string());
            inv.err_code = Some("59".into());
            if inv.wallet_status.is_some() {
                inv.wallet_status = Some("failed".into());
            }
        }
        self.set_status(id, "failure");
    }
}

fn error(status: StatusCode, code: &str, text: &str) -> Response {
    (
        status,
        [("content-type", "application/json")],
        json!({"errCode": code, "errText": text}).to_string(),
    )
        .into_response()
}

fn ok(v: Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn query_param(uri: &Uri, name: &str) -> Option<String> {
    uri.query()?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// The local monobank.
pub struct FakeMonobank {
    base_url: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeMonobank {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for FakeMonobank {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeMonobank")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl FakeMonobank {
    /// Starts the server on `127.0.0.1:0`; it accepts `token` as `X-Token` and dates its invoices
    /// by `clock`.
    pub async fn start(token: &str, clock: Arc<dyn Clock>) -> std::io::Result<FakeMonobank> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(Mutex::new(State {
            token: token.to_string(),
            key: key_for(1),
            key_version: 1,
            clock,
            base_url: base_url.clone(),
            invoices: BTreeMap::new(),
            wallets: BTreeMap::new(),
            next: 0,
            outbox: Vec::new(),
            charges: VecDeque::new(),
            faults: VecDeque::new(),
            received: Vec::new(),
            pubkey_fetches: 0,
        }));
        let shared = state.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = shared.clone();
                async move { handle(state, method, uri, headers, body).await }
            },
        );
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(FakeMonobank {
            base_url,
            state,
            task,
        })
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut State::lock(&self.state))
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// What `/pubkey` answers now: base64 of the PEM public key.
    pub fn public_key_base64(&self) -> String {
        self.with(|s| {
            let pem = s
                .key
                .verifying_key()
                .to_public_key_pem(LineEnding::LF)
                .expect("PEM");
            STANDARD.encode(pem.as_bytes())
        })
    }

    /// Signs a body with the current key (base64 DER, as `X-Sign`).
    pub fn sign(&self, body: &[u8]) -> String {
        self.with(|s| s.sign(body))
    }

    /// Rotates the webhook key (monobank may do so at any time).
    pub fn rotate_key(&self) {
        self.with(|s| {
            s.key_version += 1;
            s.key = key_for(s.key_version);
        });
    }

    /// How many times `/pubkey` was read.
    pub fn pubkey_fetches(&self) -> usize {
        self.with(|s| s.pubkey_fetches)
    }

    /// Queues answers for the next `wallet/payment` calls (default: [`ChargeBehaviour::Succeed`]).
    pub fn script_charges(&self, answers: impl IntoIterator<Item = ChargeBehaviour>) {
        self.with(|s| s.charges.extend(answers));
    }

    /// Injects a fault into the next request to `path`.
    pub fn fail_next(&self, path: &str, fault: Fault) {
        self.with(|s| s.faults.push_back((path.to_string(), fault)));
    }

    /// The webhooks sent since the last call, oldest first.
    pub fn take_webhooks(&self) -> Vec<Webhook> {
        self.with(|s| std::mem::take(&mut s.outbox))
    }

    /// The requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.with(|s| s.received.clone())
    }

    /// The requests received on a path.
    pub fn received_on(&self, path: &str) -> Vec<Received> {
        self.with(|s| {
            s.received
                .iter()
                .filter(|r| r.path == path)
                .cloned()
                .collect()
        })
    }

    /// An invoice's status.
    pub fn status_of(&self, invoice_id: &str) -> Option<String> {
        self.with(|s| s.invoices.get(invoice_id).map(|i| i.status.clone()))
    }

    /// The invoice whose page is at `page_url`.
    pub fn invoice_of_page(&self, page_url: &str) -> Option<String> {
        let id = page_url.rsplit('/').next()?.to_string();
        self.with(|s| s.invoices.contains_key(&id).then_some(id))
    }

    /// The invoices made for a `reference` (our attempt id), oldest first.
    pub fn invoices_for(&self, reference: &str) -> Vec<String> {
        self.with(|s| {
            s.invoices
                .values()
                .filter(|i| i.reference.as_deref() == Some(reference))
                .map(|i| i.id.clone())
                .collect()
        })
    }

    /// The cards saved in a wallet (tokens).
    pub fn wallet(&self, wallet_id: &str) -> Vec<String> {
        self.with(|s| {
            s.wallets
                .get(wallet_id)
                .map(|cards| cards.iter().map(|c| c.0.clone()).collect())
                .unwrap_or_default()
        })
    }

    /// The payer pays an invoice page (or passes its 3-D Secure) with a card. Refused unless the
    /// invoice is `created` (or awaits 3-D Secure); a page past its validity is still payable until
    /// [`FakeMonobank::expire_due`] marks it expired, as a payer who opened it in time may finish.
    pub fn pay(&self, invoice_id: &str, masked_pan: &str) -> Result<(), String> {
        self.with(|s| {
            let inv = s
                .invoices
                .get(invoice_id)
                .ok_or_else(|| format!("no invoice {invoice_id}"))?;
            let awaiting_3ds = inv.status == "processing" && inv.tds_url.is_some();
            if inv.status != "created" && !awaiting_3ds {
                return Err(format!("invoice {invoice_id} is {}", inv.status));
            }
            s.succeed(invoice_id, masked_pan);
            Ok(())
        })
    }

    /// The payer's bank declines a page payment.
    pub fn decline(&self, invoice_id: &str, reason: &str) -> Result<(), String> {
        self.with(|s| {
            let inv = s
                .invoices
                .get(invoice_id)
                .ok_or_else(|| format!("no invoice {invoice_id}"))?;
            if inv.status != "created" {
                return Err(format!("invoice {invoice_id} is {}", inv.status));
            }
            s.decline(invoice_id, reason);
            Ok(())
        })
    }

    /// Marks `expired` every unpaid invoice whose validity has passed; their ids.
    pub fn expire_due(&self) -> Vec<String> {
        self.with(|s| {
            let now = s.now();
            let due: Vec<String> = s
                .invoices
                .values()
                .filter(|i| {
                    i.status == "created"
                        && i.validity > 0
                        && i.created + chrono::Duration::seconds(i.validity) <= now
                })
                .map(|i| i.id.clone())
                .collect();
            for id in &due {
                s.set_status(id, "expired");
            }
            due
        })
    }
}

async fn handle(
    state: Arc<Mutex<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let json: Value = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    &format!("invalid json: {e}"),
                )
            }
        }
    };
    let (response, delay) = {
        let mut s = State::lock(&state);
        s.received.push(Received {
            method: method.to_string(),
            path: path.clone(),
            query: uri.query().map(str::to_string),
            body: json.clone(),
        });
        if headers.get("x-token").and_then(|v| v.to_str().ok()) != Some(s.token.as_str()) {
            return error(StatusCode::FORBIDDEN, "FORBIDDEN", "forbidden");
        }
        let fault = s
            .faults
            .iter()
            .position(|(p, _)| *p == path)
            .and_then(|i| s.faults.remove(i))
            .map(|(_, f)| f);
        match fault {
            Some(Fault::ServerError) => {
                return error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "INTERNAL_ERROR",
                    "internal error",
                )
            }
            Some(Fault::RateLimited(secs)) => {
                let mut r = error(StatusCode::TOO_MANY_REQUESTS, "TMR", "too many requests");
                if let Ok(v) = secs.to_string().parse() {
                    r.headers_mut().insert("retry-after", v);
                }
                return r;
            }
            Some(Fault::Hang(d)) => (route(&mut s, &method, &path, &uri, &json), Some(d)),
            None => {
                let charge = (path == "/api/merchant/wallet/payment")
                    .then(|| s.charges.front().cloned())
                    .flatten();
                match charge {
                    Some(ChargeBehaviour::SucceedThenHang(d)) => {
                        (route(&mut s, &method, &path, &uri, &json), Some(d))
                    }
                    _ => (route(&mut s, &method, &path, &uri, &json), None),
                }
            }
        }
    };
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    response
}

fn route(s: &mut State, method: &Method, path: &str, uri: &Uri, body: &Value) -> Response {
    match (method.as_str(), path) {
        ("POST", "/api/merchant/invoice/create") => create(s, body),
        ("GET", "/api/merchant/invoice/status") => {
            let Some(id) = query_param(uri, "invoiceId") else {
                return error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "invoiceId required");
            };
            match s.invoices.get(&id) {
                Some(inv) => ok(State::status_json(inv)),
                None => error(StatusCode::NOT_FOUND, "NOT_FOUND", "invoice not found"),
            }
        }
        ("POST", "/api/merchant/invoice/remove") => {
            let id = body["invoiceId"].as_str().unwrap_or_default().to_string();
            match s.invoices.get(&id).map(|i| i.status.clone()) {
                None => error(StatusCode::NOT_FOUND, "NOT_FOUND", "invoice not found"),
                Some(st) if st == "created" => {
                    s.set_status(&id, "expired");
                    ok(json!({}))
                }
                Some(_) => error(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    "invoice cannot be removed",
                ),
            }
        }
        ("POST", "/api/merchant/invoice/cancel") => cancel(s, body),
        ("POST", "/api/merchant/wallet/payment") => wallet_payment(s, body),
        ("GET", "/api/merchant/pubkey") => {
            s.pubkey_fetches += 1;
            let pem = s
                .key
                .verifying_key()
                .to_public_key_pem(LineEnding::LF)
                .expect("PEM");
            ok(json!({"key": STANDARD.encode(pem.as_bytes())}))
        }
        ("GET", "/api/merchant/statement") => {
            let Some(from) = query_param(uri, "from").and_then(|v| v.parse::<i64>().ok()) else {
                return error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "from required");
            };
            let to = query_param(uri, "to")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(i64::MAX);
            let list: Vec<Value> = s
                .invoices
                .values()
                .filter(|i| !matches!(i.status.as_str(), "created" | "expired"))
                .filter(|i| (from..=to).contains(&i.created.timestamp()))
                .map(|i| {
                    let mut v = json!({
                        "invoiceId": i.id, "status": i.status,
                        "maskedPan": i.masked_pan.clone().unwrap_or_default(),
                        "date": ts(i.created), "paymentScheme": "full",
                        "amount": i.amount, "profitAmount": i.amount, "ccy": 980,
                        "approvalCode": "662476", "rrn": "060189181768",
                    });
                    if let Some(r) = &i.reference {
                        v["reference"] = json!(r);
                    }
                    if !i.cancel_list.is_empty() {
                        v["cancelList"] = Value::Array(
                            i.cancel_list
                                .iter()
                                .map(|c| json!({"status": c.status, "amount": c.amount, "ccy": 980, "extRef": c.ext_ref}))
                                .collect(),
                        );
                    }
                    v
                })
                .collect();
            ok(json!({ "list": list }))
        }
        _ => error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such method"),
    }
}

/// The amount of a request in kopiyky, with its `ccy` checked; the refusal text otherwise.
fn checked_amount(body: &Value) -> Result<i64, &'static str> {
    match body.get("ccy") {
        None => {}
        Some(v) if v.as_i64() == Some(980) => {}
        Some(_) => return Err("unsupported ccy"),
    }
    match body["amount"].as_i64() {
        Some(a) if a > 0 => Ok(a),
        _ => Err("amount must be a positive integer of kopiyky"),
    }
}

fn create(s: &mut State, body: &Value) -> Response {
    let amount = match checked_amount(body) {
        Ok(a) => a,
        Err(text) => return error(StatusCode::BAD_REQUEST, "BAD_REQUEST", text),
    };
    let validity = body["validity"].as_i64().unwrap_or(86_400);
    if validity <= 0 {
        return error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "validity");
    }
    let mut inv = s.new_invoice(amount, body, validity);
    if body["saveCardData"]["saveCard"].as_bool() == Some(true) {
        inv.wallet_id = Some(
            body["saveCardData"]["walletId"]
                .as_str()
                .unwrap_or(&inv.id)
                .to_string(),
        );
        inv.wallet_status = Some("new".into());
    }
    let id = inv.id.clone();
    let page = format!("{}/pay/{}", s.base_url, id);
    s.invoices.insert(id.clone(), inv);
    ok(json!({"invoiceId": id, "pageUrl": page}))
}

fn wallet_payment(s: &mut State, body: &Value) -> Response {
    let amount = match checked_amount(body) {
        Ok(a) => a,
        Err(text) => return error(StatusCode::BAD_REQUEST, "BAD_REQUEST", text),
    };
    let kind = body["initiationKind"].as_str().unwrap_or_default();
    if kind != "merchant" && kind != "client" {
        return error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "initiationKind must be merchant or client",
        );
    }
    let token = body["cardToken"].as_str().unwrap_or_default().to_string();
    let card = s.wallets.iter().find_map(|(w, cards)| {
        cards
            .iter()
            .find(|c| c.0 == token)
            .map(|c| (w.clone(), c.1.clone()))
    });
    let Some((wallet, pan)) = card else {
        return error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "card not found");
    };
    let behaviour = s.charges.pop_front().unwrap_or(ChargeBehaviour::Succeed);
    if behaviour == ChargeBehaviour::FailBefore500 {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "internal error",
        );
    }
    let mut inv = s.new_invoice(amount, body, 0);
    inv.wallet_id = Some(wallet);
    inv.card_token = Some(token);
    inv.masked_pan = Some(pan.clone());
    let id = inv.id.clone();
    s.invoices.insert(id.clone(), inv);
    match &behaviour {
        ChargeBehaviour::Succeed
        | ChargeBehaviour::SucceedThen500
        | ChargeBehaviour::SucceedThenHang(_) => s.succeed(&id, &pan),
        ChargeBehaviour::Decline(reason) => s.decline(&id, reason),
        ChargeBehaviour::DeclineNow(reason) => s.decline(&id, reason),
        ChargeBehaviour::Require3ds => {
            let url = format!("{}/3ds/{}", s.base_url, id);
            if let Some(inv) = s.invoices.get_mut(&id) {
                inv.tds_url = Some(url);
            }
            s.set_status(&id, "processing");
        }
        ChargeBehaviour::FailBefore500 => {}
    }
    if behaviour == ChargeBehaviour::SucceedThen500 {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "internal error",
        );
    }
    let inv = &s.invoices[&id];
    // The synchronous answer: `processing` (the result follows by webhook) unless declined at once.
    let status = match &behaviour {
        ChargeBehaviour::DeclineNow(_) => "failure",
        _ => "processing",
    };
    let mut v = json!({
        "invoiceId": id, "status": status, "amount": amount, "ccy": 980,
        "createdDate": ts(inv.created), "modifiedDate": ts(inv.created),
    });
    if let ChargeBehaviour::DeclineNow(reason) = &behaviour {
        v["failureReason"] = json!(reason);
        v["modifiedDate"] = json!(ts(inv.modified));
    }
    if let Some(url) = &inv.tds_url {
        v["tdsUrl"] = json!(url);
    }
    ok(v)
}

fn cancel(s: &mut State, body: &Value) -> Response {
    let id = body["invoiceId"].as_str().unwrap_or_default().to_string();
    let Some(inv) = s.invoices.get(&id).cloned() else {
        return error(StatusCode::NOT_FOUND, "NOT_FOUND", "invoice not found");
    };
    if inv.status != "success" && inv.status != "hold" {
        return error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "only a paid invoice can be cancelled",
        );
    }
    let ext_ref = body["extRef"].as_str().map(str::to_string);
    if ext_ref.is_some()
        && inv
            .cancel_list
            .iter()
            .any(|c| c.ext_ref == ext_ref && c.status != "failure")
    {
        return error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "extRef already used",
        );
    }
    let done: i64 = inv
        .cancel_list
        .iter()
        .filter(|c| c.status == "success")
        .map(|c| c.amount)
        .sum();
    let left = inv.amount - done;
    let amount = body["amount"].as_i64().unwrap_or(left);
    if amount <= 0 || amount > left {
        return error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "amount exceeds what is left",
        );
    }
    let at = s.tick(&inv);
    let inv = s.invoices.get_mut(&id).expect("present");
    inv.cancel_list.push(CancelItem {
        status: "success".into(),
        amount,
        ext_ref,
        created: at,
        modified: at,
    });
    inv.modified = at;
    if amount == left {
        inv.status = "reversed".into();
    }
    s.webhook(&id);
    ok(json!({"status": "success", "createdDate": ts(at), "modifiedDate": ts(at)}))
}
