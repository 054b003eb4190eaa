//! The adapter's answers to requests that hyper alone would accept or mishandle, over raw
//! sockets so that no client library sanitises the bytes.

mod common;

use std::time::Duration;

use common::{bind, raw, read_to_close, start, status_of};
use shallot_core::{BodyError, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn echo_len(mut req: Request) -> Result<String, BodyError> {
    Ok(format!(
        "got {} bytes",
        req.body_mut().read_all().await?.len()
    ))
}

#[tokio::test]
async fn a_plain_request_is_answered() {
    let server = start(bind().await, echo_len).await;
    let res = raw(
        server.addr,
        b"GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status_of(&res), 200);
    assert!(res.ends_with("got 0 bytes"), "{res}");
}

#[tokio::test]
async fn an_http11_request_without_host_is_400() {
    let server = start(bind().await, echo_len).await;
    let res = raw(server.addr, b"GET / HTTP/1.1\r\n\r\n").await;
    assert_eq!(status_of(&res), 400);
    assert!(
        res.contains("Bad Request: missing or invalid Host"),
        "{res}"
    );
}

#[tokio::test]
async fn duplicated_or_invalid_hosts_are_400() {
    let server = start(bind().await, echo_len).await;
    for request in [
        &b"GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nHost: user@a.test\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
    ] {
        let res = raw(server.addr, request).await;
        assert_eq!(status_of(&res), 400, "{}", String::from_utf8_lossy(request));
    }
}

#[tokio::test]
async fn an_http10_request_may_omit_host() {
    let server = start(bind().await, echo_len).await;
    let res = raw(server.addr, b"GET / HTTP/1.0\r\n\r\n").await;
    assert_eq!(status_of(&res), 200);
}

#[tokio::test]
async fn a_body_over_the_limit_by_content_length_is_413_before_it_is_sent() {
    let server = start(bind().await.with_body_limit(1024), echo_len).await;
    // Only the head is sent: the answer must come without the server waiting for the body.
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 1025\r\n\r\n")
        .await
        .unwrap();
    let res = read_to_close(&mut stream).await;
    assert_eq!(status_of(&res), 413, "{res}");
    assert!(
        res.to_ascii_lowercase().contains("connection: close"),
        "{res}"
    );
}

#[tokio::test]
async fn a_chunked_body_growing_over_the_limit_is_413() {
    let server = start(bind().await.with_body_limit(1024), echo_len).await;
    let mut request =
        b"POST / HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..3 {
        request.extend_from_slice(b"200\r\n");
        request.extend_from_slice(&[b'x'; 0x200]);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let res = raw(server.addr, &request).await;
    assert_eq!(status_of(&res), 413, "{res}");
}

#[tokio::test]
async fn a_body_at_the_limit_is_read_whole() {
    let server = start(bind().await.with_body_limit(1024), echo_len).await;
    let mut request =
        b"POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 1024\r\nConnection: close\r\n\r\n"
            .to_vec();
    request.extend_from_slice(&[b'x'; 1024]);
    let res = raw(server.addr, &request).await;
    assert_eq!(status_of(&res), 200);
    assert!(res.ends_with("got 1024 bytes"), "{res}");
}

#[tokio::test]
async fn a_header_block_over_the_cap_is_431() {
    let server = start(bind().await.with_max_header_bytes(16 * 1024), echo_len).await;
    let mut request = b"GET / HTTP/1.1\r\nHost: a.test\r\n".to_vec();
    for i in 0..40 {
        request.extend_from_slice(format!("X-Filler-{i}: {}\r\n", "v".repeat(1000)).as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    let res = raw(server.addr, &request).await;
    assert_eq!(status_of(&res), 431, "{res}");
}

#[tokio::test]
async fn a_client_trickling_its_header_a_byte_a_second_is_cut_off() {
    let server = start(
        bind()
            .await
            .with_header_read_timeout(Duration::from_secs(2)),
        echo_len,
    )
    .await;
    let stream = TcpStream::connect(server.addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    // One byte every 300 ms: the whole head would take ≈ 20 s, ten times the timeout. The
    // server must hang up long before, whatever the machine's load.
    let request = b"GET / HTTP/1.1\r\nHost: a.test\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let trickle = tokio::spawn(async move {
        for byte in request {
            if writer.write_all(&[*byte]).await.is_err() {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        true
    });
    let mut answer = Vec::new();
    // Ends when the server closes (or resets) the connection.
    let _ = tokio::time::timeout(Duration::from_secs(60), reader.read_to_end(&mut answer))
        .await
        .expect("the server hangs up on the trickling client");
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        !answer.contains(" 200 "),
        "the trickled request was served: {answer}"
    );
    if trickle.is_finished() {
        let sent_whole_head = trickle.await.unwrap();
        assert!(
            !sent_whole_head,
            "the whole head was sent before the server hung up"
        );
    } else {
        trickle.abort();
    }
}

#[tokio::test]
async fn keep_alive_serves_several_requests_on_one_connection_and_pipelining_keeps_order() {
    let server = start(bind().await, |req: Request| async move {
        req.uri().path().to_owned()
    })
    .await;
    let res = raw(
        server.addr,
        b"GET /one HTTP/1.1\r\nHost: a\r\n\r\nGET /two HTTP/1.1\r\nHost: a\r\n\r\nGET /three HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    )
    .await;
    let one = res.find("/one").expect("first answer");
    let two = res.find("/two").expect("second answer");
    let three = res.find("/three").expect("third answer");
    assert!(one < two && two < three, "{res}");
    assert_eq!(res.matches("HTTP/1.1 200").count(), 3);
}

#[tokio::test]
async fn a_413_reaches_a_client_that_is_still_sending_its_body() {
    let server = start(bind().await.with_body_limit(64 * 1024), echo_len).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let body_len = 1024 * 1024;
    stream
        .write_all(
            format!("POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: {body_len}\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    // Keep sending after the server has answered, as a real uploading client does; the
    // writes may start failing once the server stops reading, which is fine.
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..(body_len / chunk.len()) {
        if tokio::time::timeout(Duration::from_millis(500), stream.write_all(&chunk))
            .await
            .map_or(true, |r| r.is_err())
        {
            break;
        }
    }
    let res = read_to_close(&mut stream).await;
    assert_eq!(status_of(&res), 413, "{res}");
}

/// A request whose head (request line, headers, empty line) is exactly `size` bytes: filler
/// headers of `line` bytes each, the last one sized to fit.
fn head_of_exactly(size: usize, line: usize) -> Vec<u8> {
    let mut head = b"GET / HTTP/1.1\r\nhost: a.test\r\nconnection: close\r\n".to_vec();
    let mut i = 0;
    while size - head.len() - 2 > line + 16 {
        let prefix = format!("x-f{i:05}: ");
        head.extend_from_slice(prefix.as_bytes());
        head.extend(std::iter::repeat_n(b'v', line - prefix.len() - 2));
        head.extend_from_slice(b"\r\n");
        i += 1;
    }
    let prefix = b"x-last: ";
    let value = size - head.len() - 2 - prefix.len() - 2;
    head.extend_from_slice(prefix);
    head.extend(std::iter::repeat_n(b'v', value));
    head.extend_from_slice(b"\r\n\r\n");
    assert_eq!(head.len(), size);
    head
}

#[tokio::test]
async fn the_head_cap_is_exact_for_one_huge_header_and_for_many_small_ones() {
    let server = start(bind().await, echo_len).await;
    let cap = 64 * 1024;
    // Lines of 700 bytes: 94 of them fill the cap, under hyper's count of 100 header lines.
    for line in [cap, 700] {
        let res = raw(server.addr, &head_of_exactly(cap, line)).await;
        assert_eq!(status_of(&res), 200, "exactly the cap, lines of {line}");
        let res = raw(server.addr, &head_of_exactly(cap + 1, line)).await;
        assert_eq!(status_of(&res), 431, "one byte over, lines of {line}");
    }
    // More than 100 header lines, however short: 431 too (documented).
    let mut many = b"GET / HTTP/1.1\r\nhost: a.test\r\n".to_vec();
    for i in 0..100 {
        many.extend_from_slice(format!("x-{i}: v\r\n").as_bytes());
    }
    many.extend_from_slice(b"\r\n");
    assert_eq!(status_of(&raw(server.addr, &many).await), 431);
    // Far over: hyper's own buffer cap answers the same.
    let res = raw(server.addr, &head_of_exactly(200 * 1024, 1000)).await;
    assert_eq!(status_of(&res), 431);
}

#[tokio::test]
async fn request_targets_that_are_not_paths_are_400_and_options_star_is_answered() {
    let server = start(bind().await, echo_len).await;
    for target in ["index.html", "a.test:80", "*", "ftp://a.test/x"] {
        let request = format!("GET {target} HTTP/1.1\r\nHost: a.test\r\n\r\n");
        let res = raw(server.addr, request.as_bytes()).await;
        assert_eq!(status_of(&res), 400, "{target}");
        assert!(res.contains("origin-form"), "{res}");
    }
    let res = raw(
        server.addr,
        b"GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status_of(&res), 200, "absolute-form is accepted");
    let res = raw(
        server.addr,
        b"OPTIONS * HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status_of(&res), 200);
    assert!(
        res.to_ascii_lowercase()
            .contains("allow: get, head, post, put, delete, patch, options"),
        "{res}"
    );
    assert!(
        !res.contains("got 0 bytes"),
        "answered by the server, not the handler"
    );
}

#[tokio::test]
async fn connect_and_unknown_transfer_codings_are_501() {
    let server = start(bind().await, echo_len).await;
    for request in [
        &b"CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n"[..],
        b"POST / HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    ] {
        let res = raw(server.addr, request).await;
        assert_eq!(status_of(&res), 501, "{}", String::from_utf8_lossy(request));
    }
}

#[tokio::test]
async fn a_malformed_chunked_body_is_400_and_the_connection_is_not_reused() {
    let server = start(bind().await, echo_len).await;
    // A valid first chunk, then a size line that is not hex; a second request follows on the
    // same connection and must not be run (the framing is lost).
    let res = raw(
        server.addr,
        b"POST / HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\nxx\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: a.test\r\n\r\n",
    )
    .await;
    assert_eq!(status_of(&res), 400, "{res}");
    assert!(res.contains("Bad Request"), "{res}");
    assert_eq!(
        res.matches("HTTP/1.1 ").count(),
        1,
        "one answer, then the close: {res}"
    );
}

#[tokio::test]
async fn the_error_renderer_dresses_the_servers_own_400_413_and_414() {
    let server = start(
        bind()
            .await
            .with_body_limit(16)
            .with_max_uri_bytes(64)
            .with_error_renderer(shallot_core::JsonErrors),
        echo_len,
    )
    .await;
    let long_target = format!(
        "GET /{} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "a".repeat(100)
    );
    for (request, status) in [
        (b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n".to_vec(), 400),
        (
            b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 17\r\n\r\n".to_vec(),
            413,
        ),
        (long_target.into_bytes(), 414),
    ] {
        let res = raw(server.addr, &request).await;
        assert_eq!(status_of(&res), status, "{res}");
        let lower = res.to_ascii_lowercase();
        assert!(lower.contains("content-type: application/json"), "{res}");
        let body = &res[res.find("\r\n\r\n").expect("a head") + 4..];
        let value: serde_json::Value = serde_json::from_str(body).expect("a JSON body");
        assert_eq!(value["status"], status, "{body}");
    }
}
