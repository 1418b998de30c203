//! Every warning (and every untyped place) the generator reports for the
//! real specs and the fixtures points at something the user's document has:
//! a pointer into the spec, or `file#pointer` into a file it refers to,
//! never a place the generator made up (a rewritten keyword, a copy).

mod common;

use std::path::{Path, PathBuf};

use openapi_generator::{generate_with, Options};
use serde_json::Value;

fn read(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    openapi_generator::parse::parse_document(&bytes).unwrap()
}

/// Whether `pointer` (`#/a/b` or `file.yaml#/a/b`) lands in the document at
/// `spec` or in the file it names, beside it.
fn lands(spec: &Path, pointer: &str) -> bool {
    let (file, fragment) = pointer.split_once('#').unwrap_or(("", pointer));
    let doc = if file.is_empty() {
        read(spec)
    } else {
        read(&spec.parent().unwrap().join(file))
    };
    fragment.is_empty() || doc.pointer(fragment).is_some()
}

fn check(spec: &Path, options: &Options) -> usize {
    let bytes = std::fs::read(spec).unwrap();
    let dir = spec.parent().unwrap().to_path_buf();
    let mut beside =
        move |location: &str| std::fs::read(dir.join(location)).map_err(|e| e.to_string());
    let file = spec.file_name().unwrap().to_str().unwrap();
    let (out, _) = generate_with(&bytes, file, &mut beside, &[], options).unwrap();
    let mut bad = Vec::new();
    let pointers = out
        .summary
        .warnings
        .iter()
        .map(|w| w.pointer.as_str().to_owned())
        .chain(out.summary.untyped.iter().cloned());
    let mut n = 0;
    for p in pointers {
        n += 1;
        if !lands(spec, &p) {
            bad.push(p);
        }
    }
    assert!(
        bad.is_empty(),
        "{}: pointers outside the document: {bad:#?}",
        spec.display()
    );
    n
}

#[test]
fn warnings_point_into_the_real_specs() {
    let dir = common::specs_dir();
    let polar = check(&dir.join("polar-2026-10.json"), &Options::default());
    let configcat = check(&dir.join("configcat-2026-08.yaml"), &Options::default());
    assert!(polar > 10 && configcat > 0, "{polar} {configcat}");
    // The older documents too.
    check(&dir.join("polar-2025-06.json"), &Options::default());
    check(&dir.join("configcat-2024-10.yaml"), &Options::default());
}

#[test]
fn warnings_point_into_every_fixture() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            if name.starts_with("invalid_") {
                return None;
            }
            if p.is_dir() {
                return Some(p.join("openapi.yaml")).filter(|r| r.exists());
            }
            (name.ends_with(".yaml") || name.ends_with(".json")).then_some(p)
        })
        .collect();
    specs.sort();
    let total: usize = specs.iter().map(|s| check(s, &Options::default())).sum();
    assert!(total >= 8, "only {total} warnings across the fixtures");
}
