//! Webhooks: signatures computed by Python's standard `hmac` and `base64`
//! (an implementation independent of ours) for both key modes; every Polar
//! event decoded from a payload built from the spec; unknown events kept;
//! and a real axum server on loopback receiving signed and unsigned POSTs.

mod common;

use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use api_clients::polar::webhooks::{self, Event};
use openapi_generator::ir::{sample, TypeRef};
use openapi_generator::{build_ir, load, Options};
use openapi_runtime::webhooks::{KeyMode, Verifier, WebhookError};
use serde_json::{json, Value};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// `v1,<base64>` for a delivery, computed by Python: the key is the secret's
/// UTF-8 bytes (`utf8`) or, Standard Webhooks style, the base64 after `whsec_`.
fn python_signature(mode: &str, secret: &str, id: &str, timestamp: u64, body: &[u8]) -> String {
    let script = r#"
import base64, hashlib, hmac, sys
mode, secret, id, ts = sys.argv[1:5]
body = sys.stdin.buffer.read()
key = secret.encode() if mode == "utf8" else base64.b64decode(secret.removeprefix("whsec_"))
mac = hmac.new(key, id.encode() + b"." + ts.encode() + b"." + body, hashlib.sha256).digest()
print("v1," + base64.b64encode(mac).decode(), end="")
"#;
    let mut child = Command::new("python3")
        .args(["-c", script, mode, secret, id, &timestamp.to_string()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(body).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

const ORDER_PAID: &str = r#"{"type":"order.paid","timestamp":"2025-01-02T03:04:05Z","data":{}}"#;

#[test]
fn polar_key_mode_signatures_from_python_verify_and_failures_are_refused() {
    let secret = "polar_whs_Zm9vYmFyYmF6";
    let body = b"{\"type\":\"customer.deleted\",\"timestamp\":\"x\",\"data\":{}}";
    let ts = now();
    let good = python_signature("utf8", secret, "msg_1", ts, body);
    let pairs = |sig: String, ts: u64| {
        vec![
            ("webhook-id".to_owned(), "msg_1".to_owned()),
            ("Webhook-Timestamp".to_owned(), ts.to_string()),
            ("webhook-signature".to_owned(), sig),
        ]
    };
    let check = |body: &[u8], secret: &str, headers: Vec<(String, String)>| {
        webhooks::verifier(secret)
            .unwrap()
            .verify_pairs(body, headers.iter().map(|(a, b)| (a.as_str(), b.as_str())))
    };
    check(body, secret, pairs(good.clone(), ts)).unwrap();
    // Tampered body, wrong secret.
    assert!(matches!(
        check(
            b"{\"type\":\"customer.deleted\"}",
            secret,
            pairs(good.clone(), ts)
        ),
        Err(WebhookError::NoMatchingSignature)
    ));
    assert!(matches!(
        check(body, "polar_whs_other", pairs(good.clone(), ts)),
        Err(WebhookError::NoMatchingSignature)
    ));
    // Outside the 5-minute tolerance, either way (signed then, by Python).
    let old = ts - 600;
    let old_sig = python_signature("utf8", secret, "msg_1", old, body);
    assert!(matches!(
        check(body, secret, pairs(old_sig, old)),
        Err(WebhookError::TooOld(_))
    ));
    let ahead = ts + 600;
    let new_sig = python_signature("utf8", secret, "msg_1", ahead, body);
    assert!(matches!(
        check(body, secret, pairs(new_sig, ahead)),
        Err(WebhookError::TooNew(_))
    ));
    // Several signatures, one valid; `v2` and garbage entries are ignored.
    let bad = python_signature("utf8", "wrong", "msg_1", ts, body);
    let several = format!("v2,{} garbage v1,!!! {bad} {good}", &good[3..]);
    check(body, secret, pairs(several, ts)).unwrap();
    let only_others = format!("v2,{} garbage {bad}", &good[3..]);
    assert!(matches!(
        check(body, secret, pairs(only_others, ts)),
        Err(WebhookError::NoMatchingSignature)
    ));
}

#[test]
fn standard_key_mode_signatures_from_python_verify() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let ts = now();
    let body = br#"{"test": 2432232314}"#;
    let v = Verifier::new(secret, KeyMode::Standard).unwrap();
    let sig = python_signature("standard", secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", ts, body);
    v.verify_pairs(
        body,
        [
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", &ts.to_string()),
            ("webhook-signature", &sig),
        ],
    )
    .unwrap();
    // The same secret in the other mode is another key.
    let utf8 = Verifier::new(secret, KeyMode::Utf8).unwrap();
    assert!(matches!(
        utf8.verify_pairs(
            body,
            [
                ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
                ("webhook-timestamp", &ts.to_string()),
                ("webhook-signature", &sig),
            ],
        ),
        Err(WebhookError::NoMatchingSignature)
    ));
}

#[test]
fn every_polar_event_decodes_from_a_payload_built_from_the_spec() {
    let bytes = std::fs::read(common::specs_dir().join("polar-2026-10.json")).unwrap();
    let loaded = load::load(&bytes).unwrap();
    let api = build_ir(&bytes, &Options::default()).unwrap();
    assert_eq!(api.webhooks.len(), 41);
    assert_eq!(api.webhook_tag.as_deref(), Some("type"));
    for w in &api.webhooks {
        let TypeRef::Named(id) = &w.payload else {
            panic!("{}: payload is not a named type", w.name)
        };
        let origin = &api.ty(*id).origin;
        let schema = loaded.schemas.at(origin).unwrap();
        let value = sample::sample(&loaded.schemas, schema);
        assert_eq!(value["type"], json!(w.name), "{}", w.name);
        let event =
            Event::from_value(value.clone()).unwrap_or_else(|e| panic!("{}: {e}\n{value}", w.name));
        assert_eq!(event.event_type(), w.name);
        let variant = format!("{event:?}");
        assert!(
            variant.starts_with(&format!("{}(", w.rust_name)),
            "{}: {variant}",
            w.name
        );
        assert!(event.timestamp().is_some(), "{}", w.name);
        assert_eq!(serde_json::to_value(&event).unwrap(), value, "{}", w.name);
    }
}

#[test]
fn an_unknown_event_is_kept_whole_and_a_broken_known_one_is_an_error() {
    let unknown = json!({"type": "invoice.haunted", "timestamp": "2030-01-01T00:00:00Z", "data": {"boo": [1, 2]}});
    let event = Event::from_json(unknown.to_string().as_bytes()).unwrap();
    assert_eq!(event.event_type(), "invoice.haunted");
    assert!(matches!(&event, Event::Unknown { payload, .. } if *payload == unknown));
    assert_eq!(serde_json::to_value(&event).unwrap(), unknown);
    assert!(matches!(event.known(), Err(WebhookError::UnknownEvent(t)) if t == "invoice.haunted"));
    let broken = Event::from_json(ORDER_PAID.as_bytes()).unwrap_err();
    assert!(
        matches!(&broken, WebhookError::Payload { event_type, .. } if event_type == "order.paid"),
        "{broken:?}"
    );
    // Where it broke, as a JSON path, and where in the body.
    assert_eq!(
        broken.to_string(),
        "the order.paid payload does not decode at `data`: missing field `id` at line 1 column 66"
    );
    assert!(matches!(
        Event::from_json(b"not json"),
        Err(WebhookError::NotJson(_))
    ));
}

/// An axum app on loopback whose handler verifies with `secret` and answers
/// the event type (202) or the refusal (400).
async fn receiver(secret: &'static str) -> String {
    use axum::{
        body::Bytes,
        http::{HeaderMap, StatusCode},
        routing::post,
        Router,
    };
    async fn receive(
        secret: &'static str,
        headers: HeaderMap,
        body: Bytes,
    ) -> (StatusCode, String) {
        match webhooks::verify(&body, &headers, secret) {
            Ok(Event::CustomerDeleted(event)) => (
                StatusCode::ACCEPTED,
                format!("deleted at {}", event.timestamp),
            ),
            Ok(other) => (StatusCode::ACCEPTED, other.event_type().to_owned()),
            Err(e) => (StatusCode::BAD_REQUEST, e.to_string()),
        }
    }
    let app = Router::new().route(
        "/hooks",
        post(move |headers: HeaderMap, body: Bytes| receive(secret, headers, body)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/hooks")
}

#[tokio::test]
async fn a_loopback_server_gets_the_typed_event_and_refuses_an_unsigned_one() {
    let secret = "polar_whs_loopback";
    let url = receiver(secret).await;
    let body = sample_customer_deleted();
    let ts = now();
    let signature = python_signature("utf8", secret, "msg_42", ts, body.as_bytes());
    let http = openapi_runtime::transport::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let signed = http
        .post(&url)
        .header("webhook-id", "msg_42")
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", signature)
        .body(body.clone())
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 202);
    assert_eq!(
        signed.text().await.unwrap(),
        "deleted at 2025-01-02 03:04:05 UTC"
    );
    let unsigned = http.post(&url).body(body).send().await.unwrap();
    assert_eq!(unsigned.status(), 400);
    assert_eq!(
        unsigned.text().await.unwrap(),
        "missing or unreadable header webhook-id"
    );
}

/// A `customer.deleted` delivery built from the spec's schema.
fn sample_customer_deleted() -> String {
    let bytes = std::fs::read(common::specs_dir().join("polar-2026-10.json")).unwrap();
    let loaded = load::load(&bytes).unwrap();
    let schema = loaded
        .schemas
        .at("#/components/schemas/WebhookCustomerDeletedPayload")
        .unwrap();
    let mut value: Value = sample::sample(&loaded.schemas, schema);
    value["timestamp"] = json!("2025-01-02T03:04:05Z");
    value.to_string()
}

#[test]
fn any_spec_with_webhooks_gets_events_dispatched_on_its_own_tag() {
    use integration_tests::fixtures::webhooks_31::webhooks::{self as shop, Event as ShopEvent};
    let shipped =
        json!({"kind": "parcel.shipped", "parcel": "P1", "timestamp": "2025-01-02T03:04:05Z"});
    let event = ShopEvent::from_value(shipped.clone()).unwrap();
    assert!(matches!(&event, ShopEvent::ParcelShipped(p) if p.parcel == "P1"));
    assert!(event.timestamp().is_some());
    let lost = ShopEvent::from_value(json!({"kind": "parcel.lost", "parcel": "P2"})).unwrap();
    assert_eq!(lost.event_type(), "parcel.lost");
    assert_eq!(lost.timestamp(), None);
    // The Standard Webhooks key mode: whsec_ + base64, checked against Python.
    assert_eq!(shop::KEY_MODE, KeyMode::Standard);
    let secret = "whsec_c2hvcC1zZWNyZXQ=";
    let body = shipped.to_string();
    let ts = now();
    let sig = python_signature("standard", secret, "m1", ts, body.as_bytes());
    let ts = ts.to_string();
    let headers = [
        ("webhook-id", "m1"),
        ("webhook-timestamp", ts.as_str()),
        ("webhook-signature", sig.as_str()),
    ];
    let verified = shop::verify_pairs(body.as_bytes(), headers, secret).unwrap();
    assert_eq!(verified, event);
}
