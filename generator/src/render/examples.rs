//! Usage examples in docs: a Rust expression for a sample value of a type,
//! written as a person would (constructors and `with_*` setters, enum
//! variants, `vec![]`, `"...".parse::<uuid::Uuid>()?` for UUIDs and dates).
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
            TypeRef::Map(t) => format!("runtime::Map<{}>", self.type_text(t)),
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

    /// A Rust expression of type `ty` with the value `v`, typed without
    /// help from where it is used (`"..".parse::<uuid::Uuid>()?`), because
    /// constructors and setters take `impl Into<..>`. Struct values are
    /// `new(..)` with the required properties and a `with_*` call per other
    /// property the sample has.
    pub fn expr(&self, ty: &TypeRef, v: &Value, depth: usize) -> String {
        if depth > 8 {
            return self.default_of(ty);
        }
        match ty {
            TypeRef::Named(id) => self.named_expr(*id, v, depth),
            TypeRef::Prim(p) => match (p, v) {
                (Prim::String, Value::String(s)) => format!("{}.to_owned()", rust_string(s)),
                (Prim::Uuid | Prim::DateTime | Prim::Date, Value::String(s)) => {
                    format!("{}.parse::<{}>()?", rust_string(s), self.type_text(ty))
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
                _ => self.default_of(ty),
            },
            TypeRef::Array(t) => {
                let items: Vec<String> = v
                    .as_array()
                    .map(|a| a.iter().map(|x| self.item(t, x, depth + 1)).collect())
                    .unwrap_or_default();
                if items.is_empty() {
                    format!("Vec::<{}>::new()", self.type_text(t))
                } else {
                    format!("vec![{}]", items.join(", "))
                }
            }
            TypeRef::Map(_) => self.default_of(ty),
            TypeRef::Tuple(ts) => {
                let items: Vec<String> = ts
                    .iter()
                    .enumerate()
                    .map(|(i, t)| self.item(t, v.get(i).unwrap_or(&Value::Null), depth + 1))
                    .collect();
                format!("({})", items.join(", "))
            }
            TypeRef::Option(t) => match v {
                Value::Null => format!("None::<{}>", self.type_text(t)),
                other => format!("Some({})", self.item(t, other, depth + 1)),
            },
            TypeRef::Boxed(t) => format!("Box::new({})", self.expr(t, v, depth + 1)),
            TypeRef::Any => format!("serde_json::json!({v})"),
        }
    }

    /// [`Writer::expr`] as the lines of a statement's value: when longer than
    /// 90 characters, the outermost chain of `with_*` calls has a call per line.
    pub fn expr_lines(&self, ty: &TypeRef, v: &Value) -> Vec<String> {
        let one = self.expr(ty, v, 0);
        if one.len() <= 90 {
            return vec![one];
        }
        // Where each `.with_` starts, and how deep in brackets, outside literals.
        let mut calls = Vec::new();
        let (mut level, mut quoted, mut escaped) = (0usize, false, false);
        // Whether the first bracket closes only at the end, with one argument.
        let (mut opened, mut closed_at_end, mut comma_in_first) = (false, false, false);
        for (i, c) in one.char_indices() {
            if quoted {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => quoted = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => quoted = true,
                '(' | '[' | '{' => {
                    opened = true;
                    level += 1
                }
                ')' | ']' | '}' => {
                    level = level.saturating_sub(1);
                    if level == 0 && opened {
                        closed_at_end = i + 1 == one.len();
                    }
                }
                ',' if level == 1 => comma_in_first = true,
                '.' if one[i..].starts_with(".with_") => calls.push((i, level)),
                _ => {}
            }
        }
        // The chain broken is the value's own (level 0) or, for a union, its
        // variant's (level 1, when the variant's parentheses hold it all).
        let wrapped = one.ends_with(')') && closed_at_end && !comma_in_first;
        let Some(outer) = calls
            .iter()
            .map(|&(_, l)| l)
            .min()
            .filter(|&l| l == 0 || (l == 1 && wrapped))
        else {
            return vec![one];
        };
        let mut lines = Vec::new();
        let mut from = 0;
        for (i, _) in calls.into_iter().filter(|&(_, l)| l == outer) {
            lines.push(one[from..i].to_owned());
            from = i;
        }
        lines.push(one[from..].to_owned());
        let mut lines = lines.into_iter();
        let first = lines.next().unwrap_or_default();
        std::iter::once(first)
            .chain(lines.map(|l| format!("    {l}")))
            .collect()
    }

    /// [`Writer::expr`] for an element of a collection, which nothing
    /// around it types: a number has its type's suffix (`3_i64`).
    fn item(&self, ty: &TypeRef, v: &Value, depth: usize) -> String {
        let e = self.expr(ty, v, depth);
        match (ty, v) {
            (
                TypeRef::Prim(p @ (Prim::I32 | Prim::I64 | Prim::I128 | Prim::F64)),
                Value::Number(_),
            ) => {
                format!("{e}_{}", self.type_text(&TypeRef::Prim(*p)))
            }
            _ => e,
        }
    }

    /// The value of `let name: T = ...` for a type that is not named: as
    /// [`Writer::expr`], but a parsed UUID or date leaves its type to the
    /// annotation.
    pub fn let_value(&self, ty: &TypeRef, v: &Value) -> String {
        match (ty, v) {
            (TypeRef::Prim(Prim::Uuid | Prim::DateTime | Prim::Date), Value::String(s)) => {
                format!("{}.parse()?", rust_string(s))
            }
            _ => self.expr(ty, v, 0),
        }
    }

    /// An argument for a parameter `impl Into<ty>`: as [`Writer::expr`], but
    /// text as a plain literal and a box as the value boxed.
    fn arg(&self, ty: &TypeRef, v: &Value, depth: usize) -> String {
        match (ty, v) {
            (TypeRef::Prim(Prim::String), Value::String(s)) => rust_string(s),
            (TypeRef::Boxed(t), _) => self.expr(t, v, depth),
            _ => self.expr(ty, v, depth),
        }
    }

    /// `<T>::default()` for a type the sample gives no value for.
    fn default_of(&self, ty: &TypeRef) -> String {
        format!("<{}>::default()", self.type_text(ty))
    }

    fn named_expr(&self, id: TypeId, v: &Value, depth: usize) -> String {
        let def = self.api.ty(id);
        let name = self.named(id);
        match &def.kind {
            TypeKind::Struct(s) => {
                let obj = v.as_object();
                let required = |f: &Field| !self.api.has_default(f);
                let mut args = Vec::new();
                let mut calls = Vec::new();
                for (f, setter) in s.fields.iter().zip(super::common::setter_names(s)) {
                    let value = obj.and_then(|o| o.get(&f.wire_name));
                    if required(f) {
                        args.push(match value {
                            Some(x) => self.arg(&f.ty, x, depth + 1),
                            None => self.default_of(&f.ty),
                        });
                        continue;
                    }
                    let Some(x) = value.filter(|x| !x.is_null()) else {
                        continue;
                    };
                    if !super::common::has_setter(f) {
                        continue;
                    }
                    let patch = f.presence == Presence::OptionalNullable && def.in_request;
                    let x = if patch && matches!(f.ty, TypeRef::Boxed(_)) {
                        self.expr(&f.ty, x, depth + 1)
                    } else {
                        self.arg(&f.ty, x, depth + 1)
                    };
                    calls.push(format!(".{setter}({x})"));
                }
                let head = if s.fields.iter().any(required) {
                    format!("{name}::new({})", args.join(", "))
                } else {
                    format!("{name}::default()")
                };
                format!("{head}{}", calls.concat())
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
