//! Encoding support for generated types: [`fields`] writes an object from
//! its field table (a tuple of [`Always`], [`Optional`] and [`Patched`]
//! entries, see [`Writes`]), leaving out absent optional fields, so a
//! generated `Serialize` impl is one call.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::Patch;

/// A field that is always written (`null` included): an entry of a [`Writes`] table.
pub struct Always<'a, T: ?Sized>(pub &'a T);

/// An optional field, written unless `None`: an entry of a [`Writes`] table.
pub struct Optional<'a, T>(pub &'a Option<T>);

/// An optional, nullable field, written unless [`Patch::Absent`]: an entry
/// of a [`Writes`] table.
pub struct Patched<'a, T>(pub &'a Patch<T>);

/// The fields of an object, as a table: a tuple of [`Always`], [`Optional`]
/// and [`Patched`] entries (tuples of up to 16, nested for more) written by
/// [`fields`] with their wire names, so the writing is compiled once here
/// instead of once per type.
pub trait Writes {
    /// How many fields the table holds.
    const LEN: usize;
    /// Writes the fields the table holds, named by `names[offset..]`.
    fn write<M: SerializeMap>(
        &self,
        map: &mut M,
        names: &[&'static str],
        offset: usize,
    ) -> Result<(), M::Error>;
}

#[inline]
fn name(names: &[&'static str], offset: usize) -> &'static str {
    names.get(offset).copied().unwrap_or("?")
}

impl<T: Serialize + ?Sized> Writes for Always<'_, T> {
    const LEN: usize = 1;
    #[inline]
    fn write<M: SerializeMap>(
        &self,
        map: &mut M,
        names: &[&'static str],
        offset: usize,
    ) -> Result<(), M::Error> {
        map.serialize_entry(name(names, offset), self.0)
    }
}

impl<T: Serialize> Writes for Optional<'_, T> {
    const LEN: usize = 1;
    #[inline]
    fn write<M: SerializeMap>(
        &self,
        map: &mut M,
        names: &[&'static str],
        offset: usize,
    ) -> Result<(), M::Error> {
        match self.0 {
            Some(v) => map.serialize_entry(name(names, offset), v),
            None => Ok(()),
        }
    }
}

impl<T: Serialize> Writes for Patched<'_, T> {
    const LEN: usize = 1;
    #[inline]
    fn write<M: SerializeMap>(
        &self,
        map: &mut M,
        names: &[&'static str],
        offset: usize,
    ) -> Result<(), M::Error> {
        match self.0 {
            Patch::Absent => Ok(()),
            other => map.serialize_entry(name(names, offset), other),
        }
    }
}

macro_rules! write_tables {
    ($(($($t:ident $i:tt),*))*) => {$(
        impl<$($t: Writes),*> Writes for ($($t,)*) {
            const LEN: usize = 0 $(+ $t::LEN)*;
            #[inline]
            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn write<M: SerializeMap>(
                &self,
                map: &mut M,
                names: &[&'static str],
                offset: usize,
            ) -> Result<(), M::Error> {
                let mut at = offset;
                $(
                    self.$i.write(map, names, at)?;
                    at += $t::LEN;
                )*
                Ok(())
            }
        }
    )*};
}

write_tables! {
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

/// Writes an object from its field table (see [`Writes`]): `names` are the
/// wire names in the table's order.
#[inline]
pub fn fields<S: Serializer, W: Writes>(
    serializer: S,
    names: &'static [&'static str],
    values: W,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    values.write(&mut map, names, 0)?;
    map.end()
}

/// [`fields`], then the properties the schema does not declare, each as its own field.
#[inline]
pub fn fields_and_rest<S: Serializer, W: Writes, T: Serialize>(
    serializer: S,
    names: &'static [&'static str],
    values: W,
    rest: &crate::Map<T>,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    values.write(&mut map, names, 0)?;
    rest.iter()
        .try_for_each(|(k, v)| map.serialize_entry(k, v))?;
    map.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_write_present_fields_in_order_with_their_names() {
        struct Wide {
            n: [i64; 17],
            opt: Option<i64>,
            patch: Patch<String>,
        }
        impl Serialize for Wide {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let n = &self.n;
                let values = (
                    (
                        Always(&n[0]),
                        Always(&n[1]),
                        Always(&n[2]),
                        Always(&n[3]),
                        Always(&n[4]),
                        Always(&n[5]),
                        Always(&n[6]),
                        Always(&n[7]),
                        Always(&n[8]),
                        Always(&n[9]),
                        Always(&n[10]),
                        Always(&n[11]),
                        Always(&n[12]),
                        Always(&n[13]),
                        Always(&n[14]),
                        Always(&n[15]),
                    ),
                    (Always(&n[16]), Optional(&self.opt), Patched(&self.patch)),
                );
                const NAMES: &[&str] = &[
                    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p",
                    "q", "opt", "patch",
                ];
                fields_and_rest(s, NAMES, values, &crate::Map::from([("z", 1)]))
            }
        }
        let wide = Wide {
            n: std::array::from_fn(|i| i as i64),
            opt: None,
            patch: Patch::Null,
        };
        let text = serde_json::to_string(&wide).unwrap();
        assert_eq!(
            text,
            r#"{"a":0,"b":1,"c":2,"d":3,"e":4,"f":5,"g":6,"h":7,"i":8,"j":9,"k":10,"l":11,"m":12,"n":13,"o":14,"p":15,"q":16,"patch":null,"z":1}"#
        );
        let wide = Wide {
            opt: Some(3),
            patch: Patch::Absent,
            ..wide
        };
        let text = serde_json::to_string(&wide).unwrap();
        assert!(text.ends_with(r#""q":16,"opt":3,"z":1}"#), "{text}");
    }
}
