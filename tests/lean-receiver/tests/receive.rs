//! The lean receiver on loopback: a delivery signed by Python's `hmac` (an
//! implementation independent of ours) is verified and decoded into its typed
//! event; a tampered one is refused.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use openapi_generator::{ir::sample, load};
use serde_json::{json, Value};

/// `v1,<base64>` of HMAC-SHA256 over `id.timestamp.body`, keyed with the
/// secret's UTF-8 bytes (Polar's key mode), computed by Python.
fn python_signature(secret: &str, id: &str, timestamp: u64, body: &[u8]) -> String {
    let script = r#"
import base64, hashlib, hmac, sys
secret, id, ts = sys.argv[1:4]
body = sys.stdin.buffer.read()
mac = hmac.new(secret.encode(), id.encode() + b"." + ts.encode() + b"." + body, hashlib.sha256).digest()
print("v1," + base64.b64encode(mac).decode(), end="")
"#;
    let mut child = Command::new("python3")
        .args(["-c", script, secret, id, &timestamp.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(body).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// A `customer.deleted` delivery built from the spec's schema (read from
/// `../shared/specs`, or `OPENAPI_SPECS_DIR`), at a known time, for a known customer.
fn customer_deleted() -> String {
    let dir = match std::env::var_os("OPENAPI_SPECS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"),
    };
    let bytes = std::fs::read(dir.join("polar-2026-10.json")).unwrap();
    let loaded = load::load(&bytes).unwrap();
    let schema = loaded
        .schemas
        .at("#/components/schemas/WebhookCustomerDeletedPayload")
        .unwrap();
    let mut value: Value = sample::sample(&loaded.schemas, schema);
    value["timestamp"] = json!("2025-01-02T03:04:05Z");
    value["data"]["email"] = json!("jane@example.com");
    value.to_string()
}

#[tokio::test]
async fn a_signed_delivery_is_decoded_and_a_tampered_one_refused() {
    let secret = "polar_whs_lean";
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let app = lean_webhook_receiver::app(secret.to_owned());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let body = customer_deleted();
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let signature = python_signature(secret, "msg_1", ts, body.as_bytes());
    let http = api_clients::runtime::transport::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let post = |body: String| {
        http.post(&url)
            .header("webhook-id", "msg_1")
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", &signature)
            .body(body)
            .send()
    };
    let signed = post(body.clone()).await.unwrap();
    assert_eq!(signed.status(), 202);
    assert_eq!(
        signed.text().await.unwrap(),
        "customer jane@example.com deleted at 2025-01-02 03:04:05 UTC"
    );
    let tampered = post(body.replace("2025-01-02", "2025-01-03"))
        .await
        .unwrap();
    assert_eq!(tampered.status(), 400);
    assert_eq!(
        tampered.text().await.unwrap(),
        "no signature matches the body and the secret"
    );
}
