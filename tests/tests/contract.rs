//! Contract tests: every operation of both APIs, called through the generated
//! clients with sample arguments (the generated `samples` module), against
//! Prism serving the real spec in dynamic mode (random schema-valid answers,
//! extra properties included). Prism rejects requests that violate the spec
//! (`sl-violations`), so this proves the client agrees with the spec, not only
//! with its authors. GETs are called five times for varied answers.
//!
//! Prints `contract <api>: <passed>/<total> operations passed, <skipped>
//! skipped (prism could not generate), <failed> failed` and fails unless
//! `<failed>` is 0. Prism's own failures to generate data (a 500 with a Prism
//! error body) are skipped, each listed with Prism's reason, and fail the test
//! too unless the reason is in [`UNAVOIDABLE`]: what Prism cannot generate is
//! rewritten in the spec copy it serves (`common::prism`), so a skip means a
//! rewrite is missing.

mod common;

use api_clients::{configcat, polar};
use common::prism::Prism;
use openapi_runtime::samples::{Outcome, SampleOperation};
use openapi_runtime::{HeaderMap, RetryPolicy};

const GET_ROUNDS: usize = 5;

/// Prism limitations no rewrite of the served spec can avoid, as the start of
/// Prism's reason. None so far.
const UNAVOIDABLE: &[&str] = &[];
const PRISM_ERRORS: &str = "stoplight.io/prism/errors#";

enum Verdict {
    Pass,
    Skip(String),
    Fail(String),
}

fn excerpt(s: &str) -> String {
    s.chars().take(300).collect()
}

/// Prism's complaints about the request: schema violations, or missing credentials.
/// (Prism also reports violations of its *own* generated response, located
/// under `response`; those say nothing about the client and are not failures.)
fn request_problem(status: u16, headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers.get("sl-violations") {
        let violations: Vec<serde_json::Value> =
            serde_json::from_slice(v.as_bytes()).unwrap_or_default();
        let on_request: Vec<&serde_json::Value> = violations
            .iter()
            .filter(|v| v["location"][0] == "request")
            .collect();
        if !on_request.is_empty() {
            return Some(format!(
                "request violation ({status}): {}",
                serde_json::to_string(&on_request).unwrap()
            ));
        }
    }
    (status == 401 && headers.contains_key("www-authenticate"))
        .then(|| "prism rejected the credentials".to_owned())
}

/// Prism's error title, on one line: `missing items for {"title": "Tax Id", "prefixItems": ...`.
fn prism_reason(body: &str) -> String {
    let title = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["title"].as_str().map(str::to_owned))
        .unwrap_or_else(|| body.to_owned());
    excerpt(&title.split_whitespace().collect::<Vec<_>>().join(" "))
        .chars()
        .take(90)
        .collect()
}

fn judge(outcome: Outcome) -> Verdict {
    match outcome {
        Outcome::Success { status, headers } | Outcome::Documented { status, headers } => {
            match request_problem(status.as_u16(), &headers) {
                Some(problem) => Verdict::Fail(problem),
                None => Verdict::Pass,
            }
        }
        Outcome::Undocumented {
            status,
            headers,
            body,
        } => {
            if let Some(problem) = request_problem(status.as_u16(), &headers) {
                Verdict::Fail(problem)
            } else if status.as_u16() == 500 && body.contains(PRISM_ERRORS) {
                Verdict::Skip(prism_reason(&body))
            } else {
                Verdict::Fail(format!("undocumented status {status}: {}", excerpt(&body)))
            }
        }
        Outcome::Undecodable {
            status,
            error,
            body,
            ..
        } => Verdict::Fail(format!(
            "did not decode ({status}): {error}; body: {}",
            excerpt(&body)
        )),
        Outcome::Failed(e) => Verdict::Fail(e),
        Outcome::BadSample(e) => Verdict::Fail(format!("bad sample argument: {e}")),
    }
}

async fn run<C: Clone>(api: &str, client: C, operations: Vec<SampleOperation<C>>) {
    let total = operations.len();
    let (mut passed, mut skipped, mut failed) = (0, Vec::new(), Vec::new());
    for op in operations {
        let rounds = if op.method == "GET" { GET_ROUNDS } else { 1 };
        let mut verdict = Verdict::Pass;
        for _ in 0..rounds {
            match judge((op.call)(client.clone()).await) {
                Verdict::Pass => {}
                skip @ Verdict::Skip(_) => verdict = skip,
                fail @ Verdict::Fail(_) => {
                    verdict = fail;
                    break;
                }
            }
        }
        let label = format!("{} ({} {})", op.id, op.method, op.path);
        match verdict {
            Verdict::Pass => passed += 1,
            Verdict::Skip(why) => skipped.push((label, why)),
            Verdict::Fail(why) => failed.push((label, why)),
        }
    }
    println!(
        "contract {api}: {passed}/{total} operations passed, {} skipped (prism could not generate), {} failed",
        skipped.len(),
        failed.len()
    );
    for (op, why) in &skipped {
        println!("  skipped {op}: {why}");
    }
    for (op, why) in &failed {
        println!("  FAILED {op}: {why}");
    }
    assert!(
        failed.is_empty(),
        "contract {api}: {} operation(s) failed",
        failed.len()
    );
    let avoidable: Vec<&(String, String)> = skipped
        .iter()
        .filter(|(_, why)| !UNAVOIDABLE.iter().any(|known| why.starts_with(known)))
        .collect();
    assert!(
        avoidable.is_empty(),
        "contract {api}: Prism could not generate answers for {} operation(s); rewrite what it \
         cannot generate in the spec copy it serves (tests/tests/common/prism.rs): {avoidable:?}",
        avoidable.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_polar_operation_agrees_with_the_spec() {
    let prism = Prism::start(&common::specs_dir().join("polar-2026-10.json"));
    let client = polar::Client::builder(prism.url())
        .bearer_auth("polar_oat_contract")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let operations = polar::samples::operations();
    assert_eq!(operations.len(), 186);
    run("polar", client, operations).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_configcat_operation_agrees_with_the_spec() {
    let prism = Prism::start(&common::specs_dir().join("configcat-2026-08.yaml"));
    let client = configcat::Client::builder(prism.url())
        .basic_auth("contract-user", "contract-pass")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let operations = configcat::samples::operations();
    assert_eq!(operations.len(), 123);
    run("configcat", client, operations).await;
}
