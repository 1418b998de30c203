//! Decoding support for generated types: the small, generic pieces their
//! hand-shaped `Deserialize` impls call, so each type carries only its own
//! field table instead of a full derive expansion.
//!
//! A generated object decoder is its [`Object`] impl, a field table (see
//! [`Fields`]) that [`object`] reads: keys read as [`Key`] (borrowed from the
//! input when it can be), a repeated key an error, unknown keys [`skip`]ped,
//! required fields checked at the end; the loop over the keys is compiled
//! once per reader, the type's part of it behind `dyn`. String enums
//! decode through [`string_enum`], fixed values through [`constant`], and
//! unions buffer the value's text once ([`Buffered`]) and read the variant
//! its tag names ([`tag_of`], [`tagged`]) or try each with [`variant`] under
//! [`untagged`].
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

/// An object type, decoded by [`object`]: its name, its fields' wire names
/// and value types (see [`Fields`]), which of them must be present, what it
/// does with other keys, and how what was read makes the type. Generated
/// types say only this; the decoding is generic code here.
pub trait Object: Sized {
    /// The type's name, for errors ("expected a `Member` object").
    const NAME: &'static str;
    /// The wire names of the fields, in the order of [`Object::Fields`].
    const WIRE_NAMES: &'static [&'static str];
    /// The fields that must be present (indices into
    /// [`WIRE_NAMES`](Object::WIRE_NAMES), ascending).
    const REQUIRED: &'static [usize] = &[];
    /// Required fields whose schema allows `null`: absent reads as the
    /// default (`None`: a server leaving it out means no value), except
    /// while [`strict`], where it is serde's "missing field" error.
    const NULLABLE: &'static [usize] = &[];
    /// The fields' value types, as a table.
    type Fields: Fields;
    /// What the keys the type does not declare become ([`Ignored`], or a map).
    type Rest: Rest;
    /// The type from what was read of its fields (a slot per field, see
    /// [`Fields::Slots`]) and its other keys: one match binding every slot,
    /// required ones as `Some`, the others taking their default when empty.
    /// [`object`] calls it once every field that must be present is; `None`
    /// only if one is not.
    fn build(slots: <Self::Fields as Fields>::Slots, rest: Self::Rest) -> Option<Self>;
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
            expecting_object(f, T::NAME)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut reading = Reading::<T::Fields, T::Rest> {
                slots: T::Fields::EMPTY,
                rest: T::Rest::default(),
            };
            read_entries(
                &mut map,
                T::WIRE_NAMES,
                T::REQUIRED,
                T::NULLABLE,
                &mut reading,
            )?;
            match T::build(reading.slots, reading.rest) {
                Some(value) => Ok(value),
                None => Err(de::Error::custom("a required field is missing")),
            }
        }
    }
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// What [`read_entries`] hands each declared key's value to (an object's slots)
/// and each other key's (what it keeps of them).
trait Entries<'de, A: MapAccess<'de>> {
    fn field(&mut self, index: usize, map: &mut A) -> Result<(), A::Error>;
    fn other(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;
}

/// An object being read: its slots and its other keys.
struct Reading<F: Fields, R> {
    slots: F::Slots,
    rest: R,
}

impl<'de, A: MapAccess<'de>, F: Fields, R: Rest> Entries<'de, A> for Reading<F, R> {
    #[inline]
    fn field(&mut self, index: usize, map: &mut A) -> Result<(), A::Error> {
        F::read(&mut self.slots, index, map)
    }
    #[inline]
    fn other(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        self.rest.take(key, map)
    }
}

/// Reads every entry of an object's map into `into`, then checks that
/// every field that must be present is. The loop is compiled once per map
/// type, not once per object type: what differs per type is behind `dyn`.
fn read_entries<'de, A: MapAccess<'de>>(
    map: &mut A,
    names: &'static [&'static str],
    required: &[usize],
    nullable: &[usize],
    into: &mut dyn Entries<'de, A>,
) -> Result<(), A::Error> {
    let mut seen = Seen::new(names.len());
    while let Some(key) = map.next_key::<Key<'de>>()? {
        match position(names, key.as_str()) {
            Some(i) => {
                if !seen.insert(i) {
                    return Err(duplicate(names, i));
                }
                into.field(i, map)?;
            }
            None => into.other(key, map)?,
        }
    }
    match missing(names, required, nullable, &seen) {
        Some(name) => Err(de::Error::missing_field(name)),
        None => Ok(()),
    }
}

fn expecting_object(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(f, "a `{name}` object")
}

/// A repeated key is an error, as with serde's derive.
fn duplicate<E: de::Error>(names: &[&'static str], i: usize) -> E {
    E::duplicate_field(names.get(i).copied().unwrap_or("?"))
}

/// The fields of an object read so far, by index.
struct Seen {
    small: u128,
    large: Vec<bool>,
}

impl Seen {
    fn new(len: usize) -> Self {
        Seen {
            small: 0,
            large: if len > 128 {
                vec![false; len]
            } else {
                Vec::new()
            },
        }
    }

    /// Marks field `i` read; false if it already was.
    fn insert(&mut self, i: usize) -> bool {
        match self.large.get_mut(i) {
            Some(seen) => !std::mem::replace(seen, true),
            None if i < 128 => {
                let bit = 1u128 << i;
                let new = self.small & bit == 0;
                self.small |= bit;
                new
            }
            None => true,
        }
    }

    fn contains(&self, i: usize) -> bool {
        match self.large.get(i) {
            Some(seen) => *seen,
            None => i < 128 && self.small & (1u128 << i) != 0,
        }
    }
}

/// The first field that must be present and was not read: a required one,
/// or a required nullable one while [`strict`].
fn missing(
    names: &[&'static str],
    required: &[usize],
    nullable: &[usize],
    seen: &Seen,
) -> Option<&'static str> {
    let strict = !nullable.is_empty() && strict();
    required
        .iter()
        .chain(if strict { nullable } else { &[] })
        .find(|&&i| !seen.contains(i))
        .map(|&i| names.get(i).copied().unwrap_or("?"))
}

/// The value types of an object's fields, as a table: a tuple of up to 16
/// types, or [`Tables`] of such tuples for more, read by [`object`] into a
/// tuple of slots (an `Option` per field). A generated type names its table
/// in its [`Object`] impl, so the loop over the keys, the duplicate and
/// missing-field checks and the skipping of unknown keys are compiled once
/// here instead of once per type; the type's own [`Object::build`] is one
/// match over the slots.
pub trait Fields {
    /// What has been read so far: an `Option` per field.
    type Slots;
    /// How many fields the table holds.
    const LEN: usize;
    /// Nothing read yet (a constant: no code per table).
    const EMPTY: Self::Slots;
    /// Reads the value of the field at `index` (counted in this table).
    fn read<'de, A: MapAccess<'de>>(
        slots: &mut Self::Slots,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// Reads a field's value into its slot: one function per field type,
/// whichever tables hold it.
fn put<'de, T: DeserializeOwned, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// A table of tables: the fields of an object with more than 16, as a tuple
/// of [`Fields`] tuples.
pub struct Tables<T>(PhantomData<fn() -> T>);

macro_rules! field_tables {
    ($(($($t:ident $i:tt),*))*) => {$(
        impl<$($t: DeserializeOwned),*> Fields for ($($t,)*) {
            type Slots = ($(Option<$t>,)*);
            const LEN: usize = <[usize]>::len(&[$($i),*]);
            const EMPTY: Self::Slots = ($(None::<$t>,)*);
            #[inline]
            #[allow(unused_variables)]
            fn read<'de, A: MapAccess<'de>>(
                slots: &mut Self::Slots,
                index: usize,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match index {
                    $( $i => put(&mut slots.$i, map), )*
                    _ => skip(map),
                }
            }
        }

        impl<$($t: Fields),*> Fields for Tables<($($t,)*)> {
            type Slots = ($($t::Slots,)*);
            const LEN: usize = 0 $(+ $t::LEN)*;
            const EMPTY: Self::Slots = ($($t::EMPTY,)*);
            #[inline]
            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn read<'de, A: MapAccess<'de>>(
                slots: &mut Self::Slots,
                index: usize,
                map: &mut A,
            ) -> Result<(), A::Error> {
                let mut i = index;
                $(
                    if i < $t::LEN {
                        return $t::read(&mut slots.$i, i, map);
                    }
                    i -= $t::LEN;
                )*
                skip(map)
            }
        }
    )*};
}

field_tables! {
    ()
    (F0 0)
    (F0 0, F1 1)
    (F0 0, F1 1, F2 2)
    (F0 0, F1 1, F2 2, F3 3)
    (F0 0, F1 1, F2 2, F3 3, F4 4)
    (F0 0, F1 1, F2 2, F3 3, F4 4, F5 5)
    (F0 0, F1 1, F2 2, F3 3, F4 4, F5 5, F6 6)
    (F0 0, F1 1, F2 2, F3 3, F4 4, F5 5, F6 6, F7 7)
    (F0 0, F1 1, F2 2, F3 3, F4 4, F5 5, F6 6, F7 7, F8 8)
    (F0 0, F1 1, F2 2, F3 3, F4 4, F5 5, F6 6, F7 7, F8 8, F9 9)
    (F0 0, F1 1, F2 2, F3 3, F4 4, F5 5, F6 6, F7 7, F8 8, F9 9, F10 10)
    (F0 0, F1 1, F2 2, F3 3, F4 4, F5 5, F6 6, F7 7, F8 8, F9 9, F10 10, F11 11)
    (F0 0, F1 1, F2 2, F3 3, F4 4, F5 5, F6 6, F7 7, F8 8, F9 9, F10 10, F11 11, F12 12)
    (F0 0, F1 1, F2 2, F3 3, F4 4, F5 5, F6 6, F7 7, F8 8, F9 9, F10 10, F11 11, F12 12, F13 13)
    (F0 0, F1 1, F2 2, F3 3, F4 4, F5 5, F6 6, F7 7, F8 8, F9 9, F10 10, F11 11, F12 12, F13 13, F14 14)
    (F0 0, F1 1, F2 2, F3 3, F4 4, F5 5, F6 6, F7 7, F8 8, F9 9, F10 10, F11 11, F12 12, F13 13, F14 14, F15 15)
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
fn position(names: &[&'static str], key: &str) -> Option<usize> {
    names.iter().position(|n| *n == key)
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

/// One value of the input kept as its JSON text, as a union buffers it
/// before choosing a variant.
///
/// Each variant is then read from that text with the same reader
/// (`serde_json`'s slice reader) that whole bodies are read with, so every
/// type's decoder is compiled once for that reader, not a second time for a
/// buffered [`Value`]; numbers keep their exact text.
///
/// It takes any `serde_json` deserializer (bytes, text, a reader, a
/// [`Value`]); other formats cannot hand over a value's JSON text and are an
/// error.
#[derive(Debug)]
pub struct Buffered(Box<serde_json::value::RawValue>);

impl<'de> Deserialize<'de> for Buffered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<serde_json::value::RawValue>::deserialize(deserializer).map(Buffered)
    }
}

impl Buffered {
    /// The value's JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Decodes the text as a `T`, with the slice reader bodies are read with.
    fn decode<'v, T: Deserialize<'v>>(&'v self) -> Result<T, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_slice(self.get().as_bytes());
        let out = T::deserialize(&mut de)?;
        de.end()?;
        Ok(out)
    }

    /// Reads the text for what `peek` asks, skipping the rest.
    fn peek(&self, peek: Peek<'_>) -> Result<Peeked, serde_json::Error> {
        peek_slice(self.get().as_bytes(), peek)
    }

    /// The value as a [`Value`] (what a union keeps of a value no variant
    /// takes).
    fn into_value<E: de::Error>(self) -> Result<Value, E> {
        serde_json::from_str(self.get()).map_err(|e| E::custom(message(&e)))
    }
}

/// Reads one JSON value in `text` for what `peek` asks, skipping the rest.
pub(crate) fn peek_slice(text: &[u8], peek: Peek<'_>) -> Result<Peeked, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(text);
    let out = de::DeserializeSeed::deserialize(peek, &mut de)?;
    de.end()?;
    Ok(out)
}

/// A `serde_json` error's message without its position, which is a
/// position in a buffered value, not in the body: the error raised from it
/// is placed at the buffered value (see `json_path`).
fn message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    if error.line() == 0 {
        return text;
    }
    let at = format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&at) {
        Some(bare) => bare.to_owned(),
        None => text,
    }
}

/// Tries to decode a buffered value as one variant of an untagged union.
#[inline]
pub fn variant<'v, T: Deserialize<'v>>(value: &'v Buffered) -> Option<T> {
    value.decode().ok()
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
    value: Buffered,
    name: &'static str,
    attempt: impl Fn(&Buffered) -> Option<T>,
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
    value: Buffered,
    name: &'static str,
    fallback: Fallback<T>,
) -> Result<T, E> {
    match fallback {
        Fallback::Any(keep) => Ok(keep(value.into_value()?)),
        Fallback::Unknown(_) if strict() => Err(E::custom(format_args!(
            "the value is none of the variants of `{name}`"
        ))),
        Fallback::Unknown(keep) => Ok(keep(value.into_value()?)),
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
pub fn order(value: &Buffered, shapes: &[Shape]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..shapes.len()).collect();
    let Ok(Peeked {
        object: true,
        keys: present,
        ..
    }) = value.peek(Peek::Keys)
    else {
        return order;
    };
    // (fits, matched, declared) per variant; `None` for variants without an object shape.
    let score = |i: usize| -> Option<(bool, usize, usize)> {
        let (keys, open) = shapes.get(i).copied().flatten()?;
        let matched = present
            .iter()
            .filter(|k| keys.contains(&k.as_str()))
            .count();
        Some((open || matched == present.len(), matched, keys.len()))
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

/// The value of one property of an object, read by [`tag_of`]; its
/// [`as_tag`](FoundTag::as_tag) is what a tagged union matches on.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundTag(Option<Value>);

impl FoundTag {
    /// The property as a [`Tag`].
    pub fn as_tag(&self) -> Tag<'_> {
        match &self.0 {
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
}

/// Property `tag` of a buffered object (the first, if the object repeats
/// it), read without decoding the rest.
pub fn tag_of(value: &Buffered, tag: &str) -> FoundTag {
    FoundTag(
        value
            .peek(Peek::Property(tag))
            .ok()
            .and_then(|p| p.property),
    )
}

/// What [`Peeked`] reads of a value besides whether it is an object.
#[derive(Clone, Copy)]
pub(crate) enum Peek<'a> {
    /// The object's distinct keys.
    Keys,
    /// The value of this property (its first occurrence).
    Property(&'a str),
}

/// A value read for what a union or a webhook delivery decides by, the
/// rest skipped: whether it is an object, and what [`Peek`] asked for.
#[derive(Default)]
pub(crate) struct Peeked {
    pub(crate) object: bool,
    pub(crate) keys: Vec<String>,
    pub(crate) property: Option<Value>,
}

impl<'de> de::DeserializeSeed<'de> for Peek<'_> {
    type Value = Peeked;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Peeked, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Peek<'_> {
    type Value = Peeked;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Peeked, A::Error> {
        let mut out = Peeked {
            object: true,
            ..Peeked::default()
        };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match self {
                Peek::Property(name) if key.as_str() == name && out.property.is_none() => {
                    out.property = Some(map.next_value::<Value>()?);
                    continue;
                }
                Peek::Keys if !out.keys.iter().any(|k| k == key.as_str()) => {
                    out.keys.push(key.into_string());
                }
                _ => {}
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(out)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Peeked, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Peeked::default())
    }
    fn visit_bool<E>(self, _: bool) -> Result<Peeked, E> {
        Ok(Peeked::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Peeked, E> {
        Ok(Peeked::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Peeked, E> {
        Ok(Peeked::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Peeked, E> {
        Ok(Peeked::default())
    }
    fn visit_str<E>(self, _: &str) -> Result<Peeked, E> {
        Ok(Peeked::default())
    }
    fn visit_unit<E>(self) -> Result<Peeked, E> {
        Ok(Peeked::default())
    }
}

/// Decodes a buffered value as the variant its tag selected, with the
/// reader [`variant`] uses, so a type that is both a tagged and an untagged
/// union's variant has one decoder compiled, not two.
pub fn tagged<T, E>(value: Buffered) -> Result<T, E>
where
    T: de::DeserializeOwned,
    E: de::Error,
{
    value.decode().map_err(|e| E::custom(message(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SLACK: Shape = Some((&["channel_id", "invite_url"], false));
    const LICENSE: Shape = Some((&["license_key_id", "display_key"], false));
    const OPEN: Shape = Some((&["id"], true));

    fn buffer(value: Value) -> Buffered {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn objects_try_the_variants_their_keys_fit_first() {
        let license = json!({"display_key": "x"});
        assert_eq!(order(&buffer(license), &[SLACK, LICENSE]), vec![1, 0]);
        // Fitting more keys wins.
        let both = json!({"license_key_id": "1", "display_key": "x"});
        let narrow: Shape = Some((&["display_key"], false));
        assert_eq!(order(&buffer(both), &[narrow, LICENSE]), vec![1, 0]);
        assert_eq!(order(&buffer(json!({})), &[SLACK, LICENSE]), vec![0, 1]);
        // Equal matches: the variant declaring fewer keys fits tighter.
        let user: Shape = Some((&["sub", "name", "email", "email_verified"], false));
        let org: Shape = Some((&["sub", "name"], false));
        let sub_name = json!({"sub": "1", "name": "x"});
        assert_eq!(order(&buffer(sub_name), &[user, org]), vec![1, 0]);
        let empty: Shape = Some((&[], false));
        assert_eq!(order(&buffer(json!({})), &[SLACK, empty]), vec![1, 0]);
        // A variant keeping other keys fits any object.
        assert_eq!(
            order(&buffer(json!({"other": 1})), &[SLACK, None, OPEN]),
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
            let value = Buffered::deserialize(d)?;
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
            let value = Buffered::deserialize(d)?;
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
        const REQUIRED: &'static [usize] = &[0];
        const NULLABLE: &'static [usize] = &[1];
        type Fields = (i64, Option<i64>);
        type Rest = Ignored;
        fn build(slots: (Option<i64>, Option<Option<i64>>), _: Ignored) -> Option<Self> {
            match slots {
                (Some(a), b) => Some(Obj {
                    a,
                    b: b.unwrap_or_default(),
                }),
                _ => None,
            }
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
    type R = i64;
    impl Object for Wide {
        const NAME: &'static str = "Wide";
        const WIRE_NAMES: &'static [&'static str] = &[
            "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13",
            "f14", "f15", "f16", "f17", "f18", "f19", "note",
        ];
        const REQUIRED: &'static [usize] = &[
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
        ];
        type Fields = Tables<(
            (R, R, R, R, R, R, R, R, R, R, R, R, R, R, R, R),
            (R, R, R, R, Option<String>),
        )>;
        type Rest = Ignored;
        fn build(slots: <Self::Fields as Fields>::Slots, _: Ignored) -> Option<Self> {
            match slots {
                (
                    (
                        Some(f0),
                        Some(f1),
                        Some(f2),
                        Some(f3),
                        Some(f4),
                        Some(f5),
                        Some(f6),
                        Some(f7),
                        Some(f8),
                        Some(f9),
                        Some(f10),
                        Some(f11),
                        Some(f12),
                        Some(f13),
                        Some(f14),
                        Some(f15),
                    ),
                    (Some(f16), Some(f17), Some(f18), Some(f19), note),
                ) => Some(Wide(
                    [
                        f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16,
                        f17, f18, f19,
                    ],
                    note.unwrap_or_default(),
                )),
                _ => None,
            }
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
        type Fields = (Option<i64>,);
        type Rest = BTreeMap<String, bool>;
        fn build((a,): (Option<Option<i64>>,), rest: Self::Rest) -> Option<Self> {
            Some(Open {
                a: a.unwrap_or_default(),
                rest,
            })
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
        let tag = |v: Value| tag_of(&serde_json::from_value(v).unwrap(), "type");
        assert_eq!(tag(json!({"type": "a"})).as_tag(), Tag::Str("a"));
        assert_eq!(tag(json!({"kind": "a"})).as_tag(), Tag::Missing);
        assert_eq!(tag(json!({"type": 1})).as_tag(), Tag::Int(1));
        assert_eq!(tag(json!({"type": false})).as_tag(), Tag::Bool(false));
        assert_eq!(tag(json!({"type": [1]})).as_tag(), Tag::Other);
        assert_eq!(tag(json!("text")).as_tag(), Tag::Missing);
        // Escaped text is the text it stands for; the first of a repeated key counts.
        let text = |t: &str| tag_of(&serde_json::from_str(t).unwrap(), "type");
        assert_eq!(text(r#"{"type": "\u0061"}"#).as_tag(), Tag::Str("a"));
        assert_eq!(
            text(r#"{"x": {"type": "no"}, "type": "a", "type": "b"}"#).as_tag(),
            Tag::Str("a")
        );
    }

    #[test]
    fn buffered_values_decode_as_read_and_errors_drop_the_inner_position() {
        let value: Buffered = serde_json::from_str("{\n \"a\": 1.50, \"b\": [true]\n}").unwrap();
        assert_eq!(value.get(), "{\n \"a\": 1.50, \"b\": [true]\n}");
        let err = tagged::<Obj, serde_json::Error>(value).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: floating point `1.5`, expected i64"
        );
        // From a `Value` too (its text is the value re-encoded).
        let value: Buffered = serde_json::from_value(json!({"a": 1})).unwrap();
        assert_eq!(variant::<Obj>(&value), Some(Obj { a: 1, b: None }));
    }

    #[test]
    fn other_values_keep_the_declared_order() {
        assert_eq!(
            order(&buffer(json!("text")), &[SLACK, None, LICENSE]),
            vec![0, 1, 2]
        );
        let unknown = buffer(json!({"nobody": "declares this"}));
        assert_eq!(order(&unknown, &[SLACK, LICENSE]), vec![0, 1]);
    }
}
