//! Precompressed siblings: off by default, then chosen by Accept-Encoding.

mod common;

use common::{app, Folder};
use shallot_core::test;
use shallot_static::wrap_static;

fn folder() -> Folder {
    let folder = Folder::new();
    folder.file("app.js", "plain js");
    folder.file("app.js.gz", "gzip bytes");
    folder.file("app.js.br", "brotli bytes");
    folder.file("only-gz.css", "plain css");
    folder.file("only-gz.css.gz", "gz css");
    folder
}

#[tokio::test]
async fn off_by_default() {
    let folder = folder();
    let app = app(wrap_static("/s", folder.root()).unwrap());
    test::get("/s/app.js")
        .header("accept-encoding", "br, gzip")
        .send(&app)
        .await
        .assert_body("plain js")
        .assert_no_header("content-encoding")
        .assert_no_header("vary");
}

#[tokio::test]
async fn the_best_accepted_sibling_is_served_with_its_encoding_and_the_original_type() {
    let folder = folder();
    let app = app(wrap_static("/s", folder.root())
        .unwrap()
        .with_precompressed(true));
    for (accept, path, body, encoding) in [
        ("br, gzip", "/s/app.js", "brotli bytes", Some("br")),
        ("gzip", "/s/app.js", "gzip bytes", Some("gzip")),
        ("br;q=0, gzip", "/s/app.js", "gzip bytes", Some("gzip")),
        ("identity", "/s/app.js", "plain js", None),
        ("br", "/s/only-gz.css", "plain css", None),
        ("*", "/s/only-gz.css", "gz css", Some("gzip")),
    ] {
        let res = test::get(path)
            .header("accept-encoding", accept)
            .send(&app)
            .await;
        res.assert_status(200)
            .assert_body(body)
            .assert_header("vary", "accept-encoding");
        assert_eq!(res.header("content-encoding"), encoding, "{accept} {path}");
        let expected_type = if path.ends_with(".js") {
            "text/javascript; charset=utf-8"
        } else {
            "text/css; charset=utf-8"
        };
        res.assert_header("content-type", expected_type);
    }
}

#[tokio::test]
async fn each_encoding_has_its_own_etag() {
    let folder = folder();
    let app = app(wrap_static("/s", folder.root())
        .unwrap()
        .with_precompressed(true));
    let plain = test::get("/s/app.js").send(&app).await;
    let brotli = test::get("/s/app.js")
        .header("accept-encoding", "br")
        .send(&app)
        .await;
    assert_ne!(plain.header("etag"), brotli.header("etag"));
}

#[cfg(unix)]
#[tokio::test]
async fn a_sibling_linked_out_of_the_folder_follows_the_symlink_rules() {
    use shallot_static::Symlinks;

    let outside = Folder::new();
    let secret = outside.file("secret.gz", "outside bytes");
    let folder = Folder::new();
    folder.file("app.js", "plain js");
    std::os::unix::fs::symlink(&secret, folder.root().join("app.js.gz")).unwrap();
    // A sibling linked to a file inside the folder is a sibling like any other.
    folder.file("real/style.css.br", "brotli css");
    folder.file("style.css", "plain css");
    std::os::unix::fs::symlink(
        folder.root().join("real/style.css.br"),
        folder.root().join("style.css.br"),
    )
    .unwrap();

    let inside_only = app(wrap_static("/s", folder.root())
        .unwrap()
        .with_precompressed(true));
    test::get("/s/app.js")
        .header("accept-encoding", "gzip")
        .send(&inside_only)
        .await
        .assert_status(200)
        .assert_body("plain js")
        .assert_no_header("content-encoding");
    test::get("/s/style.css")
        .header("accept-encoding", "br")
        .send(&inside_only)
        .await
        .assert_body("brotli css")
        .assert_header("content-encoding", "br")
        .assert_header("content-type", "text/css; charset=utf-8");

    let follow = app(wrap_static("/s", folder.root())
        .unwrap()
        .with_precompressed(true)
        .with_symlinks(Symlinks::Follow));
    test::get("/s/app.js")
        .header("accept-encoding", "gzip")
        .send(&follow)
        .await
        .assert_body("outside bytes")
        .assert_header("content-encoding", "gzip")
        .assert_header("content-type", "text/javascript; charset=utf-8");
}
