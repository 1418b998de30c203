//! Loading, the stage after normalisation: the version checked, every
//! schema read into the schema model ([`crate::schema::read`]), and the rest
//! of the document (paths, operations, parameters, responses, servers,
//! security) typed with openapiv3. openapiv3 models OpenAPI 3.0; with the
//! schemas taken out (a `{}` where each was) the rest of a 3.1 document
//! reads the same, and so does a 3.2 one once what openapiv3 cannot read
//! is taken out ([`Extra`]: the `query` method, `additionalOperations`,
//! `in: querystring` parameters) for the IR to lower.

use serde_json::Value;

use crate::error::{Error, Pointer, Result};
use crate::schema::{self, Schemas};

/// The OpenAPI versions the generator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// OpenAPI 3.0.x
    V3_0,
    /// OpenAPI 3.1.x
    V3_1,
    /// OpenAPI 3.2.x
    V3_2,
}

/// What a 3.2 document holds that openapiv3 cannot read, taken out of
/// `raw` before it reads the rest.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// `query` operations and those of `additionalOperations`.
    pub operations: Vec<ExtraOperation>,
    /// `in: querystring` parameters (the whole query string as one value),
    /// by the pointer of the operation or path item that lists them: where
    /// each was, and the parameter (a `$ref` resolved).
    pub querystrings: std::collections::BTreeMap<String, (Pointer, Value)>,
}

/// An operation of a method openapiv3 has no field for.
#[derive(Debug, Clone)]
pub struct ExtraOperation {
    /// The path (the key in `paths`).
    pub path: String,
    /// The method as sent: `QUERY`, or an `additionalOperations` key as written.
    pub method: String,
    /// Where the operation is.
    pub at: Pointer,
    /// The operation (its schemas taken out, its querystring parameter too).
    pub operation: Value,
}

/// A loaded document.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Version declared by the document's `openapi` field.
    pub version: Version,
    /// The normalised document as JSON, its schemas taken out (what
    /// `openapi` was parsed from).
    pub raw: Value,
    /// The typed document (its schemas are the `{}` left in their places).
    pub openapi: openapiv3::OpenAPI,
    /// Every schema of the document.
    pub schemas: Schemas,
    /// Where normalisation copied things from.
    pub normalized: crate::normalize::Normalized,
    /// What loading left out, with where it is.
    pub left_out: Vec<(Pointer, String)>,
    /// What a 3.2 document holds that openapiv3 does not read.
    pub extra: Extra,
}

/// Parses, checks the version, normalises and loads a single-document spec.
pub fn load(bytes: &[u8]) -> Result<Loaded> {
    from_document(crate::parse::parse_document(bytes)?)
}

/// Checks the version of a parsed document, normalises it and loads it.
pub fn from_document(mut raw: Value) -> Result<Loaded> {
    let version = detect_version(&raw)?;
    let normalized = crate::normalize::normalize_document(&mut raw)?;
    let schemas = schema::read(&mut raw)?;
    let mut left_out = take_callbacks(&mut raw);
    if raw.get("$self").is_some() {
        left_out.push((
            Pointer::root().join("$self"),
            "`$self` is not used: relative `$ref`s are read relative to the document's own file"
                .to_owned(),
        ));
    }
    let extra = if version == Version::V3_2 {
        take_v3_2(&mut raw)
    } else {
        Extra::default()
    };
    let openapi = typed(&raw)?;
    Ok(Loaded {
        version,
        raw,
        openapi,
        schemas,
        normalized,
        left_out,
        extra,
    })
}

/// The methods openapiv3 reads on a path item (in its fields' order).
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Takes out of a 3.2 document what openapiv3 cannot read (see [`Extra`]).
fn take_v3_2(raw: &mut Value) -> Extra {
    let mut extra = Extra::default();
    // Querystring parameters among the components, which references name.
    let mut shared: std::collections::BTreeMap<String, Value> = std::collections::BTreeMap::new();
    if let Some(params) = raw
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        let names: Vec<String> = params
            .iter()
            .filter(|(_, p)| is_querystring(p))
            .map(|(n, _)| n.clone())
            .collect();
        for name in names {
            if let Some(p) = params.shift_remove(&name) {
                shared.insert(format!("#/components/parameters/{name}"), p);
            }
        }
    }
    let paths_at = Pointer::root().join("paths");
    let paths = raw.get_mut("paths").and_then(Value::as_object_mut);
    for (path, item) in paths.into_iter().flatten() {
        let item_at = paths_at.join(path);
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        take_querystring(item, &item_at, &shared, &mut extra);
        for method in METHODS {
            if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                take_querystring(op, &item_at.join(method), &shared, &mut extra);
            }
        }
        let mut more: Vec<(String, Pointer, Value)> = Vec::new();
        if let Some(op) = item.shift_remove("query") {
            more.push(("QUERY".to_owned(), item_at.join("query"), op));
        }
        if let Some(Value::Object(ops)) = item.shift_remove("additionalOperations") {
            let at = item_at.join("additionalOperations");
            for (method, op) in ops {
                more.push((method.clone(), at.join(&method), op));
            }
        }
        for (method, at, mut operation) in more {
            if let Some(op) = operation.as_object_mut() {
                op.remove("callbacks");
                take_querystring(op, &at, &shared, &mut extra);
            }
            extra.operations.push(ExtraOperation {
                path: path.clone(),
                method,
                at,
                operation,
            });
        }
    }
    extra
}

fn is_querystring(p: &Value) -> bool {
    p.get("in").and_then(Value::as_str) == Some("querystring")
}

/// Takes the querystring parameter (inline, or a reference to a shared
/// one) out of `holder`'s `parameters`, recording it under `at`.
fn take_querystring(
    holder: &mut serde_json::Map<String, Value>,
    at: &Pointer,
    shared: &std::collections::BTreeMap<String, Value>,
    extra: &mut Extra,
) {
    let Some(params) = holder.get_mut("parameters").and_then(Value::as_array_mut) else {
        return;
    };
    let found = params.iter().enumerate().find_map(|(i, p)| {
        let (resolved, p_at) = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => (shared.get(r)?, Pointer::from_ref(r)?),
            None => (p, at.join("parameters").join(i.to_string())),
        };
        is_querystring(resolved).then(|| (i, p_at, resolved.clone()))
    });
    if let Some((i, p_at, param)) = found {
        params.remove(i);
        extra.querystrings.insert(at.to_string(), (p_at, param));
    }
}

/// Callbacks (requests the API makes to the caller) are not generated: they
/// are taken out, each with a warning, before openapiv3 reads the rest
/// (which cannot read a callback given by `$ref`).
fn take_callbacks(raw: &mut Value) -> Vec<(Pointer, String)> {
    let mut out = Vec::new();
    let message = "callbacks are not generated: the client makes requests, it does not serve them";
    let paths_at = Pointer::root().join("paths");
    for (path, item) in raw
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flatten()
    {
        for (method, op) in item.as_object_mut().into_iter().flatten() {
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            if op.remove("callbacks").is_some() {
                let at = paths_at.join(path).join(method).join("callbacks");
                out.push((at, message.to_owned()));
            }
        }
    }
    // Reusable callbacks are said where an operation uses them.
    if let Some(components) = raw.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("callbacks");
    }
    out
}

fn detect_version(doc: &Value) -> Result<Version> {
    let root = Pointer::root();
    let Some(obj) = doc.as_object() else {
        return Err(Error::invalid(&root, "the document is not an object"));
    };
    let at = root.join("openapi");
    match obj.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") || v == "3.0" => Ok(Version::V3_0),
        Some(v) if v.starts_with("3.1.") || v == "3.1" => Ok(Version::V3_1),
        Some(v) if v.starts_with("3.2.") || v == "3.2" => Ok(Version::V3_2),
        Some(v) => Err(Error::unsupported(
            &at,
            format!("OpenAPI version {v:?}; only 3.0.x, 3.1.x and 3.2.x are read"),
        )),
        None if obj.contains_key("swagger") => Err(Error::unsupported(
            &root.join("swagger"),
            "Swagger 2.0 documents; convert to OpenAPI 3 first",
        )),
        None => Err(Error::invalid(&at, "missing the `openapi` version field")),
    }
}

/// Deserialises the document, reporting the failing location as a pointer.
fn typed(raw: &Value) -> Result<openapiv3::OpenAPI> {
    // Tracking the path costs a third of the time; only a failure needs it.
    if let Ok(doc) = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(raw) {
        return Ok(doc);
    }
    serde_path_to_error::deserialize(raw).map_err(|e| {
        // openapiv3 flattens maps, which hides where inside them the error
        // is; look for the deepest piece that fails on its own.
        if let Some((pointer, message)) = locate(raw) {
            return Error::invalid(&pointer, message);
        }
        Error::invalid(&pointer_of(e.path()), e.inner().to_string())
    })
}

fn pointer_of(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    let mut pointer = Pointer::root();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = pointer.join(index.to_string()),
            Segment::Map { key } => pointer = pointer.join(key),
            Segment::Enum { variant } => pointer = pointer.join(variant),
            Segment::Unknown => {}
        }
    }
    pointer
}

/// Tries `value` as a `T`, returning the failure's location below `at`.
fn try_as<T: serde::de::DeserializeOwned>(
    value: &Value,
    at: &Pointer,
) -> Option<(Pointer, String)> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(_) => None,
        Err(e) => {
            let mut pointer = at.clone();
            for token in pointer_of(e.path()).tokens() {
                pointer = pointer.join(token);
            }
            Some((pointer, e.inner().to_string()))
        }
    }
}

type Found = Option<(Pointer, String)>;

fn locate_content(holder: &Value, at: &Pointer) -> Found {
    let content = holder.get("content").and_then(Value::as_object)?;
    content
        .iter()
        .find_map(|(media, m)| try_as::<openapiv3::MediaType>(m, &at.join("content").join(media)))
}

fn locate_operation(op: &Value, at: &Pointer) -> Found {
    let params = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for (i, p) in params.enumerate() {
        let p_at = at.join("parameters").join(i.to_string());
        let found = locate_content(p, &p_at)
            .or_else(|| try_as::<openapiv3::ReferenceOr<openapiv3::Parameter>>(p, &p_at));
        if found.is_some() {
            return found;
        }
    }
    if let Some(b) = op.get("requestBody") {
        let b_at = at.join("requestBody");
        let found = locate_content(b, &b_at)
            .or_else(|| try_as::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(b, &b_at));
        if found.is_some() {
            return found;
        }
    }
    if let Some(rs) = op.get("responses") {
        let r_at = at.join("responses");
        for (status, r) in rs.as_object().into_iter().flatten() {
            let at = r_at.join(status);
            let found = locate_content(r, &at)
                .or_else(|| try_as::<openapiv3::ReferenceOr<openapiv3::Response>>(r, &at));
            if found.is_some() {
                return found;
            }
        }
        if let Some(found) = try_as::<openapiv3::Responses>(rs, &r_at) {
            return Some(found);
        }
    }
    try_as::<openapiv3::Operation>(op, at)
}

/// Walks paths for the deepest part that fails to parse.
fn locate(doc: &Value) -> Found {
    let root = Pointer::root();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let at = root.join("paths").join(path);
        for (method, op) in item.as_object().into_iter().flatten() {
            if op.is_object() && method != "parameters" && !method.starts_with("x-") {
                if let Some(found) = locate_operation(op, &at.join(method)) {
                    return Some(found);
                }
            }
        }
        if let Some(found) = try_as::<openapiv3::ReferenceOr<openapiv3::PathItem>>(item, &at) {
            return Some(found);
        }
    }
    try_as::<openapiv3::Components>(doc.get("components")?, &root.join("components"))
}
