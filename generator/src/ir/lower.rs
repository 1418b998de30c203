//! Lowering: schemas -> named types in the arena.
//!
//! A value sits at a schema, and satisfies that schema's keywords, its
//! `$ref`'s target and its `allOf` members all at once: lowering reads them
//! together ([`Conj`]), so keywords beside a `$ref` apply with it, and `allOf`
//! merges every member (properties, `required`, `additionalProperties`,
//! nested `allOf`, unions: a union among the members is distributed over the
//! rest). A schema that is only a `$ref` (with docs or nullability beside it)
//! is the referenced type itself.
//!
//! Inline schemas that need a name are named after where they sit
//! (`{Parent}{Field}`, `{Parent}Item`, `{Union}Variant{n}`, `{Operation}Request`).
//! Unions are recorded for [`super::unions`] to settle once every variant is known.

use std::collections::BTreeSet;

use serde_json::Value;

use super::context::*;
use super::*;
use crate::error::{Error, Pointer, Result};
use crate::naming::{self, Scope};
use crate::schema::conj::{self, Conj, Expansion};
use crate::schema::{JsonType, Schema, SchemaId};

/// The most variants a product of several unions (`allOf: [oneOf, oneOf]`) is spread into.
const MAX_SPREAD: usize = 32;

/// A union among a conjunction's members: who holds it, and its branches.
struct Group {
    holder: SchemaId,
    key: &'static str,
    branches: Vec<SchemaId>,
}

impl<'a> Lowerer<'a> {
    /// Lowers the schema at `at` (a place the document holds a schema).
    pub(super) fn lower_at(
        &mut self,
        at: &Pointer,
        target: Target,
        field: bool,
    ) -> Result<TypeRef> {
        match self.schemas.at(at.as_str()) {
            Some(id) => self.lower_into(Conj::of(id), target, at, field),
            None => Err(Error::Internal {
                pointer: at.clone(),
                message: "no schema was read at this place".into(),
            }),
        }
    }

    /// Lowers a conjunction of schemas; nested named types go to `target`.
    /// `field` is set when the schema is a property (its docs then belong to
    /// the field).
    pub(super) fn lower_into(
        &mut self,
        conj: Conj,
        target: Target,
        at: &Pointer,
        field: bool,
    ) -> Result<TypeRef> {
        // Inline schemas nest as deep as the document does, except where
        // `allOf` merging copies a schema into itself (`A.b: allOf [A, ...]`):
        // bounded, so that ends in an error, not a stack overflow.
        if self.depth >= MAX_DEPTH {
            return Err(Error::unsupported(
                at,
                format!("schemas nested more than {MAX_DEPTH} deep; does an `allOf` include the schema it is in?"),
            ));
        }
        self.depth += 1;
        let lowered = self.lower_conj(conj, target, at, field);
        self.depth -= 1;
        lowered
    }

    fn lower_conj(
        &mut self,
        conj: Conj,
        target: Target,
        at: &Pointer,
        field: bool,
    ) -> Result<TypeRef> {
        let plain = conj.spread.is_empty() && conj.only.is_none();
        // A schema with a named type of its own (a component, or one a
        // `$ref` points at) is that type, wherever else it is lowered.
        if let ([only], true) = (conj.ids.as_slice(), plain) {
            if let Some(&slot) = self.slots.get(only) {
                if !matches!(target, Target::Slot(s) if s == slot) {
                    return Ok(self.named_ref(slot));
                }
            }
        }
        let nullable = plain
            && conj
                .ids
                .iter()
                .all(|&id| conj::admits_null(self.schemas, id));
        // A bare `$ref`, maybe with docs or nullability beside it.
        if plain {
            if let Some(slot) = self.principal_ref(&conj.ids) {
                let r = self.named_ref(slot);
                return Ok(match r {
                    TypeRef::Named(_) if nullable => TypeRef::Option(Box::new(r)),
                    other => other,
                });
            }
        }
        let e = conj.expand(self.schemas);
        if e.too_deep {
            return Err(Error::unsupported(
                at,
                "`$ref`s and `allOf`s nested more than 64 deep (a cycle of `allOf`s?)",
            ));
        }
        let shape = self.lower_shape(&conj, &e, &target, at, field)?;
        // A value of any type may be null already; it is an `Option` only
        // where the schema says `null` in so many words.
        let says_null = || {
            self.own(&conj.ids).iter().any(|&id| {
                let s = self.schemas.get(id);
                s.admits_null()
                    || s.any_of
                        .iter()
                        .chain(&s.one_of)
                        .any(|&b| self.schemas.get(b).null_only())
            })
        };
        Ok(
            if nullable
                && !matches!(shape, TypeRef::Option(_) | TypeRef::Prim(Prim::Unit))
                && (shape != TypeRef::Any || says_null())
            {
                TypeRef::Option(Box::new(shape))
            } else {
                shape
            },
        )
    }

    /// The schemas a conjunction holds directly: its ids and their `allOf`
    /// members, not what their `$ref`s point at.
    fn own(&self, ids: &[SchemaId]) -> Vec<SchemaId> {
        let mut out = Vec::new();
        let mut stack: Vec<SchemaId> = ids.iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            if out.contains(&id) || out.len() > 256 {
                continue;
            }
            out.push(id);
            stack.extend(self.schemas.get(id).all_of.iter().rev().copied());
        }
        out
    }

    /// Where the first of `ids` is (`or` when there is none).
    fn first_at(&self, ids: &[SchemaId], or: &Pointer) -> Pointer {
        ids.first()
            .map_or_else(|| or.clone(), |&id| self.schemas.get(id).at.clone())
    }

    /// When the conjunction is one `$ref` and schemas that only describe or
    /// constrain (docs, nullability, bounds): the named type it refers to.
    fn principal_ref(&self, ids: &[SchemaId]) -> Option<TypeId> {
        let own = self.own(ids);
        let mut found = None;
        for &id in &own {
            let s = self.schemas.get(id);
            if let Some(t) = s.reference.as_ref().and_then(|r| r.target) {
                if found.is_some() || conj::adds_to_ref(s) {
                    return None;
                }
                found = Some(t);
            } else if !s.all_of.is_empty() {
                let bare = Schema {
                    all_of: Vec::new(),
                    ..s.clone()
                };
                if !conj::is_modifier_only(&bare) && bare.types.is_none() {
                    return None;
                }
                if bare.types.is_some() && conj::adds_to_ref(&bare) {
                    return None;
                }
            } else if !conj::is_modifier_only(s) && (s.types.is_none() || conj::adds_to_ref(s)) {
                return None;
            }
        }
        self.slot_of(found?, 0)
    }

    /// The named type of schema `id`, through schemas that are only a `$ref`.
    fn slot_of(&self, id: SchemaId, depth: usize) -> Option<TypeId> {
        if let Some(&slot) = self.slots.get(&id) {
            return Some(slot);
        }
        let s = self.schemas.get(id);
        match s.reference.as_ref().and_then(|r| r.target) {
            Some(t) if depth < 16 && !conj::adds_to_ref(s) => self.slot_of(t, depth + 1),
            _ => None,
        }
    }

    fn lower_shape(
        &mut self,
        conj: &Conj,
        e: &Expansion,
        target: &Target,
        at: &Pointer,
        field: bool,
    ) -> Result<TypeRef> {
        let s = self.schemas;
        let name = target.hint(self).to_owned();
        let own = self.own(&conj.ids);
        let docs = |lw: &Self| lw.docs(&own, &name);
        if e.never {
            self.warn(
                at,
                "no value satisfies this schema (`false`, or `allOf` with `false`): its values are `serde_json::Value`",
            );
            return Ok(TypeRef::Any);
        }
        let members: Vec<&Schema> = e.members.iter().map(|&m| s.get(m)).collect();
        if members.iter().any(|m| m.null_only()) && conj.only.is_none() {
            return Ok(TypeRef::Prim(Prim::Unit));
        }
        self.warn_unchecked(&members);
        // Unions among the members (not yet spread).
        let groups: Vec<Group> = e
            .members
            .iter()
            .filter(|m| !conj.spread.contains(m))
            .flat_map(|&m| {
                let m_s = s.get(m);
                [("oneOf", &m_s.one_of), ("anyOf", &m_s.any_of)]
                    .into_iter()
                    .filter(|(_, b)| !b.is_empty())
                    .map(move |(key, b)| Group {
                        holder: m,
                        key,
                        branches: b.clone(),
                    })
            })
            .collect();
        if !groups.is_empty() {
            return self.lower_groups(conj, e, groups, target, at, field);
        }
        let types = conj::types(s, e, conj.only);
        if let Some(values) = conj::values(s, e) {
            return self.lower_values(conj, e, values, target, at);
        }
        let has = |f: &dyn Fn(&Schema) -> bool| members.iter().any(|m| f(m));
        let object_like = has(&|m| {
            !m.properties.is_empty()
                || m.additional.is_some()
                || !m.pattern_properties.is_empty()
                || m.property_names.is_some()
                || !m.required.is_empty()
        });
        let array_like = has(&|m| m.items.is_some() || !m.prefix_items.is_empty());
        let types = match types {
            Some(t) => t,
            None if object_like => vec![JsonType::Object],
            None if array_like => vec![JsonType::Array],
            None => return Ok(self.untyped_here(at)),
        };
        let (format, other_format) = conj::format(s, e);
        if let Some(other) = other_format {
            self.warn(
                at,
                format!("`allOf` members disagree on the format (`{}` and `{other}`): the first is used", format.as_deref().unwrap_or_default()),
            );
        }
        match types.as_slice() {
            [] => {
                self.warn(
                    at,
                    "the schemas that apply here allow no common type: its values are `serde_json::Value`",
                );
                Ok(TypeRef::Any)
            }
            [JsonType::Object] => self.lower_object(e, target, at, &own),
            [JsonType::Array] => self.lower_array(e, target, at),
            [JsonType::String] => {
                let binary = format.is_none()
                    && has(&|m| m.content_media_type.is_some() && m.content_encoding.is_none());
                if binary {
                    return Ok(TypeRef::Prim(Prim::Binary));
                }
                self.check_format(format.as_deref(), STRING_FORMATS, "a plain `String`", at);
                Ok(TypeRef::Prim(string_format(format.as_deref())))
            }
            [JsonType::Integer] => {
                self.check_format(format.as_deref(), INTEGER_FORMATS, "an `i64`", at);
                // Bounds past `i64` (a `maximum` of 2^64): every value they allow fits `i128`.
                let wide = members.iter().any(|m| {
                    [
                        m.minimum,
                        m.maximum,
                        m.exclusive_minimum,
                        m.exclusive_maximum,
                    ]
                    .into_iter()
                    .flatten()
                    .any(|b| b > i64::MAX as f64 || b < i64::MIN as f64)
                });
                Ok(TypeRef::Prim(match format.as_deref() {
                    _ if wide => Prim::I128,
                    Some("int32" | "int16" | "int8" | "uint8" | "uint16") => Prim::I32,
                    _ => Prim::I64,
                }))
            }
            [JsonType::Number] => {
                // `format: int32` on a number still allows 2.5 as far as the
                // schema says: the value stays a float (the docs say the format).
                let known = NUMBER_FORMATS
                    .iter()
                    .chain(INTEGER_FORMATS)
                    .copied()
                    .collect::<Vec<_>>();
                self.check_format(format.as_deref(), &known, "an `f64`", at);
                Ok(TypeRef::Prim(Prim::F64))
            }
            [JsonType::Boolean] => Ok(TypeRef::Prim(Prim::Bool)),
            [JsonType::Null] => Ok(TypeRef::Prim(Prim::Unit)),
            several => {
                // `type: [string, integer]`: a union with a variant per type.
                if let Some(t) = numeric_only(several) {
                    let narrowed = Conj {
                        only: Some(t),
                        ..conj.clone()
                    };
                    return self.lower_shape(&narrowed, e, target, at, field);
                }
                let several = several.to_vec();
                let d = docs(self);
                let me = self.reserve_union(target, at, d);
                let TypeRef::Named(id) = me else {
                    return Ok(me);
                };
                let mut variants = Vec::new();
                for t in several {
                    let narrowed = Conj {
                        only: Some(t),
                        ..conj.clone()
                    };
                    let hint = format!("{}{}", lookup(&self.types, id).name, type_word(t));
                    let module = lookup(&self.types, id).module.clone();
                    let r =
                        self.lower_into(narrowed, Target::Inline { hint, module }, at, false)?;
                    variants.push(Variant {
                        rust_name: String::new(),
                        tag_values: vec![],
                        ty: strip_option(r),
                        schemas: vec![vec![at.to_string()]],
                        format: None,
                    });
                }
                self.finish_union(id, variants, None, at);
                Ok(me)
            }
        }
    }

    /// Warns about keywords that no Rust type expresses and that the
    /// generated code does not check either.
    fn warn_unchecked(&mut self, members: &[&Schema]) {
        for m in members {
            if m.not
                .is_some_and(|n| self.schemas.get(n).constrains_shape())
            {
                self.warn(
                    &m.at.join("not"),
                    "`not` is not checked: the value's type comes from the other keywords",
                );
            }
            if m.conditional {
                self.warn(
                    &m.at.join("if"),
                    "`if`/`then`/`else` is not checked: the value's type comes from the other keywords",
                );
            }
            if m.dependent_schemas {
                self.warn(
                    &m.at,
                    "`dependentSchemas` is not checked: the value's type comes from the other keywords",
                );
            }
            if let Some(u) = m.unevaluated_properties {
                if self.schemas.get(u).constrains_shape() {
                    self.warn(
                        &m.at.join("unevaluatedProperties"),
                        "`unevaluatedProperties` with a schema is not typed: properties no schema declares are not kept",
                    );
                }
            }
        }
    }

    /// A union's type, reserved before its variants so names read parent first.
    fn reserve_union(&mut self, target: &Target, at: &Pointer, docs: Docs) -> TypeRef {
        self.define(
            target,
            at,
            docs,
            TypeKind::Union(Union {
                tag: None,
                tag_scalar: Scalar::String,
                variants: vec![],
                default_variant: None,
            }),
        )
    }

    /// The `format` of a branch (through its `$ref`s) that the runtime
    /// checks, when the branch lowered to a plain string.
    fn checked_format(&self, mut id: SchemaId, ty: &TypeRef) -> Option<StrFormat> {
        if prim_behind(&self.types, ty) != Some(Prim::String) {
            return None;
        }
        for _ in 0..8 {
            let schema = self.schemas.get(id);
            if let Some(f) = &schema.format {
                return StrFormat::of(f);
            }
            id = schema.reference.as_ref()?.target?;
        }
        None
    }

    fn finish_union(
        &mut self,
        id: TypeId,
        variants: Vec<Variant>,
        discriminator: Option<crate::schema::Discriminator>,
        at: &Pointer,
    ) {
        if let Some(def) = self.types.get_mut(id.0) {
            def.kind = TypeKind::Union(Union {
                tag: None,
                tag_scalar: Scalar::String,
                variants,
                default_variant: None,
            });
        }
        self.unions.push(PendingUnion {
            id,
            discriminator,
            origin: at.clone(),
        });
    }

    /// Members holding `oneOf`/`anyOf`: one union, spread over what the other
    /// members add (properties, required, ...) when they add anything; several
    /// unions, spread into their product.
    fn lower_groups(
        &mut self,
        conj: &Conj,
        e: &Expansion,
        groups: Vec<Group>,
        target: &Target,
        at: &Pointer,
        field: bool,
    ) -> Result<TypeRef> {
        let s = self.schemas;
        let name = target.hint(self).to_owned();
        // Null branches are the `Option` the caller adds.
        let live = |g: &Group| -> Vec<(usize, SchemaId)> {
            g.branches
                .iter()
                .copied()
                .enumerate()
                .filter(|(_, b)| !s.get(*b).null_only())
                .collect()
        };
        let Some(first) = groups.first() else {
            return Ok(TypeRef::Any);
        };
        if groups.len() == 1 {
            let branches = live(first);
            let holder = first.holder;
            let key = first.key;
            let spread = |b: SchemaId| {
                let mut c = conj.with(b);
                c.spread.insert(holder);
                c
            };
            let branch_at = |i: usize| s.get(holder).at.join(key).join(i.to_string());
            let adds = self.rest_adds(e);
            match branches.as_slice() {
                [] => return Ok(TypeRef::Prim(Prim::Unit)),
                // One branch beside nothing else: the branch itself (a
                // `$ref` stays its named type).
                [(i, b)] if !adds => {
                    return self.lower_into(Conj::of(*b), target.clone(), &branch_at(*i), field)
                }
                [(i, b)] => {
                    return self.lower_into(spread(*b), target.clone(), &branch_at(*i), field)
                }
                _ => {}
            }
            if !adds {
                if let Some(kind) = self.const_branches(&branches, holder) {
                    let d = self.docs(&self.own(&conj.ids), &name);
                    return Ok(self.define(target, at, d, kind));
                }
                if let Some((bi, b)) = self.numeric_branch(&branches) {
                    return self.lower_into(spread(b), target.clone(), &branch_at(bi), field);
                }
            }
            let d = self.docs(&self.own(&conj.ids), &name);
            let me = self.reserve_union(target, at, d);
            let TypeRef::Named(id) = me else {
                return Ok(me);
            };
            let mut variants = Vec::new();
            for (i, b) in branches {
                let def = lookup(&self.types, id);
                let module = def.module.clone();
                let b_at = branch_at(i);
                let (sub, hint, schemas) = if adds {
                    let word = self
                        .slot_of(b, 0)
                        .map(|t| lookup(&self.types, t).name.clone())
                        .unwrap_or_else(|| format!("Variant{}", i + 1));
                    (
                        spread(b),
                        format!("{}{word}", def.name),
                        vec![vec![at.to_string(), b_at.to_string()]],
                    )
                } else {
                    (
                        Conj::of(b),
                        format!("{}Variant{}", def.name, i + 1),
                        vec![vec![b_at.to_string()]],
                    )
                };
                let r = self.lower_into(sub, Target::Inline { hint, module }, &b_at, false)?;
                let ty = strip_option(r);
                let format = if adds {
                    None
                } else {
                    self.checked_format(b, &ty)
                };
                variants.push(Variant {
                    rust_name: String::new(),
                    tag_values: vec![],
                    ty,
                    schemas,
                    format,
                });
            }
            let discriminator = e
                .members
                .iter()
                .find_map(|&m| s.get(m).discriminator.clone());
            self.finish_union(id, variants, discriminator, at);
            return Ok(me);
        }
        // Several unions: their product, each combination one variant.
        let mut combos: Vec<Vec<(SchemaId, Pointer)>> = vec![Vec::new()];
        for g in &groups {
            let branches = live(g);
            let mut next = Vec::new();
            for combo in &combos {
                for (i, b) in &branches {
                    let mut c = combo.clone();
                    c.push((*b, s.get(g.holder).at.join(g.key).join(i.to_string())));
                    next.push(c);
                }
            }
            combos = next;
            if combos.len() > MAX_SPREAD {
                self.warn(
                    at,
                    format!("`allOf` of unions with more than {MAX_SPREAD} combinations: its values are `serde_json::Value`"),
                );
                return Ok(TypeRef::Any);
            }
        }
        let d = self.docs(&self.own(&conj.ids), &name);
        let me = self.reserve_union(target, at, d);
        let TypeRef::Named(id) = me else {
            return Ok(me);
        };
        let mut variants = Vec::new();
        for (n, combo) in combos.into_iter().enumerate() {
            let mut sub = conj.clone();
            sub.spread.extend(groups.iter().map(|g| g.holder));
            let mut schemas = vec![at.to_string()];
            for (b, b_at) in &combo {
                sub = sub.with(*b);
                schemas.push(b_at.to_string());
            }
            let def = lookup(&self.types, id);
            let t = Target::Inline {
                hint: format!("{}Variant{}", def.name, n + 1),
                module: def.module.clone(),
            };
            let r = self.lower_into(sub, t, at, false)?;
            variants.push(Variant {
                rust_name: String::new(),
                tag_values: vec![],
                ty: strip_option(r),
                schemas: vec![schemas],
                format: None,
            });
        }
        self.finish_union(id, variants, None, at);
        Ok(me)
    }

    /// Whether the members say something of the value besides their unions
    /// that the branches must be merged with (properties, required, values).
    fn rest_adds(&self, e: &Expansion) -> bool {
        e.members.iter().any(|&m| {
            let s = self.schemas.get(m);
            let s = Schema {
                one_of: Vec::new(),
                any_of: Vec::new(),
                all_of: Vec::new(),
                reference: None,
                types: None,
                nullable: false,
                discriminator: None,
                ..s.clone()
            };
            !conj::is_modifier_only(&s)
        })
    }

    /// `oneOf: [{const: ar, title: Arabic}, ...]` (or single-value `enum`s),
    /// each branch one value of one JSON kind: one enum, named from the titles.
    fn const_branches(&self, branches: &[(usize, SchemaId)], holder: SchemaId) -> Option<TypeKind> {
        let s = self.schemas;
        let mut values: Vec<(Value, Option<String>, Option<String>)> = Vec::new();
        for (_, b) in branches {
            let e = Conj::of(*b).expand(s);
            let v = conj::values(s, &e)?;
            let [only] = v.as_slice() else {
                return None;
            };
            // Nothing but the value and docs.
            let bare = e.members.iter().all(|&m| {
                let m = s.get(m);
                conj::is_modifier_only(&Schema {
                    constant: None,
                    enumeration: None,
                    types: None,
                    reference: None,
                    ..m.clone()
                })
            });
            if !bare {
                return None;
            }
            let node = s.get(*b);
            values.push((only.clone(), node.title.clone(), node.description.clone()));
        }
        let scalar = scalar_of(values.iter().map(|(v, ..)| v))?;
        let titles: Option<Vec<String>> = values.iter().map(|(_, t, _)| t.clone()).collect();
        let titles = titles.filter(|t| distinct_names(t));
        let names = names_for(
            &values.iter().map(|(v, ..)| v.clone()).collect::<Vec<_>>(),
            titles.as_deref().or(var_names(s.get(holder)).as_deref()),
        );
        Some(TypeKind::Enum(Enumeration {
            scalar,
            variants: values
                .into_iter()
                .zip(names)
                .map(|((v, _, d), rust_name)| EnumVariant {
                    wire_name: wire_text(&v),
                    rust_name,
                    description: d,
                })
                .collect(),
        }))
    }

    /// `anyOf: [integer, number]` (plain, no values): the number branch,
    /// which holds them all.
    fn numeric_branch(&self, branches: &[(usize, SchemaId)]) -> Option<(usize, SchemaId)> {
        let mut number = None;
        for &(n, b) in branches {
            let s = self.schemas.get(b);
            if s.reference.is_some()
                || s.enumeration.is_some()
                || s.constant.is_some()
                || !s.all_of.is_empty()
            {
                return None;
            }
            match s.types.as_deref() {
                Some([JsonType::Number]) => {
                    number.get_or_insert((n, b));
                }
                Some([JsonType::Integer]) => {}
                _ => return None,
            }
        }
        number
    }

    /// `enum`/`const` values: an enum of them, a constant, or `bool`.
    fn lower_values(
        &mut self,
        conj: &Conj,
        e: &Expansion,
        values: Vec<Value>,
        target: &Target,
        at: &Pointer,
    ) -> Result<TypeRef> {
        let s = self.schemas;
        let name = target.hint(self).to_owned();
        let d = self.docs(&self.own(&conj.ids), &name);
        let values: Vec<Value> = match conj.only {
            Some(t) => values
                .into_iter()
                .filter(|v| JsonType::of(v).within(t))
                .collect(),
            None => values,
        };
        if values.is_empty() {
            self.warn(
                at,
                "no value is in every `enum`/`const` that applies here: its values are `serde_json::Value`",
            );
            return Ok(TypeRef::Any);
        }
        let Some(scalar) = scalar_of(values.iter()) else {
            self.warn(
                at,
                "an `enum` of values of several kinds (strings and numbers, objects): its values are `serde_json::Value`",
            );
            return Ok(TypeRef::Any);
        };
        let is_const = e.members.iter().any(|&m| s.get(m).constant.is_some());
        match (scalar, values.as_slice()) {
            (Scalar::Boolean, [_, _]) => return Ok(TypeRef::Prim(Prim::Bool)),
            (_, [only]) if is_const || scalar == Scalar::Boolean => {
                let text = wire_text(only);
                let rust_name = names_for(&values, None)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "Value".into());
                let kind = TypeKind::Const(ConstValue {
                    scalar,
                    wire_name: text,
                    rust_name,
                });
                return Ok(self.define(target, at, d, kind));
            }
            _ => {}
        }
        let names_given = e.members.iter().find_map(|&m| {
            let s = s.get(m);
            let names = var_names(s)?;
            (s.enumeration.as_ref().map(Vec::len) == Some(names.len())).then_some((m, names))
        });
        // `x-enum-varnames` name the values of the enum beside it, in order.
        let names = match &names_given {
            Some((m, given)) => {
                let listed: Vec<Value> = s
                    .get(*m)
                    .enumeration
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|v| !v.is_null())
                    .collect();
                let picked: Vec<String> = values
                    .iter()
                    .filter_map(|v| listed.iter().position(|l| l == v))
                    .filter_map(|i| given.get(i).cloned())
                    .collect();
                (picked.len() == values.len() && distinct_names(&picked)).then_some(picked)
            }
            None => None,
        };
        let names = names_for(&values, names.as_deref());
        let kind = TypeKind::Enum(Enumeration {
            scalar,
            variants: values
                .iter()
                .zip(names)
                .map(|(v, rust_name)| EnumVariant {
                    wire_name: wire_text(v),
                    rust_name,
                    description: None,
                })
                .collect(),
        });
        Ok(self.define(target, at, d, kind))
    }

    fn lower_object(
        &mut self,
        e: &Expansion,
        target: &Target,
        at: &Pointer,
        own: &[SchemaId],
    ) -> Result<TypeRef> {
        let s = self.schemas;
        let name = target.hint(self).to_owned();
        // Every member's properties, in the order met; a property several
        // members define satisfies all of their schemas.
        let mut props: Vec<(String, Vec<SchemaId>)> = Vec::new();
        let mut required: BTreeSet<String> = BTreeSet::new();
        let mut additional: Vec<SchemaId> = Vec::new();
        let mut closed = false;
        // `additionalProperties: true` (or `{}`) said out loud: other keys
        // are part of the value and are kept, as JSON values.
        let mut open = false;
        let mut declared_empty = false;
        let mut patterns: Vec<(String, SchemaId)> = Vec::new();
        // Base schemas first: their properties lead, and a later definition
        // of a property reads after the one it refines.
        for &m in &e.post {
            let m = s.get(m);
            for (k, p) in &m.properties {
                match props.iter_mut().find(|(n, _)| n == k) {
                    Some((_, defs)) => defs.push(*p),
                    None => props.push((k.clone(), vec![*p])),
                }
            }
            declared_empty |= m.properties_declared && m.properties.is_empty();
            required.extend(m.required.iter().cloned());
            if let Some(a) = m.additional {
                match s.get(a).boolean {
                    Some(true) => open = true,
                    Some(false) => closed = true,
                    None if !s.get(a).constrains_shape() => open = true,
                    None => additional.push(a),
                }
            }
            patterns.extend(m.pattern_properties.iter().cloned());
        }
        let d = self.docs(own, &name);
        let additional = if !additional.is_empty() {
            let ids = additional.clone();
            let a_at = self.first_at(&ids, at);
            let t = target.child(self, "Value");
            Some(self.lower_into(
                Conj {
                    ids,
                    ..Conj::default()
                },
                t,
                &a_at,
                false,
            )?)
        } else if !patterns.is_empty() {
            self.lower_patterns(&patterns, target)?
        } else if open && !closed && !props.is_empty() {
            Some(TypeRef::Any)
        } else {
            None
        };
        if props.is_empty() {
            return Ok(match additional {
                Some(t) => TypeRef::Map(Box::new(t)),
                None if closed || declared_empty => self.define(
                    target,
                    at,
                    d,
                    TypeKind::Struct(Struct {
                        fields: vec![],
                        additional: None,
                    }),
                ),
                // A free-form object says its values may be anything: a map
                // of JSON values, which is what the spec declares, not a guess.
                None => TypeRef::Map(Box::new(TypeRef::Any)),
            });
        }
        let mut fields = Vec::new();
        let mut scope = Scope::default();
        for (wire, defs) in &props {
            let is_required = required.contains(wire);
            let field = self.lower_field(wire, defs.clone(), is_required, target, &mut scope)?;
            fields.push(field);
        }
        // A required property no member describes is still there: any value.
        for wire in required
            .iter()
            .filter(|r| !props.iter().any(|(p, _)| p == *r))
        {
            let where_ = e
                .members
                .iter()
                .map(|&m| s.get(m))
                .find(|m| m.required.contains(wire))
                .map_or_else(|| at.clone(), |m| m.at.join("required"));
            self.untyped.push(where_.to_string());
            self.warn(
                &where_,
                format!("`{wire}` is required but no schema describes it: its value is `serde_json::Value`"),
            );
            fields.push(make_field(
                wire,
                TypeRef::Any,
                true,
                None,
                Docs::default(),
                &mut scope,
            ));
        }
        Ok(self.define(
            target,
            at,
            d,
            TypeKind::Struct(Struct { fields, additional }),
        ))
    }

    /// The value type of `patternProperties` (one type, or untyped).
    fn lower_patterns(
        &mut self,
        patterns: &[(String, SchemaId)],
        target: &Target,
    ) -> Result<Option<TypeRef>> {
        let mut found: Option<TypeRef> = None;
        for (_, p) in patterns {
            let p_at = self.schemas.get(*p).at.clone();
            let t = target.child(self, "Value");
            let r = self.lower_into(Conj::of(*p), t, &p_at, false)?;
            match &found {
                None => found = Some(r),
                Some(prev) if *prev == r => {}
                Some(_) => {
                    let at = p_at;
                    return Ok(Some(self.untyped_here(&at)));
                }
            }
        }
        Ok(found)
    }

    fn lower_array(&mut self, e: &Expansion, target: &Target, at: &Pointer) -> Result<TypeRef> {
        let s = self.schemas;
        let mut prefix: Vec<Vec<SchemaId>> = Vec::new();
        let mut items: Vec<SchemaId> = Vec::new();
        for &m in &e.members {
            let m = s.get(m);
            for (i, p) in m.prefix_items.iter().enumerate() {
                match prefix.get_mut(i) {
                    Some(defs) => defs.push(*p),
                    None => prefix.push(vec![*p]),
                }
            }
            // (`items: false` after `prefixItems` closes the tuple.)
            if let Some(i) = m.items {
                if m.prefix_items.is_empty() || s.get(i).boolean != Some(false) {
                    items.push(i);
                }
            }
        }
        if !prefix.is_empty() {
            let mut out = Vec::new();
            for (i, defs) in prefix.into_iter().enumerate() {
                let p_at = self.first_at(&defs, at);
                let t = target.child(self, &format!("Item{i}"));
                out.push(self.lower_into(
                    Conj {
                        ids: defs,
                        ..Conj::default()
                    },
                    t,
                    &p_at,
                    false,
                )?);
            }
            return Ok(TypeRef::Tuple(out));
        }
        let item = match items.first() {
            Some(&first) => {
                let i_at = s.get(first).at.clone();
                let t = target.child(self, "Item");
                self.lower_into(
                    Conj {
                        ids: items,
                        ..Conj::default()
                    },
                    t,
                    &i_at,
                    false,
                )?
            }
            None => self.untyped_here(at),
        };
        Ok(TypeRef::Array(Box::new(item)))
    }

    /// One property of a struct: its type (nested types named after it), docs and default.
    fn lower_field(
        &mut self,
        wire: &str,
        defs: Vec<SchemaId>,
        required: bool,
        target: &Target,
        scope: &mut Scope,
    ) -> Result<Field> {
        let s = self.schemas;
        let at = self.first_at(&defs, &Pointer::root());
        let child = target.child(self, wire);
        let own = self.own(&defs);
        let docs = self.docs(&own, wire);
        let e = Conj {
            ids: defs.clone(),
            ..Conj::default()
        }
        .expand(s);
        let default = e
            .members
            .iter()
            .find_map(|&m| s.get(m).default.clone().filter(|d| !d.is_null()));
        let ty = self.lower_into(
            Conj {
                ids: defs,
                ..Conj::default()
            },
            child,
            &at,
            true,
        )?;
        let access = if e.members.iter().any(|&m| s.get(m).read_only) {
            Access::ReadOnly
        } else if e.members.iter().any(|&m| s.get(m).write_only) {
            Access::WriteOnly
        } else {
            Access::ReadWrite
        };
        let mut field = make_field(wire, ty, required, default, docs, scope);
        field.access = access;
        Ok(field)
    }
}

/// When every type is numeric (`[integer, number]`): the widest.
fn numeric_only(types: &[JsonType]) -> Option<JsonType> {
    types
        .iter()
        .all(|t| matches!(t, JsonType::Integer | JsonType::Number))
        .then_some(JsonType::Number)
}

fn type_word(t: JsonType) -> &'static str {
    match t {
        JsonType::Null => "Null",
        JsonType::Boolean => "Boolean",
        JsonType::Object => "Object",
        JsonType::Array => "List",
        JsonType::Number => "Number",
        JsonType::Integer => "Integer",
        JsonType::String => "String",
    }
}

/// The kind every value is, if they share one (whole numbers among
/// fractional ones are numbers).
fn scalar_of<'v>(mut values: impl Iterator<Item = &'v Value>) -> Option<Scalar> {
    let kind = |v: &Value| match v {
        Value::String(_) => Some(Scalar::String),
        Value::Bool(_) => Some(Scalar::Boolean),
        Value::Number(n) if n.is_i64() => Some(Scalar::Integer),
        Value::Number(_) => Some(Scalar::Number),
        _ => None,
    };
    let first = kind(values.next()?)?;
    values.try_fold(first, |acc, v| match (acc, kind(v)?) {
        (a, b) if a == b => Some(a),
        (Scalar::Integer, Scalar::Number) | (Scalar::Number, Scalar::Integer) => {
            Some(Scalar::Number)
        }
        _ => None,
    })
}

/// A value as its enum variant's wire text.
fn wire_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `x-enum-varnames` (openapi-generator) or `x-enumNames` (NSwag): names
/// for the values of the `enum` beside them.
fn var_names(s: &Schema) -> Option<Vec<String>> {
    let list = s
        .extension("x-enum-varnames")
        .or_else(|| s.extension("x-enumNames"))?
        .as_array()?;
    list.iter().map(|v| v.as_str().map(str::to_owned)).collect()
}

/// Whether names stay apart once made Rust names.
fn distinct_names(names: &[String]) -> bool {
    let mut seen = BTreeSet::new();
    names
        .iter()
        .all(|n| seen.insert(naming::type_name(n, "Value")))
}

/// Rust variant names for enum values: the given names, else the values
/// (`-1` is `Minus1`, `2.5` is `V2Point5`), unique, `Other` kept free.
fn names_for(values: &[Value], given: Option<&[String]>) -> Vec<String> {
    let mut scope = Scope::with_reserved(&["Other"]);
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let raw = match given.and_then(|g| g.get(i)) {
                Some(name) => name.clone(),
                None => match v {
                    Value::String(s) => s.clone(),
                    other => other
                        .to_string()
                        .replace('-', "minus ")
                        .replace('.', " point "),
                },
            };
            scope.claim(naming::type_name(&raw, "Empty"))
        })
        .collect()
}

fn make_field(
    wire: &str,
    ty: TypeRef,
    required: bool,
    default: Option<Value>,
    docs: Docs,
    scope: &mut Scope,
) -> Field {
    let (ty, nullable) = match ty {
        TypeRef::Option(inner) => (*inner, true),
        other => (other, false),
    };
    let presence = match (required, nullable) {
        (true, false) => Presence::Required,
        (true, true) => Presence::RequiredNullable,
        (false, false) => Presence::Optional,
        (false, true) => Presence::OptionalNullable,
    };
    Field {
        wire_name: wire.to_owned(),
        rust_name: scope.claim(naming::value_name(wire, "field")),
        ty,
        presence,
        default,
        access: Access::ReadWrite,
        docs,
    }
}

/// Pointer words that say where a schema sits rather than what it is.
pub(super) const STRUCTURAL: &[&str] = &[
    "paths",
    "components",
    "schemas",
    "content",
    "schema",
    "properties",
    "items",
    "responses",
    "requestBody",
    "parameters",
    "allOf",
    "anyOf",
    "oneOf",
];

/// A type name for a schema named by where it sits (`#/paths/~1pets/get/...`).
pub(super) fn name_from_pointer(at: &Pointer) -> String {
    let words: Vec<String> = at
        .tokens()
        .filter(|t| !STRUCTURAL.contains(&t.as_str()))
        .filter(|t| t.starts_with('/') || !t.contains('/'))
        .collect();
    naming::type_name(&words.join(" "), "Schema")
}
