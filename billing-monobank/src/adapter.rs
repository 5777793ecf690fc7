//! The monobank adapter of the card acquirer port.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use billing_core::payment::{AttemptId, PaymentId};
use billing_core::ports::{
    AcquirerError, CardAcquirer, ChargeOutcome, ChargeRequest, Clock, PaymentEvent,
    PaymentLinkRequest, PaymentStatus, ProviderLink, RefundRequest,
};
use billing_core::Money;
use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use crate::ledger::PaymentLedger;
use crate::signature::{x_sign, WebhookKey};
use crate::wire::{self, InvoiceBody, UAH};

/// monobank's production host.
pub const MONOBANK_API: &str = "https://api.monobank.ua";

/// How the adapter reaches monobank.
#[derive(Clone)]
pub struct MonobankConfig {
    /// The API host (`https://api.monobank.ua`; a local server in tests).
    pub base_url: String,
    /// The merchant token (`X-Token`): a production token or a test token. A secret.
    pub token: SecretString,
    /// Where monobank sends webhooks (`webHookUrl`).
    pub webhook_url: Option<String>,
    /// Where the payer returns after paying (`redirectUrl`).
    pub redirect_url: Option<String>,
    /// How long one request may take before its outcome is unknown (default 30 s).
    pub request_timeout: Duration,
    /// How far back a statement read looks for an attempt's payment (default 35 days).
    pub statement_lookback: chrono::Duration,
    /// The shortest time between two fetches of the webhook key after a signature failed (default
    /// 30 s), so that forged webhooks cannot make us hammer `/pubkey`.
    pub key_refetch_interval: Duration,
}

impl MonobankConfig {
    /// The production host with a token, defaults for the rest.
    pub fn new(token: SecretString) -> MonobankConfig {
        MonobankConfig {
            base_url: MONOBANK_API.to_string(),
            token,
            webhook_url: None,
            redirect_url: None,
            request_timeout: Duration::from_secs(30),
            statement_lookback: chrono::Duration::days(35),
            key_refetch_interval: Duration::from_secs(30),
        }
    }

    /// The same with another host.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> MonobankConfig {
        self.base_url = base_url.into().trim_end_matches('/').to_string();
        self
    }

    /// The same with a webhook URL.
    pub fn with_webhook_url(mut self, url: impl Into<String>) -> MonobankConfig {
        self.webhook_url = Some(url.into());
        self
    }

    /// The same with a return URL.
    pub fn with_redirect_url(mut self, url: impl Into<String>) -> MonobankConfig {
        self.redirect_url = Some(url.into());
        self
    }

    /// The same with another request timeout.
    pub fn with_request_timeout(mut self, timeout: Duration) -> MonobankConfig {
        self.request_timeout = timeout;
        self
    }

    /// The same with another interval between key fetches.
    pub fn with_key_refetch_interval(mut self, interval: Duration) -> MonobankConfig {
        self.key_refetch_interval = interval;
        self
    }
}

impl fmt::Debug for MonobankConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MonobankConfig")
            .field("base_url", &self.base_url)
            .field("token", &"***")
            .field("webhook_url", &self.webhook_url)
            .field("redirect_url", &self.redirect_url)
            .field("request_timeout", &self.request_timeout)
            .finish_non_exhaustive()
    }
}

/// The system clock, for the adapter when no other clock is given.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// One line of the merchant statement (`/statement`), for reconciliation (виписка).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementItem {
    /// monobank's invoice id.
    pub invoice_id: PaymentId,
    /// Our attempt id, echoed from `merchantPaymInfo.reference`.
    pub reference: Option<String>,
    /// The payment's state.
    pub status: PaymentStatus,
    /// The amount paid.
    pub amount: Money,
    /// The amount refunded so far.
    pub refunded: Money,
    /// When it was paid.
    pub date: DateTime<Utc>,
    /// The masked card number.
    pub masked_pan: Option<String>,
    /// The bank's approval code.
    pub approval_code: Option<String>,
    /// The retrieval reference number.
    pub rrn: Option<String>,
}

/// Which calls may have changed something at monobank when their answer is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A read: repeating it is harmless.
    Read,
    /// A write: after the request went out, a lost answer is an unknown outcome.
    Write,
}

/// The monobank acquiring adapter ("plata by mono").
///
/// - Payment links: `invoice/create` with `validity` (seconds left until the link's expiry, 1800
///   for a new invoice link), our attempt id as `merchantPaymInfo.reference`, and the card saved to
///   the project's wallet (`saveCardData.walletId`).
/// - Card binding: the same page for the amount the engine asks (1 UAH to verify); the engine asks
///   for its refund, which is `invoice/cancel` with our refund id as `extRef`.
/// - Autopay: `wallet/payment` with `initiationKind: merchant`; a `tdsUrl` in the answer is
///   [`PaymentStatus::RequiresAction`] (the engine sends the owner a payment link, it never retries).
/// - Webhooks: `X-Sign` verified over the raw body with the merchant key (cached; fetched again once
///   when a signature fails), then parsed; events pass the [`PaymentLedger`] so an older event never
///   overrides a newer state.
/// - A timeout or 5xx after a write was sent is [`AcquirerError::OutcomeUnknown`]; the engine then
///   reconciles through [`CardAcquirer::find_by_attempt`] (status read, or the statement filtered by
///   `reference`).
pub struct MonobankAcquirer {
    config: MonobankConfig,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    key: Mutex<Option<(WebhookKey, Instant)>>,
    /// attempt id -> monobank invoice id, for the requests this process made.
    invoices: Mutex<HashMap<String, String>>,
    ledger: PaymentLedger,
}

impl fmt::Debug for MonobankAcquirer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MonobankAcquirer")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Where and what kind of JSON error, without the offending text (it may hold a card token).
fn json_error(e: &serde_json::Error) -> String {
    format!(
        "{:?} error at line {} column {}",
        e.classify(),
        e.line(),
        e.column()
    )
}

fn kopiyky(amount: Money) -> i64 {
    amount.kopiyky()
}

impl MonobankAcquirer {
    /// An adapter on the system clock.
    pub fn new(config: MonobankConfig) -> Result<MonobankAcquirer, AcquirerError> {
        MonobankAcquirer::with_clock(config, Arc::new(SystemClock))
    }

    /// An adapter on a given clock (the engine's).
    pub fn with_clock(
        config: MonobankConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<MonobankAcquirer, AcquirerError> {
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout)
            .user_agent(concat!("billing-monobank/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AcquirerError::Protocol(format!("HTTP client: {}", e.without_url())))?;
        Ok(MonobankAcquirer {
            config,
            http,
            clock,
            key: Mutex::new(None),
            invoices: Mutex::new(HashMap::new()),
            ledger: PaymentLedger::new(),
        })
    }

    /// The newest state seen of each payment (webhooks and status reads).
    pub fn ledger(&self) -> &PaymentLedger {
        &self.ledger
    }

    async fn call<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
        kind: Kind,
    ) -> Result<Vec<u8>, AcquirerError> {
        let url = format!("{}{}", self.config.base_url, path);
        let mut req = self
            .http
            .request(method, &url)
            .header("X-Token", self.config.token.expose_secret())
            .header("X-Cms", "billing-core")
            .header("X-Cms-Version", env!("CARGO_PKG_VERSION"));
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(b) = body {
            let json = serde_json::to_vec(b)
                .map_err(|e| AcquirerError::Protocol(format!("request body: {e}")))?;
            req = req.header("Content-Type", "application/json").body(json);
        }
        let unknown = |what: String| match kind {
            Kind::Write => AcquirerError::OutcomeUnknown(what),
            Kind::Read => AcquirerError::Unreachable(what),
        };
        let resp = match req.send().await {
            Ok(r) => r,
            // Nothing went out: safe to repeat.
            Err(e) if e.is_connect() || e.is_builder() => {
                return Err(AcquirerError::Unreachable(format!(
                    "{path}: {}",
                    e.without_url()
                )))
            }
            Err(e) => return Err(unknown(format!("{path}: {}", e.without_url()))),
        };
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let bytes = match resp.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) => return Err(unknown(format!("{path}: {}", e.without_url()))),
        };
        if status.is_success() {
            return Ok(bytes);
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(AcquirerError::RateLimited {
                retry_after_secs: retry_after,
            });
        }
        if status.is_server_error() {
            return Err(unknown(format!("{path}: HTTP {}", status.as_u16())));
        }
        let err: wire::ErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
        Err(AcquirerError::Rejected {
            code: err
                .err_code
                .unwrap_or_else(|| format!("http_{}", status.as_u16())),
            message: err
                .err_text
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("").to_string()),
        })
    }

    fn parse<T: serde::de::DeserializeOwned>(
        bytes: &[u8],
        what: &str,
        kind: Kind,
    ) -> Result<T, AcquirerError> {
        serde_json::from_slice(bytes).map_err(|e| {
            let msg = format!("{what}: unreadable answer: {}", json_error(&e));
            match kind {
                // The write happened, but we cannot tell what it did.
                Kind::Write => AcquirerError::OutcomeUnknown(msg),
                Kind::Read => AcquirerError::Protocol(msg),
            }
        })
    }

    async fn create_invoice(
        &self,
        req: &PaymentLinkRequest,
        save_card_for: Option<&str>,
    ) -> Result<ProviderLink, AcquirerError> {
        let validity = (req.expires_at - self.clock.now()).num_seconds();
        if validity <= 0 {
            return Err(AcquirerError::Rejected {
                code: "link_expired".into(),
                message: format!("the link expired at {}", req.expires_at),
            });
        }
        let body = wire::CreateInvoice {
            amount: kopiyky(req.amount),
            ccy: UAH,
            merchant_paym_info: wire::MerchantPaymInfo {
                reference: req.attempt.as_str(),
                destination: &req.description,
            },
            redirect_url: self.config.redirect_url.as_deref(),
            web_hook_url: self.config.webhook_url.as_deref(),
            validity,
            payment_type: "debit",
            save_card_data: save_card_for.map(|wallet_id| wire::SaveCardData {
                save_card: true,
                wallet_id,
            }),
        };
        let bytes = self
            .call(
                Method::POST,
                "/api/merchant/invoice/create",
                &[],
                Some(&body),
                Kind::Write,
            )
            .await?;
        let answer: wire::CreateAnswer = Self::parse(&bytes, "invoice/create", Kind::Write)?;
        lock(&self.invoices).insert(req.attempt.as_str().to_string(), answer.invoice_id.clone());
        Ok(ProviderLink {
            provider_ref: wire::payment_id(&answer.invoice_id)?,
            url: answer.page_url,
            expires_at: req.expires_at,
        })
    }

    /// The invoice as monobank has it now (`invoice/status`), without the ledger.
    async fn read_invoice(&self, invoice_id: &str) -> Result<InvoiceBody, AcquirerError> {
        let bytes = self
            .call::<()>(
                Method::GET,
                "/api/merchant/invoice/status",
                &[("invoiceId", invoice_id.to_string())],
                None,
                Kind::Read,
            )
            .await?;
        Self::parse(&bytes, "invoice/status", Kind::Read)
    }

    /// Reads the merchant statement between two instants (`/statement?from=&to=`, unix seconds).
    pub async fn statement(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StatementItem>, AcquirerError> {
        let bytes = self
            .call::<()>(
                Method::GET,
                "/api/merchant/statement",
                &[
                    ("from", from.timestamp().to_string()),
                    ("to", to.timestamp().to_string()),
                ],
                None,
                Kind::Read,
            )
            .await?;
        let answer: wire::StatementAnswer = Self::parse(&bytes, "statement", Kind::Read)?;
        answer
            .list
            .into_iter()
            .map(|l| {
                wire::check_ccy(l.ccy)?;
                let refunded = wire::refunded(&l.cancel_list);
                Ok(StatementItem {
                    invoice_id: wire::payment_id(&l.invoice_id)?,
                    reference: l.reference,
                    status: wire::status_of(&l.status, None, None, refunded)?,
                    amount: wire::money(l.amount)?,
                    refunded: wire::money(refunded)?,
                    date: l.date,
                    masked_pan: l.masked_pan,
                    approval_code: l.approval_code,
                    rrn: l.rrn,
                })
            })
            .collect()
    }

    /// The webhook key: the cached one, or fetched (`/pubkey`) when `refresh` and allowed.
    async fn webhook_key(&self, refresh: bool) -> Result<Option<WebhookKey>, AcquirerError> {
        {
            let cached = lock(&self.key);
            match &*cached {
                Some((k, _)) if !refresh => return Ok(Some(k.clone())),
                Some((_, at)) if at.elapsed() < self.config.key_refetch_interval => {
                    return Ok(None)
                }
                _ => {}
            }
        }
        let bytes = self
            .call::<()>(Method::GET, "/api/merchant/pubkey", &[], None, Kind::Read)
            .await?;
        let answer: wire::PubkeyAnswer = Self::parse(&bytes, "pubkey", Kind::Read)?;
        let key = WebhookKey::from_base64_pem(&answer.key)?;
        *lock(&self.key) = Some((key.clone(), Instant::now()));
        Ok(Some(key))
    }

    /// Verifies a webhook body against `X-Sign`: with the cached key, then once more with a freshly
    /// fetched key (it may have been rotated).
    pub async fn verify_signature(
        &self,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<(), AcquirerError> {
        let sign = x_sign(headers).ok_or(AcquirerError::BadSignature)?;
        let had_key = lock(&self.key).is_some();
        if let Some(key) = self.webhook_key(false).await? {
            if key.verifies(body, sign) {
                return Ok(());
            }
        }
        if had_key {
            if let Some(key) = self.webhook_key(true).await? {
                if key.verifies(body, sign) {
                    return Ok(());
                }
            }
        }
        Err(AcquirerError::BadSignature)
    }

    fn observe(&self, body: &InvoiceBody) -> Result<PaymentEvent, AcquirerError> {
        let event = body.to_event()?;
        if let Some(a) = &event.attempt {
            lock(&self.invoices).insert(a.as_str().to_string(), body.invoice_id.clone());
        }
        Ok(self.ledger.observe(body.order_key(), event).into_event())
    }
}

#[async_trait]
impl CardAcquirer for MonobankAcquirer {
    fn provider(&self) -> &'static str {
        "monobank"
    }

    async fn create_payment_link(
        &self,
        req: PaymentLinkRequest,
    ) -> Result<ProviderLink, AcquirerError> {
        let wallet = req.save_card_for.clone();
        self.create_invoice(&req, wallet.as_deref()).await
    }

    async fn cancel_payment_link(&self, link: &PaymentId) -> Result<(), AcquirerError> {
        self.call(
            Method::POST,
            "/api/merchant/invoice/remove",
            &[],
            Some(&wire::RemoveInvoice {
                invoice_id: link.as_str(),
            }),
            Kind::Write,
        )
        .await
        .map(|_| ())
    }

    async fn start_card_verification(
        &self,
        req: PaymentLinkRequest,
    ) -> Result<ProviderLink, AcquirerError> {
        // The card always goes to a wallet: the project's when named, else one of its own.
        let wallet = req
            .save_card_for
            .clone()
            .unwrap_or_else(|| req.attempt.as_str().to_string());
        self.create_invoice(&req, Some(&wallet)).await
    }

    async fn charge_saved_card(&self, req: ChargeRequest) -> Result<ChargeOutcome, AcquirerError> {
        let body = wire::WalletPayment {
            card_token: req.card.expose_secret(),
            amount: kopiyky(req.amount),
            ccy: UAH,
            initiation_kind: "merchant",
            merchant_paym_info: wire::MerchantPaymInfo {
                reference: req.attempt.as_str(),
                destination: &req.description,
            },
            redirect_url: self.config.redirect_url.as_deref(),
            web_hook_url: self.config.webhook_url.as_deref(),
        };
        let bytes = self
            .call(
                Method::POST,
                "/api/merchant/wallet/payment",
                &[],
                Some(&body),
                Kind::Write,
            )
            .await?;
        let answer: wire::WalletPaymentAnswer = Self::parse(&bytes, "wallet/payment", Kind::Write)?;
        lock(&self.invoices).insert(req.attempt.as_str().to_string(), answer.invoice_id.clone());
        let status = match answer.tds_url {
            Some(url) if !url.is_empty() && answer.status != "success" => {
                PaymentStatus::RequiresAction { url }
            }
            _ => wire::status_of(
                &answer.status,
                answer.err_code.as_deref(),
                answer.failure_reason.as_deref(),
                0,
            )
            .map_err(|e| AcquirerError::OutcomeUnknown(e.to_string()))?,
        };
        if let (Some(amount), Some(at)) = (answer.amount, answer.modified_date) {
            if !matches!(status, PaymentStatus::RequiresAction { .. }) {
                let event = PaymentEvent {
                    provider_ref: wire::payment_id(&answer.invoice_id)?,
                    attempt: Some(req.attempt.clone()),
                    status: status.clone(),
                    amount: wire::money(amount)?,
                    occurred_at: at,
                    saved_card: None,
                };
                let key = (at, wire::rank(&answer.status), 0);
                self.ledger.observe(key, event);
            }
        }
        Ok(ChargeOutcome {
            provider_ref: wire::payment_id(&answer.invoice_id)?,
            status,
        })
    }

    async fn refund(&self, req: RefundRequest) -> Result<PaymentStatus, AcquirerError> {
        let invoice_id = req.payment.as_str();
        // A refund with our id may have gone out already (a lost answer): look before sending.
        let before = self.read_invoice(invoice_id).await?;
        let full = before.amount;
        let done_before = wire::refunded(&before.cancel_list);
        let outcome = |refunded: i64| -> Result<PaymentStatus, AcquirerError> {
            Ok(if refunded >= full {
                PaymentStatus::Refunded
            } else {
                PaymentStatus::PartiallyRefunded {
                    refunded: wire::money(refunded)?,
                }
            })
        };
        let ours = |body: &InvoiceBody| {
            body.cancel_list
                .iter()
                .find(|c| c.ext_ref.as_deref() == Some(req.refund.as_str()))
                .map(|c| c.status.clone())
        };
        match ours(&before).as_deref() {
            Some("success") => return outcome(done_before),
            Some("processing") => return Ok(PaymentStatus::Processing),
            _ => {}
        }
        let body = wire::CancelInvoice {
            invoice_id,
            ext_ref: req.refund.as_str(),
            amount: req.amount.map(kopiyky),
        };
        let bytes = self
            .call(
                Method::POST,
                "/api/merchant/invoice/cancel",
                &[],
                Some(&body),
                Kind::Write,
            )
            .await?;
        let answer: wire::CancelAnswer = Self::parse(&bytes, "invoice/cancel", Kind::Write)?;
        let this = req.amount.map_or(full - done_before, kopiyky);
        match answer.status.as_str() {
            "success" => outcome(done_before + this),
            "processing" => {
                // Often settles at once: one status read tells.
                let after = self.read_invoice(invoice_id).await?;
                match ours(&after).as_deref() {
                    Some("success") => outcome(wire::refunded(&after.cancel_list)),
                    Some("failure") => Err(AcquirerError::Rejected {
                        code: "refund_failure".into(),
                        message: format!("the refund {} failed", req.refund),
                    }),
                    _ => Ok(PaymentStatus::Processing),
                }
            }
            "failure" => Err(AcquirerError::Rejected {
                code: "refund_failure".into(),
                message: format!("the refund {} failed", req.refund),
            }),
            other => Err(AcquirerError::OutcomeUnknown(format!(
                "invoice/cancel: unknown status {other:?}"
            ))),
        }
    }

    async fn fetch_status(&self, payment: &PaymentId) -> Result<PaymentEvent, AcquirerError> {
        let body = self.read_invoice(payment.as_str()).await?;
        self.observe(&body)
    }

    async fn find_by_attempt(
        &self,
        attempt: &AttemptId,
    ) -> Result<Option<PaymentEvent>, AcquirerError> {
        let known = lock(&self.invoices).get(attempt.as_str()).cloned();
        let invoice_id = match known {
            Some(id) => Some(id),
            None => {
                let now = self.clock.now();
                let from = now - self.config.statement_lookback;
                self.statement(from, now)
                    .await?
                    .into_iter()
                    .filter(|i| i.reference.as_deref() == Some(attempt.as_str()))
                    .max_by_key(|i| i.date)
                    .map(|i| i.invoice_id.as_str().to_string())
            }
        };
        match invoice_id {
            None => Ok(None),
            Some(id) => {
                let body = self.read_invoice(&id).await?;
                self.observe(&body).map(Some)
            }
        }
    }

    async fn verify_webhook(
        &self,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<PaymentEvent, AcquirerError> {
        // The raw bytes first: nothing is parsed before the signature holds.
        self.verify_signature(headers, body).await?;
        let parsed: InvoiceBody = serde_json::from_slice(body)
            .map_err(|e| AcquirerError::Protocol(format!("webhook body: {}", json_error(&e))))?;
        self.observe(&parsed)
    }
}
