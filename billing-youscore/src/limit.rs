//! The documented request limits per key (a standard contract: 50 requests per 5 s and 200 per
//! minute), kept on this side so the adapter waits instead of collecting 429s. Pure: the instant is
//! an argument.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

/// At most `max_requests` within any window of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in a window.
    pub max_requests: u32,
    /// The window.
    pub per: Duration,
}

impl RateLimit {
    /// The documented limits of a standard contract: 50 per 5 s, 200 per minute.
    pub fn standard() -> Vec<RateLimit> {
        vec![
            RateLimit {
                max_requests: 50,
                per: Duration::from_secs(5),
            },
            RateLimit {
                max_requests: 200,
                per: Duration::from_secs(60),
            },
        ]
    }
}

/// The requests sent recently, against the limits.
#[derive(Debug, Clone)]
pub struct Limiter {
    limits: Vec<RateLimit>,
    sent: VecDeque<Instant>,
}

impl Limiter {
    /// A limiter for these limits (none: never waits).
    pub fn new(limits: Vec<RateLimit>) -> Limiter {
        let limits = limits
            .into_iter()
            .filter(|l| l.max_requests > 0 && !l.per.is_zero())
            .collect();
        Limiter {
            limits,
            sent: VecDeque::new(),
        }
    }

    /// Asks to send one request at `now`: `Duration::ZERO` means go (the request is counted);
    /// otherwise how long to wait before asking again (nothing is counted).
    pub fn reserve(&mut self, now: Instant) -> Duration {
        let longest = self.limits.iter().map(|l| l.per).max();
        let Some(longest) = longest else {
            return Duration::ZERO;
        };
        while self
            .sent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= longest)
        {
            self.sent.pop_front();
        }
        let mut wait = Duration::ZERO;
        for l in &self.limits {
            let in_window: Vec<&Instant> = self
                .sent
                .iter()
                .filter(|t| now.saturating_duration_since(**t) < l.per)
                .collect();
            let max = l.max_requests as usize;
            if in_window.len() >= max {
                // The request that must leave the window before one more fits.
                let leaving = *in_window[in_window.len() - max];
                wait = wait.max((leaving + l.per).saturating_duration_since(now));
            }
        }
        if wait.is_zero() {
            self.sent.push_back(now);
        }
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifty_first_request_in_five_seconds_waits() {
        let t0 = Instant::now();
        let mut l = Limiter::new(RateLimit::standard());
        for i in 0..50 {
            assert_eq!(
                l.reserve(t0 + Duration::from_millis(i * 10)),
                Duration::ZERO
            );
        }
        let at = t0 + Duration::from_millis(600);
        assert_eq!(l.reserve(at), Duration::from_millis(4400));
        assert_eq!(l.reserve(t0 + Duration::from_secs(5)), Duration::ZERO);
    }

    #[test]
    fn the_minute_limit_holds_over_many_windows() {
        let t0 = Instant::now();
        let mut l = Limiter::new(RateLimit::standard());
        // 40 requests every 5 s: within the 5 s limit; the minute fills after 200.
        let mut sent = 0;
        let mut at = t0;
        while sent < 200 {
            for _ in 0..40 {
                assert_eq!(l.reserve(at), Duration::ZERO, "request {sent}");
                sent += 1;
            }
            at += Duration::from_secs(5);
        }
        // 200 sent in 0..=20 s; the next may go at 60 s after the first.
        let wait = l.reserve(at);
        assert_eq!(wait, Duration::from_secs(60) - (at - t0));
        assert_eq!(l.reserve(t0 + Duration::from_secs(60)), Duration::ZERO);
    }

    #[test]
    fn no_limits_never_wait() {
        let mut l = Limiter::new(vec![]);
        let t0 = Instant::now();
        for _ in 0..1000 {
            assert_eq!(l.reserve(t0), Duration::ZERO);
        }
    }
}
