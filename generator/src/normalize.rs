//! Normalisation: rewrites OpenAPI 3.1 (JSON Schema 2020-12) constructs into the
//! OpenAPI 3.0 shape openapiv3 can read, without losing meaning.
//!
//! | 3.1 form | becomes |
//! |---|---|
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `type: [A, B]` | `anyOf: [{type: A}, {type: B}]` |
//! | `anyOf`/`oneOf` with a `{type: "null"}` branch | that branch removed, `nullable: true` |
//! | `type: "null"` alone, `const: null` | `x-oa-null: true` |
//! | `const: v` | `enum: [v]`, `x-oa-const: v` |
//! | `examples: [a, ...]` | `example: a` |
//! | `exclusiveMinimum: n` (number) | `minimum: n, exclusiveMinimum: true` (and max) |
//! | `$ref` with sibling keywords | `allOf: [{$ref}]` plus the siblings |
//! | `prefixItems`, `patternProperties`, `propertyNames` | `x-oa-prefix-items`, `x-oa-pattern-properties`, `x-oa-property-names` (each normalised) |
//! | `true` / `false` as a schema | `{}` / `{not: {}}` |
//! | `properties: {}` without `additionalProperties` | `x-oa-empty-object: true` (a fieldless model, not a map) |
//! | `allOf` member of modifiers only (`{nullable: true}`, `{description}`) | its keywords on the schema, the member gone |
//! | `contentMediaType` (no `contentEncoding`), `contentEncoding: base64` | `format: binary`, `format: byte` |
//! | `$ref` to a schema nested elsewhere (`#/paths/.../schema`) | a copy in `components/schemas`, referenced there |
//!
//! The same pass runs over 3.0 documents, where it changes nothing that is valid 3.0.
//! Pointers stay valid for everything the IR reports, because schemas keep their
//! keys except for the rewritten keyword itself (an `allOf` member after a
//! lifted modifier member moves up one index).

use serde_json::{Map, Value};

use crate::error::{Error, Pointer, Result};

/// Extension keeping a 3.1 `const` value.
pub const X_CONST: &str = "x-oa-const";
/// Extension marking a schema that only admits `null`.
pub const X_NULL: &str = "x-oa-null";
/// Extension keeping 3.1 `prefixItems`.
pub const X_PREFIX_ITEMS: &str = "x-oa-prefix-items";
/// Extension keeping `patternProperties`.
pub const X_PATTERN_PROPERTIES: &str = "x-oa-pattern-properties";
/// Extension keeping `propertyNames`.
pub const X_PROPERTY_NAMES: &str = "x-oa-property-names";
/// Extension marking an object declared with an empty `properties: {}` (a
/// fieldless model), which openapiv3 cannot tell from an untyped object.
pub const X_EMPTY_OBJECT: &str = "x-oa-empty-object";
/// Extension keeping the whole 3.1 `examples` list.
pub const X_ALL_EXAMPLES: &str = "x-oa-examples";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Normalises every schema position of a whole document in place.
pub fn normalize_document(doc: &mut Value) -> Result<()> {
    let root = Pointer::root();
    let Some(obj) = doc.as_object_mut() else {
        return Err(Error::invalid(&root, "the document is not an object"));
    };
    // 3.1 makes `paths` optional (a document may hold only webhooks or components).
    obj.entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    // `mutualTLS` (3.1) is a TLS client certificate, nothing a request carries;
    // openapiv3 does not know the type. The scheme is dropped: operations
    // requiring it are generated as if the connection met it.
    if let Some(schemes) = obj
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
        .and_then(Value::as_object_mut)
    {
        schemes.retain(|_, s| s.get("type").and_then(Value::as_str) != Some("mutualTLS"));
    }
    resolve_path_item_refs(doc)?;
    crate::bundle::hoist_nested_refs(doc);
    let Some(obj) = doc.as_object_mut() else {
        return Err(Error::invalid(&root, "the document is not an object"));
    };
    for section in ["paths", "webhooks"] {
        if let Some(items) = obj.get_mut(section).and_then(Value::as_object_mut) {
            let at = root.join(section);
            for (path, item) in items.iter_mut() {
                path_item(item, &at.join(path))?;
            }
        }
    }
    if let Some(components) = obj.get_mut("components").and_then(Value::as_object_mut) {
        let at = root.join("components");
        for (kind, entries) in components.iter_mut() {
            let Some(entries) = entries.as_object_mut() else {
                continue;
            };
            let at = at.join(kind);
            for (name, entry) in entries.iter_mut() {
                let at = at.join(name);
                match kind.as_str() {
                    "schemas" => schema(entry, &at)?,
                    "parameters" | "headers" => parameter(entry, &at)?,
                    "requestBodies" => content_holder(entry, &at)?,
                    "responses" => response(entry, &at)?,
                    "pathItems" => path_item(entry, &at)?,
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// Path items given by a local `$ref` (to another path item, or 3.1's
/// `components/pathItems`) are replaced by what they point to.
fn resolve_path_item_refs(doc: &mut Value) -> Result<()> {
    let refs: Vec<(String, String)> = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(p, item)| Some((p.clone(), item.get("$ref")?.as_str()?.to_owned())))
        .collect();
    for (path, reference) in refs {
        let at = Pointer::root().join("paths").join(&path);
        let mut target = reference.clone();
        let mut resolved = None;
        // A chain of references, at most a few long; a cycle never resolves.
        for _ in 0..8 {
            let Some(found) = target.strip_prefix('#').and_then(|p| doc.pointer(p)) else {
                break;
            };
            match found.get("$ref").and_then(Value::as_str) {
                Some(next) => target = next.to_owned(),
                None => {
                    resolved = Some(found.clone());
                    break;
                }
            }
        }
        let Some(mut item) = resolved.filter(Value::is_object) else {
            return Err(Error::unsupported(
                &at.join("$ref"),
                format!(
                    "path item $ref {reference:?} does not lead to a path item in this document"
                ),
            ));
        };
        let own = doc.get("paths").and_then(|p| p.get(&path)).cloned();
        if let (Some(item), Some(Value::Object(own))) = (item.as_object_mut(), own) {
            // 3.1 lets `summary` and `description` sit beside the `$ref`.
            for (k, v) in own.into_iter().filter(|(k, _)| k != "$ref") {
                item.insert(k, v);
            }
        }
        if let Some(slot) = doc.get_mut("paths").and_then(|p| p.get_mut(&path)) {
            *slot = item;
        }
    }
    Ok(())
}

fn path_item(item: &mut Value, at: &Pointer) -> Result<()> {
    let Some(item) = item.as_object_mut() else {
        return Ok(());
    };
    if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
        for (i, p) in params.iter_mut().enumerate() {
            parameter(p, &at.join("parameters").join(i.to_string()))?;
        }
    }
    for method in METHODS {
        if let Some(op) = item.get_mut(method) {
            operation(op, &at.join(method))?;
        }
    }
    Ok(())
}

fn operation(op: &mut Value, at: &Pointer) -> Result<()> {
    let Some(op) = op.as_object_mut() else {
        return Ok(());
    };
    // 3.1 makes `responses` optional: none documented.
    op.entry("responses")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for (i, p) in params.iter_mut().enumerate() {
            parameter(p, &at.join("parameters").join(i.to_string()))?;
        }
    }
    if let Some(body) = op.get_mut("requestBody") {
        content_holder(body, &at.join("requestBody"))?;
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        for (status, r) in responses.iter_mut() {
            response(r, &at.join("responses").join(status))?;
        }
    }
    Ok(())
}

fn parameter(p: &mut Value, at: &Pointer) -> Result<()> {
    if let Some(s) = p.get_mut("schema") {
        schema(s, &at.join("schema"))?;
    }
    content_holder(p, at)
}

fn response(r: &mut Value, at: &Pointer) -> Result<()> {
    if let Some(headers) = r.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, h) in headers.iter_mut() {
            parameter(h, &at.join("headers").join(name))?;
        }
    }
    content_holder(r, at)
}

fn content_holder(holder: &mut Value, at: &Pointer) -> Result<()> {
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        for (media, m) in content.iter_mut() {
            if let Some(s) = m.get_mut("schema") {
                schema(s, &at.join("content").join(media).join("schema"))?;
            }
        }
    }
    Ok(())
}

fn is_null_only(v: &Value) -> bool {
    let Some(o) = v.as_object() else {
        return false;
    };
    o.get(X_NULL) == Some(&Value::Bool(true))
        || (o.get("type").and_then(Value::as_str) == Some("null"))
        || o.get("enum") == Some(&Value::Array(vec![Value::Null]))
}

/// The JSON kind each schema keyword must have.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Bool,
    Num,
    Obj,
    Arr,
    /// A schema: an object or a boolean.
    Schema,
    /// `type`: a string or a list of strings.
    Type,
}

const KEYWORDS: &[(&str, Kind)] = &[
    ("$ref", Kind::Str),
    ("type", Kind::Type),
    ("format", Kind::Str),
    ("title", Kind::Str),
    ("description", Kind::Str),
    ("pattern", Kind::Str),
    ("nullable", Kind::Bool),
    ("readOnly", Kind::Bool),
    ("writeOnly", Kind::Bool),
    ("deprecated", Kind::Bool),
    ("uniqueItems", Kind::Bool),
    ("minimum", Kind::Num),
    ("maximum", Kind::Num),
    ("multipleOf", Kind::Num),
    ("minLength", Kind::Num),
    ("maxLength", Kind::Num),
    ("minItems", Kind::Num),
    ("maxItems", Kind::Num),
    ("minProperties", Kind::Num),
    ("maxProperties", Kind::Num),
    ("properties", Kind::Obj),
    ("patternProperties", Kind::Obj),
    ("discriminator", Kind::Obj),
    ("externalDocs", Kind::Obj),
    ("required", Kind::Arr),
    ("enum", Kind::Arr),
    ("allOf", Kind::Arr),
    ("anyOf", Kind::Arr),
    ("oneOf", Kind::Arr),
    ("prefixItems", Kind::Arr),
    ("items", Kind::Schema),
    ("additionalProperties", Kind::Schema),
    ("not", Kind::Schema),
];

/// Rejects a schema keyword holding the wrong kind of JSON, naming it. Caught
/// here, a mistake deep in a schema is one clear error; left to openapiv3's
/// untagged enums, it makes them retry every alternative at every level
/// above it, which takes exponential time.
fn check_keywords(o: &Map<String, Value>, at: &Pointer) -> Result<()> {
    for &(key, kind) in KEYWORDS {
        let Some(v) = o.get(key) else { continue };
        let (ok, what) = match kind {
            Kind::Str => (v.is_string(), "a string"),
            Kind::Bool => (v.is_boolean(), "true or false"),
            Kind::Num => (v.is_number(), "a number"),
            Kind::Obj => (v.is_object(), "an object"),
            Kind::Arr => (v.is_array(), "a list"),
            Kind::Schema => (
                v.is_object() || v.is_boolean(),
                "a schema (an object or a boolean)",
            ),
            Kind::Type => (
                v.is_string() || v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
                "a type name or a list of them",
            ),
        };
        if !ok {
            return Err(Error::invalid(
                &at.join(key),
                format!("`{key}` must be {what}"),
            ));
        }
    }
    if let Some(Value::Object(props)) = o.get("properties") {
        for (name, p) in props {
            if !p.is_object() && !p.is_boolean() {
                return Err(Error::invalid(
                    &at.join("properties").join(name),
                    "a property must be a schema (an object or a boolean)",
                ));
            }
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(list)) = o.get(key) {
            if let Some(i) = list.iter().position(|s| !s.is_object() && !s.is_boolean()) {
                return Err(Error::invalid(
                    &at.join(key).join(i.to_string()),
                    "must be a schema (an object or a boolean)",
                ));
            }
        }
    }
    Ok(())
}

/// Normalises one schema (and everything nested in it) in place.
pub fn schema(v: &mut Value, at: &Pointer) -> Result<()> {
    match v {
        Value::Bool(true) => {
            *v = Value::Object(Map::new());
            return Ok(());
        }
        Value::Bool(false) => {
            let mut m = Map::new();
            m.insert("not".into(), Value::Object(Map::new()));
            *v = Value::Object(m);
            return Ok(());
        }
        Value::Object(_) => {}
        _ => {
            return Err(Error::invalid(
                at,
                "a schema must be an object or a boolean",
            ))
        }
    }
    let Value::Object(o) = v else {
        return Ok(());
    };
    check_keywords(o, at)?;

    // `$ref` with siblings: 3.0 readers drop the siblings, so wrap the ref in allOf.
    if o.contains_key("$ref") && o.len() > 1 {
        let reference = o.remove("$ref").unwrap_or(Value::Null);
        let mut inner = Map::new();
        inner.insert("$ref".into(), reference);
        let mut all_of = vec![Value::Object(inner)];
        if let Some(Value::Array(existing)) = o.remove("allOf") {
            all_of.extend(existing);
        }
        o.insert("allOf".into(), Value::Array(all_of));
    }

    // Nested schemas first, so null branches are recognisable afterwards.
    if let Some(Value::Object(props)) = o.get_mut("properties") {
        let at = at.join("properties");
        for (name, p) in props.iter_mut() {
            schema(p, &at.join(name))?;
        }
    }
    for key in ["items", "additionalProperties", "not", "propertyNames"] {
        match o.get_mut(key) {
            Some(Value::Bool(false)) if key == "items" => {
                o.remove(key);
            }
            Some(s @ Value::Object(_)) => schema(s, &at.join(key))?,
            // `items: true` and friends: any value, which openapiv3 reads only as `{}`.
            Some(s @ Value::Bool(_)) if key != "additionalProperties" => schema(s, &at.join(key))?,
            _ => {}
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(list)) = o.get_mut(key) {
            let at = at.join(key);
            for (i, s) in list.iter_mut().enumerate() {
                schema(s, &at.join(i.to_string()))?;
            }
        }
    }
    if let Some(Value::Object(pp)) = o.get_mut("patternProperties") {
        let at = at.join("patternProperties");
        for (name, p) in pp.iter_mut() {
            schema(p, &at.join(name))?;
        }
    }
    lift_modifiers(o);
    // 3.1 says "bytes" with `contentMediaType` (3.0: `format: binary`), and
    // base64 text with `contentEncoding: base64` (3.0: `format: byte`).
    if !o.contains_key("format") {
        match o.get("contentEncoding").and_then(Value::as_str) {
            Some("base64") => {
                o.insert("format".into(), Value::String("byte".into()));
            }
            None if o.contains_key("contentMediaType") => {
                o.insert("format".into(), Value::String("binary".into()));
            }
            _ => {}
        }
    }

    // `type` as a list, or `type: null`.
    match o.get("type").cloned() {
        Some(Value::Array(types)) => {
            let mut rest: Vec<Value> = Vec::new();
            for t in types {
                if t == Value::String("null".into()) {
                    o.insert("nullable".into(), Value::Bool(true));
                } else {
                    rest.push(t);
                }
            }
            match rest.len() {
                0 => {
                    o.remove("type");
                    o.insert(X_NULL.into(), Value::Bool(true));
                }
                1 => {
                    o.insert("type".into(), rest.remove(0));
                }
                _ => {
                    o.remove("type");
                    let branches = rest
                        .into_iter()
                        .map(|t| {
                            let mut b = Map::new();
                            b.insert("type".into(), t);
                            Value::Object(b)
                        })
                        .collect();
                    o.insert("anyOf".into(), Value::Array(branches));
                }
            }
        }
        Some(Value::String(t)) if t == "null" => {
            o.remove("type");
            o.insert(X_NULL.into(), Value::Bool(true));
        }
        _ => {}
    }

    // Null branches of unions become `nullable`.
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(list)) = o.get_mut(key) {
            let before = list.len();
            list.retain(|b| !is_null_only(b));
            if list.len() != before {
                o.insert("nullable".into(), Value::Bool(true));
            }
        }
    }

    // `const`.
    if let Some(c) = o.remove("const") {
        if c.is_null() {
            o.insert(X_NULL.into(), Value::Bool(true));
        } else {
            o.insert("enum".into(), Value::Array(vec![c.clone()]));
            o.insert(X_CONST.into(), c);
        }
    }

    // `enum` containing null means nullable.
    if let Some(Value::Array(values)) = o.get_mut("enum") {
        if values.iter().any(Value::is_null) && values.len() > 1 {
            values.retain(|v| !v.is_null());
            o.insert("nullable".into(), Value::Bool(true));
        }
    }

    // `examples` (a list in JSON Schema) -> `example`.
    if let Some(examples) = o.remove("examples") {
        if let Value::Array(list) = &examples {
            if let (Some(first), false) = (list.first(), o.contains_key("example")) {
                o.insert("example".into(), first.clone());
            }
        }
        o.insert(X_ALL_EXAMPLES.into(), examples);
    }

    // Numeric exclusive bounds.
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = o.get(exclusive).cloned() {
            o.insert(bound.into(), n);
            o.insert(exclusive.into(), Value::Bool(true));
        }
    }

    if o.get("properties")
        .and_then(Value::as_object)
        .is_some_and(Map::is_empty)
        && !o.contains_key("additionalProperties")
    {
        o.insert(X_EMPTY_OBJECT.into(), Value::Bool(true));
    }

    // Keywords 3.0 cannot carry, kept as extensions.
    for (from, to) in [
        ("prefixItems", X_PREFIX_ITEMS),
        ("patternProperties", X_PATTERN_PROPERTIES),
        ("propertyNames", X_PROPERTY_NAMES),
    ] {
        if let Some(v) = o.remove(from) {
            o.insert(to.into(), v);
        }
    }
    check_shallow(o, at)
}

/// Keywords that describe or modify a value without saying what it is.
const MODIFIERS: &[&str] = &[
    "nullable",
    "description",
    "title",
    "default",
    "example",
    "examples",
    "readOnly",
    "writeOnly",
    "deprecated",
    "externalDocs",
    "xml",
    "$comment",
];

/// `allOf` members made only of modifiers (`allOf: [{$ref: X}, {nullable:
/// true}]`, the usual 3.0 way to write "a nullable X", or `{description}`)
/// modify the schema; they are not a second type to merge. Their keywords
/// move to the schema itself (`nullable` if any says so; others unless the
/// schema has its own) and the members leave the `allOf`.
fn lift_modifiers(o: &mut Map<String, Value>) {
    let Some(Value::Array(members)) = o.get_mut("allOf") else {
        return;
    };
    let is_modifier = |m: &Value| {
        m.as_object().is_some_and(|m| {
            m.keys()
                .all(|k| MODIFIERS.contains(&k.as_str()) || k.starts_with("x-"))
        })
    };
    if !members.iter().any(is_modifier) {
        return;
    }
    let (modifiers, kept): (Vec<Value>, Vec<Value>) = members.drain(..).partition(is_modifier);
    *members = kept;
    if members.is_empty() {
        o.remove("allOf");
    }
    for (k, v) in modifiers
        .into_iter()
        .filter_map(|m| match m {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .flatten()
    {
        if k == "nullable" {
            if v == Value::Bool(true) {
                o.insert(k, v);
            }
        } else if !o.contains_key(&k) {
            o.insert(k, v);
        }
    }
}

/// Types this schema alone with openapiv3, its subschemas (already checked)
/// replaced by `{}`. Each schema is thus read once, and a mistake is reported
/// where it is: typing the whole document with a mistake deep inside makes
/// openapiv3's untagged enums retry every alternative at every level above
/// it, which takes time exponential in the depth.
fn check_shallow(o: &Map<String, Value>, at: &Pointer) -> Result<()> {
    let empty = || Value::Object(Map::new());
    let mut shallow = Map::new();
    for (k, v) in o {
        let v = match (k.as_str(), v) {
            ("properties", Value::Object(props)) => {
                Value::Object(props.keys().map(|p| (p.clone(), empty())).collect())
            }
            ("items" | "not", _) | ("additionalProperties", Value::Object(_)) => empty(),
            ("allOf" | "anyOf" | "oneOf", Value::Array(list)) => {
                Value::Array(list.iter().map(|_| empty()).collect())
            }
            (k, _) if k.starts_with("x-") => continue,
            _ => v.clone(),
        };
        shallow.insert(k.clone(), v);
    }
    match serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::Schema>>(Value::Object(
        shallow,
    )) {
        Ok(_) => Ok(()),
        Err(e) => Err(Error::invalid(at, format!("not a valid schema: {e}"))),
    }
}
