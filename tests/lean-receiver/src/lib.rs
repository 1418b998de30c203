//! A Polar webhook receiver as a user writes it, depending on `api-clients`
//! with only the `polar-webhook-events` feature: the `webhooks` module and the
//! types its payloads reach, no operation. `cargo test -p lean-webhook-receiver`
//! builds the generated crate with exactly that feature (in the workspace's
//! `cargo test`, features are unified with the other members').

use api_clients::polar::webhooks::{self, Event};
use axum::{
    body::Bytes,
    http::{HeaderMap, StatusCode},
    routing::post,
    Router,
};

/// The receiver: `POST /hooks` verifies the delivery with `secret` and answers
/// 202 with what it understood, or 400 with why the delivery was refused.
pub fn app(secret: String) -> Router {
    Router::new().route(
        "/hooks",
        post(move |headers: HeaderMap, body: Bytes| async move {
            match webhooks::verify(&body, &headers, &secret) {
                Ok(Event::CustomerDeleted(event)) => (
                    StatusCode::ACCEPTED,
                    format!(
                        "customer {} deleted at {}",
                        event.data.email().unwrap_or("?"),
                        event.timestamp
                    ),
                ),
                Ok(other) => (StatusCode::ACCEPTED, other.event_type().to_owned()),
                Err(e) => (StatusCode::BAD_REQUEST, e.to_string()),
            }
        }),
    )
}
