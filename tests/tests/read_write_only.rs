//! readOnly / writeOnly through the client generated from
//! `tests/fixtures/read_write_only.yaml`, against wiremock on loopback.

use integration_tests::fixtures::read_write_only::{self as rw, types as rwt};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn read_only_properties_are_not_sent_and_write_only_ones_not_expected_back() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orders"))
        .and(body_json(serde_json::json!({
            "pet": {"name": "Rex", "secret": "s3"}, "quantity": 2
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "pet": {"id": 7, "name": "Rex"}, "quantity": 2
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = rw::Client::builder(server.uri()).build().unwrap();
    // The request form has no `id` to invent; the response has no `secret` to require.
    let order = rwt::OrderRequest::new(rwt::PetRequest::new("Rex", "s3"), 2);
    let placed: rwt::Order = client.place_order(order).await.unwrap();
    assert_eq!(placed.pet.id, 7);
    assert_eq!(placed.pet.secret, None);
}
