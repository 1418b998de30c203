//! [`RawResponse`] (what came back) and [`Response`] (a decoded body with its status and headers).

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::client::LiveBody;
use crate::error::{ApiError, DecodeError, Error, ErrorBody, UnexpectedResponse};
use crate::json::{self, Decode};
use crate::stream::{Events, JsonLines, RawEvents};

/// A decoded response: the typed body with the status and headers it came with.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The status.
    pub status: StatusCode,
    /// The headers (for example ConfigCat's `X-Rate-Limit-Remaining`).
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> Response<T> {
    /// The body alone.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The same response with its body mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
        }
    }

    /// A header's value as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A response as received: status, headers, raw body. Generated code decodes it.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

impl RawResponse {
    /// The status as a number, for matching.
    pub fn status_code(&self) -> u16 {
        self.status.as_u16()
    }

    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Decodes the body as JSON; generic over the body type only. The path
    /// of a failure comes from the error's position (see [`json::path`]).
    fn decode<T: Decode>(&self) -> Result<T, Box<DecodeError>> {
        // The error is made by a function of its own: this one is compiled
        // per body type.
        match json::from_slice(&self.body) {
            Ok(body) => Ok(body),
            Err(source) => Err(self.decode_error(source)),
        }
    }

    fn decode_error(&self, source: json::Error) -> Box<DecodeError> {
        Box::new(DecodeError {
            status: self.status,
            headers: self.headers.clone(),
            body: self.body_text(),
            path: json::path(&self.body, &source),
            source,
        })
    }

    /// Decodes a JSON success body.
    pub fn json<T: Decode, E>(self) -> Result<Response<T>, Error<E>> {
        // Matches rather than `?` and `map_err` in these: they are compiled
        // per operation, and each of those adds functions per operation.
        match self.decode() {
            Ok(body) => Ok(Response {
                status: self.status,
                headers: self.headers,
                body,
            }),
            Err(d) => Err(Error::Decode(d)),
        }
    }

    /// A text success body (CSV exports and other non-JSON media types).
    pub fn text<E>(self) -> Result<Response<String>, Error<E>> {
        let body = self.body_text();
        Ok(Response {
            status: self.status,
            headers: self.headers,
            body,
        })
    }

    /// A binary success body (files, images, PDFs), byte for byte.
    pub fn bytes<E>(self) -> Result<Response<Vec<u8>>, Error<E>> {
        Ok(Response {
            status: self.status,
            headers: self.headers,
            body: self.body.into(),
        })
    }

    /// A stream made of the live body when there is one
    /// ([`crate::Client::execute_streaming`]), else of the body already read.
    fn streamed<S, E>(
        self,
        live: Option<LiveBody>,
        from_live: fn(StatusCode, HeaderMap, LiveBody) -> S,
        from_whole: fn(StatusCode, HeaderMap, Vec<u8>) -> S,
    ) -> Result<Response<S>, Error<E>> {
        let headers = self.headers.clone();
        let body = match live {
            Some(body) => from_live(self.status, headers, body),
            None => from_whole(self.status, headers, self.body.into()),
        };
        Ok(Response {
            status: self.status,
            headers: self.headers,
            body,
        })
    }

    /// A server-sent event stream whose data is JSON of type `T`: of the
    /// live body when there is one ([`crate::Client::execute_streaming`]),
    /// else of the body already read (so are the two below).
    pub fn events<T, E>(self, live: Option<LiveBody>) -> Result<Response<Events<T>>, Error<E>> {
        self.streamed(live, Events::new, Events::buffered)
    }

    /// A server-sent event stream whose data is text.
    pub fn raw_events<E>(self, live: Option<LiveBody>) -> Result<Response<RawEvents>, Error<E>> {
        self.streamed(live, RawEvents::new, RawEvents::buffered)
    }

    /// JSON Lines of type `T`.
    pub fn json_lines<T, E>(
        self,
        live: Option<LiveBody>,
    ) -> Result<Response<JsonLines<T>>, Error<E>> {
        self.streamed(live, JsonLines::new, JsonLines::buffered)
    }

    /// A success without a body (any body sent anyway is ignored).
    pub fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        Ok(Response {
            status: self.status,
            headers: self.headers,
            body: (),
        })
    }

    /// A documented error with a JSON body, wrapped into the operation's error enum.
    pub fn error_json<B: Decode, T, E: ErrorBody>(
        self,
        wrap: impl FnOnce(B) -> E,
    ) -> Result<T, Error<E>> {
        match self.decode::<B>() {
            Ok(body) => self.error_empty(wrap(body)),
            Err(d) => Err(Error::Decode(d)),
        }
    }

    /// A documented error without a body (its message, if the server sent
    /// one anyway, is read from the raw body).
    pub fn error_empty<T, E: ErrorBody>(self, error: E) -> Result<T, Error<E>> {
        Err(Error::Api(Box::new(ApiError::new(
            self.status,
            self.headers,
            error,
            &self.body,
        ))))
    }

    /// A documented error whose body is text.
    pub fn error_text<T, E: ErrorBody>(
        self,
        wrap: impl FnOnce(String) -> E,
    ) -> Result<T, Error<E>> {
        let body = self.body_text();
        self.error_empty(wrap(body))
    }

    /// A documented error whose body is binary.
    pub fn error_bytes<T, E: ErrorBody>(
        self,
        wrap: impl FnOnce(Vec<u8>) -> E,
    ) -> Result<T, Error<E>> {
        // A binary body holds no message to read.
        Err(Error::Api(Box::new(ApiError::new(
            self.status,
            self.headers,
            wrap(self.body.into()),
            &[],
        ))))
    }

    /// A status the operation does not document.
    pub fn unexpected<T, E>(self) -> Result<T, Error<E>> {
        Err(Error::UnexpectedStatus(Box::new(UnexpectedResponse {
            body: self.body_text(),
            status: self.status,
            headers: self.headers,
        })))
    }
}
