//! Structural fuzzing of the generator: the fixture specs (and, with
//! `FUZZ_REAL_SPECS=1`, the real specs in `../shared/specs`) mutated at random — keys deleted, values
//! replaced by other JSON, subtrees copied elsewhere, `$ref`s pointed anywhere,
//! schemas nested deep — and fed to `generate`. Whatever the input, it must
//! return (files or an error) without panicking, within a time bound; deep
//! nesting must end in an error, not overflow the stack.
//!
//! Bounded by time: `FUZZ_SECONDS` (default 20; CI uses the default), seeded
//! by `FUZZ_SEED` (default: from the clock, printed so a failure can be
//! replayed). A longer local run:
//! `FUZZ_SECONDS=600 cargo test --release -p openapi-generator --test fuzz -- --nocapture`.

use std::panic;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use openapi_generator::{generate, Grouping, Options};
use serde_json::{json, Map, Value};

/// How long one input may take before it counts as a hang.
const PER_INPUT: Duration = Duration::from_secs(10);

fn corpus() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut dirs = vec![format!("{}/../tests/fixtures", env!("CARGO_MANIFEST_DIR"))];
    if std::env::var_os("FUZZ_REAL_SPECS").is_some() {
        dirs.push(format!("{}/../../shared/specs", env!("CARGO_MANIFEST_DIR")));
    }
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let value = if bytes.first() == Some(&b'{') {
                serde_json::from_slice::<Value>(&bytes).ok()
            } else {
                serde_yaml::from_slice::<Value>(&bytes).ok()
            };
            if let Some(v) = value.filter(Value::is_object) {
                out.push((path.display().to_string(), v));
            }
        }
    }
    out
}

/// Every path (as keys and indices) to a node of `v`.
fn paths(v: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                here.push(Value::String(k.clone()));
                paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                here.push(json!(i));
                paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn node<'v>(v: &'v mut Value, path: &[Value]) -> Option<&'v mut Value> {
    let mut at = v;
    for step in path {
        at = match (at, step) {
            (Value::Object(m), Value::String(k)) => m.get_mut(k)?,
            (Value::Array(a), Value::Number(i)) => a.get_mut(i.as_u64()? as usize)?,
            _ => return None,
        };
    }
    Some(at)
}

fn pointer_of(path: &[Value]) -> String {
    let mut s = String::from("#");
    for step in path {
        let token = match step {
            Value::String(k) => k.replace('~', "~0").replace('/', "~1"),
            other => other.to_string(),
        };
        s.push('/');
        s.push_str(&token);
    }
    s
}

fn random_value(rng: &mut fastrand::Rng, pool: &[Value]) -> Value {
    match rng.u8(0..12) {
        0 => Value::Null,
        1 => json!(rng.bool()),
        2 => json!(rng.i64(-3..1000)),
        3 => json!(rng.f64() * 1e6 - 5.0),
        4 => json!(
            ["string", "integer", "number", "object", "array", "boolean", "null", "weird"]
                [rng.usize(0..8)]
        ),
        5 => json!({}),
        6 => json!([]),
        7 => json!({"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Nope"}}}),
        8 => json!({"anyOf": [{"type": "string"}, {"type": "null"}, {}]}),
        9 => json!({"enum": [null, 1, "a", {"b": []}]}),
        _ => pool
            .get(rng.usize(0..pool.len().max(1)))
            .cloned()
            .unwrap_or(Value::Null),
    }
}

/// One random structural change.
fn mutate(doc: &mut Value, rng: &mut fastrand::Rng) {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    let Some(target) = all.get(rng.usize(0..all.len())).cloned() else {
        return;
    };
    let donor = all
        .get(rng.usize(0..all.len()))
        .and_then(|p| doc.pointer(pointer_of(p).trim_start_matches('#')).cloned())
        .unwrap_or(Value::Null);
    let some_pointer = pointer_of(&all[rng.usize(0..all.len())]);
    let Some(at) = node(doc, &target) else {
        return;
    };
    match rng.u8(0..7) {
        // Delete a key or element.
        0 => {
            let (Some((last, parent_path)), true) = (target.split_last(), !target.is_empty())
            else {
                return;
            };
            if let Some(parent) = node(doc, parent_path) {
                match (parent, last) {
                    (Value::Object(m), Value::String(k)) => {
                        m.shift_remove(k);
                    }
                    (Value::Array(a), Value::Number(i)) => {
                        let i = i.as_u64().unwrap_or(0) as usize;
                        if i < a.len() {
                            a.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
        // Replace with other JSON, or a copy of another subtree.
        1 => *at = random_value(rng, &[donor]),
        2 => *at = donor,
        // A `$ref` to anywhere in the document (or nowhere).
        3 => {
            let mut m = Map::new();
            let target = if rng.bool() {
                some_pointer
            } else {
                "#/nowhere/at/all".to_owned()
            };
            m.insert("$ref".into(), Value::String(target));
            *at = Value::Object(m);
        }
        // Add a key to an object.
        4 => {
            if let Value::Object(m) = at {
                let keys = [
                    "type",
                    "items",
                    "properties",
                    "allOf",
                    "oneOf",
                    "anyOf",
                    "enum",
                    "const",
                    "nullable",
                    "required",
                    "additionalProperties",
                    "discriminator",
                    "prefixItems",
                    "format",
                    "$ref",
                    "x-polar-pagination",
                    "default",
                ];
                m.insert(
                    keys[rng.usize(0..keys.len())].to_owned(),
                    random_value(rng, &[donor]),
                );
            }
        }
        // Nest deep: wrap in many layers of arrays, objects or unions.
        5 => {
            let depth = rng.usize(10..60);
            let mut v = std::mem::take(at);
            for i in 0..depth {
                v = match i % 3 {
                    0 => json!({"type": "array", "items": v}),
                    1 => json!({"type": "object", "properties": {"p": v}}),
                    _ => json!({"anyOf": [v, {"type": "null"}]}),
                };
            }
            *at = v;
        }
        // Swap the node for a self-reference (cycles).
        _ => {
            let mut m = Map::new();
            m.insert("$ref".into(), Value::String(pointer_of(&target)));
            *at = Value::Object(m);
        }
    }
}

fn options(i: u64) -> Options {
    Options {
        grouping: if i % 2 == 0 {
            Grouping::Tag
        } else {
            Grouping::OperationId {
                separator: ":".into(),
            }
        },
        group_features: (i % 3 == 0).then(|| "api".to_owned()),
        samples_feature: (i % 5 == 0).then(|| "samples".to_owned()),
        ..Options::default()
    }
}

#[test]
fn no_input_panics_hangs_or_overflows() {
    // The harness itself walks, clones and prints deeply nested documents:
    // give it room, so only the generator's stack is under test.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(fuzz)
        .unwrap()
        .join()
        .unwrap();
}

fn fuzz() {
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    println!("fuzz: seed {seed} (FUZZ_SEED={seed} replays it), {seconds} s");
    let corpus = corpus();
    assert!(!corpus.is_empty(), "no fixture specs found");
    let mut rng = fastrand::Rng::with_seed(seed);
    let started = Instant::now();
    let (mut tried, mut rejected) = (0u64, 0u64);
    while started.elapsed() < Duration::from_secs(seconds) {
        let (name, base) = &corpus[rng.usize(0..corpus.len())];
        let mut doc = base.clone();
        for _ in 0..rng.usize(1..6) {
            mutate(&mut doc, &mut rng);
        }
        let bytes = if rng.bool() {
            serde_json::to_vec(&doc).unwrap()
        } else {
            serde_yaml::to_string(&doc).unwrap().into_bytes()
        };
        let opts = options(tried);
        // Kept before the run: a stack overflow aborts the process, and this
        // file is then the input that did it.
        let current = std::env::temp_dir().join(format!("fuzz-current-{seed}.spec"));
        std::fs::write(&current, &bytes).unwrap();
        // Each input on its own thread (8 MiB of stack, like a main thread):
        // a panic is caught, a hang is noticed.
        let (tx, rx) = mpsc::channel();
        let input = bytes.clone();
        std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || {
                let outcome = panic::catch_unwind(|| generate(&input, &opts).is_ok());
                let _ = tx.send(outcome);
            })
            .unwrap();
        match rx.recv_timeout(PER_INPUT) {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => rejected += 1,
            Ok(Err(_)) => {
                let kept = std::env::temp_dir().join(format!("fuzz-panic-{seed}-{tried}.spec"));
                std::fs::write(&kept, &bytes).unwrap();
                panic!(
                    "generate panicked on a mutation of {name}; input kept at {}",
                    kept.display()
                );
            }
            Err(_) => {
                let kept = std::env::temp_dir().join(format!("fuzz-hang-{seed}-{tried}.spec"));
                std::fs::write(&kept, &bytes).unwrap();
                panic!(
                    "generate took over {PER_INPUT:?} on a mutation of {name}; input kept at {}",
                    kept.display()
                );
            }
        }
        tried += 1;
    }
    let _ = std::fs::remove_file(std::env::temp_dir().join(format!("fuzz-current-{seed}.spec")));
    println!("fuzz: {tried} inputs, {rejected} rejected with an error, no panic, hang or overflow");
    assert!(tried > 0);
}
