//! Uploads and downloads through the client generated from
//! `tests/fixtures/files.yaml`, against wiremock on loopback: a multipart
//! body arrives as proper parts with the file's exact bytes, binary and text
//! bodies are sent as they are, and a binary download returns its exact bytes.

use integration_tests::fixtures::files::{self, types};
use openapi_runtime::FilePart;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Every byte value, so that nothing on the way may treat the file as text.
fn all_bytes() -> Vec<u8> {
    (0..=255u8).chain((0..=255u8).rev()).collect()
}

fn client(server: &MockServer) -> files::Client {
    files::Client::builder(server.uri()).build().unwrap()
}

/// One part of a multipart body: its headers (lower-cased names) and bytes.
#[derive(Debug)]
struct Part {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Part {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Splits a `multipart/form-data` body by the boundary its content type
/// names, as RFC 7578 lays it out (written here, independently of the runtime).
fn parts(request: &Request) -> Vec<Part> {
    let content_type = request
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .unwrap()
        .trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let body = &request.body;
    let mut out = Vec::new();
    let mut at = find(body, &delimiter, 0).expect("a first boundary") + delimiter.len();
    while body.get(at..at + 2) == Some(b"\r\n") {
        let head_end = find(body, b"\r\n\r\n", at).unwrap();
        let headers = String::from_utf8(body[at + 2..head_end].to_vec())
            .unwrap()
            .split("\r\n")
            .map(|h| {
                let (n, v) = h.split_once(':').unwrap();
                (n.trim().to_ascii_lowercase(), v.trim().to_owned())
            })
            .collect();
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(&delimiter);
        let end = find(body, &closing, head_end + 4).expect("a closing boundary");
        out.push(Part {
            headers,
            body: body[head_end + 4..end].to_vec(),
        });
        at = end + closing.len();
    }
    assert_eq!(
        body.get(at..at + 2),
        Some(&b"--"[..]),
        "the body ends with the final boundary"
    );
    out
}

#[tokio::test]
async fn an_upload_arrives_as_multipart_parts_with_the_exact_file_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets/7/photo"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"size": 512})))
        .expect(1)
        .mount(&server)
        .await;
    let body = types::UploadPhotoRequest::new(FilePart::new(all_bytes()).file_name("rex.png"))
        .with_caption("Rex, \"the\" dog")
        .with_tags(vec!["good".to_owned(), "dog".to_owned()])
        .with_position(types::UploadPhotoRequestPosition::default().with_x(3))
        .with_extras(vec![
            FilePart::new(vec![0u8, 1, 2]).file_name("a.bin"),
            FilePart::new(b"second".to_vec())
                .file_name("b.txt")
                .content_type("text/plain"),
        ]);
    let stored = client(&server).upload_photo("7", body).await.unwrap();
    assert_eq!(stored.size, 512);

    let requests = server.received_requests().await.unwrap();
    let parts = parts(&requests[0]);
    let names: Vec<&str> = parts
        .iter()
        .map(|p| p.header("content-disposition").unwrap())
        .collect();
    assert_eq!(
        names,
        [
            r#"form-data; name="photo"; filename="rex.png""#,
            r#"form-data; name="caption""#,
            r#"form-data; name="tags""#,
            r#"form-data; name="tags""#,
            r#"form-data; name="position""#,
            r#"form-data; name="extras"; filename="a.bin""#,
            r#"form-data; name="extras"; filename="b.txt""#,
        ]
    );
    // The file: exact bytes, with the media type the spec's `encoding` gives.
    assert_eq!(parts[0].body, all_bytes());
    assert_eq!(parts[0].header("content-type"), Some("image/png"));
    assert_eq!(parts[1].body, br#"Rex, "the" dog"#);
    assert_eq!(
        (&parts[2].body[..], &parts[3].body[..]),
        (&b"good"[..], &b"dog"[..])
    );
    // An object part is JSON.
    assert_eq!(parts[4].body, br#"{"x":3}"#);
    assert_eq!(parts[4].header("content-type"), Some("application/json"));
    // Files without a media type of their own are octet streams.
    assert_eq!(parts[5].body, [0, 1, 2]);
    assert_eq!(
        parts[5].header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(parts[6].header("content-type"), Some("text/plain"));
}

#[tokio::test]
async fn a_binary_download_returns_the_exact_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/7/photo"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(all_bytes(), "image/png"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pets/7/document"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(b"%PDF-1.7\n\xff\xfe".to_vec(), "application/pdf"),
        )
        .mount(&server)
        .await;
    let photo: Vec<u8> = client(&server).download_photo("7").await.unwrap();
    assert_eq!(photo, all_bytes());
    let pdf = client(&server).get_document("7").await.unwrap();
    assert_eq!(pdf, b"%PDF-1.7\n\xff\xfe");
}

#[tokio::test]
async fn binary_and_text_bodies_are_sent_as_they_are() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/pets/7/document"))
        .and(header("content-type", "application/octet-stream"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/notes"))
        .and(header("content-type", "text/plain"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .put_document("7", all_bytes())
        .await
        .unwrap();
    client(&server).add_note("fed at 8").await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].body, all_bytes());
    assert_eq!(requests[1].body, b"fed at 8");
}
