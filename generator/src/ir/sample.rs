//! Sample values: for a schema, a small JSON value the schema accepts, built
//! from the spec's own examples, defaults, consts, enums, formats, bounds and
//! patterns. Used to call every operation with valid arguments in contract
//! tests (and offered to users for theirs).
//!
//! Reads the schema model, so one sampler serves 3.0 and 3.1 alike, and a
//! schema is sampled with everything that applies with it (its `allOf`
//! members, its `$ref`'s target). Optional properties are left out: the
//! smallest valid value is the one least likely to trip a constraint. Items
//! of a `uniqueItems` list differ from each other.

use fancy_regex::Regex;
use serde_json::{Map, Value};

use crate::schema::conj::{self, Conj};
use crate::schema::{JsonType, Schema, SchemaId, Schemas};

const MAX_DEPTH: usize = 10;

/// A value the schema `id` accepts.
pub fn sample(schemas: &Schemas, id: SchemaId) -> Value {
    sample_conj(schemas, &Conj::of(id), 0)
}

/// A value the schema `id` accepts with every property of its object present,
/// optional ones included (the values inside stay minimal), except optional
/// properties whose only value is `null`: what a test needs to see every
/// field of a type survive a round trip.
pub fn sample_all_fields(schemas: &Schemas, id: SchemaId) -> Value {
    let mut value = sample(schemas, id);
    if let Value::Object(m) = &mut value {
        for (name, defs) in properties(schemas, &Conj::of(id)) {
            if m.contains_key(&name) {
                continue;
            }
            // A property whose only value is `null` carries nothing to keep.
            match sample_conj(
                schemas,
                &Conj {
                    ids: defs,
                    ..Conj::default()
                },
                1,
            ) {
                Value::Null => {}
                v => {
                    m.insert(name, v);
                }
            }
        }
    }
    value
}

/// Every property the members of `c` declare, each with its definitions.
fn properties(schemas: &Schemas, c: &Conj) -> Vec<(String, Vec<SchemaId>)> {
    let mut out: Vec<(String, Vec<SchemaId>)> = Vec::new();
    for &m in &c.expand(schemas).members {
        for (k, p) in &schemas.get(m).properties {
            match out.iter_mut().find(|(n, _)| n == k) {
                Some((_, defs)) => defs.push(*p),
                None => out.push((k.clone(), vec![*p])),
            }
        }
    }
    out
}

/// What the members of a conjunction say of a scalar, merged.
#[derive(Default)]
struct Facts<'s> {
    types: Option<Vec<JsonType>>,
    format: Option<String>,
    min: Option<f64>,
    max: Option<f64>,
    ex_min: Option<f64>,
    ex_max: Option<f64>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    patterns: Vec<&'s str>,
    values: Option<Vec<Value>>,
}

fn facts<'s>(schemas: &'s Schemas, members: &[&'s Schema], c: &Conj) -> Facts<'s> {
    let e = c.expand(schemas);
    let mut f = Facts {
        types: conj::types(schemas, &e, c.only),
        format: conj::format(schemas, &e).0,
        values: conj::values(schemas, &e),
        ..Facts::default()
    };
    let tighter = |a: Option<f64>, b: Option<f64>, max: bool| match (a, b) {
        (Some(x), Some(y)) => Some(if max { x.min(y) } else { x.max(y) }),
        (x, y) => x.or(y),
    };
    for m in members {
        f.min = tighter(f.min, m.minimum, false);
        f.max = tighter(f.max, m.maximum, true);
        f.ex_min = tighter(f.ex_min, m.exclusive_minimum, false);
        f.ex_max = tighter(f.ex_max, m.exclusive_maximum, true);
        f.min_length = f.min_length.max(m.min_length);
        f.max_length = match (f.max_length, m.max_length) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        f.patterns.extend(m.pattern.as_deref());
    }
    f
}

fn sample_conj(schemas: &Schemas, c: &Conj, depth: usize) -> Value {
    let e = c.expand(schemas);
    let members: Vec<&Schema> = e.members.iter().map(|&m| schemas.get(m)).collect();
    if members.iter().any(|m| m.null_only()) {
        return Value::Null;
    }
    let f = facts(schemas, &members, c);
    if let Some(first) = f.values.as_ref().and_then(|v| v.first()) {
        return first.clone();
    }
    // The spec's own example or default, for scalars, when it satisfies the
    // schema (generated specs carry placeholder examples that do not).
    let given = members
        .iter()
        .flat_map(|m| m.examples.iter().chain(&m.default))
        .find(|v| valid_scalar(&f, v));
    if let Some(v) = given {
        return v.clone();
    }
    if depth > MAX_DEPTH {
        return if c.ids.iter().any(|&id| conj::admits_null(schemas, id)) {
            Value::Null
        } else {
            Value::Object(Map::new())
        };
    }
    // A union: its first branch that is not only `null`, with the rest.
    let group = e
        .members
        .iter()
        .filter(|m| !c.spread.contains(m))
        .find_map(|&m| {
            let s = schemas.get(m);
            let branches = if s.one_of.is_empty() {
                &s.any_of
            } else {
                &s.one_of
            };
            let first = branches.iter().find(|&&b| !schemas.get(b).null_only())?;
            Some((m, *first))
        });
    if let Some((holder, branch)) = group {
        let mut sub = c.with(branch);
        sub.spread.insert(holder);
        return sample_conj(schemas, &sub, depth + 1);
    }
    let is = |t: JsonType| f.types.as_ref().is_some_and(|ts| ts.contains(&t));
    let object_like = members
        .iter()
        .any(|m| !m.properties.is_empty() || m.additional.is_some() || m.properties_declared);
    let array_like = members
        .iter()
        .any(|m| m.items.is_some() || !m.prefix_items.is_empty());
    if is(JsonType::Object) || (f.types.is_none() && object_like) {
        let mut m = Map::new();
        let required: Vec<&String> = members.iter().flat_map(|m| &m.required).collect();
        for (name, defs) in properties(schemas, c) {
            if required.contains(&&name) {
                let v = sample_conj(
                    schemas,
                    &Conj {
                        ids: defs,
                        ..Conj::default()
                    },
                    depth + 1,
                );
                m.insert(name, v);
            }
        }
        return Value::Object(m);
    }
    if is(JsonType::Array) || (f.types.is_none() && array_like) {
        return array(schemas, &members, depth);
    }
    match f.types.as_deref() {
        Some(ts) if ts.contains(&JsonType::String) => Value::String(string(&f)),
        Some(ts) if ts.contains(&JsonType::Integer) => number(&f, true),
        Some(ts) if ts.contains(&JsonType::Number) => number(&f, false),
        Some(ts) if ts.contains(&JsonType::Boolean) => Value::Bool(true),
        Some(ts) if ts.contains(&JsonType::Null) => Value::Null,
        _ => Value::String("sample".into()),
    }
}

fn array(schemas: &Schemas, members: &[&Schema], depth: usize) -> Value {
    if let Some(m) = members.iter().find(|m| !m.prefix_items.is_empty()) {
        return Value::Array(
            m.prefix_items
                .iter()
                .map(|&p| sample_conj(schemas, &Conj::of(p), depth + 1))
                .collect(),
        );
    }
    let min = members
        .iter()
        .filter_map(|m| m.min_items)
        .max()
        .unwrap_or(1)
        .max(1);
    let max = members
        .iter()
        .filter_map(|m| m.max_items)
        .min()
        .unwrap_or(u64::MAX);
    let count = min.min(max);
    let items: Vec<SchemaId> = members.iter().filter_map(|m| m.items).collect();
    let item = if items.is_empty() {
        Value::String("sample".into())
    } else {
        sample_conj(
            schemas,
            &Conj {
                ids: items,
                ..Conj::default()
            },
            depth + 1,
        )
    };
    let unique = members.iter().any(|m| m.unique_items);
    Value::Array(
        (0..count)
            .map(|i| if unique { vary(&item, i) } else { item.clone() })
            .collect(),
    )
}

/// The `i`th of a run of distinct values like `v` (for `uniqueItems`).
fn vary(v: &Value, i: u64) -> Value {
    if i == 0 {
        return v.clone();
    }
    match v {
        Value::String(s) => Value::String(format!("{s}{i}")),
        Value::Number(n) => match n.as_i64() {
            Some(x) => Value::from(x.saturating_add(i as i64)),
            None => serde_json::Number::from_f64(n.as_f64().unwrap_or(0.0) + i as f64)
                .map_or(Value::from(i), Value::Number),
        },
        Value::Bool(b) => Value::Bool(if i % 2 == 1 { !b } else { *b }),
        Value::Object(m) => {
            let mut m = m.clone();
            if let Some((_, first)) = m.iter_mut().find(|(_, x)| x.is_string() || x.is_number()) {
                *first = vary(first, i);
            } else {
                m.insert(format!("item{i}"), Value::from(i));
            }
            Value::Object(m)
        }
        Value::Array(a) => {
            let mut a = a.clone();
            a.push(Value::from(i));
            Value::Array(a)
        }
        Value::Null => Value::from(i),
    }
}

/// Whether `v` is a scalar the facts accept (type, enum, bounds, pattern, format).
fn valid_scalar(f: &Facts<'_>, v: &Value) -> bool {
    if let Some(values) = &f.values {
        if !values.contains(v) {
            return false;
        }
    }
    let ts = f.types.as_deref().unwrap_or_default();
    match v {
        Value::String(s) if ts.contains(&JsonType::String) => {
            let len = s.chars().count() as u64;
            let min_ok = f.min_length.is_none_or(|m| len >= m);
            let max_ok = f.max_length.is_none_or(|m| len <= m);
            let pattern_ok = f.patterns.iter().all(|p| {
                Regex::new(p)
                    .ok()
                    .is_none_or(|re| re.is_match(s).unwrap_or(false))
            });
            min_ok && max_ok && pattern_ok && format_ok(f.format.as_deref().unwrap_or(""), s)
        }
        Value::Number(n) if ts.contains(&JsonType::Integer) && !ts.contains(&JsonType::Number) => {
            n.is_i64() && within(f, n.as_f64().unwrap_or(0.0))
        }
        Value::Number(n) if ts.contains(&JsonType::Number) || ts.contains(&JsonType::Integer) => {
            within(f, n.as_f64().unwrap_or(0.0))
        }
        Value::Bool(_) => ts.contains(&JsonType::Boolean),
        _ => false,
    }
}

fn within(f: &Facts<'_>, x: f64) -> bool {
    f.min.is_none_or(|m| x >= m)
        && f.max.is_none_or(|m| x <= m)
        && f.ex_min.is_none_or(|m| x > m)
        && f.ex_max.is_none_or(|m| x < m)
}

/// A light check of the formats the sampler knows.
fn format_ok(format: &str, s: &str) -> bool {
    let digits = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit());
    match format {
        f if f.starts_with("uuid") => {
            let parts: Vec<&str> = s.split('-').collect();
            parts.len() == 5
                && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
                && parts
                    .iter()
                    .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
        }
        "date" => s.len() == 10 && s.split('-').all(digits),
        "date-time" => s.len() >= 20 && s.as_bytes().get(10) == Some(&b'T'),
        "email" => s.contains('@') && s.contains('.'),
        "uri" | "url" => s.contains("://"),
        _ => true,
    }
}

fn number(f: &Facts<'_>, integer: bool) -> Value {
    let step = if integer { 1.0 } else { 0.5 };
    let lo = match (f.min, f.ex_min) {
        (_, Some(m)) => Some(m + step),
        (Some(m), None) => Some(m),
        (None, None) => None,
    };
    let hi = match (f.max, f.ex_max) {
        (_, Some(m)) => Some(m - step),
        (Some(m), None) => Some(m),
        (None, None) => None,
    };
    let mut v = lo.unwrap_or_else(|| 1.0f64.min(hi.unwrap_or(1.0)));
    if let Some(x) = hi {
        if v > x {
            v = x;
        }
    }
    if integer {
        Value::from(v.round() as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::from(1), Value::Number)
    }
}

fn string(f: &Facts<'_>) -> String {
    let format = f.format.as_deref().unwrap_or("");
    let base = match format {
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05",
        "email" | "idn-email" => "user@example.com",
        "uri" | "url" | "iri" => "https://example.com/",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "127.0.0.1",
        "ipv6" => "::1",
        "byte" => "AAAA",
        "binary" => "",
        f if f.starts_with("uuid") => "00000000-0000-4000-8000-000000000000",
        _ => "sample",
    };
    let mut s = base.to_owned();
    for pattern in &f.patterns {
        s = pattern_sample(pattern, &s);
    }
    let min = f.min_length.unwrap_or(0) as usize;
    let max = f.max_length.map_or(usize::MAX, |m| m as usize);
    while s.chars().count() < min {
        s.push('a');
    }
    if s.chars().count() > max {
        s = s.chars().take(max).collect();
    }
    s
}

/// A string matching `pattern`: `preferred` if it does, else one built from the
/// pattern (first alternatives, minimal repetitions), else a few common shapes.
fn pattern_sample(pattern: &str, preferred: &str) -> String {
    let Ok(re) = Regex::new(pattern) else {
        return preferred.to_owned();
    };
    let matches = |s: &str| re.is_match(s).unwrap_or(false);
    let built = build_from_pattern(pattern);
    let candidates = [
        preferred,
        built.as_str(),
        "1",
        "a",
        "sample",
        "A1",
        "1.0",
        "0",
        "abc",
    ];
    candidates
        .iter()
        .find(|c| matches(c))
        .map_or_else(|| preferred.to_owned(), |c| (*c).to_owned())
}

/// A rough string from a regular expression: literals kept, classes give their
/// first member, groups their first alternative, repetitions their minimum
/// (one for `+`), lookarounds and anchors dropped.
fn build_from_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    build(&chars, &mut 0, &mut out, 0);
    out
}

fn build(p: &[char], i: &mut usize, out: &mut String, depth: usize) {
    if depth > 16 {
        return;
    }
    while let Some(&c) = p.get(*i) {
        let start_len = out.len();
        match c {
            '^' | '$' => {
                *i += 1;
                continue;
            }
            '|' => {
                // Keep the first alternative: skip to the end of this group.
                let mut level = 0i32;
                while let Some(&c) = p.get(*i) {
                    match c {
                        '\\' => *i += 1,
                        '(' => level += 1,
                        ')' if level == 0 => return,
                        ')' => level -= 1,
                        _ => {}
                    }
                    *i += 1;
                }
                return;
            }
            ')' => return,
            '(' => {
                *i += 1;
                let lookaround =
                    p.get(*i) == Some(&'?') && matches!(p.get(*i + 1), Some('=' | '!' | '<'));
                if p.get(*i) == Some(&'?') {
                    *i += 1;
                    while p
                        .get(*i)
                        .is_some_and(|c| !matches!(c, ':' | ')' | '=' | '!'))
                    {
                        *i += 1;
                    }
                    *i += 1;
                }
                let mut inner = String::new();
                build(p, i, &mut inner, depth + 1);
                *i += 1; // the closing parenthesis
                if !lookaround {
                    out.push_str(&inner);
                }
            }
            '[' => {
                *i += 1;
                let mut first = None;
                let negated = p.get(*i) == Some(&'^');
                if negated {
                    *i += 1;
                }
                while let Some(&c) = p.get(*i).filter(|&&c| c != ']') {
                    let ch = if c == '\\' {
                        *i += 1;
                        escape_char(p.get(*i).copied().unwrap_or('a'))
                    } else {
                        c
                    };
                    first.get_or_insert(ch);
                    *i += 1;
                }
                *i += 1;
                out.push(if negated { 'a' } else { first.unwrap_or('a') });
            }
            '\\' => {
                *i += 1;
                out.push(escape_char(p.get(*i).copied().unwrap_or('a')));
                *i += 1;
            }
            '.' => {
                out.push('a');
                *i += 1;
            }
            other => {
                out.push(other);
                *i += 1;
            }
        }
        // A quantifier applies to what was just added.
        let added: String = out.get(start_len..).unwrap_or_default().to_owned();
        match p.get(*i) {
            Some('*') | Some('?') => {
                out.truncate(start_len);
                *i += 1;
            }
            Some('+') => *i += 1,
            Some('{') => {
                let rest = p.get(*i..).unwrap_or_default();
                let close = rest.iter().position(|&c| c == '}').map(|n| *i + n);
                if let Some(close) = close {
                    let spec: String = p.get(*i + 1..close).unwrap_or_default().iter().collect();
                    let min: usize = spec
                        .split(',')
                        .next()
                        .and_then(|m| m.trim().parse().ok())
                        .unwrap_or(1);
                    out.truncate(start_len);
                    for _ in 0..min {
                        out.push_str(&added);
                    }
                    *i = close + 1;
                }
            }
            _ => {}
        }
        if matches!(p.get(*i), Some('?')) {
            *i += 1; // lazy quantifier marker
        }
    }
}

fn escape_char(c: char) -> char {
    match c {
        'd' => '1',
        'w' => 'a',
        's' => ' ',
        'D' | 'W' | 'S' => 'a',
        'n' => '\n',
        't' => '\t',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(schema: Value) -> Value {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": schema}}});
        let s = crate::schema::read(&mut doc).unwrap();
        sample(&s, s.at("#/components/schemas/S").unwrap())
    }

    #[test]
    fn bounds_formats_and_patterns() {
        assert_eq!(
            one(json!({"type": "integer", "exclusiveMinimum": 0})),
            json!(1)
        );
        assert_eq!(one(json!({"type": "integer", "maximum": -3})), json!(-3));
        assert_eq!(
            one(json!({"type": "string", "minLength": 8})),
            json!("sampleaa")
        );
        assert_eq!(one(json!({"type": "string", "maxLength": 3})), json!("sam"));
        assert_eq!(
            one(json!({"type": "string", "format": "uuid4"})),
            json!("00000000-0000-4000-8000-000000000000")
        );
        for pattern in [
            "^[a-z0-9-_]+$",
            "^(rk|sk)_",
            "^A[A-Z0-9]+$",
            "^[0-9]+\\.[0-9]+$",
            "^image\\/(jpeg|png|gif|webp|svg\\+xml)$",
            "^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d*$",
            "usd",
        ] {
            let s = one(json!({"type": "string", "pattern": pattern}));
            let re = Regex::new(pattern).unwrap();
            assert!(
                re.is_match(s.as_str().unwrap()).unwrap(),
                "{pattern} vs {s}"
            );
        }
    }

    #[test]
    fn objects_take_required_properties_and_follow_refs() {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {
            "Tag": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "example": "blue"}}},
            "S": {
                "type": "object",
                "required": ["tag", "kind"],
                "properties": {
                    "tag": {"$ref": "#/components/schemas/Tag"},
                    "kind": {"type": "string", "enum": ["a", "b"], "const": "b"},
                    "optional": {"type": "string"}
                }
            }
        }}});
        let s = crate::schema::read(&mut doc).unwrap();
        assert_eq!(
            sample(&s, s.at("#/components/schemas/S").unwrap()),
            json!({"tag": {"name": "blue"}, "kind": "b"})
        );
    }

    #[test]
    fn unique_items_differ_and_all_of_members_merge() {
        assert_eq!(
            one(
                json!({"type": "array", "minItems": 3, "uniqueItems": true, "items": {"type": "integer"}})
            ),
            json!([1, 2, 3])
        );
        assert_eq!(
            one(json!({"allOf": [
                {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
                {"required": ["b"], "properties": {"b": {"type": "integer", "minimum": 5}}}
            ]})),
            json!({"a": "sample", "b": 5})
        );
    }
}
