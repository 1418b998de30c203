//! `multipart/form-data` request bodies: [`FilePart`] is a file to upload,
//! [`Parts`] the parts of one body, and [`ToParts`] what a generated body
//! type implements to list them. The default transport turns them into a
//! `reqwest::multipart::Form` for each attempt (a form is consumed by
//! sending); a custom [`Transport`](crate::transport::Transport) reads them
//! ([`Parts::iter`], [`Part`]) and encodes them itself.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A file in a request: its bytes, and optionally its file name and media
/// type (which override the spec's `encoding.contentType`).
///
/// In a `multipart/form-data` body it is a file part. In JSON (where a
/// `format: binary` string has no proper meaning) it is a string holding its
/// bytes exactly: read back from a string as that string's UTF-8 bytes, and
/// written only when the bytes are UTF-8 text. Other bytes are refused with a
/// serialization error (the call fails with `Error::Request`), never replaced:
/// send such a file as `multipart/form-data` or `application/octet-stream`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FilePart {
    bytes: Vec<u8>,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A file of these bytes, with no name or media type yet.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        FilePart {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name the server sees (`filename=` of the part).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's media type (e.g. `image/png`).
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The file name, if set.
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type, if set.
    pub fn media_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        FilePart::new(bytes)
    }
}

impl From<&[u8]> for FilePart {
    fn from(bytes: &[u8]) -> Self {
        FilePart::new(bytes)
    }
}

impl Serialize for FilePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.bytes) {
            Ok(text) => serializer.serialize_str(text),
            Err(e) => Err(serde::ser::Error::custom(format_args!(
                "a file of {} bytes is not UTF-8 text (invalid at byte {}), so a JSON string \
                 cannot hold it unchanged; send it as multipart/form-data or octet-stream",
                self.bytes.len(),
                e.valid_up_to()
            ))),
        }
    }
}

impl crate::json::Decode for FilePart {
    fn decode(r: &mut crate::json::Reader<'_>) -> Result<Self, crate::json::Error> {
        String::decode(r).map(|s| FilePart::new(s.into_bytes()))
    }
}

impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| FilePart::new(s.into_bytes()))
    }
}

/// One part of a multipart body, as a custom transport reads it: its
/// [`name`](Part::name), [`media_type`](Part::media_type) and content.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Part {
    /// A text part (scalars as their text, objects and arrays as JSON).
    #[non_exhaustive]
    Text {
        /// The part's name (the form field).
        name: String,
        /// Its text.
        value: String,
        /// `application/json` for an object or array; none for a scalar.
        content_type: Option<&'static str>,
    },
    /// A file part.
    #[non_exhaustive]
    File {
        /// The part's name (the form field).
        name: String,
        /// The file: bytes, and its own file name and media type if set.
        file: FilePart,
        /// The spec's media type for this part (`encoding.contentType`),
        /// used when the file sets none.
        default_type: Option<String>,
    },
}

/// The parts of one `multipart/form-data` body, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parts {
    pub(crate) parts: Vec<Part>,
    pub(crate) error: Option<String>,
}

impl Parts {
    /// The parts, in order, for a transport that encodes them itself.
    pub fn iter(&self) -> std::slice::Iter<'_, Part> {
        self.parts.iter()
    }

    /// A file part named `name`.
    pub fn file(&mut self, name: &str, file: &FilePart) {
        self.parts.push(Part::File {
            name: name.to_owned(),
            file: file.clone(),
            default_type: None,
        });
    }

    /// One file part per file, all named `name`.
    pub fn files(&mut self, name: &str, files: &[FilePart]) {
        for f in files {
            self.file(name, f);
        }
    }

    /// Gives the parts named in `encoding` its media type (files keep their own if set).
    pub(crate) fn apply_encoding(&mut self, encoding: &[(&str, &str)]) {
        for part in &mut self.parts {
            match part {
                Part::File {
                    name, default_type, ..
                } => {
                    if let Some((_, t)) = encoding.iter().find(|(n, _)| n == name) {
                        *default_type = Some((*t).to_owned());
                    }
                }
                Part::Text { .. } => {}
            }
        }
    }

    /// A non-file value: strings, numbers and booleans as their text, each
    /// item of an array of scalars as a part of its own, objects as JSON;
    /// `null` sends nothing.
    pub fn value(&mut self, name: &str, value: &impl Serialize) {
        let value = match serde_json::to_value(value) {
            Ok(v) => v,
            Err(e) => {
                self.error
                    .get_or_insert(format!("multipart part {name}: {e}"));
                return;
            }
        };
        match value {
            Value::Null => {}
            Value::Array(items) if items.iter().all(is_scalar) => {
                for item in &items {
                    self.text(name, item);
                }
            }
            other => self.text(name, &other),
        }
    }

    fn text(&mut self, name: &str, value: &Value) {
        let (value, content_type) = match value {
            Value::String(s) => (s.clone(), None),
            Value::Object(_) | Value::Array(_) => (value.to_string(), Some("application/json")),
            other => (other.to_string(), None),
        };
        self.parts.push(Part::Text {
            name: name.to_owned(),
            value,
            content_type,
        });
    }

    /// Checks every part's media type, so that [`Parts::form`] cannot fail.
    pub(crate) fn check(&self) -> Result<(), String> {
        for part in &self.parts {
            if let Some(media) = part.media_type() {
                mime(
                    reqwest::multipart::Part::bytes(Vec::new()),
                    part.name(),
                    media,
                )?;
            }
        }
        Ok(())
    }

    /// The parts as a form for one attempt.
    pub(crate) fn form(&self) -> Result<reqwest::multipart::Form, String> {
        let mut form = reqwest::multipart::Form::new();
        for part in &self.parts {
            let p = match part {
                Part::Text { value, .. } => reqwest::multipart::Part::text(value.clone()),
                Part::File { name, file, .. } => {
                    reqwest::multipart::Part::bytes(file.bytes.clone())
                        .file_name(file.file_name.clone().unwrap_or_else(|| name.clone()))
                }
            };
            // Files without a media type of their own or the spec's are octet streams.
            let media = match part {
                Part::File { .. } => Some(part.media_type().unwrap_or("application/octet-stream")),
                Part::Text { .. } => part.media_type(),
            };
            let p = match media {
                Some(media) => mime(p, part.name(), media)?,
                None => p,
            };
            form = form.part(part.name().to_owned(), p);
        }
        Ok(form)
    }
}

impl Part {
    /// The part's name (the form field).
    pub fn name(&self) -> &str {
        match self {
            Part::Text { name, .. } | Part::File { name, .. } => name,
        }
    }

    /// The media type the part is sent with, when one is set: a text part's
    /// own, a file's own, else the spec's for that part. The default
    /// transport sends a file without one as `application/octet-stream`.
    pub fn media_type(&self) -> Option<&str> {
        match self {
            Part::Text { content_type, .. } => *content_type,
            Part::File {
                file, default_type, ..
            } => file.content_type.as_deref().or(default_type.as_deref()),
        }
    }
}

/// `part` with media type `media`, or why it is not one.
fn mime(
    part: reqwest::multipart::Part,
    name: &str,
    media: &str,
) -> Result<reqwest::multipart::Part, String> {
    part.mime_str(media)
        .map_err(|e| format!("part {name}: media type {media:?}: {e}"))
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

/// A body type that is sent as `multipart/form-data` (generated for the
/// spec's multipart request bodies).
pub trait ToParts {
    /// Adds this value's parts, in the order of its fields.
    fn to_parts(&self, parts: &mut Parts);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_text_parts_and_files_file_parts() {
        let mut parts = Parts::default();
        parts.value("name", &"Rex");
        parts.value("age", &3);
        parts.value("tags", &["a", "b"]);
        parts.value("meta", &serde_json::json!({"k": 1}));
        parts.value("absent", &Option::<String>::None);
        parts.file("photo", &FilePart::new(*b"\x89PNG").file_name("rex.png"));
        parts.apply_encoding(&[("photo", "image/png")]);
        let names: Vec<&str> = parts
            .parts
            .iter()
            .map(|p| match p {
                Part::Text { name, .. } | Part::File { name, .. } => name.as_str(),
            })
            .collect();
        assert_eq!(names, ["name", "age", "tags", "tags", "meta", "photo"]);
        assert!(matches!(
            &parts.parts[4],
            Part::Text { value, content_type: Some("application/json"), .. } if value == r#"{"k":1}"#
        ));
        assert!(parts.form().is_ok());
    }

    #[test]
    fn a_bad_media_type_is_an_error_not_a_panic() {
        let mut parts = Parts::default();
        parts.file("f", &FilePart::new(vec![1]).content_type("not a type"));
        assert!(parts.check().is_err());
        assert!(parts.form().is_err());
    }
}
