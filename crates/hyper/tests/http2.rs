//! HTTP/2 with prior knowledge (h2c) on the same port as HTTP/1.1.

mod common;

use bytes::Bytes;
use common::{bind, start};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use shallot_core::{BodyError, Request};

#[tokio::test]
async fn h2_prior_knowledge_and_http11_share_the_port() {
    let server = start(bind().await, |mut req: Request| async move {
        let len = req.body_mut().read_all().await?.len();
        Ok::<_, BodyError>(format!("{:?} {len} bytes", req.version()))
    })
    .await;
    let uri: hyper::Uri = format!("http://{}/", server.addr).parse().unwrap();

    let h2 = Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build_http::<Full<Bytes>>();
    let res = h2
        .request(
            hyper::Request::post(uri.clone())
                .body(Full::new(Bytes::from_static(b"abc")))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.version(), hyper::Version::HTTP_2);
    assert_eq!(res.status(), 200);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"HTTP/2.0 3 bytes");

    let h1 = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let res = h1
        .request(hyper::Request::get(uri).body(Full::default()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.version(), hyper::Version::HTTP_11);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"HTTP/1.1 0 bytes");
}

fn h2_client() -> Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build_http::<Full<Bytes>>()
}

#[tokio::test]
async fn h2_over_the_body_limit_is_413_and_a_panic_is_500_and_the_connection_lives_on() {
    let server = start(
        bind().await.with_body_limit(1024),
        |mut req: Request| async move {
            if req.uri().path() == "/panic" {
                panic!("deliberate panic for the test");
            }
            let len = req.body_mut().read_all().await?.len();
            Ok::<_, BodyError>(format!("{len} bytes"))
        },
    )
    .await;
    let url = format!("http://{}", server.addr);
    // One client: requests share one HTTP/2 connection.
    let client = h2_client();
    let send = |path: &str, body: Vec<u8>| {
        let request = hyper::Request::post(format!("{url}{path}"))
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        let client = client.clone();
        async move {
            let res = client.request(request).await.expect("an answer");
            assert_eq!(res.version(), hyper::Version::HTTP_2);
            let status = res.status().as_u16();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    let (status, body) = send("/", vec![b'x'; 1025]).await;
    assert_eq!((status, body.as_str()), (413, "Payload Too Large"));
    let (status, body) = send("/panic", Vec::new()).await;
    assert_eq!((status, body.as_str()), (500, "Internal Server Error"));
    assert_eq!(
        send("/", vec![b'x'; 1024]).await,
        (200, "1024 bytes".to_owned())
    );
}

/// Sets its flag when dropped: the body was abandoned.
struct DropFlag(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
async fn an_h2_client_that_stops_reading_is_cut_off_after_the_write_timeout() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use tokio::io::AsyncWriteExt;

    let dropped = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&dropped);
    let handler = move |_req: Request| {
        let guard = DropFlag(Arc::clone(&flag));
        async move {
            // An endless answer: only the write timeout can end it.
            let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
            let chunks = std::iter::repeat(chunk).inspect(move |_| {
                let _ = &guard;
            });
            shallot_core::stream(
                shallot_core::TEXT_PLAIN_UTF_8,
                shallot_core::Body::from_iter(chunks),
            )
        }
    };
    let server = start(
        bind()
            .await
            .with_write_timeout(std::time::Duration::from_secs(1)),
        handler,
    )
    .await;
    // A hand-made HTTP/2 client that opens every flow-control window as wide as it goes, asks
    // for `/` and then never reads: only the socket's buffers can stop the server.
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let mut bytes = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    // SETTINGS: INITIAL_WINDOW_SIZE (0x4) = 2^31 - 1.
    bytes.extend_from_slice(&[0, 0, 6, 0x4, 0, 0, 0, 0, 0, 0, 0x4, 0x7f, 0xff, 0xff, 0xff]);
    // WINDOW_UPDATE on the connection: + (2^31 - 1 - 65,535).
    bytes.extend_from_slice(&[0, 0, 4, 0x8, 0, 0, 0, 0, 0, 0x7f, 0xff, 0x00, 0x00]);
    // HEADERS on stream 1, END_STREAM | END_HEADERS: :method GET, :scheme http, :path /
    // (static table entries 2, 6, 4) and :authority "a" (name index 1, literal value).
    let block = [0x82, 0x86, 0x84, 0x41, 0x01, b'a'];
    bytes.extend_from_slice(&[0, 0, block.len() as u8, 0x1, 0x5, 0, 0, 0, 1]);
    bytes.extend_from_slice(&block);
    stream.write_all(&bytes).await.unwrap();
    // Never read. Polling the flag is bounded; the server needs ≈ 1 s once buffers are full.
    let started = std::time::Instant::now();
    while !dropped.load(Ordering::SeqCst) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the stalled answer is abandoned"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    drop(stream);
}

#[tokio::test]
async fn h2_answers_carry_their_exact_content_length() {
    let server = start(bind().await, |req: Request| async move {
        let len: usize = req.uri().path()[1..].parse().unwrap_or(0);
        "x".repeat(len)
    })
    .await;
    let client = h2_client();
    for len in [1, 9, 10, 99, 100, 999, 1000, 9999, 10_000, 70_000] {
        let uri: hyper::Uri = format!("http://{}/{len}", server.addr).parse().unwrap();
        let res = client
            .request(hyper::Request::get(uri).body(Full::default()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.version(), hyper::Version::HTTP_2);
        let declared = res.headers()["content-length"].to_str().unwrap().to_owned();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body.len(), len);
        assert_eq!(declared, len.to_string(), "{len}");
    }
}
