//! Merging structurally identical types.
//!
//! Specs repeat shapes: an inline `enum` of 250 country codes on every
//! address-like schema, the same `{id, name}` object under two names. Each
//! would be a separate Rust type, compiled again and not interchangeable.
//! Types of the same shape (same kind, same wire and Rust names, presences,
//! defaults, tags and variant order, referring to types of the same shape;
//! docs aside) are merged: one stays (the canonical type), the others become
//! `pub type Other = Canonical;` aliases with their own docs, so every name
//! users wrote still works, and references keep the names the spec gives them.
//!
//! Shapes are compared by partition refinement: types start in classes by
//! their own signature, then are split by the classes of the types they
//! refer to, until no class splits. The result is the coarsest partition in
//! which same-class types refer to same-class types: recursive types merge
//! too. Aliases are transparent (a reference to an alias is compared as the
//! aliased reference). Merging after recursion is broken is safe: a cycle of
//! unboxed references among merged types would lift to one among the originals.
//!
//! The canonical type of a class is a component schema's own type when there
//! is one (not an inline type named after a parent), else the first in
//! document order; among component types, the first in document order.

use std::collections::BTreeMap;
#[cfg(test)]
use std::collections::BTreeSet;

#[cfg(test)]
use super::Access;
use super::{Operation, Presence, TypeDef, TypeId, TypeKind, TypeRef};

/// Merges identical types; returns each type that became an alias with the
/// canonical type it stands for.
pub fn merge_identical(
    types: &mut [TypeDef],
    operations: &mut [Operation],
) -> Vec<(TypeId, TypeId)> {
    let resolved = resolve_aliases(types);
    let members: Vec<usize> = types
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.kind, TypeKind::Alias(_)))
        .map(|(i, _)| i)
        .collect();

    // Refine until stable: class of a type = (its class, classes it refers to).
    let mut class: Vec<usize> = vec![0; types.len()];
    let mut count = 0;
    loop {
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        let mut next = class.clone();
        for (t, slot) in types.iter().zip(next.iter_mut()) {
            if matches!(t.kind, TypeKind::Alias(_)) {
                continue;
            }
            let sig = signature(t, &class, &resolved);
            let n = ids.len();
            *slot = *ids.entry(sig).or_insert(n);
        }
        let stable = ids.len() == count;
        count = ids.len();
        class = next;
        if stable {
            break;
        }
    }

    // The canonical member of each class.
    let mut by_class: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in &members {
        by_class.entry(class_of(&class, i)).or_default().push(i);
    }
    let mut canonical: BTreeMap<TypeId, TypeId> = BTreeMap::new();
    for group in by_class.values().filter(|g| g.len() > 1) {
        let def = |i: usize| super::lookup(types, TypeId(i));
        let Some(chosen) = group
            .iter()
            .copied()
            .find(|&i| is_component_root(def(i)))
            .or_else(|| group.first().copied())
        else {
            continue;
        };
        for &i in group {
            if i != chosen {
                canonical.insert(TypeId(i), TypeId(chosen));
            }
        }
        let in_request = group.iter().any(|&i| def(i).in_request);
        if let Some(t) = types.get_mut(chosen) {
            t.in_request = in_request;
        }
    }
    if canonical.is_empty() {
        return Vec::new();
    }

    for (&dup, &to) in &canonical {
        let Some(t) = types.get_mut(dup.0) else {
            continue;
        };
        let was = std::mem::replace(&mut t.kind, TypeKind::Alias(TypeRef::Named(to)));
        // The variants of a merged union stand for the merged ones' branches too.
        if let (TypeKind::Union(from), Some(TypeKind::Union(into))) =
            (was, types.get_mut(to.0).map(|t| &mut t.kind))
        {
            for (a, b) in into.variants.iter_mut().zip(from.variants) {
                a.schemas.extend(b.schemas);
            }
        }
    }
    // References keep the names the spec gave them (the aliases are the same
    // type); a page type is one impl of `Page`, so it is named canonically.
    for op in operations.iter_mut() {
        if let Some(p) = &mut op.pagination {
            if let Some(to) = canonical.get(&p.page_type) {
                p.page_type = *to;
            }
        }
    }
    canonical.into_iter().collect()
}

/// The class of type `i` (every type has one: `class` is as long as the arena).
fn class_of(class: &[usize], i: usize) -> usize {
    class.get(i).copied().unwrap_or(usize::MAX)
}

/// Whether `t` is the type of a component schema itself (`#/components/schemas/X`).
fn is_component_root(t: &TypeDef) -> bool {
    t.origin
        .strip_prefix("#/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// What each alias stands for, with aliases inside followed (acyclic: cyclic
/// aliases are newtypes by now; a depth limit guards anyway).
fn resolve_aliases(types: &[TypeDef]) -> Vec<Option<TypeRef>> {
    fn follow(types: &[TypeDef], r: &TypeRef, depth: usize) -> TypeRef {
        let deeper = |t: &TypeRef| Box::new(follow(types, t, depth + 1));
        match r {
            TypeRef::Named(id) if depth < 64 => match &super::lookup(types, *id).kind {
                TypeKind::Alias(t) => follow(types, t, depth + 1),
                _ => r.clone(),
            },
            TypeRef::Array(t) => TypeRef::Array(deeper(t)),
            TypeRef::Map(t) => TypeRef::Map(deeper(t)),
            TypeRef::Option(t) => TypeRef::Option(deeper(t)),
            TypeRef::Boxed(t) => TypeRef::Boxed(deeper(t)),
            TypeRef::Tuple(ts) => {
                TypeRef::Tuple(ts.iter().map(|t| follow(types, t, depth + 1)).collect())
            }
            other => other.clone(),
        }
    }
    types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Alias(r) => Some(follow(types, r, 0)),
            _ => None,
        })
        .collect()
}

/// A reference as text, named types by class, aliases seen through.
fn ref_sig(r: &TypeRef, class: &[usize], resolved: &[Option<TypeRef>], out: &mut String) {
    match r {
        TypeRef::Named(id) => match resolved.get(id.0) {
            Some(Some(target)) if !matches!(target, TypeRef::Named(t) if t == id) => {
                ref_sig(target, class, resolved, out)
            }
            _ => out.push_str(&format!("#{}", class_of(class, id.0))),
        },
        TypeRef::Prim(p) => out.push_str(&format!("{p:?}")),
        TypeRef::Array(t) => wrap("Vec", t, class, resolved, out),
        TypeRef::Map(t) => wrap("Map", t, class, resolved, out),
        TypeRef::Option(t) => wrap("Option", t, class, resolved, out),
        TypeRef::Boxed(t) => wrap("Box", t, class, resolved, out),
        TypeRef::Tuple(ts) => {
            out.push('(');
            for t in ts {
                ref_sig(t, class, resolved, out);
                out.push(',');
            }
            out.push(')');
        }
        TypeRef::Any => out.push_str("Any"),
    }
}

fn wrap(what: &str, t: &TypeRef, class: &[usize], resolved: &[Option<TypeRef>], out: &mut String) {
    out.push_str(what);
    out.push('<');
    ref_sig(t, class, resolved, out);
    out.push('>');
}

/// A type's shape as text: its class so far, its kind and everything that
/// decides its Rust definition and wire format, docs and name aside.
fn signature(t: &TypeDef, class: &[usize], resolved: &[Option<TypeRef>]) -> String {
    let mut out = format!("{}|", class_of(class, t.id.0));
    let r = |r: &TypeRef, out: &mut String| ref_sig(r, class, resolved, out);
    match &t.kind {
        TypeKind::Struct(s) => {
            // `in_request` only changes how optional, nullable fields render.
            let patch = t.in_request
                && s.fields
                    .iter()
                    .any(|f| f.presence == Presence::OptionalNullable);
            out.push_str(&format!("struct patch={patch}{{"));
            for f in &s.fields {
                // Access too: a read-only property is not sent, so a type
                // with one is not the same request type as one without.
                out.push_str(&format!(
                    "{:?}/{:?}/{:?}/{:?}/{}:",
                    f.wire_name,
                    f.rust_name,
                    f.presence,
                    f.access,
                    f.default
                        .as_ref()
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                ));
                r(&f.ty, &mut out);
                out.push(';');
            }
            if let Some(a) = &s.additional {
                out.push_str("..");
                r(a, &mut out);
            }
            out.push('}');
        }
        TypeKind::Enum(e) => {
            out.push_str(&format!("enum {:?}{{", e.scalar));
            for v in &e.variants {
                out.push_str(&format!("{:?}/{:?};", v.wire_name, v.rust_name));
            }
            out.push('}');
        }
        TypeKind::Const(c) => out.push_str(&format!(
            "const {:?} {:?}/{:?}",
            c.scalar, c.wire_name, c.rust_name
        )),
        TypeKind::Union(u) => {
            out.push_str(&format!("union tag={:?}/{:?}{{", u.tag, u.tag_scalar));
            for v in &u.variants {
                out.push_str(&format!("{:?}/{:?}:", v.rust_name, v.tag_values));
                r(&v.ty, &mut out);
                out.push(';');
            }
            out.push('}');
        }
        TypeKind::Newtype(inner) => {
            out.push_str("newtype ");
            r(inner, &mut out);
        }
        TypeKind::Alias(_) => out.push_str("alias"),
    }
    out
}

/// The set of type ids `merge_identical` would keep distinct, for tests.
#[cfg(test)]
fn distinct(types: &[TypeDef]) -> BTreeSet<usize> {
    types
        .iter()
        .filter(|t| !matches!(t.kind, TypeKind::Alias(_)))
        .map(|t| t.id.0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ConstValue, Docs, EnumVariant, Enumeration, Field, Prim, Scalar, Struct};

    fn def(id: usize, name: &str, origin: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            id: TypeId(id),
            name: name.into(),
            origin: origin.into(),
            module: name.to_lowercase(),
            docs: Docs::default(),
            kind,
            in_request: false,
        }
    }

    fn field(name: &str, ty: TypeRef) -> Field {
        Field {
            access: Access::ReadWrite,
            wire_name: name.into(),
            rust_name: name.into(),
            ty,
            presence: Presence::Required,
            default: None,
            docs: Docs::default(),
        }
    }

    fn object(fields: Vec<Field>) -> TypeKind {
        TypeKind::Struct(Struct {
            fields,
            additional: None,
        })
    }

    fn colours(values: &[&str]) -> TypeKind {
        TypeKind::Enum(Enumeration {
            scalar: Scalar::String,
            variants: values
                .iter()
                .map(|v| EnumVariant {
                    wire_name: v.to_string(),
                    rust_name: v.to_uppercase(),
                    description: None,
                })
                .collect(),
        })
    }

    #[test]
    fn identical_enums_and_the_structs_using_them_merge() {
        let mut types = vec![
            def(
                0,
                "Address",
                "#/components/schemas/Address",
                object(vec![field("country", TypeRef::Named(TypeId(1)))]),
            ),
            def(
                1,
                "AddressCountry",
                "#/components/schemas/Address/properties/country",
                colours(&["us", "fr"]),
            ),
            def(
                2,
                "Country",
                "#/components/schemas/Country",
                colours(&["us", "fr"]),
            ),
            def(
                3,
                "Place",
                "#/components/schemas/Place",
                object(vec![field("country", TypeRef::Named(TypeId(2)))]),
            ),
            def(
                4,
                "Other",
                "#/components/schemas/Other",
                colours(&["fr", "us"]),
            ),
        ];
        let merged = merge_identical(&mut types, &mut []);
        assert_eq!(merged, vec![(TypeId(1), TypeId(2)), (TypeId(3), TypeId(0))]);
        // The component enum is kept over the inline one; order of values counts.
        assert!(matches!(
            types[1].kind,
            TypeKind::Alias(TypeRef::Named(TypeId(2)))
        ));
        assert!(matches!(
            types[3].kind,
            TypeKind::Alias(TypeRef::Named(TypeId(0)))
        ));
        assert_eq!(distinct(&types), BTreeSet::from([0, 2, 4]));
    }

    #[test]
    fn recursive_types_of_one_shape_merge_and_different_ones_do_not() {
        let node = |id: usize, child: usize, extra: Option<&str>| {
            let mut fields = vec![field(
                "children",
                TypeRef::Array(Box::new(TypeRef::Named(TypeId(child)))),
            )];
            if let Some(e) = extra {
                fields.push(field(e, TypeRef::Prim(Prim::String)));
            }
            def(
                id,
                &format!("N{id}"),
                &format!("#/components/schemas/N{id}"),
                object(fields),
            )
        };
        let mut types = vec![
            node(0, 0, None),
            node(1, 1, None),
            node(2, 2, Some("label")),
        ];
        assert_eq!(
            merge_identical(&mut types, &mut []),
            vec![(TypeId(1), TypeId(0))]
        );
        assert_eq!(distinct(&types), BTreeSet::from([0, 2]));
    }

    #[test]
    fn constants_with_other_values_stay_apart() {
        let c = |v: &str| {
            TypeKind::Const(ConstValue {
                scalar: Scalar::String,
                wire_name: v.into(),
                rust_name: "V".into(),
            })
        };
        let mut types = vec![
            def(0, "A", "#/components/schemas/A", c("a")),
            def(1, "B", "#/components/schemas/B", c("b")),
            def(2, "C", "#/components/schemas/C", c("a")),
        ];
        assert_eq!(merge_identical(&mut types, &mut []).len(), 1);
        assert!(matches!(
            types[2].kind,
            TypeKind::Alias(TypeRef::Named(TypeId(0)))
        ));
    }
}
