//! Hostile servers and networks, each on a real loopback server (wiremock, or
//! a raw TCP listener where HTTP itself must misbehave): every case ends in
//! the documented typed error or the right value, never a panic or a hang.
//! Also: which retries happen, per-call headers and deadlines, errors that
//! name their root cause and the JSON path, the transport seam, and traces.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use api_clients::{configcat, polar};
use openapi_runtime::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
use openapi_runtime::{Error, HeaderMap, RetryPolicy, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "polar_oat_very-secret-token";

fn member(n: usize) -> Value {
    json!({
        "id": format!("4b5d1a36-0f6b-4b7e-9a2b-{n:012}"),
        "created_at": "2025-01-02T03:04:05Z",
        "modified_at": null,
        "customer_id": "9c8b7a69-5d4e-4f3a-8b2c-1d0e9f8a7b6c",
        "email": format!("m{n}@example.com"),
        "name": null,
        "external_id": null,
        "role": "member"
    })
}

fn page(items: Vec<Value>) -> Value {
    let n = items.len();
    json!({"items": items, "pagination": {"total_count": n, "max_page": 1}})
}

fn polar_at(base: &str) -> polar::Client {
    polar::Client::builder(base)
        .bearer_auth(TOKEN)
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .timeout(Some(Duration::from_millis(800)))
        .build()
        .unwrap()
}

fn configcat_at(base: &str) -> configcat::Client {
    configcat::Client::builder(base)
        .basic_auth("user", "pass")
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

async fn serve(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/members/"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

async fn list(
    base: &str,
) -> Result<
    polar::types::ListResourceMember,
    Error<polar::operations::members::MembersListMembersError>,
> {
    polar_at(base).members().list_members().await
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_status_and_raw_body() {
    let server =
        serve(ResponseTemplate::new(200).set_body_raw(r#"{"items": "#, "application/json")).await;
    let err = list(&server.uri()).await.unwrap_err();
    println!("{err}");
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.status, 200);
    assert_eq!(d.body, r#"{"items": "#);
    assert!(err.to_string().contains("EOF"), "{err}");
}

#[tokio::test]
async fn valid_json_of_the_wrong_shape_names_the_path_of_the_failing_value() {
    let mut items: Vec<Value> = (0..5).map(member).collect();
    items[3]["created_at"] = json!(42);
    let server = serve(ResponseTemplate::new(200).set_body_json(page(items))).await;
    let err = list(&server.uri()).await.unwrap_err();
    println!("{err}");
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.path, "items[3].created_at");
    assert!(
        err.to_string().starts_with(
            "status 200 OK: the body did not decode at `items[3].created_at`: invalid type"
        ),
        "{err}"
    );
    assert!(d.headers.contains_key("content-type"));
}

#[tokio::test]
async fn an_empty_body_where_one_is_documented_is_a_decode_error() {
    let server = serve(ResponseTemplate::new(200)).await;
    let err = list(&server.uri()).await.unwrap_err();
    println!("{err}");
    assert!(
        matches!(&err, Error::Decode(d) if d.body.is_empty()),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_wrong_content_type_does_not_stop_valid_json() {
    let server = serve(
        ResponseTemplate::new(200).set_body_raw(page(vec![member(1)]).to_string(), "text/html"),
    )
    .await;
    let members = list(&server.uri()).await.unwrap();
    assert_eq!(members.items.len(), 1);
}

#[tokio::test]
async fn a_50_mb_body_decodes() {
    // 220,000 members: over 50 MB (the decode time is measured by `cargo xtask bench`).
    let items: Vec<Value> = (0..220_000).map(member).collect();
    let body = page(items).to_string();
    assert!(body.len() > 50_000_000, "{}", body.len());
    let server = serve(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let client = polar::Client::builder(server.uri()).build().unwrap();
    let members = client
        .members()
        .list_members()
        .timeout(Duration::from_secs(120))
        .await
        .unwrap();
    assert_eq!(members.items.len(), 220_000);
    assert_eq!(members.items[219_999].email, "m219999@example.com");
}

#[tokio::test]
async fn a_body_past_the_size_limit_is_a_typed_error_and_a_call_may_raise_the_limit() {
    let body = page((0..5000).map(member).collect()).to_string();
    assert!(body.len() > 1_000_000, "{}", body.len());
    let server = serve(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let client = polar::Client::builder(server.uri())
        .max_response_size(Some(1 << 20))
        .build()
        .unwrap();
    match client.members().list_members().await {
        Err(Error::TooLarge(t)) => assert_eq!(t.limit, 1 << 20),
        other => panic!("expected TooLarge, got {other:?}"),
    }
    let e = client.members().list_members().await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "the response body is longer than the limit of 1048576 bytes (`max_response_size`)"
    );
    let members = client
        .members()
        .list_members()
        .max_response_size(4 << 20)
        .await
        .unwrap();
    assert_eq!(members.items.len(), 5000);
}

#[tokio::test]
async fn an_endless_body_without_a_length_stops_at_the_limit() {
    // The server would send 1 GiB in chunks; the client must stop near its
    // 1 MiB limit, so the server gets to write only a little of it.
    let written = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = written.clone();
    let url = raw_server(move |mut stream| {
        let counter = counter.clone();
        async move {
            read_head(&mut stream).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b' '; 64 * 1024];
            for _ in 0..16 * 1024 {
                let framed = [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk.clone(), b"\r\n".to_vec()].concat();
                if stream.write_all(&framed).await.is_err() {
                    return;
                }
                counter.fetch_add(chunk.len(), std::sync::atomic::Ordering::SeqCst);
            }
        }
    })
    .await;
    let client = polar::Client::builder(&url)
        .max_response_size(Some(1 << 20))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    match client.members().list_members().await {
        Err(Error::TooLarge(t)) => assert_eq!(t.limit, 1 << 20),
        other => panic!("expected TooLarge, got {other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = written.load(std::sync::atomic::Ordering::SeqCst);
    assert!(sent < 64 << 20, "the server wrote {sent} bytes");
}

/// A transport that answers with `body` whatever limit the call asked it to
/// keep to, after checking that the runtime passed it `limit`.
struct Answers {
    body: Vec<u8>,
    limit: Option<usize>,
}

impl Transport for Answers {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        assert_eq!(request.max_response_size, self.limit);
        let body = self.body.clone();
        Box::pin(async move {
            let mut headers = HeaderMap::new();
            headers.insert("content-type", "application/json".parse().unwrap());
            Ok(HttpResponse {
                status: StatusCode::OK,
                headers,
                body: body.into(),
            })
        })
    }
}

#[tokio::test]
async fn the_runtime_checks_the_limit_when_a_transport_does_not() {
    let client = polar::Client::builder("https://api.polar.test")
        .transport(Answers {
            body: page(vec![]).to_string().into_bytes(),
            limit: Some(10),
        })
        .max_response_size(Some(10))
        .build()
        .unwrap();
    match client.members().list_members().await {
        Err(Error::TooLarge(t)) => assert_eq!(t.limit, 10),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_taken_and_one_byte_more_is_not() {
    let body = page(vec![member(1)]).to_string().into_bytes();
    let with_limit = |limit: usize| {
        polar::Client::builder("https://api.polar.test")
            .transport(Answers {
                body: body.clone(),
                limit: Some(limit),
            })
            .max_response_size(Some(limit))
            .build()
            .unwrap()
    };
    let page = with_limit(body.len())
        .members()
        .list_members()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    match with_limit(body.len() - 1).members().list_members().await {
        Err(Error::TooLarge(t)) => assert_eq!(t.limit, body.len() - 1),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn an_announced_length_past_the_limit_is_refused_before_any_body() {
    // The head announces 1.5 MB and no byte of it follows: a client that
    // waited for the body would reach its 5 s time limit instead.
    let url = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1500000\r\n\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let client = polar::Client::builder(&url)
        .max_response_size(Some(1 << 20))
        .timeout(Some(Duration::from_secs(5)))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    match client.members().list_members().await {
        Err(Error::TooLarge(t)) => assert_eq!(t.limit, 1 << 20),
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// A TCP listener on loopback answering each connection with `respond`.
async fn raw_server<F, Fut>(respond: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(respond(stream));
        }
    });
    format!("http://{addr}")
}

/// Reads the request head, so the client is waiting for the answer.
async fn read_head(stream: &mut tokio::net::TcpStream) {
    let mut buf = vec![0u8; 8192];
    let mut seen = Vec::new();
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let base = raw_server(|mut s| async move {
        read_head(&mut s).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let started = Instant::now();
    let err = list(&base).await.unwrap_err();
    println!("{err}");
    let Error::Timeout(t) = &err else {
        panic!("{err:?}")
    };
    assert!(!t.deadline);
    assert_eq!(t.limit, Some(Duration::from_millis(800)));
    // GET time-outs are not retried: one attempt, well under the 30 s of silence.
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        err.to_string()
            .starts_with("timed out: the time limit of an attempt (800ms) passed"),
        "{err}"
    );
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_transport_error_naming_the_cause() {
    let base = raw_server(|mut s| async move {
        read_head(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{\"items\": [")
            .await;
        let _ = s.flush().await;
        // Close with a reset rather than a clean end (linger 0 does not block).
        #[allow(deprecated)]
        let _ = s.set_linger(Some(Duration::ZERO));
        drop(s);
    })
    .await;
    let err = list(&base).await.unwrap_err();
    println!("{err}");
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    let shown = err.to_string();
    assert!(shown.starts_with("transport error: "), "{shown}");
    // The root cause of the transport's own chain is on the line.
    let root = {
        let mut e: &(dyn std::error::Error + 'static) = t.get_ref();
        while let Some(next) = e.source() {
            e = next;
        }
        e.to_string()
    };
    assert!(shown.ends_with(&root), "{shown} / {root}");
}

#[tokio::test]
async fn a_slow_drip_of_bytes_past_the_time_limit_times_out() {
    let base = raw_server(|mut s| async move {
        read_head(&mut s).await;
        let _ = s
            .write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n",
            )
            .await;
        for _ in 0..100 {
            if s.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let err = list(&base).await.unwrap_err();
    println!("{err}");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
}

#[tokio::test]
async fn unknown_enum_values_and_union_variants_deep_in_a_list_survive_a_round_trip() {
    let mut members: Vec<Value> = (0..3).map(member).collect();
    members[2]["role"] = json!("auditor");
    members[1]["added_in_2030"] = json!({"nested": true});
    let server = serve(ResponseTemplate::new(200).set_body_json(page(members.clone()))).await;
    let got = list(&server.uri()).await.unwrap();
    assert_eq!(got.items[2].role.as_str(), "auditor");
    // Unknown fields are ignored; everything else re-encodes as received.
    members[1].as_object_mut().unwrap().remove("added_in_2030");
    assert_eq!(serde_json::to_value(&got).unwrap(), page(members));

    let benefits = json!({
        "items": [{"type": "teleportation", "id": "b1", "range_km": 12, "tags": ["x"]}],
        "pagination": {"total_count": 1, "max_page": 1}
    });
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/benefits/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&benefits))
        .mount(&server)
        .await;
    let got = polar_at(&server.uri()).benefits().list().await.unwrap();
    assert!(
        matches!(&got.items[0], polar::types::Benefit::Unknown(v) if v["type"] == "teleportation")
    );
    assert_eq!(serde_json::to_value(&got).unwrap(), benefits);
}

#[tokio::test]
async fn an_html_page_on_502_is_kept_after_the_retries() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html, "text/html"))
        .expect(3)
        .mount(&server)
        .await;
    let err = list(&server.uri()).await.unwrap_err();
    println!("{err}");
    let Error::UnexpectedStatus(r) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(r.status, 502);
    assert_eq!(r.body, html);
}

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_the_credentials() {
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/moved"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![member(1)])))
        .mount(&other)
        .await;
    // Same machine, another host name: `localhost` instead of `127.0.0.1`.
    let target = other.uri().replace("127.0.0.1", "localhost") + "/moved";
    let server = serve(ResponseTemplate::new(302).insert_header("Location", target.as_str())).await;
    let got = list(&server.uri()).await.unwrap();
    assert_eq!(got.items.len(), 1);
    let first = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        first.headers.get("authorization").unwrap(),
        &format!("Bearer {TOKEN}")
    );
    let followed = &other.received_requests().await.unwrap()[0];
    assert!(
        followed.headers.get("authorization").is_none(),
        "{:?}",
        followed.headers
    );
}

#[tokio::test]
async fn a_429_is_retried_for_a_post_and_a_503_only_with_an_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    // The README's ConfigCat example: adding a member to a permission group.
    let client = configcat_at(&server.uri());
    let organization = uuid::Uuid::nil();
    client
        .members()
        .add_member_to_group(
            organization,
            "user-7",
            configcat::types::UpdateMemberPermissionsRequest::default()
                .with_permission_group_ids(vec![42]),
        )
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("idempotency-key", "k-1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let body = polar::types::CustomerPortalMemberCreate::new("x@example.com");
    let polar = polar_at(&server.uri());
    let err = polar
        .customer_portal()
        .members()
        .add_member(body.clone())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "no retry without a key"
    );
    let err = polar
        .customer_portal()
        .members()
        .add_member(body)
        .header("Idempotency-Key", "k-1")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1 + 3,
        "retried with the key"
    );
}

#[tokio::test]
async fn per_call_headers_are_sent_and_invalid_ones_are_request_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("x-request-id", "abc-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![])))
        .expect(1)
        .mount(&server)
        .await;
    let client = polar_at(&server.uri());
    client
        .members()
        .list_members()
        .header("X-Request-Id", "abc-123")
        .await
        .unwrap();
    let err = client
        .members()
        .list_members()
        .header("bad name", "x")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Request(m) if m.contains("\"bad name\" is not a valid header name")),
        "{err:?}"
    );
    let err = client
        .members()
        .list_members()
        .header("x-ok", "line\nbreak")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Request(_)));
}

#[tokio::test]
async fn a_deadline_bounds_the_whole_call_across_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = polar_at(&server.uri())
        .members()
        .list_members()
        .deadline(Duration::from_millis(300))
        .await
        .unwrap_err();
    let Error::Timeout(t) = &err else {
        panic!("{err:?}")
    };
    assert!(t.deadline);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        err.to_string(),
        "timed out: the call's deadline (300ms) passed"
    );
}

#[tokio::test]
async fn a_refused_connection_says_so_on_one_line() {
    // A port nothing listens on: bind one, then let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = list(&format!("http://127.0.0.1:{port}")).await.unwrap_err();
    println!("{err}");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let shown = err.to_string();
    assert!(
        shown.to_lowercase().contains("connection refused"),
        "{shown}"
    );
}

/// An in-memory transport: records requests, answers from a list.
#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<HttpRequest>>>,
}

impl Transport for Recorder {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        self.seen.lock().unwrap().push(request);
        Box::pin(async {
            let mut headers = HeaderMap::new();
            headers.insert("content-type", "application/json".parse().unwrap());
            Ok(HttpResponse {
                status: StatusCode::OK,
                headers,
                body: page(vec![member(9)]).to_string().into(),
            })
        })
    }
}

#[tokio::test]
async fn an_in_memory_transport_sees_the_request_and_answers_it() {
    let recorder = Recorder::default();
    let client = polar::Client::builder("https://api.polar.test")
        .bearer_auth(TOKEN)
        .transport(recorder.clone())
        .build()
        .unwrap();
    let members = client.members().list_members().page(2).await.unwrap();
    assert_eq!(members.items[0].email, "m9@example.com");
    let seen = recorder.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].url.as_str(),
        "https://api.polar.test/v1/members/?page=2"
    );
    assert!(seen[0].headers.get("authorization").unwrap().is_sensitive());
}

/// A writer collecting what the tracing subscriber prints.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn traces_show_the_call_and_its_retries_and_never_secrets_or_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![member(1)])))
        .mount(&server)
        .await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    polar_at(&server.uri())
        .members()
        .list_members()
        .customer_id(uuid::Uuid::nil())
        .await
        .unwrap();
    let out = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("openapi.call"), "{out}");
    assert!(out.contains("operation=\"members:list_members\""), "{out}");
    assert!(out.contains("path=\"/v1/members/\""), "{out}");
    assert!(
        out.contains("retrying") && out.contains("reason=\"5xx\"") && out.contains("status=503"),
        "{out}"
    );
    let answered = out.lines().find(|l| l.contains("answered")).unwrap_or("");
    assert!(
        answered.contains("status=200") && answered.contains("attempts=2"),
        "{out}"
    );
    // Each span field once (a field recorded per attempt was printed per attempt).
    assert_eq!(answered.matches("attempts=").count(), 1, "{out}");
    for secret in [
        TOKEN,
        "m1@example.com",
        "00000000-0000-0000-0000-000000000000",
    ] {
        assert!(!out.contains(secret), "{secret} in {out}");
    }
}

/// A connection the server closes under the request, before any response
/// (what a pooled connection dropped by the server's keep-alive looks like):
/// a GET is sent again and succeeds; a POST is not repeated.
#[tokio::test]
async fn a_connection_closed_before_any_response_is_retried_when_repeating_is_safe() {
    let connections = Arc::new(Mutex::new(0usize));
    let seen = connections.clone();
    let base = raw_server(move |mut s| {
        let seen = seen.clone();
        async move {
            let n = {
                let mut c = seen.lock().unwrap();
                *c += 1;
                *c
            };
            read_head(&mut s).await;
            if n == 1 {
                return; // closed, nothing written
            }
            let body = page(vec![member(1)]).to_string();
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes()).await;
            let _ = s.write_all(body.as_bytes()).await;
        }
    })
    .await;
    let listed = list(&base).await.expect("the GET is sent again");
    assert_eq!(listed.items.len(), 1);
    assert_eq!(*connections.lock().unwrap(), 2);

    *connections.lock().unwrap() = 0;
    let client = configcat_at(&base);
    let body = configcat::types::CreateProductRequest::new("p");
    let err = client
        .products()
        .create_product(uuid::Uuid::nil(), body)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(*connections.lock().unwrap(), 1, "a POST is not repeated");
}
