//! The LiqPay adapter of the card acquirer port.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use billing_core::payment::{AttemptId, CardToken, PaymentId, SavedCard};
use billing_core::ports::{
    AcquirerError, CardAcquirer, ChargeOutcome, ChargeRequest, Clock, PaymentEvent,
    PaymentLinkRequest, PaymentStatus, ProviderLink, RefundRequest,
};
use billing_core::Money;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};

use crate::signature::{self, ApiVersion};

/// LiqPay's host.
pub const LIQPAY_HOST: &str = "https://www.liqpay.ua";

/// How the adapter reaches LiqPay.
#[derive(Clone)]
pub struct LiqPayConfig {
    /// The merchant's public key (`public_key`).
    pub public_key: String,
    /// The merchant's private key: signs requests and verifies callbacks. A secret.
    pub private_key: SecretString,
    /// The API version sent, which selects the signature hash (SHA-1 for 3, SHA3-256 for 7).
    pub version: ApiVersion,
    /// During a migration window, also accept callbacks signed with the other version's hash.
    pub accept_other_version: bool,
    /// The host: `{host}/api/request` (server to server) and `{host}/api/3/checkout` (the page).
    pub host: String,
    /// Where LiqPay posts callbacks (`server_url`).
    pub server_url: Option<String>,
    /// Where the payer returns (`result_url`).
    pub result_url: Option<String>,
    /// The IP sent with `paytoken` (the schema requires one; the port carries none).
    pub charge_ip: String,
    /// Test mode (`sandbox: 1`).
    pub sandbox: bool,
    /// How long one request may take before its outcome is unknown (default 30 s).
    pub request_timeout: Duration,
}

impl LiqPayConfig {
    /// The production host with the merchant's keys and API version, defaults for the rest.
    pub fn new(public_key: &str, private_key: SecretString, version: ApiVersion) -> LiqPayConfig {
        LiqPayConfig {
            public_key: public_key.to_string(),
            private_key,
            version,
            accept_other_version: false,
            host: LIQPAY_HOST.to_string(),
            server_url: None,
            result_url: None,
            charge_ip: "127.0.0.1".to_string(),
            sandbox: false,
            request_timeout: Duration::from_secs(30),
        }
    }

    /// The same with another host.
    pub fn with_host(mut self, host: impl Into<String>) -> LiqPayConfig {
        self.host = host.into().trim_end_matches('/').to_string();
        self
    }

    /// The same with a callback URL.
    pub fn with_server_url(mut self, url: impl Into<String>) -> LiqPayConfig {
        self.server_url = Some(url.into());
        self
    }

    /// The same with another request timeout.
    pub fn with_request_timeout(mut self, timeout: Duration) -> LiqPayConfig {
        self.request_timeout = timeout;
        self
    }
}

impl fmt::Debug for LiqPayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiqPayConfig")
            .field("public_key", &self.public_key)
            .field("private_key", &"***")
            .field("version", &self.version)
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

type OrderKey = (i64, u8, i64);

/// The LiqPay adapter. Our attempt id is LiqPay's `order_id` and also the payment's id in the port
/// (status reads, refunds and callbacks all name the order); amounts are decimal hryvnias.
///
/// - Payment links are signed checkout URLs (`action: pay`, `expired_date` in UTC,
///   `recurringbytoken: "1"` to save the card); nothing is sent until the payer pays.
/// - Charges: `paytoken` with a new `order_id` per attempt; a `*_verify` status is
///   [`PaymentStatus::RequiresAction`].
/// - Refunds: `action: refund` with the amount.
/// - Callbacks: the signature over `data` is checked first (the configured version's hash), then
///   `data` is decoded; events are ordered by `end_date` and an older one never overrides a newer
///   state.
pub struct LiqPayAcquirer {
    config: LiqPayConfig,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    latest: Mutex<HashMap<String, (OrderKey, PaymentEvent)>>,
}

impl fmt::Debug for LiqPayAcquirer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiqPayAcquirer")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Read,
    Write,
}

/// `309.68` for 309.68 UAH.
fn amount_text(m: Money) -> String {
    m.to_string()
}

/// An amount as LiqPay writes it (a number or a string of hryvnias).
pub(crate) fn money_of(v: &Value) -> Option<Money> {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    Money::round_from(Decimal::from_str(&text).ok()?).ok()
}

fn text(v: &Value, field: &str) -> Option<String> {
    match &v[field] {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn rank(status: &str) -> u8 {
    match status {
        "reversed" => 4,
        "success" | "sandbox" | "failure" | "error" | "expired" => 3,
        s if s.ends_with("_verify") => 2,
        _ => 1,
    }
}

/// Maps a LiqPay status to the port's.
pub(crate) fn status_of(p: &Value) -> Result<PaymentStatus, AcquirerError> {
    let status = p["status"].as_str().unwrap_or_default();
    let amount = money_of(&p["amount"]).unwrap_or(Money::ZERO);
    let refunded = money_of(&p["refund_amount"]).unwrap_or(Money::ZERO);
    Ok(match status {
        "success" | "sandbox" if !refunded.is_zero() && refunded < amount => {
            PaymentStatus::PartiallyRefunded { refunded }
        }
        "success" | "sandbox" => PaymentStatus::Succeeded,
        "failure" | "error" => PaymentStatus::Failed {
            code: text(p, "err_code"),
            reason: text(p, "err_description"),
        },
        "reversed" => PaymentStatus::Refunded,
        "expired" => PaymentStatus::Expired,
        s if s.ends_with("_verify") => PaymentStatus::RequiresAction {
            url: text(p, "redirect_to").unwrap_or_default(),
        },
        "processing" | "prepared" | "hold_wait" | "invoice_wait" | "cash_wait" => {
            PaymentStatus::Processing
        }
        s if s.starts_with("wait_") => PaymentStatus::Processing,
        other => {
            return Err(AcquirerError::Protocol(format!(
                "unsupported LiqPay status {other:?}"
            )))
        }
    })
}

/// The event a payment's JSON (a callback's `data` or a status answer) tells.
pub(crate) fn event_of(p: &Value) -> Result<(OrderKey, PaymentEvent), AcquirerError> {
    let order = text(p, "order_id")
        .ok_or_else(|| AcquirerError::Protocol("payment without order_id".into()))?;
    if let Some(c) = p["currency"].as_str() {
        if c != "UAH" {
            return Err(AcquirerError::Protocol(format!("currency {c} is not UAH")));
        }
    }
    let status = status_of(p)?;
    let amount = money_of(&p["amount"])
        .ok_or_else(|| AcquirerError::Protocol("payment without amount".into()))?;
    let at_ms = p["end_date"]
        .as_i64()
        .or_else(|| p["create_date"].as_i64())
        .unwrap_or(0);
    let occurred_at = DateTime::<Utc>::from_timestamp_millis(at_ms)
        .ok_or_else(|| AcquirerError::Protocol(format!("bad end_date {at_ms}")))?;
    let saved_card = match (&status, p["card_token"].as_str()) {
        (PaymentStatus::Succeeded, Some(token)) if !token.is_empty() => Some(SavedCard::new(
            CardToken::new(token),
            p["sender_card_mask2"].as_str().unwrap_or_default(),
            "",
        )),
        _ => None,
    };
    let refunded = money_of(&p["refund_amount"]).map_or(0, Money::kopiyky);
    let key = (
        at_ms,
        rank(p["status"].as_str().unwrap_or_default()),
        refunded,
    );
    let event = PaymentEvent {
        provider_ref: PaymentId::new(&order)
            .map_err(|_| AcquirerError::Protocol(format!("bad order_id {order:?}")))?,
        attempt: AttemptId::new(&order).ok(),
        status,
        amount,
        occurred_at,
        saved_card,
    };
    Ok((key, event))
}

impl LiqPayAcquirer {
    /// An adapter on the system clock.
    pub fn new(config: LiqPayConfig) -> Result<LiqPayAcquirer, AcquirerError> {
        LiqPayAcquirer::with_clock(config, Arc::new(SystemClock))
    }

    /// An adapter on a given clock (the engine's).
    pub fn with_clock(
        config: LiqPayConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<LiqPayAcquirer, AcquirerError> {
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout)
            .build()
            .map_err(|e| AcquirerError::Protocol(format!("HTTP client: {}", e.without_url())))?;
        Ok(LiqPayAcquirer {
            config,
            http,
            clock,
            latest: Mutex::new(HashMap::new()),
        })
    }

    fn envelope(&self, mut payload: Value) -> (String, String) {
        payload["version"] = json!(self.config.version.number());
        payload["public_key"] = json!(self.config.public_key);
        if self.config.sandbox {
            payload["sandbox"] = json!("1");
        }
        let data = signature::encode_data(&payload);
        let sig = signature::sign(
            self.config.private_key.expose_secret(),
            &data,
            self.config.version,
        );
        (data, sig)
    }

    /// One server-to-server call (`/api/request`); the JSON answer.
    async fn request(&self, payload: Value, kind: Kind) -> Result<Value, AcquirerError> {
        let action = payload["action"].as_str().unwrap_or_default().to_string();
        let (data, sig) = self.envelope(payload);
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("data", &data)
            .append_pair("signature", &sig)
            .finish();
        let unknown = |what: String| match kind {
            Kind::Write => AcquirerError::OutcomeUnknown(what),
            Kind::Read => AcquirerError::Unreachable(what),
        };
        let resp = match self
            .http
            .post(format!("{}/api/request", self.config.host))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) if e.is_connect() || e.is_builder() => {
                return Err(AcquirerError::Unreachable(format!(
                    "{action}: {}",
                    e.without_url()
                )))
            }
            Err(e) => return Err(unknown(format!("{action}: {}", e.without_url()))),
        };
        let status = resp.status();
        let bytes = match resp.bytes().await {
            Ok(b) => b,
            Err(e) => return Err(unknown(format!("{action}: {}", e.without_url()))),
        };
        if status.as_u16() == 429 {
            return Err(AcquirerError::RateLimited {
                retry_after_secs: None,
            });
        }
        if status.is_server_error() {
            return Err(unknown(format!("{action}: HTTP {}", status.as_u16())));
        }
        if !status.is_success() {
            return Err(AcquirerError::Rejected {
                code: format!("http_{}", status.as_u16()),
                message: action,
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| {
            let msg = format!("{action}: unreadable answer at column {}", e.column());
            match kind {
                Kind::Write => AcquirerError::OutcomeUnknown(msg),
                Kind::Read => AcquirerError::Protocol(msg),
            }
        })
    }

    fn observe(&self, key: OrderKey, event: PaymentEvent) -> PaymentEvent {
        let mut latest = self
            .latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let id = event.provider_ref.as_str().to_string();
        match latest.get(&id) {
            Some((k, newest)) if *k >= key => newest.clone(),
            _ => {
                latest.insert(id, (key, event.clone()));
                event
            }
        }
    }

    /// The payment of an order now (`action: status`); `None` when LiqPay has no such payment.
    async fn status(&self, order_id: &str) -> Result<Option<Value>, AcquirerError> {
        let answer = self
            .request(
                json!({"action": "status", "order_id": order_id}),
                Kind::Read,
            )
            .await?;
        let code = answer["err_code"].as_str().unwrap_or_default();
        if answer["result"] == "error" && answer["order_id"].is_null() {
            if code == "payment_not_found" {
                return Ok(None);
            }
            return Err(AcquirerError::Rejected {
                code: code.to_string(),
                message: text(&answer, "err_description").unwrap_or_default(),
            });
        }
        Ok(Some(answer))
    }

    fn checkout(&self, req: &PaymentLinkRequest, save_card: bool) -> ProviderLink {
        let mut payload = json!({
            "action": "pay",
            "amount": amount_text(req.amount),
            "currency": "UAH",
            "description": req.description,
            "order_id": req.attempt.as_str(),
            "expired_date": req.expires_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            "language": "uk",
        });
        if save_card {
            payload["recurringbytoken"] = json!("1");
        }
        if let Some(u) = &self.config.server_url {
            payload["server_url"] = json!(u);
        }
        if let Some(u) = &self.config.result_url {
            payload["result_url"] = json!(u);
        }
        let (data, sig) = self.envelope(payload);
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("data", &data)
            .append_pair("signature", &sig)
            .finish();
        ProviderLink {
            provider_ref: PaymentId::new(req.attempt.as_str())
                .expect("an attempt id is a valid payment id"),
            url: format!("{}/api/3/checkout?{query}", self.config.host),
            expires_at: req.expires_at,
        }
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Reads `data` and `signature` from a form body.
fn form_fields(body: &[u8]) -> (Option<String>, Option<String>) {
    let mut data = None;
    let mut sig = None;
    for (k, v) in form_urlencoded::parse(body) {
        match k.as_ref() {
            "data" => data = Some(v.into_owned()),
            "signature" => sig = Some(v.into_owned()),
            _ => {}
        }
    }
    (data, sig)
}

#[async_trait]
impl CardAcquirer for LiqPayAcquirer {
    fn provider(&self) -> &'static str {
        "liqpay"
    }

    async fn create_payment_link(
        &self,
        req: PaymentLinkRequest,
    ) -> Result<ProviderLink, AcquirerError> {
        if req.expires_at <= self.clock.now() {
            return Err(AcquirerError::Rejected {
                code: "link_expired".into(),
                message: format!("the link expired at {}", req.expires_at),
            });
        }
        Ok(self.checkout(&req, req.save_card_for.is_some()))
    }

    /// LiqPay cannot withdraw a checkout link: it lapses at its `expired_date`, and a payment that
    /// still arrives is recorded (the engine credits or refunds it by policy).
    async fn cancel_payment_link(&self, _link: &PaymentId) -> Result<(), AcquirerError> {
        Ok(())
    }

    async fn start_card_verification(
        &self,
        req: PaymentLinkRequest,
    ) -> Result<ProviderLink, AcquirerError> {
        if req.expires_at <= self.clock.now() {
            return Err(AcquirerError::Rejected {
                code: "link_expired".into(),
                message: format!("the link expired at {}", req.expires_at),
            });
        }
        Ok(self.checkout(&req, true))
    }

    async fn charge_saved_card(&self, req: ChargeRequest) -> Result<ChargeOutcome, AcquirerError> {
        let mut payload = json!({
            "action": "paytoken",
            "amount": amount_text(req.amount),
            "currency": "UAH",
            "description": req.description,
            "order_id": req.attempt.as_str(),
            "card_token": req.card.expose_secret(),
            "ip": self.config.charge_ip,
        });
        if let Some(u) = &self.config.server_url {
            payload["server_url"] = json!(u);
        }
        let answer = self.request(payload, Kind::Write).await?;
        // An API refusal names no payment; a declined charge does.
        if answer["result"] == "error" && answer["payment_id"].is_null() {
            return Err(AcquirerError::Rejected {
                code: text(&answer, "err_code").unwrap_or_default(),
                message: text(&answer, "err_description").unwrap_or_default(),
            });
        }
        let status =
            status_of(&answer).map_err(|e| AcquirerError::OutcomeUnknown(e.to_string()))?;
        if answer["end_date"].is_i64() || answer["create_date"].is_i64() {
            if let Ok((key, event)) = event_of(&answer) {
                self.observe(key, event);
            }
        }
        Ok(ChargeOutcome {
            provider_ref: PaymentId::new(req.attempt.as_str())
                .map_err(|e| AcquirerError::Protocol(e.to_string()))?,
            status,
        })
    }

    async fn refund(&self, req: RefundRequest) -> Result<PaymentStatus, AcquirerError> {
        let order = req.payment.as_str();
        let before = self
            .status(order)
            .await?
            .ok_or_else(|| AcquirerError::Rejected {
                code: "payment_not_found".into(),
                message: format!("no payment {order}"),
            })?;
        // A full refund that went out already (a lost answer) is not sent again.
        if before["status"] == "reversed" {
            return Ok(PaymentStatus::Refunded);
        }
        let full = money_of(&before["amount"]).unwrap_or(Money::ZERO);
        let done = money_of(&before["refund_amount"]).unwrap_or(Money::ZERO);
        let amount = req.amount.unwrap_or(full.saturating_sub(done));
        let answer = self
            .request(
                json!({"action": "refund", "order_id": order, "amount": amount_text(amount)}),
                Kind::Write,
            )
            .await?;
        match answer["status"].as_str() {
            Some("reversed") => Ok(PaymentStatus::Refunded),
            Some("success") | Some("sandbox") => {
                let refunded = money_of(&answer["refund_amount"])
                    .unwrap_or_else(|| done.checked_add(amount).unwrap_or(full));
                Ok(if refunded >= full {
                    PaymentStatus::Refunded
                } else {
                    PaymentStatus::PartiallyRefunded { refunded }
                })
            }
            Some("processing") | Some("wait_reserve") => Ok(PaymentStatus::Processing),
            _ => Err(AcquirerError::Rejected {
                code: text(&answer, "err_code").unwrap_or_else(|| "refund_failure".into()),
                message: text(&answer, "err_description").unwrap_or_default(),
            }),
        }
    }

    async fn fetch_status(&self, payment: &PaymentId) -> Result<PaymentEvent, AcquirerError> {
        let p = self
            .status(payment.as_str())
            .await?
            .ok_or_else(|| AcquirerError::Rejected {
                code: "payment_not_found".into(),
                message: format!("no payment {payment}"),
            })?;
        let (key, event) = event_of(&p)?;
        Ok(self.observe(key, event))
    }

    async fn find_by_attempt(
        &self,
        attempt: &AttemptId,
    ) -> Result<Option<PaymentEvent>, AcquirerError> {
        match self.status(attempt.as_str()).await? {
            None => Ok(None),
            Some(p) => {
                let (key, event) = event_of(&p)?;
                Ok(Some(self.observe(key, event)))
            }
        }
    }

    async fn verify_webhook(
        &self,
        _headers: &[(String, String)],
        body: &[u8],
    ) -> Result<PaymentEvent, AcquirerError> {
        let (Some(data), Some(sig)) = form_fields(body) else {
            return Err(AcquirerError::BadSignature);
        };
        let key = self.config.private_key.expose_secret();
        let ours = signature::verify(key, &data, &sig, self.config.version);
        let other = match self.config.version {
            ApiVersion::V3 => ApiVersion::V7,
            ApiVersion::V7 => ApiVersion::V3,
        };
        let migrating =
            self.config.accept_other_version && signature::verify(key, &data, &sig, other);
        if !ours && !migrating {
            return Err(AcquirerError::BadSignature);
        }
        let json = STANDARD
            .decode(data.as_bytes())
            .map_err(|_| AcquirerError::Protocol("callback data is not base64".into()))?;
        let p: Value = serde_json::from_slice(&json).map_err(|e| {
            AcquirerError::Protocol(format!("callback data at column {}", e.column()))
        })?;
        if p["public_key"]
            .as_str()
            .is_some_and(|k| k != self.config.public_key)
        {
            return Err(AcquirerError::Protocol(
                "callback for another merchant".into(),
            ));
        }
        let (key, event) = event_of(&p)?;
        Ok(self.observe(key, event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_decimal_hryvnias() {
        assert_eq!(amount_text(Money::from_kopiyky(30968).unwrap()), "309.68");
        assert_eq!(
            money_of(&json!(590.5)),
            Some(Money::from_kopiyky(59050).unwrap())
        );
        assert_eq!(
            money_of(&json!("1")),
            Some(Money::from_kopiyky(100).unwrap())
        );
        assert_eq!(money_of(&json!(null)), None);
    }

    #[test]
    fn statuses_map() {
        let s = |v: Value| status_of(&v).unwrap();
        assert_eq!(s(json!({"status": "sandbox"})), PaymentStatus::Succeeded);
        assert_eq!(
            s(json!({"status": "wait_secure"})),
            PaymentStatus::Processing
        );
        assert_eq!(s(json!({"status": "reversed"})), PaymentStatus::Refunded);
        assert!(matches!(
            s(json!({"status": "3ds_verify", "redirect_to": "https://x/3ds"})),
            PaymentStatus::RequiresAction { ref url } if url == "https://x/3ds"
        ));
        assert_eq!(
            s(json!({"status": "success", "amount": 10, "refund_amount": 4})),
            PaymentStatus::PartiallyRefunded {
                refunded: Money::from_kopiyky(400).unwrap()
            }
        );
        assert_eq!(
            s(json!({"status": "failure", "err_code": "limit", "err_description": "Ліміт"})),
            PaymentStatus::Failed {
                code: Some("limit".into()),
                reason: Some("Ліміт".into())
            }
        );
        assert!(status_of(&json!({"status": "subscribed"})).is_err());
    }

    #[test]
    fn the_card_token_never_shows() {
        let p = json!({"order_id": "B-11111-1", "status": "success", "amount": 1, "currency": "UAH",
                       "end_date": 1_773_648_000_000i64, "card_token": "tok-very-secret",
                       "sender_card_mask2": "4441**1234"});
        let (_, ev) = event_of(&p).unwrap();
        assert_eq!(
            ev.saved_card.as_ref().unwrap().token.expose_secret(),
            "tok-very-secret"
        );
        assert!(!format!("{ev:?}").contains("tok-very-secret"));
        let config = LiqPayConfig::new(
            "i000",
            SecretString::from("priv-key-secret"),
            ApiVersion::V7,
        );
        assert!(!format!("{config:?}").contains("priv-key-secret"));
    }
}
