//! `multipart/form-data` bodies: the `ToParts` impl of each object type sent
//! as one, a part per property in declared order. `format: binary`
//! properties are file parts (`FilePart`), arrays of them a part per file,
//! everything else a value part (text for scalars, JSON for objects, a part
//! per item for arrays of scalars; see `openapi_runtime::multipart::Parts`).

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{ident, Ctx};
use crate::ir::*;

/// The object type a multipart body of type `ty` sends, through aliases.
pub fn multipart_struct(api: &Api, ty: &TypeRef) -> Option<TypeId> {
    let id = resolve_named(&api.types, ty)?;
    api.multipart.binary_search(&id).ok().map(|_| id)
}

/// `impl ToParts for #name`, for a struct sent as a multipart body.
pub fn to_parts(
    ctx: &Ctx<'_>,
    name: &proc_macro2::Ident,
    s: &Struct,
    in_request: bool,
) -> TokenStream {
    let rt = &ctx.runtime;
    let parts = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        let add = |value: TokenStream| match &f.ty {
            TypeRef::Prim(Prim::Binary) => quote! { parts.file(#wire, #value); },
            TypeRef::Array(item) if **item == TypeRef::Prim(Prim::Binary) => {
                quote! { parts.files(#wire, #value); }
            }
            _ => quote! { parts.value(#wire, #value); },
        };
        match f.presence {
            Presence::Required => add(quote! { &self.#field }),
            Presence::OptionalNullable if in_request => {
                let add = add(quote! { value });
                quote! {
                    if let ::std::option::Option::Some(value) = self.#field.as_set() {
                        #add
                    }
                }
            }
            Presence::RequiredNullable | Presence::Optional | Presence::OptionalNullable => {
                let add = add(quote! { value });
                quote! {
                    if let ::std::option::Option::Some(value) = &self.#field {
                        #add
                    }
                }
            }
        }
    });
    let additional = s.additional.as_ref().map(|_| {
        quote! {
            for (key, value) in &self.additional_properties {
                parts.value(key, value);
            }
        }
    });
    quote! {
        impl #rt::multipart::ToParts for #name {
            fn to_parts(&self, parts: &mut #rt::multipart::Parts) {
                #( #parts )*
                #additional
            }
        }
    }
}
