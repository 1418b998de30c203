//! The `openapi-rustgen` command on fixture specs, as a user runs it.

use std::path::Path;
use std::process::Command;

fn fixture(name: &str) -> String {
    format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `openapi-rustgen generate`.
fn rustgen() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_openapi-rustgen"));
    c.arg("generate");
    c
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("openapi-rustgen-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn writes_a_module_folder() {
    let out = temp_dir("module");
    let status = rustgen()
        .arg(fixture("maps.yaml"))
        .arg("--out")
        .arg(&out)
        .arg("--module-only")
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(
        stdout.starts_with("0 operations, 7 types, 0 untyped"),
        "{stdout}"
    );
    let mixed = std::fs::read_to_string(out.join("types/mixed.rs")).unwrap();
    assert!(mixed.contains("pub struct Mixed"), "{mixed}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn writes_a_crate() {
    let out = temp_dir("crate").join("enums-client");
    let status = rustgen()
        .arg(fixture("enums.yaml"))
        .args(["--out", out.to_str().unwrap(), "--module", "enums"])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(lib.contains("pub mod enums;"), "{lib}");
    assert!(out.join("src/enums/types/status.rs").exists());
    assert!(std::fs::read_to_string(out.join("Cargo.toml"))
        .unwrap()
        .contains("name = \"enums-client\""));
    std::fs::remove_dir_all(out.parent().unwrap()).unwrap();
}

/// `cargo check`s a written crate with warnings denied, sharing the
/// workspace's lock file and target folder (nothing new to build but the crate).
fn cargo_check(krate: &Path, features: &[&str]) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    std::fs::copy(format!("{root}/Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let check = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .args(features)
        .env("CARGO_TARGET_DIR", format!("{root}/target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{features:?}: {}",
        String::from_utf8_lossy(&check.stderr)
    );
}

fn succeeded(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What a new user does: a spec and an output folder, nothing else; the
/// crate builds as written, on the runtime the program was built beside
/// (which it says).
#[test]
fn a_crate_from_only_a_spec_and_an_output_builds() {
    let out = temp_dir("plain").join("shop-client");
    let stdout = succeeded(
        &rustgen()
            .arg(fixture("parameters.yaml"))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap(),
    );
    assert!(
        stdout.contains("runtime: openapi-runtime from ")
            && stdout.contains("the checkout this program was built from"),
        "{stdout}"
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("openapi-runtime = { version = \"0.1\", path = \""),
        "{manifest}"
    );
    cargo_check(&out, &[]);
    std::fs::remove_dir_all(out.parent().unwrap()).unwrap();
}

/// A config file with per-group features and a samples feature: the crate
/// declares them, so it builds with warnings denied (no unexpected cfg),
/// with all features and with one group alone; every file's header names
/// the command and config that wrote it.
#[test]
fn a_config_file_writes_a_crate_with_its_features() {
    let dir = temp_dir("config");
    std::fs::create_dir_all(&dir).unwrap();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    std::fs::write(
        dir.join("shop.toml"),
        format!(
            "input = {:?}\noutput = \"shop-client\"\nmodule = \"shop\"\n\n[runtime]\npath = \"{root}/runtime\"\n\n[options]\ngroup_features = \"shop\"\nsamples_feature = \"samples\"\n",
            fixture("parameters.yaml")
        ),
    )
    .unwrap();
    let stdout = succeeded(
        &Command::new(env!("CARGO_BIN_EXE_openapi-rustgen"))
            .args(["generate", "--config"])
            .arg(dir.join("shop.toml"))
            .output()
            .unwrap(),
    );
    assert!(stdout.contains("(as configured)"), "{stdout}");
    let out = dir.join("shop-client");
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("samples = []"), "{manifest}");
    assert!(manifest.contains("default = [\"shop\"]"), "{manifest}");
    assert!(manifest.contains("name = \"shop-client\""), "{manifest}");
    for file in ["src/lib.rs", "src/shop/mod.rs"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(
            text.starts_with(
                "// @generated by `openapi-rustgen generate --config shop.toml` from "
            ),
            "{file}: {}",
            text.lines().next().unwrap_or_default()
        );
    }
    let groups: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.split_once(" = [").map(|(name, _)| name))
        .filter(|name| name.starts_with("shop-"))
        .collect();
    assert!(!groups.is_empty(), "{manifest}");
    cargo_check(&out, &["--all-features"]);
    cargo_check(&out, &["--no-default-features", "--features", groups[0]]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `init` writes a config that `generate` reads once its input is there;
/// `--check` passes on fresh output and names each stale, missing or
/// leftover file otherwise, writing nothing.
#[test]
fn init_then_generate_then_check() {
    let dir = temp_dir("init");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(fixture("enums.yaml"), dir.join("openapi.yaml")).unwrap();
    let in_dir = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_openapi-rustgen"))
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let stdout = succeeded(&in_dir(&["init"]));
    assert!(stdout.contains("wrote openapi-rustgen.toml"), "{stdout}");
    let again = in_dir(&["init"]);
    assert!(!again.status.success(), "init does not overwrite");
    succeeded(&in_dir(&["generate"]));
    let check = succeeded(&in_dir(&["generate", "--check"]));
    assert!(check.contains("up to date"), "{check}");
    // A hand edit, a deleted file and a leftover from an earlier spec.
    let types = dir.join("client/src/api/types");
    let status = types.join("status.rs");
    std::fs::write(&status, "// edited\n").unwrap();
    std::fs::remove_file(dir.join("client/src/lib.rs")).unwrap();
    std::fs::write(types.join("gone.rs"), "// @generated by an earlier run\n").unwrap();
    let stale = in_dir(&["generate", "--check"]);
    assert!(!stale.status.success());
    let stderr = String::from_utf8_lossy(&stale.stderr);
    for expected in [
        "3 file(s) differ",
        "client/src/api/types/status.rs (differs)",
        "client/src/lib.rs (missing)",
        "client/src/api/types/gone.rs (no longer generated)",
        "run `openapi-rustgen generate --config openapi-rustgen.toml`",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    assert_eq!(std::fs::read_to_string(&status).unwrap(), "// edited\n");
    succeeded(&in_dir(&["generate"]));
    assert!(!types.join("gone.rs").exists(), "leftovers are removed");
    succeeded(&in_dir(&["generate", "--check"]));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Overlays from the config, then from the command line, in that order;
/// the effective document is written for review; a broken action is an
/// error naming the overlay file and the action.
#[test]
fn overlays_correct_the_spec_before_generation() {
    let dir = temp_dir("overlays");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      required: [id, name]\n      properties:\n        id: {type: string}\n        name: {type: string}\n",
    )
    .unwrap();
    // The API omits `name` although the spec requires it; the second overlay adds a field.
    std::fs::write(
        dir.join("optional-name.yaml"),
        "overlay: 1.0.0\ninfo: {title: name is optional, version: '1'}\nactions:\n  - target: $.components.schemas.Pet.required[?@ == 'name']\n    remove: true\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("tag.yaml"),
        "overlay: 1.1.0\ninfo: {title: tag, version: '1'}\nactions:\n  - target: $.components.schemas.Pet.properties\n    update: {tag: {type: string}}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("client.toml"),
        "input = \"openapi.yaml\"\noutput = \"pets\"\nmodule_only = true\noverlays = [\"optional-name.yaml\"]\neffective_document = \"effective.json\"\n",
    )
    .unwrap();
    let generate = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_openapi-rustgen"))
            .args(["generate", "--config", "client.toml"])
            .args(extra)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    succeeded(&generate(&["--overlay", "tag.yaml"]));
    let pet = std::fs::read_to_string(dir.join("pets/types/pet.rs")).unwrap();
    assert!(pet.contains("pub id: String"), "{pet}");
    assert!(pet.contains("pub name: Option<String>"), "{pet}");
    assert!(pet.contains("pub tag: Option<String>"), "{pet}");
    let effective: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("effective.json")).unwrap()).unwrap();
    assert_eq!(
        effective["components"]["schemas"]["Pet"]["required"],
        serde_json::json!(["id"])
    );
    std::fs::write(
        dir.join("broken.yaml"),
        "overlay: 1.0.0\ninfo: {title: b, version: '1'}\nactions:\n  - target: $.info\n    update: {title: U}\n  - target: components\n    remove: true\n",
    )
    .unwrap();
    let broken = generate(&["--overlay", "broken.yaml"]);
    assert!(!broken.status.success());
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr.contains("broken.yaml#/actions/1/target: `components` is not an RFC 9535 JSONPath"),
        "{stderr}"
    );
    std::fs::write(
        dir.join("stale.yaml"),
        "overlay: 1.0.0\ninfo: {title: s, version: '1'}\nactions:\n  - target: $.components.schemas.Dog\n    update: {description: d}\n",
    )
    .unwrap();
    let warned = generate(&["--overlay", "stale.yaml"]);
    let stderr = String::from_utf8_lossy(&warned.stderr);
    assert!(
        stderr.contains(
            "warning: stale.yaml#/actions/0/target: `$.components.schemas.Dog` selects nothing"
        ),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_broken_spec_fails_with_its_location() {
    let out = temp_dir("broken");
    let status = rustgen()
        .arg(fixture("invalid_dangling_ref.yaml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!status.status.success());
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(
        stderr.contains("#/components/schemas/A/properties/b"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written for a broken spec");
}

#[test]
fn prints_warnings_and_denies_them_on_request() {
    let out = temp_dir("warnings");
    let run = |deny: bool| {
        let mut c = rustgen();
        c.arg(fixture("warnings.yaml")).arg("--out").arg(&out);
        if deny {
            c.arg("--deny-warnings");
        }
        c.output().unwrap()
    };
    let denied = run(true);
    assert!(!denied.status.success());
    let stderr = String::from_utf8_lossy(&denied.stderr);
    assert!(
        stderr.contains("warning: #/paths/~1reports~1upload/post/operationId: operationId `same`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("16 warning(s) and --deny-warnings"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written when warnings are denied");
    let allowed = run(false);
    assert!(allowed.status.success());
    assert!(String::from_utf8_lossy(&allowed.stdout).contains("16 warnings"));
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn reads_a_spec_spread_over_folders() {
    let out = temp_dir("multi-file");
    let output = rustgen()
        .arg(fixture("multi_file/openapi.yaml"))
        .arg("--out")
        .arg(&out)
        .arg("--module-only")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let owner = std::fs::read_to_string(out.join("types/owner.rs")).unwrap();
    assert!(
        owner.contains("pub pets: Option<Vec<super::Pet>>"),
        "{owner}"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

/// Serves `body` to every request on a loopback port until the test ends.
fn serve(body: &'static str) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/yaml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    port
}

#[test]
fn remote_references_are_fetched_only_when_allowed() {
    let port = serve("Error:\n  type: object\n  properties:\n    message: {type: string}\n");
    let dir = temp_dir("remote");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("openapi.yaml");
    std::fs::write(
        &spec,
        format!(
            "openapi: 3.0.3\ninfo: {{title: Remote, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Error:\n      $ref: 'http://127.0.0.1:{port}/common.yaml#/Error'\n"
        ),
    )
    .unwrap();
    let run = |allow: bool| {
        let mut c = rustgen();
        c.arg(&spec)
            .arg("--out")
            .arg(dir.join("out"))
            .arg("--module-only");
        if allow {
            c.arg("--allow-remote-refs");
        }
        c.output().unwrap()
    };
    let refused = run(false);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("#/components/schemas/Error/$ref: cannot read http://127.0.0.1")
            && stderr.contains("pass --allow-remote-refs to fetch it"),
        "{stderr}"
    );
    let fetched = run(true);
    assert!(
        fetched.status.success(),
        "{}",
        String::from_utf8_lossy(&fetched.stderr)
    );
    let error = std::fs::read_to_string(dir.join("out/types/error.rs")).unwrap();
    assert!(error.contains("pub message: Option<String>"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}
