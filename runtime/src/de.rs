//! Decoding support for generated types: the small, generic pieces their
//! hand-shaped `Deserialize` impls call, so each type carries only its own
//! field table instead of a full derive expansion.
//!
//! A generated object decoder is its [`Object`] impl, a field table (see
//! [`Fields`]) that [`object`] reads: keys read as [`Key`] (borrowed from the
//! input when it can be), a repeated key an error, unknown keys [`skip`]ped,
//! required fields checked at the end. String enums
//! decode through [`string_enum`], fixed values through [`constant`], and
//! untagged unions buffer the value once and try each variant with
//! [`variant`] under [`untagged`].
//!
//! Open types (an enum's `Other`, a union's `Unknown`, an object ignoring
//! keys it does not declare) take any value, which is right for a value read
//! on its own and wrong while a value is tried as one variant of an untagged
//! union: the enum of variant `A` would take the `"b"` that makes the value a
//! `B`, and an object would drop the keys that make it another variant. So
//! [`untagged`] tries every variant *strictly* first (see [`strict`]: enums
//! refuse values they do not list, unions values no variant takes, objects
//! keys they do not declare), and only when none fits strictly tries them
//! again as they are, before keeping the value as `Unknown`.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, Deserialize, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor,
};
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

/// An object type, decoded by [`object`]: its name, its field table (see
/// [`Fields`]) with the fields' wire names, what it does with other keys,
/// and how the values read make the type. Generated types say only this;
/// the decoding is generic code here.
pub trait Object: Sized {
    /// The type's name, for errors ("expected a `Member` object").
    const NAME: &'static str;
    /// The wire names of the fields, in the order of [`Object::Fields`].
    const WIRE_NAMES: &'static [&'static str];
    /// A rule per field: [`Required`], [`Nullable`] or [`Optional`].
    type Fields: Fields;
    /// What the keys the type does not declare become ([`Ignored`], or a map).
    type Rest: Rest;
    /// The type from the values of its fields and its other keys.
    fn build(values: <Self::Fields as Fields>::Output, rest: Self::Rest) -> Self;
}

/// Decodes an object type from a map.
#[inline]
pub fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Object,
{
    struct ObjectVisitor<T>(PhantomData<fn() -> T>);
    impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a `{}` object", T::NAME)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            read_object(map)
        }
    }
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// How one field of an object is read: a [`Fields`] entry that must be
/// present. The type stands for the rule; no value of it is ever made.
pub struct Required<T>(PhantomData<fn() -> T>);

/// A required field whose schema allows `null`: absent reads as the default
/// (`None`: a server leaving it out means no value), except while
/// [`strict`], where it is serde's "missing field" error.
pub struct Nullable<T>(PhantomData<fn() -> T>);

/// An optional field: absent reads as the type's default (`None` for an
/// `Option`, [`Patch::Absent`](crate::Patch::Absent) for a `Patch`).
pub struct Optional<T>(PhantomData<fn() -> T>);

/// The fields of an object type, as a table: a tuple of [`Required`],
/// [`Nullable`] and [`Optional`] entries (tuples of up to 16, nested for
/// more), read by [`object`] into a tuple of the values. A generated type
/// names its table in its [`Object`] impl, so the loop over the keys, the
/// duplicate and missing-field checks and the skipping of unknown keys are
/// compiled once here instead of once per type.
///
/// The values are taken all at once, then matched once: no early exit per
/// field (whose every exit would drop what was taken so far).
pub trait Fields {
    /// What has been read so far: an `Option` per field.
    type Slots;
    /// The values, once every key is read.
    type Output;
    /// How many fields the table holds.
    const LEN: usize;
    /// Nothing read yet (a constant: no code per table).
    const EMPTY: Self::Slots;
    /// Reads the value of the field at `index` (counted in this table);
    /// `name` is its wire name, for a repeated key's error.
    fn read<'de, A: MapAccess<'de>>(
        slots: &mut Self::Slots,
        index: usize,
        name: &'static str,
        map: &mut A,
    ) -> Result<(), A::Error>;
    /// What says which field is missing: [`Absent`] for one field (so a
    /// field's result is no bigger than an `Option`), an index for a table.
    type Missing: MissingAt;
    /// The values, or which field (the first) must be present and is not.
    fn take(slots: Self::Slots) -> Result<Self::Output, Self::Missing>;
}

/// A field that must be present is not: what a single field's take says.
#[derive(Debug, Clone, Copy)]
pub struct Absent;

/// Where the missing field is, in the table that reports it.
pub trait MissingAt {
    /// Its index in that table.
    fn at(&self) -> usize;
}

impl MissingAt for Absent {
    #[inline(always)]
    fn at(&self) -> usize {
        0
    }
}

impl MissingAt for usize {
    #[inline(always)]
    fn at(&self) -> usize {
        *self
    }
}

#[inline]
fn read_once<'de, T: DeserializeOwned, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    name: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    // A second occurrence of the key is an error, as with serde's derive.
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

macro_rules! field_rule {
    ($rule:ident, [$($bound:tt)*], take: |$t:ident| $take:expr) => {
        impl<T: DeserializeOwned $($bound)*> Fields for $rule<T> {
            type Slots = Option<T>;
            type Output = T;
            const LEN: usize = 1;
            const EMPTY: Option<T> = None;
            #[inline]
            fn read<'de, A: MapAccess<'de>>(
                slot: &mut Option<T>,
                _: usize,
                name: &'static str,
                map: &mut A,
            ) -> Result<(), A::Error> {
                read_once(slot, name, map)
            }
            type Missing = Absent;
            #[inline]
            fn take($t: Option<T>) -> Result<T, Absent> {
                $take
            }
        }
    };
}

field_rule!(Required, [], take: |slot| match slot {
    Some(v) => Ok(v),
    None => Err(Absent),
});
field_rule!(Nullable, [+ Default], take: |slot| match slot {
    Some(v) => Ok(v),
    None if strict() => Err(Absent),
    None => Ok(T::default()),
});
field_rule!(Optional, [+ Default], take: |slot| match slot {
    Some(v) => Ok(v),
    None => Ok(T::default()),
});

macro_rules! field_tables {
    ($(($($t:ident $i:tt $v:ident),*))*) => {$(
        impl<$($t: Fields),*> Fields for ($($t,)*) {
            type Slots = ($($t::Slots,)*);
            type Output = ($($t::Output,)*);
            const LEN: usize = 0 $(+ $t::LEN)*;
            const EMPTY: Self::Slots = ($($t::EMPTY,)*);
            type Missing = usize;
            #[inline]
            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn read<'de, A: MapAccess<'de>>(
                slots: &mut Self::Slots,
                index: usize,
                name: &'static str,
                map: &mut A,
            ) -> Result<(), A::Error> {
                let mut i = index;
                $(
                    if i < $t::LEN {
                        return $t::read(&mut slots.$i, i, name, map);
                    }
                    i -= $t::LEN;
                )*
                skip(map)
            }
            #[inline]
            #[allow(unused_assignments, unused_mut, unused_variables, clippy::unused_unit)]
            fn take(slots: Self::Slots) -> Result<Self::Output, usize> {
                // One match over every value: a field that is absent drops
                // the whole tuple once.
                match ($($t::take(slots.$i),)*) {
                    ($(Ok($v),)*) => Ok(($($v,)*)),
                    #[allow(unreachable_patterns)]
                    taken => {
                        let mut at = 0;
                        $(
                            if let Err(m) = &taken.$i {
                                return Err(at + m.at());
                            }
                            at += $t::LEN;
                        )*
                        Err(at)
                    }
                }
            }
        }
    )*};
}

field_tables! {
    ()
    (F0 0 v0)
    (F0 0 v0, F1 1 v1)
    (F0 0 v0, F1 1 v1, F2 2 v2)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3, F4 4 v4)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3, F4 4 v4, F5 5 v5)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3, F4 4 v4, F5 5 v5, F6 6 v6)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3, F4 4 v4, F5 5 v5, F6 6 v6, F7 7 v7)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3, F4 4 v4, F5 5 v5, F6 6 v6, F7 7 v7, F8 8 v8)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3, F4 4 v4, F5 5 v5, F6 6 v6, F7 7 v7, F8 8 v8, F9 9 v9)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3, F4 4 v4, F5 5 v5, F6 6 v6, F7 7 v7, F8 8 v8, F9 9 v9, F10 10 v10)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3, F4 4 v4, F5 5 v5, F6 6 v6, F7 7 v7, F8 8 v8, F9 9 v9, F10 10 v10, F11 11 v11)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3, F4 4 v4, F5 5 v5, F6 6 v6, F7 7 v7, F8 8 v8, F9 9 v9, F10 10 v10, F11 11 v11, F12 12 v12)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3, F4 4 v4, F5 5 v5, F6 6 v6, F7 7 v7, F8 8 v8, F9 9 v9, F10 10 v10, F11 11 v11, F12 12 v12, F13 13 v13)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3, F4 4 v4, F5 5 v5, F6 6 v6, F7 7 v7, F8 8 v8, F9 9 v9, F10 10 v10, F11 11 v11, F12 12 v12, F13 13 v13, F14 14 v14)
    (F0 0 v0, F1 1 v1, F2 2 v2, F3 3 v3, F4 4 v4, F5 5 v5, F6 6 v6, F7 7 v7, F8 8 v8, F9 9 v9, F10 10 v10, F11 11 v11, F12 12 v12, F13 13 v13, F14 14 v14, F15 15 v15)
}

/// What an object does with the keys it does not declare: [`Ignored`], or
/// kept in a `BTreeMap<String, V>` (`additionalProperties`), each value
/// decoded as a `V`.
pub trait Rest: Default {
    /// Takes the value of the undeclared key `key`.
    fn take<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;
}

/// Keys an object does not declare are [`skip`]ped.
#[derive(Debug, Default, Clone, Copy)]
pub struct Ignored;

impl Rest for Ignored {
    #[inline]
    fn take<'de, A: MapAccess<'de>>(&mut self, _: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        skip(map)
    }
}

impl<V: DeserializeOwned> Rest for BTreeMap<String, V> {
    #[inline]
    fn take<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        self.insert(key.into_string(), map.next_value()?);
        Ok(())
    }
}

/// Where `key` is in `names`. A scan (mismatched lengths fail at once)
/// measured faster than first trying the key after the last one found.
#[inline]
fn position(names: &[&'static str], key: &str) -> Option<(usize, &'static str)> {
    names
        .iter()
        .enumerate()
        .find(|(_, n)| **n == key)
        .map(|(i, n)| (i, *n))
}

/// Reads an object's entries into its field table (see [`Fields`]) and
/// what it keeps of the others, and builds it.
#[inline]
fn read_object<'de, A: MapAccess<'de>, T: Object>(mut map: A) -> Result<T, A::Error> {
    let names = T::WIRE_NAMES;
    let mut slots = T::Fields::EMPTY;
    let mut rest = T::Rest::default();
    while let Some(key) = map.next_key::<Key<'de>>()? {
        match position(names, key.as_str()) {
            Some((i, name)) => T::Fields::read(&mut slots, i, name, &mut map)?,
            None => rest.take(key, &mut map)?,
        }
    }
    match T::Fields::take(slots) {
        Ok(values) => Ok(T::build(values, rest)),
        Err(m) => {
            let i = m.at();
            Err(de::Error::missing_field(
                names.get(i).copied().unwrap_or("?"),
            ))
        }
    }
}

/// Skips the value of a key the type does not declare; while [`strict`], a
/// key the type does not declare is an error (the value is then tried as a
/// variant it fits whole, before one that would drop the key).
#[inline]
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    if strict() {
        return Err(de::Error::custom("a property the type does not declare"));
    }
    map.next_value::<IgnoredAny>().map(|_| ())
}

thread_local! {
    static STRICT: Cell<bool> = const { Cell::new(false) };
}

/// Whether the value being decoded is tried as one variant of an untagged
/// union (see the module docs): open enums then refuse values they do not
/// list, unions values none of their variants takes, and objects keys they
/// do not declare.
pub fn strict() -> bool {
    STRICT.with(Cell::get)
}

/// Runs `f` with [`strict`] set to `on`, restoring it after.
fn with_strict<T>(on: bool, f: impl FnOnce() -> T) -> T {
    let before = STRICT.with(|s| s.replace(on));
    let out = f();
    STRICT.with(|s| s.set(before));
    out
}

/// Decodes a string enum: the value as text, turned into `T` by `From<&str>`
/// (which keeps values it does not know, except while [`strict`]: then only
/// the `known` values are taken).
pub fn string_enum<'de, D, T>(
    deserializer: D,
    known: &'static [&'static str],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct EnumVisitor<T>(&'static [&'static str], PhantomData<fn() -> T>);
    impl<T: for<'a> From<&'a str>> Visitor<'_> for EnumVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            if strict() && !self.0.contains(&v) {
                return Err(E::invalid_value(
                    de::Unexpected::Str(v),
                    &"a value the enum lists",
                ));
            }
            Ok(T::from(v))
        }
    }
    deserializer.deserialize_str(EnumVisitor(known, PhantomData))
}

/// Decodes an integer enum: the value turned into `T` by `From<i64>` (which
/// keeps values it does not know, except while [`strict`]: then only the
/// `known` values are taken).
pub fn int_enum<'de, D, T>(deserializer: D, known: &'static [i64]) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: From<i64>,
{
    struct IntVisitor<T>(&'static [i64], PhantomData<fn() -> T>);
    impl<T: From<i64>> Visitor<'_> for IntVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            if strict() && !self.0.contains(&v) {
                return Err(E::invalid_value(
                    de::Unexpected::Signed(v),
                    &"a value the enum lists",
                ));
            }
            Ok(T::from(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            match i64::try_from(v) {
                Ok(v) => self.visit_i64(v),
                Err(_) => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
            }
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
            // `1.0` is the integer 1 as far as JSON says.
            if v.fract() == 0.0 && v >= i64::MIN as f64 && v <= i64::MAX as f64 {
                self.visit_i64(v as i64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
    }
    deserializer.deserialize_i64(IntVisitor(known, PhantomData))
}

/// Decodes a number enum: the value turned into `T` by `From<f64>`, as
/// [`int_enum`] does.
pub fn number_enum<'de, D, T>(deserializer: D, known: &'static [f64]) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: From<f64>,
{
    let v = f64::deserialize(deserializer)?;
    if strict() && !known.contains(&v) {
        return Err(de::Error::invalid_value(
            de::Unexpected::Float(v),
            &"a value the enum lists",
        ));
    }
    Ok(T::from(v))
}

/// A fixed value that is not text (see [`literal`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal {
    /// An integer.
    Int(i64),
    /// A number.
    Number(f64),
    /// `true` or `false`.
    Bool(bool),
}

/// Decodes a fixed number or boolean (`const: 7`): only `expected` is
/// accepted (numbers by value: `7.0` is `7`).
pub fn literal<'de, D: Deserializer<'de>>(
    deserializer: D,
    expected: Literal,
) -> Result<(), D::Error> {
    let v = Value::deserialize(deserializer)?;
    let ok = match (expected, &v) {
        (Literal::Int(n), Value::Number(m)) => {
            m.as_f64() == Some(n as f64) && m.as_i64().is_none_or(|m| m == n)
        }
        (Literal::Number(n), Value::Number(m)) => m.as_f64() == Some(n),
        (Literal::Bool(b), Value::Bool(c)) => b == *c,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(de::Error::custom(format_args!(
            "expected the value {}, found {v}",
            match expected {
                Literal::Int(n) => n.to_string(),
                Literal::Number(n) => n.to_string(),
                Literal::Bool(b) => b.to_string(),
            }
        )))
    }
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

/// What a union does with a value none of its variants takes.
pub enum Fallback<T> {
    /// Keeps it as its `Unknown` variant (refused while [`strict`]).
    Unknown(fn(Value) -> T),
    /// Gives it to the variant that takes any value (the spec's `{}` branch).
    Any(fn(Value) -> T),
}

/// Decodes an untagged union: `attempt` tries each variant in turn (see
/// [`order`]); all of them strictly first (see the module docs), then, unless
/// the union is itself tried strictly, as they are; then `fallback`.
pub fn untagged<T, E: de::Error>(
    value: Value,
    name: &'static str,
    attempt: impl Fn(&Value) -> Option<T>,
    fallback: Fallback<T>,
) -> Result<T, E> {
    let outer = strict();
    if let Some(v) = with_strict(true, || attempt(&value)) {
        return Ok(v);
    }
    if !outer {
        if let Some(v) = attempt(&value) {
            return Ok(v);
        }
    }
    unknown(value, name, fallback)
}

/// A tagged union's value whose tag names no variant: `Unknown`, or an
/// error while [`strict`].
pub fn unknown<T, E: de::Error>(
    value: Value,
    name: &'static str,
    fallback: Fallback<T>,
) -> Result<T, E> {
    match fallback {
        Fallback::Any(keep) => Ok(keep(value)),
        Fallback::Unknown(_) if strict() => Err(E::custom(format_args!(
            "the value is none of the variants of `{name}`"
        ))),
        Fallback::Unknown(keep) => Ok(keep(value)),
    }
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

/// Property `tag` of a buffered object, as a tagged union reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag<'v> {
    /// The object has no such property (or the value is no object).
    Missing,
    /// Its text.
    Str(&'v str),
    /// An integer (for unions tagged by numbers).
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// It holds something else.
    Other,
}

/// Property `tag` of a buffered object.
pub fn tag_of<'v>(value: &'v Value, tag: &str) -> Tag<'v> {
    match value.get(tag) {
        None => Tag::Missing,
        Some(Value::String(s)) => Tag::Str(s),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => Tag::Int(i),
            None => Tag::Other,
        },
        Some(Value::Bool(b)) => Tag::Bool(*b),
        Some(_) => Tag::Other,
    }
}

/// Decodes a buffered value as the variant its tag selected. It reads the
/// value by reference, as [`variant`] does, so a type that is both a tagged
/// and an untagged union's variant has one decoder compiled, not two.
pub fn tagged<T, E>(value: Value) -> Result<T, E>
where
    T: de::DeserializeOwned,
    E: de::Error,
{
    T::deserialize(&value).map_err(E::custom)
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

    /// An open enum as generated code writes one.
    #[derive(Debug, PartialEq)]
    enum Kind {
        A,
        Other(String),
    }
    impl From<&str> for Kind {
        fn from(v: &str) -> Self {
            match v {
                "a" => Kind::A,
                other => Kind::Other(other.to_owned()),
            }
        }
    }
    impl<'de> Deserialize<'de> for Kind {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            string_enum(d, &["a"])
        }
    }

    /// A union of `Kind` and a string list, with an `Unknown` catch-all.
    #[derive(Debug, PartialEq)]
    enum Inner {
        Kind(Kind),
        Unknown(Value),
    }
    impl<'de> Deserialize<'de> for Inner {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let value = Value::deserialize(d)?;
            untagged(
                value,
                "Inner",
                |v| variant(v).map(Inner::Kind),
                Fallback::Unknown(Inner::Unknown),
            )
        }
    }

    /// `oneOf: [Inner, integer]`: the inner union must not take the integer.
    #[derive(Debug, PartialEq)]
    enum Outer {
        Inner(Inner),
        Number(i64),
        Unknown(Value),
    }
    impl<'de> Deserialize<'de> for Outer {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let value = Value::deserialize(d)?;
            untagged(
                value,
                "Outer",
                |v| {
                    variant(v)
                        .map(Outer::Inner)
                        .or_else(|| variant(v).map(Outer::Number))
                },
                Fallback::Unknown(Outer::Unknown),
            )
        }
    }

    #[test]
    fn open_types_take_unknown_values_only_when_nothing_fits_strictly() {
        // On its own, an open enum keeps a value it does not list.
        assert_eq!(
            serde_json::from_value::<Kind>(json!("b")).unwrap(),
            Kind::Other("b".into())
        );
        // Tried as a variant, the inner union's catch-all does not swallow
        // what the next variant is.
        assert_eq!(
            serde_json::from_value::<Outer>(json!(7)).unwrap(),
            Outer::Number(7)
        );
        assert_eq!(
            serde_json::from_value::<Outer>(json!("a")).unwrap(),
            Outer::Inner(Inner::Kind(Kind::A))
        );
        // Nothing fits strictly: the variants are tried again as they are,
        // so a new enum value still lands in the variant holding the enum.
        assert_eq!(
            serde_json::from_value::<Outer>(json!("b")).unwrap(),
            Outer::Inner(Inner::Kind(Kind::Other("b".into())))
        );
        assert_eq!(
            serde_json::from_value::<Outer>(json!([1])).unwrap(),
            Outer::Inner(Inner::Unknown(json!([1])))
        );
        assert!(!strict(), "strictness is restored after decoding");
    }

    /// An object as generated code writes one: `a` required, `b` required
    /// and nullable, unknown keys skipped.
    #[derive(Debug, PartialEq)]
    struct Obj {
        a: i64,
        b: Option<i64>,
    }
    impl Object for Obj {
        const NAME: &'static str = "Obj";
        const WIRE_NAMES: &'static [&'static str] = &["a", "b"];
        type Fields = (Required<i64>, Nullable<Option<i64>>);
        type Rest = Ignored;
        fn build((a, b): (i64, Option<i64>), _: Ignored) -> Self {
            Obj { a, b }
        }
    }
    impl<'de> Deserialize<'de> for Obj {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object(d)
        }
    }

    /// Twenty fields: a table of two nested tables, as the generator writes
    /// one past sixteen fields.
    #[derive(Debug, PartialEq)]
    struct Wide([i64; 20], Option<String>);
    type R = Required<i64>;
    impl Object for Wide {
        const NAME: &'static str = "Wide";
        const WIRE_NAMES: &'static [&'static str] = &[
            "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13",
            "f14", "f15", "f16", "f17", "f18", "f19", "note",
        ];
        type Fields = (
            (R, R, R, R, R, R, R, R, R, R, R, R, R, R, R, R),
            (R, R, R, R, Optional<Option<String>>),
        );
        type Rest = Ignored;
        fn build(
            (
                (f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15),
                (f16, f17, f18, f19, note),
            ): <Self::Fields as Fields>::Output,
            _: Ignored,
        ) -> Self {
            Wide(
                [
                    f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17,
                    f18, f19,
                ],
                note,
            )
        }
    }
    impl<'de> Deserialize<'de> for Wide {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object(d)
        }
    }

    #[test]
    fn field_tables_read_any_order_and_name_the_field_at_fault() {
        let mut all = serde_json::Map::new();
        // Reverse order: no key comes where the last one suggests.
        for i in (0..20).rev() {
            all.insert(format!("f{i}"), json!(i));
        }
        all.insert("other".into(), json!({"skipped": [1, 2]}));
        let wide: Wide = serde_json::from_value(Value::Object(all.clone())).unwrap();
        let expected: [i64; 20] = std::array::from_fn(|i| i as i64);
        assert_eq!(wide, Wide(expected, None));

        let mut noted = all.clone();
        noted.insert("note".into(), json!("n"));
        let wide: Wide = serde_json::from_value(Value::Object(noted)).unwrap();
        assert_eq!(wide.1.as_deref(), Some("n"));

        let mut short = all.clone();
        short.remove("f17");
        let err = serde_json::from_value::<Wide>(Value::Object(short)).unwrap_err();
        assert_eq!(err.to_string(), "missing field `f17`");

        let twice = r#"{"f3": 1, "f3": 2}"#;
        let err = serde_json::from_str::<Wide>(twice).unwrap_err();
        assert!(err.to_string().starts_with("duplicate field `f3`"), "{err}");

        let err = serde_json::from_value::<Obj>(json!({"b": 1})).unwrap_err();
        assert_eq!(err.to_string(), "missing field `a`");
    }

    /// An object keeping the keys it does not declare.
    #[derive(Debug, PartialEq)]
    struct Open {
        a: Option<i64>,
        rest: BTreeMap<String, bool>,
    }
    impl Object for Open {
        const NAME: &'static str = "Open";
        const WIRE_NAMES: &'static [&'static str] = &["a"];
        type Fields = (Optional<Option<i64>>,);
        type Rest = BTreeMap<String, bool>;
        fn build((a,): (Option<i64>,), rest: Self::Rest) -> Self {
            Open { a, rest }
        }
    }
    impl<'de> Deserialize<'de> for Open {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object(d)
        }
    }

    #[test]
    fn open_objects_keep_the_other_keys_as_their_type() {
        let open: Open = serde_json::from_value(json!({"x": true, "a": 1})).unwrap();
        assert_eq!(open.a, Some(1));
        assert_eq!(open.rest, BTreeMap::from([("x".to_owned(), true)]));
        assert!(serde_json::from_value::<Open>(json!({"x": 1})).is_err());
        let empty: Open = serde_json::from_value(json!({})).unwrap();
        assert_eq!(
            empty,
            Open {
                a: None,
                rest: BTreeMap::new()
            }
        );
    }

    #[test]
    fn strict_objects_refuse_keys_they_drop_and_absent_required_nulls() {
        let lenient: Obj = serde_json::from_value(json!({"a": 1, "c": 2})).unwrap();
        assert_eq!(lenient, Obj { a: 1, b: None });
        let strict = |v: Value| with_strict(true, || serde_json::from_value::<Obj>(v).is_ok());
        assert!(
            !strict(json!({"a": 1, "b": null, "c": 2})),
            "an unknown key"
        );
        assert!(!strict(json!({"a": 1})), "a required nullable key left out");
        assert!(strict(json!({"a": 1, "b": null})));
    }

    #[test]
    fn tags_are_read_as_missing_text_or_other() {
        assert_eq!(tag_of(&json!({"type": "a"}), "type"), Tag::Str("a"));
        assert_eq!(tag_of(&json!({"kind": "a"}), "type"), Tag::Missing);
        assert_eq!(tag_of(&json!({"type": 1}), "type"), Tag::Int(1));
        assert_eq!(tag_of(&json!({"type": false}), "type"), Tag::Bool(false));
        assert_eq!(tag_of(&json!({"type": [1]}), "type"), Tag::Other);
        assert_eq!(tag_of(&json!("text"), "type"), Tag::Missing);
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
