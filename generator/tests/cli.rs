//! The `openapi-generator` command on fixture specs.

use std::process::Command;

fn fixture(name: &str) -> String {
    format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "openapi-generator-cli-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn writes_a_module_folder() {
    let out = temp_dir("module");
    let status = Command::new(env!("CARGO_BIN_EXE_openapi-generator"))
        .arg(fixture("maps.yaml"))
        .arg("--out")
        .arg(&out)
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
    let out = temp_dir("crate");
    let status = Command::new(env!("CARGO_BIN_EXE_openapi-generator"))
        .arg(fixture("enums.yaml"))
        .args([
            "--out",
            out.to_str().unwrap(),
            "--crate-name",
            "enums-client",
            "--module-name",
            "enums",
        ])
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
    std::fs::remove_dir_all(&out).unwrap();
}

/// A crate written with per-group features and a samples feature declares
/// them, so it builds with warnings denied (no unexpected cfg), with all
/// features and with one group alone.
#[test]
fn a_written_crate_declares_its_features_and_builds() {
    let out = temp_dir("crate-features");
    let options = out.with_extension("json");
    std::fs::write(
        &options,
        r#"{"group_features": "shop", "samples_feature": "samples"}"#,
    )
    .unwrap();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let status = Command::new(env!("CARGO_BIN_EXE_openapi-generator"))
        .arg(fixture("parameters.yaml"))
        .args([
            "--out",
            out.to_str().unwrap(),
            "--crate-name",
            "shop-client",
        ])
        .args([
            "--module-name",
            "shop",
            "--options",
            options.to_str().unwrap(),
        ])
        .args(["--runtime-dir", &format!("{root}/runtime")])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("samples = []"), "{manifest}");
    assert!(manifest.contains("default = [\"shop\"]"), "{manifest}");
    // The workspace's versions and target folder: nothing new to build but the crate.
    std::fs::copy(format!("{root}/Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let groups: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.split_once(" = [").map(|(name, _)| name))
        .filter(|name| name.starts_with("shop-"))
        .collect();
    assert!(!groups.is_empty(), "{manifest}");
    for features in [
        vec!["--all-features"],
        vec!["--no-default-features", "--features", groups[0]],
    ] {
        let check = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--manifest-path"])
            .arg(out.join("Cargo.toml"))
            .args(&features)
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
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::remove_file(&options).unwrap();
}

#[test]
fn a_broken_spec_fails_with_its_location() {
    let out = temp_dir("broken");
    let status = Command::new(env!("CARGO_BIN_EXE_openapi-generator"))
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
        let mut c = Command::new(env!("CARGO_BIN_EXE_openapi-generator"));
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
        stderr.contains("11 warning(s) and --deny-warnings"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written when warnings are denied");
    let allowed = run(false);
    assert!(allowed.status.success());
    assert!(String::from_utf8_lossy(&allowed.stdout).contains("11 warnings"));
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn reads_a_spec_spread_over_folders() {
    let out = temp_dir("multi-file");
    let output = Command::new(env!("CARGO_BIN_EXE_openapi-generator"))
        .arg(fixture("multi_file/openapi.yaml"))
        .arg("--out")
        .arg(&out)
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
        let mut c = Command::new(env!("CARGO_BIN_EXE_openapi-generator"));
        c.arg(&spec).arg("--out").arg(dir.join("out"));
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
