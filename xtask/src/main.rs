//! Project tasks. `cargo xtask regen` regenerates every generated file from the
//! pinned specs (and the test fixtures); `--check` rewrites nothing and fails on drift.
//! `cargo xtask check-features` checks the generated crate with each feature alone;
//! `cargo xtask bench` measures regen, builds and decoding into benches/RESULTS.md.
//! `cargo xtask fetch [API]` downloads, checks and pins the live documents;
//! `cargo xtask check-older` proves the generator on each API's older document;
//! `cargo xtask doc-check` reads the generated crate's rendered docs as docs.rs shows them;
//! `cargo xtask mutants` puts small bugs into the runtime and checks that a test fails for each.

#![forbid(unsafe_code)]

mod bench;
mod docs;
mod features;
mod fetch;
mod manifest;
mod mutants;
mod older;
mod oracle;
mod regen;
mod semver;
mod witness;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Project tasks for the OpenAPI client generator")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate `generated/` and the fixture modules from the pinned specs.
    Regen {
        /// Compare only: fail, naming the stale files, if anything would change.
        #[arg(long)]
        check: bool,
        /// Folder holding the spec documents (default: ../shared/specs beside the workspace).
        #[arg(long, env = "OPENAPI_SPECS_DIR")]
        specs_dir: Option<PathBuf>,
        /// Print how long each API took to generate.
        #[arg(long)]
        timings: bool,
        /// Fail when an API's spec gives the generator warnings.
        #[arg(long)]
        deny_warnings: bool,
        /// Apply the version bump the API changes imply to `generated/Cargo.toml`.
        #[arg(long)]
        bump: bool,
    },
    /// Measure regen, builds of the generated crate and decoding; write benches/RESULTS.md.
    Bench {
        /// Folder holding the spec documents (default: ../shared/specs beside the workspace).
        #[arg(long, env = "OPENAPI_SPECS_DIR")]
        specs_dir: Option<PathBuf>,
        /// Skip the builds of the generated crate (the slow part).
        #[arg(long)]
        skip_builds: bool,
    },
    /// Download each API's live document, check it, pin it and report what changed.
    Fetch {
        /// Only this API (its `name` in specs/apis.toml).
        api: Option<String>,
        /// Folder holding the spec documents (default: ../shared/specs beside the workspace).
        #[arg(long, env = "OPENAPI_SPECS_DIR")]
        specs_dir: Option<PathBuf>,
        /// The manifest to read and update (default: specs/apis.toml).
        #[arg(long)]
        manifest: Option<PathBuf>,
    },
    /// Generate each API's older document (`older` in specs/apis.toml) into a
    /// scratch crate and check it compiles with warnings denied.
    CheckOlder {
        /// Folder holding the spec documents (default: ../shared/specs beside the workspace).
        #[arg(long, env = "OPENAPI_SPECS_DIR")]
        specs_dir: Option<PathBuf>,
    },
    /// The round-trip oracle: instances of every schema made and judged by
    /// independent JSON Schema tools must decode, re-encode unchanged and pick
    /// the variant the spec means (see tests/oracle/oracle.mjs).
    Oracle {
        /// APIs of specs/apis.toml or fixture names (default: every API).
        names: Vec<String>,
        /// Any spec file instead (with `--options` for its generator options).
        #[arg(long)]
        spec: Option<PathBuf>,
        /// A file listing spec files, one a line (the corpus run): each
        /// outcome a JSON line of `--results`.
        #[arg(long, requires = "results")]
        list: Option<PathBuf>,
        /// Where `--list` writes its outcomes.
        #[arg(long)]
        results: Option<PathBuf>,
        /// Generator options for `--spec`, as JSON (see `Options`).
        #[arg(long)]
        options: Option<String>,
        /// Valid instances made per schema.
        #[arg(long, default_value_t = 3)]
        per_schema: usize,
        /// Seed of the instance generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Failures printed per kind.
        #[arg(long, default_value_t = 25)]
        show: usize,
        /// Folder holding the spec documents (default: ../shared/specs beside the workspace).
        #[arg(long, env = "OPENAPI_SPECS_DIR")]
        specs_dir: Option<PathBuf>,
    },
    /// The oracle's child process: generates one spec into a harness crate.
    #[command(hide = true)]
    OraclePrepare {
        spec: PathBuf,
        #[arg(long)]
        options_file: PathBuf,
        /// Overlay files applied first, in order.
        #[arg(long = "overlay")]
        overlays: Vec<PathBuf>,
        #[arg(long)]
        into: PathBuf,
        #[arg(long)]
        module: String,
    },
    /// The generated crate's docs as docs.rs renders them (feature badges),
    /// read for literal brackets, doubled words and missing badges.
    DocCheck {
        /// Folder holding the spec documents (default: ../shared/specs beside the workspace).
        #[arg(long, env = "OPENAPI_SPECS_DIR")]
        specs_dir: Option<PathBuf>,
    },
    /// The change report of each API's older -> current document checked
    /// against cargo-semver-checks (pinned; installed into target/tools on
    /// first use): every item it flags is breaking in the report, every
    /// breaking entry is flagged or of a kind it does not check.
    Semver {
        /// Only these APIs (their `name` in specs/apis.toml).
        apis: Vec<String>,
        /// Two spec files instead (old, new), generated with default options.
        #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
        pair: Option<Vec<PathBuf>>,
        /// Only the witnesses (user code compiled against both crates), not
        /// cargo-semver-checks: nothing to install (CI).
        #[arg(long)]
        witnesses_only: bool,
        /// Folder holding the spec documents (default: ../shared/specs beside the workspace).
        #[arg(long, env = "OPENAPI_SPECS_DIR")]
        specs_dir: Option<PathBuf>,
    },
    /// Put each of a table of small bugs into the runtime in turn and check
    /// that a test fails for it (tests that cannot fail); not in CI.
    Mutants,
    /// `cargo check` the generated crate with each of its features alone.
    CheckFeatures {
        /// Also check each feature together with `samples`.
        #[arg(long)]
        samples: bool,
        /// Only the features starting with this (e.g. `polar`).
        #[arg(long)]
        only: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Regen {
            check,
            specs_dir,
            timings,
            deny_warnings,
            bump,
        } => regen::run(check, specs_dir, timings, deny_warnings, bump),
        Task::Bench {
            specs_dir,
            skip_builds,
        } => {
            let root = regen::workspace_root();
            let specs_dir = specs_dir.unwrap_or_else(|| root.join("../shared/specs"));
            bench::run(&root, specs_dir, skip_builds)
        }
        Task::Fetch {
            api,
            specs_dir,
            manifest,
        } => {
            let root = regen::workspace_root();
            let specs_dir = specs_dir.unwrap_or_else(|| root.join("../shared/specs"));
            let manifest = manifest.unwrap_or_else(|| root.join("specs/apis.toml"));
            fetch::run(&manifest, &specs_dir, api.as_deref())
        }
        Task::CheckOlder { specs_dir } => {
            let root = regen::workspace_root();
            let specs_dir = specs_dir.unwrap_or_else(|| root.join("../shared/specs"));
            older::run(&root, &specs_dir)
        }
        Task::Oracle {
            names,
            spec,
            list,
            results,
            options,
            per_schema,
            seed,
            show,
            specs_dir,
        } => {
            let root = regen::workspace_root();
            let specs_dir = specs_dir.unwrap_or_else(|| root.join("../shared/specs"));
            let effort = oracle::Effort {
                per_target: per_schema,
                seed,
                show,
            };
            match (list, results) {
                (Some(list), Some(results)) => oracle::run_list(&root, &list, &results, &effort),
                _ => oracle::run(
                    &root,
                    &specs_dir,
                    &names,
                    spec.as_deref(),
                    options.as_deref(),
                    &effort,
                ),
            }
        }
        Task::OraclePrepare {
            spec,
            options_file,
            overlays,
            into,
            module,
        } => oracle::prepare(&spec, &options_file, &overlays, &into, &module),
        Task::Mutants => mutants::run(&regen::workspace_root()),
        Task::DocCheck { specs_dir } => {
            let root = regen::workspace_root();
            let specs_dir = specs_dir.unwrap_or_else(|| root.join("../shared/specs"));
            docs::run(&root, &specs_dir)
        }
        Task::Semver {
            apis,
            pair,
            witnesses_only,
            specs_dir,
        } => {
            let root = regen::workspace_root();
            let specs_dir = specs_dir.unwrap_or_else(|| root.join("../shared/specs"));
            let pair = pair.and_then(|p| match p.as_slice() {
                [old, new] => Some((old.clone(), new.clone())),
                _ => None,
            });
            semver::run(&root, &specs_dir, &apis, pair, witnesses_only)
        }
        Task::CheckFeatures { samples, only } => {
            features::run(&regen::workspace_root(), samples, only.as_deref())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
