//! The clock port: the current instant. The core never reads a clock; the engine asks this port and
//! passes `now` into every decision, so tests run on a test clock.

use chrono::{DateTime, Utc};

/// Tells the current time.
pub trait Clock: Send + Sync {
    /// The current instant (UTC).
    fn now(&self) -> DateTime<Utc>;
}
