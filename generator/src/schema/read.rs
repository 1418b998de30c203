//! Reading every schema of a document into [`Schemas`]: the document's
//! grammar is walked for the places a schema may sit (components, parameters,
//! headers, media types of bodies and responses, in paths, webhooks and
//! callbacks alike), each schema is taken out of the document (a `{}` is left
//! in its place, for the typing of what is around it) and read with all it
//! holds, its keywords checked for the kind of JSON they need. Then every
//! `$ref` is resolved to the schema it points at. Mistakes are collected,
//! every one with its pointer, and reported together.

use serde_json::{Map, Value};

use super::*;
use crate::error::{Error, Pointer, Result};

/// How many mistakes are kept (the first [`Error::MAX_REPORTED`] are shown).
const MAX_ERRORS: usize = 1000;
/// How deep schemas nest before reading stops (real specs stay under 30).
const MAX_DEPTH: usize = 200;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// Takes every schema out of `doc` into a [`Schemas`] arena, resolving `$ref`s.
pub fn read(doc: &mut Value) -> Result<Schemas> {
    let mut r = Reader {
        out: Schemas::default(),
        errors: Vec::new(),
    };
    let root = Pointer::root();
    if let Some(obj) = doc.as_object_mut() {
        for section in ["paths", "webhooks"] {
            if let Some(items) = obj.get_mut(section).and_then(Value::as_object_mut) {
                for (k, item) in items.iter_mut() {
                    r.path_item(item, &root.join(section).join(k));
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
                        "schemas" => {
                            r.take(entry, &at);
                        }
                        "parameters" | "headers" => r.parameter(entry, &at),
                        "requestBodies" => r.content(entry, &at),
                        "responses" => r.response(entry, &at),
                        "pathItems" => r.path_item(entry, &at),
                        "callbacks" => r.callback(entry, &at),
                        "mediaTypes" => r.media(entry, &at),
                        _ => {}
                    }
                }
            }
        }
    }
    r.resolve(doc);
    Error::collected(r.errors)?;
    Ok(r.out)
}

struct Reader {
    out: Schemas,
    errors: Vec<Error>,
}

/// Whether `v` is a reference object (`{$ref: ...}`, maybe with a summary).
fn is_reference(v: &Value) -> bool {
    v.get("$ref").is_some_and(Value::is_string)
}

impl Reader {
    fn error(&mut self, at: &Pointer, message: impl Into<String>) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(Error::invalid(at, message));
        }
    }

    fn path_item(&mut self, item: &mut Value, at: &Pointer) {
        if is_reference(item) {
            return;
        }
        let Some(obj) = item.as_object_mut() else {
            return;
        };
        for (k, v) in obj.iter_mut() {
            let here = at.join(k);
            match k.as_str() {
                "parameters" => self.parameters(v, &here),
                "additionalOperations" => {
                    for (name, op) in v.as_object_mut().into_iter().flatten() {
                        self.operation(op, &here.join(name));
                    }
                }
                m if METHODS.contains(&m) => self.operation(v, &here),
                _ => {}
            }
        }
    }

    fn parameters(&mut self, list: &mut Value, at: &Pointer) {
        for (i, p) in list.as_array_mut().into_iter().flatten().enumerate() {
            self.parameter(p, &at.join(i.to_string()));
        }
    }

    fn operation(&mut self, op: &mut Value, at: &Pointer) {
        let Some(obj) = op.as_object_mut() else {
            return;
        };
        for (k, v) in obj.iter_mut() {
            let here = at.join(k);
            match k.as_str() {
                "parameters" => self.parameters(v, &here),
                "requestBody" => self.content(v, &here),
                "responses" => {
                    for (status, r) in v.as_object_mut().into_iter().flatten() {
                        self.response(r, &here.join(status));
                    }
                }
                "callbacks" => {
                    for (name, c) in v.as_object_mut().into_iter().flatten() {
                        self.callback(c, &here.join(name));
                    }
                }
                _ => {}
            }
        }
    }

    fn callback(&mut self, c: &mut Value, at: &Pointer) {
        if is_reference(c) {
            return;
        }
        for (expr, item) in c.as_object_mut().into_iter().flatten() {
            self.path_item(item, &at.join(expr));
        }
    }

    fn parameter(&mut self, p: &mut Value, at: &Pointer) {
        if is_reference(p) {
            return;
        }
        if let Some(s) = p.get_mut("schema") {
            self.take(s, &at.join("schema"));
        }
        self.content(p, at);
    }

    fn response(&mut self, r: &mut Value, at: &Pointer) {
        if is_reference(r) {
            return;
        }
        if let Some(headers) = r.get_mut("headers").and_then(Value::as_object_mut) {
            for (name, h) in headers.iter_mut() {
                self.parameter(h, &at.join("headers").join(name));
            }
        }
        self.content(r, at);
    }

    /// The media types of a body, response or parameter.
    fn content(&mut self, holder: &mut Value, at: &Pointer) {
        if is_reference(holder) {
            return;
        }
        if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
            for (media, m) in content.iter_mut() {
                self.media(m, &at.join("content").join(media));
            }
        }
    }

    fn media(&mut self, m: &mut Value, at: &Pointer) {
        if is_reference(m) {
            return;
        }
        for key in ["schema", "itemSchema"] {
            if let Some(s) = m.get_mut(key) {
                self.take(s, &at.join(key));
            }
        }
        if let Some(encodings) = m.get_mut("encoding").and_then(Value::as_object_mut) {
            for (name, e) in encodings.iter_mut() {
                if let Some(headers) = e.get_mut("headers").and_then(Value::as_object_mut) {
                    for (h, header) in headers.iter_mut() {
                        let at = at.join("encoding").join(name).join("headers").join(h);
                        self.parameter(header, &at);
                    }
                }
            }
        }
    }

    /// Takes the schema at `v` out of the document and reads it.
    fn take(&mut self, v: &mut Value, at: &Pointer) -> SchemaId {
        let owned = std::mem::replace(v, Value::Object(Map::new()));
        self.schema(owned, at, 0)
    }

    fn push(&mut self, s: Schema) -> SchemaId {
        let id = SchemaId(self.out.nodes.len() as u32);
        self.out.by_pointer.insert(s.at.as_str().to_owned(), id);
        self.out.nodes.push(s);
        id
    }

    /// Reads one schema and everything nested in it.
    fn schema(&mut self, v: Value, at: &Pointer, depth: usize) -> SchemaId {
        let mut s = Schema {
            at: at.clone(),
            ..Schema::default()
        };
        let o = match v {
            Value::Bool(b) => {
                s.boolean = Some(b);
                return self.push(s);
            }
            Value::Object(o) => o,
            _ => {
                self.error(at, "a schema must be an object or a boolean");
                return self.push(s);
            }
        };
        if depth > MAX_DEPTH {
            self.error(at, format!("schemas nested more than {MAX_DEPTH} deep"));
            return self.push(s);
        }
        // The node first, so that ids read parent before child.
        let id = self.push(s);
        let mut s = Schema {
            at: at.clone(),
            ..Schema::default()
        };
        let mut exclusive_flags = (false, false);
        let mut example = None;
        for (k, v) in o {
            let here = at.join(&k);
            let child = |r: &mut Reader, v: Value| r.schema(v, &here, depth + 1);
            match k.as_str() {
                "$ref" => match v {
                    Value::String(text) => s.reference = Some(Ref { text, target: None }),
                    _ => self.error(&here, "`$ref` must be a string"),
                },
                "type" => s.types = self.types(&v, &here),
                "nullable" => s.nullable = self.flag(&v, &here),
                "x-nullable" => {
                    s.nullable |= v == Value::Bool(true);
                    s.extensions.push((k, v));
                }
                "format" => s.format = self.text(v, &here),
                "enum" => match v {
                    Value::Array(values) => s.enumeration = Some(values),
                    _ => self.error(&here, "`enum` must be a list"),
                },
                "const" => s.constant = Some(v),
                "properties" => {
                    s.properties_declared = true;
                    s.properties = self.named(v, &here, depth);
                }
                "patternProperties" => s.pattern_properties = self.named(v, &here, depth),
                "$defs" | "definitions" => s.defs = self.named(v, &here, depth),
                "required" => s.required = self.strings(v, &here),
                "additionalProperties" => s.additional = self.sub(v, &here, depth),
                "propertyNames" => s.property_names = self.sub(v, &here, depth),
                "unevaluatedProperties" => s.unevaluated_properties = self.sub(v, &here, depth),
                "contains" => s.contains = self.sub(v, &here, depth),
                "not" => s.not = self.sub(v, &here, depth),
                "items" => match v {
                    // Draft 4-7 tuples: `items` as a list.
                    Value::Array(list) => s.prefix_items = self.list(list, &here, depth),
                    other => s.items = self.sub(other, &here, depth),
                },
                "prefixItems" => match v {
                    Value::Array(list) => s.prefix_items = self.list(list, &here, depth),
                    _ => self.error(&here, "`prefixItems` must be a list"),
                },
                "allOf" | "anyOf" | "oneOf" => {
                    let list = match v {
                        Value::Array(list) => self.list(list, &here, depth),
                        _ => {
                            self.error(&here, format!("`{k}` must be a list"));
                            Vec::new()
                        }
                    };
                    match k.as_str() {
                        "allOf" => s.all_of = list,
                        "anyOf" => s.any_of = list,
                        _ => s.one_of = list,
                    }
                }
                "if" | "then" | "else" => {
                    s.conditional = true;
                    let _ = child(self, v);
                }
                "dependentSchemas" => {
                    s.dependent_schemas = true;
                    let _ = self.named(v, &here, depth);
                }
                "dependentRequired" | "dependencies" => {
                    for (name, req) in v.as_object().into_iter().flatten() {
                        match req {
                            Value::Array(_) => s
                                .dependent_required
                                .push((name.clone(), self.strings(req.clone(), &here.join(name)))),
                            other if k == "dependencies" => {
                                s.dependent_schemas = true;
                                let _ = self.schema(other.clone(), &here.join(name), depth + 1);
                            }
                            _ => self.error(&here.join(name), "must be a list of property names"),
                        }
                    }
                }
                "discriminator" => s.discriminator = self.discriminator(v, &here),
                "minimum" => s.minimum = self.number(&v, &here),
                "maximum" => s.maximum = self.number(&v, &here),
                "exclusiveMinimum" => match v {
                    Value::Bool(b) => exclusive_flags.0 = b,
                    other => s.exclusive_minimum = self.number(&other, &here),
                },
                "exclusiveMaximum" => match v {
                    Value::Bool(b) => exclusive_flags.1 = b,
                    other => s.exclusive_maximum = self.number(&other, &here),
                },
                "multipleOf" => s.multiple_of = self.number(&v, &here),
                "minLength" => s.min_length = self.count(&v, &here),
                "maxLength" => s.max_length = self.count(&v, &here),
                "minItems" => s.min_items = self.count(&v, &here),
                "maxItems" => s.max_items = self.count(&v, &here),
                "minProperties" => s.min_properties = self.count(&v, &here),
                "maxProperties" => s.max_properties = self.count(&v, &here),
                "uniqueItems" => s.unique_items = self.flag(&v, &here),
                "pattern" => s.pattern = self.doc_text(v, &here),
                "contentMediaType" => s.content_media_type = self.doc_text(v, &here),
                "contentEncoding" => s.content_encoding = self.doc_text(v, &here),
                "title" => s.title = self.doc_text(v, &here),
                "description" => s.description = self.doc_text(v, &here),
                "default" => s.default = Some(v),
                "example" => example = Some(v),
                "examples" => match v {
                    Value::Array(list) => s.examples = list,
                    // 3.0 documents sometimes give a map of named examples.
                    Value::Object(map) => s.examples = map.into_iter().map(|(_, v)| v).collect(),
                    other => s.examples = vec![other],
                },
                "deprecated" => s.deprecated = self.flag(&v, &here),
                "readOnly" => s.read_only = self.flag(&v, &here),
                "writeOnly" => s.write_only = self.flag(&v, &here),
                x if x.starts_with("x-") => s.extensions.push((k, v)),
                _ => {}
            }
        }
        // 3.0's `exclusiveMinimum: true` makes `minimum` exclusive.
        if exclusive_flags.0 {
            s.exclusive_minimum = s.minimum.take();
        }
        if exclusive_flags.1 {
            s.exclusive_maximum = s.maximum.take();
        }
        if let Some(e) = example {
            s.examples.insert(0, e);
        }
        if let Some(slot) = self.out.nodes.get_mut(id.0 as usize) {
            *slot = s;
        }
        id
    }

    fn sub(&mut self, v: Value, at: &Pointer, depth: usize) -> Option<SchemaId> {
        Some(self.schema(v, at, depth + 1))
    }

    fn list(&mut self, list: Vec<Value>, at: &Pointer, depth: usize) -> Vec<SchemaId> {
        list.into_iter()
            .enumerate()
            .map(|(i, v)| self.schema(v, &at.join(i.to_string()), depth + 1))
            .collect()
    }

    fn named(&mut self, v: Value, at: &Pointer, depth: usize) -> Vec<(String, SchemaId)> {
        match v {
            Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| {
                    let id = self.schema(v, &at.join(&k), depth + 1);
                    (k, id)
                })
                .collect(),
            _ => {
                self.error(at, "must be an object of schemas");
                Vec::new()
            }
        }
    }

    fn types(&mut self, v: &Value, at: &Pointer) -> Option<Vec<JsonType>> {
        let names: Vec<&Value> = match v {
            Value::String(_) => vec![v],
            Value::Array(list) => list.iter().collect(),
            // A wrong `type` is read past (as if absent), with a warning:
            // the schema then says nothing of the type, and its values are
            // JSON values, not a guess.
            _ => {
                let message = "ignored: `type` must be a type name or a list of them";
                self.out.ignored.push((at.clone(), message.into()));
                return None;
            }
        };
        let mut out = Vec::new();
        for (i, n) in names.into_iter().enumerate() {
            match n.as_str().and_then(JsonType::named) {
                Some(t) if !out.contains(&t) => out.push(t),
                Some(_) => {}
                None => {
                    let here = if v.is_array() {
                        at.join(i.to_string())
                    } else {
                        at.clone()
                    };
                    let message = format!("ignored: unknown type {n}");
                    self.out.ignored.push((here, message));
                }
            }
        }
        // Nothing known is left: as if there were no `type`.
        (!out.is_empty()).then_some(out)
    }

    fn flag(&mut self, v: &Value, at: &Pointer) -> bool {
        match v {
            Value::Bool(b) => *b,
            _ => {
                self.error(at, "must be true or false");
                false
            }
        }
    }

    fn text(&mut self, v: Value, at: &Pointer) -> Option<String> {
        match v {
            Value::String(s) => Some(s),
            _ => {
                self.error(at, "must be a string");
                None
            }
        }
    }

    /// A keyword only documented: a value of the wrong kind is read past
    /// with a warning rather than refusing the document.
    fn doc_text(&mut self, v: Value, at: &Pointer) -> Option<String> {
        match v {
            Value::String(s) => Some(s),
            other => {
                let message = format!("ignored: must be a string, not {other}");
                self.out.ignored.push((at.clone(), message));
                None
            }
        }
    }

    fn strings(&mut self, v: Value, at: &Pointer) -> Vec<String> {
        match v {
            Value::Array(list) => list
                .into_iter()
                .enumerate()
                .filter_map(|(i, x)| match x {
                    Value::String(s) => Some(s),
                    _ => {
                        self.error(&at.join(i.to_string()), "must be a property name");
                        None
                    }
                })
                .collect(),
            _ => {
                self.error(at, "must be a list of property names");
                Vec::new()
            }
        }
    }

    fn number(&mut self, v: &Value, at: &Pointer) -> Option<f64> {
        match v.as_f64() {
            Some(n) => Some(n),
            None => {
                self.error(at, "must be a number");
                None
            }
        }
    }

    fn count(&mut self, v: &Value, at: &Pointer) -> Option<u64> {
        match v.as_u64().or_else(|| {
            v.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        }) {
            Some(n) => Some(n),
            None => {
                self.error(at, "must be a whole number, 0 or more");
                None
            }
        }
    }

    fn discriminator(&mut self, v: Value, at: &Pointer) -> Option<Discriminator> {
        let Value::Object(o) = v else {
            self.error(at, "`discriminator` must be an object");
            return None;
        };
        let Some(property_name) = o.get("propertyName").and_then(Value::as_str) else {
            self.error(
                &at.join("propertyName"),
                "`discriminator` needs a `propertyName` string",
            );
            return None;
        };
        let mapping = o
            .get("mapping")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect();
        Some(Discriminator {
            property_name: property_name.to_owned(),
            mapping,
            default_mapping: o
                .get("defaultMapping")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }

    /// Points every `$ref` at its schema: one read already, or one the
    /// document holds somewhere no schema is expected (read now).
    fn resolve(&mut self, doc: &Value) {
        let mut i = 0;
        while i < self.out.nodes.len() {
            let id = SchemaId(i as u32);
            i += 1;
            let Some(text) = self.out.get(id).reference.as_ref().map(|r| r.text.clone()) else {
                continue;
            };
            let at = self.out.get(id).at.join("$ref");
            let target = match text.strip_prefix('#') {
                None => {
                    self.error(
                        &at,
                        format!(
                            "$ref {text:?} points into another document, which was not brought in"
                        ),
                    );
                    None
                }
                Some("") => {
                    self.error(&at, "$ref \"#\" points to the whole document, not a schema");
                    None
                }
                Some(_) => match self.out.at(&text) {
                    Some(t) => Some(t),
                    None => {
                        let pointer = crate::bundle::percent_decode(&text[1..]);
                        match doc
                            .pointer(&pointer)
                            .filter(|v| v.is_object() || v.is_boolean())
                        {
                            Some(v) => {
                                let at = Pointer::from_ref(&format!("#{pointer}"))
                                    .unwrap_or_else(Pointer::root);
                                Some(self.schema(v.clone(), &at, 0))
                            }
                            None => {
                                self.error(&at, format!("$ref {text:?} points to no schema"));
                                None
                            }
                        }
                    }
                },
            };
            if let Some(r) = self
                .out
                .nodes
                .get_mut(id.0 as usize)
                .and_then(|s| s.reference.as_mut())
            {
                r.target = target;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(schemas: Value) -> Value {
        json!({"openapi": "3.1.0", "components": {"schemas": schemas}})
    }

    #[test]
    fn schemas_are_taken_out_and_refs_resolved_anywhere() {
        let mut d = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"type": "object",
                    "properties": {"x": {"type": ["string", "null"]}}}}}}}}}},
            "components": {"schemas": {
                "Ref": {"$ref": "#/paths/~1a/get/responses/200/content/application~1json/schema/properties/x"},
                "Bounds": {"type": "number", "minimum": 1, "exclusiveMaximum": 9, "example": 3},
                "Old": {"type": "integer", "minimum": 0, "exclusiveMinimum": true, "nullable": true}
            }}
        });
        let s = read(&mut d).unwrap();
        assert_eq!(
            d.pointer("/paths/~1a/get/responses/200/content/application~1json/schema"),
            Some(&json!({}))
        );
        let r = s.at("#/components/schemas/Ref").unwrap();
        let x = s
            .at("#/paths/~1a/get/responses/200/content/application~1json/schema/properties/x")
            .unwrap();
        assert_eq!(s.target(r), Some(x));
        assert!(s.get(x).admits_null());
        let b = s.get(s.at("#/components/schemas/Bounds").unwrap());
        assert_eq!((b.minimum, b.exclusive_maximum), (Some(1.0), Some(9.0)));
        assert_eq!(b.examples, vec![json!(3)]);
        let o = s.get(s.at("#/components/schemas/Old").unwrap());
        assert_eq!((o.minimum, o.exclusive_minimum), (None, Some(0.0)));
        assert!(o.nullable);
    }

    #[test]
    fn every_mistake_is_reported_with_its_pointer() {
        let mut d = doc(json!({
            "A": {"type": "string", "minLength": "one"},
            "B": {"properties": {"c": {"required": "c"}}},
            "C": {"$ref": "#/components/schemas/Nope"},
            "D": 5
        }));
        let e = read(&mut d).unwrap_err().to_string();
        for expected in [
            "#/components/schemas/A/minLength: must be",
            "#/components/schemas/B/properties/c/required: must be a list of property names",
            "#/components/schemas/C/$ref: $ref \"#/components/schemas/Nope\" points to no schema",
            "#/components/schemas/D: a schema must be an object or a boolean",
        ] {
            assert!(e.contains(expected), "{expected} in {e}");
        }
    }

    #[test]
    fn documentation_and_type_mistakes_are_read_past_with_a_warning() {
        let mut d = doc(json!({
            "A": {"type": "strnig", "pattern": 0},
            "B": {"type": {"nested": true}},
            "C": {"type": ["string", "text"]}
        }));
        let s = read(&mut d).unwrap();
        let ignored: Vec<String> = s
            .ignored
            .iter()
            .map(|(at, m)| format!("{at}: {m}"))
            .collect();
        assert_eq!(
            ignored,
            [
                "#/components/schemas/A/type: ignored: unknown type \"strnig\"",
                "#/components/schemas/A/pattern: ignored: must be a string, not 0",
                "#/components/schemas/B/type: ignored: `type` must be a type name or a list of them",
                "#/components/schemas/C/type/1: ignored: unknown type \"text\"",
            ]
        );
        let c = s.at("#/components/schemas/C").unwrap();
        assert_eq!(s.get(c).types, Some(vec![JsonType::String]));
        let a = s.at("#/components/schemas/A").unwrap();
        assert_eq!(s.get(a).types, None);
    }

    #[test]
    fn refs_to_places_no_schema_is_expected_are_read_there() {
        let mut d = json!({"openapi": "3.0.3", "x-shared": {"Id": {"type": "string"}},
            "components": {"schemas": {"A": {"$ref": "#/x-shared/Id"}}}});
        let s = read(&mut d).unwrap();
        let a = s.at("#/components/schemas/A").unwrap();
        let id = s.target(a).unwrap();
        assert_eq!(s.get(id).at.as_str(), "#/x-shared/Id");
        assert_eq!(s.get(id).types, Some(vec![JsonType::String]));
    }
}
