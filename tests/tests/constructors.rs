//! Constructors and `with_*` setters of generated structs, used the way a
//! user builds a request body or a test fixture: the JSON they produce.

use api_clients::configcat::types as configcat;
use api_clients::polar::types as polar;
use api_clients::runtime::Patch;
use serde_json::json;
use uuid::Uuid;

#[test]
fn new_takes_the_required_properties_and_setters_the_others() {
    let customer = Uuid::from_u128(7);
    let member = polar::MemberCreate::new("jane@example.com", customer)
        .with_name("Jane")
        .with_role(polar::MemberCreateRole::BillingManager);
    assert_eq!(
        serde_json::to_value(&member).unwrap(),
        json!({
            "email": "jane@example.com",
            "customer_id": "00000000-0000-0000-0000-000000000007",
            "name": "Jane",
            "role": "billing_manager",
        })
    );
    // Nothing optional set: only the required properties are sent.
    assert_eq!(
        serde_json::to_value(polar::MemberCreate::new("a@example.com", customer)).unwrap(),
        json!({"email": "a@example.com", "customer_id": "00000000-0000-0000-0000-000000000007"})
    );
}

#[test]
fn a_nullable_request_property_takes_a_value_or_null() {
    let update = polar::MemberUpdate::default()
        .with_role(polar::MemberRole::Owner)
        .with_name(Patch::Null);
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"role": "owner", "name": null})
    );
    let update =
        configcat::UpdateMemberPermissionsRequest::default().with_permission_group_ids(vec![42]);
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"permissionGroupIds": [42]})
    );
}

#[test]
fn a_response_fixture_decodes_from_what_it_encodes() {
    let created: chrono::DateTime<chrono::Utc> = "2026-12-02T10:00:00Z".parse().unwrap();
    let member = polar::Member::new(
        Uuid::from_u128(1),
        created,
        Uuid::from_u128(2),
        "jane@example.com",
        polar::MemberRole::Member,
    )
    .with_name("Jane");
    let text = serde_json::to_string(&member).unwrap();
    assert_eq!(
        serde_json::from_str::<polar::Member>(&text).unwrap(),
        member
    );
    assert_eq!(member.modified_at, None);
    assert_eq!(member.name.as_deref(), Some("Jane"));
}
