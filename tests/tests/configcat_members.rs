//! ConfigCat's 10 `Members` operations against a real HTTP server on loopback
//! (wiremock): exact requests with Basic auth, success bodies, and the
//! documented (bodiless) 400/404/429 errors.

use api_clients::configcat::{self, operations::members, types};
use openapi_runtime::{Error, Patch, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORG: &str = "08d8b5b5-7a44-4e2a-8d1c-0f6f1a2b3c4d";
const PRODUCT: &str = "046b6c7f-0b8a-43b9-b35d-6489e6daee91";
const INVITATION: &str = "5f0c3e2a-1b4d-4c6e-8f7a-9b0c1d2e3f4a";
/// `base64("api-user:api-pass")`
const BASIC: &str = "Basic YXBpLXVzZXI6YXBpLXBhc3M=";

fn uuid(s: &str) -> uuid::Uuid {
    s.parse().unwrap()
}

async fn setup() -> (MockServer, configcat::Client) {
    let server = MockServer::start().await;
    let client = configcat::Client::builder(server.uri())
        .basic_auth("api-user", "api-pass")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    (server, client)
}

fn authed() -> impl wiremock::Match {
    header("authorization", BASIC)
}

/// Mounts `status` (no body) for any request, for the documented-error checks.
async fn fail_with(server: &MockServer, status: u16) {
    server.reset().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status))
        .mount(server)
        .await;
}

fn documented<E: std::fmt::Debug>(err: Error<E>) -> E {
    match err {
        Error::Api(api) => api.body,
        other => panic!("expected a documented error, got {other:?}"),
    }
}

#[tokio::test]
async fn get_organization_members() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/organizations/{ORG}/members")))
        .and(authed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"userId": "u2", "fullName": null, "email": "bob@example.com", "twoFactorEnabled": false,
             "permissions": [], "organizationAdmin": false, "organizationBillingManager": false}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    #[allow(deprecated)]
    let users = client
        .members()
        .get_organization_members(uuid(ORG))
        .await
        .unwrap();
    assert_eq!(users[0].email.as_deref(), Some("bob@example.com"));
    assert_eq!(users[0].full_name, None);

    fail_with(&server, 404).await;
    #[allow(deprecated)]
    let err = client
        .members()
        .get_organization_members(uuid(ORG))
        .await
        .unwrap_err();
    assert_eq!(
        documented(err),
        members::MembersGetOrganizationMembersError::NotFound
    );
}

#[tokio::test]
async fn get_organization_members_v2() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/organizations/{ORG}/members")))
        .and(authed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "admins": [{"userId": "u1", "fullName": "Ada", "email": "ada@example.com", "twoFactorEnabled": true}],
            "billingManagers": [],
            "members": []
        })))
        .expect(1)
        .mount(&server)
        .await;
    let org = client
        .members()
        .get_organization_members_v2(uuid(ORG))
        .await
        .unwrap();
    assert_eq!(org.admins[0].full_name, "Ada");

    fail_with(&server, 400).await;
    let err = client
        .members()
        .get_organization_members_v2(uuid(ORG))
        .await
        .unwrap_err();
    assert_eq!(
        documented(err),
        members::MembersGetOrganizationMembersV2Error::BadRequest
    );
}

#[tokio::test]
async fn get_pending_invitations_of_organization() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/organizations/{ORG}/invitations")))
        .and(authed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{
            "invitationId": INVITATION, "email": "new@example.com", "productId": PRODUCT,
            "productName": "Web", "permissionGroupId": 3, "createdAt": "2025-05-01T10:00:00Z",
            "expired": false, "expires": "2025-05-08T10:00:00Z"
        }])))
        .expect(1)
        .mount(&server)
        .await;
    let invitations = client
        .members()
        .get_pending_invitations_org(uuid(ORG))
        .await
        .unwrap();
    assert_eq!(invitations[0].invitation_id, uuid(INVITATION));
    assert_eq!(invitations[0].product_name.as_deref(), Some("Web"));

    fail_with(&server, 404).await;
    let err = client
        .members()
        .get_pending_invitations_org(uuid(ORG))
        .await
        .unwrap_err();
    assert_eq!(
        documented(err),
        members::MembersGetPendingInvitationsOrgError::NotFound
    );
}

#[tokio::test]
async fn get_pending_invitations_of_product() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{PRODUCT}/invitations")))
        .and(authed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{
            "invitationId": INVITATION, "email": null, "permissionGroupId": 3,
            "createdAt": "2025-05-01T10:00:00Z", "expired": true
        }])))
        .expect(1)
        .mount(&server)
        .await;
    let invitations = client
        .members()
        .get_pending_invitations(uuid(PRODUCT))
        .await
        .unwrap();
    assert!(invitations[0].expired);
    assert_eq!(invitations[0].email, None);

    fail_with(&server, 400).await;
    let err = client
        .members()
        .get_pending_invitations(uuid(PRODUCT))
        .await
        .unwrap_err();
    assert_eq!(
        documented(err),
        members::MembersGetPendingInvitationsError::BadRequest
    );
}

#[tokio::test]
async fn get_product_members() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{PRODUCT}/members")))
        .and(authed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{
            "userId": "u3", "productId": PRODUCT, "permissionGroupId": 7, "fullName": "Cy", "email": "cy@example.com"
        }])))
        .expect(1)
        .mount(&server)
        .await;
    let product_members = client
        .members()
        .get_product_members(uuid(PRODUCT))
        .await
        .unwrap();
    assert_eq!(product_members[0].permission_group_id, 7);

    fail_with(&server, 404).await;
    let err = client
        .members()
        .get_product_members(uuid(PRODUCT))
        .await
        .unwrap_err();
    assert_eq!(
        documented(err),
        members::MembersGetProductMembersError::NotFound
    );
}

#[tokio::test]
async fn invite_member() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/products/{PRODUCT}/members/invite")))
        .and(authed())
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"emails": ["a@example.com", "b@example.com"], "permissionGroupId": 5}),
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let body = types::InviteMembersRequest::new(
        vec!["a@example.com".to_owned(), "b@example.com".to_owned()],
        5,
    );
    client
        .members()
        .invite_member(uuid(PRODUCT), body.clone())
        .await
        .unwrap();

    fail_with(&server, 400).await;
    let err = client
        .members()
        .invite_member(uuid(PRODUCT), body)
        .await
        .unwrap_err();
    assert_eq!(
        documented(err),
        members::MembersInviteMemberError::BadRequest
    );
}

#[tokio::test]
async fn add_member_to_group() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/organizations/{ORG}/members/user%2042")))
        .and(authed())
        .and(body_json(
            json!({"permissionGroupIds": [1, 2], "isAdmin": null}),
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let body = types::UpdateMemberPermissionsRequest::default()
        .with_permission_group_ids(vec![1, 2])
        .with_is_admin(Patch::Null);
    client
        .members()
        .add_member_to_group(uuid(ORG), "user 42", body.clone())
        .await
        .unwrap();

    fail_with(&server, 404).await;
    let err = client
        .members()
        .add_member_to_group(uuid(ORG), "user 42", body)
        .await
        .unwrap_err();
    assert_eq!(
        documented(err),
        members::MembersAddMemberToGroupError::NotFound
    );
}

#[tokio::test]
async fn delete_organization_member() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/organizations/{ORG}/members/u1")))
        .and(authed())
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client
        .members()
        .delete_organization_member(uuid(ORG), "u1")
        .await
        .unwrap();

    fail_with(&server, 400).await;
    let err = client
        .members()
        .delete_organization_member(uuid(ORG), "u1")
        .await
        .unwrap_err();
    assert_eq!(
        documented(err),
        members::MembersDeleteOrganizationMemberError::BadRequest
    );
}

#[tokio::test]
async fn delete_invitation() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/invitations/{INVITATION}")))
        .and(authed())
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client
        .members()
        .delete_invitation(uuid(INVITATION))
        .await
        .unwrap();

    fail_with(&server, 404).await;
    let err = client
        .members()
        .delete_invitation(uuid(INVITATION))
        .await
        .unwrap_err();
    assert_eq!(
        documented(err),
        members::MembersDeleteInvitationError::NotFound
    );
}

#[tokio::test]
async fn delete_product_member() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/products/{PRODUCT}/members/u3")))
        .and(authed())
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client
        .members()
        .delete_product_member(uuid(PRODUCT), "u3")
        .await
        .unwrap();

    // 429 is documented; with retries off it comes back as the typed error.
    fail_with(&server, 429).await;
    let err = client
        .members()
        .delete_product_member(uuid(PRODUCT), "u3")
        .await
        .unwrap_err();
    assert_eq!(
        documented(err),
        members::MembersDeleteProductMemberError::TooManyRequests
    );
}
