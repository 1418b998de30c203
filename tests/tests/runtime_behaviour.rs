//! Runtime behaviour through the generated clients, against wiremock on
//! loopback: retries and `Retry-After`, non-idempotent methods, pagination,
//! time-outs, undocumented statuses, rate-limit headers, redacted credentials.

use std::time::{Duration, Instant};

use api_clients::{configcat, polar};
use futures_util::TryStreamExt;
use openapi_runtime::{Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CUSTOMER: &str = "9c8b7a69-5d4e-4f3a-8b2c-1d0e9f8a7b6c";

fn member(n: u32) -> serde_json::Value {
    json!({
        "id": format!("4b5d1a36-0f6b-4b7e-9a2b-0d1c2e3f4a{n:02}"),
        "created_at": "2025-01-02T03:04:05Z",
        "modified_at": null,
        "customer_id": CUSTOMER,
        "email": format!("m{n}@example.com"),
        "name": null,
        "external_id": null,
        "role": "member"
    })
}

fn polar_client(server: &MockServer, retry: RetryPolicy) -> polar::Client {
    polar::Client::builder(server.uri())
        .bearer_auth("secret-token-value")
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..retry
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_once_and_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/members/"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/members/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [member(1)], "pagination": {"total_count": 1, "max_page": 1}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = polar_client(&server, RetryPolicy::default());
    let started = Instant::now();
    let page = client.members().list_members().await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was not honoured"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_post_is_not_retried_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .expect(1 + 3)
        .mount(&server)
        .await;
    let client = polar_client(&server, RetryPolicy::default());
    let body = polar::types::CustomerPortalMemberCreate::new("x@example.com");
    let err = client
        .customer_portal()
        .members()
        .add_member(body.clone())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // Opting in retries it, up to the attempt limit.
    let err = client
        .customer_portal()
        .members()
        .add_member(body)
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            retry_non_idempotent: true,
            ..RetryPolicy::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus(_)), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1 + 3);
}

#[tokio::test]
async fn three_pages_stream_out_every_item_with_three_requests() {
    let server = MockServer::start().await;
    for page in 1..=3u32 {
        Mock::given(method("GET"))
            .and(path("/v1/members/"))
            .and(query_param("page", page.to_string().as_str()))
            .and(query_param("limit", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": [member(page * 10), member(page * 10 + 1)],
                "pagination": {"total_count": 6, "max_page": 3}
            })))
            // Pages 2 and 3 are fetched again by the page-at-a-time check below.
            .expect(if page == 1 { 1 } else { 2 })
            .mount(&server)
            .await;
    }
    let client = polar_client(&server, RetryPolicy::none());
    let members: Vec<polar::types::Member> = client
        .members()
        .list_members()
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let emails: Vec<&str> = members.iter().map(|m| m.email.as_str()).collect();
    assert_eq!(
        emails,
        [
            "m10@example.com",
            "m11@example.com",
            "m20@example.com",
            "m21@example.com",
            "m30@example.com",
            "m31@example.com"
        ]
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    // Page-at-a-time access keeps the metadata.
    let pages: Vec<_> = client
        .members()
        .list_members()
        .limit(2)
        .page(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].pagination.total_count, 6);
}

#[tokio::test]
async fn a_slow_response_returns_the_timeout_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = polar_client(&server, RetryPolicy::default());
    let err = client
        .members()
        .list_members()
        .timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
}

#[tokio::test]
async fn a_500_with_html_keeps_status_and_body() {
    let server = MockServer::start().await;
    let html = "<html><body><h1>Internal Server Error</h1></body></html>";
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(html, "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let client = polar_client(&server, RetryPolicy::default());
    let err = client
        .customers()
        .members()
        .get(
            CUSTOMER.parse::<uuid::Uuid>().unwrap(),
            CUSTOMER.parse::<uuid::Uuid>().unwrap(),
        )
        .await
        .unwrap_err();
    let Error::UnexpectedStatus(response) = &err else {
        panic!("expected an undocumented status, got {err:?}");
    };
    assert_eq!(response.status.as_u16(), 500);
    assert_eq!(response.body, html);
    assert!(err.to_string().contains("500"), "{err}");
}

#[tokio::test]
async fn a_success_body_that_does_not_decode_keeps_the_raw_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"items\": 7}", "application/json"))
        .mount(&server)
        .await;
    let client = polar_client(&server, RetryPolicy::none());
    let err = client.members().list_members().await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(decode.body, "{\"items\": 7}");
    assert_eq!(err.raw_body(), Some("{\"items\": 7}"));
}

#[tokio::test]
async fn rate_limit_headers_are_available_with_the_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Rate-Limit-Remaining", "41")
                .set_body_json(json!([])),
        )
        .mount(&server)
        .await;
    let client = configcat::Client::builder(server.uri())
        .basic_auth("u", "p")
        .build()
        .unwrap();
    let product = "046b6c7f-0b8a-43b9-b35d-6489e6daee91"
        .parse::<uuid::Uuid>()
        .unwrap();
    let response = client
        .members()
        .get_product_members(product)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.header("x-rate-limit-remaining"), Some("41"));
    assert_eq!(response.status.as_u16(), 200);
    assert!(response.body.is_empty());
}

#[tokio::test]
async fn credentials_never_show_in_debug_output() {
    let server = MockServer::start().await;
    let polar = polar_client(&server, RetryPolicy::none());
    let shown = format!("{polar:?}");
    assert!(!shown.contains("secret-token-value"), "{shown}");
    let configcat = configcat::Client::builder(server.uri())
        .basic_auth("user-xyz", "pass-xyz")
        .build()
        .unwrap();
    let shown = format!(
        "{configcat:?} {:?}",
        configcat.members().get_product_members(uuid::Uuid::nil())
    );
    assert!(
        !shown.contains("user-xyz") && !shown.contains("pass-xyz"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_bodiless_success_next_to_a_json_one_decodes_as_none() {
    let server = MockServer::start().await;
    let order = uuid::Uuid::nil();
    Mock::given(method("GET"))
        .and(path(format!("/v1/orders/{order}/receipt")))
        .respond_with(ResponseTemplate::new(202))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/orders/{order}/receipt")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"url": "https://example.test/r.pdf"})),
        )
        .mount(&server)
        .await;
    let client = polar_client(&server, RetryPolicy::none());
    assert_eq!(
        client.orders().receipt(order).await.unwrap(),
        None,
        "202: not ready yet"
    );
    let ready = client
        .orders()
        .receipt(order)
        .await
        .unwrap()
        .expect("200 carries the receipt");
    assert_eq!(
        serde_json::to_value(&ready).unwrap()["url"],
        "https://example.test/r.pdf"
    );
}
