//! What the file cache keeps, for how long, and what it never changes.

mod common;

use std::time::Duration;

use common::Folder;
use shallot_core::{chain_middleware, test, ChainHandler, HttpError, Request};
use shallot_static::{wrap_static, FileCache, StaticMiddleware};

/// `middleware` with `cache` (and the test run's file I/O mode) in a linted pile whose default
/// handler answers 418, so a request the folder does not answer is seen.
fn cached(middleware: StaticMiddleware, cache: FileCache) -> ChainHandler {
    chain_middleware((
        test::lint(),
        middleware
            .with_file_io(common::file_io())
            .with_file_cache(cache),
    ))
    .apply(|_req: Request| async {
        HttpError::from_status(shallot_core::http::StatusCode::IM_A_TEAPOT)
    })
}

const AN_HOUR: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn within_its_window_a_file_is_answered_from_memory_as_it_was() {
    let folder = Folder::new();
    folder.file("app.js", "let a = 1;");
    let app = cached(
        wrap_static("/static", folder.root()).unwrap(),
        FileCache::new().with_fresh_for(AN_HOUR),
    );
    let first = test::get("/static/app.js").send(&app).await;
    first
        .assert_status(200)
        .assert_header("content-type", "text/javascript; charset=utf-8")
        .assert_body("let a = 1;");
    let etag = first.header("etag").expect("an etag").to_owned();

    // Changed, then removed, on disk: the window's documented trade.
    folder.file("app.js", "let a = 2; // longer");
    let second = test::get("/static/app.js").send(&app).await;
    second.assert_status(200).assert_body("let a = 1;");
    assert_eq!(second.header("etag"), Some(&*etag));
    std::fs::remove_file(folder.root().join("app.js")).unwrap();
    test::get("/static/app.js")
        .send(&app)
        .await
        .assert_status(200)
        .assert_body("let a = 1;");

    // Every request rule still applies to the answer from memory.
    test::get("/static/app.js")
        .header("if-none-match", &etag)
        .send(&app)
        .await
        .assert_status(304)
        .assert_header("etag", &etag)
        .assert_header(
            "last-modified",
            first.header("last-modified").expect("a date"),
        )
        .assert_no_header("content-type")
        .assert_no_header("accept-ranges")
        .assert_body("");
    test::get("/static/app.js")
        .header("range", "bytes=4-4")
        .send(&app)
        .await
        .assert_status(206)
        .assert_header("content-range", "bytes 4-4/10")
        .assert_body("a");
    test::request(shallot_core::http::Method::HEAD, "/static/app.js")
        .send(&app)
        .await
        .assert_status(200)
        .assert_header("content-length", "10")
        .assert_body("");
}

#[tokio::test]
async fn after_its_window_a_file_is_looked_up_again() {
    let folder = Folder::new();
    folder.file("app.js", "let a = 1;");
    folder.file("gone.txt", "here");
    let window = Duration::from_millis(20);
    let app = cached(
        wrap_static("/static", folder.root()).unwrap(),
        FileCache::new().with_fresh_for(window),
    );
    let first = test::get("/static/app.js").send(&app).await;
    first.assert_body("let a = 1;");
    test::get("/static/gone.txt")
        .send(&app)
        .await
        .assert_body("here");

    folder.file("app.js", "let a = 2; // longer");
    std::fs::remove_file(folder.root().join("gone.txt")).unwrap();
    // The window is what is under test: past it, whatever the machine's load.
    std::thread::sleep(window * 3);

    let second = test::get("/static/app.js").send(&app).await;
    second
        .assert_status(200)
        .assert_body("let a = 2; // longer");
    assert_ne!(second.header("etag"), first.header("etag"));
    test::get("/static/gone.txt")
        .send(&app)
        .await
        .assert_status(418);
}

#[tokio::test]
async fn files_over_the_size_limit_are_served_but_not_kept() {
    let folder = Folder::new();
    folder.file("big.txt", "0123456789");
    let app = cached(
        wrap_static("/static", folder.root()).unwrap(),
        FileCache::new()
            .with_fresh_for(AN_HOUR)
            .with_max_file_bytes(9),
    );
    test::get("/static/big.txt")
        .send(&app)
        .await
        .assert_body("0123456789");
    folder.file("big.txt", "9876543210");
    test::get("/static/big.txt")
        .send(&app)
        .await
        .assert_body("9876543210");
}

#[tokio::test]
async fn precompressed_siblings_are_kept_per_accept_encoding() {
    let folder = Folder::new();
    folder.file("site.css", "body{}");
    folder.file("site.css.gz", "gzip bytes");
    let app = cached(
        wrap_static("/static", folder.root())
            .unwrap()
            .with_precompressed(true),
        FileCache::new().with_fresh_for(AN_HOUR),
    );
    for _ in 0..2 {
        test::get("/static/site.css")
            .header("accept-encoding", "gzip")
            .send(&app)
            .await
            .assert_header("content-encoding", "gzip")
            .assert_header("vary", "accept-encoding")
            .assert_body("gzip bytes");
        test::get("/static/site.css")
            .send(&app)
            .await
            .assert_no_header("content-encoding")
            .assert_header("vary", "accept-encoding")
            .assert_body("body{}");
    }
}

#[tokio::test]
async fn traversal_is_refused_before_the_cache_is_asked() {
    let folder = Folder::new();
    folder.file("public/a.txt", "inside");
    folder.file("secret.txt", "outside");
    let app = cached(
        wrap_static("/static", folder.root().join("public")).unwrap(),
        FileCache::new().with_fresh_for(AN_HOUR),
    );
    test::get("/static/a.txt")
        .send(&app)
        .await
        .assert_body("inside");
    for path in [
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/a.txt/../../secret.txt",
    ] {
        let res = test::get(path).send(&app).await;
        assert_ne!(res.body(), &b"outside"[..], "{path}");
        assert_ne!(res.status(), 200, "{path}");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn a_file_swapped_for_a_link_out_of_the_folder_is_refused_once_looked_up_again() {
    let folder = Folder::new();
    folder.file("public/page.html", "inside");
    folder.file("secret.txt", "outside");
    let window = Duration::from_millis(20);
    let app = cached(
        wrap_static("/static", folder.root().join("public")).unwrap(),
        FileCache::new().with_fresh_for(window),
    );
    test::get("/static/page.html")
        .send(&app)
        .await
        .assert_body("inside");

    let page = folder.root().join("public/page.html");
    std::fs::remove_file(&page).unwrap();
    std::os::unix::fs::symlink(folder.root().join("secret.txt"), &page).unwrap();
    std::thread::sleep(window * 3);

    let res = test::get("/static/page.html").send(&app).await;
    assert_ne!(res.body(), &b"outside"[..]);
    res.assert_status(418);
}
