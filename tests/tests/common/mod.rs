//! Helpers shared by the integration tests.
// Each test binary uses part of these helpers.
#![allow(dead_code)]

pub mod prism;

use std::path::PathBuf;

/// The folder holding the real spec documents: `OPENAPI_SPECS_DIR`, or `../shared/specs`.
pub fn specs_dir() -> PathBuf {
    match std::env::var_os("OPENAPI_SPECS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs"),
    }
}

/// All files of a generated module as one text, each under a `// ---- path` line.
pub fn joined(
    files: &std::collections::BTreeMap<String, String>,
    keep: impl Fn(&str) -> bool,
) -> String {
    let mut out = String::new();
    for (path, content) in files {
        if keep(path) {
            out.push_str(&format!("// ---- {path}\n{content}\n"));
        }
    }
    out
}
