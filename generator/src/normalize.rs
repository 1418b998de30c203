//! Normalisation: the document-level rewrites between bundling and reading
//! the schemas. Schemas themselves are not touched here: the schema model
//! ([`crate::schema`]) reads 3.0 and 3.1 alike.
//!
//! | what | becomes |
//! |---|---|
//! | no `paths` (3.1 allows a document of webhooks or components) | `paths: {}` |
//! | an operation without `responses` (3.1) | `responses: {}` |
//! | a path item given by a local `$ref` (another path item, 3.1 `components/pathItems`) | a copy of it, its own `summary`/`description` kept; [`Normalized::locate`] maps pointers into the copy back to where it was copied from |
//! | a `mutualTLS` security scheme (a TLS client certificate, nothing a request carries) | dropped: operations requiring it are generated as if the connection met it |

use serde_json::{Map, Value};

use crate::error::{Error, Pointer, Result};

const METHODS: [&str; 9] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// What normalisation copied, to name the original place in errors.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// (pointer of a copy, pointer of what it was copied from).
    copies: Vec<(String, String)>,
}

impl Normalized {
    /// Where `pointer` really is, when it lies in a copy (of a copy...).
    pub fn locate(&self, pointer: &str) -> Option<String> {
        let step = |p: &str| {
            self.copies.iter().find_map(|(copy, from)| {
                let rest = p.strip_prefix(copy.as_str())?;
                (rest.is_empty() || rest.starts_with('/')).then(|| format!("{from}{rest}"))
            })
        };
        let mut at = step(pointer)?;
        for _ in 0..8 {
            match step(&at) {
                Some(next) => at = next,
                None => break,
            }
        }
        Some(at)
    }
}

/// Applies the rewrites of the module docs to a whole document in place.
pub fn normalize_document(doc: &mut Value) -> Result<Normalized> {
    let root = Pointer::root();
    let Some(obj) = doc.as_object_mut() else {
        return Err(Error::invalid(&root, "the document is not an object"));
    };
    obj.entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(schemes) = obj
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
        .and_then(Value::as_object_mut)
    {
        schemes.retain(|_, s| s.get("type").and_then(Value::as_str) != Some("mutualTLS"));
    }
    let copies = resolve_path_item_refs(doc)?;
    let Some(obj) = doc.as_object_mut() else {
        return Err(Error::invalid(&root, "the document is not an object"));
    };
    let mut items: Vec<&mut Value> = Vec::new();
    for (section, map) in obj.iter_mut() {
        let map = match section.as_str() {
            "paths" | "webhooks" => map,
            "components" => match map.get_mut("pathItems") {
                Some(m) => m,
                None => continue,
            },
            _ => continue,
        };
        if let Some(map) = map.as_object_mut() {
            items.extend(map.values_mut());
        }
    }
    for item in items {
        for method in METHODS {
            if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                op.entry("responses")
                    .or_insert_with(|| Value::Object(Map::new()));
            }
        }
    }
    Ok(Normalized { copies })
}

/// Path items given by a local `$ref` are replaced by what they point to.
fn resolve_path_item_refs(doc: &mut Value) -> Result<Vec<(String, String)>> {
    let refs: Vec<(String, String)> = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(p, item)| Some((p.clone(), item.get("$ref")?.as_str()?.to_owned())))
        .collect();
    let mut copies = Vec::new();
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
        copies.push((at.to_string(), target));
    }
    Ok(copies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn what_3_1_leaves_out_is_filled_and_copies_are_located() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"$ref": "#/components/pathItems/A"}},
            "components": {"pathItems": {"A": {"get": {}}},
                "securitySchemes": {"tls": {"type": "mutualTLS"}, "key": {"type": "http", "scheme": "bearer"}}}
        });
        let n = normalize_document(&mut doc).unwrap();
        assert_eq!(doc["paths"]["/a"], json!({"get": {"responses": {}}}));
        assert_eq!(
            doc["components"]["securitySchemes"],
            json!({"key": {"type": "http", "scheme": "bearer"}})
        );
        assert_eq!(
            n.locate("#/paths/~1a/get/responses").as_deref(),
            Some("#/components/pathItems/A/get/responses")
        );
        assert_eq!(n.locate("#/paths/~1b"), None);
        // A path item referring to one that refers on: located at the end.
        let mut chain = json!({"openapi": "3.1.0", "paths": {
            "/a": {"$ref": "#/components/pathItems/A"}, "/b": {"$ref": "#/paths/~1a"}},
            "components": {"pathItems": {"A": {"get": {}}}}});
        let n = normalize_document(&mut chain).unwrap();
        assert_eq!(
            n.locate("#/paths/~1b/get").as_deref(),
            Some("#/components/pathItems/A/get")
        );
        let mut bare = json!({"openapi": "3.1.0"});
        normalize_document(&mut bare).unwrap();
        assert_eq!(bare["paths"], json!({}));
    }
}
