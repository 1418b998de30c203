//! OpenAPI Overlays (1.0, and 1.1's `copy`): edits to a spec kept apart
//! from it, applied to the parsed document before anything else reads it.
//!
//! Each action's `target` is an RFC 9535 JSONPath (the `serde_json_path`
//! crate); every node it selects is then changed: `remove: true` takes it
//! out of its parent, `update` is merged into it (objects key by key and
//! recursively, an array gets the value appended, anything else is
//! replaced), `copy` merges the one node another JSONPath selects the same
//! way. Actions run in order, each on the result of the one before. An
//! error names the overlay file and the action (`fix.yaml#/actions/2: ...`);
//! a target that selects nothing is a warning at the same place, since it
//! usually means the spec changed under the overlay.

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::error::{Error, Pointer, Result, Warning};

/// One overlay document, with the name errors and warnings give it.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// The file it was read from, as errors name it (`fixes.yaml`).
    pub file: String,
    /// The overlay document (JSON or YAML, parsed).
    pub document: Value,
}

impl Overlay {
    /// Parses an overlay from its bytes (JSON or YAML).
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Overlay> {
        let document = crate::parse::parse_document(bytes).map_err(|e| Error::Overlay {
            file: file.to_owned(),
            pointer: Pointer::root(),
            message: e.to_string(),
        })?;
        Ok(Overlay {
            file: file.to_owned(),
            document,
        })
    }
}

/// What one action does to each node its target selects.
enum Change {
    Remove,
    Merge(Value),
}

/// Applies `overlays` to `document` in order. Returns the warnings (targets
/// that selected nothing); the first broken action is the error.
pub fn apply(document: &mut Value, overlays: &[Overlay]) -> Result<Vec<Warning>> {
    let mut warnings = Vec::new();
    for overlay in overlays {
        apply_one(document, overlay, &mut warnings)?;
    }
    Ok(warnings)
}

fn apply_one(document: &mut Value, overlay: &Overlay, warnings: &mut Vec<Warning>) -> Result<()> {
    let error = |pointer: Pointer, message: String| Error::Overlay {
        file: overlay.file.clone(),
        pointer,
        message,
    };
    let root = Pointer::root();
    let version = overlay
        .document
        .get("overlay")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            error(
                root.clone(),
                "not an overlay: no `overlay` version string".into(),
            )
        })?;
    if !(version.starts_with("1.0.") || version.starts_with("1.1.")) {
        return Err(error(
            root.join("overlay"),
            format!("overlay version {version} is not supported (1.0.x and 1.1.x are)"),
        ));
    }
    let actions = overlay
        .document
        .get("actions")
        .and_then(Value::as_array)
        .ok_or_else(|| error(root.join("actions"), "`actions` must be a list".into()))?;
    for (index, action) in actions.iter().enumerate() {
        let at = root.join("actions").join(index.to_string());
        let fail = |field: &str, message: String| error(at.join(field), message);
        let target = action
            .get("target")
            .and_then(Value::as_str)
            .ok_or_else(|| fail("target", "an action needs a `target` JSONPath".into()))?;
        let path = JsonPath::parse(target).map_err(|e| fail("target", not_a_path(target, &e)))?;
        let change = if action.get("remove").and_then(Value::as_bool) == Some(true) {
            Change::Remove
        } else if let Some(update) = action.get("update") {
            Change::Merge(update.clone())
        } else if let Some(source) = action.get("copy") {
            let source = source
                .as_str()
                .ok_or_else(|| fail("copy", "`copy` must be a JSONPath".into()))?;
            let from = JsonPath::parse(source).map_err(|e| fail("copy", not_a_path(source, &e)))?;
            let nodes = from.query(document).all();
            match nodes.as_slice() {
                [one] => Change::Merge((*one).clone()),
                _ => {
                    return Err(fail(
                        "copy",
                        format!(
                            "`{source}` selects {} nodes; `copy` needs exactly one",
                            nodes.len()
                        ),
                    ))
                }
            }
        } else {
            return Err(error(
                at,
                "an action needs `update`, `remove: true` or `copy`".into(),
            ));
        };
        let mut pointers: Vec<String> = path
            .query_located(document)
            .locations()
            .map(|l| l.to_json_pointer())
            .collect();
        if pointers.is_empty() {
            warnings.push(Warning {
                pointer: Pointer::in_file(&overlay.file, &at.join("target")),
                message: format!(
                    "`{target}` selects nothing in the document; the action did nothing"
                ),
            });
            continue;
        }
        match &change {
            Change::Remove => {
                // Last first, so that the array indices still to remove stay valid.
                pointers.sort_by_cached_key(|p| std::cmp::Reverse(order_key(p)));
                for pointer in &pointers {
                    if pointer.is_empty() {
                        return Err(fail("target", "the document root cannot be removed".into()));
                    }
                    remove(document, pointer);
                }
            }
            Change::Merge(value) => {
                for pointer in &pointers {
                    if let Some(node) = document.pointer_mut(pointer) {
                        merge(node, value);
                    }
                }
            }
        }
    }
    Ok(())
}

/// What is wrong with a JSONPath, at which character.
fn not_a_path(path: &str, e: &serde_json_path::ParseError) -> String {
    let hint = if path.starts_with('$') {
        ""
    } else {
        "; a JSONPath starts with `$`"
    };
    format!(
        "`{path}` is not an RFC 9535 JSONPath ({} at character {}){hint}",
        e.message(),
        e.position() + 1
    )
}

/// A pointer's tokens, array indices compared as numbers, for ordering removals.
fn order_key(pointer: &str) -> Vec<(Option<usize>, String)> {
    pointer
        .split('/')
        .map(|t| (t.parse().ok(), t.to_owned()))
        .collect()
}

/// Takes the node at `pointer` (RFC 6901, not the root) out of its parent.
fn remove(document: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match document.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = key.parse::<usize>() {
                if i < items.len() {
                    items.remove(i);
                }
            }
        }
        _ => {}
    }
}

/// Merges `update` into `node` as an overlay's `update` does.
fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Object(map), Value::Object(fields)) => merge_object(map, fields),
        (Value::Array(items), value) => items.push(value.clone()),
        (node, value) => *node = value.clone(),
    }
}

fn merge_object(map: &mut Map<String, Value>, fields: &Map<String, Value>) {
    for (key, value) in fields {
        match (map.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(more)) => merge_object(inner, more),
            (Some(slot), value) => *slot = value.clone(),
            (None, value) => {
                map.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(document: Value, actions: Value) -> (Value, Vec<Warning>) {
        let mut document = document;
        let overlay = Overlay {
            file: "fix.yaml".into(),
            document: json!({"overlay": "1.1.0", "info": {"title": "t", "version": "1"}, "actions": actions}),
        };
        let warnings = apply(&mut document, &[overlay]).unwrap();
        (document, warnings)
    }

    fn fails(actions: Value) -> String {
        let mut document = json!({"a": 1});
        let overlay = Overlay {
            file: "fix.yaml".into(),
            document: json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions}),
        };
        apply(&mut document, &[overlay]).unwrap_err().to_string()
    }

    #[test]
    fn update_merges_objects_appends_to_arrays_and_replaces_the_rest() {
        let (doc, warnings) = run(
            json!({"info": {"title": "A", "contact": {"name": "n"}}, "tags": [{"name": "x"}], "servers": "s"}),
            json!([
                {"target": "$.info", "update": {"title": "B", "contact": {"email": "e"}}},
                {"target": "$.tags", "update": {"name": "y"}},
                {"target": "$.servers", "update": ["t"]},
            ]),
        );
        assert_eq!(
            doc,
            json!({"info": {"title": "B", "contact": {"name": "n", "email": "e"}}, "tags": [{"name": "x"}, {"name": "y"}], "servers": ["t"]})
        );
        assert!(warnings.is_empty());
    }

    #[test]
    fn remove_takes_every_selected_node_out_of_its_parent() {
        let (doc, _) = run(
            json!({"required": ["a", "b", "c", "d"], "paths": {"/x": {}, "/y": {}}}),
            json!([
                {"target": "$.required[?@ == 'b' || @ == 'd']", "remove": true},
                {"target": "$.paths['/x']", "remove": true},
            ]),
        );
        assert_eq!(doc, json!({"required": ["a", "c"], "paths": {"/y": {}}}));
    }

    #[test]
    fn copy_merges_the_node_another_path_selects() {
        let (doc, _) = run(
            json!({"responses": {"429": {"description": "slow down"}}, "ops": [{"responses": {"200": {}}}, {"responses": {}}]}),
            json!([{"target": "$.ops[*].responses", "copy": "$.responses"}]),
        );
        assert_eq!(
            doc["ops"],
            json!([{"responses": {"200": {}, "429": {"description": "slow down"}}}, {"responses": {"429": {"description": "slow down"}}}])
        );
    }

    #[test]
    fn a_target_that_selects_nothing_is_a_warning_at_the_action() {
        let (doc, warnings) = run(json!({"a": 1}), json!([{"target": "$.b", "update": 2}]));
        assert_eq!(doc, json!({"a": 1}));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].pointer.as_str(), "fix.yaml#/actions/0/target");
    }

    #[test]
    fn errors_name_the_file_and_the_action() {
        assert_eq!(
            fails(json!([{"target": "$.a", "update": 2}, {"target": "a[", "remove": true}])),
            "fix.yaml#/actions/1/target: `a[` is not an RFC 9535 JSONPath (parser error at character 1); a JSONPath starts with `$`"
        );
        assert_eq!(
            fails(json!([{"target": "$.paths[?@.x ==]", "remove": true}])),
            "fix.yaml#/actions/0/target: `$.paths[?@.x ==]` is not an RFC 9535 JSONPath (in long-hand segment, expected closing ']' at character 14)"
        );
        assert_eq!(
            fails(json!([{"target": "$.a"}])),
            "fix.yaml#/actions/0: an action needs `update`, `remove: true` or `copy`"
        );
        assert_eq!(
            fails(json!([{"target": "$.a", "copy": "$.*.*"}])),
            "fix.yaml#/actions/0/copy: `$.*.*` selects 0 nodes; `copy` needs exactly one"
        );
        assert_eq!(
            fails(json!([{"target": "$", "remove": true}])),
            "fix.yaml#/actions/0/target: the document root cannot be removed"
        );
    }

    #[test]
    fn other_overlay_versions_are_refused() {
        let mut document = json!({});
        let overlay = Overlay {
            file: "o.json".into(),
            document: json!({"overlay": "2.0.0", "actions": []}),
        };
        assert_eq!(
            apply(&mut document, &[overlay]).unwrap_err().to_string(),
            "o.json#/overlay: overlay version 2.0.0 is not supported (1.0.x and 1.1.x are)"
        );
    }
}
