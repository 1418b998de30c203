//! The intermediate representation: a resolved, language-neutral model of an API.
//!
//! Types live in an arena ([`Api::types`]) keyed by [`TypeId`]; everything else
//! refers to them through [`TypeRef`]. Wire names (what JSON says) and Rust
//! names (what the code says) are kept apart on every field and variant.
//! Each node documents the OpenAPI pattern that produces it.

mod build;
mod context;
mod dedupe;
mod derives;
mod directions;
mod lower;
mod ops;
pub mod reach;
mod recursion;
pub mod sample;
mod success;

pub use derives::Derive;
pub use success::{Alternate, Arm, Decode, Output, Success};

mod unions;
mod webhooks;

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

pub use build::build;

/// Index of a named type in [`Api::types`]. Stable for a given spec: types are
/// numbered in document order (components first, then operations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TypeId(pub usize);

/// A whole API.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    /// `info.title`
    pub title: String,
    /// `info.version`
    pub version: String,
    /// `info.description`
    pub description: Option<String>,
    /// Every named type: component schemas and the inline schemas that need a name.
    pub types: Vec<TypeDef>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// Types merged into a structurally identical one (see `dedupe`): each,
    /// now an alias, with the canonical type; sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<(TypeId, TypeId)>,
    /// Component schemas that also admit `null` (3.0 `nullable: true` on the
    /// component, a 3.1 null branch): every reference to one is `Option<T>`; sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nullable_components: Vec<TypeId>,
    /// Pointers of schemas the spec leaves untyped (rendered as `serde_json::Value`).
    pub untyped: Vec<String>,
    /// What the generator guessed or left out, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::error::Warning>,
    /// `servers`, each with a Rust variant name.
    pub servers: Vec<Server>,
    /// `components.securitySchemes`, in spec order.
    pub security_schemes: Vec<SecurityScheme>,
    /// Headers every request sends (from the API's options).
    pub default_headers: Vec<(String, String)>,
    /// The object types sent as `multipart/form-data` bodies (each gets a
    /// `ToParts` impl), sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub multipart: Vec<TypeId>,
    /// The webhooks the API sends (3.1 `webhooks`), in document order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub webhooks: Vec<Webhook>,
    /// The payload property whose constant value names the webhook (`type`),
    /// when every payload has one with a distinct value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_tag: Option<String>,
}

/// A webhook (`webhooks: {order.paid: {post: ...}}`): one variant of the
/// API's webhook event enum.
#[derive(Debug, Clone, Serialize)]
pub struct Webhook {
    /// Its key under `webhooks` (`order.paid`).
    pub name: String,
    /// The event variant's name (`OrderPaid`).
    pub rust_name: String,
    /// `summary` (unless it only repeats the name) and `description`.
    pub docs: Docs,
    /// The payload: the type of the JSON request body.
    pub payload: TypeRef,
    /// Where the payload's schema is (`None` when the webhook has none).
    #[serde(skip)]
    pub schema: Option<String>,
    /// Its values of [`Api::webhook_tag`] (`order.paid`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag_values: Vec<String>,
    /// Where it is in the spec.
    pub origin: String,
}

/// A server the API is served from.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    /// URL (variables substituted with their defaults).
    pub url: String,
    /// Rust variant name: an `x-*server-id` extension, the description's first
    /// word, `Default` for a lone server, the host's first label, or `Server{n}`.
    pub rust_name: String,
    /// `description`
    pub description: Option<String>,
}

/// How a security scheme authenticates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityKind {
    /// `type: http, scheme: bearer`
    Bearer,
    /// `type: http, scheme: basic`
    Basic,
    /// `type: apiKey`: a header, query parameter or cookie.
    ApiKey {
        /// `in`
        location: String,
        /// `name`
        name: String,
    },
    /// `oauth2`, `openIdConnect` (tokens are sent as bearer tokens).
    OAuth,
}

/// A security scheme.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityScheme {
    /// Its key in `securitySchemes`.
    pub name: String,
    /// What it is.
    pub kind: SecurityKind,
    /// `description`
    pub description: Option<String>,
}

/// How a paginated list operation pages (from the API's pagination option).
#[derive(Debug, Clone, Serialize)]
pub struct PageInfo {
    /// The response type holding one page.
    pub page_type: TypeId,
    /// The listed item type.
    pub item: TypeRef,
    /// Rust name of the items field.
    pub items_field: String,
    /// Rust field names leading to the last page number.
    pub max_page_path: Vec<String>,
    /// Rust name of the page-number parameter.
    pub page_param: String,
}

impl Api {
    /// The type with id `id`.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        lookup(&self.types, id)
    }

    /// Whether a field has a natural `Default`: absent, `null`, a constant, or
    /// `()` (a property that can only be `null`). Structs whose fields all have
    /// one derive `Default`; the others get a `new` taking the rest, so the
    /// renderer and the change report both decide it here.
    pub fn has_default(&self, f: &Field) -> bool {
        match f.presence {
            Presence::Optional | Presence::OptionalNullable | Presence::RequiredNullable => true,
            Presence::Required => match &f.ty {
                TypeRef::Named(id) => matches!(self.ty(*id).kind, TypeKind::Const(_)),
                TypeRef::Prim(Prim::Unit) => true,
                _ => false,
            },
        }
    }

    /// The type `id` was merged into, when it is an alias left by merging.
    pub fn merged_into(&self, id: TypeId) -> Option<TypeId> {
        self.merged
            .binary_search_by_key(&id, |(from, _)| *from)
            .ok()
            .and_then(|i| self.merged.get(i))
            .map(|(_, to)| *to)
    }
}

/// What [`lookup`] answers for an id outside the arena. It is never seen:
/// ids are minted only by pushing onto the arena, types are never removed,
/// and [`check_arena`] proves every reference in range before an [`Api`]
/// leaves `build`. It exists so that a lookup cannot panic.
static MISSING: TypeDef = TypeDef {
    id: TypeId(usize::MAX),
    name: String::new(),
    origin: String::new(),
    module: String::new(),
    docs: Docs {
        title: None,
        description: None,
        deprecated: false,
        notes: Vec::new(),
    },
    kind: TypeKind::Alias(TypeRef::Any),
    in_request: false,
};

/// The type `id` in the arena `types`. Ids are minted only by pushing onto
/// the arena and types are never removed, and `build` checks every reference
/// (`check_arena`); an id out of range gets a placeholder, never a panic.
pub fn lookup(types: &[TypeDef], id: TypeId) -> &TypeDef {
    types.get(id.0).unwrap_or(&MISSING)
}

/// The scalar a reference finally stands for, through options, boxes,
/// aliases and newtypes (`None` for anything else: structs, unions,
/// enums, lists, maps).
pub fn prim_behind(types: &[TypeDef], r: &TypeRef) -> Option<Prim> {
    let mut r = r;
    // Aliases are finite chains; the bound only guards a cycle.
    for _ in 0..16 {
        match r {
            TypeRef::Prim(p) => return Some(*p),
            TypeRef::Option(t) | TypeRef::Boxed(t) => r = t,
            TypeRef::Named(id) => match &lookup(types, *id).kind {
                TypeKind::Alias(t) | TypeKind::Newtype(t) => r = t,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

/// The named type a reference finally stands for, through boxes and aliases
/// (`None` for anything that is not a named type).
pub fn resolve_named(types: &[TypeDef], r: &TypeRef) -> Option<TypeId> {
    let mut seen = BTreeSet::new();
    let mut cur = match r {
        TypeRef::Named(id) => *id,
        TypeRef::Boxed(inner) => return resolve_named(types, inner),
        _ => return None,
    };
    while let TypeKind::Alias(TypeRef::Named(next)) = &lookup(types, cur).kind {
        if !seen.insert(cur) {
            break;
        }
        cur = *next;
    }
    Some(cur)
}

/// Every type reference in the arena and in the operations points into the
/// arena, and every type sits at its own id: the invariant [`lookup`] relies on.
pub(crate) fn check_arena(
    types: &[TypeDef],
    operations: &[Operation],
    webhooks: &[Webhook],
) -> crate::Result<()> {
    let mut named = BTreeSet::new();
    for (i, t) in types.iter().enumerate() {
        if t.id.0 != i {
            return Err(internal(
                &t.origin,
                format!("type {} sits at {i}, not at its id", t.name),
            ));
        }
        t.kind
            .refs()
            .into_iter()
            .for_each(|r| direct_named(r, &mut named));
    }
    for op in operations {
        reach::op_refs(op).for_each(|r| direct_named(r, &mut named));
        if let Some(p) = &op.pagination {
            named.insert(p.page_type);
            direct_named(&p.item, &mut named);
        }
    }
    for w in webhooks {
        direct_named(&w.payload, &mut named);
    }
    match named.into_iter().find(|id| id.0 >= types.len()) {
        Some(id) => Err(internal(
            "#",
            format!("a reference to type {} of {}", id.0, types.len()),
        )),
        None => Ok(()),
    }
}

fn internal(origin: &str, message: String) -> crate::Error {
    crate::Error::Internal {
        pointer: crate::Pointer::from_ref(origin).unwrap_or_else(crate::Pointer::root),
        message,
    }
}

/// Documentation carried from the spec.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Docs {
    /// `title`, unless it only repeats the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `description`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `deprecated: true`
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// Facts worth a line of docs: format, bounds, pattern, default, example.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A named type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    /// Its own id (its index in [`Api::types`]).
    pub id: TypeId,
    /// Rust name, unique in the API, UpperCamelCase.
    pub name: String,
    /// Where the schema is in the spec.
    pub origin: String,
    /// The output module (file) holding the type: the component it came from.
    pub module: String,
    /// Docs from the spec.
    pub docs: Docs,
    /// What the type is.
    pub kind: TypeKind,
    /// Reachable from a request body or parameter (optional+nullable fields keep
    /// absent apart from null in such types).
    pub in_request: bool,
}

/// The closed set of shapes a named type can take.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    /// `type: object` with `properties` (or `allOf` of such, merged).
    Struct(Struct),
    /// `enum: [...]` of strings, integers or numbers (or a `oneOf` of
    /// titled `const`s); open: unknown values are kept.
    Enum(Enumeration),
    /// `const: v` (3.1), a string, number or boolean: exactly one value.
    Const(ConstValue),
    /// `oneOf`/`anyOf` of several non-null schemas.
    Union(Union),
    /// A named schema that is not an object/enum/union: `type: string`, an
    /// array, a map, a `$ref` to another schema. Rendered as `type X = ...`.
    Alias(TypeRef),
    /// An alias on a reference cycle (`A = Vec<A>`), which Rust's `type` cannot
    /// express: rendered as a transparent newtype.
    Newtype(TypeRef),
}

/// An object's fields.
#[derive(Debug, Clone, Serialize)]
pub struct Struct {
    /// Declared `properties`, in spec order.
    pub fields: Vec<Field>,
    /// `additionalProperties: <schema>` or `patternProperties` next to `properties`:
    /// the type of the other values, kept in a flattened map.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional: Option<TypeRef>,
}

/// How a field is present on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// In `required`, not nullable: `T`.
    Required,
    /// In `required`, nullable: `Option<T>`, `None` sent as `null`.
    RequiredNullable,
    /// Not in `required`, not nullable: `Option<T>`, `None` omitted.
    Optional,
    /// Not in `required` and nullable, in a request type: absent, `null` and a
    /// value mean different things (`Patch<T>`).
    OptionalNullable,
}

/// One property of an object.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The JSON property name.
    pub wire_name: String,
    /// The Rust field name (snake_case, keyword-safe, unique in the struct).
    pub rust_name: String,
    /// The value type (without the `Option` that [`Presence`] adds).
    pub ty: TypeRef,
    /// Required/nullable combination.
    pub presence: Presence,
    /// `default`, documented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// `readOnly` / `writeOnly` (see `directions`).
    #[serde(skip_serializing_if = "Access::is_read_write")]
    pub access: Access,
    /// Docs of the property schema.
    pub docs: Docs,
}

/// Which way a property travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Both ways.
    #[default]
    ReadWrite,
    /// `readOnly: true`: in responses only; requests never send it.
    ReadOnly,
    /// `writeOnly: true`: in requests only; responses need not have it.
    WriteOnly,
}

impl Access {
    fn is_read_write(&self) -> bool {
        *self == Access::ReadWrite
    }
}

/// The JSON kind of the values of an enum, a constant or a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scalar {
    /// Text.
    #[default]
    String,
    /// Whole numbers (`i64`).
    Integer,
    /// Numbers (`f64`).
    Number,
    /// `true` / `false`.
    Boolean,
}

impl Scalar {
    /// Whether this is [`Scalar::String`] (skipped when serialising the IR).
    pub fn is_string(&self) -> bool {
        *self == Scalar::String
    }
}

/// An enum: the values a schema lists.
#[derive(Debug, Clone, Serialize)]
pub struct Enumeration {
    /// What kind of values.
    #[serde(skip_serializing_if = "Scalar::is_string")]
    pub scalar: Scalar,
    /// Declared values.
    pub variants: Vec<EnumVariant>,
}

/// One value of an enum.
#[derive(Debug, Clone, Serialize)]
pub struct EnumVariant {
    /// The wire value: a string as itself, a number or boolean as its JSON
    /// text (`1`, `2.5`, `true`).
    pub wire_name: String,
    /// The Rust variant name (from a `title` or `x-enum-varnames` where the
    /// spec gives one, else from the value).
    pub rust_name: String,
    /// Docs of the value (the `description` of a `oneOf` branch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A fixed value (`const`), rendered as a one-variant enum that only accepts it.
#[derive(Debug, Clone, Serialize)]
pub struct ConstValue {
    /// What kind of value.
    #[serde(skip_serializing_if = "Scalar::is_string")]
    pub scalar: Scalar,
    /// The wire value (as [`EnumVariant::wire_name`] writes it).
    pub wire_name: String,
    /// The Rust variant name.
    pub rust_name: String,
}

/// A union.
#[derive(Debug, Clone, Serialize)]
pub struct Union {
    /// `Some(property)` when variants are told apart by that property: a
    /// `discriminator`, or a `const` property every variant has with distinct values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The kind of the tag's values (text unless the tag is a number or boolean).
    #[serde(skip_serializing_if = "Scalar::is_string")]
    pub tag_scalar: Scalar,
    /// Variants; for untagged unions ordered most specific first.
    pub variants: Vec<Variant>,
    /// The variant a tag value that maps to no variant decodes into (3.2's
    /// discriminator `defaultMapping`), by Rust name; without it such a
    /// value is kept as `Unknown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_variant: Option<String>,
}

/// One variant of a union.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    /// Rust variant name.
    pub rust_name: String,
    /// For tagged unions: the tag values selecting this variant.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag_values: Vec<String>,
    /// The variant's type.
    pub ty: TypeRef,
    /// What a value of this variant satisfies, for the round-trip oracle's
    /// check: any one of these lists (the variant's branch, and the same
    /// branch of each union merged into this one), each a list of schema
    /// pointers that all accept the value (a branch, and the schema it was
    /// distributed over).
    #[serde(skip)]
    pub schemas: Vec<Vec<String>>,
    /// A string variant whose schema's `format` the runtime can check: it
    /// takes only strings of that format, so that a variant after it that
    /// takes strings too gets the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<StrFormat>,
}

/// String formats a union's variant is checked against when choosing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StrFormat {
    /// `email`
    Email,
    /// `uri`
    Uri,
    /// `ipv4`
    Ipv4,
    /// `ipv6`
    Ipv6,
}

impl StrFormat {
    /// The checked format a schema's `format` names, if it is one.
    pub fn of(format: &str) -> Option<StrFormat> {
        match format {
            "email" => Some(StrFormat::Email),
            "uri" => Some(StrFormat::Uri),
            "ipv4" => Some(StrFormat::Ipv4),
            "ipv6" => Some(StrFormat::Ipv6),
            _ => None,
        }
    }

    /// Its name in the runtime's `de::StrFormat`.
    pub fn runtime_name(self) -> &'static str {
        match self {
            StrFormat::Email => "Email",
            StrFormat::Uri => "Uri",
            StrFormat::Ipv4 => "Ipv4",
            StrFormat::Ipv6 => "Ipv6",
        }
    }
}

/// A reference to a type, as used by fields, variants, parameters and bodies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeRef {
    /// A named type in the arena.
    Named(TypeId),
    /// A scalar.
    Prim(Prim),
    /// `type: array, items: T`
    Array(Box<TypeRef>),
    /// `additionalProperties: T` (or `patternProperties`) with no `properties`.
    Map(Box<TypeRef>),
    /// `prefixItems: [A, B]`
    Tuple(Vec<TypeRef>),
    /// `nullable: true`, `type: [T, "null"]`, `anyOf: [T, {type: "null"}]`.
    Option(Box<TypeRef>),
    /// A reference on a cycle of direct containment, boxed to give the type a size.
    Boxed(Box<TypeRef>),
    /// A schema that declares no type at all (`{}`): `serde_json::Value`.
    Any,
}

/// Scalars, chosen from `type` and `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Prim {
    /// `type: string` (and formats without a better type)
    String,
    /// `type: boolean`
    Bool,
    /// `type: integer, format: int32`
    I32,
    /// `type: integer` (default), `format: int64`
    I64,
    /// `type: integer` whose bounds reach past `i64` (`maximum: 18446744073709552000`)
    I128,
    /// `type: number`, whatever its `format` (`float` too: an `f32` would
    /// round values the schema allows, such as `-324.9833472073078`)
    F64,
    /// `format: date-time`
    DateTime,
    /// `format: date`
    Date,
    /// `format: uuid`, `uuid4` (Pydantic) and other `uuidN`
    Uuid,
    /// `type: null` alone: only `null` (`()`).
    Unit,
    /// `format: binary` (3.1: `contentMediaType` without an encoding), and
    /// any body of a binary media type: bytes. A field is a
    /// `openapi_runtime::FilePart` (a file with its name and media type), a
    /// whole body `Vec<u8>`.
    Binary,
}

impl Prim {
    /// The type's short Rust name, as docs and reports write it (`DateTime<Utc>`).
    pub fn short_name(self) -> &'static str {
        match self {
            Prim::String => "String",
            Prim::Bool => "bool",
            Prim::I32 => "i32",
            Prim::I64 => "i64",
            Prim::I128 => "i128",
            Prim::F64 => "f64",
            Prim::DateTime => "DateTime<Utc>",
            Prim::Date => "NaiveDate",
            Prim::Uuid => "Uuid",
            Prim::Unit => "()",
            Prim::Binary => "FilePart",
        }
    }
}

/// An operation's HTTP method; serialised as it is sent.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
    /// `HEAD`
    Head,
    /// `PATCH`
    Patch,
    /// `TRACE`
    Trace,
    /// `QUERY` (OpenAPI 3.2's `query` field).
    Query,
    /// A key of OpenAPI 3.2's `additionalOperations`, sent as written.
    Other(String),
}

impl HttpMethod {
    /// The method sent as `text`: upper case for the path item's own fields
    /// (`GET`, `QUERY`), any other text as written.
    pub fn from_sent(text: &str) -> Self {
        match text {
            "GET" => HttpMethod::Get,
            "PUT" => HttpMethod::Put,
            "POST" => HttpMethod::Post,
            "DELETE" => HttpMethod::Delete,
            "OPTIONS" => HttpMethod::Options,
            "HEAD" => HttpMethod::Head,
            "PATCH" => HttpMethod::Patch,
            "TRACE" => HttpMethod::Trace,
            "QUERY" => HttpMethod::Query,
            other => HttpMethod::Other(other.to_owned()),
        }
    }

    /// The text sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
            HttpMethod::Query => "QUERY",
            HttpMethod::Other(text) => text,
        }
    }

    /// Whether the `http` crate names it with a constant (`Method::GET`).
    pub fn has_constant(&self) -> bool {
        !matches!(self, HttpMethod::Query | HttpMethod::Other(_))
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for HttpMethod {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An operation.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// `operationId`, or a stable id derived from method and path.
    pub id: String,
    /// Whether `id` was derived (no `operationId` in the spec).
    pub derived_id: bool,
    /// Rust method name within its group (snake_case).
    pub rust_name: String,
    /// Groups leading to the operation, as Rust accessor names (`["customers", "members"]`).
    pub groups: Vec<String>,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template.
    pub path: String,
    /// `tags`
    pub tags: Vec<String>,
    /// `summary` / `description` / `deprecated`
    pub docs: Docs,
    /// Parameters (path-level merged with operation-level).
    pub params: Vec<Param>,
    /// The request body, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// Responses by status (`200`, `4XX`, `default`), in spec order.
    pub responses: Vec<Response>,
    /// Names of the security schemes any of which the operation accepts.
    pub security: Vec<String>,
    /// Set for paginated list operations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<PageInfo>,
    /// Where the operation is in the spec.
    pub origin: String,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
}

/// How a parameter's value is laid out (`style`, OpenAPI's table of
/// RFC 6570 expansions); serialised as the spec writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ParamStyle {
    /// `{id}`: `5`, `3,4,5`; the default of path and header parameters.
    Simple,
    /// `{.id}`: `.5`, `.3,4,5`, exploded `.3.4.5` (path parameters).
    Label,
    /// `{;id}`: `;id=5`, `;id=3,4,5`, exploded `;id=3;id=4;id=5` (path parameters).
    Matrix,
    /// `id=5`, `id=3,4,5`, exploded `id=3&id=4&id=5`; the default of query
    /// and cookie parameters.
    Form,
    /// `id=3%204%205` (query arrays).
    SpaceDelimited,
    /// `id=3|4|5` (query arrays).
    PipeDelimited,
    /// `id[role]=admin` (query objects).
    DeepObject,
}

/// An operation parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// Wire name.
    pub wire_name: String,
    /// Rust name.
    pub rust_name: String,
    /// Location.
    pub location: ParamLocation,
    /// `required`
    pub required: bool,
    /// Type.
    pub ty: TypeRef,
    /// `style` as written (or the location's default).
    pub style: ParamStyle,
    /// A parameter described by `content` with a JSON media type: its value
    /// is sent as JSON text, not laid out by `style`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub json: bool,
    /// `explode` (or the style's default).
    pub explode: bool,
    /// `allowReserved` of a query parameter: RFC 3986's reserved
    /// characters in its values are sent as they are.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allow_reserved: bool,
    /// A value the parameter's schema accepts (see [`sample`]).
    pub sample: Value,
    /// Docs.
    pub docs: Docs,
}

/// A request body.
#[derive(Debug, Clone, Serialize)]
pub struct Body {
    /// Media types offered, in spec order, each with its type.
    pub content: Vec<(String, TypeRef)>,
    /// `required`
    pub required: bool,
    /// A value the body's schema accepts (see [`sample`]).
    pub sample: Value,
    /// The media type of each property where the spec's `encoding` gives
    /// one (the first, when it lists several): a multipart body's parts; a
    /// form body's properties with a JSON one are written as JSON text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub encoding: Vec<(String, String)>,
    /// Form bodies: the properties whose `encoding` gives a `style`,
    /// `explode` or `allowReserved`, written in form style (an object as
    /// its own pairs); any other property's object is written as JSON text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub styled: Vec<String>,
}

impl Body {
    /// The media type and type the client sends: the first JSON one, else the first.
    pub fn chosen(&self) -> Option<&(String, TypeRef)> {
        self.content
            .iter()
            .find(|(m, _)| Media::of(m, &TypeRef::Any) == Media::Json)
            .or_else(|| self.content.first())
    }

    /// How the chosen media type travels.
    pub fn media(&self) -> Option<Media> {
        self.chosen().map(|(m, t)| Media::of(m, t))
    }
}

/// How a body travels, judged from its media type (and, for `*/*`, its schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Media {
    /// `application/json`, `application/problem+json`, ...: the schema's type, as JSON.
    Json,
    /// `application/x-www-form-urlencoded`: the schema's type, as a form.
    Form,
    /// `multipart/*`: the schema's object, a part per property.
    Multipart,
    /// `text/*`, XML, or `*/*` with a string schema: a `String`.
    Text,
    /// Any other media type (`application/octet-stream`, `application/pdf`,
    /// `image/png`, ...) or a `format: binary` schema: bytes.
    Binary,
    /// `text/event-stream`: server-sent events, read as they arrive; the
    /// schema is each event's `data`.
    EventStream,
    /// `application/jsonl`, `application/x-ndjson`, `application/json-seq`,
    /// ...: one JSON value per line, read as they arrive; the schema is each line's.
    JsonLines,
}

impl Media {
    /// The way `media` travels, `ty` being the type of its schema.
    pub fn of(media: &str, ty: &TypeRef) -> Media {
        let m = media
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let binary_schema = matches!(ty, TypeRef::Prim(Prim::Binary));
        if m == "text/event-stream" {
            Media::EventStream
        } else if matches!(
            m.as_str(),
            "application/jsonl"
                | "application/x-jsonl"
                | "application/jsonlines"
                | "application/x-jsonlines"
                | "application/x-ndjson"
                | "application/ndjson"
                | "application/json-seq"
        ) {
            Media::JsonLines
        } else if m.contains("json") {
            Media::Json
        } else if m == "application/x-www-form-urlencoded" {
            Media::Form
        } else if m.starts_with("multipart/") {
            Media::Multipart
        } else if binary_schema {
            Media::Binary
        } else if m.starts_with("text/") || m.ends_with("xml") {
            Media::Text
        } else if m == "*/*" || m == "application/*" {
            // Whatever the server likes: the schema says what it is.
            match ty {
                TypeRef::Prim(Prim::String) => Media::Text,
                _ => Media::Json,
            }
        } else {
            Media::Binary
        }
    }
}

/// The key of a documented response; serialised as the spec writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// One status code (`404`).
    Code(u16),
    /// Every code of a class, by its first digit (`4` for `4XX`).
    Range(u16),
    /// `default`: every status the others do not name.
    Default,
}

impl Status {
    /// Whether the status is a success (`2xx`, `2XX`).
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(class) => class == 2,
            Status::Default => false,
        }
    }
}

impl From<&openapiv3::StatusCode> for Status {
    fn from(s: &openapiv3::StatusCode) -> Self {
        match *s {
            openapiv3::StatusCode::Code(code) => Status::Code(code),
            openapiv3::StatusCode::Range(class) => Status::Range(class),
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(code) => write!(f, "{code}"),
            Status::Range(class) => write!(f, "{class}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One documented response.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    /// `200`, `4XX`, `default`...
    pub status: Status,
    /// `description`
    pub description: String,
    /// Media types with their types; empty for no body.
    pub content: Vec<(String, TypeRef)>,
}

/// Every named type `r` mentions directly (not through other named types).
pub fn direct_named(r: &TypeRef, out: &mut BTreeSet<TypeId>) {
    match r {
        TypeRef::Named(id) => {
            out.insert(*id);
        }
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Boxed(t) => {
            direct_named(t, out)
        }
        TypeRef::Tuple(ts) => ts.iter().for_each(|t| direct_named(t, out)),
        TypeRef::Prim(_) | TypeRef::Any => {}
    }
}

impl TypeKind {
    /// Every type reference held by this kind.
    pub fn refs(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(s.additional.as_ref())
                .collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(t) | TypeKind::Newtype(t) => vec![t],
            TypeKind::Enum(_) | TypeKind::Const(_) => vec![],
        }
    }

    /// Mutable access to every type reference held by this kind.
    pub fn refs_mut(&mut self) -> Vec<&mut TypeRef> {
        match self {
            TypeKind::Struct(s) => s
                .fields
                .iter_mut()
                .map(|f| &mut f.ty)
                .chain(s.additional.as_mut())
                .collect(),
            TypeKind::Union(u) => u.variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Alias(t) | TypeKind::Newtype(t) => vec![t],
            TypeKind::Enum(_) | TypeKind::Const(_) => vec![],
        }
    }
}
