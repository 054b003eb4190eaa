//! When the middleware sets a content type, and which.

use shallot_content_type::{wrap_content_type, ContentTypeMiddleware};
use shallot_core::http::StatusCode;
use shallot_core::{chain_middleware, test, text, Body, ChainHandler, Request, Response};

async fn untyped(_req: Request) -> Body {
    Body::from("x")
}

fn app(middleware: ContentTypeMiddleware) -> ChainHandler {
    chain_middleware((test::lint(), middleware)).apply(untyped)
}

#[tokio::test]
async fn the_extension_gives_the_type() {
    let app = app(wrap_content_type());
    for (path, content_type) in [
        ("/index.html", "text/html; charset=utf-8"),
        ("/static/css/style.css", "text/css; charset=utf-8"),
        ("/logo.PNG", "image/png"),
        ("/a.json?x=1.txt", "application/json"),
        ("/archive.tar.gz", "application/gzip"),
        ("/no-extension", "application/octet-stream"),
        ("/weird.zzzz", "application/octet-stream"),
        ("/", "application/octet-stream"),
    ] {
        test::get(path)
            .send(&app)
            .await
            .assert_header("content-type", content_type);
    }
}

#[tokio::test]
async fn a_type_set_by_the_handler_is_kept() {
    let app = chain_middleware((test::lint(), wrap_content_type()))
        .apply(|_req: Request| async { text("plain") });
    test::get("/page.html")
        .send(&app)
        .await
        .assert_header("content-type", "text/plain; charset=utf-8");
}

#[tokio::test]
async fn bodiless_statuses_get_no_type() {
    for status in [StatusCode::NO_CONTENT, StatusCode::NOT_MODIFIED] {
        let app = chain_middleware((test::lint(), wrap_content_type()))
            .apply(move |_req: Request| async move { status });
        test::get("/a.html")
            .send(&app)
            .await
            .assert_no_header("content-type");
    }
}

#[tokio::test]
async fn head_answers_get_the_type_the_get_would_have() {
    test::head("/a.css")
        .send(&app(wrap_content_type()))
        .await
        .assert_header("content-type", "text/css; charset=utf-8")
        .assert_body("");
}

#[tokio::test]
async fn mappings_win_over_the_table_with_or_without_the_dot_in_any_case() {
    let middleware = wrap_content_type()
        .with_mapping(".JSON", "application/x-custom-json")
        .unwrap()
        .with_mapping("rcp", "text/x-recipe")
        .unwrap();
    let app = app(middleware);
    test::get("/a.json")
        .send(&app)
        .await
        .assert_header("content-type", "application/x-custom-json");
    test::get("/b.Rcp")
        .send(&app)
        .await
        .assert_header("content-type", "text/x-recipe; charset=utf-8");
}

#[tokio::test]
async fn the_default_can_be_changed() {
    let app = app(wrap_content_type().with_default("text/plain".parse().unwrap()));
    test::get("/nothing")
        .send(&app)
        .await
        .assert_header("content-type", "text/plain");
}

#[test]
fn an_invalid_mapping_is_an_error_when_building() {
    assert!(wrap_content_type().with_mapping("x", "bad\nvalue").is_err());
}

#[tokio::test]
async fn it_composes_with_an_error_answer_from_inside() {
    let app = chain_middleware((test::lint(), wrap_content_type()))
        .apply(|_req: Request| async { shallot_core::HttpError::not_found() });
    let res: Response = shallot_core::Handler::call(&app, test::get("/x.png").into_request()).await;
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
}
