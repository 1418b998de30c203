//! `cargo xtask check-features`: `cargo check` of the generated crate with each
//! of its features alone (no default features), so a missing `cfg` on a group's
//! operations or on a type module it reaches fails CI instead of a user's build.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Every feature of `generated/Cargo.toml` but `default`, sorted.
fn features(root: &Path) -> Result<Vec<String>, String> {
    let path = root.join("generated/Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let manifest: toml::Table =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let table = manifest
        .get("features")
        .and_then(toml::Value::as_table)
        .ok_or_else(|| format!("{}: no [features] table", path.display()))?;
    Ok(table
        .keys()
        .filter(|name| *name != "default")
        .cloned()
        .collect())
}

/// Checks the generated crate once per feature set: each feature alone and,
/// with `samples`, each feature together with `samples` (the contract tests'
/// sample calls are gated per group too). `only` narrows to features starting
/// with it.
pub fn run(root: &Path, with_samples: bool, only: Option<&str>) -> Result<(), String> {
    let mut sets: Vec<String> = features(root)?
        .into_iter()
        .filter(|f| only.is_none_or(|prefix| f.starts_with(prefix)))
        .collect();
    if with_samples {
        let combined: Vec<String> = sets
            .iter()
            .filter(|f| *f != "samples")
            .map(|f| format!("{f},samples"))
            .collect();
        sets.extend(combined);
    }
    if sets.is_empty() {
        return Err("no feature matches".to_owned());
    }
    let started = Instant::now();
    let mut failed = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        let one = Instant::now();
        let status = Command::new(env!("CARGO"))
            .current_dir(root)
            .args(["check", "--quiet", "--package", "api-clients"])
            .args(["--no-default-features", "--features", set])
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let verdict = if status.success() { "ok" } else { "FAILED" };
        println!(
            "[{}/{}] --features {set}: {verdict} ({:.1} s)",
            i + 1,
            sets.len(),
            one.elapsed().as_secs_f64()
        );
        if !status.success() {
            failed.push(set.clone());
        }
    }
    println!(
        "{} feature set(s) checked in {:.0} s",
        sets.len(),
        started.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the generated crate does not build with --no-default-features --features:\n  {}",
            failed.join("\n  ")
        ))
    }
}
