//! # billing-youscore
//!
//! The YouScore (API by YouControl) adapter of the billing engine's [`RegistryLookup`] port, over
//! HTTPS (`reqwest` with rustls): given a ЄДРПОУ or a sole proprietor's РНОКПП, the requisites
//! from the state register and the VAT payer status with its 12-digit number.
//!
//! ```
//! use std::sync::Arc;
//! use axum::{extract::Path, routing::get, Json, Router};
//! use billing_core::ports::{Clock, RegistryAnswer, RegistryLookup, VatStatus};
//! use billing_youscore::{YouScoreClient, YouScoreConfig};
//! use secrecy::SecretString;
//! use serde_json::json;
//!
//! struct Fixed;
//! impl Clock for Fixed {
//!     fn now(&self) -> chrono::DateTime<chrono::Utc> { chrono::DateTime::UNIX_EPOCH }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! // A local stand-in for api.youscore.com.ua.
//! let app = Router::new()
//!     .route("/v1/usr/{code}", get(|Path(code): Path<String>| async move {
//!         Json(json!({"name": {"fullName": "ТОВ \"ПРИКЛАД\"", "shortName": "ТОВ \"ПРИКЛАД\""},
//!             "code": code, "status": "зареєстровано", "address": "м. Одеса, вул. Дерибасівська, 1",
//!             "addressParts": {"zip": "65000"},
//!             "signers": [{"name": "ПЕТРЕНКО ОЛЕНА ІВАНІВНА", "role": "керівник"}]}))
//!     }))
//!     .route("/v1/vat/{code}", get(|| async {
//!         Json(json!({"code": "143605715098", "registrationDate": "2016-01-11"}))
//!     }));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let base = format!("http://{}", listener.local_addr()?);
//! tokio::spawn(async move { axum::serve(listener, app).await });
//!
//! let config = YouScoreConfig::new(SecretString::from("key")).with_base_url(base);
//! let registry = YouScoreClient::new(config, Arc::new(Fixed))?;
//! let RegistryAnswer::Found(r) = registry.lookup(&"14360570".parse()?).await? else {
//!     panic!("found expected");
//! };
//! assert_eq!(r.name, "ТОВ \"ПРИКЛАД\"");
//! assert_eq!(r.address.as_deref(), Some("65000, м. Одеса, вул. Дерибасівська, 1"));
//! assert_eq!(r.director.as_deref(), Some("Петренко Олена Іванівна"));
//! assert_eq!(r.vat_number(), Some("143605715098"));
//! // Asked again: from the cache, no paid call.
//! assert_eq!(registry.lookup(&"14360570".parse()?).await?, RegistryAnswer::Found(r));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! | port answer | requests |
//! |---|---|
//! | [`RegistryAnswer::Found`] | `GET /v1/usr/{code}` 200, then `GET /v1/vat/{code}`: 200 → a payer with its `code` (12 digits) and `registrationDate`; 404 → not a payer; 202 → VAT status pending ([`VatUnknown::Pending`], never "not a payer") |
//! | [`RegistryAnswer::NotFound`] | `GET /v1/usr/{code}` 404 (the VAT register is not asked) |
//! | [`RegistryAnswer::Pending`] | `GET /v1/usr/{code}` 202 "Update in progress": ask again after `Retry-After`, else [`YouScoreConfig::pending_retry_after`] |
//! | `Err(`[`RegistryError`]`)` | see below |
//!
//! Every request carries `Authorization: bearer <key>` ([`AuthPlacement::Header`], the default) or
//! `?apiKey=<key>` ([`AuthPlacement::Query`]).
//!
//! # The mapping (reference part B7)
//! | record | YouScore |
//! |---|---|
//! | `name` | `name.fullName`; a sole proprietor (10-digit code, or `name` given as a string): [`Mapping::sole_proprietor_prefix`] + `name` |
//! | `details.short_name` | `name.shortName` |
//! | `tax_id` | the code asked for (a sole proprietor's answer carries none) |
//! | `address` | `address`, with `addressParts.zip` in front when missing; or the parts joined |
//! | `director` | the first of `signers` whose `role` contains one of [`Mapping::director_roles`] (else the only signer); none for a sole proprietor |
//! | `details.status`, `details.terminated`, `details.bankrupt`, `warnings` | `status`, `terminationStatus`, `registrationOfTermination`, `bankruptcyStatus`: a warning when terminated or bankrupt |
//! | `details.kved`, `details.kved_name` | `mainEconomicActivity.code`, `.description` |
//! | `details.phone`, `details.email` | `contacts.phone`, `contacts.email` |
//! | `details.actual_date` | `actualDate` |
//! | `vat` | `/v1/vat` `code` + `registrationDate` (404: not a payer) |
//!
//! # Errors
//! | answer | port error |
//! |---|---|
//! | 401, 403 | [`RegistryError::Unauthorized`] |
//! | 429 | waits `Retry-After` (without it: [`YouScoreConfig::backoff`], doubled each time) and tries again, at most [`YouScoreConfig::rate_limit_retries`] times and only while the wait is at most [`YouScoreConfig::max_retry_wait`]; then [`RegistryError::RateLimited`] |
//! | 400, other 4xx, 5xx, connection failure, timeout, an answer that does not parse | [`RegistryError::Failed`] |
//!
//! Before each request the adapter keeps to [`YouScoreConfig::rate_limits`] itself (documented for a
//! standard contract: 50 requests per 5 s and 200 per minute per key): it waits for a free slot when
//! that is at most [`YouScoreConfig::max_retry_wait`] away, else answers
//! [`RegistryError::RateLimited`] without asking.
//!
//! # The cache
//! Each data call is a paid transaction, so answers are kept in memory by code
//! ([`cache::AnswerCache`]): a found record and a VAT answer for [`YouScoreConfig::cache_ttl`]
//! (30 days), "not found" for [`YouScoreConfig::not_found_cache_ttl`] (1 day). Pending (202) answers
//! are never kept; a record whose VAT status was pending is kept, and only the VAT register is asked
//! again. The time comes from the [`Clock`] given to [`YouScoreClient::new`].
//!
//! # Settings for what the reference could not verify
//! - [`YouScoreConfig::pending_retry_after`] (20 s): the delay a 202 suggests when it has no
//!   `Retry-After` (a production client saw the 200 about 20 s later).
//! - [`YouScoreConfig::show_current_data`] (false): `?showCurrentData=true` returns archived data at
//!   once instead of refreshing (no 202, possibly stale data).
//! - [`YouScoreConfig::lookup_vat`] (true): whether `/v1/vat` is asked (one more paid call).
//! - [`YouScoreConfig::rate_limits`] (50/5 s, 200/min): the standard contract's; others differ.
//! - [`Mapping::director_roles`] (`["керівник"]`), [`Mapping::sole_proprietor_prefix`] (`"ФОП "`),
//!   [`Mapping::tidy_capitals`] (true): the role wording, and a sole proprietor's name in capitals,
//!   come from one production client's observations.
//! - Dates are read as `YYYY-MM-DD[...]` or `DD.MM.YYYY`; another form is no date, not a failure.
//!   The termination and bankruptcy fields' exact shapes are not known: any non-empty value is a
//!   warning unless its wording says "зареєстровано"/"відсутн"/"немає"/"не перебуває".
//! - Prices are not published; the `singleTaxPayerInfo` shape is not known, so the single-tax group
//!   is left to the owner.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cache;
pub mod limit;
pub mod map;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use billing_core::ports::registry::VatUnknown;
use billing_core::ports::{
    Clock, RegistryAnswer, RegistryError, RegistryLookup, RegistryRecord, VatStatus,
};
use billing_core::TaxId;
use reqwest::{Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cache::{AnswerCache, CacheTtl, UsrEntry};
use crate::limit::Limiter;
pub use crate::limit::RateLimit;
pub use crate::map::Mapping;

/// YouScore's production host.
pub const YOUSCORE_API: &str = "https://api.youscore.com.ua";

/// Where the API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthPlacement {
    /// `Authorization: bearer <key>` (the default).
    #[default]
    Header,
    /// `?apiKey=<key>` in the query.
    Query,
}

/// How the adapter reaches YouScore.
#[derive(Clone)]
pub struct YouScoreConfig {
    /// The host (`https://api.youscore.com.ua`; a local server in tests).
    pub base_url: String,
    /// The data API key. A secret.
    pub api_key: SecretString,
    /// Where the key goes (default: the header).
    pub auth: AuthPlacement,
    /// How long one request may take (default 30 s).
    pub request_timeout: Duration,
    /// How long to wait for a connection (default 10 s).
    pub connect_timeout: Duration,
    /// The per-key limits kept on this side (default 50 per 5 s and 200 per minute).
    pub rate_limits: Vec<RateLimit>,
    /// How many times a 429 is retried (default 2).
    pub rate_limit_retries: u32,
    /// The first wait after a 429 without `Retry-After`, doubled each time (default 1 s).
    pub backoff: Duration,
    /// The longest wait the adapter does itself, for a 429 or its own limits (default 5 s); a
    /// longer one is answered as [`RegistryError::RateLimited`] at once.
    pub max_retry_wait: Duration,
    /// The delay a 202 suggests without `Retry-After` (default 20 s).
    pub pending_retry_after: Duration,
    /// Whether `/v1/usr` asks for the archived data at once (`showCurrentData=true`; default false).
    pub show_current_data: bool,
    /// Whether the VAT register (`/v1/vat`) is asked (default true).
    pub lookup_vat: bool,
    /// How long found records and VAT answers are kept (default 30 days).
    pub cache_ttl: Duration,
    /// How long "not found" is kept (default 1 day).
    pub not_found_cache_ttl: Duration,
    /// At most this many codes kept (default 10,000; 0: no cache).
    pub cache_capacity: usize,
    /// How answers map to the record.
    pub mapping: Mapping,
}

impl YouScoreConfig {
    /// The production host with a key, defaults for the rest.
    pub fn new(api_key: SecretString) -> YouScoreConfig {
        YouScoreConfig {
            base_url: YOUSCORE_API.to_string(),
            api_key,
            auth: AuthPlacement::Header,
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            rate_limits: RateLimit::standard(),
            rate_limit_retries: 2,
            backoff: Duration::from_secs(1),
            max_retry_wait: Duration::from_secs(5),
            pending_retry_after: Duration::from_secs(20),
            show_current_data: false,
            lookup_vat: true,
            cache_ttl: Duration::from_secs(30 * 24 * 3600),
            not_found_cache_ttl: Duration::from_secs(24 * 3600),
            cache_capacity: 10_000,
            mapping: Mapping::default(),
        }
    }

    /// The same with another host.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> YouScoreConfig {
        self.base_url = base_url.into().trim_end_matches('/').to_string();
        self
    }

    /// The same with another cache time for found records and VAT answers.
    pub fn with_cache_days(mut self, days: u32) -> YouScoreConfig {
        self.cache_ttl = Duration::from_secs(u64::from(days) * 24 * 3600);
        self
    }
}

impl fmt::Debug for YouScoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("YouScoreConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &"***")
            .field("auth", &self.auth)
            .field("request_timeout", &self.request_timeout)
            .field("rate_limits", &self.rate_limits)
            .field("cache_ttl", &self.cache_ttl)
            .field("show_current_data", &self.show_current_data)
            .field("lookup_vat", &self.lookup_vat)
            .finish_non_exhaustive()
    }
}

/// What one data request gave.
#[derive(Debug)]
enum Reply {
    Ok(Value),
    Pending { retry_after_secs: u64 },
    NotFound,
}

/// The YouScore adapter (with its cache and limiter).
pub struct YouScoreClient {
    config: YouScoreConfig,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    cache: Mutex<AnswerCache>,
    limiter: Mutex<Limiter>,
}

impl fmt::Debug for YouScoreClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("YouScoreClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn transport(e: &reqwest::Error) -> RegistryError {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    RegistryError::Failed(format!("YouScore {what}"))
}

/// `Retry-After` in seconds (the HTTP-date form is not used by APIs of this kind: ignored).
fn retry_after(resp: &Response) -> Option<u64> {
    resp.headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn snippet(body: &str) -> String {
    body.chars().take(200).collect()
}

fn secs_up(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

fn chrono_ttl(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl YouScoreClient {
    /// An adapter for a configuration; the cache reads the time from `clock`.
    pub fn new(
        config: YouScoreConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<YouScoreClient, RegistryError> {
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("billing-youscore/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| RegistryError::Failed(format!("HTTP client: {e}")))?;
        let cache = AnswerCache::new(CacheTtl {
            found: chrono_ttl(config.cache_ttl),
            not_found: chrono_ttl(config.not_found_cache_ttl),
            capacity: config.cache_capacity,
        });
        let limiter = Limiter::new(config.rate_limits.clone());
        Ok(YouScoreClient {
            config,
            http,
            clock,
            cache: Mutex::new(cache),
            limiter: Mutex::new(limiter),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &YouScoreConfig {
        &self.config
    }

    /// Forgets the cached answers for a code (the next lookup asks YouScore).
    pub fn forget(&self, tax_id: &TaxId) {
        lock(&self.cache).forget(tax_id.as_str());
    }

    /// How many record and VAT answers the cache holds.
    pub fn cached(&self) -> (usize, usize) {
        lock(&self.cache).len()
    }

    /// Waits for a free slot under the limits, or says how long it would be.
    async fn take_slot(&self) -> Result<(), RegistryError> {
        loop {
            let wait = lock(&self.limiter).reserve(tokio::time::Instant::now());
            if wait.is_zero() {
                return Ok(());
            }
            if wait > self.config.max_retry_wait {
                return Err(RegistryError::RateLimited {
                    retry_after_secs: Some(secs_up(wait)),
                });
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// One `GET` of a data endpoint, with the limits, the 429 retries and the error mapping.
    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Reply, RegistryError> {
        let url = format!("{}{path}", self.config.base_url);
        let mut tries = 0u32;
        loop {
            self.take_slot().await?;
            let mut req = self.http.get(&url).query(query);
            req = match self.config.auth {
                AuthPlacement::Header => req.header(
                    reqwest::header::AUTHORIZATION,
                    format!("bearer {}", self.config.api_key.expose_secret()),
                ),
                AuthPlacement::Query => {
                    req.query(&[("apiKey", self.config.api_key.expose_secret())])
                }
            };
            let resp = req.send().await.map_err(|e| transport(&e))?;
            let status = resp.status();
            match status {
                StatusCode::TOO_MANY_REQUESTS => {
                    let after = retry_after(&resp);
                    let wait = match after {
                        Some(s) => Duration::from_secs(s),
                        None => self.config.backoff.saturating_mul(1 << tries.min(16)),
                    };
                    if tries < self.config.rate_limit_retries && wait <= self.config.max_retry_wait
                    {
                        tries += 1;
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    return Err(RegistryError::RateLimited {
                        retry_after_secs: Some(after.unwrap_or_else(|| secs_up(wait))),
                    });
                }
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                    return Err(RegistryError::Unauthorized {
                        status: status.as_u16(),
                    })
                }
                StatusCode::ACCEPTED => {
                    return Ok(Reply::Pending {
                        retry_after_secs: retry_after(&resp)
                            .unwrap_or_else(|| secs_up(self.config.pending_retry_after)),
                    })
                }
                StatusCode::NOT_FOUND => return Ok(Reply::NotFound),
                _ => {}
            }
            let body = resp.text().await.map_err(|e| transport(&e))?;
            if !status.is_success() {
                return Err(RegistryError::Failed(format!(
                    "YouScore HTTP {}: {}",
                    status.as_u16(),
                    snippet(&body)
                )));
            }
            return match serde_json::from_str::<Value>(&body) {
                Ok(v @ Value::Object(_)) => Ok(Reply::Ok(v)),
                Ok(_) => Err(RegistryError::Failed(
                    "YouScore answered with something other than an object".into(),
                )),
                Err(e) => Err(RegistryError::Failed(format!(
                    "YouScore answer does not parse ({:?} error)",
                    e.classify()
                ))),
            };
        }
    }

    /// The record part: from the cache, or `/v1/usr/{code}`.
    async fn usr(&self, tax_id: &TaxId) -> Result<Result<UsrEntry, u64>, RegistryError> {
        let code = tax_id.as_str();
        if let Some(hit) = lock(&self.cache).usr(code, self.clock.now()).cloned() {
            return Ok(Ok(hit));
        }
        let query: &[(&str, &str)] = if self.config.show_current_data {
            &[("showCurrentData", "true")]
        } else {
            &[]
        };
        let entry = match self.get(&format!("/v1/usr/{code}"), query).await? {
            Reply::Pending { retry_after_secs } => return Ok(Err(retry_after_secs)),
            Reply::NotFound => UsrEntry::NotFound,
            Reply::Ok(body) => UsrEntry::Found(Box::new(
                map::usr_record(*tax_id, &body, &self.config.mapping).ok_or_else(|| {
                    RegistryError::Failed("YouScore answered without a name".into())
                })?,
            )),
        };
        lock(&self.cache).put_usr(code, entry.clone(), self.clock.now());
        Ok(Ok(entry))
    }

    /// The VAT part: from the cache, or `/v1/vat/{code}`; a failure here is an unknown status on
    /// the record, not a failed lookup.
    async fn vat(&self, tax_id: &TaxId) -> Result<VatStatus, VatUnknown> {
        let code = tax_id.as_str();
        if let Some(hit) = lock(&self.cache).vat(code, self.clock.now()).cloned() {
            return Ok(hit);
        }
        let status = match self.get(&format!("/v1/vat/{code}"), &[]).await {
            Ok(Reply::Pending { retry_after_secs }) => {
                return Err(VatUnknown::Pending { retry_after_secs })
            }
            Ok(Reply::NotFound) => VatStatus::NotPayer,
            Ok(Reply::Ok(body)) => map::vat_status(&body).ok_or_else(|| VatUnknown::Failed {
                reason: "the VAT register answered without a 12-digit number".into(),
            })?,
            Err(e) => {
                return Err(VatUnknown::Failed {
                    reason: e.to_string(),
                })
            }
        };
        lock(&self.cache).put_vat(code, status.clone(), self.clock.now());
        Ok(status)
    }
}

#[async_trait]
impl RegistryLookup for YouScoreClient {
    async fn lookup(&self, tax_id: &TaxId) -> Result<RegistryAnswer, RegistryError> {
        let mut record: RegistryRecord = match self.usr(tax_id).await? {
            Err(retry_after_secs) => return Ok(RegistryAnswer::Pending { retry_after_secs }),
            Ok(UsrEntry::NotFound) => return Ok(RegistryAnswer::NotFound),
            Ok(UsrEntry::Found(r)) => *r,
        };
        if !self.config.lookup_vat {
            record.vat_unknown = Some(VatUnknown::NotAsked);
            return Ok(RegistryAnswer::Found(record));
        }
        match self.vat(tax_id).await {
            Ok(v) => record.vat = Some(v),
            Err(why) => record.vat_unknown = Some(why),
        }
        Ok(RegistryAnswer::Found(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_never_prints() {
        let c = YouScoreConfig::new(SecretString::from("s3cret-key"));
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let c = YouScoreConfig::new(SecretString::from("k")).with_cache_days(7);
        assert_eq!(c.base_url, YOUSCORE_API);
        assert_eq!(c.cache_ttl, Duration::from_secs(7 * 86_400));
        assert_eq!(c.not_found_cache_ttl, Duration::from_secs(86_400));
        assert_eq!(c.pending_retry_after, Duration::from_secs(20));
        assert_eq!(c.rate_limits, RateLimit::standard());
        assert!(c.lookup_vat && !c.show_current_data);
        assert_eq!(c.auth, AuthPlacement::Header);
    }
}
