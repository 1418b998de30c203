//! [`Operation`]: what every generated request builder is, and the futures
//! and streams that send one.
//!
//! A generated builder holds its parameters and a [`Call`] (the client and
//! per-call settings); it describes its request ([`Operation::request`]) and
//! how each status decodes ([`Operation::decode`]), which its parameters say
//! ([`Endpoint`]). Everything else is here,
//! written once: sending goes through the one, non-generic [`Client::execute`]
//! (retries, time-outs), and [`ResponseFuture`], [`BodyFuture`], [`pages`] and
//! [`items`] only glue the builder's decode table onto it. They are generic
//! over the builder, so their code is generated in the crate that sends the
//! request, for the operations it calls.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::stream::BoxStream;
use futures_util::StreamExt;

use crate::client::{LiveBody, Received, Receiving, Sending};
use crate::{
    paginate, Client, Error, Page, RawResponse, Request, RequestOptions, Response, RetryPolicy,
};

/// The client and the per-call settings a request builder carries.
#[derive(Debug, Clone)]
pub struct Call {
    /// The client that sends the request.
    pub client: Client,
    /// Settings overriding the client's for this call.
    pub options: RequestOptions,
}

impl Call {
    /// A call on `client` with the client's settings.
    pub fn new(client: Client) -> Self {
        Call {
            client,
            options: RequestOptions::default(),
        }
    }

    /// Sets the time limit of each attempt.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.options.timeout = Some(timeout);
    }

    /// Sets the retry policy.
    pub fn set_retry(&mut self, policy: RetryPolicy) {
        self.options.retry = Some(policy);
    }

    /// Sets the time limit of the whole call, every attempt and wait included.
    pub fn set_deadline(&mut self, deadline: Duration) {
        self.options.deadline = Some(deadline);
    }

    /// Sets the longest response body this call accepts, in bytes.
    pub fn set_max_response_size(&mut self, bytes: usize) {
        self.options.max_response_size = Some(bytes);
    }

    /// Adds a header to this call (an invalid name or value fails the call
    /// with [`Error::Request`] when sent, never a panic).
    pub fn add_header(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.options.headers.push((name.into(), value.into()));
    }
}

/// What one operation sends and how its responses decode, implemented by
/// each generated operation's parameters. A generated API's one generic
/// request builder pairs them with a [`Call`] and is the [`Operation`]; it
/// delegates these items here.
pub trait Endpoint {
    /// The decoded success body.
    type Output;
    /// The operation's enum of documented error responses.
    type Error;

    /// The request these parameters describe.
    fn request(&self) -> Request;

    /// Decodes a response by its status (see [`Operation::decode`]).
    fn decode(raw: RawResponse) -> Result<Response<Self::Output>, Error<Self::Error>>;

    /// Whether the success is read as it arrives (see [`Operation::STREAMED`]).
    const STREAMED: bool = false;

    /// Decodes a 2xx response whose body is still arriving (see
    /// [`Operation::decode_live`]).
    fn decode_live(
        raw: RawResponse,
        body: LiveBody,
    ) -> Result<Response<Self::Output>, Error<Self::Error>> {
        drop(body);
        Self::decode(raw)
    }
}

/// A request builder of one operation. Its `decode` turns documented
/// successes into [`Operation::Output`], documented errors into
/// [`Error::Api`] and anything else into [`Error::UnexpectedStatus`].
// The methods' docs are shown on every generated builder, in another crate:
// intra-doc links there do not resolve, so they live on the trait.
pub trait Operation: Sized {
    /// The decoded success body.
    type Output;
    /// The operation's enum of documented error responses.
    type Error;

    /// The client and per-call settings.
    fn call(&self) -> &Call;

    /// The request this builder describes.
    fn request(&self) -> Request;

    /// Decodes a response by its status: documented successes into the
    /// output, documented errors into `Error::Api`, anything else into
    /// `Error::UnexpectedStatus`.
    fn decode(raw: RawResponse) -> Result<Response<Self::Output>, Error<Self::Error>>;

    /// Whether the success is read as it arrives (server-sent events, JSON
    /// Lines): sent with [`Client::execute_streaming`], a 2xx body goes to
    /// [`Operation::decode_live`] still arriving.
    const STREAMED: bool = false;

    /// Decodes a 2xx response whose body is `body`, still arriving (for
    /// [`Operation::STREAMED`] operations; the others never get one).
    fn decode_live(
        raw: RawResponse,
        body: LiveBody,
    ) -> Result<Response<Self::Output>, Error<Self::Error>> {
        drop(body);
        Self::decode(raw)
    }
}

/// A list operation paged by number.
pub trait Paginated: Operation<Output: Page> + Clone + Send + 'static {
    /// The page the builder asks for, if set.
    fn page(&self) -> Option<i64>;
    /// Asks for page `page`.
    fn set_page(&mut self, page: i64);
}

/// The future of `send_with_response()`: the decoded body with the status and headers.
#[must_use = "futures do nothing unless polled"]
pub struct ResponseFuture<O: Operation> {
    sending: Sent,
    op: PhantomData<fn() -> O>,
}

/// The request on its way: read whole, or (for a streamed operation) up to
/// its head.
enum Sent {
    Whole(Sending),
    Streamed(Receiving),
}

impl<O: Operation> ResponseFuture<O> {
    /// Sends the request `op` describes.
    pub fn new(op: O) -> Self {
        let call = op.call();
        let (request, options) = (op.request(), call.options.clone());
        ResponseFuture {
            sending: if O::STREAMED {
                Sent::Streamed(call.client.execute_streaming(request, options))
            } else {
                Sent::Whole(call.client.execute(request, options))
            },
            op: PhantomData,
        }
    }
}

impl<O: Operation> Future for ResponseFuture<O> {
    type Output = Result<Response<O::Output>, Error<O::Error>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.sending {
            Sent::Whole(sending) => sending.as_mut().poll(cx).map(|sent| match sent {
                Ok(raw) => O::decode(raw),
                Err(e) => Err(e.widen()),
            }),
            Sent::Streamed(receiving) => receiving.as_mut().poll(cx).map(|sent| match sent {
                Ok(Received {
                    raw,
                    live: Some(body),
                }) => O::decode_live(raw, body),
                Ok(Received { raw, live: None }) => O::decode(raw),
                Err(e) => Err(e.widen()),
            }),
        }
    }
}

/// The future of `send()` and `.await`: the decoded body.
#[must_use = "futures do nothing unless polled"]
pub struct BodyFuture<O: Operation>(ResponseFuture<O>);

impl<O: Operation> BodyFuture<O> {
    /// Sends the request `op` describes.
    pub fn new(op: O) -> Self {
        BodyFuture(ResponseFuture::new(op))
    }
}

impl<O: Operation> Future for BodyFuture<O> {
    type Output = Result<O::Output, Error<O::Error>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.map(Response::into_body))
    }
}

/// How a [`StreamFuture`] makes its stream of a 2xx response: from the
/// live body, or from the body read whole when there is none.
pub type MakeStream<O, S> =
    fn(RawResponse, Option<LiveBody>) -> Result<Response<S>, Error<<O as Operation>::Error>>;

/// The future of a builder's `events()` or `lines()`: the request sent
/// asking for a streamed form of its success (`Accept: text/event-stream`),
/// which the response offers beside the one `.await` decodes; resolves to
/// the stream once the response's head is in. Other statuses decode as
/// `.await` decodes them.
#[must_use = "futures do nothing unless polled"]
pub struct StreamFuture<O: Operation, S> {
    receiving: Receiving,
    make: MakeStream<O, S>,
}

impl<O: Operation, S> StreamFuture<O, S> {
    /// Sends the request `op` describes with `Accept: accept`; `make` turns
    /// a 2xx response into the stream.
    pub fn new(op: O, accept: &str, make: MakeStream<O, S>) -> Self {
        let call = op.call();
        let mut options = call.options.clone();
        options
            .headers
            .push(("accept".to_owned(), accept.to_owned()));
        StreamFuture {
            receiving: call.client.execute_streaming(op.request(), options),
            make,
        }
    }
}

impl<O: Operation, S> Future for StreamFuture<O, S> {
    type Output = Result<S, Error<O::Error>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let make = self.make;
        self.receiving.as_mut().poll(cx).map(|sent| {
            let Received { raw, live } = sent.map_err(Error::widen)?;
            if raw.status.is_success() {
                return make(raw, live).map(Response::into_body);
            }
            let (status, headers) = (raw.status, raw.headers.clone());
            match O::decode(raw) {
                Err(e) => Err(e),
                // Only 2xx statuses are successes; kept total all the same.
                Ok(_) => Err(Error::UnexpectedStatus(Box::new(
                    crate::error::UnexpectedResponse {
                        status,
                        headers,
                        body: String::new(),
                    },
                ))),
            }
        })
    }
}

/// Every page of a paginated list, in order.
pub type PageStream<O> =
    BoxStream<'static, Result<<O as Operation>::Output, Error<<O as Operation>::Error>>>;

/// Every item of every page of a paginated list, in order.
pub type ItemStream<O> = BoxStream<
    'static,
    Result<<<O as Operation>::Output as Page>::Item, Error<<O as Operation>::Error>>,
>;

/// Every page from the builder's page on (the first when unset), fetched
/// lazily, one request per page.
pub fn pages<O>(op: O) -> PageStream<O>
where
    O: Paginated,
    O::Output: Send + 'static,
    O::Error: Send + 'static,
{
    let start = op.page().unwrap_or(1);
    paginate::pages(start, move |page| {
        let mut next = op.clone();
        next.set_page(page);
        BodyFuture::new(next)
    })
    .boxed()
}

/// Every item of every page from the builder's page on, fetched lazily.
pub fn items<O>(op: O) -> ItemStream<O>
where
    O: Paginated,
    O::Output: Send + 'static,
    <O::Output as Page>::Item: Send + 'static,
    O::Error: Send + 'static,
{
    paginate::items(pages(op)).boxed()
}
