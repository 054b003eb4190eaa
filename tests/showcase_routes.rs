//! Every row of the showcase contract, over a real socket with a real HTTP client.

mod common;

use common::{get, raw, send, start};
use hyper::Method;

const TEXT: &str = "text/plain; charset=utf-8";

#[tokio::test]
async fn root_and_hello_say_hi() {
    let app = start().await;
    for path in ["/", "/hello", "/hello/"] {
        let res = get(&app.url(path)).await;
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(res.header("content-type"), Some(TEXT));
        assert_eq!(res.text(), "hi user!");
    }
}

#[tokio::test]
async fn hello_index_greets_the_decoded_segment() {
    let app = start().await;
    for (path, body) in [
        ("/hello/42", "hi user number: 42"),
        ("/hello/a%20b", "hi user number: a b"),
        ("/hello/%C3%A9t%C3%A9", "hi user number: été"),
        ("/hello/x%2Fy", "hi user number: x/y"),
        ("/hello/7/", "hi user number: 7"),
    ] {
        let res = get(&app.url(path)).await;
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(res.header("content-type"), Some(TEXT));
        assert_eq!(res.text(), body);
    }
}

#[tokio::test]
async fn echo_returns_the_body_and_its_content_type() {
    let app = start().await;
    for method in [Method::POST, Method::PUT] {
        let res = send(
            method,
            &app.url("/echo"),
            &[("content-type", "text/x-thing")],
            "abc\0\u{1}",
        )
        .await;
        assert_eq!(res.status, 200);
        assert_eq!(res.header("content-type"), Some("text/x-thing"));
        assert_eq!(&res.body[..], b"abc\0\x01");
    }
    let res = send(Method::POST, &app.url("/echo"), &[], vec![0u8, 255, 10]).await;
    assert_eq!(res.header("content-type"), Some("application/octet-stream"));
    assert_eq!(&res.body[..], &[0u8, 255, 10]);

    let res = get(&app.url("/echo")).await;
    assert_eq!(res.status, 200);
    assert!(res.body.is_empty());
}

#[tokio::test]
async fn echo_takes_a_body_of_two_mib_and_refuses_a_larger_one_with_413() {
    let app = start().await;
    let limit = 2 * 1024 * 1024;
    let res = send(Method::POST, &app.url("/echo"), &[], vec![b'a'; limit]).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.body.len(), limit);

    let res = raw(
        app.addr,
        format!(
            "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: {}\r\n\r\n",
            limit + 1
        )
        .as_bytes(),
    )
    .await;
    assert!(res.starts_with("HTTP/1.1 413"), "{res}");
}

#[tokio::test]
async fn stream_sends_numbered_chunks_without_a_length() {
    let app = start().await;
    let res = get(&app.url("/stream")).await;
    assert_eq!(res.status, 200);
    assert!(res
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(res.header("content-length"), None);
    assert_eq!(res.header("transfer-encoding"), Some("chunked"));
    assert_eq!(res.text(), "chunk 0\nchunk 1\nchunk 2\n");

    let res = get(&app.url("/stream?chunks=10000")).await;
    assert_eq!(res.status, 200);
    assert!(res.text().ends_with("chunk 9999\n"));
    assert_eq!(res.text().lines().count(), 10_000);

    let res = get(&app.url("/stream?chunks=0")).await;
    assert_eq!((res.status.as_u16(), res.text()), (200, ""));
}

#[tokio::test]
async fn stream_refuses_a_bad_chunk_count_with_400() {
    let app = start().await;
    for query in [
        "chunks=10001",
        "chunks=-1",
        "chunks=abc",
        "chunks=",
        "chunks=1.5",
    ] {
        let res = get(&app.url(&format!("/stream?{query}"))).await;
        assert_eq!(res.status, 400, "{query}");
        assert_eq!(res.header("content-type"), Some(TEXT));
    }
}

#[tokio::test]
async fn the_raw_stream_is_chunked_on_the_wire() {
    let app = start().await;
    let res = raw(
        app.addr,
        b"GET /stream?chunks=2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(
        res.contains("\r\n8\r\nchunk 0\n\r\n8\r\nchunk 1\n\r\n0\r\n\r\n"),
        "{res}"
    );
}

#[tokio::test]
async fn students_come_from_a_group_with_an_optional_session() {
    let app = start().await;
    let res = get(&app.url("/api/v1/students/12")).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(res.json(), serde_json::json!({"id": "12", "session": null}));

    let res = get(&app.url("/api/v1/students/12/spring%202024")).await;
    assert_eq!(
        res.json(),
        serde_json::json!({"id": "12", "session": "spring 2024"})
    );

    assert_eq!(get(&app.url("/students/12")).await.status, 404);
}

#[tokio::test]
async fn files_keeps_the_rest_of_the_path() {
    let app = start().await;
    let res = get(&app.url("/files/a/b/c.txt")).await;
    assert_eq!((res.status.as_u16(), res.text()), (200, "path: a/b/c.txt"));
    assert_eq!(res.header("content-type"), Some(TEXT));
}

#[tokio::test]
async fn url_builds_the_hello_index_path_by_reverse_routing() {
    let app = start().await;
    for (path, body) in [
        ("/url/5", "/hello/5"),
        ("/url/a%20b", "/hello/a%20b"),
        ("/url/a%2Fb", "/hello/a%2Fb"),
        ("/url/%C3%A9", "/hello/%C3%A9"),
    ] {
        let res = get(&app.url(path)).await;
        assert_eq!((res.status.as_u16(), res.text()), (200, body), "{path}");
    }
}

#[tokio::test]
async fn slow_sleeps_then_answers_and_refuses_too_long() {
    let app = start().await;
    let started = std::time::Instant::now();
    let res = get(&app.url("/slow?ms=300")).await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    assert_eq!((res.status.as_u16(), res.text()), (200, "slept 300 ms"));
    assert_eq!(get(&app.url("/slow?ms=30001")).await.status, 400);
    assert_eq!(get(&app.url("/slow?ms=soon")).await.status, 400);
}

#[tokio::test]
async fn panic_is_500_and_the_server_keeps_serving() {
    let app = start().await;
    let res = get(&app.url("/panic")).await;
    assert_eq!(res.status, 500);
    assert_eq!(res.header("content-type"), Some(TEXT));
    let res = get(&app.url("/hello")).await;
    assert_eq!((res.status.as_u16(), res.text()), (200, "hi user!"));
}

#[tokio::test]
async fn unknown_paths_are_404_not_found_in_plain_text() {
    let app = start().await;
    for path in ["/nope", "/hello/1/2", "/api/v1", "/static-ish"] {
        let res = get(&app.url(path)).await;
        assert_eq!(res.status, 404, "{path}");
        assert_eq!(res.header("content-type"), Some(TEXT));
        assert_eq!(res.text(), "Not Found");
    }
}

#[tokio::test]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let app = start().await;
    let res = send(Method::DELETE, &app.url("/hello"), &[], "").await;
    assert_eq!(res.status, 405);
    assert_eq!(res.text(), "Method Not Allowed");
    assert_eq!(res.header("content-type"), Some(TEXT));
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));

    let res = send(Method::DELETE, &app.url("/echo"), &[], "").await;
    assert_eq!(res.header("allow"), Some("GET, HEAD, POST, PUT, OPTIONS"));
}

#[tokio::test]
async fn head_is_answered_for_every_get_route_with_the_same_headers_and_no_body() {
    let app = start().await;
    for path in [
        "/",
        "/hello/3",
        "/api/v1/students/1",
        "/files/x",
        "/url/1",
        "/stream",
    ] {
        let get_res = get(&app.url(path)).await;
        let head_res = send(Method::HEAD, &app.url(path), &[], "").await;
        assert_eq!(head_res.status, get_res.status, "{path}");
        assert!(head_res.body.is_empty(), "{path}");
        assert_eq!(
            head_res.header("content-type"),
            get_res.header("content-type"),
            "{path}"
        );
        assert_eq!(
            head_res.header("content-length"),
            get_res.header("content-length"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn keep_alive_reuses_one_connection_for_many_requests() {
    let app = start().await;
    let mut request = Vec::new();
    for i in 0..5 {
        request.extend_from_slice(format!("GET /hello/{i} HTTP/1.1\r\nHost: a\r\n\r\n").as_bytes());
    }
    request.extend_from_slice(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    let res = raw(app.addr, &request).await;
    assert_eq!(res.matches("HTTP/1.1 200 OK").count(), 6, "{res}");
    for i in 0..5 {
        assert!(res.contains(&format!("hi user number: {i}")));
    }
}

#[tokio::test]
async fn http2_with_prior_knowledge_is_served_on_the_same_port() {
    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};
    let app = start().await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .http2_only(true)
        .build_http::<Full<Bytes>>();
    let res = client
        .request(
            hyper::Request::get(app.url("/hello/2"))
                .body(Full::default())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.version(), hyper::Version::HTTP_2);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"hi user number: 2");
}

#[tokio::test]
async fn shutdown_finishes_an_in_flight_slow_request() {
    let mut app = start().await;
    let url = app.url("/slow?ms=700");
    let in_flight = tokio::spawn(async move { get(&url).await });
    common::wait_in_flight(&app.addr.to_string()).await;
    app.stop();
    let res = in_flight.await.unwrap();
    assert_eq!((res.status.as_u16(), res.text()), (200, "slept 700 ms"));
    (&mut app.task).await.unwrap().unwrap();
}
