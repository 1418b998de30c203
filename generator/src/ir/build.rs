//! Building the IR of a document: component schemas get their ids first (so
//! `$ref`s and recursion resolve in one pass), then each is lowered
//! ([`super::lower`]), then operations ([`super::ops`]); post-passes settle
//! unions ([`super::unions`]), box recursion ([`super::recursion`]), split
//! read-only/write-only forms ([`super::directions`]), mark request types,
//! attach pagination and merge identical types ([`super::dedupe`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::context::*;
use super::*;
use crate::error::{Error, Pointer, Result, Warning};
use crate::load::Loaded;
use crate::naming::{self, Scope};
use crate::schema::conj::{self, Conj};
use crate::schema::SchemaId;
use crate::Options;

/// Builds the IR of a loaded document.
pub fn build(loaded: &Loaded, options: &Options) -> Result<Api> {
    let doc = &loaded.openapi;
    let schemas = &loaded.schemas;
    let mut lw = Lowerer {
        doc,
        raw: &loaded.raw,
        schemas,
        extra: &loaded.extra,
        types: Vec::new(),
        components: BTreeMap::new(),
        slots: HashMap::new(),
        nullable_components: BTreeSet::new(),
        type_names: Scope::with_reserved(&["Unknown"]),
        modules: Scope::with_reserved(&["types", "operations", "super", "self_"]),
        untyped: Vec::new(),
        warnings: Vec::new(),
        depth: 0,
        unions: Vec::new(),
        options,
    };
    for (at, message) in schemas.ignored.iter().chain(&loaded.left_out) {
        lw.warn(at, message.clone());
    }
    let schemas_at = Pointer::root().join("components").join("schemas");
    let names: Vec<String> = loaded
        .raw
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    // Pass 1: ids and names for every component schema, then for every
    // schema a `$ref` points at where it sits inside something else.
    let mut slots: Vec<(SchemaId, TypeId)> = Vec::new();
    for name in &names {
        let at = schemas_at.join(name);
        let Some(sid) = schemas.at(at.as_str()) else {
            continue; // every component schema was read
        };
        let rust = lw.type_names.claim(naming::type_name(name, "Schema"));
        let module = lw.modules.claim(naming::module_name(&rust, "schema"));
        let id = lw.slot(sid, rust, module, &at);
        lw.components.insert(name.clone(), id);
        slots.push((sid, id));
    }
    let mut targets: Vec<SchemaId> = schemas
        .ids()
        .filter_map(|id| schemas.target(id))
        .filter(|t| !lw.slots.contains_key(t))
        .collect();
    targets.sort();
    targets.dedup();
    for sid in targets {
        let at = schemas.get(sid).at.clone();
        let rust = lw.type_names.claim(super::lower::name_from_pointer(&at));
        let owner = at
            .as_str()
            .strip_prefix("#/components/schemas/")
            .and_then(|rest| rest.split('/').next())
            .map(|n| n.replace("~1", "/").replace("~0", "~"))
            .and_then(|n| lw.components.get(&n))
            .map(|id| lookup(&lw.types, *id).module.clone());
        let module = match owner {
            Some(m) => m,
            None => lw.modules.claim(naming::module_name(&rust, "schema")),
        };
        let id = lw.slot(sid, rust, module, &at);
        slots.push((sid, id));
    }
    for &(sid, id) in &slots {
        if conj::admits_null(schemas, sid) {
            lw.nullable_components.insert(id);
        }
    }
    // Pass 2: lower each into its slot; mistakes in one do not stop the others.
    let mut errors = Vec::new();
    for (sid, id) in slots {
        let at = schemas.get(sid).at.clone();
        match lw.lower_into(Conj::of(sid), Target::Slot(id), &at, false) {
            // A schema admitting `null` lowers to `Option<itself>`; references add the `Option`.
            Ok(r) => {
                let r = strip_option(r);
                let bare_ref =
                    schemas.get(sid).reference.is_some() && !conj::adds_to_ref(schemas.get(sid));
                if r == TypeRef::Named(id) && bare_ref {
                    errors.push(Error::invalid(
                        &at,
                        format!("the schema is only a reference to itself, so no value can have it: {at} -> {at}"),
                    ));
                } else if r != TypeRef::Named(id) {
                    // Not an object/enum/union: an alias of what it lowered to.
                    let name = lookup(&lw.types, id).name.clone();
                    let docs = lw.docs(&[sid], &name);
                    if let Some(def) = lw.types.get_mut(id.0) {
                        def.kind = TypeKind::Alias(r);
                        def.docs = docs;
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    Error::collected(errors)?;
    let operations = super::ops::lower_operations(&mut lw)?;
    let mut webhooks = super::webhooks::lower(&mut lw)?;
    super::unions::settle(&mut lw)?;
    super::recursion::break_cycles(&mut lw.types)?;
    let mut operations = operations;
    super::directions::split(&mut lw.types, &mut operations, &mut lw.type_names);
    mark_request_types(&mut lw.types, &operations);
    super::ops::attach_pagination(&lw, &mut operations, &loaded.raw);
    let merged = super::dedupe::merge_identical(&mut lw.types, &mut operations);
    check_arena(&lw.types, &operations, &webhooks)?;
    let webhook_tag = super::webhooks::settle(&lw.types, &mut webhooks);
    let multipart = multipart_bodies(&lw.types, &operations, &mut lw.warnings);
    let info = &doc.info;
    Ok(Api {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        merged,
        nullable_components: lw.nullable_components.iter().copied().collect(),
        types: lw.types,
        operations,
        untyped: lw.untyped,
        warnings: {
            let mut w = lw.warnings;
            w.sort();
            w.dedup();
            w
        },
        servers: super::ops::servers(doc),
        security_schemes: super::ops::security_schemes(doc),
        default_headers: options.default_headers.clone().into_iter().collect(),
        multipart,
        webhooks,
        webhook_tag,
    })
}

/// The object types of `multipart/form-data` bodies; a multipart body of
/// anything else is sent as JSON, with a warning.
fn multipart_bodies(
    types: &[TypeDef],
    operations: &[Operation],
    warnings: &mut Vec<Warning>,
) -> Vec<TypeId> {
    let mut out = BTreeSet::new();
    for op in operations {
        let Some((media, ty)) = op.body.as_ref().and_then(Body::chosen) else {
            continue;
        };
        if Media::of(media, ty) != Media::Multipart {
            continue;
        }
        match resolve_named(types, ty) {
            Some(id) if matches!(lookup(types, id).kind, TypeKind::Struct(_)) => {
                out.insert(id);
            }
            _ => {
                let at = Pointer::from_ref(&op.origin).unwrap_or_else(Pointer::root);
                warnings.push(Warning {
                    pointer: at.join("requestBody").join("content").join(media).join("schema"),
                    message: "a multipart body whose schema is not an object has no parts to send: it is sent as JSON".into(),
                });
            }
        }
    }
    out.into_iter().collect()
}

/// Marks types reachable from request parameters and bodies; optional+nullable
/// fields elsewhere collapse to plain optional.
fn mark_request_types(types: &mut [TypeDef], operations: &[Operation]) {
    let roots = super::reach::named_in(operations.iter().flat_map(super::reach::request_refs));
    let sent = super::reach::sent_closure(types, roots);
    for def in types.iter_mut() {
        def.in_request = sent.contains(&def.id);
        if def.in_request {
            continue;
        }
        if let TypeKind::Struct(s) = &mut def.kind {
            for f in &mut s.fields {
                if f.presence == Presence::OptionalNullable {
                    f.presence = Presence::Optional;
                }
            }
        }
    }
}
