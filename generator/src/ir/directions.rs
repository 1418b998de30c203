//! Read-only and write-only properties (`readOnly: true`, `writeOnly: true`):
//! what a request must not send and a response does not return.
//!
//! - A type only in responses keeps its read-only fields; its required
//!   write-only fields become optional (the server never returns them).
//! - A type only in requests loses its read-only fields (the server sets them).
//! - A type in both whose request form differs gets a twin, `{Name}Request`,
//!   without the read-only fields (and with its write-only fields as
//!   declared), which request bodies, parameters and other request forms
//!   use; the original, with write-only fields optional, is the response form.
//!
//! A type's request form differs when it has a read-only field, a required
//! write-only field while also in responses, or refers to a type whose
//! request form differs (a request `Order` holds a request `Pet`).

use std::collections::{BTreeMap, BTreeSet};

use super::reach::{closure_in, named_in, request_refs, response_refs, sent_closure};
use super::*;
use crate::naming::{self, Scope};

/// Splits types by direction as the module docs say; `names` is the scope of
/// type names (for the twins).
pub(super) fn split(types: &mut Vec<TypeDef>, operations: &mut [Operation], names: &mut Scope) {
    let request_roots = named_in(operations.iter().flat_map(request_refs));
    let response_roots = named_in(operations.iter().flat_map(response_refs));
    let in_request = sent_closure(types, request_roots);
    let in_response = closure_in(types, response_roots);
    let has = |t: &TypeDef, access: Access, required_only: bool| match &t.kind {
        TypeKind::Struct(s) => s.fields.iter().any(|f| {
            f.access == access
                && (!required_only
                    || matches!(f.presence, Presence::Required | Presence::RequiredNullable))
        }),
        _ => false,
    };

    // Types whose request form differs, propagated to the types referring to them.
    let mut differs: BTreeSet<TypeId> = types
        .iter()
        .filter(|t| {
            has(t, Access::ReadOnly, false)
                || (in_response.contains(&t.id) && has(t, Access::WriteOnly, true))
        })
        .map(|t| t.id)
        .collect();
    loop {
        let before = differs.len();
        for t in types.iter() {
            if differs.contains(&t.id) {
                continue;
            }
            if named_in(t.kind.refs()).iter().any(|r| differs.contains(r)) {
                differs.insert(t.id);
            }
        }
        if differs.len() == before {
            break;
        }
    }
    let in_both = |id: &TypeId| in_request.contains(id) && in_response.contains(id);

    // Twins for the types in both directions; the request-only ones change in place.
    let mut twin: BTreeMap<TypeId, TypeId> = BTreeMap::new();
    for id in differs.iter().filter(|id| in_both(id)) {
        let original = lookup(types, *id).clone();
        let new_id = TypeId(types.len());
        let name = names.claim(naming::type_name(
            &format!("{}Request", original.name),
            "Request",
        ));
        let mut docs = original.docs.clone();
        docs.notes.push(format!(
            "The request form of `{}`: without its read-only properties.",
            original.name
        ));
        twin.insert(*id, new_id);
        types.push(TypeDef {
            id: new_id,
            name,
            docs,
            ..original
        });
    }
    let to_request = |r: &mut TypeRef| rewrite(r, &twin);
    let request_forms: Vec<TypeId> = differs
        .iter()
        .filter(|id| in_request.contains(id) && !in_response.contains(id))
        .copied()
        .chain(twin.values().copied())
        .collect();
    for id in request_forms {
        if let Some(t) = types.get_mut(id.0) {
            if let TypeKind::Struct(s) = &mut t.kind {
                s.fields.retain(|f| f.access != Access::ReadOnly);
            }
            t.kind.refs_mut().into_iter().for_each(to_request);
        }
    }
    // Request-only types that did not differ may still hold a type in both directions.
    for t in types.iter_mut() {
        if in_request.contains(&t.id) && !in_response.contains(&t.id) {
            t.kind.refs_mut().into_iter().for_each(to_request);
        }
    }
    for op in operations.iter_mut() {
        op.params.iter_mut().for_each(|p| to_request(&mut p.ty));
        if let Some(b) = &mut op.body {
            b.content.iter_mut().for_each(|(_, t)| to_request(t));
        }
    }
    // Response forms: the server never returns write-only properties.
    for t in types.iter_mut() {
        if !in_response.contains(&t.id) || twin.values().any(|v| *v == t.id) {
            continue;
        }
        if let TypeKind::Struct(s) = &mut t.kind {
            for f in s
                .fields
                .iter_mut()
                .filter(|f| f.access == Access::WriteOnly)
            {
                f.presence = match f.presence {
                    Presence::Required => Presence::Optional,
                    Presence::RequiredNullable => Presence::OptionalNullable,
                    other => other,
                };
            }
        }
    }
}

/// Points every named type in `r` that has a twin at the twin.
fn rewrite(r: &mut TypeRef, twin: &BTreeMap<TypeId, TypeId>) {
    match r {
        TypeRef::Named(id) => {
            if let Some(t) = twin.get(id) {
                *id = *t;
            }
        }
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Boxed(t) => {
            rewrite(t, twin)
        }
        TypeRef::Tuple(ts) => ts.iter_mut().for_each(|t| rewrite(t, twin)),
        TypeRef::Prim(_) | TypeRef::Any => {}
    }
}
