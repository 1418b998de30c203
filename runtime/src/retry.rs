//! [`RetryPolicy`]: when and how long to wait before trying a request again.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Method;

/// When to try a call again, and how long to wait: exponential backoff with
/// full jitter, or what `Retry-After` asks (capped by `max_backoff`).
///
/// - **429 Too Many Requests** is retried whatever the method: the server
///   refused the request without acting on it.
/// - **502, 503, 504, connection failures and connections that closed
///   before any response** (a pooled connection the server dropped) are retried only when
///   repeating the request is safe: an idempotent method (GET, HEAD, OPTIONS,
///   PUT, DELETE, TRACE, QUERY), a request carrying an `Idempotency-Key` header, or
///   [`RetryPolicy::retry_non_idempotent`].
/// - Nothing else is retried: other statuses, time-outs (the server may be
///   acting on the request), connections broken mid-response.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// Wait before the first retry (doubled each time, with jitter).
    pub initial_backoff: Duration,
    /// Upper bound of any single wait, `Retry-After` included.
    pub max_backoff: Duration,
    /// Also retry POST and PATCH after 502/503/504 and connection failures
    /// (which may not be safe to repeat). 429s are retried regardless.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Whether requests with `method` may be repeated after a 502/503/504 or
    /// a connection failure under this policy (429s always may).
    pub fn allows(&self, method: &Method) -> bool {
        self.retry_non_idempotent
            || matches!(
                *method,
                Method::GET
                    | Method::HEAD
                    | Method::OPTIONS
                    | Method::PUT
                    | Method::DELETE
                    | Method::TRACE
            )
            // Safe and idempotent by definition (the HTTP QUERY method, OpenAPI 3.2's `query`).
            || method.as_str() == "QUERY"
    }

    /// The wait before retry number `retry` (1-based): exponential with full
    /// jitter, a random point of [`RetryPolicy::backoff_cap`].
    pub fn backoff(&self, retry: u32) -> Duration {
        self.backoff_with(retry, fastrand::f64())
    }

    /// The longest wait before retry number `retry` (1-based):
    /// `initial_backoff` doubled for each retry before it, at most
    /// `max_backoff`.
    pub fn backoff_cap(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        exp.min(self.max_backoff)
    }

    /// [`RetryPolicy::backoff`] with the jitter given: `jitter` (in `0..1`,
    /// clamped) is the fraction of the cap waited.
    pub fn backoff_with(&self, retry: u32, jitter: f64) -> Duration {
        self.backoff_cap(retry).mul_f64(jitter.clamp(0.0, 1.0))
    }

    /// The wait a response asks for with `Retry-After` (seconds or an HTTP date),
    /// capped by `max_backoff`.
    pub fn retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
        let wait = match value.parse::<u64>() {
            Ok(secs) => Duration::from_secs(secs),
            Err(_) => {
                let when = httpdate::parse_http_date(value).ok()?;
                when.duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO)
            }
        };
        Some(wait.min(self.max_backoff))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_seconds_and_dates() {
        let policy = RetryPolicy::default();
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(policy.retry_after(&h), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
        h.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        let wait = policy.retry_after(&h).unwrap();
        assert!(
            wait > Duration::from_secs(7) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("3600"));
        assert_eq!(policy.retry_after(&h), Some(policy.max_backoff));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(policy.retry_after(&h), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
            ..RetryPolicy::default()
        };
        // The cap doubles from the initial wait, then stays at the maximum.
        let caps: Vec<u64> = (1..6)
            .map(|r| policy.backoff_cap(r).as_millis() as u64)
            .collect();
        assert_eq!(caps, [100, 200, 300, 300, 300]);
        // The jitter is the fraction of the cap waited, exactly.
        assert_eq!(policy.backoff_with(2, 0.5), Duration::from_millis(100));
        assert_eq!(policy.backoff_with(3, 1.0), Duration::from_millis(300));
        assert_eq!(policy.backoff_with(1, 7.0), Duration::from_millis(100));
        // The random waits: within the cap, and spread over it (a wait of
        // zero, or always the cap, fails the mean's bounds).
        fastrand::seed(7);
        for retry in 1..5 {
            let cap = policy.backoff_cap(retry).as_secs_f64();
            let waits: Vec<f64> = (0..2000)
                .map(|_| policy.backoff(retry).as_secs_f64())
                .collect();
            assert!(waits.iter().all(|w| (0.0..=cap).contains(w)));
            let mean = waits.iter().sum::<f64>() / waits.len() as f64;
            assert!(
                (0.45 * cap..=0.55 * cap).contains(&mean),
                "retry {retry}: mean {mean} of cap {cap}"
            );
        }
    }

    #[test]
    fn only_idempotent_methods_by_default() {
        let policy = RetryPolicy::default();
        assert!(policy.allows(&Method::GET));
        assert!(policy.allows(&Method::DELETE));
        assert!(!policy.allows(&Method::POST));
        assert!(!policy.allows(&Method::PATCH));
        // HTTP QUERY (OpenAPI 3.2's `query`) is safe, unknown methods are not.
        assert!(policy.allows(&Method::from_bytes(b"QUERY").unwrap()));
        assert!(!policy.allows(&Method::from_bytes(b"PURGE").unwrap()));
        let opted_in = RetryPolicy {
            retry_non_idempotent: true,
            ..policy
        };
        assert!(opted_in.allows(&Method::POST));
    }
}
