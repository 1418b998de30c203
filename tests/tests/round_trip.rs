//! JSON written by hand for real shapes decodes into the generated types and
//! re-encodes to the same JSON; values the spec does not know survive unchanged.

use api_clients::{configcat, polar};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Decodes `value` as `T`, re-encodes it, and checks nothing changed.
fn round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug>(value: Value) -> T {
    let typed: T = serde_json::from_value(value.clone()).expect("decodes");
    let again = serde_json::to_value(&typed).expect("encodes");
    assert_eq!(again, value, "re-encoding {typed:?} changed the JSON");
    typed
}

fn polar_member() -> Value {
    json!({
        "id": "4b5d1a36-0f6b-4b7e-9a2b-0d1c2e3f4a5b",
        "created_at": "2025-01-02T03:04:05Z",
        "modified_at": null,
        "customer_id": "9c8b7a69-5d4e-4f3a-8b2c-1d0e9f8a7b6c",
        "email": "member@example.com",
        "name": "Jane Doe",
        "external_id": null,
        "role": "owner"
    })
}

#[test]
fn polar_member_round_trips() {
    let member: polar::types::Member = round_trip(polar_member());
    assert_eq!(member.email, "member@example.com");
    assert_eq!(member.role, polar::types::MemberRole::Owner);
    assert_eq!(member.modified_at, None);
}

#[test]
fn polar_member_with_unknown_role_keeps_it() {
    let mut value = polar_member();
    value["role"] = json!("auditor");
    let member: polar::types::Member = round_trip(value);
    assert_eq!(
        member.role,
        polar::types::MemberRole::Other("auditor".into())
    );
    assert_eq!(member.role.as_str(), "auditor");
}

#[test]
fn polar_member_ignores_unknown_fields() {
    let mut value = polar_member();
    value["added_later"] = json!({"x": 1});
    let member: polar::types::Member = serde_json::from_value(value).expect("decodes");
    assert_eq!(member.name.as_deref(), Some("Jane Doe"));
}

fn custom_benefit() -> Value {
    json!({
        "id": "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
        "created_at": "2025-03-04T05:06:07.123456Z",
        "modified_at": "2025-03-05T00:00:00Z",
        "type": "custom",
        "description": "Priority support",
        "selectable": true,
        "deletable": true,
        "is_deleted": false,
        "organization_id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "metadata": {"tier": "gold", "seats": 5, "beta": true, "ratio": 0.5},
        "visibility": "public",
        "properties": {"note": "Email us"},
        "visibility_configurable": true
    })
}

#[test]
fn polar_discriminated_benefit_round_trips() {
    let benefit: polar::types::Benefit = round_trip(custom_benefit());
    let polar::types::Benefit::Custom(custom) = benefit else {
        panic!("expected the custom variant, got {benefit:?}");
    };
    assert_eq!(custom.description, "Priority support");
    assert_eq!(
        custom.metadata.get("seats"),
        Some(&polar::types::MetadataOutputTypeValue::Integer(5))
    );
    assert_eq!(
        custom.metadata.get("ratio"),
        Some(&polar::types::MetadataOutputTypeValue::Number(0.5))
    );
}

#[test]
fn polar_benefit_with_unknown_type_is_kept_raw() {
    let mut value = custom_benefit();
    value["type"] = json!("carrier_pigeon");
    value["wings"] = json!(2);
    let benefit: polar::types::Benefit = round_trip(value.clone());
    assert_eq!(benefit, polar::types::Benefit::Unknown(value));
}

#[test]
fn polar_benefit_with_known_tag_but_bad_body_is_an_error() {
    let mut value = custom_benefit();
    value.as_object_mut().unwrap().remove("description");
    let err = serde_json::from_value::<polar::types::Benefit>(value).unwrap_err();
    assert!(err.to_string().contains("description"), "{err}");
}

#[test]
fn polar_member_update_keeps_absent_apart_from_null() {
    use openapi_runtime::Patch;
    let update = polar::types::MemberUpdate::default()
        .with_name(Patch::Null)
        .with_role(polar::types::MemberRole::Member);
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"name": null, "role": "member"})
    );
    let _: polar::types::MemberUpdate = round_trip(json!({}));
    let _: polar::types::MemberUpdate = round_trip(json!({"name": null}));
    let decoded: polar::types::MemberUpdate = round_trip(json!({"name": "Ann"}));
    assert_eq!(decoded.name, Patch::Set("Ann".to_owned()));
    assert_eq!(decoded.email, Patch::Absent);
}

#[test]
fn configcat_organization_members_round_trip() {
    let value = json!({
        "admins": [
            {"userId": "u1", "fullName": "Ada Admin", "email": "ada@example.com", "twoFactorEnabled": true}
        ],
        "billingManagers": [],
        "members": [{
            "userId": "u2",
            "fullName": "Bob Member",
            "email": "bob@example.com",
            "twoFactorEnabled": false,
            "permissions": [{
                "product": {"productId": "046b6c7f-0b8a-43b9-b35d-6489e6daee91", "name": "Web"},
                "permissionGroup": {"permissionGroupId": 7, "name": "Developers"}
            }]
        }]
    });
    let members: configcat::types::OrganizationMembersModel = round_trip(value);
    assert_eq!(members.admins[0].full_name, "Ada Admin");
    assert_eq!(
        members.members[0].permissions[0]
            .permission_group
            .permission_group_id,
        7
    );
}

#[test]
fn polar_metrics_are_numbers_whether_sent_as_integers_or_not() {
    // `anyOf: [integer, number, null]` is `Option<f64>`.
    let period: polar::types::MetricPeriod = serde_json::from_value(json!({
        "timestamp": "2025-01-01T00:00:00Z",
        "monthly_recurring_revenue": 12345,
        "average_revenue_per_user": 12.5,
        "checkouts": null
    }))
    .expect("decodes");
    assert_eq!(period.monthly_recurring_revenue, Some(12345.0));
    assert_eq!(period.average_revenue_per_user, Some(12.5));
    assert_eq!(period.checkouts, None);
}

#[test]
fn a_nullable_component_is_its_object_and_references_to_it_are_optional() {
    use integration_tests::fixtures::nullable_30::types::{Owner, Pet};
    let owner: Owner = round_trip(json!({"name": "Ada"}));
    assert_eq!(owner.name.as_deref(), Some("Ada"));
    let pet: Pet = serde_json::from_value(json!({"name": "Rex", "owner": null})).expect("decodes");
    assert_eq!(pet.owner, None);
}

#[test]
fn polar_grant_properties_decode_as_the_variant_their_keys_name() {
    // Every variant's fields are optional: the first variant decodes any
    // object, so the keys decide (`runtime::de::order`).
    use polar::types::BenefitGrantProperties as P;
    let slack = json!({"invited_email": "a@example.com", "channel_id": "C1", "channel_name": "general",
        "invite_id": "I1", "invite_url": "https://slack.example/i", "connected_team_id": "T1"});
    assert!(matches!(
        round_trip::<P>(slack),
        P::BenefitGrantSlackSharedChannelProperties(_)
    ));
    let github = json!({"account_id": "1", "repository_owner": "polarsource", "repository_name": "polar",
        "permission": "pull", "granted_account_id": "2"});
    assert!(matches!(
        round_trip::<P>(github),
        P::BenefitGrantGitHubRepositoryProperties(_)
    ));
    let discord =
        json!({"account_id": "1", "guild_id": "g", "role_id": "r", "granted_account_id": "2"});
    assert!(matches!(
        round_trip::<P>(discord),
        P::BenefitGrantDiscordProperties(_)
    ));
    let license =
        json!({"user_provided_key": "key", "license_key_id": "7d5e", "display_key": "****-ABCD"});
    match round_trip::<P>(license) {
        P::BenefitGrantLicenseKeysProperties(p) => {
            assert_eq!(p.license_key_id.as_deref(), Some("7d5e"));
            assert_eq!(p.display_key.as_deref(), Some("****-ABCD"));
        }
        other => panic!("a license-key grant decoded as {other:?}"),
    }
    // Some keys only: still the variant that declares them.
    let partial = json!({"license_key_id": "7d5e", "display_key": "****-ABCD"});
    assert!(matches!(
        round_trip::<P>(partial),
        P::BenefitGrantLicenseKeysProperties(_)
    ));
    let files = json!({"files": ["f1", "f2"]});
    assert!(matches!(
        round_trip::<P>(files),
        P::BenefitGrantDownloadablesProperties(_)
    ));
    // The same union in customer state (a merged alias of it).
    let state: polar::types::CustomerStateBenefitGrantProperties =
        serde_json::from_value(json!({"display_key": "****-1"})).expect("decodes");
    assert!(matches!(state, P::BenefitGrantLicenseKeysProperties(_)));
}

#[test]
fn untagged_object_variants_are_chosen_by_their_keys() {
    use integration_tests::fixtures::untagged::types::Either;
    let strict: Either = round_trip(json!({"id": "1", "name": "n"}));
    assert!(matches!(strict, Either::Strict(_)), "{strict:?}");
    let loose: Either = round_trip(json!({"note": "x"}));
    assert!(matches!(loose, Either::Loose(_)), "{loose:?}");
}

#[test]
fn string_variants_with_a_checked_format_take_only_strings_of_it() {
    use integration_tests::fixtures::untagged::types::{Contact, Image};
    // `oneOf: [binary, uri]`: a link is the `uri` variant, any other string
    // the file (before, every string was the first string variant).
    let link: Image = round_trip(json!("https://example.test/a.png"));
    assert!(matches!(link, Image::String(_)), "{link:?}");
    let file: Image = round_trip(json!("iVBORw0KGgo"));
    assert!(matches!(file, Image::File(_)), "{file:?}");
    let cases = [
        (json!("https://example.test"), "String"),
        (json!("jo@example.test"), "String2"),
        (json!("10.0.0.1"), "String3"),
        (json!("just text"), "String4"),
    ];
    for (value, want) in cases {
        let got: Contact = round_trip(value.clone());
        let name = format!("{got:?}");
        assert!(
            name.starts_with(&format!("{want}(")),
            "{value} decoded as {name}"
        );
    }
}

#[test]
fn polar_payment_methods_decode_as_the_variant_their_keys_name() {
    use polar::types::CustomerPaymentMethod as M;
    let card = json!({
        "id": "0b9f3f40-8f6e-4c0e-9d51-2b1f7c9d8e11",
        "created_at": "2025-01-02T03:04:05Z",
        "modified_at": null,
        "processor": "stripe",
        "customer_id": "9c8b7a69-5d4e-4f3a-8b2c-1d0e9f8a7b6c",
        "type": "card",
        "method_metadata": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030, "wallet": "apple_pay"}
    });
    match round_trip::<M>(card) {
        M::PaymentMethodCard(c) => {
            assert_eq!(c.method_metadata.last4, "4242");
            assert_eq!(c.method_metadata.wallet.as_deref(), Some("apple_pay"));
        }
        other => panic!("a card decoded as {other:?}"),
    }
    let generic = json!({
        "id": "0b9f3f40-8f6e-4c0e-9d51-2b1f7c9d8e12",
        "created_at": "2025-01-02T03:04:05Z",
        "modified_at": "2025-02-02T03:04:05Z",
        "processor": "stripe",
        "customer_id": "9c8b7a69-5d4e-4f3a-8b2c-1d0e9f8a7b6c",
        "type": "us_bank_account"
    });
    match round_trip::<M>(generic) {
        M::PaymentMethodGeneric(g) => assert_eq!(g.r#type, "us_bank_account"),
        other => panic!("a generic payment method decoded as {other:?}"),
    }
}

#[test]
fn a_schema_referenced_inside_a_path_is_one_recursive_type() {
    use integration_tests::fixtures::nested_refs::operations::root::ListFolders;
    use integration_tests::fixtures::nested_refs::types::FoldersGet200;
    let tree = json!({"name": "root", "children": [{"name": "a", "children": []}, {"name": "b"}]});
    let folder: FoldersGet200 = round_trip(tree.clone());
    let children = folder.children.as_deref().unwrap_or_default();
    assert_eq!(children.len(), 2);
    assert_eq!(children[1].name, "b");
    // The operation's own inline schema is that type, not a copy of it.
    let same: fn(<ListFolders as openapi_runtime::Operation>::Output) -> FoldersGet200 = |x| x;
    assert_eq!(same(folder.clone()), folder);
}

#[test]
fn an_all_of_with_a_nullable_member_is_an_optional_reference() {
    use integration_tests::fixtures::all_of_modifiers::types::{Owner, Pet, Status};
    let pet: Pet = round_trip(json!({"owner": null, "previous": {"name": "Ann"}, "status": "a"}));
    assert_eq!(pet.owner, None);
    assert_eq!(pet.previous, Some(Owner::new("Ann")));
    assert_eq!(pet.status, Status::A);
}

#[test]
fn types_from_several_files_refer_to_each_other() {
    use integration_tests::fixtures::multi_file::types::{Owner, Pet};
    let pet: Pet = round_trip(json!({
        "id": 1, "name": "Rex",
        "owner": {"name": "Ann", "pets": [{"id": 2, "name": "Tom"}], "address": {"city": "Oslo"}}
    }));
    let owner: &Owner = pet.owner.as_ref().unwrap();
    assert_eq!(owner.pets.as_ref().unwrap()[0].name, "Tom");
}

/// Found by the round-trip oracle: doubles lost their last digit, because
/// serde_json parses floats fast but inexactly unless `float_roundtrip` is on.
#[test]
fn doubles_come_back_digit_for_digit() {
    let text = r#"{"boolValue":null,"stringValue":null,"intValue":718,"doubleValue":197.14158540591598,"predefinedVariationId":null}"#;
    let value: configcat::types::ValueModel = serde_json::from_str(text).expect("decodes");
    assert_eq!(value.double_value, Some(197.14158540591598));
    assert_eq!(serde_json::to_string(&value).expect("encodes"), text);
}

/// Found by the round-trip oracle: a discriminator property with a default may
/// be left out (Pydantic's `Literal` fields); the value is then the variant
/// it fits, not `Unknown`.
#[test]
fn a_value_without_its_optional_discriminator_is_the_variant_it_fits() {
    let part: polar::types::AssistantBlockPart = round_trip(json!({
        "block": {"email": "jane@example.com", "name": null, "avatar_url": null,
                  "created_at": "2025-01-02T03:04:05Z"}
    }));
    assert!(
        matches!(
            part.block,
            polar::types::AssistantBlockPartBlock::CustomerCard(_)
        ),
        "{:?}",
        part.block
    );
}

/// Found by the round-trip oracle: a union nested as a variant of an untagged
/// union kept every value as its `Unknown`, so the outer union never reached
/// its next variant (`oneOf: [LegacyRecurringProductPrice, ProductPrice]`).
#[test]
fn a_nested_union_does_not_swallow_the_next_variant() {
    let price = json!({
        "created_at": "2025-01-02T03:04:05Z", "modified_at": null,
        "id": "5f1489bf-edc0-41d1-a19d-14c7f35c9ef1", "source": "catalog",
        "amount_type": "metered_unit", "price_currency": "usd", "tax_behavior": null,
        "is_archived": false, "product_id": "5d64ba92-6aaa-434a-aab2-05f8dd948bc0",
        "unit_amount": "0.5", "cap_amount": null,
        "meter_id": "ed661464-7f7b-4fb6-afc9-7ca253e87988",
        "meter": {"id": "6a1cd1f9-fb3e-4a6f-9a41-6f3e3a1b2c3d", "name": "tokens",
                  "unit": "custom", "custom_label": "tokens", "custom_multiplier": null}
    });
    let decoded: polar::types::CheckoutProductPrice = round_trip(price);
    assert!(
        matches!(decoded, polar::types::CheckoutProductPrice::ProductPrice(_)),
        "{decoded:?}"
    );
}

/// The `overlaid` fixture's overlay makes `name` optional and adds `bird`:
/// a pet the spec alone would refuse decodes into the variant the overlay
/// means, and an operation's 429 answer has the copied body type.
#[test]
fn an_overlay_corrects_what_decodes() {
    use integration_tests::fixtures::overlaid::types::{GetPetError429, Pet, PetKind};
    let pet: Pet = round_trip(json!({"id": "p1", "kind": "bird"}));
    assert_eq!(pet.kind, PetKind::Bird);
    assert_eq!(pet.name, None);
    let limited: GetPetError429 = round_trip(json!({"retry_in": 30}));
    assert_eq!(limited.retry_in, 30);
}
