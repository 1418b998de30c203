//! `cargo xtask bench`: measures what issue 8 set targets for and writes
//! `benches/RESULTS.md` with the machine it ran on.
//!
//! - regen: the release generator on each pinned API (its `specs/apis.toml`
//!   options), whole process and by stage, against a bare `serde_json` parse;
//! - build: the generated crate (dev profile, `CARGO_INCREMENTAL=0`, deps
//!   built, `touch` + rebuild of that crate alone) per feature set, with peak
//!   memory from `/usr/bin/time`;
//! - decode: the `benches` crate, generated types against hand-written derives;
//! - load: `benches/src/bin/load.rs`, the generated client against raw
//!   reqwest and against a second generated client (the noise) on loopback;
//! - reliability: the summary lines of the fault test, the webhook header
//!   fuzz and the oracle's decoder fuzz.
//!
//! Every figure is a median of a few runs taken in this one run; compare
//! ratios, not absolute numbers, across machines.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::manifest;

const RUNS: usize = 5;
const BUILD_RUNS: usize = 3;

fn cargo(root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO"));
    c.current_dir(root);
    c
}

fn ok(mut c: Command, what: &str) -> Result<String, String> {
    let out = c.output().map_err(|e| format!("{what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Writes `lines`, one a line (a paragraph's last ends in `\n` to leave a
/// blank line after it).
fn paragraph(w: &mut String, lines: &[&str]) {
    for l in lines {
        let _ = writeln!(w, "{l}");
    }
}

/// `key=value` pairs of a `prefix:` line.
fn fields(line: &str, prefix: &str) -> Option<Vec<(String, f64)>> {
    let rest = line.strip_prefix(prefix)?;
    Some(
        rest.split_whitespace()
            .filter_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                Some((k.to_owned(), v.parse().ok()?))
            })
            .collect(),
    )
}

fn get(fields: &[(String, f64)], key: &str) -> f64 {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map_or(f64::NAN, |(_, v)| *v)
}

fn machine(root: &Path) -> String {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mem_gib = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or("?".into(), |kb| format!("{:.0}", kb / 1024.0 / 1024.0));
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {mem_gib} GiB; {rustc}; {date}; commit {commit}")
}

struct Regen {
    api: String,
    files: usize,
    wall_ms: f64,
    stages: Vec<(String, f64)>,
}

/// The release generator on each API, `RUNS` times after a warm-up.
fn regen(root: &Path, specs_dir: &Path) -> Result<Vec<Regen>, String> {
    let mut build = cargo(root);
    build.args([
        "build",
        "--quiet",
        "--release",
        "--package",
        "openapi-rustgen",
    ]);
    ok(build, "cargo build --release -p openapi-rustgen")?;
    let exe = root.join("target/release/openapi-rustgen");
    let (text, manifest) = manifest::read(&root.join("specs/apis.toml"))?;
    let raw: toml::Table = toml::from_str(&text).map_err(|e| e.to_string())?;
    let tables = raw
        .get("api")
        .and_then(toml::Value::as_array)
        .cloned()
        .unwrap_or_default();
    let scratch = std::env::temp_dir().join("xtask-bench");
    let mut out = Vec::new();
    for (api, table) in manifest.api.iter().zip(tables) {
        // The options regen uses: the API's table plus its group features and samples.
        let mut options = table
            .get("options")
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default();
        options.insert("group_features".into(), api.name.clone().into());
        options.insert("samples_feature".into(), "samples".into());
        let config_path = scratch.join(format!("{}.toml", api.name));
        let dir = scratch.join(&api.name);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let spec = specs_dir.join(&api.file);
        // The generator's config file: the spec, a module folder, the options.
        let mut config = toml::Table::new();
        config.insert("input".into(), spec.display().to_string().into());
        config.insert("output".into(), dir.display().to_string().into());
        config.insert("module_only".into(), true.into());
        config.insert("options".into(), options.into());
        let text = toml::to_string(&config).map_err(|e| e.to_string())?;
        std::fs::write(&config_path, text).map_err(|e| e.to_string())?;
        let mut walls = Vec::new();
        let mut samples: Vec<Vec<(String, f64)>> = Vec::new();
        for run in 0..=RUNS {
            let started = Instant::now();
            let mut c = Command::new(&exe);
            c.args(["generate", "--timings", "--config"])
                .arg(&config_path);
            let stdout = ok(c, "openapi-rustgen")?;
            let wall = started.elapsed();
            if run == 0 {
                continue; // warm-up: page cache, first write of the files
            }
            walls.push(ms(wall));
            let line = stdout
                .lines()
                .find_map(|l| fields(l, "timings:"))
                .ok_or("openapi-rustgen printed no timings line")?;
            samples.push(line);
        }
        let keys = [
            "parse",
            "normalise",
            "ir",
            "render",
            "format",
            "output",
            "write",
            "total",
            "floor",
        ];
        let stages = keys
            .iter()
            .map(|k| {
                (
                    k.to_string(),
                    median(samples.iter().map(|s| get(s, k)).collect()),
                )
            })
            .collect();
        out.push(Regen {
            api: api.name.clone(),
            files: files_under(&dir).len(),
            wall_ms: median(walls),
            stages,
        });
    }
    Ok(out)
}

/// Every file below `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Build {
    label: &'static str,
    features: &'static str,
    check: bool,
    secs: f64,
    peak_gb: f64,
    lines: Option<usize>,
}

/// One build (or check) of the generated crate alone.
struct Timed {
    wall: f64,
    cpu: f64,
    peak_gb: f64,
}

/// `cargo <args>` after touching the generated crate's `lib.rs`, timed by
/// `/usr/bin/time`: wall and CPU seconds, peak resident memory.
fn timed(root: &Path, args: &[&str]) -> Result<Timed, String> {
    let lib = root.join("generated/src/lib.rs");
    let now = std::fs::File::options()
        .append(true)
        .open(&lib)
        .map_err(|e| e.to_string())?;
    now.set_modified(std::time::SystemTime::now())
        .map_err(|e| e.to_string())?;
    let mut c = Command::new("/usr/bin/time");
    c.current_dir(root)
        .args(["-f", "bench-time %e %U %S %M", env!("CARGO")])
        .args(args)
        .env("CARGO_INCREMENTAL", "0");
    let o = c.output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&o.stderr);
    if !o.status.success() {
        return Err(format!("cargo {} failed:\n{stderr}", args.join(" ")));
    }
    let line = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("bench-time "))
        .ok_or("no timing line from /usr/bin/time")?;
    let v: Vec<f64> = line
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(f64::NAN))
        .collect();
    let at = |i: usize| v.get(i).copied().unwrap_or(f64::NAN);
    Ok(Timed {
        wall: at(0),
        cpu: at(1) + at(2),
        peak_gb: at(3) / 1024.0 / 1024.0,
    })
}

/// `cargo <verb>` of the generated crate alone with `features`.
fn crate_args<'a>(verb: &'a str, features: &'a str) -> [&'a str; 7] {
    [
        verb,
        "--quiet",
        "--package",
        "api-clients",
        "--no-default-features",
        "--features",
        features,
    ]
}

/// Pairs of builds interleaved for the lean receiver's target.
const PAIRS: usize = 8;

/// The lean webhook receiver against all of Polar, built alternately
/// (`PAIRS` pairs, after a warm-up of each): the median of each pair's
/// ratio of wall and of CPU time, and the range of the wall ratios. Builds
/// taken minutes apart (the table) differ by more than the target's margin
/// on a noisy machine; a pair's two builds share its moment.
fn receiver_pairs(root: &Path) -> Result<(f64, f64, f64, f64), String> {
    let (lean, full) = (
        crate_args("build", "polar-webhook-events"),
        crate_args("build", "polar"),
    );
    timed(root, &lean)?;
    timed(root, &full)?;
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..PAIRS {
        let (l, f) = (timed(root, &lean)?, timed(root, &full)?);
        wall.push(l.wall / f.wall);
        cpu.push(l.cpu / f.cpu);
    }
    let low = wall.iter().copied().fold(f64::INFINITY, f64::min);
    let high = wall.iter().copied().fold(0.0, f64::max);
    Ok((median(wall), median(cpu), low, high))
}

/// Builds of the generated crate alone, after its dependencies are built.
fn builds(root: &Path) -> Result<Vec<Build>, String> {
    if !Path::new("/usr/bin/time").exists() {
        return Err("/usr/bin/time (GNU time) is needed to measure peak memory".into());
    }
    let plan: &[(&str, &str, bool)] = &[
        ("Polar", "polar", false),
        ("Polar, `cargo check`", "polar", true),
        ("ConfigCat", "configcat", false),
        ("default: both APIs", "polar,configcat", false),
        (
            "all features (with `samples`)",
            "polar,configcat,samples",
            false,
        ),
        ("Polar members", "polar-members", false),
        ("Polar customer members", "polar-customers-members", false),
        (
            "Polar customer-portal members",
            "polar-customer-portal-members",
            false,
        ),
        ("ConfigCat members", "configcat-members", false),
        ("Polar webhook receiver", "polar-webhook-events", false),
        (
            "Polar webhook receiver with customer members",
            "polar-webhook-events,polar-customers-members",
            false,
        ),
    ];
    let mut out = Vec::new();
    for &(label, features, check) in plan {
        let verb = if check { "check" } else { "build" };
        let args = crate_args(verb, features);
        // Dependencies first, unmeasured.
        let mut warm = cargo(root);
        warm.args(args).env("CARGO_INCREMENTAL", "0");
        ok(warm, &format!("cargo {verb} --features {features}"))?;
        let (mut secs, mut peaks) = (Vec::new(), Vec::new());
        for _ in 0..BUILD_RUNS {
            let t = timed(root, &args)?;
            secs.push(t.wall);
            peaks.push(t.peak_gb);
        }
        out.push(Build {
            label,
            features,
            check,
            secs: median(secs),
            peak_gb: median(peaks),
            lines: None,
        });
    }
    // Lines of source per API, for the table.
    for b in &mut out {
        if !b.features.contains(',') && !b.features.contains('-') {
            let files = files_under(&root.join("generated/src").join(b.features));
            let lines = files
                .iter()
                .map(|f| std::fs::read_to_string(f).map_or(0, |t| t.lines().count()));
            b.lines = Some(lines.sum());
        }
    }
    Ok(out)
}

fn decode(root: &Path) -> Result<Vec<(String, f64)>, String> {
    let mut c = cargo(root);
    c.args([
        "run",
        "--quiet",
        "--release",
        "--package",
        "benches",
        "--bin",
        "benches",
    ]);
    let stdout = ok(c, "cargo run --release -p benches --bin benches")?;
    let mut out = stdout
        .lines()
        .find_map(|l| fields(l, "decode:"))
        .ok_or_else(|| "the decode benchmark printed no `decode:` line".to_owned())?;
    let large = stdout
        .lines()
        .find_map(|l| fields(l, "large:"))
        .ok_or_else(|| "the decode benchmark printed no `large:` line".to_owned())?;
    out.extend(large);
    Ok(out)
}

/// The load benchmark's `load:` lines, one per concurrency.
fn load(root: &Path) -> Result<Vec<Vec<(String, f64)>>, String> {
    let mut c = cargo(root);
    c.args([
        "run",
        "--quiet",
        "--release",
        "--package",
        "benches",
        "--bin",
        "load",
    ]);
    let stdout = ok(c, "cargo run --release -p benches --bin load")?;
    let lines: Vec<_> = stdout.lines().filter_map(|l| fields(l, "load:")).collect();
    if lines.is_empty() {
        return Err("the load benchmark printed no `load:` line".to_owned());
    }
    Ok(lines)
}

/// The reliability tests' summary lines: the fault run's tally and
/// retries, the webhook header fuzz, and the decoder fuzz of the round-trip
/// oracle (each API's every instance mutated, its default rounds).
fn reliability(root: &Path) -> Result<Vec<String>, String> {
    let keep = |stdout: &str, prefixes: &[&str]| -> Vec<String> {
        stdout
            .lines()
            .filter(|l| prefixes.iter().any(|p| l.starts_with(p)))
            .map(str::to_owned)
            .collect()
    };
    let mut out = Vec::new();
    let runs: [(&[&str], &str, &[&str]); 3] = [
        (
            &[
                "test",
                "--quiet",
                "--package",
                "integration-tests",
                "--test",
                "faults",
                "--",
                "--nocapture",
            ],
            "cargo test -p integration-tests --test faults",
            &["faults", "retries:"],
        ),
        (
            &[
                "test",
                "--quiet",
                "--package",
                "openapi-runtime",
                "--test",
                "webhook_headers",
                "--",
                "--nocapture",
            ],
            "cargo test -p openapi-runtime --test webhook_headers",
            &["fuzz-webhook-headers:"],
        ),
        (
            &["xtask", "oracle", "polar", "configcat"],
            "cargo xtask oracle polar configcat",
            &["fuzz-decode:", "oracle "],
        ),
    ];
    for (args, what, prefixes) in runs {
        let mut c = cargo(root);
        c.args(args);
        let lines = keep(&ok(c, what)?, prefixes);
        if lines.is_empty() {
            return Err(format!("{what} printed none of {prefixes:?}"));
        }
        out.push(format!("$ {what}"));
        out.extend(lines);
    }
    Ok(out)
}

pub fn run(root: &Path, specs_dir: PathBuf, skip_builds: bool) -> Result<(), String> {
    let started = Instant::now();
    println!("bench: regen (release generator, {RUNS} runs per API)");
    let regen = regen(root, &specs_dir)?;
    let (builds, pairs) = if skip_builds {
        (Vec::new(), None)
    } else {
        println!("bench: builds of the generated crate ({BUILD_RUNS} runs each)");
        let builds = builds(root)?;
        println!("bench: the lean receiver against Polar ({PAIRS} interleaved pairs)");
        (builds, Some(receiver_pairs(root)?))
    };
    println!("bench: decode");
    let decode = decode(root)?;
    println!("bench: load");
    let load = load(root)?;
    println!("bench: reliability (faults, fuzzing)");
    let reliability = reliability(root)?;

    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "# Benchmarks\n");
    let _ = writeln!(
        w,
        "Written by `cargo xtask bench`; do not edit. Medians of a few runs taken in one run"
    );
    let _ = writeln!(
        w,
        "on one machine: compare ratios, not absolute figures, across machines.\n"
    );
    let _ = writeln!(w, "Machine: {}\n", machine(root));

    let _ = writeln!(w, "## Regen (release `openapi-rustgen`, whole process)\n");
    let _ = writeln!(
        w,
        "Each API with its `specs/apis.toml` options, group features and samples, into a"
    );
    let _ = writeln!(
        w,
        "folder holding the previous output (unchanged files are not rewritten). Render and"
    );
    let _ = writeln!(
        w,
        "format run on every core: their times are summed over threads, `render+format`"
    );
    let _ = writeln!(
        w,
        "is their wall time. `floor` is `serde_json` parsing the document into a `Value`.\n"
    );
    let _ = writeln!(w, "| API | files | whole process | parse | normalise | IR | render | format | render+format (wall) | write | floor | whole / floor |");
    let _ = writeln!(w, "|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in &regen {
        let s = |k: &str| get(&r.stages, k);
        let _ = writeln!(
            w,
            "| {} | {} | {:.0} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.0} ms | {:.0} ms | {:.0} ms | {:.1} ms | {:.1} ms | {:.0}x |",
            r.api, r.files, r.wall_ms, s("parse"), s("normalise"), s("ir"), s("render"), s("format"),
            s("output"), s("write"), s("floor"), r.wall_ms / s("floor")
        );
    }

    if !builds.is_empty() {
        let _ = writeln!(w, "\n## Build of the generated crate\n");
        let _ = writeln!(
            w,
            "`cargo build -p api-clients --no-default-features --features F` (dev profile,"
        );
        let _ = writeln!(
            w,
            "`CARGO_INCREMENTAL=0`, dependencies built, `lib.rs` touched): the crate alone."
        );
        let _ = writeln!(
            w,
            "Peak memory is the largest process's resident set (`/usr/bin/time`).\n"
        );
        let _ = writeln!(
            w,
            "| features | lines | time | peak memory | time / full build of the API |"
        );
        let _ = writeln!(w, "|---|---|---|---|---|");
        let full = |api: &str| {
            builds
                .iter()
                .find(|b| b.features == api && !b.check)
                .map_or(f64::NAN, |b| b.secs)
        };
        for b in &builds {
            let api = if b.features.starts_with("configcat") {
                "configcat"
            } else {
                "polar"
            };
            // The APIs the features belong to (`samples`, `tracing` aside).
            let apis: std::collections::BTreeSet<&str> = b
                .features
                .split(',')
                .filter_map(|f| {
                    ["polar", "configcat"]
                        .into_iter()
                        .find(|a| f == *a || f.starts_with(&format!("{a}-")))
                })
                .collect();
            let ratio = if apis.len() > 1 {
                format!(
                    "{:.0}% of Polar + ConfigCat",
                    100.0 * b.secs / (full("polar") + full("configcat"))
                )
            } else {
                format!("{:.0}%", 100.0 * b.secs / full(api))
            };
            let _ = writeln!(
                w,
                "| {} (`{}`) | {} | {:.1} s | {:.2} GB | {} |",
                b.label,
                b.features,
                b.lines
                    .map_or("-".to_owned(), |l| format!("{:.0}k", l as f64 / 1000.0)),
                b.secs,
                b.peak_gb,
                ratio
            );
        }
    }
    if let Some((wall, cpu, low, high)) = pairs {
        let _ = writeln!(
            w,
            "\nThe lean receiver (`polar-webhook-events`) against `polar`, built alternately in {PAIRS}\npairs (each pair's builds share their moment of a noisy machine, which the medians\nabove, taken minutes apart, do not): **{:.0}%** of the wall time (the pairs'\nmedian; {:.0}–{:.0}%), {:.0}% of the CPU time (its code generation runs on both cores).",
            100.0 * wall,
            100.0 * low,
            100.0 * high,
            100.0 * cpu
        );
    }

    let d = |k: &str| get(&decode, k);
    let _ = writeln!(w, "\n## Decode\n");
    let _ = writeln!(
        w,
        "A page of {:.0} Polar members ({:.0} KB of JSON, the `list_members` response) decoded",
        d("members"),
        d("bytes") / 1000.0
    );
    let _ = writeln!(
        w,
        "by `serde_json` into the generated types and into hand-written `#[derive(Deserialize)]`"
    );
    let _ = writeln!(
        w,
        "structs of the same shape (`benches/src/main.rs`); best of 25 rounds each, alternating.\n"
    );
    let _ = writeln!(w, "| types | time per page | throughput |");
    let _ = writeln!(w, "|---|---|---|");
    let _ = writeln!(
        w,
        "| generated | {:.0} µs | {:.0} MB/s |",
        d("generated_us"),
        d("generated_mb_s")
    );
    let _ = writeln!(
        w,
        "| hand-written derive | {:.0} µs | {:.0} MB/s |",
        d("handwritten_us"),
        d("handwritten_mb_s")
    );
    let _ = writeln!(
        w,
        "\nGenerated throughput / hand-written: **{:.2}**",
        d("ratio")
    );
    let _ = writeln!(
        w,
        "\nLarge bodies, through the runtime's decode (`RawResponse::json`), best of 3: {:.1} MB in {:.0} ms ({:.2} ms/MB), {:.1} MB in {:.0} ms ({:.2} ms/MB): time linear in the size.",
        d("small_bytes") / 1e6,
        d("small_ms"),
        d("small_ms_per_mb"),
        d("large_bytes") / 1e6,
        d("large_ms"),
        d("large_ms_per_mb"),
    );

    let _ = writeln!(w, "\n## Load\n");
    paragraph(
        w,
        &[
            "One generated Polar `Client` calling `list_members` (a page of ten members) on a loopback",
            "axum server with N calls in flight, against the same requests (byte for byte: the same",
            "headers, `User-Agent` too) sent with raw reqwest and",
            "decoded into the same generated type, once with no time limit and once with the client's",
            "default attempt limit (60 s, reqwest's `RequestBuilder::timeout`: a timer per request, as",
            "the client has), and against a second generated client (the control:",
            "what the machine's noise makes of one client against itself), in one process, client and",
            "server on a thread each (`benches/src/bin/load.rs`). 25 rounds of the four sides in an order",
            "rotating each round; figures are medians of the rounds, ratios medians of each round's",
            "pair. CPU: the client thread's own time per call. Memory: the largest growth of the",
            "resident set over a generated client's run.\n",
        ],
    );
    let _ = writeln!(w, "| in flight | calls per run | generated | raw reqwest | throughput ratio (control) | same, raw with the time limit | p50 generated / raw | p99 generated / raw | p99 ratio (control) | CPU per call generated / raw | CPU ratio (control) | errors | memory growth |");
    let _ = writeln!(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for l in &load {
        let v = |k: &str| get(l, k);
        let _ = writeln!(
            w,
            "| {:.0} | {:.0} | {:.0}/s | {:.0}/s | **{:.3}** ({:.3}) | {:.3} | {:.0} / {:.0} µs | {:.0} / {:.0} µs | {:.3} ({:.3}) | {:.1} / {:.1} µs | {:.3} ({:.3}) | {:.0} | {:.1} MB |",
            v("concurrency"), v("calls"), v("gen_rps"), v("raw_rps"), v("rps_ratio"), v("control_rps_ratio"), v("timed_rps_ratio"),
            v("gen_p50_us"), v("raw_p50_us"), v("gen_p99_us"), v("raw_p99_us"), v("p99_ratio"), v("control_p99_ratio"),
            v("gen_cpu_us"), v("raw_cpu_us"), v("cpu_ratio"), v("control_cpu_ratio"),
            v("errors"), v("gen_growth_mb")
        );
    }

    let _ = writeln!(w, "\n## Reliability\n");
    paragraph(
        w,
        &[
            "What the fault and fuzz tests printed in this run (`tests/tests/faults.rs`: seeded faults",
            "injected into every attempt, each call's outcome and retries checked against the server's",
            "log; `runtime/tests/webhook_headers.rs`; the oracle's decoder fuzz, `FUZZ_DECODE_ROUNDS`",
            "mutants of every instance of both APIs):\n",
        ],
    );
    let _ = writeln!(w, "```text");
    for l in &reliability {
        let _ = writeln!(w, "{l}");
    }
    let _ = writeln!(w, "```");

    let path = root.join("benches/RESULTS.md");
    std::fs::write(&path, &md).map_err(|e| format!("{}: {e}", path.display()))?;
    print!("{md}");
    println!(
        "\nwrote benches/RESULTS.md in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
