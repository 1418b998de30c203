//! Multi-file specs: references into other documents (`$ref:
//! './common.yaml#/components/schemas/Error'`, `$ref: 'paths/pets.yaml'`)
//! are brought into the root document before anything else reads it.
//!
//! - A schema from another document becomes a component schema, named after
//!   the last word of its pointer (or its file's name), and is referenced
//!   there; a root component that is only such a reference takes its place.
//!   Schemas referring to each other across files, in cycles too, are
//!   brought in once each.
//! - A path item, parameter, request body, response or header from another
//!   document is copied where it is referenced.
//! - References inside a brought-in document are relative to that document:
//!   files to its folder, `#/...` to itself.
//! - A components map given whole by a reference (`components: {schemas:
//!   {$ref: ./schemas/_index.yaml}}`) is read as one reference per entry.
//!
//! Which kind of object a reference stands for is read from where it sits,
//! by the grammar of OpenAPI. No IO happens here: the caller's [`Reader`]
//! reads documents (the CLI and `cargo xtask regen` read files, relative to
//! the root document's folder, and refuse remote ones unless told).
//! [`Bundled::locate`] maps a pointer into the bundled document back to the
//! file and pointer it came from, so errors name the file.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{Error, Pointer, Result};
use crate::naming::Scope;

/// Reads a document the spec refers to. `location` is its path relative to
/// the root document's folder (`/`-separated, `.` and `..` resolved, so it
/// may start with `../`) or an absolute `http(s)://` URL; the answer is its
/// bytes (JSON or YAML), or why it cannot be read.
pub type Reader<'a> = dyn FnMut(&str) -> std::result::Result<Vec<u8>, String> + 'a;

/// A document with everything it refers to in other documents brought in.
#[derive(Debug, Clone)]
pub struct Bundled {
    /// The bundled document (the root document when it refers to no other).
    pub document: Value,
    /// Where parts of the bundled document came from: a pointer prefix in it,
    /// and the `file#pointer` it was copied from.
    sources: Vec<(String, String)>,
}

impl Bundled {
    /// Where `pointer` (into the bundled document) came from, as
    /// `file#/pointer`, when it lies in something brought in from another file.
    pub fn locate(&self, pointer: &str) -> Option<String> {
        self.sources
            .iter()
            .filter_map(|(prefix, source)| {
                let rest = pointer.strip_prefix(prefix.as_str())?;
                (rest.is_empty() || rest.starts_with('/')).then_some((prefix.len(), source, rest))
            })
            .max_by_key(|(len, ..)| *len)
            .map(|(_, source, rest)| format!("{source}{rest}"))
    }
}

/// The kinds of object a reference may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    MediaType,
    Callback,
    Schema,
}

/// Where a value is: the file it was read from and the pointer in it, and
/// the pointer in the bundled document.
#[derive(Debug, Clone)]
struct Here {
    file: String,
    pointer: Pointer,
    bundled: Pointer,
}

impl Here {
    fn join(&self, token: &str) -> Here {
        Here {
            file: self.file.clone(),
            pointer: self.pointer.join(token),
            bundled: self.bundled.join(token),
        }
    }

    fn error(&self, message: String) -> Error {
        Error::Invalid {
            pointer: Pointer::in_file(&self.file, &self.pointer),
            message,
        }
    }
}

/// How many references deep a chain of copied (non-schema) objects may go.
const MAX_DEPTH: usize = 32;

/// Brings into `root` what it refers to in other documents; `root_file` is
/// the root document's own file name (so references back to it stay local).
pub fn bundle(mut root: Value, root_file: &str, read: &mut Reader<'_>) -> Result<Bundled> {
    let mut refs = std::collections::BTreeSet::new();
    collect_refs(&root, 0, &mut refs);
    if refs.iter().all(|r| r.starts_with('#')) {
        return Ok(Bundled {
            document: root,
            sources: Vec::new(),
        });
    }
    let mut b = Bundler {
        read,
        root_file: normalize_path(root_file),
        files: BTreeMap::new(),
        names: BTreeMap::new(),
        scope: Scope::default(),
        hoisted: BTreeMap::new(),
        sources: Vec::new(),
    };
    b.expand_component_maps(&mut root)?;
    let taken: Vec<String> = root
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    b.scope = Scope::with_reserved(&taken.iter().map(String::as_str).collect::<Vec<_>>());
    // A root component that only refers to another file's schema becomes that schema.
    if let Some(schemas) = root
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, s) in schemas {
            let Some(r) = s
                .as_object()
                .filter(|o| o.len() == 1)
                .and_then(|o| o.get("$ref"))
            else {
                continue;
            };
            let Some((file, fragment)) = r.as_str().map(|r| b.target("", r)) else {
                continue;
            };
            if !file.is_empty() {
                b.names
                    .entry((file, fragment))
                    .or_insert_with(|| name.clone());
            }
        }
    }
    let here = Here {
        file: String::new(),
        pointer: Pointer::root(),
        bundled: Pointer::root(),
    };
    b.walk(&mut root, Kind::Document, &here, 0)?;
    let hoisted = std::mem::take(&mut b.hoisted);
    add_component_schemas(&mut root, hoisted);
    Ok(Bundled {
        document: root,
        sources: b.sources,
    })
}

struct Bundler<'r, 'a> {
    read: &'r mut Reader<'a>,
    /// The root document's location (references to it stay local).
    root_file: String,
    /// Documents read so far, by location.
    files: BTreeMap<String, Value>,
    /// The component name of each schema brought in, by (file, fragment).
    names: BTreeMap<(String, String), String>,
    scope: Scope,
    /// Schemas brought in, by component name.
    hoisted: BTreeMap<String, Value>,
    sources: Vec<(String, String)>,
}

impl Bundler<'_, '_> {
    /// A components map given whole by a reference (`schemas: {$ref:
    /// ./schemas/_index.yaml}`) becomes one reference per entry of the
    /// map it points to, each then brought in as any other.
    fn expand_component_maps(&mut self, root: &mut Value) -> Result<()> {
        let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) else {
            return Ok(());
        };
        for (kind, map) in components.iter_mut() {
            let Some(reference) = map.get("$ref").and_then(Value::as_str).map(str::to_owned) else {
                continue;
            };
            let here = Here {
                file: String::new(),
                pointer: Pointer::root().join("components").join(kind),
                bundled: Pointer::root().join("components").join(kind),
            };
            let (file, fragment) = self.target("", &reference);
            let target = self.resolve(&file, &fragment, &here)?;
            let Some(entries) = target.as_object() else {
                return Err(here.join("$ref").error(format!(
                    "$ref {reference:?}: a components map must point to a map of {kind}"
                )));
            };
            let base = if file.is_empty() {
                String::new()
            } else {
                file.clone()
            };
            let mut out = Map::new();
            for name in entries.keys() {
                let pointer = format!("{fragment}/{}", escape(name));
                let mut entry = Map::new();
                entry.insert("$ref".into(), Value::String(format!("{base}#{pointer}")));
                out.insert(name.clone(), Value::Object(entry));
            }
            *map = Value::Object(out);
        }
        Ok(())
    }

    /// The (document, fragment) a reference written in `base` points to; the
    /// root document is `""`.
    fn target(&self, base: &str, reference: &str) -> (String, String) {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let file = if file.is_empty() {
            base.to_owned()
        } else if file.contains("://") {
            file.to_owned()
        } else if let Some((scheme, rest)) = base.split_once("://") {
            // Relative to a remote document: resolved within its URL.
            let dir = rest.rsplit_once('/').map_or(rest, |(d, _)| d);
            format!("{scheme}://{}", normalize_path(&format!("{dir}/{file}")))
        } else {
            let dir = base.rsplit_once('/').map_or("", |(d, _)| d);
            normalize_path(&if dir.is_empty() {
                file.to_owned()
            } else {
                format!("{dir}/{file}")
            })
        };
        let file = if file == self.root_file {
            String::new()
        } else {
            file
        };
        (file, fragment.to_owned())
    }

    /// The value at `fragment` in document `file` (read on first use).
    fn resolve(&mut self, file: &str, fragment: &str, here: &Here) -> Result<Value> {
        if !self.files.contains_key(file) {
            let bytes = (self.read)(file)
                .map_err(|e| here.join("$ref").error(format!("cannot read {file}: {e}")))?;
            let doc = crate::parse::parse_document(&bytes)
                .map_err(|e| here.join("$ref").error(format!("{file}: {e}")))?;
            self.files.insert(file.to_owned(), doc);
        }
        let doc = self
            .files
            .get(file)
            .ok_or_else(|| here.error("internal: file not kept".into()))?;
        let pointer = percent_decode(fragment);
        doc.pointer(&pointer).cloned().ok_or_else(|| {
            here.join("$ref")
                .error(format!("{file}#{fragment} points to nothing in {file}"))
        })
    }

    fn walk(&mut self, v: &mut Value, kind: Kind, here: &Here, depth: usize) -> Result<()> {
        if let Some(reference) = v.get("$ref").and_then(Value::as_str).map(str::to_owned) {
            return self.reference(v, &reference, kind, here, depth);
        }
        let Some(obj) = v.as_object_mut() else {
            return Ok(());
        };
        if kind == Kind::Schema {
            for (k, child) in obj.iter_mut() {
                if VALUE_KEYWORDS.contains(&k.as_str()) || k.starts_with("x-") {
                    continue;
                }
                match child {
                    Value::Object(_) => self.walk(child, Kind::Schema, &here.join(k), depth)?,
                    Value::Array(items) => {
                        let at = here.join(k);
                        for (i, item) in items.iter_mut().enumerate() {
                            self.walk(item, Kind::Schema, &at.join(&i.to_string()), depth)?;
                        }
                    }
                    _ => {}
                }
            }
            return Ok(());
        }
        for (k, child) in obj.iter_mut() {
            let at = here.join(k);
            match (kind, k.as_str()) {
                (Kind::Document, "paths" | "webhooks") => {
                    self.each(child, Kind::PathItem, &at, depth)?
                }
                (Kind::Document, "components") => self.walk(child, Kind::Components, &at, depth)?,
                (Kind::Components, "schemas") => self.each(child, Kind::Schema, &at, depth)?,
                (Kind::Components, "responses") => self.each(child, Kind::Response, &at, depth)?,
                (Kind::Components, "parameters" | "headers") => {
                    self.each(child, Kind::Parameter, &at, depth)?
                }
                (Kind::Components, "requestBodies") => {
                    self.each(child, Kind::RequestBody, &at, depth)?
                }
                (Kind::Components, "pathItems") => self.each(child, Kind::PathItem, &at, depth)?,
                (Kind::Components, "callbacks") | (Kind::Operation, "callbacks") => {
                    self.each(child, Kind::Callback, &at, depth)?
                }
                (Kind::Callback, _) => self.walk(child, Kind::PathItem, &at, depth)?,
                (Kind::PathItem | Kind::Operation, "parameters") => {
                    self.list(child, Kind::Parameter, &at, depth)?
                }
                (Kind::PathItem, m) if METHODS.contains(&m) => {
                    self.walk(child, Kind::Operation, &at, depth)?
                }
                (Kind::Operation, "requestBody") => {
                    self.walk(child, Kind::RequestBody, &at, depth)?
                }
                (Kind::Operation, "responses") => self.each(child, Kind::Response, &at, depth)?,
                (Kind::Parameter | Kind::MediaType, "schema") => {
                    self.walk(child, Kind::Schema, &at, depth)?
                }
                (Kind::Parameter | Kind::RequestBody | Kind::Response, "content") => {
                    self.each(child, Kind::MediaType, &at, depth)?
                }
                (Kind::Response, "headers") => self.each(child, Kind::Parameter, &at, depth)?,
                (Kind::MediaType, "encoding") => {
                    if let Some(encodings) = child.as_object_mut() {
                        for (name, e) in encodings.iter_mut() {
                            if let Some(headers) = e.get_mut("headers") {
                                let at = at.join(name).join("headers");
                                self.each(headers, Kind::Parameter, &at, depth)?;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Each value of a map, as `kind`.
    fn each(&mut self, v: &mut Value, kind: Kind, here: &Here, depth: usize) -> Result<()> {
        if let Some(m) = v.as_object_mut() {
            for (k, child) in m.iter_mut() {
                self.walk(child, kind, &here.join(k), depth)?;
            }
        }
        Ok(())
    }

    /// Each item of a list, as `kind`.
    fn list(&mut self, v: &mut Value, kind: Kind, here: &Here, depth: usize) -> Result<()> {
        if let Some(items) = v.as_array_mut() {
            for (i, child) in items.iter_mut().enumerate() {
                self.walk(child, kind, &here.join(&i.to_string()), depth)?;
            }
        }
        Ok(())
    }

    fn reference(
        &mut self,
        v: &mut Value,
        reference: &str,
        kind: Kind,
        here: &Here,
        depth: usize,
    ) -> Result<()> {
        let (file, fragment) = self.target(&here.file, reference);
        if file.is_empty() {
            // Into the root document: a local reference, read as such later.
            if !reference.starts_with('#') || !here.file.is_empty() {
                set_ref(v, format!("#{fragment}"));
            }
            return Ok(());
        }
        if file.contains("://") {
            // The reader decides whether a remote document is fetched.
            self.resolve(&file, &fragment, here)?;
        }
        if kind == Kind::Schema {
            let name = self.schema(&file, &fragment, here)?;
            set_ref(v, format!("#/components/schemas/{}", escape(&name)));
            return Ok(());
        }
        if depth >= MAX_DEPTH {
            return Err(here.error(format!(
                "$ref {reference:?}: more than {MAX_DEPTH} references deep (a cycle of references?)"
            )));
        }
        let target = self.resolve(&file, &fragment, here)?;
        *v = target;
        self.sources.push((
            here.bundled.as_str().to_owned(),
            format!("{file}#{fragment}"),
        ));
        let inner = Here {
            file,
            pointer: Pointer::from_ref(&format!("#{fragment}")).unwrap_or_else(Pointer::root),
            bundled: here.bundled.clone(),
        };
        self.walk(v, kind, &inner, depth + 1)
    }

    /// The component name of the schema at `file#fragment`, bringing it in on first use.
    fn schema(&mut self, file: &str, fragment: &str, here: &Here) -> Result<String> {
        let key = (file.to_owned(), fragment.to_owned());
        if let Some(name) = self.names.get(&key) {
            if self.hoisted.contains_key(name) {
                return Ok(name.clone());
            }
        }
        let name = match self.names.get(&key) {
            Some(name) => name.clone(),
            None => {
                let word = Pointer::from_ref(&format!("#{fragment}"))
                    .and_then(|p| p.tokens().last())
                    .filter(|w| !w.is_empty())
                    .unwrap_or_else(|| file_stem(file));
                let name = self.scope.claim(word);
                self.names.insert(key, name.clone());
                name
            }
        };
        // Claimed before its own references are followed: a cycle ends here.
        self.hoisted.insert(name.clone(), Value::Null);
        let mut schema = self.resolve(file, fragment, here)?;
        // A schema that is only a reference to one in another document (an
        // index file listing schemas by `$ref`) is that schema, under this name.
        let (mut file, mut fragment) = (file.to_owned(), fragment.to_owned());
        for _ in 0..16 {
            let Some(next) = schema
                .as_object()
                .filter(|o| o.len() == 1)
                .and_then(|o| o.get("$ref"))
                .and_then(Value::as_str)
                .map(|r| self.target(&file, r))
                .filter(|(f, _)| !f.is_empty() && *f != file)
            else {
                break;
            };
            if self.names.contains_key(&next) {
                break;
            }
            self.names.insert(next.clone(), name.clone());
            schema = self.resolve(&next.0, &next.1, here)?;
            (file, fragment) = next;
        }
        let bundled = Pointer::root()
            .join("components")
            .join("schemas")
            .join(&name);
        self.sources
            .push((bundled.as_str().to_owned(), format!("{file}#{fragment}")));
        let inner = Here {
            file: file.clone(),
            pointer: Pointer::from_ref(&format!("#{fragment}")).unwrap_or_else(Pointer::root),
            bundled,
        };
        self.walk(&mut schema, Kind::Schema, &inner, 0)?;
        self.hoisted.insert(name.clone(), schema);
        Ok(name)
    }
}

/// Adds `schemas` to the document's `components/schemas` (made if missing).
fn add_component_schemas(doc: &mut Value, schemas: impl IntoIterator<Item = (String, Value)>) {
    let Some(obj) = doc.as_object_mut() else {
        return;
    };
    let components = obj
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(components) = components.as_object_mut() {
        let all = components
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(all) = all.as_object_mut() {
            all.extend(schemas);
        }
    }
}

/// Keywords whose values are data, not schemas.
const VALUE_KEYWORDS: &[&str] = &["example", "examples", "default", "enum", "const"];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn set_ref(v: &mut Value, reference: String) {
    if let Some(o) = v.as_object_mut() {
        o.insert("$ref".into(), Value::String(reference));
    }
}

/// A component name as a pointer token.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// `a/./b/../c.yaml` -> `a/c.yaml`; leading `..` are kept.
fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// `schemas/Pet.yaml` -> `Pet`.
fn file_stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.split('.').next().unwrap_or(name).to_owned()
}

/// `%7B` -> `{` and the like (a `$ref` is a URI; its fragment may be escaped).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How deep [`collect_refs`] goes (real documents nest far less).
const MAX_WALK: usize = 256;

fn collect_refs(v: &Value, depth: usize, out: &mut std::collections::BTreeSet<String>) {
    if depth > MAX_WALK {
        return;
    }
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.insert(r.clone());
            }
            m.values().for_each(|x| collect_refs(x, depth + 1, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, depth + 1, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn files(
        map: BTreeMap<&'static str, Value>,
    ) -> impl FnMut(&str) -> std::result::Result<Vec<u8>, String> {
        move |location| {
            map.get(location)
                .map(|v| v.to_string().into_bytes())
                .ok_or_else(|| "no such file".to_owned())
        }
    }

    #[test]
    fn references_inside_a_remote_document_stay_on_its_server() {
        let b = Bundler {
            read: &mut |_: &str| Err(String::new()),
            root_file: "openapi.yaml".into(),
            files: BTreeMap::new(),
            names: BTreeMap::new(),
            scope: Scope::default(),
            hoisted: BTreeMap::new(),
            sources: Vec::new(),
        };
        assert_eq!(
            b.target("https://example.com/api/a/b.yaml", "../c.yaml#/X"),
            ("https://example.com/api/c.yaml".into(), "/X".into())
        );
    }

    #[test]
    fn paths_normalise() {
        assert_eq!(normalize_path("a/./b/../c.yaml"), "a/c.yaml");
        assert_eq!(normalize_path("../x.yaml"), "../x.yaml");
        assert_eq!(normalize_path("a/../../x.yaml"), "../x.yaml");
    }

    #[test]
    fn schemas_across_files_become_components_and_cycles_end() {
        let root = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"$ref": "paths/a.yaml"}},
            "components": {"schemas": {"Node": {"$ref": "schemas/node.yaml"}}}
        });
        let mut read = files(BTreeMap::from([
            (
                "paths/a.yaml",
                json!({"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "../schemas/node.yaml"}}}}}}}),
            ),
            (
                "schemas/node.yaml",
                json!({"type": "object", "properties": {
                "next": {"$ref": "./node.yaml"},
                "tag": {"$ref": "common.yaml#/Tag"}}}),
            ),
            ("schemas/common.yaml", json!({"Tag": {"type": "string"}})),
        ]));
        let b = bundle(root, "openapi.yaml", &mut read).unwrap();
        let d = &b.document;
        assert_eq!(
            d.pointer("/paths/~1a/get/responses/200/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/Node"))
        );
        assert_eq!(
            d.pointer("/components/schemas/Node/properties/next/$ref"),
            Some(&json!("#/components/schemas/Node"))
        );
        assert_eq!(
            d.pointer("/components/schemas/Tag"),
            Some(&json!({"type": "string"}))
        );
        assert_eq!(
            b.locate("#/components/schemas/Node/properties/tag")
                .as_deref(),
            Some("schemas/node.yaml#/properties/tag")
        );
        assert_eq!(
            b.locate("#/paths/~1a/get").as_deref(),
            Some("paths/a.yaml#/get")
        );
    }

    #[test]
    fn a_missing_file_or_pointer_is_an_error_naming_both_ends() {
        let root = json!({"paths": {"/a": {"$ref": "missing.yaml"}}});
        let e = bundle(root, "openapi.yaml", &mut files(BTreeMap::new())).unwrap_err();
        assert_eq!(
            e.to_string(),
            "#/paths/~1a/$ref: cannot read missing.yaml: no such file"
        );
        let root = json!({"components": {"schemas": {"A": {"$ref": "s.yaml#/nope"}}}});
        let mut read = files(BTreeMap::from([("s.yaml", json!({}))]));
        let e = bundle(root, "openapi.yaml", &mut read).unwrap_err();
        assert!(
            e.to_string().contains("s.yaml#/nope points to nothing"),
            "{e}"
        );
    }
}
