//! The hand-written runtime the generated clients stand on: small, generic,
//! and free of anything specific to one API.
//!
//! - [`Client`] / [`ClientBuilder`]: base URL, auth ([`Auth`]: bearer or basic),
//!   default headers, `User-Agent`, timeouts, retries ([`RetryPolicy`]).
//! - [`Request`]: method, path, parameters by OpenAPI style, JSON or form body.
//! - [`RawResponse`] -> [`Response`] or [`Error`]: typed success and error bodies.
//! - [`paginate`]: lazy streams of pages and items.
//! - [`Operation`]: what a generated request builder is; [`ResponseFuture`],
//!   [`BodyFuture`], [`operation::pages`] and [`operation::items`] send one.
//! - [`de`] and [`ser`]: the pieces generated `Serialize`/`Deserialize` impls call.
//! - [`Patch`]: a request field that can be absent, `null`, or a value.
//! - [`samples`]: operations paired with sample-argument calls, for contract tests.
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

mod client;
pub mod de;
mod error;
pub mod multipart;
pub mod operation;
pub mod paginate;
mod patch;
mod request;
mod response;
mod retry;
pub mod samples;
pub mod ser;
pub mod webhooks;

pub use client::{Auth, BuildError, Client, ClientBuilder, Secret, Sending};
pub use error::{ApiError, DecodeError, Error, UnexpectedResponse};
pub use multipart::FilePart;
pub use operation::{
    BodyFuture, Call, ItemStream, Operation, PageStream, Paginated, ResponseFuture,
};
pub use paginate::Page;
pub use patch::Patch;
pub use request::{QueryStyle, Request, RequestOptions};
pub use response::{RawResponse, Response};
pub use retry::RetryPolicy;

pub use futures_util::stream::{BoxStream, Stream};
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};
