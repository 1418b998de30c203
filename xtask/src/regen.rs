//! `cargo xtask regen [--check]`: specs -> `generated/src`, fixtures -> `tests/src/fixtures`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use openapi_generator::render::{crate_root, RootEntry};
use openapi_generator::surface::Surface;
use openapi_generator::{changes, generate_with, GroupFeature, Options};
use sha2::{Digest, Sha256};

use crate::manifest;

const REGEN: &str = "cargo xtask regen";

pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(Path::to_path_buf).unwrap_or(here)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Expected contents of every file under the managed roots.
struct Plan {
    /// Folders whose `.rs` files are all generated (extra files there are stale).
    roots: Vec<PathBuf>,
    files: BTreeMap<PathBuf, String>,
}

pub fn run(
    check: bool,
    specs_dir: Option<PathBuf>,
    timings: bool,
    deny_warnings: bool,
    bump: bool,
) -> Result<(), String> {
    let root = workspace_root();
    let specs_dir = specs_dir.unwrap_or_else(|| root.join("..").join("shared").join("specs"));
    let manifest_path = root.join("specs").join("apis.toml");
    let (mut manifest_text, manifest) = manifest::read(&manifest_path)?;
    let mut plan = Plan {
        roots: vec![root.join("generated/src"), root.join("tests/src/fixtures")],
        files: BTreeMap::new(),
    };
    let mut problems = Vec::new();
    let mut denied = Vec::new();

    // The real APIs.
    let mut reports = Vec::new();
    let mut entries = Vec::new();
    let mut features = Vec::new();
    for api in &manifest.api {
        let path = specs_dir.join(&api.file);
        let bytes = std::fs::read(&path).map_err(|e| {
            format!(
                "{}: {e} (specs are read from {}; set --specs-dir or OPENAPI_SPECS_DIR)",
                path.display(),
                specs_dir.display()
            )
        })?;
        let sha = sha256_hex(&bytes);
        if sha != api.sha256 {
            if check {
                problems.push(format!(
                    "{}: sha256 is {sha}, specs/apis.toml pins {} (run `{REGEN}` to update the pin)",
                    path.display(),
                    api.sha256
                ));
            } else {
                println!("{}: spec changed, pin updated to {sha}", api.name);
                manifest_text = manifest::with_pin(&manifest_text, &api.sha256, &sha);
            }
        }
        let guide = match &api.guide {
            Some(file) => {
                let path = root.join("specs").join(file);
                Some(
                    std::fs::read_to_string(&path)
                        .map_err(|e| format!("{}: {e}", path.display()))?,
                )
            }
            None => None,
        };
        let options = Options {
            source_label: format!("specs/apis.toml [{}] ({})", api.name, api.file),
            writer: format!("`{REGEN}`"),
            guide,
            group_features: Some(api.name.clone()),
            ..api.options.clone()
        };
        let mut read = files_beside(&path);
        let overlays = api.read_overlays(&root)?;
        let (out, stages) = generate_with(&bytes, &api.file, &mut read, &overlays, &options)
            .map_err(|e| format!("{}: {e}", api.file))?;
        let s = &out.summary;
        println!(
            "{}: {} operations, {} types ({} merged into an identical one), {} untyped, {} warnings",
            api.name,
            s.operations,
            s.types - s.merged.len(),
            s.merged.len(),
            s.untyped.len(),
            s.warnings.len()
        );
        if std::env::var_os("REGEN_SHOW_MERGED").is_some() {
            for (from, to) in &s.merged {
                println!("  merged: {from} = {to}");
            }
        }
        for w in &s.warnings {
            println!("  warning: {w}");
        }
        if deny_warnings && !s.warnings.is_empty() {
            denied.push(format!(
                "{}: {} warning(s) and --deny-warnings",
                api.name,
                s.warnings.len()
            ));
        }
        if timings {
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
            println!(
                "  generated in {:.0} ms: parse {:.0}, normalise {:.0}, IR {:.0}, render+format {:.0} on all cores ({:.0} + {:.0} summed)",
                ms(stages.parse + stages.normalise + stages.ir + stages.output),
                ms(stages.parse),
                ms(stages.normalise),
                ms(stages.ir),
                ms(stages.output),
                ms(stages.render),
                ms(stages.format)
            );
        }
        for (rel, content) in out.files {
            plan.files.insert(
                root.join("generated/src").join(&api.name).join(rel),
                content,
            );
        }
        // The API surface, and what changed since the last one written.
        let surface_path = root
            .join("generated/api")
            .join(format!("{}.json", api.name));
        let old = read_surface(&surface_path)?;
        let report = if old == Surface::default() {
            // The first surface: nothing to compare with.
            println!(
                "  {}: no previous API surface; {} written",
                api.name,
                rel(&root, &surface_path)
            );
            changes::Report {
                changes: Vec::new(),
                bump: changes::Bump::None,
            }
        } else {
            changes::compare(&old, &out.surface)
        };
        println!("  {}: {}", api.name, report.summary());
        reports.push((api.name.clone(), old, out.surface.clone(), report));
        plan.files.insert(
            surface_path,
            serde_json::to_string_pretty(&out.surface).map_err(|e| e.to_string())? + "\n",
        );
        entries.push(RootEntry {
            module: api.name.clone(),
            features: out.features.iter().map(|f| f.name.clone()).collect(),
            doc: format!("The {} API (`{}`).", api.title, api.upstream),
        });
        features.push((api.name.clone(), api.title.clone(), out.features));
    }
    let lib_doc = [
        "Typed async Rust clients for the APIs pinned in `specs/apis.toml`.".to_owned(),
        String::new(),
        "Each API is a module behind a cargo feature of the same name; all are on by default."
            .to_owned(),
        "Each group of operations also has a feature of its own (`polar-members`, `configcat-members`, ...)"
            .to_owned(),
        "that compiles only that group and the types it uses; the API's feature enables them all."
            .to_owned(),
    ];
    let header = format!("// @generated by `{REGEN}` from specs/apis.toml. Do not edit by hand.");
    plan.files.insert(
        root.join("generated/src/lib.rs"),
        crate_root(&header, &lib_doc, &entries).map_err(|e| e.to_string())?,
    );

    let cargo_toml = root.join("generated/Cargo.toml");
    let mut text = std::fs::read_to_string(&cargo_toml)
        .map_err(|e| format!("{}: {e}", cargo_toml.display()))?;
    // The change reports, and the version bump they imply for the crate.
    let version = crate_version(&text).unwrap_or_default();
    let worst = reports
        .iter()
        .map(|(.., r)| r.bump)
        .max()
        .unwrap_or(changes::Bump::None);
    let next = changes::bumped(&version, worst).unwrap_or_else(|| version.clone());
    if worst != changes::Bump::None {
        println!(
            "the API changes imply a {} bump of api-clients: {version} -> {next}{}",
            changes::bump_word(worst),
            if bump { "" } else { " (`--bump` applies it)" }
        );
    }
    if !check {
        for (name, old, new, report) in &reports {
            if report.changes.is_empty() {
                continue;
            }
            let path = root.join("generated").join(format!("CHANGES-{name}.md"));
            let md = report.markdown(name, old, new, Some((&version, next.clone())));
            std::fs::write(&path, md).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("  {}: written", rel(&root, &path));
        }
        if bump && next != version {
            text = text.replacen(
                &format!("version = \"{version}\""),
                &format!("version = \"{next}\""),
                1,
            );
        }
    }
    plan.files.insert(
        cargo_toml.clone(),
        with_features(&text, &features).map_err(|e| format!("{}: {e}", cargo_toml.display()))?,
    );

    fixtures(&root, &mut plan)?;

    if !denied.is_empty() {
        return Err(format!("{}; nothing written", denied.join("; ")));
    }
    let stale = compare(&plan)?;
    if check {
        problems.extend(
            stale
                .iter()
                .map(|(p, why)| format!("{}: {why}", rel(&root, p))),
        );
        if problems.is_empty() {
            println!("generated files are up to date");
            return Ok(());
        }
        return Err(format!(
            "generated files differ from what the specs produce:\n  {}\nrun `{REGEN}` and commit the result",
            problems.join("\n  ")
        ));
    }
    std::fs::write(&manifest_path, manifest_text).map_err(|e| e.to_string())?;
    for (path, why) in &stale {
        match plan.files.get(path) {
            Some(content) => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
                }
                std::fs::write(path, content).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            None => std::fs::remove_file(path).map_err(|e| format!("{}: {e}", path.display()))?,
        }
        println!("  {}: {why}", rel(&root, path));
    }
    println!("{} file(s) written or removed", stale.len());
    Ok(())
}

const FEATURES_BEGIN: &str = "# @generated features: begin";
const FEATURES_END: &str = "# @generated features: end";

/// `generated/Cargo.toml` with the part between the feature markers rewritten:
/// per API, its feature (enabling every top-level group) and one feature per
/// group (enabling its subgroups).
fn with_features(
    text: &str,
    apis: &[(String, String, Vec<GroupFeature>)],
) -> Result<String, String> {
    let missing =
        || format!("the lines `{FEATURES_BEGIN}` and `{FEATURES_END}` must frame the API features");
    let begin = text.find(FEATURES_BEGIN).ok_or_else(missing)?;
    let end = text[begin..].find(FEATURES_END).ok_or_else(missing)? + begin;
    let mut out = format!("{FEATURES_BEGIN} (written by `{REGEN}`, do not edit)\n");
    for (name, title, groups) in apis {
        out.push_str(&format!("\n# {title}: every group of operations.\n"));
        out.push_str(&GroupFeature::cargo_lines(name, groups, true));
    }
    out.push('\n');
    Ok(format!("{}{out}{}", &text[..begin], &text[end..]))
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// Files that differ from the plan: changed, missing, or generated before but no longer.
fn compare(plan: &Plan) -> Result<Vec<(PathBuf, &'static str)>, String> {
    let mut out = Vec::new();
    for (path, content) in &plan.files {
        match std::fs::read_to_string(path) {
            Ok(existing) if existing == *content => {}
            Ok(_) => out.push((path.clone(), "changed")),
            Err(_) => out.push((path.clone(), "missing")),
        }
    }
    for root in &plan.roots {
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(read) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in read.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !plan.files.contains_key(&path)
                {
                    out.push((path, "no longer generated"));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads the documents the spec at `spec` refers to, from its folder; remote
/// ones are refused (regen reads what is pinned, never the network).
pub fn files_beside(spec: &Path) -> impl FnMut(&str) -> Result<Vec<u8>, String> {
    let dir = spec.parent().map(Path::to_path_buf).unwrap_or_default();
    move |location: &str| {
        if location.contains("://") {
            return Err(format!(
                "{location} is remote; regen reads local files only"
            ));
        }
        let path = dir.join(location);
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// Fixture specs in `tests/fixtures` (each file, and each folder holding an
/// `openapi.yaml` that refers to the other files in it) become modules of the
/// integration-tests crate, so they are compiled (with warnings denied in
/// CI) and usable in round-trip tests.
fn fixtures(root: &Path, plan: &mut Plan) -> Result<(), String> {
    let dir = root.join("tests/fixtures");
    let mut names: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            if p.is_dir() {
                let root_doc = p.join("openapi.yaml");
                return root_doc.exists().then(|| (name.clone(), root_doc));
            }
            p.extension()
                .is_some_and(|e| e == "yaml" || e == "json")
                .then_some((name, p))
        })
        .collect();
    names.sort();
    let mut entries = Vec::new();
    for (file_name, path) in names {
        let stem = file_name
            .split('.')
            .next()
            .unwrap_or_default()
            .replace('-', "_");
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let options = Options {
            source_label: format!("tests/fixtures/{file_name}"),
            writer: format!("`{REGEN}`"),
            ..Options::default()
        };
        let own_name = path
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let mut read = files_beside(&path);
        // A fixture folder's `overlay.yaml` is applied to its `openapi.yaml`.
        let overlays = match path.parent().map(|d| d.join("overlay.yaml")) {
            Some(overlay) if overlay.exists() && own_name == "openapi.yaml" => {
                let dir = root.join("tests/fixtures");
                manifest::read_overlays(
                    &dir,
                    "tests/fixtures",
                    &[format!("{file_name}/overlay.yaml")],
                )?
            }
            _ => Vec::new(),
        };
        let out = match generate_with(&bytes, own_name, &mut read, &overlays, &options) {
            Ok((out, _)) => out,
            // Fixtures that must fail are checked by the tests, not compiled.
            Err(_) if stem.starts_with("invalid_") => continue,
            Err(e) => return Err(format!("{}: {e}", rel(root, &path))),
        };
        for (rel_path, content) in out.files {
            plan.files.insert(
                root.join("tests/src/fixtures").join(&stem).join(rel_path),
                content,
            );
        }
        entries.push(RootEntry {
            module: stem.clone(),
            features: Vec::new(),
            doc: format!("Generated from `tests/fixtures/{file_name}`."),
        });
    }
    let header = format!("// @generated by `{REGEN}` from tests/fixtures. Do not edit by hand.");
    let doc = ["The fixture specs, generated and compiled like the real APIs.".to_owned()];
    plan.files.insert(
        root.join("tests/src/fixtures/mod.rs"),
        crate_root(&header, &doc, &entries).map_err(|e| e.to_string())?,
    );
    Ok(())
}

/// The surface last written for an API (empty when there is none yet).
fn read_surface(path: &Path) -> Result<Surface, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Surface::default()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The `version` of a `Cargo.toml`'s `[package]`.
fn crate_version(cargo_toml: &str) -> Option<String> {
    cargo_toml
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .map(str::to_owned)
}
