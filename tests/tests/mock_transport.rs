//! The `test-util` test double as a user meets it: code that calls the Polar
//! client, unit-tested against `MockTransport` with typed answers, no
//! network and no hand-written transport.

mod common;

use api_clients::polar::{self, types, Server};
use api_clients::runtime::mock::MockTransport;
use api_clients::runtime::transport::{RequestBody, TransportErrorKind};
use api_clients::runtime::{Error, RetryPolicy, StatusCode, TryStreamExt};
use openapi_generator::{ir::sample, load};

/// The code under test: the emails of a customer's owners, every page read.
async fn owner_emails(client: &polar::Client, customer: &str) -> Result<Vec<String>, String> {
    let members: Vec<types::Member> = client
        .members()
        .list_members()
        .customer_id(customer)
        .stream()
        .try_collect()
        .await
        .map_err(|e| e.to_string())?;
    Ok(members
        .into_iter()
        .filter(|m| m.role == types::MemberRole::Owner)
        .map(|m| m.email)
        .collect())
}

/// A member from the spec's schema, with the given email and role.
fn member(email: &str, role: &str) -> types::Member {
    let bytes = std::fs::read(common::specs_dir().join("polar-2026-10.json")).unwrap();
    let loaded = load::load(&bytes).unwrap();
    let schema = loaded.schemas.at("#/components/schemas/Member").unwrap();
    let mut value = sample::sample(&loaded.schemas, schema);
    value["email"] = email.into();
    value["role"] = role.into();
    serde_json::from_value(value).unwrap()
}

/// One page of a list of `max_page` pages.
fn page(items: Vec<types::Member>, max_page: i64) -> types::ListResourceMember {
    let value = serde_json::json!({
        "items": items,
        "pagination": {"total_count": 3, "max_page": max_page}
    });
    serde_json::from_value(value).unwrap()
}

fn client(mock: &MockTransport) -> polar::Client {
    polar::Client::builder(Server::Sandbox)
        .bearer_auth("test-token")
        .retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        })
        .transport(mock.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn code_calling_the_client_is_tested_with_typed_answers() {
    let mock = MockTransport::new();
    let client = client(&mock);
    let list = client.members().list_members().customer_id("cus_1");
    mock.on(&list.clone().page(1)).respond(
        StatusCode::OK,
        &page(
            vec![
                member("ann@example.com", "owner"),
                member("bob@example.com", "member"),
            ],
            2,
        ),
    );
    mock.on(&list.page(2)).respond(
        StatusCode::OK,
        &page(vec![member("cy@example.com", "owner")], 2),
    );

    let emails = owner_emails(&client, "cus_1").await.unwrap();
    assert_eq!(emails, ["ann@example.com", "cy@example.com"]);

    // What was sent: two pages, filtered by customer, with the token.
    let sent = mock.requests();
    let urls: Vec<String> = sent.iter().map(|r| r.url.to_string()).collect();
    assert_eq!(
        urls,
        [
            "https://sandbox-api.polar.sh/v1/members/?customer_id=cus_1&page=1",
            "https://sandbox-api.polar.sh/v1/members/?customer_id=cus_1&page=2"
        ]
    );
    assert_eq!(sent[0].headers["authorization"], "Bearer test-token");
}

#[tokio::test]
async fn errors_and_failures_are_answered_too() {
    let mock = MockTransport::new();
    let client = client(&mock);
    // A documented error with its typed body: what the caller sees.
    mock.on(&client.members().list_members())
        .respond_json(StatusCode::UNPROCESSABLE_ENTITY, &serde_json::json!({
            "detail": [{"loc": ["query", "customer_id"], "msg": "Input should be a valid UUID", "type": "uuid_parsing"}]
        }));
    assert_eq!(
        owner_emails(&client, "nope").await.unwrap_err(),
        "the API answered 422 Unprocessable Entity: query.customer_id: Input should be a valid UUID"
    );
    // A refused connection.
    mock.on(&client.members().list_members())
        .fail(TransportErrorKind::Connect);
    let refused = client.members().list_members().await.unwrap_err();
    assert!(matches!(refused, Error::Transport(_)), "{refused}");
    // A request nothing answers names itself.
    let update = types::MemberUpdate::default().with_name("Ann");
    let id = uuid::Uuid::nil();
    let unanswered = client
        .customers()
        .members()
        .update(id, id, update)
        .await
        .unwrap_err();
    assert!(
        unanswered
            .to_string()
            .contains("MockTransport: no answer set for PATCH https://sandbox-api.polar.sh/v1/customers/00000000-0000-0000-0000-000000000000/members/00000000-0000-0000-0000-000000000000"),
        "{unanswered}"
    );
    // Its body was recorded as sent.
    let last = mock.requests().pop().unwrap();
    let Some(RequestBody::Bytes { bytes, .. }) = last.body else {
        panic!("a JSON body")
    };
    assert_eq!(String::from_utf8(bytes).unwrap(), r#"{"name":"Ann"}"#);
}
