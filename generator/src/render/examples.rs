//! Usage examples in docs: a Rust expression for a sample value of a type,
//! written as a person would (struct literals, enum variants, `vec![]`,
//! `"...".parse()?` for UUIDs and dates), and the example block of an operation.
//!
//! This is documentation text, not generated code; every example is compiled
//! as a doctest (`no_run`), against the crate's re-exports (`runtime`,
//! `uuid`, `chrono`), so it needs no dependency but the generated crate.

use serde_json::Value;

use crate::ir::*;

/// Writes expressions for sample values; `types` is how the example names the
/// types module (`types` after `use api::types;`).
pub struct Writer<'a> {
    pub api: &'a Api,
    pub types: &'a str,
}

fn rust_string(s: &str) -> String {
    format!("{s:?}")
}

impl Writer<'_> {
    fn named(&self, id: TypeId) -> String {
        format!("{}::{}", self.types, self.api.ty(id).name)
    }

    /// The type as an example writes it (`types::Member`, `Vec<uuid::Uuid>`).
    pub fn type_text(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) => self.named(*id),
            TypeRef::Prim(p) => match p {
                Prim::String => "String",
                Prim::Bool => "bool",
                Prim::I32 => "i32",
                Prim::I64 => "i64",
                Prim::I128 => "i128",
                Prim::F64 => "f64",
                Prim::DateTime => "chrono::DateTime<chrono::Utc>",
                Prim::Date => "chrono::NaiveDate",
                Prim::Uuid => "uuid::Uuid",
                Prim::Unit => "()",
                Prim::Binary => "runtime::FilePart",
            }
            .to_owned(),
            TypeRef::Array(t) => format!("Vec<{}>", self.type_text(t)),
            TypeRef::Map(t) => format!("std::collections::BTreeMap<String, {}>", self.type_text(t)),
            TypeRef::Tuple(ts) => format!(
                "({})",
                ts.iter()
                    .map(|t| self.type_text(t))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            TypeRef::Option(t) => format!("Option<{}>", self.type_text(t)),
            TypeRef::Boxed(t) => format!("Box<{}>", self.type_text(t)),
            TypeRef::Any => "serde_json::Value".to_owned(),
        }
    }

    /// A Rust expression of type `ty` with the value `v`.
    pub fn expr(&self, ty: &TypeRef, v: &Value, depth: usize) -> String {
        if depth > 8 {
            return "Default::default()".into();
        }
        match ty {
            TypeRef::Named(id) => self.named_expr(*id, v, depth),
            TypeRef::Prim(p) => match (p, v) {
                (Prim::String, Value::String(s)) => format!("{}.to_owned()", rust_string(s)),
                (Prim::Uuid | Prim::DateTime | Prim::Date, Value::String(s)) => {
                    format!("{}.parse()?", rust_string(s))
                }
                (Prim::Bool, Value::Bool(b)) => b.to_string(),
                (Prim::I32 | Prim::I64 | Prim::I128, Value::Number(n)) => n.to_string(),
                (Prim::F64, Value::Number(n)) => {
                    let s = n.to_string();
                    if s.contains('.') || s.contains('e') {
                        s
                    } else {
                        format!("{s}.0")
                    }
                }
                (Prim::Unit, _) => "()".into(),
                (Prim::Binary, _) => {
                    "runtime::FilePart::new(std::fs::read(\"photo.png\")?).file_name(\"photo.png\")"
                        .into()
                }
                _ => "Default::default()".into(),
            },
            TypeRef::Array(t) => {
                let items: Vec<String> = v
                    .as_array()
                    .map(|a| a.iter().map(|x| self.expr(t, x, depth + 1)).collect())
                    .unwrap_or_default();
                format!("vec![{}]", items.join(", "))
            }
            TypeRef::Map(_) => "Default::default()".into(),
            TypeRef::Tuple(ts) => {
                let items: Vec<String> = ts
                    .iter()
                    .enumerate()
                    .map(|(i, t)| self.expr(t, v.get(i).unwrap_or(&Value::Null), depth + 1))
                    .collect();
                format!("({})", items.join(", "))
            }
            TypeRef::Option(t) => match v {
                Value::Null => "None".into(),
                other => format!("Some({})", self.expr(t, other, depth + 1)),
            },
            TypeRef::Boxed(t) => format!("Box::new({})", self.expr(t, v, depth + 1)),
            TypeRef::Any => format!("serde_json::json!({v})"),
        }
    }

    fn named_expr(&self, id: TypeId, v: &Value, depth: usize) -> String {
        let def = self.api.ty(id);
        let name = self.named(id);
        match &def.kind {
            TypeKind::Struct(s) => {
                let obj = v.as_object();
                let mut parts = Vec::new();
                let mut skipped = false;
                for f in &s.fields {
                    let field = f.rust_name.as_str();
                    let value = obj.and_then(|o| o.get(&f.wire_name));
                    let part = match (f.presence, value) {
                        (Presence::Required, Some(x)) => self.expr(&f.ty, x, depth + 1),
                        (Presence::Required, None) => "Default::default()".into(),
                        (Presence::RequiredNullable, Some(x)) if !x.is_null() => {
                            format!("Some({})", self.expr(&f.ty, x, depth + 1))
                        }
                        (Presence::RequiredNullable, _) => "None".into(),
                        (Presence::Optional, Some(x)) if !x.is_null() => {
                            format!("Some({})", self.expr(&f.ty, x, depth + 1))
                        }
                        (Presence::OptionalNullable, Some(x)) if def.in_request && !x.is_null() => {
                            format!("Patch::Set({})", self.expr(&f.ty, x, depth + 1))
                        }
                        (Presence::OptionalNullable, Some(x)) if !x.is_null() => {
                            format!("Some({})", self.expr(&f.ty, x, depth + 1))
                        }
                        _ => {
                            skipped = true;
                            continue;
                        }
                    };
                    parts.push(format!("{field}: {part}"));
                }
                let defaultable = s.fields.iter().all(|f| f.presence != Presence::Required)
                    || s.fields.is_empty();
                if skipped || s.additional.is_some() {
                    if defaultable {
                        parts.push("..Default::default()".into());
                    } else {
                        for f in &s.fields {
                            let present = parts
                                .iter()
                                .any(|p| p.starts_with(&format!("{}:", f.rust_name)));
                            if !present {
                                let empty = match f.presence {
                                    Presence::OptionalNullable if def.in_request => "Patch::Absent",
                                    _ => "None",
                                };
                                parts.push(format!("{}: {empty}", f.rust_name));
                            }
                        }
                        if s.additional.is_some() {
                            parts.push("additional_properties: Default::default()".into());
                        }
                    }
                }
                if parts.is_empty() {
                    format!("{name} {{}}")
                } else {
                    format!("{name} {{ {} }}", parts.join(", "))
                }
            }
            TypeKind::Enum(e) => {
                let wire = v.as_str().unwrap_or_default();
                match e
                    .variants
                    .iter()
                    .find(|x| x.wire_name == wire)
                    .or(e.variants.first())
                {
                    Some(x) => format!("{name}::{}", x.rust_name.trim_start_matches("r#")),
                    None => format!("{name}::Other({}.to_owned())", rust_string(wire)),
                }
            }
            TypeKind::Const(c) => format!("{name}::{}", c.rust_name),
            TypeKind::Union(u) => {
                let fits = |t: &TypeRef| self.fits(t, v);
                match u.variants.iter().find(|x| fits(&x.ty)) {
                    Some(x) => format!(
                        "{name}::{}({})",
                        x.rust_name,
                        self.expr(&x.ty, v, depth + 1)
                    ),
                    None => format!("{name}::Unknown(serde_json::json!({v}))"),
                }
            }
            TypeKind::Alias(t) => self.expr(t, v, depth + 1),
            TypeKind::Newtype(t) => format!("{name}({})", self.expr(t, v, depth + 1)),
        }
    }

    /// Whether `v` has the JSON shape of `t` (for picking a union variant).
    fn fits(&self, t: &TypeRef, v: &Value) -> bool {
        match (t, v) {
            (TypeRef::Named(id), _) => match &self.api.ty(*id).kind {
                TypeKind::Struct(_) => v.is_object(),
                TypeKind::Enum(e) => v
                    .as_str()
                    .is_some_and(|s| e.variants.iter().any(|x| x.wire_name == s)),
                TypeKind::Const(c) => v.as_str() == Some(c.wire_name.as_str()),
                TypeKind::Union(u) => u.variants.iter().any(|x| self.fits(&x.ty, v)),
                TypeKind::Alias(t) | TypeKind::Newtype(t) => self.fits(t, v),
            },
            (TypeRef::Boxed(t) | TypeRef::Option(t), _) => self.fits(t, v),
            (
                TypeRef::Prim(Prim::String | Prim::Uuid | Prim::Date | Prim::DateTime),
                Value::String(_),
            ) => true,
            (TypeRef::Prim(Prim::Bool), Value::Bool(_)) => true,
            (TypeRef::Prim(Prim::I32 | Prim::I64 | Prim::I128), Value::Number(n)) => n.is_i64(),
            (TypeRef::Prim(Prim::F64), Value::Number(_)) => true,
            (TypeRef::Array(_) | TypeRef::Tuple(_), Value::Array(_)) => true,
            (TypeRef::Map(_), Value::Object(_)) => true,
            (TypeRef::Any, _) => true,
            _ => false,
        }
    }
}
