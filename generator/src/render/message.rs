//! Where a documented error body keeps the server's message, read from its
//! schema (never from the API's name): the first string property named
//! `detail`, `message`, `error_description`, `error_message`, `error` or
//! `title` (RFC 7807's `detail` says more than its `title`); else such a
//! property holding a list of objects with a `msg`/`message` string and
//! perhaps a `loc` (validation errors: `loc: msg; ...`); else one level
//! down (`{"error": {"message": ...}}`). The expression it gives reads the
//! body bound to `b` into an `Option<String>`.
//!
//! A struct that is the body of an error response and has a message gets it
//! once, as its `runtime::error::ServerMessage` impl ([`error_bodies`]), and
//! every operation's error enum calls that: the expression is compiled once
//! per type instead of once per operation.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{ident, Ctx};
use crate::ir::*;

/// Names of the property holding the message, best first.
const MESSAGE: [&str; 6] = [
    "detail",
    "message",
    "error_description",
    "error_message",
    "error",
    "title",
];
/// Names of an item's message in a list of errors.
const ITEM_MESSAGE: [&str; 3] = ["msg", "message", "detail"];
/// Names of an item's location in a list of errors.
const ITEM_LOCATION: [&str; 4] = ["loc", "location", "path", "field"];

/// The struct `ty` names (through aliases, not boxes) if it has a message:
/// the type whose `ServerMessage` impl an error enum calls for a body of
/// type `ty`.
pub(super) fn shared(types: &[TypeDef], rt: &TokenStream, ty: &TypeRef) -> Option<TypeId> {
    let TypeRef::Named(_) = ty else {
        return None;
    };
    message(types, rt, ty)?;
    resolve_named(types, ty)
}

/// Every struct some operation's error response has as its JSON body and
/// that has a message (see [`shared`]): the types given a `ServerMessage` impl.
pub(super) fn error_bodies(api: &Api, rt: &TokenStream) -> BTreeSet<TypeId> {
    api.operations
        .iter()
        .flat_map(|op| &op.responses)
        .filter(|r| !r.status.is_success())
        .filter_map(|r| match Decode::of(&r.content) {
            Decode::Json(t) => shared(&api.types, rt, &t),
            _ => None,
        })
        .collect()
}

impl Ctx<'_> {
    /// The `ServerMessage` impl of the error body `id` (one of
    /// [`error_bodies`]).
    pub(super) fn server_message(&self, id: TypeId) -> TokenStream {
        let rt = &self.runtime;
        let name = ident(&self.api.ty(id).name);
        let read = message(&self.api.types, rt, &TypeRef::Named(id))
            .unwrap_or_else(|| quote! { ::std::option::Option::None });
        quote! {
            impl #rt::error::ServerMessage for #name {
                fn server_message(&self) -> ::std::option::Option<::std::string::String> {
                    let b = self;
                    #read
                }
            }
        }
    }
}

/// The message of the body `b` of type `ty` (an `Option<String>`
/// expression), if its schema has one.
pub(super) fn message(types: &[TypeDef], rt: &TokenStream, ty: &TypeRef) -> Option<TokenStream> {
    Some(match of_struct(types, rt, ty, &quote! { b }, 0)? {
        Msg::Always(e) => quote! { ::std::option::Option::Some(#e) },
        Msg::Maybe(e) => e,
    })
}

/// A message expression: a `String` always there, or an `Option<String>`.
enum Msg {
    Always(TokenStream),
    Maybe(TokenStream),
}

/// The fields of the response struct `ty` stands for.
fn struct_fields<'t>(types: &'t [TypeDef], ty: &TypeRef) -> Option<&'t [Field]> {
    let def = lookup(types, resolve_named(types, ty)?);
    match &def.kind {
        // A request type's optional nullable fields are `Patch`es: not read.
        TypeKind::Struct(s) if !def.in_request => Some(&s.fields),
        _ => None,
    }
}

/// The fields with these wire names (any case), in the order of `names`.
fn named<'f>(fields: &'f [Field], names: &'f [&str]) -> impl Iterator<Item = &'f Field> {
    names
        .iter()
        .filter_map(move |n| fields.iter().find(|f| f.wire_name.eq_ignore_ascii_case(n)))
}

fn is_string(types: &[TypeDef], ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Prim(Prim::String) => true,
        TypeRef::Named(_) | TypeRef::Boxed(_) => resolve_named(types, ty).is_some_and(|id| {
            matches!(
                &lookup(types, id).kind,
                TypeKind::Alias(TypeRef::Prim(Prim::String))
            )
        }),
        _ => false,
    }
}

/// The message of the struct `ty` at the place `at` (`b`, `b.error`, `v`).
fn of_struct(
    types: &[TypeDef],
    rt: &TokenStream,
    ty: &TypeRef,
    at: &TokenStream,
    depth: u8,
) -> Option<Msg> {
    let fields = struct_fields(types, ty)?;
    let required = |f: &Field| f.presence == Presence::Required;
    // A string.
    if let Some(f) = named(fields, &MESSAGE).find(|f| is_string(types, &f.ty)) {
        let n = ident(&f.rust_name);
        let get = quote! { #at.#n.clone() };
        return Some(if required(f) {
            Msg::Always(get)
        } else {
            Msg::Maybe(get)
        });
    }
    // A list of errors.
    for f in named(fields, &MESSAGE) {
        let TypeRef::Array(item) = &f.ty else {
            continue;
        };
        let Some(item_fields) = struct_fields(types, item) else {
            continue;
        };
        let Some(msg) =
            named(item_fields, &ITEM_MESSAGE).find(|m| required(m) && is_string(types, &m.ty))
        else {
            continue;
        };
        let m = ident(&msg.rust_name);
        let located = match named(item_fields, &ITEM_LOCATION).find(|l| required(l)) {
            Some(l) => {
                let l = ident(&l.rust_name);
                quote! { #rt::error::located(&e.#l, &e.#m) }
            }
            None => quote! { e.#m.clone() },
        };
        let n = ident(&f.rust_name);
        let items = if required(f) {
            quote! { #at.#n.iter() }
        } else {
            quote! { #at.#n.iter().flatten() }
        };
        return Some(Msg::Maybe(
            quote! { #rt::error::messages(#items.map(|e| #located)) },
        ));
    }
    // One level down.
    if depth > 0 {
        return None;
    }
    named(fields, &MESSAGE).find_map(|f| {
        let n = ident(&f.rust_name);
        if required(f) {
            return of_struct(types, rt, &f.ty, &quote! { #at.#n }, 1);
        }
        Some(match of_struct(types, rt, &f.ty, &quote! { v }, 1)? {
            Msg::Always(e) => Msg::Maybe(quote! { #at.#n.as_ref().map(|v| #e) }),
            Msg::Maybe(e) => Msg::Maybe(quote! { #at.#n.as_ref().and_then(|v| #e) }),
        })
    })
}
