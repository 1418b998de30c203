//! [`Error`]: everything a call can fail with, typed by the operation's documented errors.

use std::convert::Infallible;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::transport::TransportError;

/// The error of an API call; `E` is the operation's enum of documented error
/// responses ([`Infallible`] where there are none, as for [`crate::Client::execute`]).
///
/// `Display` says everything on one line (the server's message, the
/// transport's root cause) and `source()` returns nothing, so an error
/// reporter such as anyhow's `{:#}` names each cause once.
/// [`Error::status`] and [`Error::message`] serve every operation alike.
///
/// Response details are boxed so the error stays small on the happy path.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = Infallible> {
    /// The server answered with a status the spec documents as an error; `body` is typed.
    Api(Box<ApiError<E>>),
    /// The server answered with a status the spec does not document for this operation.
    UnexpectedStatus(Box<UnexpectedResponse>),
    /// The body did not decode into the documented type.
    Decode(Box<DecodeError>),
    /// An attempt, or the whole call, ran out of time.
    Timeout(Box<TimeoutError>),
    /// Connecting, sending or receiving failed (`Display` shows the root cause).
    Transport(Box<TransportError>),
    /// The request could not be built (a parameter or body failed to serialise).
    Request(String),
    /// The response body (or one item of a streamed body) was longer than
    /// the call's limit (`max_response_size`); reading stopped there.
    TooLarge(crate::transport::BodyTooLarge),
}

/// An [`Error`] as its `Display` reads it: everything but the typed body,
/// so that the line is written by one function whatever the `E` (a derived
/// `Display` is compiled again for every operation's error type).
enum Line<'a> {
    Api(StatusCode, Option<&'a str>),
    UnexpectedStatus(&'a UnexpectedResponse),
    Decode(&'a DecodeError),
    Timeout(&'a TimeoutError),
    Transport(&'a TransportError),
    Request(&'a str),
    TooLarge(&'a crate::transport::BodyTooLarge),
}

impl Line<'_> {
    fn write(self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Line::Api(status, message) => write!(f, "the API answered {status}{}", colon(message)),
            Line::UnexpectedStatus(r) => write!(
                f,
                "unexpected status {}{}",
                r.status,
                colon(Some(&excerpt(r.body.trim())))
            ),
            Line::Decode(d) => write!(
                f,
                "status {}: the body did not decode at `{}`: {}",
                d.status, d.path, d.source
            ),
            Line::Timeout(t) => write!(f, "timed out: {t}"),
            Line::Transport(e) => write!(f, "transport error: {e}"),
            Line::Request(m) => write!(f, "could not build the request: {m}"),
            Line::TooLarge(t) => write!(f, "{t}"),
        }
    }
}

impl<E> std::fmt::Display for Error<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = match self {
            Error::Api(e) => Line::Api(e.status, e.message.as_deref()),
            Error::UnexpectedStatus(r) => Line::UnexpectedStatus(r),
            Error::Decode(d) => Line::Decode(d),
            Error::Timeout(t) => Line::Timeout(t),
            Error::Transport(e) => Line::Transport(e),
            Error::Request(m) => Line::Request(m),
            Error::TooLarge(t) => Line::TooLarge(t),
        };
        line.write(f)
    }
}

/// `Display` has each cause on its line already: `source()` returns
/// nothing, so that a reporter does not print one twice.
impl<E: std::fmt::Debug> std::error::Error for Error<E> {}

/// What an operation's enum of documented error responses tells about
/// itself (generated for each; [`Infallible`] for operations without one).
pub trait ErrorBody {
    /// The server's own message, read from the field the spec's error schema
    /// names for it (`detail`, `message`, `error`, ...; a list of validation
    /// errors as `location: message; ...`), when the body has one.
    fn message(&self) -> Option<String>;
}

/// An error body type that holds the server's message: generated for each
/// type some operation's error response has as its body, once, so that the
/// operations' [`ErrorBody`] impls share it.
pub trait ServerMessage {
    /// The server's own message, read from the field the spec's schema names
    /// for it (see [`ErrorBody::message`]), when this body has one.
    fn server_message(&self) -> Option<String>;
}

impl ErrorBody for Infallible {
    fn message(&self) -> Option<String> {
        match *self {}
    }
}

/// `: text`, or nothing when there is no text.
fn colon(text: Option<&str>) -> String {
    match text {
        Some(t) if !t.is_empty() => format!(": {t}"),
        _ => String::new(),
    }
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
    /// What did not decode, and where in the body.
    pub source: crate::json::Error,
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

/// The transport's error, when there is one, is on the line already.
impl std::error::Error for TimeoutError {}

/// A documented error response.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The typed error body.
    pub body: E,
    /// The server's message: [`ErrorBody::message`] of the body or, where
    /// the spec gives the body no schema, a `message`, `detail`, `error` or
    /// `title` string of a JSON body, or a short plain-text body.
    pub message: Option<String>,
}

impl<E: ErrorBody> ApiError<E> {
    /// The error `body` came back as, its message read from it or from `raw`.
    pub fn new(status: StatusCode, headers: HeaderMap, body: E, raw: &[u8]) -> Self {
        // A match, not `or_else`: this is compiled per operation.
        let message = match body.message() {
            Some(m) => Some(m),
            None => raw_message(raw),
        };
        ApiError {
            status,
            headers,
            body,
            message,
        }
    }
}

/// The message of a body the spec gives no schema: a string field of a JSON
/// object (`message`, `detail`, `error_description`, `error`, `title`, also
/// one level down as in `{"error": {"message": ...}}`), a JSON string, or
/// plain text of one short line.
pub fn raw_message(raw: &[u8]) -> Option<String> {
    const KEYS: [&str; 5] = ["message", "detail", "error_description", "error", "title"];
    fn pick(v: &serde_json::Value, depth: u8) -> Option<String> {
        match v {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            serde_json::Value::Object(o) if depth < 2 => KEYS
                .iter()
                .find_map(|k| o.get(*k).and_then(|v| pick(v, depth + 1))),
            _ => None,
        }
    }
    match serde_json::from_slice::<serde_json::Value>(raw) {
        Ok(v) => pick(&v, 0),
        Err(_) => {
            let text = std::str::from_utf8(raw).ok()?.trim();
            let plain = !text.is_empty() && text.len() <= 200 && !text.contains(['\n', '<']);
            plain.then(|| text.to_owned())
        }
    }
}

/// A list of messages (validation errors) as one line:
/// `body.email: field required; body.name: too long`.
pub fn messages(each: impl Iterator<Item = String>) -> Option<String> {
    let all: Vec<String> = each.filter(|m| !m.is_empty()).collect();
    (!all.is_empty()).then(|| all.join("; "))
}

/// One located message, `location: message`; the location is a string or a
/// list of path segments (strings and numbers, joined with `.`).
pub fn located<L: serde::Serialize + ?Sized>(location: &L, message: &str) -> String {
    fn segment(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    let at = match serde_json::to_value(location) {
        Ok(serde_json::Value::Array(items)) => {
            items.iter().map(segment).collect::<Vec<_>>().join(".")
        }
        Ok(serde_json::Value::Null) | Err(_) => String::new(),
        Ok(v) => segment(&v),
    };
    if at.is_empty() {
        message.to_owned()
    } else {
        format!("{at}: {message}")
    }
}

/// What a generated error enum's `Display` writes: what the spec says of
/// the response (`404: Customer not found`), then the server's message.
pub fn fmt_body(
    f: &mut std::fmt::Formatter<'_>,
    what: &str,
    message: Option<String>,
) -> std::fmt::Result {
    f.write_str(what)?;
    f.write_str(&colon(message.as_deref()))
}

impl<E> Error<E> {
    /// The failure as an error without a typed body, or the documented
    /// error response it is (the inverse of [`Error::widen`]).
    pub fn narrow(self) -> Result<Error<Infallible>, Box<ApiError<E>>> {
        self.split()
    }

    /// Every failure but a documented error response as an `Error<F>`;
    /// the response as it is.
    fn split<F>(self) -> Result<Error<F>, Box<ApiError<E>>> {
        Ok(match self {
            Error::Api(e) => return Err(e),
            Error::UnexpectedStatus(r) => Error::UnexpectedStatus(r),
            Error::Decode(d) => Error::Decode(d),
            Error::Timeout(t) => Error::Timeout(t),
            Error::Transport(e) => Error::Transport(e),
            Error::Request(m) => Error::Request(m),
            Error::TooLarge(t) => Error::TooLarge(t),
        })
    }
}

impl Error<Infallible> {
    /// The same failure as the error of an operation (it cannot be [`Error::Api`]).
    pub fn widen<E>(self) -> Error<E> {
        match self.split() {
            Ok(e) => e,
            Err(never) => match never.body {},
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
            Error::Timeout(_) | Error::Transport(_) | Error::Request(_) | Error::TooLarge(_) => {
                None
            }
        }
    }

    /// What the server said: the message of a documented error (see
    /// [`ApiError::message`]), or one read from the raw body of an
    /// undocumented or undecodable response the same way.
    pub fn message(&self) -> Option<String> {
        match self {
            Error::Api(e) => e.message.clone(),
            Error::UnexpectedStatus(e) => raw_message(e.body.as_bytes()),
            Error::Decode(e) => raw_message(e.body.as_bytes()),
            Error::Timeout(_) | Error::Transport(_) | Error::Request(_) | Error::TooLarge(_) => {
                None
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_keeps_every_failure_but_a_documented_error() {
        let api: Error<&str> = Error::Api(Box::new(ApiError {
            status: StatusCode::NOT_FOUND,
            headers: HeaderMap::new(),
            body: "gone",
            message: Some("no such member".into()),
        }));
        assert_eq!(
            api.to_string(),
            "the API answered 404 Not Found: no such member"
        );
        assert_eq!(api.narrow().map(|_| ()).unwrap_err().body, "gone");
        let request: Error<&str> = Error::Request("bad".into());
        let narrowed = request.narrow().unwrap();
        assert_eq!(narrowed.to_string(), "could not build the request: bad");
        assert!(matches!(narrowed.widen::<&str>(), Error::Request(m) if m == "bad"));
    }
}
