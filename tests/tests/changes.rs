//! The API change report: one snapshot per pair of fixture specs in
//! `tests/changes` (one kind of change each), and the real pairs of
//! `../shared/specs` compared, with the operation and component counts
//! checked by an independent Python script over the two documents.

mod common;

use std::process::Command;

use openapi_generator::changes::{self, Report};
use openapi_generator::surface::Surface;
use openapi_generator::{generate, naming, Options};

/// The surface with per-group features on (as regen generates), so that
/// what each feature compiles is compared too.
fn surface(bytes: &[u8]) -> Surface {
    let options = Options {
        group_features: Some("shop".into()),
        ..Options::default()
    };
    generate(bytes, &options).unwrap().surface
}

/// The fixture pair `tests/changes/<name>.{old,new}.yaml`, compared.
fn fixture(name: &str) -> (Surface, Surface, Report) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/changes/");
    let old = std::fs::read(format!("{dir}{name}.old.yaml")).unwrap();
    let new = std::fs::read(format!("{dir}{name}.new.yaml")).unwrap();
    report(&old, &new)
}

fn report(old: &[u8], new: &[u8]) -> (Surface, Surface, Report) {
    let (a, b) = (surface(old), surface(new));
    let r = changes::compare(&a, &b);
    (a, b, r)
}

#[test]
fn each_kind_of_change_is_reported_and_judged() {
    insta::glob!("../changes", "*.old.yaml", |path| {
        let old = std::fs::read(path).unwrap();
        let new_path = path.to_str().unwrap().replace(".old.yaml", ".new.yaml");
        let new = std::fs::read(&new_path).unwrap();
        let name = path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .trim_end_matches(".old.yaml");
        let (a, b, r) = report(&old, &new);
        assert!(!r.changes.is_empty(), "{name}: no change found");
        insta::assert_snapshot!(r.markdown(
            name,
            &a,
            &b,
            Some(("0.1.0", changes::bumped("0.1.0", r.bump).unwrap()))
        ));
    });
}

/// A spec update that only adds (an optional response field, an optional
/// request field, an enum value, a union variant, a server, an optional
/// parameter, an operation, an error status) breaks nothing: a minor bump.
#[test]
fn an_additive_update_is_minor() {
    let (_, _, r) = fixture("additive");
    let breaking: Vec<_> = r.changes.iter().filter(|c| c.breaking).collect();
    assert!(breaking.is_empty(), "{breaking:#?}");
    assert!(r.changes.len() >= 7, "{:#?}", r.changes);
    assert_eq!(r.bump, changes::Bump::Minor);
}

/// What users rely on beside a type's shape is judged on the Rust item: a
/// lost derive, a lost feature and a field whose Rust type changes only
/// because the struct stopped being sent (`Patch<T>` → `Option<T>`) break;
/// a new deprecation and a reordered `Ord` enum are listed, not breaking.
#[test]
fn derives_features_and_rust_field_types_are_judged() {
    let (_, _, r) = fixture("traits");
    let has = |breaking: bool, subject: &str, what: &str| {
        r.changes
            .iter()
            .any(|c| c.breaking == breaking && c.subject == subject && c.what.contains(what))
    };
    let all = format!("{:#?}", r.changes);
    assert!(
        has(true, "Point", "no longer implements `Default`"),
        "{all}"
    );
    assert!(has(true, "Point", "no longer implements `Eq`"), "{all}");
    assert!(
        has(
            false,
            "Point",
            "`new` takes (weight): a constructor instead of `Default`"
        ),
        "{all}"
    );
    assert!(
        has(
            true,
            "Label",
            "no longer compiled with feature `shop-labels`"
        ),
        "{all}"
    );
    assert!(
        has(true, "Note", "`Patch<String>` → `Option<String>`"),
        "{all}"
    );
    assert!(has(false, "Label", "now deprecated"), "{all}");
    assert!(has(false, "Label", "values reordered"), "{all}");
    assert!(has(false, "patchPoint", "now deprecated"), "{all}");
}

/// A renamed type is one cause with every place it touches: the type gone,
/// its twin added, the three fields retyped (whatever wraps them), apart
/// from an unrelated presence change.
#[test]
fn a_rename_is_one_cause_with_all_it_touches() {
    let (_, _, r) = fixture("renames");
    let groups = r.groups(true);
    let rename = groups
        .iter()
        .find(|(cause, _)| *cause == "`Customer` → `Client`")
        .unwrap_or_else(|| panic!("{groups:#?}"));
    let subjects: Vec<(&str, &str)> = rename
        .1
        .iter()
        .map(|c| (c.subject.as_str(), c.what.as_str()))
        .collect();
    assert_eq!(rename.1.len(), 4, "{subjects:#?}");
    assert!(subjects
        .iter()
        .any(|(s, w)| *s == "Customer" && w.starts_with("removed")));
    // The rename, `note` now required, and `new` taking it.
    assert_eq!(groups.len(), 3, "{groups:#?}");
    let added = r.groups(false);
    assert!(
        added
            .iter()
            .any(|(cause, g)| *cause == "`Customer` → `Client`" && g.len() == 1),
        "{added:#?}"
    );
}

/// A field retyped to an alias of its old type compiles for users as before:
/// only the new optional field and the new alias are listed, nothing breaks.
#[test]
fn a_field_retyped_to_an_alias_of_its_type_is_not_breaking() {
    let (_, b, r) = fixture("aliases");
    assert!(
        matches!(
            b.types.get("Buyer").map(|t| &t.shape),
            Some(openapi_generator::surface::TypeSurface::Alias { .. })
        ),
        "the fixture needs `Buyer` to be an alias: {:?}",
        b.types.get("Buyer")
    );
    assert_eq!(r.breaking(), 0, "{:#?}", r.changes);
    assert_eq!(r.changes.len(), 2, "{:#?}", r.changes);
}

#[test]
fn an_unchanged_spec_reports_nothing() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/changes/types.new.yaml"
    ))
    .unwrap();
    let (_, _, r) = report(&bytes, &bytes);
    assert!(r.changes.is_empty());
    assert_eq!(r.bump, changes::Bump::None);
}

#[test]
fn bumps_follow_cargo_rules() {
    use changes::{bumped, Bump};
    assert_eq!(bumped("0.1.0", Bump::Major).as_deref(), Some("0.2.0"));
    assert_eq!(bumped("0.1.0", Bump::Minor).as_deref(), Some("0.1.1"));
    assert_eq!(bumped("1.4.2", Bump::Major).as_deref(), Some("2.0.0"));
    assert_eq!(bumped("1.4.2", Bump::Minor).as_deref(), Some("1.5.0"));
    assert_eq!(bumped("1.4.2", Bump::Patch).as_deref(), Some("1.4.3"));
}

/// Operation ids and component schema names added and removed between two
/// documents, by Python reading them as plain JSON/YAML.
fn python_counts(old: &str, new: &str) -> (Vec<String>, Vec<String>, Vec<String>, Vec<String>) {
    let script = r#"
import json, sys, yaml
def load(p):
    with open(p) as f:
        return json.load(f) if p.endswith(".json") else yaml.safe_load(f)
def ops(d):
    return {o["operationId"] for item in d.get("paths", {}).values() for m, o in item.items()
            if m in ("get","put","post","delete","options","head","patch","trace") and "operationId" in o}
def schemas(d):
    return set(d.get("components", {}).get("schemas", {}))
a, b = load(sys.argv[1]), load(sys.argv[2])
print(json.dumps([sorted(ops(b) - ops(a)), sorted(ops(a) - ops(b)), sorted(schemas(b) - schemas(a)), sorted(schemas(a) - schemas(b))]))
"#;
    let out = Command::new("python3")
        .args(["-c", script, old, new])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn real_pair(old: &str, new: &str) {
    let dir = common::specs_dir();
    let (a, b) = (
        std::fs::read(dir.join(old)).unwrap(),
        std::fs::read(dir.join(new)).unwrap(),
    );
    let (_, _, r) = report(&a, &b);
    println!("{old} -> {new}: {}", r.summary());
    for (k, v) in changes::counts(&r) {
        println!("  {k}: {v}");
    }
    let (ops_added, ops_removed, schemas_added, schemas_removed) = python_counts(
        dir.join(old).to_str().unwrap(),
        dir.join(new).to_str().unwrap(),
    );
    let ours = |kind: changes::Kind| -> Vec<String> {
        let mut v: Vec<String> = r
            .changes
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.subject.clone())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        ours(changes::Kind::OperationAdded),
        ops_added,
        "operations added"
    );
    assert_eq!(
        ours(changes::Kind::OperationRemoved),
        ops_removed,
        "operations removed"
    );
    // Each component schema added (removed) is a type added (removed) under its Rust name.
    let added = ours(changes::Kind::TypeAdded);
    let removed = ours(changes::Kind::TypeRemoved);
    for s in &schemas_added {
        let rust = naming::type_name(s, "Schema");
        assert!(
            added.contains(&rust),
            "component {s} ({rust}) added but not reported"
        );
    }
    for s in &schemas_removed {
        let rust = naming::type_name(s, "Schema");
        assert!(
            removed.contains(&rust),
            "component {s} ({rust}) removed but not reported"
        );
    }
    println!(
        "  python: {} operations added, {} removed; {} component schemas added, {} removed",
        ops_added.len(),
        ops_removed.len(),
        schemas_added.len(),
        schemas_removed.len()
    );
}

#[test]
fn the_real_polar_pair() {
    real_pair("polar-2025-06.json", "polar-2026-10.json");
}

#[test]
fn the_real_configcat_pair() {
    real_pair("configcat-2024-10.yaml", "configcat-2026-08.yaml");
}

/// A streamed form (`.events()`) offered beside JSON is part of the
/// surface: losing it breaks callers, gaining it does not.
#[test]
fn a_streamed_form_lost_is_breaking_and_one_gained_is_not() {
    let with = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/streaming.yaml"
    ))
    .unwrap();
    let text = String::from_utf8(with.clone()).unwrap();
    // The chat answer without its `text/event-stream` form.
    let cut = text.find("            text/event-stream:\n              schema: {$ref: \"#/components/schemas/Tick\"}\ncomponents:").unwrap();
    let without = format!(
        "{}components:{}",
        &text[..cut],
        &text[cut..].split_once("components:").unwrap().1
    );
    let (_, _, lost) = report(&with, without.as_bytes());
    let lost: Vec<_> = lost
        .changes
        .iter()
        .filter(|c| c.subject == "chat")
        .collect();
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert!(lost[0].breaking);
    assert_eq!(
        lost[0].what,
        "streamed form `Events<Tick>` removed (`.events()`/`.lines()` is gone)"
    );
    let (_, _, gained) = report(without.as_bytes(), &with);
    let gained: Vec<_> = gained
        .changes
        .iter()
        .filter(|c| c.subject == "chat")
        .collect();
    assert_eq!(gained.len(), 1, "{gained:?}");
    assert!(!gained[0].breaking);
}
