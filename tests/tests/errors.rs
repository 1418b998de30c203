//! What errors say, exactly, on a real loopback server: `{}` and anyhow's
//! `{:#}` (which prints every `source()` after the error) of an API error with
//! the server's message, of a validation error list, of a bodyless documented
//! error whose server sent a message anyway, of an undocumented status with an
//! empty body, of a decode error and of a refused connection. Each cause is
//! named once; one handler reads the status and message of any operation.

use std::time::Duration;

use api_clients::{configcat, polar};
use openapi_runtime::{Error, ErrorBody, RetryPolicy};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn polar_at(base: &str) -> polar::Client {
    polar::Client::builder(base)
        .bearer_auth("polar_oat_token")
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn serve(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// What `list_members` fails with when the server answers `response`.
async fn list_members_failing(
    response: ResponseTemplate,
) -> Error<polar::operations::members::MembersListMembersError> {
    let server = serve(response).await;
    polar_at(&server.uri())
        .members()
        .list_members()
        .await
        .unwrap_err()
}

/// `{}` and `{:#}` through anyhow, as an application shows them.
fn shown<E: std::error::Error + Send + Sync + 'static>(e: E) -> (String, String) {
    let plain = e.to_string();
    let chain = format!("{:#}", anyhow::Error::new(e));
    (plain, chain)
}

/// One handler for the errors of every operation.
fn status_and_message<E>(e: &Error<E>) -> (Option<u16>, Option<String>) {
    (e.status().map(|s| s.as_u16()), e.message())
}

const CUSTOMER: &str = "9c8b7a69-5d4e-4f3a-8b2c-1d0e9f8a7b6c";

#[tokio::test]
async fn an_api_error_says_what_the_server_said() {
    let server = serve(ResponseTemplate::new(404).set_body_json(
        json!({"error": "ResourceNotFound", "detail": "No customer with this ID."}),
    ))
    .await;
    let err = polar_at(&server.uri())
        .customers()
        .get(uuid::Uuid::parse_str(CUSTOMER).unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        status_and_message(&err),
        (Some(404), Some("No customer with this ID.".into()))
    );
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    // The operation's error enum says it too, with what the spec says of it.
    assert_eq!(
        api.body.to_string(),
        "404: Customer not found.: No customer with this ID."
    );
    assert_eq!(
        api.body.message().as_deref(),
        Some("No customer with this ID.")
    );
    let (plain, chain) = shown(err);
    assert_eq!(
        plain,
        "the API answered 404 Not Found: No customer with this ID."
    );
    assert_eq!(chain, plain, "nothing is repeated by the chain");
}

#[tokio::test]
async fn a_validation_error_lists_each_message_at_its_location() {
    let err = list_members_failing(ResponseTemplate::new(422).set_body_json(json!({"detail": [
        {"loc": ["query", "limit"], "msg": "Input should be less than or equal to 100", "type": "less_than_equal"},
        {"loc": ["query", "page", 0], "msg": "Input should be a valid integer", "type": "int_parsing"}
    ]}))).await;
    let (plain, chain) = shown(err);
    assert_eq!(
        plain,
        "the API answered 422 Unprocessable Entity: query.limit: Input should be less than \
         or equal to 100; query.page.0: Input should be a valid integer"
    );
    assert_eq!(chain, plain);
}

#[tokio::test]
async fn a_documented_error_without_a_schema_keeps_the_message_the_server_sent() {
    let server = serve(
        ResponseTemplate::new(400)
            .set_body_json(json!({"code": 400, "message": "Invalid organizationId."})),
    )
    .await;
    let client = configcat::Client::builder(server.uri())
        .basic_auth("user", "pass")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .members()
        .get_organization_members_v2(uuid::Uuid::nil())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(a) if matches!(a.body, configcat::operations::members::MembersGetOrganizationMembersV2Error::BadRequest)),
        "{err:?}"
    );
    let (plain, chain) = shown(err);
    assert_eq!(
        plain,
        "the API answered 400 Bad Request: Invalid organizationId."
    );
    assert_eq!(chain, plain);
}

#[tokio::test]
async fn an_undocumented_status_with_an_empty_body_ends_with_the_status() {
    let err = list_members_failing(ResponseTemplate::new(503)).await;
    assert_eq!(status_and_message(&err), (Some(503), None));
    let (plain, chain) = shown(err);
    assert_eq!(plain, "unexpected status 503 Service Unavailable");
    assert_eq!(chain, plain);
}

#[tokio::test]
async fn a_decode_error_names_the_path_once() {
    let err = list_members_failing(ResponseTemplate::new(200).set_body_json(
        json!({"items": [{"id": 7}], "pagination": {"total_count": 1, "max_page": 1}}),
    ))
    .await;
    let (plain, chain) = shown(err);
    assert_eq!(
        plain,
        "status 200 OK: the body did not decode at `items[0].id`: invalid type: integer `7`, \
         expected a formatted UUID string at line 1 column 17"
    );
    assert_eq!(chain, plain);
}

#[tokio::test]
async fn a_refused_connection_names_its_cause_once() {
    // A port nothing listens on: bind one, then let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = polar::Client::builder(format!("http://127.0.0.1:{port}"))
        .bearer_auth("polar_oat_token")
        .retry(RetryPolicy::none())
        .timeout(Some(Duration::from_secs(5)))
        .build()
        .unwrap()
        .members()
        .list_members()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let (plain, chain) = shown(err);
    assert!(
        plain.starts_with("transport error: error sending request for url (http://127.0.0.1:"),
        "{plain}"
    );
    assert!(
        plain.ends_with("Connection refused (os error 111)"),
        "{plain}"
    );
    assert_eq!(chain.matches("Connection refused").count(), 1, "{chain}");
    assert_eq!(chain.matches("error sending request").count(), 1, "{chain}");
    assert_eq!(chain, plain);
}
