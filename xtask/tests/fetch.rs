//! `cargo xtask fetch` against a loopback HTTP server: a good document is
//! written and pinned with a change summary; a 404, a document that does not
//! parse and a refused connection are clear errors that write nothing.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

const OLD: &str = "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200': {description: ok}\n";
const NEW: &str = "openapi: 3.0.3\ninfo: {title: Pets, version: '2'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200': {description: ok}\n    post:\n      operationId: createPet\n      responses:\n        '201': {description: created}\n";

/// Serves `/new.yaml` (200), `/garbage.yaml` (200, not a spec) and 404 for the rest.
fn serve() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]).to_string();
            let (status, body) = if request.starts_with("GET /new.yaml ") {
                ("200 OK", NEW)
            } else if request.starts_with("GET /garbage.yaml ") {
                ("200 OK", "openapi: [this is: not {a spec")
            } else {
                ("404 Not Found", "no such document")
            };
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    port
}

/// A scratch manifest pinning `pets-2020-01.yaml` and fetching from `upstream`.
fn setup(name: &str, upstream: &str) -> (PathBuf, PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("xtask-fetch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("specs/pets-2020-01.yaml"), OLD).unwrap();
    let manifest = format!(
        "[[api]]\nname = \"pets\"\ntitle = \"Pets\"\nfile = \"pets-2020-01.yaml\"\nsha256 = \"0000\"\nupstream = \"{upstream}\"\n"
    );
    std::fs::write(dir.join("apis.toml"), &manifest).unwrap();
    (dir.join("apis.toml"), dir.join("specs"), manifest)
}

fn fetch(manifest: &Path, specs: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("fetch")
        .arg("--manifest")
        .arg(manifest)
        .arg("--specs-dir")
        .arg(specs)
        .output()
        .unwrap()
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn a_good_document_is_written_pinned_and_summarised() {
    let port = serve();
    let (manifest, specs, _) = setup("good", &format!("http://127.0.0.1:{port}/new.yaml"));
    let out = fetch(&manifest, &specs);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("pets: 1 operations added, 0 removed"),
        "{stdout}"
    );
    let written = files(&specs);
    assert_eq!(written.len(), 2, "{written:?}");
    let new_file = written.iter().find(|f| *f != "pets-2020-01.yaml").unwrap();
    assert_eq!(std::fs::read_to_string(specs.join(new_file)).unwrap(), NEW);
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains(&format!("file = \"{new_file}\"")), "{text}");
    assert!(!text.contains("sha256 = \"0000\""), "{text}");
}

#[test]
fn failures_are_clear_and_write_nothing() {
    let port = serve();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for (case, upstream, expected) in [
        (
            "missing",
            format!("http://127.0.0.1:{port}/missing.yaml"),
            "answered 404 Not Found, not 200 OK",
        ),
        (
            "garbage",
            format!("http://127.0.0.1:{port}/garbage.yaml"),
            "does not generate",
        ),
        (
            "refused",
            format!("http://127.0.0.1:{closed}/new.yaml"),
            "network failure",
        ),
    ] {
        let (manifest, specs, before) = setup(case, &upstream);
        let out = fetch(&manifest, &specs);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{case}");
        assert!(
            stderr.contains(expected) && stderr.contains("nothing written"),
            "{case}: {stderr}"
        );
        assert_eq!(files(&specs), ["pets-2020-01.yaml"], "{case}");
        assert_eq!(
            std::fs::read_to_string(&manifest).unwrap(),
            before,
            "{case}"
        );
    }
}
