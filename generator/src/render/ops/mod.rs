//! Rendering operations: the `Client`, one group struct per group, and per
//! operation a request builder (required parameters as arguments, optional
//! ones as setters) with its documented-error enum.
//!
//! Files: `client.rs` (servers, `Client`, top-level accessors) and
//! `operations/<top group>.rs`; `operations/mod.rs` also holds the `Page`
//! impls of paginated list responses. This module holds what the parts share
//! (names, groups, parameters, the success type); `client` the client and
//! group accessors, `builder` the request builders and error enums,
//! `page` each operation's documentation page and example, `samples`
//! the sample-call table.

mod builder;
mod client;

mod page;
mod samples;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{ident, import_once, Chain, Ctx};
use super::docs;
use super::features::Features;
use crate::error::{Error, Pointer, Result};
use crate::ir::*;
use crate::naming::{self, Scope};

/// Names the builder reserves for its own fields and methods.
const RESERVED: &[&str] = &[
    "call",
    "client",
    "decode",
    "options",
    "body",
    "send",
    "send_with_response",
    "timeout",
    "retry",
    "deadline",
    "max_response_size",
    "header",
    "pages",
    "stream",
    "request",
    "into_future",
    "new",
    "clone",
    "fmt",
];

fn status_variant(status: Status) -> String {
    let name = match status {
        Status::Code(400) => "BadRequest",
        Status::Code(401) => "Unauthorized",
        Status::Code(402) => "PaymentRequired",
        Status::Code(403) => "Forbidden",
        Status::Code(404) => "NotFound",
        Status::Code(405) => "MethodNotAllowed",
        Status::Code(406) => "NotAcceptable",
        Status::Code(408) => "RequestTimeout",
        Status::Code(409) => "Conflict",
        Status::Code(410) => "Gone",
        Status::Code(412) => "PreconditionFailed",
        Status::Code(413) => "PayloadTooLarge",
        Status::Code(415) => "UnsupportedMediaType",
        Status::Code(422) => "UnprocessableEntity",
        Status::Code(423) => "Locked",
        Status::Code(429) => "TooManyRequests",
        Status::Code(500) => "InternalServerError",
        Status::Code(501) => "NotImplemented",
        Status::Code(502) => "BadGateway",
        Status::Code(503) => "ServiceUnavailable",
        Status::Code(504) => "GatewayTimeout",
        Status::Range(4) => "ClientError",
        Status::Range(5) => "ServerError",
        Status::Default => "Default",
        other => return format!("Status{other}"),
    };
    name.to_owned()
}

/// The match pattern for a status key (`404`, `400..=499` for `4XX`).
fn status_pattern(status: Status) -> TokenStream {
    use proc_macro2::Literal;
    match status {
        Status::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote! { #code }
        }
        Status::Range(class) => {
            let lo = Literal::u16_unsuffixed(class * 100);
            let hi = Literal::u16_unsuffixed(class * 100 + 99);
            quote! { #lo..=#hi }
        }
        Status::Default => quote! { _ },
    }
}

/// Splits a path template into literal text and parameter names.
fn template(path: &str, at: &str) -> Result<Vec<(bool, String)>> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push((false, rest[..open].to_owned()));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(Error::invalid(
                &pointer(at),
                format!("unclosed `{{` in path {path:?}"),
            ));
        };
        out.push((true, rest[open + 1..open + close].to_owned()));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push((false, rest.to_owned()));
    }
    Ok(out)
}

fn pointer(origin: &str) -> Pointer {
    let mut p = Pointer::root();
    for t in Pointer::from_ref(origin)
        .iter()
        .flat_map(|p| p.tokens().collect::<Vec<_>>())
    {
        p = p.join(t);
    }
    p
}

/// The rendered parts of one group (its accessors) and its operations.
#[derive(Default)]
struct Group<'a> {
    children: BTreeSet<String>,
    /// Each operation with its builder's name.
    ops: Vec<(&'a Operation, &'a str)>,
}

pub struct OpsRender<'a> {
    pub api: &'a Api,
    pub options: &'a crate::Options,
    pub runtime: TokenStream,
    features: &'a Features,
    item_names: BTreeMap<Vec<String>, String>,
    op_names: Vec<String>,
}

/// The struct names of every group (by group path) and of every operation's
/// request builder (in operation order; its error enum adds `Error`, its
/// parameters struct `Params`, names no later item gets): groups
/// and operations share one scope per top-level file, claimed in document
/// order. The surface records them, so a renamed builder is a reported change.
pub fn item_names(api: &Api) -> (BTreeMap<Vec<String>, String>, Vec<String>) {
    let mut scopes: BTreeMap<String, Scope> = BTreeMap::new();
    let mut item_names = BTreeMap::new();
    let mut op_names = Vec::new();
    for op in &api.operations {
        let top = op.groups.first().cloned().unwrap_or_default();
        let scope = scopes.entry(top).or_default();
        for depth in 1..=op.groups.len() {
            let path: Vec<String> = op.groups.iter().take(depth).cloned().collect();
            item_names
                .entry(path.clone())
                .or_insert_with(|| scope.claim(camel(&path)));
        }
        let mut full = op.groups.clone();
        full.push(op.rust_name.trim_start_matches("r#").to_owned());
        let name = scope.claim(camel(&full));
        // Its error enum and parameters struct are named after it.
        scope.claim_exact(&format!("{name}Error"));
        scope.claim_exact(&format!("{name}Params"));
        op_names.push(name);
    }
    (item_names, op_names)
}

fn camel(parts: &[String]) -> String {
    naming::type_name(&parts.join("_"), "Operation")
}

impl<'a> OpsRender<'a> {
    pub fn new(
        api: &'a Api,
        options: &'a crate::Options,
        runtime: TokenStream,
        features: &'a Features,
    ) -> Self {
        let (item_names, op_names) = item_names(api);
        OpsRender {
            api,
            options,
            runtime,
            features,
            item_names,
            op_names,
        }
    }

    fn links(&self) -> docs::Links<'a> {
        docs::Links {
            base: self.options.docs_url.as_deref(),
        }
    }

    fn ctx(&self) -> Ctx<'a> {
        Ctx {
            api: self.api,
            module: "",
            runtime: self.runtime.clone(),
            // Each operations file imports the types module once.
            types_path: quote! { types },
            links: self.links(),
        }
    }

    /// The struct name of the group at `path` (every group path has one).
    fn item_name(&self, path: &[String]) -> String {
        self.item_names
            .get(path)
            .cloned()
            .unwrap_or_else(|| camel(path))
    }

    fn groups(&self) -> BTreeMap<Vec<String>, Group<'_>> {
        let mut groups: BTreeMap<Vec<String>, Group<'_>> = BTreeMap::new();
        groups.entry(vec![]).or_default();
        for (op, name) in self.api.operations.iter().zip(&self.op_names) {
            for (depth, group) in op.groups.iter().enumerate() {
                groups
                    .entry(op.groups.iter().take(depth).cloned().collect())
                    .or_default()
                    .children
                    .insert(group.clone());
            }
            let entry = groups.entry(op.groups.clone()).or_default();
            entry.ops.push((op, name.as_str()));
        }
        groups
    }

    /// Files: `client.rs`, `operations/mod.rs`, `operations/<group>.rs`.
    pub fn files(&self) -> Result<Vec<(String, TokenStream)>> {
        let groups = self.groups();
        let mut files = Vec::new();
        let mut tops: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
        let mut file_cfgs = BTreeMap::new();
        let mut gated_within = BTreeSet::new();
        for (path, group) in &groups {
            let file = path.first().cloned().unwrap_or_else(|| "root".to_owned());
            // The file's own gate, and the gate of items needing a narrower one.
            let file_cfg = self.features.cfg_group(path.get(..1).unwrap_or_default());
            let narrower = |cfg: TokenStream| {
                if cfg.to_string() == file_cfg.to_string() {
                    TokenStream::new()
                } else {
                    cfg
                }
            };
            let mut items = Vec::new();
            let group_cfg = narrower(self.features.cfg_group(path));
            let ops_cfg = narrower(self.features.cfg_ops_of(path));
            if !path.is_empty() {
                items.push(self.group_struct(path, group, &group_cfg));
            }
            if !(group_cfg.is_empty() && ops_cfg.is_empty()) {
                gated_within.insert(file.clone());
            }
            for &(op, name) in &group.ops {
                items.push(self.operation(op, name, &ops_cfg)?);
            }
            if path.is_empty() && group.ops.is_empty() {
                continue;
            }
            file_cfgs.insert(file.clone(), file_cfg.clone());
            tops.entry(file).or_default().extend(items);
        }
        let mut mods = Vec::new();
        for (file, items) in tops {
            let path = format!("operations/{}.rs", naming::file_stem(&file));
            let doc = if file == "root" {
                " Operations outside any group.".to_owned()
            } else {
                format!(" Operations under `client.{}()`.", naming::file_stem(&file))
            };
            let items: TokenStream = items.into_iter().collect();
            // The types module, imported once for the paths that name it.
            let gated = gated_within.contains(&file);
            let import = import_once(&items, quote! { super::super::types }, "types", gated);
            let tokens = quote! { #![doc = #doc] #import }.chain(items);
            files.push((path, tokens));
            let m = ident(&file);
            let cfg = file_cfgs.get(&file);
            mods.push(quote! { #cfg pub mod #m; });
        }
        let pages = self.page_impls();
        let request_builder = self.request_builder();
        let ops_mod = quote! {
            //! Request builders and error types of every operation, by group.
            #( #mods )*
            #request_builder
            #( #pages )*
        };
        files.push(("operations/mod.rs".into(), ops_mod));
        let root = groups.get(&Vec::new());
        files.push(("client.rs".into(), self.client(root)?));
        Ok(files)
    }

    fn builder_fields(&self, op: &'a Operation) -> Vec<(String, &'a Param, bool)> {
        let mut scope = Scope::with_reserved(RESERVED);
        op.params
            .iter()
            .filter(|p| p.location != ParamLocation::Cookie)
            .map(|p| {
                let name = scope.claim(p.rust_name.clone());
                let required = p.required || p.location == ParamLocation::Path;
                (name, p, required)
            })
            .collect()
    }

    /// The builder method asking for the streamed form a 2xx response offers
    /// beside the decoded one (`events`, `lines`; `send_events` where a
    /// parameter has the name), with that form.
    fn alternate(&self, op: &'a Operation) -> Option<(String, Alternate)> {
        let alt = op.success().alternate?;
        let word = if matches!(alt.output, Output::Lines(_)) {
            "lines"
        } else {
            "events"
        };
        let taken = self.builder_fields(op).iter().any(|(n, _, _)| n == word);
        let method = if taken {
            format!("send_{word}")
        } else {
            word.to_owned()
        };
        Some((method, alt))
    }

    /// The success type, how each 2xx status decodes into it from a body
    /// read whole, and from a live body for the statuses that stream
    /// (decided by [`Operation::success`]; `Option<T>` when some 2xx
    /// statuses have a body and others none).
    fn success(&self, op: &Operation) -> SuccessTokens {
        let ctx = self.ctx();
        let rt = &self.runtime;
        let success = op.success();
        let ty = match &success.output {
            Output::Unit => quote! { () },
            Output::Bytes => quote! { ::std::vec::Vec<u8> },
            Output::OptionalBytes => quote! { ::std::option::Option<::std::vec::Vec<u8>> },
            Output::Text => quote! { ::std::string::String },
            Output::Json(t) => ctx.ty(t),
            Output::OptionalJson(t) => {
                let t = ctx.ty(t);
                quote! { ::std::option::Option<#t> }
            }
            Output::Value => quote! { ::serde_json::Value },
            Output::Events(t) => {
                let t = ctx.ty(t);
                quote! { #rt::stream::Events<#t> }
            }
            Output::RawEvents => quote! { #rt::stream::RawEvents },
            Output::Lines(t) => {
                let t = ctx.ty(t);
                quote! { #rt::stream::JsonLines<#t> }
            }
        };
        let arms = success
            .arms
            .iter()
            .map(|(status, arm)| {
                let arm = match arm {
                    Arm::Empty => quote! { raw.empty() },
                    Arm::EmptyNone => {
                        quote! { raw.empty().map(|r| r.map(|()| ::std::option::Option::None)) }
                    }
                    Arm::Bytes => quote! { raw.bytes() },
                    Arm::BytesSome => {
                        quote! { raw.bytes().map(|r| r.map(::std::option::Option::Some)) }
                    }
                    Arm::Text => quote! { raw.text() },
                    Arm::TextValue => {
                        quote! { raw.text().map(|r| r.map(::serde_json::Value::String)) }
                    }
                    Arm::Json => quote! { raw.json() },
                    Arm::JsonSome => {
                        quote! { raw.json().map(|r| r.map(::std::option::Option::Some)) }
                    }
                    // A body read whole (a mock's, a test's): see `decode_live`.
                    Arm::Events => quote! { raw.events(::std::option::Option::None) },
                    Arm::RawEvents => quote! { raw.raw_events(::std::option::Option::None) },
                    Arm::Lines => quote! { raw.json_lines(::std::option::Option::None) },
                };
                (*status, arm)
            })
            .collect();
        let live = success
            .arms
            .iter()
            .filter_map(|(status, arm)| {
                let body = quote! { ::std::option::Option::Some(body) };
                let call = match arm {
                    Arm::Events => quote! { raw.events(#body) },
                    Arm::RawEvents => quote! { raw.raw_events(#body) },
                    Arm::Lines => quote! { raw.json_lines(#body) },
                    _ => return None,
                };
                Some((*status, call))
            })
            .collect();
        SuccessTokens { ty, arms, live }
    }
}

/// An operation's success as tokens (see [`OpsRender::success`]).
struct SuccessTokens {
    /// The output type.
    ty: TokenStream,
    /// Each 2xx status's decoding of a body read whole.
    arms: BTreeMap<Status, TokenStream>,
    /// Each streamed 2xx status's decoding of a live body (empty when the
    /// operation does not stream).
    live: BTreeMap<Status, TokenStream>,
}

/// An intra-doc link to `name` in `module` (bare when it is this module).
fn item_link(module: &str, name: &str) -> String {
    if module == "self" {
        format!("[`{name}`]")
    } else {
        format!("[`{name}`]({module}::{name})")
    }
}

fn prim_word(p: Prim) -> &'static str {
    p.short_name()
}

fn location_word(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// The Rust type of a request body: bytes for a binary media type, else its schema's type.
fn body_type(ctx: &Ctx<'_>, b: &Body) -> TokenStream {
    match b.chosen() {
        Some((m, t)) if Media::of(m, t) == Media::Binary => quote! { ::std::vec::Vec<u8> },
        Some((_, t)) => ctx.ty(t),
        None => ctx.ty(&TypeRef::Any),
    }
}
