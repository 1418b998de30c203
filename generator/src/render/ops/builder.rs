//! One request builder per operation, and the generic builder they all are.
//!
//! Per operation only what differs: its parameters struct (required ones as
//! fields, optional ones with setters on the builder), its documented-error
//! enum, and its `Endpoint` impl (the request it describes and the status ->
//! decode table); the builder is `RequestBuilder<ItsParams>`, named by a type
//! alias. `RequestBuilder` (once per API, [`OpsRender::request_builder`])
//! holds the per-call settings and sends: its methods (`timeout`, `send`,
//! `pages`, `.await`, ...) are generic, so their code is generated where a
//! program calls them. Sending, retries, time-outs and pagination are the
//! runtime's.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::super::common::{ident, Ctx};
use super::super::{docs, message};
use super::{
    body_type, location_word, pointer, status_pattern, status_variant, template, OpsRender,
};
use crate::error::{Error, Result};
use crate::ir::*;
use crate::naming::Scope;

/// One variant of an operation's error enum, and what its impls say of it.
struct ErrorVariant {
    /// The variant, documented.
    variant: TokenStream,
    /// The decode arm (`raw.error_json(E::NotFound)`).
    arm: TokenStream,
    /// `E::NotFound(b) => <message>,` where the body has a message.
    message: Option<TokenStream>,
    /// `E::NotFound(_) => "404: Not found",`.
    what: TokenStream,
}

impl<'a> OpsRender<'a> {
    /// The builder (named `builder`), error enum and impls of `op`; `cfg` gates each item.
    pub(super) fn operation(
        &self,
        op: &'a Operation,
        builder: &str,
        cfg: &TokenStream,
    ) -> Result<TokenStream> {
        let ctx = self.ctx();
        let rt = &self.runtime;
        let name = ident(builder);
        let error_name = ident(&format!("{builder}Error"));
        let params_name = ident(&format!("{builder}Params"));
        let fields = self.builder_fields(op);

        // Struct fields and setters.
        let mut struct_fields = Vec::new();
        let mut setters = Vec::new();
        for (fname, p, required) in &fields {
            let n = ident(fname);
            let ty = ctx.ty(&p.ty);
            let doc = docs::lines(
                &p.docs,
                &format!(
                    "The `{}` {} parameter.",
                    p.wire_name,
                    location_word(p.location)
                ),
                self.links(),
            );
            if *required {
                struct_fields.push(quote! { #n: #ty, });
            } else {
                struct_fields.push(quote! { #n: ::std::option::Option<#ty>, });
                setters.push(quote! {
                    #( #[doc = #doc] )*
                    pub fn #n(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                        self.params.#n = ::std::option::Option::Some(value.into());
                        self
                    }
                });
            }
        }
        if let Some(b) = &op.body {
            let ty = body_type(&ctx, b);
            if b.required {
                struct_fields.push(quote! { body: #ty, });
            } else {
                struct_fields.push(quote! { body: ::std::option::Option<#ty>, });
                setters.push(quote! {
                    /// The request body.
                    pub fn body(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                        self.params.body = ::std::option::Option::Some(value.into());
                        self
                    }
                });
            }
        }

        // The request.
        // The methods `http` names; others (3.2's QUERY, `additionalOperations`) by text.
        let new_request = if op.method.has_constant() {
            let method = ident(op.method.as_str());
            quote! { #rt::Request::new(#rt::Method::#method) }
        } else {
            let text = op.method.as_str();
            quote! { #rt::Request::with_method(#text) }
        };
        let op_id = &op.id;
        let path_template = &op.path;
        let mut steps = Vec::new();
        for (is_param, text) in template(&op.path, &op.origin)? {
            if !is_param {
                steps.push(quote! { .path(#text) });
                continue;
            }
            let Some((fname, p, _)) = fields
                .iter()
                .find(|(_, p, _)| p.location == ParamLocation::Path && p.wire_name == text)
            else {
                return Err(Error::invalid(
                    &pointer(&op.origin),
                    format!("path parameter {{{text}}} of {:?} is not declared", op.path),
                ));
            };
            let n = ident(fname);
            let explode = p.explode;
            let style = match p.style {
                ParamStyle::Label => quote! { Label },
                ParamStyle::Matrix => quote! { Matrix },
                _ => quote! { Simple },
            };
            steps.push(match p.style {
                _ if p.json => quote! { .json_param(#rt::ParamIn::Path, #text, &self.#n) },
                // `simple`, not exploded: the default, and the short call.
                ParamStyle::Simple if !explode => quote! { .path_param(#text, &self.#n) },
                _ => {
                    quote! { .path_param_styled(#text, &self.#n, #rt::PathStyle::#style, #explode) }
                }
            });
        }
        for (fname, p, _) in &fields {
            let n = ident(fname);
            let wire = &p.wire_name;
            match p.location {
                ParamLocation::Query | ParamLocation::Header if p.json => {
                    let place = match p.location {
                        ParamLocation::Query => quote! { Query },
                        _ => quote! { Header },
                    };
                    steps.push(quote! { .json_param(#rt::ParamIn::#place, #wire, &self.#n) });
                }
                ParamLocation::Query => {
                    let style = match p.style {
                        ParamStyle::SpaceDelimited => quote! { SpaceDelimited },
                        ParamStyle::PipeDelimited => quote! { PipeDelimited },
                        ParamStyle::DeepObject => quote! { DeepObject },
                        _ => quote! { Form },
                    };
                    let explode = p.explode;
                    let call = if p.allow_reserved {
                        quote! { query_reserved }
                    } else {
                        quote! { query }
                    };
                    steps.push(
                        quote! { .#call(#wire, &self.#n, #rt::QueryStyle::#style, #explode) },
                    );
                }
                ParamLocation::Header if p.explode => {
                    steps.push(quote! { .header_exploded(#wire, &self.#n) });
                }
                ParamLocation::Header => steps.push(quote! { .header(#wire, &self.#n) }),
                ParamLocation::Path | ParamLocation::Cookie => {}
            }
        }
        if let Some(b) = &op.body {
            if let Some((media, ty)) = b.chosen() {
                let multipart = super::super::multipart::multipart_struct(self.api, ty).is_some();
                // Form properties whose encoding gives a JSON `contentType`
                // (and no style): written whole as JSON text.
                let json: Vec<&str> = b
                    .encoding
                    .iter()
                    .filter(|(p, t)| {
                        Media::of(t, &TypeRef::Any) == Media::Json && !b.styled.contains(p)
                    })
                    .map(|(p, _)| p.as_str())
                    .collect();
                // The call that sets the body, given it (a reference, or an
                // owned value for bytes and text).
                let (owned, set): (bool, &dyn Fn(TokenStream) -> TokenStream) =
                    match Media::of(media, ty) {
                        Media::Form if b.styled.is_empty() && json.is_empty() => {
                            (false, &|v| quote! { .form(#v) })
                        }
                        Media::Form => (false, &|v| {
                            let styled = &b.styled;
                            quote! { .form_encoded(#v, &[ #( #styled ),* ], &[ #( #json ),* ]) }
                        }),
                        Media::Multipart if multipart => (false, &|v| {
                            let encoding = b.encoding.iter().map(|(p, t)| quote! { (#p, #t) });
                            quote! { .multipart(#v, &[ #( #encoding ),* ]) }
                        }),
                        Media::Binary => (true, &|v| quote! { .bytes(#v, #media) }),
                        Media::Text if matches!(ty, TypeRef::Prim(Prim::String)) => {
                            (true, &|v| quote! { .text(#v, #media) })
                        }
                        _ => (false, &|v| quote! { .json(#v) }),
                    };
                steps.push(match (b.required, owned) {
                    (true, false) => set(quote! { &self.body }),
                    (true, true) => set(quote! { self.body.clone() }),
                    // An optional body not given is not sent.
                    (false, owned) => {
                        let value = if owned {
                            quote! { self.body.clone() }
                        } else {
                            quote! { self.body.as_ref() }
                        };
                        let call = set(quote! { body });
                        quote! { .with(#value, |r, body| r #call) }
                    }
                });
            }
        }

        // Responses.
        let super::SuccessTokens {
            ty: ok_ty,
            arms: ok_arms,
            live,
        } = self.success(op);
        let mut arms = Vec::new();
        let mut variants = Vec::new();
        let mut has_default = false;
        let mut variant_scope = Scope::default();
        // Codes before ranges (a range's arm would take its codes), `default` last.
        let mut ordered: Vec<&Response> = op
            .responses
            .iter()
            .filter(|r| matches!(r.status, Status::Code(_)))
            .collect();
        ordered.extend(
            op.responses
                .iter()
                .filter(|r| matches!(r.status, Status::Range(_))),
        );
        for r in ordered {
            let pattern = status_pattern(r.status);
            if let Some(call) = ok_arms.get(&r.status) {
                arms.push(quote! { #pattern => #call, });
                continue;
            }
            let v = self.error_variant(r, &error_name, &mut variant_scope);
            let arm = &v.arm;
            arms.push(quote! { #pattern => #arm, });
            variants.push(v);
        }
        if let Some(r) = op.responses.iter().find(|r| r.status == Status::Default) {
            let v = self.error_variant(r, &error_name, &mut variant_scope);
            let arm = &v.arm;
            arms.push(quote! { _ => #arm, });
            variants.push(v);
            has_default = true;
        }
        let error_impls = self.error_impls(&error_name, &variants, cfg);
        let variants = variants.iter().map(|v| &v.variant);
        if !has_default {
            arms.push(quote! { _ => raw.unexpected(), });
        }
        // A streamed form offered beside the decoded one: a method asking for it.
        let alternate = self.alternate(op).map(|(method, alt)| {
            let (ty, call) = match &alt.output {
                Output::Events(t) => {
                    let t = self.ctx().ty(t);
                    (quote! { #rt::stream::Events<#t> }, quote! { raw.events(live) })
                }
                Output::Lines(t) => {
                    let t = self.ctx().ty(t);
                    (quote! { #rt::stream::JsonLines<#t> }, quote! { raw.json_lines(live) })
                }
                _ => (quote! { #rt::stream::RawEvents }, quote! { raw.raw_events(live) }),
            };
            let method = ident(&method);
            let media = &alt.media;
            let doc = format!(
                " Sends the request asking for its streamed form (`Accept: {media}`), which the response offers beside the one `.await` decodes, and reads it as it arrives. Set what makes the server stream (a `stream: true` in the body, say) as the API says."
            );
            quote! {
                #[doc = #doc]
                pub fn #method(self) -> #rt::StreamFuture<Self, #ty> {
                    #rt::StreamFuture::new(self, #media, |raw, live| #call)
                }
            }
        });
        // A streamed success: sent for its head, the body decoded as it arrives.
        let streamed = (!live.is_empty()).then(|| {
            let live = live.iter().map(|(status, call)| {
                let pattern = status_pattern(*status);
                quote! { #pattern => #call, }
            });
            quote! {
                const STREAMED: bool = true;

                #[inline]
                fn decode_live(
                    raw: #rt::RawResponse,
                    body: #rt::LiveBody,
                ) -> ::std::result::Result<#rt::Response<#ok_ty>, #rt::Error<#error_name>> {
                    match raw.status_code() {
                        #( #live )*
                        _ => Self::decode(raw),
                    }
                }
            }
        });

        let paginated = op
            .pagination
            .as_ref()
            .and_then(|p| self.pagination(&name, p, &fields, cfg));
        let doc = self.op_summary(op);
        let error_doc = format!(
            " Documented error responses of `{} {}`.",
            op.method, op.path
        );
        let builder_doc = format!(
            " [Request builder](super::RequestBuilder) for `{} {}`: set optional parameters, then `.send().await` (or just `.await`).",
            op.method, op.path
        );
        let params_doc = format!(" The parameters of [`{builder}`].");
        let setters_impl = (!setters.is_empty() || alternate.is_some()).then(|| {
            quote! {
                #cfg
                impl #name {
                    #( #setters )*

                    #alternate
                }
            }
        });
        Ok(quote! {
            #[doc = #builder_doc]
            #[doc = ""]
            #( #[doc = #doc] )*
            #cfg
            pub type #name = super::RequestBuilder<#params_name>;

            #[doc = #params_doc]
            #cfg
            #[derive(Debug, Clone)]
            pub struct #params_name {
                #( pub(crate) #struct_fields )*
            }

            #[doc = #error_doc]
            #cfg
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum #error_name {
                #( #variants )*
            }

            #error_impls

            #setters_impl

            #paginated

            #cfg
            impl #rt::Endpoint for #params_name {
                type Output = #ok_ty;
                type Error = #error_name;

                #[inline]
                fn request(&self) -> #rt::Request {
                    #new_request
                        .describe(#op_id, #path_template)
                        #( #steps )*
                }

                #[inline]
                fn decode(
                    raw: #rt::RawResponse,
                ) -> ::std::result::Result<#rt::Response<#ok_ty>, #rt::Error<#error_name>> {
                    match raw.status_code() {
                        #( #arms )*
                    }
                }

                #streamed
            }
        })
    }

    fn error_variant(
        &self,
        r: &Response,
        error_name: &proc_macro2::Ident,
        scope: &mut Scope,
    ) -> ErrorVariant {
        let ctx = self.ctx();
        let rt = &self.runtime;
        let v = ident(&scope.claim(status_variant(r.status)));
        let description = r.description.trim().replace(['\r', '\n'], " ");
        let mut doc = format!(" `{}`", r.status);
        if !description.is_empty() {
            doc.push_str(": ");
            doc.push_str(&description);
        }
        let what = match (r.status, description.is_empty()) {
            (Status::Default, true) => "an undocumented status".to_owned(),
            (Status::Default, false) => description.clone(),
            (status, true) => status.to_string(),
            (status, false) => format!("{status}: {description}"),
        };
        let (variant, arm, pattern, message) = match Decode::of(&r.content) {
            Decode::Json(t) => {
                let ty = ctx.ty(&t);
                let types = &self.api.types;
                let message = match message::shared(types, rt, &t) {
                    // The body's type says it once (`message::error_bodies`).
                    Some(_) => Some(quote! {
                        #error_name::#v(b) => #rt::error::ServerMessage::server_message(b),
                    }),
                    None => message::message(types, rt, &t)
                        .map(|m| quote! { #error_name::#v(b) => #m, }),
                };
                (
                    quote! { #[doc = #doc] #v(#ty), },
                    quote! { raw.error_json(#error_name::#v) },
                    quote! { #error_name::#v(_) },
                    message,
                )
            }
            // An error body is read whole, a stream too.
            Decode::Text | Decode::Events(_) | Decode::Lines(_) => (
                quote! { #[doc = #doc] #v(::std::string::String), },
                quote! { raw.error_text(#error_name::#v) },
                quote! { #error_name::#v(_) },
                None,
            ),
            Decode::Binary => (
                quote! { #[doc = #doc] #v(::std::vec::Vec<u8>), },
                quote! { raw.error_bytes(#error_name::#v) },
                quote! { #error_name::#v(_) },
                None,
            ),
            Decode::Empty => (
                quote! { #[doc = #doc] #v, },
                quote! { raw.error_empty(#error_name::#v) },
                quote! { #error_name::#v },
                None,
            ),
        };
        ErrorVariant {
            variant,
            arm,
            message,
            what: quote! { #pattern => #what, },
        }
    }

    /// `ErrorBody`, `Display` and `std::error::Error` for an error enum.
    fn error_impls(
        &self,
        error_name: &proc_macro2::Ident,
        variants: &[ErrorVariant],
        cfg: &TokenStream,
    ) -> TokenStream {
        let rt = &self.runtime;
        let messages: Vec<&TokenStream> =
            variants.iter().filter_map(|v| v.message.as_ref()).collect();
        let message = if messages.is_empty() {
            quote! { ::std::option::Option::None }
        } else if messages.len() == variants.len() {
            quote! { match self { #( #messages )* } }
        } else {
            quote! { match self { #( #messages )* _ => ::std::option::Option::None, } }
        };
        let whats = variants.iter().map(|v| &v.what);
        let (f, display) = if variants.is_empty() {
            (quote! { _ }, quote! { match *self {} })
        } else {
            (
                quote! { f },
                quote! {
                    let what = match self { #( #whats )* };
                    #rt::error::fmt_body(f, what, #rt::ErrorBody::message(self))
                },
            )
        };
        quote! {
            #cfg
            impl #rt::ErrorBody for #error_name {
                fn message(&self) -> ::std::option::Option<::std::string::String> {
                    #message
                }
            }

            #cfg
            impl ::std::fmt::Display for #error_name {
                fn fmt(&self, #f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    #display
                }
            }

            #cfg
            impl ::std::error::Error for #error_name {}
        }
    }

    /// The one generic request builder of the API's operations (in
    /// `operations/mod.rs`): the per-call settings and sending, said once.
    pub(super) fn request_builder(&self) -> TokenStream {
        let rt = &self.runtime;
        quote! {
            /// A request builder: one operation's parameters (`P`) and this
            /// call's settings. Each operation's builder is one of these
            /// under its own name (`pub type CustomersList =
            /// RequestBuilder<CustomersListParams>`-style aliases); set optional
            /// parameters by name, then `.send().await` (or just `.await`) for
            /// the decoded body, or `.send_with_response().await` for it with the
            /// status and headers.
            #[derive(Debug, Clone)]
            #[must_use = "a request does nothing until it is sent with `.send().await` or `.await`"]
            pub struct RequestBuilder<P> {
                pub(crate) call: #rt::Call,
                pub(crate) params: P,
            }

            impl<P> RequestBuilder<P> {
                /// Time limit for each attempt of this call (overrides the client's).
                pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                    self.call.set_timeout(timeout);
                    self
                }

                /// Retry policy for this call (overrides the client's).
                pub fn retry(mut self, policy: #rt::RetryPolicy) -> Self {
                    self.call.set_retry(policy);
                    self
                }

                /// Time limit for the whole call: every attempt and every wait between them.
                pub fn deadline(mut self, deadline: ::std::time::Duration) -> Self {
                    self.call.set_deadline(deadline);
                    self
                }

                /// The longest response body this call accepts, in bytes
                /// (overrides the client's `max_response_size`, 64 MiB by default).
                pub fn max_response_size(mut self, bytes: usize) -> Self {
                    self.call.set_max_response_size(bytes);
                    self
                }

                /// Sends this header too (an `Idempotency-Key`, which also lets
                /// 502/503/504 and connection failures be retried); an invalid
                /// name or value fails the call with `Error::Request`.
                pub fn header(mut self, name: impl ::std::convert::Into<::std::string::String>, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.call.add_header(name, value);
                    self
                }
            }

            impl<P: #rt::Endpoint> RequestBuilder<P> {
                /// Sends the request and returns the decoded body.
                pub fn send(self) -> #rt::BodyFuture<Self> {
                    #rt::BodyFuture::new(self)
                }

                /// Sends the request and returns the decoded body with the status and headers.
                pub fn send_with_response(self) -> #rt::ResponseFuture<Self> {
                    #rt::ResponseFuture::new(self)
                }
            }

            impl<P> RequestBuilder<P>
            where
                Self: #rt::Paginated,
                <Self as #rt::Operation>::Output: ::std::marker::Send + 'static,
                <<Self as #rt::Operation>::Output as #rt::Page>::Item: ::std::marker::Send + 'static,
                <Self as #rt::Operation>::Error: ::std::marker::Send + 'static,
            {
                /// Every page from the current one on, fetched lazily, one request per page.
                pub fn pages(self) -> #rt::PageStream<Self> {
                    #rt::operation::pages(self)
                }

                /// Every item of every page from the current one on, fetched lazily.
                pub fn stream(self) -> #rt::ItemStream<Self> {
                    #rt::operation::items(self)
                }
            }

            impl<P: #rt::Endpoint> #rt::Operation for RequestBuilder<P> {
                type Output = P::Output;
                type Error = P::Error;
                const STREAMED: bool = P::STREAMED;

                fn call(&self) -> &#rt::Call {
                    &self.call
                }

                #[inline]
                fn request(&self) -> #rt::Request {
                    self.params.request()
                }

                #[inline]
                fn decode(
                    raw: #rt::RawResponse,
                ) -> ::std::result::Result<#rt::Response<P::Output>, #rt::Error<P::Error>> {
                    P::decode(raw)
                }

                #[inline]
                fn decode_live(
                    raw: #rt::RawResponse,
                    body: #rt::LiveBody,
                ) -> ::std::result::Result<#rt::Response<P::Output>, #rt::Error<P::Error>> {
                    P::decode_live(raw, body)
                }
            }

            impl<P: #rt::Endpoint> ::std::future::IntoFuture for RequestBuilder<P> {
                type Output = ::std::result::Result<P::Output, #rt::Error<P::Error>>;
                type IntoFuture = #rt::BodyFuture<Self>;

                fn into_future(self) -> Self::IntoFuture {
                    #rt::BodyFuture::new(self)
                }
            }
        }
    }

    /// For a paginated list, the `Paginated` impl (which parameter is the
    /// page; `pages()`/`stream()` are the generic builder's).
    fn pagination(
        &self,
        name: &proc_macro2::Ident,
        p: &PageInfo,
        fields: &[(String, &Param, bool)],
        cfg: &TokenStream,
    ) -> Option<TokenStream> {
        let rt = &self.runtime;
        let (fname, _, required) = fields
            .iter()
            .find(|(_, q, _)| q.rust_name == p.page_param)?;
        let n = ident(fname);
        let (get, set) = if *required {
            (
                quote! { ::std::option::Option::Some(self.#n) },
                quote! { self.#n = page; },
            )
        } else {
            (
                quote! { self.params.#n },
                quote! { self.params.#n = ::std::option::Option::Some(page); },
            )
        };
        let paginated = quote! {
            #cfg
            impl #rt::Paginated for #name {
                fn page(&self) -> ::std::option::Option<i64> {
                    #get
                }

                fn set_page(&mut self, page: i64) {
                    #set
                }
            }
        };
        Some(paginated)
    }

    /// `impl Page` for each paginated list response, gated on the groups of
    /// the operations returning it.
    pub(super) fn page_impls(&self) -> Vec<TokenStream> {
        let ctx = Ctx {
            types_path: quote! { super::types },
            ..self.ctx()
        };
        let rt = &self.runtime;
        let mut by_page: BTreeMap<TypeId, (&PageInfo, Vec<&Operation>)> = BTreeMap::new();
        for op in &self.api.operations {
            if let Some(p) = &op.pagination {
                by_page
                    .entry(p.page_type)
                    .or_insert((p, Vec::new()))
                    .1
                    .push(op);
            }
        }
        by_page
            .values()
            .map(|(p, ops)| {
                let cfg = self.features.cfg_ops(ops.iter().copied());
                let page_ty = ctx.ty(&TypeRef::Named(p.page_type));
                let item_ty = ctx.ty(&p.item);
                let items = ident(&p.items_field);
                let max: Vec<_> = p.max_page_path.iter().map(|f| ident(f)).collect();
                quote! {
                    #cfg
                    impl #rt::Page for #page_ty {
                        type Item = #item_ty;

                        fn into_items(self) -> ::std::vec::Vec<Self::Item> {
                            self.#items
                        }

                        fn item_count(&self) -> usize {
                            self.#items.len()
                        }

                        fn max_page(&self) -> ::std::option::Option<i64> {
                            ::std::option::Option::Some(self #( .#max )*)
                        }
                    }
                }
            })
            .collect()
    }
}
