//! Encoding support for generated types: [`Object`] writes an object field by
//! field, leaving out absent optional fields, so a generated `Serialize` impl
//! is one line per field.

use std::collections::BTreeMap;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::Patch;

/// An object being written.
pub struct Object<S: Serializer> {
    map: S::SerializeMap,
}

impl<S: Serializer> Object<S> {
    /// Starts an object.
    #[inline]
    pub fn new(serializer: S) -> Result<Self, S::Error> {
        Ok(Object {
            map: serializer.serialize_map(None)?,
        })
    }

    /// A field that is always written (`null` included).
    #[inline]
    pub fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), S::Error> {
        self.map.serialize_entry(key, value)
    }

    /// An optional field: written unless `None`.
    #[inline]
    pub fn optional<T: Serialize>(&mut self, key: &str, value: &Option<T>) -> Result<(), S::Error> {
        match value {
            Some(v) => self.map.serialize_entry(key, v),
            None => Ok(()),
        }
    }

    /// An optional, nullable field: written unless [`Patch::Absent`].
    #[inline]
    pub fn patch<T: Serialize>(&mut self, key: &str, value: &Patch<T>) -> Result<(), S::Error> {
        match value {
            Patch::Absent => Ok(()),
            other => self.map.serialize_entry(key, other),
        }
    }

    /// The properties the schema does not declare, each as its own field.
    #[inline]
    pub fn additional<T: Serialize>(
        &mut self,
        values: &BTreeMap<String, T>,
    ) -> Result<(), S::Error> {
        values
            .iter()
            .try_for_each(|(k, v)| self.map.serialize_entry(k, v))
    }

    /// Finishes the object.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.map.end()
    }
}
