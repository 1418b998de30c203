//! Every untagged union whose object variants are chosen by their keys
//! (`runtime::de::order`), in both real specs: each object variant, with all
//! its fields present, decodes as that variant and re-encodes unchanged.
//!
//! The values are built from the spec by the generator's sampler
//! (`sample_all_fields`), so a union added by a spec update is covered as
//! soon as its name is added to the list below, and the test fails until it is.

mod common;

use std::collections::BTreeSet;

use openapi_generator::ir::{resolve_named, sample, Api, TypeId, TypeKind, TypeRef};
use openapi_generator::{build_ir, load, Options};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// The variant a value decoded as and the value encoded again, or why it did not decode.
type Decoded = Result<(String, Value), String>;

/// Decodes `value` as `T`; answers the variant chosen (from `Debug`, which
/// starts with it) and the value encoded again.
fn decode<T: DeserializeOwned + Serialize + std::fmt::Debug>(value: Value) -> Decoded {
    let typed: T = serde_json::from_value(value).map_err(|e| e.to_string())?;
    let debug = format!("{typed:?}");
    let variant = debug.split(['(', ' ', '{']).next().unwrap_or("").to_owned();
    let again = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    Ok((variant, again))
}

/// `fn $fn(name, value)`: decodes `value` as the union named `name` of `$api`.
macro_rules! unions {
    ($fn:ident, $api:ident: $( $name:ident ),* $(,)?) => {
        #[allow(unused_variables)] // `value`, when the list is empty
        fn $fn(name: &str, value: Value) -> Option<Decoded> {
            match name {
                $( stringify!($name) => Some(decode::<api_clients::$api::types::$name>(value)), )*
                _ => None,
            }
        }
    };
}

unions!(polar_union, polar:
    BenefitGrantProperties,
    BenefitGrantWebhook,
    CheckoutDiscount,
    CheckoutLinkCreate,
    CheckoutLinkDiscount,
    CheckoutPublicDiscount,
    CustomerBenefitGrant,
    CustomerCreate,
    CustomerPaymentMethod,
    CustomerSessionsCreateRequest,
    CustomerStateBenefitGrantProperties,
    CustomerSubscriptionChangePreview,
    CustomerSubscriptionUpdate,
    Discount,
    EventsIngestEventsItem,
    EventsListResponse,
    FilterClausesItem,
    ListResourceItemsItem,
    Oauth2UserinfoResponse,
    Payment,
    PaymentMethod,
    ProductCreate,
    SubscriptionChangePreview,
    SubscriptionUpdate,
    SubscriptionsCreateRequest,
);

unions!(configcat_union, configcat:);

/// The unions whose variants are chosen by keys: untagged, with two or more
/// object variants before any variant that takes every value. Each with the
/// (Rust name, type) of those object variants.
fn key_chosen(api: &Api) -> Vec<(String, Vec<(String, TypeId)>)> {
    let mut out = Vec::new();
    for t in &api.types {
        let TypeKind::Union(u) = &t.kind else {
            continue;
        };
        if u.tag.is_some() {
            continue;
        }
        let objects: Vec<(String, TypeId)> = u
            .variants
            .iter()
            .take_while(|v| v.ty != TypeRef::Any)
            .filter_map(|v| {
                let id = resolve_named(&api.types, &v.ty)?;
                matches!(api.ty(id).kind, TypeKind::Struct(_)).then(|| (v.rust_name.clone(), id))
            })
            .collect();
        if objects.len() >= 2 {
            out.push((t.name.clone(), objects));
        }
    }
    out
}

/// The wire names of a struct's fields.
fn keys(api: &Api, id: TypeId) -> BTreeSet<&str> {
    match &api.ty(id).kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| f.wire_name.as_str()).collect(),
        _ => BTreeSet::new(),
    }
}

fn check(file: &str, decode: fn(&str, Value) -> Option<Decoded>) -> usize {
    let bytes = std::fs::read(common::specs_dir().join(file)).unwrap();
    let loaded = load::load(&bytes).unwrap();
    let api = build_ir(&bytes, &Options::default()).unwrap();
    let mut failures = Vec::new();
    let mut twins = Vec::new();
    let mut variants = 0;
    let unions = key_chosen(&api);
    for (union, objects) in &unions {
        for (variant, id) in objects {
            let origin = &api.ty(*id).origin;
            let schema = loaded
                .schemas
                .at(origin)
                .unwrap_or_else(|| panic!("{origin} is not in the document"));
            let value = sample::sample_all_fields(&loaded.schemas, schema);
            variants += 1;
            match decode(union, value.clone()) {
                None => failures.push(format!(
                    "{union}: not in this test's list; add it to `unions!` for {file}"
                )),
                Some(Err(e)) => failures.push(format!("{union}::{variant}: {e}\n  {value}")),
                Some(Ok((chosen, again))) => {
                    let twin = objects
                        .iter()
                        .find(|(name, _)| *name == chosen)
                        .is_some_and(|(_, other)| keys(&api, *other) == keys(&api, *id));
                    if &chosen != variant && twin {
                        // Both variants declare exactly the same keys: no
                        // object can tell them apart, and nothing is lost.
                        twins.push(format!("{union}::{variant} = {chosen}"));
                    } else if &chosen != variant {
                        failures.push(format!("{union}::{variant} decoded as {chosen}\n  {value}"));
                    }
                    if again != value {
                        failures.push(format!(
                            "{union}::{variant} changed on re-encoding\n  {value}\n  {again}"
                        ));
                    }
                }
            }
        }
    }
    let names: BTreeSet<&str> = unions.iter().map(|(n, _)| n.as_str()).collect();
    println!(
        "{file}: {} unions chosen by keys, {variants} object variants: {}",
        unions.len(),
        names.into_iter().collect::<Vec<_>>().join(", ")
    );
    println!("variants declaring the same keys as another: {twins:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    unions.len()
}

#[test]
fn polar_union_variants_round_trip_with_all_fields() {
    let unions = check("polar-2026-10.json", polar_union);
    assert!(
        unions >= 20,
        "only {unions} key-chosen unions found in Polar"
    );
}

/// ConfigCat's document has no union chosen by keys: this is the guard
/// that fails (naming it) as soon as an update brings one, until it is
/// listed in `configcat_union` and round-trips like Polar's.
#[test]
fn configcat_has_no_union_chosen_by_keys_yet() {
    let unions = check("configcat-2026-08.yaml", configcat_union);
    assert_eq!(
        unions, 0,
        "list ConfigCat's new key-chosen unions in `configcat_union`"
    );
}

/// The sampler's value of a Polar component schema, by name.
fn polar_sampler() -> impl Fn(&str) -> Value {
    let bytes = std::fs::read(common::specs_dir().join("polar-2026-10.json")).unwrap();
    let loaded = load::load(&bytes).unwrap();
    move |name| {
        let at = format!("#/components/schemas/{name}");
        sample::sample(&loaded.schemas, loaded.schemas.at(&at).unwrap())
    }
}

/// A union's accessors read the property from whichever variant the value
/// is, and say `None` where that variant leaves it out or no variant matched.
#[test]
fn union_accessors_read_what_every_variant_has() {
    use api_clients::polar::types::Customer;
    let of = polar_sampler();
    let mut individual = of("CustomerIndividual");
    individual["email"] = "jane@example.com".into();
    let individual: Customer = serde_json::from_value(individual).unwrap();
    assert!(matches!(individual, Customer::Individual(_)));
    assert_eq!(individual.email(), Some("jane@example.com"));
    let mut team = of("CustomerTeam");
    team.as_object_mut().unwrap().remove("email");
    let team_id = team["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap();
    let team: Customer = serde_json::from_value(team).unwrap();
    assert!(matches!(team, Customer::Team(_)));
    assert_eq!((team.email(), team.id()), (None, Some(team_id)));
    let unknown: Customer = serde_json::from_value(serde_json::json!({"type": "robot"})).unwrap();
    assert!(matches!(unknown, Customer::Unknown(_)));
    assert_eq!((unknown.email(), unknown.id()), (None, None));
}

/// Types whose fields hold no floating-point number derive `Eq` and `Hash`:
/// members go in hash sets.
#[test]
fn float_free_types_are_eq_and_hash() {
    use api_clients::polar::types::Member;
    use std::collections::HashSet;
    let of = polar_sampler();
    let member: Member = serde_json::from_value(of("Member")).unwrap();
    let mut other = member.clone();
    other.email = "other@example.com".into();
    let members: HashSet<Member> = [member.clone(), member, other].into_iter().collect();
    assert_eq!(members.len(), 2);
}
