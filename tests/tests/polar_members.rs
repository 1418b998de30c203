//! Polar's 13 member operations against a real HTTP server on loopback
//! (wiremock): the exact request the client sends, the decoding of the success
//! body, and the decoding of a documented error body.

use api_clients::polar::{self, types};
use openapi_runtime::{Error, Patch, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "polar_oat_test_token";
const CUSTOMER: &str = "9c8b7a69-5d4e-4f3a-8b2c-1d0e9f8a7b6c";
const MEMBER: &str = "4b5d1a36-0f6b-4b7e-9a2b-0d1c2e3f4a5b";

fn uuid(s: &str) -> uuid::Uuid {
    s.parse().unwrap()
}

async fn setup() -> (MockServer, polar::Client) {
    let server = MockServer::start().await;
    let client = polar::Client::builder(server.uri())
        .bearer_auth(TOKEN)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    (server, client)
}

fn member_json(role: &str) -> Value {
    json!({
        "id": MEMBER,
        "created_at": "2025-01-02T03:04:05Z",
        "modified_at": null,
        "customer_id": CUSTOMER,
        "email": "member@example.com",
        "name": "Jane Doe",
        "external_id": "usr_1337",
        "role": role
    })
}

fn portal_member_json() -> Value {
    json!({
        "created_at": "2025-01-02T03:04:05Z",
        "modified_at": null,
        "id": MEMBER,
        "email": "member@example.com",
        "name": "Jane Doe",
        "role": "billing_manager"
    })
}

fn not_found() -> ResponseTemplate {
    ResponseTemplate::new(404)
        .set_body_json(json!({"error": "ResourceNotFound", "detail": "Member not found"}))
}

fn invalid() -> ResponseTemplate {
    ResponseTemplate::new(422).set_body_json(json!({
        "detail": [{"loc": ["body", "email"], "msg": "value is not a valid email address", "type": "value_error"}]
    }))
}

/// Asserts the request carried the bearer token and a User-Agent naming the crate.
fn authed() -> impl wiremock::Match {
    header("authorization", format!("Bearer {TOKEN}").as_str())
}

fn user_agent_names_crate(req: &Request) -> bool {
    req.headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ua| ua.starts_with("api-clients/"))
}

fn assert_not_found<E: std::fmt::Debug>(
    err: Error<E>,
    expected: impl Fn(&E) -> Option<&types::ResourceNotFound>,
) {
    match &err {
        Error::Api(api) => {
            assert_eq!(api.status.as_u16(), 404);
            let body =
                expected(&api.body).unwrap_or_else(|| panic!("wrong variant: {:?}", api.body));
            assert_eq!(body.detail, "Member not found");
        }
        other => panic!("expected a documented 404, got {other:?}"),
    }
}

#[tokio::test]
async fn list_members_sends_filters_and_decodes_the_page() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/members/"))
        .and(authed())
        .and(query_param("customer_id", CUSTOMER))
        .and(query_param("role", "owner"))
        .and(query_param("page", "2"))
        .and(query_param("limit", "10"))
        .and(|r: &Request| user_agent_names_crate(r))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [member_json("owner")],
            "pagination": {"total_count": 11, "max_page": 2}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = client
        .members()
        .list_members()
        .customer_id(uuid(CUSTOMER))
        .role(types::MemberRole::Owner)
        .page(2)
        .limit(10)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].role, types::MemberRole::Owner);
    assert_eq!(page.pagination.total_count, 11);
}

#[tokio::test]
async fn list_members_decodes_validation_errors() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/members/"))
        .respond_with(invalid())
        .mount(&server)
        .await;
    let err = client.members().list_members().await.unwrap_err();
    let Error::Api(api) = err else {
        panic!("expected a documented error, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 422);
    // Error enums are non-exhaustive (a spec update may add statuses).
    let polar::operations::members::MembersListMembersError::UnprocessableEntity(body) = api.body
    else {
        panic!("expected the 422 variant")
    };
    let detail = body.detail.unwrap();
    assert_eq!(detail[0].msg, "value is not a valid email address");
}

#[tokio::test]
async fn create_member_posts_the_body() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/customers/{CUSTOMER}/members")))
        .and(authed())
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"email": "member@example.com", "name": "Jane Doe", "role": "member"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(member_json("member")))
        .expect(1)
        .mount(&server)
        .await;
    let body = types::MemberCreateFromCustomer::new("member@example.com")
        .with_name("Jane Doe")
        .with_role(types::MemberCreateFromCustomerRole::Member);
    let created = client
        .customers()
        .members()
        .create(uuid(CUSTOMER), body.clone())
        .await
        .unwrap();
    assert_eq!(created.email, "member@example.com");

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(not_found())
        .mount(&server)
        .await;
    let err = client
        .customers()
        .members()
        .create(uuid(CUSTOMER), body)
        .await
        .unwrap_err();
    assert_not_found(err, |e| match e {
        polar::operations::customers::CustomersMembersCreateError::NotFound(b) => Some(b),
        _ => None,
    });
}

#[tokio::test]
async fn create_external_member_encodes_the_external_id() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers/external/ext%2F42%20a/members"))
        .and(authed())
        .and(body_json(
            json!({"email": "x@example.com", "external_id": null}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(member_json("member")))
        .expect(1)
        .mount(&server)
        .await;
    let body = types::MemberCreateFromCustomer::new("x@example.com").with_external_id(Patch::Null);
    let created = client
        .customers()
        .members()
        .create_external("ext/42 a", body.clone())
        .await
        .unwrap();
    assert_eq!(created.external_id.as_deref(), Some("usr_1337"));

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(invalid())
        .mount(&server)
        .await;
    let err = client
        .customers()
        .members()
        .create_external("e", body)
        .await
        .unwrap_err();
    assert!(matches!(
        err.api_error(),
        Some(
            polar::operations::customers::CustomersMembersCreateExternalError::UnprocessableEntity(
                _
            )
        )
    ));
}

#[tokio::test]
async fn get_member() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/customers/{CUSTOMER}/members/{MEMBER}")))
        .and(authed())
        .respond_with(ResponseTemplate::new(200).set_body_json(member_json("billing_manager")))
        .expect(1)
        .mount(&server)
        .await;
    let member = client
        .customers()
        .members()
        .get(uuid(CUSTOMER), uuid(MEMBER))
        .await
        .unwrap();
    assert_eq!(member.role, types::MemberRole::BillingManager);

    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(not_found())
        .mount(&server)
        .await;
    let err = client
        .customers()
        .members()
        .get(uuid(CUSTOMER), uuid(MEMBER))
        .await
        .unwrap_err();
    assert_not_found(err, |e| match e {
        polar::operations::customers::CustomersMembersGetError::NotFound(b) => Some(b),
        _ => None,
    });
}

#[tokio::test]
async fn update_member_sends_only_what_is_set() {
    let (server, client) = setup().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/v1/customers/{CUSTOMER}/members/{MEMBER}")))
        .and(authed())
        .and(body_json(json!({"name": null, "role": "billing_manager"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(member_json("billing_manager")))
        .expect(1)
        .mount(&server)
        .await;
    let update = types::MemberUpdate::default()
        .with_name(Patch::Null)
        .with_role(types::MemberRole::BillingManager);
    let member = client
        .customers()
        .members()
        .update(uuid(CUSTOMER), uuid(MEMBER), update.clone())
        .await
        .unwrap();
    assert_eq!(member.role, types::MemberRole::BillingManager);

    server.reset().await;
    Mock::given(method("PATCH"))
        .respond_with(not_found())
        .mount(&server)
        .await;
    let err = client
        .customers()
        .members()
        .update(uuid(CUSTOMER), uuid(MEMBER), update)
        .await
        .unwrap_err();
    assert_not_found(err, |e| match e {
        polar::operations::customers::CustomersMembersUpdateError::NotFound(b) => Some(b),
        _ => None,
    });
}

#[tokio::test]
async fn delete_member_returns_unit_on_204() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/customers/{CUSTOMER}/members/{MEMBER}")))
        .and(authed())
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client
        .customers()
        .members()
        .delete(uuid(CUSTOMER), uuid(MEMBER))
        .await
        .unwrap();

    server.reset().await;
    Mock::given(method("DELETE"))
        .respond_with(not_found())
        .mount(&server)
        .await;
    let err = client
        .customers()
        .members()
        .delete(uuid(CUSTOMER), uuid(MEMBER))
        .await
        .unwrap_err();
    assert_not_found(err, |e| match e {
        polar::operations::customers::CustomersMembersDeleteError::NotFound(b) => Some(b),
        _ => None,
    });
}

#[tokio::test]
async fn get_member_by_external_ids() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/external/cus_1/members/usr_1337"))
        .and(authed())
        .respond_with(ResponseTemplate::new(200).set_body_json(member_json("member")))
        .expect(1)
        .mount(&server)
        .await;
    let member = client
        .customers()
        .members()
        .get_external("cus_1", "usr_1337")
        .await
        .unwrap();
    assert_eq!(member.external_id.as_deref(), Some("usr_1337"));

    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(not_found())
        .mount(&server)
        .await;
    let err = client
        .customers()
        .members()
        .get_external("cus_1", "usr_1337")
        .await
        .unwrap_err();
    assert_not_found(err, |e| match e {
        polar::operations::customers::CustomersMembersGetExternalError::NotFound(b) => Some(b),
        _ => None,
    });
}

#[tokio::test]
async fn update_member_by_external_ids() {
    let (server, client) = setup().await;
    Mock::given(method("PATCH"))
        .and(path("/v1/customers/external/cus_1/members/usr_1337"))
        .and(authed())
        .and(body_json(json!({"email": "new@example.com"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(member_json("member")))
        .expect(1)
        .mount(&server)
        .await;
    let update = types::MemberUpdate::default().with_email("new@example.com");
    client
        .customers()
        .members()
        .update_external("cus_1", "usr_1337", update.clone())
        .await
        .unwrap();

    server.reset().await;
    Mock::given(method("PATCH"))
        .respond_with(invalid())
        .mount(&server)
        .await;
    let err = client
        .customers()
        .members()
        .update_external("cus_1", "usr_1337", update)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
}

#[tokio::test]
async fn delete_member_by_external_ids() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/customers/external/cus_1/members/usr_1337"))
        .and(authed())
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client
        .customers()
        .members()
        .delete_external("cus_1", "usr_1337")
        .await
        .unwrap();

    server.reset().await;
    Mock::given(method("DELETE"))
        .respond_with(not_found())
        .mount(&server)
        .await;
    let err = client
        .customers()
        .members()
        .delete_external("cus_1", "usr_1337")
        .await
        .unwrap_err();
    assert_not_found(err, |e| match e {
        polar::operations::customers::CustomersMembersDeleteExternalError::NotFound(b) => Some(b),
        _ => None,
    });
}

#[tokio::test]
async fn customer_portal_list_members() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/customer-portal/members"))
        .and(authed())
        .and(query_param("limit", "5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [portal_member_json()],
            "pagination": {"total_count": 1, "max_page": 1}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = client
        .customer_portal()
        .members()
        .list_members()
        .limit(5)
        .await
        .unwrap();
    assert_eq!(page.items[0].role, types::MemberRole::BillingManager);

    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(invalid())
        .mount(&server)
        .await;
    let err = client
        .customer_portal()
        .members()
        .list_members()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert!(err.api_error().is_some());
}

#[tokio::test]
async fn customer_portal_add_member() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/customer-portal/members"))
        .and(authed())
        .and(body_json(
            json!({"email": "new@example.com", "role": "member"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(portal_member_json()))
        .expect(1)
        .mount(&server)
        .await;
    let body = types::CustomerPortalMemberCreate::new("new@example.com")
        .with_role(types::MemberRole::Member);
    let added = client
        .customer_portal()
        .members()
        .add_member(body.clone())
        .await
        .unwrap();
    assert_eq!(added.email, "member@example.com");

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(invalid())
        .mount(&server)
        .await;
    let err = client
        .customer_portal()
        .members()
        .add_member(body)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
}

#[tokio::test]
async fn customer_portal_update_member() {
    let (server, client) = setup().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/v1/customer-portal/members/{MEMBER}")))
        .and(authed())
        .and(body_json(json!({"role": "member"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(portal_member_json()))
        .expect(1)
        .mount(&server)
        .await;
    let update = types::CustomerPortalMemberUpdate::default().with_role(types::MemberRole::Member);
    client
        .customer_portal()
        .members()
        .update_member(uuid(MEMBER), update.clone())
        .await
        .unwrap();

    server.reset().await;
    Mock::given(method("PATCH"))
        .respond_with(not_found())
        .mount(&server)
        .await;
    let err = client
        .customer_portal()
        .members()
        .update_member(uuid(MEMBER), update)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(err.api_error().is_some(), "{err:?}");
}

#[tokio::test]
async fn customer_portal_remove_member() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/customer-portal/members/{MEMBER}")))
        .and(authed())
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client
        .customer_portal()
        .members()
        .remove_member(uuid(MEMBER))
        .await
        .unwrap();

    server.reset().await;
    Mock::given(method("DELETE"))
        .respond_with(not_found())
        .mount(&server)
        .await;
    let err = client
        .customer_portal()
        .members()
        .remove_member(uuid(MEMBER))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(err.api_error().is_some(), "{err:?}");
}
