//! Loading: bytes (JSON or YAML) -> normalised `serde_json::Value` -> `openapiv3::OpenAPI`.
//!
//! openapiv3 models OpenAPI 3.0. A 3.1 document is first rewritten into the
//! 3.0 shape by [`crate::normalize`], which keeps what 3.0 cannot say in `x-oa-*`
//! extensions, so nothing reaches the IR lossily.

use serde_json::Value;

use crate::error::{Error, Pointer, Result};
use crate::normalize;

/// The OpenAPI versions the generator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// OpenAPI 3.0.x
    V3_0,
    /// OpenAPI 3.1.x
    V3_1,
}

/// A parsed and normalised document.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Version declared by the document's `openapi` field.
    pub version: Version,
    /// The normalised document as JSON (what `openapi` was parsed from).
    pub raw: Value,
    /// The typed document.
    pub openapi: openapiv3::OpenAPI,
}

/// Parses `bytes` as JSON if it looks like JSON, else as YAML.
pub fn parse_document(bytes: &[u8]) -> Result<Value> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        serde_json::from_slice(bytes).map_err(|e| Error::Syntax {
            format: "JSON",
            message: e.to_string(),
        })
    } else {
        serde_yaml::from_slice(bytes).map_err(|e| Error::Syntax {
            format: "YAML",
            message: e.to_string(),
        })
    }
}

/// Parses, checks the version, normalises and types a spec document.
pub fn load(bytes: &[u8]) -> Result<Loaded> {
    let mut raw = parse_document(bytes)?;
    let version = detect_version(&raw)?;
    normalize::normalize_document(&mut raw)?;
    let openapi = typed(&raw)?;
    Ok(Loaded {
        version,
        raw,
        openapi,
    })
}

fn detect_version(doc: &Value) -> Result<Version> {
    let root = Pointer::root();
    let Some(obj) = doc.as_object() else {
        return Err(Error::invalid(&root, "the document is not an object"));
    };
    let at = root.join("openapi");
    match obj.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") || v == "3.0" => Ok(Version::V3_0),
        Some(v) if v.starts_with("3.1.") || v == "3.1" => Ok(Version::V3_1),
        Some(v) => Err(Error::unsupported(
            &at,
            format!("OpenAPI version {v:?}; only 3.0.x and 3.1.x are read"),
        )),
        None if obj.contains_key("swagger") => Err(Error::unsupported(
            &root.join("swagger"),
            "Swagger 2.0 documents; convert to OpenAPI 3 first",
        )),
        None => Err(Error::invalid(&at, "missing the `openapi` version field")),
    }
}

/// Deserialises the normalised document, reporting the failing location as a pointer.
fn typed(raw: &Value) -> Result<openapiv3::OpenAPI> {
    serde_path_to_error::deserialize(raw).map_err(|e| {
        let mut pointer = Pointer::root();
        for segment in e.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => pointer = pointer.join(index.to_string()),
                Segment::Map { key } => pointer = pointer.join(key),
                Segment::Enum { variant } => pointer = pointer.join(variant),
                Segment::Unknown => {}
            }
        }
        Error::invalid(&pointer, e.inner().to_string())
    })
}
