//! The engine's configuration.
//!
//! The optional `vchasno` and `registry` sections switch the engine from the in-memory Vchasno and
//! registry to the real adapters (`billing-vchasno`, `billing-youscore`); without them (and in
//! every configuration written before they existed) the in-memory ones stay.
//!
//! ```
//! use billing_engine::EngineConfig;
//! let mut json = serde_json::to_value(EngineConfig::with_defaults("memory:"))?;
//! json["vchasno"] = serde_json::json!({"token": "vchasno-token"});
//! json["registry"] = serde_json::json!({"api_key": "youscore-key", "cache_days": 7});
//! let config = EngineConfig::from_json(&json.to_string())?;
//! let registry = config.registry.as_ref().unwrap();
//! assert_eq!((registry.cache_days, registry.base_url.as_str()), (7, "https://api.youscore.com.ua"));
//! assert_eq!(config.vchasno.as_ref().unwrap().base_url, "https://edo.vchasno.ua");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use billing_core::account::BillingPolicy;
use billing_core::tariff::TariffCatalog;
use billing_vchasno::{AmountUnit, RnokppCheck, VchasnoClient, VchasnoConfig};
use billing_youscore::{AuthPlacement, Mapping, RateLimit, YouScoreClient, YouScoreConfig};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::engine::Ports;
use crate::error::EngineError;

/// How the engine is set up: where the store is, how the platform bills, and its tariff catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineConfig {
    /// The store: a SQLite file path (the embedded default, created and migrated on first open) or a
    /// `postgres://` URL (for a platform with many app servers).
    pub store: String,
    /// Invoice prefix, due days, grace, VAT, retry schedule, link validity.
    pub policy: BillingPolicy,
    /// The tariffs on offer.
    pub catalog: TariffCatalog,
    /// How often the bank job imports statements and credits transfers, in minutes (default 15, so
    /// a transfer is credited well within the promised 2 hours of the bank showing it).
    pub bank_job_every_minutes: u32,
    /// The seller (us) as acts of completed work print it; acts cannot be drawn up without it.
    #[serde(default)]
    pub seller: Option<crate::paperwork::SellerDetails>,
    /// The real Vchasno API (absent: the in-memory Vchasno).
    #[serde(default)]
    pub vchasno: Option<VchasnoSettings>,
    /// The real registry lookup, YouScore (absent: the in-memory registry, every code "not found").
    #[serde(default)]
    pub registry: Option<RegistrySettings>,
}

impl EngineConfig {
    /// The platform's defaults over a store: the standard catalog, the default policy.
    pub fn with_defaults(store: impl Into<String>) -> EngineConfig {
        EngineConfig::new(
            store,
            crate::catalog::standard_catalog().unwrap_or_default(),
        )
    }

    /// A configuration from JSON (`store`, `policy`, `catalog`, `bank_job_every_minutes`).
    pub fn from_json(json: &str) -> Result<EngineConfig, crate::EngineError> {
        serde_json::from_str(json).map_err(|e| crate::EngineError::Config(e.to_string()))
    }

    /// A configuration for a store with the platform's default policy.
    pub fn new(store: impl Into<String>, catalog: TariffCatalog) -> EngineConfig {
        EngineConfig {
            store: store.into(),
            policy: BillingPolicy::default(),
            catalog,
            bank_job_every_minutes: 15,
            seller: None,
            vchasno: None,
            registry: None,
        }
    }

    /// Checks the `vchasno` and `registry` sections (a token or key, an http(s) URL) without
    /// connecting anything.
    pub fn check_adapters(&self) -> Result<(), EngineError> {
        if let Some(v) = &self.vchasno {
            v.to_adapter_config()?;
        }
        if let Some(r) = &self.registry {
            r.to_adapter_config()?;
        }
        Ok(())
    }

    /// Replaces the in-memory Vchasno and registry of `ports` with the real adapters of the
    /// `vchasno` and `registry` sections (a section left out leaves its port as it is). The
    /// registry's cache reads the time from `ports.clock`: set the clock first.
    pub fn connect_adapters(&self, ports: &mut Ports) -> Result<(), EngineError> {
        if let Some(v) = &self.vchasno {
            let client = VchasnoClient::new(v.to_adapter_config()?)
                .map_err(|e| EngineError::Config(format!("vchasno: {e}")))?;
            ports.vchasno = Arc::new(client);
        }
        if let Some(r) = &self.registry {
            let client = YouScoreClient::new(r.to_adapter_config()?, ports.clock.clone())
                .map_err(|e| EngineError::Config(format!("registry: {e}")))?;
            ports.registry = Arc::new(client);
        }
        Ok(())
    }
}

/// A token or API key in the configuration: read from and written to JSON as the plain string,
/// never shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretText(String);

impl SecretText {
    /// A secret from its text.
    pub fn new(text: impl Into<String>) -> SecretText {
        SecretText(text.into())
    }

    /// The secret, for an adapter.
    pub fn to_secret(&self) -> SecretString {
        SecretString::from(self.0.clone())
    }

    fn check(&self, what: &str) -> Result<(), EngineError> {
        if self.0.trim().is_empty() {
            return Err(EngineError::Config(format!("{what} is empty")));
        }
        Ok(())
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

fn check_url(what: &str, url: &str) -> Result<String, EngineError> {
    let url = url.trim().trim_end_matches('/');
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    if host.is_none_or(str::is_empty) {
        return Err(EngineError::Config(format!(
            "{what} must be an http(s) URL: {url:?}"
        )));
    }
    Ok(url.to_string())
}

fn default_vchasno_url() -> String {
    billing_vchasno::VCHASNO_API.to_string()
}
fn default_youscore_url() -> String {
    billing_youscore::YOUSCORE_API.to_string()
}
fn secs_30() -> u64 {
    30
}
fn secs_10() -> u64 {
    10
}
fn secs_5() -> u64 {
    5
}
fn secs_20() -> u64 {
    20
}
fn one() -> u32 {
    1
}
fn two() -> u32 {
    2
}
fn yes() -> bool {
    true
}
fn days_30() -> u32 {
    30
}
fn hours_24() -> u32 {
    24
}
fn ms_1000() -> u64 {
    1000
}
fn capacity_10k() -> usize {
    10_000
}
fn standard_limits() -> Vec<RateLimitSetting> {
    RateLimit::standard()
        .into_iter()
        .map(|l| RateLimitSetting {
            max_requests: l.max_requests,
            per_secs: l.per.as_secs(),
        })
        .collect()
}
fn director_roles() -> Vec<String> {
    Mapping::default().director_roles
}
fn sole_proprietor_prefix() -> String {
    Mapping::default().sole_proprietor_prefix
}

/// The `vchasno` section: the Vchasno API v2 (`billing-vchasno`). Only `token` is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VchasnoSettings {
    /// The host (default `https://edo.vchasno.ua`).
    #[serde(default = "default_vchasno_url")]
    pub base_url: String,
    /// The API token (sent as `Authorization`, no `Bearer`).
    pub token: SecretText,
    /// How long one request may take, in seconds (default 30).
    #[serde(default = "secs_30")]
    pub request_timeout_secs: u64,
    /// How long to wait for a connection, in seconds (default 10).
    #[serde(default = "secs_10")]
    pub connect_timeout_secs: u64,
    /// How many times a 429 is retried (default 1).
    #[serde(default = "one")]
    pub rate_limit_retries: u32,
    /// The longest `Retry-After` waited, in seconds (default 5).
    #[serde(default = "secs_5")]
    pub max_retry_wait_secs: u64,
    /// The unit of a document's `amount` (default `kopiyky`; unverified).
    #[serde(default)]
    pub amount_unit: AmountUnit,
    /// How a РНОКПП is checked (default `ask`; unverified).
    #[serde(default)]
    pub rnokpp_check: RnokppCheck,
    /// Whether an upload carries `number`, `date`, `amount` in the query (default true; unverified).
    #[serde(default = "yes")]
    pub upload_info_in_query: bool,
}

impl VchasnoSettings {
    /// The settings with a token, defaults for the rest.
    pub fn new(token: impl Into<String>) -> VchasnoSettings {
        serde_json::from_value(serde_json::json!({ "token": token.into() }))
            .expect("a token is all the section needs")
    }

    /// The adapter's configuration, or why the section is not valid.
    pub fn to_adapter_config(&self) -> Result<VchasnoConfig, EngineError> {
        self.token.check("vchasno.token")?;
        let mut c = VchasnoConfig::new(self.token.to_secret())
            .with_base_url(check_url("vchasno.base_url", &self.base_url)?)
            .with_request_timeout(Duration::from_secs(self.request_timeout_secs.max(1)));
        c.connect_timeout = Duration::from_secs(self.connect_timeout_secs.max(1));
        c.rate_limit_retries = self.rate_limit_retries;
        c.max_retry_wait = Duration::from_secs(self.max_retry_wait_secs);
        c.amount_unit = self.amount_unit;
        c.rnokpp_check = self.rnokpp_check;
        c.upload_info_in_query = self.upload_info_in_query;
        Ok(c)
    }
}

/// Which registry the `registry` section configures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistryProvider {
    /// YouScore (API by YouControl): `billing-youscore` (the default, and the only one yet).
    #[default]
    Youscore,
}

/// One request limit of the registry's contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimitSetting {
    /// Requests allowed in a window.
    pub max_requests: u32,
    /// The window, in seconds.
    pub per_secs: u64,
}

/// The `registry` section: the YouScore registry lookup (`billing-youscore`). Only `api_key` is
/// required; the defaults are those of the adapter (see the `billing-youscore` crate docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrySettings {
    /// The registry (default `youscore`).
    #[serde(default)]
    pub provider: RegistryProvider,
    /// The host (default `https://api.youscore.com.ua`).
    #[serde(default = "default_youscore_url")]
    pub base_url: String,
    /// The data API key.
    pub api_key: SecretText,
    /// Where the key goes: `header` (`Authorization: bearer <key>`, default) or `query`
    /// (`?apiKey=`).
    #[serde(default)]
    pub auth: AuthPlacement,
    /// How long found records and VAT answers are cached, in days (default 30; 0: not cached).
    #[serde(default = "days_30")]
    pub cache_days: u32,
    /// How long "not found" is cached, in hours (default 24).
    #[serde(default = "hours_24")]
    pub not_found_cache_hours: u32,
    /// At most this many codes cached (default 10,000).
    #[serde(default = "capacity_10k")]
    pub cache_capacity: usize,
    /// How long one request may take, in seconds (default 30).
    #[serde(default = "secs_30")]
    pub request_timeout_secs: u64,
    /// How long to wait for a connection, in seconds (default 10).
    #[serde(default = "secs_10")]
    pub connect_timeout_secs: u64,
    /// The contract's limits kept on this side (default 50 per 5 s and 200 per 60 s).
    #[serde(default = "standard_limits")]
    pub rate_limits: Vec<RateLimitSetting>,
    /// How many times a 429 is retried (default 2).
    #[serde(default = "two")]
    pub rate_limit_retries: u32,
    /// The first wait after a 429 without `Retry-After`, in milliseconds, doubled each time
    /// (default 1000).
    #[serde(default = "ms_1000")]
    pub backoff_ms: u64,
    /// The longest wait the adapter does itself, in seconds (default 5).
    #[serde(default = "secs_5")]
    pub max_retry_wait_secs: u64,
    /// The delay a 202 suggests without `Retry-After`, in seconds (default 20; unverified).
    #[serde(default = "secs_20")]
    pub pending_retry_after_secs: u64,
    /// Ask for archived data at once (`showCurrentData=true`, no 202; default false).
    #[serde(default)]
    pub show_current_data: bool,
    /// Ask the VAT register too (default true).
    #[serde(default = "yes")]
    pub lookup_vat: bool,
    /// A signer is the director when the role contains one of these (default `["керівник"]`).
    #[serde(default = "director_roles")]
    pub director_roles: Vec<String>,
    /// Put before a sole proprietor's name (default `"ФОП "`).
    #[serde(default = "sole_proprietor_prefix")]
    pub sole_proprietor_prefix: String,
    /// Names written all in capitals become `Петренко Олена Іванівна` (default true).
    #[serde(default = "yes")]
    pub tidy_capitals: bool,
}

impl RegistrySettings {
    /// The settings with an API key, defaults for the rest.
    pub fn new(api_key: impl Into<String>) -> RegistrySettings {
        serde_json::from_value(serde_json::json!({ "api_key": api_key.into() }))
            .expect("an API key is all the section needs")
    }

    /// The adapter's configuration, or why the section is not valid.
    pub fn to_adapter_config(&self) -> Result<YouScoreConfig, EngineError> {
        self.api_key.check("registry.api_key")?;
        let mut c = YouScoreConfig::new(self.api_key.to_secret())
            .with_base_url(check_url("registry.base_url", &self.base_url)?)
            .with_cache_days(self.cache_days);
        c.auth = self.auth;
        c.not_found_cache_ttl = Duration::from_secs(u64::from(self.not_found_cache_hours) * 3600);
        c.cache_capacity = self.cache_capacity;
        c.request_timeout = Duration::from_secs(self.request_timeout_secs.max(1));
        c.connect_timeout = Duration::from_secs(self.connect_timeout_secs.max(1));
        c.rate_limits = self
            .rate_limits
            .iter()
            .map(|l| RateLimit {
                max_requests: l.max_requests,
                per: Duration::from_secs(l.per_secs),
            })
            .collect();
        c.rate_limit_retries = self.rate_limit_retries;
        c.backoff = Duration::from_millis(self.backoff_ms);
        c.max_retry_wait = Duration::from_secs(self.max_retry_wait_secs);
        c.pending_retry_after = Duration::from_secs(self.pending_retry_after_secs);
        c.show_current_data = self.show_current_data;
        c.lookup_vat = self.lookup_vat;
        c.mapping = Mapping {
            director_roles: self.director_roles.clone(),
            sole_proprietor_prefix: self.sole_proprietor_prefix.clone(),
            tidy_capitals: self.tidy_capitals,
        };
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_without_the_sections_still_reads() {
        let json = serde_json::to_value(EngineConfig::with_defaults("memory:")).unwrap();
        let mut old = json.as_object().unwrap().clone();
        old.remove("vchasno");
        old.remove("registry");
        let config = EngineConfig::from_json(&serde_json::Value::Object(old).to_string()).unwrap();
        assert_eq!(config.vchasno, None);
        assert_eq!(config.registry, None);
        // Written out, the sections are there as null (bindings check keys against the defaults).
        assert!(json.get("vchasno").unwrap().is_null());
        assert!(json.get("registry").unwrap().is_null());
    }

    #[test]
    fn sections_take_their_defaults() {
        let v = VchasnoSettings::new("t");
        assert_eq!(v.base_url, "https://edo.vchasno.ua");
        assert_eq!(v.request_timeout_secs, 30);
        assert!(v.upload_info_in_query);
        let r = RegistrySettings::new("k");
        assert_eq!(r.base_url, "https://api.youscore.com.ua");
        assert_eq!(r.cache_days, 30);
        assert_eq!(r.not_found_cache_hours, 24);
        assert_eq!(r.pending_retry_after_secs, 20);
        assert_eq!(r.director_roles, vec!["керівник".to_string()]);
        assert_eq!(
            r.rate_limits,
            vec![
                RateLimitSetting {
                    max_requests: 50,
                    per_secs: 5
                },
                RateLimitSetting {
                    max_requests: 200,
                    per_secs: 60
                }
            ]
        );
        let c = r.to_adapter_config().unwrap();
        assert_eq!(c.cache_ttl, Duration::from_secs(30 * 86_400));
        assert_eq!(c.rate_limits, RateLimit::standard());
    }

    #[test]
    fn secrets_never_print_and_bad_sections_are_config_errors() {
        let mut config = EngineConfig::with_defaults("memory:");
        config.vchasno = Some(VchasnoSettings::new("vch-s3cret"));
        config.registry = Some(RegistrySettings::new("ys-s3cret"));
        assert!(!format!("{config:?}").contains("s3cret"));
        let mut bad = RegistrySettings::new(" ");
        assert_eq!(
            bad.to_adapter_config().unwrap_err(),
            EngineError::Config("registry.api_key is empty".into())
        );
        bad = RegistrySettings::new("k");
        bad.base_url = "api.youscore.com.ua".into();
        assert!(matches!(
            bad.to_adapter_config().unwrap_err(),
            EngineError::Config(m) if m.contains("registry.base_url")
        ));
        let mut v = VchasnoSettings::new("t");
        v.base_url = "ftp://x".into();
        assert!(v.to_adapter_config().is_err());
    }
}
