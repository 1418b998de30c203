//! [`Client`]: base URL, credentials, default headers, timeouts and retries;
//! sends [`Request`]s and hands back [`RawResponse`]s.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{Either, FutureExt};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, USER_AGENT};

use crate::request::{Request, RequestOptions};
use crate::transport::{BodyTooLarge, HttpRequest, Transport, TransportError, TransportErrorKind};
use crate::{Error, RawResponse, RetryPolicy, TimeoutError};

/// The future of [`Client::execute`]: the response, whatever its status.
pub type Sending = Pin<Box<dyn Future<Output = Result<RawResponse, Error<Infallible>>> + Send>>;

/// The future of [`Client::execute_streaming`].
pub type Receiving = Pin<Box<dyn Future<Output = Result<Received, Error<Infallible>>> + Send>>;

/// A response as [`Client::execute_streaming`] hands it over: a success's
/// body still arriving, any other status's body read whole (to decode the
/// documented error).
#[derive(Debug)]
pub struct Received {
    /// The status and headers; the body unless `live` holds it.
    pub raw: RawResponse,
    /// A 2xx response's body as it arrives: each chunk must come within the
    /// attempt's time limit of the one before (the limit is on silence,
    /// not on the whole stream).
    pub live: Option<LiveBody>,
}

/// A response body as it arrives ([`crate::transport::BodyStream`]), with a
/// `Debug` that shows nothing of it.
pub struct LiveBody(pub crate::transport::BodyStream);

impl fmt::Debug for LiveBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LiveBody(..)")
    }
}

/// One attempt's answer: whole, or with its body still arriving.
enum Answer {
    Whole(crate::transport::HttpResponse),
    Live(crate::transport::StreamingResponse),
}

impl Answer {
    fn status(&self) -> reqwest::StatusCode {
        match self {
            Answer::Whole(r) => r.status,
            Answer::Live(r) => r.status,
        }
    }

    fn headers(&self) -> &HeaderMap {
        match self {
            Answer::Whole(r) => &r.headers,
            Answer::Live(r) => &r.headers,
        }
    }
}

/// What every attempt of a call sends, and the call's limits.
struct Sent {
    method: reqwest::Method,
    body: Option<crate::transport::RequestBody>,
    url: url::Url,
    /// The client's headers with the call's own, when it has any.
    headers: Option<HeaderMap>,
    policy: RetryPolicy,
    limit: Option<Duration>,
    max_size: Option<usize>,
    deadline: Option<Duration>,
    trace: crate::trace::Call,
}

/// `sent`, within `limit` when there is one. Not an `async fn`, whose
/// future would hold `sent` twice: this one holds it once, beside the timer.
fn within<T>(
    limit: Option<Duration>,
    sent: impl Future<Output = Result<T, TransportError>>,
) -> impl Future<Output = Result<T, TransportError>> {
    match limit {
        Some(t) => Either::Left(tokio::time::timeout(t, sent).map(|timed| {
            timed.unwrap_or_else(|_| {
                Err(TransportError::new(
                    TransportErrorKind::Timeout,
                    "no complete response in time",
                ))
            })
        })),
        None => Either::Right(sent),
    }
}

/// `body`, each chunk within `limit` of the one before; a longer silence
/// ends it with a [`TransportErrorKind::Timeout`] error.
fn quiet_limit(body: crate::transport::BodyStream, limit: Option<Duration>) -> LiveBody {
    use futures_util::StreamExt;
    let Some(limit) = limit else {
        return LiveBody(body);
    };
    LiveBody(Box::pin(futures_util::stream::unfold(
        Some(body),
        move |body| async move {
            let mut body = body?;
            match tokio::time::timeout(limit, body.next()).await {
                Ok(Some(chunk)) => Some((chunk, Some(body))),
                Ok(None) => None,
                Err(_) => Some((
                    Err(TransportError::new(
                        TransportErrorKind::Timeout,
                        format!("nothing more arrived for {limit:?}"),
                    )),
                    None,
                )),
            }
        },
    )))
}

/// `body`, failing with [`BodyTooLarge`] once one of its items passes
/// `limit` bytes: a streamed body's items are each bounded, never the
/// stream, which may run for hours. An item is a line (JSON Lines), or for
/// server-sent events (`events`) an event: its lines up to the blank line
/// that ends it (line ends as the standard reads them: LF, CR or CRLF), so
/// that endless short `data:` lines of one event are bounded too. What came
/// before the item that is too long still arrives.
fn bounded_items(
    body: crate::transport::BodyStream,
    limit: usize,
    events: bool,
) -> crate::transport::BodyStream {
    use futures_util::StreamExt;
    // Bytes of the current line and of the current item so far, and
    // whether the last byte was a CR (a LF after it ends nothing more).
    let (mut line, mut item, mut after_cr) = (0usize, 0usize, false);
    let mut over = false;
    Box::pin(body.flat_map(move |chunk| {
        let mut out = Vec::new();
        match chunk {
            _ if over => {}
            Err(e) => out.push(Err(e)),
            Ok(mut chunk) => {
                // Where the item running on from the last chunk, then each
                // item of this one, starts.
                let mut start = 0;
                let mut cut = None;
                for (i, &b) in chunk.iter().enumerate() {
                    let crlf = b == b'\n' && after_cr;
                    after_cr = b == b'\r';
                    if crlf {
                        continue;
                    }
                    if b == b'\n' || b == b'\r' {
                        // A line ends; an empty one ends an event.
                        if !events || line == 0 {
                            item = 0;
                            start = i + 1;
                        }
                        line = 0;
                    } else {
                        line = line.saturating_add(1);
                        item = item.saturating_add(1);
                        if item > limit {
                            cut = Some(start);
                            break;
                        }
                    }
                }
                match cut {
                    None => out.push(Ok(chunk)),
                    Some(cut) => {
                        over = true;
                        if cut > 0 {
                            chunk.truncate(cut);
                            out.push(Ok(chunk));
                        }
                        out.push(Err(BodyTooLarge::error(limit)));
                    }
                }
            }
        }
        futures_util::stream::iter(out)
    }))
}

/// Whether a response's body is server-sent events (its media type).
fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/event-stream"))
}

/// The body of a response read whole from its chunks, failing with
/// [`BodyTooLarge`] as soon as they pass `limit` bytes.
async fn read_bounded(
    mut body: crate::transport::BodyStream,
    limit: usize,
) -> Result<bytes::Bytes, TransportError> {
    use futures_util::StreamExt;
    let mut out = crate::transport::Gathered::default();
    while let Some(chunk) = body.next().await {
        out.push(chunk?, limit, 0)?;
    }
    Ok(out.into_bytes())
}

/// A transport failure as the call's error (`limit`: the attempt limit
/// that applied, if known).
pub(crate) fn failed(e: TransportError, limit: Option<Duration>) -> Error<Infallible> {
    if let Some(too_large) = e.get_ref().downcast_ref::<BodyTooLarge>() {
        Error::TooLarge(*too_large)
    } else if e.kind() == TransportErrorKind::Timeout {
        Error::Timeout(Box::new(TimeoutError {
            limit,
            deadline: false,
            source: Some(e),
        }))
    } else {
        Error::Transport(Box::new(e))
    }
}

/// A credential that never shows in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// How requests authenticate, from the spec's `securitySchemes`.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// `type: http, scheme: bearer`: `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `type: http, scheme: basic`: `Authorization: Basic base64(user:password)`.
    Basic {
        /// User name.
        username: Secret,
        /// Password.
        password: Secret,
    },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Bearer([redacted])"),
            Auth::Basic { .. } => f.write_str("Basic([redacted])"),
        }
    }
}

/// Why a [`Client`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL does not parse.
    #[error("invalid base URL {url:?}: {message}")]
    BaseUrl {
        /// The URL given.
        url: String,
        /// Why it is invalid.
        message: String,
    },
    /// A default header has an invalid name or value.
    #[error("invalid default header {0:?}")]
    Header(String),
    /// reqwest could not build its client (TLS setup, for example).
    #[error("could not build the HTTP client")]
    Http(#[source] reqwest::Error),
    /// The TLS configuration (crypto provider, the platform's certificate
    /// verifier) could not be set up.
    #[error("could not set up TLS: {0}")]
    Tls(String),
}

struct Inner {
    transport: Via,
    base_url: url::Url,
    auth: Option<Auth>,
    /// Default headers, `User-Agent` and the credentials (marked sensitive).
    headers: HeaderMap,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    max_response_size: Option<usize>,
}

/// The default limit of a response body: 64 MiB
/// ([`ClientBuilder::max_response_size`]).
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 64 << 20;

/// A configured HTTP client for one API. Cheap to clone (shared inside).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("max_response_size", &self.inner.max_response_size)
            .finish_non_exhaustive()
    }
}

/// How a client sends: reqwest, called directly (its future held in the
/// call's own, without a box of its own per attempt), or another
/// [`Transport`], shared by the clients a builder makes.
#[derive(Clone)]
enum Via {
    /// The reqwest client the builder made, the client's headers set as its
    /// default headers: an attempt hands reqwest only the call's own
    /// headers (none for most calls) instead of a copy of them all, which
    /// reqwest would merge with its defaults again.
    Built(reqwest::Client),
    /// A reqwest client given to the builder ([`ClientBuilder::http_client`]).
    Reqwest(reqwest::Client),
    /// Any other transport.
    Other(Arc<dyn Transport>),
}

impl fmt::Debug for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Via::Built(_) | Via::Reqwest(_) => "Reqwest",
            Via::Other(_) => "Transport",
        })
    }
}

/// Builds a [`Client`], or a generated client wrapping one (`C`).
#[derive(Debug, Clone)]
pub struct ClientBuilder<C = Client> {
    base_url: String,
    auth: Option<Auth>,
    headers: Vec<(String, String)>,
    user_agent: String,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_response_size: Option<usize>,
    transport: Option<Via>,
    output: PhantomData<fn() -> C>,
}

impl ClientBuilder<Client> {
    /// A builder for a client of the API served at `base_url`.
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: base_url.into(),
            auth: None,
            headers: Vec::new(),
            user_agent: concat!("openapi-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Some(Duration::from_secs(10)),
            max_response_size: Some(DEFAULT_MAX_RESPONSE_SIZE),
            transport: None,
            output: PhantomData,
        }
    }

    /// The same settings, building a `C` (a generated client) instead.
    pub fn output<C: From<Client>>(self) -> ClientBuilder<C> {
        ClientBuilder {
            base_url: self.base_url,
            auth: self.auth,
            headers: self.headers,
            user_agent: self.user_agent,
            retry: self.retry,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            max_response_size: self.max_response_size,
            transport: self.transport,
            output: PhantomData,
        }
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// Authenticates with a bearer token.
    pub fn bearer_auth(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::Bearer(Secret::new(token)));
        self
    }

    /// Authenticates with HTTP Basic credentials.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some(Auth::Basic {
            username: Secret::new(username),
            password: Secret::new(password),
        });
        self
    }

    /// Sets (or clears) the credentials.
    pub fn auth(mut self, auth: Option<Auth>) -> Self {
        self.auth = auth;
        self
    }

    /// Sends this header with every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(mut self, value: impl Into<String>) -> Self {
        self.user_agent = value.into();
        self
    }

    /// Time limit of each attempt (default 60 s); `None` for none.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time limit for connecting (default 10 s).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest response body a call accepts, in bytes (default 64 MiB,
    /// [`DEFAULT_MAX_RESPONSE_SIZE`]); `None` for no limit. A longer body
    /// ends the call in [`Error::TooLarge`] before its memory is spent: the
    /// default transport stops reading there. A streamed body is bounded
    /// item by item instead (each server-sent event with all its lines, each
    /// JSON line), never as a whole.
    /// Per call: `.max_response_size(..)` on the request.
    pub fn max_response_size(mut self, bytes: Option<usize>) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Retry policy (default: [`RetryPolicy::default`]; [`RetryPolicy::none`] turns retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Uses this reqwest client (its own timeouts and TLS settings then apply too).
    ///
    /// The runtime enables reqwest's rustls without a crypto provider: start
    /// from [`crate::transport::http_client_builder`], which brings one, or
    /// enable reqwest's `rustls` feature in your crate, or install a provider
    /// process-wide (`rustls::crypto::CryptoProvider::install_default`).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.transport = Some(Via::Reqwest(client));
        self
    }

    /// Sends through this transport instead of reqwest (a middleware stack,
    /// an in-memory server in tests; see [`crate::transport`]).
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Via::Other(Arc::new(transport)));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        let base_url = url::Url::parse(&self.base_url).map_err(|e| BuildError::BaseUrl {
            url: self.base_url.clone(),
            message: e.to_string(),
        })?;
        if base_url.cannot_be_a_base() {
            return Err(BuildError::BaseUrl {
                url: self.base_url,
                message: "not a base URL".into(),
            });
        }
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| BuildError::Header(name.clone()))?;
            let v = HeaderValue::from_str(value).map_err(|_| BuildError::Header(name.clone()))?;
            headers.insert(n, v);
        }
        let ua = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| BuildError::Header("User-Agent".into()))?;
        headers.insert(USER_AGENT, ua);
        if let Some(value) = auth_header(self.auth.as_ref())? {
            headers.insert(AUTHORIZATION, value);
        }
        let transport = match self.transport {
            Some(t) => t,
            None => {
                let mut b =
                    crate::transport::http_client_builder()?.default_headers(headers.clone());
                if let Some(t) = self.connect_timeout {
                    b = b.connect_timeout(t);
                }
                Via::Built(b.build().map_err(BuildError::Http)?)
            }
        };
        let client = Client {
            inner: Arc::new(Inner {
                transport,
                base_url,
                auth: self.auth,
                headers,
                retry: self.retry,
                timeout: self.timeout,
                max_response_size: self.max_response_size,
            }),
        };
        Ok(C::from(client))
    }
}

impl Client {
    /// A builder for a client of the API served at `base_url`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(base_url)
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    fn url(&self, request: &Request) -> Result<url::Url, String> {
        // The base URL parsed once (host, IDNA) at build; only the path is
        // set per call, parsed as a whole URL's path would be.
        let mut url = self.inner.base_url.clone();
        let path = format!("{}{}", url.path().trim_end_matches('/'), request.path);
        url.set_path(&path);
        if request.reserved.is_empty() {
            if !request.query.is_empty() {
                url.query_pairs_mut().extend_pairs(request.query.iter());
            }
        } else {
            // `allowReserved` values: the query string written here, as
            // `query_pairs_mut` would encode what they keep.
            let mut query = url.query().unwrap_or_default().to_owned();
            for (i, (name, value)) in request.query.iter().enumerate() {
                if !query.is_empty() {
                    query.push('&');
                }
                query.extend(url::form_urlencoded::byte_serialize(name.as_bytes()));
                query.push('=');
                if request.reserved.contains(&i) {
                    crate::request::reserved_query_value(value, &mut query);
                } else {
                    query.extend(url::form_urlencoded::byte_serialize(value.as_bytes()));
                }
            }
            url.set_query(Some(&query));
        }
        Ok(url)
    }

    /// Sends `request`, retrying as the policy allows, and returns the response
    /// whatever its status. Fails only on transport problems, time-outs and
    /// requests that could not be built.
    ///
    /// One function for every operation: generated code only decodes what it returns.
    pub fn execute(&self, request: Request, options: RequestOptions) -> Sending {
        // `map`, not an `async` block around the call: that would hold the
        // request and the options beside the call's own future.
        let running = self.clone().run(request, options, false);
        Box::pin(running.map(|received| received.map(|r| r.raw)))
    }

    /// [`Client::execute`] for a response read as it arrives (server-sent
    /// events, JSON Lines): the future ends at the response's head, within
    /// the attempt time limit and the deadline; a 2xx body is then
    /// [`Received::live`], each chunk within the attempt time limit of the
    /// one before. Other statuses are read whole, as `execute` reads them.
    pub fn execute_streaming(&self, request: Request, options: RequestOptions) -> Receiving {
        Box::pin(self.clone().run(request, options, true))
    }

    // A function returning an `async` block rather than an `async fn`,
    // whose future keeps its arguments twice (rust-lang/rust#62958), and
    // one that reads the request and the options before the block: the
    // block holds only what the attempts need (`Sent`), for as long as the
    // call is in flight.
    #[allow(clippy::manual_async_fn)]
    fn run(
        self,
        request: Request,
        options: RequestOptions,
        streamed: bool,
    ) -> impl Future<Output = Result<Received, Error<Infallible>>> + Send {
        let prepared = self.prepare(request, options);
        async move {
            // By reference: a move would store it again in the future.
            let sent = match prepared {
                Ok(ref sent) => sent,
                Err(e) => return Err(e),
            };
            let calls = async {
                let result = self.attempts(sent, streamed).await;
                sent.trace.finish(result.as_ref().map(|r| r.raw.status));
                result
            };
            // One future whichever the case (`calls` moved into it before
            // any await): a local awaited in one arm and moved into a
            // `timeout` in the other would be stored beside it.
            let within_deadline = match sent.deadline {
                Some(deadline) => Either::Left(tokio::time::timeout(deadline, calls)),
                None => Either::Right(calls.map(Ok)),
            };
            within_deadline.await.unwrap_or_else(|_| {
                Err(Error::Timeout(Box::new(TimeoutError {
                    limit: sent.deadline,
                    deadline: true,
                    source: None,
                })))
            })
        }
    }

    /// What every attempt of a call sends and the call's limits, from the
    /// request and the options; an error if the request cannot be sent.
    fn prepare(
        &self,
        request: Request,
        options: RequestOptions,
    ) -> Result<Sent, Error<Infallible>> {
        if let Some(message) = request.error.clone() {
            return Err(Error::Request(message));
        }
        let url = self.url(&request).map_err(Error::Request)?;
        // The client's headers as they are unless this call adds some (each
        // attempt clones what it sends; one clone less per call).
        let headers = if request.headers.is_empty() && options.headers.is_empty() {
            None
        } else {
            let mut headers = self.inner.headers.clone();
            for (name, value) in request.headers.iter() {
                headers.insert(name.clone(), value.clone());
            }
            for (name, value) in &options.headers {
                let n = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| Error::Request(format!("{name:?} is not a valid header name")))?;
                let v = HeaderValue::from_str(value).map_err(|_| {
                    Error::Request(format!("header {name}: not a valid header value"))
                })?;
                headers.insert(n, v);
            }
            Some(headers)
        };
        let trace = crate::trace::Call::start(&request, &url);
        Ok(Sent {
            method: request.method,
            body: request.body,
            url,
            headers,
            policy: options.retry.unwrap_or_else(|| self.inner.retry.clone()),
            limit: options.timeout.or(self.inner.timeout),
            max_size: options.max_response_size.or(self.inner.max_response_size),
            deadline: options.deadline,
            trace,
        })
    }

    /// Sends attempts until one gets an answer that is not retried, or the
    /// policy allows no more: a 429 is retried whatever the method (the
    /// server did nothing); 502, 503, 504, connection failures and
    /// connections closed before any response only when
    /// repeating is safe (an idempotent method, an `Idempotency-Key` header,
    /// or a policy that says so).
    #[allow(clippy::manual_async_fn)] // see `run`
    fn attempts<'a>(
        &'a self,
        sent: &'a Sent,
        streamed: bool,
    ) -> impl Future<Output = Result<Received, Error<Infallible>>> + 'a {
        async move {
            let Sent {
                method,
                body,
                url,
                headers,
                policy,
                limit,
                max_size,
                trace,
                ..
            } = sent;
            let own_headers = headers.as_ref();
            let headers = own_headers.unwrap_or(&self.inner.headers);
            let (limit, max_size) = (*limit, *max_size);
            let repeatable = policy.allows(method) || headers.contains_key("idempotency-key");
            let mut attempt: u32 = 1;
            loop {
                let last = attempt >= policy.max_attempts;
                trace.attempt(attempt);
                let http = HttpRequest {
                    method: method.clone(),
                    url: url.clone(),
                    headers: match (&self.inner.transport, own_headers) {
                        // reqwest adds the client's headers itself.
                        (Via::Built(_), None) => HeaderMap::new(),
                        _ => headers.clone(),
                    },
                    body: body.clone(),
                    timeout: limit,
                    max_response_size: max_size,
                };
                let sent = if streamed {
                    let sending = match &self.inner.transport {
                        Via::Built(c) | Via::Reqwest(c) => c.send_streaming(http),
                        Via::Other(t) => t.send_streaming(http),
                    };
                    within(limit, sending).await.map(Answer::Live)
                } else {
                    let sending = match &self.inner.transport {
                        Via::Built(c) | Via::Reqwest(c) => {
                            Either::Left(crate::transport::reqwest_send(c, http))
                        }
                        Via::Other(t) => Either::Right(t.send(http)),
                    };
                    within(limit, sending).await.map(Answer::Whole)
                };
                let wait = match &sent {
                    Ok(r) if !last => match r.status().as_u16() {
                        429 => Some(("429", policy.retry_after(r.headers()))),
                        502..=504 if repeatable => Some(("5xx", policy.retry_after(r.headers()))),
                        _ => None,
                    },
                    Err(e) if !last && repeatable && e.kind() == TransportErrorKind::Connect => {
                        Some(("connect", None))
                    }
                    Err(e) if !last && repeatable && e.kind() == TransportErrorKind::Closed => {
                        Some(("closed", None))
                    }
                    _ => None,
                };
                if let Some((reason, asked)) = wait {
                    let wait = asked.unwrap_or_else(|| policy.backoff(attempt));
                    trace.retry(
                        attempt,
                        reason,
                        sent.as_ref().ok().map(Answer::status),
                        wait,
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
                // A transport that read past the limit all the same.
                if let (Ok(Answer::Whole(r)), Some(limit)) = (&sent, max_size) {
                    if r.body.len() > limit {
                        return Err(Error::TooLarge(BodyTooLarge { limit }));
                    }
                }
                return match sent {
                    Ok(Answer::Whole(r)) => Ok(Received {
                        raw: RawResponse {
                            status: r.status,
                            headers: r.headers,
                            body: r.body,
                        },
                        live: None,
                    }),
                    Ok(Answer::Live(r)) if r.status.is_success() => {
                        let body = match max_size {
                            Some(max) => bounded_items(r.body, max, is_event_stream(&r.headers)),
                            None => r.body,
                        };
                        Ok(Received {
                            raw: RawResponse {
                                status: r.status,
                                headers: r.headers,
                                body: bytes::Bytes::new(),
                            },
                            live: Some(quiet_limit(body, limit)),
                        })
                    }
                    // A documented error is decoded from its whole body.
                    Ok(Answer::Live(r)) => {
                        let chunks = read_bounded(r.body, max_size.unwrap_or(usize::MAX));
                        let body = within(limit, chunks).await.map_err(|e| failed(e, limit))?;
                        Ok(Received {
                            raw: RawResponse {
                                status: r.status,
                                headers: r.headers,
                                body,
                            },
                            live: None,
                        })
                    }
                    Err(e) => Err(failed(e, limit)),
                };
            }
        }
    }

    /// Whether requests carry an `Authorization` header.
    pub fn has_auth(&self) -> bool {
        self.inner.auth.is_some() || self.inner.headers.contains_key(AUTHORIZATION)
    }
}

/// The `Authorization` header of `auth`, marked sensitive (never logged by
/// the HTTP stack, dropped on redirects to another host).
fn auth_header(auth: Option<&Auth>) -> Result<Option<HeaderValue>, BuildError> {
    use base64::Engine;
    let text = match auth {
        None => return Ok(None),
        Some(Auth::Bearer(token)) => format!("Bearer {}", token.expose()),
        Some(Auth::Basic { username, password }) => {
            let pair = format!("{}:{}", username.expose(), password.expose());
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )
        }
    };
    let mut value =
        HeaderValue::from_str(&text).map_err(|_| BuildError::Header("Authorization".into()))?;
    value.set_sensitive(true);
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_show_in_debug() {
        let client = Client::builder("https://example.test")
            .basic_auth("user-id-123", "pass-word-456")
            .build()
            .unwrap();
        let shown = format!("{client:?} {:?}", client.inner.auth);
        assert!(
            !shown.contains("user-id-123") && !shown.contains("pass-word-456"),
            "{shown}"
        );
        let client = Client::builder("https://example.test")
            .bearer_auth("tok-789")
            .build()
            .unwrap();
        assert!(!format!("{client:?}").contains("tok-789"));
    }

    #[test]
    fn a_path_set_on_the_base_url_is_what_parsing_the_whole_url_gives() {
        let bases = [
            "https://api.example.test",
            "https://api.example.test/",
            "https://api.example.test/v2",
            "https://api.example.test/v2/",
            "http://127.0.0.1:8080/base/path",
        ];
        let paths = [
            "/v1/members/",
            "/customers/a%2Fb/members",
            "/files/%E2%9C%93/x y",
            "/a/../b/./c",
            "/p%3Fq/%23r",
            "",
        ];
        for base in bases {
            let client = Client::builder(base).build().unwrap();
            for path in paths {
                let mut request = Request::new(reqwest::Method::GET);
                request.path = path.to_owned();
                let whole = format!(
                    "{}{path}",
                    client.inner.base_url.as_str().trim_end_matches('/')
                );
                let expected = url::Url::parse(&whole).unwrap();
                assert_eq!(client.url(&request).unwrap(), expected, "{base} + {path}");
            }
        }
    }

    #[test]
    fn reserved_query_values_are_written_beside_encoded_ones() {
        let client = Client::builder("https://example.test/v1?key=k")
            .build()
            .unwrap();
        let request = Request::new(reqwest::Method::GET)
            .path("/files")
            .query("q", &"x/y z", crate::QueryStyle::Form, true)
            .query_reserved("at", &"/a?b&c d%2F", crate::QueryStyle::Form, true);
        assert_eq!(
            client.url(&request).unwrap().as_str(),
            "https://example.test/v1/files?key=k&q=x%2Fy+z&at=/a?b%26c%20d%2F"
        );
    }

    #[test]
    fn a_call_in_flight_keeps_its_arguments_once() {
        // Each call in flight holds this future (boxed by `execute`). As
        // `async fn`s, `run` and `attempts` kept their arguments twice
        // (2,440 bytes optimised); with the request and the options kept
        // whole, and `execute`'s block holding them again, 1,920; with only
        // what the attempts need (`Sent`), read before the block, and
        // `within` not an `async fn`, 1,128; 1,240 with the default
        // transport's future held inline instead of in a box of its own
        // (one allocation and 248 bytes less per attempt); 72 more with the
        // `tracing` feature (the call's span), as the workspace builds it.
        let client = Client::builder("https://example.test").build().unwrap();
        let running = client.clone().run(
            Request::new(reqwest::Method::GET),
            RequestOptions::default(),
            false,
        );
        let size = std::mem::size_of_val(&running);
        assert!(size <= 1320, "{size} bytes");
        // The reqwest transport's future, boxed when it is called as a
        // `dyn Transport` (a reqwest client given to `transport`): 944 bytes when it held the
        // request beside reqwest's `Pending`, 360 now.
        let http = crate::transport::http_client_builder()
            .unwrap()
            .build()
            .unwrap();
        let sending = http.send(HttpRequest {
            method: reqwest::Method::GET,
            url: url::Url::parse("https://example.test").unwrap(),
            headers: HeaderMap::new(),
            body: None,
            timeout: None,
            max_response_size: None,
        });
        let size = std::mem::size_of_val(&*sending);
        assert!(size <= 400, "{size} bytes");
    }

    /// What `bounded_items` lets through of `chunks` and whether it ended
    /// with `TooLarge`.
    async fn bounded(chunks: &[&str], limit: usize, events: bool) -> (String, bool) {
        use futures_util::StreamExt;
        let body: crate::transport::BodyStream = Box::pin(futures_util::stream::iter(
            chunks
                .iter()
                .map(|c| Ok(bytes::Bytes::copy_from_slice(c.as_bytes())))
                .collect::<Vec<_>>(),
        ));
        let items: Vec<Result<bytes::Bytes, TransportError>> =
            bounded_items(body, limit, events).collect().await;
        let mut text = String::new();
        let mut too_large = false;
        for item in items {
            match item {
                Ok(bytes) => text.push_str(std::str::from_utf8(&bytes).unwrap()),
                Err(e) => too_large = e.to_string().contains("longer than the limit"),
            }
        }
        (text, too_large)
    }

    #[tokio::test]
    async fn each_line_or_event_is_bounded_never_the_stream() {
        // Many short items: far past the limit in all, each within it.
        let lines = ["{\"a\": 1}\n"; 40];
        assert_eq!(bounded(&lines, 16, false).await, (lines.concat(), false));
        let events = ["data: 1\ndata: 2\n\n"; 40];
        assert_eq!(bounded(&events, 16, true).await, (events.concat(), false));
        // One event of endless short lines (LF, CR, CRLF alike) ends the
        // body after the events before it, that one never completed (chunks
        // already passed stay passed); as JSON Lines it would all pass.
        for end in ["\n", "\r", "\r\n"] {
            let line = format!("data: x{end}");
            let mut chunks = vec!["data: 1\n\n".to_owned()];
            chunks.extend(std::iter::repeat_n(line, 10));
            let chunks: Vec<&str> = chunks.iter().map(String::as_str).collect();
            let (text, too_large) = bounded(&chunks, 32, true).await;
            let rest = text.strip_prefix("data: 1\n\n").unwrap_or("no first event");
            let blank = format!("{end}{end}");
            assert!(
                too_large && !rest.contains(&blank) && rest.len() <= 64,
                "{end:?}: {text:?}"
            );
            assert_eq!(
                bounded(&chunks, 32, false).await,
                (chunks.concat(), false),
                "{end:?}"
            );
        }
        // A line too long, split over chunks, ends the body before its end.
        let (text, too_large) =
            bounded(&["ok\n", "aaaaaaaaaa", "aaaaaaaaaa\n", "b\n"], 16, false).await;
        assert_eq!((text.as_str(), too_large), ("ok\naaaaaaaaaa", true));
    }

    #[test]
    fn bad_base_urls_are_errors() {
        assert!(Client::builder("not a url").build().is_err());
        assert!(Client::builder("mailto:x@example.test").build().is_err());
    }
}
