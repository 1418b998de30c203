//! What every oracle harness shares (copied into `target/oracle/<api>/src`
//! by `cargo xtask oracle`): the `Trace` trait with its impls for the types
//! generated code builds on, and the round trip of one instance.

use openapi_runtime::json::{self, Decode};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What the harness says of one instance, one JSON line each.
pub enum Outcome {
    /// Decoded and re-encoded; `json` is the re-encoding.
    Ok { json: String, choices: Choices },
    /// The client refused the instance: the decoder's message and path.
    Refused(String),
    /// The value decoded but could not be encoded again.
    Unencodable(String),
    /// No such target.
    NoTarget,
}

impl Outcome {
    /// The JSON line for this outcome.
    pub fn line(&self) -> String {
        match self {
            Outcome::Ok { json, choices } => format!(
                "{{\"ok\":true,\"json\":{json},\"choices\":{},\"others\":{},\"unknown\":{}}}",
                serde_json::Value::from(
                    choices
                        .chose
                        .iter()
                        .map(|(at, union, schemas)| {
                            serde_json::json!({"at": at, "union": union, "schemas": schemas})
                        })
                        .collect::<Vec<_>>()
                ),
                serde_json::Value::from(
                    choices
                        .others
                        .iter()
                        .map(|(at, e, v)| serde_json::json!({"at": at, "enum": e, "value": v}))
                        .collect::<Vec<_>>()
                ),
                serde_json::Value::from(
                    choices
                        .unknown
                        .iter()
                        .map(|(at, u)| serde_json::json!({"at": at, "union": u}))
                        .collect::<Vec<_>>()
                ),
            ),
            Outcome::Refused(e) => serde_json::json!({"ok": false, "refused": e}).to_string(),
            Outcome::Unencodable(e) => {
                serde_json::json!({"ok": false, "unencodable": e}).to_string()
            }
            Outcome::NoTarget => serde_json::json!({"ok": false, "no_target": true}).to_string(),
        }
    }
}

/// Decodes `bytes` as `T` (as the client decodes a response body), encodes it
/// again (as the client encodes a request body) and traces it.
pub fn round_trip<T: Decode + DeserializeOwned + Serialize + Trace>(bytes: &[u8]) -> Outcome {
    let value: T = match json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return Outcome::Refused(format!("at `{}`: {e}", json::path(bytes, &e))),
    };
    // serde's way in (`serde_json::from_slice`) decodes through the same
    // reader; it must agree.
    if serde_json::from_slice::<T>(bytes).is_err() {
        return Outcome::Refused("serde_json::from_slice refused what the reader took".into());
    }
    let mut choices = Choices::default();
    value.trace("", &mut choices);
    match serde_json::to_string(&value) {
        Ok(json) => Outcome::Ok { json, choices },
        Err(e) => Outcome::Unencodable(e.to_string()),
    }
}

/// What a decoded value's unions and enums chose, by JSON pointer into the instance.
#[derive(Default)]
pub struct Choices {
    /// (where, union, what the chosen variant stands for: alternatives, each
    /// a list of schemas that all accept its values)
    pub chose: Vec<(String, &'static str, &'static [&'static [&'static str]])>,
    /// (where, enum, value): values that fell into an enum's catch-all.
    pub others: Vec<(String, &'static str, String)>,
    /// (where, union): values no variant took.
    pub unknown: Vec<(String, &'static str)>,
}

impl Choices {
    pub fn chose(
        &mut self,
        at: &str,
        union: &'static str,
        schemas: &'static [&'static [&'static str]],
    ) {
        self.chose.push((at.to_owned(), union, schemas));
    }
    pub fn other(&mut self, at: &str, name: &'static str, value: &dyn std::fmt::Display) {
        self.others.push((at.to_owned(), name, value.to_string()));
    }
    pub fn unknown(&mut self, at: &str, union: &'static str) {
        self.unknown.push((at.to_owned(), union));
    }
}

/// `at` extended by one pointer token (RFC 6901).
pub fn join(at: &str, token: &str) -> String {
    format!("{at}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// Reports the unions and enums inside a decoded value.
pub trait Trace {
    fn trace(&self, at: &str, out: &mut Choices);
}

macro_rules! leaves {
    ($($t:ty),* $(,)?) => { $( impl Trace for $t { fn trace(&self, _: &str, _: &mut Choices) {} } )* };
}
leaves!(
    String,
    bool,
    i32,
    i64,
    i128,
    f32,
    f64,
    (),
    serde_json::Value,
    chrono::DateTime<chrono::Utc>,
    chrono::NaiveDate,
    uuid::Uuid,
    openapi_runtime::FilePart,
);

impl<T: Trace> Trace for Option<T> {
    fn trace(&self, at: &str, out: &mut Choices) {
        if let Some(v) = self {
            v.trace(at, out);
        }
    }
}

impl<T: Trace> Trace for openapi_runtime::Patch<T> {
    fn trace(&self, at: &str, out: &mut Choices) {
        if let Some(v) = self.as_set() {
            v.trace(at, out);
        }
    }
}

impl<T: Trace> Trace for Box<T> {
    fn trace(&self, at: &str, out: &mut Choices) {
        (**self).trace(at, out);
    }
}

impl<T: Trace> Trace for Vec<T> {
    fn trace(&self, at: &str, out: &mut Choices) {
        for (i, v) in self.iter().enumerate() {
            v.trace(&join(at, &i.to_string()), out);
        }
    }
}

impl<T: Trace> Trace for openapi_runtime::Map<T> {
    fn trace(&self, at: &str, out: &mut Choices) {
        for (k, v) in self {
            v.trace(&join(at, k), out);
        }
    }
}

macro_rules! tuples {
    ($( ($($n:tt $t:ident),+) )*) => { $(
        impl<$($t: Trace),+> Trace for ($($t,)+) {
            fn trace(&self, at: &str, out: &mut Choices) {
                $( self.$n.trace(&join(at, stringify!($n)), out); )+
            }
        }
    )* };
}
tuples! {
    (0 A)
    (0 A, 1 B)
    (0 A, 1 B, 2 C)
    (0 A, 1 B, 2 C, 3 D)
    (0 A, 1 B, 2 C, 3 D, 4 E)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L)
}
