//! Faults with accounting: thousands of mixed calls through the Polar client
//! (GET, DELETE, PATCH, POST with and without an `Idempotency-Key`, and
//! paginated streams) against a loopback server that injects a seeded
//! random fault into each attempt it receives, and counts them all. Every
//! call must end within its deadline in the value or the typed error its
//! last attempt's answer means; an attempt follows another only where the
//! retry policy says (so no POST without a key is received twice unless the
//! earlier answer was a 429); streams complete or fail, never repeating an
//! item. The tally ends with one line:
//! `faults: <calls> calls, <kinds> fault kinds, <u> unaccounted, <d> forbidden duplicates, <h> hangs`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use api_clients::polar::{self, types};
use futures_util::{StreamExt, TryStreamExt};
use openapi_runtime::{Error, RetryPolicy};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CALLS: usize = 5000;
const SEED: u64 = 0x0fa1_7500_d00d_0001;
const ATTEMPTS: u32 = 3;
const ATTEMPT_LIMIT: Duration = Duration::from_millis(300);
const DEADLINE: Duration = Duration::from_secs(3);
const CUSTOMER: &str = "9c8b7a69-5d4e-4f3a-8b2c-1d0e9f8a7b6c";

/// What the server does with one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fault {
    /// Answers as the spec says.
    None,
    /// Resets the connection once the request is read, before any answer.
    Reset,
    /// Sends the head and half the body, then resets.
    ResetMidBody,
    /// 429 with `Retry-After: 1` (capped by the policy's maximum wait).
    TooManyAfter,
    /// 429 without `Retry-After`.
    TooMany,
    Status500,
    Status502,
    Status503,
    Status504,
    /// The body a byte at a time, slower than the attempt's time limit.
    Drip,
    /// `200` with a body that is not JSON.
    Malformed,
    /// `200` with an HTML page.
    WrongMedia,
}

const FAULTS: [Fault; 11] = [
    Fault::Reset,
    Fault::ResetMidBody,
    Fault::TooManyAfter,
    Fault::TooMany,
    Fault::Status500,
    Fault::Status502,
    Fault::Status503,
    Fault::Status504,
    Fault::Drip,
    Fault::Malformed,
    Fault::WrongMedia,
];

/// One attempt as the server received it.
#[derive(Debug, Clone)]
struct Attempt {
    method: String,
    keyed: bool,
    fault: Fault,
}

/// Every attempt, by call id and request target (a stream's pages apart).
type Log = Arc<Mutex<BTreeMap<(String, String), Vec<Attempt>>>>;

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// The fault of attempt `n` of `key`: none about half the time, else one of
/// [`FAULTS`], from the seed alone.
fn fault_of(key: &(String, String), n: usize) -> Fault {
    let r = mix(SEED ^ hash(&key.0) ^ hash(&key.1).rotate_left(17) ^ (n as u64 + 1));
    if r % 2 == 0 {
        Fault::None
    } else {
        FAULTS[((r >> 8) % FAULTS.len() as u64) as usize]
    }
}

fn member(n: usize) -> Value {
    json!({
        "id": format!("4b5d1a36-0f6b-4b7e-9a2b-{n:012}"),
        "created_at": "2025-01-02T03:04:05Z",
        "modified_at": null,
        "customer_id": CUSTOMER,
        "email": format!("m{n}@example.com"),
        "name": null,
        "external_id": null,
        "role": "member"
    })
}

/// The success of a request: status and body.
fn success(method: &str, target: &str) -> (u16, String) {
    if let Some(page) = target.split("page=").nth(1) {
        let page: usize = page
            .split('&')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let items: Vec<Value> = (0..10).map(|i| member(page * 100 + i)).collect();
        let body = json!({"items": items, "pagination": {"total_count": 30, "max_page": 3}});
        return (200, body.to_string());
    }
    match method {
        "DELETE" => (204, String::new()),
        "POST" => (201, member(1).to_string()),
        _ => (200, member(1).to_string()),
    }
}

/// Reads one request: method, target, headers (lower-case), body.
async fn read_request(
    s: &mut tokio::net::TcpStream,
) -> Option<(String, String, Vec<(String, String)>)> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        if let Some(at) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&seen[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = seen.len() - end;
    while body < length {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => body += n,
        }
    }
    Some((method, target, headers))
}

async fn answer(mut s: tokio::net::TcpStream, log: Log) {
    let Some((method, target, headers)) = read_request(&mut s).await else {
        return;
    };
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let key = (header("x-call-id").unwrap_or_default(), target.clone());
    let fault = {
        let mut log = log.lock().unwrap();
        let attempts = log.entry(key.clone()).or_default();
        let fault = fault_of(&key, attempts.len());
        attempts.push(Attempt {
            method: method.clone(),
            keyed: header("idempotency-key").is_some(),
            fault,
        });
        fault
    };
    let reply = |status: u16, extra: &str, body: &str| {
        format!(
            "HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-length: {}\r\n{extra}\r\n{body}",
            body.len()
        )
    };
    let reset = |s: tokio::net::TcpStream| {
        #[allow(deprecated)]
        let _ = s.set_linger(Some(Duration::ZERO));
        drop(s);
    };
    let (status, body) = success(&method, &target);
    let json = "content-type: application/json\r\n";
    let text = match fault {
        Fault::None => reply(status, if body.is_empty() { "" } else { json }, &body),
        Fault::Reset => return reset(s),
        Fault::ResetMidBody => {
            let full = reply(200, json, &member(1).to_string());
            let _ = s.write_all(&full.as_bytes()[..full.len() - 40]).await;
            let _ = s.flush().await;
            return reset(s);
        }
        Fault::TooManyAfter => reply(429, "retry-after: 1\r\n", ""),
        Fault::TooMany => reply(429, "", ""),
        Fault::Status500 => reply(500, "", "oops"),
        Fault::Status502 => reply(502, "", "<html>bad gateway</html>"),
        Fault::Status503 => reply(503, "", ""),
        Fault::Status504 => reply(504, "", ""),
        Fault::Drip => {
            let full = reply(200, json, &member(1).to_string());
            for byte in full.as_bytes() {
                if s.write_all(&[*byte]).await.is_err() {
                    return;
                }
                let _ = s.flush().await;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            return;
        }
        Fault::Malformed => reply(200, json, "{\"id\": \"4b5d1a36-"),
        Fault::WrongMedia => reply(
            200,
            "content-type: text/html\r\n",
            "<html><body>maintenance</body></html>",
        ),
    };
    let _ = s.write_all(text.as_bytes()).await;
    let _ = s.shutdown().await;
}

/// Whether an attempt with `fault` is followed by another under the policy
/// (for a request that may be repeated: `repeatable`).
fn retried(fault: Fault, repeatable: bool) -> bool {
    match fault {
        Fault::TooMany | Fault::TooManyAfter => true,
        Fault::Status502 | Fault::Status503 | Fault::Status504 | Fault::Reset => repeatable,
        _ => false,
    }
}

/// The outcome a call's last attempt means, as a word (`ok`, `unexpected
/// 503`, `transport`, ...), for the method's documented success.
fn expected(fault: Fault, method: &str) -> String {
    let content = |what: &str| {
        if method == "DELETE" || method == "POST" {
            "unexpected 200".to_owned() // they document 204 and 201 only
        } else {
            what.to_owned()
        }
    };
    match fault {
        Fault::None => "ok".into(),
        Fault::Reset | Fault::ResetMidBody => "transport".into(),
        Fault::TooMany | Fault::TooManyAfter => "unexpected 429".into(),
        Fault::Status500 => "unexpected 500".into(),
        Fault::Status502 => "unexpected 502".into(),
        Fault::Status503 => "unexpected 503".into(),
        Fault::Status504 => "unexpected 504".into(),
        Fault::Drip => "timeout".into(),
        Fault::Malformed | Fault::WrongMedia => content("decode"),
    }
}

fn word<T, E>(result: &Result<T, Error<E>>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(Error::UnexpectedStatus(r)) => format!("unexpected {}", r.status.as_u16()),
        Err(Error::Api(e)) => format!("api {}", e.status.as_u16()),
        Err(Error::Decode(_)) => "decode".into(),
        Err(Error::Transport(_)) => "transport".into(),
        Err(Error::Timeout(_)) => "timeout".into(),
        Err(e) => format!("other: {e}"),
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Get,
    Delete,
    Patch,
    Post,
    PostKeyed,
    Stream,
    Refused,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_calls_under_random_faults_are_all_accounted_for() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    let server_log = log.clone();
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(answer(s, server_log.clone()));
        }
    });
    // A port nothing listens on, for refused connections.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let policy = RetryPolicy {
        max_attempts: ATTEMPTS,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..RetryPolicy::default()
    };
    let client = |base: &str| {
        polar::Client::builder(base)
            .bearer_auth("token")
            .retry(policy.clone())
            .timeout(Some(ATTEMPT_LIMIT))
            .build()
            .unwrap()
    };
    let (live, refused) = (client(&url), client(&dead));
    let customer: uuid::Uuid = CUSTOMER.parse().unwrap();
    let member_id: uuid::Uuid = "4b5d1a36-0f6b-4b7e-9a2b-000000000001".parse().unwrap();

    let kinds = [
        Kind::Get,
        Kind::Delete,
        Kind::Patch,
        Kind::Post,
        Kind::PostKeyed,
        Kind::Stream,
        Kind::Refused,
    ];
    let calls = futures_util::stream::iter(0..CALLS)
        .map(|i| {
            let kind = kinds[(mix(SEED ^ i as u64) % kinds.len() as u64) as usize];
            let id = format!("call-{i}");
            let (live, refused) = (live.clone(), refused.clone());
            async move {
                let started = Instant::now();
                let members = |c: &polar::Client| c.customers().members();
                let outcome = tokio::time::timeout(DEADLINE * 3, async {
                    match kind {
                        Kind::Get => (
                            word(
                                &members(&live)
                                    .get(customer, member_id)
                                    .header("x-call-id", &id)
                                    .deadline(DEADLINE)
                                    .await,
                            ),
                            None,
                        ),
                        Kind::Delete => (
                            word(
                                &members(&live)
                                    .delete(customer, member_id)
                                    .header("x-call-id", &id)
                                    .deadline(DEADLINE)
                                    .await,
                            ),
                            None,
                        ),
                        Kind::Patch => (
                            word(
                                &members(&live)
                                    .update(customer, member_id, types::MemberUpdate::default())
                                    .header("x-call-id", &id)
                                    .deadline(DEADLINE)
                                    .await,
                            ),
                            None,
                        ),
                        Kind::Post | Kind::PostKeyed => {
                            let mut b = members(&live)
                                .create(
                                    customer,
                                    types::MemberCreateFromCustomer::new("a@example.com"),
                                )
                                .header("x-call-id", &id)
                                .deadline(DEADLINE);
                            if matches!(kind, Kind::PostKeyed) {
                                b = b.header("Idempotency-Key", &id);
                            }
                            (word(&b.await), None)
                        }
                        Kind::Refused => (
                            word(
                                &members(&refused)
                                    .get(customer, member_id)
                                    .header("x-call-id", &id)
                                    .deadline(DEADLINE)
                                    .await,
                            ),
                            None,
                        ),
                        Kind::Stream => {
                            let mut items = Vec::new();
                            let mut stream = live
                                .members()
                                .list_members()
                                .header("x-call-id", &id)
                                .deadline(DEADLINE)
                                .stream();
                            let end = loop {
                                match stream.try_next().await {
                                    Ok(Some(m)) => items.push(m.email),
                                    Ok(None) => break "ok".to_owned(),
                                    Err(e) => break word::<(), _>(&Err(e)),
                                }
                            };
                            (end, Some(items))
                        }
                    }
                })
                .await;
                (i, kind, id, outcome, started.elapsed())
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;

    let log = log.lock().unwrap().clone();
    let mut by_call: BTreeMap<String, Vec<(&String, &Vec<Attempt>)>> = BTreeMap::new();
    for ((call, target), attempts) in &log {
        by_call
            .entry(call.clone())
            .or_default()
            .push((target, attempts));
    }
    let (mut unaccounted, mut duplicates, mut hangs, mut retries) = (0, 0, 0, 0);
    let mut faults: BTreeMap<Fault, usize> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for attempts in log.values() {
        retries += attempts.len() - 1;
        for a in attempts {
            *faults.entry(a.fault).or_default() += 1;
        }
    }
    for (i, kind, id, outcome, took) in &calls {
        let Ok((got, items)) = outcome else {
            hangs += 1;
            problems.push(format!("call {i} ({kind:?}) hung"));
            continue;
        };
        *outcomes.entry(format!("{kind:?}: {got}")).or_default() += 1;
        if *took > DEADLINE + Duration::from_millis(500) {
            hangs += 1;
            problems.push(format!("call {i} ({kind:?}) took {took:?}"));
        }
        let requests = by_call.get(id).cloned().unwrap_or_default();
        if matches!(kind, Kind::Refused) {
            if got != "transport" || !requests.is_empty() {
                unaccounted += 1;
                problems.push(format!(
                    "call {i} refused: {got}, {} requests seen",
                    requests.len()
                ));
            }
            continue;
        }
        // Each request's attempts: only the policy's retries, then the last answer.
        let mut last = None;
        for (target, attempts) in &requests {
            let repeatable =
                matches!(attempts[0].method.as_str(), "GET" | "DELETE") || attempts[0].keyed;
            if attempts.len() > ATTEMPTS as usize {
                unaccounted += 1;
                problems.push(format!("call {i} {target}: {} attempts", attempts.len()));
            }
            for (n, a) in attempts.iter().enumerate() {
                let more = n + 1 < attempts.len();
                let should = n + 1 < ATTEMPTS as usize && retried(a.fault, repeatable);
                if more && !should {
                    if !repeatable {
                        duplicates += 1;
                    }
                    unaccounted += 1;
                    problems.push(format!(
                        "call {i} {target}: attempt {} after {:?}",
                        n + 2,
                        a.fault
                    ));
                }
                if !more && should && a.fault != Fault::Drip {
                    unaccounted += 1;
                    problems.push(format!("call {i} {target}: no retry after {:?}", a.fault));
                }
            }
            last = attempts
                .last()
                .map(|a| (a.fault, a.method.clone(), target.to_string()));
        }
        let Some((fault, method, _)) = last else {
            unaccounted += 1;
            problems.push(format!(
                "call {i} ({kind:?}) reached the server never: {got}"
            ));
            continue;
        };
        // A stream ends at its last page's answer; its items never repeat.
        if let Some(items) = items {
            let pages = requests.len();
            let mut expected_items: Vec<String> = Vec::new();
            for page in 1..=pages {
                expected_items.extend((0..10).map(|k| format!("m{}@example.com", page * 100 + k)));
            }
            let complete = got == "ok";
            let whole = if complete { 30 } else { (pages - 1) * 10 };
            if items.len() != whole || items[..] != expected_items[..whole] {
                unaccounted += 1;
                problems.push(format!(
                    "call {i} stream: {} items over {pages} pages, {got}",
                    items.len()
                ));
            }
        }
        let want = expected(fault, &method);
        if *got != want {
            unaccounted += 1;
            problems.push(format!(
                "call {i} ({kind:?}): {got}, its last answer {fault:?} means {want}"
            ));
        }
    }
    println!("faults injected by kind (attempts): {faults:?}");
    println!("outcomes: {outcomes:#?}");
    println!("retries: {retries}");
    for p in problems.iter().take(20) {
        println!("  {p}");
    }
    let kinds_seen = faults.keys().filter(|f| **f != Fault::None).count() + 1; // + refused
    println!(
        "faults: {} calls, {kinds_seen} fault kinds, {unaccounted} unaccounted, {duplicates} forbidden duplicates, {hangs} hangs",
        calls.len()
    );
    assert!(calls.len() >= 5000 && kinds_seen >= 8);
    assert_eq!(
        (unaccounted, duplicates, hangs),
        (0, 0, 0),
        "{}",
        problems.join("\n")
    );
}
