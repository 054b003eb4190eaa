//! The production rows of the showcase contract over a real socket: request ids, the access
//! log, CORS, nosniff, compression, sessions, `/whoami` behind a proxy, server-sent events.

mod common;

use std::io::Read as _;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use common::showcase::Config;
use hyper::Method;
use shallot::access_log::{LogWriter, MemoryLines};
use shallot::forwarded::TrustedProxies;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

async fn start_logged() -> (common::Showcase, LogWriter, MemoryLines) {
    let (writer, lines) = LogWriter::in_memory();
    let config = Config {
        access_log: Some(writer.clone()),
        ..Config::new(&common::static_dir())
    };
    (
        common::start_config(config, |server| server).await,
        writer,
        lines,
    )
}

fn logged(writer: &LogWriter, lines: &MemoryLines) -> Vec<serde_json::Value> {
    assert!(writer.flush(Duration::from_secs(5)));
    lines
        .lines()
        .iter()
        .map(|line| serde_json::from_str(line).expect("every line is a JSON object"))
        .collect()
}

async fn send(method: Method, url: &str, headers: &[(&str, &str)]) -> common::Answer {
    common::send(method, url, headers, Bytes::new()).await
}

#[tokio::test]
async fn every_answer_carries_a_request_id_kept_or_made() {
    let server = common::start().await;
    let kept = send(
        Method::GET,
        &server.url("/hello"),
        &[("x-request-id", "abc-1.2_3")],
    )
    .await;
    assert_eq!(kept.header("x-request-id"), Some("abc-1.2_3"));
    let mut seen = std::collections::HashSet::new();
    for (path, headers) in [
        ("/hello", &[("x-request-id", "bad id!")][..]),
        ("/static/index.html", &[]),
        ("/nowhere", &[]),
        ("/panic", &[]),
        ("/hello", &[("x-request-id", &*"x".repeat(65))]),
    ] {
        let res = send(Method::GET, &server.url(path), headers).await;
        let id = res.header("x-request-id").expect("an id").to_owned();
        assert!(
            id.len() >= 16
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        );
        assert!(seen.insert(id), "ids differ");
    }
    let preflight = send(
        Method::OPTIONS,
        &server.url("/hello"),
        &[
            ("origin", "https://app.example"),
            ("access-control-request-method", "GET"),
        ],
    )
    .await;
    assert!(preflight.header("x-request-id").is_some());
}

#[tokio::test]
async fn the_access_log_writes_one_json_line_per_request_with_the_bytes_sent() {
    let (server, writer, lines) = start_logged().await;
    let hello = send(
        Method::GET,
        &server.url("/hello?x=1"),
        &[("x-request-id", "req-1")],
    )
    .await;
    assert_eq!(hello.text(), "hi user!");
    send(Method::HEAD, &server.url("/hello"), &[]).await;
    let zipped = send(
        Method::GET,
        &server.url("/text?bytes=5000"),
        &[("accept-encoding", "gzip")],
    )
    .await;
    send(Method::GET, &server.url("/nowhere"), &[]).await;
    let logged = logged(&writer, &lines);
    assert_eq!(logged.len(), 4, "{logged:?}");
    let hello = &logged[0];
    for key in [
        "ts",
        "ip",
        "method",
        "path",
        "status",
        "bytes",
        "request_id",
    ] {
        assert!(hello.get(key).is_some(), "{key}");
    }
    assert_eq!(hello["path"], "/hello?x=1");
    assert_eq!(hello["ip"], "127.0.0.1");
    assert_eq!(
        (hello["status"].as_u64(), hello["bytes"].as_u64()),
        (Some(200), Some(8))
    );
    assert_eq!(hello["request_id"], "req-1");
    let ts = hello["ts"].as_str().expect("a string");
    assert!(
        ts.len() == 24 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T',
        "{ts}"
    );
    assert_eq!(
        (logged[1]["method"].as_str(), logged[1]["bytes"].as_u64()),
        (Some("HEAD"), Some(0))
    );
    assert_eq!(
        logged[2]["bytes"].as_u64(),
        Some(zipped.body.len() as u64),
        "bytes after coding"
    );
    assert_eq!(logged[3]["status"], 404);
}

#[tokio::test]
async fn a_streamed_answer_is_logged_when_it_ends_or_the_client_leaves() {
    let (server, writer, lines) = start_logged().await;
    let mut stream = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    stream
        .write_all(b"GET /stream?chunks=100&delay_ms=50 HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .expect("write");
    let mut first = [0u8; 64];
    let n = stream
        .read(&mut first)
        .await
        .expect("the head and first chunk");
    assert!(n > 0);
    assert!(writer.flush(Duration::from_secs(5)));
    assert!(lines.lines().is_empty(), "logged before the stream ended");
    drop(stream); // the client leaves mid-stream
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while lines.lines().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "no line after the client left"
        );
        writer.flush(Duration::from_secs(1));
        tokio::task::yield_now().await;
    }
    let line: serde_json::Value = serde_json::from_str(&lines.lines()[0]).expect("JSON");
    let bytes = line["bytes"].as_u64().expect("a number");
    assert!(bytes < 100 * 8, "{bytes}");
}

#[tokio::test]
async fn cors_answers_preflights_before_routing_and_tags_actual_answers() {
    let server = common::start().await;
    let allowed = [("origin", "https://app.example")];
    let res = send(Method::GET, &server.url("/nowhere"), &allowed).await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    assert!(res
        .header("access-control-expose-headers")
        .is_some_and(|h| h.contains("x-request-id")));
    assert!(res.header("vary").is_some_and(|v| v.contains("Origin")));

    for origin in [
        "null",
        "https://app.example.evil",
        "http://app.example",
        "https://app.example:8443",
    ] {
        let res = send(Method::GET, &server.url("/hello"), &[("origin", origin)]).await;
        assert_eq!(res.text(), "hi user!");
        assert!(
            res.headers
                .keys()
                .all(|k| !k.as_str().starts_with("access-control-")),
            "{origin}"
        );
        assert!(res.header("vary").is_some_and(|v| v.contains("Origin")));
    }

    let preflight = send(
        Method::OPTIONS,
        &server.url("/no/such/route"),
        &[
            ("origin", "http://localhost:3000"),
            ("access-control-request-method", "DELETE"),
            (
                "access-control-request-headers",
                "Content-Type, Authorization",
            ),
        ],
    )
    .await;
    assert_eq!(preflight.status, 204);
    assert!(preflight.body.is_empty());
    assert_eq!(preflight.header("access-control-max-age"), Some("600"));
    assert_eq!(
        preflight.header("access-control-allow-methods"),
        Some("GET, POST, PUT, DELETE")
    );
    let refused = send(
        Method::OPTIONS,
        &server.url("/any"),
        &[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "GET"),
        ],
    )
    .await;
    assert_eq!(refused.status, 403);
    assert!(refused
        .headers
        .keys()
        .all(|k| !k.as_str().starts_with("access-control-")));
    // An OPTIONS that is not a preflight reaches the handler.
    let plain = send(Method::OPTIONS, &server.url("/any"), &allowed).await;
    assert_eq!(plain.text(), "method: OPTIONS");
}

#[tokio::test]
async fn nosniff_is_on_every_answer_of_the_pile() {
    let server = common::start().await;
    for path in [
        "/hello",
        "/static/index.html",
        "/nowhere",
        "/panic",
        "/json",
    ] {
        let res = send(Method::GET, &server.url(path), &[]).await;
        assert_eq!(
            res.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
}

fn decode(coding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "gzip" => {
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut out)
                .expect("gzip");
        }
        "br" => {
            brotli::Decompressor::new(bytes, 4096)
                .read_to_end(&mut out)
                .expect("br");
        }
        "zstd" => out = zstd::decode_all(bytes).expect("zstd"),
        other => panic!("{other}"),
    }
    out
}

#[tokio::test]
async fn route_answers_are_compressed_as_negotiated() {
    let server = common::start().await;
    let plain = common::get(&server.url("/text?bytes=5000")).await;
    assert_eq!(plain.header("vary"), Some("Accept-Encoding, Origin"));
    for (accept, coding) in [
        ("gzip", "gzip"),
        ("br", "br"),
        ("zstd", "zstd"),
        ("gzip, zstd, br", "br"),
        ("gzip;q=1, br;q=0.5", "gzip"),
    ] {
        let res = send(
            Method::GET,
            &server.url("/text?bytes=5000"),
            &[("accept-encoding", accept)],
        )
        .await;
        assert_eq!(res.header("content-encoding"), Some(coding), "{accept}");
        assert_eq!(decode(coding, &res.body), plain.body.as_ref());
        let head = send(
            Method::HEAD,
            &server.url("/text?bytes=5000"),
            &[("accept-encoding", accept)],
        )
        .await;
        assert_eq!(head.header("content-encoding"), Some(coding));
        assert_eq!(head.header("content-length"), res.header("content-length"));
    }
    for (path, accept) in [
        ("/text?bytes=1023", "gzip"),
        ("/text?bytes=5000", "gzip;q=0"),
        ("/text?bytes=5000", "identity"),
        ("/events?n=100", "gzip"),
        ("/static/index.html", "gzip"),
    ] {
        let res = send(
            Method::GET,
            &server.url(path),
            &[("accept-encoding", accept)],
        )
        .await;
        assert_eq!(res.header("content-encoding"), None, "{path} {accept}");
    }
}

#[tokio::test]
async fn a_compressed_stream_reaches_the_client_chunk_by_chunk() {
    let server = common::start().await;
    let mut stream = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    stream
        .write_all(b"GET /stream?chunks=3&delay_ms=1000 HTTP/1.1\r\nhost: x\r\naccept-encoding: gzip\r\n\r\n")
        .await
        .expect("write");
    // Read until the first chunk of the chunked body has arrived.
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    let body_start = loop {
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("the first chunk within 5 s, long before the stream ends")
            .expect("read");
        assert!(n > 0, "closed early");
        received.extend_from_slice(&buf[..n]);
        if let Some(at) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&received[..at]).to_ascii_lowercase();
            assert!(head.contains("content-encoding: gzip"), "{head}");
            assert!(head.contains("transfer-encoding: chunked"), "{head}");
            if let Some(data) = first_chunk(&received[at + 4..]) {
                break data;
            }
        }
    };
    let mut decoded = Vec::new();
    let mut decoder = flate2::read::GzDecoder::new(&body_start[..]);
    let _ = decoder.read_to_end(&mut decoded);
    assert_eq!(String::from_utf8_lossy(&decoded), "chunk 0\n");
}

/// The data of the first complete chunk of a chunked body.
fn first_chunk(body: &[u8]) -> Option<Vec<u8>> {
    let line_end = body.windows(2).position(|w| w == b"\r\n")?;
    let size =
        usize::from_str_radix(std::str::from_utf8(&body[..line_end]).ok()?.trim(), 16).ok()?;
    let data = body.get(line_end + 2..line_end + 2 + size)?;
    Some(data.to_vec())
}

fn sid(res: &common::Answer) -> String {
    let cookie = res.header("set-cookie").expect("a sid cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    cookie.split(';').next().expect("name=value").to_owned()
}

#[tokio::test]
async fn sessions_count_visits_rotate_on_login_and_end_on_logout() {
    let server = common::start().await;
    let first = common::get(&server.url("/session")).await;
    assert_eq!(first.json(), serde_json::json!({"visits": 1, "user": null}));
    let id = sid(&first);
    let second = send(Method::GET, &server.url("/session"), &[("cookie", &id)]).await;
    assert_eq!(second.json()["visits"], 2);
    assert!(second.header("set-cookie").is_none(), "same id: no cookie");
    assert!(common::get(&server.url("/hello"))
        .await
        .header("set-cookie")
        .is_none());

    let login = common::send(
        Method::POST,
        &server.url("/session/login"),
        &[("cookie", &id), ("content-type", "application/json")],
        r#"{"user": "ann"}"#,
    )
    .await;
    assert_eq!(login.json(), serde_json::json!({"user": "ann"}));
    let new = sid(&login);
    assert_ne!(new, id);
    let after = send(Method::GET, &server.url("/session"), &[("cookie", &new)]).await;
    assert_eq!(
        after.json(),
        serde_json::json!({"visits": 3, "user": "ann"})
    );
    let old = send(Method::GET, &server.url("/session"), &[("cookie", &id)]).await;
    assert_eq!(old.json()["visits"], 1, "the old id finds nothing");

    for body in [
        "not json",
        r#"{"user": ""}"#,
        r#"{"user": 7}"#,
        r#"{}"#,
        &format!(r#"{{"user": "{}"}}"#, "é".repeat(65)),
    ] {
        let res = common::send(
            Method::POST,
            &server.url("/session/login"),
            &[("content-type", "application/json")],
            body.to_owned(),
        )
        .await;
        assert_eq!(res.status, 400, "{body}");
    }
    let ok64 = format!(r#"{{"user": "{}"}}"#, "é".repeat(64));
    assert_eq!(
        common::send(Method::POST, &server.url("/session/login"), &[], ok64)
            .await
            .status,
        200
    );

    let logout = common::send(
        Method::POST,
        &server.url("/session/logout"),
        &[("cookie", &new)],
        "",
    )
    .await;
    assert_eq!(logout.status, 204);
    let removal = logout.header("set-cookie").expect("removed");
    assert!(
        removal.contains("Max-Age=0") && removal.contains("Path=/"),
        "{removal}"
    );
    let gone = send(Method::GET, &server.url("/session"), &[("cookie", &new)]).await;
    assert_eq!(gone.json()["visits"], 1);
    assert_eq!(
        common::send(Method::POST, &server.url("/session/logout"), &[], "")
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn forged_ids_are_never_adopted_and_concurrent_visits_all_count() {
    let server = Arc::new(common::start().await);
    let forged = format!("sid={}", "Q".repeat(32));
    let res = send(Method::GET, &server.url("/session"), &[("cookie", &forged)]).await;
    assert_eq!(res.json()["visits"], 1);
    assert_ne!(sid(&res), forged);

    let id = sid(&common::get(&server.url("/session")).await);
    let before = send(Method::GET, &server.url("/session"), &[("cookie", &id)])
        .await
        .json()["visits"]
        .as_u64()
        .expect("n");
    let visits: Vec<_> = (0..20)
        .map(|_| {
            let (server, id) = (Arc::clone(&server), id.clone());
            tokio::spawn(async move {
                send(Method::GET, &server.url("/session"), &[("cookie", &id)])
                    .await
                    .status
            })
        })
        .collect();
    for visit in visits {
        assert_eq!(visit.await.expect("joined"), 200);
    }
    let after = send(Method::GET, &server.url("/session"), &[("cookie", &id)])
        .await
        .json()["visits"]
        .as_u64()
        .expect("n");
    assert_eq!(after, before + 21);
}

#[tokio::test]
async fn whoami_believes_only_trusted_proxies() {
    let untrusted = common::start().await;
    let spoof = [
        ("x-forwarded-for", "203.0.113.9"),
        ("x-forwarded-proto", "https"),
        ("forwarded", "for=203.0.113.9"),
    ];
    let res = send(Method::GET, &untrusted.url("/whoami"), &spoof).await;
    let host = untrusted.addr.to_string();
    assert_eq!(
        res.json(),
        serde_json::json!({"ip": "127.0.0.1", "scheme": "http", "host": host})
    );

    let proxies = TrustedProxies::parse(["127.0.0.1/32"]).expect("a range");
    let trusted = common::start_config(Config::new(&common::static_dir()), |server| {
        server.with_trusted_proxies(proxies)
    })
    .await;
    let res = send(
        Method::GET,
        &trusted.url("/whoami"),
        &[
            ("x-forwarded-for", "1.1.1.1, 203.0.113.9"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "app.example"),
        ],
    )
    .await;
    assert_eq!(
        res.json(),
        serde_json::json!({"ip": "203.0.113.9", "scheme": "https", "host": "app.example"})
    );
    let res = send(
        Method::GET,
        &trusted.url("/whoami"),
        &[("forwarded", r#"for="[2001:db8::5]:99";proto=https"#)],
    )
    .await;
    assert_eq!(res.json()["ip"], "2001:db8::5");
    // Behind an HTTPS proxy the session cookie is Secure.
    let res = send(
        Method::GET,
        &trusted.url("/session"),
        &[("x-forwarded-proto", "https")],
    )
    .await;
    assert!(res
        .header("set-cookie")
        .is_some_and(|c| c.contains("; Secure")));
    // A malformed header is ignored, never an error.
    let res = send(
        Method::GET,
        &trusted.url("/whoami"),
        &[("x-forwarded-for", "203.0.113.9, junk")],
    )
    .await;
    assert_eq!(
        (res.status.as_u16(), res.json()["ip"].as_str()),
        (200, Some("127.0.0.1"))
    );
}

#[tokio::test]
async fn events_stream_ticks_and_resume_after_last_event_id() {
    let server = common::start().await;
    let res = send(
        Method::GET,
        &server.url("/events?n=3"),
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(res.header("content-type"), Some("text/event-stream"));
    assert_eq!(res.header("cache-control"), Some("no-cache"));
    assert_eq!(res.header("content-encoding"), None);
    assert_eq!(
        res.text(),
        "id: 0\ndata: tick 0\n\nid: 1\ndata: tick 1\n\nid: 2\ndata: tick 2\n\n"
    );
    let resumed = send(
        Method::GET,
        &server.url("/events?n=3"),
        &[("last-event-id", "1")],
    )
    .await;
    assert_eq!(resumed.text(), "id: 2\ndata: tick 2\n\n");
    let ignored = send(
        Method::GET,
        &server.url("/events?n=2"),
        &[("last-event-id", "x")],
    )
    .await;
    assert_eq!(
        ignored.text(),
        "id: 0\ndata: tick 0\n\nid: 1\ndata: tick 1\n\n"
    );
    assert_eq!(
        common::get(&server.url("/events"))
            .await
            .text()
            .matches("data: ")
            .count(),
        5
    );
    assert_eq!(common::get(&server.url("/events?n=0")).await.text(), "");
    let paced = common::get(&server.url("/events?n=2&delay_ms=50")).await;
    assert_eq!(
        paced.text(),
        "id: 0\ndata: tick 0\n\nid: 1\ndata: tick 1\n\n"
    );
    for bad in [
        "/events?n=",
        "/events?n=10001",
        "/events?n=-1",
        "/events?delay_ms=1001",
    ] {
        assert_eq!(common::get(&server.url(bad)).await.status, 400, "{bad}");
    }
}
