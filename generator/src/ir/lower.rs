//! Lowering: openapiv3 schemas -> named types in the arena.
//!
//! Inline schemas that need a name are named after where they sit
//! (`{Parent}{Field}`, `{Parent}Item`, `{Union}Variant{n}`, `{Operation}Request`).
//! Unions are recorded for [`super::unions`] to settle once every variant is known.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::context::*;
use super::schema_view::{SubSchema, View};
use super::*;
use crate::error::{Error, Pointer, Result};
use crate::naming::{self, Scope};

impl<'a> Lowerer<'a> {
    /// Lowers a schema; nested named types go to `target`. `field` is set when the
    /// schema is a property (its docs then belong to the field).
    pub(super) fn lower_into(
        &mut self,
        sub: SubSchema<'_>,
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
        let lowered = self.lower_nested(sub, target, at, field);
        self.depth -= 1;
        lowered
    }

    fn lower_nested(
        &mut self,
        sub: SubSchema<'_>,
        target: Target,
        at: &Pointer,
        field: bool,
    ) -> Result<TypeRef> {
        let schema = match sub.get() {
            Err(reference) => return self.resolve_ref(reference, at),
            Ok(s) => s,
        };
        let v = View::of(schema);
        let shape = self.lower_shape(&v, &target, at, field)?;
        Ok(if v.data.nullable && !matches!(shape, TypeRef::Option(_)) {
            TypeRef::Option(Box::new(shape))
        } else {
            shape
        })
    }

    fn lower_shape(
        &mut self,
        v: &View<'_>,
        target: &Target,
        at: &Pointer,
        field: bool,
    ) -> Result<TypeRef> {
        let name = target.hint(self).to_owned();
        let docs = || self.docs(v, &name);
        if v.is_null_only() {
            return Ok(TypeRef::Prim(Prim::Unit));
        }
        if let Some(c) = v.const_value() {
            return Ok(match c {
                Value::String(s) => {
                    let kind = TypeKind::Const(ConstValue {
                        wire_name: s.clone(),
                        rust_name: naming::type_name(s, "Value"),
                    });
                    let d = docs();
                    self.define(target, at, d, kind)
                }
                Value::Bool(_) => TypeRef::Prim(Prim::Bool),
                Value::Number(n) if n.is_i64() || n.is_u64() => TypeRef::Prim(Prim::I64),
                Value::Number(_) => TypeRef::Prim(Prim::F64),
                _ => self.untyped_here(at),
            });
        }
        // Unions.
        let (branches, key) = if !v.one_of.is_empty() {
            (v.one_of, "oneOf")
        } else {
            (v.any_of, "anyOf")
        };
        if !branches.is_empty() && v.properties.is_none() {
            if let [only] = branches {
                let at = at.join(key).join("0");
                return self.lower_into(SubSchema::Plain(only), target.clone(), &at, field);
            }
            if let Some((i, number)) = numeric_union(branches) {
                // `anyOf: [integer, number]`: every integer is a number.
                let at = at.join(key).join(i.to_string());
                return self.lower_into(SubSchema::Plain(number), target.clone(), &at, field);
            }
            return self.lower_union(v, branches, key, target, at);
        }
        if !v.all_of.is_empty() {
            return self.lower_all_of(v, target, at, field);
        }
        // String enums. Other enums keep their scalar type; `docs` lists the values.
        // Repeated values are one variant (`enum: [a, a]` is `enum: [a]`).
        let mut values: Vec<&Value> = Vec::new();
        for e in v.enumeration.iter().filter(|e| !e.is_null()) {
            if !values.contains(&e) {
                values.push(e);
            }
        }
        if !values.is_empty() && values.iter().all(|e| e.is_string()) {
            let mut scope = Scope::with_reserved(&["Other"]);
            let variants = values
                .iter()
                .filter_map(|e| e.as_str())
                .map(|s| EnumVariant {
                    wire_name: s.to_owned(),
                    rust_name: scope.claim(naming::type_name(s, "Empty")),
                })
                .collect();
            let d = docs();
            return Ok(self.define(target, at, d, TypeKind::Enum(StringEnum { variants })));
        }
        let is_object = v.typ == Some("object")
            || (v.typ.is_none() && (v.properties.is_some() || v.additional.is_some()));
        if is_object || v.pattern_properties().is_some() {
            return self.lower_object(v, target, at);
        }
        match v.typ {
            Some("array") => {
                if let Some(prefix) = v.prefix_items() {
                    let mut items = Vec::new();
                    for (i, raw) in prefix.iter().enumerate() {
                        let item_at = at
                            .join(crate::normalize::X_PREFIX_ITEMS)
                            .join(i.to_string());
                        let parsed: ReferenceOr<Schema> = serde_json::from_value(raw.clone())
                            .map_err(|e| {
                                Error::invalid(
                                    &at.join("prefixItems").join(i.to_string()),
                                    e.to_string(),
                                )
                            })?;
                        let t = target.child(self, &format!("Item{i}"));
                        items.push(self.lower_into(
                            SubSchema::Plain(&parsed),
                            t,
                            &item_at,
                            false,
                        )?);
                    }
                    return Ok(TypeRef::Tuple(items));
                }
                let item = match v.items {
                    Some(items) => {
                        let t = target.child(self, "Item");
                        self.lower_into(SubSchema::Boxed(items), t, &at.join("items"), false)?
                    }
                    None => self.untyped_here(at),
                };
                Ok(TypeRef::Array(Box::new(item)))
            }
            Some("string") => {
                self.check_format(v, STRING_FORMATS, "a plain `String`", at);
                Ok(TypeRef::Prim(string_format(v.format.as_deref())))
            }
            Some("integer") => {
                self.check_format(v, INTEGER_FORMATS, "an `i64`", at);
                Ok(TypeRef::Prim(match v.format.as_deref() {
                    Some("int32") | Some("int16") | Some("int8") => Prim::I32,
                    _ => Prim::I64,
                }))
            }
            Some("number") => {
                self.check_format(v, NUMBER_FORMATS, "an `f64`", at);
                Ok(TypeRef::Prim(match v.format.as_deref() {
                    Some("float") => Prim::F32,
                    _ => Prim::F64,
                }))
            }
            Some("boolean") => Ok(TypeRef::Prim(Prim::Bool)),
            Some(other) => Err(Error::invalid(
                &at.join("type"),
                format!("unknown type {other:?}"),
            )),
            None if v.items.is_some() => {
                let t = target.child(self, "Item");
                let item = match v.items {
                    Some(items) => {
                        self.lower_into(SubSchema::Boxed(items), t, &at.join("items"), false)?
                    }
                    None => TypeRef::Any,
                };
                Ok(TypeRef::Array(Box::new(item)))
            }
            None => Ok(self.untyped_here(at)),
        }
    }

    fn lower_object(&mut self, v: &View<'_>, target: &Target, at: &Pointer) -> Result<TypeRef> {
        let name = target.hint(self).to_owned();
        let additional = self.lower_additional(v, target, at)?;
        let props = v.properties.filter(|p| !p.is_empty());
        let Some(props) = props else {
            // A map, not a struct.
            return Ok(match (additional, v.additional) {
                (Some(t), _) => TypeRef::Map(Box::new(t)),
                (None, Some(AdditionalProperties::Any(false))) | (None, None)
                    if v.ext(crate::normalize::X_EMPTY_OBJECT).is_some()
                        || matches!(v.additional, Some(AdditionalProperties::Any(false))) =>
                {
                    let d = self.docs(v, &name);
                    self.define(
                        target,
                        at,
                        d,
                        TypeKind::Struct(Struct {
                            fields: vec![],
                            additional: None,
                        }),
                    )
                }
                // A free-form object (`additionalProperties: true`, or no
                // properties at all) says its values may be anything: a map of
                // JSON values, which is what the spec declares, not a guess.
                (None, _) => TypeRef::Map(Box::new(TypeRef::Any)),
            });
        };
        let mut fields = Vec::new();
        let mut scope = Scope::default();
        let props_at = at.join("properties");
        for (wire, prop) in props {
            let required = v.required.contains(wire);
            let field = self.lower_field(
                wire,
                prop,
                &props_at.join(wire),
                required,
                target,
                &mut scope,
            )?;
            fields.push(field);
        }
        let d = self.docs(v, &name);
        Ok(self.define(
            target,
            at,
            d,
            TypeKind::Struct(Struct { fields, additional }),
        ))
    }

    /// One property of a struct: its type (nested types named after it), docs and default.
    fn lower_field(
        &mut self,
        wire: &str,
        prop: &ReferenceOr<Box<Schema>>,
        at: &Pointer,
        required: bool,
        target: &Target,
        scope: &mut Scope,
    ) -> Result<Field> {
        let child = target.child(self, wire);
        let ty = self.lower_into(SubSchema::Boxed(prop), child, at, true)?;
        let (docs, default) = match prop {
            ReferenceOr::Item(s) => (self.docs(&View::of(s), wire), s.schema_data.default.clone()),
            ReferenceOr::Reference { .. } => (Docs::default(), None),
        };
        let data = match prop {
            ReferenceOr::Item(s) => Some(&s.schema_data),
            ReferenceOr::Reference { reference } => {
                self.component_schema(reference).map(|s| &s.schema_data)
            }
        };
        let access = match data {
            Some(d) if d.read_only => Access::ReadOnly,
            Some(d) if d.write_only => Access::WriteOnly,
            _ => Access::ReadWrite,
        };
        let mut field = make_field(wire, ty, required, default, docs, scope);
        field.access = access;
        Ok(field)
    }

    /// The value type of `additionalProperties: <schema>` or `patternProperties`.
    fn lower_additional(
        &mut self,
        v: &View<'_>,
        target: &Target,
        at: &Pointer,
    ) -> Result<Option<TypeRef>> {
        if let Some(AdditionalProperties::Schema(s)) = v.additional {
            let is_any = matches!(&**s, ReferenceOr::Item(s) if View::of(s).is_unconstrained());
            if !is_any {
                let t = target.child(self, "Value");
                return self
                    .lower_into(
                        SubSchema::Plain(s),
                        t,
                        &at.join("additionalProperties"),
                        false,
                    )
                    .map(Some);
            }
        }
        if let Some(pp) = v.pattern_properties() {
            let at = at.join(crate::normalize::X_PATTERN_PROPERTIES);
            let mut found: Option<TypeRef> = None;
            for (pattern, raw) in pp {
                let parsed: ReferenceOr<Schema> = serde_json::from_value(raw.clone())
                    .map_err(|e| Error::invalid(&at.join(pattern), e.to_string()))?;
                let t = target.child(self, "Value");
                let r = self.lower_into(SubSchema::Plain(&parsed), t, &at.join(pattern), false)?;
                match &found {
                    None => found = Some(r),
                    Some(prev) if *prev == r => {}
                    Some(_) => return Ok(Some(self.untyped_here(&at))),
                }
            }
            return Ok(found);
        }
        Ok(None)
    }

    fn lower_union(
        &mut self,
        v: &View<'_>,
        branches: &[ReferenceOr<Schema>],
        key: &str,
        target: &Target,
        at: &Pointer,
    ) -> Result<TypeRef> {
        let name = target.hint(self).to_owned();
        let d = self.docs(v, &name);
        // Reserve the union's own id first so names read parent-before-child.
        let me = self.define(
            target,
            at,
            d,
            TypeKind::Union(Union {
                tag: None,
                variants: vec![],
            }),
        );
        let TypeRef::Named(id) = me else {
            return Ok(me);
        };
        let mut variants = Vec::new();
        for (i, b) in branches.iter().enumerate() {
            let def = lookup(&self.types, id);
            let t = Target::Inline {
                hint: format!("{}Variant{}", def.name, i + 1),
                module: def.module.clone(),
            };
            let r = self.lower_into(
                SubSchema::Plain(b),
                t,
                &at.join(key).join(i.to_string()),
                false,
            )?;
            variants.push(Variant {
                rust_name: String::new(),
                tag_values: vec![],
                ty: strip_option(r),
                schemas: vec![at.join(key).join(i.to_string()).to_string()],
            });
        }
        if let Some(def) = self.types.get_mut(id.0) {
            def.kind = TypeKind::Union(Union {
                tag: None,
                variants,
            });
        }
        self.unions.push(PendingUnion {
            id,
            discriminator: v.data.discriminator.clone(),
            origin: at.clone(),
        });
        Ok(me)
    }

    /// `allOf` of schemas that are not all objects (`[{type: string}, {minLength: 1}]`,
    /// `[{$ref: Status}, {description}]`): the value has the type of the first
    /// member that gives one; the others only constrain it, which is not checked.
    fn lower_all_of_values(
        &mut self,
        v: &View<'_>,
        target: &Target,
        at: &Pointer,
        field: bool,
    ) -> Result<TypeRef> {
        let typed = v.all_of.iter().enumerate().find(|(_, m)| match m {
            ReferenceOr::Reference { .. } => true,
            ReferenceOr::Item(s) => {
                let m = View::of(s);
                m.typ.is_some()
                    || !m.enumeration.is_empty()
                    || !m.one_of.is_empty()
                    || !m.any_of.is_empty()
                    || !m.all_of.is_empty()
            }
        });
        let Some((i, member)) = typed else {
            return Ok(self.untyped_here(at));
        };
        if v.all_of.len() > 1 {
            self.warn(
                &at.join("allOf"),
                format!("`allOf` of schemas that are not all objects: the value has the type of member {i}; the others' constraints are not checked"),
            );
        }
        let member_at = at.join("allOf").join(i.to_string());
        self.lower_into(SubSchema::Plain(member), target.clone(), &member_at, field)
    }

    fn lower_all_of(
        &mut self,
        v: &View<'_>,
        target: &Target,
        at: &Pointer,
        field: bool,
    ) -> Result<TypeRef> {
        let own_props = v.properties.map_or(0, |p| p.len());
        if let ([only], 0) = (v.all_of, own_props) {
            // `allOf: [$ref]` with siblings: the referenced type (docs stay on the field).
            self.warn_ignored_siblings(at);
            return self.lower_into(
                SubSchema::Plain(only),
                target.clone(),
                &at.join("allOf").join("0"),
                field,
            );
        }
        // Merge the members' properties into one struct.
        let mut props: Vec<(String, ReferenceOr<Box<Schema>>, Pointer)> = Vec::new();
        let mut required: BTreeSet<String> = v.required.iter().cloned().collect();
        let mut additional = None;
        for (i, member) in v.all_of.iter().enumerate() {
            let member_at = at.join("allOf").join(i.to_string());
            let (schema, origin) = match member {
                ReferenceOr::Item(s) => (s, member_at.clone()),
                ReferenceOr::Reference { reference } => match self.component_schema(reference) {
                    Some(s) => (
                        s,
                        Pointer::from_ref(reference).unwrap_or_else(Pointer::root),
                    ),
                    None => {
                        return Err(Error::invalid(
                            &member_at,
                            format!("$ref {reference:?} points to no schema"),
                        ))
                    }
                },
            };
            if !self.collect_props(
                schema,
                &origin,
                &mut props,
                &mut required,
                &mut additional,
                0,
            ) {
                if own_props == 0 {
                    return self.lower_all_of_values(v, target, at, field);
                }
                return Err(Error::unsupported(
                    &member_at,
                    "allOf member that is not an object cannot be merged into a struct",
                ));
            }
        }
        if let Some(own) = v.properties {
            for (k, p) in own {
                props.push((k.clone(), p.clone(), at.join("properties").join(k)));
            }
        }
        let name = target.hint(self).to_owned();
        let mut fields: Vec<Field> = Vec::new();
        let mut scope = Scope::default();
        let mut seen = BTreeSet::new();
        // Later members override earlier ones with the same property name.
        let last: BTreeMap<String, usize> = props
            .iter()
            .enumerate()
            .map(|(i, (k, _, _))| (k.clone(), i))
            .collect();
        for (i, (wire, prop, prop_at)) in props.iter().enumerate() {
            if last.get(wire) != Some(&i) || !seen.insert(wire.clone()) {
                continue;
            }
            let is_required = required.contains(wire);
            let field = self.lower_field(wire, prop, prop_at, is_required, target, &mut scope)?;
            fields.push(field);
        }
        let additional = match additional {
            Some((s, s_at)) => {
                let t = target.child(self, "Value");
                Some(self.lower_into(SubSchema::Plain(&s), t, &s_at, false)?)
            }
            None => None,
        };
        let d = self.docs(v, &name);
        Ok(self.define(
            target,
            at,
            d,
            TypeKind::Struct(Struct { fields, additional }),
        ))
    }

    /// Collects the properties of an object schema (following `allOf` and refs).
    /// Returns false when the schema is not object-like.
    #[allow(clippy::type_complexity)]
    fn collect_props(
        &self,
        schema: &Schema,
        at: &Pointer,
        props: &mut Vec<(String, ReferenceOr<Box<Schema>>, Pointer)>,
        required: &mut BTreeSet<String>,
        additional: &mut Option<(ReferenceOr<Schema>, Pointer)>,
        depth: usize,
    ) -> bool {
        if depth > 32 {
            return false;
        }
        let v = View::of(schema);
        for (i, member) in v.all_of.iter().enumerate() {
            let member_at = at.join("allOf").join(i.to_string());
            let (s, origin) = match member {
                ReferenceOr::Item(s) => (s, member_at),
                ReferenceOr::Reference { reference } => match self.component_schema(reference) {
                    Some(s) => (
                        s,
                        Pointer::from_ref(reference).unwrap_or_else(Pointer::root),
                    ),
                    None => return false,
                },
            };
            if !self.collect_props(s, &origin, props, required, additional, depth + 1) {
                return false;
            }
        }
        if let Some(p) = v.properties {
            for (k, s) in p {
                props.push((k.clone(), s.clone(), at.join("properties").join(k)));
            }
        }
        required.extend(v.required.iter().cloned());
        if let Some(AdditionalProperties::Schema(s)) = v.additional {
            *additional = Some(((**s).clone(), at.join("additionalProperties")));
        }
        v.properties.is_some() || !v.all_of.is_empty() || v.typ == Some("object")
    }
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

/// When every branch of a union is a plain inline `integer` or `number` (no
/// `enum`, no `const`) and one is a `number`: that branch, which holds them all.
fn numeric_union(branches: &[ReferenceOr<Schema>]) -> Option<(usize, &ReferenceOr<Schema>)> {
    let mut number = None;
    for (i, b) in branches.iter().enumerate() {
        let ReferenceOr::Item(schema) = b else {
            return None;
        };
        let v = View::of(schema);
        if !v.enumeration.is_empty() || v.const_value().is_some() {
            return None;
        }
        match v.typ {
            Some("number") => {
                number.get_or_insert((i, b));
            }
            Some("integer") => {}
            _ => return None,
        }
    }
    number
}
