//! Observability, behind the `tracing` cargo feature: one span per call,
//! `openapi.call`, with the operation id, method, path template (never the
//! filled-in path, which may hold ids), the number of attempts, status and
//! elapsed time (each recorded once, when the call ends); an event per retry with its reason and wait; an event when the call
//! ends. Header values, tokens, passwords, query strings and bodies are never
//! recorded. Without the feature every function here is empty.

use std::convert::Infallible;
use std::time::Duration;

use reqwest::StatusCode;

use crate::{Error, Request};

/// The trace of one call.
pub(crate) struct Call {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
    #[cfg(feature = "tracing")]
    started: std::time::Instant,
    #[cfg(feature = "tracing")]
    attempts: std::sync::atomic::AtomicU32,
}

impl Call {
    /// Opens the call's span.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn start(request: &Request, url: &url::Url) -> Call {
        #[cfg(feature = "tracing")]
        {
            let (operation, path) = request.operation.unwrap_or(("", ""));
            let span = tracing::info_span!(
                "openapi.call",
                operation,
                method = %request.method,
                path,
                host = url.host_str().unwrap_or(""),
                attempts = tracing::field::Empty,
                status = tracing::field::Empty,
                elapsed_ms = tracing::field::Empty,
            );
            Call {
                span,
                started: std::time::Instant::now(),
                attempts: std::sync::atomic::AtomicU32::new(0),
            }
        }
        #[cfg(not(feature = "tracing"))]
        Call {}
    }

    /// Notes that attempt number `n` starts (recorded on the span at the
    /// end: a field recorded again is printed again by `fmt` subscribers).
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn attempt(&self, n: u32) {
        #[cfg(feature = "tracing")]
        self.attempts.store(n, std::sync::atomic::Ordering::Relaxed);
    }

    /// An event for a retry: why, after which status (if any), and how long it waits.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn retry(
        &self,
        attempt: u32,
        reason: &str,
        status: Option<StatusCode>,
        wait: Duration,
    ) {
        #[cfg(feature = "tracing")]
        self.span.in_scope(|| {
            tracing::warn!(
                attempt,
                reason,
                status = status.map(|s| s.as_u16()),
                wait_ms = wait.as_millis() as u64,
                "retrying"
            );
        });
    }

    /// Records the outcome and the time the whole call took.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn finish(&self, result: Result<StatusCode, &Error<Infallible>>) {
        #[cfg(feature = "tracing")]
        {
            let elapsed = self.started.elapsed().as_millis() as u64;
            self.span.record(
                "attempts",
                self.attempts.load(std::sync::atomic::Ordering::Relaxed),
            );
            self.span.record("elapsed_ms", elapsed);
            self.span.in_scope(|| match result {
                Ok(status) => {
                    self.span.record("status", status.as_u16());
                    tracing::info!(status = status.as_u16(), elapsed_ms = elapsed, "answered");
                }
                Err(e) => tracing::warn!(error = %e, elapsed_ms = elapsed, "failed"),
            });
        }
    }
}
