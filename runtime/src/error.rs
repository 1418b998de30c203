//! [`Error`]: everything a call can fail with, typed by the operation's documented errors.

use std::convert::Infallible;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::transport::TransportError;

/// The error of an API call; `E` is the operation's enum of documented error
/// responses ([`Infallible`] where there are none, as for [`crate::Client::execute`]).
///
/// Response details are boxed so the error stays small on the happy path.
#[derive(Debug, thiserror::Error)]
pub enum Error<E = Infallible> {
    /// The server answered with a status the spec documents as an error; `body` is typed.
    #[error("the API answered {}", .0.status)]
    Api(Box<ApiError<E>>),
    /// The server answered with a status the spec does not document for this operation.
    #[error("unexpected status {}: {}", .0.status, excerpt(&.0.body))]
    UnexpectedStatus(Box<UnexpectedResponse>),
    /// The body did not decode into the documented type.
    #[error("status {}: the body did not decode at `{}`: {}", .0.status, .0.path, .0.source)]
    Decode(Box<DecodeError>),
    /// An attempt, or the whole call, ran out of time.
    #[error("timed out: {0}")]
    Timeout(#[source] Box<TimeoutError>),
    /// Connecting, sending or receiving failed (`Display` shows the root cause).
    #[error("transport error: {0}")]
    Transport(#[source] Box<TransportError>),
    /// The request could not be built (a parameter or body failed to serialise).
    #[error("could not build the request: {0}")]
    Request(String),
}

/// A response with a status the operation does not document.
#[derive(Debug, Clone)]
pub struct UnexpectedResponse {
    /// The status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The raw body (lossily decoded as UTF-8).
    pub body: String,
}

/// A response whose body did not decode into the documented type.
#[derive(Debug)]
pub struct DecodeError {
    /// The status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The raw body (lossily decoded as UTF-8).
    pub body: String,
    /// The JSON path of the value that failed (`items[3].customer.country`;
    /// `.` for the document itself).
    pub path: String,
    /// What serde said.
    pub source: serde_json::Error,
}

/// What ran out of time.
#[derive(Debug)]
pub struct TimeoutError {
    /// The limit that was reached.
    pub limit: Option<std::time::Duration>,
    /// Whether it was the deadline of the whole call (every attempt and the
    /// waits between them) rather than the limit of one attempt.
    pub deadline: bool,
    /// What the transport said, when it noticed first.
    pub source: Option<TransportError>,
}

impl std::fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.deadline {
            "the call's deadline"
        } else {
            "the time limit of an attempt"
        };
        match self.limit {
            Some(limit) => write!(f, "{what} ({limit:?}) passed")?,
            None => write!(f, "{what} passed")?,
        }
        if let Some(source) = &self.source {
            write!(f, " ({source})")?;
        }
        Ok(())
    }
}

impl std::error::Error for TimeoutError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A documented error response.
#[derive(Debug, Clone)]
pub struct ApiError<E> {
    /// The status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The typed error body.
    pub body: E,
}

impl Error<Infallible> {
    /// The same failure as the error of an operation (it cannot be [`Error::Api`]).
    pub fn widen<E>(self) -> Error<E> {
        match self {
            Error::Api(never) => match never.body {},
            Error::UnexpectedStatus(r) => Error::UnexpectedStatus(r),
            Error::Decode(d) => Error::Decode(d),
            Error::Timeout(t) => Error::Timeout(t),
            Error::Transport(e) => Error::Transport(e),
            Error::Request(m) => Error::Request(m),
        }
    }
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Timeout(_) | Error::Transport(_) | Error::Request(_) => None,
        }
    }

    /// The typed body of a documented error response.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api(e) => Some(&e.body),
            _ => None,
        }
    }

    /// The raw body of an undocumented or undecodable response.
    pub fn raw_body(&self) -> Option<&str> {
        match self {
            Error::UnexpectedStatus(e) => Some(&e.body),
            Error::Decode(e) => Some(&e.body),
            _ => None,
        }
    }
}

fn excerpt(body: &str) -> String {
    const MAX: usize = 200;
    if body.len() <= MAX {
        return body.to_owned();
    }
    let mut end = MAX;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &body[..end])
}
