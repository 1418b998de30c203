//! Parameters the spec places or lays out unusually, on a loopback server
//! (fixture `parameters`): a path key with a query string
//! (`/prices/{country}?currency={currency}`) sends its templated pairs as
//! query parameters; `label` and `matrix` path parameters and an exploded
//! header are written as OpenAPI's style table says, a parameter
//! described by `content: application/json` as JSON text, and one with
//! `allowReserved` with its reserved characters as they are; a form body's
//! object property is JSON text unless its `encoding` gives a style.

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
        // `allowReserved`: `/` and `?` as they are, `&` and the space encoded.
        .and(|r: &wiremock::Request| {
            r.url
                .query()
                .is_some_and(|q| q.starts_with("at=/docs/a?b%26c%20d&"))
        })
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
        .at("/docs/a?b&c d")
        .filter(
            parameters::types::GetStyledFilter::default()
                .with_tags(vec!["x y".to_owned()])
                .with_n(1),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_form_body_writes_objects_and_json_properties_as_json_unless_their_encoding_has_a_style()
{
    let server = MockServer::start().await;
    // `address` (no encoding) as JSON text, as OpenAPI 3.1.1's "URL Encoded
    // Form with JSON Values" example writes it; `ids` as its key repeated;
    // `filter` (`style: form`) as its own pairs; `note` and `codes`
    // (`contentType: application/json`) as JSON text, quotes and brackets
    // included.
    let expected = "name=Jo+Lee\
        &address=%7B%22city%22%3A%22Somewhere%22%2C%22zip%22%3A%2299999%2B1234%22%7D\
        &ids=1&ids=2&year=2024&tag=a&tag=b&note=%22hi%22&codes=%5B3%2C4%5D";
    Mock::given(method("POST"))
        .and(path("/forms"))
        .and(move |r: &wiremock::Request| r.body == expected.as_bytes())
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = parameters::Client::builder(server.uri()).build().unwrap();
    let body = parameters::types::PostFormRequest::new("Jo Lee")
        .with_address(
            parameters::types::PostFormRequestAddress::default()
                .with_city("Somewhere")
                .with_zip("99999+1234"),
        )
        .with_ids(vec![1, 2])
        .with_filter(
            parameters::types::PostFormRequestFilter::default()
                .with_year(2024)
                .with_tag(vec!["a".to_owned(), "b".to_owned()]),
        )
        .with_note("hi")
        .with_codes(vec![3, 4]);
    let sent = client.post_form(body).await;
    let received = server.received_requests().await.unwrap_or_default();
    assert!(
        sent.is_ok(),
        "{sent:?}; the server received {:?}",
        received
            .iter()
            .map(|r| String::from_utf8_lossy(&r.body).into_owned())
            .collect::<Vec<_>>()
    );
}
