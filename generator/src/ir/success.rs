//! What an operation's call yields, decided once for the renderer (the
//! builder's `Output` and its status match) and the surface (the `returns`
//! the change report compares): each response body's [`Decode`], and the
//! operation's [`Success`] over its 2xx responses.

use std::collections::BTreeSet;

use super::{Media, Operation, Status, TypeRef};

/// How one response's body decodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decode {
    /// JSON into the schema's type (a JSON media type is preferred when the
    /// response offers several).
    Json(TypeRef),
    /// Text, as a `String`.
    Text,
    /// Bytes, as they came.
    Binary,
    /// Server-sent events as they arrive, each event's data JSON of this
    /// type (text for a string or missing schema).
    Events(TypeRef),
    /// JSON Lines as they arrive, each line of this type.
    Lines(TypeRef),
    /// No body.
    Empty,
}

impl Decode {
    /// How a response with `content` decodes.
    pub fn of(content: &[(String, TypeRef)]) -> Decode {
        let media = |(m, t): &(String, TypeRef)| Media::of(m, t);
        if let Some((_, t)) = content.iter().find(|c| media(c) == Media::Json) {
            return Decode::Json(t.clone());
        }
        match content.first().map(|c| (media(c), &c.1)) {
            None => Decode::Empty,
            Some((Media::Binary | Media::Multipart, _)) => Decode::Binary,
            Some((Media::EventStream, t)) => Decode::Events(t.clone()),
            Some((Media::JsonLines, t)) => Decode::Lines(t.clone()),
            Some(_) => Decode::Text,
        }
    }
}

/// What a successful call yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// `()`: no 2xx response has a body.
    Unit,
    /// `Vec<u8>`.
    Bytes,
    /// `Option<Vec<u8>>`: some 2xx responses are bytes, others empty.
    OptionalBytes,
    /// `String`.
    Text,
    /// The one JSON type.
    Json(TypeRef),
    /// `Option<T>`: some 2xx responses are `T`, others empty (`200` with a
    /// receipt, `202` while it is being made).
    OptionalJson(TypeRef),
    /// `serde_json::Value`: differently shaped successes, kept as they came.
    Value,
    /// `stream::Events<T>`: server-sent events whose data is JSON of `T`.
    Events(TypeRef),
    /// `stream::RawEvents`: server-sent events whose data is text.
    RawEvents,
    /// `stream::JsonLines<T>`.
    Lines(TypeRef),
}

impl Output {
    /// Whether the output is read as it arrives (the operation is `STREAMED`).
    pub fn streamed(&self) -> bool {
        matches!(
            self,
            Output::Events(_) | Output::RawEvents | Output::Lines(_)
        )
    }
}

/// How one 2xx status decodes into the [`Output`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arm {
    /// No body: `()`.
    Empty,
    /// No body: `None`.
    EmptyNone,
    /// The bytes.
    Bytes,
    /// The bytes, in `Some`.
    BytesSome,
    /// The text.
    Text,
    /// The text, as a JSON string value.
    TextValue,
    /// The JSON.
    Json,
    /// The JSON, in `Some`.
    JsonSome,
    /// Server-sent events with JSON data (none for an empty body).
    Events,
    /// Server-sent events with text data.
    RawEvents,
    /// JSON Lines.
    Lines,
}

impl Arm {
    /// Whether a live body is read by this arm (see [`Output::streamed`]).
    pub fn streamed(self) -> bool {
        matches!(self, Arm::Events | Arm::RawEvents | Arm::Lines)
    }
}

/// An operation's success: its output and each 2xx status's arm, in the
/// responses' order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Success {
    /// What `.await` yields on success.
    pub output: Output,
    /// Each 2xx status (`200`, `2XX`) with how it decodes.
    pub arms: Vec<(Status, Arm)>,
    /// A streamed form a 2xx response offers beside the output's (JSON
    /// and `text/event-stream` under one status, the server choosing by
    /// the request): the builder's `events()` or `lines()` asks for it.
    pub alternate: Option<Alternate>,
}

/// A streamed form of the success offered beside another (see [`Success::alternate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternate {
    /// Its media type, sent as `Accept`.
    pub media: String,
    /// [`Output::Events`], [`Output::RawEvents`] or [`Output::Lines`].
    pub output: Output,
    /// The matching [`Arm`].
    pub arm: Arm,
}

impl Operation {
    /// The success of this operation (see [`Success`]).
    pub fn success(&self) -> Success {
        let oks: Vec<(Status, Decode)> = self
            .responses
            .iter()
            .filter(|r| r.status.is_success())
            .map(|r| (r.status, Decode::of(&r.content)))
            .collect();
        let json: BTreeSet<&TypeRef> = oks
            .iter()
            .filter_map(|(_, d)| match d {
                Decode::Json(t) => Some(t),
                _ => None,
            })
            .collect();
        let any = |want: fn(&Decode) -> bool| oks.iter().any(|(_, d)| want(d));
        // One kind of stream for every 2xx with a body (an empty one is a
        // stream of nothing): the call yields that stream.
        let mut bodies: Vec<&Decode> = Vec::new();
        for (_, d) in &oks {
            if !matches!(d, Decode::Empty) && !bodies.contains(&d) {
                bodies.push(d);
            }
        }
        if let [only @ (Decode::Events(_) | Decode::Lines(_))] = bodies[..] {
            let (output, arm) = streamed(only);
            return Success {
                output,
                arms: oks.iter().map(|(s, _)| (*s, arm)).collect(),
                alternate: None,
            };
        }
        // A stream beside other kinds of body is read whole, as text.
        let (empty, text, binary) = (
            any(|d| matches!(d, Decode::Empty)),
            any(|d| matches!(d, Decode::Text | Decode::Events(_) | Decode::Lines(_))),
            any(|d| matches!(d, Decode::Binary)),
        );
        let one = json.iter().next().map(|t| (*t).clone());
        let (output, arm): (Output, fn(&Decode) -> Arm) = match (json.len(), text, empty, one) {
            (0, false, false, _) if binary => (Output::Bytes, |_| Arm::Bytes),
            (0, false, true, _) if binary => (Output::OptionalBytes, |d| match d {
                Decode::Empty => Arm::EmptyNone,
                _ => Arm::BytesSome,
            }),
            (0, false, _, _) => (Output::Unit, |_| Arm::Empty),
            (0, true, false, _) => (Output::Text, |_| Arm::Text),
            (1, false, false, Some(t)) => (Output::Json(t), |_| Arm::Json),
            (1, false, true, Some(t)) => (Output::OptionalJson(t), |d| match d {
                Decode::Empty => Arm::EmptyNone,
                _ => Arm::JsonSome,
            }),
            _ => (Output::Value, |d| match d {
                Decode::Json(_) => Arm::Json,
                _ => Arm::TextValue,
            }),
        };
        // The first streamed media type a 2xx response offers beside the one it decodes.
        let alternate = self
            .responses
            .iter()
            .filter(|r| r.status.is_success())
            .flat_map(|r| &r.content)
            .find_map(|(media, t)| {
                let decode = match Media::of(media, t) {
                    Media::EventStream => Decode::Events(t.clone()),
                    Media::JsonLines => Decode::Lines(t.clone()),
                    _ => return None,
                };
                let (output, arm) = streamed(&decode);
                Some(Alternate {
                    media: media.clone(),
                    output,
                    arm,
                })
            });
        Success {
            output,
            arms: oks.iter().map(|(s, d)| (*s, arm(d))).collect(),
            alternate,
        }
    }
}

/// The output and arm of a streamed body.
fn streamed(decode: &Decode) -> (Output, Arm) {
    match decode {
        Decode::Events(TypeRef::Prim(super::Prim::String) | TypeRef::Any) => {
            (Output::RawEvents, Arm::RawEvents)
        }
        Decode::Events(t) => (Output::Events(t.clone()), Arm::Events),
        Decode::Lines(t) => (Output::Lines(t.clone()), Arm::Lines),
        _ => (Output::Unit, Arm::Empty),
    }
}
