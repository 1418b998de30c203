//! Rendering named types: IR -> `TokenStream`, one item (plus impls) per type.

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

fn doc_attrs(lines: Vec<String>) -> TokenStream {
    quote! { #( #[doc = #lines] )* }
}

fn deprecated(docs: &Docs) -> TokenStream {
    super::ops::deprecation(docs)
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
                Prim::F32 => quote! { f32 },
                Prim::F64 => quote! { f64 },
                Prim::DateTime => quote! { ::chrono::DateTime<::chrono::Utc> },
                Prim::Date => quote! { ::chrono::NaiveDate },
                Prim::Uuid => quote! { ::uuid::Uuid },
                Prim::Unit => quote! { () },
            },
            TypeRef::Array(t) => {
                let t = self.ty(t);
                quote! { ::std::vec::Vec<#t> }
            }
            TypeRef::Map(t) => {
                let t = self.ty(t);
                quote! { ::std::collections::BTreeMap<::std::string::String, #t> }
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

    /// Whether the field has a natural `Default` (absent, null, or a constant).
    fn is_default(&self, f: &Field) -> bool {
        match f.presence {
            Presence::Optional | Presence::OptionalNullable | Presence::RequiredNullable => true,
            Presence::Required => match &f.ty {
                TypeRef::Named(id) => matches!(self.api.ty(*id).kind, TypeKind::Const(_)),
                _ => false,
            },
        }
    }

    /// Every item for one named type.
    pub fn type_def(&self, def: &TypeDef) -> TokenStream {
        let name = ident(&def.name);
        let fallback = format!("The `{}` schema.", def.name);
        let docs = doc_attrs(docs::lines(&def.docs, &fallback, self.links));
        let dep = deprecated(&def.docs);
        match &def.kind {
            TypeKind::Struct(s) => {
                let fields = s.fields.iter().map(|f| self.field(f, def.in_request));
                let additional = s.additional.as_ref().map(|t| {
                    let t = self.ty(t);
                    quote! {
                        /// Properties not declared by the schema.
                        #[serde(flatten)]
                        pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #t>,
                    }
                });
                let default = if s.fields.iter().all(|f| self.is_default(f)) {
                    quote! { Default, }
                } else {
                    quote! {}
                };
                quote! {
                    #docs
                    #dep
                    #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
                    pub struct #name {
                        #( #fields )*
                        #additional
                    }
                }
            }
            TypeKind::Enum(e) => {
                let variants = e.variants.iter().map(|v| {
                    let vname = ident(&v.rust_name);
                    let wire = &v.wire_name;
                    let doc = format!(" `{wire}`");
                    quote! {
                        #[doc = #doc]
                        #[serde(rename = #wire)]
                        #vname,
                    }
                });
                let arms = e.variants.iter().map(|v| {
                    let vname = ident(&v.rust_name);
                    let wire = &v.wire_name;
                    quote! { Self::#vname => #wire, }
                });
                quote! {
                    #docs
                    #dep
                    #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
                    pub enum #name {
                        #( #variants )*
                        /// A value this version of the spec does not list, kept as sent.
                        #[serde(untagged)]
                        Other(::std::string::String),
                    }

                    impl #name {
                        /// The value as sent on the wire.
                        pub fn as_str(&self) -> &str {
                            match self {
                                #( #arms )*
                                Self::Other(other) => other.as_str(),
                            }
                        }
                    }

                    impl ::std::fmt::Display for #name {
                        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(self.as_str())
                        }
                    }
                }
            }
            TypeKind::Const(c) => {
                let vname = ident(&c.rust_name);
                let wire = &c.wire_name;
                let doc = format!(" Always `{wire}`.");
                quote! {
                    #docs
                    #dep
                    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
                    pub enum #name {
                        #[doc = #doc]
                        #[default]
                        #[serde(rename = #wire)]
                        #vname,
                    }
                }
            }
            TypeKind::Union(u) => self.union(def, u, docs, dep),
            TypeKind::Alias(t) => {
                let t = self.ty(t);
                quote! {
                    #docs
                    #dep
                    pub type #name = #t;
                }
            }
            TypeKind::Newtype(t) => {
                let t = self.ty(t);
                quote! {
                    #docs
                    #dep
                    #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                    #[serde(transparent)]
                    pub struct #name(pub #t);
                }
            }
        }
    }

    fn field(&self, f: &Field, in_request: bool) -> TokenStream {
        let name = ident(&f.rust_name);
        let fallback = format!("The `{}` property.", f.wire_name);
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
        let docs = doc_attrs(docs::lines(&field_docs, &fallback, self.links));
        let dep = deprecated(&f.docs);
        let rename = if crate::naming::file_stem(&f.rust_name) != f.wire_name {
            let wire = &f.wire_name;
            quote! { #[serde(rename = #wire)] }
        } else {
            quote! {}
        };
        let inner = self.ty(&f.ty);
        let rt = &self.runtime;
        let (ty, attrs) = match f.presence {
            Presence::Required => (inner, quote! {}),
            Presence::RequiredNullable => (quote! { ::std::option::Option<#inner> }, quote! {}),
            Presence::Optional => (
                quote! { ::std::option::Option<#inner> },
                quote! { #[serde(default, skip_serializing_if = "::std::option::Option::is_none")] },
            ),
            Presence::OptionalNullable if in_request => {
                let skip = format!("{}::Patch::is_absent", rt.to_string().replace(' ', ""));
                (
                    quote! { #rt::Patch<#inner> },
                    quote! { #[serde(default, skip_serializing_if = #skip)] },
                )
            }
            Presence::OptionalNullable => (
                quote! { ::std::option::Option<#inner> },
                quote! { #[serde(default, skip_serializing_if = "::std::option::Option::is_none")] },
            ),
        };
        quote! {
            #docs
            #dep
            #rename
            #attrs
            pub #name: #ty,
        }
    }

    fn union(&self, def: &TypeDef, u: &Union, docs: TokenStream, dep: TokenStream) -> TokenStream {
        let name = ident(&def.name);
        let rt = &self.runtime;
        let has_any = u.variants.iter().any(|v| v.ty == TypeRef::Any);
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
                    TypeRef::Named(id) => {
                        let target = self.api.ty(*id);
                        if target.module == self.module {
                            format!(" A [`{}`].", target.name)
                        } else {
                            let path = self.types_path.to_string().replace(' ', "");
                            format!(" A [`{}`]({path}::{}).", target.name, target.name)
                        }
                    }
                    _ => format!(" The `{}` form.", v.rust_name),
                },
            };
            quote! {
                #[doc = #doc]
                #vname(#ty),
            }
        });
        let unknown = if has_any {
            quote! {}
        } else {
            quote! {
                /// A value matching no variant this version of the spec knows, kept as sent.
                Unknown(::serde_json::Value),
            }
        };
        let allow = quote! { #[allow(clippy::large_enum_variant)] };
        let froms = self.union_froms(def.id, &name, u);
        let body = match &u.tag {
            None => quote! {
                #docs
                #dep
                #allow
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name {
                    #( #variants )*
                    #unknown
                }
            },
            Some(tag) => {
                let arms = u.variants.iter().map(|v| {
                    let vname = ident(&v.rust_name);
                    let values = &v.tag_values;
                    quote! {
                        #( ::std::option::Option::Some(#values) )|* => #rt::__private::from_value(value).map(Self::#vname),
                    }
                });
                quote! {
                    #docs
                    #dep
                    #allow
                    #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
                    #[serde(untagged)]
                    pub enum #name {
                        #( #variants )*
                        #unknown
                    }

                    impl<'de> ::serde::Deserialize<'de> for #name {
                        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                        where
                            D: ::serde::Deserializer<'de>,
                        {
                            let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                            match #rt::__private::tag_of(&value, #tag) {
                                #( #arms )*
                                _ => ::std::result::Result::Ok(Self::Unknown(value)),
                            }
                        }
                    }
                }
            }
        };
        quote! {
            #body
            #( #froms )*
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
                        fn from(value: #ty) -> Self {
                            Self::#vname(#wrap)
                        }
                    }
                }
            })
            .collect()
    }
}
