//! `cargo xtask oracle`: the round-trip oracle on an API of `specs/apis.toml`,
//! a fixture, or any spec. For each spec it writes a scratch harness crate
//! under `target/oracle/<name>` (the generated module, the oracle's dispatch
//! and traces from the generator, and the hand-written `tests/oracle/harness`
//! files), builds it sharing the workspace's target folder, and hands it to
//! `tests/oracle/oracle.mjs`, which makes instances with json-schema-faker,
//! judges them with ajv and prints the verdict, ending with
//! `oracle <name>: <schemas> schemas, <instances> instances, <failed> failed`.

use std::path::{Path, PathBuf};
use std::process::Command;

use openapi_generator::{oracle_parts, Options};

use crate::manifest;

/// How hard the oracle tries.
pub struct Effort {
    /// Valid instances per schema.
    pub per_target: usize,
    /// The seed of json-schema-faker and of the invalid-input mutations.
    pub seed: u64,
    /// Failures printed per kind.
    pub show: usize,
}

/// One spec to try.
struct Subject {
    name: String,
    path: PathBuf,
    options: Options,
}

pub fn run(
    root: &Path,
    specs_dir: &Path,
    names: &[String],
    spec: Option<&Path>,
    options_json: Option<&str>,
    effort: &Effort,
) -> Result<(), String> {
    let mut subjects = Vec::new();
    if let Some(path) = spec {
        let options: Options = match options_json {
            Some(json) => serde_json::from_str(json).map_err(|e| format!("--options: {e}"))?,
            None => Options::default(),
        };
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(|s| s.replace(|c: char| !c.is_ascii_alphanumeric(), "_"))
            .unwrap_or_else(|| "spec".into());
        subjects.push(Subject {
            name,
            path: path.to_path_buf(),
            options,
        });
    }
    if spec.is_none() || !names.is_empty() {
        let (_, manifest) = manifest::read(&root.join("specs/apis.toml"))?;
        for api in &manifest.api {
            if !names.is_empty() && !names.contains(&api.name) {
                continue;
            }
            subjects.push(Subject {
                name: api.name.clone(),
                path: specs_dir.join(&api.file),
                options: api.options.clone(),
            });
        }
        for name in names {
            if subjects.iter().any(|s| &s.name == name) {
                continue;
            }
            let fixture = fixture_path(root, name).ok_or_else(|| {
                format!("{name}: neither an API in specs/apis.toml nor a fixture")
            })?;
            subjects.push(Subject {
                name: name.clone(),
                path: fixture,
                options: Options::default(),
            });
        }
    }
    install_tools(root)?;
    let mut failed = Vec::new();
    for subject in &subjects {
        if let Err(e) = one(root, subject, effort) {
            eprintln!("error: {}: {e}", subject.name);
            failed.push(subject.name.clone());
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("the oracle failed for {}", failed.join(", ")))
    }
}

fn fixture_path(root: &Path, name: &str) -> Option<PathBuf> {
    let dir = root.join("tests/fixtures");
    [
        dir.join(format!("{name}.yaml")),
        dir.join(format!("{name}.json")),
        dir.join(name).join("openapi.yaml"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// `npm ci` in `tests/oracle` on first use.
fn install_tools(root: &Path) -> Result<(), String> {
    let dir = root.join("tests/oracle");
    if dir.join("node_modules/json-schema-faker").is_dir() && dir.join("node_modules/ajv").is_dir()
    {
        return Ok(());
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .status()
        .map_err(|e| {
            format!(
                "npm ci in {}: {e} (Node.js and npm must be installed)",
                dir.display()
            )
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("npm ci in {} failed", dir.display()))
    }
}

fn write(path: &Path, content: impl AsRef<[u8]>) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, content).map_err(|e| format!("{}: {e}", path.display()))
}

fn one(root: &Path, subject: &Subject, effort: &Effort) -> Result<(), String> {
    let bytes =
        std::fs::read(&subject.path).map_err(|e| format!("{}: {e}", subject.path.display()))?;
    let file = subject
        .path
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or_default()
        .to_owned();
    // Everything compiled unconditionally, nothing that needs the real crate.
    let options = Options {
        source_label: file.clone(),
        group_features: None,
        samples_feature: None,
        doc_path: None,
        compiled_examples: Vec::new(),
        ..subject.options.clone()
    };
    let mut read = crate::regen::files_beside(&subject.path);
    let parts = oracle_parts(&bytes, &file, &mut read, &options).map_err(|e| e.to_string())?;
    let krate = root.join("target/oracle").join(&subject.name);
    let _ = std::fs::remove_dir_all(krate.join("src"));
    for (rel, content) in &parts.files {
        write(&krate.join("src/api").join(rel), content)?;
    }
    write(&krate.join("src/oracle.rs"), &parts.harness)?;
    let harness = root.join("tests/oracle/harness");
    for f in ["support.rs", "main.rs"] {
        let text = std::fs::read_to_string(harness.join(f)).map_err(|e| format!("{f}: {e}"))?;
        write(&krate.join("src").join(f), text)?;
    }
    let bin = format!("oracle-{}", subject.name.replace('_', "-"));
    let cargo_toml = format!(
        "[package]\nname = \"{bin}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\nopenapi-runtime = {{ path = {runtime:?} }}\nserde = \"1\"\nserde_json = {{ version = \"1\", features = [\"preserve_order\", \"float_roundtrip\"] }}\nserde_path_to_error = \"0.1\"\nchrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\nuuid = {{ version = \"1\", features = [\"serde\"] }}\n",
        runtime = root.join("runtime").display().to_string(),
    );
    write(&krate.join("Cargo.toml"), cargo_toml)?;
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let document = serde_json::to_vec(&parts.document).map_err(|e| e.to_string())?;
    write(&krate.join("spec.json"), document)?;
    let targets = serde_json::to_vec_pretty(&parts.targets).map_err(|e| e.to_string())?;
    write(&krate.join("targets.json"), targets)?;
    println!(
        "{}: {} schemas to try; building the harness in {}",
        subject.name,
        parts.targets.len(),
        krate.display()
    );
    let target_dir = root.join("target");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err("the harness does not compile".into());
    }
    let status = Command::new("node")
        .arg(root.join("tests/oracle/oracle.mjs"))
        .arg("--name")
        .arg(&subject.name)
        .arg("--spec")
        .arg(krate.join("spec.json"))
        .arg("--targets")
        .arg(krate.join("targets.json"))
        .arg("--harness")
        .arg(target_dir.join("debug").join(&bin))
        .arg("--per-target")
        .arg(effort.per_target.to_string())
        .arg("--seed")
        .arg(effort.seed.to_string())
        .arg("--show")
        .arg(effort.show.to_string())
        .status()
        .map_err(|e| format!("node: {e} (Node.js must be installed)"))?;
    if status.success() {
        Ok(())
    } else {
        Err("some instances failed (above)".into())
    }
}
