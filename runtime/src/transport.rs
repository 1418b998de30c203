//! The seam between the runtime and HTTP: [`Transport`] sends one
//! [`HttpRequest`] (method, URL, headers, body, time limit) and answers an
//! [`HttpResponse`] (status, headers, bytes) or a [`TransportError`]. Retries,
//! deadlines, auth and decoding stay in the runtime, above it.
//!
//! `reqwest::Client` is the default transport. Plug in another with
//! [`crate::ClientBuilder::transport`]: a middleware stack
//! (`reqwest_middleware::ClientWithMiddleware` behind a small impl of
//! [`Transport`]), or an in-memory one in tests:
//!
//! ```
//! use openapi_runtime::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
//! use openapi_runtime::{Bytes, HeaderMap, StatusCode};
//!
//! /// Answers every request with the same JSON.
//! struct Canned(&'static str);
//!
//! impl Transport for Canned {
//!     fn send(&self, _request: HttpRequest) -> TransportFuture<'_> {
//!         let body = Bytes::from_static(self.0.as_bytes());
//!         Box::pin(async move {
//!             Ok(HttpResponse { status: StatusCode::OK, headers: HeaderMap::new(), body })
//!         })
//!     }
//! }
//!
//! let client = openapi_runtime::Client::builder("https://api.example.test")
//!     .transport(Canned(r#"{"id": 1}"#))
//!     .build()
//!     .unwrap();
//! # let _ = client;
//! ```

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::Stream;
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::{Method, StatusCode};

use crate::multipart::Parts;

/// One attempt of a request, as the runtime hands it to the transport.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The full URL, query included.
    pub url: url::Url,
    /// Every header to send: defaults, `User-Agent`, credentials, the call's own.
    pub headers: HeaderMap,
    /// The body, if any.
    pub body: Option<RequestBody>,
    /// The time limit of this attempt (the runtime enforces it too).
    pub timeout: Option<Duration>,
    /// The longest response body the call accepts, in bytes: a transport
    /// stops reading past it and fails the attempt with a
    /// [`BodyTooLarge`] source ([`BodyTooLarge::error`]); the runtime checks
    /// what a transport returns too. `None`: no limit.
    pub max_response_size: Option<usize>,
}

/// A response body longer than the call's limit
/// ([`HttpRequest::max_response_size`]), reported as
/// [`Error::TooLarge`](crate::Error::TooLarge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyTooLarge {
    /// The limit, in bytes.
    pub limit: usize,
}

impl BodyTooLarge {
    /// The transport error a transport fails an attempt with when the body
    /// passes `limit`.
    pub fn error(limit: usize) -> TransportError {
        TransportError::new(TransportErrorKind::Other, BodyTooLarge { limit })
    }
}

impl fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response body is longer than the limit of {} bytes (`max_response_size`)",
            self.limit
        )
    }
}

impl StdError for BodyTooLarge {}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestBody {
    /// Bytes with their media type (JSON, form, text, binary).
    Bytes {
        /// The bytes sent.
        bytes: Vec<u8>,
        /// Their `Content-Type`.
        content_type: String,
    },
    /// `multipart/form-data` parts: the transport encodes them, reading each
    /// [`Part`](crate::multipart::Part) through [`Parts::iter`](crate::multipart::Parts::iter).
    Multipart(Parts),
}

/// What the server answered.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The whole body, as received (`Bytes`: a body that arrived in one
    /// chunk is the very buffer it arrived in, not a copy).
    pub body: Bytes,
}

/// The future a [`Transport`] answers with.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;

/// A response body as it arrives, chunk by chunk (each the buffer it was
/// read into, not a copy).
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, TransportError>> + Send>>;

/// What the server answered, its body still arriving (see
/// [`Transport::send_streaming`]).
pub struct StreamingResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, chunk by chunk.
    pub body: BodyStream,
}

impl fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// The future of [`Transport::send_streaming`]: the response once its head has arrived.
pub type StreamingFuture<'a> =
    Pin<Box<dyn Future<Output = Result<StreamingResponse, TransportError>> + Send + 'a>>;

/// Sends one attempt of a request.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and reads the whole response.
    fn send(&self, request: HttpRequest) -> TransportFuture<'_>;

    /// Sends `request` and answers once the response's head has arrived,
    /// its body read as it comes (server-sent events, JSON Lines). The
    /// runtime limits the time to the head and the silence between chunks
    /// itself; `request.timeout` is not a limit on the whole body here.
    /// By default, [`Transport::send`] answers and its body is one chunk.
    fn send_streaming(&self, request: HttpRequest) -> StreamingFuture<'_> {
        let sent = self.send(request);
        Box::pin(async move {
            let response = sent.await?;
            let body = response.body;
            Ok(StreamingResponse {
                status: response.status,
                headers: response.headers,
                body: Box::pin(futures_util::stream::iter(
                    (!body.is_empty()).then_some(Ok(body)),
                )),
            })
        })
    }
}

/// What kind of failure a [`TransportError`] is (the runtime retries
/// connection failures of idempotent requests, and reports time-outs as such).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// The connection could not be made (refused, DNS, TLS handshake): the
    /// server saw nothing.
    Connect,
    /// The connection closed before any response came: most often a pooled
    /// connection the server had dropped while idle (its keep-alive ran
    /// out as the request went), so the request may or may not have reached
    /// it. Retried, like [`TransportErrorKind::Connect`], when repeating is safe.
    Closed,
    /// The attempt ran out of time.
    Timeout,
    /// Anything else: the connection broke while sending or receiving.
    Other,
}

/// Why an attempt got no response. `Display` shows what failed and its root
/// cause on one line; [`TransportError::get_ref`] keeps the whole chain.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: Box<dyn StdError + Send + Sync>,
}

impl TransportError {
    /// A failure of `kind` caused by `source`.
    pub fn new(
        kind: TransportErrorKind,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        TransportError {
            kind,
            source: source.into(),
        }
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The error the transport gave (a `reqwest::Error`, an `io::Error`,
    /// ...), to downcast or to walk its own sources.
    pub fn get_ref(&self) -> &(dyn StdError + Send + Sync + 'static) {
        self.source.as_ref()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&one_line(self.source.as_ref()))
    }
}

/// `Display` has the root cause already: `source()` returns nothing, so a
/// reporter does not print it twice ([`TransportError::get_ref`] has it).
impl StdError for TransportError {}

/// `error`, then its root cause when that says something more:
/// `error sending request for url (http://…/v1/members/): Connection refused (os error 111)`.
pub fn one_line(error: &(dyn StdError + 'static)) -> String {
    let top = error.to_string();
    let mut root = error;
    while let Some(next) = root.source() {
        root = next;
    }
    let cause = root.to_string();
    if std::ptr::addr_eq(root, error) || top.contains(&cause) {
        top
    } else {
        format!("{top}: {cause}")
    }
}

impl From<reqwest::Error> for TransportError {
    fn from(e: reqwest::Error) -> Self {
        let kind = if e.is_timeout() {
            TransportErrorKind::Timeout
        } else if e.is_connect() {
            TransportErrorKind::Connect
        } else {
            TransportErrorKind::Other
        };
        TransportError::new(kind, e)
    }
}

/// A `reqwest::ClientBuilder` set up as the runtime's own client is, to
/// customise (proxies, extra settings) and pass to
/// [`crate::ClientBuilder::http_client`].
///
/// The runtime enables reqwest's rustls without a built-in crypto provider,
/// so a bare `reqwest::Client::new()` panics unless the process installed
/// one. Here, when none is installed, TLS is rustls with the `ring` provider,
/// TLS 1.2 and 1.3, certificates checked by the platform's verifier (the
/// system's trust store); when one is installed, reqwest uses it. Nothing
/// process-wide is changed. `ring` has no post-quantum key exchange (rustls
/// 0.23.48 deprecates its provider for that reason): install the
/// `aws-lc-rs` provider process-wide (`CryptoProvider::install_default`)
/// to have it.
///
/// ```
/// let http = openapi_runtime::transport::http_client_builder()?
///     .pool_max_idle_per_host(4)
///     .build()?;
/// let client = openapi_runtime::Client::builder("https://api.example.test")
///     .http_client(http)
///     .build()?;
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, crate::BuildError> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let builder = reqwest::Client::builder();
    if rustls::crypto::CryptoProvider::get_default().is_some() {
        return Ok(builder);
    }
    let tls_error = |e: rustls::Error| crate::BuildError::Tls(e.to_string());
    // `ring` builds without a C toolchain (`aws-lc-rs` needs cmake); its
    // provider lacks post-quantum key exchange, which rustls 0.23.48 marks
    // deprecated: a process that wants it installs `aws-lc-rs` (see above).
    #[allow(deprecated)]
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_platform_verifier()
        .map_err(tls_error)?
        .with_no_client_auth();
    Ok(builder.tls_backend_preconfigured(config))
}

/// Sends `request` with reqwest up to the response's head. The request
/// is handed to reqwest before the future starts: the future holds
/// reqwest's `Pending` alone, not the request beside it.
fn reqwest_head(
    client: &reqwest::Client,
    request: HttpRequest,
) -> impl Future<Output = Result<reqwest::Response, TransportError>> {
    use futures_util::future::{Either, FutureExt};
    let mut b = client
        .request(request.method, request.url)
        .headers(request.headers);
    match request.body {
        Some(RequestBody::Bytes {
            bytes,
            content_type,
        }) => b = b.header(CONTENT_TYPE, content_type).body(bytes),
        Some(RequestBody::Multipart(parts)) => match parts.form() {
            Ok(form) => b = b.multipart(form),
            Err(e) => {
                let e = TransportError::new(TransportErrorKind::Other, e);
                return Either::Left(std::future::ready(Err(e)));
            }
        },
        None => {}
    }
    // No reqwest timeout: every `HttpRequest` comes from the runtime, which
    // limits each attempt itself (one timer per attempt, not two).
    // Before any response: a connection that would not open, or one
    // that closed under the request.
    Either::Right(b.send().map(|sent| {
        sent.map_err(|e| {
            let mut t = TransportError::from(e);
            if t.kind == TransportErrorKind::Other {
                t.kind = TransportErrorKind::Closed;
            }
            t
        })
    }))
}

/// A body's chunks put together: one chunk is kept as it came, without a
/// copy (most bodies arrive in one); from the second on they are copied
/// into one buffer.
#[derive(Default)]
pub(crate) struct Gathered {
    first: Bytes,
    joined: Option<BytesMut>,
}

impl Gathered {
    fn len(&self) -> usize {
        self.joined.as_ref().map_or(self.first.len(), BytesMut::len)
    }

    /// Adds `chunk`, or fails with [`BodyTooLarge`] if the body would pass
    /// `limit` bytes; `announced`, the length the headers gave, sizes the
    /// buffer when one is needed.
    pub(crate) fn push(
        &mut self,
        chunk: Bytes,
        limit: usize,
        announced: usize,
    ) -> Result<(), TransportError> {
        if chunk.len() > limit - self.len() {
            return Err(BodyTooLarge::error(limit));
        }
        match &mut self.joined {
            Some(joined) => joined.extend_from_slice(&chunk),
            None if self.first.is_empty() => self.first = chunk,
            None => {
                let wanted = announced.max(self.first.len() + chunk.len());
                let mut joined = BytesMut::with_capacity(wanted);
                joined.extend_from_slice(&self.first);
                joined.extend_from_slice(&chunk);
                self.joined = Some(joined);
            }
        }
        Ok(())
    }

    pub(crate) fn into_bytes(self) -> Bytes {
        self.joined.map_or(self.first, BytesMut::freeze)
    }
}

impl Transport for reqwest::Client {
    fn send_streaming(&self, request: HttpRequest) -> StreamingFuture<'_> {
        let head = reqwest_head(self, request);
        Box::pin(async move {
            let mut response = head.await?;
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            let body = futures_util::stream::try_unfold(response, |mut response| async move {
                let chunk = response.chunk().await.map_err(TransportError::from)?;
                Ok::<_, TransportError>(chunk.map(|chunk| (chunk, response)))
            });
            Ok(StreamingResponse {
                status,
                headers,
                body: Box::pin(body),
            })
        })
    }

    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        Box::pin(reqwest_send(self, request))
    }
}

/// [`Transport::send`] of reqwest, unboxed: the head, then the body, one
/// after the other in one future's space.
pub(crate) fn reqwest_send(
    client: &reqwest::Client,
    request: HttpRequest,
) -> impl Future<Output = Result<HttpResponse, TransportError>> + Send + '_ {
    use futures_util::TryFutureExt;
    let limit = request.max_response_size.unwrap_or(usize::MAX);
    reqwest_head(client, request).and_then(move |response| whole(response, limit))
}

/// The rest of `response` read whole, within `limit` bytes: refused before
/// reading when the length is announced, else as the chunks pass the
/// limit, never allocated past it.
fn whole(
    mut response: reqwest::Response,
    limit: usize,
) -> impl Future<Output = Result<HttpResponse, TransportError>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let announced = response.content_length().unwrap_or(0);
    async move {
        if announced > limit as u64 {
            return Err(BodyTooLarge::error(limit));
        }
        let mut body = Gathered::default();
        while let Some(chunk) = response.chunk().await? {
            body.push(chunk, limit, announced as usize)?;
        }
        Ok(HttpResponse {
            status,
            headers,
            body: body.into_bytes(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_chunk_is_kept_as_it_came_and_more_are_joined_in_order() {
        let chunk = Bytes::from_static(b"{\"id\": 1}");
        let mut one = Gathered::default();
        one.push(chunk.clone(), usize::MAX, 0).unwrap();
        let kept = one.into_bytes();
        assert_eq!(kept, chunk);
        assert_eq!(kept.as_ptr(), chunk.as_ptr(), "copied");

        let mut more = Gathered::default();
        for (i, part) in ["", "ab", "", "cd", "e"].into_iter().enumerate() {
            more.push(Bytes::from_static(part.as_bytes()), 5, 5)
                .unwrap();
            assert_eq!(more.len(), ["", "ab", "ab", "abcd", "abcde"][i].len());
        }
        // One byte past the limit is refused, and nothing of it kept.
        assert!(more.push(Bytes::from_static(b"f"), 5, 5).is_err());
        assert_eq!(&more.into_bytes()[..], b"abcde");
        assert!(Gathered::default().into_bytes().is_empty());
    }
}
