//! Receiving webhooks signed the [Standard Webhooks] way: [`Verifier`]
//! checks a delivery's `webhook-id`, `webhook-timestamp` and
//! `webhook-signature` headers against its raw body before anything reads
//! the body. Generated `webhooks` modules wrap it in one `verify` call that
//! also decodes the typed event.
//!
//! The signed content is `{id}.{timestamp}.{body}`, the MAC HMAC-SHA256, and
//! the signature header a space-separated list of `v1,<base64>` entries, any
//! one of which may match (entries of other versions are ignored). Signatures
//! are compared in constant time, and the timestamp must be within a
//! tolerance of now (5 minutes by default, both ways) so an old delivery
//! cannot be replayed.
//!
//! [Standard Webhooks]: https://www.standardwebhooks.com/

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::HeaderMap;
use sha2::Sha256;

/// How a webhook secret becomes the HMAC key. APIs differ; the generated
/// `verify` of each API uses the right one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMode {
    /// The Standard Webhooks reference: a `whsec_` prefix is dropped and the
    /// rest base64-decoded.
    Standard,
    /// The UTF-8 bytes of the secret as given (Polar signs this way).
    Utf8,
}

/// Why a delivery was refused.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// A required header is missing (or not text).
    #[error("missing or unreadable header {0}")]
    MissingHeader(&'static str),
    /// `webhook-timestamp` is not a number of seconds.
    #[error("webhook-timestamp {0:?} is not a Unix time in seconds")]
    MalformedTimestamp(String),
    /// The delivery was signed longer ago than the tolerance allows (a replay?).
    #[error("webhook-timestamp is {0:?} in the past, beyond the tolerance")]
    TooOld(Duration),
    /// The delivery claims to be signed in the future, beyond the tolerance.
    #[error("webhook-timestamp is {0:?} in the future, beyond the tolerance")]
    TooNew(Duration),
    /// No `v1` signature in `webhook-signature` matches the body and secret.
    #[error("no signature matches the body and the secret")]
    NoMatchingSignature,
    /// The secret is empty.
    #[error("the webhook secret is empty")]
    EmptySecret,
    /// The secret is not valid base64 (with [`KeyMode::Standard`]).
    #[error("the webhook secret is not base64 after its whsec_ prefix: {0}")]
    InvalidSecret(String),
    /// The (verified) body is not JSON.
    #[error("the body is not JSON: {0}")]
    NotJson(crate::json::Error),
    /// The body's event type is one this client does not know.
    #[error("unknown event type {0:?}")]
    UnknownEvent(String),
    /// The body's event type is known, but its payload does not decode.
    #[error("the {event_type} payload does not decode at `{path}`: {error}")]
    Payload {
        /// The event type.
        event_type: String,
        /// The JSON path of the value that failed (`data.customer.email`;
        /// `.` for the payload itself).
        path: String,
        /// What did not decode.
        error: crate::json::Error,
    },
}

/// The string property `tag` of a delivery's body (its event type), `None`
/// when the body is not an object or has no such string; an error when the
/// body is not JSON. Generated `Event::from_json` calls it, then [`payload`].
pub fn tag(body: &[u8], tag: &str) -> Result<Option<String>, WebhookError> {
    let found = crate::json::read_slice(body, |r| crate::de::property(r, tag))
        .map_err(WebhookError::NotJson)?;
    Ok(match found {
        Some(serde_json::Value::String(s)) => Some(s),
        _ => None,
    })
}

/// A delivery's body as JSON, for an event kept as `Unknown`.
pub fn json(body: &[u8]) -> Result<serde_json::Value, WebhookError> {
    crate::json::from_slice(body).map_err(WebhookError::NotJson)
}

/// Decodes an event from the delivery's body with `decode` (its payload
/// type's decoder, the value wrapped in the event's variant); a failure
/// names the JSON path of the value that did not decode. Compiled once per
/// event enum: what differs per event is `decode`, a few lines each.
pub fn payload<E>(
    body: &[u8],
    event_type: &str,
    decode: fn(&mut crate::json::Reader<'_>) -> Result<E, crate::json::Error>,
) -> Result<E, WebhookError> {
    match crate::json::read_slice(body, decode) {
        Ok(event) => Ok(event),
        Err(error) => Err(payload_error(body, event_type, error)),
    }
}

fn payload_error(body: &[u8], event_type: &str, error: crate::json::Error) -> WebhookError {
    WebhookError::Payload {
        event_type: event_type.to_owned(),
        path: crate::json::path(body, &error),
        error,
    }
}

/// Checks Standard Webhooks signatures with one secret.
#[derive(Clone)]
pub struct Verifier {
    key: Vec<u8>,
    tolerance: Duration,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("key", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

/// The header names, lower-case (as `HeaderMap` keeps them).
const ID: &str = "webhook-id";
const TIMESTAMP: &str = "webhook-timestamp";
const SIGNATURE: &str = "webhook-signature";

impl Verifier {
    /// A verifier for `secret`, turned into a key as `mode` says, with the
    /// default tolerance of 5 minutes.
    pub fn new(secret: &str, mode: KeyMode) -> Result<Self, WebhookError> {
        if secret.is_empty() {
            return Err(WebhookError::EmptySecret);
        }
        let key = match mode {
            KeyMode::Utf8 => secret.as_bytes().to_vec(),
            KeyMode::Standard => STANDARD
                .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
                .map_err(|e| WebhookError::InvalidSecret(e.to_string()))?,
        };
        if key.is_empty() {
            return Err(WebhookError::EmptySecret);
        }
        Ok(Verifier {
            key,
            tolerance: Duration::from_secs(5 * 60),
        })
    }

    /// How far the signing time may be from now, either way.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Verifies `body` against the headers of its request.
    pub fn verify(&self, body: &[u8], headers: &HeaderMap) -> Result<(), WebhookError> {
        let get = |name: &'static str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .ok_or(WebhookError::MissingHeader(name))
        };
        self.verify_at(
            body,
            get(ID)?,
            get(TIMESTAMP)?,
            get(SIGNATURE)?,
            SystemTime::now(),
        )
    }

    /// Verifies `body` against headers given as `(name, value)` pairs (names
    /// in any case), for frameworks without an `http::HeaderMap`.
    pub fn verify_pairs<'h>(
        &self,
        body: &[u8],
        headers: impl IntoIterator<Item = (&'h str, &'h str)>,
    ) -> Result<(), WebhookError> {
        let (mut id, mut timestamp, mut signature) = (None, None, None);
        for (name, value) in headers {
            if name.eq_ignore_ascii_case(ID) {
                id = Some(value);
            } else if name.eq_ignore_ascii_case(TIMESTAMP) {
                timestamp = Some(value);
            } else if name.eq_ignore_ascii_case(SIGNATURE) {
                signature = Some(value);
            }
        }
        self.verify_at(
            body,
            id.ok_or(WebhookError::MissingHeader(ID))?,
            timestamp.ok_or(WebhookError::MissingHeader(TIMESTAMP))?,
            signature.ok_or(WebhookError::MissingHeader(SIGNATURE))?,
            SystemTime::now(),
        )
    }

    /// Verifies with the three header values, as if it were `now`.
    pub fn verify_at(
        &self,
        body: &[u8],
        id: &str,
        timestamp: &str,
        signatures: &str,
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let seconds: u64 = timestamp
            .trim()
            .parse()
            .map_err(|_| WebhookError::MalformedTimestamp(timestamp.to_owned()))?;
        let signed = UNIX_EPOCH
            .checked_add(Duration::from_secs(seconds))
            .ok_or_else(|| WebhookError::MalformedTimestamp(timestamp.to_owned()))?;
        match now.duration_since(signed) {
            Ok(age) if age > self.tolerance => return Err(WebhookError::TooOld(age)),
            Err(ahead) if ahead.duration() > self.tolerance => {
                return Err(WebhookError::TooNew(ahead.duration()))
            }
            _ => {}
        }
        let mac = self.mac(id, timestamp.trim(), body)?;
        let matches = signatures
            .split_whitespace()
            .filter_map(|entry| entry.strip_prefix("v1,"))
            .filter_map(|b64| STANDARD.decode(b64).ok())
            .any(|candidate| mac.clone().verify_slice(&candidate).is_ok());
        if matches {
            Ok(())
        } else {
            Err(WebhookError::NoMatchingSignature)
        }
    }

    /// The `webhook-signature` value for a delivery (`v1,<base64>`), as a
    /// sender computes it; for tests of receivers.
    pub fn sign(&self, id: &str, timestamp: u64, body: &[u8]) -> Result<String, WebhookError> {
        let mac = self.mac(id, &timestamp.to_string(), body)?;
        Ok(format!(
            "v1,{}",
            STANDARD.encode(mac.finalize().into_bytes())
        ))
    }

    fn mac(&self, id: &str, timestamp: &str, body: &[u8]) -> Result<Hmac<Sha256>, WebhookError> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key)
            .map_err(|e| WebhookError::InvalidSecret(e.to_string()))?;
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        Ok(mac)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification and its reference libraries.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: u64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn the_specification_example_verifies() {
        let v = Verifier::new(SECRET, KeyMode::Standard).unwrap();
        assert_eq!(v.sign(ID, TIMESTAMP, BODY).unwrap(), SIGNATURE);
        v.verify_at(BODY, ID, "1614265330", SIGNATURE, at(TIMESTAMP + 10))
            .unwrap();
    }

    #[test]
    fn every_failure_has_its_error() {
        let v = Verifier::new(SECRET, KeyMode::Standard).unwrap();
        let check =
            |body: &[u8], ts: &str, sig: &str, now: u64| v.verify_at(body, ID, ts, sig, at(now));
        assert!(matches!(
            check(
                br#"{"test": 2432232315}"#,
                "1614265330",
                SIGNATURE,
                TIMESTAMP
            ),
            Err(WebhookError::NoMatchingSignature)
        ));
        assert!(matches!(
            check(BODY, "1614265330", SIGNATURE, TIMESTAMP + 301),
            Err(WebhookError::TooOld(_))
        ));
        assert!(matches!(
            check(BODY, "1614265330", SIGNATURE, TIMESTAMP - 301),
            Err(WebhookError::TooNew(_))
        ));
        for bad in ["yesterday", "-5", "18446744073709551615"] {
            assert!(
                matches!(
                    check(BODY, bad, SIGNATURE, TIMESTAMP),
                    Err(WebhookError::MalformedTimestamp(_) | WebhookError::TooNew(_))
                ),
                "{bad}"
            );
        }
        // Other versions and garbage are skipped; one valid entry suffices.
        let several = format!("v2,AAAA v1,bm90IGl0 garbage {SIGNATURE}");
        check(BODY, "1614265330", &several, TIMESTAMP).unwrap();
        assert!(matches!(
            Verifier::new("", KeyMode::Utf8),
            Err(WebhookError::EmptySecret)
        ));
        assert!(matches!(
            Verifier::new("whsec_!!!", KeyMode::Standard),
            Err(WebhookError::InvalidSecret(_))
        ));
    }

    #[test]
    fn headers_are_found_in_any_case() {
        let v = Verifier::new(SECRET, KeyMode::Standard)
            .unwrap()
            .tolerance(Duration::MAX);
        let pairs = [
            ("Webhook-Id", ID),
            ("WEBHOOK-TIMESTAMP", "1614265330"),
            ("webhook-signature", SIGNATURE),
        ];
        v.verify_pairs(BODY, pairs).unwrap();
        assert!(matches!(
            v.verify_pairs(BODY, [("webhook-id", ID)]),
            Err(WebhookError::MissingHeader("webhook-timestamp"))
        ));
        let mut map = HeaderMap::new();
        for (n, val) in pairs {
            map.insert(
                reqwest::header::HeaderName::from_bytes(n.as_bytes()).unwrap(),
                val.parse().unwrap(),
            );
        }
        v.verify(BODY, &map).unwrap();
    }
}
