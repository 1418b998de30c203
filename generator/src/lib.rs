//! OpenAPI 3.0/3.1/3.2 -> typed Rust.
//!
//! The pipeline runs one way, each stage a module that uses only earlier
//! ones: [`parse`] (bytes -> JSON) -> [`overlay`] (the user's corrections
//! applied) -> [`bundle`] (other documents brought in)
//! -> [`normalize`] (document-level rewrites) -> [`schema`] (every schema
//! into the owned schema model) and [`load`] (the rest typed with openapiv3)
//! -> [`ir::build`] (resolved model) -> [`render`] (formatted files). It does
//! no IO: [`generate`] takes the spec's bytes and returns files in memory;
//! the CLI and `cargo xtask regen` write them.

#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod bundle;
pub mod changes;
pub mod error;
pub mod ir;
pub mod load;
pub mod naming;
pub mod normalize;
pub mod overlay;
pub mod parse;
pub mod render;
pub mod schema;
pub mod surface;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub use error::{Error, Pointer, Result, Warning};

/// What the generator is told besides the spec. The per-API part comes from the
/// API's `[api.options]` table in `specs/apis.toml`.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Path of the runtime crate as generated code names it, e.g. `::openapi_runtime`.
    pub runtime_path: String,
    /// Where the spec came from, for the generated-file header.
    pub source_label: String,
    /// What wrote the files, for their header: `` `cargo xtask regen` ``,
    /// `` `openapi-rustgen` ``, a build script. Set by the caller, not read
    /// from a config file.
    #[serde(skip)]
    pub writer: String,
    /// How operations are grouped into `client.group().op()` accessors.
    pub grouping: Grouping,
    /// Rust names for groups, by the raw tag or operation-id segment.
    pub group_names: BTreeMap<String, String>,
    /// Page-number pagination, when the spec marks list operations.
    pub pagination: Option<Pagination>,
    /// Headers every request sends (e.g. an API version header).
    pub default_headers: BTreeMap<String, String>,
    /// Cargo feature gating the `samples` module (every operation with a
    /// sample-argument call); no module when unset.
    pub samples_feature: Option<String>,
    /// The API's documentation site: relative links in the spec's Markdown
    /// (`/api-reference/...`) are made absolute against it.
    pub docs_url: Option<String>,
    /// Rust path of the generated module as users name it (`api_clients::polar`),
    /// for usage examples in docs (each compiled as a doctest, `no_run`); without
    /// it operations have no example.
    pub doc_path: Option<String>,
    /// Prefix of per-group cargo features: with `polar`, the operations of
    /// `client.members()` and the types they reach compile only with feature
    /// `polar-members`, the `webhooks` module and the types its payloads reach
    /// with `polar-webhook-events`, and types nothing reaches only with `polar`.
    /// Without it nothing is gated.
    pub group_features: Option<String>,
    /// Hand-written Markdown appended to the API module's docs (a walkthrough
    /// of the operations users start with); read by the caller, not the generator.
    pub guide: Option<String>,
    /// How the API's webhook secrets become signing keys.
    pub webhook_key: WebhookKey,
    /// The webhook the `webhooks` module's example matches on (by its name,
    /// `order.paid`); the first one otherwise.
    pub webhook_example: Option<String>,
    /// Threads rendering and formatting files (default: the machine's
    /// cores, at most 8). The output never depends on it; tests vary it to
    /// show that. Not a config key.
    #[serde(skip)]
    pub threads: Option<usize>,
}

/// How a webhook secret becomes the HMAC key (Standard Webhooks signatures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WebhookKey {
    /// The Standard Webhooks reference: a `whsec_` prefix dropped, the rest base64-decoded.
    #[default]
    Standard,
    /// The UTF-8 bytes of the secret as given.
    Utf8,
}

/// How operations are grouped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "by")]
pub enum Grouping {
    /// By the operation id split at `separator`: `customers:members:get` is
    /// `customers().members().get()`. Ids without the separator fall back to tags.
    OperationId {
        /// The separator, e.g. `:`.
        separator: String,
    },
    /// By the first tag; the method is the operation id in snake_case.
    Tag,
}

/// Page-number pagination, described by an operation extension.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// The operation extension that marks a paginated list, e.g. `x-polar-pagination`.
    pub extension: String,
    /// The query parameter holding the page number.
    pub page_param: String,
    /// The response property holding the page's items.
    pub items: String,
    /// Dotted path of the response property holding the last page number.
    pub max_page: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime_path: "::openapi_runtime".into(),
            source_label: "an OpenAPI document".into(),
            writer: "the `openapi_generator` library".into(),
            grouping: Grouping::Tag,
            group_names: BTreeMap::new(),
            pagination: None,
            default_headers: BTreeMap::new(),
            samples_feature: None,
            docs_url: None,
            doc_path: None,
            group_features: None,
            guide: None,
            webhook_key: WebhookKey::Standard,
            webhook_example: None,
            threads: None,
        }
    }
}

/// A cargo feature of one group of operations, or of the webhook events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFeature {
    /// Its name, e.g. `polar-customers-members`.
    pub name: String,
    /// The features of its direct subgroups, which it enables.
    pub enables: Vec<String>,
    /// Whether the group is a top-level one (the API's feature enables those).
    pub top_level: bool,
    /// What it compiles, for a comment in `Cargo.toml`.
    pub doc: String,
}

impl GroupFeature {
    /// The `Cargo.toml` lines declaring one API's features: `api = [..]`
    /// enabling the top-level groups, then a line per group enabling its
    /// subgroups (each after a `# doc` comment when `docs`). `regen`, the
    /// CLI and `cargo xtask semver` write their crates' features with it.
    pub fn cargo_lines(api: &str, groups: &[GroupFeature], docs: bool) -> String {
        let quoted = |names: &mut dyn Iterator<Item = &String>| -> String {
            names
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let top = quoted(&mut groups.iter().filter(|g| g.top_level).map(|g| &g.name));
        let mut out = format!("{api} = [{top}]\n");
        for g in groups {
            if docs {
                out.push_str(&format!("# {}\n", g.doc));
            }
            out.push_str(&format!(
                "{} = [{}]\n",
                g.name,
                quoted(&mut g.enables.iter())
            ));
        }
        out
    }
}

/// Counts for the one-line summary `regen` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Operations in the spec.
    pub operations: usize,
    /// Named Rust types generated.
    pub types: usize,
    /// JSON pointers of schemas the spec leaves untyped.
    pub untyped: Vec<String>,
    /// Types merged into a structurally identical one: (alias, canonical).
    pub merged: Vec<(String, String)>,
    /// What the generator guessed or left out, each at a place in the spec.
    pub warnings: Vec<Warning>,
}

/// The generated module: files keyed by path relative to the module folder.
#[derive(Debug, Clone)]
pub struct Generated {
    /// `mod.rs`, `types/mod.rs`, `types/<component>.rs`, ...
    pub files: BTreeMap<String, String>,
    /// The per-group cargo features the module uses (see [`Options::group_features`]),
    /// parents before their subgroups, then the webhook events' feature; empty
    /// without that option.
    pub features: Vec<GroupFeature>,
    /// Counts for reporting.
    pub summary: Summary,
    /// What users of the module can name (see [`surface`]), for change reports.
    pub surface: surface::Surface,
}

/// Reads a spec and returns its IR.
pub fn build_ir(spec: &[u8], options: &Options) -> Result<ir::Api> {
    let loaded = load::load(spec)?;
    ir::build(&loaded, options).map_err(|e| e.relocate(&|p| loaded.normalized.locate(p)))
}

/// [`build_ir`] for a spec that may refer to other documents, with overlays
/// (see [`generate_with`]).
pub fn build_ir_with(
    spec: &[u8],
    file: &str,
    read: &mut bundle::Reader<'_>,
    overlays: &[overlay::Overlay],
    options: &Options,
) -> Result<ir::Api> {
    let (document, _) = effective_document(spec, overlays)?;
    let bundled = bundle::bundle(document, file, read)?;
    let locate = |p: &str| bundled.locate(p);
    let loaded = load::from_document(bundled.document.clone()).map_err(|e| e.relocate(&locate))?;
    let locate = |p: &str| {
        let p = loaded.normalized.locate(p).unwrap_or_else(|| p.to_owned());
        bundled.locate(&p).or(Some(p))
    };
    ir::build(&loaded, options).map_err(|e| e.relocate(&locate))
}

/// What the round-trip oracle (`cargo xtask oracle`) needs of a spec.
#[derive(Debug, Clone)]
pub struct OracleParts {
    /// The document with everything it refers to brought in (what the
    /// oracle's schema tools read; pointers in the root document unchanged).
    pub document: serde_json::Value,
    /// The generated module's files.
    pub files: BTreeMap<String, String>,
    /// Every schema the oracle tries, with its Rust type.
    pub targets: Vec<render::oracle::Target>,
    /// The harness's oracle module for this API.
    pub harness: String,
    /// How many warnings generating gave.
    pub warnings: usize,
}

/// The pieces of the round-trip oracle for a spec (see [`render::oracle`]),
/// its generated module to be the harness crate's module `module`.
pub fn oracle_parts(
    spec: &[u8],
    file: &str,
    read: &mut bundle::Reader<'_>,
    overlays: &[overlay::Overlay],
    options: &Options,
    module: &str,
) -> Result<OracleParts> {
    let (document, _) = effective_document(spec, overlays)?;
    let bundled = bundle::bundle(document, file, read)?;
    let locate = |p: &str| bundled.locate(p);
    let api = load::from_document(bundled.document.clone())
        .and_then(|loaded| ir::build(&loaded, options))
        .map_err(|e| e.relocate(&locate))?;
    let files = render::render(&api, options)?;
    let targets = render::oracle::targets(&api, module);
    let harness = render::oracle::harness(&api, &targets, module)?;
    Ok(OracleParts {
        document: bundled.document,
        files,
        targets,
        harness,
        warnings: api.warnings.len(),
    })
}

/// How long each stage of [`generate_timed`] took.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Bytes -> JSON value (`serde_json` or `serde_yaml`), and bringing in
    /// the documents it refers to.
    pub parse: Duration,
    /// Version check, 3.1 -> 3.0 rewrite, typing as `openapiv3::OpenAPI`.
    pub normalise: Duration,
    /// Lowering to the IR (types, operations, merging).
    pub ir: Duration,
    /// IR -> token streams, one per file (summed over threads).
    pub render: Duration,
    /// Token streams -> formatted text with syn and prettyplease (summed over threads).
    pub format: Duration,
    /// Wall time of rendering and formatting, which run on every core.
    pub output: Duration,
}

/// Turns a spec (JSON or YAML bytes) into the files of a Rust module.
pub fn generate(spec: &[u8], options: &Options) -> Result<Generated> {
    generate_timed(spec, options).map(|(generated, _)| generated)
}

/// [`generate`], timing each stage.
pub fn generate_timed(spec: &[u8], options: &Options) -> Result<(Generated, Timings)> {
    let mut no_files = |location: &str| -> std::result::Result<Vec<u8>, String> {
        Err(format!(
            "{location} is another document, and this spec was given as bytes alone; generate it from its file (the CLI and `cargo xtask regen` read the documents it refers to)"
        ))
    };
    generate_with(spec, "", &mut no_files, &[], options)
}

/// The spec (JSON or YAML bytes) parsed, with `overlays` applied in order:
/// the document generation reads. Also the overlays' warnings (targets
/// that selected nothing).
pub fn effective_document(
    spec: &[u8],
    overlays: &[overlay::Overlay],
) -> Result<(serde_json::Value, Vec<Warning>)> {
    let mut document = parse::parse_document(spec)?;
    let warnings = overlay::apply(&mut document, overlays)?;
    Ok((document, warnings))
}

/// [`generate_timed`] for a spec that may refer to other documents, with
/// overlays: `read` reads those documents (see [`bundle::Reader`]); `file`
/// is the spec's own file name, so that references back to it stay local;
/// `overlays` are applied to the spec first, in order (see [`overlay`]).
/// Errors and warnings about what came from another document name that
/// document (`common.yaml#/...`); an overlay's, the overlay and its action.
pub fn generate_with(
    spec: &[u8],
    file: &str,
    read: &mut bundle::Reader<'_>,
    overlays: &[overlay::Overlay],
    options: &Options,
) -> Result<(Generated, Timings)> {
    let started = Instant::now();
    let (raw, overlay_warnings) = effective_document(spec, overlays)?;
    let mut bundled = bundle::bundle(raw, file, read)?;
    let parse = started.elapsed();
    let clock = Instant::now();
    // The document moves on (cloning it took as long as normalising it);
    // what `locate` needs of the bundle stays.
    let document = std::mem::take(&mut bundled.document);
    let locate = |p: &str| bundled.locate(p);
    let loaded = load::from_document(document).map_err(|e| e.relocate(&locate))?;
    let normalise = clock.elapsed();
    // Pointers into copies name the original, in the file it came from.
    let locate = |p: &str| {
        let p = loaded.normalized.locate(p).unwrap_or_else(|| p.to_owned());
        bundled.locate(&p).or(Some(p))
    };
    let (mut generated, mut timings) =
        generate_loaded(&loaded, options).map_err(|e| e.relocate(&locate))?;
    timings.parse = parse;
    timings.normalise = normalise;
    let summary = &mut generated.summary;
    for w in &mut summary.warnings {
        w.relocate(&locate);
    }
    for u in &mut summary.untyped {
        if let Some(p) = locate(u) {
            *u = p;
        }
    }
    summary.warnings.splice(0..0, overlay_warnings);
    Ok((generated, timings))
}

/// Generates from a loaded document (everything it refers to already in it).
fn generate_loaded(loaded: &load::Loaded, options: &Options) -> Result<(Generated, Timings)> {
    let mut clock = Instant::now();
    let mut lap = || {
        let now = Instant::now();
        let took = now - clock;
        clock = now;
        took
    };
    let api = ir::build(loaded, options)?;
    let ir = lap();
    let features = render::features::Features::new(&api, options);
    let (files, stages) = render::render_timed(&api, options, &features)?;
    let output = lap();
    let timings = Timings {
        parse: Duration::ZERO,     // measured by the caller
        normalise: Duration::ZERO, // likewise
        ir,
        render: stages.render,
        format: stages.format,
        output,
    };
    let generated = Generated {
        files,
        features: features.list(),
        summary: Summary {
            operations: api.operations.len(),
            types: api.types.len(),
            untyped: api.untyped.clone(),
            merged: api
                .merged
                .iter()
                .map(|(from, to)| (api.ty(*from).name.clone(), api.ty(*to).name.clone()))
                .collect(),
            warnings: api.warnings.clone(),
        },
        surface: surface::surface(&api, &features),
    };
    Ok((generated, timings))
}
