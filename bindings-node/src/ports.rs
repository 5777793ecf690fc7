//! Ports implemented in JavaScript: the clock and the registry lookup, as adapters of
//! `billing_core::ports::Clock` / `RegistryLookup` over napi thread-safe functions.
//!
//! The engine runs on napi's tokio runtime, never on the JavaScript thread, so every call into
//! JavaScript is queued to the event loop and its answer awaited:
//!
//! - the registry is asynchronous in Rust too: the worker awaits the function's result (a value or
//!   a Promise) without blocking;
//! - the clock is synchronous in Rust (`fn now()`): the worker blocks on the answer (with
//!   `block_in_place`, so other engine calls go on on the other workers). A clock that throws or
//!   returns anything but a valid `Date` fails the engine call with `clock.failed`; the instant the
//!   engine used meanwhile is the clock's last good reading.
//!
//! Both thread-safe functions are weak: they never keep the process alive by themselves.

use std::sync::{mpsc, Mutex, PoisonError};
use std::thread::{self, ThreadId};

use async_trait::async_trait;
use billing_core::ports::{Clock, RegistryError, RegistryLookup, RegistryRecord};
use billing_core::TaxId;
use chrono::{DateTime, NaiveDate, Utc};
use napi::bindgen_prelude::{FromNapiValue, Promise, TypeName, ValidateNapiValue};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{check_status, sys, Status, ValueType};
use napi_derive::napi;
use tokio::runtime::{Handle, RuntimeFlavor};

use crate::instant::Instant;
use crate::reply::{CallFaults, Failure};

/// `() => Date`: weak, errors caught (not passed as a first argument).
type ClockTsfn = ThreadsafeFunction<(), Instant, (), Status, false, true>;

/// `(taxId: string) => RegistryAnswer | Promise<RegistryAnswer>`: weak, errors caught.
type RegistryTsfn =
    ThreadsafeFunction<String, MaybePromise<RegistryAnswer>, String, Status, false, true>;

/// Validates that a JS value is a function (for the option fields that take one).
unsafe fn validate_function(env: sys::napi_env, value: sys::napi_value) -> napi::Result<()> {
    let mut kind = 0;
    check_status!(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
    if kind != sys::ValueType::napi_function {
        return Err(napi::Error::new(
            Status::FunctionExpected,
            "expected a function",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Clock
// ---------------------------------------------------------------------------------------------

/// A JavaScript clock as the engine's options take it: `() => Date`.
pub struct ClockFunction {
    tsfn: ClockTsfn,
    js_thread: ThreadId,
}

impl TypeName for ClockFunction {
    fn type_name() -> &'static str {
        "() => Date"
    }

    fn value_type() -> ValueType {
        ValueType::Function
    }
}

impl ValidateNapiValue for ClockFunction {}

impl FromNapiValue for ClockFunction {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        unsafe { validate_function(env, value)? };
        Ok(ClockFunction {
            tsfn: unsafe { ClockTsfn::from_napi_value(env, value)? },
            js_thread: thread::current().id(),
        })
    }
}

/// The engine's clock port, answered by a JavaScript function.
pub struct JsClock {
    function: ClockFunction,
    last_good: Mutex<DateTime<Utc>>,
}

impl JsClock {
    /// Reads the clock once: a clock that fails now is refused before the engine opens.
    pub fn new(function: ClockFunction) -> Result<JsClock, Failure> {
        let first = read(&function)?;
        Ok(JsClock {
            function,
            last_good: Mutex::new(first),
        })
    }
}

impl Clock for JsClock {
    fn now(&self) -> DateTime<Utc> {
        // The lock is not held while JavaScript answers: concurrent calls read the clock each.
        let reading = read(&self.function);
        let mut last = self
            .last_good
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match reading {
            Ok(now) => {
                *last = now;
                now
            }
            Err(failure) => {
                CallFaults::record(failure);
                *last
            }
        }
    }
}

/// Calls the JavaScript clock and waits for its answer.
fn read(function: &ClockFunction) -> Result<DateTime<Utc>, Failure> {
    let failed = |why: String| Failure::new("clock.failed", format!("the JavaScript clock {why}"));
    if thread::current().id() == function.js_thread {
        // Waiting here for the event loop would wait for ourselves.
        return Err(failed("was read on the JavaScript thread".into()));
    }
    let (tx, rx) = mpsc::sync_channel::<napi::Result<Instant>>(1);
    let status = function.tsfn.call_with_return_value(
        (),
        ThreadsafeFunctionCallMode::NonBlocking,
        move |answer, _env| {
            // The receiver only goes away when the caller gave up: nothing to report then.
            let _ = tx.send(answer);
            Ok(())
        },
    );
    if status != Status::Ok {
        return Err(failed(format!("could not be called ({status})")));
    }
    let wait = || rx.recv();
    let answer = match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(wait)
        }
        _ => wait(),
    };
    match answer {
        Ok(Ok(now)) => Ok(now.0),
        Ok(Err(e)) => Err(failed(format!("failed: {}", e.reason))),
        Err(_) => Err(failed("was not called: the environment is closing".into())),
    }
}

// ---------------------------------------------------------------------------------------------
// Registry lookup
// ---------------------------------------------------------------------------------------------

/// A VAT status as JavaScript sees it.
#[napi(discriminant = "kind", discriminant_case = "snake_case")]
pub enum VatStatus {
    /// A VAT payer with its 12-digit individual tax number (ІПН платника ПДВ).
    Payer {
        /// The 12-digit number.
        number: String,
        /// Registered since, `YYYY-MM-DD`.
        since: Option<Option<String>>,
    },
    /// Not a VAT payer.
    NotPayer,
}

/// What the state registries say about a ЄДРПОУ or РНОКПП: the answer a JavaScript registry
/// function returns (or resolves to), and what `Engine.lookupRequisites` gives back.
#[napi(discriminant = "kind", discriminant_case = "snake_case")]
// A value crossing the boundary once per lookup, never stored: the size of `Found` does not matter,
// and napi's enum conversion takes no boxed fields.
#[allow(clippy::large_enum_variant)]
pub enum RegistryAnswer {
    /// Found.
    Found {
        /// The code looked up.
        tax_id: String,
        /// Full name (company name, or the person's full name for a sole proprietor).
        name: String,
        /// Registered address.
        address: Option<Option<String>>,
        /// Director (companies).
        director: Option<Option<String>>,
        /// VAT status, when known.
        vat: Option<Option<VatStatus>>,
        /// Single-tax group, when known (1, 2 or 3).
        single_tax_group: Option<Option<u32>>,
        /// Warnings to show (terminated, bankrupt, ...); none when omitted.
        warnings: Option<Option<Vec<String>>>,
        /// Why `vat` is not known, when it is not: the VAT register is refreshing the record
        /// (never "not a payer"), failed, or was not asked.
        vat_unknown: Option<Option<VatUnknown>>,
        /// Descriptive details (short name, status, КВЕД, contacts, data date).
        details: Option<Option<RegistryDetails>>,
    },
    /// No such code in the registry.
    NotFound,
    /// The registry is refreshing the record: ask again after the delay. Never "not found".
    Pending {
        /// Suggested delay in seconds.
        retry_after_secs: u32,
    },
}

/// Why the VAT status of a found record is not known.
#[napi(discriminant = "kind", discriminant_case = "snake_case")]
pub enum VatUnknown {
    /// The VAT register is refreshing the record: ask again after the delay. Never "not a payer".
    Pending {
        /// Suggested delay in seconds.
        retry_after_secs: u32,
    },
    /// The VAT register could not be asked, or its answer was not usable.
    Failed {
        /// Why.
        reason: String,
    },
    /// The VAT register was not asked.
    NotAsked,
}

impl VatUnknown {
    fn into_core(self) -> billing_core::ports::registry::VatUnknown {
        use billing_core::ports::registry::VatUnknown as Core;
        match self {
            VatUnknown::Pending { retry_after_secs } => Core::Pending {
                retry_after_secs: retry_after_secs.into(),
            },
            VatUnknown::Failed { reason } => Core::Failed { reason },
            VatUnknown::NotAsked => Core::NotAsked,
        }
    }

    fn from_core(v: billing_core::ports::registry::VatUnknown) -> VatUnknown {
        use billing_core::ports::registry::VatUnknown as Core;
        match v {
            Core::Pending { retry_after_secs } => VatUnknown::Pending {
                retry_after_secs: u32::try_from(retry_after_secs).unwrap_or(u32::MAX),
            },
            Core::Failed { reason } => VatUnknown::Failed { reason },
            Core::NotAsked => VatUnknown::NotAsked,
        }
    }
}

/// The registry's descriptive details beyond the form's fields, for display (every field
/// optional; `terminated` and `bankrupt` are `false` when omitted).
#[napi(object)]
pub struct RegistryDetails {
    /// Short name (`ТОВ "…"`), companies.
    pub short_name: Option<String>,
    /// The registration status as the registry words it (`зареєстровано`, `припинено`, ...).
    pub status: Option<String>,
    /// The company or proprietor is terminated or being terminated.
    pub terminated: Option<bool>,
    /// A bankruptcy case is on record.
    pub bankrupt: Option<bool>,
    /// The main economic activity (КВЕД code, `62.01`).
    pub kved: Option<String>,
    /// The main economic activity's description.
    pub kved_name: Option<String>,
    /// Phone, as registered.
    pub phone: Option<String>,
    /// E-mail, as registered.
    pub email: Option<String>,
    /// The date of the registry's data, `YYYY-MM-DD`.
    pub actual_date: Option<String>,
}

impl RegistryDetails {
    fn into_core(self) -> Result<billing_core::ports::registry::RegistryDetails, String> {
        let RegistryDetails {
            short_name,
            status,
            terminated,
            bankrupt,
            kved,
            kved_name,
            phone,
            email,
            actual_date,
        } = self;
        Ok(billing_core::ports::registry::RegistryDetails {
            short_name,
            status,
            terminated: terminated.unwrap_or(false),
            bankrupt: bankrupt.unwrap_or(false),
            kved,
            kved_name,
            phone,
            email,
            actual_date: actual_date
                .map(|d| d.parse::<NaiveDate>())
                .transpose()
                .map_err(|e| format!("details.actualDate: {e}"))?,
        })
    }

    fn from_core(d: billing_core::ports::registry::RegistryDetails) -> RegistryDetails {
        let billing_core::ports::registry::RegistryDetails {
            short_name,
            status,
            terminated,
            bankrupt,
            kved,
            kved_name,
            phone,
            email,
            actual_date,
        } = d;
        RegistryDetails {
            short_name,
            status,
            terminated: Some(terminated),
            bankrupt: Some(bankrupt),
            kved,
            kved_name,
            phone,
            email,
            actual_date: actual_date.map(|d| d.format("%Y-%m-%d").to_string()),
        }
    }
}

impl VatStatus {
    /// The core's VAT status, for JavaScript.
    pub fn from_core(v: billing_core::ports::VatStatus) -> VatStatus {
        match v {
            billing_core::ports::VatStatus::Payer { number, since } => VatStatus::Payer {
                number,
                since: Some(since.map(|d| d.format("%Y-%m-%d").to_string())),
            },
            billing_core::ports::VatStatus::NotPayer => VatStatus::NotPayer,
        }
    }

    fn into_core(self) -> Result<billing_core::ports::VatStatus, String> {
        Ok(match self {
            VatStatus::Payer { number, since } => billing_core::ports::VatStatus::Payer {
                number,
                since: since
                    .flatten()
                    .map(|d| d.parse::<NaiveDate>())
                    .transpose()
                    .map_err(|e| format!("vat.since: {e}"))?,
            },
            VatStatus::NotPayer => billing_core::ports::VatStatus::NotPayer,
        })
    }
}

impl RegistryAnswer {
    /// The core's answer; a malformed answer is a failed lookup.
    fn into_core(self) -> Result<billing_core::ports::RegistryAnswer, String> {
        Ok(match self {
            RegistryAnswer::Found {
                tax_id,
                name,
                address,
                director,
                vat,
                single_tax_group,
                warnings,
                vat_unknown,
                details,
            } => billing_core::ports::RegistryAnswer::Found(RegistryRecord {
                tax_id: tax_id.parse::<TaxId>().map_err(|e| format!("taxId: {e}"))?,
                name,
                address: address.flatten(),
                director: director.flatten(),
                vat: vat.flatten().map(VatStatus::into_core).transpose()?,
                single_tax_group: single_tax_group
                    .flatten()
                    .map(u8::try_from)
                    .transpose()
                    .map_err(|e| format!("singleTaxGroup: {e}"))?,
                warnings: warnings.flatten().unwrap_or_default(),
                vat_unknown: vat_unknown.flatten().map(VatUnknown::into_core),
                details: details
                    .flatten()
                    .map(RegistryDetails::into_core)
                    .transpose()?
                    .unwrap_or_default(),
            }),
            RegistryAnswer::NotFound => billing_core::ports::RegistryAnswer::NotFound,
            RegistryAnswer::Pending { retry_after_secs } => {
                billing_core::ports::RegistryAnswer::Pending {
                    retry_after_secs: retry_after_secs.into(),
                }
            }
        })
    }

    /// The core's answer, for JavaScript.
    pub fn from_core(answer: billing_core::ports::RegistryAnswer) -> RegistryAnswer {
        match answer {
            billing_core::ports::RegistryAnswer::Found(r) => RegistryAnswer::Found {
                tax_id: r.tax_id.to_string(),
                name: r.name,
                address: Some(r.address),
                director: Some(r.director),
                vat: Some(r.vat.map(VatStatus::from_core)),
                single_tax_group: Some(r.single_tax_group.map(u32::from)),
                warnings: Some(Some(r.warnings)),
                vat_unknown: Some(r.vat_unknown.map(VatUnknown::from_core)),
                details: Some(Some(RegistryDetails::from_core(r.details))),
            },
            billing_core::ports::RegistryAnswer::NotFound => RegistryAnswer::NotFound,
            billing_core::ports::RegistryAnswer::Pending { retry_after_secs } => {
                RegistryAnswer::Pending {
                    retry_after_secs: u32::try_from(retry_after_secs).unwrap_or(u32::MAX),
                }
            }
        }
    }
}

/// A value, or a Promise of it: what a JavaScript port function may return.
pub enum MaybePromise<T: FromNapiValue + 'static> {
    /// The function returned a Promise (an `async` function).
    Promise(Promise<T>),
    /// The function returned the value itself.
    Value(T),
}

impl<T: FromNapiValue + 'static> FromNapiValue for MaybePromise<T> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let mut is_promise = false;
        check_status!(unsafe { sys::napi_is_promise(env, value, &mut is_promise) })?;
        if is_promise {
            Ok(MaybePromise::Promise(unsafe {
                Promise::from_napi_value(env, value)?
            }))
        } else {
            Ok(MaybePromise::Value(unsafe {
                T::from_napi_value(env, value)?
            }))
        }
    }
}

/// A JavaScript registry as the engine's options take it:
/// `(taxId: string) => RegistryAnswer | Promise<RegistryAnswer>`.
pub struct RegistryFunction(RegistryTsfn);

impl TypeName for RegistryFunction {
    fn type_name() -> &'static str {
        "(taxId: string) => RegistryAnswer | Promise<RegistryAnswer>"
    }

    fn value_type() -> ValueType {
        ValueType::Function
    }
}

impl ValidateNapiValue for RegistryFunction {}

impl FromNapiValue for RegistryFunction {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        unsafe { validate_function(env, value)? };
        Ok(RegistryFunction(unsafe {
            RegistryTsfn::from_napi_value(env, value)?
        }))
    }
}

/// The engine's registry lookup port, answered by a JavaScript function (the platform's own
/// registry client, say).
pub struct JsRegistry(RegistryFunction);

impl JsRegistry {
    /// The port over a JavaScript function.
    pub fn new(function: RegistryFunction) -> JsRegistry {
        JsRegistry(function)
    }
}

#[async_trait]
impl RegistryLookup for JsRegistry {
    async fn lookup(
        &self,
        tax_id: &TaxId,
    ) -> Result<billing_core::ports::RegistryAnswer, RegistryError> {
        let failed = |why: String| RegistryError::Failed(format!("the JavaScript registry {why}"));
        let returned = self
            .0
             .0
            .call_async_catch(tax_id.to_string())
            .await
            .map_err(|e| failed(format!("failed: {}", e.reason)))?;
        let answer = match returned {
            MaybePromise::Value(answer) => answer,
            MaybePromise::Promise(promise) => promise
                .await
                .map_err(|e| failed(format!("rejected: {}", e.reason)))?,
        };
        answer
            .into_core()
            .map_err(|e| failed(format!("answered with an invalid {e}")))
    }
}
