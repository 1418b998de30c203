//! `cargo xtask oracle`: the round-trip oracle on APIs of `specs/apis.toml`,
//! fixtures, any spec, or a list of specs (`--list`, what
//! `tests/corpus/run.sh` runs). All the specs of one run go into one scratch
//! harness crate under `target/oracle/<run>`: a library with each spec's
//! generated module (`s0`, `s1`, ...; compiled with warnings denied) and its
//! oracle module from the generator, the hand-written `tests/oracle/harness`
//! files, and a binary answering for the spec its argument names. Each spec
//! is generated in a child process (`oracle-prepare`), so that a spec that
//! panics, overflows the stack or hangs the generator is one failed spec, not
//! a failed run. Then `tests/oracle/oracle.mjs` makes instances with
//! json-schema-faker, judges them with ajv and prints the verdict, ending
//! with `oracle <name>: <schemas> schemas, <instances> instances, <failed> failed`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use openapi_generator::overlay::Overlay;
use openapi_generator::{oracle_parts, Options};

use crate::manifest;

/// How hard the oracle tries.
pub struct Effort {
    /// Valid instances per schema.
    pub per_target: usize,
    /// The seed of json-schema-faker and of the invalid-input mutations.
    pub seed: u64,
    /// Failures printed per kind.
    pub show: usize,
}

/// One spec to try.
#[derive(Clone)]
struct Subject {
    name: String,
    path: PathBuf,
    options: Options,
    /// Overlay files applied to the document first (an API's in `specs/apis.toml`).
    overlays: Vec<PathBuf>,
}

/// What became of one spec.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Outcome {
    /// The spec's file.
    pub spec: String,
    /// Generated: (warnings); else why not.
    pub generated: Option<usize>,
    /// Why generating failed: the generator's error, or `panic`/`crash`/`timeout`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The generator panicked (or crashed).
    pub panicked: bool,
    /// Its module compiled with warnings denied.
    pub compiled: bool,
    /// The first compile error, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile_error: Option<String>,
    /// The oracle's figures: schemas, instances, failed (`None`: not run).
    pub oracle: Option<(usize, usize, usize)>,
    /// The oracle's report, when something failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

impl Outcome {
    fn clean(&self) -> bool {
        self.compiled && self.oracle.is_some_and(|(_, _, failed)| failed == 0)
    }
}

pub fn run(
    root: &Path,
    specs_dir: &Path,
    names: &[String],
    spec: Option<&Path>,
    options_json: Option<&str>,
    effort: &Effort,
) -> Result<(), String> {
    let mut subjects = Vec::new();
    if let Some(path) = spec {
        let options: Options = match options_json {
            Some(json) => serde_json::from_str(json).map_err(|e| format!("--options: {e}"))?,
            None => Options::default(),
        };
        subjects.push(Subject {
            name: stem(path),
            path: path.to_path_buf(),
            options,
            overlays: Vec::new(),
        });
    }
    if spec.is_none() || !names.is_empty() {
        let (_, manifest) = manifest::read(&root.join("specs/apis.toml"))?;
        for api in &manifest.api {
            if !names.is_empty() && !names.contains(&api.name) {
                continue;
            }
            subjects.push(Subject {
                name: api.name.clone(),
                path: specs_dir.join(&api.file),
                options: api.options.clone(),
                overlays: api
                    .overlays
                    .iter()
                    .map(|f| root.join("specs").join(f))
                    .collect(),
            });
        }
        for name in names {
            if subjects.iter().any(|s| &s.name == name) {
                continue;
            }
            let fixture = fixture_path(root, name).ok_or_else(|| {
                format!("{name}: neither an API in specs/apis.toml nor a fixture")
            })?;
            // A fixture folder's `overlay.yaml` is applied, as regen applies it.
            let overlay = fixture.with_file_name("overlay.yaml");
            subjects.push(Subject {
                name: name.clone(),
                overlays: (fixture.ends_with("openapi.yaml") && overlay.exists())
                    .then_some(overlay)
                    .into_iter()
                    .collect(),
                path: fixture,
                options: Options::default(),
            });
        }
    }
    let outcomes = batch(root, "run", &subjects, effort, true)?;
    let failed: Vec<&str> = subjects
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| !o.clean())
        .map(|(s, _)| s.name.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("the oracle failed for {}", failed.join(", ")))
    }
}

/// `--list FILE --results OUT`: every spec the file lists (a path a line),
/// each outcome a JSON line of OUT; fails only when the run itself cannot go on.
pub fn run_list(root: &Path, list: &Path, results: &Path, effort: &Effort) -> Result<(), String> {
    let text = std::fs::read_to_string(list).map_err(|e| format!("{}: {e}", list.display()))?;
    let subjects: Vec<Subject> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Subject {
            name: stem(Path::new(l)),
            path: PathBuf::from(l),
            options: Options::default(),
            overlays: Vec::new(),
        })
        .collect();
    let run = format!("list-{}", stem(list));
    let outcomes = batch(root, &run, &subjects, effort, false)?;
    let mut out = String::new();
    for o in &outcomes {
        out.push_str(&serde_json::to_string(o).map_err(|e| e.to_string())?);
        out.push('\n');
    }
    std::fs::write(results, out).map_err(|e| format!("{}: {e}", results.display()))
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .map(|s| s.replace(|c: char| !c.is_ascii_alphanumeric(), "_"))
        .unwrap_or_else(|| "spec".into())
}

fn fixture_path(root: &Path, name: &str) -> Option<PathBuf> {
    let dir = root.join("tests/fixtures");
    [
        dir.join(format!("{name}.yaml")),
        dir.join(format!("{name}.json")),
        dir.join(name).join("openapi.yaml"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// `npm ci` in `tests/oracle` on first use.
fn install_tools(root: &Path) -> Result<(), String> {
    let dir = root.join("tests/oracle");
    if dir.join("node_modules/json-schema-faker").is_dir() && dir.join("node_modules/ajv").is_dir()
    {
        return Ok(());
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .status()
        .map_err(|e| {
            format!(
                "npm ci in {}: {e} (Node.js and npm must be installed)",
                dir.display()
            )
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("npm ci in {} failed", dir.display()))
    }
}

fn write(path: &Path, content: impl AsRef<[u8]>) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, content).map_err(|e| format!("{}: {e}", path.display()))
}

/// `cargo xtask oracle-prepare`, the child process generating one spec into
/// `into` as the harness crate's module `module`: `src/<module>/` (the
/// generated module), `src/oracle_<module>.rs`, `<module>.spec.json` (the
/// bundled document) and `<module>.targets.json`. Prints the warning count.
pub fn prepare(
    spec: &Path,
    options: &Path,
    overlays: &[PathBuf],
    into: &Path,
    module: &str,
) -> Result<(), String> {
    let bytes = std::fs::read(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let overlays = overlays
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Overlay::parse(&path.display().to_string(), &bytes).map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, String>>()?;
    let options = std::fs::read_to_string(options).map_err(|e| e.to_string())?;
    let options: Options = serde_json::from_str(&options).map_err(|e| e.to_string())?;
    let file = spec
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or_default()
        .to_owned();
    let mut read = crate::regen::files_beside(spec);
    let parts = oracle_parts(&bytes, &file, &mut read, &overlays, &options, module)
        .map_err(|e| e.to_string())?;
    let src = into.join("src");
    let _ = std::fs::remove_dir_all(src.join(module));
    for (rel, content) in &parts.files {
        write(&src.join(module).join(rel), content)?;
    }
    write(&src.join(format!("oracle_{module}.rs")), &parts.harness)?;
    let document = serde_json::to_vec(&parts.document).map_err(|e| e.to_string())?;
    write(&into.join(format!("{module}.spec.json")), document)?;
    let targets = serde_json::to_vec_pretty(&parts.targets).map_err(|e| e.to_string())?;
    write(&into.join(format!("{module}.targets.json")), targets)?;
    println!("{}", parts.warnings);
    Ok(())
}

/// How a child process ended.
enum Ended {
    Exited(i32),
    Killed,
    TimedOut,
}

/// Runs `cmd` (output captured) for at most `limit`.
fn run_for(mut cmd: Command, limit: Duration) -> Result<(Ended, String, String), String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    // Drained on threads, so a chatty child never blocks on a full pipe.
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = stdout.as_mut() {
            let _ = o.read_to_string(&mut s);
        }
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    });
    let started = Instant::now();
    let ended = loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => break status.code().map_or(Ended::Killed, Ended::Exited),
            None if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break Ended::TimedOut;
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    Ok((
        ended,
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    ))
}

/// Every spec of `subjects` through the oracle in one harness crate.
fn batch(
    root: &Path,
    run: &str,
    subjects: &[Subject],
    effort: &Effort,
    loud: bool,
) -> Result<Vec<Outcome>, String> {
    install_tools(root)?;
    let krate = root.join("target/oracle").join(run);
    let _ = std::fs::remove_dir_all(krate.join("src"));
    std::fs::create_dir_all(krate.join("src")).map_err(|e| e.to_string())?;
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut modules: Vec<(usize, String)> = Vec::new();
    for (k, s) in subjects.iter().enumerate() {
        let module = format!("s{k}");
        let mut o = Outcome {
            spec: s.path.display().to_string(),
            ..Outcome::default()
        };
        // Everything compiled unconditionally, nothing that needs the real crate.
        let options = Options {
            source_label: s.path.display().to_string(),
            group_features: None,
            samples_feature: None,
            doc_path: None,
            ..s.options.clone()
        };
        let options_file = krate.join(format!("{module}.options.json"));
        let json = serde_json::to_string(&options).map_err(|e| e.to_string())?;
        write(&options_file, json)?;
        let mut cmd = Command::new(&me);
        cmd.arg("oracle-prepare")
            .arg(&s.path)
            .arg("--options-file")
            .arg(&options_file)
            .arg("--into")
            .arg(&krate)
            .arg("--module")
            .arg(&module)
            .env("RUST_BACKTRACE", "0");
        for overlay in &s.overlays {
            cmd.arg("--overlay").arg(overlay);
        }
        let (ended, out, err) = run_for(cmd, Duration::from_secs(600))?;
        match ended {
            Ended::Exited(0) => {
                o.generated = Some(out.trim().parse().unwrap_or(0));
                modules.push((k, module));
            }
            Ended::Exited(101) => {
                o.panicked = true;
                o.error = Some(format!("panic: {}", last_line(&err)));
            }
            Ended::Exited(_) => o.error = Some(last_line(&err)),
            Ended::Killed => {
                o.panicked = true;
                o.error = Some(format!("crash: {}", last_line(&err)));
            }
            Ended::TimedOut => o.error = Some("timeout: generating took over 600 s".into()),
        }
        if loud {
            match &o.error {
                None => println!(
                    "{}: generated ({} warnings)",
                    s.name,
                    o.generated.unwrap_or(0)
                ),
                Some(e) => println!("{}: not generated: {e}", s.name),
            }
        }
        outcomes.push(o);
    }
    // Build; a module that does not compile is left out and the rest built again.
    let bin = format!("oracle-{}", run.replace('_', "-").to_lowercase());
    let mut failing: BTreeMap<usize, String> = BTreeMap::new();
    for attempt in 0..3 {
        let live: Vec<&(usize, String)> = modules
            .iter()
            .filter(|(k, _)| !failing.contains_key(k))
            .collect();
        write_crate(root, &krate, &bin, &live)?;
        let (ok, errors) = build(root, &krate)?;
        if ok {
            break;
        }
        let mut attributed = false;
        for (file, message) in errors {
            let module = file
                .strip_prefix("src/")
                .and_then(|f| f.split(['/', '.']).next())
                .map(|m| m.trim_start_matches("oracle_").to_owned());
            if let Some((k, _)) = live.iter().find(|(_, m)| Some(m) == module.as_ref()) {
                failing.entry(*k).or_insert(message);
                attributed = true;
            }
        }
        if !attributed || attempt == 2 {
            // Nothing to blame: the whole batch failed to build.
            for (k, _) in &live {
                failing
                    .entry(*k)
                    .or_insert_with(|| "the harness crate did not build".into());
            }
            break;
        }
    }
    let harness = target_dir(root).join("debug").join(&bin);
    for (k, module) in &modules {
        let o = &mut outcomes[*k];
        if let Some(e) = failing.get(k) {
            o.compile_error = Some(e.clone());
            if loud {
                println!("{}: does not compile: {e}", subjects[*k].name);
            }
            continue;
        }
        o.compiled = true;
        let mut cmd = Command::new("node");
        cmd.arg(root.join("tests/oracle/oracle.mjs"))
            .arg("--name")
            .arg(&subjects[*k].name)
            .arg("--spec")
            .arg(krate.join(format!("{module}.spec.json")))
            .arg("--targets")
            .arg(krate.join(format!("{module}.targets.json")))
            .arg("--harness")
            .arg(&harness)
            .arg("--harness-arg")
            .arg(k.to_string())
            .arg("--per-target")
            .arg(effort.per_target.to_string())
            .arg("--seed")
            .arg(effort.seed.to_string())
            .arg("--show")
            .arg(effort.show.to_string());
        let (ended, out, err) = run_for(cmd, Duration::from_secs(900))?;
        if loud {
            print!("{out}");
            eprint!("{err}");
        }
        let summary = out
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix(&format!("oracle {}: ", subjects[*k].name)))
            .and_then(figures);
        o.oracle = summary;
        let clean = matches!(ended, Ended::Exited(0)) && summary.is_some_and(|(_, _, f)| f == 0);
        if !clean {
            let why = match ended {
                Ended::TimedOut => "the oracle took over 900 s\n".to_owned(),
                _ => String::new(),
            };
            o.report = Some(format!("{why}{out}{err}"));
            if o.oracle.is_none() {
                o.oracle = Some((0, 0, 1));
            }
        }
    }
    Ok(outcomes)
}

/// `1603 schemas, 4658 instances, 0 failed` as numbers.
fn figures(line: &str) -> Option<(usize, usize, usize)> {
    let n: Vec<usize> = line
        .split(", ")
        .filter_map(|part| part.split(' ').next()?.parse().ok())
        .collect();
    match n.as_slice() {
        [a, b, c] => Some((*a, *b, *c)),
        _ => None,
    }
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.starts_with("note:"))
        .unwrap_or("no message")
        .trim()
        .trim_start_matches("error: ")
        .chars()
        .take(300)
        .collect()
}

fn write_crate(
    root: &Path,
    krate: &Path,
    bin: &str,
    modules: &[&(usize, String)],
) -> Result<(), String> {
    let harness = root.join("tests/oracle/harness");
    let support = std::fs::read_to_string(harness.join("support.rs")).map_err(|e| e.to_string())?;
    write(&krate.join("src/support.rs"), support)?;
    let main = std::fs::read_to_string(harness.join("main.rs")).map_err(|e| e.to_string())?;
    let lib_name = bin.replace('-', "_");
    write(
        &krate.join("src/main.rs"),
        main.replace("oracle_lib", &lib_name),
    )?;
    let mut lib = String::from(
        "//! The round-trip oracle's harness (written by `cargo xtask oracle`): each spec's\n//! generated module, compiled with warnings denied, and its oracle module.\n\n#[allow(warnings)]\npub mod support;\n",
    );
    let mut arms = String::new();
    for (k, m) in modules {
        lib.push_str(&format!(
            "pub mod {m};\n#[allow(warnings)]\npub mod oracle_{m};\n"
        ));
        arms.push_str(&format!(
            "        {k} => oracle_{m}::round_trip(target, bytes),\n"
        ));
    }
    lib.push_str(&format!(
        "\n/// Spec `spec`'s target `target` decoded from `bytes`, re-encoded and traced.\npub fn round_trip(spec: usize, target: usize, bytes: &[u8]) -> support::Outcome {{\n    match spec {{\n{arms}        _ => support::Outcome::NoTarget,\n    }}\n}}\n"
    ));
    write(&krate.join("src/lib.rs"), lib)?;
    let cargo_toml = format!(
        "[package]\nname = \"{bin}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[lib]\nname = \"{lib_name}\"\npath = \"src/lib.rs\"\n\n[[bin]]\nname = \"{bin}\"\npath = \"src/main.rs\"\n\n# As the workspace builds its dependencies: their artifacts are shared.\n[profile.dev]\ndebug = false\n\n[dependencies]\nopenapi-runtime = {{ path = {runtime:?} }}\nserde = \"1\"\nserde_json = {{ version = \"1\", features = [\"preserve_order\", \"float_roundtrip\"] }}\nchrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\nuuid = {{ version = \"1\", features = [\"serde\"] }}\n",
        runtime = root.join("runtime").display().to_string(),
    );
    write(&krate.join("Cargo.toml"), cargo_toml)?;
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).map_err(|e| e.to_string())?;
    Ok(())
}

/// Where harness crates are built: the workspace's target folder (its
/// dependencies' artifacts are shared), or `ORACLE_TARGET_DIR`, so that
/// runs side by side (`tests/corpus/run.sh --jobs`) do not wait for each
/// other's build lock.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("ORACLE_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Builds the harness crate with warnings denied (in [`target_dir`]); on
/// failure, each error's file and first line.
fn build(root: &Path, krate: &Path) -> Result<(bool, Vec<(String, String)>), String> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args([
        "build",
        "--quiet",
        "--message-format=json",
        "--manifest-path",
    ])
    .arg(krate.join("Cargo.toml"))
    .arg("--target-dir")
    .arg(target_dir(root))
    .env("RUSTFLAGS", "-D warnings");
    let (ended, out, err) = run_for(cmd, Duration::from_secs(3600))?;
    if matches!(ended, Ended::Exited(0)) {
        return Ok((true, Vec::new()));
    }
    let mut errors = Vec::new();
    for line in out.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-message" || msg["message"]["level"] != "error" {
            continue;
        }
        let text = msg["message"]["message"].as_str().unwrap_or("").to_owned();
        for span in msg["message"]["spans"].as_array().into_iter().flatten() {
            if let Some(file) = span["file_name"].as_str() {
                errors.push((file.to_owned(), text.clone()));
            }
        }
    }
    if errors.is_empty() {
        eprintln!("{err}");
    }
    Ok((false, errors))
}
