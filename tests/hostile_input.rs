//! Protocol hygiene over raw sockets (no client library to tidy the bytes): every malformed
//! request gets a clean 4xx or a closed connection, never a 5xx, and the server keeps
//! answering normal requests.

mod common;

use std::time::Duration;

use common::{get, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long a raw exchange may take before the server counts as hung: generous, since a
/// loaded CI machine can be slow, and only reached when the server fails.
const HANG: Duration = Duration::from_secs(10);

/// Sends `bytes`, then reads until the server closes the connection or a whole answer head
/// has arrived. A server that does neither within [`HANG`] fails the test: a hang is not a
/// close.
async fn exchange(addr: std::net::SocketAddr, bytes: &[u8]) -> String {
    read_answer(addr, bytes, false).await
}

/// Sends `bytes` and reads until the server closes the connection, which it must within
/// [`HANG`] (pipelined answers, a framing error that ends the connection).
async fn exchange_to_close(addr: std::net::SocketAddr, bytes: &[u8]) -> String {
    read_answer(addr, bytes, true).await
}

async fn read_answer(addr: std::net::SocketAddr, bytes: &[u8], to_close: bool) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    // The server may refuse before reading everything; what it answers still counts.
    let _ = stream.write_all(bytes).await;
    let mut out = Vec::new();
    let read = async {
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
            if !to_close && out.windows(4).any(|w| w == b"\r\n\r\n") {
                return;
            }
        }
    };
    let ended = tokio::time::timeout(HANG, read).await.is_ok();
    let text = String::from_utf8_lossy(&out).into_owned();
    assert!(
        ended,
        "the server neither answered nor closed within {HANG:?}: {text:?}"
    );
    text
}

fn statuses(answer: &str) -> Vec<u16> {
    answer
        .match_indices("HTTP/1.")
        .filter_map(|(at, _)| answer[at..].split(' ').nth(1)?.parse().ok())
        .collect()
}

/// A malformed request: a 4xx or nothing at all (a close), never a 2xx or 5xx.
fn assert_refused(name: &str, answer: &str) {
    let statuses = statuses(answer);
    assert!(
        statuses.iter().all(|s| (400..500).contains(s)),
        "{name}: expected 4xx or a close, got {statuses:?}: {answer:?}"
    );
}

#[tokio::test]
async fn malformed_requests_get_a_4xx_or_a_close_and_the_server_lives_on() {
    let app = start().await;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage request line", b"HELLO\r\n\r\n".to_vec()),
        ("no version", b"GET /\r\nHost: a\r\n\r\n".to_vec()),
        ("HTTP/0.9 style", b"GET /\r\n".to_vec()),
        ("unknown version", b"GET / HTTP/3.7\r\nHost: a\r\n\r\n".to_vec()),
        ("lowercase version", b"GET / http/1.1\r\nHost: a\r\n\r\n".to_vec()),
        ("bad method token", b"G(T / HTTP/1.1\r\nHost: a\r\n\r\n".to_vec()),
        ("space in target", b"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n".to_vec()),
        ("missing host", b"GET / HTTP/1.1\r\n\r\n".to_vec()),
        ("duplicate host", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n".to_vec()),
        ("bare LF line ends", b"GET / HTTP/1.1\nHost: a\n\n".to_vec()),
        ("bare CR in header", b"GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n".to_vec()),
        ("NUL in header value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n".to_vec()),
        ("control byte in name", b"GET / HTTP/1.1\r\nHost: a\r\nX\x01: y\r\n\r\n".to_vec()),
        ("space before colon", b"GET / HTTP/1.1\r\nHost : a\r\n\r\n".to_vec()),
        ("obs-fold", b"GET / HTTP/1.1\r\nHost: a\r\nX: one\r\n two\r\n\r\n".to_vec()),
        (
            "content-length and transfer-encoding",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".to_vec(),
        ),
        (
            "two different content-lengths",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd".to_vec(),
        ),
        ("negative content-length", b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n".to_vec()),
        ("content-length not a number", b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n".to_vec()),
        (
            "invalid chunk size",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n".to_vec(),
        ),
        (
            "chunk size overflow",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n".to_vec(),
        ),
        (
            "unknown transfer-encoding",
            b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\nxx".to_vec(),
        ),
        ("huge URI", format!("GET /{} HTTP/1.1\r\nHost: a\r\n\r\n", "a".repeat(70_000)).into_bytes()),
        ("too many headers", {
            let mut r = b"GET / HTTP/1.1\r\nHost: a\r\n".to_vec();
            for i in 0..200 {
                r.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
            }
            r.extend_from_slice(b"\r\n");
            r
        }),
        ("invalid UTF-8 in target", b"GET /\xff\xfe HTTP/1.1\r\nHost: a\r\n\r\n".to_vec()),
        ("absolute-form to elsewhere", b"GET http://evil.test/ HTTP/1.1\r\nHost: a\r\n\r\n".to_vec()),
    ];
    for (name, bytes) in &cases {
        let answer = exchange(app.addr, bytes).await;
        match *name {
            // RFC 9112 §3.2.2: absolute-form is valid; the path is `/`.
            "absolute-form to elsewhere" => {
                assert!(answer.starts_with("HTTP/1.1 200"), "{name}: {answer:?}");
            }
            // RFC 9112 §6.3: hyper frames the body by Transfer-Encoding alone and closes the
            // connection afterwards, so nothing can be smuggled behind it.
            "content-length and transfer-encoding" => {
                let closes = answer.to_ascii_lowercase().contains("connection: close");
                assert!(
                    statuses(&answer).iter().all(|s| *s < 500) && closes,
                    "{name}: {answer:?}"
                );
            }
            // RFC 9112 §2.2: a recipient MAY take a bare LF as a line end; hyper does.
            "bare LF line ends" => {
                assert!(
                    statuses(&answer).iter().all(|s| *s < 500),
                    "{name}: {answer:?}"
                );
            }
            _ => assert_refused(name, &answer),
        }
        let res = get(&app.url("/hello")).await;
        assert_eq!(res.text(), "hi user!", "the server answers after {name}");
    }
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order_even_around_an_error() {
    let app = start().await;
    let answer = exchange_to_close(
        app.addr,
        b"GET /hello/1 HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\nGET /hello/3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(statuses(&answer), [200, 404, 200], "{answer}");
    let first = answer.find("hi user number: 1").expect("first body");
    let third = answer.find("hi user number: 3").expect("third body");
    assert!(first < third);
}

#[tokio::test]
async fn a_smuggling_attempt_does_not_produce_a_second_request() {
    let app = start().await;
    // If the server honoured Content-Length here, "GET /panic" would be read as a second
    // request. Hyper refuses the conflicting framing instead.
    let answer = exchange_to_close(
        app.addr,
        b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /panic HTTP/1.1\r\nHost: a\r\n\r\n",
    )
    .await;
    // One answer, then the close (RFC 9112 §6.3): the hidden request is never run.
    assert_eq!(statuses(&answer).len(), 1, "{answer}");
    assert!(!statuses(&answer).contains(&500), "{answer}");
}

#[tokio::test]
async fn a_client_that_vanishes_mid_body_leaves_the_server_serving() {
    let app = start().await;
    for _ in 0..20 {
        let mut stream = TcpStream::connect(app.addr).await.unwrap();
        stream
            .write_all(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\npartial")
            .await
            .unwrap();
        drop(stream);
    }
    assert_eq!(get(&app.url("/hello")).await.text(), "hi user!");
}
