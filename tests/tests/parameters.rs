//! Parameters the spec places oddly, on a loopback server: a path key with a
//! query string (`/prices/{country}?currency={currency}`, fixture
//! `parameters`) sends its templated pairs as query parameters.

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
