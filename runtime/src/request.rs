//! [`Request`]: what generated code describes and the [`crate::Client`] sends.
//!
//! Parameters are serialised with serde and laid out by their OpenAPI style
//! (`simple` in paths and headers; `form`, `spaceDelimited`, `pipeDelimited`,
//! `deepObject` in queries). Building never fails on the spot: the first
//! problem is kept and reported when the request is sent.

use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use crate::multipart::{Parts, ToParts};
use crate::transport::RequestBody;
use crate::RetryPolicy;

/// Characters kept as they are in a path segment: RFC 3986 unreserved.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How a query parameter is laid out (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `name=a&name=b` (explode) or `name=a,b`.
    Form,
    /// `name=a%20b`.
    SpaceDelimited,
    /// `name=a|b`.
    PipeDelimited,
    /// `name[key]=value`.
    DeepObject,
}

/// A request being described: method, path, query, headers and body.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<RequestBody>,
    /// The operation id and path template, for traces.
    pub(crate) operation: Option<(&'static str, &'static str)>,
    pub(crate) error: Option<String>,
}

/// Per-call settings that override the client's: start from
/// `RequestOptions::default()` and set the fields (more may come).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Time limit for each attempt of this call.
    pub timeout: Option<Duration>,
    /// Time limit for the whole call: every attempt and the waits between them.
    pub deadline: Option<Duration>,
    /// Retry policy for this call.
    pub retry: Option<RetryPolicy>,
    /// Extra headers for this call (an `Idempotency-Key`, a trace id); an
    /// invalid name or value fails the call with [`crate::Error::Request`].
    pub headers: Vec<(String, String)>,
    /// The longest response body this call accepts, in bytes (overrides
    /// the client's, [`crate::ClientBuilder::max_response_size`]).
    pub max_response_size: Option<usize>,
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// A value as one `simple`-style string (arrays and objects comma-joined).
fn simple(v: &Value) -> Option<String> {
    match v {
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(scalar)
                .collect::<Vec<_>>()
                .join(","),
        ),
        Value::Object(map) => Some(
            map.iter()
                .filter_map(|(k, v)| scalar(v).map(|v| format!("{k},{v}")))
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => scalar(other),
    }
}

impl Request {
    /// A request with `method` and an empty path.
    pub fn new(method: Method) -> Self {
        Request {
            method,
            path: String::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            operation: None,
            error: None,
        }
    }

    /// A request with a method named by text (OpenAPI 3.2's `query`, and
    /// the methods of `additionalOperations`, such as `LINK`); a name that
    /// is not an HTTP token fails the call with [`crate::Error::Request`].
    pub fn with_method(name: &str) -> Self {
        match Method::from_bytes(name.as_bytes()) {
            Ok(method) => Request::new(method),
            Err(_) => Request {
                error: Some(format!("{name:?} is not a valid HTTP method")),
                ..Request::new(Method::GET)
            },
        }
    }

    /// Names the operation this request is for (its id and path template),
    /// for traces.
    pub fn describe(mut self, operation_id: &'static str, path_template: &'static str) -> Self {
        self.operation = Some((operation_id, path_template));
        self
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

    fn value(&mut self, what: &str, value: &impl Serialize) -> Option<Value> {
        match serde_json::to_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(format!("{what}: {e}"));
                None
            }
        }
    }

    /// Appends literal path text from the spec's template.
    pub fn path(mut self, literal: &str) -> Self {
        self.path.push_str(literal);
        self
    }

    /// Appends a path parameter (`simple` style), percent-encoded as one segment.
    pub fn path_param(mut self, name: &str, value: &impl Serialize) -> Self {
        let text = self.value(name, value).as_ref().and_then(simple);
        match text {
            Some(t) if !t.is_empty() => self.path.extend(utf8_percent_encode(&t, SEGMENT)),
            Some(_) | None => self.fail(format!("path parameter {name} is empty")),
        }
        self
    }

    /// Adds a query parameter laid out by `style`; `None`/`null` adds nothing.
    pub fn query(
        mut self,
        name: &str,
        value: &impl Serialize,
        style: QueryStyle,
        explode: bool,
    ) -> Self {
        let Some(v) = self.value(name, value) else {
            return self;
        };
        let sep = match style {
            QueryStyle::SpaceDelimited => " ",
            QueryStyle::PipeDelimited => "|",
            QueryStyle::Form | QueryStyle::DeepObject => ",",
        };
        match (&v, style) {
            (Value::Null, _) => {}
            (Value::Array(items), _) if explode => {
                for item in items.iter().filter_map(scalar) {
                    self.query.push((name.to_owned(), item));
                }
            }
            (Value::Array(items), _) => {
                let joined = items
                    .iter()
                    .filter_map(scalar)
                    .collect::<Vec<_>>()
                    .join(sep);
                self.query.push((name.to_owned(), joined));
            }
            (Value::Object(map), QueryStyle::DeepObject) => {
                for (key, item) in map {
                    self.push_property(format!("{name}[{key}]"), item);
                }
            }
            (Value::Object(map), _) if explode => {
                for (key, item) in map {
                    self.push_property(key.clone(), item);
                }
            }
            (other, _) => {
                if let Some(v) = simple(other) {
                    self.query.push((name.to_owned(), v));
                }
            }
        }
        self
    }

    /// One property of an object query parameter as `key=value`; a list
    /// property repeats its key, as a form does.
    fn push_property(&mut self, key: String, item: &Value) {
        match item {
            Value::Array(items) => {
                for v in items.iter().filter_map(scalar) {
                    self.query.push((key.clone(), v));
                }
            }
            other => {
                if let Some(v) = scalar(other) {
                    self.query.push((key, v));
                }
            }
        }
    }

    /// Sets a header parameter (`simple` style); `None`/`null` sets nothing.
    pub fn header(mut self, name: &str, value: &impl Serialize) -> Self {
        let Some(text) = self.value(name, value).as_ref().and_then(simple) else {
            return self;
        };
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&text),
        ) {
            (Ok(n), Ok(v)) => {
                self.headers.insert(n, v);
            }
            (Err(_), _) => self.fail(format!("{name:?} is not a valid header name")),
            (_, Err(_)) => self.fail(format!(
                "header {name}: {text:?} is not a valid header value"
            )),
        }
        self
    }

    /// Applies `set` with the value when there is one (an optional body that
    /// was not given is not sent at all).
    pub fn with<T>(self, value: Option<T>, set: impl FnOnce(Self, T) -> Self) -> Self {
        match value {
            Some(v) => set(self, v),
            None => self,
        }
    }

    /// Sends `body` as JSON.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Some(RequestBody::Bytes {
                    bytes,
                    content_type: "application/json".to_owned(),
                })
            }
            Err(e) => self.fail(format!("request body: {e}")),
        }
        self
    }

    /// Sends `body` as `application/x-www-form-urlencoded` (arrays repeat their key).
    pub fn form(mut self, body: &impl Serialize) -> Self {
        let Some(v) = self.value("request body", body) else {
            return self;
        };
        let Value::Object(map) = v else {
            self.fail("a form body must be an object".to_owned());
            return self;
        };
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (key, item) in &map {
            match item {
                Value::Array(items) => {
                    for v in items.iter().filter_map(scalar) {
                        form.append_pair(key, &v);
                    }
                }
                other => {
                    if let Some(v) = simple(other) {
                        form.append_pair(key, &v);
                    }
                }
            }
        }
        self.body = Some(RequestBody::Bytes {
            bytes: form.finish().into_bytes(),
            content_type: "application/x-www-form-urlencoded".to_owned(),
        });
        self
    }

    /// Sends `bytes` as they are, as `content_type` (a binary upload:
    /// `application/octet-stream`, `image/png`, ...; a media type range such
    /// as `image/*` is sent as `application/octet-stream`).
    pub fn bytes(mut self, bytes: impl Into<Vec<u8>>, content_type: &str) -> Self {
        let content_type = if content_type.contains('*') {
            "application/octet-stream"
        } else {
            content_type
        };
        self.body = Some(RequestBody::Bytes {
            bytes: bytes.into(),
            content_type: content_type.to_owned(),
        });
        self
    }

    /// Sends `text` as `content_type` (`text/plain`, `text/csv`, ...).
    pub fn text(self, text: impl Into<String>, content_type: &str) -> Self {
        self.bytes(text.into().into_bytes(), content_type)
    }

    /// Sends `body` as `multipart/form-data`, a part per field; `encoding`
    /// gives the media type of named parts (the spec's `encoding.contentType`),
    /// which a [`crate::FilePart`]'s own media type overrides.
    pub fn multipart(mut self, body: &impl ToParts, encoding: &[(&str, &str)]) -> Self {
        let mut parts = Parts::default();
        body.to_parts(&mut parts);
        parts.apply_encoding(encoding);
        if let Some(e) = parts.error.take().or_else(|| parts.check().err()) {
            self.fail(format!("request body: {e}"));
        }
        self.body = Some(RequestBody::Multipart(parts));
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The encoded path.
    pub fn path_str(&self) -> &str {
        &self.path
    }

    /// The query pairs, in order.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn path_params_are_one_encoded_segment() {
        let r = Request::new(Method::GET)
            .path("/v1/items/")
            .path_param("id", &"a/b c?")
            .path("/x");
        assert_eq!(r.path, "/v1/items/a%2Fb%20c%3F/x");
        assert!(r.error.is_none());
        let r = Request::new(Method::GET).path("/").path_param("id", &"");
        assert!(r.error.is_some());
    }

    #[test]
    fn query_styles() {
        let r = Request::new(Method::GET)
            .query("a", &json!(["x", "y"]), QueryStyle::Form, true)
            .query("b", &json!(["x", "y"]), QueryStyle::Form, false)
            .query("c", &json!(["x", "y"]), QueryStyle::PipeDelimited, false)
            .query(
                "m",
                &json!({"k": "v", "n": 1}),
                QueryStyle::DeepObject,
                true,
            )
            .query("skip", &Option::<i32>::None, QueryStyle::Form, true)
            .query("flag", &true, QueryStyle::Form, true);
        let q: Vec<(&str, &str)> = r
            .query
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            q,
            vec![
                ("a", "x"),
                ("a", "y"),
                ("b", "x,y"),
                ("c", "x|y"),
                ("m[k]", "v"),
                ("m[n]", "1"),
                ("flag", "true")
            ]
        );
    }

    #[test]
    fn form_bodies() {
        let r = Request::new(Method::POST)
            .form(&json!({"grant_type": "x", "scope": ["a", "b"], "none": null}));
        let Some(RequestBody::Bytes {
            bytes,
            content_type,
        }) = r.body
        else {
            panic!("not a bytes body");
        };
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "grant_type=x&scope=a&scope=b"
        );
        assert_eq!(content_type, "application/x-www-form-urlencoded");
    }

    #[test]
    fn binary_bodies_keep_their_bytes_and_a_concrete_media_type() {
        let r = Request::new(Method::PUT).bytes(vec![0u8, 159, 255], "image/*");
        let Some(RequestBody::Bytes {
            bytes,
            content_type,
        }) = r.body
        else {
            panic!("not a bytes body");
        };
        assert_eq!(bytes, [0, 159, 255]);
        assert_eq!(content_type, "application/octet-stream");
    }
}
