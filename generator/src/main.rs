//! `openapi-generator`: the generator as a command for any OpenAPI 3.0/3.1 spec.
//!
//! Writes either a module folder (to `mod` into an existing crate) or a whole
//! crate. All IO happens here; the library only maps bytes to files.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;

// The generator allocates millions of small tokens and AST nodes; mimalloc
// makes that markedly cheaper than the system allocator (see benches/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use openapi_generator::render::{crate_root, RootEntry};
use openapi_generator::{generate_with, GroupFeature, Grouping, Options};

#[derive(Parser)]
#[command(
    version,
    about = "Generate typed async Rust from an OpenAPI 3.0/3.1 document"
)]
struct Cli {
    /// The spec (JSON or YAML).
    spec: PathBuf,
    /// Output folder: the module folder, or the crate folder with --crate-name.
    #[arg(long, short)]
    out: PathBuf,
    /// Write a whole crate with this package name instead of a module folder.
    #[arg(long)]
    crate_name: Option<String>,
    /// Module name inside the crate (with --crate-name).
    #[arg(long, default_value = "api")]
    module_name: String,
    /// Path of the runtime crate in generated code.
    #[arg(long, default_value = "::openapi_runtime")]
    runtime_path: String,
    /// Group operations by operation id split at this separator (default: by first tag).
    #[arg(long, value_name = "SEPARATOR")]
    group_by_operation_id: Option<String>,
    /// Folder of the `openapi-runtime` crate, for the written Cargo.toml (with --crate-name).
    #[arg(long)]
    runtime_dir: Option<PathBuf>,
    /// Generator options as a JSON object (the fields of an `[api.options]`
    /// table in `specs/apis.toml`); the flags above override what they set.
    #[arg(long, value_name = "FILE")]
    options: Option<PathBuf>,
    /// Print how long each stage took, and a bare `serde_json` parse of the
    /// document for comparison, as one `timings:` line (for `cargo xtask bench`).
    #[arg(long)]
    timings: bool,
    /// Fail (writing nothing) when the generator has warnings.
    #[arg(long)]
    deny_warnings: bool,
    /// Fetch `$ref`s to `http(s)://` documents (by default they are refused).
    #[arg(long)]
    allow_remote_refs: bool,
}

/// Reads the documents a spec refers to: files relative to the spec's
/// folder, and remote documents only when `remote` allows it.
fn reader(spec: &Path, remote: bool) -> impl FnMut(&str) -> Result<Vec<u8>, String> {
    let dir = spec.parent().map(Path::to_path_buf).unwrap_or_default();
    move |location: &str| {
        if location.contains("://") {
            if remote {
                return fetch(location);
            }
            return Err(format!(
                "{location} is remote and is not fetched; pass --allow-remote-refs to fetch it"
            ));
        }
        let path = dir.join(location);
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// GETs a remote document (a 200 answer's body).
fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let response = reqwest::get(url).await.map_err(|e| format!("{url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{url}: the server answered {}", response.status()));
        }
        let body = response.bytes().await.map_err(|e| format!("{url}: {e}"))?;
        Ok(body.to_vec())
    })
}

/// Writes each file, leaving those that already hold the same text untouched
/// (rewriting a file costs far more than reading it).
fn write_all(dir: &Path, files: &std::collections::BTreeMap<String, String>) -> Result<(), String> {
    for (rel, content) in files {
        let path = dir.join(rel);
        if std::fs::read(&path).is_ok_and(|old| old == content.as_bytes()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// The `[features]` table of a written crate: the samples feature when the
/// options name one, and with per-group features, the API's feature (on by
/// default, enabling the top-level groups) and one per group; empty when
/// neither is asked for.
fn manifest_features(options: &Options, groups: &[GroupFeature]) -> String {
    let mut table = String::new();
    if let Some(api) = &options.group_features {
        table.push_str(&format!("default = [\"{api}\"]\n"));
        table.push_str(&GroupFeature::cargo_lines(api, groups, false));
    }
    if let Some(samples) = &options.samples_feature {
        table.push_str(&format!("{samples} = []\n"));
    }
    if table.is_empty() {
        table
    } else {
        format!("\n[features]\n{table}")
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let started = Instant::now();
    let bytes = std::fs::read(&cli.spec).map_err(|e| format!("{}: {e}", cli.spec.display()))?;
    let base: Options = match &cli.options {
        Some(path) => {
            let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Options::default(),
    };
    let options = Options {
        runtime_path: cli.runtime_path,
        source_label: cli
            .spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        grouping: match cli.group_by_operation_id {
            Some(separator) => Grouping::OperationId { separator },
            None => base.grouping.clone(),
        },
        ..base
    };
    let file = cli
        .spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut read = reader(&cli.spec, cli.allow_remote_refs);
    let (out, stages) = generate_with(&bytes, &file, &mut read, &options)
        .map_err(|e| format!("{}: {e}", cli.spec.display()))?;
    for w in &out.summary.warnings {
        eprintln!("warning: {w}");
    }
    if cli.deny_warnings && !out.summary.warnings.is_empty() {
        return Err(format!(
            "{} warning(s) and --deny-warnings; nothing written",
            out.summary.warnings.len()
        ));
    }
    let writing = Instant::now();
    match &cli.crate_name {
        None => write_all(&cli.out, &out.files)?,
        Some(name) => {
            let src = cli.out.join("src");
            write_all(&src.join(&cli.module_name), &out.files)?;
            let header = openapi_generator::render::header(&options)
                .replace("cargo xtask regen", "openapi-generator");
            let lib = crate_root(
                &header,
                &[format!("Generated from `{}`.", options.source_label)],
                &[RootEntry {
                    module: cli.module_name.clone(),
                    features: out.features.iter().map(|f| f.name.clone()).collect(),
                    doc: "The API's types.".into(),
                }],
            )
            .map_err(|e| e.to_string())?;
            let runtime = match &cli.runtime_dir {
                Some(dir) => format!("{{ path = {:?} }}", dir.display().to_string()),
                None => "\"0.1\"".to_owned(),
            };
            let features = manifest_features(&options, &out.features);
            let manifest = format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[lints.rust]\nunexpected_cfgs = {{ level = \"warn\", check-cfg = [\"cfg(docsrs)\"] }}\n{features}\n[dependencies]\nopenapi-runtime = {runtime}\nserde = \"1\"\nserde_json = \"1\"\nchrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\nuuid = {{ version = \"1\", features = [\"serde\"] }}\n"
            );
            write_all(
                &cli.out,
                &[
                    ("src/lib.rs".to_owned(), lib),
                    ("Cargo.toml".to_owned(), manifest),
                ]
                .into_iter()
                .collect(),
            )?;
        }
    }
    if cli.timings {
        let write = writing.elapsed();
        let total = started.elapsed();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let floor = json_parse_floor(&bytes)?;
        println!(
            "timings: parse={:.2} normalise={:.2} ir={:.2} render={:.2} format={:.2} output={:.2} write={:.2} total={:.2} floor={:.2}",
            ms(stages.parse),
            ms(stages.normalise),
            ms(stages.ir),
            ms(stages.render),
            ms(stages.format),
            ms(stages.output),
            ms(write),
            ms(total),
            ms(floor)
        );
    }
    let s = &out.summary;
    println!(
        "{} operations, {} types, {} untyped, {} warnings",
        s.operations,
        s.types,
        s.untyped.len(),
        s.warnings.len()
    );
    Ok(())
}

/// How long `serde_json` takes to parse the document into a `Value` (a YAML
/// document is converted to JSON text first, untimed): the floor any
/// generator reading the document pays.
fn json_parse_floor(bytes: &[u8]) -> Result<Duration, String> {
    let json = match openapi_generator::parse::parse_document(bytes) {
        Ok(value) if bytes.trim_ascii_start().first() != Some(&b'{') => {
            serde_json::to_vec(&value).map_err(|e| e.to_string())?
        }
        _ => bytes.to_vec(),
    };
    let started = Instant::now();
    let value: serde_json::Value = serde_json::from_slice(&json).map_err(|e| e.to_string())?;
    let took = started.elapsed();
    drop(value);
    Ok(took)
}

fn main() -> ExitCode {
    // reqwest is built with rustls but no crypto provider of its own (the
    // runtime's choice, shared through the workspace): this program picks one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
