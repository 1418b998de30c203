//! The JSON Schema idioms that once decoded into the wrong type or dropped
//! fields (issue: schema fidelity), one test each on the fixtures
//! `fidelity_31`, `fidelity_30` and `components_ref`: values decode into the
//! type and variant the spec means and re-encode unchanged. The round-trip
//! oracle (`cargo xtask oracle fidelity_31 fidelity_30 components_ref`)
//! checks the same with generated instances.

use integration_tests::fixtures::{components_ref, fidelity_30, fidelity_31 as f};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Decodes `value` as `T`, re-encodes it, and checks nothing changed.
fn round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug>(value: Value) -> T {
    let text = value.to_string();
    let typed: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let again = serde_json::to_value(&typed).expect("encodes");
    assert_eq!(again, value, "re-encoding {typed:?} changed the JSON");
    typed
}

/// 1. `allOf` members that are not plain objects all count.
#[test]
fn all_of_merges_every_member() {
    let full: f::types::Full = round_trip(json!({"id": "1", "b": 2, "extra": "x"}));
    assert_eq!(full.b, Some(2));
    assert_eq!(full.additional_properties["extra"], "x");
    // A member holding only `required`.
    let r: f::types::RequiredOnly = round_trip(json!({"id": "1", "note": "n"}));
    assert_eq!(r.note, "n");
    assert!(serde_json::from_value::<f::types::RequiredOnly>(json!({"id": "1"})).is_err());
    // A union member, spread over the base.
    let card: f::types::WithUnion = round_trip(json!({"id": "1", "kind": "card", "last4": "4242"}));
    let f::types::WithUnion::Card(card) = card else {
        panic!("{card:?}")
    };
    assert_eq!((card.id.as_str(), card.last4.as_str()), ("1", "4242"));
    let bank: f::types::WithUnion = round_trip(json!({"id": "2", "kind": "bank", "iban": "DE00"}));
    assert!(matches!(bank, f::types::WithUnion::Bank(b) if b.id == "2"));
}

/// 2. Keywords beside a `$ref` apply with it.
#[test]
fn keywords_beside_a_ref_apply() {
    let add_on: f::types::AddOn = round_trip(json!({"name": "n", "code": "c"}));
    assert_eq!((add_on.name.as_str(), add_on.code.as_str()), ("n", "c"));
    assert!(serde_json::from_value::<f::types::AddOn>(json!({"name": "n"})).is_err());
    // The single-value `enum` beside `allOf` keeps the tag apart.
    let team: f::types::Principal = round_trip(json!({"kind": "team", "name": "core"}));
    assert!(matches!(team, f::types::Principal::Team(_)), "{team:?}");
    let role: f::types::Principal = round_trip(json!({"kind": "role", "name": "admin"}));
    assert!(matches!(role, f::types::Principal::Role(_)), "{role:?}");
    // 3.0 too: `required` and `nullable` beside a `$ref`.
    let strict: fidelity_30::types::Strict = round_trip(json!({"id": "1", "name": "n"}));
    assert_eq!(strict.name, "n");
    let holder: fidelity_30::types::Holder = round_trip(json!({"maybe": null}));
    assert_eq!(holder.maybe, None);
}

/// 3. Integer, number and boolean `enum`/`const` values are real types.
#[test]
fn integer_enums_and_consts_keep_their_values() {
    let low: f::types::Level = round_trip(json!(1));
    let high: f::types::Level = round_trip(json!(2));
    assert_eq!((low, high), (f::types::Level::Low, f::types::Level::High));
    assert_eq!(high.value(), 2);
    let _: f::types::Seven = round_trip(json!(7));
    assert!(serde_json::from_value::<f::types::Seven>(json!(8)).is_err());
    // Enums differing only in their values are two types.
    let small: f::types::Small = round_trip(json!(2));
    let big: f::types::Big = round_trip(json!(20));
    assert_eq!((small.value(), big.value()), (2, 20));
    // A value the spec does not list is kept.
    let other: f::types::Big = round_trip(json!(30));
    assert_eq!(other, f::types::Big::Other(30));
    let ratio: f::types::Ratio = round_trip(json!(1.5));
    assert_eq!(ratio.value(), 1.5);
    // Named by `x-enum-varnames` (3.0), nullable.
    let holder: fidelity_30::types::Holder = round_trip(json!({"maybe": null, "status": 1}));
    assert_eq!(holder.status, Some(fidelity_30::types::Status::Live));
}

/// 4. `oneOf` of titled string consts is one enum named from the titles.
#[test]
fn titled_consts_are_one_enum() {
    let pt: f::types::Language = round_trip(json!("pt-BR"));
    assert_eq!(pt, f::types::Language::BrazilianPortuguese);
    assert_eq!(pt.as_str(), "pt-BR");
}

/// 5. Told apart only by a single-value property that is not required.
#[test]
fn an_optional_single_value_property_tags_the_union() {
    let b: f::types::Shape = round_trip(json!({"type": "b", "id": "x"}));
    assert!(matches!(b, f::types::Shape::B(_)), "{b:?}");
    let a: f::types::Shape = round_trip(json!({"type": "a"}));
    assert!(matches!(a, f::types::Shape::A(_)), "{a:?}");
    // Tagged by an integer.
    let v2: f::types::Versioned = round_trip(json!({"version": 2, "title": "t"}));
    assert!(matches!(v2, f::types::Versioned::V2(_)), "{v2:?}");
}

/// Found by the oracle on public specs: a union told apart only by the keys
/// of a nested object decodes as the variant that keeps every key; a union
/// of `required`-only members takes `{}` as the member that allows it.
#[test]
fn variants_are_chosen_by_what_they_keep() {
    let file: f::types::Included = round_trip(json!({"attributes": {"size": 3, "hash": "x"}}));
    assert!(matches!(file, f::types::Included::FileItem(_)), "{file:?}");
    let share: f::types::Included = round_trip(json!({"attributes": {"recipients": ["a"]}}));
    assert!(
        matches!(share, f::types::Included::ShareItem(_)),
        "{share:?}"
    );
    let _: f::types::FileUpdate = round_trip(json!({}));
    let _: f::types::FileUpdate = round_trip(json!({"filename": null}));
    let _: f::types::FileUpdate = round_trip(json!({"content": "c"}));
}

/// 6. `components/schemas` given whole by a `$ref` to another file.
#[test]
fn a_components_map_in_another_file() {
    let pet: components_ref::types::Pet =
        round_trip(json!({"name": "Rex", "owner": {"name": "Ann"}}));
    assert_eq!(pet.owner.map(|o| o.name).as_deref(), Some("Ann"));
}

/// 7. `propertyNames`, `uniqueItems`, `number` + `int32`, `dependentRequired`.
#[test]
fn the_keywords_once_dropped() {
    let flags: f::types::Flags = round_trip(json!({"beta": true}));
    assert!(flags["beta"]);
    let tags: f::types::Tags = round_trip(json!(["a", "b"]));
    assert_eq!(tags.len(), 2);
    // A number with an integer format still takes what `number` allows.
    let count: f::types::Count = round_trip(json!(2.5));
    assert_eq!(count, 2.5);
    let billing: f::types::Billing = round_trip(json!({"card": "4242", "cvc": "123"}));
    assert_eq!(billing.cvc.as_deref(), Some("123"));
    // `type` as a list.
    let mixed: f::types::Everything = round_trip(json!({"mixed": 5}));
    assert_eq!(mixed.mixed, Some(f::types::Mixed::Integer(5)));
}

/// 8. A bound beyond 64 bits loads, and its values fit.
#[test]
fn integers_past_64_bits() {
    let huge: f::types::Huge = round_trip(json!(16884454190850507000u64));
    assert_eq!(huge, 16884454190850507000);
    let text = "18446744073709551616";
    let big: f::types::Huge = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&big).unwrap(), text);
}

/// An object whose `additionalProperties` is said out loud keeps other keys
/// (found by the corpus on box.com, where they were dropped).
#[test]
fn keys_allowed_out_loud_are_kept() {
    let value = json!({"id": "1", "count": 2, "reviewer": "Aaron", "tags": {"a": [1]}});
    let annotated: fidelity_30::types::Annotated = round_trip(value);
    assert_eq!(annotated.additional_properties["reviewer"], "Aaron");
}

/// Maps (`additionalProperties`) keep the order of their keys: re-encoded,
/// the text reads as it came, as a `serde_json::Value` object's does; two
/// maps with the same entries in another order are equal.
#[test]
fn maps_keep_the_order_of_their_keys() {
    use integration_tests::fixtures::maps::types::{Labels, Mixed};
    let text = r#"{"zeta":"1","alpha":"2","mid":"3"}"#;
    let labels: Labels = serde_json::from_str(text).unwrap();
    assert_eq!(labels.keys().collect::<Vec<_>>(), ["zeta", "alpha", "mid"]);
    assert_eq!(serde_json::to_string(&labels).unwrap(), text);
    let text = r#"{"id":"m","z":1.5,"a":2.0}"#;
    let mixed: Mixed = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&mixed).unwrap(), text);
    let reordered: Labels = serde_json::from_str(r#"{"mid":"3","alpha":"2","zeta":"1"}"#).unwrap();
    assert_eq!(labels, reordered);
}
