//! `cargo xtask semver [API..]`: the change report checked against an
//! independent judge. For each API with an `older` document (specs/apis.toml),
//! both documents are generated, with the API's own options and group
//! features, into crates shaped as `api-clients` ships (`target/semver/<api>/
//! {old,new}`); the report compares their surfaces; a pinned
//! `cargo-semver-checks` (installed into `target/tools` on first use, about
//! ten minutes on two cores) compares their public APIs; and the two are
//! matched item by item:
//!
//! - every item cargo-semver-checks flags as needing a major version must be
//!   the subject of a breaking entry of the report;
//! - every breaking entry must be flagged by it or be of a kind it does not
//!   check ([`UNCHECKED`], with why).
//!
//! Prints both counts and the mismatches, writes the report and the tool's
//! output beside the crates, and fails on a mismatch.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use openapi_generator::changes::{self, Change, Report};
use openapi_generator::render::{crate_root, RootEntry};
use openapi_generator::surface::{Surface, TypeSurface};
use openapi_generator::{generate_with, GroupFeature, Options};

use crate::manifest::{self, ApiEntry};

/// The pair name of the synthetic update that only adds
/// (`tests/changes/additive.{old,new}.yaml`), run with the APIs' pairs.
const ADDITIVE: &str = "additive";

/// The cargo-semver-checks release the comparison is pinned to.
pub const TOOL_VERSION: &str = "0.51.0";

/// Kinds of breaking report entries cargo-semver-checks 0.51 has no lint for,
/// matched on the entry's text, with why they still break users' code.
pub const UNCHECKED: &[(&str, &str)] = &[
    (
        "retyped",
        "a changed type of a field, parameter, result or variant: the tool compares item names and signatures' arity, not types",
    ),
    (
        "returns `",
        "a changed result type of an operation's future: the tool does not compare types",
    ),
    (
        "now stands for",
        "an alias standing for another type: the tool does not compare what a `type` alias names",
    ),
    (
        "undeclared properties kept as",
        "the type of a struct's `additional_properties` map changed: a field retyped",
    ),
    (
        "no longer compiled with",
        "a type no longer compiled under a narrower feature: the tool builds with every feature on",
    ),
    (
        "(a dependency line naming it fails to resolve)",
        "a removed feature: checked by the tool only against the default feature set",
    ),
    (
        "now required (a setter became an argument)",
        "a parameter that became an argument of the operation's method: counted by the tool only as a changed parameter count, reported on the method",
    ),
    (
        "(was an alias)",
        "an alias became a type of its own: the tool does not see through `type` aliases",
    ),
    (
        "constant `",
        "a constant's value changed: its single variant keeps its name, but the wire value differs",
    ),
    (
        "`new` takes (",
        "the arguments of a struct's `new` changed in type or order: the tool compares only their count",
    ),
];

/// One generated crate of the pair.
struct Built {
    /// The spec's file name.
    file: String,
    dir: PathBuf,
    surface: Surface,
}

/// `pair`: two spec files compared instead of the APIs' pairs (a module
/// `api` with default options and per-group features, e.g. the fixtures of
/// `tests/changes`).
pub fn run(
    root: &Path,
    specs_dir: &Path,
    only: &[String],
    pair: Option<(PathBuf, PathBuf)>,
    witnesses_only: bool,
) -> Result<(), String> {
    let (_, manifest) = manifest::read(&root.join("specs/apis.toml"))?;
    let tool = if witnesses_only {
        None
    } else {
        let tool = ensure_tool(root)?;
        let levels = levels(&tool)?;
        Some((tool, levels))
    };
    let mut failures = Vec::new();
    // Each pair: its entry, the old spec file and the new one.
    let fixture = |name: &str, old: PathBuf, new: PathBuf| {
        let file = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
        let entry = ApiEntry {
            name: name.into(),
            title: "The".into(),
            file: file(&new).unwrap_or_default(),
            sha256: String::new(),
            upstream: String::new(),
            guide: None,
            older: file(&old),
            overlays: Vec::new(),
            options: Options::default(),
        };
        (entry, old, new)
    };
    let pairs: Vec<(ApiEntry, PathBuf, PathBuf)> = match pair {
        Some((old, new)) => vec![fixture("api", old, new)],
        None => {
            let mut pairs: Vec<_> = manifest
                .api
                .iter()
                .filter(|api| only.is_empty() || only.contains(&api.name))
                .filter_map(|api| {
                    let older = api.older.as_ref()?;
                    Some((
                        api.clone(),
                        specs_dir.join(older),
                        specs_dir.join(&api.file),
                    ))
                })
                .collect();
            // The synthetic update that only adds: minor for both judges.
            if only.is_empty() {
                let dir = root.join("tests/changes");
                pairs.push(fixture(
                    ADDITIVE,
                    dir.join("additive.old.yaml"),
                    dir.join("additive.new.yaml"),
                ));
            }
            pairs
        }
    };
    if pairs.is_empty() {
        return Err("no API of specs/apis.toml (of those named) has an `older` document".into());
    }
    for (api, old_spec, new_spec) in &pairs {
        let base = root.join("target/semver").join(&api.name);
        let old = build(root, old_spec, api, &base.join("old"))?;
        let new = build(root, new_spec, api, &base.join("new"))?;
        let report = changes::compare(&old.surface, &new.surface);
        let md = report.markdown(&api.name, &old.surface, &new.surface, None);
        std::fs::write(base.join("CHANGES.md"), md).map_err(|e| e.to_string())?;
        println!(
            "{}: {} -> {}: report: {} entries, {} breaking, bump {} ({})",
            api.name,
            old.file,
            new.file,
            report.changes.len(),
            report.breaking(),
            changes::bump_word(report.bump),
            rel(root, &base.join("CHANGES.md"))
        );
        let mut verdict = Verdict::default();
        if let Some((tool, levels)) = &tool {
            let output = semver_checks(root, tool, &old.dir, &new.dir)?;
            std::fs::write(base.join("semver-checks.txt"), &output).map_err(|e| e.to_string())?;
            if let Some(summary) = output
                .lines()
                .find(|l| l.trim_start().starts_with("Summary"))
            {
                println!("{}: cargo-semver-checks: {}", api.name, summary.trim());
            }
            let lints = parse(&output);
            verdict = compare(&report, &old.surface, &new.surface, &lints, levels);
            verdict.print(&api.name, &report);
        }
        let witnessed = crate::witness::run(
            root,
            &base,
            &api.name,
            (&old.dir, &old.surface),
            &new.dir,
            &report,
        )?;
        witnessed.print(&api.name);
        let majors = verdict.flagged.get("major").copied().unwrap_or(0);
        if !verdict.ok() || !witnessed.ok() {
            failures.push(api.name.clone());
        } else if api.name == ADDITIVE && (report.bump != changes::Bump::Minor || majors > 0) {
            // (Without the tool, `majors` is 0 and only the report is judged.)
            println!(
                "{}: an update that only adds must be minor for both (report: {}, the tool: {majors} items needing a major version)",
                api.name,
                changes::bump_word(report.bump)
            );
            failures.push(api.name.clone());
        }
    }
    let judges = if tool.is_some() {
        format!("cargo-semver-checks {TOOL_VERSION} and the witnesses")
    } else {
        "the witnesses".to_owned()
    };
    if failures.is_empty() {
        println!("semver: the report agrees with {judges}");
        Ok(())
    } else {
        Err(format!(
            "the report and {judges} disagree for {}",
            failures.join(", ")
        ))
    }
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// `target/tools/bin/cargo-semver-checks` at [`TOOL_VERSION`], installed
/// with `cargo install --locked` when missing or another version.
fn ensure_tool(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join("target/tools");
    let bin = tools.join("bin/cargo-semver-checks");
    let version = |bin: &Path| {
        Command::new(bin)
            .args(["semver-checks", "--version"])
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    if version(&bin).is_some_and(|v| v.ends_with(TOOL_VERSION)) {
        return Ok(bin);
    }
    println!(
        "installing cargo-semver-checks {TOOL_VERSION} into {} (about ten minutes on two cores)",
        rel(root, &tools)
    );
    let status = Command::new(cargo())
        .args(["install", "cargo-semver-checks", "--locked", "--version"])
        .arg(TOOL_VERSION)
        .arg("--root")
        .arg(&tools)
        .status()
        .map_err(|e| format!("cargo install: {e}"))?;
    match version(&bin) {
        Some(v) if status.success() && v.ends_with(TOOL_VERSION) => Ok(bin),
        other => Err(format!(
            "cargo install cargo-semver-checks {TOOL_VERSION} failed (found {other:?})"
        )),
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Generates `file` with `api`'s options into a crate at `dir` shaped as
/// `api-clients` is: the API's module, its feature and group features, the
/// re-exports of `lib.rs`. Samples and the guide are left out (they add no
/// items users' code depends on across versions).
fn build(root: &Path, path: &Path, api: &ApiEntry, dir: &Path) -> Result<Built, String> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = file.as_str();
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let options = Options {
        source_label: file.to_owned(),
        writer: "`cargo xtask semver`".into(),
        group_features: Some(api.name.clone()),
        samples_feature: None,
        ..api.options.clone()
    };
    let mut read = crate::regen::files_beside(path);
    let (out, _) = generate_with(&bytes, file, &mut read, &api.read_overlays(root)?, &options)
        .map_err(|e| format!("{file}: {e}"))?;
    let _ = std::fs::remove_dir_all(dir.join("src"));
    for (rel, content) in &out.files {
        let file = dir.join("src").join(&api.name).join(rel);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&file, content).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    let entry = RootEntry {
        module: api.name.clone(),
        features: out.features.iter().map(|f| f.name.clone()).collect(),
        doc: format!("The {} API as {file} describes it.", api.title),
    };
    let header = format!("// @generated by `cargo xtask semver` from {file}.");
    let lib = crate_root(
        &header,
        &[format!("{} ({file}), for cargo-semver-checks.", api.title)],
        &[entry],
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/lib.rs"), lib).map_err(|e| e.to_string())?;
    let runtime = root.join("runtime");
    let features = format!(
        "[features]\ndefault = [\"{name}\"]\n{}",
        GroupFeature::cargo_lines(&api.name, &out.features, false),
        name = api.name,
    );
    let cargo_toml = format!(
        "[package]\nname = \"api-clients\"\nversion = \"1.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[lints.rust]\nunexpected_cfgs = {{ level = \"warn\", check-cfg = [\"cfg(docsrs)\"] }}\n\n{features}\n[dependencies]\nopenapi-runtime = {{ path = {runtime:?} }}\nserde = \"1\"\nserde_json = {{ version = \"1\", features = [\"preserve_order\", \"float_roundtrip\"] }}\nchrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\nuuid = {{ version = \"1\", features = [\"serde\"] }}\n",
        runtime = runtime.display().to_string(),
    );
    std::fs::write(dir.join("Cargo.toml"), cargo_toml).map_err(|e| e.to_string())?;
    // The workspace's versions, so the shared target folder is reused.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    Ok(Built {
        file: file.to_owned(),
        dir: dir.to_owned(),
        surface: out.surface,
    })
}

/// cargo-semver-checks' text output for `new` against the baseline `old`,
/// asked as for a patch release so that every lint (major and minor) fails.
fn semver_checks(root: &Path, tool: &Path, old: &Path, new: &Path) -> Result<String, String> {
    let output = Command::new(tool)
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(old)
        .args([
            "--release-type",
            "patch",
            "--all-features",
            "--color",
            "never",
        ])
        .env("CARGO_TARGET_DIR", root.join("target/semver/target"))
        .output()
        .map_err(|e| format!("{}: {e}", tool.display()))?;
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    if !stderr.contains("Checked [") {
        return Err(format!(
            "cargo-semver-checks did not run its checks:\n{stderr}{stdout}"
        ));
    }
    // The lints are on stdout, the progress and summary on stderr.
    Ok(format!("{stdout}\n{stderr}"))
}

/// One failed lint of cargo-semver-checks.
#[derive(Debug)]
pub struct Lint {
    /// Its id (`struct_missing`).
    pub id: String,
    /// The `Failed in:` lines.
    pub items: Vec<String>,
    /// A warn-level lint (`--- warning`): the tool does not fail on it.
    pub warning: bool,
}

/// The failed lints in cargo-semver-checks' text output.
pub fn parse(output: &str) -> Vec<Lint> {
    let mut lints: Vec<Lint> = Vec::new();
    let mut in_items = false;
    for line in output.lines() {
        let head = line
            .strip_prefix("--- failure ")
            .map(|h| (h, false))
            .or_else(|| line.strip_prefix("--- warning ").map(|h| (h, true)));
        if let Some((head, warning)) = head {
            let head = head.trim_end_matches(" ---");
            let id = head.split_once(": ").map_or(head, |(id, _)| id);
            lints.push(Lint {
                id: id.to_owned(),
                items: Vec::new(),
                warning,
            });
            in_items = false;
        } else if line.trim() == "Failed in:" {
            in_items = true;
        } else if in_items {
            // Items are indented by two spaces; anything else ends the list.
            match (line.strip_prefix("  "), lints.last_mut()) {
                (Some(item), Some(lint)) if item.starts_with(|c: char| !c.is_whitespace()) => {
                    lint.items.push(item.to_owned())
                }
                _ => in_items = false,
            }
        }
    }
    lints
}

/// Each lint's required update (`major`, `minor`), from `--list`.
fn levels(tool: &Path) -> Result<BTreeMap<String, String>, String> {
    let output = Command::new(tool)
        .args(["semver-checks", "--list"])
        .output()
        .map_err(|e| format!("{}: {e}", tool.display()))?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let (id, level) = (words.next()?, words.next()?);
            matches!(level, "major" | "minor").then(|| (id.to_owned(), level.to_owned()))
        })
        .collect())
}

/// A report subject: its area (`type`, `operation`, `server`, `webhook`,
/// `feature`) and name.
type Key = (String, String);

/// The item a `Failed in:` line names, and the member of it when it names
/// one: `field f of struct X` → (`X`, `f`); `variant X::V`, `X::m`,
/// `api_clients::api::types::X::new takes ...` → (`X`, `V`/`m`/`new`);
/// `struct api_clients::api::types::X` → (`X`, none).
fn named(line: &str) -> Option<(String, Option<String>)> {
    let mut words = line.split_whitespace();
    let first = words.next()?;
    if first == "field" {
        let field = words.next()?;
        // `field X.f in file ...`
        if let Some((item, field)) = field.split_once('.') {
            return Some((item.to_owned(), Some(field.to_owned())));
        }
        let (_, rest) = line.split_once(" of ")?;
        let item = rest.split_whitespace().nth(1)?.trim_end_matches(',');
        let (item, _) = split_path(item)?;
        return Some((item, Some(field.to_owned())));
    }
    let kinds = [
        "struct", "enum", "variant", "type", "method", "function", "fn", "trait", "union",
        "module", "constant", "static", "macro", "field",
    ];
    let word = if kinds.contains(&first) {
        words.next()?
    } else {
        first
    };
    split_path(word.trim_end_matches([',', ':']))
}

/// `api_clients::polar::types::X::m` → (`X`, `m`): the first segment that
/// starts upper-case is the item, the next one its member.
fn split_path(path: &str) -> Option<(String, Option<String>)> {
    let mut segments = path
        .split("::")
        .skip_while(|s| !s.starts_with(char::is_uppercase));
    let item = segments.next()?;
    let item = item.split('<').next().unwrap_or(item);
    Some((item.to_owned(), segments.next().map(str::to_owned)))
}

/// The report subjects a flagged item stands for, looked up in both
/// surfaces: a type, a server, an operation by its builder, error enum or
/// method, every operation under a group struct.
fn keys_of(item: &str, member: Option<&str>, surfaces: [&Surface; 2]) -> Vec<Key> {
    let key = |area: &str, name: &str| (area.to_owned(), name.to_owned());
    if item == "Server" {
        return member.map(|m| vec![key("server", m)]).unwrap_or_default();
    }
    if surfaces.iter().any(|s| s.types.contains_key(item)) {
        // An alias stands for its target too: the tool names the item by
        // the path users write, the report the type that changed.
        let mut keys = vec![key("type", item)];
        for s in surfaces {
            if let Some(TypeSurface::Alias { of }) = s.types.get(item).map(|t| &t.shape) {
                keys.push(key("type", of.split('<').next().unwrap_or(of)));
            }
        }
        return keys;
    }
    let mut keys = BTreeSet::new();
    for s in surfaces {
        // The calls leading to group struct `item` (`customers().members()`;
        // none for the client itself), found once.
        let prefix = s
            .operations
            .values()
            .find(|o| !o.group.is_empty() && o.group == item)
            .and_then(|o| o.rust.rsplit_once('.'))
            .map(|(p, _)| p);
        let depth = prefix.map_or(0, |p| p.split('.').count());
        for (id, op) in &s.operations {
            let builder = !op.builder.is_empty()
                && (item == op.builder || item.strip_suffix("Error") == Some(op.builder.as_str()));
            // A group's struct: its methods are its operations and its
            // subgroups' accessors (the client's: the root operations and
            // the top-level groups), named by the call after its prefix.
            let under_item = match prefix {
                Some(p) => op
                    .rust
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.starts_with('.')),
                // The client's own methods: root operations, or by name any
                // top-level group's accessor.
                None => item == "Client" && (member.is_some() || op.group.is_empty()),
            };
            let named = match member {
                None => true,
                Some(m) => op
                    .rust
                    .split('.')
                    .nth(depth)
                    .is_some_and(|c| c.trim_end_matches("()") == m),
            };
            if builder || (under_item && named) {
                keys.insert(key("operation", id));
            }
        }
        if item == "Event" {
            if let Some(m) = member {
                for name in s.webhooks.keys() {
                    if openapi_generator::naming::type_name(name, "Event") == m {
                        keys.insert(key("webhook", name));
                    }
                }
            }
        }
    }
    keys.into_iter().collect()
}

/// How the report and the tool agree on one API pair.
#[derive(Default)]
struct Verdict {
    /// Items flagged at each level (`major`, `minor`), and warnings.
    flagged: BTreeMap<String, usize>,
    /// Items the tool requires a major version for that no breaking entry
    /// of the report covers: lint, line, the subjects looked for.
    missed: Vec<(String, String, Vec<Key>)>,
    /// Flagged lines naming nothing the surfaces know.
    unmapped: Vec<(String, String)>,
    /// Breaking entries whose subject the tool flags.
    confirmed: usize,
    /// Breaking entries of kinds the tool does not check, by kind.
    unchecked: BTreeMap<&'static str, usize>,
    /// Breaking entries neither flagged nor of an unchecked kind.
    unconfirmed: Vec<Change>,
    /// Items the tool flags at minor level with no entry of the report.
    minor_missed: Vec<(String, String)>,
}

impl Verdict {
    fn ok(&self) -> bool {
        self.missed.is_empty() && self.unmapped.is_empty() && self.unconfirmed.is_empty()
    }

    fn print(&self, api: &str, report: &Report) {
        let count = |k: &str| self.flagged.get(k).copied().unwrap_or(0);
        println!(
            "{api}: cargo-semver-checks {TOOL_VERSION}: {} items need a major version, {} a minor one, {} warnings",
            count("major"),
            count("minor"),
            count("warning"),
        );
        let unchecked: usize = self.unchecked.values().sum();
        println!(
            "{api}: report: {} breaking entries: {} on items the tool flags, {} of kinds it does not check, {} unconfirmed",
            report.breaking(),
            self.confirmed,
            unchecked,
            self.unconfirmed.len()
        );
        for (pattern, n) in &self.unchecked {
            let why = UNCHECKED
                .iter()
                .find(|(p, _)| p == pattern)
                .map_or("", |(_, why)| why);
            println!("  {n} × `{pattern}`: {why}");
        }
        println!(
            "{api}: {} items the tool requires a major version for are not breaking in the report; {} flagged lines name nothing the surfaces know; {} minor-level items have no entry",
            self.missed.len(),
            self.unmapped.len(),
            self.minor_missed.len()
        );
        for (lint, line, keys) in self.missed.iter().take(30) {
            println!("  missed ({lint}): {line} (looked for {keys:?})");
        }
        for (lint, line) in self.unmapped.iter().take(30) {
            println!("  unmapped ({lint}): {line}");
        }
        for c in self.unconfirmed.iter().take(30) {
            println!("  unconfirmed: {} `{}`: {}", c.area, c.subject, c.what);
        }
        for (lint, line) in self.minor_missed.iter().take(30) {
            println!("  minor, no entry ({lint}): {line}");
        }
    }
}

/// Whether an entry "`new` takes (a, b) (was (a))" changes the number of
/// arguments (which the tool checks) rather than only their types or order.
fn new_arity_changed(what: &str) -> bool {
    let count = |list: &str| list.split(", ").filter(|w| !w.is_empty()).count();
    let Some(rest) = what.strip_prefix("`new` takes (") else {
        return false;
    };
    match rest.split_once(") (was (") {
        Some((is, was)) => count(is) != count(was.split_once("))").map_or(was, |(w, _)| w)),
        None => false,
    }
}

/// Matches the report with the tool's lints.
fn compare(
    report: &Report,
    old: &Surface,
    new: &Surface,
    lints: &[Lint],
    levels: &BTreeMap<String, String>,
) -> Verdict {
    let mut v = Verdict::default();
    let breaking: BTreeSet<Key> = report
        .changes
        .iter()
        .filter(|c| c.breaking)
        .map(|c| (c.area.to_owned(), c.subject.clone()))
        .collect();
    let listed: BTreeSet<Key> = report
        .changes
        .iter()
        .map(|c| (c.area.to_owned(), c.subject.clone()))
        .collect();
    let mut flagged_keys = BTreeSet::new();
    for lint in lints {
        let level = if lint.warning {
            "warning"
        } else {
            levels.get(&lint.id).map_or("major", String::as_str)
        };
        for line in &lint.items {
            *v.flagged.entry(level.to_owned()).or_default() += 1;
            let keys = named(line)
                .map(|(item, member)| keys_of(&item, member.as_deref(), [old, new]))
                .unwrap_or_default();
            if keys.is_empty() {
                v.unmapped.push((lint.id.clone(), line.clone()));
                continue;
            }
            match level {
                "major" => {
                    flagged_keys.extend(keys.iter().cloned());
                    if !keys.iter().any(|k| breaking.contains(k)) {
                        v.missed.push((lint.id.clone(), line.clone(), keys));
                    }
                }
                "minor" if !keys.iter().any(|k| listed.contains(k)) => {
                    v.minor_missed.push((lint.id.clone(), line.clone()))
                }
                _ => {}
            }
        }
    }
    for c in report.changes.iter().filter(|c| c.breaking) {
        let pattern = UNCHECKED
            .iter()
            .find(|(p, _)| c.what.contains(p))
            .filter(|_| !new_arity_changed(&c.what));
        if let Some((pattern, _)) = pattern {
            *v.unchecked.entry(pattern).or_default() += 1;
        } else if flagged_keys.contains(&(c.area.to_owned(), c.subject.clone())) {
            v.confirmed += 1;
        } else {
            v.unconfirmed.push(c.clone());
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_in_lines_name_their_item_and_member() {
        let cases = [
            (
                "struct api_clients::configcat::types::ReferenceLine, previously in file /x.rs:8",
                ("ReferenceLine", None),
            ),
            (
                "field change_set_id of struct AuditLogItemModel, previously in file /x.rs:14",
                ("AuditLogItemModel", Some("change_set_id")),
            ),
            ("field Checkout.product_price in file /x.rs:7", ("Checkout", Some("product_price"))),
            ("variant Server::TestApi, previously in file /x.rs:8", ("Server", Some("TestApi"))),
            (
                "OrganizationMemberModel::with_email, previously in file /x.rs:33",
                ("OrganizationMemberModel", Some("with_email")),
            ),
            (
                "type CreateSettingInitialValues no longer derives Eq, in /x.rs:6",
                ("CreateSettingInitialValues", None),
            ),
            (
                "api_clients::polar::types::OrderUser::new takes 3 parameters in /x.rs:20, but now takes 2 parameters in /y.rs:20",
                ("OrderUser", Some("new")),
            ),
            (
                "method api_clients::configcat::operations::audit_logs::AuditLogs::get_auditlogs in /x.rs:77",
                ("AuditLogs", Some("get_auditlogs")),
            ),
            (
                "AuditLogType::ProductDeleted moved from position 4 to 3, in /x.rs:12",
                ("AuditLogType", Some("ProductDeleted")),
            ),
        ];
        for (line, (item, member)) in cases {
            let got = named(line);
            assert_eq!(
                got,
                Some((item.to_owned(), member.map(str::to_owned))),
                "{line}"
            );
        }
    }

    #[test]
    fn lints_and_their_items_are_read_from_the_output() {
        let output = "
--- failure struct_missing: pub struct removed or renamed ---

Description:
A publicly-visible struct cannot be imported by its prior path.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove

Failed in:
  struct api_clients::a::types::A, previously in file /a.rs:1
  struct api_clients::a::types::B, previously in file /b.rs:1

--- warning partial_ord_enum_variants_reordered: enum variants reordered ---

Failed in:
  E::X moved from position 1 to 2, in /e.rs:3
    Building api-clients v1.0.0 (current)
";
        let lints = parse(output);
        assert_eq!(lints.len(), 2);
        assert_eq!(lints[0].id, "struct_missing");
        assert_eq!(lints[0].items.len(), 2);
        assert!(!lints[0].warning);
        assert_eq!(
            lints[1].items,
            ["E::X moved from position 1 to 2, in /e.rs:3"]
        );
        assert!(lints[1].warning);
    }

    #[test]
    fn a_new_with_another_number_of_arguments_is_for_the_tool_to_flag() {
        assert!(new_arity_changed(
            "`new` takes (a, b) (was (a)): calls break"
        ));
        assert!(new_arity_changed("`new` takes (a) (was ()): calls break"));
        assert!(!new_arity_changed(
            "`new` takes (b, a) (was (a, b)): swapped"
        ));
        assert!(!new_arity_changed("field `a` retyped `i64` → `f64`"));
    }
}
