//! [`Map`]: what a schema's `additionalProperties` (a JSON object with keys
//! of its own choosing) becomes.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash, Hasher};
use std::ops::{Deref, DerefMut};

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A JSON object keyed by strings of the sender's choosing
/// (`additionalProperties`), in the order its keys came: decoded and
/// re-encoded, it reads as it did, as a `serde_json::Value` object does.
///
/// It dereferences to an [`IndexMap`], whose methods (`get`, `insert`,
/// `iter`, ...) it has. Two maps are equal when they hold the same keys with
/// equal values, in any order, and they hash alike then (so a type holding a
/// map can be `Eq` and `Hash`).
///
/// Built with `collect`, `from`, or `insert`:
///
/// ```
/// use openapi_runtime::Map;
///
/// let mut labels = Map::from([("team", "core")]);
/// labels.insert("tier".to_owned(), "gold");
/// assert_eq!(labels.keys().collect::<Vec<_>>(), ["team", "tier"]);
/// assert_eq!(labels, [("tier", "gold"), ("team", "core")].into_iter().collect());
/// ```
///
/// Why not a `BTreeMap`: it sorts the keys, and its code is compiled again
/// for every value type (about 4,000 lines of LLVM IR each, a fifth of a
/// webhook receiver's), where most of an `IndexMap`'s is shared. Why not the
/// `IndexMap` itself: it has no `Hash`.
#[derive(Clone, PartialEq, Eq)]
pub struct Map<V>(IndexMap<String, V>);

impl<V> Map<V> {
    /// An empty map.
    pub fn new() -> Self {
        Map(IndexMap::new())
    }

    /// The `IndexMap` inside.
    pub fn into_inner(self) -> IndexMap<String, V> {
        self.0
    }
}

impl<V> Default for Map<V> {
    fn default() -> Self {
        Map::new()
    }
}

impl<V> Deref for Map<V> {
    type Target = IndexMap<String, V>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<V> DerefMut for Map<V> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<V: std::fmt::Debug> std::fmt::Debug for Map<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<V: Hash> Hash for Map<V> {
    /// Agrees with `==`, which ignores the order: each entry is hashed on
    /// its own (with fixed keys) and the entries' hashes are summed.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let fixed = std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default();
        let sum = self
            .0
            .iter()
            .fold(0u64, |sum, entry| sum.wrapping_add(fixed.hash_one(entry)));
        state.write_usize(self.0.len());
        state.write_u64(sum);
    }
}

impl<K: Into<String>, V> FromIterator<(K, V)> for Map<V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Map(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl<K: Into<String>, V> Extend<(K, V)> for Map<V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        self.0.extend(iter.into_iter().map(|(k, v)| (k.into(), v)));
    }
}

impl<K: Into<String>, V, const N: usize> From<[(K, V); N]> for Map<V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<V> From<IndexMap<String, V>> for Map<V> {
    fn from(map: IndexMap<String, V>) -> Self {
        Map(map)
    }
}

impl<V> From<BTreeMap<String, V>> for Map<V> {
    /// In the order of the keys.
    fn from(map: BTreeMap<String, V>) -> Self {
        map.into_iter().collect()
    }
}

impl<V, S> From<HashMap<String, V, S>> for Map<V> {
    /// In the `HashMap`'s order, which is no order in particular.
    fn from(map: HashMap<String, V, S>) -> Self {
        map.into_iter().collect()
    }
}

impl<V> IntoIterator for Map<V> {
    type Item = (String, V);
    type IntoIter = indexmap::map::IntoIter<String, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, V> IntoIterator for &'a Map<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = indexmap::map::Iter<'a, String, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a, V> IntoIterator for &'a mut Map<V> {
    type Item = (&'a String, &'a mut V);
    type IntoIter = indexmap::map::IterMut<'a, String, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

impl<V: Serialize> Serialize for Map<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(&self.0)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Map<V> {
    /// A key that comes twice keeps its first place and its last value.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IndexMap::deserialize(deserializer).map(Map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(m: &Map<i64>) -> u64 {
        std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(m)
    }

    #[test]
    fn keeps_the_order_and_compares_and_hashes_without_it() {
        let ab = Map::from([("a", 1), ("b", 2)]);
        let ba = Map::from([("b", 2), ("a", 1)]);
        assert_eq!(ab.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(ba.keys().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(ab, ba);
        assert_eq!(hash(&ab), hash(&ba));
        // Another value, a missing or an extra key: unequal, hashed apart.
        for other in [
            Map::from([("a", 1), ("b", 3)]),
            Map::from([("a", 1)]),
            Map::from([("a", 1), ("b", 2), ("c", 0)]),
            Map::from([("a", 2), ("b", 1)]),
        ] {
            assert_ne!(ab, other);
            assert_ne!(hash(&ab), hash(&other), "{other:?}");
        }
        assert_eq!(format!("{ab:?}"), r#"{"a": 1, "b": 2}"#);
    }

    #[test]
    fn serde_round_trips_in_order() {
        let text = r#"{"z":1,"a":2,"m":3}"#;
        let m: Map<i64> = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), text);
        let twice: Map<i64> = serde_json::from_str(r#"{"z":1,"a":2,"z":3}"#).unwrap();
        assert_eq!(serde_json::to_string(&twice).unwrap(), r#"{"z":3,"a":2}"#);
    }
}
