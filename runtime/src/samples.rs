//! Calling operations with sample arguments: what a generated `samples`
//! module (behind its cargo feature) lists, and how a call came out.
//!
//! Generated code pairs every operation with a call whose required arguments
//! are sample values built from the spec (examples, defaults, enums, formats,
//! bounds). Contract tests run them against a spec-validating mock server;
//! users can do the same against theirs.

use std::future::Future;
use std::pin::Pin;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::{Error, Response};

/// A future returned by a sample call.
pub type SampleFuture = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// One operation with a call using sample arguments.
#[derive(Debug, Clone, Copy)]
pub struct SampleOperation<C> {
    /// The operation id (or the id derived for it).
    pub id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// Sends the request with the sample arguments.
    pub call: fn(C) -> SampleFuture,
}

/// How a call came out, with what a checker needs (status and headers).
#[derive(Debug)]
pub enum Outcome {
    /// A documented success; the body decoded into the success type.
    Success {
        /// The status.
        status: StatusCode,
        /// The headers.
        headers: HeaderMap,
    },
    /// A documented error; the body decoded into its documented type.
    Documented {
        /// The status.
        status: StatusCode,
        /// The headers.
        headers: HeaderMap,
    },
    /// A status the operation does not document.
    Undocumented {
        /// The status.
        status: StatusCode,
        /// The headers.
        headers: HeaderMap,
        /// The raw body.
        body: String,
    },
    /// The body did not decode into the documented type.
    Undecodable {
        /// The status.
        status: StatusCode,
        /// The headers.
        headers: HeaderMap,
        /// The raw body.
        body: String,
        /// What serde said.
        error: String,
    },
    /// The call failed before a response (transport, time-out, request building).
    Failed(String),
    /// A sample argument did not decode into its Rust type (a generator bug).
    BadSample(String),
}

/// Classifies the result of a call.
pub fn outcome<T, E>(result: Result<Response<T>, Error<E>>) -> Outcome {
    match result {
        Ok(r) => Outcome::Success {
            status: r.status,
            headers: r.headers,
        },
        Err(Error::Api(e)) => Outcome::Documented {
            status: e.status,
            headers: e.headers,
        },
        Err(Error::UnexpectedStatus(r)) => Outcome::Undocumented {
            status: r.status,
            headers: r.headers,
            body: r.body,
        },
        Err(Error::Decode(d)) => Outcome::Undecodable {
            status: d.status,
            headers: d.headers,
            body: d.body,
            error: d.source.to_string(),
        },
        Err(other) => Outcome::Failed(other.to_string()),
    }
}

/// Sends a request built from sample arguments and classifies the result; a
/// request that could not be built (a sample that did not decode) is [`Outcome::BadSample`].
pub async fn run<B, T, E, Fut>(built: Result<B, String>, send: impl FnOnce(B) -> Fut) -> Outcome
where
    Fut: Future<Output = Result<Response<T>, Error<E>>>,
{
    match built {
        Ok(request) => outcome(send(request).await),
        Err(e) => Outcome::BadSample(e),
    }
}

/// Decodes a sample argument from its JSON text; the error becomes [`Outcome::BadSample`].
pub fn arg<T: DeserializeOwned>(name: &str, json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| format!("{name}: {e} in {json}"))
}
