//! The compression rules of the showcase contract, decoded with the codecs themselves.

use std::io::Read as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use shallot_compression::{wrap_compression, Coding};
use shallot_core::http::{header, HeaderValue, StatusCode};
use shallot_core::{chain_middleware, status, test, Body, ChainHandler, Request, Response};

fn decode(coding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "gzip" => {
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut out)
                .expect("gzip decodes");
        }
        "br" => {
            brotli::Decompressor::new(bytes, 4096)
                .read_to_end(&mut out)
                .expect("brotli decodes");
        }
        "zstd" => out = zstd::decode_all(bytes).expect("zstd decodes"),
        other => panic!("unexpected coding {other}"),
    }
    out
}

fn big_text() -> String {
    (0..400)
        .map(|i| format!("line {i} of some text\n"))
        .collect()
}

async fn handler(req: Request) -> Response {
    let mut res = match req.uri().path() {
        "/small" => shallot_core::text("tiny"),
        "/json" => {
            let mut res = Response::new(Body::from(format!("[{}0]", "1,".repeat(1000))));
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            res
        }
        "/png" => {
            let mut res = Response::new(Body::from(vec![0u8; 4096]));
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
            res
        }
        "/events" => shallot_core::stream(
            HeaderValue::from_static("text/event-stream"),
            Body::from(big_text()),
        ),
        "/encoded" => {
            let mut res = shallot_core::text(big_text());
            res.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            res
        }
        "/no-content" => {
            let mut res = status(StatusCode::NO_CONTENT);
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            res
        }
        "/stream" => shallot_core::stream(
            shallot_core::TEXT_PLAIN_UTF_8,
            Body::from_iter((0..3).map(|i| format!("chunk {i}\n"))),
        ),
        "/huge" => shallot_core::text(big_text().repeat(100)),
        _ => shallot_core::text(big_text()),
    };
    if req.uri().path() == "/etag" {
        res.headers_mut()
            .insert(header::ETAG, HeaderValue::from_static("\"abc\""));
    }
    res
}

fn app() -> ChainHandler {
    chain_middleware((test::lint(), wrap_compression())).apply(handler)
}

#[tokio::test]
async fn each_coding_decodes_to_the_original() {
    for coding in ["br", "zstd", "gzip"] {
        for path in ["/", "/json", "/huge", "/stream"] {
            let plain = test::get(path).send(&app()).await;
            let res = test::get(path)
                .header("accept-encoding", coding)
                .send(&app())
                .await;
            res.assert_header("content-encoding", coding)
                .assert_header("vary", "Accept-Encoding");
            assert_eq!(
                decode(coding, res.body()),
                plain.body().as_ref(),
                "{coding} {path}"
            );
            if let Some(length) = res.header("content-length") {
                assert_eq!(length, res.body().len().to_string());
            }
        }
    }
}

#[tokio::test]
async fn q_values_choose_the_coding() {
    for (accept, expected) in [
        ("gzip, zstd, br", Some("br")),
        ("gzip;q=1, br;q=0.5", Some("gzip")),
        ("br;q=0, gzip", Some("gzip")),
        ("*", Some("br")),
        ("*, br;q=0", Some("zstd")),
        ("identity", None),
        ("br;q=0, zstd;q=0, gzip;q=0", None),
        ("deflate", None),
        ("identity;q=0", None),
        ("identity;q=0, gzip;q=0.5", Some("gzip")),
        ("gzip;q=0.2, gzip;q=0.9, br;q=0.5", Some("br")),
        ("compress, x-unknown, GZIP", Some("gzip")),
        ("*;q=0.1, gzip;q=0.5", Some("gzip")),
    ] {
        let res = test::get("/")
            .header("accept-encoding", accept)
            .send(&app())
            .await;
        assert_eq!(res.header("content-encoding"), expected, "{accept}");
        res.assert_header("vary", "Accept-Encoding");
    }
}

#[tokio::test]
async fn answers_that_are_never_compressed() {
    for path in ["/small", "/png", "/events", "/no-content"] {
        let res = test::get(path)
            .header("accept-encoding", "gzip")
            .send(&app())
            .await;
        res.assert_no_header("content-encoding");
    }
    // Already encoded: left alone.
    test::get("/encoded")
        .header("accept-encoding", "br")
        .send(&app())
        .await
        .assert_header("content-encoding", "gzip");
    // Vary only for compressible types.
    test::get("/png")
        .header("accept-encoding", "gzip")
        .send(&app())
        .await
        .assert_no_header("vary");
    test::get("/small")
        .header("accept-encoding", "gzip")
        .send(&app())
        .await
        .assert_header("vary", "Accept-Encoding");
}

#[tokio::test]
async fn head_gets_the_get_headers() {
    let get = test::get("/")
        .header("accept-encoding", "gzip")
        .send(&app())
        .await;
    let head = test::head("/")
        .header("accept-encoding", "gzip")
        .send(&app())
        .await;
    assert_eq!(head.header("content-encoding"), Some("gzip"));
    let get_length = get.body().len().to_string();
    assert_eq!(head.header("content-length"), Some(get_length.as_str()));
    assert!(head.body().is_empty());
}

#[tokio::test]
async fn a_strong_etag_becomes_weak() {
    test::get("/etag")
        .header("accept-encoding", "gzip")
        .send(&app())
        .await
        .assert_header("etag", "W/\"abc\"");
}

#[tokio::test]
async fn codings_can_be_restricted() {
    let app = chain_middleware((wrap_compression().with_codings([Coding::Gzip]),)).apply(handler);
    test::get("/")
        .header("accept-encoding", "br, gzip;q=0.1")
        .send(&app)
        .await
        .assert_header("content-encoding", "gzip");
}

/// `chunk {i}\n` every 10 ms, with a flag telling how many were produced so far.
struct Paced {
    next: u32,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl futures_core_alias::Stream for Paced {
    type Item = Result<String, std::convert::Infallible>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.next == 3 {
            return Poll::Ready(None);
        }
        if let Some(sleep) = self.sleep.as_mut() {
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        let i = self.next;
        self.next += 1;
        self.sleep = Some(Box::pin(tokio::time::sleep(Duration::from_millis(10))));
        Poll::Ready(Some(Ok(format!("chunk {i}\n"))))
    }
}

mod futures_core_alias {
    pub(crate) use futures_core::Stream;
}

use std::future::Future as _;

#[tokio::test]
async fn a_slow_stream_is_flushed_chunk_by_chunk() {
    use http_body::Body as _;
    for coding in ["br", "zstd", "gzip"] {
        let res = shallot_core::stream(
            shallot_core::TEXT_PLAIN_UTF_8,
            Body::from_stream(Paced {
                next: 0,
                sleep: None,
            }),
        );
        let accept = HeaderValue::from_static(coding);
        let res =
            shallot_compression::compression_response(res, Some(&accept), &wrap_compression());
        let mut body = res.into_body();
        let mut received = Vec::new();
        for i in 0..3 {
            // Each chunk arrives, decodable, before the next one exists.
            let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx))
                .await
                .expect("a frame")
                .expect("no error");
            received.extend_from_slice(frame.data_ref().expect("data"));
            let decoded = decode_prefix(coding, &received);
            assert_eq!(
                String::from_utf8_lossy(&decoded),
                (0..=i).map(|j| format!("chunk {j}\n")).collect::<String>(),
                "{coding} after chunk {i}"
            );
        }
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            received.extend_from_slice(frame.expect("no error").data_ref().expect("data"));
        }
        assert_eq!(decode(coding, &received), b"chunk 0\nchunk 1\nchunk 2\n");
    }
}

/// What a decoder can get out of an unfinished stream.
fn decode_prefix(coding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    let mut reader: Box<dyn std::io::Read> = match coding {
        "gzip" => Box::new(flate2::read::GzDecoder::new(bytes)),
        "br" => Box::new(brotli::Decompressor::new(bytes, 4096)),
        _ => Box::new(zstd::stream::read::Decoder::new(bytes).expect("zstd decoder")),
    };
    while let Ok(n) = reader.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    out
}

#[tokio::test]
async fn the_content_type_rule_can_be_replaced() {
    let only_json = wrap_compression().with_content_types(|t| t.starts_with("application/json"));
    let app = chain_middleware((only_json,)).apply(handler);
    let text = test::get("/")
        .header("accept-encoding", "gzip")
        .send(&app)
        .await;
    text.assert_no_header("content-encoding")
        .assert_no_header("vary");
    test::get("/json")
        .header("accept-encoding", "gzip")
        .send(&app)
        .await
        .assert_header("content-encoding", "gzip");
}

/// 64 KiB of words in a pseudo-random order: text whose size each level changes.
fn varied_text() -> String {
    const WORDS: [&str; 16] = [
        "pile", "step", "answer", "request", "chain", "header", "body", "stream", "coding",
        "level", "window", "shallot", "toolkit", "client", "server", "bytes",
    ];
    let mut seed: u32 = 12_345;
    let mut text = String::new();
    while text.len() < 64 * 1024 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        text.push_str(WORDS[(seed >> 16) as usize % WORDS.len()]);
        text.push(if seed % 7 == 0 { '\n' } else { ' ' });
    }
    text
}

/// The body `compression` gives `varied_text()` in `coding`, checked to decode back.
async fn compressed(
    compression: shallot_compression::CompressionMiddleware,
    coding: &str,
) -> Vec<u8> {
    let text = varied_text();
    let app = chain_middleware((test::lint(), compression)).apply(move |_req: Request| {
        let text = text.clone();
        async move { shallot_core::text(text) }
    });
    let res = test::get("/")
        .header("accept-encoding", coding)
        .send(&app)
        .await;
    res.assert_header("content-encoding", coding);
    assert_eq!(
        decode(coding, res.body()),
        varied_text().as_bytes(),
        "{coding}"
    );
    res.body().to_vec()
}

#[tokio::test]
async fn levels_are_used_and_out_of_range_ones_clamped() {
    let size = |body: &Vec<u8>| body.len();
    let gzip = |level| wrap_compression().with_gzip_level(level);
    let (fast, small) = (
        compressed(gzip(1), "gzip").await,
        compressed(gzip(9), "gzip").await,
    );
    assert!(
        size(&small) < size(&fast),
        "{} {}",
        size(&small),
        size(&fast)
    );
    // Level 0 stores: more bytes than the text itself.
    assert!(compressed(gzip(0), "gzip").await.len() > varied_text().len());
    assert_eq!(compressed(gzip(100), "gzip").await, small);

    let brotli = |quality| wrap_compression().with_brotli_quality(quality);
    let (fast, small) = (
        compressed(brotli(0), "br").await,
        compressed(brotli(11), "br").await,
    );
    assert!(
        size(&small) < size(&fast),
        "{} {}",
        size(&small),
        size(&fast)
    );
    assert_eq!(compressed(brotli(99), "br").await, small);

    let zstd = |level| wrap_compression().with_zstd_level(level);
    let (fast, small) = (
        compressed(zstd(1), "zstd").await,
        compressed(zstd(19), "zstd").await,
    );
    assert!(
        size(&small) < size(&fast),
        "{} {}",
        size(&small),
        size(&fast)
    );
    assert_eq!(compressed(zstd(-5), "zstd").await, fast);
    assert_eq!(compressed(zstd(0), "zstd").await, fast);
}

#[tokio::test]
async fn the_minimum_size_applies_to_whole_bodies_only() {
    let app =
        chain_middleware((test::lint(), wrap_compression().with_min_size(20_000))).apply(handler);
    // `/` is over the default minimum (and compressed by default), under this one.
    assert!((1024..20_000).contains(&big_text().len()));
    for (path, compressed) in [("/", false), ("/huge", true), ("/stream", true)] {
        let res = test::get(path)
            .header("accept-encoding", "gzip")
            .send(&app)
            .await;
        assert_eq!(
            res.header("content-encoding").is_some(),
            compressed,
            "{path}"
        );
    }
}
