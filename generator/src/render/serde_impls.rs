//! Hand-shaped `Serialize`, `Decode` and `Deserialize` impls for generated
//! types.
//!
//! serde's derive writes a field-identifier enum, a sequence visitor and a
//! map visitor per struct, each compiled again for every deserializer, and
//! buffers every untagged union into its private `Content`: most of what a
//! generated crate compiled. These impls say only what is particular to each
//! type (its keys, which are required, its variants) and leave the rest to
//! the runtime: values are read by its JSON reader (`runtime::json::Decode`,
//! one decoder per type, not one per deserializer) with the helpers of its
//! `de` module, written by the helpers of `ser`; `Deserialize` goes through
//! the same reader (`runtime::de::deserialize`). The wire format is the
//! derive's: unknown keys are ignored, a repeated key or a missing required
//! field is an error, absent optional fields are not written.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::common::{ident, Ctx};
use crate::ir::*;

/// How a field is written and read, by its presence.
enum Read {
    /// Must be present: `required` at the end.
    Required,
    /// `Option<T>`: absent or `null` is `None`.
    Option,
    /// `Patch<T>`: absent, `null` and a value all differ.
    Patch,
}

fn read(f: &Field, in_request: bool) -> Read {
    match f.presence {
        Presence::Required => Read::Required,
        Presence::OptionalNullable if in_request => Read::Patch,
        Presence::RequiredNullable | Presence::Optional | Presence::OptionalNullable => {
            Read::Option
        }
    }
}

/// `Decode` with `body` (reading from `r`), and `Deserialize` through it.
/// `decode` is `#[inline]` so that a type's decoder is compiled only where
/// something decodes one.
fn decode_impls(ctx: &Ctx<'_>, name: &Ident, body: TokenStream) -> TokenStream {
    let rt = &ctx.runtime;
    quote! {
        impl #rt::json::Decode for #name {
            #[inline]
            fn decode(r: &mut #rt::json::Reader<'_>) -> ::std::result::Result<Self, #rt::json::Error> {
                #body
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                #rt::de::deserialize(d)
            }
        }
    }
}

/// The widest tuple the runtime's field tables take (`runtime::de::Fields`,
/// `runtime::ser::Writes`); wider tables nest.
const TABLE_WIDTH: usize = 16;

/// `items` as one tuple, nested in tuples of at most [`TABLE_WIDTH`]: the
/// shape of a field table, of the slots it reads and of the pattern
/// binding them, which must agree. `nest` wraps every tuple of tuples (the
/// runtime's `de::Tables`, so that a tuple of field types is never taken
/// for a field of tuple type), or is `None` where nesting is plain.
fn table(items: Vec<TokenStream>, nest: Option<&TokenStream>) -> TokenStream {
    let tuple = |items: &[TokenStream]| quote! { ( #( #items , )* ) };
    if items.len() <= TABLE_WIDTH {
        return tuple(&items);
    }
    let mut tables: Vec<TokenStream> = items.chunks(TABLE_WIDTH).map(tuple).collect();
    loop {
        let combined: Vec<TokenStream> = tables
            .chunks(TABLE_WIDTH)
            .map(|group| {
                let t = tuple(group);
                match nest {
                    Some(wrapper) => quote! { #wrapper<#t> },
                    None => t,
                }
            })
            .collect();
        match <[TokenStream; 1]>::try_from(combined) {
            Ok([one]) => return one,
            Err(more) => tables = more,
        }
    }
}

/// `Serialize` and `Deserialize` for a struct: one field table each (a
/// rule per field, in the struct's order) over one list of wire names, the
/// `de::Object` impl saying what the runtime's generic `de::object` needs
/// and `serialize` one call of `ser::fields`.
pub fn object(ctx: &Ctx<'_>, name: &Ident, s: &Struct, in_request: bool) -> TokenStream {
    let rt = &ctx.runtime;
    let wires = s.fields.iter().map(|f| &f.wire_name);
    let names: Vec<Ident> = s.fields.iter().map(|f| ident(&f.rust_name)).collect();
    let rules: Vec<(Read, Presence)> = s
        .fields
        .iter()
        .map(|f| (read(f, in_request), f.presence))
        .collect();

    let writes = table(
        names
            .iter()
            .zip(&rules)
            .map(|(n, rule)| match rule {
                (Read::Required, _) | (Read::Option, Presence::RequiredNullable) => {
                    quote! { #rt::ser::Always(&self.#n) }
                }
                (Read::Option, _) => quote! { #rt::ser::Optional(&self.#n) },
                (Read::Patch, _) => quote! { #rt::ser::Patched(&self.#n) },
            })
            .collect(),
        None,
    );
    // The table: a field that may be left out is its own slot, one that
    // must be present is `Required`.
    let reads = table(
        s.fields
            .iter()
            .zip(&rules)
            .map(|(f, rule)| {
                let ty = ctx.field_type(f, in_request);
                match rule {
                    (Read::Required, _) => quote! { #rt::de::Required<#ty> },
                    _ => ty,
                }
            })
            .collect(),
        Some(&quote! { #rt::de::Tables }),
    );
    // Which fields must be present (indices into the wire names).
    let indices = |keep: fn(&(Read, Presence)) -> bool| -> Vec<proc_macro2::Literal> {
        rules
            .iter()
            .enumerate()
            .filter(|(_, r)| keep(r))
            .map(|(i, _)| proc_macro2::Literal::usize_unsuffixed(i))
            .collect()
    };
    let required = indices(|r| matches!(r, (Read::Required, _)));
    let nullable = indices(|r| matches!(r, (Read::Option, Presence::RequiredNullable)));
    let required = (!required.is_empty())
        .then(|| quote! { const REQUIRED: &[usize] = &[ #( #required ),* ]; });
    let nullable = (!nullable.is_empty())
        .then(|| quote! { const NULLABLE: &[usize] = &[ #( #nullable ),* ]; });
    // `build`: one `match` on the slots moving every one out at once (`v0`,
    // `v1`, ...: no field name can shadow `rest`), the required ones' values
    // out of their `Option`s. Its other arm moves the slots whole into a
    // binding that drops them with the drop code `de::object` has anyway, so
    // the slots are moved on every path and `build` holds no drop code per
    // field (a `let ... else` over the required ones, or a `_` arm, drops each
    // slot left by itself: a fifth of the decoders' machine code).
    let bound = |i: usize| quote::format_ident!("v{}", i);
    let required_at: Vec<usize> = (0..rules.len())
        .filter(|&i| matches!(rules.get(i), Some((Read::Required, _))))
        .collect();
    let pattern = table(
        (0..rules.len())
            .map(|i| {
                let v = bound(i);
                if required_at.contains(&i) {
                    quote! { ::std::option::Option::Some(#v) }
                } else {
                    quote! { #v }
                }
            })
            .collect(),
        None,
    );
    let inits = names.iter().enumerate().map(|(i, n)| {
        let v = bound(i);
        quote! { #n: #v }
    });
    let wire_names = quote! { <Self as #rt::de::Object>::WIRE_NAMES };
    let (write, rest_type, rest_binding, additional) = match &s.additional {
        Some(t) => {
            let t = ctx.ty(t);
            (
                quote! { #rt::ser::fields_and_rest(s, #wire_names, #writes, &self.additional_properties) },
                quote! { #rt::Map<#t> },
                quote! { rest },
                quote! { additional_properties: rest },
            )
        }
        None => (
            quote! { #rt::ser::fields(s, #wire_names, #writes) },
            quote! { #rt::de::Ignored },
            quote! { _ },
            quote! {},
        ),
    };
    let value = quote! { ::std::option::Option::Some(Self { #( #inits , )* #additional }) };
    let (slots, build) = if required_at.is_empty() {
        (pattern, value)
    } else {
        (
            quote! { slots },
            quote! {
                match slots {
                    #pattern => #value,
                    _slots => ::std::option::Option::None,
                }
            },
        )
    };
    let type_name = name.to_string();
    let decode = decode_impls(ctx, name, quote! { #rt::de::object(r) });
    // Reading and writing a deprecated field is not a use of it.
    let allow = s
        .fields
        .iter()
        .any(|f| f.docs.deprecated)
        .then(|| quote! { #[allow(deprecated)] });
    quote! {
        #allow
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                #write
            }
        }

        #decode

        #allow
        impl #rt::de::Object for #name {
            const NAME: &str = #type_name;
            const WIRE_NAMES: &[&str] = &[ #( #wires ),* ];
            #required
            #nullable
            type Fields = #reads;
            type Rest = #rest_type;
            #[inline]
            fn build(#slots: <Self::Fields as #rt::de::Fields>::Slots, #rest_binding: Self::Rest) -> ::std::option::Option<Self> {
                #build
            }
        }
    }
}

/// `Serialize` as the wire value, `Deserialize` through `From<&str>` (or
/// `From<i64>`, `From<f64>`) with the listed values (for strict decoding).
pub fn enumeration(ctx: &Ctx<'_>, name: &Ident, e: &Enumeration) -> TokenStream {
    let rt = &ctx.runtime;
    let (write, read) = match e.scalar {
        Scalar::Integer => {
            let known = e.variants.iter().map(|v| int_literal(&v.wire_name));
            (
                quote! { s.serialize_i64(self.value()) },
                quote! { ::std::result::Result::Ok(Self::from(#rt::de::int_enum(r, &[ #( #known ),* ])?)) },
            )
        }
        Scalar::Number => {
            let known = e.variants.iter().map(|v| float_literal(&v.wire_name));
            (
                quote! { s.serialize_f64(self.value()) },
                quote! { ::std::result::Result::Ok(Self::from(#rt::de::number_enum(r, &[ #( #known ),* ])?)) },
            )
        }
        Scalar::String | Scalar::Boolean => {
            let known = e.variants.iter().map(|v| &v.wire_name);
            (
                quote! { s.serialize_str(self.as_str()) },
                quote! { ::std::result::Result::Ok(Self::from(&*#rt::de::string_enum(r, &[ #( #known ),* ])?)) },
            )
        }
    };
    let decode = decode_impls(ctx, name, read);
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                #write
            }
        }

        #decode
    }
}

/// An integer enum value or tag as a literal (`0` for text that is none).
pub fn int_literal(text: &str) -> proc_macro2::Literal {
    proc_macro2::Literal::i64_unsuffixed(text.parse().unwrap_or_default())
}

/// A number enum value as a literal.
pub fn float_literal(text: &str) -> proc_macro2::Literal {
    proc_macro2::Literal::f64_unsuffixed(text.parse().unwrap_or_default())
}

/// A boolean value.
fn bool_literal(text: &str) -> TokenStream {
    if text == "true" {
        quote! { true }
    } else {
        quote! { false }
    }
}

/// A fixed value: written as itself, and only it is accepted.
pub fn constant(ctx: &Ctx<'_>, name: &Ident, c: &ConstValue) -> TokenStream {
    let rt = &ctx.runtime;
    let wire = &c.wire_name;
    let v = ident(&c.rust_name);
    let (write, read) = match c.scalar {
        Scalar::String => (
            quote! { s.serialize_str(#wire) },
            quote! { #rt::de::constant(r, #wire) },
        ),
        Scalar::Integer => {
            let n = int_literal(wire);
            (
                quote! { s.serialize_i64(#n) },
                quote! { #rt::de::literal(r, #rt::de::Literal::Int(#n)) },
            )
        }
        Scalar::Number => {
            let n = float_literal(wire);
            (
                quote! { s.serialize_f64(#n) },
                quote! { #rt::de::literal(r, #rt::de::Literal::Number(#n)) },
            )
        }
        Scalar::Boolean => {
            let b = bool_literal(wire);
            (
                quote! { s.serialize_bool(#b) },
                quote! { #rt::de::literal(r, #rt::de::Literal::Bool(#b)) },
            )
        }
    };
    let decode = decode_impls(
        ctx,
        name,
        quote! { #read?; ::std::result::Result::Ok(Self::#v) },
    );
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                #write
            }
        }

        #decode
    }
}

/// A newtype is its inner value on the wire.
pub fn newtype(ctx: &Ctx<'_>, name: &Ident) -> TokenStream {
    let rt = &ctx.runtime;
    let decode = decode_impls(
        ctx,
        name,
        quote! { ::std::result::Result::Ok(Self(#rt::json::Decode::decode(r)?)) },
    );
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&self.0, s)
            }
        }

        #decode
    }
}

/// A union is its variant's value on the wire. Decoding reads the value once
/// (`Reader::slice`) and reads it again as the variant chosen: a tagged
/// union picks the variant by its tag, an untagged one (or a
/// tagged one whose value lacks the tag) takes the first variant that decodes
/// strictly, else the first that decodes (`runtime::de::untagged`; variants
/// are ordered most specific first; with two or more object variants, those
/// whose keys fit the object's keys are tried first, see `runtime::de::order`).
pub fn union(ctx: &Ctx<'_>, name: &Ident, u: &Union, keeps_unknown: bool) -> TokenStream {
    let rt = &ctx.runtime;
    let write_arms = u
        .variants
        .iter()
        .map(|v| ident(&v.rust_name))
        .chain(keeps_unknown.then(|| ident("Unknown")))
        .map(|v| quote! { Self::#v(value) => serde::Serialize::serialize(value, s), });
    // What a value matching no known variant becomes.
    let any = u.variants.iter().find(|v| v.ty == TypeRef::Any);
    let fallback = match any {
        Some(v) => {
            let v = ident(&v.rust_name);
            quote! { #rt::de::Fallback::Any(Self::#v) }
        }
        None => quote! { #rt::de::Fallback::Unknown(Self::Unknown) },
    };
    let union_name = name.to_string();
    // Variants up to the first that takes any value (that one is the fallback).
    let tried: Vec<&Variant> = u
        .variants
        .iter()
        .take_while(|v| v.ty != TypeRef::Any)
        .collect();
    let shapes: Vec<Option<&Struct>> = tried.iter().map(|v| object_shape(ctx, &v.ty, 8)).collect();
    let try_variant = |v: &Variant| {
        let vname = ident(&v.rust_name);
        // A string of a format the runtime checks: only strings of that format.
        let decoded = match v.format {
            Some(f) => {
                let f = ident(f.runtime_name());
                quote! { #rt::de::variant_format(value, #rt::de::StrFormat::#f) }
            }
            None => quote! { #rt::de::variant(value) },
        };
        quote! {
            if let ::std::option::Option::Some(v) = #decoded {
                return ::std::option::Option::Some(Self::#vname(v));
            }
        }
    };
    let attempts = if shapes.iter().flatten().count() >= 2 {
        // Several object variants: which one fits is read from the keys.
        let shapes = shapes.iter().map(|s| match s {
            Some(s) => {
                let keys = s.fields.iter().map(|f| &f.wire_name);
                let open = s.additional.is_some();
                quote! { ::std::option::Option::Some((&[ #( #keys ),* ], #open)) }
            }
            None => quote! { ::std::option::Option::None },
        });
        let arms = tried.iter().enumerate().map(|(i, v)| {
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            let attempt = try_variant(v);
            quote! { #i => { #attempt } }
        });
        quote! {
            for i in #rt::de::order(value, &[ #( #shapes ),* ]) {
                match i {
                    #( #arms )*
                    _ => {}
                }
            }
            ::std::option::Option::None
        }
    } else {
        let tries = tried.iter().map(|v| try_variant(v));
        quote! {
            #( #tries )*
            ::std::option::Option::None
        }
    };
    let untagged = quote! {
        #rt::de::untagged(value, #union_name, |value| { #attempts }, #fallback)
    };
    let read = match &u.tag {
        Some(tag) => {
            let arms = u
                .variants
                .iter()
                .filter(|v| !v.tag_values.is_empty())
                .map(|v| {
                    let vname = ident(&v.rust_name);
                    let values = v.tag_values.iter().map(|t| match u.tag_scalar {
                        Scalar::Integer => {
                            let n = int_literal(t);
                            quote! { #rt::de::Tag::Int(#n) }
                        }
                        Scalar::Boolean => {
                            let b = bool_literal(t);
                            quote! { #rt::de::Tag::Bool(#b) }
                        }
                        Scalar::String | Scalar::Number => quote! { #rt::de::Tag::Str(#t) },
                    });
                    quote! {
                        #( #values )|* => ::std::result::Result::Ok(Self::#vname(#rt::de::tagged(value)?)),
                    }
                });
            // Without the tag (a tag property with a default may be left
            // out), the variants are tried as for an untagged union; when
            // every variant requires it, none can take such a value.
            let tag_optional = tried.iter().any(|v| {
                object_shape(ctx, &v.ty, 8).is_none_or(|s| {
                    !s.fields
                        .iter()
                        .any(|f| &f.wire_name == tag && f.presence == Presence::Required)
                })
            });
            let missing = if tag_optional {
                quote! { #rt::de::Tag::Missing => #untagged, }
            } else {
                quote! {}
            };
            // A tag value mapped to nothing: the `defaultMapping` variant, if any.
            let other = match &u.default_variant {
                Some(v) => {
                    let v = ident(v);
                    quote! { _ => ::std::result::Result::Ok(Self::#v(#rt::de::tagged(value)?)), }
                }
                None => quote! { _ => #rt::de::unknown(value, #union_name, #fallback), },
            };
            quote! {
                match #rt::de::tag_of(&value, #tag).as_tag() {
                    #( #arms )*
                    #missing
                    #other
                }
            }
        }
        None => untagged,
    };
    let decode = decode_impls(
        ctx,
        name,
        quote! {
            let value = r.slice()?;
            #read
        },
    );
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #( #write_arms )*
                }
            }
        }

        #decode
    }
}

/// The struct a variant's values are, through options, boxes and aliases
/// (at most `depth` of them), if it is one.
fn object_shape<'a>(ctx: &Ctx<'a>, r: &TypeRef, depth: u8) -> Option<&'a Struct> {
    let depth = depth.checked_sub(1)?;
    match r {
        TypeRef::Option(t) | TypeRef::Boxed(t) => object_shape(ctx, t, depth),
        TypeRef::Named(id) => match &ctx.api.ty(*id).kind {
            TypeKind::Struct(s) => Some(s),
            TypeKind::Alias(t) | TypeKind::Newtype(t) => object_shape(ctx, t, depth),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<TokenStream> {
        (0..n)
            .map(|i| quote::format_ident!("T{}", i))
            .map(|t| quote! { #t })
            .collect()
    }

    /// Past 16 fields, tuples of field types nest inside `Tables` at every
    /// level, so that no tuple of field types is read as one field.
    #[test]
    fn wide_tables_wrap_every_tuple_of_tuples() {
        let wrap = quote! { Tables };
        assert_eq!(table(items(2), Some(&wrap)).to_string(), "(T0 , T1 ,)");
        let t = table(items(17), Some(&wrap)).to_string().replace(' ', "");
        assert!(t.starts_with("Tables<((T0,"), "{t}");
        assert!(t.ends_with("T15,),(T16,),)>"), "{t}");
        // 300 fields: 19 tables of at most 16, in 2 tables of tables.
        let t = table(items(300), Some(&wrap)).to_string().replace(' ', "");
        assert_eq!(t.matches("Tables<").count(), 3, "{t}");
        assert!(t.starts_with("Tables<(Tables<((T0,"), "{t}");
        assert!(
            t.ends_with("(T288,T289,T290,T291,T292,T293,T294,T295,T296,T297,T298,T299,),)>,)>"),
            "{t}"
        );
        // The slots' pattern nests the same way, without the wrapper.
        let p = table(items(300), None).to_string().replace(' ', "");
        assert!(!p.contains("Tables"));
        assert!(p.starts_with("(((T0,"), "{p}");
    }
}
