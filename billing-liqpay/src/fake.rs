//! A local LiqPay for tests (feature `fake-server`): it listens on `127.0.0.1:0` in the test
//! process and speaks the server API (`POST /api/request`, a form with `data` and `signature`,
//! actions `status`, `paytoken`, `refund`), checks every request's signature with the configured
//! version's hash, plays the payer on signed checkout links ([`FakeLiqPay::pay_checkout`]), and
//! keeps the callbacks it would post to `server_url` (signed forms) in an outbox.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use billing_core::ports::Clock;
use chrono::NaiveDateTime;
use serde_json::{json, Value};

use crate::signature::{self, ApiVersion};

/// What the server does with the next `paytoken`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeBehaviour {
    /// The charge succeeds at once.
    Succeed,
    /// The bank declines (`failure` with this `err_description`).
    Decline(String),
    /// The bank asks for 3-D Secure (`3ds_verify` with `redirect_to`).
    Require3ds,
    /// Charges, then answers HTTP 500.
    SucceedThen500,
    /// Charges, then answers after the delay.
    SucceedThenHang(Duration),
    /// HTTP 500 without charging.
    FailBefore500,
}

/// A callback LiqPay would have posted to `server_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// The order.
    pub order_id: String,
    /// The status in this callback.
    pub status: String,
    /// The headers.
    pub headers: Vec<(String, String)>,
    /// The raw form body (`data=…&signature=…`).
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
struct Payment {
    order_id: String,
    payment_id: u64,
    action: String,
    amount: i64,
    status: String,
    card_token: Option<String>,
    mask: String,
    created_ms: i64,
    end_ms: i64,
    refunded: i64,
    err: Option<(String, String)>,
    redirect_to: Option<String>,
}

struct State {
    public_key: String,
    private_key: String,
    version: ApiVersion,
    clock: Arc<dyn Clock>,
    base_url: String,
    payments: BTreeMap<String, Payment>,
    cards: BTreeMap<String, String>,
    next: u64,
    outbox: Vec<Callback>,
    charges: VecDeque<ChargeBehaviour>,
    received: Vec<Value>,
}

fn kop_text(k: i64) -> String {
    format!("{}.{:02}", k / 100, k % 100)
}

/// A decimal number as LiqPay writes amounts (`309.68`).
fn number(k: i64) -> Value {
    serde_json::from_str(&kop_text(k)).unwrap_or(Value::Null)
}

fn kopiyky(v: &Value) -> Option<i64> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let (whole, frac) = text.split_once('.').unwrap_or((&text, "0"));
    let frac = format!("{frac:0<2}");
    Some(whole.parse::<i64>().ok()? * 100 + frac.get(..2)?.parse::<i64>().ok()?)
}

impl State {
    fn lock(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
        m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The next event time of a payment, after its previous one.
    fn tick(&self, p: &Payment) -> i64 {
        self.clock.now().timestamp_millis().max(p.end_ms + 1000)
    }

    fn json(&self, p: &Payment) -> Value {
        let mut v = json!({
            "public_key": self.public_key, "version": self.version.number(),
            "action": p.action, "payment_id": p.payment_id, "status": p.status,
            "type": "buy", "paytype": "card", "order_id": p.order_id,
            "liqpay_order_id": format!("LP{:08}", p.payment_id),
            "amount": number(p.amount), "currency": "UAH",
            "sender_card_mask2": p.mask, "create_date": p.created_ms, "end_date": p.end_ms,
        });
        if let Some(t) = &p.card_token {
            v["card_token"] = json!(t);
        }
        if p.refunded > 0 {
            v["refund_amount"] = number(p.refunded);
        }
        if let Some((code, text)) = &p.err {
            v["err_code"] = json!(code);
            v["err_description"] = json!(text);
        }
        if let Some(url) = &p.redirect_to {
            v["redirect_to"] = json!(url);
        }
        v
    }

    fn set_status(&mut self, order: &str, status: &str) {
        let Some(p) = self.payments.get(order) else {
            return;
        };
        let at = self.tick(p);
        if let Some(p) = self.payments.get_mut(order) {
            p.status = status.to_string();
            p.end_ms = at;
        }
        self.callback(order);
    }

    fn callback(&mut self, order: &str) {
        let Some(p) = self.payments.get(order) else {
            return;
        };
        let data = signature::encode_data(&self.json(p));
        let sig = signature::sign(&self.private_key, &data, self.version);
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("data", &data)
            .append_pair("signature", &sig)
            .finish();
        let status = p.status.clone();
        self.outbox.push(Callback {
            order_id: order.to_string(),
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            body: body.into_bytes(),
        });
    }

    fn new_payment(&mut self, order: &str, action: &str, amount: i64, mask: &str) {
        self.next += 1;
        let now = self.clock.now().timestamp_millis();
        self.payments.insert(
            order.to_string(),
            Payment {
                order_id: order.to_string(),
                payment_id: 1_000_000 + self.next,
                action: action.to_string(),
                amount,
                status: "prepared".into(),
                card_token: None,
                mask: mask.to_string(),
                created_ms: now,
                end_ms: now,
                refunded: 0,
                err: None,
                redirect_to: None,
            },
        );
    }

    /// Reads and checks a signed envelope; the JSON inside.
    fn open(&self, data: &str, sig: &str) -> Result<Value, &'static str> {
        if !signature::verify(&self.private_key, data, sig, self.version) {
            return Err("invalid_signature");
        }
        let raw = STANDARD.decode(data).map_err(|_| "invalid_data")?;
        let v: Value = serde_json::from_slice(&raw).map_err(|_| "invalid_data")?;
        if v["public_key"] != self.public_key {
            return Err("public_key_not_found");
        }
        if v["version"].as_u64() != Some(u64::from(self.version.number())) {
            return Err("invalid_version");
        }
        Ok(v)
    }
}

fn answer(v: Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn refusal(code: &str) -> Response {
    answer(json!({"result": "error", "status": "error", "err_code": code, "err_description": code}))
}

/// The local LiqPay.
pub struct FakeLiqPay {
    base_url: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeLiqPay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for FakeLiqPay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeLiqPay")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl FakeLiqPay {
    /// Starts the server for a merchant (keys and API version), dating payments by `clock`.
    pub async fn start(
        public_key: &str,
        private_key: &str,
        version: ApiVersion,
        clock: Arc<dyn Clock>,
    ) -> std::io::Result<FakeLiqPay> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(Mutex::new(State {
            public_key: public_key.to_string(),
            private_key: private_key.to_string(),
            version,
            clock,
            base_url: base_url.clone(),
            payments: BTreeMap::new(),
            cards: BTreeMap::new(),
            next: 0,
            outbox: Vec::new(),
            charges: VecDeque::new(),
            received: Vec::new(),
        }));
        let shared = state.clone();
        let app = axum::Router::new().route(
            "/api/request",
            axum::routing::post(move |body: Bytes| {
                let state = shared.clone();
                async move { handle(state, body).await }
            }),
        );
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(FakeLiqPay {
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

    /// Queues answers for the next `paytoken` calls (default: [`ChargeBehaviour::Succeed`]).
    pub fn script_charges(&self, answers: impl IntoIterator<Item = ChargeBehaviour>) {
        self.with(|s| s.charges.extend(answers));
    }

    /// The callbacks sent since the last call, oldest first.
    pub fn take_callbacks(&self) -> Vec<Callback> {
        self.with(|s| std::mem::take(&mut s.outbox))
    }

    /// The decoded requests received (`action`, `order_id`, ...), oldest first.
    pub fn received(&self) -> Vec<Value> {
        self.with(|s| s.received.clone())
    }

    /// The decoded requests of one action.
    pub fn received_action(&self, action: &str) -> Vec<Value> {
        self.with(|s| {
            s.received
                .iter()
                .filter(|v| v["action"] == action)
                .cloned()
                .collect()
        })
    }

    /// A payment's status.
    pub fn status_of(&self, order_id: &str) -> Option<String> {
        self.with(|s| s.payments.get(order_id).map(|p| p.status.clone()))
    }

    /// Decodes a checkout link's `data` after checking its signature: what the page would show.
    pub fn open_checkout(&self, url: &str) -> Result<Value, String> {
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let (mut data, mut sig) = (String::new(), String::new());
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match k.as_ref() {
                "data" => data = v.into_owned(),
                "signature" => sig = v.into_owned(),
                _ => {}
            }
        }
        self.with(|s| s.open(&data, &sig).map_err(str::to_string))
    }

    /// The payer pays a checkout link with a card: `processing`, then `success` (the card saved
    /// when the link asked with `recurringbytoken`). A payer who opened the page before its
    /// `expired_date` may finish after it; one who opens it later is refused.
    pub fn pay_checkout(
        &self,
        url: &str,
        mask: &str,
        opened_in_time: bool,
    ) -> Result<String, String> {
        let page = self.open_checkout(url)?;
        self.with(|s| {
            let order = page["order_id"].as_str().unwrap_or_default().to_string();
            if s.payments.contains_key(&order) {
                return Err(format!("order {order} is paid already"));
            }
            let expires = page["expired_date"]
                .as_str()
                .and_then(|d| NaiveDateTime::parse_from_str(d, "%Y-%m-%d %H:%M:%S").ok())
                .map(|d| d.and_utc());
            if !opened_in_time && expires.is_some_and(|e| e <= s.clock.now()) {
                return Err(format!("the link of {order} expired"));
            }
            let amount = kopiyky(&page["amount"]).ok_or("no amount")?;
            s.new_payment(&order, "pay", amount, mask);
            s.set_status(&order, "processing");
            if page["recurringbytoken"] == "1" {
                s.next += 1;
                let token = format!("lp-card-token-{:05}-secret", s.next);
                s.cards.insert(token.clone(), mask.to_string());
                if let Some(p) = s.payments.get_mut(&order) {
                    p.card_token = Some(token);
                }
            }
            s.set_status(&order, "success");
            Ok(order)
        })
    }

    /// The payer's bank declines a checkout payment.
    pub fn decline_checkout(&self, url: &str, reason: &str) -> Result<String, String> {
        let page = self.open_checkout(url)?;
        self.with(|s| {
            let order = page["order_id"].as_str().unwrap_or_default().to_string();
            let amount = kopiyky(&page["amount"]).ok_or("no amount")?;
            s.new_payment(&order, "pay", amount, "4441**1234");
            s.set_status(&order, "processing");
            if let Some(p) = s.payments.get_mut(&order) {
                p.err = Some(("limit".into(), reason.to_string()));
            }
            s.set_status(&order, "failure");
            Ok(order)
        })
    }
}

async fn handle(state: Arc<Mutex<State>>, body: Bytes) -> Response {
    let (response, delay) = {
        let mut s = State::lock(&state);
        let (mut data, mut sig) = (String::new(), String::new());
        for (k, v) in form_urlencoded::parse(&body) {
            match k.as_ref() {
                "data" => data = v.into_owned(),
                "signature" => sig = v.into_owned(),
                _ => {}
            }
        }
        let req = match s.open(&data, &sig) {
            Ok(v) => v,
            Err(code) => return refusal(code),
        };
        s.received.push(req.clone());
        let order = req["order_id"].as_str().unwrap_or_default().to_string();
        match req["action"].as_str().unwrap_or_default() {
            "status" => match s.payments.get(&order) {
                Some(p) => {
                    let mut v = s.json(p);
                    v["result"] = json!("ok");
                    (answer(v), None)
                }
                None => (
                    answer(
                        json!({"result": "error", "err_code": "payment_not_found", "err_description": "payment not found"}),
                    ),
                    None,
                ),
            },
            "paytoken" => paytoken(&mut s, &req, &order),
            "refund" => (refund(&mut s, &req, &order), None),
            _ => (refusal("unknown_action"), None),
        }
    };
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    response
}

fn paytoken(s: &mut State, req: &Value, order: &str) -> (Response, Option<Duration>) {
    let token = req["card_token"].as_str().unwrap_or_default();
    let Some(mask) = s.cards.get(token).cloned() else {
        return (refusal("card_token_invalid"), None);
    };
    if req["ip"].as_str().unwrap_or_default().is_empty() {
        return (refusal("ip_required"), None);
    }
    if order.is_empty() || s.payments.contains_key(order) {
        return (refusal("order_id_duplicate"), None);
    }
    if req["currency"] != "UAH" {
        return (refusal("currency_invalid"), None);
    }
    let Some(amount) = kopiyky(&req["amount"]).filter(|a| *a > 0) else {
        return (refusal("amount_invalid"), None);
    };
    let behaviour = s.charges.pop_front().unwrap_or(ChargeBehaviour::Succeed);
    if behaviour == ChargeBehaviour::FailBefore500 {
        return (StatusCode::INTERNAL_SERVER_ERROR.into_response(), None);
    }
    s.new_payment(order, "paytoken", amount, &mask);
    if let Some(p) = s.payments.get_mut(order) {
        p.card_token = Some(token.to_string());
    }
    match &behaviour {
        ChargeBehaviour::Decline(reason) => {
            if let Some(p) = s.payments.get_mut(order) {
                p.err = Some(("limit".into(), reason.clone()));
            }
            s.set_status(order, "failure");
        }
        ChargeBehaviour::Require3ds => {
            let url = format!("{}/3ds/{order}", s.base_url);
            if let Some(p) = s.payments.get_mut(order) {
                p.redirect_to = Some(url);
            }
            s.set_status(order, "3ds_verify");
        }
        _ => s.set_status(order, "success"),
    }
    match behaviour {
        ChargeBehaviour::SucceedThen500 => {
            (StatusCode::INTERNAL_SERVER_ERROR.into_response(), None)
        }
        ChargeBehaviour::SucceedThenHang(d) => {
            let mut v = s.json(&s.payments[order]);
            v["result"] = json!("ok");
            (answer(v), Some(d))
        }
        _ => {
            let mut v = s.json(&s.payments[order]);
            v["result"] = json!("ok");
            (answer(v), None)
        }
    }
}

fn refund(s: &mut State, req: &Value, order: &str) -> Response {
    let Some(p) = s.payments.get(order).cloned() else {
        return answer(json!({"result": "error", "err_code": "payment_not_found"}));
    };
    if p.status != "success" {
        return refusal("payment_not_refundable");
    }
    let left = p.amount - p.refunded;
    let Some(amount) = kopiyky(&req["amount"]).filter(|a| *a > 0 && *a <= left) else {
        return refusal("amount_invalid");
    };
    if let Some(p) = s.payments.get_mut(order) {
        p.refunded += amount;
    }
    if amount == left {
        s.set_status(order, "reversed");
    } else {
        let at = s.tick(&p);
        if let Some(p) = s.payments.get_mut(order) {
            p.end_ms = at;
        }
        s.callback(order);
    }
    let mut v = s.json(&s.payments[order]);
    v["result"] = json!("ok");
    answer(v)
}

/// A form body `data=…&signature=…`, as LiqPay posts callbacks.
pub fn form_body(data: &str, signature: &str) -> Vec<u8> {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("data", data)
        .append_pair("signature", signature)
        .finish()
        .into_bytes()
}

/// The fields of a form body, in order.
pub fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
