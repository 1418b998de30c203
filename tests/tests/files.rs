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

/// A transport that encodes multipart bodies itself, from what `Parts`
/// lets it read, and sends the bytes with its own reqwest client.
struct OwnEncoding(reqwest::Client);

impl OwnEncoding {
    const BOUNDARY: &'static str = "own-boundary-7f3a";

    /// RFC 7578: each part's headers, a blank line, its bytes.
    fn encode(parts: &openapi_runtime::multipart::Parts) -> Vec<u8> {
        use openapi_runtime::multipart::Part;
        let mut out = Vec::new();
        for part in parts.iter() {
            out.extend_from_slice(format!("--{}\r\n", Self::BOUNDARY).as_bytes());
            let (disposition, bytes) = match part {
                Part::Text { value, .. } => (
                    format!("form-data; name=\"{}\"", part.name()),
                    value.as_bytes().to_vec(),
                ),
                Part::File { file, .. } => (
                    format!(
                        "form-data; name=\"{}\"; filename=\"{}\"",
                        part.name(),
                        file.name().unwrap_or(part.name())
                    ),
                    file.bytes().to_vec(),
                ),
                _ => panic!("a part of a kind this transport does not know"),
            };
            out.extend_from_slice(format!("content-disposition: {disposition}\r\n").as_bytes());
            let media = match part {
                Part::File { .. } => Some(part.media_type().unwrap_or("application/octet-stream")),
                _ => part.media_type(),
            };
            if let Some(media) = media {
                out.extend_from_slice(format!("content-type: {media}\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{}--\r\n", Self::BOUNDARY).as_bytes());
        out
    }
}

impl openapi_runtime::transport::Transport for OwnEncoding {
    fn send(
        &self,
        request: openapi_runtime::transport::HttpRequest,
    ) -> openapi_runtime::transport::TransportFuture<'_> {
        use openapi_runtime::transport::{
            HttpResponse, RequestBody, TransportError, TransportErrorKind,
        };
        Box::pin(async move {
            let mut b = self
                .0
                .request(request.method, request.url)
                .headers(request.headers);
            b = match request.body {
                Some(RequestBody::Multipart(parts)) => b
                    .header(
                        "content-type",
                        format!("multipart/form-data; boundary={}", Self::BOUNDARY),
                    )
                    .body(Self::encode(&parts)),
                Some(RequestBody::Bytes {
                    bytes,
                    content_type,
                }) => b.header("content-type", content_type).body(bytes),
                None => b,
            };
            let failed =
                |e: reqwest::Error| TransportError::new(TransportErrorKind::Other, e.to_string());
            let response = b.send().await.map_err(failed)?;
            let (status, headers) = (response.status(), response.headers().clone());
            let body = response.bytes().await.map_err(failed)?.to_vec();
            Ok(HttpResponse {
                status,
                headers,
                body: body.into(),
            })
        })
    }
}

#[tokio::test]
async fn a_custom_transport_reads_the_parts_and_encodes_them_itself() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets/7/photo"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"size": 512})))
        .expect(1)
        .mount(&server)
        .await;
    let client = files::Client::builder(server.uri())
        .transport(OwnEncoding(
            openapi_runtime::transport::http_client_builder()
                .unwrap()
                .build()
                .unwrap(),
        ))
        .build()
        .unwrap();
    let body = types::UploadPhotoRequest::new(FilePart::new(all_bytes()).file_name("rex.png"))
        .with_caption("Rex")
        .with_position(types::UploadPhotoRequestPosition::default().with_x(3))
        .with_extras(vec![FilePart::new(vec![0u8, 1, 2])]);
    let stored = client.upload_photo("7", body).await.unwrap();
    assert_eq!(stored.size, 512);

    // Read back by this file's own parser: what the transport could read is all there.
    let requests = server.received_requests().await.unwrap();
    let parts = parts(&requests[0]);
    let seen: Vec<(&str, Option<&str>, &[u8])> = parts
        .iter()
        .map(|p| {
            (
                p.header("content-disposition").unwrap(),
                p.header("content-type"),
                &p.body[..],
            )
        })
        .collect();
    let all = all_bytes();
    assert_eq!(
        seen,
        [
            (
                r#"form-data; name="photo"; filename="rex.png""#,
                Some("image/png"),
                &all[..]
            ),
            (r#"form-data; name="caption""#, None, &b"Rex"[..]),
            (
                r#"form-data; name="position""#,
                Some("application/json"),
                &br#"{"x":3}"#[..]
            ),
            (
                r#"form-data; name="extras"; filename="extras""#,
                Some("application/octet-stream"),
                &[0u8, 1, 2][..]
            ),
        ]
    );
}

#[test]
fn a_file_in_json_is_its_exact_text_or_refused() {
    // UTF-8 bytes: written as that string, read back to the same bytes.
    let text = FilePart::new("naïve, \"quoted\"\n".as_bytes().to_vec());
    let json = serde_json::to_string(&text).unwrap();
    assert_eq!(json, r#""naïve, \"quoted\"\n""#);
    let back: FilePart = openapi_runtime::json::from_str(&json).unwrap();
    assert_eq!(back.bytes(), text.bytes());
    // Other bytes: an error naming why, never U+FFFD in their place.
    let e = serde_json::to_string(&FilePart::new(all_bytes())).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("a file of 512 bytes is not UTF-8 text (invalid at byte 128)"),
        "{e}"
    );
}
