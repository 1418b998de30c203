//! [`Request`]: what generated code describes and the [`crate::Client`] sends.
//!
//! Parameters are serialised with serde and laid out by their OpenAPI style
//! (`simple`, `label`, `matrix` in paths; `simple` in headers; `form`,
//! `spaceDelimited`, `pipeDelimited`, `deepObject` in queries). Building never fails on the spot: the first
//! problem is kept and reported when the request is sent.

use std::fmt::Write as _;
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

/// How a path parameter is laid out (OpenAPI `style`, RFC 6570's
/// expansions): a parameter `id` holding `5`, `[3, 4, 5]` or
/// `{"role": "admin", "n": 1}`, not exploded / exploded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathStyle {
    /// `5`; `3,4,5`; `role,admin,n,1` / `role=admin,n=1`. [`Request::path_param`]
    /// is this style, not exploded.
    Simple,
    /// `.5`; `.3,4,5` / `.3.4.5`; `.role,admin,n,1` / `.role=admin.n=1`.
    Label,
    /// `;id=5`; `;id=3,4,5` / `;id=3;id=4;id=5`; `;id=role,admin,n,1` /
    /// `;role=admin;n=1`.
    Matrix,
}

/// Where a parameter goes (for [`Request::json_param`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamIn {
    /// The path: the text percent-encoded as one segment.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
}

/// `v` laid out in `style` under `name` (OpenAPI's style table), each name
/// and value passed through `escape`; `None` for `null`, an empty list or
/// an empty object (RFC 6570's undefined: nothing is written).
fn expand(
    name: &str,
    v: &Value,
    style: PathStyle,
    explode: bool,
    escape: impl Fn(&str) -> String,
) -> Option<String> {
    // What starts the value, and what parts an exploded value.
    let (prefix, between) = match style {
        PathStyle::Simple => ("", ","),
        PathStyle::Label => (".", "."),
        PathStyle::Matrix => (";", ";"),
    };
    // A matrix value is named (`id=`), but an exploded object names each
    // of its entries instead.
    let named = |text: String| match style {
        PathStyle::Matrix if text.is_empty() => escape(name),
        PathStyle::Matrix => format!("{}={text}", escape(name)),
        PathStyle::Simple | PathStyle::Label => text,
    };
    let body = match v {
        Value::Null => return None,
        Value::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .filter_map(scalar)
                .map(|i| escape(&i))
                .collect();
            if items.is_empty() {
                return None;
            }
            if explode {
                items
                    .into_iter()
                    .map(named)
                    .collect::<Vec<_>>()
                    .join(between)
            } else {
                named(items.join(","))
            }
        }
        Value::Object(map) => {
            let pairs: Vec<(String, String)> = map
                .iter()
                .filter_map(|(k, v)| Some((escape(k), escape(&scalar(v)?))))
                .collect();
            if pairs.is_empty() {
                return None;
            }
            if explode {
                pairs
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(between)
            } else {
                named(
                    pairs
                        .iter()
                        .map(|(k, v)| format!("{k},{v}"))
                        .collect::<Vec<_>>()
                        .join(","),
                )
            }
        }
        scalar_value => named(escape(&scalar(scalar_value)?)),
    };
    Some(format!("{prefix}{body}"))
}

/// Whose list [`Request::scalars`] reads, and where it goes, for a query.
const QUERY: &str = "query parameter";
const QUERY_STRING: &str = "a query string";

/// The error of an object or list inside an object's property, which
/// only `deepObject` style writes.
fn nested(name: &str, key: &str) -> String {
    format!("query parameter {name}: property {key} holds a list or object, which only deepObject style can write")
}

/// A request being described: method, path, query, headers and body.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    /// Which of `query` keep RFC 3986's reserved characters (`allowReserved`).
    pub(crate) reserved: Vec<usize>,
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

impl Request {
    /// A request with `method` and an empty path.
    pub fn new(method: Method) -> Self {
        Request {
            method,
            path: String::new(),
            query: Vec::new(),
            reserved: Vec::new(),
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

    /// The value of a path or header parameter, which styles write only
    /// one level deep: a list or object inside a list or object fails the
    /// request (`None`) rather than being left out.
    fn flat(&mut self, place: &str, name: &str, value: &impl Serialize) -> Option<Value> {
        let v = self.value(name, value)?;
        let deep = |i: &Value| i.is_array() || i.is_object();
        let nested = match &v {
            Value::Array(items) => items.iter().any(deep),
            Value::Object(map) => map.values().any(deep),
            _ => false,
        };
        if nested {
            self.fail(format!(
                "{place} parameter {name}: a list or object inside a list or object cannot be written in a {place}"
            ));
            return None;
        }
        Some(v)
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
        let Some(v) = self.flat("path", name, value) else {
            return self;
        };
        // Each value percent-encoded, the commas between a list's items
        // (RFC 6570's `{ids}`: `1,2,3`) as they are.
        let segment = |t: &str| utf8_percent_encode(t, SEGMENT).to_string();
        match expand(name, &v, PathStyle::Simple, false, segment) {
            Some(t) if !t.is_empty() => self.path.push_str(&t),
            Some(_) | None => self.fail(format!("path parameter {name} is empty")),
        }
        self
    }

    /// Appends a path parameter laid out by `style` ([`PathStyle`]), names
    /// and values percent-encoded, the style's separators as they are.
    /// `None`/`null`, an empty list or an empty object adds nothing to a
    /// `label` or `matrix` parameter, and is an error in a `simple` one.
    pub fn path_param_styled(
        mut self,
        name: &str,
        value: &impl Serialize,
        style: PathStyle,
        explode: bool,
    ) -> Self {
        let Some(v) = self.flat("path", name, value) else {
            return self;
        };
        let segment = |t: &str| utf8_percent_encode(t, SEGMENT).to_string();
        match expand(name, &v, style, explode, segment) {
            Some(t) if !t.is_empty() => self.path.push_str(&t),
            Some(_) | None if style == PathStyle::Simple => {
                self.fail(format!("path parameter {name} is empty"));
            }
            Some(_) | None => {}
        }
        self
    }

    /// Adds a parameter the spec describes with `content: application/json`:
    /// its value as JSON text (`{"a":1}`), not laid out by a style.
    /// `None`/`null` adds nothing (and is an error in the path).
    pub fn json_param(mut self, place: ParamIn, name: &str, value: &impl Serialize) -> Self {
        let text = match self.value(name, value) {
            None => return self,
            Some(Value::Null) => None,
            Some(v) => Some(v.to_string()),
        };
        match (place, text) {
            (ParamIn::Path, Some(t)) => self.path.extend(utf8_percent_encode(&t, SEGMENT)),
            (ParamIn::Path, None) => self.fail(format!("path parameter {name} is empty")),
            (ParamIn::Query, Some(t)) => self.query.push((name.to_owned(), t)),
            (ParamIn::Header, Some(t)) => self.put_header(name, &t),
            (ParamIn::Query | ParamIn::Header, None) => {}
        }
        self
    }

    /// [`Request::query`] of a parameter with `allowReserved: true`: RFC
    /// 3986's reserved characters in its values (`/`, `?`, `:`, `@`, `,`,
    /// ...) and percent-encoded triples are sent as they are; `&`, `=`,
    /// `+`, `#`, `[` and `]`, which would change how the query string reads,
    /// are still encoded, as is anything else outside the unreserved set.
    pub fn query_reserved(
        self,
        name: &str,
        value: &impl Serialize,
        style: QueryStyle,
        explode: bool,
    ) -> Self {
        let before = self.query.len();
        let mut r = self.query(name, value, style, explode);
        let added = before..r.query.len();
        r.reserved.extend(added);
        r
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
            (Value::Array(items), _) => {
                let Some(items) = self.scalars(QUERY, name, items, QUERY_STRING) else {
                    return self;
                };
                if explode {
                    for item in items {
                        self.query.push((name.to_owned(), item));
                    }
                } else if !items.is_empty() {
                    // An empty list is undefined (RFC 6570): no pair at all,
                    // rather than `name=`, which reads as one empty string.
                    self.query.push((name.to_owned(), items.join(sep)));
                }
            }
            (Value::Object(map), QueryStyle::DeepObject) => self.push_deep(name, map),
            (Value::Object(map), _) if explode => {
                for (key, item) in map {
                    self.push_property(name, key, item);
                }
            }
            // Not exploded: `key,value` pairs joined by the style's
            // separator (`R|100|G|200` in `pipeDelimited`).
            (Value::Object(map), _) => {
                let mut pairs = Vec::new();
                for (key, item) in map {
                    match item {
                        Value::Null => {}
                        Value::Array(_) | Value::Object(_) => {
                            self.fail(nested(name, key));
                            return self;
                        }
                        other => pairs.extend(scalar(other).map(|v| format!("{key}{sep}{v}"))),
                    }
                }
                if !pairs.is_empty() {
                    self.query.push((name.to_owned(), pairs.join(sep)));
                }
            }
            (other, _) => {
                if let Some(v) = scalar(other) {
                    self.query.push((name.to_owned(), v));
                }
            }
        }
        self
    }

    /// The items of a list as text (`null`s left out), or `None` after
    /// failing the request if one is a list or an object, which neither a
    /// query string nor a form has a way to write (`what` and `name` say
    /// whose list it is, `place` where it was to go).
    fn scalars(
        &mut self,
        what: &str,
        name: &str,
        items: &[Value],
        place: &str,
    ) -> Option<Vec<String>> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::Array(_) | Value::Object(_) => {
                    self.fail(format!(
                        "{what} {name}: a list or object inside a list cannot be written in {place}"
                    ));
                    return None;
                }
                other => out.extend(scalar(other)),
            }
        }
        Some(out)
    }

    /// One property of an exploded object: `key=value`, a list as `key`
    /// repeated; an object inside fails the request (only `deepObject`
    /// writes those).
    fn push_property(&mut self, name: &str, key: &str, item: &Value) {
        match item {
            Value::Object(_) => self.fail(nested(name, key)),
            Value::Array(items) => {
                if let Some(items) = self.scalars(QUERY, name, items, QUERY_STRING) {
                    for v in items {
                        self.query.push((key.to_owned(), v));
                    }
                }
            }
            other => {
                if let Some(v) = scalar(other) {
                    self.query.push((key.to_owned(), v));
                }
            }
        }
    }

    /// An object in `deepObject` style: `prefix[key]=value`, an object
    /// inside as `prefix[key][inner]=value` (the convention of qs and Rack;
    /// OpenAPI leaves nesting undefined), a list as the key repeated.
    fn push_deep(&mut self, prefix: &str, map: &serde_json::Map<String, Value>) {
        for (key, item) in map {
            let key = format!("{prefix}[{key}]");
            match item {
                Value::Object(inner) => self.push_deep(&key, inner),
                other => self.push_property(prefix, &key, other),
            }
        }
    }

    /// Sets a header parameter (`simple` style); `None`/`null` sets nothing.
    pub fn header(mut self, name: &str, value: &impl Serialize) -> Self {
        let Some(v) = self.flat("header", name, value) else {
            return self;
        };
        // An empty list or object is undefined (RFC 6570): no header, not an empty one.
        let Some(text) = expand(name, &v, PathStyle::Simple, false, str::to_owned) else {
            return self;
        };
        self.put_header(name, &text);
        self
    }

    /// Sets header `name` to `text`, or keeps the error if either is invalid.
    fn put_header(&mut self, name: &str, text: &str) {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(text),
        ) {
            (Ok(n), Ok(v)) => {
                self.headers.insert(n, v);
            }
            (Err(_), _) => self.fail(format!("{name:?} is not a valid header name")),
            (_, Err(_)) => self.fail(format!(
                "header {name}: {text:?} is not a valid header value"
            )),
        }
    }

    /// Adds a header in `simple` style, exploded: an object's entries as
    /// `key=value,key=value` (a list or a single value as [`Request::header`]
    /// writes them); `None`/`null` adds nothing.
    pub fn header_exploded(mut self, name: &str, value: &impl Serialize) -> Self {
        let Some(v) = self.flat("header", name, value) else {
            return self;
        };
        let Some(text) = expand(name, &v, PathStyle::Simple, true, str::to_owned) else {
            return self;
        };
        self.put_header(name, &text);
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

    /// Sends `body` as `application/x-www-form-urlencoded`, each property
    /// as OpenAPI's encoding defaults write it (no `encoding`, or one with
    /// only a `contentType`): a list as its key repeated, an object, or a
    /// list or object inside a list, as JSON text (`application/json`, the
    /// default media type of objects), `null` left out.
    pub fn form(self, body: &impl Serialize) -> Self {
        self.form_encoded(body, &[], &[])
    }

    /// [`Request::form`] with the properties' `encoding`: those named in
    /// `styled` (whose encoding sets `style`, `explode` or `allowReserved`)
    /// written in form style, exploded: an object as its own `key=value`
    /// pairs, a list as its key repeated, a list or object inside them
    /// failing the request; those named in `json` (whose encoding gives a
    /// JSON `contentType`, and no style) written whole as JSON text: a
    /// string with its quotes, a list as one JSON array.
    pub fn form_encoded(mut self, body: &impl Serialize, styled: &[&str], json: &[&str]) -> Self {
        let Some(v) = self.value("request body", body) else {
            return self;
        };
        let Value::Object(map) = v else {
            self.fail("a form body must be an object".to_owned());
            return self;
        };
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (key, item) in &map {
            if json.contains(&key.as_str()) {
                pairs.push((key.clone(), item.to_string()));
                continue;
            }
            if !styled.contains(&key.as_str()) {
                let items = match item {
                    Value::Array(items) => items.as_slice(),
                    one => std::slice::from_ref(one),
                };
                pairs.extend(items.iter().filter_map(|item| {
                    let text = match item {
                        Value::Array(_) | Value::Object(_) => Some(item.to_string()),
                        other => scalar(other),
                    };
                    Some((key.clone(), text?))
                }));
                continue;
            }
            let entries = match item {
                Value::Object(entries) => entries.iter().collect(),
                one => vec![(key, one)],
            };
            for (name, value) in entries {
                let items = match value {
                    Value::Array(items) => items.as_slice(),
                    Value::Object(_) => {
                        self.fail(format!(
                            "form body property {key}: {name} holds an object, which form style cannot write"
                        ));
                        return self;
                    }
                    one => std::slice::from_ref(one),
                };
                let Some(items) = self.scalars("form body property", key, items, "a form") else {
                    return self;
                };
                pairs.extend(items.into_iter().map(|v| (name.clone(), v)));
            }
        }
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.extend_pairs(pairs);
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

/// `value` for a query string with its reserved characters kept
/// (`allowReserved`): unreserved and reserved characters and `%XX`
/// triples as they are, except those that would change how the query
/// string reads (`&`, `=`, `+`, `#`, `[`, `]`); anything else percent-encoded.
pub(crate) fn reserved_query_value(value: &str, out: &mut String) {
    let bytes = value.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let triple = b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if b.is_ascii_alphanumeric() || b"-._~:/?@!$'()*,;".contains(&b) || triple {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// OpenAPI's style examples (3.1.1 and 3.2, which follow RFC 6570; the
    /// 3.0 table's `label` row was an erratum): a parameter `color` holding
    /// `""`, `"blue"`, `["blue", "black", "brown"]` and `{"R": 100, "G": 200,
    /// "B": 150}`, each row's four expansions; `None` where nothing is
    /// written.
    #[test]
    fn path_styles_expand_as_the_specification_table() {
        let values = [
            json!(""),
            json!("blue"),
            json!(["blue", "black", "brown"]),
            json!({"R": 100, "G": 200, "B": 150}),
        ];
        let rows: [(PathStyle, bool, [Option<&str>; 4]); 6] = [
            (
                PathStyle::Simple,
                false,
                [
                    Some(""),
                    Some("blue"),
                    Some("blue,black,brown"),
                    Some("R,100,G,200,B,150"),
                ],
            ),
            (
                PathStyle::Simple,
                true,
                [
                    Some(""),
                    Some("blue"),
                    Some("blue,black,brown"),
                    Some("R=100,G=200,B=150"),
                ],
            ),
            (
                PathStyle::Label,
                false,
                [
                    Some("."),
                    Some(".blue"),
                    Some(".blue,black,brown"),
                    Some(".R,100,G,200,B,150"),
                ],
            ),
            (
                PathStyle::Label,
                true,
                [
                    Some("."),
                    Some(".blue"),
                    Some(".blue.black.brown"),
                    Some(".R=100.G=200.B=150"),
                ],
            ),
            (
                PathStyle::Matrix,
                false,
                [
                    Some(";color"),
                    Some(";color=blue"),
                    Some(";color=blue,black,brown"),
                    Some(";color=R,100,G,200,B,150"),
                ],
            ),
            (
                PathStyle::Matrix,
                true,
                [
                    Some(";color"),
                    Some(";color=blue"),
                    Some(";color=blue;color=black;color=brown"),
                    Some(";R=100;G=200;B=150"),
                ],
            ),
        ];
        for (style, explode, expected) in rows {
            for (v, want) in values.iter().zip(expected) {
                let got = expand("color", v, style, explode, str::to_owned);
                assert_eq!(got.as_deref(), want, "{style:?}, explode {explode}, {v}");
            }
        }
        // Undefined values (RFC 6570): nothing, in every style.
        for v in [json!(null), json!([]), json!({})] {
            for style in [PathStyle::Simple, PathStyle::Label, PathStyle::Matrix] {
                assert_eq!(expand("color", &v, style, true, str::to_owned), None);
            }
        }
    }

    #[test]
    fn styled_path_params_encode_names_and_values_but_not_separators() {
        let r = Request::new(Method::GET)
            .path("/v1/items/")
            .path_param_styled("id", &["a/b", "c d"], PathStyle::Matrix, true)
            .path_param_styled("at", &json!({"x;y": "1,2"}), PathStyle::Label, true)
            .path("/x");
        assert_eq!(r.path, "/v1/items/;id=a%2Fb;id=c%20d.x%3By=1%2C2/x");
        assert!(r.error.is_none());
        // A matrix or label parameter may be left out; a simple one may not.
        let r = Request::new(Method::GET).path("/a").path_param_styled(
            "id",
            &None::<String>,
            PathStyle::Matrix,
            false,
        );
        assert_eq!((r.path.as_str(), r.error.is_none()), ("/a", true));
        let r = Request::new(Method::GET).path("/a/").path_param_styled(
            "id",
            &"",
            PathStyle::Simple,
            true,
        );
        assert_eq!(r.error.as_deref(), Some("path parameter id is empty"));
    }

    #[test]
    fn reserved_query_values_keep_reserved_characters_and_triples() {
        let mut out = String::new();
        reserved_query_value("a/b?c:d@e,f;g=h&i+j#k[l] m%2Fn%zz é", &mut out);
        assert_eq!(
            out,
            "a/b?c:d@e,f;g%3Dh%26i%2Bj%23k%5Bl%5D%20m%2Fn%25zz%20%C3%A9"
        );
        let r = Request::new(Method::GET)
            .query("plain", &"a/b", QueryStyle::Form, true)
            .query_reserved("kept", &["a/b", "c"], QueryStyle::Form, true);
        assert_eq!(r.reserved, [1, 2]);
    }

    #[test]
    fn json_params_are_json_text_in_every_place() {
        let filter = json!({"tags": ["a b", "c"], "n": 1});
        let r = Request::new(Method::GET)
            .path("/f/")
            .json_param(ParamIn::Path, "f", &filter)
            .json_param(ParamIn::Query, "filter", &filter)
            .json_param(ParamIn::Query, "none", &None::<u8>)
            .json_param(ParamIn::Header, "X-Filter", &filter);
        assert_eq!(
            r.path,
            "/f/%7B%22tags%22%3A%5B%22a%20b%22%2C%22c%22%5D%2C%22n%22%3A1%7D"
        );
        let text = r#"{"tags":["a b","c"],"n":1}"#;
        assert_eq!(r.query, [("filter".to_owned(), text.to_owned())]);
        assert_eq!(r.headers["x-filter"], text);
        assert!(r.error.is_none());
        let r = Request::new(Method::GET).json_param(ParamIn::Path, "f", &None::<u8>);
        assert_eq!(r.error.as_deref(), Some("path parameter f is empty"));
    }

    #[test]
    fn nested_path_and_header_values_are_errors_never_dropped() {
        let v = json!({"a": [1, 2]});
        let r = Request::new(Method::GET).path_param("id", &v);
        assert_eq!(
            r.error.as_deref(),
            Some("path parameter id: a list or object inside a list or object cannot be written in a path")
        );
        let r =
            Request::new(Method::GET).path_param_styled("id", &json!([v]), PathStyle::Label, true);
        assert!(r
            .error
            .is_some_and(|e| e.starts_with("path parameter id: ")));
        let r = Request::new(Method::GET).header("X-A", &v);
        assert!(r
            .error
            .is_some_and(|e| e.starts_with("header parameter X-A: ")));
        let r = Request::new(Method::GET).header_exploded("X-A", &v);
        assert!(r
            .error
            .is_some_and(|e| e.starts_with("header parameter X-A: ")));
    }

    #[test]
    fn exploded_headers_write_an_objects_entries_as_pairs() {
        let r = Request::new(Method::GET)
            .header_exploded("X-Filter", &json!({"role": "admin", "n": 1}))
            .header_exploded("X-Ids", &[3, 4])
            .header_exploded("X-None", &None::<u8>);
        assert_eq!(r.headers["x-filter"], "role=admin,n=1");
        assert_eq!(r.headers["x-ids"], "3,4");
        assert!(!r.headers.contains_key("x-none"));
        assert!(r.error.is_none());
    }

    #[test]
    fn path_params_are_one_encoded_segment() {
        let r = Request::new(Method::GET)
            .path("/v1/items/")
            .path_param("id", &"a/b c?")
            .path("/x");
        assert_eq!(r.path, "/v1/items/a%2Fb%20c%3F/x");
        assert!(r.error.is_none());
        // A list's commas are the style's (`{ids}`: `1,2,3`); a comma in a
        // value is the value's, encoded.
        let r = Request::new(Method::GET)
            .path("/")
            .path_param("ids", &[1, 2, 3])
            .path("/")
            .path_param("name", &"a,b");
        assert_eq!(r.path, "/1,2,3/a%2Cb");
        for empty in [json!(""), json!([]), json!({}), json!(null)] {
            let r = Request::new(Method::GET).path("/").path_param("id", &empty);
            assert!(r.error.is_some(), "{empty}");
        }
    }

    #[test]
    fn headers_are_simple_style_and_undefined_values_send_none() {
        let r = Request::new(Method::GET)
            .header("X-Ids", &[3, 4])
            .header("X-Obj", &json!({"a": 1, "b": "x y"}))
            .header("X-Empty-List", &Vec::<u8>::new())
            .header("X-Empty-Obj", &json!({}))
            .header("X-None", &None::<u8>)
            .header("X-Blank", &"");
        assert_eq!(r.headers["x-ids"], "3,4");
        assert_eq!(r.headers["x-obj"], "a,1,b,x y");
        assert_eq!(r.headers["x-blank"], "");
        for absent in ["x-empty-list", "x-empty-obj", "x-none"] {
            assert!(!r.headers.contains_key(absent), "{absent}");
        }
        assert!(r.error.is_none());
    }

    /// OpenAPI's style examples for query parameters (3.1.1 and 3.2): `color`
    /// holding `""`, `"blue"`, `["blue", "black", "brown"]` and `{"R": 100,
    /// "G": 200, "B": 150}`; the pairs before URL encoding, `n/a` cells left out.
    #[test]
    fn query_styles_lay_out_values_as_the_specification_table() {
        let values = [
            json!(""),
            json!("blue"),
            json!(["blue", "black", "brown"]),
            json!({"R": 100, "G": 200, "B": 150}),
        ];
        type Row = (
            QueryStyle,
            bool,
            [Option<&'static [(&'static str, &'static str)]>; 4],
        );
        let rows: [Row; 5] = [
            (
                QueryStyle::Form,
                false,
                [
                    Some(&[("color", "")]),
                    Some(&[("color", "blue")]),
                    Some(&[("color", "blue,black,brown")]),
                    Some(&[("color", "R,100,G,200,B,150")]),
                ],
            ),
            (
                QueryStyle::Form,
                true,
                [
                    Some(&[("color", "")]),
                    Some(&[("color", "blue")]),
                    Some(&[("color", "blue"), ("color", "black"), ("color", "brown")]),
                    Some(&[("R", "100"), ("G", "200"), ("B", "150")]),
                ],
            ),
            (
                QueryStyle::SpaceDelimited,
                false,
                [
                    None,
                    None,
                    Some(&[("color", "blue black brown")]),
                    Some(&[("color", "R 100 G 200 B 150")]),
                ],
            ),
            (
                QueryStyle::PipeDelimited,
                false,
                [
                    None,
                    None,
                    Some(&[("color", "blue|black|brown")]),
                    Some(&[("color", "R|100|G|200|B|150")]),
                ],
            ),
            (
                QueryStyle::DeepObject,
                true,
                [
                    None,
                    None,
                    None,
                    Some(&[
                        ("color[R]", "100"),
                        ("color[G]", "200"),
                        ("color[B]", "150"),
                    ]),
                ],
            ),
        ];
        for (style, explode, expected) in rows {
            for (v, want) in values.iter().zip(expected) {
                let Some(want) = want else { continue };
                let r = Request::new(Method::GET).query("color", v, style, explode);
                let got: Vec<(&str, &str)> = r
                    .query
                    .iter()
                    .map(|(a, b)| (a.as_str(), b.as_str()))
                    .collect();
                assert_eq!(got, want, "{style:?}, explode {explode}, {v}");
            }
        }
        // Undefined values (RFC 6570) add no pair in any style.
        for v in [json!(null), json!([]), json!({})] {
            for (style, explode) in [
                (QueryStyle::Form, false),
                (QueryStyle::Form, true),
                (QueryStyle::PipeDelimited, false),
                (QueryStyle::DeepObject, true),
            ] {
                let r = Request::new(Method::GET).query("color", &v, style, explode);
                assert_eq!(r.query, [], "{style:?}, explode {explode}, {v}");
            }
        }
    }

    #[test]
    fn nested_query_values_are_deep_objects_or_errors_never_dropped() {
        let v = json!({"a": {"b": 1, "c": [2, 3]}, "d": "x"});
        let r = Request::new(Method::GET).query("f", &v, QueryStyle::DeepObject, true);
        let q: Vec<(&str, &str)> = r
            .query
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            q,
            [
                ("f[a][b]", "1"),
                ("f[a][c]", "2"),
                ("f[a][c]", "3"),
                ("f[d]", "x")
            ]
        );
        assert!(r.error.is_none());
        let fails = [
            (json!({"a": {"b": 1}}), QueryStyle::Form, true),
            (json!({"a": [1, 2]}), QueryStyle::Form, false),
            (json!({"a": {"b": 1}}), QueryStyle::PipeDelimited, false),
            (json!([1, {"b": 1}]), QueryStyle::Form, true),
            (json!([[1]]), QueryStyle::SpaceDelimited, false),
            (json!({"a": [{"b": 1}]}), QueryStyle::DeepObject, true),
        ];
        for (v, style, explode) in fails {
            let r = Request::new(Method::GET).query("f", &v, style, explode);
            let e = r.error.unwrap_or_default();
            assert!(
                e.starts_with("query parameter f: "),
                "{v} {style:?} {explode}: {e:?}"
            );
        }
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
        // OpenAPI 3.1.1's "URL Encoded Form with JSON Values": an object
        // with no `encoding` is JSON text (`application/json`, the default
        // media type of an object), and so is each object of a list.
        let body = |r: Request| match r.body {
            Some(RequestBody::Bytes { bytes, .. }) => String::from_utf8(bytes).unwrap(),
            other => panic!("{other:?} (error: {:?})", r.error),
        };
        let address = json!({"city": "Somewhere", "zip": "99999+1234"});
        let r = Request::new(Method::POST)
            .form(&json!({"id": "f81d", "address": address, "items": [{"n": 1}, [2]]}));
        assert_eq!(
            body(r),
            "id=f81d&address=%7B%22city%22%3A%22Somewhere%22%2C%22zip%22%3A%2299999%2B1234%22%7D\
             &items=%7B%22n%22%3A1%7D&items=%5B2%5D"
        );
        // With a `style` (form, exploded): the object's own pairs.
        let r = Request::new(Method::POST).form_encoded(
            &json!({"address": {"city": "A B", "tags": ["x", "y"], "none": null}, "id": 1}),
            &["address"],
            &[],
        );
        assert_eq!(body(r), "city=A+B&tags=x&tags=y&id=1");
        // With a JSON `contentType`: the whole value as JSON text, a string
        // with its quotes, a list as one array; the others as before.
        let r = Request::new(Method::POST).form_encoded(
            &json!({"note": "hi", "ids": [3, 4], "n": 5, "plain": "hi", "more": [1, 2]}),
            &[],
            &["note", "ids", "n"],
        );
        assert_eq!(
            body(r),
            "note=%22hi%22&ids=%5B3%2C4%5D&n=5&plain=hi&more=1&more=2"
        );
        // Nested deeper than form style can write: an error, not a body
        // without them.
        for nested in [json!({"a": {"b": {"c": 1}}}), json!({"a": [{"id": 1}]})] {
            let r = Request::new(Method::POST).form_encoded(&nested, &["a"], &[]);
            assert!(
                r.error
                    .as_deref()
                    .is_some_and(|e| e.starts_with("form body property a: ")),
                "{:?}",
                r.error
            );
        }
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
