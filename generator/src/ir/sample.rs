//! Sample values: for a schema, a small JSON value the schema accepts, built
//! from the spec's own examples, defaults, consts, enums, formats, bounds and
//! patterns. Used to call every operation with valid arguments in contract
//! tests (and offered to users for theirs).
//!
//! Works on the normalised document (3.0 shape plus `x-oa-*` extensions), so
//! one sampler serves 3.0 and 3.1 alike. Optional properties are left out:
//! the smallest valid value is the one least likely to trip a constraint.

use fancy_regex::Regex;
use serde_json::{Map, Value};

use crate::normalize::{X_CONST, X_NULL, X_PREFIX_ITEMS};

const MAX_DEPTH: usize = 10;

/// A value `schema` accepts; `doc` resolves `$ref`s.
pub fn sample(doc: &Value, schema: &Value) -> Value {
    sample_at(doc, schema, 0)
}

/// A value `schema` accepts with every property of its object present,
/// optional ones included (the values inside stay minimal), except optional
/// properties whose only value is `null`: what a test needs to see every
/// field of a type survive a round trip.
pub fn sample_all_fields(doc: &Value, schema: &Value) -> Value {
    let mut value = sample_at(doc, schema, 0);
    if let Value::Object(m) = &mut value {
        let mut props = Vec::new();
        properties(doc, schema, 0, &mut props);
        for (name, p) in props {
            if m.contains_key(name) {
                continue;
            }
            // A property whose only value is `null` carries nothing to keep.
            match sample_at(doc, p, 1) {
                Value::Null => {}
                v => {
                    m.insert(name.clone(), v);
                }
            }
        }
    }
    value
}

/// The properties of an object schema, those of its `allOf` members included.
fn properties<'a>(
    doc: &'a Value,
    schema: &'a Value,
    depth: usize,
    out: &mut Vec<(&'a String, &'a Value)>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let s = resolve(doc, schema);
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        out.extend(props);
    }
    for member in s
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        properties(doc, member, depth + 1, out);
    }
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let mut cur = schema;
    for _ in 0..16 {
        match cur
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(pointer) => match doc.pointer(pointer) {
                Some(target) => cur = target,
                None => return cur,
            },
            None => return cur,
        }
    }
    cur
}

fn sample_at(doc: &Value, schema: &Value, depth: usize) -> Value {
    let s = resolve(doc, schema);
    let Some(o) = s.as_object() else {
        return Value::Null;
    };
    if let Some(c) = o.get(X_CONST) {
        return c.clone();
    }
    if o.get(X_NULL) == Some(&Value::Bool(true)) {
        return Value::Null;
    }
    // The spec's own example or default, for scalars, when it satisfies the
    // schema (generated specs carry placeholder examples that do not).
    for key in ["example", "default"] {
        if let Some(v) = o.get(key).filter(|v| valid_scalar(o, v)) {
            return v.clone();
        }
    }
    if let Some(first) = o
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.iter().find(|v| !v.is_null()))
    {
        return first.clone();
    }
    if depth > MAX_DEPTH {
        return if o.get("nullable") == Some(&Value::Bool(true)) {
            Value::Null
        } else {
            Value::Object(Map::new())
        };
    }
    if let Some(all) = o.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        let mut last = Value::Null;
        for member in all {
            match sample_at(doc, member, depth + 1) {
                Value::Object(m) => merged.extend(m),
                other => last = other,
            }
        }
        object_part(doc, o, depth, &mut merged);
        return if merged.is_empty() && !last.is_null() {
            last
        } else {
            Value::Object(merged)
        };
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = o.get(key).and_then(Value::as_array).and_then(|b| b.first()) {
            let mut v = sample_at(doc, first, depth + 1);
            if let Value::Object(m) = &mut v {
                object_part(doc, o, depth, m);
            }
            return v;
        }
    }
    let typ = o.get("type").and_then(Value::as_str);
    let is_object = typ == Some("object")
        || (typ.is_none()
            && (o.contains_key("properties") || o.contains_key("additionalProperties")));
    if is_object {
        let mut m = Map::new();
        object_part(doc, o, depth, &mut m);
        return Value::Object(m);
    }
    match typ {
        Some("array") => {
            if let Some(prefix) = o.get(X_PREFIX_ITEMS).and_then(Value::as_array) {
                return Value::Array(
                    prefix
                        .iter()
                        .map(|p| sample_at(doc, p, depth + 1))
                        .collect(),
                );
            }
            let min = o
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .max(1);
            let max = o
                .get("maxItems")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX);
            let count = min.min(max);
            let item = o.get("items").map_or(Value::String("sample".into()), |i| {
                sample_at(doc, i, depth + 1)
            });
            Value::Array((0..count).map(|_| item.clone()).collect())
        }
        Some("integer") => number(o, true),
        Some("number") => number(o, false),
        Some("boolean") => Value::Bool(true),
        Some("string") => Value::String(string(o)),
        _ => Value::String("sample".into()),
    }
}

/// Whether `v` is a scalar this schema accepts (type, enum, bounds, pattern, format).
fn valid_scalar(o: &Map<String, Value>, v: &Value) -> bool {
    let typ = o.get("type").and_then(Value::as_str);
    if let Some(values) = o.get("enum").and_then(Value::as_array) {
        if !values.contains(v) {
            return false;
        }
    }
    match (typ, v) {
        (Some("string"), Value::String(s)) => {
            let len = s.chars().count() as u64;
            let min_ok = o
                .get("minLength")
                .and_then(Value::as_u64)
                .is_none_or(|m| len >= m);
            let max_ok = o
                .get("maxLength")
                .and_then(Value::as_u64)
                .is_none_or(|m| len <= m);
            let pattern_ok = o
                .get("pattern")
                .and_then(Value::as_str)
                .and_then(|p| Regex::new(p).ok())
                .is_none_or(|re| re.is_match(s).unwrap_or(false));
            let format = o.get("format").and_then(Value::as_str).unwrap_or("");
            min_ok && max_ok && pattern_ok && format_ok(format, s)
        }
        (Some("integer"), Value::Number(n)) => n.is_i64() && within(o, n.as_f64().unwrap_or(0.0)),
        (Some("number"), Value::Number(n)) => within(o, n.as_f64().unwrap_or(0.0)),
        (Some("boolean"), Value::Bool(_)) => true,
        _ => false,
    }
}

fn within(o: &Map<String, Value>, x: f64) -> bool {
    let ex_min = o.get("exclusiveMinimum") == Some(&Value::Bool(true));
    let ex_max = o.get("exclusiveMaximum") == Some(&Value::Bool(true));
    let lo =
        o.get("minimum")
            .and_then(Value::as_f64)
            .is_none_or(|m| if ex_min { x > m } else { x >= m });
    let hi =
        o.get("maximum")
            .and_then(Value::as_f64)
            .is_none_or(|m| if ex_max { x < m } else { x <= m });
    lo && hi
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

/// Required properties of an object schema, sampled into `m`.
fn object_part(doc: &Value, o: &Map<String, Value>, depth: usize, m: &mut Map<String, Value>) {
    let required: Vec<&str> = o
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = o.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            if required.contains(&name.as_str()) {
                m.insert(name.clone(), sample_at(doc, p, depth + 1));
            }
        }
    }
}

fn number(o: &Map<String, Value>, integer: bool) -> Value {
    let min = o.get("minimum").and_then(Value::as_f64);
    let max = o.get("maximum").and_then(Value::as_f64);
    let ex_min = o.get("exclusiveMinimum") == Some(&Value::Bool(true));
    let ex_max = o.get("exclusiveMaximum") == Some(&Value::Bool(true));
    let step = if integer { 1.0 } else { 0.5 };
    let mut v = match min {
        Some(m) if ex_min => m + step,
        Some(m) => m,
        None => 1.0f64.min(max.map_or(1.0, |x| if ex_max { x - step } else { x })),
    };
    if let Some(x) = max {
        if v > x || (ex_max && v >= x) {
            v = if ex_max { x - step } else { x };
        }
    }
    if integer {
        Value::from(v.round() as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::from(1), Value::Number)
    }
}

fn string(o: &Map<String, Value>) -> String {
    let format = o.get("format").and_then(Value::as_str).unwrap_or("");
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
    if let Some(pattern) = o.get("pattern").and_then(Value::as_str) {
        s = pattern_sample(pattern, &s);
    }
    let min = o.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = o
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
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

    #[test]
    fn bounds_formats_and_patterns() {
        let doc = json!({});
        assert_eq!(
            sample(
                &doc,
                &json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
            ),
            json!(1)
        );
        assert_eq!(
            sample(&doc, &json!({"type": "integer", "maximum": -3})),
            json!(-3)
        );
        assert_eq!(
            sample(&doc, &json!({"type": "string", "minLength": 8})),
            json!("sampleaa")
        );
        assert_eq!(
            sample(&doc, &json!({"type": "string", "maxLength": 3})),
            json!("sam")
        );
        assert_eq!(
            sample(&doc, &json!({"type": "string", "format": "uuid4"})),
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
            let s = sample(&doc, &json!({"type": "string", "pattern": pattern}));
            let re = Regex::new(pattern).unwrap();
            assert!(
                re.is_match(s.as_str().unwrap()).unwrap(),
                "{pattern} vs {s}"
            );
        }
    }

    #[test]
    fn objects_take_required_properties_and_follow_refs() {
        let doc = json!({"components": {"schemas": {"Tag": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "example": "blue"}}}}}});
        let schema = json!({
            "type": "object",
            "required": ["tag", "kind"],
            "properties": {
                "tag": {"$ref": "#/components/schemas/Tag"},
                "kind": {"type": "string", "enum": ["a", "b"], "x-oa-const": "b"},
                "optional": {"type": "string"}
            }
        });
        assert_eq!(
            sample(&doc, &schema),
            json!({"tag": {"name": "blue"}, "kind": "b"})
        );
    }
}
