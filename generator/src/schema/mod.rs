//! The schema model: every schema of the document, OpenAPI 3.0, 3.1 or 3.2,
//! read once ([`read`]) into one flat, project-owned, 3.1-native shape
//! ([`Schema`]), each node with its JSON pointer into the document, in an
//! arena ([`Schemas`]) keyed by [`SchemaId`]. `$ref`s are resolved to ids,
//! to any schema in the document (a component, or one nested in a path or
//! another schema). What a set of schemas means together (`allOf`, keywords
//! beside a `$ref`) is [`conj`].
//!
//! 3.0's forms are read into 3.1's: `nullable: true` is kept as a flag that
//! [`Schema::admits_null`] reads alongside `type: [.., "null"]`; boolean
//! `exclusiveMinimum` becomes the numeric bound; `example` joins `examples`.
//! Keywords beside a `$ref` apply with it in every version (3.1 semantics,
//! which real 3.0 documents rely on).

pub mod conj;
mod read;

use std::collections::HashMap;

use serde_json::Value;

use crate::error::Pointer;

pub use read::read;

/// Index of a schema in [`Schemas`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemaId(pub u32);

/// A JSON type, as `type` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JsonType {
    /// `null`
    Null,
    /// `boolean`
    Boolean,
    /// `object`
    Object,
    /// `array`
    Array,
    /// `number` (integers included)
    Number,
    /// `integer`
    Integer,
    /// `string`
    String,
}

impl JsonType {
    /// The type `name` names.
    pub fn named(name: &str) -> Option<JsonType> {
        Some(match name {
            "null" => JsonType::Null,
            "boolean" => JsonType::Boolean,
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "string" => JsonType::String,
            _ => return None,
        })
    }

    /// The type of a JSON value (`integer` for whole numbers).
    pub fn of(v: &Value) -> JsonType {
        match v {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Object(_) => JsonType::Object,
            Value::Array(_) => JsonType::Array,
            Value::Number(n) if n.is_i64() || n.is_u64() => JsonType::Integer,
            Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => JsonType::Integer,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
        }
    }

    /// Whether a value of type `self` is also of type `other` (`integer` is a `number`).
    pub fn within(self, other: JsonType) -> bool {
        self == other || (self == JsonType::Integer && other == JsonType::Number)
    }
}

/// `discriminator`.
#[derive(Debug, Clone, PartialEq)]
pub struct Discriminator {
    /// `propertyName`
    pub property_name: String,
    /// `mapping`: tag value -> schema reference, in document order.
    pub mapping: Vec<(String, String)>,
    /// 3.2 `defaultMapping`: the schema of values whose tag maps to nothing.
    pub default_mapping: Option<String>,
}

/// A `$ref` and what it resolved to.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    /// As written.
    pub text: String,
    /// The schema it points to (set by [`read`] once every schema is known).
    pub target: Option<SchemaId>,
}

/// One schema, every keyword that affects typing, decoding or docs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    /// Where it is in the (bundled) document.
    pub at: Pointer,
    /// `true` or `false` written as the schema itself.
    pub boolean: Option<bool>,
    /// `$ref` (its siblings apply with it).
    pub reference: Option<Ref>,
    /// `type`, as a set; `None` when not given.
    pub types: Option<Vec<JsonType>>,
    /// 3.0 `nullable: true` (and the `x-nullable` extension of older tools).
    pub nullable: bool,
    /// `format`
    pub format: Option<String>,
    /// `enum`
    pub enumeration: Option<Vec<Value>>,
    /// `const`
    pub constant: Option<Value>,
    /// `properties`, in document order.
    pub properties: Vec<(String, SchemaId)>,
    /// Whether `properties` was written (`properties: {}` is a fieldless model).
    pub properties_declared: bool,
    /// `required`
    pub required: Vec<String>,
    /// `additionalProperties`
    pub additional: Option<SchemaId>,
    /// `patternProperties`, in document order.
    pub pattern_properties: Vec<(String, SchemaId)>,
    /// `propertyNames`
    pub property_names: Option<SchemaId>,
    /// `unevaluatedProperties`
    pub unevaluated_properties: Option<SchemaId>,
    /// `dependentRequired` (and the list form of draft 4-7 `dependencies`).
    pub dependent_required: Vec<(String, Vec<String>)>,
    /// `minProperties`
    pub min_properties: Option<u64>,
    /// `maxProperties`
    pub max_properties: Option<u64>,
    /// `items` (a single schema)
    pub items: Option<SchemaId>,
    /// `prefixItems` (or draft 4-7 `items` as a list)
    pub prefix_items: Vec<SchemaId>,
    /// `contains`
    pub contains: Option<SchemaId>,
    /// `minItems`
    pub min_items: Option<u64>,
    /// `maxItems`
    pub max_items: Option<u64>,
    /// `uniqueItems: true`
    pub unique_items: bool,
    /// `allOf`
    pub all_of: Vec<SchemaId>,
    /// `anyOf`
    pub any_of: Vec<SchemaId>,
    /// `oneOf`
    pub one_of: Vec<SchemaId>,
    /// `not`
    pub not: Option<SchemaId>,
    /// `if` (with `then`/`else`), which no Rust type expresses.
    pub conditional: bool,
    /// `dependentSchemas` (and the schema form of `dependencies`), likewise.
    pub dependent_schemas: bool,
    /// `discriminator`
    pub discriminator: Option<Discriminator>,
    /// `minimum`
    pub minimum: Option<f64>,
    /// `maximum`
    pub maximum: Option<f64>,
    /// `exclusiveMinimum` (3.0's boolean form read as the bound it makes exclusive)
    pub exclusive_minimum: Option<f64>,
    /// `exclusiveMaximum` (likewise)
    pub exclusive_maximum: Option<f64>,
    /// `multipleOf`
    pub multiple_of: Option<f64>,
    /// `minLength`
    pub min_length: Option<u64>,
    /// `maxLength`
    pub max_length: Option<u64>,
    /// `pattern`
    pub pattern: Option<String>,
    /// `contentMediaType`
    pub content_media_type: Option<String>,
    /// `contentEncoding`
    pub content_encoding: Option<String>,
    /// `title`
    pub title: Option<String>,
    /// `description`
    pub description: Option<String>,
    /// `default`
    pub default: Option<Value>,
    /// `example` (3.0) followed by `examples` (3.1).
    pub examples: Vec<Value>,
    /// `deprecated: true`
    pub deprecated: bool,
    /// `readOnly: true`
    pub read_only: bool,
    /// `writeOnly: true`
    pub write_only: bool,
    /// `x-*` extensions, in document order.
    pub extensions: Vec<(String, Value)>,
    /// `$defs` / `definitions` (referable, not applied).
    pub defs: Vec<(String, SchemaId)>,
}

impl Schema {
    /// Whether `type` (if given) lets `t` through.
    pub fn allows(&self, t: JsonType) -> bool {
        match &self.types {
            None => true,
            Some(types) => types.iter().any(|&x| t.within(x)),
        }
    }

    /// Whether the schema itself says `null` is a value: `type` listing
    /// `null`, 3.0 `nullable`, `null` in `enum` or as `const`.
    pub fn admits_null(&self) -> bool {
        self.nullable
            || self
                .types
                .as_ref()
                .is_some_and(|t| t.contains(&JsonType::Null))
            || self
                .enumeration
                .as_ref()
                .is_some_and(|e| e.contains(&Value::Null))
            || self.constant == Some(Value::Null)
    }

    /// Only `null` is a value (`type: null`, `const: null`, `enum: [null]`).
    pub fn null_only(&self) -> bool {
        self.types.as_deref() == Some(&[JsonType::Null])
            || self.constant == Some(Value::Null)
            || self.enumeration.as_deref() == Some(&[Value::Null])
    }

    /// The extension `name`.
    pub fn extension(&self, name: &str) -> Option<&Value> {
        self.extensions
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// Whether the schema says anything about its values' shape: a type,
    /// structure, values, composition or a reference. A schema without any
    /// (`{}`, `{description: ..}`) takes every value.
    pub fn constrains_shape(&self) -> bool {
        self.boolean == Some(false)
            || self.reference.is_some()
            || self.types.is_some()
            || self.enumeration.is_some()
            || self.constant.is_some()
            || !self.properties.is_empty()
            || self.additional.is_some()
            || !self.pattern_properties.is_empty()
            || self.items.is_some()
            || !self.prefix_items.is_empty()
            || !self.all_of.is_empty()
            || !self.any_of.is_empty()
            || !self.one_of.is_empty()
    }
}

/// What a schema that did not resolve stands for: nothing (never read:
/// [`read`] reports every dangling `$ref` as an error).
static NOTHING: std::sync::LazyLock<Schema> = std::sync::LazyLock::new(Schema::default);

/// Every schema of a document.
#[derive(Debug, Clone, Default)]
pub struct Schemas {
    nodes: Vec<Schema>,
    by_pointer: HashMap<String, SchemaId>,
    /// Keywords read past: a documentation-only keyword holding a value of
    /// the wrong kind (`pattern: 0`), with where it is.
    pub ignored: Vec<(Pointer, String)>,
}

impl Schemas {
    /// The schema `id` (ids come from this arena only; a stranger id reads
    /// as an empty schema rather than panicking).
    pub fn get(&self, id: SchemaId) -> &Schema {
        self.nodes.get(id.0 as usize).unwrap_or(&NOTHING)
    }

    /// The schema at `pointer` (`#/components/schemas/Pet`), percent-encoded or not.
    pub fn at(&self, pointer: &str) -> Option<SchemaId> {
        self.by_pointer.get(pointer).copied().or_else(|| {
            let decoded = crate::bundle::percent_decode(pointer);
            self.by_pointer.get(&decoded).copied()
        })
    }

    /// How many schemas there are.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Every id, in reading order (document order, depth first).
    pub fn ids(&self) -> impl Iterator<Item = SchemaId> {
        (0..self.nodes.len() as u32).map(SchemaId)
    }

    /// Where a `$ref` leads, through chains of bare references.
    pub fn target(&self, id: SchemaId) -> Option<SchemaId> {
        self.get(id).reference.as_ref().and_then(|r| r.target)
    }

    /// Whether two schemas say the same thing (pointers aside), comparing
    /// what they hold as deep as `depth`.
    pub fn same(&self, a: SchemaId, b: SchemaId, depth: usize) -> bool {
        if a == b {
            return true;
        }
        let Some(depth) = depth.checked_sub(1) else {
            return false;
        };
        let (x, y) = (self.get(a), self.get(b));
        let ids = |p: &[SchemaId], q: &[SchemaId]| {
            p.len() == q.len() && p.iter().zip(q).all(|(&i, &j)| self.same(i, j, depth))
        };
        let named = |p: &[(String, SchemaId)], q: &[(String, SchemaId)]| {
            p.len() == q.len()
                && p.iter()
                    .zip(q)
                    .all(|((k, i), (l, j))| k == l && self.same(*i, *j, depth))
        };
        let opt = |p: Option<SchemaId>, q: Option<SchemaId>| match (p, q) {
            (None, None) => true,
            (Some(i), Some(j)) => self.same(i, j, depth),
            _ => false,
        };
        let refs = match (&x.reference, &y.reference) {
            (None, None) => true,
            (Some(r), Some(s)) => r.target == s.target && r.target.is_some(),
            _ => false,
        };
        refs && named(&x.properties, &y.properties)
            && named(&x.pattern_properties, &y.pattern_properties)
            && opt(x.additional, y.additional)
            && opt(x.items, y.items)
            && opt(x.not, y.not)
            && opt(x.property_names, y.property_names)
            && ids(&x.prefix_items, &y.prefix_items)
            && ids(&x.all_of, &y.all_of)
            && ids(&x.any_of, &y.any_of)
            && ids(&x.one_of, &y.one_of)
            && leaves(x) == leaves(y)
    }
}

/// A schema's own keywords, without what refers to other schemas.
fn leaves(s: &Schema) -> Schema {
    Schema {
        at: Pointer::default(),
        reference: None,
        properties: Vec::new(),
        pattern_properties: Vec::new(),
        additional: None,
        items: None,
        not: None,
        property_names: None,
        prefix_items: Vec::new(),
        all_of: Vec::new(),
        any_of: Vec::new(),
        one_of: Vec::new(),
        unevaluated_properties: None,
        contains: None,
        defs: Vec::new(),
        ..s.clone()
    }
}
