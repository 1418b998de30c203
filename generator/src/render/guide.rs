//! The API module's front page: what the API is (from `info`), then how to
//! use the generated client, written from what the spec says (servers,
//! security schemes, pagination), then the API's hand-written guide.

use crate::ir::{Api, SecurityKind};
use crate::Options;

use super::docs;

/// The doc lines of the API module (`//!` of its `mod.rs`).
pub fn module_docs(api: &Api, options: &Options) -> Vec<String> {
    let links = docs::Links {
        base: options.docs_url.as_deref(),
    };
    let mut out = vec![format!("{} (version {})", api.title, api.version)];
    if let Some(d) = &api.description {
        out.push(String::new());
        out.extend(docs::clean_markdown(d, links));
    }
    let mut section = |title: &str, body: Vec<String>| {
        out.push(String::new());
        out.push(format!("# {title}"));
        out.push(String::new());
        out.extend(body);
    };

    let path = options.doc_path.as_deref();
    let server = api.servers.first().map(|s| s.rust_name.clone());
    let auth = api.security_schemes.first().map(|s| match s.kind {
        SecurityKind::Basic => ".basic_auth(\"user\", \"password\")",
        _ => ".bearer_auth(\"token\")",
    });
    let mut start = vec![
        "Build a [`Client`] once and share it (it is cheap to clone); every operation is a method"
            .to_owned(),
        "on a group of the client, and `.await` sends it for the decoded body (`.send_with_response()`".to_owned(),
        "also gives the status and headers):".to_owned(),
        String::new(),
    ];
    if let Some(path) = path {
        let target = match &server {
            Some(s) => format!("Server::{s}"),
            None => "\"https://api.example.com\"".to_owned(),
        };
        let imports = if server.is_some() {
            "{Client, Server}"
        } else {
            "Client"
        };
        start.extend([
            "```no_run".to_owned(),
            format!("use {path}::{imports};"),
            String::new(),
            "# fn example() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
            format!("let client = Client::builder({target})"),
            format!("    {}", auth.unwrap_or("")).trim_end().to_owned(),
            "    .build()?;".to_owned(),
            "# let _ = client;".to_owned(),
            "# Ok(())".to_owned(),
            "# }".to_owned(),
            "```".to_owned(),
        ]);
    }
    start.retain(|l| l.trim() != "");
    section("Getting started", start);

    if !api.servers.is_empty() {
        let mut body = vec![
            "[`Server`] names the environments the spec lists; any other base URL works too:"
                .to_owned(),
            String::new(),
        ];
        for s in &api.servers {
            let d = s.description.as_deref().unwrap_or("");
            body.push(
                format!("- `Server::{}`: <{}> {d}", s.rust_name, s.url)
                    .trim_end()
                    .to_owned(),
            );
        }
        section("Environments", body);
    }

    if !api.security_schemes.is_empty() {
        let mut body = vec![
            "Credentials are set on the builder and never appear in `Debug` output.".to_owned(),
            String::new(),
        ];
        for s in &api.security_schemes {
            let how = match &s.kind {
                SecurityKind::Basic => "HTTP Basic: `.basic_auth(user, password)`".to_owned(),
                SecurityKind::Bearer | SecurityKind::OAuth => {
                    "bearer token: `.bearer_auth(token)`".to_owned()
                }
                SecurityKind::ApiKey { location, name } => {
                    format!("API key in {location} `{name}`: `.default_header(\"{name}\", key)`")
                }
            };
            let d = s
                .description
                .as_deref()
                .map(|d| docs::clean_markdown(d, links).join(" "))
                .unwrap_or_default();
            body.push(format!("- `{}` ({how}). {d}", s.name).trim_end().to_owned());
        }
        section("Authentication", body);
    }

    section(
        "Errors",
        vec![
            "Calls return `Result<T, Error<E>>` (the runtime's `Error`), where `E` is the operation's enum of documented error".to_owned(),
            "responses, each with its typed body. The variants:".to_owned(),
            String::new(),
            "- `Error::Api`: a documented error status, with status, headers and the typed body;".to_owned(),
            "- `Error::UnexpectedStatus`: a status the spec does not document, with status, headers and the raw body;".to_owned(),
            "- `Error::Decode`: a body that did not decode, with the JSON path of the failing value, the status, headers and raw body;".to_owned(),
            "- `Error::Timeout` (an attempt's time limit or the call's deadline), `Error::Transport` (its `Display` names the root".to_owned(),
            "  cause: connection refused, DNS, TLS), `Error::Request` (a parameter, body or header that could not be sent): no usable response;".to_owned(),
            "- `Error::TooLarge`: a body longer than `max_response_size` (64 MiB by default; set it on the client builder, or".to_owned(),
            "  per call on the request), refused before its memory is spent; a streamed body is bounded line by line.".to_owned(),
            String::new(),
            "`Display` puts it all on one line, with the server's own message where the body has one (the field the error".to_owned(),
            "schema names `detail`, `message`, `error`, ...; validation errors as `location: message; ...`), and `source()`".to_owned(),
            "returns nothing, so anyhow's `{:#}` names each cause once. `e.status()` and `e.message()` read any operation's".to_owned(),
            "error; each operation's error enum implements `Display`, `std::error::Error` and the runtime's `ErrorBody`.".to_owned(),
        ],
    );
    section(
        "Retries and time-outs",
        vec![
            "By default each attempt may take 60 s and a call is tried up to three times, with exponential backoff and".to_owned(),
            "jitter, honouring `Retry-After`: after a 429 whatever the method (the server did not act on it); after a 502,".to_owned(),
            "503, 504 or a failed connection only when repeating is safe: an idempotent method (GET, HEAD, OPTIONS, PUT,".to_owned(),
            "DELETE), a call with an `Idempotency-Key` header (`.header(\"Idempotency-Key\", key)`), or".to_owned(),
            "`RetryPolicy { retry_non_idempotent: true, .. }`. Time-outs are not retried. Change it for the client with".to_owned(),
            "`.retry(RetryPolicy { .. })` / `.timeout(..)` on the builder (`RetryPolicy::none()` turns retries off), or per".to_owned(),
            "call with `.retry(..)`, `.timeout(..)` (each attempt) and `.deadline(..)` (the whole call) on the request.".to_owned(),
        ],
    );
    let paginated = api
        .operations
        .iter()
        .filter(|o| o.pagination.is_some())
        .count();
    if paginated > 0 {
        section(
            "Pagination",
            vec![format!(
                "{paginated} list operations are paginated: on their request builder, `.stream()` yields every item across pages and `.pages()` every page with its metadata, one request per page, fetched lazily; `.await` alone fetches one page."
            )],
        );
    }
    section(
        "Modules",
        vec![
            "- [`client`]: [`Client`] and its group accessors;".to_owned(),
            "- [`operations`]: request builders and documented-error enums, by group;".to_owned(),
            "- [`types`]: every schema of the spec as a Rust type.".to_owned(),
        ],
    );
    if let Some(guide) = &options.guide {
        out.push(String::new());
        out.extend(guide.trim_end().lines().map(str::to_owned));
    }
    docs::prefix(out)
}
