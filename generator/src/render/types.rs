//! Rendering named types: IR -> `TokenStream`, one item (plus impls) per
//! type. The `Serialize`/`Deserialize` impls come from `serde_impls`.

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{
    deprecation, derive_attr, doc_attrs, has_setter, ident, setter_names, Chain, Ctx,
};
use super::{docs, serde_impls};
use crate::ir::*;

/// Methods of the traits generated types implement or users call on any
/// value: a union accessor of one of these names would shadow them.
const SHADOWED: &[&str] = &[
    "as_ref",
    "borrow",
    "clone",
    "clone_from",
    "cmp",
    "default",
    "deserialize",
    "eq",
    "fmt",
    "from",
    "hash",
    "into",
    "ne",
    "partial_cmp",
    "serialize",
    "to_owned",
    "to_string",
    "try_from",
    "try_into",
    "type_id",
];

impl Ctx<'_> {
    /// Every item for one named type, deriving `derives` (see
    /// [`Api::derives`]).
    pub fn type_def(&self, def: &TypeDef, derives: &[Derive]) -> TokenStream {
        let derives = derive_attr(derives);
        let name = ident(&def.name);
        let fallback = format!("The `{}` schema.", def.name);
        let docs = doc_attrs(docs::lines(&def.docs, &fallback, self.links));
        let dep = deprecation(&def.docs);
        match &def.kind {
            TypeKind::Struct(s) => {
                let fields = s.fields.iter().map(|f| self.field(f, def.in_request));
                let additional = s.additional.as_ref().map(|t| {
                    let (t, rt) = (self.ty(t), &self.runtime);
                    quote! {
                        /// Properties not declared by the schema.
                        pub additional_properties: #rt::Map<#t>,
                    }
                });
                let serde = serde_impls::object(self, &name, s, def.in_request);
                let parts = self
                    .api
                    .multipart
                    .binary_search(&def.id)
                    .is_ok()
                    .then(|| super::multipart::to_parts(self, &name, s, def.in_request));
                let serde = serde.chain(parts.unwrap_or_default());
                let methods = self.struct_methods(&def.name, s, def.in_request);
                quote! {
                    #docs
                    #dep
                    #derives
                    #[non_exhaustive]
                    pub struct #name {
                        #( #fields )*
                        #additional
                    }
                }
                .chain(methods)
                .chain(serde)
            }
            TypeKind::Enum(e) => self.enumeration(&name, e, docs, dep, derives),
            TypeKind::Const(c) => {
                let vname = ident(&c.rust_name);
                let doc = format!(" Always `{}`.", c.wire_name);
                let serde = serde_impls::constant(self, &name, c);
                quote! {
                    #docs
                    #dep
                    #derives
                    pub enum #name {
                        #[doc = #doc]
                        #[default]
                        #vname,
                    }
                }
                .chain(serde)
            }
            TypeKind::Union(u) => self.union(def, u, docs, dep, derives),
            TypeKind::Alias(t) => {
                let merged = self.api.merged_into(def.id).map(|to| {
                    let note = format!(
                        " The same shape as {}: one type serves both, and this name is an alias of it.",
                        self.link(to)
                    );
                    quote! {
                        #[doc = ""]
                        #[doc = #note]
                    }
                });
                let t = self.ty(t);
                quote! {
                    #docs
                    #merged
                    #dep
                    pub type #name = #t;
                }
            }
            TypeKind::Newtype(t) => {
                let t = self.ty(t);
                let serde = serde_impls::newtype(self, &name);
                quote! {
                    #docs
                    #dep
                    #derives
                    pub struct #name(pub #t);
                }
                .chain(serde)
            }
        }
    }

    /// `new` taking the fields without a natural default (see
    /// [`Api::has_default`]) in spec order, and a chainable `with_*` setter
    /// for each of the others (and one adding to `additional_properties`),
    /// so that a value is one expression without a struct literal. Arguments
    /// are `impl Into<..>` (generic, so nothing is compiled for a method no
    /// caller uses); a struct without required fields derives `Default`
    /// instead of having `new`.
    fn struct_methods(&self, name: &str, s: &Struct, in_request: bool) -> TokenStream {
        let rt = &self.runtime;
        let ty_name = ident(name);
        let required: Vec<&Field> = s
            .fields
            .iter()
            .filter(|f| !self.api.has_default(f))
            .collect();
        let any_deprecated = s.fields.iter().any(|f| f.docs.deprecated);
        let allow_deprecated = any_deprecated.then(|| quote! { #[allow(deprecated)] });
        let constructor = (!required.is_empty()).then(|| {
            let params = required.iter().map(|f| {
                let n = ident(&f.rust_name);
                let t = self.ty(&f.ty);
                quote! { #n: impl ::std::convert::Into<#t> }
            });
            let inits = s.fields.iter().map(|f| {
                let n = ident(&f.rust_name);
                if self.api.has_default(f) {
                    quote! { #n: ::std::default::Default::default() }
                } else {
                    quote! { #n: #n.into() }
                }
            });
            let additional = s
                .additional
                .as_ref()
                .map(|_| quote! { additional_properties: ::std::default::Default::default(), });
            let many = (required.len() > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
            let doc = " From the required properties, in the schema's order; the others stay absent until set with the `with_*` methods.";
            quote! {
                #[doc = #doc]
                #many
                #allow_deprecated
                pub fn new( #( #params ),* ) -> Self {
                    Self {
                        #( #inits, )*
                        #additional
                    }
                }
            }
        });
        let setter_names = setter_names(s);
        // Raw identifiers (`r#type`) cannot be written in an intra-doc link.
        let field_link = |f: &Field| match f.rust_name.strip_prefix("r#") {
            Some(raw) => format!("`{raw}`"),
            None => format!("[`{0}`](Self::{0})", f.rust_name),
        };
        let setters = s
            .fields
            .iter()
            .zip(&setter_names)
            .filter(|(f, _)| has_setter(f))
            .map(|(f, setter)| {
                let n = ident(&f.rust_name);
                let setter = ident(setter);
                let t = self.ty(&f.ty);
                let dep = deprecation(&f.docs);
                let dep = f
                    .docs
                    .deprecated
                    .then(|| quote! { #dep #[allow(deprecated)] });
                let (arg, value, doc) = match f.presence {
                    Presence::OptionalNullable if in_request => (
                        quote! { impl ::std::convert::Into<#rt::Patch<#t>> },
                        quote! { value.into() },
                        format!(
                            " Sets {}: a value, or `Patch::Null` to send `null`.",
                            field_link(f)
                        ),
                    ),
                    _ => (
                        quote! { impl ::std::convert::Into<#t> },
                        quote! { ::std::option::Option::Some(value.into()) },
                        format!(" Sets {}.", field_link(f)),
                    ),
                };
                quote! {
                    #[doc = #doc]
                    #dep
                    #[must_use]
                    pub fn #setter(mut self, value: #arg) -> Self {
                        self.#n = #value;
                        self
                    }
                }
            });
        let setters: Vec<TokenStream> = setters.collect();
        let add = s
            .additional
            .as_ref()
            .filter(|_| !setter_names.iter().any(|n| n == "with_additional_property"))
            .map(|t| {
                let t = self.ty(t);
                quote! {
                    /// Adds a property the schema does not declare to [`additional_properties`](Self::additional_properties).
                    #[must_use]
                    pub fn with_additional_property(
                        mut self,
                        key: impl ::std::convert::Into<::std::string::String>,
                        value: impl ::std::convert::Into<#t>,
                    ) -> Self {
                        self.additional_properties.insert(key.into(), value.into());
                        self
                    }
                }
            });
        if constructor.is_none() && setters.is_empty() && add.is_none() {
            return TokenStream::new();
        }
        quote! {
            impl #ty_name {
                #constructor
                #( #setters )*
                #add
            }
        }
    }

    /// An open enum: a variant per listed value and `Other` for the rest,
    /// with the value (`as_str` for text, `value` for numbers), `From` the
    /// wire value and `Display`.
    fn enumeration(
        &self,
        name: &proc_macro2::Ident,
        e: &Enumeration,
        docs: TokenStream,
        dep: TokenStream,
        derives: TokenStream,
    ) -> TokenStream {
        let variants = e.variants.iter().map(|v| {
            let vname = ident(&v.rust_name);
            let doc = match &v.description {
                Some(d) => format!(" `{}`: {}", v.wire_name, d.trim()),
                None => format!(" `{}`", v.wire_name),
            };
            quote! {
                #[doc = #doc]
                #vname,
            }
        });
        let names: Vec<proc_macro2::Ident> =
            e.variants.iter().map(|v| ident(&v.rust_name)).collect();
        let serde = serde_impls::enumeration(self, name, e);
        let (other, value_fn, from_impl) = match e.scalar {
            Scalar::String | Scalar::Boolean => {
                let wires = e.variants.iter().map(|v| &v.wire_name).collect::<Vec<_>>();
                (
                    quote! { ::std::string::String },
                    quote! {
                        /// The value as sent on the wire.
                        #[inline]
                        pub fn as_str(&self) -> &str {
                            match self {
                                #( Self::#names => #wires, )*
                                Self::Other(other) => other.as_str(),
                            }
                        }
                    },
                    quote! {
                        impl ::std::convert::From<&str> for #name {
                            /// The variant for a wire value; values the spec does not list become `Other`.
                            #[inline]
                            fn from(value: &str) -> Self {
                                match value {
                                    #( #wires => Self::#names, )*
                                    other => Self::Other(other.to_owned()),
                                }
                            }
                        }

                        impl ::std::fmt::Display for #name {
                            #[inline]
                            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                                f.write_str(self.as_str())
                            }
                        }
                    },
                )
            }
            Scalar::Integer => {
                let values: Vec<proc_macro2::Literal> = e
                    .variants
                    .iter()
                    .map(|v| serde_impls::int_literal(&v.wire_name))
                    .collect();
                (
                    quote! { i64 },
                    quote! {
                        /// The value as sent on the wire.
                        #[inline]
                        pub fn value(&self) -> i64 {
                            match self {
                                #( Self::#names => #values, )*
                                Self::Other(other) => *other,
                            }
                        }
                    },
                    quote! {
                        impl ::std::convert::From<i64> for #name {
                            /// The variant for a wire value; values the spec does not list become `Other`.
                            #[inline]
                            fn from(value: i64) -> Self {
                                match value {
                                    #( #values => Self::#names, )*
                                    other => Self::Other(other),
                                }
                            }
                        }

                        impl ::std::fmt::Display for #name {
                            #[inline]
                            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                                ::std::fmt::Display::fmt(&self.value(), f)
                            }
                        }
                    },
                )
            }
            Scalar::Number => {
                let values: Vec<proc_macro2::Literal> = e
                    .variants
                    .iter()
                    .map(|v| serde_impls::float_literal(&v.wire_name))
                    .collect();
                (
                    quote! { f64 },
                    quote! {
                        /// The value as sent on the wire.
                        #[inline]
                        pub fn value(&self) -> f64 {
                            match self {
                                #( Self::#names => #values, )*
                                Self::Other(other) => *other,
                            }
                        }
                    },
                    quote! {
                        impl ::std::convert::From<f64> for #name {
                            /// The variant for a wire value; values the spec does not list become `Other`.
                            #[inline]
                            fn from(value: f64) -> Self {
                                #( if value == #values { return Self::#names; } )*
                                Self::Other(value)
                            }
                        }

                        impl ::std::fmt::Display for #name {
                            #[inline]
                            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                                ::std::fmt::Display::fmt(&self.value(), f)
                            }
                        }
                    },
                )
            }
        };
        quote! {
            #docs
            #dep
            #derives
            #[non_exhaustive]
            pub enum #name {
                #( #variants )*
                /// A value this version of the spec does not list, kept as sent.
                Other(#other),
            }

            impl #name {
                #value_fn
            }

            #from_impl
        }
        .chain(serde)
    }

    /// An intra-doc link to a named type from the module being rendered.
    fn link(&self, id: TypeId) -> String {
        let target = self.api.ty(id);
        if target.module == self.module {
            format!("[`{}`]", target.name)
        } else {
            let path = self.types_path.to_string().replace(' ', "");
            format!("[`{}`]({path}::{})", target.name, target.name)
        }
    }

    fn field(&self, f: &Field, in_request: bool) -> TokenStream {
        let name = ident(&f.rust_name);
        let mut field_docs = f.docs.clone();
        if let (Some(d), Presence::Optional | Presence::OptionalNullable) = (&f.default, f.presence)
        {
            let note = format!(
                "when absent the server uses `{}`",
                serde_json::to_string(d).unwrap_or_default()
            );
            if !field_docs.notes.iter().any(|n| n.starts_with("default")) {
                field_docs.notes.push(note);
            }
        }
        // A field the spec says nothing of gets no filler doc: the allow
        // says so, and `deny(missing_docs)` still proves the others.
        let lines = docs::spec_lines(&field_docs, self.links);
        let docs = if lines.is_empty() {
            quote! { #[allow(missing_docs)] }
        } else {
            doc_attrs(lines)
        };
        let dep = deprecation(&f.docs);
        let ty = self.field_type(f, in_request);
        quote! {
            #docs
            #dep
            pub #name: #ty,
        }
    }

    /// A field's Rust type: the value type wrapped as its [`Presence`] says.
    pub fn field_type(&self, f: &Field, in_request: bool) -> TokenStream {
        let inner = self.ty(&f.ty);
        let rt = &self.runtime;
        match f.presence {
            Presence::Required => inner,
            Presence::OptionalNullable if in_request => quote! { #rt::Patch<#inner> },
            Presence::RequiredNullable | Presence::Optional | Presence::OptionalNullable => {
                quote! { ::std::option::Option<#inner> }
            }
        }
    }

    fn union(
        &self,
        def: &TypeDef,
        u: &Union,
        docs: TokenStream,
        dep: TokenStream,
        derives: TokenStream,
    ) -> TokenStream {
        let name = ident(&def.name);
        let keeps_unknown = !u.variants.iter().any(|v| v.ty == TypeRef::Any);
        let variants = u.variants.iter().map(|v| {
            let vname = ident(&v.rust_name);
            let ty = self.ty(&v.ty);
            let doc = match (&u.tag, v.tag_values.as_slice()) {
                (Some(tag), [first, rest @ ..]) => {
                    let mut d = format!(" `{tag}` is `{first}`");
                    for r in rest {
                        d.push_str(&format!(" or `{r}`"));
                    }
                    d.push('.');
                    d
                }
                _ => match &v.ty {
                    TypeRef::Named(id) => format!(" A {}.", self.link(*id)),
                    _ => format!(" The `{}` form.", v.rust_name),
                },
            };
            quote! {
                #[doc = #doc]
                #vname(#ty),
            }
        });
        let unknown = keeps_unknown.then(|| {
            quote! {
                /// A value matching no variant this version of the spec knows, kept as sent.
                Unknown(::serde_json::Value),
            }
        });
        let froms = self.union_froms(def.id, &name, u);
        let accessors = self.union_accessors(&name, u);
        let serde = serde_impls::union(self, &name, u, keeps_unknown);
        quote! {
            #docs
            #dep
            #[allow(clippy::large_enum_variant)]
            #derives
            #[non_exhaustive]
            pub enum #name {
                #( #variants )*
                #unknown
            }
        }
        .chain(accessors)
        .chain(serde)
        .chain(froms.into_iter().collect())
    }

    /// Accessors for the properties every variant has, with the same wire
    /// name, Rust name and value type (`customer.email()`), when every variant
    /// is an object: `Option<&T>` (`Option<&str>` for text, `Option<T>` for
    /// numbers, booleans, dates and UUIDs), `None` for the `Unknown`
    /// catch-all and for an absent optional property.
    fn union_accessors(&self, name: &proc_macro2::Ident, u: &Union) -> TokenStream {
        #[derive(PartialEq)]
        enum Form {
            Plain,
            Optional,
        }
        let structs: Option<Vec<(&Variant, &TypeDef, &Struct)>> = u
            .variants
            .iter()
            .map(|v| {
                let TypeRef::Named(id) = self.resolved(&v.ty) else {
                    return None;
                };
                let def = self.api.ty(id);
                match &def.kind {
                    TypeKind::Struct(s) => Some((v, def, s)),
                    _ => None,
                }
            })
            .collect();
        let Some(structs) = structs.filter(|s| s.len() > 1) else {
            return TokenStream::new();
        };
        let Some(&(_, _, first)) = structs.first() else {
            return TokenStream::new();
        };
        let form = |def: &TypeDef, f: &Field| match f.presence {
            Presence::Required => Some(Form::Plain),
            Presence::OptionalNullable if def.in_request => None,
            Presence::RequiredNullable | Presence::Optional | Presence::OptionalNullable => {
                Some(Form::Optional)
            }
        };
        let methods = first.fields.iter().filter_map(|f| {
            // A method of that name would shadow a trait's for callers.
            if SHADOWED.contains(&f.rust_name.as_str()) {
                return None;
            }
            let ty = self.resolved(&f.ty);
            // Each variant's own field of that name, wire name and type, and its form.
            let forms: Vec<Form> = structs
                .iter()
                .map(|(_, def, s)| {
                    let g = s.fields.iter().find(|g| {
                        g.rust_name == f.rust_name
                            && g.wire_name == f.wire_name
                            && self.resolved(&g.ty) == ty
                    })?;
                    form(def, g)
                })
                .collect::<Option<_>>()?;
            let field = ident(&f.rust_name);
            let copy = matches!(
                ty,
                TypeRef::Prim(
                    Prim::Bool
                        | Prim::I32
                        | Prim::I64
                        | Prim::I128
                        | Prim::F64
                        | Prim::DateTime
                        | Prim::Date
                        | Prim::Uuid
                )
            );
            let text = ty == TypeRef::Prim(Prim::String);
            let t = self.ty(&f.ty);
            let out = if text {
                quote! { &str }
            } else if copy {
                t
            } else {
                quote! { &#t }
            };
            let some = quote! { ::std::option::Option::Some };
            let arms = structs.iter().zip(&forms).map(|((v, _, _), form)| {
                let vname = ident(&v.rust_name);
                let get = match (form, text, copy) {
                    (Form::Plain, true, _) => quote! { #some(v.#field.as_str()) },
                    (Form::Plain, _, true) => quote! { #some(v.#field) },
                    (Form::Plain, _, _) => quote! { #some(&v.#field) },
                    (Form::Optional, true, _) => quote! { v.#field.as_deref() },
                    (Form::Optional, _, true) => quote! { v.#field },
                    (Form::Optional, _, _) => quote! { v.#field.as_ref() },
                };
                quote! { Self::#vname(v) => #get, }
            });
            let doc = if forms.contains(&Form::Optional) {
                format!(
                    " `{}`, which every variant may have: `None` when it is absent or the value matched no variant.",
                    f.wire_name
                )
            } else {
                format!(
                    " `{}`, which every variant has: `None` only for a value that matched no variant.",
                    f.wire_name
                )
            };
            // A field deprecated in any variant: so is its accessor, which
            // reads it without warning.
            let deprecated = structs.iter().find_map(|(_, _, s)| {
                s.fields
                    .iter()
                    .find(|g| g.rust_name == f.rust_name && g.docs.deprecated)
            });
            let dep = deprecated.map(|g| {
                let dep = deprecation(&g.docs);
                quote! { #dep #[allow(deprecated)] }
            });
            Some(quote! {
                #[doc = #doc]
                #dep
                #[inline]
                pub fn #field(&self) -> ::std::option::Option<#out> {
                    match self {
                        #( #arms )*
                        _ => ::std::option::Option::None,
                    }
                }
            })
        });
        let methods: Vec<TokenStream> = methods.collect();
        if methods.is_empty() {
            return TokenStream::new();
        }
        quote! {
            impl #name {
                #( #methods )*
            }
        }
    }

    /// What `r` is once aliases are followed, for telling variant types apart.
    fn resolved(&self, r: &TypeRef) -> TypeRef {
        match r {
            TypeRef::Named(id) => match &self.api.ty(*id).kind {
                TypeKind::Alias(t) => self.resolved(t),
                _ => r.clone(),
            },
            TypeRef::Boxed(t) => self.resolved(t),
            TypeRef::Option(t) => TypeRef::Option(Box::new(self.resolved(t))),
            TypeRef::Array(t) => TypeRef::Array(Box::new(self.resolved(t))),
            TypeRef::Map(t) => TypeRef::Map(Box::new(self.resolved(t))),
            TypeRef::Tuple(ts) => TypeRef::Tuple(ts.iter().map(|t| self.resolved(t)).collect()),
            TypeRef::Prim(_) | TypeRef::Any => r.clone(),
        }
    }

    /// `From<variant type>` for each variant whose type no other variant shares,
    /// so `impl Into<Union>` arguments take the variant's value directly.
    fn union_froms(&self, me: TypeId, name: &proc_macro2::Ident, u: &Union) -> Vec<TokenStream> {
        let resolved: Vec<TypeRef> = u.variants.iter().map(|v| self.resolved(&v.ty)).collect();
        u.variants
            .iter()
            .zip(&resolved)
            .filter(|(_, r)| {
                **r != TypeRef::Any
                    && **r != TypeRef::Named(me)
                    && resolved.iter().filter(|o| o == r).count() == 1
            })
            .map(|(v, _)| {
                let vname = ident(&v.rust_name);
                let (ty, wrap) = match &v.ty {
                    TypeRef::Boxed(inner) => {
                        (self.ty(inner), quote! { ::std::boxed::Box::new(value) })
                    }
                    other => (self.ty(other), quote! { value }),
                };
                quote! {
                    impl ::std::convert::From<#ty> for #name {
                        #[inline]
                        fn from(value: #ty) -> Self {
                            Self::#vname(#wrap)
                        }
                    }
                }
            })
            .collect()
    }
}
