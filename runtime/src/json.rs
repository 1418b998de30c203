//! The JSON reader the generated types decode with: [`Decode`] and
//! [`Reader`].
//!
//! A response body, a webhook delivery or a streamed item is read by a
//! [`Reader`] over its text, and each type's [`Decode::decode`] takes what
//! it needs from it. No decoder is generic over a reader: each type's is
//! compiled once, not once per serde `Deserializer` (and, through serde's
//! visitors, once more per type for every map and sequence), which was most
//! of what a generated crate compiled. The generated types still implement
//! `serde::Deserialize`, through this reader (see
//! [`de::deserialize`](crate::de::deserialize)).
//!
//! What it accepts is what `serde_json` accepts, value for value: the same
//! grammar, strings with the same escapes and checks, the same integers
//! (an integer that does not fit its type is an error, not a rounding) and
//! the same floating-point values (correctly rounded, as with
//! `float_roundtrip`), the same nesting limit (128), and its errors say
//! what serde's do (`invalid type: integer `7`, expected a string`). An
//! error carries its byte offset, from which [`path`] names the value that
//! failed.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// How deep arrays and objects may nest (`serde_json`'s limit).
const MAX_DEPTH: u32 = 128;

/// Why a JSON text did not decode, and where.
#[derive(Debug)]
pub struct Error(Box<ErrorInner>);

#[derive(Debug)]
struct ErrorInner {
    message: String,
    offset: usize,
    line: usize,
    column: usize,
}

impl Error {
    /// What went wrong, without the position.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The byte offset in the text where it went wrong.
    pub fn offset(&self) -> usize {
        self.0.offset
    }

    /// The line of [`offset`](Error::offset), from 1.
    pub fn line(&self) -> usize {
        self.0.line
    }

    /// The column of [`offset`](Error::offset) in its line, from 1 (bytes).
    pub fn column(&self) -> usize {
        self.0.column
    }

    /// An error at byte `offset` of `text`.
    fn at(text: &str, offset: usize, message: String) -> Self {
        let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        Error(Box::new(ErrorInner {
            message,
            offset,
            line,
            column: offset - line_start + 1,
        }))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.0.message, self.0.line, self.0.column
        )
    }
}

impl std::error::Error for Error {}

/// A type read from JSON by a [`Reader`]. Generated types implement it
/// (objects through [`de::object`](crate::de::object)); so do the types
/// their fields hold.
pub trait Decode: Sized {
    /// Reads one value as this type.
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error>;
}

/// The JSON path (`items[3].customer.email`, `.` for the whole value) of
/// where `error` happened while decoding `text`.
pub fn path(text: &[u8], error: &Error) -> String {
    crate::json_path::at(text, error.offset())
}

/// Decodes a whole JSON text as a `T`: one value, then only whitespace.
#[allow(clippy::question_mark)] // a `?` would add functions per type
pub fn from_slice<T: Decode>(bytes: &[u8]) -> Result<T, Error> {
    // Matches rather than `?`: this is compiled per type decoded, and each
    // `?` would add two functions per type.
    let mut r = match Reader::of_bytes(bytes) {
        Ok(r) => r,
        Err(e) => return Err(e),
    };
    match T::decode(&mut r) {
        Ok(value) => match r.finish() {
            Ok(()) => Ok(value),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// Reads a whole JSON text with `read`: one value, then only whitespace.
pub(crate) fn read_slice<T>(
    bytes: &[u8],
    read: impl FnOnce(&mut Reader<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut r = Reader::of_bytes(bytes)?;
    let value = read(&mut r)?;
    r.finish()?;
    Ok(value)
}

/// [`from_slice`] of a text.
pub fn from_str<T: Decode>(text: &str) -> Result<T, Error> {
    read_slice(text.as_bytes(), T::decode)
}

/// Reads JSON values from a text, one token at a time.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    /// The whole text: offsets are into it, also for a reader of one of its
    /// values ([`Slice::reader`]).
    text: &'a str,
    pos: usize,
    /// Where this reader's text ends.
    end: usize,
    depth: u32,
}

/// What the next value is, by its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
    /// Nothing that starts a value (or the end of the text).
    Other,
}

/// A number as written: its text, and whether it has no fraction or exponent.
struct Number<'a> {
    text: &'a str,
    integer: bool,
}

/// A number's value, as `serde_json` reads it: integers that fit 64 bits
/// as integers, anything else as a float.
#[derive(Clone, Copy)]
pub(crate) enum Parsed {
    U64(u64),
    I64(i64),
    F64(f64),
}

impl<'a> Reader<'a> {
    /// A reader of `text`.
    pub fn new(text: &'a str) -> Self {
        Reader {
            text,
            pos: 0,
            end: text.len(),
            depth: 0,
        }
    }

    /// A reader of `bytes`, which must be UTF-8.
    fn of_bytes(bytes: &'a [u8]) -> Result<Self, Error> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Reader::new(text)),
            Err(e) => {
                let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
                let text = String::from_utf8_lossy(valid);
                Err(Error::at(
                    &text,
                    e.valid_up_to(),
                    "invalid unicode code point".to_owned(),
                ))
            }
        }
    }

    /// Checks that nothing but whitespace is left.
    pub fn finish(&mut self) -> Result<(), Error> {
        self.ws();
        if self.pos < self.end {
            return Err(self.error("trailing characters"));
        }
        Ok(())
    }

    /// The byte at `i`, if it is within this reader's text.
    #[inline]
    fn byte(&self, i: usize) -> Option<u8> {
        if i < self.end {
            self.text.as_bytes().get(i).copied()
        } else {
            None
        }
    }

    /// Skips whitespace and says what comes next.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.byte(self.pos)
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.byte(self.pos) {
            self.pos += 1;
        }
    }

    /// The byte offset reached in the text.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    /// An error at the current position.
    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        self.error_at(self.pos, message)
    }

    pub(crate) fn error_at(&self, offset: usize, message: impl Into<String>) -> Error {
        Error::at(self.text, offset, message.into())
    }

    /// What the next value is.
    pub(crate) fn next(&mut self) -> Next {
        match self.peek() {
            Some(b'{') => Next::Object,
            Some(b'[') => Next::Array,
            Some(b'"') => Next::String,
            Some(b'-' | b'0'..=b'9') => Next::Number,
            Some(b't' | b'f') => Next::Bool,
            Some(b'n') => Next::Null,
            _ => Next::Other,
        }
    }

    /// The error for a value that is not what `expected` says, naming what
    /// it is (`invalid type: integer `7`, expected a string`), at its start.
    pub(crate) fn invalid(&mut self, expected: &dyn fmt::Display) -> Error {
        let at = {
            self.ws();
            self.pos
        };
        let found = match self.next() {
            Next::Object => "map".to_owned(),
            Next::Array => "sequence".to_owned(),
            Next::Null => "null".to_owned(),
            Next::Bool => match self.byte(at) {
                Some(b't') => "boolean `true`".to_owned(),
                _ => "boolean `false`".to_owned(),
            },
            Next::String => match self.string() {
                Ok(s) => format!("string {s:?}"),
                Err(e) => return e,
            },
            Next::Number => match self.number().and_then(|n| self.parse(&n)) {
                Ok(Parsed::U64(n)) => format!("integer `{n}`"),
                Ok(Parsed::I64(n)) => format!("integer `{n}`"),
                Ok(Parsed::F64(n)) => format!("floating point `{}`", Float(n)),
                Err(e) => return e,
            },
            Next::Other => return self.expected_value(),
        };
        self.error_at(at, format!("invalid type: {found}, expected {expected}"))
    }

    /// The error where a value should start and none does.
    fn expected_value(&self) -> Error {
        if self.pos >= self.end {
            self.error("EOF while parsing a value")
        } else {
            self.error("expected value")
        }
    }

    /// Reads the literal `word` (`true`, `false`, `null`), its first byte
    /// already seen.
    fn word(&mut self, word: &str) -> Result<(), Error> {
        for (i, want) in word.bytes().enumerate() {
            match self.byte(self.pos + i) {
                Some(b) if b == want => {}
                Some(_) => return Err(self.error_at(self.pos + i, "expected ident")),
                None => return Err(self.error_at(self.pos + i, "EOF while parsing a value")),
            }
        }
        self.pos += word.len();
        Ok(())
    }

    /// Reads `null` if that is what comes next.
    pub(crate) fn null(&mut self) -> Result<bool, Error> {
        if self.peek() == Some(b'n') {
            self.word("null")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Reads `true` or `false`.
    pub(crate) fn boolean(&mut self) -> Result<bool, Error> {
        match self.peek() {
            Some(b't') => self.word("true").map(|()| true),
            Some(b'f') => self.word("false").map(|()| false),
            _ => Err(self.invalid(&"a boolean")),
        }
    }

    /// Reads a string (borrowed from the text when it has no escapes).
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        if self.peek() != Some(b'"') {
            return Err(self.invalid(&"a string"));
        }
        self.pos += 1;
        let start = self.pos;
        self.skip_plain();
        match self.byte(self.pos) {
            Some(b'"') => {
                let s = self.text.get(start..self.pos).unwrap_or_default();
                self.pos += 1;
                return Ok(Cow::Borrowed(s));
            }
            Some(b'\\') => {}
            Some(_) => return Err(self.control_character()),
            None => return Err(self.error("EOF while parsing a string")),
        }
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(self.text.get(start..self.pos).unwrap_or_default());
        loop {
            let run = self.pos;
            self.skip_plain();
            match self.byte(self.pos) {
                Some(b'"' | b'\\') => {}
                Some(_) => return Err(self.control_character()),
                None => return Err(self.error("EOF while parsing a string")),
            }
            out.push_str(self.text.get(run..self.pos).unwrap_or_default());
            match self.byte(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                _ => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
            }
        }
    }

    /// Moves to the next byte that ends a string's plain run: a `"`, a `\\`
    /// or a control character (or to the end). Eight bytes at a time.
    #[inline]
    fn skip_plain(&mut self) {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let rest = self
            .text
            .as_bytes()
            .get(self.pos..self.end)
            .unwrap_or_default();
        let mut chunks = rest.chunks_exact(8);
        for chunk in chunks.by_ref() {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let x = u64::from_le_bytes(word);
            let quote = x ^ (ONES * u64::from(b'"'));
            let slash = x ^ (ONES * u64::from(b'\\'));
            // A byte is zero in `quote` or `slash`, or below 0x20 in `x`:
            // its high bit is set in `found` (the lowest such byte exactly).
            let found = (quote.wrapping_sub(ONES) & !quote
                | slash.wrapping_sub(ONES) & !slash
                | x.wrapping_sub(ONES * 0x20) & !x)
                & HIGH;
            if found != 0 {
                self.pos += (found.trailing_zeros() / 8) as usize;
                return;
            }
            self.pos += 8;
        }
        for &b in chunks.remainder() {
            if b == b'"' || b == b'\\' || b < 0x20 {
                return;
            }
            self.pos += 1;
        }
    }

    fn control_character(&self) -> Error {
        self.error("control character (\\u0000-\\u001F) found while parsing a string")
    }

    /// Reads the escape after a `\` into `out`.
    fn escape(&mut self, out: &mut String) -> Result<(), Error> {
        let Some(b) = self.byte(self.pos) else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(out),
            _ => return Err(self.error_at(self.pos - 1, "invalid escape")),
        };
        out.push(c);
        Ok(())
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Result<u16, Error> {
        let mut n: u16 = 0;
        for _ in 0..4 {
            let Some(b) = self.byte(self.pos) else {
                return Err(self.error("EOF while parsing a string"));
            };
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.error("invalid escape")),
            };
            n = (n << 4) | u16::from(d);
            self.pos += 1;
        }
        Ok(n)
    }

    /// `\uXXXX`, a surrogate pair as one character; a lone surrogate is an
    /// error, as with `serde_json`.
    fn unicode_escape(&mut self, out: &mut String) -> Result<(), Error> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.byte(self.pos) != Some(b'\\') || self.byte(self.pos + 1) != Some(b'u') {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                return Err(self.error("lone leading surrogate in hex escape"));
            }
            n => u32::from(n),
        };
        match char::from_u32(code) {
            Some(c) => {
                out.push(c);
                Ok(())
            }
            None => Err(self.error("invalid unicode code point")),
        }
    }

    /// Reads a number's text, checked against JSON's grammar.
    fn number(&mut self) -> Result<Number<'a>, Error> {
        self.ws();
        let start = self.pos;
        if self.byte(self.pos) == Some(b'-') {
            self.pos += 1;
        }
        match self.byte(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = self.byte(self.pos) {
                    self.pos += 1;
                }
            }
            Some(_) => return Err(self.error("invalid number")),
            None => return Err(self.error("EOF while parsing a value")),
        }
        let mut integer = true;
        if self.byte(self.pos) == Some(b'.') {
            integer = false;
            self.pos += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.byte(self.pos) {
            integer = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.byte(self.pos) {
                self.pos += 1;
            }
            self.digits()?;
        }
        Ok(Number {
            text: self.text.get(start..self.pos).unwrap_or_default(),
            integer,
        })
    }

    /// One or more digits.
    fn digits(&mut self) -> Result<(), Error> {
        match self.byte(self.pos) {
            Some(b'0'..=b'9') => {}
            Some(_) => return Err(self.error("invalid number")),
            None => return Err(self.error("EOF while parsing a value")),
        }
        while let Some(b'0'..=b'9') = self.byte(self.pos) {
            self.pos += 1;
        }
        Ok(())
    }

    /// A number's value as `serde_json` reads it.
    fn parse(&self, n: &Number<'_>) -> Result<Parsed, Error> {
        if n.integer {
            let parsed = if n.text.starts_with('-') {
                // `-0` is a float to serde_json (negative zero).
                n.text
                    .parse()
                    .ok()
                    .filter(|&i: &i64| i != 0)
                    .map(Parsed::I64)
            } else {
                n.text.parse().map(Parsed::U64).ok()
            };
            if let Some(p) = parsed {
                return Ok(p);
            }
        }
        match n.text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Parsed::F64(f)),
            _ => Err(self.error_at(self.pos - n.text.len(), "number out of range")),
        }
    }

    /// Reads a number's value (`expected` names what it must be, for the
    /// error when it is something else).
    pub(crate) fn number_value(&mut self, expected: &str) -> Result<Parsed, Error> {
        self.parsed(expected).map(|(n, _)| n)
    }

    /// Reads a number as `serde_json` reads it for a typed field, and where
    /// it starts.
    fn parsed(&mut self, expected: &str) -> Result<(Parsed, usize), Error> {
        if self.next() != Next::Number {
            return Err(self.invalid(&expected));
        }
        let at = self.pos;
        let n = self.number()?;
        Ok((self.parse(&n)?, at))
    }

    /// Reads an integer that fits `T`.
    fn integer<T: TryFrom<i64> + TryFrom<u64>>(&mut self, name: &str) -> Result<T, Error> {
        let (n, at) = self.parsed(name)?;
        let (fits, shown) = match n {
            Parsed::U64(n) => (T::try_from(n).ok(), n.to_string()),
            Parsed::I64(n) => (T::try_from(n).ok(), n.to_string()),
            Parsed::F64(f) => {
                return Err(self.error_at(
                    at,
                    format!(
                        "invalid type: floating point `{}`, expected {name}",
                        Float(f)
                    ),
                ))
            }
        };
        fits.ok_or_else(|| {
            self.error_at(
                at,
                format!("invalid value: integer `{shown}`, expected {name}"),
            )
        })
    }

    /// Starts reading an object (`expected` names what it must be, for the
    /// error when it is something else).
    pub(crate) fn begin_object(&mut self, expected: &dyn fmt::Display) -> Result<(), Error> {
        if self.peek() != Some(b'{') {
            return Err(self.invalid(expected));
        }
        self.enter()
    }

    /// Starts reading an array.
    pub(crate) fn begin_array(&mut self, expected: &dyn fmt::Display) -> Result<(), Error> {
        if self.peek() != Some(b'[') {
            return Err(self.invalid(expected));
        }
        self.enter()
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.pos += 1;
        Ok(())
    }

    /// The next key of the object being read, or `None` at its end (`first`
    /// for the first key: no comma before it).
    pub(crate) fn key(&mut self, first: bool) -> Result<Option<Cow<'a, str>>, Error> {
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                self.depth -= 1;
                return Ok(None);
            }
            Some(b',') if !first => {
                self.pos += 1;
                match self.peek() {
                    Some(b'"') => {}
                    Some(b'}') => return Err(self.error("trailing comma")),
                    Some(_) => return Err(self.error("key must be a string")),
                    None => return Err(self.error("EOF while parsing an object")),
                }
            }
            Some(b'"') if first => {}
            Some(_) if first => return Err(self.error("key must be a string")),
            Some(_) => return Err(self.error("expected `,` or `}`")),
            None => return Err(self.error("EOF while parsing an object")),
        }
        let key = self.string()?;
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(Some(key))
            }
            Some(_) => Err(self.error("expected `:`")),
            None => Err(self.error("EOF while parsing an object")),
        }
    }

    /// Whether the array being read has another element (`first` for the
    /// first: no comma before it).
    pub(crate) fn element(&mut self, first: bool) -> Result<bool, Error> {
        match self.peek() {
            Some(b']') => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.pos += 1;
                match self.peek() {
                    Some(b']') => Err(self.error("trailing comma")),
                    Some(_) => Ok(true),
                    None => Err(self.error("EOF while parsing a list")),
                }
            }
            Some(_) if first => Ok(true),
            Some(_) => Err(self.error("expected `,` or `]`")),
            None => Err(self.error("EOF while parsing a list")),
        }
    }

    /// Skips one value, checking it as `serde_json` would.
    pub(crate) fn skip(&mut self) -> Result<(), Error> {
        match self.next() {
            Next::Object => {
                self.begin_object(&"a map")?;
                let mut first = true;
                while self.key(first)?.is_some() {
                    self.skip()?;
                    first = false;
                }
                Ok(())
            }
            Next::Array => {
                self.begin_array(&"a sequence")?;
                let mut first = true;
                while self.element(first)? {
                    self.skip()?;
                    first = false;
                }
                Ok(())
            }
            Next::String => self.string().map(drop),
            Next::Number => self.number().map(drop),
            Next::Bool => self.boolean().map(drop),
            Next::Null => self.word("null"),
            Next::Other => Err(self.expected_value()),
        }
    }

    /// Reads one value whole (checked as `serde_json` would), to be read
    /// again: what a union holds while it decides which variant a value is.
    pub fn slice(&mut self) -> Result<Slice<'a>, Error> {
        self.ws();
        let start = self.pos;
        let depth = self.depth;
        self.skip()?;
        Ok(Slice {
            text: self.text,
            start,
            end: self.pos,
            depth,
        })
    }

    /// Reads one value as a [`Value`].
    fn value(&mut self) -> Result<Value, Error> {
        let slice = self.slice()?;
        serde_json::from_str(slice.text())
            .map_err(|e| self.error_at(slice.start, strip_position(&e)))
    }
}

/// A value of a text, read once and kept to be read again: what a union
/// holds while it decides which variant a value is.
#[derive(Debug, Clone, Copy)]
pub struct Slice<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    depth: u32,
}

impl<'a> Slice<'a> {
    /// The value's JSON text.
    pub fn text(&self) -> &'a str {
        self.text.get(self.start..self.end).unwrap_or_default()
    }

    /// A reader of the value (offsets stay those of the whole text, so an
    /// error inside the value names its place in the document).
    pub fn reader(&self) -> Reader<'a> {
        Reader {
            text: self.text,
            pos: self.start,
            end: self.end,
            depth: self.depth,
        }
    }

    /// Decodes the value as a `T`.
    pub fn decode<T: Decode>(&self) -> Result<T, Error> {
        let mut r = self.reader();
        // Matches rather than `?`: generic code here is compiled per type
        // decoded, and each `?` would add two functions per type.
        match T::decode(&mut r) {
            Ok(value) => match r.finish() {
                Ok(()) => Ok(value),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// The value as a [`Value`].
    pub fn to_value(&self) -> Result<Value, Error> {
        self.reader().value()
    }
}

/// A `serde_json` error's message without its position.
pub(crate) fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    if error.line() == 0 {
        return text;
    }
    let at = format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&at) {
        Some(bare) => bare.to_owned(),
        None => text,
    }
}

/// A float as serde shows it in errors (`1.0`, not `1`).
struct Float(f64);

impl fmt::Display for Float {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string();
        if self.0.is_finite() && !text.contains('.') {
            write!(f, "{text}.0")
        } else {
            f.write_str(&text)
        }
    }
}

impl Decode for bool {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.boolean()
    }
}

impl Decode for String {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.string().map(Cow::into_owned)
    }
}

impl Decode for i64 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.integer("i64")
    }
}

impl Decode for i32 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.integer("i32")
    }
}

impl Decode for u64 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.integer("u64")
    }
}

impl Decode for i128 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        if r.next() != Next::Number {
            return Err(r.invalid(&"i128"));
        }
        let at = r.pos;
        let n = r.number()?;
        if !n.integer {
            let f = r.parse(&n)?;
            if let Parsed::F64(f) = f {
                return Err(r.error_at(
                    at,
                    format!("invalid type: floating point `{}`, expected i128", Float(f)),
                ));
            }
        }
        n.text
            .parse()
            .map_err(|_| r.error_at(at, "number out of range"))
    }
}

impl Decode for f64 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        Ok(match r.parsed("f64")?.0 {
            Parsed::U64(n) => n as f64,
            Parsed::I64(n) => n as f64,
            Parsed::F64(f) => f,
        })
    }
}

impl Decode for () {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        if r.null()? {
            return Ok(());
        }
        Err(r.invalid(&"unit"))
    }
}

// Matches rather than `?` in these generic impls: each is compiled per
// type decoded, and a `?` adds functions per type.

impl<T: Decode> Decode for Option<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        match r.null() {
            Ok(true) => Ok(None),
            Ok(false) => match T::decode(r) {
                Ok(value) => Ok(Some(value)),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        }
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        match T::decode(r) {
            Ok(value) => Ok(Box::new(value)),
            Err(e) => Err(e),
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    #[allow(clippy::question_mark)] // see above
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        if let Err(e) = r.begin_array(&"a sequence") {
            return Err(e);
        }
        let mut out = Vec::new();
        let mut first = true;
        loop {
            match r.element(first) {
                Ok(true) => {}
                Ok(false) => return Ok(out),
                Err(e) => return Err(e),
            }
            match T::decode(r) {
                Ok(value) => out.push(value),
                Err(e) => return Err(e),
            }
            first = false;
        }
    }
}

/// Reads an object whose values are all `T`s, handing each entry to `put`
/// (a map's `insert`: a key that comes twice keeps its last value).
#[allow(clippy::question_mark)] // see above
fn entries<T: Decode>(r: &mut Reader<'_>, put: &mut dyn FnMut(String, T)) -> Result<(), Error> {
    if let Err(e) = r.begin_object(&"a map") {
        return Err(e);
    }
    let mut first = true;
    loop {
        let key = match r.key(first) {
            Ok(Some(key)) => key,
            Ok(None) => return Ok(()),
            Err(e) => return Err(e),
        };
        match T::decode(r) {
            Ok(value) => put(key.into_owned(), value),
            Err(e) => return Err(e),
        }
        first = false;
    }
}

impl<T: Decode> Decode for BTreeMap<String, T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        let mut out = BTreeMap::new();
        // A match rather than `map`: one function less per type.
        match entries(r, &mut |k, v: T| {
            out.insert(k, v);
        }) {
            Ok(()) => Ok(out),
            Err(e) => Err(e),
        }
    }
}

impl<T: Decode> Decode for crate::Map<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        let mut out = crate::Map::new();
        // A match rather than `map`: one function less per type.
        match entries(r, &mut |k, v: T| {
            out.insert(k, v);
        }) {
            Ok(()) => Ok(out),
            Err(e) => Err(e),
        }
    }
}

impl Decode for Value {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.value()
    }
}

/// A value serde decodes from a string with `FromStr` (chrono, uuid):
/// the string read with `parse`, the error naming the text.
fn parsed_str<T, E: fmt::Display>(
    r: &mut Reader<'_>,
    expected: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, Error> {
    if r.next() != Next::String {
        return Err(r.invalid(&expected));
    }
    let at = r.pos;
    let s = r.string()?;
    parse(&s).map_err(|e| r.error_at(at, e.to_string()))
}

/// A date-time as chrono's `Deserialize` reads it (`FromStr`: RFC 3339,
/// relaxed). Strict RFC 3339 first, chrono's fast parser: what it accepts,
/// the relaxed parse accepts as the same instant. Only what it refuses goes
/// through the relaxed parse (spaces, offsets without a colon, `UTC`), or
/// fails as serde does.
fn rfc3339(s: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, chrono::ParseError> {
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(d) => Ok(d),
        Err(_) => s.parse::<chrono::DateTime<chrono::FixedOffset>>(),
    }
}

impl Decode for chrono::DateTime<chrono::Utc> {
    /// As chrono's `Deserialize`: RFC 3339 with any offset, in UTC.
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        parsed_str(r, "a formatted date and time string", rfc3339)
            .map(|d| d.with_timezone(&chrono::Utc))
    }
}

impl Decode for chrono::NaiveDate {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        parsed_str(r, "a formatted date string", str::parse)
    }
}

impl Decode for uuid::Uuid {
    fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        parsed_str(r, "a formatted UUID string", str::parse)
    }
}

/// The name serde gives a tuple of `n` in errors.
struct TupleOf(usize);

impl fmt::Display for TupleOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a tuple of size {}", self.0)
    }
}

macro_rules! tuples {
    ($(($n:literal $($t:ident)+))*) => {$(
        impl<$($t: Decode),+> Decode for ($($t,)+) {
            #[allow(unused_assignments)]
            fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
                r.begin_array(&TupleOf($n))?;
                let mut read = 0;
                let value = ($(
                    {
                        if !r.element(read == 0)? {
                            return Err(r.error(format!(
                                "invalid length {read}, expected {}",
                                TupleOf($n)
                            )));
                        }
                        read += 1;
                        $t::decode(r)?
                    },
                )+);
                if r.element(false)? {
                    return Err(r.error("trailing characters"));
                }
                Ok(value)
            }
        }
    )*};
}

tuples! {
    (1 A)
    (2 A B)
    (3 A B C)
    (4 A B C D)
    (5 A B C D E)
    (6 A B C D E F)
    (7 A B C D E F G)
    (8 A B C D E F G H)
    (9 A B C D E F G H I)
    (10 A B C D E F G H I J)
    (11 A B C D E F G H I J K)
    (12 A B C D E F G H I J K L)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use std::fmt::Debug;

    /// Decodes `text` as `T` with this reader and with `serde_json`, and
    /// checks they agree: the same value, or both an error.
    fn agree<T: Decode + DeserializeOwned + PartialEq + Debug>(text: &str) -> Result<T, String> {
        let ours = from_str::<T>(text);
        let theirs = serde_json::from_str::<T>(text);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "{text}");
                Ok(a)
            }
            (Err(a), Err(_)) => Err(a.message().to_owned()),
            (a, b) => panic!("{text}: ours {a:?}, serde_json {b:?}"),
        }
    }

    #[test]
    fn scalars_read_as_serde_json_reads_them() {
        for t in [
            "0",
            "-0",
            "7",
            "-7",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "1.0",
            "1e2",
            "18446744073709551616",
            "\"7\"",
            "null",
            "01",
            "1.",
            "-",
            "1e",
            "--1",
            "+1",
            "1e400",
        ] {
            let _ = agree::<i64>(t);
            let _ = agree::<i32>(t);
            let _ = agree::<f64>(t);
            let _ = agree::<Option<i64>>(t);
        }
        for t in [
            "0.1",
            "1.7976931348623157e308",
            "5e-324",
            "2.2250738585072011e-308",
            "123456789012345678901234567890",
            "-0.0",
            "1E+2",
        ] {
            assert!(agree::<f64>(t).is_ok(), "{t}");
        }
        for t in ["true", "false", "tru", "null", "\"true\"", "truex"] {
            let _ = agree::<bool>(t);
        }
        assert_eq!(
            agree::<i32>("2147483648").unwrap_err(),
            "invalid value: integer `2147483648`, expected i32"
        );
        assert_eq!(
            agree::<i64>("1.0").unwrap_err(),
            "invalid type: floating point `1.0`, expected i64"
        );
        assert_eq!(agree::<f64>("1e400").unwrap_err(), "number out of range");
    }

    #[test]
    fn strings_unescape_and_refuse_what_serde_json_refuses() {
        for t in [
            r#""plain""#,
            r#""a\"b\\c\/d\b\f\n\r\t""#,
            r#""\u00e9\u20AC""#,
            r#""\ud83d\ude00""#,
            "\"é€😀\"",
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83dx""#,
            r#""\x""#,
            "\"a\u{1}b\"",
            r#""unterminated"#,
            r#""\u12""#,
        ] {
            let _ = agree::<String>(t);
        }
        assert_eq!(agree::<String>(r#""a\u0041""#).unwrap(), "aA");
        assert_eq!(
            agree::<String>("7").unwrap_err(),
            "invalid type: integer `7`, expected a string"
        );
    }

    #[test]
    fn containers_and_formats() {
        for t in [
            "[]", "[1, 2]", "[1,]", "[,1]", "[1 2]", "[", "[1", " [ 1 ] ", "{}",
        ] {
            let _ = agree::<Vec<i64>>(t);
        }
        for t in [
            r#"{"a": 1, "b": 2}"#,
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": 1,}"#,
            r#"{1: 2}"#,
            r#"{"a" 1}"#,
            "{",
            r#"{"a":1"#,
            "[]",
        ] {
            let _ = agree::<BTreeMap<String, i64>>(t);
        }
        for t in ["[1, \"a\"]", "[1]", "[1, \"a\", 2]", "{}"] {
            let _ = agree::<(i64, String)>(t);
        }
        for t in [
            r#""2024-01-02T03:04:05Z""#,
            r#""2024-01-02T03:04:05.123+02:00""#,
            r#""2024-01-02""#,
            "7",
        ] {
            let _ = agree::<chrono::DateTime<chrono::Utc>>(t);
        }
        for t in [r#""2024-01-02""#, r#""2024-13-02""#] {
            let _ = agree::<chrono::NaiveDate>(t);
        }
        for t in [
            r#""67e55044-10b1-426f-9247-bb680e5fe0c8""#,
            r#""67e5504410b1426f9247bb680e5fe0c8""#,
            r#""urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8""#,
            r#""nope""#,
        ] {
            let _ = agree::<uuid::Uuid>(t);
        }
        for t in [
            r#"{"a": [1, 2.5, "x", null, true, {"b": {}}]}"#,
            "1e400",
            "[1,]",
        ] {
            let _ = agree::<Value>(t);
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert_eq!(
            agree::<Value>(&deep).unwrap_err(),
            "recursion limit exceeded"
        );
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(from_str::<Value>(&ok).is_ok());
        assert_eq!(
            from_str::<Vec<Value>>(&deep).unwrap_err().message(),
            "recursion limit exceeded"
        );
    }

    #[test]
    fn errors_say_where() {
        let err = from_str::<Vec<uuid::Uuid>>("[\n  7]").unwrap_err();
        assert_eq!(err.offset(), 4);
        assert_eq!(
            err.to_string(),
            "invalid type: integer `7`, expected a formatted UUID string at line 2 column 3"
        );
        assert_eq!(
            from_str::<i64>("1 2").unwrap_err().message(),
            "trailing characters"
        );
        assert_eq!(
            from_str::<i64>("").unwrap_err().message(),
            "EOF while parsing a value"
        );
        assert!(from_slice::<String>(b"\"\xff\"").is_err());
    }
}
