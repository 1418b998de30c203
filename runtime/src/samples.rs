//! Calling operations with sample arguments: what a generated `samples`
//! module (behind its cargo feature) lists, and how a call came out.
//!
//! Generated code pairs every operation with a call whose required arguments
//! are sample values built from the spec (examples, defaults, enums, formats,
//! bounds). Contract tests run them against a spec-validating mock server;
//! users can do the same against theirs.

use std::future::Future;
use std::pin::Pin;

use crate::client::Sending;
use crate::json::Decode;
use crate::{Error, Operation, RawResponse, Response};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

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
    // Only what holds a `T` or an `E` here: this is compiled per operation.
    match result {
        Ok(r) => Outcome::Success {
            status: r.status,
            headers: r.headers,
        },
        Err(e) => match e.narrow() {
            Err(api) => Outcome::Documented {
                status: api.status,
                headers: api.headers,
            },
            Ok(other) => failure(other),
        },
    }
}

/// A call that failed without a documented error response.
fn failure(error: Error) -> Outcome {
    match error {
        Error::UnexpectedStatus(r) => Outcome::Undocumented {
            status: r.status,
            headers: r.headers,
            body: r.body,
        },
        Error::Decode(d) => Outcome::Undecodable {
            status: d.status,
            headers: d.headers,
            body: d.body,
            error: d.source.to_string(),
        },
        other => Outcome::Failed(other.to_string()),
    }
}

/// Sends a request built from sample arguments and classifies the result; a
/// request that could not be built (a sample that did not decode) is
/// [`Outcome::BadSample`]. The future is the same type for every operation
/// (compiled once, not once per operation): only the decode is the
/// operation's. A streamed operation's body is read whole, as a mock sends it.
pub fn send<O: Operation>(built: Result<O, String>) -> SampleFuture {
    match built {
        Ok(op) => {
            let call = op.call();
            let sending = call.client.execute(op.request(), call.options.clone());
            Box::pin(classify(sending, |raw| outcome(O::decode(raw))))
        }
        Err(e) => Box::pin(std::future::ready(Outcome::BadSample(e))),
    }
}

async fn classify(sending: Sending, decode: fn(RawResponse) -> Outcome) -> Outcome {
    match sending.await {
        Ok(raw) => decode(raw),
        Err(e) => failure(e),
    }
}

/// Decodes a sample argument from its JSON text; the error becomes [`Outcome::BadSample`].
pub fn arg<T: Decode>(name: &str, json: &str) -> Result<T, String> {
    crate::json::from_str(json).map_err(|e| format!("{name}: {e} in {json}"))
}
