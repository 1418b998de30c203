//! Where in a JSON text a decode error happened, as a path
//! (`items[3].customer.email`, `.` for the whole value), found from the
//! error's byte offset ([`crate::json::Error::offset`]) by scanning the text
//! up to there once.
//!
//! This is what a path-tracking deserializer (`serde_path_to_error`) would
//! say, without one: such a wrapper is code run for every value decoded,
//! only to be read when one fails. A value that is read once and decoded
//! again (a union's variants) keeps its offsets in the whole text, so an
//! error inside it names its own place.
//!
//! Errors are placed where the reader stood: a wrong value at its start, a
//! missing field or a sequence too short once the object or sequence is read
//! to its closing bracket, so the scan has left it and names it, not its
//! last key.

enum Frame {
    /// An object, with the key whose value is being read.
    Object { key: Option<String> },
    /// An array, with the index of the element being read.
    Array { index: usize },
}

/// The path of the value being read at `offset`.
pub(crate) fn at(text: &[u8], offset: usize) -> String {
    let scanned = text.get(..offset).unwrap_or(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while let Some(&b) = scanned.get(i) {
        match b {
            b'{' => stack.push(Frame::Object { key: None }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key }) => *key = None,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let end = string_end(scanned, i);
                if let Some(Frame::Object { key }) = stack.last_mut() {
                    // A string in key position: the object's next key.
                    if key.is_none() && followed_by_colon(text, end) {
                        let raw = scanned.get(i..end).unwrap_or_default();
                        *key = Some(
                            serde_json::from_slice::<String>(raw)
                                .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned()),
                        );
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key) } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None } => {}
            Frame::Array { index } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// The offset just past the string starting at `start` (its closing quote
/// included), or the end of `text` if it does not close there.
fn string_end(text: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&b) = text.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

/// Whether the next byte after whitespace from `from` is a `:`.
fn followed_by_colon(text: &[u8], from: usize) -> bool {
    text.get(from..)
        .and_then(|rest| rest.iter().find(|b| !b.is_ascii_whitespace()))
        == Some(&b':')
}

#[cfg(test)]
mod tests {
    use super::at;
    use crate::de::{object, Ignored, Object, Required};
    use crate::json::{self, Decode, Error, Reader};

    #[allow(dead_code)]
    struct Item(i64, String, Option<Vec<i64>>);
    impl Object for Item {
        const NAME: &'static str = "Item";
        const WIRE_NAMES: &'static [&'static str] = &["id", "name", "tags"];
        const REQUIRED: &'static [usize] = &[0, 1];
        type Fields = (Required<i64>, Required<String>, Option<Vec<i64>>);
        type Rest = Ignored;
        fn build(
            (id, name, tags): (Option<i64>, Option<String>, Option<Vec<i64>>),
            _: Ignored,
        ) -> Option<Self> {
            let (Some(id), Some(name)) = (id, name) else {
                return None;
            };
            Some(Item(id, name, tags))
        }
    }
    impl Decode for Item {
        fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
            object(r)
        }
    }

    #[allow(dead_code)]
    struct Page(Vec<Item>, Option<(i64, i64)>);
    impl Object for Page {
        const NAME: &'static str = "Page";
        const WIRE_NAMES: &'static [&'static str] = &["items", "pair"];
        const REQUIRED: &'static [usize] = &[0];
        type Fields = (Required<Vec<Item>>, Option<(i64, i64)>);
        type Rest = Ignored;
        fn build(
            (items, pair): (Option<Vec<Item>>, Option<(i64, i64)>),
            _: Ignored,
        ) -> Option<Self> {
            let (Some(items),) = (items,) else {
                return None;
            };
            Some(Page(items, pair))
        }
    }
    impl Decode for Page {
        fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
            object(r)
        }
    }

    fn path_of(text: &str) -> String {
        match json::from_str::<Page>(text) {
            Ok(_) => panic!("the text is wrong on purpose: {text}"),
            Err(error) => at(text.as_bytes(), error.offset()),
        }
    }

    #[test]
    fn names_the_value_of_each_kind_of_error() {
        // A wrong type, for a number (read whole before the error) and a string.
        assert_eq!(
            path_of(r#"{"items": [{"id": "7", "name": "a"}]}"#),
            "items[0].id"
        );
        assert_eq!(
            path_of(r#"{"items": [{"id": 1, "name": "a"}, {"id": 2, "name": 3}]}"#),
            "items[1].name"
        );
        assert_eq!(
            path_of(r#"{"items": [{"id": 1, "name": "a", "tags": [1, "x"]}]}"#),
            "items[0].tags[1]"
        );
        // A missing field is the object's error, not its last key's.
        assert_eq!(
            path_of(r#"{"items": [{"id": 1, "name": "a"}, {"id": 2}]}"#),
            "items[1]"
        );
        assert_eq!(
            path_of(r#"{"items": []}"#.replace("items", "things").as_str()),
            "."
        );
        // A sequence too short is the sequence's error.
        assert_eq!(path_of(r#"{"items": [], "pair": [1]}"#), "pair");
        // Keys with escapes, strings holding brackets, commas and quotes, lines.
        assert_eq!(
            path_of("{\"pair\": null, \"x\\\"y\": \"[{,\\\"\",\n \"items\": [\n {\"id\": 1,\n \"name\": true}]}"),
            "items[0].name"
        );
        // Broken JSON: where the reader stopped.
        assert_eq!(path_of(r#"{"items": [{"id": 1, "name": "a"}"#), "items[0]");
    }
}
