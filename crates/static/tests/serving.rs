//! Which requests are answered from the folder, with which headers.

mod common;

use common::{app, Folder};
use shallot_core::{http::Method, test};
use shallot_static::{wrap_static, NotFound, CHUNK_SIZE};

#[tokio::test]
async fn files_are_served_with_type_length_and_validators() {
    let folder = Folder::new();
    folder.file("css/style.css", "body{}");
    folder.file("logo.png", [0x89, b'P', b'N', b'G']);
    folder.file("data.unknownext", "??");
    let app = app(wrap_static("/static", folder.root()).unwrap());
    for (path, content_type, body) in [
        (
            "/static/css/style.css",
            "text/css; charset=utf-8",
            &b"body{}"[..],
        ),
        (
            "/static/logo.png",
            "image/png",
            &[0x89, b'P', b'N', b'G'][..],
        ),
        ("/static/data.unknownext", "application/octet-stream", b"??"),
    ] {
        let res = test::get(path).send(&app).await;
        res.assert_status(200)
            .assert_header("content-type", content_type)
            .assert_header("content-length", &body.len().to_string())
            .assert_header("accept-ranges", "bytes")
            .assert_body(body);
        assert!(res.header("etag").unwrap().starts_with('"'));
        assert!(res.header("last-modified").unwrap().ends_with(" GMT"));
    }
}

#[tokio::test]
async fn head_has_the_same_headers_and_no_body() {
    let folder = Folder::new();
    folder.file("a.txt", "twelve bytes");
    let app = app(wrap_static("/static", folder.root()).unwrap());
    let get = test::get("/static/a.txt").send(&app).await;
    let head = test::head("/static/a.txt").send(&app).await;
    head.assert_status(200)
        .assert_body("")
        .assert_header("content-length", "12");
    for name in ["content-type", "etag", "last-modified", "accept-ranges"] {
        assert_eq!(get.header(name), head.header(name), "{name}");
    }
}

#[tokio::test]
async fn a_folder_serves_its_index_with_or_without_the_slash() {
    let folder = Folder::new();
    folder.file("index.html", "<h1>root</h1>");
    folder.file("docs/index.html", "<h1>docs</h1>");
    folder.file("empty/.keep", "");
    let app = app(wrap_static("/static", folder.root()).unwrap());
    for (path, body) in [
        ("/static", "<h1>root</h1>"),
        ("/static/", "<h1>root</h1>"),
        ("/static/docs", "<h1>docs</h1>"),
        ("/static/docs/", "<h1>docs</h1>"),
    ] {
        test::get(path)
            .send(&app)
            .await
            .assert_status(200)
            .assert_header("content-type", "text/html; charset=utf-8")
            .assert_body(body);
    }
    test::get("/static/empty/")
        .send(&app)
        .await
        .assert_status(418);
}

#[tokio::test]
async fn with_index_names_the_folder_file_or_turns_folders_off() {
    let folder = Folder::new();
    folder.file("index.html", "<h1>index</h1>");
    folder.file("home.txt", "home");
    folder.file("docs/home.txt", "docs home");
    let home = app(wrap_static("/static", folder.root())
        .unwrap()
        .with_index(Some("home.txt")));
    for (path, body) in [("/static/", "home"), ("/static/docs", "docs home")] {
        test::get(path)
            .send(&home)
            .await
            .assert_status(200)
            .assert_header("content-type", "text/plain; charset=utf-8")
            .assert_body(body);
    }
    let none = app(wrap_static("/static", folder.root())
        .unwrap()
        .with_index(None));
    for path in ["/static", "/static/", "/static/docs/"] {
        test::get(path).send(&none).await.assert_status(418);
    }
    // Files are still served; only folders have no index.
    test::get("/static/index.html")
        .send(&none)
        .await
        .assert_status(200)
        .assert_body("<h1>index</h1>");
}

#[tokio::test]
async fn missing_files_other_methods_and_other_prefixes_go_on_down_the_chain() {
    let folder = Folder::new();
    folder.file("a.txt", "a");
    let app = app(wrap_static("/static", folder.root()).unwrap());
    test::get("/static/missing.txt")
        .send(&app)
        .await
        .assert_status(418);
    test::request(Method::POST, "/static/a.txt")
        .send(&app)
        .await
        .assert_status(418);
    test::request(Method::DELETE, "/static/a.txt")
        .send(&app)
        .await
        .assert_status(418);
    test::get("/staticx/a.txt")
        .send(&app)
        .await
        .assert_status(418);
    test::get("/a.txt").send(&app).await.assert_status(418);
}

#[tokio::test]
async fn the_404_policy_answers_missing_files_itself() {
    let folder = Folder::new();
    let app = app(wrap_static("/static", folder.root())
        .unwrap()
        .with_not_found(NotFound::Answer404));
    test::get("/static/missing.txt")
        .send(&app)
        .await
        .assert_status(404)
        .assert_body("Not Found");
    test::head("/static/missing.txt")
        .send(&app)
        .await
        .assert_status(404)
        .assert_body("");
    // Other methods still go on: a route may take a POST under the prefix.
    test::request(Method::POST, "/static/x")
        .send(&app)
        .await
        .assert_status(418);
}

#[tokio::test]
async fn a_root_prefix_serves_everything() {
    let folder = Folder::new();
    folder.file("robots.txt", "User-agent: *");
    let app = app(wrap_static("/", folder.root()).unwrap());
    test::get("/robots.txt")
        .send(&app)
        .await
        .assert_body("User-agent: *");
}

#[tokio::test]
async fn large_files_are_streamed_in_chunks_with_their_length() {
    let folder = Folder::new();
    let big: Vec<u8> = (0..3 * 1024 * 1024 + 17).map(|i| (i % 251) as u8).collect();
    folder.file("big.bin", &big);
    let app = app(wrap_static("/static", folder.root()).unwrap());
    let res = test::get("/static/big.bin").send(&app).await;
    res.assert_status(200)
        .assert_header("content-length", &big.len().to_string());
    // Read chunk by chunk, never whole (its length is known, so it is not a "stream").
    assert!(
        res.chunks() >= big.len() / CHUNK_SIZE,
        "{} chunks",
        res.chunks()
    );
    assert!(res.body()[..] == big[..], "streamed bytes differ");
}

#[tokio::test]
async fn the_content_type_can_be_left_to_another_middleware() {
    let folder = Folder::new();
    folder.file("a.css", "x");
    let app = shallot_core::chain_middleware((wrap_static("/s", folder.root())
        .unwrap()
        .with_content_type(false),))
    .apply(|_req: shallot_core::Request| async { "" });
    test::get("/s/a.css")
        .send(&app)
        .await
        .assert_no_header("content-type");
}

#[tokio::test]
async fn cache_control_is_sent_when_configured() {
    let folder = Folder::new();
    folder.file("a.txt", "x");
    let middleware = wrap_static("/s", folder.root())
        .unwrap()
        .with_cache_control("public, max-age=60".parse().unwrap());
    test::get("/s/a.txt")
        .send(&app(middleware))
        .await
        .assert_header("cache-control", "public, max-age=60");
}

#[test]
fn a_missing_folder_or_a_bad_prefix_is_an_error_when_built() {
    assert!(wrap_static("/s", "/definitely/not/here").is_err());
    let folder = Folder::new();
    let file = folder.file("f", "x");
    assert!(wrap_static("/s", &file).is_err());
    assert!(wrap_static("s", folder.root()).is_err());
}

/// `FileIo::Inline` needs no blocking-pool thread: with the pool's only thread taken, an
/// inline lookup still answers; a pooled one answers once the thread is free.
#[test]
fn inline_file_io_does_not_wait_for_the_blocking_pool() {
    use shallot_static::FileIo;
    let folder = Folder::new();
    folder.file("a.txt", "inline");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .max_blocking_threads(1)
        .build()
        .unwrap();
    let (release, held) = std::sync::mpsc::channel::<()>();
    runtime.block_on(async {
        // The pool's one thread, busy until released.
        let busy = tokio::task::spawn_blocking(move || held.recv());
        let inline = shallot_core::chain_middleware((wrap_static("/s", folder.root())
            .unwrap()
            .with_file_io(FileIo::Inline),))
        .apply(|_req: shallot_core::Request| async { "" });
        // A pooled lookup would wait here until released: bounded, so that shows as a failure.
        let res = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            test::get("/s/a.txt").send(&inline),
        )
        .await
        .expect("the inline lookup answered without the blocking pool");
        assert_eq!(res.text(), "inline");

        let pooled = shallot_core::chain_middleware((wrap_static("/s", folder.root())
            .unwrap()
            .with_file_io(FileIo::BlockingPool),))
        .apply(|_req: shallot_core::Request| async { "" });
        let waiting = tokio::spawn(async move { test::get("/s/a.txt").send(&pooled).await });
        release.send(()).unwrap();
        busy.await.unwrap().unwrap();
        assert_eq!(waiting.await.unwrap().text(), "inline");
    });
}
