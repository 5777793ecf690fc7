//! How the engine's results reach JavaScript: a Promise that resolves to the value or rejects with a
//! plain `Error` whose `code` is the core's dotted code, the same as the synchronous functions throw.
//!
//! napi rejects an `async fn`'s `Err` with its own status as the code (`GenericFailure`), so the
//! engine methods return a [`Reply`] instead: it is converted on the JavaScript thread, where a failure
//! becomes a real `Error` object with `.code` and the promise rejects with exactly that object.

use std::fmt::Display;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use billing_core::ErrorCode;
use napi::bindgen_prelude::{ToNapiValue, Unknown};
use napi::{check_status, sys, JsError};

/// A failure on its way to JavaScript: the dotted code and the message, unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The dotted code, e.g. `service_code.length`, `project.not_found`, `clock.failed`.
    pub code: &'static str,
    /// The message (the core's `Display` text for core errors).
    pub message: String,
    /// The bad fields of a requisites form (`requisites.invalid`), each with its own code: the
    /// JS error's `errors` property. Empty for every other failure.
    pub errors: Vec<FieldFailure>,
}

/// One bad field of a form, as the JS error's `errors` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldFailure {
    /// The field, as the core names it (`tax_id`, `iban`, `vat_number`, ...).
    pub field: String,
    /// The field's dotted code (`edrpou.checksum`, `requisites.required`, ...).
    pub code: String,
    /// The message.
    pub message: String,
}

impl Failure {
    /// A failure with a code of the binding itself (`clock.failed`, `command.invalid`, ...).
    pub fn new(code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    /// An engine failure; a refused requisites form also lists its bad fields (`errors`).
    pub fn engine(err: billing_engine::EngineError) -> Failure {
        use billing_core::paperwork::PaperworkError;
        use billing_core::project::ProjectError;
        let mut failure = Failure::new(err.code(), err.to_string());
        if let billing_engine::EngineError::Refused(ProjectError::Paperwork(
            PaperworkError::Form { errors },
        )) = &err
        {
            failure.errors = errors
                .iter()
                .map(|e| FieldFailure {
                    field: e.field.clone(),
                    code: e.code.clone(),
                    message: e.message.clone(),
                })
                .collect();
        }
        failure
    }
}

/// Every error of the core, the engine and the ports converts with its own code and message.
impl<E: ErrorCode + Display> From<E> for Failure {
    fn from(err: E) -> Failure {
        Failure::new(err.code(), err.to_string())
    }
}

/// What an engine method's Promise settles with: the value, or a rejection with a coded `Error`.
pub struct Reply<T>(pub Result<T, Failure>);

impl<T: ToNapiValue> ToNapiValue for Reply<T> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        match val.0 {
            Ok(value) => unsafe { T::to_napi_value(env, value) },
            Err(failure) => {
                // A real JS `Error` with `.code`, handed to napi as the value to reject with.
                let error = napi::Error::new(failure.code, failure.message.clone());
                let js = unsafe { JsError::from(error).into_value(env) };
                if js.is_null() {
                    // The environment is going away: nothing could receive the error anyway.
                    return Err(napi::Error::from_reason(failure.message));
                }
                if !failure.errors.is_empty() {
                    let errors = serde_json::to_value(&failure.errors)
                        .map_err(|e| napi::Error::from_reason(e.to_string()))?;
                    let errors = unsafe { serde_json::Value::to_napi_value(env, errors)? };
                    check_status!(unsafe {
                        sys::napi_set_named_property(env, js, c"errors".as_ptr(), errors)
                    })?;
                }
                Err(napi::Error::from(unsafe {
                    Unknown::from_raw_unchecked(env, js)
                }))
            }
        }
    }
}

tokio::task_local! {
    /// The failures of the JavaScript ports during the current engine call (see [`CallFaults`]).
    static CALL: Arc<CallFaults>;
}

/// Failures of a JavaScript port that cannot return an error through its Rust trait (the clock's
/// `now()` returns a plain instant): recorded here during one engine call, they fail that call.
#[derive(Debug, Default)]
pub struct CallFaults(Mutex<Option<Failure>>);

impl CallFaults {
    /// Records a failure in the current engine call; returns `false` outside any call.
    pub fn record(failure: Failure) -> bool {
        CALL.try_with(|faults| {
            let mut slot = faults.0.lock().unwrap_or_else(PoisonError::into_inner);
            slot.get_or_insert(failure);
        })
        .is_ok()
    }

    fn take(&self) -> Option<Failure> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Runs one engine call: its own failure or, first, a failure a JavaScript port recorded during it.
pub async fn call<T>(fut: impl Future<Output = Result<T, Failure>>) -> Reply<T> {
    let faults = Arc::new(CallFaults::default());
    let result = CALL.scope(faults.clone(), fut).await;
    Reply(match faults.take() {
        Some(failure) => Err(failure),
        None => result,
    })
}
