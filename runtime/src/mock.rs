//! A test double for code that calls a generated client (feature
//! `test-util`): an in-memory [`Transport`] answering each operation with
//! typed values and recording every request, so a unit test needs no network
//! and no hand-written transport.
//!
//! ```
//! use openapi_runtime::mock::MockTransport;
//! use openapi_runtime::{Client, Method, Request, StatusCode};
//! # use openapi_runtime::{BodyFuture, Call, Operation, RawResponse, Response, Error};
//! # #[derive(Clone)]
//! # struct GetThing { call: Call, id: u32 }
//! # impl Operation for GetThing {
//! #     type Output = serde_json::Value;
//! #     type Error = ();
//! #     fn call(&self) -> &Call { &self.call }
//! #     fn request(&self) -> Request {
//! #         Request::new(Method::GET).path("/things/").path_param("id", &self.id)
//! #     }
//! #     fn decode(raw: RawResponse) -> Result<Response<Self::Output>, Error<()>> { raw.json() }
//! # }
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! # rt.block_on(async {
//! let mock = MockTransport::new();
//! let client = Client::builder("https://api.example.test").transport(mock.clone()).build().unwrap();
//! // With a generated client: `mock.on(&client.things().get(7)).respond(StatusCode::OK, &thing)`.
//! let get = GetThing { call: Call::new(client.clone()), id: 7 };
//! mock.on(&get).respond(StatusCode::OK, &serde_json::json!({"id": 7}));
//! let thing = BodyFuture::new(get).await.unwrap(); // `.await` on a generated builder
//! assert_eq!(thing["id"], 7);
//! assert_eq!(mock.requests()[0].url.path(), "/things/7");
//! # });
//! ```
//!
//! A request no answer matches fails the call with a transport error naming
//! it. Answers are matched by method and path (the URL's path ends with the
//! operation's) and by the query parameters the expected operation sets (a
//! page number, a filter), so `mock.on(&list.page(2))` answers only page 2;
//! the answer added last wins where several match.

use std::sync::{Arc, Mutex, PoisonError};

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::Serialize;

use crate::operation::Operation;
use crate::transport::{
    HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind, TransportFuture,
};

/// The in-memory transport: clone it into the client's builder
/// (`.transport(mock.clone())`) and keep a handle to set answers and read
/// what was sent.
#[derive(Clone, Default)]
pub struct MockTransport {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    answers: Vec<Answer>,
    requests: Vec<HttpRequest>,
}

struct Answer {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    response: Result<HttpResponse, TransportErrorKind>,
}

impl Answer {
    /// Whether this answers `request`, whose query pairs are `sent`.
    fn matches(&self, request: &HttpRequest, sent: &[(String, String)]) -> bool {
        // The URL's path is the base URL's path, then the operation's.
        let path_fits = request
            .url
            .path()
            .strip_suffix(&self.path)
            .is_some_and(|base| {
                self.path.starts_with('/') || base.is_empty() || base.ends_with('/')
            });
        self.method == request.method && path_fits && self.query.iter().all(|q| sent.contains(q))
    }
}

impl MockTransport {
    /// A transport with no answers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the answer to the request `operation` describes (its method,
    /// path and query parameters).
    pub fn on<O: Operation>(&self, operation: &O) -> Expect<'_, O> {
        let request = operation.request();
        Expect {
            mock: self,
            method: request.method().clone(),
            path: request.path_str().to_owned(),
            query: request.query_pairs().to_vec(),
            operation: std::marker::PhantomData,
        }
    }

    /// Every request sent so far, in order (retries included).
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.lock().requests.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn add(&self, answer: Answer) {
        self.lock().answers.push(answer);
    }
}

/// An answer being set for one operation ([`MockTransport::on`]).
#[must_use = "an answer is set by `respond`, `respond_json`, `respond_raw` or `fail`"]
pub struct Expect<'m, O> {
    mock: &'m MockTransport,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    operation: std::marker::PhantomData<fn() -> O>,
}

impl<O: Operation> Expect<'_, O> {
    /// Answers `status` with the operation's own success type as JSON (no
    /// body for `()`).
    pub fn respond(self, status: StatusCode, body: &O::Output)
    where
        O::Output: Serialize,
    {
        self.respond_json(status, body);
    }

    /// Answers `status` with any value as JSON: an error body, or a body the
    /// spec does not describe.
    pub fn respond_json(self, status: StatusCode, body: &impl Serialize) {
        let response = match serde_json::to_value(body) {
            Ok(serde_json::Value::Null) => HttpResponse {
                status,
                headers: HeaderMap::new(),
                body: bytes::Bytes::new(),
            },
            Ok(value) => {
                let mut headers = HeaderMap::new();
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                HttpResponse {
                    status,
                    headers,
                    body: value.to_string().into(),
                }
            }
            // A value that cannot be JSON: the answer says so, as a 500.
            Err(e) => HttpResponse {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                headers: HeaderMap::new(),
                body: format!("MockTransport: the answer is not JSON: {e}").into(),
            },
        };
        self.respond_raw(response);
    }

    /// Answers with exactly this response (headers such as `Retry-After`,
    /// bytes that are not JSON).
    pub fn respond_raw(self, response: HttpResponse) {
        self.mock.add(Answer {
            method: self.method,
            path: self.path,
            query: self.query,
            response: Ok(response),
        });
    }

    /// Fails the request as a transport would (`Connect`: refused, `Timeout`, ...).
    pub fn fail(self, kind: TransportErrorKind) {
        self.mock.add(Answer {
            method: self.method,
            path: self.path,
            query: self.query,
            response: Err(kind),
        });
    }
}

impl Transport for MockTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        // The query pairs, read once for every answer to compare.
        let sent: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut state = self.lock();
        let answer = state
            .answers
            .iter()
            .rev()
            .find(|a| a.matches(&request, &sent))
            .map(|a| a.response.clone());
        let what = format!("{} {}", request.method, request.url);
        state.requests.push(request);
        drop(state);
        Box::pin(async move {
            match answer {
                Some(Ok(response)) => Ok(response),
                Some(Err(kind)) => Err(TransportError::new(
                    kind,
                    format!("MockTransport: {what} fails as told"),
                )),
                None => Err(TransportError::new(
                    TransportErrorKind::Other,
                    format!("MockTransport: no answer set for {what}"),
                )),
            }
        })
    }
}
