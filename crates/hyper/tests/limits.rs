//! The resource limits: URI length, idle connections, the connection cap, the write timeout.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{bind, raw, start, status_of};
use shallot_core::{Body, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn path(req: Request) -> String {
    req.uri().path().to_owned()
}

#[tokio::test]
async fn a_request_target_over_the_cap_is_414() {
    let server = start(bind().await.with_max_uri_bytes(100), path).await;
    let long = format!("/{}", "a".repeat(100));
    let res = raw(
        server.addr,
        format!("GET {long} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await;
    assert_eq!(status_of(&res), 414, "{res}");
    assert!(res.ends_with("URI Too Long"));
    let ok = format!("/{}", "a".repeat(98));
    let res = raw(
        server.addr,
        format!("GET {ok} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await;
    assert_eq!(status_of(&res), 200);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    let server = start(
        bind()
            .await
            .with_header_read_timeout(Duration::from_secs(1)),
        path,
    )
    .await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"GET /a HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = stream.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let started = Instant::now();
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await;
    assert!(
        matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
        "the idle connection is closed"
    );
    assert!(started.elapsed() >= Duration::from_millis(800));
}

#[tokio::test]
async fn at_the_connection_cap_new_clients_wait_and_are_served_when_a_slot_frees() {
    let server = start(bind().await.with_max_connections(2), path).await;
    // Both slots taken, and known to be: each connection has had an answer (keep-alive).
    let mut first = TcpStream::connect(server.addr).await.unwrap();
    let mut second = TcpStream::connect(server.addr).await.unwrap();
    for stream in [&mut first, &mut second] {
        stream
            .write_all(b"GET /held HTTP/1.1\r\nHost: a\r\n\r\n")
            .await
            .unwrap();
        let mut head = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut head))
            .await
            .expect("a held connection is served")
            .unwrap();
        assert!(String::from_utf8_lossy(&head[..n]).ends_with("/held"));
    }

    let mut third = TcpStream::connect(server.addr).await.unwrap();
    third
        .write_all(b"GET /third HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let early = tokio::time::timeout(Duration::from_millis(500), third.read(&mut buf)).await;
    assert!(early.is_err(), "no answer while both slots are taken");

    drop(first);
    let n = tokio::time::timeout(Duration::from_secs(5), third.read(&mut buf))
        .await
        .expect("served once a slot frees")
        .unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("/third"),
        "{answer}"
    );
}

/// Sets its flag when dropped: the body was abandoned.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_client_that_never_reads_is_cut_off_after_the_write_timeout() {
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&dropped);
    let handler = move |_req: Request| {
        let guard = DropFlag(Arc::clone(&flag));
        async move {
            // An endless answer: only the write timeout can end it.
            let chunk = bytes::Bytes::from(vec![b'x'; 64 * 1024]);
            // The guard lives in the iterator, so it drops with the abandoned body.
            let chunks = std::iter::repeat(chunk).inspect(move |_| {
                let _ = &guard;
            });
            shallot_core::stream(shallot_core::TEXT_PLAIN_UTF_8, Body::from_iter(chunks))
        }
    };
    let server = start(
        bind().await.with_write_timeout(Duration::from_secs(1)),
        handler,
    )
    .await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    // Never read. The server's writes block once the socket buffers fill.
    let started = Instant::now();
    while !dropped.load(Ordering::SeqCst) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the stalled answer is abandoned"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(stream);
}
