//! A flat, read-only view of an `openapiv3::Schema`.
//!
//! openapiv3 splits schemas into typed variants (`Type::String`, ...) and a
//! catch-all `AnySchema`; lowering wants one shape to look at, so this module
//! presents both the same way.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaData, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::normalize::{X_CONST, X_NULL, X_PATTERN_PROPERTIES, X_PREFIX_ITEMS};

/// A schema reference held either boxed (properties, items) or not (unions).
#[derive(Clone, Copy)]
pub enum SubSchema<'a> {
    /// `ReferenceOr<Box<Schema>>`
    Boxed(&'a ReferenceOr<Box<Schema>>),
    /// `ReferenceOr<Schema>`
    Plain(&'a ReferenceOr<Schema>),
}

impl<'a> SubSchema<'a> {
    /// `Err(reference)` or `Ok(schema)`.
    pub fn get(self) -> Result<&'a Schema, &'a str> {
        match self {
            SubSchema::Boxed(ReferenceOr::Reference { reference })
            | SubSchema::Plain(ReferenceOr::Reference { reference }) => Err(reference),
            SubSchema::Boxed(ReferenceOr::Item(s)) => Ok(s),
            SubSchema::Plain(ReferenceOr::Item(s)) => Ok(s),
        }
    }
}

/// Everything lowering reads from a schema, whatever variant openapiv3 chose.
pub struct View<'a> {
    pub data: &'a SchemaData,
    pub typ: Option<&'a str>,
    pub format: Option<String>,
    pub enumeration: Vec<Value>,
    pub properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub required: &'a [String],
    pub additional: Option<&'a AdditionalProperties>,
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    pub one_of: &'a [ReferenceOr<Schema>],
    pub any_of: &'a [ReferenceOr<Schema>],
    pub all_of: &'a [ReferenceOr<Schema>],
    pub has_not: bool,
    /// Constraint notes for docs (`length 1..=40`, `pattern ...`).
    pub notes: Vec<String>,
}

fn fmt_of<T: std::fmt::Debug>(f: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(i) => Some(kebab(&format!("{i:?}"))),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn kebab(debug: &str) -> String {
    let mut out = String::new();
    for (i, c) in debug.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn bound_note<T: std::fmt::Display>(
    min: Option<T>,
    max: Option<T>,
    ex_min: bool,
    ex_max: bool,
    what: &str,
) -> Option<String> {
    let lo = min.map(|m| format!("{} {m}", if ex_min { "greater than" } else { "at least" }));
    let hi = max.map(|m| format!("{} {m}", if ex_max { "less than" } else { "at most" }));
    match (lo, hi) {
        (None, None) => None,
        (Some(l), None) => Some(format!("{what} {l}")),
        (None, Some(h)) => Some(format!("{what} {h}")),
        (Some(l), Some(h)) => Some(format!("{what} {l} and {h}")),
    }
}

const EMPTY_PROPS: &[String] = &[];

impl<'a> View<'a> {
    /// The view of `schema`.
    pub fn of(schema: &'a Schema) -> Self {
        let mut v = View {
            data: &schema.schema_data,
            typ: None,
            format: None,
            enumeration: Vec::new(),
            properties: None,
            required: EMPTY_PROPS,
            additional: None,
            items: None,
            one_of: &[],
            any_of: &[],
            all_of: &[],
            has_not: false,
            notes: Vec::new(),
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                v.typ = Some("string");
                v.format = fmt_of(&s.format);
                v.enumeration = s
                    .enumeration
                    .iter()
                    .map(|e| e.clone().map_or(Value::Null, Value::String))
                    .collect();
                v.notes.extend(bound_note(
                    s.min_length,
                    s.max_length,
                    false,
                    false,
                    "length",
                ));
                v.notes
                    .extend(s.pattern.as_ref().map(|p| format!("pattern `{p}`")));
            }
            SchemaKind::Type(Type::Number(n)) => {
                v.typ = Some("number");
                v.format = fmt_of(&n.format);
                v.enumeration = n
                    .enumeration
                    .iter()
                    .map(|e| e.map_or(Value::Null, Value::from))
                    .collect();
                v.notes.extend(bound_note(
                    n.minimum,
                    n.maximum,
                    n.exclusive_minimum,
                    n.exclusive_maximum,
                    "value",
                ));
            }
            SchemaKind::Type(Type::Integer(n)) => {
                v.typ = Some("integer");
                v.format = fmt_of(&n.format);
                v.enumeration = n
                    .enumeration
                    .iter()
                    .map(|e| e.map_or(Value::Null, Value::from))
                    .collect();
                v.notes.extend(bound_note(
                    n.minimum,
                    n.maximum,
                    n.exclusive_minimum,
                    n.exclusive_maximum,
                    "value",
                ));
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                v.typ = Some("boolean");
                v.enumeration = b
                    .enumeration
                    .iter()
                    .map(|e| e.map_or(Value::Null, Value::Bool))
                    .collect();
            }
            SchemaKind::Type(Type::Object(o)) => {
                v.typ = Some("object");
                v.properties = Some(&o.properties);
                v.required = &o.required;
                v.additional = o.additional_properties.as_ref();
                v.notes.extend(bound_note(
                    o.min_properties,
                    o.max_properties,
                    false,
                    false,
                    "properties",
                ));
            }
            SchemaKind::Type(Type::Array(a)) => {
                v.typ = Some("array");
                v.items = a.items.as_ref();
                v.notes
                    .extend(bound_note(a.min_items, a.max_items, false, false, "items"));
            }
            SchemaKind::OneOf { one_of } => v.one_of = one_of,
            SchemaKind::AnyOf { any_of } => v.any_of = any_of,
            SchemaKind::AllOf { all_of } => v.all_of = all_of,
            SchemaKind::Not { .. } => v.has_not = true,
            SchemaKind::Any(a) => {
                v.typ = a.typ.as_deref();
                v.format = a.format.clone();
                v.enumeration = a.enumeration.clone();
                v.properties = (!a.properties.is_empty()).then_some(&a.properties);
                v.required = &a.required;
                v.additional = a.additional_properties.as_ref();
                v.items = a.items.as_ref();
                v.one_of = &a.one_of;
                v.any_of = &a.any_of;
                v.all_of = &a.all_of;
                v.has_not = a.not.is_some();
                v.notes.extend(bound_note(
                    a.min_length,
                    a.max_length,
                    false,
                    false,
                    "length",
                ));
                v.notes.extend(bound_note(
                    a.minimum,
                    a.maximum,
                    a.exclusive_minimum.unwrap_or(false),
                    a.exclusive_maximum.unwrap_or(false),
                    "value",
                ));
                v.notes
                    .extend(a.pattern.as_ref().map(|p| format!("pattern `{p}`")));
            }
        }
        v
    }

    /// The extension `name`, if present.
    pub fn ext(&self, name: &str) -> Option<&'a Value> {
        self.data.extensions.get(name)
    }

    /// `const` value (3.1), kept by normalisation.
    pub fn const_value(&self) -> Option<&'a Value> {
        self.ext(X_CONST)
    }

    /// Only `null` is allowed.
    pub fn is_null_only(&self) -> bool {
        self.ext(X_NULL) == Some(&Value::Bool(true))
    }

    /// `prefixItems` (3.1), kept by normalisation.
    pub fn prefix_items(&self) -> Option<&'a Vec<Value>> {
        self.ext(X_PREFIX_ITEMS).and_then(Value::as_array)
    }

    /// `patternProperties`, kept by normalisation.
    pub fn pattern_properties(&self) -> Option<&'a serde_json::Map<String, Value>> {
        self.ext(X_PATTERN_PROPERTIES).and_then(Value::as_object)
    }

    /// Declares no type, properties, items or composition: an untyped value.
    pub fn is_unconstrained(&self) -> bool {
        self.typ.is_none()
            && self.properties.is_none()
            && self.items.is_none()
            && self.additional.is_none()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
            && self.all_of.is_empty()
            && self.enumeration.is_empty()
            && self.prefix_items().is_none()
            && self.pattern_properties().is_none()
            && !self.has_not
            && !self.is_null_only()
    }
}
