//! Snapshots of the member-related slice of each real spec (read from
//! `../shared/specs` or `OPENAPI_SPECS_DIR`), so a spec change that touches
//! what users asked for first shows up as a readable diff. They are
//! generated with the API's `specs/apis.toml` options, as regen generates
//! them, and each file of a slice is checked to be the one that ships in
//! `generated/src`.

mod common;

use openapi_generator::ir::{Api, TypeDef};
use openapi_generator::{build_ir, generate, Options};

/// The entries of `specs/apis.toml`, as far as options go.
#[derive(serde::Deserialize)]
struct Manifest {
    api: Vec<Entry>,
}

#[derive(serde::Deserialize)]
struct Entry {
    name: String,
    file: String,
    #[serde(default)]
    options: Options,
}

/// The spec's bytes, the options regen generates it with, and the API's name.
fn load(file: &str) -> (Vec<u8>, Options, String) {
    let path = common::specs_dir().join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/apis.toml");
    let manifest: Manifest = toml::from_str(&std::fs::read_to_string(manifest).unwrap()).unwrap();
    let entry = manifest.api.into_iter().find(|a| a.file == file).unwrap();
    let options = Options {
        source_label: format!("specs/apis.toml [{}] ({file})", entry.name),
        writer: "`cargo xtask regen`".into(),
        group_features: Some(entry.name.clone()),
        ..entry.options
    };
    (bytes, options, entry.name)
}

fn slice<'a>(api: &'a Api, keep: &dyn Fn(&TypeDef) -> bool) -> Vec<&'a TypeDef> {
    api.types.iter().filter(|t| keep(t)).collect()
}

fn snapshot_slice(name: &str, file: &str, keep: &dyn Fn(&TypeDef) -> bool) {
    let (bytes, options, api_name) = load(file);
    let api = build_ir(&bytes, &options).unwrap();
    let types = slice(&api, keep);
    assert!(
        types.len() >= 3,
        "the {name} slice is suspiciously small: {}",
        types.len()
    );
    let modules: Vec<String> = types
        .iter()
        .map(|t| {
            format!(
                "types/{}.rs",
                openapi_generator::naming::file_stem(&t.module)
            )
        })
        .collect();
    insta::assert_yaml_snapshot!(format!("{name}_ir"), types);
    let out = generate(&bytes, &options).unwrap();
    let rust = common::joined(&out.files, |p| modules.iter().any(|m| m == p));
    insta::assert_snapshot!(format!("{name}_rust"), rust);
    // What the snapshot shows is what ships (`cargo xtask regen` writes it).
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../generated/src");
    for m in &modules {
        let path = format!("{shipped}/{api_name}/{m}");
        let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            on_disk == out.files[m],
            "{path} differs from the snapshot's: run `cargo xtask regen`"
        );
    }
}

#[test]
fn polar_member_types() {
    snapshot_slice("polar_members", "polar-2026-10.json", &|t| {
        t.origin.starts_with("#/components/schemas/Member")
    });
}

#[test]
fn configcat_member_types() {
    snapshot_slice("configcat_members", "configcat-2026-08.yaml", &|t| {
        let name = t.origin.trim_start_matches("#/components/schemas/");
        t.origin.starts_with("#/components/schemas/")
            && (name.contains("Member") || name.contains("Invit") || name.contains("Organization"))
    });
}

#[test]
fn real_specs_generate_with_expected_counts() {
    for (file, operations) in [("polar-2026-10.json", 186), ("configcat-2026-08.yaml", 123)] {
        let (bytes, options, _) = load(file);
        let out = generate(&bytes, &options).unwrap();
        assert_eq!(out.summary.operations, operations, "{file}");
        // Every operation is reachable as its own method: group path + name are unique.
        let api = build_ir(&bytes, &options).unwrap();
        let methods: std::collections::BTreeSet<(Vec<String>, String)> = api
            .operations
            .iter()
            .map(|o| (o.groups.clone(), o.rust_name.clone()))
            .collect();
        assert_eq!(
            methods.len(),
            operations,
            "{file}: two operations share a method"
        );
    }
}
