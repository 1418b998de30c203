//! The files one `generate` run owns: the generated module and, for a
//! crate, `src/lib.rs` and `Cargo.toml`; then either compared with the
//! disk (`--check`) or written, leaving unchanged files untouched and
//! removing generated files the spec no longer produces.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use openapi_generator::render::{crate_root, header, RootEntry};
use openapi_generator::{Generated, GroupFeature, Options};

use crate::config::{Job, Runtime};

/// The version the written crate asks of `openapi-runtime` (the runtime's own).
const RUNTIME_VERSION: &str = "0.1";

/// The runtime beside which this program was built, when its checkout is still there.
fn runtime_built_beside() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../runtime");
    dir.join("Cargo.toml")
        .is_file()
        .then(|| dir.canonicalize().ok())
        .flatten()
}

/// Everything a run writes, by path relative to the output folder.
pub struct Plan {
    /// File contents by relative path.
    pub files: BTreeMap<PathBuf, String>,
    /// The folder (relative) whose generated files are all the plan's:
    /// other files there that carry a generated header are stale.
    owned: PathBuf,
    /// What the crate's runtime dependency is and why, to print.
    pub runtime_note: Option<String>,
}

/// The files of `job` from the generated module `out`.
pub fn plan(job: &Job, out: &Generated) -> Result<Plan, openapi_generator::Error> {
    let Some(name) = &job.crate_name else {
        return Ok(Plan {
            files: out
                .files
                .iter()
                .map(|(k, v)| (PathBuf::from(k), v.clone()))
                .collect(),
            owned: PathBuf::new(),
            runtime_note: None,
        });
    };
    let module = PathBuf::from("src").join(&job.module);
    let mut files: BTreeMap<PathBuf, String> = out
        .files
        .iter()
        .map(|(k, v)| (module.join(k), v.clone()))
        .collect();
    let lib = crate_root(
        &header(&job.options),
        &[format!("Generated from `{}`.", job.options.source_label)],
        &[RootEntry {
            module: job.module.clone(),
            features: out.features.iter().map(|f| f.name.clone()).collect(),
            doc: "The API's client and types.".into(),
        }],
    )?;
    files.insert(PathBuf::from("src/lib.rs"), lib);
    let (dependency, note) = runtime_dependency(&job.runtime, &job.out);
    files.insert(
        PathBuf::from("Cargo.toml"),
        manifest(name, &job.options, &out.features, &dependency),
    );
    Ok(Plan {
        files,
        owned: module,
        runtime_note: Some(note),
    })
}

/// The `openapi-runtime = ...` value of the written manifest, and a line
/// saying which runtime that is.
fn runtime_dependency(runtime: &Runtime, out: &Path) -> (String, String) {
    let by_path = |dir: &Path, why: &str| {
        let path = relative(out, dir);
        (
            format!(
                "{{ version = \"{RUNTIME_VERSION}\", path = {:?} }}",
                path.display().to_string()
            ),
            format!("runtime: openapi-runtime from {} ({why})", dir.display()),
        )
    };
    match runtime {
        Runtime::Path(dir) => by_path(dir, "as configured"),
        Runtime::Version(version) => (
            format!("{version:?}"),
            format!("runtime: openapi-runtime {version} from crates.io (as configured)"),
        ),
        Runtime::Default => match runtime_built_beside() {
            Some(dir) => by_path(
                &dir,
                "the checkout this program was built from; set [runtime] in the config or --runtime-dir to choose another",
            ),
            None => (
                format!("\"{RUNTIME_VERSION}\""),
                format!(
                    "runtime: openapi-runtime {RUNTIME_VERSION} from crates.io, where it is not published yet: set [runtime] path in the config or --runtime-dir to a checkout's runtime folder"
                ),
            ),
        },
    }
}

/// `to` relative to the folder `from` (both made absolute, `..` resolved
/// lexically), or `to` made absolute when they share nothing but the root.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let normal = |p: &Path| -> Option<Vec<std::ffi::OsString>> {
        let mut parts = Vec::new();
        for c in std::path::absolute(p).ok()?.components() {
            match c {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::CurDir => {}
                c => parts.push(c.as_os_str().to_os_string()),
            }
        }
        Some(parts)
    };
    let (Some(from), Some(to_parts)) = (normal(from), normal(to)) else {
        return to.to_path_buf();
    };
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common <= 1 {
        return to_parts.iter().collect();
    }
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for c in &to_parts[common..] {
        path.push(c);
    }
    if path.as_os_str().is_empty() {
        path.push(".");
    }
    path
}

/// The written crate's `Cargo.toml`: its features (group features, the
/// samples feature) and what generated code needs.
fn manifest(name: &str, options: &Options, groups: &[GroupFeature], runtime: &str) -> String {
    let mut table = String::new();
    if let Some(api) = &options.group_features {
        table.push_str(&format!("default = [\"{api}\"]\n"));
        table.push_str(&GroupFeature::cargo_lines(api, groups, false));
    }
    if let Some(samples) = &options.samples_feature {
        table.push_str(&format!("{samples} = []\n"));
    }
    let features = if table.is_empty() {
        table
    } else {
        format!("\n[features]\n{table}")
    };
    let header = header(options).replacen("//", "#", 1);
    format!(
        "{header}\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n\n[lints.rust]\nunexpected_cfgs = {{ level = \"warn\", check-cfg = [\"cfg(docsrs)\"] }}\n{features}\n[dependencies]\nopenapi-runtime = {runtime}\nserde = \"1\"\nserde_json = \"1\"\nchrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\nuuid = {{ version = \"1\", features = [\"serde\"] }}\n"
    )
}

/// Whether a file's text starts with a generated header (ours or another run's).
fn is_generated(text: &str) -> bool {
    text.starts_with("// @generated by ")
}

impl Plan {
    /// Generated `.rs` files in the owned folder that the plan does not
    /// write (left by an earlier run of a spec that had more), relative.
    fn leftovers(&self, out: &Path) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut dirs = vec![out.join(&self.owned)];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let Ok(rel) = path.strip_prefix(out) else {
                    continue;
                };
                if path.extension().is_some_and(|e| e == "rs")
                    && !self.files.contains_key(rel)
                    && std::fs::read_to_string(&path).is_ok_and(|t| is_generated(&t))
                {
                    found.push(rel.to_path_buf());
                }
            }
        }
        found.sort();
        found
    }

    /// The files that differ from the plan on disk, are missing, or are
    /// generated leftovers, each with why.
    pub fn stale(&self, out: &Path) -> Vec<String> {
        let mut stale: Vec<String> = self
            .files
            .iter()
            .filter_map(|(rel, content)| match std::fs::read(out.join(rel)) {
                Ok(old) if old == content.as_bytes() => None,
                Ok(_) => Some(format!("{} (differs)", out.join(rel).display())),
                Err(_) => Some(format!("{} (missing)", out.join(rel).display())),
            })
            .collect();
        stale.extend(
            self.leftovers(out)
                .into_iter()
                .map(|rel| format!("{} (no longer generated)", out.join(rel).display())),
        );
        stale
    }

    /// Writes every file that differs (rewriting a file costs far more
    /// than reading it) and removes leftovers; returns how many it wrote.
    pub fn write(&self, out: &Path) -> Result<usize, String> {
        let leftovers = self.leftovers(out);
        let mut written = 0;
        for (rel, content) in &self.files {
            let path = out.join(rel);
            if std::fs::read(&path).is_ok_and(|old| old == content.as_bytes()) {
                continue;
            }
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
            written += 1;
        }
        for rel in leftovers {
            let path = out.join(rel);
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_common_folder() {
        assert_eq!(
            relative(Path::new("/a/b/c"), Path::new("/a/d")),
            PathBuf::from("../../d")
        );
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b/x/../y")),
            PathBuf::from("y")
        );
        assert_eq!(
            relative(Path::new("/a"), Path::new("/a")),
            PathBuf::from(".")
        );
        assert_eq!(
            relative(Path::new("/tmp/x"), Path::new("/w/r/../rt")),
            PathBuf::from("/w/rt")
        );
    }
}
