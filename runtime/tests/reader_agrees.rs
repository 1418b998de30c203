//! The runtime's JSON reader against `serde_json`, an independent decoder:
//! seeded mutations of JSON texts (bytes dropped, duplicated, swapped and
//! replaced with JSON's own punctuation, escapes, digits and keywords) must
//! be accepted by both or refused by both, and decode to the same value, for
//! every type the reader decodes. `READER_CASES` sets how many texts
//! (default 20,000), `READER_SEED` the seed.

use std::collections::BTreeMap;
use std::fmt::Debug;

use openapi_runtime::json::{self, Decode};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Texts to start from: every kind of value, nested, with escapes, numbers at
/// the edges of their types, dates, UUIDs.
const SEEDS: &[&str] = &[
    r#"{"a": [1, -2, 3.5, 1e3, -0, 18446744073709551615, 9223372036854775808], "b": {"c": null, "d": true}}"#,
    r#"["x", "\u00e9\ud83d\ude00\n\t\"\\\/", "", "2024-01-02T03:04:05.123+02:00"]"#,
    r#"{"id": "67e55044-10b1-426f-9247-bb680e5fe0c8", "at": "2024-02-29", "n": -9223372036854775808}"#,
    r#"[[[[[]]]], {}, [{}], 0.1e-400, 1.7976931348623157e308]"#,
    r#"{"k": {"k": {"k": [false, true, null, "k"]}}, "": ""}"#,
    r#"[1, "two", [3], {"4": 4}]"#,
    r#"  "plain"  "#,
    "2147483647",
];

/// What a mutation puts in: JSON's own pieces, so that most mutants are
/// nearly JSON.
const PIECES: &[&str] = &[
    "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "e", "E", "-", "+", ".", "0", "1",
    "9", "null", "true", "fals", " ", "\n", "\u{1}", "é", "😀", "\"a\":", "1e309",
];

/// `text` with one to three of its bytes dropped, swapped, repeated or
/// joined by one of `pieces`.
fn mutate(rng: &mut fastrand::Rng, text: &str, pieces: &[&str]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..rng.usize(1..4) {
        let at = rng.usize(0..=bytes.len());
        match rng.u8(0..4) {
            0 if at < bytes.len() => {
                bytes.remove(at);
            }
            1 => {
                let piece = pieces[rng.usize(0..pieces.len())];
                bytes.splice(at..at, piece.bytes());
            }
            2 if at + 1 < bytes.len() => bytes.swap(at, at + 1),
            _ if at < bytes.len() => {
                let end = rng.usize(at..=bytes.len().min(at + 8));
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Both accept with the same value, or both refuse. Returns whether accepted.
fn agree<T: Decode + DeserializeOwned + PartialEq + Debug>(text: &str) -> bool {
    let ours = json::from_str::<T>(text);
    let theirs = serde_json::from_str::<T>(text);
    match (ours, theirs) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "{} from {text:?}", std::any::type_name::<T>());
            true
        }
        (Err(_), Err(_)) => false,
        (a, b) => panic!(
            "{} from {text:?}: the reader says {a:?}, serde_json {b:?}",
            std::any::type_name::<T>()
        ),
    }
}

#[test]
fn the_reader_decodes_what_serde_json_decodes() {
    let cases: usize = std::env::var("READER_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let seed: u64 = std::env::var("READER_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20261207);
    let mut rng = fastrand::Rng::with_seed(seed);
    let (mut accepted, mut refused) = (0usize, 0usize);
    for i in 0..cases {
        let base = SEEDS[i % SEEDS.len()];
        let text = if i < SEEDS.len() {
            base.to_owned()
        } else {
            mutate(&mut rng, base, PIECES)
        };
        let any = [
            agree::<Value>(&text),
            agree::<Vec<Value>>(&text),
            agree::<BTreeMap<String, Value>>(&text),
            agree::<Option<String>>(&text),
            agree::<i64>(&text),
            agree::<i32>(&text),
            agree::<u64>(&text),
            agree::<f64>(&text),
            agree::<bool>(&text),
            agree::<()>(&text),
            agree::<Vec<Option<f64>>>(&text),
            agree::<(i64, String)>(&text),
            agree::<chrono::DateTime<chrono::Utc>>(&text),
            agree::<chrono::NaiveDate>(&text),
            agree::<uuid::Uuid>(&text),
        ];
        if any.iter().any(|&ok| ok) {
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    println!("reader-agrees: {cases} texts, {accepted} accepted by some type, {refused} refused by all, 0 disagreements");
    // The mutants reach both sides of the line.
    assert!(
        accepted > cases / 10 && refused > cases / 10,
        "{accepted} / {refused}"
    );
}

/// Date-times as RFC 3339 writes them and as chrono's relaxed parse (what
/// serde uses) also takes them: the reader parses strictly first, and must
/// accept the same texts as the same instants.
const DATE_TIMES: &[&str] = &[
    "2024-01-02T03:04:05Z",
    "2024-01-02t03:04:05z",
    "2024-01-02 03:04:05Z",
    "2024-01-02T03:04:05.123456789123+02:00",
    "2024-01-02T03:04:05-23:59",
    "2024-01-02T03:04:05+0530",
    "2024-01-02T03:04:05 UTC",
    "2016-12-31T23:59:60.5Z",
    "2024-02-29T12:30:60Z",
    "2024-01-02T03:04:05\u{2212}01:00",
    "0000-01-01T00:00:00Z",
    "2024-1-2T3:4:5Z",
    "2024 - 01 - 02T03 : 04 : 05 Z",
];

/// What a date-time mutation puts in.
const DATE_PIECES: &[&str] = &[
    "0", "1", "2", "5", "9", "60", "-", ":", ".", "T", "t", " ", "Z", "z", "+", "\u{2212}", "UTC",
    "24", "99",
];

#[test]
fn date_times_decode_as_serde_decodes_them() {
    let mut rng = fastrand::Rng::with_seed(20261207);
    let (mut accepted, mut refused) = (0usize, 0usize);
    for i in 0..40_000 {
        let base = DATE_TIMES[i % DATE_TIMES.len()];
        let text = if i < DATE_TIMES.len() {
            base.to_owned()
        } else {
            mutate(&mut rng, base, DATE_PIECES)
        };
        let json = serde_json::to_string(&text).unwrap();
        if agree::<chrono::DateTime<chrono::Utc>>(&json) {
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    println!("date-times: 40000 texts, {accepted} accepted, {refused} refused, 0 disagreements");
    assert!(
        accepted > 5_000 && refused > 5_000,
        "{accepted} / {refused}"
    );
}
