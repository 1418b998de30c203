//! Parsing, the first stage: bytes (JSON or YAML) -> `serde_json::Value`.
//!
//! YAML is read straight into a JSON value by a visitor that takes what JSON
//! cannot hold exactly: an integer beyond `i64`/`u64` (`maximum:
//! 18446744073709552000`) becomes the nearest `f64`, as a JSON parser would
//! read it; a number or boolean mapping key becomes its text; a tagged value
//! (`!Ref x`) its value. Errors give the line and column.

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::{Error, Result};

/// How deep YAML nests before it is refused (serde_json stops at 128 too).
const MAX_DEPTH: usize = 128;

/// Parses `bytes` as JSON if it looks like JSON, else as YAML.
pub fn parse_document(bytes: &[u8]) -> Result<Value> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        serde_json::from_slice(bytes).map_err(|e| Error::Syntax {
            format: "JSON",
            message: e.to_string(),
        })
    } else {
        let json: Json = serde_yaml::from_slice(bytes).map_err(|e| Error::Syntax {
            format: "YAML",
            message: e.to_string(),
        })?;
        Ok(json.0)
    }
}

/// A JSON value read from any serde format (see the module docs).
struct Json(Value);

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor(0)).map(Json)
    }
}

struct JsonVisitor(usize);

/// One level deeper (refused past [`MAX_DEPTH`]).
struct Nested(usize);

impl<'de> DeserializeSeed<'de> for Nested {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        if self.0 > MAX_DEPTH {
            return Err(de::Error::custom(format_args!(
                "nested more than {MAX_DEPTH} levels deep"
            )));
        }
        d.deserialize_any(JsonVisitor(self.0))
    }
}

/// The nearest float; NaN and the infinities have no JSON form and are null.
fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

type R<E> = std::result::Result<Value, E>;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON-like value")
    }
    fn visit_unit<E>(self) -> R<E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> R<E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> R<D::Error> {
        Nested(self.0).deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> R<E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> R<E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> R<E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> R<E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_u128<E>(self, v: u128) -> R<E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_f64<E>(self, v: f64) -> R<E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> R<E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> R<E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> R<A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Nested(self.0 + 1))? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> R<A::Error> {
        let mut out = Map::new();
        while let Some(k) = map.next_key_seed(Nested(self.0 + 1))? {
            let key = match k {
                Value::String(s) => s,
                other => other.to_string(),
            };
            let v = map.next_value_seed(Nested(self.0 + 1))?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> R<A::Error> {
        // A tagged YAML value (`!Ref x`): its value.
        use de::VariantAccess;
        let (_, variant): (de::IgnoredAny, _) = data.variant()?;
        variant.newtype_variant_seed(Nested(self.0 + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_beyond_64_bits_load_as_floats() {
        let doc =
            parse_document(b"a: 18446744073709552000\nb: -9223372036854775809\nc: 7\n").unwrap();
        assert_eq!(doc["a"].as_f64(), Some(18446744073709552000.0));
        assert_eq!(doc["b"].as_f64(), Some(-9223372036854775809.0));
        assert_eq!(doc["c"], json!(7));
    }

    #[test]
    fn keys_that_are_not_strings_become_text() {
        let doc = parse_document(b"responses:\n  200:\n    description: ok\n  true: x\n").unwrap();
        assert_eq!(
            doc,
            json!({"responses": {"200": {"description": "ok"}, "true": "x"}})
        );
    }

    #[test]
    fn syntax_errors_say_where() {
        let e = parse_document(b"a: [1, 2\nb: 3\n").unwrap_err().to_string();
        assert!(e.contains("line"), "{e}");
        let e = parse_document(b"{\"a\": }").unwrap_err().to_string();
        assert!(e.contains("line 1 column 7"), "{e}");
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let deep = "a: ".to_owned() + &"[".repeat(300) + &"]".repeat(300);
        assert!(parse_document(deep.as_bytes()).is_err());
    }
}
