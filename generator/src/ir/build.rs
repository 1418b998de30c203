//! Building the IR of a document: component schemas get their ids first (so
//! `$ref`s and recursion resolve in one pass), then each is lowered
//! ([`super::lower`]), then operations ([`super::ops`]); post-passes settle
//! unions ([`super::unions`]), box recursion ([`super::recursion`]), split
//! read-only/write-only forms ([`super::directions`]), mark request types,
//! attach pagination and merge identical types ([`super::dedupe`]).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::ReferenceOr;

use super::context::*;
use super::schema_view::{SubSchema, View};
use super::*;
use crate::error::{Error, Pointer, Result, Warning};
use crate::load::Loaded;
use crate::naming::{self, Scope};
use crate::Options;

/// Builds the IR of a loaded document.
pub fn build(loaded: &Loaded, options: &Options) -> Result<Api> {
    let doc = &loaded.openapi;
    let mut lw = Lowerer {
        doc,
        raw: &loaded.raw,
        types: Vec::new(),
        components: BTreeMap::new(),
        nullable_components: BTreeSet::new(),
        type_names: Scope::with_reserved(&["Unknown"]),
        modules: Scope::with_reserved(&["types", "operations", "super", "self_"]),
        untyped: Vec::new(),
        warnings: Vec::new(),
        depth: 0,
        unions: Vec::new(),
        options,
    };
    let schemas_at = Pointer::root().join("components").join("schemas");
    let schemas = doc.components.as_ref().map(|c| &c.schemas);
    // Pass 1: ids and names for every component schema.
    for (name, _) in schemas.into_iter().flatten() {
        let rust = lw.type_names.claim(naming::type_name(name, "Schema"));
        let module = lw.modules.claim(naming::value_name(&rust, "schema"));
        let id = TypeId(lw.types.len());
        lw.types.push(TypeDef {
            id,
            name: rust,
            origin: schemas_at.join(name).to_string(),
            module,
            docs: Docs::default(),
            kind: TypeKind::Alias(TypeRef::Any),
            in_request: false,
        });
        lw.components.insert(name.clone(), id);
    }
    for (name, schema) in schemas.into_iter().flatten() {
        if let ReferenceOr::Item(s) = schema {
            if s.schema_data.nullable {
                if let Some(id) = lw.components.get(name) {
                    lw.nullable_components.insert(*id);
                }
            }
        }
    }
    // Pass 2: lower each component into its slot.
    for (name, schema) in schemas.into_iter().flatten() {
        let Some(&id) = lw.components.get(name) else {
            continue; // every component got a slot in pass 1
        };
        let at = schemas_at.join(name);
        let sub = SubSchema::Plain(schema);
        // A `nullable` component lowers to `Option<itself>`; references add the `Option`.
        let r = strip_option(lw.lower_into(sub, Target::Slot(id), &at, false)?);
        if matches!(schema, ReferenceOr::Reference { .. }) && r == TypeRef::Named(id) {
            return Err(Error::invalid(
                &at,
                format!("the schema is only a reference to itself, so no value can have it: {at} -> {at}"),
            ));
        }
        if r != TypeRef::Named(id) {
            // Not an object/enum/union: an alias of what it lowered to.
            let docs = match sub.get() {
                Ok(s) => lw.docs(&View::of(s), &lookup(&lw.types, id).name.clone()),
                Err(_) => Docs::default(),
            };
            if let Some(def) = lw.types.get_mut(id.0) {
                def.kind = TypeKind::Alias(r);
                def.docs = docs;
            }
        }
    }
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
    let sent = super::reach::closure_in(types, roots);
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
