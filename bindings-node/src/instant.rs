//! Instants as JavaScript `Date`s.

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{FromNapiValue, ToNapiValue, TypeName, ValidateNapiValue};
use napi::{check_status, sys, Status, ValueType};
use serde::{Deserialize, Deserializer};

/// An instant (UTC) that crosses the boundary as a JavaScript `Date`, to the millisecond.
///
/// Reading refuses anything but a valid `Date` (an `Invalid Date` included), so a foreign clock
/// cannot slip the epoch into the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instant(pub DateTime<Utc>);

impl TypeName for Instant {
    fn type_name() -> &'static str {
        "Date"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for Instant {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut date = std::ptr::null_mut();
        let millis = val.0.timestamp_millis() as f64;
        check_status!(
            unsafe { sys::napi_create_date(env, millis, &mut date) },
            "creating a Date failed"
        )?;
        Ok(date)
    }
}

impl FromNapiValue for Instant {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let mut is_date = false;
        check_status!(unsafe { sys::napi_is_date(env, value, &mut is_date) })?;
        if !is_date {
            return Err(napi::Error::new(Status::DateExpected, "expected a Date"));
        }
        let mut millis = 0.0_f64;
        check_status!(unsafe { sys::napi_get_date_value(env, value, &mut millis) })?;
        // A Date holds at most ±8.64e15 ms, well inside both i64 and chrono's range; NaN is an
        // `Invalid Date`.
        if !millis.is_finite() {
            return Err(napi::Error::new(Status::DateExpected, "an Invalid Date"));
        }
        DateTime::from_timestamp_millis(millis as i64)
            .map(Instant)
            .ok_or_else(|| napi::Error::new(Status::DateExpected, "a Date out of range"))
    }
}

impl ValidateNapiValue for Instant {
    unsafe fn validate(
        env: sys::napi_env,
        value: sys::napi_value,
    ) -> napi::Result<sys::napi_value> {
        let mut is_date = false;
        check_status!(unsafe { sys::napi_is_date(env, value, &mut is_date) })?;
        if !is_date {
            return Err(napi::Error::new(Status::DateExpected, "expected a Date"));
        }
        Ok(std::ptr::null_mut())
    }
}

/// Reads the core's JSON form of an instant (RFC 3339).
impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        DateTime::<Utc>::deserialize(deserializer).map(Instant)
    }
}
