//! What every renderer shares: [`Ctx`] (how a type reference is spelled from
//! the file being written), identifiers, doc attributes, deprecation, and the
//! `#[cfg]` of per-group cargo features.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs;
use crate::ir::*;

/// Paths the generated code uses; absolute so spec names like `Option` cannot shadow them.
pub struct Ctx<'a> {
    pub api: &'a Api,
    /// Module of the file being rendered (same-module types are named bare).
    pub module: &'a str,
    /// Crate path of the runtime, e.g. `::openapi_runtime`.
    pub runtime: TokenStream,
    /// Path to the `types` module from the file being rendered (`super` inside it).
    pub types_path: TokenStream,
    /// Where relative links in spec Markdown point.
    pub links: docs::Links<'a>,
}

/// An identifier from a sanitised name (`r#type` becomes a raw identifier).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `use #path as #name;` when `items` name `name` as a path's first segment
/// (`name::X`, in code or in a doc link), so a file spells a long path once.
/// Allowed to go unused when some items are gated narrower than the file:
/// with their feature off the import may have no user.
pub fn import_once(
    items: &TokenStream,
    path: TokenStream,
    name: &str,
    gated_within: bool,
) -> TokenStream {
    if !mentions_path(items.clone(), name) {
        return TokenStream::new();
    }
    let alias = ident(name);
    let last = path.clone().into_iter().last().map(|t| t.to_string());
    let as_alias = (last.as_deref() != Some(name)).then(|| quote! { as #alias });
    let allow = gated_within.then(|| quote! { #[allow(unused_imports)] });
    quote! { #allow use #path #as_alias; }
}

/// Whether `stream` names `name` as a path's first segment (`name::X`), in
/// code or in a doc link (`](name::X)`).
fn mentions_path(stream: TokenStream, name: &str) -> bool {
    let link = format!("]({name}::");
    let mut prev = false;
    for tree in stream {
        let hit = match &tree {
            proc_macro2::TokenTree::Ident(i) => {
                prev = i == name;
                continue;
            }
            // `name::`, whose first colon is joined to the next; a field
            // or parameter called `name` (`name: T`) is not a path.
            proc_macro2::TokenTree::Punct(p) => {
                prev && p.as_char() == ':' && p.spacing() == proc_macro2::Spacing::Joint
            }
            proc_macro2::TokenTree::Group(g) => mentions_path(g.stream(), name),
            proc_macro2::TokenTree::Literal(l) => l.to_string().contains(&link),
        };
        if hit {
            return true;
        }
        prev = false;
    }
    false
}

/// `#[doc]` attributes, one per line.
pub fn doc_attrs(lines: Vec<String>) -> TokenStream {
    quote! { #( #[doc = #lines] )* }
}

/// `#[deprecated]` with the spec's note: the description's sentence that
/// mentions deprecation, if there is one.
pub fn deprecation(d: &Docs) -> TokenStream {
    if !d.deprecated {
        return quote! {};
    }
    let note = d
        .description
        .as_deref()
        .into_iter()
        .flat_map(|text| text.split(['.', '\n']))
        .map(str::trim)
        .find(|s| s.to_lowercase().contains("deprecat"))
        .map(|s| format!("{s}."))
        .unwrap_or_else(|| "deprecated in the API's spec".to_owned());
    quote! { #[deprecated(note = #note)] }
}

/// `#[cfg(...)]` for code needed by any of `features`; nothing when the API has
/// no per-group features (`features` is `None`).
pub fn cfg_any(features: Option<&BTreeSet<String>>) -> TokenStream {
    match features.map(|f| f.iter().collect::<Vec<_>>()) {
        None => quote! {},
        Some(f) => match f.as_slice() {
            [only] => quote! { #[cfg(feature = #only)] },
            many => quote! { #[cfg(any( #( feature = #many ),* ))] },
        },
    }
}

impl Ctx<'_> {
    /// The Rust type for a reference.
    pub fn ty(&self, r: &TypeRef) -> TokenStream {
        match r {
            TypeRef::Named(id) => {
                let def = self.api.ty(*id);
                let name = ident(&def.name);
                if def.module == self.module {
                    quote! { #name }
                } else {
                    let types = &self.types_path;
                    quote! { #types::#name }
                }
            }
            TypeRef::Prim(p) => match p {
                Prim::String => quote! { ::std::string::String },
                Prim::Bool => quote! { bool },
                Prim::I32 => quote! { i32 },
                Prim::I64 => quote! { i64 },
                Prim::I128 => quote! { i128 },
                Prim::F64 => quote! { f64 },
                Prim::DateTime => quote! { ::chrono::DateTime<::chrono::Utc> },
                Prim::Date => quote! { ::chrono::NaiveDate },
                Prim::Uuid => quote! { ::uuid::Uuid },
                Prim::Unit => quote! { () },
                Prim::Binary => {
                    let rt = &self.runtime;
                    quote! { #rt::FilePart }
                }
            },
            TypeRef::Array(t) => {
                let t = self.ty(t);
                quote! { ::std::vec::Vec<#t> }
            }
            TypeRef::Map(t) => {
                let (t, rt) = (self.ty(t), &self.runtime);
                quote! { #rt::Map<#t> }
            }
            TypeRef::Tuple(ts) => {
                let ts = ts.iter().map(|t| self.ty(t));
                quote! { ( #( #ts, )* ) }
            }
            TypeRef::Option(t) => {
                let t = self.ty(t);
                quote! { ::std::option::Option<#t> }
            }
            TypeRef::Boxed(t) => {
                let t = self.ty(t);
                quote! { ::std::boxed::Box<#t> }
            }
            TypeRef::Any => quote! { ::serde_json::Value },
        }
    }
}

/// Appending token streams by moving them: `quote!` copies every token of an
/// interpolated stream, which adds up over a file's worth of items.
pub trait Chain {
    /// `self` followed by `more`.
    fn chain(self, more: TokenStream) -> TokenStream;
}

impl Chain for TokenStream {
    fn chain(mut self, more: TokenStream) -> TokenStream {
        self.extend(more);
        self
    }
}

/// The struct a type reference finally names, through aliases and boxes.
pub fn resolve_struct<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a Struct> {
    match &api.ty(resolve_named(&api.types, ty)?).kind {
        TypeKind::Struct(s) => Some(s),
        _ => None,
    }
}

/// Whether a struct field gets a `with_*` setter: every field but a required
/// one (`new` takes it, or it is a constant) and one of type `()` (its one
/// value is already there).
pub fn has_setter(f: &Field) -> bool {
    f.presence != Presence::Required && f.ty != TypeRef::Prim(Prim::Unit)
}

/// The `with_*` setter name of each field of `s`, in field order: `with_`
/// and the field's name without `r#` and leading underscores (`_2fa` gives
/// `with_2fa`); a name two fields would share gets the field's position.
pub fn setter_names(s: &Struct) -> Vec<String> {
    let stem = |f: &Field| {
        let bare = f.rust_name.trim_start_matches("r#").trim_start_matches('_');
        format!("with_{bare}")
    };
    let stems: Vec<String> = s.fields.iter().map(stem).collect();
    stems
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if stems.iter().filter(|m| *m == n).count() > 1 {
                format!("{n}_{}", i + 1)
            } else {
                n.clone()
            }
        })
        .collect()
}

/// `#[derive(..)]` of `list` (nothing for an empty list).
pub fn derive_attr(list: &[Derive]) -> TokenStream {
    if list.is_empty() {
        return TokenStream::new();
    }
    let names = list.iter().map(|d| Ident::new(d.name(), Span::call_site()));
    quote! { #[derive( #(#names),* )] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_mentioned_by_its_first_segment_not_by_a_field_of_its_name() {
        // A field or parameter called `types` (Meilisearch's task filter)
        // needs no `use` of the types module.
        assert!(!mentions_path(
            quote! { struct P { types: Option<u8> } },
            "types"
        ));
        assert!(mentions_path(
            quote! { struct P { x: Option<types::X> } },
            "types"
        ));
        assert!(mentions_path(
            quote! { #[doc = "See [`X`](types::X)."] struct P; },
            "types"
        ));
        assert!(!mentions_path(quote! { fn f(types: u8) {} }, "types"));
    }
}
