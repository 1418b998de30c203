//! Where in a JSON text a decode error happened, as a path
//! (`items[3].customer.email`, `.` for the whole value), found from the
//! error's line and column by scanning the text up to there once.
//!
//! This is what a path-tracking deserializer (`serde_path_to_error`) would
//! say, without one: such a wrapper is generic code compiled again for every
//! type decoded, which for a large API is a good share of the crate's build.
//! A value that is buffered and decoded again (an untagged union's variants)
//! is reported at the buffered value, as a tracking deserializer reports it.

/// The path of the value `error` was raised in while decoding `text` with
/// `serde_json::from_slice`. An error without a position (not raised by the
/// parser) is placed at the end of the text.
pub fn at_error(text: &[u8], error: &serde_json::Error) -> String {
    // A field missing or a sequence too short is raised once the object or
    // sequence is read to its closing bracket, so the scan has left it and
    // names it, not its last key.
    at(text, offset(text, error.line(), error.column()))
}

/// The byte offset of serde_json's 1-based `line` and 0-based `column` (the
/// bytes of the line read so far); line 0 means no position.
fn offset(text: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return text.len();
    }
    let mut start = 0;
    for _ in 1..line {
        match text
            .get(start..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    (start + column).min(text.len())
}

enum Frame {
    /// An object, with the key whose value is being read.
    Object { key: Option<String> },
    /// An array, with the index of the element being read.
    Array { index: usize },
}

/// The path of the value being read at `offset`.
fn at(text: &[u8], offset: usize) -> String {
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
    use super::at_error;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: i64,
        name: String,
        tags: Option<Vec<i64>>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        items: Vec<Item>,
        pair: Option<(i64, i64)>,
    }

    fn path_of(text: &str) -> String {
        let error = serde_json::from_str::<Page>(text).expect_err("the text is wrong on purpose");
        at_error(text.as_bytes(), &error)
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
        // Broken JSON: where the parser stopped.
        assert_eq!(path_of(r#"{"items": [{"id": 1, "name": "a"}"#), "items[0]");
    }
}
