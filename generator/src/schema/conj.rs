//! What several schemas mean together. A value of a schema satisfies the
//! schema's own keywords, its `$ref`'s target (keywords beside a `$ref` apply
//! with it) and every `allOf` member: lowering reads all of them at once, as a
//! [`Conj`] expanded into its members ([`Conj::expand`]).

use std::collections::BTreeSet;

use serde_json::Value;

use super::{JsonType, Schema, SchemaId, Schemas};

/// How deep `$ref`s and `allOf`s are followed (real specs stay under 20).
const MAX_DEPTH: usize = 64;

/// A conjunction of schemas: a value must satisfy each of `ids`. Unions in
/// `spread` were already distributed over (their `oneOf`/`anyOf` read as
/// done), and `only` narrows the value to one JSON type (one branch of
/// `type: [string, integer]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Conj {
    /// The schemas, the first being where the value sits.
    pub ids: Vec<SchemaId>,
    /// Schemas whose `oneOf`/`anyOf` were distributed into `ids`.
    pub spread: BTreeSet<SchemaId>,
    /// The one JSON type the value has, when split by type.
    pub only: Option<JsonType>,
}

impl Conj {
    /// The conjunction of one schema.
    pub fn of(id: SchemaId) -> Conj {
        Conj {
            ids: vec![id],
            ..Conj::default()
        }
    }

    /// This conjunction and `more`.
    pub fn with(&self, more: SchemaId) -> Conj {
        let mut c = self.clone();
        if !c.ids.contains(&more) {
            c.ids.push(more);
        }
        c
    }

    /// Every schema that applies, own ones first, each once: `ids`, their
    /// `$ref` targets and `allOf` members, recursively.
    pub fn expand(&self, schemas: &Schemas) -> Expansion {
        let mut e = Expansion::default();
        let mut seen = BTreeSet::new();
        for &id in &self.ids {
            visit(schemas, id, 0, &mut seen, &mut e);
        }
        e
    }
}

/// A conjunction's members.
#[derive(Debug, Clone, Default)]
pub struct Expansion {
    /// Every member, in the order met (depth first, a schema before its `$ref`
    /// target and `allOf` members).
    pub members: Vec<SchemaId>,
    /// The members again, each after what it builds on (its `$ref` target
    /// and `allOf` members): base schemas first, the schema itself last.
    pub post: Vec<SchemaId>,
    /// Members met through a `$ref` (their targets), in the order met.
    pub referenced: Vec<SchemaId>,
    /// Some member is `false`: no value satisfies the conjunction.
    pub never: bool,
    /// `$ref`s or `allOf`s went deeper than 64 levels.
    pub too_deep: bool,
}

fn visit(
    schemas: &Schemas,
    id: SchemaId,
    depth: usize,
    seen: &mut BTreeSet<SchemaId>,
    e: &mut Expansion,
) {
    if depth > MAX_DEPTH {
        e.too_deep = true;
        return;
    }
    if !seen.insert(id) {
        return;
    }
    let s = schemas.get(id);
    if s.boolean == Some(false) {
        e.never = true;
    }
    e.members.push(id);
    if let Some(t) = s.reference.as_ref().and_then(|r| r.target) {
        if !seen.contains(&t) {
            e.referenced.push(t);
        }
        visit(schemas, t, depth + 1, seen, e);
    }
    for &m in &s.all_of {
        visit(schemas, m, depth + 1, seen, e);
    }
    e.post.push(id);
}

/// Keywords that describe or annotate a value, or constrain it without
/// changing what Rust type holds it.
pub fn is_modifier_only(s: &Schema) -> bool {
    s.boolean != Some(false)
        && s.reference.is_none()
        && s.types.is_none()
        && s.format.is_none()
        && s.enumeration.is_none()
        && s.constant.is_none()
        && s.properties.is_empty()
        && s.required.is_empty()
        && s.additional.is_none()
        && s.pattern_properties.is_empty()
        && s.property_names.is_none()
        && s.items.is_none()
        && s.prefix_items.is_empty()
        && s.all_of.is_empty()
        && s.any_of.is_empty()
        && s.one_of.is_empty()
        && s.discriminator.is_none()
}

/// Whether `s` types its values beyond a bare `$ref` with modifiers: it has
/// keywords of its own that the `$ref`'s target must be merged with.
pub fn adds_to_ref(s: &Schema) -> bool {
    let bare = Schema {
        reference: None,
        nullable: false,
        types: None,
        ..s.clone()
    };
    !is_modifier_only(&bare)
}

/// Whether a value of `schemas` at `id` (with its own `allOf` and `$ref`) may
/// be `null`. A schema without a type says nothing of null and lets it
/// through, but structure keywords alone (`properties`, `items`) are read as
/// naming their type; 3.0's `nullable: true` admits null for everything it
/// is written beside, and an `allOf` member made only of modifiers that says
/// `nullable: true` (`allOf: [{$ref: X}, {nullable: true}]`) for the schema
/// holding it.
pub fn admits_null(schemas: &Schemas, id: SchemaId) -> bool {
    admits_null_at(schemas, id, 0, &mut BTreeSet::new())
}

fn admits_null_at(
    schemas: &Schemas,
    id: SchemaId,
    depth: usize,
    seen: &mut BTreeSet<SchemaId>,
) -> bool {
    let s = schemas.get(id);
    if s.boolean == Some(false) || depth > MAX_DEPTH || !seen.insert(id) {
        return false;
    }
    if s.nullable
        || s.all_of
            .iter()
            .map(|&m| schemas.get(m))
            .any(|m| m.nullable && is_modifier_only(m))
    {
        return true;
    }
    if let Some(t) = &s.types {
        if !t.contains(&JsonType::Null) {
            return false;
        }
    }
    if let Some(e) = &s.enumeration {
        if !e.contains(&Value::Null) {
            return false;
        }
    }
    if let Some(c) = &s.constant {
        if !c.is_null() {
            return false;
        }
    }
    if s.types.is_none()
        && (!s.properties.is_empty()
            || s.additional.is_some()
            || s.items.is_some()
            || !s.prefix_items.is_empty())
    {
        return false;
    }
    for branches in [&s.one_of, &s.any_of] {
        if !branches.is_empty()
            && !branches
                .iter()
                .any(|&b| admits_null_at(schemas, b, depth + 1, &mut seen.clone()))
        {
            return false;
        }
    }
    let target_ok = s
        .reference
        .as_ref()
        .and_then(|r| r.target)
        .is_none_or(|t| admits_null_at(schemas, t, depth + 1, seen));
    target_ok
        && s.all_of
            .iter()
            .filter(|&&m| !is_modifier_only(schemas.get(m)))
            .all(|&m| admits_null_at(schemas, m, depth + 1, seen))
}

/// The JSON types a conjunction's values may have (`None`: any), null aside.
pub fn types(schemas: &Schemas, e: &Expansion, only: Option<JsonType>) -> Option<Vec<JsonType>> {
    let mut out: Option<Vec<JsonType>> = only.map(|t| vec![t]);
    for &m in &e.members {
        let Some(t) = &schemas.get(m).types else {
            continue;
        };
        let t: Vec<JsonType> = t.iter().copied().filter(|x| *x != JsonType::Null).collect();
        if t.is_empty() {
            continue; // `type: null`: read by the null check
        }
        out = Some(match out {
            None => t,
            Some(prev) => intersect(&prev, &t),
        });
    }
    out
}

/// The values of both type lists (`integer` within `number`).
fn intersect(a: &[JsonType], b: &[JsonType]) -> Vec<JsonType> {
    let mut out = Vec::new();
    for &x in a {
        for &y in b {
            let t = if x.within(y) {
                x
            } else if y.within(x) {
                y
            } else {
                continue;
            };
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// The values every member's `enum` and `const` allow, `null` aside; `None`
/// when no member lists values.
pub fn values(schemas: &Schemas, e: &Expansion) -> Option<Vec<Value>> {
    let mut out: Option<Vec<Value>> = None;
    for &m in &e.members {
        let s = schemas.get(m);
        let lists = s
            .enumeration
            .iter()
            .cloned()
            .chain(s.constant.iter().map(|c| vec![c.clone()]));
        for list in lists {
            let mut list: Vec<Value> = list.into_iter().filter(|v| !v.is_null()).collect();
            dedup(&mut list);
            out = Some(match out {
                None => list,
                Some(prev) => prev.into_iter().filter(|v| list.contains(v)).collect(),
            });
        }
    }
    out
}

fn dedup(list: &mut Vec<Value>) {
    let mut seen = Vec::new();
    list.retain(|v| {
        if seen.contains(v) {
            false
        } else {
            seen.push(v.clone());
            true
        }
    });
}

/// The `format` of the value: that of the last member (base schemas first)
/// stating a `type` or a `format`, so that a schema restating a property's
/// type without a format (`created: {type: string}` over a base's
/// `date-time`) makes it plain; with another format some member gives, when
/// they differ.
pub fn format(schemas: &Schemas, e: &Expansion) -> (Option<String>, Option<String>) {
    let decides = e
        .post
        .iter()
        .rev()
        .map(|&m| schemas.get(m))
        .find(|s| s.format.is_some() || s.types.is_some());
    let chosen = decides.and_then(|s| s.format.clone());
    let other = e
        .post
        .iter()
        .filter_map(|&m| schemas.get(m).format.as_ref())
        .find(|f| chosen.as_ref().is_some_and(|c| c != *f))
        .cloned();
    (chosen, other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas(doc: Value) -> Schemas {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": doc}});
        super::super::read(&mut doc).unwrap()
    }

    fn id(s: &Schemas, name: &str) -> SchemaId {
        s.at(&format!("#/components/schemas/{name}")).unwrap()
    }

    #[test]
    fn members_follow_refs_and_all_of_once() {
        let s = schemas(json!({
            "Base": {"type": "object", "properties": {"a": {"type": "string"}}},
            "Mid": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"required": ["a"]}]},
            "Full": {"$ref": "#/components/schemas/Mid", "properties": {"b": {}}},
            "Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}]}
        }));
        let e = Conj::of(id(&s, "Full")).expand(&s);
        let at: Vec<&str> = e.members.iter().map(|&m| s.get(m).at.as_str()).collect();
        assert_eq!(
            at,
            [
                "#/components/schemas/Full",
                "#/components/schemas/Mid",
                "#/components/schemas/Mid/allOf/0",
                "#/components/schemas/Base",
                "#/components/schemas/Mid/allOf/1",
            ]
        );
        let e = Conj::of(id(&s, "Loop")).expand(&s);
        assert_eq!(e.members.len(), 2, "a cycle ends");
    }

    #[test]
    fn null_is_admitted_as_each_version_says() {
        let s = schemas(json!({
            "A": {"type": ["string", "null"]},
            "B": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "C": {"allOf": [{"$ref": "#/components/schemas/D"}, {"nullable": true}]},
            "D": {"type": "object", "properties": {"x": {}}},
            "E": {"allOf": [{"$ref": "#/components/schemas/D"}], "nullable": true},
            "F": {"properties": {"x": {}}},
            "G": {"description": "anything"},
            "H": {"$ref": "#/components/schemas/A", "type": "string"}
        }));
        for (name, null) in [
            ("A", true),
            ("B", true),
            ("C", true),
            ("D", false),
            ("E", true),
            ("F", false),
            ("G", true),
            ("H", false),
        ] {
            assert_eq!(admits_null(&s, id(&s, name)), null, "{name}");
        }
    }

    #[test]
    fn types_and_values_intersect() {
        let s = schemas(json!({
            "A": {"type": "number", "allOf": [{"type": ["integer", "string"]}]},
            "B": {"enum": ["a", "b", null], "allOf": [{"const": "b"}]},
            "C": {"type": "string", "enum": ["x"], "allOf": [{"$ref": "#/components/schemas/K"}]},
            "K": {"type": "string", "enum": ["x", "y"]}
        }));
        let a = Conj::of(id(&s, "A")).expand(&s);
        assert_eq!(types(&s, &a, None), Some(vec![JsonType::Integer]));
        let b = Conj::of(id(&s, "B")).expand(&s);
        assert_eq!(values(&s, &b), Some(vec![json!("b")]));
        let c = Conj::of(id(&s, "C")).expand(&s);
        assert_eq!(values(&s, &c), Some(vec![json!("x")]));
    }
}
