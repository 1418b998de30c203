//! The hand-written runtime the generated clients stand on: small, generic,
//! and free of anything specific to one API.
//!
//! - [`Patch`]: a request field that can be absent, `null`, or a value.
//! - [`__private`]: helpers the generated code calls; not a stable API.
#![deny(missing_docs)]

mod patch;

pub use patch::Patch;

/// Helpers for generated code. Not part of the public API; may change at any time.
#[doc(hidden)]
pub mod __private {
    use serde_json::Value;

    /// The string value of property `tag` of a JSON object, if there is one.
    pub fn tag_of<'v>(value: &'v Value, tag: &str) -> Option<&'v str> {
        value.get(tag).and_then(Value::as_str)
    }

    /// Decodes a buffered JSON value, reporting failure as the caller's error type.
    pub fn from_value<T, E>(value: Value) -> Result<T, E>
    where
        T: serde::de::DeserializeOwned,
        E: serde::de::Error,
    {
        serde_json::from_value(value).map_err(E::custom)
    }
}
