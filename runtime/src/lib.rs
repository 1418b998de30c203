//! The hand-written runtime the generated clients stand on: small, generic,
//! and free of anything specific to one API.
//!
//! - [`Client`] / [`ClientBuilder`]: base URL, auth ([`Auth`]: bearer or basic),
//!   default headers, `User-Agent`, timeouts, retries ([`RetryPolicy`]).
//! - [`Request`]: method, path, parameters by OpenAPI style, JSON or form body.
//! - [`RawResponse`] -> [`Response`] or [`Error`]: typed success and error bodies.
//! - [`paginate`]: lazy streams of pages and items.
//! - [`Patch`]: a request field that can be absent, `null`, or a value.
//! - [`samples`]: operations paired with sample-argument calls, for contract tests.
#![deny(missing_docs)]

mod client;
mod error;
pub mod paginate;
mod patch;
mod request;
mod response;
mod retry;
pub mod samples;

pub use client::{Auth, BuildError, Client, ClientBuilder, Secret};
pub use error::{ApiError, DecodeError, Error, UnexpectedResponse};
pub use paginate::Page;
pub use patch::Patch;
pub use request::{QueryStyle, Request, RequestOptions};
pub use response::{RawResponse, Response};
pub use retry::RetryPolicy;

pub use futures_util::stream::{BoxStream, Stream};
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};

/// Helpers for generated code. Not part of the public API; may change at any time.
#[doc(hidden)]
pub mod __private {
    use serde_json::Value;

    /// The string value of property `tag` of a JSON object, if there is one.
    pub fn tag_of<'v>(value: &'v Value, tag: &str) -> Option<&'v str> {
        value.get(tag).and_then(Value::as_str)
    }

    /// Decodes a buffered JSON value, reporting failure as the caller's error type.
    pub fn from_value<T, E>(value: Value) -> Result<T, E>
    where
        T: serde::de::DeserializeOwned,
        E: serde::de::Error,
    {
        serde_json::from_value(value).map_err(E::custom)
    }
}
