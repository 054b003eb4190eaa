//! `/static` in the showcase over a real socket: 200, 206, 304, 416, HEAD, index, and
//! nothing outside the folder whatever the bytes on the wire.

mod common;

use common::{get, raw, send, start, start_with};
use hyper::Method;

#[tokio::test]
async fn the_shipped_assets_are_served_with_their_types() {
    let app = start().await;
    for (path, content_type) in [
        ("/static/index.html", "text/html; charset=utf-8"),
        ("/static/css/style.css", "text/css; charset=utf-8"),
        ("/static/docs/hello.txt", "text/plain; charset=utf-8"),
        ("/static/shallot.png", "image/png"),
    ] {
        let res = get(&app.url(path)).await;
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(res.header("content-type"), Some(content_type), "{path}");
        assert!(res
            .header("etag")
            .is_some_and(|e| e.starts_with('"') && e.ends_with('"')));
        assert!(res.header("last-modified").is_some());
        assert_eq!(res.header("accept-ranges"), Some("bytes"));
        let on_disk = std::fs::read(common::static_dir().join(&path["/static/".len()..])).unwrap();
        assert_eq!(res.body, on_disk, "{path}");
    }
}

#[tokio::test]
async fn the_folder_index_and_head() {
    let app = start().await;
    let index = get(&app.url("/static/")).await;
    assert_eq!(index.status, 200);
    assert!(index.text().contains("shallot showcase"));
    assert_eq!(get(&app.url("/static")).await.body, index.body);

    let head = send(Method::HEAD, &app.url("/static/index.html"), &[], "").await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length").map(str::to_owned),
        Some(index.body.len().to_string())
    );
    assert_eq!(head.header("etag"), index.header("etag"));
}

#[tokio::test]
async fn validators_ranges_and_their_errors() {
    let app = start().await;
    let url = app.url("/static/docs/hello.txt");
    let first = get(&url).await;
    let etag = first.header("etag").unwrap().to_owned();
    let last_modified = first.header("last-modified").unwrap().to_owned();

    let res = send(Method::GET, &url, &[("if-none-match", &etag)], "").await;
    assert_eq!(res.status, 304);
    assert!(res.body.is_empty());
    let res = send(
        Method::GET,
        &url,
        &[("if-modified-since", &last_modified)],
        "",
    )
    .await;
    assert_eq!(res.status, 304);

    let res = send(Method::GET, &url, &[("range", "bytes=0-4")], "").await;
    assert_eq!(res.status, 206);
    assert_eq!(res.header("content-range"), Some("bytes 0-4/29"));
    assert_eq!(res.text(), "hello");

    let res = send(Method::GET, &url, &[("range", "bytes=-5")], "").await;
    assert_eq!((res.status.as_u16(), res.text()), (206, "lder\n"));

    let res = send(Method::GET, &url, &[("range", "bytes=1000-")], "").await;
    assert_eq!(res.status, 416);
    assert_eq!(res.header("content-range"), Some("bytes */29"));
    assert_eq!(
        res.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
}

#[tokio::test]
async fn a_missing_static_file_falls_through_to_404() {
    let app = start().await;
    let res = get(&app.url("/static/missing.txt")).await;
    assert_eq!((res.status.as_u16(), res.text()), (404, "Not Found"));
}

#[tokio::test]
async fn traversal_on_the_wire_never_serves_a_byte_outside() {
    let app = start().await;
    for target in [
        "/static/../Cargo.toml",
        "/static/../../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/%2e%2e/%2e%2e/Cargo.toml",
        "/static/..%2f..%2fCargo.toml",
        "/static/%252e%252e/%252e%252e/Cargo.toml",
        "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/Cargo.toml",
        "/static/..%5c..%5cCargo.toml",
        "/static/..\\..\\Cargo.toml",
        "/static/..;/..;/Cargo.toml",
        "/static/css/../../../Cargo.toml",
        "/static/index.html%00.txt",
        "/static//etc/passwd",
        "/static/C:/Windows/win.ini",
        "/static/%2fetc%2fpasswd",
    ] {
        let res = raw(
            app.addr,
            format!("GET {target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await;
        let status: u16 = res
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        assert!(status == 404 || status == 400, "{target}: {res}");
        assert!(
            !res.contains("[workspace]") && !res.contains("root:"),
            "{target} leaked: {res}"
        );
    }
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_escaping_the_folder_is_not_followed() {
    let base =
        std::env::temp_dir().join(format!("shallot-showcase-symlink-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(base.join("public")).unwrap();
    std::fs::write(base.join("secret.txt"), "SECRET").unwrap();
    std::fs::write(base.join("public/ok.txt"), "ok").unwrap();
    std::os::unix::fs::symlink(base.join("secret.txt"), base.join("public/escape.txt")).unwrap();

    let app = start_with(&base.join("public")).await;
    assert_eq!(get(&app.url("/static/ok.txt")).await.text(), "ok");
    let res = get(&app.url("/static/escape.txt")).await;
    assert_eq!(res.status, 404);
    assert!(!res.text().contains("SECRET"));
    std::fs::remove_dir_all(&base).unwrap();
}
