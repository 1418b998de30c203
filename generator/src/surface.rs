//! The API surface: what the generated crate offers its users, as data
//! (every operation with its Rust accessor, parameters, body, success and
//! error statuses; every type with its fields, values or variants, derives,
//! deprecation and the cargo features compiling it), keyed and sorted so that
//! two versions compare entry by entry. `cargo xtask regen`
//! writes it as `generated/api/<api>.json`, a readable diff in itself, and
//! [`crate::changes`] compares two of them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ir::*;
use crate::render::features::Features;

/// The surface format written by this generator: 2 records derives,
/// deprecations and features (a surface of an earlier format has none, and
/// then they are not compared).
pub const FORMAT: u32 = 2;

/// Everything users of one generated API can name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Surface {
    /// The surface format ([`FORMAT`]; 0 for surfaces written before it was
    /// recorded).
    #[serde(default)]
    pub format: u32,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Operations by operation id.
    pub operations: BTreeMap<String, OpSurface>,
    /// Types by Rust name.
    pub types: BTreeMap<String, TypeEntry>,
    /// Webhook events by name, with their payload type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub webhooks: BTreeMap<String, String>,
    /// `Server` variants by Rust name, with their URL; `None` in a surface
    /// written before servers were recorded (then they are not compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servers: Option<BTreeMap<String, String>>,
    /// The cargo features of the API's module, with the features each
    /// enables (empty when the API has no per-group features).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub features: BTreeMap<String, Vec<String>>,
}

impl Surface {
    /// Whether derives, deprecations and features are recorded.
    pub fn records_traits(&self) -> bool {
        self.format >= 2
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpSurface {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template.
    pub path: String,
    /// How it is called: `customers().members().get`.
    pub rust: String,
    /// The struct of its group (`CustomersMembers`; empty for a method of
    /// the client itself).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// Its request builder's struct (`CustomersMembersGet`; the error enum
    /// adds `Error`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub builder: String,
    /// Parameters by wire name.
    pub params: BTreeMap<String, ParamSurface>,
    /// The request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodySurface>,
    /// What a success decodes into ([`Operation::success`], as the builder's
    /// `Output` says it).
    pub returns: String,
    /// The streamed form a success offers beside `returns`, which the
    /// builder's `events()` / `lines()` asks for (its output type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streams: Option<String>,
    /// `deprecated: true`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The documented error statuses (`404`, `4XX`, `default`).
    pub errors: Vec<String>,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSurface {
    /// `path`, `query`, `header`, `cookie`.
    #[serde(rename = "in")]
    pub location: String,
    /// Its Rust type.
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether it is an argument (required) or a setter.
    pub required: bool,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BodySurface {
    /// Its Rust type.
    #[serde(rename = "type")]
    pub ty: String,
    /// Its media type.
    pub media: String,
    /// Whether it is an argument (required) or a setter.
    pub required: bool,
}

/// One type: its shape, and what users rely on beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeEntry {
    /// Its shape.
    #[serde(flatten)]
    pub shape: TypeSurface,
    /// The traits it derives, `, `-separated (an alias: none of its own).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub derives: String,
    /// `deprecated: true`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The features whose `#[cfg]` compiles it, `, `-separated (empty when
    /// the API has no per-group features).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub features: String,
}

/// The shape of one type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeSurface {
    /// A struct.
    Struct {
        /// Fields by wire name.
        fields: BTreeMap<String, FieldSurface>,
        /// The type of undeclared properties, when kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional: Option<String>,
        /// Whether requests send it.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        request: bool,
        /// The wire names of the fields `new` takes, in order (empty: the
        /// struct is `Default`); `None` in a surface written before
        /// constructors existed, and then not compared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new: Option<Vec<String>>,
    },
    /// A string enum (open: unknown values are kept).
    Enum {
        /// Its values, as sent.
        values: Vec<String>,
    },
    /// A constant.
    Const {
        /// The value.
        value: String,
    },
    /// A union.
    Union {
        /// Variants by Rust name, with their types.
        variants: BTreeMap<String, String>,
        /// The tag property, for a tagged union.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
    },
    /// `pub type X = Y;`
    Alias {
        /// What it stands for.
        of: String,
    },
    /// `pub struct X(Y);`
    Newtype {
        /// What it wraps.
        of: String,
    },
}

/// One struct field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSurface {
    /// Its Rust name.
    pub rust: String,
    /// Its value type (without the `Option` presence adds).
    #[serde(rename = "type")]
    pub ty: String,
    /// In `required`.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// `deprecated: true`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}

impl FieldSurface {
    /// The field's Rust type, as the renderer declares it: the value type,
    /// in `Option` when it may be absent or `null`, in `Patch` when both mean
    /// something (optional and nullable in a struct requests send, `request`).
    pub fn rust_type(&self, request: bool) -> String {
        match (self.required, self.nullable) {
            (true, false) => self.ty.clone(),
            (false, true) if request => format!("Patch<{}>", self.ty),
            _ => format!("Option<{}>", self.ty),
        }
    }
}

/// The surface of a built API whose features are `features`.
pub fn surface(api: &Api, features: &Features) -> Surface {
    let mut operations = BTreeMap::new();
    let (groups, builders) = crate::render::ops::item_names(api);
    for (op, builder) in api.operations.iter().zip(builders) {
        let rust = op
            .groups
            .iter()
            .map(|g| format!("{g}()."))
            .chain(std::iter::once(
                op.rust_name.trim_start_matches("r#").to_owned(),
            ))
            .collect();
        let params = op
            .params
            .iter()
            .map(|p| {
                (
                    p.wire_name.clone(),
                    ParamSurface {
                        location: format!("{:?}", p.location).to_lowercase(),
                        ty: ty_text(api, &p.ty),
                        required: p.required,
                    },
                )
            })
            .collect();
        let body = op.body.as_ref().and_then(|b| {
            let (media, ty) = b.chosen()?;
            Some(BodySurface {
                ty: match Media::of(media, ty) {
                    Media::Binary => "Vec<u8>".to_owned(),
                    _ => ty_text(api, ty),
                },
                media: media.clone(),
                required: b.required,
            })
        });
        let returns = match op.success().output {
            Output::Unit => "()".to_owned(),
            Output::Bytes => "Vec<u8>".to_owned(),
            Output::OptionalBytes => "Option<Vec<u8>>".to_owned(),
            Output::Text => "String".to_owned(),
            Output::Json(t) => ty_text(api, &t),
            Output::OptionalJson(t) => format!("Option<{}>", ty_text(api, &t)),
            Output::Value => "Value".to_owned(),
            Output::Events(t) => format!("Events<{}>", ty_text(api, &t)),
            Output::RawEvents => "RawEvents".to_owned(),
            Output::Lines(t) => format!("JsonLines<{}>", ty_text(api, &t)),
        };
        let streams = op.success().alternate.map(|alt| match alt.output {
            Output::Events(t) => format!("Events<{}>", ty_text(api, &t)),
            Output::Lines(t) => format!("JsonLines<{}>", ty_text(api, &t)),
            _ => "RawEvents".to_owned(),
        });
        let errors = op
            .responses
            .iter()
            .filter(|r| !r.status.is_success())
            .map(|r| r.status.to_string())
            .collect();
        operations.insert(
            op.id.clone(),
            OpSurface {
                method: op.method.to_string(),
                path: op.path.clone(),
                rust,
                group: groups.get(&op.groups).cloned().unwrap_or_default(),
                builder,
                params,
                body,
                returns,
                streams,
                errors,
                deprecated: op.docs.deprecated,
            },
        );
    }
    let derives = api.derives();
    let types = api
        .types
        .iter()
        .zip(derives)
        .map(|(t, derives)| {
            let entry = TypeEntry {
                shape: type_surface(api, t),
                derives: derives
                    .iter()
                    .map(|d| d.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                deprecated: t.docs.deprecated,
                features: features.of_type(t.id).join(", "),
            };
            (t.name.clone(), entry)
        })
        .collect();
    let webhooks = api
        .webhooks
        .iter()
        .map(|w| (w.name.clone(), ty_text(api, &w.payload)))
        .collect();
    Surface {
        format: FORMAT,
        title: api.title.clone(),
        version: api.version.clone(),
        operations,
        types,
        webhooks,
        servers: Some(
            api.servers
                .iter()
                .map(|s| (s.rust_name.clone(), s.url.clone()))
                .collect(),
        ),
        features: features.enables(),
    }
}

fn type_surface(api: &Api, t: &TypeDef) -> TypeSurface {
    match &t.kind {
        TypeKind::Struct(s) => TypeSurface::Struct {
            fields: s
                .fields
                .iter()
                .map(|f| {
                    (
                        f.wire_name.clone(),
                        FieldSurface {
                            rust: f.rust_name.clone(),
                            ty: ty_text(api, &f.ty),
                            required: matches!(
                                f.presence,
                                Presence::Required | Presence::RequiredNullable
                            ),
                            nullable: matches!(
                                f.presence,
                                Presence::RequiredNullable | Presence::OptionalNullable
                            ),
                            deprecated: f.docs.deprecated,
                        },
                    )
                })
                .collect(),
            additional: s.additional.as_ref().map(|a| ty_text(api, a)),
            request: t.in_request,
            new: Some(
                s.fields
                    .iter()
                    .filter(|f| !api.has_default(f))
                    .map(|f| f.wire_name.clone())
                    .collect(),
            ),
        },
        TypeKind::Enum(e) => TypeSurface::Enum {
            values: e.variants.iter().map(|v| v.wire_name.clone()).collect(),
        },
        TypeKind::Const(c) => TypeSurface::Const {
            value: c.wire_name.clone(),
        },
        TypeKind::Union(u) => TypeSurface::Union {
            variants: u
                .variants
                .iter()
                .map(|v| (v.rust_name.clone(), ty_text(api, &v.ty)))
                .collect(),
            tag: u.tag.clone(),
        },
        TypeKind::Alias(r) => TypeSurface::Alias {
            of: ty_text(api, r),
        },
        TypeKind::Newtype(r) => TypeSurface::Newtype {
            of: ty_text(api, r),
        },
    }
}

/// A type as Rust code names it, short (`Vec<Member>`, `Option<i64>`).
pub fn ty_text(api: &Api, r: &TypeRef) -> String {
    match r {
        TypeRef::Named(id) => api.ty(*id).name.clone(),
        TypeRef::Prim(p) => p.short_name().to_owned(),
        TypeRef::Array(t) => format!("Vec<{}>", ty_text(api, t)),
        TypeRef::Map(t) => format!("Map<{}>", ty_text(api, t)),
        TypeRef::Tuple(ts) => format!(
            "({})",
            ts.iter()
                .map(|t| ty_text(api, t))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        TypeRef::Option(t) => format!("Option<{}>", ty_text(api, t)),
        TypeRef::Boxed(t) => format!("Box<{}>", ty_text(api, t)),
        TypeRef::Any => "Value".to_owned(),
    }
}
