//! Decoding support for generated types: the small pieces their
//! [`Decode`] impls call, so each type carries only its own field table
//! instead of a full decoder.
//!
//! A generated object decoder is its [`Object`] impl, a field table (see
//! [`Fields`]) that [`object`] reads: a repeated key an error, unknown keys
//! [`skip`]ped, required fields checked at the end; the loop over the keys
//! is compiled once, the type's part of it behind `dyn`. String enums
//! decode through [`string_enum`], fixed values through [`constant`], and
//! unions read their value once ([`Reader::slice`]) and read the variant
//! its tag names ([`tag_of`], [`tagged`]) or try each with [`variant`] under
//! [`untagged`]. Generated types implement `serde::Deserialize` through
//! [`deserialize`].
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
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self as serde_de, Deserialize, Deserializer};
use serde_json::Value;

use crate::json::{self, Decode, Error, Next, Reader, Slice};

/// Decodes a `T` for `serde`: the value's JSON text, read by `T`'s
/// [`Decode`]. What generated types' `Deserialize` impls call, so that
/// `serde_json::from_str::<Member>(..)` decodes exactly as the client does.
///
/// It takes any `serde_json` deserializer (bytes, text, a reader, a
/// [`Value`]); other formats cannot hand over a value's JSON text and are
/// an error.
pub fn deserialize<'de, D: Deserializer<'de>, T: Decode>(deserializer: D) -> Result<T, D::Error> {
    let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
    json::from_str(raw.get()).map_err(|e| {
        let path = json::path(raw.get().as_bytes(), &e);
        if path == "." {
            serde_de::Error::custom(e.message())
        } else {
            serde_de::Error::custom(format_args!("{} at `{path}`", e.message()))
        }
    })
}

/// An object type, decoded by [`object`]: its name, its fields' wire names
/// and value types (see [`Fields`]), which of them must be present, what it
/// does with other keys, and how what was read makes the type. Generated
/// types say only this; the decoding is code here.
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
    /// The fields, as a table (see [`Field`]).
    type Fields: Fields;
    /// What the keys the type does not declare become ([`Ignored`], or a map).
    type Rest: Rest;
    /// The type from what was read of its fields (a slot per field, see
    /// [`Fields::Slots`]) and its other keys: every slot moved out at once,
    /// the required ones' values taken out of their `Option`s together, the
    /// others moved into place as they are. [`object`] calls it once every
    /// field that must be present is; `None` only if one is not.
    fn build(slots: <Self::Fields as Fields>::Slots, rest: Self::Rest) -> Option<Self>;
}

/// Decodes an object type (what its [`Decode`] impl calls).
#[allow(clippy::question_mark)] // a `?` would add functions per type
pub fn object<T: Object>(r: &mut Reader<'_>) -> Result<T, Error> {
    let mut reading = Reading::<T::Fields, T::Rest> {
        slots: T::Fields::EMPTY,
        rest: T::Rest::default(),
    };
    // Matches rather than `?`, which would add functions per type.
    if let Err(e) = read_entries(
        r,
        T::NAME,
        T::WIRE_NAMES,
        T::REQUIRED,
        T::NULLABLE,
        &mut reading,
    ) {
        return Err(e);
    }
    match T::build(reading.slots, reading.rest) {
        Some(value) => Ok(value),
        None => Err(r.error("a required field is missing")),
    }
}

/// What [`read_entries`] hands each declared key's value to (an object's
/// slots) and each other key's (what it keeps of them).
trait Entries {
    fn field(&mut self, index: usize, r: &mut Reader<'_>) -> Result<(), Error>;
    fn other(&mut self, key: Cow<'_, str>, r: &mut Reader<'_>) -> Result<(), Error>;
}

/// An object being read: its slots and its other keys.
struct Reading<F: Fields, R> {
    slots: F::Slots,
    rest: R,
}

impl<F: Fields, R: Rest> Entries for Reading<F, R> {
    fn field(&mut self, index: usize, r: &mut Reader<'_>) -> Result<(), Error> {
        F::read(&mut self.slots, index, r)
    }
    fn other(&mut self, key: Cow<'_, str>, r: &mut Reader<'_>) -> Result<(), Error> {
        self.rest.take(key, r)
    }
}

/// The expectation an object's errors name (`a `Member` object`).
struct ObjectOf(&'static str);

impl fmt::Display for ObjectOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a `{}` object", self.0)
    }
}

/// Reads every entry of an object into `into`, then checks that every
/// field that must be present is. Compiled once: what differs per type is
/// behind `dyn`.
fn read_entries(
    r: &mut Reader<'_>,
    name: &'static str,
    names: &'static [&'static str],
    required: &[usize],
    nullable: &[usize],
    into: &mut dyn Entries,
) -> Result<(), Error> {
    r.begin_object(&ObjectOf(name))?;
    let mut seen = Seen::new(names.len());
    let mut first = true;
    while let Some(key) = r.key(first)? {
        first = false;
        match position(names, &key) {
            Some(i) => {
                if !seen.insert(i) {
                    let name = names.get(i).copied().unwrap_or("?");
                    return Err(r.error(format!("duplicate field `{name}`")));
                }
                into.field(i, r)?;
            }
            None => into.other(key, r)?,
        }
    }
    match missing(names, required, nullable, &seen) {
        Some(name) => Err(r.error(format!("missing field `{name}`"))),
        None => Ok(()),
    }
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

/// Where `key` is in `names`. A scan (mismatched lengths fail at once)
/// measured faster than first trying the key after the last one found.
#[inline]
fn position(names: &[&'static str], key: &str) -> Option<usize> {
    names.iter().position(|n| *n == key)
}

/// The fields of an object, as a table: a tuple of up to 16 [`Field`]s, or
/// [`Tables`] of such tuples for more, read by [`object`] into a tuple of
/// slots. A generated type names its table in its [`Object`] impl, so the
/// loop over the keys, the duplicate and missing-field checks and the
/// skipping of unknown keys are compiled once here instead of once per type;
/// the type's own [`Object::build`] moves the slots into its fields.
pub trait Fields {
    /// What has been read so far: a slot per field.
    type Slots;
    /// How many fields the table holds.
    const LEN: usize;
    /// Nothing read yet (a constant: no code per table).
    const EMPTY: Self::Slots;
    /// Reads the value of the field at `index` (counted in this table).
    fn read(slots: &mut Self::Slots, index: usize, r: &mut Reader<'_>) -> Result<(), Error>;
}

/// One field of an object's table: its slot, what the slot holds before
/// the key is read, and how its value is read into it. A field that may be
/// left out is its own slot (`Option<T>` starts `None`, [`Patch<T>`]
/// `Absent`), so `build` moves it into place as it is; a field that must be
/// present is [`Required<T>`], its slot an `Option<T>`.
///
/// [`Patch<T>`]: crate::Patch
pub trait Field {
    /// Where the value read is kept.
    type Slot;
    /// The slot before its key is read.
    const EMPTY: Self::Slot;
    /// Reads the value into the slot: one function per field type,
    /// whichever tables hold it.
    fn put(slot: &mut Self::Slot, r: &mut Reader<'_>) -> Result<(), Error>;
}

/// A field that must be present (see [`Object::REQUIRED`]); `build` takes
/// its value out of an `Option` slot.
pub struct Required<T>(PhantomData<fn() -> T>);

// Matches rather than `?` in these: each is compiled per field type, and a
// `?` would add two functions per type.

impl<T: Decode> Field for Required<T> {
    type Slot = Option<T>;
    const EMPTY: Option<T> = None;
    fn put(slot: &mut Option<T>, r: &mut Reader<'_>) -> Result<(), Error> {
        match T::decode(r) {
            Ok(value) => {
                *slot = Some(value);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

impl<T: Decode> Field for Option<T> {
    type Slot = Option<T>;
    const EMPTY: Option<T> = None;
    fn put(slot: &mut Option<T>, r: &mut Reader<'_>) -> Result<(), Error> {
        match Option::<T>::decode(r) {
            Ok(value) => {
                *slot = value;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

impl<T: Decode> Field for crate::Patch<T> {
    type Slot = crate::Patch<T>;
    const EMPTY: crate::Patch<T> = crate::Patch::Absent;
    fn put(slot: &mut crate::Patch<T>, r: &mut Reader<'_>) -> Result<(), Error> {
        match crate::Patch::<T>::decode(r) {
            Ok(value) => {
                *slot = value;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

/// A table of tables: the fields of an object with more than 16, as a tuple
/// of [`Fields`] tuples.
pub struct Tables<T>(PhantomData<fn() -> T>);

macro_rules! field_tables {
    ($(($($t:ident $i:tt),*))*) => {$(
        impl<$($t: Field),*> Fields for ($($t,)*) {
            type Slots = ($($t::Slot,)*);
            const LEN: usize = <[usize]>::len(&[$($i),*]);
            const EMPTY: Self::Slots = ($($t::EMPTY,)*);
            #[allow(unused_variables)]
            fn read(slots: &mut Self::Slots, index: usize, r: &mut Reader<'_>) -> Result<(), Error> {
                match index {
                    $( $i => $t::put(&mut slots.$i, r), )*
                    _ => skip(r),
                }
            }
        }

        impl<$($t: Fields),*> Fields for Tables<($($t,)*)> {
            type Slots = ($($t::Slots,)*);
            const LEN: usize = 0 $(+ $t::LEN)*;
            const EMPTY: Self::Slots = ($($t::EMPTY,)*);
            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn read(slots: &mut Self::Slots, index: usize, r: &mut Reader<'_>) -> Result<(), Error> {
                let mut i = index;
                $(
                    if i < $t::LEN {
                        return $t::read(&mut slots.$i, i, r);
                    }
                    i -= $t::LEN;
                )*
                skip(r)
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
/// kept in a [`Map<V>`](crate::Map) (`additionalProperties`), each value
/// decoded as a `V`. It starts as its `Default`.
pub trait Rest: Default {
    /// Takes the value of the undeclared key `key`.
    fn take(&mut self, key: Cow<'_, str>, r: &mut Reader<'_>) -> Result<(), Error>;
}

/// Keys an object does not declare are [`skip`]ped.
#[derive(Debug, Default, Clone, Copy)]
pub struct Ignored;

impl Rest for Ignored {
    fn take(&mut self, _: Cow<'_, str>, r: &mut Reader<'_>) -> Result<(), Error> {
        skip(r)
    }
}

impl<V: Decode> Rest for crate::Map<V> {
    fn take(&mut self, key: Cow<'_, str>, r: &mut Reader<'_>) -> Result<(), Error> {
        match V::decode(r) {
            Ok(value) => {
                self.insert(key.into_owned(), value);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

/// Skips the value of a key the type does not declare; while [`strict`], a
/// key the type does not declare is an error (the value is then tried as a
/// variant it fits whole, before one that would drop the key).
pub fn skip(r: &mut Reader<'_>) -> Result<(), Error> {
    if strict() {
        return Err(r.error("a property the type does not declare"));
    }
    r.skip()
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

/// Runs `f` with [`strict`] set to `on`, restoring it after. The thread
/// local is touched by two functions compiled once, not per `T`.
fn with_strict<T>(on: bool, f: impl FnOnce() -> T) -> T {
    let before = set_strict(on);
    let out = f();
    set_strict(before);
    out
}

/// Sets [`strict`], returning what it was.
fn set_strict(on: bool) -> bool {
    STRICT.with(|s| s.replace(on))
}

/// The error for a value an enum does not list, while [`strict`].
fn not_listed(r: &Reader<'_>, at: usize, shown: &str) -> Error {
    r.error_at(
        at,
        format!("invalid value: {shown}, expected a value the enum lists"),
    )
}

/// Reads a string enum's value as text, which its `From<&str>` turns into
/// a variant (keeping values it does not know, except while [`strict`]: then
/// only the `known` values are taken). Not generic: compiled once.
pub fn string_enum<'a>(
    r: &mut Reader<'a>,
    known: &'static [&'static str],
) -> Result<Cow<'a, str>, Error> {
    r.next();
    let at = r.offset();
    let v = r.string()?;
    if strict() && !known.contains(&&*v) {
        return Err(not_listed(r, at, &format!("string {v:?}")));
    }
    Ok(v)
}

/// Reads an integer enum's value, which its `From<i64>` turns into a
/// variant (keeping values it does not know, except while [`strict`]: then
/// only the `known` values are taken). A whole float (`1.0`) is the integer.
pub fn int_enum(r: &mut Reader<'_>, known: &'static [i64]) -> Result<i64, Error> {
    r.next();
    let at = r.offset();
    let v = match r.number_value("an integer")? {
        json::Parsed::I64(v) => v,
        json::Parsed::U64(v) => i64::try_from(v).map_err(|_| {
            r.error_at(
                at,
                format!("invalid value: integer `{v}`, expected an integer"),
            )
        })?,
        json::Parsed::F64(v)
            if v.fract() == 0.0 && v >= i64::MIN as f64 && v <= i64::MAX as f64 =>
        {
            v as i64
        }
        json::Parsed::F64(v) => {
            return Err(r.error_at(
                at,
                format!("invalid value: floating point `{v}`, expected an integer"),
            ))
        }
    };
    if strict() && !known.contains(&v) {
        return Err(not_listed(r, at, &format!("integer `{v}`")));
    }
    Ok(v)
}

/// Reads a number enum's value, which its `From<f64>` turns into a variant,
/// as [`int_enum`] does.
pub fn number_enum(r: &mut Reader<'_>, known: &'static [f64]) -> Result<f64, Error> {
    r.next();
    let at = r.offset();
    let v = f64::decode(r)?;
    if strict() && !known.contains(&v) {
        return Err(not_listed(r, at, &format!("floating point `{v}`")));
    }
    Ok(v)
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
pub fn literal(r: &mut Reader<'_>, expected: Literal) -> Result<(), Error> {
    r.next();
    let at = r.offset();
    let v = Value::decode(r)?;
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
        Err(r.error_at(
            at,
            format!(
                "expected the value {}, found {v}",
                match expected {
                    Literal::Int(n) => n.to_string(),
                    Literal::Number(n) => n.to_string(),
                    Literal::Bool(b) => b.to_string(),
                }
            ),
        ))
    }
}

/// Decodes a fixed string value (`const`): only `expected` is accepted.
pub fn constant(r: &mut Reader<'_>, expected: &'static str) -> Result<(), Error> {
    struct TheString(&'static str);
    impl fmt::Display for TheString {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "the string {:?}", self.0)
        }
    }
    if r.next() != Next::String {
        return Err(r.invalid(&TheString(expected)));
    }
    let at = r.offset();
    let v = r.string()?;
    if v == expected {
        Ok(())
    } else {
        Err(r.error_at(
            at,
            format!(
                "invalid value: string {v:?}, expected {}",
                TheString(expected)
            ),
        ))
    }
}

/// Tries to decode a value read once as one variant of an untagged union.
#[inline]
pub fn variant<T: Decode>(value: &Slice<'_>) -> Option<T> {
    value.decode().ok()
}

/// A string format a union's variant is checked against (its schema's
/// `format`), so that a variant after it that takes strings too gets the
/// strings not of that format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StrFormat {
    /// `email`: `local@domain`, neither part empty, no spaces.
    Email,
    /// `uri`: an absolute URI (a scheme, then what the URL standard accepts).
    Uri,
    /// `ipv4`: dotted decimal.
    Ipv4,
    /// `ipv6`
    Ipv6,
}

impl StrFormat {
    /// Whether `text` is of this format.
    pub fn accepts(self, text: &str) -> bool {
        match self {
            StrFormat::Email => text.rsplit_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !text.chars().any(|c| c.is_whitespace() || c.is_control())
            }),
            StrFormat::Uri => url::Url::parse(text).is_ok(),
            StrFormat::Ipv4 => text.parse::<std::net::Ipv4Addr>().is_ok(),
            StrFormat::Ipv6 => text.parse::<std::net::Ipv6Addr>().is_ok(),
        }
    }
}

/// [`variant`] of a string variant whose schema has a `format` the
/// runtime checks: only a string of that format.
pub fn variant_format<T: Decode>(value: &Slice<'_>, format: StrFormat) -> Option<T> {
    let text: String = value.decode().ok()?;
    if !format.accepts(&text) {
        return None;
    }
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
pub fn untagged<T>(
    value: Slice<'_>,
    name: &'static str,
    attempt: impl Fn(&Slice<'_>) -> Option<T>,
    fallback: Fallback<T>,
) -> Result<T, Error> {
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
pub fn unknown<T>(value: Slice<'_>, name: &'static str, fallback: Fallback<T>) -> Result<T, Error> {
    // Matches rather than `?`: this is compiled per union.
    let keep = match fallback {
        Fallback::Unknown(_) if strict() => {
            return Err(value
                .reader()
                .error(format!("the value is none of the variants of `{name}`")));
        }
        Fallback::Any(keep) | Fallback::Unknown(keep) => keep,
    };
    match value.to_value() {
        Ok(v) => Ok(keep(v)),
        Err(e) => Err(e),
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
pub fn order(value: &Slice<'_>, shapes: &[Shape]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..shapes.len()).collect();
    let Ok(Some(present)) = keys(&mut value.reader()) else {
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

/// An object's distinct keys, its values skipped; `None` for other values.
fn keys(r: &mut Reader<'_>) -> Result<Option<Vec<String>>, Error> {
    if r.next() != Next::Object {
        r.skip()?;
        return Ok(None);
    }
    r.begin_object(&"a map")?;
    let mut keys: Vec<String> = Vec::new();
    let mut first = true;
    while let Some(key) = r.key(first)? {
        first = false;
        r.skip()?;
        if !keys.iter().any(|k| *k == key) {
            keys.push(key.into_owned());
        }
    }
    Ok(Some(keys))
}

/// Property `name` of an object (its first occurrence), the rest skipped;
/// `None` for other values and objects without it.
pub(crate) fn property(r: &mut Reader<'_>, name: &str) -> Result<Option<Value>, Error> {
    if r.next() != Next::Object {
        r.skip()?;
        return Ok(None);
    }
    r.begin_object(&"a map")?;
    let mut found = None;
    let mut first = true;
    while let Some(key) = r.key(first)? {
        first = false;
        if found.is_none() && key == name {
            found = Some(Value::decode(r)?);
        } else {
            r.skip()?;
        }
    }
    Ok(found)
}

/// Property `tag` of an object, as a tagged union reads it.
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

/// Property `tag` of an object read once (the first, if the object
/// repeats it), read without decoding the rest.
pub fn tag_of(value: &Slice<'_>, tag: &str) -> FoundTag {
    FoundTag(property(&mut value.reader(), tag).ok().flatten())
}

/// Decodes a value read once as the variant its tag selected.
pub fn tagged<T: Decode>(value: Slice<'_>) -> Result<T, Error> {
    value.decode()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SLACK: Shape = Some((&["channel_id", "invite_url"], false));
    const LICENSE: Shape = Some((&["license_key_id", "display_key"], false));
    const OPEN: Shape = Some((&["id"], true));

    #[test]
    fn string_formats_are_checked_before_a_variant_is_chosen() {
        let cases = [
            (StrFormat::Uri, "https://example.test/a?b", true),
            (StrFormat::Uri, "mailto:jo@example.test", true),
            (StrFormat::Uri, "LNUZV", false),
            (StrFormat::Uri, "/relative/path", false),
            (StrFormat::Email, "jo@example.test", true),
            (StrFormat::Email, "jo@", false),
            (StrFormat::Email, "j o@example.test", false),
            (StrFormat::Email, "https://example.test", false),
            (StrFormat::Ipv4, "10.0.0.1", true),
            (StrFormat::Ipv4, "10.0.0.256", false),
            (StrFormat::Ipv6, "::1", true),
            (StrFormat::Ipv6, "10.0.0.1", false),
        ];
        for (format, text, accepted) in cases {
            assert_eq!(format.accepts(text), accepted, "{format:?} {text}");
            let json = serde_json::to_string(text).unwrap();
            let mut r = Reader::new(&json);
            let got: Option<String> = variant_format(&r.slice().unwrap(), format);
            assert_eq!(got.is_some(), accepted, "{format:?} {text}");
        }
        // Not a string at all: no variant.
        let mut r = Reader::new("7");
        assert!(variant_format::<String>(&r.slice().unwrap(), StrFormat::Uri).is_none());
    }

    /// `order` of a value given as JSON.
    fn order_of(value: Value, shapes: &[Shape]) -> Vec<usize> {
        let text = value.to_string();
        let mut r = Reader::new(&text);
        order(&r.slice().unwrap(), shapes)
    }

    #[test]
    fn objects_try_the_variants_their_keys_fit_first() {
        let license = json!({"display_key": "x"});
        assert_eq!(order_of(license, &[SLACK, LICENSE]), vec![1, 0]);
        // Fitting more keys wins.
        let both = json!({"license_key_id": "1", "display_key": "x"});
        let narrow: Shape = Some((&["display_key"], false));
        assert_eq!(order_of(both, &[narrow, LICENSE]), vec![1, 0]);
        assert_eq!(order_of(json!({}), &[SLACK, LICENSE]), vec![0, 1]);
        // Equal matches: the variant declaring fewer keys fits tighter.
        let user: Shape = Some((&["sub", "name", "email", "email_verified"], false));
        let org: Shape = Some((&["sub", "name"], false));
        let sub_name = json!({"sub": "1", "name": "x"});
        assert_eq!(order_of(sub_name, &[user, org]), vec![1, 0]);
        let empty: Shape = Some((&[], false));
        assert_eq!(order_of(json!({}), &[SLACK, empty]), vec![1, 0]);
        // A variant keeping other keys fits any object.
        assert_eq!(
            order_of(json!({"other": 1}), &[SLACK, None, OPEN]),
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
    impl Decode for Kind {
        fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
            Ok(Self::from(&*string_enum(r, &["a"])?))
        }
    }

    /// A union of `Kind` and a string list, with an `Unknown` catch-all.
    #[derive(Debug, PartialEq)]
    enum Inner {
        Kind(Kind),
        Unknown(Value),
    }
    impl Decode for Inner {
        fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
            let value = r.slice()?;
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
    impl Decode for Outer {
        fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
            let value = r.slice()?;
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

    /// Decodes the JSON of `value`.
    fn from<T: Decode>(value: Value) -> Result<T, Error> {
        json::from_str(&value.to_string())
    }

    #[test]
    fn open_types_take_unknown_values_only_when_nothing_fits_strictly() {
        // On its own, an open enum keeps a value it does not list.
        assert_eq!(from::<Kind>(json!("b")).unwrap(), Kind::Other("b".into()));
        // Tried as a variant, the inner union's catch-all does not swallow
        // what the next variant is.
        assert_eq!(from::<Outer>(json!(7)).unwrap(), Outer::Number(7));
        assert_eq!(
            from::<Outer>(json!("a")).unwrap(),
            Outer::Inner(Inner::Kind(Kind::A))
        );
        // Nothing fits strictly: the variants are tried again as they are,
        // so a new enum value still lands in the variant holding the enum.
        assert_eq!(
            from::<Outer>(json!("b")).unwrap(),
            Outer::Inner(Inner::Kind(Kind::Other("b".into())))
        );
        assert_eq!(
            from::<Outer>(json!([1])).unwrap(),
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
        type Fields = (Required<i64>, Option<i64>);
        type Rest = Ignored;
        fn build((a, b): (Option<i64>, Option<i64>), _: Ignored) -> Option<Self> {
            let (Some(a),) = (a,) else {
                return None;
            };
            Some(Obj { a, b })
        }
    }
    impl Decode for Obj {
        fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
            object(r)
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
        const REQUIRED: &'static [usize] = &[
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
        ];
        type Fields = Tables<(
            (R, R, R, R, R, R, R, R, R, R, R, R, R, R, R, R),
            (R, R, R, R, Option<String>),
        )>;
        type Rest = Ignored;
        fn build(slots: <Self::Fields as Fields>::Slots, _: Ignored) -> Option<Self> {
            let (
                (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15),
                (b0, b1, b2, b3, note),
            ) = slots;
            let all = [
                a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, b0, b1, b2,
                b3,
            ];
            let mut values = [0; 20];
            for (v, slot) in values.iter_mut().zip(all) {
                *v = slot?;
            }
            Some(Wide(values, note))
        }
    }
    impl Decode for Wide {
        fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
            object(r)
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
        let wide: Wide = from(Value::Object(all.clone())).unwrap();
        let expected: [i64; 20] = std::array::from_fn(|i| i as i64);
        assert_eq!(wide, Wide(expected, None));

        let mut noted = all.clone();
        noted.insert("note".into(), json!("n"));
        let wide: Wide = from(Value::Object(noted)).unwrap();
        assert_eq!(wide.1.as_deref(), Some("n"));

        let mut short = all.clone();
        short.remove("f17");
        let err = from::<Wide>(Value::Object(short)).unwrap_err();
        assert_eq!(err.message(), "missing field `f17`");

        let twice = r#"{"f3": 1, "f3": 2}"#;
        let err = json::from_str::<Wide>(twice).unwrap_err();
        assert_eq!(err.message(), "duplicate field `f3`");

        let err = from::<Obj>(json!({"b": 1})).unwrap_err();
        assert_eq!(err.message(), "missing field `a`");
        let err = from::<Obj>(json!([1])).unwrap_err();
        assert_eq!(
            err.message(),
            "invalid type: sequence, expected a `Obj` object"
        );
    }

    /// An object keeping the keys it does not declare.
    #[derive(Debug, PartialEq)]
    struct Open {
        a: Option<i64>,
        rest: crate::Map<bool>,
    }
    impl Object for Open {
        const NAME: &'static str = "Open";
        const WIRE_NAMES: &'static [&'static str] = &["a"];
        type Fields = (Option<i64>,);
        type Rest = crate::Map<bool>;
        fn build((a,): (Option<i64>,), rest: Self::Rest) -> Option<Self> {
            Some(Open { a, rest })
        }
    }
    impl Decode for Open {
        fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
            object(r)
        }
    }

    #[test]
    fn open_objects_keep_the_other_keys_as_their_type() {
        let open: Open = from(json!({"x": true, "a": 1})).unwrap();
        assert_eq!(open.a, Some(1));
        assert_eq!(open.rest, crate::Map::from([("x", true)]));
        assert!(from::<Open>(json!({"x": 1})).is_err());
        let empty: Open = from(json!({})).unwrap();
        assert_eq!(
            empty,
            Open {
                a: None,
                rest: crate::Map::new()
            }
        );
    }

    #[test]
    fn strict_objects_refuse_keys_they_drop_and_absent_required_nulls() {
        let lenient: Obj = from(json!({"a": 1, "c": 2})).unwrap();
        assert_eq!(lenient, Obj { a: 1, b: None });
        let strict = |v: Value| with_strict(true, || from::<Obj>(v).is_ok());
        assert!(
            !strict(json!({"a": 1, "b": null, "c": 2})),
            "an unknown key"
        );
        assert!(!strict(json!({"a": 1})), "a required nullable key left out");
        assert!(strict(json!({"a": 1, "b": null})));
    }

    #[test]
    fn tags_are_read_as_missing_text_or_other() {
        let tag = |t: &str| {
            let mut r = Reader::new(t);
            tag_of(&r.slice().unwrap(), "type")
        };
        assert_eq!(tag(r#"{"type": "a"}"#).as_tag(), Tag::Str("a"));
        assert_eq!(tag(r#"{"kind": "a"}"#).as_tag(), Tag::Missing);
        assert_eq!(tag(r#"{"type": 1}"#).as_tag(), Tag::Int(1));
        assert_eq!(tag(r#"{"type": false}"#).as_tag(), Tag::Bool(false));
        assert_eq!(tag(r#"{"type": [1]}"#).as_tag(), Tag::Other);
        assert_eq!(tag(r#""text""#).as_tag(), Tag::Missing);
        // Escaped text is the text it stands for; the first of a repeated key counts.
        assert_eq!(tag(r#"{"type": "\u0061"}"#).as_tag(), Tag::Str("a"));
        assert_eq!(
            tag(r#"{"x": {"type": "no"}, "type": "a", "type": "b"}"#).as_tag(),
            Tag::Str("a")
        );
    }

    #[test]
    fn errors_inside_a_variant_name_their_place_in_the_document() {
        let text = r#"{"items": [{"a": 1}, {"a": "x"}]}"#;
        let mut r = Reader::new(text);
        r.begin_object(&"a map").unwrap();
        r.key(true).unwrap();
        let items = r.slice().unwrap();
        let err = tagged::<Vec<Obj>>(items).unwrap_err();
        assert_eq!(err.message(), "invalid type: string \"x\", expected i64");
        assert_eq!(json::path(text.as_bytes(), &err), "items[1].a");
    }

    #[test]
    fn serde_decodes_through_the_reader() {
        let obj: Obj = serde_json::from_str::<Wrapped>(r#"{"a": 1}"#).unwrap().0;
        assert_eq!(obj, Obj { a: 1, b: None });
        let obj: Obj = serde_json::from_value::<Wrapped>(json!({"a": 2}))
            .unwrap()
            .0;
        assert_eq!(obj.a, 2);
        let err = serde_json::from_str::<Wrapped>(r#"{"b": 1}"#).unwrap_err();
        assert_eq!(err.to_string(), "missing field `a`");
        let err = serde_json::from_str::<Wrapped>(r#"{"a": "x"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: string \"x\", expected i64 at `a`"
        );
    }

    /// `Obj` through serde, as a generated type's `Deserialize` impl is.
    #[derive(Debug)]
    struct Wrapped(Obj);
    impl<'de> Deserialize<'de> for Wrapped {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize(d).map(Wrapped)
        }
    }

    #[test]
    fn other_values_keep_the_declared_order() {
        assert_eq!(
            order_of(json!("text"), &[SLACK, None, LICENSE]),
            vec![0, 1, 2]
        );
        let unknown = json!({"nobody": "declares this"});
        assert_eq!(order_of(unknown, &[SLACK, LICENSE]), vec![0, 1]);
    }
}
