//! The default reqwest transport over TLS on loopback: a server with a
//! self-signed certificate (`tests/data/self-signed.*`, made for this test
//! only with `openssl req -x509 ... -subj /CN=localhost -addext
//! basicConstraints=critical,CA:FALSE`, valid for 100 years)
//! is refused by the default client, whose verifier trusts only the system's
//! roots, and accepted by a client whose reqwest setup trusts that
//! certificate, which proves the handshake itself works with the runtime's
//! crypto provider.

use std::sync::Arc;

use openapi_runtime::{Client, Error, Method, Request, RequestOptions};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CERT: &[u8] = include_bytes!("data/self-signed.crt");
const KEY: &[u8] = include_bytes!("data/self-signed.key");

/// The runtime's provider (`ring`, deprecated by rustls 0.23.48 for lacking
/// post-quantum key exchange; see `http_client_builder`).
#[allow(deprecated)]
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Serves `204 No Content` over TLS to every connection whose handshake
/// succeeds; answers how many handshakes failed and succeeded so far.
async fn server() -> (u16, Arc<std::sync::Mutex<(usize, usize)>>) {
    let cert = CertificateDer::from_pem_slice(CERT).unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let tally = Arc::new(std::sync::Mutex::new((0, 0)));
    let seen = tally.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                match acceptor.accept(tcp).await {
                    Err(_) => seen.lock().unwrap().0 += 1,
                    Ok(mut tls) => {
                        seen.lock().unwrap().1 += 1;
                        let mut buf = [0u8; 4096];
                        let _ = tls.read(&mut buf).await;
                        let _ = tls
                            .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                            .await;
                        let _ = tls.shutdown().await;
                    }
                }
            });
        }
    });
    (port, tally)
}

fn ping() -> Request {
    Request::new(Method::GET).path("/ping")
}

#[tokio::test]
async fn the_default_client_refuses_an_untrusted_certificate() {
    let (port, tally) = server().await;
    let client = Client::builder(format!("https://localhost:{port}"))
        .retry(openapi_runtime::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .execute(ping(), RequestOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let chain = format!("{:?}", anyhow_like(&err));
    assert!(chain.to_lowercase().contains("certificate"), "{chain}");
    // The server may see its side of the failed handshake a moment later.
    for _ in 0..200 {
        if *tally.lock().unwrap() != (0, 0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(*tally.lock().unwrap(), (1, 0));
}

#[tokio::test]
async fn a_client_trusting_the_certificate_completes_the_handshake() {
    let (port, tally) = server().await;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(CERT).unwrap())
        .unwrap();
    let tls = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .unwrap();
    let client = Client::builder(format!("https://localhost:{port}"))
        .http_client(http)
        .build()
        .unwrap();
    let raw = client
        .execute(ping(), RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(raw.status.as_u16(), 204);
    assert_eq!(*tally.lock().unwrap(), (0, 1));
}

/// Every message of the error's source chain, outermost first.
fn anyhow_like(err: &dyn std::error::Error) -> Vec<String> {
    let mut out = vec![err.to_string()];
    let mut next = err.source();
    while let Some(e) = next {
        out.push(e.to_string());
        next = e.source();
    }
    out
}
