//! `cargo xtask mutants`: do the tests notice when the runtime is wrong?
//! Each mutant below is a small, plausible bug put into one runtime file
//! (a bound off by one, a status not retried, a check loosened); the
//! runtime's tests and the integration tests that exercise it run with it,
//! and the file is restored. A mutant the tests do not kill is a test that
//! cannot fail where it should. Not in CI (about six minutes); a mutant
//! whose text no longer occurs exactly once fails the run, so the table
//! follows the code.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// One bug: `from` (occurring exactly once in `file`) replaced by `to`.
struct Mutant {
    file: &'static str,
    from: &'static str,
    to: &'static str,
    what: &'static str,
}

const MUTANTS: &[Mutant] = &[
    Mutant {
        file: "runtime/src/retry.rs",
        from: "|| method.as_str() == \"QUERY\"",
        to: "|| method.as_str() == \"QUERY_\"",
        what: "QUERY not retried as idempotent",
    },
    Mutant {
        file: "runtime/src/retry.rs",
        from: "                    | Method::DELETE\n",
        to: "\n",
        what: "DELETE not retried as idempotent",
    },
    Mutant {
        file: "runtime/src/retry.rs",
        from: "1u32 << retry.saturating_sub(1).min(16)",
        to: "1u32 << retry.saturating_sub(2).min(16)",
        what: "backoff doubled one retry late",
    },
    Mutant {
        file: "runtime/src/retry.rs",
        from: "Some(wait.min(self.max_backoff))",
        to: "Some(wait)",
        what: "Retry-After not capped",
    },
    Mutant {
        file: "runtime/src/retry.rs",
        from: ".mul_f64(jitter.clamp(0.0, 1.0))",
        to: ".mul_f64(jitter.clamp(0.0, 1.0) / 2.0)",
        what: "jitter over half the cap only",
    },
    Mutant {
        file: "runtime/src/client.rs",
        from: "let last = attempt >= policy.max_attempts;",
        to: "let last = attempt > policy.max_attempts;",
        what: "one attempt more than the policy allows",
    },
    Mutant {
        file: "runtime/src/client.rs",
        from: "502..=504 if repeatable =>",
        to: "502..=503 if repeatable =>",
        what: "504 not retried",
    },
    Mutant {
        file: "runtime/src/client.rs",
        from: "429 => Some((\"429\", policy.retry_after(r.headers()))),",
        to: "429 => Some((\"429\", None)),",
        what: "Retry-After of a 429 ignored",
    },
    Mutant {
        file: "runtime/src/client.rs",
        from: "if r.body.len() > limit {",
        to: "if r.body.len() > limit + 1 {",
        what: "the runtime's size check one byte late",
    },
    Mutant {
        file: "runtime/src/client.rs",
        from: "Err(e) if !last && repeatable && e.kind() == TransportErrorKind::Closed => {",
        to: "Err(e) if !last && e.kind() == TransportErrorKind::Closed => {",
        what: "a POST repeated after its connection closed",
    },
    Mutant {
        file: "runtime/src/client.rs",
        from: "bounded_items(r.body, max, is_event_stream(&r.headers))",
        to: "bounded_items(r.body, max, false)",
        what: "server-sent events bounded line by line only",
    },
    Mutant {
        file: "runtime/src/transport.rs",
        from: "if announced > limit as u64 {",
        to: "if announced > 2 * limit as u64 {",
        what: "an announced length past the limit read all the same",
    },
    Mutant {
        file: "runtime/src/transport.rs",
        from: "Some(joined) => joined.extend_from_slice(&chunk),",
        to: "Some(_) => {}",
        what: "a body's third chunk on dropped",
    },
    Mutant {
        file: "runtime/src/json.rs",
        from: "Err(_) => s.parse::<chrono::DateTime<chrono::FixedOffset>>(),",
        to: "Err(e) => Err(e),",
        what: "date-times read as strict RFC 3339 only",
    },
    Mutant {
        file: "runtime/src/webhooks.rs",
        from: "Ok(age) if age > self.tolerance =>",
        to: "Ok(age) if age > 2 * self.tolerance =>",
        what: "old deliveries verified",
    },
    Mutant {
        file: "runtime/src/webhooks.rs",
        from: "Err(ahead) if ahead.duration() > self.tolerance =>",
        to: "Err(ahead) if ahead.duration() > 2 * self.tolerance =>",
        what: "deliveries from the future verified",
    },
    Mutant {
        file: "runtime/src/de.rs",
        from: "if !seen.insert(i) {",
        to: "if !seen.insert(i) && false {",
        what: "duplicate keys accepted",
    },
    Mutant {
        file: "runtime/src/stream.rs",
        from: "self.data.push('\\n');",
        to: "self.data.push(' ');",
        what: "SSE data lines joined with a space",
    },
    Mutant {
        file: "runtime/src/request.rs",
        from: "if explode {\n                    for item in items {",
        to: "if !explode {\n                    for item in items {",
        what: "exploded array parameters sent unexploded",
    },
    Mutant {
        file: "runtime/src/request.rs",
        from: "Value::Object(inner) => self.push_deep(&key, inner),",
        to: "Value::Object(_) => {}",
        what: "objects nested in a deepObject parameter left out",
    },
    Mutant {
        file: "runtime/src/request.rs",
        from: "PathStyle::Matrix => (\";\", \";\"),",
        to: "PathStyle::Matrix => (\";\", \",\"),",
        what: "exploded matrix parameters joined by commas",
    },
    Mutant {
        file: "runtime/src/request.rs",
        from: "Value::Array(_) | Value::Object(_) => Some(item.to_string()),",
        to: "Value::Array(_) | Value::Object(_) => None,",
        what: "a form body's objects (no encoding style) left out instead of sent as JSON text",
    },
    Mutant {
        file: "runtime/src/request.rs",
        from: "Value::Object(entries) => entries.iter().collect(),",
        to: "Value::Object(_) => vec![(key, item)],",
        what: "a styled form property's object not exploded into its own pairs",
    },
    Mutant {
        file: "runtime/src/request.rs",
        from: "if json.contains(&key.as_str()) {",
        to: "if json.contains(&\"\") {",
        what: "a form property with a JSON contentType sent as text",
    },
    Mutant {
        file: "runtime/src/map.rs",
        from: "state.write_u64(sum);",
        to: "state.write_u64(0);",
        what: "maps with different entries hashed alike",
    },
    Mutant {
        file: "runtime/src/client.rs",
        from: "if request.reserved.contains(&i) {",
        to: "if request.reserved.contains(&(i + 1)) {",
        what: "an allowReserved query value encoded like any other",
    },
    Mutant {
        file: "runtime/src/de.rs",
        from: "if !format.accepts(&text) {",
        to: "if format.accepts(\"\") {",
        what: "a union's string variant chosen whatever the string's format",
    },
];

/// The test runs each mutant faces, in order (the first failure kills it).
const RUNS: &[&[&str]] = &[
    &["test", "--package", "openapi-runtime"],
    &[
        "test",
        "--package",
        "integration-tests",
        "--test",
        "runtime_behaviour",
        "--test",
        "hostile",
        "--test",
        "faults",
        "--test",
        "streaming",
        "--test",
        "webhooks",
        "--test",
        "parameters",
        "--test",
        "polar_members",
        "--test",
        "configcat_members",
    ],
];

pub fn run(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let (mut killed, mut survived, mut stale) = (0, Vec::new(), Vec::new());
    for m in MUTANTS {
        let path = root.join(m.file);
        let original =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if original.matches(m.from).count() != 1 {
            println!("stale: {} ({}: its text is not there once)", m.what, m.file);
            stale.push(m.what);
            continue;
        }
        std::fs::write(&path, original.replacen(m.from, m.to, 1))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let outcome = killer(root);
        // Restored before anything else can fail.
        std::fs::write(&path, &original).map_err(|e| {
            format!(
                "{}: {e}; restore it with `git checkout {}`",
                path.display(),
                m.file
            )
        })?;
        match outcome? {
            Some(by) => {
                println!("killed: {} ({by})", m.what);
                killed += 1;
            }
            None => {
                println!("SURVIVED: {} ({})", m.what, m.file);
                survived.push(m.what);
            }
        }
    }
    println!(
        "mutants: {} in the table, {killed} killed, {} survived, {} stale ({:.0} s)",
        MUTANTS.len(),
        survived.len(),
        stale.len(),
        started.elapsed().as_secs_f64()
    );
    if survived.is_empty() && stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "no test fails for: {survived:?}; stale mutants: {stale:?}"
        ))
    }
}

/// The test run that fails with the mutant in place, if any.
fn killer(root: &Path) -> Result<Option<String>, String> {
    for args in RUNS {
        let out = Command::new(env!("CARGO"))
            .current_dir(root)
            .args(*args)
            .output()
            .map_err(|e| format!("cargo {}: {e}", args.join(" ")))?;
        if !out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout);
            let failed: Vec<&str> = text
                .lines()
                .filter_map(|l| l.strip_prefix("test ")?.strip_suffix(" ... FAILED"))
                .collect();
            let what = if failed.is_empty() {
                "does not compile or a run failed".to_owned()
            } else {
                failed.join(", ")
            };
            return Ok(Some(what));
        }
    }
    Ok(None)
}
