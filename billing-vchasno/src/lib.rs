//! # billing-vchasno
//!
//! The Vchasno (Вчасно.ЕДО) API v2 adapter of the billing engine's [`Vchasno`] port, over HTTPS
//! (`reqwest` with rustls).
//!
//! | port call | request |
//! |---|---|
//! | [`Vchasno::check_company`] | `POST /api/v2/check/company` `{"edrpou": "..."}` → `{edrpou, name, is_registered}` |
//! | [`Vchasno::upload_act`] | `POST /api/v2/documents?edrpou=&email=&category=1&title=&number=&date=&amount=`, multipart field `file` → `{documents: [{id, ...}]}` |
//! | [`Vchasno::statuses`] | `POST /api/v2/documents/statuses` `{"document_ids": [...]}` (≤500 per request) → `{data_list: [{document_id, status_id, status_text}]}` |
//! | [`Vchasno::find_act`] | `GET /api/v2/documents?edrpou=&category=1&date_from=&date_to=&limit=&cursor=` → `{documents: [{id, number, status, ...}], next_cursor}`, pages followed |
//!
//! Every request carries `Authorization: <token>` (no `Bearer` prefix).
//!
//! # Errors
//! | answer | port error |
//! |---|---|
//! | 401, 403 | [`VchasnoPortError::Unauthorized`] |
//! | 429 | waits `Retry-After` and tries again (at most [`VchasnoConfig::rate_limit_retries`] times, and only when the wait is at most [`VchasnoConfig::max_retry_wait`]); then [`VchasnoPortError::RateLimited`] with the delay |
//! | 5xx, connection failure, timeout | [`VchasnoPortError::Unreachable`] (retryable) |
//! | other 4xx, or an answer that does not parse | [`VchasnoPortError::Rejected`] |
//!
//! # Settings for what the reference could not verify
//! - [`AmountUnit`] (`amount` of a document): the reference says it is an integer, "probably
//!   kopiyky". Default [`AmountUnit::Kopiyky`] (`1200.50` → `120050`); [`AmountUnit::Hryvnias`]
//!   sends `1200.50`.
//! - [`RnokppCheck`] (checking a sole proprietor by РНОКПП): the documented check names an
//!   `edrpou` field; whether it accepts a 10-digit РНОКПП is not verified. Default
//!   [`RnokppCheck::Ask`] sends the 10 digits in `edrpou`; [`RnokppCheck::AssumeRegistered`] does
//!   not ask and answers "registered" (name unknown), leaving the proof to the first upload.
//! - [`VchasnoConfig::upload_info_in_query`]: the upload documents `edrpou`, `email`, `category`,
//!   `title` "plus extras"; that `number`, `date` and `amount` are among the extras is not verified.
//!   Default `true` (one request, so an upload is never half done); with `false` they are left out.
//!
//! - [`VchasnoConfig::find_days_before`] and [`VchasnoConfig::find_days_after`]: whether the
//!   list's `date_from`/`date_to` filter the document's `date` or the day it was created is not
//!   verified. [`Vchasno::find_act`] asks for a window from 31 days before the act's date to 366
//!   days after it (the defaults), which holds the act under either reading when it was uploaded
//!   within a year of its date.
//!
//! Unknown status codes in a batch read are left out of the answer (the act keeps its last known
//! status), never guessed.
//!
//! # Finding an act already uploaded
//! [`Vchasno::find_act`] lists the documents of the recipient (`edrpou`) in the act-of-services
//! category within the date window, [`LIST_LIMIT`] per page, following `next_cursor` until it is
//! empty, and answers the id of a document whose `number` equals the act's number exactly. The
//! reference documents no "deleted" status: a document of the number is found whatever its
//! status, but one that is not annulled (7011) is preferred when there are several. The number
//! is on the document only when the upload sent it ([`VchasnoConfig::upload_info_in_query`],
//! the default): with that setting off, nothing is ever found. A cursor that repeats or more
//! than [`VchasnoConfig::find_max_pages`] pages is an error ([`VchasnoPortError::Rejected`]),
//! never "not found", so that a search cut short never leads to a second upload.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use billing_core::ports::{ActUpload, CompanyCheck, Vchasno, VchasnoPortError, VchasnoStatus};
use billing_core::{Money, TaxId};
use chrono::{Days, NaiveDate};
use reqwest::{Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Vchasno's production host.
pub const VCHASNO_API: &str = "https://edo.vchasno.ua";

/// The document category of an act of services (акт наданих послуг).
pub const CATEGORY_ACT_OF_SERVICES: u32 = 1;

/// The most document ids one status request may carry.
pub const STATUS_BATCH: usize = 500;

/// The page size asked of the document list (`limit`).
pub const LIST_LIMIT: u32 = 100;

/// The unit of a document's `amount` (unverified: see the crate docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountUnit {
    /// Whole kopiyky as an integer: `1200.50` → `120050` (the default).
    #[default]
    Kopiyky,
    /// Hryvnias with two decimals: `1200.50`.
    Hryvnias,
}

impl AmountUnit {
    /// The amount as the query parameter carries it.
    pub fn format(self, amount: Money) -> String {
        match self {
            AmountUnit::Kopiyky => amount.kopiyky().to_string(),
            AmountUnit::Hryvnias => amount.to_string(),
        }
    }
}

/// How a sole proprietor's РНОКПП is checked (unverified: see the crate docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RnokppCheck {
    /// Ask `/check/company` with the 10 digits in `edrpou` (the default).
    #[default]
    Ask,
    /// Do not ask; answer "registered" with no name.
    AssumeRegistered,
}

/// How the adapter reaches Vchasno.
#[derive(Clone)]
pub struct VchasnoConfig {
    /// The host (`https://edo.vchasno.ua`; a local server in tests).
    pub base_url: String,
    /// The API token (user + company), sent as `Authorization`. A secret.
    pub token: SecretString,
    /// How long one request may take (default 30 s).
    pub request_timeout: Duration,
    /// How long to wait for a connection (default 10 s).
    pub connect_timeout: Duration,
    /// How many times a 429 is retried after its `Retry-After` (default 1).
    pub rate_limit_retries: u32,
    /// The longest `Retry-After` the adapter waits itself (default 5 s); a longer one is returned
    /// as [`VchasnoPortError::RateLimited`] at once.
    pub max_retry_wait: Duration,
    /// The unit of `amount` (default kopiyky).
    pub amount_unit: AmountUnit,
    /// How a РНОКПП is checked (default: ask).
    pub rnokpp_check: RnokppCheck,
    /// Whether the upload carries `number`, `date` and `amount` as query parameters (default true).
    pub upload_info_in_query: bool,
    /// [`Vchasno::find_act`] searches from this many days before the act's date (default 31).
    pub find_days_before: u32,
    /// [`Vchasno::find_act`] searches up to this many days after the act's date (default 366).
    pub find_days_after: u32,
    /// The most list pages [`Vchasno::find_act`] reads before giving up with an error
    /// (default 50).
    pub find_max_pages: u32,
}

impl VchasnoConfig {
    /// The production host with a token, defaults for the rest.
    pub fn new(token: SecretString) -> VchasnoConfig {
        VchasnoConfig {
            base_url: VCHASNO_API.to_string(),
            token,
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            rate_limit_retries: 1,
            max_retry_wait: Duration::from_secs(5),
            amount_unit: AmountUnit::default(),
            rnokpp_check: RnokppCheck::default(),
            upload_info_in_query: true,
            find_days_before: 31,
            find_days_after: 366,
            find_max_pages: 50,
        }
    }

    /// The same with another host.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> VchasnoConfig {
        self.base_url = base_url.into().trim_end_matches('/').to_string();
        self
    }

    /// The same with another request timeout.
    pub fn with_request_timeout(mut self, timeout: Duration) -> VchasnoConfig {
        self.request_timeout = timeout;
        self
    }
}

impl fmt::Debug for VchasnoConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VchasnoConfig")
            .field("base_url", &self.base_url)
            .field("token", &"***")
            .field("request_timeout", &self.request_timeout)
            .field("amount_unit", &self.amount_unit)
            .field("rnokpp_check", &self.rnokpp_check)
            .finish_non_exhaustive()
    }
}

/// The Vchasno adapter.
pub struct VchasnoClient {
    config: VchasnoConfig,
    http: reqwest::Client,
}

impl fmt::Debug for VchasnoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VchasnoClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct CheckBody<'a> {
    edrpou: &'a str,
}

#[derive(Deserialize)]
struct CheckAnswer {
    #[serde(default)]
    name: Option<String>,
    is_registered: bool,
}

#[derive(Deserialize)]
struct UploadAnswer {
    documents: Vec<UploadedDocument>,
}

#[derive(Deserialize)]
struct UploadedDocument {
    id: serde_json::Value,
}

#[derive(Deserialize)]
struct ListAnswer {
    #[serde(default)]
    documents: Vec<ListedDocument>,
    #[serde(default)]
    next_cursor: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ListedDocument {
    id: serde_json::Value,
    #[serde(default)]
    number: Option<serde_json::Value>,
    #[serde(default)]
    status: Option<serde_json::Value>,
}

impl ListedDocument {
    fn is_annulled(&self) -> bool {
        self.status
            .as_ref()
            .and_then(serde_json::Value::as_u64)
            .and_then(|c| u32::try_from(c).ok())
            .and_then(VchasnoStatus::from_code)
            == Some(VchasnoStatus::Annulled)
    }
}

#[derive(Serialize)]
struct StatusesBody<'a> {
    document_ids: &'a [String],
}

#[derive(Deserialize)]
struct StatusesAnswer {
    data_list: Vec<StatusItem>,
}

#[derive(Deserialize)]
struct StatusItem {
    document_id: serde_json::Value,
    status_id: u32,
}

/// An id as text, whether Vchasno sends it as a string or a number.
fn id_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn transport(e: &reqwest::Error) -> VchasnoPortError {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    VchasnoPortError::Unreachable(what.to_string())
}

fn retry_after(resp: &Response) -> Option<u64> {
    resp.headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The first characters of an error body, for the message.
fn snippet(body: &str) -> String {
    body.chars().take(200).collect()
}

impl VchasnoClient {
    /// An adapter for a configuration.
    pub fn new(config: VchasnoConfig) -> Result<VchasnoClient, VchasnoPortError> {
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("billing-vchasno/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| VchasnoPortError::Unreachable(format!("HTTP client: {e}")))?;
        Ok(VchasnoClient { config, http })
    }

    /// The configuration.
    pub fn config(&self) -> &VchasnoConfig {
        &self.config
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url)
    }

    /// Sends a request (built afresh for each try), retries a 429 within the limits, maps errors.
    async fn send<T: DeserializeOwned>(
        &self,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<T, VchasnoPortError> {
        let mut tries = 0;
        loop {
            let resp = build()
                .header(
                    reqwest::header::AUTHORIZATION,
                    self.config.token.expose_secret(),
                )
                .send()
                .await
                .map_err(|e| transport(&e))?;
            let status = resp.status();
            if status == StatusCode::TOO_MANY_REQUESTS {
                let after = retry_after(&resp);
                let wait = Duration::from_secs(after.unwrap_or(1));
                if tries < self.config.rate_limit_retries && wait <= self.config.max_retry_wait {
                    tries += 1;
                    tokio::time::sleep(wait).await;
                    continue;
                }
                return Err(VchasnoPortError::RateLimited {
                    retry_after_secs: after,
                });
            }
            if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
                return Err(VchasnoPortError::Unauthorized);
            }
            let body = resp.text().await.map_err(|e| transport(&e))?;
            if status.is_server_error() {
                return Err(VchasnoPortError::Unreachable(format!(
                    "HTTP {}: {}",
                    status.as_u16(),
                    snippet(&body)
                )));
            }
            if !status.is_success() {
                return Err(VchasnoPortError::Rejected(format!(
                    "HTTP {}: {}",
                    status.as_u16(),
                    snippet(&body)
                )));
            }
            return serde_json::from_str(&body).map_err(|e| {
                VchasnoPortError::Rejected(format!("unexpected answer ({:?} error)", e.classify()))
            });
        }
    }
}

#[async_trait]
impl Vchasno for VchasnoClient {
    async fn check_company(&self, tax_id: &TaxId) -> Result<CompanyCheck, VchasnoPortError> {
        if !tax_id.is_company() && self.config.rnokpp_check == RnokppCheck::AssumeRegistered {
            return Ok(CompanyCheck {
                registered: true,
                name: None,
            });
        }
        let url = self.url("/api/v2/check/company");
        let answer: CheckAnswer = self
            .send(|| {
                self.http.post(&url).json(&CheckBody {
                    edrpou: tax_id.as_str(),
                })
            })
            .await?;
        Ok(CompanyCheck {
            registered: answer.is_registered,
            name: answer.name.filter(|n| !n.trim().is_empty()),
        })
    }

    async fn upload_act(&self, act: &ActUpload) -> Result<String, VchasnoPortError> {
        let url = self.url("/api/v2/documents");
        let mut query: Vec<(&str, String)> = vec![
            ("edrpou", act.recipient.to_string()),
            ("category", CATEGORY_ACT_OF_SERVICES.to_string()),
            ("title", act.title.clone()),
        ];
        if let Some(email) = &act.recipient_email {
            query.push(("email", email.clone()));
        }
        if self.config.upload_info_in_query {
            query.push(("number", act.number.clone()));
            query.push(("date", act.date.format("%Y-%m-%d").to_string()));
            query.push(("amount", self.config.amount_unit.format(act.amount)));
        }
        let answer: UploadAnswer = self
            .send(|| {
                let part = reqwest::multipart::Part::bytes(act.pdf.clone())
                    .file_name(act.file_name.clone())
                    .mime_str("application/pdf")
                    .unwrap_or_else(|_| reqwest::multipart::Part::bytes(act.pdf.clone()));
                let form = reqwest::multipart::Form::new().part("file", part);
                self.http.post(&url).query(&query).multipart(form)
            })
            .await?;
        answer
            .documents
            .first()
            .and_then(|d| id_text(&d.id))
            .ok_or_else(|| VchasnoPortError::Rejected("the upload returned no document".into()))
    }

    async fn statuses(
        &self,
        document_ids: &[String],
    ) -> Result<Vec<(String, VchasnoStatus)>, VchasnoPortError> {
        let url = self.url("/api/v2/documents/statuses");
        let mut out = Vec::with_capacity(document_ids.len());
        for chunk in document_ids.chunks(STATUS_BATCH) {
            let answer: StatusesAnswer = self
                .send(|| {
                    self.http.post(&url).json(&StatusesBody {
                        document_ids: chunk,
                    })
                })
                .await?;
            out.extend(answer.data_list.iter().filter_map(|i| {
                Some((
                    id_text(&i.document_id)?,
                    VchasnoStatus::from_code(i.status_id)?,
                ))
            }));
        }
        Ok(out)
    }

    async fn find_act(
        &self,
        recipient: &TaxId,
        number: &str,
        date: NaiveDate,
    ) -> Result<Option<String>, VchasnoPortError> {
        let url = self.url("/api/v2/documents");
        let from = date
            .checked_sub_days(Days::new(self.config.find_days_before.into()))
            .unwrap_or(NaiveDate::MIN);
        let to = date
            .checked_add_days(Days::new(self.config.find_days_after.into()))
            .unwrap_or(NaiveDate::MAX);
        let base: Vec<(&str, String)> = vec![
            ("edrpou", recipient.to_string()),
            ("category", CATEGORY_ACT_OF_SERVICES.to_string()),
            ("date_from", from.format("%Y-%m-%d").to_string()),
            ("date_to", to.format("%Y-%m-%d").to_string()),
            ("limit", LIST_LIMIT.to_string()),
        ];
        let mut cursor: Option<String> = None;
        let mut seen_cursors = Vec::new();
        let mut annulled = None;
        for _ in 0..self.config.find_max_pages {
            let mut query = base.clone();
            if let Some(c) = &cursor {
                query.push(("cursor", c.clone()));
            }
            let page: ListAnswer = self.send(|| self.http.get(&url).query(&query)).await?;
            for doc in &page.documents {
                if doc.number.as_ref().and_then(id_text).as_deref() != Some(number) {
                    continue;
                }
                let Some(id) = id_text(&doc.id) else { continue };
                if !doc.is_annulled() {
                    return Ok(Some(id));
                }
                annulled.get_or_insert(id);
            }
            match page.next_cursor.as_ref().and_then(id_text) {
                None => return Ok(annulled),
                Some(next) if seen_cursors.contains(&next) => {
                    return Err(VchasnoPortError::Rejected(format!(
                        "the document list repeated its cursor {next:?}"
                    )));
                }
                Some(next) => {
                    seen_cursors.push(next.clone());
                    cursor = Some(next);
                }
            }
        }
        Err(VchasnoPortError::Rejected(format!(
            "the document list has more than {} pages",
            self.config.find_max_pages
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_either_unit() {
        let m: Money = "1200.50".parse().unwrap();
        assert_eq!(AmountUnit::Kopiyky.format(m), "120050");
        assert_eq!(AmountUnit::Hryvnias.format(m), "1200.50");
    }

    #[test]
    fn ids_as_text() {
        assert_eq!(id_text(&serde_json::json!("abc")).as_deref(), Some("abc"));
        assert_eq!(id_text(&serde_json::json!(42)).as_deref(), Some("42"));
        assert_eq!(id_text(&serde_json::json!(null)), None);
    }

    #[test]
    fn the_token_never_prints() {
        let c = VchasnoConfig::new(SecretString::from("s3cret-token"));
        assert!(!format!("{c:?}").contains("s3cret"));
    }
}
