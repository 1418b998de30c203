//! One IR snapshot and one Rust snapshot per fixture spec in `tests/fixtures`;
//! fixtures named `invalid_*` snapshot the error instead, which must name a
//! location in the document.

mod common;

use openapi_generator::overlay::Overlay;
use openapi_generator::{build_ir, build_ir_with, generate, generate_with, Options};

fn options(path: &std::path::Path) -> Options {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    Options {
        source_label: format!("tests/fixtures/{name}"),
        ..Options::default()
    }
}

#[test]
fn fixture_specs() {
    insta::glob!("../fixtures", "*.{yaml,json}", |path| {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        if name.starts_with("invalid_") {
            let err = generate(&bytes, &options(path)).expect_err("an invalid fixture must fail");
            insta::assert_snapshot!("error", err.to_string());
            return;
        }
        let api = build_ir(&bytes, &options(path)).unwrap();
        insta::assert_yaml_snapshot!("ir", api);
        let out = generate(&bytes, &options(path)).unwrap();
        insta::assert_snapshot!("rust", common::joined(&out.files, |_| true));
    });
}

/// Reads the files a multi-file fixture's `openapi.yaml` refers to.
fn beside(root: &std::path::Path) -> impl FnMut(&str) -> Result<Vec<u8>, String> {
    let dir = root.parent().unwrap().to_path_buf();
    move |location: &str| std::fs::read(dir.join(location)).map_err(|e| e.to_string())
}

/// The `overlay.yaml` a fixture folder holds beside its `openapi.yaml`, if any.
fn fixture_overlays(root: &std::path::Path) -> Vec<Overlay> {
    let path = root.with_file_name("overlay.yaml");
    match std::fs::read(&path) {
        Ok(bytes) => vec![Overlay::parse("overlay.yaml", &bytes).unwrap()],
        Err(_) => Vec::new(),
    }
}

/// Fixtures spread over files: a folder with an `openapi.yaml` (and
/// perhaps an `overlay.yaml` applied to it).
#[test]
fn multi_file_fixture_specs() {
    insta::glob!("../fixtures", "*/openapi.yaml", |path| {
        let bytes = std::fs::read(path).unwrap();
        let folder = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let options = Options {
            source_label: format!("tests/fixtures/{folder}"),
            ..Options::default()
        };
        let overlays = fixture_overlays(path);
        let generated = generate_with(
            &bytes,
            "openapi.yaml",
            &mut beside(path),
            &overlays,
            &options,
        );
        if folder.starts_with("invalid_") {
            let err = generated.expect_err("an invalid fixture must fail");
            insta::assert_snapshot!("error", err.to_string());
            return;
        }
        let api = build_ir_with(
            &bytes,
            "openapi.yaml",
            &mut beside(path),
            &overlays,
            &options,
        )
        .unwrap();
        insta::assert_yaml_snapshot!("ir", api);
        let (out, _) = generated.unwrap();
        insta::assert_snapshot!("rust", common::joined(&out.files, |_| true));
    });
}

#[test]
fn generation_is_deterministic_whatever_the_thread_count() {
    // Every single-file fixture, rendered on 1, 2 and 8 threads: the jobs
    // go to threads in a different order each time, the files may not.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".yaml") || name.starts_with("invalid") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let on = |threads| {
            let options = Options {
                threads: Some(threads),
                ..Options::default()
            };
            generate(&bytes, &options).unwrap().files
        };
        let one = on(1);
        assert!(one.len() > 2, "{name}: {} files", one.len());
        assert_eq!(one, on(2), "{name}: 1 vs 2 threads");
        assert_eq!(one, on(8), "{name}: 1 vs 8 threads");
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} fixtures");
}

#[test]
fn errors_point_into_the_spec() {
    let cases: &[(&str, &str)] = &[
        ("{", "not valid JSON"),
        ("openapi: [", "not valid YAML"),
        ("openapi: 2.0.0\ninfo: {title: t, version: v}\npaths: {}", "#/openapi"),
        (
            "openapi: 3.0.0\ninfo: {title: t, version: v}\npaths:\n  /a:\n    get:\n      responses: 5",
            "#/paths/~1a/get/responses",
        ),
        (
            "openapi: 3.1.0\ninfo: {title: t, version: v}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: string, minLength: x}",
            "#/components/schemas/A/minLength",
        ),
        (
            "openapi: 3.1.0\ninfo: {title: t, version: v}\npaths: {}\ncomponents:\n  schemas:\n    A: 7",
            "#/components/schemas/A",
        ),
    ];
    for (spec, expected) in cases {
        let err = generate(spec.as_bytes(), &Options::default()).expect_err(spec);
        assert!(
            err.to_string().contains(expected),
            "{spec:?} gave {err}, expected it to mention {expected}"
        );
    }
}

/// Every stored snapshot belongs to a fixture that still exists or a test that
/// still takes it (CI rejects unreferenced snapshots).
#[test]
fn no_orphan_snapshots() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots");
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    let known_real = [
        "real_specs__polar_members_ir.snap",
        "real_specs__polar_members_rust.snap",
        "real_specs__configcat_members_ir.snap",
        "real_specs__configcat_members_rust.snap",
    ];
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            !name.ends_with(".snap.new"),
            "{name}: a pending snapshot; review it with `cargo insta review`"
        );
        if known_real.contains(&name.as_str()) {
            continue;
        }
        // Fixture snapshots, and the change reports of `tests/changes` pairs.
        let (folder, rest) = match name.strip_prefix("fixtures__") {
            Some(rest) => (fixtures.to_owned(), rest),
            None => {
                match name.strip_prefix("changes__each_kind_of_change_is_reported_and_judged") {
                    Some(rest) => (
                        concat!(env!("CARGO_MANIFEST_DIR"), "/changes").to_owned(),
                        rest,
                    ),
                    None => panic!("{name}: no test takes this snapshot; delete it"),
                }
            }
        };
        let fixture = rest
            .split_once('@')
            .and_then(|(_, f)| f.strip_suffix(".snap"))
            .unwrap_or_else(|| panic!("{name}: no test takes this snapshot; delete it"));
        // insta writes `folder/openapi.yaml` as `folder__openapi.yaml`.
        let fixture = fixture.replace("__", "/");
        assert!(
            std::path::Path::new(&folder).join(&fixture).exists(),
            "{name}: its fixture {fixture} is gone; delete the snapshot"
        );
    }
}

/// Per-API options reach the generated client: default headers and grouping.
#[test]
fn options_shape_the_client() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/parameters.yaml"
    ))
    .unwrap();
    let options = Options {
        default_headers: [("X-Api-Version".to_owned(), "2026-10".to_owned())]
            .into_iter()
            .collect(),
        grouping: openapi_generator::Grouping::OperationId {
            separator: ":".into(),
        },
        ..Options::default()
    };
    let out = generate(&bytes, &options).unwrap();
    let client = &out.files["client.rs"];
    assert!(
        client.contains(r#".default_header("X-Api-Version", "2026-10")"#),
        "{client}"
    );
    // `items:list` groups under `items`; ids without the separator fall back to tags (none here).
    let items = &out.files["operations/items.rs"];
    assert!(items.contains("pub fn list(&self)"), "{items}");
}
