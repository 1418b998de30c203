//! `openapi-rustgen`: the generator as a command for anyone's OpenAPI
//! 3.0/3.1/3.2 document.
//!
//! `generate` writes a crate (or, with `module_only`, a module folder to
//! `mod` into an existing crate) from a spec, a config file
//! ([`config`]) or both; `--check` compares instead of writing. `init`
//! writes a starter config. All IO happens here: the library
//! (`openapi_generator`) maps bytes to files, [`plan`] decides the files of
//! a crate, and this file reads, writes and reports.

#![forbid(unsafe_code)]

mod config;
mod plan;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use openapi_generator::overlay::Overlay;
use openapi_generator::{effective_document, generate_with};

use config::{Config, Job};

// The generator allocates millions of small tokens and AST nodes; mimalloc
// makes that markedly cheaper than the system allocator (see benches/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "openapi-rustgen",
    version,
    about = "Generate a typed async Rust client from an OpenAPI 3.0/3.1/3.2 document"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a client crate (or module folder) from a spec and/or a config file.
    Generate(Generate),
    /// Write a starter config file.
    Init(Init),
}

#[derive(Args)]
struct Generate {
    /// The spec (JSON or YAML); overrides the config's `input`.
    spec: Option<PathBuf>,
    /// The config file (TOML). Without it and without a spec,
    /// `openapi-rustgen.toml` in the current folder is read.
    #[arg(long, short)]
    config: Option<PathBuf>,
    /// Output folder: the crate's, or the module folder's with --module-only.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Package name of the written crate (default: the output folder's name).
    #[arg(long)]
    crate_name: Option<String>,
    /// Name of the API's module inside the crate (default: `api`).
    #[arg(long)]
    module: Option<String>,
    /// Write only the module folder, to `mod` into an existing crate.
    #[arg(long)]
    module_only: bool,
    /// An OpenAPI Overlay applied to the spec, after the config's (repeatable, in order).
    #[arg(long = "overlay", value_name = "FILE")]
    overlays: Vec<PathBuf>,
    /// Write the spec with its overlays applied (JSON) here, for review.
    #[arg(long, value_name = "FILE")]
    write_effective: Option<PathBuf>,
    /// Folder of the `openapi-runtime` crate the written crate depends on.
    #[arg(long)]
    runtime_dir: Option<PathBuf>,
    /// Compare the output with what is on disk and fail, naming the files,
    /// when it differs; write nothing.
    #[arg(long)]
    check: bool,
    /// Fail (writing nothing) when the generator has warnings.
    #[arg(long)]
    deny_warnings: bool,
    /// Fetch `$ref`s to `http(s)://` documents (by default they are refused).
    #[arg(long)]
    allow_remote_refs: bool,
    /// Print how long each stage took, and a bare `serde_json` parse of the
    /// document for comparison, as one `timings:` line (for `cargo xtask bench`).
    #[arg(long)]
    timings: bool,
}

#[derive(Args)]
struct Init {
    /// Where to write the config.
    #[arg(default_value = config::DEFAULT_FILE)]
    path: PathBuf,
    /// The spec the config names, relative to the config's folder.
    #[arg(long, default_value = "openapi.yaml")]
    input: String,
    /// The output folder the config names, relative to the config's folder.
    #[arg(long, default_value = "client")]
    output: String,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
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

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn generate(args: Generate) -> Result<(), String> {
    let started = Instant::now();
    let config = match (&args.config, &args.spec) {
        (Some(path), _) => Some(Config::read(path)?),
        (None, None) => {
            let path = PathBuf::from(config::DEFAULT_FILE);
            if !path.exists() {
                return Err(format!(
                    "no spec given and no {} here: pass a spec, or --config FILE, or run `openapi-rustgen init`",
                    config::DEFAULT_FILE
                ));
            }
            Some(Config::read(&path)?)
        }
        (None, Some(_)) => None,
    };
    let job = Job::resolve(
        config,
        config::Flags {
            spec: args.spec,
            out: args.out,
            crate_name: args.crate_name,
            module: args.module,
            module_only: args.module_only,
            overlays: args.overlays,
            write_effective: args.write_effective,
            runtime_dir: args.runtime_dir,
            deny_warnings: args.deny_warnings,
            allow_remote_refs: args.allow_remote_refs,
        },
    )?;
    let bytes = read(&job.spec)?;
    let overlays = job
        .overlays
        .iter()
        .map(|path| {
            Overlay::parse(&path.display().to_string(), &read(path)?).map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, String>>()?;
    if let Some(path) = &job.write_effective {
        let (document, _) = effective_document(&bytes, &overlays).map_err(|e| e.to_string())?;
        let text = serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?;
        if !args.check {
            std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let file = job
        .spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut read_refs = reader(&job.spec, job.allow_remote_refs);
    let (out, stages) = generate_with(&bytes, &file, &mut read_refs, &overlays, &job.options)
        .map_err(|e| format!("{}: {e}", job.spec.display()))?;
    for w in &out.summary.warnings {
        eprintln!("warning: {w}");
    }
    if job.deny_warnings && !out.summary.warnings.is_empty() {
        return Err(format!(
            "{} warning(s) and --deny-warnings; nothing written",
            out.summary.warnings.len()
        ));
    }
    let plan = plan::plan(&job, &out).map_err(|e| e.to_string())?;
    let writing = Instant::now();
    if args.check {
        let stale = plan.stale(&job.out);
        if !stale.is_empty() {
            return Err(format!(
                "{} file(s) differ from what {} generates:\n  {}\nrun `{}` and commit the result",
                stale.len(),
                job.spec.display(),
                stale.join("\n  "),
                job.command
            ));
        }
        println!(
            "{}: up to date ({} files)",
            job.out.display(),
            plan.files.len()
        );
        return Ok(());
    }
    let written = plan.write(&job.out)?;
    if let Some(runtime) = &plan.runtime_note {
        println!("{runtime}");
    }
    if args.timings {
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
        "{} operations, {} types, {} untyped, {} warnings; {} of {} files written to {}",
        s.operations,
        s.types,
        s.untyped.len(),
        s.warnings.len(),
        written,
        plan.files.len(),
        job.out.display()
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

fn init(args: Init) -> Result<(), String> {
    if args.path.exists() && !args.force {
        return Err(format!(
            "{} exists; pass --force to replace it",
            args.path.display()
        ));
    }
    let text = config::starter(&args.input, &args.output);
    std::fs::write(&args.path, text).map_err(|e| format!("{}: {e}", args.path.display()))?;
    println!(
        "wrote {}; edit it, then run `openapi-rustgen generate{}`",
        args.path.display(),
        if args.path == Path::new(config::DEFAULT_FILE) {
            String::new()
        } else {
            format!(" --config {}", args.path.display())
        }
    );
    Ok(())
}

fn main() -> ExitCode {
    // reqwest is built with rustls but no crypto provider of its own (the
    // runtime's choice, shared through the workspace): this program picks
    // `ring`, as the runtime does (rustls 0.23.48 deprecates it for lacking
    // post-quantum key exchange; this program only fetches specs).
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let result = match Cli::parse().command {
        Command::Generate(args) => generate(args),
        Command::Init(args) => init(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
