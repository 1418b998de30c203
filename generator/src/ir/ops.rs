//! Operations: parameters, request bodies and responses, with `$ref`s to
//! `#/components/{parameters,requestBodies,responses}` resolved. Inline schemas
//! are named after the operation (`{Op}Request`, `{Op}Response{status}`, `{Op}{Param}`).

use std::collections::BTreeMap;

use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr};
use serde_json::Value;

use super::context::{deref, Lowerer, Target};
use super::*;
use crate::error::{Error, Pointer, Result};
use crate::load::METHODS;
use crate::naming::{self, Scope};

/// A stable id for an operation without `operationId`: method and path words.
fn derived_id(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_owned()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => parts.push(format!("by_{param}")),
            None => parts.push(seg.to_owned()),
        }
    }
    naming::value_name(&parts.join("_"), "operation")
}

pub(super) fn lower_operations(lw: &mut Lowerer<'_>) -> Result<Vec<Operation>> {
    let doc = lw.doc;
    let mut out = Vec::new();
    let mut raw_methods: Vec<String> = Vec::new();
    let components = doc.components.as_ref();
    let parents = tag_parents(lw.raw);
    for (key, item) in doc.paths.paths.iter() {
        let path_at = Pointer::root().join("paths").join(key);
        let (path, from_query) = query_in_path(lw, key, &path_at);
        let path = &path;
        let item = match item {
            ReferenceOr::Item(i) => i,
            ReferenceOr::Reference { .. } => {
                return Err(Error::unsupported(&path_at, "path items given by $ref"));
            }
        };
        let ops = [
            &item.get,
            &item.put,
            &item.post,
            &item.delete,
            &item.options,
            &item.head,
            &item.patch,
            &item.trace,
        ];
        // The methods openapiv3 reads, then 3.2's `query` and `additionalOperations`.
        let mut all: Vec<(String, std::borrow::Cow<'_, openapiv3::Operation>, Pointer)> = METHODS
            .iter()
            .zip(ops)
            .filter_map(|(m, op)| {
                let op = op.as_ref()?;
                Some((
                    m.to_uppercase(),
                    std::borrow::Cow::Borrowed(op),
                    path_at.join(m),
                ))
            })
            .collect();
        let extra = lw.extra;
        for e in extra.operations.iter().filter(|e| &e.path == key) {
            let op: openapiv3::Operation = serde_json::from_value(e.operation.clone())
                .map_err(|err| Error::invalid(&e.at, err.to_string()))?;
            all.push((e.method.clone(), std::borrow::Cow::Owned(op), e.at.clone()));
        }
        for (sent, op, at) in all {
            let op = &*op;
            let lower = sent.to_ascii_lowercase();
            let method = lower.as_str();
            let (id, derived) = match &op.operation_id {
                Some(id) => (id.clone(), false),
                None => (derived_id(method, path), true),
            };
            let (groups, method_raw) = group_path(
                lw.options,
                &parents,
                op.operation_id.as_deref(),
                &id,
                &op.tags,
            );
            let hint = naming::type_name(&id, "Operation");
            let module = lw
                .modules
                .claim(naming::module_name(&format!("{id}_types"), "operation"));

            // Parameters: path-level first, overridden by operation-level ones.
            let mut params: Vec<Param> = Vec::new();
            let mut scope = Scope::default();
            let lists = [
                (&item.parameters, path_at.clone()),
                (&op.parameters, at.clone()),
            ];
            let mut resolved: Vec<(std::borrow::Cow<'_, Parameter>, Pointer)> = Vec::new();
            for (list, list_at) in lists {
                for (i, p) in list.iter().enumerate() {
                    let p_at = list_at.join("parameters").join(i.to_string());
                    let (p, p_at) = deref(
                        p,
                        "parameters",
                        |n| components.and_then(|c| c.parameters.get(n)),
                        lw.raw,
                        &p_at,
                    )?;
                    let key = (p.parameter_data_ref().name.clone(), location(&p));
                    resolved
                        .retain(|(q, _)| (q.parameter_data_ref().name.clone(), location(q)) != key);
                    resolved.push((p, p_at));
                }
            }
            for (p, p_at) in resolved {
                let p = &*p;
                let name = &p.parameter_data_ref().name;
                // A path parameter the path's query string names is a query parameter.
                let moved = match location(p) {
                    ParamLocation::Path => from_query.get(name.as_str()),
                    _ => None,
                };
                if moved.is_none()
                    && location(p) == ParamLocation::Path
                    && !path.contains(&format!("{{{name}}}"))
                {
                    lw.warn(
                        &p_at,
                        format!(
                            "path parameter `{name}` is left out: the path `{path}` has no `{{{name}}}`"
                        ),
                    );
                    continue;
                }
                if location(p) == ParamLocation::Cookie {
                    lw.warn(
                        &p_at,
                        format!(
                            "cookie parameter `{}` is not sent: the client has no cookie support",
                            p.parameter_data_ref().name
                        ),
                    );
                }
                let data = p.parameter_data_ref();
                let (style, explode) = style_of(p);
                let target = Target::Inline {
                    hint: format!("{hint}{}", naming::type_name(&data.name, "Param")),
                    module: module.clone(),
                };
                let schema_at = match &data.format {
                    ParameterSchemaOrContent::Schema(_) => Some(p_at.join("schema")),
                    ParameterSchemaOrContent::Content(c) => match c.iter().next() {
                        Some((media, m)) => m
                            .schema
                            .as_ref()
                            .map(|_| p_at.join("content").join(media).join("schema")),
                        None => {
                            return Err(Error::invalid(
                                &p_at.join("content"),
                                "parameter content is empty",
                            ))
                        }
                    },
                };
                let schema_id = schema_at.as_ref().and_then(|a| lw.schemas.at(a.as_str()));
                let ty = match &schema_at {
                    Some(a) => lw.lower_at(a, target, true)?,
                    None => TypeRef::Prim(Prim::String),
                };
                // `content`: the value serialised in its media type. JSON is
                // sent as JSON text; text goes as it is; anything else is
                // laid out in the location's default style, with a warning.
                let json = match &data.format {
                    ParameterSchemaOrContent::Content(c) => match c.keys().next() {
                        Some(media) => match Media::of(media, &ty) {
                            Media::Json => true,
                            // A text value goes as it is; one of a struct,
                            // list or map would need the media type written.
                            Media::Text if is_scalar(&lw.types, &ty) => false,
                            _ => {
                                lw.warn(
                                    &p_at.join("content").join(media),
                                    format!(
                                        "parameter `{}` is described as `{media}`, which the client cannot write: its value is laid out in the parameter's default style instead",
                                        data.name
                                    ),
                                );
                                false
                            }
                        },
                        None => false,
                    },
                    ParameterSchemaOrContent::Schema(_) => false,
                };
                let mut docs = match (&data.format, schema_id) {
                    (ParameterSchemaOrContent::Schema(_), Some(id)) => lw.docs(&[id], &data.name),
                    _ => Docs::default(),
                };
                docs.description = data.description.clone().or(docs.description);
                let ty = match ty {
                    TypeRef::Option(inner) => *inner,
                    other => other,
                };
                let sample =
                    schema_id.map_or(Value::Null, |id| super::sample::sample(lw.schemas, id));
                let (wire_name, location, style, explode) = match moved {
                    Some(query_name) => (
                        query_name.clone(),
                        ParamLocation::Query,
                        ParamStyle::Form,
                        true,
                    ),
                    None => (data.name.clone(), location(p), style, explode),
                };
                // `content` parameters are not laid out by style: it does not apply.
                let allow_reserved = moved.is_none()
                    && !json
                    && matches!(
                        p,
                        Parameter::Query {
                            allow_reserved: true,
                            ..
                        }
                    );
                params.push(Param {
                    wire_name,
                    rust_name: scope.claim(naming::value_name(&data.name, "param")),
                    location,
                    required: data.required,
                    ty,
                    style,
                    json,
                    explode,
                    allow_reserved,
                    sample,
                    docs: Docs {
                        deprecated: data.deprecated.unwrap_or(false),
                        ..docs
                    },
                });
            }

            // 3.2's `in: querystring`: the whole query string is one value.
            let querystring = extra
                .querystrings
                .get(at.as_str())
                .or_else(|| extra.querystrings.get(path_at.as_str()));
            if let Some((p_at, p)) = querystring {
                if let Some(param) = querystring_param(lw, p, p_at, &hint, &module, &mut scope)? {
                    params.push(param);
                }
            }

            for (var, name) in &from_query {
                let declared = params
                    .iter()
                    .any(|p| p.location == ParamLocation::Query && &p.wire_name == name);
                if !declared {
                    lw.warn(
                        &at,
                        format!("`{name}={{{var}}}` in the path's query string is not sent: no path parameter `{var}` is declared"),
                    );
                }
            }

            let body = match &op.request_body {
                None => None,
                Some(b) => {
                    let b_at = at.join("requestBody");
                    let (b, b_at) = deref(
                        b,
                        "requestBodies",
                        |n| components.and_then(|c| c.request_bodies.get(n)),
                        lw.raw,
                        &b_at,
                    )?;
                    let mut content = Vec::new();
                    let mut first: Option<(TypeRef, crate::schema::SchemaId)> = None;
                    for (media, m) in &b.content {
                        let m_at = b_at.join("content").join(media).join("schema");
                        let id = m.schema.as_ref().and_then(|_| lw.schemas.at(m_at.as_str()));
                        // How the media type travels, whatever its schema.
                        let kind = Media::of(media, &TypeRef::Any);
                        let ty = match (id, &first) {
                            // Bytes, whatever the schema says of them.
                            _ if kind == Media::Binary => TypeRef::Prim(Prim::Binary),
                            // The same schema under several media types lowers once.
                            (Some(id), Some((t, prev))) if lw.schemas.same(id, *prev, 8) => {
                                t.clone()
                            }
                            (Some(_), _) => {
                                let target = Target::Inline {
                                    hint: format!("{hint}Request"),
                                    module: module.clone(),
                                };
                                lw.lower_at(&m_at, target, false)?
                            }
                            (None, _) => TypeRef::Prim(Prim::String),
                        };
                        if let (None, Some(id)) = (&first, id) {
                            first = Some((ty.clone(), id));
                        }
                        // A form body is written in form style, exploded:
                        // another `style` or `explode: false` is not honoured.
                        if kind == Media::Form {
                            for (prop, e) in &m.encoding {
                                let e_at =
                                    b_at.join("content").join(media).join("encoding").join(prop);
                                let other_style = e
                                    .style
                                    .as_ref()
                                    .is_some_and(|s| *s != openapiv3::QueryStyle::Form);
                                // openapiv3 reads an absent `explode` as false: the document says.
                                let written = raw_encoding(lw.raw, &e_at);
                                let unexploded = written
                                    .and_then(|w| w.get("explode"))
                                    .and_then(Value::as_bool)
                                    == Some(false);
                                if other_style || unexploded {
                                    lw.warn(
                                        &e_at,
                                        format!("form property `{prop}`: its `style` and `explode` are not honoured; it is written in form style, exploded"),
                                    );
                                }
                                // Without a style: objects go as JSON text, other values as text.
                                let styled = form_styled(written);
                                let content_type =
                                    e.content_type.as_deref().unwrap_or("text/plain");
                                let kind = Media::of(content_type, &TypeRef::Any);
                                if !styled && !matches!(kind, Media::Json | Media::Text) {
                                    lw.warn(
                                        &e_at.join("contentType"),
                                        format!("form property `{prop}`: `{content_type}` is not honoured; an object is sent as JSON text, any other value as text"),
                                    );
                                }
                            }
                        }
                        if matches!(kind, Media::EventStream | Media::JsonLines) {
                            lw.warn(
                                &b_at.join("content").join(media),
                                format!("a `{media}` request body is sent as one JSON value, not as a stream of them"),
                            );
                        }
                        content.push((media.clone(), ty));
                    }
                    let chosen = b
                        .content
                        .iter()
                        .find(|(m, _)| Media::of(m, &TypeRef::Any) == Media::Json)
                        .or_else(|| b.content.first());
                    let binary =
                        chosen.is_some_and(|(m, _)| Media::of(m, &TypeRef::Any) == Media::Binary);
                    let chosen_id = chosen.and_then(|(media, m)| {
                        m.schema.as_ref()?;
                        lw.schemas
                            .at(b_at.join("content").join(media).join("schema").as_str())
                    });
                    // Form bodies: the properties whose encoding has a style.
                    let raw = lw.raw;
                    let styled = chosen
                        .filter(|(m, _)| Media::of(m, &TypeRef::Any) == Media::Form)
                        .into_iter()
                        .flat_map(|(media, m)| {
                            let at = b_at.join("content").join(media).join("encoding");
                            m.encoding
                                .keys()
                                .filter(move |prop| form_styled(raw_encoding(raw, &at.join(prop))))
                        })
                        .cloned()
                        .collect();
                    let chosen = chosen.map(|(_, m)| m);
                    let sample = match chosen_id {
                        // Bytes: no bytes at all is a valid file.
                        _ if binary => Value::Array(Vec::new()),
                        Some(id) => super::sample::sample(lw.schemas, id),
                        None => Value::Null,
                    };
                    let encoding = chosen
                        .into_iter()
                        .flat_map(|m| &m.encoding)
                        .filter_map(|(prop, e)| {
                            let first = e.content_type.as_deref()?.split(',').next()?.trim();
                            Some((prop.clone(), first.to_owned()))
                        })
                        .collect();
                    Some(Body {
                        content,
                        required: b.required,
                        sample,
                        encoding,
                        styled,
                    })
                }
            };

            let mut responses = Vec::new();
            let statuses = op
                .responses
                .responses
                .iter()
                .map(|(s, r)| (Status::from(s), r))
                .chain(op.responses.default.iter().map(|r| (Status::Default, r)));
            for (status, r) in statuses {
                let r_at = at.join("responses").join(status.to_string());
                let (r, r_at) = deref(
                    r,
                    "responses",
                    |n| components.and_then(|c| c.responses.get(n)),
                    lw.raw,
                    &r_at,
                )?;
                let mut content = Vec::new();
                for (media, m) in &r.content {
                    let m_at = r_at.join("content").join(media).join("schema");
                    let suffix = if status.is_success() {
                        "Response".to_owned()
                    } else {
                        format!("Error{status}")
                    };
                    let target = Target::Inline {
                        hint: format!("{hint}{suffix}"),
                        module: module.clone(),
                    };
                    let item_at = r_at.join("content").join(media).join("itemSchema");
                    let ty = match &m.schema {
                        // Bytes, whatever the schema says of them.
                        _ if Media::of(media, &TypeRef::Any) == Media::Binary => {
                            TypeRef::Prim(Prim::Binary)
                        }
                        Some(_) => lw.lower_at(&m_at, target, false)?,
                        // 3.2: the schema of each item of a sequential media type.
                        None => match item_schema(lw, media, &item_at) {
                            Some(at) => lw.lower_at(&at, target, false)?,
                            None => TypeRef::Prim(Prim::String),
                        },
                    };
                    content.push((media.clone(), ty));
                }
                responses.push(Response {
                    status,
                    description: r.description.clone(),
                    content,
                });
            }

            let security = op
                .security
                .as_ref()
                .or(doc.security.as_ref())
                .map(|reqs| {
                    let mut names: Vec<String> = Vec::new();
                    for name in reqs.iter().flat_map(|r| r.keys()) {
                        if !names.contains(name) {
                            names.push(name.clone());
                        }
                    }
                    names
                })
                .unwrap_or_default();
            raw_methods.push(method_raw);
            out.push(Operation {
                id,
                derived_id: derived,
                rust_name: String::new(),
                groups,
                method: HttpMethod::from_sent(&sent),
                path: path.clone(),
                tags: op.tags.clone(),
                docs: Docs {
                    title: op.summary.clone(),
                    description: op.description.clone(),
                    deprecated: op.deprecated,
                    notes: vec![],
                },
                params,
                body,
                responses,
                security,
                pagination: None,
                origin: at.to_string(),
            });
        }
    }
    name_methods(&mut out, &raw_methods);
    // Duplicate operation ids: both operations are kept under distinct names.
    for (i, op) in out.iter().enumerate() {
        if let Some(first) = out.iter().take(i).find(|o| o.id == op.id) {
            let at = Pointer::from_ref(&op.origin).unwrap_or_else(Pointer::root);
            lw.warn(
                &at.join("operationId"),
                format!(
                    "operationId `{}` is also the id of {} {}: this one is `{}` and that one `{}`; give them distinct ids",
                    op.id,
                    first.method,
                    first.path,
                    op.rust_name.trim_start_matches("r#"),
                    first.rust_name.trim_start_matches("r#")
                ),
            );
        }
    }
    Ok(out)
}

/// Where the type of each item of a 3.2 `itemSchema` is: the item schema,
/// or for server-sent events its `data` property when it describes the
/// event (`{event, data, id, retry}`). `None` without an item schema; one
/// given for a media type that is not a sequence is a warning.
fn item_schema(lw: &mut Lowerer<'_>, media: &str, at: &Pointer) -> Option<Pointer> {
    let id = lw.schemas.at(at.as_str())?;
    match Media::of(media, &TypeRef::Any) {
        Media::JsonLines => Some(at.clone()),
        Media::EventStream => {
            let mut s = lw.schemas.get(id);
            // Through bare references to the schema that has the properties.
            for _ in 0..16 {
                match s.reference.as_ref().and_then(|r| r.target) {
                    Some(next) if s.properties.is_empty() => s = lw.schemas.get(next),
                    _ => break,
                }
            }
            let data = s.properties.iter().find(|(name, _)| name == "data");
            Some(data.map_or_else(|| at.clone(), |(_, d)| lw.schemas.get(*d).at.clone()))
        }
        _ => {
            lw.warn(
                at,
                format!("`itemSchema` is for sequential media types (server-sent events, JSON Lines); `{media}` is read whole, as text"),
            );
            None
        }
    }
}

/// A 3.2 `in: querystring` parameter: an object sent as `application/x-www-form-urlencoded`
/// is the query string's `name=value` pairs (a query parameter in form style,
/// exploded); any other media type is a warning, and the parameter is not sent.
fn querystring_param(
    lw: &mut Lowerer<'_>,
    p: &Value,
    p_at: &Pointer,
    hint: &str,
    module: &str,
    scope: &mut Scope,
) -> Result<Option<Param>> {
    let name = p.get("name").and_then(Value::as_str).unwrap_or("query");
    let Some((media, _)) = p
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.iter().next())
    else {
        return Err(Error::invalid(
            &p_at.join("content"),
            "a querystring parameter needs `content` with one media type",
        ));
    };
    let schema_at = p_at.join("content").join(media).join("schema");
    if media != "application/x-www-form-urlencoded" {
        lw.warn(
            &p_at.join("content").join(media),
            format!("querystring parameter `{name}` is not sent: only `application/x-www-form-urlencoded` query strings are written"),
        );
        return Ok(None);
    }
    let target = Target::Inline {
        hint: format!("{hint}{}", naming::type_name(name, "Param")),
        module: module.to_owned(),
    };
    let schema_id = lw.schemas.at(schema_at.as_str());
    let ty = match schema_id {
        Some(_) => super::context::strip_option(lw.lower_at(&schema_at, target, true)?),
        None => TypeRef::Any,
    };
    let sample = schema_id.map_or(Value::Null, |id| super::sample::sample(lw.schemas, id));
    let text = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_owned);
    Ok(Some(Param {
        wire_name: name.to_owned(),
        rust_name: scope.claim(naming::value_name(name, "param")),
        location: ParamLocation::Query,
        required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
        ty,
        style: ParamStyle::Form,
        json: false,
        explode: true,
        allow_reserved: false,
        sample,
        docs: Docs {
            description: text("description"),
            deprecated: p
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            ..Docs::default()
        },
    }))
}

/// The group path and raw method name of an operation under the API's grouping rule.
fn group_path(
    options: &crate::Options,
    parents: &BTreeMap<String, String>,
    operation_id: Option<&str>,
    id: &str,
    tags: &[String],
) -> (Vec<String>, String) {
    let rename = |raw: &str| {
        options
            .group_names
            .get(raw)
            .cloned()
            .unwrap_or_else(|| naming::value_name(raw, "group"))
    };
    if let (crate::Grouping::OperationId { separator }, Some(op_id)) =
        (&options.grouping, operation_id)
    {
        let parts: Vec<&str> = op_id
            .split(separator.as_str())
            .filter(|p| !p.is_empty())
            .collect();
        if let Some((method, groups)) = parts.split_last().filter(|(_, g)| !g.is_empty()) {
            let mut names: Vec<String> = Vec::new();
            for g in groups {
                let n = rename(g);
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            return (names, (*method).to_owned());
        }
    }
    // By the first tag, under its 3.2 `parent`s (outermost first).
    let mut chain: Vec<&str> = Vec::new();
    let mut next = tags.first().map(String::as_str);
    while let Some(tag) = next {
        if chain.contains(&tag) || chain.len() >= 8 {
            break; // a cycle of parents, or absurd depth: stop there
        }
        chain.push(tag);
        next = parents.get(tag).map(String::as_str);
    }
    let mut groups: Vec<String> = Vec::new();
    for tag in chain.iter().rev() {
        let name = rename(tag);
        if !groups.contains(&name) {
            groups.push(name);
        }
    }
    (groups, id.to_owned())
}

/// Each tag's 3.2 `parent`, from the document's `tags`.
fn tag_parents(raw: &Value) -> BTreeMap<String, String> {
    raw.get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            let name = t.get("name")?.as_str()?;
            let parent = t.get("parent")?.as_str()?;
            Some((name.to_owned(), parent.to_owned()))
        })
        .collect()
}

/// Gives each operation a method name unique within its group, where the
/// group's child-group accessors are already taken.
fn name_methods(ops: &mut [Operation], raw: &[String]) {
    // What the client and each group struct define besides operations.
    let scope_of = |groups: &[String]| {
        if groups.is_empty() {
            Scope::with_reserved(&["builder", "runtime"])
        } else {
            Scope::with_reserved(&["new"])
        }
    };
    let mut scopes: BTreeMap<Vec<String>, Scope> = BTreeMap::new();
    for op in ops.iter() {
        for (depth, group) in op.groups.iter().enumerate() {
            let parent: Vec<String> = op.groups.iter().take(depth).cloned().collect();
            scopes
                .entry(parent.clone())
                .or_insert_with(|| scope_of(&parent))
                .claim_exact(group);
        }
    }
    for (op, raw) in ops.iter_mut().zip(raw) {
        let scope = scopes
            .entry(op.groups.clone())
            .or_insert_with(|| scope_of(&op.groups));
        op.rust_name = scope.claim(naming::value_name(raw, "operation"));
    }
}

/// `servers`, named for the generated `Server` enum.
pub(super) fn servers(doc: &openapiv3::OpenAPI) -> Vec<Server> {
    let mut scope = Scope::default();
    doc.servers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut url = s.url.clone();
            for (name, var) in s.variables.iter().flatten() {
                url = url.replace(&format!("{{{name}}}"), &var.default);
            }
            let from_ext = s
                .extensions
                .iter()
                .find(|(k, v)| k.ends_with("server-id") && v.is_string())
                .and_then(|(_, v)| v.as_str().map(str::to_owned));
            let from_description = s
                .description
                .as_deref()
                .and_then(|d| d.split_whitespace().next())
                .map(str::to_owned);
            let from_host = || {
                let host = s.url.split("://").nth(1)?.split(['/', ':', '.']).next()?;
                (!host.is_empty() && !host.contains('{')).then(|| host.to_owned())
            };
            // From the server itself only, never from how many there are, so
            // a server added later renames none of the others.
            let raw = from_ext
                .or(from_description)
                .or_else(from_host)
                .unwrap_or_else(|| format!("server{}", i + 1));
            Server {
                url,
                rust_name: scope.claim(naming::type_name(&raw, "Server")),
                description: s.description.clone(),
            }
        })
        .collect()
}

/// `components.securitySchemes`.
pub(super) fn security_schemes(doc: &openapiv3::OpenAPI) -> Vec<SecurityScheme> {
    use openapiv3::SecurityScheme as S;
    let Some(components) = &doc.components else {
        return Vec::new();
    };
    components
        .security_schemes
        .iter()
        .filter_map(|(name, s)| match s {
            ReferenceOr::Item(s) => Some((name, s)),
            ReferenceOr::Reference { .. } => None,
        })
        .map(|(name, s)| {
            let (kind, description) = match s {
                S::HTTP {
                    scheme,
                    description,
                    ..
                } if scheme.eq_ignore_ascii_case("basic") => (SecurityKind::Basic, description),
                S::HTTP { description, .. } => (SecurityKind::Bearer, description),
                S::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => (
                    SecurityKind::ApiKey {
                        location: format!("{location:?}").to_lowercase(),
                        name: name.clone(),
                    },
                    description,
                ),
                S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => {
                    (SecurityKind::OAuth, description)
                }
            };
            SecurityScheme {
                name: name.clone(),
                kind,
                description: description.clone(),
            }
        })
        .collect()
}

/// Marks operations carrying the pagination extension whose response has the
/// configured shape (items array, max-page number, page parameter).
pub(super) fn attach_pagination(lw: &Lowerer<'_>, ops: &mut [Operation], raw: &serde_json::Value) {
    let Some(p) = &lw.options.pagination else {
        return;
    };
    for op in ops.iter_mut() {
        let marked = raw
            .pointer(op.origin.trim_start_matches('#'))
            .and_then(|o| o.get(&p.extension))
            .is_some();
        if marked {
            op.pagination = page_info(&lw.types, op, p);
        }
    }
}

fn page_info(types: &[TypeDef], op: &Operation, p: &crate::Pagination) -> Option<PageInfo> {
    let page_param = op
        .params
        .iter()
        .find(|q| q.wire_name == p.page_param && q.location == ParamLocation::Query)?;
    let success = op.responses.iter().find(|r| r.status.is_success())?;
    let (_, TypeRef::Named(page_type)) = success.content.first()? else {
        return None;
    };
    let field = |id: TypeId, wire: &str| -> Option<Field> {
        match &lookup(types, id).kind {
            TypeKind::Struct(s) => s.fields.iter().find(|f| f.wire_name == wire).cloned(),
            _ => None,
        }
    };
    let items = field(*page_type, &p.items)?;
    let TypeRef::Array(item) = &items.ty else {
        return None;
    };
    let mut path = Vec::new();
    let mut cur = *page_type;
    let segments: Vec<&str> = p.max_page.split('.').collect();
    for (i, seg) in segments.iter().enumerate() {
        let f = field(cur, seg)?;
        if f.presence != Presence::Required {
            return None;
        }
        path.push(f.rust_name.clone());
        match (&f.ty, i + 1 == segments.len()) {
            (TypeRef::Prim(Prim::I64), true) => {}
            (TypeRef::Named(next), false) => cur = *next,
            _ => return None,
        }
    }
    Some(PageInfo {
        page_type: *page_type,
        item: (**item).clone(),
        items_field: items.rust_name.clone(),
        max_page_path: path,
        page_param: page_param.rust_name.clone(),
    })
}

/// A path key holding a query string (`/pricing/{country}?currency={currency}`,
/// as some specs write them): the path before the `?`, and for each
/// `name={parameter}` pair the query name its parameter is sent under. What
/// else the query string says is left out, with a warning.
fn query_in_path(
    lw: &mut Lowerer<'_>,
    key: &str,
    at: &Pointer,
) -> (String, BTreeMap<String, String>) {
    let Some((path, query)) = key.split_once('?') else {
        return (key.to_owned(), BTreeMap::new());
    };
    let mut moved = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let templated = pair.split_once('=').and_then(|(name, value)| {
            let var = value.strip_prefix('{')?.strip_suffix('}')?;
            let plain = |t: &str| !t.is_empty() && !t.contains(['{', '}']);
            (plain(name) && plain(var)).then(|| (var.to_owned(), name.to_owned()))
        });
        match templated {
            Some((var, name)) => {
                moved.insert(var, name);
            }
            None => lw.warn(
                at,
                format!("`{pair}` in the query string of the path `{key}` is not sent: only `name={{parameter}}` pairs are"),
            ),
        }
    }
    lw.warn(
        at,
        format!("the path `{key}` holds a query string: requests go to `{path}`, its `{{parameter}}`s sent as query parameters"),
    );
    (path.to_owned(), moved)
}

fn location(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// Whether values of `ty` are one string, number or boolean (a parameter's
/// text as it is).
fn is_scalar(types: &[TypeDef], ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Prim(p) => *p != Prim::Binary,
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => is_scalar(types, inner),
        TypeRef::Named(id) => match types.get(id.0).map(|t| &t.kind) {
            Some(TypeKind::Enum(_) | TypeKind::Const(_)) => true,
            Some(TypeKind::Alias(t) | TypeKind::Newtype(t)) => is_scalar(types, t),
            _ => false,
        },
        TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Tuple(_) | TypeRef::Any => false,
    }
}

fn style_of(p: &Parameter) -> (ParamStyle, bool) {
    use openapiv3::{HeaderStyle, PathStyle, QueryStyle};
    let explode = p.parameter_data_ref().explode;
    let style = match p {
        Parameter::Query { style, .. } => match style {
            QueryStyle::Form => ParamStyle::Form,
            QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
            QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
            QueryStyle::DeepObject => ParamStyle::DeepObject,
        },
        Parameter::Path { style, .. } => match style {
            PathStyle::Simple => ParamStyle::Simple,
            PathStyle::Label => ParamStyle::Label,
            PathStyle::Matrix => ParamStyle::Matrix,
        },
        Parameter::Header {
            style: HeaderStyle::Simple,
            ..
        } => ParamStyle::Simple,
        Parameter::Cookie { .. } => ParamStyle::Form,
    };
    (style, explode.unwrap_or(style == ParamStyle::Form))
}

/// The form property encoding at `at` as the document writes it
/// (openapiv3 fills in defaults, an absent `explode` as false).
fn raw_encoding<'v>(raw: &'v Value, at: &Pointer) -> Option<&'v serde_json::Map<String, Value>> {
    raw.pointer(at.as_str().trim_start_matches('#'))
        .and_then(Value::as_object)
}

/// Whether a form property's encoding, as written, asks for RFC 6570-style
/// serialisation (`style`, `explode` or `allowReserved`): then an object
/// property is written as its own pairs, else as JSON text (its default
/// `contentType`).
fn form_styled(written: Option<&serde_json::Map<String, Value>>) -> bool {
    written.is_some_and(|e| {
        ["style", "explode", "allowReserved"]
            .iter()
            .any(|k| e.contains_key(*k))
    })
}
