//! Load benchmark for `cargo xtask bench`: one generated Polar `Client`
//! against a loopback axum server answering `list_members` with a small page,
//! at 1, 64 and 512 calls in flight, beside the same requests sent with raw
//! reqwest and decoded into the same generated type (once with no time
//! limit, once with the client's default attempt limit, a timer per request
//! as the client has), alternately in one
//! process (the server on a thread of its own), and beside a second
//! generated client (the control: what noise alone makes of one client
//! against itself), in rounds whose order rotates so that no side always
//! runs on what another left warm or cold. Prints one `load:` line per
//! concurrency: throughput, p50/p99 latency of both, the client thread's CPU
//! time per call (`/proc/thread-self/schedstat`: the client's own cost, apart
//! from the machine's noise), errors, and the growth of the process's
//! resident memory during the generated client's run.
//!
//! Run it optimised: `cargo run --release -p benches --bin load`.

#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use api_clients::polar::{self, types::ListResourceMember};
use futures_util::StreamExt;

/// A `list_members` page of ten members.
fn body() -> String {
    let items: Vec<serde_json::Value> = (0..10)
        .map(|i| {
            serde_json::json!({
                "id": format!("9f3a0000-0000-4000-8000-{i:012}"),
                "created_at": "2024-11-02T12:00:30Z",
                "modified_at": if i % 2 == 0 { serde_json::Value::Null } else { "2025-03-01T08:00:00Z".into() },
                "customer_id": "1c0f0000-0000-4000-8000-000000000000",
                "email": format!("member{i}@example.com"),
                "name": "Ada",
                "external_id": null,
                "role": "member"
            })
        })
        .collect();
    serde_json::json!({"items": items, "pagination": {"total_count": 10, "max_page": 1}})
        .to_string()
}

/// Serves `body` on loopback from its own thread; the base URL.
fn serve(body: String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            listener.set_nonblocking(true).expect("nonblocking");
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let body: &'static str = Box::leak(body.into_boxed_str());
            let app = axum::Router::new().route(
                "/v1/members/",
                axum::routing::get(move || async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        body,
                    )
                }),
            );
            let _ = axum::serve(listener, app).await;
        });
    });
    url
}

/// The resident set of this process, in bytes.
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// One `list_members` call of a generated client: whether it gave the page.
async fn list(client: polar::Client) -> bool {
    client
        .members()
        .list_members()
        .await
        .is_ok_and(|p| p.items.len() == 10)
}

/// CPU time this thread has run, in nanoseconds (Linux' scheduler
/// statistics); `None` where the file is missing.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// One run: throughput, p50 and p99 (µs), the calling thread's CPU time per
/// call (µs, NaN where unknown), errors, and the largest growth of the
/// resident set over its start.
struct Run {
    rps: f64,
    p50: f64,
    p99: f64,
    cpu: f64,
    errors: usize,
    growth: u64,
}

async fn run<F, Fut>(calls: usize, concurrency: usize, call: F) -> Run
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start_rss = rss();
    let peak = Arc::new(AtomicU64::new(start_rss));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let cpu_start = thread_cpu_ns();
    let started = Instant::now();
    let results: Vec<(Duration, bool)> = futures_util::stream::iter(0..calls)
        .map(|_| {
            let call = call();
            async move {
                let t = Instant::now();
                let ok = call.await;
                (t.elapsed(), ok)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let wall = started.elapsed();
    let cpu = match (cpu_start, thread_cpu_ns()) {
        (Some(a), Some(b)) => b.saturating_sub(a) as f64 / 1e3 / calls as f64,
        _ => f64::NAN,
    };
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    let mut latencies: Vec<Duration> = results.iter().map(|(d, _)| *d).collect();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    Run {
        rps: calls as f64 / wall.as_secs_f64(),
        p50: at(0.5),
        p99: at(0.99),
        cpu,
        errors: results.iter().filter(|(_, ok)| !ok).count(),
        growth: peak.load(Ordering::Relaxed).saturating_sub(start_rss),
    }
}

/// The `User-Agent` of every side, so that all send the same request:
/// without it the generated client's (`api-clients/…`) is a header more to
/// write, and for the server to read, than raw reqwest's none.
const AGENT: &str = "load-bench/1";

/// The generated client's default attempt limit (`ClientBuilder::timeout`),
/// given to the raw requests of the side that sends them with the same
/// limit (reqwest's `RequestBuilder::timeout`): a timer per request on both.
const ATTEMPT_LIMIT: Duration = Duration::from_secs(60);

/// Runs of each side per concurrency, in an order rotating each round.
const ROUNDS: usize = 25;

/// The median (the upper one of an even count's middle two).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let url = serve(body());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let client = polar::Client::builder(&url)
        .bearer_auth("token")
        .user_agent(AGENT)
        .build()
        .expect("client");
    let raw = openapi_runtime::transport::http_client_builder()
        .expect("reqwest builder")
        .user_agent(AGENT)
        .build()
        .expect("reqwest client");
    let members = format!("{url}/v1/members/");
    let generated = || list(client.clone());
    // The control: a second generated client, run like the other two. Its
    // ratio to the first is what the machine's noise alone makes of one
    // client against itself.
    let second = polar::Client::builder(&url)
        .bearer_auth("token")
        .user_agent(AGENT)
        .build()
        .expect("client");
    let control = || list(second.clone());
    let by_hand = |limit: Option<Duration>| {
        let (raw, members) = (raw.clone(), members.clone());
        async move {
            let mut request = raw.get(&members).bearer_auth("token");
            if let Some(limit) = limit {
                request = request.timeout(limit);
            }
            let Ok(r) = request.send().await else {
                return false;
            };
            if !r.status().is_success() {
                return false;
            }
            let Ok(bytes) = r.bytes().await else {
                return false;
            };
            openapi_runtime::json::from_slice::<ListResourceMember>(&bytes)
                .is_ok_and(|p| p.items.len() == 10)
        }
    };
    rt.block_on(async {
        // Warm both up: connections, allocator.
        run(2000, 64, generated).await;
        run(2000, 64, || by_hand(None)).await;
        run(2000, 64, || by_hand(Some(ATTEMPT_LIMIT))).await;
        run(2000, 64, control).await;
        for (concurrency, calls) in [(1, 1500), (64, 8000), (512, 8000)] {
            let (mut g, mut h, mut t, mut a) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for round in 0..ROUNDS {
                // The four sides in an order that rotates every round.
                for side in (0..4).map(|i| (i + round) % 4) {
                    match side {
                        0 => g.push(run(calls, concurrency, generated).await),
                        1 => h.push(run(calls, concurrency, || by_hand(None)).await),
                        2 => t.push(run(calls, concurrency, || by_hand(Some(ATTEMPT_LIMIT))).await),
                        _ => a.push(run(calls, concurrency, control).await),
                    }
                }
            }
            let m = |runs: &[Run], f: fn(&Run) -> f64| median(runs.iter().map(f).collect());
            // Each round's two runs side by side: the machine's slower and
            // faster spells fall on both.
            let paired = |x: &[Run], y: &[Run], f: fn(&Run) -> f64| {
                median(x.iter().zip(y).map(|(a, b)| f(a) / f(b)).collect())
            };
            let errors: usize = g.iter().chain(&h).chain(&t).chain(&a).map(|r| r.errors).sum();
            println!(
                "load: concurrency={concurrency} calls={calls} gen_rps={:.0} raw_rps={:.0} rps_ratio={:.3} control_rps_ratio={:.3} gen_p50_us={:.0} gen_p99_us={:.0} raw_p50_us={:.0} raw_p99_us={:.0} p99_ratio={:.3} control_p99_ratio={:.3} timed_rps_ratio={:.3} timed_p99_ratio={:.3} timed_cpu_ratio={:.3} gen_cpu_us={:.2} raw_cpu_us={:.2} cpu_ratio={:.3} control_cpu_ratio={:.3} errors={errors} gen_growth_mb={:.1}",
                m(&g, |r| r.rps),
                m(&h, |r| r.rps),
                paired(&g, &h, |r| r.rps),
                paired(&g, &a, |r| r.rps),
                m(&g, |r| r.p50),
                m(&g, |r| r.p99),
                m(&h, |r| r.p50),
                m(&h, |r| r.p99),
                paired(&g, &h, |r| r.p99),
                paired(&g, &a, |r| r.p99),
                paired(&g, &t, |r| r.rps),
                paired(&g, &t, |r| r.p99),
                paired(&g, &t, |r| r.cpu),
                m(&g, |r| r.cpu),
                m(&h, |r| r.cpu),
                paired(&g, &h, |r| r.cpu),
                paired(&g, &a, |r| r.cpu),
                m(&g, |r| r.growth as f64) / 1e6,
            );
        }
    });
}
