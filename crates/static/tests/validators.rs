//! ETag and Last-Modified, 304 and 412.

mod common;

use std::time::{Duration, SystemTime};

use common::{app, Folder};
use shallot_core::test;
use shallot_static::wrap_static;

#[tokio::test]
async fn a_matching_etag_or_a_recent_date_gets_304_without_a_body() {
    let folder = Folder::new();
    folder.file("a.txt", "content");
    let app = app(wrap_static("/s", folder.root()).unwrap());
    let first = test::get("/s/a.txt").send(&app).await;
    let etag = first.header("etag").unwrap().to_owned();
    let last_modified = first.header("last-modified").unwrap().to_owned();

    for (name, value) in [
        ("if-none-match", etag.clone()),
        ("if-none-match", format!("W/{etag}")),
        ("if-none-match", format!("\"nope\", {etag}")),
        ("if-none-match", "*".to_owned()),
        ("if-modified-since", last_modified.clone()),
        (
            "If-Modified-Since",
            httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(60)),
        ),
    ] {
        test::get("/s/a.txt")
            .header(name, &value)
            .send(&app)
            .await
            .assert_status(304)
            .assert_body("")
            .assert_header("etag", &etag)
            .assert_header("last-modified", &last_modified);
    }
    test::head("/s/a.txt")
        .header("if-none-match", &etag)
        .send(&app)
        .await
        .assert_status(304);
}

#[tokio::test]
async fn a_stale_validator_gets_the_file() {
    let folder = Folder::new();
    folder.file("a.txt", "content");
    let app = app(wrap_static("/s", folder.root()).unwrap());
    let old = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(3600));
    test::get("/s/a.txt")
        .header("if-none-match", "\"other\"")
        .send(&app)
        .await
        .assert_status(200);
    test::get("/s/a.txt")
        .header("if-modified-since", &old)
        .send(&app)
        .await
        .assert_status(200);
    test::get("/s/a.txt")
        .header("if-modified-since", "not a date")
        .send(&app)
        .await
        .assert_status(200);
    // If-None-Match takes precedence over If-Modified-Since (RFC 9110 §13.2.2).
    let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(60));
    test::get("/s/a.txt")
        .header("if-none-match", "\"other\"")
        .header("if-modified-since", &future)
        .send(&app)
        .await
        .assert_status(200);
}

#[tokio::test]
async fn the_etag_changes_whenever_the_content_changes_even_at_the_same_size_and_instant() {
    let folder = Folder::new();
    let path = folder.file("a.txt", "aaaa");
    let app = app(wrap_static("/s", folder.root()).unwrap());
    let before = test::get("/s/a.txt").send(&app).await;
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::fs::write(&path, "bbbb").unwrap();
    // Put the modification time back: only the content differs now.
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let after = test::get("/s/a.txt").send(&app).await;
    after.assert_body("bbbb");
    assert_ne!(before.header("etag"), after.header("etag"));
    test::get("/s/a.txt")
        .header("if-none-match", before.header("etag").unwrap())
        .send(&app)
        .await
        .assert_status(200);
}

#[tokio::test]
async fn the_etag_changes_with_size_and_with_time() {
    let folder = Folder::new();
    let path = folder.file("a.txt", "aaaa");
    let app = app(wrap_static("/s", folder.root()).unwrap());
    let first = test::get("/s/a.txt")
        .send(&app)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    std::fs::write(&path, "aaaaa").unwrap();
    let grown = test::get("/s/a.txt")
        .send(&app)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    assert_ne!(first, grown);
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(86_400))
        .unwrap();
    let touched = test::get("/s/a.txt")
        .send(&app)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    assert_ne!(grown, touched);
}

#[tokio::test]
async fn failed_preconditions_are_412() {
    let folder = Folder::new();
    folder.file("a.txt", "content");
    let app = app(wrap_static("/s", folder.root()).unwrap());
    let etag = test::get("/s/a.txt")
        .send(&app)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    test::get("/s/a.txt")
        .header("if-match", "\"other\"")
        .send(&app)
        .await
        .assert_status(412);
    test::get("/s/a.txt")
        .header("if-match", &etag)
        .send(&app)
        .await
        .assert_status(200);
    let long_ago = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(86_400 * 365));
    test::get("/s/a.txt")
        .header("if-unmodified-since", &long_ago)
        .send(&app)
        .await
        .assert_status(412);
}

#[tokio::test]
async fn head_gets_412_too_and_a_304_keeps_cache_control() {
    let folder = Folder::new();
    folder.file("a.txt", "content");
    let middleware = wrap_static("/s", folder.root())
        .unwrap()
        .with_cache_control("public, max-age=60".parse().unwrap());
    let app = app(middleware);
    test::head("/s/a.txt")
        .header("if-match", "\"other\"")
        .send(&app)
        .await
        .assert_status(412)
        .assert_body("");
    let etag = test::get("/s/a.txt")
        .send(&app)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    // RFC 9110 §15.4.5: a 304 carries the Cache-Control the 200 would.
    test::get("/s/a.txt")
        .header("if-none-match", &etag)
        .send(&app)
        .await
        .assert_status(304)
        .assert_header("cache-control", "public, max-age=60")
        .assert_header("etag", &etag);
}
