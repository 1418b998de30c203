//! High concurrency with a bounded count (throughput is measured by
//! `cargo xtask bench`, not here): 4,000 calls, 512 in flight, through one
//! client to a loopback axum server on a thread of its own. Every call must
//! succeed, and once the client is dropped the runtime must be back to the
//! tasks it had before (connection tasks end with their pool: none leaks).

use std::time::{Duration, Instant};

use api_clients::polar;
use futures_util::StreamExt;
use serde_json::json;

/// Serves a `list_members` page of ten members on loopback; the base URL.
fn serve() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let items: Vec<_> = (0..10)
        .map(|i| {
            json!({
                "id": format!("9f3a0000-0000-4000-8000-{i:012}"),
                "created_at": "2024-11-02T12:00:30Z",
                "modified_at": null,
                "customer_id": "1c0f0000-0000-4000-8000-000000000000",
                "email": format!("member{i}@example.com"),
                "name": null,
                "external_id": null,
                "role": "member"
            })
        })
        .collect();
    let body =
        json!({"items": items, "pagination": {"total_count": 10, "max_page": 1}}).to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
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
            axum::serve(listener, app).await.unwrap();
        });
    });
    url
}

#[tokio::test]
async fn many_calls_in_flight_all_succeed_and_leave_no_task_behind() {
    let url = serve();
    let metrics = tokio::runtime::Handle::current().metrics();
    let before = metrics.num_alive_tasks();
    let client = polar::Client::builder(&url)
        .bearer_auth("token")
        .build()
        .unwrap();
    let results: Vec<bool> = futures_util::stream::iter(0..4000)
        .map(|_| {
            let client = client.clone();
            async move {
                client
                    .members()
                    .list_members()
                    .await
                    .is_ok_and(|page| page.items.len() == 10)
            }
        })
        .buffer_unordered(512)
        .collect()
        .await;
    let errors = results.iter().filter(|ok| !**ok).count();
    assert_eq!((results.len(), errors), (4000, 0));
    let during = metrics.num_alive_tasks();
    assert!(
        during > before,
        "the pool's connections are tasks: {during} vs {before}"
    );
    drop(client);
    let started = Instant::now();
    while metrics.num_alive_tasks() > before && started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        metrics.num_alive_tasks(),
        before,
        "tasks still alive 5 s after the client was dropped"
    );
}
