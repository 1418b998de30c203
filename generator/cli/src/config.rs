//! The config file (`openapi-rustgen.toml`) and how it and the command
//! line become one [`Job`].
//!
//! A config names the spec, the output, the crate and module names, the
//! overlays and the runtime dependency; its `[options]` table has the
//! fields of an `[api.options]` table in this repository's
//! `specs/apis.toml` (the library's `Options`). Paths in it are relative to
//! its own folder; flags on the command line override it.

use std::path::{Path, PathBuf};

use openapi_generator::Options;
use serde::Deserialize;

/// The config file `generate` reads when given neither a spec nor `--config`.
pub const DEFAULT_FILE: &str = "openapi-rustgen.toml";

/// The program's name, as headers and messages give it.
const PROGRAM: &str = "openapi-rustgen";

/// A config file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The spec (JSON or YAML).
    input: Option<String>,
    /// The crate's folder (or the module folder, with `module_only`).
    output: Option<String>,
    /// Package name of the written crate (default: the output folder's name).
    crate_name: Option<String>,
    /// Name of the API's module in the crate (default `api`).
    module: Option<String>,
    /// Write only the module folder.
    #[serde(default)]
    module_only: bool,
    /// OpenAPI Overlays applied to the spec, in order.
    #[serde(default)]
    overlays: Vec<String>,
    /// Where to write the spec with its overlays applied, for review.
    effective_document: Option<String>,
    /// The `openapi-runtime` dependency of the written crate.
    runtime: Option<RuntimeConfig>,
    /// Fail on warnings.
    #[serde(default)]
    deny_warnings: bool,
    /// Fetch remote `$ref`s.
    #[serde(default)]
    allow_remote_refs: bool,
    /// Generator options.
    #[serde(default)]
    options: Options,
    /// Where the file was read from (not a field of the file).
    #[serde(skip)]
    path: PathBuf,
}

/// `[runtime]`: the runtime crate by path, or by version from crates.io.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuntimeConfig {
    path: Option<String>,
    version: Option<String>,
}

/// How the written crate depends on `openapi-runtime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// A folder holding the runtime crate (relative to the current folder or absolute).
    Path(PathBuf),
    /// A version from crates.io.
    Version(String),
    /// Neither said: the runtime this program was built beside, if its
    /// checkout is still there (see [`crate::plan`]).
    Default,
}

impl Config {
    /// Reads and parses a config file; errors name it.
    pub fn read(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut config: Config =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        config.path = path.to_path_buf();
        Ok(config)
    }

    /// A path the config gives, relative to the config's folder.
    fn at(&self, relative: &str) -> PathBuf {
        match self.path.parent() {
            Some(dir) if !Path::new(relative).is_absolute() => dir.join(relative),
            _ => PathBuf::from(relative),
        }
    }
}

/// What the command line says besides the config.
pub struct Flags {
    pub spec: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub crate_name: Option<String>,
    pub module: Option<String>,
    pub module_only: bool,
    pub overlays: Vec<PathBuf>,
    pub write_effective: Option<PathBuf>,
    pub runtime_dir: Option<PathBuf>,
    pub deny_warnings: bool,
    pub allow_remote_refs: bool,
}

/// One run of `generate`, everything decided.
#[derive(Debug)]
pub struct Job {
    /// The spec's file.
    pub spec: PathBuf,
    /// The output folder.
    pub out: PathBuf,
    /// The crate's package name; `None` writes only the module folder.
    pub crate_name: Option<String>,
    /// The module's name in the crate.
    pub module: String,
    /// Overlay files, the config's then the command line's.
    pub overlays: Vec<PathBuf>,
    /// Where to write the effective document.
    pub write_effective: Option<PathBuf>,
    /// The runtime dependency.
    pub runtime: Runtime,
    pub deny_warnings: bool,
    pub allow_remote_refs: bool,
    /// Generator options, with the header's writer and source set.
    pub options: Options,
    /// The command that repeats this run, for messages.
    pub command: String,
}

impl Job {
    /// The config (if any) with the flags over it.
    pub fn resolve(config: Option<Config>, flags: Flags) -> Result<Job, String> {
        let config = config.unwrap_or_default();
        let from_config = !config.path.as_os_str().is_empty();
        let spec = match (&flags.spec, &config.input) {
            (Some(spec), _) => spec.clone(),
            (None, Some(input)) => config.at(input),
            (None, None) => {
                return Err(format!(
                    "{}: no `input`: name the spec there or on the command line",
                    config.path.display()
                ))
            }
        };
        let out = match (&flags.out, &config.output) {
            (Some(out), _) => out.clone(),
            (None, Some(output)) => config.at(output),
            (None, None) => {
                return Err("no output folder: pass --out DIR or set `output` in the config".into())
            }
        };
        let module_only = flags.module_only || config.module_only;
        let crate_name = if module_only {
            None
        } else {
            let name = flags
                .crate_name
                .clone()
                .or(config.crate_name.clone())
                .or_else(|| {
                    std::path::absolute(&out)
                        .ok()?
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                })
                .ok_or_else(|| format!("{}: no crate name: pass --crate-name", out.display()))?;
            Some(name)
        };
        let runtime = match (&flags.runtime_dir, &config.runtime) {
            (Some(dir), _) => Runtime::Path(dir.clone()),
            (None, Some(RuntimeConfig { path: Some(p), .. })) => Runtime::Path(config.at(p)),
            (
                None,
                Some(RuntimeConfig {
                    version: Some(v), ..
                }),
            ) => Runtime::Version(v.clone()),
            _ => Runtime::Default,
        };
        let mut overlays: Vec<PathBuf> = config.overlays.iter().map(|o| config.at(o)).collect();
        overlays.extend(flags.overlays);
        let command = if from_config {
            format!("{PROGRAM} generate --config {}", config.path.display())
        } else {
            format!(
                "{PROGRAM} generate {} --out {}",
                spec.display(),
                out.display()
            )
        };
        // The header names the command without this machine's paths, so
        // that the files are the same wherever they are generated.
        let writer = match config.path.file_name() {
            Some(name) if from_config => {
                format!("`{PROGRAM} generate --config {}`", name.to_string_lossy())
            }
            _ => format!("`{PROGRAM} generate`"),
        };
        let source_label = match (&flags.spec, &config.input) {
            (None, Some(input)) => input.clone(),
            _ => spec
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        let options = Options {
            writer,
            source_label,
            ..config.options.clone()
        };
        Ok(Job {
            spec,
            out,
            crate_name,
            module: flags
                .module
                .or(config.module.clone())
                .unwrap_or_else(|| "api".into()),
            overlays,
            write_effective: flags
                .write_effective
                .or(config.effective_document.as_deref().map(|e| config.at(e))),
            runtime,
            deny_warnings: flags.deny_warnings || config.deny_warnings,
            allow_remote_refs: flags.allow_remote_refs || config.allow_remote_refs,
            options,
            command,
        })
    }
}

/// The config `init` writes: input and output set, every other field
/// present as a comment saying what it does.
pub fn starter(input: &str, output: &str) -> String {
    format!(
        r#"# openapi-rustgen config: `openapi-rustgen generate` reads this file
# (or `openapi-rustgen generate --config FILE`). Paths are relative to it.

# The spec (OpenAPI 3.0/3.1/3.2, JSON or YAML).
input = {input:?}
# The crate's folder; the package name is the folder's unless `crate_name` says.
output = {output:?}
# crate_name = "my-api-client"
# The API's module inside the crate (`my_api_client::api::Client`).
# module = "api"
# Write only the module folder, to `mod` into a crate of your own.
# module_only = true

# OpenAPI Overlays (1.0/1.1) applied to the spec in order, to correct it
# without editing it; and where to write the result for review.
# overlays = ["fixes.overlay.yaml"]
# effective_document = "openapi.effective.json"

# The `openapi-runtime` crate the written crate depends on: a folder, or a
# version from crates.io. Unset: the runtime this program was built beside.
# [runtime]
# path = "../openapi-runtime"

# Fail when the generator warns (each warning names a place in the spec).
# deny_warnings = true
# Fetch `$ref`s to http(s) documents.
# allow_remote_refs = true

[options]
# How operations become `client.group().operation()`: by the first tag, or by
# the operation id split at a separator (`customers:list` -> customers().list()).
# grouping = {{ by = "tag" }}
# grouping = {{ by = "operation-id", separator = ":" }}
# Rust names for groups, by tag or id segment.
# group_names = {{ "Feature Flags & Settings" = "flags" }}
# One cargo feature per group (`my-api-customers`), under this prefix.
# group_features = "my-api"
# Headers every request sends.
# default_headers = {{ "X-Api-Version" = "2024-01-01" }}
# The API's documentation site (relative links in the spec's Markdown).
# docs_url = "https://example.com/docs"
# Rust path of the module, for compiled examples in the docs.
# doc_path = "my_api_client::api"
# How webhook secrets become signing keys: "standard" (whsec_ + base64) or "utf8".
# webhook_key = "standard"
# Page-number pagination marked by an operation extension.
# [options.pagination]
# extension = "x-pagination"
# page_param = "page"
# items = "items"
# max_page = "pagination.max_page"
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_config_parses_and_names_its_input_and_output() {
        let config: Config = toml::from_str(&starter("spec.yaml", "out")).unwrap();
        assert_eq!(config.input.as_deref(), Some("spec.yaml"));
        assert_eq!(config.output.as_deref(), Some("out"));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = toml::from_str::<Config>("inputs = \"a\"").unwrap_err();
        assert!(err.to_string().contains("unknown field `inputs`"), "{err}");
    }
}
