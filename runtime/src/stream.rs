//! Responses read as they arrive: server-sent events ([`Events`],
//! [`RawEvents`]) and JSON Lines ([`JsonLines`]), each a `Stream` of typed
//! items. Nothing buffers the whole body: an item is yielded as soon as its
//! last byte is in, and the time limit of an attempt applies to the silence
//! between chunks, not to the stream (see [`crate::Client::execute_streaming`]).
//!
//! An item that does not decode is an `Err` ([`Error::Decode`], its body
//! the event's data or the line) and the stream goes on; a broken
//! connection or a silence past the limit is an `Err` that ends it.
//!
//! Server-sent events are parsed as the HTML standard says: `event`,
//! `data` (lines joined with `\n`), `id` (kept for the events after it, and
//! for reconnecting with a `Last-Event-ID` header: [`RawEvents::last_event_id`])
//! and `retry`; comments (`:` lines) and unknown fields are skipped, an
//! event without data is not one, and a last event without its blank line
//! is dropped.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::client::LiveBody;
use crate::error::DecodeError;
use crate::json::{self, Decode};
use crate::transport::BodyStream;
use crate::Error;

/// One server-sent event, its data decoded as `T` (`String` for [`RawEvents`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The event's type: its `event` field, `message` when it has none.
    pub event: String,
    /// Its `data`.
    pub data: T,
    /// The last `id` the stream set, at or before this event.
    pub id: Option<String>,
    /// The reconnection time this event asked for (`retry`), if it did.
    pub retry: Option<Duration>,
}

/// What a stream reads from: its response's status and headers (for
/// errors) and the body, chunk by chunk.
struct Source {
    status: StatusCode,
    headers: HeaderMap,
    body: Option<BodyStream>,
    /// Bytes read and not yet parsed.
    pending: Vec<u8>,
}

impl Source {
    fn new(status: StatusCode, headers: HeaderMap, body: BodyStream) -> Self {
        Source {
            status,
            headers,
            body: Some(body),
            pending: Vec::new(),
        }
    }

    fn buffered(status: StatusCode, headers: HeaderMap, body: Vec<u8>) -> Self {
        Source {
            status,
            headers,
            body: None,
            pending: body,
        }
    }

    /// The next chunk: `Ready(Some(Ok))` appended to `pending`,
    /// `Ready(None)` at the end, an error (which ends the body).
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<(), Error>>> {
        let Some(body) = self.body.as_mut() else {
            return Poll::Ready(None);
        };
        match body.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => {
                self.body = None;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Ok(chunk))) => {
                self.pending.extend_from_slice(&chunk);
                Poll::Ready(Some(Ok(())))
            }
            Poll::Ready(Some(Err(e))) => {
                self.body = None;
                Poll::Ready(Some(Err(crate::client::failed(e, None))))
            }
        }
    }

    /// The error of an item `text` that did not decode.
    fn decode_error(&self, text: &str, source: json::Error) -> Error {
        Error::Decode(Box::new(DecodeError {
            status: self.status,
            headers: self.headers.clone(),
            body: text.to_owned(),
            path: json::path(text.as_bytes(), &source),
            source,
        }))
    }
}

/// Server-sent events with their data as text.
pub struct RawEvents {
    source: Source,
    /// Whether the first line was read (a byte-order mark before it is dropped).
    started: bool,
    event: String,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    retry: Option<Duration>,
    ready: VecDeque<Event<String>>,
}

impl fmt::Debug for RawEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawEvents")
            .field("status", &self.source.status)
            .field("last_event_id", &self.last_id)
            .finish_non_exhaustive()
    }
}

impl RawEvents {
    fn from_source(source: Source) -> Self {
        RawEvents {
            source,
            started: false,
            event: String::new(),
            data: String::new(),
            has_data: false,
            last_id: None,
            retry: None,
            ready: VecDeque::new(),
        }
    }

    /// The events of a body as it arrives.
    pub fn new(status: StatusCode, headers: HeaderMap, body: LiveBody) -> Self {
        Self::from_source(Source::new(status, headers, body.0))
    }

    /// The events of a body already read whole.
    pub fn buffered(status: StatusCode, headers: HeaderMap, body: Vec<u8>) -> Self {
        Self::from_source(Source::buffered(status, headers, body))
    }

    /// The last event id the stream set (send it as `Last-Event-ID` to resume).
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.source.headers
    }

    /// Parses every complete line in `pending`; `end` when no more bytes come
    /// (a last line without its terminator is then a line).
    fn parse(&mut self, end: bool) {
        let bytes = std::mem::take(&mut self.source.pending);
        let mut rest: &[u8] = &bytes;
        while let Some(at) = rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
            let (line, tail) = rest.split_at_checked(at).unwrap_or((rest, &[]));
            // A `\r` at the end of what came so far may be half of `\r\n`.
            if tail == b"\r" && !end {
                break;
            }
            self.line(&String::from_utf8_lossy(line));
            let terminator = if tail.starts_with(b"\r\n") { 2 } else { 1 };
            rest = tail.get(terminator..).unwrap_or_default();
        }
        if end && !rest.is_empty() {
            let line = String::from_utf8_lossy(rest).into_owned();
            self.line(&line);
        } else {
            self.source.pending = rest.to_vec();
        }
    }

    /// One line of the stream.
    fn line(&mut self, line: &str) {
        let line = if self.started {
            line
        } else {
            self.started = true;
            line.strip_prefix('\u{feff}').unwrap_or(line)
        };
        if line.is_empty() {
            self.dispatch();
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            "id" if !value.contains('\0') => {
                self.last_id = (!value.is_empty()).then(|| value.to_owned());
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok().map(Duration::from_millis);
            }
            _ => {}
        }
    }

    /// The blank line: the event so far, if it has data.
    fn dispatch(&mut self) {
        let event = std::mem::take(&mut self.event);
        let retry = self.retry.take();
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop(); // the `\n` after the last data line
        self.ready.push_back(Event {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data,
            id: self.last_id.clone(),
            retry,
        });
    }
}

impl Stream for RawEvents {
    type Item = Result<Event<String>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(event) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(event)));
            }
            if this.source.body.is_none() {
                if this.source.pending.is_empty() {
                    return Poll::Ready(None);
                }
                this.parse(true);
                // An event still open at the end is dropped, as the standard says.
                continue;
            }
            match this.source.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(()))) => this.parse(false),
                Poll::Ready(None) => this.parse(true),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
            }
        }
    }
}

/// Server-sent events whose data is JSON, decoded as `T`.
pub struct Events<T> {
    raw: RawEvents,
    item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Events<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Events").field(&self.raw).finish()
    }
}

impl<T> Events<T> {
    /// The events of a body as it arrives.
    pub fn new(status: StatusCode, headers: HeaderMap, body: LiveBody) -> Self {
        RawEvents::new(status, headers, body).into()
    }

    /// The events of a body already read whole.
    pub fn buffered(status: StatusCode, headers: HeaderMap, body: Vec<u8>) -> Self {
        RawEvents::buffered(status, headers, body).into()
    }

    /// The same stream with each event's data as text, undecoded.
    pub fn raw(self) -> RawEvents {
        self.raw
    }

    /// The last event id the stream set (send it as `Last-Event-ID` to resume).
    pub fn last_event_id(&self) -> Option<&str> {
        self.raw.last_event_id()
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        self.raw.headers()
    }
}

impl<T> From<RawEvents> for Events<T> {
    fn from(raw: RawEvents) -> Self {
        Events {
            raw,
            item: PhantomData,
        }
    }
}

impl<T: Decode> Stream for Events<T> {
    type Item = Result<Event<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let raw = &mut self.raw;
        Pin::new(&mut *raw).poll_next(cx).map(|next| {
            next.map(|event| {
                let event = event?;
                match json::from_str(&event.data) {
                    Ok(data) => Ok(Event {
                        event: event.event,
                        data,
                        id: event.id,
                        retry: event.retry,
                    }),
                    Err(e) => Err(raw.source.decode_error(&event.data, e)),
                }
            })
        })
    }
}

/// JSON Lines (`application/jsonl`, `application/x-ndjson`; records of
/// `application/json-seq` too): one JSON value per line, decoded as `T`.
/// Blank lines are skipped.
pub struct JsonLines<T> {
    source: Source,
    ready: VecDeque<String>,
    item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for JsonLines<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLines")
            .field("status", &self.source.status)
            .finish_non_exhaustive()
    }
}

impl<T> JsonLines<T> {
    fn from_source(source: Source) -> Self {
        JsonLines {
            source,
            ready: VecDeque::new(),
            item: PhantomData,
        }
    }

    /// The lines of a body as it arrives.
    pub fn new(status: StatusCode, headers: HeaderMap, body: LiveBody) -> Self {
        Self::from_source(Source::new(status, headers, body.0))
    }

    /// The lines of a body already read whole.
    pub fn buffered(status: StatusCode, headers: HeaderMap, body: Vec<u8>) -> Self {
        Self::from_source(Source::buffered(status, headers, body))
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.source.headers
    }

    /// Takes every complete line out of `pending` (the rest too at the `end`).
    fn split(&mut self, end: bool) {
        let pending = std::mem::take(&mut self.source.pending);
        let mut rest: &[u8] = &pending;
        // `\n` ends a JSON line, the record separator a json-seq record.
        while let Some(at) = rest.iter().position(|b| *b == b'\n' || *b == 0x1e) {
            let (line, tail) = rest.split_at_checked(at).unwrap_or((rest, &[]));
            self.keep(line);
            rest = tail.get(1..).unwrap_or_default();
        }
        if end {
            self.keep(rest);
        } else {
            self.source.pending = rest.to_vec();
        }
    }

    fn keep(&mut self, line: &[u8]) {
        let text = String::from_utf8_lossy(line);
        let text = text.trim();
        if !text.is_empty() {
            self.ready.push_back(text.to_owned());
        }
    }
}

impl<T: Decode> Stream for JsonLines<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(line) = this.ready.pop_front() {
                return Poll::Ready(Some(
                    json::from_str(&line).map_err(|e| this.source.decode_error(&line, e)),
                ));
            }
            if this.source.body.is_none() {
                if this.source.pending.is_empty() {
                    return Poll::Ready(None);
                }
                this.split(true);
                continue;
            }
            match this.source.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(()))) => this.split(false),
                Poll::Ready(None) => this.split(true),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::{TransportError, TransportErrorKind};
    use futures_util::StreamExt;

    /// The events of `chunks`, sent one by one.
    async fn events(chunks: &[&str]) -> Vec<Result<Event<String>, String>> {
        let chunks: Vec<Result<bytes::Bytes, TransportError>> = chunks
            .iter()
            .map(|c| Ok(bytes::Bytes::copy_from_slice(c.as_bytes())))
            .collect();
        let body = LiveBody(Box::pin(futures_util::stream::iter(chunks)));
        RawEvents::new(StatusCode::OK, HeaderMap::new(), body)
            .map(|e| e.map_err(|e| e.to_string()))
            .collect()
            .await
    }

    fn event(event: &str, data: &str, id: Option<&str>) -> Result<Event<String>, String> {
        Ok(Event {
            event: event.into(),
            data: data.into(),
            id: id.map(Into::into),
            retry: None,
        })
    }

    #[tokio::test]
    async fn fields_lines_comments_and_ids_as_the_standard_says() {
        let got = events(&[
            "\u{feff}: a comment\n",
            "data: one\ndata:two\n\n",
            "event: tick\nid: 7\ndata: {\"n\": 1}\n\n",
            "data\n\n",
            "event: empty\n\n",
            "id\ndata: after\n\n",
            "unknown: x\ndata: last",
        ])
        .await;
        assert_eq!(
            got,
            vec![
                event("message", "one\ntwo", None),
                event("tick", "{\"n\": 1}", Some("7")),
                event("message", "", Some("7")),
                event("message", "after", None),
            ]
        );
    }

    #[tokio::test]
    async fn line_ends_split_across_chunks() {
        let got = events(&["data: a\r", "\ndata: b\r", "\r", "data: c\r\n\r\n"]).await;
        assert_eq!(
            got,
            vec![event("message", "a\nb", None), event("message", "c", None)]
        );
        let got = events(&["retry: 1500\ndat", "a: x\n", "\n"]).await;
        assert_eq!(
            got,
            vec![Ok(Event {
                event: "message".into(),
                data: "x".into(),
                id: None,
                retry: Some(Duration::from_millis(1500)),
            })]
        );
    }

    #[tokio::test]
    async fn typed_events_decode_and_a_bad_one_does_not_end_the_stream() {
        let body = b"data: {\"n\": 1}\n\ndata: {\"n\": \"x\"}\n\ndata: {\"n\": 3}\n\n".to_vec();
        type Tick = std::collections::BTreeMap<String, i64>;
        let tick = |n| Tick::from([("n".to_owned(), n)]);
        let got: Vec<_> = Events::<Tick>::buffered(StatusCode::OK, HeaderMap::new(), body)
            .collect()
            .await;
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().unwrap().data, tick(1));
        let err = got[1].as_ref().unwrap_err().to_string();
        assert!(
            err.starts_with("status 200 OK: the body did not decode at `n`"),
            "{err}"
        );
        assert_eq!(got[2].as_ref().unwrap().data, tick(3));
    }

    #[tokio::test]
    async fn json_lines_split_anywhere() {
        let chunks: Vec<Result<bytes::Bytes, TransportError>> =
            ["{\"a\":", "1}\n\n{\"a\"", ":2}\r\n", "{\"a\":3}"]
                .iter()
                .map(|c| Ok(bytes::Bytes::copy_from_slice(c.as_bytes())))
                .collect();
        let body = LiveBody(Box::pin(futures_util::stream::iter(chunks)));
        let got: Vec<serde_json::Value> = JsonLines::new(StatusCode::OK, HeaderMap::new(), body)
            .map(Result::unwrap)
            .collect()
            .await;
        assert_eq!(
            got,
            vec![
                serde_json::json!({"a": 1}),
                serde_json::json!({"a": 2}),
                serde_json::json!({"a": 3})
            ]
        );
    }

    #[tokio::test]
    async fn a_broken_body_is_an_error_that_ends_the_stream() {
        let chunks: Vec<Result<bytes::Bytes, TransportError>> = vec![
            Ok(bytes::Bytes::from_static(b"data: a\n\n")),
            Err(TransportError::new(TransportErrorKind::Other, "reset")),
            Ok(bytes::Bytes::from_static(b"data: b\n\n")),
        ];
        let body = LiveBody(Box::pin(futures_util::stream::iter(chunks)));
        let got: Vec<_> = RawEvents::new(StatusCode::OK, HeaderMap::new(), body)
            .map(|e| e.map(|e| e.data).map_err(|e| e.to_string()))
            .collect()
            .await;
        assert_eq!(
            got,
            vec![Ok("a".to_owned()), Err("transport error: reset".to_owned())]
        );
    }
}
