//! HTTPS for real: a certificate made for the test, rustls on both ends, HTTP/1.1 and HTTP/2
//! chosen by ALPN, plain-HTTP and stalled clients cut off without harm to others.

#![cfg(feature = "tls")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt as _, Empty};
use hyper::body::Bytes;
use hyper_util::rt::{TokioExecutor, TokioIo};
use shallot_core::{ConnectionInfo, Request};
use shallot_hyper::{Server, TlsConfig};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::ServerName;

struct Cert {
    cert_pem: String,
    key_pem: String,
    der: rustls::pki_types::CertificateDer<'static>,
}

fn cert() -> Cert {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("a certificate");
    Cert {
        cert_pem: certified.cert.pem(),
        key_pem: certified.signing_key.serialize_pem(),
        der: certified.cert.der().clone(),
    }
}

async fn whoami(req: Request) -> String {
    let info = ConnectionInfo::of(&req).expect("connection info");
    format!("{} {:?}", info.scheme(), req.version())
}

async fn serve(
    cert: &Cert,
    handshake_timeout: Duration,
) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let tls =
        TlsConfig::from_pem(cert.cert_pem.as_bytes(), cert.key_pem.as_bytes()).expect("valid");
    serve_with(tls, handshake_timeout).await
}

async fn serve_with(
    tls: TlsConfig,
    handshake_timeout: Duration,
) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let server = Server::bind("127.0.0.1:0")
        .await
        .expect("bind")
        .with_tls(tls)
        .with_tls_handshake_timeout(handshake_timeout);
    assert_eq!(server.scheme(), "https");
    let addr = server.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.serve_until(whoami, async move {
        let _ = stopped.await;
    }));
    (addr, stop)
}

async fn connect(
    addr: std::net::SocketAddr,
    cert: &Cert,
    alpn: &[&[u8]],
) -> tokio_rustls::client::TlsStream<TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.der.clone()).expect("the test's root");
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr).await.expect("connect");
    connector
        .connect(ServerName::try_from("localhost").expect("a name"), tcp)
        .await
        .expect("handshake")
}

async fn get_h1(addr: std::net::SocketAddr, cert: &Cert) -> String {
    let tls = connect(addr, cert, &[b"http/1.1"]).await;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .expect("h1");
    tokio::spawn(connection);
    let req = hyper::Request::get("/")
        .header("host", "localhost")
        .body(Empty::<Bytes>::new())
        .expect("request");
    let res = sender.send_request(req).await.expect("answer");
    String::from_utf8(
        res.into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec(),
    )
    .expect("utf-8")
}

#[tokio::test]
async fn https_over_http1_and_http2_chosen_by_alpn() {
    let cert = cert();
    let (addr, _stop) = serve(&cert, Duration::from_secs(10)).await;
    assert_eq!(get_h1(addr, &cert).await, "https HTTP/1.1");

    let tls = connect(addr, &cert, &[b"h2", b"http/1.1"]).await;
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
            .await
            .expect("h2");
    tokio::spawn(connection);
    let req = hyper::Request::get("https://localhost/")
        .body(Empty::<Bytes>::new())
        .expect("request");
    let res = sender.send_request(req).await.expect("answer");
    assert_eq!(res.version(), hyper::Version::HTTP_2);
    let body = res.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(body, "https HTTP/2.0");

    // No ALPN at all: HTTP/1.1.
    let tls = connect(addr, &cert, &[]).await;
    assert_eq!(tls.get_ref().1.alpn_protocol(), None);
}

#[tokio::test]
async fn plain_http_on_the_tls_port_is_disconnected_and_harms_no_one() {
    let cert = cert();
    let (addr, _stop) = serve(&cert, Duration::from_secs(10)).await;
    let mut plain = TcpStream::connect(addr).await.expect("connect");
    plain
        .write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\n\r\n")
        .await
        .expect("write");
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), plain.read_to_end(&mut out))
        .await
        .expect("closed within 5 s")
        .ok();
    assert!(
        !String::from_utf8_lossy(&out).contains("https HTTP"),
        "no answer in plain text"
    );
    assert_eq!(get_h1(addr, &cert).await, "https HTTP/1.1");
}

#[tokio::test]
async fn a_stalled_handshake_is_cut_off_at_the_timeout_while_others_are_served() {
    let cert = cert();
    let (addr, _stop) = serve(&cert, Duration::from_millis(500)).await;
    let mut stalled = TcpStream::connect(addr).await.expect("connect");
    let started = Instant::now();
    assert_eq!(
        get_h1(addr, &cert).await,
        "https HTTP/1.1",
        "served meanwhile"
    );
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(Duration::from_secs(10), stalled.read(&mut buf))
        .await
        .expect("disconnected within 10 s");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "not before the timeout"
    );
}

#[test]
fn a_key_that_does_not_match_the_certificate_is_refused() {
    let (one, two) = (cert(), cert());
    let error = TlsConfig::from_pem(one.cert_pem.as_bytes(), two.key_pem.as_bytes()).unwrap_err();
    assert!(error.to_string().contains("cannot be used"), "{error}");
    assert!(TlsConfig::from_pem(b"nothing", one.key_pem.as_bytes()).is_err());
    assert!(TlsConfig::from_pem(one.cert_pem.as_bytes(), b"nothing").is_err());
}

#[tokio::test]
async fn a_rustls_configuration_is_used_as_it_is_alpn_included() {
    use rustls::pki_types::pem::PemObject as _;

    let cert = cert();
    let rustls_config = |alpn: &[&[u8]]| {
        let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(cert.key_pem.as_bytes())
            .expect("a key");
        let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.der.clone()], key)
        .expect("the certificate and its key");
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        TlsConfig::from_rustls(config)
    };

    // Without ALPN in the configuration, a client offering h2 still gets HTTP/1.1.
    let (addr, _stop) = serve_with(rustls_config(&[]), Duration::from_secs(10)).await;
    let tls = connect(addr, &cert, &[b"h2", b"http/1.1"]).await;
    assert_eq!(tls.get_ref().1.alpn_protocol(), None);
    drop(tls);
    assert_eq!(get_h1(addr, &cert).await, "https HTTP/1.1");

    // With `h2` in it, HTTP/2 is chosen.
    let (addr, _stop) = serve_with(rustls_config(&[b"h2"]), Duration::from_secs(10)).await;
    let tls = connect(addr, &cert, &[b"h2", b"http/1.1"]).await;
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
}
