//! Settling unions once every type exists: finding the tag that tells variants
//! apart, naming variants, and ordering untagged variants most specific first.
//!
//! - `discriminator: {propertyName, mapping}` -> tagged by that property, values
//!   from `mapping` (or the variant's `const`, or its schema name);
//! - no discriminator, but every variant is an object with a `const` (or
//!   one-value `enum`) property with distinct values of one kind -> tagged by
//!   it, a required one preferred (Polar's `type: {const: "..."}`); integer
//!   and boolean tags too;
//! - anything else -> untagged, tried in order of [`specificity`].

use std::collections::BTreeSet;

use super::context::Lowerer;
use super::*;
use crate::error::Result;
use crate::naming::{self, Scope};
use crate::schema::Discriminator;

/// The one value a type admits (a constant, or a one-value enum), with its kind.
pub(super) fn single_value(types: &[TypeDef], r: &TypeRef) -> Option<(Scalar, String)> {
    match &lookup(types, resolve_named(types, r)?).kind {
        TypeKind::Const(c) => Some((c.scalar, c.wire_name.clone())),
        TypeKind::Enum(e) => match e.variants.as_slice() {
            [only] => Some((e.scalar, only.wire_name.clone())),
            _ => None,
        },
        _ => None,
    }
}

fn struct_of<'t>(types: &'t [TypeDef], r: &TypeRef) -> Option<&'t Struct> {
    match &lookup(types, resolve_named(types, r)?).kind {
        TypeKind::Struct(s) => Some(s),
        _ => None,
    }
}

/// A tag found for a union: the property, the kind of its values, and the
/// values selecting each variant (in variant order).
pub(super) type Tag = (String, Scalar, Vec<Vec<String>>);

/// The property every variant holds as a single value (a `const`, or a
/// one-value `enum`), distinct across variants and of one kind: whether it
/// is required or not (a value without it is tried untagged). Required
/// candidates are preferred.
pub(super) fn const_tag(types: &[TypeDef], variants: &[Variant]) -> Option<Tag> {
    let first = struct_of(types, &variants.first()?.ty)?;
    let mut found: Option<(bool, Tag)> = None;
    'candidates: for f in &first.fields {
        let mut values = Vec::new();
        let mut distinct = BTreeSet::new();
        let mut scalar = None;
        let mut all_required = true;
        for v in variants {
            let s = struct_of(types, &v.ty)?;
            let Some(field) = s.fields.iter().find(|g| g.wire_name == f.wire_name) else {
                continue 'candidates;
            };
            all_required &= field.presence == Presence::Required;
            let Some((kind, value)) = single_value(types, &field.ty) else {
                continue 'candidates;
            };
            if scalar.is_some_and(|k| k != kind) || !distinct.insert(value.clone()) {
                continue 'candidates;
            }
            scalar = Some(kind);
            values.push(vec![value]);
        }
        let tag = (f.wire_name.clone(), scalar.unwrap_or_default(), values);
        match &found {
            Some((true, _)) => {}
            _ if all_required => found = Some((true, tag)),
            None => found = Some((false, tag)),
            Some(_) => {}
        }
    }
    found.map(|(_, tag)| tag)
}

fn discriminator_tag(lw: &Lowerer<'_>, d: &Discriminator, variants: &[Variant]) -> Option<Tag> {
    let types = &lw.types;
    let prop = &d.property_name;
    let mut all = Vec::new();
    let mut distinct = BTreeSet::new();
    let mut scalar = None;
    let mapped = |r: &str| mapped_type(lw, r);
    for v in variants {
        let TypeRef::Named(direct) = &v.ty else {
            return None;
        };
        let s = struct_of(types, &v.ty)?;
        let field = s.fields.iter().find(|f| &f.wire_name == prop)?;
        let target = resolve_named(types, &v.ty)?;
        let mut values: Vec<String> = d
            .mapping
            .iter()
            .filter(|(_, r)| mapped(r).is_some_and(|id| id == *direct || id == target))
            .map(|(k, _)| k.clone())
            .collect();
        let own = single_value(types, &field.ty);
        if values.is_empty() {
            values.push(match &own {
                Some((_, value)) => value.clone(),
                None => lw
                    .components
                    .iter()
                    .find(|(_, id)| *id == direct)
                    .map(|(name, _)| name.clone())?,
            });
        }
        let kind = own.map_or(Scalar::String, |(k, _)| k);
        if scalar.is_some_and(|k| k != kind) {
            return None;
        }
        scalar = Some(kind);
        for value in &values {
            if !distinct.insert(value.clone()) {
                return None;
            }
        }
        all.push(values);
    }
    Some((prop.clone(), scalar.unwrap_or_default(), all))
}

/// The named type a discriminator mapping value stands for: a reference
/// (`#/components/schemas/Cat`) or a bare component name (`Cat`).
fn mapped_type(lw: &Lowerer<'_>, r: &str) -> Option<TypeId> {
    if r.starts_with('#') {
        let sid = lw.schemas.at(r)?;
        lw.slots.get(&sid).copied()
    } else {
        lw.components.get(r).copied()
    }
}

/// Orders untagged variants: objects with more required fields first, then
/// arrays and maps, then scalars from the narrowest (formats, consts) to the widest.
fn specificity(types: &[TypeDef], r: &TypeRef) -> (u8, i64) {
    match r {
        TypeRef::Option(t) | TypeRef::Boxed(t) => specificity(types, t),
        TypeRef::Named(_) => match resolve_named(types, r).map(|id| &lookup(types, id).kind) {
            Some(TypeKind::Struct(s)) => {
                let required = s
                    .fields
                    .iter()
                    .filter(|f| f.presence == Presence::Required)
                    .count() as i64;
                let consts = s
                    .fields
                    .iter()
                    .filter(|f| single_value(types, &f.ty).is_some())
                    .count() as i64;
                (0, -(required + 4 * consts) * 1000 - s.fields.len() as i64)
            }
            Some(TypeKind::Union(_)) => (1, 0),
            Some(TypeKind::Alias(t)) | Some(TypeKind::Newtype(t)) => match t {
                TypeRef::Named(_) => (1, 0),
                other => specificity(types, other),
            },
            Some(TypeKind::Const(_)) => (5, 0),
            Some(TypeKind::Enum(_)) => (9, 0),
            None => (15, 0),
        },
        TypeRef::Tuple(ts) => (2, -(ts.len() as i64)),
        TypeRef::Array(_) => (3, 0),
        TypeRef::Map(_) => (4, 0),
        TypeRef::Prim(p) => match p {
            Prim::DateTime => (6, 0),
            Prim::Date => (7, 0),
            Prim::Uuid => (8, 0),
            Prim::String => (10, 0),
            Prim::Bool => (11, 0),
            Prim::I32 | Prim::I64 | Prim::I128 => (12, 0),
            Prim::F64 => (13, 0),
            Prim::Unit => (14, 0),
            Prim::Binary => (10, 1),
        },
        TypeRef::Any => (15, 0),
    }
}

/// Whether a variant takes strings only (`Some`), and then every string
/// (`true`: a plain string or bytes) or only some.
fn any_string(types: &[TypeDef], v: &Variant) -> Option<bool> {
    matches!(prim_behind(types, &v.ty), Some(Prim::String | Prim::Binary))
        .then_some(v.format.is_none())
}

/// A readable variant name for an untagged variant's type.
fn variant_name(types: &[TypeDef], union_name: &str, r: &TypeRef) -> String {
    match r {
        TypeRef::Named(id) => {
            let name = &lookup(types, *id).name;
            match name.strip_prefix(union_name) {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_owned(),
                _ => name.clone(),
            }
        }
        TypeRef::Prim(p) => match p {
            Prim::String => "String",
            Prim::Bool => "Boolean",
            Prim::I32 | Prim::I64 | Prim::I128 => "Integer",
            Prim::F64 => "Number",
            Prim::DateTime => "DateTime",
            Prim::Date => "Date",
            Prim::Uuid => "Uuid",
            Prim::Unit => "Null",
            Prim::Binary => "File",
        }
        .to_owned(),
        TypeRef::Array(inner) => match &**inner {
            TypeRef::Named(id) => format!("{}List", lookup(types, *id).name),
            TypeRef::Prim(_) => format!("{}List", variant_name(types, "", inner)),
            _ => "List".to_owned(),
        },
        TypeRef::Map(_) => "Map".to_owned(),
        TypeRef::Tuple(_) => "Tuple".to_owned(),
        TypeRef::Option(t) | TypeRef::Boxed(t) => variant_name(types, union_name, t),
        TypeRef::Any => "Value".to_owned(),
    }
}

/// Settles every union recorded during lowering.
pub(super) fn settle(lw: &mut Lowerer<'_>) -> Result<()> {
    let pending = std::mem::take(&mut lw.unions);
    for p in pending {
        let def = lookup(&lw.types, p.id);
        let TypeKind::Union(u) = &def.kind else {
            continue;
        };
        let mut variants = u.variants.clone();
        let tag = p
            .discriminator
            .as_ref()
            .and_then(|d| discriminator_tag(lw, d, &variants))
            .or_else(|| const_tag(&lw.types, &variants));
        let union_name = def.name.clone();
        let mut scope = Scope::with_reserved(&["Unknown"]);
        match &tag {
            Some((_, _, values)) => {
                for (v, vals) in variants.iter_mut().zip(values) {
                    let first = vals.first().cloned().unwrap_or_default();
                    v.rust_name = scope.claim(naming::type_name(&first, "Variant"));
                    v.tag_values = vals.clone();
                }
            }
            None => {
                let types = &lw.types;
                // A string checked for its format before strings of any kind.
                variants.sort_by_key(|v| {
                    let (rank, within) = specificity(types, &v.ty);
                    (rank, within - i64::from(v.format.is_some()))
                });
                for v in variants.iter_mut() {
                    v.rust_name = scope.claim(naming::type_name(
                        &variant_name(types, &union_name, &v.ty),
                        "Variant",
                    ));
                }
                // A string variant after one that takes every string is never chosen.
                let mut taken: Option<&Variant> = None;
                let mut unreachable = Vec::new();
                for v in &variants {
                    match (any_string(types, v), taken) {
                        (Some(_), Some(first)) => {
                            unreachable.push((v.rust_name.clone(), first.rust_name.clone()))
                        }
                        (Some(true), None) => taken = Some(v),
                        _ => {}
                    }
                }
                for (never, first) in unreachable {
                    lw.warn(
                        &p.origin,
                        format!("union `{union_name}`: variant `{never}` is never chosen, as `{first}` before it takes every string (a `format` the client checks, `email`, `uri`, `ipv4` or `ipv6`, would tell them apart)"),
                    );
                }
            }
        }
        // 3.2's `defaultMapping`: the variant for tag values mapped to nothing.
        let default_mapping = p
            .discriminator
            .as_ref()
            .and_then(|d| d.default_mapping.as_deref());
        let default_variant = default_mapping.and_then(|r| {
            let id = mapped_type(lw, r)?;
            variants
                .iter()
                .find(|v| {
                    matches!(&v.ty, TypeRef::Named(direct) if *direct == id)
                        || resolve_named(&lw.types, &v.ty) == Some(id)
                })
                .map(|v| v.rust_name.clone())
        });
        if let Some(r) = default_mapping {
            if default_variant.is_none() || tag.is_none() {
                lw.warn(
                    &p.origin.join("discriminator").join("defaultMapping"),
                    format!("`defaultMapping` `{r}` is not one of the union's variants, or the union is not tagged: a value whose tag maps to nothing is kept as `Unknown` (its JSON as it came)"),
                );
            }
        }
        let default_variant = default_variant.filter(|_| tag.is_some());
        let Some(def) = lw.types.get_mut(p.id.0) else {
            continue;
        };
        if p.discriminator.is_some() && tag.is_none() {
            def.docs.notes.push(format!(
                "discriminator at {} could not be used; variants are tried in order",
                p.origin
            ));
        }
        let tag_scalar = tag.as_ref().map_or(Scalar::String, |(_, k, _)| *k);
        def.kind = TypeKind::Union(Union {
            tag: tag.map(|(prop, ..)| prop),
            tag_scalar,
            variants,
            default_variant,
        });
    }
    Ok(())
}
