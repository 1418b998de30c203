//! The lowering context: the state of one run ([`Lowerer`]: the document,
//! its schemas, the type arena being filled, names taken, warnings) and what
//! every lowering step shares (defining a type in a slot or under a new name,
//! the named types of schemas, docs of a schema, warnings, formats). The
//! steps hang off it: [`super::lower`] (schemas), [`super::ops`] (operations)
//! and [`super::unions`] (settling unions); [`super::build`] runs them.
//! Nothing here calls back into them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::ReferenceOr;
use serde_json::Value;

use super::*;
use crate::error::{Error, Pointer, Result, Warning};
use crate::naming::{self, Scope};
use crate::schema::{Discriminator, Schema, SchemaId, Schemas};
use crate::Options;

/// What a union looked like before its variants were known well enough to settle it.
#[derive(Debug, Clone)]
pub(super) struct PendingUnion {
    pub id: TypeId,
    pub discriminator: Option<Discriminator>,
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
    /// The normalised document as JSON, its schemas taken out.
    pub raw: &'a Value,
    /// Every schema of the document.
    pub schemas: &'a Schemas,
    /// What a 3.2 document holds that openapiv3 does not read.
    pub extra: &'a crate::load::Extra,
    pub types: Vec<TypeDef>,
    /// The named type of each component schema, by its name.
    pub components: BTreeMap<String, TypeId>,
    /// The named type of each schema that has one: components, and schemas
    /// a `$ref` points at wherever they sit.
    pub slots: HashMap<SchemaId, TypeId>,
    /// Named types whose schema also admits `null`: every reference is optional.
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
    /// Docs of the schemas `ids` (the first that says a thing says it; their
    /// `allOf` members and a lone non-null `anyOf`/`oneOf` branch count, what
    /// they refer to does not: a referenced type documents itself); a `title`
    /// that only repeats `name` is dropped.
    pub(super) fn docs(&self, ids: &[SchemaId], name: &str) -> Docs {
        let mut all: Vec<(&Schema, bool)> = Vec::new();
        for &id in ids {
            self.doc_sources(id, 0, false, &mut all);
        }
        let sources: Vec<&Schema> = all.iter().map(|(s, _)| *s).collect();
        // What the schema itself says, not a branch of its `anyOf`.
        let own: Vec<&Schema> = all.iter().filter(|(_, b)| !b).map(|(s, _)| *s).collect();
        let first = |from: &[&Schema], f: &dyn Fn(&Schema) -> Option<String>| {
            from.iter()
                .find_map(|s| f(s).filter(|t| !t.trim().is_empty()))
        };
        let title = first(&own, &|s| s.title.clone()).filter(|t| norm(t) != norm(name));
        let description = first(&sources, &|s| s.description.clone());
        let mut notes = Vec::new();
        for s in &sources {
            let number = s.types.as_deref() == Some(&[crate::schema::JsonType::Number]);
            if let Some(f) = s
                .format
                .as_deref()
                .filter(|f| !typed_format(f) || (number && INTEGER_FORMATS.contains(f)))
            {
                notes.push(format!("format `{f}`"));
            } else if s.format.is_none() {
                if let Some(enc) = &s.content_encoding {
                    notes.push(format!("{enc}-encoded"));
                }
            }
            notes.extend(bound_note(s.min_length, s.max_length, None, None, "length"));
            notes.extend(bound_note(
                s.minimum,
                s.maximum,
                s.exclusive_minimum,
                s.exclusive_maximum,
                "value",
            ));
            if let Some(m) = s.multiple_of {
                notes.push(format!("a multiple of {m}"));
            }
            notes.extend(s.pattern.as_ref().map(|p| format!("pattern `{p}`")));
            notes.extend(bound_note(s.min_items, s.max_items, None, None, "items"));
            if s.unique_items {
                notes.push("items are unique".into());
            }
            if s.contains.is_some() {
                notes.push("some item satisfies `contains`".into());
            }
            notes.extend(bound_note(
                s.min_properties,
                s.max_properties,
                None,
                None,
                "properties",
            ));
            notes.extend(s.property_names.and_then(|n| key_note(self.schemas.get(n))));
            for (name, needs) in &s.dependent_required {
                let needs: Vec<String> = needs.iter().map(|n| format!("`{n}`")).collect();
                notes.push(format!("with `{name}`, also {}", needs.join(", ")));
            }
        }
        let any = |f: &dyn Fn(&Schema) -> bool| sources.iter().any(|s| f(s));
        if any(&|s| s.read_only) {
            notes.push("read-only".into());
        }
        if any(&|s| s.write_only) {
            notes.push("write-only".into());
        }
        // (`default: null` and `example: null` say no more than `nullable`.)
        if let Some(d) = own
            .iter()
            .find_map(|s| s.default.as_ref().filter(|d| !d.is_null()))
        {
            notes.push(format!("default `{}`", short_json(d)));
        }
        if let Some(e) = own
            .iter()
            .find_map(|s| s.examples.first().filter(|e| !e.is_null()))
        {
            let text = short_json(e);
            if text.len() <= 80 {
                notes.push(format!("example `{text}`"));
            }
        }
        notes.dedup();
        Docs {
            title,
            description,
            deprecated: any(&|s| s.deprecated),
            notes,
        }
    }

    fn doc_sources<'s>(
        &'s self,
        id: SchemaId,
        depth: usize,
        branch: bool,
        out: &mut Vec<(&'s Schema, bool)>,
    ) {
        let s = self.schemas.get(id);
        if depth > 8 || out.iter().any(|(o, _)| std::ptr::eq(*o, s)) {
            return;
        }
        out.push((s, branch));
        for &m in &s.all_of {
            self.doc_sources(m, depth + 1, branch, out);
        }
        let branches: Vec<SchemaId> = s
            .any_of
            .iter()
            .chain(&s.one_of)
            .copied()
            .filter(|&b| !self.schemas.get(b).null_only())
            .collect();
        if let [only] = branches.as_slice() {
            self.doc_sources(*only, depth + 1, true, out);
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

    /// A new named type for schema `sid`, to be lowered into later.
    pub(super) fn slot(
        &mut self,
        sid: SchemaId,
        name: String,
        module: String,
        at: &Pointer,
    ) -> TypeId {
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            id,
            name,
            origin: at.to_string(),
            module,
            docs: Docs::default(),
            kind: TypeKind::Alias(TypeRef::Any),
            in_request: false,
        });
        self.slots.insert(sid, id);
        id
    }

    /// A reference to the named type `id`, optional when its schema admits `null`.
    pub(super) fn named_ref(&self, id: TypeId) -> TypeRef {
        if self.nullable_components.contains(&id) {
            TypeRef::Option(Box::new(TypeRef::Named(id)))
        } else {
            TypeRef::Named(id)
        }
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
    !matches!(string_format(Some(f)), Prim::String) || matches!(f, "int32" | "int64" | "double")
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

impl Lowerer<'_> {
    /// Warns about a `format` the generator does not know (`uuidN` counts as `uuid`).
    pub(super) fn check_format(
        &mut self,
        format: Option<&str>,
        known: &[&str],
        as_what: &str,
        at: &Pointer,
    ) {
        let Some(format) = format else {
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

/// What `propertyNames` says of a map's keys, for its docs (the keys stay
/// text: every key the schema allows is one).
fn key_note(names: &Schema) -> Option<String> {
    let mut says = Vec::new();
    if let Some(f) = &names.format {
        says.push(format!("format `{f}`"));
    }
    if let Some(p) = &names.pattern {
        says.push(format!("pattern `{p}`"));
    }
    if let Some(values) = &names.enumeration {
        let values: Vec<String> = values
            .iter()
            .map(|v| {
                format!(
                    "`{}`",
                    match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    }
                )
            })
            .collect();
        says.push(format!("one of {}", values.join(", ")));
    }
    if let Some(n) = names.max_length {
        says.push(format!("at most {n} characters"));
    }
    (!says.is_empty()).then(|| format!("keys: {}", says.join(", ")))
}

/// `length at least 1 and at most 40`, `value greater than 0`.
fn bound_note<T: std::fmt::Display>(
    min: Option<T>,
    max: Option<T>,
    ex_min: Option<T>,
    ex_max: Option<T>,
    what: &str,
) -> Option<String> {
    let lo = ex_min
        .map(|m| format!("greater than {m}"))
        .or_else(|| min.map(|m| format!("at least {m}")));
    let hi = ex_max
        .map(|m| format!("less than {m}"))
        .or_else(|| max.map(|m| format!("at most {m}")));
    match (lo, hi) {
        (None, None) => None,
        (Some(l), None) => Some(format!("{what} {l}")),
        (None, Some(h)) => Some(format!("{what} {h}")),
        (Some(l), Some(h)) => Some(format!("{what} {l} and {h}")),
    }
}

/// Follows a local `$ref` to a component of another kind (`parameters`,
/// ...), or to such an object anywhere in the document (`$ref:
/// '#/paths/~1a/get/responses/401'`): the object, and where it is (`at`
/// itself when it is no reference).
pub(super) fn deref<'a, T: Clone + serde::de::DeserializeOwned>(
    item: &'a ReferenceOr<T>,
    section: &str,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
    raw: &Value,
    at: &Pointer,
) -> Result<(std::borrow::Cow<'a, T>, Pointer)> {
    use std::borrow::Cow;
    let mut cur = Cow::Borrowed(item);
    let mut here = at.clone();
    for _ in 0..16 {
        let reference = match cur {
            Cow::Borrowed(ReferenceOr::Item(t)) => return Ok((Cow::Borrowed(t), here)),
            Cow::Owned(ReferenceOr::Item(t)) => return Ok((Cow::Owned(t), here)),
            Cow::Borrowed(ReferenceOr::Reference { reference }) => reference.clone(),
            Cow::Owned(ReferenceOr::Reference { reference }) => reference,
        };
        let prefix = format!("#/components/{section}/");
        if let Some(name) = reference.strip_prefix(&prefix) {
            let name = crate::bundle::percent_decode(name)
                .replace("~1", "/")
                .replace("~0", "~");
            cur = Cow::Borrowed(lookup(&name).ok_or_else(|| {
                Error::invalid(at, format!("$ref {reference:?} points to nothing"))
            })?);
            here = Pointer::root().join("components").join(section).join(&name);
            continue;
        }
        let target = reference
            .strip_prefix('#')
            .map(crate::bundle::percent_decode)
            .and_then(|p| raw.pointer(&p).map(|v| (p, v)));
        let Some((pointer, value)) = target else {
            return Err(Error::invalid(
                at,
                format!("$ref {reference:?} points to nothing in this document"),
            ));
        };
        let parsed: ReferenceOr<T> = serde_json::from_value(value.clone())
            .map_err(|e| Error::invalid(at, format!("$ref {reference:?}: {e}")))?;
        cur = Cow::Owned(parsed);
        here = Pointer::from_ref(&format!("#{pointer}")).unwrap_or_else(Pointer::root);
    }
    Err(Error::invalid(at, "$ref chain longer than 16 links"))
}
