//! Prism, the spec-validating mock server, started by the tests themselves.
//!
//! The pinned version lives in `tests/prism/package.json` (+ lockfile) and is
//! installed with `npm ci` on first use. Each [`Prism`] serves one spec on a
//! free loopback port, is waited for until it accepts connections, and is
//! killed when dropped. Nothing depends on a Prism started by hand.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

fn prism_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("prism")
}

static INSTALL: Mutex<()> = Mutex::new(());

/// Installs the pinned Prism with `npm ci` unless it is there already.
fn ensure_installed() -> PathBuf {
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let bin = prism_dir().join("node_modules/.bin/prism");
    if bin.exists() {
        return bin;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(prism_dir())
        .status()
        .expect(
            "npm is needed to install Prism for the contract tests (see tests/prism/package.json)",
        );
    assert!(status.success(), "`npm ci` in tests/prism failed: {status}");
    assert!(bin.exists(), "npm ci did not install {}", bin.display());
    bin
}

/// Formats our types honour but Prism's data generator does not know, mapped
/// to the standard name, so generated responses have the declared shape
/// (Pydantic writes `uuid4`; Prism would answer with arbitrary text).
fn standard_format(format: &str) -> Option<&'static str> {
    (format.len() > 4
        && format.starts_with("uuid")
        && format[4..].chars().all(|c| c.is_ascii_digit()))
    .then_some("uuid")
}

fn rewrite_formats(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(f)) = map.get("format") {
                if let Some(standard) = standard_format(f) {
                    map.insert("format".into(), Value::String(standard.into()));
                }
            }
            map.values_mut().for_each(rewrite_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_formats),
        _ => {}
    }
}

/// `prefixItems` (a tuple, JSON Schema 2020-12) as Prism's data generator can
/// produce it: it reads only `items` and answers 500 "missing items" without
/// one. Adds `items: {anyOf: <the prefix schemas>}` and pins the length with
/// `minItems`/`maxItems`, keeping `prefixItems` for Prism's validation. The
/// generator then picks any prefix schema at any position, so this serves
/// specs whose tuple members accept each other's values (Polar's `[string,
/// TaxIdFormat]`: both strings, and our open enum keeps unknown values); a
/// tuple where they do not would fail to decode, loudly, not be skipped.
fn rewrite_prefix_items(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if !map.contains_key("items") {
                if let Some(Value::Array(prefix)) = map.get("prefixItems") {
                    let n = prefix.len();
                    let items = serde_json::json!({ "anyOf": prefix.clone() });
                    map.insert("items".into(), items);
                    map.entry("minItems").or_insert(n.into());
                    map.entry("maxItems").or_insert(n.into());
                }
            }
            map.values_mut().for_each(rewrite_prefix_items);
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_prefix_items),
        _ => {}
    }
}

/// The spec as Prism should serve it, written under the test target
/// directory; the original is never modified or copied into the repo. Every
/// rewrite works around a limitation of Prism, not of the spec:
/// - [`rewrite_formats`]: `uuid4`-style formats as `uuid`;
/// - [`rewrite_prefix_items`]: tuples given an `items` Prism can generate from.
fn served_spec(spec: &Path) -> PathBuf {
    let text = std::fs::read_to_string(spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let mut doc: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).unwrap()
    } else {
        serde_yaml::from_str(&text).unwrap()
    };
    rewrite_formats(&mut doc);
    rewrite_prefix_items(&mut doc);
    let name = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("prism-{name}.json"));
    std::fs::write(&out, serde_json::to_vec(&doc).unwrap()).unwrap();
    out
}

/// A running Prism mock server; killed on drop.
pub struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    /// Starts `prism mock` in dynamic mode (`-d`) for `spec` and waits until it listens.
    pub fn start(spec: &Path) -> Prism {
        let bin = ensure_installed();
        let served = served_spec(spec);
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = served.with_extension("log");
        let log_file = std::fs::File::create(&log).unwrap();
        let child = Command::new(bin)
            .args(["mock", "-d", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(&served)
            .stdout(Stdio::from(log_file.try_clone().unwrap()))
            .stderr(Stdio::from(log_file))
            .spawn()
            .expect("Prism starts");
        let mut prism = Prism { child, port, log };
        prism.wait_until_listening(Duration::from_secs(120));
        prism
    }

    fn wait_until_listening(&mut self, limit: Duration) {
        let started = Instant::now();
        loop {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "Prism exited ({status}) before listening; log: {}",
                    self.log_text()
                );
            }
            assert!(
                started.elapsed() < limit,
                "Prism did not listen on port {} within {limit:?}; log: {}",
                self.port,
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The base URL to point a client at.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
