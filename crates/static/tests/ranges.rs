//! Byte ranges: 206, 416, and when the whole file is sent instead.

mod common;

use common::{app, Folder};
use shallot_core::test;
use shallot_static::wrap_static;

const DIGITS: &str = "0123456789";

fn folder_with_digits() -> Folder {
    let folder = Folder::new();
    folder.file("d.txt", DIGITS);
    folder
}

#[tokio::test]
async fn satisfiable_ranges_get_206_with_content_range() {
    let folder = folder_with_digits();
    let app = app(wrap_static("/s", folder.root()).unwrap());
    for (range, content_range, body) in [
        ("bytes=0-0", "bytes 0-0/10", "0"),
        ("bytes=2-5", "bytes 2-5/10", "2345"),
        ("bytes=7-", "bytes 7-9/10", "789"),
        ("bytes=-3", "bytes 7-9/10", "789"),
        ("bytes=8-100", "bytes 8-9/10", "89"),
        ("bytes=-100", "bytes 0-9/10", DIGITS),
    ] {
        test::get("/s/d.txt")
            .header("range", range)
            .send(&app)
            .await
            .assert_status(206)
            .assert_header("content-range", content_range)
            .assert_header("content-length", &body.len().to_string())
            .assert_header("content-type", "text/plain; charset=utf-8")
            .assert_body(body);
    }
}

#[tokio::test]
async fn unsatisfiable_ranges_get_416_with_the_length() {
    let folder = folder_with_digits();
    folder.file("empty.txt", "");
    let app = app(wrap_static("/s", folder.root()).unwrap());
    for (path, range, length) in [
        ("/s/d.txt", "bytes=10-", "10"),
        ("/s/d.txt", "bytes=50-60", "10"),
        ("/s/d.txt", "bytes=-0", "10"),
        ("/s/empty.txt", "bytes=0-", "0"),
    ] {
        test::get(path)
            .header("range", range)
            .send(&app)
            .await
            .assert_status(416)
            .assert_header("content-range", &format!("bytes */{length}"))
            .assert_body("Range Not Satisfiable");
    }
}

#[tokio::test]
async fn several_ranges_bad_syntax_and_other_units_get_the_whole_file() {
    let folder = folder_with_digits();
    let app = app(wrap_static("/s", folder.root()).unwrap());
    for range in [
        "bytes=0-1,4-5",
        "bytes=5-2",
        "bytes=x-y",
        "lines=1-2",
        "bytes 0-1",
    ] {
        test::get("/s/d.txt")
            .header("range", range)
            .send(&app)
            .await
            .assert_status(200)
            .assert_no_header("content-range")
            .assert_body(DIGITS);
    }
}

#[tokio::test]
async fn if_range_honours_the_range_only_while_the_validator_matches() {
    let folder = folder_with_digits();
    let app = app(wrap_static("/s", folder.root()).unwrap());
    let first = test::get("/s/d.txt").send(&app).await;
    let etag = first.header("etag").unwrap().to_owned();
    let date = first.header("last-modified").unwrap().to_owned();
    for (if_range, status) in [
        (etag.as_str(), 206),
        (date.as_str(), 206),
        ("\"stale\"", 200),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 200),
    ] {
        test::get("/s/d.txt")
            .header("range", "bytes=0-1")
            .header("if-range", if_range)
            .send(&app)
            .await
            .assert_status(status);
    }
    let weak = format!("W/{etag}");
    test::get("/s/d.txt")
        .header("range", "bytes=0-1")
        .header("if-range", &weak)
        .send(&app)
        .await
        .assert_status(200);
}

#[tokio::test]
async fn head_ignores_range() {
    let folder = folder_with_digits();
    let app = app(wrap_static("/s", folder.root()).unwrap());
    test::head("/s/d.txt")
        .header("range", "bytes=0-1")
        .send(&app)
        .await
        .assert_status(200)
        .assert_header("content-length", "10");
}

#[tokio::test]
async fn ranges_of_a_streamed_file_are_exact() {
    let folder = Folder::new();
    let big: Vec<u8> = (0..2 * 1024 * 1024).map(|i| (i % 253) as u8).collect();
    folder.file("big.bin", &big);
    let app = app(wrap_static("/s", folder.root()).unwrap());
    let start = 1_500_000;
    let end = 1_700_000;
    let res = test::get("/s/big.bin")
        .header("range", &format!("bytes={start}-{end}"))
        .send(&app)
        .await;
    res.assert_status(206).assert_header(
        "content-range",
        &format!("bytes {start}-{end}/{}", big.len()),
    );
    assert!(res.body()[..] == big[start..=end]);
}
