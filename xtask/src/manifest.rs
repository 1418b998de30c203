//! `specs/apis.toml`: which spec documents are pinned, and per-API options.

use std::path::Path;

use openapi_generator::overlay::Overlay;
use serde::Deserialize;

/// The whole manifest.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    /// One entry per API.
    pub api: Vec<ApiEntry>,
}

/// One pinned API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiEntry {
    /// Module and feature name in the generated crate.
    pub name: String,
    /// Human name for docs.
    pub title: String,
    /// File name in the specs folder.
    pub file: String,
    /// Expected sha256 of that file.
    pub sha256: String,
    /// Where the live document is published.
    pub upstream: String,
    /// A hand-written guide (Markdown, relative to `specs/`) for the module's docs.
    #[serde(default)]
    pub guide: Option<String>,
    /// An older document of the same API in the specs folder, which CI
    /// generates and compiles too (`cargo xtask check-older`).
    #[serde(default)]
    pub older: Option<String>,
    /// OpenAPI Overlays (files in `specs/`) applied to the document, in
    /// order, before it is generated: corrections to what the spec says.
    #[serde(default)]
    pub overlays: Vec<String>,
    /// Generator options for this API (grouping, pagination, default headers...).
    #[serde(default)]
    pub options: openapi_generator::Options,
}

impl ApiEntry {
    /// The API's overlays, read from `specs/` under `root`.
    pub fn read_overlays(&self, root: &Path) -> Result<Vec<Overlay>, String> {
        read_overlays(&root.join("specs"), "specs", &self.overlays)
    }
}

/// Overlay files (relative to `dir`, which messages call `shown`), read
/// and parsed, errors naming the file.
pub fn read_overlays(dir: &Path, shown: &str, files: &[String]) -> Result<Vec<Overlay>, String> {
    files
        .iter()
        .map(|file| {
            let path = dir.join(file);
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Overlay::parse(&format!("{shown}/{file}"), &bytes).map_err(|e| e.to_string())
        })
        .collect()
}

pub fn read(path: &Path) -> Result<(String, Manifest), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let manifest = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((text, manifest))
}

/// The manifest text with one API's pin replaced (comments and layout kept).
pub fn with_pin(text: &str, old: &str, new: &str) -> String {
    text.replace(
        &format!("sha256 = \"{old}\""),
        &format!("sha256 = \"{new}\""),
    )
}

/// The manifest text with one API's document file name replaced.
pub fn with_file(text: &str, old: &str, new: &str) -> String {
    text.replace(&format!("file = \"{old}\""), &format!("file = \"{new}\""))
}
