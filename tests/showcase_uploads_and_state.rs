//! The showcase's rows owned by the core: `/upload`, `/upload/raw`, `/stats`, `/any`, `/text`
//! and `/stream?delay_ms`, over a real socket.

mod common;

use std::time::Duration;

use common::{get, raw, send, start};
use hyper::Method;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn upload_raw_streams_a_body_over_the_default_limit_and_hashes_it() {
    let server = start().await;
    let body: Vec<u8> = (0..5 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let res = send(Method::PUT, &server.url("/upload/raw"), &[], body.clone()).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        res.json(),
        serde_json::json!({"bytes": body.len(), "sha256": sha256_hex(&body)})
    );
    // Other routes keep the 2 MiB limit.
    let res = send(Method::PUT, &server.url("/echo"), &[], body).await;
    assert_eq!(res.status, 413);
}

#[tokio::test]
async fn upload_lists_every_part_in_order_with_file_hashes() {
    let server = start().await;
    let file: Vec<u8> = (0..3 * 1024 * 1024).map(|i| (i % 13) as u8).collect();
    let mut body = Vec::new();
    body.extend_from_slice(b"preamble\r\n--b0und\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nmy photo\r\n");
    body.extend_from_slice(b"--b0und\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.bin\"\r\nContent-Type: application/x-thing\r\n\r\n");
    body.extend_from_slice(&file);
    body.extend_from_slice(b"\r\n--b0und\r\nContent-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n\r\n\r\n--b0und--\r\n");
    let res = send(
        Method::POST,
        &server.url("/upload"),
        &[("content-type", "multipart/form-data; boundary=b0und")],
        body,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        res.json(),
        serde_json::json!([
            {"name": "title", "value": "my photo"},
            {"name": "photo", "filename": "p.bin", "content_type": "application/x-thing",
             "bytes": file.len(), "sha256": sha256_hex(&file)},
            {"name": "empty", "filename": "", "content_type": null,
             "bytes": 0, "sha256": sha256_hex(b"")},
        ])
    );
}

#[tokio::test]
async fn upload_refuses_other_content_types_malformed_bodies_and_big_fields() {
    let server = start().await;
    let url = server.url("/upload");
    let res = send(
        Method::POST,
        &url,
        &[("content-type", "application/json")],
        "{}",
    )
    .await;
    assert_eq!(res.status, 415);
    let res = send(Method::POST, &url, &[], "x").await;
    assert_eq!(res.status, 415);
    let multipart = [("content-type", "multipart/form-data; boundary=zz")];
    let res = send(
        Method::POST,
        &url,
        &multipart,
        "--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ntrunc",
    )
    .await;
    assert_eq!(res.status, 400);
    let res = send(Method::POST, &url, &multipart, "--zz--\r\n").await;
    assert_eq!((res.status.as_u16(), res.text()), (200, "[]"));
    let field = |len: usize| {
        format!(
            "--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n{}\r\n--zz--\r\n",
            "v".repeat(len)
        )
    };
    let res = send(Method::POST, &url, &multipart, field(64 * 1024)).await;
    assert_eq!(res.status, 200);
    let res = send(Method::POST, &url, &multipart, field(64 * 1024 + 1)).await;
    assert_eq!(res.status, 413);
}

#[tokio::test]
async fn an_upload_over_one_gib_is_413_before_its_body_is_sent() {
    let server = start().await;
    for (method, path, content_type) in [
        ("PUT", "/upload/raw", "application/octet-stream"),
        ("POST", "/upload", "multipart/form-data; boundary=b"),
    ] {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: a\r\nContent-Type: {content_type}\r\nContent-Length: 1073741825\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        // Not a byte of the body was sent: the answer comes anyway, and the connection ends.
        let mut out = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out))
            .await
            .expect("answered and closed without the body")
            .unwrap();
        let res = String::from_utf8_lossy(&out);
        assert!(res.starts_with("HTTP/1.1 413"), "{path}: {res}");
    }
    // Exactly 1 GiB is announced acceptably: the server waits for the body (no 413) and
    // answers 100 Continue to a client that asks first.
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"PUT /upload/raw HTTP/1.1\r\nHost: a\r\nContent-Length: 1073741824\r\nExpect: 100-continue\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
        .await
        .expect("an interim answer")
        .unwrap();
    assert!(
        buf[..n].starts_with(b"HTTP/1.1 100"),
        "{:?}",
        String::from_utf8_lossy(&buf[..n])
    );
}

#[tokio::test]
async fn stats_counts_every_request_through_shared_state() {
    let server = start().await;
    get(&server.url("/hello")).await;
    get(&server.url("/nowhere")).await;
    let first = get(&server.url("/stats")).await.json();
    let second = get(&server.url("/stats")).await.json();
    assert_eq!(
        second["requests"].as_u64().unwrap(),
        first["requests"].as_u64().unwrap() + 1
    );
    assert!(first["requests"].as_u64().unwrap() >= 3);
    assert!(second["uptime_ms"].as_u64().unwrap() >= first["uptime_ms"].as_u64().unwrap());
}

#[tokio::test]
async fn any_answers_every_method_with_its_name() {
    let server = start().await;
    for method in ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PURGE"] {
        let res = send(
            Method::from_bytes(method.as_bytes()).unwrap(),
            &server.url("/any"),
            &[],
            "",
        )
        .await;
        assert_eq!(res.status, 200, "{method}");
        assert_eq!(res.text(), format!("method: {method}"));
        assert_eq!(
            res.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
    }
    let res = raw(
        server.addr,
        b"HEAD /any HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    assert!(res.contains("content-length: 12"), "{res}"); // `method: HEAD`
    assert!(res.ends_with("\r\n\r\n"), "no body: {res}");
}

#[tokio::test]
async fn text_answers_exactly_n_readable_bytes_the_same_every_time() {
    let server = start().await;
    for n in [0usize, 1, 100, 4096, 100_000] {
        let res = get(&server.url(&format!("/text?bytes={n}"))).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.body.len(), n);
        assert!(res
            .body
            .iter()
            .all(|b| b.is_ascii_graphic() || *b == b' ' || *b == b'\n'));
        let again = get(&server.url(&format!("/text?bytes={n}"))).await;
        assert_eq!(res.body, again.body);
    }
    let res = get(&server.url("/text")).await;
    assert_eq!(res.body.len(), 4096);
    assert_eq!(
        res.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    for bad in ["10485761", "-1", "x", ""] {
        let res = get(&server.url(&format!("/text?bytes={bad}"))).await;
        assert_eq!(res.status, 400, "bytes={bad}");
    }
}

#[tokio::test]
async fn a_paced_stream_delivers_each_chunk_before_the_next_is_made() {
    let server = start().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(
            b"GET /stream?chunks=2&delay_ms=1000 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&seen).contains("chunk 0\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("the first chunk arrives")
            .unwrap();
        assert!(n > 0, "closed early: {:?}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    assert!(!String::from_utf8_lossy(&seen).contains("chunk 1"));
    let mut rest = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut rest))
        .await
        .expect("the stream ends")
        .unwrap();
    assert!(String::from_utf8_lossy(&rest).contains("chunk 1\n"));
    for bad in ["delay_ms=1001", "delay_ms=x"] {
        let res = get(&server.url(&format!("/stream?{bad}"))).await;
        assert_eq!(res.status, 400, "{bad}");
    }
}
