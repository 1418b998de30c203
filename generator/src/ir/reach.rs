//! Which named types operations need: their parameters, bodies and responses,
//! followed transitively through fields, variants and aliases. Per-group
//! cargo features compile only what their operations reach.

use std::collections::BTreeSet;

use super::{direct_named, Access, Api, Operation, TypeDef, TypeId, TypeKind, TypeRef};

/// The type references an operation mentions directly.
pub fn op_refs(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    request_refs(op).chain(response_refs(op))
}

/// The type references of what an operation sends: parameters and body.
pub fn request_refs(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    let params = op.params.iter().map(|p| &p.ty);
    let body = op
        .body
        .iter()
        .flat_map(|b| b.content.iter().map(|(_, t)| t));
    params.chain(body)
}

/// The type references of what an operation receives: its responses.
pub fn response_refs(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    op.responses
        .iter()
        .flat_map(|r| r.content.iter().map(|(_, t)| t))
}

/// The named types `refs` mention directly.
pub fn named_in<'r>(refs: impl IntoIterator<Item = &'r TypeRef>) -> BTreeSet<TypeId> {
    let mut out = BTreeSet::new();
    refs.into_iter().for_each(|r| direct_named(r, &mut out));
    out
}

/// The named types `ops` mention directly.
pub fn op_roots<'o>(ops: impl IntoIterator<Item = &'o Operation>) -> BTreeSet<TypeId> {
    named_in(ops.into_iter().flat_map(op_refs))
}

/// Every named type reachable from `roots`, `roots` included.
pub fn closure(api: &Api, roots: impl IntoIterator<Item = TypeId>) -> BTreeSet<TypeId> {
    closure_in(&api.types, roots)
}

/// [`closure`] in an arena under construction.
pub fn closure_in(types: &[TypeDef], roots: impl IntoIterator<Item = TypeId>) -> BTreeSet<TypeId> {
    walk(types, roots, false)
}

/// What requests reach from `roots`: the closure, not through read-only
/// properties (a request form has none, so what only they hold is never sent).
pub fn sent_closure(
    types: &[TypeDef],
    roots: impl IntoIterator<Item = TypeId>,
) -> BTreeSet<TypeId> {
    walk(types, roots, true)
}

fn walk(
    types: &[TypeDef],
    roots: impl IntoIterator<Item = TypeId>,
    sent: bool,
) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<TypeId> = roots.into_iter().collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let mut next = BTreeSet::new();
        let kind = &super::lookup(types, id).kind;
        match kind {
            TypeKind::Struct(s) if sent => {
                let held = s.fields.iter().filter(|f| f.access != Access::ReadOnly);
                for r in held.map(|f| &f.ty).chain(s.additional.as_ref()) {
                    direct_named(r, &mut next);
                }
            }
            _ => {
                for r in kind.refs() {
                    direct_named(r, &mut next);
                }
            }
        }
        stack.extend(next.into_iter().filter(|n| !seen.contains(n)));
    }
    seen
}
