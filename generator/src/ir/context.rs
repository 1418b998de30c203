//! The lowering context: the state of one run ([`Lowerer`]: the document,
//! the type arena being filled, names taken, warnings) and what every
//! lowering step shares (defining a type in a slot or under a new name,
//! following `$ref`s, docs of a schema, warnings, formats). The steps hang
//! off it: [`super::lower`] (schemas), [`super::ops`] (operations) and
//! [`super::unions`] (settling unions); [`super::build`] runs them. Nothing
//! here calls back into them.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::schema_view::View;
use super::*;
use crate::error::{Error, Pointer, Result, Warning};
use crate::naming::{self, Scope};
use crate::Options;

/// What a union looked like before its variants were known well enough to settle it.
#[derive(Debug, Clone)]
pub(super) struct PendingUnion {
    pub id: TypeId,
    pub discriminator: Option<openapiv3::Discriminator>,
    pub origin: Pointer,
}

/// Where a lowered schema goes when it needs a named type.
#[derive(Debug, Clone)]
pub(super) enum Target {
    /// The pre-allocated slot of a component schema.
    Slot(TypeId),
    /// A new type named by this hint, in this module.
    Inline { hint: String, module: String },
}

impl Target {
    pub(super) fn module<'a>(&'a self, lw: &'a Lowerer<'_>) -> &'a str {
        match self {
            Target::Slot(id) => &lookup(&lw.types, *id).module,
            Target::Inline { module, .. } => module,
        }
    }
    pub(super) fn hint<'a>(&'a self, lw: &'a Lowerer<'_>) -> &'a str {
        match self {
            Target::Slot(id) => &lookup(&lw.types, *id).name,
            Target::Inline { hint, .. } => hint,
        }
    }
    /// A target for a nested schema: `{hint}{suffix}` in the same module.
    pub(super) fn child(&self, lw: &Lowerer<'_>, suffix: &str) -> Target {
        Target::Inline {
            hint: format!("{}{}", self.hint(lw), naming::type_name(suffix, "Inner")),
            module: self.module(lw).to_owned(),
        }
    }
}

/// State of one lowering run.
pub(super) struct Lowerer<'a> {
    pub doc: &'a openapiv3::OpenAPI,
    /// The normalised document as JSON (for samples).
    pub raw: &'a Value,
    pub types: Vec<TypeDef>,
    pub components: BTreeMap<String, TypeId>,
    /// Component schemas declared `nullable` (3.0): every reference is optional.
    pub nullable_components: BTreeSet<TypeId>,
    pub type_names: Scope,
    pub modules: Scope,
    pub untyped: Vec<String>,
    pub warnings: Vec<Warning>,
    /// How many `lower_into` calls are under way (see [`MAX_DEPTH`]).
    pub depth: usize,
    pub unions: Vec<PendingUnion>,
    pub options: &'a Options,
}

/// The deepest nesting of inline schemas lowered (real specs stay under 20).
pub(super) const MAX_DEPTH: usize = 64;

pub(super) fn strip_option(r: TypeRef) -> TypeRef {
    match r {
        TypeRef::Option(inner) => *inner,
        other => other,
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl<'a> Lowerer<'a> {
    /// Docs of a schema; a `title` that only repeats `name` is dropped.
    pub(super) fn docs(&self, v: &View<'_>, name: &str) -> Docs {
        let title = v
            .data
            .title
            .clone()
            .filter(|t| !t.trim().is_empty() && norm(t) != norm(name));
        let mut notes = Vec::new();
        let mut description = v.data.description.clone().filter(|d| !d.trim().is_empty());
        // `anyOf: [T, null]` keeps T's facts on T: bring them up to the field.
        let single: Vec<&Schema> = v
            .any_of
            .iter()
            .chain(v.one_of)
            .filter_map(|b| match b {
                ReferenceOr::Item(s) => Some(s),
                ReferenceOr::Reference { .. } => None,
            })
            .collect();
        let inner = match (single.as_slice(), v.any_of.len() + v.one_of.len()) {
            ([only], 1) => Some(View::of(only)),
            _ => None,
        };
        for view in std::iter::once(v).chain(inner.as_ref()) {
            if let Some(f) = view.format.as_deref().filter(|f| !typed_format(f)) {
                notes.push(format!("format `{f}`"));
            }
            notes.extend(view.notes.iter().cloned());
            if !view.enumeration.is_empty() && !view.enumeration.iter().all(Value::is_string) {
                let values: Vec<String> =
                    view.enumeration.iter().map(|e| format!("`{e}`")).collect();
                notes.push(format!("one of {}", values.join(", ")));
            }
            if description.is_none() {
                description = view
                    .data
                    .description
                    .clone()
                    .filter(|d| !d.trim().is_empty());
            }
        }
        if v.data.read_only {
            notes.push("read-only".into());
        }
        if v.data.write_only {
            notes.push("write-only".into());
        }
        if let Some(d) = &v.data.default {
            notes.push(format!("default `{}`", short_json(d)));
        }
        if let Some(e) = &v.data.example {
            let text = short_json(e);
            if text.len() <= 80 {
                notes.push(format!("example `{text}`"));
            }
        }
        Docs {
            title,
            description,
            deprecated: v.data.deprecated,
            notes,
        }
    }

    /// Adds a named type for `target` (or fills its slot) and returns a reference to it.
    pub(super) fn define(
        &mut self,
        target: &Target,
        at: &Pointer,
        docs: Docs,
        kind: TypeKind,
    ) -> TypeRef {
        match target {
            Target::Slot(id) => {
                if let Some(def) = self.types.get_mut(id.0) {
                    def.kind = kind;
                    def.docs = docs;
                }
                TypeRef::Named(*id)
            }
            Target::Inline { hint, module } => {
                let name = self.type_names.claim(naming::type_name(hint, "Inline"));
                let id = TypeId(self.types.len());
                self.types.push(TypeDef {
                    id,
                    name,
                    origin: at.to_string(),
                    module: module.clone(),
                    docs,
                    kind,
                    in_request: false,
                });
                TypeRef::Named(id)
            }
        }
    }

    /// Resolves a `$ref` to a component schema.
    pub(super) fn resolve_ref(&self, reference: &str, at: &Pointer) -> Result<TypeRef> {
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            return Err(Error::unsupported(
                at,
                format!(
                    "$ref {reference:?}: only references to #/components/schemas/ are followed"
                ),
            ));
        };
        let name = Pointer::from_ref(&format!("#/{name}"))
            .and_then(|p| p.tokens().next())
            .unwrap_or_default();
        match self.components.get(&name) {
            Some(id) if self.nullable_components.contains(id) => {
                Ok(TypeRef::Option(Box::new(TypeRef::Named(*id))))
            }
            Some(id) => Ok(TypeRef::Named(*id)),
            None => Err(Error::invalid(
                at,
                format!("$ref {reference:?} points to no schema in #/components/schemas"),
            )),
        }
    }

    /// The schema a component reference points to.
    pub(super) fn component_schema(&self, reference: &str) -> Option<&'a Schema> {
        // A chain of components that are bare `$ref`s; a cycle of them has no schema.
        let mut reference = reference;
        for _ in 0..=self.components.len() {
            let name = reference.strip_prefix("#/components/schemas/")?;
            let name = name.replace("~1", "/").replace("~0", "~");
            match self.doc.components.as_ref()?.schemas.get(&name)? {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    pub(super) fn untyped_here(&mut self, at: &Pointer) -> TypeRef {
        self.untyped.push(at.to_string());
        self.warn(
            at,
            "the schema gives no type, so its values are `serde_json::Value`; a `type` or `$ref` would type them",
        );
        TypeRef::Any
    }

    /// Records something the generator guessed or left out.
    pub(super) fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        self.warnings.push(Warning::new(at, message));
    }
}

/// Formats whose meaning the Rust type already carries (no doc note needed).
fn typed_format(f: &str) -> bool {
    !matches!(string_format(Some(f)), Prim::String)
        || matches!(f, "int32" | "int64" | "float" | "double")
}

/// String formats the generator knows: typed (`date-time`, `date`, `uuid`,
/// `uuidN`) or deliberately kept as text.
pub(super) const STRING_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "uuid",
    "email",
    "idn-email",
    "uri",
    "url",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "ip",
    "password",
    "byte",
    "binary",
    "base64",
    "regex",
    "json-pointer",
    "relative-json-pointer",
    "phone",
    "color",
    "html",
    "markdown",
    "textarea",
    "decimal",
];
pub(super) const INTEGER_FORMATS: &[&str] = &[
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
];
pub(super) const NUMBER_FORMATS: &[&str] = &["float", "double", "decimal"];

/// Keywords beside a lone `allOf` member (or `$ref`) that the field keeps:
/// docs, nullability, examples and defaults.
const KEPT_BESIDE_REF: &[&str] = &[
    "allOf",
    "description",
    "title",
    "nullable",
    "deprecated",
    "example",
    "examples",
    "default",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "$comment",
];

impl Lowerer<'_> {
    /// Warns about keywords beside a lone `allOf` member (a `$ref` with
    /// siblings, after normalising) that the referenced type does not carry.
    pub(super) fn warn_ignored_siblings(&mut self, at: &Pointer) {
        let raw = self.raw.pointer(at.as_str().trim_start_matches('#'));
        let Some(Value::Object(raw)) = raw else {
            return;
        };
        let ignored: Vec<&str> = raw
            .keys()
            .map(String::as_str)
            .filter(|k| !KEPT_BESIDE_REF.contains(k) && !k.starts_with("x-"))
            .collect();
        if !ignored.is_empty() {
            self.warn(
                at,
                format!(
                    "`{}` beside the `$ref` {} ignored: the value has the referenced type as it is",
                    ignored.join("`, `"),
                    if ignored.len() == 1 { "is" } else { "are" }
                ),
            );
        }
    }

    /// Warns about a `format` the generator does not know (`uuidN` counts as `uuid`).
    pub(super) fn check_format(
        &mut self,
        v: &View<'_>,
        known: &[&str],
        as_what: &str,
        at: &Pointer,
    ) {
        let Some(format) = v.format.as_deref() else {
            return;
        };
        if !known.contains(&format) && !is_uuid(format) {
            self.warn(
                &at.join("format"),
                format!("unknown format `{format}`: the value is {as_what}"),
            );
        }
    }
}

/// `uuid`, or Pydantic's `uuid4` and other `uuidN`.
fn is_uuid(format: &str) -> bool {
    format
        .strip_prefix("uuid")
        .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
}

pub(super) fn string_format(format: Option<&str>) -> Prim {
    match format {
        Some("date-time") => Prim::DateTime,
        Some("date") => Prim::Date,
        Some(f) if is_uuid(f) => Prim::Uuid,
        Some("binary") => Prim::Binary,
        _ => Prim::String,
    }
}

/// Short one-line JSON for docs.
pub(super) fn short_json(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Follows a local `$ref` to a component of another kind (`parameters`, ...).
pub(super) fn deref<'a, T>(
    item: &'a ReferenceOr<T>,
    section: &str,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
    at: &Pointer,
) -> Result<&'a T> {
    let mut cur = item;
    for _ in 0..16 {
        match cur {
            ReferenceOr::Item(t) => return Ok(t),
            ReferenceOr::Reference { reference } => {
                let prefix = format!("#/components/{section}/");
                let Some(name) = reference.strip_prefix(&prefix) else {
                    return Err(Error::unsupported(
                        at,
                        format!("$ref {reference:?}: expected a reference into {prefix}"),
                    ));
                };
                cur = lookup(name).ok_or_else(|| {
                    Error::invalid(at, format!("$ref {reference:?} points to nothing"))
                })?;
            }
        }
    }
    Err(Error::invalid(at, "$ref chain longer than 16 links"))
}
