//! The `Client` (servers, construction, top-level accessors) and one struct
//! per group holding the accessors of its subgroups and operations. Under
//! per-group features, a top-level group's accessor exists only with its feature.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::common::{deprecation, ident, Ctx};
use super::{body_type, Group, OpsRender};
use crate::error::Result;
use crate::ir::*;
use crate::naming;

impl<'a> OpsRender<'a> {
    /// A group's struct with its accessors; `cfg` gates each item.
    pub(super) fn group_struct(
        &self,
        path: &[String],
        group: &Group,
        cfg: &TokenStream,
    ) -> TokenStream {
        let name = ident(&self.item_name(path));
        let rt = &self.runtime;
        let accessors = self.accessors(path, group, quote! { self.client });
        let doc = format!(
            " Operations under `client.{}()`.",
            path.iter()
                .map(|p| naming::file_stem(p))
                .collect::<Vec<_>>()
                .join("().")
        );
        quote! {
            #[doc = #doc]
            #cfg
            #[derive(Debug, Clone)]
            pub struct #name {
                client: #rt::Client,
            }

            #cfg
            impl #name {
                pub(crate) fn new(client: #rt::Client) -> Self {
                    Self { client }
                }

                #( #accessors )*
            }
        }
    }

    /// Accessor methods for a group's children and operations; `client` is
    /// the expression holding the runtime client.
    fn accessors(&self, path: &[String], group: &Group, client: TokenStream) -> Vec<TokenStream> {
        let mut out = Vec::new();
        let file_of = |p: &[String]| p.first().cloned().unwrap_or_else(|| "root".to_owned());
        for child in &group.children {
            let mut child_path = path.to_vec();
            child_path.push(child.clone());
            let method = ident(child);
            let file = ident(&file_of(&child_path));
            let ty = ident(&self.item_name(&child_path));
            let doc = format!(" Operations under `{}`.", naming::file_stem(child));
            let module = if path.is_empty() {
                quote! { super::operations }
            } else {
                quote! { super }
            };
            let cfg = self.features.cfg_group(&child_path);
            out.push(quote! {
                #[doc = #doc]
                #cfg
                pub fn #method(&self) -> #module::#file::#ty {
                    #module::#file::#ty::new(#client.clone())
                }
            });
        }
        for &(op, builder) in &group.ops {
            let module = if path.is_empty() {
                let file = ident(&file_of(path));
                quote! { super::operations::#file }
            } else {
                quote! { self }
            };
            let cfg = self.features.cfg_ops_of(path);
            let method = self.op_method(builder, op, &module, &client, path.is_empty());
            out.push(quote! { #cfg #method });
        }
        out
    }

    fn op_method(
        &self,
        builder: &str,
        op: &'a Operation,
        module: &TokenStream,
        client: &TokenStream,
        at_root: bool,
    ) -> TokenStream {
        let ctx = if at_root {
            Ctx {
                types_path: quote! { super::types },
                ..self.ctx()
            }
        } else {
            self.ctx()
        };
        let method = ident(&op.rust_name);
        let builder_name = builder;
        let builder = ident(builder);
        let params = ident(&format!("{builder}Params"));
        let fields = self.builder_fields(op);
        let mut args = Vec::new();
        let mut inits = Vec::new();
        for (name, p, required) in &fields {
            let n = ident(name);
            let ty = ctx.ty(&p.ty);
            if *required {
                args.push(quote! { #n: impl ::std::convert::Into<#ty> });
                inits.push(quote! { #n: #n.into() });
            } else {
                inits.push(quote! { #n: ::std::option::Option::None });
            }
        }
        if let Some(b) = &op.body {
            let ty = body_type(&ctx, b);
            if b.required {
                args.push(quote! { body: impl ::std::convert::Into<#ty> });
                inits.push(quote! { body: body.into() });
            } else {
                inits.push(quote! { body: ::std::option::Option::None });
            }
        }
        let doc = self.op_page(builder_name, op, at_root);
        let dep = deprecation(&op.docs);
        let alias = summary_alias(op).map(|a| quote! { #[doc(alias = #a)] });
        let rt = &self.runtime;
        quote! {
            #( #[doc = #doc] )*
            #alias
            #dep
            pub fn #method(&self, #( #args ),* ) -> #module::#builder {
                #module::#builder {
                    call: #rt::Call::new(#client.clone()),
                    params: #module::#params {
                        #( #inits, )*
                    },
                }
            }
        }
    }

    pub(super) fn client(&self, root: Option<&Group>) -> Result<TokenStream> {
        let rt = &self.runtime;
        let empty = Group::default();
        let accessors = self.accessors(&[], root.unwrap_or(&empty), quote! { self.inner });
        let servers = &self.api.servers;
        let server_enum = if servers.is_empty() {
            quote! {}
        } else {
            let variants = servers.iter().map(|s| {
                let v = ident(&s.rust_name);
                let doc = format!(
                    " {} (`{}`)",
                    s.description.as_deref().unwrap_or("Server"),
                    s.url
                );
                quote! { #[doc = #doc] #v, }
            });
            let arms = servers.iter().map(|s| {
                let v = ident(&s.rust_name);
                let url = &s.url;
                quote! { Self::#v => #url, }
            });
            quote! {
                /// The servers the API is published on (more may be added: match with a `_` arm).
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
                #[non_exhaustive]
                pub enum Server {
                    #( #variants )*
                }

                impl Server {
                    /// The server's base URL.
                    pub fn url(self) -> &'static str {
                        match self {
                            #( #arms )*
                        }
                    }
                }

                impl ::std::convert::From<Server> for ::std::string::String {
                    fn from(server: Server) -> Self {
                        server.url().to_owned()
                    }
                }
            }
        };
        let headers = self
            .api
            .default_headers
            .iter()
            .map(|(k, v)| quote! { .default_header(#k, #v) });
        let auth_doc: Vec<String> = self
            .api
            .security_schemes
            .iter()
            .map(|s| {
                let how = match &s.kind {
                    SecurityKind::Bearer | SecurityKind::OAuth => {
                        "a bearer token: `.bearer_auth(token)`".to_owned()
                    }
                    SecurityKind::Basic => "HTTP Basic: `.basic_auth(user, password)`".to_owned(),
                    SecurityKind::ApiKey { location, name } => {
                        format!(
                            "an API key in {location} `{name}`: `.default_header(\"{name}\", key)`"
                        )
                    }
                };
                format!(" - `{}`: {how}", s.name)
            })
            .collect();
        let title = &self.api.title;
        let title = if title.split_whitespace().last() == Some("API") {
            format!(" Client of the {title}.")
        } else {
            format!(" Client of the {title} API.")
        };
        let builder_doc = if servers.is_empty() {
            " A builder with this API's default headers and `User-Agent`, for the API at `base_url`."
        } else {
            " A builder with this API's default headers and `User-Agent`; pass a [`Server`] or any base URL (a mock server in tests, for example)."
        };
        Ok(quote! {
            //! The API client: servers, construction, and the group accessors.
            #server_enum

            #[doc = #title]
            ///
            /// Cheap to clone. Build one with [`Client::builder`]; authenticate with one of:
            #( #[doc = #auth_doc] )*
            #[derive(Debug, Clone)]
            pub struct Client {
                inner: #rt::Client,
            }

            impl Client {
                #[doc = #builder_doc]
                pub fn builder(base_url: impl ::std::convert::Into<::std::string::String>) -> #rt::ClientBuilder<Self> {
                    #rt::ClientBuilder::new(base_url)
                        .user_agent(::std::concat!(::std::env!("CARGO_PKG_NAME"), "/", ::std::env!("CARGO_PKG_VERSION")))
                        #( #headers )*
                        .output()
                }

                /// The runtime client underneath (base URL, auth, retries).
                pub fn runtime(&self) -> &#rt::Client {
                    &self.inner
                }

                #( #accessors )*
            }

            impl ::std::convert::From<#rt::Client> for Client {
                fn from(inner: #rt::Client) -> Self {
                    Self { inner }
                }
            }
        })
    }
}

/// The operation's summary as a rustdoc search alias, when it says more than
/// the method's name (`add_member_to_group` is found by "Update Member
/// Permissions"); `None` for a summary rustdoc would refuse as an alias
/// (quotes, line breaks, long text) or one that only repeats the name.
fn summary_alias(op: &Operation) -> Option<String> {
    let summary = op.docs.title.as_deref()?.trim();
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let refused = summary.is_empty()
        || summary.chars().count() > 80
        || summary.contains(['"', '\'', '\\', '\n', '\r', '\t']);
    (!refused && words(summary) != words(&op.rust_name)).then(|| summary.to_owned())
}
