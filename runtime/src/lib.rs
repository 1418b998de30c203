//! The hand-written runtime the generated clients stand on: small, generic,
//! and free of anything specific to one API.
//!
//! - [`Client`] / [`ClientBuilder`]: base URL, auth ([`Auth`]: bearer or basic),
//!   default headers, `User-Agent`, timeouts, retries ([`RetryPolicy`]).
//! - [`transport`]: the one seam to HTTP ([`transport::Transport`]: request
//!   description in, status/headers/bytes out); reqwest by default, or your own
//!   (a middleware stack, an in-memory server in tests).
//! - [`Request`]: method, path, parameters by OpenAPI style; JSON, form, text,
//!   byte and [`multipart`] bodies.
//! - [`RawResponse`] -> [`Response`] or [`Error`]: typed success and error bodies.
//! - [`webhooks`]: Standard Webhooks signature verification.
//! - [`paginate`]: lazy streams of pages and items.
//! - [`stream`]: responses read as they arrive: server-sent events
//!   ([`stream::Events`]) and JSON Lines ([`stream::JsonLines`]), typed.
//! - [`Operation`]: what a generated request builder is (its [`Call`] and an
//!   operation's parameters, an [`Endpoint`]); [`ResponseFuture`],
//!   [`BodyFuture`], [`operation::pages`] and [`operation::items`] send one.
//! - [`json`]: the JSON reader responses, streamed items and webhook
//!   deliveries are decoded with ([`json::Decode`], one decoder per type).
//! - [`de`] and [`ser`]: the pieces generated `Decode`/`Serialize` impls call.
//! - [`Patch`]: a request field that can be absent, `null`, or a value.
//! - [`samples`]: operations paired with sample-argument calls, for contract tests.
//! - `mock` (feature `test-util`): an in-memory transport answering operations
//!   with typed values, for unit tests of code that calls a client.
//!
//! Generated clients wrap a [`Client`] and build [`Request`]s for you; using it
//! directly looks like this:
//!
//! ```no_run
//! use openapi_runtime::{Client, Method, Request, RequestOptions, RetryPolicy};
//! use std::time::Duration;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder("https://api.example.com")
//!     .bearer_auth("secret-token")
//!     .timeout(Some(Duration::from_secs(10)))
//!     .retry(RetryPolicy { max_attempts: 5, ..RetryPolicy::default() })
//!     .build()?;
//! let request = Request::new(Method::GET)
//!     .path("/v1/things/")
//!     .path_param("id", &"thing 1")
//!     .query("expand", &["owner", "tags"], openapi_runtime::QueryStyle::Form, true);
//! let raw = client.execute(request, RequestOptions::default()).await?;
//! let thing: openapi_runtime::Response<serde_json::Value> = raw.json::<_, ()>()?;
//! println!("{} {}", thing.status, thing.body);
//! # Ok(())
//! # }
//! ```
//!
//! # What a call does when things go wrong
//!
//! - **Retries** ([`RetryPolicy`], default 3 attempts, exponential backoff with
//!   jitter, `Retry-After` honoured): a 429 is retried whatever the method (the
//!   server did not act on it); a 502, 503, 504 or a failed connection only
//!   when repeating is safe: an idempotent method (GET, HEAD, OPTIONS, PUT,
//!   DELETE), a request with an `Idempotency-Key` header, or
//!   [`RetryPolicy::retry_non_idempotent`]. Time-outs and connections broken
//!   mid-response are not retried.
//! - **Time limits**: [`ClientBuilder::timeout`] (default 60 s) bounds each
//!   attempt, body included, so a server that never answers or drips bytes ends
//!   in [`Error::Timeout`] (a streamed response, [`stream`], is bounded up to its
//!   head, then each chunk within the limit of the one before); [`RequestOptions::deadline`] (`.deadline(..)` on a
//!   generated request) bounds the whole call, retries and waits included.
//! - **Errors** say where: [`Error::Transport`] shows its root cause on one
//!   line (`Connection refused (os error 111)`, DNS, TLS) and keeps the chain in
//!   `source()`; [`Error::Timeout`] says which limit passed and keeps its
//!   source; [`Error::Decode`] names the JSON path of the value that failed
//!   (`items[3].customer.address.country`) and keeps the status, headers and raw
//!   body; [`Error::UnexpectedStatus`] keeps the whole response.
//! - **Redirects** are followed (by reqwest, up to 10); the `Authorization`
//!   header is marked sensitive and dropped when a redirect leads to another host.
//! - **Tracing**: with the `tracing` cargo feature, each call is an
//!   `openapi.call` span (operation id, method, path template, attempt, status,
//!   elapsed time) with an event per retry (reason and wait); header values,
//!   credentials, query strings and bodies are never recorded. Print them with
//!   `tracing-subscriber`:
//!
//! ```ignore
//! tracing_subscriber::fmt().with_max_level(tracing::Level::INFO).init();
//! // INFO openapi.call{operation="members:list_members" method=GET path="/v1/members/" attempt=1}: answered status=200 elapsed_ms=84
//! ```
//!
//! Design rules: nothing here knows any particular API; credentials never show in
//! `Debug` output; no call panics on what a server sends.

#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
pub mod de;
pub mod error;
pub mod json;
mod json_path;
mod map;
#[cfg(feature = "test-util")]
pub mod mock;
pub mod multipart;
pub mod operation;
pub mod paginate;
mod patch;
mod request;
mod response;
mod retry;
pub mod samples;
pub mod ser;
pub mod stream;
mod trace;
pub mod transport;
pub mod webhooks;

pub use client::{
    Auth, BuildError, Client, ClientBuilder, LiveBody, Received, Receiving, Secret, Sending,
    DEFAULT_MAX_RESPONSE_SIZE,
};
pub use error::{
    ApiError, DecodeError, Error, ErrorBody, ServerMessage, TimeoutError, UnexpectedResponse,
};
pub use map::Map;
pub use multipart::FilePart;
pub use operation::{
    BodyFuture, Call, Endpoint, ItemStream, MakeStream, Operation, PageStream, Paginated,
    ResponseFuture, StreamFuture,
};
pub use paginate::Page;
pub use patch::Patch;
pub use request::{ParamIn, PathStyle, QueryStyle, Request, RequestOptions};
pub use response::{RawResponse, Response};
pub use retry::RetryPolicy;

pub use bytes::Bytes;
pub use futures_util::stream::{BoxStream, Stream};
/// For the `stream()` of list operations: `.try_collect()`, `.try_next()`, ...
pub use futures_util::{StreamExt, TryStreamExt};
pub use indexmap;
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};
