//! The round-trip oracle's harness for one API (`cargo xtask oracle`): what
//! it tries ([`targets`]: every component schema, every JSON body of an
//! operation or webhook, each with the Rust type the client decodes it
//! into) and `oracle.rs`, the Rust side of the check: a dispatch from a
//! target to its type, and a `Trace` impl per named type reporting, for
//! every union value decoded, which variant was chosen and the schemas that
//! variant stands for, and every enum value that fell into its catch-all.
//! The instances and every verdict on them come from outside the generator
//! (`tests/oracle/oracle.mjs`: json-schema-faker and ajv).

use proc_macro2::TokenStream;
use quote::quote;
use serde::Serialize;

use super::common::{ident, Ctx};
use crate::error::Result;
use crate::ir::*;

/// Which way a target's values travel: request forms drop read-only
/// properties, so their instances are generated without them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Sent by the client.
    Request,
    /// Received by the client.
    Response,
}

/// One schema the oracle tries.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Target {
    /// Where the schema is, in the bundled document (`$ref`s on the way are
    /// followed by the oracle).
    pub pointer: String,
    /// The Rust type its values decode into, as the harness names it.
    pub rust: String,
    /// Which way its values travel.
    pub direction: Direction,
    #[serde(skip)]
    ty: TypeRef,
}

fn component_root(origin: &str) -> bool {
    origin.starts_with("#/components/schemas/") && origin.matches('/').count() == 3
}

fn is_json(media: &str) -> bool {
    Media::of(media, &TypeRef::Any) == Media::Json
}

/// Everything the oracle tries for `api`, sorted, without repeats; types
/// are named as the harness names them from inside `module`'s sibling.
pub fn targets(api: &Api, module: &str) -> Vec<Target> {
    let ctx = harness_ctx(api, module);
    let mut out: Vec<Target> = Vec::new();
    let mut push = |pointer: String, ty: &TypeRef, direction: Direction| {
        if matches!(ty, TypeRef::Prim(Prim::Binary)) {
            return;
        }
        out.push(Target {
            pointer,
            rust: ctx.ty(ty).to_string().replace(' ', ""),
            direction,
            ty: ty.clone(),
        });
    };
    for (i, t) in api.types.iter().enumerate() {
        if !component_root(&t.origin) {
            continue;
        }
        // An alias (of a merged type, or a component that is a bare $ref)
        // has the form of the type it stands for: a request-only type is
        // rendered without its read-only properties, whatever reaches the alias.
        let form = resolve_named(&api.types, &TypeRef::Named(t.id))
            .filter(|r| *r != t.id)
            .map_or(i, |r| r.0);
        let direction = direction_of(api, form);
        // (A request twin admits `null` when its original does.)
        let original = api
            .types
            .iter()
            .find(|o| o.origin == t.origin)
            .map_or(t.id, |o| o.id);
        let ty = TypeRef::Named(t.id);
        let ty = if api.nullable_components.binary_search(&original).is_ok() {
            TypeRef::Option(Box::new(ty))
        } else {
            ty
        };
        push(t.origin.clone(), &ty, direction);
    }
    for op in &api.operations {
        if let Some(body) = &op.body {
            for (media, ty) in body.content.iter().filter(|(m, _)| is_json(m)) {
                let at = format!("{}/requestBody/content/{}/schema", op.origin, escape(media));
                push(at, ty, Direction::Request);
            }
        }
        for r in &op.responses {
            for (media, ty) in r.content.iter().filter(|(m, _)| is_json(m)) {
                let at = format!(
                    "{}/responses/{}/content/{}/schema",
                    op.origin,
                    escape(&r.status.to_string()),
                    escape(media)
                );
                push(at, ty, Direction::Response);
            }
        }
    }
    for w in &api.webhooks {
        if let Some(at) = &w.schema {
            push(at.clone(), &w.payload, Direction::Response);
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.pointer == b.pointer && a.rust == b.rust);
    out
}

/// Which form the `i`th type is rendered in: a request twin (which shares
/// its original's origin and comes after it) or a type only requests reach
/// is the request form; anything else the response form.
fn direction_of(api: &Api, i: usize) -> Direction {
    let Some(t) = api.types.get(i) else {
        return Direction::Response;
    };
    let twin_later = api.types.iter().skip(i + 1).any(|o| o.origin == t.origin);
    let twin_earlier = api.types.iter().take(i).any(|o| o.origin == t.origin);
    if twin_earlier || (t.in_request && !twin_later) {
        Direction::Request
    } else {
        Direction::Response
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn harness_ctx<'a>(api: &'a Api, module: &str) -> Ctx<'a> {
    let module = super::common::ident(module);
    Ctx {
        api,
        module: "",
        runtime: quote! { ::openapi_runtime },
        types_path: quote! { crate::#module::types },
        links: super::docs::Links { base: None },
    }
}

/// The oracle's module for an API generated as the harness crate's module
/// `module` (beside the hand-written `support` module): `round_trip(target,
/// bytes)` for each of [`targets`], and the `Trace` impls.
pub fn harness(api: &Api, targets: &[Target], module: &str) -> Result<String> {
    let ctx = harness_ctx(api, module);
    let arms = targets.iter().enumerate().map(|(i, t)| {
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        let ty = ctx.ty(&t.ty);
        quote! { #i => crate::support::round_trip::<#ty>(bytes), }
    });
    let count = targets.len();
    let traces = api.types.iter().filter_map(|t| trace_impl(&ctx, t));
    let tokens = quote! {
        //! The oracle's dispatch and traces for this API.
        #![allow(unused_variables, clippy::all)]

        use crate::support::{Choices, Outcome, Trace};

        /// How many targets there are.
        pub const TARGETS: usize = #count;

        /// Decodes `bytes` as target `target`'s type, re-encodes it and traces its unions.
        pub fn round_trip(target: usize, bytes: &[u8]) -> Outcome {
            match target {
                #( #arms )*
                _ => Outcome::NoTarget,
            }
        }

        #( #traces )*
    };
    super::format_file(
        "oracle.rs",
        "// @generated by the round-trip oracle (`cargo xtask oracle`). Do not edit by hand.",
        tokens,
    )
}

fn trace_impl(ctx: &Ctx<'_>, t: &TypeDef) -> Option<TokenStream> {
    let name = ctx.ty(&TypeRef::Named(t.id));
    let wire_name = &t.name;
    let body = match &t.kind {
        TypeKind::Alias(_) => return None,
        TypeKind::Newtype(_) => quote! { self.0.trace(at, out); },
        TypeKind::Const(_) => quote! {},
        TypeKind::Enum(_) => quote! {
            if let Self::Other(value) = self {
                out.other(at, #wire_name, value);
            }
        },
        TypeKind::Struct(s) => {
            let fields = s.fields.iter().map(|f| {
                let n = ident(&f.rust_name);
                let wire = &f.wire_name;
                quote! { self.#n.trace(&crate::support::join(at, #wire), out); }
            });
            let additional = s.additional.as_ref().map(|_| {
                quote! {
                    for (key, value) in &self.additional_properties {
                        value.trace(&crate::support::join(at, key), out);
                    }
                }
            });
            quote! { #( #fields )* #additional }
        }
        TypeKind::Union(u) => {
            let arms = u.variants.iter().map(|v| {
                let vname = ident(&v.rust_name);
                let schemas = v.schemas.iter().map(|all| quote! { &[ #( #all ),* ] });
                quote! {
                    Self::#vname(value) => {
                        out.chose(at, #wire_name, &[ #( #schemas ),* ]);
                        value.trace(at, out);
                    }
                }
            });
            let unknown = (!u.variants.iter().any(|v| v.ty == TypeRef::Any)).then(|| {
                quote! { Self::Unknown(_) => out.unknown(at, #wire_name), }
            });
            quote! {
                match self {
                    #( #arms )*
                    #unknown
                }
            }
        }
    };
    Some(quote! {
        impl Trace for #name {
            fn trace(&self, at: &str, out: &mut Choices) {
                #body
            }
        }
    })
}
