//! Decoding support for generated types: the small, generic pieces their
//! hand-shaped `Deserialize` impls call, so each type carries only its own
//! field table instead of a full derive expansion.
//!
//! A generated object decoder ([`Object::from_map`], driven by [`object`]) is
//! a loop over the entries: one [`Slot`] per field, keys read as [`Key`]
//! (borrowed from the input when it can be), a repeated key an error, unknown
//! keys [`skip`]ped, required fields checked at the end. String enums
//! decode through [`string_enum`], fixed values through [`constant`], and
//! untagged unions buffer the value once and try each variant with [`variant`].

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

/// An object key: borrowed from the input when the format allows, owned otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string (for maps of additional properties).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// An object type whose generated decoder reads its entries: see [`object`].
pub trait Object: Sized {
    /// Reads the object from the entries of a map: one [`Slot`] per field,
    /// filled as keys come, unknown keys [`skip`]ped.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Decodes an object type; `name` names it in errors ("expected a `Member` object").
pub fn object<'de, D, T>(deserializer: D, name: &'static str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Object,
{
    struct ObjectVisitor<T>(&'static str, PhantomData<fn() -> T>);
    impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a `{}` object", self.0)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_map(map)
        }
    }
    deserializer.deserialize_map(ObjectVisitor(name, PhantomData))
}

/// One field of an object being decoded: its wire name, and its value once seen.
#[derive(Debug)]
pub struct Slot<T> {
    name: &'static str,
    value: Option<T>,
}

impl<T> Slot<T> {
    /// An empty slot for the field called `name` on the wire.
    #[inline]
    pub fn new(name: &'static str) -> Self {
        Slot { name, value: None }
    }

    /// Reads the field's value; a second occurrence of the key is an error,
    /// as with serde's derive.
    #[inline]
    pub fn read<'de, A>(&mut self, map: &mut A) -> Result<(), A::Error>
    where
        A: MapAccess<'de>,
        T: Deserialize<'de>,
    {
        if self.value.is_some() {
            return Err(de::Error::duplicate_field(self.name));
        }
        self.value = Some(map.next_value()?);
        Ok(())
    }

    /// The value of a required field, or serde's "missing field" error.
    #[inline]
    pub fn required<E: de::Error>(self) -> Result<T, E> {
        let name = self.name;
        self.value.ok_or_else(|| E::missing_field(name))
    }

    /// The value, or the type's default when the field is absent: `None` for
    /// an `Option`, [`Patch::Absent`](crate::Patch::Absent) for a `Patch`.
    #[inline]
    pub fn or_default(self) -> T
    where
        T: Default,
    {
        self.value.unwrap_or_default()
    }
}

/// Skips the value of a key the type does not declare.
#[inline]
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Decodes a string enum: the value as text, turned into `T` by `From<&str>`
/// (which keeps values it does not know).
pub fn string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct EnumVisitor<T>(PhantomData<fn() -> T>);
    impl<T: for<'a> From<&'a str>> Visitor<'_> for EnumVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
    }
    deserializer.deserialize_str(EnumVisitor(PhantomData))
}

/// Decodes a fixed string value (`const`): only `expected` is accepted.
pub fn constant<'de, D: Deserializer<'de>>(
    deserializer: D,
    expected: &'static str,
) -> Result<(), D::Error> {
    struct ConstVisitor(&'static str);
    impl Visitor<'_> for ConstVisitor {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "the string {:?}", self.0)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
            if v == self.0 {
                Ok(())
            } else {
                Err(E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
    }
    deserializer.deserialize_str(ConstVisitor(expected))
}

/// Tries to decode a buffered value as one variant of an untagged union.
#[inline]
pub fn variant<'v, T: Deserialize<'v>>(value: &'v Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// What an untagged union knows of one variant's object shape, for [`order`]:
/// its declared keys, and whether it keeps other keys too.
pub type Shape = Option<(&'static [&'static str], bool)>;

/// The order in which to try an untagged union's variants on `value`.
///
/// For an object, the variants whose keys account for every key present
/// (no unknown key) come first: those matching the most keys before the
/// others and, among those, those declaring the fewest keys (the tightest
/// fit); then the rest in declared order. Otherwise the declared order.
/// An object of a license-key grant thus decodes as the variant declaring
/// `license_key_id`, not as the first variant whose fields are all optional,
/// and `{"sub", "name"}` as the variant declaring just those two rather than
/// one that declares them and five more.
pub fn order(value: &Value, shapes: &[Shape]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..shapes.len()).collect();
    let Some(object) = value.as_object() else {
        return order;
    };
    // (fits, matched, declared) per variant; `None` for variants without an object shape.
    let score = |i: usize| -> Option<(bool, usize, usize)> {
        let (keys, open) = shapes.get(i).copied().flatten()?;
        let matched = object.keys().filter(|k| keys.contains(&k.as_str())).count();
        Some((open || matched == object.len(), matched, keys.len()))
    };
    order.sort_by_key(|&i| match score(i) {
        Some((true, matched, declared)) => (0, usize::MAX - matched, declared),
        _ => (1, 0, 0),
    });
    order
}

/// The string value of property `tag` of a buffered object, if it has one.
pub fn tag_of<'v>(value: &'v Value, tag: &str) -> Option<&'v str> {
    value.get(tag).and_then(Value::as_str)
}

/// Decodes a buffered value as the variant its tag selected.
pub fn tagged<T, E>(value: Value) -> Result<T, E>
where
    T: de::DeserializeOwned,
    E: de::Error,
{
    serde_json::from_value(value).map_err(E::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SLACK: Shape = Some((&["channel_id", "invite_url"], false));
    const LICENSE: Shape = Some((&["license_key_id", "display_key"], false));
    const OPEN: Shape = Some((&["id"], true));

    #[test]
    fn objects_try_the_variants_their_keys_fit_first() {
        let license = json!({"display_key": "x"});
        assert_eq!(order(&license, &[SLACK, LICENSE]), vec![1, 0]);
        // Fitting more keys wins.
        let both = json!({"license_key_id": "1", "display_key": "x"});
        let narrow: Shape = Some((&["display_key"], false));
        assert_eq!(order(&both, &[narrow, LICENSE]), vec![1, 0]);
        assert_eq!(order(&json!({}), &[SLACK, LICENSE]), vec![0, 1]);
        // Equal matches: the variant declaring fewer keys fits tighter.
        let user: Shape = Some((&["sub", "name", "email", "email_verified"], false));
        let org: Shape = Some((&["sub", "name"], false));
        let sub_name = json!({"sub": "1", "name": "x"});
        assert_eq!(order(&sub_name, &[user, org]), vec![1, 0]);
        let empty: Shape = Some((&[], false));
        assert_eq!(order(&json!({}), &[SLACK, empty]), vec![1, 0]);
        // A variant keeping other keys fits any object.
        assert_eq!(
            order(&json!({"other": 1}), &[SLACK, None, OPEN]),
            vec![2, 0, 1]
        );
    }

    #[test]
    fn other_values_keep_the_declared_order() {
        assert_eq!(
            order(&json!("text"), &[SLACK, None, LICENSE]),
            vec![0, 1, 2]
        );
        let unknown = json!({"nobody": "declares this"});
        assert_eq!(order(&unknown, &[SLACK, LICENSE]), vec![0, 1]);
    }
}
