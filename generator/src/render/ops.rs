//! Rendering operations: the `Client`, one group struct per group, and per
//! operation a request builder (required parameters as arguments, optional
//! ones as setters), its documented-error enum, and `send`/`IntoFuture`.
//!
//! Files: `client.rs` (servers, `Client`, top-level accessors) and
//! `operations/<top group>.rs`; `operations/mod.rs` also holds the `Page`
//! impls of paginated list responses.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::types::{ident, Ctx};
use crate::error::{Error, Pointer, Result};
use crate::ir::*;
use crate::naming::{self, Scope};

/// Names the builder reserves for its own fields and methods.
const RESERVED: &[&str] = &[
    "client",
    "options",
    "body",
    "send",
    "send_with_response",
    "timeout",
    "retry",
    "pages",
    "stream",
    "request",
    "into_future",
    "new",
    "clone",
    "fmt",
];

/// What a status maps to in the generated code.
enum Decode {
    Json(TypeRef),
    Text,
    Empty,
}

fn decode_of(content: &[(String, TypeRef)]) -> Decode {
    if let Some((_, t)) = content.iter().find(|(m, _)| m.contains("json")) {
        return Decode::Json(t.clone());
    }
    match content.first() {
        None => Decode::Empty,
        Some(_) => Decode::Text,
    }
}

fn status_variant(status: &str) -> String {
    let name = match status {
        "400" => "BadRequest",
        "401" => "Unauthorized",
        "402" => "PaymentRequired",
        "403" => "Forbidden",
        "404" => "NotFound",
        "405" => "MethodNotAllowed",
        "406" => "NotAcceptable",
        "408" => "RequestTimeout",
        "409" => "Conflict",
        "410" => "Gone",
        "412" => "PreconditionFailed",
        "413" => "PayloadTooLarge",
        "415" => "UnsupportedMediaType",
        "422" => "UnprocessableEntity",
        "423" => "Locked",
        "429" => "TooManyRequests",
        "500" => "InternalServerError",
        "501" => "NotImplemented",
        "502" => "BadGateway",
        "503" => "ServiceUnavailable",
        "504" => "GatewayTimeout",
        "4XX" | "4xx" => "ClientError",
        "5XX" | "5xx" => "ServerError",
        "default" => "Default",
        other => return format!("Status{other}"),
    };
    name.to_owned()
}

/// The match pattern for a status key (`404`, `4XX`).
fn status_pattern(status: &str) -> Option<TokenStream> {
    use proc_macro2::Literal;
    if let Ok(code) = status.parse::<u16>() {
        let code = Literal::u16_unsuffixed(code);
        return Some(quote! { #code });
    }
    let first = status.chars().next()?.to_digit(10)? as u16;
    if status.len() == 3 && status[1..].eq_ignore_ascii_case("xx") {
        let lo = Literal::u16_unsuffixed(first * 100);
        let hi = Literal::u16_unsuffixed(first * 100 + 99);
        return Some(quote! { #lo..=#hi });
    }
    None
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
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
struct Group {
    children: BTreeSet<String>,
    ops: Vec<usize>,
}

pub struct OpsRender<'a> {
    pub api: &'a Api,
    pub options: &'a crate::Options,
    pub runtime: TokenStream,
    item_names: BTreeMap<Vec<String>, String>,
    op_names: Vec<String>,
}

fn camel(parts: &[String]) -> String {
    naming::type_name(&parts.join("_"), "Operation")
}

impl<'a> OpsRender<'a> {
    pub fn new(api: &'a Api, options: &'a crate::Options, runtime: TokenStream) -> Self {
        // Struct names: groups and operations share one scope per top-level file.
        let mut scopes: BTreeMap<String, Scope> = BTreeMap::new();
        let mut item_names = BTreeMap::new();
        let mut op_names = Vec::new();
        for op in &api.operations {
            let top = op.groups.first().cloned().unwrap_or_default();
            let scope = scopes.entry(top).or_default();
            for depth in 1..=op.groups.len() {
                let path = op.groups[..depth].to_vec();
                item_names
                    .entry(path.clone())
                    .or_insert_with(|| scope.claim(camel(&path)));
            }
            let mut full = op.groups.clone();
            full.push(op.rust_name.trim_start_matches("r#").to_owned());
            op_names.push(scope.claim(camel(&full)));
        }
        OpsRender {
            api,
            options,
            runtime,
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
            types_path: quote! { super::super::types },
            links: self.links(),
        }
    }

    fn groups(&self) -> BTreeMap<Vec<String>, Group> {
        let mut groups: BTreeMap<Vec<String>, Group> = BTreeMap::new();
        groups.entry(vec![]).or_default();
        for (i, op) in self.api.operations.iter().enumerate() {
            for depth in 0..op.groups.len() {
                groups
                    .entry(op.groups[..depth].to_vec())
                    .or_default()
                    .children
                    .insert(op.groups[depth].clone());
            }
            groups.entry(op.groups.clone()).or_default().ops.push(i);
        }
        groups
    }

    /// Files: `client.rs`, `operations/mod.rs`, `operations/<group>.rs`.
    pub fn files(&self, header: &str) -> Result<BTreeMap<String, String>> {
        let groups = self.groups();
        let mut files = BTreeMap::new();
        let mut tops: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
        for (path, group) in &groups {
            let file = path.first().cloned().unwrap_or_else(|| "root".to_owned());
            let mut items = Vec::new();
            if !path.is_empty() {
                items.push(self.group_struct(path, group));
            }
            for &i in &group.ops {
                items.push(self.operation(i)?);
            }
            if path.is_empty() && group.ops.is_empty() {
                continue;
            }
            tops.entry(file).or_default().extend(items);
        }
        let mut mods = Vec::new();
        for (file, items) in &tops {
            let path = format!("operations/{}.rs", naming::file_stem(file));
            let doc = if file == "root" {
                " Operations outside any group.".to_owned()
            } else {
                format!(" Operations under `client.{}()`.", naming::file_stem(file))
            };
            let tokens = quote! {
                #![doc = #doc]
                #( #items )*
            };
            files.insert(path.clone(), super::format_file(&path, header, tokens)?);
            let m = ident(file);
            mods.push(quote! { pub mod #m; });
        }
        let pages = self.page_impls();
        let ops_mod = quote! {
            //! Request builders and error types of every operation, by group.
            #( #mods )*
            #( #pages )*
        };
        files.insert(
            "operations/mod.rs".into(),
            super::format_file("operations/mod.rs", header, ops_mod)?,
        );
        let root = groups.get(&Vec::new());
        files.insert(
            "client.rs".into(),
            super::format_file("client.rs", header, self.client(root)?)?,
        );
        Ok(files)
    }

    /// `samples.rs`: every operation with a call using sample arguments.
    pub fn samples_file(&self, header: &str) -> Result<String> {
        let rt = &self.runtime;
        let ctx = Ctx {
            types_path: quote! { super::types },
            ..self.ctx()
        };
        let entries = self.api.operations.iter().map(|op| {
            // Required arguments: (variable, Rust type, label, sample JSON).
            let mut required = Vec::new();
            for (name, p, is_required) in self.builder_fields(op) {
                if is_required {
                    required.push((ident(&name), ctx.ty(&p.ty), p.wire_name.clone(), &p.sample));
                }
            }
            if let Some(b) = op.body.as_ref().filter(|b| b.required) {
                required.push((ident("body"), body_type(&ctx, b), "body".to_owned(), &b.sample));
            }
            let lets = required.iter().map(|(n, ty, label, sample)| {
                let json = serde_json::to_string(sample).unwrap_or_default();
                quote! { let #n = #rt::samples::arg::<#ty>(#label, #json)?; }
            });
            let args = required.iter().map(|(n, ..)| n);
            let groups = op.groups.iter().map(|g| ident(g));
            let method = ident(&op.rust_name);
            let (id, verb, path) = (&op.id, &op.method, &op.path);
            quote! {
                #rt::samples::SampleOperation {
                    id: #id,
                    method: #verb,
                    path: #path,
                    call: |client: super::Client| -> #rt::samples::SampleFuture {
                        let request = || -> ::std::result::Result<_, ::std::string::String> {
                            #( #lets )*
                            #[allow(deprecated)]
                            let request = client #( .#groups() )* .#method( #( #args ),* );
                            ::std::result::Result::Ok(request)
                        };
                        ::std::boxed::Box::pin(#rt::samples::run(request(), |r| r.send_with_response()))
                    },
                },
            }
        });
        let tokens = quote! {
            //! Every operation with a call using sample arguments built from the spec
            //! (examples, defaults, enums, formats, bounds): for contract tests
            //! against a mock server.

            /// Every operation of the API, in spec order.
            pub fn operations() -> ::std::vec::Vec<#rt::samples::SampleOperation<super::Client>> {
                ::std::vec::Vec::from([ #( #entries )* ])
            }
        };
        super::format_file("samples.rs", header, tokens)
    }

    fn group_struct(&self, path: &[String], group: &Group) -> TokenStream {
        let name = ident(&self.item_names[path]);
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
            #[derive(Debug, Clone)]
            pub struct #name {
                client: #rt::Client,
            }

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
            let ty = ident(&self.item_names[&child_path]);
            let doc = format!(" Operations under `{}`.", naming::file_stem(child));
            let module = if path.is_empty() {
                quote! { super::operations }
            } else {
                quote! { super }
            };
            out.push(quote! {
                #[doc = #doc]
                pub fn #method(&self) -> #module::#file::#ty {
                    #module::#file::#ty::new(#client.clone())
                }
            });
        }
        for &i in &group.ops {
            let op: &'a Operation = &self.api.operations[i];
            let module = if path.is_empty() {
                let file = ident(&file_of(path));
                quote! { super::operations::#file }
            } else {
                quote! { self }
            };
            out.push(self.op_method(i, op, &module, &client, path.is_empty()));
        }
        out
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

    /// The short docs of a request builder: summary, method and path, where it comes from.
    fn op_summary(&self, op: &Operation) -> Vec<String> {
        let mut lines = match op.docs.title.as_deref() {
            Some(t) => docs::prefix(docs::clean_markdown(t, self.links())),
            None => vec![format!(" `{}`", op.id)],
        };
        let accessor = match op.groups.last() {
            Some(_) => format!(
                "{}::{}",
                self.item_names[&op.groups],
                naming::file_stem(&op.rust_name)
            ),
            None => format!("Client::{}", naming::file_stem(&op.rust_name)),
        };
        let accessor_link = if op.groups.is_empty() {
            format!("super::super::{accessor}")
        } else {
            accessor.clone()
        };
        lines.push(String::new());
        lines.push(format!(
            " `{} {}` (operation `{}`), made by [`{accessor}`]({accessor_link}); see there for parameters, errors and an example.",
            op.method, op.path, op.id
        ));
        lines
    }

    /// The full docs of an operation, on the method users call: what it does,
    /// the request, parameters, result, errors, auth, pagination and an example.
    fn op_page(&self, i: usize, op: &Operation, at_root: bool) -> Vec<String> {
        let links = self.links();
        let types = if at_root {
            "super::types"
        } else {
            "super::super::types"
        };
        let module = if at_root {
            format!("super::operations::{}", "root")
        } else {
            "self".to_owned()
        };
        let builder = &self.op_names[i];
        let error = format!("{builder}Error");
        let type_link = |t: &TypeRef| -> String {
            match t {
                TypeRef::Named(id) => {
                    let n = &self.api.ty(*id).name;
                    format!("[`{n}`]({types}::{n})")
                }
                TypeRef::Array(inner) => match &**inner {
                    TypeRef::Named(id) => {
                        let n = &self.api.ty(*id).name;
                        format!("list of [`{n}`]({types}::{n})")
                    }
                    _ => "list".to_owned(),
                },
                TypeRef::Prim(p) => format!("`{}`", prim_word(*p)),
                TypeRef::Any => "any JSON (`serde_json::Value`)".to_owned(),
                _ => "a value".to_owned(),
            }
        };
        let mut out: Vec<String> = Vec::new();
        let section = |title: &str, body: Vec<String>, out: &mut Vec<String>| {
            if body.is_empty() {
                return;
            }
            if !out.is_empty() {
                out.push(String::new());
            }
            if !title.is_empty() {
                out.push(format!("# {title}"));
                out.push(String::new());
            }
            out.extend(body);
        };
        let mut head = Vec::new();
        if let Some(t) = &op.docs.title {
            head.extend(docs::clean_markdown(t, links));
        }
        if let Some(d) = &op.docs.description {
            if !head.is_empty() {
                head.push(String::new());
            }
            head.extend(docs::clean_markdown(d, links));
        }
        if head.is_empty() {
            head.push(format!("The `{}` operation.", op.id));
        }
        head.push(String::new());
        head.push(format!(
            "`{} {}` (operation `{}`)",
            op.method, op.path, op.id
        ));
        section("", head, &mut out);

        // Parameters.
        let fields = self.builder_fields(op);
        let mut params = Vec::new();
        let mut optional = Vec::new();
        for (name, p, required) in &fields {
            let what = p
                .docs
                .description
                .as_deref()
                .or(p.docs.title.as_deref())
                .unwrap_or("");
            let what = docs::clean_markdown(what, links).join(" ");
            let wire = if naming::file_stem(name) == p.wire_name {
                String::new()
            } else {
                format!(" `{}`", p.wire_name)
            };
            let mut line = format!(
                "- `{}`: {}, {}{wire}{}",
                naming::file_stem(name),
                type_link(&p.ty),
                location_word(p.location),
                if *required { ", required" } else { "" }
            );
            if !what.is_empty() {
                line.push_str(". ");
                line.push_str(&what);
            }
            if let Some(d) = p.docs.notes.iter().find(|n| n.starts_with("default")) {
                line.push_str(&format!(" ({d})"));
            }
            if *required {
                params.push(line);
            } else {
                optional.push(line);
            }
        }
        if let Some(b) = &op.body {
            let media: Vec<String> = b.content.iter().map(|(m, _)| format!("`{m}`")).collect();
            let ty = b.chosen().map(|(_, t)| t);
            let line = format!(
                "- `body`: {}, sent as {}{}",
                ty.map(&type_link).unwrap_or_default(),
                if b.content.iter().any(|(m, _)| m.contains("json")) || b.content.is_empty() {
                    "`application/json`".to_owned()
                } else {
                    media.first().cloned().unwrap_or_default()
                },
                if b.required { ", required" } else { "" }
            );
            if b.required {
                params.push(line);
            } else {
                optional.push(line);
            }
        }
        if !optional.is_empty() {
            params.push(String::new());
            params.push(format!(
                "Optional, set by name on the returned {}:",
                item_link(&module, builder)
            ));
            params.push(String::new());
            params.extend(optional);
        }
        section("Parameters", params, &mut out);

        // Result.
        let mut result = Vec::new();
        for r in op.responses.iter().filter(|r| is_success(&r.status)) {
            let ty = match decode_of(&r.content) {
                Decode::Json(t) => type_link(&t),
                Decode::Text => "text (`String`)".to_owned(),
                Decode::Empty => "no body".to_owned(),
            };
            let d = docs::clean_markdown(&r.description, links).join(" ");
            result.push(format!("- `{}`: {ty}. {d}", r.status).trim_end().to_owned());
        }
        result.push(String::new());
        result.push("`.await` (or `.send()`) gives the body; `.send_with_response()` also the status and headers.".to_owned());
        section("Returns", result, &mut out);

        // Errors.
        let mut errors = vec![format!(
            "Documented error responses come back as `Error::Api` holding a {}:",
            item_link(&module, &error)
        )];
        errors.push(String::new());
        let mut any = false;
        let mut scope = crate::naming::Scope::default();
        for r in op.responses.iter().filter(|r| !is_success(&r.status)) {
            let variant = scope.claim(status_variant(&r.status));
            let d = docs::clean_markdown(&r.description, links).join(" ");
            errors.push(
                format!("- `{}` `{variant}`: {d}", r.status)
                    .trim_end()
                    .to_owned(),
            );
            any = true;
        }
        if !any {
            errors = vec!["The spec documents no error responses for this operation.".to_owned()];
        }
        errors.push(String::new());
        errors.push(
            "Other statuses give `Error::UnexpectedStatus` (status, headers and raw body), bodies that do not decode `Error::Decode`, \
             and network problems `Error::Transport` or `Error::Timeout`. 429, 502, 503 and 504 are retried first (honouring `Retry-After`) \
             when the method is idempotent."
                .to_owned(),
        );
        section("Errors", errors, &mut out);

        // Authorization.
        let auth: Vec<String> = op
            .security
            .iter()
            .map(|name| {
                let how = match self
                    .api
                    .security_schemes
                    .iter()
                    .find(|s| &s.name == name)
                    .map(|s| &s.kind)
                {
                    Some(SecurityKind::Basic) => {
                        "HTTP Basic: `Client::builder(..).basic_auth(user, password)`".to_owned()
                    }
                    Some(SecurityKind::ApiKey { location, name }) => {
                        format!("an API key in {location} `{name}`")
                    }
                    Some(SecurityKind::Bearer | SecurityKind::OAuth) | None => {
                        "a bearer token: `Client::builder(..).bearer_auth(token)`".to_owned()
                    }
                };
                format!("- `{name}`: {how}")
            })
            .collect();
        let auth = if auth.is_empty() {
            vec!["None required.".to_owned()]
        } else {
            let mut v = vec!["Any one of:".to_owned(), String::new()];
            v.extend(auth);
            v
        };
        section("Authorization", auth, &mut out);

        if let Some(p) = &op.pagination {
            let item = type_link(&p.item);
            section(
                "Pagination",
                vec![format!(
                    "Paginated by `{}`: on the returned builder, `.stream()` yields every {item} across pages and `.pages()` every page with its metadata, fetching one page per request, lazily.",
                    self.api.operations[i].params.iter().find(|q| q.rust_name == p.page_param).map_or("page", |q| q.wire_name.as_str())
                )],
                &mut out,
            );
        }

        if let Some(example) = self.example(op) {
            section("Example", example, &mut out);
        }
        docs::prefix(out)
    }

    /// A usage example; compiled (`no_run`) for the groups in `compiled_examples`.
    fn example(&self, op: &Operation) -> Option<Vec<String>> {
        let path = self.options.doc_path.as_deref()?;
        let writer = super::examples::Writer {
            api: self.api,
            types: "types",
        };
        let mut lets = Vec::new();
        let mut args = Vec::new();
        for (name, p, required) in self.builder_fields(op) {
            if !required {
                continue;
            }
            let stem = naming::file_stem(&name).to_owned();
            match (&p.ty, &p.sample) {
                (TypeRef::Prim(Prim::String), serde_json::Value::String(s)) => {
                    lets.push(format!("let {stem} = {s:?};"))
                }
                (ty @ TypeRef::Named(_), v) => {
                    lets.push(format!("let {stem} = {};", writer.expr(ty, v, 0)))
                }
                (ty, v) => lets.push(format!(
                    "let {stem}: {} = {};",
                    writer.type_text(ty),
                    writer.expr(ty, v, 0)
                )),
            }
            args.push(stem);
        }
        if let Some(b) = op.body.as_ref().filter(|b| b.required) {
            if let Some((_, ty)) = b.chosen() {
                let expr = writer.expr(ty, &b.sample, 0);
                match ty {
                    TypeRef::Named(_) => lets.push(format!("let body = {expr};")),
                    _ => lets.push(format!("let body: {} = {expr};", writer.type_text(ty))),
                }
                args.push("body".to_owned());
            }
        }
        let chain: String = op
            .groups
            .iter()
            .map(|g| format!(".{}()", naming::file_stem(g)))
            .collect();
        let (ok, _) = self.success(op);
        let call = format!(
            "client{chain}.{}({})",
            naming::file_stem(&op.rust_name),
            args.join(", ")
        );
        let compiled = {
            let group = op
                .groups
                .iter()
                .map(|g| naming::file_stem(g))
                .collect::<Vec<_>>()
                .join(".");
            self.options.compiled_examples.contains(&group)
        };
        let body = lets.join("\n");
        let uses_patch = body.contains("Patch::");
        let mut lines = vec![if compiled { "```no_run" } else { "```ignore" }.to_owned()];
        lines.push(format!("# use {path}::{{types, Client}};"));
        if uses_patch {
            lines.push("# use openapi_runtime::Patch;".to_owned());
        }
        lines.push(
            "# async fn example(client: Client) -> Result<(), Box<dyn std::error::Error>> {"
                .to_owned(),
        );
        lines.extend(lets);
        let binding = if ok.to_string() == "()" {
            ""
        } else {
            "let response = "
        };
        if op.docs.deprecated {
            lines.push("#[allow(deprecated)]".to_owned());
        }
        lines.push(format!("{binding}{call}.await?;"));
        if !binding.is_empty() {
            lines.push("# let _ = response;".to_owned());
        }
        if op.pagination.is_some() {
            lines.insert(1, "# use futures_util::TryStreamExt;".to_owned());
            lines.push("// Or every item of every page, fetched lazily:".to_owned());
            lines.push(format!(
                "let all: Vec<_> = {call}.stream().try_collect().await?;"
            ));
            lines.push("# let _ = all;".to_owned());
        }
        lines.push("# Ok(())".to_owned());
        lines.push("# }".to_owned());
        lines.push("```".to_owned());
        Some(lines)
    }

    fn op_method(
        &self,
        i: usize,
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
        let builder = ident(&self.op_names[i]);
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
        let doc = self.op_page(i, op, at_root);
        let dep = deprecation(&op.docs);
        quote! {
            #( #[doc = #doc] )*
            #dep
            pub fn #method(&self, #( #args ),* ) -> #module::#builder {
                #module::#builder {
                    client: #client.clone(),
                    options: ::std::default::Default::default(),
                    #( #inits, )*
                }
            }
        }
    }

    /// The success type, and how each 2xx status decodes into it. When some
    /// 2xx statuses have a body and others none (`200` with a receipt, `202`
    /// while it is being made), the type is `Option<T>`: `None` for the bodiless ones.
    fn success(&self, op: &Operation) -> (TokenStream, BTreeMap<String, TokenStream>) {
        let ctx = self.ctx();
        let oks: Vec<(&Response, Decode)> = op
            .responses
            .iter()
            .filter(|r| is_success(&r.status))
            .map(|r| (r, decode_of(&r.content)))
            .collect();
        let json_types: BTreeSet<&TypeRef> = oks
            .iter()
            .filter_map(|(_, d)| match d {
                Decode::Json(t) => Some(t),
                _ => None,
            })
            .collect();
        let any_empty = oks.iter().any(|(_, d)| matches!(d, Decode::Empty));
        let any_text = oks.iter().any(|(_, d)| matches!(d, Decode::Text));
        let mut arms = BTreeMap::new();
        let ty = match (json_types.len(), any_text, any_empty) {
            (0, false, _) => {
                for (r, _) in &oks {
                    arms.insert(r.status.clone(), quote! { raw.empty() });
                }
                quote! { () }
            }
            (0, true, false) => {
                for (r, _) in &oks {
                    arms.insert(r.status.clone(), quote! { raw.text() });
                }
                quote! { ::std::string::String }
            }
            (1, false, false) => {
                for (r, _) in &oks {
                    arms.insert(r.status.clone(), quote! { raw.json() });
                }
                json_types
                    .iter()
                    .next()
                    .map(|t| ctx.ty(t))
                    .unwrap_or_else(|| quote! { () })
            }
            (1, false, true) => {
                for (r, d) in &oks {
                    let arm = match d {
                        Decode::Empty => {
                            quote! { raw.empty().map(|r| r.map(|()| ::std::option::Option::None)) }
                        }
                        _ => quote! { raw.json().map(|r| r.map(::std::option::Option::Some)) },
                    };
                    arms.insert(r.status.clone(), arm);
                }
                let t = json_types
                    .iter()
                    .next()
                    .map(|t| ctx.ty(t))
                    .unwrap_or_else(|| quote! { () });
                quote! { ::std::option::Option<#t> }
            }
            // Differently shaped successes: keep the JSON as it came.
            _ => {
                for (r, d) in &oks {
                    let arm = match d {
                        Decode::Json(_) => quote! { raw.json() },
                        _ => quote! { raw.text().map(|r| r.map(::serde_json::Value::String)) },
                    };
                    arms.insert(r.status.clone(), arm);
                }
                quote! { ::serde_json::Value }
            }
        };
        (ty, arms)
    }

    fn operation(&self, i: usize) -> Result<TokenStream> {
        let op: &'a Operation = &self.api.operations[i];
        let ctx = self.ctx();
        let rt = &self.runtime;
        let name = ident(&self.op_names[i]);
        let error_name = ident(&format!("{}Error", self.op_names[i]));
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
                        self.#n = ::std::option::Option::Some(value.into());
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
                        self.body = ::std::option::Option::Some(value.into());
                        self
                    }
                });
            }
        }

        // The request.
        let method = ident(&op.method);
        let mut steps = Vec::new();
        for (is_param, text) in template(&op.path, &op.origin)? {
            if !is_param {
                steps.push(quote! { .path(#text) });
                continue;
            }
            let Some((fname, _, _)) = fields
                .iter()
                .find(|(_, p, _)| p.location == ParamLocation::Path && p.wire_name == text)
            else {
                return Err(Error::invalid(
                    &pointer(&op.origin),
                    format!("path parameter {{{text}}} of {:?} is not declared", op.path),
                ));
            };
            let n = ident(fname);
            steps.push(quote! { .path_param(#text, &self.#n) });
        }
        for (fname, p, _) in &fields {
            let n = ident(fname);
            let wire = &p.wire_name;
            match p.location {
                ParamLocation::Query => {
                    let style = match p.style.as_str() {
                        "spaceDelimited" => quote! { SpaceDelimited },
                        "pipeDelimited" => quote! { PipeDelimited },
                        "deepObject" => quote! { DeepObject },
                        _ => quote! { Form },
                    };
                    let explode = p.explode;
                    steps.push(
                        quote! { .query(#wire, &self.#n, #rt::QueryStyle::#style, #explode) },
                    );
                }
                ParamLocation::Header => steps.push(quote! { .header(#wire, &self.#n) }),
                ParamLocation::Path | ParamLocation::Cookie => {}
            }
        }
        if let Some(b) = &op.body {
            let form = !b.content.iter().any(|(m, _)| m.contains("json"))
                && b.content
                    .iter()
                    .any(|(m, _)| m == "application/x-www-form-urlencoded");
            steps.push(if form {
                quote! { .form(&self.body) }
            } else {
                quote! { .json(&self.body) }
            });
        }

        // Responses.
        let (ok_ty, ok_arms) = self.success(op);
        let mut arms = Vec::new();
        let mut variants = Vec::new();
        let mut has_default = false;
        let mut variant_scope = Scope::default();
        let mut ordered: Vec<&Response> = op
            .responses
            .iter()
            .filter(|r| r.status.parse::<u16>().is_ok())
            .collect();
        ordered.extend(
            op.responses
                .iter()
                .filter(|r| r.status.parse::<u16>().is_err() && r.status != "default"),
        );
        for r in ordered {
            let Some(pattern) = status_pattern(&r.status) else {
                continue;
            };
            if let Some(call) = ok_arms.get(&r.status) {
                arms.push(quote! { #pattern => #call, });
                continue;
            }
            let (variant, arm) = self.error_variant(r, &error_name, &mut variant_scope);
            variants.push(variant);
            arms.push(quote! { #pattern => #arm, });
        }
        if let Some(r) = op.responses.iter().find(|r| r.status == "default") {
            let (variant, arm) = self.error_variant(r, &error_name, &mut variant_scope);
            variants.push(variant);
            arms.push(quote! { _ => #arm, });
            has_default = true;
        }
        if !has_default {
            arms.push(quote! { _ => raw.unexpected(), });
        }

        let pagination = op
            .pagination
            .as_ref()
            .map(|p| self.pagination_methods(p, &fields, &error_name));
        let doc = self.op_summary(op);
        let error_doc = format!(
            " Documented error responses of `{} {}`.",
            op.method, op.path
        );
        let builder_doc = format!(
            " Request builder for `{} {}`: set optional parameters, then `.send().await` (or just `.await`).",
            op.method, op.path
        );
        Ok(quote! {
            #[doc = #builder_doc]
            #[doc = ""]
            #( #[doc = #doc] )*
            #[derive(Debug, Clone)]
            #[must_use = "a request does nothing until it is sent with `.send().await` or `.await`"]
            pub struct #name {
                pub(crate) client: #rt::Client,
                pub(crate) options: #rt::RequestOptions,
                #( pub(crate) #struct_fields )*
            }

            #[doc = #error_doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #error_name {
                #( #variants )*
            }

            impl #name {
                #( #setters )*

                /// Time limit for each attempt of this call (overrides the client's).
                pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                    self.options.timeout = ::std::option::Option::Some(timeout);
                    self
                }

                /// Retry policy for this call (overrides the client's).
                pub fn retry(mut self, policy: #rt::RetryPolicy) -> Self {
                    self.options.retry = ::std::option::Option::Some(policy);
                    self
                }

                fn request(&self) -> #rt::Request {
                    #rt::Request::new(#rt::Method::#method)
                        #( #steps )*
                }

                /// Sends the request and returns the decoded body.
                pub async fn send(self) -> ::std::result::Result<#ok_ty, #rt::Error<#error_name>> {
                    self.send_with_response().await.map(#rt::Response::into_body)
                }

                /// Sends the request and returns the decoded body with the status and headers.
                pub async fn send_with_response(
                    self,
                ) -> ::std::result::Result<#rt::Response<#ok_ty>, #rt::Error<#error_name>> {
                    let request = self.request();
                    let raw = self.client.execute(request, self.options).await?;
                    match raw.status_code() {
                        #( #arms )*
                    }
                }

                #pagination
            }

            impl ::std::future::IntoFuture for #name {
                type Output = ::std::result::Result<#ok_ty, #rt::Error<#error_name>>;
                type IntoFuture = ::std::pin::Pin<
                    ::std::boxed::Box<dyn ::std::future::Future<Output = Self::Output> + ::std::marker::Send>,
                >;

                fn into_future(self) -> Self::IntoFuture {
                    ::std::boxed::Box::pin(self.send())
                }
            }
        })
    }

    fn error_variant(
        &self,
        r: &Response,
        error_name: &proc_macro2::Ident,
        scope: &mut Scope,
    ) -> (TokenStream, TokenStream) {
        let ctx = self.ctx();
        let v = ident(&scope.claim(status_variant(&r.status)));
        let mut doc = format!(" `{}`", r.status);
        let description = r.description.trim();
        if !description.is_empty() {
            doc.push_str(": ");
            doc.push_str(&description.replace('\n', " "));
        }
        match decode_of(&r.content) {
            Decode::Json(t) => {
                let ty = ctx.ty(&t);
                (
                    quote! { #[doc = #doc] #v(#ty), },
                    quote! { raw.error_json(#error_name::#v) },
                )
            }
            Decode::Text => (
                quote! { #[doc = #doc] #v(::std::string::String), },
                quote! { raw.error_text(#error_name::#v) },
            ),
            Decode::Empty => (
                quote! { #[doc = #doc] #v, },
                quote! { raw.error_empty(#error_name::#v) },
            ),
        }
    }

    fn pagination_methods(
        &self,
        p: &PageInfo,
        fields: &[(String, &Param, bool)],
        error_name: &proc_macro2::Ident,
    ) -> TokenStream {
        let ctx = self.ctx();
        let rt = &self.runtime;
        let page_ty = ctx.ty(&TypeRef::Named(p.page_type));
        let item_ty = ctx.ty(&p.item);
        let Some((fname, _, required)) =
            fields.iter().find(|(_, q, _)| q.rust_name == p.page_param)
        else {
            return quote! {};
        };
        let n = ident(fname);
        let (start, set) = if *required {
            (quote! { self.#n }, quote! { next.#n = page; })
        } else {
            (
                quote! { self.#n.unwrap_or(1) },
                quote! { next.#n = ::std::option::Option::Some(page); },
            )
        };
        quote! {
            /// Every page from the current one on, fetched lazily, one request per page.
            pub fn pages(
                self,
            ) -> impl #rt::Stream<Item = ::std::result::Result<#page_ty, #rt::Error<#error_name>>> + ::std::marker::Send + 'static {
                let start = #start;
                #rt::paginate::pages(start, move |page| {
                    let mut next = self.clone();
                    #set
                    next.send()
                })
            }

            /// Every item of every page from the current one on, fetched lazily.
            pub fn stream(
                self,
            ) -> impl #rt::Stream<Item = ::std::result::Result<#item_ty, #rt::Error<#error_name>>> + ::std::marker::Send + 'static {
                #rt::paginate::items(self.pages())
            }
        }
    }

    fn page_impls(&self) -> Vec<TokenStream> {
        let ctx = Ctx {
            types_path: quote! { super::types },
            ..self.ctx()
        };
        let rt = &self.runtime;
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for op in &self.api.operations {
            let Some(p) = &op.pagination else { continue };
            if !seen.insert(p.page_type) {
                continue;
            }
            let page_ty = ctx.ty(&TypeRef::Named(p.page_type));
            let item_ty = ctx.ty(&p.item);
            let items = ident(&p.items_field);
            let max: Vec<_> = p.max_page_path.iter().map(|f| ident(f)).collect();
            out.push(quote! {
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
            });
        }
        out
    }

    fn client(&self, root: Option<&Group>) -> Result<TokenStream> {
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
                /// The servers the API is published on.
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
        let title = format!(" Client of the {} API.", self.api.title);
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

/// An intra-doc link to `name` in `module` (bare when it is this module).
fn item_link(module: &str, name: &str) -> String {
    if module == "self" {
        format!("[`{name}`]")
    } else {
        format!("[`{name}`]({module}::{name})")
    }
}

fn prim_word(p: Prim) -> &'static str {
    match p {
        Prim::String => "String",
        Prim::Bool => "bool",
        Prim::I32 => "i32",
        Prim::I64 => "i64",
        Prim::F32 => "f32",
        Prim::F64 => "f64",
        Prim::DateTime => "DateTime<Utc>",
        Prim::Date => "NaiveDate",
        Prim::Uuid => "Uuid",
        Prim::Unit => "()",
    }
}

fn location_word(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn body_type(ctx: &Ctx<'_>, b: &Body) -> TokenStream {
    ctx.ty(b.chosen().map_or(&TypeRef::Any, |(_, t)| t))
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
