//! Parameters the spec places or lays out unusually, on a loopback server
//! (fixture `parameters`): a path key with a query string
//! (`/prices/{country}?currency={currency}`) sends its templated pairs as
//! query parameters; `label` and `matrix` path parameters and an exploded
//! header are written as OpenAPI's style table says, and a parameter
//! described by `content: application/json` as JSON text.

use integration_tests::fixtures::parameters;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_query_string_in_the_path_key_is_sent_as_query_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/prices/se"))
        .and(query_param("currency", "SEK kr"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = parameters::Client::builder(server.uri()).build().unwrap();
    client.get_price("se", "SEK kr").await.unwrap();
}

#[tokio::test]
async fn label_and_matrix_path_parameters_and_an_exploded_header_follow_the_style_table() {
    let server = MockServer::start().await;
    // `{.labels*}` of [3, 4, 5], `{;matrix}` of ["a b", "c"], and the
    // header's object as `key=value` pairs; the JSON parameter as JSON text.
    Mock::given(method("GET"))
        .and(path("/styles/.3.4.5/;matrix=a%20b,c"))
        .and(query_param("filter", r#"{"tags":["x y"],"n":1}"#))
        // The header's text whole (wiremock's `header` matcher splits values at commas).
        .and(|r: &wiremock::Request| {
            r.headers.get("X-Filter").map(|v| v.as_bytes()) == Some(&b"role=admin,n=2"[..])
        })
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = parameters::Client::builder(server.uri()).build().unwrap();
    let filter = parameters::types::GetStyledXFilter::default()
        .with_role("admin")
        .with_n(2);
    client
        .get_styled(vec![3, 4, 5], vec!["a b".to_owned(), "c".to_owned()])
        .x_filter(filter)
        .filter(
            parameters::types::GetStyledFilter::default()
                .with_tags(vec!["x y".to_owned()])
                .with_n(1),
        )
        .await
        .unwrap();
}
