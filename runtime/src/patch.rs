//! [`Patch`]: the three states of an optional, nullable request field.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A request field that is optional *and* nullable, where leaving it out and
/// sending `null` mean different things (typically: "leave unchanged" versus
/// "clear it").
///
/// Generated structs use it with `#[serde(default, skip_serializing_if = "Patch::is_absent")]`,
/// so [`Patch::Absent`] is not sent at all, [`Patch::Null`] is sent as `null`
/// and [`Patch::Set`] as the value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Patch<T> {
    /// Not sent: the server keeps its current value (or its default).
    #[default]
    Absent,
    /// Sent as `null`: the server clears the value.
    Null,
    /// Sent as this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether this is [`Patch::Absent`] (used by `skip_serializing_if`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// The value, if one is set.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(v) => Some(v),
            _ => None,
        }
    }

    /// `None` for absent, `Some(None)` for null, `Some(Some(v))` for a value.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Patch::Absent => None,
            Patch::Null => Some(None),
            Patch::Set(v) => Some(Some(v)),
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Set(value)
    }
}

impl From<&str> for Patch<String> {
    /// `"Jane".into()` sets the text.
    fn from(value: &str) -> Self {
        Patch::Set(value.to_owned())
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some(v)` sets `v`; `None` sends `null`.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Patch::Set(v),
            None => Patch::Null,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(v) => serializer.serialize_some(v),
            Patch::Absent | Patch::Null => serializer.serialize_none(),
        }
    }
}

impl<T: crate::json::Decode> crate::json::Decode for Patch<T> {
    /// A present field decodes to [`Patch::Null`] or [`Patch::Set`]; an absent
    /// one is [`Patch::Absent`], the default its object's table gives it.
    fn decode(r: &mut crate::json::Reader<'_>) -> Result<Self, crate::json::Error> {
        Option::<T>::decode(r).map(Patch::from)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// A present field decodes to [`Patch::Null`] or [`Patch::Set`]; an absent
    /// one comes from `#[serde(default)]` as [`Patch::Absent`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Patch::from)
    }
}

#[cfg(test)]
mod tests {
    use super::Patch;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Update {
        #[serde(default, skip_serializing_if = "Patch::is_absent")]
        name: Patch<String>,
    }

    #[test]
    fn three_states_round_trip() {
        for (json, state) in [
            ("{}", Patch::Absent),
            (r#"{"name":null}"#, Patch::Null),
            (r#"{"name":"x"}"#, Patch::Set("x".to_owned())),
        ] {
            let decoded: Update = serde_json::from_str(json).unwrap();
            assert_eq!(decoded.name, state);
            assert_eq!(serde_json::to_string(&decoded).unwrap(), json);
        }
    }

    #[test]
    fn values_and_text_convert_into_a_set_patch() {
        let name: Patch<String> = "Jane".into();
        assert_eq!(name, Patch::Set("Jane".to_owned()));
        let count: Patch<i64> = 3.into();
        assert_eq!(count, Patch::Set(3));
        let cleared: Patch<i64> = None.into();
        assert_eq!(cleared, Patch::Null);
    }
}
