//! The clock port: the host says what time it is; calendar days are read in Europe/Kyiv.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use billing_core::calendar::kyiv_date;
use chrono::{DateTime, TimeDelta, Utc};

use crate::error::CODE_TIMESTAMP_OUT_OF_RANGE;
use crate::{BillingError, CalendarDate};

/// The current time, supplied by the host (годинник). The core never reads a clock itself.
///
/// Implement it in Swift (`Date()`), Kotlin or Python; tests pass a fixed instant. Throwing a
/// `BillingError` passes it through unchanged; any other error arrives as
/// `BillingError.Unexpected` with the code `ffi.callback_failed`.
#[uniffi::export(with_foreign)]
pub trait Clock: Send + Sync {
    /// The current instant (a UTC timestamp: Swift `Date`, Python aware `datetime`).
    fn now(&self) -> Result<SystemTime, BillingError>;
}

/// Today's date in the Kyiv calendar, the one billing months and documents follow (Kyiv keeps
/// daylight saving: its midnight is 22:00 UTC in winter and 21:00 UTC in summer). The core's
/// `calendar::kyiv_date` decides; this reads the clock and converts the instant.
///
/// Errors: whatever the clock throws; `ffi.timestamp_out_of_range` for an instant beyond the
/// calendar's range.
#[uniffi::export]
pub fn today_in_kyiv(clock: Arc<dyn Clock>) -> Result<CalendarDate, BillingError> {
    let now = clock.now()?;
    let utc = to_utc(now).ok_or_else(|| {
        BillingError::unexpected(
            CODE_TIMESTAMP_OUT_OF_RANGE,
            format!("the clock gave an instant out of range: {now:?}"),
        )
    })?;
    Ok(kyiv_date(utc))
}

/// The instant as a UTC date-time, before or after 1970, or `None` out of chrono's range.
fn to_utc(instant: SystemTime) -> Option<DateTime<Utc>> {
    match instant.duration_since(UNIX_EPOCH) {
        Ok(after) => DateTime::UNIX_EPOCH.checked_add_signed(TimeDelta::from_std(after).ok()?),
        Err(before) => {
            DateTime::UNIX_EPOCH.checked_sub_signed(TimeDelta::from_std(before.duration()).ok()?)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    struct Fixed(SystemTime);

    impl Clock for Fixed {
        fn now(&self) -> Result<SystemTime, BillingError> {
            Ok(self.0)
        }
    }

    fn kyiv_day(unix_seconds: i64) -> String {
        let offset = Duration::from_secs(unix_seconds.unsigned_abs());
        let instant = if unix_seconds >= 0 {
            UNIX_EPOCH + offset
        } else {
            UNIX_EPOCH - offset
        };
        today_in_kyiv(Arc::new(Fixed(instant))).unwrap().to_string()
    }

    #[test]
    fn kyiv_midnight_follows_daylight_saving() {
        // 2024-01-15 21:59:59 UTC is 23:59:59 in Kyiv (UTC+2); a second later it is the 16th.
        assert_eq!(kyiv_day(1_705_355_999), "2024-01-15");
        assert_eq!(kyiv_day(1_705_356_000), "2024-01-16");
        // 2024-07-15 20:59:59 UTC is 23:59:59 in Kyiv (UTC+3, summer time).
        assert_eq!(kyiv_day(1_721_077_199), "2024-07-15");
        assert_eq!(kyiv_day(1_721_077_200), "2024-07-16");
        // Before 1970: 1969-12-31 22:00:00 UTC is already 1970-01-01 in Kyiv (then UTC+3, Moscow time).
        assert_eq!(kyiv_day(-7_200), "1970-01-01");
    }

    #[test]
    fn clock_errors_pass_through() {
        struct Broken;
        impl Clock for Broken {
            fn now(&self) -> Result<SystemTime, BillingError> {
                Err(BillingError::unexpected("ffi.callback_failed", "no clock"))
            }
        }
        let err = today_in_kyiv(Arc::new(Broken)).unwrap_err();
        assert_eq!(err.code(), "ffi.callback_failed");
    }
}
