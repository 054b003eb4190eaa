//! The parts of multipart bodies, well-formed or not, through the in-process client.

use shallot_core::{chain_middleware, test, ChainHandler, HttpError, Request};
use shallot_multipart::{wrap_multipart, MultipartExt, MultipartMiddleware};

/// Lists each part as `name|filename|content type|size` (or `name=value` for fields).
async fn summary(mut req: Request) -> Result<String, HttpError> {
    let mut parts = req.multipart()?;
    let mut lines = Vec::new();
    while let Some(mut part) = parts.next_part().await? {
        let name = part.name().unwrap_or("?").to_owned();
        if part.is_file() {
            let filename = part.filename().unwrap_or("?").to_owned();
            let content_type = part.content_type().unwrap_or("none").to_owned();
            let mut bytes = 0;
            while let Some(chunk) = part.chunk().await? {
                bytes += chunk.len();
            }
            lines.push(format!("{name}|{filename}|{content_type}|{bytes}"));
        } else {
            lines.push(format!("{name}={}", part.text().await?));
        }
    }
    Ok(format!("[{}]", lines.join(";")))
}

fn app(options: MultipartMiddleware) -> ChainHandler {
    chain_middleware((test::lint(), options)).apply(summary)
}

async fn send(body: impl Into<bytes::Bytes>, options: MultipartMiddleware) -> test::TestResponse {
    test::post("/upload", body)
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .send(&app(options))
        .await
}

#[tokio::test]
async fn well_formed_bodies_give_their_parts_in_order() {
    let cases: &[(&str, &str)] = &[
        (
            "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\nContent-Type: text/plain\r\n\r\nabc\r\n\
             --XyZ--\r\n",
            "[a=one;f|x.txt|text/plain|3]",
        ),
        // An empty filename still makes a file; no Content-Type is reported as none.
        (
            "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n\r\n\r\n--XyZ--\r\n",
            "[f||none|0]",
        ),
        // Preamble and epilogue are ignored (RFC 2046).
        (
            "this is a preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ--\r\nepilogue here",
            "[a=1]",
        ),
        // Only the closing boundary: no part.
        ("--XyZ--\r\n", "[]"),
    ];
    for (body, expected) in cases {
        send(*body, MultipartMiddleware::new())
            .await
            .assert_status(200)
            .assert_body(*expected);
    }
}

#[tokio::test]
async fn malformed_bodies_are_400() {
    for body in [
        // Truncated inside a part.
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc",
        // No final boundary.
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc\r\n",
        // Headers never end.
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"",
        // No boundary at all.
        "just some bytes",
    ] {
        send(body, MultipartMiddleware::new())
            .await
            .assert_status(400)
            .assert_body("Bad Request: malformed multipart body");
    }
}

#[tokio::test]
async fn other_content_types_are_415_and_a_missing_boundary_is_400() {
    let app = app(MultipartMiddleware::new());
    for content_type in [
        None,
        Some("application/json"),
        Some("multipart/mixed; boundary=a"),
    ] {
        let mut req = test::post("/upload", "x");
        if let Some(content_type) = content_type {
            req = req.header("content-type", content_type);
        }
        req.send(&app)
            .await
            .assert_status(415)
            .assert_header("accept", "multipart/form-data");
    }
    for content_type in ["multipart/form-data", "multipart/form-data; boundary="] {
        test::post("/upload", "x")
            .header("content-type", content_type)
            .send(&app)
            .await
            .assert_status(400)
            .assert_body("Bad Request: multipart/form-data without a boundary");
    }
    // Without the middleware, the extension applies the same rule.
    test::post("/upload", "x")
        .header("content-type", "text/plain")
        .send(&summary)
        .await
        .assert_status(415);
}

fn field_of(len: usize) -> String {
    format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n{}\r\n--XyZ--\r\n",
        "v".repeat(len)
    )
}

#[tokio::test]
async fn a_field_is_held_to_its_limit_and_exactly_the_limit_is_accepted() {
    let options = MultipartMiddleware::new().with_max_field_bytes(10);
    send(field_of(10), options)
        .await
        .assert_status(200)
        .assert_body(format!("[a={}]", "v".repeat(10)));
    send(field_of(11), options)
        .await
        .assert_status(413)
        .assert_body("Payload Too Large: a form field is over its limit");
    // The default is 64 KiB.
    send(field_of(64 * 1024), MultipartMiddleware::new())
        .await
        .assert_status(200);
    send(field_of(64 * 1024 + 1), MultipartMiddleware::new())
        .await
        .assert_status(413);
}

#[tokio::test]
async fn a_file_is_not_held_to_the_field_limit_but_to_the_body_limit() {
    let body = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big\"\r\n\r\n{}\r\n--XyZ--\r\n",
        "x".repeat(1000)
    );
    let options = MultipartMiddleware::new().with_max_field_bytes(10);
    send(body.clone(), options)
        .await
        .assert_status(200)
        .assert_body("[f|big|none|1000]");
    // Streamed in small chunks, over the body limit: refused while arriving.
    let chunks: Vec<bytes::Bytes> = body
        .as_bytes()
        .chunks(100)
        .map(bytes::Bytes::copy_from_slice)
        .collect();
    test::post("/upload", "")
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body_chunks(chunks)
        .body_limit(500)
        .send(&app(options))
        .await
        .assert_status(413)
        .assert_body("Payload Too Large");
}

#[tokio::test]
async fn more_parts_than_the_limit_is_413() {
    let part = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n";
    let options = MultipartMiddleware::new().with_max_parts(3);
    send(format!("{}--XyZ--\r\n", part.repeat(3)), options)
        .await
        .assert_status(200);
    send(format!("{}--XyZ--\r\n", part.repeat(4)), options)
        .await
        .assert_status(413)
        .assert_body("Payload Too Large: too many parts");
}

#[tokio::test]
async fn wrap_multipart_makes_the_default_middleware() {
    assert_eq!(wrap_multipart(), MultipartMiddleware::default());
}
