//! Streamed responses (fixture `streaming`) against a loopback server that
//! writes slowly: events and lines arrive as they are sent, not when the
//! body ends; the attempt's time limit applies to the silence between
//! chunks, not to the stream; a documented error is decoded whole.

use std::time::Duration;

use futures_util::StreamExt;
use integration_tests::fixtures::streaming::{self, operations::root::WatchTicksError, types};
use openapi_runtime::Error;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

/// What the server does next on the connection.
enum Step {
    /// Write these bytes (flushed at once).
    Send(&'static str),
    /// Wait this long.
    Sleep(u64),
    /// Wait until the test says go.
    Wait,
}

/// A loopback server answering one request.
struct Served {
    /// Its base URL.
    url: String,
    /// Releases each `Step::Wait`.
    go: mpsc::UnboundedSender<()>,
    /// The request's head as received.
    request: std::sync::Arc<std::sync::Mutex<String>>,
}

/// Answers one request with `head` and then `steps`, closing the
/// connection at the end (the body ends there).
async fn serve(head: &'static str, steps: Vec<Step>) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (go, mut released) = mpsc::unbounded_channel::<()>();
    let request = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let seen = request.clone();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        *seen.lock().unwrap() = read_request(&mut socket).await;
        socket
            .write_all(format!("HTTP/1.1 {head}\r\nconnection: close\r\n\r\n").as_bytes())
            .await
            .unwrap();
        for step in steps {
            match step {
                Step::Send(bytes) => {
                    if socket.write_all(bytes.as_bytes()).await.is_err() {
                        return;
                    }
                    let _ = socket.flush().await;
                }
                Step::Sleep(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
                Step::Wait => {
                    let _ = released.recv().await;
                }
            }
        }
    });
    Served { url, go, request }
}

/// Reads a request's head and its `content-length` body.
async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if got.len() >= end + 4 + length {
                return text;
            }
        }
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return text,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
}

const EVENTS: &str = "200 OK\r\ncontent-type: text/event-stream";

fn client(url: &str) -> streaming::Client {
    streaming::Client::builder(url).build().unwrap()
}

#[tokio::test]
async fn events_arrive_as_they_are_sent() {
    // The second event is sent only once the test has the first: a client
    // that waited for the whole body would hang here (and time out).
    let Served { url, go, .. } = serve(
        EVENTS,
        vec![
            Step::Send("id: 1\ndata: {\"n\": 1}\n\n"),
            Step::Wait,
            Step::Send("event: tick\ndata: {\"n\": 2, \"note\": \"two\"}\n\n"),
        ],
    )
    .await;
    let mut ticks = client(&url)
        .watch_ticks()
        .timeout(Duration::from_secs(5))
        .await
        .unwrap();
    let first = ticks.next().await.unwrap().unwrap();
    assert_eq!(
        (first.event.as_str(), first.data.n, first.id.as_deref()),
        ("message", 1, Some("1"))
    );
    go.send(()).unwrap();
    let second = ticks.next().await.unwrap().unwrap();
    assert_eq!(second.event, "tick");
    assert_eq!(second.data.note.as_deref(), Some("two"));
    assert_eq!(
        second.id.as_deref(),
        Some("1"),
        "an id holds for the events after it"
    );
    assert!(ticks.next().await.is_none());
    assert_eq!(ticks.last_event_id(), Some("1"));
}

#[tokio::test]
async fn the_time_limit_is_on_silence_not_on_the_stream() {
    // Five events 150 ms apart: 750 ms in all, past the 400 ms limit, which
    // no single silence reaches.
    let mut steps = Vec::new();
    for _ in 0..5 {
        steps.push(Step::Sleep(150));
        steps.push(Step::Send("data: {\"n\": 0}\n\n"));
    }
    let Served { url, .. } = serve(EVENTS, steps).await;
    let ticks = client(&url)
        .watch_ticks()
        .timeout(Duration::from_millis(400))
        .await
        .unwrap();
    let got: Vec<_> = ticks.collect().await;
    assert_eq!(got.len(), 5, "{got:?}");
    assert!(got.iter().all(Result::is_ok), "{got:?}");
}

#[tokio::test]
async fn a_silence_past_the_limit_ends_the_stream_with_a_timeout() {
    let Served { url, .. } = serve(
        EVENTS,
        vec![Step::Send("data: {\"n\": 1}\n\n"), Step::Sleep(5_000)],
    )
    .await;
    let mut ticks = client(&url)
        .watch_ticks()
        .timeout(Duration::from_millis(200))
        .await
        .unwrap();
    assert_eq!(ticks.next().await.unwrap().unwrap().data.n, 1);
    let err = ticks.next().await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    assert_eq!(
        err.to_string(),
        "timed out: the time limit of an attempt passed (nothing more arrived for 200ms)"
    );
    assert!(ticks.next().await.is_none(), "a timeout ends the stream");
}

#[tokio::test]
async fn text_events_and_an_empty_success() {
    let Served { url, .. } = serve(
        EVENTS,
        vec![
            Step::Send("data: line one\n"),
            Step::Send("data: line two\n\n: keep-alive\n\n"),
        ],
    )
    .await;
    let events: Vec<String> = client(&url)
        .tail_log()
        .await
        .unwrap()
        .map(|e| e.unwrap().data)
        .collect()
        .await;
    assert_eq!(events, vec!["line one\nline two".to_owned()]);
    let Served { url, .. } = serve("204 No Content", vec![]).await;
    let events: Vec<_> = client(&url).tail_log().await.unwrap().collect().await;
    assert!(events.is_empty());
}

#[tokio::test]
async fn json_lines_arrive_typed_whatever_the_chunks() {
    let Served { url, go, .. } = serve(
        "200 OK\r\ncontent-type: application/x-ndjson",
        vec![
            Step::Send("{\"id\": \"a\"}\n{\"id\""),
            Step::Wait,
            Step::Send(": \"b\"}\n\n{\"id\": \"c\"}"),
        ],
    )
    .await;
    let mut items = client(&url).export_items().await.unwrap();
    let a: types::Item = items.next().await.unwrap().unwrap();
    assert_eq!(a.id, "a");
    go.send(()).unwrap();
    let rest: Vec<String> = items.map(|i| i.unwrap().id).collect().await;
    assert_eq!(rest, vec!["b".to_owned(), "c".to_owned()]);
}

#[tokio::test]
async fn a_documented_error_is_decoded_from_its_whole_body() {
    let Served { url, .. } = serve(
        "404 Not Found\r\ncontent-type: application/json",
        vec![
            Step::Send("{\"detail\": "),
            Step::Sleep(50),
            Step::Send("\"no such clock\"}"),
        ],
    )
    .await;
    let err = client(&url).watch_ticks().await.unwrap_err();
    match &err {
        Error::Api(api) => assert!(
            matches!(&api.body, WatchTicksError::NotFound(p) if p.detail.as_deref() == Some("no such clock"))
        ),
        other => panic!("{other}"),
    }
    assert_eq!(
        err.to_string(),
        "the API answered 404 Not Found: no such clock"
    );
}

#[tokio::test]
async fn a_response_offering_json_and_events_gives_both() {
    use streaming::types::ChatRequest;
    let served = serve(
        EVENTS,
        vec![
            Step::Send("data: {\"n\": 1}\n\n"),
            Step::Send("data: {\"n\": 2}\n\n"),
        ],
    )
    .await;
    let ticks: Vec<i64> = client(&served.url)
        .chat(ChatRequest::default().with_stream(true))
        .events()
        .await
        .unwrap()
        .map(|t| t.unwrap().data.n)
        .collect()
        .await;
    assert_eq!(ticks, vec![1, 2]);
    let request = served.request.lock().unwrap().to_ascii_lowercase();
    assert!(request.contains("accept: text/event-stream"), "{request}");
    assert!(request.contains("\"stream\":true"), "{request}");
    // `.await` decodes the JSON form.
    let served = serve(
        "200 OK\r\ncontent-type: application/json",
        vec![Step::Send("{\"n\": 7}")],
    )
    .await;
    let tick = client(&served.url)
        .chat(ChatRequest::default())
        .await
        .unwrap();
    assert_eq!(tick.n, 7);
}

#[tokio::test]
async fn a_streamed_line_longer_than_the_limit_ends_the_stream_and_short_lines_go_on() {
    // Lines of 40 bytes pass a 64-byte limit however long the stream; one of
    // 100 bytes, split over two chunks, ends it with the typed error.
    let Served { url, .. } = serve(
        "200 OK\r\ncontent-type: application/x-ndjson",
        vec![
            Step::Send("{\"id\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}\n"),
            Step::Send("{\"id\": \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"}\n{\"id\": \"cccccccccccccccccccccccccccccccc"),
            Step::Send("cccccccccccccccccccccccccccccccccccccccccccccccccccccccc\"}\n"),
        ],
    )
    .await;
    let client = streaming::Client::builder(&url)
        .max_response_size(Some(64))
        .build()
        .unwrap();
    let items: Vec<_> = client.export_items().await.unwrap().collect().await;
    let ids: Vec<&str> = items
        .iter()
        .filter_map(|i| i.as_ref().ok())
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(ids.len(), 2, "{items:?}");
    match items.last() {
        Some(Err(Error::TooLarge(t))) => assert_eq!(t.limit, 64),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn an_event_of_endless_short_lines_ends_the_stream_and_short_events_go_on() {
    // Each line is short, so only a bound on the event (its lines up to the
    // blank line) stops the third; the two before it arrive whole, and many
    // events in all pass however long the stream.
    let mut steps = vec![
        Step::Send("data: {\"n\": 1}\n\n"),
        Step::Send("data: {\"n\": 2}\n\n"),
    ];
    steps.extend((0..1000).map(|_| Step::Send("data: {\"n\": 3}\n")));
    let Served { url, .. } = serve(EVENTS, steps).await;
    let client = streaming::Client::builder(&url)
        .max_response_size(Some(64))
        .build()
        .unwrap();
    let got: Vec<_> = client.watch_ticks().await.unwrap().collect().await;
    let ns: Vec<i64> = got
        .iter()
        .filter_map(|e| e.as_ref().ok())
        .map(|e| e.data.n)
        .collect();
    assert_eq!(ns, [1, 2], "{got:?}");
    match got.last() {
        Some(Err(Error::TooLarge(t))) => assert_eq!(t.limit, 64),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}
