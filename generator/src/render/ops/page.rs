//! Each operation's documentation: the short summary on its request builder,
//! and the full page on the method users call (request, parameters, result,
//! errors, auth, pagination) with a usage example.

use super::super::docs;
use super::{item_link, location_word, prim_word, status_variant, OpsRender};
use crate::ir::*;
use crate::naming;

impl<'a> OpsRender<'a> {
    /// The short docs of a request builder: summary, method and path, where it comes from.
    pub(super) fn op_summary(&self, op: &Operation) -> Vec<String> {
        let mut lines = match op.docs.title.as_deref() {
            Some(t) => docs::prefix(docs::clean_markdown(t, self.links())),
            None => vec![format!(" `{}`", op.id)],
        };
        let accessor = match op.groups.last() {
            Some(_) => format!(
                "{}::{}",
                self.item_name(&op.groups),
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
    pub(super) fn op_page(&self, builder: &str, op: &Operation, at_root: bool) -> Vec<String> {
        let links = self.links();
        // A group's file imports the types module once (see `OpsRender::files`).
        let types = if at_root { "super::types" } else { "types" };
        let module = if at_root {
            format!("super::operations::{}", "root")
        } else {
            "self".to_owned()
        };
        let error = format!("{builder}Error");
        // The API's module page, with the sections every operation shares.
        let guide = if at_root { "super" } else { "super::super" };
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
            let what = match b.media() {
                Some(Media::Binary) => "bytes (`Vec<u8>`)".to_owned(),
                _ => ty.map(&type_link).unwrap_or_default(),
            };
            let line = format!(
                "- `body`: {what}, sent as {}{}",
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
            if !params.is_empty() {
                params.push(String::new());
            }
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
        for r in op.responses.iter().filter(|r| r.status.is_success()) {
            let ty = match Decode::of(&r.content) {
                Decode::Json(t) => type_link(&t),
                Decode::Text => "text (`String`)".to_owned(),
                Decode::Binary => "bytes (`Vec<u8>`), as sent".to_owned(),
                Decode::Events(TypeRef::Prim(Prim::String) | TypeRef::Any) => {
                    "server-sent events, their data as text, read as they arrive".to_owned()
                }
                Decode::Events(t) => format!(
                    "server-sent events, read as they arrive, each one's data a {}",
                    type_link(&t)
                ),
                Decode::Lines(t) => format!(
                    "JSON Lines, read as they arrive, each line a {}",
                    type_link(&t)
                ),
                Decode::Empty => "no body".to_owned(),
            };
            let d = docs::clean_markdown(&r.description, links).join(" ");
            result.push(format!("- `{}`: {ty}. {d}", r.status).trim_end().to_owned());
        }
        if let Some((method, alt)) = self.alternate(op) {
            result.push(String::new());
            result.push(format!(
                "`.{method}()` asks for the `{}` form instead and reads it as it arrives.",
                alt.media
            ));
        }
        section("Returns", result, &mut out);

        // Errors.
        let mut errors = vec![format!(
            "Documented error responses come back as `Error::Api` holding a {}:",
            item_link(&module, &error)
        )];
        errors.push(String::new());
        let mut any = false;
        let mut scope = crate::naming::Scope::default();
        for r in op.responses.iter().filter(|r| !r.status.is_success()) {
            let variant = scope.claim(status_variant(r.status));
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
        // What every operation shares is said once, on the API's module page.
        errors.push(String::new());
        errors.push(format!(
            "Other outcomes, and when a call is retried: [Errors]({guide}#errors), [Retries]({guide}#retries-and-time-outs)."
        ));
        section("Errors", errors, &mut out);

        // Authorization: which schemes; how to set each is on the module page.
        let schemes: Vec<String> = op.security.iter().map(|n| format!("`{n}`")).collect();
        let auth = match schemes.as_slice() {
            [] => "None required.".to_owned(),
            [one] => format!("{one} (see [Authentication]({guide}#authentication))."),
            _ => format!(
                "Any one of {} (see [Authentication]({guide}#authentication)).",
                schemes.join(", ")
            ),
        };
        section("Authorization", vec![auth], &mut out);

        if let Some(p) = &op.pagination {
            let item = type_link(&p.item);
            section(
                "Pagination",
                vec![format!(
                    "Paginated by `{}`: on the returned builder, `.stream()` yields every {item} across pages and `.pages()` every page with its metadata, fetching one page per request, lazily.",
                    op.params.iter().find(|q| q.rust_name == p.page_param).map_or("page", |q| q.wire_name.as_str())
                )],
                &mut out,
            );
        }

        if let Some(example) = self.example(op) {
            section("Example", example, &mut out);
        }
        docs::prefix(out)
    }

    /// A usage example, compiled as a doctest (`no_run`).
    fn example(&self, op: &Operation) -> Option<Vec<String>> {
        let path = self.options.doc_path.as_deref()?;
        let writer = super::super::examples::Writer {
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
                (ty @ TypeRef::Named(_), v) => statement(
                    &mut lets,
                    &format!("let {stem} = "),
                    writer.expr_lines(ty, v),
                ),
                (ty, v) => lets.push(format!(
                    "let {stem}: {} = {};",
                    writer.type_text(ty),
                    writer.let_value(ty, v)
                )),
            }
            args.push(stem);
        }
        if let Some(b) = op.body.as_ref().filter(|b| b.required) {
            if let Some((media, ty)) = b.chosen() {
                let expr = writer.expr_lines(ty, &b.sample);
                match ty {
                    _ if Media::of(media, ty) == Media::Binary => {
                        lets.push("let body = std::fs::read(\"upload.bin\")?;".to_owned())
                    }
                    TypeRef::Named(_) => statement(&mut lets, "let body = ", expr),
                    _ => statement(
                        &mut lets,
                        &format!("let body: {} = ", writer.type_text(ty)),
                        expr,
                    ),
                }
                args.push("body".to_owned());
            }
        }
        let chain: String = op
            .groups
            .iter()
            .map(|g| format!(".{}()", naming::file_stem(g)))
            .collect();
        let ok = self.success(op).ty;
        let call = format!(
            "client{chain}.{}({})",
            naming::file_stem(&op.rust_name),
            args.join(", ")
        );
        // What examples name, from the crate's re-exports.
        let krate = path.split("::").next().unwrap_or(path);
        let mut lines = vec!["```no_run".to_owned()];
        lines.push(format!("# use {path}::{{types, Client}};"));
        lines.push(format!(
            "# use {krate}::{{chrono, runtime::{{self, Patch, TryStreamExt}}, uuid}};"
        ));
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
}

/// `head` and the value's lines, ending in `;`, as lines of an example.
fn statement(out: &mut Vec<String>, head: &str, value: Vec<String>) {
    let n = value.len();
    for (i, line) in value.into_iter().enumerate() {
        let start = if i == 0 { head } else { "" };
        let end = if i + 1 == n { ";" } else { "" };
        out.push(format!("{start}{line}{end}"));
    }
}
