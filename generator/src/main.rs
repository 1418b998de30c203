//! `openapi-generator`: the generator as a command for any OpenAPI 3.0/3.1 spec.
//!
//! Writes either a module folder (to `mod` into an existing crate) or a whole
//! crate. All IO happens here; the library only maps bytes to files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

// The generator allocates millions of small tokens and AST nodes; mimalloc
// makes that markedly cheaper than the system allocator (see benches/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use openapi_generator::render::{crate_root, RootEntry};
use openapi_generator::{generate, Grouping, Options};

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
}

fn write_all(dir: &Path, files: &std::collections::BTreeMap<String, String>) -> Result<(), String> {
    for (rel, content) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn run(cli: Cli) -> Result<(), String> {
    let bytes = std::fs::read(&cli.spec).map_err(|e| format!("{}: {e}", cli.spec.display()))?;
    let options = Options {
        runtime_path: cli.runtime_path,
        source_label: cli
            .spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        grouping: match cli.group_by_operation_id {
            Some(separator) => Grouping::OperationId { separator },
            None => Grouping::Tag,
        },
        ..Options::default()
    };
    let out = generate(&bytes, &options).map_err(|e| format!("{}: {e}", cli.spec.display()))?;
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
                    features: Vec::new(),
                    doc: "The API's types.".into(),
                }],
            )
            .map_err(|e| e.to_string())?;
            let runtime = match &cli.runtime_dir {
                Some(dir) => format!("{{ path = {:?} }}", dir.display().to_string()),
                None => "\"0.1\"".to_owned(),
            };
            let manifest = format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\nopenapi-runtime = {runtime}\nserde = \"1\"\nserde_json = \"1\"\nchrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\nuuid = {{ version = \"1\", features = [\"serde\"] }}\n"
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
    let s = &out.summary;
    println!(
        "{} operations, {} types, {} untyped",
        s.operations,
        s.types,
        s.untyped.len()
    );
    for p in &s.untyped {
        println!("  untyped: {p}");
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
